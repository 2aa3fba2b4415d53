"""The actor resolver: aliases and typos resolve, ambiguity and nonsense never become a guess."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from bot.content.models import Scenario
from bot.domain.actor_names import ActorName, ActorResolver


@pytest.fixture(scope="module")
def resolver(scenarios: Mapping[str, Scenario]) -> ActorResolver:
    hanoi = scenarios["hanoi-2019"]
    return ActorResolver(ActorName(a.id, a.name, tuple(a.aliases)) for a in hanoi.actors)


@pytest.mark.parametrize(
    ("typed", "actor"),
    [
        # the aliases the issue names
        ("north korea", "dprk"),
        ("pyongyang", "dprk"),
        ("dprk", "dprk"),
        ("s korea", "rok"),
        ("tokyo", "japan"),
        # ids, names, case, punctuation, leading articles
        ("DPRK", "dprk"),
        ("U.S.A.", "us"),
        ("The United States", "us"),
        ("us", "us"),
        ("South Korea", "rok"),
        ("N. Korea", "dprk"),
        ("Japan!", "japan"),
        ("beijing", "china"),
        ("Russian Federation", "russia"),
        # typos and loose wording
        ("japn", "japan"),
        ("russa", "russia"),
        ("chna", "china"),
        ("untied states", "us"),
        ("beijng", "china"),
        ("mosco", "russia"),
        ("south korean", "rok"),
        ("north korean", "dprk"),
        ("japanese", "japan"),
    ],
)
def test_names_aliases_and_typos_resolve(resolver: ActorResolver, typed: str, actor: str) -> None:
    result = resolver.resolve(typed)
    assert result.resolved and result.actor_id == actor, result


@pytest.mark.parametrize(
    ("typed", "candidates"),
    [("korea", {"dprk", "rok"}), ("korean", {"dprk", "rok"}), ("Korea", {"dprk", "rok"})],
)
def test_two_close_candidates_are_ambiguous(
    resolver: ActorResolver, typed: str, candidates: set[str]
) -> None:
    result = resolver.resolve(typed)
    assert result.ambiguous and not result.resolved
    assert set(result.candidates) == candidates


@pytest.mark.parametrize("typed", ["atlantis", "uk", "nonsense", "roc", "kim", "", "   ", "!!"])
def test_nonsense_and_short_near_misses_are_unknown(resolver: ActorResolver, typed: str) -> None:
    result = resolver.resolve(typed)
    assert result.unknown, result


def test_a_short_name_is_not_found_inside_longer_input(resolver: ActorResolver) -> None:
    # "us" must not half-match "russa": otherwise a typo of Russia would look ambiguous.
    assert resolver.scores("russa")["us"] < 80


def test_ranking_puts_the_match_first_and_lists_everyone_for_empty_input(
    resolver: ActorResolver,
) -> None:
    assert resolver.ranked("tokyo")[0] == "japan"
    assert resolver.ranked("korea")[:2] in (["dprk", "rok"], ["rok", "dprk"])
    assert resolver.ranked("") == ["us", "dprk", "rok", "japan", "china", "russia"]


def test_aliases_shared_by_two_actors_are_ambiguous_not_first_wins() -> None:
    resolver = ActorResolver(
        [ActorName("a", "Alpha", ("capital",)), ActorName("b", "Beta", ("capital",))]
    )
    result = resolver.resolve("capital")
    assert result.ambiguous and set(result.candidates) == {"a", "b"}
