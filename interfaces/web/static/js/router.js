// Hash routes (#/topic/<id>?…): the server serves one page, so any link can be bookmarked.

import { ApiError } from "./api.js";
import { button, h, mount, notice } from "./dom.js";
import * as session from "./session.js";

const ROUTES = [
  { pattern: /^\/public$/, page: "public", open: true, whilePending: true },
  { pattern: /^\/signin$/, page: "signin", open: true, whilePending: true },
  { pattern: /^\/dashboard$/, page: "dashboard" },
  { pattern: /^\/todo$/, page: "todo" },
  { pattern: /^\/topics$/, page: "board" },
  { pattern: /^\/topics\/new$/, page: "propose" },
  { pattern: /^\/topic\/([\w-]+)$/, page: "topic" },
  { pattern: /^\/consultations$/, page: "consultations" },
  { pattern: /^\/consultation\/([\w-]+)$/, page: "consultation" },
  { pattern: /^\/items$/, page: "items" },
  { pattern: /^\/item\/([\w-]+)$/, page: "item" },
  { pattern: /^\/hotline$/, page: "hotline" },
  { pattern: /^\/audit$/, page: "audit" },
  { pattern: /^\/reference$/, page: "reference" },
  { pattern: /^\/account$/, page: "account", whilePending: true },
  { pattern: /^\/accounts$/, page: "accounts" },
  { pattern: /^\/security-audit$/, page: "security-audit" },
  { pattern: /^\/calendar$/, page: "calendar" },
  { pattern: /^\/members$/, page: "members" },
  { pattern: /^\/members\/([\w-]+)$/, page: "member" },
  { pattern: /^\/my-record$/, page: "member" },
];

let cleanup = null;
let onRoute = () => {};

export function location() {
  const raw = window.location.hash.replace(/^#/, "") || "/";
  const [path, search = ""] = raw.split("?");
  return { path, query: new URLSearchParams(search) };
}

/** Changes the query part of the current route (filters, paging) and renders again. */
export function setQuery(values) {
  const { path } = location();
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value !== null && value !== undefined && value !== "") query.set(key, value);
  }
  const search = query.toString();
  window.location.hash = `#${path}${search ? `?${search}` : ""}`;
}

export function go(hash) {
  if (window.location.hash === hash) render();
  else window.location.hash = hash;
}

export function start(afterRoute) {
  onRoute = afterRoute;
  window.addEventListener("hashchange", render);
  return render();
}

let generation = 0;

/** Each route renders into its own container, shown once ready: a slower earlier render can
 * never overwrite a later one, and the page does not flash empty while data loads. */
async function render() {
  const current = ++generation;
  if (cleanup) cleanup();
  cleanup = null;
  const view = document.getElementById("view");
  const { path, query } = location();
  if (path === "/") return go(session.home());
  const route = ROUTES.find((r) => r.pattern.test(path));
  onRoute(path);
  if (!route)
    return mount(view, notice("页面不存在"), h("a", { href: session.home() }, "返回首页"));
  if (!route.open && !session.current()) {
    sessionStorage.setItem("yishiting.after-sign-in", window.location.hash);
    return go("#/signin");
  }
  // A session that must first change its password or enrol a second factor does only that.
  if (session.pending() && !route.whilePending) return go("#/account");
  const params = path.match(route.pattern).slice(1);
  const page = h("div", { class: "page loading" });
  view.append(page);
  view.setAttribute("aria-busy", "true");
  let done = null;
  try {
    const module = await import(`./pages/${route.page}.js`);
    const stop = await module.render(page, { params, query });
    done = typeof stop === "function" ? stop : null;
  } catch (error) {
    mount(page, ...refusal(error));
    if (!(error instanceof ApiError)) console.error(error);
  }
  if (current !== generation) {
    page.remove();
    if (done) done();
    return undefined;
  }
  cleanup = done;
  view.replaceChildren(page);
  view.removeAttribute("aria-busy");
  view.dataset.route = window.location.hash;
  page.classList.remove("loading");
  page.querySelector("[autofocus]")?.focus();
  return undefined;
}

/** What the page says when it cannot be shown: the server's refusal in Chinese; offline (the
 * page's own code could not be fetched), a way to try again — never the browser's words. */
function refusal(error) {
  if (error instanceof ApiError) return [notice(error.chinese)];
  const offline = !navigator.onLine || /import|fetch/i.test(String(error?.message));
  const told = offline
    ? "网络连接中断,暂时无法打开此页面。请检查网络后重试,已填写的内容不会丢失。"
    : "页面暂时无法显示,请重试;如仍出错,请联系系统管理员。";
  return [
    h("section", { class: "card offline", role: "alert" }, h("h1", {}, offline ? "网络已断开" : "页面出错"), h("p", {}, told)),
    button("重试", () => render(), { class: "primary" }),
  ];
}
