"""The debrief and the gradebook: one read of a session's record, computed by the domain.

`DebriefService` (``bot.debrief``) reads the roster, the transcript (after flushing the
writer, so the last messages count), the proposals and every ballot, the floor time the rounds
engine measured, and quiz work; `bot.domain.debrief` and `bot.domain.gradebook` do the rest.

Who is a student in the record: every member who played an actor in the session, including
one who left before the end (their delegation is the one they last spoke, voted or proposed
for); facilitators only when they played an actor.

Floor time comes from the rounds engine (``bot.rounds.floor_seconds(session_id)``, a mapping
user id -> seconds); without one every student has 0 seconds.
"""

from __future__ import annotations

import asyncio
import inspect
import io
import math
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from bot.db.engine import Database
from bot.domain.debrief import DebriefReport, Said, Student, build_report, report_pages
from bot.domain.echo import echo
from bot.domain.gradebook import GradebookRow, gradebook_rows, write_gradebook_csv
from bot.domain.speaking import FloorTime
from bot.errors import UserFacingError
from bot.reports.deal_chart import render_chart
from bot.services.negotiation import NegotiationService, NegotiationState

if TYPE_CHECKING:
    from bot.content.models import Scenario
    from bot.db.models import Participant
    from bot.domain.brief_pages import Page
    from bot.services.transcripts import TranscriptService

__all__ = ["DebriefService", "FloorSource", "SessionRecord", "whole_seconds"]

FloorSource = Callable[[int], "Mapping[int, float] | Awaitable[Mapping[int, float]] | None"]


def whole_seconds(seconds: float) -> int:
    """Round half up to whole seconds (as `bot.domain.speaking.floor_time` does)."""
    return max(0, math.floor(seconds + 0.5))


@dataclass(frozen=True)
class SessionRecord:
    """What the debrief and the gradebook read, in one place."""

    state: NegotiationState
    scenario: Scenario
    students: tuple[Student, ...]
    messages: tuple[Said, ...]
    floor: FloorTime


class DebriefService:
    def __init__(
        self,
        database: Database,
        scenarios: Mapping[str, Scenario],
        *,
        transcripts: TranscriptService,
        negotiation: NegotiationService,
        floor_seconds: FloorSource | None = None,
    ) -> None:
        self._db = database
        self._scenarios = scenarios
        self.transcripts = transcripts
        self.negotiation = negotiation
        self.floor_seconds = floor_seconds

    def scenario(self, scenario_id: str) -> Scenario:
        try:
            return self._scenarios[scenario_id]
        except KeyError:
            raise UserFacingError(f"Parley has no scenario “{echo(scenario_id)}” loaded.") from None

    async def _floor(self, session_id: int) -> FloorTime:
        if self.floor_seconds is None:
            return FloorTime({}, {})
        found = self.floor_seconds(session_id)
        if inspect.isawaitable(found):
            found = await found
        by_user = {int(u): whole_seconds(float(s)) for u, s in (found or {}).items()}
        return FloorTime({}, by_user)

    async def record(self, session_id: int) -> SessionRecord:
        state = await self.negotiation.state(session_id)
        scenario = self.scenario(state.scenario_id)
        await self.transcripts.flush()
        messages = tuple(
            [
                Said(
                    user_id=e.author_id,
                    author=e.author_name,
                    actor=e.actor_id,
                    channel_kind=e.channel_kind,
                    content=e.content,
                    deleted=e.deleted,
                )
                async for e in self.transcripts.entries(session_id)
                if not e.is_bot
            ]
        )
        async with self._db.transaction() as tx:
            people = await tx.sessions.participants(session_id, present_only=False)
        students = _students(scenario, state, people, messages)
        return SessionRecord(state, scenario, students, messages, await self._floor(session_id))

    def report_of(self, record: SessionRecord) -> DebriefReport:
        state = record.state
        vote = state.round.vote if state.round else None
        played = [a for a in record.scenario.play_order if a in _played(state, record.students)]
        return build_report(
            record.scenario,
            state.session_id,
            students=record.students,
            actors=played,
            messages=record.messages,
            proposals=state.book.proposals,
            ballots=vote.ballots if vote else (),
            counting=tuple(vote.current().values()) if vote else (),
            outcome=state.outcome,
            floor=record.floor,
        )

    async def report(self, session_id: int) -> tuple[SessionRecord, DebriefReport]:
        record = await self.record(session_id)
        return record, self.report_of(record)

    async def pages(self, session_id: int) -> tuple[SessionRecord, list[Page]]:
        record, report = await self.report(session_id)
        return record, report_pages(record.scenario, report)

    async def pages_and_chart(
        self, session_id: int
    ) -> tuple[SessionRecord, list[Page], bytes | None]:
        """The debrief's pages and its deal chart (PNG, ``None`` without a negotiation game),
        from one read of the record."""
        record, report = await self.report(session_id)
        return record, report_pages(record.scenario, report), await self.deal_chart(report)

    # --- the gradebook -------------------------------------------------------------------------

    async def gradebook(self, session_id: int) -> list[GradebookRow]:
        record, report = await self.report(session_id)
        async with self._db.transaction() as tx:
            quiz = await tx.gradebook.quiz_totals(
                [s.user_id for s in record.students], record.scenario.id, record.state.guild_id
            )
        names = {a.id: a.name for a in record.scenario.actors}
        results = {r.actor: r for r in report.game.results} if report.game else {}
        return gradebook_rows(report.participation, report.names, names, quiz, results)

    # --- the deal chart ------------------------------------------------------------------------

    async def deal_chart(self, report: DebriefReport) -> bytes | None:
        """The debrief's chart as PNG bytes (``None`` without a negotiation game), drawn in a
        worker thread: matplotlib takes a few hundred milliseconds of CPU."""
        if report.game is None or report.game.chart is None:
            return None
        return await asyncio.to_thread(render_chart, report.game.chart)

    async def write_gradebook(self, session_id: int, out: IO[bytes]) -> int:
        """Write the gradebook CSV (UTF-8 with BOM) to a binary stream; returns the rows."""
        rows = await self.gradebook(session_id)
        text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
        try:
            count = write_gradebook_csv(rows, text)
            text.flush()
        finally:
            text.detach()
        return count


def _played(state: NegotiationState, students: Sequence[Student]) -> set[str]:
    """Delegations in play: at the table, on the vote, or with a student in the record."""
    played = set(state.book.actors) | {s.actor for s in students}
    if state.round is not None:
        played |= set(state.round.vote.eligible)
    return played


def _students(
    scenario: Scenario,
    state: NegotiationState,
    people: Sequence[Participant],
    messages: Sequence[Said],
) -> tuple[Student, ...]:
    """Members who played an actor, grouped by delegation in order of play, then join order."""
    last_actor: dict[int, str] = {}
    for proposal in state.book.proposals:
        if proposal.tabled_by is not None:
            last_actor[proposal.tabled_by] = proposal.sponsor
    if state.round is not None:
        for ballot in state.round.vote.ballots:
            if ballot.cast_by is not None:
                last_actor[ballot.cast_by] = ballot.actor
    for said in messages:
        if said.actor is not None:
            last_actor[said.user_id] = said.actor
    order = {actor: i for i, actor in enumerate(scenario.play_order)}
    found: list[tuple[int, int, Student]] = []
    for joined, person in enumerate(people):
        if person.is_facilitator and person.actor_id is None:
            continue  # a facilitator who did not play
        actor = person.actor_id or last_actor.get(person.user_id)
        if actor is None or actor not in order:
            continue
        found.append((order[actor], joined, Student(person.user_id, person.display_name, actor)))
    found.sort(key=lambda f: (f[0], f[1]))
    return tuple(s for _, _, s in found)
