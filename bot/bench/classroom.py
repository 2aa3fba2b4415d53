"""`parley bench class`: a whole class in its busiest seconds; what 1,000 classes cost.

Discord gives a bot 3 seconds to answer an interaction, or the student sees "The application did
not respond". The peaks of a class are bursts, so this drives the real bot (every extension, the
real database: SQLite, or PostgreSQL with --database-url) through discord.py's real parsing and
dispatch, a class of 60 (--students):

* **join**: everyone presses Join on the session card within one second;
* **vote**: six delegations vote on each of two proposals in the same second;
* **race**: a race question answered by everyone within one second;
* meanwhile **plenary chatter** at 5 messages a second (recorded in the transcript).

For each kind it reports the time from an interaction's arrival (the gateway payload handed to
discord.py's parser) to its initial response (the callback reaching Discord): p50, p99, max, and
how many would miss the 3-second deadline. The **floor** is measured in the same run: the same
interactions, at the same offsets, with the same chatter, parsed and dispatched by discord.py to a
bot whose only handler acknowledges (`defer()`), on the same fake Discord.

Then, in a child process, **memory and start-up**: 1,000 live sessions of 30 students (one per
server, each with a plenary and six delegation threads), stored in a fresh database; the child
starts Parley (extensions, READY, one GUILD_CREATE per server, what the features do at start) and
reports its resident memory. The fake Discord the child needs holds every server, member and
thread too; its share is measured (resident memory before and after building it) and subtracted
for the production estimate.

Why this benchmark imports the test harness (`tests/harness`) where `bench ingest` carries its own
offline gateway: a message only needs discord.py's parser, but an interaction's handler talks to
Discord (edits the card, opens threads, posts ballots and questions) and must get Discord-shaped
answers, or it fails. The harness is the project's model of Discord's REST side (60-odd routes,
permissions, echoes); a copy inside the package would drift from it. So the benchmark runs from a
source checkout (how Parley is installed: `git clone`, then `scripts/run_bot.py`), and says so
clearly when `tests/` is missing.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import importlib
import json
import logging
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import discord
from discord.ext import commands

from bot.bench.gateway import sentence
from bot.db import bench_storage
from bot.domain.transcripts import ChannelInfo

__all__ = ["build_parser", "run"]

log = logging.getLogger(__name__)

DEADLINE_S = 3.0
ACTORS = ("us", "dprk", "rok", "japan", "china", "russia")
CHATTER_RATE = 5.0
KINDS = ("join", "vote", "race")
ROOT = Path(__file__).resolve().parents[2]


def build_parser(p: argparse.ArgumentParser) -> None:
    p.add_argument("--students", type=int, default=60, help="students in the class (60)")
    p.add_argument(
        "--database-url",
        default=None,
        help="measure on PostgreSQL (a temporary schema in this database) instead of SQLite",
    )
    p.add_argument("--sessions", type=int, default=1000, help="live sessions for the memory run")
    p.add_argument("--session-students", type=int, default=30, help="students per live session")
    p.add_argument("--skip-memory", action="store_true", help="only the class's bursts")
    p.add_argument(
        "--chatter-rate", type=float, default=CHATTER_RATE, help="plenary messages a second (5)"
    )
    p.add_argument("--seed", type=int, default=11)
    p.add_argument("--json", action="store_true", help="print only the JSON result")


def run(args: argparse.Namespace) -> int:
    _require_harness()
    result: dict[str, Any] = asyncio.run(
        bursts(
            students=args.students,
            postgres_url=args.database_url,
            seed=args.seed,
            chatter_rate=args.chatter_rate,
        )
    )
    if not args.skip_memory:
        result["memory"] = memory_in_child(args.sessions, args.session_students, args.database_url)
    if not args.json:
        print(report(result))
    print(json.dumps(result))
    return 0


def _require_harness() -> None:
    if not (ROOT / "tests" / "harness" / "__init__.py").is_file():
        raise SystemExit(
            "parley bench class drives the bot through the test harness (tests/harness), "
            "which is only in a source checkout of Parley. Run it from the repository."
        )
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


def _harness(name: str) -> Any:
    """A module of the test harness (imported by name: it is not part of the package)."""
    _require_harness()
    return importlib.import_module(name)


# --- timing interactions -------------------------------------------------------------------------


@dataclass
class Stopwatch:
    """Arrival (payload handed to the parser) and initial response (callback sent) per id."""

    arrived: dict[int, float] = field(default_factory=dict)
    answered: dict[int, float] = field(default_factory=dict)
    kind_of: dict[int, str] = field(default_factory=dict)
    kind: str | None = None
    progress: asyncio.Event = field(default_factory=asyncio.Event)

    def attach(self, h: Any) -> None:
        state = h.bot._connection
        parse = state.parsers["INTERACTION_CREATE"]

        def timed_parse(data: dict[str, Any]) -> Any:
            if self.kind is not None:
                iid = int(data["id"])
                self.kind_of[iid] = self.kind
                self.arrived[iid] = time.perf_counter()
            return parse(data)

        state.parsers["INTERACTION_CREATE"] = timed_parse
        adapter = h.adapter
        send = adapter.request

        async def timed_request(route: Any, session: Any, **kwargs: Any) -> Any:
            if route.path.endswith("/callback"):
                self.answered.setdefault(int(route.webhook_id), time.perf_counter())
                self.progress.set()
            return await send(route, session, **kwargs)

        adapter.request = timed_request

    def ids(self, kind: str) -> list[int]:
        return [i for i, k in self.kind_of.items() if k == kind]

    async def wait_answered(self, kind: str, limit: float = 30.0) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(limit):  # what is still unanswered then counts as missed
                while any(i not in self.answered for i in self.ids(kind)):
                    self.progress.clear()
                    await self.progress.wait()

    def figures(self, kind: str) -> dict[str, Any]:
        ids = self.ids(kind)
        times = sorted(
            (self.answered[i] - self.arrived[i]) * 1000 for i in ids if i in self.answered
        )
        unanswered = len(ids) - len(times)
        return {
            "count": len(ids),
            "p50_ms": round(_percentile(times, 0.50), 1),
            "p99_ms": round(_percentile(times, 0.99), 1),
            "max_ms": round(times[-1], 1) if times else None,
            "missed_deadline": unanswered + sum(1 for t in times if t > DEADLINE_S * 1000),
        }


def _percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (p99 of 60 values is the largest; of 12, the largest)."""
    if not values:
        return float("nan")
    rank = max(1, -(-len(values) * q // 1))
    return values[int(rank) - 1]


Action = Callable[[], Awaitable[Any]]


@dataclass
class Script:
    """What the class did, kept so the floor replays the same interactions at the same offsets."""

    bursts: list[tuple[str, list[tuple[float, Any, Any, str]]]] = field(default_factory=list)


async def burst(
    h: Any,
    watch: Stopwatch,
    kind: str,
    clicks: Sequence[tuple[float, Any, Any, str]],
) -> None:
    """Press the buttons at their offsets (seconds from now) without waiting for answers."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    watch.kind = kind
    try:
        for offset, user, message, custom_id in clicks:
            delay = start + offset - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            await h.click(user, message, custom_id, settle=False)
    finally:
        watch.kind = None
    await watch.wait_answered(kind)


class Chatter:
    """Plenary messages at a steady rate from a background task the harness does not wait for."""

    def __init__(self, h: Any, channel: Any, students: Sequence[Any], rate: float) -> None:
        self.h, self.channel, self.students, self.rate = h, channel, students, rate
        self.sent = 0
        self._task: asyncio.Task[None] | None = None
        self._rng = random.Random(3)

    def start(self) -> None:
        if self.rate <= 0:
            return
        self.h.background("bench-chatter*")
        self._task = asyncio.create_task(self._run(), name="bench-chatter")

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        start = loop.time()
        while True:
            due = start + self.sent / self.rate
            delay = due - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            author = self.students[self.sent % len(self.students)]
            await self.h.send_message(self.channel, author, sentence(self._rng), settle=False)
            self.sent += 1

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


def spread(rng: random.Random, count: int, window: float = 1.0) -> list[float]:
    return sorted(rng.uniform(0, window) for _ in range(count))


# --- the class -----------------------------------------------------------------------------------


async def bursts(
    *, students: int, postgres_url: str | None, seed: int, chatter_rate: float = CHATTER_RATE
) -> dict[str, Any]:
    from bot.client import ParleyBot
    from bot.clock import FakeClock
    from bot.content.loader import load_scenarios
    from bot.errors import UserFacingError
    from cogs import EXTENSIONS

    harness = _harness("tests.harness")
    WireHarness, classroom = harness.WireHarness, harness.classroom
    _harness("tests.harness.errors").USER_ERROR_TYPES = (UserFacingError,)
    rng = random.Random(seed)
    scenarios = load_scenarios()
    script = Script()
    async with bench_storage.scratch_database(postgres_url) as database:
        with tempfile.TemporaryDirectory(prefix="parley-bench-class-") as folder:
            bot = ParleyBot(
                _settings(Path(folder)),
                database,
                scenarios=scenarios,
                extensions=EXTENSIONS,
                sync_on_start=False,
                clock=FakeClock(datetime.now(UTC)),  # no phase or race closes by itself
            )
            h = WireHarness(bot, settle_timeout=120.0)
            world = classroom(h, students=students)
            await h.start()
            h.tasks.busy_checks.append(lambda: bot.transcripts.writer.writing)
            watch = Stopwatch()
            watch.attach(h)
            chatter = Chatter(h, world.plenary, world.students, chatter_rate)
            try:
                sid, card = await _session(h, world)
                chatter.start()
                joins = [
                    (t, s, card, f"parley:session:{sid}:join")
                    for t, s in zip(spread(rng, students), world.students, strict=True)
                ]
                await burst(h, watch, "join", joins)
                script.bursts.append(("join", joins))
                await h.settle()
                votes = await _votes(h, world, sid, rng)
                await burst(h, watch, "vote", votes)
                script.bursts.append(("vote", votes))
                await h.settle()
                answers = await _race(h, world, rng, seed)
                await burst(h, watch, "race", answers)
                script.bursts.append(("race", answers))
            finally:
                await chatter.stop()
            await h.settle()
            parley_chatter = chatter.sent
            stored = await _transcript_count(bot, sid, {s.id for s in world.students})
            await h.close()

            floor = await _floor(h, script, chatter_rate)
    figures: dict[str, Any] = {}
    for kind in KINDS:
        mine, base = watch.figures(kind), floor.figures(kind)
        mine["floor"] = base
        mine["ratio_p50"] = _ratio(mine["p50_ms"], base["p50_ms"])
        mine["ratio_p99"] = _ratio(mine["p99_ms"], base["p99_ms"])
        figures[kind] = mine
    return {
        "benchmark": "class",
        "database": "postgresql" if postgres_url else "sqlite",
        "students": students,
        "deadline_s": DEADLINE_S,
        "kinds": figures,
        "missed_deadline": sum(f["missed_deadline"] for f in figures.values()),
        "chatter": {"rate_per_s": chatter_rate, "sent": parley_chatter, "stored": stored},
    }


def _ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b != b or a != a or b <= 0:
        return None
    return round(a / b, 1)


def _settings(folder: Path) -> Any:
    from bot.settings import Settings

    return Settings(_env_file=None, data_dir=folder, discord_token=None, dev_guild_id=None)


async def _session(h: Any, world: Any) -> tuple[int, Any]:
    created = await h.slash(world.facilitator, "session create", options={"scenario": "hanoi-2019"})
    if not created.responded:
        raise RuntimeError("Parley did not answer /session create")
    cards = [m for m in h.sent_messages(world.plenary, include_interactions=False) if m.embeds]
    card = cards[-1]
    sid = int(card.custom_ids[0].split(":")[2])
    return sid, card


async def _votes(
    h: Any, world: Any, sid: int, rng: random.Random
) -> list[tuple[float, Any, Any, str]]:
    """Deal delegations, table two proposals, open the vote; one member of each delegation
    then votes on both proposals, all twelve within the same second."""
    dealt = await h.slash(
        world.facilitator, "session assignment", options={"mode": "random", "seed": 7}
    )
    if not dealt.responded:
        raise RuntimeError("Parley did not deal the delegations")
    bot = h.bot
    by_id = {s.id: s for s in world.students}
    member: dict[str, Any] = {}
    for person in await bot.sessions.participants(sid):
        if person.actor_id is not None and person.user_id in by_id:
            member.setdefault(person.actor_id, by_id[person.user_id])
    # Hanoi has points schedules, so a proposal is a package built in /propose's menus, as a
    # student builds it: North Korea's Yongbyon-for-relief package and a US liaison-office one.
    await _table_package(h, member["dprk"], sid, [(2, "partial"), (3, "five")])
    await _table_package(h, member["us"], sid, [(1, "us-office")])
    opened = await h.slash(world.facilitator, "vote open")
    if not opened.responded:
        raise RuntimeError("Parley did not open the vote")
    ballots = {}
    for m in h.sent_messages(world.plenary, include_interactions=False):
        title = str((m.embed or {}).get("title", ""))
        if title.startswith("Ballot · proposal "):
            ballots[int(title.split()[3])] = m
    if len(ballots) != 2:
        # Never report a burst that did not happen: a silent NaN would read as "fast".
        raise RuntimeError(f"Parley posted {len(ballots)} ballots for the vote burst, not 2")
    clicks = [
        (actor, number, rng.choice(("yes", "no", "abstain")))
        for number in sorted(ballots)
        for actor in ACTORS
        if actor in member
    ]
    times = spread(rng, len(clicks))
    return [
        (t, member[actor], ballots[number], f"parley:vote:{sid}:{number}:{choice}")
        for t, (actor, number, choice) in zip(times, clicks, strict=True)
    ]


async def _table_package(h: Any, user: Any, sid: int, picks: Sequence[tuple[int, str]]) -> None:
    """`/propose`, pick each (item position on the first page, option id), review, table."""
    opened = await h.slash(user, "propose")
    if not opened.responded:
        raise RuntimeError("Parley did not open the package builder")

    def draft() -> str:
        for row in h.message(opened).get("components") or []:
            for component in row.get("components") or []:
                custom_id = str(component.get("custom_id", ""))
                if custom_id.startswith(f"parley:pkg:{sid}:"):
                    return custom_id.split(":")[5]
        raise RuntimeError("the package builder shows no menus")

    for position, option in picks:
        await h.select(user, opened, f"parley:pkg:{sid}:0:0:{draft()}:{position}", [option])
    code = draft()
    await h.click(user, opened, f"parley:pkg:{sid}:0:0:{code}:review")
    await h.click(user, opened, f"parley:pkg:{sid}:0:0:{code}:table")


async def _race(
    h: Any, world: Any, rng: random.Random, seed: int
) -> list[tuple[float, Any, Any, str]]:
    """Start a one-question race on a question answered with buttons; everyone answers."""
    races = h.bot.quiz.races
    catalogue = races.catalogue
    questions = catalogue.scenario_questions(catalogue.scenario(None).id)
    pick = next(
        s for s in range(seed, seed + 1000) if random.Random(s).sample(questions, 1)[0].is_choice
    )
    races._rng = random.Random(pick)
    started = await h.slash(
        world.facilitator, "quiz class", options={"count": 1, "seconds": 300, "mode": "all"}
    )
    if not started.responded:
        raise RuntimeError("Parley did not start the race")
    loop = asyncio.get_running_loop()
    end = loop.time() + 30
    question = None
    while question is None and loop.time() < end:
        await h.settle()
        for m in h.sent_messages(world.plenary, include_interactions=False):
            if str((m.embed or {}).get("title", "")).startswith("Race question 1 of"):
                question = m
        if question is None:
            await asyncio.sleep(0.05)
    if question is None:
        raise RuntimeError("the race question was never posted")
    answers = [c for c in question.custom_ids if ":ans:" in c]
    times = spread(rng, len(world.students))
    return [
        (t, s, question, rng.choice(answers)) for t, s in zip(times, world.students, strict=True)
    ]


async def _transcript_count(bot: Any, sid: int, authors: set[int]) -> int:
    """Messages of the chatter's authors in the session's transcript."""
    await bot.transcripts.flush()
    return sum([1 async for e in bot.transcripts.entries(sid) if e.author_id in authors])


async def _floor(parley_harness: Any, script: Script, chatter_rate: float) -> Stopwatch:
    """The same interactions at the same offsets, with the same chatter, to a bot that only
    acknowledges, on the same fake Discord (Parley's messages and buttons are still there)."""
    WireHarness = _harness("tests.harness").WireHarness
    default_intents = _harness("tests.harness.plugin").default_intents

    floor = commands.Bot(command_prefix="\x00", intents=default_intents())

    @floor.event
    async def on_interaction(interaction: discord.Interaction[Any]) -> None:
        await interaction.response.defer()

    h = WireHarness(floor, store_from=parley_harness, settle_timeout=120.0)
    await h.start()
    watch = Stopwatch()
    watch.attach(h)
    world = h.world
    chatter = Chatter(h, world.plenary, world.students, chatter_rate)
    chatter.start()
    try:
        for kind, clicks in script.bursts:
            await burst(h, watch, kind, clicks)
            await h.settle()
    finally:
        await chatter.stop()
        await h.close()
    return watch


# --- memory and start-up with 1,000 live sessions -------------------------------------------------


def memory_in_child(sessions: int, students: int, postgres_url: str | None) -> dict[str, Any]:
    """Run the memory measurement in a fresh interpreter, so nothing of the burst run counts."""
    command = [
        sys.executable,
        "-m",
        "bot.bench.classroom",
        "--sessions",
        str(sessions),
        "--students",
        str(students),
    ]
    if postgres_url:
        command += ["--database-url", postgres_url]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"the memory run failed:\n{done.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


async def memory(sessions: int, students: int, postgres_url: str | None) -> dict[str, Any]:
    from bot.cli.parley import freeze_startup_heap
    from bot.client import ParleyBot
    from bot.content.loader import load_scenarios
    from bot.errors import UserFacingError
    from cogs import EXTENSIONS

    WireHarness = _harness("tests.harness").WireHarness
    _harness("tests.harness.errors").USER_ERROR_TYPES = (UserFacingError,)
    scenarios = load_scenarios()
    async with bench_storage.scratch_database(postgres_url) as database:
        with tempfile.TemporaryDirectory(prefix="parley-bench-memory-") as folder:
            bot = ParleyBot(
                _settings(Path(folder)),
                database,
                scenarios=scenarios,
                extensions=EXTENSIONS,
                sync_on_start=False,
            )
            h = WireHarness(bot, settle_timeout=600.0)
            gc.collect()
            before_world = rss_mb()
            classes = _build_world(h, sessions, students)
            gc.collect()
            with_world = rss_mb()
            for c in classes:
                await bench_storage.create_session(
                    database,
                    guild_id=c["guild"],
                    channel_id=c["plenary"],
                    created_by=c["facilitator"],
                    participants=c["people"],
                    channels=c["channels"],
                )
            gc.collect()
            before_start = rss_mb()
            t0 = time.perf_counter()
            await h.start()
            started = time.perf_counter() - t0
            freeze_startup_heap()  # as `parley run` does once it is up
            await asyncio.sleep(1.0)
            gc.collect()
            after = rss_mb()
            guilds = len(bot.guilds)
            members = sum(g.member_count or 0 for g in bot.guilds)
            await h.close()
    fake_discord = with_world - before_world
    return {
        "sessions": sessions,
        "students_per_session": students,
        "database": "postgresql" if postgres_url else "sqlite",
        "guilds_seen": guilds,
        "members_seen": members,
        "startup_s": round(started, 2),
        "rss_mb": round(after, 1),
        "rss_before_start_mb": round(before_start, 1),
        "fake_discord_mb": round(fake_discord, 1),
        "rss_without_fake_discord_mb": round(after - fake_discord, 1),
        "parley_growth_mb": round(after - before_start, 1),
    }


def _build_world(h: Any, sessions: int, students: int) -> list[dict[str, Any]]:
    """One server per session: a Facilitator role, a plenary, six private delegation threads,
    a facilitator and `students` students dealt round the six delegations."""
    import discord as d

    out = []
    for i in range(sessions):
        guild = h.add_guild(f"Class {i}")
        role = h.add_role(guild, "Facilitator", permissions=d.Permissions(manage_guild=True))
        plenary = h.add_text_channel(guild, "plenary")
        teacher = h.add_member(guild, f"teacher{i}", roles=[role])
        pupils = [h.add_member(guild, f"s{i}-{n}") for n in range(students)]
        people: list[tuple[int, str, str | None]] = [(teacher.id, teacher.name, None)]
        people += [(s.id, s.name, ACTORS[n % len(ACTORS)]) for n, s in enumerate(pupils)]
        channels = [ChannelInfo(plenary.id, 0, "plenary")]
        for a, actor in enumerate(ACTORS):
            members = [teacher, *pupils[a :: len(ACTORS)]]
            thread = h.add_thread(plenary, f"{actor} delegation", private=True, members=members)
            channels.append(ChannelInfo(thread.id, 0, "delegation", actor))
        out.append(
            {
                "guild": guild.id,
                "plenary": plenary.id,
                "facilitator": teacher.id,
                "people": people,
                "channels": channels,
            }
        )
    return out


# --- output --------------------------------------------------------------------------------------


def report(result: dict[str, Any]) -> str:
    lines = [
        f"Class of {result['students']} on {result['database']}: time from an interaction's "
        f"arrival to its initial response (deadline {result['deadline_s']:.0f} s)",
        f"{'kind':<6} {'n':>4} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'missed':>6}   "
        f"{'floor p50/p99/max ms':>22}  {'×floor p99':>10}",
    ]
    for kind, f in result["kinds"].items():
        b = f["floor"]
        lines.append(
            f"{kind:<6} {f['count']:>4} {f['p50_ms']:>8} {f['p99_ms']:>8} {f['max_ms']!s:>8} "
            f"{f['missed_deadline']:>6}   {b['p50_ms']:>6}/{b['p99_ms']}/{b['max_ms']!s:<8}  "
            f"{f['ratio_p99']!s:>10}"
        )
    chat = result["chatter"]
    lines.append(
        f"plenary chatter meanwhile: {chat['sent']} messages at {chat['rate_per_s']:.0f}/s, "
        f"{chat['stored']} in the transcript"
    )
    mem = result.get("memory")
    if mem:
        lines.append(
            f"{mem['sessions']} live sessions of {mem['students_per_session']}: start-up "
            f"{mem['startup_s']} s; resident {mem['rss_mb']} MB, of which the benchmark's fake "
            f"Discord {mem['fake_discord_mb']} MB -> {mem['rss_without_fake_discord_mb']} MB "
            f"(Parley grew {mem['parley_growth_mb']} MB at start)"
        )
    return "\n".join(lines)


def _child_main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bot.bench.classroom")
    p.add_argument("--sessions", type=int, default=1000)
    p.add_argument("--students", type=int, default=30)
    p.add_argument("--database-url", default=None)
    args = p.parse_args(argv)
    _require_harness()
    logging.basicConfig(level=logging.WARNING)
    print(json.dumps(asyncio.run(memory(args.sessions, args.students, args.database_url))))
    return 0


if __name__ == "__main__":
    sys.exit(_child_main())
