"""The running state of one timed phase (or one speaker's turn): start, pause, resume, extend.

A `PhaseClock` is a frozen value: every operation takes ``now`` and returns a new clock, so a
service can compute the next state, persist it, and only then tell Discord. The stored fields are
the ones a restarted bot needs to show the same countdown: while running, the absolute
``deadline`` (a restart changes nothing: the deadline is still the deadline); while paused, the
``remaining_when_paused`` (time does not run while the class is paused, however long the bot is
down). No float is involved anywhere: ``datetime``/``timedelta`` arithmetic is exact to the
microsecond, so pause, resume and extend never drift.

The invariant the tests hold for any sequence of operations::

    remaining(now) == duration + extensions - running time up to now

where running time excludes pauses. When time runs out the clock stops at zero and stays "time
up" until the phase is ended or extended. Extending a phase whose time is up gives it the extra
time *from now* (a teacher who presses "+1 min" two minutes after the bell means one more minute
of talk, not one minute of which two are already gone); the wait at zero is counted as a pause,
which keeps the invariant.

Warnings ("1 min left", "30 s left") are computed, not stored: `warnings_due` lists the marks still
ahead on the current deadline, so after a resume or an extension the timer service reschedules
exactly the ones that remain (an extension can bring a passed mark back ahead; that one warns
again, because it is true again). A mark is never scheduled for a phase that is not longer than
it: a 45-second turn gets no "1 min left". A warning timer that fires late (the bot was down)
should check ``seconds_left`` before it speaks: "1 min left" said with 10 s left is worse than
silence.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Literal

from bot.domain.utc import parse_utc, require_utc
from bot.errors import UserFacingError

__all__ = [
    "DEFAULT_WARNING_MARKS",
    "ClockError",
    "ClockStatus",
    "PhaseClock",
    "WarningDue",
    "ceil_seconds",
]

DEFAULT_WARNING_MARKS: tuple[int, ...] = (60, 30)
"""Seconds left at which a phase warns by default (issue #5: one minute and thirty seconds)."""

ClockStatus = Literal["pending", "running", "paused", "time_up", "ended"]
_ZERO = timedelta(0)


class ClockError(UserFacingError, ValueError):
    """An operation the clock's state forbids (pausing a paused phase, ...); said to the user."""


def ceil_seconds(span: timedelta) -> int:
    """Whole seconds, rounded up: "1 s left" until the very end, never "0 s left" too early."""
    microseconds = span // timedelta(microseconds=1)
    return -(-microseconds // 1_000_000)


def _positive_int(value: int, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be at least 1 second, got {value}")
    return value


@dataclass(frozen=True, slots=True)
class WarningDue:
    """A warning the timer service should send at ``due_at``: "``seconds_left`` s left"."""

    seconds_left: int
    due_at: datetime


@dataclass(frozen=True, slots=True)
class PhaseClock:
    """One phase's clock. Build with ``PhaseClock(duration=seconds)``; then ``start(now)``.

    Fields (each maps to one column):

    - ``duration``: planned seconds; ``extensions``: seconds added since (total = both).
    - ``started_at``: when it started (``None``: pending).
    - ``deadline``: when time is up, while running; ``None`` while paused or pending.
    - ``paused_at`` and ``remaining_when_paused``: set together while paused.
    - ``paused_total``: time the clock stood still after starting (pauses, and waits at zero
      before an extension); reports use it, the arithmetic does not need it.
    - ``ended_at``: when the phase was ended (next, skip, end); the other fields then keep
      the state the clock had at that moment.
    """

    duration: int
    extensions: int = 0
    started_at: datetime | None = None
    deadline: datetime | None = None
    paused_at: datetime | None = None
    remaining_when_paused: timedelta | None = None
    paused_total: timedelta = _ZERO
    ended_at: datetime | None = None

    def __post_init__(self) -> None:
        _positive_int(self.duration, "duration")
        if isinstance(self.extensions, bool) or not isinstance(self.extensions, int):
            raise TypeError("extensions must be an int")
        if self.extensions < 0:
            raise ValueError(f"extensions must not be negative, got {self.extensions}")
        for name in ("started_at", "deadline", "paused_at", "ended_at"):
            value = getattr(self, name)
            if value is not None:
                require_utc(value, name)
        if self.paused_total < _ZERO:
            raise ValueError("paused_total must not be negative")
        paused = self.paused_at is not None
        if paused != (self.remaining_when_paused is not None):
            raise ValueError("paused_at and remaining_when_paused are set together")
        if self.remaining_when_paused is not None and self.remaining_when_paused < _ZERO:
            raise ValueError("remaining_when_paused must not be negative")
        if self.started_at is None:
            if paused or self.deadline is not None or self.ended_at is not None:
                raise ValueError("a clock that has not started has no deadline, pause or end")
            if self.paused_total:
                raise ValueError("a clock that has not started has not been paused")
        elif paused == (self.deadline is not None):
            raise ValueError("a started clock has either a deadline (running) or a pause")

    # --- reading -------------------------------------------------------------------------------

    @property
    def total(self) -> int:
        """Seconds granted in all: planned plus extensions."""
        return self.duration + self.extensions

    def status(self, now: datetime) -> ClockStatus:
        """``pending``, ``running``, ``paused``, ``time_up`` (at zero, not ended) or ``ended``."""
        require_utc(now)
        if self.ended_at is not None:
            return "ended"
        if self.started_at is None:
            return "pending"
        if self.deadline is None:
            return "paused"
        return "time_up" if now >= self.deadline else "running"

    def remaining(self, now: datetime) -> timedelta:
        """Time left, exact. Frozen while paused; for an ended clock, what was left unused."""
        require_utc(now)
        if self.started_at is None:
            return timedelta(seconds=self.total)
        if self.remaining_when_paused is not None:
            return self.remaining_when_paused
        assert self.deadline is not None
        at = self.ended_at if self.ended_at is not None else now
        return max(_ZERO, self.deadline - at)

    def seconds_left(self, now: datetime) -> int:
        """`remaining` in whole seconds, rounded up (for "1 min 30 s left")."""
        return ceil_seconds(self.remaining(now))

    def elapsed(self, now: datetime) -> timedelta:
        """Running time so far (pauses excluded): ``total - remaining``."""
        return timedelta(seconds=self.total) - self.remaining(now)

    def is_over(self, now: datetime) -> bool:
        """Whether the phase is ended or its time is up."""
        return self.status(now) in ("time_up", "ended")

    def warnings_due(
        self, now: datetime, marks: Iterable[int] = DEFAULT_WARNING_MARKS
    ) -> tuple[WarningDue, ...]:
        """The warnings still ahead on the current deadline, earliest first.

        Empty unless running. A mark is due at ``deadline - mark``; it is listed when that is
        after ``now`` and the phase's total is longer than the mark. A mark falling exactly on
        ``now`` (a resume or an extension that leaves exactly 60 s) is left out: the
        announcement of that change already says how long is left.
        """
        wanted = sorted({_positive_int(mark, "warning mark") for mark in marks}, reverse=True)
        if self.status(now) != "running":
            return ()
        assert self.deadline is not None
        return tuple(
            WarningDue(seconds_left=mark, due_at=self.deadline - timedelta(seconds=mark))
            for mark in wanted
            if mark < self.total and self.deadline - timedelta(seconds=mark) > now
        )

    # --- operations ----------------------------------------------------------------------------

    def _not_before(self, now: datetime) -> None:
        require_utc(now)
        for name in ("started_at", "paused_at", "ended_at"):
            moment: datetime | None = getattr(self, name)
            if moment is not None and now < moment:
                raise ValueError(f"now ({now.isoformat()}) is before {name} ({moment.isoformat()})")

    def _must_be_live(self, now: datetime) -> None:
        self._not_before(now)
        if self.ended_at is not None:
            raise ClockError("This phase has already ended.")
        if self.started_at is None:
            raise ClockError("This phase has not started yet.")

    def start(self, now: datetime) -> PhaseClock:
        """Start the clock: the deadline is ``now + total``."""
        self._not_before(now)
        if self.started_at is not None:
            raise ClockError("This phase has already started.")
        return replace(self, started_at=now, deadline=now + timedelta(seconds=self.total))

    def pause(self, now: datetime) -> PhaseClock:
        """Stop the clock; the remaining time is kept exactly."""
        self._must_be_live(now)
        if self.deadline is None:
            raise ClockError("The clock is already paused.")
        if now >= self.deadline:
            raise ClockError("Time is already up for this phase: extend it, or move on.")
        return replace(
            self, deadline=None, paused_at=now, remaining_when_paused=self.deadline - now
        )

    def resume(self, now: datetime) -> PhaseClock:
        """Run again from where it was paused: the new deadline is ``now + remaining``."""
        self._must_be_live(now)
        if self.paused_at is None or self.remaining_when_paused is None:
            raise ClockError("The clock is not paused.")
        return replace(
            self,
            deadline=now + self.remaining_when_paused,
            paused_at=None,
            remaining_when_paused=None,
            paused_total=self.paused_total + (now - self.paused_at),
        )

    def extend(self, seconds: int, now: datetime) -> PhaseClock:
        """Give ``seconds`` more: running, paused, pending, or after time is up (from ``now``)."""
        _positive_int(seconds, "seconds")
        self._not_before(now)
        if self.ended_at is not None:
            raise ClockError("This phase has already ended.")
        extra = timedelta(seconds=seconds)
        extended = replace(self, extensions=self.extensions + seconds)
        if self.started_at is None:
            return extended
        if self.remaining_when_paused is not None:
            return replace(extended, remaining_when_paused=self.remaining_when_paused + extra)
        assert self.deadline is not None
        if now >= self.deadline:  # time was up: the wait at zero counts as a pause
            return replace(
                extended,
                deadline=now + extra,
                paused_total=self.paused_total + (now - self.deadline),
            )
        return replace(extended, deadline=self.deadline + extra)

    def end(self, now: datetime) -> PhaseClock:
        """End the phase (next, skip, end); the clock keeps what was left unused."""
        self._must_be_live(now)
        return replace(self, ended_at=now)

    # --- storage -------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: ISO 8601 datetimes with offset, spans in integer microseconds."""
        return {
            "duration": self.duration,
            "extensions": self.extensions,
            "started_at": _iso(self.started_at),
            "deadline": _iso(self.deadline),
            "paused_at": _iso(self.paused_at),
            "remaining_when_paused_us": _micros(self.remaining_when_paused),
            "paused_total_us": _micros(self.paused_total),
            "ended_at": _iso(self.ended_at),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PhaseClock:
        """Inverse of `to_dict`; datetimes may also be given as aware ``datetime`` objects."""
        remaining_us = data.get("remaining_when_paused_us")
        return cls(
            duration=data["duration"],
            extensions=data.get("extensions", 0),
            started_at=_utc_or_none(data.get("started_at"), "started_at"),
            deadline=_utc_or_none(data.get("deadline"), "deadline"),
            paused_at=_utc_or_none(data.get("paused_at"), "paused_at"),
            remaining_when_paused=(
                None if remaining_us is None else timedelta(microseconds=remaining_us)
            ),
            paused_total=timedelta(microseconds=data.get("paused_total_us", 0)),
            ended_at=_utc_or_none(data.get("ended_at"), "ended_at"),
        )


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _micros(span: timedelta | None) -> int | None:
    return None if span is None else span // timedelta(microseconds=1)


def _utc_or_none(value: object, name: str) -> datetime | None:
    return None if value is None else parse_utc(value, name)
