// Paging over GraphQL connections (first/after): the page number and cursor live in the route,
// the cursors of earlier pages in memory, so 上一页 works within the visit.

import { h } from "./dom.js";
import { setQuery } from "./router.js";

export const PAGE_SIZE = 20;
const seen = new Map();

function keyOf(query) {
  const rest = new URLSearchParams(query);
  rest.delete("page");
  rest.delete("after");
  return rest.toString();
}

export function pageOf(query) {
  return {
    first: PAGE_SIZE,
    after: query.get("after") || null,
    page: Number(query.get("page") || 1),
  };
}

export function pager(query, connection) {
  const { page } = pageOf(query);
  const key = keyOf(query);
  const cursors = seen.get(key) || new Map([[1, null]]);
  seen.set(key, cursors);
  cursors.set(page, query.get("after"));
  const base = Object.fromEntries(new URLSearchParams(key));
  const to = (n, after) => setQuery({ ...base, page: n > 1 ? n : null, after });
  const pages = Math.max(1, Math.ceil(connection.totalCount / PAGE_SIZE));
  const previous =
    page > 1
      ? () => (cursors.has(page - 1) ? to(page - 1, cursors.get(page - 1)) : to(1, null))
      : null;
  const next = connection.pageInfo.hasNextPage
    ? () => to(page + 1, connection.pageInfo.endCursor)
    : null;
  return h(
    "nav",
    { class: "pager", "aria-label": "翻页" },
    h(
      "button",
      {
        type: "button",
        onclick: previous,
        disabled: !previous,
        class: "quiet",
        dataset: { page: "previous" },
      },
      "上一页",
    ),
    h(
      "span",
      { class: "pager-state" },
      `第 ${page} / ${pages} 页 · 共 ${connection.totalCount} 项`,
    ),
    h(
      "button",
      { type: "button", onclick: next, disabled: !next, class: "quiet", dataset: { page: "next" } },
      "下一页",
    ),
  );
}
