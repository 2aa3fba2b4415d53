"""The REST calls a whole class of 60 makes, phase by phase (printed with `-s`), and which steps
grow with the class: those must be the per-student steps, paced and stopped at a refusal."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from tests.harness import WireHarness
from tests.harness.results import RecordedRequest
from tests.parley_fixtures import TEST_RETRY_POLICY, ParleyFactory
from tests.wire.rounds_kit import class_in_session
from tests.wire.test_round_class import PHASES

STUDENTS = 60
PER_STUDENT = {
    ("PUT", "/channels/{channel_id}/thread-members/{user_id}"),  # add a student to a thread
    ("PUT", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}"),  # a delegation's role
}


class Ledger:
    """REST calls since the last mark, by step."""

    def __init__(self, h: WireHarness) -> None:
        self.h = h
        self.seen = 0
        self.steps: list[tuple[str, list[RecordedRequest]]] = []

    def mark(self, step: str) -> None:
        rest = [r for r in self.h.requests() if r.via == "rest"]
        self.steps.append((step, rest[self.seen :]))
        self.seen = len(rest)

    def table(self) -> str:
        lines = [f"{'step':<34} {'REST calls':>10}  per-student routes"]
        for step, calls in self.steps:
            routes = Counter((r.method, r.route) for r in calls)
            grow = ", ".join(
                f"{m} {t} ×{n}" for (m, t), n in routes.items() if (m, t) in PER_STUDENT
            )
            lines.append(f"{step:<34} {len(calls):>10}  {grow}")
        return "\n".join(lines)


async def test_rest_calls_of_a_class_of_60(make_parley: ParleyFactory) -> None:
    c = await class_in_session(make_parley, students=STUDENTS)
    h, w = c.h, c.h.world
    gaps: list[float] = []

    async def pace(seconds: float) -> None:  # the pacing's waits, recorded, not slept
        gaps.append(seconds)

    c.bot.retry_policy = replace(TEST_RETRY_POLICY, per_second=10, sleep=pace)
    ledger = Ledger(h)
    ledger.mark("session: create, 60 join, deal")
    await c.press("round-start")
    ledger.mark(f"start: {PHASES[0][1]}")
    for index, (_kind, title, seconds) in enumerate(PHASES):
        await c.advance(seconds)
        after = f" → {PHASES[index + 1][1]}" if index + 1 < len(PHASES) else " (round over)"
        ledger.mark(f"{title}{after}"[:34])
    debrief = await h.slash(w.facilitator, "debrief")
    ledger.mark("debrief")
    await h.click(w.facilitator, debrief, f"parley:debrief:{c.sid}:archive")
    ledger.mark("archive: open threads to the class")
    print("\n" + ledger.table())

    # The per-student steps of the round and the archive are paced: 10 calls a second at most,
    # so a class of 60 stays far below Discord's 50 requests a second for the whole bot.
    caucus_adds = sum(
        1
        for step, calls in ledger.steps
        if "→ Bilateral" in step
        for r in calls
        if (r.method, r.route) in PER_STUDENT
    )
    archive = dict(ledger.steps)["archive: open threads to the class"]
    archive_adds = sum(1 for r in archive if (r.method, r.route) in PER_STUDENT)
    assert archive_adds == 6 * (STUDENTS - STUDENTS // 6)  # every outsider, every thread
    threads = 3 + 6  # three caucuses, six archives: one paced run each
    assert gaps.count(0.1) == caucus_adds + archive_adds - threads

    for step, calls in ledger.steps:
        per_channel = Counter((r.method, r.route, r.path.split("/")[2]) for r in calls)
        for (method, route, where), n in per_channel.items():
            # Only the per-student steps make a call per student; everything else is a few
            # calls per phase, per delegation thread or per caucus.
            assert (method, route) in PER_STUDENT or n <= 12, (step, method, route, where, n)
