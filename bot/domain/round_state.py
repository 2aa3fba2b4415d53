"""A session's round as one value: the plan, where the class is in it, the phase's clock, the
floor and the caucuses — and what happens when the facilitator, a student or a timer acts.

Like `PhaseClock` and `Floor`, a `Round` is frozen: every operation takes ``now`` (and, where
delegations matter, the active ``actors`` in play order) and returns a `Step`: the next round,
the `Notice`s the class should see, in order, and the floor turns that just finished (for the
gradebook). The service stores the step, then the Discord side renders the notices. Nothing here
knows about Discord, the database or the timer service; `wanted_timers` says which deadlines
should be pending for the state as it is, and the service makes the timer table match.

Rules, and why:

- **Phases run in plan order.** ``start`` opens the first phase; ``advance`` (next, skip) ends the
  current one and opens the one after it; ``finish`` ends the round. A phase never runs twice, so
  ``(session, index)`` names one phase run and stale timers can be recognised.
- **Time up is idempotent.** `phase_time_up` acts only if the clock is really at zero and
  "Time." was not said yet: a stale timer (the phase was skipped or extended), or one fired twice,
  changes nothing. With auto-advance the next phase opens at once; without it the class waits for
  the facilitator, the floor stops with the clock (a speaker's countdown must not run on while
  the class waits), and the plenary may be locked (`plenary_locked`).
- **The floor follows the clock.** Pausing the phase pauses the speaker; resuming or extending
  runs them again. Statement phases walk the active delegations in play order by themselves
  (`plan_statements` shares the time); the plenary has a hand queue; other phases have no floor.
- **Caucuses** are one book per session (requests can come in the plenary too). A caucus phase
  opens the plan's suggested groups by itself (``auto_caucus``), and every phase end closes
  whatever caucuses are open: a caucus is part of the phase in which it met.
- **Warnings** come from the clock's marks still ahead. Each (mark, deadline) warns once; an
  extension that moves the deadline makes a passed mark true again, and it warns again. A
  warning that fires late (Parley was offline) says the true time left, or nothing if a smaller
  mark has passed too.
- **The plan** may be edited freely before the round starts; while it runs, only phases after
  the current one (the past is history, and the current phase is changed with ``extend``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Literal

from bot.domain.caucus import Caucus, CaucusBook, CaucusRequest, scenario_pairs, suggest_groups
from bot.domain.durations import MAX_DURATION_SECONDS, format_duration, parse_duration
from bot.domain.phase_clock import DEFAULT_WARNING_MARKS, ClockError, PhaseClock
from bot.domain.round_plan import PlanError, PlannedPhase, RoundPlan
from bot.domain.speaking import Floor, SpeakingError, SpokenTurn, StatementTurns, plan_statements
from bot.domain.utc import parse_utc, require_utc
from bot.errors import UserFacingError

__all__ = [
    "DEFAULT_PERIOD_SECONDS",
    "MAX_WARNING_MARKS",
    "CaucusClosed",
    "CaucusDeclined",
    "CaucusOpened",
    "CaucusRequested",
    "ClockChanged",
    "EndReason",
    "FinishedTurn",
    "FloorChanged",
    "Notice",
    "PhaseEnded",
    "PhaseRun",
    "PhaseStarted",
    "Round",
    "RoundError",
    "RoundFinished",
    "RoundSettings",
    "RoundStatus",
    "Step",
    "TimeUp",
    "TimeWarning",
    "WantedTimer",
    "describe_marks",
    "parse_warning_marks",
]

DEFAULT_PERIOD_SECONDS = 50 * 60
"""The class period a plan is checked against unless the facilitator sets another."""
MAX_WARNING_MARKS = 5

RoundStatus = Literal["planning", "running", "finished"]
EndReason = Literal["time", "next", "skipped", "ended", "session_ended"]
TimerPurpose = Literal["phase_end", "warning", "turn_end"]


class RoundError(UserFacingError, ValueError):
    """An action the round's state forbids (starting twice, pausing before the start, ...)."""


# --- settings and history ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RoundSettings:
    """The facilitator's choices for one session's round."""

    auto_advance: bool = True
    warning_marks: tuple[int, ...] = DEFAULT_WARNING_MARKS
    period_seconds: int = DEFAULT_PERIOD_SECONDS
    lock_between: bool = False
    auto_caucus: bool = True
    floor_auto_next: bool = True

    def __post_init__(self) -> None:
        marks = tuple(sorted(set(self.warning_marks), reverse=True))
        if len(marks) > MAX_WARNING_MARKS:
            raise RoundError(f"Give at most {MAX_WARNING_MARKS} warning marks.")
        for mark in marks:
            if isinstance(mark, bool) or not isinstance(mark, int):
                raise TypeError("warning marks are ints of seconds")
            if not 1 <= mark <= MAX_DURATION_SECONDS:
                raise RoundError("A warning mark must be between 1 s and 6 h before the end.")
        object.__setattr__(self, "warning_marks", marks)
        if not 60 <= self.period_seconds <= MAX_DURATION_SECONDS:
            raise RoundError("A class period must be between 1 min and 6 h.")

    def to_dict(self) -> dict[str, Any]:
        return {
            "auto_advance": self.auto_advance,
            "warning_marks": list(self.warning_marks),
            "period_seconds": self.period_seconds,
            "lock_between": self.lock_between,
            "auto_caucus": self.auto_caucus,
            "floor_auto_next": self.floor_auto_next,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RoundSettings:
        default = cls()
        return cls(
            auto_advance=bool(data.get("auto_advance", default.auto_advance)),
            warning_marks=tuple(data.get("warning_marks", default.warning_marks)),
            period_seconds=int(data.get("period_seconds", default.period_seconds)),
            lock_between=bool(data.get("lock_between", default.lock_between)),
            auto_caucus=bool(data.get("auto_caucus", default.auto_caucus)),
            floor_auto_next=bool(data.get("floor_auto_next", default.floor_auto_next)),
        )


@dataclass(frozen=True, slots=True)
class PhaseRun:
    """One phase as it was played: for the record, the debrief and the gradebook."""

    index: int
    kind: str
    title: str
    started_at: datetime
    ended_at: datetime
    reason: EndReason
    planned: int
    extensions: int
    paused: timedelta

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "kind": self.kind,
            "title": self.title,
            "started_at": self.started_at.isoformat(),
            "ended_at": self.ended_at.isoformat(),
            "reason": self.reason,
            "planned": self.planned,
            "extensions": self.extensions,
            "paused_us": self.paused // timedelta(microseconds=1),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PhaseRun:
        return cls(
            index=data["index"],
            kind=data["kind"],
            title=data["title"],
            started_at=parse_utc(data["started_at"], "started_at"),
            ended_at=parse_utc(data["ended_at"], "ended_at"),
            reason=data["reason"],
            planned=data["planned"],
            extensions=data["extensions"],
            paused=timedelta(microseconds=data["paused_us"]),
        )


# --- what the class should see -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PhaseStarted:
    index: int
    count: int
    phase: PlannedPhase
    clock: PhaseClock
    floor: Floor | None
    statements: StatementTurns | None
    caucuses: tuple[Caucus, ...] = ()


@dataclass(frozen=True, slots=True)
class PhaseEnded:
    index: int
    phase: PlannedPhase
    reason: EndReason
    at: datetime


@dataclass(frozen=True, slots=True)
class TimeUp:
    """The clock reached zero. ``waiting``: no auto-advance, the facilitator moves on."""

    index: int
    phase: PlannedPhase
    due_at: datetime
    late: bool
    waiting: bool
    next_phase: PlannedPhase | None


@dataclass(frozen=True, slots=True)
class RoundFinished:
    at: datetime
    reason: EndReason
    phases_played: int


@dataclass(frozen=True, slots=True)
class ClockChanged:
    """Paused, resumed or extended; ``clock`` is the new state (deadline or time left)."""

    index: int
    phase: PlannedPhase
    change: Literal["paused", "resumed", "extended"]
    clock: PhaseClock
    at: datetime
    seconds: int = 0


@dataclass(frozen=True, slots=True)
class TimeWarning:
    index: int
    phase: PlannedPhase
    seconds_left: int
    deadline: datetime
    late: bool


@dataclass(frozen=True, slots=True)
class FloorChanged:
    """A turn ended and/or someone got the floor. ``current`` is who speaks now (if anyone)."""

    index: int
    phase: PlannedPhase
    floor: Floor
    ended: SpokenTurn | None
    new_speaker: bool
    all_spoken: bool = False


@dataclass(frozen=True, slots=True)
class CaucusOpened:
    caucus: Caucus


@dataclass(frozen=True, slots=True)
class CaucusClosed:
    caucus: Caucus


@dataclass(frozen=True, slots=True)
class CaucusRequested:
    request: CaucusRequest


@dataclass(frozen=True, slots=True)
class CaucusDeclined:
    request: CaucusRequest


Notice = (
    PhaseStarted
    | PhaseEnded
    | TimeUp
    | RoundFinished
    | ClockChanged
    | TimeWarning
    | FloorChanged
    | CaucusOpened
    | CaucusClosed
    | CaucusRequested
    | CaucusDeclined
)


@dataclass(frozen=True, slots=True)
class FinishedTurn:
    """A floor turn to record: ``number`` counts the phase's turns from 0."""

    index: int
    kind: str
    number: int
    turn: SpokenTurn


@dataclass(frozen=True, slots=True)
class WantedTimer:
    """A deadline that should be pending: ``detail`` is the mark (warnings) or turn number."""

    purpose: TimerPurpose
    index: int
    due_at: datetime
    detail: int = 0


@dataclass(frozen=True, slots=True)
class Step:
    round: Round
    notices: tuple[Notice, ...] = ()
    turns: tuple[FinishedTurn, ...] = ()

    def then(self, other: Step) -> Step:
        return Step(other.round, self.notices + other.notices, self.turns + other.turns)


# --- the round -----------------------------------------------------------------------------------


def _statements(phase: PlannedPhase, actors: Sequence[str]) -> StatementTurns | None:
    if phase.speaking_time is None or phase.kind not in ("opening_statements", "final_statements"):
        return None
    return plan_statements(actors, phase.speaking_time, phase.duration)


@dataclass(frozen=True, slots=True)
class PhaseSpan:
    started_at: datetime
    ended_at: datetime | None  # None: still running
    label: str


def phase_at(spans: Sequence[PhaseSpan], when: datetime) -> str | None:
    """The label of the phase that was running at `when`, or None (before the first phase,
    between the end of the round and now)."""
    for span in reversed(spans):
        if span.started_at <= when and (span.ended_at is None or when < span.ended_at):
            return span.label
    return None


@dataclass(frozen=True, slots=True)
class Round:
    """One session's round. Start with ``Round(plan)``; then ``start(now, actors)``."""

    plan: RoundPlan
    settings: RoundSettings = field(default_factory=RoundSettings)
    status: RoundStatus = "planning"
    index: int | None = None
    clock: PhaseClock | None = None
    floor: Floor | None = None
    caucuses: CaucusBook = field(default_factory=lambda: CaucusBook(()))
    threads: tuple[tuple[int, int], ...] = ()
    time_up_said: bool = False
    warned: tuple[tuple[int, datetime], ...] = ()
    history: tuple[PhaseRun, ...] = ()

    def __post_init__(self) -> None:
        running = self.status == "running"
        if running != (self.index is not None and self.clock is not None):
            raise ValueError("a running round has a phase index and a clock; no other has")
        if self.index is not None and not 0 <= self.index < len(self.plan):
            raise ValueError(f"phase index {self.index} is outside the plan")

    # --- reading -------------------------------------------------------------------------------

    @property
    def phase(self) -> PlannedPhase | None:
        """The current phase (``None`` before the start and after the end)."""
        return None if self.index is None else self.plan.phases[self.index]

    def phase_label(self) -> str | None:
        """How the transcript names the current phase: ``"3. Bilateral caucuses"``."""
        phase = self.phase
        return None if phase is None or self.index is None else f"{self.index + 1}. {phase.title}"

    def phase_spans(self) -> tuple[PhaseSpan, ...]:
        """Each phase played so far, as the transcript names it, with when it started and ended
        (the current one has not ended): to file a message found later at its own time."""
        spans = [
            PhaseSpan(run.started_at, run.ended_at, f"{run.index + 1}. {run.title}")
            for run in self.history
        ]
        label = self.phase_label()
        if label is not None and self.clock is not None and self.clock.started_at is not None:
            spans.append(PhaseSpan(self.clock.started_at, None, label))
        return tuple(spans)

    def waiting(self) -> bool:
        """Time is up and the class waits for the facilitator to move on."""
        return self.status == "running" and self.time_up_said

    def paused(self) -> bool:
        return self.clock is not None and self.clock.paused_at is not None

    def plenary_locked(self) -> bool:
        """Whether the plenary should be read-only now (between phases, if the teacher wants)."""
        return self.settings.lock_between and self.waiting()

    def thread_of(self, number: int) -> int | None:
        return dict(self.threads).get(number)

    def wanted_timers(self, now: datetime) -> tuple[WantedTimer, ...]:
        """The timers that should be pending for this state (the service makes it so).

        A phase at zero whose "Time." was not said keeps its end timer (due at once), so a change
        made in the instant between the deadline and the timer never loses the phase end.
        """
        require_utc(now)
        if self.status != "running" or self.index is None or self.clock is None:
            return ()
        wanted: list[WantedTimer] = []
        clock, index = self.clock, self.index
        status = clock.status(now)
        if status in ("running", "time_up") and not self.time_up_said:
            assert clock.deadline is not None
            wanted.append(WantedTimer("phase_end", index, clock.deadline))
            for due in clock.warnings_due(now, self.settings.warning_marks):
                wanted.append(WantedTimer("warning", index, due.due_at, due.seconds_left))
        floor = self.floor
        if floor is not None and not floor.closed and floor.current is not None:
            turn = floor.current
            if turn.clock.deadline is not None and turn.clock.ended_at is None:
                wanted.append(
                    WantedTimer("turn_end", index, turn.clock.deadline, len(floor.spoken))
                )
        return tuple(wanted)

    def _must_run(self) -> tuple[int, PlannedPhase, PhaseClock]:
        if self.status == "planning":
            raise RoundError("The round has not started yet: start it with `/round start`.")
        if self.status == "finished":
            raise RoundError("The round is over.")
        assert self.index is not None and self.clock is not None
        return self.index, self.plan.phases[self.index], self.clock

    # --- starting, moving on, finishing --------------------------------------------------------

    def start(self, now: datetime, actors: Sequence[str]) -> Step:
        """Open the first phase."""
        require_utc(now)
        if self.status == "running":
            raise RoundError("The round is already running. Use Next to move to the next phase.")
        if self.status == "finished":
            raise RoundError(
                "This session's round is over. Start a new session to play another round."
            )
        if not actors:
            raise RoundError(
                "No delegation has members yet: hand out delegations first (panel: Random deal "
                "or Let students pick), then start the round."
            )
        return self._begin(0, now, actors)

    def _begin(self, index: int, now: datetime, actors: Sequence[str]) -> Step:
        phase = self.plan.phases[index]
        clock = PhaseClock(duration=phase.duration).start(now)
        statements = _statements(phase, actors)
        floor: Floor | None = None
        if statements is not None:
            floor = Floor.statements(statements, now)
        elif phase.kind == "plenary":
            floor = Floor.moderated(phase.speaking_time, auto_next=self.settings.floor_auto_next)
        book = replace(self.caucuses, play_order=tuple(actors))
        opened: tuple[Caucus, ...] = ()
        if phase.kind == "caucus" and self.settings.auto_caucus:
            preferred = phase.pairs or scenario_pairs(self.plan.phases)
            book, opened = book.open_suggested(suggest_groups(actors, actors, preferred), now)
        started = replace(
            self,
            status="running",
            index=index,
            clock=clock,
            floor=floor,
            caucuses=book,
            time_up_said=False,
            warned=(),
        )
        notice = PhaseStarted(index, len(self.plan), phase, clock, floor, statements, opened)
        return Step(started, (notice,))

    def _end_current(self, now: datetime, reason: EndReason) -> Step:
        index, phase, clock = self._must_run()
        ended_clock = clock.end(now) if clock.ended_at is None else clock
        paused = ended_clock.paused_total
        if ended_clock.paused_at is not None:
            paused += now - ended_clock.paused_at
        turns: tuple[FinishedTurn, ...] = ()
        floor = self.floor
        if floor is not None:
            closed = floor.end(now)
            turns = self._finished(floor, closed)
            floor = closed
        book = self.caucuses
        closing = book.open_caucuses()
        if closing:
            book = book.close_all(now)
        elif book.pending():
            book = book.close_all(now)  # requests lapse with their phase
        assert clock.started_at is not None
        run = PhaseRun(
            index=index,
            kind=phase.kind,
            title=phase.title,
            started_at=clock.started_at,
            ended_at=now,
            reason=reason,
            planned=clock.duration,
            extensions=clock.extensions,
            paused=paused,
        )
        after = replace(
            self, clock=ended_clock, floor=floor, caucuses=book, history=(*self.history, run)
        )
        closed_now = tuple(c for c in book.caucuses if c.number in {o.number for o in closing})
        notices: tuple[Notice, ...] = (
            PhaseEnded(index, phase, reason, now),
            *(CaucusClosed(c) for c in closed_now),
        )
        return Step(after, notices, turns)

    def _finish(self, now: datetime, reason: EndReason) -> Step:
        finished = replace(self, status="finished", index=None, clock=None, floor=None)
        finished = replace(finished, time_up_said=False, warned=())
        return Step(finished, (RoundFinished(now, reason, len(self.history)),))

    def advance(self, now: datetime, actors: Sequence[str], reason: EndReason = "next") -> Step:
        """End the current phase (next, skip) and open the following one, or finish."""
        require_utc(now)
        ended = self._end_current(now, reason)
        current = ended.round
        assert current.index is not None
        if current.index + 1 < len(current.plan):
            return ended.then(current._begin(current.index + 1, now, actors))
        return ended.then(current._finish(now, reason))

    def finish(self, now: datetime, reason: EndReason = "ended") -> Step:
        """End the round now (the facilitator's End, or the session ended)."""
        require_utc(now)
        if self.status == "finished":
            return Step(self)
        if self.status == "planning":
            if reason == "session_ended":
                return Step(replace(self, status="finished"))
            raise RoundError("The round has not started yet: there is nothing to end.")
        ended = self._end_current(now, reason)
        return ended.then(ended.round._finish(now, reason))

    # --- the clock -----------------------------------------------------------------------------

    def _sync_floor(self, now: datetime) -> Step:
        """The speaker's clock runs exactly when the phase's clock runs."""
        floor, clock = self.floor, self.clock
        if floor is None or floor.closed or clock is None:
            return Step(self)
        running = clock.status(now) == "running" and not self.time_up_said
        if running and floor.paused:
            return Step(replace(self, floor=floor.resume(now)))
        if not running and not floor.paused:
            return Step(replace(self, floor=floor.pause(now)))
        return Step(self)

    def pause(self, now: datetime) -> Step:
        index, phase, clock = self._must_run()
        if self.time_up_said:
            raise RoundError("Time is up for this phase: use Next to move on, or extend it.")
        paused = replace(self, clock=clock.pause(now))._sync_floor(now)
        clock_now = paused.round.clock
        assert clock_now is not None
        return Step(paused.round, (ClockChanged(index, phase, "paused", clock_now, now),))

    def resume(self, now: datetime) -> Step:
        index, phase, clock = self._must_run()
        if self.time_up_said:
            raise RoundError("Time is up for this phase: use Next to move on, or extend it.")
        if clock.paused_at is None:
            raise ClockError("The clock is not paused.")
        resumed = replace(self, clock=clock.resume(now))._sync_floor(now)
        clock_now = resumed.round.clock
        assert clock_now is not None
        return Step(resumed.round, (ClockChanged(index, phase, "resumed", clock_now, now),))

    def extend(self, seconds: int, now: datetime) -> Step:
        """More time for the current phase; after "Time." the phase runs again from now."""
        index, phase, clock = self._must_run()
        extended = replace(self, clock=clock.extend(seconds, now), time_up_said=False)
        synced = extended._sync_floor(now)
        clock_now = synced.round.clock
        assert clock_now is not None
        notice = ClockChanged(index, phase, "extended", clock_now, now, seconds)
        return Step(synced.round, (notice,))

    # --- what timers do ------------------------------------------------------------------------

    def phase_time_up(
        self, now: datetime, index: int, actors: Sequence[str], *, late: bool = False
    ) -> Step:
        """The phase-end timer of phase ``index`` fired (idempotent; stale timers do nothing)."""
        require_utc(now)
        if self.status != "running" or self.index != index or self.clock is None:
            return Step(self)
        if self.time_up_said or self.clock.status(now) != "time_up":
            return Step(self)
        assert self.clock.deadline is not None
        phase = self.plan.phases[index]
        following = self.plan.phases[index + 1] if index + 1 < len(self.plan) else None
        waiting = not self.settings.auto_advance
        said = TimeUp(index, phase, self.clock.deadline, late, waiting, following)
        if waiting:
            stopped = replace(self, time_up_said=True)._sync_floor(now)
            return Step(stopped.round, (said,), stopped.turns)
        return Step(self, (said,)).then(self.advance(now, actors, "time"))

    def warning_due(self, now: datetime, index: int, mark: int, *, late: bool = False) -> Step:
        """A warning timer fired: say the time left, once per mark and deadline."""
        require_utc(now)
        if self.status != "running" or self.index != index or self.clock is None:
            return Step(self)
        clock = self.clock
        if clock.status(now) != "running" or self.time_up_said:
            return Step(self)
        assert clock.deadline is not None
        if (mark, clock.deadline) in self.warned:
            return Step(self)
        left = clock.seconds_left(now)
        if left > mark:
            return Step(self)  # the deadline moved later since: its warning was moved too
        warned = replace(self, warned=(*self.warned, (mark, clock.deadline)))
        if late:
            if any(left <= smaller for smaller in self.settings.warning_marks if smaller < mark):
                return Step(warned)  # a smaller mark has passed too: that one speaks
            shown = left
        else:
            shown = mark
        notice = TimeWarning(index, self.plan.phases[index], shown, clock.deadline, late)
        return Step(warned, (notice,))

    def turn_time_up(self, now: datetime, index: int) -> Step:
        """A speaker's time ran out (idempotent: only a turn whose clock is over ends)."""
        require_utc(now)
        if self.status != "running" or self.index != index or self.floor is None:
            return Step(self)
        return self._floor_step(self.floor.time_up(now), now)

    # --- the floor -----------------------------------------------------------------------------

    def _finished(self, before: Floor, after: Floor) -> tuple[FinishedTurn, ...]:
        """Turns in ``after`` that ``before`` did not have yet: to be recorded."""
        if self.index is None:
            return ()
        kind, start = self.plan.phases[self.index].kind, len(before.spoken)
        return tuple(
            FinishedTurn(self.index, kind, start + offset, turn)
            for offset, turn in enumerate(after.spoken[start:])
        )

    def _floor_step(self, new: Floor, now: datetime) -> Step:
        old = self.floor
        if old is None or new is old:
            return Step(self)
        index, phase, _ = self._must_run()
        turns = self._finished(old, new)
        after = replace(self, floor=new)
        changed_speaker = new.current is not None and (
            old.current is None
            or (old.current.actor, old.current.user_id, old.current.clock.started_at)
            != (new.current.actor, new.current.user_id, new.current.clock.started_at)
            or len(new.spoken) != len(old.spoken)
        )
        ended = new.spoken[-1] if len(new.spoken) > len(old.spoken) else None
        if not changed_speaker and ended is None:
            return Step(after, (), turns)
        clock = after.clock
        all_spoken = (
            new.mode == "statements"
            and new.current is None
            and not new.queue
            and clock is not None
            and not clock.is_over(now)
        )
        notice = FloorChanged(index, phase, new, ended, changed_speaker, all_spoken)
        return Step(after, (notice,), turns)

    def _floor_or_error(self) -> Floor:
        _, phase, _ = self._must_run()
        if self.floor is None:
            raise SpeakingError(
                f"Nobody takes the floor in {phase.title}: hands are raised in the plenary, and "
                "statements pass from delegation to delegation by themselves."
            )
        return self.floor

    def raise_hand(self, actor: str, user_id: int, now: datetime) -> Step:
        if self.time_up_said:
            raise SpeakingError("Time is up for this phase: wait for the facilitator.")
        return self._floor_step(self._floor_or_error().raise_hand(actor, user_id, now), now)

    def lower_hand(self, actor: str, user_id: int, now: datetime) -> Step:
        return self._floor_step(self._floor_or_error().lower_hand(actor, user_id, now), now)

    def yield_floor(self, actor: str, user_id: int, now: datetime) -> Step:
        return self._floor_step(self._floor_or_error().yield_floor(actor, user_id, now), now)

    def give_floor(
        self, actor: str, user_id: int | None, now: datetime, *, seconds: int | None = None
    ) -> Step:
        floor = self._floor_or_error()
        return self._floor_step(floor.give_floor(actor, user_id, now, seconds=seconds), now)

    def next_speaker(self, now: datetime) -> Step:
        return self._floor_step(self._floor_or_error().next_speaker(now), now)

    def credit(self, actor: str, user_id: int) -> Step:
        """The first member to speak in a delegation's turn is credited with its time."""
        if self.status != "running" or self.floor is None:
            return Step(self)
        credited = self.floor.credit(actor, user_id)
        return Step(self) if credited is self.floor else Step(replace(self, floor=credited))

    # --- caucuses ------------------------------------------------------------------------------

    def _book(self, actors: Sequence[str]) -> CaucusBook:
        return replace(self.caucuses, play_order=tuple(actors))

    def open_caucus(self, members: Iterable[str], now: datetime, actors: Sequence[str]) -> Step:
        book, caucus = self._book(actors).open(members, now)
        return Step(replace(self, caucuses=book), (CaucusOpened(caucus),))

    def open_suggested(self, now: datetime, actors: Sequence[str]) -> Step:
        preferred = scenario_pairs(self.plan.phases)
        phase = self.phase
        if phase is not None and phase.kind == "caucus" and phase.pairs:
            preferred = phase.pairs
        book, opened = self._book(actors).open_suggested(
            suggest_groups(actors, actors, preferred), now
        )
        if not opened:
            raise RoundError("Every suggested caucus is already open.")
        return Step(replace(self, caucuses=book), tuple(CaucusOpened(c) for c in opened))

    def request_caucus(
        self,
        requester: str,
        partners: Iterable[str],
        user_id: int,
        now: datetime,
        actors: Sequence[str],
    ) -> Step:
        phase = self.phase
        kind = "none" if phase is None or self.time_up_said else phase.kind
        book, request = self._book(actors).request(
            requester, partners, user_id, now, phase_kind=kind
        )
        return Step(replace(self, caucuses=book), (CaucusRequested(request),))

    def approve_caucus(
        self, number: int, user_id: int, now: datetime, actors: Sequence[str]
    ) -> Step:
        book, caucus = self._book(actors).approve(number, user_id, now)
        return Step(replace(self, caucuses=book), (CaucusOpened(caucus),))

    def decline_caucus(self, number: int, user_id: int, now: datetime) -> Step:
        book = self.caucuses.decline(number, user_id, now)
        return Step(replace(self, caucuses=book), (CaucusDeclined(book.request_number(number)),))

    def close_caucus(self, number: int, now: datetime) -> Step:
        book = self.caucuses.close(number, now)
        closed = next(c for c in book.caucuses if c.number == number)
        return Step(replace(self, caucuses=book), (CaucusClosed(closed),))

    def attach_thread(self, number: int, thread_id: int) -> Round:
        threads = dict(self.threads)
        threads[number] = thread_id
        return replace(self, threads=tuple(sorted(threads.items())))

    # --- the plan and the settings -------------------------------------------------------------

    def _editable(self, *positions: int) -> None:
        if self.status == "finished":
            raise PlanError("The round is over: its plan can no longer change.")
        if self.status != "running" or self.index is None:
            return
        current = self.index + 1
        for position in positions:
            if position <= current:
                which = "is running" if position == current else "has already been played"
                raise PlanError(
                    f"Phase {position} {which}: while the round runs, only the phases after "
                    f"phase {current} can change (use `/round extend` for more time now)."
                )

    def add_phase(self, kind: str, duration: int, position: int | None = None) -> Round:
        at = len(self.plan) + 1 if position is None else position
        self._editable(at)
        return replace(self, plan=self.plan.add(kind, duration, position=position))

    def remove_phase(self, position: int) -> Round:
        self._editable(position)
        return replace(self, plan=self.plan.remove(position))

    def move_phase(self, position: int, to: int) -> Round:
        self._editable(position, to)
        return replace(self, plan=self.plan.move(position, to))

    def set_duration(self, position: int, seconds: int) -> Round:
        self._editable(position)
        return replace(self, plan=self.plan.set_duration(position, seconds))

    def configure(self, settings: RoundSettings) -> Round:
        """New settings; the running plenary's floor follows "next speaker automatically"."""
        floor = self.floor
        if floor is not None and floor.mode == "queue" and not floor.closed:
            floor = replace(floor, auto_next=settings.floor_auto_next)
        return replace(self, settings=settings, floor=floor)

    def remaining_plan_seconds(self, now: datetime) -> int:
        """Seconds until the plan ends if nothing changes: this phase's time left, then the rest."""
        if self.status != "running" or self.index is None or self.clock is None:
            return 0 if self.status == "finished" else self.plan.total_duration
        rest = sum(p.duration for p in self.plan.phases[self.index + 1 :])
        return self.clock.seconds_left(now) + rest


def parse_warning_marks(text: str) -> tuple[int, ...]:
    """``"1m, 30s"`` -> ``(60, 30)``; ``"off"`` -> ``()``. A plain number counts seconds here:
    warnings are thought of as "30 seconds left"."""
    cleaned = text.strip().casefold()
    if cleaned in ("off", "none", "no", "0", "-"):
        return ()
    parts = [part for part in cleaned.replace(";", ",").split(",") if part.strip()]
    if not parts:
        raise RoundError(
            "Give the warning marks separated by commas, e.g. `2m, 1m, 30s`, or `off`."
        )
    marks = tuple(parse_duration(part, bare_number="seconds") for part in parts)
    return RoundSettings(warning_marks=marks).warning_marks


def describe_marks(marks: Sequence[int]) -> str:
    """``(60, 30)`` -> ``"1 min and 30 s"``."""
    shown = [format_duration(m) for m in marks]
    if not shown:
        return "no warnings"
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
