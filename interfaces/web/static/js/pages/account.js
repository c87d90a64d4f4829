// 我的账号: who I am and in which roles, changing my password, enrolling my second factor, and
// my open sessions. A session that must first change its (temporary) password or enrol a second
// factor sees only that here, and nowhere else.

import { gql } from "../api.js";
import { facts, h, mount, notice } from "../dom.js";
import { go } from "../router.js";
import * as session from "../session.js";
import { passwordSection } from "./account-password.js";
import { secondFactorSection } from "./account-second-factor.js";
import { sessionsSection } from "./account-sessions.js";
import { roleText, scopeChoices } from "./scopes.js";

const MINE = `{
  myAccount { id username displayName roles { role { code label } scope } secondFactor
    mustChangePassword }
  mySessions { id address agent signedInAt lastSeenAt current }
}`;

export async function render(view) {
  const viewer = session.current();
  if (!session.bySession()) {
    return mount(
      view,
      h("h1", {}, "我的账号"),
      notice("当前以访问令牌登录,没有对应的账号;密码、动态口令与会话只对账号登录适用。", "info"),
      h("section", { class: "card" }, facts(whoFacts(viewer))),
    );
  }
  const pending = session.pending();
  if (pending) return mount(view, h("h1", {}, "我的账号"), ...firstThings(viewer, pending));
  const [{ myAccount, mySessions }, choices] = await Promise.all([gql(MINE), scopeChoices()]);
  const held = (r) => roleText(choices, r.role.code, r.role.label, r.scope);
  mount(
    view,
    h("h1", {}, "我的账号"),
    h(
      "section",
      { class: "card", id: "who-am-i" },
      h("h2", {}, "账号信息"),
      facts([
        ["用户名", myAccount.username],
        ["姓名", myAccount.displayName],
        ["本次登录角色", roleText(choices, viewer.role.code, viewer.role.label, viewer.scope)],
        ["全部角色", myAccount.roles.map(held).join("、")],
        ["动态口令", myAccount.secondFactor ? "已绑定" : "未绑定"],
      ]),
      myAccount.mustChangePassword &&
        notice("当前密码为管理员设置的临时密码,请尽快修改为只有您知道的密码。", "warning"),
    ),
    session.may("changeOwnPassword") && passwordSection({ username: myAccount.username }),
    (myAccount.secondFactor || session.may("confirmSecondFactor")) &&
      secondFactorSection({ enrolled: myAccount.secondFactor }),
    sessionsSection(mySessions),
  );
  return undefined;
}

function whoFacts(viewer) {
  return [
    ["姓名", viewer.name],
    ["本次登录角色", viewer.role.label],
  ];
}

/** What the session must do before anything else; once done, on to the role's home page. */
function firstThings(viewer, pending) {
  const onward = async () => {
    await session.reload();
    go(session.home());
  };
  const who = h("section", { class: "card", id: "who-am-i" }, facts(whoFacts(viewer)));
  if (pending === "password") {
    return [
      notice("您正在使用临时密码登录,请先修改密码,之后才能办理其他事项。", "warning"),
      who,
      passwordSection({ username: "", onChanged: onward }),
    ];
  }
  return [who, secondFactorSection({ enrolled: false, required: true, onEnrolled: onward })];
}
