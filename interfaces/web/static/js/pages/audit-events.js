// Event types of the log, with what each means in Chinese, for the audit trail's filter and
// labels: served by the event catalogue (`eventTypes`), loaded once.

import { gql } from "../api.js";

let loaded = null;

/** [type, 中文 name] pairs, in the catalogue's order. */
export async function eventTypes() {
  if (!loaded) {
    loaded = gql("{ eventTypes { type nameZh } }", {}, { signedIn: false }).then((data) =>
      data.eventTypes.map((t) => [t.type, t.nameZh]),
    );
    loaded.catch(() => (loaded = null));
  }
  return loaded;
}

export const RECORD_PAGES = {
  Topic: "topic",
  Consultation: "consultation",
  SupervisionItem: "item",
};
