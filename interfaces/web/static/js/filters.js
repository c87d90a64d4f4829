// A list's filter bar: selects and a search box whose values become the route's query.

import { h } from "./dom.js";
import { setQuery } from "./router.js";

/** controls: [{ name, label, options?: [{value,label}], type? }] */
export function filterBar(query, controls, { label = "筛选", reset }) {
  const inputs = controls.map((c) => control(c, query.get(c.name) || ""));
  const apply = (event) => {
    event.preventDefault();
    // Whatever else the route carries (a period from the dashboard) stays; paging restarts.
    const values = Object.fromEntries(query);
    delete values.page;
    delete values.after;
    for (const i of inputs)
      values[i.name] = i.type === "checkbox" ? (i.checked ? "1" : "") : i.value.trim();
    setQuery(values);
  };
  return h(
    "form",
    {
      class: "filters",
      onsubmit: apply,
      onchange: (e) => e.target.tagName === "SELECT" && apply(e),
      "aria-label": label,
    },
    controls.map((c, i) =>
      h(
        "label",
        { class: `filter filter-${c.type || "select"}` },
        h("span", {}, c.label),
        inputs[i],
      ),
    ),
    h(
      "div",
      { class: "filter-actions" },
      h("button", { type: "submit" }, "查询"),
      h("a", { href: reset, class: "button quiet" }, "重置"),
    ),
  );
}

function control(c, value) {
  const id = `filter-${c.name}`;
  if (c.options) {
    const select = h(
      "select",
      { name: c.name, id },
      h("option", { value: "" }, "全部"),
      c.options.map((o) => h("option", { value: o.value }, o.label)),
    );
    select.value = value;
    return select;
  }
  if (c.type === "checkbox")
    return h("input", { type: "checkbox", name: c.name, id, checked: value === "1" });
  return h("input", {
    type: c.type || "search",
    name: c.name,
    id,
    value,
    placeholder: c.placeholder,
  });
}
