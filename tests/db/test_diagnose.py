"""The database problems a teacher can meet, each explained in one line (bot/db/diagnose.py).

Real SQLite files and, with PARLEY_TEST_POSTGRES_URL, a real PostgreSQL server: the errors are the
drivers' own, not imitations.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.db.diagnose import DatabaseProblem, check_ready, explain
from bot.db.engine import Database
from bot.db.migrate import upgrade
from bot.exit_codes import EXIT_FAILURE, EXIT_SETTINGS
from tests.db_backends import backend_params, migrated_database, postgres_url


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def test_a_path_under_a_file_is_refused_without_creating_anything(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(DatabaseProblem, match=r"notes\.txt is a file, not a folder") as caught:
        Database(sqlite_url(tmp_path / "notes.txt" / "data" / "parley.sqlite3"))
    assert caught.value.exit_code == EXIT_SETTINGS
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_missing_folders_are_not_created_silently(tmp_path: Path) -> None:
    target = tmp_path / "typo" / "deeper" / "parley.sqlite3"
    with pytest.raises(DatabaseProblem, match=r"does not exist.*mkdir -p") as caught:
        Database(sqlite_url(target))
    assert caught.value.exit_code == EXIT_SETTINGS
    assert not (tmp_path / "typo").exists()


async def test_the_one_data_folder_is_created_when_its_parent_exists(tmp_path: Path) -> None:
    database = Database(sqlite_url(tmp_path / "data" / "parley.sqlite3"))
    try:
        await upgrade(database.engine)
    finally:
        await database.dispose()
    assert (tmp_path / "data" / "parley.sqlite3").is_file()


async def test_a_reading_command_does_not_create_an_empty_database(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "parley.sqlite3")
    database = Database(url)
    try:
        with pytest.raises(DatabaseProblem, match="There is no Parley database at") as caught:
            await check_ready(database.engine, url)
    finally:
        await database.dispose()
    assert "parley db upgrade" in str(caught.value)
    assert not (tmp_path / "parley.sqlite3").exists()


async def test_a_database_never_set_up_says_how(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "parley.sqlite3")
    (tmp_path / "parley.sqlite3").touch()
    database = Database(url)
    try:
        with pytest.raises(DatabaseProblem, match="not set up for Parley yet") as caught:
            await check_ready(database.engine, url)
    finally:
        await database.dispose()
    assert "parley db upgrade" in str(caught.value)


async def test_an_older_database_asks_for_the_upgrade(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "parley.sqlite3")
    database = Database(url)
    try:
        await upgrade(database.engine, "c61aee2fc8f6")
        with pytest.raises(DatabaseProblem, match=r"older version \(c61aee2fc8f6"):
            await check_ready(database.engine, url)
    finally:
        await database.dispose()


async def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "parley.sqlite3"
    path.write_text("these are my lesson notes, not a database\n" * 100)
    url = sqlite_url(path)
    database = Database(url)
    try:
        with pytest.raises(DatabaseProblem, match="is not an SQLite database"):
            await check_ready(database.engine, url)
    finally:
        await database.dispose()


@pytest.mark.parametrize("backend", backend_params())
async def test_a_current_database_passes_with_write_access(backend: str, tmp_path: Path) -> None:
    async with migrated_database(backend, tmp_path) as database:
        found = await check_ready(database.engine, database.url, write=True)
    assert found.current and found.backend == backend


async def test_a_closed_postgresql_port_is_unreachable(tmp_path: Path) -> None:
    url = "postgresql+asyncpg://postgres@127.0.0.1:1/parley"
    database = Database(url)
    try:
        with pytest.raises(DatabaseProblem) as caught:
            await check_ready(database.engine, url)
    finally:
        await database.dispose()
    assert str(caught.value).startswith("Cannot reach PostgreSQL at 127.0.0.1:1")
    assert caught.value.exit_code == EXIT_FAILURE


def test_an_unrelated_error_is_not_explained() -> None:
    assert explain(ValueError("bug"), "sqlite+aiosqlite:///x.sqlite3") is None


def _server_url(database: str | None = None, user: str | None = None) -> str:
    base = postgres_url()
    if base is None:
        pytest.skip("PARLEY_TEST_POSTGRES_URL not set")
    url = make_url(base)
    if database is not None:
        url = url.set(database=database)
    if user is not None:
        url = url.set(username=user)
    return url.render_as_string(hide_password=False)


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("database_name", "user", "expected"),
    [
        (f"parley_missing_{os.getpid()}", None, r'database "parley_missing_\d+" does not exist'),
        (None, f"nobody_{os.getpid()}", r"PostgreSQL refused the connection: role"),
    ],
)
async def test_postgresql_refusals_name_the_fix(
    database_name: str | None, user: str | None, expected: str
) -> None:
    url = _server_url(database_name, user)
    database = Database(url)
    try:
        with pytest.raises(DatabaseProblem, match=expected) as caught:
            await check_ready(database.engine, url)
    finally:
        await database.dispose()
    assert "DATABASE_URL" in str(caught.value)
    assert caught.value.exit_code == EXIT_SETTINGS
