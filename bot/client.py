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
from bot.composition import build_services
from bot.db.engine import Database
from bot.domain.message_content import MessageContentProbe
from bot.settings import Settings
from cogs import EXTENSIONS
from cogs.common.retry import DEFAULT_POLICY, RetryPolicy
from cogs.common.scope import Scoped
from cogs.debrief.flow import DebriefFlow
from cogs.negotiation.flow import NegotiationFlow
from cogs.quiz.race_views import DiscordRaceAnnouncer
from cogs.rounds.flow import RoundFlow
from cogs.sessions.flow import SessionFlow
from cogs.sessions.panel import PanelControls

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
    """Parley on Discord. Everything a feature needs is one attribute of the bot, built here:

    - services (from `bot.composition.build_services`): `guild_config`, `sessions`, `timers`,
      `transcripts`, `rounds`, `negotiation`, `debrief`, `quiz`, `scopes`, `privacy`,
      `retention`; and `clock`, `settings`,
      `scenarios`, `database`;
    - each feature's Discord-side orchestration: `session_flow`, `round_flow`,
      `negotiation_flow`, `debrief_flow`; the facilitator panel's `panel_controls`.

    Cogs get the bot in their constructor; buttons and modals, which discord.py rebuilds from a
    custom_id, reach the same attributes through `interaction.client`
    (`cogs.common.interactions.bot_of`). Nothing is looked up through another cog.
    """

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
        self.message_content_probe = MessageContentProbe()
        # Class time: tests and benchmarks pass a FakeClock; every service reads this one.
        self.clock: Clock = clock or SystemClock()
        self.started_at: datetime = self.clock.now()
        # How hard every post the class depends on is retried (cogs/common/retry.py); tests
        # shorten the waits.
        self.retry_policy: RetryPolicy = DEFAULT_POLICY
        # The one composition root (bot/composition.py): every service, built once, exposed here
        # as one attribute each. Buttons reach them through `interaction.client`.
        race_announcer = DiscordRaceAnnouncer(self)
        services = build_services(
            database,
            self.scenarios,
            clock=self.clock,
            emit=self._emit,
            ready=self.wait_until_ready,
            race_announcer=race_announcer,
            race_notifier=race_announcer,
            floor_seconds=self._floor_seconds,
            retention_days=settings.retention_days,
            grace_days=settings.removed_guild_grace_days,
        )
        self.guild_config = services.guild_config
        self.sessions = services.sessions
        self.timers = services.timers
        self.transcripts = services.transcripts
        self.rounds = services.rounds
        self.negotiation = services.negotiation
        self.debrief = services.debrief
        self.quiz = services.quiz
        self.scopes = services.scopes
        self.privacy = services.privacy
        self.retention = services.retention
        # The Discord side of each feature: services decide, these show it in Discord. Built
        # here so one feature's orchestration can be handed to another's (the debrief posts
        # through the negotiation's), never looked up through a cog.
        self.panel_controls = PanelControls()
        self.session_flow = SessionFlow(self)
        self.round_flow = RoundFlow(self)
        self.negotiation_flow = NegotiationFlow(self)
        self.debrief_flow = DebriefFlow(self)
        # Called synchronously with every message as it is parsed: for hot paths (the
        # transcript's capture) that should not cost a listener task per message.
        self.message_observers: list[Callable[[discord.Message], None]] = []
        self._command_tasks: set[asyncio.Task[None]] = set()

    def _emit(self, event: str, *args: object) -> None:
        # Looked up at call time, so whatever wraps `dispatch` later sees these events too.
        self.dispatch(event, *args)

    def _floor_seconds(self, session_id: int) -> Any:
        """Seconds of floor per student, from the rounds engine the bot holds when asked."""
        return self.rounds.floor_seconds(session_id)

    def add_dynamic_items(self, *items: type[discord.ui.DynamicItem[Any]]) -> None:
        """Register buttons and menus; each must be `cogs.common.scope.Scoped`, the guard that
        checks the object a click names belongs to this server and channel."""
        unscoped = [item.__name__ for item in items if not issubclass(item, Scoped)]
        if unscoped:
            raise TypeError(
                f"{', '.join(unscoped)}: every Parley button and menu must subclass "
                "cogs.common.scope.Scoped (it checks the server and channel of each click)"
            )
        super().add_dynamic_items(*items)

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
