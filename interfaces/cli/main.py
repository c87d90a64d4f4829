"""The `yishiting` command: serve, project, demo."""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Callable
from types import FrameType
from typing import Any, NoReturn, TypeVar
from uuid import UUID, uuid4

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from application.erasure import complete_erasures_at_start
from application.permissions import scope_kind
from application.production import UnsafeProduction, refuse_unsafe_production
from application.settings import Settings
from domain.base import Actor, Record
from domain.errors import DomainError
from domain.vocabulary import Role
from interfaces.auth import Authenticator, MissingSigningKey
from interfaces.bootstrap import application_for, bootstrap
from interfaces.cli.accounts import account_app
from interfaces.cli.backup import backup, restore
from interfaces.cli.calendar import calendar_app
from interfaces.cli.erasure import erase
from interfaces.cli.exports import export_app
from interfaces.cli.intake import import_app
from interfaces.cli.ledger import ledger_app
from interfaces.cli.ledger import verify as verify_ledger
from interfaces.cli.remind import remind
from interfaces.cli.seal import seal_app
from interfaces.cli.set_aside import set_aside_app
from interfaces.edge.observability import configure_logging
from projections.runner import Progress as ProgressCallback

app = typer.Typer(
    help="议事厅 yishiting — 协商议事厅记录系统 (records system for consultation halls)",
    no_args_is_help=True,
)
console = Console()


@app.callback()
def check_settings(ctx: typer.Context) -> None:
    """Stops at once, naming the variable, when a YISHITING_* setting is wrong; in production,
    the commands that run the service or sign for it stop without its safety settings."""
    try:
        settings = Settings()
    except ValidationError as error:
        for problem in error.errors():
            name = "YISHITING_" + "_".join(str(p) for p in problem["loc"]).upper()
            console.print(f"[red]配置错误 bad setting[/red] {name}: {problem['msg']}")
        raise typer.Exit(2) from None
    if ctx.invoked_subcommand in GUARDED_COMMANDS:
        _or_exit(lambda: refuse_unsafe_production(settings))


T = TypeVar("T")
# Verifying the ledger and printing the schema need no secrets (an auditor's own machine).
HEAD_LIMIT_BYTES = 16 * 1024
GUARDED_COMMANDS = {
    "serve",
    "project",
    "demo",
    "token",
    "erase",
    "remind",
    "import",
    "export",
    "seal",
    "calendar",
}
RESERVED_ROLES = (Role.SYSTEM, Role.PUBLIC)


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="监听地址 address to listen on"),
    port: int = typer.Option(8000, help="端口 port"),
    projector: bool = typer.Option(True, help="在本进程内运行投影 run projections in this process"),
) -> None:
    """启动服务 Serve GraphQL and HTTP."""
    import uvicorn

    from interfaces.edge.limits import head_deadline
    from interfaces.server import create_app

    settings = Settings()
    configure_logging(settings.log_level)
    api = _or_exit(lambda: create_app(settings, embedded_projector=projector))
    console.print(
        f"议事厅已启动 yishiting is serving on http://{host}:{port}\n"
        f"  网页 web pages (驾驶舱/工作台/审计/公开信息): http://{host}:{port}/app/\n"
        "    用 `yishiting demo` 列出的演示账号登录 (sign in with a demo account it printed)\n"
        f"  GraphQL 查询界面 GraphiQL:  http://{host}:{port}/graphql\n"
        f"  健康检查 health:            http://{host}:{port}/readyz\n"
        "  试试 try: { dashboard { topicsTotal itemsOpen itemsOverdue } }"
    )
    # uvicorn stops gracefully on SIGTERM, then re-raises the signal to die by it (status 143);
    # once it has stopped gracefully, the service exits 0 as process supervisors expect.
    signal.signal(signal.SIGTERM, _exit_cleanly)
    uvicorn.run(
        api,
        host=host,
        port=port,
        log_level="warning",
        log_config=None,
        timeout_graceful_shutdown=10,
        # h11 (not httptools) for its limits: a request head over 16 KiB, or not all there
        # within the deadline, closes the connection; idle keep-alive connections are closed.
        http=head_deadline(settings.request_head_seconds),
        h11_max_incomplete_event_size=HEAD_LIMIT_BYTES,
        timeout_keep_alive=settings.keep_alive_seconds,
    )


def _or_exit(start: Callable[[], T]) -> T:
    """A missing signing key is the operator's to fix: say so plainly, without a traceback."""
    try:
        return start()
    except (MissingSigningKey, UnsafeProduction) as error:
        console.print(f"[red]无法启动 cannot start:[/red] {escape(str(error))}", highlight=False)
        raise typer.Exit(1) from None


def _exit_cleanly(_signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(0)


@app.command()
def project(
    rebuild: bool = typer.Option(
        False, help="删除并从日志重建全部视图 drop and rebuild every view"
    ),
    once: bool = typer.Option(False, help="追上日志后退出 catch up, then exit"),
    poll_interval: float = typer.Option(0.2, help="轮询间隔(秒) seconds between polls"),
) -> None:
    """运行投影 Run the projector (a separate worker for scale-out)."""
    configure_logging(Settings().log_level)
    system = bootstrap()
    try:
        if rebuild:
            count = _with_progress("重建视图 rebuilding views", system.projector.rebuild)
            console.print(
                f"已重建 rebuilt: {count} events → position {system.projector.position()}"
            )
            return
        if once:
            count = _with_progress("追赶日志 catching up", system.projector.catch_up)
            console.print(f"已处理 applied {count} events")
            return
        complete_erasures_at_start(system.app)
        # Only asked in the handler; `system.close()` below waits for the threads to end.
        signal.signal(signal.SIGTERM, _stop_on_signal(system.projector.request_stop))
        system.integration.start(delivering=True, projector=system.projector)
        console.print("投影与事件推送运行中 projector and webhooks running (Ctrl+C 停止 to stop)")
        with contextlib.suppress(KeyboardInterrupt):
            system.projector.run_forever(poll_interval)
    finally:
        system.close()


@app.command()
def demo() -> None:
    """写入示范区数据(可重复运行)并给出各角色的令牌 Seed the demo district (idempotent) and print a
    ready token for each demo role."""
    from interfaces.cli.demo import seed_demo

    settings = Settings()
    system = bootstrap(settings)
    try:
        report = seed_demo(system.app)
        system.projector.catch_up()
        system.ledger.issue_checkpoint()
        console.print(report.summary())
    finally:
        system.close()
    _print_demo_accounts(report.accounts)
    authenticator = Authenticator.from_settings(settings)
    console.print("\n脚本用令牌 tokens for scripts (Authorization: Bearer …):")
    for actor in report.sign_ins:
        console.print(f"[bold]{actor.role.label} {actor.role.code}[/bold] {actor.name}:")
        typer.echo(authenticator.issue(actor))


def _print_demo_accounts(accounts: list[Any]) -> None:
    from interfaces.cli.demo_accounts import DEMO_PASSWORD, DEMO_TOTP_SECRET

    console.print(
        f"\n示范账号 demo accounts — 密码 password: [bold]{DEMO_PASSWORD}[/bold]"
        " (登录 sign in at /app/#/signin)"
    )
    for seeded in accounts:
        factor = " + 动态口令 TOTP" if seeded.second_factor else ""
        console.print(f"  {seeded.username:<14} {seeded.role.label}({seeded.display_name}){factor}")
    console.print(
        f"管理员的动态口令密钥 administrators' TOTP secret: [bold]{DEMO_TOTP_SECRET}[/bold]"
        "(加入任一验证器应用,或 python -c \"import pyotp; print(pyotp.TOTP('…').now())\")"
        " — 仅供演示 demonstration only"
    )


token_app = typer.Typer(help="令牌 Bearer tokens", no_args_is_help=True)
app.add_typer(token_app, name="token")


@token_app.command("create")
def token_create(
    role: str = typer.Option(..., help="角色 role code, e.g. platform_staff, committee, leader"),
    scope: str = typer.Option("", help="范围 the platform/committee/unit/person id it covers"),
    name: str = typer.Option("", help="显示名 display name"),
    subject: str = typer.Option("", help="主体编号 actor id (default: generated)"),
    ttl_hours: float = typer.Option(0, help="有效期(小时) lifetime, default from settings"),
) -> None:
    """签发令牌 Issue a bearer token; the token alone is on the last line."""
    try:
        parsed = Role.parse(role)
    except DomainError as error:
        _refuse_role(error.message)
    if parsed in RESERVED_ROLES:
        _refuse_role(f"角色“{parsed.label}”不能签发令牌 (role {parsed.code} is reserved)")
    _check_scope(parsed, scope)
    try:
        actor = Actor.checked(
            subject or f"{parsed.code}-{uuid4().hex[:8]}", name or parsed.label, parsed, scope
        )
    except DomainError as refusal:
        console.print(f"[red]{escape(refusal.message)}[/red] ({refusal.code})", highlight=False)
        raise typer.Exit(2) from None
    authenticator = _or_exit(lambda: Authenticator.from_settings(Settings()))
    console.print(
        f"角色 role: {parsed.label} ({parsed.code}); 范围 scope: {scope or '-'};"
        f" 主体 subject: {actor.id}"
    )
    typer.echo(_or_exit(lambda: authenticator.issue(actor, ttl_hours * 3600 or None)))


def _check_scope(role: Role, scope: str) -> None:
    """A scope names a registered platform, committee, unit or person, as the role needs."""
    try:
        named = scope_kind(role, scope)
        if named is not None:
            _require_registered(*named)
    except DomainError as refusal:
        console.print(f"[red]{escape(refusal.message)}[/red] ({refusal.code})", highlight=False)
        raise typer.Exit(2) from None


def _require_registered(kind: type[Record], identifier: UUID) -> None:
    app = application_for(Settings())
    try:
        app.require(kind, identifier)
    finally:
        app.close()


def _refuse_role(message: str) -> NoReturn:
    choices = ", ".join(r.code for r in Role if r not in RESERVED_ROLES)
    console.print(f"[red]{message}[/red] 可选 choose from: {choices}")
    raise typer.Exit(2)


def _with_progress(label: str, work: Callable[[ProgressCallback], int]) -> int:
    with Progress(
        BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=console, transient=False
    ) as progress:
        task = progress.add_task(label, total=None)

        def advance(done: int, goal: int) -> None:
            progress.update(task, completed=done, total=goal)

        return int(work(advance))


def _stop_on_signal(stop: Callable[[], None]) -> Callable[[int, FrameType | None], None]:
    def handler(_signum: int, _frame: FrameType | None) -> None:
        stop()

    return handler


@app.command()
def schema(
    check: bool = typer.Option(False, help="与已提交的SDL比对 compare with the committed SDL"),
) -> None:
    """输出GraphQL SDL Print the GraphQL schema (or check the committed one)."""
    from interfaces.graphql.schema import SDL_PATH, sdl

    if not check:
        typer.echo(sdl(), nl=False)
        return
    if SDL_PATH.read_text(encoding="utf-8") != sdl():
        console.print(
            f"{SDL_PATH} 与代码不一致 is out of date: run `yishiting schema > {SDL_PATH}`"
        )
        raise typer.Exit(1)
    console.print("SDL 一致 up to date")


@app.command()
def docs(
    check: bool = typer.Option(False, help="与代码比对 compare docs/API.md with the code"),
) -> None:
    """重写 docs/API.md 中由代码生成的表 Rewrite the tables of docs/API.md made from the code
    (roles × mutations, refusals), or check them."""
    from interfaces.contract import API_DOC, COMMAND, with_tables

    written = API_DOC.read_text(encoding="utf-8")
    current = with_tables(written)
    if check:
        if written != current:
            console.print(f"{API_DOC} 与代码不一致 is out of date: run `{COMMAND}`")
            raise typer.Exit(1)
        console.print("docs/API.md 一致 up to date")
        return
    API_DOC.write_text(current, encoding="utf-8")
    console.print(f"{API_DOC} 已更新 rewritten")


app.command("erase")(erase)
app.command("verify")(verify_ledger)
app.add_typer(account_app, name="account")
app.add_typer(ledger_app, name="ledger")
app.add_typer(export_app, name="export")
app.add_typer(import_app, name="import")
app.add_typer(set_aside_app, name="set-aside")
app.add_typer(seal_app, name="seal")
app.add_typer(calendar_app, name="calendar")
app.command("remind")(remind)
app.command("backup")(backup)
app.command("restore")(restore)

if __name__ == "__main__":
    app()
