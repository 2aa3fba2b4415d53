"""bot/failures.py: the token rule, output paths, and the explanations of ordinary failures."""

from __future__ import annotations

import ssl
from pathlib import Path
from types import SimpleNamespace

import asyncpg
import discord
import pytest
from pydantic import SecretStr

from bot.cli.failures import (
    TOKEN_MALFORMED,
    TOKEN_MISSING,
    CommandFailed,
    explain,
    output_file,
    token_problem,
)
from bot.content.problems import ContentError, Problem
from bot.exit_codes import EXIT_FAILURE, EXIT_SETTINGS


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        (None, TOKEN_MISSING),
        ("client-secret-by-mistake", TOKEN_MALFORMED),
        ("a.b", TOKEN_MALFORMED),
        ("a..c", TOKEN_MALFORMED),
        ("a.b c.d", TOKEN_MALFORMED),
        ("MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789AB", None),
        ("  MTIz.abc.def\n", None),  # pasted with spaces around it: run strips them too
    ],
)
def test_token_rule(token: str | None, expected: str | None) -> None:
    assert token_problem(None if token is None else SecretStr(token)) == expected


def test_output_into_a_missing_folder_is_refused_and_nothing_is_created(tmp_path: Path) -> None:
    target = tmp_path / "reports" / "grades.csv"
    missing = r"reports does not exist: create it first"
    with pytest.raises(CommandFailed, match=missing) as caught, output_file(target) as out:
        out.write(b"never")
    assert caught.value.exit_code == EXIT_SETTINGS
    assert list(tmp_path.iterdir()) == []


def test_output_onto_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CommandFailed, match="is a folder: give a file name"), output_file(tmp_path):
        pass


def test_a_failure_while_writing_leaves_no_file(tmp_path: Path) -> None:
    target = tmp_path / "t.html"
    with pytest.raises(RuntimeError), output_file(target) as out:
        out.write(b"half")
        raise RuntimeError("the database went away")
    assert list(tmp_path.iterdir()) == []


def test_output_file_appears_complete(tmp_path: Path) -> None:
    target = tmp_path / "t.html"
    with output_file(target) as out:
        out.write(b"<p>done</p>")
    assert target.read_bytes() == b"<p>done</p>"
    assert [p.name for p in tmp_path.iterdir()] == ["t.html"]


def test_dash_is_standard_output(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    with output_file("-") as out:
        out.write(b"to stdout")
    assert capsysbinary.readouterr().out == b"to stdout"


def test_broken_content_names_the_first_problem_and_the_command_to_see_all() -> None:
    error = ContentError(
        [
            Problem("content/hanoi-2019/cards.yaml", "card pub-9", "quote", "not in ¶6"),
            Problem("content/hanoi-2019/quiz.yaml", "q-3", None, "no answer"),
        ]
    )
    failure = explain(error)
    assert failure is not None and failure.exit_code == EXIT_SETTINGS
    first, second = failure.message.splitlines()
    assert first == (
        "The scenario content has a problem (and 1 more): content/hanoi-2019/cards.yaml: "
        "card pub-9: field 'quote': not in ¶6"
    )
    assert "parley content check" in second


def test_a_bug_is_not_explained_away() -> None:
    assert explain(KeyError("x")) is None
    assert explain(CommandFailed("done", EXIT_FAILURE)) is not None


def test_a_certificate_the_network_replaced_is_explained() -> None:
    failure = explain(ssl.SSLCertVerificationError(1, "certificate verify failed"))
    assert failure is not None and failure.exit_code == EXIT_FAILURE
    assert failure.message.startswith("A secure connection to Discord failed")


def test_discord_having_trouble_is_explained() -> None:
    response = SimpleNamespace(status=503, reason="Service Unavailable")
    failure = explain(discord.DiscordServerError(response, "upstream connect error"))
    assert failure is not None and failure.exit_code == EXIT_FAILURE
    assert failure.message.startswith("Discord is not answering properly right now (HTTP 503)")


def test_a_wrong_postgresql_password_is_explained() -> None:
    error = asyncpg.InvalidPasswordError('password authentication failed for user "parley"')
    failure = explain(error, database_url="postgresql+asyncpg://parley:x@db.school:5432/parley")
    assert failure is not None and failure.exit_code == EXIT_SETTINGS
    assert failure.message.startswith('PostgreSQL refused the password for user "parley"')


def test_connection_errors_talking_to_discord_are_not_blamed_on_sqlite() -> None:
    refused = ConnectionRefusedError(111, "Connect call failed")
    assert explain(refused, database_url="sqlite+aiosqlite:///parley.sqlite3") is None
    on_postgres = explain(refused, database_url="postgresql+asyncpg://p@127.0.0.1:1/p")
    assert on_postgres is not None and on_postgres.message.startswith("Cannot reach PostgreSQL")
