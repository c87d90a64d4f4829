// The steps a record allows now, for this role: one button per step, opening its form.

import { mutate } from "./api.js";
import { h, mount } from "./dom.js";
import { form, hasDraft } from "./forms.js";
import * as session from "./session.js";

/**
 * steps: [{ mutation, label, available, fields, input(values) → mutation input, done(result) }]
 * Steps the role may not perform, or that the record's state does not allow, are not shown.
 */
export function actionPanel(steps, { title = "办理", empty = null } = {}) {
  const shown = steps.filter((s) => s.available !== false && session.may(s.mutation));
  if (!shown.length) return empty;
  const slot = h("div", { class: "action-form" });
  const buttons = shown.map((step) =>
    h(
      "button",
      {
        type: "button",
        class: "action",
        dataset: { action: step.mutation },
        "aria-expanded": "false",
        onclick: (event) => open(step, event.currentTarget, slot, buttons),
      },
      step.label,
    ),
  );
  // A step whose form was being filled in when the session ended opens again, filled in.
  const waiting = shown.findIndex((s) => hasDraft(`form-${s.mutation}`));
  if (waiting >= 0) open(shown[waiting], buttons[waiting], slot, buttons);
  return h(
    "section",
    { class: "card actions", "aria-label": title },
    h("h2", {}, title),
    h("div", { class: "action-buttons" }, buttons),
    slot,
  );
}

function open(step, pressed, slot, buttons) {
  const wasOpen = pressed.getAttribute("aria-expanded") === "true";
  buttons.forEach((b) => b.setAttribute("aria-expanded", "false"));
  if (wasOpen) return mount(slot);
  pressed.setAttribute("aria-expanded", "true");
  const element = form({
    fields: step.fields,
    submit: step.submit || `确认${step.label}`,
    className: `form-${step.mutation}`,
    onSubmit: (values) => mutate(step.mutation, step.input(values), step.selection || "id version"),
    onDone: step.done,
    confirmation: `「${step.label}」已完成`,
  });
  mount(slot, h("h3", {}, step.label), element);
  const first = element.querySelector("[name]");
  if (first) first.focus();
  return undefined;
}
