"""Importing extra question banks (Red-DiscordBot trivia lists) into the database."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bot.content.red_trivia import TriviaList, load_red_trivia
from bot.db.engine import Database

__all__ = ["BankImport", "bank_name", "import_red_trivia", "store_trivia_list"]

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def bank_name(text: str) -> str:
    """A bank name students can type: lower case, digits and single hyphens (at most 64)."""
    name = _NOT_SLUG.sub("-", text.casefold()).strip("-")[:64].strip("-")
    if not name:
        raise ValueError(f"{text!r} cannot be a bank name: use letters or digits")
    return name


@dataclass(frozen=True, slots=True)
class BankImport:
    name: str
    questions: int
    created: bool
    author: str | None


async def store_trivia_list(
    database: Database, trivia: TriviaList, name: str, source_file: str
) -> BankImport:
    """Create or replace the bank `name`; progress on unchanged questions is kept (stable ids)."""
    async with database.transaction() as tx:
        _, created = await tx.quiz.replace_bank(
            name=name,
            source_format="red-trivia",
            source_file=source_file[-255:],
            author=trivia.author,
            config=trivia.config,
            items=[(q.item_id, q.text, list(q.answers)) for q in trivia.questions],
        )
    return BankImport(name, len(trivia.questions), created, trivia.author)


async def import_red_trivia(database: Database, path: Path, name: str | None = None) -> BankImport:
    """Read, check (raising `TriviaFormatError` with lines) and store a trivia list file."""
    trivia = load_red_trivia(path)
    return await store_trivia_list(database, trivia, bank_name(name or path.stem), path.name)
