// ECharts (vendored under vendor/echarts) drawing the dashboard's counts. Every chart is
// clickable: a click opens the list behind the bar or slice.

const PALETTE = [
  "#b3261e",
  "#2f6db5",
  "#c77c02",
  "#2e7d4f",
  "#7b4fa0",
  "#0f7c8c",
  "#8d4a1f",
  "#5b6770",
];

/** Each consultation form in one colour, the same in every chart (keyed by the form's code). */
export const FORM_COLOURS = {
  suggestion: "#2f6db5",
  research: "#2e7d4f",
  briefing: "#c77c02",
  training: "#7b4fa0",
  online: "#0f7c8c",
};

export const formColour = (code) => FORM_COLOURS[code] || PALETTE[7];

const charts = new Set();

function instance(element) {
  const chart = window.echarts.init(element, null, { renderer: "canvas" });
  const observer = new ResizeObserver(() => chart.resize());
  observer.observe(element);
  chart.__observer = observer;
  charts.add(chart);
  return chart;
}

export function disposeAll() {
  for (const chart of charts) {
    chart.__observer.disconnect();
    chart.dispose();
  }
  charts.clear();
}

const short = (text, size = 9) => (text.length > size ? `${text.slice(0, size)}…` : text);

/** Horizontal bars wrap their labels in full (a ground is a sentence); upright ones shorten
 * theirs, the full text in the bar's tooltip and the list beside the chart. */
function axisLabel(horizontal, labelWidth) {
  if (horizontal && labelWidth) {
    return { width: labelWidth, overflow: "break", interval: 0, lineHeight: 15 };
  }
  return { formatter: (v) => short(v, horizontal ? 11 : 6), interval: 0, hideOverlap: !horizontal };
}

/** rows: [{ key, label, count, axis?, colour? }]; onPick(row) when a bar is clicked. A row's
 * own colour (a form's) wins over the chart's. */
export function bars(
  element,
  rows,
  onPick,
  { horizontal = false, color = PALETTE[1], labelWidth = 0 } = {},
) {
  const chart = element.__chart || (element.__chart = instance(element));
  const category = {
    type: "category",
    data: rows.map((r) => r.axis || r.label),
    axisLabel: axisLabel(horizontal, labelWidth),
  };
  const value = { type: "value", minInterval: 1 };
  chart.setOption(
    {
      color: [color],
      grid: { left: horizontal ? 8 : 8, right: 24, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: "item", formatter: (p) => `${rows[p.dataIndex].label}:${p.value}` },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? { ...category, inverse: true } : value,
      series: [
        {
          type: "bar",
          data: rows.map((r) =>
            r.colour ? { value: r.count, itemStyle: { color: r.colour } } : r.count,
          ),
          barMaxWidth: 36,
          cursor: onPick ? "pointer" : "default",
          label: { show: true, position: horizontal ? "right" : "top" },
        },
      ],
    },
    true,
  );
  chart.off("click");
  if (onPick) chart.on("click", (p) => onPick(rows[p.dataIndex]));
  return chart;
}

export function pie(element, rows, onPick) {
  const chart = element.__chart || (element.__chart = instance(element));
  chart.setOption(
    {
      color: PALETTE,
      tooltip: { trigger: "item", formatter: "{b}:{c}({d}%)" },
      legend: { type: "scroll", bottom: 0 },
      series: [
        {
          type: "pie",
          radius: ["38%", "66%"],
          center: ["50%", "44%"],
          cursor: onPick ? "pointer" : "default",
          label: { formatter: "{c}" },
          data: rows.map((r) => ({ name: r.label, value: r.count })),
        },
      ],
    },
    true,
  );
  chart.off("click");
  if (onPick) chart.on("click", (p) => onPick(rows[p.dataIndex]));
  return chart;
}

/** months: ["2026-04", …]; series: [{ key, label, counts: [n per month], colour? }].
 * Horizontal: the categories down the side (names too long to stand under a bar). */
export function stacked(element, months, series, onPick, { horizontal = false } = {}) {
  const chart = element.__chart || (element.__chart = instance(element));
  const category = { type: "category", data: months };
  const value = { type: "value", minInterval: 1 };
  chart.setOption(
    {
      color: PALETTE,
      tooltip: { trigger: "item", formatter: (p) => `${p.name} ${p.seriesName}:${p.value}` },
      legend: { type: "scroll", bottom: 0 },
      grid: { left: 8, right: 16, top: 16, bottom: 36, containLabel: true },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? { ...category, inverse: true, axisLabel: axisLabel(true, 0) } : value,
      series: series.map((s) => ({
        type: "bar",
        stack: "forms",
        name: s.label,
        data: s.counts,
        itemStyle: s.colour ? { color: s.colour } : undefined,
        cursor: onPick ? "pointer" : "default",
        barMaxWidth: 36,
      })),
    },
    true,
  );
  chart.off("click");
  chart.on("click", (p) => onPick(months[p.dataIndex], series[p.seriesIndex]));
  return chart;
}
