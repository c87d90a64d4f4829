"""`yishiting seal rewrap`: every stored subject key wrapped with SM4-GCM under the master key,
and every second factor's TOTP secret sealed with SM4-GCM, for a deployment switched to the gm
suite. The keys themselves stay, so everything already
sealed with them opens as before; the log is not touched (docs/GM-CRYPTO.md)."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.markup import escape

from application.settings import Settings
from interfaces.bootstrap import application_for

console = Console()
seal_app = typer.Typer(help="个人信息密钥 the data subjects' keys", no_args_is_help=True)


@seal_app.command("rewrap")
def rewrap() -> None:
    """以 SM4-GCM 重新封装所有数据主体密钥和动态口令密钥 wrap every subject key, and seal every
    second factor's secret, with SM4-GCM (gm suite); the log and the data sealed with the keys
    are left as they are. Running it again moves nothing more."""
    settings = Settings()
    if settings.crypto_suite != "gm":
        console.print(
            "[red]须在国密套件下运行 run it under the gm suite[/red] (YISHITING_CRYPTO_SUITE=gm)"
        )
        raise typer.Exit(2)
    app = application_for(settings)
    try:
        moved, already, erased = app.subject_keys.rewrap()
        factors_moved, factors_already = app.reseal_second_factors()
    except ValueError as refusal:
        console.print(f"[red]{escape(str(refusal))}[/red]")
        raise typer.Exit(2) from None
    finally:
        app.close()
    console.print(
        f"已改用 SM4-GCM 封装 rewrapped with SM4-GCM: {moved}; "
        f"原已是 SM4 already SM4: {already}; 已删除 erased (left as tombstones): {erased}"
    )
    console.print(
        f"动态口令密钥 second-factor secrets: 已改用 SM4-GCM 封装 resealed with SM4-GCM:"
        f" {factors_moved}; 原已是 SM4 already SM4: {factors_already}"
    )
