"""What a repository raises when a database constraint refuses a write.

Services never see SQLAlchemy: a repository turns the IntegrityError of a known constraint into
one of these, the unit of work rolls back, and the service decides (retry, or tell the user).
"""

from __future__ import annotations


class Conflict(Exception):
    """A uniqueness constraint refused the write; the transaction is rolled back."""


class SeatTaken(Conflict):
    """Someone else took that seat (or this student already holds one) first."""


class AlreadyJoined(Conflict):
    """The student's row was inserted by a concurrent join."""


class LiveSessionExists(Conflict):
    """The channel already has a live session."""


class SpaceTaken(Conflict):
    """The delegation's private space was registered by someone else first."""
