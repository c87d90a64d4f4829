// Forms for each step: required fields checked before sending, and the server's refusal shown
// next to the field it names (extensions.details.field), in Chinese.

import { ApiError } from "./api.js";
import { h } from "./dom.js";
import { collect, row } from "./fields.js";

let counter = 0;

/**
 * fields: [{ name, label, type, required, options, value, hint, when }] where `name` is the
 * GraphQL input path ("proposer.name") and `type` one of text, textarea, select, date,
 * datetime-local, lines (one entry per line), checkboxes, radios, or custom (with make(attrs)
 * building the control and read(row) giving its value).
 */
export function form({ fields, submit = "提交", onSubmit, onDone, className = "" }) {
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
      if (onDone) await onDone(result);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const target = error.field && fieldNamed(byName, error.field);
      if (target && !target.row.hidden) showError(target.row, error.chinese);
      else showGeneral(general, error.chinese);
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
