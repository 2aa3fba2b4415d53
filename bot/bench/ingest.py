"""`parley bench ingest`: messages per second from the gateway to durable transcript rows.

N gateway-shaped MESSAGE_CREATE payloads across K concurrent class sessions (each its own server
with a plenary and six private delegation threads) go through discord.py's real parser
(`ConnectionState.parse_message_create` on a client connected offline), Parley's real message
handling (the `cogs.transcripts` extension loaded into a ParleyBot, whose own handling runs too)
and the buffered writer, until `flush()` says they are committed. Measured in the same run:

* **floor** — the same payloads parsed and dispatched by a plain `discord.Client` to a listener
  that does nothing, plus a plain `executemany` of the same rows (batches of 500): no transcript
  code at all can be faster than parsing plus writing;
* **naive storage** — one INSERT and one COMMIT per message, through the application's database
  layer (SQLAlchemy on aiosqlite), and, stricter, through the floor's raw driver path;
* **Parley storage** — the writer alone, fed ready-made records (the storage paths are compared
  alone because parsing dominates end to end);
* **durable latency** — messages offered at a steady rate (1,000/s by default) to the full bot;
  for each, the time from when it was due to arrive until its batch was committed.

Targets: end to end ≥ 0.7 × the floor rate; Parley storage ≥ 10 × naive storage; durable p99 ≤
250 ms at 1,000 messages per second. The JSON result is the last line on stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import statistics
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import discord

from bot.bench.gateway import (
    JSON,
    ClassServer,
    Snowflakes,
    class_messages,
    class_server,
    connect_offline,
    user,
)
from bot.cli.parley import freeze_startup_heap
from bot.db import bench_storage
from bot.db.engine import Database
from bot.domain.transcripts import ChannelInfo, IncomingMessage, TranscriptOp
from bot.services.transcript_writer import TranscriptWriter

TARGET_VS_FLOOR = 0.7
TARGET_VS_NAIVE = 10.0
TARGET_P99_MS = 250.0
DISPATCH_CHUNK = 500


def build_parser(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("--messages", type=int, default=20_000, help="N (default 20000)")
    parser.add_argument("--sessions", type=int, default=8, help="K concurrent sessions (8)")
    parser.add_argument("--students", type=int, default=24, help="students per session (24)")
    parser.add_argument("--naive", type=int, default=2_000, help="messages for the naive run")
    parser.add_argument("--repeat", type=int, default=5, help="rounds; the best counts (5)")
    parser.add_argument("--rate", type=float, default=1_000.0, help="offered msg/s (1000)")
    parser.add_argument("--seconds", type=float, default=5.0, help="latency run length (5)")
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="measure on PostgreSQL (a temporary schema in this database) instead of SQLite",
    )
    parser.add_argument("--json", action="store_true", help="print only the JSON result")
    return parser


def run(args: argparse.Namespace) -> int:
    result = asyncio.run(
        measure(
            messages=args.messages,
            sessions=args.sessions,
            students=args.students,
            naive=args.naive,
            rate=args.rate,
            seconds=args.seconds,
            repeat=max(1, args.repeat),
            postgres_url=args.postgres,
        )
    )
    if not args.json:
        print(report(result))
    print(json.dumps(result))
    return 0


# --- the world ----------------------------------------------------------------------------------


class World:
    def __init__(self, sessions: int, students: int) -> None:
        self.ids = Snowflakes()
        self.bot_user = user(self.ids.next(), "Parley", bot=True)
        self.servers = [
            class_server(self.ids, self.bot_user, students=students, index=i)
            for i in range(sessions)
        ]
        self.session_of: dict[int, int] = {}  # guild id -> session id
        self.channels: dict[int, ChannelInfo] = {}

    async def create_sessions(self, database: Database) -> None:
        for server in self.servers:
            people: list[tuple[int, str, str | None]] = [
                (int(server.facilitator["id"]), "teacher", None)
            ]
            people += [(int(u["id"]), u["username"], actor) for u, actor in server.students]
            infos = [ChannelInfo(cid, 0, kind, actor) for cid, kind, actor in server.channels()]
            session_id = await bench_storage.create_session(
                database,
                guild_id=server.guild_id,
                channel_id=server.plenary_id,
                created_by=int(server.facilitator["id"]),
                participants=people,
                channels=infos,
            )
            self.session_of[server.guild_id] = session_id
            for info in infos:
                self.channels[info.channel_id] = ChannelInfo(
                    info.channel_id, session_id, info.kind, info.actor_id
                )

    def guild_payloads(self) -> list[JSON]:
        return [json.loads(json.dumps(s.payload)) for s in self.servers]

    def messages(self, count: int) -> list[JSON]:
        return class_messages(self.ids, self.servers, count)

    def records(self, payloads: Sequence[JSON]) -> list[IncomingMessage]:
        """What Parley's listener makes of these payloads (for the storage-only runs)."""
        teachers = {int(s.facilitator["id"]) for s in self.servers}
        out = []
        for p in payloads:
            channel = self.channels[int(p["channel_id"])]
            author = int(p["author"]["id"])
            facilitator = author in teachers
            out.append(
                IncomingMessage(
                    message_id=int(p["id"]),
                    session_id=channel.session_id,
                    phase=None,
                    channel_id=channel.channel_id,
                    channel_kind=channel.kind,
                    author_id=author,
                    author_name=p["author"]["global_name"],
                    channel_actor_id=None if facilitator else channel.actor_id,
                    created_at=datetime.fromisoformat(p["timestamp"]),
                    content=p["content"],
                    is_facilitator=facilitator,
                )
            )
        return out


# --- driving the parser -------------------------------------------------------------------------


async def _drain_listeners() -> None:
    """Wait until every listener task discord.py spawned has finished."""
    while True:
        current = asyncio.current_task()
        pending = [
            t
            for t in asyncio.all_tasks()
            if t is not current and t.get_name().startswith("discord.py:")
        ]
        if not pending:
            return
        await asyncio.gather(*pending, return_exceptions=True)


async def dispatch_all(client: discord.Client, payloads: Sequence[JSON]) -> None:
    """Parse each payload in its own turn of the event loop, as the gateway delivers them (one
    websocket frame per loop iteration), so background work interleaves as in production."""
    parse = client._connection.parse_message_create
    for payload in payloads:
        parse(payload)  # type: ignore[arg-type]
        await asyncio.sleep(0)
    await _drain_listeners()


async def floor_client(world: World) -> discord.Client:
    from bot.client import parley_intents

    client = discord.Client(intents=parley_intents())

    async def on_message(message: discord.Message) -> None:
        return None

    client.event(on_message)
    await client._async_setup_hook()
    await connect_offline(client, world.bot_user, world.guild_payloads())
    return client


async def parley_bot(world: World, database: Database) -> Any:
    from bot.client import ParleyBot
    from bot.settings import Settings

    settings = Settings(_env_file=None, discord_token=None)
    bot = ParleyBot(
        settings,
        database,
        scenarios={},
        extensions=("cogs.transcripts.extension",),
        sync_on_start=False,
    )
    await bot._async_setup_hook()
    await bot.setup_hook()
    if bot.failed_extensions:
        raise RuntimeError(f"extensions failed: {bot.failed_extensions}")
    await connect_offline(bot, world.bot_user, world.guild_payloads())
    await bot.transcripts.load_channels()  # what the cog does at READY
    return bot


# --- the measurements ---------------------------------------------------------------------------


def _percentile(sorted_values: Sequence[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return sorted_values[index]


@contextmanager
def _prebuilt_corpus() -> Iterator[None]:
    """Keep the run's pre-built payloads or records out of the garbage collector's sight.

    They are the benchmark's, not the bot's: in production each payload is decoded from a
    websocket frame and freed once parsed. Left in sight, a 20,000-message corpus (about half a
    million objects) is rescanned by every full collection, a cost that grows with whatever
    else the run keeps alive and so falls unevenly on the floor and on Parley."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
        freeze_startup_heap()


async def _timed(coro: Any) -> float:
    start = time.perf_counter()
    await coro
    return time.perf_counter() - start


async def measure(
    *,
    messages: int,
    sessions: int,
    students: int,
    naive: int,
    rate: float,
    seconds: float,
    repeat: int = 5,
    postgres_url: str | None = None,
) -> dict[str, Any]:
    """Each throughput is measured `repeat` times, interleaved, after a warm-up; the best run
    of each counts (the least disturbed by other processes), medians are reported too."""
    world = World(sessions, students)
    times: dict[str, list[float]] = {
        "parse": [],
        "plain": [],
        "naive": [],
        "naive_raw": [],
        "storage": [],
        "end_to_end": [],
    }
    naive_count = min(naive, messages)
    async with bench_storage.scratch_database(postgres_url) as database:
        await world.create_sessions(database)
        client = await floor_client(world)
        bot = await parley_bot(world, database)
        writer = TranscriptWriter(database)
        writer.start()
        freeze_startup_heap()  # as `parley run` does
        try:
            # Warm-up: caches, statement caches, the writer's thread and connection.
            await dispatch_all(client, world.messages(500))
            await dispatch_all(bot, world.messages(500))
            await bot.transcripts.flush()
            await bench_storage.clear_transcripts(database)
            for _ in range(repeat):
                await _one_round(world, database, client, bot, writer, messages, naive_count, times)
            latency = await durable_latency(bot, world, rate=rate, seconds=seconds)
        finally:
            await writer.stop()
            await client.close()
            await bot.close()

    best = {name: min(values) for name, values in times.items()}
    median = {name: statistics.median(values) for name, values in times.items()}
    floor_rate = messages / (best["parse"] + best["plain"])
    e2e_rate = messages / best["end_to_end"]
    naive_rate = naive_count / best["naive"]
    naive_raw_rate = naive_count / best["naive_raw"]
    storage_rate = messages / best["storage"]
    return {
        "benchmark": "ingest",
        "database": "postgresql" if postgres_url else "sqlite",
        "messages": messages,
        "sessions": sessions,
        "students_per_session": students,
        "repeat": repeat,
        "floor": {
            "parse_dispatch_per_s": round(messages / best["parse"]),
            "plain_executemany_rows_per_s": round(messages / best["plain"]),
            "messages_per_s": round(floor_rate),
            "median_messages_per_s": round(messages / (median["parse"] + median["plain"])),
        },
        "end_to_end": {
            "messages_per_s": round(e2e_rate),
            "median_messages_per_s": round(messages / median["end_to_end"]),
            "vs_floor": round(e2e_rate / floor_rate, 3),
            "rounds_vs_floor": [
                round((parse + plain) / e2e, 3)
                for parse, plain, e2e in zip(
                    times["parse"], times["plain"], times["end_to_end"], strict=True
                )
            ],
            "target_vs_floor": TARGET_VS_FLOOR,
            "met": e2e_rate >= TARGET_VS_FLOOR * floor_rate,
        },
        "storage": {
            "parley_rows_per_s": round(storage_rate),
            "naive_rows_per_s": round(naive_rate),
            "naive_messages": naive_count,
            "vs_naive": round(storage_rate / naive_rate, 1),
            "naive_raw_driver_rows_per_s": round(naive_raw_rate),
            "vs_naive_raw_driver": round(storage_rate / naive_raw_rate, 1),
            "target_vs_naive": TARGET_VS_NAIVE,
            "met": storage_rate >= TARGET_VS_NAIVE * naive_rate,
        },
        "durable_latency": latency,
    }


async def _one_round(
    world: World,
    database: Database,
    client: discord.Client,
    bot: Any,
    writer: TranscriptWriter,
    messages: int,
    naive_count: int,
    times: dict[str, list[float]],
) -> None:
    # Floor, part 1: parse + dispatch to a listener that does nothing.
    payloads = world.messages(messages)
    with _prebuilt_corpus():
        times["parse"].append(await _timed(dispatch_all(client, payloads)))

    # Floor, part 2: the driver's executemany of the same rows, made ready beforehand.
    rows = bench_storage.plain_rows(database, world.records(world.messages(messages)))
    times["plain"].append(await _timed(bench_storage.plain_executemany(database, rows)))
    await bench_storage.clear_transcripts(database)

    # Naive storage: one INSERT + COMMIT per message, through the application's database
    # layer, and (stricter) through the floor's raw driver path.
    rows = bench_storage.plain_rows(database, world.records(world.messages(naive_count)))
    times["naive"].append(await _timed(bench_storage.insert_one_by_one(database, rows)))
    await bench_storage.clear_transcripts(database)
    rows = bench_storage.plain_rows(database, world.records(world.messages(naive_count)))
    times["naive_raw"].append(
        await _timed(bench_storage.insert_one_by_one(database, rows, raw=True))
    )
    await bench_storage.clear_transcripts(database)

    # Parley's storage path alone: the buffered writer, fed as fast as it takes them.
    records = world.records(world.messages(messages))

    async def feed() -> None:
        for i, record in enumerate(records, start=1):
            writer.add(record)
            if i % DISPATCH_CHUNK == 0:
                await asyncio.sleep(0)
        await writer.flush()

    with _prebuilt_corpus():
        times["storage"].append(await _timed(feed()))
    await _check_stored(database, messages, "the writer")

    # End to end: parser → ParleyBot's on_message and transcript capture → writer → committed.
    payloads = world.messages(messages)

    async def end_to_end() -> None:
        await dispatch_all(bot, payloads)
        await bot.transcripts.flush()

    with _prebuilt_corpus():
        times["end_to_end"].append(await _timed(end_to_end()))
    await _check_stored(database, messages, "end to end")


async def _check_stored(database: Database, expected: int, what: str) -> None:
    stored = await bench_storage.count_transcript_messages(database)
    if stored != expected:
        raise RuntimeError(f"{what} stored {stored} of {expected} messages")
    await bench_storage.clear_transcripts(database)


async def durable_latency(bot: Any, world: World, *, rate: float, seconds: float) -> dict[str, Any]:
    """Offer messages at `rate` per second; time each from its due arrival to its commit."""
    loop = asyncio.get_running_loop()
    count = max(1, int(rate * seconds))
    payloads = world.messages(count)
    due_at: dict[int, float] = {}
    durable_at: dict[int, float] = {}

    def on_durable(batch: Sequence[TranscriptOp], when: float) -> None:
        for op in batch:
            if isinstance(op, IncomingMessage):
                durable_at.setdefault(op.message_id, when)

    writer: TranscriptWriter = bot.transcripts.writer
    writer.on_durable = on_durable
    parse = bot._connection.parse_message_create
    start = loop.time() + 0.05
    for i, payload in enumerate(payloads):
        due = start + i / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        due_at[int(payload["id"])] = due
        parse(payload)
    offered_seconds = loop.time() - start
    await _drain_listeners()
    await bot.transcripts.flush()
    writer.on_durable = None
    latencies = sorted((durable_at[m] - due_at[m]) * 1000 for m in due_at if m in durable_at)
    if len(latencies) != count:
        raise RuntimeError(f"only {len(latencies)} of {count} messages became durable")
    p99 = _percentile(latencies, 0.99)
    return {
        "offered_per_s": rate,
        "achieved_per_s": round(count / offered_seconds),
        "messages": count,
        "p50_ms": round(_percentile(latencies, 0.50), 1),
        "p99_ms": round(p99, 1),
        "max_ms": round(latencies[-1], 1),
        "target_p99_ms": TARGET_P99_MS,
        "met": p99 <= TARGET_P99_MS,
    }


def report(r: dict[str, Any]) -> str:
    f, e, s, d = r["floor"], r["end_to_end"], r["storage"], r["durable_latency"]

    def ok(flag: bool) -> str:
        return "met" if flag else "NOT MET"

    return "\n".join(
        [
            f"Transcript ingest: {r['messages']} messages, {r['sessions']} sessions, "
            f"{r['database']}, best of {r['repeat']} rounds",
            f"  floor: parse+dispatch {f['parse_dispatch_per_s']}/s, plain executemany "
            f"{f['plain_executemany_rows_per_s']} rows/s -> {f['messages_per_s']} msg/s",
            f"  end to end (parser, Parley's listeners, writer, committed): "
            f"{e['messages_per_s']} msg/s = {e['vs_floor']} x floor "
            f"(target >= {e['target_vs_floor']}: {ok(e['met'])}); round by round "
            f"{', '.join(str(x) for x in e['rounds_vs_floor'])}",
            f"  storage: Parley's writer {s['parley_rows_per_s']} rows/s; naive INSERT+COMMIT "
            f"{s['naive_rows_per_s']} rows/s -> {s['vs_naive']} x "
            f"(target >= {s['target_vs_naive']}: {ok(s['met'])}); naive on the raw driver "
            f"{s['naive_raw_driver_rows_per_s']} rows/s -> {s['vs_naive_raw_driver']} x",
            f"  durable latency at {d['offered_per_s']:.0f} msg/s offered "
            f"({d['achieved_per_s']} achieved, {d['messages']} messages): p50 {d['p50_ms']} ms, "
            f"p99 {d['p99_ms']} ms, max {d['max_ms']} ms "
            f"(target p99 <= {d['target_p99_ms']:.0f} ms: {ok(d['met'])})",
        ]
    )


__all__ = ["ClassServer", "build_parser", "measure", "run"]
