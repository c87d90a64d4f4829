// 历史记录: every event of one record (history), the latest first, 50 at a time.

import { gql } from "../api.js";
import { button, h, section, table } from "../dom.js";
import { moment } from "../format.js";

const QUERY = `query History($id: ID!, $after: String) {
  history(aggregateId: $id, first: 50, after: $after, order: NEWEST_FIRST) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { position version eventType summary actorName actorRole { label } occurredAt reason }
  }
}`;

const COLUMNS = [
  { label: "版本", cell: (e) => e.version },
  { label: "时间", class: "nowrap", cell: (e) => moment(e.occurredAt) },
  {
    label: "操作人",
    cell: (e) => [e.actorName, h("div", { class: "muted small" }, e.actorRole?.label)],
  },
  { label: "内容", cell: (e) => e.summary },
];

export async function historySection(aggregateId) {
  const body = h("div", { id: "history" });
  const more = async (after) => {
    const { history } = await gql(QUERY, { id: aggregateId, after });
    body.querySelector(".more")?.remove();
    body.append(table(COLUMNS, history.nodes, { empty: "暂无记录" }));
    if (history.pageInfo.hasNextPage) {
      body.append(
        button("加载更多", () => more(history.pageInfo.endCursor), { class: "quiet more" }),
      );
    }
    return history.totalCount;
  };
  const total = await more(null);
  return section(`历史记录(${total} 条)`, body);
}
