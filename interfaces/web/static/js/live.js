// Live updates: the `events(after:)` subscription over graphql-transport-ws at /graphql; while
// it is unavailable, a refresh every 10 seconds (and another try to subscribe later). Signed in
// with an account, the connection is the session's (its cookie; connection_init carries
// nothing); when the session ends — signed out elsewhere, timed out, a role revoked — the
// stream ends with that refusal, and the page is signed out with the reason.

import { ApiError, confirmSignedIn, signedOut } from "./api.js";
import { token } from "./session-store.js";

export const POLL_SECONDS = 10;
const SUBSCRIPTION = "subscription Live($after: String) { events(after: $after) { cursor } }";
const SETTLE_MS = 400;
const RETRY_MS = [5000, 15000, 60000];

/**
 * Calls `changed()` after the log grows (several events at once give one call), starting after
 * `cursor`. `mode(kind)` hears "subscribed" or "polling". Returns a function that stops it all.
 */
export function watchLog({ cursor, changed, mode }) {
  let after = cursor;
  let socket = null;
  let poller = null;
  let settle = null;
  let retry = null;
  let attempts = 0;
  let stopped = false;

  const soon = () => {
    clearTimeout(settle);
    settle = setTimeout(changed, SETTLE_MS);
  };
  const poll = () => {
    if (!poller && !stopped) {
      poller = setInterval(changed, POLL_SECONDS * 1000);
      mode("polling");
    }
  };
  const unpoll = () => {
    clearInterval(poller);
    poller = null;
  };

  function connect() {
    if (stopped) return;
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    try {
      socket = new WebSocket(`${scheme}://${window.location.host}/graphql`, "graphql-transport-ws");
    } catch {
      return fallBack();
    }
    const bearer = token();
    socket.onopen = () =>
      send({
        type: "connection_init",
        payload: bearer ? { Authorization: `Bearer ${bearer}` } : {},
      });
    socket.onmessage = (message) => receive(JSON.parse(message.data));
    socket.onclose = (event) => {
      // 4401/4403: the connection itself was refused; is the page still signed in at all?
      if (event.code === 4401 || event.code === 4403) confirmSignedIn();
      fallBack();
    };
    return undefined;
  }

  function receive(message) {
    switch (message.type) {
      case "connection_ack":
        send({
          id: "live",
          type: "subscribe",
          payload: { query: SUBSCRIPTION, variables: { after } },
        });
        attempts = 0;
        unpoll();
        mode("subscribed");
        break;
      case "next":
        if (message.payload.errors) return refused(message.payload.errors);
        after = message.payload.data.events.cursor;
        soon();
        break;
      case "ping":
        send({ type: "pong" });
        break;
      case "error":
        return refused(message.payload);
      case "complete":
        close();
        break;
      default:
    }
    return undefined;
  }

  function refused(errors) {
    const error = new ApiError(Array.isArray(errors) && errors.length ? errors : [{}]);
    if (error.signedOut) {
      stop();
      signedOut(error);
      return undefined;
    }
    return close();
  }

  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }

  function close() {
    if (socket) socket.close();
  }

  function fallBack() {
    socket = null;
    if (stopped) return;
    poll();
    clearTimeout(retry);
    retry = setTimeout(connect, RETRY_MS[Math.min(attempts++, RETRY_MS.length - 1)]);
  }

  function stop() {
    stopped = true;
    clearTimeout(settle);
    clearTimeout(retry);
    unpoll();
    if (socket) {
      socket.onclose = null;
      socket.close();
    }
  }

  connect();
  return stop;
}
