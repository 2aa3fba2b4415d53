"""Solo quizzes in Discord: the ephemeral question, verdict and summary messages, their buttons,
and the stats and review replies."""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.domain.quiz import Progress, trim
from bot.domain.scope import Scope
from bot.services.quiz_practice import NothingDue, RunScreen, StatsReport, Summary
from cogs.common.scope import run_scope
from cogs.quiz.question_views import (
    QuestionButton,
    answer_modal,
    answer_view,
    guarded,
    modal_answer,
    paragraph_quote,
    question_text,
    services_of,
)

__all__ = [
    "PRACTICE_MODAL",
    "PracticeButton",
    "nothing_due_text",
    "practice_message",
    "stats_embed",
    "submit_practice_answer",
]

PRACTICE_ID = re.compile(
    r"quiz:run:(?P<id>[0-9]+):(?P<pos>[0-9]+):(?P<action>ans|open|next|stop)"
    r"(?::(?P<value>[a-z0-9-]+))?"
)
PRACTICE_MODAL = re.compile(r"quiz:run:(?P<run>[0-9]+):(?P<pos>[0-9]+):modal")

BLURPLE = discord.Colour.blurple()
RIGHT = discord.Colour.green()
WRONG = discord.Colour.red()


def practice_id(run_id: int, position: int, action: str, value: str | None = None) -> str:
    return f"quiz:run:{run_id}:{position}:{action}" + (f":{value}" if value else "")


class PracticeButton(QuestionButton, template=PRACTICE_ID):
    """Any button of a solo quiz (`quiz_id` is the run)."""

    async def scope(self, interaction: discord.Interaction[Any]) -> Scope | None:
        return await run_scope(interaction, self.quiz_id)

    async def _handle(self, interaction: discord.Interaction[Any]) -> None:
        practice = services_of(interaction).practice
        user = interaction.user.id
        screen: RunScreen | Summary
        if self.action == "ans":
            screen = await practice.answer(self.quiz_id, user, self.position, self.value)
        elif self.action == "next":
            screen = await practice.next(self.quiz_id, user, self.position)
        elif self.action == "stop":
            screen = await practice.stop(self.quiz_id, user)
        else:  # "open": the typed-answer form, if this question still waits for an answer
            screen = await practice.current(self.quiz_id, user)
            if (
                isinstance(screen, RunScreen)
                and screen.position == self.position
                and screen.verdict is None
            ):
                title = f"Question {screen.position + 1} of {screen.total}"
                custom_id = f"quiz:run:{self.quiz_id}:{self.position}:modal"
                await interaction.response.send_modal(
                    answer_modal(custom_id, title, screen.question.prompt)
                )
                return
        await interaction.response.edit_message(**practice_message(screen))


async def submit_practice_answer(
    interaction: discord.Interaction[Any], match: re.Match[str]
) -> None:
    """A typed answer from the modal: grade it and turn the question message into the verdict."""

    async def handle(interaction: discord.Interaction[Any]) -> None:
        practice = services_of(interaction).practice
        screen = await practice.answer(
            int(match["run"]), interaction.user.id, int(match["pos"]), modal_answer(interaction)
        )
        message = practice_message(screen)
        if interaction.message is not None:
            await interaction.response.edit_message(**message)
        else:
            await interaction.response.send_message(ephemeral=True, **message)

    await guarded(interaction, handle(interaction))


# --- rendering ----------------------------------------------------------------------------------


def practice_message(screen: RunScreen | Summary) -> dict[str, Any]:
    """Keyword arguments for send_message / edit_message showing where a run stands."""
    if isinstance(screen, Summary):
        return {"content": screen.note, "embed": summary_embed(screen), "view": None}
    if screen.verdict is None:
        embed, view = _question(screen)
    else:
        embed, view = _verdict(screen)
    return {"content": screen.note, "embed": embed, "view": view}


def _question(screen: RunScreen) -> tuple[discord.Embed, discord.ui.View]:
    q = screen.question
    embed = discord.Embed(
        title=f"Question {screen.position + 1} of {screen.total}",
        description=question_text(q),
        colour=BLURPLE,
    )
    embed.set_author(name=trim(screen.label, 250))
    footer = [q.source]
    if q.paragraph is not None:
        footer.append(f"about ¶{q.paragraph}")
    if q.topic_title:
        footer.append(q.topic_title)
    embed.set_footer(text=" · ".join(part for part in footer if part))
    view = answer_view(
        q,
        lambda action, value: practice_id(screen.run_id, screen.position, action, value),
        PracticeButton,
        ("Stop", discord.ButtonStyle.secondary),
    )
    return embed, view


def _verdict(screen: RunScreen) -> tuple[discord.Embed, discord.ui.View]:
    q, verdict = screen.question, screen.verdict
    assert verdict is not None
    if verdict.correct:
        title, colour = "✅ Right", RIGHT
    elif q.kind == "short_answer" and verdict.score >= 60:
        title, colour = "❌ Close, but not it", WRONG
    else:
        title, colour = "❌ Not quite", WRONG
    embed = discord.Embed(title=title, description=f"**{trim(q.prompt, 1000)}**", colour=colour)
    embed.set_author(name=trim(screen.label, 250))
    embed.add_field(
        name="Your answer", value=discord.utils.escape_markdown(verdict.given) or "—", inline=False
    )
    # The right answer is on this same card, so the reason may name it.
    close = verdict.teaching(reveal=True)
    if close:
        embed.add_field(
            name="What was close",
            value=trim(discord.utils.escape_markdown(close), 1000),
            inline=False,
        )
    right = q.right_answer
    if q.kind == "short_answer" and len(q.accept) > 1:
        right += f" (also accepted: {trim(', '.join(q.accept[1:4]), 300)})"
    embed.add_field(name="Right answer", value=trim(right, 1000), inline=False)
    if q.explanation:
        embed.add_field(name="Why", value=trim(q.explanation, 1000), inline=False)
    quote = paragraph_quote(q)
    if quote is not None:
        embed.add_field(name=quote[0], value=quote[1], inline=False)
    embed.set_footer(
        text=f"Question {screen.position + 1} of {screen.total} · {screen.correct} right so far"
    )
    last = screen.position + 1 >= screen.total
    view = discord.ui.View(timeout=None)
    view.add_item(
        PracticeButton(
            discord.ui.Button(
                label="See your summary" if last else "Next",
                style=discord.ButtonStyle.primary,
                custom_id=practice_id(screen.run_id, screen.position, "next"),
            )
        )
    )
    return embed, view


def summary_embed(summary: Summary) -> discord.Embed:
    finished = summary.answered >= summary.total
    embed = discord.Embed(
        title="Quiz finished" if finished else "Quiz stopped",
        description=(
            f"You got **{summary.correct} of {summary.answered}** right"
            + ("." if finished else f" ({summary.total - summary.answered} not asked).")
        ),
        colour=RIGHT if summary.answered and summary.correct == summary.answered else BLURPLE,
    )
    embed.set_author(name=trim(summary.label, 250))
    if summary.missed:
        lines = [
            f"• {trim(q.prompt, 90)} → **{trim(q.right_answer, 80)}**"
            for q, _ in summary.missed[:8]
        ]
        if len(summary.missed) > 8:
            lines.append(f"… and {len(summary.missed) - 8} more")
        embed.add_field(name="To look at again", value=trim("\n".join(lines), 1024), inline=False)
    if summary.next_due is not None:
        when = discord.utils.format_dt(summary.next_due, "R")
        embed.add_field(
            name="Spaced repetition",
            value=f"Missed items come back soon, learned ones later. Your next item is due "
            f"{when}: type /quiz review then.",
            inline=False,
        )
    embed.set_footer(text="/quiz practice for more · /quiz stats for your progress")
    return embed


def nothing_due_text(result: NothingDue) -> str:
    if not result.has_cards:
        return (
            "Nothing to review yet: review brings back items you have practised. "
            "Start with /quiz practice."
        )
    if result.next_due is None:
        return "Nothing is due right now. Type /quiz practice for more."
    when = discord.utils.format_dt(result.next_due, "R")
    exact = discord.utils.format_dt(result.next_due, "f")
    return f"Nothing is due right now. Your next item is due {when} ({exact})."


def _bar(row: Progress) -> str:
    filled = round(5 * row.learned / row.total) if row.total else 0
    return "▰" * filled + "▱" * (5 - filled)


def _line(label: str, row: Progress) -> str:
    right = "" if row.accuracy is None else f" · {round(100 * row.accuracy)}% right"
    return f"`{_bar(row)}` {label}: {row.seen}/{row.total} seen · {row.learned} learned{right}"


def stats_embed(report: StatsReport) -> discord.Embed:
    accuracy = (
        f" · {round(100 * report.correct / report.attempts)}% right" if report.attempts else ""
    )
    embed = discord.Embed(
        title=f"Your progress · {report.title}",
        description=(
            f"**{report.seen} of {report.total}** items seen · **{report.learned}** learned "
            f"(box 3 or higher){accuracy}."
        ),
        colour=BLURPLE,
    )
    if report.due_now:
        embed.description = (embed.description or "") + (
            f"\n**{report.due_now}** due now: type /quiz review."
        )
    elif report.next_due is not None:
        when = discord.utils.format_dt(report.next_due, "R")
        embed.description = (embed.description or "") + f"\nNext item due {when}."
    paragraphs = [_line(f"¶{n}", row) for n, row in report.by_paragraph]
    embed.add_field(
        name="By paragraph", value=trim("\n".join(paragraphs) or "—", 1024), inline=False
    )
    actors = [_line(name, row) for _, name, row in report.by_actor]
    embed.add_field(name="By actor", value=trim("\n".join(actors) or "—", 1024), inline=False)
    if report.banks:
        banks = [f"{name}: {seen}/{total} seen" for name, seen, total in report.banks]
        embed.add_field(name="Other banks", value=trim("\n".join(banks), 1024), inline=False)
    embed.set_footer(text="▰ = learned · /quiz practice paragraph:N drills one paragraph")
    return embed
