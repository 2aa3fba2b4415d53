"""Quiz rules shared by Discord and the console: questions, checking answers, ordering, scoring.

A `Question` is one quiz item in the shape every front end needs, whichever bank it came from
(a scenario pack or an imported trivia list). `check` turns what a student gave (a button's
value or typed text) into a `Verdict`, or raises `BadAnswer` with a message for the student when
the input is not an answer at all (empty, only emoji, far too long): such input costs nothing
and the question stays open.

Pure domain code: no I/O, no Discord, no database.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from bot.domain.grading import MAX_ANSWER_LENGTH, Miss, explain_miss, grade
from bot.domain.leitner import CardState, due_items

__all__ = [
    "LEARNED_BOX",
    "BadAnswer",
    "Choice",
    "Progress",
    "Question",
    "QuestionKind",
    "RaceAnswer",
    "RaceMode",
    "Standing",
    "Verdict",
    "award_points",
    "check",
    "clean_text",
    "excerpt",
    "miss_of",
    "plan_practice",
    "progress_by_actor",
    "progress_by_paragraph",
    "rank",
    "trim",
]

QuestionKind = Literal["multiple_choice", "true_false", "which_actor", "short_answer"]
RaceMode = Literal["first", "all"]
""""first": only the first correct answer scores (the question closes on it);
"all": every correct answer given before time is up scores."""

LEARNED_BOX = 3
"""A card in this Leitner box or higher counts as learned in progress reports (it has been
answered right at least twice in a row, the last time after waiting two days)."""

EMPTY_ANSWER = "Your answer is empty. Type the answer in a few words and send it again."
NO_LETTERS = (
    "I couldn't find any letters or digits in your answer (emoji and symbols are not graded). "
    "Type the answer in words and send it again."
)
TOO_MANY_WORDS = (
    "That is too many words for an answer here: a few words are enough. "
    "Shorten it and send it again."
)


def too_long_message(length: int) -> str:
    return (
        f"Your answer is {length:,} characters long; answers here are a few words "
        f"(at most {MAX_ANSWER_LENGTH:,} characters). Shorten it and send it again."
    )


class BadAnswer(ValueError):
    """Input that is not an answer; `str(error)` tells the student what to do."""


@dataclass(frozen=True, slots=True)
class Choice:
    """One button: the value it sends, its label, and an optional emoji (an actor's flag)."""

    value: str
    label: str
    emoji: str | None = None


@dataclass(frozen=True, slots=True)
class Question:
    """One quiz item, ready to ask. `key` ("bank/item") identifies it across banks."""

    bank: str
    item_id: str
    kind: QuestionKind
    prompt: str
    choices: tuple[Choice, ...] = ()
    answer: str = ""
    """The right choice's value (choice kinds only)."""
    accept: tuple[str, ...] = ()
    reject: tuple[str, ...] = ()
    explanation: str | None = None
    paragraph: int | None = None
    paragraph_text: str | None = None
    topic: str | None = None
    topic_title: str | None = None
    actors: tuple[str, ...] = ()
    difficulty: int | None = None
    source: str = ""
    """Where the item comes from, for students ("Hanoi 2019", "capitals (by Ann)")."""

    @property
    def key(self) -> str:
        return f"{self.bank}/{self.item_id}"

    @property
    def is_choice(self) -> bool:
        return self.kind != "short_answer"

    def choice(self, value: str) -> Choice | None:
        return next((c for c in self.choices if c.value == value), None)

    @property
    def right_answer(self) -> str:
        """The right answer as a student should read it."""
        if self.is_choice:
            right = self.choice(self.answer)
            return self.choice_label(right) if right else self.answer
        return self.accept[0] if self.accept else ""

    def choice_label(self, choice: Choice) -> str:
        if self.kind == "multiple_choice":
            return f"{letter(self.choices.index(choice))}. {choice.label}"
        if choice.emoji:
            return f"{choice.emoji} {choice.label}"
        return choice.label


def letter(index: int) -> str:
    return "ABCDEFGHIJ"[index]


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome of one answer. `given` is what the student gave, safe to show back;
    `miss` says what was close in a wrong typed answer (see `teaching`)."""

    correct: bool
    score: float
    reason: str
    given: str
    miss: Miss | None = None

    def teaching(self, *, reveal: bool) -> str | None:
        """A sentence on how a typed answer missed narrowly, or None. `reveal` False keeps
        the answer out of it (for a mode where the answer is not shown yet)."""
        return None if self.correct else explain_miss(self.miss, reveal=reveal)


def miss_of(question: Question, given: str) -> Miss | None:
    """The near miss of a stored wrong typed answer, found again by grading it (pure and
    cheap, so nothing extra is stored)."""
    if question.is_choice or not given.strip() or len(given) > MAX_ANSWER_LENGTH:
        return None
    result = grade(given, question.accept, question.reject)
    return None if result.correct else result.miss


_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn"})


def clean_text(text: str, limit: int = 200) -> str:
    """Text a student typed, safe to echo: no control, zero-width or bidi-override characters,
    white space collapsed, at most `limit` characters (an ellipsis marks a cut)."""
    kept = "".join(
        " " if ch.isspace() else ch
        for ch in text[: limit * 4]
        if ch.isspace() or unicodedata.category(ch) not in _INVISIBLE_CATEGORIES
    )
    return trim(" ".join(kept.split()), limit)


def trim(text: str, limit: int) -> str:
    """Cut `text` to at most `limit` characters at a word boundary, marking the cut with '…'."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:") + "…"


def excerpt(text: str, focus: Sequence[str], limit: int) -> str:
    """`text` cut to `limit` characters around the first of the `focus` passages it contains
    (so a long paragraph still shows the words an explanation quotes), '…' marking cuts."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    lowered = text.casefold()
    starts = [lowered.find(f.casefold()) for f in focus if f.strip()]
    found = [i for i in starts if i >= 0]
    start = max(0, min(found) - limit // 4) if found else 0
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 40 else start
        return "…" + trim(text[start:], limit - 1)
    return trim(text, limit)


def check(question: Question, given: str) -> Verdict:
    """Judge one answer. Raises `BadAnswer` for input that is not an answer at all."""
    if question.is_choice:
        choice = question.choice(given)
        if choice is None:
            raise BadAnswer("That is not one of this question's choices. Press one of its buttons.")
        correct = choice.value == question.answer
        return Verdict(correct, 100.0 if correct else 0.0, "choice", question.choice_label(choice))
    if not given.strip():
        raise BadAnswer(EMPTY_ANSWER)
    if len(given) > MAX_ANSWER_LENGTH:
        raise BadAnswer(too_long_message(len(given)))
    result = grade(given, question.accept, question.reject)
    if result.reason == "empty":
        raise BadAnswer(NO_LETTERS)
    if result.reason == "too_long":
        raise BadAnswer(TOO_MANY_WORDS)
    return Verdict(result.correct, result.score, result.reason, clean_text(given), result.miss)


# --- choosing what to practise ------------------------------------------------------------------


def plan_practice(
    candidates: Sequence[str],
    cards: Mapping[str, CardState],
    now: datetime,
    count: int,
    rng: random.Random | None = None,
) -> list[str]:
    """Pick `count` item keys: what is due first (most overdue first), then items never seen
    (shuffled), then the rest soonest-due first, so extra practice goes where it helps most."""
    rng = rng or random.Random()
    known = {key: cards[key] for key in candidates if key in cards}
    due = due_items(known, now)
    unseen = [key for key in candidates if key not in cards]
    rng.shuffle(unseen)
    due_set = set(due)
    rest = sorted(
        (key for key in known if key not in due_set),
        key=lambda key: (known[key].due_at, known[key].box),
    )
    return (due + unseen + rest)[: max(count, 0)]


# --- class races --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RaceAnswer:
    """One student's answer to one race question, as stored."""

    answer_id: int
    user_id: int
    correct: bool
    answered_at: datetime


def award_points(mode: RaceMode, answers: Iterable[RaceAnswer]) -> dict[int, int]:
    """Points per answer id: one for the first correct answer ("first") or for every correct one
    ("all"). Ties on time go to the answer stored first."""
    correct = sorted((a for a in answers if a.correct), key=lambda a: (a.answered_at, a.answer_id))
    if mode == "first":
        correct = correct[:1]
    return {a.answer_id: 1 for a in correct}


@dataclass(frozen=True, slots=True)
class Standing:
    """One line of a leaderboard; equal points share a rank (1, 2, 2, 4)."""

    rank: int
    user_id: int
    points: int
    correct: int = 0
    answered: int = 0
    races: int = 0


def rank(rows: Iterable[Standing]) -> list[Standing]:
    """Order by points, then correct answers, then user id (stable), and number the ranks."""
    ordered = sorted(rows, key=lambda r: (-r.points, -r.correct, r.user_id))
    out: list[Standing] = []
    for index, row in enumerate(ordered):
        tied = out and out[-1].points == row.points and out[-1].correct == row.correct
        place = out[-1].rank if tied else index + 1
        out.append(Standing(place, row.user_id, row.points, row.correct, row.answered, row.races))
    return out


# --- progress -----------------------------------------------------------------------------------


@dataclass(slots=True)
class Progress:
    """How far a student has got on one group of items (a paragraph, an actor)."""

    label: str
    total: int = 0
    seen: int = 0
    learned: int = 0
    attempts: int = 0
    correct: int = 0
    keys: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float | None:
        return None if self.attempts == 0 else self.correct / self.attempts


def _add(
    row: Progress, key: str, cards: Mapping[str, CardState], tally: Mapping[str, tuple[int, int]]
) -> None:
    row.total += 1
    row.keys.append(key)
    card = cards.get(key)
    if card is not None:
        row.seen += 1
        row.learned += card.box >= LEARNED_BOX
    attempts, correct = tally.get(key, (0, 0))
    row.attempts += attempts
    row.correct += correct


def progress_by_paragraph(
    questions: Iterable[Question],
    cards: Mapping[str, CardState],
    tally: Mapping[str, tuple[int, int]],
) -> list[tuple[int, Progress]]:
    """Per ¶ (in article order): items, seen, learned, attempts and right answers.

    `tally` maps an item key to (attempts, correct attempts)."""
    rows: dict[int, Progress] = {}
    for q in questions:
        if q.paragraph is None:
            continue
        _add(rows.setdefault(q.paragraph, Progress(f"¶{q.paragraph}")), q.key, cards, tally)
    return sorted(rows.items())


def progress_by_actor(
    questions: Iterable[Question],
    cards: Mapping[str, CardState],
    tally: Mapping[str, tuple[int, int]],
    actor_order: Sequence[str],
) -> list[tuple[str, Progress]]:
    """Per actor (in order of play): the same figures over the items tagged with that actor."""
    rows: dict[str, Progress] = {actor: Progress(actor) for actor in actor_order}
    for q in questions:
        for actor in q.actors:
            _add(rows.setdefault(actor, Progress(actor)), q.key, cards, tally)
    return [(actor, row) for actor, row in rows.items() if row.total]
