"""`yishiting verify` and `yishiting ledger …`: what the discipline office runs and keeps."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import NoReturn, TypeVar

import typer
from rich.console import Console

from application.attachments.verify import FilesReport, check_attached_files
from application.ledger.proofs import (
    ConsistencyProof,
    InclusionProof,
    check_consistency,
    check_inclusion,
)
from application.ledger.signing import Checkpoint, PublicKey, load_public_key, public_pem
from application.ledger.sm2 import DEFAULT_USER_ID
from application.ledger.verify import Report
from application.storage import STORAGE_UNAVAILABLE
from interfaces.bootstrap import System, bootstrap
from projections.ledger import UnreadableLog
from projections.set_aside import neutral

ledger_app = typer.Typer(help="防篡改账本 The tamper-evident ledger", no_args_is_help=True)
console = Console(stderr=True)
T = TypeVar("T")


def verify(
    checkpoint: list[Path] = typer.Option(
        [], help="审计方保存的检查点(可多个) checkpoints kept outside the system"
    ),
    public_key: list[Path] = typer.Option(
        [],
        help="账本公钥 PEM,每个纪元一个 (default: the configured keys; one per epoch's suite)",
    ),
    user_id: str = typer.Option(DEFAULT_USER_ID.decode(), help="SM2 签名者标识 the SM2 user id"),
    attachments: bool = typer.Option(
        False,
        "--attachments",
        help="并重算附件存储中每个文件的SHA-256 also re-hash every attached file in the store",
    ),
) -> None:
    """从原始事件重算账本并核对全部检查点、事件认证标签与快照(只读) Recompute the ledger from
    the raw events, check every event's authenticity tag, every checkpoint and every
    snapshot; writes nothing; names every divergence by position and exits 1."""
    given, kept = _auditor_inputs(public_key, checkpoint, user_id)
    system = _system()
    try:
        public = given or system.ledger.public_keys()
        if not public:
            _refuse("请用 --public-key 指定账本公钥 (give the ledger's public key)")
        # Nothing is projected first: the views and the ledger are read as they stand.
        report = system.ledger.verify(public, kept)
        files = check_attached_files(system.app, system.app.attachments) if attachments else None
    except STORAGE_UNAVAILABLE as away:
        _refuse(f"数据库无法连接 (the database cannot be reached): {type(away).__name__}")
    except UnreadableLog as unreadable:
        _fail(str(unreadable))
    except Exception as error:  # whatever else a tampered database makes the reader raise
        _fail(
            "核验未能完成(数据库被改动?) (verification could not complete (database altered?)):"
            f" {neutral(f'{type(error).__name__}: {error}', 300)}"
        )
    finally:
        system.close()
    if files is not None:
        _say_files(files)
    _say(report)
    if files is not None and not files.ok:
        raise typer.Exit(1)


def _say_files(files: FilesReport) -> None:
    if files.ok:
        console.print(
            f"附件核验通过 attachments verified: {files.files_checked} 个文件 files", markup=False
        )
        return
    console.print(
        f"附件核验失败 ATTACHMENT VERIFICATION FAILED: {len(files.findings)} 个文件 files",
        style="red",
        markup=False,
    )
    for finding in files.findings:
        console.print(f"  - {finding}", markup=False)


def _system() -> System:
    """The system, or a plain refusal (exit 2): the database away, a key missing or unusable."""
    try:
        return bootstrap()
    except STORAGE_UNAVAILABLE as away:
        _refuse(f"数据库无法连接 (the database cannot be reached): {type(away).__name__}")
    except (OSError, ValueError) as unusable:  # the event key or the ledger key
        _refuse(neutral(str(unusable), 500))


def _auditor_inputs(
    public_keys: list[Path], checkpoints: list[Path], user_id: str
) -> tuple[list[PublicKey], list[Checkpoint]]:
    """The public keys and kept checkpoints the auditor gave, or a plain refusal (exit 2)."""
    public = [_public_key(path, user_id) for path in public_keys]
    kept = []
    for path in checkpoints:
        kept.append(_read(Checkpoint.from_json, path, "检查点", "checkpoint"))
    return public, kept


def _read(parse: Callable[[str], T], path: Path, zh: str, en: str) -> T:
    """A proof or checkpoint the auditor gave (as the CLI or GraphQL wrote it), or a plain
    refusal (exit 2)."""
    try:
        return parse(path.read_text())
    except (OSError, ValueError) as bad:
        _refuse(f"无法读取{zh} (cannot read the {en} {path}): {bad}")


def _public_key(path: Path, user_id: str) -> PublicKey:
    try:
        return load_public_key(path.read_text(), user_id.encode())
    except (OSError, ValueError) as bad:
        _refuse(f"无法读取账本公钥 (cannot read the public key {path}): {bad}")


def _say(report: Report) -> None:
    if report.ok:
        console.print(
            f"账本核验通过 ledger verified: {report.events_checked} 个事件 events, "
            f"{report.checkpoints_checked} 个检查点 checkpoints, "
            f"{report.pending} 个待记账 pending, "
            f"{report.snapshots_checked} 个快照 snapshots",
            markup=False,
        )
        if report.sealed_before_tagging:
            console.print(
                f"其中 {report.sealed_before_tagging} 个事件早于认证标签,由账本担保 "
                "(of them, sealed by the ledger before events were tagged)",
                markup=False,
            )
        return
    total = len(report.divergences) + report.not_named
    console.print(
        f"账本核验失败 LEDGER VERIFICATION FAILED: {total} 处不一致 divergences",
        style="red",
        markup=False,
    )
    for divergence in report.divergences:
        console.print(f"  - {divergence}", markup=False)
    if report.not_named:
        console.print(f"  … 另有 {report.not_named} 处 (and {report.not_named} more)")
    if _every_tag_wrong(report):
        console.print(
            "每个事件的认证标签都不符:YISHITING_EVENT_KEY_FILE 是否为本部署的密钥? "
            "(every event's tag is wrong: is YISHITING_EVENT_KEY_FILE this deployment's key?)",
            markup=False,
        )
    raise typer.Exit(1)


def _every_tag_wrong(report: Report) -> bool:
    wrong = sum(d.count for d in report.divergences if "authenticity tag is wrong" in d.reason_en)
    return wrong > 0 and wrong >= report.events_checked + report.pending


def _fail(message: str) -> NoReturn:
    console.print(f"账本核验失败 LEDGER VERIFICATION FAILED: {message}", style="red", markup=False)
    raise typer.Exit(1)


def _refuse(message: str) -> NoReturn:
    console.print(message, style="red", markup=False)
    raise typer.Exit(2)


@ledger_app.command("checkpoint")
def checkpoint(
    issue: bool = typer.Option(True, help="先签发新检查点 sign a new one first"),
) -> None:
    """输出最新的签名检查点(JSON)供审计方保存 Print the latest signed checkpoint (JSON)."""
    system = _system()
    try:
        system.projector.catch_up()
        latest = system.ledger.issue_checkpoint() if issue else system.ledger.latest_checkpoint()
    finally:
        system.close()
    if latest is None:
        console.print("尚无检查点 no checkpoint yet")
        raise typer.Exit(1)
    typer.echo(latest.to_json())


@ledger_app.command("prove")
def prove(
    position: int = typer.Argument(..., help="事件的日志位置 the event's log position"),
    tree_size: int = typer.Option(0, help="对应检查点的规模 (default: the latest checkpoint)"),
) -> None:
    """输出某事件的包含证明(JSON) Print an inclusion proof for one event."""
    system = _system()
    try:
        system.projector.catch_up()
        proof = system.ledger.prove(position, tree_size or None)
    except LookupError as missing:
        console.print(f"[red]{missing}[/red]")
        raise typer.Exit(1) from None
    finally:
        system.close()
    typer.echo(proof.to_json())


@ledger_app.command("consistency")
def consistency(old_size: int, new_size: int) -> None:
    """输出两个检查点之间的一致性证明(JSON) Print a consistency proof between two sizes."""
    system = _system()
    try:
        typer.echo(system.ledger.prove_consistency(old_size, new_size).to_json())
    except (ValueError, LookupError) as impossible:
        console.print(f"[red]无法给出一致性证明 (no consistency proof): {impossible}[/red]")
        raise typer.Exit(1) from None
    finally:
        system.close()


@ledger_app.command("public-key")
def public_key() -> None:
    """输出账本公钥(PEM) Print the ledger's public key."""
    system = _system()
    try:
        signer = system.ledger.signer
        assert signer is not None
        typer.echo(public_pem(signer.public), nl=False)
    finally:
        system.close()


@ledger_app.command("verify-proof")
def verify_proof(
    proof: Path = typer.Option(..., help="包含证明 JSON"),
    checkpoint: Path = typer.Option(..., help="审计方保存的检查点 JSON"),
    public_key: Path = typer.Option(..., help="账本公钥 PEM (Ed25519 或 SM2)"),
    user_id: str = typer.Option(DEFAULT_USER_ID.decode(), help="SM2 签名者标识 the SM2 user id"),
) -> None:
    """独立核验包含证明(无需数据库) Check an inclusion proof against a kept checkpoint; needs
    no database, only the public key. Either suite: the proof and checkpoint name theirs."""
    verdict = check_inclusion(
        _read(InclusionProof.from_json, proof, "包含证明", "inclusion proof"),
        _read(Checkpoint.from_json, checkpoint, "检查点", "checkpoint"),
        load_public_key(public_key.read_text(), user_id.encode()),
    )
    _finish(str(verdict), verdict.ok)


@ledger_app.command("verify-consistency")
def verify_consistency(
    proof: Path = typer.Option(..., help="一致性证明 JSON"),
    old: Path = typer.Option(..., help="较早的检查点 JSON"),
    new: Path = typer.Option(..., help="较新的检查点 JSON"),
    public_key: Path = typer.Option(..., help="账本公钥 PEM (Ed25519 或 SM2)"),
    user_id: str = typer.Option(DEFAULT_USER_ID.decode(), help="SM2 签名者标识 the SM2 user id"),
) -> None:
    """独立核验一致性证明(无需数据库) Check that a newer checkpoint extends an older one."""
    verdict = check_consistency(
        _read(ConsistencyProof.from_json, proof, "一致性证明", "consistency proof"),
        _read(Checkpoint.from_json, old, "检查点", "checkpoint"),
        _read(Checkpoint.from_json, new, "检查点", "checkpoint"),
        load_public_key(public_key.read_text(), user_id.encode()),
    )
    _finish(str(verdict), verdict.ok)


def _finish(message: str, ok: bool) -> None:
    console.print(message)
    if not ok:
        raise typer.Exit(1)
