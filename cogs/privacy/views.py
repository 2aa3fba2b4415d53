"""What `/privacy` shows, and its buttons (download, erase, confirm erase).

Each button's custom_id names the server and the person (``parley:privacy:<guild>:<user>:…``);
its scope admits only that person in that server, so nobody can download or erase another
student's data with a forged click.
"""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Callable
from typing import Any, ClassVar

import discord

from bot.domain.privacy import ErasureReport
from bot.domain.scope import Scope
from bot.services.privacy import PrivacyOverview
from cogs.common.interactions import NO_MENTIONS, bot_of, guarded, reply
from cogs.common.scope import Scoped

__all__ = ["DYNAMIC_ITEMS", "PrivacyButton", "overview_embed", "overview_view"]

log = logging.getLogger(__name__)

MAX_LISTED_SESSIONS = 10
# Discord accepts attachments of at least 10 MB from any bot; stay under it.
MAX_EXPORT_BYTES = 9_000_000


def _n(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def overview_embed(
    overview: PrivacyOverview,
    retention_days: int,
    label: Callable[[str, str | None], str] = lambda scenario, actor: actor or "no delegation",
) -> discord.Embed:
    """`label(scenario_id, actor_id)` names a delegation as the class knows it."""
    embed = discord.Embed(
        title="What Parley stores about you in this server",
        colour=discord.Colour.dark_teal(),
        description=(
            "Only what a class needs: your seat and messages in Parley's sessions, your "
            "votes and turns on the floor, and your quiz work. Nobody else sees this summary."
            if not overview.empty
            else "Nothing: Parley holds no record that names you here."
        ),
    )
    if overview.sessions:
        lines = [
            f"#{s.session_id} · {s.scenario_id} · "
            f"{label(s.scenario_id, s.actor_id)} · {_n(s.messages, 'message')} · "
            f"{s.created_at:%Y-%m-%d}{'' if s.status == 'ended' else ' (live)'}"
            for s in overview.sessions[:MAX_LISTED_SESSIONS]
        ]
        more = len(overview.sessions) - MAX_LISTED_SESSIONS
        if more > 0:
            lines.append(f"… and {more} more (all of them are in the download)")
        embed.add_field(name=f"Sessions ({len(overview.sessions)})", value="\n".join(lines)[:1024])
    embed.add_field(
        name="Messages",
        value=(
            f"{_n(overview.messages, 'message')} in session transcripts, "
            f"{_n(overview.earlier_versions, 'earlier version')} of edited ones"
        ),
        inline=False,
    )
    embed.add_field(
        name="Quiz history",
        value=(
            f"{_n(overview.quiz_answers, 'answer')} here ({overview.quiz_right} right), "
            f"{_n(overview.race_answers, 'race answer')}, "
            f"{_n(overview.leaderboard_points, 'leaderboard point')}; "
            f"private practice: {_n(overview.private_quiz_answers, 'answer')}, "
            f"{_n(overview.quiz_cards, 'card')}"
        ),
        inline=False,
    )
    if overview.other_rows:
        embed.add_field(
            name="Other records",
            value=f"{overview.other_rows} (proposals tabled, ballots, floor turns …)",
            inline=False,
        )
    keep = (
        f"Ended sessions and quiz history are deleted {retention_days} days after they end."
        if retention_days
        else "Ended sessions are kept until a facilitator or the operator deletes them."
    )
    embed.set_footer(text=keep)
    return embed


def overview_view(guild_id: int, user_id: int, *, empty: bool) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(PrivacyButton(guild_id, user_id, "download", disabled=empty))
    view.add_item(PrivacyButton(guild_id, user_id, "erase", disabled=empty))
    return view


def erasure_text(report: ErasureReport) -> str:
    if report.empty:
        return "There was nothing to erase."
    parts = [
        f"{_n(report.messages, 'message')} (and {_n(report.earlier_versions, 'earlier version')}) "
        "now read “[erased at the participant's request]”",
        f"{_n(report.quiz_answers + report.race_answers, 'quiz answer')} and "
        f"{_n(report.leaderboard_rows, 'leaderboard entry', 'leaderboard entries')} deleted",
    ]
    if report.references:
        parts.append(f"{_n(report.references, 'other record')} no longer name you")
    sessions = ", ".join(f"#{s}" for s in report.sessions[:20])
    touched = (
        f" Sessions whose record changed: {sessions}; their facilitators are told."
        if report.sessions
        else ""
    )
    return "Done. " + "; ".join(parts) + "." + touched


async def _tell_facilitators(interaction: discord.Interaction[Any], report: ErasureReport) -> None:
    """A private note to whoever created each touched session (not naming the student)."""
    bot = bot_of(interaction)
    told: set[int] = set()
    for session_id in report.sessions:
        session = await bot.sessions.get(session_id)
        if session is None or session.created_by in (interaction.user.id, *told):
            continue
        told.add(session.created_by)
        try:
            user = bot.get_user(session.created_by) or await bot.fetch_user(session.created_by)
            await user.send(
                f"A participant asked Parley to erase their data. Your session #{session_id} "
                "(and any other of yours listed in the log) now shows their messages as "
                "“[erased at the participant's request]” and them as “Erased participant”; "
                "everyone else's record is unchanged.",
                allowed_mentions=NO_MENTIONS,
            )
        except discord.HTTPException:
            log.info("Could not tell the creator of session %s about an erasure", session_id)


class PrivacyButton(
    Scoped,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"parley:privacy:(?P<guild>[0-9]+):(?P<user>[0-9]+):(?P<action>download|erase|erase-yes)",
):
    """Download my data / Erase my data… / Yes, erase (only the person themself, there)."""

    STYLE: ClassVar[dict[str, tuple[str, discord.ButtonStyle]]] = {
        "download": ("Download (JSON)", discord.ButtonStyle.primary),
        "erase": ("Erase my data…", discord.ButtonStyle.danger),
        "erase-yes": ("Yes, erase it", discord.ButtonStyle.danger),
    }

    def __init__(self, guild_id: int, user_id: int, action: str, *, disabled: bool = False) -> None:
        self.guild_id, self.user_id, self.action = guild_id, user_id, action
        label, style = self.STYLE[action]
        super().__init__(
            discord.ui.Button(
                label=label,
                style=style,
                disabled=disabled,
                custom_id=f"parley:privacy:{guild_id}:{user_id}:{action}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> PrivacyButton:
        return cls(int(match["guild"]), int(match["user"]), match["action"])

    async def scope(self, interaction: discord.Interaction[Any]) -> Scope | None:
        return Scope.of(self.guild_id, user_id=self.user_id)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await guarded(interaction, self._run(interaction))

    async def _run(self, interaction: discord.Interaction[Any]) -> None:
        privacy = bot_of(interaction).privacy
        if self.action == "download":
            await interaction.response.defer(ephemeral=True, thinking=True)
            data = await privacy.export(self.guild_id, self.user_id)
            body = json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
            if len(body) > MAX_EXPORT_BYTES:
                await reply(
                    interaction,
                    "Your data is larger than Discord lets Parley attach. Ask whoever runs "
                    "Parley for an export (it is the same data, from the terminal).",
                )
                return
            name = f"parley-my-data-{self.guild_id}.json"
            await interaction.followup.send(
                "Everything Parley stores about you in this server, as JSON.",
                file=discord.File(io.BytesIO(body), filename=name),
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
        elif self.action == "erase":
            view = discord.ui.View(timeout=None)
            view.add_item(PrivacyButton(self.guild_id, self.user_id, "erase-yes"))
            await reply(
                interaction,
                "Erase your data in this server? Your quiz history, race answers and "
                "leaderboard points are deleted, and your messages in session transcripts are "
                "replaced by “[erased at the participant's request]” (the class record keeps "
                "how many messages there were). Practice in DMs is erased too. This cannot be "
                "undone: download your data first if you want a copy.",
                view=view,
            )
        else:
            await interaction.response.defer(ephemeral=True, thinking=True)
            report = await privacy.erase(self.guild_id, self.user_id)
            await reply(interaction, erasure_text(report))
            await _tell_facilitators(interaction, report)


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (PrivacyButton,)
