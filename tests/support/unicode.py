"""Arbitrary Unicode for property tests: any code point, lone surrogates and NUL included (the
stock `characters()` strategy never draws a surrogate), with the awkward ones drawn often."""

from __future__ import annotations

from hypothesis import strategies as st

AWKWARD = ["\x00", "\ud800", "\udfff", "\r\n", "\r", "\x1b", "\x7f", "e\u0301", "\u2028", "\ufeff"]

any_character = st.one_of(
    st.integers(min_value=0, max_value=0x10FFFF).map(chr),
    st.sampled_from(AWKWARD),
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
)


def any_text(max_size: int = 24) -> st.SearchStrategy[str]:
    return st.lists(any_character, max_size=max_size).map("".join)
