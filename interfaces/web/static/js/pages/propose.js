// 提出协商事项: a matter from a channel, with who raised it (personal data, kept sealed).

import { gql, mutate } from "../api.js";
import { h, mount, notice } from "../dom.js";
import { form } from "../forms.js";
import { go } from "../router.js";
import * as session from "../session.js";
import { options } from "../vocab.js";

export async function render(view) {
  if (!session.may("proposeTopic")) {
    return mount(view, notice(`无权限:“${session.current().role.label}”不能提出协商事项`));
  }
  const [channels, categories, { platforms }] = await Promise.all([
    options("Channel"),
    options("Category"),
    gql("{ platforms { id name } }"),
  ]);
  const own = session.role() === "PLATFORM_STAFF" ? session.current().scope : "";
  const fields = [
    { name: "title", label: "事项标题", required: true },
    { name: "content", label: "事项内容", type: "textarea", rows: 5, required: true },
    { name: "channel", label: "来源渠道", type: "select", options: channels, required: true },
    { name: "category", label: "事项类别", type: "select", options: categories, required: true },
    {
      name: "platformId",
      label: "协商议事平台",
      type: "select",
      options: platforms.map((p) => ({ value: p.id, label: p.name })),
      value: own,
      required: true,
    },
    {
      name: "proposer.name",
      label: "提出人姓名",
      required: true,
      hint: "个人信息,仅本平台专人和纪检监察可见",
    },
    { name: "proposer.phone", label: "联系电话" },
    { name: "proposer.organisation", label: "所在单位" },
    {
      name: "hotlineTickets",
      label: "12345工单号",
      type: "lines",
      hint: "每行一个工单号",
      when: (values) => values.channel === "HOTLINE_12345",
    },
  ];
  mount(
    view,
    h("h1", {}, "提出协商事项"),
    h(
      "section",
      { class: "card narrow" },
      form({
        fields,
        submit: "提出事项",
        className: "form-proposeTopic",
        onSubmit: (input) => mutate("proposeTopic", input),
        onDone: (changed) => go(`#/topic/${changed.id}`),
      }),
    ),
  );
  return undefined;
}
