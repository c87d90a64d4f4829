"""Every event class of the domain's records has its catalogue entry (中文 name, audit summary,
decision or not); the check names an uncatalogued event, as a newcomer's first run would."""

from __future__ import annotations

from application.publishing.catalogue import AGGREGATES, CATALOGUE, DECISIONS, missing_entries
from application.publishing.entries import ENTRIES
from domain.base import Record
from interfaces.graphql.event_types import all_event_types


def test_every_event_of_the_domains_records_has_an_entry() -> None:
    assert missing_entries() == []
    assert {p.event_class for p in CATALOGUE.values()} == set(ENTRIES)
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
