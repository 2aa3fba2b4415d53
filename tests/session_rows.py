"""Minimal session rows for transcript and timer tests.

Session creation belongs to the sessions feature; these helpers only insert the rows the
transcripts and timers need (class_sessions, participants), through the ORM models.
"""

from __future__ import annotations

from bot.db.engine import Database
from bot.db.models import ClassSession, Participant


async def make_session(
    database: Database,
    *,
    guild_id: int = 1,
    channel_id: int = 100,
    scenario_id: str = "hanoi-2019",
    status: str = "running",
    created_by: int = 7,
) -> int:
    async with database.transaction() as tx:
        row = ClassSession(
            guild_id=guild_id,
            channel_id=channel_id,
            scenario_id=scenario_id,
            status=status,
            created_by=created_by,
        )
        tx.session.add(row)
        await tx.session.flush()
        return row.id


async def add_participant(
    database: Database,
    session_id: int,
    user_id: int,
    *,
    actor_id: str | None = None,
    display_name: str = "student",
) -> None:
    async with database.transaction() as tx:
        tx.session.add(
            Participant(
                session_id=session_id,
                user_id=user_id,
                display_name=display_name,
                actor_id=actor_id,
            )
        )


async def end_session(database: Database, session_id: int) -> None:
    async with database.transaction() as tx:
        row = await tx.session.get(ClassSession, session_id)
        assert row is not None
        row.status = "ended"
