"""Class races and the all-time leaderboard.

Every state change is a conditional UPDATE (compare-and-set on `position`/`state`), so two
processes, a restarted bot or a double click can never close a question twice or award its
points twice. Answers test `accepting` in the same way, and the leaderboard only ever changes by
`points = points + n` upserts: correct under concurrency on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models.quiz import QuizLeaderboard, QuizRace, QuizRaceAnswer

__all__ = [
    "DuplicateRaceAnswer",
    "LeaderboardDelta",
    "QuizRaceRepository",
    "RaceAlreadyRunning",
    "RaceTotals",
]


class DuplicateRaceAnswer(Exception):
    """This student already answered this question (the unique constraint said so)."""


class RaceAlreadyRunning(Exception):
    """This channel has an unfinished race (the unique index said so)."""


@dataclass(frozen=True, slots=True)
class LeaderboardDelta:
    """What to add to one student's all-time row."""

    user_id: int
    points: int = 0
    correct: int = 0
    answered: int = 0
    races: int = 0


@dataclass(frozen=True, slots=True)
class RaceTotals:
    user_id: int
    points: int
    correct: int
    answered: int


def _rowcount(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


class QuizRaceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def create(self, **values: Any) -> QuizRace:
        """A new race; raises RaceAlreadyRunning if its channel has an unfinished one, even one
        started a moment ago by another transaction."""
        race = QuizRace(**values)
        self._session.add(race)
        try:
            await self._session.flush()
        except IntegrityError as exc:
            raise RaceAlreadyRunning from exc
        return race

    async def get(self, race_id: int) -> QuizRace | None:
        return await self._session.get(QuizRace, race_id, populate_existing=True)

    async def running_in_channel(self, channel_id: int) -> QuizRace | None:
        return await self._session.scalar(
            select(QuizRace)
            .where(QuizRace.channel_id == channel_id, QuizRace.state != "finished")
            .order_by(QuizRace.id.desc())
            .limit(1)
        )

    async def unfinished(self) -> list[QuizRace]:
        query = select(QuizRace).where(QuizRace.state != "finished").order_by(QuizRace.id)
        return list((await self._session.scalars(query)).all())

    # --- the question cycle: asking -> closed -> shown -> asking (next) ... -> finished ------

    async def open_next(self, race_id: int, from_position: int, deadline: datetime) -> bool:
        result = await self._session.execute(
            update(QuizRace)
            .where(
                QuizRace.id == race_id,
                QuizRace.position == from_position,
                QuizRace.state == "shown",
            )
            .values(
                position=from_position + 1,
                state="asking",
                accepting=True,
                deadline=deadline,
                question_message_id=None,
                answer_count=0,
            )
        )
        return _rowcount(result) == 1

    async def set_question_message(self, race_id: int, position: int, message_id: int) -> None:
        await self._session.execute(
            update(QuizRace)
            .where(QuizRace.id == race_id, QuizRace.position == position)
            .values(question_message_id=message_id)
        )

    async def take_answer_slot(self, race_id: int, position: int) -> bool:
        """Count one answer if the question is still open; False if it closed meanwhile.

        Writing first takes the race row's lock (PostgreSQL) or the write lock (SQLite), so the
        closing UPDATE waits for answers in flight and sees every one of them."""
        result = await self._session.execute(
            update(QuizRace)
            .where(
                QuizRace.id == race_id,
                QuizRace.position == position,
                QuizRace.state == "asking",
                QuizRace.accepting.is_(True),
            )
            .values(answer_count=QuizRace.answer_count + 1)
        )
        return _rowcount(result) == 1

    async def add_answer(self, **values: Any) -> QuizRaceAnswer:
        answer = QuizRaceAnswer(**values)
        self._session.add(answer)
        try:
            await self._session.flush()
        except IntegrityError as exc:
            raise DuplicateRaceAnswer from exc
        return answer

    async def close(self, race_id: int, position: int) -> bool:
        result = await self._session.execute(
            update(QuizRace)
            .where(
                QuizRace.id == race_id,
                QuizRace.position == position,
                QuizRace.state == "asking",
            )
            .values(state="closed", accepting=False)
        )
        return _rowcount(result) == 1

    async def mark_shown(self, race_id: int, position: int) -> bool:
        result = await self._session.execute(
            update(QuizRace)
            .where(
                QuizRace.id == race_id,
                QuizRace.position == position,
                QuizRace.state == "closed",
            )
            .values(state="shown")
        )
        return _rowcount(result) == 1

    async def finish(self, race_id: int, now: datetime) -> bool:
        result = await self._session.execute(
            update(QuizRace)
            .where(QuizRace.id == race_id, QuizRace.state != "finished")
            .values(state="finished", accepting=False, finished_at=now)
        )
        return _rowcount(result) == 1

    async def request_stop(self, race_id: int) -> bool:
        result = await self._session.execute(
            update(QuizRace)
            .where(QuizRace.id == race_id, QuizRace.state != "finished")
            .values(stop_requested=True)
        )
        return _rowcount(result) == 1

    # --- answers --------------------------------------------------------------------------

    async def answers(self, race_id: int, position: int) -> list[QuizRaceAnswer]:
        query = (
            select(QuizRaceAnswer)
            .where(QuizRaceAnswer.race_id == race_id, QuizRaceAnswer.position == position)
            .order_by(QuizRaceAnswer.answered_at, QuizRaceAnswer.id)
        )
        return list((await self._session.scalars(query)).all())

    async def has_correct(self, race_id: int, position: int) -> bool:
        found = await self._session.scalar(
            select(QuizRaceAnswer.id)
            .where(
                QuizRaceAnswer.race_id == race_id,
                QuizRaceAnswer.position == position,
                QuizRaceAnswer.correct.is_(True),
            )
            .limit(1)
        )
        return found is not None

    async def set_points(self, points: Mapping[int, int]) -> None:
        for answer_id, value in points.items():
            await self._session.execute(
                update(QuizRaceAnswer).where(QuizRaceAnswer.id == answer_id).values(points=value)
            )

    async def totals(self, race_id: int) -> list[RaceTotals]:
        correct = func.sum(case((QuizRaceAnswer.correct, 1), else_=0))
        query = (
            select(
                QuizRaceAnswer.user_id,
                func.sum(QuizRaceAnswer.points),
                correct,
                func.count(QuizRaceAnswer.id),
            )
            .where(QuizRaceAnswer.race_id == race_id)
            .group_by(QuizRaceAnswer.user_id)
        )
        rows = (await self._session.execute(query)).all()
        return [RaceTotals(int(u), int(p or 0), int(c or 0), int(n)) for u, p, c, n in rows]

    # --- the all-time leaderboard ---------------------------------------------------------

    async def add_to_leaderboard(
        self, guild_id: int, deltas: Sequence[LeaderboardDelta], now: datetime
    ) -> None:
        """Upsert `column = column + delta` for each student, in one statement."""
        if not deltas:
            return
        dialect = self._session.sync_session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        stmt = insert(QuizLeaderboard).values(
            [
                {
                    "guild_id": guild_id,
                    "user_id": d.user_id,
                    "points": d.points,
                    "correct": d.correct,
                    "answered": d.answered,
                    "races": d.races,
                    "updated_at": now,
                }
                for d in _merged(deltas)
            ]
        )
        excluded = stmt.excluded
        stmt = stmt.on_conflict_do_update(
            index_elements=[QuizLeaderboard.guild_id, QuizLeaderboard.user_id],
            set_={
                "points": QuizLeaderboard.points + excluded.points,
                "correct": QuizLeaderboard.correct + excluded.correct,
                "answered": QuizLeaderboard.answered + excluded.answered,
                "races": QuizLeaderboard.races + excluded.races,
                "updated_at": excluded.updated_at,
            },
        )
        await self._session.execute(stmt)

    async def leaderboard(self, guild_id: int) -> list[QuizLeaderboard]:
        query = (
            select(QuizLeaderboard)
            .where(QuizLeaderboard.guild_id == guild_id)
            .execution_options(populate_existing=True)
        )
        return list((await self._session.scalars(query)).all())


def _merged(deltas: Iterable[LeaderboardDelta]) -> list[LeaderboardDelta]:
    """One row per student (an upsert may not touch the same row twice in one statement)."""
    merged: dict[int, LeaderboardDelta] = {}
    for d in deltas:
        old = merged.get(d.user_id)
        if old is not None:
            d = LeaderboardDelta(
                d.user_id,
                old.points + d.points,
                old.correct + d.correct,
                old.answered + d.answered,
                old.races + d.races,
            )
        merged[d.user_id] = d
    return sorted(merged.values(), key=lambda d: d.user_id)
