"""The central error handler: short private replies for users, tracebacks for the log."""

from __future__ import annotations

import logging
from typing import Any

from discord.ext import commands

from bot.client import ParleyBot
from bot.errors import UserFacingError
from cogs.common.errors import handle_interaction_error

log = logging.getLogger(__name__)


class ErrorHandler(commands.Cog):
    def __init__(self, bot: ParleyBot) -> None:
        self.bot = bot
        self._previous_tree_handler = bot.tree.on_error

    async def cog_load(self) -> None:
        self.bot.tree.on_error = handle_interaction_error  # type: ignore[method-assign]

    async def cog_unload(self) -> None:
        self.bot.tree.on_error = self._previous_tree_handler  # type: ignore[method-assign]

    @commands.Cog.listener()
    async def on_command_error(self, ctx: commands.Context[Any], error: Exception) -> None:
        """Prefix commands (mentions) are rare in Parley; answer them the same short way."""
        if isinstance(error, commands.CommandNotFound):
            return
        original = getattr(error, "original", error)
        if isinstance(original, UserFacingError):
            await ctx.reply(str(original), mention_author=False)
            return
        log.error("Command %s failed", ctx.command, exc_info=original)
        await ctx.reply(
            "Something went wrong on Parley's side. Nothing you typed was lost; try again.",
            mention_author=False,
        )


async def setup(bot: ParleyBot) -> None:
    await bot.add_cog(ErrorHandler(bot))
