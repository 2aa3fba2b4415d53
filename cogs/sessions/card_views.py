"""The public session card in the plenary: what to do, the roster, Join / My delegation / Leave.

The card shows counts per delegation, never a brief. Its buttons are dynamic items keyed by the
session id (``parley:session:42:join``), so a card posted before a restart keeps working.
"""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.content.models import Scenario
from bot.domain.scope import Scope
from bot.services.sessions import Roster
from cogs.common.interactions import bot_of, guarded
from cogs.common.scope import Scoped, session_scope

STAGE_TEXT = {
    "joining": (
        "**Press Join** to take part. Your facilitator then gives everyone a delegation and a "
        "confidential brief."
    ),
    "self_pick": (
        "**Press Join, then pick your delegation** in the menu. Places are capped so "
        "delegations stay balanced."
    ),
    "assigned": (
        "Delegations are set: press **My delegation** to see yours and open your brief. "
        "Arriving late? Press **Join**: you go to the smallest delegation."
    ),
}
ENDED_TEXT = "This session has ended. Thank you for negotiating!"


def card_embed(roster: Roster, scenario: Scenario) -> discord.Embed:
    session = roster.session
    live = session.live
    embed = discord.Embed(
        title=f"🕊️ {scenario.title} — class session #{session.id}",
        description=f"{scenario.summary}\n\n{STAGE_TEXT[session.stage] if live else ENDED_TEXT}",
        colour=discord.Colour.blurple() if live else discord.Colour.dark_grey(),
    )
    for delegation in roster.delegations:
        actor = scenario.actor(delegation.actor_id)
        count = len(delegation.members)
        if delegation.status == "absent":
            value = "not played" if not count else str(count)
        elif session.stage == "joining" or delegation.actor_id not in roster.caps:
            value = f"{count} {'member' if count == 1 else 'members'}"
        else:
            cap = roster.caps[delegation.actor_id]
            value = f"{count} of {cap}" + (" · full" if count >= cap and cap else "")
        embed.add_field(name=f"{actor.flag} {actor.name}", value=value, inline=True)
    joined = len(roster.participants)
    waiting = len(roster.unassigned)
    summary = f"{joined} joined"
    if session.stage != "joining" and waiting:
        summary += f" · {waiting} without a delegation yet"
    embed.add_field(name="Class", value=summary, inline=False)
    embed.set_footer(text="Briefs: /brief (private) · Background for all: /background")
    return embed


def card_view(roster: Roster, scenario: Scenario) -> discord.ui.View | None:
    session = roster.session
    if not session.live:
        return None
    view = discord.ui.View(timeout=None)
    view.add_item(JoinButton(session.id))
    view.add_item(MineButton(session.id))
    view.add_item(LeaveButton(session.id))
    if session.stage == "self_pick":
        view.add_item(PickSelect(session.id, pick_options(roster, scenario)))
    return view


def pick_options(roster: Roster, scenario: Scenario) -> list[discord.SelectOption]:
    options = []
    for delegation in roster.delegations:
        if delegation.status != "active":
            continue
        actor = scenario.actor(delegation.actor_id)
        cap = roster.caps.get(actor.id, 0)
        count = len(delegation.members)
        left = max(cap - count, 0)
        options.append(
            discord.SelectOption(
                label=actor.name,
                value=actor.id,
                emoji=actor.flag,
                description="full" if left == 0 else f"{left} of {cap} places left",
            )
        )
    return options


class JoinButton(
    Scoped,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"parley:session:(?P<id>[0-9]+):join",
):
    def __init__(self, session_id: int) -> None:
        self.session_id = session_id
        super().__init__(
            discord.ui.Button(
                label="Join",
                emoji="✋",
                style=discord.ButtonStyle.success,
                custom_id=f"parley:session:{session_id}:join",
            )
        )

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> JoinButton:
        return cls(int(match["id"]))

    async def scope(self, interaction: discord.Interaction[Any]) -> Scope | None:
        return await session_scope(interaction, self.session_id)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await guarded(
            interaction, bot_of(interaction).session_flow.join(interaction, self.session_id)
        )


class MineButton(
    Scoped,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"parley:session:(?P<id>[0-9]+):mine",
):
    def __init__(self, session_id: int) -> None:
        self.session_id = session_id
        super().__init__(
            discord.ui.Button(
                label="My delegation",
                emoji="📖",
                style=discord.ButtonStyle.primary,
                custom_id=f"parley:session:{session_id}:mine",
            )
        )

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> MineButton:
        return cls(int(match["id"]))

    async def scope(self, interaction: discord.Interaction[Any]) -> Scope | None:
        return await session_scope(interaction, self.session_id)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await guarded(
            interaction, bot_of(interaction).session_flow.mine(interaction, self.session_id)
        )


class LeaveButton(
    Scoped,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"parley:session:(?P<id>[0-9]+):leave",
):
    def __init__(self, session_id: int) -> None:
        self.session_id = session_id
        super().__init__(
            discord.ui.Button(
                label="Leave",
                style=discord.ButtonStyle.secondary,
                custom_id=f"parley:session:{session_id}:leave",
            )
        )

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> LeaveButton:
        return cls(int(match["id"]))

    async def scope(self, interaction: discord.Interaction[Any]) -> Scope | None:
        return await session_scope(interaction, self.session_id)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await guarded(
            interaction, bot_of(interaction).session_flow.leave(interaction, self.session_id)
        )


class PickSelect(
    Scoped,
    discord.ui.DynamicItem[discord.ui.Select[Any]],
    template=r"parley:session:(?P<id>[0-9]+):pick",
):
    """Self-pick: one option per delegation in play; caps are enforced by the database."""

    def __init__(self, session_id: int, options: list[discord.SelectOption] | None = None) -> None:
        self.session_id = session_id
        super().__init__(
            discord.ui.Select(
                custom_id=f"parley:session:{session_id}:pick",
                placeholder="Pick your delegation…",
                options=options or [discord.SelectOption(label="…", value="none")],
            )
        )

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> PickSelect:
        return cls(int(match["id"]))

    async def scope(self, interaction: discord.Interaction[Any]) -> Scope | None:
        return await session_scope(interaction, self.session_id)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        values = self.item.values
        actor_id = values[0] if values else ""
        await guarded(
            interaction,
            bot_of(interaction).session_flow.pick(interaction, self.session_id, actor_id),
        )


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    JoinButton,
    MineButton,
    LeaveButton,
    PickSelect,
)
