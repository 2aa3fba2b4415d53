"""What a repository raises when a database constraint refuses a write.

Services never see SQLAlchemy: a repository turns the IntegrityError of a known constraint into
one of these, the unit of work rolls back, and the service decides (retry, or tell the user).
`is_permanent` classifies errors for writers that retry (the transcript writer, the timers).
"""

from __future__ import annotations

import sqlite3

from sqlalchemy.exc import DataError, IntegrityError


class Conflict(Exception):
    """A uniqueness constraint refused the write; the transaction is rolled back."""


class SeatTaken(Conflict):
    """Someone else took that seat (or this student already holds one) first."""


class AlreadyJoined(Conflict):
    """The student's row was inserted by a concurrent join."""


class LiveSessionExists(Conflict):
    """The channel already has a live session."""


def is_permanent(error: BaseException) -> bool:
    """True when retrying the same write cannot succeed (a constraint or a bad value), as
    opposed to a locked database or a dropped connection."""
    return isinstance(
        error, IntegrityError | DataError | sqlite3.IntegrityError | sqlite3.DataError
    )
