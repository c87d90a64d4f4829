// 12345工单 (协商议事平台专人): a file of work orders (CSV or xlsx) dropped or chosen and
// imported by POST /hotline/imports, each row's outcome shown (已导入, 已存在, 未导入 with the
// reason) and downloadable as CSV; then the 共性问题 — the orders still proposed, grouped by the
// hotline's category and street — and one topic drafted from the orders chosen in a group
// (`draftTopicFromOrders`), which records each of them as 已并入共性议题.

import { ApiError, HOTLINE_IMPORTS, gql, mutate, uploadFile } from "../api.js";
import { announce, button, h, link, mount, notice, table } from "../dom.js";
import { fileSize } from "../format.js";
import * as session from "../session.js";

const ACCEPT = ".csv,.xlsx";
const HINT =
  "接受 CSV(UTF-8 或 GB18030 编码)或 Excel(xlsx)文件;须有“工单编号”“诉求内容”两列。" +
  "同一工单重复导入不会重复登记。";
const GROUPS = `query($p: ID!) { hotlineGroups(platformId: $p) {
  category street count tickets topics { id title hotlineTickets status { code label } } } }`;
const STATUS = `query($id: ID!) { topic(id: $id) { id title hotlineTickets status { code label } } }`;
const REPORT_COLUMNS = ["行号", "工单编号", "结果", "代码", "原因"];
const FORMULA = /^[=+\-@\t\r]/;
const SHOWN_ROWS = 1000; // a file may hold 50 000 rows: the page lists at most this many

export async function render(view) {
  if (!session.may("draftTopicFromOrders")) {
    return mount(view, notice(`无权限:“${session.current().role.label}”不能导入12345工单`));
  }
  const platformId = session.current().scope;
  const groups = h("div", { class: "hotline-groups" });
  const drawGroups = async () => mount(groups, await groupCards(platformId, drawGroups));
  await drawGroups();
  mount(
    view,
    h("div", { class: "page-head" }, h("h1", {}, "12345工单")),
    importCard(drawGroups),
    h(
      "section",
      { class: "card", "aria-labelledby": "hotline-groups-title" },
      h("h2", { id: "hotline-groups-title" }, "共性问题分组"),
      h(
        "p",
        { class: "muted small" },
        "尚未处理的12345工单按诉求分类和所属街乡分组;选中同一组中的多件工单,可合并拟定为一个共性议题。",
      ),
      groups,
    ),
  );
  return undefined;
}

/** The Chinese of a "中文 (English)" message (the English may quote a column: "受理时间 must…"). */
function chinese(message) {
  return String(message || "").replace(/\s\((?=[^()]*[A-Za-z]{3})[^()]*\)$/, "");
}

function why(error) {
  if (error.reason === "BODY_TOO_LARGE" || error.reason === "FILE_TOO_LARGE")
    return `文件超过大小上限:${chinese(error.message)}`;
  if (error.kind === "NETWORK") return "上传中断:请检查网络后重试";
  return chinese(error.chinese);
}

function importCard(afterImport) {
  let chosen = null;
  const input = h("input", {
    type: "file",
    id: "hotline-file",
    name: "file",
    accept: ACCEPT,
    class: "file-input",
  });
  const picked = h("p", { class: "picked-file", "aria-live": "polite" });
  const send = h("button", { type: "submit", class: "primary", disabled: true }, "导入工单");
  const outcome = h("div", { class: "import-outcome", "aria-live": "polite" });
  const take = (file) => {
    chosen = file || null;
    const size = chosen && h("span", { class: "muted small" }, fileSize(chosen.size));
    mount(picked, chosen ? [`已选择:${chosen.name} `, size] : "");
    send.disabled = !chosen;
  };
  input.addEventListener("change", () => take(input.files[0]));
  const zone = h(
    "div",
    { class: "dropzone", dataset: { dropzone: "" } },
    h(
      "p",
      { class: "dropzone-text" },
      "将工单文件拖放到此处,或 ",
      input,
      h("label", { for: input.id, class: "button file-label" }, "选择文件"),
    ),
    h("p", { class: "hint" }, HINT),
  );
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("dragging");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("dragging");
    take(event.dataTransfer?.files?.[0]);
  });
  const element = h(
    "form",
    { class: "form hotline-import", novalidate: true },
    zone,
    picked,
    h("div", { class: "form-actions" }, send),
  );
  element.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!chosen) return;
    send.disabled = true;
    send.setAttribute("aria-busy", "true");
    mount(outcome, notice(`正在导入“${chosen.name}”……`, "info"));
    try {
      const answer = await uploadFile(chosen, HOTLINE_IMPORTS);
      mount(outcome, reportOf(answer));
      announce(`「导入12345工单」已完成:新导入 ${answer.created} 件`);
      await afterImport();
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const refused = `“${chosen.name}”未导入:${why(error)}`;
      mount(outcome, h("div", { class: "notice error import-refused", role: "alert" }, refused));
    } finally {
      send.removeAttribute("aria-busy");
      take(null);
      input.value = "";
    }
  });
  return h(
    "section",
    { class: "card", "aria-labelledby": "hotline-import-title" },
    h("h2", { id: "hotline-import-title" }, "导入工单文件"),
    element,
    outcome,
  );
}

/** The rows listed: the refused ones first when not all fit (the download holds them all). */
function listed(report) {
  if (report.length <= SHOWN_ROWS) return report;
  const refused = report.filter((r) => r.outcome === "refused").slice(0, SHOWN_ROWS);
  const rest = report.filter((r) => r.outcome !== "refused");
  return [...refused, ...rest.slice(0, SHOWN_ROWS - refused.length)].sort((a, b) => a.line - b.line);
}

function reportOf(answer) {
  const tone = answer.refused ? "warning" : "success";
  const rows = listed(answer.report);
  return [
    h(
      "div",
      { class: `notice ${tone} import-summary`, role: "status" },
      `“${answer.fileName}”共 ${answer.rows} 行:新导入 ${answer.created} 件,` +
        `已存在 ${answer.repeated} 件,未导入 ${answer.refused} 行。`,
    ),
    table(
      [
        { label: "行号", cell: (r) => String(r.line) },
        { label: "工单编号", cell: (r) => r.ticket },
        { label: "结果", cell: (r) => h("span", { class: `badge outcome-${r.outcome}` }, r.label) },
        { label: "原因", cell: (r) => chinese(r.message) },
      ],
      rows,
      { caption: "逐行导入结果", empty: "文件中没有工单" },
    ),
    rows.length < answer.report.length &&
      h(
        "p",
        { class: "muted small" },
        `共 ${answer.report.length} 行,此处列出其中 ${rows.length} 行(未导入的行优先);完整结果请下载导入报告。`,
      ),
    button("下载导入报告(CSV)", () => downloadReport(answer), { class: "download-report" }),
  ];
}

/** A CSV cell that a spreadsheet never takes for a formula (behind an apostrophe), quoted. */
function csvCell(value) {
  let text = String(value ?? "");
  if (FORMULA.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function downloadReport(answer) {
  const rows = answer.report.map((r) => [r.line, r.ticket, r.label, r.code, r.message]);
  const csv = [REPORT_COLUMNS, ...rows].map((row) => row.map(csvCell).join(",")).join("\r\n");
  const blob = new Blob(["\ufeff", csv, "\r\n"], { type: "text/csv;charset=utf-8" });
  const url = URL.createObjectURL(blob);
  const base = String(answer.fileName || "工单").replace(/\.[^.]*$/, "");
  const save = h("a", { href: url, download: `${base}-导入报告.csv`, hidden: true });
  document.body.append(save);
  save.click();
  save.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

async function groupCards(platformId, redraw) {
  const { hotlineGroups } = await gql(GROUPS, { p: platformId });
  if (!hotlineGroups.length) return h("p", { class: "muted empty" }, "暂无待处理的12345工单");
  return hotlineGroups.map((group, index) => groupCard(group, index, redraw));
}

function groupCard(group, index, redraw) {
  const name = `${group.category || "未分类"} · ${group.street || "未注明街乡"}`;
  const id = `hotline-group-${index}`;
  const boxes = group.topics.map((t) =>
    h(
      "label",
      { class: "check order-choice" },
      h("input", { type: "checkbox", name: `${id}-order`, value: t.id }),
      h("span", {}, `${t.hotlineTickets.join("、")} ${t.title}`),
    ),
  );
  const title = h("input", {
    type: "text",
    id: `${id}-title`,
    name: "title",
    required: true,
    value: `${group.street}${group.category}问题`,
  });
  const content = h("textarea", { id: `${id}-content`, name: "content", rows: 2, required: true });
  const status = h("div", { class: "draft-status", "aria-live": "polite" });
  const element = h(
    "form",
    { class: "form draft-common", novalidate: true },
    h("fieldset", {}, h("legend", {}, "选择要合并的工单"), boxes),
    h("label", { for: title.id }, "共性议题标题"),
    title,
    h("label", { for: content.id }, "共性问题说明"),
    content,
    status,
    h(
      "div",
      { class: "form-actions" },
      h("button", { type: "submit", class: "primary" }, "由选中工单拟定共性议题"),
    ),
  );
  element.addEventListener("submit", async (event) => {
    event.preventDefault();
    const checked = element.querySelectorAll(`input[name="${id}-order"]:checked`);
    const topicIds = [...checked].map((box) => box.value);
    if (topicIds.length < 2) return mount(status, notice("请至少选择2件工单"));
    if (!title.value.trim() || !content.value.trim())
      return mount(status, notice("请填写共性议题标题和共性问题说明"));
    try {
      const drafted = await mutate(
        "draftTopicFromOrders",
        { topicIds, title: title.value.trim(), content: content.value.trim() },
        "id topic { id title }",
      );
      const merged = await Promise.all(topicIds.map((topicId) => gql(STATUS, { id: topicId })));
      announce(`「拟定共性议题」已完成`);
      await redraw();
      const slot = document.getElementById("hotline-drafted") || draftedSlot();
      mount(slot, draftedNotice(drafted, merged));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      mount(status, notice(error.chinese));
    }
    return undefined;
  });
  return h(
    "section",
    { class: "hotline-group", "aria-label": name, dataset: { group: name } },
    h("h3", {}, `${name}(${group.count} 件)`),
    element,
  );
}

function draftedSlot() {
  const slot = h("div", { id: "hotline-drafted" });
  document.querySelector(".hotline-groups")?.before(slot);
  return slot;
}

function draftedNotice(drafted, merged) {
  return h(
    "div",
    { class: "notice success drafted-topic", role: "status" },
    h("p", {}, "已拟定共性议题 ", link(`#/topic/${drafted.id}`, drafted.topic?.title || "查看议题")),
    h(
      "ul",
      { class: "merged-orders" },
      merged.map(({ topic }) =>
        h("li", {}, `${topic.hotlineTickets.join("、")} ${topic.title}:${topic.status.label}`),
      ),
    ),
  );
}
