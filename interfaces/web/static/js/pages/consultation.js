// A consultation's page: its record (participants, opinions, suggestions), a 网络协商's
// online opinions (kept current), the items opened from it, the steps its state allows this
// role, and its history.

import { gql } from "../api.js";
import { actionPanel } from "../actions.js";
import { ATTACHMENT_FIELDS, attachmentsSection } from "../attachments.js";
import { badge, facts, h, link, mount, notice, section, table } from "../dom.js";
import { moment } from "../format.js";
import { go } from "../router.js";
import { consultationSteps } from "./consultation-steps.js";
import { historySection } from "./history.js";
import { onlineOpinionsSection } from "./online-opinions.js";

const QUERY = `query Consultation($id: ID!) {
  consultation(id: $id) {
    id subject form { code label } mode { label } status { code label } startsAt closesAt venue
    notifiedAt heldAt record version reportKind { label } reportRecipient reportReference
    reportedAt cancelReason onlineOpinionsCount
    platform { id name } topic { id title draftedTitle }
    participants { id kind { label } name organisation attended }
    opinions suggestions suggestionEntries { id text }
    items { id seqNo suggestion status { code label } unitName }
    ${ATTACHMENT_FIELDS}
  }
}`;
const ATTACHMENTS = `query ConsultationFiles($id: ID!) { consultation(id: $id) { ${ATTACHMENT_FIELDS} } }`;

export async function render(view, { params: [id] }) {
  const { consultation: c } = await gql(QUERY, { id });
  if (!c) return mount(view, notice("无权查看该协商活动,或该活动不存在"));
  const reload = () => go(`#/consultation/${id}`);
  const online = c.form.code === "ONLINE" ? await onlineOpinionsSection(c) : null;
  try {
    await draw(view, c, online, reload);
  } catch (error) {
    online?.stop(); // the page failed to draw: its live updates stop with it
    throw error;
  }
  return online?.stop;
}

async function draw(view, c, online, reload) {
  const { id } = c;
  mount(
    view,
    h(
      "div",
      { class: "page-head" },
      h(
        "div",
        {},
        h("p", { class: "crumbs" }, link("#/consultations", "协商活动"), " / 活动"),
        h("h1", {}, c.subject),
      ),
      badge(c.status, "large"),
    ),
    h(
      "div",
      { class: "columns" },
      h(
        "div",
        { class: "column-main" },
        section("活动情况", facts(details(c))),
        actionPanel(consultationSteps(c, reload)),
        online?.element,
        section("参加人员", participants(c)),
        c.heldAt ? section("协商记录", record(c)) : null,
        attachmentsSection({
          attachments: c.attachments,
          kinds: [
            { kind: "CONSULTATION", label: "协商材料(纪要、签到表、照片)" },
            c.reportedAt ? { kind: "REPORT", label: "报送文件(提案、社情民意信息)" } : null,
          ].filter(Boolean),
          ownerId: id,
          reload,
          load: async () => (await gql(ATTACHMENTS, { id })).consultation.attachments,
        }),
        c.items.length ? section("问题清单(督办事项)", items(c)) : null,
      ),
      h("div", { class: "column-side" }, await historySection(id)),
    ),
  );
}

function details(c) {
  return [
    ["协商形式", `${c.form.label}(${c.mode.label})`],
    [
      "协商议题",
      c.topic ? link(`#/topic/${c.topic.id}`, c.topic.draftedTitle || c.topic.title) : "",
    ],
    ["协商议事平台", c.platform?.name],
    ["时间", moment(c.startsAt)],
    ["截止", c.form.code === "ONLINE" ? (c.closesAt ? moment(c.closesAt) : "永不落幕") : ""],
    ["地点", c.venue],
    ["通知时间", c.notifiedAt ? moment(c.notifiedAt) : ""],
    ["开展时间", c.heldAt ? moment(c.heldAt) : ""],
    [
      "情况报送",
      c.reportKind
        ? `${c.reportKind.label} → ${c.reportRecipient}${c.reportReference ? `(${c.reportReference})` : ""}`
        : "",
    ],
    ["取消理由", c.cancelReason],
  ];
}

function participants(c) {
  return table(
    [
      { label: "类别", cell: (p) => p.kind.label },
      { label: "姓名", cell: (p) => p.name ?? "(个人信息,无权查看)" },
      { label: "单位", cell: (p) => p.organisation },
      { label: "出席", cell: (p) => (c.heldAt ? (p.attended ? "出席" : "未出席") : "—") },
    ],
    c.participants,
    { empty: "尚未明确参加人员" },
  );
}

function record(c) {
  const list = (title, rows) => [
    h("h3", {}, title),
    rows.length
      ? h(
          "ul",
          {},
          rows.map((r) => h("li", {}, r)),
        )
      : h("p", { class: "muted" }, "无"),
  ];
  return [
    h("p", { class: "prose" }, c.record),
    list("协商意见", c.opinions),
    list("协商建议", c.suggestions),
  ];
}

function items(c) {
  return table(
    [
      { label: "序号", cell: (i) => i.seqNo },
      { label: "协商建议", cell: (i) => link(`#/item/${i.id}`, i.suggestion) },
      { label: "交办单位", cell: (i) => i.unitName },
      { label: "状态", cell: (i) => badge(i.status) },
    ],
    c.items,
  );
}
