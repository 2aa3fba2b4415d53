"""What the gradebook reads from other features' tables: quiz work on a scenario's questions.

Which attempts count (a teaching decision, documented in the README): a student's answers to
the scenario's own quiz items, given in the session's server or privately (in DMs, where
``guild_id`` is NULL), at any time up to the export. Practice before class is preparation and
review after it is follow-up; both belong to the same unit. Answers given in another server are
another class's business and are left out. Class races count too (their answers are stored
apart from solo attempts).
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models.quiz import QuizAttempt, QuizRace, QuizRaceAnswer


class GradebookRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def quiz_totals(
        self, user_ids: Collection[int], bank: str, guild_id: int
    ) -> dict[int, tuple[int, int]]:
        """User id -> (answers, right answers) on ``bank`` (see the module docstring)."""
        if not user_ids:
            return {}
        ids = list(user_ids)
        totals: dict[int, tuple[int, int]] = {}
        right = func.sum(case((QuizAttempt.correct, 1), else_=0))
        solo = (
            select(QuizAttempt.user_id, func.count(QuizAttempt.id), right)
            .where(
                QuizAttempt.user_id.in_(ids),
                QuizAttempt.bank == bank,
                or_(QuizAttempt.guild_id == guild_id, QuizAttempt.guild_id.is_(None)),
            )
            .group_by(QuizAttempt.user_id)
        )
        for user_id, answered, correct in (await self._session.execute(solo)).all():
            totals[int(user_id)] = (int(answered), int(correct or 0))

        races = (
            await self._session.execute(
                select(QuizRace.id, QuizRace.items).where(QuizRace.guild_id == guild_id)
            )
        ).all()
        in_bank = {
            race_id: {i for i, key in enumerate(items or []) if key.rpartition("/")[0] == bank}
            for race_id, items in races
        }
        in_bank = {race_id: positions for race_id, positions in in_bank.items() if positions}
        if in_bank:
            answers = select(
                QuizRaceAnswer.race_id,
                QuizRaceAnswer.position,
                QuizRaceAnswer.user_id,
                QuizRaceAnswer.correct,
            ).where(QuizRaceAnswer.race_id.in_(list(in_bank)), QuizRaceAnswer.user_id.in_(ids))
            for race_id, position, user_id, correct in (await self._session.execute(answers)).all():
                if position not in in_bank[race_id]:
                    continue
                answered, right_so_far = totals.get(int(user_id), (0, 0))
                totals[int(user_id)] = (answered + 1, right_so_far + int(bool(correct)))
        return totals
