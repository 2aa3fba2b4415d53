"""The extension discord.py loads for this feature: it adds the feature's cog.

A leaf module on purpose: unloading an extension drops it and its submodules from
`sys.modules`, and the feature's other modules must stay the ones the bot was built with.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.privacy import cog

if TYPE_CHECKING:
    from bot.client import ParleyBot


async def setup(bot: ParleyBot) -> None:
    await cog.setup(bot)
