"""Source articles ("seeds"): paragraph numbering and the text normalisation used for quoting.

A seed is a plain-text article in ``seeds/<name>.txt`` whose paragraphs are blank-line separated
blocks, numbered from 1 (¶1). Every evidence card and quiz item points at one of those numbers, so
the numbering rule lives here and nowhere else.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from pathlib import Path

from bot.content.problems import read_utf8

__all__ = [
    "load_paragraphs",
    "normalise",
    "numbered",
    "paragraph",
    "quote_in",
    "quoted_fragments",
    "split_paragraphs",
    "unquoted",
]

# Typographic punctuation an author may paste from the article (or type from a phone keyboard)
# mapped to the ASCII a YAML author types, so that a quote matches however it was typed.
_ASCII = str.maketrans(
    {
        "\u2018": "'",  # ‘
        "\u2019": "'",  # ’
        "\u201a": "'",  # ‚
        "\u201b": "'",  # ‛
        "\u2032": "'",  # ′
        "\u201c": '"',  # “
        "\u201d": '"',  # ”
        "\u201e": '"',  # „
        "\u201f": '"',  # ‟
        "\u2033": '"',  # ″
        "\u00ab": '"',  # «
        "\u00bb": '"',  # »
        "\u2010": "-",  # hyphen
        "\u2011": "-",  # non-breaking hyphen
        "\u2012": "-",  # figure dash
        "\u2013": "-",  # en dash
        "\u2014": "-",  # em dash
        "\u2015": "-",  # horizontal bar
        "\u2212": "-",  # minus
        "\u00a0": " ",  # no-break space
        "\u2009": " ",  # thin space
        "\u202f": " ",  # narrow no-break space
        "\u2026": "...",  # ellipsis
    }
)

_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_QUOTED = re.compile(r'"([^"]+)"')
_BLANK = re.compile(r"_{2,}")


def normalise(text: str) -> str:
    """Collapse whitespace and turn typographic quotes, apostrophes and dashes into ASCII.

    Used on both sides of every verbatim comparison, so that line breaks in YAML and curly
    quotes in the article never make a faithful quote fail.
    """
    return " ".join(unicodedata.normalize("NFC", text).translate(_ASCII).split())


def unquoted(text: str) -> str:
    """``normalise`` plus case folding and removal of quote marks.

    For checking a fragment quoted inside prose: its inner quotes may be single where the
    article's are double, and its first word may be lower-cased mid-sentence.
    """
    return " ".join(normalise(text).replace('"', " ").replace("'", "").casefold().split())


def quote_in(fragment: str, text: str) -> bool:
    """Whether a fragment quoted in prose occurs in ``text`` (per ``unquoted``).

    A run of underscores in the fragment is a blank to fill in ("as important as ___") and
    matches any words, so that cloze prompts are checked too.
    """
    parts = [unquoted(part) for part in _BLANK.split(fragment)]
    if len(parts) == 1:
        return parts[0] in unquoted(text)
    pattern = r"\s*\S+(?:\s\S+)*?\s*".join(re.escape(part) for part in parts)
    return re.search(pattern, unquoted(text)) is not None


def quoted_fragments(text: str) -> list[str]:
    """The passages a prose text puts in double quotes (straight or curly)."""
    return [m.strip() for m in _QUOTED.findall(normalise(text)) if m.strip()]


def split_paragraphs(text: str) -> list[str]:
    """Split an article into paragraphs: blocks separated by one or more blank lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [block.strip() for block in _BLANK_LINE.split(text) if block.strip()]


def load_paragraphs(path: Path | str) -> list[str]:
    """Read a seed file and return its paragraphs; ``paragraphs[0]`` is ¶1 (see ``paragraph``)."""
    return split_paragraphs(read_utf8(Path(path)))


def paragraph(paragraphs: Sequence[str], number: int) -> str:
    """Return ¶``number`` (1-based, as printed on cards) or raise ``IndexError``."""
    if not 1 <= number <= len(paragraphs):
        raise IndexError(f"¶{number} does not exist: the seed has ¶1–¶{len(paragraphs)}")
    return paragraphs[number - 1]


def numbered(paragraphs: Sequence[str]) -> Iterator[tuple[int, str]]:
    """Iterate ``(¶ number, text)`` pairs, numbering from 1."""
    return enumerate(paragraphs, start=1)
