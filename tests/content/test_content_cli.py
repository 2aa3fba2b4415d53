"""``parley content …`` commands, the JSON export and the committed JSON Schema."""

from __future__ import annotations

import argparse
import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.content import cli
from bot.content.export import SCHEMA_PATH, scenario_to_json, schema_json, schema_text
from bot.content.loader import DEFAULT_CONTENT_DIR, load_scenario
from bot.content.problems import REPO_ROOT

from .conftest import MINI_SEEDS, PackBuilder


def run(argv: list[str]) -> int:
    """Parse through ``register`` on a parser of our own, as bot/cli/parley.py does."""
    parser = argparse.ArgumentParser(prog="parley")
    cli.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    result: int = args.func(args)
    return result


def test_check_ok(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["content", "check"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("OK: 1 scenario(s) in content: hanoi-2019; ")
    assert out.count("\n") == 1 and err == ""


def test_check_reports_problems_one_per_line(
    build_pack: PackBuilder, capsys: pytest.CaptureFixture[str]
) -> None:
    pack = build_pack("unknown-key")
    code = run(["content", "check", "--content", str(pack.parent), "--seeds", str(MINI_SEEDS)])
    assert code == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        "minimal/actors.yaml: actor beta: field 'colour': Field required",
        "minimal/actors.yaml: actor beta: field 'color': Extra inputs are not permitted",
        "2 problem(s)",
    ]


def test_check_empty_content_root(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["content", "check", "--content", str(tmp_path)]) == 1
    assert "no scenario packs" in capsys.readouterr().err


def test_show_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["content", "show", "hanoi-2019"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Hanoi 2019 (hanoi-2019)\n")
    assert "Deal needs: us + dprk" in out and "50 min" in out


def test_show_unknown(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["content", "show", "atlantis"]) == 1
    assert "no scenario 'atlantis' (known: hanoi-2019)" in capsys.readouterr().err


def test_show_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["content", "show", "hanoi-2019", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["id"] == "hanoi-2019"
    assert [a["id"] for a in data["actors"]] == ["us", "dprk", "rok", "japan", "china", "russia"]
    assert {"id", "name", "aliases"} <= set(data["actors"][0])
    assert (data["agenda"][0]["id"], data["agenda"][0]["title"]) == (
        "end-of-war",
        "End-of-war declaration",
    )
    brief = data["briefs"][3]
    assert brief["actor"] == "japan"
    assert {"id", "quote", "paragraph"} <= set(brief["cards"][0])
    position = brief["positions"][1]
    assert (position["agenda"], position["cards"]) == ("liaison-office", ["pub-2", "jp-3"])
    assert isinstance(position["text"], str)
    quiz = {item["id"]: item for item in data["quiz"]}
    assert {"id", "type", "prompt", "paragraph"} <= set(quiz["q-01"])
    assert quiz["q-02"]["answer"] == 2  # written as the choice's text, exported as its index
    assert quiz["q-03"]["accept"][0] == "Yongbyon" and "reject" in quiz["q-03"]
    assert quiz["q-19"]["answer"] == "dprk"
    assert quiz["q-06"]["answer"] is False
    assert data["decision_rule"]["advisory"] == ["rok", "japan", "china", "russia"]
    assert data["small_class_order"]["2"] == ["us", "dprk"]


def test_export_every_brief_shows_every_card_it_cites() -> None:
    data = scenario_to_json(load_scenario(DEFAULT_CONTENT_DIR / "hanoi-2019"))
    for brief in data["briefs"]:
        shown = {card["id"] for card in brief["cards"]}
        for section in ("situation", "interests", "positions", "red_lines", "talking_points"):
            for claim in brief[section]:
                assert set(claim["cards"]) <= shown


def test_committed_schema_is_fresh() -> None:
    committed = (REPO_ROOT / SCHEMA_PATH).read_text(encoding="utf-8")
    assert committed == schema_text(), "run: parley content schema -o " + SCHEMA_PATH


def test_schema_describes_pack_files() -> None:
    schema = schema_json()
    assert "required" not in schema  # each file holds some keys
    assert schema["additionalProperties"] is False
    assert {"actors", "briefs", "quiz", "round_plan"} <= set(schema["properties"])
    assert {"Brief", "Card", "MultipleChoice"} <= set(schema["$defs"])


def test_schema_to_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "s.json"
    assert run(["content", "schema", "-o", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == schema_text()
    assert run(["content", "schema"]) == 0
    assert capsys.readouterr().out.endswith(schema_text())


def test_content_needs_a_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        run(["content"])


def test_module_entry_point() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.content.cli", "content", "check"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK: ")


def test_content_package_is_pure() -> None:
    """bot.content imports neither discord nor SQLAlchemy (it is used by the CLI and tests)."""
    for path in (REPO_ROOT / "bot" / "content").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert name.split(".")[0] not in ("discord", "sqlalchemy"), (path.name, name)
