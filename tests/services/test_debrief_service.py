"""DebriefService on real SQLite and PostgreSQL: who counts as a student, the transcript behind
participation, quiz work on the scenario, and the CSV the gradebook commands write."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli.failures import CommandFailed
from bot.cli.gradebook import write_gradebook
from bot.content.models import Scenario
from bot.db.engine import Database
from bot.db.models.quiz import QuizAttempt, QuizRace, QuizRaceAnswer
from bot.domain.transcripts import IncomingMessage
from bot.services.debrief import DebriefService
from bot.services.negotiation import NegotiationService
from bot.services.sessions import SessionService
from bot.services.transcripts import TranscriptService

GUILD, PLENARY, TEACHER = 1000, 2000, 3000
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def services(database: Database, scenarios: Mapping[str, Scenario]):  # type: ignore[no-untyped-def]
    sessions = SessionService(database, scenarios)
    transcripts = TranscriptService(database, scenarios=scenarios)
    negotiation = NegotiationService(database, scenarios)
    floor = {11: 12.5, 12: 0.4}
    debrief = DebriefService(
        database,
        scenarios,
        transcripts=transcripts,
        negotiation=negotiation,
        floor_seconds=lambda sid: floor,
    )
    return sessions, transcripts, negotiation, debrief


def said(i: int, sid: int, author: int, text: str, actor: str | None = None) -> IncomingMessage:
    return IncomingMessage(
        message_id=5000 + i,
        session_id=sid,
        phase=None,
        channel_id=PLENARY,
        channel_kind="plenary",
        author_id=author,
        author_name=f"user{author}",
        channel_actor_id=actor,
        created_at=T0 + timedelta(seconds=i),
        content=text,
    )


async def test_students_participation_and_quiz_work(
    services, database: Database, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    sessions, transcripts, negotiation, debrief = services
    info = await sessions.create(
        guild_id=GUILD, channel_id=PLENARY, scenario_id="hanoi-2019", created_by=TEACHER
    )
    sid = info.id
    await sessions.assign(sid, 11, "Ana", "us")
    await sessions.assign(sid, 12, "Ben", "dprk")
    await sessions.assign(sid, 13, "Cy", "japan")
    await sessions.join(sid, TEACHER, "Teacher", is_facilitator=True)  # watches, does not play
    await transcripts.register_channel(PLENARY, sid, "plenary")
    transcripts.record(said(1, sid, 11, "We walk away, see pub-9."))
    transcripts.record(said(2, sid, 13, "Japan wants pressure kept on, as in ¶6."))
    transcripts.record(said(3, sid, TEACHER, "Three minutes."))
    await negotiation.table(sid, 12, "remains", "Remains home.", phase_kind="plenary")
    await negotiation.open_vote(sid, TEACHER)
    await negotiation.cast(sid, 13, 1, "yes")
    await sessions.leave(sid, 13)  # Cy leaves before the end: still in the gradebook, as Japan

    async with database.transaction() as tx:
        tx.session.add_all(
            [
                QuizAttempt(
                    user_id=11,
                    guild_id=GUILD,
                    kind="practice",
                    bank="hanoi-2019",
                    item_id="a",
                    answer="x",
                    correct=True,
                    score=100,
                    reason="exact",
                ),
                QuizAttempt(
                    user_id=11,
                    guild_id=None,
                    kind="review",
                    bank="hanoi-2019",
                    item_id="b",
                    answer="x",
                    correct=False,
                    score=0,
                    reason="no_match",
                ),
                QuizAttempt(
                    user_id=11,
                    guild_id=GUILD + 1,
                    kind="practice",
                    bank="hanoi-2019",
                    item_id="c",
                    answer="x",
                    correct=True,
                    score=100,
                    reason="exact",
                ),
            ]
        )
        race = QuizRace(
            guild_id=GUILD,
            channel_id=PLENARY,
            started_by=TEACHER,
            label="r",
            items=["hanoi-2019/a", "trivia:x/b"],
            seconds=20,
            mode="all",
        )
        tx.session.add(race)
        await tx.session.flush()
        tx.session.add_all(
            [
                QuizRaceAnswer(
                    race_id=race.id, position=0, user_id=12, answer="x", correct=True, score=100
                ),
                QuizRaceAnswer(
                    race_id=race.id, position=1, user_id=12, answer="x", correct=True, score=100
                ),
            ]
        )

    rows = {r.user_id: r for r in await debrief.gradebook(sid)}
    assert sorted(rows) == [11, 12, 13]  # the teacher who did not play is not a student
    ana, ben, cy = rows[11], rows[12], rows[13]
    assert (ana.student, ana.actor, ana.messages, ana.words, ana.floor_seconds) == (
        "Ana",
        "United States",
        1,
        5,
        13,
    )
    assert ana.card_ids == ("pub-9",)
    assert (ana.quiz_attempts, ana.quiz_correct, ana.quiz_percent) == (2, 1, 50)
    assert (ben.proposals, ben.votes, ben.floor_seconds) == (1, 0, 0)
    assert (ben.quiz_attempts, ben.quiz_correct) == (1, 1)
    assert (cy.actor, cy.messages, cy.votes) == ("Japan", 1, 1)
    assert cy.card_ids == ("jp-1",)  # ¶6 credits the first card of that paragraph

    out = io.BytesIO()
    assert await debrief.write_gradebook(sid, out) == 3
    parsed = list(csv.DictReader(io.StringIO(out.getvalue().decode("utf-8-sig"))))
    assert [r["student"] for r in parsed] == ["Ana", "Ben", "Cy"]

    if database.backend == "sqlite":  # the CLI path: same rows, no floor source there
        path = tmp_path / "grades.csv"
        assert await write_gradebook(database.url, sid, path) == 3
        cli = list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
        assert [r["floor_seconds"] for r in cli] == ["0", "0", "0"]
        assert [r["messages"] for r in cli] == [r["messages"] for r in parsed]
        with pytest.raises(CommandFailed, match=f"There is no session {sid + 99} in this"):
            await write_gradebook(database.url, sid + 99, tmp_path / "none.csv")
        assert not (tmp_path / "none.csv").exists()
