"""The debrief on screen: one page per embed, Prev / Next / Jump, and the archive button.

The debrief is one public message in the plenary. When the facilitator turns a page, that
message changes (the class follows on the projector); when a student does, they get a private
copy at that page to read at their own pace. The buttons are dynamic items
(``parley:debrief:42:3:next``), so a debrief posted before a restart still turns pages.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import discord

from bot.domain.brief_pages import Page, fit
from bot.domain.scope import Scope
from cogs.common.interactions import bot_of, guarded
from cogs.common.pages import jump_select, jumped_to, page_button, pager_view
from cogs.common.scope import Scoped, session_scope
from cogs.negotiation.proposal_views import student_text

__all__ = [
    "DYNAMIC_ITEMS",
    "ArchiveButton",
    "DebriefJump",
    "DebriefPageButton",
    "archive_view",
    "debrief_embed",
    "debrief_view",
]

COLOURS = {
    "outcome": discord.Colour.gold(),
    "history": discord.Colour.dark_gold(),
    "argument": discord.Colour.dark_gold(),
    "reveal": discord.Colour.purple(),
    "scorecards": discord.Colour.teal(),
    "participation": discord.Colour.blue(),
    "reflection": discord.Colour.green(),
}


def debrief_embed(pages: Sequence[Page], index: int, session_id: int) -> discord.Embed:
    page = pages[index]
    embed = discord.Embed(
        title=fit(page.title, 256),
        description=fit(student_text(page.description), 4096) or None,
        colour=COLOURS.get(page.section, discord.Colour.blurple()),
    )
    for f in page.fields:
        embed.add_field(
            name=fit(student_text(f.name), 256),
            value=fit(student_text(f.value), 1024),
            inline=False,
        )
    embed.set_footer(text=f"Debrief · session #{session_id} · page {index + 1} of {len(pages)}")
    return embed


def debrief_view(session_id: int, pages: Sequence[Page], index: int) -> discord.ui.View:
    return pager_view(
        len(pages),
        index,
        lambda direction, off: DebriefPageButton(session_id, index, direction, disabled=off),
        lambda: DebriefJump(session_id, pages, index),
    )


def archive_view(session_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ArchiveButton(session_id))
    return view


class _DebriefScoped(Scoped):
    """The debrief items' shared scope: the session their custom_id names."""

    session_id: int

    async def scope(self, interaction: discord.Interaction[Any]) -> Scope | None:
        """A past session's debrief may be opened anywhere in its server (`/debrief session:`)."""
        return await session_scope(interaction, self.session_id, any_channel=True)


class DebriefPageButton(
    _DebriefScoped,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"parley:debrief:(?P<sid>[0-9]+):(?P<page>[0-9]+):(?P<dir>prev|next)",
):
    def __init__(
        self, session_id: int, page: int, direction: str, *, disabled: bool = False
    ) -> None:
        self.session_id, self.page, self.direction = session_id, page, direction
        super().__init__(
            page_button(
                direction, f"parley:debrief:{session_id}:{page}:{direction}", disabled=disabled
            )
        )

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> DebriefPageButton:
        return cls(int(match["sid"]), int(match["page"]), match["dir"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        step = 1 if self.direction == "next" else -1
        flow = bot_of(interaction).debrief_flow
        await guarded(interaction, flow.turn(interaction, self.session_id, self.page + step))


class DebriefJump(
    _DebriefScoped,
    discord.ui.DynamicItem[discord.ui.Select[Any]],
    template=r"parley:debrief:(?P<sid>[0-9]+):jump",
):
    """ "Jump to…" a page by its title: faster than Next on a phone."""

    def __init__(self, session_id: int, pages: Sequence[Page] = (), current: int = 0) -> None:
        self.session_id = session_id
        super().__init__(jump_select(f"parley:debrief:{session_id}:jump", pages, current))

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> DebriefJump:
        return cls(int(match["sid"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        flow = bot_of(interaction).debrief_flow
        await guarded(interaction, flow.turn(interaction, self.session_id, jumped_to(self.item)))


class ArchiveButton(
    _DebriefScoped,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"parley:debrief:(?P<sid>[0-9]+):archive",
):
    """Facilitators: open every delegation thread to the whole class, read-only."""

    def __init__(self, session_id: int) -> None:
        self.session_id = session_id
        super().__init__(
            discord.ui.Button(
                label="Open delegation threads to the class",
                emoji="📂",
                style=discord.ButtonStyle.primary,
                custom_id=f"parley:debrief:{session_id}:archive",
            )
        )

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> ArchiveButton:
        return cls(int(match["sid"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        flow = bot_of(interaction).debrief_flow
        await guarded(interaction, flow.open_archive(interaction, self.session_id))


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    DebriefPageButton,
    DebriefJump,
    ArchiveButton,
)
