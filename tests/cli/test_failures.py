"""Every start-up and terminal failure a teacher can cause or meet: one or two lines saying what
happened and what to do, a non-zero exit status, and no traceback on the terminal.

Subprocesses where the failure is real and local (databases, paths, pipes); in-process with
discord.py's real HTTP client pointed at a local fake Discord (or at a closed port, or with a
resolver that finds nothing) where the failure is Discord's.
"""

from __future__ import annotations

import asyncio
import csv
import io
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import discord
import pytest

from bot.cli.parley import main
from bot.content import loader
from bot.domain.gradebook import GRADEBOOK_COLUMNS
from bot.exit_codes import EXIT_FAILURE, EXIT_SETTINGS
from bot.paths import CONTENT_DIR, PROJECT_ROOT
from tests.cli.fake_discord import TOKEN, FakeDiscord
from tests.cli.fake_discord import fake_discord as fake_discord  # the fixture
from tests.cli.test_main import run_parley
from tests.cli.test_transcript import classroom_database
from tests.db_backends import postgres_url

GOOD_SHAPE = "MTIzNDU2.abcdef.ghijklmnop"


def assert_short(result: subprocess.CompletedProcess[str], code: int, start: str) -> str:
    """One or two lines on stderr, starting with `start`; no traceback anywhere."""
    err = result.stderr.strip()
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in err + result.stdout
    assert 1 <= len(err.splitlines()) <= 2, err
    assert err.startswith(start), err
    return err


def in_process(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def teacher_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """In-process runs read settings from here: a token of the right shape, data in tmp."""
    for name in list(os.environ):
        if name.startswith(("DISCORD_", "DATABASE_")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.setenv("DISCORD_TOKEN", TOKEN)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LOG_LEVEL", "INFO")
    # `run` installs log handlers on the root logger; in-process they would outlive the test.
    monkeypatch.setattr("bot.logging_setup.configure_logging", lambda level: None)
    return tmp_path


# --- Discord -----------------------------------------------------------------------------------


def test_run_with_no_route_to_discord(
    teacher_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(discord.http.Route, "BASE", "http://127.0.0.1:1/api/v10")
    code, _, err = in_process(capsys, "run")
    assert code == EXIT_FAILURE
    assert err.startswith("Cannot reach Discord (ClientConnectorError")
    assert "gateway.discord.gg" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_run_when_discord_does_not_resolve(
    teacher_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    async def no_dns(*args: Any, **kwargs: Any) -> Any:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(asyncio.BaseEventLoop, "getaddrinfo", no_dns)
    code, _, err = in_process(capsys, "run")
    assert code == EXIT_FAILURE
    assert err.startswith("Cannot find Discord on the network")
    assert "Traceback" not in err


def test_run_with_a_token_discord_rejects(
    teacher_env: Path, fake_discord: FakeDiscord, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_discord.accept_token = False
    code, _, err = in_process(capsys, "run")
    assert code == EXIT_SETTINGS
    assert err.startswith("Discord rejected DISCORD_TOKEN: reset the token")
    assert "Traceback" not in err


# --- databases and paths -----------------------------------------------------------------------


def test_run_with_postgresql_not_running(tmp_path: Path) -> None:
    result = run_parley(
        "run",
        cwd=tmp_path,
        env={
            "DISCORD_TOKEN": GOOD_SHAPE,
            "DATABASE_URL": "postgresql+asyncpg://postgres@127.0.0.1:1/parley",
        },
    )
    assert_short(result, EXIT_FAILURE, "Cannot reach PostgreSQL at 127.0.0.1:1")


@pytest.mark.postgres
def test_run_with_a_postgresql_database_that_does_not_exist(tmp_path: Path) -> None:
    base = postgres_url()
    if base is None:
        pytest.skip("PARLEY_TEST_POSTGRES_URL not set")
    url = base.rsplit("/", 1)[0] + f"/parley_missing_{os.getpid()}"
    result = run_parley("run", cwd=tmp_path, env={"DISCORD_TOKEN": GOOD_SHAPE, "DATABASE_URL": url})
    err = assert_short(result, EXIT_SETTINGS, 'The PostgreSQL database "parley_missing_')
    assert "createdb" in err


def test_run_with_the_data_folder_under_a_file(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x")
    result = run_parley(
        "run",
        cwd=tmp_path,
        env={"DISCORD_TOKEN": GOOD_SHAPE, "DATA_DIR": str(tmp_path / "notes.txt" / "data")},
    )
    assert_short(result, EXIT_SETTINGS, "The SQLite database")
    assert "is a file, not a folder" in result.stderr


def test_run_with_the_data_folder_under_missing_folders_creates_nothing(tmp_path: Path) -> None:
    result = run_parley(
        "run",
        cwd=tmp_path,
        env={"DISCORD_TOKEN": GOOD_SHAPE, "DATA_DIR": str(tmp_path / "typo" / "data")},
    )
    assert_short(result, EXIT_SETTINGS, "The folder for the SQLite database")
    assert not (tmp_path / "typo").exists()


@pytest.mark.parametrize(
    "command",
    [
        ("transcript", "sessions"),
        ("transcript", "export", "1"),
        ("gradebook", "1", "-o", "grades.csv"),
    ],
)
def test_reading_commands_on_a_database_never_set_up(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    env = {"DATA_DIR": str(tmp_path)}
    missing = run_parley(*command, cwd=tmp_path, env=env)
    err = assert_short(missing, EXIT_FAILURE, "There is no Parley database at")
    assert "parley db upgrade" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no empty database, no empty file

    (tmp_path / "parley.sqlite3").touch()  # e.g. made by an older Parley that was stopped at once
    empty = run_parley(*command, cwd=tmp_path, env=env)
    assert_short(empty, EXIT_FAILURE, "the SQLite file")
    assert "not set up for Parley yet" in empty.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["parley.sqlite3"]


@pytest.fixture
def classroom(tmp_path: Path) -> tuple[dict[str, str], int]:
    url, session_id = asyncio.run(classroom_database(tmp_path / "parley.sqlite3"))
    return {"DATABASE_URL": url}, session_id


@pytest.mark.parametrize("command", ["transcript", "gradebook"])
def test_output_into_a_missing_folder_is_refused(
    tmp_path: Path, classroom: tuple[dict[str, str], int], command: str
) -> None:
    env, session_id = classroom
    target = str(tmp_path / "reports" / "out.csv")
    args = (
        ("transcript", "export", str(session_id), "-o", target)
        if command == "transcript"
        else ("gradebook", str(session_id), "-o", target)
    )
    result = run_parley(*args, cwd=tmp_path, env=env)
    assert_short(result, EXIT_SETTINGS, f"The folder {tmp_path / 'reports'} does not exist")
    assert not (tmp_path / "reports").exists()


def test_gradebook_dash_o_dash_writes_to_standard_output(
    tmp_path: Path, classroom: tuple[dict[str, str], int]
) -> None:
    env, session_id = classroom
    result = run_parley("gradebook", str(session_id), "-o", "-", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    header = result.stdout.lstrip("\ufeff").splitlines()[0]
    assert header == ",".join(GRADEBOOK_COLUMNS)  # the file's own columns, on standard output
    assert not (tmp_path / "-").exists()


def test_gradebook_of_a_session_that_never_existed(
    tmp_path: Path, classroom: tuple[dict[str, str], int]
) -> None:
    env, _ = classroom
    result = run_parley("gradebook", "99", "-o", "g.csv", cwd=tmp_path, env=env)
    err = assert_short(result, EXIT_FAILURE, "There is no session 99 in this database")
    assert "no longer" not in err
    assert not (tmp_path / "g.csv").exists()


def test_phase_is_found_whatever_its_case(
    tmp_path: Path, classroom: tuple[dict[str, str], int]
) -> None:
    env, session_id = classroom
    result = run_parley(
        "transcript",
        "export",
        str(session_id),
        "-f",
        "csv",
        "--phase",
        "PLENARY",
        "-o",
        "-",
        cwd=tmp_path,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout.lstrip("\ufeff"))))
    assert len(rows) == 150 and {row["phase"] for row in rows} == {"Plenary"}


# --- content -----------------------------------------------------------------------------------


@pytest.fixture
def broken_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The repository's content with one file saved in Latin-1, as an old editor would."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, content)
    actors = content / "hanoi-2019" / "actors.yaml"
    actors.write_bytes(actors.read_bytes() + "# Côte d'Ivoire\n".encode("latin-1"))
    monkeypatch.setattr(loader.load_scenarios, "__defaults__", (content,))
    return actors


@pytest.mark.parametrize("command", [("run",), ("console",)])
def test_broken_content_on_run_and_console(
    teacher_env: Path,
    broken_content: Path,
    capsys: pytest.CaptureFixture[str],
    command: tuple[str, ...],
) -> None:
    code, _, err = in_process(capsys, *command)
    assert code == EXIT_SETTINGS
    first, second = err.strip().splitlines()
    assert first.startswith("The scenario content has a problem: ")
    assert "actors.yaml: line " in first and "not UTF-8 text" in first
    assert "parley content check" in second


# --- pipes and terminals -----------------------------------------------------------------------


def test_output_into_a_pipe_closed_early_is_quiet(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATABASE_"))}
    env["PYTHONPATH"] = str(PROJECT_ROOT)
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "content", "show", "hanoi-2019", "--json"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.readline().strip() == b"{"  # what `| head -1` reads
    process.stdout.close()
    err = process.stderr.read().decode()
    assert process.wait(timeout=60) == EXIT_FAILURE
    assert err == ""  # no BrokenPipeError traceback, no "Exception ignored" at exit


def test_quiz_grade_with_nothing_to_grade_on_a_terminal_says_what_it_expects(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    code, out, err = in_process(capsys, "quiz", "grade")
    assert code == EXIT_SETTINGS and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 2
    assert "--accept" in lines[0] and "JSON Lines" in lines[1]


def test_console_refuses_a_count_of_zero(tmp_path: Path) -> None:
    result = run_parley("console", "--count", "0", cwd=tmp_path)
    assert result.returncode == EXIT_SETTINGS
    assert "--count: must be 1 or more" in result.stderr
    assert "Traceback" not in result.stderr


def test_content_schema_into_a_missing_folder_is_refused_and_dash_prints(tmp_path: Path) -> None:
    refused = run_parley("content", "schema", "-o", str(tmp_path / "no" / "s.json"), cwd=tmp_path)
    assert_short(refused, EXIT_SETTINGS, f"The folder {tmp_path / 'no'} does not exist")
    printed = run_parley("content", "schema", "-o", "-", cwd=tmp_path)
    assert printed.returncode == 0 and printed.stdout.lstrip().startswith("{")
    assert list(tmp_path.iterdir()) == []
