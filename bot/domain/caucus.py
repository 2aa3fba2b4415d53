"""Caucuses: who should meet whom in private, and the request → approval rules.

**Suggested groups.** A scenario names the bilateral pairs that matter (Hanoi: US–DPRK, ROK–Japan,
China–Russia, in the caucus phase's ``pairs``); the facilitator should not have to think about
them. With a smaller class some actors are absent, so `suggest_groups` keeps each scenario pair
whose two actors are both active (in the scenario's order, no actor twice), then pairs whoever
is left in play order. An odd actor out joins the last group (a trilateral) by default, because a
delegation with nobody to caucus with sits idle for ten minutes; ``odd_one="alone"`` leaves it
out instead, for a facilitator who would rather meet that delegation themselves.

**Requests.** A delegation may ask for a caucus with one or two others (at most
`MAX_REQUEST_SIZE` delegations: a side meeting, not a second plenary) during a caucus or plenary
phase, when side talks make sense; the facilitator approves or declines, and the requester may
withdraw while it waits. No duplicates: a request for a group that already meets, or that is
already requested (by anyone), is refused with the number of the existing one; and a delegation
has at most `MAX_PENDING_PER_ACTOR` requests waiting, so one eager student cannot flood the
facilitator's panel. The facilitator may open any group of two or more active delegations at
any time. Everything is numbered and time-stamped: caucus threads are part of the record.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal, Protocol

from bot.domain.utc import parse_utc, require_utc
from bot.errors import UserFacingError

__all__ = [
    "MAX_PENDING_PER_ACTOR",
    "MAX_REQUEST_SIZE",
    "REQUESTABLE_PHASES",
    "Caucus",
    "CaucusBook",
    "CaucusError",
    "CaucusRequest",
    "CaucusSuggestion",
    "scenario_pairs",
    "suggest_groups",
]

MAX_REQUEST_SIZE = 3
MAX_PENDING_PER_ACTOR = 2
REQUESTABLE_PHASES: frozenset[str] = frozenset({"caucus", "plenary"})

RequestStatus = Literal["pending", "approved", "declined", "withdrawn", "lapsed"]
CaucusSource = Literal["suggested", "facilitator", "request"]


_SETTLED: Mapping[str, str] = {
    "approved": "was already approved",
    "declined": "was declined",
    "withdrawn": "was withdrawn",
    "lapsed": "lapsed when the phase ended",
}


class CaucusError(UserFacingError, ValueError):
    """A caucus action the rules forbid; said to the person who tried it."""


class _HasPairs(Protocol):
    @property
    def kind(self) -> str: ...

    @property
    def pairs(self) -> Sequence[tuple[str, str]]: ...


def scenario_pairs(phases: Iterable[_HasPairs]) -> tuple[tuple[str, str], ...]:
    """The suggested pairs of the first caucus phase that lists any (content or plan phases)."""
    for phase in phases:
        if phase.kind == "caucus" and phase.pairs:
            return tuple((a, b) for a, b in phase.pairs)
    return ()


@dataclass(frozen=True, slots=True)
class CaucusSuggestion:
    """Groups to open, each in play order; ``unpaired``: actors left without a group."""

    groups: tuple[tuple[str, ...], ...]
    unpaired: tuple[str, ...] = ()


def _in_play_order(actors: Iterable[str], play_order: Sequence[str]) -> tuple[str, ...]:
    rank = {actor: index for index, actor in enumerate(play_order)}
    unknown = [actor for actor in actors if actor not in rank]
    if unknown:
        raise ValueError(f"not in the play order: {', '.join(unknown)}")
    return tuple(sorted(set(actors), key=rank.__getitem__))


def suggest_groups(
    active: Iterable[str],
    play_order: Sequence[str],
    preferred: Iterable[Sequence[str]] = (),
    *,
    odd_one: Literal["join", "alone"] = "join",
) -> CaucusSuggestion:
    """Caucus groups for the ``active`` actors: the scenario's pairs first, then play order."""
    remaining = list(_in_play_order(active, play_order))
    groups: list[tuple[str, ...]] = []
    for pair in preferred:
        members = tuple(dict.fromkeys(pair))
        if len(members) >= 2 and all(actor in remaining for actor in members):
            groups.append(_in_play_order(members, play_order))
            remaining = [actor for actor in remaining if actor not in members]
    while len(remaining) >= 2:
        groups.append((remaining[0], remaining[1]))
        remaining = remaining[2:]
    if remaining and groups and odd_one == "join":
        groups[-1] = _in_play_order((*groups[-1], *remaining), play_order)
        remaining = []
    return CaucusSuggestion(tuple(groups), tuple(remaining))


# --- requests and open caucuses ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CaucusRequest:
    """A delegation's request for a caucus (``members`` includes the requester)."""

    number: int
    requester: str
    members: tuple[str, ...]
    requested_by: int | None
    requested_at: datetime
    status: RequestStatus = "pending"
    decided_by: int | None = None
    decided_at: datetime | None = None

    def __post_init__(self) -> None:
        require_utc(self.requested_at, "requested_at")
        if self.decided_at is not None:
            require_utc(self.decided_at, "decided_at")

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "requester": self.requester,
            "members": list(self.members),
            "requested_by": self.requested_by,
            "requested_at": self.requested_at.isoformat(),
            "status": self.status,
            "decided_by": self.decided_by,
            "decided_at": None if self.decided_at is None else self.decided_at.isoformat(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CaucusRequest:
        decided = data.get("decided_at")
        return cls(
            number=data["number"],
            requester=data["requester"],
            members=tuple(data["members"]),
            requested_by=data.get("requested_by"),
            requested_at=parse_utc(data["requested_at"], "requested_at"),
            status=data["status"],
            decided_by=data.get("decided_by"),
            decided_at=None if decided is None else parse_utc(decided, "decided_at"),
        )


@dataclass(frozen=True, slots=True)
class Caucus:
    """An open (or closed) caucus; the integration keeps its thread id beside ``number``."""

    number: int
    members: tuple[str, ...]
    opened_at: datetime
    source: CaucusSource
    request: int | None = None
    closed_at: datetime | None = None

    def __post_init__(self) -> None:
        require_utc(self.opened_at, "opened_at")
        if self.closed_at is not None:
            require_utc(self.closed_at, "closed_at")

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "members": list(self.members),
            "opened_at": self.opened_at.isoformat(),
            "source": self.source,
            "request": self.request,
            "closed_at": None if self.closed_at is None else self.closed_at.isoformat(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Caucus:
        closed = data.get("closed_at")
        return cls(
            number=data["number"],
            members=tuple(data["members"]),
            opened_at=parse_utc(data["opened_at"], "opened_at"),
            source=data["source"],
            request=data.get("request"),
            closed_at=None if closed is None else parse_utc(closed, "closed_at"),
        )


@dataclass(frozen=True, slots=True)
class CaucusBook:
    """A session's caucus requests and caucuses, in the order they happened.

    ``play_order`` lists the session's active delegations in order of play; members are kept in
    that order so that ``("dprk", "us")`` and ``("us", "dprk")`` are the same group.
    """

    play_order: tuple[str, ...]
    requests: tuple[CaucusRequest, ...] = ()
    caucuses: tuple[Caucus, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "play_order", tuple(self.play_order))
        object.__setattr__(self, "requests", tuple(self.requests))
        object.__setattr__(self, "caucuses", tuple(self.caucuses))

    # --- reading -------------------------------------------------------------------------------

    def pending(self) -> tuple[CaucusRequest, ...]:
        return tuple(r for r in self.requests if r.status == "pending")

    def open_caucuses(self) -> tuple[Caucus, ...]:
        return tuple(c for c in self.caucuses if c.is_open)

    def caucuses_of(self, actor: str) -> tuple[Caucus, ...]:
        """The open caucuses ``actor`` belongs to."""
        return tuple(c for c in self.open_caucuses() if actor in c.members)

    def request_number(self, number: int) -> CaucusRequest:
        for request in self.requests:
            if request.number == number:
                return request
        raise CaucusError(f"There is no caucus request {number}.")

    # --- internal ------------------------------------------------------------------------------

    def _group(self, actors: Iterable[str]) -> tuple[str, ...]:
        members = tuple(dict.fromkeys(actors))
        absent = [actor for actor in members if actor not in self.play_order]
        if absent:
            raise CaucusError(
                f"{', '.join(absent)}: not a delegation at the table in this session."
            )
        if len(members) < 2:
            raise CaucusError("A caucus needs at least two different delegations.")
        return _in_play_order(members, self.play_order)

    def _not_already(self, members: tuple[str, ...]) -> None:
        for caucus in self.open_caucuses():
            if caucus.members == members:
                raise CaucusError(f"These delegations already meet in caucus {caucus.number}.")
        for request in self.pending():
            if request.members == members:
                raise CaucusError(
                    f"This caucus is already requested (request {request.number}), "
                    "waiting for the facilitator."
                )

    def _next_caucus_number(self) -> int:
        return max((c.number for c in self.caucuses), default=0) + 1

    # --- what delegations do -------------------------------------------------------------------

    def request(
        self,
        requester: str,
        partners: Iterable[str],
        user_id: int | None,
        now: datetime,
        *,
        phase_kind: str,
    ) -> tuple[CaucusBook, CaucusRequest]:
        """Ask the facilitator for a caucus of ``requester`` with ``partners``."""
        require_utc(now)
        if phase_kind not in REQUESTABLE_PHASES:
            raise CaucusError("Caucus requests are open during caucus and plenary phases, not now.")
        partners = [p for p in partners if p != requester]
        if not partners:
            raise CaucusError("Choose at least one other delegation to caucus with.")
        members = self._group([requester, *partners])
        if len(members) > MAX_REQUEST_SIZE:
            raise CaucusError(
                f"A caucus request can include at most {MAX_REQUEST_SIZE} delegations, "
                "yours included."
            )
        self._not_already(members)
        waiting = [r for r in self.pending() if r.requester == requester]
        if len(waiting) >= MAX_PENDING_PER_ACTOR:
            raise CaucusError(
                f"Your delegation already has {len(waiting)} requests waiting for the "
                "facilitator: withdraw one first."
            )
        number = max((r.number for r in self.requests), default=0) + 1
        request = CaucusRequest(number, requester, members, user_id, now)
        return replace(self, requests=(*self.requests, request)), request

    def withdraw(self, number: int, actor: str, now: datetime) -> CaucusBook:
        """The requesting delegation takes its request back while it waits."""
        require_utc(now)
        request = self.request_number(number)
        if request.requester != actor:
            raise CaucusError(f"Only the delegation that asked can withdraw request {number}.")
        self._must_be_pending(request)
        return self._decide(request, "withdrawn", None, now)

    # --- what the facilitator does ---------------------------------------------------------------

    def approve(self, number: int, user_id: int | None, now: datetime) -> tuple[CaucusBook, Caucus]:
        """Approve a waiting request: the caucus opens now."""
        require_utc(now)
        request = self.request_number(number)
        self._must_be_pending(request)
        for caucus in self.open_caucuses():
            if caucus.members == request.members:
                raise CaucusError(f"These delegations already meet in caucus {caucus.number}.")
        book = self._decide(request, "approved", user_id, now)
        caucus = Caucus(book._next_caucus_number(), request.members, now, "request", number)
        return replace(book, caucuses=(*book.caucuses, caucus)), caucus

    def decline(self, number: int, user_id: int | None, now: datetime) -> CaucusBook:
        require_utc(now)
        request = self.request_number(number)
        self._must_be_pending(request)
        return self._decide(request, "declined", user_id, now)

    def open(
        self, members: Iterable[str], now: datetime, *, source: CaucusSource = "facilitator"
    ) -> tuple[CaucusBook, Caucus]:
        """Open a caucus directly (any size from two); a matching pending request is approved."""
        require_utc(now)
        group = self._group(members)
        for caucus in self.open_caucuses():
            if caucus.members == group:
                raise CaucusError(f"These delegations already meet in caucus {caucus.number}.")
        book = self
        request_number: int | None = None
        for request in self.pending():
            if request.members == group:
                book = book._decide(request, "approved", None, now)
                request_number = request.number
        caucus = Caucus(book._next_caucus_number(), group, now, source, request_number)
        return replace(book, caucuses=(*book.caucuses, caucus)), caucus

    def open_suggested(
        self, suggestion: CaucusSuggestion, now: datetime
    ) -> tuple[CaucusBook, tuple[Caucus, ...]]:
        """Open every suggested group that is not already meeting."""
        book = self
        opened: list[Caucus] = []
        for group in suggestion.groups:
            if any(c.members == self._group(group) for c in book.open_caucuses()):
                continue
            book, caucus = book.open(group, now, source="suggested")
            opened.append(caucus)
        return book, tuple(opened)

    def close(self, number: int, now: datetime) -> CaucusBook:
        require_utc(now)
        for index, caucus in enumerate(self.caucuses):
            if caucus.number == number:
                if not caucus.is_open:
                    raise CaucusError(f"Caucus {number} is already closed.")
                closed = replace(caucus, closed_at=now)
                return replace(
                    self, caucuses=(*self.caucuses[:index], closed, *self.caucuses[index + 1 :])
                )
        raise CaucusError(f"There is no caucus {number}.")

    def close_all(self, now: datetime) -> CaucusBook:
        """The phase ended: close every open caucus; waiting requests lapse."""
        require_utc(now)
        book = self
        for request in self.pending():
            book = book._decide(request, "lapsed", None, now)
        return replace(
            book,
            caucuses=tuple(
                c if not c.is_open else replace(c, closed_at=now) for c in book.caucuses
            ),
        )

    # --- helpers -------------------------------------------------------------------------------

    @staticmethod
    def _must_be_pending(request: CaucusRequest) -> None:
        if request.status != "pending":
            raise CaucusError(f"Request {request.number} {_SETTLED[request.status]}.")

    def _decide(
        self,
        request: CaucusRequest,
        status: RequestStatus,
        user_id: int | None,
        now: datetime,
    ) -> CaucusBook:
        decided = replace(request, status=status, decided_by=user_id, decided_at=now)
        return replace(
            self,
            requests=tuple(decided if r.number == request.number else r for r in self.requests),
        )

    # --- storage -------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "play_order": list(self.play_order),
            "requests": [request.to_dict() for request in self.requests],
            "caucuses": [caucus.to_dict() for caucus in self.caucuses],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CaucusBook:
        return cls(
            play_order=tuple(data["play_order"]),
            requests=tuple(CaucusRequest.from_dict(r) for r in data.get("requests", ())),
            caucuses=tuple(Caucus.from_dict(c) for c in data.get("caucuses", ())),
        )
