"""The debrief's arithmetic: interest scorecards, the reveal, participation and citations.

**Scorecard.** For each actor, every objective that is not ``indifferent`` is one line: the
outcome the actor wanted on an agenda item, its weight, and whether the vote produced it. Points
earned are the weights of the lines met; possible points are all the weights. ``indifferent``
objectives carry weight 0 and are left out, so an actor is never rewarded for a view the article
does not give it. An agenda item missing from the outcome counts as ``not_adopted`` (nothing on
it passed). The percentage is an integer rounded half up (2/3 -> 67, 1/8 -> 13), computed with
exact fractions: the same inputs give the same figure on every machine, and a teacher checking by
hand gets what Parley shows. With nothing to score it is ``None``, not 0 % or 100 %.

**Reveal.** Per actor and agenda item: what it wanted, beside what its delegation proposed,
backed and voted. A vote is *consistent* with an objective when it pushes toward it (yes for
``adopted``; no or abstain for ``not_adopted``); the debrief points at the others, which are
where the negotiating happened (or the brief was ignored).

**Participation** per student, over plain records: messages and words (deleted messages do not
count; Discord mentions, custom emoji, timestamps and links are not words), floor seconds (from
`bot.domain.speaking.floor_time`), proposals tabled (a replacement is a new proposal), votes
(distinct proposals the student cast a ballot on: changing a vote is not voting twice), and the
evidence cards cited.

**Citations** (`find_citations`): a message cites a card when it names the card's id
(``pub-6``), quotes at least `MIN_QUOTED_WORDS` words of it in quotation marks, or copies a run of
at least `MIN_RUN_WORDS` words without them; or when it cites the card's paragraph (``¶6``,
``¶¶6-7``, ``para 6``, ``paragraph 6``), which credits the first card of that paragraph in the
deck unless one of its cards is already credited. Short unmarked overlaps are not citations:
"the U.S. and North Korea" appears in a card, and in every other student message.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Protocol

from bot.content.models import Outcome, Want
from bot.content.seed import quoted_fragments, unquoted
from bot.domain.speaking import FloorTime

__all__ = [
    "MIN_QUOTED_WORDS",
    "MIN_RUN_WORDS",
    "CitationIndex",
    "Member",
    "Message",
    "Participation",
    "RevealLine",
    "ScoreLine",
    "Scorecard",
    "count_words",
    "find_citations",
    "participation",
    "percent",
    "reveal",
    "scorecard",
    "scorecards",
]

MIN_QUOTED_WORDS = 3
MIN_RUN_WORDS = 8


# --- records the functions read (content models and DB rows both fit) -------------------------


class ObjectiveRecord(Protocol):
    @property
    def actor(self) -> str: ...
    @property
    def agenda(self) -> str: ...
    @property
    def wants(self) -> Want: ...
    @property
    def weight(self) -> int: ...


class CardRecord(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def quote(self) -> str: ...
    @property
    def paragraph(self) -> int: ...


class MessageRecord(Protocol):
    @property
    def user_id(self) -> int: ...
    @property
    def content(self) -> str: ...
    @property
    def deleted(self) -> bool: ...


class MemberRecord(Protocol):
    @property
    def user_id(self) -> int: ...
    @property
    def actor(self) -> str: ...


class ProposalRecord(Protocol):
    @property
    def number(self) -> int: ...
    @property
    def agenda(self) -> str: ...
    @property
    def sponsor(self) -> str: ...
    @property
    def tabled_by(self) -> int | None: ...
    @property
    def co_sponsors(self) -> Sequence[str]: ...
    @property
    def supporters(self) -> Sequence[str]: ...


class BallotRecord(Protocol):
    @property
    def proposal(self) -> int: ...
    @property
    def actor(self) -> str: ...
    @property
    def choice(self) -> str: ...
    @property
    def cast_by(self) -> int | None: ...


@dataclass(frozen=True, slots=True)
class Member:
    """A student in a session and the actor they play (a ready-made `MemberRecord`)."""

    user_id: int
    actor: str


@dataclass(frozen=True, slots=True)
class Message:
    """One transcript message, latest revision (a ready-made `MessageRecord`)."""

    user_id: int
    content: str
    deleted: bool = False


# --- scorecard -----------------------------------------------------------------------------------


def percent(earned: int, possible: int) -> int | None:
    """``earned / possible`` as a whole percentage, rounded half up; ``None`` if nothing counts."""
    if possible <= 0:
        return None
    return math.floor(Fraction(100 * earned, possible) + Fraction(1, 2))


@dataclass(frozen=True, slots=True)
class ScoreLine:
    agenda: str
    wants: Want
    weight: int
    outcome: Outcome
    met: bool

    @property
    def points(self) -> int:
        return self.weight if self.met else 0


@dataclass(frozen=True, slots=True)
class Scorecard:
    """One actor's interest scorecard."""

    actor: str
    lines: tuple[ScoreLine, ...]

    @property
    def earned(self) -> int:
        return sum(line.points for line in self.lines)

    @property
    def possible(self) -> int:
        return sum(line.weight for line in self.lines)

    @property
    def percent(self) -> int | None:
        return percent(self.earned, self.possible)

    @property
    def summary(self) -> str:
        """``"3/5 (60%)"``, or ``"nothing to score"``."""
        if self.percent is None:
            return "nothing to score"
        return f"{self.earned}/{self.possible} ({self.percent}%)"


def scorecard(
    actor: str,
    objectives: Iterable[ObjectiveRecord],
    outcome: Mapping[str, Outcome],
    agenda_order: Sequence[str] = (),
) -> Scorecard:
    """Score ``actor`` against the outcome (agenda id -> adopted/not_adopted).

    Lines follow ``agenda_order`` when given, else the objectives' order.
    """
    rank = {agenda: index for index, agenda in enumerate(agenda_order)}
    mine = [o for o in objectives if o.actor == actor and o.wants != "indifferent"]
    mine.sort(key=lambda o: rank.get(o.agenda, len(rank)))
    lines: list[ScoreLine] = []
    for objective in mine:
        got: Outcome = outcome.get(objective.agenda, "not_adopted")
        lines.append(
            ScoreLine(
                objective.agenda, objective.wants, objective.weight, got, got == objective.wants
            )
        )
    return Scorecard(actor, tuple(lines))


def scorecards(
    actors: Iterable[str],
    objectives: Iterable[ObjectiveRecord],
    outcome: Mapping[str, Outcome],
    agenda_order: Sequence[str] = (),
) -> tuple[Scorecard, ...]:
    objectives = list(objectives)
    return tuple(scorecard(a, objectives, outcome, agenda_order) for a in actors)


# --- reveal --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RevealLine:
    """What an actor wanted on one agenda item, beside what its delegation did."""

    agenda: str
    wants: Want
    weight: int
    proposed: tuple[int, ...]
    backed: tuple[int, ...]
    votes: tuple[tuple[int, str], ...]
    """(proposal, choice) for the delegation's counting vote on each proposal on this item."""
    inconsistent_votes: tuple[int, ...]
    """Proposals on which the delegation voted against its own objective."""


def reveal(
    actor: str,
    objectives: Iterable[ObjectiveRecord],
    proposals: Iterable[ProposalRecord],
    counting_ballots: Iterable[BallotRecord],
    agenda_order: Sequence[str],
) -> tuple[RevealLine, ...]:
    """The reveal for one actor, one line per agenda item (``indifferent`` ones included).

    ``counting_ballots``: the ballots that count (``VoteRound.current().values()``).
    """
    wants = {o.agenda: o for o in objectives if o.actor == actor}
    proposals = list(proposals)
    agenda_of = {p.number: p.agenda for p in proposals}
    ballots = [b for b in counting_ballots if b.actor == actor]
    lines: list[RevealLine] = []
    for agenda in agenda_order:
        objective = wants.get(agenda)
        want: Want = "indifferent" if objective is None else objective.wants
        on_item = [p for p in proposals if p.agenda == agenda]
        votes = tuple(
            sorted((b.proposal, b.choice) for b in ballots if agenda_of.get(b.proposal) == agenda)
        )
        inconsistent = tuple(
            number
            for number, choice in votes
            if (want == "adopted" and choice != "yes")
            or (want == "not_adopted" and choice == "yes")
        )
        lines.append(
            RevealLine(
                agenda=agenda,
                wants=want,
                weight=0 if objective is None else objective.weight,
                proposed=tuple(p.number for p in on_item if p.sponsor == actor),
                backed=tuple(
                    p.number for p in on_item if actor in p.co_sponsors or actor in p.supporters
                ),
                votes=votes,
                inconsistent_votes=inconsistent,
            )
        )
    return tuple(lines)


# --- words and citations -------------------------------------------------------------------------

_DISCORD_TOKENS = re.compile(
    r"<(?:@[!&]?\d+|#\d+|a?:\w+:\d+|t:-?\d+(?::[tTdDfFR])?|/[\w -]+:\d+)>|https?://\S+"
)
_WORD = re.compile(r"\w+")
_PARAGRAPH = re.compile(
    r"(?:¶¶?|\bparas?\.?|\bparagraphs?)\s*(\d{1,3})(?:\s*(?:-|–|—|to)\s*(\d{1,3}))?",
    re.IGNORECASE,
)
_MAX_RANGE = 5


def count_words(text: str) -> int:
    """Words a student wrote: whitespace-separated tokens with a letter or digit in them."""
    stripped = _DISCORD_TOKENS.sub(" ", text)
    return sum(1 for token in stripped.split() if any(c.isalnum() for c in token))


def _tokens(text: str) -> str:
    """Folded words joined by single spaces, padded, for whole-word substring tests."""
    return " " + " ".join(_WORD.findall(unquoted(text))) + " "


def _runs(words: list[str], size: int) -> set[str]:
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def _cited_paragraphs(text: str) -> list[int]:
    cited: list[int] = []
    for match in _PARAGRAPH.finditer(text):
        first = int(match.group(1))
        last = int(match.group(2)) if match.group(2) else first
        if first <= last <= first + _MAX_RANGE:
            cited.extend(range(first, last + 1))
        else:
            cited.append(first)
    return cited


class CitationIndex:
    """The evidence deck prepared once, for finding citations in many messages."""

    def __init__(self, cards: Sequence[CardRecord]) -> None:
        self.order: tuple[str, ...] = tuple(card.id for card in cards)
        self._paragraph: dict[str, int] = {card.id: card.paragraph for card in cards}
        self._quote: dict[str, str] = {card.id: _tokens(card.quote) for card in cards}
        self._runs: dict[str, set[str]] = {
            card_id: _runs(tokens.split(), MIN_RUN_WORDS) for card_id, tokens in self._quote.items()
        }
        by_id = {card_id.casefold(): card_id for card_id in self.order}
        self._by_id = by_id
        self._ids = (
            re.compile(
                r"(?<![\w-])("
                + "|".join(re.escape(card_id) for card_id in sorted(by_id, key=len, reverse=True))
                + r")(?![\w-])",
                re.IGNORECASE,
            )
            if by_id
            else None
        )

    def find(self, text: str) -> tuple[str, ...]:
        """Ids of the cards ``text`` cites, in deck order."""
        cited: set[str] = set()
        if self._ids is not None:
            cited.update(self._by_id[m.group(1).casefold()] for m in self._ids.finditer(text))

        for fragment in quoted_fragments(text):
            words = _WORD.findall(unquoted(fragment))
            if len(words) < MIN_QUOTED_WORDS:
                continue
            needle = " " + " ".join(words) + " "
            for card_id in self.order:  # the first card that holds it: one credit per quotation
                if needle in self._quote[card_id]:
                    cited.add(card_id)
                    break

        message_runs = _runs(_WORD.findall(unquoted(text)), MIN_RUN_WORDS)
        if message_runs:
            cited.update(card_id for card_id in self.order if message_runs & self._runs[card_id])

        for number in dict.fromkeys(_cited_paragraphs(text)):
            of_paragraph = [c for c in self.order if self._paragraph[c] == number]
            if of_paragraph and not cited.intersection(of_paragraph):
                cited.add(of_paragraph[0])

        return tuple(card_id for card_id in self.order if card_id in cited)


def find_citations(text: str, cards: Sequence[CardRecord]) -> tuple[str, ...]:
    """Ids of the cards ``text`` cites, in deck order (see the module docstring).

    For many messages, build one `CitationIndex` and call its ``find``.
    """
    return CitationIndex(cards).find(text)


# --- participation -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Participation:
    """One gradebook row's participation figures."""

    user_id: int
    actor: str
    messages: int
    words: int
    floor_seconds: int
    proposals: int
    votes: int
    cards_cited: tuple[str, ...]

    @property
    def cards_cited_count(self) -> int:
        return len(self.cards_cited)


def participation(
    members: Iterable[MemberRecord],
    messages: Iterable[MessageRecord],
    *,
    floor: FloorTime,
    proposals: Iterable[ProposalRecord] = (),
    ballots: Iterable[BallotRecord] = (),
    cards: Sequence[CardRecord] = (),
) -> tuple[Participation, ...]:
    """Per-student figures, in the order of ``members``; messages by non-members are ignored.

    ``messages``: every stored message of the session (latest revision of each); ``ballots``:
    every ballot cast (not only the counting ones); ``cards``: the evidence deck to look for.
    """
    members = list(members)
    known = {member.user_id for member in members}
    counts: dict[int, int] = dict.fromkeys(known, 0)
    words: dict[int, int] = dict.fromkeys(known, 0)
    cited: dict[int, set[str]] = {user: set() for user in known}
    index = CitationIndex(cards)
    for message in messages:
        if message.user_id not in known or message.deleted:
            continue
        counts[message.user_id] += 1
        words[message.user_id] += count_words(message.content)
        cited[message.user_id].update(index.find(message.content))
    tabled: dict[int, int] = dict.fromkeys(known, 0)
    for proposal in proposals:
        if proposal.tabled_by in known:
            tabled[proposal.tabled_by] += 1
    voted: dict[int, set[int]] = {user: set() for user in known}
    for ballot in ballots:
        if ballot.cast_by in known:
            voted[ballot.cast_by].add(ballot.proposal)
    return tuple(
        Participation(
            user_id=member.user_id,
            actor=member.actor,
            messages=counts[member.user_id],
            words=words[member.user_id],
            floor_seconds=floor.by_user.get(member.user_id, 0),
            proposals=tabled[member.user_id],
            votes=len(voted[member.user_id]),
            cards_cited=tuple(c for c in index.order if c in cited[member.user_id]),
        )
        for member in members
    )
