// A matter's page: what it is, the steps its state allows this role, its decision timeline
// (decisionTimeline) and its full history (history).

import { gql } from "../api.js";
import { actionPanel } from "../actions.js";
import { ATTACHMENT_FIELDS, attachmentsSection } from "../attachments.js";
import { badge, facts, h, link, mount, notice, section, table } from "../dom.js";
import { day, days, moment } from "../format.js";
import { go } from "../router.js";
import { historySection } from "./history.js";
import { timelineSection } from "./timeline.js";
import { topicSteps } from "./topic-steps.js";

const QUERY = `query Topic($id: ID!) {
  topic(id: $id) {
    id title draftedTitle content status { code label } channel { code label }
    category { code label } exclusionGround { code label } exclusionReason
    hotlineTickets basicSituation decisionReason researchCount proposedAt verifiedAt
    submittedAt approvedAt returnedAt excludedAt approvalDays version proposerName
    platform { id name committee { id } } committee { id name }
    consultations { id subject form { label } status { code label } startsAt }
    ${ATTACHMENT_FIELDS}
  }
}`;
const ATTACHMENTS = `query TopicFiles($id: ID!) { topic(id: $id) { ${ATTACHMENT_FIELDS} } }`;

export async function render(view, { params: [id] }) {
  const { topic } = await gql(QUERY, { id });
  if (!topic) return mount(view, notice("无权查看该事项,或该事项不存在"));
  const reload = () => go(`#/topic/${id}`);
  mount(
    view,
    h(
      "div",
      { class: "page-head" },
      h(
        "div",
        {},
        h("p", { class: "crumbs" }, link("#/topics", "议题看板"), " / 事项"),
        h("h1", { id: "topic-title" }, topic.title),
      ),
      badge(topic.status, "large"),
    ),
    h(
      "div",
      { class: "columns" },
      h(
        "div",
        { class: "column-main" },
        section("事项情况", facts(details(topic))),
        topic.exclusionGround && exclusion(topic),
        await topicSteps(topic, reload).then((steps) => actionPanel(steps)),
        attachmentsSection({
          attachments: topic.attachments,
          kinds: [{ kind: "MATTER", label: "事项材料" }],
          ownerId: id,
          reload,
          load: async () => (await gql(ATTACHMENTS, { id })).topic.attachments,
        }),
        topic.consultations.length ? section("协商活动", consultations(topic)) : null,
      ),
      h("div", { class: "column-side" }, await timelineSection(id), await historySection(id)),
    ),
  );
  return undefined;
}

function details(t) {
  return [
    ["事项内容", t.content],
    ["来源渠道", t.channel.label],
    ["事项类别", t.category.label],
    ["协商议事平台", t.platform?.name],
    ["提出人", t.proposerName ?? "(个人信息,无权查看)"],
    ["12345工单号", t.hotlineTickets.join("、")],
    ["提出时间", moment(t.proposedAt)],
    ["基本情况(核实)", t.basicSituation],
    ["拟定议题", t.draftedTitle],
    ["报送专委会", t.committee?.name],
    ["决定理由", t.decisionReason],
    ["确定议题日期", day(t.approvedAt)],
    ["提出至确定", days(t.approvalDays)],
    ["调研记录", t.researchCount ? `${t.researchCount} 次` : ""],
  ];
}

function exclusion(t) {
  return h(
    "section",
    { class: "card excluded", id: "exclusion" },
    h("h2", {}, "不纳入协商范围"),
    facts([
      ["理由", t.exclusionGround.label],
      ["说明", t.exclusionReason],
      ["决定时间", moment(t.excludedAt)],
    ]),
  );
}

function consultations(t) {
  return table(
    [
      { label: "主题", cell: (c) => link(`#/consultation/${c.id}`, c.subject) },
      { label: "形式", cell: (c) => c.form.label },
      { label: "状态", cell: (c) => badge(c.status) },
      { label: "时间", cell: (c) => moment(c.startsAt) },
    ],
    t.consultations,
  );
}
