"""One transaction with the repositories bound to it.

Services write `async with database.transaction() as tx: await tx.guild_config.get(...)` and never
import SQLAlchemy: the unit of work commits on success and rolls back on any exception.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cached_property

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.repositories.gradebook import GradebookRepository
from bot.db.repositories.guild_config import GuildConfigRepository
from bot.db.repositories.negotiation import NegotiationRepository
from bot.db.repositories.privacy import PrivacyRepository
from bot.db.repositories.quiz import QuizRepository
from bot.db.repositories.quiz_race import QuizRaceRepository
from bot.db.repositories.rounds import RoundRepository
from bot.db.repositories.scope import ScopeRepository
from bot.db.repositories.session_channels import SessionChannelsRepository
from bot.db.repositories.sessions import SessionRepository
from bot.db.repositories.timers import TimerRepository
from bot.db.repositories.transcripts import TranscriptRepository


class Transaction:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @cached_property
    def guild_config(self) -> GuildConfigRepository:
        return GuildConfigRepository(self.session)

    @cached_property
    def gradebook(self) -> GradebookRepository:
        return GradebookRepository(self.session)

    @cached_property
    def negotiation(self) -> NegotiationRepository:
        return NegotiationRepository(self.session)

    @cached_property
    def privacy(self) -> PrivacyRepository:
        return PrivacyRepository(self.session)

    @cached_property
    def quiz(self) -> QuizRepository:
        return QuizRepository(self.session)

    @cached_property
    def quiz_race(self) -> QuizRaceRepository:
        return QuizRaceRepository(self.session)

    @cached_property
    def rounds(self) -> RoundRepository:
        return RoundRepository(self.session)

    @cached_property
    def scope(self) -> ScopeRepository:
        return ScopeRepository(self.session)

    @cached_property
    def sessions(self) -> SessionRepository:
        return SessionRepository(self.session)

    @cached_property
    def session_channels(self) -> SessionChannelsRepository:
        return SessionChannelsRepository(self.session)

    @cached_property
    def timers(self) -> TimerRepository:
        return TimerRepository(self.session)

    @cached_property
    def transcripts(self) -> TranscriptRepository:
        return TranscriptRepository(self.session)


@asynccontextmanager
async def transaction(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[Transaction]:
    async with sessionmaker() as session, session.begin():
        yield Transaction(session)
