"""Per-server settings: who counts as a facilitator, and where delegations meet."""

from __future__ import annotations

from dataclasses import dataclass

from bot.db.engine import Database
from bot.errors import UserFacingError

PRIVATE_SPACE_KINDS = ("thread", "channel")

EVERYONE_REFUSED = (
    "@everyone can't be the facilitator role: every member of the server, students included, "
    "could then run and end sessions, open every delegation's confidential brief and download "
    "transcripts. Pick a role only teachers have."
)


def _role(guild_id: int, role_id: int | None) -> int | None:
    """A stored @everyone (its id is the server's) never counts: see `EVERYONE_REFUSED`."""
    return None if role_id == guild_id else role_id


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
            return ServerSettings(
                guild_id, _role(guild_id, config.facilitator_role_id), config.private_space
            )

    async def set_facilitator_role(self, guild_id: int, role_id: int | None) -> ServerSettings:
        """Members with this role are facilitators; @everyone is refused (it has the server's
        id), since it would make every student one."""
        if role_id == guild_id:
            raise UserFacingError(EVERYONE_REFUSED)
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
