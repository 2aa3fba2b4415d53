"""Class sessions: create, join, assign actors, end — and what other features ask about them.

`SessionService` (``bot.sessions``) is the one place that changes a session. Every method is one
unit of work (or a short retry loop of them) and knows nothing of Discord; the Discord side
(`cogs/sessions/flow.py`) turns its results into threads, roles, card edits and replies.

Public API for rounds, transcripts, proposals and the debrief
--------------------------------------------------------------
Reading (all return frozen dataclasses, never ORM rows):

- ``await bot.sessions.live_session_for_channel(channel_id)`` → `SessionInfo` or ``None``: the
  live session whose plenary, delegation space or registered caucus thread is that channel.
- ``await bot.sessions.get(session_id)`` → `SessionInfo` or ``None`` (``.live``, ``.stage``,
  ``.scenario_id``, ``.channel_id`` = the plenary, ``.created_by`` = the facilitator).
- ``await bot.sessions.participants(session_id)`` → `[ParticipantInfo]` (``user_id``,
  ``display_name``, ``actor_id`` or ``None``, ``is_facilitator``), present members in join order.
- ``await bot.sessions.delegations(session_id)`` → `[DelegationInfo]` in order of play
  (``actor_id``, ``status`` "pending" | "active" | "absent", ``members``, ``space_channel_id``,
  ``role_id``). Opening statements and votes should skip ``absent`` delegations.
- ``await bot.sessions.actor_of(session_id, user_id)`` → actor id or ``None``.
- ``await bot.sessions.channels(session_id)`` → `[ChannelInfo]` (plenary, delegation spaces,
  caucus threads) — what a transcript records.
- ``await bot.sessions.register_channel(session_id, channel_id, kind="caucus", label=…)`` adds a
  channel (e.g. a caucus thread) to the session, idempotently.
- ``await bot.sessions.roster(session_id)`` → `Roster`: session, participants, delegations and
  seat caps read in one transaction (what the card and `/session status` show).
- ``bot.sessions.scenario(scenario_id)`` and ``resolve_actor(scenario_id, text)`` (names and
  aliases to an actor id, via `bot.domain.actor_names`; never a silent guess).
- ``await bot.sessions.live_sessions()`` / ``live_sessions_in_guild(guild_id)``: for resuming
  work after a restart.

A session's ``stage`` is "joining", "self_pick" or "assigned"; ``status`` is "open" or "ended".
Briefs stay hidden from other delegations while a session is live (`cogs/common/pages.py` checks
``may_read_brief`` on every page turn); once a session has been debriefed (`/debrief`), every
member of it may read every brief of its scenario in that server.

Events (``on_event`` is ``bot.dispatch``; listen with ``@commands.Cog.listener()``):

- ``on_parley_session_created(session_id)``
- ``on_parley_roster_changed(session_id)`` — someone joined or left
- ``on_parley_assignment_changed(session_id)`` — actors given, moved, swapped or dealt
- ``on_parley_session_ended(session_id)``
- ``on_parley_session_channels_changed(session_id)`` — a delegation space or caucus was added

Guarantees enforced by the database (see `bot.db.models.sessions`): one live session per channel,
one row per student per session, each seat of a delegation held by one student. Claims that lose
a race are retried in a fresh transaction, so thirty simultaneous clicks resolve exactly once.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, TypeVar

from bot.clock import Clock, SystemClock
from bot.db.engine import Database
from bot.db.errors import AlreadyJoined, LiveSessionExists, SeatTaken
from bot.domain.actor_names import ActorName, ActorResolver, Resolution
from bot.domain.assignment import deal, lowest_free_seat, new_seed, seat_caps
from bot.domain.echo import echo
from bot.errors import UserFacingError

if TYPE_CHECKING:
    from bot.content.models import Scenario
    from bot.db.models import ClassSession, Delegation, Participant, SessionChannel
    from bot.db.unit_of_work import Transaction

T = TypeVar("T")

log = logging.getLogger(__name__)

EventSink = Callable[..., None]
MAX_CLAIM_ATTEMPTS = 100
"""A claim that loses a race retries; each loss means another student got a seat, so this bounds
the work even when a whole class clicks at once."""

STAGES = ("joining", "self_pick", "assigned")


@dataclass(frozen=True)
class SessionInfo:
    id: int
    guild_id: int
    channel_id: int
    scenario_id: str
    status: str
    stage: str
    seed: int | None
    space_kind: str
    card_message_id: int | None
    created_by: int
    created_at: datetime
    ended_at: datetime | None
    record_cards: bool = True
    """False: an article-only class (public-record cards hidden)."""

    @property
    def live(self) -> bool:
        return self.status == "open"


@dataclass(frozen=True)
class ParticipantInfo:
    user_id: int
    display_name: str
    actor_id: str | None
    seat: int | None
    is_facilitator: bool


@dataclass(frozen=True)
class DelegationInfo:
    actor_id: str
    status: str
    members: tuple[ParticipantInfo, ...]
    space_channel_id: int | None
    role_id: int | None

    @property
    def member_ids(self) -> list[int]:
        return [m.user_id for m in self.members]


@dataclass(frozen=True)
class ChannelInfo:
    channel_id: int
    kind: str
    actor_id: str | None
    label: str


@dataclass(frozen=True)
class Move:
    """A student's actor changed (``None`` = no actor): what the Discord side must mirror."""

    user_id: int
    display_name: str
    old_actor: str | None
    new_actor: str | None

    @property
    def changed(self) -> bool:
        return self.old_actor != self.new_actor


@dataclass(frozen=True)
class Roster:
    """A consistent snapshot for the session card, the status reply and the pick menu."""

    session: SessionInfo
    participants: tuple[ParticipantInfo, ...]
    delegations: tuple[DelegationInfo, ...]
    caps: Mapping[str, int]

    @property
    def unassigned(self) -> list[ParticipantInfo]:
        return [p for p in self.participants if p.actor_id is None]

    def delegation(self, actor_id: str) -> DelegationInfo:
        for d in self.delegations:
            if d.actor_id == actor_id:
                return d
        raise KeyError(actor_id)


@dataclass(frozen=True)
class JoinResult:
    session: SessionInfo
    participant: ParticipantInfo
    already_joined: bool
    move: Move | None


@dataclass(frozen=True)
class AssignmentResult:
    session: SessionInfo
    moves: tuple[Move, ...]
    active: tuple[str, ...]
    absent: tuple[str, ...]
    seed: int | None = None


def _session_info(row: ClassSession) -> SessionInfo:
    return SessionInfo(
        id=row.id,
        guild_id=row.guild_id,
        channel_id=row.channel_id,
        scenario_id=row.scenario_id,
        status=row.status,
        stage=row.stage,
        seed=row.seed,
        space_kind=row.space_kind,
        card_message_id=row.card_message_id,
        created_by=row.created_by,
        created_at=row.created_at,
        ended_at=row.ended_at,
        record_cards=row.record_cards,
    )


def _participant_info(row: Participant) -> ParticipantInfo:
    return ParticipantInfo(
        user_id=row.user_id,
        display_name=row.display_name,
        actor_id=row.actor_id,
        seat=row.seat,
        is_facilitator=row.is_facilitator,
    )


def _channel_info(row: SessionChannel) -> ChannelInfo:
    return ChannelInfo(row.channel_id, row.kind, row.actor_id, row.label)


def playing_actors(scenario: Scenario, n_players: int, counts: Mapping[str, int]) -> list[str]:
    """Actors played by a class of ``n_players``, plus any that already have members."""
    try:
        chosen = set(scenario.actors_for_class_size(n_players))
    except ValueError:
        chosen = set()
    chosen |= {actor for actor, count in counts.items() if count > 0}
    return [actor for actor in scenario.play_order if actor in chosen]


class SessionService:
    def __init__(
        self,
        database: Database,
        scenarios: Mapping[str, Scenario],
        *,
        on_event: EventSink | None = None,
        clock: Clock | None = None,
    ) -> None:
        self._db = database
        self._scenarios = scenarios
        self._on_event = on_event
        self.clock: Clock = clock or SystemClock()

    # --- helpers -----------------------------------------------------------------------------

    async def _with_retries(
        self, attempt: Callable[[Transaction], Awaitable[T]], *, busy: str
    ) -> T:
        """Run `attempt` in a transaction; again when a concurrent claim took the seat or added
        the member first (the unique constraints said so). `busy` if it never settles."""
        for _ in range(MAX_CLAIM_ATTEMPTS):
            try:
                async with self._db.transaction() as tx:
                    return await attempt(tx)
            except (SeatTaken, AlreadyJoined):
                continue
        raise UserFacingError(busy)

    def _emit(self, event: str, session_id: int) -> None:
        if self._on_event is None:
            return
        try:
            self._on_event(event, session_id)
        except Exception:  # a listener's bug must not undo a committed change
            log.exception("Event %s for session %s failed", event, session_id)

    def scenario(self, scenario_id: str) -> Scenario:
        try:
            return self._scenarios[scenario_id]
        except KeyError:
            raise UserFacingError(
                f"Parley has no scenario “{echo(scenario_id)}”. Pick one from the list."
            ) from None

    def scenario_for(self, session: SessionInfo) -> Scenario:
        """The scenario as this session's class sees it: without the public record when the
        facilitator chose an article-only class."""
        scenario = self.scenario(session.scenario_id)
        return scenario if session.record_cards else scenario.article_only()

    async def scenario_seen_by(
        self, guild_id: int | None, channel_id: int | None, user_id: int, scenario_id: str
    ) -> Scenario:
        """``scenario_id`` as this reader's class sees it: the live session of the channel (or
        the reader's own live session) decides whether the public record is shown."""
        scenario = self.scenario(scenario_id)
        session: SessionInfo | None = None
        if channel_id is not None:
            session = await self.live_session_for_channel(channel_id)
        if (session is None or session.scenario_id != scenario_id) and guild_id is not None:
            mine = await self.assignment_of(guild_id, channel_id, user_id)
            session = mine[0] if mine is not None else None
        if session is None or session.scenario_id != scenario_id:
            return scenario
        return self.scenario_for(session)

    async def set_record_cards(self, session_id: int, shown: bool) -> SessionInfo:
        """Show or hide public-record cards for this session's class (a facilitator's choice;
        it can change at any time, and briefs opened afterwards follow it)."""
        async with self._db.transaction() as tx:
            row = await self._live(tx, session_id, lock=True)
            row.record_cards = shown
            info = _session_info(row)
        self._emit("parley_session_changed", session_id)
        return info

    def resolver(self, scenario_id: str) -> ActorResolver:
        return _resolver(self.scenario(scenario_id))

    def resolve_actor(self, scenario_id: str, text: str) -> Resolution:
        return self.resolver(scenario_id).resolve(text)

    async def _present(
        self,
        tx: Transaction,
        session_id: int,
        user_id: int,
        display_name: str,
        *,
        facilitator: bool,
    ) -> Participant:
        """The member's row, added (or brought back, if they had left) as needed."""
        p = await tx.sessions.participant(session_id, user_id)
        if p is None:
            p = await tx.sessions.add_participant(
                session_id, user_id, display_name, is_facilitator=facilitator
            )
        elif p.left_at is not None:
            p.left_at = None
        return p

    async def _live(self, tx: Transaction, session_id: int, *, lock: bool = False) -> ClassSession:
        row = await (tx.sessions.get_for_update if lock else tx.sessions.get)(session_id)
        if row is None or row.status != "open":
            raise UserFacingError("That session has ended. Ask your facilitator for the new one.")
        return row

    async def _refresh_statuses(
        self, tx: Transaction, row: ClassSession
    ) -> tuple[list[str], list[str]]:
        scenario = self.scenario(row.scenario_id)
        counts = await tx.sessions.actor_counts(row.id)
        if row.stage == "joining":
            active = [a for a in scenario.play_order if counts.get(a, 0) > 0]
            statuses = {a: ("active" if a in active else "pending") for a in scenario.play_order}
            await tx.sessions.set_statuses(row.id, statuses)
            return active, []
        n = await tx.sessions.count_present(row.id)
        active = playing_actors(scenario, n, counts)
        absent = [a for a in scenario.play_order if a not in active]
        await tx.sessions.set_statuses(
            row.id, {a: ("active" if a in active else "absent") for a in scenario.play_order}
        )
        return active, absent

    async def _place(self, tx: Transaction, row: ClassSession, participant: Participant) -> str:
        """Seat ``participant`` in the smallest delegation, within the caps for one more seat.

        Caps come from the students already *seated* (committed, so every concurrent placement
        sees the same number) plus this one: two late joiners who read the same roster compute
        the same caps and the same seat, the database lets one have it, and the other retries
        against the new roster. That keeps sizes within one of each other.
        """
        scenario = self.scenario(row.scenario_id)
        n = await tx.sessions.count_present(row.id)
        counts = await tx.sessions.actor_counts(row.id)
        playing = playing_actors(scenario, n, counts) or scenario.play_order
        caps = seat_caps(sum(counts.get(a, 0) for a in playing) + 1, playing)
        by_size = sorted(playing, key=lambda a: (counts.get(a, 0), playing.index(a)))
        for actor in by_size:
            if counts.get(actor, 0) >= caps[actor]:
                continue
            seat = lowest_free_seat(await tx.sessions.taken_seats(row.id, actor), caps[actor])
            if seat is not None:
                await tx.sessions.take_seat(participant, actor, seat)
                return actor
        # The caps sum to one more than the seated count, so in one consistent view some
        # delegation has room. Finding none means the reads above straddled another commit
        # (PostgreSQL gives each statement a fresh snapshot): retry, never overfill.
        raise SeatTaken()

    # --- reading -----------------------------------------------------------------------------

    async def get(self, session_id: int) -> SessionInfo | None:
        async with self._db.transaction() as tx:
            row = await tx.sessions.get(session_id)
            return None if row is None else _session_info(row)

    async def require_live(self, session_id: int) -> SessionInfo:
        async with self._db.transaction() as tx:
            return _session_info(await self._live(tx, session_id))

    async def live_session_for_channel(self, channel_id: int) -> SessionInfo | None:
        async with self._db.transaction() as tx:
            row = await tx.sessions.live_in_channel(channel_id)
            return None if row is None else _session_info(row)

    async def live_sessions_in_guild(self, guild_id: int) -> list[SessionInfo]:
        async with self._db.transaction() as tx:
            return [_session_info(r) for r in await tx.sessions.live_in_guild(guild_id)]

    async def live_sessions(self) -> list[SessionInfo]:
        async with self._db.transaction() as tx:
            return [_session_info(r) for r in await tx.sessions.all_live()]

    async def participants(self, session_id: int) -> list[ParticipantInfo]:
        async with self._db.transaction() as tx:
            return [_participant_info(p) for p in await tx.sessions.participants(session_id)]

    async def participant(self, session_id: int, user_id: int) -> ParticipantInfo | None:
        async with self._db.transaction() as tx:
            row = await tx.sessions.participant(session_id, user_id)
            if row is None or row.left_at is not None:
                return None
            return _participant_info(row)

    async def actor_of(self, session_id: int, user_id: int) -> str | None:
        found = await self.participant(session_id, user_id)
        return None if found is None else found.actor_id

    async def delegations(self, session_id: int) -> list[DelegationInfo]:
        return list((await self.roster(session_id)).delegations)

    async def channels(self, session_id: int) -> list[ChannelInfo]:
        async with self._db.transaction() as tx:
            return [_channel_info(c) for c in await tx.sessions.channels(session_id)]

    async def roster(self, session_id: int) -> Roster:
        async with self._db.transaction() as tx:
            row = await tx.sessions.get(session_id)
            if row is None:
                raise UserFacingError("That session no longer exists.")
            return await self._roster(tx, row)

    async def _roster(self, tx: Transaction, row: ClassSession) -> Roster:
        scenario = self.scenario(row.scenario_id)
        people = [_participant_info(p) for p in await tx.sessions.participants(row.id)]
        rows: dict[str, Delegation] = {d.actor_id: d for d in await tx.sessions.delegations(row.id)}
        delegations = []
        for actor in scenario.play_order:
            d = rows.get(actor)
            delegations.append(
                DelegationInfo(
                    actor_id=actor,
                    status=d.status if d else "pending",
                    members=tuple(p for p in people if p.actor_id == actor),
                    space_channel_id=d.space_channel_id if d else None,
                    role_id=d.role_id if d else None,
                )
            )
        playing = [d.actor_id for d in delegations if d.status == "active"]
        caps = seat_caps(len(people), playing) if row.stage != "joining" else {}
        return Roster(_session_info(row), tuple(people), tuple(delegations), caps)

    async def assignment_of(
        self, guild_id: int, channel_id: int | None, user_id: int
    ) -> tuple[SessionInfo, str | None] | None:
        """The live session a member is in (that of ``channel_id`` first) and their actor."""
        async with self._db.transaction() as tx:
            candidates: list[ClassSession] = []
            if channel_id is not None:
                here = await tx.sessions.live_in_channel(channel_id)
                if here is not None:
                    candidates.append(here)
            candidates += list(reversed(await tx.sessions.live_in_guild(guild_id)))
            fallback: tuple[SessionInfo, str | None] | None = None
            for row in candidates:
                p = await tx.sessions.participant(row.id, user_id)
                if p is None or p.left_at is not None:
                    continue
                if p.actor_id is not None:
                    return _session_info(row), p.actor_id
                fallback = fallback or (_session_info(row), None)
            return fallback

    async def may_read_brief(
        self, guild_id: int, user_id: int, scenario_id: str, actor_id: str
    ) -> bool:
        """Whether a (non-facilitator) member plays ``actor_id`` in a live session of the guild,
        or was in a session of this scenario here that has been debriefed: the debrief's reveal
        opens every brief of that session to its class (`bot.services.negotiation`)."""
        async with self._db.transaction() as tx:
            for row in await tx.sessions.live_in_guild(guild_id):
                if row.scenario_id != scenario_id:
                    continue
                p = await tx.sessions.participant(row.id, user_id)
                if p is not None and p.left_at is None and p.actor_id == actor_id:
                    return True
            return await tx.negotiation.debriefed_member(guild_id, user_id, scenario_id)

    # --- lifecycle ---------------------------------------------------------------------------

    async def create(
        self,
        *,
        guild_id: int,
        channel_id: int,
        scenario_id: str,
        created_by: int,
        space_kind: str = "thread",
    ) -> SessionInfo:
        scenario = self.scenario(scenario_id)
        try:
            async with self._db.transaction() as tx:
                row = await tx.sessions.add(
                    guild_id=guild_id,
                    channel_id=channel_id,
                    scenario_id=scenario.id,
                    created_by=created_by,
                    space_kind=space_kind,
                    actor_ids=scenario.play_order,
                )
                info = _session_info(row)
        except LiveSessionExists:
            existing = await self.live_session_for_channel(channel_id)
            number = f" (#{existing.id})" if existing else ""
            raise UserFacingError(
                f"This channel already has a live session{number}. End it with `/session end` "
                "before starting another, or use another channel."
            ) from None
        self._emit("parley_session_created", info.id)
        return info

    async def set_card_message(self, session_id: int, message_id: int | None) -> None:
        async with self._db.transaction() as tx:
            row = await tx.sessions.get(session_id)
            if row is not None:
                row.card_message_id = message_id

    async def end(self, session_id: int) -> SessionInfo:
        async with self._db.transaction() as tx:
            row = await self._live(tx, session_id, lock=True)
            await tx.sessions.end(row, self.clock.now())
            info = _session_info(row)
        self._emit("parley_session_ended", session_id)
        return info

    async def register_channel(
        self,
        session_id: int,
        channel_id: int,
        *,
        kind: str,
        actor_id: str | None = None,
        label: str = "",
    ) -> ChannelInfo:
        async with self._db.transaction() as tx:
            row = await tx.sessions.add_channel(
                session_id, channel_id, kind=kind, actor_id=actor_id, label=label
            )
            info = _channel_info(row)
        self._emit("parley_session_channels_changed", session_id)
        return info

    async def attach_space(
        self, session_id: int, actor_id: str, channel_id: int, label: str
    ) -> bool:
        """Record a delegation's private space; False if another was recorded first."""
        async with self._db.transaction() as tx:
            if not await tx.sessions.claim_space(session_id, actor_id, channel_id):
                return False
            await tx.sessions.add_channel(
                session_id, channel_id, kind="delegation", actor_id=actor_id, label=label
            )
        self._emit("parley_session_channels_changed", session_id)
        return True

    async def attach_role(self, session_id: int, actor_id: str, role_id: int) -> bool:
        async with self._db.transaction() as tx:
            return await tx.sessions.claim_role(session_id, actor_id, role_id)

    # --- joining and leaving -----------------------------------------------------------------

    async def join(
        self, session_id: int, user_id: int, display_name: str, *, is_facilitator: bool = False
    ) -> JoinResult:
        """Join (or rejoin) a session; once delegations are settled, a seat in the smallest one."""

        async def attempt(tx: Transaction) -> JoinResult:
            row = await self._live(tx, session_id)
            already = False
            p = await tx.sessions.participant(session_id, user_id)
            if p is None:
                p = await tx.sessions.add_participant(
                    session_id, user_id, display_name, is_facilitator=is_facilitator
                )
            elif p.left_at is None:
                already = True
            else:
                p.left_at = None
                p.display_name = display_name[:100]
                p.is_facilitator = is_facilitator
            move = None
            if row.stage == "assigned" and p.actor_id is None:
                actor = await self._place(tx, row, p)
                move = Move(user_id, p.display_name, None, actor)
                await self._refresh_statuses(tx, row)
            return JoinResult(_session_info(row), _participant_info(p), already, move)

        result = await self._with_retries(
            attempt, busy="Parley is very busy right now: press Join again in a moment."
        )
        if not result.already_joined:
            self._emit("parley_roster_changed", session_id)
        if result.move is not None:
            self._emit("parley_assignment_changed", session_id)
        return result

    async def leave(self, session_id: int, user_id: int) -> Move:
        async with self._db.transaction() as tx:
            row = await self._live(tx, session_id)
            p = await tx.sessions.participant(session_id, user_id)
            if p is None or p.left_at is not None:
                raise UserFacingError("You are not in this session.")
            move = Move(user_id, p.display_name, p.actor_id, None)
            await tx.sessions.mark_left(p)
            if row.stage != "joining":
                await self._refresh_statuses(tx, row)
        self._emit("parley_roster_changed", session_id)
        if move.changed:
            self._emit("parley_assignment_changed", session_id)
        return move

    # --- assignment --------------------------------------------------------------------------

    def _require_players(self, scenario: Scenario, n: int) -> None:
        if n < scenario.min_class_size():
            raise UserFacingError(
                f"{scenario.title} needs at least {scenario.min_class_size()} players and "
                f"{n} {'has' if n == 1 else 'have'} joined. Wait for more students, or press "
                "Join yourself to play an actor."
            )

    async def open_self_pick(self, session_id: int) -> AssignmentResult:
        async with self._db.transaction() as tx:
            row = await self._live(tx, session_id, lock=True)
            scenario = self.scenario(row.scenario_id)
            self._require_players(scenario, await tx.sessions.count_present(session_id))
            row.stage = "self_pick"
            active, absent = await self._refresh_statuses(tx, row)
            result = AssignmentResult(_session_info(row), (), tuple(active), tuple(absent))
        self._emit("parley_assignment_changed", session_id)
        return result

    async def pick(self, session_id: int, user_id: int, display_name: str, actor_id: str) -> Move:
        """A student chooses a delegation during self-pick, within the caps that keep balance."""

        async def attempt(tx: Transaction) -> Move:
            row = await self._live(tx, session_id)
            scenario = self.scenario(row.scenario_id)
            if row.stage != "self_pick":
                raise UserFacingError(
                    "Picking is closed: your facilitator assigns delegations now."
                    if row.stage == "assigned"
                    else "Picking has not started yet: wait for your facilitator."
                )
            name = scenario.actor(actor_id).name
            p = await self._present(tx, session_id, user_id, display_name, facilitator=False)
            old = p.actor_id
            if old == actor_id:
                return Move(user_id, p.display_name, old, old)
            n = await tx.sessions.count_present(session_id)
            counts = await tx.sessions.actor_counts(session_id)
            if old is not None:  # the student's own seat does not count against them
                counts[old] = max(0, counts.get(old, 0) - 1)
            playing = playing_actors(scenario, n, counts)
            if actor_id not in playing:
                raise UserFacingError(
                    f"{name} is not played in this class (it is too small for every "
                    "actor). Pick one of the delegations in the menu."
                )
            cap = seat_caps(n, playing)[actor_id]
            seat = None
            if counts.get(actor_id, 0) < cap:
                taken = await tx.sessions.taken_seats(session_id, actor_id)
                seat = lowest_free_seat(taken, cap)
            if seat is None:
                raise UserFacingError(
                    f"{name} is full ({cap} of {cap} places) so that delegations stay "
                    "balanced. Pick another one."
                )
            if old is not None:
                await tx.sessions.release_seat(p)
            await tx.sessions.take_seat(p, actor_id, seat)
            await self._refresh_statuses(tx, row)
            return Move(user_id, p.display_name, old, actor_id)

        move = await self._with_retries(
            attempt, busy="Many students are picking at once: try again in a moment."
        )
        if move.changed:
            self._emit("parley_assignment_changed", session_id)
        return move

    async def deal_random(self, session_id: int, seed: int | None = None) -> AssignmentResult:
        """Deal every student afresh, balanced and reproducible from ``seed``.

        A facilitator who plays keeps the actor they have. The same students and seed always give
        the same deal.
        """
        seed = new_seed() if seed is None else seed

        async def attempt(tx: Transaction) -> AssignmentResult:
            row = await self._live(tx, session_id, lock=True)
            scenario = self.scenario(row.scenario_id)
            people = await tx.sessions.participants(session_id)
            self._require_players(scenario, len(people))
            pinned = {
                p.user_id: p.actor_id for p in people if p.is_facilitator and p.actor_id is not None
            }
            pinned_counts: dict[str, int] = {}
            for actor in pinned.values():
                pinned_counts[actor] = pinned_counts.get(actor, 0) + 1
            actors = playing_actors(scenario, len(people), pinned_counts)
            dealt = deal([p.user_id for p in people], actors, seed, pinned)
            before = {p.user_id: p.actor_id for p in people}
            free = [p for p in people if p.user_id not in pinned]
            await tx.sessions.release_seats(free)
            next_seat: dict[str, set[int]] = {}
            for p in people:
                if p.user_id in pinned and p.seat is not None and p.actor_id:
                    next_seat.setdefault(p.actor_id, set()).add(p.seat)
            for p in free:
                actor = dealt[p.user_id]
                taken = next_seat.setdefault(actor, set())
                seat = lowest_free_seat(taken)
                assert seat is not None
                taken.add(seat)
                p.actor_id, p.seat = actor, seat
            await tx.sessions.flush_seats()
            row.stage = "assigned"
            row.seed = seed
            active, absent = await self._refresh_statuses(tx, row)
            moves = tuple(
                Move(p.user_id, p.display_name, before[p.user_id], p.actor_id) for p in people
            )
            return AssignmentResult(_session_info(row), moves, tuple(active), tuple(absent), seed)

        result = await self._with_retries(
            attempt, busy="The class is changing too fast to deal: try again."
        )
        self._emit("parley_assignment_changed", session_id)
        return result

    async def place_unassigned(self, session_id: int) -> AssignmentResult:
        """Seat everyone without an actor in the smallest delegations; picking closes."""

        async def attempt(tx: Transaction) -> AssignmentResult:
            row = await self._live(tx, session_id, lock=True)
            scenario = self.scenario(row.scenario_id)
            people = await tx.sessions.participants(session_id)
            self._require_players(scenario, len(people))
            row.stage = "assigned"
            moves = []
            for p in people:
                if p.actor_id is None:
                    actor = await self._place(tx, row, p)
                    moves.append(Move(p.user_id, p.display_name, None, actor))
            active, absent = await self._refresh_statuses(tx, row)
            return AssignmentResult(
                _session_info(row), tuple(moves), tuple(active), tuple(absent), row.seed
            )

        result = await self._with_retries(
            attempt, busy="The class is changing too fast: try again."
        )
        self._emit("parley_assignment_changed", session_id)
        return result

    async def assign(
        self,
        session_id: int,
        user_id: int,
        display_name: str,
        actor_id: str,
        *,
        is_facilitator: bool = False,
    ) -> Move:
        """Manual assignment by the facilitator: no caps; an absent actor becomes active."""

        async def attempt(tx: Transaction) -> Move:
            row = await self._live(tx, session_id)
            self.scenario(row.scenario_id).actor(actor_id)
            p = await self._present(
                tx, session_id, user_id, display_name, facilitator=is_facilitator
            )
            old = p.actor_id
            if old != actor_id:
                if old is not None:
                    await tx.sessions.release_seat(p)
                taken = await tx.sessions.taken_seats(session_id, actor_id)
                seat = lowest_free_seat(taken)
                assert seat is not None
                await tx.sessions.take_seat(p, actor_id, seat)
            await self._refresh_statuses(tx, row)
            return Move(user_id, p.display_name, old, actor_id)

        move = await self._with_retries(attempt, busy="The class is changing too fast: try again.")
        self._emit("parley_assignment_changed", session_id)
        return move

    async def swap(self, session_id: int, user_a: int, user_b: int) -> tuple[Move, Move]:
        """Exchange the actors (and seats) of two members in one transaction."""
        if user_a == user_b:
            raise UserFacingError("Pick two different students to swap.")
        async with self._db.transaction() as tx:
            await self._live(tx, session_id)
            a = await tx.sessions.participant(session_id, user_a)
            b = await tx.sessions.participant(session_id, user_b)
            for who, p in (("first", a), ("second", b)):
                if p is None or p.left_at is not None:
                    raise UserFacingError(f"The {who} student is not in this session.")
            assert a is not None and b is not None
            if a.actor_id is None and b.actor_id is None:
                raise UserFacingError("Neither student has an actor yet: nothing to swap.")
            a_place, b_place = (a.actor_id, a.seat), (b.actor_id, b.seat)
            await tx.sessions.release_seat(a)
            await tx.sessions.release_seat(b)
            if a_place[0] is not None and a_place[1] is not None:
                await tx.sessions.take_seat(b, a_place[0], a_place[1])
            if b_place[0] is not None and b_place[1] is not None:
                await tx.sessions.take_seat(a, b_place[0], b_place[1])
            moves = (
                Move(a.user_id, a.display_name, a_place[0], b_place[0]),
                Move(b.user_id, b.display_name, b_place[0], a_place[0]),
            )
        self._emit("parley_assignment_changed", session_id)
        return moves


@cache
def _resolver_for(actors: tuple[ActorName, ...]) -> ActorResolver:
    return ActorResolver(actors)


def _resolver(scenario: Scenario) -> ActorResolver:
    return _resolver_for(tuple(ActorName(a.id, a.name, tuple(a.aliases)) for a in scenario.actors))


def actor_label(scenario: Scenario, actor_id: str | None) -> str:
    """ "Japan 🇯🇵" (or "no actor yet")."""
    if actor_id is None:
        return "no actor yet"
    try:
        actor = scenario.actor(actor_id)
    except KeyError:
        return actor_id
    return f"{actor.name} {actor.flag}"


def describe_candidates(scenario: Scenario, ids: Sequence[str]) -> str:
    return " or ".join(actor_label(scenario, a) for a in ids)
