// The only way this front end reaches the server: POST /graphql with the bearer token.

import { token } from "./session-store.js";

export const ENDPOINT = "/graphql";

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

/** A refusal or failure, in Chinese: `kind` (FORBIDDEN, …), `reason`, and the form `field`. */
export class ApiError extends Error {
  constructor(errors) {
    const first = errors[0] || {};
    const extensions = first.extensions || {};
    super(first.message || "请求失败");
    this.errors = errors;
    this.kind = extensions.code || "ERROR";
    this.reason = extensions.reason || "";
    this.field = (extensions.details && extensions.details.field) || fieldOfReason(this.reason);
  }

  /** "无权限:“协商议事平台专人”无权执行此操作" — the class of refusal, then the server's words. */
  get chinese() {
    const kind = KINDS[this.kind];
    return kind ? `${kind}:${this.message}` : this.message;
  }
}

function fieldOfReason(reason) {
  return reason === "REASON_REQUIRED" ? "reason" : null;
}

let onSignedOut = () => {};

/** Called when the server no longer accepts the token (expired, revoked). */
export function whenSignedOut(callback) {
  onSignedOut = callback;
}

export async function gql(query, variables = {}, { signedIn = true } = {}) {
  const headers = { "Content-Type": "application/json", Accept: "application/json" };
  const bearer = signedIn ? token() : null;
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  let response;
  try {
    response = await fetch(ENDPOINT, {
      method: "POST",
      headers,
      body: JSON.stringify({ query, variables }),
    });
  } catch {
    throw new ApiError([{ message: "请检查网络后重试", extensions: { code: "NETWORK" } }]);
  }
  const body = await response.json().catch(() => ({}));
  const errors = body.errors || (response.ok ? [] : [{ message: `HTTP ${response.status}` }]);
  if (errors.length) {
    const error = new ApiError(errors);
    if (error.kind === "UNAUTHENTICATED" && bearer) onSignedOut(error);
    throw error;
  }
  return body.data;
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
