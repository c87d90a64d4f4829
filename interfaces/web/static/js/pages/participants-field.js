// 明确参加人员: one row per person (kind, name, organisation), as many rows as needed.

import { h } from "../dom.js";
import { terms } from "../vocab.js";

let kinds = [];
terms("ParticipantKind").then((t) => (kinds = t));

export function participantsField() {
  return {
    name: "participants",
    aliases: ["participant"],
    label: "参加人员",
    type: "custom",
    required: true,
    make: (attrs) => {
      const rows = h("div", { class: "people" });
      const add = () => rows.append(personRow(rows));
      add();
      return h(
        "div",
        { id: attrs.id, "aria-describedby": attrs["aria-describedby"], class: "people-field" },
        rows,
        h("button", { type: "button", class: "quiet", onclick: add }, "+ 添加一人"),
      );
    },
    read: (row) =>
      [...row.querySelectorAll(".person")]
        .map((p) => ({
          kind: p.querySelector("select").value,
          name: p.querySelector("[data-part=name]").value.trim(),
          organisation: p.querySelector("[data-part=organisation]").value.trim(),
        }))
        .filter((p) => p.name),
    // A kept draft (see forms.js): one row per person, as typed.
    write: (row, people) => {
      const rows = row.querySelector(".people");
      while (rows.children.length < people.length) rows.append(personRow(rows));
      people.forEach((person, i) => {
        const at = rows.children[i];
        at.querySelector("select").value = person.kind;
        at.querySelector("[data-part=name]").value = person.name;
        at.querySelector("[data-part=organisation]").value = person.organisation;
      });
    },
  };
}

function personRow(rows) {
  const kind = h(
    "select",
    { "aria-label": "类别", name: "participants.kind" },
    kinds.map((k) => h("option", { value: k.name }, k.label)),
  );
  const row = h(
    "div",
    { class: "person" },
    kind,
    h("input", {
      type: "text",
      "aria-label": "姓名",
      placeholder: "姓名",
      dataset: { part: "name" },
      name: "participants.name",
    }),
    h("input", {
      type: "text",
      "aria-label": "单位",
      placeholder: "单位(可不填)",
      dataset: { part: "organisation" },
      name: "participants.organisation",
    }),
    h(
      "button",
      {
        type: "button",
        class: "quiet",
        "aria-label": "删除此人",
        onclick: () => rows.children.length > 1 && row.remove(),
      },
      "×",
    ),
  );
  return row;
}
