// 协商活动: the consultation calendar by form, status, month and text; staff schedule the
// 我说你听 forms (and 网络协商 on a theme) here, the 你说我听 forms from an approved topic.

import { gql } from "../api.js";
import { actionPanel } from "../actions.js";
import { badge, h, link, mount, table } from "../dom.js";
import { filterBar } from "../filters.js";
import { moment } from "../format.js";
import { pageOf, pager } from "../paging.js";
import { go } from "../router.js";
import * as session from "../session.js";
import { options } from "../vocab.js";
import { scheduleFields, scheduleInput } from "./schedule.js";

const QUERY = `query Consultations($filter: ConsultationFilter, $first: Int!, $after: String) {
  consultations(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { id subject form { code label } status { code label } startsAt platform { name }
      participantsCount suggestionsCount reportKind { label } }
  }
}`;

const COLUMNS = [
  { label: "主题", cell: (c) => link(`#/consultation/${c.id}`, c.subject) },
  { label: "形式", cell: (c) => c.form.label },
  { label: "状态", cell: (c) => badge(c.status) },
  { label: "时间", class: "nowrap", cell: (c) => moment(c.startsAt) },
  { label: "协商议事平台", cell: (c) => c.platform?.name },
  { label: "参加人数", cell: (c) => c.participantsCount },
  { label: "建议数", cell: (c) => c.suggestionsCount },
  { label: "报送", cell: (c) => c.reportKind?.label },
];

export async function render(view, { query }) {
  const { first, after } = pageOf(query);
  const [forms, statuses, data] = await Promise.all([
    options("ConsultationForm"),
    options("ConsultationStatus"),
    gql(QUERY, { filter: filterOf(query), first, after }),
  ]);
  const bar = filterBar(
    query,
    [
      { name: "form", label: "协商形式", options: forms },
      { name: "status", label: "状态", options: statuses },
      { name: "month", label: "月份", type: "month" },
      { name: "text", label: "关键词", type: "search", placeholder: "主题" },
    ],
    { label: "协商活动筛选", reset: "#/consultations" },
  );
  mount(
    view,
    h("div", { class: "page-head" }, h("h1", {}, "协商活动")),
    await scheduling(),
    bar,
    table(COLUMNS, data.consultations.nodes, { empty: "没有符合条件的协商活动" }),
    pager(query, data.consultations),
  );
}

function filterOf(query) {
  const filter = {
    form: query.get("form"),
    status: query.get("status"),
    text: query.get("text"),
    platformId: query.get("platformId"),
    startsFrom: query.get("startsFrom"),
    startsTo: query.get("startsTo"),
  };
  const month = query.get("month");
  if (month) Object.assign(filter, monthRange(month));
  return Object.fromEntries(Object.entries(filter).filter(([, v]) => v));
}

function monthRange(month) {
  const [year, m] = month.split("-").map(Number);
  const next = m === 12 ? `${year + 1}-01` : `${year}-${String(m + 1).padStart(2, "0")}`;
  return { startsFrom: `${month}-01`, startsTo: `${next}-01` };
}

async function scheduling() {
  if (!session.may("scheduleConsultation")) return null;
  const { platforms } = await gql("{ platforms { id name } }");
  const own =
    session.role() === "PLATFORM_STAFF"
      ? platforms.filter((p) => p.id === session.current().scope)
      : platforms;
  return actionPanel(
    [
      {
        mutation: "scheduleConsultation",
        label: "安排“我说你听”或网络协商",
        fields: await scheduleFields({
          platforms: own.map((p) => ({ value: p.id, label: p.name })),
        }),
        input: scheduleInput,
        done: (changed) => go(`#/consultation/${changed.id}`),
      },
    ],
    { title: "安排协商活动" },
  );
}
