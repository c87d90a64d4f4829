// 账号管理 (安全管理员): every account with its roles and state; creating one; and, for the
// account chosen, granting and revoking roles (with a reason), disabling and re-enabling,
// unlocking, resetting the password or the second factor, and an integration account's API
// tokens. The audit administrator reads the same, and changes nothing.

import { actionPanel } from "../actions.js";
import { gql, mutate } from "../api.js";
import { badge, facts, h, link, mount, notice, table } from "../dom.js";
import { form } from "../forms.js";
import { moment } from "../format.js";
import { go, setQuery } from "../router.js";
import * as session from "../session.js";
import { accountSteps } from "./account-steps.js";
import { tokensSection } from "./api-tokens.js";
import { roleText, scopeChoices } from "./scopes.js";

const ACCOUNTS = `{ accounts { id username displayName roles { role { code label } scope } disabled
  lockedUntil secondFactor mustChangePassword version } }`;

export async function render(view, { query }) {
  if (!["SECURITY_ADMIN", "AUDIT_ADMIN"].includes(session.role())) {
    return mount(view, notice(`无权限:“${session.current().role.label}”不能查看账号`));
  }
  const [{ accounts }, choices] = await Promise.all([gql(ACCOUNTS), scopeChoices()]);
  const chosen = accounts.find((a) => a.id === query.get("account")) || null;
  const roles = (a) => a.roles.map((r) => roleText(choices, r.role.code, r.role.label, r.scope));
  const reload = () => go(window.location.hash);
  mount(
    view,
    h(
      "div",
      { class: "page-head" },
      h("h1", {}, "账号管理"),
      !session.may("createAccount") &&
        h("span", { class: "muted" }, "只读:审计管理员可查看,不能变更"),
    ),
    chosen && (await accountCard(chosen, roles(chosen), choices, reload)),
    h(
      "section",
      { class: "card" },
      h("h2", {}, `全部账号(${accounts.length})`),
      table(
        [
          {
            label: "用户名",
            cell: (a) => link(`#/accounts?account=${a.id}`, a.username, { class: "account-link" }),
          },
          { label: "姓名", cell: (a) => a.displayName },
          {
            label: "角色",
            cell: (a) => roles(a).join("、") || h("span", { class: "muted" }, "未授予角色"),
          },
          { label: "状态", cell: (a) => states(a) },
        ],
        accounts,
        { empty: "还没有账号" },
      ),
    ),
    session.may("createAccount") && createSection(),
  );
  return undefined;
}

/** 停用 / 锁定至… / 动态口令 / 临时密码, as badges. */
function states(a) {
  const locked = a.lockedUntil && new Date(a.lockedUntil) > new Date();
  const shown = [
    a.disabled && badge({ code: "disabled", label: "已停用" }, "alarm"),
    locked && badge({ code: "locked", label: `锁定至 ${moment(a.lockedUntil)}` }, "alarm"),
    a.secondFactor && badge({ code: "enrolled", label: "动态口令" }),
    a.mustChangePassword && badge({ code: "temporary", label: "临时密码" }),
  ].filter(Boolean);
  return shown.length
    ? h("span", { class: "badges" }, shown)
    : badge({ code: "active", label: "正常" });
}

async function accountCard(a, roles, choices, reload) {
  const steps = actionPanel(await accountSteps(a, choices, reload), { title: "账号操作" });
  const integration = a.roles.some((r) => r.role.code === "INTEGRATION");
  return h(
    "div",
    { id: "account-detail", dataset: { account: a.username } },
    h(
      "section",
      { class: "card" },
      h("p", { class: "crumbs" }, link("#/accounts", "全部账号"), " / ", a.username),
      h("h2", { id: "account-title" }, `${a.displayName}(${a.username})`),
      facts([
        ["角色", roles.join("、") || "未授予角色"],
        ["状态", states(a)],
        ["动态口令", a.secondFactor ? "已绑定" : "未绑定"],
        ["密码", a.mustChangePassword ? "临时密码(本人登录后须修改)" : "本人设置"],
        ["版本", String(a.version)],
      ]),
    ),
    steps,
    integration && (await tokensSection(a, choices)),
  );
}

function createSection() {
  return h(
    "section",
    { class: "card narrow", id: "create-account" },
    h("h2", {}, "创建账号"),
    h(
      "p",
      { class: "muted" },
      "创建后,请为其设置临时密码(“重置密码”)并授予角色;本人首次登录后须修改密码。",
    ),
    form({
      submit: "创建账号",
      className: "form-createAccount",
      fields: [
        {
          name: "username",
          label: "用户名",
          required: true,
          autocomplete: "off",
          hint: "登录时使用,如 zhangsan;创建后不能修改",
        },
        { name: "displayName", label: "姓名", required: true },
      ],
      onSubmit: (input) => mutate("createAccount", input),
      onDone: (created) => setQuery({ account: created.id }),
    }),
  );
}
