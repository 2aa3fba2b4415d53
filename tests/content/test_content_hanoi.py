"""The shipped Hanoi 2019 pack: sound, complete, and true to its seed."""

from __future__ import annotations

import hashlib
import re
from collections import Counter

import pytest

from bot.content.check import check_all, check_scenario
from bot.content.loader import (
    DEFAULT_CONTENT_DIR,
    DEFAULT_SEEDS_DIR,
    load_scenario,
    load_scenarios,
    load_seed,
)
from bot.content.models import (
    MAX_FIELD_CHARS,
    MultipleChoice,
    Scenario,
    ShortAnswer,
    TrueFalse,
    WhichActor,
    answer_key,
)
from bot.content.questions import question_from_item
from bot.content.seed import normalise
from bot.domain.quiz import check

HANOI = DEFAULT_CONTENT_DIR / "hanoi-2019"
SEED_SHA256 = "edf9efae935c4f980408c2fd154afdaa8fa1fd17499669dc9f8129517f69b0c5"
AGENDA = ["end-of-war", "liaison-office", "yongbyon", "sanctions-relief", "remains", "testing"]
COVERED = [n for n in range(1, 15) if n != 10]


@pytest.fixture(scope="module")
def hanoi() -> Scenario:
    return load_scenario(HANOI)


def test_all_shipped_content_passes_the_check() -> None:
    assert [str(p) for p in check_all()] == []
    assert [str(p) for p in check_scenario(HANOI)] == []


def test_load_scenarios_finds_hanoi() -> None:
    assert "hanoi-2019" in load_scenarios()


def test_seed_is_the_untouched_article() -> None:
    data = (DEFAULT_SEEDS_DIR / "hanoi-no-agreement.txt").read_bytes()
    assert hashlib.sha256(data).hexdigest() == SEED_SHA256
    seed = load_seed(DEFAULT_SEEDS_DIR, "hanoi-no-agreement.txt")
    assert len(seed.paragraphs) == 16
    assert seed.paragraph(10) == "Now, the important question is what comes next?"
    assert seed.paragraph(15).startswith("Michael MacArthur Bosack is")
    assert seed.paragraph(16).startswith("In a time of both misinformation")
    assert [seed.role(n) for n in (1, 14, 15, 16)] == [
        "analysis",
        "analysis",
        "author_note",
        "footer",
    ]
    assert seed.meta.covered() == COVERED


def test_seed_metadata_invents_nothing(hanoi: Scenario) -> None:
    meta = load_seed(DEFAULT_SEEDS_DIR, "hanoi-no-agreement.txt").meta
    assert meta.author == "Michael MacArthur Bosack"
    assert meta.title is None and meta.outlet is None
    assert any("Title and outlet are unknown" in note for note in meta.notes)
    assert hanoi.source.title is None and hanoi.source.outlet is None
    assert hanoi.source.author == meta.author


def test_identity_actors_and_order(hanoi: Scenario) -> None:
    assert (hanoi.id, hanoi.title) == ("hanoi-2019", "Hanoi 2019")
    assert hanoi.play_order == ["us", "dprk", "rok", "japan", "china", "russia"]
    assert all(0 <= actor.colour <= 0xFFFFFF for actor in hanoi.actors)
    assert hanoi.actor("dprk").name == "North Korea"


@pytest.mark.parametrize(
    ("typed", "actor_id"),
    [
        ("north korea", "dprk"),
        ("Pyongyang", "dprk"),
        ("kim regime", "dprk"),
        ("DPRK", "dprk"),
        ("south korea", "rok"),
        ("Seoul", "rok"),
        ("moon administration", "rok"),
        ("s korea", "rok"),
        ("Tokyo", "japan"),
        ("abe administration", "japan"),
        ("Beijing", "china"),
        ("PRC", "china"),
        ("Moscow", "russia"),
        ("USA", "us"),
        ("United States", "us"),
        ("Washington", "us"),
        ("U.S.", "us"),
    ],
)
def test_aliases_name_one_actor(hanoi: Scenario, typed: str, actor_id: str) -> None:
    owners = {
        actor.id
        for actor in hanoi.actors
        for name in (actor.id, actor.name, *actor.aliases)
        if answer_key(name) == answer_key(typed)
    }
    assert owners == {actor_id}


@pytest.mark.parametrize(
    ("students", "expected"),
    [
        (2, ["us", "dprk"]),
        (3, ["us", "dprk", "rok"]),
        (4, ["us", "dprk", "rok", "japan"]),
        (5, ["us", "dprk", "rok", "japan", "china"]),
        (6, ["us", "dprk", "rok", "japan", "china", "russia"]),
        (24, ["us", "dprk", "rok", "japan", "china", "russia"]),
    ],
)
def test_actors_for_class_size(hanoi: Scenario, students: int, expected: list[str]) -> None:
    assert hanoi.actors_for_class_size(students) == expected


def test_too_small_a_class_is_refused(hanoi: Scenario) -> None:
    with pytest.raises(ValueError, match="at least 2"):
        hanoi.actors_for_class_size(1)


def test_agenda_is_the_deliverables_of_paragraph_one_and_a_test_pledge(hanoi: Scenario) -> None:
    assert [item.id for item in hanoi.agenda] == AGENDA
    assert all(hanoi.card(c).paragraph == 1 for c in hanoi.agenda_item("remains").cards)
    # the two halves of the third deliverable keep ¶12's hedge
    for item_id in ("yongbyon", "sanctions-relief"):
        assert "seemed evident" in hanoi.agenda_item(item_id).description


def test_decision_rule_and_history(hanoi: Scenario) -> None:
    rule = hanoi.decision_rule
    assert rule.must_agree == ["us", "dprk"]
    assert hanoi.advisory_actors() == ["rok", "japan", "china", "russia"]
    assert rule.passes({"us", "dprk"}) and rule.passes({"us", "dprk", "japan"})
    assert not rule.passes({"us", "rok", "japan", "china", "russia"})
    assert set(hanoi.history.outcome.values()) == {"not_adopted"}
    argument = " ".join(claim.text for claim in hanoi.history.author_argument)
    assert "a victory for process" in argument
    assert any(
        hanoi.card(c).paragraph == 4 for claim in hanoi.history.author_argument for c in claim.cards
    )


def test_every_actor_has_a_position_on_every_item(hanoi: Scenario) -> None:
    for actor_id in hanoi.play_order:
        brief = hanoi.brief_for(actor_id)
        assert [p.agenda for p in brief.positions] == AGENDA
        for position in brief.positions:
            assert position.cards
            if position.article_silent:  # says so, in words
                assert re.search(r"article (does not|gives no|only)", position.text), position


def test_silences_are_said_not_filled(hanoi: Scenario) -> None:
    japan = hanoi.brief_for("japan").position("liaison-office")
    assert japan.article_silent
    for actor_id in ("china", "russia"):
        brief = hanoi.brief_for(actor_id)
        assert any("only together" in gap for gap in brief.article_gaps)
        assert brief.discussion_prompts
        assert all(p.startswith("Beyond the article") for p in brief.discussion_prompts)
    # a position silent in the article AND in the record is never scored
    for objective in hanoi.objectives:
        position = hanoi.brief_for(objective.actor).position(objective.agenda)
        on_record = any(hanoi.is_record(c) for c in position.cards)
        inferred = "Inferred" in objective.rationale
        if position.article_silent and not on_record and not inferred:
            assert objective.wants == "indifferent", (objective.actor, objective.agenda)
    # South Korea is scored only where its brief gives a stance
    rok = [o for o in hanoi.objectives if o.actor == "rok" and o.wants != "indifferent"]
    for objective in rok:
        position = hanoi.brief_for("rok").position(objective.agenda)
        assert not position.article_silent or any(hanoi.is_record(c) for c in position.cards)


def test_objectives_cover_every_actor_and_item(hanoi: Scenario) -> None:
    pairs = Counter((o.actor, o.agenda) for o in hanoi.objectives)
    assert set(pairs) == {(a, i) for a in hanoi.play_order for i in AGENDA}
    assert set(pairs.values()) == {1}
    assert hanoi.objective("dprk", "sanctions-relief").wants == "adopted"
    assert hanoi.objective("japan", "sanctions-relief").wants == "not_adopted"
    assert hanoi.objective("us", "sanctions-relief").met_by("not_adopted") is True
    assert hanoi.objective("us", "liaison-office").met_by("adopted") is None
    # the US position is conditional, and Japan's inferences are said to be inferences
    assert "without adequate concessions" in hanoi.objective("us", "sanctions-relief").rationale
    assert "Stated" not in hanoi.objective("japan", "yongbyon").rationale
    assert "Inferred" in hanoi.objective("japan", "sanctions-relief").rationale


def test_brief_evidence_is_shown_with_the_brief(hanoi: Scenario) -> None:
    cards = hanoi.cards_for("japan")
    ids = [card.id for card in cards]
    assert {"jp-1", "jp-2", "jp-3", "jp-4", "us-1"} <= set(ids)
    assert [c.paragraph for c in cards] == sorted(c.paragraph for c in cards)


def test_texts_fit_discord(hanoi: Scenario) -> None:
    for actor_id in hanoi.play_order:
        brief = hanoi.brief_for(actor_id)
        for card in brief.cards:
            assert len(card.quote) < MAX_FIELD_CHARS
        for section in ("situation", "interests", "positions", "red_lines", "talking_points"):
            assert sum(len(c.text) for c in getattr(brief, section)) <= 1500


def test_round_plan_is_the_standard_fifty_minutes(hanoi: Scenario) -> None:
    plan = [(p.kind, p.duration, p.speaking_time) for p in hanoi.round_plan]
    assert plan == [
        ("preparation", 360, None),
        ("opening_statements", 360, 60),
        ("caucus", 600, None),
        ("plenary", 900, None),
        ("final_statements", 240, 40),
        ("vote", 180, None),
        ("debrief", 360, None),
    ]
    assert hanoi.plan_duration() == 50 * 60
    assert hanoi.round_plan[2].pairs == [("us", "dprk"), ("rok", "japan"), ("china", "russia")]


def test_reflection_prompts(hanoi: Scenario) -> None:
    assert 3 <= len(hanoi.reflection_prompts) <= 5


def test_quiz_bank_size_types_and_coverage(hanoi: Scenario) -> None:
    assert len(hanoi.quiz) >= 60
    types = Counter(item.type for item in hanoi.quiz)
    assert set(types) == {"multiple_choice", "short_answer", "which_actor", "true_false"}
    covered = Counter(item.paragraph for item in hanoi.quiz if not item.beyond_article)
    assert sorted(covered) == COVERED
    assert all(1 <= item.paragraph <= 14 for item in hanoi.quiz)
    assert len({item.id for item in hanoi.quiz}) == len(hanoi.quiz)
    topics = {t.id for t in hanoi.topics}
    assert all(item.topic in topics for item in hanoi.quiz)


def test_quiz_answers_are_well_formed(hanoi: Scenario) -> None:
    for item in hanoi.quiz:
        if isinstance(item, MultipleChoice):
            assert 0 <= item.answer_index < len(item.choices)
        elif isinstance(item, ShortAnswer):
            accepted = {answer_key(a) for a in item.accept}
            assert accepted and not accepted & {answer_key(r) for r in item.reject}
        elif isinstance(item, WhichActor):
            assert item.answer in hanoi.play_order
        else:
            assert isinstance(item, TrueFalse)


def test_a_wrong_actor_is_rejected_not_forgiven(hanoi: Scenario) -> None:
    item = hanoi.quiz_item("q-40")
    assert isinstance(item, ShortAnswer)
    assert "DPRK" in item.accept and "ROK" in item.reject


def test_explanations_quote_their_own_paragraph(hanoi: Scenario) -> None:
    seed = load_seed(DEFAULT_SEEDS_DIR, "hanoi-no-agreement.txt")
    for item in hanoi.quiz:
        if not item.beyond_article:
            assert '"' in item.explanation, item.id
    # and the cards really are verbatim
    for _, card in hanoi.all_cards():
        assert normalise(card.quote) in normalise(seed.paragraph(card.paragraph))


# --- a fair quiz (issue 13) ----------------------------------------------------------------------


def test_no_key_position_holds_more_than_40_percent_as_authored(hanoi: Scenario) -> None:
    mc = [item for item in hanoi.quiz if isinstance(item, MultipleChoice)]
    keys = Counter(item.answer_index for item in mc)
    assert len(mc) >= 40
    assert max(keys.values()) / len(mc) <= 0.40, keys


def test_true_false_is_balanced(hanoi: Scenario) -> None:
    answers = Counter(item.answer for item in hanoi.quiz if isinstance(item, TrueFalse))
    assert abs(answers[True] - answers[False]) <= 2, answers


def test_the_right_choice_is_not_given_away_by_its_length(hanoi: Scenario) -> None:
    mc = [item for item in hanoi.quiz if isinstance(item, MultipleChoice)]

    def strictly_longest(item: MultipleChoice) -> bool:
        lengths = [len(choice) for choice in item.choices]
        return lengths[item.answer_index] == max(lengths) and lengths.count(max(lengths)) == 1

    assert sum(map(strictly_longest, mc)) / len(mc) <= 0.30


@pytest.mark.parametrize(
    ("item_id", "answer"),
    [
        ("q-71", "working-level talks"),
        ("q-71", "working level talks"),
        ("q-40", "N. Korea"),
        ("q-40", "the North"),
        ("q-20", "the 2018 Singapore summit"),
        ("q-03", "Yongbyon, North Korea"),
        ("q-04", "Pyongyang, North Korea"),
    ],
)
def test_the_listed_items_accept_sound_answers_through_the_grader(
    hanoi: Scenario, item_id: str, answer: str
) -> None:
    question = question_from_item(hanoi, hanoi.quiz_item(item_id))
    assert check(question, answer).correct


@pytest.mark.parametrize(
    ("item_id", "answer"), [("q-40", "South Korea"), ("q-40", "ROK"), ("q-20", "Hanoi")]
)
def test_the_listed_items_still_refuse_wrong_answers(
    hanoi: Scenario, item_id: str, answer: str
) -> None:
    question = question_from_item(hanoi, hanoi.quiz_item(item_id))
    assert not check(question, answer).correct


def test_pyongyang_is_not_listed_as_wrong_for_the_summit_before_hanoi(hanoi: Scenario) -> None:
    item = hanoi.quiz_item("q-20")
    assert isinstance(item, ShortAnswer)
    assert "pyongyang" not in {answer_key(r) for r in item.reject}


def test_maximum_pressure_is_keyed_as_us_policy_abe_championed(hanoi: Scenario) -> None:
    item = hanoi.quiz_item("q-33")
    assert isinstance(item, MultipleChoice)
    key = item.choices[item.answer_index]
    assert "US" in key and "Abe" in key


def test_application_items_name_their_actors_and_sources(hanoi: Scenario) -> None:
    applied = [item for item in hanoi.quiz if item.topic == "apply"]
    assert len(applied) >= 24
    for item in applied:
        assert item.actors, item.id
        if item.beyond_article:
            assert item.record_cards, item.id  # cited to a record card
        assert all(hanoi.is_record(card_id) for card_id in item.record_cards)
