// 动态口令: enrolling a TOTP second factor — the QR code for the authenticator app (the server's
// SVG, shown only as an image from a data: address) and the secret to type by hand, a code to
// confirm it, then the ten recovery codes, shown this once.

import { gql } from "../api.js";
import { button, h, mount, notice } from "../dom.js";
import { form } from "../forms.js";

const BEGIN = "mutation { beginSecondFactor { secret uri qrSvg } }";
const CONFIRM = "mutation($code: String!) { confirmSecondFactor(code: $code) { codes } }";

export function secondFactorSection({ enrolled, required = false, onEnrolled }) {
  const body = h("div", { class: "second-factor" });
  const section = h(
    "section",
    { class: "card", id: "second-factor" },
    h("h2", {}, "动态口令(双因素认证)"),
    body,
  );
  if (enrolled) {
    mount(
      body,
      h(
        "p",
        {},
        h("span", { class: "badge code-enrolled" }, "已绑定"),
        " 登录时须输入身份验证器应用中的动态口令。",
      ),
      h(
        "p",
        { class: "muted" },
        "手机丢失时,可用恢复码登录;恢复码用完或丢失,请联系安全管理员重置动态口令。",
      ),
    );
    return section;
  }
  const begin = async (event) => {
    const pressed = event.currentTarget;
    pressed.disabled = true;
    try {
      const { beginSecondFactor } = await gql(BEGIN);
      enrol(body, beginSecondFactor, onEnrolled);
    } catch (error) {
      body.append(notice(error.chinese || error.message));
      pressed.disabled = false;
    }
  };
  mount(
    body,
    required && notice("管理员账号须先绑定动态口令,之后才能办理其他事项。", "warning"),
    h(
      "p",
      {},
      "绑定后,登录时除密码外还须输入手机上身份验证器应用(如 FreeOTP、Google Authenticator、微软 Authenticator)显示的6位动态口令。",
    ),
    button("开始绑定动态口令", begin, { class: "primary", id: "begin-second-factor" }),
  );
  return section;
}

function enrol(body, enrolment, onEnrolled) {
  const confirm = form({
    submit: "确认绑定",
    className: "form-confirmSecondFactor",
    draft: false,
    fields: [
      {
        name: "code",
        label: "动态口令",
        required: true,
        autocomplete: "one-time-code",
        inputmode: "numeric",
        maxlength: 10,
        placeholder: "6位数字",
        hint: "扫码或输入密钥后,填写应用中显示的6位数字。",
      },
    ],
    onSubmit: (values) => gql(CONFIRM, { code: values.code }),
    onDone: ({ confirmSecondFactor }) => showCodes(body, confirmSecondFactor.codes, onEnrolled),
  });
  mount(
    body,
    h("h3", {}, "第一步:用身份验证器应用扫描二维码"),
    h(
      "div",
      { class: "enrolment" },
      h("img", {
        src: `data:image/svg+xml;base64,${base64(enrolment.qrSvg)}`,
        alt: "动态口令二维码(otpauth 地址)",
        class: "qr",
        id: "second-factor-qr",
      }),
      h(
        "div",
        {},
        h("p", { class: "muted" }, "无法扫码时,在应用中选择“手动输入密钥”,输入:"),
        h("code", { class: "secret", id: "second-factor-secret" }, grouped(enrolment.secret)),
        h("p", { class: "muted small" }, "类型:基于时间(TOTP),6位,30秒。"),
      ),
    ),
    h("h3", {}, "第二步:输入应用显示的动态口令"),
    confirm,
  );
  confirm.querySelector("input[name=code]").focus();
}

function showCodes(body, codes, onEnrolled) {
  const list = h(
    "ol",
    { class: "recovery-codes", id: "recovery-codes" },
    codes.map((c) => h("li", {}, h("code", {}, c))),
  );
  const copied = h("span", { class: "muted small", role: "status" });
  const copy = async () => {
    const text = codes.join("\n");
    try {
      await navigator.clipboard.writeText(text);
      copied.textContent = "已复制到剪贴板。";
    } catch {
      window.getSelection().selectAllChildren(list);
      copied.textContent = "已选中,请按 Ctrl+C 复制。";
    }
  };
  mount(
    body,
    notice("动态口令已绑定。", "success"),
    notice(
      "以下10个恢复码只显示这一次,请立即抄写或打印并妥善保管。手机丢失时,每个恢复码可代替动态口令登录一次。",
      "warning",
    ),
    list,
    h("p", {}, button("复制恢复码", copy, { class: "quiet" }), " ", copied),
    onEnrolled &&
      h(
        "p",
        {},
        button("我已妥善保存恢复码,继续", onEnrolled, { class: "primary", id: "codes-kept" }),
      ),
  );
}

/** The secret in groups of four, easier to type. */
function grouped(secret) {
  return secret.replace(/(.{4})(?=.)/g, "$1 ");
}

function base64(text) {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}
