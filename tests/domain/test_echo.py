"""Echoes of user input: short, flat, literal."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.echo import echo


def test_long_values_are_cut_with_an_ellipsis() -> None:
    out = echo("x" * 6000)
    assert out == "x" * 59 + "…"


def test_control_zero_width_and_bidi_characters_are_dropped() -> None:
    assert echo("a\u200bb\u202ec\u2066d\u0000e") == "abcde"
    assert echo("line one\nline\ttwo") == "line one line two"


def test_markdown_is_escaped_and_nothing_visible_reads_empty() -> None:
    assert echo("**bold** `code`") == r"\*\*bold\*\* \`code\`"
    assert echo("\u200b \n") == "(empty)"


@given(st.text(max_size=8000), st.integers(min_value=10, max_value=200))
def test_an_echo_never_exceeds_twice_its_limit_and_has_no_line_break(text: str, limit: int) -> None:
    out = echo(text, limit)
    assert len(out) <= 2 * limit + 1  # every kept character may gain one escaping backslash
    assert "\n" not in out and "\r" not in out
