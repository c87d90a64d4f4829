// 节假日安排: the system administrator enters a year's holidays and make-up working days from
// the State Council's notice; a year entered again is replaced, with the reason. Every list
// below is the years as last entered (docs/CALENDAR.md).

import { ApiError, gql, mutate } from "../api.js";
import { h, mount, notice, section, table } from "../dom.js";
import { form } from "../forms.js";
import * as session from "../session.js";

const LIST = `{ holidaySchedules { year notice reason enteredBy enteredAt
  holidays { day festival } workingDays } }`;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export async function render(view) {
  const entered = h("div", { id: "holiday-schedules" });
  const done = h("div", { id: "holiday-schedule-done" });
  const draw = async () => {
    const { holidaySchedules } = await gql(LIST);
    mount(entered, scheduleTable(holidaySchedules));
  };
  const parts = [h("h1", {}, "节假日安排"), done];
  if (session.role() === "ADMIN") parts.push(section("录入某年安排", entryForm(done, draw)));
  parts.push(section("已录入的安排", entered));
  parts.push(section("工作日推算", reckoningForm()));
  mount(view, ...parts);
  await draw();
}

function entryForm(done, draw) {
  const element = form({
    submit: "录入",
    className: "form-enterHolidaySchedule",
    fields: [
      { name: "year", label: "年份", required: true, hint: "如 2027" },
      { name: "notice", label: "通知文号", required: true, hint: "如 国办发明电〔2026〕X号" },
      {
        name: "holidays",
        label: "放假日期",
        type: "lines",
        required: true,
        hint: "每行一段:起止日期和节日,如“2027-02-06 2027-02-12 春节”;单日写一个日期",
      },
      {
        name: "workingDays",
        label: "调休上班日",
        type: "lines",
        hint: "每行一个日期(周六或周日),如 2027-01-31",
      },
      { name: "reason", label: "替换理由", hint: "该年已录入时必填:新的安排将替换原安排" },
    ],
    onSubmit: (values) =>
      mutate("enterHolidaySchedule", scheduleInput(values), "id version schedule { year }"),
    onDone: async (result) => {
      element.reset();
      const year = result.schedule ? result.schedule.year : "";
      const what = result.version > 1 ? "已替换" : "已录入";
      done.replaceChildren(notice(`${what}${year}年节假日安排。`, "success"));
      await draw();
    },
  });
  return element;
}

/** The form's lines as the mutation's input; a line that is not a day or a range is refused
 * here, next to its field, before anything is sent. */
function scheduleInput({ year, notice: number, holidays, workingDays = [], reason = "" }) {
  if (!/^\d{4}$/.test(year)) throw refusal("年份须为四位数字,如 2027", "year");
  return {
    year: Number(year),
    notice: number,
    holidays: holidays.flatMap(holidayLine),
    workingDays: workingDays.map((line) => {
      if (!DAY.test(line)) throw refusal(`调休上班日须为日期(如 2027-01-31):${line}`, "workingDays");
      return line;
    }),
    reason,
  };
}

function holidayLine(line) {
  const words = line.split(/\s+/);
  const days = words.filter((w) => DAY.test(w));
  const festival = words.filter((w) => !DAY.test(w)).join(" ");
  if (!days.length || days.length > 2 || !festival)
    throw refusal(`请按“起始日期 截止日期 节日”填写:${line}`, "holidays");
  return range(days[0], days.at(-1)).map((day) => ({ day, festival }));
}

function range(first, last) {
  const days = [];
  const end = new Date(`${last}T00:00:00Z`);
  for (let d = new Date(`${first}T00:00:00Z`); d <= end && days.length < 60; ) {
    days.push(d.toISOString().slice(0, 10));
    d = new Date(d.getTime() + 86_400_000);
  }
  if (!days.length) throw refusal(`截止日期早于起始日期:${first} ${last}`, "holidays");
  return days;
}

function refusal(message, field) {
  return new ApiError([
    { message, extensions: { code: "BAD_USER_INPUT", reason: "INVALID_INPUT", details: { field } } },
  ]);
}

function scheduleTable(schedules) {
  return table(
    [
      { label: "年份", cell: (s) => String(s.year) },
      { label: "通知文号", cell: (s) => s.notice },
      { label: "放假", cell: (s) => festivals(s.holidays) },
      { label: "调休上班日", cell: (s) => s.workingDays.join("、") },
      { label: "录入人", cell: (s) => s.enteredBy },
      { label: "录入时间", cell: (s) => beijingTime(s.enteredAt) },
      { label: "理由", cell: (s) => s.reason },
    ],
    schedules,
    { empty: "尚未录入任何年份的节假日安排" },
  );
}

/** 春节 2027-02-06 至 2027-02-12(7天); …, one festival after another. */
function festivals(holidays) {
  const by = new Map();
  for (const { day, festival } of holidays) by.set(festival, [...(by.get(festival) || []), day]);
  return [...by]
    .map(([name, days]) => `${name} ${days[0]} 至 ${days.at(-1)}(${days.length}天)`)
    .join(";");
}

function beijingTime(moment) {
  return new Date(moment).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", hour12: false });
}

const RECKON = `query Reckon($start: Date!, $days: Int!) {
  workingDaysAfter(start: $start, workingDays: $days) { dueOn weekdaysAssumed } }`;

/** 自某日起若干工作日后是哪一天: as deadlines are reckoned, entered years first. */
function reckoningForm() {
  const answer = h("p", { id: "reckoned", "aria-live": "polite" });
  const element = form({
    submit: "推算",
    className: "form-reckon",
    confirmation: null, // a question, not an action
    draft: false,
    fields: [
      { name: "start", label: "起算日(不计入)", type: "date", required: true },
      { name: "days", label: "工作日数", required: true, hint: "如 5" },
    ],
    onSubmit: ({ start, days }) => {
      if (!/^\d{1,4}$/.test(days)) throw refusal("工作日数须为整数,如 5", "days");
      return gql(RECKON, { start, days: Number(days) });
    },
    onDone: ({ workingDaysAfter: r }) =>
      answer.replaceChildren(
        `到期日:${r.dueOn}`,
        r.weekdaysAssumed ? "(途经年份的节假日安排未知,按周一至周五推算)" : "",
      ),
  });
  return h("div", {}, element, answer);
}
