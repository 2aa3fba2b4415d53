"""SessionService on real SQLite and PostgreSQL: lifecycle, assignment modes, exactly-once claims.

The concurrency tests run real concurrent transactions (asyncio.gather over the service, each
claim its own unit of work on its own pooled connection): the database, not luck, decides.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import Mapping, Sequence

import pytest

from bot.clock import FakeClock
from bot.content.models import Scenario
from bot.db.engine import Database
from bot.domain.assignment import is_balanced
from bot.errors import UserFacingError
from bot.services.sessions import DelegationInfo, SessionService

GUILD, PLENARY, TEACHER = 1000, 2000, 3000


def student(i: int) -> int:
    return 10_000 + i


@pytest.fixture
def events() -> list[tuple[str, int]]:
    return []


@pytest.fixture
def service(
    database: Database, scenarios: Mapping[str, Scenario], events: list[tuple[str, int]]
) -> SessionService:
    return SessionService(
        database, scenarios, on_event=lambda name, sid: events.append((name, sid))
    )


async def new_session(service: SessionService, channel: int = PLENARY) -> int:
    info = await service.create(
        guild_id=GUILD, channel_id=channel, scenario_id="hanoi-2019", created_by=TEACHER
    )
    return info.id


async def join_class(service: SessionService, sid: int, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        await service.join(sid, student(i), f"student{i}")


def sizes(delegations: Sequence[DelegationInfo]) -> dict[str, int]:
    return {d.actor_id: len(d.members) for d in delegations if d.status == "active"}


async def test_create_registers_the_plenary_and_refuses_a_second_live_session(
    service: SessionService, events: list[tuple[str, int]]
) -> None:
    sid = await new_session(service)
    found = await service.live_session_for_channel(PLENARY)
    assert found is not None and found.id == sid and found.live and found.stage == "joining"
    assert [(c.channel_id, c.kind) for c in await service.channels(sid)] == [(PLENARY, "plenary")]
    assert events == [("parley_session_created", sid)]

    with pytest.raises(UserFacingError, match="already has a live session"):
        await new_session(service)

    await service.end(sid)
    assert await service.live_session_for_channel(PLENARY) is None
    assert ("parley_session_ended", sid) in events
    again = await new_session(service)  # the channel is free once the session ended
    assert again != sid


async def test_one_live_session_per_channel_even_when_created_at_once(
    service: SessionService,
) -> None:
    results = await asyncio.gather(
        *(new_session(service) for _ in range(10)), return_exceptions=True
    )
    created = [r for r in results if isinstance(r, int)]
    refused = [r for r in results if isinstance(r, UserFacingError)]
    assert len(created) == 1 and len(refused) == 9


async def test_join_is_idempotent_and_leave_frees_the_seat(service: SessionService) -> None:
    sid = await new_session(service)
    first = await service.join(sid, student(1), "Ana")
    again = await service.join(sid, student(1), "Ana")
    assert not first.already_joined and again.already_joined
    assert len(await service.participants(sid)) == 1

    await service.assign(sid, student(1), "Ana", "japan")
    assert await service.actor_of(sid, student(1)) == "japan"
    move = await service.leave(sid, student(1))
    assert (move.old_actor, move.new_actor) == ("japan", None)
    assert await service.participants(sid) == []
    with pytest.raises(UserFacingError, match="not in this session"):
        await service.leave(sid, student(1))
    rejoined = await service.join(sid, student(1), "Ana B.")
    assert not rejoined.already_joined and rejoined.participant.actor_id is None


@pytest.mark.parametrize("n", [2, 5, 6, 7, 60])
async def test_random_deal_is_balanced_and_reproducible(service: SessionService, n: int) -> None:
    sid = await new_session(service)
    await join_class(service, sid, n)
    result = await service.deal_random(sid, seed=271828)
    assert result.seed == 271828 and result.session.stage == "assigned"

    delegations = await service.delegations(sid)
    counts = sizes(delegations)
    assert sum(counts.values()) == n
    assert is_balanced(counts, list(counts))
    hanoi_small = {2: ["us", "dprk"], 5: ["us", "dprk", "rok", "japan", "china"]}
    expected_active = hanoi_small.get(n, ["us", "dprk", "rok", "japan", "china", "russia"])
    assert list(counts) == expected_active
    assert [d.actor_id for d in delegations if d.status == "absent"] == [
        a for a in ["us", "dprk", "rok", "japan", "china", "russia"] if a not in expected_active
    ]
    first = {p.user_id: p.actor_id for p in await service.participants(sid)}
    await service.deal_random(sid, seed=271828)
    assert {p.user_id: p.actor_id for p in await service.participants(sid)} == first
    # every seat is distinct within each delegation
    seats = Counter((p.actor_id, p.seat) for p in await service.participants(sid))
    assert max(seats.values()) == 1


async def test_too_small_a_class_gets_a_clear_error(service: SessionService) -> None:
    sid = await new_session(service)
    await join_class(service, sid, 1)
    with pytest.raises(UserFacingError, match="needs at least 2 players and 1 has joined"):
        await service.deal_random(sid)
    # the facilitator may play one actor: then two play
    await service.assign(sid, TEACHER, "Teacher", "dprk", is_facilitator=True)
    result = await service.deal_random(sid, seed=111111)
    dealt = {p.user_id: p.actor_id for p in await service.participants(sid)}
    assert dealt == {student(0): "us", TEACHER: "dprk"}
    assert result.absent == ("rok", "japan", "china", "russia")


async def test_self_pick_caps_keep_delegations_balanced(service: SessionService) -> None:
    sid = await new_session(service)
    await join_class(service, sid, 7)
    opened = await service.open_self_pick(sid)
    assert opened.active == ("us", "dprk", "rok", "japan", "china", "russia")
    await service.pick(sid, student(0), "s0", "japan")
    with pytest.raises(UserFacingError, match="Japan is full"):
        await service.pick(sid, student(1), "s1", "japan")  # cap 1: only the US gets a second
    await service.pick(sid, student(1), "s1", "us")
    await service.pick(sid, student(2), "s2", "us")
    with pytest.raises(UserFacingError, match="United States is full"):
        await service.pick(sid, student(3), "s3", "us")
    # switching frees the old seat
    await service.pick(sid, student(0), "s0", "china")
    await service.pick(sid, student(3), "s3", "japan")
    placed = await service.place_unassigned(sid)
    assert placed.session.stage == "assigned"
    counts = sizes(await service.delegations(sid))
    assert sum(counts.values()) == 7 and is_balanced(counts, list(counts))
    with pytest.raises(UserFacingError, match="Picking is closed"):
        await service.pick(sid, student(4), "s4", "russia")


async def test_self_pick_in_a_small_class_offers_only_the_played_actors(
    service: SessionService,
) -> None:
    sid = await new_session(service)
    await join_class(service, sid, 3)
    opened = await service.open_self_pick(sid)
    assert opened.active == ("us", "dprk", "rok") and "russia" in opened.absent
    with pytest.raises(UserFacingError, match="Russia is not played"):
        await service.pick(sid, student(0), "s0", "russia")


async def test_late_joiners_go_to_the_smallest_delegation(service: SessionService) -> None:
    sid = await new_session(service)
    await join_class(service, sid, 12)
    await service.deal_random(sid, seed=123456)
    late = await service.join(sid, student(100), "late")
    assert late.move is not None and late.move.new_actor == "us"  # all have 2; first in order
    later = await service.join(sid, student(101), "later")
    assert later.move is not None and later.move.new_actor == "dprk"


async def test_late_joiner_in_a_small_class_opens_the_next_actor(service: SessionService) -> None:
    sid = await new_session(service)
    await join_class(service, sid, 2)
    await service.deal_random(sid, seed=123456)
    late = await service.join(sid, student(50), "late")
    assert late.move is not None and late.move.new_actor == "rok"
    statuses = {d.actor_id: d.status for d in await service.delegations(sid)}
    assert statuses["rok"] == "active" and statuses["japan"] == "absent"


async def test_manual_assignment_reassign_and_swap(service: SessionService) -> None:
    sid = await new_session(service)
    await join_class(service, sid, 3)
    await service.assign(sid, student(0), "s0", "us")
    await service.assign(sid, student(1), "s1", "dprk")
    move = await service.assign(sid, student(0), "s0", "japan")  # reassign
    assert (move.old_actor, move.new_actor) == ("us", "japan")
    a, b = await service.swap(sid, student(0), student(1))
    assert (a.new_actor, b.new_actor) == ("dprk", "japan")
    assert await service.actor_of(sid, student(0)) == "dprk"
    assert await service.actor_of(sid, student(1)) == "japan"
    # swapping with someone who has no actor moves the actor across
    await service.swap(sid, student(1), student(2))
    assert await service.actor_of(sid, student(2)) == "japan"
    assert await service.actor_of(sid, student(1)) is None
    with pytest.raises(UserFacingError, match="two different"):
        await service.swap(sid, student(1), student(1))


async def test_roster_and_delegations_describe_the_class(service: SessionService) -> None:
    sid = await new_session(service)
    await join_class(service, sid, 6)
    await service.deal_random(sid, seed=555555)
    roster = await service.roster(sid)
    assert roster.caps == {a: 1 for a in ["us", "dprk", "rok", "japan", "china", "russia"]}
    assert roster.unassigned == []
    assert [d.actor_id for d in roster.delegations] == [
        "us",
        "dprk",
        "rok",
        "japan",
        "china",
        "russia",
    ]
    assert all(len(d.members) == 1 and d.status == "active" for d in roster.delegations)
    assert await service.attach_space(sid, "japan", 777, "Japan delegation")
    assert not await service.attach_space(sid, "japan", 778, "Japan delegation")
    japan = (await service.roster(sid)).delegation("japan")
    assert japan.space_channel_id == 777
    found = await service.live_session_for_channel(777)
    assert found is not None and found.id == sid
    assert ("delegation", "japan") in [(c.kind, c.actor_id) for c in await service.channels(sid)]


async def test_events_announce_roster_and_assignment_changes(
    service: SessionService, events: list[tuple[str, int]]
) -> None:
    sid = await new_session(service)
    await join_class(service, sid, 2)
    await service.deal_random(sid)
    await service.end(sid)
    names = [name for name, _ in events]
    assert names == [
        "parley_session_created",
        "parley_roster_changed",
        "parley_roster_changed",
        "parley_assignment_changed",
        "parley_session_ended",
    ]


# --- exactly once under real concurrency ----------------------------------------------------


async def test_thirty_concurrent_claims_on_the_last_two_seats_resolve_exactly_once(
    service: SessionService,
) -> None:
    sid = await new_session(service)
    await join_class(service, sid, 60)  # caps: 10 per delegation
    await service.open_self_pick(sid)
    for i in range(8):
        await service.pick(sid, student(i), f"s{i}", "japan")

    async def claim(i: int) -> str:
        try:
            await service.pick(sid, student(i), f"s{i}", "japan")
        except UserFacingError as exc:
            return str(exc)
        return "ok"

    outcomes = await asyncio.gather(*(claim(i) for i in range(10, 40)))
    assert outcomes.count("ok") == 2, outcomes
    assert all(o == "ok" or "Japan is full" in o for o in outcomes), outcomes
    japan = (await service.roster(sid)).delegation("japan")
    assert len(japan.members) == 10
    assert sorted(-1 if m.seat is None else m.seat for m in japan.members) == list(range(10))


async def test_one_student_clicking_thirty_times_at_once_holds_one_actor(
    service: SessionService,
) -> None:
    sid = await new_session(service)
    await join_class(service, sid, 12)
    await service.open_self_pick(sid)
    actors = ["us", "dprk", "rok", "japan", "china", "russia"] * 5

    async def claim(actor: str) -> None:
        with contextlib.suppress(UserFacingError):
            await service.pick(sid, student(0), "s0", actor)

    await asyncio.gather(*(claim(a) for a in actors))
    people = await service.participants(sid)
    held = [p for p in people if p.actor_id is not None]
    assert len(held) == 1 and held[0].user_id == student(0)


async def test_thirty_concurrent_joins_and_late_placements_stay_exact(
    service: SessionService,
) -> None:
    sid = await new_session(service)
    await join_class(service, sid, 6)
    await service.deal_random(sid, seed=999999)

    results = await asyncio.gather(
        *(service.join(sid, student(100 + i), f"late{i}") for i in range(30)),
        *(service.join(sid, student(100), "late0") for _ in range(5)),  # double clicks
    )
    people = await service.participants(sid)
    assert len(people) == 36
    assert len({p.user_id for p in people}) == 36
    assert Counter((p.actor_id, p.seat) for p in people).most_common(1)[0][1] == 1
    counts = Counter(p.actor_id for p in people)
    assert set(counts.values()) == {6}, counts  # caps keep late joiners balanced too
    assert sum(1 for r in results if r.already_joined) >= 5


async def test_a_session_ends_at_the_time_of_the_clock_it_was_given(
    database: Database, scenarios: Mapping[str, Scenario]
) -> None:
    clock = FakeClock()
    service = SessionService(database, scenarios, clock=clock)
    sid = await new_session(service)
    await clock.advance(50 * 60)
    ended = await service.end(sid)
    assert ended.ended_at == clock.now()  # class time, not the wall clock


async def test_an_article_only_class_hides_the_public_record(
    service: SessionService, events: list[tuple[str, int]]
) -> None:
    sid = await new_session(service)
    info = await service.get(sid)
    assert info is not None and info.record_cards  # shown by default
    assert service.scenario_for(info).record

    hidden = await service.set_record_cards(sid, False)
    assert not hidden.record_cards
    assert ("parley_session_changed", sid) in events
    stored = await service.get(sid)
    assert stored is not None and not stored.record_cards  # it is in the database
    article_only = service.scenario_for(stored)
    assert article_only.record == []
    for brief in article_only.briefs.values():
        for claim in brief.situation + brief.interests + brief.offers + brief.levers:
            assert not any(card_id.startswith("rec-") for card_id in claim.cards)

    shown = await service.set_record_cards(sid, True)
    assert shown.record_cards and service.scenario_for(shown).record
    await service.end(sid)
    with pytest.raises(UserFacingError):
        await service.set_record_cards(sid, False)  # an ended class keeps its setting
