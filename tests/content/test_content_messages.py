"""The check's messages, as a new author meets them (issue 13): one line per mistake, in the
author's terms, with the fix where it is known."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.content.check import check_scenario, pack_warnings
from bot.content.loader import load_scenario

from .conftest import MINI_SEEDS, PackBuilder

SEED = "tests/content/fixtures/seeds/mini.txt"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    """A copy of the toy seeds that a test may edit."""
    copy = tmp_path / "seeds"
    shutil.copytree(MINI_SEEDS, copy)
    return copy


def messages(pack: Path, seeds: Path = MINI_SEEDS) -> list[str]:
    return [str(p) for p in check_scenario(pack, seeds)]


def test_a_paragraph_given_two_roles_is_reported(build_pack: PackBuilder, seeds: Path) -> None:
    edit(seeds / "mini.yaml", 'footer: "6"', 'footer: "4, 6"')
    found = messages(build_pack(None), seeds)
    assert any(
        "¶4 is given two roles, analysis and footer: give each paragraph one" in m for m in found
    ), found


def test_a_quiz_paragraph_outside_analysis_names_its_role_and_the_real_ranges(
    build_pack: PackBuilder, seeds: Path
) -> None:
    # analysis "1-2, 4": ¶3 is other; the old message printed the span ¶1–¶4, which holds ¶3
    edit(seeds / "mini.yaml", 'analysis: "1-4"', 'analysis: "1-2, 4"\n  other: "3"')
    edit(
        seeds / "mini.yaml",
        "coverage_exempt:\n  - paragraph: 3\n    reason: one-line transition\n",
        "",
    )
    pack = build_pack(None)
    edit(pack / "quiz.yaml", "    paragraph: 4\n", "    paragraph: 3\n")
    found = messages(pack, seeds)
    assert (
        "minimal/quiz.yaml: item q-3: field 'paragraph': ¶3 of seeds/mini.txt is other, not "
        "analysis (analysis: ¶1–¶2, ¶4)"
    ) in found


def test_words_quoted_from_a_footer_are_said_to_be_there(build_pack: PackBuilder) -> None:
    pack = build_pack(None)
    edit(
        pack / "briefs" / "alpha.yaml",
        "talking_points: [{text: Open the dam., cards: [a-1]}]",
        "talking_points: [{text: '\"Subscribe today.\"', cards: [a-1]}]",
    )
    assert messages(pack) == [
        "minimal/briefs/alpha.yaml: brief alpha, talking point #1: field 'text': "
        f'quoted "Subscribe today." is in ¶6 of {SEED}, which is footer and may not be quoted'
    ]


def test_words_quoted_from_another_paragraph_say_which(build_pack: PackBuilder) -> None:
    pack = build_pack(None)
    edit(
        pack / "briefs" / "alpha.yaml",
        "talking_points: [{text: Open the dam., cards: [a-1]}]",
        "talking_points: [{text: 'Gamma \"called for patience\".', cards: [a-1]}]",
    )
    assert messages(pack) == [
        "minimal/briefs/alpha.yaml: brief alpha, talking point #1: field 'text': "
        f'quoted "called for patience" is in ¶4, not in ¶2 of {SEED}: cite a card from ¶4'
    ]


def test_one_wrong_paragraph_number_is_one_line(build_pack: PackBuilder) -> None:
    pack = build_pack(None)
    edit(
        pack / "briefs" / "alpha.yaml",
        "{id: a-1, paragraph: 2,",
        "{id: a-1, paragraph: 1,",
    )
    assert messages(pack) == [
        "minimal/briefs/alpha.yaml: card a-1: field 'paragraph': "
        f"the quote is in ¶2 of {SEED}, not ¶1: set paragraph: 2"
    ]


def test_a_missing_brief_comes_first_and_each_lost_card_once(build_pack: PackBuilder) -> None:
    found = messages(build_pack("missing-brief"))
    assert found[0] == "minimal: field 'briefs': no brief for actor 'gamma'"
    lost = [m for m in found if "unknown card 'g-1'" in m]
    assert len(lost) == 1, found


def test_a_schema_error_does_not_hide_the_other_checks(build_pack: PackBuilder) -> None:
    pack = build_pack(None)
    edit(
        pack / "quiz.yaml",
        "    difficulty: 2\n    prompt: What did Alpha",
        "    dificulty: 2\n    prompt: What did Alpha",
    )
    edit(
        pack / "briefs" / "alpha.yaml",
        "situation: [{text: 'The talks \"ended without a deal\".'",
        "situation: [{text: 'The talks \"ended with a deal\".'",
    )
    found = messages(pack)
    assert "minimal/quiz.yaml: item q-2: field 'difficulty': Field required" in found
    assert "minimal/quiz.yaml: item q-2: field 'dificulty': Extra inputs are not permitted" in found
    assert (
        "minimal/briefs/alpha.yaml: brief alpha, situation #1: field 'text': "
        f'quoted "ended with a deal" is not in ¶1 of {SEED}'
    ) in found
    # the item left out is not reported a second time as a missing quiz item for ¶2
    assert len(found) == 3, found


def test_yaml_errors_say_where_and_what_to_do(build_pack: PackBuilder) -> None:
    pack = build_pack(None)
    edit(
        pack / "briefs" / "alpha.yaml",
        "questions: [{to: [beta], text: 'Why \"before winter\"?', cards: [b-1]}]",
        "questions: [{to: [beta], text: Why now?, cards: [b-1]}]",
    )
    (message,) = messages(pack)
    assert message == (
        "minimal/briefs/alpha.yaml: invalid YAML: line 12, column 43: expected ',' or '}', but "
        "got '?' (a text inside { } holding a colon, comma, '?' or '#' needs quotes: 'Why?')"
    )
    assert "while parsing" not in message


def test_quiz_items_without_actors_are_a_warning_not_an_error(build_pack: PackBuilder) -> None:
    pack = build_pack(None)
    assert messages(pack) == []  # sound
    warnings = [str(w) for w in pack_warnings(pack)]
    assert warnings == [
        "minimal/quiz.yaml: field 'quiz': warning: 3 of 4 quiz items name no actors "
        "(q-1, q-2, q-4): /quiz readiness never asks them",
        "minimal/quiz.yaml: field 'quiz': warning: no quiz item names actor 'alpha': "
        "/quiz readiness has nothing to ask its delegation",
        "minimal/quiz.yaml: field 'quiz': warning: no quiz item names actor 'beta': "
        "/quiz readiness has nothing to ask its delegation",
    ]


def test_a_pack_without_a_byline_and_with_three_actors_loads(tmp_path: Path) -> None:
    second = Path(__file__).parents[1] / "fixtures" / "second_pack"
    assert check_scenario(second / "content" / "bridge-talks", second / "seeds") == []
    scenario = load_scenario(second / "content" / "bridge-talks")
    assert scenario.source.author is None and len(scenario.actors) == 3
