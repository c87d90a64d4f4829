// 防篡改账本: recomputed from the raw log on request (核验账本: it reads every event, so the page
// does not do it each time it is drawn); the latest signed checkpoint can be downloaded as JSON
// and checked elsewhere (`yishiting ledger verify`).

import { ApiError, gql } from "../api.js";
import { button, facts, h, notice, section } from "../dom.js";
import { moment } from "../format.js";

const QUERY = `{ ledger {
  size publicKey
  latestCheckpoint { origin treeSize rootHash issuedAt keyId signature }
} }`;
const VERIFY = `{ ledger { verification { ok eventsChecked checkpointsChecked pending divergence } } }`;

export async function ledgerSection() {
  let ledger;
  try {
    ({ ledger } = await gql(QUERY));
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return section("防篡改账本", notice(error.chinese));
  }
  const checkpoint = ledger.latestCheckpoint;
  const verdict = h("div", { id: "ledger-verdict", "aria-live": "polite" });
  return h(
    "section",
    { class: "card", id: "ledger" },
    h("h2", {}, "防篡改账本"),
    facts([["账本规模(事件数)", ledger.size]]),
    h(
      "div",
      { class: "action-buttons" },
      button("核验账本", (event) => verify(event.currentTarget, verdict), { id: "verify-ledger" }),
    ),
    verdict,
    h("h3", {}, "最新签名检查点"),
    checkpoint
      ? [
          facts([
            ["签发时间", moment(checkpoint.issuedAt)],
            ["规模", checkpoint.treeSize],
            ["根哈希", h("code", { class: "hash" }, checkpoint.rootHash)],
            ["密钥编号", checkpoint.keyId],
          ]),
          h(
            "div",
            { class: "action-buttons" },
            button(
              "下载检查点(JSON)",
              () =>
                download(
                  `checkpoint-${checkpoint.treeSize}.json`,
                  JSON.stringify(checkpoint, null, 2),
                  "application/json",
                ),
              { id: "download-checkpoint" },
            ),
            ledger.publicKey &&
              button(
                "下载公钥(PEM)",
                () => download("ledger-public-key.pem", ledger.publicKey, "application/x-pem-file"),
                { class: "quiet" },
              ),
          ),
        ]
      : h("p", { class: "muted" }, "尚未签发检查点"),
  );
}

/** Recomputes the ledger from the raw log (every event read) and says what it found. */
async function verify(pressed, verdict) {
  pressed.disabled = true;
  verdict.replaceChildren(h("p", { class: "muted" }, "正在从原始日志重算并核验…"));
  try {
    const v = (await gql(VERIFY)).ledger.verification;
    verdict.replaceChildren(
      h(
        "p",
        { class: `verdict ${v.ok ? "ok" : "failed"}` },
        v.ok
          ? "✓ 核验通过:日志与账本一致,未发现篡改"
          : `✗ 核验未通过:${v.divergence || "发现不一致"}`,
      ),
      facts([
        ["已核验事件", v.eventsChecked],
        ["已核验检查点", v.checkpointsChecked],
        ["待入账事件", v.pending],
      ]),
    );
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    verdict.replaceChildren(notice(error.chinese));
  } finally {
    pressed.disabled = false;
  }
}

function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const anchor = h("a", { href: url, download: name });
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
