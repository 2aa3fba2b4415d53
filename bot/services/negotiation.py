"""Proposals and the vote: every change is one unit of work that applies `bot.domain.voting`.

`NegotiationService` (``bot.negotiation``) loads a session's proposals and vote into the
domain's values (`ProposalBook`, `VoteRound`), lets the domain decide, and stores the result.
Each change starts by locking the session's negotiation row (`NegotiationRepository.lock`), so
two students pressing buttons at the same moment are applied one after the other: numbers never
collide, and when two members of a delegation vote at once both ballots are kept and the one
applied last is the delegation's counting vote.

Who acts: a student acts for the delegation (actor) they play in the session. Facilitators who
do not play can open and close the vote but not table or vote.

Events (``on_event(name, session_id)``, i.e. ``bot.dispatch``): ``parley_proposals_changed``,
``parley_vote_opened``, ``parley_vote_closed``, ``parley_debriefed``.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from bot.clock import Clock, SystemClock
from bot.db.engine import Database
from bot.domain.deal_space import Package, option_rules, package_options, score
from bot.domain.echo import echo
from bot.domain.voting import (
    PACKAGE,
    Ballot,
    Choice,
    OptionRules,
    Proposal,
    ProposalBook,
    Tally,
    VoteOutcome,
    VoteRound,
    VotingError,
    open_vote,
    vote_outcome,
)
from bot.errors import UserFacingError

if TYPE_CHECKING:
    from bot.content.models import Scenario
    from bot.db.models import ClassSession, ProposalRow, VoteRoundRow
    from bot.db.unit_of_work import Transaction

__all__ = [
    "BackingAction",
    "CastResult",
    "NegotiationService",
    "NegotiationState",
    "ProposalChange",
    "Rule",
    "VoteClosed",
    "VoteOpened",
    "Worth",
    "WorthLine",
]

log = logging.getLogger(__name__)

EventSink = Callable[[str, int], None]
BackingAction = Literal["co_sponsor", "support", "drop"]

NO_ACTOR = (
    "You need a delegation to do that: join the session and wait for your facilitator to hand "
    "out delegations."
)
ENDED = "That session has ended."


@dataclass(frozen=True)
class Rule:
    """The decision rule as the vote round recorded it (what `bot.domain.voting` reads), with
    the options' own rules keyed by (agenda id, option id)."""

    must_agree: tuple[str, ...]
    options: Mapping[tuple[str, str], OptionRules] = field(default_factory=dict)


@dataclass(frozen=True)
class WorthLine:
    """One item of a package and what its option is worth to the delegation asking."""

    agenda: str
    option: str
    points: int


@dataclass(frozen=True)
class Worth:
    """What a package is worth to one delegation, privately, against its no-deal value."""

    actor: str
    number: int | None
    lines: tuple[WorthLine, ...]
    points: int
    no_deal: int

    @property
    def beats_no_deal(self) -> bool:
        return self.points > self.no_deal

    @property
    def gain(self) -> int:
        return self.points - self.no_deal


@dataclass(frozen=True)
class Card:
    """Where a proposal's card is in Discord."""

    channel_id: int
    message_id: int


@dataclass(frozen=True)
class RoundRecord:
    """The vote round beside its domain value: where its messages are, and the stored result."""

    vote: VoteRound
    rule: Rule
    ballot_messages: Mapping[int, int]
    channel_id: int | None
    outcome: Mapping[str, Any] | None
    opened_by: int | None
    closed_by: int | None


@dataclass(frozen=True)
class NegotiationState:
    """A consistent snapshot of one session's proposals and vote."""

    session_id: int
    guild_id: int
    channel_id: int
    scenario_id: str
    live: bool
    book: ProposalBook
    cards: Mapping[int, Card]
    round: RoundRecord | None
    debriefed_at: datetime | None = None
    debrief_message_id: int | None = None
    archive_opened_at: datetime | None = None

    @property
    def outcome(self) -> VoteOutcome | None:
        """The outcome so far (final once the vote closed); ``None`` before any vote."""
        if self.round is None:
            return None
        rule = self.round.rule
        return vote_outcome(self.book, self.round.vote, rule, rule.options)

    @property
    def vote_open(self) -> bool:
        return self.round is not None and self.round.vote.is_open


@dataclass(frozen=True)
class ProposalChange:
    """A proposal after a change; ``old`` is the proposal a replacement replaced."""

    state: NegotiationState
    proposal: Proposal
    old: Proposal | None = None
    actor: str = ""


@dataclass(frozen=True)
class VoteOpened:
    state: NegotiationState
    created: bool


@dataclass(frozen=True)
class CastResult:
    """A ballot's effect. ``changed`` is False when it repeated the counting choice."""

    proposal: Proposal
    actor: str
    choice: Choice
    changed: bool
    previous: Ballot | None
    state: NegotiationState


@dataclass(frozen=True)
class VoteClosed:
    state: NegotiationState
    outcome: VoteOutcome
    newly_closed: bool
    tallies: Mapping[int, Tally] = field(default_factory=dict)


# --- rows -> domain values ----------------------------------------------------------------------


def _proposal(row: ProposalRow, agenda: Sequence[str] = ()) -> Proposal:
    package = None
    if row.agenda_id == PACKAGE:
        held = {o.agenda_id: o.option_id for o in row.options}
        order = [a for a in agenda if a in held] + sorted(a for a in held if a not in agenda)
        package = tuple((a, held[a]) for a in order)
    return Proposal(
        package=package,
        number=row.number,
        agenda=row.agenda_id,
        sponsor=row.sponsor,
        text=row.text,
        tabled_by=row.tabled_by,
        tabled_at=row.tabled_at,
        status=row.status,  # type: ignore[arg-type]  # stored from the domain's own values
        co_sponsors=tuple(b.actor_id for b in row.backers if b.kind == "co_sponsor"),
        supporters=tuple(b.actor_id for b in row.backers if b.kind == "supporter"),
        replaces=row.replaces,
        replaced_by=row.replaced_by,
        closed_at=row.closed_at,
    )


def _rule(row: VoteRoundRow) -> Rule:
    options = {}
    for key, value in (row.option_rules or {}).items():
        agenda, _, option = key.partition("/")
        options[(agenda, option)] = OptionRules.from_dict(value)
    return Rule(tuple(row.must_agree), options)


class NegotiationService:
    def __init__(
        self,
        database: Database,
        scenarios: Mapping[str, Scenario],
        *,
        clock: Clock | None = None,
        on_event: EventSink | None = None,
    ) -> None:
        self._db = database
        self._scenarios = scenarios
        self.clock: Clock = clock or SystemClock()
        self._on_event = on_event
        # One writer per session at a time in this process (see `cast`).
        self._writers: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    # --- helpers -------------------------------------------------------------------------------

    def _emit(self, event: str, session_id: int) -> None:
        if self._on_event is None:
            return
        try:
            self._on_event(event, session_id)
        except Exception:  # a listener's bug must not undo a committed change
            log.exception("Event %s for session %s failed", event, session_id)

    def scenario(self, scenario_id: str) -> Scenario:
        try:
            return self._scenarios[scenario_id]
        except KeyError:
            raise UserFacingError(f"Parley has no scenario “{echo(scenario_id)}” loaded.") from None

    async def _session(self, tx: Transaction, session_id: int, *, live: bool) -> ClassSession:
        row = await tx.sessions.get(session_id)
        if row is None:
            raise UserFacingError("That session no longer exists.")
        if live and row.status != "open":
            raise UserFacingError(ENDED)
        return row

    async def _locked(self, tx: Transaction, session_id: int, *, live: bool) -> ClassSession:
        """The session, checked, then its negotiation locked for the rest of the transaction."""
        row = await self._session(tx, session_id, live=live)
        await tx.negotiation.hold(session_id)
        return row

    async def _actors(self, tx: Transaction, row: ClassSession) -> tuple[str, ...]:
        """Delegations at the table, in order of play: the active ones (absent ones skipped)."""
        scenario = self.scenario(row.scenario_id)
        statuses = {d.actor_id: d.status for d in await tx.sessions.delegations(row.id)}
        return tuple(a for a in scenario.play_order if statuses.get(a) == "active")

    async def _member_actor(self, tx: Transaction, session_id: int, user_id: int) -> str:
        participant = await tx.sessions.participant(session_id, user_id)
        if participant is None or participant.left_at is not None or not participant.actor_id:
            raise UserFacingError(NO_ACTOR)
        return participant.actor_id

    async def _state(self, tx: Transaction, row: ClassSession) -> NegotiationState:
        return (await self._read_state(tx, row))[0]

    async def _read_state(
        self, tx: Transaction, row: ClassSession
    ) -> tuple[NegotiationState, int | None]:
        """The state, and the id of the vote round's row (None before the vote opens)."""
        scenario = self.scenario(row.scenario_id)
        negotiation = await tx.negotiation.get(row.id)
        rows = await tx.negotiation.proposals(row.id)
        agenda = tuple(item.id for item in scenario.agenda)
        book = ProposalBook(
            agenda=agenda,
            actors=await self._actors(tx, row),
            proposals=tuple(_proposal(r, agenda) for r in rows),
            locked_at=negotiation.locked_at if negotiation else None,
            options=package_options(scenario) if scenario.has_game else (),
        )
        cards = {
            r.number: Card(r.channel_id, r.message_id)
            for r in rows
            if r.channel_id is not None and r.message_id is not None
        }
        round_row = await tx.negotiation.vote_round(row.id)
        record = None
        if round_row is not None:
            ballots = await tx.negotiation.ballots(round_row.id)
            vote = VoteRound(
                proposals=tuple(round_row.proposals),
                eligible=tuple(round_row.eligible),
                opened_at=round_row.opened_at,
                closed_at=round_row.closed_at,
                ballots=tuple(
                    Ballot(
                        b.id,
                        b.proposal_number,
                        b.actor_id,
                        b.choice,  # type: ignore[arg-type]  # stored from the domain's values
                        b.cast_by,
                        b.cast_at,
                    )
                    for b in ballots
                ),
            )
            record = RoundRecord(
                vote=vote,
                rule=_rule(round_row),
                ballot_messages={
                    int(k): int(v) for k, v in (round_row.ballot_messages or {}).items()
                },
                channel_id=round_row.channel_id,
                outcome=round_row.outcome,
                opened_by=round_row.opened_by,
                closed_by=round_row.closed_by,
            )
        state = NegotiationState(
            session_id=row.id,
            guild_id=row.guild_id,
            channel_id=row.channel_id,
            scenario_id=row.scenario_id,
            live=row.status == "open",
            book=book,
            cards=cards,
            round=record,
            debriefed_at=negotiation.debriefed_at if negotiation else None,
            debrief_message_id=negotiation.debrief_message_id if negotiation else None,
            archive_opened_at=negotiation.archive_opened_at if negotiation else None,
        )
        return state, round_row.id if round_row is not None else None

    async def _save_book(
        self, tx: Transaction, session_id: int, book: ProposalBook, user_id: int | None
    ) -> None:
        """Write the proposals of ``book`` that differ from the stored ones."""
        stored = {r.number: r for r in await tx.negotiation.proposals(session_id)}
        for proposal in book.proposals:
            row = stored.get(proposal.number)
            if row is None:
                row = await tx.negotiation.add_proposal(
                    session_id,
                    number=proposal.number,
                    agenda_id=proposal.agenda,
                    sponsor=proposal.sponsor,
                    tabled_by=proposal.tabled_by,
                    text=proposal.text,
                    status=proposal.status,
                    replaces=proposal.replaces,
                    replaced_by=proposal.replaced_by,
                    tabled_at=proposal.tabled_at,
                    closed_at=proposal.closed_at,
                )
                if proposal.package is not None:
                    await tx.negotiation.set_options(row, proposal.package)
            else:
                row.status = proposal.status
                row.replaced_by = proposal.replaced_by
                row.closed_at = proposal.closed_at
            wanted = [(a, "co_sponsor") for a in proposal.co_sponsors] + [
                (a, "supporter") for a in proposal.supporters
            ]
            if [(b.actor_id, b.kind) for b in row.backers] != wanted:
                await tx.negotiation.set_backers(row, wanted, user_id)

    # --- reading -------------------------------------------------------------------------------

    async def state(self, session_id: int) -> NegotiationState:
        async with self._db.transaction() as tx:
            return await self._state(tx, await self._session(tx, session_id, live=False))

    async def actor_of(self, session_id: int, user_id: int) -> str:
        """The delegation a student acts for (a clear error if none)."""
        async with self._db.transaction() as tx:
            await self._session(tx, session_id, live=False)
            return await self._member_actor(tx, session_id, user_id)

    # --- proposals -----------------------------------------------------------------------------

    async def table(
        self, session_id: int, user_id: int, agenda: str, text: str, *, phase_kind: str
    ) -> ProposalChange:
        """Table a new proposal for the student's delegation (``/propose``)."""
        async with self._db.transaction() as tx:
            row = await self._locked(tx, session_id, live=True)
            actor = await self._member_actor(tx, session_id, user_id)
            book = (await self._state(tx, row)).book
            book, proposal = book.table(
                agenda, actor, text, user_id, self.clock.now(), phase_kind=phase_kind
            )
            await self._save_book(tx, session_id, book, user_id)
            state = await self._state(tx, row)
        self._emit("parley_proposals_changed", session_id)
        return ProposalChange(state, proposal, actor=actor)

    async def table_package(
        self,
        session_id: int,
        user_id: int,
        choices: Mapping[str, str | None],
        note: str = "",
        *,
        phase_kind: str,
    ) -> ProposalChange:
        """Table a package (``/propose`` in a scenario with points schedules): agenda id ->
        option id, ``None`` or absent for an item left out."""
        async with self._db.transaction() as tx:
            row = await self._locked(tx, session_id, live=True)
            self._game(row.scenario_id)
            actor = await self._member_actor(tx, session_id, user_id)
            book = (await self._state(tx, row)).book
            book, proposal = book.table_package(
                choices, actor, note, user_id, self.clock.now(), phase_kind=phase_kind
            )
            await self._save_book(tx, session_id, book, user_id)
            state = await self._state(tx, row)
        self._emit("parley_proposals_changed", session_id)
        return ProposalChange(state, proposal, actor=actor)

    async def amend_package(
        self,
        session_id: int,
        user_id: int,
        number: int,
        choices: Mapping[str, str | None],
        note: str = "",
        *,
        phase_kind: str,
    ) -> ProposalChange:
        """The sponsor amends a package: a new version (new number); the old one is kept."""
        async with self._db.transaction() as tx:
            row = await self._locked(tx, session_id, live=True)
            self._game(row.scenario_id)
            actor = await self._member_actor(tx, session_id, user_id)
            book = (await self._state(tx, row)).book
            book, new = book.amend_package(
                number, actor, choices, note, user_id, self.clock.now(), phase_kind=phase_kind
            )
            await self._save_book(tx, session_id, book, user_id)
            state = await self._state(tx, row)
        self._emit("parley_proposals_changed", session_id)
        return ProposalChange(state, new, state.book.proposal(number), actor=actor)

    def _game(self, scenario_id: str) -> Scenario:
        scenario = self.scenario(scenario_id)
        if not scenario.has_game:
            raise UserFacingError(
                "This scenario has no options to combine: propose a text on one agenda item."
            )
        return scenario

    async def worth(
        self,
        session_id: int,
        user_id: int,
        number: int | None = None,
        choices: Mapping[str, str | None] | None = None,
    ) -> Worth:
        """What a tabled package (``number``) or a draft (``choices``) is worth to the asking
        student's delegation, against its no-deal value. Private: show it ephemerally."""
        async with self._db.transaction() as tx:
            row = await self._session(tx, session_id, live=False)
            scenario = self._game(row.scenario_id)
            actor = await self._member_actor(tx, session_id, user_id)
            state = await self._state(tx, row)
        agenda = [item.id for item in scenario.agenda]
        if number is not None:
            proposal = state.book.proposal(number)
            if proposal.package is None:
                raise UserFacingError(f"Proposal {number} is not a package: it has no points.")
            package = Package(proposal.package)
        else:
            try:
                package = Package.of(choices or {}, agenda)
            except ValueError as exc:
                raise UserFacingError("That package names an unknown agenda item.") from exc
        if actor not in scenario.schedules:
            raise UserFacingError("Your delegation has no points schedule in this scenario.")
        schedule = scenario.schedule(actor)
        lines = tuple(WorthLine(a, o, schedule.points(a, o)) for a, o in package.choices)
        return Worth(
            actor=actor,
            number=number,
            lines=lines,
            points=score(scenario, actor, package),
            no_deal=schedule.no_deal.points,
        )

    async def replace(
        self, session_id: int, user_id: int, number: int, text: str, *, phase_kind: str
    ) -> ProposalChange:
        """The sponsor replaces a proposal's text: a new number, the old one marked replaced."""
        async with self._db.transaction() as tx:
            row = await self._locked(tx, session_id, live=True)
            actor = await self._member_actor(tx, session_id, user_id)
            book = (await self._state(tx, row)).book
            book, new = book.replace_proposal(
                number, actor, text, user_id, self.clock.now(), phase_kind=phase_kind
            )
            await self._save_book(tx, session_id, book, user_id)
            state = await self._state(tx, row)
        self._emit("parley_proposals_changed", session_id)
        return ProposalChange(state, new, state.book.proposal(number), actor=actor)

    async def withdraw(self, session_id: int, user_id: int, number: int) -> ProposalChange:
        async with self._db.transaction() as tx:
            row = await self._locked(tx, session_id, live=True)
            actor = await self._member_actor(tx, session_id, user_id)
            book = (await self._state(tx, row)).book.withdraw(number, actor, self.clock.now())
            await self._save_book(tx, session_id, book, user_id)
            state = await self._state(tx, row)
        self._emit("parley_proposals_changed", session_id)
        return ProposalChange(state, state.book.proposal(number), actor=actor)

    async def back(
        self, session_id: int, user_id: int, number: int, action: BackingAction
    ) -> ProposalChange:
        """Co-sponsor, support, or take back the delegation's backing of a proposal."""
        async with self._db.transaction() as tx:
            row = await self._locked(tx, session_id, live=True)
            actor = await self._member_actor(tx, session_id, user_id)
            book = (await self._state(tx, row)).book
            now = self.clock.now()
            if action == "co_sponsor":
                book = book.co_sponsor(number, actor, now)
            elif action == "support":
                book = book.support(number, actor, now)
            else:
                book = book.drop_support(number, actor, now)
            await self._save_book(tx, session_id, book, user_id)
            state = await self._state(tx, row)
        self._emit("parley_proposals_changed", session_id)
        return ProposalChange(state, state.book.proposal(number), actor=actor)

    async def set_card(
        self, session_id: int, number: int, channel_id: int, message_id: int
    ) -> None:
        async with self._db.transaction() as tx:
            await tx.negotiation.set_card(session_id, number, channel_id, message_id)

    # --- the vote ------------------------------------------------------------------------------

    async def open_vote(
        self, session_id: int, opened_by: int | None, *, allow_empty: bool = True
    ) -> VoteOpened:
        """Lock the proposals and put every tabled one on the ballot (idempotent).

        ``allow_empty=False`` refuses a vote with nothing on the table (a facilitator's command;
        the rounds engine's vote phase opens one anyway and the outcome is "no agreement").
        """
        async with self._db.transaction() as tx:
            row = await self._session(tx, session_id, live=True)
            negotiation = await tx.negotiation.lock(session_id)
            state = await self._state(tx, row)
            if state.round is not None:
                return VoteOpened(state, created=False)
            if not state.book.actors:
                raise UserFacingError(
                    "No delegation is at the table yet: hand out delegations before the vote."
                )
            if not state.book.tabled() and not allow_empty:
                raise UserFacingError(
                    "No proposal is on the table, so there is nothing to vote on yet. "
                    "Delegations table proposals with `/propose`."
                )
            now = self.clock.now()
            locked, vote = open_vote(state.book, now)
            negotiation.locked_at = locked.locked_at
            scenario = self.scenario(row.scenario_id)
            await tx.negotiation.add_round(
                session_id,
                proposals=list(vote.proposals),
                eligible=list(vote.eligible),
                must_agree=list(scenario.decision_rule.must_agree),
                option_rules={
                    f"{agenda}/{option}": rule.to_dict()
                    for (agenda, option), rule in option_rules(scenario).items()
                }
                or None,
                opened_at=now,
                opened_by=opened_by,
                ballot_messages={},
                channel_id=row.channel_id,
            )
            state = await self._state(tx, row)
        self._emit("parley_vote_opened", session_id)
        return VoteOpened(state, created=True)

    async def set_ballot_messages(self, session_id: int, messages: Mapping[int, int]) -> None:
        async with self._db.transaction() as tx:
            found = await tx.negotiation.vote_round(session_id)
            if found is not None:
                await tx.negotiation.set_ballot_messages(
                    found.id, {str(k): v for k, v in messages.items()}
                )

    async def cast(self, session_id: int, user_id: int, number: int, choice: Choice) -> CastResult:
        """Cast or change the delegation's vote on one proposal (the delegation-vote rule).

        One transaction of about a dozen statements that reads the vote once, after taking the
        session's lock, and writes the ballot and the counting vote. Casts for one session also
        queue here, in the process, before they reach the database: on SQLite a writer that
        finds the database locked is put to sleep by SQLite's busy handler in growing steps
        (1, 2, 5 … 100 ms) and sleeps on although the lock was freed a millisecond later, so
        twelve ballots in one second fighting for it waited 50 to 180 ms each for locks held
        5 ms. In the queue the next cast starts the moment the previous one commits.
        """
        async with self._writers[session_id], self._db.transaction() as tx:
            row = await self._locked(tx, session_id, live=True)
            actor = await self._member_actor(tx, session_id, user_id)
            state, round_id = await self._read_state(tx, row)
            if state.round is None or round_id is None:
                raise VotingError("The vote has not opened yet.")
            vote = state.round.vote
            previous = vote.current().get((number, actor))
            after = vote.cast(number, actor, choice, user_id, self.clock.now())
            changed = after is not vote
            if changed:
                ballot = after.ballots[-1]
                stored = await tx.negotiation.add_ballot(
                    round_id,
                    proposal_number=ballot.proposal,
                    actor_id=ballot.actor,
                    choice=ballot.choice,
                    cast_by=ballot.cast_by,
                    cast_at=ballot.cast_at,
                )
                # The state as stored, without reading it again: the ballot's id orders it.
                counted = replace(
                    after, ballots=(*vote.ballots, replace(ballot, sequence=stored.id))
                )
                state = replace(state, round=replace(state.round, vote=counted))
        return CastResult(state.book.proposal(number), actor, choice, changed, previous, state)

    async def close_vote(self, session_id: int, closed_by: int | None) -> VoteClosed:
        """Close the vote and record the outcome with every vote (idempotent).

        Queued with the session's casts (see `cast`): a ballot cast in the last second is
        applied or refused at once rather than after SQLite's busy handler wakes."""
        async with self._writers[session_id], self._db.transaction() as tx:
            row = await self._locked(tx, session_id, live=False)
            state = await self._state(tx, row)
            if state.round is None:
                raise UserFacingError(
                    "There is no vote to close: open it with `/vote open` (or let the vote "
                    "phase open it)."
                )
            record = state.round
            newly = record.vote.is_open
            if newly:
                closed = record.vote.close(self.clock.now())
                outcome = vote_outcome(state.book, closed, record.rule, record.rule.options)
                round_row = await tx.negotiation.vote_round(session_id)
                assert round_row is not None
                round_row.closed_at = closed.closed_at
                round_row.closed_by = closed_by
                round_row.outcome = outcome.to_dict()
                round_row.agreement = outcome.agreement
                state = await self._state(tx, row)
        final = state.outcome
        assert final is not None
        if newly:
            self._emit("parley_vote_closed", session_id)
        return VoteClosed(state, final, newly, {t.proposal: t for t in final.tallies})

    # --- the debrief ---------------------------------------------------------------------------

    async def mark_debriefed(self, session_id: int, user_id: int, message_id: int | None) -> None:
        async with self._db.transaction() as tx:
            negotiation = await tx.negotiation.lock(session_id)
            if negotiation.debriefed_at is None:
                negotiation.debriefed_at = self.clock.now()
                negotiation.debriefed_by = user_id
            if message_id is not None:
                negotiation.debrief_message_id = message_id
        self._emit("parley_debriefed", session_id)

    async def mark_archive_opened(self, session_id: int) -> None:
        async with self._db.transaction() as tx:
            negotiation = await tx.negotiation.lock(session_id)
            negotiation.archive_opened_at = self.clock.now()

    async def debriefed_member(self, guild_id: int, user_id: int, scenario_id: str) -> bool:
        async with self._db.transaction() as tx:
            return await tx.negotiation.debriefed_member(guild_id, user_id, scenario_id)


def counting_by_actor(state: NegotiationState, actor: str) -> dict[int, Ballot]:
    """The delegation's counting ballot per proposal number."""
    if state.round is None:
        return {}
    return {
        number: ballot
        for (number, who), ballot in state.round.vote.current().items()
        if who == actor
    }


def proposals_on_ballot(state: NegotiationState) -> Sequence[Proposal]:
    if state.round is None:
        return ()
    return tuple(state.book.proposal(n) for n in state.round.vote.proposals)
