// What the security administrator may do to an account: each a step with its form (the
// actions panel shows only those the role may perform and the account's state allows).

import { options } from "../vocab.js";
import { RULES_TEXT } from "./password-rules.js";
import { roleText, SCOPED } from "./scopes.js";

const UNGRANTABLE = ["SYSTEM", "PUBLIC"];

/** The steps on account `a`; `choices` are the scopes by list, `reload` draws the page again. */
export async function accountSteps(a, choices, reload) {
  const roleOptions = (await options("Role")).filter((o) => !UNGRANTABLE.includes(o.value));
  const on = (values) => ({ accountId: a.id, ...values });
  const reason = (label) => ({ name: "reason", label, type: "textarea", required: true });
  const locked = Boolean(a.lockedUntil && new Date(a.lockedUntil) > new Date());
  return [
    {
      mutation: "grantRole",
      label: "授予角色",
      fields: [
        { name: "role", label: "角色", type: "select", required: true, options: roleOptions },
        ...Object.entries(SCOPED).map(([role, { list, label }]) => ({
          name: `scope-${role}`, // a supervisor and a member are both picked from the people
          aliases: ["scope"],
          label: `范围:${label}`,
          type: "select",
          required: true,
          options: choices[list] || [],
          when: (v) => v.role === role,
        })),
        reason("授予理由"),
      ],
      input: (values) => on(roleInput(values)),
      done: reload,
    },
    {
      mutation: "revokeRole",
      label: "撤销角色",
      available: a.roles.length > 0,
      fields: [
        {
          name: "held",
          label: "撤销的角色",
          type: "radios",
          required: true,
          options: a.roles.map((r) => ({
            value: `${r.role.code}|${r.scope}`,
            label: roleText(choices, r.role.code, r.role.label, r.scope),
          })),
          value: a.roles.length === 1 ? `${a.roles[0].role.code}|${a.roles[0].scope}` : "",
        },
        reason("撤销理由"),
      ],
      input: ({ held, reason: why }) => {
        const [role, scope] = held.split("|");
        return on({ role, scope, reason: why });
      },
      done: reload,
    },
    {
      mutation: "resetPassword",
      label: "重置密码",
      fields: [
        {
          name: "temporaryPassword",
          label: "临时密码",
          required: true,
          autocomplete: "off",
          keep: false,
          hint: `${RULES_TEXT}请当面或通过安全渠道告知本人;本人登录后须修改,其现有会话随即结束。`,
        },
      ],
      input: on,
      done: reload,
    },
    {
      mutation: "unlockAccount",
      label: "解锁",
      available: locked,
      fields: [reason("解锁理由")],
      input: on,
      done: reload,
    },
    {
      mutation: "disableAccount",
      label: "停用账号",
      available: !a.disabled,
      fields: [reason("停用理由")],
      input: on,
      done: reload,
    },
    {
      mutation: "reenableAccount",
      label: "重新启用",
      available: a.disabled,
      fields: [reason("启用理由")],
      input: on,
      done: reload,
    },
    {
      mutation: "resetSecondFactor",
      label: "重置动态口令",
      available: a.secondFactor,
      fields: [reason("重置理由(如手机丢失)")],
      input: on,
      done: reload,
    },
  ];
}

function roleInput(values) {
  const scoped = SCOPED[values.role];
  return {
    role: values.role,
    scope: scoped ? values[`scope-${values.role}`] : "",
    reason: values.reason,
  };
}
