// What the 委员履职 pages share: the year they show, points as a reader reads them, the note
// that the points scheme is an example, and where an entry's object is opened.

import { ApiError, gql } from "../api.js";
import { h } from "../dom.js";
import { today } from "../format.js";
import * as session from "../session.js";

/** 委员履职: leadership, the discipline office and administrators read every member's record,
 * platform staff their platform's members (`viewer.mayRead`); a member only their own. */
export function readsMembers() {
  return session.mayRead("memberRecords");
}

const SCHEME = `query Scheme($on: Date) { pointsScheme(on: $on) {
  effectiveFrom example note weights { kind kindLabel points } } }`;

/** The year in the route (?year=2026), else this year in Beijing. */
export function yearOf(query) {
  const asked = Number.parseInt(query.get("year") || "", 10);
  return Number.isInteger(asked) && asked >= 2000 && asked <= 9999
    ? asked
    : Number(today().slice(0, 4));
}

/** 12, 1.5, 0.25 — never a long tail of decimals. */
export function points(value) {
  return String(Math.round(Number(value || 0) * 100) / 100);
}

/** The scheme in force at the year's end (or today, in the current year); null when the
 * role may not read it. */
export async function schemeOf(year) {
  const end = `${year}-12-31`;
  const on = end < today() ? end : today();
  try {
    return (await gql(SCHEME, { on })).pointsScheme;
  } catch (error) {
    if (error instanceof ApiError && error.kind !== "NETWORK") return null;
    throw error;
  }
}

/** "积分权重为示例(示例,非官方标准)" beside the points, when the scheme is the example one. */
export function schemeNote(scheme) {
  if (!scheme) return null;
  const weights = scheme.weights.map((w) => `${w.kindLabel} ${points(w.points)} 分`).join(",");
  return h(
    "p",
    { class: `scheme-note${scheme.example ? " example" : ""}`, id: "scheme-note" },
    scheme.example ? h("span", { class: "badge warn" }, "示例,非官方标准") : null,
    " ",
    chineseOf(scheme.note),
    weights ? h("span", { class: "muted" }, `(${weights})`) : null,
  );
}

// The server says a note in Chinese, then in English for integrators: the page shows the Chinese.
const ENGLISH_AFTER = /\s*\((?=[^()]*[A-Za-z])[^()]*\)\s*$/;

function chineseOf(text) {
  return String(text || "").replace(ENGLISH_AFTER, "");
}

const SUBJECT_ROUTES = { topic: "topic", consultation: "consultation", item: "item" };

/** The page where an entry's matter, consultation or supervision item is opened. */
export function subjectHref(entry) {
  const route = SUBJECT_ROUTES[entry.subjectKind];
  return route ? `#/${route}/${entry.subjectId}` : null;
}

/** A year picker that keeps the rest of the route. */
export function yearForm(year, onYear) {
  const input = h("input", {
    type: "number",
    name: "year",
    id: "member-year",
    min: 2000,
    max: 9999,
    step: 1,
    value: String(year),
  });
  return h(
    "form",
    {
      class: "filters year-form",
      "aria-label": "选择年度",
      onsubmit: (event) => {
        event.preventDefault();
        onYear(input.value);
      },
    },
    h("label", { class: "filter" }, h("span", {}, "年度"), input),
    h("div", { class: "filter-actions" }, h("button", { type: "submit" }, "查看")),
  );
}
