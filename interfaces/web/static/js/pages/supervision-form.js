// The plan's own form, 督办落实情况 (its attachment), from the problem list: downloaded as xlsx
// or CSV with the list's filters (GET /exports/supervision.*, as the signed-in page), and
// printed on A4 landscape — the title, the plan's ten columns and 备注 repeated on every page,
// the footer 填报部门 / 填报时间 — with nothing of the page's menus (css/print.css).

import { ApiError, exportFile, gql } from "../api.js";
import { button, h, notice } from "../dom.js";
import { day } from "../format.js";
import * as session from "../session.js";

const TITLE = "协商议事厅协商议事活动督办落实情况";
const ALL_HALLS = "全区";
const COLUMNS = [
  "序号",
  "协商时间",
  "协商议题",
  "协商建议",
  "交办单位",
  "政协责任委室",
  "督办负责人",
  "进展情况",
  "存在问题",
  "解决思路",
  "备注", // not in the plan: the status, and the outcome once resolved (as the export)
];

// The list's route names → the export's parameters (the same rows either way).
const PARAMETERS = {
  platformId: "platform_id",
  unitId: "unit_id",
  status: "status",
  overdue: "overdue",
  text: "text",
  openedFrom: "period_from",
  openedTo: "period_to",
};

const ROWS = `query FormRows($filter: SupervisionItemFilter, $after: String) {
  supervisionItems(filter: $filter, first: 100, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { consultationTime subject suggestion unitName committeeName supervisorName
      progress problems approach outcome status { code label } }
  }
}`;
const NAMES = `{ platforms { id name } committees { id name } units { id name } }`;

/** The buttons 导出 Excel, 导出 CSV and 打印 for the list's `filter` (its GraphQL filter). */
export function formActions(query, filter) {
  const told = h("div", { class: "form-notice", role: "status" });
  const run = (work) => async (event) => {
    const clicked = event.currentTarget;
    clicked.disabled = true;
    told.replaceChildren();
    try {
      await work();
    } catch (error) {
      told.replaceChildren(notice(error instanceof ApiError ? error.chinese : String(error)));
    } finally {
      clicked.disabled = false;
    }
  };
  return h(
    "div",
    { class: "form-actions" },
    // The export takes no due-soon window: it would hand out more rows than the list shows.
    !query.get("dueWithin") && button("导出 Excel", run(() => download(query, "xlsx"))),
    !query.get("dueWithin") &&
      button("导出 CSV", run(() => download(query, "csv")), { class: "quiet" }),
    button("打印", run(() => printForm(filter)), { class: "quiet" }),
    told,
  );
}

async function download(query, suffix) {
  const names = await scopeNames();
  const params = new URLSearchParams();
  for (const [name, parameter] of Object.entries(PARAMETERS)) {
    const value = query.get(name);
    if (value) params.set(parameter, name === "overdue" ? "1" : value);
  }
  params.set("department", names.department);
  const { blob, filename } = await exportFile(`/exports/supervision.${suffix}?${params}`);
  const url = URL.createObjectURL(blob);
  const save = h("a", { href: url, download: filename || `督办落实情况.${suffix}` });
  document.body.append(save);
  save.click();
  save.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** Lays the whole filtered list out as the form (not only the page shown), then prints. */
async function printForm(filter) {
  const [rows, names] = await Promise.all([allRows(filter), scopeNames()]);
  const platform = filter.platformId ? names.byId[filter.platformId] : names.platform;
  document.querySelector(".print-form")?.remove();
  document.getElementById("view").append(formSheet(platform, rows, names.department));
  window.print();
}

async function allRows(filter) {
  const rows = [];
  let after = null;
  do {
    const { supervisionItems: page } = await gql(ROWS, { filter, after });
    rows.push(...page.nodes);
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  } while (after);
  return rows;
}

/** The signed-in person's platform, committee or unit by name (the footer's 填报部门); a
 * leader or an office has none, and fills the line in by hand. */
async function scopeNames() {
  const scope = session.current()?.scope || "";
  let lists = { platforms: [], committees: [], units: [] };
  try {
    lists = await gql(NAMES);
  } catch (error) {
    if (!(error instanceof ApiError) || error.kind !== "FORBIDDEN") throw error;
  }
  const all = [...lists.platforms, ...lists.committees, ...lists.units];
  const byId = Object.fromEntries(all.map((r) => [r.id, r.name]));
  const platform = lists.platforms.find((p) => p.id === scope)?.name || null;
  return { byId, platform, department: (scope && byId[scope]) || "" };
}

function formSheet(platform, rows, department) {
  const width = COLUMNS.length;
  return h(
    "section",
    { class: "print-form", "aria-hidden": "true" },
    h(
      "table",
      { class: "form-sheet" },
      h(
        "colgroup",
        {},
        COLUMNS.map(() => h("col")),
      ),
      h(
        "thead",
        {},
        h("tr", {}, h("th", { colspan: width, class: "form-title" }, `${platform || ALL_HALLS}${TITLE}`)),
        h(
          "tr",
          { class: "form-columns" },
          COLUMNS.map((label) => h("th", { scope: "col" }, label)),
        ),
      ),
      h(
        "tbody",
        {},
        rows.map((item, n) =>
          h(
            "tr",
            {},
            formCells(item, n + 1).map((text) => h("td", {}, text)),
          ),
        ),
      ),
      h(
        "tfoot",
        {},
        h(
          "tr",
          {},
          h(
            "td",
            { colspan: 5, class: "form-footer" },
            "填报部门:",
            department || h("span", { class: "form-blank" }), // a line to fill in by hand
          ),
          h("td", { colspan: width - 5, class: "form-footer" }, `填报时间:${filledOn()}`),
        ),
      ),
    ),
  );
}

function formCells(item, number) {
  return [
    String(number),
    day(item.consultationTime),
    item.subject,
    item.suggestion,
    item.unitName,
    item.committeeName,
    item.supervisorName,
    item.progress,
    item.problems,
    item.approach,
    remarks(item),
  ];
}

function remarks(item) {
  const lines = [`办理状态:${item.status.label}`];
  if (item.status.code === "RESOLVED" && item.outcome) lines.push(`办结情况:${item.outcome}`);
  return lines.join("\n");
}

/** Today in the district as the plan writes it: 2026 年 3 月 2 日. */
function filledOn() {
  const [year, month, date] = day(new Date().toISOString()).split("-").map(Number);
  return `${year} 年 ${month} 月 ${date} 日`;
}
