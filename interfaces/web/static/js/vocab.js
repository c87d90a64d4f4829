// The controlled vocabularies with their 中文 labels, loaded once from `vocabularies`.
// GraphQL enums use a term's `name` (REAL_NAME_REPORT); counts and views use its `code`.

import { gql } from "./api.js";

let loaded = null;

export async function vocabularies() {
  if (!loaded) {
    loaded = gql(
      "{ vocabularies { name terms { code name label english number } } }",
      {},
      {
        signedIn: false,
      },
    ).then((data) => new Map(data.vocabularies.map((v) => [v.name, v.terms])));
    loaded.catch(() => (loaded = null));
  }
  return loaded;
}

export async function terms(name) {
  return (await vocabularies()).get(name) || [];
}

/** Options for a select: the enum name as value, the 中文 label as text. */
export async function options(name) {
  return (await terms(name)).map((t) => ({ value: t.name, label: t.label }));
}

/** The enum name (for filters) of a stored code such as "real_name_report". */
export function enumName(code) {
  return String(code).toUpperCase();
}
