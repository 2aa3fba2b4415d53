"""Tests for the quiz-author advice (bot.domain.quiz_lint) and `parley quiz lint`."""

from __future__ import annotations

import json
from collections.abc import Sequence

import pytest

from bot.cli.grading import main
from bot.domain.quiz_lint import Finding, LintItem, lint_items, vocabulary_of

LUNCH = LintItem("q-lunch", "What did observers see empty?", ("lunch table",), ())
CAPITAL = LintItem("q-cap", "In which city was the office to open?", ("Pyongyang",), ("Seoul",))
PLACE = LintItem("q-place", "Where was the first summit?", ("Singapore",), ())
PERSON = LintItem("q-who", "Who wrote the article?", ("Michael MacArthur Bosack",), ())
COUNTRY = LintItem("q-country", "Which country hosted?", ("Vietnam",), ())
UNUSUAL_PERSON = LintItem("q-sg", "Which economist?", ("Sterling Brown",), ())
NEAR = LintItem("q-near", "Which leader?", ("Kim Jong-un",), ())
NEAR_OTHER = LintItem("q-near2", "Whose father?", ("Kim Jong-il",), ())


def kinds(findings: Sequence[Finding], item_id: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in findings:
        if f.item_id == item_id:
            out.setdefault(f.kind, []).append(f.text)
    return out


def test_vocabulary_is_words_of_four_letters_or_more() -> None:
    assert vocabulary_of(["A launch, a lunch; 2019 and Hà Nội!"]) == {"launch", "lunch"}


def test_real_word_neighbours_the_grader_accepts_are_listed() -> None:
    vocab = vocabulary_of(["the munch table and the lunches"])
    found = kinds(lint_items([LUNCH], vocab), "q-lunch")
    # "munch" is one letter from "lunch" and a word of the bank: listed only if accepted;
    # "lunches" is a form of "lunch", never a confusion.
    assert all("lunches" not in text for text in found.get("neighbour", []))


def test_a_neighbour_the_grader_already_refuses_is_not_listed() -> None:
    found = kinds(lint_items([LUNCH], vocabulary_of(["launch"])), "q-lunch")
    assert "neighbour" not in found  # "launch table" is refused as a real word


def test_neighbour_that_passes_is_listed() -> None:
    # "Pyongyang" and "Pyongyanh" are not English words, so one edit is read as a typo; if
    # the bank's article has such a word, the author is told to reject it.
    found = kinds(lint_items([CAPITAL], vocabulary_of(["pyongyanh"])), "q-cap")
    assert found["neighbour"] == ["pyongyanh"]


def test_answers_elsewhere_in_the_bank_that_come_close() -> None:
    found = kinds(lint_items([NEAR, NEAR_OTHER], frozenset()), "q-near")
    assert found["near_confusion"] == ["Kim Jong-il"]
    # Listing it as a reject makes it a known wrong answer: no more advice.
    fixed = LintItem("q-near", "Which leader?", ("Kim Jong-un",), ("Kim Jong-il",))
    assert "near_confusion" not in kinds(lint_items([fixed, NEAR_OTHER], frozenset()), "q-near")


def test_accepted_answers_of_other_items_are_flagged() -> None:
    same = LintItem("q-a", "Host city?", ("Hanoi",), ())
    other = LintItem("q-b", "Host city, long form?", ("Hanoi, Vietnam",), ())
    found = kinds(lint_items([same, other], frozenset()), "q-a")
    assert found["accepted_confusion"] == ["Hanoi, Vietnam"]


def test_unreached_forms_family_name_and_country_names() -> None:
    findings = lint_items([PERSON, COUNTRY, PLACE, UNUSUAL_PERSON], frozenset())
    assert "unreached" not in kinds(findings, "q-who")  # "Bosack" alone is a family name
    # "Sterling" is also an English word, so the grader cannot tell this is a person's name.
    assert kinds(findings, "q-sg")["unreached"] == ["Brown"]
    unreached_country = kinds(findings, "q-country").get("unreached", [])
    assert "Viet Nam" not in unreached_country  # the grader reaches the spaced form
    assert "Socialist Republic of Viet Nam" not in unreached_country  # official form rule


def test_a_listed_accept_form_is_not_advice() -> None:
    person = LintItem("q-who", "Who?", ("Michael MacArthur Bosack", "Bosack"), ())
    assert "unreached" not in kinds(lint_items([person], frozenset()), "q-who")


def test_cli_lints_the_bundled_scenario(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["quiz", "lint", "hanoi-2019"]) == 0
    out = capsys.readouterr().out
    assert out.strip().splitlines()[-1].startswith("13 short-answer item(s), ")
    assert main(["quiz", "lint", "hanoi-2019", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows and all(set(r) == {"item", "kind", "text", "note"} for r in rows)
    assert {r["kind"] for r in rows} <= {
        "accepted_confusion",
        "near_confusion",
        "neighbour",
        "unreached",
    }


def test_cli_unknown_scenario_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["quiz", "lint", "atlantis"]) == 1
    err = capsys.readouterr().err
    assert "no scenario 'atlantis'" in err and "hanoi-2019" in err


def test_cli_finds_packs_where_parley_does(capsys: pytest.CaptureFixture[str]) -> None:
    """Without --content, `quiz lint` reads $PARLEY_CONTENT_DIR like the rest of Parley: the
    suite's second pack lives only there, so it is found and linted."""
    assert main(["quiz", "lint", "bridge-talks"]) == 0
    assert "short-answer item(s)" in capsys.readouterr().out
