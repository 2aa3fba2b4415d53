"""Handing out delegations through Discord: self-pick, random, manual, swap — and races."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.harness import WireHarness
from tests.parley_fixtures import ParleyFactory
from tests.wire.sessions_kit import (
    HANOI_ACTORS,
    card_fields,
    card_now,
    click_all,
    control_id,
    final_text,
    join_id,
    pick_all,
    service,
    start_session,
    thread_members,
)

CARD_NAMES = {
    "us": "🇺🇸 United States",
    "dprk": "🇰🇵 North Korea",
    "rok": "🇰🇷 South Korea",
    "japan": "🇯🇵 Japan",
    "china": "🇨🇳 China",
    "russia": "🇷🇺 Russia",
}


async def test_a_class_of_thirty_joins_and_self_picks(make_parley: ParleyFactory) -> None:
    h = await make_parley(students=30)
    w = h.world
    started = await start_session(h)
    sid = started.session_id
    await click_all(h, w.students, started.card, join_id(sid))

    opened = await h.click(w.facilitator, started.panel, control_id(sid, "self-pick"))
    assert "Picking is open" in final_text(opened)
    card = card_now(h, started)
    select = next(c for row in card["components"] for c in row["components"] if c["type"] == 3)
    assert select["custom_id"] == f"parley:session:{sid}:pick"
    assert [o["value"] for o in select["options"]] == HANOI_ACTORS
    assert all(o["description"] == "5 of 5 places left" for o in select["options"])

    picks = [(student, HANOI_ACTORS[i % 6]) for i, student in enumerate(w.students)]
    results = await pick_all(h, picks, started.card, sid)

    for (student, actor), result in zip(picks, results, strict=True):
        assert result.response.ephemeral
        assert f"You are **{CARD_NAMES[actor].split(' ', 1)[1]}" in final_text(result)
        assert await service(h).actor_of(sid, student.id) == actor
    fields = card_fields(h, started)
    assert all(fields[CARD_NAMES[a]] == "5 of 5 · full" for a in HANOI_ACTORS)
    assert fields["Class"] == "30 joined"
    for d in await service(h).delegations(sid):
        assert len(d.members) == 5
        assert d.space_channel_id is not None
        assert thread_members(h, d.space_channel_id) >= set(d.member_ids)
    # one thread per delegation, however many students picked it at once
    assert len(h.requests("POST", "/channels/{channel_id}/threads")) == 6


async def test_self_pick_is_capped_so_delegations_stay_balanced(make_parley: ParleyFactory) -> None:
    h = await make_parley(students=7)
    w = h.world
    started = await start_session(h)
    sid = started.session_id
    await click_all(h, w.students, started.card, join_id(sid))
    await h.slash(w.facilitator, "session assignment", options={"mode": "self-pick"})

    first = await h.select(w.students[0], started.card, f"parley:session:{sid}:pick", ["japan"])
    second = await h.select(w.students[1], started.card, f"parley:session:{sid}:pick", ["japan"])

    assert "You are **Japan" in final_text(first)
    assert "Japan is full (1 of 1 places)" in final_text(second)
    assert second.messages[-1].ephemeral
    # the United States takes the seventh student's extra place
    a = await h.select(w.students[1], started.card, f"parley:session:{sid}:pick", ["us"])
    b = await h.select(w.students[2], started.card, f"parley:session:{sid}:pick", ["us"])
    assert "United States" in final_text(a) and "United States" in final_text(b)
    placed = await h.click(w.facilitator, started.panel, control_id(sid, "place-rest"))
    assert "Seated 4 students" in final_text(placed)
    counts = Counter(p.actor_id for p in await service(h).participants(sid))
    assert counts == {"us": 2, "dprk": 1, "rok": 1, "japan": 1, "china": 1, "russia": 1}


@pytest.mark.parametrize(
    ("students", "played"),
    [
        (2, ["us", "dprk"]),
        (5, ["us", "dprk", "rok", "japan", "china"]),
        (6, HANOI_ACTORS),
        (7, HANOI_ACTORS),
        (60, HANOI_ACTORS),
    ],
)
async def test_random_assignment_is_balanced_and_reproducible(
    make_parley: ParleyFactory, students: int, played: list[str]
) -> None:
    h = await make_parley(students=students)
    w = h.world
    started = await start_session(h)
    sid = started.session_id
    await click_all(h, w.students, started.card, join_id(sid))

    dealt = await h.slash(
        w.facilitator, "session assignment", options={"mode": "random", "seed": 314159}
    )

    assert "seed **314159**" in final_text(dealt)
    participants = await service(h).participants(sid)
    counts = Counter(p.actor_id for p in participants)
    assert sorted(counts, key=str) == sorted(played)
    assert max(counts.values()) - min(counts.values()) <= 1
    assert sum(counts.values()) == students
    fields = card_fields(h, started)
    for actor in HANOI_ACTORS:
        if actor in played:
            assert fields[CARD_NAMES[actor]].startswith(f"{counts[actor]} of ")
        else:
            assert fields[CARD_NAMES[actor]] == "not played"
    statuses = {d.actor_id: d.status for d in await service(h).delegations(sid)}
    assert {a for a, s in statuses.items() if s == "absent"} == set(HANOI_ACTORS) - set(played)
    threads = h.requests("POST", "/channels/{channel_id}/threads")
    assert len(threads) == len(played)  # no thread for an absent delegation
    status = (await h.slash(w.students[0], "session status")).response
    assert status.ephemeral and f"{students} joined" in status.embed["description"]
    assert len(status.text()) <= 6000  # within Discord's embed total, even for 60 students

    # the same seed deals the same again
    before = {p.user_id: p.actor_id for p in participants}
    await h.slash(w.facilitator, "session assignment", options={"mode": "random", "seed": 314159})
    assert {p.user_id: p.actor_id for p in await service(h).participants(sid)} == before


async def test_a_facilitator_can_play_in_a_tiny_class(make_parley: ParleyFactory) -> None:
    h = await make_parley(students=1)
    w = h.world
    started = await start_session(h)
    sid = started.session_id
    await h.click(w.students[0], started.card, join_id(sid))

    too_few = await h.click(w.facilitator, started.panel, control_id(sid, "random"))
    assert "needs at least 2 players and 1 has joined" in final_text(too_few)
    assert "press Join yourself" in final_text(too_few)

    playing = await h.click(w.facilitator, started.card, join_id(sid))
    assert "you will play an actor too" in final_text(playing)
    await h.click(w.facilitator, started.panel, control_id(sid, "random"))
    actors = {p.user_id: p.actor_id for p in await service(h).participants(sid)}
    assert sorted(actors.values(), key=str) == ["dprk", "us"]
    teacher = next(p for p in await service(h).participants(sid) if p.user_id == w.facilitator.id)
    assert teacher.is_facilitator


@pytest.mark.parametrize(
    ("typed", "actor", "name"),
    [
        ("north korea", "dprk", "North Korea"),
        ("pyongyang", "dprk", "North Korea"),
        ("dprk", "dprk", "North Korea"),
        ("s korea", "rok", "South Korea"),
        ("tokyo", "japan", "Japan"),
        ("untied states", "us", "United States"),
    ],
)
async def test_manual_assignment_by_aliases(
    parley: WireHarness, typed: str, actor: str, name: str
) -> None:
    w = parley.world
    started = await start_session(parley)
    result = await parley.slash(
        w.facilitator, "assign", options={"student": w.students[0], "actor": typed}
    )
    assert f"student1 is now **{name}" in final_text(result)
    assert await service(parley).actor_of(started.session_id, w.students[0].id) == actor
    space = next(
        d.space_channel_id
        for d in await service(parley).delegations(started.session_id)
        if d.actor_id == actor
    )
    assert space is not None and w.students[0].id in thread_members(parley, space)


async def test_nonsense_gets_a_clear_error_and_ambiguity_a_choice(parley: WireHarness) -> None:
    w = parley.world
    started = await start_session(parley)
    sid = started.session_id

    nonsense = await parley.slash(
        w.facilitator, "assign", options={"student": w.students[0], "actor": "atlantis"}
    )
    text = final_text(nonsense)
    assert "“atlantis” is not an actor in Hanoi 2019" in text
    assert "United States 🇺🇸" in text and "Russia 🇷🇺" in text
    assert await service(parley).actor_of(sid, w.students[0].id) is None  # no silent guess

    ambiguous = await parley.slash(
        w.facilitator, "assign", options={"student": w.students[0], "actor": "korea"}
    )
    choice = ambiguous.messages[-1]
    assert "could be North Korea 🇰🇵 or South Korea 🇰🇷" in choice.text()
    assert await service(parley).actor_of(sid, w.students[0].id) is None
    user = w.students[0].id
    chosen = await parley.click(w.facilitator, choice, f"parley:session:{sid}:assign:{user}:rok")
    assert "is now **South Korea" in final_text(chosen)
    assert await service(parley).actor_of(sid, w.students[0].id) == "rok"


async def test_assign_autocomplete_ranks_by_what_was_typed(parley: WireHarness) -> None:
    await start_session(parley)
    choices = await parley.choices(
        parley.world.facilitator,
        "assign",
        focused="actor",
        value="tokyo",
        options={"student": parley.world.students[0]},
    )
    assert choices[0] == {"name": "Japan 🇯🇵", "value": "japan"}


async def test_reassign_and_swap_move_students_between_threads(parley: WireHarness) -> None:
    w = parley.world
    started = await start_session(parley)
    sid = started.session_id
    a, b = w.students[0], w.students[1]
    await parley.slash(w.facilitator, "assign", options={"student": a, "actor": "us"})
    await parley.slash(w.facilitator, "assign", options={"student": b, "actor": "dprk"})
    moved = await parley.slash(w.facilitator, "assign", options={"student": a, "actor": "japan"})
    assert "(was United States 🇺🇸)" in final_text(moved)

    swapped = await parley.slash(w.facilitator, "session swap", options={"first": a, "second": b})
    assert "student1 is now **North Korea" in final_text(swapped)
    spaces = {d.actor_id: d.space_channel_id for d in await service(parley).delegations(sid)}
    japan, dprk, us = spaces["japan"], spaces["dprk"], spaces["us"]
    assert japan and dprk and us
    assert a.id in thread_members(parley, dprk) and a.id not in thread_members(parley, japan)
    assert b.id in thread_members(parley, japan) and b.id not in thread_members(parley, dprk)
    assert a.id not in thread_members(parley, us)


async def test_thirty_concurrent_claims_on_the_last_seats_resolve_exactly_once(
    make_parley: ParleyFactory,
) -> None:
    h = await make_parley(students=36)  # caps: 6 per delegation
    w = h.world
    started = await start_session(h)
    sid = started.session_id
    await click_all(h, w.students, started.card, join_id(sid))
    await h.click(w.facilitator, started.panel, control_id(sid, "self-pick"))
    await pick_all(h, [(s, "japan") for s in w.students[:4]], started.card, sid)

    results = await pick_all(h, [(s, "japan") for s in w.students[4:34]], started.card, sid)

    texts = [final_text(r) for r in results]
    won = [t for t in texts if "You are **Japan" in t]
    refused = [t for t in texts if "Japan is full (6 of 6 places)" in t]
    assert len(won) == 2 and len(refused) == 28, Counter(texts)
    japan = next(d for d in await service(h).delegations(sid) if d.actor_id == "japan")
    assert len(japan.members) == 6
    assert sorted(m.seat or 0 for m in japan.members) == [0, 1, 2, 3, 4, 5]
    assert japan.space_channel_id is not None
    assert thread_members(h, japan.space_channel_id) == {
        *japan.member_ids,
        w.facilitator.id,
        h.application_id,
    }
    assert len(h.requests("POST", "/channels/{channel_id}/threads")) == 1
    assert card_fields(h, started)[CARD_NAMES["japan"]] == "6 of 6 · full"
