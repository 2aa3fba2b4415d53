"""Solo quizzes through discord.py's real dispatch: practice with buttons and the answer modal,
review across simulated days, stats, readiness, and buttons that outlive a restart."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.clock import FakeClock
from bot.content.seed import normalise, quoted_fragments
from bot.db.engine import Database
from bot.db.models.quiz import QuizAttempt, QuizCard
from bot.db.models.sessions import ClassSession, Participant
from bot.domain.choice_order import shuffled_for
from bot.domain.quiz import Question
from tests.harness import InteractionResult, WireHarness
from tests.parley_fixtures import ParleyFactory
from tests.wire.quiz_helpers import (
    BY_ID,
    PARAGRAPHS,
    QUESTIONS,
    answered,
    button,
    embed_of,
    fields,
    parley_on,
    question_of,
    right_value,
    wrong_value,
)


async def answer(
    h: WireHarness, user: Any, ref: InteractionResult, q: Question, value: str
) -> InteractionResult:
    """Answer the question on `ref`'s message: a button, or "Answer" then the modal."""
    message = h.message(ref)
    if q.is_choice:
        return await h.click(user, ref, button(message, f":ans:{value}"))
    opened = await h.click(user, ref, button(message, ":open"))
    assert opened.response.type_name == "modal"
    modal = opened.modal
    field = modal["components"][0]["components"][0]
    assert field["custom_id"] == "answer" and field["required"] and field["max_length"] == 500
    submitted = await h.submit_modal(user, opened, {"answer": value})
    assert submitted.response.type_name == "message_update", submitted.response
    return submitted


async def next_question(h: WireHarness, user: Any, ref: InteractionResult) -> InteractionResult:
    return await h.click(user, ref, button(h.message(ref), ":next"))


async def test_practice_a_paragraph_with_buttons_and_the_modal(
    make_parley: ParleyFactory, parley_database: Database
) -> None:
    clock = FakeClock()
    h = await parley_on(make_parley, clock)
    student = h.world.students[0]

    started = await h.slash(
        student, "quiz practice", options={"scenario": "hanoi-2019", "paragraph": 5, "count": 10}
    )
    assert started.response.ephemeral
    assert started.response.allows_no_mentions
    asked = min(10, len([q for q in QUESTIONS if q.paragraph == 5]))
    first = started.response.embed
    assert first is not None and first["title"] == f"Question 1 of {asked}"
    assert first["author"]["name"] == "Practice · Hanoi 2019 · ¶5"

    kinds_seen: set[str] = set()
    expected_right = 0
    for index in range(asked):
        q = question_of(h.message(started))
        assert q.paragraph == 5
        kinds_seen.add(q.kind)
        right = index % 2 == 0
        value = right_value(q) if right else wrong_value(q)
        if right and q.kind == "short_answer":
            value = value.lower().replace("-", "")  # "Moon Jae-in" typed as "moon jaein"
        result = await answer(h, student, started, q, value)

        assert result.response.type_name == "message_update"  # the same ephemeral message
        verdict = h.message(started)
        title = embed_of(verdict)["title"]
        assert title.startswith("✅") if right else title.startswith("❌"), (q.item_id, value)
        shown = fields(verdict)
        # the letter is the one this student saw: choices are in the student's own order
        assert shown["Right answer"].startswith(shuffled_for(q, student.id).right_answer)
        assert shown["Why"] == q.explanation
        quote = shown["¶5 of the article"]
        assert quote.startswith("> ")
        assert quote[2:].replace("**", "") == normalise(PARAGRAPHS[4])  # ¶5 fits whole
        for fragment in quoted_fragments(q.explanation or ""):
            if len(fragment) >= 12:
                assert f"**{fragment}" in quote or fragment not in normalise(PARAGRAPHS[4])
        expected_right += right
        assert embed_of(verdict)["footer"]["text"].endswith(f"{expected_right} right so far")
        await next_question(h, student, started)

    assert kinds_seen == {"multiple_choice", "true_false", "which_actor", "short_answer"}
    summary = embed_of(h.message(started))
    assert summary["title"] == "Quiz finished"
    right_count = (asked + 1) // 2
    assert summary["description"] == f"You got **{right_count} of {asked}** right."
    assert "To look at again" in fields(h.message(started))
    assert h.message(started)["components"] == []
    h.assert_no_pings()

    async with parley_database.transaction() as tx:
        attempts = (await tx.session.scalars(select(QuizAttempt))).all()
        cards = (await tx.session.scalars(select(QuizCard))).all()
    assert len(attempts) == asked and sum(a.correct for a in attempts) == right_count
    assert {a.user_id for a in attempts} == {student.id}
    assert sorted(c.box for c in cards) == [1] * (asked - right_count) + [2] * right_count
    assert {c.due_at for c in cards if c.box == 1} == {clock.now() + timedelta(hours=20)}


async def test_double_clicks_and_stale_buttons_count_once(
    make_parley: ParleyFactory, parley_database: Database
) -> None:
    h = await parley_on(make_parley, FakeClock())
    student = h.world.students[0]
    started = await h.slash(
        student, "quiz practice", options={"scenario": "hanoi-2019", "paragraph": 2, "count": 2}
    )
    q = question_of(h.message(started))
    right_id = button(h.message(started), f":ans:{right_value(q)}")
    wrong_id = button(h.message(started), f":ans:{wrong_value(q)}")

    before = h.message(started)
    first = await h.click(student, started, right_id, settle=False)
    second = await h.click(student, before, wrong_id, settle=False)  # an old copy of the message
    await answered(h, first, second)
    assert first.response.type_name == second.response.type_name == "message_update"
    async with parley_database.transaction() as tx:
        attempts = (await tx.session.scalars(select(QuizAttempt))).all()
    assert len(attempts) == 1  # whichever landed first; the other was shown that verdict
    stored = attempts[0].correct
    for result in (first, second):
        embed = result.response.embed
        assert embed["title"].startswith("✅" if stored else "❌")
        assert embed["footer"]["text"].endswith(f"{int(stored)} right so far")
    notes = [first.response.content, second.response.content]
    assert "" in notes  # one of them carries no note
    assert any(n and "already answered" in n for n in notes)

    next_id = button(h.message(started), ":next")
    one = await h.click(student, started, next_id, settle=False)
    two = await h.click(student, started, next_id, settle=False)
    await answered(h, one, two)
    assert one.response.type_name == two.response.type_name == "message_update"
    assert embed_of(h.message(started))["title"] == "Question 2 of 2"  # moved on once


async def test_review_brings_missed_items_back_across_simulated_days(
    make_parley: ParleyFactory,
) -> None:
    clock = FakeClock()
    start = clock.now()
    h = await parley_on(make_parley, clock)
    student = h.world.students[1]

    nothing = await h.slash(student, "quiz review")
    assert nothing.response.content.startswith("Nothing to review yet")

    # Day 0: ¶14's three items; only the short answer (q-75) is missed.
    started = await h.slash(
        student, "quiz practice", options={"scenario": "hanoi-2019", "paragraph": 14}
    )
    for _ in range(3):
        q = question_of(h.message(started))
        value = wrong_value(q) if q.item_id == "q-75" else right_value(q)
        await answer(h, student, started, q, value)
        await next_question(h, student, started)
    summary = h.message(started)
    assert embed_of(summary)["description"] == "You got **2 of 3** right."
    due_missed = start + timedelta(hours=20)  # box 1: a day, brought forward four hours
    assert f"<t:{int(due_missed.timestamp())}:R>" in fields(summary)["Spaced repetition"]

    early = await h.slash(student, "quiz review")
    assert early.response.ephemeral
    assert early.response.content == (
        f"Nothing is due right now. Your next item is due <t:{int(due_missed.timestamp())}:R> "
        f"(<t:{int(due_missed.timestamp())}:f>)."
    )

    # Day 1, evening: only the missed item is due.
    await clock.advance(timedelta(hours=20))
    review = await h.slash(student, "quiz review")
    assert review.response.embed["title"] == "Question 1 of 1"
    assert review.response.embed["author"]["name"] == "Review · 1 due"
    q = question_of(h.message(review))
    assert q.item_id == "q-75"
    await answer(h, student, review, q, right_value(q))
    await next_question(h, student, review)
    assert embed_of(h.message(review))["description"] == "You got **1 of 1** right."

    # Day 2: the two items answered right on day 0 (box 2: two days less four hours) are due,
    # the one just relearned is not.
    await clock.advance(timedelta(hours=24))
    review = await h.slash(student, "quiz review")
    assert review.response.embed["title"] == "Question 1 of 2"
    seen = []
    for _ in range(2):
        q = question_of(h.message(review))
        seen.append(q.item_id)
        await answer(h, student, review, q, right_value(q))
        await next_question(h, student, review)
    assert sorted(seen) == ["q-74", "q-76"]

    stats = await h.slash(student, "quiz stats", options={"scenario": "hanoi-2019"})
    embed = stats.response.embed
    assert embed["description"].startswith(f"**3 of {len(QUESTIONS)}** items seen · **2** learned")
    by_paragraph = next(f["value"] for f in embed["fields"] if f["name"] == "By paragraph")
    assert "¶14: 3/3 seen · 2 learned · 83% right" in by_paragraph


async def test_stats_by_actor_and_practice_by_actor(make_parley: ParleyFactory) -> None:
    h = await parley_on(make_parley, FakeClock())
    student = h.world.students[0]
    started = await h.slash(
        student, "quiz practice", options={"scenario": "hanoi-2019", "actor": "japan", "count": 2}
    )
    assert started.response.embed["author"]["name"] == "Practice · Hanoi 2019 · 🇯🇵 Japan"
    for _ in range(2):
        q = question_of(h.message(started))
        assert "japan" in q.actors
        await answer(h, student, started, q, right_value(q))
        await next_question(h, student, started)
    stats = await h.slash(student, "quiz stats", options={"scenario": "hanoi-2019"})
    by_actor = next(f["value"] for f in stats.response.embed["fields"] if f["name"] == "By actor")
    japan = next(line for line in by_actor.splitlines() if "Japan" in line)
    total = len([q for q in QUESTIONS if "japan" in q.actors])
    assert f"🇯🇵 Japan: 2/{total} seen · 0 learned · 100% right" in japan


async def test_autocomplete_offers_scenarios_topics_and_actors(make_parley: ParleyFactory) -> None:
    h = await parley_on(make_parley, FakeClock())
    student = h.world.students[0]
    assert await h.choices(student, "quiz practice", focused="scenario", value="han") == [
        {"name": "Hanoi 2019", "value": "hanoi-2019"}
    ]
    topics = await h.choices(
        student,
        "quiz practice",
        focused="topic",
        value="sanc",
        options={"scenario": "hanoi-2019"},
    )
    assert topics == [{"name": "Sanctions and pressure", "value": "sanctions"}]
    actors = await h.choices(
        student,
        "quiz practice",
        focused="actor",
        value="korea",
        options={"scenario": "hanoi-2019"},
    )
    assert [a["value"] for a in actors] == ["dprk", "rok"]
    assert actors[0]["name"] == "🇰🇵 North Korea"


async def test_unknown_filters_get_a_clear_reply(make_parley: ParleyFactory) -> None:
    h = await parley_on(make_parley, FakeClock())
    student = h.world.students[0]
    topic = await h.slash(
        student, "quiz practice", options={"scenario": "hanoi-2019", "topic": "cooking"}
    )
    assert topic.response.ephemeral
    assert topic.response.content.startswith("There is no topic “cooking”. Pick one of: How Hanoi")
    paragraph = await h.slash(
        student, "quiz practice", options={"scenario": "hanoi-2019", "paragraph": 10}
    )
    assert paragraph.response.content.startswith("No quiz items are about ¶10 here. Items cover ¶1")
    actor = await h.slash(
        student, "quiz practice", options={"scenario": "hanoi-2019", "actor": "France"}
    )
    assert "There is no actor “France”" in actor.response.content
    bank = await h.slash(student, "quiz practice", options={"bank": "nope"})
    assert bank.response.content.startswith("There is no question bank called “nope”")
    resume = await h.slash(student, "quiz resume")
    assert resume.response.content.startswith("You have no quiz in progress.")


async def test_buttons_and_the_modal_work_after_a_restart(
    make_parley: ParleyFactory, parley_database: Database
) -> None:
    clock = FakeClock()
    h1 = await parley_on(make_parley, clock)
    student = h1.world.students[0]
    on_one = len([q for q in QUESTIONS if q.paragraph == 1])
    assert on_one <= 10  # all of ¶1 is asked, so its typed-answer items come up
    started = await h1.slash(
        student,
        "quiz practice",
        options={"scenario": "hanoi-2019", "paragraph": 1, "count": on_one},
    )
    # Move to the first typed-answer question, answering the choice ones on the way.
    while question_of(h1.message(started)).kind != "short_answer":
        q = question_of(h1.message(started))
        await answer(h1, student, started, q, right_value(q))
        await next_question(h1, student, started)
    opened = await h1.click(student, started, button(h1.message(started), ":open"))
    q = question_of(h1.message(started))
    await h1.close()  # Parley goes down with the form open on the student's screen

    h2 = await parley_on(make_parley, clock, students=None, restart_of=h1)
    submitted = await h2.submit_modal(student, opened, {"answer": right_value(q)})
    assert submitted.response.type_name == "message_update"
    assert embed_of(h2.message(started))["title"] == "✅ Right"
    await next_question(h2, student, started)
    assert question_of(h2.message(started)) != q

    # A day and a half later the quiz has expired: its buttons say so and what to do.
    await clock.advance(timedelta(hours=13))
    stale = await h2.click(student, started, button(h2.message(started), ":stop"))
    assert stale.response.ephemeral
    assert stale.response.content.startswith("This quiz expired after 12 hours")
    assert "/quiz practice" in stale.response.content

    # Starting another quiz closes this one; its buttons point to /quiz resume.
    fresh = await h2.slash(
        student, "quiz practice", options={"scenario": "hanoi-2019", "paragraph": 2}
    )
    old = await h2.click(student, started, button(h2.message(started), ":stop"))
    assert old.response.content.startswith("You started another quiz")
    resumed = await h2.slash(student, "quiz resume")
    on_two = min(10, len([q for q in QUESTIONS if q.paragraph == 2]))
    assert resumed.response.embed["title"] == fresh.response.embed["title"]
    assert fresh.response.embed["title"] == f"Question 1 of {on_two}"


async def test_readiness_quizzes_a_student_on_their_own_actor(
    make_parley: ParleyFactory, parley_database: Database
) -> None:
    h = await parley_on(make_parley, FakeClock())
    w = h.world
    none_yet = await h.slash(w.students[0], "quiz readiness")
    assert none_yet.response.ephemeral
    assert none_yet.response.content.startswith("There is no live class session in this channel")

    async with parley_database.transaction() as tx:
        session = ClassSession(
            guild_id=w.guild.id,
            channel_id=w.plenary.id,
            scenario_id="hanoi-2019",
            created_by=w.facilitator.id,
        )
        tx.session.add(session)
        await tx.session.flush()
        tx.session.add_all(
            [
                Participant(
                    session_id=session.id,
                    user_id=w.students[0].id,
                    display_name="student1",
                    actor_id="rok",
                ),
                Participant(
                    session_id=session.id, user_id=w.students[1].id, display_name="student2"
                ),
            ]
        )

    unassigned = await h.slash(w.students[1], "quiz readiness")
    assert unassigned.response.content.startswith("You have joined, but your teacher has not")
    outsider = await h.slash(w.students[2], "quiz readiness")
    assert outsider.response.content.startswith("You are not in this channel's session yet")

    ready = await h.slash(w.students[0], "quiz readiness")
    embed = ready.response.embed
    assert ready.response.ephemeral
    assert embed["author"]["name"] == "Readiness · your brief as 🇰🇷 South Korea"
    assert embed["title"] == "Question 1 of 5"
    for _ in range(5):
        q = question_of(h.message(ready))
        assert "rok" in q.actors and BY_ID[q.item_id] == q
        await answer(h, w.students[0], ready, q, right_value(q))
        await next_question(h, w.students[0], ready)
    assert embed_of(h.message(ready))["description"] == "You got **5 of 5** right."


async def test_each_student_sees_choices_in_an_order_of_their_own_every_time(
    make_parley: ParleyFactory,
) -> None:
    h = await parley_on(make_parley, FakeClock())
    options = {"scenario": "hanoi-2019", "paragraph": 7, "count": 10}
    seen: dict[int, list[str]] = {}
    for student in h.world.students[:2]:
        started = await h.slash(student, "quiz practice", options=options)
        lines: list[str] = []
        for _ in range(10):
            message = h.message(started)
            q = question_of(message)
            if q.kind == "multiple_choice":
                description = embed_of(message)["description"]
                expected = shuffled_for(q, student.id)
                shown = [c.label for c in expected.choices]
                on_screen = [line.split("** ", 1)[1] for line in description.split("\n")[2:]]
                assert on_screen == shown
                lines.append(f"{q.item_id}:{'|'.join(shown)}")
                if len(lines) == 1:  # reopening shows the same order
                    again = await h.slash(student, "quiz resume")
                    assert embed_of(h.message(again))["description"] == description
                    started = again
            await answer(h, student, started, q, right_value(q))
            await next_question(h, student, started)
        seen[student.id] = sorted(lines)
    first, second = seen.values()
    assert first and first != second  # two students, two orders
