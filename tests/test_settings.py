"""Configuration: defaults that work, and one clear line for each mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import ConfigurationError, load_settings

ENV_NAMES = (
    "DISCORD_TOKEN",
    "DATABASE_URL",
    "DATA_DIR",
    "FACILITATOR_ROLE",
    "DEV_GUILD_ID",
    "LOG_LEVEL",
    "OWNER_IDS",
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env from the developer's checkout


def test_defaults_need_nothing(tmp_path: Path) -> None:
    settings = load_settings()
    assert settings.discord_token is None
    assert settings.resolved_database_url.startswith("sqlite+aiosqlite:///")
    assert settings.resolved_database_url.endswith("parley.sqlite3")
    assert settings.facilitator_role == "Facilitator"
    assert settings.dev_guild_id is None
    assert settings.log_level == "INFO"


def test_dotenv_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        "DISCORD_TOKEN=abc.def.ghi\nDEV_GUILD_ID=123456789012345678\nOWNER_IDS=1, 2\n"
        f"DATA_DIR={tmp_path / 'data'}\nlog_level=debug\n"
    )
    settings = load_settings()
    assert settings.discord_token is not None
    assert settings.discord_token.get_secret_value() == "abc.def.ghi"
    assert settings.dev_guild_id == 123456789012345678
    assert settings.owner_ids == [1, 2]
    assert settings.log_level == "DEBUG"
    assert str(tmp_path / "data") in settings.resolved_database_url


def test_environment_wins_over_dotenv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text("FACILITATOR_ROLE=Teacher\n")
    monkeypatch.setenv("FACILITATOR_ROLE", "Coach")
    assert load_settings().facilitator_role == "Coach"


def test_blank_values_mean_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "  ")
    monkeypatch.setenv("DEV_GUILD_ID", "")
    settings = load_settings()
    assert settings.discord_token is None
    assert settings.dev_guild_id is None


def test_token_is_never_printed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "secret.secret.secret")
    assert "secret.secret" not in repr(load_settings())


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("LOG_LEVEL", "loud", "LOG_LEVEL: must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL"),
        ("DEV_GUILD_ID", "my server", "DEV_GUILD_ID: input should be a valid integer"),
        ("DATABASE_URL", "mysql://x", "DATABASE_URL: must start with sqlite+aiosqlite://"),
        ("OWNER_IDS", "me", "OWNER_IDS"),
    ],
)
def test_invalid_settings_give_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError) as info:
        load_settings()
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith("Configuration error: ")
    assert expected in message
    assert ".env" in message
