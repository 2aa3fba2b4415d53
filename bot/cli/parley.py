"""The `parley` command: run the bot, check an installation, manage the database and content."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import logging
import signal
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from bot import __version__
from bot.cli.failures import (
    INTENTS_MISSING,
    TOKEN_MALFORMED,
    TOKEN_MISSING,
    TOKEN_REJECTED,
    Failure,
    explain,
    report,
    silence_broken_pipe,
    token_problem,
)
from bot.exit_codes import EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK, EXIT_SETTINGS
from bot.settings import ConfigurationError, Settings, load_settings

__all__ = [
    "INTENTS_MISSING",
    "TOKEN_MALFORMED",
    "TOKEN_MISSING",
    "TOKEN_REJECTED",
    "build_parser",
    "freeze_startup_heap",
    "main",
    "run_checks",
]

log = logging.getLogger("parley")


def freeze_startup_heap() -> None:
    """What is loaded at start (content, models, libraries) lives as long as the process: move it
    out of the garbage collector's sight, so full collections stop rescanning it. Shorter pauses
    for the gateway and the timer dispatcher (see `parley bench timers`)."""
    gc.collect()
    gc.freeze()


# --- parley run --------------------------------------------------------------------------------


def cmd_run(args: argparse.Namespace) -> int:
    settings = load_settings()
    from bot.logging_setup import configure_logging

    configure_logging(settings.log_level_number)
    problem = token_problem(settings.discord_token)
    if problem is not None or settings.discord_token is None:
        return report(Failure(problem or TOKEN_MISSING, EXIT_SETTINGS))
    token = settings.discord_token.get_secret_value().strip()
    return asyncio.run(_run(settings, token))


async def _run(settings: Settings, token: str) -> int:
    """Run until stopped; a failure a teacher can meet ends in its one or two lines."""
    try:
        return await _serve(settings, token)
    except Exception as exc:
        failure = explain(exc, database_url=settings.resolved_database_url)
        if failure is None:
            raise
        return report(failure, exc)


async def _serve(settings: Settings, token: str) -> int:
    from bot.client import ParleyBot
    from bot.db.engine import Database
    from bot.db.migrate import upgrade

    database = Database(settings.resolved_database_url)
    try:
        await upgrade(database.engine)
        log.info("Database ready (%s)", database.backend)
        bot = ParleyBot(settings, database)
        freeze_startup_heap()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError):  # Windows has no signal handlers
                loop.add_signal_handler(signum, lambda: asyncio.ensure_future(bot.close()))
        async with bot:
            await bot.start(token)
        return EXIT_OK
    finally:
        await database.dispose()


# --- parley check ------------------------------------------------------------------------------


async def run_checks(settings: Settings | None = None, *, online: bool = False) -> list[str]:
    """What `run` needs, checked without starting the bot; returns the problems found.

    Offline: settings, the token's shape (the rule `run` applies), content, the migrations and
    models (on a temporary database), every extension, and the configured database (reachable,
    set up at the current revision, writable). `online` also asks Discord."""
    from bot.client import ParleyBot
    from bot.content.check import check_all
    from bot.content.loader import load_scenarios
    from bot.db.engine import Database
    from bot.db.migrate import drift, upgrade

    problems: list[str] = []
    if settings is None:
        try:
            settings = load_settings()
        except ConfigurationError as exc:
            return [str(exc)]
    print("ok  settings")

    token_fault = token_problem(settings.discord_token)
    if token_fault is None:
        print("ok  token: shaped like a bot token" + ("" if online else " (--online asks Discord)"))
    else:
        problems.append(token_fault)

    content_problems = [str(p) for p in check_all()]
    problems += content_problems
    scenarios = {} if content_problems else load_scenarios()
    if not content_problems:
        print(f"ok  content: {len(scenarios)} scenario(s): {', '.join(sorted(scenarios))}")

    with tempfile.TemporaryDirectory(prefix="parley-check-") as tmp:
        database = Database(f"sqlite+aiosqlite:///{Path(tmp) / 'check.sqlite3'}")
        try:
            await upgrade(database.engine)
            differences = await drift(database.engine)
            if differences:
                problems.append(
                    "database: the models and the migrations differ (run `alembic revision "
                    f"--autogenerate`): {differences}"
                )
            else:
                print("ok  migrations: apply to a fresh SQLite file and match the models")

            bot = ParleyBot(settings, database, scenarios=scenarios, sync_on_start=False)
            try:
                await bot._async_setup_hook()
                await bot.setup_hook()
                for name, error in bot.failed_extensions.items():
                    problems.append(f"extension {name} failed to load: {error!r}")
                loaded = len(bot.extensions)
                if not bot.failed_extensions:
                    print(f"ok  extensions: {loaded} loaded")
            finally:
                await bot.close()
        finally:
            await database.dispose()

    problems += await _check_configured_database(settings.resolved_database_url)
    if online and token_fault is None and settings.discord_token is not None:
        problems += await _check_discord(settings.discord_token.get_secret_value())
    return problems


async def _check_configured_database(url: str) -> list[str]:
    """The database `run` will use: reachable, set up at the current revision, writable. An
    SQLite file that does not exist yet is fine when `run` can create it (nothing is created)."""
    from bot.db.diagnose import DatabaseProblem, check_ready, sqlite_folder_problem, sqlite_path
    from bot.db.engine import Database

    path = sqlite_path(url)
    if path is not None and not path.exists():
        problem = sqlite_folder_problem(path)
        if problem is not None:
            return [str(problem)]
        print(f"ok  database: no SQLite file yet; `parley run` creates {path}")
        return []
    try:
        database = Database(url)
        try:
            found = await check_ready(database.engine, url, write=True)
        finally:
            await database.dispose()
    except DatabaseProblem as problem:
        log.debug("database check", exc_info=True)
        return [str(problem)]
    where = path if path is not None else url.split("@")[-1]
    print(f"ok  database: {found.backend} {where} at revision {found.revision}, writable")
    return []


async def _check_discord(token: str) -> list[str]:
    from bot.cli.online import check_online

    try:
        status = await check_online(token)
    except Exception as exc:
        failure = explain(exc)
        if failure is None:
            raise
        log.debug("online check", exc_info=True)
        return [failure.message]
    print(
        f"ok  discord: answers, accepts the token of {status.bot_name} "
        f"(application {status.application_id})"
    )
    if not status.problems:
        print("ok  intents: Server Members and Message Content are on")
    return status.problems


def cmd_check(args: argparse.Namespace) -> int:
    problems = asyncio.run(run_checks(online=args.online))
    for problem in problems:
        print(f"FAIL {problem}", file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) found.", file=sys.stderr)
        return EXIT_FAILURE
    print("Parley is ready to run.")
    return EXIT_OK


# --- parley db ---------------------------------------------------------------------------------


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    settings = load_settings()

    async def _upgrade() -> str | None:
        from bot.db.engine import Database
        from bot.db.migrate import current_revision, upgrade

        database = Database(settings.resolved_database_url)
        try:
            await upgrade(database.engine, args.revision)
            return await current_revision(database.engine)
        finally:
            await database.dispose()

    revision = asyncio.run(_upgrade())
    print(f"Database at revision {revision} ({settings.resolved_database_url.split(':')[0]}).")
    return EXIT_OK


# --- parley invite -----------------------------------------------------------------------------


def cmd_invite(args: argparse.Namespace) -> int:
    from cogs.common.permissions import invite_url

    print(invite_url(args.application_id, with_optional=not args.minimal))
    return 0


# --- wiring ------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    from bot.bench import register as register_pipeline_bench
    from bot.cli import console
    from bot.cli.gradebook import register as register_gradebook
    from bot.cli.grading import register_bench
    from bot.cli.purge import register as register_purge
    from bot.cli.quiz import register as register_quiz
    from bot.cli.transcript import register as register_transcripts
    from bot.content import cli as content_cli

    parser = argparse.ArgumentParser(
        prog="parley",
        description="Parley, the Discord bot for negotiation classes: run it, check an "
        "installation, export transcripts and gradebooks, manage the database and the content. "
        "The README is the guide.",
    )
    parser.add_argument("--version", action="version", version=f"parley {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser(
        "run",
        help="connect to Discord and run the bot",
        description="Prepare the database (migrations), then connect to Discord and run until "
        "stopped with Ctrl-C. scripts/run_bot.py runs this.",
    )
    run.set_defaults(func=cmd_run)

    check = sub.add_parser(
        "check",
        help="check what `run` needs: token, database, content, extensions",
        description="Check, without starting the bot, what `parley run` needs: the settings, "
        "the token's shape, the content, every extension, and the configured database "
        "(reachable, set up, writable). Exits 1 with one line per problem.",
    )
    check.add_argument(
        "--online",
        action="store_true",
        help="also ask Discord: it answers, accepts the token, and the intents are on",
    )
    check.set_defaults(func=cmd_check)

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_upgrade = db_sub.add_parser(
        "upgrade",
        help="apply database migrations",
        description="Set up the database, or bring it to the current version (`run` does this "
        "by itself).",
    )
    db_upgrade.add_argument(
        "revision", nargs="?", default="head", help="a migration id (default: the newest)"
    )
    db_upgrade.set_defaults(func=cmd_db_upgrade)

    invite = sub.add_parser("invite", help="print the link that adds Parley to a server")
    invite.add_argument("application_id", type=int, help="Developer Portal → General → App ID")
    invite.add_argument(
        "--minimal", action="store_true", help="without Manage Roles and Manage Channels"
    )
    invite.set_defaults(func=cmd_invite)

    content_cli.register(sub)
    console.register(sub)
    register_quiz(sub)
    register_transcripts(sub)
    register_gradebook(sub)
    register_purge(sub)
    bench = sub.add_parser("bench", help="benchmarks that print figures")
    bench_sub = bench.add_subparsers(dest="bench_command", required=True, metavar="BENCHMARK")
    register_bench(bench_sub)
    register_pipeline_bench(bench_sub)
    return parser


def _database_url(args: argparse.Namespace) -> str | None:
    """The database a command uses, to name it in a failure (None if settings are broken)."""
    explicit = getattr(args, "database", None)
    if explicit:
        return str(explicit)
    try:
        return load_settings().resolved_database_url
    except ConfigurationError:
        return None


def _configure_terminal_logging(args: argparse.Namespace) -> None:
    """`run` logs as configured; the other commands show warnings, or everything with
    LOG_LEVEL=DEBUG (where failures leave their traceback)."""
    if args.func is cmd_run:
        return
    try:
        debug = load_settings().log_level == "DEBUG"
    except ConfigurationError:
        debug = False
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _configure_terminal_logging(args)
    try:
        result: int = args.func(args)
        sys.stdout.flush()
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # `parley … | head`: the reader has what it wanted; nothing to say.
        silence_broken_pipe()
        return EXIT_FAILURE
    except Exception as exc:
        failure = explain(exc, database_url=_database_url(args))
        if failure is None:
            raise
        return report(failure, exc)
    return result


if __name__ == "__main__":
    sys.exit(main())
