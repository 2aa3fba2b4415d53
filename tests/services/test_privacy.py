"""Data rights on real SQLite and PostgreSQL: export and erase one student, purge by session, by
age and after Parley left a server (the fake clock drives the timers).

The erasure test builds a class that touches every feature's tables with real services where
they exist (sessions, transcript with an edit and a deletion, proposals, backing, the vote) and
ORM rows where the feature's engine is not needed (floor turns, round state, a timer, quiz
history), then scans every column of every table in the database for the student's id and
for phrases only they wrote.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Mapping
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import inspect, select, text

from bot.clock import FakeClock
from bot.content.models import Scenario
from bot.db.base import Base
from bot.db.engine import Database
from bot.db.models import ClassSession, FloorTurn, SessionRound, Timer
from bot.db.models.quiz import (
    QuizAttempt,
    QuizCard,
    QuizLeaderboard,
    QuizRace,
    QuizRaceAnswer,
    QuizRun,
)
from bot.db.repositories.privacy import SCOPED_TABLES, SHARED_TABLES
from bot.domain.privacy import ERASED_NAME, ERASED_TEXT
from bot.domain.transcripts import Attachment, IncomingMessage, MessageEdit
from bot.errors import UserFacingError
from bot.services.debrief import DebriefService
from bot.services.negotiation import NegotiationService
from bot.services.privacy import PrivacyService
from bot.services.retention import GUILD_PURGE_KIND, RetentionService, guild_purge_key
from bot.services.sessions import SessionService
from bot.services.timers import TimerService
from bot.services.transcripts import TranscriptService

GUILD, OTHER_GUILD, PLENARY = 811111111111111111, 822222222222222222, 833333333333333333
ANA, BEN, CY = 412345678901234567, 512345678901234568, 612345678901234569
TEACHER = 712345678901234560
SECRET = "pineapple-harbour-77"  # only Ana ever writes it
EARLIER = "tangerine-lighthouse-31"  # Ana's text before she edited it
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Class:
    def __init__(self, database: Database, scenarios: Mapping[str, Scenario]) -> None:
        self.database = database
        self.sessions = SessionService(database, scenarios)
        self.transcripts = TranscriptService(database, scenarios=scenarios)
        self.negotiation = NegotiationService(database, scenarios)
        self.debrief = DebriefService(
            database,
            scenarios,
            transcripts=self.transcripts,
            negotiation=self.negotiation,
            floor_seconds=lambda sid: {BEN: 30.0, CY: 12.0},
        )
        self.privacy = PrivacyService(database, FakeClock(T0), flush=self.transcripts.flush)

    async def stop(self) -> None:
        await self.transcripts.stop()


@pytest.fixture
async def klass(database: Database, scenarios: Mapping[str, Scenario]) -> AsyncIterator[Class]:
    c = Class(database, scenarios)
    yield c
    await c.stop()


def said(
    i: int, sid: int, author: int, content: str, name: str, *, attachments: Any = ()
) -> IncomingMessage:
    return IncomingMessage(
        message_id=900000000000000000 + i,
        session_id=sid,
        phase="Opening statements",
        channel_id=PLENARY,
        channel_kind="plenary",
        author_id=author,
        author_name=name,
        channel_actor_id=None,
        created_at=T0 + timedelta(seconds=i),
        content=content,
        attachments=tuple(attachments),
    )


async def run_class(c: Class, *, guild_id: int = GUILD, channel_id: int = PLENARY) -> int:
    """A whole class in which Ana (the student who will ask for erasure) does everything."""
    info = await c.sessions.create(
        guild_id=guild_id, channel_id=channel_id, scenario_id="hanoi-2019", created_by=TEACHER
    )
    sid = info.id
    await c.sessions.assign(sid, ANA, "Ana Example", "us")
    await c.sessions.assign(sid, BEN, "Ben", "dprk")
    await c.sessions.assign(sid, CY, "Cy", "japan")
    await c.transcripts.register_channel(channel_id, sid, "plenary")
    base = sid * 100
    c.transcripts.record(
        said(
            base + 1,
            sid,
            ANA,
            f"{EARLIER} we walk away",
            "Ana Example",
            attachments=[
                Attachment(f"{SECRET}.png", 10, "image/png", f"https://cdn.example/{SECRET}.png")
            ],
        )
    )
    c.transcripts.record(said(base + 2, sid, BEN, f"I agree with <@{ANA}>, see pub-9.", "Ben"))
    c.transcripts.record(said(base + 3, sid, CY, "Japan wants pressure kept on, as in ¶6.", "Cy"))
    c.transcripts.record(said(base + 4, sid, ANA, f"{SECRET} oops, deleting", "Ana Example"))
    c.transcripts.record(said(base + 5, sid, ANA, f"{SECRET} final word", "Ana Example"))
    await c.transcripts.flush()
    c.transcripts.record_edit(
        MessageEdit(
            900000000000000000 + base + 1,
            f"{SECRET} we walk away (edited)",
            (),
            T0 + timedelta(minutes=1),
        )
    )
    c.transcripts.record_deletion([900000000000000000 + base + 4])
    await c.transcripts.flush()

    await c.negotiation.table(sid, ANA, "remains", "Remains home.", phase_kind="plenary")
    await c.negotiation.back(sid, BEN, 1, "support")
    await c.negotiation.table(sid, CY, "remains", "Remains home, soon.", phase_kind="plenary")
    await c.negotiation.open_vote(sid, TEACHER)
    await c.negotiation.cast(sid, ANA, 1, "yes")
    await c.negotiation.cast(sid, BEN, 1, "yes")
    await c.negotiation.cast(sid, CY, 2, "no")
    await c.negotiation.close_vote(sid, ANA)  # closed by Ana (a facilitator could, too)

    async with c.database.transaction() as tx:
        for n, user in enumerate((ANA, BEN, None)):
            tx.session.add(
                FloorTurn(
                    session_id=sid,
                    phase_index=0,
                    phase_kind="opening",
                    number=n,
                    actor_id=("us", "dprk", "japan")[n],
                    user_id=user,
                    source="queue",
                    reason="done",
                    started_at=T0,
                    ended_at=T0 + timedelta(seconds=60),
                    granted_seconds=60,
                    used_us=59_000_000,
                )
            )
        tx.session.add(
            SessionRound(
                session_id=sid,
                status="finished",
                plan=[{"kind": "opening"}],
                floor={"speaker": ANA, "queue": [ANA, BEN], "by_user": {str(ANA): 59}},
                history=[{"event": "granted", "user": ANA, "note": f"floor to <@{ANA}>"}],
            )
        )
        tx.session.add(
            Timer(
                key=f"session:{sid}:turn:{ANA}",
                kind="round_turn_end",
                due_at=T0,
                payload={"session_id": sid, "user_id": ANA},
                session_id=sid,
                status="done",
            )
        )
    return sid


async def add_quiz_history(database: Database, guild_id: int = GUILD) -> None:
    async with database.transaction() as tx:
        run = QuizRun(
            user_id=ANA,
            guild_id=guild_id,
            kind="practice",
            label="Hanoi",
            items=["hanoi-2019/a"],
            status="finished",
            last_activity_at=T0,
        )
        dm_run = QuizRun(
            user_id=ANA,
            guild_id=None,
            kind="review",
            label="Hanoi",
            items=["a"],
            last_activity_at=T0,
        )
        tx.session.add_all([run, dm_run])
        await tx.session.flush()
        for user, gid, run_id, answer, right in (
            (ANA, guild_id, run.id, f"{SECRET} guess", True),
            (ANA, None, dm_run.id, f"{SECRET} in a DM", False),
            (BEN, guild_id, None, "Kim Jong Un", True),
        ):
            tx.session.add(
                QuizAttempt(
                    user_id=user,
                    guild_id=gid,
                    run_id=run_id,
                    position=0 if run_id else None,
                    kind="practice",
                    bank="hanoi-2019",
                    item_id="a",
                    answer=answer,
                    correct=right,
                    score=100 if right else 0,
                    reason="exact",
                    answered_at=T0,
                )
            )
        tx.session.add(
            QuizCard(
                user_id=ANA, bank="hanoi-2019", item_id="a", box=2, due_at=T0, last_reviewed_at=T0
            )
        )
        race = QuizRace(
            guild_id=guild_id,
            channel_id=PLENARY,
            started_by=ANA,
            label="race",
            items=["hanoi-2019/a"],
            seconds=20,
            mode="all",
            state="finished",
            finished_at=T0,
        )
        tx.session.add(race)
        await tx.session.flush()
        tx.session.add_all(
            [
                QuizRaceAnswer(
                    race_id=race.id, position=0, user_id=ANA, answer=SECRET, correct=True, score=1
                ),
                QuizRaceAnswer(
                    race_id=race.id, position=0, user_id=BEN, answer="Trump", correct=True, score=1
                ),
                QuizLeaderboard(guild_id=guild_id, user_id=ANA, points=30, correct=1, answered=1),
                QuizLeaderboard(guild_id=guild_id, user_id=BEN, points=20, correct=1, answered=1),
            ]
        )


async def scan(database: Database, needles: list[str]) -> list[tuple[str, str, str]]:
    """(table, column, value) of every stored value containing a needle, in every table the
    database has (not only those the models know)."""
    async with database.engine.connect() as conn:
        names = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
        hits = []
        for name in names:
            result = await conn.execute(text(f'SELECT * FROM "{name}"'))
            for row in result.mappings():
                for column, value in row.items():
                    shown = json.dumps(value, default=str) if not isinstance(value, str) else value
                    for needle in needles:
                        if needle.casefold() in shown.casefold():
                            hits.append((name, column, shown[:120]))
    return hits


def test_every_table_is_scoped_for_export_erasure_and_purge() -> None:
    assert set(Base.metadata.tables) == SCOPED_TABLES | SHARED_TABLES
    assert not SCOPED_TABLES & SHARED_TABLES


async def test_erasure_leaves_nothing_of_the_student_and_keeps_the_class_record(
    klass: Class, database: Database
) -> None:
    sid = await run_class(klass)
    await add_quiz_history(database)
    await klass.sessions.end(sid)
    needles = [str(ANA), SECRET, EARLIER, "Ana Example"]
    assert {h[0] for h in await scan(database, needles)} >= {
        "participants",
        "transcript_messages",
        "transcript_revisions",
        "quiz_attempts",
        "quiz_race_answers",
        "quiz_leaderboard",
        "quiz_cards",
        "floor_turns",
        "session_rounds",
        "proposals",
        "vote_ballots",
        "delegation_votes",
        "vote_rounds",
        "quiz_races",
        "timers",
    }
    before = {r.user_id: r for r in await klass.debrief.gradebook(sid)}
    counts_before = await klass.transcripts.count(sid)

    overview = await klass.privacy.overview(GUILD, ANA)
    assert [s.session_id for s in overview.sessions] == [sid]
    assert (overview.messages, overview.earlier_versions) == (3, 1)
    assert (overview.quiz_answers, overview.quiz_right, overview.private_quiz_answers) == (1, 1, 1)
    assert (overview.race_answers, overview.leaderboard_points, overview.quiz_cards) == (1, 30, 1)
    export = await klass.privacy.export(GUILD, ANA)
    dumped = json.dumps(export)  # JSON-serialisable as it is
    assert SECRET in dumped and EARLIER in dumped
    assert export["user_id"] == str(ANA)  # too large for JavaScript: a string
    assert "Kim Jong Un" not in dumped and "Trump" not in dumped  # nobody else's answers

    report = await klass.privacy.erase(GUILD, ANA)

    assert report.sessions == (sid,)
    assert (report.messages, report.earlier_versions) == (3, 1)
    assert (report.quiz_answers, report.race_answers, report.leaderboard_rows) == (2, 1, 1)
    assert (report.quiz_cards, report.quiz_runs) == (1, 2)
    assert await scan(database, needles) == []

    # The record keeps its shape: as many messages, in the same order, with Ana's turned into
    # the marker under one anonymous speaker, who still holds the United States' seat.
    assert await klass.transcripts.count(sid) == counts_before
    entries = [e async for e in klass.transcripts.entries(sid)]
    erased = [e for e in entries if e.author_name == ERASED_NAME]
    assert len(erased) == 3 and {e.content for e in erased} == {ERASED_TEXT}
    assert len({e.author_id for e in erased}) == 1 and erased[0].author_id < 0
    assert all(r.content == ERASED_TEXT for e in erased for r in e.revisions)
    assert [e.author_name for e in entries].count("Ben") == 1
    assert "I agree with <@0>," in next(e.content for e in entries if e.author_name == "Ben")

    after = {r.user_id: r for r in await klass.debrief.gradebook(sid)}
    for other in (BEN, CY):
        assert asdict(after[other]) == asdict(before[other])
    (ghost,) = [r for uid, r in after.items() if uid not in (BEN, CY)]
    assert (ghost.student, ghost.actor, ghost.messages) == (ERASED_NAME, "United States", 2)
    assert (ghost.proposals, ghost.votes, ghost.quiz_attempts) == (1, 1, 0)

    async with database.transaction() as tx:
        board = (await tx.session.scalars(select(QuizLeaderboard))).all()
        assert [(b.user_id, b.points) for b in board] == [(BEN, 20)]
        assert [a.answer for a in (await tx.session.scalars(select(QuizAttempt))).all()] == [
            "Kim Jong Un"
        ]

    assert (await klass.privacy.overview(GUILD, ANA)).empty
    assert (await klass.privacy.erase(GUILD, ANA)).empty  # a second request finds nothing


async def test_erasure_is_per_server_and_waits_for_a_live_session_to_end(
    klass: Class, database: Database
) -> None:
    here = await run_class(klass)
    elsewhere = await run_class(klass, guild_id=OTHER_GUILD, channel_id=PLENARY + 1)
    with pytest.raises(UserFacingError, match="live session"):
        await klass.privacy.erase(GUILD, ANA)
    await klass.sessions.end(here)
    report = await klass.privacy.erase(GUILD, ANA)
    assert report.sessions == (here,)
    # The other server's class still has Ana as she was.
    assert (await klass.sessions.participant(elsewhere, ANA)) is not None
    overview = await klass.privacy.overview(OTHER_GUILD, ANA)
    assert [s.session_id for s in overview.sessions] == [elsewhere] and overview.messages == 3


async def sessions_left(database: Database) -> list[int]:
    async with database.transaction() as tx:
        return list(
            (await tx.session.scalars(select(ClassSession.id).order_by(ClassSession.id))).all()
        )


async def test_purge_one_session_only_when_ended_and_only_in_its_server(
    klass: Class, database: Database
) -> None:
    first = await run_class(klass)
    second = await run_class(klass, channel_id=PLENARY + 1)
    with pytest.raises(UserFacingError, match="still live"):
        await klass.privacy.purge_session(first, guild_id=GUILD)
    await klass.sessions.end(first)
    with pytest.raises(UserFacingError, match="no session"):
        await klass.privacy.purge_session(first, guild_id=OTHER_GUILD)
    counted = await klass.privacy.purge_session(first, guild_id=GUILD, dry_run=True)
    assert (counted.sessions, counted.messages) == (1, 5)
    assert await sessions_left(database) == [first, second]  # a dry run deletes nothing
    report = await klass.privacy.purge_session(first, guild_id=GUILD)
    assert report == counted
    assert await sessions_left(database) == [second]
    assert await klass.transcripts.count(first) == 0
    assert await klass.transcripts.count(second) == 5
    async with database.transaction() as tx:
        floor = (await tx.session.scalars(select(FloorTurn.session_id))).all()
    assert set(floor) == {second}


async def set_ended(database: Database, session_id: int, when: datetime) -> None:
    async with database.transaction() as tx:
        row = await tx.session.get(ClassSession, session_id)
        assert row is not None
        row.status, row.ended_at, row.live_channel_id = "ended", when, None


async def test_retention_sweep_purges_what_ended_a_school_year_ago(
    klass: Class, database: Database
) -> None:
    old = await run_class(klass)
    recent = await run_class(klass, channel_id=PLENARY + 1)
    live = await run_class(klass, channel_id=PLENARY + 2)
    await add_quiz_history(database)
    await set_ended(database, old, T0)
    await set_ended(database, recent, T0 + timedelta(days=200))

    clock = FakeClock(T0 + timedelta(days=300))
    privacy = PrivacyService(database, clock, flush=klass.transcripts.flush)
    timers = TimerService(database, clock)
    retention = RetentionService(privacy, timers, retention_days=365, grace_days=30)
    retention.register()
    timers.start()
    try:
        await retention.start()
        await settle(timers)
        assert retention.last_sweep is not None and retention.last_sweep.empty
        assert await sessions_left(database) == [old, recent, live]

        await clock.advance(timedelta(days=66))  # day 366: the old one is past a year
        await settle(timers)
        assert retention.last_sweep is not None
        assert retention.last_sweep.session_ids == (old,)
        assert retention.last_sweep.quiz_answers == 3  # answered at T0, over a year ago
        assert retention.last_sweep.quiz_runs == 1  # the finished one; an active run stays
        assert retention.last_sweep.quiz_cards == 1  # last reviewed at T0
        assert await sessions_left(database) == [recent, live]

        await clock.advance(timedelta(days=200))  # past a year after `recent` ended
        await settle(timers)
        assert await sessions_left(database) == [live]  # a live session is never swept
    finally:
        await timers.stop()


async def settle(timers: TimerService) -> None:
    for _ in range(5):
        await asyncio.sleep(0)
        await timers.wait_idle()


async def test_a_server_that_removed_parley_is_purged_after_the_grace_period_unless_it_returns(
    klass: Class, database: Database
) -> None:
    gone = await run_class(klass)
    await add_quiz_history(database)
    stays = await run_class(klass, guild_id=OTHER_GUILD, channel_id=PLENARY + 1)
    clock = FakeClock(T0)
    privacy = PrivacyService(database, clock, flush=klass.transcripts.flush)
    timers = TimerService(database, clock)
    retention = RetentionService(privacy, timers, retention_days=0, grace_days=30)
    retention.register()
    timers.start()
    try:
        # Removed, re-added within the grace period: nothing is lost.
        due = await retention.guild_removed(GUILD)
        assert due == T0 + timedelta(days=30)
        await clock.advance(timedelta(days=10))
        assert await retention.guild_removed(GUILD) == due  # a second notice keeps the date
        assert await retention.guild_joined(GUILD)
        await clock.advance(timedelta(days=30))
        await settle(timers)
        assert await sessions_left(database) == [gone, stays]

        # Removed for good (noticed at start-up, as if it happened while offline).
        await retention.reconcile(present=[OTHER_GUILD])
        timer = await timers.get(guild_purge_key(GUILD))
        assert timer is not None and timer.kind == GUILD_PURGE_KIND
        await clock.advance(timedelta(days=30) - timedelta(seconds=1))
        await settle(timers)
        assert await sessions_left(database) == [gone, stays]
        await clock.advance(timedelta(seconds=1))
        await settle(timers)
        assert await sessions_left(database) == [stays]
        async with database.transaction() as tx:
            assert await tx.privacy.guilds_with_data() == {OTHER_GUILD}
            cards = (await tx.session.scalars(select(QuizCard.user_id))).all()
        assert cards == [ANA]  # Leitner cards belong to no server: they stay with the student
    finally:
        await timers.stop()
