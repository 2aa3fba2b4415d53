"""Proposals, the vote and the debrief at their edges: the rounds engine's contract, restarts,
the session ending mid-vote, missing permissions, students at facilitator controls, and a
class big enough to push every message to Discord's limits."""

from __future__ import annotations

from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

import discord
import pytest

from bot.content.loader import load_scenarios
from bot.content.models import Scenario
from tests.first_edition import with_first_edition_objectives
from tests.harness import WireHarness, classroom
from tests.parley_fixtures import ParleyFactory
from tests.waiting import wait_until
from tests.wire.negotiation_kit import (
    assert_embed_fits,
    assert_message_fits,
    ballots,
    cards,
    embeds_of,
    final_text,
    gradebook_rows,
    parley_of,
    seated_class,
)
from tests.wire.sessions_kit import settle_until_answered

ACTORS = ["us", "dprk", "rok", "japan", "china", "russia"]


class FakeRounds:
    """The rounds engine's contract as #5 exposes it: the current phase and floor seconds."""

    def __init__(self, kind: str | None, floor: dict[int, float]) -> None:
        self.kind = kind
        self.floor = floor

    def current_phase(self, session_id: int) -> Any:
        return None if self.kind is None else SimpleNamespace(kind=self.kind, index=3)

    def floor_seconds(self, session_id: int) -> dict[int, float]:
        return dict(self.floor)


@pytest.fixture(scope="session")
def scenarios() -> Mapping[str, Scenario]:
    """The shipped packs, Hanoi scored with the frozen first-edition objectives: these tests
    count the debrief's scorecards by hand, so content edits must not move them."""
    shipped = load_scenarios()
    return {**shipped, "hanoi-2019": with_first_edition_objectives(shipped["hanoi-2019"])}


def debrief_message(h: WireHarness) -> Any:
    return next(
        m
        for m in h.sent_messages(h.world.plenary, include_interactions=False)
        if m.embed and "Debrief · session" in m.embed.get("footer", {}).get("text", "")
    )


async def test_the_rounds_engine_decides_when_proposals_are_tabled_and_supplies_floor_time(
    make_parley: ParleyFactory,
) -> None:
    h = await make_parley(students=6)
    w, parley = h.world, parley_of(h)
    c = await seated_class(h)
    us, dprk = c.one("us"), c.one("dprk")
    rounds = FakeRounds("preparation", {us.id: 61.5, dprk.id: 29.4})
    parley.rounds = rounds  # type: ignore[assignment]

    early = await h.slash(us, "propose", options={"item": "remains", "text": "Return remains."})
    assert "during caucus and plenary phases" in final_text(early)
    assert "Your text, to copy and use again:\n>>> Return remains." in final_text(early)
    no_form = await h.slash(us, "propose", options={"item": "remains"})
    assert no_form.response.type == 4  # told at once, not after typing into a form
    assert "during caucus and plenary phases" in final_text(no_form)
    rounds.kind = "caucus"
    form = await h.slash(dprk, "propose", options={"item": "sanctions-relief"})
    assert form.response.type == 9
    tabled = await h.slash(us, "propose", options={"item": "remains", "text": "Return remains."})
    assert "Proposal **1** is tabled" in final_text(tabled)

    parley.dispatch("parley_phase_started", c.sid, 4, "final_statements")  # not the vote
    await h.settle()
    assert ballots(h, w.plenary) == {}
    rounds.kind = "vote"
    parley.dispatch("parley_phase_started", c.sid, 5, "vote")
    await h.settle()
    ballot = ballots(h, w.plenary)
    too_late = await h.submit_modal(dprk, form, {"text": "Yongbyon, typed slowly."})
    assert "Voting has opened" in final_text(too_late)
    assert ">>> Yongbyon, typed slowly." in final_text(too_late)  # nothing typed is lost
    await h.click(us, ballot[1], f"parley:vote:{c.sid}:1:yes")
    await h.click(dprk, ballot[1], f"parley:vote:{c.sid}:1:yes")
    parley.dispatch("parley_phase_ended", c.sid, 5, "vote")
    await h.settle()
    state = await parley.negotiation.state(c.sid)
    assert state.round is not None and not state.round.vote.is_open
    assert state.outcome is not None and state.outcome.adopted == (1,)

    await h.slash(w.facilitator, "debrief")
    grade = await h.slash(w.facilitator, "session gradebook")
    rows = {int(r["user_id"]): r for r in gradebook_rows(grade.messages[-1].files[0].data)}
    assert rows[us.id]["floor_seconds"] == "62"  # 61.5 s rounds half up
    assert rows[dprk.id]["floor_seconds"] == "29"
    assert rows[c.one("japan").id]["floor_seconds"] == "0"


async def test_buttons_forms_and_the_debrief_survive_a_restart(make_parley: ParleyFactory) -> None:
    h = await make_parley(students=6)
    w = h.world
    c = await seated_class(h)
    sid = c.sid
    await h.slash(c.one("rok"), "propose", options={"item": "end-of-war", "text": "End the war."})
    form = await h.slash(c.one("dprk"), "propose", options={"item": "remains"})
    card = cards(h, w.plenary)[1]

    h2 = await make_parley(students=None, restart_of=h)
    backed = await h2.click(c.one("china"), card, f"parley:proposal:{sid}:1:support")
    assert "China now supports proposal 1" in final_text(backed)
    submitted = await h2.submit_modal(c.one("dprk"), form, {"text": "Return all remains."})
    assert "Proposal **2** is tabled" in final_text(submitted)
    await h2.slash(w.facilitator, "vote open")
    ballot = ballots(h2, w.plenary)

    h3 = await make_parley(students=None, restart_of=h2)
    for actor in ACTORS:
        voted = await h3.click(c.one(actor), ballot[1], f"parley:vote:{sid}:1:yes")
        assert "Recorded" in final_text(voted)
    await h3.slash(w.facilitator, "vote close")
    await h3.slash(w.facilitator, "debrief")
    first = debrief_message(h3)

    h4 = await make_parley(students=None, restart_of=h3)
    turned = await h4.click(w.facilitator, first, f"parley:debrief:{sid}:0:next")
    assert turned.response.type == 7
    assert embeds_of(h4, first)[0]["title"].startswith("What happened in history")
    state = await parley_of(h4).negotiation.state(sid)
    assert state.outcome is not None and state.outcome.adopted == (1,)


async def test_ending_the_session_closes_an_open_vote_and_the_debrief_still_runs(
    make_parley: ParleyFactory,
) -> None:
    h = await make_parley(students=6)
    w, parley = h.world, parley_of(h)
    c = await seated_class(h)
    await h.slash(c.one("us"), "propose", options={"item": "remains", "text": "Return remains."})
    await h.slash(w.facilitator, "vote open")
    await h.click(c.one("us"), ballots(h, w.plenary)[1], f"parley:vote:{c.sid}:1:yes")
    await h.slash(w.facilitator, "session end")
    state = await parley.negotiation.state(c.sid)
    assert state.round is not None and not state.round.vote.is_open
    assert state.round.outcome is not None and state.round.outcome["headline"] == "no agreement"
    announced = [
        m
        for m in h.sent_messages(w.plenary)
        if m.embed and m.embed["title"] == "The vote: no agreement"
    ]
    assert len(announced) == 1
    debrief = await h.slash(w.facilitator, "debrief", options={"session": c.sid})
    assert "The debrief is posted" in final_text(debrief)
    assert debrief_message(h).embed["description"].startswith("**No agreement.**")


async def test_an_empty_table_a_debrief_without_a_vote_and_a_still_open_vote(
    make_parley: ParleyFactory,
) -> None:
    h = await make_parley(students=6)
    w, parley = h.world, parley_of(h)
    c = await seated_class(h)
    refused = await h.slash(w.facilitator, "vote open")
    assert "nothing to vote on" in final_text(refused)
    early = await h.slash(w.facilitator, "debrief")
    assert "No vote was held" in final_text(early)
    first = debrief_message(h)
    assert first.embed["description"].startswith("**No vote was held**")

    await h.slash(c.one("rok"), "propose", options={"item": "end-of-war", "text": "End the war."})
    parley.dispatch("parley_phase_started", c.sid, 5, "vote")
    await h.settle()
    ballot = ballots(h, w.plenary)
    for actor in ("us", "dprk"):
        await h.click(c.one(actor), ballot[1], f"parley:vote:{c.sid}:1:yes")
    again = await h.slash(w.facilitator, "debrief")
    assert "The vote was still open: Parley closed it" in final_text(again)
    assert any(
        m.embed and m.embed["title"] == "The vote: agreement" for m in h.sent_messages(w.plenary)
    )


async def test_students_cannot_run_the_vote_the_debrief_or_the_gradebook(
    make_parley: ParleyFactory,
) -> None:
    h = await make_parley(students=6)
    c = await seated_class(h)
    student = c.one("japan")
    options: dict[str, Any]
    for command, options in [
        ("vote open", {}),
        ("vote close", {}),
        ("vote status", {}),
        ("debrief", {}),
        ("session gradebook", {}),
    ]:
        result = await h.slash(student, command, options=options)
        assert result.response.ephemeral
        assert "Only facilitators" in final_text(result), command
    outsider = await h.slash(h.world.facilitator, "propose", options={"item": "remains"})
    assert "You need a delegation" in final_text(outsider)
    await h.slash(c.one("us"), "propose", options={"item": "remains", "text": "Return remains."})
    card = cards(h, h.world.plenary)[1]
    foreign = await h.click(student, card, f"parley:proposal:{c.sid}:1:replace")
    assert "Only the sponsor can replace proposal 1" in final_text(foreign)
    mistyped = await h.slash(c.one("us"), "propose", options={"item": "peace", "text": "Peace."})
    assert "is not an agenda item" in final_text(mistyped)


async def test_without_manage_threads_parley_says_so_and_opens_nothing(
    make_parley: ParleyFactory,
) -> None:
    h = await make_parley(students=6)
    w = h.world
    c = await seated_class(h)
    h.set_overwrite(w.plenary, h.bot_role(w.guild), deny=discord.Permissions(manage_threads=True))
    await h.settle()
    before = {t: set(h.store.thread_members[t]) for t in c.threads.values()}
    debrief = await h.slash(w.facilitator, "debrief")
    assert "Parley needs **Manage Threads**" in final_text(debrief)
    archive = await h.click(w.facilitator, debrief, f"parley:debrief:{c.sid}:archive")
    assert "Parley needs **Manage Threads**" in final_text(archive)
    assert {t: set(h.store.thread_members[t]) for t in c.threads.values()} == before


async def test_a_full_table_fits_discords_limits_everywhere(make_parley: ParleyFactory) -> None:
    """Thirty students with long names, 25 proposals of 600 characters full of mentions."""
    h = await make_parley(students=None, start=False)
    w = classroom(h, students=0)
    for i in range(30):
        w.students.append(h.add_member(w.guild, f"Ωmega student with a long name {i:02d}"[:32]))
    await h.start()
    c = await seated_class(h)
    sid = c.sid
    parley = parley_of(h)
    items = ["end-of-war", "liaison-office", "sanctions-relief", "remains"]
    filler = "@everyone <@&123456789012345678> “Quoted” **bold** clause text " * 20
    number = 0
    for round_ in range(5):
        for a, actor in enumerate(ACTORS):
            if number == 25:
                break
            text = f"{number} {filler}"[:600]
            member = c.members[actor][round_ % len(c.members[actor])]
            item = items[(a + round_) % 4]
            result = await h.slash(member, "propose", options={"item": item, "text": text})
            await settle_until_answered(h, [result])  # a loaded machine may answer late
            assert "is tabled" in final_text(result), final_text(result)
            number += 1
    for i, student in enumerate(w.students):
        channel = c.threads[next(a for a in ACTORS if student in c.members[a])]
        await h.send_message(channel, student, f"{i} " + "a long argument about sanctions " * 60)
    parley.dispatch("parley_phase_started", sid, 5, "vote")
    await h.settle()
    # 25 ballots go out in the background: on a loaded machine, after the quiet period
    await wait_until(lambda: len(ballots(h, w.plenary)) == 25, limit=60)
    await h.settle()
    ballot = ballots(h, w.plenary)
    assert len(ballot) == 25
    for n, message in ballot.items():
        for actor in ACTORS:
            choice = "yes" if actor != "us" or n % 2 else "no"
            await h.click(c.members[actor][0], message, f"parley:vote:{sid}:{n}:{choice}")
    parley.dispatch("parley_phase_ended", sid, 5, "vote")
    await h.settle()
    await h.slash(w.facilitator, "debrief")
    first = debrief_message(h)
    total = int(first.embed["footer"]["text"].rsplit(" of ", 1)[1])
    for index in range(total):
        shown = (
            await h.click(w.facilitator, first, f"parley:debrief:{sid}:{index}:next", settle=True)
            if index < total - 1
            else None
        )
        assert_embed_fits(embeds_of(h, first)[0])
        assert shown is None or shown.response.type == 7
    status = await h.slash(w.facilitator, "vote status")
    assert_embed_fits(status.response.embed)
    for message in [*h.sent_messages(), *h.edits()]:
        if message.embeds:
            assert_message_fits(message.embeds)
        assert len(message.content or "") <= 2000
        if message.channel_id == w.plenary.id or message.channel_id in c.threads.values():
            assert message.pings.none or "Welcome" in (message.content or "")
    grade = await h.slash(w.facilitator, "session gradebook")
    assert len(gradebook_rows(grade.messages[-1].files[0].data)) == 30


async def test_the_facilitator_panel_runs_the_vote_and_the_debrief(
    make_parley: ParleyFactory,
) -> None:
    h = await make_parley(students=6)
    w = h.world
    c = await seated_class(h)
    panel = c.started.panel
    for key in ("vote-open", "vote-close", "debrief"):
        assert f"parley:session:{c.sid}:panel:{key}" in panel.custom_ids
    empty = await h.click(w.facilitator, panel, f"parley:session:{c.sid}:panel:vote-open")
    assert "nothing to vote on" in final_text(empty)
    await h.slash(c.one("us"), "propose", options={"item": "remains", "text": "Return remains."})
    opened = await h.click(w.facilitator, panel, f"parley:session:{c.sid}:panel:vote-open")
    assert "The vote is open on 1 proposal" in final_text(opened)
    for actor in ("us", "dprk"):
        await h.click(c.one(actor), ballots(h, w.plenary)[1], f"parley:vote:{c.sid}:1:yes")
    closed = await h.click(w.facilitator, panel, f"parley:session:{c.sid}:panel:vote-close")
    assert "**agreement**" in final_text(closed)
    debriefed = await h.click(w.facilitator, panel, f"parley:session:{c.sid}:panel:debrief")
    assert "The debrief is posted" in final_text(debriefed)


async def test_ballots_that_could_not_be_posted_are_posted_once_on_the_next_try(
    make_parley: ParleyFactory,
) -> None:
    h = await make_parley(students=6)
    w, parley = h.world, parley_of(h)
    c = await seated_class(h)
    for actor, item in (("us", "remains"), ("dprk", "sanctions-relief")):
        await h.slash(c.one(actor), "propose", options={"item": item, "text": f"{actor} text"})
    h.api.fail("POST", "/channels/*/messages", status=500, code=0, message="Server Error")
    parley.dispatch("parley_phase_started", c.sid, 5, "vote")
    await h.settle()
    assert ballots(h, w.plenary) == {}
    state = await parley.negotiation.state(c.sid)
    assert state.vote_open  # the vote is open in the record even though Discord failed
    again = await h.slash(w.facilitator, "vote open")
    assert "The vote is open on 2 proposals" in final_text(again)
    parley.dispatch("parley_phase_started", c.sid, 5, "vote")
    await h.settle()
    assert sorted(ballots(h, w.plenary)) == [1, 2]
    posted = [
        m
        for m in h.sent_messages(w.plenary)
        if (m.embed or {}).get("title", "").startswith("Ballot")
    ]
    assert len(posted) == 2
