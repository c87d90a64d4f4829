// 登录: username and password, then — for an account with a second factor — the code from the
// authenticator app (or a recovery code). The password is kept in memory between the two steps
// only. Developers may still paste an access token (folded away below).

import { heldSession, singleSignOn, singleSignOnStart } from "../api.js";
import { button, h, mount, notice } from "../dom.js";
import { form } from "../forms.js";
import { go } from "../router.js";
import * as session from "../session.js";

const AFTER = "yishiting.after-sign-in";

// Why the identity service's sign-in came back without a session (/auth/sso/callback's reason).
const SSO_REFUSALS = {
  SSO_ACCOUNT_UNKNOWN: "统一身份认证的账号在本系统中没有对应账号,请联系安全管理员开通。",
  SSO_NOT_FOR_ADMINISTRATORS: "管理员账号须在本页以密码和动态口令登录。",
  SSO_STATE_EXPIRED: "统一身份认证登录已超时,请重新登录。",
  SSO_STATE_INVALID: "无法核实统一身份认证的回调,请重新登录。",
  SSO_CODE_REFUSED: "统一身份认证未确认本次登录,请重新登录。",
  SSO_ID_TOKEN_INVALID: "统一身份认证的身份凭证无效,请联系系统管理员。",
  SSO_NO_USERNAME: "统一身份认证未提供用户名,请联系系统管理员。",
  SSO_DENIED: "已在统一身份认证处取消登录。",
  SSO_PROVIDER_UNAVAILABLE: "暂时无法连接统一身份认证,请稍后再试,或以账号密码登录。",
  SSO_NOT_CONFIGURED: "本系统未启用统一身份认证。",
  NO_ROLE: "账号尚未被授予任何角色,请联系安全管理员。",
  SIGN_IN_REFUSED: "账号已停用或已锁定,请联系安全管理员。",
};

export async function render(view, { query } = {}) {
  const ssoRefused = query && query.get("sso");
  const told = sessionStorage.getItem("yishiting.sign-in-notice");
  sessionStorage.removeItem("yishiting.sign-in-notice");
  const box = h("section", { class: "card", id: "sign-in" });
  let typed = null; // { username, password } while the second factor is asked for

  const passwordStep = () => {
    typed = null;
    mount(box, h("h2", {}, "账号登录"), passwordForm);
    box.querySelector("input[name=username]").focus();
  };
  const codeStep = () => {
    mount(
      box,
      h("h2", {}, "动态口令"),
      h("p", { class: "muted" }, `账号“${typed.username}”已启用动态口令,请完成第二步验证。`),
      codeForm(),
      h("p", {}, button("返回,换一个账号", passwordStep, { class: "link-button" })),
    );
    box.querySelector("input[name=code]").focus();
  };

  const passwordForm = form({
    confirmation: null, // not an action: the page moves on
    submit: "登录",
    className: "form-sign-in",
    draft: false,
    fields: [
      { name: "username", label: "用户名", required: true, autocomplete: "username" },
      {
        name: "password",
        label: "密码",
        type: "password",
        required: true,
        autocomplete: "current-password",
      },
    ],
    onSubmit: async (values) => {
      try {
        return await session.signInWithPassword(values);
      } catch (error) {
        if (error.reason !== "SECOND_FACTOR_REQUIRED") throw error;
        typed = { username: values.username, password: values.password };
        return null;
      }
    },
    onDone: (opened) => (opened ? signedIn(opened) : codeStep()),
  });

  const codeForm = () =>
    form({
      confirmation: null, // not an action: the page moves on
      submit: "验证并登录",
      className: "form-second-factor",
      draft: false,
      fields: [
        {
          name: "code",
          label: "动态口令",
          required: true,
          autocomplete: "one-time-code",
          inputmode: "numeric",
          maxlength: 64,
          placeholder: "6位数字",
          hint: "身份验证器应用中当前显示的6位动态口令;手机不在身边时,可输入一个恢复码(每个只能用一次)。",
        },
      ],
      onSubmit: (values) => session.signInWithPassword({ ...typed, code: values.code }),
      onDone: (opened) => {
        typed = null;
        signedIn(opened);
      },
    });

  const tokenForm = form({
    confirmation: null, // not an action: the page moves on
    submit: "以令牌登录",
    className: "form-token-sign-in",
    draft: false,
    fields: [
      {
        name: "token",
        label: "访问令牌",
        type: "textarea",
        rows: 5,
        required: true,
        placeholder: "eyJhbGciOi…",
        hint: "供开发与对接调试:令牌由系统管理员签发(yishiting token create),示范数据的令牌由 yishiting demo 给出。令牌只保存在本标签页中,关闭即失效。",
      },
    ],
    onSubmit: (values) => session.signIn(values.token),
    onDone: () => signedIn({ pending: "" }),
  });

  passwordStep();
  mount(
    view,
    h(
      "div",
      { class: "narrow" },
      h("h1", {}, "登录"),
      told && notice(told, "warning"),
      ssoRefused &&
        notice(SSO_REFUSALS[ssoRefused] || `统一身份认证登录未成功(${ssoRefused})`, "warning"),
      session.current() &&
        notice(`当前已以“${session.current().name}”身份登录,重新登录将替换当前身份。`, "info"),
      await elsewhere(),
      box,
      await identityService(),
      h(
        "details",
        { class: "card token-sign-in" },
        h("summary", {}, "使用访问令牌登录(开发者)"),
        tokenForm,
      ),
      h(
        "p",
        { class: "muted" },
        "无需登录即可查看",
        h("a", { href: "#/public" }, "公开信息"),
        "。忘记密码或动态口令丢失,请联系安全管理员重置。",
      ),
    ),
  );
  view.querySelector("input[name=username]").setAttribute("autofocus", "");
}

/** Signed in: a session with something to do first goes to 我的账号; otherwise back to where
 * the person was, or their role's home. */
function signedIn(opened) {
  const back = sessionStorage.getItem(AFTER);
  sessionStorage.removeItem(AFTER);
  if (opened.pending) return go("#/account");
  return go(back && back !== "#/signin" ? back : session.home());
}

/** 统一身份认证: a link to the district's identity service when this system is set up for it. */
async function identityService() {
  const offered = await singleSignOn().catch(() => null);
  if (!offered || !offered.enabled) return null;
  const back = sessionStorage.getItem(AFTER);
  const next = back && back !== "#/signin" ? back : "#/";
  return h(
    "section",
    { class: "card", id: "single-sign-on" },
    h("p", { class: "muted" }, "已有区统一身份认证账号的,可直接登录:"),
    h("a", { class: "button", href: singleSignOnStart(next) }, offered.label),
  );
}

/** The browser may hold a session this page has forgotten (signed in again in another window):
 * offer to go on with it rather than sign in once more. */
async function elsewhere() {
  if (session.current()) return null;
  const held = await heldSession().catch(() => null);
  if (!held) return null;
  const goOn = async () => {
    await session.restore();
    if (session.current()) signedIn({ pending: session.pending() });
  };
  return h(
    "div",
    { class: "notice info", role: "status", id: "held-session" },
    `本浏览器已在其他窗口以“${held.actor.name}”(${held.actor.roleLabel})身份登录。`,
    button(`以“${held.actor.name}”身份继续`, goOn, { class: "quiet" }),
  );
}
