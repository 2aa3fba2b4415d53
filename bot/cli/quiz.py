"""`parley quiz …`: the grader's commands plus importing extra question banks.

    parley quiz grade …                            (see bot/cli/grading.py)
    parley quiz import red-trivia FILE [--name NAME]

An import prints what it stored, or every fault as `FILE:LINE: message` and exits 1.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.grading import add_quiz_subcommands

if TYPE_CHECKING:
    from bot.content.red_trivia import TriviaList
    from bot.services.quiz_banks import BankImport

__all__ = ["register"]

EXIT_OK = 0
EXIT_BAD_FILE = 1
EXIT_USAGE = 2


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `quiz` (grade, import) to the top-level CLI."""
    quiz = subparsers.add_parser("quiz", help="quiz tools", description="Quiz tools.")
    quiz_sub = quiz.add_subparsers(dest="quiz_command", metavar="COMMAND", required=True)
    add_quiz_subcommands(quiz_sub)

    imports = quiz_sub.add_parser(
        "import", help="import an extra question bank", description="Import a question bank."
    )
    formats = imports.add_subparsers(dest="import_format", metavar="FORMAT", required=True)
    red = formats.add_parser(
        "red-trivia",
        help="a Red-DiscordBot trivia list (YAML: question → list of answers)",
        description=(
            "Load a Red-DiscordBot trivia list (a YAML mapping of question to a list of accepted "
            "answers, with optional AUTHOR and CONFIG keys) as a bank students practise with "
            "/quiz practice bank:NAME. Importing the same name again replaces the bank; progress "
            "on questions whose text is unchanged is kept."
        ),
    )
    red.add_argument("file", type=Path, metavar="FILE", help="the .yaml list")
    red.add_argument("--name", help="the bank's name (default: the file name without .yaml)")
    red.set_defaults(func=run_import_red_trivia)


def run_import_red_trivia(args: argparse.Namespace) -> int:
    from bot.content.red_trivia import TriviaFormatError, load_red_trivia
    from bot.services.quiz_banks import bank_name

    path: Path = args.file
    if not path.is_file():
        print(f"error: {path} is not a file", file=sys.stderr)
        return EXIT_USAGE
    try:
        name = bank_name(args.name or path.stem)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        trivia = load_red_trivia(path)
    except TriviaFormatError as exc:
        print(str(exc), file=sys.stderr)
        print(f"{len(exc.problems)} problem(s); nothing was imported.", file=sys.stderr)
        return EXIT_BAD_FILE
    result = asyncio.run(_store(trivia, name, path.name))
    verb = "Imported" if result.created else "Replaced"
    by = f" by {result.author}" if result.author else ""
    print(
        f"{verb} bank '{result.name}'{by}: {result.questions} question(s). "
        f"Students practise it with /quiz practice bank:{result.name}"
    )
    return EXIT_OK


async def _store(trivia: TriviaList, name: str, source_file: str) -> BankImport:
    from bot.db.engine import Database
    from bot.db.migrate import upgrade
    from bot.services.quiz_banks import store_trivia_list
    from bot.settings import load_settings

    database = Database(load_settings().resolved_database_url)
    try:
        await upgrade(database.engine)
        return await store_trivia_list(database, trivia, name, source_file)
    finally:
        await database.dispose()
