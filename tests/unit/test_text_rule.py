"""The one rule for text entering a record: what it keeps, what it refuses, and how it says so."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings

from application.settings import Settings
from domain.base import NOT_TEXT, Actor, clean_text, optional_text, required_reason, text
from domain.errors import InvalidText
from domain.vocabulary import Role
from interfaces.auth import Authenticator, Unauthenticated
from tests.support.unicode import any_text


@pytest.mark.parametrize(
    ("given_text", "character", "index"),
    [
        ("nul\x00x", "U+0000", 4),
        ("\x1b[31m红色", "U+001B", 1),
        ("换页\x0c", "U+000C", 3),
        ("半个\ud800字", "U+D800", 3),
        ("\udfff", "U+DFFF", 1),
    ],
)
def test_control_characters_and_lone_surrogates_are_refused_naming_the_field(
    given_text: str, character: str, index: int
) -> None:
    with pytest.raises(InvalidText) as refused:
        text(given_text, "title", "事项标题")
    error = refused.value
    assert error.code == "INVALID_TEXT"
    assert error.kind == "BAD_USER_INPUT"
    assert error.details == {"field": "title", "character": character, "index": index}
    assert error.message.startswith(f"事项标题含有不允许的字符 {character}")
    assert f"('title' contains a character that is not allowed: {character} at {index})" in (
        error.message
    )


def test_tab_and_newline_stay_line_ends_become_lf_and_text_is_composed() -> None:
    decomposed = "Cafe\u0301"
    assert clean_text(f"一\t二\r\n三\r四\n{decomposed}", "content", "内容") == (
        "一\t二\n三\n四\nCafé"
    )
    assert optional_text("  \u00a0缩进 ", "content", "内容") == "缩进"


def test_every_text_helper_takes_the_rule() -> None:
    for helper in (
        lambda: optional_text("a\x00", "explanation", "说明"),
        lambda: required_reason("理由\x07", "退回议题", "returning a topic"),
    ):
        with pytest.raises(InvalidText):
            helper()


@settings(max_examples=300, derandomize=True)
@given(any_text(60))
def test_any_text_is_refused_or_kept_as_storable_composed_unicode(value: str) -> None:
    if NOT_TEXT.search(value.replace("\r", "\n")) is not None:
        with pytest.raises(InvalidText, match="'content' contains a character"):
            clean_text(value, "content", "内容")
        return
    kept = clean_text(value, "content", "内容")
    assert NOT_TEXT.search(kept) is None
    assert "\r" not in kept
    assert unicodedata.is_normalized("NFC", kept)
    kept.encode("utf-8")  # no surrogate left: every database can store it


def test_an_actor_named_from_outside_is_under_the_rule() -> None:
    assert Actor.checked(" staff-1 ", "李专员", Role.PLATFORM_STAFF, " p-1 ") == Actor(
        "staff-1", "李专员", Role.PLATFORM_STAFF, "p-1"
    )
    with pytest.raises(InvalidText, match="'name'"):
        Actor.checked("staff-1", "李\x00专员", Role.PLATFORM_STAFF)


def test_a_token_whose_name_a_record_cannot_keep_signs_no_one_in() -> None:
    authenticator = Authenticator.from_settings(Settings(token_secret="s" * 32))
    token = authenticator.issue(Actor("admin-9", "管理员\x00", Role.ADMIN))
    with pytest.raises(Unauthenticated) as refused:
        authenticator.actor(f"Bearer {token}")
    assert refused.value.code == "TOKEN_INVALID"
    assert refused.value.message.startswith("令牌中的身份无效:姓名含有不允许的字符 U+0000")
