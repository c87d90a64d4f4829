// The steps of 五、七.1 on a topic: verify, exclude (one of the eight grounds), submit to a
// committee, approve or return, reverse an exclusion, record research, schedule a consultation.

import { gql } from "../api.js";
import { go } from "../router.js";
import * as session from "../session.js";
import { terms } from "../vocab.js";
import { scheduleFields, scheduleInput } from "./schedule.js";

const is = (topic, ...statuses) => statuses.includes(topic.status.code);

export async function topicSteps(topic, reload) {
  const [grounds, committees] = await Promise.all([terms("ExclusionGround"), committeesFor()]);
  const versioned = (values) => ({ topicId: topic.id, expectedVersion: topic.version, ...values });
  const reason = (label) => [{ name: "reason", label, type: "textarea", required: true }];
  return [
    {
      mutation: "verifyTopic",
      label: "核实",
      available: is(topic, "PROPOSED"),
      fields: [
        { name: "basicSituation", label: "基本情况", type: "textarea", rows: 4, required: true },
      ],
      input: versioned,
      done: reload,
    },
    {
      mutation: "excludeTopic",
      label: "不纳入协商",
      available: is(topic, "PROPOSED", "VERIFIED", "RETURNED"),
      fields: [
        {
          name: "ground",
          label: "不纳入协商范围的理由",
          type: "radios",
          required: true,
          options: grounds.map((g) => ({ value: g.name, label: `${g.number}. ${g.label}` })),
        },
        {
          name: "reason",
          label: "说明",
          type: "textarea",
          hint: "选择第8项“其他”时必须书面说明",
        },
      ],
      input: versioned,
      done: reload,
    },
    {
      mutation: "submitTopic",
      label: topic.status.code === "RETURNED" ? "修改后重新报送" : "拟定议题报专委会",
      available: is(topic, "VERIFIED", "RETURNED"),
      fields: [
        {
          name: "draftedTitle",
          label: "拟定议题",
          required: true,
          value: topic.draftedTitle || topic.title,
        },
        {
          name: "committeeId",
          label: "报送专委会",
          type: "select",
          required: true,
          options: committees.map((c) => ({ value: c.id, label: c.name })),
          value: topic.committee?.id || topic.platform?.committee?.id,
        },
      ],
      input: versioned,
      done: reload,
    },
    {
      mutation: "approveTopic",
      label: "确定议题",
      available: is(topic, "SUBMITTED"),
      fields: reason("确定理由"),
      input: versioned,
      done: reload,
    },
    {
      mutation: "returnTopic",
      label: "退回",
      available: is(topic, "SUBMITTED"),
      fields: reason("退回理由"),
      input: versioned,
      done: reload,
    },
    {
      mutation: "reverseExclusion",
      label: "撤销不纳入决定",
      available: is(topic, "EXCLUDED"),
      fields: reason("撤销理由"),
      input: versioned,
      done: reload,
    },
    {
      mutation: "recordResearch",
      label: "记录调研情况",
      available: is(topic, "APPROVED"),
      fields: [{ name: "findings", label: "调研情况", type: "textarea", rows: 4, required: true }],
      input: versioned,
      done: reload,
    },
    {
      mutation: "scheduleConsultation",
      label: "安排协商活动",
      available: is(topic, "APPROVED"),
      fields: await scheduleFields({ forTopic: true }),
      input: (values) =>
        scheduleInput({ ...values, topicId: topic.id, platformId: topic.platform.id }),
      done: (changed) => go(`#/consultation/${changed.id}`),
    },
  ];
}

async function committeesFor() {
  if (!session.may("submitTopic")) return [];
  return (await gql("{ committees { id name } }")).committees;
}
