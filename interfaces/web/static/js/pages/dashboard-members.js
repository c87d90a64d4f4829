// The dashboard's 委员履职 cards: members by 界别 and by 协商议事平台 (those active this year
// beside those not yet), and the members not yet active, by name. Read on their own
// (`participationBySector`…), for the roles that read members' records: a committee reads the
// rest of the dashboard without these cards.

import { gql } from "../api.js";
import { stacked } from "../charts.js";
import { h, link, mount, section } from "../dom.js";
import { go } from "../router.js";
import { points, readsMembers } from "./member-common.js";

const QUERY = `query DashboardMembers($filter: DashboardFilter) { dashboard(filter: $filter) {
  participationBySector { sector members activeMembers points }
  participationByPlatform { platformId platformName members activeMembers points }
  inactiveMembers { id name sector platformName }
} }`;
const SHOWN_INACTIVE = 60;
const ACTIVE = { label: "已履职", colour: "#2e7d4f" };
const INACTIVE = { label: "尚未履职", colour: "#c4cad1" };

/** The cards, and `refresh()` that fills them (null when the role may not read them); the
 * year is the dashboard filter's (`year`), else this year. */
export async function memberCards(filter, year) {
  if (!readsMembers()) return null;
  const first = (await gql(QUERY, { filter: { ...filter, year } })).dashboard;
  const sectors = chartCard("sectors", `委员履职(按界别,${year} 年度)`);
  const platforms = chartCard("member-platforms", `委员履职(按协商议事平台,${year} 年度)`);
  const inactive = h("div", { id: "inactive-members" });
  const inactiveCard = section(`${year} 年度尚未履职的委员`, inactive);
  inactiveCard.classList.add("chart-card", "wide");
  inactiveCard.dataset.card = "inactive-members";
  const draw = (d) => {
    sectors.draw(
      d.participationBySector.map((s) => ({
        ...s,
        label: s.sector,
        href: `#/members?year=${year}&sector=${encodeURIComponent(s.sector)}`,
      })),
    );
    platforms.draw(
      d.participationByPlatform.map((p) => ({
        ...p,
        label: p.platformName,
        href: `#/members?year=${year}&platformId=${p.platformId}`,
      })),
    );
    drawInactive(inactive, d.inactiveMembers, year);
  };
  let read = first; // drawn as the dashboard first draws, read again as it refreshes
  return {
    cards: [sectors.card, platforms.card, inactiveCard],
    refresh: async () => {
      draw(read || (await gql(QUERY, { filter: { ...filter, year } })).dashboard);
      read = null;
    },
  };
}

/** Active and not-yet-active members stacked per 界别 or platform; the numbers beside it as
 * links (the same drill-down without a pointer): active, of all, and the points. */
function chartCard(key, title) {
  const chart = h("div", {
    class: "chart",
    dataset: { chart: key },
    role: "img",
    "aria-label": `${title}统计图,点击图形可查看委员名单`,
  });
  const list = h("ul", { class: "chart-data" });
  const card = h(
    "section",
    { class: "card chart-card", dataset: { card: key } },
    h("h2", {}, title),
    chart,
    h("details", {}, h("summary", {}, "查看数据"), list),
  );
  const draw = (rows) => {
    const series = [
      { ...ACTIVE, counts: rows.map((r) => r.activeMembers) },
      { ...INACTIVE, counts: rows.map((r) => r.members - r.activeMembers) },
    ];
    const labels = rows.map((r) => r.label);
    stacked(chart, labels, series, (label) => go(rows[labels.indexOf(label)].href), {
      horizontal: true,
    });
    mount(
      list,
      rows.map((r) =>
        h(
          "li",
          { dataset: { members: r.members, points: r.points } },
          link(r.href, r.label),
          h("strong", {}, r.activeMembers),
          h("span", { class: "muted" }, ` / ${r.members} 人已履职 · 积分 ${points(r.points)}`),
        ),
      ),
    );
  };
  return { card, draw };
}

function drawInactive(element, members, year) {
  if (!members.length) return mount(element, h("p", { class: "muted empty" }, "本年度委员均已履职"));
  const shown = members.slice(0, SHOWN_INACTIVE);
  const more = members.length - shown.length;
  return mount(
    element,
    h("p", { class: "muted" }, `共 ${members.length} 人`),
    h(
      "ul",
      { class: "inactive-members" },
      shown.map((m) =>
        h(
          "li",
          {},
          link(`#/members/${m.id}?year=${year}`, m.name),
          h("span", { class: "muted" }, `(${m.sector} · ${m.platformName})`),
        ),
      ),
    ),
    more > 0 && link(`#/members?year=${year}`, `另有 ${more} 人,查看委员履职`),
  );
}
