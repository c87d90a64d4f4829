// A member's 履职档案 for a year: 界别, 协商议事平台, points; each kind's count and points; the
// year's entries by date, each opening its matter, consultation or supervision item (for a
// reader who may open them). `#/my-record` is the signed-in member's own (`myMemberRecord`).
// 打印 prints the record alone on A4 portrait (css/print.css).

import { gql } from "../api.js";
import { button, facts, h, link, mount, notice, section, table } from "../dom.js";
import { day } from "../format.js";
import { setQuery } from "../router.js";
import * as session from "../session.js";
import { points, schemeNote, schemeOf, subjectHref, yearForm, yearOf } from "./member-common.js";

const FIELDS = `id name sector platformName year points active
  counts { kind kindLabel count points }
  entries { kind kindLabel day subjectKind subjectId title points }`;
const RECORD = `query Member($id: ID!, $year: Int!) {
  memberRecord(id: $id, year: $year) { ${FIELDS} } }`;
const MINE = `query Mine($year: Int!) { myMemberRecord(year: $year) { ${FIELDS} } }`;

export async function render(view, { params: [id], query }) {
  const year = yearOf(query);
  const [data, scheme] = await Promise.all([
    id ? gql(RECORD, { id, year }) : gql(MINE, { year }),
    schemeOf(year),
  ]);
  const record = id ? data.memberRecord : data.myMemberRecord;
  const heading = id ? null : h("h1", {}, "我的履职");
  if (!record) {
    const why = id ? "无权查看该委员的履职档案,或该委员不存在" : "当前账号未登记为政协委员";
    return mount(view, heading, notice(why));
  }
  mount(
    view,
    h(
      "div",
      { class: "page-head" },
      h(
        "div",
        {},
        id &&
          h("p", { class: "crumbs" }, link(`#/members?year=${year}`, "委员履职"), ` / ${record.name}`),
        h("h1", {}, id ? `${record.name} · 履职档案` : "我的履职"),
      ),
      h(
        "div",
        { class: "form-actions" },
        button("打印", () => window.print(), { id: "print-record" }),
      ),
    ),
    yearForm(year, (chosen) => setQuery({ year: chosen })),
    h(
      "article",
      { class: "member-record" },
      h("h2", { class: "print-title" }, `${record.year} 年度政协委员履职档案`),
      section(
        "委员信息",
        facts([
          ["姓名", record.name],
          ["界别", record.sector],
          ["协商议事平台", record.platformName],
          ["年度", `${record.year} 年`],
          ["履职积分", h("strong", { id: "record-points" }, points(record.points))],
        ]),
        schemeNote(scheme),
      ),
      section("履职统计", table(COUNT_COLUMNS, record.counts, { empty: "本年度尚无履职记录" })),
      section(
        `履职记录(${record.entries.length} 条)`,
        table(entryColumns(), record.entries, { empty: "本年度尚无履职记录" }),
      ),
      h("p", { class: "print-footer" }, `打印时间:${day(new Date().toISOString())}`),
    ),
  );
  return undefined;
}

const COUNT_COLUMNS = [
  { label: "履职类别", cell: (c) => c.kindLabel },
  { label: "次数", class: "number", cell: (c) => String(c.count) },
  { label: "积分", class: "number", cell: (c) => points(c.points) },
];

/** A member reads their own record only: the titles are not links for them. */
function entryColumns() {
  const opens = session.role() !== "MEMBER";
  return [
    { label: "日期", class: "nowrap", cell: (e) => day(e.day) },
    { label: "类别", cell: (e) => e.kindLabel },
    {
      label: "事项",
      cell: (e) => {
        const href = opens && subjectHref(e);
        return href ? link(href, e.title, { class: "entry-link" }) : e.title;
      },
    },
    { label: "积分", class: "number", cell: (e) => points(e.points) },
  ];
}
