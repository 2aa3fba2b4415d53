"""The debrief: the outcome beside history, the reveal, scorecards, participation, reflection.

`build_report` gathers the figures (pure: records in, a `DebriefReport` out; the arithmetic is
`bot.domain.scorecard`'s), and `report_pages` lays them out as pages that fit a phone and
Discord's embed limits, in the order a class debriefs:

1. **The outcome beside history** — per deliverable, what the class adopted (which clauses)
   and what happened at the real summit; for "no agreement", who blocked what under the
   decision rule.
2. **What happened**, then **the article's argument** about it (for Hanoi: why walking away can
   be "a victory for process"), each claim with its evidence cards quoted verbatim and their ¶.
3. **The reveal**, one page per delegation: its confidential objectives beside what it
   proposed, backed and voted (votes against its own objective flagged), its scorecard, and
   quotes from its own transcript — its private thread included: that is the reveal.
4. **Scorecards** side by side; **participation** per student; **reflection prompts**.

With points schedules (the negotiation game), page 1 is followed by **the score of the deal**
(each delegation's points beside its no-deal value, and whether it beat it) and **what was
possible** (how many packages there were, how many every party that could block preferred to
no deal, how many were efficient, and where the outcome, each tabled package and history sit);
the reveal shows each delegation's points schedule; the arithmetic is
`bot.domain.deal_space`'s.

Quotes are chosen, not sampled: a delegation's messages that cite evidence first, then the
longest; a quote is one line, cut at a word boundary. Student text is returned as typed; the
Discord layer escapes mentions when it renders.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot.content.models import Claim, Outcome, ReflectionPrompt, Scenario
from bot.domain.brief_pages import (
    FIELD_NAME_LIMIT,
    FIELD_VALUE_LIMIT,
    TITLE_LIMIT,
    Page,
    PageField,
    fit,
    paragraphs_of,
)
from bot.domain.deal_space import GameReport, Package, Placement, game_report, score
from bot.domain.scorecard import (
    CitationIndex,
    Member,
    Participation,
    RevealLine,
    Scorecard,
    count_words,
    participation,
    reveal,
    scorecards,
)
from bot.domain.speaking import FloorTime
from bot.domain.voting import Ballot, Proposal, VoteOutcome

__all__ = [
    "DEBRIEF_PAGE_BUDGET",
    "MAX_PROMPTS",
    "ActorDebrief",
    "DebriefReport",
    "PackageStance",
    "Quote",
    "Said",
    "Student",
    "build_report",
    "headline",
    "pick_quotes",
    "report_pages",
    "vote_result_pages",
]

DEBRIEF_PAGE_BUDGET = 1800
"""Characters of text per page before a section continues on the next: about a phone screen,
and far inside Discord's 6,000 per message."""
FIELDS_PER_PAGE = 8
MAX_PROMPTS = 5
MIN_QUOTE_WORDS = 5
QUOTE_CHARS = 220
QUOTES_PER_ACTOR = 2

WANTS = {"adopted": "adopted", "not_adopted": "not adopted", "indifferent": "no view"}
CHOICE_NAMES = {"yes": "Yes", "no": "No", "abstain": "Abstain"}
CHANNEL_NAMES = {"plenary": "plenary", "delegation": "private thread", "caucus": "caucus"}


@dataclass(frozen=True, slots=True)
class Student:
    """A student in the session's record and the delegation they played."""

    user_id: int
    name: str
    actor: str


@dataclass(frozen=True, slots=True)
class Said:
    """One transcript message as the debrief reads it (a `MessageRecord` for participation)."""

    user_id: int
    author: str
    actor: str | None
    channel_kind: str
    content: str
    deleted: bool = False


@dataclass(frozen=True, slots=True)
class Quote:
    author: str
    channel_kind: str
    text: str
    cards: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PackageStance:
    """What a delegation did about one package proposal, beside what it was worth to it."""

    number: int
    status: str
    proposed: bool
    backed: bool
    vote: str | None
    points: int
    no_deal: int

    @property
    def against_own_numbers(self) -> bool:
        """A yes to a package that does not beat no deal, or a no to one that does."""
        if self.vote == "yes":
            return self.points <= self.no_deal
        if self.vote == "no":
            return self.points > self.no_deal
        return False


@dataclass(frozen=True, slots=True)
class ActorDebrief:
    actor: str
    lines: tuple[RevealLine, ...]
    scorecard: Scorecard
    quotes: tuple[Quote, ...]
    packages: tuple[PackageStance, ...] = ()
    """Every package proposal, for the negotiation game's reveal."""


@dataclass(frozen=True, slots=True)
class DebriefReport:
    """Everything the debrief shows; ``outcome`` is ``None`` when no vote was held."""

    session_id: int
    outcome: VoteOutcome | None
    proposals: tuple[Proposal, ...]
    actors: tuple[ActorDebrief, ...]
    participation: tuple[Participation, ...]
    names: Mapping[int, str]
    prompts: tuple[ReflectionPrompt, ...]
    game: GameReport | None = None
    """The score of the deal, for scenarios with points schedules."""

    @property
    def by_agenda(self) -> dict[str, Outcome]:
        """Agenda id -> adopted / not_adopted (empty when no vote was held: nothing adopted)."""
        return {} if self.outcome is None else self.outcome.by_agenda()

    def proposal(self, number: int) -> Proposal | None:
        for proposal in self.proposals:
            if proposal.number == number:
                return proposal
        return None


def pick_quotes(
    messages: Iterable[Said],
    user_ids: set[int],
    index: CitationIndex,
    limit: int = QUOTES_PER_ACTOR,
) -> tuple[Quote, ...]:
    """The delegation's most telling lines: evidence-citing first, then the longest."""
    ranked: list[tuple[int, int, int, Said, tuple[str, ...]]] = []
    for order, said in enumerate(messages):
        if said.deleted or said.user_id not in user_ids:
            continue
        words = count_words(said.content)
        if words < MIN_QUOTE_WORDS:
            continue
        cards = index.find(said.content)
        ranked.append((-len(cards), -words, order, said, cards))
    ranked.sort(key=lambda r: r[:3])
    quotes: list[Quote] = []
    seen: set[str] = set()
    for _, _, _, said, cards in ranked:
        text = fit(" ".join(said.content.split()), QUOTE_CHARS)
        if text.casefold() in seen:
            continue
        seen.add(text.casefold())
        quotes.append(Quote(said.author, said.channel_kind, text, cards))
        if len(quotes) == limit:
            break
    return tuple(quotes)


def build_report(
    scenario: Scenario,
    session_id: int,
    *,
    students: Sequence[Student],
    actors: Sequence[str],
    messages: Sequence[Said],
    proposals: Sequence[Proposal],
    ballots: Sequence[Ballot],
    counting: Sequence[Ballot],
    outcome: VoteOutcome | None,
    floor: FloorTime,
) -> DebriefReport:
    """The debrief's figures. ``actors``: delegations played, in order of play; ``ballots``:
    every ballot cast; ``counting``: the ballots that count; ``messages``: every stored
    message of the session (latest revision)."""
    agenda = [item.id for item in scenario.agenda]
    cards = [card for _, card in scenario.all_cards()]
    index = CitationIndex(cards)
    by_agenda = {} if outcome is None else outcome.by_agenda()
    cards_by_actor = {
        c.actor: c for c in scorecards(actors, scenario.objectives, by_agenda, agenda)
    }
    debriefs = []
    for actor in actors:
        members = {s.user_id for s in students if s.actor == actor}
        debriefs.append(
            ActorDebrief(
                actor=actor,
                lines=reveal(actor, scenario.objectives, proposals, counting, agenda),
                scorecard=cards_by_actor[actor],
                quotes=pick_quotes(messages, members, index),
                packages=_stances(scenario, actor, proposals, counting),
            )
        )
    figures = participation(
        [Member(s.user_id, s.actor) for s in students],
        messages,
        floor=floor,
        proposals=proposals,
        ballots=ballots,
        cards=cards,
    )
    return DebriefReport(
        session_id=session_id,
        outcome=outcome,
        proposals=tuple(proposals),
        actors=tuple(debriefs),
        participation=figures,
        names={s.user_id: s.name for s in students},
        prompts=tuple(scenario.reflection_prompts[:MAX_PROMPTS]),
        game=_game(scenario, actors, proposals, outcome),
    )


def _stances(
    scenario: Scenario, actor: str, proposals: Sequence[Proposal], counting: Sequence[Ballot]
) -> tuple[PackageStance, ...]:
    if actor not in scenario.schedules:
        return ()
    votes = {b.proposal: b.choice for b in counting if b.actor == actor}
    no_deal = scenario.schedule(actor).no_deal.points
    return tuple(
        PackageStance(
            number=p.number,
            status=p.status,
            proposed=p.sponsor == actor,
            backed=actor in p.co_sponsors or actor in p.supporters,
            vote=votes.get(p.number),
            points=score(scenario, actor, Package(p.package)),
            no_deal=no_deal,
        )
        for p in proposals
        if p.package is not None
    )


def _game(
    scenario: Scenario,
    actors: Sequence[str],
    proposals: Sequence[Proposal],
    outcome: VoteOutcome | None,
) -> GameReport | None:
    if not scenario.has_game:
        return None
    by_number = {p.number: p for p in proposals}
    tabled = [
        (p.number, p.sponsor, Package(p.package))
        for p in proposals
        if p.package is not None and p.status == "tabled"
    ]
    adopted = None
    if outcome is not None and outcome.package is not None and outcome.package in by_number:
        held = by_number[outcome.package].package
        if held is not None:
            adopted = (outcome.package, Package(held))
    return game_report(scenario, actors, tabled, adopted)


# --- layout --------------------------------------------------------------------------------------


def _actor(scenario: Scenario, actor_id: str) -> str:
    try:
        actor = scenario.actor(actor_id)
    except KeyError:
        return actor_id
    return f"{actor.flag} {actor.name}"


def _actor_name(scenario: Scenario, actor_id: str) -> str:
    try:
        return scenario.actor(actor_id).name
    except KeyError:
        return actor_id


def _names(scenario: Scenario, actor_ids: Iterable[str]) -> str:
    names = [_actor_name(scenario, a) for a in actor_ids]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _agenda_title(scenario: Scenario, agenda_id: str) -> str:
    try:
        return scenario.agenda_item(agenda_id).title
    except KeyError:
        return agenda_id


def _cite(scenario: Scenario, card_ids: Iterable[str]) -> str:
    numbers = paragraphs_of(scenario, card_ids)
    return ", ".join(f"¶{n}" for n in numbers)


def _clip(text: str) -> str:
    return fit(" ".join(text.split()), 160)


def _pack(section: str, title: str, lead: str, fields: Sequence[PageField]) -> list[Page]:
    """Fields in order, as many per page as the budget allows; continuations numbered."""
    pages: list[list[PageField]] = [[]]
    size = len(lead)
    for f in fields:
        f = PageField(fit(f.name, FIELD_NAME_LIMIT), fit(f.value, FIELD_VALUE_LIMIT))
        grows = len(f.name) + len(f.value)
        if pages[-1] and (size + grows > DEBRIEF_PAGE_BUDGET or len(pages[-1]) >= FIELDS_PER_PAGE):
            pages.append([])
            size = 0
        pages[-1].append(f)
        size += grows
    total = len(pages)
    return [
        Page(
            section,
            fit(title if total == 1 else f"{title} ({i}/{total})", TITLE_LIMIT),
            lead if i == 1 else "",
            tuple(chunk),
        )
        for i, chunk in enumerate(pages, start=1)
    ]


def _lines(section: str, title: str, lead: str, lines: Sequence[str]) -> list[Page]:
    """Lines of running text, as many per page as the budget allows."""
    pages: list[list[str]] = [[lead] if lead else []]
    size = len(lead)
    for line in lines:
        line = fit(line, DEBRIEF_PAGE_BUDGET)
        if pages[-1] and size + len(line) + 1 > DEBRIEF_PAGE_BUDGET:
            pages.append([])
            size = 0
        pages[-1].append(line)
        size += len(line) + 1
    total = len(pages)
    return [
        Page(section, title if total == 1 else f"{title} ({i}/{total})", "\n".join(chunk))
        for i, chunk in enumerate(pages, start=1)
    ]


def headline(scenario: Scenario, outcome: VoteOutcome | None) -> str:
    """One paragraph: agreement or not, and for "no agreement" who did not say yes."""
    rule = scenario.decision_rule
    if outcome is None:
        return "**No vote was held**, so nothing was adopted: the class ends with **no agreement**."
    if outcome.agreement:
        items = [i for i in outcome.items if i.outcome == "adopted"]
        clauses = len(outcome.adopted)
        return (
            f"**Agreement.** The class adopted {clauses} "
            f"{'clause' if clauses == 1 else 'clauses'} on {len(items)} of the "
            f"{len(outcome.items)} deliverables."
        )
    if not outcome.tallies:
        return "**No agreement.** No proposal was on the ballot."
    blocked = [t for t in outcome.tallies if t.blocked_by]
    if blocked:
        parts = [f"#{t.proposal} by {_names(scenario, t.blocked_by)}" for t in blocked[:8]]
        more = f" and {len(blocked) - 8} more" if len(blocked) > 8 else ""
        return (
            f"**No agreement.** A deal needed a yes from {_names(scenario, rule.must_agree)} on "
            f"the same proposal, and no proposal got it. Not a yes from: "
            f"{'; '.join(parts)}{more}."
        )
    return "**No agreement.** No proposal won a majority of the delegations present."


def _history_line(scenario: Scenario, report: DebriefReport) -> str:
    history = scenario.history.outcome
    agreed_then = [a for a, o in history.items() if o == "adopted"]
    then = "an agreement" if agreed_then else "no agreement"
    ours = report.by_agenda
    differs = [a for a in history if ours.get(a, "not_adopted") != history[a]]
    if not differs:
        same = "Your class ended as the real summit did."
    else:
        same = "Your class and history part ways on: " + ", ".join(
            _agenda_title(scenario, a) for a in differs
        )
        same += "."
    return f"**In history:** {then}. {same}"


def _what(scenario: Scenario, proposal: Proposal, agenda: str | None, limit: int) -> str:
    """A clause as students read it: the option a package holds on ``agenda`` (with the note,
    if any), or the proposal's own words."""
    option_id = proposal.option(agenda) if agenda is not None else None
    if proposal.package is not None:
        label = ""
        if option_id is not None:
            try:
                item = scenario.agenda_item(agenda or "")
                label = "adopted" if item.binary else item.option(option_id).label
            except KeyError:
                label = option_id
        else:
            label = Package(proposal.package).label(scenario)
        note = " ".join(proposal.text.split())
        return f"{label}" + (f" — “{fit(note, limit)}”" if note else "")
    return f"“{fit(' '.join(proposal.text.split()), limit)}”"


def _clause(
    scenario: Scenario, report: DebriefReport, number: int, agenda: str | None = None
) -> str:
    proposal = report.proposal(number)
    if proposal is None:
        return f"#{number}"
    return (
        f"#{number} ({_actor_name(scenario, proposal.sponsor)}): "
        f"{_what(scenario, proposal, agenda, 160)}"
    )


def _outcome_page(scenario: Scenario, report: DebriefReport) -> list[Page]:
    fields = []
    items = {i.agenda: i for i in report.outcome.items} if report.outcome else {}
    for item in scenario.agenda:
        ours = items.get(item.id)
        if ours is not None and ours.outcome == "adopted":
            clauses = "\n".join(f"• {_clause(scenario, report, n, item.id)}" for n in ours.clauses)
            class_line = f"Your class: ✅ **adopted**\n{clauses}"
        else:
            class_line = "Your class: ❌ not adopted"
        real = scenario.history.outcome.get(item.id)
        history_line = (
            ""
            if real is None
            else f"\nIn history: {'✅ adopted' if real == 'adopted' else '❌ not adopted'}"
        )
        fields.append(PageField(item.title, class_line + history_line))
    lead = "\n\n".join(
        [
            headline(scenario, report.outcome),
            _history_line(scenario, report),
            scenario.decision_rule.explanation,
        ]
    )
    return _pack("outcome", "The outcome beside history", lead, fields)


def _signed(n: int) -> str:
    return f"+{n}" if n > 0 else str(n).replace("-", "−")


def _where(placement: Placement) -> str:
    if placement.package is None:
        return "at the no-deal point"
    zone = "inside the zone" if placement.in_zone else "outside the zone"
    efficient = "efficient" if placement.efficient else "not efficient"
    return f"{zone}, {efficient}, rank {placement.rank} of {placement.of} by joint gain"


def _game_pages(scenario: Scenario, report: DebriefReport) -> list[Page]:
    game = report.game
    if game is None:
        return []
    deal = (
        f"The class adopted package #{game.adopted}: {game.package.label(scenario)}."
        if game.package is not None and game.adopted is not None
        else "No package was adopted: **no agreement**, so every delegation gets its no-deal value."
    )
    lines = [
        f"{'✅' if r.beat_no_deal else '❌'} **{_actor(scenario, r.actor)}**: {r.points} "
        f"points, no deal {r.no_deal} ({_signed(r.gain)}) — "
        + ("beat no deal" if r.beat_no_deal else "did not beat no deal")
        for r in game.results
    ]
    score = _lines(
        "score",
        "The score of the deal",
        deal + "\nPoints from each delegation's private schedule; beating no deal means "
        "strictly more than its no-deal value.",
        lines,
    )
    deciders = _names(scenario, game.deciders)
    possible = [
        f"**{game.total}** possible packages (each item: one option, or left out).",
        f"**{game.zone}** were better than no deal for every delegation that could block "
        "them: the zone of possible agreement.",
        f"**{game.frontier}** were efficient for {deciders} (no other package better for one "
        f"without being worse for another); {game.frontier_in_zone} of them in the zone.",
        f"**Your outcome**: {_where(game.outcome)}.",
    ]
    for tabled in game.proposals:
        possible.append(
            f"**#{tabled.number}** ({_actor_name(scenario, tabled.sponsor)}): "
            f"{_where(tabled.placement)}."
        )
    history = (
        "no agreement" if game.history_package is None else game.history_package.label(scenario)
    )
    possible.append(f"**History** ({history}): {_where(game.history)}.")
    lead = (
        "The chart shows every package as a point, the no-deal point, the efficient frontier, "
        "the tabled packages and your outcome."
        if game.chart is not None
        else ""
    )
    return [*score, *_lines("possible", "What was possible", lead, possible)]


def _claim_field(scenario: Scenario, claim: Claim, number: int) -> PageField:
    cites = _cite(scenario, claim.cards)
    quotes = []
    for card_id in claim.cards:
        try:
            card = scenario.card(card_id)
        except KeyError:
            continue
        quotes.append(f"> “{' '.join(card.quote.split())}” — ¶{card.paragraph}")
    name = f"{number}. {cites}" if cites else f"{number}."
    return PageField(name, claim.text + ("\n" + "\n".join(quotes) if quotes else ""))


def _history_pages(scenario: Scenario) -> list[Page]:
    history = scenario.history
    happened = [_claim_field(scenario, c, i) for i, c in enumerate(history.what_happened, 1)]
    argued = [_claim_field(scenario, c, i) for i, c in enumerate(history.author_argument, 1)]
    author = scenario.source.author
    return [
        *_pack(
            "history",
            "What happened in history",
            "What the article reports, with its own words (¶ = paragraph of the article).",
            happened,
        ),
        *_pack(
            "argument",
            "The article's argument",
            f"How {author} reads the outcome: an argument to weigh, not a fact. Does it hold "
            "for your class's outcome too?",
            argued,
        ),
    ]


def _priorities(scenario: Scenario, actor: str, agenda: str) -> str | None:
    """``"shut −20 · half +20 · full +40"``: the delegation's schedule on one item."""
    schedule = scenario.schedules.get(actor)
    if schedule is None:
        return None
    try:
        item = scenario.agenda_item(agenda)
    except KeyError:
        return None
    entries = schedule.items.get(agenda, {})
    parts = [
        f"{'adopt' if item.binary else option.label} {_signed(entries[option.id].points)}"
        for option in item.choices()
        if option.id in entries
    ]
    return " · ".join(parts) or None


def _want(line: RevealLine) -> str:
    if line.wants == "indifferent":
        return "no view in the article (not scored)"
    return f"wanted it {WANTS[line.wants]} (weight {line.weight})"


def _status(report: DebriefReport, number: int) -> str:
    proposal = report.proposal(number)
    if proposal is None or proposal.status == "tabled":
        return f"#{number}"
    return f"#{number} ({proposal.status})"


def _reveal_value(report: DebriefReport, line: RevealLine, outcome: Outcome) -> str:
    parts = []
    if line.proposed:
        parts.append("Proposed " + ", ".join(_status(report, n) for n in line.proposed))
    if line.backed:
        parts.append("backed " + ", ".join(_status(report, n) for n in line.backed))
    if line.votes:
        parts.append("voted " + ", ".join(f"#{n} {CHOICE_NAMES.get(c, c)}" for n, c in line.votes))
    did = "; ".join(parts) if parts else "Proposed, backed and voted nothing here"
    text = did[:1].upper() + did[1:] + "."
    if line.inconsistent_votes:
        numbers = ", ".join(f"#{n}" for n in line.inconsistent_votes)
        text += f"\n⚠️ Voted against its own objective on {numbers}."
    met = ""
    if line.wants != "indifferent":
        met = " — ✅ objective met" if outcome == line.wants else " — ❌ objective missed"
    return text + f"\nOutcome: {WANTS[outcome]}{met}."


def _stance_text(report: DebriefReport, stances: Sequence[PackageStance]) -> str:
    lines = []
    for stance in stances:
        did = []
        if stance.proposed:
            did.append("proposed")
        if stance.backed:
            did.append("backed")
        if stance.vote is not None:
            did.append(f"voted {CHOICE_NAMES.get(stance.vote, stance.vote)}")
        worth = "beats" if stance.points > stance.no_deal else "does not beat"
        line = (
            f"{_status(report, stance.number)} worth {stance.points} ({worth} no deal "
            f"{stance.no_deal}): {', '.join(did) or 'nothing'}"
        )
        if stance.against_own_numbers:
            line += " ⚠️ against its own numbers"
        lines.append(line)
    return "\n".join(lines)


def _reveal_pages(scenario: Scenario, report: DebriefReport) -> list[Page]:
    pages: list[Page] = []
    outcome = report.by_agenda
    for debrief in report.actors:
        fields = []
        for line in debrief.lines:
            value = _reveal_value(report, line, outcome.get(line.agenda, "not_adopted"))
            priorities = _priorities(scenario, debrief.actor, line.agenda)
            if priorities is not None:
                name = f"{_agenda_title(scenario, line.agenda)} — its points"
                value = f"{priorities}\n{value}"
            else:
                name = f"{_agenda_title(scenario, line.agenda)} — {_want(line)}"
            fields.append(PageField(name, value))
        if debrief.packages:
            fields.append(PageField("Packages", _stance_text(report, debrief.packages)))
        if debrief.quotes:
            said = "\n".join(
                f"> “{q.text}” — {q.author}, {CHANNEL_NAMES.get(q.channel_kind, q.channel_kind)}"
                for q in debrief.quotes
            )
        else:
            said = "Nothing this delegation wrote is in the transcript."
        fields.append(PageField("In its own words", said))
        result = (
            next((r for r in report.game.results if r.actor == debrief.actor), None)
            if report.game
            else None
        )
        if result is not None:
            lead = (
                f"**{result.points} points, no deal {result.no_deal}.** Its private points "
                "schedule, beside what its delegation proposed, backed and voted."
            )
        else:
            lead = (
                f"**Scorecard: {debrief.scorecard.summary}.** Its confidential objectives, "
                "beside what its delegation proposed, backed and voted."
            )
        pages += _pack("reveal", f"The reveal — {_actor(scenario, debrief.actor)}", lead, fields)
    return pages


def _scorecard_pages(scenario: Scenario, report: DebriefReport) -> list[Page]:
    if report.game is not None and not scenario.objectives:
        return []  # the score of the deal replaces the adopt / not adopt scorecard
    fields = []
    for debrief in report.actors:
        card = debrief.scorecard
        lines = [
            f"{'✅' if line.met else '❌'} {_agenda_title(scenario, line.agenda)}: wanted "
            f"{WANTS[line.wants]}, got {WANTS[line.outcome]} — {line.points}/{line.weight}"
            for line in card.lines
        ] or ["The article gives this actor no view on any deliverable: nothing to score."]
        fields.append(
            PageField(f"{_actor(scenario, card.actor)} — {card.summary}", "\n".join(lines))
        )
    lead = (
        "Points for each objective the outcome met, with the scenario's weights. Objectives the "
        "article gives an actor no view on are not scored."
    )
    return _pack("scorecards", "Scorecards", lead, fields)


def _floor(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _participation_pages(scenario: Scenario, report: DebriefReport) -> list[Page]:
    lines = [
        f"**{report.names.get(p.user_id, str(p.user_id))}** · {_actor_name(scenario, p.actor)} — "
        f"{_plural(p.messages, 'message')} · {_plural(p.words, 'word')} · "
        f"{_floor(p.floor_seconds)} floor · {_plural(p.proposals, 'proposal')} · "
        f"{_plural(p.votes, 'vote')} · {_plural(p.cards_cited_count, 'card')} cited"
        for p in report.participation
    ] or ["No student took part."]
    lead = (
        "Per student: messages and words in the session's channels and threads, floor time, "
        "proposals tabled, proposals voted on, evidence cards cited. `/session gradebook` "
        "gives the same figures as a spreadsheet."
    )
    return _lines("participation", "Participation", lead, lines)


def _prompt_pages(scenario: Scenario, report: DebriefReport) -> list[Page]:
    fields = []
    for i, prompt in enumerate(report.prompts, 1):
        cites = _cite(scenario, prompt.cards)
        fields.append(PageField(f"{i}." + (f" ({cites})" if cites else ""), prompt.text))
    lead = "Discuss in your delegation, then in plenary."
    return _pack("reflection", "Reflection", lead, fields)


def vote_result_pages(
    scenario: Scenario, proposals: Sequence[Proposal], outcome: VoteOutcome
) -> list[Page]:
    """The announcement when the vote closes: adopted clauses, then every delegation's vote."""
    by_number = {p.number: p for p in proposals}
    fields = []
    for item in outcome.items:
        if item.clauses:
            value = "\n".join(
                f"✅ #{n} ({_actor_name(scenario, by_number[n].sponsor)}): "
                f"{_what(scenario, by_number[n], item.agenda, 300)}"
                for n in item.clauses
                if n in by_number
            )
        else:
            value = "❌ not adopted"
        fields.append(PageField(_agenda_title(scenario, item.agenda), value))
    for tally in outcome.tallies:
        proposal = by_number.get(tally.proposal)
        about = ""
        if proposal is not None:
            about = (
                "(package)"
                if proposal.package is not None
                else _agenda_title(scenario, proposal.agenda)
            )
        votes = " · ".join(
            f"{label}: {_names(scenario, actors) or '—'}"
            for label, actors in (
                ("Yes", tally.yes),
                ("No", tally.no),
                ("Abstain", tally.abstain),
                ("No vote", tally.not_voted),
            )
            if actors or label != "No vote"
        )
        missing = [a for a in tally.blocked_by if a not in tally.vetoed_by]
        if missing:
            votes += f"\nNo yes from {_names(scenario, missing)}, so it cannot pass."
        if tally.vetoed_by:
            votes += (
                f"\n{_names(scenario, tally.vetoed_by)} voted no on an option it may veto, "
                "so it cannot pass."
            )
        mark = "✅ adopted" if tally.passed else "❌ not adopted"
        fields.append(PageField(f"#{tally.proposal} {about} — {mark}", votes))
    title = "The vote: agreement" if outcome.agreement else "The vote: no agreement"
    lead = headline(scenario, outcome) + "\n" + scenario.decision_rule.explanation
    return _pack("vote", title, lead, fields)


def report_pages(scenario: Scenario, report: DebriefReport) -> list[Page]:
    """Every page of the debrief, in the order a class reads it."""
    return [
        *_outcome_page(scenario, report),
        *_game_pages(scenario, report),
        *_history_pages(scenario),
        *_reveal_pages(scenario, report),
        *_scorecard_pages(scenario, report),
        *_participation_pages(scenario, report),
        *_prompt_pages(scenario, report),
    ]
