// The steps of 七.2–七.6 on a consultation: participants, notice, holding it, reporting it,
// opening supervision items from its suggestions, cancelling.

import { go } from "../router.js";
import { beijing, nowLocal } from "../format.js";
import { participantsField } from "./participants-field.js";

const is = (c, ...statuses) => statuses.includes(c.status.code);

export function consultationSteps(c, reload) {
  const versioned = (values) => ({ consultationId: c.id, expectedVersion: c.version, ...values });
  const opened = new Set(c.items.map((i) => i.suggestion));
  const open = c.suggestionEntries.filter((s) => !opened.has(s.text));
  return [
    {
      mutation: "identifyParticipants",
      label: "明确参加人员",
      available: is(c, "SCHEDULED"),
      fields: [participantsField()],
      input: versioned,
      done: reload,
    },
    {
      mutation: "notifyParticipants",
      label: "通知参加人员",
      available: is(c, "SCHEDULED") && c.participants.length > 0,
      fields: [{ name: "notice", label: "通知内容", type: "textarea", required: true }],
      input: versioned,
      done: reload,
    },
    {
      mutation: "holdConsultation",
      label: "开展协商并记录",
      available: is(c, "SCHEDULED") && c.participants.length > 0,
      fields: [
        {
          name: "heldAt",
          label: "开展时间(北京时间)",
          type: "datetime-local",
          required: true,
          value: nowLocal(),
        },
        {
          name: "attendeeIds",
          label: "出席人员",
          type: "checkboxes",
          options: c.participants.map((p) => ({
            value: p.id,
            label: `${p.name ?? "(姓名不可见)"}(${p.kind.label})`,
          })),
        },
        { name: "record", label: "协商记录", type: "textarea", rows: 4, required: true },
        { name: "opinions", label: "协商意见", type: "lines", hint: "每行一条" },
        {
          name: "suggestions",
          label: "协商建议",
          type: "lines",
          hint: "每行一条;据此建立问题清单",
        },
      ],
      input: (values) => versioned({ ...values, heldAt: beijing(values.heldAt) }),
      done: reload,
    },
    {
      mutation: "reportConsultation",
      label: "情况报送",
      available: is(c, "HELD", "REPORTED"),
      fields: [
        {
          name: "kind",
          label: "报送形式",
          type: "radios",
          required: true,
          options: [
            { value: "PROPOSAL", label: "提案" },
            { value: "PUBLIC_OPINION", label: "社情民意信息" },
          ],
        },
        { name: "recipient", label: "报送对象", required: true, value: "中共XX区委、XX区人民政府" },
        { name: "summary", label: "报送内容", type: "textarea", rows: 4, required: true },
        { name: "reference", label: "文号" },
      ],
      input: versioned,
      done: reload,
    },
    {
      mutation: "openSupervisionItem",
      label: "建立督办事项",
      available: is(c, "HELD", "REPORTED") && open.length > 0,
      fields: [
        {
          name: "suggestionId",
          label: "协商建议",
          type: "radios",
          required: true,
          options: open.map((s) => ({ value: s.id, label: s.text })),
        },
      ],
      input: (values) => ({ consultationId: c.id, ...values }),
      done: (changed) => go(`#/item/${changed.id}`),
    },
    {
      mutation: "cancelConsultation",
      label: "取消活动",
      available: is(c, "SCHEDULED"),
      fields: [{ name: "reason", label: "取消理由", type: "textarea", required: true }],
      input: versioned,
      done: reload,
    },
  ];
}
