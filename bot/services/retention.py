"""Retention: records are not kept forever, and a server that removes Parley is forgotten.

Two timer kinds, both on the one timer service (so they survive restarts and fire late rather
than never):

- ``privacy_retention_sweep``: once a day, sessions that ended more than ``RETENTION_DAYS`` ago
  are deleted with their transcripts and personal rows, and quiz history that old with them;
  each sweep schedules the next (one key per day, so a repeated firing schedules nothing twice).
  ``RETENTION_DAYS=0`` keeps everything (no sweep is scheduled).
- ``privacy_guild_purge``: when Parley is removed from a server, everything about that server
  is deleted after ``REMOVED_GUILD_GRACE_DAYS``, unless Parley is added back first (the timer is
  cancelled). `reconcile` does the same at start-up for servers left or re-joined while offline.

Handlers are idempotent: purging what is already gone deletes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Collection
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot.domain.privacy import PurgeReport
from bot.domain.timers import PENDING, DueTimer, TimerRecord
from bot.services.privacy import PrivacyService

__all__ = ["GUILD_PURGE_KIND", "SWEEP_KIND", "RetentionService", "guild_purge_key"]

log = logging.getLogger(__name__)

SWEEP_KIND = "privacy_retention_sweep"
GUILD_PURGE_KIND = "privacy_guild_purge"
SWEEP_EVERY = timedelta(days=1)


def guild_purge_key(guild_id: int) -> str:
    return f"privacy:guild-purge:{guild_id}"


def _sweep_key(due_at: datetime) -> str:
    return f"privacy:retention-sweep:{due_at.date().isoformat()}"


class Timers(Protocol):
    """The part of the timer service retention uses (`bot.services.timers.TimerService`)."""

    def register(
        self, kind: str, handler: Callable[[DueTimer], Awaitable[None]], *, max_attempts: int = ...
    ) -> None: ...

    async def schedule(
        self,
        kind: str,
        due_at: datetime,
        payload: dict[str, Any] | None = None,
        *,
        key: str | None = None,
        session_id: int | None = None,
        replace: bool = False,
    ) -> TimerRecord: ...

    async def cancel(self, key: str) -> bool: ...

    async def get(self, key: str) -> TimerRecord | None: ...


class RetentionService:
    def __init__(
        self,
        privacy: PrivacyService,
        timers: Timers,
        *,
        retention_days: int = 365,
        grace_days: int = 30,
    ) -> None:
        if retention_days < 0 or grace_days < 0:
            raise ValueError("retention and grace periods are zero or more days")
        self.privacy = privacy
        self.timers = timers
        self.retention = timedelta(days=retention_days) if retention_days else None
        self.grace = timedelta(days=grace_days)
        self.last_sweep: PurgeReport | None = None

    def register(self) -> None:
        self.timers.register(SWEEP_KIND, self.on_sweep)
        self.timers.register(GUILD_PURGE_KIND, self.on_guild_purge)

    def _now(self) -> datetime:
        return self.privacy.clock.now()

    async def start(self) -> None:
        """Schedule the first sweep (now: records already past their time go at once)."""
        if self.retention is None:
            log.info("RETENTION_DAYS=0: ended sessions are kept until purged by hand")
            return
        now = self._now()
        await self.timers.schedule(SWEEP_KIND, now, {}, key=_sweep_key(now))

    async def on_sweep(self, timer: DueTimer) -> None:
        if self.retention is None:
            return
        self.last_sweep = await self.privacy.purge_older_than(self.retention, now=timer.fired_at)
        if not self.last_sweep.empty:
            log.info("Retention sweep deleted %s", self.last_sweep.summary())
        following = timer.due_at + SWEEP_EVERY
        if following <= timer.fired_at:  # offline for days: the next one a day from now
            following = timer.fired_at + SWEEP_EVERY
        await self.timers.schedule(SWEEP_KIND, following, {}, key=_sweep_key(following))

    # --- servers -----------------------------------------------------------------------------

    async def guild_removed(self, guild_id: int) -> datetime:
        """Parley left a server: its data goes after the grace period (an already pending
        purge keeps its date, so a restart never postpones it). Returns when."""
        key = guild_purge_key(guild_id)
        existing = await self.timers.get(key)
        if existing is not None and existing.status == PENDING:
            return existing.due_at
        due = self._now() + self.grace
        await self.timers.schedule(
            GUILD_PURGE_KIND, due, {"guild_id": guild_id}, key=key, replace=True
        )
        log.info("Parley left guild %s: its data will be purged at %s", guild_id, due.isoformat())
        return due

    async def guild_joined(self, guild_id: int) -> bool:
        """Parley is (back) in a server: a pending purge is cancelled. True if there was one."""
        cancelled = await self.timers.cancel(guild_purge_key(guild_id))
        if cancelled:
            log.info("Parley is back in guild %s: its data purge is cancelled", guild_id)
        return cancelled

    async def reconcile(self, present: Collection[int]) -> None:
        """At start-up: servers with data that Parley is no longer in get a purge scheduled,
        servers it is in lose a pending one."""
        here = set(present)
        for guild_id in sorted(await self.privacy.guilds_with_data()):
            if guild_id not in here:
                await self.guild_removed(guild_id)
        for guild_id in sorted(here):
            await self.guild_joined(guild_id)

    async def on_guild_purge(self, timer: DueTimer) -> None:
        guild_id = int(timer.payload["guild_id"])
        report = await self.privacy.purge_guild(guild_id)
        log.info("Guild %s purged after Parley left it: %s", guild_id, report.summary())
