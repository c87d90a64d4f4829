"""The tables of docs/API.md that are made from the code, so the contract cannot drift from it:
who may run each mutation (the use cases' `@use_case(R.…)` declarations, as `viewer.mayPerform`
reads them, and the few mutations guarded in the GraphQL layer itself), and every refusal a
domain error can answer with (its reason, its code, its HTTP status on the REST routes).

`yishiting docs` rewrites both tables in docs/API.md; `yishiting docs --check` (and
tests/unit/test_api_contract.py) fails when the committed file differs."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from graphql import build_schema

import application
import domain
import interfaces
from application.permissions import WRITES
from domain.errors import DomainError
from domain.vocabulary import Role
from interfaces.doors import REFUSALS, CrossSiteRefused
from interfaces.graphql.ledger import SIGNERS
from interfaces.graphql.schema import sdl
from interfaces.graphql.viewer import NOT_MUTATIONS, OWN_ACCOUNT, mutation_name
from interfaces.http.callers import STATUS_OF_KIND

API_DOC = Path(__file__).resolve().parents[1] / "docs" / "API.md"
ROLES = ("<!-- roles:start -->", "<!-- roles:end -->")
ERRORS = ("<!-- errors:start -->", "<!-- errors:end -->")
COMMAND = "make docs"  # or: .venv/bin/yishiting docs

# The roles a caller can hold (the system acts for any role; the public holds no write).
CALLER_ROLES = tuple(r for r in Role if r not in (Role.SYSTEM, Role.PUBLIC))
ACCOUNT_HOLDERS = frozenset(CALLER_ROLES)

# Mutations that are no use case: guarded where they are resolved (a test runs each as every
# role and checks that exactly these are let through).
GUARDED_IN_GRAPHQL: dict[str, tuple[frozenset[Role], str]] = {
    "issueCheckpoint": (frozenset(SIGNERS), "interfaces/graphql/ledger.py `SIGNERS`"),
    "resumeWebhook": (frozenset({Role.ADMIN}), "interfaces/graphql/webhooks.py `_admin`"),
    "beginSecondFactor": (ACCOUNT_HOLDERS, "own account only (`ACCOUNT_ONLY` for a JWT)"),
    "endMySession": (ACCOUNT_HOLDERS, "own sessions only"),
}

# What a ✓ means beyond the role, by use case (the application checks it on every command).
NOTES = {
    "propose_topic": "integration: channels `HOTLINE_12345` and `ONLINE` only",
    "follow_item": "member: as themself only",
}
# Use cases that are no mutation, and where they are reached instead.
ELSEWHERE = {
    "propose_hotline_order": "`POST /hotline/service-requests`, `/hotline/imports` (REST)",
    "issue_deadline_reminder": "`yishiting remind` (CLI; the system itself)",
}
SCOPED = frozenset({Role.PLATFORM_STAFF, Role.COMMITTEE, Role.UNIT, Role.SUPERVISOR, Role.MEMBER})


@dataclass(frozen=True)
class Permission:
    mutation: str
    roles: frozenset[Role]
    source: str
    own_account: bool = False
    note: str = ""


def mutations() -> list[str]:
    """The schema's mutations, in the schema's order."""
    mutation_type = build_schema(sdl()).mutation_type
    return list(mutation_type.fields) if mutation_type else []


def permissions() -> list[Permission]:
    """Who may run each mutation of the schema. A mutation neither declared by a use case nor
    listed in GUARDED_IN_GRAPHQL is refused here, so a new one cannot go undocumented."""
    import application.app  # noqa: F401  (every use case module declares its roles on import)

    by_mutation = {
        mutation_name(use_case): (use_case, roles)
        for use_case, roles in WRITES.items()
        if use_case not in NOT_MUTATIONS
    }
    answer = []
    for name in mutations():
        if name in by_mutation:
            use_case, roles = by_mutation[name]
            answer.append(
                Permission(
                    name,
                    frozenset(roles) - {Role.SYSTEM},
                    f"`@use_case` on `{use_case}`",
                    own_account=use_case in OWN_ACCOUNT,
                    note=NOTES.get(use_case, ""),
                )
            )
        elif name in GUARDED_IN_GRAPHQL:
            roles, source = GUARDED_IN_GRAPHQL[name]
            own = roles is ACCOUNT_HOLDERS
            answer.append(Permission(name, roles, source, own_account=own))
        else:
            raise LookupError(f"mutation {name} declares no roles: add it to GUARDED_IN_GRAPHQL")
    for use_case in sorted(NOT_MUTATIONS):
        roles = frozenset(WRITES[use_case]) - {Role.SYSTEM}
        answer.append(Permission(ELSEWHERE[use_case], roles, f"`@use_case` on `{use_case}`"))
    return answer


def _cell(permission: Permission, role: Role) -> str:
    if role not in permission.roles:
        return ""
    if permission.own_account:
        return "own"
    return "✓ scope" if role in SCOPED else "✓"


def roles_table() -> str:
    head = ["mutation", *(f"`{r.code}`" for r in CALLER_ROLES), "declared by / note"]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for permission in permissions():
        cells = [_cell(permission, role) for role in CALLER_ROLES]
        said = permission.source + (f"; {permission.note}" if permission.note else "")
        name = permission.mutation
        shown = name if name.startswith("`") else f"`{name}`"
        rows.append("| " + " | ".join([shown, *cells, said]) + " |")
    return "\n".join(rows)


# ------------------------------------------------------------------------------------ errors

# When each domain refusal is answered, and whether sending the same again can succeed
# ("after …": only once something has changed). A reason missing here fails `errors_table`.
WHEN: dict[str, tuple[str, str]] = {
    "INVALID_INPUT": ("a field's value is not acceptable (the message names it)", "no"),
    "FIELD_REQUIRED": ("a required field is empty (`details.field`)", "no"),
    "FIELD_TOO_LONG": ("a text is longer than its limit (`details.field`)", "no"),
    "INVALID_TEXT": (
        "a text holds a control character or a lone surrogate (`details.field`, `character`)",
        "no",
    ),
    "UNKNOWN_CODE": ("a vocabulary code is unknown (`details.vocabulary`, `value`)", "no"),
    "WRONG_FORM": (
        "an online opinion on a consultation not held online; scheduling an unapproved topic",
        "no",
    ),
    "PARTICIPANTS_REQUIRED": ("notifying or holding before participants are identified", "no"),
    "REASON_REQUIRED": ("a decision (exclude, approve, return, reverse, …) without a reason", "no"),
    "UNKNOWN_SUGGESTION": (
        "openSupervisionItem names no suggestion of the consultation (`details.suggestionIds`)",
        "no",
    ),
    "INVALID_CURSOR": ("`after` is not a cursor this list or the event feed handed out", "no"),
    "INVALID_SCOPE": ("a role's scope is not an id of the kind the role needs", "no"),
    "INVALID_USERNAME": ("a username outside the allowed characters or length", "no"),
    "INVALID_WEBHOOK_URL": ("a webhook URL that is not http(s) or not a URL", "no"),
    "WEBHOOK_TARGET_REFUSED": ("a webhook target on a refused network (loopback, …)", "no"),
    "WEBHOOK_HOST_UNRESOLVED": ("a webhook host name that does not resolve", "after DNS"),
    "SECRET_TOO_SHORT": ("a webhook secret under the minimum length", "no"),
    "NOT_A_HOTLINE_ORDER": ("drafting from a topic that is not a 12345 order", "no"),
    "ROLE_NOT_GRANTABLE": ("granting a reserved role (system, public)", "no"),
    "SAME_NAME": ("renaming a unit to the name it has", "no"),
    "YEAR_OUT_OF_RANGE": (
        "a holiday schedule's or a member record's year outside 2000–2100",
        "no",
    ),
    "NOT_A_MEMBER": (
        "a person named as a member (researcher, signer, follower) not enrolled",
        "no",
    ),
    "INVALID_WEIGHT": ("a points-scheme weight below 0, above 1000 or not a number", "no"),
    "DUPLICATE_WEIGHT": ("a points scheme weighing one kind twice", "no"),
    "WEIGHTS_REQUIRED": ("a points scheme with no weight", "no"),
    "NO_HOLIDAYS": ("a holiday schedule listing no day off", "no"),
    "DATE_OUTSIDE_YEAR": ("a holiday or make-up working day not in the schedule's year", "no"),
    "REPEATED_DAY": ("a day listed twice among the holidays or the make-up working days", "no"),
    "HOLIDAY_AND_WORKING_DAY": ("a day both a holiday and a make-up working day", "no"),
    "WORKING_DAY_NOT_WEEKEND": ("a make-up working day (调休上班日) on a weekday", "no"),
    "SECOND_FACTOR_STATE": ("enrolling a second factor where one is (or is not) enrolled", "no"),
    "TIME_OUT_OF_RANGE": ("a 12345 order's time outside 1980–2099", "no"),
    "UNKNOWN_EVENT_TYPE": ("an event type neither a name nor a CloudEvents type", "no"),
    "USERNAME_TAKEN": ("creating an account whose username exists", "no"),
    "WEAK_PASSWORD": ("a password that breaks the rules (length, kinds, common)", "no"),
    "WRONG_CODE": ("a second-factor code that does not match", "with a new code"),
    "WRONG_PASSWORD": ("changing one's password with a wrong current password", "no"),
    "WRONG_STATE": (
        "the command does not fit the record's status (`details.status`)",
        "no",
    ),
    "ALREADY_RESOLVED": ("resolving an item already resolved", "no"),
    "ALREADY_REMINDED_TODAY": ("a deadline reminder already issued today", "tomorrow"),
    "NOT_DUE_YET": ("a reminder for an item not due soon", "no"),
    "NO_DUE_DATE": ("a reminder for an item without a due date", "no"),
    "CONCURRENT_MODIFICATION": (
        "a stale `expectedVersion`, or another write won the race"
        " (`details.currentVersion`, `details.expectedVersion`)",
        "yes, after reloading",
    ),
    "COMMAND_ID_REUSED": ("a `commandId` already used for a different command", "no"),
    "ACCOUNT_STATE_UNCHANGED": ("disabling a disabled account, enabling an enabled one", "no"),
    "ALREADY_ERASED": ("erasing a subject already erased", "no"),
    "ALREADY_GRANTED": ("granting a role the account holds", "no"),
    "ROLE_NOT_HELD": ("revoking a role the account does not hold", "no"),
    "ROLE_NOT_GRANTED": (
        "signing in, or issuing an API token, as a role the account has not been granted",
        "no",
    ),
    "DUTIES_SEPARATED": ("三权分立: giving one account two administrators' roles", "no"),
    "ERASURE_INCOMPLETE": (
        "the decision is recorded but the key could not be destroyed yet",
        "yes (same erasure again)",
    ),
    "TICKET_RESENT_CHANGED": ("a 12345 ticket sent again with different content", "no"),
    "NOT_PERMITTED": ("the caller's role may not run this (table above)", "no"),
    "FILE_EMPTY": ("an uploaded file with no bytes", "no"),
    "FILE_TOO_LARGE": ("an upload over `YISHITING_ATTACHMENT_MAX_BYTES`", "no"),
    "FILE_TYPE_NOT_ACCEPTED": (
        "a file whose bytes are not PDF, OFD, DOCX, XLSX, JPEG or PNG (the name is not trusted)",
        "no",
    ),
    "FILE_TRUNCATED": ("a PDF or archive cut short", "with the whole file"),
    "ARCHIVE_REFUSED": ("a DOCX/XLSX/OFD whose zip is too large, too many or too compressed", "no"),
    "IMAGE_UNREADABLE": ("an image that cannot be decoded, or over 40 megapixels", "no"),
    "UPLOAD_NOT_FOUND": ("an `uploadId` that is not the caller's pending upload", "upload again"),
    "PERSONAL_DATA_ERASED": ("a personal-data file whose data subject was erased", "no"),
    "ACCOUNT_ONLY": ("an own-account mutation called with a JWT, not an account", "no"),
    "CSRF_REJECTED": ("a cookie session's change without the right `X-CSRF-Token`", "no"),
    "LAST_SECURITY_ADMIN": ("taking away the last security administrator", "no"),
    "NO_ROLE": ("signing in to an account that holds no role yet", "after a grant"),
    "OWN_ACCOUNT": ("acting on one's own roles, password, second factor or tokens", "no"),
    "PASSWORD_CHANGE_REQUIRED": ("a session that must first change its password", "after it"),
    "SECOND_FACTOR_ENROLMENT_REQUIRED": (
        "a session that must first enrol a second factor",
        "after enrolling",
    ),
    "SSO_NOT_FOR_ADMINISTRATORS": ("an administrator signing in through SSO", "no"),
    "NOT_FOUND": (
        "an id that names no record, or one outside the caller's scope (one answer for both);"
        " a query by id answers `null` with this error",
        "no",
    ),
    "TOKEN_NOT_FOUND": ("revoking an API token the account does not have", "no"),
    "SECOND_FACTOR_REQUIRED": ("password right; send the TOTP `code` too", "yes, with a code"),
    "SESSION_ENDED": ("the session was ended (signed out, role revoked, …)", "sign in again"),
    "SESSION_EXPIRED": ("the session's idle or absolute timeout passed", "sign in again"),
    "SESSION_INVALID": ("no such session (cookie or session id)", "sign in again"),
    "SIGN_IN_REFUSED": (
        "wrong username, password or code, or the account disabled or locked (one answer)",
        "no",
    ),
    "SSO_ACCOUNT_UNKNOWN": ("the identity service's user has no account here", "no"),
    "TOKEN_EXPIRED": ("the JWT's `exp` passed", "with a new token"),
    "TOKEN_INVALID": ("a malformed, wrongly signed or unknown-key token", "no"),
    "TOKEN_REVOKED": ("an API token that was revoked (or its account disabled)", "no"),
    "TOKEN_SCOPE_INVALID": ("the JWT's scope does not fit its role", "no"),
    "TOO_MANY_ATTEMPTS": ("too many failed sign-ins from one client address", "later"),
}


def _modules() -> Iterator[str]:
    for package in (domain, application, interfaces):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if ".fences" not in info.name and not info.name.endswith("__main__"):
                yield info.name


def domain_errors() -> list[type[DomainError]]:
    """Every DomainError class in the code (each module imported, so none is missed)."""
    for name in _modules():
        importlib.import_module(name)
    found: list[type[DomainError]] = []
    stack = [DomainError]
    while stack:
        for subclass in stack.pop().__subclasses__():
            if subclass not in found and subclass.__module__.split(".")[0] != "tests":
                found.append(subclass)
                stack.append(subclass)
    return found


# Refusals answered only by the sign-in routes (/auth/sign-in, /auth/sso/…), never by /graphql.
SIGN_IN_ONLY = frozenset(
    {
        "SIGN_IN_REFUSED",
        "SECOND_FACTOR_REQUIRED",
        "TOO_MANY_ATTEMPTS",
        "SSO_ACCOUNT_UNKNOWN",
        "SSO_NOT_FOR_ADMINISTRATORS",
        "NO_ROLE",
    }
)
# A REST status other than the kind's (interfaces/http/sign_in.py answers a lockout 429).
REST_STATUS = {"TOO_MANY_ATTEMPTS": 429}


def graphql_status(error: type[DomainError]) -> str:
    """/graphql answers a refused credential before any GraphQL runs (interfaces/doors.py):
    401, or 403 for a request from another site; every refusal inside GraphQL is HTTP 200."""
    if error.code in SIGN_IN_ONLY:
        return "—"
    if issubclass(error, REFUSALS):
        return "403" if issubclass(error, CrossSiteRefused) else "401"
    return "200"


# Bases that are never raised themselves (their subclasses are): no row of their own.
BASES = frozenset({"DOMAIN_ERROR", "FORBIDDEN"})


def errors_table() -> str:
    kinds: dict[str, set[str]] = {}
    on_graphql: dict[str, set[str]] = {}
    for error in domain_errors():
        if error.code in BASES:
            continue
        kinds.setdefault(error.code, set()).add(error.kind)
        on_graphql.setdefault(error.code, set()).add(graphql_status(error))
    missing = sorted(set(kinds) - set(WHEN))
    if missing:
        raise LookupError(f"reasons without a WHEN entry in interfaces/contract.py: {missing}")
    rows = [
        "| `extensions.reason` | `extensions.code` | HTTP on /graphql | HTTP on REST routes"
        " | when | retry |",
        "|---|---|---|---|---|---|",
    ]
    for reason in sorted(kinds, key=lambda r: (_order(kinds[r]), r)):
        codes = sorted(kinds[reason])
        rest = " / ".join(str(REST_STATUS.get(reason, STATUS_OF_KIND.get(c, 400))) for c in codes)
        graphql = " / ".join(sorted(on_graphql[reason]))
        when, retry = WHEN[reason]
        code = " / ".join(f"`{c}`" for c in codes)
        rows.append(f"| `{reason}` | {code} | {graphql} | {rest} | {when} | {retry} |")
    return "\n".join(rows)


KIND_ORDER = ("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "BAD_USER_INPUT", "CONFLICT")


def _order(codes: set[str]) -> int:
    return min(KIND_ORDER.index(c) if c in KIND_ORDER else 99 for c in codes)


# ------------------------------------------------------------------------------- the file


def _between(text: str, markers: tuple[str, str], table: str) -> str:
    start, end = markers
    head, found, rest = text.partition(start)
    if not found or end not in rest:
        raise LookupError(f"docs/API.md lacks the markers {start} … {end}")
    _, _, tail = rest.partition(end)
    return f"{head}{start}\n{table}\n{end}{tail}"


def with_tables(text: str) -> str:
    """docs/API.md with its generated tables replaced by the current ones."""
    return _between(_between(text, ROLES, roles_table()), ERRORS, errors_table())


def table_in(text: str, markers: tuple[str, str]) -> str:
    return text.split(markers[0], 1)[1].split(markers[1], 1)[0].strip()
