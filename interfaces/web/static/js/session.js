// Who is signed in (the `viewer` query) and what the role may do. The page hides what the
// role may not do; the server refuses it anyway.

import { gql } from "./api.js";
import { forget, keep, token } from "./session-store.js";

const VIEWER = `{ viewer { id name role { code label } scope mayPerform mayRead liveCursor } }`;

let viewer = null;

export function current() {
  return viewer;
}

/** Loads the viewer for the stored token; null when nobody is signed in. */
export async function restore() {
  if (!token()) return null;
  try {
    viewer = (await gql(VIEWER)).viewer;
  } catch (error) {
    if (error.kind === "UNAUTHENTICATED") signOut();
    else throw error;
  }
  return viewer;
}

export async function signIn(pasted) {
  const cleaned = pasted.trim().replace(/^Bearer\s+/i, "");
  keep(cleaned);
  try {
    viewer = (await gql(VIEWER)).viewer;
  } catch (error) {
    signOut();
    throw error;
  }
  return viewer;
}

export function signOut() {
  forget();
  viewer = null;
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
  switch (role()) {
    case "LEADER":
      return "#/dashboard";
    case "AUDITOR":
      return "#/audit";
    case "UNIT":
    case "SUPERVISOR":
      return "#/items";
    case "PUBLIC":
      return "#/public";
    default:
      return "#/topics";
  }
}
