// 公开信息 (开放性): what anyone may see without signing in — no personal data.

import { gql } from "../api.js";
import { badge, h, mount, section, table } from "../dom.js";
import { bars, disposeAll } from "../charts.js";
import { day } from "../format.js";
import { terms } from "../vocab.js";

const QUERY = `{ publicOverview(first: 20) {
  itemsResolved itemsOpen
  exclusionsByGround { key label count }
  approvedTopics { id title category { code label } platformName approvedAt consultationsCount }
  consultations { id subject form { code label } platformName startsAt heldAt status { code label }
    reportKind { code label } suggestionsCount }
} }`;

export async function render(view) {
  const [{ publicOverview: o }, grounds] = await Promise.all([
    gql(QUERY, {}, { signedIn: false }),
    terms("ExclusionGround"),
  ]);
  const counted = new Map(o.exclusionsByGround.map((c) => [c.key, c.count]));
  const rows = grounds.map((g) => ({
    key: g.code,
    label: g.label,
    axis: `${g.number}. ${g.label}`,
    count: counted.get(g.code) || 0,
  }));
  const chart = h("div", {
    class: "chart",
    dataset: { chart: "public-grounds" },
    role: "img",
    "aria-label": "不纳入协商事项按理由统计图",
  });
  mount(
    view,
    h("h1", {}, "公开信息"),
    h(
      "p",
      { class: "lead" },
      "依照“开放性”原则公开:已确定的协商议题、协商活动及其成果、不纳入协商范围的事项按理由统计。不含任何个人信息。",
    ),
    h(
      "div",
      { class: "tiles" },
      tile("督办办理中", o.itemsOpen),
      tile("督办已办结", o.itemsResolved),
      tile(
        "不纳入协商的事项",
        rows.reduce((sum, r) => sum + r.count, 0),
      ),
    ),
    section("不纳入协商范围的事项(按理由)", chart, groundList(rows)),
    section(
      "最近确定的协商议题",
      table(
        [
          { label: "议题", cell: (t) => t.title },
          { label: "类别", cell: (t) => t.category.label },
          { label: "协商议事平台", cell: (t) => t.platformName },
          { label: "确定日期", cell: (t) => day(t.approvedAt) },
          { label: "协商次数", cell: (t) => t.consultationsCount },
        ],
        o.approvedTopics,
        { empty: "暂无已确定的议题" },
      ),
    ),
    section(
      "最近的协商活动及成果",
      table(
        [
          { label: "主题", cell: (c) => c.subject },
          { label: "形式", cell: (c) => c.form.label },
          { label: "协商议事平台", cell: (c) => c.platformName },
          { label: "时间", cell: (c) => day(c.heldAt || c.startsAt) },
          { label: "状态", cell: (c) => badge(c.status) },
          { label: "成果", cell: (c) => outcome(c) },
        ],
        o.consultations,
        { empty: "暂无协商活动" },
      ),
    ),
  );
  bars(chart, rows, null, { horizontal: true, color: "#8d4a1f" });
  return disposeAll;
}

function tile(label, value) {
  return h(
    "div",
    { class: "tile" },
    h("span", { class: "tile-value" }, value),
    h("span", { class: "tile-label" }, label),
  );
}

function outcome(c) {
  const parts = [];
  if (c.suggestionsCount) parts.push(`形成建议 ${c.suggestionsCount} 条`);
  if (c.reportKind) parts.push(`已报送${c.reportKind.label}`);
  return parts.join(",") || "—";
}

function groundList(rows) {
  return h(
    "ol",
    { class: "ground-list" },
    rows.map((r) => h("li", {}, h("span", {}, r.label), h("strong", {}, `${r.count} 件`))),
  );
}
