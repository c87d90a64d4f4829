// 待办: what waits for the signed-in role, by stage (`viewer.todo`): each entry its title,
// stage and date — a supervision item's due date, working days left and last reminder — and a
// link to the page where it is done. Drawn again whenever the log grows (js/todo.js).

import { gql } from "../api.js";
import { h, link, mount, section, table } from "../dom.js";
import { day, moment } from "../format.js";
import { listen } from "../todo.js";

const QUERY = `{ viewer { todo { count groups { code label count entries {
  kind id title context restricted stageLabel at dueOn workingDaysLeft weekdaysAssumed
  reminder { code label } remindedAt path } } } } }`;

const COLUMNS = [
  { label: "事项", cell: (e) => link(e.path, e.title, { class: "todo-link" }) },
  { label: "所属议题", cell: (e) => e.context },
  { label: "环节", cell: (e) => e.stageLabel },
  { label: "日期", class: "nowrap", cell: (e) => moment(e.at) },
];
const DEADLINE_COLUMNS = [
  { label: "办理期限", class: "nowrap", cell: (e) => day(e.dueOn) },
  { label: "剩余工作日", class: "nowrap", cell: (e) => left(e) },
  { label: "督办提醒", cell: (e) => reminded(e) },
];

function left(entry) {
  const days = entry.workingDaysLeft;
  if (days === null || days === undefined) return "";
  const assumed = entry.weekdaysAssumed ? "(按周一至周五计)" : "";
  if (days < 0) return h("span", { class: "badge alarm" }, `逾期 ${-days} 个工作日${assumed}`);
  return `剩余 ${days} 个工作日${assumed}`;
}

function reminded(entry) {
  if (!entry.reminder) return "";
  return `${moment(entry.remindedAt)} 已提醒(${entry.reminder.label})`;
}

function group(g) {
  const items = g.entries.some((e) => e.kind === "SUPERVISION_ITEM");
  const columns = items
    ? [...COLUMNS, ...DEADLINE_COLUMNS]
    : COLUMNS.filter((c) => c.label !== "所属议题");
  const card = section(`${g.label}(${g.count})`, table(columns, g.entries, { empty: "暂无待办" }));
  card.dataset.group = g.code;
  return card;
}

export async function render(view) {
  const list = h("div", { class: "todo-groups" });
  const total = h("p", { class: "muted", id: "todo-total" });
  const draw = async () => {
    const { todo } = (await gql(QUERY)).viewer;
    total.textContent = todo.groups.length ? `共 ${todo.count} 件待办` : "本角色没有待办清单。";
    mount(list, todo.groups.map(group));
  };
  await draw();
  mount(view, h("div", { class: "page-head" }, h("h1", {}, "待办")), total, list);
  return listen(() => draw().catch(() => {}));
}
