"""`yishiting backup` and `yishiting restore`: one archive of the database and the attachment
store, restored into an empty deployment (docs/BACKUP.md)."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from application.backup import BackupRefused
from application.backup import backup as write_backup
from application.backup import restore as read_backup
from application.settings import Settings
from application.storage import STORAGE_UNAVAILABLE
from interfaces.auth import DEV_SECRET_FILE

console = Console()
# An archive that cannot be trusted is refused like an unreadable input (exit 2); a deployment
# that cannot take it, or a tool that failed, exits 1.
ARCHIVE_REFUSALS = {
    "RESTORE_ARCHIVE_UNREADABLE",
    "RESTORE_ARCHIVE_TAMPERED",
    "RESTORE_UNSAFE_MEMBER",
    "RESTORE_WRONG_ENGINE",
}


def backup(
    output: Path = typer.Option(
        ..., "--output", "-o", help="备份文件 the archive to write (.tar, or .tar.gz to compress)"
    ),
) -> None:
    """备份数据库与附件(不含密钥) Back up the database and the attachment store into one
    consistent archive with a manifest of hashes; keys are never inside."""
    settings = Settings()
    try:
        report = write_backup(settings, output, key_files=[DEV_SECRET_FILE])
    except BackupRefused as refused:
        _refused(refused)
    except STORAGE_UNAVAILABLE as away:
        _away(away)
    console.print(
        f"已备份 backed up: {report.engine} 日志至位置 log up to position "
        f"{report.last_notification_id}, {report.blobs} 个附件 attachments "
        f"({report.blob_bytes} bytes) → {escape(str(report.output))}",
        highlight=False,
    )
    console.print(
        "密钥未包含在备份中,请另行保管 keys are not in the archive: keep them separately "
        "(README「备份与恢复」)"
    )
    if report.damaged:
        console.print(
            f"[red]{len(report.damaged)} 个附件内容与其哈希不符,未备份 attachments do not hash "
            "to their names and were not archived:[/red]"
        )
        for name in report.damaged:
            console.print(f"  - {name}", highlight=False)
        raise typer.Exit(1)


def restore(
    archive: Path = typer.Argument(..., help="备份文件 the archive written by `yishiting backup`"),
    catch_up: bool = typer.Option(
        True, help="恢复后让视图追上日志 bring the views up to the log afterwards"
    ),
) -> None:
    """恢复备份到空部署 Restore an archive into an empty deployment: the manifest's hashes are
    checked before anything is written; then the attachments, then the database."""
    settings = Settings()
    try:
        report = read_backup(settings, archive)
    except BackupRefused as refused:
        _refused(refused)
    except STORAGE_UNAVAILABLE as away:
        _away(away)
    console.print(
        f"已恢复 restored: {report.engine} 日志至位置 log up to position "
        f"{report.last_notification_id}, {report.blobs} 个附件 attachments "
        f"(备份于 taken {report.created_at}, 版本 version {report.software_version})",
        highlight=False,
    )
    missing = [
        name
        for name in (settings.event_key_file, _ledger_key(settings))
        if name and not Path(name).exists()
    ]
    if missing:
        # Starting now would make new keys in development: events tagged with the old one
        # would then be set aside. The keys come back first, from where they are kept.
        console.print(
            "[yellow]密钥文件不在 key files are missing:[/yellow] "
            f"{escape(', '.join(missing))} — 请先从保管处取回密钥再启动服务 bring the kept "
            "keys back before starting the service (README「备份与恢复」); 视图未追赶 views "
            "not caught up",
            highlight=False,
        )
        return
    if catch_up:
        from interfaces.bootstrap import bootstrap

        system = bootstrap(settings)
        try:
            applied = system.projector.catch_up()
        finally:
            system.close()
        console.print(
            f"视图已追上日志 views caught up: {applied} 个事件 events applied; "
            "请运行 run `yishiting verify` 核验账本 to verify the ledger"
        )


def _ledger_key(settings: Settings) -> str:
    return (
        settings.ledger_sm2_key_file if settings.crypto_suite == "gm" else settings.ledger_key_file
    )


def _refused(refused: BackupRefused) -> NoReturn:
    console.print(
        f"[red]{escape(refused.message_zh)}[/red] {escape(refused.message_en)} ({refused.code})",
        highlight=False,
    )
    raise typer.Exit(2 if refused.code in ARCHIVE_REFUSALS else 1)


def _away(away: BaseException) -> NoReturn:
    console.print(
        f"[red]数据库无法连接 the database cannot be reached:[/red] {type(away).__name__}",
        highlight=False,
    )
    raise typer.Exit(1)
