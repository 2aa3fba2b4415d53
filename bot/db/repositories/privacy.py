"""Data rights and retention: export and erase one person's data in one server, and purge.

Every table Parley has is listed in `_SCOPES` with the rule that finds its rows of one server
(or `None`: shared content, never personal). A test checks the list against the models, so a
new table cannot be forgotten by the export, the erasure or the purge.

Erasure (`erase`) runs in the caller's transaction:
1. deletes the person's quiz history (solo answers and runs, race answers, leaderboard points;
   with `include_private`, also their server-less practice: DM answers and Leitner cards);
2. replaces the text of every message they wrote in the server's sessions, and of every earlier
   version of it, with `ERASED_TEXT` (attachments dropped), their name with `ERASED_NAME`;
3. replaces every other reference to their id in the server's rows — seats, ballots, floor
   turns, proposals tabled, mentions in others' messages, ids inside JSON state — by one
   pseudonym, so the record keeps its shape (message counts, who spoke when) without them.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    JSON,
    BigInteger,
    ColumnElement,
    Select,
    String,
    Table,
    Text,
    and_,
    bindparam,
    delete,
    false,
    func,
    or_,
    select,
    union,
    update,
)
from sqlalchemy import (
    cast as sql_cast,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.base import Base
from bot.db.models import (
    BallotRow,
    ClassSession,
    DelegationVote,
    GuildConfig,
    Participant,
    ProposalBacker,
    ProposalRow,
    TranscriptMessage,
    TranscriptRevision,
    VoteRoundRow,
)
from bot.db.models.quiz import (
    QuizAttempt,
    QuizCard,
    QuizLeaderboard,
    QuizRace,
    QuizRaceAnswer,
    QuizRun,
)
from bot.domain.privacy import (
    ERASED_NAME,
    ERASED_TEXT,
    ErasureReport,
    PurgeReport,
    scrub_json,
    scrub_text,
)

__all__ = ["SCOPED_TABLES", "SHARED_TABLES", "PrivacyRepository", "SessionTouch"]


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def _guild_sessions(guild_id: int) -> Select[Any]:
    return select(ClassSession.id).where(ClassSession.guild_id == guild_id)


def _session_scoped(name: str) -> Callable[[int], ColumnElement[bool]]:
    def where(guild_id: int) -> ColumnElement[bool]:
        return _table(name).c.session_id.in_(_guild_sessions(guild_id))

    return where


def _guild_scoped(name: str) -> Callable[[int], ColumnElement[bool]]:
    def where(guild_id: int) -> ColumnElement[bool]:
        return _table(name).c.guild_id == guild_id

    return where


def _revisions(guild_id: int) -> ColumnElement[bool]:
    return TranscriptRevision.message_id.in_(
        select(TranscriptMessage.message_id).where(
            TranscriptMessage.session_id.in_(_guild_sessions(guild_id))
        )
    )


def _of_proposals(name: str) -> Callable[[int], ColumnElement[bool]]:
    def where(guild_id: int) -> ColumnElement[bool]:
        return _table(name).c.proposal_id.in_(
            select(ProposalRow.id).where(ProposalRow.session_id.in_(_guild_sessions(guild_id)))
        )

    return where


def _vote_rows(name: str) -> Callable[[int], ColumnElement[bool]]:
    def where(guild_id: int) -> ColumnElement[bool]:
        return _table(name).c.round_id.in_(
            select(VoteRoundRow.id).where(VoteRoundRow.session_id.in_(_guild_sessions(guild_id)))
        )

    return where


def _race_answers(guild_id: int) -> ColumnElement[bool]:
    return QuizRaceAnswer.race_id.in_(select(QuizRace.id).where(QuizRace.guild_id == guild_id))


# Table -> the rows of one server. Every table of the schema is here (see the module docstring).
_SCOPES: dict[str, Callable[[int], ColumnElement[bool]]] = {
    "guild_config": _guild_scoped("guild_config"),
    "class_sessions": _guild_scoped("class_sessions"),
    "participants": _session_scoped("participants"),
    "delegations": _session_scoped("delegations"),
    "session_channels": _session_scoped("session_channels"),
    "timers": _session_scoped("timers"),
    "transcript_messages": _session_scoped("transcript_messages"),
    "transcript_revisions": _revisions,
    "negotiations": _session_scoped("negotiations"),
    "proposals": _session_scoped("proposals"),
    "proposal_backers": _of_proposals("proposal_backers"),
    # a package's options: agenda and option ids only, no person (scoped for the purge's sake)
    "proposal_options": _of_proposals("proposal_options"),
    "vote_rounds": _session_scoped("vote_rounds"),
    "vote_ballots": _vote_rows("vote_ballots"),
    "delegation_votes": _vote_rows("delegation_votes"),
    "session_rounds": _session_scoped("session_rounds"),
    "floor_turns": _session_scoped("floor_turns"),
    "quiz_runs": _guild_scoped("quiz_runs"),
    "quiz_attempts": _guild_scoped("quiz_attempts"),
    "quiz_races": _guild_scoped("quiz_races"),
    "quiz_race_answers": _race_answers,
    "quiz_leaderboard": _guild_scoped("quiz_leaderboard"),
    # Leitner cards belong to no server: only a person's own "private" scope reaches them.
    "quiz_cards": lambda _guild_id: false(),
}
# Shared teaching content (imported question banks): no personal data, never touched.
SHARED_TABLES = frozenset({"quiz_banks", "quiz_bank_items"})
SCOPED_TABLES = frozenset(_SCOPES)


def _private(name: str, user_id: int) -> ColumnElement[bool] | None:
    """A person's server-less rows (DM practice, Leitner cards), reached with include_private."""
    if name in ("quiz_runs", "quiz_attempts"):
        table = _table(name)
        return and_(table.c.guild_id.is_(None), table.c.user_id == user_id)
    if name == "quiz_cards":
        return QuizCard.user_id == user_id
    return None


def _id_columns(table: Table) -> list[Any]:
    """Columns that can hold a Discord id (BIGINT), except primary keys."""
    return [c for c in table.columns if isinstance(c.type, BigInteger) and not c.primary_key]


def _text_columns(table: Table) -> list[Any]:
    return [c for c in table.columns if isinstance(c.type, String | Text | JSON)]


@dataclass(frozen=True)
class SessionTouch:
    """A session a person appears in, as the privacy overview lists it."""

    session_id: int
    scenario_id: str
    channel_id: int
    status: str
    created_at: datetime
    ended_at: datetime | None
    actor_id: str | None
    messages: int


class PrivacyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def _where(self, name: str, guild_id: int, user_id: int, private: bool) -> ColumnElement[bool]:
        clause = _SCOPES[name](guild_id)
        extra = _private(name, user_id) if private else None
        return clause if extra is None else or_(clause, extra)

    # --- reading -------------------------------------------------------------------------------

    async def rows_about(
        self, guild_id: int, user_id: int, *, include_private: bool = True
    ) -> dict[str, list[dict[str, Any]]]:
        """Every stored row that names the person by id in this server (table -> rows, as
        stored), plus the earlier versions of their messages."""
        out: dict[str, list[dict[str, Any]]] = {}
        for name in sorted(_SCOPES):
            table = _table(name)
            ids = _id_columns(table) + [c for c in table.primary_key.columns if c.name == "user_id"]
            if not ids:
                continue
            stmt = select(table).where(
                self._where(name, guild_id, user_id, include_private),
                or_(*(c == user_id for c in ids)),
            )
            pk = list(table.primary_key.columns)
            rows = (await self._session.execute(stmt.order_by(*pk))).mappings().all()
            if rows:
                out[name] = [dict(r) for r in rows]
        authored = [int(m["message_id"]) for m in out.get("transcript_messages", [])]
        if authored:
            revisions = (
                (
                    await self._session.execute(
                        select(_table("transcript_revisions"))
                        .where(TranscriptRevision.message_id.in_(authored))
                        .order_by(TranscriptRevision.id)
                    )
                )
                .mappings()
                .all()
            )
            if revisions:
                out["transcript_revisions"] = [dict(r) for r in revisions]
        return out

    async def sessions_of(self, guild_id: int, user_id: int) -> list[SessionTouch]:
        """The server's sessions the person joined or wrote in, newest first."""
        joined = select(Participant.session_id.label("sid")).where(Participant.user_id == user_id)
        wrote = select(TranscriptMessage.session_id.label("sid")).where(
            TranscriptMessage.author_id == user_id
        )
        ids = union(joined, wrote).subquery()
        counts = (
            select(TranscriptMessage.session_id, func.count().label("n"))
            .where(TranscriptMessage.author_id == user_id)
            .group_by(TranscriptMessage.session_id)
            .subquery()
        )
        actor = (
            select(Participant.actor_id)
            .where(Participant.session_id == ClassSession.id, Participant.user_id == user_id)
            .limit(1)
            .scalar_subquery()
        )
        rows = await self._session.execute(
            select(ClassSession, actor, func.coalesce(counts.c.n, 0))
            .outerjoin(counts, counts.c.session_id == ClassSession.id)
            .where(ClassSession.guild_id == guild_id, ClassSession.id.in_(select(ids.c.sid)))
            .order_by(ClassSession.id.desc())
        )
        return [
            SessionTouch(
                session_id=s.id,
                scenario_id=s.scenario_id,
                channel_id=s.channel_id,
                status=s.status,
                created_at=s.created_at,
                ended_at=s.ended_at,
                actor_id=actor_id,
                messages=int(n),
            )
            for s, actor_id, n in rows
        ]

    async def live_sessions_with(self, guild_id: int, user_id: int) -> list[tuple[int, int]]:
        """(session id, channel id) of the server's open sessions the person is seated in."""
        rows = await self._session.execute(
            select(ClassSession.id, ClassSession.channel_id)
            .join(Participant, Participant.session_id == ClassSession.id)
            .where(
                ClassSession.guild_id == guild_id,
                ClassSession.status != "ended",
                Participant.user_id == user_id,
                Participant.left_at.is_(None),
            )
            .order_by(ClassSession.id)
        )
        return [(int(a), int(b)) for a, b in rows]

    # --- erasure -------------------------------------------------------------------------------

    async def erase(
        self, guild_id: int, user_id: int, pseudonym: int, *, include_private: bool = True
    ) -> ErasureReport:
        """Erase the person from this server's records (see the module docstring)."""
        if pseudonym >= 0:
            raise ValueError("a pseudonym is negative, so it can never be a Discord id")
        touched = await self._touched_sessions(guild_id, user_id)
        counts: dict[str, int] = {}

        async def remove(name: str, where: ColumnElement[bool]) -> int:
            result = await self._session.execute(
                delete(_table(name)).where(where).execution_options(synchronize_session=False)
            )
            return int(cast(Any, result).rowcount or 0)

        mine = self._where
        counts["race_answers"] = await remove(
            "quiz_race_answers",
            and_(
                mine("quiz_race_answers", guild_id, user_id, False),
                QuizRaceAnswer.user_id == user_id,
            ),
        )
        counts["leaderboard_rows"] = await remove(
            "quiz_leaderboard",
            and_(QuizLeaderboard.guild_id == guild_id, QuizLeaderboard.user_id == user_id),
        )
        counts["quiz_answers"] = await remove(
            "quiz_attempts",
            and_(
                mine("quiz_attempts", guild_id, user_id, include_private),
                QuizAttempt.user_id == user_id,
            ),
        )
        counts["quiz_runs"] = await remove(
            "quiz_runs",
            and_(mine("quiz_runs", guild_id, user_id, include_private), QuizRun.user_id == user_id),
        )
        counts["quiz_cards"] = (
            await remove("quiz_cards", QuizCard.user_id == user_id) if include_private else 0
        )

        authored = select(TranscriptMessage.message_id).where(
            mine("transcript_messages", guild_id, user_id, False),
            TranscriptMessage.author_id == user_id,
        )
        revised = await self._session.execute(
            update(TranscriptRevision)
            .where(TranscriptRevision.message_id.in_(authored))
            .values(content=ERASED_TEXT, attachments=[])
            .execution_options(synchronize_session=False)
        )
        counts["earlier_versions"] = int(cast(Any, revised).rowcount or 0)
        written = await self._session.execute(
            update(TranscriptMessage)
            .where(
                mine("transcript_messages", guild_id, user_id, False),
                TranscriptMessage.author_id == user_id,
            )
            .values(
                content=ERASED_TEXT, attachments=[], author_name=ERASED_NAME, author_id=pseudonym
            )
            .execution_options(synchronize_session=False)
        )
        counts["messages"] = int(cast(Any, written).rowcount or 0)
        await self._session.execute(
            update(Participant)
            .where(mine("participants", guild_id, user_id, False), Participant.user_id == user_id)
            .values(display_name=ERASED_NAME)
            .execution_options(synchronize_session=False)
        )
        counts["references"] = await self._replace_everywhere(guild_id, user_id, pseudonym)
        return ErasureReport(sessions=tuple(sorted(touched)), **counts)

    async def _touched_sessions(self, guild_id: int, user_id: int) -> set[int]:
        """The server's sessions holding anything about the person (the record they leave)."""
        sessions = _guild_sessions(guild_id)
        found: set[int] = set()
        per_session = [
            select(Participant.session_id).where(Participant.user_id == user_id),
            select(TranscriptMessage.session_id).where(
                or_(
                    TranscriptMessage.author_id == user_id,
                    TranscriptMessage.content.contains(str(user_id)),
                )
            ),
            select(_table("floor_turns").c.session_id).where(
                _table("floor_turns").c.user_id == user_id
            ),
            select(ProposalRow.session_id).where(ProposalRow.tabled_by == user_id),
            select(ProposalRow.session_id)
            .join(ProposalBacker, ProposalBacker.proposal_id == ProposalRow.id)
            .where(ProposalBacker.user_id == user_id),
            select(VoteRoundRow.session_id)
            .join(BallotRow, BallotRow.round_id == VoteRoundRow.id)
            .where(BallotRow.cast_by == user_id),
            select(VoteRoundRow.session_id)
            .join(DelegationVote, DelegationVote.round_id == VoteRoundRow.id)
            .where(DelegationVote.cast_by == user_id),
            select(ClassSession.id).where(ClassSession.created_by == user_id),
        ]
        for stmt in per_session:
            sub = stmt.subquery()
            rows = await self._session.execute(select(sub.c[0]).where(sub.c[0].in_(sessions)))
            found.update(int(r[0]) for r in rows)
        return found

    async def _replace_everywhere(self, guild_id: int, user_id: int, pseudonym: int) -> int:
        """Replace the id in every id column, text and JSON of the server's rows; returns how
        many rows changed."""
        changed = 0
        needle = str(user_id)
        for name in sorted(_SCOPES):
            table = _table(name)
            scope = _SCOPES[name](guild_id)
            for column in _id_columns(table):
                result = await self._session.execute(
                    update(table)
                    .where(scope, column == user_id)
                    .values({column.name: pseudonym})
                    .execution_options(synchronize_session=False)
                )
                changed += int(cast(Any, result).rowcount or 0)
            texts = _text_columns(table)
            if not texts:
                continue
            pk = list(table.primary_key.columns)
            stmt = select(*pk, *texts).where(
                scope, or_(*(sql_cast(c, Text).contains(needle) for c in texts))
            )
            # Rows that change the same columns are rewritten in one executemany.
            batches: dict[tuple[str, ...], list[dict[str, Any]]] = {}
            for row in (await self._session.execute(stmt)).mappings().all():
                values: dict[str, Any] = {}
                for column in texts:
                    old = row[column.name]
                    if old is None:
                        continue
                    if isinstance(column.type, JSON):
                        new = scrub_json(old, user_id, pseudonym)
                    else:
                        new = scrub_text(str(old), user_id, pseudonym)
                    if new != old:
                        values[column.name] = new
                if values:
                    params = {f"k_{c.name}": row[c.name] for c in pk}
                    params.update({f"v_{name}": value for name, value in values.items()})
                    batches.setdefault(tuple(sorted(values)), []).append(params)
            conn = await self._session.connection()
            for names, batch in batches.items():
                new_values = {n: bindparam(f"v_{n}", type_=table.c[n].type) for n in names}
                await conn.execute(
                    update(table)
                    .where(*(c == bindparam(f"k_{c.name}") for c in pk))
                    .values(new_values),
                    batch,
                )
                changed += len(batch)
        return changed

    # --- purging -------------------------------------------------------------------------------

    async def purge_sessions(self, session_ids: Collection[int]) -> PurgeReport:
        """Delete sessions and everything recorded in them (the foreign keys cascade)."""
        ids = sorted({int(i) for i in session_ids})
        if not ids:
            return PurgeReport()
        messages = int(
            await self._session.scalar(
                select(func.count())
                .select_from(TranscriptMessage)
                .where(TranscriptMessage.session_id.in_(ids))
            )
            or 0
        )
        result = await self._session.execute(
            delete(ClassSession)
            .where(ClassSession.id.in_(ids))
            .execution_options(synchronize_session=False)
        )
        deleted = int(cast(Any, result).rowcount or 0)
        return PurgeReport(sessions=deleted, messages=messages, session_ids=tuple(ids))

    async def session_ids(
        self,
        *,
        guild_id: int | None = None,
        ended_before: datetime | None = None,
    ) -> list[int]:
        """Sessions of a server, or ended before a time (an ended session without an end time
        counts from its last change)."""
        stmt = select(ClassSession.id)
        if guild_id is not None:
            stmt = stmt.where(ClassSession.guild_id == guild_id)
        if ended_before is not None:
            ended = func.coalesce(ClassSession.ended_at, ClassSession.updated_at)
            stmt = stmt.where(ClassSession.status == "ended", ended < ended_before)
        return [int(i) for i in await self._session.scalars(stmt.order_by(ClassSession.id))]

    async def session_guild(self, session_id: int) -> tuple[int, str] | None:
        """(guild id, status) of a session, or None if there is none."""
        row = (
            await self._session.execute(
                select(ClassSession.guild_id, ClassSession.status).where(
                    ClassSession.id == session_id
                )
            )
        ).first()
        return None if row is None else (int(row[0]), str(row[1]))

    async def purge_guild(self, guild_id: int) -> PurgeReport:
        """Everything Parley holds about one server: its sessions, quiz races, the solo quiz
        history answered there, its leaderboard and its settings."""
        report = await self.purge_sessions(await self.session_ids(guild_id=guild_id))
        race_answers = await self._count(QuizRaceAnswer, _race_answers(guild_id))
        races = await self._delete(QuizRace, QuizRace.guild_id == guild_id)
        answers = await self._delete(QuizAttempt, QuizAttempt.guild_id == guild_id)
        runs = await self._delete(QuizRun, QuizRun.guild_id == guild_id)
        board = await self._delete(QuizLeaderboard, QuizLeaderboard.guild_id == guild_id)
        settings = await self._delete(GuildConfig, GuildConfig.guild_id == guild_id)
        return report + PurgeReport(
            quiz_answers=answers,
            quiz_runs=runs,
            races=races,
            race_answers=race_answers,
            leaderboard_rows=board,
            settings=settings,
        )

    async def purge_quiz_before(self, cutoff: datetime, guild_id: int | None = None) -> PurgeReport:
        """Quiz history older than a cutoff: answers given before it, runs idle since before it
        (not active ones), races finished before it with their answers, and (everywhere, not
        for one server) practice cards not reviewed since."""
        attempts: ColumnElement[bool] = QuizAttempt.answered_at < cutoff
        runs: ColumnElement[bool] = and_(
            QuizRun.status != "active", QuizRun.last_activity_at < cutoff
        )
        races: ColumnElement[bool] = and_(
            QuizRace.state == "finished",
            func.coalesce(QuizRace.finished_at, QuizRace.updated_at) < cutoff,
        )
        if guild_id is not None:
            attempts = and_(attempts, QuizAttempt.guild_id == guild_id)
            runs = and_(runs, QuizRun.guild_id == guild_id)
            races = and_(races, QuizRace.guild_id == guild_id)
        race_answers = await self._count(
            QuizRaceAnswer, QuizRaceAnswer.race_id.in_(select(QuizRace.id).where(races))
        )
        # Leitner cards belong to no server: only the server-wide sweep drops those not
        # reviewed since the cutoff.
        cards = (
            await self._delete(QuizCard, QuizCard.last_reviewed_at < cutoff)
            if guild_id is None
            else 0
        )
        return PurgeReport(
            quiz_answers=await self._delete(QuizAttempt, attempts),
            quiz_runs=await self._delete(QuizRun, runs),
            quiz_cards=cards,
            races=await self._delete(QuizRace, races),
            race_answers=race_answers,
        )

    async def guilds_with_data(self) -> set[int]:
        """Every server id Parley holds anything for."""
        found: set[int] = set()
        for column in (
            ClassSession.guild_id,
            QuizRace.guild_id,
            QuizLeaderboard.guild_id,
            QuizRun.guild_id,
            QuizAttempt.guild_id,
            GuildConfig.guild_id,
        ):
            rows = await self._session.scalars(select(column).where(column.is_not(None)).distinct())
            found.update(int(g) for g in rows if g is not None)
        return found

    async def _count(self, model: Any, where: ColumnElement[bool]) -> int:
        return int(
            await self._session.scalar(select(func.count()).select_from(model).where(where)) or 0
        )

    async def _delete(self, model: Any, where: ColumnElement[bool]) -> int:
        result = await self._session.execute(
            delete(model).where(where).execution_options(synchronize_session=False)
        )
        return int(cast(Any, result).rowcount or 0)


def all_tables() -> Iterable[str]:
    """Every table of the schema (for the completeness test)."""
    return Base.metadata.tables.keys()
