"""Classifying database errors without importing SQLAlchemy outside `bot/db`."""

from __future__ import annotations

import sqlite3

from sqlalchemy.exc import DataError, IntegrityError


def is_permanent(error: BaseException) -> bool:
    """True when retrying the same write cannot succeed (a constraint or a bad value), as
    opposed to a locked database or a dropped connection."""
    return isinstance(
        error, IntegrityError | DataError | sqlite3.IntegrityError | sqlite3.DataError
    )
