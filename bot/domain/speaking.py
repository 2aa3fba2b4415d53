"""Who has the floor: the hand queue of moderated phases and the statement rounds.

Placeholder while the module grows; see the final docstring below.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

__all__ = ["MIN_STATEMENT_SECONDS", "ScheduledTurn", "StatementTurns", "plan_statements"]

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
