"""Leitner-box spaced repetition for per-student quiz items.

Each (student, item) pair has a `CardState`: the box it sits in and when it is next due.
A correct answer moves the card up one box, a wrong answer sends it back to box 1, and
each box waits longer than the one below, so well-known items come back rarely and missed
items come back soon.

Intervals (box -> days until due after landing there): 1 -> 1, 2 -> 2, 3 -> 4, 4 -> 8,
5 -> 16. Doubling keeps the schedule easy to explain to students; sixteen days is long
enough for a course that runs a few weeks. Each due time is brought forward by
`DUE_EARLY_BY` (4 hours) so a student who studies at roughly the same time every day
is not locked out by a few minutes: a card missed at 21:00 is due again at 17:00 the
next day, so it is certainly in `/quiz review` two days later (the contract: a missed item
returns within two days at the latest).

Only timezone-aware UTC datetimes are accepted; naive or other-offset datetimes raise
ValueError, because mixing them silently shifts schedules by hours.

Pure domain code: no I/O, no Discord, no database.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TypeVar

__all__ = [
    "BOX_INTERVALS",
    "DUE_EARLY_BY",
    "FIRST_BOX",
    "LAST_BOX",
    "MISSED_ITEM_RETURNS_WITHIN",
    "CardState",
    "due_items",
    "is_due",
    "review",
]

FIRST_BOX = 1
LAST_BOX = 5
BOX_INTERVALS: Mapping[int, timedelta] = {
    1: timedelta(days=1),
    2: timedelta(days=2),
    3: timedelta(days=4),
    4: timedelta(days=8),
    5: timedelta(days=16),
}
DUE_EARLY_BY = timedelta(hours=4)
MISSED_ITEM_RETURNS_WITHIN = timedelta(days=2)
"""Upper bound, checked at import, on how long a missed item waits before it is due."""

if BOX_INTERVALS[FIRST_BOX] - DUE_EARLY_BY > MISSED_ITEM_RETURNS_WITHIN:  # pragma: no cover
    raise AssertionError("box 1 must bring a missed item back within two days")

K = TypeVar("K", bound=Hashable)


def _require_utc(value: datetime, name: str) -> None:
    """Refuse naive and non-UTC datetimes (they would shift due times silently)."""
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, got {type(value).__name__}")
    offset = value.utcoffset()
    if offset is None:
        raise ValueError(f"{name} must be timezone-aware UTC, got a naive datetime")
    if offset != timedelta(0):
        raise ValueError(f"{name} must be UTC, got offset {offset}")


@dataclass(frozen=True, slots=True)
class CardState:
    """Where one student stands on one item.

    `box` is 1..5; `due_at` is when the item should next be asked; `last_reviewed_at` is
    the last answer's time; `reviews` and `lapses` (wrong answers) are counters that the
    scheduler does not need but progress reports do.
    """

    box: int
    due_at: datetime
    last_reviewed_at: datetime
    reviews: int = 1
    lapses: int = 0

    def __post_init__(self) -> None:
        if isinstance(self.box, bool) or not isinstance(self.box, int):
            raise TypeError("box must be an int")
        if not FIRST_BOX <= self.box <= LAST_BOX:
            raise ValueError(f"box must be in {FIRST_BOX}..{LAST_BOX}, got {self.box}")
        _require_utc(self.due_at, "due_at")
        _require_utc(self.last_reviewed_at, "last_reviewed_at")
        if self.reviews < 0 or self.lapses < 0 or self.lapses > self.reviews:
            raise ValueError("need 0 <= lapses <= reviews")


def _due_after_landing(box: int, now: datetime) -> datetime:
    return now + BOX_INTERVALS[box] - DUE_EARLY_BY


def review(state: CardState | None, correct: bool, now: datetime) -> CardState:
    """Record one answer and return the card's new state (the old one is unchanged).

    A new item (`state is None`) counts as sitting in box 1: correct moves it to box 2,
    wrong keeps it in box 1. Correct answers climb one box (box 5 stays in box 5);
    a wrong answer always drops to box 1, due again in about a day. Answering before the
    due time still counts: extra practice that is right is still right.
    """
    _require_utc(now, "now")
    current = state.box if state is not None else FIRST_BOX
    box = min(current + 1, LAST_BOX) if correct else FIRST_BOX
    reviews = (state.reviews if state is not None else 0) + 1
    lapses = (state.lapses if state is not None else 0) + (0 if correct else 1)
    new_due = _due_after_landing(box, now)
    if state is None:
        return CardState(box, new_due, now, reviews, lapses)
    return replace(
        state, box=box, due_at=new_due, last_reviewed_at=now, reviews=reviews, lapses=lapses
    )


def is_due(state: CardState, now: datetime) -> bool:
    """Whether the item should be offered for review at `now` (due time reached)."""
    _require_utc(now, "now")
    return state.due_at <= now


def due_items(states: Mapping[K, CardState], now: datetime, limit: int | None = None) -> list[K]:
    """Keys of the due items, most overdue first, at most `limit` of them.

    Ties (same due time) go to the lower box first, since a weaker item benefits more
    from practice; remaining ties keep the mapping's order, so the result is stable.
    """
    _require_utc(now, "now")
    if limit is not None and limit < 0:
        raise ValueError("limit must be >= 0")
    due = [
        (state.due_at, state.box, idx, key)
        for idx, (key, state) in enumerate(states.items())
        if state.due_at <= now
    ]
    due.sort(key=lambda row: (row[0], row[1], row[2]))
    keys = [row[3] for row in due]
    return keys if limit is None else keys[:limit]
