"""`/round …` (facilitators) and `/phase` (everyone): the timed round. Thin: parse, check, and
hand over to the round flow (`cogs/rounds/flow.py`), which acts through `bot.rounds` and shows
the class the result. The facilitator panel's Start / Pause / Resume / +1 min / Next are registered
here (`cogs/rounds/panel_controls.py`).
"""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import ParleyBot
from bot.domain.durations import parse_duration
from bot.domain.round_plan import KIND_LABELS
from bot.domain.round_state import parse_warning_marks
from cogs.common.checks import facilitator_only, guild_only
from cogs.rounds import views as round_views
from cogs.rounds.panel_controls import round_panel_controls

KIND_CHOICES = [app_commands.Choice(name=label, value=kind) for kind, label in KIND_LABELS.items()]
Position = app_commands.Range[int, 1, 20]
DurationText = app_commands.Range[str, 1, 40]

log = logging.getLogger(__name__)


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Rounds(commands.GroupCog, group_name="round", group_description="Run the timed round"):
    plan = app_commands.Group(name="plan", description="See and change the round plan")

    def __init__(self, bot: ParleyBot) -> None:
        self.bot = bot
        self.flow = bot.round_flow
        self.service = bot.rounds
        self._controls = round_panel_controls(self.flow)
        super().__init__()

    async def cog_load(self) -> None:
        # Before any message is recorded (backfill runs at READY), so it carries its phase.
        try:
            await self.service.load()
        except Exception:
            log.exception("Could not load the rounds in progress; retrying when connected")
        self.flow.timer_handlers.register()
        self.bot.add_dynamic_items(*round_views.DYNAMIC_ITEMS)
        self.bot.message_observers.append(self.flow.speaker_credit.observe)
        for control in self._controls:
            self.bot.panel_controls.add(control)

    async def cog_unload(self) -> None:
        self.flow.timer_handlers.unregister()
        self.bot.remove_dynamic_items(*round_views.DYNAMIC_ITEMS)
        if self.flow.speaker_credit.observe in self.bot.message_observers:
            self.bot.message_observers.remove(self.flow.speaker_credit.observe)
        for control in self._controls:
            self.bot.panel_controls.remove(control.key)

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        await self.service.load()

    @commands.Cog.listener()
    async def on_parley_session_ended(self, session_id: int) -> None:
        await self.flow.session_ended(session_id)

    # --- running the round -------------------------------------------------------------------

    @app_commands.command(name="start", description="Start the round: phase 1 begins now")
    @guild_only()
    @facilitator_only("run the round")
    async def start(self, interaction: discord.Interaction[ParleyBot]) -> None:
        await self.flow.command(interaction, self.service.start)

    @app_commands.command(name="next", description="End this phase now and start the next")
    @guild_only()
    @facilitator_only("run the round")
    async def next(self, interaction: discord.Interaction[ParleyBot]) -> None:
        await self.flow.command(interaction, self.service.next)

    @app_commands.command(name="pause", description="Stop the countdown (and the speaker's)")
    @guild_only()
    @facilitator_only("run the round")
    async def pause(self, interaction: discord.Interaction[ParleyBot]) -> None:
        await self.flow.command(interaction, self.service.pause)

    @app_commands.command(name="resume", description="Run the countdown again")
    @guild_only()
    @facilitator_only("run the round")
    async def resume(self, interaction: discord.Interaction[ParleyBot]) -> None:
        await self.flow.command(interaction, self.service.resume)

    @app_commands.command(name="extend", description="More time for this phase")
    @app_commands.describe(duration="How much more: 30s, 2m, 1m30s (a plain number is minutes)")
    @guild_only()
    @facilitator_only("run the round")
    async def extend(
        self, interaction: discord.Interaction[ParleyBot], duration: DurationText
    ) -> None:
        seconds = parse_duration(duration)
        await self.flow.command(interaction, lambda sid: self.service.extend(sid, seconds))

    @app_commands.command(name="skip", description="Skip the rest of this phase")
    @guild_only()
    @facilitator_only("run the round")
    async def skip(self, interaction: discord.Interaction[ParleyBot]) -> None:
        await self.flow.command(interaction, self.service.skip)

    @app_commands.command(name="end", description="End the round now (the session goes on)")
    @guild_only()
    @facilitator_only("run the round")
    async def end(self, interaction: discord.Interaction[ParleyBot]) -> None:
        await self.flow.command(interaction, self.service.end)

    @app_commands.command(name="settings", description="Auto-advance, warnings, plenary lock …")
    @app_commands.describe(
        auto_advance="Start the next phase by itself at zero (off: wait for you)",
        warnings="When to warn before the end, e.g. 2m, 1m, 30s — or off",
        lock_plenary="Make the plenary read-only while waiting for you between phases",
        open_caucuses="Open the suggested caucus threads when a caucus phase starts",
        next_speaker="Give the floor to the next raised hand by itself",
        period="Your class period, to check the plan against (e.g. 50m)",
    )
    @guild_only()
    @facilitator_only("change the round's settings")
    async def settings(
        self,
        interaction: discord.Interaction[ParleyBot],
        auto_advance: bool | None = None,
        warnings: DurationText | None = None,
        lock_plenary: bool | None = None,
        open_caucuses: bool | None = None,
        next_speaker: bool | None = None,
        period: DurationText | None = None,
    ) -> None:
        changes: dict[str, object] = {}
        for name, value in (
            ("auto_advance", auto_advance),
            ("lock_between", lock_plenary),
            ("auto_caucus", open_caucuses),
            ("floor_auto_next", next_speaker),
        ):
            if value is not None:
                changes[name] = value
        if warnings is not None:
            changes["warning_marks"] = list(parse_warning_marks(warnings))
        if period is not None:
            changes["period_seconds"] = parse_duration(period)
        await self.flow.command(
            interaction,
            lambda sid: self.service.configure(sid, **changes),
            confirm=lambda u: round_views.settings_text(u.round),
        )

    # --- the plan ----------------------------------------------------------------------------

    @plan.command(name="show", description="The plan: phases, durations, total, warnings")
    @guild_only()
    @facilitator_only("see the round plan")
    async def plan_show(self, interaction: discord.Interaction[ParleyBot]) -> None:
        await self.flow.plan(interaction)

    @plan.command(name="add", description="Add a phase")
    @app_commands.describe(
        kind="What kind of phase",
        duration="How long: 90s, 5m, 1h30m",
        position="Where (default: last)",
    )
    @app_commands.choices(kind=KIND_CHOICES)
    @guild_only()
    @facilitator_only("change the round plan")
    async def plan_add(
        self,
        interaction: discord.Interaction[ParleyBot],
        kind: app_commands.Choice[str],
        duration: DurationText,
        position: Position | None = None,
    ) -> None:
        seconds = parse_duration(duration)
        await self.flow.plan(interaction, lambda r: r.add_phase(kind.value, seconds, position))

    @plan.command(name="remove", description="Remove a phase")
    @guild_only()
    @facilitator_only("change the round plan")
    async def plan_remove(
        self, interaction: discord.Interaction[ParleyBot], position: Position
    ) -> None:
        await self.flow.plan(interaction, lambda r: r.remove_phase(position))

    @plan.command(name="move", description="Move a phase to another position")
    @guild_only()
    @facilitator_only("change the round plan")
    async def plan_move(
        self, interaction: discord.Interaction[ParleyBot], position: Position, to: Position
    ) -> None:
        await self.flow.plan(interaction, lambda r: r.move_phase(position, to))

    @plan.command(name="duration", description="Set how long a phase lasts")
    @app_commands.describe(duration="90s, 5m, 1h30m, 1:30 (a plain number is minutes)")
    @guild_only()
    @facilitator_only("change the round plan")
    async def plan_duration(
        self,
        interaction: discord.Interaction[ParleyBot],
        position: Position,
        duration: DurationText,
    ) -> None:
        seconds = parse_duration(duration)
        await self.flow.plan(interaction, lambda r: r.set_duration(position, seconds))


class Phase(commands.Cog):
    """`/phase`: where the class is, for everyone."""

    def __init__(self, bot: ParleyBot) -> None:
        self.flow = bot.round_flow

    @app_commands.command(
        name="phase", description="The current phase, its time left and the floor"
    )
    @app_commands.guild_only()
    @guild_only()
    async def phase(self, interaction: discord.Interaction[ParleyBot]) -> None:
        await self.flow.status(interaction)


async def setup(bot: ParleyBot) -> None:
    await bot.add_cog(Rounds(bot))
    await bot.add_cog(Phase(bot))
