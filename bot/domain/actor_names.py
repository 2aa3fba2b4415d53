"""Resolve what a facilitator types ("north korea", "pyongyang", "s korea", "japn") to one actor.

Names and aliases come from the scenario. An exact match (after the grader's normalisation: case,
accents, punctuation, dotted acronyms, leading articles) wins outright; otherwise rapidfuzz scores
every name and alias and the best actor is taken only when it is clearly ahead. Two close
candidates make the answer *ambiguous* and the caller asks which one; nothing close makes it
*unknown*. A guess is never made silently: "korea" names two actors and "uk" names none.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.domain.grading import normalise

FUZZY_THRESHOLD = 80.0
"""Below this similarity (0-100) a name does not count as a match at all."""
AMBIGUITY_MARGIN = 6.0
"""Candidates within this many points of the best one are read as equally likely."""
SHORT_INPUT = 3
"""Inputs of this many letters or fewer must match a name or alias exactly ("uk" is not "us")."""
SHORT_FORM = 4
"""Names this short ("us", "rok", "dprk") are compared whole, never found inside longer input:
otherwise "russa" would half-match "us"."""


@dataclass(frozen=True)
class ActorName:
    """What the resolver needs of an actor: its id, display name and aliases."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Resolution:
    """The outcome: exactly one of resolved, ambiguous (several candidates) or unknown."""

    query: str
    actor_id: str | None
    candidates: tuple[str, ...] = ()

    @property
    def resolved(self) -> bool:
        return self.actor_id is not None

    @property
    def ambiguous(self) -> bool:
        return self.actor_id is None and len(self.candidates) > 1

    @property
    def unknown(self) -> bool:
        return self.actor_id is None and not self.candidates


def _key(text: str) -> str:
    return normalise(text)


class ActorResolver:
    """Built once per scenario; `resolve` is pure and cheap (tens of names)."""

    def __init__(self, actors: Iterable[ActorName]) -> None:
        self.actors: tuple[ActorName, ...] = tuple(actors)
        self._forms: list[tuple[str, str]] = []  # (normalised form, actor id)
        self._exact: dict[str, set[str]] = {}
        for actor in self.actors:
            for form in (actor.id, actor.name, *actor.aliases):
                key = _key(form)
                if not key:
                    continue
                self._forms.append((key, actor.id))
                self._exact.setdefault(key, set()).add(actor.id)
                self._exact.setdefault(key.replace(" ", ""), set()).add(actor.id)

    def _ordered(self, ids: Iterable[str]) -> tuple[str, ...]:
        wanted = set(ids)
        return tuple(a.id for a in self.actors if a.id in wanted)

    def scores(self, text: str) -> dict[str, float]:
        """Best similarity of ``text`` to each actor's names (0-100), for ranking and tests."""
        key = _key(text)
        best: dict[str, float] = {a.id: 0.0 for a in self.actors}
        if not key:
            return best
        for form, actor_id in self._forms:
            if len(form) <= SHORT_FORM:
                score = float(fuzz.ratio(key, form))
            else:
                score = float(fuzz.WRatio(key, form))
            if score > best[actor_id]:
                best[actor_id] = score
        return best

    def resolve(self, text: str) -> Resolution:
        key = _key(text)
        if not key:
            return Resolution(text, None)
        for candidate in (key, key.replace(" ", "")):
            exact = self._exact.get(candidate)
            if exact:
                if len(exact) == 1:
                    return Resolution(text, next(iter(exact)))
                return Resolution(text, None, self._ordered(exact))
        if len(key.replace(" ", "")) <= SHORT_INPUT:
            return Resolution(text, None)
        scores = self.scores(text)
        top = max(scores.values())
        if top < FUZZY_THRESHOLD:
            return Resolution(text, None)
        close = [
            a for a, s in scores.items() if s >= FUZZY_THRESHOLD and s >= top - AMBIGUITY_MARGIN
        ]
        close.sort(key=lambda a: -scores[a])
        if len(close) == 1:
            return Resolution(text, close[0])
        return Resolution(text, None, tuple(close))

    def ranked(self, text: str, limit: int = 25) -> list[str]:
        """Actor ids best first for autocomplete; every actor when nothing is typed."""
        if not _key(text):
            return [a.id for a in self.actors][:limit]
        resolution = self.resolve(text)
        if resolution.actor_id is not None:
            first = [resolution.actor_id]
        else:
            first = list(resolution.candidates)
        scores = self.scores(text)
        rest = sorted(
            (a.id for a in self.actors if a.id not in first and scores[a.id] >= 50),
            key=lambda a: -scores[a],
        )
        return (first + rest)[:limit]
