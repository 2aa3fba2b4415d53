"""Quoting what someone typed back to them, safely and briefly.

Error replies often say what was not understood ("no scenario “…”"). A pasted essay would make
the reply longer than Discord accepts (2,000 characters; the user then sees "The application
did not respond"), bidirectional-override characters would scramble the sentence around it, and
Markdown in it would restyle the reply. `echo` keeps a short, flat, literal excerpt. Mentions
are harmless here because every reply is sent with no mentions allowed.

Pure: no Discord.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["ECHO_LIMIT", "echo"]

ECHO_LIMIT = 60
_MARKDOWN = re.compile(r"([\\`*_~|>#\[\]()-])")
_SPACES = re.compile(r"\s+")


def _visible(char: str) -> bool:
    """Drop control and format characters (zero-width, bidi overrides and isolates)."""
    return unicodedata.category(char) not in ("Cc", "Cf", "Co", "Cs")


def echo(value: str, limit: int = ECHO_LIMIT) -> str:
    """At most `limit` visible characters of `value` (plus "…" if cut), on one line, with
    Markdown escaped; "(empty)" when nothing visible is left."""
    flat = _SPACES.sub(
        " ", "".join(c if _visible(c) else " " if c in "\n\r\t" else "" for c in value)
    )
    flat = flat.strip()
    if not flat:
        return "(empty)"
    if len(flat) > limit:
        flat = flat[: max(1, limit - 1)].rstrip() + "…"
    return _MARKDOWN.sub(r"\\\1", flat)
