"""Class races through discord.py's real dispatch, on a clock the test moves: concurrent answers
(one per student, enforced by the database), both scoring modes, the atomic leaderboard, the
facilitator's controls, and a race that carries on after a restart. Runs on SQLite, and on
PostgreSQL when PARLEY_TEST_POSTGRES_URL is set."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import discord
import pytest
import pytest_asyncio
from sqlalchemy import select

from bot.clock import FakeClock
from bot.db.engine import Database
from bot.db.models.quiz import QuizLeaderboard, QuizRaceAnswer
from bot.services.quiz_race import PAUSE_BETWEEN_QUESTIONS
from tests.db_backends import backend_params, migrated_database
from tests.parley_fixtures import ParleyFactory
from tests.waiting import wait_until
from tests.wire.quiz_helpers import (
    answered,
    button,
    current_question,
    parley_on,
    race_posts,
    right_value,
    runner_waits,
    send_answer,
    services,
    start_race,
    wrong_value,
)


@pytest_asyncio.fixture(params=backend_params())
async def parley_database(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[Database]:
    """This module's bots run on SQLite and (when configured) PostgreSQL."""
    async with migrated_database(str(request.param), tmp_path) as database:
        yield database


async def test_a_race_with_concurrent_answers_and_an_atomic_leaderboard(
    make_parley: ParleyFactory, parley_database: Database
) -> None:
    clock = FakeClock()
    h = await parley_on(make_parley, clock, students=12)
    w = h.world
    race_id, _ = await start_race(h, clock, count=2, seconds=30, mode="all")

    message, q = current_question(h, 1)
    deadline = int((clock.now() + timedelta(seconds=30)).timestamp())
    assert message.embed["fields"][0]["value"] == f"Ends <t:{deadline}:R>"
    assert "Every correct answer in time scores" in message.embed["footer"]["text"]

    # Twelve students answer at once: the first eight right, the rest wrong.
    results = [
        await send_answer(h, s, message, q, right_value(q) if i < 8 else wrong_value(q))
        for i, s in enumerate(w.students)
    ]
    await answered(h, *results)
    for result in results:
        assert result.response.ephemeral
        assert result.response.content.startswith("Answer locked in:")
        assert f"<t:{deadline}:R>" in result.response.content
    # Student 1 tries again (two clicks racing each other are covered in the service tests).
    again = await send_answer(h, w.students[0], message, q, wrong_value(q))
    await answered(h, again)
    assert again.response.ephemeral
    assert again.response.content.startswith("You have already answered this question")

    await clock.advance(30)
    await runner_waits(h, clock, race_id)
    [results_1] = race_posts(h, "Question 1: the answer is")
    assert results_1.embed["description"].startswith("**8 of 12** right (+1 each): <@")
    assert results_1.allows_no_mentions  # names students without pinging them
    closed = h.message(message)
    assert closed["components"] == []
    assert closed["embeds"][0]["fields"][0]["value"] == "Closed."

    await clock.advance(PAUSE_BETWEEN_QUESTIONS)
    await runner_waits(h, clock, race_id)
    message, q = current_question(h, 2)
    # Question 2: three students, right, wrong, right.
    for student, value in zip(
        w.students[:3], [right_value(q), wrong_value(q), right_value(q)], strict=True
    ):
        await send_answer(h, student, message, q, value, settle=True)
    await clock.advance(30)
    await runner_waits(h, clock, race_id)

    [final] = race_posts(h, "🏁 Race over")
    lines = final.embed["description"].splitlines()
    assert lines[0] == f"🥇 <@{w.students[0].id}> — **2** pt(s) · 2 right"
    assert lines[1].startswith("🥇 <@") and len(lines) == 10  # the top ten
    assert services(h).races.running_task(race_id) is None

    async with parley_database.transaction() as tx:
        answers = (await tx.session.scalars(select(QuizRaceAnswer))).all()
        rows = {r.user_id: r for r in (await tx.session.scalars(select(QuizLeaderboard))).all()}
    assert len(answers) == 15  # the double click did not count
    assert rows[w.students[0].id].points == 2 and rows[w.students[0].id].races == 1
    assert rows[w.students[1].id].points == 1 and rows[w.students[1].id].answered == 2
    assert rows[w.students[11].id].points == 0 and rows[w.students[11].id].races == 1
    assert sum(r.points for r in rows.values()) == 10

    board = await h.slash(w.students[11], "quiz leaderboard")
    assert board.response.ephemeral
    assert (
        board.response.embed["description"]
        .splitlines()[0]
        .startswith(f"🥇 <@{w.students[0].id}> — **2** pt(s)")
    )
    shared = await h.slash(w.students[11], "quiz leaderboard", options={"share": True})
    assert not shared.response.ephemeral
    h.assert_no_pings()


async def test_first_correct_closes_the_question_at_once(make_parley: ParleyFactory) -> None:
    clock = FakeClock()
    h = await parley_on(make_parley, clock, students=4)
    w = h.world
    race_id, _ = await start_race(h, clock, count=1, seconds=60, mode="first")
    message, q = current_question(h, 1)
    assert "The first correct answer scores" in message.embed["footer"]["text"]

    wrong = await send_answer(h, w.students[0], message, q, wrong_value(q), settle=True)
    assert wrong.response.content.startswith("Answer locked in:")
    await runner_waits(h, clock, race_id)
    assert race_posts(h, "Question 1: the answer is") == []  # a wrong answer closes nothing

    # Two right answers at the same moment: one is first, the other lands after it or too late.
    one = await send_answer(h, w.students[1], message, q, right_value(q))
    two = await send_answer(h, w.students[2], message, q, right_value(q))
    await answered(h, one, two)
    await runner_waits(h, clock, race_id)  # no time passes: the right answer ends it
    replies = {one.response.content, two.response.content}
    assert any(r.startswith("Answer locked in:") for r in replies)
    [results] = race_posts(h, "Question 1: the answer is")
    description = results.embed["description"]
    assert description.startswith("🏅 <@") and description.endswith(
        "was first with the right answer (+1)."
    )
    winner = int(description.split("<@")[1].split(">")[0])
    assert winner in (w.students[1].id, w.students[2].id)
    [final] = race_posts(h, "🏁 Race over")
    assert final.embed["description"].splitlines()[0] == f"🥇 <@{winner}> — **1** pt(s) · 1 right"
    assert h.message(message)["components"] == []  # no buttons left to press


async def test_only_facilitators_start_or_end_a_race(make_parley: ParleyFactory) -> None:
    clock = FakeClock()
    h = await parley_on(make_parley, clock)
    w = h.world
    refused = await h.slash(w.students[0], "quiz class")
    assert refused.response.ephemeral
    assert refused.response.content.startswith("Only facilitators can run a class quiz race")

    race_id, _ = await start_race(h, clock, count=3, seconds=20)
    again = await h.slash(w.facilitator, "quiz class")
    assert again.response.content.startswith("A quiz race is already running here")

    message, q = current_question(h, 1)
    await send_answer(h, w.students[0], message, q, right_value(q), settle=True)
    student_stop = await h.click(w.students[1], message, button(h.message(message), ":stop"))
    assert student_stop.response.content.startswith("Only facilitators can end the race.")

    stop = await h.click(w.facilitator, message, button(h.message(message), ":stop"))
    assert stop.response.ephemeral
    assert stop.response.content.startswith("Ending the race")
    await runner_waits(h, clock, race_id)
    assert race_posts(h, "Question 1: the answer is")  # the open question is still scored
    [final] = race_posts(h, "🏁 Race ended by the facilitator")
    assert final.embed["description"] == f"🥇 <@{w.students[0].id}> — **1** pt(s) · 1 right"
    assert race_posts(h, "Race question 2") == []


async def test_a_race_carries_on_after_a_restart(make_parley: ParleyFactory) -> None:
    clock = FakeClock()
    h1 = await parley_on(make_parley, clock, students=3)
    w = h1.world
    race_id, _ = await start_race(h1, clock, count=2, seconds=30, mode="all")
    message, q = current_question(h1, 1)
    await send_answer(h1, w.students[0], message, q, right_value(q), settle=True)
    await h1.close()  # Parley goes down mid-question…
    await clock.advance(120)  # …and comes back two minutes later

    h2 = await parley_on(make_parley, clock, students=None, restart_of=h1)
    await wait_until(lambda: bool(race_posts(h2, "Question 1: the answer is")))
    await runner_waits(h2, clock, race_id)
    [results] = race_posts(h2, "Question 1: the answer is")
    assert results.embed["description"].startswith(
        f"**1 of 1** right (+1 each): <@{w.students[0].id}>"
    )
    assert "Parley was offline when time ran out" in results.embed["description"]

    assert h2.message(message)["components"] == []  # the old question is closed
    await clock.advance(PAUSE_BETWEEN_QUESTIONS)
    await runner_waits(h2, clock, race_id)
    message, q = current_question(h2, 2)
    await send_answer(h2, w.students[1], message, q, right_value(q), settle=True)
    await clock.advance(30)
    await runner_waits(h2, clock, race_id)
    [final] = race_posts(h2, "🏁 Race over")
    assert final.embed["description"].count("**1** pt(s)") == 2


async def test_a_race_needs_parley_to_be_able_to_post(make_parley: ParleyFactory) -> None:
    h = await parley_on(make_parley, FakeClock())
    w = h.world
    h.set_overwrite(w.plenary, h.bot_role(w.guild), deny=discord.Permissions(embed_links=True))
    await h.settle()
    refused = await h.slash(w.facilitator, "quiz class")
    assert refused.response.ephemeral
    assert refused.response.content == (
        "Parley needs the Embed Links permission here. Ask a server admin to grant it."
    )
    assert services(h).races._tasks == {}  # nothing started
