// Who is signed in (the `viewer` query) and what the role may do. The page hides what the
// role may not do; the server refuses it anyway.

import { endSession, gql, heldSession, openSession } from "./api.js";
import { csrfToken, forget, keep, keepCsrf, mode, token } from "./session-store.js";

const VIEWER = `{ viewer { id name role { code label } scope mayPerform mayRead liveCursor pending } }`;

let viewer = null;

export function current() {
  return viewer;
}

/** Loads the viewer: the pasted token's, else the session the browser's cookie holds (GET
 * /auth/session hands back its CSRF token); null when nobody is signed in. A session that
 * ended while the page was closed (timed out, ended elsewhere) is told on the sign-in page. */
export async function restore() {
  if (!token()) {
    const held = await heldSession((error) => {
      if (error.reason === "SESSION_EXPIRED" || error.reason === "SESSION_ENDED")
        sessionStorage.setItem("yishiting.sign-in-notice", error.message);
    });
    if (!held) {
      forget();
      viewer = null;
      return null;
    }
    keepCsrf(held.csrfToken);
  }
  return reload();
}

/** Reads the viewer again (after the password was changed or the second factor enrolled). */
export async function reload() {
  try {
    viewer = (await gql(VIEWER)).viewer;
  } catch (error) {
    if (error.kind === "UNAUTHENTICATED") forgetHere();
    else throw error;
  }
  return viewer;
}

/** Signs in with an account: { username, password, code? }. The answer's refusals
 * (SECOND_FACTOR_REQUIRED, SIGN_IN_REFUSED, TOO_MANY_ATTEMPTS…) are thrown as ApiErrors. */
export async function signInWithPassword(form) {
  const opened = await openSession(form);
  forget();
  keepCsrf(opened.csrfToken);
  await reload();
  return opened;
}

/** Signs in with a pasted access token (developers, scripts' tokens). */
export async function signIn(pasted) {
  const cleaned = pasted.trim().replace(/^Bearer\s+/i, "");
  keep(cleaned);
  try {
    viewer = (await gql(VIEWER)).viewer;
  } catch (error) {
    forgetHere();
    throw error;
  }
  return viewer;
}

/** Signs out: ends the session on the server (a token is simply forgotten). */
export async function signOut() {
  const csrf = mode() === "session" ? csrfToken() : null;
  forgetHere();
  if (csrf) await endSession(csrf).catch(() => null);
}

/** Forgets who was signed in, here only (the server already ended the session). */
export function forgetHere() {
  forget();
  viewer = null;
}

export function bySession() {
  return mode() === "session";
}

/** What the session must do before anything else: "password", "second_factor" or "". */
export function pending() {
  return viewer ? viewer.pending : "";
}

export function may(mutation) {
  return Boolean(viewer && viewer.mayPerform.includes(mutation));
}

export function mayRead(query) {
  return Boolean(viewer && viewer.mayRead.includes(query));
}

export function role() {
  return viewer ? viewer.role.code : "PUBLIC";
}

/** Where a role starts after signing in. */
export function home() {
  if (pending()) return "#/account";
  switch (role()) {
    case "LEADER":
      return "#/dashboard";
    case "AUDITOR":
      return "#/audit";
    case "PLATFORM_STAFF":
    case "COMMITTEE":
    case "UNIT":
    case "SUPERVISOR":
      return "#/todo";
    case "MEMBER":
      return "#/my-record";
    case "SECURITY_ADMIN":
      return "#/accounts";
    case "AUDIT_ADMIN":
      return "#/security-audit";
    case "PUBLIC":
      return "#/public";
    default:
      return "#/topics";
  }
}
