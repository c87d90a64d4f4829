// 领导驾驶舱: open, overdue, due-soon and resolved items; overdue items by unit; matters by
// status, channel, category, platform, committee and exclusion ground; items by unit;
// consultations by form and month; median days; members by 界别 and platform, and those not
// yet active this year (dashboard-members.js). Every chart opens the
// list behind it; the page refreshes itself when the log grows.

import { gql } from "../api.js";
import { disposeAll } from "../charts.js";
import { h, link, mount, table } from "../dom.js";
import { days } from "../format.js";
import { watchLog } from "../live.js";
import * as session from "../session.js";
import { terms } from "../vocab.js";
import { CHARTS, chartCard } from "./dashboard-charts.js";
import { filterForm, readFilter, scopeOf } from "./dashboard-filters.js";
import { yearOf } from "./member-common.js";
import { memberCards } from "./dashboard-members.js";

const COUNTS = "key label count";
const QUERY = `query Dashboard($filter: DashboardFilter) { dashboard(filter: $filter) {
  topicsTotal itemsOpen itemsOverdue itemsResolved medianDaysToApproval medianDaysToResolve
  topicsByStatus { ${COUNTS} } topicsByChannel { ${COUNTS} } topicsByCategory { ${COUNTS} }
  topicsByPlatform { ${COUNTS} } topicsByCommittee { ${COUNTS} }
  topicsByExclusionGround { ${COUNTS} }
  consultationsByForm { ${COUNTS} } consultationsByMonth { month form label count }
  consultationMonthsFrom consultationMonthsTo
  itemsByStatus { ${COUNTS} } itemsByUnit { ${COUNTS} } itemsDueSoon dueSoonWorkingDays
  overdueByUnit { unitId unitName count oldestItemId oldestSeqNo oldestSubject oldestDueOn }
  calendarWarning
} }`;
const VOCABULARIES = [
  "TopicStatus",
  "Channel",
  "Category",
  "ExclusionGround",
  "ConsultationForm",
  "ItemStatus",
];
const MODES = {
  subscribed: "实时更新:已订阅事件流,有新事件即刷新",
  polling: "实时更新:事件订阅暂不可用,每10秒自动刷新",
};

export async function render(view, { query }) {
  const filter = readFilter(query);
  const scope = scopeOf(query);
  const lists = await Promise.all(VOCABULARIES.map((n) => terms(n)));
  const vocab = Object.fromEntries(VOCABULARIES.map((n, i) => [n, lists[i]]));
  const live = h("span", { class: "live", role: "status", id: "live-mode" }, "正在连接实时更新…");
  const stamp = h("span", { class: "muted", id: "refreshed-at" });
  const tiles = h("div", { class: "tiles", id: "kpis" });
  const warning = h("div", { id: "calendar-warning" });
  const cards = CHARTS.map(chartCard);
  const overdue = h("div", { id: "overdue-by-unit" });
  const members = await memberCards(filter, yearOf(query));
  mount(
    view,
    h(
      "div",
      { class: "page-head" },
      h("h1", {}, "领导驾驶舱"),
      h("div", { class: "live-bar" }, live, stamp),
    ),
    warning,
    await filterForm(query),
    tiles,
    h(
      "div",
      { class: "charts" },
      h(
        "section",
        { class: "card chart-card wide", dataset: { card: "overdue-units" } },
        h("h2", {}, "逾期督办事项(按交办单位)"),
        overdue,
      ),
      cards.map((c) => c.card),
      members?.cards,
    ),
  );

  const refresh = async () => {
    const { dashboard } = await gql(QUERY, { filter });
    drawTiles(tiles, dashboard, scope);
    drawWarning(warning, dashboard.calendarWarning);
    drawOverdue(overdue, dashboard.overdueByUnit, scope);
    cards.forEach((c) => c.draw(dashboard, vocab, scope));
    if (members) await members.refresh();
    stamp.textContent = `更新于 ${new Date().toLocaleTimeString("zh-CN", { hour12: false })}`;
  };
  await refresh();
  const stop = watchLog({
    cursor: session.current().liveCursor,
    changed: () => refresh().catch(() => {}),
    mode: (kind) => {
      live.textContent = MODES[kind];
      live.dataset.mode = kind;
    },
  });
  return () => {
    stop();
    disposeAll();
  };
}

/** The missing holiday schedule, with the way to enter it for the administrator. */
function drawWarning(element, text) {
  if (!text) return mount(element);
  const enter = session.role() === "ADMIN" && h("a", { href: "#/calendar" }, "录入节假日安排");
  return mount(element, h("div", { class: "notice warning", role: "status" }, text, " ", enter));
}

function drawTiles(tiles, d, scope) {
  mount(
    tiles,
    tile("协商事项总数", d.topicsTotal, `#/topics?${scope.topics.slice(1)}`, "total"),
    tile("督办办理中", d.itemsOpen, `#/items?open=1${scope.items}`, "open"),
    tile(
      "已逾期",
      d.itemsOverdue,
      `#/items?overdue=1${scope.items}`,
      "overdue",
      d.itemsOverdue ? "alarm" : "",
    ),
    tile(
      `${d.dueSoonWorkingDays}个工作日内到期`,
      d.itemsDueSoon,
      `#/items?dueWithin=${d.dueSoonWorkingDays}${scope.items}`,
      "due-soon",
      d.itemsDueSoon ? "warn" : "",
    ),
    tile("已办结", d.itemsResolved, `#/items?status=RESOLVED${scope.items}`, "resolved"),
    tile(
      "提出至确定议题(中位数)",
      days(d.medianDaysToApproval),
      `#/topics?status=APPROVED${scope.topics}`,
      "approval-days",
    ),
    tile(
      "交办至办结(中位数)",
      days(d.medianDaysToResolve),
      `#/items?status=RESOLVED${scope.items}`,
      "resolve-days",
    ),
  );
}

const OVERDUE_COLUMNS = (scope) => [
  {
    label: "交办单位",
    cell: (u) =>
      u.unitId
        ? link(`#/items?overdue=1&unitId=${u.unitId}${scope.items}`, u.unitName)
        : u.unitName || "未交办",
  },
  { label: "逾期事项", class: "nowrap", cell: (u) => h("strong", {}, String(u.count)) },
  {
    label: "逾期最久的事项",
    cell: (u) => link(`#/item/${u.oldestItemId}`, `${u.oldestSeqNo}. ${u.oldestSubject}`),
  },
  { label: "到期日", class: "nowrap", cell: (u) => u.oldestDueOn },
];

/** Each unit with overdue items, the most first, and the item overdue longest to open. */
function drawOverdue(element, units, scope) {
  mount(element, table(OVERDUE_COLUMNS(scope), units, { empty: "没有逾期的督办事项" }));
}

function tile(label, value, href, key, tone = "") {
  return h(
    "a",
    { class: `tile ${tone}`, href, dataset: { kpi: key } },
    h("span", { class: "tile-value" }, value),
    h("span", { class: "tile-label" }, label),
  );
}
