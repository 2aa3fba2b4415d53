"""A test extension: one timer kind whose handler announces in a channel, as phase ends will.

Loaded with `make_parley(extensions=(*EXTENSIONS, "tests.wire.timer_probe"))`. The handler is
idempotent the way real ones must be: it posts once per timer key.
"""

from __future__ import annotations

import discord

from bot.client import ParleyBot
from bot.services.timers import DueTimer

KIND = "probe_announce"


async def setup(bot: ParleyBot) -> None:
    announced: set[str] = set()

    async def announce(timer: DueTimer) -> None:
        if timer.key in announced:
            return
        channel = bot.get_partial_messageable(int(timer.payload["channel_id"]))
        late = " (late: Parley was offline when it was due)" if timer.late else ""
        await channel.send(
            f"Time for {timer.payload['what']}{late}.",
            allowed_mentions=discord.AllowedMentions.none(),
        )
        announced.add(timer.key)

    bot.timers.register(KIND, announce)


async def teardown(bot: ParleyBot) -> None:
    bot.timers.unregister(KIND)
