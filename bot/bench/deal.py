"""`parley bench deal`: how long the debrief's deal-space arithmetic and chart take.

For one scenario pack (default: the shipped Hanoi pack) it times, median of ``--repeat`` runs:
the baseline, in the same run — enumerate every package and score it for every actor, nothing
else; `DealSpace` (the same plus who could block each package, the zone, the Pareto frontier
and the joint-gain ranks); and drawing the chart (`bot.reports.deal_chart`). The debrief runs
the deal space once and the chart once per `/debrief`. The JSON result is the last line on
stdout. A pack without points schedules has nothing to measure.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.content.loader import DEFAULT_CONTENT_DIR, load_scenario
from bot.domain.deal_space import DealSpace, chart_data, enumerate_packages, score

__all__ = ["build_parser", "measure", "run"]


def build_parser(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument(
        "--pack",
        type=Path,
        default=DEFAULT_CONTENT_DIR / "hanoi-2019",
        help="a scenario pack folder (default: content/hanoi-2019)",
    )
    parser.add_argument("--repeat", type=int, default=7, help="runs per figure (7)")
    parser.add_argument("--no-chart", action="store_true", help="skip drawing the chart")
    return parser


def _median_ms(work: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def measure(pack: Path, repeat: int = 7, chart: bool = True) -> dict[str, Any]:
    """The figures as a dict (what `run` prints as JSON)."""
    scenario = load_scenario(pack)
    if not scenario.has_game:
        return {"scenario": scenario.id, "packages": 0, "note": "no points schedules"}
    actors = [a for a in scenario.play_order if a in scenario.schedules]

    def baseline() -> object:
        return [[score(scenario, a, p) for a in actors] for p in enumerate_packages(scenario)]

    space = DealSpace(scenario)
    result: dict[str, Any] = {
        "scenario": scenario.id,
        "packages": len(space),
        "zone": len(space.zone),
        "frontier": len(space.frontier),
        "baseline_ms": round(_median_ms(baseline, repeat), 1),
        "deal_space_ms": round(_median_ms(lambda: DealSpace(scenario), repeat), 1),
    }
    if chart:
        from bot.reports.deal_chart import render_chart

        data = chart_data(space, [], None)
        png = render_chart(data)  # the first draw loads fonts: not counted
        result["chart_ms"] = round(_median_ms(lambda: render_chart(data), repeat), 1)
        result["chart_bytes"] = len(png)
    return result


def run(args: argparse.Namespace) -> int:
    result = measure(args.pack, args.repeat, chart=not args.no_chart)
    if result["packages"]:
        print(
            f"{result['scenario']}: {result['packages']} packages, zone {result['zone']}, "
            f"frontier {result['frontier']}"
        )
        print(f"  baseline (enumerate and score only): {result['baseline_ms']} ms")
        print(f"  deal space (zone, frontier, ranks):  {result['deal_space_ms']} ms")
        if "chart_ms" in result:
            print(f"  chart (900 px PNG, {result['chart_bytes']} bytes): {result['chart_ms']} ms")
    else:
        print(f"{result['scenario']}: no points schedules, nothing to measure")
    print(json.dumps(result))
    return 0
