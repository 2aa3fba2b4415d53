"""The gradebook: one row per student, written as a CSV that opens cleanly in a spreadsheet.

Columns, readable first and ids last: student, actor, points, no_deal, beat_no_deal, messages,
words, floor_seconds, proposals, votes, cards_cited, card_ids, quiz_attempts, quiz_correct,
quiz_percent, user_id. ``points``, ``no_deal`` and ``beat_no_deal`` (yes/no) are the student's
delegation's result in the negotiation game (`bot.domain.deal_space`); empty for a scenario
without points schedules.
The figures are `bot.domain.scorecard.participation`'s (the debrief shows the same ones);
``quiz_percent`` is right answers over answers, rounded half up, empty when there were none.

The file is UTF-8 with a byte-order mark (Excel then reads names with accents and emoji),
CRLF line ends, and every cell that a spreadsheet would run as a formula (``=``, ``+``, ``-``,
``@`` or their full-width forms, also after leading spaces, newlines or invisible characters;
a leading tab or carriage return) neutralised with the transcript exporter's own guard
(`bot.domain.transcript_formats.csv_safe`): a student named ``=HYPERLINK(…)`` stays text.

Pure: no Discord, no database.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TextIO

from bot.domain.deal_space import ActorResult
from bot.domain.scorecard import Participation, percent
from bot.domain.transcript_formats import csv_safe

__all__ = ["GRADEBOOK_COLUMNS", "GradebookRow", "gradebook_rows", "write_gradebook_csv"]

_INTEGER = re.compile(r"-?\d+")

GRADEBOOK_COLUMNS = (
    "student",
    "actor",
    "points",
    "no_deal",
    "beat_no_deal",
    "messages",
    "words",
    "floor_seconds",
    "proposals",
    "votes",
    "cards_cited",
    "card_ids",
    "quiz_attempts",
    "quiz_correct",
    "quiz_percent",
    "user_id",
)


@dataclass(frozen=True, slots=True)
class GradebookRow:
    student: str
    actor: str
    messages: int
    words: int
    floor_seconds: int
    proposals: int
    votes: int
    card_ids: tuple[str, ...]
    quiz_attempts: int
    quiz_correct: int
    user_id: int
    result: ActorResult | None = None

    @property
    def cards_cited(self) -> int:
        return len(self.card_ids)

    @property
    def quiz_percent(self) -> int | None:
        return percent(self.quiz_correct, self.quiz_attempts)

    def cells(self) -> list[str]:
        quiz = self.quiz_percent
        result = self.result
        return [
            self.student,
            self.actor,
            "" if result is None else str(result.points),
            "" if result is None else str(result.no_deal),
            "" if result is None else ("yes" if result.beat_no_deal else "no"),
            str(self.messages),
            str(self.words),
            str(self.floor_seconds),
            str(self.proposals),
            str(self.votes),
            str(self.cards_cited),
            " ".join(self.card_ids),
            str(self.quiz_attempts),
            str(self.quiz_correct),
            "" if quiz is None else str(quiz),
            str(self.user_id),
        ]


def gradebook_rows(
    figures: Iterable[Participation],
    names: Mapping[int, str],
    actor_names: Mapping[str, str],
    quiz: Mapping[int, tuple[int, int]],
    results: Mapping[str, ActorResult] | None = None,
) -> list[GradebookRow]:
    """Rows in the order of ``figures``; ``quiz``: user id -> (answers, right answers);
    ``results``: actor id -> its delegation's result in the negotiation game."""
    results = results or {}
    rows = []
    for p in figures:
        attempts, correct = quiz.get(p.user_id, (0, 0))
        rows.append(
            GradebookRow(
                student=names.get(p.user_id, str(p.user_id)),
                actor=actor_names.get(p.actor, p.actor),
                messages=p.messages,
                words=p.words,
                floor_seconds=p.floor_seconds,
                proposals=p.proposals,
                votes=p.votes,
                card_ids=p.cards_cited,
                quiz_attempts=attempts,
                quiz_correct=correct,
                user_id=p.user_id,
                result=results.get(p.actor),
            )
        )
    return rows


def _cell(value: str) -> str:
    """Guard text against formulas; a whole number (points may be negative) stays a number."""
    return value if _INTEGER.fullmatch(value) else csv_safe(value)


def write_gradebook_csv(rows: Iterable[GradebookRow], out: TextIO) -> int:
    """Write the CSV (with its BOM) to a text stream; returns the number of student rows."""
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(GRADEBOOK_COLUMNS)
    count = 0
    for row in rows:
        writer.writerow([_cell(cell) for cell in row.cells()])
        count += 1
    return count
