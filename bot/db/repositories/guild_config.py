"""Per-server settings."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import GuildConfig


class GuildConfigRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, guild_id: int) -> GuildConfig | None:
        return await self._session.get(GuildConfig, guild_id)

    async def get_or_create(self, guild_id: int) -> GuildConfig:
        config = await self.get(guild_id)
        if config is None:
            config = GuildConfig(guild_id=guild_id)
            self._session.add(config)
            await self._session.flush()
        return config
