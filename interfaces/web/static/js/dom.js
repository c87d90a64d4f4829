// Building the page from data without innerHTML: every text is a text node, so nothing a
// person typed into a record can become markup.

export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      element.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === "class") {
      element.className = value;
    } else if (key === "dataset") {
      Object.assign(element.dataset, value);
    } else if (key in element && typeof value !== "string") {
      element[key] = value;
    } else {
      element.setAttribute(key, value === true ? "" : String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function mount(target, ...children) {
  target.replaceChildren();
  append(target, children);
  return target;
}

export function link(href, text, attrs = {}) {
  return h("a", { href, ...attrs }, text);
}

export function section(title, ...children) {
  return h("section", { class: "card" }, h("h2", {}, title), ...children);
}

const blank = (value) => value === null || value === undefined || value === "";
const shown = (value) => (blank(value) ? "—" : value);

/** A definition list from [label, value] pairs; pairs without a value are left out. */
export function facts(pairs) {
  return h(
    "dl",
    { class: "facts" },
    pairs
      .filter(([, value]) => !blank(value))
      .map(([label, value]) => [h("dt", {}, label), h("dd", {}, value)]),
  );
}

/** A table that turns into labelled cards on a phone (each cell carries its column name). */
export function table(columns, rows, { empty = "暂无记录", caption = null } = {}) {
  if (!rows.length) return h("p", { class: "muted empty" }, empty);
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "grid" },
      caption && h("caption", {}, caption),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          columns.map((c) => h("th", { scope: "col" }, c.label)),
        ),
      ),
      h(
        "tbody",
        {},
        rows.map((row) =>
          h(
            "tr",
            {},
            columns.map((c) =>
              h(
                "td",
                { "data-label": c.label, class: c.class },
                h("div", { class: "cell" }, shown(c.cell(row))),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

export function badge(term, tone = "") {
  if (!term) return "—";
  return h("span", { class: `badge ${tone} code-${String(term.code).toLowerCase()}` }, term.label);
}

export function notice(message, tone = "error") {
  return h(
    "div",
    { class: `notice ${tone}`, role: tone === "error" ? "alert" : "status" },
    message,
  );
}

let quieting = null;

/** Says, in the page's status line (read out by screen readers), that something was done. */
export function announce(message) {
  const line = document.getElementById("announce");
  if (!line) return;
  line.textContent = message;
  line.hidden = false;
  clearTimeout(quieting);
  quieting = setTimeout(() => (line.hidden = true), 6000);
}

export function button(text, onClick, attrs = {}) {
  return h("button", { type: "button", onclick: onClick, ...attrs }, text);
}
