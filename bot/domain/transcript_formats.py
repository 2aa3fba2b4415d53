"""Transcript exports: Markdown, HTML, JSON and CSV, written one message at a time.

Each format is a writer with `begin(meta)`, `entry(entry)` and `end()` that writes to a text
stream as it goes, so an export's memory does not grow with the session (the caller feeds entries
chunk by chunk from the database).

* **md** — a readable document: one section per phase, each message with time, author, actor and
  channel, its text as a quote; edits and deletions marked.
* **html** — the same, self-contained (inline CSS, no scripts, no external resources); every piece
  of student text is escaped.
* **json** — one JSON array of message objects (not JSON Lines), ids as strings (as Discord's API
  sends them, so JavaScript does not round them), times in ISO 8601 UTC.
* **csv** — one row per message for spreadsheets: UTF-8 with a byte-order mark (so Excel reads
  accents and emoji), readable columns first and ids last; any cell that a spreadsheet would
  run as a formula (= + - @ or a full-width form of them, after any leading whitespace or
  invisible character; or a leading tab, CR or newline) is prefixed with a quote.

Pure: no Discord, no database.
"""

from __future__ import annotations

import csv
import html
import json
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Protocol, TextIO

from bot.domain.transcripts import Attachment, TranscriptEntry

__all__ = [
    "CSV_COLUMNS",
    "FORMATS",
    "ExportMeta",
    "TranscriptFormat",
    "csv_safe",
    "formatter",
    "media_type",
    "redact",
]

FORMATS = ("md", "html", "json", "csv")
_MEDIA = {
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
}
NO_PHASE = "Outside the rounds"
KIND_NAMES = {"plenary": "plenary", "delegation": "delegation", "caucus": "caucus"}


def media_type(fmt: str) -> str:
    return _MEDIA[fmt]


@dataclass(frozen=True)
class ExportMeta:
    """What the document says about itself."""

    session_id: int
    title: str  # e.g. "Hanoi 2019"
    scope: str  # "whole session", "phase: Plenary", "Japan delegation threads"
    exported_at: datetime
    actor_names: Mapping[str, str] = field(default_factory=dict)  # "japan" -> "Japan 🇯🇵"
    redacted: bool = False  # deleted text and earlier versions left out (student exports)


class TranscriptFormat(Protocol):
    def begin(self, meta: ExportMeta) -> None: ...
    def entry(self, entry: TranscriptEntry) -> None: ...
    def end(self) -> None: ...


def redact(entry: TranscriptEntry) -> TranscriptEntry:
    """What a student may see: no text of deleted messages, no earlier versions."""
    if entry.deleted:
        return replace(entry, content="", attachments=(), revisions=())
    return replace(entry, revisions=()) if entry.revisions else entry


def _iso(when: datetime | None) -> str | None:
    if when is None:
        return None
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _clock(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%H:%M:%S")


def _day(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%A %d %B %Y")


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def _actor(meta: ExportMeta, actor_id: str | None) -> str:
    if actor_id is None:
        return ""
    return meta.actor_names.get(actor_id, actor_id)


def _channel(meta: ExportMeta, e: TranscriptEntry) -> str:
    if e.channel_label:
        return e.channel_label
    if e.channel_kind == "delegation" and e.actor_id:
        return f"{_actor(meta, e.actor_id)} delegation"
    return KIND_NAMES.get(e.channel_kind, e.channel_kind)


class _Sections:
    """Tracks when a new phase or a new day begins in the stream of messages."""

    def __init__(self) -> None:
        self.phase: str | object | None = object()
        self.day: str | None = None

    def new_phase(self, e: TranscriptEntry) -> bool:
        if e.phase != self.phase:
            self.phase = e.phase
            return True
        return False

    def new_day(self, e: TranscriptEntry) -> str | None:
        day = _day(e.created_at)
        if day != self.day:
            self.day = day
            return day
        return None


# --- Markdown ------------------------------------------------------------------------------------

_MD_INLINE = str.maketrans({c: "\\" + c for c in "\\`*_[]<>~"})


def _md_inline(text: str) -> str:
    return " ".join(text.split()).translate(_MD_INLINE)


def _md_quote(text: str, depth: int = 1) -> str:
    # Discord text is Markdown already: keep it, but never let it open raw HTML.
    prefix = "> " * depth
    lines = text.replace("\r\n", "\n").replace("<", "\\<").split("\n")
    return "\n".join(f"{prefix}{line}" if line else prefix.rstrip() for line in lines)


class MarkdownFormat:
    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.meta: ExportMeta | None = None
        self.sections = _Sections()
        self.count = 0

    def begin(self, meta: ExportMeta) -> None:
        self.meta = meta
        w = self.out.write
        w(f"# Transcript — {_md_inline(meta.title)} (session {meta.session_id})\n\n")
        w(f"{_md_inline(meta.scope).capitalize()} · exported {meta.exported_at:%Y-%m-%d %H:%M} UTC")
        w(" · times in UTC.\n")
        if meta.redacted:
            w("Deleted messages are marked without their text.\n")
        else:
            w("Edited messages list their earlier versions; deleted messages keep their text.\n")

    def entry(self, e: TranscriptEntry) -> None:
        assert self.meta is not None
        w = self.out.write
        self.count += 1
        if self.sections.new_phase(e):
            w(f"\n## {_md_inline(e.phase or NO_PHASE)}\n")
        day = self.sections.new_day(e)
        if day:
            w(f"\n*{day}*\n")
        who = _md_inline(e.author_name)
        actor = _actor(self.meta, e.actor_id)
        if actor:
            who += f" ({_md_inline(actor)})"
        if e.role != "student":
            who += f" — {e.role}"
        w(f"\n**{_clock(e.created_at)} · {who} · {_md_inline(_channel(self.meta, e))}**")
        notes = []
        if e.edited_at:
            notes.append(f"edited {_clock(e.edited_at)}")
        if e.deleted_at:
            notes.append(f"deleted {_clock(e.deleted_at)}")
        if notes:
            w(f" *({', '.join(notes)})*")
        w("\n")
        if e.deleted and self.meta.redacted:
            w("> *(deleted)*\n")
        elif e.content:
            w(_md_quote(e.content) + "\n")
        elif not e.attachments:
            w("> *(no text)*\n")
        for a in e.attachments:
            name = _md_inline(a.filename)
            link = f"[{name}](<{a.url}>)" if a.url.startswith(("https://", "http://")) else name
            w(f"> 📎 {link} ({_size(a.size)})\n")
        for r in e.revisions:
            w(f">\n> *earlier version, until {_clock(r.replaced_at)}:*\n")
            w(_md_quote(r.content or "(no text)", depth=2) + "\n")

    def end(self) -> None:
        if not self.count:
            self.out.write("\n*No messages.*\n")


# --- HTML ----------------------------------------------------------------------------------------

_CSS = """
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;
background:#f6f7f9;color:#1d1f23}
header,main{max-width:860px;margin:0 auto;padding:0 16px}
header{padding-top:24px}h1{font-size:1.6em;margin:0 0 4px}.meta{color:#555;margin:0 0 16px}
h2{margin:32px 0 8px;padding-bottom:4px;border-bottom:2px solid #c9ced6;font-size:1.25em}
.day{color:#666;font-style:italic;margin:16px 0 4px}
.msg{background:#fff;border:1px solid #e1e4e8;border-radius:8px;padding:8px 12px;margin:8px 0}
.msg.facilitator{border-left:4px solid #5865f2}.msg.bot{background:#f0f2ff}
.msg.deleted{opacity:.75;border-style:dashed}.msg.deleted .text{text-decoration:line-through}
.head{font-size:.9em;color:#555}.author{font-weight:600;color:#1d1f23}
.actor,.badge,.channel{display:inline-block;border-radius:4px;padding:0 6px;margin-left:4px;
background:#eef0f3}
.badge{background:#5865f2;color:#fff}.badge.deleted{background:#b42318}.badge.edited{background:#8a6d00}
.text{white-space:pre-wrap;overflow-wrap:anywhere;margin-top:4px}
details{margin-top:6px;font-size:.9em}details .text{color:#555}
ul.attachments{margin:6px 0 0;padding-left:20px;font-size:.9em}
.empty{color:#888;font-style:italic}
""".strip()


def _h(text: str) -> str:
    return html.escape(text, quote=True)


def _href(url: str) -> str | None:
    return _h(url) if url.startswith(("https://", "http://")) else None


def _attachment_items(attachments: tuple[Attachment, ...]) -> str:
    if not attachments:
        return ""
    items = []
    for a in attachments:
        href = _href(a.url)
        name = _h(a.filename)
        link = f'<a href="{href}" rel="noopener noreferrer">{name}</a>' if href else name
        kind = f", {_h(a.content_type)}" if a.content_type else ""
        items.append(f"<li>📎 {link} ({_size(a.size)}{kind})</li>")
    return f'<ul class="attachments">{"".join(items)}</ul>'


class HtmlFormat:
    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.meta: ExportMeta | None = None
        self.sections = _Sections()
        self.open_section = False
        self.count = 0

    def begin(self, meta: ExportMeta) -> None:
        self.meta = meta
        title = f"Transcript — {meta.title} (session {meta.session_id})"
        note = (
            "Deleted messages are marked without their text."
            if meta.redacted
            else "Edited messages list their earlier versions; deleted messages keep their text."
        )
        self.out.write(
            '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{_h(title)}</title>\n<style>\n{_CSS}\n</style>\n</head>\n<body>\n"
            f"<header><h1>{_h(title)}</h1>\n"
            f'<p class="meta">{_h(meta.scope.capitalize())} · exported '
            f"{meta.exported_at:%Y-%m-%d %H:%M} UTC · times in UTC. {_h(note)}</p></header>\n"
            "<main>\n"
        )

    def entry(self, e: TranscriptEntry) -> None:
        assert self.meta is not None
        w = self.out.write
        self.count += 1
        if self.sections.new_phase(e):
            if self.open_section:
                w("</section>\n")
            w(f"<section>\n<h2>{_h(e.phase or NO_PHASE)}</h2>\n")
            self.open_section = True
        day = self.sections.new_day(e)
        if day:
            w(f'<p class="day">{_h(day)}</p>\n')
        classes = ["msg", e.role] + (["deleted"] if e.deleted else [])
        actor = _actor(self.meta, e.actor_id)
        head = [
            f'<time datetime="{_iso(e.created_at)}">{_clock(e.created_at)}</time>',
            f'<span class="author">{_h(e.author_name)}</span>',
        ]
        if actor:
            head.append(f'<span class="actor">{_h(actor)}</span>')
        head.append(f'<span class="channel">{_h(_channel(self.meta, e))}</span>')
        if e.role != "student":
            head.append(f'<span class="badge">{e.role}</span>')
        if e.edited_at:
            head.append(f'<span class="badge edited">edited {_clock(e.edited_at)}</span>')
        if e.deleted_at:
            head.append(f'<span class="badge deleted">deleted {_clock(e.deleted_at)}</span>')
        if e.deleted and self.meta.redacted:
            body = '<div class="text empty">(deleted)</div>'
        elif e.content:
            body = f'<div class="text">{_h(e.content)}</div>'
        elif not e.attachments:
            body = '<div class="text empty">(no text)</div>'
        else:
            body = ""
        history = ""
        if e.revisions:
            versions = "".join(
                f'<li>until <time datetime="{_iso(r.replaced_at)}">{_clock(r.replaced_at)}'
                f'</time>: <div class="text">{_h(r.content) or "(no text)"}</div></li>'
                for r in e.revisions
            )
            plural = "s" if len(e.revisions) > 1 else ""
            history = (
                f"<details><summary>{len(e.revisions)} earlier version{plural}</summary>"
                f"<ol>{versions}</ol></details>"
            )
        w(
            f'<article class="{" ".join(classes)}" id="m{e.message_id}">'
            f'<div class="head">{" ".join(head)}</div>{body}'
            f"{_attachment_items(e.attachments)}{history}</article>\n"
        )

    def end(self) -> None:
        if self.open_section:
            self.out.write("</section>\n")
        if not self.count:
            self.out.write('<p class="empty">No messages.</p>\n')
        self.out.write("</main>\n</body>\n</html>\n")


# --- JSON ----------------------------------------------------------------------------------------


def entry_json(meta: ExportMeta, e: TranscriptEntry) -> dict[str, Any]:
    return {
        "message_id": str(e.message_id),
        "session_id": e.session_id,
        "phase": e.phase,
        "channel_id": str(e.channel_id),
        "channel": _channel(meta, e),
        "channel_kind": e.channel_kind,
        "author_id": str(e.author_id),
        "author_name": e.author_name,
        "actor_id": e.actor_id,
        "actor": _actor(meta, e.actor_id) or None,
        "role": e.role,
        "created_at": _iso(e.created_at),
        "content": e.content,
        "attachments": [a.as_dict() for a in e.attachments],
        "reply_to_id": None if e.reply_to_id is None else str(e.reply_to_id),
        "edited_at": _iso(e.edited_at),
        "deleted": e.deleted,
        "deleted_at": _iso(e.deleted_at),
        "revisions": [
            {
                "content": r.content,
                "replaced_at": _iso(r.replaced_at),
                "attachments": [a.as_dict() for a in r.attachments],
            }
            for r in e.revisions
        ],
    }


class JsonFormat:
    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.meta: ExportMeta | None = None
        self.first = True

    def begin(self, meta: ExportMeta) -> None:
        self.meta = meta
        self.out.write("[")

    def entry(self, e: TranscriptEntry) -> None:
        assert self.meta is not None
        self.out.write("\n" if self.first else ",\n")
        self.first = False
        self.out.write(json.dumps(entry_json(self.meta, e), ensure_ascii=False))

    def end(self) -> None:
        self.out.write("\n]\n" if not self.first else "]\n")


# --- CSV -----------------------------------------------------------------------------------------

CSV_COLUMNS = (
    "time_utc",
    "phase",
    "channel",
    "author",
    "actor",
    "role",
    "content",
    "edited_at_utc",
    "earlier_versions",
    "deleted_at_utc",
    "attachments",
    "reply_to_id",
    "channel_kind",
    "author_id",
    "channel_id",
    "message_id",
)
_FORMULA_START = frozenset("=+-@")
# Signs a spreadsheet may read as one of the above after its own normalisation, which NFKC
# does not map: the minus sign and the heavy minus / plus / equals of dingbat fonts.
_FORMULA_LOOKALIKES = frozenset("\u2212\u2796\u2795\U0001f7f0")
# Invisible characters a spreadsheet (or the person pasting) may drop before evaluating.
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u180e\u00ad")


def _could_run(first: str) -> bool:
    return (
        first in _FORMULA_START
        or first in _FORMULA_LOOKALIKES
        or unicodedata.normalize("NFKC", first)[:1] in _FORMULA_START
    )


def csv_safe(value: str) -> str:
    """Neutralise spreadsheet formulas (OWASP "CSV injection"): a leading quote makes the cell
    text in Excel, LibreOffice and Google Sheets.

    Spreadsheets trim before they evaluate, and some fold full-width forms (``＝``, ``＋``,
    ``－``, ``＠``, ``﹦`` …) into ASCII, so the test looks at the first character left after
    whitespace (any Unicode space, tab, newline, CR) and invisible characters are skipped. A
    cell that merely *starts* with a tab or CR is quoted too (some importers split on them).
    """
    if not value:
        return value
    if value[0] in "\t\r\n":
        return "'" + value
    for char in value:
        if char.isspace() or char in _INVISIBLE:
            continue
        return "'" + value if _could_run(char) else value
    return value


def _sheet_time(when: datetime | None) -> str:
    return "" if when is None else when.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


class CsvFormat:
    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.meta: ExportMeta | None = None
        self.writer = csv.writer(out, lineterminator="\r\n")

    def begin(self, meta: ExportMeta) -> None:
        self.meta = meta
        self.out.write("\ufeff")
        self.writer.writerow(CSV_COLUMNS)

    def entry(self, e: TranscriptEntry) -> None:
        assert self.meta is not None
        earlier = "\n".join(
            f"[until {_sheet_time(r.replaced_at)}] {r.content}" for r in e.revisions
        )
        attachments = "\n".join(f"{a.filename} <{a.url}>" for a in e.attachments)
        row = [
            _sheet_time(e.created_at),
            e.phase or "",
            _channel(self.meta, e),
            e.author_name,
            _actor(self.meta, e.actor_id),
            e.role,
            "(deleted)" if e.deleted and self.meta.redacted else e.content,
            _sheet_time(e.edited_at),
            earlier,
            _sheet_time(e.deleted_at),
            attachments,
            "" if e.reply_to_id is None else str(e.reply_to_id),
            e.channel_kind,
            str(e.author_id),
            str(e.channel_id),
            str(e.message_id),
        ]
        self.writer.writerow([csv_safe(cell) for cell in row])

    def end(self) -> None:
        pass


def formatter(fmt: str, out: TextIO) -> TranscriptFormat:
    if fmt == "md":
        return MarkdownFormat(out)
    if fmt == "html":
        return HtmlFormat(out)
    if fmt == "json":
        return JsonFormat(out)
    if fmt == "csv":
        return CsvFormat(out)
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
