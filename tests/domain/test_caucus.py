"""Caucuses (bot.domain.caucus): suggested groups per class size, requests and approvals."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.content.loader import DEFAULT_CONTENT_DIR, load_scenario
from bot.content.models import Scenario
from bot.domain.caucus import (
    Caucus,
    CaucusBook,
    CaucusError,
    CaucusSuggestion,
    scenario_pairs,
    suggest_groups,
)
from bot.domain.round_plan import RoundPlan

HANOI = ["us", "dprk", "rok", "japan", "china", "russia"]
HANOI_PAIRS = (("us", "dprk"), ("rok", "japan"), ("china", "russia"))
T0 = datetime(2026, 3, 2, 9, 12, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


@pytest.fixture(scope="module")
def hanoi() -> Scenario:
    return load_scenario(DEFAULT_CONTENT_DIR / "hanoi-2019")


def test_pairs_come_from_the_scenario_or_an_edited_plan(hanoi: Scenario) -> None:
    assert scenario_pairs(hanoi.round_plan) == HANOI_PAIRS
    assert scenario_pairs(RoundPlan.from_scenario(hanoi).phases) == HANOI_PAIRS
    assert scenario_pairs(RoundPlan.from_scenario(hanoi).remove(3).phases) == ()


@pytest.mark.parametrize(
    ("size", "groups"),
    [
        (6, (("us", "dprk"), ("rok", "japan"), ("china", "russia"))),
        (5, (("us", "dprk"), ("rok", "japan", "china"))),  # China joins the last group
        (4, (("us", "dprk"), ("rok", "japan"))),
        (3, (("us", "dprk", "rok"),)),
        (2, (("us", "dprk"),)),
    ],
)
def test_hanoi_groups_for_every_class_size(hanoi: Scenario, size: int, groups: object) -> None:
    active = hanoi.actors_for_class_size(size)
    assert suggest_groups(active, hanoi.play_order, scenario_pairs(hanoi.round_plan)) == (
        CaucusSuggestion(groups)  # type: ignore[arg-type]
    )


def test_the_odd_one_may_be_left_alone() -> None:
    suggestion = suggest_groups(HANOI[:5], HANOI, HANOI_PAIRS, odd_one="alone")
    assert suggestion == CaucusSuggestion((("us", "dprk"), ("rok", "japan")), ("china",))


def test_without_scenario_pairs_actors_pair_in_play_order() -> None:
    assert suggest_groups(HANOI, HANOI) == CaucusSuggestion(
        (("us", "dprk"), ("rok", "japan"), ("china", "russia"))
    )
    # A pair with an absent member is dropped; its other member pairs by play order.
    assert suggest_groups(["us", "rok", "japan", "china"], HANOI, HANOI_PAIRS) == (
        CaucusSuggestion((("rok", "japan"), ("us", "china")))
    )
    assert suggest_groups(["japan"], HANOI, HANOI_PAIRS) == CaucusSuggestion((), ("japan",))


def test_scenario_pairs_are_taken_in_order_without_reusing_an_actor() -> None:
    pairs = [("us", "dprk"), ("dprk", "china"), ("japan", "us"), ("russia", "rok")]
    assert suggest_groups(HANOI, HANOI, pairs) == CaucusSuggestion(
        (("us", "dprk"), ("rok", "russia"), ("japan", "china"))
    )


def test_unknown_actors_are_a_programming_error() -> None:
    with pytest.raises(ValueError, match="not in the play order: atlantis"):
        suggest_groups(["us", "atlantis"], HANOI)


@given(st.lists(st.sampled_from(HANOI), unique=True), st.booleans())
def test_every_active_actor_is_in_exactly_one_group_or_unpaired(
    active: list[str], alone: bool
) -> None:
    suggestion = suggest_groups(active, HANOI, HANOI_PAIRS, odd_one="alone" if alone else "join")
    placed = [actor for group in suggestion.groups for actor in group] + list(suggestion.unpaired)
    assert sorted(placed) == sorted(active)
    assert all(2 <= len(group) <= 3 for group in suggestion.groups)
    assert len(suggestion.unpaired) <= 1
    if suggestion.unpaired and not alone:
        assert suggestion.groups == ()


# --- requests ----------------------------------------------------------------------------------


@pytest.fixture
def book() -> CaucusBook:
    return CaucusBook(play_order=tuple(HANOI))


def test_request_approve_and_the_caucus_opens(book: CaucusBook) -> None:
    book, request = book.request("dprk", ["us"], 501, at(0), phase_kind="plenary")
    assert (request.number, request.members, request.status) == (1, ("us", "dprk"), "pending")
    assert book.pending() == (request,)
    book, caucus = book.approve(1, 900, at(30))
    assert caucus == Caucus(1, ("us", "dprk"), at(30), "request", request=1)
    assert book.request_number(1).status == "approved"
    assert book.request_number(1).decided_by == 900
    assert book.caucuses_of("us") == (caucus,)
    assert book.pending() == ()


def test_decline_and_withdraw(book: CaucusBook) -> None:
    book, first = book.request("japan", ["rok"], 1, at(0), phase_kind="caucus")
    book, second = book.request("japan", ["china", "russia"], 1, at(1), phase_kind="caucus")
    assert second.members == ("japan", "china", "russia")
    book = book.decline(first.number, 900, at(5)).withdraw(second.number, "japan", at(6))
    assert [r.status for r in book.requests] == ["declined", "withdrawn"]
    assert book.caucuses == ()


def test_the_facilitator_opens_any_group_and_a_matching_request_is_approved(
    book: CaucusBook,
) -> None:
    book, request = book.request("rok", ["japan"], 1, at(0), phase_kind="plenary")
    book, caucus = book.open(["japan", "rok"], at(10))
    assert caucus.members == ("rok", "japan")
    assert caucus.request == request.number
    assert book.request_number(request.number).status == "approved"
    book, everyone = book.open(HANOI, at(11))
    assert everyone.number == 2 and len(everyone.members) == 6


def test_open_suggested_skips_groups_already_meeting(book: CaucusBook) -> None:
    book, _ = book.open(["us", "dprk"], at(0))
    book, opened = book.open_suggested(suggest_groups(HANOI, HANOI, HANOI_PAIRS), at(1))
    assert [c.members for c in opened] == [("rok", "japan"), ("china", "russia")]
    assert [c.number for c in opened] == [2, 3]
    assert all(c.source == "suggested" for c in opened)


def test_phase_end_closes_caucuses_and_lapses_requests(book: CaucusBook) -> None:
    book, _ = book.open(["us", "dprk"], at(0))
    book, request = book.request("china", ["russia"], 1, at(1), phase_kind="caucus")
    book = book.close_all(at(600))
    assert book.open_caucuses() == ()
    assert book.caucuses[0].closed_at == at(600)
    with pytest.raises(CaucusError) as caught:
        book.approve(request.number, 900, at(601))
    assert str(caught.value) == "Request 1 lapsed when the phase ended."


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (
            lambda b: b.request("us", ["dprk"], 1, at(0), phase_kind="vote"),
            "Caucus requests are open during caucus and plenary phases, not now.",
        ),
        (
            lambda b: b.request("us", ["us"], 1, at(0), phase_kind="caucus"),
            "Choose at least one other delegation to caucus with.",
        ),
        (
            lambda b: b.request("us", ["atlantis"], 1, at(0), phase_kind="caucus"),
            "atlantis: not a delegation at the table in this session.",
        ),
        (
            lambda b: b.request("us", ["dprk", "rok", "japan"], 1, at(0), phase_kind="caucus"),
            "A caucus request can include at most 3 delegations, yours included.",
        ),
        (
            lambda b: b.request("dprk", ["us"], 2, at(1), phase_kind="caucus")[0].request(
                "us", ["dprk"], 3, at(2), phase_kind="caucus"
            ),
            "This caucus is already requested (request 1), waiting for the facilitator.",
        ),
        (
            lambda b: b.open(["us", "dprk"], at(0))[0].request(
                "us", ["dprk"], 3, at(2), phase_kind="caucus"
            ),
            "These delegations already meet in caucus 1.",
        ),
        (
            lambda b: b.open(["us", "dprk"], at(0))[0].open(["dprk", "us"], at(1)),
            "These delegations already meet in caucus 1.",
        ),
        (
            lambda b: (
                b.request("us", ["dprk"], 1, at(0), phase_kind="caucus")[0]
                .request("us", ["rok"], 1, at(1), phase_kind="caucus")[0]
                .request("us", ["japan"], 1, at(2), phase_kind="caucus")
            ),
            "Your delegation already has 2 requests waiting for the facilitator: "
            "withdraw one first.",
        ),
        (lambda b: b.approve(7, 900, at(0)), "There is no caucus request 7."),
        (
            lambda b: b.request("us", ["dprk"], 1, at(0), phase_kind="caucus")[0].withdraw(
                1, "dprk", at(1)
            ),
            "Only the delegation that asked can withdraw request 1.",
        ),
        (
            lambda b: (
                b.request("us", ["dprk"], 1, at(0), phase_kind="caucus")[0]
                .decline(1, 900, at(1))
                .approve(1, 900, at(2))
            ),
            "Request 1 was declined.",
        ),
        (
            lambda b: (
                b.request("us", ["dprk"], 1, at(0), phase_kind="caucus")[0]
                .approve(1, 900, at(1))[0]
                .approve(1, 900, at(2))
            ),
            "Request 1 was already approved.",
        ),
        (lambda b: b.open(["us"], at(0)), "A caucus needs at least two different delegations."),
        (lambda b: b.close(4, at(0)), "There is no caucus 4."),
        (
            lambda b: b.open(["us", "dprk"], at(0))[0].close(1, at(1)).close(1, at(2)),
            "Caucus 1 is already closed.",
        ),
    ],
)
def test_refusals_say_why(
    book: CaucusBook, action: Callable[[CaucusBook], object], message: str
) -> None:
    with pytest.raises(CaucusError) as caught:
        action(book)
    assert str(caught.value) == message


def test_round_trip_through_json(book: CaucusBook) -> None:
    book, _ = book.request("dprk", ["us"], 501, at(0), phase_kind="plenary")
    book, _ = book.approve(1, 900, at(30))
    book, _ = book.request("china", ["russia"], 7, at(40), phase_kind="plenary")
    book = book.close(1, at(90))
    assert CaucusBook.from_dict(json.loads(json.dumps(book.to_dict()))) == book


def test_naive_times_are_refused(book: CaucusBook) -> None:
    with pytest.raises(ValueError, match="naive"):
        book.open(["us", "dprk"], datetime(2026, 3, 2, 9, 0))
