"""Command-line access to the answer grader: ``parley quiz grade`` and ``parley bench grader``.

``quiz grade`` has two forms:

* one-shot: ``parley quiz grade --accept A [--accept B ...] [--reject C ...] ANSWER``
  prints one JSON line ``{"correct": bool, "score": number, "reason": str, "rule": str|null,
  "miss": str|null, "why": str|null}``: ``rule`` names the grader rule(s) that accepted
  the answer (or ``listed_wrong``), ``miss`` what kind of near miss a wrong answer was, and
  ``why`` the sentence a student would be shown after the question (it names the answer);
* batch: with no ANSWER it reads JSON Lines on stdin, each
  ``{"answer": str, "accept": [str, ...], "reject": [str, ...]}`` (``reject`` optional),
  and writes one JSON line per input line, in order. A malformed line yields
  ``{"error": "line N: ..."}`` and the rest are still graded. Blank lines are skipped.

The exit status reports errors, never verdicts: 0 when every input was graded (right or
wrong), 1 when some batch line was malformed, 2 for a usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from bot.bench import grader as bench_grader
from bot.domain.grading import explain, grade

__all__ = ["add_quiz_subcommands", "grade_line", "register", "register_bench", "run_lint"]

GRADE_HELP = """\
Grade typed answers the way Parley's quizzes do. Two forms:

  one answer:  parley quiz grade --accept "Yongbyon" [--accept ...] [--reject ...] "yongbion"
               prints {"correct": true|false, "score": ..., "reason": ...}
  many:        JSON Lines piped in, one per answer, each
               {"answer": "...", "accept": ["..."], "reject": ["..."]} (reject optional);
               one result line per input line, in order. A malformed line gets
               {"error": "line N: ..."} and the rest are still graded.

The exit status reports errors, never verdicts: 0 when everything was graded, 1 when a line
was malformed, 2 for a usage error."""

EXIT_OK = 0
EXIT_BAD_INPUT = 1
EXIT_USAGE = 2


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``quiz`` command (with its own subcommands) to a top-level CLI."""
    quiz = subparsers.add_parser("quiz", help="quiz tools", description="Quiz tools.")
    quiz_subparsers = quiz.add_subparsers(dest="quiz_command", metavar="COMMAND", required=True)
    add_quiz_subcommands(quiz_subparsers)


def add_quiz_subcommands(
    quiz_subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
) -> None:
    """Add the grader's subcommands under an existing ``quiz`` parser."""
    p = quiz_subparsers.add_parser(
        "grade",
        help="grade free-text answers (one-shot, or JSON Lines on stdin)",
        description=GRADE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--accept",
        action="append",
        default=[],
        metavar="TEXT",
        help="an accepted answer (repeat for alternatives)",
    )
    p.add_argument(
        "--reject",
        action="append",
        default=[],
        metavar="TEXT",
        help="a known wrong answer that must never be accepted (repeatable)",
    )
    p.add_argument("answer", nargs="?", metavar="ANSWER", help="grade this answer and exit")
    p.set_defaults(func=run_grade)

    lint = quiz_subparsers.add_parser(
        "lint",
        help="advice on a scenario's typed-answer items: rejects to add, forms not reached",
        description=(
            "For every short-answer item of SCENARIO, list the likely confusions to add to "
            "reject (answers to other items that come close or are accepted, real words one "
            "letter away from an answer word, from the bank and its article) and likely right "
            "forms the grader does not reach by itself (to add to accept if right). Advice "
            "only: the exit status is 0 unless the scenario cannot be loaded."
        ),
    )
    lint.add_argument("scenario", metavar="SCENARIO", help="scenario id, e.g. hanoi-2019")
    lint.add_argument("--json", action="store_true", help="one JSON line per finding")
    lint.add_argument("--content", type=Path, default=None, metavar="DIR")
    lint.add_argument("--seeds", type=Path, default=None, metavar="DIR")
    lint.set_defaults(func=run_lint)


def register_bench(bench_subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``grader`` under an existing ``bench`` parser."""
    p = bench_subparsers.add_parser(
        "grader",
        help="precision/recall of the answer grader on the labelled data set",
        description="Evaluate the answer grader and a naive baseline on labelled answers; "
        "prints a table, then the JSON result as the last line.",
    )
    bench_grader.build_parser(p)
    p.set_defaults(func=bench_grader.run)


def _verdict(answer: str, accept: list[str], reject: list[str]) -> dict[str, Any]:
    g = grade(answer, accept, reject)
    return {
        "correct": g.correct,
        "score": g.score,
        "reason": g.reason,
        "rule": g.rule,
        "miss": g.miss.kind if g.miss else None,
        "why": explain(g, reveal=True),
    }


def _string_list(value: Any, field: str, *, required: bool) -> list[str]:
    if value is None and not required:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f'"{field}" must be a list of strings')
    if required and not value:
        raise ValueError(f'"{field}" must not be empty')
    return value


def grade_line(text: str, lineno: int) -> dict[str, Any]:
    """Grade one JSON Lines record; a malformed record becomes ``{"error": ...}``."""
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        return {"error": f"line {lineno}: invalid JSON: {exc.msg} (column {exc.colno})"}
    except RecursionError:
        return {"error": f"line {lineno}: invalid JSON: nested too deeply"}
    if not isinstance(record, dict):
        return {"error": f"line {lineno}: expected a JSON object"}
    answer = record.get("answer")
    if not isinstance(answer, str):
        return {"error": f'line {lineno}: "answer" must be a string'}
    try:
        accept = _string_list(record.get("accept"), "accept", required=True)
        reject = _string_list(record.get("reject"), "reject", required=False)
    except ValueError as exc:
        return {"error": f"line {lineno}: {exc}"}
    return _verdict(answer, accept, reject)


def _input_lines(stdin: TextIO) -> Iterator[str | UnicodeDecodeError]:
    """Yield stdin lines; undecodable ones come through as the error (not raised)."""
    buffer = getattr(stdin, "buffer", None)
    if buffer is None:  # already text (tests, io.StringIO)
        yield from stdin
        return
    for raw in buffer:
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield exc


def _emit(out: TextIO, payload: dict[str, Any]) -> None:
    out.write(json.dumps(payload, ensure_ascii=False) + "\n")
    out.flush()  # one result per input, promptly, for callers that pipe line by line


def run_grade(args: argparse.Namespace) -> int:
    """``quiz grade``: one-shot with ANSWER, otherwise JSON Lines from stdin."""
    out = sys.stdout
    if args.answer is not None:
        if not args.accept:
            print("error: quiz grade ANSWER needs at least one --accept", file=sys.stderr)
            return EXIT_USAGE
        _emit(out, _verdict(args.answer, args.accept, args.reject))
        return EXIT_OK
    if args.accept or args.reject:
        print(
            "error: --accept/--reject need ANSWER; on stdin put them in each JSON line",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if sys.stdin.isatty():
        # Nothing piped in: waiting for JSON typed at the keyboard would look like a hang.
        print(
            'quiz grade needs an answer to grade: parley quiz grade --accept "Yongbyon" "yongbion"',
            file=sys.stderr,
        )
        print(
            "or JSON Lines piped in, one per answer: "
            '{"answer": "...", "accept": ["..."], "reject": ["..."]} (see --help).',
            file=sys.stderr,
        )
        return EXIT_USAGE
    status = EXIT_OK
    for lineno, line in enumerate(_input_lines(sys.stdin), start=1):
        if isinstance(line, UnicodeDecodeError):
            _emit(out, {"error": f"line {lineno}: not valid UTF-8"})
            status = EXIT_BAD_INPUT
            continue
        if not line.strip():
            continue
        result = grade_line(line, lineno)
        if "error" in result:
            status = EXIT_BAD_INPUT
        _emit(out, result)
    return status


def run_lint(args: argparse.Namespace) -> int:
    """``quiz lint SCENARIO``: print the advice, item by item (or JSON Lines)."""
    from bot.content.loader import content_dir, load_scenarios, seeds_dir
    from bot.content.problems import ContentError
    from bot.domain.quiz_lint import LintItem, lint_items, vocabulary_of

    try:
        scenarios = load_scenarios(args.content or content_dir())
    except ContentError as exc:
        print(f"error: the content does not load: {exc}", file=sys.stderr)
        return 1
    scenario = scenarios.get(args.scenario)
    if scenario is None:
        known = ", ".join(sorted(scenarios)) or "none"
        print(f"error: no scenario {args.scenario!r} (known: {known})", file=sys.stderr)
        return 1
    items = [
        LintItem(q.id, q.prompt, tuple(q.accept), tuple(q.reject))
        for q in scenario.quiz
        if q.type == "short_answer"
    ]
    texts = [q.prompt for q in scenario.quiz]
    texts += [a for item in items for a in (*item.accept, *item.reject)]
    seed = Path(args.seeds or seeds_dir()) / scenario.source.seed
    if seed.is_file():
        texts.append(seed.read_text(encoding="utf-8"))
    findings = lint_items(items, vocabulary_of(texts))
    if args.json:
        for f in findings:
            _emit(sys.stdout, {"item": f.item_id, "kind": f.kind, "text": f.text, "note": f.note})
        return EXIT_OK
    by_item: dict[str, list[str]] = {}
    for f in findings:
        by_item.setdefault(f.item_id, []).append(f"  {f.kind}: {f.text!r}: {f.note}")
    for item in items:
        if item.item_id in by_item:
            print(f"{item.item_id}: {item.prompt}")
            print("\n".join(by_item[item.item_id]))
    print(f"{len(items)} short-answer item(s), {len(findings)} finding(s)")
    return EXIT_OK


def _standalone_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="parley")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    register(sub)
    bench = sub.add_parser("bench", help="benchmarks")
    register_bench(bench.add_subparsers(dest="bench_command", metavar="BENCH", required=True))
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run without the top-level CLI: ``python -m bot.cli.grading quiz grade ...``."""
    args = _standalone_parser().parse_args(argv)
    status: int = args.func(args)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
