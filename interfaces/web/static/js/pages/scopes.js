// A role's scope: the platform, committee, unit, supervisor or member (a person) it is limited
// to, by name. Roles without a scope act district-wide.

import { gql } from "../api.js";

export const SCOPED = {
  PLATFORM_STAFF: { list: "platforms", label: "协商议事平台" },
  COMMITTEE: { list: "committees", label: "专委会" },
  UNIT: { list: "units", label: "交办单位" },
  SUPERVISOR: { list: "people", label: "督办负责人" },
  MEMBER: { list: "people", label: "政协委员" }, // the registered person the account is
};

/** { platforms, committees, units, people }: [{ value, label, name }] each; a list the caller may not
 * read stays empty (the scope is then shown by its id). */
export async function scopeChoices() {
  const lists = await Promise.all(
    [
      ["platforms", "{ platforms { id name } }", (r) => r.name],
      ["committees", "{ committees { id name } }", (r) => r.name],
      ["units", "{ units { id name } }", (r) => r.name],
      ["people", "{ people { id name position } }", (r) => `${r.name}(${r.position})`],
    ].map(([list, query, label]) =>
      gql(query)
        .then((data) => [
          list,
          data[list].map((r) => ({ value: r.id, label: label(r), name: r.name })),
        ])
        .catch(() => [list, []]),
    ),
  );
  return Object.fromEntries(lists);
}

/** "协商议事平台专人(永顺镇委员工作站)" for a held role. */
export function roleText(choices, code, label, scope) {
  if (!scope) return label;
  const list = choices[SCOPED[code]?.list] || [];
  const named = list.find((o) => o.value === scope);
  return `${label}(${named ? named.name : scope})`;
}
