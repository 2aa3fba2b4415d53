"""Students' data rights and retention, as pure rules: what erasure writes in place of a person,
how an id is scrubbed out of stored text and JSON, and what a purge or an erasure reports.

Erasure keeps the *shape* of a class record (how many messages, who spoke when, which seat a
delegation had) and removes the *person*: every stored reference to their Discord id becomes
one random negative number (a pseudonym no Discord id can equal, the same for all their rows of
one request, so "the same speaker" still reads as one), their name becomes `ERASED_NAME` and
their words `ERASED_TEXT`. Nothing links the pseudonym back to them.

Pure: no Discord, no database.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, timedelta
from typing import Any

__all__ = [
    "ERASED_NAME",
    "ERASED_TEXT",
    "ErasureReport",
    "PurgeReport",
    "jsonable",
    "new_pseudonym",
    "parse_age",
    "scrub_json",
    "scrub_text",
]

ERASED_TEXT = "[erased at the participant's request]"
ERASED_NAME = "Erased participant"
# A mention of nobody: Discord shows "@unknown-user", and like the mention it replaces it counts
# as no words in the debrief (`bot.domain.scorecard.count_words`).
ERASED_MENTION = "<@0>"

# JavaScript (and so most JSON readers) keeps integers exactly only up to 2**53.
_JSON_SAFE_INT = 2**53


def new_pseudonym() -> int:
    """A random negative id: Discord ids are positive, so it never names a real account."""
    return -(secrets.randbelow(2**52) + 1)


def _id_pattern(user_id: int) -> re.Pattern[str]:
    return re.compile(rf"(?<![\d-]){user_id}(?!\d)")


def _mention_pattern(user_id: int) -> re.Pattern[str]:
    return re.compile(rf"<@!?{user_id}>")


def scrub_text(text: str, user_id: int, pseudonym: int) -> str:
    """Mentions of the user become `ERASED_MENTION`; their bare id becomes the pseudonym (only
    as a whole number: a longer id that happens to contain the digits is left alone)."""
    text = _mention_pattern(user_id).sub(ERASED_MENTION, text)
    return _id_pattern(user_id).sub(str(pseudonym), text)


def scrub_json(value: Any, user_id: int, pseudonym: int) -> Any:
    """The same JSON value with every occurrence of the user's id (as a number, a string, in a
    key or inside text) replaced by the pseudonym."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return pseudonym if value == user_id else value
    if isinstance(value, str):
        return scrub_text(value, user_id, pseudonym)
    if isinstance(value, Mapping):
        return {
            scrub_text(str(k), user_id, pseudonym) if isinstance(k, str) else k: scrub_json(
                v, user_id, pseudonym
            )
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [scrub_json(v, user_id, pseudonym) for v in value]
    return value


def jsonable(value: Any) -> Any:
    """A stored value as plain JSON: datetimes as ISO 8601 UTC, ids too large for JavaScript
    as strings (so a school's tools read them exactly), containers recursively."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool) or value is None or isinstance(value, float | str):
        return value
    if isinstance(value, int):
        return str(value) if abs(value) >= _JSON_SAFE_INT else value
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return str(value)


_AGE = re.compile(r"^\s*(\d{1,6})\s*([dwhy]?)\s*$", re.IGNORECASE)
_UNIT_DAYS = {"d": 1.0, "": 1.0, "w": 7.0, "y": 365.0}


def parse_age(text: str) -> timedelta:
    """``365d``, ``52w``, ``1y``, ``48h`` or a bare number of days → a positive timedelta."""
    match = _AGE.match(text)
    if match is None:
        raise ValueError(f"not an age: {text[:40]!r} (write e.g. 365d, 52w, 1y or 48h)")
    number, unit = int(match.group(1)), match.group(2).lower()
    if number <= 0:
        raise ValueError("the age must be more than zero")
    if unit == "h":
        return timedelta(hours=number)
    return timedelta(days=number * _UNIT_DAYS[unit])


@dataclass(frozen=True)
class PurgeReport:
    """What a purge deleted, by kind of record."""

    sessions: int = 0
    messages: int = 0
    quiz_answers: int = 0
    quiz_runs: int = 0
    quiz_cards: int = 0
    races: int = 0
    race_answers: int = 0
    leaderboard_rows: int = 0
    settings: int = 0
    session_ids: tuple[int, ...] = field(default=())

    def __add__(self, other: PurgeReport) -> PurgeReport:
        values: dict[str, Any] = {}
        for f in fields(self):
            if f.name == "session_ids":
                values[f.name] = tuple(sorted({*self.session_ids, *other.session_ids}))
            else:
                values[f.name] = getattr(self, f.name) + getattr(other, f.name)
        return PurgeReport(**values)

    @property
    def empty(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self))

    def summary(self) -> str:
        """One line for a reply or the log."""
        parts = [
            (self.sessions, "session", "sessions"),
            (self.messages, "transcript message", "transcript messages"),
            (self.quiz_answers, "quiz answer", "quiz answers"),
            (self.quiz_cards, "practice card", "practice cards"),
            (self.races, "quiz race", "quiz races"),
            (self.race_answers, "race answer", "race answers"),
            (self.leaderboard_rows, "leaderboard entry", "leaderboard entries"),
        ]
        said = [f"{n} {one if n == 1 else many}" for n, one, many in parts if n]
        return ", ".join(said) if said else "nothing"


@dataclass(frozen=True)
class ErasureReport:
    """What an erasure changed; `sessions` are the class records it touched (a facilitator is
    told these, since their transcripts now read "Erased participant")."""

    sessions: tuple[int, ...] = ()
    messages: int = 0
    earlier_versions: int = 0
    quiz_answers: int = 0
    quiz_runs: int = 0
    quiz_cards: int = 0
    race_answers: int = 0
    leaderboard_rows: int = 0
    references: int = 0  # other rows that named them (seats, ballots, floor turns …)

    @property
    def empty(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self))
