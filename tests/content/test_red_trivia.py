"""Red-DiscordBot trivia lists: a good list written in that format, and malformed ones whose
errors name the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.red_trivia import (
    TriviaFormatError,
    load_red_trivia,
    parse_red_trivia,
    trivia_item_id,
)
from bot.db.models.quiz import QuizBank, QuizBankItem
from bot.domain.quiz import check
from bot.services.quiz_catalogue import trivia_question

FIXTURES = Path(__file__).parent / "fixtures" / "red-trivia"
GOOD = FIXTURES / "korea-basics.yaml"


def test_the_good_list_loads_with_author_config_and_answers() -> None:
    trivia = load_red_trivia(GOOD)
    assert trivia.author == "Parley test suite"
    assert trivia.config == {
        "max_score": 10,
        "delay": 20,
        "timeout": 120,
        "reveal_answer": True,
        "bot_plays": False,
    }
    assert len(trivia.questions) == 10
    by_text = {q.text: q for q in trivia.questions}
    assert by_text["What is the capital of North Korea?"].answers == ("Pyongyang",)
    assert by_text["What is the capital of North Korea?"].line == 10
    # Like Red: a number answer becomes text, and YAML's `no`/`yes` stand for all their spellings.
    assert by_text["In which year was the Korean War armistice signed?"].answers == ("1953",)
    assert by_text["Did a peace treaty formally end the Korean War?"].answers == (
        "False",
        "No",
        "Off",
    )
    assert by_text["Is Tokyo the capital of Japan?"].answers == ("True", "Yes", "On")


def test_imported_questions_are_graded_by_the_same_grader() -> None:
    trivia = load_red_trivia(GOOD)
    bank = QuizBank(name="korea-basics", author=trivia.author)
    questions = {
        q.text: trivia_question(
            bank, QuizBankItem(item_id=q.item_id, question=q.text, answers=list(q.answers))
        )
        for q in trivia.questions
    }
    parallel = questions["Along which line of latitude was Korea divided in 1945?"]
    assert parallel.key.startswith("trivia:korea-basics/t-")
    assert parallel.source == "korea-basics (by Parley test suite)"
    assert check(parallel, "the 38th paralell").correct  # a typo is forgiven
    assert not check(parallel, "39th parallel").correct  # a number is not
    assert check(questions["Did a peace treaty formally end the Korean War?"], "No").correct
    assert check(questions["What does DMZ stand for?"], "demilitarized zone").correct


def test_item_ids_are_stable_across_spacing_and_case() -> None:
    assert trivia_item_id("What is  the capital?") == trivia_item_id("what is the capital?")
    assert trivia_item_id("What is the capital?") != trivia_item_id("What is the capitol?")


@pytest.mark.parametrize(
    ("file", "expected"),
    [
        (
            "bad-yaml.yaml",
            [(5, "not valid YAML: while parsing a flow sequence (opened on line 4)")],
        ),
        ("answers-not-a-list.yaml", [(4, "must be a list")]),
        ("question-read-as-boolean.yaml", [(3, "'yes' is read as a true/false value")]),
        ("repeated-question.yaml", [(5, "already on line 1")]),
        (
            "bad-config.yaml",
            [
                (3, "CONFIG delay must be a number of at least 4"),
                (4, "'max_points' is not a CONFIG key"),
            ],
        ),
        ("no-answers.yaml", [(3, "has no answers"), (5, "an answer is empty")]),
        ("only-author.yaml", [(1, "does not contain any questions")]),
        ("not-a-mapping.yaml", [(1, "a trivia list is a mapping")]),
    ],
)
def test_malformed_lists_name_the_line_of_every_fault(
    file: str, expected: list[tuple[int, str]]
) -> None:
    path = FIXTURES / "broken" / file
    with pytest.raises(TriviaFormatError) as caught:
        load_red_trivia(path)
    problems = caught.value.problems
    assert [p.line for p in problems] == [line for line, _ in expected]
    for problem, (_, fragment) in zip(problems, expected, strict=True):
        assert fragment in problem.message
    first_line = str(caught.value).splitlines()[0]
    assert first_line.startswith(f"{path}:{expected[0][0]}: ")


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("", 1, "the file is empty"),
        ("Q?:\n  - [a, b]\n", 2, "an answer must be text"),
        ("Q?:\n  - 2019-06-30\n", 2, "read as a date"),
        ("? [a, b]\n: [c]\n", 1, "a question must be text"),
        ("1945:\n  - year\n", 1, "read as a number"),
        ("AUTHOR: [a]\nQ?: [x]\n", 1, "AUTHOR must be text"),
        ("CONFIG: 3\nQ?: [x]\n", 1, "CONFIG should be a 'key: value' mapping"),
        ("Q?:\n" + "".join(f"  - a{i}\n" for i in range(26)), 2, "26 answers (at most 25)"),
        (f"? {'Why' * 400}?\n: [x]\n", 1, "at most 1,000"),  # explicit key: YAML allows >1024
        ("Q?:\n  - " + "x" * 201 + "\n", 2, "longer than 200"),
    ],
)
def test_other_faults(text: str, line: int, fragment: str) -> None:
    with pytest.raises(TriviaFormatError) as caught:
        parse_red_trivia(text, "list.yaml")
    assert caught.value.problems[0].line == line
    assert fragment in caught.value.problems[0].message


def test_a_file_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("Q?:\n  - ok\nCapital?:\n  - Bogot\xe1\n".encode("latin-1"))
    with pytest.raises(TriviaFormatError) as caught:
        load_red_trivia(path)
    assert caught.value.problems[0].line == 4
    assert "UTF-8" in caught.value.problems[0].message
