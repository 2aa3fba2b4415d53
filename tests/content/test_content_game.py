"""The content check on the negotiation game: options, schedules, stance words, --explain.

Each case copies tests/content/fixtures/game (or binary-game) and breaks one thing by editing
its YAML text, then asserts the exact message.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.content.check import check_scenario
from bot.content.cli import main
from bot.content.loader import load_scenario

from .conftest import FIXTURES, MINI_SEEDS

GAME = FIXTURES / "game"
BINARY = FIXTURES / "binary-game"


@pytest.fixture
def pack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    shutil.copytree(GAME, tmp_path / "game")
    return tmp_path / "game"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def problems(pack: Path) -> list[str]:
    return [str(p) for p in check_scenario(pack, MINI_SEEDS)]


def test_both_test_packs_are_sound() -> None:
    assert [str(p) for p in check_scenario(GAME, MINI_SEEDS)] == []
    assert [str(p) for p in check_scenario(BINARY, MINI_SEEDS)] == []
    game, binary = load_scenario(GAME), load_scenario(BINARY)
    assert [len(i.options) for i in game.agenda] == [3, 2]
    assert all(i.binary for i in binary.agenda)
    assert [o.id for o in binary.agenda[0].choices()] == ["adopt"]
    assert game.agenda_item("fishing").option("winter").rule is not None
    assert game.schedule("alpha").points("dam", "full") == 40
    assert game.schedule("alpha").points("dam", None) == 0


def test_a_missing_option_score(pack: Path) -> None:
    edit(
        pack / "schedules" / "alpha.yaml",
        "        half: {points: 20, reason: Half of its aim., cards: [a-1]}\n",
        "",
    )
    assert problems(pack) == [
        "game/schedules/alpha.yaml: schedule alpha: field 'items.dam': no points for option 'half'"
    ]


def test_an_unknown_option_and_adopt_hint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copytree(BINARY, tmp_path / "binary-game")
    edit(
        tmp_path / "binary-game" / "schedules" / "beta.yaml",
        "adopt: {points: -5",
        "agree: {points: -5",
    )
    assert problems(tmp_path / "binary-game") == [
        "binary-game/schedules/beta.yaml: schedule beta: field 'items.dam.agree': 'dam' has no "
        "option 'agree' (an item without options is scored under 'adopt')",
        "binary-game/schedules/beta.yaml: schedule beta: field 'items.dam': no points for "
        "option 'adopt'",
    ]


def test_points_cite_known_cards(pack: Path) -> None:
    edit(
        pack / "schedules" / "beta.yaml",
        "reason: A small loss., cards: [a-1]",
        "reason: A small loss., cards: [z-9]",
    )
    assert problems(pack) == [
        "game/schedules/beta.yaml: schedule beta: field 'items.dam.half.cards[0]': "
        "unknown card 'z-9'"
    ]


def test_points_need_cards_at_all(pack: Path) -> None:
    edit(
        pack / "schedules" / "beta.yaml",
        "reason: A small loss., cards: [a-1]",
        "reason: A small loss., cards: []",
    )
    (message,) = problems(pack)
    assert message.startswith(
        "game/schedules/beta.yaml: schedule beta: field 'items.dam.half.cards'"
    )


def test_a_schedule_missing_for_an_actor(pack: Path) -> None:
    (pack / "schedules" / "gamma.yaml").unlink()
    assert problems(pack) == ["game: field 'schedules': no schedule for actor 'gamma'"]


def test_options_without_schedules(pack: Path) -> None:
    shutil.rmtree(pack / "schedules")
    shutil.copy(FIXTURES / "minimal" / "objectives.yaml", pack / "objectives.yaml")
    assert problems(pack) == [
        "game: field 'schedules': agenda items have options: give every actor a schedule"
    ]


def test_nothing_at_stake(pack: Path) -> None:
    path = pack / "schedules" / "gamma.yaml"
    edit(path, "points: -10", "points: 0")
    edit(path, "points: 5", "points: 0")
    assert problems(pack) == [
        "game/schedules/gamma.yaml: schedule gamma: nothing at stake: give at least one option "
        "of one item non-zero points"
    ]


def test_silent_brief_cannot_carry_large_points_without_a_cited_inference(pack: Path) -> None:
    # beta's brief: the article gives no view on the dam; -20 of at most 35 is large
    edit(
        pack / "schedules" / "beta.yaml",
        "reason: 'Inferred: the dam matters to Beta''s fishing.', cards: [b-1]",
        "reason: The dam matters., cards: [b-1]",
    )
    assert problems(pack) == [
        "game/schedules/beta.yaml: schedule beta: field 'items.dam.full': -20 points, but the "
        "brief says the article is silent on 'dam': keep it within ±8, or say 'Inferred' in "
        "the reason and cite a card beyond the item's own"
    ]


def test_silent_inference_must_cite_beyond_the_items_own_cards(pack: Path) -> None:
    edit(
        pack / "schedules" / "beta.yaml",
        "reason: 'Inferred: the dam matters to Beta''s fishing.', cards: [b-1]",
        "reason: 'Inferred: the dam matters to Beta''s fishing.', cards: [a-1]",
    )
    (message,) = problems(pack)
    assert "-20 points, but the brief says the article is silent on 'dam'" in message


def test_option_rule_names_known_actors(pack: Path) -> None:
    edit(pack / "agenda.yaml", "no_veto_from: [gamma]", "no_veto_from: [delta]")
    assert problems(pack) == [
        "game/agenda.yaml: agenda fishing, option winter: field 'rule.no_veto_from[0]': "
        "unknown actor 'delta'"
    ]


def test_option_rule_needs_a_list(pack: Path) -> None:
    edit(pack / "agenda.yaml", "no_veto_from: [gamma]", "no_veto_from: []")
    (message,) = problems(pack)
    assert "an option rule needs must_agree or no_veto_from" in message


def test_one_option_is_not_a_choice(pack: Path) -> None:
    edit(
        pack / "agenda.yaml",
        "      - {id: later, label: Lift the ban after winter, description: Lifted in spring., "
        "cards: [b-1]}\n",
        "",
    )
    (message, *_) = problems(pack)
    assert (
        message
        == (
            "game/agenda.yaml: agenda fishing: field 'options': Value error, give 2-6 options, or "
            "none for adopt / not adopt"
        )
        or "give 2-6 options, or none for adopt / not adopt" in message
    )


def test_option_label_quotes_must_be_in_the_article(pack: Path) -> None:
    edit(
        pack / "agenda.yaml", "label: Keep the dam shut", "label: 'Keep the dam \"sealed forever\"'"
    )
    assert problems(pack) == [
        "game/agenda.yaml: agenda dam, option shut: field 'label': quoted \"sealed forever\" is "
        f"not in {MINI_SEEDS.relative_to(MINI_SEEDS.parents[3])}/mini.txt"
    ]


def test_history_option_must_be_adopted_and_known(pack: Path) -> None:
    edit(
        pack / "scenario.yaml",
        "  outcome: {dam: not_adopted, fishing: not_adopted}",
        "  outcome: {dam: not_adopted, fishing: not_adopted}\n  options: {dam: open}",
    )
    assert problems(pack) == [
        "game/scenario.yaml: history: field 'options.dam': 'dam' has no option 'open'",
        "game/scenario.yaml: history: field 'options.dam': history.outcome does not say 'dam' "
        "was adopted",
    ]


def test_explain_prints_the_zone_and_best_joint_packages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = tmp_path / "content"
    content.mkdir()
    shutil.copytree(GAME, content / "game")
    code = main(
        [
            "content",
            "check",
            "--content",
            str(content),
            "--seeds",
            str(MINI_SEEDS),
            "--explain",
            "game",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "Lake summit (game): 11 possible packages" in out
    assert "No deal: Alpha 10, Beta 10, Gamma 0" in out
    assert (
        "Zone of possible agreement (every party that could block prefers it to no deal): "
        "1 package(s)" in out
    )
    assert "Pareto-efficient for Alpha + Beta: 4 package(s), 0 in the zone" in out
    assert "History: no agreement" in out
    assert "Alpha + Beta: 2 package(s) both prefer to no deal" in out
    lines = out.splitlines()
    best = lines[lines.index("Alpha + Beta: 2 package(s) both prefer to no deal") + 1 :]
    assert best[0].startswith("  Alpha 30 / Beta 15: Open the dam: Open the dam fully · ")
    assert best[0].endswith("(outside the zone: Gamma could block it and would not gain)")
    assert best[1] == (
        "  Alpha 25 / Beta 15: Open the dam: Open the dam halfway · Lift the fishing ban: "
        "Lift the ban after winter"
    )


def test_explain_unknown_scenario(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    content = tmp_path / "content"
    content.mkdir()
    shutil.copytree(BINARY, content / "binary-game")
    code = main(
        [
            "content",
            "check",
            "--content",
            str(content),
            "--seeds",
            str(MINI_SEEDS),
            "--explain",
            "nope",
        ]
    )
    assert code == 1
    assert "no scenario 'nope'" in capsys.readouterr().err
