"""Quiz rules: checking answers, bad input, practice order, race points, ranks, progress."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from bot.content.models import Scenario
from bot.content.questions import scenario_questions
from bot.domain.grading import MAX_ANSWER_LENGTH
from bot.domain.leitner import review
from bot.domain.quiz import (
    BadAnswer,
    Choice,
    Question,
    RaceAnswer,
    Standing,
    award_points,
    check,
    clean_text,
    excerpt,
    plan_practice,
    progress_by_actor,
    progress_by_paragraph,
    rank,
    trim,
)

NOW = datetime(2026, 3, 2, 21, 0, tzinfo=UTC)

SHORT = Question(
    bank="b",
    item_id="s",
    kind="short_answer",
    prompt="Where was the liaison office to be?",
    accept=("Pyongyang",),
    reject=("Hanoi", "Seoul"),
)
MC = Question(
    bank="b",
    item_id="m",
    kind="multiple_choice",
    prompt="How did it end?",
    choices=(Choice("0", "A deal"), Choice("1", "No agreement")),
    answer="1",
)


@pytest.mark.parametrize(
    ("given", "correct"),
    [
        ("Pyongyang", True),
        ("pyongyang", True),
        ("Pyongyan", True),  # a typo is forgiven
        ("Pyong\u200byang", True),  # zero-width space inside the word
        ("\u202ePyongyang", True),  # a right-to-left override in front
        ("Pyongyang 🙂", True),
        ("Hanoi", False),  # a known wrong answer
        ("Seoul", False),
        ("بيونغ يانغ", False),  # right-to-left script: graded, just not right
    ],
)
def test_short_answers_are_graded(given: str, correct: bool) -> None:
    assert check(SHORT, given).correct is correct


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("", "empty"),
        ("   \n ", "empty"),
        ("🙂🙂🙂", "letters or digits"),
        ("\u200b\u200b\u200d", "letters or digits"),
        ("x" * 10_000, "10,000 characters"),
        ("word " * 60, "too many words"),
    ],
)
def test_input_that_is_not_an_answer_is_refused_with_a_message(given: str, message: str) -> None:
    with pytest.raises(BadAnswer, match=message):
        check(SHORT, given)


def test_a_choice_is_right_or_wrong_and_shown_with_its_letter() -> None:
    right = check(MC, "1")
    assert right.correct and right.given == "B. No agreement"
    wrong = check(MC, "0")
    assert not wrong.correct and wrong.given == "A. A deal"
    assert MC.right_answer == "B. No agreement"
    with pytest.raises(BadAnswer):
        check(MC, "7")


def test_clean_text_drops_invisible_characters_and_cuts_long_text() -> None:
    assert clean_text("\u202eab\u200bc\u200f  d\n e") == "abc d e"
    assert len(clean_text("word " * 1000, limit=50)) <= 50
    assert clean_text("word " * 1000, limit=50).endswith("…")
    assert trim("short", 10) == "short"
    assert len(trim("a" * 600, MAX_ANSWER_LENGTH)) == MAX_ANSWER_LENGTH


def test_scenario_questions_carry_paragraph_text_and_actors(scenarios: dict[str, Scenario]) -> None:
    scenario = scenarios["hanoi-2019"]
    questions = scenario_questions(scenario, ["first paragraph", "second paragraph"])
    assert len(questions) == len(scenario.quiz)
    first = questions[0]
    assert first.key == "hanoi-2019/q-01"
    assert first.paragraph_text == "first paragraph"
    which = next(q for q in questions if q.kind == "which_actor")
    assert {c.value for c in which.choices} == set(scenario.play_order)
    assert which.right_answer.endswith(scenario.actor(which.answer).name)
    tf = next(q for q in questions if q.kind == "true_false")
    assert {c.value for c in tf.choices} == {"true", "false"}


def test_practice_serves_due_items_first_then_unseen_then_the_rest() -> None:
    keys = [f"b/{i}" for i in range(6)]
    cards = {
        "b/0": review(None, True, NOW - timedelta(days=10)),  # due long ago
        "b/1": review(None, False, NOW - timedelta(days=2)),  # due recently
        "b/2": review(None, True, NOW),  # not due
    }
    planned = plan_practice(keys, cards, NOW, 6, random.Random(1))
    assert planned[:2] == ["b/0", "b/1"]
    assert set(planned[2:5]) == {"b/3", "b/4", "b/5"}
    assert planned[5] == "b/2"
    assert plan_practice(keys, cards, NOW, 2) == ["b/0", "b/1"]


def _answers() -> list[RaceAnswer]:
    t = NOW
    return [
        RaceAnswer(1, 100, False, t),
        RaceAnswer(2, 200, True, t + timedelta(seconds=3)),
        RaceAnswer(3, 300, True, t + timedelta(seconds=1)),
        RaceAnswer(4, 400, True, t + timedelta(seconds=1)),  # same time as 3, stored later
    ]


def test_first_correct_scores_only_the_earliest_right_answer() -> None:
    assert award_points("first", _answers()) == {3: 1}


def test_all_correct_scores_every_right_answer() -> None:
    assert award_points("all", _answers()) == {2: 1, 3: 1, 4: 1}
    assert award_points("first", []) == {}


def test_ranks_share_places_on_equal_scores() -> None:
    ranked = rank(
        [
            Standing(0, 1, points=2, correct=2),
            Standing(0, 2, points=5, correct=5),
            Standing(0, 3, points=2, correct=2),
            Standing(0, 4, points=1, correct=3),
        ]
    )
    assert [(s.rank, s.user_id) for s in ranked] == [(1, 2), (2, 1), (2, 3), (4, 4)]


def test_progress_by_paragraph_and_actor() -> None:
    q1 = Question("b", "1", "short_answer", "?", accept=("x",), paragraph=1, actors=("us",))
    q2 = Question("b", "2", "short_answer", "?", accept=("x",), paragraph=1, actors=("dprk",))
    q3 = Question("b", "3", "short_answer", "?", accept=("x",), paragraph=4, actors=("us",))
    learned = review(review(None, True, NOW), True, NOW)  # box 3
    cards = {"b/1": learned, "b/3": review(None, False, NOW)}
    tally = {"b/1": (2, 2), "b/3": (1, 0)}

    by_paragraph = dict(progress_by_paragraph([q1, q2, q3], cards, tally))
    assert (by_paragraph[1].total, by_paragraph[1].seen, by_paragraph[1].learned) == (2, 1, 1)
    assert (by_paragraph[4].attempts, by_paragraph[4].correct) == (1, 0)
    assert by_paragraph[4].accuracy == 0.0

    by_actor = dict(progress_by_actor([q1, q2, q3], cards, tally, ["us", "dprk", "japan"]))
    assert list(by_actor) == ["us", "dprk"]  # actors without items are left out
    assert (by_actor["us"].total, by_actor["us"].seen) == (2, 2)
    assert by_actor["us"].accuracy == pytest.approx(2 / 3)


def test_an_excerpt_keeps_the_quoted_words_of_a_long_paragraph() -> None:
    paragraph = " ".join(f"word{i}" for i in range(300)) + " the words that matter " + "tail " * 50
    cut = excerpt(paragraph, ["the words that matter"], 200)
    assert len(cut) <= 200
    assert cut.startswith("…") and "the words that matter" in cut
    assert excerpt("short paragraph", ["x"], 200) == "short paragraph"
    assert excerpt(paragraph, ["not there"], 100).startswith("word0 word1")
