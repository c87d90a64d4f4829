// 委员履职: the members' records for a year (`memberRecords`), filtered by 界别 and 协商议事平台,
// sorted by points or by name, each name opening the member's record; the year's 履职 report
// downloaded as xlsx (GET /exports/members.xlsx, as the signed-in page).

import { ApiError, exportFile, gql } from "../api.js";
import { h, link, mount, notice, table } from "../dom.js";
import { filterBar } from "../filters.js";
import { pageOf, pager } from "../paging.js";
import { setQuery } from "../router.js";
import * as session from "../session.js";
import { points, schemeNote, schemeOf, yearForm, yearOf } from "./member-common.js";

const QUERY = `query Members($year: Int!, $sector: String, $platformId: ID,
    $orderBy: MemberRecordOrder, $first: Int, $after: String) {
  memberRecords(year: $year, sector: $sector, platformId: $platformId, orderBy: $orderBy,
      first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { id name sector platformName points active counts { kind kindLabel count points } }
  }
}`;
const SECTORS = `query Sectors($filter: DashboardFilter) {
  dashboard(filter: $filter) { participationBySector { sector } } }`;
const ORDERS = [
  { value: "POINTS", label: "按积分" },
  { value: "NAME", label: "按姓名" },
];

export async function render(view, { query }) {
  const year = yearOf(query);
  const { first, after } = pageOf(query);
  const variables = {
    year,
    sector: query.get("sector") || null,
    platformId: query.get("platformId") || null,
    orderBy: query.get("orderBy") || "POINTS",
    first,
    after,
  };
  const [data, scheme, platforms, sectors] = await Promise.all([
    gql(QUERY, variables),
    schemeOf(year),
    platformOptions(),
    sectorOptions(year),
  ]);
  const records = data.memberRecords;
  const bar = filterBar(
    query,
    [
      sectors.length
        ? { name: "sector", label: "界别", options: sectors }
        : { name: "sector", label: "界别", type: "search", placeholder: "如:经济界" },
      platforms && { name: "platformId", label: "协商议事平台", options: platforms },
      { name: "orderBy", label: "排序", options: ORDERS },
    ].filter(Boolean),
    { label: "委员履职筛选", reset: `#/members?year=${year}` },
  );
  sortedBy(bar, variables.orderBy);
  mount(
    view,
    h(
      "div",
      { class: "page-head" },
      h("h1", {}, `委员履职 · ${year} 年度`),
      h("div", { class: "form-actions" }, downloadLink(year)),
    ),
    yearForm(year, (chosen) =>
      setQuery({ ...Object.fromEntries(query), year: chosen, page: null, after: null }),
    ),
    bar,
    schemeNote(scheme),
    table(columns(scheme, records.nodes), records.nodes, { empty: "没有符合条件的委员" }),
    pager(query, records),
  );
}

/** The order has no "全部": it is by points unless by name. */
function sortedBy(bar, order) {
  const select = bar.querySelector("#filter-orderBy");
  select.querySelector("option[value='']").remove();
  select.value = order;
}

/** One column per kind of participation (the scheme's order), with the points beside. */
function columns(scheme, rows) {
  const kinds = scheme
    ? scheme.weights.map((w) => ({ kind: w.kind, label: w.kindLabel }))
    : (rows[0]?.counts || []).map((c) => ({ kind: c.kind, label: c.kindLabel }));
  return [
    { label: "姓名", cell: (m) => link(`#/members/${m.id}`, m.name, { class: "member-link" }) },
    { label: "界别", cell: (m) => m.sector },
    { label: "协商议事平台", cell: (m) => m.platformName },
    ...kinds.map((k) => ({
      label: k.label,
      class: "number",
      cell: (m) => String(m.counts.find((c) => c.kind === k.kind)?.count || 0),
    })),
    { label: "积分", class: "number", cell: (m) => h("strong", {}, points(m.points)) },
    {
      label: "本年度",
      cell: (m) => (m.active ? "已履职" : h("span", { class: "badge warn" }, "尚未履职")),
    },
  ];
}

/** 下载年度履职报告 xlsx: a link to the file, fetched as the signed-in page (a bare link could
 * not carry a pasted token) and saved under the name the server gives it. */
function downloadLink(year) {
  const href = `/exports/members.xlsx?year=${year}`;
  const told = h("span", { class: "form-notice", role: "status" });
  const save = async (event) => {
    event.preventDefault();
    told.replaceChildren();
    try {
      const { blob, filename } = await exportFile(href);
      const url = URL.createObjectURL(blob);
      const anchor = h("a", { href: url, download: filename || `委员履职报告-${year}.xlsx` });
      document.body.append(anchor);
      anchor.click();
      anchor.remove();
      setTimeout(() => URL.revokeObjectURL(url), 0);
    } catch (error) {
      told.replaceChildren(notice(error instanceof ApiError ? error.chinese : String(error)));
    }
  };
  return [
    h("a", { href, class: "button", id: "members-xlsx", onclick: save }, "下载年度履职报告 xlsx"),
    told,
  ];
}

/** The platforms to filter by; none for platform staff, who read their own platform's only. */
async function platformOptions() {
  if (session.role() === "PLATFORM_STAFF") return null;
  const { platforms } = await gql("{ platforms { id name } }");
  return platforms.map((p) => ({ value: p.id, label: p.name }));
}

/** The 界别 the year's members belong to (as the dashboard counts them), when the role reads
 * the dashboard; else the field is typed in. Sorted as a reader looks a name up. */
async function sectorOptions(year) {
  if (!session.mayRead("dashboard")) return [];
  const { dashboard } = await gql(SECTORS, { filter: { year } });
  return dashboard.participationBySector
    .map((s) => ({ value: s.sector, label: s.sector }))
    .sort((a, b) => a.label.localeCompare(b.label, "zh-CN"));
}
