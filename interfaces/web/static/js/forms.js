// Forms for each step: required fields checked before sending, and the server's refusal shown
// next to the field it names (extensions.details.field), in Chinese. What was typed into a form
// outlives the session: when the page finds itself signed out (the session timed out, ended),
// it keeps the forms' values (keepDrafts) and the same form, opened again on the same route by
// the same person after signing in again, comes back filled in (never a password).

import { ApiError } from "./api.js";
import { announce, button, h, notice } from "./dom.js";
import { collect, row } from "./fields.js";
import * as session from "./session.js";

let counter = 0;
const DRAFTS = "yishiting.drafts";
const open = new Set(); // the forms drawn, while on the page: { element, byName, route, key }

/**
 * fields: [{ name, label, type, required, options, value, hint, when }] where `name` is the
 * GraphQL input path ("proposer.name") and `type` one of text, textarea, select, date,
 * datetime-local, lines (one entry per line), checkboxes, radios, or custom (with make(attrs)
 * building the control and read(row) giving its value).
 */
export function form({
  fields,
  submit = "提交",
  onSubmit,
  onDone,
  className = "",
  draft = true,
  confirmation = `「${submit}」已完成`,
}) {
  const id = `f${++counter}`;
  const general = h("div", { class: "form-error", role: "alert", tabindex: "-1", hidden: true });
  const rows = fields.map((field) => row(id, field));
  const sendButton = h("button", { type: "submit", class: "primary" }, submit);
  const element = h(
    "form",
    { class: `form ${className}`, novalidate: true },
    rows,
    general,
    h("div", { class: "form-actions" }, sendButton),
  );
  const byName = new Map(fields.map((f, i) => [f.name, { field: f, row: rows[i] }]));

  const refresh = () => {
    const values = collect(byName);
    for (const { field, row: r } of byName.values())
      r.hidden = field.when ? !field.when(values) : false;
  };
  element.addEventListener("change", refresh);
  if (draft) remember({ element, byName, key: className || fields.map((f) => f.name).join() });
  refresh();

  element.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(element, general);
    const values = collect(byName);
    const missing = [...byName.values()].filter(
      ({ field, row: r }) => field.required && !r.hidden && isEmpty(values, field.name),
    );
    for (const { field, row: r } of missing) showError(r, requiredMessage(field));
    if (missing.length) return focusFirstError(element);
    sendButton.disabled = true;
    sendButton.setAttribute("aria-busy", "true");
    try {
      const result = await onSubmit(nest(values));
      element.dataset.dirty = "";
      if (confirmation) announce(confirmation);
      if (onDone) await onDone(result);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const target = error.field && fieldNamed(byName, error.field);
      if (target && !target.row.hidden) showError(target.row, error.chinese);
      else showGeneral(general, error.chinese);
      if (error.reason === "CONCURRENT_MODIFICATION" && draft) general.append(reloadKeeping());
      focusFirstError(element);
    } finally {
      sendButton.disabled = false;
      sendButton.removeAttribute("aria-busy");
    }
  });
  return element;
}

function nest(values) {
  const nested = {};
  for (const [path, value] of Object.entries(values)) {
    if (value === "") continue;
    const keys = path.split(".");
    let at = nested;
    for (const key of keys.slice(0, -1)) at = at[key] = at[key] || {};
    at[keys[keys.length - 1]] = value;
  }
  return nested;
}

function isEmpty(values, name) {
  const value = values[name];
  return value === undefined || value === "" || (Array.isArray(value) && !value.length);
}

/** The form field a server error names: "proposer.name" exactly, else by prefix or alias. */
function fieldNamed(byName, field) {
  if (byName.has(field)) return byName.get(field);
  const head = field.split(".")[0];
  for (const [name, entry] of byName) {
    const names = [name, ...(entry.field.aliases || [])];
    if (names.some((n) => n === head || field.startsWith(`${n}.`) || n.startsWith(`${field}.`)))
      return entry;
  }
  return null;
}

function requiredMessage(field) {
  const verb = ["select", "checkboxes", "radios"].includes(field.type) ? "请选择" : "请填写";
  return `${verb}“${field.label}”`;
}

function showError(row, message) {
  const error = row.querySelector(".field-error");
  error.textContent = message;
  error.hidden = false;
  row.classList.add("invalid");
  row.querySelectorAll("[name]").forEach((c) => c.setAttribute("aria-invalid", "true"));
}

/** After a conflict: the record as it is now, with what was typed kept and filled in again. */
function reloadKeeping() {
  return button(" 载入最新内容(保留已填写的文字)", () => {
    keepDrafts("conflict");
    window.dispatchEvent(new HashChangeEvent("hashchange"));
  });
}

function showGeneral(general, message) {
  general.textContent = message;
  general.hidden = false;
}

function clearErrors(element, general) {
  general.hidden = true;
  element.querySelectorAll(".field.invalid").forEach((r) => r.classList.remove("invalid"));
  element.querySelectorAll(".field-error").forEach((e) => (e.hidden = true));
  element.querySelectorAll("[aria-invalid]").forEach((c) => c.removeAttribute("aria-invalid"));
}

function focusFirstError(element) {
  const first = element.querySelector(".field.invalid [name], .form-error:not([hidden])");
  if (first && first.focus) first.focus();
}

/** The form's values are worth keeping once typed into; a kept draft fills it at once. */
function remember(entry) {
  const route = window.location.hash;
  // Forms of pages left behind go (those of this route may not be on the page yet).
  for (const kept of open) if (!kept.element.isConnected && kept.route !== route) open.delete(kept);
  open.add({ ...entry, route });
  const typed = () => (entry.element.dataset.dirty = "1");
  entry.element.addEventListener("input", typed);
  entry.element.addEventListener("change", typed);
  const values = takeDraft(route, entry.key);
  if (!values) return;
  const why = values[WHY];
  delete values[WHY];
  fill(entry.byName, values);
  entry.element.dataset.dirty = "1";
  entry.element.prepend(notice(RESTORED[why] || RESTORED.session, "info"));
}

const WHY = "__why";
const RESTORED = {
  session: "已恢复重新登录前填写的内容,请核对后再提交。",
  conflict: "已载入他人修改后的最新内容,并恢复了您填写的文字,请核对后再提交。",
};

function savable(field) {
  return field.type !== "password" && field.keep !== false;
}

/** Keeps what was typed into the forms on the page (by route and form), for whoever is signed
 * in now; returns how many forms were kept. Called as the page finds itself signed out, or
 * reloads a record someone else changed (`why`: "session" or "conflict"). */
export function keepDrafts(why = "session") {
  const who = session.current()?.id;
  if (!who) return 0;
  const kept = readDrafts(who);
  let count = 0;
  for (const entry of open) {
    if (!entry.element.isConnected) {
      open.delete(entry);
      continue;
    }
    if (entry.element.dataset.dirty !== "1") continue;
    const values = collect(entry.byName);
    for (const { field } of entry.byName.values()) if (!savable(field)) delete values[field.name];
    values[WHY] = why;
    kept.routes[entry.route] = { ...(kept.routes[entry.route] || {}), [entry.key]: values };
    count += 1;
  }
  if (count) sessionStorage.setItem(DRAFTS, JSON.stringify(kept));
  return count;
}

/** Whether a form (by its key) has a kept draft on the current route, for this person. */
export function hasDraft(key) {
  const who = session.current()?.id;
  return Boolean(who && readDrafts(who).routes[window.location.hash]?.[key]);
}

function readDrafts(who) {
  try {
    const kept = JSON.parse(sessionStorage.getItem(DRAFTS) || "null");
    if (kept && kept.who === who && kept.routes) return kept;
  } catch {
    // a draft that cannot be read is no draft
  }
  return { who, routes: {} };
}

function takeDraft(route, key) {
  const who = session.current()?.id;
  if (!who) return null;
  const kept = readDrafts(who);
  const values = kept.routes[route]?.[key];
  if (!values) return null;
  delete kept.routes[route][key];
  if (!Object.keys(kept.routes[route]).length) delete kept.routes[route];
  sessionStorage.setItem(DRAFTS, JSON.stringify(kept));
  return values;
}

function fill(byName, values) {
  for (const [name, value] of Object.entries(values)) {
    const entry = byName.get(name);
    if (!entry || !savable(entry.field)) continue;
    const { field, row: r } = entry;
    if (field.type === "checkboxes") {
      r.querySelectorAll("input").forEach((i) => (i.checked = value.includes(i.value)));
    } else if (field.type === "radios") {
      r.querySelectorAll("input").forEach((i) => (i.checked = i.value === value));
    } else if (field.type === "custom") {
      if (field.write) field.write(r, value);
    } else {
      r.querySelector("[name]").value = Array.isArray(value) ? value.join("\n") : value;
    }
  }
}
