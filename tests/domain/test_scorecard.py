"""Scorecards, the reveal, participation and citations (bot.domain.scorecard), by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.content.loader import DEFAULT_CONTENT_DIR, load_scenario
from bot.content.models import Card, Outcome, Scenario
from bot.domain.scorecard import (
    CitationIndex,
    Member,
    Message,
    Participation,
    RevealLine,
    ScoreLine,
    count_words,
    find_citations,
    participation,
    percent,
    reveal,
    scorecard,
    scorecards,
)
from bot.domain.speaking import FloorTime
from bot.domain.voting import ProposalBook, open_vote
from tests.first_edition import with_first_edition_objectives

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
AGENDA = ["end-of-war", "liaison-office", "sanctions-relief", "remains"]


@pytest.fixture(scope="module")
def hanoi() -> Scenario:
    """The pack, for its actors; its objectives are replaced by a frozen copy (``OBJECTIVES``)
    so that editing the teaching content never changes what these arithmetic tests expect."""
    scenario = load_scenario(DEFAULT_CONTENT_DIR / "hanoi-2019")
    return with_first_edition_objectives(scenario)


def outcome(*adopted: str) -> dict[str, Outcome]:
    return {item: "adopted" if item in adopted else "not_adopted" for item in AGENDA}


# --- percentages ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("earned", "possible", "expected"),
    [
        (0, 5, 0),
        (5, 5, 100),
        (2, 3, 67),
        (1, 3, 33),
        (1, 8, 13),  # 12.5 rounds up (round() would give 12)
        (3, 8, 38),  # 37.5
        (5, 8, 63),  # 62.5
        (1, 6, 17),
        (0, 0, None),
    ],
)
def test_percent_rounds_half_up(earned: int, possible: int, expected: int | None) -> None:
    assert percent(earned, possible) == expected


@given(st.integers(0, 1000), st.integers(1, 1000))
def test_percent_is_the_nearest_integer(earned: int, possible: int) -> None:
    value = percent(earned, possible)
    assert value is not None
    assert abs(value * possible - 100 * earned) * 2 <= possible  # within half a percent
    if (200 * earned) % possible == 0 and (200 * earned // possible) % 2 == 1:
        assert value * possible > 100 * earned  # an exact half goes up


# --- scorecards computed by hand from tests/domain/data/objectives_first_edition.yaml ------------


def test_us_and_dprk_on_the_historical_outcome(hanoi: Scenario) -> None:
    """Hanoi: nothing adopted. The US wanted Yongbyon-for-relief rejected (weight 3): 3/3. The
    DPRK wanted it adopted (weight 3): 0/3. Their other three objectives are indifferent."""
    history = dict(hanoi.history.outcome)
    us = scorecard("us", hanoi.objectives, history, AGENDA)
    assert us.lines == (ScoreLine("sanctions-relief", "not_adopted", 3, "not_adopted", met=True),)
    assert (us.earned, us.possible, us.percent, us.summary) == (3, 3, 100, "3/3 (100%)")
    dprk = scorecard("dprk", hanoi.objectives, history, AGENDA)
    assert dprk.lines == (ScoreLine("sanctions-relief", "adopted", 3, "not_adopted", met=False),)
    assert (dprk.earned, dprk.possible, dprk.percent) == (0, 3, 0)


def test_rok_and_china_when_end_of_war_and_yongbyon_pass(hanoi: Scenario) -> None:
    """ROK wants all four adopted (weights 1, 1, 2, 1): end of war 1 + Yongbyon 2 = 3/5 = 60 %.
    China wants end of war (3) and Yongbyon (3) adopted: 6/6. The US loses its 3 points."""
    result = outcome("end-of-war", "sanctions-relief")
    rok = scorecard("rok", hanoi.objectives, result, AGENDA)
    assert [(line.agenda, line.weight, line.met, line.points) for line in rok.lines] == [
        ("end-of-war", 1, True, 1),
        ("liaison-office", 1, False, 0),
        ("sanctions-relief", 2, True, 2),
        ("remains", 1, False, 0),
    ]
    assert (rok.earned, rok.possible, rok.percent) == (3, 5, 60)
    china = scorecard("china", hanoi.objectives, result, AGENDA)
    assert (china.earned, china.possible, china.percent) == (6, 6, 100)
    assert scorecard("us", hanoi.objectives, result).summary == "0/3 (0%)"


@pytest.mark.parametrize(
    ("adopted", "expected"),
    [
        ((), {"us": 100, "dprk": 0, "rok": 0, "japan": 100, "china": 0, "russia": 0}),
        (
            ("end-of-war",),
            {"us": 100, "dprk": 0, "rok": 20, "japan": 100, "china": 50, "russia": 50},
        ),
        (
            ("liaison-office", "remains"),
            {"us": 100, "dprk": 0, "rok": 40, "japan": 100, "china": 0, "russia": 0},
        ),
        (
            tuple(AGENDA),
            {"us": 0, "dprk": 100, "rok": 100, "japan": 0, "china": 100, "russia": 100},
        ),
    ],
)
def test_every_actor_for_several_outcomes(
    hanoi: Scenario, adopted: tuple[str, ...], expected: dict[str, int]
) -> None:
    cards = scorecards(hanoi.play_order, hanoi.objectives, outcome(*adopted), AGENDA)
    assert {card.actor: card.percent for card in cards} == expected


def test_indifferent_objectives_are_not_scored_and_missing_items_count_as_not_adopted(
    hanoi: Scenario,
) -> None:
    japan = scorecard("japan", hanoi.objectives, {}, AGENDA)
    assert [line.agenda for line in japan.lines] == ["sanctions-relief"]
    assert japan.lines[0].outcome == "not_adopted"
    assert scorecard("atlantis", hanoi.objectives, {}).summary == "nothing to score"


# --- the reveal ----------------------------------------------------------------------------------


def test_reveal_puts_what_each_delegation_did_beside_what_it_wanted(hanoi: Scenario) -> None:
    book = ProposalBook(agenda=tuple(AGENDA), actors=tuple(hanoi.play_order))
    book, _ = book.table("end-of-war", "china", "End the war.", 1, T0, phase_kind="plenary")
    book, _ = book.table(
        "sanctions-relief", "dprk", "Yongbyon for relief.", 2, T0, phase_kind="plenary"
    )
    book = book.support(2, "japan", T0).co_sponsor(1, "japan", T0)
    book, vote = open_vote(book, T0 + timedelta(minutes=1))
    for actor, choices in {
        "japan": ("no", "yes"),
        "us": ("yes", "no"),
        "dprk": ("yes", "yes"),
    }.items():
        for number, choice in zip((1, 2), choices, strict=True):
            vote = vote.cast(number, actor, choice, 9, T0 + timedelta(minutes=2))  # type: ignore[arg-type]
    counting = list(vote.current().values())

    japan = reveal("japan", hanoi.objectives, book.proposals, counting, AGENDA)
    assert japan == (
        RevealLine("end-of-war", "indifferent", 0, (), (1,), ((1, "no"),), ()),
        RevealLine("liaison-office", "indifferent", 0, (), (), (), ()),
        # Japan wanted Yongbyon-for-relief rejected, yet backed and voted for it.
        RevealLine("sanctions-relief", "not_adopted", 3, (), (2,), ((2, "yes"),), (2,)),
        RevealLine("remains", "indifferent", 0, (), (), (), ()),
    )
    dprk = reveal("dprk", hanoi.objectives, book.proposals, counting, AGENDA)
    assert dprk[2] == RevealLine("sanctions-relief", "adopted", 3, (2,), (), ((2, "yes"),), ())
    us = reveal("us", hanoi.objectives, book.proposals, counting, AGENDA)
    assert us[2].inconsistent_votes == ()  # a no is what the US wanted


# --- words and citations -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", 0),
        ("We accept.", 2),
        ("Hello <@123> world — U.S. ¶6 https://example.org/x <:smile:123> don't", 5),
        ("<@&55> <#77> <t:1700000000:R> <a:wave:9>", 0),
        ("end-of-war   declaration\n\nnow", 3),
        ("🙂 👍", 0),
    ],
)
def test_count_words(text: str, words: int) -> None:
    assert count_words(text) == words


@pytest.fixture(scope="module")
def deck(hanoi: Scenario) -> list[Card]:
    return [card for _, card in hanoi.all_cards()]


@pytest.mark.parametrize(
    ("text", "cited"),
    [
        ("As pub-6 shows, there is an upside", ("pub-6",)),
        ("PUB-6 and jp-2.", ("pub-6", "jp-2")),
        ("not a card: pub-60, xpub-6, pub-6x", ()),
        ('It was "a victory for process", the author says', ("pub-9",)),
        ("It was \u201ca victory for process\u201d", ("pub-9",)),
        ('"no agreement" is fine by us', ()),  # two quoted words: too short to be a citation
        ("a victory for process", ()),  # short and unmarked: not a citation
        ("the U.S. and North Korea should meet again", ()),
        ("Both sides had an opportunity to communicate their positions clearly!", ("pub-8",)),
        ("see ¶9", ("us-3",)),
        ("¶ 7 says so", ("cr-1",)),
        ("paragraph 13, para. 5", ("pub-10", "pub-17")),
        ("¶¶11-12", ("pub-12", "pub-15")),
        ("¶11–12", ("pub-12", "pub-15")),
        ("pub-13 and ¶11", ("pub-13",)),  # the ¶ is already cited through one of its cards
        ("¶99", ()),
    ],
)
def test_find_citations(deck: list[Card], text: str, cited: tuple[str, ...]) -> None:
    assert find_citations(text, deck) == cited


def test_citation_index_keeps_deck_order(deck: list[Card]) -> None:
    index = CitationIndex(deck)
    assert index.find("jp-2 then pub-1") == ("pub-1", "jp-2")
    assert CitationIndex([]).find("pub-1 ¶1") == ()


# --- participation -------------------------------------------------------------------------------


def test_participation_rows_match_the_records(hanoi: Scenario, deck: list[Card]) -> None:
    members = [Member(11, "japan"), Member(12, "japan"), Member(21, "us")]
    messages = [
        Message(11, 'Japan agrees: "the maximum pressure campaign is not dead yet" (jp-1).'),
        Message(11, "We will vote no on Yongbyon."),
        Message(12, "Deleted spam spam spam", deleted=True),
        Message(12, "See ¶6."),
        Message(21, "Hold fast."),
        Message(999, "The facilitator speaks: pub-1."),  # not a student: ignored
    ]
    book = ProposalBook(agenda=tuple(AGENDA), actors=tuple(hanoi.play_order))
    book, _ = book.table("remains", "japan", "Return remains.", 11, T0, phase_kind="plenary")
    book, _ = book.replace_proposal(1, "japan", "Return all remains.", 12, T0, phase_kind="plenary")
    book, vote = open_vote(book, T0)
    vote = vote.cast(2, "japan", "yes", 11, T0).cast(2, "japan", "no", 12, T0)
    vote = vote.cast(2, "japan", "yes", 11, T0)  # 11 changes it back: still one vote for 11

    rows = participation(
        members,
        messages,
        floor=FloorTime(by_actor={"japan": 75}, by_user={11: 60, 12: 15}),
        proposals=book.proposals,
        ballots=vote.ballots,
        cards=deck,
    )
    assert rows == (
        Participation(
            11,
            "japan",
            messages=2,
            words=17,
            floor_seconds=60,
            proposals=1,
            votes=1,
            cards_cited=("jp-1",),
        ),
        Participation(
            12,
            "japan",
            messages=1,
            words=2,
            floor_seconds=15,
            proposals=1,
            votes=1,
            cards_cited=("jp-1",),
        ),  # ¶6: the first ¶6 card in the deck
        Participation(
            21, "us", messages=1, words=2, floor_seconds=0, proposals=0, votes=0, cards_cited=()
        ),
    )
    assert rows[0].cards_cited_count == 1
