"""`/brief` (your confidential brief, or any brief for facilitators) and `/background`.

Both answer privately with a pager; nobody sees another delegation's brief unless they are a
facilitator. The pager's buttons are dynamic items registered here.
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import ParleyBot
from bot.content.models import Scenario
from bot.domain.echo import echo
from bot.errors import UserFacingError
from bot.services.sessions import actor_label, describe_candidates
from cogs.common import pages as brief_views
from cogs.common.checks import guild_only, member_is_facilitator
from cogs.common.options import Name
from cogs.common.pages import BACKGROUND, BRIEF, pager


class Briefs(commands.Cog):
    def __init__(self, bot: ParleyBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*brief_views.DYNAMIC_ITEMS)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(*brief_views.DYNAMIC_ITEMS)

    async def _scenario_here(
        self, interaction: discord.Interaction[ParleyBot], scenario_id: str | None
    ) -> Scenario:
        """The scenario named, else the one of this channel's session, else the only one."""
        sessions = self.bot.sessions
        if scenario_id:
            return sessions.scenario(scenario_id)
        if interaction.channel_id is not None:
            here = await sessions.live_session_for_channel(interaction.channel_id)
            if here is not None:
                return sessions.scenario(here.scenario_id)
        if len(self.bot.scenarios) == 1:
            return next(iter(self.bot.scenarios.values()))
        raise UserFacingError("Which scenario? Pick one in the `scenario` option.")

    @app_commands.command(name="brief", description="Your delegation's confidential brief")
    @app_commands.describe(
        actor="Facilitators: open any delegation's brief (e.g. “tokyo”)",
        scenario="Facilitators: the scenario, outside a session",
    )
    @guild_only()
    async def brief(
        self,
        interaction: discord.Interaction[ParleyBot],
        actor: app_commands.Range[str, 1, 100] | None = None,
        scenario: Name | None = None,
    ) -> None:
        member = interaction.user
        assert interaction.guild_id is not None and isinstance(member, discord.Member)
        sessions = self.bot.sessions
        named = sessions.scenario(scenario) if scenario else None  # an unknown one is refused
        mine = await sessions.assignment_of(interaction.guild_id, interaction.channel_id, member.id)
        if actor is None:
            if named is not None and (mine is None or mine[0].scenario_id != named.id):
                raise UserFacingError(
                    "`scenario:` works with `actor:` (a facilitator opening a delegation's "
                    "brief). On its own, `/brief` shows your delegation's brief in this "
                    "channel's session."
                )
            if mine is None:
                raise UserFacingError(
                    "You are not in a live session here: press **Join** on the session card "
                    "first. (Facilitators: `/brief actor:…` opens any brief.)"
                )
            session, actor_id = mine
            if actor_id is None:
                raise UserFacingError(
                    "You don't have a delegation yet: your brief appears once you have one."
                )
            chosen = sessions.scenario(session.scenario_id)
        else:
            chosen = (
                sessions.scenario(mine[0].scenario_id)
                if mine is not None and not scenario
                else await self._scenario_here(interaction, scenario)
            )
            resolution = sessions.resolve_actor(chosen.id, actor)
            if resolution.ambiguous:
                raise UserFacingError(
                    f"“{echo(actor)}” could be "
                    f"{describe_candidates(chosen, resolution.candidates)}: "
                    "type more of the name."
                )
            if resolution.actor_id is None:
                names = ", ".join(actor_label(chosen, a.id) for a in chosen.actors)
                raise UserFacingError(
                    f"“{echo(actor)}” is not an actor in {chosen.title}: {names}."
                )
            actor_id = resolution.actor_id
            own = mine is not None and mine[1] == actor_id
            if (
                not own
                and not await member_is_facilitator(self.bot, member)
                # after a debrief, its class may read every brief
                and not await sessions.may_read_brief(
                    interaction.guild_id, member.id, chosen.id, actor_id
                )
            ):
                raise UserFacingError(
                    "Only facilitators can open another delegation's brief. `/brief` on its own "
                    "shows yours."
                )
        shown = await sessions.scenario_seen_by(
            interaction.guild_id, interaction.channel_id, member.id, chosen.id
        )  # an article-only class sees no record cards
        embed, view = pager(shown, BRIEF, actor_id, 0)
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)

    @brief.autocomplete("actor")
    async def actor_choices(
        self, interaction: discord.Interaction[ParleyBot], current: str
    ) -> list[app_commands.Choice[str]]:
        try:
            chosen = await self._scenario_here(interaction, interaction.namespace.scenario)
        except UserFacingError:
            return []
        ranked = self.bot.sessions.resolver(chosen.id).ranked(current)
        return [app_commands.Choice(name=actor_label(chosen, a), value=a) for a in ranked]

    @app_commands.command(name="background", description="The public background everyone reads")
    @app_commands.describe(scenario="The scenario, outside a session")
    async def background(
        self, interaction: discord.Interaction[ParleyBot], scenario: Name | None = None
    ) -> None:
        chosen = await self._scenario_here(interaction, scenario)
        shown = await self.bot.sessions.scenario_seen_by(
            interaction.guild_id, interaction.channel_id, interaction.user.id, chosen.id
        )
        embed, view = pager(shown, BACKGROUND, "", 0)
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)

    @brief.autocomplete("scenario")
    @background.autocomplete("scenario")
    async def scenario_choices(
        self, interaction: discord.Interaction[ParleyBot], current: str
    ) -> list[app_commands.Choice[str]]:
        typed = current.casefold().strip()
        return [
            app_commands.Choice(name=s.title[:100], value=s.id)
            for s in self.bot.scenarios.values()
            if typed in s.title.casefold() or typed in s.id
        ][:25]


async def setup(bot: ParleyBot) -> None:
    await bot.add_cog(Briefs(bot))
