// 议题看板: matters and topics with filters (status, channel, category, ground, platform,
// text) and paging; each row opens the topic's page.

import { gql } from "../api.js";
import { badge, h, link, mount, notice, table } from "../dom.js";
import { filterBar } from "../filters.js";
import { day } from "../format.js";
import { pageOf, pager } from "../paging.js";
import * as session from "../session.js";
import { options } from "../vocab.js";

const QUERY = `query Board($filter: TopicFilter, $first: Int!, $after: String) {
  topics(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { id title draftedTitle status { code label } channel { code label }
      category { code label } exclusionGround { code label } platform { name } proposedAt }
  }
}`;
const FILTERS = [
  "status",
  "channel",
  "category",
  "ground",
  "platformId",
  "committeeId",
  "text",
  "proposedFrom",
  "proposedTo",
];

export async function render(view, { query }) {
  const filter = Object.fromEntries(FILTERS.map((k) => [k, query.get(k)]).filter(([, v]) => v));
  const { first, after } = pageOf(query);
  const [data, controls] = await Promise.all([
    gql(QUERY, { filter, first, after }),
    filterControls(),
  ]);
  const topics = data.topics;
  mount(
    view,
    h(
      "div",
      { class: "page-head" },
      h("h1", {}, "议题看板"),
      session.may("proposeTopic") &&
        link("#/topics/new", "提出协商事项", { class: "button primary", id: "propose" }),
    ),
    filterBar(query, controls, { label: "议题筛选", reset: "#/topics" }),
    carried(query),
    table(COLUMNS, topics.nodes, { empty: "没有符合条件的事项" }),
    pager(query, topics),
  );
}

const COLUMNS = [
  {
    label: "事项",
    cell: (t) => [
      link(`#/topic/${t.id}`, t.title, { class: "topic-link" }),
      t.draftedTitle && h("div", { class: "muted small" }, `拟定议题:${t.draftedTitle}`),
    ],
  },
  { label: "状态", cell: (t) => badge(t.status) },
  {
    label: "不纳入理由",
    cell: (t) =>
      t.exclusionGround ? h("span", { class: "ground" }, t.exclusionGround.label) : "—",
  },
  { label: "来源渠道", cell: (t) => t.channel.label },
  { label: "类别", cell: (t) => t.category.label },
  { label: "协商议事平台", cell: (t) => (t.platform ? t.platform.name : "—") },
  { label: "提出日期", class: "nowrap", cell: (t) => day(t.proposedAt) },
];

async function filterControls() {
  const [status, channel, category, ground] = await Promise.all(
    ["TopicStatus", "Channel", "Category", "ExclusionGround"].map((n) => options(n)),
  );
  const controls = [
    { name: "status", label: "状态", options: status },
    { name: "channel", label: "来源渠道", options: channel },
    { name: "category", label: "类别", options: category },
    { name: "ground", label: "不纳入理由", options: ground },
  ];
  if (session.role() !== "PLATFORM_STAFF") {
    const { platforms } = await gql("{ platforms { id name } }");
    controls.push({
      name: "platformId",
      label: "协商议事平台",
      options: platforms.map((p) => ({ value: p.id, label: p.name })),
    });
  }
  controls.push({
    name: "text",
    label: "关键词",
    type: "search",
    placeholder: "标题、内容或工单号",
  });
  return controls;
}

/** Filters the bar does not show (a period from the dashboard), so the reader knows. */
function carried(query) {
  const from = query.get("proposedFrom");
  const to = query.get("proposedTo");
  if (!from && !to) return null;
  return notice(`仅显示 ${from || "…"} 至 ${to || "…"}(不含)提出的事项`, "info");
}
