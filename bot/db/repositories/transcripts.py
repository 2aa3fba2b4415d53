"""Transcript storage: batched idempotent inserts, edits as revisions, deletions as flags, and
chunked reads for exports."""

from __future__ import annotations

import itertools
import json
import operator
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.dialect import insert_for_dialect
from bot.db.models.sessions import ClassSession, Participant, SessionChannel
from bot.db.models.transcripts import TranscriptMessage, TranscriptRevision
from bot.domain.transcripts import (
    Attachment,
    IncomingMessage,
    MessageEdit,
    Revision,
    TranscriptEntry,
)

_messages = cast(Table, TranscriptMessage.__table__)
_revisions = cast(Table, TranscriptRevision.__table__)
_ENTRY_COLUMNS = tuple(
    getattr(TranscriptMessage, name)
    for name in (
        "message_id",
        "session_id",
        "phase",
        "channel_id",
        "channel_kind",
        "author_id",
        "author_name",
        "actor_id",
        "created_at",
        "content",
        "attachments",
        "reply_to_id",
        "is_facilitator",
        "is_bot",
        "edited_at",
        "deleted_at",
    )
)


def _attachments_json(attachments: Iterable[Attachment]) -> list[dict[str, Any]]:
    return [a.as_dict() for a in attachments]


def _attachments(data: Any) -> tuple[Attachment, ...]:
    return tuple(
        Attachment(
            filename=str(a.get("filename", "")),
            size=int(a.get("size") or 0),
            content_type=a.get("content_type"),
            url=str(a.get("url", "")),
        )
        for a in (data or [])
    )


_INSERT_COLUMNS = (
    "message_id",
    "session_id",
    "phase",
    "channel_id",
    "channel_kind",
    "author_id",
    "author_name",
    "created_at",
    "content",
    "attachments",
    "reply_to_id",
    "is_facilitator",
    "is_bot",
    "edited_at",
)


_EMPTY_JSON_LIST = "[]"


def _aware_time(when: datetime | None) -> datetime | None:
    if when is None:
        return None
    if when.tzinfo is None:
        raise ValueError(f"naive datetime {when!r} given; use timezone-aware UTC")
    return when if when.tzinfo is UTC else when.astimezone(UTC)


def sqlite_time(when: datetime | None) -> str | None:
    """The text `UTCDateTime` stores on SQLite (naive UTC, microseconds always present)."""
    aware = _aware_time(when)
    return None if aware is None else aware.replace(tzinfo=None).isoformat(" ", "microseconds")


# The parameters of one insert, in this order; `row_builder` reorders them for a statement.
ROW_FIELDS = (
    "p_message_id",
    "p_session_id",
    "p_phase",
    "p_channel_id",
    "p_channel_kind",
    "p_author_id",
    "p_author_name",
    "p_channel_actor",
    "p_created_at",
    "p_content",
    "p_attachments",
    "p_reply_to_id",
    "p_is_facilitator",
    "p_is_bot",
    "p_edited_at",
)


def row_builder(
    order: Sequence[str], when: Callable[[datetime | None], Any]
) -> Callable[[IncomingMessage], tuple[Any, ...]]:
    """A function from a record to the driver's parameter tuple, in the statement's order
    (which may repeat a parameter). Runs once per message: kept to one tuple and one C call."""
    pick = operator.itemgetter(*(ROW_FIELDS.index(name) for name in order))

    def row(r: IncomingMessage) -> tuple[Any, ...]:
        return pick(  # type: ignore[no-any-return]
            (
                r.message_id,
                r.session_id,
                r.phase,
                r.channel_id,
                r.channel_kind,
                r.author_id,
                r.author_name[:100],
                r.channel_actor_id,
                when(r.created_at),
                r.content,
                json.dumps(_attachments_json(r.attachments)) if r.attachments else _EMPTY_JSON_LIST,
                r.reply_to_id,
                r.is_facilitator,
                r.is_bot,
                when(r.edited_at),
            )
        )

    return row


RowBuilder = Callable[[IncomingMessage], tuple[Any, ...]]
_DRIVER_INSERTS: dict[str, tuple[str, RowBuilder]] = {}


def _insert_statement(dialect_name: str) -> Any:
    """INSERT … ON CONFLICT (message_id) DO NOTHING, with the actor resolved in SQL: the
    delegation of the thread for students, otherwise the author's assigned actor."""
    columns = _messages.c
    participant_actor = (
        select(Participant.actor_id)
        .where(
            Participant.session_id == bindparam("p_session_id", type_=columns.session_id.type),
            Participant.user_id == bindparam("p_author_id", type_=columns.author_id.type),
        )
        .scalar_subquery()
    )
    values: dict[str, Any] = {
        name: bindparam(f"p_{name}", type_=columns[name].type) for name in _INSERT_COLUMNS
    }
    values["actor_id"] = func.coalesce(
        bindparam("p_channel_actor", type_=columns.actor_id.type), participant_actor
    )
    return (
        insert_for_dialect(dialect_name, _messages)
        .values(values)
        .on_conflict_do_nothing(index_elements=[columns.message_id])
    )


def _driver_insert(dialect: Any) -> tuple[str, RowBuilder]:
    """The insert compiled once per dialect, and its parameter-tuple builder."""
    cached = _DRIVER_INSERTS.get(dialect.name)
    if cached is None:
        compiled = _insert_statement(dialect.name).compile(dialect=dialect)
        order = tuple(compiled.positiontup or ())
        when = sqlite_time if dialect.name == "sqlite" else _aware_time
        cached = (compiled.string, row_builder(order, when))
        _DRIVER_INSERTS[dialect.name] = cached
    return cached


# 17 parameters a row (SQLite allows 32,766 a statement).
SQLITE_ROWS_PER_STATEMENT = 100


def _split_values(sql: str) -> tuple[str, str, str]:
    """`INSERT … VALUES (row) ON CONFLICT …` → ("INSERT … VALUES ", "(row)", " ON CONFLICT …")."""
    head, _, rest = sql.partition(" VALUES ")
    values, _, tail = rest.rpartition(" ON CONFLICT ")
    if not values.startswith("(") or not values.endswith(")"):
        raise ValueError(f"unexpected INSERT shape: {sql!r}")
    return head + " VALUES ", values, " ON CONFLICT " + tail


@dataclass(frozen=True)
class SessionSummary:
    id: int
    guild_id: int
    channel_id: int
    scenario_id: str
    status: str
    created_at: datetime
    ended_at: datetime | None
    messages: int


class TranscriptRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    # -- writing ------------------------------------------------------------------------------

    async def insert_messages(self, records: Sequence[IncomingMessage]) -> None:
        """Store messages; ids already stored are skipped (idempotent on the Discord id).

        The statement is compiled once per dialect and the rows go to the driver's executemany
        as plain tuples: SQLAlchemy's per-row parameter processing would cost more than the
        insert itself (see `parley bench ingest`)."""
        if not records:
            return
        dialect = self._session.get_bind().dialect
        sql, row = _driver_insert(dialect)
        conn = await self._session.connection()
        if dialect.name != "sqlite":
            await conn.exec_driver_sql(sql, [row(r) for r in records])
            return
        # SQLite: one multi-row INSERT per chunk rather than executemany, whose driver thread
        # takes the GIL back for every row. (The transcript writer's usual path on SQLite is
        # bot/db/bulk_insert.py; this one serves in-memory databases and SQLite builds
        # without JSON functions.)
        head, values, tail = _split_values(sql)
        for start in range(0, len(records), SQLITE_ROWS_PER_STATEMENT):
            chunk = records[start : start + SQLITE_ROWS_PER_STATEMENT]
            params = tuple(itertools.chain.from_iterable(map(row, chunk)))
            await conn.exec_driver_sql(head + ", ".join([values] * len(chunk)) + tail, params)

    async def apply_edit(self, edit: MessageEdit) -> bool:
        """Keep the replaced text as a revision and store the new one. Unknown messages are
        stored whole when the edit carries them; an edit that changes nothing is ignored."""
        row = (
            await self._session.execute(
                select(TranscriptMessage.content, TranscriptMessage.attachments).where(
                    TranscriptMessage.message_id == edit.message_id
                )
            )
        ).first()
        if row is None:
            if edit.message is not None:
                await self.insert_messages([edit.message])
                return True
            return False
        new_attachments = _attachments_json(edit.attachments)
        if row.content == edit.content and list(row.attachments or []) == new_attachments:
            return False
        conn = await self._session.connection()
        await conn.execute(
            _revisions.insert().values(
                message_id=edit.message_id,
                content=row.content,
                attachments=list(row.attachments or []),
                replaced_at=edit.edited_at,
            )
        )
        await conn.execute(
            update(_messages)
            .where(_messages.c.message_id == edit.message_id)
            .values(content=edit.content, attachments=new_attachments, edited_at=edit.edited_at)
        )
        return True

    async def mark_deleted(self, message_ids: Collection[int], deleted_at: datetime) -> int:
        """Flag deleted messages; their content stays for the facilitator."""
        if not message_ids:
            return 0
        conn = await self._session.connection()
        result = await conn.execute(
            update(_messages)
            .where(
                _messages.c.message_id.in_(list(message_ids)),
                _messages.c.deleted_at.is_(None),
            )
            .values(deleted_at=deleted_at)
        )
        return int(result.rowcount)

    # -- reading ------------------------------------------------------------------------------

    async def last_message_ids(self, channel_ids: Collection[int]) -> dict[int, int]:
        """The newest stored message id of each channel (channels without any are left out)."""
        if not channel_ids:
            return {}
        rows = await self._session.execute(
            select(TranscriptMessage.channel_id, func.max(TranscriptMessage.message_id))
            .where(TranscriptMessage.channel_id.in_(list(channel_ids)))
            .group_by(TranscriptMessage.channel_id)
        )
        return {int(channel): int(last) for channel, last in rows}

    async def count(self, session_id: int) -> int:
        return int(
            await self._session.scalar(
                select(func.count())
                .select_from(TranscriptMessage)
                .where(TranscriptMessage.session_id == session_id)
            )
            or 0
        )

    async def get(self, message_id: int) -> TranscriptEntry | None:
        entries = await self._entries(select_filter=[TranscriptMessage.message_id == message_id])
        return entries[0] if entries else None

    async def chunk(
        self,
        session_id: int,
        *,
        after_id: int = 0,
        limit: int = 1000,
        phase: str | None = None,
        channel_ids: Collection[int] | None = None,
    ) -> list[TranscriptEntry]:
        """The next `limit` messages of a session after `after_id`, oldest first (keyset
        pagination: each chunk is one short query, whatever the session's size)."""
        where = [
            TranscriptMessage.session_id == session_id,
            TranscriptMessage.message_id > after_id,
        ]
        if phase is not None:
            where.append(TranscriptMessage.phase == phase)
        if channel_ids is not None:
            where.append(TranscriptMessage.channel_id.in_(list(channel_ids)))
        return await self._entries(select_filter=where, limit=limit)

    async def _entries(
        self, *, select_filter: list[Any], limit: int | None = None
    ) -> list[TranscriptEntry]:
        stmt = (
            select(*_ENTRY_COLUMNS, SessionChannel.label)
            .outerjoin(SessionChannel, SessionChannel.channel_id == TranscriptMessage.channel_id)
            .where(*select_filter)
            .order_by(TranscriptMessage.message_id)
        )
        if limit is not None:
            stmt = stmt.limit(limit)
        rows = (await self._session.execute(stmt)).all()
        if not rows:
            return []
        revisions = await self._revisions([r.message_id for r in rows if r.edited_at])
        return [self._entry(r, revisions.get(r.message_id, ())) for r in rows]

    async def _revisions(self, message_ids: list[int]) -> dict[int, tuple[Revision, ...]]:
        if not message_ids:
            return {}
        rows = await self._session.execute(
            select(
                TranscriptRevision.message_id,
                TranscriptRevision.content,
                TranscriptRevision.attachments,
                TranscriptRevision.replaced_at,
            )
            .where(TranscriptRevision.message_id.in_(message_ids))
            .order_by(TranscriptRevision.message_id, TranscriptRevision.id)
        )
        out: dict[int, list[Revision]] = {}
        for row in rows:
            out.setdefault(row.message_id, []).append(
                Revision(row.content, row.replaced_at, _attachments(row.attachments))
            )
        return {k: tuple(v) for k, v in out.items()}

    @staticmethod
    def _entry(row: Any, revisions: tuple[Revision, ...]) -> TranscriptEntry:
        return TranscriptEntry(
            message_id=row.message_id,
            session_id=row.session_id,
            phase=row.phase,
            channel_id=row.channel_id,
            channel_kind=row.channel_kind,
            channel_label=row.label or "",
            author_id=row.author_id,
            author_name=row.author_name,
            actor_id=row.actor_id,
            created_at=row.created_at,
            content=row.content,
            attachments=_attachments(row.attachments),
            reply_to_id=row.reply_to_id,
            is_facilitator=bool(row.is_facilitator),
            is_bot=bool(row.is_bot),
            edited_at=row.edited_at,
            deleted_at=row.deleted_at,
            revisions=revisions,
        )

    async def phases(self, session_id: int) -> list[str]:
        """The phases the session's messages were posted in, in the order they began."""
        rows = await self._session.execute(
            select(TranscriptMessage.phase, func.min(TranscriptMessage.message_id))
            .where(TranscriptMessage.session_id == session_id, TranscriptMessage.phase.is_not(None))
            .group_by(TranscriptMessage.phase)
            .order_by(func.min(TranscriptMessage.message_id))
        )
        return [str(phase) for phase, _ in rows]

    async def session(self, session_id: int) -> SessionSummary | None:
        sessions = await self.sessions(session_ids=[session_id])
        return sessions[0] if sessions else None

    async def sessions(
        self,
        *,
        guild_id: int | None = None,
        session_ids: Collection[int] | None = None,
        limit: int = 50,
    ) -> list[SessionSummary]:
        """Sessions, newest first, with how many messages their transcripts hold."""
        counts = (
            select(TranscriptMessage.session_id, func.count().label("n"))
            .group_by(TranscriptMessage.session_id)
            .subquery()
        )
        stmt = select(ClassSession, func.coalesce(counts.c.n, 0)).outerjoin(
            counts, counts.c.session_id == ClassSession.id
        )
        if guild_id is not None:
            stmt = stmt.where(ClassSession.guild_id == guild_id)
        if session_ids is not None:
            stmt = stmt.where(ClassSession.id.in_(list(session_ids)))
        rows = await self._session.execute(stmt.order_by(ClassSession.id.desc()).limit(limit))
        return [
            SessionSummary(
                id=s.id,
                guild_id=s.guild_id,
                channel_id=s.channel_id,
                scenario_id=s.scenario_id,
                status=s.status,
                created_at=s.created_at,
                ended_at=s.ended_at,
                messages=int(n),
            )
            for s, n in rows
        ]

    async def actor_of(self, session_id: int, user_id: int) -> str | None:
        return cast(
            "str | None",
            await self._session.scalar(
                select(Participant.actor_id).where(
                    Participant.session_id == session_id, Participant.user_id == user_id
                )
            ),
        )
