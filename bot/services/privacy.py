"""Students' data rights and the operator's purges: the use cases behind `/privacy`,
`/session purge` and `parley purge`.

- `overview` / `export`: what Parley holds about one person in one server (the export is a
  JSON-ready dict: every row that names them, their messages with earlier versions);
- `erase`: their quiz history, points and personal rows removed, their words replaced by a
  marker, every other reference replaced by a pseudonym (see `bot.db.repositories.privacy`);
  refused while they sit in a live session (the transcript would keep recording them);
- `purge_session`, `purge_guild`, `purge_older_than`: delete records outright.

Each runs in one transaction. Buffered transcript messages are flushed first so that nothing
written a second ago escapes an erasure or lands in a purged session.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.clock import Clock
from bot.db.engine import Database
from bot.db.repositories.privacy import SessionTouch
from bot.domain.privacy import ErasureReport, PurgeReport, jsonable, new_pseudonym
from bot.errors import UserFacingError

__all__ = ["EXPORT_FORMAT", "PrivacyOverview", "PrivacyService"]

log = logging.getLogger(__name__)

EXPORT_FORMAT = "parley-privacy-export/1"

Flush = Callable[[], Awaitable[Any]]
Rows = dict[str, list[dict[str, Any]]]


@dataclass(frozen=True)
class PrivacyOverview:
    """What `/privacy` shows: counts by kind, the sessions, and quiz history in short."""

    guild_id: int
    user_id: int
    sessions: tuple[SessionTouch, ...]
    messages: int
    earlier_versions: int
    quiz_answers: int
    quiz_right: int
    race_answers: int
    leaderboard_points: int
    private_quiz_answers: int
    quiz_cards: int
    other_rows: int

    @property
    def empty(self) -> bool:
        return not (
            self.sessions
            or self.messages
            or self.quiz_answers
            or self.race_answers
            or self.leaderboard_points
            or self.private_quiz_answers
            or self.quiz_cards
            or self.other_rows
        )


_COUNTED = frozenset(
    {
        "transcript_messages",
        "transcript_revisions",
        "quiz_attempts",
        "quiz_race_answers",
        "quiz_leaderboard",
        "quiz_cards",
        "participants",
    }
)


class _DryRun(Exception):
    """Raised inside a purge's transaction to roll it back after counting."""

    def __init__(self, report: PurgeReport) -> None:
        super().__init__("dry run")
        self.report = report


class PrivacyService:
    def __init__(self, database: Database, clock: Clock, *, flush: Flush | None = None) -> None:
        self._db = database
        self.clock = clock
        self._flush = flush

    async def _flushed(self) -> None:
        if self._flush is not None:
            await self._flush()

    # --- one person ----------------------------------------------------------------------------

    async def _rows(
        self, guild_id: int, user_id: int
    ) -> tuple[dict[str, list[dict[str, Any]]], list[SessionTouch]]:
        await self._flushed()
        async with self._db.transaction() as tx:
            rows = await tx.privacy.rows_about(guild_id, user_id, include_private=True)
            sessions = await tx.privacy.sessions_of(guild_id, user_id)
        return rows, sessions

    async def overview(self, guild_id: int, user_id: int) -> PrivacyOverview:
        rows, sessions = await self._rows(guild_id, user_id)
        attempts = rows.get("quiz_attempts", [])
        here = [a for a in attempts if a.get("guild_id") == guild_id]
        return PrivacyOverview(
            guild_id=guild_id,
            user_id=user_id,
            sessions=tuple(sessions),
            messages=len(rows.get("transcript_messages", [])),
            earlier_versions=len(rows.get("transcript_revisions", [])),
            quiz_answers=len(here),
            quiz_right=sum(1 for a in here if a.get("correct")),
            race_answers=len(rows.get("quiz_race_answers", [])),
            leaderboard_points=sum(
                int(r.get("points") or 0) for r in rows.get("quiz_leaderboard", [])
            ),
            private_quiz_answers=len(attempts) - len(here),
            quiz_cards=len(rows.get("quiz_cards", [])),
            other_rows=sum(len(v) for k, v in rows.items() if k not in _COUNTED),
        )

    async def export(self, guild_id: int, user_id: int) -> dict[str, Any]:
        """Everything stored about the person in this server (and their server-less practice),
        as a JSON-serialisable dict: ids too large for JavaScript are strings, times ISO UTC."""
        rows, sessions = await self._rows(guild_id, user_id)
        data: dict[str, Any] = jsonable(
            {
                "format": EXPORT_FORMAT,
                "generated_at": self.clock.now(),
                "guild_id": guild_id,
                "user_id": user_id,
                "about": (
                    "Every row Parley stores that names you in this server, by table, plus the "
                    "earlier versions of messages you edited. Quiz cards and answers given in "
                    "direct messages belong to no server and are included too."
                ),
                "sessions": [
                    {
                        "session_id": s.session_id,
                        "scenario": s.scenario_id,
                        "channel_id": s.channel_id,
                        "status": s.status,
                        "started_at": s.created_at,
                        "ended_at": s.ended_at,
                        "delegation": s.actor_id,
                        "messages": s.messages,
                    }
                    for s in sessions
                ],
                "tables": rows,
            }
        )
        return data

    async def erase(
        self, guild_id: int, user_id: int, *, include_private: bool = True
    ) -> ErasureReport:
        """Erase the person from this server's records; refused while they are seated in a
        live session (their next message would be recorded again)."""
        if user_id <= 0:
            raise UserFacingError("That is not a Discord account.")
        await self._flushed()
        pseudonym = new_pseudonym()
        async with self._db.transaction() as tx:
            live = await tx.privacy.live_sessions_with(guild_id, user_id)
            if live:
                channels = ", ".join(f"<#{channel}>" for _, channel in live[:3])
                raise UserFacingError(
                    f"You are still in a live session ({channels}). Leave it, or wait until "
                    "the facilitator ends it, then ask again: otherwise your next messages "
                    "would be recorded again."
                )
            report = await tx.privacy.erase(
                guild_id, user_id, pseudonym, include_private=include_private
            )
        log.info(
            "Erased a member's data in guild %s: %d session(s) touched, %d message(s), "
            "%d quiz answer(s), %d race answer(s), %d leaderboard row(s), %d other reference(s)",
            guild_id,
            len(report.sessions),
            report.messages,
            report.quiz_answers,
            report.race_answers,
            report.leaderboard_rows,
            report.references,
        )
        return report

    # --- purges ----------------------------------------------------------------------------------

    async def purge_session(
        self,
        session_id: int,
        *,
        guild_id: int | None = None,
        allow_live: bool = False,
        dry_run: bool = False,
    ) -> PurgeReport:
        """Delete one ended session and everything recorded in it. With `guild_id`, a session
        of another server is treated as not found (a facilitator purges only their own); the
        operator may purge a live one (`allow_live`). `dry_run` counts and deletes nothing."""
        await self._flushed()
        try:
            return await self._purge_session(session_id, guild_id, allow_live, dry_run)
        except _DryRun as counted:
            return counted.report

    async def _purge_session(
        self, session_id: int, guild_id: int | None, allow_live: bool, dry_run: bool
    ) -> PurgeReport:
        async with self._db.transaction() as tx:
            found = await tx.privacy.session_guild(session_id)
            if found is None or (guild_id is not None and found[0] != guild_id):
                raise UserFacingError(f"There is no session #{session_id} in this server.")
            if found[1] != "ended" and not allow_live:
                raise UserFacingError(
                    f"Session #{session_id} is still live: end it with `/session end` first."
                )
            report = await tx.privacy.purge_sessions([session_id])
            if dry_run:
                raise _DryRun(report)
        log.info("Purged session %s: %s", session_id, report.summary())
        return report

    async def purge_guild(self, guild_id: int, *, dry_run: bool = False) -> PurgeReport:
        """Delete everything Parley holds about one server (live sessions included)."""
        await self._flushed()
        try:
            async with self._db.transaction() as tx:
                report = await tx.privacy.purge_guild(guild_id)
                if dry_run:
                    raise _DryRun(report)
        except _DryRun as counted:
            return counted.report
        log.info("Purged guild %s: %s", guild_id, report.summary())
        return report

    async def purge_older_than(
        self,
        age: timedelta,
        *,
        guild_id: int | None = None,
        now: datetime | None = None,
        dry_run: bool = False,
    ) -> PurgeReport:
        """Delete sessions that ended more than `age` ago, and quiz history that old."""
        if age <= timedelta(0):
            raise UserFacingError("The age must be more than zero.")
        cutoff = (now or self.clock.now()) - age
        await self._flushed()
        try:
            async with self._db.transaction() as tx:
                ids = await tx.privacy.session_ids(guild_id=guild_id, ended_before=cutoff)
                report = await tx.privacy.purge_sessions(ids)
                report = report + await tx.privacy.purge_quiz_before(cutoff, guild_id)
                if dry_run:
                    raise _DryRun(report)
        except _DryRun as counted:
            return counted.report
        log.info("Purged records older than %s: %s", cutoff.isoformat(), report.summary())
        return report

    async def guilds_with_data(self) -> set[int]:
        async with self._db.transaction() as tx:
            return await tx.privacy.guilds_with_data()
