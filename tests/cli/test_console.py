"""`parley console` end to end: a scripted student in a subprocess, and a full quiz on injected
streams whose answers are worked out from the same content."""

from __future__ import annotations

import io
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli.console import MORE, Console
from bot.content.loader import load_scenarios, seeds_dir
from bot.content.questions import scenario_questions
from bot.content.seed import load_paragraphs
from bot.domain.quiz import Question, check, letter
from bot.paths import PROJECT_ROOT

SCENARIOS = load_scenarios()
HANOI = SCENARIOS["hanoi-2019"]
QUESTIONS = scenario_questions(HANOI, load_paragraphs(seeds_dir() / HANOI.source.seed))


def run_console(*args: str, cwd: Path, stdin: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATABASE_"))}
    env["PYTHONPATH"] = str(PROJECT_ROOT)
    env["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run(
        [sys.executable, "-m", "bot", "console", *args],
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def test_a_student_reads_and_takes_a_quiz_in_a_terminal(tmp_path: Path) -> None:
    script = "\n".join(
        [
            "2",  # read the background
            "1",  # read the brief
            "3",  # take a practice quiz
            "y",  # only items about North Korea (with --paragraph 3: just q-77)
            "",  # how many: the default
            "",  # an empty answer
            "🙂",  # emoji only
            "x" * 10_000,  # far too long
            "Democratic Peoples Republic of Korea",  # right, apostrophe forgotten
            "9",  # not a menu choice
            "q",
        ]
    )
    result = run_console(
        "--scenario",
        "hanoi-2019",
        "--actor",
        "dprk",
        "--paragraph",
        "3",
        cwd=tmp_path,
        stdin=script + "\n",
    )
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in out + result.stderr
    assert "You are North Korea." in out
    assert "WHAT HAPPENED IN HANOI" in out  # the background
    assert "CONFIDENTIAL BRIEF: NORTH KOREA" in out
    assert "RED LINES" in out and "[¶" in out  # claims cite their paragraphs
    assert "Question 1 of 1 (¶3)" in out
    assert "What does DPRK stand for?" in out
    assert "Your answer is empty." in out
    assert "I couldn't find any letters or digits in your answer" in out
    assert "Your answer is 10,000 characters long" in out
    assert "✔ Right." in out
    assert "Right answer: Democratic People's Republic of Korea" in out
    assert "¶3: “" in out  # the article's own paragraph
    assert "You got 1 of 1 right." in out
    assert "Type a number from 1 to 4" in out
    assert out.rstrip().endswith("Goodbye. Type `parley console` to come back.")


def console_answer(q: Question) -> str:
    """What a student who knows the answer types at the console."""
    if q.kind == "multiple_choice":
        return letter(int(q.answer)).lower()
    if q.kind == "true_false":
        return "t" if q.answer == "true" else "f"
    if q.kind == "which_actor":
        return HANOI.actor(q.answer).name
    return q.accept[0].lower()


def test_a_whole_quiz_on_injected_streams_uses_the_same_items_and_grader() -> None:
    questions = [q for q in QUESTIONS if q.paragraph == 5]
    asked = random.Random(7).sample(questions, len(questions))  # what the console will draw
    lines = ["7", "3", str(len(asked))]  # no actor; quiz; all of them
    lines += [console_answer(q) for q in asked]
    lines += ["q"]
    out = io.StringIO()
    console = Console(
        SCENARIOS, stdin=io.StringIO("\n".join(lines) + "\n"), stdout=out, rng=random.Random(7)
    )

    assert console.run("hanoi-2019", paragraph=5) == 0

    text = out.getvalue()
    assert {q.kind for q in asked} == {
        "multiple_choice",
        "true_false",
        "which_actor",
        "short_answer",
    }
    assert text.count("✔ Right.") == len(asked) and "✘" not in text
    assert f"You got {len(asked)} of {len(asked)} right." in text
    for q in asked:
        assert f"Right answer: {q.right_answer}" in text


def test_input_ending_mid_quiz_still_gives_a_summary() -> None:
    asked = random.Random(1).sample([q for q in QUESTIONS if q.paragraph == 14], 2)
    out = io.StringIO()
    script = f"7\n3\n2\n{console_answer(asked[0])}\n"  # then the input ends
    console = Console(SCENARIOS, stdin=io.StringIO(script), stdout=out, rng=random.Random(1))
    assert console.run("hanoi-2019", paragraph=14) == 0
    text = out.getvalue()
    assert "Question 2 of 2" in text
    assert "You got 1 of 1 right." in text
    assert text.rstrip().endswith("Goodbye. Type `parley console` to come back.")


def test_a_narrow_miss_in_the_console_says_what_was_close() -> None:
    """Issue 16: the terminal quiz prints the same reason as Discord under a wrong answer."""
    out = io.StringIO()
    console = Console(SCENARIOS, stdin=io.StringIO(""), stdout=out)
    q = next(q for q in QUESTIONS if q.item_id == "q-68")  # "economic ___": growth
    console.show_verdict(q, check(q, "growth spurt"))
    console.show_verdict(q, check(q, "relief"))
    text = out.getvalue()
    assert "Close, but “spurt” does not belong in the answer." in text
    assert "That is a common wrong answer: the answer is “growth”." in text


def drive(
    script: list[str],
    *,
    page_lines: int | None = None,
    actor: str | None = None,
    scenario: str | None = "hanoi-2019",
) -> str:
    """The console's whole output for a typed script (Hanoi unless told otherwise: the suite
    always has a second pack, so without a scenario the console asks for one first)."""
    out = io.StringIO()
    console = Console(
        SCENARIOS,
        stdin=io.StringIO("\n".join(script) + "\n"),
        stdout=out,
        rng=random.Random(3),
        page_lines=page_lines,
    )
    assert console.run(scenario, actor=actor) == 0
    return out.getvalue()


def test_a_long_brief_comes_a_page_at_a_time() -> None:
    whole = drive(["1", "q"], actor="japan")
    brief_lines = whole.split("CONFIDENTIAL BRIEF: JAPAN", 1)[1].split("What next?", 1)[0]
    assert len(brief_lines.splitlines()) > 60  # long enough to lose its top on a screen

    paged = drive(["1", "", "q", "q"], page_lines=20, actor="japan")
    assert paged.count(MORE) == 2  # read page 1, Enter, page 2, q
    first_page = paged.split("CONFIDENTIAL BRIEF: JAPAN", 1)[1].split(MORE, 1)[0]
    assert len(first_page.splitlines()) == 20 - 1  # the heading line is the page's first
    assert "(stopped after 40 of" in paged
    assert "What next?" in paged.split("(stopped after 40 of", 1)[1]  # back to the menu
    assert "EVIDENCE" not in paged  # the rest was not shown


def test_the_background_is_paged_too_and_enter_reads_to_the_end() -> None:
    out = drive(["2", *[""] * 20, "q"], page_lines=15, actor="usa")
    assert MORE in out
    assert "stopped after" not in out
    assert out.count("What next?") == 2


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Japan", "You are Japan."),
        ("japan", "You are Japan."),
        ("tokyo", "You are Japan."),
        ("united states", "You are the United States."),
        ("USA", "You are the United States."),
        ("pyongyang", "You are North Korea."),
        ("1", "You are the United States."),
    ],
)
def test_actors_are_chosen_by_name_alias_or_number(typed: str, expected: str) -> None:
    out = drive([typed, "q"])
    assert expected in out


def test_an_ambiguous_or_unknown_name_asks_again() -> None:
    out = drive(["korea", "atlantis", "s korea", "q"])
    assert "“korea” could be North Korea or South Korea" in out
    assert "There is no actor “atlantis”" in out
    assert "You are South Korea." in out


def test_actor_given_on_the_command_line_reads_naturally(tmp_path: Path) -> None:
    result = run_console("--scenario", "hanoi-2019", "--actor", "us", cwd=tmp_path, stdin="q\n")
    assert result.returncode == 0, result.stderr
    assert "You are the United States." in result.stdout


def test_with_several_packs_the_scenario_is_asked_for_by_number_or_name(tmp_path: Path) -> None:
    """The suite runs with a second pack, so a console without --scenario must ask; the student
    may type a name (or its start) as at the actor prompt, and --actor applies to the choice."""
    assert len(SCENARIOS) > 1
    result = run_console("--actor", "us", cwd=tmp_path, stdin="atlantis\nhanoi\nq\n")
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in out + result.stderr
    assert "Scenarios:" in out and "Hanoi 2019" in out and "Bridge talks (fiction)" in out
    assert "There is no scenario “atlantis”" in out
    assert "Scenario: Hanoi 2019" in out
    assert "You are the United States." in out


@pytest.mark.parametrize("typed", ["Hanoi 2019", "hanoi-2019", "HANOI", "its number"])
def test_the_scenario_prompt_takes_a_name_an_id_or_a_number(typed: str) -> None:
    titles = sorted(s.title for s in SCENARIOS.values())
    number = str(titles.index(HANOI.title) + 1)
    out = drive([number if typed == "its number" else typed, "japan", "q"], scenario=None)
    assert "Scenario: Hanoi 2019" in out
    assert "You are Japan." in out


def test_the_other_pack_opens_by_name_with_its_own_actors() -> None:
    other = next(s for s in SCENARIOS.values() if s.id != HANOI.id)
    first = other.actors[0]
    out = drive([other.title.split()[0].lower(), first.name, "q"], scenario=None)
    assert f"Scenario: {other.title}" in out
    assert f"You are {first.name}" in out or f"You are the {first.name}" in out
    assert "Japan" not in out


def test_a_wrong_scenario_on_the_command_line_lists_them_and_asks() -> None:
    out = drive(["hanoi", "q"], scenario="atlantis")
    assert "There is no scenario “atlantis”. The scenarios are:" in out
    assert "hanoi-2019" in out
    assert "Scenario: Hanoi 2019" in out
