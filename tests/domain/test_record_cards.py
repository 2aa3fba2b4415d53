"""Public-record cards: shown apart from the article, labelled, gone in an article-only class."""

from __future__ import annotations

import pytest

from bot.content.loader import DEFAULT_CONTENT_DIR, load_scenario
from bot.content.models import ARTICLE_ONLY_POSITION, RECORD_LABEL, Scenario
from bot.domain.brief_pages import brief_pages, cite
from bot.domain.debrief import _claim_field


@pytest.fixture(scope="module")
def hanoi() -> Scenario:
    return load_scenario(DEFAULT_CONTENT_DIR / "hanoi-2019")


def test_every_record_card_has_a_source_and_a_date(hanoi: Scenario) -> None:
    assert len(hanoi.record) >= 20
    for card in hanoi.record:
        assert card.source.strip() and card.date is not None and card.fact.strip()


def test_the_five_resolutions_are_named(hanoi: Scenario) -> None:
    fact = hanoi.record_card("rec-five-resolutions").fact
    for number, date in [
        ("2270", "2 March 2016"),
        ("2321", "30 November 2016"),
        ("2371", "5 August 2017"),
        ("2375", "11 September 2017"),
        ("2397", "22 December 2017"),
    ]:
        assert f"{number} ({date})" in fact


def test_a_brief_shows_the_record_on_its_own_labelled_page(hanoi: Scenario) -> None:
    pages = brief_pages(hanoi, "china")
    record = [p for p in pages if p.section == "record"]
    evidence = [p for p in pages if p.section == "evidence"]
    assert record and evidence
    assert record[0].title.startswith(RECORD_LABEL)
    shown = " ".join(f.name + f.value for p in record for f in p.fields)
    assert "Korean War Armistice Agreement, 27 July 1953" in shown
    # the article's cards are never mixed with the record
    assert not any("Source:" in f.value for p in evidence for f in p.fields)
    # a claim resting on the record says so where it is read
    assert cite(hanoi, ["cr-1", "rec-armistice"]) == "(¶7; record)"
    assert cite(hanoi, ["cr-1"]) == "(¶7)"


def test_the_debrief_labels_record_facts(hanoi: Scenario) -> None:
    claim = next(c for c in hanoi.history.what_happened if "rec-stockholm" in c.cards)
    field = _claim_field(hanoi, claim, 1)
    assert "public record" in field.name
    assert f"{RECORD_LABEL}: " in field.value


def test_article_only_hides_every_record_card_and_what_rests_on_it(hanoi: Scenario) -> None:
    plain = hanoi.article_only()
    assert plain.record == [] and hanoi.record  # the original is untouched
    record_ids = {card.id for card in hanoi.record}
    for actor_id in plain.play_order:
        pages = brief_pages(plain, actor_id)
        assert not any(p.section == "record" for p in pages)
        brief = plain.brief_for(actor_id)
        for name in ("situation", "interests", "red_lines", "offers", "levers", "talking_points"):
            for claim in getattr(brief, name):
                assert not record_ids.intersection(claim.cards), (actor_id, name)
        # one position per item still, a record-based one replaced by a plain statement
        assert [p.agenda for p in brief.positions] == [i.id for i in plain.agenda]
        for position in brief.positions:
            assert not record_ids.intersection(position.cards)
    rok = plain.brief_for("rok").position("end-of-war")
    assert rok.text == ARTICLE_ONLY_POSITION and rok.article_silent
    assert not any(record_ids.intersection(q.record_cards) for q in plain.quiz)
    assert len(plain.quiz) < len(hanoi.quiz)
    # the game keeps every option and every value, without the record's words
    assert [len(i.options) for i in plain.agenda] == [len(i.options) for i in hanoi.agenda]
    for item in plain.agenda:
        for option in item.options:
            assert not record_ids.intersection(option.cards), (item.id, option.id)
    for actor_id, schedule in plain.schedules.items():
        entries = [schedule.no_deal, *(e for es in schedule.items.values() for e in es.values())]
        assert not any(record_ids.intersection(e.cards) for e in entries), actor_id
        original = hanoi.schedule(actor_id)
        assert schedule.no_deal.points == original.no_deal.points
        assert {i: {o: e.points for o, e in es.items()} for i, es in schedule.items.items()} == {
            i: {o: e.points for o, e in es.items()} for i, es in original.items.items()
        }
