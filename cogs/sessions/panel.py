"""The facilitator's control panel: running a class without typing.

Extension point
---------------
A control is a `PanelControl` in the bot's `PanelControls` (`bot.panel_controls`, built by the
composition root with the bot; one per bot, never process-wide); the panel shows every added
control whose ``shown(session)`` is true, ordered by (row, order). Its button's custom_id is
``parley:session:<id>:panel:<key>``; one dynamic item (`PanelButton`) routes every click, after
checking on the server that the clicker is a facilitator and the session is live. Rounds add
theirs in their cog::

    async def cog_load(self) -> None:
        self.bot.panel_controls.add(PanelControl(
            key="round-start", label="Start", emoji="▶️", row=ROUND_ROW, order=0,
            handler=self.start_from_panel,   # async (interaction, SessionInfo) -> None
        ))

    async def cog_unload(self) -> None:
        self.bot.panel_controls.remove("round-start")

Rows: `ASSIGNMENT_ROW` (0) belongs to sessions, `ROUND_ROW` (1) is kept for start / pause /
+1 min / next, `SESSION_ROW` (4) holds "End session". A click on a control whose extension is not
loaded gets a short "not available" reply.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import discord

from bot.content.models import Scenario
from bot.domain.scope import Scope
from bot.errors import UserFacingError
from bot.services.sessions import Roster, SessionInfo
from cogs.common.checks import require_facilitator
from cogs.common.interactions import bot_of, guarded, reply
from cogs.common.scope import Scoped, session_scope

ASSIGNMENT_ROW = 0
ROUND_ROW = 1
SESSION_ROW = 4

PanelHandler = Callable[[discord.Interaction[Any], SessionInfo], Awaitable[None]]


@dataclass(frozen=True)
class PanelControl:
    key: str
    label: str
    handler: PanelHandler
    row: int = ASSIGNMENT_ROW
    order: int = 0
    style: discord.ButtonStyle = discord.ButtonStyle.secondary
    emoji: str | None = None
    shown: Callable[[SessionInfo], bool] = lambda session: True


class PanelControls:
    """The controls one bot's panel offers: each feature adds its own when its cog loads and
    removes them when it unloads, so a feature that is not loaded shows no buttons."""

    def __init__(self) -> None:
        self._controls: dict[str, PanelControl] = {}

    def add(self, control: PanelControl) -> None:
        if not re.fullmatch(r"[a-z0-9-]{1,40}", control.key):
            raise ValueError(f"panel control key {control.key!r}: lower-case letters, digits, '-'")
        self._controls[control.key] = control

    def remove(self, key: str) -> None:
        self._controls.pop(key, None)

    def get(self, key: str) -> PanelControl | None:
        return self._controls.get(key)

    def shown(self, session: SessionInfo) -> list[PanelControl]:
        """The controls to show for `session`, in panel order."""
        return sorted(
            (c for c in self._controls.values() if c.shown(session)),
            key=lambda c: (c.row, c.order),
        )


def panel_embed(roster: Roster, scenario: Scenario) -> discord.Embed:
    session = roster.session
    stage = {
        "joining": "Students are joining.",
        "self_pick": "Students are picking their delegations.",
        "assigned": "Delegations are set.",
    }[session.stage]
    embed = discord.Embed(
        title=f"Facilitator panel — {scenario.title} #{session.id}",
        description=(
            f"{stage} {len(roster.participants)} joined, {len(roster.unassigned)} without a "
            "delegation.\n"
            "**Let students pick** opens a menu with balanced caps · **Random deal** balances "
            "everyone (the seed lets you repeat it) · **Place the rest** seats whoever has no "
            "delegation · `/assign @student actor` for one student."
        ),
        colour=discord.Colour.dark_teal(),
    )
    if session.seed is not None:
        embed.add_field(name="Last random seed", value=str(session.seed))
    if scenario.record:
        embed.add_field(
            name="Public record",
            value=(
                "Shown: facts beyond the article, each with its source and date, labelled apart. "
                "**Article only** hides them."
                if session.record_cards
                else "Hidden: an article-only class. **Show public record** brings them back."
            ),
        )
    embed.set_footer(text="Only you see this panel. /session panel opens it again.")
    return embed


def panel_view(session: SessionInfo, controls: PanelControls) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for control in controls.shown(session):
        view.add_item(PanelButton(session.id, control))
    return view


class PanelButton(
    Scoped,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"parley:session:(?P<id>[0-9]+):panel:(?P<key>[a-z0-9-]+)",
):
    def __init__(self, session_id: int, control: PanelControl | None, key: str = "") -> None:
        self.session_id = session_id
        self.key = control.key if control else key
        super().__init__(
            discord.ui.Button(
                label=control.label if control else self.key,
                emoji=control.emoji if control else None,
                style=control.style if control else discord.ButtonStyle.secondary,
                row=control.row if control else None,
                custom_id=f"parley:session:{session_id}:panel:{self.key}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> PanelButton:
        return cls(int(match["id"]), None, match["key"])

    async def scope(self, interaction: discord.Interaction[Any]) -> Scope | None:
        return await session_scope(interaction, self.session_id)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await guarded(interaction, self._run(interaction))

    async def _run(self, interaction: discord.Interaction[Any]) -> None:
        await require_facilitator(interaction, "use the facilitator panel")
        control = bot_of(interaction).panel_controls.get(self.key)
        if control is None:
            raise UserFacingError("That control is not available right now.")
        session = await bot_of(interaction).sessions.require_live(self.session_id)
        await control.handler(interaction, session)


class AssignChoiceButton(
    Scoped,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"parley:session:(?P<id>[0-9]+):assign:(?P<user>[0-9]+):(?P<actor>[a-z0-9-]+)",
):
    """One button per candidate when `/assign` was ambiguous ("korea": North or South?)."""

    def __init__(self, session_id: int, user_id: int, actor_id: str, label: str = "") -> None:
        self.session_id, self.user_id, self.actor_id = session_id, user_id, actor_id
        super().__init__(
            discord.ui.Button(
                label=label or actor_id,
                style=discord.ButtonStyle.primary,
                custom_id=f"parley:session:{session_id}:assign:{user_id}:{actor_id}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> AssignChoiceButton:
        return cls(int(match["id"]), int(match["user"]), match["actor"])

    async def scope(self, interaction: discord.Interaction[Any]) -> Scope | None:
        return await session_scope(interaction, self.session_id)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await guarded(interaction, self._run(interaction))

    async def _run(self, interaction: discord.Interaction[Any]) -> None:
        await require_facilitator(interaction, "assign actors")
        bot = bot_of(interaction)
        session = await bot.sessions.require_live(self.session_id)
        await bot.session_flow.assign_exact(interaction, session, self.user_id, self.actor_id)


class ReshuffleButton(
    Scoped,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"parley:session:(?P<id>[0-9]+):reshuffle(?::(?P<seed>[0-9]+))?",
):
    """The confirmation of a random deal once delegations are set and briefs are out."""

    def __init__(self, session_id: int, seed: int | None = None) -> None:
        self.session_id, self.seed = session_id, seed
        suffix = "" if seed is None else f":{seed}"
        super().__init__(
            discord.ui.Button(
                label="Yes, reshuffle every delegation",
                style=discord.ButtonStyle.danger,
                custom_id=f"parley:session:{session_id}:reshuffle{suffix}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> ReshuffleButton:
        return cls(int(match["id"]), int(match["seed"]) if match["seed"] else None)

    async def scope(self, interaction: discord.Interaction[Any]) -> Scope | None:
        return await session_scope(interaction, self.session_id)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await guarded(interaction, self._run(interaction))

    async def _run(self, interaction: discord.Interaction[Any]) -> None:
        await require_facilitator(interaction, "hand out delegations")
        bot = bot_of(interaction)
        session = await bot.sessions.require_live(self.session_id)
        flow = bot.session_flow
        await flow.from_panel(interaction, session, lambda i, s: flow.deal_random(i, s, self.seed))


RESHUFFLE_WARNING = (
    "Reshuffle every delegation of session #{sid}? Delegations are set and their briefs are "
    "out: every student may change delegation after reading one confidential brief, and the "
    "threads and roles follow the new deal. The round is not restarted."
)


def reshuffle_confirmation(session_id: int, seed: int | None) -> tuple[str, discord.ui.View]:
    view = discord.ui.View(timeout=None)
    view.add_item(ReshuffleButton(session_id, seed))
    return RESHUFFLE_WARNING.format(sid=session_id), view


class PurgeButton(
    Scoped,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"parley:session:(?P<id>[0-9]+):purge",
):
    """The confirmation of `/session purge`: delete an ended session's whole record."""

    def __init__(self, session_id: int) -> None:
        self.session_id = session_id
        super().__init__(
            discord.ui.Button(
                label="Yes, delete it for good",
                style=discord.ButtonStyle.danger,
                custom_id=f"parley:session:{session_id}:purge",
            )
        )

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> PurgeButton:
        return cls(int(match["id"]))

    async def scope(self, interaction: discord.Interaction[Any]) -> Scope | None:
        """An ended session may be purged from any channel of its server (its own may be gone)."""
        return await session_scope(interaction, self.session_id, any_channel=True)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await guarded(interaction, self._run(interaction))

    async def _run(self, interaction: discord.Interaction[Any]) -> None:
        await require_facilitator(interaction, "delete a session's record")
        report = await bot_of(interaction).privacy.purge_session(
            self.session_id, guild_id=interaction.guild_id
        )
        await reply(interaction, f"Session #{self.session_id} deleted: {report.summary()}.")


def purge_confirmation(session_id: int, counted: str) -> tuple[str, discord.ui.View]:
    view = discord.ui.View(timeout=None)
    view.add_item(PurgeButton(session_id))
    return (
        f"Delete session #{session_id} for good? That is {counted}: its transcript, roster, "
        "proposals, votes and floor turns, and so its debrief and gradebook. This cannot be "
        "undone (download the transcript or gradebook first if you need them).",
        view,
    )


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    PanelButton,
    AssignChoiceButton,
    ReshuffleButton,
    PurgeButton,
)
