"""Who has the floor: the hand queue of moderated phases, and statement rounds.

One `Floor` value per phase. It is frozen: each operation takes ``now`` and returns the next
floor, which the service stores before it announces anything. A turn's time is a `PhaseClock`,
so a speaker's countdown pauses with the class, can be extended, and survives a restart.

Rules, and why:

- **Who queues.** By default the queue holds *delegations* (``one_per_delegation``): in a
  negotiation the delegation speaks, and four Japan students pressing ``/hand`` should not take
  four places. The entry remembers the student who raised it: that student is called and
  credited. Any member may lower the delegation's hand or yield its floor. With
  ``one_per_delegation=False`` students queue one by one (a debate-club format).
- **Order.** First come, first served; the facilitator may give the floor to anyone at any time
  (that speaker leaves the queue; the others keep their places).
- **Auto-next.** When a turn ends (yield, time, "next") the head of the queue gets the floor at
  once; and with an idle floor a raised hand is called straight away, so the floor is never idle
  while someone waits. With ``auto_next=False`` only the facilitator calls the next speaker.
- **Time up is idempotent.** `Floor.time_up` ends the turn only if its clock is really over, so a
  stale or repeated timer (after an extension, or a restart) changes nothing.
- **Statements** (opening and final) walk the active delegations in play order by themselves;
  nobody raises a hand. `plan_statements` shares the phase's time: everyone gets the planned
  speaking time when it fits; otherwise every turn shrinks evenly (cutting the last speakers
  would silence the same actors every class), never below `MIN_STATEMENT_SECONDS` (or the
  planned speaking time if that is shorter). Only a phase too short even for that drops the last
  delegations in play order, and the round plan warns about it beforehand.
- **Accounting.** Every finished turn is kept as a `SpokenTurn` with the time actually used
  (running time of its clock: pauses do not count, yielding early saves the rest). A statement
  turn belongs to a delegation; the first member who speaks during it is credited (`credit`),
  so the gradebook's floor seconds follow the person who stood up. `floor_time` totals per
  delegation and per student, rounded half up to whole seconds once, at the end.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Literal

from bot.domain.phase_clock import PhaseClock
from bot.domain.utc import parse_utc, require_utc
from bot.errors import UserFacingError

__all__ = [
    "DEFAULT_FLOOR_SECONDS",
    "MIN_STATEMENT_SECONDS",
    "EndReason",
    "Floor",
    "FloorMode",
    "FloorTime",
    "Hand",
    "ScheduledTurn",
    "SpeakingError",
    "SpokenTurn",
    "StatementTurns",
    "Turn",
    "TurnSource",
    "floor_time",
    "plan_statements",
]

DEFAULT_FLOOR_SECONDS = 60
"""Floor time per speaker in a plenary whose phase sets none."""

MIN_STATEMENT_SECONDS = 15
"""The shortest statement turn worth giving: one or two sentences, read from a phone."""


@dataclass(frozen=True, slots=True)
class ScheduledTurn:
    """One delegation's statement, as projected if nobody yields early."""

    actor: str
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True, slots=True)
class StatementTurns:
    """How a statement phase shares its time: who speaks, for how long each, who is left out."""

    speakers: tuple[str, ...]
    turn_seconds: int
    speaking_time: int
    left_out: tuple[str, ...] = ()

    @property
    def shortened(self) -> bool:
        """Whether turns are shorter than the planned speaking time."""
        return self.turn_seconds < self.speaking_time

    @property
    def seconds_needed(self) -> int:
        return self.turn_seconds * len(self.speakers)

    def schedule(self, start: datetime) -> tuple[ScheduledTurn, ...]:
        """Back-to-back turns from ``start`` (a projection: a yield moves later turns earlier)."""
        turn = timedelta(seconds=self.turn_seconds)
        return tuple(
            ScheduledTurn(actor, start + index * turn, start + (index + 1) * turn)
            for index, actor in enumerate(self.speakers)
        )


def plan_statements(order: Sequence[str], speaking_time: int, phase_seconds: int) -> StatementTurns:
    """Share a statement phase among ``order`` (the active delegations in play order).

    Everyone gets ``speaking_time`` when it fits. When the phase is shorter, every turn shrinks
    evenly to ``phase_seconds // len(order)`` (whole seconds), because cutting the last
    delegations would silence the same actors every time (play order puts China and Russia
    last). Only below `MIN_STATEMENT_SECONDS` per turn do turns stop shrinking: then as many
    delegations as fit speak for that minimum, in play order, and the rest are ``left_out``
    (the round plan warns about this before class).
    """
    if speaking_time < 1 or phase_seconds < 1:
        raise ValueError("speaking_time and phase_seconds must be positive")
    speakers = tuple(dict.fromkeys(order))
    if not speakers:
        return StatementTurns((), speaking_time, speaking_time)
    if speaking_time * len(speakers) <= phase_seconds:
        return StatementTurns(speakers, speaking_time, speaking_time)
    even = phase_seconds // len(speakers)
    if even >= MIN_STATEMENT_SECONDS:
        return StatementTurns(speakers, even, speaking_time)
    turn = min(MIN_STATEMENT_SECONDS, speaking_time)
    fit = max(1, phase_seconds // turn)
    turn = min(turn, phase_seconds)
    return StatementTurns(speakers[:fit], turn, speaking_time, left_out=speakers[fit:])


# --- the floor -----------------------------------------------------------------------------------

FloorMode = Literal["queue", "statements"]
TurnSource = Literal["queue", "facilitator", "statement"]
EndReason = Literal["yielded", "time", "next", "replaced", "phase_end"]


class SpeakingError(UserFacingError, ValueError):
    """A floor action the state forbids (a second hand, a yield without the floor, ...)."""


@dataclass(frozen=True, slots=True)
class Hand:
    """A place in the queue: the delegation, the student who raised it (if any), and when."""

    actor: str
    user_id: int | None
    raised_at: datetime

    def __post_init__(self) -> None:
        require_utc(self.raised_at, "raised_at")

    def to_dict(self) -> dict[str, Any]:
        return {
            "actor": self.actor,
            "user_id": self.user_id,
            "raised_at": self.raised_at.isoformat(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Hand:
        return cls(data["actor"], data.get("user_id"), parse_utc(data["raised_at"], "raised_at"))


@dataclass(frozen=True, slots=True)
class Turn:
    """The floor now: who holds it, why, and its clock (``clock.deadline`` is when it ends)."""

    actor: str
    user_id: int | None
    source: TurnSource
    clock: PhaseClock

    @property
    def deadline(self) -> datetime | None:
        return self.clock.deadline

    def to_dict(self) -> dict[str, Any]:
        return {
            "actor": self.actor,
            "user_id": self.user_id,
            "source": self.source,
            "clock": self.clock.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Turn:
        return cls(
            data["actor"], data.get("user_id"), data["source"], PhaseClock.from_dict(data["clock"])
        )


@dataclass(frozen=True, slots=True)
class SpokenTurn:
    """A finished turn, for the record and the gradebook (``used`` excludes pauses)."""

    actor: str
    user_id: int | None
    source: TurnSource
    started_at: datetime | None
    ended_at: datetime
    granted: int
    used: timedelta
    reason: EndReason

    def to_dict(self) -> dict[str, Any]:
        return {
            "actor": self.actor,
            "user_id": self.user_id,
            "source": self.source,
            "started_at": None if self.started_at is None else self.started_at.isoformat(),
            "ended_at": self.ended_at.isoformat(),
            "granted": self.granted,
            "used_us": self.used // timedelta(microseconds=1),
            "reason": self.reason,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SpokenTurn:
        started = data.get("started_at")
        return cls(
            actor=data["actor"],
            user_id=data.get("user_id"),
            source=data["source"],
            started_at=None if started is None else parse_utc(started, "started_at"),
            ended_at=parse_utc(data["ended_at"], "ended_at"),
            granted=data["granted"],
            used=timedelta(microseconds=data["used_us"]),
            reason=data["reason"],
        )


@dataclass(frozen=True, slots=True)
class Floor:
    """The floor of one phase. Start with `Floor.moderated` or `Floor.statements`.

    After every operation, compare ``current`` with the previous floor's to know whom to
    announce, and (re)schedule the timer on ``deadline``.
    """

    mode: FloorMode = "queue"
    turn_seconds: int = DEFAULT_FLOOR_SECONDS
    one_per_delegation: bool = True
    auto_next: bool = True
    paused: bool = False
    closed: bool = False
    queue: tuple[Hand, ...] = ()
    current: Turn | None = None
    spoken: tuple[SpokenTurn, ...] = field(default=())

    def __post_init__(self) -> None:
        if isinstance(self.turn_seconds, bool) or not isinstance(self.turn_seconds, int):
            raise TypeError("turn_seconds must be an int")
        if self.turn_seconds < 1:
            raise ValueError("turn_seconds must be at least 1")
        object.__setattr__(self, "queue", tuple(self.queue))
        object.__setattr__(self, "spoken", tuple(self.spoken))
        keys = [self._key(hand.actor, hand.user_id) for hand in self.queue]
        if len(set(keys)) != len(keys):
            raise ValueError("a delegation or student is in the queue twice")

    # --- construction --------------------------------------------------------------------------

    @classmethod
    def moderated(
        cls,
        turn_seconds: int | None = None,
        *,
        auto_next: bool = True,
        one_per_delegation: bool = True,
    ) -> Floor:
        """A hand-raising floor (plenary); ``turn_seconds`` is the phase's speaking time."""
        return cls(
            mode="queue",
            turn_seconds=turn_seconds or DEFAULT_FLOOR_SECONDS,
            auto_next=auto_next,
            one_per_delegation=one_per_delegation,
        )

    @classmethod
    def statements(cls, turns: StatementTurns, now: datetime, *, paused: bool = False) -> Floor:
        """A statement round: the first delegation has the floor from ``now``, the rest wait."""
        require_utc(now)
        floor = cls(
            mode="statements",
            turn_seconds=turns.turn_seconds,
            auto_next=True,
            paused=paused,
            queue=tuple(Hand(actor, None, now) for actor in turns.speakers),
        )
        return floor._call_next(now)

    # --- reading -------------------------------------------------------------------------------

    @property
    def deadline(self) -> datetime | None:
        """When the current turn ends (``None``: nobody speaks, or the floor is paused)."""
        return None if self.current is None else self.current.deadline

    def _key(self, actor: str, user_id: int | None) -> tuple[str, int | None]:
        return (actor, None) if self.one_per_delegation else (actor, user_id)

    def position(self, actor: str, user_id: int | None) -> int | None:
        """1-based place in the queue of this delegation (or student), ``None`` if not queued."""
        key = self._key(actor, user_id)
        for number, hand in enumerate(self.queue, start=1):
            if self._key(hand.actor, hand.user_id) == key:
                return number
        return None

    def holds_floor(self, actor: str, user_id: int | None) -> bool:
        """Whether this delegation (or student) has the floor now.

        A turn given to a delegation as a whole (a statement) is held by each of its members.
        """
        turn = self.current
        if turn is None or turn.actor != actor:
            return False
        return self.one_per_delegation or turn.user_id is None or turn.user_id == user_id

    def _you(self) -> str:
        return "Your delegation" if self.one_per_delegation else "You"

    # --- internal steps ------------------------------------------------------------------------

    def _open(self, now: datetime) -> None:
        require_utc(now)
        if self.closed:
            raise SpeakingError("This phase has ended: the floor is closed.")

    def _grant(
        self, actor: str, user_id: int | None, source: TurnSource, now: datetime, seconds: int
    ) -> Floor:
        clock = PhaseClock(duration=seconds)
        if not self.paused:
            clock = clock.start(now)
        return replace(self, current=Turn(actor, user_id, source, clock))

    def _finish(self, now: datetime, reason: EndReason) -> Floor:
        turn = self.current
        if turn is None:
            return self
        clock = turn.clock
        ended = clock.end(now) if clock.started_at is not None else clock
        spoken = SpokenTurn(
            actor=turn.actor,
            user_id=turn.user_id,
            source=turn.source,
            started_at=clock.started_at,
            ended_at=now,
            granted=clock.total,
            used=ended.elapsed(now),
            reason=reason,
        )
        return replace(self, current=None, spoken=(*self.spoken, spoken))

    def _call_next(self, now: datetime) -> Floor:
        if not self.queue:
            return self
        head, *rest = self.queue
        source: TurnSource = "statement" if self.mode == "statements" else "queue"
        return replace(self, queue=tuple(rest))._grant(
            head.actor, head.user_id, source, now, self.turn_seconds
        )

    def _after_turn(self, now: datetime) -> Floor:
        if self.current is None and (self.auto_next or self.mode == "statements"):
            return self._call_next(now)
        return self

    # --- what students do ----------------------------------------------------------------------

    def raise_hand(self, actor: str, user_id: int | None, now: datetime) -> Floor:
        """Join the queue (``/hand``); with auto-next and an idle floor, speak at once."""
        self._open(now)
        if self.mode == "statements":
            raise SpeakingError(
                "In this phase the floor passes to each delegation in turn: "
                "no need to raise your hand."
            )
        if self.holds_floor(actor, user_id):
            has = "has" if self.one_per_delegation else "have"
            raise SpeakingError(f"{self._you()} already {has} the floor.")
        place = self.position(actor, user_id)
        if place is not None:
            verb = "is" if self.one_per_delegation else "are"
            raise SpeakingError(f"{self._you()} {verb} already in the queue (number {place}).")
        raised = replace(self, queue=(*self.queue, Hand(actor, user_id, now)))
        return raised._after_turn(now)

    def lower_hand(self, actor: str, user_id: int | None, now: datetime) -> Floor:
        """Leave the queue; in delegation mode any member may lower the delegation's hand."""
        self._open(now)
        place = self.position(actor, user_id) if self.mode == "queue" else None
        if place is None:
            verb = "is" if self.one_per_delegation else "are"
            raise SpeakingError(f"{self._you()} {verb} not in the queue.")
        return replace(self, queue=self.queue[: place - 1] + self.queue[place:])

    def yield_floor(self, actor: str, user_id: int | None, now: datetime) -> Floor:
        """End one's own turn early (``/yield``); the next speaker follows with auto-next."""
        self._open(now)
        if not self.holds_floor(actor, user_id):
            doesnt = "doesn't" if self.one_per_delegation else "don't"
            raise SpeakingError(f"{self._you()} {doesnt} have the floor.")
        return self._finish(now, "yielded")._after_turn(now)

    def credit(self, actor: str, user_id: int) -> Floor:
        """Credit a delegation's turn to the first member who speaks in it (no-op otherwise)."""
        turn = self.current
        if turn is None or turn.actor != actor or turn.user_id is not None:
            return self
        return replace(self, current=replace(turn, user_id=user_id))

    # --- what the facilitator and the timer do -------------------------------------------------

    def give_floor(
        self, actor: str, user_id: int | None, now: datetime, *, seconds: int | None = None
    ) -> Floor:
        """Give the floor to anyone now; they leave the queue, everyone else keeps their place."""
        self._open(now)
        floor = self._finish(now, "replaced")
        place = floor.position(actor, user_id) if floor.mode == "queue" else None
        if place is not None:
            floor = replace(floor, queue=floor.queue[: place - 1] + floor.queue[place:])
        return floor._grant(actor, user_id, "facilitator", now, seconds or self.turn_seconds)

    def next_speaker(self, now: datetime) -> Floor:
        """End the current turn and call the head of the queue (whatever ``auto_next`` says)."""
        self._open(now)
        if self.current is None and not self.queue:
            raise SpeakingError("Nobody has the floor or is waiting for it.")
        return self._finish(now, "next")._call_next(now)

    def time_up(self, now: datetime) -> Floor:
        """The turn's timer fired: end the turn if its time is really up (idempotent)."""
        require_utc(now)
        if self.closed or self.current is None or not self.current.clock.is_over(now):
            return self
        return self._finish(now, "time")._after_turn(now)

    def extend_turn(self, seconds: int, now: datetime) -> Floor:
        """Give the current speaker more time."""
        self._open(now)
        if self.current is None:
            raise SpeakingError("Nobody has the floor.")
        clock = self.current.clock.extend(seconds, now)
        return replace(self, current=replace(self.current, clock=clock))

    def pause(self, now: datetime) -> Floor:
        """Stop the speaker's clock with the phase's."""
        self._open(now)
        if self.paused:
            raise SpeakingError("The floor is already paused.")
        floor = replace(self, paused=True)
        turn = self.current
        if turn is not None and turn.clock.status(now) == "running":
            floor = replace(floor, current=replace(turn, clock=turn.clock.pause(now)))
        return floor

    def resume(self, now: datetime) -> Floor:
        """Run the speaker's clock again (a turn given while paused starts now)."""
        self._open(now)
        if not self.paused:
            raise SpeakingError("The floor is not paused.")
        floor = replace(self, paused=False)
        turn = self.current
        if turn is not None:
            status = turn.clock.status(now)
            if status == "pending":
                floor = replace(floor, current=replace(turn, clock=turn.clock.start(now)))
            elif status == "paused":
                floor = replace(floor, current=replace(turn, clock=turn.clock.resume(now)))
        return floor

    def end(self, now: datetime) -> Floor:
        """The phase ended: close the current turn and the queue (idempotent)."""
        require_utc(now)
        if self.closed:
            return self
        return replace(self._finish(now, "phase_end"), queue=(), closed=True)

    # --- storage -------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "turn_seconds": self.turn_seconds,
            "one_per_delegation": self.one_per_delegation,
            "auto_next": self.auto_next,
            "paused": self.paused,
            "closed": self.closed,
            "queue": [hand.to_dict() for hand in self.queue],
            "current": None if self.current is None else self.current.to_dict(),
            "spoken": [turn.to_dict() for turn in self.spoken],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Floor:
        current = data.get("current")
        return cls(
            mode=data["mode"],
            turn_seconds=data["turn_seconds"],
            one_per_delegation=data["one_per_delegation"],
            auto_next=data["auto_next"],
            paused=data["paused"],
            closed=data["closed"],
            queue=tuple(Hand.from_dict(hand) for hand in data["queue"]),
            current=None if current is None else Turn.from_dict(current),
            spoken=tuple(SpokenTurn.from_dict(turn) for turn in data["spoken"]),
        )


# --- accounting ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FloorTime:
    """Seconds of floor actually used, per delegation and per student."""

    by_actor: Mapping[str, int]
    by_user: Mapping[int, int]


def _whole_seconds(span: timedelta) -> int:
    """Round half up to whole seconds (deterministic, unlike banker's rounding of floats)."""
    return (span // timedelta(microseconds=1) + 500_000) // 1_000_000


def floor_time(turns: Iterable[SpokenTurn]) -> FloorTime:
    """Total floor time used, exact until one final rounding per delegation and per student.

    A turn with no credited student counts for its delegation only.
    """
    by_actor: dict[str, timedelta] = {}
    by_user: dict[int, timedelta] = {}
    for turn in turns:
        by_actor[turn.actor] = by_actor.get(turn.actor, timedelta(0)) + turn.used
        if turn.user_id is not None:
            by_user[turn.user_id] = by_user.get(turn.user_id, timedelta(0)) + turn.used
    return FloorTime(
        by_actor={actor: _whole_seconds(span) for actor, span in by_actor.items()},
        by_user={user: _whole_seconds(span) for user, span in by_user.items()},
    )
