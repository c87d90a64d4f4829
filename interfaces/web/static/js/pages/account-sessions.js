// 我的会话: where this account is signed in (this browser marked 当前), each other one ended
// with a click — one left open on a shared computer, say.

import { ApiError, gql } from "../api.js";
import { button, h, mount, notice, table } from "../dom.js";
import { moment } from "../format.js";

const SESSIONS = "{ mySessions { id address agent signedInAt lastSeenAt current } }";
const END = "mutation($id: ID!) { endMySession(sessionId: $id) }";

export function sessionsSection(sessions) {
  const body = h("div", { id: "my-sessions" });
  const draw = (rows, told = null) =>
    mount(
      body,
      told,
      table(
        [
          { label: "登录时间", class: "nowrap", cell: (s) => moment(s.signedInAt) },
          { label: "最近活动", class: "nowrap", cell: (s) => moment(s.lastSeenAt) },
          { label: "地址", cell: (s) => s.address },
          {
            label: "浏览器",
            cell: (s) => h("span", { class: "agent", title: s.agent }, browser(s.agent)),
          },
          {
            label: "状态",
            cell: (s) =>
              s.current
                ? h("span", { class: "badge code-current" }, "当前")
                : button("结束", () => end(s), { class: "quiet", dataset: { session: s.id } }),
          },
        ],
        rows,
        { empty: "没有打开的会话" },
      ),
    );
  const end = async (s) => {
    try {
      await gql(END, { id: s.id });
      draw((await gql(SESSIONS)).mySessions, notice("该会话已结束。", "success"));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      draw(sessions, notice(error.chinese));
    }
  };
  draw(sessions);
  return h(
    "section",
    { class: "card" },
    h("h2", {}, "我的会话"),
    h(
      "p",
      { class: "muted" },
      "本账号当前在以下浏览器或设备上登录;不认识的会话请立即结束并修改密码。",
    ),
    body,
  );
}

/** "Chrome 131 · Linux" from a user agent string, or the string itself. */
function browser(agent) {
  const name = agent.match(/(Edg|Firefox|Chrome|Chromium|Safari)\/(\d+)/);
  const system = agent.match(/Windows|Mac OS X|Android|iPhone|Linux/);
  if (!name) return agent || "—";
  const label = { Edg: "Edge" }[name[1]] || name[1];
  return `${label} ${name[2]}${system ? ` · ${system[0]}` : ""}`;
}
