"""`parley check --online`: ask Discord whether it answers, accepts the token, and will send what
Parley needs, without connecting to the gateway (so a running Parley is not disturbed)."""

from __future__ import annotations

from dataclasses import dataclass, field

import discord

__all__ = ["OnlineStatus", "check_online"]

MEMBERS_INTENT = "Server Members Intent"
MESSAGE_CONTENT_INTENT = "Message Content Intent"


@dataclass(frozen=True)
class OnlineStatus:
    bot_name: str
    application_id: int
    shards: int
    missing_intents: list[str] = field(default_factory=list)
    interactions_endpoint: str | None = None

    @property
    def problems(self) -> list[str]:
        found = []
        if self.missing_intents:
            verb = "is" if len(self.missing_intents) == 1 else "are"
            found.append(
                f"{' and '.join(self.missing_intents)} {verb} off: in the Developer Portal open "
                "your application → Bot → Privileged Gateway Intents, turn on both intents, and "
                "save."
            )
        if self.interactions_endpoint:
            found.append(
                f"the application sends its commands to {self.interactions_endpoint} instead of "
                "to Parley: clear 'Interactions Endpoint URL' on the Developer Portal's General "
                "Information page, and save."
            )
        return found


async def check_online(token: str) -> OnlineStatus:
    """Log in over HTTP (Discord answers, the token is accepted), read the application's flags
    (intents enabled) and the gateway's address. Raises what discord.py and aiohttp raise:
    `bot.cli.failures.explain` turns those into one line."""
    client = discord.Client(intents=discord.Intents.default())
    try:
        await client.login(token.strip())
        application = await client.application_info()
        gateway = await client.http.get_bot_gateway()
        flags = application.flags
        missing = []
        if not (flags.gateway_guild_members or flags.gateway_guild_members_limited):
            missing.append(MEMBERS_INTENT)
        if not (flags.gateway_message_content or flags.gateway_message_content_limited):
            missing.append(MESSAGE_CONTENT_INTENT)
        assert client.user is not None
        return OnlineStatus(
            bot_name=str(client.user),
            application_id=application.id,
            shards=int(gateway[0]),
            missing_intents=missing,
            interactions_endpoint=application.interactions_endpoint_url,
        )
    finally:
        await client.close()
