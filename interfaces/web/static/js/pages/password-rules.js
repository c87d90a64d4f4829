// The password rules, as a hint beside the field while typing (the server decides: twelve
// characters or more, three kinds of the four, not containing the username, not a common one).

import { h } from "../dom.js";

export const RULES_TEXT =
  "至少12个字符,含小写字母、大写字母、数字、其他字符中的至少三类,不能包含用户名,不能是常见密码。";

const KINDS = [/\p{Ll}/u, /\p{Lu}/u, /\p{Nd}/u, /[^\p{L}\p{Nd}]|[^\x20-\x7e]/u];

function checks(password, username, repeat) {
  const kinds = KINDS.filter((k) => k.test(password)).length;
  const list = [
    ["length", "至少12个字符", [...password].length >= 12],
    ["kinds", "含小写字母、大写字母、数字、其他字符中的至少三类", kinds >= 3],
    [
      "username",
      "不包含用户名",
      Boolean(password) && !(username && password.toLowerCase().includes(username.toLowerCase())),
    ],
  ];
  if (repeat !== undefined)
    list.push(["repeat", "两次输入一致", Boolean(password) && password === repeat]);
  return list;
}

/** A checklist that follows the field `name` of `form` (and the field `repeat`, if given). */
export function rulesHint(form, { name, repeat = null, username = () => "" }) {
  const list = h("ul", { class: "rules", "aria-live": "polite", dataset: { rulesFor: name } });
  const draw = () => {
    const password = form.querySelector(`[name="${name}"]`).value;
    const again = repeat ? form.querySelector(`[name="${repeat}"]`).value : undefined;
    list.replaceChildren(
      ...checks(password, username(), again).map(([key, text, met]) =>
        h("li", { class: met ? "met" : "unmet", dataset: { rule: key } }, met ? "✓ " : "· ", text),
      ),
    );
  };
  form.addEventListener("input", draw);
  draw();
  form.querySelector(`.field[data-field="${name}"]`).append(list);
  return list;
}
