// 审计 (纪检监察): the audit trail — who decided what, when, in which role and why — a record's
// state as of a past instant, and the ledger's verification with its latest signed checkpoint.

import { gql } from "../api.js";
import { button, h, link, mount, table } from "../dom.js";
import { filterBar } from "../filters.js";
import { beijing, moment } from "../format.js";
import { options } from "../vocab.js";
import { asOfSection } from "./as-of.js";
import { eventTypes, RECORD_PAGES } from "./audit-events.js";
import { ledgerSection } from "./ledger.js";

const QUERY = `query Trail($filter: AuditFilter, $after: String) {
  auditTrail(filter: $filter, first: 50, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { position aggregateId aggregateType eventType version occurredAt actorId actorName
      actorRole { label } reason exclusionGround { label } summary }
  }
}`;

export async function render(view, { query }) {
  const [roles, grounds, types] = await Promise.all([
    options("Role"),
    options("ExclusionGround"),
    eventTypes(),
  ]);
  const asOf = asOfSection(query);
  const trail = h("div", { id: "audit-trail" });
  const columns = trailColumns(asOf.show, new Map(types));
  const more = async (after) => {
    const { auditTrail } = await gql(QUERY, { filter: filterOf(query), after });
    trail.querySelector(".more")?.remove();
    if (!after) trail.append(h("p", { class: "muted" }, `共 ${auditTrail.totalCount} 条记录`));
    trail.append(table(columns, auditTrail.nodes, { empty: "没有符合条件的记录" }));
    if (auditTrail.pageInfo.hasNextPage)
      trail.append(
        button("加载更多", () => more(auditTrail.pageInfo.endCursor), { class: "quiet more" }),
      );
  };
  await more(null);
  mount(
    view,
    h("div", { class: "page-head" }, h("h1", {}, "审计")),
    h(
      "section",
      { class: "card" },
      h("h2", {}, "审计轨迹"),
      filterBar(
        query,
        [
          { name: "actor", label: "操作人编号", type: "search", placeholder: "如 staff-ys-wangli" },
          { name: "role", label: "角色", options: roles.filter((r) => r.value !== "PUBLIC") },
          {
            name: "type",
            label: "事件类型",
            options: types.map(([value, label]) => ({ value, label })),
          },
          { name: "ground", label: "不纳入理由", options: grounds },
          { name: "from", label: "起始时间", type: "datetime-local" },
          { name: "to", label: "截止时间", type: "datetime-local" },
        ],
        { label: "审计筛选", reset: "#/audit" },
      ),
      trail,
    ),
    asOf.element,
    await ledgerSection(),
  );
}

function filterOf(query) {
  const filter = {
    actorId: query.get("actor"),
    actorRole: query.get("role"),
    eventTypes: query.get("type") ? [query.get("type")] : null,
    ground: query.get("ground"),
    occurredFrom: beijing(query.get("from")),
    occurredTo: beijing(query.get("to")),
  };
  return Object.fromEntries(Object.entries(filter).filter(([, v]) => v));
}

function trailColumns(showAsOf, labels) {
  return [
    { label: "时间", class: "nowrap", cell: (e) => moment(e.occurredAt) },
    { label: "操作人", cell: (e) => h("span", { title: e.actorId }, e.actorName) },
    { label: "角色", cell: (e) => e.actorRole?.label },
    { label: "事件", cell: (e) => labels.get(e.eventType) || e.eventType },
    { label: "内容", cell: (e) => e.summary },
    { label: "理由", cell: (e) => e.reason },
    { label: "不纳入理由", cell: (e) => e.exclusionGround?.label },
    {
      label: "记录",
      cell: (e) => [
        RECORD_PAGES[e.aggregateType]
          ? link(`#/${RECORD_PAGES[e.aggregateType]}/${e.aggregateId}`, "查看记录")
          : null,
        " ",
        button("当时状态", () => showAsOf(e.aggregateId, e.occurredAt), { class: "link-button" }),
      ],
    },
  ];
}
