// 督办台账: the problem list with the columns of the plan's 督办落实情况表, filtered by status,
// overdue or text, and the form itself exported or printed with those filters
// (supervision-form.js); "办理中" shows every open item grouped by its status.

import { gql } from "../api.js";
import { badge, h, link, mount, section, table } from "../dom.js";
import { filterBar } from "../filters.js";
import { day } from "../format.js";
import { pageOf, pager } from "../paging.js";
import { options } from "../vocab.js";
import { formActions } from "./supervision-form.js";

const FIELDS = `id seqNo consultationTime subject suggestion unitName committeeName supervisorName
  progress problems approach status { code label } dueOn overdue`;
const QUERY = `query Items($filter: SupervisionItemFilter, $first: Int!, $after: String) {
  supervisionItems(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } nodes { ${FIELDS} }
  }
}`;
const OPEN = ["OPENED", "ASSIGNED", "IN_PROGRESS", "REOPENED"];
const CARRIED = ["platformId", "unitId", "openedFrom", "openedTo", "text"];

export const COLUMNS = [
  { label: "序号", cell: (i) => link(`#/item/${i.id}`, String(i.seqNo)) },
  { label: "协商时间", class: "nowrap", cell: (i) => day(i.consultationTime) },
  { label: "协商议题", cell: (i) => i.subject },
  { label: "协商建议", cell: (i) => link(`#/item/${i.id}`, i.suggestion) },
  { label: "交办单位", cell: (i) => i.unitName },
  { label: "政协责任委室", cell: (i) => i.committeeName },
  { label: "督办负责人", cell: (i) => i.supervisorName },
  { label: "进展情况", cell: (i) => i.progress },
  { label: "存在问题", cell: (i) => i.problems },
  { label: "解决思路", cell: (i) => i.approach },
  {
    label: "状态",
    cell: (i) => [badge(i.status), i.overdue ? h("span", { class: "badge alarm" }, "逾期") : null],
  },
  { label: "办理期限", class: "nowrap", cell: (i) => day(i.dueOn) },
];

export async function render(view, { query }) {
  const base = Object.fromEntries(CARRIED.map((k) => [k, query.get(k)]).filter(([, v]) => v));
  const statuses = await options("ItemStatus");
  const bar = filterBar(
    query,
    [
      { name: "status", label: "状态", options: statuses },
      { name: "overdue", label: "仅看逾期", type: "checkbox" },
      { name: "text", label: "关键词", type: "search", placeholder: "议题、建议或单位" },
    ],
    { label: "督办筛选", reset: "#/items" },
  );
  const head = h(
    "div",
    { class: "page-head" },
    h("h1", {}, heading(query)),
  );
  if (query.get("open") && !query.get("status"))
    return mount(view, head, bar, ...(await grouped(base, statuses)));
  const filter = {
    ...base,
    status: query.get("status") || undefined,
    overdue: query.get("overdue") ? true : undefined,
    dueWithinWorkingDays: dueWithin(query),
  };
  const { first, after } = pageOf(query);
  const { supervisionItems: items } = await gql(QUERY, { filter, first, after });
  head.append(formActions(query, filter));
  return mount(
    view,
    head,
    bar,
    table(COLUMNS, items.nodes, { empty: "没有符合条件的督办事项" }),
    pager(query, items),
  );
}

function heading(query) {
  if (query.get("open")) return "督办台账 · 办理中";
  const days = dueWithin(query);
  return days === undefined ? "督办台账" : `督办台账 · ${days}个工作日内到期`;
}

/** "dueWithin=3" from the dashboard's due-soon tile: open items due within 3 working days. */
function dueWithin(query) {
  const days = Number.parseInt(query.get("dueWithin") || "", 10);
  return Number.isInteger(days) && days >= 0 ? days : undefined;
}

async function grouped(base, statuses) {
  const pages = await Promise.all(
    OPEN.map((status) => gql(QUERY, { filter: { ...base, status }, first: 100 })),
  );
  return OPEN.map((status, n) => {
    const label = statuses.find((s) => s.value === status).label;
    const items = pages[n].supervisionItems;
    const more = items.pageInfo.hasNextPage
      ? link(`#/items?status=${status}`, `查看全部 ${items.totalCount} 项`)
      : null;
    return section(
      `${label}(${items.totalCount} 项)`,
      table(COLUMNS, items.nodes, { empty: "无" }),
      more,
    );
  });
}
