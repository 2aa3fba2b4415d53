"""The extension discord.py loads for this feature: it adds the feature's cogs.

A leaf module on purpose: unloading an extension drops it and its submodules from
`sys.modules`, and the feature's other modules must stay the ones the bot was built with.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.rounds import caucus_cog, floor_cog, round_cog

if TYPE_CHECKING:
    from bot.client import ParleyBot


async def setup(bot: ParleyBot) -> None:
    await round_cog.setup(bot)
    await floor_cog.setup(bot)
    await caucus_cog.setup(bot)
