// 登录: paste the bearer token issued to you (`yishiting token create`, or `yishiting demo`).

import { h, mount, notice } from "../dom.js";
import { form } from "../forms.js";
import { go } from "../router.js";
import * as session from "../session.js";

export function render(view) {
  const told = sessionStorage.getItem("yishiting.sign-in-notice");
  sessionStorage.removeItem("yishiting.sign-in-notice");
  const signIn = form({
    submit: "登录",
    className: "form-sign-in",
    fields: [
      {
        name: "token",
        label: "访问令牌",
        type: "textarea",
        rows: 5,
        required: true,
        placeholder: "eyJhbGciOi…",
        hint: "令牌由系统管理员签发(yishiting token create);示范数据的令牌由 yishiting demo 给出。令牌只保存在本标签页中,关闭即失效。",
      },
    ],
    onSubmit: (values) => session.signIn(values.token),
    onDone: () => {
      const back = sessionStorage.getItem("yishiting.after-sign-in");
      sessionStorage.removeItem("yishiting.after-sign-in");
      go(back && back !== "#/signin" ? back : session.home());
    },
  });
  mount(
    view,
    h(
      "div",
      { class: "narrow" },
      h("h1", {}, "登录"),
      told && notice(told, "warning"),
      session.current() &&
        notice(`当前已以“${session.current().name}”身份登录,重新登录将替换当前身份。`, "info"),
      h("section", { class: "card" }, signIn),
      h(
        "p",
        { class: "muted" },
        "无需登录即可查看",
        h("a", { href: "#/public" }, "公开信息"),
        "。",
      ),
    ),
  );
  view.querySelector("textarea").setAttribute("autofocus", "");
}
