"""Configuration from the environment and a `.env` file.

Every setting a teacher may need to touch is here, with a default that works on a laptop.
`load_settings` turns pydantic's multi-line validation report into one line a non-programmer can act
on, because a traceback at start-up is the worst first impression a bot can make.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.paths import DEFAULT_DATA_DIR

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class ConfigurationError(Exception):
    """A setting is missing or wrong; the message names it and says what to do."""


class Settings(BaseSettings):
    """Parley's settings. Environment variables win over `.env`, which wins over defaults."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
    )

    discord_token: SecretStr | None = Field(
        default=None, description="The bot token from the Discord Developer Portal."
    )
    database_url: str = Field(
        default="",
        description="SQLAlchemy URL; empty means an SQLite file in DATA_DIR.",
    )
    data_dir: Path = Field(default=DEFAULT_DATA_DIR, description="Where the SQLite file lives.")
    facilitator_role: str = Field(
        default="Facilitator",
        min_length=1,
        max_length=100,
        description="Members with this role (or Manage Server) run sessions.",
    )
    dev_guild_id: int | None = Field(
        default=None,
        description="A server id: slash commands are synced there instantly at start-up.",
    )
    log_level: str = Field(default="INFO", description="DEBUG, INFO, WARNING or ERROR.")
    retention_days: int = Field(
        default=365,
        ge=0,
        le=36500,
        description=(
            "Days an ended session (its transcript, roster and votes) and quiz history are "
            "kept before Parley deletes them; 0 keeps them until deleted by hand."
        ),
    )
    removed_guild_grace_days: int = Field(
        default=30,
        ge=0,
        le=3650,
        description=(
            "Days after Parley is removed from a server before everything about that server "
            "is deleted (cancelled if Parley is added back in time)."
        ),
    )
    owner_ids: Annotated[list[int], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated Discord user ids allowed to run owner commands.",
    )

    @field_validator("discord_token", "dev_guild_id", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        """`DISCORD_TOKEN=` as copied from .env.example means "not set", not an empty token."""
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("owner_ids", mode="before")
    @classmethod
    def _split_owner_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        if isinstance(value, int):
            return [value]
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in LOG_LEVELS:
            raise ValueError(f"must be one of {', '.join(LOG_LEVELS)}")
        return level

    @field_validator("database_url")
    @classmethod
    def _supported_backend(cls, value: str) -> str:
        value = value.strip()
        if value and not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError(
                "must start with sqlite+aiosqlite:// or postgresql+asyncpg:// (or be left empty)"
            )
        return value

    @property
    def resolved_database_url(self) -> str:
        """The URL actually used: the configured one, or an SQLite file in `data_dir`."""
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'parley.sqlite3').resolve()}"

    @property
    def log_level_number(self) -> int:
        return logging.getLevelNamesMapping()[self.log_level]


def _env_name(field: str) -> str:
    return field.upper()


def load_settings(**overrides: object) -> Settings:
    """Load settings, raising ConfigurationError with one clear line on the first problem."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "settings"
        message = first["msg"].removeprefix("Value error, ")
        message = message[:1].lower() + message[1:]
        raise ConfigurationError(
            f"Configuration error: {_env_name(field)}: {message} "
            f"(set it in .env or the environment; see .env.example)."
        ) from exc
