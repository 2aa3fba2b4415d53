"""``parley content …``: check packs, show a scenario, export the editor schema.

``register`` plugs the commands into the top-level ``parley`` parser; ``main`` runs them on
their own (``python -m bot.content.cli content check``) until then, and for tests.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.content.check import check_all
from bot.content.explain import explain
from bot.content.export import scenario_to_json, schema_text
from bot.content.loader import DEFAULT_CONTENT_DIR, DEFAULT_SEEDS_DIR, load_scenarios
from bot.content.models import Scenario
from bot.content.problems import ContentError, display_path

__all__ = ["main", "register", "run_check", "run_schema", "run_show"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``content`` command and its subcommands; each sets ``func(args) -> int``."""
    content = subparsers.add_parser(
        "content",
        help="check, show and export scenario content",
        description="Check scenario packs against their source articles, show a scenario, "
        "or print the JSON Schema editors use for pack files.",
    )
    commands = content.add_subparsers(dest="content_command", metavar="COMMAND", required=True)

    check = commands.add_parser("check", help="check every scenario pack against its seed")
    check.add_argument(
        "--content",
        type=Path,
        default=DEFAULT_CONTENT_DIR,
        metavar="DIR",
        help="the folder of scenario packs (default: content/ in the clone)",
    )
    check.add_argument(
        "--seeds",
        type=Path,
        default=DEFAULT_SEEDS_DIR,
        metavar="DIR",
        help="the folder of source articles (default: seeds/ in the clone)",
    )
    check.add_argument(
        "--explain",
        metavar="SCENARIO",
        help="then print the scenario's deal space: zone of agreement, best joint packages",
    )
    check.set_defaults(func=run_check)

    show = commands.add_parser("show", help="print a scenario (summary, or --json)")
    show.add_argument("scenario", metavar="SCENARIO", help="scenario id, e.g. hanoi-2019")
    show.add_argument("--json", action="store_true", help="the full scenario as JSON")
    show.add_argument(
        "--content",
        type=Path,
        default=DEFAULT_CONTENT_DIR,
        metavar="DIR",
        help="the folder of scenario packs (default: content/ in the clone)",
    )
    show.set_defaults(func=run_show)

    schema = commands.add_parser("schema", help="print the JSON Schema for pack files")
    schema.add_argument(
        "-o", "--output", metavar="FILE", help="write it to this file (default or -: print it)"
    )
    schema.set_defaults(func=run_schema)


def run_check(args: argparse.Namespace) -> int:
    """Print each problem on stderr and return 1, or print a one-line summary and return 0."""
    problems = check_all(args.content, args.seeds)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"{len(problems)} problem(s)", file=sys.stderr)
        return 1
    scenarios = load_scenarios(args.content)
    cards = sum(len(list(s.all_cards())) for s in scenarios.values())
    quiz = sum(len(s.quiz) for s in scenarios.values())
    print(
        f"OK: {len(scenarios)} scenario(s) in {display_path(args.content)}: "
        f"{', '.join(scenarios)}; {cards} cards, {quiz} quiz items"
    )
    if getattr(args, "explain", None):
        scenario = scenarios.get(args.explain)
        if scenario is None:
            print(f"no scenario {args.explain!r} (known: {', '.join(scenarios)})", file=sys.stderr)
            return 1
        print()
        print(explain(scenario))
    return 0


def run_show(args: argparse.Namespace) -> int:
    """Print one scenario: a short summary, or all of it as JSON with ``--json``."""
    try:
        scenarios = load_scenarios(args.content)
    except ContentError as exc:
        print(exc, file=sys.stderr)
        return 1
    scenario = scenarios.get(args.scenario)
    if scenario is None:
        known = ", ".join(scenarios) or "none"
        print(f"no scenario {args.scenario!r} (known: {known})", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(scenario_to_json(scenario), indent=2, ensure_ascii=False))
    else:
        print(_summary(scenario))
    return 0


def run_schema(args: argparse.Namespace) -> int:
    """Print the pack JSON Schema, or write it to ``--output``."""
    from bot.cli.failures import output_file

    text = schema_text()
    if args.output in (None, "-"):
        sys.stdout.write(text)
        return 0
    with output_file(args.output) as out:
        out.write(text.encode("utf-8"))
    print(f"wrote {display_path(Path(args.output))}")
    return 0


def _summary(s: Scenario) -> str:
    minutes = s.plan_duration() / 60
    lines = [
        f"{s.title} ({s.id})",
        s.summary,
        f"Source: {s.source.seed} — {s.source.author}",
        "Actors (order of play): " + ", ".join(f"{a.flag} {a.name} [{a.id}]" for a in s.actors),
        f"Deal needs: {' + '.join(s.decision_rule.must_agree)}; "
        f"advising: {', '.join(s.advisory_actors()) or 'none'}",
        "Agenda: " + "; ".join(f"{item.title} [{item.id}]" for item in s.agenda),
        f"Round plan: {len(s.round_plan)} phases, {minutes:g} min",
        f"Cards: {len(list(s.all_cards()))}; quiz items: {len(s.quiz)}",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``content …`` without the top-level ``parley`` CLI."""
    parser = argparse.ArgumentParser(prog="parley")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
