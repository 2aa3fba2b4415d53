"""Turn any exception raised while handling an interaction into a short, private reply.

One function serves the command tree, every view and every modal, so a student always gets the same
kind of answer: what went wrong and what to do, never a traceback. Bugs are logged with a reference
the student can show the teacher.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any, cast

import discord
from discord import app_commands

from bot.domain.echo import echo
from bot.errors import UserFacingError

log = logging.getLogger(__name__)

UNEXPECTED = (
    "Something went wrong on Parley's side (reference {ref}). Nothing you typed was lost. "
    "Try again, or show this reference to your facilitator."
)


def unwrap(error: BaseException) -> BaseException:
    """The exception the handler raised, without discord.py's wrapper."""
    if isinstance(error, app_commands.CommandInvokeError):
        return error.original
    if isinstance(error, app_commands.TransformerError) and isinstance(
        error.__cause__, UserFacingError
    ):
        return error.__cause__
    return error


def user_message(error: BaseException) -> tuple[str, bool]:
    """(text for the user, whether this is a bug worth a traceback in the log)."""
    error = unwrap(error)
    if isinstance(error, UserFacingError):
        return str(error), False
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down a little: try again in {error.retry_after:.0f} s.", False
    if isinstance(error, app_commands.BotMissingPermissions):
        missing = ", ".join(p.replace("_", " ").title() for p in error.missing_permissions)
        return f"Parley needs the {missing} permission here. Ask a server admin to grant it.", False
    if isinstance(error, app_commands.MissingPermissions):
        missing = ", ".join(p.replace("_", " ").title() for p in error.missing_permissions)
        return f"You need the {missing} permission to do that.", False
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command works in a server channel, not in direct messages.", False
    if isinstance(error, app_commands.TransformerError):
        return f"I couldn't understand “{echo(str(error.value))}”. Check it and try again.", False
    if isinstance(error, app_commands.CheckFailure):
        return (str(error) or "You can't use this command here."), False
    if isinstance(error, discord.Forbidden):
        return (
            "Discord refused Parley permission for that. Ask a server admin to check Parley's "
            "role permissions (see the README).",
            True,
        )
    return UNEXPECTED, True


async def handle_interaction_error(
    interaction: discord.Interaction[Any], error: BaseException
) -> None:
    text, is_bug = user_message(error)
    if is_bug:
        ref = secrets.token_hex(3).upper()
        text = text.format(ref=ref)
        command = interaction.command.qualified_name if interaction.command else None
        custom_id = cast(dict[str, Any], interaction.data or {}).get("custom_id")
        log.error(
            "Interaction failed (ref %s; command=%s custom_id=%s user=%s guild=%s)",
            ref,
            command,
            custom_id,
            interaction.user.id,
            interaction.guild_id,
            exc_info=unwrap(error),
        )
    await send_ephemeral(interaction, text)


async def send_ephemeral(interaction: discord.Interaction[Any], text: str) -> None:
    """Reply privately whether or not the interaction was already answered."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(
                text, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
            )
        else:
            await interaction.response.send_message(
                text, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
            )
    except discord.HTTPException:
        log.exception("Could not tell the user about an error")
