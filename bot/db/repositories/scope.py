"""Where objects live (server, channels, owner): what the interaction guard compares."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models.quiz import QuizRace, QuizRun
from bot.db.models.sessions import ClassSession, Delegation, SessionChannel


class ScopeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def session(self, session_id: int) -> tuple[int, set[int]] | None:
        """(guild id, every channel and thread of the session) or None if there is none."""
        row = (
            await self._session.execute(
                select(ClassSession.guild_id, ClassSession.channel_id).where(
                    ClassSession.id == session_id
                )
            )
        ).first()
        if row is None:
            return None
        channels = {int(row.channel_id)}
        channels.update(
            int(c)
            for c in await self._session.scalars(
                select(SessionChannel.channel_id).where(SessionChannel.session_id == session_id)
            )
        )
        channels.update(
            int(c)
            for c in await self._session.scalars(
                select(Delegation.space_channel_id).where(
                    Delegation.session_id == session_id, Delegation.space_channel_id.is_not(None)
                )
            )
            if c is not None
        )
        return int(row.guild_id), channels

    async def race(self, race_id: int) -> tuple[int, int] | None:
        """(guild id, channel id) of a quiz race."""
        row = (
            await self._session.execute(
                select(QuizRace.guild_id, QuizRace.channel_id).where(QuizRace.id == race_id)
            )
        ).first()
        return None if row is None else (int(row[0]), int(row[1]))

    async def run(self, run_id: int) -> tuple[int, int | None] | None:
        """(student, guild id or None for DMs) of a solo quiz run."""
        row = (
            await self._session.execute(
                select(QuizRun.user_id, QuizRun.guild_id).where(QuizRun.id == run_id)
            )
        ).first()
        return None if row is None else (int(row[0]), None if row[1] is None else int(row[1]))
