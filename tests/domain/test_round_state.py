"""A whole round as one value (bot.domain.round_state): phases, time up, the floor, caucuses."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.content.models import Scenario
from bot.domain.caucus import CaucusError
from bot.domain.phase_clock import ClockError
from bot.domain.round_plan import PlanError, RoundPlan
from bot.domain.round_state import (
    CaucusClosed,
    CaucusOpened,
    ClockChanged,
    FloorChanged,
    PhaseEnded,
    PhaseStarted,
    Round,
    RoundError,
    RoundFinished,
    RoundSettings,
    Step,
    TimeUp,
    TimeWarning,
    WantedTimer,
    describe_marks,
    phase_at,
)
from bot.domain.speaking import SpeakingError

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
HANOI = ("us", "dprk", "rok", "japan", "china", "russia")


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


@pytest.fixture
def plan(scenarios: Mapping[str, Scenario]) -> RoundPlan:
    return RoundPlan.from_scenario(scenarios["hanoi-2019"])


def kinds(step: Step) -> list[str]:
    return [type(n).__name__ for n in step.notices]


def test_the_hanoi_plan_runs_by_itself_to_the_end(plan: RoundPlan) -> None:
    """Auto-advance: every phase opens, its clock runs out, the next opens; 50 minutes exactly."""
    step = Round(plan).start(at(0), HANOI)
    assert kinds(step) == ["PhaseStarted"]
    now = 0
    seen: list[str] = []
    for index, phase in enumerate(plan.phases):
        current = step.round
        assert current.index == index and current.phase_label() == f"{index + 1}. {phase.title}"
        now += phase.duration
        # the statement turns end by themselves on the way
        while (turn := current.floor) is not None and turn.deadline and turn.deadline < at(now):
            current = current.turn_time_up(turn.deadline, index).round
        step = current.phase_time_up(at(now), index, HANOI)
        seen.append(" ".join(kinds(step)))
    assert now == 50 * 60
    assert step.round.status == "finished" and step.round.index is None
    assert seen[1] == "TimeUp PhaseEnded PhaseStarted"  # openings → caucuses (opened with it)
    assert seen[2] == "TimeUp PhaseEnded CaucusClosed CaucusClosed CaucusClosed PhaseStarted"
    assert seen[-1] == "TimeUp PhaseEnded RoundFinished"
    assert [run.reason for run in step.round.history] == ["time"] * 7
    finished = step.notices[-1]
    assert isinstance(finished, RoundFinished) and finished.phases_played == 7


def test_opening_statements_walk_the_delegations_in_play_order(plan: RoundPlan) -> None:
    first = Round(plan).start(at(0), HANOI).round
    started = first.phase_time_up(at(360), 0, HANOI)
    notice = started.notices[-1]
    assert isinstance(notice, PhaseStarted) and notice.statements is not None
    assert notice.statements.speakers == HANOI and notice.statements.turn_seconds == 60
    current = started.round
    speakers = []
    for n in range(6):
        floor = current.floor
        assert floor is not None and floor.current is not None
        speakers.append(floor.current.actor)
        step = current.turn_time_up(at(360 + 60 * (n + 1)), 1)
        assert [t.number for t in step.turns] == [n]
        assert step.turns[0].turn.used == timedelta(seconds=60)
        current = step.round
    assert speakers == list(HANOI)
    # The last turn ends with the phase: "Time." comes, not "everyone has spoken".
    last = step.notices[-1]
    assert isinstance(last, FloorChanged) and not last.all_spoken


def test_a_yield_moves_the_next_delegation_up_and_everyone_spoken_is_said(
    plan: RoundPlan,
) -> None:
    current = Round(plan).start(at(0), HANOI).round.advance(at(10), HANOI).round
    for n, actor in enumerate(HANOI):
        step = current.yield_floor(actor, 100 + n, at(10 + 30 * (n + 1)))
        current = step.round
    notice = step.notices[-1]
    assert isinstance(notice, FloorChanged) and notice.all_spoken and notice.ended is not None
    assert current.floor is not None and current.floor.current is None
    used = [t.turn.used for t in step.turns]
    assert used == [timedelta(seconds=30)]


def test_caucus_phase_opens_the_suggested_pairs_and_closes_them_at_its_end(
    plan: RoundPlan,
) -> None:
    current = Round(plan).start(at(0), HANOI).round
    current = current.advance(at(1), HANOI).round
    step = current.advance(at(2), HANOI)
    started = step.notices[-1]
    assert isinstance(started, PhaseStarted) and started.phase.kind == "caucus"
    assert [c.members for c in started.caucuses] == [
        ("us", "dprk"),
        ("rok", "japan"),
        ("china", "russia"),
    ]
    current = step.round.attach_thread(1, 555)
    assert current.thread_of(1) == 555
    ended = current.advance(at(3), HANOI)
    closed = [n.caucus.number for n in ended.notices if isinstance(n, CaucusClosed)]
    assert closed == [1, 2, 3]
    assert not ended.round.caucuses.open_caucuses()


def test_a_small_class_pairs_whoever_plays(plan: RoundPlan) -> None:
    actors = ("us", "dprk", "rok")
    current = Round(plan).start(at(0), actors).round.advance(at(1), actors).round
    started = current.advance(at(2), actors).notices[-1]
    assert isinstance(started, PhaseStarted)
    assert [c.members for c in started.caucuses] == [("us", "dprk", "rok")]


def test_without_auto_caucus_the_facilitator_opens_them(plan: RoundPlan) -> None:
    manual = Round(plan, RoundSettings(auto_caucus=False))
    current = manual.start(at(0), HANOI).round.advance(at(1), HANOI).round
    step = current.advance(at(2), HANOI)
    started = step.notices[-1]
    assert isinstance(started, PhaseStarted) and started.caucuses == ()
    opened = step.round.open_suggested(at(3), HANOI)
    assert [type(n) for n in opened.notices] == [CaucusOpened] * 3
    with pytest.raises(RoundError, match="already open"):
        opened.round.open_suggested(at(4), HANOI)
    one = opened.round.close_caucus(2, at(5))
    assert [n.caucus.members for n in one.notices if isinstance(n, CaucusClosed)] == [
        ("rok", "japan")
    ]


def test_caucus_requests_wait_for_the_facilitator_and_lapse_with_the_phase(
    plan: RoundPlan,
) -> None:
    current = Round(plan, RoundSettings(auto_caucus=False)).start(at(0), HANOI).round
    with pytest.raises(CaucusError, match="not now"):
        current.request_caucus("japan", ["rok"], 11, at(1), HANOI)  # preparation: not now
    caucus_phase = current.advance(at(1), HANOI).round.advance(at(2), HANOI).round
    asked = caucus_phase.request_caucus("japan", ["rok"], 11, at(3), HANOI)
    approved = asked.round.approve_caucus(1, 99, at(4), HANOI)
    opened = approved.notices[0]
    assert isinstance(opened, CaucusOpened) and opened.caucus.members == ("rok", "japan")
    second = approved.round.request_caucus("us", ["china"], 12, at(5), HANOI)
    declined = second.round.decline_caucus(2, 99, at(6))
    assert declined.round.caucuses.request_number(2).status == "declined"
    third = declined.round.request_caucus("us", ["russia"], 12, at(7), HANOI)
    after = third.round.advance(at(8), HANOI).round
    assert after.caucuses.request_number(3).status == "lapsed"


def test_pause_resume_extend_move_every_deadline_exactly(plan: RoundPlan) -> None:
    current = Round(plan).start(at(0), HANOI).round
    assert current.wanted_timers(at(0)) == (
        WantedTimer("phase_end", 0, at(360)),
        WantedTimer("warning", 0, at(300), 60),
        WantedTimer("warning", 0, at(330), 30),
    )
    paused = current.pause(at(100))
    notice = paused.notices[0]
    assert isinstance(notice, ClockChanged) and notice.clock.remaining(at(999)) == timedelta(
        seconds=260
    )
    assert paused.round.wanted_timers(at(200)) == ()
    extended = paused.round.extend(60, at(150))
    resumed = extended.round.resume(at(400))
    assert resumed.round.clock is not None and resumed.round.clock.deadline == at(720)
    assert resumed.round.wanted_timers(at(400))[0] == WantedTimer("phase_end", 0, at(720))
    with pytest.raises(ClockError):
        resumed.round.resume(at(401))


def test_statement_speakers_stop_with_the_class(plan: RoundPlan) -> None:
    current = Round(plan).start(at(0), HANOI).round.advance(at(0), HANOI).round
    assert current.floor is not None and current.floor.deadline == at(60)
    paused = current.pause(at(20)).round
    assert paused.floor is not None and paused.floor.deadline is None
    resumed = paused.resume(at(50)).round
    assert resumed.floor is not None and resumed.floor.deadline == at(90)
    assert WantedTimer("turn_end", 1, at(90), 0) in resumed.wanted_timers(at(50))


def test_waiting_for_the_facilitator_after_time(plan: RoundPlan) -> None:
    settings = RoundSettings(auto_advance=False, lock_between=True)
    current = Round(plan, settings).start(at(0), HANOI).round.advance(at(0), HANOI).round
    current = current.give_floor("dprk", None, at(330)).round  # 60 s from 330 s
    step = current.phase_time_up(at(360), 1, HANOI)
    said = step.notices[0]
    assert isinstance(said, TimeUp) and said.waiting and said.next_phase is not None
    waiting = step.round
    assert waiting.waiting() and waiting.plenary_locked()
    assert waiting.floor is not None and waiting.floor.paused
    assert waiting.floor.current is not None
    assert waiting.floor.current.clock.remaining(at(999)) == timedelta(seconds=30)
    assert waiting.wanted_timers(at(361)) == ()
    assert waiting.phase_time_up(at(362), 1, HANOI).notices == ()  # said once
    with pytest.raises(RoundError, match="Time is up"):
        waiting.pause(at(363))
    again = waiting.extend(60, at(400)).round  # the class gets one more minute, from now
    assert not again.waiting() and again.clock is not None and again.clock.deadline == at(460)
    assert again.floor is not None and not again.floor.paused
    moved_on = waiting.advance(at(420), HANOI)
    assert kinds(moved_on) == ["PhaseEnded", "PhaseStarted"]
    ended = moved_on.notices[0]
    assert isinstance(ended, PhaseEnded) and ended.reason == "next"


def test_a_phase_at_zero_keeps_its_end_timer_until_time_is_said(plan: RoundPlan) -> None:
    current = Round(plan).start(at(0), HANOI).round
    assert WantedTimer("phase_end", 0, at(360)) in current.wanted_timers(at(365))


def test_stale_and_repeated_timers_change_nothing(plan: RoundPlan) -> None:
    current = Round(plan).start(at(0), HANOI).round
    assert current.phase_time_up(at(100), 0, HANOI).round is current  # not at zero yet
    skipped = current.advance(at(10), HANOI, "skipped").round
    assert skipped.phase_time_up(at(360), 0, HANOI).round is skipped  # that phase was skipped
    assert skipped.warning_due(at(300), 0, 60).round is skipped
    assert skipped.turn_time_up(at(70), 0).round is skipped


def test_warnings_once_per_deadline_and_late_ones_tell_the_truth(plan: RoundPlan) -> None:
    current = Round(plan).start(at(0), HANOI).round
    step = current.warning_due(at(300), 0, 60)
    warning = step.notices[0]
    assert isinstance(warning, TimeWarning) and warning.seconds_left == 60 and not warning.late
    assert step.round.warning_due(at(300), 0, 60).notices == ()
    extended = step.round.extend(120, at(310)).round  # the 1-minute mark is ahead again
    assert WantedTimer("warning", 0, at(420), 60) in extended.wanted_timers(at(310))
    assert len(extended.warning_due(at(420), 0, 60).notices) == 1

    late = current.warning_due(at(318), 0, 60, late=True).notices[0]
    assert isinstance(late, TimeWarning) and late.seconds_left == 42 and late.late
    assert current.warning_due(at(340), 0, 60, late=True).notices == ()  # 30 s passed too


def test_only_phases_after_the_current_one_can_change(plan: RoundPlan) -> None:
    running = Round(plan).start(at(0), HANOI).round.advance(at(1), HANOI).round
    with pytest.raises(PlanError, match="Phase 2 is running"):
        running.set_duration(2, 60)
    with pytest.raises(PlanError, match="Phase 1 has already been played"):
        running.remove_phase(1)
    with pytest.raises(PlanError):
        running.add_phase("caucus", 300, position=2)
    changed = running.add_phase("caucus", 300, position=3).move_phase(4, 5).set_duration(6, 60)
    assert [p.kind for p in changed.plan.phases][:5] == [
        "preparation",
        "opening_statements",
        "caucus",
        "plenary",
        "caucus",
    ]
    finished = running.finish(at(5)).round
    with pytest.raises(PlanError, match="over"):
        finished.remove_phase(3)


def test_starting_needs_delegations_and_happens_once(plan: RoundPlan) -> None:
    with pytest.raises(RoundError, match="hand out delegations"):
        Round(plan).start(at(0), ())
    running = Round(plan).start(at(0), HANOI).round
    with pytest.raises(RoundError, match="already running"):
        running.start(at(1), HANOI)
    done = running.finish(at(2))
    assert kinds(done) == ["PhaseEnded", "RoundFinished"]
    with pytest.raises(RoundError, match="over"):
        done.round.start(at(3), HANOI)
    with pytest.raises(RoundError, match="not started"):
        Round(plan).pause(at(0))


def test_the_plenary_floor_queues_delegations(plan: RoundPlan) -> None:
    current = Round(plan).start(at(0), HANOI).round
    with pytest.raises(SpeakingError, match="Nobody takes the floor"):
        current.raise_hand("japan", 11, at(1))
    for _ in range(3):
        current = current.advance(at(1), HANOI).round
    assert current.phase is not None and current.phase.kind == "plenary"
    raised = current.raise_hand("japan", 11, at(2))
    notice = raised.notices[0]
    assert isinstance(notice, FloorChanged) and notice.new_speaker
    queued = raised.round.raise_hand("china", 21, at(3))
    assert queued.notices == ()
    given = queued.round.give_floor("us", None, at(10))
    assert [t.turn.actor for t in given.turns] == ["japan"]
    credited = given.round.credit("us", 31)
    assert credited.round.floor is not None and credited.round.floor.current is not None
    assert credited.round.floor.current.user_id == 31


def test_settings_are_checked_and_stored() -> None:
    settings = RoundSettings(warning_marks=(30, 60, 30), period_seconds=45 * 60)
    assert settings.warning_marks == (60, 30)
    assert RoundSettings.from_dict(settings.to_dict()) == settings
    with pytest.raises(RoundError):
        RoundSettings(warning_marks=(1, 2, 3, 4, 5, 6))
    with pytest.raises(RoundError):
        RoundSettings(period_seconds=10)
    assert describe_marks((60, 30)) == "1 min and 30 s"
    assert describe_marks(()) == "no warnings"


def test_remaining_plan_time(plan: RoundPlan) -> None:
    current = Round(plan).start(at(0), HANOI).round
    assert current.remaining_plan_seconds(at(60)) == 50 * 60 - 60
    assert replace(current).remaining_plan_seconds(at(0)) == 50 * 60


def test_a_message_found_later_is_filed_under_the_phase_it_was_posted_in(
    plan: RoundPlan,
) -> None:
    """Backfill after a restart: the phase at the message's own time, not the one running now."""
    settings = RoundSettings(auto_advance=False)
    first = Round(plan, settings).start(at(60), HANOI).round
    waiting = first.phase_time_up(at(60 + plan.phases[0].duration), 0, HANOI).round
    second = waiting.advance(at(500), HANOI).round  # the class waited 80 s for the teacher
    spans = second.phase_spans()
    one, two = (f"{i + 1}. {plan.phases[i].title}" for i in (0, 1))

    assert phase_at(spans, at(59)) is None  # before the round started
    assert phase_at(spans, at(60)) == one
    assert phase_at(spans, at(499)) == one  # time was up, but phase 1 had not ended
    assert phase_at(spans, at(500)) == two
    assert phase_at(spans, at(9_999)) == two  # still running
    finished = second.finish(at(600)).round
    assert phase_at(finished.phase_spans(), at(599)) == two
    assert phase_at(finished.phase_spans(), at(600)) is None  # after the round
