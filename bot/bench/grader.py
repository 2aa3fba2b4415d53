"""Measure the quiz grader on labelled answer sets, next to three baselines run the same time.

The data sets (tests/domain/data/) hold student-style answers, each labelled correct or not
by a person: `grader_cases.jsonl` (the tuning set: the grader's rules were shaped on it),
`grader_holdout.jsonl` (written after the first grader was frozen; looked at while the
second round of rules was built), `grader_heldout_2/3/4/5/6.jsonl`, each written after
the rules of round 2, 3, 4, 5 and 6 were frozen and measured then and tuned on afterwards,
`grader_tuning_7a-j.jsonl` (round 7: written by writers who never saw the rules, measured
as they came in and then tuned on), `grader_heldout_7.jsonl` and `grader_heldout_8.jsonl` (written
after the round-7 and round-8 freezes by writers who never saw the rules, each measured
once and then tuned on), `grader_heldout_9.jsonl` (written after the round-9 freeze the
same way, measured once, tuned on in round 10) and `grader_tuning_10a-f.jsonl` (round 10,
written and used like round 7's) and `grader_heldout_10.jsonl` (written after the round-10
freeze, measured once, tuned on in round 11), `grader_heldout_11.jsonl` and
`grader_heldout_12.jsonl` and `grader_heldout_13.jsonl` (written after the round-11, -12 and
-13 freezes the same way, each measured once and tuned on in the next round) and
`grader_heldout_14.jsonl` (written after the round-14 freeze, measured once, tuned on in
round 15), `grader_heldout_15.jsonl` (written after the round-15 freeze, measured once,
tuned on in round 16), `grader_heldout_16.jsonl` (the same, round 16, tuned on in round 17)
`grader_heldout_17.jsonl` to `grader_heldout_20.jsonl` (the same, rounds 17 to 20, each
tuned on in the round after), `grader_heldout_21.jsonl` (the same, round 21, tuned on in round
22) and `grader_heldout_22.jsonl` (written after the round-22 freeze; not tuned on).
The data README gives each set's history. The "ms/ans" column is the mean time per
answer of each verdict in this run (word lists loaded beforehand).

Labelling policy: an answer is correct when it unambiguously names the accepted thing
despite typos, romanisation, case, accents, punctuation, spacing, word order, harmless extra
words, a sentence around it, a qualifier (", Vietnam"), a standard abbreviation or the
initials of the accepted name, a person's family name alone, a middle name or a title added,
a nickname; it is wrong when it names a different entity, person, year or number (however
close), is incomplete where the missing part carries the meaning, hedges between candidates,
or deviates at all from an accepted answer of four characters or fewer other than by two
neighbouring letters swapped in a word of four letters that makes no other word, name or
initialism ("opne" for "open"; issue #16 made these right, and the four such answers in
older sets were relabelled by that rule, mechanically).

"Positive" means "graded correct": precision is the share of answers the grader accepted
that deserved it (a wrong answer marked right misteaches), recall (the accept rate) the
share of right answers it accepted, the false-accept rate the share of wrong answers it
accepted.

Independent markers: a set may carry, in ``markers/<set>.jsonl`` beside it, its answers
labelled again from the same policy by markers who saw neither the set's labels and kinds nor
the grader (one line per answer: the answer and one label per marker). Each marker is scored
against the set's labels like a grader, to show how far knowledge and judgement get on the same
answers; sets 21 and 22 have them (three and two).

Baselines: a plain ``fuzz.ratio >= 80``; Red-DiscordBot's trivia word match (an answer of
one word must appear as a word of the reply, a longer one as a substring, lower-cased); Sir
Lancebot's ``fuzz.ratio > 88``.

Run: ``python -m bot.bench.grader [--data FILE ...] [--all] [--json]``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from bot.domain.grading import grade, warm_up
from bot.paths import PROJECT_ROOT

DATA_DIR = PROJECT_ROOT / "tests/domain/data"
DEFAULT_DATA = DATA_DIR / "grader_cases.jsonl"
BUNDLED = (
    DEFAULT_DATA,
    DATA_DIR / "grader_holdout.jsonl",
    DATA_DIR / "grader_heldout_2.jsonl",
    DATA_DIR / "grader_heldout_3.jsonl",
    DATA_DIR / "grader_heldout_4.jsonl",
    DATA_DIR / "grader_heldout_5.jsonl",
    DATA_DIR / "grader_heldout_6.jsonl",
    *(DATA_DIR / f"grader_tuning_7{part}.jsonl" for part in "abcdefghij"),
    DATA_DIR / "grader_heldout_7.jsonl",
    DATA_DIR / "grader_heldout_8.jsonl",
    DATA_DIR / "grader_heldout_9.jsonl",
    *(DATA_DIR / f"grader_tuning_10{part}.jsonl" for part in "abcdef"),
    DATA_DIR / "grader_heldout_10.jsonl",
    DATA_DIR / "grader_heldout_11.jsonl",
    DATA_DIR / "grader_heldout_12.jsonl",
    DATA_DIR / "grader_heldout_13.jsonl",
    DATA_DIR / "grader_heldout_14.jsonl",
    DATA_DIR / "grader_heldout_15.jsonl",
    DATA_DIR / "grader_heldout_16.jsonl",
    DATA_DIR / "grader_heldout_17.jsonl",
    DATA_DIR / "grader_heldout_18.jsonl",
    DATA_DIR / "grader_heldout_19.jsonl",
    DATA_DIR / "grader_heldout_20.jsonl",
    DATA_DIR / "grader_heldout_21.jsonl",
    DATA_DIR / "grader_heldout_22.jsonl",
)
BASELINE_THRESHOLD = 80.0
LANCEBOT_THRESHOLD = 88.0

Case = dict[str, Any]
Verdict = Callable[[str, Sequence[str], Sequence[str]], bool]


def load_cases(path: str | Path) -> list[Case]:
    """Read the JSON Lines data set; blank lines are skipped."""
    cases: list[Case] = []
    with Path(path).open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            case = json.loads(line)
            case["line"] = lineno
            cases.append(case)
    return cases


def grader_verdict(answer: str, accept: Sequence[str], reject: Sequence[str]) -> bool:
    """The production grader."""
    return grade(answer, accept, reject).correct


def baseline_verdict(answer: str, accept: Sequence[str], reject: Sequence[str]) -> bool:
    """What a first attempt would do: lower-case fuzz.ratio >= 80 against any accept."""
    del reject  # the naive baseline ignores known-wrong answers
    low = answer.lower()
    return any(fuzz.ratio(low, alt.lower()) >= BASELINE_THRESHOLD for alt in accept)


def red_verdict(answer: str, accept: Sequence[str], reject: Sequence[str]) -> bool:
    """Red-DiscordBot's trivia check: lower-case; a one-word answer must be a word of the
    reply, a longer one a substring of it."""
    del reject
    guess = answer.lower()
    for alt in accept:
        alt = alt.lower()
        if " " not in alt:
            if alt in guess.split(" "):
                return True
        elif alt in guess:
            return True
    return False


def lancebot_verdict(answer: str, accept: Sequence[str], reject: Sequence[str]) -> bool:
    """Sir Lancebot's trivia check: ``fuzz.ratio`` above 88 against any accepted answer."""
    del reject
    low = answer.lower()
    return any(fuzz.ratio(low, alt.lower()) > LANCEBOT_THRESHOLD for alt in accept)


def _ratio(num: int, den: int) -> float:
    return round(num / den, 4) if den else 0.0


def score_verdicts(cases: list[Case], verdict: Verdict) -> dict[str, Any]:
    """Confusion counts, precision/recall/accuracy, per-kind accuracy, misclassified cases."""
    verdicts: list[bool] = []
    elapsed = 0.0
    for case in cases:
        started = time.perf_counter()
        verdicts.append(verdict(case["answer"], case["accept"], case.get("reject", [])))
        elapsed += time.perf_counter() - started
    return score_labels(cases, verdicts, elapsed)


def score_labels(
    cases: list[Case], verdicts: Sequence[bool], elapsed: float = 0.0
) -> dict[str, Any]:
    """`score_verdicts` for verdicts already given, one per case (a marker's labels)."""
    tp = fp = tn = fn = 0
    by_kind: dict[str, dict[str, int]] = {}
    wrong: list[dict[str, Any]] = []
    for case, got in zip(cases, verdicts, strict=True):
        expected = bool(case["expected"])
        kind = by_kind.setdefault(case.get("kind", "other"), {"total": 0, "right": 0})
        kind["total"] += 1
        if got == expected:
            kind["right"] += 1
        if got and expected:
            tp += 1
        elif got and not expected:
            fp += 1
        elif not got and expected:
            fn += 1
        else:
            tn += 1
        if got != expected:
            answer = case["answer"]
            wrong.append(
                {
                    "line": case.get("line"),
                    "answer": answer if len(answer) <= 80 else answer[:77] + "...",
                    "accept": case["accept"],
                    "expected": expected,
                    "got": got,
                    "kind": case.get("kind", "other"),
                }
            )
    total = tp + fp + tn + fn
    return {
        "tp": tp,
        "fp": fp,
        "tn": tn,
        "fn": fn,
        "precision": _ratio(tp, tp + fp),
        "recall": _ratio(tp, tp + fn),
        "accept_rate": _ratio(tp, tp + fn),
        "false_accept_rate": _ratio(fp, fp + tn),
        "f1": _ratio(2 * tp, 2 * tp + fp + fn),
        "accuracy": _ratio(tp + tn, total),
        "ms_per_answer": round(1000 * elapsed / total, 3) if total else 0.0,
        "by_kind": {
            k: {**v, "accuracy": _ratio(v["right"], v["total"])} for k, v in sorted(by_kind.items())
        },
        "misclassified": wrong,
    }


def markers_path(path: str | Path) -> Path:
    """Where independent markers' labels of a set live: ``markers/<set>.jsonl`` beside it."""
    path = Path(path)
    return path.parent / "markers" / path.name


def load_markers(path: str | Path, cases: list[Case]) -> list[list[bool]]:
    """Each marker's labels of `cases`, in their order, from the markers file of the set at
    `path` (none if it has no such file). Each line gives a case's answer and the markers'
    labels; a file that does not follow the set line for line is an error, not a figure."""
    file = markers_path(path)
    if not file.exists():
        return []
    rows = load_cases(file)
    if len(rows) != len(cases):
        raise ValueError(f"markers/{file.name} has {len(rows)} answers, the set has {len(cases)}")
    count = len(rows[0]["markers"]) if rows else 0
    for row, case in zip(rows, cases, strict=True):
        if row["answer"] != case["answer"] or len(row["markers"]) != count:
            raise ValueError(f"markers/{file.name} line {row['line']} does not match the set")
    return [[bool(row["markers"][k]) for row in rows] for k in range(count)]


def evaluate(path: str | Path = DEFAULT_DATA) -> dict[str, Any]:
    """Grade every case with the grader and the baselines; return their scorecards, and
    those of the set's independent markers where it has some."""
    cases = load_cases(path)
    markers = load_markers(path, cases)
    warm_up()  # the word lists load once per process; not a cost per answer
    result = _evaluate_cases(path, cases)
    if markers:
        result["markers"] = [
            {"description": f"independent marker {k}", **score_labels(cases, labels)}
            for k, labels in enumerate(markers, start=1)
        ]
        result["markers_agree"] = _ratio(
            sum(len(set(labels)) == 1 for labels in zip(*markers, strict=True)), len(cases)
        )
    return result


def _evaluate_cases(path: str | Path, cases: list[Case]) -> dict[str, Any]:
    return {
        "data": str(path),
        "cases": len(cases),
        "positives": sum(1 for c in cases if c["expected"]),
        "negatives": sum(1 for c in cases if not c["expected"]),
        "grader": score_verdicts(cases, grader_verdict),
        "baseline": {
            "description": f"fuzz.ratio(lowercase) >= {BASELINE_THRESHOLD:g} vs any accept",
            **score_verdicts(cases, baseline_verdict),
        },
        "baselines": {
            "red": {
                "description": "Red-DiscordBot trivia: word / substring match",
                **score_verdicts(cases, red_verdict),
            },
            "lancebot": {
                "description": f"Sir Lancebot: fuzz.ratio > {LANCEBOT_THRESHOLD:g}",
                **score_verdicts(cases, lancebot_verdict),
            },
        },
    }


def format_report(result: dict[str, Any]) -> str:
    """Human-readable table: headline metrics, per-kind accuracy, the grader's misses."""
    g, b = result["grader"], result["baseline"]
    lines = [
        f"data: {result['data']}",
        f"cases: {result['cases']} ({result['positives']} correct, "
        f"{result['negatives']} wrong answers)",
        "",
        f"{'':<10}{'precision':>10}{'recall':>10}{'false acc':>10}{'F1':>7}"
        f"{'accuracy':>10}{'FP':>6}{'FN':>6}{'ms/ans':>8}",
    ]
    others = result.get("baselines", {})
    rows = [("grader", g), ("ratio>=80", b)]
    rows += [(name, others[key]) for name, key in (("red", "red"), ("lancebot", "lancebot"))]
    rows += [(f"marker {k}", m) for k, m in enumerate(result.get("markers", []), start=1)]
    for name, m in rows:
        timed = f"{m['ms_per_answer']:>8.3f}" if not name.startswith("marker") else f"{'-':>8}"
        lines.append(
            f"{name:<10}{m['precision']:>10.3f}{m['recall']:>10.3f}"
            f"{m['false_accept_rate']:>10.3f}{m['f1']:>7.3f}{m['accuracy']:>10.3f}"
            f"{m['fp']:>6}{m['fn']:>6}{timed}"
        )
    if result.get("markers"):
        lines.append(
            "markers: the set's answers labelled again by independent markers who saw neither"
            f" its labels nor the grader; they agree with one another on"
            f" {result['markers_agree'] * 100:.1f} % of answers"
        )
    lines += ["", f"{'kind':<12}{'n':>5}{'grader':>9}{'baseline':>10}"]
    for kind, v in g["by_kind"].items():
        base = b["by_kind"].get(kind, {}).get("accuracy", 0.0)
        lines.append(f"{kind:<12}{v['total']:>5}{v['accuracy']:>9.3f}{base:>10.3f}")
    lines += ["", f"grader misclassified ({len(g['misclassified'])}):"]
    for w in g["misclassified"]:
        verdict = "accepted wrong answer" if w["got"] else "rejected right answer"
        lines.append(
            f"  line {w['line']:>4} {w['kind']:<11} {verdict}: "
            f"{w['answer']!r} (accept {w['accept'][0]!r})"
        )
    return "\n".join(lines)


def format_summary(results: list[dict[str, Any]]) -> str:
    """One line per set: right answers accepted / wrong answers accepted, for the grader
    and each baseline of the same run."""
    names = (("grader", None), ("ratio>=80", "baseline"), ("red", "red"), ("lancebot", "lancebot"))
    header = f"{'set':<28}{'answers':>8}" + "".join(f"{n:>16}" for n, _ in names)
    lines = ["accepted / false accepts", header]
    for result in results:
        cells = []
        for name, key in names:
            if name == "grader":
                m = result["grader"]
            elif key == "baseline":
                m = result["baseline"]
            else:
                m = result.get("baselines", {}).get(key, {})
            if not m:
                cells.append(f"{'-':>16}")
                continue
            cells.append(f"{m['recall'] * 100:>8.1f}/{m['false_accept_rate'] * 100:>5.1f} %")
        label = Path(result["data"]).name.removesuffix(".jsonl")
        lines.append(f"{label:<28}{result['cases']:>8}" + "".join(cells))
    return "\n".join(lines)


def build_parser(parser: argparse.ArgumentParser | None = None) -> argparse.ArgumentParser:
    """Add the bench options to `parser` (or a new one)."""
    parser = parser or argparse.ArgumentParser(
        prog="parley bench grader", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--data",
        action="append",
        default=None,
        help="labelled JSON Lines file (repeatable; default: the bundled tuning set)",
    )
    parser.add_argument(
        "--all",
        action="store_true",
        help="every bundled set: the tuning set and every held-out set",
    )
    parser.add_argument("--json", action="store_true", help="print only the JSON result")
    return parser


def run(args: argparse.Namespace) -> int:
    """Print the report (unless --json) and then the JSON result as the last line: one
    set's result, or ``{"sets": [...]}`` for several."""
    paths = [str(p) for p in BUNDLED] if args.all else (args.data or [str(DEFAULT_DATA)])
    results = []
    for path in paths:
        try:
            results.append(evaluate(path))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            print(f"error: cannot evaluate {path}: {exc}", file=sys.stderr)
            return 1
    if not args.json:
        for result in results:
            print(format_report(result))
            print()
        if len(results) > 1:
            print(format_summary(results))
            print()
    payload: dict[str, Any] = results[0] if len(results) == 1 else {"sets": results}
    print(json.dumps(payload, ensure_ascii=False))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point for ``python -m bot.bench.grader``."""
    return run(build_parser().parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
