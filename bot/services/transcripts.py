"""Transcripts: which channels are recorded, what goes into the writer, backfill, exports.

The channel map (channel or thread id → session, kind, actor) lives in memory, loaded from
`session_channels` for sessions that have not ended and changed through `register_channel` /
`unregister` / `unregister_session`, so the listener spends one dictionary lookup on a message
from an unrelated channel.

Session code calls `register_channel(...)` when it opens a plenary, a delegation thread or a caucus
thread, and `unregister_session(...)` when the session ends. The rounds code sets
`phase_provider` (session id → current phase title, or None) and awaits `flush()` at each phase end.
"""

from __future__ import annotations

import asyncio
import io
import logging
import re
from collections.abc import AsyncIterator, Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, TYPE_CHECKING

from bot.clock import Clock, SystemClock
from bot.db.engine import Database
from bot.db.repositories.transcripts import (
    SessionSummary as SessionSummary,  # part of this service's API: features never import bot.db
)
from bot.domain.echo import echo
from bot.domain.transcript_formats import FORMATS, ExportMeta, formatter, redact
from bot.domain.transcripts import (
    CHANNEL_KINDS,
    ChannelInfo,
    IncomingMessage,
    MessageDeletion,
    MessageEdit,
    TranscriptEntry,
    snowflake_at,
)
from bot.errors import UserFacingError
from bot.services.transcript_writer import TranscriptWriter

if TYPE_CHECKING:
    from bot.content.models import Scenario

__all__ = ["ExportPlan", "ExportResult", "PhaseAtProvider", "PhaseProvider", "TranscriptService"]

log = logging.getLogger(__name__)

PhaseProvider = Callable[[int], "str | None"]
PhaseAtProvider = Callable[[int, datetime], "str | None"]
EXPORT_CHUNK = 1000
YIELD_EVERY = 100


@dataclass(frozen=True)
class ExportResult:
    messages: int
    format: str


@dataclass(frozen=True)
class ExportPlan:
    """What one export contains, decided before any message is read."""

    session: SessionSummary
    title: str
    scope: str
    phase: str | None = None
    channel_ids: tuple[int, ...] | None = None
    redacted: bool = False
    actor_names: Mapping[str, str] = field(default_factory=dict)
    actor_id: str | None = None

    def filename(self, fmt: str) -> str:
        parts = [f"transcript-session-{self.session.id}"]
        if self.actor_id:
            parts.append(self.actor_id)
        if self.phase:
            parts.append(re.sub(r"[^a-z0-9]+", "-", self.phase.casefold()).strip("-") or "phase")
        return "-".join(parts) + f".{fmt}"


class TranscriptService:
    def __init__(
        self,
        database: Database,
        *,
        clock: Clock | None = None,
        writer: TranscriptWriter | None = None,
        scenarios: Mapping[str, Scenario] | None = None,
    ) -> None:
        self._db = database
        self.scenarios: Mapping[str, Scenario] = scenarios if scenarios is not None else {}
        self.clock: Clock = clock or SystemClock()
        self.writer = writer or TranscriptWriter(database)
        self._channels: dict[int, ChannelInfo] = {}
        self.phase_provider: PhaseProvider | None = None
        self.phase_at_provider: PhaseAtProvider | None = None  # the phase at a past moment
        self.loaded = False

    # -- the channel map ----------------------------------------------------------------------

    def channel(self, channel_id: int) -> ChannelInfo | None:
        """The session channel `channel_id` belongs to, if it is recorded (no I/O)."""
        return self._channels.get(channel_id)

    def channels(self) -> list[ChannelInfo]:
        """Every channel recorded now."""
        return list(self._channels.values())

    async def load_channels(self) -> int:
        """(Re)load the map from the database: every channel of every session not ended."""
        async with self._db.transaction() as tx:
            live = await tx.session_channels.live()
        self._channels = {info.channel_id: info for info, _ in live}
        self.loaded = True
        return len(self._channels)

    async def register_channel(
        self,
        channel_id: int,
        session_id: int,
        kind: str,
        *,
        actor_id: str | None = None,
        label: str = "",
    ) -> ChannelInfo:
        """Record this channel or thread from now on (stored in `session_channels` through the
        sessions repository, which owns that table; `bot.sessions.register_channel` is the usual
        way in, and reaches this map through the `parley_session_channels_changed` event)."""
        if kind not in CHANNEL_KINDS:
            raise ValueError(f"channel kind must be one of {CHANNEL_KINDS}, not {kind!r}")
        info = ChannelInfo(channel_id, session_id, kind, actor_id, label[:100])
        async with self._db.transaction() as tx:
            await tx.sessions.add_channel(
                session_id, channel_id, kind=kind, actor_id=actor_id, label=info.label
            )
        self._channels[channel_id] = info
        return info

    async def refresh_session(self, session_id: int) -> int:
        """Reload one session's channels (the sessions service added a delegation space, say)."""
        async with self._db.transaction() as tx:
            channels = await tx.session_channels.for_live_session(session_id)
        self.unregister_session(session_id)
        for info in channels:
            self._channels[info.channel_id] = info
        return len(channels)

    def unregister(self, channel_id: int) -> None:
        """Stop recording a channel (what was recorded stays)."""
        self._channels.pop(channel_id, None)

    def unregister_session(self, session_id: int) -> int:
        """Stop recording every channel of a session (call when it ends)."""
        gone = [cid for cid, info in self._channels.items() if info.session_id == session_id]
        for cid in gone:
            del self._channels[cid]
        return len(gone)

    # -- recording ----------------------------------------------------------------------------

    def phase_for(self, session_id: int) -> str | None:
        provider = self.phase_provider
        if provider is None:
            return None
        try:
            return provider(session_id)
        except Exception:  # a broken provider must not lose the message
            log.exception("phase_provider failed for session %s", session_id)
            return None

    def phase_at(self, session_id: int, when: datetime) -> str | None:
        """The phase a message posted at `when` belongs to (for backfilled history)."""
        provider = self.phase_at_provider
        if provider is None:
            return self.phase_for(session_id)
        try:
            return provider(session_id, when)
        except Exception:  # a broken provider must not lose the message
            log.exception("phase_at_provider failed for session %s", session_id)
            return None

    def record(self, message: IncomingMessage) -> None:
        self.writer.add(message)

    def record_edit(self, edit: MessageEdit) -> None:
        self.writer.add(edit)

    def record_deletion(self, message_ids: Collection[int]) -> None:
        if message_ids:
            self.writer.add(MessageDeletion(tuple(message_ids), self.clock.now()))

    async def flush(self) -> None:
        """Everything recorded so far is committed when this returns (e.g. at phase end)."""
        await self.writer.flush()

    def start(self) -> None:
        self.writer.start()

    async def stop(self) -> None:
        await self.writer.stop()

    # -- backfill -----------------------------------------------------------------------------

    async def backfill_plan(self) -> list[tuple[ChannelInfo, int]]:
        """For each live channel, the id after which its history must be fetched: the newest
        stored message, or the moment the channel joined its session."""
        await self.flush()
        async with self._db.transaction() as tx:
            live = await tx.session_channels.live()
            last = await tx.transcripts.last_message_ids([info.channel_id for info, _ in live])
        plan = []
        for info, joined_at in live:
            after = max(last.get(info.channel_id, 0), snowflake_at(joined_at) - 1)
            plan.append((info, after))
        return plan

    # -- reading and exporting ----------------------------------------------------------------

    async def sessions(self, guild_id: int | None = None, limit: int = 25) -> list[SessionSummary]:
        async with self._db.transaction() as tx:
            return await tx.transcripts.sessions(guild_id=guild_id, limit=limit)

    async def session(self, session_id: int) -> SessionSummary | None:
        async with self._db.transaction() as tx:
            return await tx.transcripts.session(session_id)

    async def phases(self, session_id: int) -> list[str]:
        async with self._db.transaction() as tx:
            return await tx.transcripts.phases(session_id)

    async def count(self, session_id: int) -> int:
        async with self._db.transaction() as tx:
            return await tx.transcripts.count(session_id)

    async def actor_of(self, session_id: int, user_id: int) -> str | None:
        async with self._db.transaction() as tx:
            return await tx.transcripts.actor_of(session_id, user_id)

    async def delegation_channels(self, session_id: int, actor_id: str) -> list[ChannelInfo]:
        async with self._db.transaction() as tx:
            channels = await tx.session_channels.for_session(session_id)
        return [c for c in channels if c.kind == "delegation" and c.actor_id == actor_id]

    async def entries(
        self,
        session_id: int,
        *,
        phase: str | None = None,
        channel_ids: Collection[int] | None = None,
        chunk_size: int = EXPORT_CHUNK,
    ) -> AsyncIterator[TranscriptEntry]:
        """Every stored message of a session, oldest first, read `chunk_size` at a time."""
        after = 0
        while True:
            async with self._db.transaction() as tx:
                chunk = await tx.transcripts.chunk(
                    session_id,
                    after_id=after,
                    limit=chunk_size,
                    phase=phase,
                    channel_ids=channel_ids,
                )
            for entry in chunk:
                yield entry
            if len(chunk) < chunk_size:
                return
            after = chunk[-1].message_id

    def scenario_names(self, scenario_id: str) -> tuple[str, dict[str, str]]:
        scenario = self.scenarios.get(scenario_id)
        if scenario is None:
            return scenario_id, {}
        return scenario.title, {a.id: f"{a.name} {a.flag}" for a in scenario.actors}

    async def resolve_session(
        self, guild_id: int, *, session_id: int | None = None, channel_id: int | None = None
    ) -> SessionSummary:
        """The session a command means: the one named, else the one recorded in this channel,
        else this server's newest session in this channel, else its newest."""
        if session_id is not None:
            found = await self.session(session_id)
            if found is None or found.guild_id != guild_id:
                raise UserFacingError(f"There is no session {session_id} in this server.")
            return found
        if channel_id is not None:
            info = self.channel(channel_id)
            if info is not None:
                found = await self.session(info.session_id)
                if found is not None:
                    return found
        sessions = await self.sessions(guild_id)
        if not sessions:
            raise UserFacingError("This server has no sessions yet, so there is no transcript.")
        here = [s for s in sessions if s.channel_id == channel_id]
        return (here or sessions)[0]

    async def plan_export(
        self,
        session: SessionSummary,
        *,
        phase: str | None = None,
        facilitator: bool,
        user_id: int | None = None,
    ) -> ExportPlan:
        """Facilitators get the whole session (or one phase); a student gets the threads of
        their own delegation, without deleted text or earlier versions."""
        title, actor_names = self.scenario_names(session.scenario_id)
        if phase is not None:
            phases = await self.phases(session.id)
            # "plenary" and "Plenary " mean the phase stored as "Plenary": people type titles.
            wanted = " ".join(phase.split()).casefold()
            matching = [p for p in phases if " ".join(p.split()).casefold() == wanted]
            if not matching:
                known = ", ".join(phases) if phases else "none yet"
                raise UserFacingError(
                    f"Session {session.id} has no messages in a phase called “{echo(phase)}”. "
                    f"Phases with messages: {known}."
                )
            phase = matching[0]
        scope = "whole session" if phase is None else f"phase: {phase}"
        if facilitator:
            return ExportPlan(session, title, scope, phase, actor_names=actor_names)
        actor_id = None if user_id is None else await self.actor_of(session.id, user_id)
        if actor_id is None:
            raise UserFacingError(
                "Only facilitators can export the whole transcript. Students can export their "
                "own delegation's threads once they have been given an actor in this session."
            )
        channels = await self.delegation_channels(session.id, actor_id)
        if not channels:
            raise UserFacingError("Your delegation has no threads in this session yet.")
        actor = actor_names.get(actor_id, actor_id)
        return ExportPlan(
            session,
            title,
            f"{actor} delegation threads" + ("" if phase is None else f", phase: {phase}"),
            phase,
            tuple(c.channel_id for c in channels),
            redacted=True,
            actor_names=actor_names,
            actor_id=actor_id,
        )

    async def export_plan(self, plan: ExportPlan, fmt: str, out: IO[bytes]) -> ExportResult:
        return await self.export(
            plan.session.id,
            fmt,
            out,
            title=plan.title,
            scope=plan.scope,
            actor_names=plan.actor_names,
            phase=plan.phase,
            channel_ids=plan.channel_ids,
            redacted=plan.redacted,
        )

    async def export(
        self,
        session_id: int,
        fmt: str,
        out: IO[bytes],
        *,
        title: str,
        scope: str,
        actor_names: Mapping[str, str] | None = None,
        phase: str | None = None,
        channel_ids: Collection[int] | None = None,
        redacted: bool = False,
        chunk_size: int = EXPORT_CHUNK,
    ) -> ExportResult:
        """Write the transcript to `out` (UTF-8) as it is read: memory stays bounded whatever
        the session's size. Flushes the writer first, so the export includes every message."""
        if fmt not in FORMATS:
            raise UserFacingError(f"Unknown format {fmt!r}: choose one of {', '.join(FORMATS)}.")
        await self.flush()
        meta = ExportMeta(
            session_id=session_id,
            title=title,
            scope=scope,
            exported_at=self.clock.now(),
            actor_names=dict(actor_names or {}),
            redacted=redacted,
        )
        text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
        try:
            writer = formatter(fmt, text)
            writer.begin(meta)
            count = 0
            async for entry in self.entries(
                session_id, phase=phase, channel_ids=channel_ids, chunk_size=chunk_size
            ):
                writer.entry(redact(entry) if redacted else entry)
                count += 1
                if count % YIELD_EVERY == 0:
                    await asyncio.sleep(0)  # a big export must not stall timers or the gateway
            writer.end()
            text.flush()
        finally:
            text.detach()
        return ExportResult(count, fmt)
