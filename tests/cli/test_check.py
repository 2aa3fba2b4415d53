"""`parley check` checks what `parley run` needs, and fails with one clear line per problem."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from bot.cli.failures import TOKEN_MALFORMED, TOKEN_MISSING
from bot.cli.parley import main
from bot.db.engine import Database
from bot.db.migrate import upgrade
from bot.exit_codes import EXIT_FAILURE, EXIT_OK
from tests.cli.fake_discord import MEMBERS, TOKEN, FakeDiscord
from tests.cli.fake_discord import fake_discord as fake_discord  # the fixture
from tests.cli.test_main import run_parley

GOOD_SHAPE = "MTIzNDU2.abcdef.ghijklmnop"


def fails_with(result_stderr: str, line: str) -> None:
    assert f"FAIL {line}" in result_stderr.splitlines(), result_stderr
    assert "Traceback" not in result_stderr


@pytest.mark.parametrize(
    ("token", "message"),
    [(None, TOKEN_MISSING), ("client-secret-by-mistake", TOKEN_MALFORMED)],
)
def test_a_missing_or_malformed_token_fails(
    tmp_path: Path, token: str | None, message: str
) -> None:
    env = {"DATA_DIR": str(tmp_path)}
    if token is not None:
        env["DISCORD_TOKEN"] = token
    result = run_parley("check", cwd=tmp_path, env=env)
    assert result.returncode == EXIT_FAILURE
    fails_with(result.stderr, message)
    assert "Parley is ready to run." not in result.stdout
    assert "client-secret-by-mistake" not in result.stdout + result.stderr


def test_an_unreachable_database_fails(tmp_path: Path) -> None:
    result = run_parley(
        "check",
        cwd=tmp_path,
        env={
            "DISCORD_TOKEN": GOOD_SHAPE,
            "DATABASE_URL": "postgresql+asyncpg://postgres@127.0.0.1:1/parley",
        },
    )
    assert result.returncode == EXIT_FAILURE
    (line,) = [x for x in result.stderr.splitlines() if x.startswith("FAIL ")]
    assert line.startswith("FAIL Cannot reach PostgreSQL at 127.0.0.1:1: is the PostgreSQL")


def test_a_database_never_migrated_fails(tmp_path: Path) -> None:
    (tmp_path / "parley.sqlite3").touch()
    result = run_parley(
        "check", cwd=tmp_path, env={"DISCORD_TOKEN": GOOD_SHAPE, "DATA_DIR": str(tmp_path)}
    )
    assert result.returncode == EXIT_FAILURE
    (line,) = [x for x in result.stderr.splitlines() if x.startswith("FAIL ")]
    assert "not set up for Parley yet" in line and "parley db upgrade" in line


def test_an_older_database_fails_and_a_current_one_passes(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'parley.sqlite3'}"

    async def migrate(revision: str) -> None:
        database = Database(url)
        try:
            await upgrade(database.engine, revision)
        finally:
            await database.dispose()

    env = {"DISCORD_TOKEN": GOOD_SHAPE, "DATABASE_URL": url}
    asyncio.run(migrate("c61aee2fc8f6"))
    older = run_parley("check", cwd=tmp_path, env=env)
    assert older.returncode == EXIT_FAILURE
    assert "is at an older version (c61aee2fc8f6" in older.stderr

    asyncio.run(migrate("head"))
    current = run_parley("check", cwd=tmp_path, env=env)
    assert current.returncode == EXIT_OK, current.stderr
    assert f"ok  database: sqlite {tmp_path / 'parley.sqlite3'} at revision" in current.stdout
    assert "writable" in current.stdout


def test_a_data_folder_that_cannot_exist_fails(tmp_path: Path) -> None:
    result = run_parley(
        "check",
        cwd=tmp_path,
        env={"DISCORD_TOKEN": GOOD_SHAPE, "DATA_DIR": str(tmp_path / "typo" / "data")},
    )
    assert result.returncode == EXIT_FAILURE
    assert "FAIL The folder for the SQLite database" in result.stderr
    assert not (tmp_path / "typo").exists()


@pytest.fixture
def settings_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in list(os.environ):
        if name.startswith(("DISCORD_", "DATABASE_")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DISCORD_TOKEN", TOKEN)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    return tmp_path


def test_online_asks_discord(
    settings_env: Path, fake_discord: FakeDiscord, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["check", "--online"])
    out = capsys.readouterr().out
    assert code == EXIT_OK, out
    assert "ok  discord: answers, accepts the token of Parley (application 123)" in out
    assert "ok  intents: Server Members and Message Content are on" in out


def test_online_fails_on_a_rejected_token_and_on_intents_off(
    settings_env: Path, fake_discord: FakeDiscord, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_discord.accept_token = False
    assert main(["check", "--online"]) == EXIT_FAILURE
    assert "FAIL Discord rejected DISCORD_TOKEN" in capsys.readouterr().err

    fake_discord.accept_token = True
    fake_discord.flags = MEMBERS
    assert main(["check", "--online"]) == EXIT_FAILURE
    err = capsys.readouterr().err
    assert "FAIL Message Content Intent is off: in the Developer Portal" in err
    assert "Traceback" not in err
