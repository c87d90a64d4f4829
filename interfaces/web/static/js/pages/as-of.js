// 某一时刻的状态 (asOf): a record rebuilt from the log as it stood at a past instant, with the
// decisions made on it until then.

import { gql } from "../api.js";
import { facts, h, mount, notice, table } from "../dom.js";
import { form } from "../forms.js";
import { beijing, moment } from "../format.js";
import { RECORD_KINDS } from "./audit-events.js";

const QUERY = `query AsOf($id: ID!, $at: DateTime!) {
  asOf(aggregateId: $id, at: $at) {
    aggregateType version at recordedAt state
    decisions { occurredAt actorName actorRole { label } summary reason }
  }
}`;

export function asOfSection(query) {
  const result = h("div", { id: "as-of-result", "aria-live": "polite" });
  const lookup = form({
    confirmation: null, // not an action: the page moves on
    submit: "查询当时状态",
    className: "form-as-of",
    fields: [
      { name: "aggregateId", label: "记录编号", required: true, value: query.get("record") || "" },
      { name: "at", label: "时刻(北京时间)", type: "datetime-local", required: true },
    ],
    onSubmit: (values) => gql(QUERY, { id: values.aggregateId, at: beijing(values.at) }),
    onDone: async (data) => draw(result, data.asOf, await referenceNames(data.asOf?.state)),
  });
  const element = h(
    "section",
    { class: "card", id: "as-of" },
    h("h2", {}, "某一时刻的记录状态"),
    lookup,
    result,
  );
  const show = (id, iso) => {
    lookup.querySelector("[name=aggregateId]").value = id;
    lookup.querySelector("[name=at]").value = localOf(iso);
    element.scrollIntoView({ behavior: "smooth" });
    lookup.requestSubmit();
  };
  return { element, show };
}

/** An instant as a datetime-local value in Beijing time, rounded up to the minute so that the
 * event at that instant is included. */
function localOf(iso) {
  const shifted = new Date(new Date(iso).getTime() + 8 * 3600 * 1000 + 59999);
  return shifted.toISOString().slice(0, 16);
}

// Ids the state refers to by, shown by the name the reference lists give them.
const REFERENCES = {
  platform_id: "platforms",
  committee_id: "committees",
  unit_id: "units",
  supervisor_id: "people",
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const loaded = {};

/** id → name of the reference lists this state refers to (only those: the people list is
 * long), each loaded once per page (a failed load is tried again). */
async function referenceNames(state) {
  const referred = Object.keys(REFERENCES).filter((key) => state?.[key]);
  const kinds = [...new Set(referred.map((key) => REFERENCES[key]))];
  const entries = await Promise.all(
    kinds.map((kind) => namesOf(kind).then((names) => [kind, names])),
  );
  return Object.fromEntries(entries);
}

function namesOf(kind) {
  if (!loaded[kind]) {
    loaded[kind] = gql(`{ ${kind} { id name } }`).then(
      (data) => new Map(data[kind].map((r) => [r.id, r.name])),
    );
    loaded[kind].catch(() => delete loaded[kind]);
  }
  return loaded[kind];
}

/** A field of the state as a reader reads it: a reference by its name, and an id with no name
 * to show (a link to another record) left out rather than shown as a raw id. */
function shown([key, value], byKind) {
  if (REFERENCES[key]) {
    const name = value ? byKind[REFERENCES[key]]?.get(value) : "";
    return [STATE_LABELS[key], value ? name || "—" : ""];
  }
  if (typeof value === "string" && UUID.test(value)) return null;
  return [STATE_LABELS[key] || key, plain(value)];
}

function draw(target, past, byKind) {
  if (!past) return mount(target, notice("该时刻记录尚不存在,或无权查看", "info"));
  const pairs = Object.entries(past.state)
    .filter(
      ([key]) => !["pending_events", "id", "version", "created_on", "modified_on"].includes(key),
    )
    .map((pair) => shown(pair, byKind))
    .filter(Boolean);
  return mount(
    target,
    h(
      "p",
      { class: "muted" },
      `${RECORD_KINDS[past.aggregateType] || "记录"} · 第 ${past.version} 版` +
        ` · 记录于 ${moment(past.recordedAt)}`,
    ),
    facts(pairs),
    h("h3", {}, "当时已有的决定"),
    table(
      [
        { label: "时间", cell: (d) => moment(d.occurredAt) },
        { label: "决定人", cell: (d) => `${d.actorName}(${d.actorRole?.label || "—"})` },
        { label: "内容", cell: (d) => d.summary },
      ],
      past.decisions,
      { empty: "当时尚无决定" },
    ),
  );
}

// The record's own field names, as the plan names them.
const STATE_LABELS = {
  title: "事项标题",
  content: "事项内容",
  channel: "来源渠道",
  category: "事项类别",
  platform_id: "协商议事平台",
  proposer: "提出人",
  hotline_tickets: "12345工单号",
  status: "状态",
  basic_situation: "基本情况",
  exclusion: "不纳入理由",
  exclusion_explanation: "不纳入说明",
  status_before_exclusion: "不纳入前状态",
  drafted_title: "拟定议题",
  committee_id: "专委会",
  decision_reason: "决定理由",
  research: "调研情况",
  form: "协商形式",
  subject: "协商主题",
  starts_at: "开始时间",
  closes_at: "截止时间",
  venue: "活动地点",
  participants: "参加人员",
  record: "协商记录",
  opinions: "协商意见",
  suggestions: "协商建议",
  suggestion: "协商建议",
  unit_id: "交办单位",
  supervisor_id: "督办负责人",
  due_on: "办理期限",
  progress: "进展情况",
  outcome: "办结情况",
};

function plain(value) {
  if (value === null || value === undefined) return "";
  if (typeof value !== "object") return String(value);
  if ("label" in value && "code" in value) return value.label;
  if (Array.isArray(value)) return value.map(plain).join("、");
  if (value.personalData === "withheld") return "(个人信息,无权查看)";
  if ("name" in value)
    return [value.name, value.phone, value.organisation].filter(Boolean).join(",");
  return JSON.stringify(value);
}
