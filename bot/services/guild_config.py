"""Per-server settings: who counts as a facilitator, and where delegations meet."""

from __future__ import annotations

from dataclasses import dataclass

from bot.db.engine import Database

PRIVATE_SPACE_KINDS = ("thread", "channel")


@dataclass(frozen=True)
class ServerSettings:
    guild_id: int
    facilitator_role_id: int | None
    private_space: str


class GuildConfigService:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def get(self, guild_id: int) -> ServerSettings:
        async with self._db.transaction() as tx:
            config = await tx.guild_config.get(guild_id)
            if config is None:
                return ServerSettings(guild_id, None, "thread")
            return ServerSettings(guild_id, config.facilitator_role_id, config.private_space)

    async def set_facilitator_role(self, guild_id: int, role_id: int | None) -> ServerSettings:
        async with self._db.transaction() as tx:
            config = await tx.guild_config.get_or_create(guild_id)
            config.facilitator_role_id = role_id
            return ServerSettings(guild_id, config.facilitator_role_id, config.private_space)

    async def set_private_space(self, guild_id: int, kind: str) -> ServerSettings:
        if kind not in PRIVATE_SPACE_KINDS:
            raise ValueError(f"private space must be one of {PRIVATE_SPACE_KINDS}")
        async with self._db.transaction() as tx:
            config = await tx.guild_config.get_or_create(guild_id)
            config.private_space = kind
            return ServerSettings(guild_id, config.facilitator_role_id, config.private_space)
