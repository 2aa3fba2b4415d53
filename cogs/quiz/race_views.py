"""Class races in Discord: the question in the channel with a live countdown, answer buttons
(a modal for typed answers), results after each question, the final standings, and the
all-time leaderboard."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

import aiohttp
import discord

from bot.domain.quiz import Question, Standing, trim
from bot.domain.scope import Scope
from bot.errors import UserFacingError
from bot.services.quiz_race import PostFailed, QuestionResult, RaceInfo
from cogs.common.checks import require_facilitator
from cogs.common.retry import TooLate, classify, deliver, refusal
from cogs.common.scope import race_scope
from cogs.quiz.question_views import (
    NO_MENTIONS,
    QuestionButton,
    answer_modal,
    answer_view,
    guarded,
    modal_answer,
    paragraph_quote,
    question_text,
    services_of,
)

if TYPE_CHECKING:
    from bot.client import ParleyBot

T = TypeVar("T")
RACE_NEEDS = ("View Channel", "Send Messages", "Embed Links")

__all__ = [
    "RACE_MODAL",
    "DiscordRaceAnnouncer",
    "RaceButton",
    "leaderboard_embed",
    "race_started_text",
    "submit_race_answer",
]

RACE_ID = re.compile(
    r"quiz:race:(?P<id>[0-9]+):(?P<pos>[0-9]+):(?P<action>ans|open|stop)"
    r"(?::(?P<value>[a-z0-9-]+))?"
)
RACE_MODAL = re.compile(r"quiz:race:(?P<race>[0-9]+):(?P<pos>[0-9]+):modal")
MEDALS = {1: "🥇", 2: "🥈", 3: "🥉"}
MODE_TEXT = {
    "first": "The first correct answer scores",
    "all": "Every correct answer in time scores",
}


def race_id(race: int, position: int, action: str, value: str | None = None) -> str:
    return f"quiz:race:{race}:{position}:{action}" + (f":{value}" if value else "")


class RaceButton(QuestionButton, template=RACE_ID):
    """A button on a race question (`quiz_id` is the race): an answer, "Answer" (opens the
    form) or "End race"."""

    async def scope(self, interaction: discord.Interaction[Any]) -> Scope | None:
        return await race_scope(interaction, self.quiz_id)

    async def _handle(self, interaction: discord.Interaction[Any]) -> None:
        races = services_of(interaction).races
        if self.action == "stop":
            await require_facilitator(interaction, "end the race")
            stopped = await races.stop(self.quiz_id)
            await interaction.response.send_message(
                "Ending the race: this question's results, then the final standings."
                if stopped
                else "This race has already ended.",
                ephemeral=True,
            )
            return
        if self.action == "open":
            race = await races.race(self.quiz_id)
            if race is None or race.position != self.position:
                raise UserFacingError("Too late: that question has closed.")
            title = f"Race question {self.position + 1} of {race.total}"
            await interaction.response.send_modal(
                answer_modal(f"quiz:race:{self.quiz_id}:{self.position}:modal", title, title)
            )
            return
        receipt = await races.answer(self.quiz_id, self.position, interaction.user.id, self.value)
        await interaction.response.send_message(
            _locked_in(receipt.race, receipt.given), ephemeral=True
        )


async def submit_race_answer(interaction: discord.Interaction[Any], match: re.Match[str]) -> None:
    async def handle(interaction: discord.Interaction[Any]) -> None:
        races = services_of(interaction).races
        receipt = await races.answer(
            int(match["race"]), int(match["pos"]), interaction.user.id, modal_answer(interaction)
        )
        await interaction.response.send_message(
            _locked_in(receipt.race, discord.utils.escape_markdown(receipt.given)),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    await guarded(interaction, handle(interaction))


def _locked_in(race: RaceInfo, given: str) -> str:
    when = f" {discord.utils.format_dt(race.deadline, 'R')}" if race.deadline else ""
    return f"Answer locked in: **{trim(given, 200)}**. Results when the question closes{when}."


def race_started_text(race: RaceInfo, starter: discord.abc.User) -> str:
    mode = MODE_TEXT[race.mode].lower()
    return (
        f"🏁 **Quiz race!** {race.total} question(s), {race.seconds} s each; {mode}. "
        f"One answer per question, so think before you press. Started by {starter.mention}."
    )


# --- what the race posts ------------------------------------------------------------------------


def question_embed(race: RaceInfo, question: Question, *, closed: bool = False) -> discord.Embed:
    embed = discord.Embed(
        title=f"Race question {race.position + 1} of {race.total}",
        description=question_text(question),
        colour=discord.Colour.dark_grey() if closed else discord.Colour.gold(),
    )
    if closed:
        embed.add_field(name="Time", value="Closed.")
    elif race.deadline is not None:
        ends = discord.utils.format_dt(race.deadline, "R")
        embed.add_field(name="Time", value=f"Ends {ends}")
    embed.set_footer(text=f"{MODE_TEXT[race.mode]} · one answer each · {race.label}")
    return embed


def question_view(race: RaceInfo, question: Question) -> discord.ui.View:
    return answer_view(
        question,
        lambda action, value: race_id(race.race_id, race.position, action, value),
        RaceButton,
        ("End race", discord.ButtonStyle.danger),
    )


def _mentions(user_ids: tuple[int, ...], limit: int = 20) -> str:
    shown = " ".join(f"<@{u}>" for u in user_ids[:limit])
    return shown + (f" and {len(user_ids) - limit} more" if len(user_ids) > limit else "")


def results_embed(race: RaceInfo, question: Question, result: QuestionResult) -> discord.Embed:
    embed = discord.Embed(
        title=f"Question {race.position + 1}: the answer is {trim(question.right_answer, 200)}",
        colour=discord.Colour.green(),
    )
    if not result.answered:
        scores = "No one answered."
    elif race.mode == "first":
        scores = (
            f"🏅 <@{result.scorers[0]}> was first with the right answer (+1)."
            if result.scorers
            else f"No one got it ({result.answered} answered)."
        )
    else:
        right = len(result.correct_users)
        scores = f"**{right} of {result.answered}** right (+1 each)"
        scores += f": {_mentions(result.correct_users)}" if right else "."
    if result.late:
        scores += "\n(Parley was offline when time ran out; only answers given in time count.)"
    embed.description = scores
    if question.explanation:
        embed.add_field(name="Why", value=trim(question.explanation, 1000), inline=False)
    quote = paragraph_quote(question, 800)
    if quote is not None:
        embed.add_field(name=quote[0], value=quote[1], inline=False)
    if race.position + 1 < race.total:
        embed.set_footer(text="Next question in a few seconds…")
    return embed


def standings_lines(standings: list[Standing], limit: int = 10) -> list[str]:
    lines = []
    for s in standings[:limit]:
        badge = MEDALS.get(s.rank, f"{s.rank}.")
        lines.append(f"{badge} <@{s.user_id}> — **{s.points}** pt(s) · {s.correct} right")
    return lines


def final_embed(race: RaceInfo, standings: list[Standing], stopped: bool) -> discord.Embed:
    title = "🏁 Race ended by the facilitator" if stopped else "🏁 Race over"
    lines = standings_lines(standings)
    embed = discord.Embed(
        title=title,
        description="\n".join(lines) if lines else "No one answered, so no points this time.",
        colour=discord.Colour.gold(),
    )
    embed.set_footer(text="All-time points on this server: /quiz leaderboard")
    return embed


def leaderboard_embed(
    standings: list[Standing], user_id: int, guild_name: str | None
) -> discord.Embed:
    lines = [
        line + f" · {s.races} race(s)"
        for line, s in zip(standings_lines(standings), standings, strict=False)
    ]
    embed = discord.Embed(
        title=f"🏆 Quiz leaderboard · {guild_name or 'this server'}",
        description="\n".join(lines) if lines else "No race has been run here yet.",
        colour=discord.Colour.gold(),
    )
    mine = next((s for s in standings if s.user_id == user_id), None)
    if mine is not None and mine.rank > 10:
        embed.add_field(name="You", value=f"#{mine.rank} — {mine.points} pt(s)", inline=False)
    embed.set_footer(text="Points from class races (/quiz class), all time")
    return embed


class DiscordRaceAnnouncer:
    """Posts a race's messages to its channel; works from ids alone, so it needs no cache.

    Every post goes through the shared retry policy (`cogs.common.retry`): what Discord fails
    for a passing reason is retried (a question never after its own deadline); what it still
    cannot post is raised as `PostFailed`, with a sentence for the facilitator when Discord
    refused for good (a missing permission, a deleted channel). The race service decides what
    happens next (skip the question, or end the race and keep the points)."""

    def __init__(self, bot: ParleyBot) -> None:
        self.bot = bot

    async def wait_until_ready(self) -> None:
        await self.bot.wait_until_ready()

    def serves(self, guild_id: int) -> bool:
        return self.bot.get_guild(guild_id) is not None

    def _channel(self, race: RaceInfo) -> discord.PartialMessageable:
        return self.bot.get_partial_messageable(race.channel_id, guild_id=race.guild_id)

    async def _deliver(
        self,
        race: RaceInfo,
        action: str,
        send: Callable[[], Awaitable[T]],
        *,
        deadline: datetime | None = None,
        needs: tuple[str, ...] = RACE_NEEDS,
    ) -> T:
        try:
            return await deliver(
                send,
                clock=self.bot.clock,
                policy=self.bot.retry_policy,
                deadline=deadline,
                what=f"quiz race {race.race_id}: {action}",
            )
        except discord.HTTPException as error:
            if classify(error) != "permanent":
                raise PostFailed(f"{action}: {error}") from error
            said = refusal(
                error,
                action=action,
                place=f"<#{race.channel_id}>",
                place_key=race.channel_id,
                permissions=needs,
            )
            raise PostFailed(f"{action}: {error}", notice=said.text, cause=said.cause) from error
        except (TooLate, aiohttp.ClientError, OSError, TimeoutError) as error:
            raise PostFailed(f"{action}: {error!r}") from error

    async def post_question(self, race: RaceInfo, question: Question) -> int | None:
        async def send() -> discord.Message:
            return await self._channel(race).send(
                embed=question_embed(race, question),
                view=question_view(race, question),
                allowed_mentions=NO_MENTIONS,
            )

        message = await self._deliver(
            race,
            f"post race question {race.position + 1}",
            send,
            deadline=race.deadline,  # a question is not worth posting once its time is up
        )
        return message.id

    async def post_results(
        self, race: RaceInfo, question: Question, result: QuestionResult
    ) -> None:
        channel = self._channel(race)
        if race.question_message_id:
            # The closed question loses its buttons; if that fails (deleted, refused), the
            # results still follow, and answers to a closed question are refused anyway.
            async def close() -> object:
                return await channel.get_partial_message(race.question_message_id or 0).edit(
                    embed=question_embed(race, question, closed=True), view=None
                )

            with contextlib.suppress(PostFailed):
                await self._deliver(race, f"close race question {race.position + 1}", close)

        async def send() -> object:
            return await channel.send(
                embed=results_embed(race, question, result), allowed_mentions=NO_MENTIONS
            )

        await self._deliver(race, f"post the results of question {race.position + 1}", send)

    async def post_final(self, race: RaceInfo, standings: list[Standing], stopped: bool) -> None:
        async def send() -> object:
            return await self._channel(race).send(
                embed=final_embed(race, standings, stopped), allowed_mentions=NO_MENTIONS
            )

        await self._deliver(race, "post the race's final standings", send)

    async def post_failure(self, race: RaceInfo) -> None:
        async def send() -> object:
            return await self._channel(race).send(
                "The quiz race stopped because of a problem on Parley's side (see the log). "
                "Points scored so far are kept; start a new race with /quiz class.",
                allowed_mentions=NO_MENTIONS,
            )

        await self._deliver(race, "say the race stopped", send, needs=("Send Messages",))

    async def post_note(self, race: RaceInfo, text: str) -> None:
        async def send() -> object:
            return await self._channel(race).send(text, allowed_mentions=NO_MENTIONS)

        await self._deliver(race, "post a note about the race", send, needs=("Send Messages",))

    async def tell_facilitator(self, race: RaceInfo, text: str) -> None:
        """A direct message to whoever started the race: it reaches them even when the race's
        channel refuses Parley."""

        async def send() -> object:
            user = self.bot.get_user(race.started_by) or await self.bot.fetch_user(race.started_by)
            return await user.send(f"⚠️ {text}"[:2000], allowed_mentions=NO_MENTIONS)

        await deliver(
            send,
            clock=self.bot.clock,
            policy=self.bot.retry_policy,
            what=f"quiz race {race.race_id}: tell the facilitator",
        )
