// What each dashboard chart counts and which list a click on it opens.

import { bars, formColour, pie, stacked } from "../charts.js";
import { h, link, mount } from "../dom.js";
import { go } from "../router.js";

/** Counts in the vocabulary's order, every term shown (zero too), numbered where it has one. */
function ordered(counts, vocabulary, href) {
  const by = new Map(counts.map((c) => [c.key, c.count]));
  return vocabulary.map((t) => ({
    label: t.label,
    axis: t.number ? `${t.number}. ${t.label}` : t.label,
    count: by.get(t.code) || 0,
    href: href(t.name),
  }));
}

export const CHARTS = [
  {
    key: "grounds",
    title: "不纳入协商范围的事项(按理由)",
    wide: true,
    draw: (el, rows) =>
      bars(el, rows, pick, { horizontal: true, color: "#8d4a1f", labelWidth: groundWidth(el) }),
    rows: (d, v, s) =>
      ordered(
        d.topicsByExclusionGround,
        v.ExclusionGround,
        (n) => `#/topics?ground=${n}${s.topics}`,
      ),
  },
  {
    key: "status",
    title: "协商事项(按状态)",
    draw: (el, rows) => bars(el, rows, pick),
    rows: (d, v, s) =>
      ordered(d.topicsByStatus, v.TopicStatus, (n) => `#/topics?status=${n}${s.topics}`),
  },
  {
    key: "channel",
    title: "协商事项(按来源渠道)",
    draw: (el, rows) =>
      pie(
        el,
        rows.filter((r) => r.count),
        pick,
      ),
    rows: (d, v, s) =>
      ordered(d.topicsByChannel, v.Channel, (n) => `#/topics?channel=${n}${s.topics}`),
  },
  {
    key: "category",
    title: "协商事项(按类别)",
    draw: (el, rows) => bars(el, rows, pick, { color: "#2e7d4f" }),
    rows: (d, v, s) =>
      ordered(d.topicsByCategory, v.Category, (n) => `#/topics?category=${n}${s.topics}`),
  },
  {
    key: "platform",
    title: "协商事项(按协商议事平台)",
    draw: (el, rows) => bars(el, rows, pick, { horizontal: true }),
    rows: (d, v, s) =>
      d.topicsByPlatform.map((c) => ({
        ...c,
        href: `#/topics?${replaced(s.topics, "platformId", c.key)}`,
      })),
  },
  {
    key: "committees",
    title: "协商事项(按专委会)",
    draw: (el, rows) => bars(el, rows, pick, { horizontal: true, color: "#0f7c8c" }),
    rows: (d, v, s) =>
      d.topicsByCommittee.map((c) => ({
        ...c,
        href: `#/topics?${replaced(s.topics, "committeeId", c.key)}`,
      })),
  },
  {
    key: "units",
    title: "督办事项(按交办单位)",
    draw: (el, rows) => bars(el, rows, pick, { horizontal: true, color: "#c77c02" }),
    rows: (d, v, s) =>
      d.itemsByUnit.map((c) => ({
        ...c,
        href: `#/items?${replaced(s.items, "unitId", c.key)}`,
      })),
  },
  {
    key: "forms",
    title: "协商活动(按形式)",
    draw: (el, rows) => bars(el, rows, pick),
    rows: (d, v, s) =>
      ordered(
        d.consultationsByForm,
        v.ConsultationForm,
        (n) => `#/consultations?form=${n}${s.consultations}`,
      ).map((r, i) => ({ ...r, colour: formColour(v.ConsultationForm[i].code) })),
  },
  {
    key: "items",
    title: "督办事项(按状态)",
    draw: (el, rows) => bars(el, rows, pick, { color: "#b3261e" }),
    rows: (d, v, s) =>
      ordered(d.itemsByStatus, v.ItemStatus, (n) => `#/items?status=${n}${s.items}`),
  },
  {
    key: "months",
    title: "协商活动(按月份与形式)",
    wide: true,
    span: (d) => monthSpan(d.consultationMonthsFrom, d.consultationMonthsTo),
    draw: (el, rows) => monthly(el, rows),
    rows: (d, v, s) =>
      d.consultationsByMonth
        .map((m) => {
          const form = v.ConsultationForm.find((f) => f.code === m.form);
          return {
            ...m,
            axis: m.month,
            href: `#/consultations?form=${form.name}&month=${m.month}${platformOnly(s.consultations)}`,
            label: `${m.month} ${m.label}`,
          };
        })
        .sort((a, b) => a.month.localeCompare(b.month)),
  },
];

/** Which months the series counts: last year's and this year's unless a period is chosen. */
function monthSpan(from, to) {
  if (from && to) return `${from} 至 ${to}`;
  if (from) return `${from} 起`;
  if (to) return `至 ${to}`;
  return "全部月份";
}

function replaced(carried, key, value) {
  const query = new URLSearchParams(carried.slice(1));
  query.set(key, value);
  return query.toString();
}

function platformOnly(carried) {
  const platform = new URLSearchParams(carried.slice(1)).get("platformId");
  return platform ? `&platformId=${platform}` : "";
}

/** The grounds' axis: two fifths of the chart, its labels wrapped within (never cut off). */
function groundWidth(element) {
  return Math.max(120, Math.round((element.clientWidth || 600) * 0.4));
}

function pick(row) {
  go(row.href);
}

function monthly(element, rows) {
  const months = [...new Set(rows.map((r) => r.month))];
  const forms = [...new Map(rows.map((r) => [r.form, r])).values()];
  const series = forms.map((f) => ({
    label: f.label.replace(`${f.month} `, ""),
    colour: formColour(f.form),
    cells: months.map((m) => rows.find((r) => r.month === m && r.form === f.form) || null),
  }));
  const shaped = series.map((s) => ({
    label: s.label,
    colour: s.colour,
    counts: s.cells.map((c) => (c ? c.count : 0)),
  }));
  return stacked(element, months, shaped, (month, picked) => {
    const cell = series[shaped.indexOf(picked)].cells[months.indexOf(month)];
    if (cell) go(cell.href);
  });
}

/** A chart with its numbers beside it as links: the same drill-down without a pointer. */
export function chartCard(spec) {
  const chart = h("div", {
    class: "chart",
    dataset: { chart: spec.key },
    role: "img",
    "aria-label": `${spec.title}统计图,点击图形可查看明细`,
  });
  const list = h("ul", { class: "chart-data" });
  const span = spec.span ? h("p", { class: "muted chart-span" }) : null;
  const card = h(
    "section",
    { class: `card chart-card${spec.wide ? " wide" : ""}`, dataset: { card: spec.key } },
    h("h2", {}, spec.title),
    span,
    chart,
    h("details", {}, h("summary", {}, "查看数据"), list),
  );
  const draw = (dashboard, vocab, scope) => {
    const rows = spec.rows(dashboard, vocab, scope);
    if (span) span.textContent = `统计月份:${spec.span(dashboard)}`;
    spec.draw(chart, rows);
    mount(
      list,
      rows.map((r) => h("li", {}, link(r.href, r.label), h("strong", {}, r.count))),
    );
  };
  return { card, draw };
}
