"""The `parley` command as a teacher meets it: subprocesses with a clean environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import discord
import pytest

from bot.paths import PROJECT_ROOT


def run_parley(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATABASE_"))}
    clean.update(env or {})
    clean["PYTHONPATH"] = str(PROJECT_ROOT)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_run_without_a_token_prints_one_clear_line(tmp_path: Path) -> None:
    result = run_parley("run", cwd=tmp_path, env={"DATA_DIR": str(tmp_path)})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("DISCORD_TOKEN is not set")
    assert ".env" in lines[0]
    assert not (tmp_path / "parley.sqlite3").exists()  # failed fast, before touching anything


def test_run_with_a_malformed_token_fails_fast(tmp_path: Path) -> None:
    result = run_parley("run", cwd=tmp_path, env={"DISCORD_TOKEN": "client-secret-by-mistake"})
    assert result.returncode == 2
    assert "does not look like a bot token" in result.stderr
    assert "client-secret-by-mistake" not in result.stderr


def test_invalid_configuration_names_the_setting(tmp_path: Path) -> None:
    result = run_parley("run", cwd=tmp_path, env={"LOG_LEVEL": "chatty"})
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "Configuration error: LOG_LEVEL: must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL "
        "(set it in .env or the environment; see .env.example)."
    )


def test_check_passes_offline(tmp_path: Path) -> None:
    result = run_parley(
        "check", cwd=tmp_path, env={"DATA_DIR": str(tmp_path), "DISCORD_TOKEN": "MTIz.abc.def"}
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok  token" in result.stdout
    assert "ok  migrations" in result.stdout
    assert "ok  database: no SQLite file yet" in result.stdout
    assert list(tmp_path.iterdir()) == []  # checking creates nothing
    assert "ok  extensions" in result.stdout
    assert "ok  content" in result.stdout
    assert "Parley is ready to run." in result.stdout


def test_db_upgrade_creates_the_database(tmp_path: Path) -> None:
    result = run_parley("db", "upgrade", cwd=tmp_path, env={"DATA_DIR": str(tmp_path / "d")})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "d" / "parley.sqlite3").exists()
    assert "Database at revision" in result.stdout


def test_invite_link_has_both_scopes_and_the_documented_permissions(tmp_path: Path) -> None:
    result = run_parley("invite", "1234567890", cwd=tmp_path)
    assert result.returncode == 0
    link = result.stdout.strip()
    assert "client_id=1234567890" in link
    assert "scope=bot+applications.commands" in link
    readme = (PROJECT_ROOT / "README.md").read_text()
    permissions = link.split("permissions=")[1]
    assert f"permissions={permissions}" in readme


@pytest.mark.parametrize("module", ["bot", "bot.cli"])
def test_python_dash_m_works(tmp_path: Path, module: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", module, "--version"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0
    assert result.stdout.startswith("parley ")


@pytest.mark.parametrize(
    ("raised", "expected"),
    [
        (discord.LoginFailure("Improper token has been passed."), "Discord rejected DISCORD_TOKEN"),
        (discord.PrivilegedIntentsRequired(None), "Message Content Intent"),
    ],
)
async def test_run_explains_what_discord_refused(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    raised: Exception,
    expected: str,
) -> None:
    from bot.cli import parley as cli
    from bot.client import ParleyBot
    from tests.parley_fixtures import parley_settings

    async def refuse(self: ParleyBot, token: str, *, reconnect: bool = True) -> None:
        raise raised

    monkeypatch.setattr(ParleyBot, "start", refuse)
    code = await cli._run(parley_settings(tmp_path), "a.b.c")

    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and expected in err[0]
    assert (tmp_path / "parley.sqlite3").exists()  # migrated before connecting
