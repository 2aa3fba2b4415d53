"""The buffered transcript writer: no commit per message.

The listener hands every record to `add()` (synchronous, no I/O). One background task
(`parley-bg:transcript-writer`) commits what has accumulated in one transaction:

* at most `max_delay` (100 ms) after the first record of a batch arrived, so a message is durable
  well within 250 ms;
* at once when `max_batch` (2,000) records are waiting;
* whenever someone awaits `flush()` (phase end, backfill, exports, shutdown): when it returns,
  everything added before the call is committed.

Inserts are idempotent on the Discord message id (INSERT … ON CONFLICT DO NOTHING), so a message
seen both live and in backfilled history is stored once. Within a batch, new messages are
inserted first (by `bot/db/bulk_insert.py`), then edits, then deletions, which is safe in every
order Discord can produce them.

If the database refuses a batch for a passing reason (locked, connection lost), the records stay
buffered and the write is retried with backoff. A record the database can never accept (its
session was deleted) is dropped with an error in the log instead of blocking the rest.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence

from bot.db.bulk_insert import TranscriptBulkInserter
from bot.db.engine import Database
from bot.db.errors import is_permanent
from bot.domain.transcripts import IncomingMessage, MessageDeletion, MessageEdit, TranscriptOp

__all__ = ["TranscriptWriter"]

log = logging.getLogger(__name__)

WRITER_TASK_NAME = "parley-bg:transcript-writer"
DEFAULT_MAX_DELAY = 0.1
DEFAULT_MAX_BATCH = 2000
MAX_TRANSACTION = 5_000  # records per transaction when catching up after an outage
RETRY_DELAYS = (0.1, 0.5, 1.0, 2.0, 5.0)

DurableHook = Callable[[Sequence[TranscriptOp], float], None]


class TranscriptWriter:
    def __init__(
        self,
        database: Database,
        *,
        max_delay: float = DEFAULT_MAX_DELAY,
        max_batch: int = DEFAULT_MAX_BATCH,
        on_durable: DurableHook | None = None,
    ) -> None:
        self._db = database
        self._bulk = TranscriptBulkInserter(database)
        self.max_delay = max_delay
        self.max_batch = max_batch
        self.on_durable = on_durable  # called with each committed batch and loop.time()
        self._ops: list[TranscriptOp] = []
        self._first_at: float | None = None
        self._has_data = asyncio.Event()
        self._full = asyncio.Event()
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self.batches = 0
        self.written = 0
        self.dropped = 0

    @property
    def buffered(self) -> int:
        return len(self._ops)

    @property
    def writing(self) -> bool:
        """A batch is on its way to the database now."""
        return self._lock.locked()

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def add(self, op: TranscriptOp) -> None:
        """Buffer one record; it is committed within `max_delay` (no I/O here)."""
        if not self._ops:
            self._first_at = asyncio.get_running_loop().time()
            self._has_data.set()
        self._ops.append(op)
        if len(self._ops) >= self.max_batch:
            self._full.set()

    async def flush(self) -> None:
        """Commit everything buffered so far; raises if the database refuses it."""
        await self._drain(retry=False, everything=True)

    def start(self) -> None:
        if not self.running:
            self._task = asyncio.create_task(self._run(), name=WRITER_TASK_NAME)

    async def stop(self) -> None:
        """Stop the background task and commit what is left."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        try:
            if self._ops:
                await self._drain(retry=False, everything=True)
        except Exception:
            log.exception(
                "Could not store the last %d transcript records at shutdown", len(self._ops)
            )
        finally:
            await self._bulk.close()

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await self._has_data.wait()
            if not self._ops:
                self._has_data.clear()
                continue
            deadline = (self._first_at or loop.time()) + self.max_delay
            delay = deadline - loop.time()
            if delay > 0 and not self._full.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._full.wait(), delay)
            try:
                # One batch; what arrives meanwhile waits for company again (`_consume`).
                await self._drain(retry=True, everything=False)
            except asyncio.CancelledError:
                raise
            except Exception:  # already logged; keep the task alive
                await asyncio.sleep(RETRY_DELAYS[-1])

    async def _drain(self, *, retry: bool, everything: bool) -> None:
        """Write what is buffered, one transaction per `MAX_TRANSACTION` records: everything
        (flush, stop), or what was there when the lock was taken (the background loop)."""
        async with self._lock:
            attempt = 0
            remaining = len(self._ops)
            while self._ops and (everything or remaining > 0):
                batch = self._ops[:MAX_TRANSACTION]
                try:
                    await self._write(batch)
                except Exception as exc:
                    if is_permanent(exc) and len(batch) > 1:
                        await self._write_one_by_one(batch)
                        remaining -= len(batch)
                        self._consume(len(batch))
                        continue
                    if is_permanent(exc):
                        log.error("Dropped a transcript record the database refused: %r", batch)
                        self.dropped += 1
                        remaining -= 1
                        self._consume(1)
                        continue
                    attempt += 1
                    if not retry or attempt > len(RETRY_DELAYS):
                        log.exception(
                            "Could not store %d transcript records; they stay buffered",
                            len(self._ops),
                        )
                        raise
                    log.warning(
                        "Transcript write failed (%s); retrying in %.1f s",
                        exc,
                        RETRY_DELAYS[attempt - 1],
                    )
                    await asyncio.sleep(RETRY_DELAYS[attempt - 1])
                    continue
                attempt = 0
                remaining -= len(batch)
                self._consume(len(batch))
                self.batches += 1
                self.written += len(batch)
                if self.on_durable is not None:
                    self.on_durable(batch, asyncio.get_running_loop().time())

    def _consume(self, count: int) -> None:
        del self._ops[:count]
        if not self._ops:
            self._first_at = None
            self._has_data.clear()
            self._full.clear()
        else:
            # What arrived during the write waits for company again (at most `max_delay`).
            self._first_at = asyncio.get_running_loop().time()
            if len(self._ops) < self.max_batch:
                self._full.clear()

    async def _write(self, batch: Sequence[TranscriptOp]) -> None:
        creates = [op for op in batch if isinstance(op, IncomingMessage)]
        edits = [op for op in batch if isinstance(op, MessageEdit)]
        deletions = [op for op in batch if isinstance(op, MessageDeletion)]
        # New messages first, by the bulk path; then, rarely, edits and deletions. If the second
        # transaction fails the batch is retried whole, which the idempotent insert allows.
        await self._bulk.insert(creates)
        if edits or deletions:
            async with self._db.transaction() as tx:
                for edit in edits:
                    await tx.transcripts.apply_edit(edit)
                for deletion in deletions:
                    await tx.transcripts.mark_deleted(deletion.message_ids, deletion.deleted_at)

    async def _write_one_by_one(self, batch: Sequence[TranscriptOp]) -> None:
        for op in batch:
            try:
                await self._write([op])
                self.written += 1
            except Exception as exc:
                if not is_permanent(exc):
                    raise
                log.error("Dropped a transcript record the database refused (%s): %r", exc, op)
                self.dropped += 1
