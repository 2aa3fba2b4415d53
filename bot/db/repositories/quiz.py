"""Solo quizzes: Leitner cards, runs, attempts, imported banks, and the student's seat in a
live session (for the readiness check)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models.quiz import QuizAttempt, QuizBank, QuizBankItem, QuizCard, QuizRun
from bot.db.models.sessions import ClassSession, Participant, SessionChannel

__all__ = ["DuplicateAttempt", "QuizRepository", "SessionSeat"]

ENDED_SESSION_STATES = ("ended", "closed", "cancelled", "finished", "archived")


class DuplicateAttempt(Exception):
    """This question of this run was already answered (the unique constraint said so)."""


@dataclass(frozen=True, slots=True)
class SessionSeat:
    """A student's place in the live session of a channel (`joined` False: not in it)."""

    session_id: int
    scenario_id: str
    joined: bool
    actor_id: str | None


class QuizRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    # --- cards ----------------------------------------------------------------------------

    async def cards(self, user_id: int, bank: str | None = None) -> list[QuizCard]:
        query = select(QuizCard).where(QuizCard.user_id == user_id)
        if bank is not None:
            query = query.where(QuizCard.bank == bank)
        return list((await self._session.scalars(query.order_by(QuizCard.id))).all())

    async def card(self, user_id: int, bank: str, item_id: str) -> QuizCard | None:
        return await self._session.scalar(
            select(QuizCard).where(
                QuizCard.user_id == user_id, QuizCard.bank == bank, QuizCard.item_id == item_id
            )
        )

    async def save_card(
        self,
        user_id: int,
        bank: str,
        item_id: str,
        *,
        box: int,
        due_at: datetime,
        last_reviewed_at: datetime,
        reviews: int,
        lapses: int,
    ) -> None:
        card = await self.card(user_id, bank, item_id)
        if card is None:
            card = QuizCard(user_id=user_id, bank=bank, item_id=item_id)
            self._session.add(card)
        card.box = box
        card.due_at = due_at
        card.last_reviewed_at = last_reviewed_at
        card.reviews = reviews
        card.lapses = lapses
        await self._session.flush()

    async def due_cards(self, user_id: int, now: datetime, limit: int) -> list[QuizCard]:
        """Due cards, most overdue first (then the lower box)."""
        query = (
            select(QuizCard)
            .where(QuizCard.user_id == user_id, QuizCard.due_at <= now)
            .order_by(QuizCard.due_at, QuizCard.box, QuizCard.id)
            .limit(limit)
        )
        return list((await self._session.scalars(query)).all())

    async def next_due(self, user_id: int, after: datetime) -> datetime | None:
        """When the student's next card falls due after `after` (None: no such card)."""
        return await self._session.scalar(
            select(QuizCard.due_at)
            .where(QuizCard.user_id == user_id, QuizCard.due_at > after)
            .order_by(QuizCard.due_at)
            .limit(1)
        )

    # --- attempts -------------------------------------------------------------------------

    async def add_attempt(self, **values: Any) -> QuizAttempt:
        """Store an answer; `DuplicateAttempt` if this run's question already has one."""
        attempt = QuizAttempt(**values)
        self._session.add(attempt)
        try:
            await self._session.flush()
        except IntegrityError as exc:
            raise DuplicateAttempt from exc
        return attempt

    async def attempt_at(self, run_id: int, position: int) -> QuizAttempt | None:
        return await self._session.scalar(
            select(QuizAttempt).where(
                QuizAttempt.run_id == run_id, QuizAttempt.position == position
            )
        )

    async def correct_in_run(self, run_id: int) -> int:
        """Right answers so far (counted from the attempts, so it never disagrees with them)."""
        found = await self._session.scalar(
            select(func.count(QuizAttempt.id)).where(
                QuizAttempt.run_id == run_id, QuizAttempt.correct.is_(True)
            )
        )
        return int(found or 0)

    async def run_attempts(self, run_id: int) -> list[QuizAttempt]:
        query = (
            select(QuizAttempt).where(QuizAttempt.run_id == run_id).order_by(QuizAttempt.position)
        )
        return list((await self._session.scalars(query)).all())

    async def tally(self, user_id: int, bank: str | None = None) -> dict[str, tuple[int, int]]:
        """Item key -> (attempts, correct attempts)."""
        correct = func.sum(case((QuizAttempt.correct, 1), else_=0))
        query = select(
            QuizAttempt.bank, QuizAttempt.item_id, func.count(QuizAttempt.id), correct
        ).where(QuizAttempt.user_id == user_id)
        if bank is not None:
            query = query.where(QuizAttempt.bank == bank)
        query = query.group_by(QuizAttempt.bank, QuizAttempt.item_id)
        rows = (await self._session.execute(query)).all()
        return {f"{b}/{i}": (int(n), int(c or 0)) for b, i, n, c in rows}

    # --- runs -----------------------------------------------------------------------------

    async def create_run(
        self,
        *,
        user_id: int,
        guild_id: int | None,
        kind: str,
        label: str,
        items: Sequence[str],
        now: datetime,
    ) -> QuizRun:
        """A new active run; the student's other active runs are marked "replaced"."""
        await self._session.execute(
            update(QuizRun)
            .where(QuizRun.user_id == user_id, QuizRun.status == "active")
            .values(status="replaced")
        )
        run = QuizRun(
            user_id=user_id,
            guild_id=guild_id,
            kind=kind,
            label=label,
            items=list(items),
            position=0,
            status="active",
            last_activity_at=now,
        )
        self._session.add(run)
        await self._session.flush()
        return run

    async def run(self, run_id: int) -> QuizRun | None:
        return await self._session.get(QuizRun, run_id, populate_existing=True)

    async def active_run(self, user_id: int) -> QuizRun | None:
        return await self._session.scalar(
            select(QuizRun)
            .where(QuizRun.user_id == user_id, QuizRun.status == "active")
            .order_by(QuizRun.id.desc())
            .limit(1)
        )

    async def touch(self, run_id: int, now: datetime) -> None:
        await self._session.execute(
            update(QuizRun).where(QuizRun.id == run_id).values(last_activity_at=now)
        )

    async def advance(self, run_id: int, from_position: int, total: int, now: datetime) -> bool:
        """Move past `from_position` if still there (a double click moves once)."""
        done = from_position + 1 >= total
        result = await self._session.execute(
            update(QuizRun)
            .where(
                QuizRun.id == run_id,
                QuizRun.position == from_position,
                QuizRun.status == "active",
            )
            .values(
                position=min(from_position + 1, total),
                status="finished" if done else "active",
                last_activity_at=now,
            )
        )
        return bool(getattr(result, "rowcount", 0))

    async def end_run(self, run_id: int, status: str) -> bool:
        result = await self._session.execute(
            update(QuizRun)
            .where(QuizRun.id == run_id, QuizRun.status == "active")
            .values(status=status)
        )
        return bool(getattr(result, "rowcount", 0))

    # --- imported banks -------------------------------------------------------------------

    async def bank(self, name: str) -> QuizBank | None:
        return await self._session.scalar(select(QuizBank).where(QuizBank.name == name))

    async def bank_names(self, contains: str = "", limit: int = 25) -> list[str]:
        query = select(QuizBank.name).order_by(QuizBank.name).limit(limit)
        if contains:
            query = query.where(QuizBank.name.contains(contains.casefold(), autoescape=True))
        return list((await self._session.scalars(query)).all())

    async def bank_items(self, bank_id: int) -> list[QuizBankItem]:
        query = (
            select(QuizBankItem)
            .where(QuizBankItem.bank_id == bank_id)
            .order_by(QuizBankItem.position)
        )
        return list((await self._session.scalars(query)).all())

    async def replace_bank(
        self,
        *,
        name: str,
        source_format: str,
        source_file: str,
        author: str | None,
        config: dict[str, Any],
        items: Iterable[tuple[str, str, list[str]]],
    ) -> tuple[QuizBank, bool]:
        """Create or overwrite a bank with `(item_id, question, answers)` rows; True if new."""
        bank = await self.bank(name)
        created = bank is None
        if bank is None:
            bank = QuizBank(name=name)
            self._session.add(bank)
        bank.source_format = source_format
        bank.source_file = source_file
        bank.author = author
        bank.config = dict(config)
        await self._session.flush()
        await self._session.execute(delete(QuizBankItem).where(QuizBankItem.bank_id == bank.id))
        self._session.add_all(
            QuizBankItem(
                bank_id=bank.id, item_id=item_id, position=i, question=text, answers=answers
            )
            for i, (item_id, text, answers) in enumerate(items)
        )
        await self._session.flush()
        return bank, created

    # --- sessions (read-only; the sessions feature owns these tables) ---------------------

    async def seat_in_live_session(self, channel_id: int, user_id: int) -> SessionSeat | None:
        """The live session run in this channel (or one of its delegation/caucus channels)."""
        in_session_channel = select(SessionChannel.session_id).where(
            SessionChannel.channel_id == channel_id
        )
        session = await self._session.scalar(
            select(ClassSession)
            .where(
                or_(ClassSession.channel_id == channel_id, ClassSession.id.in_(in_session_channel)),
                ClassSession.ended_at.is_(None),
                ClassSession.status.not_in(ENDED_SESSION_STATES),
            )
            .order_by(ClassSession.id.desc())
            .limit(1)
        )
        if session is None:
            return None
        participant = await self._session.scalar(
            select(Participant).where(
                Participant.session_id == session.id,
                Participant.user_id == user_id,
                Participant.left_at.is_(None),
            )
        )
        return SessionSeat(
            session.id,
            session.scenario_id,
            participant is not None,
            participant.actor_id if participant else None,
        )
