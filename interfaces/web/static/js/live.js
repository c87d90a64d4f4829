// Live updates: the `events(after:)` subscription over graphql-transport-ws at /graphql; while
// it is unavailable, a refresh every 10 seconds (and another try to subscribe later).

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
    socket.onopen = () =>
      send({ type: "connection_init", payload: { Authorization: `Bearer ${token()}` } });
    socket.onmessage = (message) => receive(JSON.parse(message.data));
    socket.onclose = () => fallBack();
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
        if (message.payload.errors) return close();
        after = message.payload.data.events.cursor;
        soon();
        break;
      case "ping":
        send({ type: "pong" });
        break;
      case "error":
      case "complete":
        close();
        break;
      default:
    }
    return undefined;
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

  connect();
  return () => {
    stopped = true;
    clearTimeout(settle);
    clearTimeout(retry);
    unpoll();
    if (socket) {
      socket.onclose = null;
      socket.close();
    }
  };
}
