// 明确参加人员: one row per person (kind, name, organisation), as many rows as needed. A row is
// picked from the roster (a registered person: their name; a registered unit: its name as the
// organisation), which links the participant to the record, or typed in for an outside
// representative.

import { gql } from "../api.js";
import { h } from "../dom.js";
import { terms } from "../vocab.js";

let kinds = [];
terms("ParticipantKind").then((t) => (kinds = t));

const TYPED = "";
let roster = null;

function rosterOnce() {
  roster ??= gql("{ people { id name position } units { id name } }").catch(() => ({
    people: [],
    units: [],
  }));
  return roster;
}

export function participantsField() {
  return {
    name: "participants",
    aliases: ["participant"],
    label: "参加人员",
    type: "custom",
    required: true,
    hint: "可从名册选择登记人员或单位;外来代表请直接填写姓名。",
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
          kind: p.querySelector("[data-part=kind]").value,
          name: p.querySelector("[data-part=name]").value.trim(),
          organisation: p.querySelector("[data-part=organisation]").value.trim(),
          ...linkOf(p.querySelector("[data-part=roster]").value),
        }))
        .filter((p) => p.name),
    // A kept draft (see forms.js): one row per person, as typed or picked.
    write: (row, people) => {
      const rows = row.querySelector(".people");
      while (rows.children.length < people.length) rows.append(personRow(rows));
      people.forEach((person, i) => {
        const at = rows.children[i];
        at.querySelector("[data-part=kind]").value = person.kind;
        at.querySelector("[data-part=name]").value = person.name;
        at.querySelector("[data-part=organisation]").value = person.organisation;
        const picked = person.personId
          ? `person:${person.personId}`
          : person.unitId
            ? `unit:${person.unitId}`
            : TYPED;
        rosterOnce().then(() => choose(at, picked));
      });
    },
  };
}

/** "person:<id>" → { personId }, "unit:<id>" → { unitId }, typed → {}. */
function linkOf(value) {
  const [kind, id] = value.split(":");
  if (kind === "person") return { personId: id };
  if (kind === "unit") return { unitId: id };
  return {};
}

function rosterSelect(row) {
  const select = h(
    "select",
    { "aria-label": "从名册选择", dataset: { part: "roster" }, name: "participants.roster" },
    h("option", { value: TYPED }, "手动填写(外来代表)"),
  );
  rosterOnce().then(({ people, units }) => {
    const keep = select.value;
    select.append(
      h(
        "optgroup",
        { label: "登记人员" },
        people.map((p) =>
          h(
            "option",
            { value: `person:${p.id}`, dataset: { name: p.name } },
            p.position ? `${p.name}(${p.position})` : p.name,
          ),
        ),
      ),
      h(
        "optgroup",
        { label: "登记单位" },
        units.map((u) => h("option", { value: `unit:${u.id}` }, u.name)),
      ),
    );
    select.value = keep;
  });
  select.addEventListener("change", () => choose(row, select.value));
  return select;
}

/** Fills the row from the roster's record; the linked field is then the record's, not typed. */
function choose(row, value) {
  const select = row.querySelector("[data-part=roster]");
  const name = row.querySelector("[data-part=name]");
  const organisation = row.querySelector("[data-part=organisation]");
  select.value = value;
  const chosen = select.selectedOptions[0];
  const { personId, unitId } = linkOf(value);
  name.readOnly = Boolean(personId);
  organisation.readOnly = Boolean(unitId);
  if (personId) name.value = chosen.dataset.name;
  if (unitId) organisation.value = chosen.textContent;
  row.dataset.linked = personId ? "person" : unitId ? "unit" : "";
}

function personRow(rows) {
  const kind = h(
    "select",
    { "aria-label": "类别", name: "participants.kind", dataset: { part: "kind" } },
    kinds.map((k) => h("option", { value: k.name }, k.label)),
  );
  const row = h("div", { class: "person" });
  row.append(
    rosterSelect(row),
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
