"""A scripted class through discord.py's real parsing and dispatch: `/session create` to the
debrief. Proposals, every delegation voting, the recorded outcome (one class reaching an
agreement, one reaching "no agreement" as at Hanoi), the reveal and scorecards checked against
hand-computed figures, a gradebook whose rows match what the students posted, and the archive.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.content.loader import load_scenarios
from bot.content.models import Scenario
from bot.db.base import utcnow
from bot.db.models.quiz import QuizAttempt, QuizRace, QuizRaceAnswer
from tests.first_edition import with_first_edition_objectives
from tests.harness import WireHarness
from tests.parley_fixtures import ParleyFactory
from tests.wire.negotiation_kit import (
    SeatedClass,
    assert_embed_fits,
    assert_message_fits,
    ballots,
    cards,
    embeds_of,
    fields,
    final_text,
    gradebook_rows,
    parley_of,
    seated_class,
)

ACTORS = ["us", "dprk", "rok", "japan", "china", "russia"]
Script = list[tuple[int, int, str]]  # (author id, message id, text) of what the test posted


@pytest.fixture(scope="session")
def scenarios() -> Mapping[str, Scenario]:
    """The shipped packs, Hanoi scored with the frozen first-edition objectives: these tests
    count the debrief's scorecards by hand, so content edits must not move them."""
    shipped = load_scenarios()
    return {**shipped, "hanoi-2019": with_first_edition_objectives(shipped["hanoi-2019"])}


async def post(h: WireHarness, channel: Any, author: Any, text: str, script: Script) -> Any:
    """A student (or the teacher) says something; the script remembers it for the gradebook."""
    message = await h.send_message(channel, author, text)
    script.append((author.id, message.id, text))
    return message


def expected_figures(
    script: Script, deleted: set[int], edited: dict[int, str]
) -> dict[int, tuple[int, int]]:
    """(messages, words) per author, counted by hand from what the test posted."""
    figures: dict[int, tuple[int, int]] = {}
    for author, message_id, text in script:
        if message_id in deleted:
            continue
        text = edited.get(message_id, text)
        messages, words = figures.get(author, (0, 0))
        figures[author] = (messages + 1, words + len(text.split()))
    return figures


async def walk_debrief(
    h: WireHarness, facilitator: Any, message: Any, sid: int
) -> list[dict[str, Any]]:
    """The facilitator presses Next until the last page; returns every page's embed."""
    pages = [embeds_of(h, message)[0]]
    while True:
        total = int(pages[-1]["footer"]["text"].rsplit(" of ", 1)[1])
        index = len(pages) - 1
        if index + 1 >= total:
            return pages
        turned = await h.click(facilitator, message, f"parley:debrief:{sid}:{index}:next")
        assert turned.response.type == 7  # the public message itself changes
        pages.append(embeds_of(h, message)[0])


def page(pages: list[dict[str, Any]], title: str) -> dict[str, Any]:
    return next(p for p in pages if p["title"].startswith(title))


def scorecard_values(pages: list[dict[str, Any]]) -> dict[str, str]:
    return {
        name.split(" — ")[0]: name.split(" — ")[1] for name in fields(page(pages, "Scorecards"))
    }


async def test_a_class_reaches_an_agreement(make_parley: ParleyFactory, tmp_path: Path) -> None:
    h = await make_parley(students=12)
    w, parley = h.world, parley_of(h)
    c: SeatedClass = await seated_class(h)
    sid = c.sid
    script: Script = []
    us0, us1 = c.members["us"]
    dprk0, dprk1 = c.members["dprk"]
    rok0, rok1 = c.members["rok"]
    japan0, japan1 = c.members["japan"]
    china0, china1 = c.members["china"]
    russia0, russia1 = c.members["russia"]

    # --- talk: plenary and the private delegation threads ---------------------------------
    await post(
        h,
        w.plenary,
        us0,
        "The United States will not lift sanctions without real concessions.",
        script,
    )
    await post(h, c.threads["us"], us0, "Remember pub-9 when we walk away.", script)
    await post(
        h,
        w.plenary,
        dprk0,
        'As the article says, "the need for pressure against North Korea" is Japan\'s line, '
        "not ours.",
        script,
    )
    await post(h, c.threads["china"], china0, "See ¶7: we want sanctions relaxed.", script)
    slip = await post(h, w.plenary, japan1, "Pressure first.", script)
    await h.delete_message(slip)
    hope = await post(h, w.plenary, rok0, "We hope for an end-of-war declaration soon.", script)
    await h.edit_message(hope, "We hope for an end-of-war declaration this spring.")
    await h.send_message(w.plenary, w.facilitator, "Five minutes to table your proposals.")

    # --- proposals --------------------------------------------------------------------------
    tabled = await h.slash(
        rok0,
        "propose",
        options={
            "item": "end-of-war",
            "text": "Declare the end of the Korean War by June. @everyone",
        },
    )
    assert tabled.response.ephemeral and "Proposal **1** is tabled" in final_text(tabled)
    form = await h.slash(dprk0, "propose", options={"item": "sanctions-relief"})
    assert form.modal["custom_id"] == f"parley:propose:{sid}:sanctions-relief"
    submitted = await h.submit_modal(
        dprk0, form, {"text": "Dismantle Yongbyon in exchange for lifting civilian sanctions."}
    )
    assert "Proposal **2** is tabled" in final_text(submitted)
    await h.slash(
        us1,
        "propose",
        options={"item": "liaison-office", "text": "Open a US liaison office in Pyongyang."},
    )
    posted = cards(h, w.plenary)
    assert sorted(posted) == [1, 2, 3]
    card1 = posted[1]
    assert card1.allows_no_mentions and card1.pings.none
    assert "@\u200beveryone" in card1.embed["description"]  # shown, escaped, never pinging
    assert card1.embed["title"] == "Proposal 1 · End-of-war declaration"
    assert fields(card1.embed)["Sponsor"].startswith("🇰🇷 South Korea")

    def click(user: Any, number: int, action: str) -> Any:
        return h.click(user, posted[number], f"parley:proposal:{sid}:{number}:{action}")

    assert "China now co-sponsors proposal 1" in final_text(await click(china1, 1, "cosponsor"))
    assert "Russia now supports proposal 1" in final_text(await click(russia0, 1, "support"))
    await click(japan0, 2, "support")
    assert "no longer backs proposal 2" in final_text(await click(japan0, 2, "drop"))
    refused = await click(japan0, 1, "withdraw")
    assert "Only the sponsor can withdraw proposal 1" in final_text(refused)
    own = await click(rok1, 1, "cosponsor")
    assert "Your delegation sponsors proposal 1" in final_text(own)
    now1 = fields(embeds_of(h, card1)[0])
    assert (now1["Co-sponsors"], now1["Supporters"]) == ("🇨🇳 China", "🇷🇺 Russia")

    replace_form = await click(dprk1, 2, "replace")
    assert replace_form.modal["custom_id"] == f"parley:proposal:{sid}:2:form"
    replaced = await h.submit_modal(
        dprk1, replace_form, {"text": "Dismantle Yongbyon first; then lift half of the sanctions."}
    )
    assert "replaced by proposal **4**" in final_text(replaced)
    assert embeds_of(h, posted[2])[0]["footer"]["text"].startswith("Replaced by proposal 4")
    assert not h.message(posted[2]).get("components")
    confirm = await click(us1, 3, "withdraw")
    done = await h.click(us1, confirm, f"parley:proposal:{sid}:3:withdraw-yes")
    assert "Proposal 3 is withdrawn" in final_text(done)
    listed = await h.slash(japan0, "proposals")
    assert (
        "#1" in final_text(listed) and "#4" in final_text(listed) and "#3" not in final_text(listed)
    )

    # --- the vote phase (as the rounds engine announces it) -------------------------------
    parley.dispatch("parley_phase_started", sid, 5, "vote")
    await h.settle()
    ballot = ballots(h, w.plenary)
    assert sorted(ballot) == [1, 4]
    assert "On the ballot" in embeds_of(h, card1)[0]["footer"]["text"]
    late = await h.slash(
        rok1, "propose", options={"item": "remains", "text": "Return the remains."}
    )
    assert "Voting has opened" in final_text(late)
    parley.dispatch("parley_phase_started", sid, 5, "vote")  # a repeat posts nothing twice
    await h.settle()
    assert sorted(ballots(h, w.plenary)) == [1, 4]

    async def vote(user: Any, number: int, choice: str) -> str:
        result = await h.click(user, ballot[number], f"parley:vote:{sid}:{number}:{choice}")
        assert result.response.ephemeral
        return final_text(result)

    assert "South Korea votes **Yes** on proposal 1" in await vote(rok0, 1, "yes")
    for user, choice in [
        (us0, "yes"),
        (dprk0, "yes"),
        (japan0, "abstain"),
        (china0, "yes"),
        (russia0, "yes"),
    ]:
        assert "Recorded" in await vote(user, 1, choice)
    await vote(us0, 4, "yes")
    overruled = await vote(us1, 4, "no")
    assert f"now votes **No** on proposal 4 (it was Yes, cast by {us0.name})" in overruled
    assert "already votes **No**" in await vote(us1, 4, "no")
    for user in (dprk1, rok1, china1, russia1):
        await vote(user, 4, "yes")
    await vote(japan1, 4, "no")
    ours = await h.click(us0, ballot[1], f"parley:vote:{sid}:ours")
    assert (
        f"#4 Dismantle Yongbyon first; then lift half of the sanctions. — ❌ **No** ({us1.name})"
        in final_text(ours)
    )
    status = await h.slash(w.facilitator, "vote status")
    assert status.response.ephemeral and "13 ballots cast" in status.response.embed["description"]
    us_thread_notes = [
        m.content
        for m in h.sent_messages(c.threads["us"])
        if "cast your delegation" in (m.content or "")
    ]
    assert us_thread_notes == [
        f"🗳️ {us0.name} cast your delegation's vote on proposal 1: **Yes**.",
        f"🗳️ {us0.name} cast your delegation's vote on proposal 4: **Yes**.",
        f"🗳️ {us1.name} cast your delegation's vote on proposal 4: **No**.",
    ]

    parley.dispatch("parley_phase_ended", sid, 5, "vote")
    await h.settle()
    result = [
        m for m in h.sent_messages(w.plenary) if m.embed and m.embed["title"].startswith("The vote")
    ]
    [announcement] = result
    assert_message_fits(announcement.embeds)
    top = announcement.embeds[0]
    assert top["title"] == "The vote: agreement"
    assert fields(top)["End-of-war declaration"].startswith("✅ #1 (South Korea): “Declare the end")
    assert fields(top)["Sanctions relief"] == "❌ not adopted"
    tally4 = next(v for k, v in fields(top).items() if k.startswith("#4"))
    assert "No: United States and Japan" in tally4 and "No yes from United States" in tally4
    assert h.message(ballot[1])["content"] == "Vote closed — proposal 1: ✅ adopted."
    assert not h.message(ballot[1]).get("components")

    state = await parley.negotiation.state(sid)
    assert state.round is not None and state.round.outcome is not None
    assert state.round.outcome["headline"] == "agreement"
    assert [i for i in state.round.outcome["items"] if i["clauses"]] == [
        {"agenda": "end-of-war", "outcome": "adopted", "clauses": [1]}
    ]
    assert len(state.round.vote.ballots) == 13  # every ballot, with who cast it
    assert {b.cast_by for b in state.round.vote.ballots if b.proposal == 4 and b.actor == "us"} == {
        us0.id,
        us1.id,
    }

    # --- the debrief ----------------------------------------------------------------------
    hidden = await h.slash(japan0, "brief", options={"actor": "us"})
    assert "Only facilitators" in final_text(hidden)
    debrief = await h.slash(w.facilitator, "debrief")
    assert debrief.response.ephemeral and "The debrief is posted" in final_text(debrief)
    public = [
        m
        for m in h.sent_messages(w.plenary, include_interactions=False)
        if m.embed and "Debrief · session" in m.embed.get("footer", {}).get("text", "")
    ]
    [first] = public
    assert first.allows_no_mentions
    pages = await walk_debrief(h, w.facilitator, first, sid)
    for p in pages:
        assert_embed_fits(p)
    titles = [p["title"] for p in pages]
    assert titles[0] == "The outcome beside history"
    assert any(t.startswith("What happened in history") for t in titles)
    assert "The article's argument" in titles
    assert [t for t in titles if t.startswith("The reveal")] == [
        "The reveal — 🇺🇸 United States",
        "The reveal — 🇰🇵 North Korea",
        "The reveal — 🇰🇷 South Korea",
        "The reveal — 🇯🇵 Japan",
        "The reveal — 🇨🇳 China",
        "The reveal — 🇷🇺 Russia",
    ]
    outcome = page(pages, "The outcome beside history")
    assert outcome["description"].startswith(
        "**Agreement.** The class adopted 1 clause on 1 of the 6"
    )
    assert "Your class and history part ways on: End-of-war declaration." in outcome["description"]
    assert fields(outcome)["End-of-war declaration"].endswith("In history: ❌ not adopted")

    # Scorecards, computed by hand from content/hanoi-2019/objectives.yaml with only the
    # end-of-war declaration adopted:
    #   US: yongbyon not adopted, wanted not adopted (3)            -> 3/3 = 100%
    #   DPRK: yongbyon wanted adopted (3)                           -> 0/3 = 0%
    #   ROK: end-of-war 1 met; liaison 1, yongbyon 2, remains 1 not -> 1/5 = 20%
    #   Japan: yongbyon wanted not adopted (3)                      -> 3/3 = 100%
    #   China, Russia: end-of-war 3 met, yongbyon 3 not             -> 3/6 = 50%
    assert scorecard_values(pages) == {
        "🇺🇸 United States": "3/3 (100%)",
        "🇰🇵 North Korea": "0/3 (0%)",
        "🇰🇷 South Korea": "1/5 (20%)",
        "🇯🇵 Japan": "3/3 (100%)",
        "🇨🇳 China": "3/6 (50%)",
        "🇷🇺 Russia": "3/6 (50%)",
    }
    us_reveal = page(pages, "The reveal — 🇺🇸")
    assert us_reveal["description"].startswith("**Scorecard: 3/3 (100%).**")
    us_lines = fields(us_reveal)
    assert us_lines["Liaison office in Pyongyang — no view in the article (not scored)"].startswith(
        "Proposed #3 (withdrawn)."
    )
    yongbyon = us_lines["Sanctions relief — wanted it not adopted (weight 3)"]
    assert yongbyon.startswith("Voted #4 No.") and "✅ objective met" in yongbyon
    words = us_lines["In its own words"]
    assert (
        words.splitlines()[0]
        == f"> “Remember pub-9 when we walk away.” — {us0.name}, private thread"
    )
    assert "without real concessions" in words
    dprk_lines = fields(page(pages, "The reveal — 🇰🇵"))
    dprk_yongbyon = dprk_lines["Sanctions relief — wanted it adopted (weight 3)"]
    assert dprk_yongbyon.startswith("Proposed #2 (replaced), #4; voted #4 Yes.")
    assert "❌ objective missed" in dprk_yongbyon
    china_lines = fields(page(pages, "The reveal — 🇨🇳"))
    assert china_lines["End-of-war declaration — wanted it adopted (weight 3)"].startswith(
        "Backed #1; voted #1 Yes."
    )
    japan_yongbyon = fields(page(pages, "The reveal — 🇯🇵"))[
        "Sanctions relief — wanted it not adopted (weight 3)"
    ]
    assert japan_yongbyon.startswith("Voted #4 No.")  # the support it took back is gone
    reflection = page(pages, "Reflection")
    assert 3 <= len(reflection["fields"]) <= 5
    assert "victory for process" in reflection["fields"][0]["value"]

    last = len(pages) - 1
    copy = await h.click(japan0, first, f"parley:debrief:{sid}:{last}:prev")
    assert copy.response.ephemeral and copy.response.embed["title"] == pages[-2]["title"]
    assert embeds_of(h, first)[0]["title"] == pages[-1]["title"]  # the class's copy stays put
    onward = await h.click(japan0, copy, f"parley:debrief:{sid}:{last - 1}:next")
    assert onward.response.type == 7 and onward.response.embed["title"] == pages[-1]["title"]
    jumped = await h.select(w.facilitator, first, f"parley:debrief:{sid}:jump", ["0"])
    assert jumped.response.type == 7 and embeds_of(h, first)[0]["title"] == pages[0]["title"]

    opened_brief = await h.slash(japan0, "brief", options={"actor": "us"})
    assert (
        opened_brief.response.ephemeral and "United States" in opened_brief.response.embed["title"]
    )

    # --- participation and the gradebook: they match what the students posted -------------
    figures = expected_figures(
        script, {slip.id}, {hope.id: "We hope for an end-of-war declaration this spring."}
    )
    await quiz_work(parley, w.guild.id, japan0.id, china0.id)
    grade = await h.slash(w.facilitator, "session gradebook")
    assert grade.response.ephemeral or grade.messages[-1].ephemeral
    [attachment] = grade.messages[-1].files
    assert attachment.filename == f"gradebook-session-{sid}.csv"
    rows = {int(r["user_id"]): r for r in gradebook_rows(attachment.data)}
    assert len(rows) == 12
    assert w.facilitator.id not in rows
    cited = {us0.id: "pub-9", dprk0.id: "jp-2", china0.id: "cr-1"}
    proposals = {rok0.id: 1, dprk0.id: 1, dprk1.id: 1, us1.id: 1}
    votes = {
        us0.id: 2,
        us1.id: 1,
        dprk0.id: 1,
        dprk1.id: 1,
        rok0.id: 1,
        rok1.id: 1,
        japan0.id: 1,
        japan1.id: 1,
        china0.id: 1,
        china1.id: 1,
        russia0.id: 1,
        russia1.id: 1,
    }
    for actor in ACTORS:
        for member in c.members[actor]:
            row = rows[member.id]
            messages, word_count = figures.get(member.id, (0, 0))
            assert row["student"] == member.name
            assert (int(row["messages"]), int(row["words"])) == (messages, word_count), member.name
            assert int(row["proposals"]) == proposals.get(member.id, 0)
            assert int(row["votes"]) == votes[member.id]
            assert row["card_ids"] == cited.get(member.id, "")
            assert int(row["cards_cited"]) == (1 if member.id in cited else 0)
            assert row["floor_seconds"] == "0"  # no rounds engine loaded in this test
            if member.id not in (japan0.id, china0.id):
                assert (row["quiz_attempts"], row["quiz_correct"], row["quiz_percent"]) == (
                    "0",
                    "0",
                    "",
                )
    # Japan: 2 answers here (1 right) + 1 in DMs (right); another server and another bank
    # do not count. China: one class-race answer (right) on the scenario's questions.
    quiz = {
        m: (rows[m]["quiz_attempts"], rows[m]["quiz_correct"], rows[m]["quiz_percent"])
        for m in (japan0.id, china0.id)
    }
    assert quiz == {japan0.id: ("3", "2", "67"), china0.id: ("1", "1", "100")}
    assert rows[rok0.id]["actor"] == "South Korea"
    assert (int(rows[rok0.id]["messages"]), int(rows[rok0.id]["words"])) == (
        1,
        8,
    )  # the edit counts
    assert int(rows[japan1.id]["messages"]) == 0  # the deleted message does not
    participation = page(pages, "Participation")["description"]
    assert (
        f"**{dprk0.name}** · North Korea — 1 message · 16 words · 0:00 floor · 1 proposal · "
        "1 vote · 1 card cited" in participation
    )

    # The command line writes the same file from the same database.
    out = tmp_path / "grades.csv"
    await asyncio.to_thread(_cli_gradebook, parley.database.url, sid, out)
    # This class played Hanoi as the first edition did (no points); the command line reads the
    # shipped pack, with its points schedules: every column but the game's is the same.
    game = {"points", "no_deal", "beat_no_deal"}

    def without_game(data: bytes) -> list[dict[str, str]]:
        return [{k: v for k, v in row.items() if k not in game} for row in gradebook_rows(data)]

    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    assert without_game(out.read_bytes()) == without_game(attachment.data)

    # --- the archive ------------------------------------------------------------------------
    archive = await h.click(w.facilitator, debrief, f"parley:debrief:{sid}:archive")
    assert "Opened to the class, read-only" in final_text(archive)
    everyone = {m.id for members in c.members.values() for m in members}
    for actor, thread in c.threads.items():
        assert everyone <= h.store.thread_members[thread], actor
        assert h.store.channels[thread]["thread_metadata"]["locked"]
        assert any("open to the whole class" in (m.content or "") for m in h.sent_messages(thread))


async def quiz_work(parley: Any, guild_id: int, japan: int, china: int) -> None:
    """Quiz answers as the quiz feature stores them (solo attempts and a class race)."""
    now = utcnow()

    def attempt(user: int, guild: int | None, bank: str, correct: bool) -> QuizAttempt:
        return QuizAttempt(
            user_id=user,
            guild_id=guild,
            kind="practice",
            bank=bank,
            item_id="q1",
            answer="x",
            correct=correct,
            score=100.0 if correct else 0.0,
            reason="exact",
            answered_at=now,
        )

    async with parley.database.transaction() as tx:
        tx.session.add_all(
            [
                attempt(japan, guild_id, "hanoi-2019", True),
                attempt(japan, guild_id, "hanoi-2019", False),
                attempt(japan, None, "hanoi-2019", True),
                attempt(japan, guild_id + 1, "hanoi-2019", True),
                attempt(japan, guild_id, "trivia:capitals", True),
            ]
        )
        race = QuizRace(
            guild_id=guild_id,
            channel_id=1,
            started_by=1,
            label="race",
            items=["trivia:capitals/a", "hanoi-2019/q2"],
            seconds=20,
            mode="first",
        )
        tx.session.add(race)
        await tx.session.flush()
        for position, correct in ((0, True), (1, True)):
            tx.session.add(
                QuizRaceAnswer(
                    race_id=race.id,
                    position=position,
                    user_id=china,
                    answer="x",
                    correct=correct,
                    score=100.0,
                )
            )


def _cli_gradebook(url: str, sid: int, out: Path) -> None:
    import os

    os.environ["DATABASE_URL"] = url
    try:
        assert main(["gradebook", str(sid), "-o", str(out)]) == 0
    finally:
        del os.environ["DATABASE_URL"]


async def test_a_class_ends_with_no_agreement_as_hanoi_did(make_parley: ParleyFactory) -> None:
    h = await make_parley(students=6)
    w, parley = h.world, parley_of(h)
    c = await seated_class(h, seed=3)
    sid = c.sid
    await h.slash(
        c.one("dprk"),
        "propose",
        options={
            "item": "sanctions-relief",
            "text": "Dismantle Yongbyon for full sanctions relief.",
        },
    )
    await h.slash(
        c.one("us"),
        "propose",
        options={"item": "remains", "text": "Resume joint recovery of Korean War remains."},
    )
    student_open = await h.slash(c.one("us"), "vote open")
    assert "Only facilitators" in final_text(student_open)
    opened = await h.slash(w.facilitator, "vote open")
    assert "The vote is open on 2 proposals" in final_text(opened)
    ballot = ballots(h, w.plenary)
    choices = {
        1: {
            "us": "no",
            "dprk": "yes",
            "rok": "yes",
            "japan": "no",
            "china": "yes",
            "russia": "yes",
        },
        2: {
            "us": "yes",
            "dprk": "abstain",
            "rok": "yes",
            "japan": "yes",
            "china": "yes",
            "russia": "yes",
        },
    }
    for number, by_actor in choices.items():
        for actor, choice in by_actor.items():
            result = await h.click(
                c.one(actor), ballot[number], f"parley:vote:{sid}:{number}:{choice}"
            )
            assert "Recorded" in final_text(result)
    closed = await h.slash(w.facilitator, "vote close")
    assert "**no agreement**" in final_text(closed)
    [announcement] = [
        m for m in h.sent_messages(w.plenary) if m.embed and m.embed["title"].startswith("The vote")
    ]
    top = announcement.embeds[0]
    assert top["title"] == "The vote: no agreement"
    assert "Not a yes from: #1 by United States; #2 by North Korea." in top["description"]
    state = await parley.negotiation.state(sid)
    assert state.round is not None and state.round.outcome is not None
    assert state.round.outcome["headline"] == "no agreement"
    assert all(not i["clauses"] for i in state.round.outcome["items"])
    assert [(t["proposal"], t["blocked_by"]) for t in state.round.outcome["tallies"]] == [
        (1, ["us"]),
        (2, ["dprk"]),
    ]
    assert len(state.round.vote.ballots) == 12

    debrief = await h.slash(w.facilitator, "debrief")
    [first] = [
        m
        for m in h.sent_messages(w.plenary, include_interactions=False)
        if m.embed and "Debrief · session" in m.embed.get("footer", {}).get("text", "")
    ]
    pages = await walk_debrief(h, w.facilitator, first, sid)
    outcome = pages[0]
    assert outcome["description"].startswith(
        "**No agreement.** A deal needed a yes from United States and North Korea"
    )
    assert (
        "**In history:** no agreement. Your class ended as the real summit did."
        in outcome["description"]
    )
    argument = page(pages, "The article's argument")
    quoted = "\n".join(f["value"] for f in argument["fields"])
    assert (
        "> “While some will take this as a failure of diplomacy, it was a victory for process.”"
        " — ¶4" in quoted
    )
    assert "Michael MacArthur Bosack" in argument["description"]
    # Nothing adopted: every "not adopted" objective is met, every "adopted" one missed.
    assert scorecard_values(pages) == {
        "🇺🇸 United States": "3/3 (100%)",
        "🇰🇵 North Korea": "0/3 (0%)",
        "🇰🇷 South Korea": "0/5 (0%)",
        "🇯🇵 Japan": "3/3 (100%)",
        "🇨🇳 China": "0/6 (0%)",
        "🇷🇺 Russia": "0/6 (0%)",
    }
    assert "No vote was held" not in final_text(debrief)
    for p in pages:
        assert_embed_fits(p)
