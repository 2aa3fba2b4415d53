"""The facilitator's round plan: the scenario's phases, reshaped to fit one real class period.

A teacher knows their period and their class; the scenario's default plan only knows the
article. So editing is generous: any phase kind may be added, anything may be removed (down to one
phase), moved or re-timed. Only what cannot run is an error (`PlanError`, shown to the teacher
as is):

- an empty plan, or more than `MAX_PHASES` phases (a plan is shown as one embed, and a 25-option
  select menu must be able to list it with room to spare);
- durations outside 1 s .. 6 h (what `bot.domain.durations` accepts);
- a statement phase without a speaking time, or a speaking time on a phase that does not pass the
  floor (only statements and the plenary do; there the plenary's is the floor time per speaker);
- an empty or over-long title or goal (they are shown as one line in Discord).

What is odd but may be exactly what the teacher wants is a `PlanWarning`, never a refusal: a
plan longer than the period, a vote before any plenary (proposals are tabled in the plenary, so
there may be nothing to vote on), no vote at all (the class ends without an outcome), phases
after the debrief, and statement phases too short for every delegation's turn (turns shrink; see
`bot.domain.speaking.plan_statements`).

Positions are 1-based everywhere, as a teacher counts them. Every edit returns a new plan;
`to_list`/`from_list` store it as JSON.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal, get_args

from bot.content.models import FLOOR_PASSING_PHASES, Phase, PhaseKind, Scenario, answer_key
from bot.domain.durations import MAX_DURATION_SECONDS, format_duration
from bot.domain.speaking import plan_statements
from bot.errors import UserFacingError

__all__ = [
    "DEFAULT_GOALS",
    "DEFAULT_SPEAKING_TIMES",
    "DEFAULT_TITLES",
    "KIND_LABELS",
    "MAX_LINE_CHARS",
    "MAX_PHASES",
    "PHASE_KINDS",
    "PlanError",
    "PlanWarning",
    "PlannedPhase",
    "RoundPlan",
    "parse_kind",
]

PHASE_KINDS: tuple[PhaseKind, ...] = get_args(PhaseKind)
MAX_PHASES = 20
MAX_LINE_CHARS = 120
"""Titles and goals are one line in an embed (the content pack allows the same)."""

KIND_LABELS: Mapping[PhaseKind, str] = {
    "preparation": "preparation",
    "opening_statements": "opening statements",
    "caucus": "caucus",
    "plenary": "plenary",
    "final_statements": "final statements",
    "vote": "vote",
    "debrief": "debrief",
}
DEFAULT_TITLES: Mapping[PhaseKind, str] = {
    "preparation": "Preparation",
    "opening_statements": "Opening statements",
    "caucus": "Bilateral caucuses",
    "plenary": "Plenary",
    "final_statements": "Final statements",
    "vote": "Vote",
    "debrief": "Debrief",
}
DEFAULT_GOALS: Mapping[PhaseKind, str] = {
    "preparation": "Read your brief with your delegation and plan what you want.",
    "opening_statements": "When your turn comes, tell the room where you stand.",
    "caucus": "Meet your partner delegation in private and find out what they can accept.",
    "plenary": "Table proposals and win support; raise your hand to speak.",
    "final_statements": "When your turn comes, say what you will vote for, and why.",
    "vote": "One vote per delegation per proposal.",
    "debrief": "Compare your outcome with history and with your brief.",
}
DEFAULT_SPEAKING_TIMES: Mapping[PhaseKind, int] = {"opening_statements": 60, "final_statements": 40}
"""Speaking time of a statement phase added without one (the Hanoi plan's values)."""

_KIND_ALIASES: dict[str, PhaseKind] = {
    **{answer_key(kind): kind for kind in PHASE_KINDS},
    **{answer_key(label): kind for kind, label in KIND_LABELS.items()},
    **{answer_key(title): kind for kind, title in DEFAULT_TITLES.items()},
    "prep": "preparation",
    "opening": "opening_statements",
    "openings": "opening_statements",
    "caucuses": "caucus",
    "final": "final_statements",
    "closing statements": "final_statements",
    "voting": "vote",
}


class PlanError(UserFacingError, ValueError):
    """An edit that would leave a plan that cannot run; said to the facilitator."""


def parse_kind(text: str) -> PhaseKind:
    """A phase kind from what a facilitator typed (``"opening statements"``, ``"caucuses"``)."""
    kind = _KIND_ALIASES.get(answer_key(text))
    if kind is None:
        choices = ", ".join(KIND_LABELS.values())
        shown = " ".join(text.split())[:40]
        raise PlanError(f"Unknown phase kind {shown!r}. Choose one of: {choices}.")
    return kind


def _with_article(label: str) -> str:
    return ("An " if label[0] in "aeiou" else "A ") + label


def _line(value: str, what: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, got {type(value).__name__}")
    line = " ".join(value.split())
    if not line:
        raise PlanError(f"A phase needs a {what}.")
    if len(line) > MAX_LINE_CHARS:
        raise PlanError(
            f"A phase {what} can be at most {MAX_LINE_CHARS} characters (this one has {len(line)})."
        )
    return line


def _seconds(value: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int of seconds, got {type(value).__name__}")
    if not 1 <= value <= MAX_DURATION_SECONDS:
        raise PlanError(
            f"A {what} must be between 1 s and {format_duration(MAX_DURATION_SECONDS)}."
        )
    return value


@dataclass(frozen=True, slots=True)
class PlannedPhase:
    """One phase of a session's plan; the fields are the content pack's `Phase`."""

    kind: PhaseKind
    title: str
    goal: str
    duration: int
    speaking_time: int | None = None
    pairs: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in PHASE_KINDS:  # an alias ("caucuses"), or a PlanError naming the kinds
            object.__setattr__(self, "kind", parse_kind(str(self.kind)))
        object.__setattr__(self, "title", _line(self.title, "title"))
        object.__setattr__(self, "goal", _line(self.goal, "goal"))
        _seconds(self.duration, "phase duration")
        label = _with_article(KIND_LABELS[self.kind])
        if self.speaking_time is None:
            if self.kind in FLOOR_PASSING_PHASES:
                raise PlanError(f"{label} phase needs a speaking time per delegation.")
        else:
            _seconds(self.speaking_time, "speaking time")
            if self.kind not in FLOOR_PASSING_PHASES | {"plenary"}:
                raise PlanError(
                    f"{label} phase does not pass the floor, so it has no speaking time."
                )
        pairs = tuple((str(a), str(b)) for a, b in self.pairs)
        if pairs and self.kind != "caucus":
            raise PlanError("Only a caucus phase has caucus pairs.")
        object.__setattr__(self, "pairs", pairs)

    @property
    def label(self) -> str:
        """The kind as shown to people: ``"opening statements"``."""
        return KIND_LABELS[self.kind]

    @classmethod
    def from_phase(cls, phase: Phase) -> PlannedPhase:
        """The plan's copy of a content pack phase."""
        return cls(
            kind=phase.kind,
            title=phase.title,
            goal=phase.goal,
            duration=phase.duration,
            speaking_time=phase.speaking_time,
            pairs=tuple(phase.pairs),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "title": self.title,
            "goal": self.goal,
            "duration": self.duration,
            "speaking_time": self.speaking_time,
            "pairs": [list(pair) for pair in self.pairs],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PlannedPhase:
        return cls(
            kind=data["kind"],
            title=data["title"],
            goal=data["goal"],
            duration=data["duration"],
            speaking_time=data.get("speaking_time"),
            pairs=tuple((a, b) for a, b in data.get("pairs", ())),
        )


WarningCode = Literal[
    "over_period",
    "vote_before_plenary",
    "no_vote",
    "after_debrief",
    "statements_shortened",
    "statements_cut",
    "floor_longer_than_phase",
]


@dataclass(frozen=True, slots=True)
class PlanWarning:
    """Something odd but allowed; ``position`` is the phase it is about (``None``: the plan)."""

    code: WarningCode
    message: str
    position: int | None = None


@dataclass(frozen=True, slots=True)
class RoundPlan:
    """A session's plan: an ordered, non-empty tuple of phases."""

    phases: tuple[PlannedPhase, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "phases", tuple(self.phases))
        if not self.phases:
            raise PlanError("A round plan needs at least one phase.")
        if len(self.phases) > MAX_PHASES:
            raise PlanError(f"A round plan can have at most {MAX_PHASES} phases.")
        for phase in self.phases:
            if not isinstance(phase, PlannedPhase):
                raise TypeError(f"phases must be PlannedPhase, got {type(phase).__name__}")

    # --- building and storing ------------------------------------------------------------------

    @classmethod
    def from_phases(cls, phases: Iterable[Phase]) -> RoundPlan:
        return cls(tuple(PlannedPhase.from_phase(phase) for phase in phases))

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> RoundPlan:
        """The scenario's default plan, ready to be edited."""
        return cls.from_phases(scenario.round_plan)

    def to_list(self) -> list[dict[str, Any]]:
        return [phase.to_dict() for phase in self.phases]

    @classmethod
    def from_list(cls, data: Iterable[Mapping[str, Any]]) -> RoundPlan:
        return cls(tuple(PlannedPhase.from_dict(item) for item in data))

    # --- reading -------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.phases)

    @property
    def total_duration(self) -> int:
        """Seconds the plan takes end to end."""
        return sum(phase.duration for phase in self.phases)

    def phase(self, position: int) -> PlannedPhase:
        """The phase at ``position`` (1-based)."""
        return self.phases[self._index(position)]

    def offsets(self) -> tuple[int, ...]:
        """Seconds from the start of the plan at which each phase starts, as planned."""
        starts: list[int] = []
        elapsed = 0
        for phase in self.phases:
            starts.append(elapsed)
            elapsed += phase.duration
        return tuple(starts)

    def fits(self, period_seconds: int) -> bool:
        """Whether the plan fits in a class period of ``period_seconds``."""
        return self.total_duration <= period_seconds

    def _index(self, position: int, *, slots: int | None = None) -> int:
        count = len(self.phases) if slots is None else slots
        if isinstance(position, bool) or not isinstance(position, int):
            raise TypeError(f"position must be an int, got {type(position).__name__}")
        if not 1 <= position <= count:
            phases = "phase" if len(self.phases) == 1 else "phases"
            raise PlanError(
                f"There is no phase {position}: the plan has {len(self.phases)} {phases} "
                f"(1–{len(self.phases)})."
                if slots is None
                else f"A phase can go at positions 1–{count}, not {position}."
            )
        return position - 1

    # --- edits ---------------------------------------------------------------------------------

    def add(
        self,
        kind: PhaseKind | str,
        duration: int,
        *,
        title: str | None = None,
        goal: str | None = None,
        speaking_time: int | None = None,
        position: int | None = None,
    ) -> RoundPlan:
        """Insert a phase at ``position`` (default: the end).

        Unset fields are copied from the first phase of the same kind already in the plan (a
        second plenary reads like the first), else from the defaults of this module.
        """
        kind = kind if kind in PHASE_KINDS else parse_kind(str(kind))
        if len(self.phases) >= MAX_PHASES:
            raise PlanError(f"A round plan can have at most {MAX_PHASES} phases.")
        like = next((phase for phase in self.phases if phase.kind == kind), None)
        if speaking_time is None:
            speaking_time = (
                like.speaking_time if like is not None else DEFAULT_SPEAKING_TIMES.get(kind)
            )
        phase = PlannedPhase(
            kind=kind,
            title=title if title is not None else like.title if like else DEFAULT_TITLES[kind],
            goal=goal if goal is not None else like.goal if like else DEFAULT_GOALS[kind],
            duration=duration,
            speaking_time=speaking_time,
            pairs=like.pairs if like is not None else (),
        )
        index = len(self.phases) if position is None else self._index(position, slots=len(self) + 1)
        phases = list(self.phases)
        phases.insert(index, phase)
        return RoundPlan(tuple(phases))

    def remove(self, position: int) -> RoundPlan:
        index = self._index(position)
        if len(self.phases) == 1:
            raise PlanError(
                "A round plan needs at least one phase: add another before removing this one."
            )
        return RoundPlan(self.phases[:index] + self.phases[index + 1 :])

    def move(self, position: int, to: int) -> RoundPlan:
        """Move the phase at ``position`` so that it ends up at position ``to``."""
        index = self._index(position)
        target = self._index(to)
        phases = list(self.phases)
        phases.insert(target, phases.pop(index))
        return RoundPlan(tuple(phases))

    def _replace_at(self, position: int, **changes: Any) -> RoundPlan:
        index = self._index(position)
        phases = list(self.phases)
        phases[index] = replace(phases[index], **changes)
        return RoundPlan(tuple(phases))

    def set_duration(self, position: int, seconds: int) -> RoundPlan:
        return self._replace_at(position, duration=seconds)

    def set_speaking_time(self, position: int, seconds: int | None) -> RoundPlan:
        return self._replace_at(position, speaking_time=seconds)

    def set_title(self, position: int, title: str) -> RoundPlan:
        return self._replace_at(position, title=title)

    def set_goal(self, position: int, goal: str) -> RoundPlan:
        return self._replace_at(position, goal=goal)

    # --- advice --------------------------------------------------------------------------------

    def warnings(
        self, *, period_seconds: int | None = None, actors: Sequence[str] = ()
    ) -> tuple[PlanWarning, ...]:
        """What a facilitator should know before running this plan (never blocks it).

        ``period_seconds``: the class period, to check the total against; ``actors``: the
        active delegations in play order, to check statement phases against.
        """
        found: list[PlanWarning] = []
        total = self.total_duration
        if period_seconds is not None and total > period_seconds:
            found.append(
                PlanWarning(
                    "over_period",
                    f"The plan takes {format_duration(total)}, "
                    f"{format_duration(total - period_seconds)} more than your "
                    f"{format_duration(period_seconds)} period.",
                )
            )
        kinds = [phase.kind for phase in self.phases]
        if "vote" not in kinds:
            found.append(
                PlanWarning(
                    "no_vote", "There is no vote phase: the session will end without an outcome."
                )
            )
        plenary_seen = False
        for position, phase in enumerate(self.phases, start=1):
            name = f"Phase {position} ({phase.title})"
            if phase.kind == "plenary":
                plenary_seen = True
            elif phase.kind == "vote" and not plenary_seen:
                found.append(
                    PlanWarning(
                        "vote_before_plenary",
                        f"{name} comes before any plenary, where proposals are tabled: "
                        "there may be nothing to vote on.",
                        position,
                    )
                )
            if phase.kind == "debrief" and position < len(self.phases):
                found.append(
                    PlanWarning(
                        "after_debrief",
                        f"{name} is a debrief, but other phases follow it.",
                        position,
                    )
                )
            if phase.speaking_time is not None and phase.kind == "plenary":
                if phase.speaking_time > phase.duration:
                    found.append(
                        PlanWarning(
                            "floor_longer_than_phase",
                            f"{name}: the floor time per speaker "
                            f"({format_duration(phase.speaking_time)}) is longer than the phase.",
                            position,
                        )
                    )
            elif phase.speaking_time is not None and actors:
                found.extend(_statement_warnings(position, phase, actors))
        return tuple(found)


def _statement_warnings(
    position: int, phase: PlannedPhase, actors: Sequence[str]
) -> list[PlanWarning]:
    assert phase.speaking_time is not None
    turns = plan_statements(actors, phase.speaking_time, phase.duration)
    n = len(dict.fromkeys(actors))
    needed = format_duration(phase.speaking_time * n)
    head = (
        f"Phase {position} ({phase.title}): {n} delegations × "
        f"{format_duration(phase.speaking_time)} = {needed}, but the phase lasts "
        f"{format_duration(phase.duration)}"
    )
    if turns.left_out:
        return [
            PlanWarning(
                "statements_cut",
                f"{head}; only {len(turns.speakers)} of them will have a turn "
                f"({format_duration(turns.turn_seconds)} each).",
                position,
            )
        ]
    if turns.shortened:
        return [
            PlanWarning(
                "statements_shortened",
                f"{head}; each turn will be shortened to {format_duration(turns.turn_seconds)}.",
                position,
            )
        ]
    return []
