// 安全审计 (审计管理员): the accounts' events — created, roles granted and revoked, passwords
// and second factors reset, sign-ins and their failures, locks, sessions ended, API tokens —
// with who did it, when (北京时间), why, and from which address (in the summary).

import { gql } from "../api.js";
import { h, mount, notice, table } from "../dom.js";
import { moment } from "../format.js";
import { pageOf, pager } from "../paging.js";
import * as session from "../session.js";

const QUERY = `query SecurityAudit($first: Int!, $after: String) {
  securityAudit(first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { position aggregateId eventType occurredAt actorId actorName actorRole { label }
      reason summary }
  }
  accounts { id username displayName }
}`;

export async function render(view, { query }) {
  if (session.role() !== "AUDIT_ADMIN") {
    return mount(view, notice(`无权限:“${session.current().role.label}”不能查看安全审计`));
  }
  const { first, after } = pageOf(query);
  const { securityAudit, accounts } = await gql(QUERY, { first, after });
  const named = new Map(accounts.map((a) => [a.id, a]));
  const account = (e) => {
    const a = named.get(e.aggregateId);
    return a ? h("span", { title: a.displayName }, a.username) : e.aggregateId;
  };
  mount(
    view,
    h("div", { class: "page-head" }, h("h1", {}, "安全审计")),
    h(
      "section",
      { class: "card", id: "security-audit" },
      h(
        "p",
        { class: "muted" },
        "账号的全部安全事件,按发生先后排列(时间为北京时间)。登录、退出与失败的来源地址见摘要。",
      ),
      table(
        [
          { label: "时间", class: "nowrap", cell: (e) => moment(e.occurredAt) },
          { label: "账号", cell: account },
          { label: "操作人", cell: (e) => h("span", { title: e.actorId }, e.actorName) },
          { label: "角色", cell: (e) => e.actorRole?.label },
          { label: "摘要", cell: (e) => e.summary },
          { label: "理由", cell: (e) => e.reason },
        ],
        securityAudit.nodes,
        { empty: "暂无安全事件" },
      ),
      pager(query, securityAudit),
    ),
  );
  return undefined;
}
