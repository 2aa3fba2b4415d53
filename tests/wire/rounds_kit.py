"""Shared steps for the round wire tests: a class with delegations on the fake clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import discord

from bot.client import ParleyBot
from bot.clock import FakeClock
from bot.domain.transcripts import TranscriptEntry
from tests.harness import WireHarness
from tests.harness.results import InteractionResult
from tests.parley_fixtures import ParleyFactory
from tests.wire.sessions_kit import Started, click_all, control_id, join_id, start_session

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
HANOI = ["us", "dprk", "rok", "japan", "china", "russia"]


@dataclass
class Class:
    h: WireHarness
    clock: FakeClock
    started: Started

    @property
    def sid(self) -> int:
        return self.started.session_id

    @property
    def bot(self) -> ParleyBot:
        assert isinstance(self.h.bot, ParleyBot)
        return self.h.bot

    async def actors(self) -> dict[str, int]:
        """actor → the user id of its (first) member."""
        found: dict[str, int] = {}
        for p in await self.bot.sessions.participants(self.sid):
            if p.actor_id is not None:
                found.setdefault(p.actor_id, p.user_id)
        return found

    async def member_of(self, actor: str) -> Any:
        user_id = (await self.actors())[actor]
        return next(s for s in self.h.world.students if s.id == user_id)

    def said(self) -> list[str]:
        """What Parley posted in the plenary (not interaction replies), oldest first."""
        plenary = self.h.world.plenary
        return [m.content or "" for m in self.h.sent_messages(plenary, include_interactions=False)]

    def said_since(self, count: int) -> list[str]:
        return self.said()[count:]

    async def advance(self, seconds: float) -> None:
        await self.clock.advance(timedelta(seconds=seconds))
        await self.h.settle()

    async def advance_to(self, moment: datetime) -> None:
        await self.clock.advance_to(moment)
        await self.h.settle()

    async def slash(self, user: Any, command: str, **options: Any) -> InteractionResult:
        return await self.h.slash(user, command, options=options)

    async def press(self, key: str, user: Any = None) -> InteractionResult:
        """Click a round button on the facilitator's panel (opened afresh)."""
        w = self.h.world
        panel = await self.h.slash(w.facilitator, "session panel")
        return await self.h.click(user or w.facilitator, panel, control_id(self.sid, key))

    async def transcript(self) -> list[TranscriptEntry]:
        await self.bot.transcripts.flush()
        return [e async for e in self.bot.transcripts.entries(self.sid)]

    def phase_events(self) -> list[tuple[str, tuple[Any, ...]]]:
        wanted = ("parley_phase_started", "parley_phase_ended")
        return [(n, a) for n, a in self.h.events if n in wanted]


def countdown(moment: datetime) -> str:
    return discord.utils.format_dt(moment, "R")


async def class_in_session(
    make_parley: ParleyFactory,
    *,
    students: int = 6,
    clock: FakeClock | None = None,
    **options: Any,
) -> Class:
    """A Hanoi session with every student joined and a balanced random deal."""
    clock = clock or FakeClock(T0)
    h = await make_parley(students=students, clock=clock, **options)
    started = await start_session(h)
    await click_all(h, h.world.students, started.card, join_id(started.session_id))
    await h.click(h.world.facilitator, started.panel, control_id(started.session_id, "random"))
    return Class(h, clock, started)


def find(lines: list[str], text: str) -> str:
    matches = [line for line in lines if text in line]
    assert matches, f"{text!r} not in {lines}"
    return matches[0]
