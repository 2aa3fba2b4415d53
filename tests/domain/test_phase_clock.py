"""The phase clock (bot.domain.phase_clock): exact pause/resume/extend, warnings, storage."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.phase_clock import (
    DEFAULT_WARNING_MARKS,
    ClockError,
    PhaseClock,
    WarningDue,
    ceil_seconds,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def s(seconds: float) -> timedelta:
    return timedelta(seconds=seconds)


def test_a_pending_clock_has_its_whole_duration() -> None:
    clock = PhaseClock(duration=360)
    assert clock.status(T0) == "pending"
    assert clock.remaining(T0) == s(360)
    assert clock.deadline is None
    assert not clock.is_over(T0)
    assert clock.warnings_due(T0) == ()


def test_start_sets_the_deadline_and_time_runs_down() -> None:
    clock = PhaseClock(duration=360).start(T0)
    assert clock.deadline == at(360)
    assert clock.remaining(at(100)) == s(260)
    assert clock.seconds_left(at(99.5)) == 261
    assert clock.elapsed(at(100)) == s(100)
    assert clock.status(at(359.999999)) == "running"
    assert clock.status(at(360)) == "time_up"
    assert clock.is_over(at(360))
    assert clock.remaining(at(500)) == timedelta(0)


def test_pause_freezes_the_remaining_time_for_as_long_as_it_lasts() -> None:
    clock = PhaseClock(duration=360).start(T0).pause(at(100.25))
    assert clock.status(at(5000)) == "paused"
    assert clock.deadline is None
    assert clock.remaining(at(5000)) == s(259.75)
    assert not clock.is_over(at(10_000))
    resumed = clock.resume(at(3700.25))  # an hour of questions
    assert resumed.deadline == at(3700.25 + 259.75)
    assert resumed.paused_total == s(3600)
    assert resumed.remaining(at(3800.25)) == s(159.75)


def test_extend_while_running_moves_the_deadline() -> None:
    clock = PhaseClock(duration=360).start(T0).extend(60, at(300))
    assert clock.deadline == at(420)
    assert clock.extensions == 60
    assert clock.total == 420
    assert clock.remaining(at(300)) == s(120)


def test_extend_while_paused_adds_to_the_frozen_remainder() -> None:
    clock = PhaseClock(duration=360).start(T0).pause(at(300)).extend(90, at(400))
    assert clock.remaining(at(400)) == s(150)
    assert clock.resume(at(500)).deadline == at(650)


def test_extend_before_start_lengthens_the_phase() -> None:
    clock = PhaseClock(duration=360).extend(60, T0)
    assert clock.remaining(T0) == s(420)
    assert clock.start(T0).deadline == at(420)


def test_extend_after_time_is_up_counts_from_now() -> None:
    """The bell rang two minutes ago; "+1 min" means one more minute of talk from now."""
    clock = PhaseClock(duration=360).start(T0)
    extended = clock.extend(60, at(480))
    assert extended.status(at(480)) == "running"
    assert extended.deadline == at(540)
    assert extended.remaining(at(480)) == s(60)
    assert extended.paused_total == s(120)  # the wait at zero counts as a pause
    assert extended.elapsed(at(540)) == s(420)


def test_extend_exactly_at_the_deadline() -> None:
    clock = PhaseClock(duration=60).start(T0).extend(30, at(60))
    assert clock.deadline == at(90)
    assert clock.paused_total == timedelta(0)


def test_end_keeps_what_was_left_unused() -> None:
    clock = PhaseClock(duration=360).start(T0).end(at(200))
    assert clock.status(at(200)) == "ended"
    assert clock.is_over(at(200))
    assert clock.remaining(at(9999)) == s(160)
    assert clock.elapsed(at(9999)) == s(200)
    paused_then_ended = PhaseClock(duration=360).start(T0).pause(at(100)).end(at(900))
    assert paused_then_ended.remaining(at(9999)) == s(260)


@pytest.mark.parametrize(
    ("make", "operation", "message"),
    [
        (
            lambda: PhaseClock(360).start(T0),
            lambda c: c.start(at(1)),
            "This phase has already started.",
        ),
        (lambda: PhaseClock(360), lambda c: c.pause(at(1)), "This phase has not started yet."),
        (lambda: PhaseClock(360), lambda c: c.resume(at(1)), "This phase has not started yet."),
        (lambda: PhaseClock(360), lambda c: c.end(at(1)), "This phase has not started yet."),
        (
            lambda: PhaseClock(360).start(T0).pause(at(1)),
            lambda c: c.pause(at(2)),
            "The clock is already paused.",
        ),
        (lambda: PhaseClock(360).start(T0), lambda c: c.resume(at(1)), "The clock is not paused."),
        (
            lambda: PhaseClock(360).start(T0),
            lambda c: c.pause(at(360)),
            "Time is already up for this phase: extend it, or move on.",
        ),
        (
            lambda: PhaseClock(360).start(T0).end(at(5)),
            lambda c: c.extend(60, at(6)),
            "This phase has already ended.",
        ),
        (
            lambda: PhaseClock(360).start(T0).end(at(5)),
            lambda c: c.pause(at(6)),
            "This phase has already ended.",
        ),
        (
            lambda: PhaseClock(360).start(T0).end(at(5)),
            lambda c: c.end(at(6)),
            "This phase has already ended.",
        ),
    ],
)
def test_forbidden_operations_say_why(
    make: Callable[[], PhaseClock], operation: Callable[[PhaseClock], object], message: str
) -> None:
    with pytest.raises(ClockError) as caught:
        operation(make())
    assert str(caught.value) == message


@pytest.mark.parametrize("bad", [0, -5])
def test_extend_needs_a_positive_whole_number_of_seconds(bad: int) -> None:
    with pytest.raises(ValueError, match="at least 1 second"):
        PhaseClock(360).start(T0).extend(bad, at(1))
    with pytest.raises(TypeError):
        PhaseClock(360).start(T0).extend(1.5, at(1))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "moment",
    [datetime(2026, 3, 2, 9, 0), datetime(2026, 3, 2, 10, 0, tzinfo=timezone(timedelta(hours=1)))],
)
def test_only_utc_is_accepted(moment: datetime) -> None:
    with pytest.raises(ValueError, match="UTC"):
        PhaseClock(360).start(moment)
    with pytest.raises(ValueError, match="UTC"):
        PhaseClock(360).start(T0).remaining(moment)


def test_time_never_runs_backwards() -> None:
    with pytest.raises(ValueError, match="before started_at"):
        PhaseClock(360).start(T0).pause(at(-1))
    with pytest.raises(ValueError, match="before paused_at"):
        PhaseClock(360).start(T0).pause(at(10)).resume(at(9))


@pytest.mark.parametrize(
    "fields",
    [
        {"duration": 0},
        {"duration": 60, "extensions": -1},
        {"duration": 60, "deadline": T0},
        {"duration": 60, "started_at": T0},
        {"duration": 60, "started_at": T0, "deadline": T0, "paused_at": T0},
        {"duration": 60, "started_at": T0, "paused_at": T0},
        {"duration": 60, "started_at": T0, "paused_at": T0, "remaining_when_paused": s(-1)},
    ],
)
def test_inconsistent_states_cannot_be_built(fields: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        PhaseClock(**fields)  # type: ignore[arg-type]


# --- warnings --------------------------------------------------------------------------------


def test_default_marks_are_one_minute_and_thirty_seconds() -> None:
    assert DEFAULT_WARNING_MARKS == (60, 30)
    clock = PhaseClock(duration=360).start(T0)
    assert clock.warnings_due(T0) == (
        WarningDue(seconds_left=60, due_at=at(300)),
        WarningDue(seconds_left=30, due_at=at(330)),
    )


def test_marks_already_passed_are_skipped() -> None:
    clock = PhaseClock(duration=360).start(T0)
    assert clock.warnings_due(at(310)) == (WarningDue(30, at(330)),)
    assert clock.warnings_due(at(331)) == ()


def test_a_warning_due_this_very_instant_is_left_to_the_announcement_of_the_change() -> None:
    clock = PhaseClock(duration=360).start(T0)
    assert clock.warnings_due(at(299.999999)) == (WarningDue(60, at(300)), WarningDue(30, at(330)))
    assert clock.warnings_due(at(300)) == (WarningDue(30, at(330)),)
    resumed = clock.pause(at(300)).resume(at(400))  # exactly 60 s left on resume
    assert resumed.warnings_due(at(400)) == (WarningDue(30, at(430)),)


def test_an_extension_brings_passed_marks_back_ahead() -> None:
    clock = PhaseClock(duration=360).start(T0).extend(60, at(340))  # 20 s left -> 80 s left
    assert clock.warnings_due(at(340)) == (WarningDue(60, at(360)), WarningDue(30, at(390)))


def test_resume_reschedules_the_marks_still_ahead() -> None:
    paused = PhaseClock(duration=360).start(T0).pause(at(310))  # 50 s left
    assert paused.warnings_due(at(400)) == ()
    resumed = paused.resume(at(1000))
    assert resumed.warnings_due(at(1000)) == (WarningDue(30, at(1020)),)


def test_a_phase_no_longer_than_a_mark_gets_no_warning_for_it() -> None:
    assert PhaseClock(duration=60).start(T0).warnings_due(T0) == (WarningDue(30, at(30)),)
    assert PhaseClock(duration=45).start(T0).warnings_due(T0) == (WarningDue(30, at(15)),)
    assert PhaseClock(duration=30).start(T0).warnings_due(T0) == ()
    assert PhaseClock(duration=30).start(T0).extend(32, at(1)).warnings_due(at(1)) == (
        WarningDue(60, at(2)),
        WarningDue(30, at(32)),
    )


def test_marks_are_configurable_and_sorted() -> None:
    clock = PhaseClock(duration=900).start(T0)
    assert clock.warnings_due(T0, marks=[10, 300, 10]) == (
        WarningDue(300, at(600)),
        WarningDue(10, at(890)),
    )
    with pytest.raises(ValueError):
        clock.warnings_due(T0, marks=[0])


def test_no_warnings_once_time_is_up_or_ended() -> None:
    clock = PhaseClock(duration=360).start(T0)
    assert clock.warnings_due(at(360)) == ()
    assert clock.end(at(10)).warnings_due(at(10)) == ()


# --- storage ---------------------------------------------------------------------------------


def test_round_trip_through_json_and_a_restarted_bot_sees_the_same_time() -> None:
    clock = PhaseClock(duration=900).start(T0).extend(60, at(100)).pause(at(400.123456))
    stored = json.dumps(clock.to_dict())
    assert json.loads(stored) == {
        "duration": 900,
        "extensions": 60,
        "started_at": "2026-03-02T09:00:00+00:00",
        "deadline": None,
        "paused_at": "2026-03-02T09:06:40.123456+00:00",
        "remaining_when_paused_us": 559_876_544,
        "paused_total_us": 0,
        "ended_at": None,
    }
    restored = PhaseClock.from_dict(json.loads(stored))
    assert restored == clock
    running = restored.resume(at(500))
    again = PhaseClock.from_dict(json.loads(json.dumps(running.to_dict())))
    assert again.remaining(at(777.7)) == running.remaining(at(777.7)) == s(559.876544 - 277.7)


def test_from_dict_takes_database_datetimes_too() -> None:
    clock = PhaseClock(duration=60).start(T0)
    row = {**clock.to_dict(), "started_at": T0, "deadline": at(60)}
    assert PhaseClock.from_dict(row) == clock
    with pytest.raises(ValueError, match="naive"):
        PhaseClock.from_dict({**row, "deadline": "2026-03-02T09:01:00"})


@pytest.mark.parametrize(
    ("span", "seconds"),
    [
        (s(0), 0),
        (timedelta(microseconds=1), 1),
        (s(59.999999), 60),
        (s(60), 60),
        (s(60.000001), 61),
    ],
)
def test_ceil_seconds(span: timedelta, seconds: int) -> None:
    assert ceil_seconds(span) == seconds


# --- any sequence of operations ----------------------------------------------------------------


@dataclass
class Model:
    """An independent account of the clock: what ran, what was granted."""

    duration: int
    state: str = "pending"
    extensions: int = 0
    running: timedelta = timedelta(0)

    @property
    def remaining(self) -> timedelta:
        return timedelta(seconds=self.duration + self.extensions) - self.running


gaps = st.integers(min_value=0, max_value=400_000_000)  # microseconds, up to 400 s
operations = st.lists(
    st.one_of(
        st.tuples(st.just("wait"), gaps),
        st.tuples(st.just("wait_to_deadline"), st.just(0)),
        st.tuples(st.sampled_from(["start", "pause", "resume", "end"]), st.just(0)),
        st.tuples(st.just("extend"), st.integers(min_value=1, max_value=600)),
    ),
    max_size=40,
)


@settings(max_examples=300)
@given(st.integers(min_value=1, max_value=3600), operations)
def test_any_sequence_keeps_remaining_equal_to_granted_minus_running_time(
    duration: int, ops: list[tuple[str, int]]
) -> None:
    clock = PhaseClock(duration=duration)
    model = Model(duration)
    now = T0
    for name, value in ops:
        if name in ("wait", "wait_to_deadline"):
            gap = timedelta(microseconds=value)
            if name == "wait_to_deadline" and clock.status(now) == "running":
                assert clock.deadline is not None
                gap = clock.deadline - now
            if model.state == "running":
                model.running += min(gap, model.remaining)  # the clock stops at zero
            now += gap
            continue
        allowed = {
            "start": model.state == "pending",
            "pause": model.state == "running" and model.remaining > timedelta(0),
            "resume": model.state == "paused",
            "end": model.state in ("running", "paused"),
            "extend": model.state != "ended",
        }[name]
        try:
            clock = clock.extend(value, now) if name == "extend" else getattr(clock, name)(now)
        except ClockError:
            assert not allowed, name
            continue
        assert allowed, name
        if name == "extend":
            model.extensions += value
        else:
            model.state = {"start": "running", "pause": "paused", "resume": "running"}.get(
                name, "ended"
            )

        assert clock.remaining(now) == model.remaining
        assert clock.elapsed(now) == model.running
        assert clock.total == duration + model.extensions
        restored = PhaseClock.from_dict(json.loads(json.dumps(clock.to_dict())))
        assert restored == clock
        assert restored.remaining(now + s(7)) == clock.remaining(now + s(7))
        for warning in clock.warnings_due(now):
            assert warning.due_at > now
            assert clock.remaining(warning.due_at) == s(warning.seconds_left)
    assert clock.remaining(now) == model.remaining
    assert timedelta(0) <= clock.remaining(now) <= timedelta(seconds=clock.total)
