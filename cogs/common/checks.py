"""Server-side permission checks for app commands.

`default_permissions` only hides commands in the client; these checks are what actually stop a
student who finds a way to call one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import discord
from discord import app_commands

from bot.errors import UserFacingError

if TYPE_CHECKING:
    from bot.client import ParleyBot

T = TypeVar("T")


class NotFacilitatorError(app_commands.CheckFailure, UserFacingError):
    """The one "only facilitators can …" error, for commands (a failed check) and buttons alike;
    the central error handler shows it to the user as is."""

    def __init__(self, action: str = "do that") -> None:
        super().__init__(
            f"Only facilitators can {action}. Facilitators have Manage Server or the "
            "server's facilitator role."
        )


class GuildOnly(app_commands.CheckFailure):
    def __init__(self) -> None:
        super().__init__("This command works in a server channel, not in direct messages.")


async def member_is_facilitator(bot: ParleyBot, member: discord.Member) -> bool:
    """Manage Server, the role set by `/parley config facilitator-role`, or the configured name."""
    if member_has_facilitator_permissions(member):
        return True
    settings = await bot.guild_config.get(member.guild.id)
    return member_has_facilitator_role(
        member, settings.facilitator_role_id, bot.settings.facilitator_role
    )


def member_has_facilitator_permissions(member: discord.Member) -> bool:
    permissions = member.guild_permissions
    return permissions.manage_guild or permissions.administrator


def member_has_facilitator_role(
    member: discord.Member, role_id: int | None, role_name: str
) -> bool:
    """The server's facilitator role (by id), or a role named like `FACILITATOR_ROLE`."""
    if role_id is not None and any(role.id == role_id for role in member.roles):
        return True
    wanted = role_name.casefold()
    return any(role.name.casefold() == wanted for role in member.roles)


def facilitator_only(action: str) -> Callable[[T], T]:
    """Decorator: the command runs only for facilitators, in a server."""

    async def predicate(interaction: discord.Interaction[Any]) -> bool:
        if interaction.guild is None or not isinstance(interaction.user, discord.Member):
            raise GuildOnly()
        if not await member_is_facilitator(interaction.client, interaction.user):
            raise NotFacilitatorError(action)
        return True

    return app_commands.check(predicate)


async def require_facilitator(interaction: discord.Interaction[Any], action: str) -> discord.Member:
    """For buttons and menus (commands use `facilitator_only`): the clicker, if a facilitator."""
    member = interaction.user
    if interaction.guild is None or not isinstance(member, discord.Member):
        raise GuildOnly()
    if not await member_is_facilitator(interaction.client, member):
        raise NotFacilitatorError(action)
    return member


def guild_only() -> Callable[[T], T]:
    async def predicate(interaction: discord.Interaction[Any]) -> bool:
        if interaction.guild is None:
            raise GuildOnly()
        return True

    return app_commands.check(predicate)
