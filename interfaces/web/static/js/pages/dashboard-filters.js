// The dashboard's own filter (platform, period) and how it carries over to the lists behind
// the charts, so that a click shows the same rows the bar counted.

import { gql } from "../api.js";
import { h } from "../dom.js";
import { setQuery } from "../router.js";
import * as session from "../session.js";
import { readsMembers } from "./member-common.js";

const PERIOD_NAMES = {
  topics: ["proposedFrom", "proposedTo"],
  consultations: ["startsFrom", "startsTo"],
  items: ["openedFrom", "openedTo"],
};

export function readFilter(query) {
  const filter = {
    platformId: query.get("platformId"),
    periodFrom: query.get("from"),
    periodTo: query.get("to"),
    year: Number.parseInt(query.get("year") || "", 10) || null, // 委员履职's year
  };
  return Object.fromEntries(Object.entries(filter).filter(([, v]) => v));
}

/** "&platformId=…&proposedFrom=…" for each list, from the dashboard's filter. */
export function scopeOf(query) {
  const scope = {};
  for (const [list, [from, to]] of Object.entries(PERIOD_NAMES)) {
    const carried = new URLSearchParams();
    if (query.get("platformId")) carried.set("platformId", query.get("platformId"));
    if (query.get("from")) carried.set(from, query.get("from"));
    if (query.get("to")) carried.set(to, query.get("to"));
    const text = carried.toString();
    scope[list] = text ? `&${text}` : "";
  }
  return scope;
}

export async function filterForm(query) {
  const scoped = session.role() === "PLATFORM_STAFF";
  const platforms = scoped ? [] : (await gql("{ platforms { id name } }")).platforms;
  const platform = h(
    "select",
    { name: "platformId", id: "dash-platform" },
    h("option", { value: "" }, "全部平台"),
    platforms.map((p) => h("option", { value: p.id }, p.name)),
  );
  platform.value = query.get("platformId") || "";
  const from = h("input", {
    type: "date",
    name: "from",
    id: "dash-from",
    value: query.get("from") || "",
  });
  const to = h("input", { type: "date", name: "to", id: "dash-to", value: query.get("to") || "" });
  const year = readsMembers()
    ? h("input", {
        type: "number",
        name: "year",
        id: "dash-year",
        min: 2000,
        max: 9999,
        value: query.get("year") || "",
        placeholder: "今年",
      })
    : null;
  const apply = (event) => {
    event.preventDefault();
    setQuery({ platformId: platform.value, from: from.value, to: to.value, year: year?.value });
  };
  return h(
    "form",
    { class: "filters", onsubmit: apply, "aria-label": "驾驶舱筛选" },
    !scoped && h("label", { class: "filter" }, h("span", {}, "协商议事平台"), platform),
    h("label", { class: "filter" }, h("span", {}, "起始日期"), from),
    h("label", { class: "filter" }, h("span", {}, "截止日期(不含)"), to),
    year && h("label", { class: "filter" }, h("span", {}, "委员履职年度"), year),
    h(
      "div",
      { class: "filter-actions" },
      h("button", { type: "submit" }, "筛选"),
      h("a", { href: "#/dashboard", class: "button quiet" }, "清除"),
    ),
  );
}
