"""Proposals, vote rounds, ballots and the debrief's milestones, inside one transaction.

`lock(session_id)` (or `hold`, the same without loading the row) must be the first write of
any unit of work that changes a session's proposals or votes: it writes the session's
`negotiations` row (creating it on first use) with one ``INSERT … ON CONFLICT DO UPDATE``. On
PostgreSQL that holds the row's lock until commit; on SQLite the write takes the database's
write lock (the driver begins the transaction just before that first write, so reads before it
take no lock and the transaction never has to upgrade one). Either way a second change to the
same session waits until the first committed, then reads what it wrote: read-modify-write
through the domain rules (`bot.domain.voting`) is safe, proposal numbers are never handed out
twice, and ballots get ids in the order they counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.base import utcnow
from bot.db.dialect import insert_for
from bot.db.models import (
    BallotRow,
    ClassSession,
    DelegationVote,
    Negotiation,
    Participant,
    ProposalBacker,
    ProposalOption,
    ProposalRow,
    VoteRoundRow,
)


class NegotiationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    # --- the session's row ---------------------------------------------------------------------

    async def lock(self, session_id: int) -> Negotiation:
        """Serialise changes to this session's negotiation (see the module docstring)."""
        await self.hold(session_id)
        row = await self._session.get(Negotiation, session_id, populate_existing=True)
        assert row is not None
        return row

    async def hold(self, session_id: int) -> None:
        """`lock` without loading the row: one statement, for a change that does not edit it."""
        now = utcnow()
        table: Any = Negotiation.__table__
        statement = (
            insert_for(self._session, table)
            .values(session_id=session_id, revision=1, created_at=now, updated_at=now)
            .on_conflict_do_update(
                index_elements=[table.c.session_id],
                set_={"revision": table.c.revision + 1, "updated_at": now},
            )
        )
        await self._session.execute(statement)

    async def get(self, session_id: int) -> Negotiation | None:
        return await self._session.get(Negotiation, session_id)

    # --- proposals -----------------------------------------------------------------------------

    async def proposals(self, session_id: int) -> list[ProposalRow]:
        """Every proposal of the session (any status) with its backers, in number order."""
        query = (
            select(ProposalRow)
            .where(ProposalRow.session_id == session_id)
            .order_by(ProposalRow.number)
            .execution_options(populate_existing=True)
        )
        return list((await self._session.scalars(query)).all())

    async def add_proposal(self, session_id: int, **values: Any) -> ProposalRow:
        row = ProposalRow(session_id=session_id, backers=[], options=[], **values)
        self._session.add(row)
        await self._session.flush()
        return row

    async def set_backers(
        self, proposal: ProposalRow, wanted: Sequence[tuple[str, str]], user_id: int | None
    ) -> None:
        """Make the proposal's backers exactly ``wanted`` ((actor, kind) pairs), keeping who
        pressed the button for the ones that did not change."""
        current = {b.actor_id: b for b in proposal.backers}
        keep = dict(wanted)
        for actor, backer in current.items():
            if actor not in keep:
                proposal.backers.remove(backer)
            elif backer.kind != keep[actor]:
                backer.kind = keep[actor]
                backer.user_id = user_id
        for actor, kind in wanted:
            if actor not in current:
                proposal.backers.append(ProposalBacker(actor_id=actor, kind=kind, user_id=user_id))
        await self._session.flush()

    async def set_options(self, proposal: ProposalRow, package: Sequence[tuple[str, str]]) -> None:
        """Record a new package proposal's options (one row per item it holds)."""
        proposal.options.extend(
            ProposalOption(agenda_id=agenda, option_id=option) for agenda, option in package
        )
        await self._session.flush()

    async def set_card(
        self, session_id: int, number: int, channel_id: int, message_id: int
    ) -> None:
        row = await self._session.scalar(
            select(ProposalRow).where(
                ProposalRow.session_id == session_id, ProposalRow.number == number
            )
        )
        if row is not None:
            row.channel_id, row.message_id = channel_id, message_id

    # --- the vote ------------------------------------------------------------------------------

    async def vote_round(self, session_id: int) -> VoteRoundRow | None:
        return await self._session.scalar(
            select(VoteRoundRow)
            .where(VoteRoundRow.session_id == session_id)
            .execution_options(populate_existing=True)
        )

    async def add_round(self, session_id: int, **values: Any) -> VoteRoundRow:
        row = VoteRoundRow(session_id=session_id, **values)
        self._session.add(row)
        await self._session.flush()
        return row

    async def ballots(self, round_id: int) -> list[BallotRow]:
        """Every ballot cast in the round, in the order cast."""
        query = select(BallotRow).where(BallotRow.round_id == round_id).order_by(BallotRow.id)
        return list((await self._session.scalars(query)).all())

    async def add_ballot(
        self,
        round_id: int,
        *,
        proposal_number: int,
        actor_id: str,
        choice: str,
        cast_by: int | None,
        cast_at: datetime,
    ) -> BallotRow:
        """Keep the ballot and make it the delegation's counting vote on that proposal.

        Two statements: the ballot's INSERT, then one ``INSERT … ON CONFLICT DO UPDATE`` of the
        counting vote (no read of the old one first; the caller holds the session's lock)."""
        ballot = BallotRow(
            round_id=round_id,
            proposal_number=proposal_number,
            actor_id=actor_id,
            choice=choice,
            cast_by=cast_by,
            cast_at=cast_at,
        )
        self._session.add(ballot)
        await self._session.flush()
        table: Any = DelegationVote.__table__
        counting = {
            "choice": choice,
            "ballot_id": ballot.id,
            "cast_by": cast_by,
            "cast_at": cast_at,
        }
        statement = (
            insert_for(self._session, table)
            .values(
                round_id=round_id, proposal_number=proposal_number, actor_id=actor_id, **counting
            )
            .on_conflict_do_update(
                index_elements=[table.c.round_id, table.c.proposal_number, table.c.actor_id],
                set_=counting,
            )
        )
        await self._session.execute(statement)
        return ballot

    async def set_ballot_messages(self, round_id: int, messages: dict[str, int]) -> None:
        row = await self._session.get(VoteRoundRow, round_id)
        if row is not None:
            row.ballot_messages = {**(row.ballot_messages or {}), **messages}

    # --- the debrief ---------------------------------------------------------------------------

    async def debriefed_member(self, guild_id: int, user_id: int, scenario_id: str) -> bool:
        """Whether the student is a member of a debriefed session of that scenario here."""
        query = select(
            exists()
            .where(
                ClassSession.guild_id == guild_id,
                ClassSession.scenario_id == scenario_id,
                Negotiation.session_id == ClassSession.id,
                Negotiation.debriefed_at.is_not(None),
                Participant.session_id == ClassSession.id,
                Participant.user_id == user_id,
            )
            .correlate(None)
        )
        return bool(await self._session.scalar(query))
