"""Advice for quiz authors on short-answer items: what to add to `reject` and to `accept`.

The grader forgives typos and how people write, so an author's answer key mostly needs the
*confusions* it cannot know: answers to other items of the same bank that come close, and
real words one letter away from a word of the answer ("launch" for "lunch"), taken from the
bank and its source article. It also lists likely right forms the grader does not reach by
itself (a surname alone, a country's other names), so the author can decide to accept them.

Everything is judged by the grader itself (`bot.domain.grading.grade`), so the advice is
exactly what a student would meet. Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import pycountry
from rapidfuzz.distance import OSA

from bot.domain.grading import NEAR_MISS_SCORE, grade, normalise, same_word_family

__all__ = ["Finding", "FindingKind", "LintItem", "lint_items", "vocabulary_of"]

FindingKind = Literal["accepted_confusion", "near_confusion", "neighbour", "unreached"]
"""accepted_confusion: another item's answer the grader would ACCEPT here (add to reject);
near_confusion: another item's answer that comes close (consider a reject, it also gets the
"listed wrong answer" reply); neighbour: a real word one edit from an answer word that the
grader accepts (add to reject); unreached: a likely right form the grader refuses (add to
accept if it is right)."""

_WORD = re.compile(r"[^\W\d_]{4,}", re.UNICODE)
MAX_NEIGHBOURS = 8
"""Most one-edit neighbours reported per item (the most likely first: same length)."""


@dataclass(frozen=True, slots=True)
class LintItem:
    """One short-answer item as the linter needs it."""

    item_id: str
    prompt: str
    accept: tuple[str, ...]
    reject: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Finding:
    """One piece of advice on one item: `text` is the answer form, `note` says why."""

    item_id: str
    kind: FindingKind
    text: str
    note: str


def vocabulary_of(texts: Iterable[str]) -> frozenset[str]:
    """Lower-case words of four letters or more in `texts` (the article, the bank)."""
    words: set[str] = set()
    for text in texts:
        words.update(w.casefold() for w in _WORD.findall(text))
    return frozenset(words)


def _rejected(answer: str, item: LintItem) -> bool:
    return grade(answer, item.accept, item.reject).reason == "rejected"


def _confusions(item: LintItem, others: Sequence[LintItem]) -> list[Finding]:
    out: list[Finding] = []
    seen: set[str] = set()
    for other in others:
        if other.item_id == item.item_id or not other.accept:
            continue
        answer = other.accept[0]
        key = normalise(answer)
        if key in seen or _rejected(answer, item):
            continue
        seen.add(key)
        result = grade(answer, item.accept, item.reject)
        if result.correct:
            if grade(item.accept[0], other.accept, other.reject).correct:
                continue  # the same answer for both items: not a confusion
            out.append(
                Finding(
                    item.item_id,
                    "accepted_confusion",
                    answer,
                    f"the answer to {other.item_id} is ACCEPTED here: fine if it names the "
                    "same thing, otherwise add it to reject",
                )
            )
        elif result.score >= max(NEAR_MISS_SCORE, 60.0):
            out.append(
                Finding(
                    item.item_id,
                    "near_confusion",
                    answer,
                    f"the answer to {other.item_id} comes close ({result.score:.0f}); "
                    "a reject entry gets it the 'common wrong answer' reply",
                )
            )
    return out


def _neighbours(item: LintItem, vocabulary: frozenset[str]) -> list[Finding]:
    """Answers with one word swapped for a vocabulary word one edit away, that pass."""
    found: list[tuple[int, str, str, str]] = []
    seen: set[str] = set()
    for alt in item.accept:
        tokens = normalise(alt).split()
        for index, token in enumerate(tokens):
            if len(token) < 4 or not token.isalpha():
                continue
            for word in vocabulary:
                if word == token or abs(len(word) - len(token)) > 1:
                    continue
                if same_word_family(word, token):
                    continue  # "concession" for "concessions" is the same word
                if OSA.distance(word, token, score_cutoff=1) > 1:
                    continue
                candidate = " ".join([*tokens[:index], word, *tokens[index + 1 :]])
                if candidate in seen:
                    continue
                seen.add(candidate)
                if grade(candidate, item.accept, item.reject).correct:
                    found.append((abs(len(word) - len(token)), candidate, word, token))
    found.sort()
    return [
        Finding(
            item.item_id,
            "neighbour",
            candidate,
            f"“{word}” is a real word one letter from “{token}”, and it is accepted; "
            "add it to reject if it names something else",
        )
        for _, candidate, word, token in found[:MAX_NEIGHBOURS]
    ]


def _country_names(text: str) -> list[str]:
    key = normalise(text)
    for country in pycountry.countries:
        names = [
            str(n)
            for n in (
                country.name,
                getattr(country, "common_name", None),
                getattr(country, "official_name", None),
            )
            if n and "," not in str(n)
        ]
        if key in {normalise(n) for n in names}:
            return names
    return []


def _likely_forms(item: LintItem) -> list[tuple[str, str]]:
    """Forms students write for the accepted answers: (form, why)."""
    forms: list[tuple[str, str]] = []
    for alt in item.accept:
        words = alt.split()
        countries = _country_names(alt)
        looks_like_a_name = (
            2 <= len(words) <= 3
            and all(w[:1].isupper() and w.replace("-", "").isalpha() for w in words)
            and "-" not in words[-1]
        )
        if looks_like_a_name and not countries:
            forms.append((words[-1], "the family name alone"))
        for name in countries:
            forms.append((name, "another name of this country"))
    return forms


def _unreached(item: LintItem) -> list[Finding]:
    out: list[Finding] = []
    seen: set[str] = set()
    for form, why in _likely_forms(item):
        key = normalise(form)
        if key in seen:
            continue
        seen.add(key)
        result = grade(form, item.accept, item.reject)
        if not result.correct and result.reason != "rejected":
            out.append(
                Finding(
                    item.item_id,
                    "unreached",
                    form,
                    f"{why}: the grader refuses it; add it to accept if it is right",
                )
            )
    return out


def lint_items(items: Sequence[LintItem], vocabulary: frozenset[str]) -> list[Finding]:
    """Every finding for every item, item by item in the order given."""
    out: list[Finding] = []
    for item in items:
        if not item.accept:
            continue
        out += _confusions(item, items)
        out += _neighbours(item, vocabulary)
        out += _unreached(item)
    return out
