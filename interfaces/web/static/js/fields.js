// The controls of a form field: a label, the input (text, textarea, select, date, lines,
// checkboxes, radios, or a custom control), a hint, and the place for its error.

import { h } from "./dom.js";

export function row(formId, field) {
  const controlId = `${formId}-${field.name.replace(/\W/g, "-")}`;
  const errorId = `${controlId}-error`;
  const control = makeControl(field, controlId, errorId);
  const mark = field.required ? h("span", { class: "required", "aria-hidden": "true" }, "*") : null;
  const label = ["checkboxes", "radios", "custom"].includes(field.type)
    ? h("span", { class: "label" }, field.label, mark)
    : h("label", { for: controlId, class: "label" }, field.label, mark);
  return h(
    "div",
    { class: `field field-${field.type || "text"}`, dataset: { field: field.name } },
    label,
    control,
    field.hint && h("p", { class: "hint" }, field.hint),
    h("p", { class: "field-error", id: errorId, hidden: true }),
  );
}

function makeControl(field, id, errorId) {
  const common = {
    id,
    name: field.name,
    "aria-describedby": errorId,
    required: Boolean(field.required),
  };
  switch (field.type) {
    case "textarea":
    case "lines":
      return h(
        "textarea",
        { ...common, rows: field.rows || 3, placeholder: field.placeholder },
        field.value || "",
      );
    case "select": {
      const select = h(
        "select",
        common,
        h("option", { value: "" }, field.placeholder || "请选择"),
        field.options.map((o) => h("option", { value: o.value }, o.label)),
      );
      if (field.value) select.value = field.value;
      return select;
    }
    case "radios":
      return h(
        "div",
        {
          class: "radios",
          id,
          role: "radiogroup",
          "aria-label": field.label,
          "aria-describedby": errorId,
        },
        field.options.map((o) =>
          h(
            "label",
            { class: "check" },
            h("input", {
              type: "radio",
              name: field.name,
              value: o.value,
              checked: o.value === field.value,
            }),
            o.label,
          ),
        ),
      );
    case "custom":
      return field.make(common);
    case "checkboxes":
      return h(
        "div",
        {
          class: "checkboxes",
          id,
          role: "group",
          "aria-label": field.label,
          "aria-describedby": errorId,
        },
        field.options.map((o) =>
          h(
            "label",
            { class: "check" },
            h("input", {
              type: "checkbox",
              name: field.name,
              value: o.value,
              checked: o.checked !== false,
            }),
            o.label,
          ),
        ),
      );
    default:
      return h("input", {
        ...common,
        type: field.type || "text",
        value: field.value || "",
        placeholder: field.placeholder,
        autocomplete: field.autocomplete,
        inputmode: field.inputmode,
        maxlength: field.maxlength,
      });
  }
}

export function collect(byName) {
  const values = {};
  for (const { field, row: r } of byName.values()) {
    if (field.type === "checkboxes") {
      values[field.name] = [...r.querySelectorAll("input:checked")].map((i) => i.value);
    } else if (field.type === "radios") {
      values[field.name] = r.querySelector("input:checked")?.value || "";
    } else if (field.type === "custom") {
      values[field.name] = field.read(r);
    } else {
      const raw = r.querySelector("[name]").value;
      values[field.name] =
        field.type === "lines"
          ? raw
              .split("\n")
              .map((s) => s.trim())
              .filter(Boolean)
          : raw.trim();
    }
    if (r.hidden) delete values[field.name];
  }
  return values;
}
