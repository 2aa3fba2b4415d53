"""Briefs in Discord: `/brief`, its pager, `/background` — and no brief text in public, ever."""

from __future__ import annotations

from collections.abc import Mapping

from bot.content.models import Scenario
from bot.domain.brief_pages import brief_pages, brief_texts
from tests.harness import WireHarness
from tests.harness.results import MessageOut
from tests.parley_fixtures import ParleyFactory
from tests.wire.sessions_kit import (
    HANOI_ACTORS,
    click_all,
    control_id,
    final_text,
    join_id,
    pick_all,
    service,
    start_session,
)


async def _deal(h: WireHarness, seed: int = 2019) -> int:
    started = await start_session(h)
    await click_all(h, h.world.students, started.card, join_id(started.session_id))
    await h.slash(
        h.world.facilitator, "session assignment", options={"mode": "random", "seed": seed}
    )
    return started.session_id


async def test_brief_is_private_paginated_and_in_the_actors_colours(
    make_parley: ParleyFactory, scenarios: Mapping[str, Scenario]
) -> None:
    h = await make_parley(students=6)
    w = h.world
    sid = await _deal(h)
    actor = await service(h).actor_of(sid, w.students[0].id)
    assert actor is not None
    hanoi = scenarios["hanoi-2019"]
    pages = brief_pages(hanoi, actor)

    opened = await h.slash(w.students[0], "brief")

    response = opened.response
    assert response.ephemeral
    embed = response.embed
    flag, name = hanoi.actor(actor).flag, hanoi.actor(actor).name
    assert embed["title"] == f"{flag} {name} · Overview"
    assert embed["color"] == hanoi.actor(actor).colour
    assert embed["footer"]["text"].endswith(f"page 1 of {len(pages)}")
    prefix = f"parley:brief:hanoi-2019:{actor}"
    assert response.custom_ids == [f"{prefix}:0:prev", f"{prefix}:0:next", f"{prefix}:jump"]
    prev = next(
        c
        for c in response.as_message().walk_components()
        if c.get("custom_id", "").endswith("prev")
    )
    assert prev.get("disabled") is True

    turned = await h.click(w.students[0], opened, f"{prefix}:0:next")
    assert turned.response.type_name == "message_update"
    assert turned.response.embed["title"] == f"{flag} {name} · Positions on the agenda"
    assert {f["name"] for f in turned.response.embed["fields"]} >= {
        "Sanctions relief",
    } | {f["name"] for f in turned.response.embed["fields"] if "article is silent" in f["name"]}

    evidence = next(i for i, p in enumerate(pages) if p.section == "evidence")
    jumped = await h.select(w.students[0], opened, f"{prefix}:jump", [str(evidence)])
    fields = jumped.response.embed["fields"]
    assert fields[0]["name"].startswith("¶") and fields[0]["value"].startswith("“")


async def test_a_student_cannot_open_another_delegations_brief(make_parley: ParleyFactory) -> None:
    h = await make_parley(students=6)
    w = h.world
    sid = await _deal(h)
    mine = await service(h).actor_of(sid, w.students[0].id)
    other = next(a for a in HANOI_ACTORS if a != mine)

    refused = await h.slash(w.students[0], "brief", options={"actor": other})
    own = await h.slash(w.students[0], "brief", options={"actor": mine or ""})

    assert refused.response.ephemeral
    assert refused.response.content.startswith("Only facilitators can open another delegation")
    assert refused.response.embeds == []
    assert own.response.embed is not None

    # a forged page turn on someone else's brief is refused too
    theirs = await h.slash(w.students[1], "brief")
    their_actor = await service(h).actor_of(sid, w.students[1].id)
    h.validate = False
    try:
        forged = await h.click(
            w.students[0], theirs, f"parley:brief:hanoi-2019:{their_actor}:0:next"
        )
    finally:
        h.validate = True
    assert "belongs to another delegation" in final_text(forged)
    assert forged.response.embeds == []


async def test_facilitators_open_any_brief_by_alias(parley: WireHarness) -> None:
    hanoi = {"scenario": "hanoi-2019"}
    result = await parley.slash(
        parley.world.facilitator, "brief", options={"actor": "tokyo", **hanoi}
    )
    assert result.response.ephemeral
    assert result.response.embed["title"] == "🇯🇵 Japan · Overview"
    ambiguous = await parley.slash(
        parley.world.facilitator, "brief", options={"actor": "korea", **hanoi}
    )
    assert "could be North Korea 🇰🇵 or South Korea 🇰🇷" in ambiguous.response.content


async def test_brief_outside_a_session_says_how_to_get_one(parley: WireHarness) -> None:
    result = await parley.slash(parley.world.students[0], "brief")
    assert result.response.ephemeral
    assert "press **Join** on the session card" in result.response.content


async def test_background_is_for_everyone_and_pages(parley: WireHarness) -> None:
    result = await parley.slash(
        parley.world.students[0], "background", options={"scenario": "hanoi-2019"}
    )
    assert result.response.ephemeral
    assert result.response.embed["title"] == "📰 Hanoi 2019"
    assert "At the table" in result.response.embed["description"]
    turned = await parley.click(parley.world.students[0], result, "parley:bg:hanoi-2019::0:next")
    assert turned.response.embed["title"].startswith("📰 The agenda")


async def test_background_without_a_scenario_asks_for_one_only_when_there_are_several(
    parley: WireHarness, scenarios: Mapping[str, Scenario]
) -> None:
    result = await parley.slash(parley.world.students[0], "background")
    assert result.response.ephemeral
    if len(scenarios) > 1:
        assert "Which scenario? Pick one in the `scenario` option." in final_text(result)
    else:
        only = next(iter(scenarios.values()))
        assert result.response.embed["title"] == f"📰 {only.title}"


# --- the hidden-information guarantee ---------------------------------------------------------


def _public_outputs(h: WireHarness) -> list[tuple[int | None, str]]:
    """(channel id, text) of everything Parley made visible to more than one person."""
    out: list[tuple[int | None, str]] = []
    for message_id, payload in h.store.messages.items():  # the server's record, as it is now
        if message_id in h.store.ephemeral_messages:
            continue
        if int(payload["author"]["id"]) != h.application_id:
            continue
        out.append((int(payload["channel_id"]), MessageOut(payload, via="store").text()))
    for m in [*h.sent_messages(include_interactions=False), *h.edits()]:  # every version
        out.append((m.channel_id, m.text()))
    for result in h.interactions:  # responses, follow-ups and edits that were not ephemeral
        channel = int(result.payload["channel_id"])
        for m in result.messages:
            target = m.message_id or result.source_message_id
            if m.ephemeral or (target is not None and target in h.store.ephemeral_messages):
                continue
            out.append((channel, m.text()))
    return out


def _rendered(scenario: Scenario, actor: str) -> str:
    pages = brief_pages(scenario, actor)
    return "\n".join(
        "\n".join([p.title, p.description, *(f"{f.name}\n{f.value}" for f in p.fields)])
        for p in pages
    )


def _ephemeral_outputs(h: WireHarness) -> list[tuple[int, str]]:
    out = []
    for result in h.interactions:
        user = int(result.payload["member"]["user"]["id"])
        for m in result.messages:
            target = m.message_id or result.source_message_id
            if m.ephemeral or (target is not None and target in h.store.ephemeral_messages):
                out.append((user, m.text()))
    return out


async def test_no_brief_text_ever_appears_in_a_public_message(
    make_parley: ParleyFactory, scenarios: Mapping[str, Scenario]
) -> None:
    hanoi = scenarios["hanoi-2019"]
    secrets = {actor: brief_texts(hanoi, actor) for actor in HANOI_ACTORS}
    h = await make_parley(students=14)
    w = h.world
    started = await start_session(h)
    sid = started.session_id
    # a whole class: joining, picking, dealing the rest, a latecomer, every way to a brief
    await click_all(h, w.students[:12], started.card, join_id(sid))
    await h.click(w.facilitator, started.panel, control_id(sid, "self-pick"))
    await pick_all(h, list(zip(w.students[:6], HANOI_ACTORS, strict=True)), started.card, sid)
    await h.click(w.facilitator, started.panel, control_id(sid, "place-rest"))
    await h.click(w.students[12], started.card, join_id(sid))
    await h.slash(w.students[13], "session join")
    for student in w.students:
        opened = await h.slash(student, "brief")
        actor = await service(h).actor_of(sid, student.id)
        await h.click(student, opened, f"parley:brief:hanoi-2019:{actor}:0:next")
        await h.click(student, started.card, f"parley:session:{sid}:mine")
    await h.slash(w.students[0], "background")
    await h.slash(w.students[0], "session status")
    await h.slash(w.facilitator, "brief", options={"actor": "pyongyang"})
    await h.click(w.facilitator, started.panel, control_id(sid, "roster"))
    await h.slash(w.facilitator, "assign", options={"student": w.students[0], "actor": "tokyo"})
    await h.slash(
        w.facilitator, "session swap", options={"first": w.students[1], "second": w.students[2]}
    )
    spaces = {
        c.channel_id: c.actor_id for c in await service(h).channels(sid) if c.kind == "delegation"
    }
    for space, actor in spaces.items():  # the copy in the thread opens as private pages
        button = f"parley:brief:hanoi-2019:{actor}:0:open"
        posted = next(
            m for m in h.history(space) if button in MessageOut(m, via="store").custom_ids
        )
        member = next(d for d in await service(h).delegations(sid) if d.actor_id == actor)
        opened = await h.click(member.member_ids[0], posted["id"], button)
        assert opened.response.ephemeral
    await h.slash(w.facilitator, "session end")

    # What a delegation's own brief shows may appear in its own space. That includes text that
    # is also in another brief: China's and Russia's share most claims (the article treats them
    # together), and a claim that is a bare quote can be another brief's evidence card.
    own_brief = {actor: _rendered(hanoi, actor) for actor in HANOI_ACTORS}
    leaks: list[tuple[int | None, str, str]] = []
    for channel, text in _public_outputs(h):
        allowed = spaces.get(channel) if channel is not None else None
        own = own_brief[allowed] if allowed else ""
        for actor, texts in secrets.items():
            leaks += [(channel, actor, t[:60]) for t in texts if t in text and t not in own]
    assert leaks == []

    # the test can see brief text where it belongs: else it would pass with briefs missing
    shown: dict[str, int] = {actor: 0 for actor in HANOI_ACTORS}
    for channel, text in _public_outputs(h):
        actor = spaces.get(channel) if channel is not None else None
        if actor is not None:
            shown[actor] += sum(t in text for t in secrets[actor])
    assert all(count > 0 for count in shown.values()), shown
    privately = [text for _, text in _ephemeral_outputs(h)]
    assert any(t in text for text in privately for t in secrets["japan"])
