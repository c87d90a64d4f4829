// 决策时间线: each decision on a topic and what came of it, with who, why and how long.

import { gql } from "../api.js";
import { h, section } from "../dom.js";
import { days, moment } from "../format.js";

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
