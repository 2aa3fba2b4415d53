"""Read trivia lists in Red-DiscordBot's format, with every fault reported by line.

The format (Red's ``redbot/cogs/trivia/schema.py``): a YAML mapping of question → list of
accepted answers, plus optional keys ``AUTHOR`` (text), ``CONFIG`` (a mapping of ``max_score``,
``timeout``, ``delay``, ``bot_plays``, ``reveal_answer``, ``payout_multiplier``,
``use_spoilers``) and ``$schema``. Answers may be text, numbers or booleans; like Red, a boolean
answer (YAML reads ``yes`` as true) stands for "True", "Yes" and "On".

Red validates the loaded data, so its errors cannot say where a fault is; this reader walks
PyYAML's node tree and names the line of each problem, so a teacher can fix a list of hundreds
of questions without searching. It is stricter than Red where Red would silently misbehave: a
repeated question (YAML keeps only the last), a question with no answers, an answer that is
empty or a list.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "MAX_ANSWERS",
    "MAX_ANSWER_CHARS",
    "MAX_QUESTION_CHARS",
    "TriviaFormatError",
    "TriviaList",
    "TriviaProblem",
    "TriviaQuestion",
    "load_red_trivia",
    "parse_red_trivia",
    "trivia_item_id",
]

MAX_QUESTION_CHARS = 1000
"""A question is shown in one embed; longer text would be cut off on a phone anyway."""
MAX_ANSWER_CHARS = 200
MAX_ANSWERS = 25
"""The grader looks at the first 25 alternatives only (`bot.domain.grading.MAX_ALTERNATIVES`)."""

_BOOL_ANSWERS = {True: ("True", "Yes", "On"), False: ("False", "No", "Off")}


def _positive_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _number(minimum: float, *, strict: bool = False) -> Any:
    def ok(value: Any) -> bool:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        return value > minimum if strict else value >= minimum

    return ok


def _boolean(value: Any) -> bool:
    return isinstance(value, bool)


# key -> (check, what a valid value is), as in Red's schema
CONFIG_KEYS: dict[str, tuple[Any, str]] = {
    "max_score": (_positive_int, "a positive whole number"),
    "timeout": (_number(0, strict=True), "a positive number"),
    "delay": (_number(4), "a number of at least 4"),
    "bot_plays": (_boolean, "true or false"),
    "reveal_answer": (_boolean, "true or false"),
    "payout_multiplier": (_number(0), "a number of at least 0"),
    "use_spoilers": (_boolean, "true or false"),
}


@dataclass(frozen=True, slots=True)
class TriviaQuestion:
    text: str
    answers: tuple[str, ...]
    line: int

    @property
    def item_id(self) -> str:
        return trivia_item_id(self.text)


@dataclass(frozen=True, slots=True)
class TriviaList:
    questions: tuple[TriviaQuestion, ...]
    author: str | None = None
    config: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, order=True)
class TriviaProblem:
    line: int
    message: str


class TriviaFormatError(ValueError):
    """A malformed list; `problems` holds every fault found, each with its line (1-based)."""

    def __init__(self, source: str, problems: list[TriviaProblem]) -> None:
        self.source = source
        self.problems = sorted(problems)
        super().__init__("\n".join(f"{source}:{p.line}: {p.message}" for p in self.problems))


def trivia_item_id(question: str) -> str:
    """A stable id from the question's text, so re-importing a list keeps students' progress."""
    folded = " ".join(unicodedata.normalize("NFKC", question).casefold().split())
    return "t-" + hashlib.sha1(folded.encode("utf-8")).hexdigest()[:12]


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _kind_of(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "a true/false value"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, date):
        return "a date"
    return type(value).__name__


class _Reader:
    def __init__(self, loader: yaml.SafeLoader) -> None:
        self.loader = loader
        self.problems: list[TriviaProblem] = []

    def problem(self, node: yaml.Node, message: str) -> None:
        self.problems.append(TriviaProblem(_line(node), message))

    def value(self, node: yaml.Node) -> Any:
        return self.loader.construct_object(node, deep=True)

    def read(self, root: yaml.Node | None) -> TriviaList:
        if root is None:
            self.problems.append(TriviaProblem(1, "the file is empty: it has no questions"))
            return TriviaList(())
        if not isinstance(root, yaml.MappingNode):
            self.problem(
                root,
                "a trivia list is a mapping of questions to answer lists "
                "(`Question?:` then lines `- answer`)",
            )
            return TriviaList(())
        author: str | None = None
        config: dict[str, Any] = {}
        questions: list[TriviaQuestion] = []
        seen: dict[str, int] = {}
        for key_node, value_node in root.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.problem(key_node, "a question must be text, not a list or a mapping")
                continue
            key = self.value(key_node)
            if key == "AUTHOR" or key == "$schema":
                text = self.value(value_node)
                if not isinstance(text, str):
                    self.problem(value_node, f"{key} must be text")
                elif key == "AUTHOR":
                    author = text.strip() or None
                continue
            if key == "CONFIG":
                config = self.config(value_node)
                continue
            if not isinstance(key, str):
                self.problem(
                    key_node,
                    f"the question {key_node.value!r} is read as {_kind_of(key)}, not text: "
                    "put it in quotes",
                )
                continue
            question = " ".join(key.split())
            if not question:
                self.problem(key_node, "a question is empty")
                continue
            if len(question) > MAX_QUESTION_CHARS:
                self.problem(
                    key_node,
                    f"the question is {len(question):,} characters long "
                    f"(at most {MAX_QUESTION_CHARS:,})",
                )
                continue
            item_id = trivia_item_id(question)
            if item_id in seen:
                self.problem(
                    key_node, f"this question is already on line {seen[item_id]} (remove one)"
                )
                continue
            seen[item_id] = _line(key_node)
            answers = self.answers(value_node, question)
            if answers:
                questions.append(TriviaQuestion(question, answers, _line(key_node)))
        if not questions and not self.problems:
            self.problem(root, "the trivia list does not contain any questions")
        return TriviaList(tuple(questions), author, config)

    def config(self, node: yaml.Node) -> dict[str, Any]:
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, "CONFIG should be a 'key: value' mapping")
            return {}
        config: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self.value(key_node)
            if key not in CONFIG_KEYS:
                known = ", ".join(CONFIG_KEYS)
                self.problem(key_node, f"{key!r} is not a CONFIG key (known keys: {known})")
                continue
            valid, what = CONFIG_KEYS[key]
            value = self.value(value_node)
            if not valid(value):
                self.problem(value_node, f"CONFIG {key} must be {what}, not {value!r}")
                continue
            config[key] = value
        return config

    def answers(self, node: yaml.Node, question: str) -> tuple[str, ...]:
        if not isinstance(node, yaml.SequenceNode):
            self.problem(
                node,
                f"the answers to {_short(question)} must be a list: one line `- answer` each",
            )
            return ()
        if not node.value:
            self.problem(node, f"{_short(question)} has no answers")
            return ()
        answers: list[str] = []
        for answer_node in node.value:
            if not isinstance(answer_node, yaml.ScalarNode):
                self.problem(answer_node, "an answer must be text, not a list or a mapping")
                continue
            value = self.value(answer_node)
            if value is None:
                self.problem(answer_node, "an answer is empty")
            elif isinstance(value, bool):
                answers.extend(_BOOL_ANSWERS[value])
            elif isinstance(value, str | int | float):
                text = " ".join(str(value).split())
                if not text:
                    self.problem(answer_node, "an answer is empty")
                elif len(text) > MAX_ANSWER_CHARS:
                    self.problem(
                        answer_node, f"an answer is longer than {MAX_ANSWER_CHARS} characters"
                    )
                else:
                    answers.append(text)
            else:
                self.problem(
                    answer_node,
                    f"the answer {answer_node.value!r} is read as {_kind_of(value)}: "
                    "put it in quotes",
                )
        unique = tuple(dict.fromkeys(answers))
        if len(unique) > MAX_ANSWERS:
            self.problem(node, f"{_short(question)} has {len(unique)} answers (at most 25)")
            return ()
        return unique


def _short(question: str) -> str:
    return repr(question if len(question) <= 60 else question[:57] + "...")


def parse_red_trivia(text: str, source: str = "<trivia list>") -> TriviaList:
    """Parse a list's text; raise `TriviaFormatError` naming the line of every fault."""
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        reader = _Reader(loader)
        result = reader.read(root)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        context = exc.context or ""
        if context and exc.context_mark is not None and exc.context_mark.line + 1 != line:
            context += f" (opened on line {exc.context_mark.line + 1})"
        what = " ".join(f"{context} {exc.problem or ''}".split()) or "invalid YAML"
        raise TriviaFormatError(source, [TriviaProblem(line, f"not valid YAML: {what}")]) from exc
    except yaml.YAMLError as exc:
        raise TriviaFormatError(source, [TriviaProblem(1, f"not valid YAML: {exc}")]) from exc
    finally:
        loader.dispose()
    if reader.problems:
        raise TriviaFormatError(source, reader.problems)
    return result


def load_red_trivia(path: Path | str) -> TriviaList:
    """Read a list file (UTF-8); faults raise `TriviaFormatError` with `path:line: message`."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise TriviaFormatError(
            str(path), [TriviaProblem(line, "not UTF-8 text: save the file as UTF-8")]
        ) from exc
    return parse_red_trivia(text, str(path))
