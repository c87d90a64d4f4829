// 接口令牌: an integration account's named API tokens (the 12345 hotline, the members' app…):
// listed with when each was last used; issued with a name, the token shown once (copy it now);
// revoked with a reason.

import { ApiError, gql, mutate } from "../api.js";
import { button, h, mount, notice, table } from "../dom.js";
import { form } from "../forms.js";
import { moment } from "../format.js";
import * as session from "../session.js";
import { roleText } from "./scopes.js";

const TOKENS = `query Tokens($id: ID!) { apiTokens(accountId: $id) { id name role { code label }
  scope createdAt lastUsedAt revokedAt revokeReason } }`;

export async function tokensSection(a, choices) {
  const list = h("div", { id: "api-tokens" });
  const issued = h("div", { id: "issued-token" });
  const revoking = h("div", { class: "action-form" });
  const draw = async () => {
    const { apiTokens } = await gql(TOKENS, { id: a.id });
    mount(
      list,
      table(
        [
          { label: "名称", cell: (t) => t.name },
          { label: "角色", cell: (t) => roleText(choices, t.role.code, t.role.label, t.scope) },
          { label: "签发时间", class: "nowrap", cell: (t) => moment(t.createdAt) },
          { label: "最近使用", class: "nowrap", cell: (t) => moment(t.lastUsedAt) || "未使用" },
          {
            label: "状态",
            cell: (t) =>
              t.revokedAt
                ? `已吊销(${moment(t.revokedAt)}${t.revokeReason ? `,${t.revokeReason}` : ""})`
                : [
                    h("span", { class: "badge code-active" }, "有效"),
                    " ",
                    session.may("revokeApiToken") &&
                      button("吊销", () => revoke(t), {
                        class: "quiet",
                        dataset: { revoke: t.name },
                      }),
                  ],
          },
        ],
        apiTokens,
        { empty: "尚未签发接口令牌" },
      ),
    );
  };
  const revoke = (t) =>
    mount(
      revoking,
      h("h3", {}, `吊销令牌“${t.name}”`),
      form({
        submit: "确认吊销",
        className: "form-revokeApiToken",
        fields: [{ name: "reason", label: "吊销理由", type: "textarea", required: true }],
        onSubmit: ({ reason }) =>
          mutate("revokeApiToken", { accountId: a.id, tokenId: t.id, reason }),
        onDone: async () => {
          mount(revoking, notice(`令牌“${t.name}”已吊销,使用它的系统将立即无法访问。`, "success"));
          await draw();
        },
      }),
    );
  await draw();
  const grants = a.roles.filter((r) => r.role.code === "INTEGRATION");
  return h(
    "section",
    { class: "card", id: "tokens" },
    h("h2", {}, "接口令牌"),
    h(
      "p",
      { class: "muted" },
      "对接系统(如12345热线)以令牌代表本账号调用接口;令牌随时可吊销,账号被停用或撤销角色时一并失效。",
    ),
    list,
    revoking,
    session.may("issueApiToken") && issueForm(a, choices, grants, issued, draw),
  );
}

function issueForm(a, choices, grants, issued, draw) {
  const element = form({
    submit: "签发令牌",
    className: "form-issueApiToken",
    fields: [
      {
        name: "name",
        label: "令牌名称",
        required: true,
        hint: "用途或使用它的系统,如“12345热线工单推送”",
      },
      {
        name: "grant",
        label: "代表的角色",
        type: "select",
        required: true,
        options: grants.map((r, i) => ({
          value: String(i),
          label: roleText(choices, r.role.code, r.role.label, r.scope),
        })),
        value: grants.length === 1 ? "0" : "",
      },
    ],
    onSubmit: ({ name, grant }) => {
      const held = grants[Number(grant)];
      if (!held) throw new ApiError([{ message: "请选择代表的角色" }]);
      return mutate(
        "issueApiToken",
        { accountId: a.id, name, role: held.role.code, scope: held.scope },
        "tokenId token",
      );
    },
    onDone: async (result) => {
      element.reset();
      element.dataset.dirty = "";
      if (grants.length === 1) element.querySelector("select[name=grant]").value = "0";
      showOnce(issued, result.token);
      await draw();
    },
  });
  return [h("h3", {}, "签发新令牌"), issued, element];
}

/** The new token, this once: with a copy button and the warning that it cannot be seen again. */
function showOnce(box, token) {
  if (!token) {
    mount(box, notice("该签发指令已执行过,令牌不再显示;如未保存,请吊销后重新签发。", "warning"));
    return;
  }
  const field = h("input", {
    type: "text",
    readonly: true,
    value: token,
    class: "token-value",
    id: "new-token",
    "aria-label": "新令牌",
    onfocus: (e) => e.target.select(),
  });
  const copied = h("span", { class: "muted small", role: "status" });
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(token);
      copied.textContent = "已复制到剪贴板。";
    } catch {
      field.select();
      copied.textContent = "已选中,请按 Ctrl+C 复制。";
    }
  };
  mount(
    box,
    notice(
      "令牌只显示这一次:请立即复制并交给对接系统妥善保存。离开本页后无法再次查看,遗失只能吊销后重新签发。",
      "warning",
    ),
    h("div", { class: "token-once" }, field, button("复制", copy, { class: "quiet" })),
    copied,
  );
}
