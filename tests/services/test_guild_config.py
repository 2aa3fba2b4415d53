from __future__ import annotations

import pytest

from bot.db.engine import Database
from bot.errors import UserFacingError
from bot.services.guild_config import GuildConfigService


async def test_defaults_then_changes_persist(database: Database) -> None:
    service = GuildConfigService(database)
    assert (await service.get(10)).facilitator_role_id is None
    assert (await service.get(10)).private_space == "thread"

    await service.set_facilitator_role(10, 555)
    await service.set_private_space(10, "channel")

    again = await GuildConfigService(database).get(10)
    assert again.facilitator_role_id == 555
    assert again.private_space == "channel"

    await service.set_facilitator_role(10, None)
    assert (await service.get(10)).facilitator_role_id is None


async def test_unknown_private_space_kind_is_refused(database: Database) -> None:
    with pytest.raises(ValueError, match="thread"):
        await GuildConfigService(database).set_private_space(10, "voice")


async def test_everyone_is_refused_as_the_facilitator_role_and_never_counts(
    database: Database,
) -> None:
    service = GuildConfigService(database)
    await service.set_facilitator_role(10, 555)
    with pytest.raises(UserFacingError, match="every member of the server"):
        await service.set_facilitator_role(10, 10)  # @everyone's id is the server's
    assert (await service.get(10)).facilitator_role_id == 555  # unchanged
    async with database.transaction() as tx:  # stored before this guard existed
        (await tx.guild_config.get_or_create(10)).facilitator_role_id = 10
    assert (await service.get(10)).facilitator_role_id is None
