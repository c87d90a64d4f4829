// 基础数据 (系统管理员): the platforms (kind, hall, guiding committee, 专人负责), the special
// committees, the units and the people the procedure names — listed for every reader, and
// registered or changed (the responsible person and a unit's name with a reason, the hall
// moved) by the system administrator. Names everywhere, never an id.

import { actionPanel } from "../actions.js";
import { gql, mutate } from "../api.js";
import { h, link, mount, notice, table } from "../dom.js";
import { form } from "../forms.js";
import { go } from "../router.js";
import * as session from "../session.js";
import { options } from "../vocab.js";

const REFERENCE = `{
  platforms { id name kind { code label } hallVenue version
    committee { id name } responsiblePerson { id name position } }
  committees { id name }
  units { id name kind { code label } }
  people { id name position }
}`;

const KINDS = [
  { key: "platforms", label: "协商议事平台" },
  { key: "committees", label: "专委会" },
  { key: "units", label: "交办单位" },
  { key: "people", label: "人员" },
];

export async function render(view, { query }) {
  const data = await gql(REFERENCE);
  const shown = KINDS.find((k) => k.key === query.get("kind")) || KINDS[0];
  const reload = () => go(window.location.hash);
  const choices = {
    committees: data.committees.map((c) => ({ value: c.id, label: c.name })),
    people: data.people.map((p) => ({ value: p.id, label: personText(p) })),
  };
  mount(
    view,
    h(
      "div",
      { class: "page-head" },
      h("h1", {}, "基础数据"),
      !session.may("registerPlatform") && h("span", { class: "muted" }, "只读:由系统管理员维护"),
    ),
    h(
      "nav",
      { class: "tabs", "aria-label": "基础数据类别" },
      KINDS.map((k) =>
        link(`#/reference?kind=${k.key}`, `${k.label}(${data[k.key].length})`, {
          "aria-current": k === shown ? "page" : null,
        }),
      ),
    ),
    await SECTIONS[shown.key](data, query, choices, reload),
  );
  return undefined;
}

const SECTIONS = {
  platforms: async (data, query, choices, reload) => {
    const chosen = data.platforms.find((p) => p.id === query.get("platform"));
    return [
      chosen && (await platformCard(chosen, choices, reload)),
      listing(
        "协商议事平台",
        [
          {
            label: "名称",
            cell: (p) => link(`#/reference?kind=platforms&platform=${p.id}`, p.name),
          },
          { label: "类型", cell: (p) => p.kind.label },
          { label: "议事厅地点", cell: (p) => p.hallVenue },
          { label: "指导专委会", cell: (p) => p.committee?.name || "—" },
          { label: "专人负责", cell: (p) => personText(p.responsiblePerson) },
        ],
        data.platforms,
      ),
      session.may("registerPlatform") &&
        creating("设立协商议事平台", "registerPlatform", [
          { name: "name", label: "名称", required: true },
          {
            name: "kind",
            label: "类型",
            type: "select",
            required: true,
            options: await options("PlatformKind"),
          },
          { name: "hallVenue", label: "议事厅地点", required: true },
          {
            name: "committeeId",
            label: "指导专委会",
            type: "select",
            required: true,
            options: choices.committees,
          },
          {
            name: "responsiblePersonId",
            label: "专人负责",
            type: "select",
            required: true,
            options: choices.people,
            hint: "须先在“人员”中登记",
          },
        ]),
    ];
  },
  committees: async (data) => [
    listing("专委会", [{ label: "名称", cell: (c) => c.name }], data.committees),
    session.may("establishCommittee") &&
      creating("设立专委会", "establishCommittee", [
        { name: "name", label: "名称", required: true },
      ]),
  ],
  units: async (data, query, choices, reload) => {
    const chosen = data.units.find((u) => u.id === query.get("unit"));
    return [
      chosen && unitCard(chosen, reload),
      listing(
        "交办单位",
        [
          { label: "名称", cell: (u) => link(`#/reference?kind=units&unit=${u.id}`, u.name) },
          { label: "类型", cell: (u) => u.kind.label },
        ],
        data.units,
      ),
      session.may("registerUnit") &&
        creating("登记交办单位", "registerUnit", [
          { name: "name", label: "名称", required: true },
          {
            name: "kind",
            label: "类型",
            type: "select",
            required: true,
            options: await options("UnitKind"),
          },
        ]),
    ];
  },
  people: async (data) => [
    listing(
      "人员",
      [
        { label: "姓名", cell: (p) => p.name },
        { label: "职务", cell: (p) => p.position || "—" },
      ],
      data.people,
    ),
    session.may("registerPerson") &&
      creating("登记人员", "registerPerson", [
        { name: "name", label: "姓名", required: true },
        { name: "position", label: "职务", hint: "如 政协委员、督办负责人" },
      ]),
  ],
};

function personText(p) {
  if (!p) return "—";
  return p.position ? `${p.name}(${p.position})` : p.name;
}

function listing(title, columns, rows) {
  return h(
    "section",
    { class: "card" },
    h("h2", {}, `${title}(${rows.length})`),
    table(columns, rows, { empty: "暂无记录" }),
  );
}

function creating(title, mutation, fields) {
  return h(
    "section",
    { class: "card narrow", id: `create-${mutation}` },
    h("h2", {}, title),
    form({
      submit: title,
      className: `form-${mutation}`,
      fields,
      onSubmit: (input) => mutate(mutation, input),
      onDone: () => go(window.location.hash),
    }),
  );
}

async function platformCard(p, choices, reload) {
  const versioned = (values) => ({ platformId: p.id, ...values });
  const steps = actionPanel(
    [
      {
        mutation: "changeResponsiblePerson",
        label: "更换专人负责",
        fields: [
          {
            name: "personId",
            label: "新的负责人",
            type: "select",
            required: true,
            options: choices.people.filter((o) => o.value !== p.responsiblePerson?.id),
          },
          { name: "reason", label: "更换理由", type: "textarea", required: true },
        ],
        input: versioned,
        done: reload,
      },
      {
        mutation: "movePlatformHall",
        label: "变更议事厅地点",
        fields: [{ name: "hallVenue", label: "新的地点", required: true, value: p.hallVenue }],
        input: versioned,
        done: reload,
      },
    ],
    { title: "平台变更" },
  );
  return h(
    "section",
    { class: "card", id: "platform-detail" },
    h("p", { class: "crumbs" }, link("#/reference?kind=platforms", "全部平台"), " / ", p.name),
    h("h2", {}, p.name),
    h(
      "p",
      {},
      `${p.kind.label} · 议事厅:${p.hallVenue} · 专人负责:${personText(p.responsiblePerson)}`,
    ),
    steps || notice("只读:由系统管理员维护", "info"),
  );
}

function unitCard(u, reload) {
  const steps = actionPanel(
    [
      {
        mutation: "renameUnit",
        label: "单位更名",
        fields: [
          { name: "name", label: "新名称", required: true },
          { name: "reason", label: "更名理由", type: "textarea", required: true },
        ],
        input: (values) => ({ unitId: u.id, ...values }),
        done: reload,
      },
    ],
    { title: "单位变更" },
  );
  return h(
    "section",
    { class: "card", id: "unit-detail" },
    h("p", { class: "crumbs" }, link("#/reference?kind=units", "全部单位"), " / ", u.name),
    h("h2", {}, u.name),
    steps || notice("只读:由系统管理员维护", "info"),
  );
}

