"""`/quiz …`: practice, review, readiness, progress, class races and the leaderboard."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import ParleyBot
from bot.content.models import Scenario
from bot.domain.grading import warm_up
from bot.errors import UserFacingError
from bot.services.quiz_practice import (
    DEFAULT_COUNT,
    MAX_COUNT,
    READINESS_COUNT,
    NothingDue,
    PracticeFilter,
)
from bot.services.quiz_race import MAX_RACE_COUNT, MAX_RACE_SECONDS, MIN_RACE_SECONDS
from cogs.common.checks import facilitator_only, guild_only
from cogs.common.options import BankName, Name
from cogs.common.scope import ModalRoute, race_scope, route_modal, run_scope
from cogs.quiz.choices import (
    Choices,
    actor_choices,
    name_choices,
    scenario_choices,
    topic_choices,
)
from cogs.quiz.practice_views import (
    PRACTICE_MODAL,
    PracticeButton,
    nothing_due_text,
    practice_message,
    stats_embed,
    submit_practice_answer,
)
from cogs.quiz.question_views import COG_NAME
from cogs.quiz.race_views import (
    RACE_MODAL,
    RaceButton,
    leaderboard_embed,
    race_started_text,
    submit_race_answer,
)

log = logging.getLogger(__name__)
Interaction = discord.Interaction[ParleyBot]
Count = app_commands.Range[int, 1, MAX_COUNT]


MODAL_ROUTES = (
    ModalRoute(PRACTICE_MODAL, lambda i, m: run_scope(i, int(m["run"])), submit_practice_answer),
    ModalRoute(RACE_MODAL, lambda i, m: race_scope(i, int(m["race"])), submit_race_answer),
)


class Quiz(
    commands.GroupCog,
    name=COG_NAME,
    group_name="quiz",
    group_description="Quizzes on the article: practice, review, class races",
):
    def __init__(self, bot: ParleyBot) -> None:
        self.bot = bot
        self.services = bot.quiz
        super().__init__()

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(PracticeButton, RaceButton)
        self._resume = asyncio.create_task(self._resume_races(), name="parley-bg:quiz-resume")

    async def cog_unload(self) -> None:
        self._resume.cancel()
        await self.services.races.close()
        self.bot.remove_dynamic_items(PracticeButton, RaceButton)

    async def _resume_races(self) -> None:
        """Races a restart interrupted carry on once Discord has told us our servers."""
        await self.bot.wait_until_ready()
        try:
            resumed = await self.services.races.resume_all()
        except Exception:
            log.exception("Could not resume unfinished quiz races")
        else:
            if resumed:
                log.info("Resumed %d unfinished quiz race(s)", resumed)

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        """Typed answers: every quiz modal submission lands here (see question_views.py)."""
        await route_modal(interaction, MODAL_ROUTES)

    # --- solo -----------------------------------------------------------------------------

    @app_commands.command(name="practice", description="Drill the article, privately")
    @app_commands.describe(
        scenario="Which scenario's quiz (default: the first)",
        topic="Only items on this topic",
        paragraph="Only items about this paragraph (¶) of the article",
        actor="Only items about this actor",
        count=f"How many items (default {DEFAULT_COUNT})",
        bank="An extra question bank your teacher imported (instead of the scenario)",
    )
    async def practice(
        self,
        interaction: Interaction,
        scenario: Name | None = None,
        topic: Name | None = None,
        paragraph: app_commands.Range[int, 1, 999] | None = None,
        actor: Name | None = None,
        count: Count = DEFAULT_COUNT,
        bank: BankName | None = None,
    ) -> None:
        wanted = PracticeFilter(scenario, topic, paragraph, actor, bank, count)
        screen = await self.services.practice.start_practice(
            interaction.user.id, interaction.guild_id, wanted
        )
        await interaction.response.send_message(ephemeral=True, **practice_message(screen))

    @app_commands.command(name="review", description="The items that are due for you again")
    @app_commands.describe(count=f"At most this many (default {DEFAULT_COUNT})")
    async def review(self, interaction: Interaction, count: Count = DEFAULT_COUNT) -> None:
        result = await self.services.practice.start_review(
            interaction.user.id, interaction.guild_id, count
        )
        if isinstance(result, NothingDue):
            await interaction.response.send_message(nothing_due_text(result), ephemeral=True)
        else:
            await interaction.response.send_message(ephemeral=True, **practice_message(result))

    @app_commands.command(name="resume", description="Show the question you are on again")
    async def resume(self, interaction: Interaction) -> None:
        screen = await self.services.practice.resume(interaction.user.id)
        await interaction.response.send_message(ephemeral=True, **practice_message(screen))

    @app_commands.command(name="readiness", description="A short quiz on your own brief")
    @guild_only()
    async def readiness(self, interaction: Interaction) -> None:
        assert interaction.channel_id is not None
        screen = await self.services.practice.start_readiness(
            interaction.user.id, interaction.guild_id, interaction.channel_id, READINESS_COUNT
        )
        await interaction.response.send_message(ephemeral=True, **practice_message(screen))

    @app_commands.command(name="stats", description="Your progress by paragraph and by actor")
    @app_commands.describe(scenario="Which scenario (default: the first)")
    async def stats(self, interaction: Interaction, scenario: Name | None = None) -> None:
        report = await self.services.practice.stats(interaction.user.id, scenario)
        await interaction.response.send_message(embed=stats_embed(report), ephemeral=True)

    # --- class ----------------------------------------------------------------------------

    @app_commands.command(
        name="class", description="Run a quiz race in this channel (facilitators)"
    )
    @app_commands.describe(
        count="Number of questions (default 5)",
        seconds="Seconds per question (default 30)",
        mode="Who scores: the first correct answer, or every correct answer in time",
        topic="Only questions on this topic",
        scenario="Which scenario's quiz (default: the first)",
    )
    @app_commands.choices(
        mode=[
            app_commands.Choice(name="first correct", value="first"),
            app_commands.Choice(name="all correct in time", value="all"),
        ]
    )
    @guild_only()
    @facilitator_only("run a class quiz race")
    @app_commands.checks.bot_has_permissions(send_messages=True, embed_links=True)
    async def class_race(
        self,
        interaction: Interaction,
        count: app_commands.Range[int, 1, MAX_RACE_COUNT] = 5,
        seconds: app_commands.Range[int, MIN_RACE_SECONDS, MAX_RACE_SECONDS] = 30,
        mode: Literal["first", "all"] = "all",
        topic: Name | None = None,
        scenario: Name | None = None,
    ) -> None:
        assert interaction.guild_id is not None and interaction.channel_id is not None
        race = await self.services.races.start(
            guild_id=interaction.guild_id,
            channel_id=interaction.channel_id,
            started_by=interaction.user.id,
            count=count,
            seconds=seconds,
            mode=mode,
            scenario_id=scenario,
            topic=topic,
        )
        await interaction.response.send_message(race_started_text(race, interaction.user))

    @app_commands.command(name="leaderboard", description="All-time race points on this server")
    @app_commands.describe(share="Post it in the channel for everyone (default: only you see it)")
    @guild_only()
    async def leaderboard(self, interaction: Interaction, share: bool = False) -> None:
        assert interaction.guild_id is not None
        standings = await self.services.races.leaderboard(interaction.guild_id)
        guild = interaction.guild.name if interaction.guild else None
        embed = leaderboard_embed(standings, interaction.user.id, guild)
        await interaction.response.send_message(embed=embed, ephemeral=not share)

    # --- autocomplete ---------------------------------------------------------------------

    @practice.autocomplete("scenario")
    @stats.autocomplete("scenario")
    @class_race.autocomplete("scenario")
    async def scenario_options(self, interaction: Interaction, current: str) -> Choices:
        return scenario_choices(self.bot.scenarios.values(), current)

    @practice.autocomplete("topic")
    @class_race.autocomplete("topic")
    async def topic_options(self, interaction: Interaction, current: str) -> Choices:
        return topic_choices(self._scenario_of(interaction), current)

    @practice.autocomplete("actor")
    async def actor_options(self, interaction: Interaction, current: str) -> Choices:
        return actor_choices(self._scenario_of(interaction), current)

    @practice.autocomplete("bank")
    async def bank_options(self, interaction: Interaction, current: str) -> Choices:
        return name_choices(await self.services.practice.bank_names(current))

    def _scenario_of(self, interaction: Interaction) -> Scenario | None:
        """The scenario picked in an earlier option (or the default), for dependent choices."""
        chosen = getattr(interaction.namespace, "scenario", None)
        try:
            return self.services.catalogue.scenario(chosen or None)
        except UserFacingError:
            return None


async def setup(bot: ParleyBot) -> None:
    # The grader's word lists load once per process; off the event loop, before answers come.
    await asyncio.to_thread(warm_up)
    await bot.add_cog(Quiz(bot))
