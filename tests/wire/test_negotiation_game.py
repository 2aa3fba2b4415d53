"""The negotiation game on the wire: packages built with select menus, private worth, the vote
with an option's own rule, and a debrief that scores the deal and attaches the chart.

The test pack is tests/content/fixtures/game: Alpha and Beta decide; Gamma may not vote no on
"lift the ban before winter". Hand calculation (points per option; left out = 0):

| actor | dam shut | half | full | ban before winter | after winter | no deal |
|-------|---------:|-----:|-----:|------------------:|-------------:|--------:|
| Alpha |      -20 |   20 |   40 |               -10 |            5 |      10 |
| Beta  |        0 |   -5 |  -20 |                35 |           20 |      10 |
| Gamma |        0 |    0 |    0 |               -10 |            5 |       0 |

{dam halfway, ban after winter}: Alpha 20 + 5 = 25 > 10, Beta -5 + 20 = 15 > 10, Gamma 0 + 5 =
5 > 0: everyone beats no deal. {dam fully, ban before winter}: Alpha 40 - 10 = 30, Beta -20 + 35
= 15, Gamma -10 < 0, and Gamma may veto it. Packages: (3 + 1) × (2 + 1) - 1 = 11. Zone (every
party that could block gains): only {halfway, after winter} = 1. Efficient for Alpha + Beta
(points): (45, 0), (30, 15), (10, 30), (-10, 35) = 4. Joint gain ranks: {full, winter} 25 (1st,
shared with {full, later}), {half, later} 20 (3rd).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

import bot.services.debrief as debrief_service
from bot.content.loader import load_scenario, load_scenarios
from bot.content.models import Scenario
from bot.domain.deal_space import ChartData, Marker
from bot.reports.deal_chart import render_chart
from tests.harness import WireHarness
from tests.harness.store import MemberRef
from tests.parley_fixtures import ParleyFactory
from tests.wire.negotiation_kit import (
    assert_embed_fits,
    ballots,
    cards,
    embeds_of,
    fields,
    final_text,
    gradebook_rows,
)
from tests.wire.sessions_kit import (
    bot,
    click_all,
    join_id,
    settle_until_answered,
    start_session,
)

FIXTURES = Path(__file__).parents[1] / "content" / "fixtures"
ACTORS = ["alpha", "beta", "gamma"]
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="session")
def scenarios() -> Mapping[str, Scenario]:
    """The shipped packs plus the game test packs (what make_parley hands the bot)."""
    packs = dict(load_scenarios())
    for name in ("game", "binary-game", "minimal"):
        packs[name] = load_scenario(FIXTURES / name)
    packs["wide"] = wide(packs["game"])
    return packs


def wide(game: Scenario) -> Scenario:
    """The game pack with five agenda items (the two, then copies): the builder needs two pages."""
    copies = [("dam", "dam-b"), ("fishing", "fishing-b"), ("dam", "dam-c")]
    agenda = list(game.agenda) + [
        game.agenda_item(src).model_copy(update={"id": new, "title": f"{new} item"})
        for src, new in copies
    ]
    schedules = {
        actor: schedule.model_copy(
            update={
                "items": {
                    **schedule.items,
                    **{new: schedule.items[src] for src, new in copies},
                }
            }
        )
        for actor, schedule in game.schedules.items()
    }
    return game.model_copy(update={"id": "wide", "agenda": agenda, "schedules": schedules})


async def seat(h: WireHarness, scenario: str) -> tuple[int, dict[str, MemberRef]]:
    """Three students join and are dealt one delegation each."""
    w = h.world
    started = await start_session(h, scenario)
    await click_all(h, w.students, started.card, join_id(started.session_id))
    dealt = await h.slash(
        w.facilitator, "session assignment", options={"mode": "random", "seed": 3}
    )
    assert dealt.responded
    by_id = {s.id: s for s in w.students}
    members = {}
    for person in await bot(h).sessions.participants(started.session_id):
        assert person.actor_id is not None
        members[person.actor_id] = by_id[person.user_id]
    assert sorted(members) == ACTORS
    return started.session_id, members


def component_ids(message: dict[str, Any]) -> list[str]:
    ids = []
    for row in message.get("components") or []:
        for component in row.get("components") or []:
            if "custom_id" in component:
                ids.append(component["custom_id"])
    return ids


async def build_package(
    h: WireHarness, user: MemberRef, sid: int, picks: list[tuple[int, str]]
) -> tuple[Any, dict[str, Any]]:
    """`/propose`, pick each (item position, option) in the selects, press Review; returns the
    builder message and the review embed."""
    opened = await h.slash(user, "propose")
    assert opened.response.ephemeral
    builder = h.message(opened)
    ids = component_ids(builder)
    assert ids[:2] == [f"parley:pkg:{sid}:0:0:00:0", f"parley:pkg:{sid}:0:0:00:1"]
    assert len(builder["components"]) <= 5
    draft = "00"
    for position, option in picks:
        picked = await h.select(user, opened, f"parley:pkg:{sid}:0:0:{draft}:{position}", [option])
        assert picked.response.type == 7  # the builder itself changes
        draft = component_ids(h.message(opened))[0].split(":")[5]
    review = await h.click(user, opened, f"parley:pkg:{sid}:0:0:{draft}:review")
    assert review.response.type == 7
    return opened, h.message(opened)["embeds"][0]


def spy_on_chart(monkeypatch: pytest.MonkeyPatch) -> list[ChartData]:
    """Record the data the debrief hands to the plotting code (the real chart is still drawn)."""
    seen: list[ChartData] = []
    real = render_chart

    def render(data: ChartData) -> bytes:
        seen.append(data)
        return real(data)

    monkeypatch.setattr(debrief_service, "render_chart", render)
    return seen


def chart_message(h: WireHarness) -> Any:
    found = [
        m
        for m in h.sent_messages(h.world.plenary, include_interactions=False)
        if any(f.filename == "deal-chart.png" for f in m.files)
    ]
    assert len(found) == 1
    return found[0]


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG and data[12:16] == b"IHDR"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


async def debrief_pages(h: WireHarness, sid: int) -> list[dict[str, Any]]:
    w = h.world
    done = await h.slash(w.facilitator, "debrief")
    # the chart is drawn in a worker thread: settle until the answer is there
    await settle_until_answered(h, [done])
    assert "The debrief is posted" in final_text(done)
    first = next(
        m
        for m in h.sent_messages(w.plenary, include_interactions=False)
        if m.embed and "Debrief · session" in m.embed.get("footer", {}).get("text", "")
    )
    pages = [embeds_of(h, first)[0]]
    while True:
        total = int(pages[-1]["footer"]["text"].rsplit(" of ", 1)[1])
        if len(pages) >= total:
            return pages
        await h.click(w.facilitator, first, f"parley:debrief:{sid}:{len(pages) - 1}:next")
        pages.append(embeds_of(h, first)[0])


def page_text(pages: list[dict[str, Any]], title: str) -> str:
    page = next(p for p in pages if p["title"].startswith(title))
    return "\n".join(
        [
            page.get("description") or "",
            *(f"{f['name']}\n{f['value']}" for f in page.get("fields", [])),
        ]
    )


async def test_a_class_reaches_a_package_deal(
    make_parley: ParleyFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = await make_parley(students=3)
    w = h.world
    charts = spy_on_chart(monkeypatch)
    sid, m = await seat(h, "game")

    # Your priorities: in the brief from the start, own numbers only
    brief = await h.slash(m["beta"], "brief")
    assert brief.response.ephemeral
    jump = "parley:brief:game:beta:jump"
    menu = next(
        c
        for row in h.message(brief)["components"]
        for c in row["components"]
        if c.get("custom_id") == jump
    )
    index = next(o["value"] for o in menu["options"] if o["label"].endswith("Your priorities"))
    shown = (await h.select(m["beta"], brief, jump, [index])).response.embed
    assert shown["title"].endswith("Your priorities")
    assert "**No deal is worth 10** to you" in shown["description"]
    priorities = fields(shown)
    assert "**−20** Open the dam fully" in priorities["Open the dam"]
    assert "**+35** Lift the ban before winter" in priorities["Lift the fishing ban"]
    assert "+40" not in priorities["Open the dam"]  # Alpha's number, not Beta's

    # An empty package cannot be tabled: Review says so and the button is disabled
    empty = await h.slash(m["beta"], "propose")
    await h.click(m["beta"], empty, f"parley:pkg:{sid}:0:0:00:review")
    shown = h.message(empty)
    assert "at least one item" in shown["embeds"][0]["footer"]["text"]
    table_button = next(
        c
        for row in shown["components"]
        for c in row["components"]
        if c.get("custom_id") == f"parley:pkg:{sid}:0:0:00:table"
    )
    assert table_button["disabled"] is True

    # Beta builds {dam fully, ban before winter}; the review shows its own worth privately
    builder1, review = await build_package(h, m["beta"], sid, [(0, "full"), (1, "winter")])
    assert review["title"] == "Table this package?"
    assert review["description"].splitlines() == [
        "✅ **Open the dam**: Open the dam fully",
        "✅ **Lift the fishing ban**: Lift the ban before winter",
    ]
    review_fields = fields(review)
    assert "no vote against from Gamma" in review_fields["How it is decided"]
    worth = review_fields["What it is worth to your delegation (only you see this)"]
    assert "**15 points**, 5 more than no deal (10): it beats no deal." in worth
    table1 = await h.click(m["beta"], builder1, f"parley:pkg:{sid}:0:0:31:table")
    assert "Package **1** is tabled" in final_text(table1)

    # Alpha builds {dam halfway, ban after winter}
    builder, review = await build_package(h, m["alpha"], sid, [(0, "half"), (1, "later")])
    assert (
        "**25 points**, 15 more than no deal (10)"
        in fields(review)["What it is worth to your delegation (only you see this)"]
    )
    table2 = await h.click(m["alpha"], builder, f"parley:pkg:{sid}:0:0:22:table")
    assert "Package **2** is tabled" in final_text(table2)

    posted = cards(h, w.plenary)
    assert sorted(posted) == [1, 2]
    card1 = embeds_of(h, posted[1])[0]
    assert_embed_fits(card1)
    assert card1["title"] == "Proposal 1 · Package"
    assert "no vote against from Gamma" in fields(card1)["How it is decided"]
    assert f"parley:proposal:{sid}:1:worth" in component_ids(h.message(posted[1]))
    assert f"parley:proposal:{sid}:1:amend" in component_ids(h.message(posted[1]))

    # What is it worth to us? — each delegation privately, by button and by command
    asked = await h.click(m["gamma"], posted[1], f"parley:proposal:{sid}:1:worth")
    assert asked.response.ephemeral
    text = asked.response.embed["description"]
    assert "**-10 points**, no better than no deal (0): it does not beat no deal." in text
    by_command = await h.slash(m["alpha"], "worth", options={"proposal": 2})
    assert by_command.response.ephemeral
    assert (
        "**25 points**, 15 more than no deal (10): it beats no deal."
        in (by_command.response.embed["description"])
    )
    assert "+20 · Open the dam: Open the dam halfway" in by_command.response.embed["description"]

    # The vote: #1 vetoed by Gamma (its own rule), #2 passes
    opened_vote = await h.slash(w.facilitator, "vote open")
    assert "The vote is open on 2 proposals" in final_text(opened_vote)
    late = await h.slash(m["gamma"], "propose")
    assert "Voting has opened" in final_text(late) and late.response.ephemeral
    ballot = ballots(h, w.plenary)
    assert "no vote against from Gamma" in fields(embeds_of(h, ballot[1])[0])["How it is decided"]
    for actor, number, choice in [
        ("alpha", 1, "yes"),
        ("beta", 1, "yes"),
        ("gamma", 1, "no"),
        ("alpha", 2, "yes"),
        ("beta", 2, "yes"),
        ("gamma", 2, "yes"),
    ]:
        await h.click(m[actor], ballot[number], f"parley:vote:{sid}:{number}:{choice}")
    closed = await h.slash(w.facilitator, "vote close")
    assert "**agreement**" in final_text(closed)

    pages = await debrief_pages(h, sid)
    for p in pages:
        assert_embed_fits(p)
    score = page_text(pages, "The score of the deal")
    assert "The class adopted package #2" in score
    assert "✅ **🅰️ Alpha**: 25 points, no deal 10 (+15) — beat no deal" in score
    assert "✅ **🅱️ Beta**: 15 points, no deal 10 (+5) — beat no deal" in score
    assert "✅ **🌀 Gamma**: 5 points, no deal 0 (+5) — beat no deal" in score
    possible = page_text(pages, "What was possible")
    assert "**11** possible packages" in possible
    assert "**1** were better than no deal for every delegation" in possible
    assert "**4** were efficient for Alpha and Beta" in possible
    assert "**Your outcome**: inside the zone, not efficient, rank 3 of 11" in possible
    assert "**#1** (Beta): outside the zone, efficient, rank 1 of 11" in possible
    assert "**History** (no agreement): at the no-deal point" in possible

    # the chart: the data handed to plotting is the hand calculation; the PNG opens
    [data] = charts
    assert (data.x_label, data.y_label) == ("Alpha points", "Beta points")
    assert data.no_deal == (10, 10)
    assert data.zone == ((25, 15),)
    assert data.frontier == ((-10, 35), (10, 30), (30, 15), (45, 0))
    assert data.proposals == (Marker("#1", 30, 15), Marker("#2", 25, 15))
    assert data.outcome == Marker("Outcome", 25, 15)
    assert len(data.packages) == 11
    picture = chart_message(h)
    assert picture.allows_no_mentions
    assert png_size(picture.file("deal-chart.png").data) == (900, 900)

    grade = await h.slash(w.facilitator, "session gradebook")
    [attachment] = grade.messages[-1].files
    rows = {r["actor"]: r for r in gradebook_rows(attachment.data)}
    assert {a: (r["points"], r["no_deal"], r["beat_no_deal"]) for a, r in rows.items()} == {
        "Alpha": ("25", "10", "yes"),
        "Beta": ("15", "10", "yes"),
        "Gamma": ("5", "0", "yes"),
    }
    assert all(card.allows_no_mentions for card in posted.values())


async def test_a_class_that_reaches_no_deal_amends_and_walks_away(
    make_parley: ParleyFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Beta tables {dam fully}, amends it into {dam fully, ban before winter}; Gamma, which may
    veto lifting the ban before winter, votes no: no agreement, everyone at its no-deal value
    (Alpha 10, Beta 10, Gamma 0), and nobody beat it."""
    h = await make_parley(students=3)
    w = h.world
    charts = spy_on_chart(monkeypatch)
    sid, m = await seat(h, "game")

    builder, _ = await build_package(h, m["beta"], sid, [(0, "full")])
    first = await h.click(m["beta"], builder, f"parley:pkg:{sid}:0:0:30:table")
    assert "Package **1** is tabled" in final_text(first)
    card1 = cards(h, w.plenary)[1]
    await h.click(m["gamma"], card1, f"parley:proposal:{sid}:1:cosponsor")

    refused = await h.click(m["alpha"], card1, f"parley:proposal:{sid}:1:amend")
    assert "Only the sponsor can amend proposal 1" in final_text(refused)
    amend = await h.click(m["beta"], card1, f"parley:proposal:{sid}:1:amend")
    assert amend.response.ephemeral
    prefilled = h.message(amend)
    assert prefilled["embeds"][0]["title"] == "Amend proposal 1"
    assert component_ids(prefilled)[0] == f"parley:pkg:{sid}:1:0:30:0"  # the old package
    await h.select(m["beta"], amend, f"parley:pkg:{sid}:1:0:30:1", ["winter"])
    await h.click(m["beta"], amend, f"parley:pkg:{sid}:1:0:31:review")
    assert h.message(amend)["embeds"][0]["title"] == (
        "Table this as the new version of proposal 1?"
    )
    amended = await h.click(m["beta"], amend, f"parley:pkg:{sid}:1:0:31:table")
    assert "the new version is proposal **2**" in final_text(amended)
    old = embeds_of(h, card1)[0]
    assert old["footer"]["text"].startswith("Replaced by proposal 2")
    posted = cards(h, w.plenary)
    new = embeds_of(h, posted[2])[0]
    assert fields(new)["Amends"] == "proposal 1"
    assert fields(new)["Co-sponsors"] == "—"  # Gamma signed the old version
    state = await bot(h).negotiation.state(sid)
    assert [(p.number, p.status, p.package) for p in state.book.proposals] == [
        (1, "replaced", (("dam", "full"),)),
        (2, "tabled", (("dam", "full"), ("fishing", "winter"))),
    ]
    assert state.book.proposal(1).co_sponsors == ("gamma",)

    await h.slash(w.facilitator, "vote open")
    ballot = ballots(h, w.plenary)
    assert sorted(ballot) == [2]
    for actor, choice in [("alpha", "yes"), ("beta", "yes"), ("gamma", "no")]:
        await h.click(m[actor], ballot[2], f"parley:vote:{sid}:2:{choice}")
    closed = await h.slash(w.facilitator, "vote close")
    assert "**no agreement**" in final_text(closed)
    announced = "\n".join(
        f["value"]
        for msg in h.sent_messages(w.plenary, include_interactions=False)
        for e in msg.embeds
        for f in e.get("fields", [])
    )
    assert "Gamma voted no on an option it may veto, so it cannot pass." in announced

    pages = await debrief_pages(h, sid)
    score = page_text(pages, "The score of the deal")
    assert "No package was adopted: **no agreement**" in score
    assert "❌ **🅰️ Alpha**: 10 points, no deal 10 (0) — did not beat no deal" in score
    assert "❌ **🅱️ Beta**: 10 points, no deal 10 (0) — did not beat no deal" in score
    assert "❌ **🌀 Gamma**: 0 points, no deal 0 (0) — did not beat no deal" in score
    reveal_gamma = page_text(pages, "The reveal — 🌀 Gamma")
    assert "#1 (replaced) worth 0 (does not beat no deal 0): backed" in reveal_gamma
    assert "#2 worth -10 (does not beat no deal 0): voted No" in reveal_gamma
    assert "**+5** Lift the ban after winter" not in reveal_gamma  # priorities shown compactly
    assert "Lift the ban before winter −10" in reveal_gamma
    reveal_alpha = page_text(pages, "The reveal — 🅰️ Alpha")
    assert "#2 worth 30 (beats no deal 10): voted Yes" in reveal_alpha
    possible = page_text(pages, "What was possible")
    assert "**Your outcome**: at the no-deal point" in possible
    assert "**#2** (Beta): outside the zone, efficient, rank 1 of 11" in possible
    [data] = charts
    assert data.outcome == Marker("No agreement", 10, 10)
    assert data.proposals == (Marker("#2", 30, 15),)
    assert png_size(chart_message(h).file("deal-chart.png").data) == (900, 900)

    grade = await h.slash(w.facilitator, "session gradebook")
    [attachment] = grade.messages[-1].files
    rows = {r["actor"]: r for r in gradebook_rows(attachment.data)}
    assert {a: (r["points"], r["no_deal"], r["beat_no_deal"]) for a, r in rows.items()} == {
        "Alpha": ("10", "10", "no"),
        "Beta": ("10", "10", "no"),
        "Gamma": ("0", "0", "no"),
    }


async def test_binary_items_play_as_adopt_or_leave_out(
    make_parley: ParleyFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """binary-game: no options, so each select is Adopt it / Leave it out. Alpha: dam 30,
    fishing -10, no deal 5; Beta: dam -5, fishing 25, no deal 5: {dam, fishing} gives 20 / 20,
    the one package of the zone (of 3)."""
    h = await make_parley(students=3)
    w = h.world
    charts = spy_on_chart(monkeypatch)
    sid, m = await seat(h, "binary-game")
    typed = await h.slash(m["beta"], "propose", options={"text": "Lift the ban."})
    assert "a proposal is a package" in final_text(typed)
    assert "Lift the ban." in final_text(typed)  # nothing typed is lost
    opened = await h.slash(m["alpha"], "propose")
    menu = next(
        c
        for row in h.message(opened)["components"]
        for c in row["components"]
        if c.get("custom_id") == f"parley:pkg:{sid}:0:0:00:0"
    )
    assert [o["label"] for o in menu["options"]] == ["Adopt it", "Leave it out"]
    builder, review = await build_package(h, m["alpha"], sid, [(0, "adopt"), (1, "adopt")])
    assert (
        "**20 points**, 15 more than no deal (5)"
        in fields(review)["What it is worth to your delegation (only you see this)"]
    )
    tabled = await h.click(m["alpha"], builder, f"parley:pkg:{sid}:0:0:11:table")
    assert "Package **1** is tabled" in final_text(tabled)
    await h.slash(w.facilitator, "vote open")
    ballot = ballots(h, w.plenary)
    for actor in ("alpha", "beta"):
        await h.click(m[actor], ballot[1], f"parley:vote:{sid}:1:yes")
    await h.slash(w.facilitator, "vote close")
    pages = await debrief_pages(h, sid)
    outcome = page_text(pages, "The outcome beside history")
    assert "Your class: ✅ **adopted**\n• #1 (Alpha): adopted" in outcome
    score = page_text(pages, "The score of the deal")
    assert "✅ **🅰️ Alpha**: 20 points, no deal 5 (+15) — beat no deal" in score
    assert "✅ **🅱️ Beta**: 20 points, no deal 5 (+15) — beat no deal" in score
    possible = page_text(pages, "What was possible")
    assert "**3** possible packages" in possible and "**1** were better" in possible
    [data] = charts
    assert data.outcome == Marker("Outcome", 20, 20)


async def test_a_pack_without_schedules_plays_as_before(make_parley: ParleyFactory) -> None:
    """The minimal pack (adopt / not adopt, no schedules): a typed clause, the vote, the old
    scorecard, no chart, empty game columns in the gradebook."""
    h = await make_parley(students=3)
    w = h.world
    sid, m = await seat(h, "minimal")
    no_item = await h.slash(m["alpha"], "propose")
    assert "Pick the agenda item" in final_text(no_item)
    tabled = await h.slash(
        m["alpha"], "propose", options={"item": "dam", "text": "Open the dam in spring."}
    )
    assert "Proposal **1** is tabled" in final_text(tabled)
    card = embeds_of(h, cards(h, w.plenary)[1])[0]
    assert card["title"] == "Proposal 1 · Open the dam"
    assert "How it is decided" not in fields(card)
    worth = await h.slash(m["alpha"], "worth", options={"proposal": 1})
    assert "no options to combine" in final_text(worth)
    await h.slash(w.facilitator, "vote open")
    ballot = ballots(h, w.plenary)
    for actor in ("alpha", "beta"):
        await h.click(m[actor], ballot[1], f"parley:vote:{sid}:1:yes")
    await h.slash(w.facilitator, "vote close")
    pages = await debrief_pages(h, sid)
    titles = [p["title"] for p in pages]
    assert "Scorecards" in titles
    assert not any(t.startswith(("The score of the deal", "What was possible")) for t in titles)
    assert not [
        msg
        for msg in h.sent_messages(w.plenary, include_interactions=False)
        if any(f.filename == "deal-chart.png" for f in msg.files)
    ]
    grade = await h.slash(w.facilitator, "session gradebook")
    [attachment] = grade.messages[-1].files
    rows = gradebook_rows(attachment.data)
    assert [(r["points"], r["no_deal"], r["beat_no_deal"]) for r in rows] == [("", "", "")] * 3


async def test_more_than_four_items_page_through_the_builder(make_parley: ParleyFactory) -> None:
    """Five items: four menus and the button row on page 1 (Discord's five rows), one on page 2;
    the review lists all five. Alpha's worth: dam-c full 40 + fishing later 5 = 45 vs 10."""
    h = await make_parley(students=3)
    sid, m = await seat(h, "wide")
    opened = await h.slash(m["alpha"], "propose")
    first = h.message(opened)
    assert len(first["components"]) == 5
    assert component_ids(first) == [
        *(f"parley:pkg:{sid}:0:0:00000:{i}" for i in range(4)),
        f"parley:pkg:{sid}:0:0:00000:prev",
        f"parley:pkg:{sid}:0:0:00000:next",
        f"parley:pkg:{sid}:0:0:00000:review",
    ]
    await h.select(m["alpha"], opened, f"parley:pkg:{sid}:0:0:00000:1", ["later"])
    turned = await h.click(m["alpha"], opened, f"parley:pkg:{sid}:0:0:02000:next")
    assert turned.response.type == 7
    second = h.message(opened)
    assert "Page 2 of 2" in second["embeds"][0]["description"]
    assert component_ids(second)[0] == f"parley:pkg:{sid}:0:1:02000:4"
    await h.select(m["alpha"], opened, f"parley:pkg:{sid}:0:1:02000:4", ["full"])
    await h.click(m["alpha"], opened, f"parley:pkg:{sid}:0:1:02003:review")
    review = h.message(opened)["embeds"][0]
    assert len(review["description"].splitlines()) == 5
    assert (
        "**45 points**, 35 more than no deal (10)"
        in fields(review)["What it is worth to your delegation (only you see this)"]
    )
    tabled = await h.click(m["alpha"], opened, f"parley:pkg:{sid}:0:0:02003:table")
    assert "Package **1** is tabled" in final_text(tabled)


async def test_a_half_built_package_survives_a_restart(make_parley: ParleyFactory) -> None:
    """The draft lives in the components' custom ids: after a restart the same builder message
    goes on where it was, and the package card's worth button still answers."""
    h = await make_parley(students=3)
    sid, m = await seat(h, "game")
    opened = await h.slash(m["alpha"], "propose")
    await h.select(m["alpha"], opened, f"parley:pkg:{sid}:0:0:00:0", ["half"])
    h2 = await make_parley(restart_of=h)
    await h2.select(m["alpha"], opened, f"parley:pkg:{sid}:0:0:20:1", ["later"])
    await h2.click(m["alpha"], opened, f"parley:pkg:{sid}:0:0:22:review")
    assert h2.message(opened)["embeds"][0]["description"].splitlines() == [
        "✅ **Open the dam**: Open the dam halfway",
        "✅ **Lift the fishing ban**: Lift the ban after winter",
    ]
    tabled = await h2.click(m["alpha"], opened, f"parley:pkg:{sid}:0:0:22:table")
    assert "Package **1** is tabled" in final_text(tabled)
    card = cards(h2, h2.world.plenary)[1]
    asked = await h2.click(m["beta"], card, f"parley:proposal:{sid}:1:worth")
    assert "**15 points**, 5 more than no deal (10)" in asked.response.embed["description"]
