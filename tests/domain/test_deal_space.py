"""The deal space (bot.domain.deal_space), checked against hand calculations and properties.

The two test packs' schedules (tests/content/fixtures/{game,binary-game}/schedules/):

game — deciders alpha and beta; gamma may not vote no on ``fishing: winter``.

| actor | dam shut | half | full | fishing winter | later | no deal |
|-------|---------:|-----:|-----:|---------------:|------:|--------:|
| alpha |      -20 |   20 |   40 |            -10 |     5 |      10 |
| beta  |        0 |   -5 |  -20 |             35 |    20 |      10 |
| gamma |        0 |    0 |    0 |            -10 |     5 |       0 |

Every package, by hand (alpha / beta / gamma):

 1 {shut}            -20 /   0 /   0      7 {shut, later}    -15 /  20 /   5
 2 {half}             20 /  -5 /   0      8 {half, winter}    10 /  30 / -10
 3 {full}             40 / -20 /   0      9 {half, later}     25 /  15 /   5
 4 {winter}          -10 /  35 / -10     10 {full, winter}    30 /  15 / -10
 5 {later}             5 /  20 /   5     11 {full, later}     45 /   0 /   5
 6 {shut, winter}    -30 /  35 / -10

Both deciders beat 10: #9 (25/15) and #10 (30/15); #8 ties alpha's no deal (10), not a gain.
#10 holds ``winter``, which gamma may veto, and gamma gets -10 < 0: out of the zone.
Zone: {#9}. Frontier for (alpha, beta): #11 (45/0), #10 (30/15), #8 (10/30), #4 (-10/35).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.content.loader import load_scenario
from bot.content.models import Scenario
from bot.domain.deal_space import (
    DealSpace,
    Package,
    beats,
    blockers,
    count_packages,
    enumerate_packages,
    outcome_results,
    pareto_efficient,
    score,
)

FIXTURES = Path(__file__).parents[1] / "content" / "fixtures"
AGENDA = ["dam", "fishing"]


@pytest.fixture(scope="module")
def game() -> Scenario:
    return load_scenario(FIXTURES / "game")


@pytest.fixture(scope="module")
def binary() -> Scenario:
    return load_scenario(FIXTURES / "binary-game")


def pkg(**choices: str) -> Package:
    return Package.of(choices, AGENDA)


HAND = {
    pkg(dam="shut"): (-20, 0, 0),
    pkg(dam="half"): (20, -5, 0),
    pkg(dam="full"): (40, -20, 0),
    pkg(fishing="winter"): (-10, 35, -10),
    pkg(fishing="later"): (5, 20, 5),
    pkg(dam="shut", fishing="winter"): (-30, 35, -10),
    pkg(dam="shut", fishing="later"): (-15, 20, 5),
    pkg(dam="half", fishing="winter"): (10, 30, -10),
    pkg(dam="half", fishing="later"): (25, 15, 5),
    pkg(dam="full", fishing="winter"): (30, 15, -10),
    pkg(dam="full", fishing="later"): (45, 0, 5),
}


def test_every_package_scores_as_by_hand(game: Scenario) -> None:
    packages = enumerate_packages(game)
    assert count_packages(game) == len(packages) == 11 == 4 * 3 - 1
    assert set(packages) == set(HAND)
    for package, expected in HAND.items():
        got = tuple(score(game, a, package) for a in ("alpha", "beta", "gamma"))
        assert got == expected, package


def test_zone_frontier_and_blockers(game: Scenario) -> None:
    space = DealSpace(game)
    assert space.deciders == ("alpha", "beta")
    assert space.no_deal == {"alpha": 10, "beta": 10, "gamma": 0}
    assert [p.package for p in space.zone] == [pkg(dam="half", fishing="later")]
    assert {p.package for p in space.frontier} == {
        pkg(dam="full", fishing="later"),
        pkg(dam="full", fishing="winter"),
        pkg(dam="half", fishing="winter"),
        pkg(fishing="winter"),
    }
    assert blockers(game, pkg(dam="full", fishing="winter")) == ("alpha", "beta", "gamma")
    assert blockers(game, pkg(dam="full", fishing="later")) == ("alpha", "beta")
    # gamma not played: it cannot block, and #10 joins the zone
    small = DealSpace(game, ["alpha", "beta"])
    assert {p.package for p in small.zone} == {
        pkg(dam="half", fishing="later"),
        pkg(dam="full", fishing="winter"),
    }


def test_pair_view_for_explain(game: Scenario) -> None:
    (view,) = DealSpace(game).pairs()
    assert view.pair == ("alpha", "beta")
    assert view.zone == 2  # #9 and #10: the pair alone ignores gamma's veto
    # joint gain over no deal: #10 (30-10)+(15-10)=25, #9 15+5=20
    assert view.best == (
        (pkg(dam="full", fishing="winter"), 30, 15),
        (pkg(dam="half", fishing="later"), 25, 15),
    )


def test_outcome_results_deal_and_no_deal(game: Scenario) -> None:
    deal = outcome_results(game, pkg(dam="half", fishing="later"))
    assert [(r.actor, r.points, r.no_deal, r.beat_no_deal) for r in deal] == [
        ("alpha", 25, 10, True),
        ("beta", 15, 10, True),
        ("gamma", 5, 0, True),
    ]
    none = outcome_results(game, None)
    assert [(r.points, r.no_deal, r.beat_no_deal) for r in none] == [
        (10, 10, False),
        (10, 10, False),
        (0, 0, False),
    ]
    tie = outcome_results(game, pkg(dam="half", fishing="winter"), ["alpha"])
    assert [(r.points, r.beat_no_deal, r.gain) for r in tie] == [(10, False, 0)]


def test_placement(game: Scenario) -> None:
    space = DealSpace(game)
    # joint gains: #10 25, #9 20, #8 20, #11 25, ... -> #10 and #11 share rank 1
    top = space.place(pkg(dam="full", fishing="winter"))
    assert (top.rank, top.of, top.in_zone, top.efficient) == (1, 11, False, True)
    nine = space.place(pkg(dam="half", fishing="later"))
    assert (nine.rank, nine.in_zone, nine.efficient) == (3, True, False)
    nothing = space.place(None)
    assert nothing.package is None and nothing.points == space.no_deal and nothing.rank is None


def test_binary_pack_by_hand(binary: Scenario) -> None:
    """alpha: dam 30, fishing -10, no deal 5; beta: dam -5, fishing 25, no deal 5."""
    space = DealSpace(binary)
    assert len(space) == 3
    points = {p.package: (p.points["alpha"], p.points["beta"]) for p in space.points}
    assert points == {
        Package.of({"dam": "adopt"}, AGENDA): (30, -5),
        Package.of({"fishing": "adopt"}, AGENDA): (-10, 25),
        Package.of({"dam": "adopt", "fishing": "adopt"}, AGENDA): (20, 20),
    }
    assert [p.package for p in space.zone] == [
        Package.of({"dam": "adopt", "fishing": "adopt"}, AGENDA)
    ]
    assert len(space.frontier) == 3


def test_package_of_rejects_unknown_items() -> None:
    with pytest.raises(ValueError, match="unknown agenda items"):
        Package.of({"moon": "x"}, AGENDA)
    assert Package.of({"dam": None, "fishing": "later"}, AGENDA) == pkg(fishing="later")


def test_beats_is_strict() -> None:
    assert beats(11, 10) and not beats(10, 10) and not beats(-3, 0)


def test_pareto_by_hand() -> None:
    pts = [(1, 1), (2, 0), (0, 2), (1, 1), (0, 0), (2, 2)]
    assert pareto_efficient(pts) == [5]
    assert pareto_efficient([(1, 1), (1, 1)]) == [0, 1]
    assert pareto_efficient([]) == []


def _brute_pareto(points: list[tuple[int, ...]]) -> list[int]:
    return [
        i
        for i, p in enumerate(points)
        if not any(all(q >= x for q, x in zip(o, p, strict=True)) and o != p for o in points)
    ]


@settings(max_examples=200)
@given(
    st.integers(1, 3).flatmap(lambda k: st.lists(st.tuples(*[st.integers(-5, 5)] * k), max_size=40))
)
def test_pareto_matches_brute_force(points: list[tuple[int, ...]]) -> None:
    assert pareto_efficient(points) == _brute_pareto(points)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(-100, 100), min_size=15, max_size=15),
    st.lists(st.integers(-100, 100), min_size=3, max_size=3),
)
def test_zone_and_frontier_properties(
    game: Scenario, values: list[int], no_deal: list[int]
) -> None:
    """Any schedules: a zone package beats no deal for all who could block it; nothing on the
    frontier is dominated; scores add up item by item."""
    it = iter(values)
    schedules = {}
    for actor, nd in zip(("alpha", "beta", "gamma"), no_deal, strict=True):
        base = game.schedule(actor)
        items = {
            item: {
                option: entry.model_copy(update={"points": next(it)})
                for option, entry in entries.items()
            }
            for item, entries in base.items.items()
        }
        no_deal_entry = base.no_deal.model_copy(update={"points": nd})
        schedules[actor] = base.model_copy(update={"items": items, "no_deal": no_deal_entry})
    scenario = game.model_copy(update={"schedules": schedules})
    space = DealSpace(scenario)
    for point in space.points:
        assert point.points == {
            a: sum(scenario.schedule(a).items[i][o].points for i, o in point.package.choices)
            for a in space.actors
        }
        if point.in_zone:
            assert all(point.points[a] > space.no_deal[a] for a in point.blockers)
    frontier = [tuple(p.points[a] for a in space.deciders) for p in space.frontier]
    everything = [tuple(p.points[a] for a in space.deciders) for p in space.points]
    for f in frontier:
        assert not any(
            all(q >= x for q, x in zip(o, f, strict=True)) and o != f for o in everything
        )
    assert len(space.zone) <= DealSpace(scenario, ["alpha", "beta"]).pair_view("alpha", "beta").zone


def test_your_priorities_page_shows_only_the_own_schedule(game: Scenario) -> None:
    from bot.domain.brief_pages import PHONE_PAGE_CHARS, brief_pages, priorities_pages

    (page,) = priorities_pages(game, "beta")
    assert page.title == "Your priorities"
    assert "**No deal is worth 10** to you" in page.description
    dam, fishing = page.fields
    assert dam.name == "Open the dam"
    assert dam.value.splitlines() == [
        "**0** Keep the dam shut — No change for Beta. (¶2)",
        "**−5** Open the dam halfway — A small loss. (¶2)",
        "**−20** Open the dam fully — Inferred: the dam matters to Beta's fishing. (¶2)",
        "**0** Left out of the package",
    ]
    assert fishing.value.startswith("**+35** Lift the ban before winter")
    assert page.size() < PHONE_PAGE_CHARS
    # alpha's own page: its numbers, none of beta's reasons
    alpha_text = "\n".join(
        f"{p.description}\n" + "\n".join(f.value for f in p.fields)
        for p in brief_pages(game, "alpha")
    )
    assert "**+40** Open the dam fully" in alpha_text
    assert "Beta's fishing" not in alpha_text and "**+35**" not in alpha_text


def test_no_priorities_without_schedules() -> None:
    from bot.domain.brief_pages import priorities_pages

    minimal = load_scenario(FIXTURES / "minimal")
    assert priorities_pages(minimal, "alpha") == []


def test_the_authoring_guide_example(binary: Scenario) -> None:
    """docs/authoring.md, section 2a: two items (relief: none/some; remains: adopt), deciders
    a and b; 5 packages, a zone of 1, three efficient."""
    from bot.content.models import AgendaItem, Option, Points, Schedule

    def pts(n: int) -> Points:
        return Points(points=n, reason="Example.", cards=["pub-1"])

    relief = AgendaItem(
        id="relief",
        title="Relief",
        description="x",
        cards=["pub-1"],
        options=[
            Option(id="none", label="None", description="x", cards=["pub-1"]),
            Option(id="some", label="Some", description="x", cards=["pub-1"]),
        ],
    )
    remains = AgendaItem(id="remains", title="Remains", description="x", cards=["pub-1"])
    schedules = {
        "alpha": Schedule(
            no_deal=pts(5),
            items={"relief": {"none": pts(0), "some": pts(-10)}, "remains": {"adopt": pts(20)}},
        ),
        "beta": Schedule(
            no_deal=pts(10),
            items={"relief": {"none": pts(0), "some": pts(30)}, "remains": {"adopt": pts(5)}},
        ),
        "gamma": Schedule(
            no_deal=pts(0),
            items={"relief": {"none": pts(0), "some": pts(0)}, "remains": {"adopt": pts(1)}},
        ),
    }
    doc = binary.model_copy(update={"agenda": [relief, remains], "schedules": schedules})
    space = DealSpace(doc)
    agenda = ["relief", "remains"]
    assert len(space) == 5
    assert [p.package for p in space.zone] == [
        Package.of({"relief": "some", "remains": "adopt"}, agenda)
    ]
    assert {p.package for p in space.frontier} == {
        Package.of({"remains": "adopt"}, agenda),
        Package.of({"relief": "none", "remains": "adopt"}, agenda),
        Package.of({"relief": "some", "remains": "adopt"}, agenda),
    }


def test_a_vote_against_its_own_numbers_is_flagged() -> None:
    from bot.domain.debrief import PackageStance

    def stance(vote: str | None, points: int) -> PackageStance:
        return PackageStance(1, "tabled", False, False, vote, points, 10)

    assert stance("yes", 10).against_own_numbers  # a tie does not beat no deal
    assert not stance("yes", 11).against_own_numbers
    assert stance("no", 11).against_own_numbers
    assert not stance("no", 10).against_own_numbers
    assert not stance("abstain", 50).against_own_numbers
    assert not stance(None, -50).against_own_numbers
