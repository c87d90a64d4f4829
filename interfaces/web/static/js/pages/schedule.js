// 安排协商活动: 你说我听 (建言献策, 调研协商) on an approved topic, from the topic's page;
// 我说你听 (知情明政, 公益培训) on a theme, from the consultations page; 网络协商 either way,
// open until it closes or, without a closing time, “永不落幕”.

import { beijing } from "../format.js";
import { terms } from "../vocab.js";

const ON_TOPIC = ["SUGGESTION", "RESEARCH", "ONLINE"];
const ON_THEME = ["BRIEFING", "TRAINING", "ONLINE"];

export async function scheduleFields({ forTopic = false, platforms = [] } = {}) {
  const allowed = forTopic ? ON_TOPIC : ON_THEME;
  const forms = (await terms("ConsultationForm")).filter((f) => allowed.includes(f.name));
  const fields = [
    {
      name: "form",
      label: "协商形式",
      type: "select",
      required: true,
      options: forms.map((f) => ({ value: f.name, label: f.label })),
    },
  ];
  if (platforms.length) {
    const only = platforms.length === 1 ? platforms[0].value : "";
    fields.push({
      name: "platformId",
      label: "协商议事平台",
      type: "select",
      required: true,
      options: platforms,
      value: only,
    });
  }
  if (!forTopic) fields.push({ name: "theme", label: "活动主题", required: true });
  fields.push(
    { name: "startsAt", label: "开始时间(北京时间)", type: "datetime-local", required: true },
    {
      name: "venue",
      label: "活动地点",
      hint: "不填则为本平台协商议事厅",
      when: (v) => v.form !== "ONLINE",
    },
    {
      name: "closesAt",
      label: "截止时间",
      type: "datetime-local",
      hint: "不填则为“永不落幕”",
      when: (v) => v.form === "ONLINE",
    },
  );
  return fields;
}

export function scheduleInput(values) {
  return {
    ...values,
    startsAt: beijing(values.startsAt),
    closesAt: beijing(values.closesAt) || undefined,
  };
}
