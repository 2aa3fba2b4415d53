"""Why the configured database cannot be used, in one line a teacher can act on.

The terminal commands and `parley run` meet the database first; a driver's traceback (131 lines for
a PostgreSQL server that is not running) tells a teacher nothing. `explain` turns the errors a user
can cause or meet into a `DatabaseProblem` saying what happened and what to do; `check_ready` is
what `parley check` and the reading commands ask before they touch anything.
"""

from __future__ import annotations

import errno
import logging
import socket
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import asyncpg
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.exit_codes import EXIT_FAILURE, EXIT_SETTINGS

__all__ = [
    "DatabaseProblem",
    "DatabaseStatus",
    "check_ready",
    "explain",
    "prepare_sqlite_folder",
    "sqlite_folder_problem",
    "sqlite_path",
    "status",
]

log = logging.getLogger(__name__)

SET_UP_HINT = (
    "start Parley once (python3 scripts/run_bot.py) or run `parley db upgrade`, which sets it up"
)


class DatabaseProblem(Exception):
    """The configured database cannot be used as it is; the message says what to do."""

    def __init__(self, message: str, *, exit_code: int = EXIT_SETTINGS) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def sqlite_path(url: str) -> Path | None:
    """The file of an SQLite URL (None for PostgreSQL and in-memory databases)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def sqlite_folder_problem(path: Path) -> DatabaseProblem | None:
    """Why the SQLite file `path` could not be created, without creating anything; None if it
    can (its folder exists, or only that one folder is missing and its parent exists)."""
    folder = path.parent
    for ancestor in [folder, *folder.parents]:
        if ancestor.exists() and not ancestor.is_dir():
            return DatabaseProblem(
                f"The SQLite database {path} cannot be created: {ancestor} is a file, not a "
                "folder. Set DATA_DIR (or DATABASE_URL) in .env to a folder."
            )
    if not folder.is_dir() and not folder.parent.is_dir():
        return DatabaseProblem(
            f"The folder for the SQLite database, {folder}, does not exist, nor does "
            f"{folder.parent}: create it (mkdir -p {folder}) or set DATA_DIR (or DATABASE_URL) "
            "in .env to a folder that exists."
        )
    return None


def prepare_sqlite_folder(path: Path) -> None:
    """Make sure the SQLite file's folder exists. Parley creates that one folder (the default
    `data/` on a first run) when the folder it sits in exists; it never creates a chain of
    folders somewhere a typo pointed, and says what is wrong instead."""
    problem = sqlite_folder_problem(path)
    if problem is not None:
        raise problem
    folder = path.parent
    if folder.is_dir():
        return
    try:
        folder.mkdir()
    except OSError as exc:
        raise DatabaseProblem(
            f"Could not create the folder {folder} for the SQLite database "
            f"({exc.strerror or exc}): create it yourself, or set DATA_DIR in .env."
        ) from exc
    log.info("Created the folder %s for the SQLite database", folder)


def _where(url: str) -> str:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"the SQLite file {parsed.database}"
    return f"PostgreSQL at {parsed.host or 'localhost'}:{parsed.port or 5432}"


def _chain(error: BaseException) -> list[BaseException]:
    found: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in found:
        found.append(current)
        current = current.__cause__ or current.__context__
    return found


def explain(error: BaseException, url: str) -> DatabaseProblem | None:
    """The problem a user can fix behind `error` when using the database at `url`, or None
    for an error that is not about reaching or opening the database."""
    if isinstance(error, DatabaseProblem):
        return error
    parsed = make_url(url)
    name = parsed.database or ""
    user = parsed.username or ""
    server = parsed.get_backend_name() == "postgresql"
    for cause in _chain(error):
        if isinstance(cause, asyncpg.InvalidCatalogNameError):
            return DatabaseProblem(
                f'The PostgreSQL database "{name}" does not exist on the server '
                f"{parsed.host or 'localhost'}: create it (createdb {name}) or correct the name "
                "at the end of DATABASE_URL in .env."
            )
        if isinstance(cause, asyncpg.InvalidPasswordError):
            return DatabaseProblem(
                f'PostgreSQL refused the password for user "{user}": correct the user and '
                "password in DATABASE_URL in .env (postgresql+asyncpg://USER:PASSWORD@HOST/DB)."
            )
        if isinstance(cause, asyncpg.InvalidAuthorizationSpecificationError):
            return DatabaseProblem(
                f"PostgreSQL refused the connection: {cause}. Correct the user in DATABASE_URL "
                "in .env, or ask whoever runs the server to let that user in."
            )
        if isinstance(cause, asyncpg.InsufficientPrivilegeError):
            return DatabaseProblem(
                f'The PostgreSQL user "{user}" may not use this database ({cause}): grant it '
                f"the rights (GRANT ALL ON DATABASE {name} TO {user}; and on its schema) or use "
                "the database's owner in DATABASE_URL."
            )
        if isinstance(cause, asyncpg.UndefinedTableError):
            return DatabaseProblem(f"{_where(url)} is not set up for Parley yet: {SET_UP_HINT}.")
        # Network errors are the database's only when the database is a server (aiohttp's,
        # talking to Discord, are OSErrors too).
        if server and isinstance(cause, socket.gaierror):
            return DatabaseProblem(
                f"The database server {parsed.host} named in DATABASE_URL was not found: check "
                "the host name in .env, and this computer's network.",
                exit_code=EXIT_FAILURE,
            )
        if server and (
            isinstance(cause, ConnectionRefusedError | TimeoutError)
            or (
                isinstance(cause, OSError)
                and cause.errno in (errno.ECONNREFUSED, errno.EHOSTUNREACH)
            )
        ):
            return DatabaseProblem(
                f"Cannot reach {_where(url)}: is the PostgreSQL server running? Start it, or "
                "correct the host and port in DATABASE_URL in .env.",
                exit_code=EXIT_FAILURE,
            )
        if isinstance(cause, sqlite3.OperationalError | sqlite3.DatabaseError):
            return _sqlite_problem(cause, url)
    return None


def _sqlite_problem(error: sqlite3.Error, url: str) -> DatabaseProblem | None:
    path = sqlite_path(url)
    message = str(error)
    if "unable to open database file" in message:
        return DatabaseProblem(
            f"Cannot open the SQLite database {path}: check that its folder exists and that "
            "this user may write there, or set DATA_DIR (or DATABASE_URL) in .env."
        )
    if "readonly database" in message or "read-only" in message:
        return DatabaseProblem(
            f"The SQLite database {path} is read-only for this user: give it (and its folder) "
            "write permission, or run Parley as the user who owns it."
        )
    if "file is not a database" in message:
        return DatabaseProblem(
            f"{path} is not an SQLite database: point DATABASE_URL (or DATA_DIR) at Parley's "
            "database, or move that file away."
        )
    if "no such table" in message:
        return DatabaseProblem(f"{_where(url)} is not set up for Parley yet: {SET_UP_HINT}.")
    return None


# --- readiness ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DatabaseStatus:
    backend: str
    revision: str | None
    head: str | None

    @property
    def current(self) -> bool:
        return self.revision is not None and self.revision == self.head


async def status(engine: AsyncEngine) -> DatabaseStatus:
    """Connect and read the migration revision (None: never set up)."""
    from bot.db.migrate import current_revision, head_revision

    revision = await current_revision(engine)
    return DatabaseStatus(engine.dialect.name, revision, head_revision())


def require_existing_file(url: str) -> None:
    """For commands that only read: an SQLite file that is not there is not created empty."""
    path = sqlite_path(url)
    if path is not None and not path.exists():
        raise DatabaseProblem(
            f"There is no Parley database at {path} yet: {SET_UP_HINT}. (Is DATA_DIR or "
            "DATABASE_URL in .env the one Parley runs with?)",
            exit_code=EXIT_FAILURE,
        )


async def check_ready(engine: AsyncEngine, url: str, *, write: bool = False) -> DatabaseStatus:
    """Connect, require the current migration, and (`write`) prove this user may write, all
    without changing anything. Raises DatabaseProblem with the fix."""
    require_existing_file(url)
    try:
        found = await status(engine)
        if found.revision is None:
            raise DatabaseProblem(
                f"{_where(url)} is not set up for Parley yet: {SET_UP_HINT}.",
                exit_code=EXIT_FAILURE,
            )
        if not found.current:
            raise DatabaseProblem(
                f"{_where(url)} is at an older version ({found.revision}, Parley needs "
                f"{found.head}): run `parley db upgrade` (starting Parley does it too).",
                exit_code=EXIT_FAILURE,
            )
        if write:
            await _prove_write_access(engine)
    except (SQLAlchemyError, OSError, asyncpg.PostgresError) as exc:
        problem = explain(exc, url)
        if problem is None:
            raise
        raise problem from exc
    return found


async def _prove_write_access(engine: AsyncEngine) -> None:
    """A write that changes nothing, rolled back: it takes SQLite's write lock and needs the
    UPDATE right on PostgreSQL, so a read-only file or user shows here and not mid-class."""
    async with engine.connect() as connection:
        transaction = await connection.begin()
        try:
            await connection.execute(text("UPDATE alembic_version SET version_num = version_num"))
        finally:
            await transaction.rollback()
