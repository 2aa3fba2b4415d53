"""`/propose`, `/proposals` and `/worth`: tabling for the vote. Thin: the negotiation flow works.

In a scenario with options, `/propose` opens the package builder (a select per item, then a
confirmation; `cogs/negotiation/package_views.py`), and `/worth proposal:` tells the student's
delegation privately what a tabled package is worth to it. Otherwise `/propose item:` opens a
form (a multi-line box, friendlier on a phone) and `/propose item: text:` tables at once.
Either way the proposal gets the next number and a card in the plenary with
Co-sponsor / Support / Take back buttons, and Replace / Withdraw for its sponsor. The cards'
buttons are dynamic items registered here; the forms are routed by custom_id from
``on_interaction``, so forms opened before a restart still land.
"""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import ParleyBot
from bot.domain.scope import Scope
from bot.domain.voting import MAX_PROPOSAL_CHARS
from cogs.common.checks import guild_only
from cogs.common.interactions import bot_of
from cogs.common.scope import ModalRoute, route_modal, session_scope
from cogs.negotiation import package_views as package_views
from cogs.negotiation import proposal_views as proposal_views
from cogs.negotiation.proposal_views import PROPOSE_FORM, REPLACE_FORM, form_text


class Proposals(commands.Cog):
    def __init__(self, bot: ParleyBot) -> None:
        self.bot = bot
        self.flow = bot.negotiation_flow

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*proposal_views.DYNAMIC_ITEMS, *package_views.DYNAMIC_ITEMS)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(*proposal_views.DYNAMIC_ITEMS, *package_views.DYNAMIC_ITEMS)

    @app_commands.command(name="propose", description="Table a proposal for your delegation")
    @app_commands.describe(
        item="The agenda item it is about (with options: the builder opens on its page)",
        text=f"The clause, up to {MAX_PROPOSAL_CHARS} characters (leave empty for a form)",
    )
    @app_commands.guild_only()
    @guild_only()
    async def propose(
        self,
        interaction: discord.Interaction[ParleyBot],
        item: app_commands.Range[str, 1, 100] | None = None,
        text: app_commands.Range[str, 1, MAX_PROPOSAL_CHARS] | None = None,
    ) -> None:
        await self.flow.propose(interaction, item, text)

    @app_commands.command(
        name="worth", description="What a tabled package is worth to your delegation (private)"
    )
    @app_commands.describe(proposal="The proposal's number")
    @app_commands.guild_only()
    @guild_only()
    async def worth(
        self,
        interaction: discord.Interaction[ParleyBot],
        proposal: app_commands.Range[int, 1, 10_000],
    ) -> None:
        session = await self.flow.session_here(interaction)
        await self.flow.worth(interaction, session.id, proposal)

    @propose.autocomplete("item")
    async def item_choices(
        self, interaction: discord.Interaction[ParleyBot], current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.channel_id is None:
            return []
        session = await self.bot.sessions.live_session_for_channel(interaction.channel_id)
        if session is None:
            return []
        scenario = self.bot.sessions.scenario(session.scenario_id)
        typed = current.casefold().strip()
        return [
            app_commands.Choice(name=item.title[:100], value=item.id)
            for item in scenario.agenda
            if typed in item.title.casefold() or typed in item.id
        ][:25]

    @app_commands.command(name="proposals", description="What is on the table now")
    @app_commands.guild_only()
    @guild_only()
    async def proposals(self, interaction: discord.Interaction[ParleyBot]) -> None:
        await self.flow.list_proposals(interaction)

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        """Proposal forms, before or after a restart (see cogs/negotiation/proposal_views.py)."""
        await route_modal(interaction, MODAL_ROUTES)


async def _table(interaction: discord.Interaction[Any], match: re.Match[str]) -> None:
    flow = bot_of(interaction).negotiation_flow
    await flow.table(interaction, int(match["sid"]), match["agenda"], form_text(interaction))


async def _replace(interaction: discord.Interaction[Any], match: re.Match[str]) -> None:
    flow = bot_of(interaction).negotiation_flow
    await flow.replace(interaction, int(match["sid"]), int(match["number"]), form_text(interaction))


async def _session_of(interaction: discord.Interaction[Any], match: re.Match[str]) -> Scope | None:
    return await session_scope(interaction, int(match["sid"]))


# Forms routed by custom_id, after the scope check (cogs/common/scope.py).
MODAL_ROUTES = (
    ModalRoute(PROPOSE_FORM, _session_of, _table),
    ModalRoute(REPLACE_FORM, _session_of, _replace),
)


async def setup(bot: ParleyBot) -> None:
    await bot.add_cog(Proposals(bot))
