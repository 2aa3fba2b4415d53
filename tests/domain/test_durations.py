"""Facilitator durations (bot.domain.durations): every accepted form, every refusal's message."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.durations import (
    MAX_DURATION_SECONDS,
    DurationError,
    format_duration,
    parse_duration,
)
from bot.errors import UserFacingError


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("90s", 90),
        ("5m", 300),
        ("1h30m", 5400),
        ("1h 30m", 5400),
        ("2 min", 120),
        ("1:30", 90),
        ("45", 45 * 60),  # a plain number is minutes
        ("1h30", 5400),  # a trailing number continues the clock
        ("2m30", 150),
        ("2m 30s", 150),
        ("1 hour and 30 minutes", 5400),
        ("1 hr, 5 mins", 3900),
        ("10 seconds", 10),
        ("1 sec", 1),
        ("3 Minutes", 180),
        ("  5M  ", 300),
        ("+2m", 120),
        ("5m.", 300),
        ("1.5m", 90),
        ("1,5 min", 90),
        ("1.5", 90),
        ("0.5", 30),
        ("5.75", 345),  # two decimals >= 60 cannot be m:ss
        ("1:05:00", 3900),
        ("0:45", 45),
        ("90:00", 5400),
        ("６０ｓ", 60),  # full-width, as a Japanese keyboard types it
        ("٥m", 300),  # Arabic-Indic digit
        ("५ min", 300),  # Devanagari digit
        ("6h", MAX_DURATION_SECONDS),
        ("5:59:59", 6 * 3600 - 1),
    ],
)
def test_accepted(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds


def test_plain_number_can_be_read_as_seconds_for_speaking_times() -> None:
    assert parse_duration("45", bare_number="seconds") == 45
    assert parse_duration("45s", bare_number="seconds") == 45
    assert parse_duration("1m", bare_number="seconds") == 60


def test_maximum_is_configurable() -> None:
    assert parse_duration("10m", maximum=600) == 600
    with pytest.raises(DurationError, match=r"^'11m' is longer than the 10 min Parley allows"):
        parse_duration("11m", maximum=600)


GIVE = "Give a duration, such as 90s, 5m, 1h30m, 1:30, or a plain number of minutes such as 5."
GIVE = "Give a duration, such as 90s, 5m, 1h30m, 1:30, or a plain number of minutes such as 5."
EXAMPLES = "Try 90s, 5m, 1h30m, 1:30, or a plain number of minutes such as 5."


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", GIVE),
        ("   ", GIVE),
        ("-5m", f"A duration can't be negative ('-5m'). {EXAMPLES}"),
        ("−5m", f"A duration can't be negative ('−5m'). {EXAMPLES}"),
        ("0", "A duration must be at least 1 second."),
        ("0m 0s", "A duration must be at least 1 second."),
        ("0:00", "A duration must be at least 1 second."),
        ("6h1s", "'6h1s' is longer than the 6 h Parley allows here."),
        ("7h", "'7h' is longer than the 6 h Parley allows here."),
        ("400", "'400' is longer than the 6 h Parley allows here."),
        (
            "99999999999999999999h",
            "'9999999999999999999…' is longer than the 6 h Parley allows here.",
        ),
        ("garbage", f"I can't read 'garbage' as a duration. {EXAMPLES}"),
        ("five minutes", f"I can't read 'five minutes' as a duration. {EXAMPLES}"),
        ("5x", "I don't know the unit 'x' in '5x'. Use s, m or h, e.g. 1h 30m."),
        ("5 days", "I don't know the unit 'days' in '5 days'. Use s, m or h, e.g. 1h 30m."),
        ("5m!", f"I can't read '5m!' as a duration. {EXAMPLES}"),
        ("1 30", "In '1 30', give every number a unit (s, m or h), e.g. 1h 30m or 2m 30s."),
        ("30s5", "In '30s5', give every number a unit (s, m or h), e.g. 1h 30m or 2m 30s."),
        (
            "30m 1h",
            "In '30m 1h', write each unit once, largest first, e.g. 1h 30m or 2m 30s "
            "(hours came twice or out of order).",
        ),
        (
            "5m 5m",
            "In '5m 5m', write each unit once, largest first, e.g. 1h 30m or 2m 30s "
            "(minutes came twice or out of order).",
        ),
        (
            "1:75",
            "In '1:75', minutes and seconds after a colon must be below 60 (e.g. 2:15, not 1:75).",
        ),
        ("1:5", "In '1:5', write the minutes and seconds with two digits, e.g. 1:05."),
        ("1:2:3:4", f"I can't read '1:2:3:4' as a duration. {EXAMPLES}"),
        ("1.25s", "'1.25s' is not a whole number of seconds. Round it, e.g. 1m 30s or 90s."),
        ("5.30", "'5.30' is ambiguous. Write 5:30 for 5 min 30 s, or 5.30m for 5 min 18 s."),
        ("1,05", "'1,05' is ambiguous. Write 1:05 for 1 min 5 s, or 1,05m for 1 min 3 s."),
        ("1.33", "'1.33' is ambiguous. Write 1:33 for 1 min 33 s."),
        ("½", f"I can't read '½' as a duration. {EXAMPLES}"),
        ("x" * 41, "That is too long to be a duration. " + EXAMPLES),
    ],
)
def test_refused_with_a_message_that_says_what_to_type(text: str, message: str) -> None:
    with pytest.raises(DurationError) as caught:
        parse_duration(text)
    assert str(caught.value) == message


def test_duration_error_reaches_the_user_as_is() -> None:
    """The central handler shows UserFacingError messages; ValueError keeps plain callers easy."""
    assert issubclass(DurationError, UserFacingError)
    assert issubclass(DurationError, ValueError)


def test_non_string_is_a_programming_error() -> None:
    with pytest.raises(TypeError):
        parse_duration(90)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0 s"),
        (1, "1 s"),
        (45, "45 s"),
        (60, "1 min"),
        (90, "1 min 30 s"),
        (600, "10 min"),
        (3600, "1 h"),
        (3605, "1 h 5 s"),
        (5400, "1 h 30 min"),
        (5461, "1 h 31 min 1 s"),
        (21600, "6 h"),
    ],
)
def test_format_duration(seconds: int, text: str) -> None:
    assert format_duration(seconds) == text


@pytest.mark.parametrize("bad", [-1, 1.5, True, "90"])
def test_format_duration_refuses_non_counts(bad: object) -> None:
    with pytest.raises((TypeError, ValueError)):
        format_duration(bad)  # type: ignore[arg-type]


seconds_in_range = st.integers(min_value=1, max_value=MAX_DURATION_SECONDS)


@given(seconds_in_range)
def test_what_parley_announces_reads_back_as_the_same_duration(seconds: int) -> None:
    assert parse_duration(format_duration(seconds)) == seconds


@given(seconds_in_range, st.sampled_from(["{h}h{m}m{s}s", "{h}h {m}m {s}s", "{h} h {m} min {s} s"]))
def test_unit_forms_sum_their_parts(seconds: int, template: str) -> None:
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    assert parse_duration(template.format(h=h, m=m, s=s)) == seconds


@given(seconds_in_range)
def test_clock_forms(seconds: int) -> None:
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    assert parse_duration(f"{h}:{m:02d}:{s:02d}") == seconds
    assert parse_duration(f"{h * 60 + m}:{s:02d}") == seconds


@given(st.text(max_size=50))
def test_any_text_is_a_duration_in_range_or_a_duration_error(text: str) -> None:
    try:
        seconds = parse_duration(text)
    except DurationError as error:
        assert str(error)
        assert "\n" not in str(error)
    else:
        assert 1 <= seconds <= MAX_DURATION_SECONDS
