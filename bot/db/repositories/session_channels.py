"""The channels and threads of each session (what the transcript records)."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.base import utcnow
from bot.db.dialect import insert_for
from bot.db.models.sessions import ClassSession, SessionChannel
from bot.domain.transcripts import ChannelInfo

SESSION_ENDED = "ended"

_table = cast(Table, SessionChannel.__table__)


def _info(row: SessionChannel) -> ChannelInfo:
    return ChannelInfo(row.channel_id, row.session_id, row.kind, row.actor_id, row.label)


class SessionChannelsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def upsert(self, channel: ChannelInfo) -> None:
        """Add the channel to its session, or update what we know about it."""
        now = utcnow()
        stmt = insert_for(self._session, _table).values(
            channel_id=channel.channel_id,
            session_id=channel.session_id,
            kind=channel.kind,
            actor_id=channel.actor_id,
            label=channel.label,
            created_at=now,
            updated_at=now,
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[_table.c.channel_id, _table.c.session_id],
            set_={
                "session_id": stmt.excluded.session_id,
                "kind": stmt.excluded.kind,
                "actor_id": stmt.excluded.actor_id,
                "label": stmt.excluded.label,
                "updated_at": stmt.excluded.updated_at,
            },
        )
        await self._session.execute(stmt)

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
