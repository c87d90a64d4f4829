// Starts the app: restores the signed-in person, draws the navigation, follows the routes.

import { whenSignedOut } from "./api.js";
import { h, mount } from "./dom.js";
import { go, start } from "./router.js";
import * as session from "./session.js";

const PAGES = [
  { hash: "#/dashboard", label: "领导驾驶舱", shown: () => session.mayRead("dashboard") },
  { hash: "#/topics", label: "议题看板", shown: () => readsTopics() },
  { hash: "#/consultations", label: "协商活动", shown: () => readsTopics() },
  { hash: "#/items", label: "督办台账", shown: () => Boolean(session.current()) },
  { hash: "#/audit", label: "审计", shown: () => ["AUDITOR", "ADMIN"].includes(session.role()) },
  { hash: "#/public", label: "公开信息", shown: () => true },
];

function readsTopics() {
  return Boolean(session.current()) && !["UNIT", "SUPERVISOR"].includes(session.role());
}

function drawNav(path) {
  const nav = document.getElementById("nav");
  mount(
    nav,
    PAGES.filter((p) => p.shown()).map((p) =>
      h(
        "a",
        { href: p.hash, class: path.startsWith(p.hash.slice(1).replace(/s$/, "")) ? "active" : "" },
        p.label,
      ),
    ),
  );
  const viewer = session.current();
  mount(
    document.getElementById("who"),
    viewer
      ? [
          h("span", { class: "who-name", title: viewer.id }, viewer.name),
          h("span", { class: "who-role" }, viewer.role.label),
          h("button", { type: "button", class: "quiet", onclick: signOut, id: "sign-out" }, "退出"),
        ]
      : h("a", { href: "#/signin", class: "button" }, "登录"),
  );
}

function signOut() {
  session.signOut();
  go("#/signin");
}

whenSignedOut(() => {
  session.signOut();
  sessionStorage.setItem("yishiting.sign-in-notice", "登录已失效,请重新登录");
  go("#/signin");
});

await session.restore().catch(() => null);
await start(drawNav);
