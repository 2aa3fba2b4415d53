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

import discord

from bot import __version__
from bot.settings import ConfigurationError, Settings, load_settings

log = logging.getLogger("parley")

TOKEN_MISSING = (
    "DISCORD_TOKEN is not set: copy .env.example to .env and paste your bot's token after "
    "DISCORD_TOKEN= (README, step 'Set up the Discord application')."
)
TOKEN_MALFORMED = (
    "DISCORD_TOKEN does not look like a bot token (it has three parts separated by dots): "
    "copy it again from the Developer Portal → your application → Bot → Reset Token."
)
TOKEN_REJECTED = (
    "Discord rejected DISCORD_TOKEN: reset the token in the Developer Portal (your application → "
    "Bot → Reset Token), put the new one in .env, and run again."
)
INTENTS_MISSING = (
    "Discord refused the privileged intents Parley needs: in the Developer Portal open your "
    "application → Bot → Privileged Gateway Intents, turn on 'Server Members Intent' and "
    "'Message Content Intent', save, and run again."
)


def freeze_startup_heap() -> None:
    """What is loaded at start (content, models, libraries) lives as long as the process: move it
    out of the garbage collector's sight, so full collections stop rescanning it. Shorter pauses
    for the gateway and the timer dispatcher (see `parley bench timers`)."""
    gc.collect()
    gc.freeze()


def _fail(message: str, code: int = 2) -> int:
    print(message, file=sys.stderr)
    return code


# --- parley run --------------------------------------------------------------------------------


def cmd_run(args: argparse.Namespace) -> int:
    settings = load_settings()
    from bot.logging_setup import configure_logging

    configure_logging(settings.log_level_number)
    if settings.discord_token is None:
        return _fail(TOKEN_MISSING)
    token = settings.discord_token.get_secret_value().strip()
    if token.count(".") != 2:
        return _fail(TOKEN_MALFORMED)
    return asyncio.run(_run(settings, token))


async def _run(settings: Settings, token: str) -> int:
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
        try:
            async with bot:
                await bot.start(token)
        except discord.LoginFailure:
            return _fail(TOKEN_REJECTED)
        except discord.PrivilegedIntentsRequired:
            return _fail(INTENTS_MISSING)
        return 0
    finally:
        await database.dispose()


# --- parley check ------------------------------------------------------------------------------


async def run_checks(settings: Settings | None = None) -> list[str]:
    """Everything that can be verified without a network; returns the problems found."""
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
                print("ok  database: migrations apply to a fresh SQLite file and match the models")

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
    return problems


def cmd_check(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    problems = asyncio.run(run_checks())
    for problem in problems:
        print(f"FAIL {problem}", file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) found.", file=sys.stderr)
        return 1
    print("Parley is ready to run.")
    return 0


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
    return 0


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

    parser = argparse.ArgumentParser(prog="parley", description=__doc__)
    parser.add_argument("--version", action="version", version=f"parley {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="connect to Discord and run the bot")
    run.set_defaults(func=cmd_run)

    check = sub.add_parser("check", help="verify settings, database, extensions and content")
    check.set_defaults(func=cmd_check)

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_upgrade = db_sub.add_parser("upgrade", help="apply database migrations")
    db_upgrade.add_argument("revision", nargs="?", default="head")
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


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        result: int = args.func(args)
    except ConfigurationError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return 130
    return result


if __name__ == "__main__":
    sys.exit(main())
