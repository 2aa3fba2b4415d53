"""Crediting statements: when a delegation's turn waits for its speaker, the first message its
student posts in the plenary credits them with the floor (no I/O for any other message)."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import discord

from bot.errors import UserFacingError

if TYPE_CHECKING:
    from bot.client import ParleyBot

log = logging.getLogger(__name__)


class SpeakerCredit:
    def __init__(self, bot: ParleyBot) -> None:
        self.bot = bot
        self._seen: set[tuple[int, int | None, int, int]] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    def observe(self, message: discord.Message) -> None:
        """Called for every message (no I/O unless a delegation's turn waits for its speaker)."""
        snapshot = self.bot.rounds.snapshot_for_plenary(message.channel.id)
        if snapshot is None or snapshot.awaiting_credit is None or message.author.bot:
            return
        turn, _ = snapshot.awaiting_credit
        key = (snapshot.session_id, snapshot.index, turn, message.author.id)
        if key in self._seen:
            return
        self._seen.add(key)
        task = asyncio.create_task(
            self._credit(snapshot.session_id, message.author.id),
            name=f"parley-round-credit:{snapshot.session_id}",
        )
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _credit(self, session_id: int, user_id: int) -> None:
        try:
            await self.bot.rounds.credit(session_id, user_id)
        except UserFacingError:
            return
        except Exception:
            log.exception("Could not credit %s with the floor in session %s", user_id, session_id)

    def forget(self, session_id: int) -> None:
        self._seen = {key for key in self._seen if key[0] != session_id}
