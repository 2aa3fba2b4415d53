"""Choices shuffled per student and item: a permutation, stable, and balanced for every student."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.content.loader import DEFAULT_CONTENT_DIR, load_scenario
from bot.content.questions import scenario_questions
from bot.domain.choice_order import choice_order, shuffled_for
from bot.domain.quiz import Question, check

MAX_KEY_SHARE = 0.40


@given(
    user=st.integers(min_value=0, max_value=2**63),
    item=st.text(min_size=1, max_size=20),
    count=st.integers(min_value=2, max_value=5),
    data=st.data(),
)
def test_the_order_is_a_permutation_and_the_same_every_time(
    user: int, item: str, count: int, data: st.DataObject
) -> None:
    right = data.draw(st.integers(min_value=0, max_value=count - 1))
    order = choice_order(user, item, count, right)
    assert sorted(order) == list(range(count))
    assert order == choice_order(user, item, count, right)  # reopening shows the same order


@given(user=st.integers(min_value=0, max_value=2**40), count=st.integers(min_value=2, max_value=5))
def test_the_right_answer_moves_by_the_same_offset_for_one_student(user: int, count: int) -> None:
    shifts = {
        (choice_order(user, f"bank/q-{n}", count, right).index(right) - right) % count
        for n in range(6)
        for right in range(count)
    }
    assert len(shifts) == 1


def test_students_see_different_orders() -> None:
    orders = {choice_order(user, "hanoi-2019/q-01", 4, 1) for user in range(200)}
    positions = Counter(
        order.index(1) for order in [choice_order(u, "x/q", 4, 1) for u in range(400)]
    )
    assert len(orders) > 12  # of the 24 possible
    assert set(positions) == {0, 1, 2, 3}


def test_a_bad_right_index_is_refused() -> None:
    with pytest.raises(ValueError):
        choice_order(1, "x", 4, 4)


@pytest.fixture(scope="module")
def questions() -> list[Question]:
    return scenario_questions(load_scenario(DEFAULT_CONTENT_DIR / "hanoi-2019"))


@pytest.mark.parametrize("user", [0, 1, 7, 42, 10**6, 2**40 + 3, 987654321987])
def test_no_position_holds_more_than_40_percent_of_keys_as_a_student_sees_them(
    questions: list[Question], user: int
) -> None:
    shown = [shuffled_for(q, user) for q in questions if q.kind == "multiple_choice"]
    keys = Counter([c.value for c in q.choices].index(q.answer) for q in shown)
    assert max(keys.values()) / len(shown) <= MAX_KEY_SHARE, keys


def test_shuffled_items_still_grade_by_value(questions: list[Question]) -> None:
    for q in questions:
        if q.kind != "multiple_choice":
            assert shuffled_for(q, 5) is q
            continue
        shown = shuffled_for(q, 5)
        assert sorted(c.value for c in shown.choices) == sorted(c.value for c in q.choices)
        assert check(shown, q.answer).correct
        wrong = next(c.value for c in shown.choices if c.value != q.answer)
        assert not check(shown, wrong).correct
        # the letter a student reads is the shown position
        assert shown.right_answer.startswith(
            "ABCDE"[[c.value for c in shown.choices].index(q.answer)]
        )
