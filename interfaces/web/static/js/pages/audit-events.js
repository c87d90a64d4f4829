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

/** What each kind of record is called (the trail's 对象 column, before the record's title). */
export const RECORD_KINDS = {
  Topic: "议题",
  Consultation: "协商活动",
  SupervisionItem: "督办事项",
  Attachment: "附件",
  Platform: "协商议事平台",
  Committee: "区政协专委会",
  Unit: "交办单位",
  Person: "人员",
  Erasure: "个人信息删除",
  Webhook: "事件订阅",
  HotlineTicket: "12345 工单",
  CommandReceipt: "指令回执",
  Account: "账户",
};
