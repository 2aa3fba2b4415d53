"""NegotiationService on real SQLite and PostgreSQL: proposals, the vote, the recorded outcome,
and what happens when students press buttons at the same moment.

The concurrency tests run real concurrent transactions (asyncio.gather over the service, each
call its own unit of work on its own pooled connection): the lock row, not luck, decides.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select

from bot.content.models import Scenario
from bot.db.engine import Database
from bot.db.models import BallotRow, DelegationVote, ProposalBacker, ProposalRow, VoteRoundRow
from bot.domain.voting import Choice, VotingError
from bot.errors import UserFacingError
from bot.services.negotiation import NegotiationService
from bot.services.sessions import SessionService
from tests.db_backends import migrated_database

GUILD, PLENARY, TEACHER = 1000, 2000, 3000
ACTORS = ["us", "dprk", "rok", "japan", "china", "russia"]


def student(actor: str, seat: int = 0) -> int:
    return 10_000 + 100 * ACTORS.index(actor) + seat


@pytest.fixture
def events() -> list[tuple[str, int]]:
    return []


@pytest.fixture
def sessions(database: Database, scenarios: Mapping[str, Scenario]) -> SessionService:
    return SessionService(database, scenarios)


@pytest.fixture
def service(
    database: Database, scenarios: Mapping[str, Scenario], events: list[tuple[str, int]]
) -> NegotiationService:
    return NegotiationService(
        database, scenarios, on_event=lambda name, sid: events.append((name, sid))
    )


async def class_of(sessions: SessionService, per_actor: int = 1, actors: list[str] = ACTORS) -> int:
    """A live Hanoi session with ``per_actor`` students in each delegation."""
    info = await sessions.create(
        guild_id=GUILD, channel_id=PLENARY, scenario_id="hanoi-2019", created_by=TEACHER
    )
    for actor in actors:
        for seat in range(per_actor):
            await sessions.assign(info.id, student(actor, seat), f"{actor}{seat}", actor)
    return info.id


async def count(database: Database, model: type, **where: object) -> int:
    async with database.transaction() as tx:
        query = select(func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return int(await tx.session.scalar(query) or 0)


async def test_tabling_numbers_proposals_and_keeps_backers_and_history(
    service: NegotiationService, sessions: SessionService, database: Database
) -> None:
    sid = await class_of(sessions)
    first = await service.table(
        sid,
        student("us"),
        "liaison-office",
        "  A US liaison office  in Pyongyang.",
        phase_kind="plenary",
    )
    second = await service.table(
        sid,
        student("dprk"),
        "sanctions-relief",
        "Close Yongbyon; lift sanctions.",
        phase_kind="caucus",
    )
    assert (first.proposal.number, first.proposal.sponsor) == (1, "us")
    assert first.proposal.text == "A US liaison office in Pyongyang."
    assert first.proposal.tabled_by == student("us")
    assert (second.proposal.number, second.actor) == (2, "dprk")

    await service.back(sid, student("japan"), 1, "support")
    await service.back(sid, student("japan"), 1, "co_sponsor")  # upgrades the support
    await service.back(sid, student("rok"), 1, "support")
    state = (await service.back(sid, student("rok"), 1, "drop")).state
    assert state.book.proposal(1).co_sponsors == ("japan",)
    assert state.book.proposal(1).supporters == ()
    assert await count(database, ProposalBacker) == 1

    replaced = await service.replace(
        sid,
        student("dprk"),
        2,
        "Close Yongbyon first; then lift half of the sanctions.",
        phase_kind="plenary",
    )
    assert (replaced.proposal.number, replaced.proposal.replaces) == (3, 2)
    assert replaced.old is not None and replaced.old.status == "replaced"
    assert replaced.old.replaced_by == 3
    withdrawn = await service.withdraw(sid, student("us"), 1)
    assert withdrawn.proposal.status == "withdrawn"
    assert [p.number for p in withdrawn.state.book.tabled()] == [3]

    with pytest.raises(VotingError, match="Only the sponsor"):
        await service.withdraw(sid, student("japan"), 3)
    with pytest.raises(VotingError, match="not now"):
        await service.table(sid, student("us"), "remains", "Remains.", phase_kind="preparation")
    with pytest.raises(UserFacingError, match="need a delegation"):
        await service.table(sid, TEACHER, "remains", "Remains.", phase_kind="plenary")

    reread = await service.state(sid)
    assert [(p.number, p.status) for p in reread.book.proposals] == [
        (1, "withdrawn"),
        (2, "replaced"),
        (3, "tabled"),
    ]
    assert await count(database, ProposalRow, session_id=sid) == 3


async def test_the_vote_locks_the_book_records_every_ballot_and_the_outcome(
    service: NegotiationService,
    sessions: SessionService,
    database: Database,
    events: list[tuple[str, int]],
    scenarios: Mapping[str, Scenario],
) -> None:
    sid = await class_of(sessions, per_actor=2)
    await service.table(
        sid, student("rok"), "end-of-war", "Declare the war over.", phase_kind="plenary"
    )
    await service.table(
        sid, student("dprk"), "sanctions-relief", "Yongbyon for relief.", phase_kind="plenary"
    )

    opened = await service.open_vote(sid, TEACHER)
    assert opened.created and opened.state.round is not None
    assert opened.state.round.vote.proposals == (1, 2)
    assert opened.state.round.vote.eligible == tuple(ACTORS)
    again = await service.open_vote(sid, TEACHER)
    assert not again.created  # idempotent: the phase event and /vote open may both fire
    with pytest.raises(VotingError, match="Voting has opened"):
        await service.table(sid, student("us"), "remains", "Remains.", phase_kind="plenary")

    first = await service.cast(sid, student("us", 0), 1, "yes")
    assert first.changed and first.previous is None
    same = await service.cast(sid, student("us", 1), 1, "yes")
    assert not same.changed  # a repeat of the counting choice is not a new ballot
    overruled = await service.cast(sid, student("us", 1), 1, "no")
    assert overruled.changed and overruled.previous is not None
    assert overruled.previous.cast_by == student("us", 0)
    await service.cast(sid, student("us", 0), 1, "yes")  # the delegation changes its mind back
    await service.cast(sid, student("dprk", 0), 1, "yes")
    await service.cast(sid, student("japan", 0), 1, "no")
    await service.cast(sid, student("us", 0), 2, "no")
    await service.cast(sid, student("dprk", 1), 2, "yes")

    closed = await service.close_vote(sid, TEACHER)
    assert closed.newly_closed
    assert closed.outcome.agreement and closed.outcome.adopted == (1,)
    assert closed.outcome.by_agenda() == {
        **dict.fromkeys((item.id for item in scenarios["hanoi-2019"].agenda), "not_adopted"),
        "end-of-war": "adopted",
    }
    assert closed.tallies[2].blocked_by == ("us",)
    assert ("parley_vote_closed", sid) in events
    again_closed = await service.close_vote(sid, None)
    assert not again_closed.newly_closed and again_closed.outcome == closed.outcome
    with pytest.raises(VotingError, match="closed"):
        await service.cast(sid, student("dprk", 0), 2, "no")

    assert await count(database, BallotRow) == 7  # every ballot kept, repeats not
    async with database.transaction() as tx:
        stored = await tx.session.scalar(select(VoteRoundRow).where(VoteRoundRow.session_id == sid))
        assert stored is not None and stored.agreement is True
        assert stored.outcome is not None and stored.outcome["headline"] == "agreement"
        assert stored.closed_by == TEACHER
        tally = {t["proposal"]: t for t in stored.outcome["tallies"]}
        assert tally[1]["yes"] == ["us", "dprk"] and tally[1]["no"] == ["japan"]
        counting = {
            (v.proposal_number, v.actor_id): (v.choice, v.cast_by)
            for v in await tx.session.scalars(select(DelegationVote))
        }
    assert counting[(1, "us")] == ("yes", student("us", 0))
    assert len(counting) == 5


async def test_no_agreement_when_the_us_and_the_dprk_do_not_both_say_yes(
    service: NegotiationService, sessions: SessionService
) -> None:
    sid = await class_of(sessions)
    await service.table(sid, student("china"), "end-of-war", "End the war.", phase_kind="plenary")
    await service.open_vote(sid, None)
    for actor in ["dprk", "rok", "japan", "china", "russia"]:
        await service.cast(sid, student(actor), 1, "yes")
    await service.cast(sid, student("us"), 1, "abstain")
    closed = await service.close_vote(sid, None)
    assert not closed.outcome.agreement
    assert closed.outcome.headline == "no agreement"
    assert closed.tallies[1].blocked_by == ("us",)


async def test_an_empty_vote_is_refused_to_a_facilitator_but_a_phase_may_open_one(
    service: NegotiationService, sessions: SessionService
) -> None:
    sid = await class_of(sessions)
    with pytest.raises(UserFacingError, match="nothing to vote on"):
        await service.open_vote(sid, TEACHER, allow_empty=False)
    opened = await service.open_vote(sid, None)
    assert opened.created and opened.state.round is not None
    assert opened.state.round.vote.proposals == ()
    closed = await service.close_vote(sid, None)
    assert closed.outcome.headline == "no agreement"


async def test_two_members_of_one_delegation_voting_at_once_leave_one_counting_vote(
    service: NegotiationService, sessions: SessionService, database: Database
) -> None:
    sid = await class_of(sessions, per_actor=2)
    await service.table(sid, student("us"), "remains", "Return the remains.", phase_kind="plenary")
    await service.open_vote(sid, None)

    for attempt in range(5):
        choices: tuple[Choice, Choice] = ("yes", "no") if attempt % 2 == 0 else ("no", "abstain")
        results = await asyncio.gather(
            service.cast(sid, student("japan", 0), 1, choices[0]),
            service.cast(sid, student("japan", 1), 1, choices[1]),
        )
        assert {r.choice for r in results} == set(choices)

    async with database.transaction() as tx:
        ballots = list(await tx.session.scalars(select(BallotRow).order_by(BallotRow.id)))
        counting = list(await tx.session.scalars(select(DelegationVote)))
    assert len(ballots) >= 6  # both ballots of the first pair, then every change
    assert {b.cast_by for b in ballots} == {student("japan", 0), student("japan", 1)}
    [vote] = counting
    last = ballots[-1]
    assert (vote.ballot_id, vote.choice, vote.cast_by) == (last.id, last.choice, last.cast_by)
    # No ballot repeats the counting choice of the one before it: each was a real change.
    assert all(a.choice != b.choice for a, b in itertools.pairwise(ballots))
    state = await service.state(sid)
    assert state.round is not None
    assert state.round.vote.votes_on(1) == {"japan": last.choice}


async def test_a_whole_class_voting_at_once_keeps_every_ballot(
    service: NegotiationService, sessions: SessionService, database: Database
) -> None:
    sid = await class_of(sessions, per_actor=2)
    for actor, item in [("us", "remains"), ("dprk", "sanctions-relief"), ("rok", "end-of-war")]:
        await service.table(sid, student(actor), item, f"{actor} proposal", phase_kind="plenary")
    await service.open_vote(sid, None)
    calls = [
        service.cast(sid, student(actor, seat), number, "yes" if seat == 0 else "no")
        for actor in ACTORS
        for seat in (0, 1)
        for number in (1, 2, 3)
    ]
    results = await asyncio.gather(*calls)
    assert all(r.changed for r in results)  # seat 0 and seat 1 always differ
    assert await count(database, BallotRow) == len(calls) == 36
    async with database.transaction() as tx:
        ballots = list(await tx.session.scalars(select(BallotRow)))
        counting = list(await tx.session.scalars(select(DelegationVote)))
    assert len(counting) == 18
    last = {}
    for ballot in sorted(ballots, key=lambda b: b.id):
        last[(ballot.proposal_number, ballot.actor_id)] = ballot
    for vote in counting:
        assert vote.ballot_id == last[(vote.proposal_number, vote.actor_id)].id


async def test_a_ballot_returns_the_state_as_stored(
    service: NegotiationService, sessions: SessionService
) -> None:
    """`cast` builds the state it returns without reading the vote again: it must be the one a
    fresh read gives (ballots in order, ids as stored)."""
    sid = await class_of(sessions, per_actor=2)
    await service.table(sid, student("us"), "remains", "Return the remains.", phase_kind="plenary")
    await service.open_vote(sid, None)
    for user, choice in [
        (student("us", 0), "yes"),
        (student("dprk", 0), "no"),
        (student("us", 1), "no"),  # a change: a second ballot for the US
        (student("us", 1), "no"),  # a repeat: no ballot
    ]:
        result = await service.cast(sid, user, 1, choice)  # type: ignore[arg-type]
        assert result.state == await service.state(sid)


async def test_a_ballot_is_one_transaction_of_twelve_statements(
    service: NegotiationService, sessions: SessionService, database: Database
) -> None:
    """The vote burst's cost per ballot: one commit, the vote read once, no read-modify-write of
    the counting vote (it was 22 statements: the vote read twice, the counting vote read first)."""
    sid = await class_of(sessions, per_actor=2)
    await service.table(sid, student("us"), "remains", "Return the remains.", phase_kind="plenary")
    await service.open_vote(sid, None)
    statements: list[str] = []
    commits: list[object] = []

    def statement(*args: Any) -> None:
        statements.append(args[2])

    def commit(connection: object) -> None:
        commits.append(connection)

    sync_engine = database.engine.sync_engine
    event.listen(sync_engine, "before_cursor_execute", statement)
    event.listen(sync_engine, "commit", commit)
    try:
        for user, choice in [(student("us", 0), "yes"), (student("us", 1), "no")]:
            statements.clear()
            commits.clear()
            await service.cast(sid, user, 1, choice)  # type: ignore[arg-type]
            assert len(commits) == 1
            writes = [s for s in statements if not s.lstrip().upper().startswith("SELECT")]
            assert len(writes) == 3, writes  # the lock, the ballot, the counting vote
            assert len(statements) == 12, statements
    finally:
        event.remove(sync_engine, "before_cursor_execute", statement)
        event.remove(sync_engine, "commit", commit)


async def test_a_burst_of_ballots_never_waits_on_sqlites_lock(
    scenarios: Mapping[str, Scenario], tmp_path: Path
) -> None:
    """Ballots for one session queue in the process: with SQLite's busy timeout at zero, a
    ballot that reached the database while another held the write lock would fail with
    "database is locked" (and with the usual 5 s timeout, sleep in SQLite's busy handler)."""
    async with migrated_database("sqlite", tmp_path) as database:
        await database.engine.dispose()  # new connections get the listener below
        event.listen(database.engine.sync_engine, "connect", _no_busy_wait)
        sessions = SessionService(database, scenarios)
        service = NegotiationService(database, scenarios)
        sid = await class_of(sessions, per_actor=2)
        for actor, item in [("us", "remains"), ("dprk", "end-of-war")]:
            await service.table(sid, student(actor), item, f"{actor} text", phase_kind="plenary")
        await service.open_vote(sid, None)
        calls = [
            service.cast(sid, student(actor, seat), number, "yes" if seat == 0 else "no")
            for actor in ACTORS
            for seat in (0, 1)
            for number in (1, 2)
        ]
        results = await asyncio.gather(*calls)
        assert all(r.changed for r in results)
        assert await count(database, BallotRow) == 24


def _no_busy_wait(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=0")
    cursor.close()


async def test_proposals_tabled_at_once_get_distinct_numbers(
    service: NegotiationService, sessions: SessionService
) -> None:
    sid = await class_of(sessions, per_actor=2)
    calls = [
        service.table(sid, student(actor, seat), "remains", f"{actor} {seat}", phase_kind="plenary")
        for actor in ACTORS
        for seat in (0, 1)
    ]
    results = await asyncio.gather(*calls)
    assert sorted(r.proposal.number for r in results) == list(range(1, 13))
    state = await service.state(sid)
    assert [p.number for p in state.book.tabled()] == list(range(1, 13))


async def test_briefs_open_to_members_of_a_debriefed_session_only(
    service: NegotiationService, sessions: SessionService
) -> None:
    sid = await class_of(sessions)
    assert not await service.debriefed_member(GUILD, student("japan"), "hanoi-2019")
    await service.mark_debriefed(sid, TEACHER, None)
    assert await service.debriefed_member(GUILD, student("japan"), "hanoi-2019")
    assert not await service.debriefed_member(GUILD, 99_999, "hanoi-2019")
    assert not await service.debriefed_member(GUILD + 1, student("japan"), "hanoi-2019")
    assert await sessions.may_read_brief(GUILD, student("japan"), "hanoi-2019", "us")
    assert not await sessions.may_read_brief(GUILD, 99_999, "hanoi-2019", "us")
