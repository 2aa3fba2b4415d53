"""`parley transcript export|sessions` and `parley bench ingest|timers`, as subprocesses."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.db.engine import Database
from bot.db.migrate import upgrade
from bot.domain.transcripts import IncomingMessage, MessageEdit
from bot.services.transcripts import TranscriptService
from tests.cli.test_main import run_parley
from tests.session_rows import make_session

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


async def classroom_database(path: Path) -> tuple[str, int]:
    url = f"sqlite+aiosqlite:///{path}"
    database = Database(url)
    try:
        await upgrade(database.engine)
        session_id = await make_session(database)
        service = TranscriptService(database)
        await service.register_channel(100, session_id, "plenary", label="#plenary")
        for i in range(250):
            service.record(
                IncomingMessage(
                    message_id=10_000 + i,
                    session_id=session_id,
                    phase="Opening statements" if i < 100 else "Plenary",
                    channel_id=100,
                    channel_kind="plenary",
                    author_id=7,
                    author_name="Aiko",
                    channel_actor_id=None,
                    created_at=T0 + timedelta(seconds=i),
                    content=f'@everyone message {i}, with "quotes", commas and\nnew lines',
                )
            )
        service.record_edit(MessageEdit(10_001, "edited", (), T0 + timedelta(hours=1)))
        service.record_deletion([10_002])
        await service.flush()
        await service.stop()
    finally:
        await database.dispose()
    return url, session_id


def test_export_writes_a_parseable_file_of_every_message(tmp_path: Path) -> None:
    url, session_id = asyncio.run(classroom_database(tmp_path / "parley.sqlite3"))
    env = {"DATABASE_URL": url}

    out = tmp_path / "session.json"
    result = run_parley(
        "transcript", "export", str(session_id), "--format", "json", "-o", str(out),
        cwd=tmp_path, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"Wrote 250 messages of session {session_id} to {out}"
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [int(m["message_id"]) for m in data] == list(range(10_000, 10_250))
    assert data[1]["revisions"][0]["content"].startswith("@everyone message 1")
    assert data[2]["deleted"] is True

    result = run_parley(
        "transcript", "export", str(session_id), "-f", "csv", "--phase", "Plenary",
        cwd=tmp_path, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    default_name = tmp_path / f"transcript-session-{session_id}-plenary.csv"
    rows = list(csv.DictReader(io.StringIO(default_name.read_text("utf-8-sig"), newline="")))
    assert len(rows) == 150 and rows[0]["content"].startswith("'@everyone message 100")
    assert not list(tmp_path.glob("*.part"))

    listing = run_parley("transcript", "sessions", cwd=tmp_path, env=env)
    assert listing.returncode == 0
    assert f"{session_id:>5}  Hanoi 2019" in listing.stdout and "250" in listing.stdout


def test_export_of_an_unknown_session_or_phase_says_what_to_do(tmp_path: Path) -> None:
    url, session_id = asyncio.run(classroom_database(tmp_path / "parley.sqlite3"))
    env = {"DATABASE_URL": url}
    missing = run_parley("transcript", "export", "999", cwd=tmp_path, env=env)
    assert missing.returncode == 1
    assert "no session 999" in missing.stderr and "parley transcript sessions" in missing.stderr
    wrong_phase = run_parley(
        "transcript", "export", str(session_id), "--phase", "Vote", cwd=tmp_path, env=env
    )
    assert wrong_phase.returncode == 1
    assert "Opening statements, Plenary" in wrong_phase.stderr
    assert not list(tmp_path.glob("transcript-*"))


def test_bench_ingest_prints_its_figures_with_json_last(tmp_path: Path) -> None:
    result = run_parley(
        "bench", "ingest", "--messages", "400", "--sessions", "2", "--students", "6",
        "--naive", "40", "--rate", "400", "--seconds", "0.5", "--repeat", "1",
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("Transcript ingest: 400 messages, 2 sessions, sqlite")
    figures = json.loads(lines[-1])
    assert figures["benchmark"] == "ingest" and figures["messages"] == 400
    assert figures["floor"]["messages_per_s"] > 0 and figures["end_to_end"]["messages_per_s"] > 0
    assert figures["storage"]["naive_rows_per_s"] > 0
    latency = figures["durable_latency"]
    assert latency["messages"] == 200 and latency["p50_ms"] <= latency["p99_ms"]
    assert {"met", "vs_floor"} <= set(figures["end_to_end"])


def test_bench_timers_prints_its_figures_with_json_last(tmp_path: Path) -> None:
    result = run_parley(
        "bench", "timers", "--timers", "300", "--sessions", "3", "--window", "0.5", "--json",
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    parley = figures["parley"]
    assert parley["fired"] == 300 and parley["dispatcher_tasks"] == 1
    assert parley["handler_tasks"] == 300
    assert parley["p50_ms"] <= parley["p99_ms"] <= parley["max_ms"]
    assert figures["baseline_task_per_timer"]["tasks_alive_peak"] >= 300
