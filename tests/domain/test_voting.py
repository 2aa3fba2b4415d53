"""Proposals, votes and the outcome (bot.domain.voting), on the real Hanoi decision rule."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.content.loader import DEFAULT_CONTENT_DIR, load_scenario
from bot.content.models import DecisionRule, Scenario
from bot.domain.voting import (
    MAX_PROPOSAL_CHARS,
    MAX_TABLED,
    AgendaOutcome,
    ProposalBook,
    Tally,
    VoteRound,
    VotingError,
    decide,
    open_vote,
    vote_outcome,
)

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
HANOI = ["us", "dprk", "rok", "japan", "china", "russia"]
AGENDA = ["end-of-war", "liaison-office", "sanctions-relief", "remains"]


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


@pytest.fixture(scope="module")
def hanoi() -> Scenario:
    return load_scenario(DEFAULT_CONTENT_DIR / "hanoi-2019")


@pytest.fixture
def book(hanoi: Scenario) -> ProposalBook:
    return ProposalBook(agenda=tuple(AGENDA), actors=tuple(hanoi.play_order))


def tabled(book: ProposalBook) -> ProposalBook:
    """Four proposals, one per deliverable, as a plenary might table them."""
    texts = [
        ("end-of-war", "china", "Declare the end of the Korean War."),
        ("sanctions-relief", "dprk", "Dismantle Yongbyon in exchange for sanctions relief."),
        ("liaison-office", "us", "Open a US liaison office in Pyongyang."),
        ("remains", "rok", "Repatriate the remains of Korean War soldiers."),
    ]
    for seconds, (agenda, sponsor, text) in enumerate(texts):
        book, _ = book.table(
            agenda, sponsor, text, 100 + seconds, at(seconds), phase_kind="plenary"
        )
    return book


def test_the_hanoi_rule_is_us_and_dprk(hanoi: Scenario) -> None:
    assert hanoi.decision_rule.must_agree == ["us", "dprk"]
    assert hanoi.advisory_actors() == ["rok", "japan", "china", "russia"]


def test_a_class_session_reaching_an_agreement(book: ProposalBook, hanoi: Scenario) -> None:
    """US and DPRK both say yes on the end of war only; advisory votes decide nothing."""
    book = tabled(book)
    book = (
        book.co_sponsor(1, "russia", at(10)).support(1, "rok", at(11)).support(2, "china", at(12))
    )
    assert book.proposal(1).backers == ("china", "russia", "rok")

    book, vote = open_vote(book, at(100))
    assert vote.proposals == (1, 2, 3, 4)
    ballots = {
        1: {
            "us": "yes",
            "dprk": "yes",
            "rok": "yes",
            "japan": "no",
            "china": "yes",
            "russia": "yes",
        },
        2: {
            "us": "no",
            "dprk": "yes",
            "rok": "yes",
            "japan": "yes",
            "china": "yes",
            "russia": "yes",
        },
        3: {"us": "yes", "dprk": "abstain", "rok": "yes"},
        4: {"us": "yes", "rok": "yes", "japan": "yes", "china": "yes", "russia": "yes"},
    }
    for number, votes in ballots.items():
        for actor, choice in votes.items():
            vote = vote.cast(number, actor, choice, 1, at(110))  # type: ignore[arg-type]
    vote = vote.close(at(280))

    outcome = vote_outcome(book, vote, hanoi.decision_rule)
    assert outcome.final
    assert outcome.agreement and outcome.headline == "agreement"
    assert outcome.items == (
        AgendaOutcome("end-of-war", "adopted", (1,)),
        AgendaOutcome("liaison-office", "not_adopted"),
        AgendaOutcome("sanctions-relief", "not_adopted"),
        AgendaOutcome("remains", "not_adopted"),
    )
    assert outcome.by_agenda() == {
        "end-of-war": "adopted",
        "liaison-office": "not_adopted",
        "sanctions-relief": "not_adopted",
        "remains": "not_adopted",
    }
    tallies = {t.proposal: t for t in outcome.tallies}
    assert tallies[1].no == ("japan",) and tallies[1].passed  # Japan advises, cannot block
    assert tallies[2].blocked_by == ("us",)  # four advisers' yes cannot carry it
    assert tallies[3].blocked_by == ("dprk",)  # an abstention is not a yes
    assert tallies[3].not_voted == ("japan", "china", "russia")
    assert tallies[4].blocked_by == ("dprk",)  # no ballot is not a yes
    assert outcome.adopted == (1,)


def test_a_class_session_ending_like_hanoi(book: ProposalBook, hanoi: Scenario) -> None:
    book, vote = open_vote(tabled(book), at(100))
    for number in vote.proposals:
        for actor in HANOI:
            choice = "no" if actor == "us" else "yes"
            vote = vote.cast(number, actor, choice, 1, at(110))  # type: ignore[arg-type]
    outcome = vote_outcome(book, vote.close(at(200)), hanoi.decision_rule)
    assert not outcome.agreement
    assert outcome.headline == "no agreement"
    assert all(item.outcome == "not_adopted" and item.clauses == () for item in outcome.items)
    history = {k: v for k, v in hanoi.history.outcome.items() if k in AGENDA}
    assert outcome.by_agenda() == history  # as history had it


def test_nothing_tabled_is_no_agreement(book: ProposalBook, hanoi: Scenario) -> None:
    book, vote = open_vote(book, at(0))
    outcome = vote_outcome(book, vote, hanoi.decision_rule)
    assert vote.proposals == ()
    assert outcome.headline == "no agreement"
    assert not outcome.final


def test_two_passing_proposals_on_one_item_are_both_clauses(
    book: ProposalBook, hanoi: Scenario
) -> None:
    book, _ = book.table("remains", "us", "Return 50 sets of remains.", 1, T0, phase_kind="plenary")
    book, _ = book.table(
        "remains", "rok", "Set up a joint recovery team.", 2, T0, phase_kind="plenary"
    )
    book, vote = open_vote(book, at(1))
    for number in (1, 2):
        vote = vote.cast(number, "us", "yes", 1, at(2)).cast(number, "dprk", "yes", 2, at(2))
    outcome = vote_outcome(book, vote, hanoi.decision_rule)
    assert outcome.items[3] == AgendaOutcome("remains", "adopted", (1, 2))


# --- one vote per delegation -------------------------------------------------------------------


def test_any_member_may_change_the_delegations_vote_and_the_last_ballot_counts(
    book: ProposalBook,
) -> None:
    book, vote = open_vote(tabled(book), at(100))
    vote = vote.cast(1, "japan", "yes", 41, at(101))
    vote = vote.cast(1, "japan", "no", 42, at(102))  # another member changes it
    vote = vote.cast(1, "japan", "no", 43, at(103))  # same choice again: nothing changes
    assert vote.votes_on(1) == {"japan": "no"}
    counting = vote.current()[(1, "japan")]
    assert (counting.cast_by, counting.cast_at, counting.sequence) == (42, at(102), 2)
    assert [(b.choice, b.cast_by) for b in vote.ballots] == [("yes", 41), ("no", 42)]
    vote = vote.cast(1, "japan", "abstain", 41, at(104))
    assert vote.votes_on(1) == {"japan": "abstain"}
    assert len(vote.ballots) == 3


# --- absent actors -------------------------------------------------------------------------------


RULE = DecisionRule(must_agree=["us", "dprk"], explanation="US and DPRK decide.")


def test_a_must_agree_actor_absent_from_the_class_cannot_block() -> None:
    tally = decide(
        1, {"us": "yes", "rok": "no", "japan": "no"}, ["us", "rok", "japan"], ["us", "dprk"]
    )
    assert tally == Tally(
        proposal=1,
        yes=("us",),
        no=("rok", "japan"),
        abstain=(),
        not_voted=(),
        decisive=("us",),
        blocked_by=(),
        passed=True,
    )
    assert RULE.passes({"us"}) is False  # the content rule alone would have blocked it


@pytest.mark.parametrize(
    ("votes", "passed"),
    [
        ({"rok": "yes", "japan": "yes", "china": "no"}, True),  # 2 of 3
        ({"rok": "yes", "japan": "abstain", "china": "abstain"}, False),  # 1 of 3
        ({"rok": "yes", "japan": "yes"}, True),  # China did not vote: still 2 of 3
    ],
)
def test_with_no_must_agree_actor_in_the_class_a_strict_majority_decides(
    votes: dict[str, str], passed: bool
) -> None:
    tally = decide(1, votes, ["rok", "japan", "china"], ["us", "dprk"])  # type: ignore[arg-type]
    assert tally.decisive == ()
    assert tally.passed is passed


def test_a_tie_is_not_a_majority() -> None:
    votes = {"rok": "yes", "japan": "yes", "china": "no", "russia": "no"}
    assert not decide(1, votes, ["rok", "japan", "china", "russia"], ["us"]).passed  # type: ignore[arg-type]


def test_a_small_hanoi_class_still_needs_both(hanoi: Scenario) -> None:
    for size in (2, 3, 4, 5):
        eligible = hanoi.actors_for_class_size(size)
        only_us = decide(1, {"us": "yes"}, eligible, hanoi.decision_rule.must_agree)
        assert only_us.blocked_by == ("dprk",)


# --- proposals -----------------------------------------------------------------------------------


def test_table_numbers_and_cleans_the_text(book: ProposalBook) -> None:
    book, first = book.table(
        "remains",
        "rok",
        "  Repatriate   remains.\n\n\n\nAll of them.  ",
        7,
        T0,
        phase_kind="caucus",
    )
    assert first.number == 1
    assert first.text == "Repatriate remains.\n\nAll of them."
    assert (first.sponsor, first.tabled_by, first.tabled_at, first.status) == (
        "rok",
        7,
        T0,
        "tabled",
    )


def test_replace_gives_a_new_number_and_clears_the_backers(book: ProposalBook) -> None:
    book = tabled(book).co_sponsor(1, "russia", at(10))
    book, new = book.replace_proposal(
        1, "china", "Declare the war over within a year.", 9, at(20), phase_kind="plenary"
    )
    assert new.number == 5 and new.replaces == 1 and new.agenda == "end-of-war"
    assert new.co_sponsors == ()
    old = book.proposal(1)
    assert (old.status, old.replaced_by, old.closed_at) == ("replaced", 5, at(20))
    assert [p.number for p in book.tabled()] == [2, 3, 4, 5]
    assert [p.number for p in book.on("end-of-war")] == [5]


def test_withdraw_and_backing(book: ProposalBook) -> None:
    book = tabled(book).support(2, "china", at(10)).co_sponsor(2, "china", at(11))
    assert (book.proposal(2).co_sponsors, book.proposal(2).supporters) == (("china",), ())
    book = book.drop_support(2, "china", at(12))
    assert book.proposal(2).backers == ("dprk",)
    book = book.withdraw(2, "dprk", at(13))
    assert book.proposal(2).status == "withdrawn"
    _, vote = open_vote(book, at(14))
    assert vote.proposals == (1, 3, 4)


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (
            lambda b: b.table("remains", "us", "Text.", 1, T0, phase_kind="vote"),
            "Proposals are tabled during caucus and plenary phases, not now.",
        ),
        (
            lambda b: b.table("trade", "us", "Text.", 1, T0, phase_kind="plenary"),
            "There is no agenda item 'trade'.",
        ),
        (
            lambda b: b.table("remains", "atlantis", "Text.", 1, T0, phase_kind="plenary"),
            "atlantis: not a delegation at the table in this session.",
        ),
        (
            lambda b: b.table("remains", "us", " \n ", 1, T0, phase_kind="plenary"),
            "A proposal needs some text.",
        ),
        (
            lambda b: b.table("remains", "us", "x" * 601, 1, T0, phase_kind="plenary"),
            "A proposal can be at most 600 characters (yours has 601). Shorten it, or split it "
            "into two proposals.",
        ),
        (
            lambda b: b.table(
                "remains",
                "rok",
                "repatriate the REMAINS of Korean War soldiers.",
                1,
                T0,
                phase_kind="plenary",
            ),
            "Your delegation already tabled this as proposal 4.",
        ),
        (lambda b: b.withdraw(9, "us", T0), "There is no proposal 9."),
        (lambda b: b.withdraw(1, "us", T0), "Only the sponsor can withdraw proposal 1."),
        (
            lambda b: b.replace_proposal(1, "us", "New.", 1, T0, phase_kind="plenary"),
            "Only the sponsor can replace proposal 1.",
        ),
        (
            lambda b: b.withdraw(1, "china", T0).withdraw(1, "china", T0),
            "Proposal 1 was withdrawn.",
        ),
        (
            lambda b: b.replace_proposal(1, "china", "New.", 1, T0, phase_kind="plenary")[
                0
            ].support(1, "us", T0),
            "Proposal 1 was replaced by proposal 5.",
        ),
        (lambda b: b.co_sponsor(1, "china", T0), "Your delegation sponsors proposal 1."),
        (lambda b: b.support(1, "china", T0), "Your delegation sponsors proposal 1."),
        (
            lambda b: b.co_sponsor(1, "us", T0).co_sponsor(1, "us", T0),
            "Your delegation already co-sponsors proposal 1.",
        ),
        (
            lambda b: b.co_sponsor(1, "us", T0).support(1, "us", T0),
            "Your delegation already co-sponsors proposal 1.",
        ),
        (
            lambda b: b.support(1, "us", T0).support(1, "us", T0),
            "Your delegation already supports proposal 1.",
        ),
        (lambda b: b.drop_support(1, "us", T0), "Your delegation does not back proposal 1."),
        (
            lambda b: b.lock(T0).table("remains", "us", "Late.", 1, T0, phase_kind="plenary"),
            "Voting has opened: proposals can no longer be tabled or changed.",
        ),
        (
            lambda b: b.lock(T0).support(1, "us", T0),
            "Voting has opened: proposals can no longer be tabled or changed.",
        ),
        (
            lambda b: b.lock(T0).withdraw(1, "china", T0),
            "Voting has opened: proposals can no longer be tabled or changed.",
        ),
    ],
)
def test_proposal_refusals_say_why(
    book: ProposalBook, action: Callable[[ProposalBook], object], message: str
) -> None:
    with pytest.raises(VotingError) as caught:
        action(tabled(book))
    assert str(caught.value) == message


def test_a_proposal_of_exactly_the_limit_is_fine(book: ProposalBook) -> None:
    _, proposal = book.table("remains", "us", "x" * MAX_PROPOSAL_CHARS, 1, T0, phase_kind="plenary")
    assert len(proposal.text) == 600


def test_limits_on_the_table(book: ProposalBook) -> None:
    for n in range(5):
        book, _ = book.table("remains", "us", f"Text {n}.", 1, T0, phase_kind="plenary")
    with pytest.raises(VotingError) as caught:
        book.table("remains", "us", "One more.", 1, T0, phase_kind="plenary")
    assert str(caught.value) == (
        "Your delegation already has 5 proposals on the table: withdraw or replace one first."
    )
    # Replacing is always possible: it does not add to the table.
    book, _ = book.replace_proposal(1, "us", "Better text.", 1, T0, phase_kind="plenary")
    for actor in HANOI[1:]:
        for n in range(4):
            book, _ = book.table("remains", actor, f"{actor} {n}.", 1, T0, phase_kind="plenary")
    assert len(book.tabled()) == MAX_TABLED
    with pytest.raises(VotingError) as caught:
        book.table("end-of-war", "russia", "Too many.", 1, T0, phase_kind="plenary")
    assert str(caught.value) == (
        "There are already 25 proposals on the table: withdraw one before tabling another."
    )


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (lambda v: v.close(at(200)).cast(1, "us", "yes", 1, at(201)), "The vote is closed."),
        (lambda v: v.cast(9, "us", "yes", 1, at(150)), "Proposal 9 is not on the ballot."),
        (
            lambda v: v.cast(1, "atlantis", "yes", 1, at(150)),
            "Your delegation does not vote in this session.",
        ),
    ],
)
def test_vote_refusals_say_why(
    book: ProposalBook, action: Callable[[VoteRound], object], message: str
) -> None:
    _, vote = open_vote(tabled(book), at(100))
    with pytest.raises(VotingError) as caught:
        action(vote)
    assert str(caught.value) == message


def test_a_proposal_tabled_after_the_vote_opened_is_not_on_the_ballot(book: ProposalBook) -> None:
    book, vote = open_vote(tabled(book), at(100))
    assert book.locked_at == at(100)
    assert open_vote(book, at(150))[0].locked_at == at(100)  # idempotent
    with pytest.raises(ValueError, match="choice"):
        vote.cast(1, "us", "maybe", 1, at(101))  # type: ignore[arg-type]


def test_round_trip_through_json(book: ProposalBook, hanoi: Scenario) -> None:
    book = tabled(book).co_sponsor(1, "russia", at(10)).withdraw(3, "us", at(11))
    book, vote = open_vote(book, at(100))
    vote = vote.cast(1, "us", "yes", 5, at(101)).cast(1, "dprk", "yes", 6, at(102)).close(at(103))
    book2 = ProposalBook.from_dict(json.loads(json.dumps(book.to_dict())))
    vote2 = VoteRound.from_dict(json.loads(json.dumps(vote.to_dict())))
    assert (book2, vote2) == (book, vote)
    outcome = vote_outcome(book2, vote2, hanoi.decision_rule)
    assert json.loads(json.dumps(outcome.to_dict()))["headline"] == "agreement"


# --- any ballots -------------------------------------------------------------------------------

ballot_lists = st.lists(
    st.tuples(st.integers(1, 3), st.sampled_from(HANOI), st.sampled_from(["yes", "no", "abstain"])),
    max_size=40,
)


@given(ballot_lists, st.lists(st.sampled_from(HANOI), min_size=1, unique=True))
def test_tallies_follow_the_last_ballot_and_the_rule(
    ballots: list[tuple[int, str, str]], present: list[str]
) -> None:
    eligible = [actor for actor in HANOI if actor in present]
    vote = VoteRound(proposals=(1, 2, 3), eligible=tuple(eligible), opened_at=T0)
    model: dict[tuple[int, str], str] = {}
    for number, actor, choice in ballots:
        if actor not in eligible:
            with pytest.raises(VotingError):
                vote.cast(number, actor, choice, 1, T0)  # type: ignore[arg-type]
            continue
        vote = vote.cast(number, actor, choice, 1, T0)  # type: ignore[arg-type]
        model[(number, actor)] = choice
    for number in (1, 2, 3):
        tally = vote.tally(number, RULE)
        votes = {actor: c for (n, actor), c in model.items() if n == number}
        assert sorted(tally.yes + tally.no + tally.abstain + tally.not_voted) == sorted(eligible)
        assert set(tally.yes) == {a for a, c in votes.items() if c == "yes"}
        decisive = [a for a in ("us", "dprk") if a in eligible]
        if decisive:
            assert tally.passed == all(votes.get(a) == "yes" for a in decisive)
        else:
            assert tally.passed == (len(tally.yes) * 2 > len(eligible))
    assert VoteRound.from_dict(json.loads(json.dumps(vote.to_dict()))) == vote


# --- package proposals (tests/content/fixtures/game: alpha and beta decide; gamma may not vote
# no on "fishing: winter") ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def game() -> Scenario:
    from pathlib import Path

    return load_scenario(Path(__file__).parents[1] / "content" / "fixtures" / "game")


@pytest.fixture
def pbook(game: Scenario) -> ProposalBook:
    from bot.domain.deal_space import package_options

    return ProposalBook(
        agenda=("dam", "fishing"),
        actors=("alpha", "beta", "gamma"),
        options=package_options(game),
    )


def test_package_is_stored_in_agenda_order_and_validated(pbook: ProposalBook) -> None:
    from bot.domain.voting import PACKAGE

    book, p = pbook.table_package(
        {"fishing": "later", "dam": "half"}, "alpha", "", 1, at(0), phase_kind="plenary"
    )
    assert p.package == (("dam", "half"), ("fishing", "later"))
    assert p.agenda == PACKAGE and p.is_package and p.option("dam") == "half"
    assert p.text == ""
    left_out = book.table_package(
        {"dam": "full", "fishing": None}, "beta", "x", 2, at(1), phase_kind="plenary"
    )[1]
    assert left_out.package == (("dam", "full"),) and left_out.option("fishing") is None
    with pytest.raises(VotingError, match="no option 'open'"):
        book.table_package({"dam": "open"}, "beta", "", 2, at(1), phase_kind="plenary")
    with pytest.raises(VotingError, match="at least one item"):
        book.table_package({"dam": None}, "beta", "", 2, at(1), phase_kind="plenary")
    with pytest.raises(VotingError, match="no agenda item"):
        book.table_package({"moon": "x"}, "beta", "", 2, at(1), phase_kind="plenary")
    with pytest.raises(VotingError, match="already tabled this package as proposal 1"):
        book.table_package(
            {"dam": "half", "fishing": "later"}, "alpha", "", 1, at(2), phase_kind="plenary"
        )
    with pytest.raises(VotingError, match="caucus and plenary"):
        book.table_package({"dam": "half"}, "alpha", "", 1, at(2), phase_kind="vote")
    # round trip through the stored form
    assert ProposalBook.from_dict(json.loads(json.dumps(book.to_dict()))) == book


def test_amend_keeps_history_and_drops_backers(pbook: ProposalBook) -> None:
    book, _p1 = pbook.table_package({"dam": "full"}, "alpha", "", 1, at(0), phase_kind="plenary")
    book = book.co_sponsor(1, "gamma", at(1))
    book, p2 = book.amend_package(
        1, "alpha", {"dam": "half", "fishing": "later"}, "v2", 1, at(2), phase_kind="plenary"
    )
    old = book.proposal(1)
    assert (old.status, old.replaced_by, old.package) == ("replaced", 2, (("dam", "full"),))
    assert (p2.number, p2.replaces, p2.co_sponsors, p2.text) == (2, 1, (), "v2")
    assert [p.number for p in book.tabled()] == [2]
    with pytest.raises(VotingError, match="Only the sponsor"):
        book.amend_package(2, "beta", {"dam": "shut"}, "", 3, at(3), phase_kind="plenary")
    with pytest.raises(VotingError, match="replaced by proposal 2"):
        book.amend_package(1, "alpha", {"dam": "shut"}, "", 3, at(3), phase_kind="plenary")


def _vote(book: ProposalBook, votes: dict[int, dict[str, str]]) -> VoteRound:
    book, round_ = open_vote(book, at(10))
    seq = 0
    for number, by_actor in votes.items():
        for actor, choice in by_actor.items():
            seq += 1
            round_ = round_.cast(number, actor, choice, seq, at(10 + seq))  # type: ignore[arg-type]
    return round_


def test_option_rule_veto_and_adopted_package(game: Scenario, pbook: ProposalBook) -> None:
    from bot.domain.deal_space import option_rules

    book, _ = pbook.table_package(
        {"dam": "full", "fishing": "winter"}, "beta", "", 1, at(0), phase_kind="plenary"
    )
    book, _ = book.table_package(
        {"dam": "half", "fishing": "later"}, "alpha", "", 2, at(1), phase_kind="plenary"
    )
    rules = option_rules(game)
    assert set(rules) == {("fishing", "winter")}
    round_ = _vote(
        book,
        {
            1: {"alpha": "yes", "beta": "yes", "gamma": "no"},
            2: {"alpha": "yes", "beta": "yes", "gamma": "abstain"},
        },
    )
    locked = book.lock(at(10))
    outcome = vote_outcome(locked, round_, game.decision_rule, rules)
    t1, t2 = outcome.tallies
    assert (t1.passed, t1.vetoed_by, t1.blocked_by) == (False, ("gamma",), ("gamma",))
    assert (t2.passed, t2.vetoed_by) == (True, ())
    assert outcome.package == 2 and outcome.agreement
    assert outcome.choices() == {"dam": "half", "fishing": "later"}
    assert outcome.by_agenda() == {"dam": "adopted", "fishing": "adopted"}
    # without the option rule, both pass; the one with more yes votes wins
    plain = vote_outcome(locked, round_, game.decision_rule)
    assert [t.passed for t in plain.tallies] == [True, True]
    assert plain.package == 1  # two yes votes each: the lower number, tabled first


def test_most_yes_wins_then_lowest_number(game: Scenario, pbook: ProposalBook) -> None:
    book, _ = pbook.table_package({"dam": "full"}, "beta", "", 1, at(0), phase_kind="plenary")
    book, _ = book.table_package({"dam": "half"}, "alpha", "", 2, at(1), phase_kind="plenary")
    locked = book.lock(at(10))
    tie = _vote(book, {1: {"alpha": "yes", "beta": "yes"}, 2: {"alpha": "yes", "beta": "yes"}})
    assert vote_outcome(locked, tie, game.decision_rule).package == 1
    more = _vote(
        book,
        {1: {"alpha": "yes", "beta": "yes"}, 2: {"alpha": "yes", "beta": "yes", "gamma": "yes"}},
    )
    outcome = vote_outcome(locked, more, game.decision_rule)
    assert outcome.package == 2
    assert outcome.items[0].clauses == (2,) and outcome.items[0].option == "half"
    assert outcome.items[1] == AgendaOutcome("fishing", "not_adopted", (), None)
    assert outcome.to_dict()["package"] == 2


def test_no_package_passes_is_no_agreement(game: Scenario, pbook: ProposalBook) -> None:
    book, _ = pbook.table_package({"dam": "full"}, "alpha", "", 1, at(0), phase_kind="plenary")
    round_ = _vote(book, {1: {"alpha": "yes", "beta": "no"}})
    outcome = vote_outcome(book.lock(at(10)), round_, game.decision_rule)
    assert not outcome.agreement and outcome.package is None and outcome.choices() == {}
    assert outcome.tallies[0].blocked_by == ("beta",)


def test_extra_must_agree_and_majority_fallback_veto() -> None:
    from bot.domain.voting import OptionRules

    extra = OptionRules(must_agree=("c",), no_veto_from=("d",))
    t = decide(1, {"a": "yes", "b": "yes", "c": "abstain"}, ["a", "b", "c", "d"], ["a", "b"], extra)
    assert (t.passed, t.blocked_by, t.decisive) == (False, ("c",), ("a", "b", "c"))
    # c not at the table: it cannot block; d abstains: no veto
    t = decide(1, {"a": "yes", "b": "yes", "d": "abstain"}, ["a", "b", "d"], ["a", "b"], extra)
    assert t.passed
    # no decider at the table: majority, and a veto still stops it
    t = decide(1, {"d": "no", "e": "yes", "f": "yes"}, ["d", "e", "f"], ["a"], extra)
    assert (t.passed, t.vetoed_by) == (False, ("d",))
