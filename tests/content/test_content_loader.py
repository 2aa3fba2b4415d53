"""Loader, locations, seeds and models: the pieces under the check."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.content.check import check_seed
from bot.content.loader import load_scenarios, load_seed, locate, read_pack
from bot.content.models import Actor, MultipleChoice, Phase, Scenario, answer_key
from bot.content.problems import ContentError, Problem
from bot.content.seed import (
    load_paragraphs,
    normalise,
    numbered,
    paragraph,
    quote_in,
    quoted_fragments,
    split_paragraphs,
)

from .conftest import MINI_SEEDS, PackBuilder


def test_paragraphs_split_on_blank_lines_only(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("One.\r\n\r\nTwo,\nstill two.\n   \nThree.", encoding="utf-8")
    assert load_paragraphs(path) == ["One.", "Two,\nstill two.", "Three."]
    assert paragraph(load_paragraphs(path), 3) == "Three."
    assert list(numbered(["a", "b"])) == [(1, "a"), (2, "b")]
    with pytest.raises(IndexError, match="¶4 does not exist"):
        paragraph(split_paragraphs("a\n\nb"), 4)


def test_normalise_folds_typography_and_space() -> None:
    assert normalise("the \u201cno  agreement.\u201d\n Abe\u2019s \u2014 war\u2026") == (
        'the "no agreement." Abe\'s - war...'
    )


def test_quoted_fragments_and_cloze() -> None:
    text = 'He said \u201cwait and see\u201d and "status quo"; it\'s fine.'
    assert quoted_fragments(text) == ["wait and see", "status quo"]
    article = "There is a degree of \u201cwait and see\u201d that follows"
    assert quote_in("a degree of 'wait and see'", article)
    assert quote_in("A degree of ___ that follows", article)
    assert not quote_in("a degree of doubt", article)


def test_answer_key() -> None:
    assert answer_key("U.S.") == answer_key("us")
    assert answer_key("Democratic People\u2019s Republic") == "democratic peoples republic"
    assert answer_key("medium-range") == "medium range"
    assert answer_key("ROK") != answer_key("DPRK")


def test_colour_accepts_hex_and_int() -> None:
    actor = Actor(id="x", name="X", flag="x", colour="#00ff10")
    assert actor.colour == 0x00FF10
    assert Actor(id="x", name="X", flag="x", colour=5).colour == 5
    with pytest.raises(ValidationError):
        Actor(id="x", name="X", flag="x", colour="red")


def test_multiple_choice_answer_by_text_or_index() -> None:
    base = {"id": "q", "prompt": "p", "explanation": "e", "paragraph": 1, "difficulty": 1}
    by_text = MultipleChoice.model_validate(
        {**base, "type": "multiple_choice", "choices": ["a", "b"], "answer": "b"}
    )
    assert by_text.answer_index == 1
    with pytest.raises(ValidationError, match="index 2 is not among the 2 choices"):
        MultipleChoice.model_validate(
            {**base, "type": "multiple_choice", "choices": ["a", "b"], "answer": 2}
        )


def test_floor_passing_phase_needs_speaking_time() -> None:
    with pytest.raises(ValidationError, match="required for a opening_statements phase"):
        Phase(kind="opening_statements", title="t", goal="g", duration=60)
    with pytest.raises(ValidationError, match="only a caucus phase has pairs"):
        Phase(kind="plenary", title="t", goal="g", duration=60, pairs=[("a", "b")])


def test_locate_names_items_by_id_and_nests_anonymous_ones() -> None:
    data = {
        "quiz": [{"id": "q-1", "type": "multiple_choice"}],
        "briefs": {
            "japan": {"interests": [{"text": "x"}, {"text": "y"}], "cards": [{"id": "jp-3"}]}
        },
        "title": "t",
    }
    assert locate(("quiz", 0, "multiple_choice", "answer"), data) == ("item q-1", "answer")
    assert locate(("briefs", "japan", "cards", 0, "quote"), data) == ("card jp-3", "quote")
    assert locate(("briefs", "japan", "interests", 1, "cards", 0), data) == (
        "brief japan, interest #2",
        "cards[0]",
    )
    assert locate(("title",), data) == (None, "title")


def test_problem_str() -> None:
    problem = Problem("content/x/briefs/japan.yaml", "card jp-3", "quote", "not found")
    assert str(problem) == "content/x/briefs/japan.yaml: card jp-3: field 'quote': not found"
    assert str(Problem("content/x", None, None, "empty")) == "content/x: empty"


def test_pack_keys_merge_across_files(build_pack: PackBuilder) -> None:
    raw = read_pack(build_pack(None))
    assert set(raw.data["briefs"]) == {"alpha", "beta", "gamma"}
    assert raw.file_for(("briefs", "beta", "cards", 0)).name == "beta.yaml"
    assert raw.file_for(("briefs",)) == raw.directory
    assert raw.file_for(("quiz", 3)).name == "quiz.yaml"


def test_load_scenarios_skips_folders_without_scenario_yaml(build_pack: PackBuilder) -> None:
    pack = build_pack(None)
    (pack.parent / "schema").mkdir()
    scenarios = load_scenarios(pack.parent)
    assert list(scenarios) == ["minimal"]
    assert isinstance(scenarios["minimal"], Scenario)


def test_load_scenarios_raises_with_every_problem(build_pack: PackBuilder) -> None:
    pack = build_pack("unknown-key")
    with pytest.raises(ContentError) as raised:
        load_scenarios(pack.parent)
    assert len(raised.value.problems) == 2


def _seed(tmp_path: Path, meta: str) -> Path:
    (tmp_path / "mini.txt").write_bytes((MINI_SEEDS / "mini.txt").read_bytes())
    (tmp_path / "mini.yaml").write_text(meta, encoding="utf-8")
    return tmp_path


def test_seed_checks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    good = (MINI_SEEDS / "mini.yaml").read_text(encoding="utf-8")
    assert check_seed(load_seed(MINI_SEEDS, "mini.txt")) == []
    bad = (
        good.replace("a fellow at the Example Institute", "a fellow of the Example Institute")
        .replace('footer: "6"', 'footer: "7"')
        .replace("paragraph: 3", "paragraph: 5")
    )
    problems = [str(p) for p in check_seed(load_seed(_seed(tmp_path, bad), "mini.txt"))]
    assert problems == [
        "mini.yaml: field 'paragraphs': ¶6 has no role",
        "mini.yaml: paragraphs: field 'footer': ¶7 does not exist: the text has ¶1–¶6",
        "mini.yaml: field 'affiliation': not found verbatim in ¶5 of mini.txt",
        "mini.yaml: exemption #1: field 'paragraph': ¶5 is not an analysis paragraph",
    ]


def test_missing_seed_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ContentError, match=r"nothing\.txt: seed file missing"):
        load_seed(tmp_path, "nothing.txt")


def test_a_pack_file_not_in_utf8_names_the_file_and_line(build_pack: PackBuilder) -> None:
    pack = build_pack(None)
    target = pack / "scenario.yaml"
    text = target.read_text(encoding="utf-8")
    target.write_bytes(text.encode("utf-8") + "title_note: Côte\n".encode("latin-1"))
    with pytest.raises(ContentError) as caught:
        read_pack(pack)
    line = text.count("\n") + 1
    assert str(caught.value) == (
        f"minimal/scenario.yaml: line {line}: not UTF-8 text (byte 0xf4): save the file as UTF-8"
    )


def test_a_seed_not_in_utf8_is_a_content_error(tmp_path: Path) -> None:
    path = tmp_path / "seed.txt"
    path.write_bytes("First.\n\nSecond ¶ in latin-1: caf\xe9.".encode("latin-1"))
    with pytest.raises(ContentError, match=r"line 3: not UTF-8 text \(byte 0xb6\)"):
        load_paragraphs(path)
