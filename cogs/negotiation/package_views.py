"""Building a package on a phone: a select menu per agenda item, then a confirmation.

`/propose` in a scenario with options opens the **builder** privately: one select per agenda
item (its options, and "Leave it out"), at most `ITEMS_PER_PAGE` per page so that the fifth row
keeps the buttons (◀ / ▶ between pages, **Review**). **Review** shows the whole package, how it
is decided and what it is worth to the student's delegation, with **Table it** and **Change**.

Every select and button is a dynamic item whose custom_id carries the session, the proposal
being amended (0 for a new one), the page and the draft (`bot.domain.package_builder`): nothing
is held in memory, so a half-built package survives a restart, and two students of one
delegation building at once never overwrite each other.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, ClassVar

import discord

from bot.content.models import Scenario
from bot.domain.brief_pages import fit
from bot.domain.deal_space import Package
from bot.domain.package_builder import (
    LEAVE_OUT,
    decode_draft,
    item_pages,
    package_lines,
    rule_lines,
    select_choices,
    worth_lines,
)
from bot.domain.scope import Scope
from cogs.common.interactions import bot_of, guarded
from cogs.common.scope import Scoped, session_scope

__all__ = [
    "DYNAMIC_ITEMS",
    "PackageButton",
    "PackageSelect",
    "builder_embed",
    "builder_view",
    "review_embed",
    "review_view",
    "worth_embed",
]

BUILDER_COLOUR = discord.Colour.blurple()
_PREFIX = r"parley:pkg:(?P<sid>[0-9]+):(?P<amend>[0-9]+):(?P<page>[0-9]+):(?P<draft>[0-9]*)"


def _ids(session_id: int, amend: int, page: int, draft: str) -> str:
    return f"parley:pkg:{session_id}:{amend}:{page}:{draft}"


def builder_embed(scenario: Scenario, draft: str, page: int, amend: int = 0) -> discord.Embed:
    """The package so far, every item listed, above the selects of this page."""
    pages = item_pages(scenario)
    title = f"Amend proposal {amend}" if amend else "Build a package"
    lead = (
        "Pick one option per item, or leave the item out. Then press **Review**."
        if len(pages) == 1
        else f"Page {page + 1} of {len(pages)}: pick one option per item, or leave it out. "
        "◀ ▶ turn the pages; **Review** shows the whole package."
    )
    lines = package_lines(scenario, decode_draft(scenario, draft))
    return discord.Embed(
        title=title, description=fit(lead + "\n\n" + "\n".join(lines), 4000), colour=BUILDER_COLOUR
    )


def builder_view(
    scenario: Scenario, session_id: int, draft: str, page: int, amend: int = 0
) -> discord.ui.View:
    pages = item_pages(scenario)
    page = max(0, min(page, len(pages) - 1))
    chosen = decode_draft(scenario, draft)
    view = discord.ui.View(timeout=None)
    positions = {item.id: i for i, item in enumerate(scenario.agenda)}
    for row, agenda_id in enumerate(pages[page]):
        view.add_item(
            PackageSelect(
                scenario, session_id, amend, page, draft, positions[agenda_id], chosen, row
            )
        )
    last = len(pages[page])
    if len(pages) > 1:
        view.add_item(PackageButton(session_id, amend, page, draft, "prev", last, page == 0))
        view.add_item(
            PackageButton(session_id, amend, page, draft, "next", last, page == len(pages) - 1)
        )
    view.add_item(PackageButton(session_id, amend, page, draft, "review", last))
    return view


def review_embed(
    scenario: Scenario,
    draft: str,
    amend: int,
    worth: tuple[list[tuple[str, str, int]], int, int] | None,
) -> discord.Embed:
    """The confirmation: the whole package, how it is decided, and (privately) its worth."""
    choices = decode_draft(scenario, draft)
    package = Package.of(choices, [item.id for item in scenario.agenda])
    title = (
        f"Table this as the new version of proposal {amend}?" if amend else "Table this package?"
    )
    embed = discord.Embed(
        title=title,
        description=fit("\n".join(package_lines(scenario, choices)), 4000),
        colour=BUILDER_COLOUR,
    )
    embed.add_field(
        name="How it is decided",
        value=fit("\n".join(rule_lines(scenario, package)), 1024),
        inline=False,
    )
    if worth is not None:
        lines, points, no_deal = worth
        embed.add_field(
            name="What it is worth to your delegation (only you see this)",
            value=fit("\n".join(worth_lines(scenario, lines, points, no_deal)), 1024),
            inline=False,
        )
    return embed


def review_view(session_id: int, draft: str, amend: int, *, empty: bool) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(PackageButton(session_id, amend, 0, draft, "table", 0, empty))
    view.add_item(PackageButton(session_id, amend, 0, draft, "edit", 0))
    return view


def worth_embed(
    scenario: Scenario,
    number: int,
    actor_label: str,
    lines: list[tuple[str, str, int]],
    points: int,
    no_deal: int,
) -> discord.Embed:
    """The private answer to "What is it worth to us?"."""
    beats = points > no_deal
    return discord.Embed(
        title=f"Proposal {number}: worth to {actor_label}",
        description=fit("\n".join(worth_lines(scenario, lines, points, no_deal)), 4000)
        + "\n\nOnly you see this. Other delegations have their own numbers.",
        colour=discord.Colour.green() if beats else discord.Colour.red(),
    )


class PackageSelect(
    Scoped,
    discord.ui.DynamicItem[discord.ui.Select[Any]],
    template=_PREFIX + r":(?P<item>[0-9]+)",
):
    """One agenda item's options; picking one redraws the builder with the new draft."""

    def __init__(
        self,
        scenario: Scenario | None,
        session_id: int,
        amend: int,
        page: int,
        draft: str,
        item: int,
        chosen: Mapping[str, str | None] | None = None,
        row: int = 0,
    ) -> None:
        self.session_id, self.amend, self.page, self.draft = session_id, amend, page, draft
        self.position = item  # ``item`` is DynamicItem's wrapped component
        options = []
        placeholder = "Choose"
        if scenario is not None and 0 <= item < len(scenario.agenda):
            agenda = scenario.agenda[item]
            placeholder = fit(agenda.title, 150)
            current = (chosen or {}).get(agenda.id)
            options = [
                discord.SelectOption(
                    label=c.label, value=c.value, description=c.description, default=c.default
                )
                for c in select_choices(scenario, agenda.id, current)
            ]
        super().__init__(
            discord.ui.Select(
                custom_id=f"{_ids(session_id, amend, page, draft)}:{item}",
                placeholder=placeholder,
                options=options or [discord.SelectOption(label="…", value=LEAVE_OUT)],
                min_values=1,
                max_values=1,
                row=row,
            )
        )

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> PackageSelect:
        return cls(
            None,
            int(match["sid"]),
            int(match["amend"]),
            int(match["page"]),
            match["draft"],
            int(match["item"]),
        )

    async def scope(self, interaction: discord.Interaction[Any]) -> Scope | None:
        return await session_scope(interaction, self.session_id)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        data: Any = interaction.data or {}
        values = list(data.get("values") or [])
        picked = str(values[0]) if values else LEAVE_OUT
        flow = bot_of(interaction).negotiation_flow
        await guarded(
            interaction,
            flow.package_pick(
                interaction,
                self.session_id,
                self.amend,
                self.page,
                self.draft,
                self.position,
                picked,
            ),
        )


class PackageButton(
    Scoped,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=_PREFIX + r":(?P<action>prev|next|review|table|edit)",
):
    """◀ / ▶ between pages, Review, and on the confirmation Table it / Change."""

    STYLE: ClassVar[dict[str, tuple[str, str | None, discord.ButtonStyle]]] = {
        "prev": ("Back", "◀️", discord.ButtonStyle.secondary),
        "next": ("More items", "▶️", discord.ButtonStyle.secondary),
        "review": ("Review", "🔎", discord.ButtonStyle.primary),
        "table": ("Table it", "✅", discord.ButtonStyle.success),
        "edit": ("Change", "✏️", discord.ButtonStyle.secondary),
    }

    def __init__(
        self,
        session_id: int,
        amend: int,
        page: int,
        draft: str,
        action: str,
        row: int = 0,
        disabled: bool = False,
    ) -> None:
        self.session_id, self.amend, self.page, self.draft, self.action = (
            session_id,
            amend,
            page,
            draft,
            action,
        )
        label, emoji, style = self.STYLE[action]
        super().__init__(
            discord.ui.Button(
                label=label,
                emoji=emoji,
                style=style,
                row=min(row, 4),
                disabled=disabled,
                custom_id=f"{_ids(session_id, amend, page, draft)}:{action}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> PackageButton:
        return cls(
            int(match["sid"]),
            int(match["amend"]),
            int(match["page"]),
            match["draft"],
            match["action"],
        )

    async def scope(self, interaction: discord.Interaction[Any]) -> Scope | None:
        return await session_scope(interaction, self.session_id)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        flow = bot_of(interaction).negotiation_flow
        await guarded(
            interaction,
            flow.package_button(
                interaction, self.session_id, self.amend, self.page, self.draft, self.action
            ),
        )


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (PackageSelect, PackageButton)
