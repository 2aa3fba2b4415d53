"""`parley bench deal` prints its figures and a JSON line (the numbers themselves vary)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.bench.deal import measure
from bot.cli import main

FIXTURES = Path(__file__).parent / "content" / "fixtures"


def test_measure_reports_the_deal_space_of_a_pack() -> None:
    result = measure(FIXTURES / "game", repeat=1, chart=False)
    assert (result["packages"], result["zone"], result["frontier"]) == (11, 1, 4)
    assert result["baseline_ms"] >= 0 and result["deal_space_ms"] >= 0
    assert "chart_ms" not in result
    assert measure(FIXTURES / "minimal", repeat=1)["packages"] == 0


def test_the_command_prints_json_last(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "deal", "--pack", str(FIXTURES / "game"), "--repeat", "1"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out[0] == "game: 11 packages, zone 1, frontier 4"
    result = json.loads(out[-1])
    assert result["chart_bytes"] > 0
