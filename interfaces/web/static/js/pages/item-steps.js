// The steps of 七.6 督办落实 on an item: assign (or reassign, with a reason), report progress,
// resolve (办结) with an outcome, reopen with a reason.

import { gql } from "../api.js";
import { today } from "../format.js";
import * as session from "../session.js";

const is = (item, ...statuses) => statuses.includes(item.status.code);
const WORKING = ["ASSIGNED", "IN_PROGRESS", "REOPENED"];

export async function itemSteps(item, reload) {
  const versioned = (values) => ({ itemId: item.id, expectedVersion: item.version, ...values });
  const reference = session.may("assignItem")
    ? await gql("{ units { id name } committees { id name } people { id name position } }")
    : null;
  const choices = (rows, label = (r) => r.name) =>
    (rows || []).map((r) => ({ value: r.id, label: label(r) }));
  const reassigning = !is(item, "OPENED");
  return [
    {
      mutation: "assignItem",
      label: reassigning ? "改派" : "交办",
      available: is(item, "OPENED", ...WORKING),
      fields: [
        {
          name: "unitId",
          label: "交办单位",
          type: "select",
          required: true,
          options: choices(reference?.units),
          value: item.unit?.id,
        },
        {
          name: "committeeId",
          label: "政协责任委室",
          type: "select",
          required: true,
          options: choices(reference?.committees),
          value: item.committee?.id,
        },
        {
          name: "supervisorId",
          label: "督办负责人",
          type: "select",
          required: true,
          options: choices(reference?.people, (p) => `${p.name}(${p.position})`),
        },
        { name: "dueOn", label: "办理期限", type: "date" },
        {
          name: "reason",
          label: "改派理由",
          type: "textarea",
          required: reassigning,
          when: () => reassigning,
        },
      ],
      input: versioned,
      done: reload,
    },
    {
      mutation: "reportProgress",
      label: "填报进展",
      available: is(item, ...WORKING),
      fields: [
        { name: "progress", label: "进展情况", type: "textarea", required: true },
        { name: "problems", label: "存在问题", type: "textarea" },
        { name: "approach", label: "解决思路", type: "textarea" },
        { name: "reportingDepartment", label: "填报部门", required: true, value: item.unitName },
        { name: "reportedOn", label: "填报时间", type: "date", required: true, value: today() },
      ],
      input: versioned,
      done: reload,
    },
    {
      mutation: "resolveItem",
      label: "办结",
      available: is(item, ...WORKING),
      fields: [{ name: "outcome", label: "办结情况", type: "textarea", required: true }],
      input: versioned,
      done: reload,
    },
    {
      mutation: "reopenItem",
      label: "重新办理",
      available: is(item, "RESOLVED"),
      fields: [{ name: "reason", label: "重新办理理由", type: "textarea", required: true }],
      input: versioned,
      done: reload,
    },
  ];
}
