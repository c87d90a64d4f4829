// 决策时间线: each decision on a topic and what came of it, with who, why and how long.

import { gql } from "../api.js";
import { h, section } from "../dom.js";
import { day, days, moment } from "../format.js";

const QUERY = `query Timeline($id: ID!) { decisionTimeline(topicId: $id) {
  daysSinceStart daysSincePrevious
  event { eventType summary actorName actorRole { label } occurredAt reason exclusionGround { label } }
} }`;

export async function timelineSection(topicId) {
  const { decisionTimeline: steps } = await gql(QUERY, { id: topicId });
  return section(
    "决策时间线",
    steps.length
      ? h(
          "ol",
          { class: "timeline", id: "timeline" },
          steps.map((s) =>
            h(
              "li",
              { dataset: { event: s.event.eventType } },
              h("div", { class: "timeline-what" }, s.event.summary),
              h(
                "div",
                { class: "timeline-who muted small" },
                `${moment(s.event.occurredAt)} · ${s.event.actorName}(${s.event.actorRole?.label || "—"})`,
                s.daysSinceStart ? ` · 距提出 ${days(s.daysSinceStart)}` : "",
              ),
              s.event.reason && !s.event.summary.includes(s.event.reason)
                ? h("div", { class: "timeline-why" }, `理由:${s.event.reason}`)
                : null,
            ),
          ),
        )
      : h("p", { class: "muted" }, "暂无记录"),
  );
}

// 办理时间线: every step of one supervision item — decisions, each progress report with its
// texts, each 督办提醒 — in order, with who and when; the due date and working days left on top.

const ITEM_QUERY = `query ItemTimeline($id: ID!) { supervisionItem(id: $id) { timeline {
  dueOn workingDaysLeft weekdaysAssumed
  steps {
    eventType label decision occurredAt actorName actorRole { label } summary reason
    daysSinceOpened report { progress problems approach reportingDepartment reportedOn }
  }
} } }`;

export async function itemTimelineSection(itemId) {
  const { supervisionItem: item } = await gql(ITEM_QUERY, { id: itemId });
  const t = item.timeline;
  return section(
    "办理时间线",
    h("p", { class: "timeline-due", id: "timeline-due" }, dueLine(t)),
    t.steps.length
      ? h(
          "ol",
          { class: "timeline", id: "item-timeline" },
          t.steps.map((s) => itemStep(s)),
        )
      : h("p", { class: "muted" }, "暂无记录"),
  );
}

function dueLine(t) {
  if (!t.dueOn) return "办理期限:未定";
  const assumed = t.weekdaysAssumed ? "(节假日安排未知,按周一至周五推算)" : "";
  if (t.workingDaysLeft === null) return `办理期限:${day(t.dueOn)}`;
  const left =
    t.workingDaysLeft < 0
      ? `已逾期 ${-t.workingDaysLeft} 个工作日`
      : `剩余 ${t.workingDaysLeft} 个工作日`;
  return `办理期限:${day(t.dueOn)} · ${left}${assumed}`;
}

function itemStep(s) {
  const r = s.report;
  return h(
    "li",
    { dataset: { event: s.eventType }, class: s.decision ? "decision" : "" },
    h("div", { class: "timeline-what" }, h("strong", {}, s.label), ` ${s.summary}`),
    h(
      "div",
      { class: "timeline-who muted small" },
      `${moment(s.occurredAt)} · ${s.actorName}(${s.actorRole?.label || "—"}) · 建立后 ${days(s.daysSinceOpened)}`,
    ),
    r
      ? h(
          "dl",
          { class: "timeline-report" },
          [
            ["进展情况", r.progress],
            ["存在问题", r.problems],
            ["解决思路", r.approach],
            ["填报部门", r.reportingDepartment],
            ["填报时间", day(r.reportedOn)],
          ]
            .filter(([, value]) => value)
            .flatMap(([label, value]) => [h("dt", {}, label), h("dd", {}, value)]),
        )
      : null,
    s.reason && !s.summary.includes(s.reason)
      ? h("div", { class: "timeline-why" }, `理由:${s.reason}`)
      : null,
  );
}
