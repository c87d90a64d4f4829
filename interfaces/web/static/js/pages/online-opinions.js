// 网络协商意见: the opinions a 网络协商 has received (count, author where the role may read
// personal data, text, time), a form to post one for a role that may, and the list kept
// current while the page is open (live.js: the event stream, or polling while it is down).

import { gql, mutate } from "../api.js";
import { h, mount } from "../dom.js";
import { form } from "../forms.js";
import { moment } from "../format.js";
import { watchLog } from "../live.js";
import * as session from "../session.js";

const QUERY = `query OnlineOpinions($id: ID!) { consultation(id: $id) {
  onlineOpinionsCount onlineOpinions { id authorName content postedAt }
} }`;

/** The section and a function that stops its live updates. */
export async function onlineOpinionsSection(c) {
  const title = h("h2", {}, "网络协商意见");
  const list = h("div", { id: "online-opinions", "aria-live": "polite" });
  const refresh = async () => {
    const { consultation } = await gql(QUERY, { id: c.id });
    if (consultation) draw(title, list, consultation);
  };
  await refresh();
  const stop = watchLog({
    cursor: session.current().liveCursor,
    changed: () => refresh().catch(() => {}),
    mode: (kind) => {
      list.dataset.live = kind;
    },
  });
  const element = h("section", { class: "card" }, title, list, postForm(c, refresh));
  return { element, stop };
}

function draw(title, list, consultation) {
  const count = consultation.onlineOpinionsCount;
  title.textContent = `网络协商意见(${count} 条)`;
  title.dataset.count = String(count);
  const opinions = consultation.onlineOpinions;
  mount(
    list,
    opinions.length
      ? h(
          "ol",
          { class: "opinions" },
          opinions.map((o) =>
            h(
              "li",
              {},
              h("p", { class: "prose" }, o.content),
              h(
                "div",
                { class: "muted small" },
                `${o.authorName ?? "(个人信息,无权查看)"} · ${moment(o.postedAt)}`,
              ),
            ),
          ),
        )
      : h("p", { class: "muted" }, "尚未收到意见"),
  );
}

function isOpen(c) {
  const now = Date.now();
  return (
    c.form.code === "ONLINE" &&
    c.status.code === "SCHEDULED" &&
    new Date(c.startsAt).getTime() <= now &&
    (!c.closesAt || now <= new Date(c.closesAt).getTime())
  );
}

function postForm(c, refresh) {
  if (!isOpen(c) || !session.may("postOnlineOpinion")) return null;
  const element = form({
    fields: [
      { name: "authorName", label: "发表人姓名", required: true },
      { name: "authorPhone", label: "联系电话", hint: "选填;个人信息,加密保存" },
      { name: "content", label: "意见内容", type: "textarea", rows: 3, required: true },
    ],
    submit: "发表意见",
    className: "form-postOnlineOpinion",
    draft: false,
    onSubmit: (values) => mutate("postOnlineOpinion", { consultationId: c.id, ...values }),
    onDone: async () => {
      element.reset();
      await refresh();
    },
  });
  return [h("h3", {}, "代为发表意见"), element];
}
