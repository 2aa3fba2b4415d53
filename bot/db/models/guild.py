"""Per-server settings."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, TimestampMixin
from bot.db.types import Snowflake


class GuildConfig(TimestampMixin, Base):
    """Per-server settings a facilitator changes with `/parley config`."""

    __tablename__ = "guild_config"

    guild_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    facilitator_role_id: Mapped[int | None] = mapped_column(Snowflake)
    private_space: Mapped[str] = mapped_column(String(16), default="thread")
