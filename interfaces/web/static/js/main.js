// Starts the app: restores the signed-in person, draws the navigation, follows the routes.

import { whenSignedOut } from "./api.js";
import { h, mount } from "./dom.js";
import { keepDrafts } from "./forms.js";
import { readsMembers } from "./pages/member-common.js";
import { go, start } from "./router.js";
import * as session from "./session.js";
import * as todo from "./todo.js";

const ADMINISTRATORS = ["SECURITY_ADMIN", "AUDIT_ADMIN"];
const AUDIT_READERS = ["AUDITOR", "LEADER", "ADMIN"];

const PAGES = [
  { hash: "#/todo", label: "待办", shown: () => todo.hasTodo(), counted: true },
  { hash: "#/my-record", label: "我的履职", shown: () => session.mayRead("myMemberRecord") },
  { hash: "#/dashboard", label: "领导驾驶舱", shown: () => session.mayRead("dashboard") },
  { hash: "#/topics", label: "议题看板", shown: () => readsTopics() },
  { hash: "#/consultations", label: "协商活动", shown: () => readsTopics() },
  { hash: "#/items", label: "督办台账", shown: () => readsRecords() },
  { hash: "#/members", label: "委员履职", shown: () => readsMembers() },
  { hash: "#/hotline", label: "12345工单", shown: () => session.may("draftTopicFromOrders") },
  // The whole trail: the discipline office, leadership and administrators (scoped roles read
  // their part of it on each record's page, 历史记录).
  { hash: "#/audit", label: "审计", shown: () => AUDIT_READERS.includes(session.role()) },
  { hash: "#/reference", label: "基础数据", shown: () => session.role() === "ADMIN" },
  { hash: "#/calendar", label: "节假日安排", shown: () => session.role() === "ADMIN" },
  { hash: "#/accounts", label: "账号管理", shown: () => ADMINISTRATORS.includes(session.role()) },
  { hash: "#/security-audit", label: "安全审计", shown: () => session.role() === "AUDIT_ADMIN" },
  { hash: "#/public", label: "公开信息", shown: () => true },
];

/** A member (政协委员) reads their own record and nothing else of the district's. */
function readsRecords() {
  return Boolean(session.current()) && ![...ADMINISTRATORS, "MEMBER"].includes(session.role());
}

function readsTopics() {
  return readsRecords() && !["UNIT", "SUPERVISOR"].includes(session.role());
}

/** "/topic/…" and "/topics/new" are the board's; "/account" is not "/accounts". */
function active(path, hash) {
  const own = hash.slice(1);
  return path === own || path.startsWith(`${own}/`) || path.startsWith(`${own.replace(/s$/, "")}/`);
}

function drawNav(path) {
  const nav = document.getElementById("nav");
  // A session that must first change its password or enrol a second factor goes nowhere else.
  const pages = session.pending() ? [] : PAGES.filter((p) => p.shown());
  mount(
    nav,
    pages.map((p) =>
      h(
        "a",
        { href: p.hash, class: active(path, p.hash) ? "active" : "" },
        p.label,
        p.counted && todoCount(),
      ),
    ),
  );
  todo.follow();
  const viewer = session.current();
  mount(
    document.getElementById("who"),
    viewer
      ? [
          h("span", { class: "who-name", title: viewer.id }, viewer.name),
          h("span", { class: "who-role" }, viewer.role.label),
          session.bySession() &&
            h(
              "a",
              { href: "#/account", id: "my-account", class: path === "/account" ? "active" : "" },
              "我的账号",
            ),
          h(
            "button",
            { type: "button", class: "quiet", onclick: signOut, id: "sign-out" },
            "退出登录",
          ),
        ]
      : h("a", { href: "#/signin", class: "button" }, "登录"),
  );
}

/** The count beside 待办, filled in as it is read and whenever the log grows. */
function todoCount() {
  const count = todo.counted();
  return h(
    "span",
    { id: "todo-count", class: "nav-count", hidden: count === null, "aria-label": "待办件数" },
    count === null ? "" : String(count),
  );
}

todo.listen((count) => {
  const badge = document.getElementById("todo-count");
  if (!badge) return;
  badge.textContent = String(count);
  badge.hidden = false;
});

async function signOut() {
  await session.signOut();
  sessionStorage.setItem("yishiting.sign-in-notice", "已退出登录。");
  go("#/signin");
}

// The session timed out or was ended (signed out elsewhere, a role revoked, the account
// disabled…), or the token was revoked: what was being typed is kept, the person is told why
// and signs in again, and comes back where they were.
whenSignedOut((error) => {
  if (!session.current()) return;
  const kept = keepDrafts();
  const here = window.location.hash;
  session.forgetHere();
  const why =
    error.reason === "CSRF_REJECTED"
      ? "登录状态已改变(可能已在其他窗口重新登录或退出)。请重新登录。"
      : error.message;
  const draft = kept ? "已填写的内容已保存,重新登录后将自动恢复。" : "";
  sessionStorage.setItem("yishiting.sign-in-notice", `${why}${draft ? ` ${draft}` : ""}`);
  if (here && here !== "#/signin") sessionStorage.setItem("yishiting.after-sign-in", here);
  go("#/signin");
});

// The skip link moves focus to the page's content (a "#view" hash would be taken for a route).
document.getElementById("skip-link")?.addEventListener("click", (event) => {
  event.preventDefault();
  document.getElementById("view").focus();
});

await session.restore().catch(() => null);
await start(drawNav);
