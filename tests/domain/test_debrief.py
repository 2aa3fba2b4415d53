"""The debrief's report and pages: reveal, scorecards by hand, quotes, headlines, and every page
inside Discord's limits for the largest class the rules allow."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from datetime import UTC, datetime

import pytest

from bot.content.models import Scenario
from bot.domain.brief_pages import (
    DESCRIPTION_LIMIT,
    FIELD_NAME_LIMIT,
    FIELD_VALUE_LIMIT,
    FIELDS_LIMIT,
    MESSAGE_EMBEDS_TOTAL,
    TITLE_LIMIT,
    Page,
)
from bot.domain.deal_space import ActorResult
from bot.domain.debrief import (
    DEBRIEF_PAGE_BUDGET,
    Said,
    Student,
    build_report,
    headline,
    pick_quotes,
    report_pages,
    vote_result_pages,
)
from bot.domain.gradebook import GRADEBOOK_COLUMNS, gradebook_rows, write_gradebook_csv
from bot.domain.scorecard import CitationIndex, Participation
from bot.domain.speaking import FloorTime
from bot.domain.voting import ProposalBook, VoteOutcome, open_vote, vote_outcome

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ACTORS = ("us", "dprk", "rok", "japan", "china", "russia")


@pytest.fixture
def hanoi(scenarios: Mapping[str, Scenario]) -> Scenario:
    return scenarios["hanoi-2019"]


def uid(actor: str, seat: int = 0) -> int:
    return 1000 + 10 * ACTORS.index(actor) + seat


def played(hanoi: Scenario, votes: dict[int, dict[str, str]], texts: dict[str, tuple[str, str]]):
    """Table proposals (sponsor -> (agenda, text)), vote, close: (book, round, outcome)."""
    book = ProposalBook(tuple(i.id for i in hanoi.agenda), ACTORS)
    for sponsor, (agenda, text) in texts.items():
        book, _ = book.table(agenda, sponsor, text, uid(sponsor), NOW, phase_kind="plenary")
    book, vote = open_vote(book, NOW)
    for number, by_actor in votes.items():
        for actor, choice in by_actor.items():
            vote = vote.cast(number, actor, choice, uid(actor), NOW)  # type: ignore[arg-type]
    vote = vote.close(NOW)
    return book, vote, vote_outcome(book, vote, hanoi.decision_rule)


def test_report_reveals_objectives_beside_actions_and_scores_by_hand(hanoi: Scenario) -> None:
    everyone_yes = dict.fromkeys(ACTORS, "yes")
    book, vote, outcome = played(
        hanoi,
        {1: everyone_yes, 2: {**everyone_yes, "japan": "yes"}},
        {
            "dprk": ("yongbyon-sanctions", "Yongbyon for relief."),
            "china": ("end-of-war", "End it."),
        },
    )
    students = [Student(uid(a), a.upper(), a) for a in ACTORS]
    report = build_report(
        hanoi,
        7,
        students=students,
        actors=ACTORS,
        messages=[],
        proposals=book.proposals,
        ballots=vote.ballots,
        counting=tuple(vote.current().values()),
        outcome=outcome,
        floor=FloorTime({}, {}),
    )
    # By hand, from content/hanoi-2019/objectives.yaml, with yongbyon and end-of-war adopted:
    # US 0/3, DPRK 3/3, ROK 1+2 of 5 = 60%, Japan 0/3, China and Russia 3+3 of 6.
    summary = {d.actor: d.scorecard.summary for d in report.actors}
    assert summary == {
        "us": "0/3 (0%)",
        "dprk": "3/3 (100%)",
        "rok": "3/5 (60%)",
        "japan": "0/3 (0%)",
        "china": "6/6 (100%)",
        "russia": "6/6 (100%)",
    }
    japan = next(d for d in report.actors if d.actor == "japan")
    yongbyon = next(line for line in japan.lines if line.agenda == "yongbyon-sanctions")
    assert yongbyon.votes == ((1, "yes"),) and yongbyon.inconsistent_votes == (1,)
    dprk = next(d for d in report.actors if d.actor == "dprk")
    assert next(line for line in dprk.lines if line.agenda == "yongbyon-sanctions").proposed == (1,)
    pages = report_pages(hanoi, report)
    japan_page = next(p for p in pages if p.title == "The reveal — 🇯🇵 Japan")
    value = next(f.value for f in japan_page.fields if f.name.startswith("Yongbyon"))
    assert "⚠️ Voted against its own objective on #1." in value
    assert "❌ objective missed" in value


def test_quotes_prefer_evidence_then_length_and_skip_what_does_not_count(hanoi: Scenario) -> None:
    index = CitationIndex([card for _, card in hanoi.all_cards()])
    messages = [
        Said(1, "Ann", "us", "plenary", "ok"),  # too short
        Said(1, "Ann", "us", "plenary", "We will hold the line on sanctions until they move."),
        Said(1, "Ann", "us", "delegation", "Cite pub-9 and walk away from the table."),
        Said(2, "Bo", "dprk", "plenary", "Not my delegation speaking, with many many words here."),
        Said(1, "Ann", "us", "plenary", "A deleted message with plenty of words in it.", True),
        Said(1, "Ann", "us", "plenary", "We will hold the line on sanctions until they move."),
        Said(1, "Ann", "us", "plenary", "A very long line " + "and longer " * 40),
    ]
    quotes = pick_quotes(messages, {1}, index, limit=3)
    assert [q.text[:20] for q in quotes] == [
        "Cite pub-9 and walk ",
        "A very long line and",
        "We will hold the lin",
    ]
    assert quotes[0].cards == ("pub-9",) and quotes[0].channel_kind == "delegation"
    assert len(quotes[1].text) <= 220 and quotes[1].text.endswith("…")


def test_headlines_say_who_blocked_and_handle_no_vote(hanoi: Scenario) -> None:
    assert headline(hanoi, None).startswith("**No vote was held**")
    _, _, empty = played(hanoi, {}, {})
    assert headline(hanoi, empty) == "**No agreement.** No proposal was on the ballot."
    _, _, blocked = played(
        hanoi,
        {1: {"us": "yes", "dprk": "no"}},
        {"rok": ("remains", "Remains home.")},
    )
    text = headline(hanoi, blocked)
    assert text.startswith("**No agreement.** A deal needed a yes from United States and North")
    assert text.endswith("Not a yes from: #1 by North Korea.")


def page_size(page: Page, footer: str = "Debrief · session #99999 · page 99 of 99") -> int:
    return page.size(footer)


def assert_pages_fit(pages: list[Page]) -> None:
    for page in pages:
        assert len(page.title) <= TITLE_LIMIT
        assert len(page.description) <= DESCRIPTION_LIMIT
        assert len(page.fields) <= FIELDS_LIMIT
        for f in page.fields:
            assert 0 < len(f.name) <= FIELD_NAME_LIMIT
            assert 0 < len(f.value) <= FIELD_VALUE_LIMIT
        assert page_size(page) <= MESSAGE_EMBEDS_TOTAL
        # A page is about a phone screen: the budget plus one field or line that overflowed it.
        assert page_size(page) <= DEBRIEF_PAGE_BUDGET + FIELD_VALUE_LIMIT + FIELD_NAME_LIMIT + 200


def test_every_page_fits_for_the_largest_class(hanoi: Scenario) -> None:
    book = ProposalBook(tuple(i.id for i in hanoi.agenda), ACTORS)
    agenda = [i.id for i in hanoi.agenda]
    for n in range(25):
        sponsor = ACTORS[n % 6]
        text = f"{n} " + "“Quoted” **bold** @everyone clause " * 30
        book, _ = book.table(
            agenda[n % 4], sponsor, text[:600], uid(sponsor), NOW, phase_kind="plenary"
        )
    for n in range(1, 26):
        for actor in ACTORS:
            if actor not in book.proposal(n).backers:
                book = book.support(n, actor, NOW)
                break
    book, vote = open_vote(book, NOW)
    for n in range(1, 26):
        for actor in ACTORS:
            vote = vote.cast(n, actor, "yes" if n % 3 else "no", uid(actor), NOW)
    outcome: VoteOutcome = vote_outcome(book, vote.close(NOW), hanoi.decision_rule)
    students = [
        Student(uid(ACTORS[i % 6], i), f"Student with a long name {i:03d}" * 2, ACTORS[i % 6])
        for i in range(120)
    ]
    messages = [
        Said(
            s.user_id,
            s.name,
            s.actor,
            "delegation",
            "pub-9 " + "we hold the line on sanctions " * 80,
        )
        for s in students
    ]
    report = build_report(
        hanoi,
        99999,
        students=students,
        actors=ACTORS,
        messages=messages,
        proposals=book.proposals,
        ballots=vote.ballots,
        counting=tuple(vote.current().values()),
        outcome=outcome,
        floor=FloorTime({}, {s.user_id: 3599 for s in students}),
    )
    pages = report_pages(hanoi, report)
    assert_pages_fit(pages)
    assert sum(1 for p in pages if p.section == "participation") > 1
    participation = "\n".join(p.description for p in pages if p.section == "participation")
    assert all(s.name in participation for s in students)
    result = vote_result_pages(hanoi, book.proposals, outcome)
    assert_pages_fit(result)
    tallied = [f.name for p in result for f in p.fields if f.name.startswith("#")]
    assert len(tallied) == 25


def test_gradebook_csv_opens_cleanly_in_a_spreadsheet() -> None:
    figures = [
        Participation(1, "us", 3, 40, 62, 1, 2, ("pub-9", "us-1")),
        Participation(2, "dprk", 0, 0, 0, 0, 0, ()),
    ]
    rows = gradebook_rows(
        figures,
        {1: '=HYPERLINK("http://x")', 2: 'Zoë, "the" 🇰🇵 delegate'},
        {"us": "United States", "dprk": "North Korea"},
        {1: (3, 2)},
        {"us": ActorResult("us", 25, 10), "dprk": ActorResult("dprk", -5, 0)},
    )
    out = io.StringIO(newline="")
    assert write_gradebook_csv(rows, out) == 2
    data = out.getvalue()
    assert data.startswith("\ufeff") and "\r\n" in data
    parsed = list(csv.reader(io.StringIO(data[1:], newline="")))
    assert tuple(parsed[0]) == GRADEBOOK_COLUMNS
    assert parsed[1] == [
        '\'=HYPERLINK("http://x")',
        "United States",
        "25",
        "10",
        "yes",
        "3",
        "40",
        "62",
        "1",
        "2",
        "2",
        "pub-9 us-1",
        "3",
        "2",
        "67",
        "1",
    ]
    assert parsed[2][0] == 'Zoë, "the" 🇰🇵 delegate'
    assert parsed[2][2:5] == ["-5", "0", "no"]  # a negative number stays a number
    assert parsed[2][12:15] == ["0", "0", ""]
    plain = gradebook_rows(figures, {}, {}, {})
    assert plain[0].cells()[2:5] == ["", "", ""]  # no game: empty, not zero
