"""Timer arithmetic: what a stored timer looks like to its handler, when it counts as late, and
how long to wait before retrying a handler that failed.

Pure: no Discord, no database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

__all__ = [
    "DEFAULT_MAX_ATTEMPTS",
    "LATE_AFTER",
    "PENDING",
    "DueTimer",
    "TimerRecord",
    "is_late",
    "retry_delay",
]

# A timer fired more than this after its due time is "late" even if Parley never went offline
# (a laptop that slept, a blocked event loop): the announcement should say so.
LATE_AFTER = timedelta(seconds=2)

PENDING = "pending"
DEFAULT_MAX_ATTEMPTS = 5
RETRY_BASE = timedelta(seconds=1)
RETRY_CAP = timedelta(minutes=1)


@dataclass(frozen=True)
class TimerRecord:
    """One stored timer, as the timer service and its callers see it."""

    id: int
    key: str
    kind: str
    due_at: datetime
    payload: dict[str, Any] = field(default_factory=dict)
    session_id: int | None = None
    status: str = PENDING
    attempts: int = 0
    fired_at: datetime | None = None
    last_error: str | None = None


@dataclass(frozen=True)
class DueTimer:
    """What a handler receives when its timer fires.

    `late` is True when the timer fell due while Parley was offline (or could not fire it for more
    than `LATE_AFTER`): announce it as late ("Time was up at 10:42 while Parley was offline").
    `attempt` counts from 1; above 1 the handler already ran and failed, so it must be idempotent.
    """

    key: str
    kind: str
    due_at: datetime
    fired_at: datetime
    payload: dict[str, Any]
    session_id: int | None
    attempt: int
    late: bool

    @property
    def lateness(self) -> timedelta:
        return self.fired_at - self.due_at


def is_late(due_at: datetime, fired_at: datetime, online_since: datetime | None) -> bool:
    """Fell due before the dispatcher came online, or fires noticeably after its time."""
    if online_since is not None and due_at < online_since:
        return True
    return fired_at - due_at > LATE_AFTER


def retry_delay(attempt: int) -> timedelta:
    """Exponential backoff after the `attempt`-th failure (1 s, 2 s, 4 s …, at most a minute)."""
    if attempt < 1:
        raise ValueError("attempt counts from 1")
    delay: timedelta = RETRY_BASE * (2 ** min(attempt - 1, 16))
    return min(delay, RETRY_CAP)
