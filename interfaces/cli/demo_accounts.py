"""The demo district's accounts (示范账号): one per role, signed in with a username and the
demo password; the three administrators (三权分立) with a second factor already enrolled from a
published demo secret, so a visitor can sign in with any TOTP app or `pyotp`. Demonstration
only: the password and the secret are printed by `yishiting demo`, never fit for production
(the production check refuses to start with a development key anyway)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.app import Yishiting
from application.receipts import Command
from domain.base import Actor
from domain.vocabulary import Role

DEMO_PASSWORD = "XXqu#2026-demo"
# Base32, 160 bits: the demo administrators' TOTP secret (published here on purpose).
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
SEEDER = Actor("demo:security", "示范数据安全管理员", Role.SECURITY_ADMIN)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    actor_key: str  # the demo district's actor whose role (and scope) the account holds
    display_name: str = ""
    role: Role | None = None  # for the two administrators no demo actor stands for


ACCOUNTS = (
    DemoAccount("wangli", "staff:ys"),
    DemoAccount("hezhenhua", "committee:shfz"),
    DemoAccount("sunpeng", "unit:jtw"),
    DemoAccount("chenzhigang", "supervisor:chenzhigang"),
    DemoAccount("qianyonggang", "member:qianyonggang"),
    DemoAccount("lingdao", "leader"),
    DemoAccount("jijian", "auditor"),
    DemoAccount("hotline12345", "sys:12345"),
    DemoAccount("zhaoqian", "admin"),
    DemoAccount("qianan", "", "钱安", Role.SECURITY_ADMIN),
    DemoAccount("zhengshen", "", "郑审", Role.AUDIT_ADMIN),
)
ADMINISTRATORS = (Role.ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)


@dataclass(frozen=True)
class SeededAccount:
    username: str
    display_name: str
    role: Role
    second_factor: bool


def seed_demo_accounts(app: Yishiting, actor_of: dict[str, Actor]) -> list[SeededAccount]:
    """Opens the demo accounts that are not there yet (a repeated run opens none)."""
    seeded = []
    for demo in ACCOUNTS:
        actor = actor_of[demo.actor_key] if demo.actor_key else None
        role = demo.role or (actor.role if actor else Role.PUBLIC)
        name = demo.display_name or (actor.name if actor else demo.username)
        if app.account_named(demo.username) is None:
            _open(app, demo.username, name, role, actor.scope if actor else "")
        seeded.append(SeededAccount(demo.username, name, role, role in ADMINISTRATORS))
    return seeded


def _open(app: Yishiting, username: str, name: str, role: Role, scope: str) -> None:
    command = Command(SEEDER)
    account = app.create_account(command, username=username, display_name=name).id
    app.reset_password(command, account, password=DEMO_PASSWORD)
    app.grant_role(command, account, role=role, scope=scope, reason="示范数据")
    if role in ADMINISTRATORS:
        _enrol_demo_secret(app, account, Actor(f"account:{account}", name, role, scope))


def _enrol_demo_secret(app: Yishiting, account: UUID, holder: Actor) -> None:
    """Enrolled as the holder would enrol it, but without taking a code: a visitor's first
    code, in the same 30 seconds as the seeding, must still be good."""
    sealed = app.secret_box.seal(str(account), DEMO_TOTP_SECRET)
    app.credentials.set_pending_second_factor(str(account), sealed, 0.0)
    app._record_second_factor(Command(holder))
    app.credentials.activate_second_factor(str(account), [])
