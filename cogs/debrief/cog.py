"""`/debrief` and `/session gradebook` (facilitators). Thin: the debrief flow works.

`/session gradebook` belongs to the `/session` group that `cogs.sessions` owns; it is added to
that group here when this extension loads (and removed when it unloads), so the sessions cog
does not need to know about gradebooks.
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import ParleyBot
from cogs.common.checks import facilitator_only, guild_only
from cogs.common.interactions import bot_of
from cogs.common.options import SessionNumber
from cogs.debrief import views as debrief_views
from cogs.sessions.panel import PanelControl

log = logging.getLogger(__name__)

SESSION_GROUP = "session"
NEGOTIATION_ROW = 3  # the panel row shared with the vote's buttons (cogs/negotiation/vote_cog.py)


async def session_choices(
    interaction: discord.Interaction[Any], current: str
) -> list[app_commands.Choice[int]]:
    """Recent sessions of this server, newest first."""
    if interaction.guild_id is None:
        return []
    transcripts = bot_of(interaction).transcripts
    choices = []
    for s in await transcripts.sessions(interaction.guild_id):
        title = transcripts.scenario_names(s.scenario_id)[0]
        label = f"#{s.id} · {title} · {s.created_at:%Y-%m-%d} · {s.status}"
        if current.strip() in label:
            choices.append(app_commands.Choice(name=label[:100], value=s.id))
    return choices[:25]


@app_commands.describe(session="Which session (default: the one in this channel, or the newest)")
@guild_only()
@facilitator_only("download the gradebook")
async def gradebook(
    interaction: discord.Interaction[Any], session: SessionNumber | None = None
) -> None:
    await bot_of(interaction).debrief_flow.gradebook(interaction, session)


GRADEBOOK: app_commands.Command[Any, ..., None] = app_commands.Command(
    name="gradebook",
    description="Download the gradebook (CSV): one row per student (facilitators)",
    callback=gradebook,
)
GRADEBOOK.autocomplete("session")(session_choices)


class Debrief(commands.Cog):
    def __init__(self, bot: ParleyBot) -> None:
        self.bot = bot
        self._control = PanelControl(
            key="debrief",
            label="Debrief",
            emoji="📜",
            row=NEGOTIATION_ROW,
            order=2,
            handler=lambda i, s: self.bot.debrief_flow.debrief(i, s.id),
        )

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*debrief_views.DYNAMIC_ITEMS)
        self.bot.panel_controls.add(self._control)
        group = self.bot.tree.get_command(SESSION_GROUP)
        if isinstance(group, app_commands.Group):
            group.add_command(GRADEBOOK, override=True)
        else:
            log.warning("No /session group loaded: /session gradebook is not available")

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(*debrief_views.DYNAMIC_ITEMS)
        self.bot.panel_controls.remove(self._control.key)
        group = self.bot.tree.get_command(SESSION_GROUP)
        if isinstance(group, app_commands.Group):
            group.remove_command(GRADEBOOK.name)

    @app_commands.command(
        name="debrief", description="After the vote: outcome vs history, the reveal, scorecards"
    )
    @app_commands.describe(session="Which session (default: the one in this channel)")
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.guild_only()
    @guild_only()
    @facilitator_only("run the debrief")
    async def debrief(
        self, interaction: discord.Interaction[ParleyBot], session: SessionNumber | None = None
    ) -> None:
        await self.bot.debrief_flow.debrief(interaction, session)

    @debrief.autocomplete("session")
    async def debrief_sessions(
        self, interaction: discord.Interaction[ParleyBot], current: str
    ) -> list[app_commands.Choice[int]]:
        return await session_choices(interaction, current)


async def setup(bot: ParleyBot) -> None:
    await bot.add_cog(Debrief(bot))
