"""The composition root: every service Parley runs on is built here, once, and handed out.

`ParleyBot` calls `build_services` in its constructor and exposes each service as one attribute
(`bot.sessions`, `bot.rounds`, `bot.quiz` …, listed in `Services`). Features receive the bot in
their cogs' constructors; buttons, which discord.py builds from a custom_id, reach the same
services through `interaction.client` (see `cogs.common.interactions.bot_of`). Nothing builds a
service anywhere else in the running bot, and nothing looks one up through another cog.

This module imports no discord: what a service needs from Discord (the bot's readiness, event
dispatch, posting a race's messages) comes in as plain callables or a protocol.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.clock import Clock
from bot.content.models import Scenario
from bot.db.engine import Database
from bot.services.debrief import DebriefService, FloorSource
from bot.services.guild_config import GuildConfigService
from bot.services.negotiation import NegotiationService
from bot.services.privacy import PrivacyService
from bot.services.quiz import QuizServices, build_quiz_services
from bot.services.quiz_race import RaceAnnouncer, RaceNotifier
from bot.services.retention import RetentionService
from bot.services.rounds import RoundService
from bot.services.scope import ScopeService
from bot.services.sessions import SessionService
from bot.services.timers import TimerService
from bot.services.transcripts import TranscriptService

__all__ = ["Services", "build_services"]

Emit = Callable[..., None]
"""`emit(event_name, *args)`: how services announce `parley_*` events (the bot's `dispatch`)."""


@dataclass(frozen=True, slots=True)
class Services:
    """Every service of one running bot; each shares the one database and the one clock."""

    guild_config: GuildConfigService
    sessions: SessionService
    timers: TimerService
    transcripts: TranscriptService
    rounds: RoundService
    negotiation: NegotiationService
    debrief: DebriefService
    quiz: QuizServices
    scopes: ScopeService
    privacy: PrivacyService
    retention: RetentionService


def build_services(
    database: Database,
    scenarios: Mapping[str, Scenario],
    *,
    clock: Clock,
    emit: Emit,
    ready: Callable[[], Awaitable[Any]],
    race_announcer: RaceAnnouncer,
    floor_seconds: FloorSource | None = None,
    race_notifier: RaceNotifier | None = None,
    retention_days: int = 365,
    grace_days: int = 30,
) -> Services:
    """Build and wire every service. `ready` gates the timer dispatcher (nothing fires before the
    bot is connected); `race_announcer` posts a quiz race's messages; `floor_seconds` is where the
    debrief reads floor time (default: these rounds; the bot passes a lookup of whichever rounds
    engine it holds when asked)."""
    guild_config = GuildConfigService(database)
    # Sessions decide, and announce changes as `parley_*` events.
    sessions = SessionService(database, scenarios, on_event=emit, clock=clock)
    # One dispatcher for every timer.
    timers = TimerService(database, clock, ready=ready)
    transcripts = TranscriptService(database, clock=clock, scenarios=scenarios)
    # Rounds store their timers in the same transaction as the change that set them.
    rounds = RoundService(database, scenarios, clock=clock, timers=timers, on_event=emit)
    # Every stored message carries the phase it was posted in.
    transcripts.phase_provider = rounds.phase_label
    transcripts.phase_at_provider = rounds.phase_label_at
    negotiation = NegotiationService(database, scenarios, clock=clock, on_event=emit)
    debrief = DebriefService(
        database,
        scenarios,
        transcripts=transcripts,
        negotiation=negotiation,
        floor_seconds=floor_seconds or rounds.floor_seconds,
    )
    quiz = build_quiz_services(database, scenarios, race_announcer, clock, race_notifier)
    # Data rights and retention: buffered transcript messages are flushed before any erasure.
    privacy = PrivacyService(database, clock, flush=transcripts.flush)
    retention = RetentionService(
        privacy, timers, retention_days=retention_days, grace_days=grace_days
    )
    retention.register()
    return Services(
        guild_config=guild_config,
        sessions=sessions,
        timers=timers,
        transcripts=transcripts,
        rounds=rounds,
        negotiation=negotiation,
        debrief=debrief,
        quiz=quiz,
        scopes=ScopeService(database),
        privacy=privacy,
        retention=retention,
    )
