"""The floor (bot.domain.speaking): hand queue, turns, statements, accounting."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.speaking import (
    DEFAULT_FLOOR_SECONDS,
    Floor,
    FloorTime,
    SpeakingError,
    SpokenTurn,
    floor_time,
    plan_statements,
)

T0 = datetime(2026, 3, 2, 9, 22, tzinfo=UTC)
HANOI = ["us", "dprk", "rok", "japan", "china", "russia"]


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def s(seconds: float) -> timedelta:
    return timedelta(seconds=seconds)


def who(floor: Floor) -> tuple[str, int | None] | None:
    return None if floor.current is None else (floor.current.actor, floor.current.user_id)


def queue(floor: Floor) -> list[str]:
    return [hand.actor for hand in floor.queue]


def test_a_plenary_hand_by_hand() -> None:
    """The whole story of a moderated plenary, with the floor times computed by hand."""
    floor = Floor.moderated(90)
    floor = floor.raise_hand("japan", 11, at(0))  # idle floor + auto-next: Japan speaks at once
    assert who(floor) == ("japan", 11)
    assert floor.deadline == at(90)
    floor = floor.raise_hand("china", 21, at(5)).raise_hand("russia", 31, at(6))
    assert queue(floor) == ["china", "russia"]
    assert floor.position("russia", 32) == 2  # any Russia member sees the delegation's place

    floor = floor.yield_floor("japan", 12, at(40))  # another Japan member may yield for it
    assert who(floor) == ("china", 21)
    assert floor.deadline == at(130)
    assert floor.time_up(at(100)) is floor  # a stale timer changes nothing
    floor = floor.time_up(at(130))
    assert who(floor) == ("russia", 31)

    floor = floor.give_floor("us", None, at(150))  # the facilitator calls on the US
    assert who(floor) == ("us", None)
    floor = floor.credit("us", 41).credit("us", 42)  # the first US member to speak is credited
    assert who(floor) == ("us", 41)
    floor = floor.next_speaker(at(200))
    assert floor.current is None

    assert [(t.actor, t.user_id, t.used, t.reason, t.source) for t in floor.spoken] == [
        ("japan", 11, s(40), "yielded", "queue"),
        ("china", 21, s(90), "time", "queue"),
        ("russia", 31, s(20), "replaced", "queue"),
        ("us", 41, s(50), "next", "facilitator"),
    ]
    assert floor_time(floor.spoken) == FloorTime(
        by_actor={"japan": 40, "china": 90, "russia": 20, "us": 50},
        by_user={11: 40, 21: 90, 31: 20, 41: 50},
    )


def test_the_facilitator_can_call_someone_from_the_middle_of_the_queue() -> None:
    floor = Floor.moderated(60).raise_hand("us", 1, at(0))
    for number, actor in enumerate(["dprk", "rok", "japan"], start=2):
        floor = floor.raise_hand(actor, number, at(number))
    floor = floor.give_floor("rok", 3, at(10), seconds=30)
    assert who(floor) == ("rok", 3)
    assert floor.deadline == at(40)
    assert queue(floor) == ["dprk", "japan"]


def test_pause_stops_the_speakers_clock_and_the_pause_is_not_counted() -> None:
    floor = Floor.moderated(60).raise_hand("dprk", 7, at(0)).pause(at(30))
    assert floor.deadline is None
    assert floor.time_up(at(500)) is floor
    floor = floor.resume(at(630))
    assert floor.deadline == at(660)
    floor = floor.time_up(at(660))
    assert floor.spoken[0].used == s(60)
    assert floor.spoken[0].reason == "time"


def test_a_turn_given_while_paused_starts_on_resume() -> None:
    floor = Floor.moderated(60).pause(at(0)).raise_hand("us", 1, at(5))
    assert who(floor) == ("us", 1)
    assert floor.deadline is None
    assert floor.resume(at(100)).deadline == at(160)


def test_extend_the_speaker() -> None:
    floor = Floor.moderated(60).raise_hand("us", 1, at(0)).extend_turn(30, at(50))
    assert floor.deadline == at(90)
    assert floor.time_up(at(90)).spoken[0].used == s(90)


def test_without_auto_next_the_facilitator_calls_each_speaker() -> None:
    floor = Floor.moderated(60, auto_next=False).raise_hand("us", 1, at(0))
    assert floor.current is None
    floor = floor.raise_hand("dprk", 2, at(1)).next_speaker(at(2))
    assert who(floor) == ("us", 1)
    floor = floor.yield_floor("us", 1, at(12))
    assert floor.current is None
    assert queue(floor) == ["dprk"]


def test_students_may_queue_one_by_one() -> None:
    floor = Floor.moderated(60, one_per_delegation=False)
    floor = floor.raise_hand("japan", 1, at(0)).raise_hand("japan", 2, at(1))
    assert who(floor) == ("japan", 1)
    assert queue(floor) == ["japan"]
    with pytest.raises(SpeakingError) as caught:
        floor.raise_hand("japan", 2, at(2))
    assert str(caught.value) == "You are already in the queue (number 1)."
    with pytest.raises(SpeakingError) as caught:
        floor.yield_floor("japan", 2, at(2))
    assert str(caught.value) == "You don't have the floor."
    with pytest.raises(SpeakingError) as caught:
        floor.raise_hand("japan", 1, at(2))
    assert str(caught.value) == "You already have the floor."
    assert floor.lower_hand("japan", 2, at(3)).queue == ()


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (lambda f: f.raise_hand("us", 2, at(9)), "Your delegation already has the floor."),
        (
            lambda f: f.raise_hand("rok", 4, at(9)),
            "Your delegation is already in the queue (number 1).",
        ),
        (lambda f: f.lower_hand("japan", 5, at(9)), "Your delegation is not in the queue."),
        (lambda f: f.yield_floor("rok", 3, at(9)), "Your delegation doesn't have the floor."),
        (lambda f: f.resume(at(9)), "The floor is not paused."),
        (lambda f: f.pause(at(9)).pause(at(9)), "The floor is already paused."),
        (
            lambda f: f.end(at(9)).raise_hand("japan", 5, at(10)),
            "This phase has ended: the floor is closed.",
        ),
        (
            lambda f: f.next_speaker(at(9)).next_speaker(at(10)).next_speaker(at(11)),
            "Nobody has the floor or is waiting for it.",
        ),
        (
            lambda f: f.next_speaker(at(9)).next_speaker(at(10)).extend_turn(30, at(11)),
            "Nobody has the floor.",
        ),
    ],
)
def test_refusals_say_why(action: Callable[[Floor], object], message: str) -> None:
    floor = Floor.moderated(60).raise_hand("us", 1, at(0)).raise_hand("rok", 3, at(1))
    with pytest.raises(SpeakingError) as caught:
        action(floor)
    assert str(caught.value) == message


def test_default_floor_time() -> None:
    assert Floor.moderated().turn_seconds == DEFAULT_FLOOR_SECONDS == 60
    assert Floor.moderated(None).raise_hand("us", 1, T0).deadline == at(60)


# --- statements ------------------------------------------------------------------------------


def test_opening_statements_walk_the_play_order_by_themselves() -> None:
    floor = Floor.statements(plan_statements(HANOI, 60, 360), T0)
    assert who(floor) == ("us", None)
    assert floor.deadline == at(60)
    assert queue(floor) == HANOI[1:]

    floor = floor.time_up(at(60))
    assert who(floor) == ("dprk", None)
    floor = floor.credit("dprk", 77)
    floor = floor.yield_floor("dprk", 78, at(75))  # any DPRK member may yield the turn
    assert who(floor) == ("rok", None)
    assert floor.deadline == at(135)

    with pytest.raises(SpeakingError) as caught:
        floor.raise_hand("japan", 5, at(80))
    assert str(caught.value) == (
        "In this phase the floor passes to each delegation in turn: no need to raise your hand."
    )

    floor = floor.end(at(100))
    assert floor.end(at(101)) is floor  # idempotent
    assert floor.closed and floor.queue == () and floor.current is None
    assert [(t.actor, t.user_id, t.used, t.reason, t.source) for t in floor.spoken] == [
        ("us", None, s(60), "time", "statement"),
        ("dprk", 77, s(15), "yielded", "statement"),
        ("rok", None, s(25), "phase_end", "statement"),
    ]
    assert floor_time(floor.spoken) == FloorTime(
        by_actor={"us": 60, "dprk": 15, "rok": 25}, by_user={77: 15}
    )


def test_a_short_statement_phase_gives_shorter_turns() -> None:
    floor = Floor.statements(plan_statements(HANOI, 60, 240), T0)
    assert floor.deadline == at(40)


def test_statements_in_a_student_mode_floor_may_be_yielded_by_any_member() -> None:
    floor = Floor.statements(plan_statements(["us", "dprk"], 60, 120), T0)
    floor = Floor.from_dict({**floor.to_dict(), "one_per_delegation": False})
    assert floor.holds_floor("us", 99)
    assert who(floor.yield_floor("us", 99, at(5))) == ("dprk", None)


# --- accounting and storage ------------------------------------------------------------------


def turn(actor: str, user: int | None, used: timedelta) -> SpokenTurn:
    return SpokenTurn(actor, user, "queue", T0, T0 + used, 60, used, "yielded")


def test_floor_time_rounds_half_up_once_at_the_end() -> None:
    turns = [
        turn("us", 1, s(1.5)),
        turn("us", 2, s(1.0)),
        turn("us", 1, s(0.999999)),
        turn("rok", None, s(0.5)),
        turn("japan", 3, s(0.499999)),
    ]
    assert floor_time(turns) == FloorTime(
        by_actor={"us": 3, "rok": 1, "japan": 0},  # 3.499999 -> 3, 0.5 -> 1, 0.499999 -> 0
        by_user={1: 2, 2: 1, 3: 0},  # 1.5 + 0.999999 = 2.499999 -> 2
    )
    assert floor_time([]) == FloorTime({}, {})


def test_round_trip_through_json_mid_turn_and_paused() -> None:
    floor = Floor.moderated(90).raise_hand("japan", 11, at(0)).raise_hand("china", 21, at(5))
    floor = floor.yield_floor("japan", 11, at(12.345678)).pause(at(20))
    restored = Floor.from_dict(json.loads(json.dumps(floor.to_dict())))
    assert restored == floor
    assert (
        restored.resume(at(100)).deadline == floor.resume(at(100)).deadline == at(182.345678)
    )  # 90 - (20 - 12.345678) left at the pause


# --- any sequence ----------------------------------------------------------------------------

actors = st.sampled_from(["us", "dprk", "rok"])
waits = st.one_of(  # microseconds: any, and whole turns (hypothesis favours small integers)
    st.integers(0, 90_000_000), st.sampled_from([15, 30, 45, 60, 90]).map(lambda x: x * 10**6)
)
users = st.integers(1, 4)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("wait"), waits, st.just("us"), st.just(0)),
        st.tuples(st.sampled_from(["raise", "lower", "yield", "give"]), st.just(0), actors, users),
        st.tuples(
            st.sampled_from(["next", "time_up", "pause", "resume", "extend"]),
            st.just(0),
            st.just("us"),
            st.just(0),
        ),
    ),
    max_size=40,
)


@settings(max_examples=300)
@given(st.booleans(), st.booleans(), steps)
def test_any_sequence_keeps_the_queue_fair_and_the_accounts_exact(
    one_per_delegation: bool, auto_next: bool, operations: list[tuple[str, int, str, int]]
) -> None:
    floor = Floor.moderated(45, auto_next=auto_next, one_per_delegation=one_per_delegation)
    now = T0
    waited: list[tuple[str, int | None]] = []  # the model queue: keys in order of raising

    def key(actor: str, user: int | None) -> tuple[str, int | None]:
        return (actor, None) if one_per_delegation else (actor, user)

    def check(before: Floor, after: Floor, name: str) -> None:
        called = (
            name in ("raise", "yield", "next", "time_up")
            and after.current is not None
            and (before.current is None or len(after.spoken) > len(before.spoken))
        )
        if called:  # whoever was called left the model queue from its head
            assert after.current is not None
            assert waited and waited[0] == key(after.current.actor, after.current.user_id)
            waited.pop(0)
        keys = [key(hand.actor, hand.user_id) for hand in after.queue]
        assert keys == waited, "first come, first served; no duplicates"
        assert len(set(keys)) == len(keys)
        if after.current is not None:
            assert key(after.current.actor, after.current.user_id) not in keys
        elif auto_next:
            assert not after.queue, "with auto-next the floor is never idle while someone waits"
        for spoken in after.spoken:
            assert timedelta(0) <= spoken.used <= timedelta(seconds=spoken.granted)
        assert sum((t.used for t in after.spoken), timedelta(0)) <= now - T0
        assert Floor.from_dict(json.loads(json.dumps(after.to_dict()))) == after

    for name, gap, actor, user in operations:
        if name == "wait":  # time passes; the timer service fires at each turn's deadline
            target = now + timedelta(microseconds=gap)
            while floor.deadline is not None and floor.deadline <= target:
                now = floor.deadline
                before, floor = floor, floor.time_up(now)
                check(before, floor, "time_up")
            now = target
            continue
        before = floor
        try:
            if name == "raise":
                floor = floor.raise_hand(actor, user, now)
                waited.append(key(actor, user))
            elif name == "lower":
                floor = floor.lower_hand(actor, user, now)
                waited.remove(key(actor, user))
            elif name == "yield":
                floor = floor.yield_floor(actor, user, now)
            elif name == "give":
                floor = floor.give_floor(actor, user, now)
                if key(actor, user) in waited:
                    waited.remove(key(actor, user))
            elif name == "next":
                floor = floor.next_speaker(now)
            elif name == "time_up":  # a stale or repeated timer
                floor = floor.time_up(now)
            elif name == "pause":
                floor = floor.pause(now)
            elif name == "resume":
                floor = floor.resume(now)
            else:
                floor = floor.extend_turn(30, now)
        except SpeakingError:
            assert floor is before
            continue
        check(before, floor, name)
