"""Who is signed in and what they may do: the web front end shows each person only the pages
and actions their role allows (the application still checks every command)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from application.permissions import MEMBER_RECORD_READERS, WRITES
from application.publishing.envelope import sequence
from domain import vocabulary as v
from interfaces.edge.blocking import blocking
from interfaces.fences.strawberry_internals import graphql_core_info
from interfaces.graphql.accounts import Account
from interfaces.graphql.dashboard import DASHBOARD_ROLES
from interfaces.graphql.ledger import READERS as LEDGER_READERS
from interfaces.graphql.ledger import SIGNERS as CHECKPOINT_SIGNERS
from interfaces.graphql.my_account import MySession, own_account, own_sessions
from interfaces.graphql.terms import TERMS, term
from interfaces.graphql.todo import TodoList, todo
from interfaces.graphql.types import ctx

# Use cases whose mutation is not simply the use case's name in camelCase, and those that are
# no mutation at all (the 12345 import is an HTTP upload; reminders are the system's own).
MUTATION_NAMES = {
    "record_erasure": "eraseSubject",
    "_record_password_reset": "resetPassword",
    "_record_second_factor_reset": "resetSecondFactor",
    "_record_own_password_change": "changeOwnPassword",
    "_record_second_factor": "confirmSecondFactor",
    "_record_token_issued": "issueApiToken",
}
NOT_MUTATIONS = frozenset({"propose_hotline_order", "issue_deadline_reminder"})
# One's own password and second factor: offered to a holder signed in with the account only.
OWN_ACCOUNT = frozenset({"_record_own_password_change", "_record_second_factor"})
# Mutations whose resolvers check the caller themselves (no use case declares them).
CHECKED_BY_THEIR_RESOLVERS = {
    "issueCheckpoint": lambda actor: actor.role in CHECKPOINT_SIGNERS,
    "resumeWebhook": lambda actor: actor.role is v.Role.ADMIN,
    "beginSecondFactor": lambda actor: actor.id.startswith("account:"),
    "endMySession": lambda actor: actor.id.startswith("account:"),
}


@strawberry.type(description="当前登录者 The signed-in person")
class Viewer:
    id: str
    name: str
    role: TERMS[v.Role]
    scope: str = strawberry.field(description="范围:平台/专委会/单位/人员编号 The scope's id")
    may_perform: list[str] = strawberry.field(
        description="本角色可调用的变更 The mutations this role may call"
    )
    may_read: list[str] = strawberry.field(
        description="本角色可查看的受限查询(dashboard、ledger、memberRecords、myMemberRecord)"
        " Role-gated queries it may read"
    )
    live_cursor: str = strawberry.field(
        description="日志当前位置:以此为 events(after:) 订阅此后的事件 Subscribe from here"
    )
    pending: str = strawberry.field(
        default="",
        description="须先完成:password(修改临时密码)、second_factor(绑定动态口令) "
        "What the session must do first",
    )

    @strawberry.field(
        description="以账号登录时:账号及其全部角色 The account, when signed in as one"
    )
    async def account(self, info: Info) -> Account | None:
        return await own_account(info)

    @strawberry.field(
        description="待办:本角色在其范围内待办理的事项,按环节分组 The role's to-do list"
    )
    async def todo(self, info: Info) -> TodoList:
        return await todo(info)

    @strawberry.field(description="以账号登录时:我的会话 My open sessions (none for a token)")
    async def sessions(self, info: Info) -> list[MySession]:
        if not ctx(info).actor.id.startswith("account:"):
            return []
        return await own_sessions(info)


def _mutations(info: Info) -> set[str]:
    """The schema's mutations: a use case without one (an account's, run from the command
    line for now) is not offered to the page."""
    mutation_type = graphql_core_info(info).schema.mutation_type
    return set(mutation_type.fields) if mutation_type else set()


def mutation_name(use_case: str) -> str:
    head, *rest = use_case.split("_")
    return MUTATION_NAMES.get(use_case, head + "".join(word.title() for word in rest))


@strawberry.type
class ViewerQueries:
    @strawberry.field(description="当前登录者及其权限 Who is signed in, and what they may do")
    async def viewer(self, info: Info) -> Viewer:
        actor = ctx(info).actor
        gated = {
            "dashboard": DASHBOARD_ROLES,
            "ledger": LEDGER_READERS,
            "memberRecords": (*MEMBER_RECORD_READERS, v.Role.PLATFORM_STAFF),
            "myMemberRecord": (v.Role.MEMBER,),
        }
        position = await blocking(ctx(info).system.app.position)
        mutations = _mutations(info)
        return Viewer(
            id=actor.id,
            name=actor.name,
            role=term(v.Role, actor.role.code),
            scope=actor.scope,
            may_perform=sorted(
                {
                    name
                    for use_case, roles in WRITES.items()
                    if actor.role in roles
                    and use_case not in NOT_MUTATIONS
                    and (use_case not in OWN_ACCOUNT or actor.id.startswith("account:"))
                    and (name := mutation_name(use_case)) in mutations
                }
                | {
                    name
                    for name, may in CHECKED_BY_THEIR_RESOLVERS.items()
                    if name in mutations and may(actor)
                }
            ),
            may_read=[name for name, roles in gated.items() if actor.role in roles],
            live_cursor=sequence(position),
            pending=ctx(info).caller.pending,
        )
