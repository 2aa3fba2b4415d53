"""Rounds: one row per session's round, and the floor turns it recorded."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.dialect import insert_for
from bot.db.models import ClassSession, FloorTurn, SessionRound
from bot.domain.round_state import FinishedTurn

_turns = cast(Table, FloorTurn.__table__)
_MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True)
class FloorTurnRecord:
    """A stored turn, as the gradebook and the debrief read it."""

    phase_index: int
    phase_kind: str
    number: int
    actor_id: str
    user_id: int | None
    source: str
    reason: str
    started_at: datetime | None
    ended_at: datetime
    granted_seconds: int
    used_us: int

    @property
    def used_seconds(self) -> float:
        return self.used_us / 1_000_000


class RoundRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, session_id: int) -> SessionRound | None:
        return await self._session.get(SessionRound, session_id)

    async def get_for_update(self, session_id: int) -> SessionRound | None:
        """The row, locked against a concurrent change where the backend can lock rows."""
        result = await self._session.execute(
            select(SessionRound).where(SessionRound.session_id == session_id).with_for_update()
        )
        return result.scalar_one_or_none()

    async def add(self, session_id: int, plan: list[dict[str, Any]]) -> SessionRound:
        row = SessionRound(
            session_id=session_id,
            status="planning",
            plan=plan,
            settings={},
            caucus_book={},
            caucus_threads=[],
            time_up_said=False,
            warned=[],
            history=[],
        )
        self._session.add(row)
        await self._session.flush()
        return row

    async def of_live_sessions(self) -> list[tuple[SessionRound, ClassSession]]:
        """Every round whose session has not ended, with its session (for a restart)."""
        result = await self._session.execute(
            select(SessionRound, ClassSession)
            .join(ClassSession, ClassSession.id == SessionRound.session_id)
            .where(ClassSession.status != "ended")
            .order_by(SessionRound.session_id)
        )
        return [(r, s) for r, s in result.all()]

    # --- floor turns -----------------------------------------------------------------------------

    async def record_turns(self, session_id: int, turns: Sequence[FinishedTurn]) -> None:
        """Store finished turns; one already stored (same phase and number) is left alone."""
        if not turns:
            return
        rows = [
            {
                "session_id": session_id,
                "phase_index": t.index,
                "phase_kind": t.kind,
                "number": t.number,
                "actor_id": t.turn.actor,
                "user_id": t.turn.user_id,
                "source": t.turn.source,
                "reason": t.turn.reason,
                "started_at": t.turn.started_at,
                "ended_at": t.turn.ended_at,
                "granted_seconds": t.turn.granted,
                "used_us": t.turn.used // _MICROSECOND,
            }
            for t in turns
        ]
        stmt = insert_for(self._session, _turns).on_conflict_do_nothing(
            index_elements=[_turns.c.session_id, _turns.c.phase_index, _turns.c.number]
        )
        await self._session.execute(stmt, rows)

    async def turns(self, session_id: int) -> list[FloorTurnRecord]:
        result = await self._session.execute(
            select(FloorTurn)
            .where(FloorTurn.session_id == session_id)
            .order_by(FloorTurn.phase_index, FloorTurn.number)
        )
        return [
            FloorTurnRecord(
                phase_index=t.phase_index,
                phase_kind=t.phase_kind,
                number=t.number,
                actor_id=t.actor_id,
                user_id=t.user_id,
                source=t.source,
                reason=t.reason,
                started_at=t.started_at,
                ended_at=t.ended_at,
                granted_seconds=t.granted_seconds,
                used_us=t.used_us,
            )
            for t in result.scalars()
        ]

    async def floor_us_by_user(self, session_id: int) -> dict[int, int]:
        """Microseconds on the floor per student (turns nobody was credited with are left out)."""
        result = await self._session.execute(
            select(FloorTurn.user_id, func.sum(FloorTurn.used_us))
            .where(FloorTurn.session_id == session_id, FloorTurn.user_id.is_not(None))
            .group_by(FloorTurn.user_id)
        )
        return {int(user): int(total) for user, total in result.all() if user is not None}
