// 待办 in the navigation: how many things wait for the signed-in role (`viewer.todo.count`),
// kept current by the log's live stream (js/live.js) — one stream for the page, whatever route
// is open; the 待办 page listens too, and draws its list again when the log grows.

import { gql } from "./api.js";
import { watchLog } from "./live.js";
import * as session from "./session.js";

const ROLES = ["PLATFORM_STAFF", "COMMITTEE", "UNIT", "SUPERVISOR"];
const COUNT = "{ viewer { todo { count } } }";

let count = null;
let watching = null;
let stop = null;
const listeners = new Set();

/** Whether the signed-in role has a to-do list (the scoped roles). */
export function hasTodo() {
  return Boolean(session.current()) && !session.pending() && ROLES.includes(session.role());
}

export function counted() {
  return count;
}

/** Calls `listener(count)` after each refresh; returns the function that stops it. */
export function listen(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export async function refresh() {
  if (!hasTodo()) return;
  count = (await gql(COUNT)).viewer.todo.count;
  listeners.forEach((listener) => listener(count));
}

/** Follows the signed-in person's count (called as the navigation is drawn): starts the live
 * stream for a role with a to-do list, stops it when nobody — or someone else — is signed in. */
export function follow() {
  const who = hasTodo() ? session.current().id : null;
  if (who === watching) return;
  if (stop) stop();
  stop = null;
  watching = who;
  count = null;
  if (!who) return;
  refresh().catch(() => {});
  stop = watchLog({
    cursor: session.current().liveCursor,
    changed: () => refresh().catch(() => {}),
    mode: () => {},
  });
}
