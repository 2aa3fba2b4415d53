"""The package builder's pure parts: pages, the draft code, menus, the words shown."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.content.loader import load_scenario
from bot.content.models import Scenario
from bot.domain.deal_space import Package
from bot.domain.package_builder import (
    ITEMS_PER_PAGE,
    LEAVE_OUT,
    decode_draft,
    encode_draft,
    item_pages,
    package_lines,
    rule_lines,
    select_choices,
    worth_lines,
)

FIXTURES = Path(__file__).parents[1] / "content" / "fixtures"


@pytest.fixture(scope="module")
def game() -> Scenario:
    return load_scenario(FIXTURES / "game")


@pytest.fixture(scope="module")
def binary() -> Scenario:
    return load_scenario(FIXTURES / "binary-game")


def test_pages_keep_a_row_for_buttons(game: Scenario) -> None:
    assert item_pages(game) == [["dam", "fishing"]]
    items = [item.model_copy(update={"id": f"i{n}"}) for n, item in enumerate(game.agenda * 5)]
    big = game.model_copy(update={"agenda": items})
    pages = item_pages(big)
    assert [len(p) for p in pages] == [4, 4, 2] and ITEMS_PER_PAGE + 1 == 5


def test_draft_codes(game: Scenario) -> None:
    assert encode_draft(game, {"dam": "full", "fishing": None}) == "30"
    assert encode_draft(game, {"fishing": "later"}) == "02"
    assert decode_draft(game, "30") == {"dam": "full", "fishing": None}
    assert decode_draft(game, "9x") == {"dam": None, "fishing": None}  # stale: left out
    assert decode_draft(game, "") == {"dam": None, "fishing": None}


@given(st.sampled_from([None, "shut", "half", "full"]), st.sampled_from([None, "winter", "later"]))
def test_draft_round_trip(dam: str | None, fishing: str | None) -> None:
    game = load_scenario(FIXTURES / "game")
    choices = {"dam": dam, "fishing": fishing}
    assert decode_draft(game, encode_draft(game, choices)) == choices


def test_menus(game: Scenario, binary: Scenario) -> None:
    menu = select_choices(game, "fishing", "later")
    assert [(c.value, c.label, c.default) for c in menu] == [
        ("winter", "Lift the ban before winter", False),
        ("later", "Lift the ban after winter", True),
        (LEAVE_OUT, "Leave it out", False),
    ]
    assert menu[0].description is not None and menu[0].description.startswith("Needs more:")
    assert all(c.description is None or len(c.description) <= 100 for c in menu)
    yes_no = select_choices(binary, "dam", None)
    assert [(c.value, c.label, c.default) for c in yes_no] == [
        ("adopt", "Adopt it", False),
        (LEAVE_OUT, "Leave it out", True),
    ]


def test_words(game: Scenario) -> None:
    assert package_lines(game, {"dam": "half", "fishing": None}) == [
        "✅ **Open the dam**: Open the dam halfway",
        "▫️ **Lift the fishing ban**: left out",
    ]
    package = Package.of({"dam": "full", "fishing": "winter"}, ["dam", "fishing"])
    assert rule_lines(game, package) == [
        "Needs a yes from Alpha and Beta.",
        "Lift the ban before winter: no vote against from Gamma. Lifting the ban before winter "
        "also needs no vote against from Gamma.",
    ]
    assert worth_lines(game, [("dam", "full", 40), ("fishing", "winter", -10)], 30, 10) == [
        "+40 · Open the dam: Open the dam fully",
        "-10 · Lift the fishing ban: Lift the ban before winter",
        "Items left out: 0.",
        "**30 points**, 20 more than no deal (10): it beats no deal.",
    ]
    assert worth_lines(game, [("dam", "half", 10)], 10, 10)[-1] == (
        "**10 points**, no better than no deal (10): it does not beat no deal."
    )
