"""Rounds: the one place that changes a session's round (``bot.rounds``).

Each change is one unit of work: read the round row (locked), let `bot.domain.round_state.Round`
compute the next state, store it with the floor turns that finished, and make the session's
pending round timers match what the new state wants — all in one transaction, so a restart at
any moment finds the state and its timers consistent. Then the caller (`cogs/rounds/flow.py`) shows
the returned notices in Discord and calls `emit` for the events below. Changes to one session
are serialised by an asyncio lock (one Parley process) and the row lock (PostgreSQL).

Public API for proposals, votes, the debrief and the gradebook
---------------------------------------------------------------
- ``await bot.rounds.current_phase(session_id)`` → `PhaseInfo` or ``None`` (before the start
  and after the end): ``index`` (0-based position in the plan; ``number`` = index + 1 for
  people), ``kind`` ("preparation", "opening_statements", "caucus", "plenary",
  "final_statements", "vote", "debrief"), ``title``, ``goal``, ``started_at``, ``deadline``
  (``None`` while paused), ``paused``, ``status`` ("running" | "paused" | "time_up" | "waiting").
- ``await bot.rounds.floor_seconds(session_id)`` → ``{user_id: seconds}`` on the floor (pauses
  excluded; a delegation's statement counts for the first member who spoke in it).
- ``await bot.rounds.floor_turns(session_id)`` → every finished turn (`FloorTurnRecord`).
- ``await bot.rounds.history(session_id)`` → the phases played (`PhaseRun`: start, end, reason).
- ``bot.rounds.phase_label(session_id)`` (no I/O) → "3. Bilateral caucuses" or ``None``: what
  the transcript stores with every message.

Events (``bot.dispatch``; listen with ``@commands.Cog.listener()``), after the class has seen
the announcement:

- ``on_parley_phase_started(session_id, index, kind)``
- ``on_parley_phase_ended(session_id, index, kind)`` — time, next, skip, end, or the session ended

Events are not repeated after a restart: a listener that must know the phase after a restart
asks ``current_phase`` (e.g. in ``on_ready``).
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.clock import Clock
from bot.db.engine import Database
from bot.db.repositories.rounds import FloorTurnRecord
from bot.db.repositories.timers import NewTimer
from bot.domain.caucus import CaucusBook
from bot.domain.echo import echo
from bot.domain.phase_clock import PhaseClock
from bot.domain.round_plan import PlanWarning, RoundPlan
from bot.domain.round_state import (
    Notice,
    PhaseEnded,
    PhaseRun,
    PhaseSpan,
    PhaseStarted,
    Round,
    RoundSettings,
    Step,
    WantedTimer,
    phase_at,
)
from bot.domain.speaking import Floor, SpeakingError
from bot.errors import UserFacingError
from bot.services.timers import TimerService

if TYPE_CHECKING:
    from bot.content.models import Scenario
    from bot.db.models import ClassSession, SessionRound
    from bot.db.unit_of_work import Transaction

__all__ = [
    "TIMER_KINDS",
    "PhaseInfo",
    "PlanView",
    "RoundContext",
    "RoundService",
    "RoundSnapshot",
    "RoundUpdate",
]

log = logging.getLogger(__name__)

TIMER_KINDS: Mapping[str, str] = {
    "phase_end": "round_phase_end",
    "warning": "round_warning",
    "turn_end": "round_turn_end",
}
"""Timer kind per purpose; their handlers live in `cogs/rounds/timer_handlers.py`."""
_ROUND_KINDS = tuple(TIMER_KINDS.values())
EventSink = Callable[..., None]
SESSION_ENDED = "That session has ended. Ask your facilitator for the new one."


@dataclass(frozen=True)
class RoundContext:
    """The session a round belongs to, as the Discord side needs it."""

    session_id: int
    guild_id: int
    channel_id: int
    scenario_id: str
    created_by: int


@dataclass(frozen=True)
class PhaseInfo:
    index: int
    kind: str
    title: str
    goal: str
    started_at: datetime | None
    deadline: datetime | None
    paused: bool
    status: str
    count: int
    duration: int
    extensions: int
    remaining: timedelta
    speaking_time: int | None

    @property
    def number(self) -> int:
        return self.index + 1


@dataclass(frozen=True)
class RoundUpdate:
    """A committed change: the new round and what the class should be told, in order."""

    context: RoundContext
    round: Round
    notices: tuple[Notice, ...]
    at: datetime
    plenary_locked: bool = False
    """Whether Parley has the plenary locked now (its saved overwrites are stored)."""
    actor: str | None = None
    """For a student's action (`hand`, `yield_floor`, `request_caucus`): the delegation they
    speak for, resolved in the same transaction, so the caller need not read it again."""

    def events(self) -> list[tuple[str, int, int, str]]:
        found: list[tuple[str, int, int, str]] = []
        for notice in self.notices:
            if isinstance(notice, PhaseStarted):
                found.append(
                    (
                        "parley_phase_started",
                        self.context.session_id,
                        notice.index,
                        notice.phase.kind,
                    )
                )
            elif isinstance(notice, PhaseEnded):
                found.append(
                    ("parley_phase_ended", self.context.session_id, notice.index, notice.phase.kind)
                )
        return found


@dataclass(frozen=True)
class RoundSnapshot:
    """What synchronous readers need (transcripts, panel buttons), kept in memory."""

    session_id: int
    channel_id: int
    status: str
    index: int | None
    kind: str | None
    label: str | None
    paused: bool
    waiting: bool
    awaiting_credit: tuple[int, str] | None
    """(turn number, actor) while a delegation's turn has no student credited yet."""
    spans: tuple[PhaseSpan, ...] = ()


@dataclass(frozen=True)
class PlanView:
    round: Round
    warnings: tuple[PlanWarning, ...]
    actors: tuple[str, ...]
    at: datetime


def _round_of(row: SessionRound) -> Round:
    book = CaucusBook.from_dict(row.caucus_book) if row.caucus_book else CaucusBook(())
    return Round(
        plan=RoundPlan.from_list(row.plan),
        settings=RoundSettings.from_dict(row.settings or {}),
        status=row.status,  # type: ignore[arg-type]
        index=row.phase_index,
        clock=None if row.clock is None else PhaseClock.from_dict(row.clock),
        floor=None if row.floor is None else Floor.from_dict(row.floor),
        caucuses=book,
        threads=tuple((int(n), int(t)) for n, t in row.caucus_threads or ()),
        time_up_said=row.time_up_said,
        warned=tuple((int(m), datetime.fromisoformat(d)) for m, d in row.warned or ()),
        history=tuple(PhaseRun.from_dict(h) for h in row.history or ()),
    )


def _store(row: SessionRound, state: Round) -> None:
    """Write every field afresh (JSON columns are replaced, never mutated in place)."""
    row.status = state.status
    row.plan = state.plan.to_list()
    row.settings = state.settings.to_dict()
    row.phase_index = state.index
    row.clock = None if state.clock is None else state.clock.to_dict()
    row.floor = None if state.floor is None else state.floor.to_dict()
    row.caucus_book = state.caucuses.to_dict()
    row.caucus_threads = [[n, t] for n, t in state.threads]
    row.time_up_said = state.time_up_said
    row.warned = [[m, d.isoformat()] for m, d in state.warned]
    row.history = [run.to_dict() for run in state.history]


def _context(session: ClassSession) -> RoundContext:
    return RoundContext(
        session.id, session.guild_id, session.channel_id, session.scenario_id, session.created_by
    )


def _timer_key(session_id: int, want: WantedTimer) -> str:
    key = f"round:{session_id}:{want.index}:{want.purpose}"
    return key if want.purpose == "phase_end" else f"{key}:{want.detail}"


def phase_info(state: Round, now: datetime) -> PhaseInfo | None:
    phase, clock, index = state.phase, state.clock, state.index
    if phase is None or clock is None or index is None:
        return None
    return PhaseInfo(
        index=index,
        kind=phase.kind,
        title=phase.title,
        goal=phase.goal,
        started_at=clock.started_at,
        deadline=clock.deadline,
        paused=clock.paused_at is not None,
        status="waiting" if state.time_up_said else clock.status(now),
        count=len(state.plan),
        duration=clock.duration,
        extensions=clock.extensions,
        remaining=clock.remaining(now),
        speaking_time=phase.speaking_time,
    )


Operation = Callable[[Round, datetime, tuple[str, ...]], Step]
SpeakerOperation = Callable[[str], Operation]
"""A student's action, built once their delegation (actor id) is known."""


class RoundService:
    def __init__(
        self,
        database: Database,
        scenarios: Mapping[str, Scenario],
        *,
        clock: Clock,
        timers: TimerService,
        on_event: EventSink | None = None,
    ) -> None:
        self._db = database
        self._scenarios = scenarios
        self.clock = clock
        self._timers = timers
        self._on_event = on_event
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._snapshots: dict[int, RoundSnapshot] = {}
        self._by_channel: dict[int, int] = {}

    # --- in memory ---------------------------------------------------------------------------

    def _remember(self, context: RoundContext, state: Round, live: bool = True) -> None:
        if not live:
            self._snapshots.pop(context.session_id, None)
            self._by_channel.pop(context.channel_id, None)
            return
        floor = state.floor
        awaiting = None
        current = None if floor is None or floor.closed else floor.current
        if floor is not None and current is not None and current.user_id is None:
            awaiting = (len(floor.spoken), current.actor)
        phase = state.phase
        self._snapshots[context.session_id] = RoundSnapshot(
            session_id=context.session_id,
            channel_id=context.channel_id,
            status=state.status,
            index=state.index,
            kind=None if phase is None else phase.kind,
            label=state.phase_label(),
            paused=state.paused(),
            waiting=state.waiting(),
            awaiting_credit=awaiting,
            spans=state.phase_spans(),
        )
        self._by_channel[context.channel_id] = context.session_id

    def snapshot(self, session_id: int) -> RoundSnapshot | None:
        return self._snapshots.get(session_id)

    def snapshot_for_plenary(self, channel_id: int) -> RoundSnapshot | None:
        session_id = self._by_channel.get(channel_id)
        return None if session_id is None else self._snapshots.get(session_id)

    def phase_label(self, session_id: int) -> str | None:
        """The current phase as the transcript names it (no I/O: called for every message)."""
        found = self._snapshots.get(session_id)
        return None if found is None else found.label

    def phase_label_at(self, session_id: int, when: datetime) -> str | None:
        """The phase that was running at `when` (no I/O): for messages found in channel history
        after a restart, filed under the phase they were posted in."""
        found = self._snapshots.get(session_id)
        return None if found is None else phase_at(found.spans, when)

    async def load(self) -> int:
        """Fill the in-memory view from the database (at start-up)."""
        async with self._db.transaction() as tx:
            rows = await tx.rounds.of_live_sessions()
            loaded = [(_context(session), _round_of(row)) for row, session in rows]
        for context, state in loaded:
            self._remember(context, state)
        return len(loaded)

    def forget(self, session_id: int) -> None:
        snapshot = self._snapshots.pop(session_id, None)
        if snapshot is not None:
            self._by_channel.pop(snapshot.channel_id, None)
        self._locks.pop(session_id, None)

    def emit(self, update: RoundUpdate) -> None:
        """Dispatch the update's `parley_phase_*` events (the flow calls this after showing it)."""
        if self._on_event is None:
            return
        for name, *args in update.events():
            try:
                self._on_event(name, *args)
            except Exception:  # a listener's bug must not undo a committed change
                log.exception("Event %s %s failed", name, args)

    # --- helpers -----------------------------------------------------------------------------

    def scenario(self, scenario_id: str) -> Scenario:
        try:
            return self._scenarios[scenario_id]
        except KeyError:
            raise UserFacingError(f"Parley has no scenario “{echo(scenario_id)}”.") from None

    async def _actors(self, tx: Transaction, session: ClassSession) -> tuple[str, ...]:
        """The delegations at the table, in the scenario's order of play."""
        active = {
            d.actor_id for d in await tx.sessions.delegations(session.id) if d.status == "active"
        }
        return tuple(a for a in self.scenario(session.scenario_id).play_order if a in active)

    async def _row(self, tx: Transaction, session: ClassSession) -> SessionRound:
        row = await tx.rounds.get_for_update(session.id)
        if row is None:
            plan = RoundPlan.from_scenario(self.scenario(session.scenario_id))
            row = await tx.rounds.add(session.id, plan.to_list())
        return row

    async def _sync_timers(
        self, tx: Transaction, session_id: int, before: Round, after: Round, now: datetime
    ) -> tuple[bool, datetime | None]:
        """Make the session's pending round timers the ones ``after`` wants.

        A new phase (or the end) cancels every round timer of the session. Within a phase only
        the difference is written: a timer that fell due this instant and is still to fire (two
        deadlines at the same moment) is left to its handler, which checks the state anyway.
        Returns whether anything was written, and the earliest timer written.
        """
        wanted = {_timer_key(session_id, w): w for w in after.wanted_timers(now)}
        if after.index != before.index or after.status != before.status:
            await tx.timers.cancel_session(session_id, _ROUND_KINDS)
            written = bool(before.wanted_timers(now)) or bool(wanted)
            changed = list(wanted.values())
        else:
            had = {_timer_key(session_id, w): w for w in before.wanted_timers(now)}
            for key in had.keys() - wanted.keys():
                await tx.timers.cancel(key)
            changed = [w for key, w in wanted.items() if had.get(key) != w]
            written = bool(changed) or bool(had.keys() - wanted.keys())
        for want in changed:
            timer = NewTimer(
                key=_timer_key(session_id, want),
                kind=TIMER_KINDS[want.purpose],
                due_at=want.due_at,
                payload={"session_id": session_id, "index": want.index, "detail": want.detail},
                session_id=session_id,
            )
            await tx.timers.add(timer, replace=True)
        earliest = min((w.due_at for w in changed), default=None)
        return written, earliest

    async def _change(
        self,
        session_id: int,
        operation: Operation | None,
        *,
        ended_ok: bool = False,
        speaker: tuple[int, SpeakerOperation] | None = None,
    ) -> RoundUpdate:
        """One unit of work: read, decide, store the round and its timers, in one transaction.
        `speaker=(user_id, build)` is a student's action: who they speak for is read in that same
        transaction and handed to `build`."""
        async with self._locks[session_id]:
            now = self.clock.now()
            async with self._db.transaction() as tx:
                actor = None
                if speaker is not None:
                    user_id, build = speaker
                    actor = await self._actor_of(tx, session_id, user_id)
                    operation = build(actor)
                assert operation is not None
                session = await tx.sessions.get(session_id)
                if session is None or (session.status != "open" and not ended_ok):
                    raise UserFacingError(SESSION_ENDED)
                row = await self._row(tx, session)
                before = _round_of(row)
                step = operation(before, now, await self._actors(tx, session))
                context = _context(session)
                written, earliest = False, None
                if step.round != before or step.notices or step.turns:
                    _store(row, step.round)
                    await tx.rounds.record_turns(session_id, step.turns)
                    written, earliest = await self._sync_timers(
                        tx, session_id, before, step.round, now
                    )
            if written:
                self._timers.changed(earliest)
            self._remember(context, step.round, live=session.status == "open")
            locked = row.plenary_lock is not None
            return RoundUpdate(context, step.round, step.notices, now, locked, actor)

    async def _read(self, session_id: int) -> tuple[RoundContext, Round, tuple[str, ...]]:
        async with self._db.transaction() as tx:
            session = await tx.sessions.get(session_id)
            if session is None:
                raise UserFacingError("That session no longer exists.")
            row = await tx.rounds.get(session_id)
            state = (
                Round(RoundPlan.from_scenario(self.scenario(session.scenario_id)))
                if row is None
                else _round_of(row)
            )
            return _context(session), state, await self._actors(tx, session)

    async def _actor_of(self, tx: Transaction, session_id: int, user_id: int) -> str:
        participant = await tx.sessions.participant(session_id, user_id)
        if participant is None or participant.left_at is not None or participant.actor_id is None:
            raise SpeakingError(
                "You don't have a delegation in this session, so you can't take the floor."
            )
        return participant.actor_id

    # --- reading -----------------------------------------------------------------------------

    async def round(self, session_id: int) -> Round:
        return (await self._read(session_id))[1]

    async def current_phase(self, session_id: int) -> PhaseInfo | None:
        return phase_info(await self.round(session_id), self.clock.now())

    async def history(self, session_id: int) -> tuple[PhaseRun, ...]:
        return (await self.round(session_id)).history

    async def plan_view(self, session_id: int) -> PlanView:
        _, state, actors = await self._read(session_id)
        warnings = state.plan.warnings(period_seconds=state.settings.period_seconds, actors=actors)
        return PlanView(state, warnings, actors, self.clock.now())

    async def floor_turns(self, session_id: int) -> list[FloorTurnRecord]:
        async with self._db.transaction() as tx:
            return await tx.rounds.turns(session_id)

    async def floor_seconds(self, session_id: int) -> dict[int, float]:
        """Seconds on the floor per student: finished turns, plus the turn running now."""
        now = self.clock.now()
        async with self._db.transaction() as tx:
            used = await tx.rounds.floor_us_by_user(session_id)
            row = await tx.rounds.get(session_id)
        totals = {user: us / 1_000_000 for user, us in used.items()}
        if row is not None and row.floor is not None:
            current = Floor.from_dict(row.floor).current
            if current is not None and current.user_id is not None:
                running = current.clock.elapsed(now) / timedelta(seconds=1)
                totals[current.user_id] = totals.get(current.user_id, 0.0) + running
        return totals

    # --- the facilitator's controls ----------------------------------------------------------

    async def start(self, session_id: int) -> RoundUpdate:
        return await self._change(session_id, lambda r, now, actors: r.start(now, actors))

    async def next(self, session_id: int) -> RoundUpdate:
        return await self._change(session_id, lambda r, now, actors: r.advance(now, actors))

    async def skip(self, session_id: int) -> RoundUpdate:
        return await self._change(
            session_id, lambda r, now, actors: r.advance(now, actors, "skipped")
        )

    async def pause(self, session_id: int) -> RoundUpdate:
        return await self._change(session_id, lambda r, now, _: r.pause(now))

    async def resume(self, session_id: int) -> RoundUpdate:
        return await self._change(session_id, lambda r, now, _: r.resume(now))

    async def extend(self, session_id: int, seconds: int) -> RoundUpdate:
        return await self._change(session_id, lambda r, now, _: r.extend(seconds, now))

    async def end(self, session_id: int) -> RoundUpdate:
        return await self._change(session_id, lambda r, now, _: r.finish(now, "ended"))

    async def session_ended(self, session_id: int) -> RoundUpdate | None:
        """The session ended: end the phase, close caucuses, cancel the round's timers."""
        async with self._db.transaction() as tx:
            if await tx.rounds.get(session_id) is None:
                return None
        update = await self._change(
            session_id, lambda r, now, _: r.finish(now, "session_ended"), ended_ok=True
        )
        self.forget(session_id)
        return update

    async def configure(self, session_id: int, **changes: Any) -> RoundUpdate:
        def op(state: Round, now: datetime, actors: tuple[str, ...]) -> Step:
            values = {**state.settings.to_dict(), **changes}
            return Step(state.configure(RoundSettings.from_dict(values)))

        return await self._change(session_id, op)

    async def edit_plan(self, session_id: int, edit: Callable[[Round], Round]) -> RoundUpdate:
        """Apply a plan edit (`Round.add_phase`, `remove_phase`, `move_phase`, `set_duration`)."""
        return await self._change(session_id, lambda r, now, _: Step(edit(r)))

    # --- timers ------------------------------------------------------------------------------

    async def phase_time_up(self, session_id: int, index: int, *, late: bool) -> RoundUpdate:
        return await self._change(
            session_id, lambda r, now, actors: r.phase_time_up(now, index, actors, late=late)
        )

    async def warning_due(
        self, session_id: int, index: int, mark: int, *, late: bool
    ) -> RoundUpdate:
        return await self._change(
            session_id, lambda r, now, _: r.warning_due(now, index, mark, late=late)
        )

    async def turn_time_up(self, session_id: int, index: int) -> RoundUpdate:
        return await self._change(session_id, lambda r, now, _: r.turn_time_up(now, index))

    # --- the floor ---------------------------------------------------------------------------

    async def hand(self, session_id: int, user_id: int, action: str | None) -> RoundUpdate:
        """``action`` "raise", "lower", or None: raise unless the delegation is already queued.
        One transaction: who the student plays is read with the round it changes."""

        def build(actor: str) -> Operation:
            def op(state: Round, now: datetime, _: tuple[str, ...]) -> Step:
                wanted = action
                if wanted is None:
                    floor = state.floor
                    queued = (
                        floor is not None
                        and floor.mode == "queue"
                        and floor.position(actor, user_id) is not None
                    )
                    wanted = "lower" if queued else "raise"
                if wanted == "lower":
                    return state.lower_hand(actor, user_id, now)
                return state.raise_hand(actor, user_id, now)

            return op

        return await self._change(session_id, None, speaker=(user_id, build))

    async def yield_floor(self, session_id: int, user_id: int) -> RoundUpdate:
        return await self._change(
            session_id,
            None,
            speaker=(user_id, lambda actor: lambda r, now, _: r.yield_floor(actor, user_id, now)),
        )

    async def give_floor(
        self, session_id: int, actor: str | None, *, seconds: int | None = None
    ) -> RoundUpdate:
        """To a delegation (its first member to speak is credited), or the next in the queue."""
        if actor is None:
            return await self._change(session_id, lambda r, now, _: r.next_speaker(now))
        return await self._change(
            session_id, lambda r, now, _: r.give_floor(actor, None, now, seconds=seconds)
        )

    async def credit(self, session_id: int, user_id: int) -> bool:
        """A student spoke in the plenary: credit them with their delegation's turn."""
        async with self._db.transaction() as tx:
            participant = await tx.sessions.participant(session_id, user_id)
        if participant is None or participant.actor_id is None:
            return False
        actor = participant.actor_id
        update = await self._change(session_id, lambda r, now, _: r.credit(actor, user_id))
        floor = update.round.floor
        return floor is not None and floor.current is not None and floor.current.user_id == user_id

    # --- caucuses ----------------------------------------------------------------------------

    async def open_caucus(self, session_id: int, members: Sequence[str]) -> RoundUpdate:
        return await self._change(
            session_id, lambda r, now, actors: r.open_caucus(members, now, actors)
        )

    async def open_suggested(self, session_id: int) -> RoundUpdate:
        return await self._change(session_id, lambda r, now, actors: r.open_suggested(now, actors))

    async def request_caucus(
        self, session_id: int, user_id: int, partners: Sequence[str]
    ) -> RoundUpdate:
        return await self._change(
            session_id,
            None,
            speaker=(
                user_id,
                lambda actor: (
                    lambda r, now, actors: r.request_caucus(actor, partners, user_id, now, actors)
                ),
            ),
        )

    async def approve_caucus(self, session_id: int, number: int, by: int) -> RoundUpdate:
        return await self._change(
            session_id, lambda r, now, actors: r.approve_caucus(number, by, now, actors)
        )

    async def decline_caucus(self, session_id: int, number: int, by: int) -> RoundUpdate:
        return await self._change(session_id, lambda r, now, _: r.decline_caucus(number, by, now))

    async def close_caucus(self, session_id: int, number: int) -> RoundUpdate:
        return await self._change(session_id, lambda r, now, _: r.close_caucus(number, now))

    async def attach_caucus_thread(self, session_id: int, number: int, thread_id: int) -> None:
        await self._change(
            session_id, lambda r, now, _: Step(r.attach_thread(number, thread_id)), ended_ok=True
        )

    # --- the plenary lock --------------------------------------------------------------------

    async def plenary_lock(self, session_id: int) -> dict[str, Any] | None:
        async with self._db.transaction() as tx:
            row = await tx.rounds.get(session_id)
            return None if row is None else row.plenary_lock

    async def set_plenary_lock(self, session_id: int, saved: dict[str, Any] | None) -> None:
        async with self._db.transaction() as tx:
            row = await tx.rounds.get(session_id)
            if row is not None:
                row.plenary_lock = saved
