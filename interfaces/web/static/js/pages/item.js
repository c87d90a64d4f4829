// A supervision item (a row of the 问题清单): its columns, the steps its state allows this role
// (assign, report progress, resolve, reopen), its timeline (every report, decision and
// reminder) and its history.

import { gql } from "../api.js";
import { actionPanel } from "../actions.js";
import { ATTACHMENT_FIELDS, attachmentsSection } from "../attachments.js";
import { badge, facts, h, link, mount, notice, section } from "../dom.js";
import { day, days, moment } from "../format.js";
import { go } from "../router.js";
import { historySection } from "./history.js";
import { itemSteps } from "./item-steps.js";
import { itemTimelineSection } from "./timeline.js";

const QUERY = `query Item($id: ID!) {
  supervisionItem(id: $id) {
    id seqNo consultationTime subject suggestion unitName committeeName supervisorName progress
    problems approach reportingDepartment reportedOn status { code label } dueOn overdue
    progressCount outcome openedAt assignedAt resolvedAt daysToResolve version
    platform { name } consultation { id subject } topic { id title }
    unit { id name } committee { id name }
    ${ATTACHMENT_FIELDS}
  }
}`;
const ATTACHMENTS = `query ItemFiles($id: ID!) { supervisionItem(id: $id) { ${ATTACHMENT_FIELDS} } }`;

export async function render(view, { params: [id] }) {
  const { supervisionItem: item } = await gql(QUERY, { id });
  if (!item) return mount(view, notice("无权查看该督办事项,或该事项不存在"));
  const reload = () => go(`#/item/${id}`);
  mount(
    view,
    h(
      "div",
      { class: "page-head" },
      h(
        "div",
        {},
        h("p", { class: "crumbs" }, link("#/items", "督办台账"), ` / 第 ${item.seqNo} 项`),
        h("h1", {}, item.suggestion),
      ),
      h(
        "div",
        {},
        badge(item.status, "large"),
        item.overdue ? h("span", { class: "badge alarm large" }, "已逾期") : null,
      ),
    ),
    h(
      "div",
      { class: "columns" },
      h(
        "div",
        { class: "column-main" },
        section("督办落实情况", facts(columns(item))),
        actionPanel(await itemSteps(item, reload)),
        await itemTimelineSection(id),
        attachmentsSection({
          title: "办理进展附件",
          attachments: item.attachments,
          kinds: [{ kind: "PROGRESS_REPORT", label: "办理回复、现场照片" }],
          ownerId: id,
          reload,
          load: async () => (await gql(ATTACHMENTS, { id })).supervisionItem.attachments,
        }),
      ),
      h("div", { class: "column-side" }, await historySection(id)),
    ),
  );
  return undefined;
}

function columns(i) {
  return [
    ["序号", i.seqNo],
    ["协商时间", moment(i.consultationTime)],
    [
      "协商议题",
      i.consultation ? link(`#/consultation/${i.consultation.id}`, i.subject) : i.subject,
    ],
    ["协商建议", i.suggestion],
    ["交办单位", i.unitName],
    ["政协责任委室", i.committeeName],
    ["督办负责人", i.supervisorName],
    ["进展情况", i.progress],
    ["存在问题", i.problems],
    ["解决思路", i.approach],
    ["填报部门", i.reportingDepartment],
    ["填报时间", day(i.reportedOn)],
    ["办理期限", day(i.dueOn)],
    ["办结情况", i.outcome],
    ["交办至办结", i.daysToResolve === null ? "" : days(i.daysToResolve)],
  ];
}
