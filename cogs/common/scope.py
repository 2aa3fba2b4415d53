"""The one guard every Parley button, menu and form goes through: the object it acts on must
belong to the server and channel of the interaction.

A custom_id names an object by id (``parley:session:12:join``); a forged interaction from
another server, or from a DM, can carry any id. So before any handler runs:

- every `DynamicItem` is a `Scoped` item: it says where its object lives (`scope`), and
  `Scoped.interaction_check` (which discord.py awaits before the callback) compares that with
  where the click happened. `ParleyBot.add_dynamic_items` refuses an item class that is not
  `Scoped`, so a new button cannot forget the check;
- every form routed by custom_id (`ModalRoute`) goes through `route_modal`, which applies the
  same comparison before its handler.

A refused interaction gets one short private sentence (`bot.domain.scope.REFUSAL`) and the log
a warning with the ids; nothing else happens. An object that does not exist is refused the same
way, so a forged id learns nothing.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import discord

from bot.domain.scope import REFUSAL, Scope, Where
from cogs.common.errors import handle_interaction_error, user_message
from cogs.common.interactions import NO_MENTIONS, bot_of

__all__ = [
    "ModalRoute",
    "Scoped",
    "admit",
    "race_scope",
    "route_modal",
    "run_scope",
    "session_scope",
    "where_of",
]

log = logging.getLogger(__name__)


def where_of(interaction: discord.Interaction[Any]) -> Where:
    channel = interaction.channel
    parent = getattr(channel, "parent_id", None)
    return Where(
        guild_id=interaction.guild_id,
        channel_id=interaction.channel_id,
        parent_id=int(parent) if parent is not None else None,
        user_id=interaction.user.id,
    )


def _custom_id(interaction: discord.Interaction[Any]) -> str:
    return str(dict(interaction.data or {}).get("custom_id", ""))[:100]


async def admit(interaction: discord.Interaction[Any], scope: Scope | None) -> bool:
    """True if the interaction may act on an object with this scope; otherwise answer with the
    short refusal (privately), log it, and return False."""
    where = where_of(interaction)
    if scope is not None and scope.admits(where):
        return True
    log.warning(
        "Refused %r: its object belongs elsewhere (guild %s, channel %s, user %s)",
        _custom_id(interaction),
        where.guild_id,
        where.channel_id,
        where.user_id,
    )
    try:
        if interaction.response.is_done():
            await interaction.followup.send(REFUSAL, ephemeral=True, allowed_mentions=NO_MENTIONS)
        else:
            await interaction.response.send_message(
                REFUSAL, ephemeral=True, allowed_mentions=NO_MENTIONS
            )
    except discord.HTTPException:
        log.exception("Could not send the refusal for %r", _custom_id(interaction))
    return False


async def session_scope(
    interaction: discord.Interaction[Any], session_id: int, *, any_channel: bool = False
) -> Scope | None:
    """A session's objects live in its server, in its plenary and its delegation and caucus
    threads; `any_channel`: anywhere in its server (a past debrief opened with `session:`)."""
    scope = await bot_of(interaction).scopes.session(session_id)
    if scope is None or not any_channel:
        return scope
    return Scope.of(scope.guild_id)


async def race_scope(interaction: discord.Interaction[Any], race_id: int) -> Scope | None:
    return await bot_of(interaction).scopes.race(race_id)


async def run_scope(interaction: discord.Interaction[Any], run_id: int) -> Scope | None:
    return await bot_of(interaction).scopes.run(run_id)


class Scoped:
    """Mixin for every Parley `DynamicItem`: put it first in the bases and define `scope`.

    ``class JoinButton(Scoped, discord.ui.DynamicItem[discord.ui.Button[Any]], template=…)``
    """

    async def scope(self, interaction: discord.Interaction[Any]) -> Scope | None:
        """Where the object this item acts on lives (None: nowhere, e.g. it does not exist)."""
        raise NotImplementedError

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        try:
            scope = await self.scope(interaction)
        except Exception as error:
            await handle_interaction_error(interaction, error)
            if user_message(error)[1]:
                log.exception("Scope lookup failed for %r", _custom_id(interaction))
            return False
        return await admit(interaction, scope)


ModalScope = Callable[[discord.Interaction[Any], re.Match[str]], Awaitable[Scope | None]]
ModalHandler = Callable[[discord.Interaction[Any], re.Match[str]], Awaitable[None]]


@dataclass(frozen=True)
class ModalRoute:
    """A form routed by its custom_id (so it works after a restart): where its object lives,
    and what to do with the submission."""

    pattern: re.Pattern[str]
    scope: ModalScope
    handle: ModalHandler


async def route_modal(interaction: discord.Interaction[Any], routes: Sequence[ModalRoute]) -> bool:
    """Run the route matching this modal submission, after the scope check. True if one
    matched (refused or not)."""
    if interaction.type is not discord.InteractionType.modal_submit:
        return False
    custom_id = str(dict(interaction.data or {}).get("custom_id", ""))
    for route in routes:
        match = route.pattern.fullmatch(custom_id)
        if match is None:
            continue
        try:
            if await admit(interaction, await route.scope(interaction, match)):
                await route.handle(interaction, match)
        except Exception as error:
            await handle_interaction_error(interaction, error)
            if user_message(error)[1]:
                raise
        return True
    return False
