// 修改密码: the current one, the new one twice. The rules are shown as a hint while typing; the
// server decides. Changing it ends the account's other sessions (this one goes on).

import { ApiError, mutate } from "../api.js";
import { h, notice } from "../dom.js";
import { form } from "../forms.js";
import { rulesHint } from "./password-rules.js";

const FIELD_OF = { WRONG_PASSWORD: "currentPassword", WEAK_PASSWORD: "newPassword" };

export function passwordSection({ username, onChanged }) {
  const done = h("div", { id: "password-changed" });
  const element = form({
    submit: "修改密码",
    className: "form-changeOwnPassword",
    draft: false,
    fields: [
      {
        name: "currentPassword",
        label: "当前密码",
        type: "password",
        required: true,
        autocomplete: "current-password",
      },
      {
        name: "newPassword",
        label: "新密码",
        type: "password",
        required: true,
        autocomplete: "new-password",
      },
      {
        name: "repeat",
        label: "再次输入新密码",
        type: "password",
        required: true,
        autocomplete: "new-password",
      },
    ],
    onSubmit: async ({ currentPassword, newPassword, repeat }) => {
      if (newPassword !== repeat) throw refusal("两次输入的新密码不一致", "repeat");
      try {
        return await mutate("changeOwnPassword", { currentPassword, newPassword }, "id");
      } catch (error) {
        if (error instanceof ApiError && FIELD_OF[error.reason])
          error.field = FIELD_OF[error.reason];
        throw error;
      }
    },
    onDone: async () => {
      element.reset();
      element.dispatchEvent(new Event("input"));
      done.replaceChildren(
        notice("密码已修改。本账号在其他浏览器或设备上的会话均已结束。", "success"),
      );
      if (onChanged) await onChanged();
    },
  });
  rulesHint(element, { name: "newPassword", repeat: "repeat", username: () => username });
  return h(
    "section",
    { class: "card", id: "change-password" },
    h("h2", {}, "修改密码"),
    done,
    element,
  );
}

function refusal(message, field) {
  return new ApiError([
    {
      message,
      extensions: { code: "BAD_USER_INPUT", reason: "INVALID_INPUT", details: { field } },
    },
  ]);
}
