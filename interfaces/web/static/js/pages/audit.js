// 审计 (纪检监察): the audit trail — who decided what, when, in which role and why — a record's
// state as of a past instant, and the ledger's verification with its latest signed checkpoint.

import { ApiError, exportFile, gql } from "../api.js";
import { button, h, link, mount, notice, table } from "../dom.js";
import { filterBar } from "../filters.js";
import { beijing, moment } from "../format.js";
import { options } from "../vocab.js";
import { asOfSection } from "./as-of.js";
import { eventTypes, RECORD_KINDS, RECORD_PAGES } from "./audit-events.js";
import { ledgerSection } from "./ledger.js";

const QUERY = `query Trail($filter: AuditFilter, $after: String, $order: AuditOrder!) {
  auditTrail(filter: $filter, first: 50, after: $after, order: $order) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { position aggregateId aggregateType recordTitle eventType version occurredAt
      actorName actorRole { label } reason exclusionGround { label } summary }
  }
}`;
const ACTORS = "{ auditActors { id name role { label } } }";

export async function render(view, { query }) {
  const [roles, grounds, types, { auditActors }] = await Promise.all([
    options("Role"),
    options("ExclusionGround"),
    eventTypes(),
    gql(ACTORS),
  ]);
  const asOf = asOfSection(query);
  const trail = h("div", { id: "audit-trail" });
  const columns = trailColumns(asOf.show, new Map(types));
  const more = async (after) => {
    const { auditTrail } = await gql(QUERY, { filter: filterOf(query), after, order: orderOf(query) });
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
          { name: "actor", label: "操作人", options: actorOptions(auditActors) },
          { name: "role", label: "角色", options: roles.filter((r) => r.value !== "PUBLIC") },
          {
            name: "type",
            label: "事件类型",
            options: types.map(([value, label]) => ({ value, label })),
          },
          { name: "ground", label: "不纳入理由", options: grounds },
          { name: "from", label: "起始日期", type: "date" },
          { name: "to", label: "截止日期", type: "date" },
          { name: "oldest", label: "最早的在前", type: "checkbox" },
        ],
        { label: "审计筛选", reset: "#/audit" },
      ),
      exportBar(query),
      trail,
    ),
    asOf.element,
    await ledgerSection(),
  );
}

/** Everyone in the trail by name (and role, to tell two of one name apart); the id is only
 * the option's value, never shown. */
function actorOptions(actors) {
  return actors.map((a) => ({
    value: a.id,
    label: a.role?.label ? `${a.name}(${a.role.label})` : a.name,
  }));
}

function orderOf(query) {
  return query.get("oldest") === "1" ? "OLDEST_FIRST" : "NEWEST_FIRST";
}

/** A day of the filter (YYYY-MM-DD; an older link's date-time keeps its day). */
function dayOf(query, name) {
  const value = query.get(name);
  return value && /^\d{4}-\d{2}-\d{2}/.test(value) ? value.slice(0, 10) : null;
}

/** The day after a YYYY-MM-DD day, as YYYY-MM-DD (calendar arithmetic, no time zone). */
function nextDay(day) {
  const next = new Date(`${day}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return next.toISOString().slice(0, 10);
}

function filterOf(query) {
  const from = dayOf(query, "from");
  const to = dayOf(query, "to");
  const filter = {
    actorId: query.get("actor"),
    actorRole: query.get("role"),
    eventTypes: query.get("type") ? [query.get("type")] : null,
    ground: query.get("ground"),
    // Days in the district, both included: from the first's start to the day after the last.
    occurredFrom: from ? beijing(`${from}T00:00`) : null,
    occurredTo: to ? beijing(`${nextDay(to)}T00:00`) : null,
  };
  return Object.fromEntries(Object.entries(filter).filter(([, v]) => v));
}

// The page's filters as the export's query parameters (GET /exports/audit.xlsx).
const EXPORT_PARAMETERS = {
  actor: "actor_id",
  role: "role",
  type: "event_type",
  ground: "ground",
  from: "period_from",
  to: "period_to",
};

function exportBar(query) {
  const told = h("div", { class: "form-notice", role: "status" });
  const run = async () => {
    told.replaceChildren();
    try {
      await download(query);
    } catch (error) {
      told.replaceChildren(notice(error instanceof ApiError ? error.chinese : "导出失败,请重试"));
    }
  };
  return h(
    "div",
    { class: "form-actions" },
    button("导出 Excel", run, { id: "audit-export" }),
    told,
  );
}

async function download(query) {
  const params = new URLSearchParams();
  for (const [name, parameter] of Object.entries(EXPORT_PARAMETERS)) {
    const value = name === "from" || name === "to" ? dayOf(query, name) : query.get(name);
    if (value) params.set(parameter, value);
  }
  params.set("order", orderOf(query).toLowerCase());
  const { blob, filename } = await exportFile(`/exports/audit.xlsx?${params}`);
  const url = URL.createObjectURL(blob);
  const save = h("a", { href: url, download: filename || "审计轨迹.xlsx" });
  document.body.append(save);
  save.click();
  save.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** A record by its title (or its kind, when it has none): never by its id. */
function recordOf(e) {
  const kind = RECORD_KINDS[e.aggregateType] || "记录";
  const name = e.recordTitle ? `${kind}:${e.recordTitle}` : kind;
  return RECORD_PAGES[e.aggregateType]
    ? link(`#/${RECORD_PAGES[e.aggregateType]}/${e.aggregateId}`, name)
    : name;
}

function trailColumns(showAsOf, labels) {
  return [
    { label: "时间", class: "nowrap", cell: (e) => moment(e.occurredAt) },
    { label: "操作人", cell: (e) => e.actorName || "系统" },
    { label: "角色", cell: (e) => e.actorRole?.label },
    { label: "事件", cell: (e) => labels.get(e.eventType) || "其他事件" },
    { label: "对象", cell: (e) => recordOf(e) },
    { label: "内容", cell: (e) => e.summary },
    { label: "理由", cell: (e) => e.reason },
    { label: "不纳入理由", cell: (e) => e.exclusionGround?.label },
    {
      label: "记录",
      cell: (e) =>
        button("当时状态", () => showAsOf(e.aggregateId, e.occurredAt), { class: "link-button" }),
    },
  ];
}
