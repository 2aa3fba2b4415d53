"""Durations typed by a facilitator (``90s``, ``5m``, ``1h30m``, ``2 min``, ``1:30``, ``45``).

Teachers type durations in a hurry, often on a phone, in the middle of class, so the parser
accepts every way a person naturally writes one and refuses, with a message that says what to
type instead, anything it would have to guess at:

- Units ``s``/``sec``/``second(s)``, ``m``/``min``/``minute(s)``, ``h``/``hr``/``hour(s)``, with
  or without spaces, joined by spaces, commas, ``+`` or "and": ``1h 30m``, ``1 hour and 30
  minutes``. Each unit once, largest first (``30m 1h`` is more likely a typo than a plan).
- A trailing bare number after a unit continues the clock: ``1h30`` is 1 h 30 min, ``2m30`` is
  2 min 30 s, as people write them.
- ``m:ss`` and ``h:mm:ss`` with two-digit fields: ``1:30`` is 90 s, ``1:05:00`` 65 min.
- A plain number is **minutes** (``45`` is 45 min). Phases, extensions and class periods are
  thought of in minutes; a teacher typing ``/round extend 2`` means two minutes, not two
  seconds. Callers that ask for a speaking time may pass ``bare_number="seconds"``; every reply
  that echoes a parsed duration through ``format_duration`` shows which way it was read.
- Decimals with a point or a comma (``1.5m``, ``1,5 min``) when the result is whole seconds.
- Any script's decimal digits (full-width ``５m`` from a Japanese keyboard, Arabic-Indic ``٥m``):
  they are unambiguous and refusing them would only puzzle the person who typed them.
- A leading ``+`` (``+2m`` reads naturally for an extension); a minus sign is refused.

Refused: empty input, zero, negatives, fractions of a second, more than ``MAX_DURATION_SECONDS``
(6 h: no class period is longer, and a typo such as ``90h`` must not silently hold a phase open
for days), and anything else, each with its own message (`DurationError`, a `UserFacingError`, so
the central handler shows it as is).
"""

from __future__ import annotations

import re
import unicodedata
from fractions import Fraction
from typing import Literal

from bot.errors import UserFacingError

__all__ = [
    "EXAMPLES",
    "MAX_DURATION_SECONDS",
    "MAX_INPUT_CHARS",
    "DurationError",
    "format_duration",
    "parse_duration",
]

MAX_DURATION_SECONDS = 6 * 3600
"""The longest duration accepted by default: longer than any class period."""
MAX_INPUT_CHARS = 40
"""Longer input is not a duration (and bounds the work done on it)."""
EXAMPLES = "90s, 5m, 1h30m, 1:30, or a plain number of minutes such as 5"

BareNumber = Literal["minutes", "seconds"]

_UNITS: dict[str, int] = {
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), 1),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), 60),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), 3600),
}
_UNIT_NAMES = {1: "seconds", 60: "minutes", 3600: "hours"}
_MINUS_SIGNS = "-\u2212\u2012\u2013\u2014\ufe63\uff0d"
_CLOCK = re.compile(r"\d+(?::\d+){1,2}")
_SEPARATOR = re.compile(r"(?:\s|,|\+|\band\b)+")
_PART = re.compile(r"(?P<number>\d+(?:[.,]\d+)?)\s*(?P<unit>[^\W\d_]*)")


class DurationError(UserFacingError, ValueError):
    """A duration that cannot be read; the message says what to type instead."""


def _shown(text: str) -> str:
    """The input as echoed in an error: on one line, and short."""
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= 20 else one_line[:19] + "…"


def _ascii_digits(text: str) -> str:
    """Map every Unicode decimal digit (``٥``, ``५``) to its ASCII digit."""
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in text)


def _number(text: str) -> Fraction:
    return Fraction(text.replace(",", "."))


def _from_clock(text: str, shown: str) -> Fraction:
    head, *rest = text.split(":")
    for field in rest:
        if len(field) != 2:
            raise DurationError(
                f"In {shown!r}, write the minutes and seconds with two digits, e.g. 1:05."
            )
        if int(field) >= 60:
            raise DurationError(
                f"In {shown!r}, minutes and seconds after a colon must be below 60 "
                "(e.g. 2:15, not 1:75)."
            )
    fields = [int(head), *(int(field) for field in rest)]
    if len(fields) == 2:  # m:ss
        return Fraction(fields[0] * 60 + fields[1])
    return Fraction(fields[0] * 3600 + fields[1] * 60 + fields[2])  # h:mm:ss


def _from_units(text: str, shown: str, bare_number: BareNumber) -> Fraction:
    parts: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        separator = _SEPARATOR.match(text, position)
        if separator is not None:
            position = separator.end()
            continue
        part = _PART.match(text, position)
        if part is None:
            raise DurationError(f"I can't read {shown!r} as a duration. Try {EXAMPLES}.")
        parts.append((part.group("number"), part.group("unit")))
        position = part.end()
    if not parts:
        raise DurationError(f"I can't read {shown!r} as a duration. Try {EXAMPLES}.")

    if len(parts) == 1 and not parts[0][1]:
        raw = parts[0][0]
        whole, _, decimals = raw.replace(",", ".").partition(".")
        value = _number(raw) * (60 if bare_number == "minutes" else 1)
        if bare_number == "minutes" and len(decimals) == 2 and int(decimals) < 60:
            # "5.30": 5 min 18 s as written, but probably meant as 5:30.
            decimal_reading = (
                f", or {raw}m for {format_duration(int(value))}" if value.denominator == 1 else ""
            )
            raise DurationError(
                f"{shown!r} is ambiguous. Write {whole}:{decimals} for {whole} min "
                f"{int(decimals)} s{decimal_reading}."
            )
        return value

    total = Fraction(0)
    previous: int | None = None
    for index, (raw, unit) in enumerate(parts):
        if unit:
            if unit not in _UNITS:
                raise DurationError(
                    f"I don't know the unit {unit!r} in {shown!r}. Use s, m or h, e.g. 1h 30m."
                )
            multiplier = _UNITS[unit]
        elif index == len(parts) - 1 and previous in (3600, 60):
            multiplier = previous // 60  # "1h30" -> 30 minutes, "2m30" -> 30 seconds
        else:
            raise DurationError(
                f"In {shown!r}, give every number a unit (s, m or h), e.g. 1h 30m or 2m 30s."
            )
        if previous is not None and multiplier >= previous:
            raise DurationError(
                f"In {shown!r}, write each unit once, largest first, e.g. 1h 30m or 2m 30s "
                f"({_UNIT_NAMES[multiplier]} came twice or out of order)."
            )
        total += _number(raw) * multiplier
        previous = multiplier
    return total


def parse_duration(
    text: str,
    *,
    bare_number: BareNumber = "minutes",
    maximum: int = MAX_DURATION_SECONDS,
) -> int:
    """Seconds in ``text``; `DurationError` with a message for the user when it is not one.

    ``bare_number`` says what a plain number counts (minutes unless told otherwise);
    ``maximum`` is the longest duration accepted, in seconds.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    cleaned = " ".join(unicodedata.normalize("NFKC", text).split()).casefold()
    shown = _shown(text)
    if not cleaned:
        raise DurationError(f"Give a duration, such as {EXAMPLES}.")
    if len(cleaned) > MAX_INPUT_CHARS:
        raise DurationError(f"That is too long to be a duration. Try {EXAMPLES}.")
    if cleaned[0] in _MINUS_SIGNS:
        raise DurationError(f"A duration can't be negative ({shown!r}). Try {EXAMPLES}.")
    cleaned = _ascii_digits(cleaned.removeprefix("+").rstrip(".").strip())

    if _CLOCK.fullmatch(cleaned):
        seconds = _from_clock(cleaned, shown)
    else:
        seconds = _from_units(cleaned, shown, bare_number)

    if seconds == 0:
        raise DurationError("A duration must be at least 1 second.")
    if seconds.denominator != 1:
        raise DurationError(
            f"{shown!r} is not a whole number of seconds. Round it, e.g. 1m 30s or 90s."
        )
    if seconds > maximum:
        raise DurationError(
            f"{shown!r} is longer than the {format_duration(maximum)} Parley allows here."
        )
    return int(seconds)


def format_duration(seconds: int) -> str:
    """``90`` -> ``"1 min 30 s"``; ``3600`` -> ``"1 h"``; ``0`` -> ``"0 s"``.

    Short unit words keep announcements to one line on a phone; zero parts are left out
    (``"1 h 5 s"``), so every figure shown is one the reader has to act on.
    """
    if isinstance(seconds, bool) or not isinstance(seconds, int):
        raise TypeError(f"seconds must be an int, got {type(seconds).__name__}")
    if seconds < 0:
        raise ValueError(f"seconds must not be negative, got {seconds}")
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [
        f"{value} {unit}" for value, unit in ((hours, "h"), (minutes, "min"), (secs, "s")) if value
    ]
    return " ".join(parts) or "0 s"
