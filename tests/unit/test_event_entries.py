"""Every event class of the domain's records has its catalogue entry (中文 name, audit summary,
decision or not); the check names an uncatalogued event, as a newcomer's first run would."""

from __future__ import annotations

from application.publishing.catalogue import (
    AGGREGATES,
    CATALOGUE,
    DECISIONS,
    NAMED,
    UNPUBLISHED_NAMED,
    missing_entries,
)
from application.publishing.entries import ENTRIES
from domain.base import Record
from interfaces.graphql.event_types import all_event_types


def test_every_event_of_the_domains_records_has_an_entry() -> None:
    assert missing_entries() == []
    published = {p.event_class for p in CATALOGUE.values()}
    assert published | {c for c in ENTRIES if c.__qualname__.startswith("Account.")} == set(ENTRIES)
    assert all(p.name_zh and p.entry.summary for p in CATALOGUE.values())


class Throwaway:
    """A record's shape with an event nobody catalogued (not a Record subclass, so the test
    that every record is published never meets it)."""

    class ThrowawayNoted(Record.Event):
        pass


def test_the_check_names_an_event_without_an_entry() -> None:
    assert missing_entries((*AGGREGATES, Throwaway)) == ["Throwaway.ThrowawayNoted"]


def test_decisions_are_the_events_taken_with_a_reason() -> None:
    assert "TopicExcluded" in DECISIONS
    assert "TopicProposed" not in DECISIONS


def test_the_web_page_is_served_every_type_with_its_chinese_name() -> None:
    served = {t.type: t for t in all_event_types()}
    assert set(served) == {p.name for p in CATALOGUE.values()}
    assert served["TopicMergedInto"].name_zh == "并入共性议题"
    assert served["DeadlineReminderIssued"].name_zh == "督办提醒"
    assert served["TopicExcluded"].is_decision


def test_accounts_are_named_in_the_trail_but_never_published() -> None:
    """An account's events read in Chinese in the audit trail (NAMED) and are no integration
    consumer's business: not a CloudEvents type, not on the feed."""
    assert NAMED["AccountCreated"].name_zh == "创建账号"
    assert NAMED["RoleGranted"].name_zh == "授予角色"
    assert NAMED["AccountLocked"].name_zh == "锁定账号"
    assert not [p for p in CATALOGUE.values() if p.aggregate in UNPUBLISHED_NAMED]
    assert missing_entries(UNPUBLISHED_NAMED) == []
    assert "RoleGranted" in DECISIONS
    assert "AccountCreated" not in DECISIONS
