"""Reading the channels and threads of live sessions (what the transcript records).

The sessions repository writes `session_channels`; this one only answers the transcript's questions.
"""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models.sessions import ClassSession, SessionChannel
from bot.domain.transcripts import ChannelInfo

SESSION_ENDED = "ended"

_table = cast(Table, SessionChannel.__table__)


def _info(row: SessionChannel) -> ChannelInfo:
    return ChannelInfo(row.channel_id, row.session_id, row.kind, row.actor_id, row.label)


class SessionChannelsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, channel_id: int) -> ChannelInfo | None:
        """The channel as part of its live session (a channel hosts one live session at a time)."""
        row = await self._session.scalar(
            select(SessionChannel)
            .join(ClassSession, ClassSession.id == SessionChannel.session_id)
            .where(SessionChannel.channel_id == channel_id, ClassSession.status != SESSION_ENDED)
            .order_by(SessionChannel.session_id.desc())
            .limit(1)
        )
        return None if row is None else _info(row)

    async def for_live_session(self, session_id: int) -> list[ChannelInfo]:
        rows = await self._session.scalars(
            select(SessionChannel)
            .join(ClassSession, ClassSession.id == SessionChannel.session_id)
            .where(SessionChannel.session_id == session_id, ClassSession.status != SESSION_ENDED)
            .order_by(SessionChannel.channel_id)
        )
        return [_info(r) for r in rows]

    async def for_session(self, session_id: int) -> list[ChannelInfo]:
        rows = await self._session.scalars(
            select(SessionChannel)
            .where(SessionChannel.session_id == session_id)
            .order_by(SessionChannel.created_at, SessionChannel.channel_id)
        )
        return [_info(r) for r in rows]

    async def live(self) -> list[tuple[ChannelInfo, datetime]]:
        """Every channel of every session that has not ended, with when it joined the session."""
        rows = await self._session.scalars(
            select(SessionChannel)
            .join(ClassSession, ClassSession.id == SessionChannel.session_id)
            .where(ClassSession.status != SESSION_ENDED)
            .order_by(SessionChannel.session_id, SessionChannel.channel_id)
        )
        return [(_info(r), r.created_at) for r in rows]
