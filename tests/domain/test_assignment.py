"""Balanced delegations: caps, the random deal, the smallest delegation and seats."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.content.models import Scenario
from bot.domain.assignment import (
    SEED_HIGH,
    SEED_LOW,
    deal,
    is_balanced,
    lowest_free_seat,
    new_seed,
    seat_caps,
    smallest_delegation,
)

SIX = ["us", "dprk", "rok", "japan", "china", "russia"]


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (6, [1, 1, 1, 1, 1, 1]),
        (7, [2, 1, 1, 1, 1, 1]),
        (30, [5, 5, 5, 5, 5, 5]),
        (32, [6, 6, 5, 5, 5, 5]),
        (60, [10] * 6),
        (0, [0] * 6),
    ],
)
def test_caps_differ_by_at_most_one_and_extras_go_first(n: int, expected: list[int]) -> None:
    caps = seat_caps(n, SIX)
    assert [caps[a] for a in SIX] == expected
    assert sum(caps.values()) == n


@given(n=st.integers(0, 200), k=st.integers(1, 12))
def test_caps_always_sum_to_the_class_and_stay_balanced(n: int, k: int) -> None:
    actors = [f"a{i}" for i in range(k)]
    caps = seat_caps(n, actors)
    assert sum(caps.values()) == n
    assert max(caps.values()) - min(caps.values()) <= 1


@given(
    players=st.sets(st.integers(1, 10**18), min_size=0, max_size=80),
    k=st.integers(1, 8),
    seed=st.integers(SEED_LOW, SEED_HIGH),
)
def test_deal_is_balanced_complete_and_reproducible(players: set[int], k: int, seed: int) -> None:
    actors = [f"a{i}" for i in range(k)]
    dealt = deal(players, actors, seed)
    assert set(dealt) == players
    counts = Counter(dealt.values())
    assert is_balanced(counts, actors)
    assert dict(counts) == {a: c for a, c in seat_caps(len(players), actors).items() if c}
    assert deal(list(reversed(sorted(players))), actors, seed) == dealt  # join order irrelevant


def test_different_seeds_give_different_deals() -> None:
    players = range(1, 31)
    deals = {tuple(sorted(deal(players, SIX, seed).items())) for seed in range(100_000, 100_010)}
    assert len(deals) == 10


def test_pinned_players_keep_their_actor_and_count() -> None:
    dealt = deal([1, 2, 3], ["us", "dprk"], seed=123456, pinned={99: "dprk"})
    assert dealt[99] == "dprk"
    counts = Counter(dealt.values())
    assert counts == {"us": 2, "dprk": 2}


def test_smallest_delegation_breaks_ties_by_order_of_play() -> None:
    assert smallest_delegation({"us": 2, "dprk": 1, "rok": 1}, ["us", "dprk", "rok"]) == "dprk"
    assert smallest_delegation({}, ["us", "dprk"]) == "us"
    with pytest.raises(ValueError):
        smallest_delegation({}, [])


def test_lowest_free_seat_fills_gaps_and_respects_the_cap() -> None:
    assert lowest_free_seat(set()) == 0
    assert lowest_free_seat({0, 1, 3}) == 2
    assert lowest_free_seat({0, 1}, cap=2) is None
    assert lowest_free_seat({1}, cap=2) == 0


def test_seeds_have_six_digits() -> None:
    assert all(100_000 <= new_seed() <= 999_999 for _ in range(200))


@pytest.mark.parametrize("n", [2, 3, 4, 5, 6, 7, 60])
def test_small_classes_play_the_scenarios_chosen_actors(
    scenarios: Mapping[str, Scenario], n: int
) -> None:
    hanoi = scenarios["hanoi-2019"]
    actors = hanoi.actors_for_class_size(n)
    dealt = deal(range(n), actors, seed=424242)
    counts = Counter(dealt.values())
    assert set(counts) == set(actors)
    assert is_balanced(counts, actors)
    assert {"us", "dprk"} <= set(actors)  # the deal-makers are always played
