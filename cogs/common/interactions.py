"""What every Parley button and menu shares: the bot behind an interaction, and error routing.

discord.py only logs exceptions raised by a `DynamicItem` callback (they never reach
`View.on_error`), so each callback runs through `guarded`: the user gets the central handler's
short reply, and a genuine bug is re-raised for the log.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any, cast

import discord

from cogs.common.errors import handle_interaction_error, user_message

if TYPE_CHECKING:
    from bot.client import ParleyBot

NO_MENTIONS = discord.AllowedMentions.none()


def bot_of(interaction: discord.Interaction[Any]) -> ParleyBot:
    return cast("ParleyBot", interaction.client)


async def guarded(interaction: discord.Interaction[Any], action: Awaitable[None]) -> None:
    try:
        await action
    except Exception as error:
        await handle_interaction_error(interaction, error)
        _, is_bug = user_message(error)
        if is_bug:
            raise


async def reply(
    interaction: discord.Interaction[Any],
    content: str | None = None,
    *,
    embed: discord.Embed | None = None,
    embeds: list[discord.Embed] | None = None,
    view: discord.ui.View | None = None,
    ephemeral: bool = True,
) -> None:
    """Answer privately, whether or not the interaction was deferred."""
    kwargs: dict[str, Any] = {"content": content, "ephemeral": ephemeral}
    kwargs["allowed_mentions"] = NO_MENTIONS
    if embed is not None:
        kwargs["embed"] = embed
    if embeds is not None:
        kwargs["embeds"] = embeds
    if view is not None:
        kwargs["view"] = view
    if interaction.response.is_done():
        await interaction.followup.send(**kwargs)
    else:
        await interaction.response.send_message(**kwargs)
