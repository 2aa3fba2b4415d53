"""Sessions, their participants, delegations and channels: the queries, inside one transaction.

Writes that race (joining, claiming a seat, opening a session, registering a private space) flush
at once so a constraint violation surfaces here, as a `bot.db.errors.Conflict` the service can
retry, instead of at commit time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.base import utcnow
from bot.db.errors import AlreadyJoined, LiveSessionExists, SeatTaken
from bot.db.models import ClassSession, Delegation, Participant, SessionChannel


class SessionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    # --- sessions ----------------------------------------------------------------------------

    async def add(
        self,
        *,
        guild_id: int,
        channel_id: int,
        scenario_id: str,
        created_by: int,
        space_kind: str,
        actor_ids: Sequence[str],
    ) -> ClassSession:
        row = ClassSession(
            guild_id=guild_id,
            channel_id=channel_id,
            live_channel_id=channel_id,
            scenario_id=scenario_id,
            created_by=created_by,
            space_kind=space_kind,
            status="open",
            stage="joining",
        )
        self._session.add(row)
        try:
            await self._session.flush()
        except IntegrityError as exc:
            raise LiveSessionExists(channel_id) from exc
        self._session.add_all(
            Delegation(session_id=row.id, actor_id=actor_id, status="pending")
            for actor_id in actor_ids
        )
        self._session.add(
            SessionChannel(channel_id=channel_id, session_id=row.id, kind="plenary", label="")
        )
        await self._session.flush()
        return row

    async def get(self, session_id: int) -> ClassSession | None:
        return await self._session.get(ClassSession, session_id)

    async def get_for_update(self, session_id: int) -> ClassSession | None:
        """The row, locked against concurrent stage changes where the backend can lock rows."""
        result = await self._session.execute(
            select(ClassSession).where(ClassSession.id == session_id).with_for_update()
        )
        return result.scalar_one_or_none()

    async def live_in_channel(self, channel_id: int) -> ClassSession | None:
        """The live session whose plenary, delegation space or caucus is ``channel_id``."""
        result = await self._session.execute(
            select(ClassSession).where(ClassSession.live_channel_id == channel_id)
        )
        found = result.scalar_one_or_none()
        if found is not None:
            return found
        result = await self._session.execute(
            select(ClassSession)
            .join(SessionChannel, SessionChannel.session_id == ClassSession.id)
            .where(SessionChannel.channel_id == channel_id, ClassSession.status == "open")
        )
        return result.scalars().first()

    async def live_in_guild(self, guild_id: int) -> list[ClassSession]:
        result = await self._session.execute(
            select(ClassSession)
            .where(ClassSession.guild_id == guild_id, ClassSession.status == "open")
            .order_by(ClassSession.id)
        )
        return list(result.scalars())

    async def all_live(self) -> list[ClassSession]:
        result = await self._session.execute(
            select(ClassSession).where(ClassSession.status == "open").order_by(ClassSession.id)
        )
        return list(result.scalars())

    async def end(self, row: ClassSession, when: datetime) -> None:
        row.status = "ended"
        row.ended_at = when
        row.live_channel_id = None
        await self._session.flush()

    # --- participants ------------------------------------------------------------------------

    async def participant(self, session_id: int, user_id: int) -> Participant | None:
        result = await self._session.execute(
            select(Participant).where(
                Participant.session_id == session_id, Participant.user_id == user_id
            )
        )
        return result.scalar_one_or_none()

    async def participants(
        self, session_id: int, *, present_only: bool = True
    ) -> list[Participant]:
        query = select(Participant).where(Participant.session_id == session_id)
        if present_only:
            query = query.where(Participant.left_at.is_(None))
        result = await self._session.execute(query.order_by(Participant.id))
        return list(result.scalars())

    async def add_participant(
        self, session_id: int, user_id: int, display_name: str, *, is_facilitator: bool
    ) -> Participant:
        row = Participant(
            session_id=session_id,
            user_id=user_id,
            display_name=display_name[:100],
            is_facilitator=is_facilitator,
        )
        self._session.add(row)
        try:
            await self._session.flush()
        except IntegrityError as exc:
            raise AlreadyJoined(user_id) from exc
        return row

    async def count_present(self, session_id: int) -> int:
        result = await self._session.execute(
            select(func.count())
            .select_from(Participant)
            .where(Participant.session_id == session_id, Participant.left_at.is_(None))
        )
        return int(result.scalar_one())

    async def actor_counts(self, session_id: int) -> dict[str, int]:
        result = await self._session.execute(
            select(Participant.actor_id, func.count())
            .where(
                Participant.session_id == session_id,
                Participant.left_at.is_(None),
                Participant.actor_id.is_not(None),
            )
            .group_by(Participant.actor_id)
        )
        return {str(actor): int(count) for actor, count in result.all()}

    async def taken_seats(self, session_id: int, actor_id: str) -> set[int]:
        result = await self._session.execute(
            select(Participant.seat).where(
                Participant.session_id == session_id,
                Participant.actor_id == actor_id,
                Participant.seat.is_not(None),
            )
        )
        return {int(seat) for seat in result.scalars() if seat is not None}

    async def take_seat(self, row: Participant, actor_id: str, seat: int) -> None:
        """Give ``row`` seat ``seat`` of ``actor_id``; `SeatTaken` if another student has it."""
        row.actor_id = actor_id
        row.seat = seat
        try:
            await self._session.flush()
        except IntegrityError as exc:
            raise SeatTaken(actor_id, seat) from exc

    async def flush_seats(self) -> None:
        """Write seats changed on loaded rows; `SeatTaken` if any collides with another's."""
        try:
            await self._session.flush()
        except IntegrityError as exc:
            raise SeatTaken() from exc

    async def release_seat(self, row: Participant) -> None:
        row.actor_id = None
        row.seat = None
        await self._session.flush()

    async def release_seats(self, rows: Iterable[Participant]) -> None:
        for row in rows:
            row.actor_id = None
            row.seat = None
        await self._session.flush()

    async def mark_left(self, row: Participant) -> None:
        row.left_at = utcnow()
        row.actor_id = None
        row.seat = None
        await self._session.flush()

    # --- delegations -------------------------------------------------------------------------

    async def delegations(self, session_id: int) -> list[Delegation]:
        result = await self._session.execute(
            select(Delegation).where(Delegation.session_id == session_id).order_by(Delegation.id)
        )
        return list(result.scalars())

    async def delegation(self, session_id: int, actor_id: str) -> Delegation | None:
        result = await self._session.execute(
            select(Delegation).where(
                Delegation.session_id == session_id, Delegation.actor_id == actor_id
            )
        )
        return result.scalar_one_or_none()

    async def set_statuses(self, session_id: int, statuses: dict[str, str]) -> None:
        for row in await self.delegations(session_id):
            wanted = statuses.get(row.actor_id)
            if wanted is not None and row.status != wanted:
                row.status = wanted
        await self._session.flush()

    async def claim_space(self, session_id: int, actor_id: str, channel_id: int) -> bool:
        """Record the delegation's space unless one is recorded already (atomic test-and-set)."""
        result = await self._session.execute(
            update(Delegation)
            .where(
                Delegation.session_id == session_id,
                Delegation.actor_id == actor_id,
                Delegation.space_channel_id.is_(None),
            )
            .values(space_channel_id=channel_id, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        return cast(CursorResult[Any], result).rowcount == 1

    async def claim_role(self, session_id: int, actor_id: str, role_id: int) -> bool:
        result = await self._session.execute(
            update(Delegation)
            .where(
                Delegation.session_id == session_id,
                Delegation.actor_id == actor_id,
                Delegation.role_id.is_(None),
            )
            .values(role_id=role_id, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        return cast(CursorResult[Any], result).rowcount == 1

    # --- channels ----------------------------------------------------------------------------

    async def add_channel(
        self,
        session_id: int,
        channel_id: int,
        *,
        kind: str,
        actor_id: str | None = None,
        label: str = "",
    ) -> SessionChannel:
        existing = await self._session.get(SessionChannel, (channel_id, session_id))
        if existing is not None:
            return existing
        row = SessionChannel(
            channel_id=channel_id,
            session_id=session_id,
            kind=kind,
            actor_id=actor_id,
            label=label[:100],
        )
        self._session.add(row)
        await self._session.flush()
        return row

    async def channels(self, session_id: int) -> list[SessionChannel]:
        result = await self._session.execute(
            select(SessionChannel)
            .where(SessionChannel.session_id == session_id)
            .order_by(SessionChannel.created_at, SessionChannel.channel_id)
        )
        return list(result.scalars())

    async def channel(self, session_id: int, channel_id: int) -> SessionChannel | None:
        return await self._session.get(SessionChannel, (channel_id, session_id))
