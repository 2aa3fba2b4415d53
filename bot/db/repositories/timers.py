"""Timers: insert idempotently on their key, find the next due ones, record each outcome."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Row, Table, and_, bindparam, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.base import utcnow
from bot.db.dialect import insert_for
from bot.db.models.timers import TIMER_CANCELLED, TIMER_DONE, TIMER_FAILED, TIMER_PENDING, Timer
from bot.domain.timers import TimerRecord

_table = cast(Table, Timer.__table__)
_COLUMNS = (
    Timer.id,
    Timer.key,
    Timer.kind,
    Timer.due_at,
    Timer.payload,
    Timer.session_id,
    Timer.status,
    Timer.attempts,
    Timer.fired_at,
    Timer.last_error,
)


def _record(row: Row[Any]) -> TimerRecord:
    return TimerRecord(
        id=row.id,
        key=row.key,
        kind=row.kind,
        due_at=row.due_at,
        payload=dict(row.payload or {}),
        session_id=row.session_id,
        status=row.status,
        attempts=row.attempts,
        fired_at=row.fired_at,
        last_error=row.last_error,
    )


@dataclass(frozen=True)
class NewTimer:
    key: str
    kind: str
    due_at: datetime
    payload: dict[str, Any]
    session_id: int | None = None


@dataclass(frozen=True)
class Outcome:
    """What happened when a timer fired; applied only if the timer was not changed meanwhile."""

    id: int
    due_at: datetime  # the due time it fired for
    attempts: int  # attempts after this one
    fired_at: datetime
    error: str | None = None  # None: the handler succeeded
    retry_at: datetime | None = None  # set on failure with attempts left; None: give up


class TimerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, timer: NewTimer, *, replace: bool = False) -> TimerRecord:
        """Insert; an existing key is kept as is, or with `replace` reset to this timer."""
        values = self._values(timer)
        stmt = insert_for(self._session, _table).values(**values)
        if replace:
            stmt = stmt.on_conflict_do_update(
                index_elements=[_table.c.key],
                set_={
                    "kind": stmt.excluded.kind,
                    "due_at": stmt.excluded.due_at,
                    "payload": stmt.excluded.payload,
                    "session_id": stmt.excluded.session_id,
                    "status": TIMER_PENDING,
                    "attempts": 0,
                    "fired_at": None,
                    "last_error": None,
                    "updated_at": stmt.excluded.updated_at,
                },
            )
        else:
            stmt = stmt.on_conflict_do_nothing(index_elements=[_table.c.key])
        await self._session.execute(stmt)
        record = await self.get(timer.key)
        assert record is not None
        return record

    async def add_many(self, timers: Sequence[NewTimer]) -> None:
        """Insert many; keys that already exist are left alone."""
        if not timers:
            return
        stmt = insert_for(self._session, _table).on_conflict_do_nothing(
            index_elements=[_table.c.key]
        )
        await self._session.execute(stmt, [self._values(t) for t in timers])

    @staticmethod
    def _values(timer: NewTimer) -> dict[str, Any]:
        now = utcnow()
        return {
            "key": timer.key,
            "kind": timer.kind,
            "due_at": timer.due_at,
            "payload": dict(timer.payload),
            "session_id": timer.session_id,
            "status": TIMER_PENDING,
            "attempts": 0,
            "created_at": now,
            "updated_at": now,
        }

    async def get(self, key: str) -> TimerRecord | None:
        row = (await self._session.execute(select(*_COLUMNS).where(Timer.key == key))).first()
        return None if row is None else _record(row)

    async def cancel(self, key: str) -> bool:
        result = await self._session.execute(
            update(Timer)
            .where(Timer.key == key, Timer.status == TIMER_PENDING)
            .values(status=TIMER_CANCELLED)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def cancel_session(self, session_id: int, kinds: Collection[str] | None = None) -> int:
        stmt = update(Timer).where(Timer.session_id == session_id, Timer.status == TIMER_PENDING)
        if kinds is not None:
            stmt = stmt.where(Timer.kind.in_(list(kinds)))
        result = await self._session.execute(
            stmt.values(status=TIMER_CANCELLED).execution_options(synchronize_session=False)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def reschedule(self, key: str, due_at: datetime) -> bool:
        result = await self._session.execute(
            update(Timer)
            .where(Timer.key == key, Timer.status == TIMER_PENDING)
            .values(due_at=due_at)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def upcoming(
        self,
        kinds: Iterable[str],
        *,
        limit: int,
        exclude: Collection[int] = (),
        after: tuple[datetime, int] | None = None,
    ) -> list[TimerRecord]:
        """The earliest pending timers of these kinds, due first (ties by id); with `after`
        (due_at, id), only those that come after it in that order."""
        kinds = list(kinds)
        if not kinds:
            return []
        stmt = select(*_COLUMNS).where(Timer.status == TIMER_PENDING, Timer.kind.in_(kinds))
        if after is not None:
            due_at, timer_id = after
            stmt = stmt.where(
                or_(Timer.due_at > due_at, and_(Timer.due_at == due_at, Timer.id > timer_id))
            )
        rows = await self._session.execute(
            stmt.order_by(Timer.due_at, Timer.id).limit(limit + len(exclude))
        )
        excluded = set(exclude)
        return [_record(r) for r in rows if r.id not in excluded][:limit]

    async def pending(self, session_id: int | None = None) -> list[TimerRecord]:
        stmt = select(*_COLUMNS).where(Timer.status == TIMER_PENDING)
        if session_id is not None:
            stmt = stmt.where(Timer.session_id == session_id)
        rows = await self._session.execute(stmt.order_by(Timer.due_at, Timer.id))
        return [_record(r) for r in rows]

    async def pending_kinds(self) -> dict[str, int]:
        """How many timers of each kind are pending."""
        rows = await self._session.execute(
            select(Timer.kind, func.count())
            .where(Timer.status == TIMER_PENDING)
            .group_by(Timer.kind)
        )
        return {kind: int(count) for kind, count in rows}

    async def record(self, outcomes: Sequence[Outcome]) -> None:
        """Apply outcomes in one statement each kind; a timer rescheduled or cancelled while its
        handler ran is left as the caller left it (it fires again at its new time)."""
        done = [o for o in outcomes if o.error is None]
        retry = [o for o in outcomes if o.error is not None and o.retry_at is not None]
        failed = [o for o in outcomes if o.error is not None and o.retry_at is None]
        unchanged = and_(
            Timer.id == bindparam("b_id"),
            Timer.due_at == bindparam("b_due_at"),
            Timer.status == TIMER_PENDING,
        )
        conn = await self._session.connection()
        if done:
            await conn.execute(
                update(_table)
                .where(unchanged)
                .values(
                    status=TIMER_DONE,
                    attempts=bindparam("b_attempts"),
                    fired_at=bindparam("b_fired_at"),
                ),
                [
                    {
                        "b_id": o.id,
                        "b_due_at": o.due_at,
                        "b_attempts": o.attempts,
                        "b_fired_at": o.fired_at,
                    }
                    for o in done
                ],
            )
        if retry:
            await conn.execute(
                update(_table)
                .where(unchanged)
                .values(
                    due_at=bindparam("b_retry_at"),
                    attempts=bindparam("b_attempts"),
                    fired_at=bindparam("b_fired_at"),
                    last_error=bindparam("b_error"),
                ),
                [
                    {
                        "b_id": o.id,
                        "b_due_at": o.due_at,
                        "b_retry_at": o.retry_at,
                        "b_attempts": o.attempts,
                        "b_fired_at": o.fired_at,
                        "b_error": o.error,
                    }
                    for o in retry
                ],
            )
        if failed:
            await conn.execute(
                update(_table)
                .where(unchanged)
                .values(
                    status=TIMER_FAILED,
                    attempts=bindparam("b_attempts"),
                    fired_at=bindparam("b_fired_at"),
                    last_error=bindparam("b_error"),
                ),
                [
                    {
                        "b_id": o.id,
                        "b_due_at": o.due_at,
                        "b_attempts": o.attempts,
                        "b_fired_at": o.fired_at,
                        "b_error": o.error,
                    }
                    for o in failed
                ],
            )
