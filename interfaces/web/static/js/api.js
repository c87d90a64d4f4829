// The only way this front end reaches the server: POST /graphql — with the session's CSRF token
// (its cookie goes along by itself) or with a pasted bearer token — the sign-in routes under
// /auth/ (sign in, the session held, sign out), attached files under /attachments (an
// upload, streamed by the server, then the file or its thumbnail for a pasted token's page),
// a file of 12345 work orders to /hotline/imports, and the form 督办落实情况 under /exports.

import { csrfToken, token } from "./session-store.js";

export const ENDPOINT = "/graphql";
const AUTH = "/auth/";

const KINDS = {
  FORBIDDEN: "无权限",
  UNAUTHENTICATED: "未登录或登录已失效",
  BAD_USER_INPUT: "输入有误",
  CONFLICT: "与当前状态冲突",
  NOT_FOUND: "未找到",
  RATE_LIMITED: "操作过于频繁",
  INTERNAL_SERVER_ERROR: "服务器内部错误",
  NETWORK: "无法连接服务器",
};

/** Refusals that mean the page is no longer signed in (or no longer the session it was). */
const SIGNED_OUT = new Set([
  "SESSION_ENDED",
  "SESSION_EXPIRED",
  "SESSION_INVALID",
  "TOKEN_REVOKED",
  "TOKEN_EXPIRED",
  "CSRF_REJECTED",
]);

/** A refusal or failure, in Chinese: `kind` (FORBIDDEN, …), `reason`, and the form `field`. */
// The server says a refusal in Chinese, then in English for integrators ("找不到该记录,或无权查看
// (no such record, or not visible to you)"): the page shows the Chinese.
const ENGLISH_AFTER = /\s*\((?=[^()]*[A-Za-z])[^()]*\)\s*$/;

export class ApiError extends Error {
  constructor(errors, { bare = false } = {}) {
    const first = errors[0] || {};
    const extensions = first.extensions || {};
    super(first.message || "请求失败");
    this.errors = errors;
    this.kind = extensions.code || "ERROR";
    this.reason = extensions.reason || "";
    this.details = extensions.details || {};
    this.field = this.details.field || fieldOfReason(this.reason);
    this.bare = bare;
  }

  /** "无权限:“协商议事平台专人”无权执行此操作" — the class of refusal, then the server's words
   * (the sign-in routes' refusals say it all themselves). */
  get chinese() {
    const kind = KINDS[this.kind];
    const said = this.message.replace(ENGLISH_AFTER, "") || this.message;
    return kind && !this.bare ? `${kind}:${said}` : said;
  }

  /** Whether it says the page is signed out: the session ended or expired, the token revoked. */
  get signedOut() {
    return (
      (this.kind === "UNAUTHENTICATED" && this.reason !== "SIGN_IN_REFUSED") ||
      SIGNED_OUT.has(this.reason)
    );
  }
}

function fieldOfReason(reason) {
  return reason === "REASON_REQUIRED" ? "reason" : null;
}

const NETWORK = () =>
  new ApiError([{ message: "请检查网络后重试", extensions: { code: "NETWORK" } }]);

let onSignedOut = () => {};

/** Called when the server no longer accepts the session or token (expired, ended, revoked). */
export function whenSignedOut(callback) {
  onSignedOut = callback;
}

/** Tells the page it is signed out (a live stream that ended with the session says so too). */
export function signedOut(error) {
  onSignedOut(error);
}

/** The headers that say who the page speaks as: the pasted token, else the session's CSRF
 * token (its cookie goes along with `credentials`). */
function credentialsOf(signedIn = true) {
  const headers = {};
  const bearer = signedIn ? token() : null;
  const csrf = signedIn && !bearer ? csrfToken() : null;
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  if (csrf) headers["X-CSRF-Token"] = csrf;
  return { headers, bearer, csrf };
}

export async function gql(query, variables = {}, { signedIn = true } = {}) {
  const { headers, bearer, csrf } = credentialsOf(signedIn);
  headers["Content-Type"] = "application/json";
  headers.Accept = "application/json";
  let response;
  try {
    response = await fetch(ENDPOINT, {
      method: "POST",
      headers,
      body: JSON.stringify({ query, variables }),
      // The session's cookie only where the page speaks as the signed-in person.
      credentials: csrf ? "same-origin" : "omit",
    });
  } catch {
    throw NETWORK();
  }
  const body = await response.json().catch(() => ({}));
  const errors = body.errors || (response.ok ? [] : [{ message: `HTTP ${response.status}` }]);
  if (errors.length) {
    const error = new ApiError(errors);
    if (error.signedOut && (bearer || csrf)) onSignedOut(error);
    throw error;
  }
  return body.data;
}

/** Asks whether the page is still signed in (the refusal, if any, signs it out). */
export async function confirmSignedIn() {
  try {
    await gql("{ viewer { id } }");
    return true;
  } catch (error) {
    if (error instanceof ApiError && error.signedOut) return false;
    return true;
  }
}

async function auth(path, { method = "GET", body = null, csrf = null } = {}) {
  const headers = { Accept: "application/json" };
  if (body) headers["Content-Type"] = "application/json";
  if (csrf) headers["X-CSRF-Token"] = csrf;
  let response;
  try {
    response = await fetch(`${AUTH}${path}`, {
      method,
      headers,
      body: body ? JSON.stringify(body) : undefined,
      credentials: "same-origin",
      cache: "no-store",
    });
  } catch {
    throw NETWORK();
  }
  if (response.status === 204) return null;
  const answer = await response.json().catch(() => ({}));
  if (!response.ok)
    throw new ApiError(answer.errors || [{ message: `HTTP ${response.status}` }], { bare: true });
  return answer;
}

/** POST /auth/sign-in: { username, password, code? } → { csrfToken, actor, pending, roles }. */
export function openSession(form) {
  return auth("sign-in", { method: "POST", body: form });
}

/** GET /auth/session: the session this browser holds, or null when it holds none; `refused`
 * hears why not, when the server says (SESSION_EXPIRED, SESSION_ENDED…). */
export async function heldSession(refused = () => {}) {
  try {
    return await auth("session");
  } catch (error) {
    if (error.kind !== "UNAUTHENTICATED") throw error;
    refused(error);
    return null;
  }
}

/** GET /auth/sso: whether single sign-on (统一身份认证) is offered, and its label. */
export function singleSignOn() {
  return auth("sso");
}

/** Where the browser goes to sign in at the identity service, coming back to `next`. */
export function singleSignOnStart(next) {
  return `${AUTH}sso/start?next=${encodeURIComponent(next)}`;
}

/** POST /auth/sign-out, with the CSRF token; the cookie is dropped by the answer. */
export function endSession(csrf) {
  return auth("sign-out", { method: "POST", csrf });
}

/** A mutation with a fresh command id, so that a retried click is stored once. */
export function mutate(name, input, selection = "id version") {
  const inputType = INPUT_TYPES[name] || `${name[0].toUpperCase()}${name.slice(1)}Input`;
  const document = `mutation Act($input: ${inputType}!) { ${name}(input: $input) { ${selection} } }`;
  const commandId = `web:${randomId()}`;
  return gql(document, { input: { commandId, ...input } }).then((data) => data[name]);
}

const INPUT_TYPES = {
  reverseExclusion: "TopicReasonInput",
  approveTopic: "TopicReasonInput",
  returnTopic: "TopicReasonInput",
};

// crypto.randomUUID needs a secure context; an intranet served over plain HTTP has none.
function randomId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export const ATTACHMENTS = "/attachments";
/** POST /hotline/imports: a file of 12345 work orders, answered with a per-row report. */
export const HOTLINE_IMPORTS = "/hotline/imports";

/** POST /attachments: the file as multipart form data (the server streams it to disk and checks
 * its bytes); the answer names the upload for the `addAttachment` mutation. A refusal (type,
 * size, an empty or broken file) is thrown as an ApiError in Chinese. */
export async function uploadFile(file, to = ATTACHMENTS) {
  const { headers, bearer, csrf } = credentialsOf();
  headers.Accept = "application/json";
  const body = new FormData();
  body.append("file", file, file.name);
  let response;
  try {
    response = await fetch(to, {
      method: "POST",
      headers,
      body,
      credentials: csrf ? "same-origin" : "omit",
    });
  } catch {
    throw NETWORK();
  }
  const answer = await response.json().catch(() => ({}));
  if (!response.ok || answer.errors) {
    const error = new ApiError(refusals(answer, response.status));
    if (error.signedOut && (bearer || csrf)) onSignedOut(error);
    throw error;
  }
  return answer;
}

/** A refusal's errors, whether the answer carries GraphQL-style `errors` or FastAPI's
 * `detail`. */
function refusals(answer, status) {
  if (Array.isArray(answer.errors) && answer.errors.length) return answer.errors;
  if (typeof answer.detail === "string") return [{ message: answer.detail }];
  if (status === 413)
    return [{ message: "文件超过大小上限", extensions: { code: "BAD_USER_INPUT" } }];
  return [{ message: `HTTP ${status}` }];
}

/** An attached file (or its thumbnail) as a Blob, for a page signed in with a pasted token:
 * an <img> or a link cannot send the token, so the page fetches it and shows a blob: URL. */
export async function fileBlob(url) {
  if (!url.startsWith(`${ATTACHMENTS}/`)) throw new Error(`not an attachment: ${url}`);
  const { headers, csrf } = credentialsOf();
  let response;
  try {
    response = await fetch(url, { headers, credentials: csrf ? "same-origin" : "omit" });
  } catch {
    throw NETWORK();
  }
  if (!response.ok) {
    const answer = await response.json().catch(() => ({}));
    throw new ApiError(refusals(answer, response.status));
  }
  return response.blob();
}

export const EXPORTS = "/exports";

/** A download under /exports, as the signed-in page (the session's cookie, or the pasted
 * token: a bare link could send neither token). Resolves to the file and the name the server
 * gave it (RFC 5987 `filename*`); a refusal is thrown as an ApiError in Chinese. */
export async function exportFile(url) {
  if (!url.startsWith(`${EXPORTS}/`)) throw new Error(`not an export: ${url}`);
  const { headers, bearer, csrf } = credentialsOf();
  let response;
  try {
    response = await fetch(url, { headers, credentials: csrf ? "same-origin" : "omit" });
  } catch {
    throw NETWORK();
  }
  if (!response.ok) {
    const answer = await response.json().catch(() => ({}));
    const error = new ApiError(refusals(answer, response.status));
    if (error.signedOut && (bearer || csrf)) onSignedOut(error);
    throw error;
  }
  const named = /filename\*=UTF-8''([^;]+)/i.exec(response.headers.get("Content-Disposition") || "");
  return { blob: await response.blob(), filename: named ? decodeURIComponent(named[1]) : null };
}
