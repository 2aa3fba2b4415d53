"""Export formats: readable, parseable, and safe with whatever students typed."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.transcript_formats import (
    CSV_COLUMNS,
    FORMATS,
    ExportMeta,
    csv_safe,
    formatter,
    redact,
)
from bot.domain.transcripts import Attachment, Revision, TranscriptEntry

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
META = ExportMeta(
    session_id=7,
    title="Hanoi 2019",
    scope="whole session",
    exported_at=T0 + timedelta(hours=1),
    actor_names={"japan": "Japan 🇯🇵", "dprk": "DPRK 🇰🇵"},
)
EVIL = '<script>alert("x")</script> & =HYPERLINK("http://evil")'


def entry(message_id: int, **changes: object) -> TranscriptEntry:
    values: dict[str, object] = {
        "message_id": 1_300_000_000_000_000_000 + message_id,
        "session_id": 7,
        "phase": "Opening statements",
        "channel_id": 555,
        "channel_kind": "plenary",
        "channel_label": "#plenary",
        "author_id": 42,
        "author_name": "Aiko",
        "actor_id": "japan",
        "created_at": T0 + timedelta(minutes=message_id),
        "content": f"message {message_id}",
    }
    values.update(changes)
    return TranscriptEntry(**values)  # type: ignore[arg-type]


ENTRIES = [
    entry(1, content="We open with the Yongbyon question.\nSecond line, café ☕"),
    entry(
        2,
        content="We accept",
        edited_at=T0 + timedelta(minutes=3),
        revisions=(Revision("We reject", T0 + timedelta(minutes=3)),),
    ),
    entry(3, content="our red line is…", deleted_at=T0 + timedelta(minutes=4)),
    entry(
        4,
        phase="Bilateral caucuses",
        author_name=EVIL,
        actor_id="dprk",
        channel_kind="caucus",
        channel_label='US – DPRK "caucus"',
        content=EVIL,
        attachments=(
            Attachment("<b>map</b>.png", 2048, "image/png", "https://cdn.discordapp.com/m.png"),
            Attachment("x.txt", 10, None, "javascript:alert(1)"),
        ),
    ),
    entry(5, phase=None, author_name="Parley", actor_id=None, is_bot=True, content="Time."),
    entry(6, author_name="Ms Lee", actor_id=None, is_facilitator=True, content="-1 point"),
]


def render(fmt: str, entries: list[TranscriptEntry], meta: ExportMeta = META) -> str:
    out = io.StringIO(newline="")
    writer = formatter(fmt, out)
    writer.begin(meta)
    for e in entries:
        writer.entry(e)
    writer.end()
    return out.getvalue()


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+44 20", "'+44 20"),
        ("-1 point", "'-1 point"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=cmd", "'\t=cmd"),
        ("plain", "plain"),
        ("", ""),
        ("a=b", "a=b"),
        (" =1+1", "' =1+1"),
        ("\n=1+1", "'\n=1+1"),
        ("\r\n@SUM(A1)", "'\r\n@SUM(A1)"),
        ("\u00a0\u3000+1", "'\u00a0\u3000+1"),
        ("\u200b=1", "'\u200b=1"),
        ("\ufeff-2", "'\ufeff-2"),
        ("\uff1dHYPERLINK(1)", "'\uff1dHYPERLINK(1)"),
        ("\uff0b1", "'\uff0b1"),
        ("\uff0d1", "'\uff0d1"),
        ("\uff20A1", "'\uff20A1"),
        ("\ufe66cmd", "'\ufe66cmd"),
        ("\u22121", "'\u22121"),
        ("   ", "   "),
        ("  plain = fine", "  plain = fine"),
        ("\uff21 full-width letter", "\uff21 full-width letter"),
    ],
)
def test_csv_cells_that_would_run_as_formulas_are_quoted(cell: str, safe: str) -> None:
    assert csv_safe(cell) == safe


@given(
    pad=st.text(alphabet=" \t\n\r\u00a0\u2003\u3000\u200b\ufeff", max_size=5),
    sign=st.sampled_from(list("=+-@\uff1d\uff0b\uff0d\uff20\ufe66\ufe62\ufe63\ufe6b")),
    rest=st.text(max_size=20),
)
def test_a_formula_after_any_trimmable_prefix_is_quoted(pad: str, sign: str, rest: str) -> None:
    cell = pad + sign + rest
    assert csv_safe(cell) == "'" + cell


def test_json_parses_back_with_every_message_edit_and_deletion() -> None:
    data = json.loads(render("json", ENTRIES))
    assert [m["message_id"] for m in data] == [str(e.message_id) for e in ENTRIES]
    edited, deleted, evil = data[1], data[2], data[3]
    assert edited["content"] == "We accept"
    assert edited["revisions"] == [
        {"content": "We reject", "replaced_at": "2026-01-05T09:03:00Z", "attachments": []}
    ]
    assert deleted["deleted"] is True and deleted["content"] == "our red line is…"
    assert evil["content"] == EVIL and evil["actor"] == "DPRK 🇰🇵"
    assert evil["attachments"][0]["filename"] == "<b>map</b>.png"
    assert data[4]["role"] == "bot" and data[5]["role"] == "facilitator"
    assert json.loads(render("json", [])) == []


def test_csv_parses_back_and_guards_formulas() -> None:
    text = render("csv", ENTRIES)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    assert list(rows[0]) == list(CSV_COLUMNS)
    assert [r["message_id"] for r in rows] == [str(e.message_id) for e in ENTRIES]
    assert rows[0]["content"] == "We open with the Yongbyon question.\nSecond line, café ☕"
    assert rows[1]["earlier_versions"] == "[until 2026-01-05 09:03:00] We reject"
    assert rows[2]["deleted_at_utc"] == "2026-01-05 09:04:00"
    assert rows[2]["content"] == "our red line is…"
    assert rows[5]["content"] == "'-1 point"  # would be a formula in a spreadsheet
    assert rows[3]["actor"] == "DPRK 🇰🇵" and rows[5]["role"] == "facilitator"
    for row in rows:
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row.values())


def test_html_escapes_student_text_everywhere_and_is_self_contained() -> None:
    page = render("html", ENTRIES)
    assert "<script" not in page and "<b>map" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp;" in page
    assert "US – DPRK &quot;caucus&quot;" in page
    assert 'href="https://cdn.discordapp.com/m.png"' in page
    assert "javascript:" not in page.split("<main>")[1].split("x.txt")[0][-200:]
    assert 'href="javascript' not in page
    assert "<link" not in page and "src=" not in page  # no external resources
    assert page.count("<section>") == page.count("</section>") == 4  # phases, in order
    assert page.index("Opening statements") < page.index("Bilateral caucuses")
    assert 'class="msg student deleted"' in page and "1 earlier version" in page
    assert "No messages." in render("html", [])


def test_markdown_reads_like_a_transcript() -> None:
    doc = render("md", ENTRIES)
    assert doc.startswith("# Transcript — Hanoi 2019 (session 7)")
    assert "## Opening statements" in doc and "## Bilateral caucuses" in doc
    assert "**09:01:00 · Aiko (Japan 🇯🇵) · #plenary**" in doc
    assert "> We open with the Yongbyon question.\n> Second line, café ☕" in doc
    assert "*(edited 09:03:00)*" in doc and "> > We reject" in doc
    assert "*(deleted 09:04:00)*" in doc and "> our red line is…" in doc
    assert "(<https://cdn.discordapp.com/m.png>)" in doc and "javascript:" not in doc
    assert doc.count("*Monday 05 January 2026*") == 1
    assert re.findall(r"(?<![\\(])<", doc) == []  # no raw HTML can open
    assert "\\<script" in doc
    assert "Ms Lee — facilitator" in doc


def test_student_exports_leave_out_deleted_text_and_earlier_versions() -> None:
    redacted = [redact(e) for e in ENTRIES]
    assert redacted[2].content == "" and redacted[2].deleted
    assert redacted[1].revisions == () and redacted[1].content == "We accept"
    meta = ExportMeta(7, "Hanoi 2019", "Japan delegation threads", T0, redacted=True)
    for fmt in FORMATS:
        text = render(fmt, redacted, meta)
        assert "our red line" not in text and "We reject" not in text, fmt
    assert "(deleted)" in render("csv", redacted, meta)


def test_an_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="md, html, json, csv"):
        formatter("pdf", io.StringIO())
