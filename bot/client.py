"""The Parley bot: an AutoShardedBot that owns the database, the content and the services."""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import __version__
from bot.clock import Clock, SystemClock
from bot.db.base import utcnow
from bot.db.engine import Database
from bot.domain.message_content import MessageContentProbe
from bot.services.debrief import DebriefService
from bot.services.guild_config import GuildConfigService
from bot.services.negotiation import NegotiationService
from bot.services.rounds import RoundService
from bot.services.sessions import SessionService
from bot.services.timers import TimerService
from bot.services.transcripts import TranscriptService
from bot.settings import Settings
from cogs import EXTENSIONS
from cogs.debrief.flow import DebriefFlow
from cogs.negotiation.flow import NegotiationFlow
from cogs.rounds.flow import RoundFlow
from cogs.sessions.flow import SessionFlow

if TYPE_CHECKING:
    from bot.content.models import Scenario

log = logging.getLogger(__name__)

MESSAGE_CONTENT_WARNING = (
    "Message content is NOT arriving: Discord is sending Parley empty messages, so transcripts "
    "will be empty. Turn on 'Message Content Intent' in the Discord Developer Portal "
    "(your application → Bot → Privileged Gateway Intents) and restart Parley."
)


def parley_intents() -> discord.Intents:
    """Members for rosters and roles; message content (privileged) for transcripts."""
    intents = discord.Intents.default()
    intents.members = True
    intents.message_content = True
    return intents


# Parley never joins voice; don't alarm teachers with warnings about voice libraries.
discord.VoiceClient.warn_nacl = False
discord.VoiceClient.warn_dave = False


class ParleyBot(commands.AutoShardedBot):
    def __init__(
        self,
        settings: Settings,
        database: Database,
        *,
        scenarios: Mapping[str, Scenario] | None = None,
        extensions: Iterable[str] = EXTENSIONS,
        sync_on_start: bool = True,
        clock: Clock | None = None,
    ) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=parley_intents(),
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
            owner_ids=set(settings.owner_ids),
        )
        self.settings = settings
        self.database = database
        if scenarios is None:
            from bot.content.loader import load_scenarios

            scenarios = load_scenarios()
        self.scenarios: dict[str, Scenario] = dict(scenarios)
        self.extension_names = tuple(extensions)
        self.failed_extensions: dict[str, BaseException] = {}
        self.sync_on_start = sync_on_start
        self.started_at: datetime = utcnow()
        self.message_content_probe = MessageContentProbe()
        self.guild_config = GuildConfigService(database)
        # Sessions: the service decides (and announces changes as `parley_*` events); the flow
        # shows the result in Discord. Both are here so every cog can rely on them.
        self.sessions = SessionService(database, self.scenarios, on_event=self._session_event)
        self.session_flow = SessionFlow(self)
        # Class time: tests and benchmarks pass a FakeClock.
        self.clock: Clock = clock or SystemClock()
        # One dispatcher for every timer; it fires nothing before the bot is ready.
        self.timers = TimerService(database, self.clock, ready=self.wait_until_ready)
        self.transcripts = TranscriptService(database, clock=self.clock, scenarios=self.scenarios)
        # Rounds: the service decides and stores (timers in the same transaction); the flow
        # shows each change in Discord. Every stored message carries the current phase.
        self.rounds = RoundService(
            database, self.scenarios, clock=self.clock, timers=self.timers, on_event=self._emit
        )
        self.round_flow = RoundFlow(self)
        self.transcripts.phase_provider = self.rounds.phase_label
        self.transcripts.phase_at_provider = self.rounds.phase_label_at
        # Proposals, the vote and the debrief: services decide, flows show it in Discord.
        self.negotiation = NegotiationService(
            database, self.scenarios, clock=self.clock, on_event=self._session_event
        )
        self.negotiation_flow = NegotiationFlow(self)
        self.debrief = DebriefService(
            database,
            self.scenarios,
            transcripts=self.transcripts,
            negotiation=self.negotiation,
            floor_seconds=self._floor_seconds,
        )
        self.debrief_flow = DebriefFlow(self)
        # Called synchronously with every message as it is parsed: for hot paths (the
        # transcript's capture) that should not cost a listener task per message.
        self.message_observers: list[Callable[[discord.Message], None]] = []
        self._command_tasks: set[asyncio.Task[None]] = set()

    def _session_event(self, event: str, session_id: int) -> None:
        # Looked up at call time, so whatever wraps `dispatch` later sees these events too.
        self.dispatch(event, session_id)

    def _emit(self, event: str, *args: object) -> None:
        self.dispatch(event, *args)

    def _floor_seconds(self, session_id: int) -> Any:
        """Seconds of floor per student, from the rounds engine when one is loaded."""
        rounds = getattr(self, "rounds", None)
        return None if rounds is None else rounds.floor_seconds(session_id)

    @property
    def version(self) -> str:
        return __version__

    async def setup_hook(self) -> None:
        for name in self.extension_names:
            try:
                await self.load_extension(name)
            except Exception as exc:
                # One broken feature must not take the whole class offline.
                log.exception("Extension %s failed to load; the others carry on", name)
                self.failed_extensions[name] = exc
        # After the extensions, so their timer handlers are registered before anything fires.
        self.timers.start()
        self.transcripts.start()
        if self.sync_on_start and self.settings.dev_guild_id is not None:
            synced = await self.sync_commands(discord.Object(self.settings.dev_guild_id))
            log.info(
                "Synced %d commands to development server %s",
                len(synced),
                self.settings.dev_guild_id,
            )

    async def close(self) -> None:
        """Stop firing timers, commit the buffered transcript, then disconnect."""
        try:
            await self.timers.stop()
        finally:
            try:
                await self.transcripts.stop()
            finally:
                await super().close()

    async def sync_commands(
        self, guild: discord.abc.Snowflake | None
    ) -> list[app_commands.AppCommand]:
        """Push the slash commands to one server (instant) or globally (up to an hour)."""
        if guild is not None:
            self.tree.copy_global_to(guild=guild)
        return await self.tree.sync(guild=guild)

    async def on_ready(self) -> None:
        log.info(
            "Parley %s connected as %s to %d servers (%d shards)",
            self.version,
            self.user,
            len(self.guilds),
            self.shard_count or 1,
        )
        if not self.intents.message_content:
            log.warning(MESSAGE_CONTENT_WARNING)

    @property
    def on_message(self) -> Any:
        """Absent on purpose: discord.py starts a task for every event handler it finds, once per
        message; Parley handles messages synchronously in `dispatch` instead."""
        raise AttributeError("on_message")

    def dispatch(self, event_name: str, /, *args: Any, **kwargs: Any) -> None:
        if event_name == "message":
            self._message_arrived(args[0])
        super().dispatch(event_name, *args, **kwargs)

    def _message_arrived(self, message: discord.Message) -> None:
        """Every message the bot sees, handled synchronously as it is parsed: Parley defines no
        `on_message`, so a class's chatter costs no task per message (`parley bench ingest`)."""
        for observe in self.message_observers:
            try:
                observe(message)
            except Exception:
                log.exception("Message observer %r failed", observe)
        if message.author.bot:
            return
        if message.guild is not None and self.user is not None:
            due = self.message_content_probe.observe(
                has_text=bool(message.content),
                has_other_payload=bool(message.attachments or message.embeds or message.stickers),
                mentions_bot=self.user in message.mentions,
            )
            if due:
                log.warning(MESSAGE_CONTENT_WARNING)
        if self.command_prefix is not commands.when_mentioned or message.content.startswith("<@"):
            # Could be a text command: what `commands.Bot.on_message` would do, in a task.
            task = asyncio.create_task(self._process_commands(message), name="parley: text command")
            self._command_tasks.add(task)
            task.add_done_callback(self._command_tasks.discard)

    async def _process_commands(self, message: discord.Message) -> None:
        try:
            await self.process_commands(message)
        except Exception:
            log.exception("Processing message %s as a command failed", message.id)

    @property
    def latency_ms(self) -> float | None:
        latency = self.latency
        if math.isnan(latency) or math.isinf(latency):
            return None
        return latency * 1000
