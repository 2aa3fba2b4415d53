"""Tests for `parley quiz grade` and `parley bench grader` (bot.cli.grading)."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import pytest

from bot.cli.grading import add_quiz_subcommands, grade_line, register, register_bench

EXACT = {
    "correct": True,
    "score": 100.0,
    "reason": "exact",
    "rule": "exact",
    "miss": None,
    "why": None,
}


def make_parser() -> argparse.ArgumentParser:
    """A stand-in for the top-level `parley` parser, wired the way bot/cli/parley.py is."""
    parser = argparse.ArgumentParser(prog="parley")
    sub = parser.add_subparsers(dest="command", required=True)
    register(sub)
    bench = sub.add_parser("bench")
    register_bench(bench.add_subparsers(dest="bench_command", required=True))
    return parser


def run(argv: list[str]) -> int:
    args = make_parser().parse_args(argv)
    status = args.func(args)
    assert isinstance(status, int)
    return status


def json_lines(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def feed(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))


# --------------------------------------------------------------------------- one-shot


def test_one_shot_correct(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["quiz", "grade", "--accept", "Moon Jae-in", "moon jaein"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    result = json.loads(out)
    assert list(result) == ["correct", "score", "reason", "rule", "miss", "why"]
    assert result == {
        "correct": True,
        "score": 100.0,
        "reason": "exact",
        "rule": "exact",
        "miss": None,
        "why": None,
    }


def test_one_shot_carries_the_rule_and_the_reason(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["quiz", "grade", "--accept", "Hanoi", "Hanoi, Vietnam"]) == 0
    assert json.loads(capsys.readouterr().out)["rule"] == "qualifier"
    assert run(["quiz", "grade", "--accept", "lunch table", "launch table"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["correct"] is False
    assert result["miss"] == "real_word"
    assert result["why"] == "“launch” is a different word from “lunch”, not a typo of it."


def test_one_shot_wrong_answer_still_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["quiz", "grade", "--accept", "North Korea", "--accept", "DPRK"]
    assert run([*argv, "--reject", "South Korea", "South Korea"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["correct"] is False
    assert result["reason"] == "rejected"


def test_one_shot_fuzzy_with_several_alternatives(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["quiz", "grade", "--accept", "Hanoi", "--accept", "Ha Noi", "Hanio"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["correct"] is True
    assert result["reason"] == "fuzzy"
    assert 0 < result["score"] < 100


def test_one_shot_needs_accept(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["quiz", "grade", "Hanoi"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "--accept" in captured.err


def test_accept_without_answer_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    feed(monkeypatch, '{"answer": "Hanoi", "accept": ["Hanoi"]}\n')
    assert run(["quiz", "grade", "--accept", "Hanoi"]) == 2
    assert capsys.readouterr().out == ""


def test_one_shot_hostile_answer(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["quiz", "grade", "--accept", "Hanoi", "🙂" * 10_000]) == 0
    assert json.loads(capsys.readouterr().out)["reason"] == "too_long"


# --------------------------------------------------------------------------- batch


def test_batch_grades_each_line_in_order(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    feed(
        monkeypatch,
        "\n".join(
            [
                json.dumps({"answer": "Yongbion", "accept": ["Yongbyon"]}),
                json.dumps({"answer": "2018", "accept": ["2019"], "reject": ["2018"]}),
                json.dumps({"answer": "Shinzo Abbe", "accept": ["Shinzo Abe"], "reject": []}),
            ]
        )
        + "\n",
    )
    assert run(["quiz", "grade"]) == 0
    results = json_lines(capsys.readouterr().out)
    assert [r["correct"] for r in results] == [True, False, True]
    assert [r["rule"] for r in results] == ["typo", "listed_wrong", "typo"]
    assert results[1]["miss"] == "listed_wrong"
    assert results[1]["why"] == "That is a common wrong answer: the answer is “2019”."
    assert all(list(r)[:2] == ["correct", "score"] for r in results)
    assert all(isinstance(r["score"], int | float) for r in results)


def test_batch_malformed_line_reports_and_continues(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = [
        json.dumps({"answer": "Hanoi", "accept": ["Hanoi"]}),
        json.dumps({"answer": "Seoul", "accept": ["Pyongyang"]}),
        "{not json",
        json.dumps({"answer": "China and Russia", "accept": ["Russia and China"]}),
    ]
    feed(monkeypatch, "\n".join(lines) + "\n")
    assert run(["quiz", "grade"]) == 1
    results = json_lines(capsys.readouterr().out)
    assert len(results) == 4
    assert results[0]["correct"] is True
    assert results[1]["correct"] is False
    assert set(results[2]) == {"error"}
    assert str(results[2]["error"]).startswith("line 3: ")
    assert results[3]["correct"] is True


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("[1, 2]", "expected a JSON object"),
        ('{"accept": ["x"]}', '"answer" must be a string'),
        ('{"answer": 5, "accept": ["x"]}', '"answer" must be a string'),
        ('{"answer": "x"}', '"accept" must be a list of strings'),
        ('{"answer": "x", "accept": []}', '"accept" must not be empty'),
        ('{"answer": "x", "accept": "x"}', '"accept" must be a list of strings'),
        ('{"answer": "x", "accept": ["x", 1]}', '"accept" must be a list of strings'),
        ('{"answer": "x", "accept": ["x"], "reject": "y"}', '"reject" must be a list of strings'),
        ("{", "invalid JSON"),
        ("[" * 100_000, "invalid JSON"),
    ],
    ids=[
        "array",
        "no-answer",
        "answer-int",
        "no-accept",
        "accept-empty",
        "accept-str",
        "accept-mixed",
        "reject-str",
        "truncated",
        "deeply-nested",
    ],
)
def test_grade_line_errors(line: str, message: str) -> None:
    result = grade_line(line, 7)
    assert set(result) == {"error"}
    assert str(result["error"]).startswith("line 7: ")
    assert message in str(result["error"])


def test_grade_line_null_reject_and_extra_keys_are_fine() -> None:
    line = json.dumps({"answer": "Hanoi", "accept": ["Hanoi"], "reject": None, "id": 3})
    assert grade_line(line, 1) == EXACT


def test_batch_blank_lines_are_skipped_but_counted(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    feed(monkeypatch, '\n  \n{"answer": "x"}\n\n')
    assert run(["quiz", "grade"]) == 1
    assert json_lines(capsys.readouterr().out) == [
        {"error": 'line 3: "accept" must be a list of strings'}
    ]


def test_batch_empty_input(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    feed(monkeypatch, "")
    assert run(["quiz", "grade"]) == 0
    assert capsys.readouterr().out == ""


def test_batch_invalid_utf8_line_is_an_error_not_a_crash(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = b'{"answer": "\xff", "accept": ["x"]}\n{"answer": "Hanoi", "accept": ["Hanoi"]}\n'
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8"))
    assert run(["quiz", "grade"]) == 1
    assert json_lines(capsys.readouterr().out) == [
        {"error": "line 1: not valid UTF-8"},
        EXACT,
    ]


# --------------------------------------------------------------------------- wiring


def test_quiz_needs_a_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        make_parser().parse_args(["quiz"])
    assert exc.value.code == 2


def test_other_quiz_subcommands_can_share_the_quiz_parser() -> None:
    parser = argparse.ArgumentParser(prog="parley")
    sub = parser.add_subparsers(dest="command", required=True)
    quiz = sub.add_parser("quiz")
    quiz_sub = quiz.add_subparsers(dest="quiz_command", required=True)
    add_quiz_subcommands(quiz_sub)
    other = quiz_sub.add_parser("review")
    other.set_defaults(func=lambda args: 0)
    assert parser.parse_args(["quiz", "review"]).func(argparse.Namespace()) == 0
    assert parser.parse_args(["quiz", "grade", "--accept", "a", "a"]).answer == "a"


def test_bench_grader_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["bench", "grader", "--json"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    result = json.loads(out)
    assert result["cases"] >= 300
    assert result["grader"]["precision"] >= 0.98
    assert result["grader"]["recall"] >= 0.95
    assert set(result["baseline"]) >= {"precision", "recall", "accuracy", "misclassified"}


def test_bench_grader_table_then_json_last(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = tmp_path / "cases.jsonl"
    rows = [
        {"answer": "Hanio", "accept": ["Hanoi"], "reject": [], "expected": True, "kind": "typo"},
        {"answer": "ROK", "accept": ["DPRK"], "reject": [], "expected": False, "kind": "near_miss"},
        {
            "answer": "Sagarmatha",
            "accept": ["Mount Everest"],
            "reject": [],
            "expected": True,
            "kind": "other",
        },
    ]
    data.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    assert run(["bench", "grader", "--data", str(data)]) == 0
    lines = capsys.readouterr().out.rstrip("\n").splitlines()
    assert any("precision" in line for line in lines[:-1])
    result = json.loads(lines[-1])
    assert result["cases"] == 3
    assert result["grader"]["tp"] == 1
    assert result["grader"]["fn"] == 1  # another name of a mountain is not known
    assert result["grader"]["misclassified"][0]["answer"] == "Sagarmatha"


def test_bench_grader_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert run(["bench", "grader", "--data", str(tmp_path / "nope.jsonl")]) == 1
    assert "cannot evaluate" in capsys.readouterr().err


def _write_set(path: Path, rows: list[dict[str, object]]) -> None:
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")


def test_bench_grader_shows_the_sets_independent_markers(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = tmp_path / "cases.jsonl"
    _write_set(
        data,
        [
            {"answer": "Hanio", "accept": ["Hanoi"], "expected": True, "kind": "typo"},
            {"answer": "ROK", "accept": ["DPRK"], "expected": False, "kind": "other"},
            {"answer": "Sagarmatha", "accept": ["Everest"], "expected": True, "kind": "other"},
        ],
    )
    (tmp_path / "markers").mkdir()
    _write_set(
        tmp_path / "markers" / "cases.jsonl",
        [
            {"line": 1, "answer": "Hanio", "markers": [True, True]},
            {"line": 2, "answer": "ROK", "markers": [False, True]},
            {"line": 3, "answer": "Sagarmatha", "markers": [True, False]},
        ],
    )
    assert run(["bench", "grader", "--data", str(data)]) == 0
    lines = capsys.readouterr().out.rstrip("\n").splitlines()
    assert any(line.startswith("marker 1") for line in lines)
    assert any("agree with one another on 33.3 %" in line for line in lines)
    result = json.loads(lines[-1])
    first, second = result["markers"]
    assert (first["recall"], first["false_accept_rate"]) == (1.0, 0.0)  # the labels again
    assert (second["recall"], second["false_accept_rate"]) == (0.5, 1.0)
    assert result["markers_agree"] == 0.3333
    assert run(["bench", "grader", "--json"]) == 0
    assert "markers" not in json.loads(capsys.readouterr().out)  # a set without markers


def test_bench_grader_refuses_markers_that_do_not_follow_the_set(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = tmp_path / "cases.jsonl"
    _write_set(data, [{"answer": "Hanio", "accept": ["Hanoi"], "expected": True, "kind": "typo"}])
    (tmp_path / "markers").mkdir()
    _write_set(tmp_path / "markers" / "cases.jsonl", [{"answer": "Hanoy", "markers": [True]}])
    assert run(["bench", "grader", "--data", str(data)]) == 1
    err = capsys.readouterr().err
    assert "cannot evaluate" in err and "does not match" in err
