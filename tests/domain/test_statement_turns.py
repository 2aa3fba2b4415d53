"""How a statement phase shares its time (bot.domain.speaking.plan_statements)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.speaking import MIN_STATEMENT_SECONDS, ScheduledTurn, plan_statements

HANOI = ["us", "dprk", "rok", "japan", "china", "russia"]
T0 = datetime(2026, 3, 2, 9, 6, tzinfo=UTC)


def test_hanoi_openings_fit_exactly() -> None:
    turns = plan_statements(HANOI, 60, 360)
    assert turns.speakers == tuple(HANOI)
    assert turns.turn_seconds == 60
    assert not turns.shortened
    assert turns.left_out == ()
    assert turns.schedule(T0)[0] == ScheduledTurn("us", T0, T0 + timedelta(seconds=60))
    assert turns.schedule(T0)[-1] == ScheduledTurn(
        "russia", T0 + timedelta(seconds=300), T0 + timedelta(seconds=360)
    )


def test_a_small_class_leaves_spare_time_after_the_statements() -> None:
    turns = plan_statements(["us", "dprk", "rok"], 60, 360)
    assert (turns.turn_seconds, turns.seconds_needed) == (60, 180)


@pytest.mark.parametrize(
    ("speaking_time", "phase", "turn", "speakers"),
    [
        (60, 240, 40, 6),  # shrink evenly: 240 // 6
        (60, 100, 16, 6),  # 100 // 6 = 16, still above the minimum
        (60, 90, 15, 6),  # exactly the minimum
        (60, 89, 15, 5),  # below: 15 s turns for those who fit, in play order
        (40, 20, 15, 1),
        (10, 50, 10, 5),  # a speaking time below the minimum is never shrunk further
        (60, 5, 5, 1),  # a phase shorter than the minimum turn: one short turn
    ],
)
def test_shorter_phases(speaking_time: int, phase: int, turn: int, speakers: int) -> None:
    turns = plan_statements(HANOI, speaking_time, phase)
    assert turns.turn_seconds == turn
    assert turns.speakers == tuple(HANOI[:speakers])
    assert turns.left_out == tuple(HANOI[speakers:])
    assert turns.shortened == (turn < speaking_time)


def test_no_speakers_and_duplicates() -> None:
    assert plan_statements([], 60, 360).speakers == ()
    assert plan_statements(["us", "us", "dprk"], 60, 360).speakers == ("us", "dprk")


def test_nonsense_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        plan_statements(HANOI, 0, 360)


@given(
    st.lists(st.sampled_from(HANOI), min_size=1, unique=True),
    st.integers(1, 600),
    st.integers(1, 3600),
)
def test_turns_never_overrun_the_phase_and_are_fair(
    order: list[str], speaking_time: int, phase: int
) -> None:
    turns = plan_statements(order, speaking_time, phase)
    assert turns.seconds_needed <= phase
    assert turns.turn_seconds <= speaking_time
    assert turns.speakers + turns.left_out == tuple(order)
    assert turns.speakers, "someone always speaks"
    if turns.left_out:
        assert turns.turn_seconds == min(MIN_STATEMENT_SECONDS, speaking_time, phase)
    else:
        assert turns.turn_seconds == min(speaking_time, phase // len(order))
