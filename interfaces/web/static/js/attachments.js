// 附件: the files kept as a record's evidence (minutes, 签到表, photos, 提案 and 办理回复
// documents). Each is listed with its thumbnail (images) or its kind, name, size, who added it
// and when, a download link, and — for who may — withdrawal with a reason. Files are added by
// dropping them on the drop zone or by choosing them (a labelled file input, keyboard
// accessible), then uploading: the bytes go to POST /attachments, which checks them, and the
// `addAttachment` mutation attaches the upload to the record. Refusals are shown in Chinese.

import { ApiError, fileBlob, mutate, uploadFile } from "./api.js";
import { button, h, mount, notice } from "./dom.js";
import { fileSize, moment } from "./format.js";
import { form } from "./forms.js";
import * as session from "./session.js";

/** The selection each record's query asks for, under `attachments`. */
export const ATTACHMENT_FIELDS = `attachments {
  id ownerKind name mediaType size addedAt addedBy downloadUrl thumbnailUrl personalData readable
  restricted
}`;

const ACCEPT = ".pdf,.ofd,.docx,.xlsx,.jpg,.jpeg,.png";
const KINDS_HINT = "接受 PDF、OFD、Word(DOCX)、Excel(XLSX)、JPEG、PNG 文件,按文件内容判断类型";
const MEDIA = {
  "application/pdf": "PDF文档",
  "application/ofd": "OFD版式文件",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word文档",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel表格",
  "image/jpeg": "JPEG图片",
  "image/png": "PNG图片",
};
const SHORT = { PDF文档: "PDF", OFD版式文件: "OFD", Word文档: "DOCX", Excel表格: "XLSX" };

let counter = 0;

/**
 * The 附件 card of a record.
 * - attachments: the record's `attachments` (ATTACHMENT_FIELDS)
 * - kinds: [{ kind: "CONSULTATION", label: "协商材料" }, …] what a new file may be attached
 *   as (the owner kinds of the record); with more than one, the person chooses
 * - ownerId: the record's id
 * - reload(): draws the page again once files were attached or withdrawn
 * - load(): the record's attachments read again (after a partly refused upload)
 */
export function attachmentsSection({ title = "附件", attachments, kinds, ownerId, reload, load }) {
  const id = `attach${++counter}`;
  const mayAdd = session.may("addAttachment");
  if (!attachments.length && !mayAdd) return null; // nothing to see, nothing to do
  const heading = h("h2", {});
  const list = h("div", { class: "attachment-list" });
  const show = (rows) => {
    heading.textContent = `${title}(${rows.length} 个)`;
    mount(list, attachmentList(rows, kinds, reload));
  };
  show(attachments);
  const adding = mayAdd
    ? uploader({ id, kinds, ownerId, reload, refresh: async () => show(await load()) })
    : null;
  return h(
    "section",
    { class: "card attachments", id, "aria-label": title, dataset: { attachments: ownerId } },
    heading,
    list,
    adding,
  );
}

function attachmentList(rows, kinds, reload) {
  if (!rows.length) return h("p", { class: "muted empty" }, "暂无附件");
  const labelOf = new Map(kinds.map((k) => [k.kind, k.label]));
  const grouped = kinds.length > 1 && rows.some((r) => r.ownerKind);
  if (!grouped)
    return h(
      "ul",
      { class: "attachment-items" },
      rows.map((r) => item(r, reload)),
    );
  return kinds.map((k) => {
    const own = rows.filter((r) => enumOf(r.ownerKind) === k.kind);
    return own.length
      ? [
          h("h3", {}, labelOf.get(k.kind)),
          h(
            "ul",
            { class: "attachment-items" },
            own.map((r) => item(r, reload)),
          ),
        ]
      : null;
  });
}

function enumOf(kind) {
  if (!kind) return "";
  return String(typeof kind === "object" ? kind.name || kind.code : kind).toUpperCase();
}

function mediaLabel(media) {
  if (!media) return "文件";
  if (typeof media === "object") return media.label || MEDIA[media.code] || "文件";
  return MEDIA[media] || "文件";
}

function isImage(a) {
  const media = typeof a.mediaType === "object" ? a.mediaType?.code : a.mediaType;
  return Boolean(a.thumbnailUrl) || String(media || "").startsWith("image/");
}

/** A same-origin path for a URL the server gave (it may be absolute, for other readers). */
function localPath(url) {
  const parsed = new URL(url, window.location.href);
  return parsed.origin === window.location.origin ? `${parsed.pathname}${parsed.search}` : null;
}

function item(a, reload) {
  const media = mediaLabel(a.mediaType);
  const readable = a.readable !== false;
  const withdrawSlot = h("div", { class: "attachment-withdraw" });
  return h(
    "li",
    { class: "attachment", dataset: { attachment: a.name } },
    preview(a, media, readable),
    h(
      "div",
      { class: "attachment-body" },
      h("div", { class: "attachment-name" }, a.name),
      h(
        "div",
        { class: "attachment-meta muted small" },
        [media, fileSize(a.size), a.addedBy, moment(a.addedAt)].filter(Boolean).join(" · "),
      ),
      a.personalData ? h("span", { class: "badge personal" }, "含个人信息") : null,
      readable ? null : h("p", { class: "muted small" }, unreadable(a)),
      h(
        "div",
        { class: "attachment-actions" },
        readable && a.downloadUrl ? download(a) : null,
        session.may("withdrawAttachment")
          ? button("撤回", (event) => withdraw(a, event.currentTarget, withdrawSlot, reload), {
              class: "quiet",
              "aria-expanded": "false",
              "aria-label": `撤回 ${a.name}`,
            })
          : null,
      ),
      withdrawSlot,
    ),
  );
}

function unreadable(a) {
  if (a.restricted) return "内容已按规定限制,无权下载";
  return "含个人信息:无权下载,或数据主体已删除、内容不可再读";
}

function preview(a, media, readable) {
  const url = readable && a.thumbnailUrl ? localPath(a.thumbnailUrl) : null;
  if (!url) {
    const short = SHORT[media] || (isImage(a) ? "图片" : "文件");
    return h("div", { class: "attachment-thumb kind", "aria-hidden": "true" }, short);
  }
  const img = h("img", {
    class: "attachment-thumb",
    alt: `${a.name} 的缩略图`,
    width: 96,
    height: 96,
  });
  if (session.bySession()) img.src = url;
  else
    fileBlob(url)
      .then((blob) => (img.src = URL.createObjectURL(blob)))
      .catch(() => (img.alt = `${a.name}(缩略图无法读取)`));
  return img;
}

function download(a) {
  const url = localPath(a.downloadUrl);
  const anchor = h(
    "a",
    { class: "button", href: url, download: a.name, "aria-label": `下载 ${a.name}` },
    "下载",
  );
  // A pasted token cannot ride along with a link: the page fetches the file and hands it over.
  anchor.addEventListener("click", async (event) => {
    if (session.bySession()) return;
    event.preventDefault();
    try {
      const blob = await fileBlob(url);
      const local = URL.createObjectURL(blob);
      const save = h("a", { href: local, download: a.name, hidden: true });
      document.body.append(save);
      save.click();
      save.remove();
      setTimeout(() => URL.revokeObjectURL(local), 60_000);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      anchor.after(h("span", { class: "field-error", role: "alert" }, error.chinese));
    }
  });
  return anchor;
}

function withdraw(a, pressed, slot, reload) {
  if (pressed.getAttribute("aria-expanded") === "true") {
    pressed.setAttribute("aria-expanded", "false");
    return mount(slot);
  }
  pressed.setAttribute("aria-expanded", "true");
  const element = form({
    fields: [{ name: "reason", label: "撤回理由", type: "textarea", required: true, rows: 2 }],
    submit: "确认撤回",
    className: `form-withdrawAttachment`,
    draft: false,
    onSubmit: (values) => mutate("withdrawAttachment", { attachmentId: a.id, ...values }),
    onDone: reload,
  });
  mount(slot, element);
  element.querySelector("[name]").focus();
  return undefined;
}

/** A refusal in Chinese: the server's "中文 (English)" without the English, the size limit as
 * a reader reads sizes ("20.0 MB", not bytes), a broken-off upload said as such. */
function why(error) {
  const limit = Number(error.details?.limit);
  if (error.reason === "FILE_TOO_LARGE" && limit) return `输入有误:文件超过上限 ${fileSize(limit)}`;
  if (error.reason === "BODY_TOO_LARGE") return "输入有误:文件超过大小上限";
  if (error.kind === "NETWORK") return "上传中断:请检查网络后重试";
  return error.chinese.replace(/\s*\([\x20-\x7e]+\)$/, "");
}

function uploader({ id, kinds, ownerId, reload, refresh }) {
  const chosen = []; // File objects waiting to be uploaded
  const inputId = `${id}-file`;
  const input = h("input", {
    type: "file",
    id: inputId,
    name: "file",
    multiple: true,
    accept: ACCEPT,
    class: "file-input",
  });
  const pending = h("ul", { class: "pending-files", "aria-live": "polite" });
  const personal = h("input", { type: "checkbox", name: "personalData", id: `${id}-personal` });
  const kindChoice =
    kinds.length > 1
      ? h(
          "div",
          { class: "radios", role: "radiogroup", "aria-label": "附件类别" },
          h("span", { class: "label" }, "附件类别"),
          kinds.map((k, i) =>
            h(
              "label",
              { class: "check" },
              h("input", { type: "radio", name: `${id}-kind`, value: k.kind, checked: i === 0 }),
              k.label,
            ),
          ),
        )
      : null;
  const status = h("div", { class: "upload-status", "aria-live": "polite" });
  const send = h("button", { type: "submit", class: "primary", disabled: true }, "上传附件");

  const drawPending = () => {
    mount(
      pending,
      chosen.map((file, i) =>
        h(
          "li",
          {},
          h("span", { class: "pending-name" }, file.name),
          h("span", { class: "muted small" }, ` ${fileSize(file.size)} `),
          button(
            "移除",
            () => {
              chosen.splice(i, 1);
              drawPending();
            },
            { class: "link-button", "aria-label": `移除 ${file.name}` },
          ),
        ),
      ),
    );
    send.disabled = !chosen.length;
  };
  const take = (files) => {
    for (const file of files) chosen.push(file);
    mount(status);
    drawPending();
  };
  input.addEventListener("change", () => {
    take([...input.files]);
    input.value = "";
  });

  // The native input stays (focusable, announced by its label) but out of sight: its own
  // button would speak the browser's language; the label is the button people see.
  const zone = h(
    "div",
    { class: "dropzone", dataset: { dropzone: "" } },
    h(
      "p",
      { class: "dropzone-text" },
      "将文件拖放到此处,或 ",
      input,
      h("label", { for: inputId, class: "button file-label" }, "选择文件"),
    ),
    h("p", { class: "hint" }, KINDS_HINT),
  );
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("dragging");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("dragging");
    take([...(event.dataTransfer?.files || [])]);
  });

  const element = h(
    "form",
    { class: "form attach-form", novalidate: true },
    h("h3", {}, "添加附件"),
    kindChoice,
    zone,
    pending,
    h(
      "label",
      { class: "check personal-data", for: personal.id },
      personal,
      h(
        "span",
        {},
        "含个人信息",
        h("span", { class: "muted small" }, "(如签到表、人物照片:加密保存,删除个人信息后不可再读)"),
      ),
    ),
    status,
    h("div", { class: "form-actions" }, send),
  );
  element.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!chosen.length) return;
    send.disabled = true;
    send.setAttribute("aria-busy", "true");
    const kind = element.querySelector(`input[name="${id}-kind"]:checked`)?.value || kinds[0].kind;
    const refused = [];
    let attached = 0;
    for (const file of [...chosen]) {
      mount(status, notice(`正在上传“${file.name}”……`, "info"));
      try {
        const upload = await uploadFile(file);
        await mutate(
          "addAttachment",
          {
            ownerKind: kind,
            ownerId,
            uploadId: upload.uploadId || upload.id,
            personalData: personal.checked,
          },
          "id",
        );
        attached += 1;
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        refused.push(`“${file.name}”未能附加:${why(error)}`);
        continue;
      }
      chosen.splice(chosen.indexOf(file), 1);
    }
    send.removeAttribute("aria-busy");
    if (!refused.length) return reload();
    mount(
      status,
      h(
        "div",
        { class: "notice error upload-refused", role: "alert" },
        refused.map((line) => h("p", {}, line)),
      ),
    );
    chosen.length = 0; // a refused file is not tried again as it is
    drawPending();
    if (attached) await refresh();
    return undefined;
  });
  return element;
}
