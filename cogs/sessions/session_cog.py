"""`/session …` and `/assign`: running a class. Thin: parse, check, hand over to the session flow.

Buttons and menus (the card's Join / My delegation / Leave / pick menu, the facilitator panel)
are dynamic items registered here, so messages sent before a restart keep working.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import ParleyBot
from bot.services.sessions import actor_label
from cogs.common.checks import facilitator_only, guild_only
from cogs.common.interactions import reply
from cogs.common.options import Name, SessionNumber
from cogs.sessions import card_views as session_card
from cogs.sessions import panel as panel_views

SESSION_ITEMS = (*session_card.DYNAMIC_ITEMS, *panel_views.DYNAMIC_ITEMS)
AssignmentMode = Literal["self-pick", "random", "place-rest"]
CARD_FLUSH_SECONDS = 5.0


@app_commands.guild_only()
class Sessions(
    commands.GroupCog, group_name="session", group_description="Class sessions: join, run, end"
):
    def __init__(self, bot: ParleyBot) -> None:
        self.bot = bot
        self.flow = bot.session_flow
        self._controls = self.flow.builtin_controls()
        super().__init__()

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*SESSION_ITEMS)
        for control in self._controls:
            self.bot.panel_controls.add(control)

    async def cog_unload(self) -> None:
        # Shutting down: let a pending card edit land, so the card shows the final roster.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.flow.cards.flush(), timeout=CARD_FLUSH_SECONDS)
        self.bot.remove_dynamic_items(*SESSION_ITEMS)
        for control in self._controls:
            self.bot.panel_controls.remove(control.key)

    # --- keeping the card current ------------------------------------------------------------

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        """After a restart, cards show what the database holds (changes may have been cut off)."""
        for session in await self.bot.sessions.live_sessions():
            if self.bot.get_guild(session.guild_id) is not None:
                self.flow.cards.refresh(session.id)

    @commands.Cog.listener()
    async def on_parley_roster_changed(self, session_id: int) -> None:
        self.flow.cards.refresh(session_id)

    @commands.Cog.listener()
    async def on_parley_assignment_changed(self, session_id: int) -> None:
        self.flow.cards.refresh(session_id)

    @commands.Cog.listener()
    async def on_parley_session_ended(self, session_id: int) -> None:
        self.flow.cards.refresh(session_id)

    # --- facilitators ------------------------------------------------------------------------

    @app_commands.command(name="create", description="Start a class session in this channel")
    @app_commands.describe(scenario="The scenario to play")
    @guild_only()
    @facilitator_only("start a session")
    async def create(self, interaction: discord.Interaction[ParleyBot], scenario: Name) -> None:
        await self.flow.create(interaction, scenario)

    @create.autocomplete("scenario")
    async def scenario_choices(
        self, interaction: discord.Interaction[ParleyBot], current: str
    ) -> list[app_commands.Choice[str]]:
        typed = current.casefold().strip()
        return [
            app_commands.Choice(name=s.title[:100], value=s.id)
            for s in self.bot.scenarios.values()
            if typed in s.title.casefold() or typed in s.id
        ][:25]

    @app_commands.command(name="panel", description="Open the facilitator panel (facilitators)")
    @guild_only()
    @facilitator_only("open the facilitator panel")
    async def panel(self, interaction: discord.Interaction[ParleyBot]) -> None:
        await self.flow.panel(interaction, await self.flow.session_here(interaction))

    @app_commands.command(
        name="assignment", description="Hand out delegations: self-pick, random or the rest"
    )
    @app_commands.describe(
        mode="self-pick: students choose; random: a balanced deal; place-rest: seat the rest",
        seed="Repeat an earlier random deal with its seed",
    )
    @guild_only()
    @facilitator_only("hand out delegations")
    async def assignment(
        self,
        interaction: discord.Interaction[ParleyBot],
        mode: AssignmentMode,
        seed: app_commands.Range[int, 0, 999_999_999] | None = None,
    ) -> None:
        session = await self.flow.session_here(interaction)
        if mode == "random" and session.stage == "assigned":
            text, view = panel_views.reshuffle_confirmation(session.id, seed)
            await reply(interaction, text, view=view)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        if mode == "self-pick":
            outcome = await self.flow.open_self_pick(interaction, session)
        elif mode == "random":
            outcome = await self.flow.deal_random(interaction, session, seed)
        else:
            outcome = await self.flow.place_rest(interaction, session)
        await self.flow.send_outcome(interaction, outcome)

    @app_commands.command(name="swap", description="Swap two students' delegations")
    @guild_only()
    @facilitator_only("swap delegations")
    async def swap(
        self,
        interaction: discord.Interaction[ParleyBot],
        first: discord.Member,
        second: discord.Member,
    ) -> None:
        session = await self.flow.session_here(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self.flow.send_outcome(
            interaction, await self.flow.swap(interaction, session, first, second)
        )

    @app_commands.command(
        name="purge", description="Delete an ended session's whole record for good"
    )
    @app_commands.describe(session="The session number (as in /session status or /debrief)")
    @guild_only()
    @facilitator_only("delete a session's record")
    async def purge(
        self, interaction: discord.Interaction[ParleyBot], session: SessionNumber
    ) -> None:
        assert interaction.guild_id is not None
        counted = await self.bot.privacy.purge_session(
            session, guild_id=interaction.guild_id, dry_run=True
        )
        text, view = panel_views.purge_confirmation(session, counted.summary())
        await reply(interaction, text, view=view)

    @app_commands.command(name="end", description="End the session in this channel")
    @guild_only()
    @facilitator_only("end a session")
    async def end(self, interaction: discord.Interaction[ParleyBot]) -> None:
        session = await self.flow.session_here(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self.flow.send_outcome(interaction, await self.flow.end(interaction, session))

    # --- everyone ----------------------------------------------------------------------------

    @app_commands.command(name="join", description="Join the session in this channel")
    @guild_only()
    async def join(self, interaction: discord.Interaction[ParleyBot]) -> None:
        await self.flow.join(interaction, (await self.flow.session_here(interaction)).id)

    @app_commands.command(name="leave", description="Leave the session in this channel")
    @guild_only()
    async def leave(self, interaction: discord.Interaction[ParleyBot]) -> None:
        await self.flow.leave(interaction, (await self.flow.session_here(interaction)).id)

    @app_commands.command(name="status", description="Who is in which delegation")
    @guild_only()
    async def status(self, interaction: discord.Interaction[ParleyBot]) -> None:
        session = await self.flow.session_here(interaction)
        await interaction.response.send_message(
            embed=await self.flow.status_embed(session), ephemeral=True
        )


class Assign(commands.Cog):
    """`/assign @student actor`: a top-level command, hidden from students by default."""

    def __init__(self, bot: ParleyBot) -> None:
        self.bot = bot
        self.flow = bot.session_flow

    @app_commands.command(name="assign", description="Give a student a delegation (facilitators)")
    @app_commands.describe(
        student="The student", actor="The delegation: a name like “north korea” or “tokyo” works"
    )
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.guild_only()
    @guild_only()
    @facilitator_only("assign actors")
    async def assign(
        self,
        interaction: discord.Interaction[ParleyBot],
        student: discord.Member,
        actor: app_commands.Range[str, 1, 100],
    ) -> None:
        session = await self.flow.session_here(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self.flow.send_outcome(
            interaction, await self.flow.assign(interaction, session, student, actor)
        )

    @assign.autocomplete("actor")
    async def actor_choices(
        self, interaction: discord.Interaction[ParleyBot], current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.channel_id is None:
            return []
        session = await self.bot.sessions.live_session_for_channel(interaction.channel_id)
        if session is None:
            return []
        scenario = self.bot.sessions.scenario(session.scenario_id)
        ranked = self.bot.sessions.resolver(scenario.id).ranked(current)
        return [app_commands.Choice(name=actor_label(scenario, a), value=a) for a in ranked]


async def setup(bot: ParleyBot) -> None:
    await bot.add_cog(Sessions(bot))
    await bot.add_cog(Assign(bot))
