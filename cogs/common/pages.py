"""Briefs on screen: page embeds in the actor's colour with its flag, and a Prev/Next pager.

The pager's buttons are dynamic items (``parley:brief:hanoi-2019:japan:3:next``), so a brief
opened before a restart still turns pages after it. Every page turn checks again that the reader
may see that brief: a facilitator, or a member who plays that actor in a live session here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import discord

from bot.content.models import Scenario
from bot.domain.brief_pages import (
    MESSAGE_EMBEDS_COUNT,
    MESSAGE_EMBEDS_TOTAL,
    TITLE_LIMIT,
    Page,
    background_pages,
    brief_pages,
    fit,
)
from bot.domain.scope import Scope
from bot.errors import UserFacingError
from cogs.common.checks import member_is_facilitator
from cogs.common.interactions import bot_of, guarded
from cogs.common.scope import Scoped

BRIEF = "brief"
BACKGROUND = "bg"
_SLUG = r"[a-z0-9-]+"
NOT_YOUR_BRIEF = (
    "That brief belongs to another delegation: only its members and facilitators can read it."
)


def pages_for(scenario: Scenario, kind: str, actor_id: str) -> list[Page]:
    return brief_pages(scenario, actor_id) if kind == BRIEF else background_pages(scenario)


def footer_for(kind: str, index: int, total: int) -> str:
    what = "Confidential brief — for your delegation only" if kind == BRIEF else "Public background"
    return f"{what} · page {index + 1} of {total}"


def page_embed(
    scenario: Scenario, kind: str, actor_id: str, pages: Sequence[Page], index: int
) -> discord.Embed:
    page = pages[index]
    if kind == BRIEF:
        actor = scenario.actor(actor_id)
        title = f"{actor.flag} {actor.name} · {page.title}"
        colour = discord.Colour(actor.colour)
    else:
        title = f"📰 {page.title}" if page.title != scenario.title else f"📰 {scenario.title}"
        colour = discord.Colour.blurple()
    embed = discord.Embed(
        title=fit(title, TITLE_LIMIT), description=page.description or None, colour=colour
    )
    for f in page.fields:
        embed.add_field(name=f.name, value=f.value, inline=False)
    embed.set_footer(text=footer_for(kind, index, len(pages)))
    return embed


def embed_chars(embed: discord.Embed) -> int:
    """Characters Discord counts towards the 6,000 per message."""
    return len(embed)


def message_groups(embeds: Sequence[discord.Embed]) -> list[list[discord.Embed]]:
    """Embeds packed into as few messages as Discord allows (10 embeds, 6,000 characters)."""
    groups: list[list[discord.Embed]] = []
    size = 0
    for embed in embeds:
        grows = embed_chars(embed)
        if (
            not groups
            or len(groups[-1]) >= MESSAGE_EMBEDS_COUNT
            or size + grows > MESSAGE_EMBEDS_TOTAL
        ):
            groups.append([])
            size = 0
        groups[-1].append(embed)
        size += grows
    return groups


def full_brief_messages(scenario: Scenario, actor_id: str) -> list[list[discord.Embed]]:
    """The whole brief as a few messages, for the delegation's private space."""
    pages = brief_pages(scenario, actor_id)
    return message_groups(
        [page_embed(scenario, BRIEF, actor_id, pages, i) for i in range(len(pages))]
    )


def pager(
    scenario: Scenario, kind: str, actor_id: str, index: int
) -> tuple[discord.Embed, discord.ui.View]:
    pages = pages_for(scenario, kind, actor_id)
    index = max(0, min(index, len(pages) - 1))
    view = pager_view(
        len(pages),
        index,
        lambda direction, off: PageButton(
            kind, scenario.id, actor_id, index, direction, disabled=off
        ),
        lambda: JumpSelect(kind, scenario.id, actor_id, pages, index),
    )
    return page_embed(scenario, kind, actor_id, pages, index), view


def pager_view(
    count: int,
    index: int,
    button: Callable[[str, bool], discord.ui.Item[Any]],
    jump: Callable[[], discord.ui.Item[Any]],
) -> discord.ui.View:
    """Every pager's layout (briefs, debrief): Prev / Next, greyed out at either end
    (`button(direction, disabled)`), and past two pages a "Jump to…" menu (`jump()`)."""
    view = discord.ui.View(timeout=None)
    view.add_item(button("prev", index == 0))
    view.add_item(button("next", index >= count - 1))
    if count > 2:
        view.add_item(jump())
    return view


async def ensure_may_read(
    interaction: discord.Interaction[Any], scenario_id: str, actor_id: str
) -> None:
    bot = bot_of(interaction)
    member = interaction.user
    if interaction.guild is None or not isinstance(member, discord.Member):
        raise UserFacingError("Briefs open in the class's server, not in direct messages.")
    if await member_is_facilitator(bot, member):
        return
    if await bot.sessions.may_read_brief(interaction.guild.id, member.id, scenario_id, actor_id):
        return
    raise UserFacingError(NOT_YOUR_BRIEF)


async def _turn(
    interaction: discord.Interaction[Any], kind: str, scenario_id: str, actor_id: str, index: int
) -> None:
    bot = bot_of(interaction)
    scenario = await bot.sessions.scenario_seen_by(
        interaction.guild_id, interaction.channel_id, interaction.user.id, scenario_id
    )
    if kind == BRIEF:
        await ensure_may_read(interaction, scenario_id, actor_id)
    embed, view = pager(scenario, kind, actor_id, index)
    if interaction.message is not None and interaction.message.flags.ephemeral:
        await interaction.response.edit_message(embed=embed, view=view)
    else:
        # A shared message (the brief in a delegation thread): give this reader a private copy.
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)


def pages_scope(interaction: discord.Interaction[Any], kind: str) -> Scope | None:
    """The background is public teaching material; a brief is read in a server, by someone
    allowed to read it there (checked again when the page turns)."""
    if kind != BRIEF:
        return Scope.anywhere()
    return None if interaction.guild_id is None else Scope.of(interaction.guild_id)


PAGE_LABELS: dict[str, str] = {"prev": "◀ Prev", "next": "Next ▶", "open": "📖 Open as pages"}


def page_button(
    direction: str, custom_id: str, *, disabled: bool = False
) -> discord.ui.Button[Any]:
    """A Prev / Next / "Open as pages" button: one look for every pager (briefs, debrief)."""
    return discord.ui.Button(
        label=PAGE_LABELS[direction],
        style=discord.ButtonStyle.secondary if direction == "prev" else discord.ButtonStyle.primary,
        custom_id=custom_id,
        disabled=disabled,
    )


def jump_select(custom_id: str, pages: Sequence[Page], current: int) -> discord.ui.Select[Any]:
    """A "Jump to…" menu over ``pages``: the same menu on every pager."""
    return discord.ui.Select(
        custom_id=custom_id, placeholder="Jump to a page…", options=jump_options(pages, current)
    )


def jumped_to(select: discord.ui.Select[Any]) -> int:
    """The page index a "Jump to…" menu was set to (the first page if none came through)."""
    values = select.values
    return int(values[0]) if values else 0


class PageButton(
    Scoped,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"parley:(?P<kind>brief|bg):(?P<scenario>{_SLUG}):(?P<actor>[a-z0-9-]*)"
    r":(?P<page>[0-9]+):(?P<dir>prev|next|open)",
):
    """Prev / Next (and "Open as pages" on the copy in a delegation thread)."""

    def __init__(
        self,
        kind: str,
        scenario_id: str,
        actor_id: str,
        page: int,
        direction: str,
        *,
        disabled: bool = False,
    ) -> None:
        self.kind, self.scenario_id, self.actor_id = kind, scenario_id, actor_id
        self.page, self.direction = page, direction
        super().__init__(
            page_button(
                direction,
                f"parley:{kind}:{scenario_id}:{actor_id}:{page}:{direction}",
                disabled=disabled,
            )
        )

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> PageButton:
        return cls(
            match["kind"], match["scenario"], match["actor"], int(match["page"]), match["dir"]
        )

    async def scope(self, interaction: discord.Interaction[Any]) -> Scope | None:
        return pages_scope(interaction, self.kind)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        step = {"prev": -1, "next": 1, "open": 0}[self.direction]
        await guarded(
            interaction,
            _turn(interaction, self.kind, self.scenario_id, self.actor_id, self.page + step),
        )


def jump_options(pages: Sequence[Page], current: int) -> list[discord.SelectOption]:
    """A "Jump to…" menu's options: one per page (Discord allows 25), the current one chosen."""
    return [
        discord.SelectOption(
            label=fit(f"{i + 1}. {page.title}", 100), value=str(i), default=i == current
        )
        for i, page in enumerate(pages[:25])
    ] or [discord.SelectOption(label="1", value="0")]


class JumpSelect(
    Scoped,
    discord.ui.DynamicItem[discord.ui.Select[Any]],
    template=rf"parley:(?P<kind>brief|bg):(?P<scenario>{_SLUG}):(?P<actor>[a-z0-9-]*):jump",
):
    """ "Jump to…" a page by its title: faster than Next on a phone."""

    def __init__(
        self,
        kind: str,
        scenario_id: str,
        actor_id: str,
        pages: Sequence[Page] = (),
        current: int = 0,
    ) -> None:
        self.kind, self.scenario_id, self.actor_id = kind, scenario_id, actor_id
        super().__init__(
            jump_select(f"parley:{kind}:{scenario_id}:{actor_id}:jump", pages, current)
        )

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> JumpSelect:
        return cls(match["kind"], match["scenario"], match["actor"])

    async def scope(self, interaction: discord.Interaction[Any]) -> Scope | None:
        return pages_scope(interaction, self.kind)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        index = jumped_to(self.item)
        await guarded(
            interaction, _turn(interaction, self.kind, self.scenario_id, self.actor_id, index)
        )


def open_pages_view(scenario_id: str, actor_id: str) -> discord.ui.View:
    """The button under the brief in a delegation thread: a private, paginated copy."""
    view = discord.ui.View(timeout=None)
    view.add_item(PageButton(BRIEF, scenario_id, actor_id, 0, "open"))
    return view


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (PageButton, JumpSelect)
