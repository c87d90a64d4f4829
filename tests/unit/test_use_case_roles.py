"""Who may run a use case is declared at the use case (`@use_case(R.…)`): the registry the
permission check and the viewer read is made of those declarations, and holds exactly what the
table of method names held before it (issue 17)."""

from __future__ import annotations

import inspect

import pytest

import application.app
from application.core import check_may_run, use_case
from application.permissions import WRITES, NotPermitted, R
from application.receipts import Command
from domain.base import Actor

# The table of method-name strings the declarations replaced, as it stood (66af9cb).
BEFORE = {
    name: frozenset(roles)
    for name, roles in {
        "establish_committee": {R.ADMIN},
        "register_unit": {R.ADMIN},
        "register_person": {R.ADMIN},
        "register_platform": {R.ADMIN},
        "change_responsible_person": {R.ADMIN},
        "move_platform_hall": {R.ADMIN, R.PLATFORM_STAFF},
        "propose_topic": {R.PLATFORM_STAFF, R.INTEGRATION},
        "verify_topic": {R.PLATFORM_STAFF},
        "exclude_topic": {R.PLATFORM_STAFF},
        "reverse_exclusion": {R.PLATFORM_STAFF, R.COMMITTEE},
        "submit_topic": {R.PLATFORM_STAFF},
        "approve_topic": {R.COMMITTEE},
        "return_topic": {R.COMMITTEE},
        "record_research": {R.PLATFORM_STAFF},
        "schedule_consultation": {R.PLATFORM_STAFF},
        "identify_participants": {R.PLATFORM_STAFF},
        "notify_participants": {R.PLATFORM_STAFF},
        "hold_consultation": {R.PLATFORM_STAFF},
        "post_online_opinion": {R.PLATFORM_STAFF, R.INTEGRATION},
        "report_consultation": {R.PLATFORM_STAFF},
        "cancel_consultation": {R.PLATFORM_STAFF},
        "open_supervision_item": {R.PLATFORM_STAFF},
        "assign_item": {R.PLATFORM_STAFF, R.COMMITTEE},
        "report_progress": {R.UNIT, R.SUPERVISOR, R.PLATFORM_STAFF},
        "add_attachment": {R.PLATFORM_STAFF, R.UNIT},
        "withdraw_attachment": {R.PLATFORM_STAFF, R.UNIT},
        "resolve_item": {R.COMMITTEE, R.SUPERVISOR},
        "reopen_item": {R.COMMITTEE, R.SUPERVISOR},
        "record_erasure": {R.ADMIN},
        "register_webhook": {R.ADMIN},
        "unregister_webhook": {R.ADMIN},
        "issue_deadline_reminder": {R.SYSTEM},
        "propose_hotline_order": {R.INTEGRATION, R.PLATFORM_STAFF},
        "draft_topic_from_orders": {R.PLATFORM_STAFF},
    }.items()
}


# Use cases added since, each declared at the use case.
SECURITY = frozenset({R.SECURITY_ADMIN})
PEOPLE = frozenset(r for r in R if r not in (R.SYSTEM, R.PUBLIC))
ADDED = {
    "rename_unit": frozenset({R.ADMIN}),
    # Accounts (issue 18): the security administrator's, and each holder's own password.
    "create_account": SECURITY,
    "grant_role": SECURITY,
    "revoke_role": SECURITY,
    "disable_account": SECURITY,
    "reenable_account": SECURITY,
    "unlock_account": SECURITY,
    "_record_password_reset": SECURITY,
    "_record_own_password_change": PEOPLE,
    "_record_second_factor": PEOPLE,
    "_record_second_factor_reset": SECURITY,
    "_record_token_issued": SECURITY,
    "revoke_api_token": SECURITY,
    # The working calendar (issue 19): a year's holiday schedule, the system administrator's.
    "enter_holiday_schedule": frozenset({R.ADMIN}),
    # Members' participation (issue 22): enrolment by the platform (or administrator), an item
    # followed as entered by the platform or by the member themself, the scheme the
    # administrator's.
    "enroll_member": frozenset({R.ADMIN, R.PLATFORM_STAFF}),
    "follow_item": frozenset({R.ADMIN, R.PLATFORM_STAFF, R.MEMBER}),
    "set_points_scheme": frozenset({R.ADMIN}),
}


def test_the_declarations_grant_exactly_what_the_table_granted() -> None:
    assert WRITES == BEFORE | ADDED


def test_every_use_case_of_the_application_has_its_declaration() -> None:
    use_cases = {
        name
        for name, member in inspect.getmembers(application.app.Yishiting, inspect.isfunction)
        if member.__qualname__.startswith("_once_per_command.")
    }
    assert use_cases == WRITES.keys()
    assert len(use_cases) == len(BEFORE) + len(ADDED)


def test_a_use_case_cannot_be_written_without_saying_who_may_run_it() -> None:
    def nameless_use_case(app: object, command: Command) -> list[object]:
        return []

    with pytest.raises(TypeError, match="declares the roles"):
        use_case(nameless_use_case)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="declares the roles"):
        use_case()


def test_a_use_case_declared_twice_differently_is_refused() -> None:
    def approve_topic(app: object, command: Command) -> list[object]:
        return []

    with pytest.raises(ValueError, match="declared twice"):
        use_case(R.UNIT)(approve_topic)  # type: ignore[arg-type]


def test_an_entry_point_checks_the_roles_of_the_use_case_it_names_by_reference() -> None:
    """The 12345 intake's entry points run `propose_hotline_order`: they check its declared
    roles through the method itself, so renaming it cannot leave a stale string behind."""
    proposing = application.app.Yishiting.propose_hotline_order
    check_may_run(Actor("staff-1", "平台工作人员", R.PLATFORM_STAFF), proposing)
    check_may_run(Actor("hotline", "12345热线", R.INTEGRATION), proposing)
    with pytest.raises(NotPermitted) as refused:
        check_may_run(Actor("unit-1", "承办单位", R.UNIT), proposing)
    assert refused.value.code == "NOT_PERMITTED"

    def take_orders_somewhere(app: object, command: Command) -> list[object]:
        return []

    with pytest.raises(TypeError, match="not a declared use case"):
        check_may_run(Actor("staff-1", "平台工作人员", R.PLATFORM_STAFF), take_orders_somewhere)
