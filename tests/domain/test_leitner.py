"""Tests for the Leitner spaced-repetition rules (bot.domain.leitner), on simulated days."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.leitner import (
    BOX_INTERVALS,
    DUE_EARLY_BY,
    LAST_BOX,
    MISSED_ITEM_RETURNS_WITHIN,
    CardState,
    due_items,
    is_due,
    review,
)

MONDAY_EVENING = datetime(2026, 3, 2, 21, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def test_new_item_answered_wrong_lands_in_box_one_due_soon() -> None:
    card = review(None, correct=False, now=MONDAY_EVENING)
    assert card.box == 1
    assert card.due_at == MONDAY_EVENING + BOX_INTERVALS[1] - DUE_EARLY_BY
    assert card.due_at - MONDAY_EVENING <= MISSED_ITEM_RETURNS_WITHIN
    assert (card.reviews, card.lapses) == (1, 1)
    assert card.last_reviewed_at == MONDAY_EVENING


def test_new_item_answered_right_moves_to_box_two() -> None:
    card = review(None, correct=True, now=MONDAY_EVENING)
    assert card.box == 2
    assert card.due_at == MONDAY_EVENING + BOX_INTERVALS[2] - DUE_EARLY_BY
    assert (card.reviews, card.lapses) == (1, 0)


def test_correct_answers_climb_and_stop_at_the_last_box() -> None:
    card = review(None, True, MONDAY_EVENING)
    boxes = [card.box]
    for _ in range(6):
        card = review(card, True, card.due_at)
        boxes.append(card.box)
    assert boxes == [2, 3, 4, 5, 5, 5, 5]
    assert card.box == LAST_BOX


def test_a_wrong_answer_drops_any_box_to_box_one() -> None:
    card = CardState(box=4, due_at=MONDAY_EVENING, last_reviewed_at=MONDAY_EVENING - 8 * DAY)
    dropped = review(card, correct=False, now=MONDAY_EVENING)
    assert dropped.box == 1
    assert dropped.lapses == 1
    assert dropped.due_at - MONDAY_EVENING < 2 * DAY
    assert card.box == 4  # the old state is untouched


def test_intervals_double_and_grow_with_the_box() -> None:
    days = [BOX_INTERVALS[b] / DAY for b in range(1, LAST_BOX + 1)]
    assert days == [1, 2, 4, 8, 16]


def test_missed_items_come_back_in_review_two_days_later() -> None:
    """Issue #7: misses in the evening show up in /quiz review two days later."""
    states = {
        item: review(None, correct=False, now=MONDAY_EVENING + timedelta(minutes=i))
        for i, item in enumerate(["yongbyon", "abe", "hanoi-year"])
    }
    states["known"] = review(None, correct=True, now=MONDAY_EVENING)
    wednesday_evening = MONDAY_EVENING + 2 * DAY
    # The misses come first (most overdue); the known item (box 2) is due by then too.
    assert due_items(states, wednesday_evening, limit=10) == [
        "yongbyon",
        "abe",
        "hanoi-year",
        "known",
    ]
    assert due_items(states, wednesday_evening, limit=3) == ["yongbyon", "abe", "hanoi-year"]
    # Also the next day, even a few hours earlier than the miss.
    tuesday_afternoon = MONDAY_EVENING + DAY - timedelta(hours=3)
    assert set(due_items(states, tuesday_afternoon, limit=10)) == {"yongbyon", "abe", "hanoi-year"}
    # But not the same evening: the point is spacing, not drilling.
    assert due_items(states, MONDAY_EVENING + timedelta(hours=2), limit=10) == []


@given(
    minute_of_day=st.integers(0, 24 * 60 - 1),
    later=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=30)),
    box=st.integers(1, LAST_BOX),
)
def test_a_missed_item_is_due_within_two_days_whatever_the_hour(
    minute_of_day: int, later: timedelta, box: int
) -> None:
    missed_at = datetime(2026, 3, 2, tzinfo=UTC) + timedelta(minutes=minute_of_day)
    card = CardState(box=box, due_at=missed_at, last_reviewed_at=missed_at - DAY)
    card = review(card, correct=False, now=missed_at)
    assert is_due(card, missed_at + MISSED_ITEM_RETURNS_WITHIN + later)


def test_simulated_month_of_daily_reviews() -> None:
    """A student who reviews every evening and always answers right sees the item on
    days 0, 2, 6, 14 and 30: the doubling intervals, with the 4-hour early window
    keeping the same-time-of-day habit from slipping a day."""
    start = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)
    card: CardState | None = None
    seen_on: list[int] = []
    for day in range(45):
        now = start + day * DAY
        if card is None or is_due(card, now):
            card = review(card, correct=True, now=now)
            seen_on.append(day)
    assert seen_on == [0, 2, 6, 14, 30]


def test_simulated_days_with_a_lapse() -> None:
    start = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)
    answers = iter([True, True, False, True, True])  # lapse on the third review
    card: CardState | None = None
    log: list[tuple[int, int]] = []
    for day in range(20):
        now = start + day * DAY
        if card is None or is_due(card, now):
            correct = next(answers, True)
            card = review(card, correct, now)
            log.append((day, card.box))
    # day 0 -> box 2; day 2 -> box 3; day 6 wrong -> box 1; day 7 -> box 2; day 9 -> box 3
    assert log[:5] == [(0, 2), (2, 3), (6, 1), (7, 2), (9, 3)]
    assert card is not None
    assert card.lapses == 1


def test_due_items_orders_most_overdue_first_then_lower_box_and_limits() -> None:
    now = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    last = now - 30 * DAY

    def card(box: int, overdue: timedelta) -> CardState:
        return CardState(box=box, due_at=now - overdue, last_reviewed_at=last)

    states = {
        "a": card(3, timedelta(hours=1)),
        "b": card(2, timedelta(days=3)),
        "c": card(1, timedelta(days=1)),
        "d": card(4, timedelta(days=3)),  # same due time as "b", higher box
        "e": card(1, -timedelta(hours=1)),  # not due yet
        "f": card(5, timedelta(0)),  # due exactly now
    }
    assert due_items(states, now) == ["b", "d", "c", "a", "f"]
    assert due_items(states, now, limit=2) == ["b", "d"]
    assert due_items(states, now, limit=0) == []
    assert due_items({}, now, limit=5) == []
    with pytest.raises(ValueError, match="limit"):
        due_items(states, now, limit=-1)


def test_equal_due_time_and_box_keep_input_order() -> None:
    now = datetime(2026, 3, 10, tzinfo=UTC)
    same = CardState(box=2, due_at=now, last_reviewed_at=now - DAY)
    assert due_items({k: same for k in ["x", "m", "a"]}, now) == ["x", "m", "a"]


def test_is_due_boundary() -> None:
    card = review(None, False, MONDAY_EVENING)
    assert not is_due(card, card.due_at - timedelta(microseconds=1))
    assert is_due(card, card.due_at)


@pytest.mark.parametrize(
    "bad",
    [
        datetime(2026, 3, 2, 21, 0),  # naive
        datetime(2026, 3, 2, 21, 0, tzinfo=timezone(timedelta(hours=9))),  # Tokyo offset
        datetime(2026, 3, 2, 21, 0, tzinfo=ZoneInfo("Asia/Seoul")),
    ],
    ids=["naive", "plus9", "seoul"],
)
def test_only_utc_datetimes_are_accepted(bad: datetime) -> None:
    card = review(None, True, MONDAY_EVENING)
    with pytest.raises(ValueError, match="UTC"):
        review(None, True, bad)
    with pytest.raises(ValueError, match="UTC"):
        review(card, True, bad)
    with pytest.raises(ValueError, match="UTC"):
        is_due(card, bad)
    with pytest.raises(ValueError, match="UTC"):
        due_items({"x": card}, bad, limit=1)
    with pytest.raises(ValueError, match="UTC"):
        CardState(box=1, due_at=bad, last_reviewed_at=MONDAY_EVENING)


def test_other_utc_tzinfo_objects_are_fine() -> None:
    utc_zone = datetime(2026, 3, 2, 21, 0, tzinfo=ZoneInfo("UTC"))
    assert review(None, True, utc_zone).box == 2


@pytest.mark.parametrize(
    "kwargs",
    [{"box": 0}, {"box": 6}, {"reviews": 1, "lapses": 2}, {"reviews": -1, "lapses": 0}],
)
def test_card_state_validates(kwargs: dict[str, int]) -> None:
    fields = {"box": 1, "due_at": MONDAY_EVENING, "last_reviewed_at": MONDAY_EVENING, **kwargs}
    with pytest.raises(ValueError):
        CardState(**fields)  # type: ignore[arg-type]


def test_card_state_rejects_non_int_box() -> None:
    with pytest.raises(TypeError):
        CardState(box=True, due_at=MONDAY_EVENING, last_reviewed_at=MONDAY_EVENING)


def test_card_state_is_frozen() -> None:
    card = review(None, True, MONDAY_EVENING)
    with pytest.raises(dataclasses.FrozenInstanceError):
        card.box = 3  # type: ignore[misc]
