"""One guard for the datetimes the domain accepts: timezone-aware UTC, nothing else.

A naive datetime, or one with another offset, silently shifts every deadline by hours when it
meets a UTC one, and SQLite hands back naive datetimes if a column is mistyped. Refusing them at
the door of every pure function turns that class of bug into a loud ``ValueError`` in a test.
"""

from __future__ import annotations

from datetime import datetime, timedelta

__all__ = ["parse_utc", "require_utc"]


def require_utc(value: datetime, name: str = "now") -> datetime:
    """Return ``value`` if it is an aware UTC datetime; raise otherwise."""
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, got {type(value).__name__}")
    offset = value.utcoffset()
    if offset is None:
        raise ValueError(f"{name} must be timezone-aware UTC, got a naive datetime")
    if offset != timedelta(0):
        raise ValueError(f"{name} must be UTC, got offset {offset}")
    return value


def parse_utc(value: object, name: str) -> datetime:
    """A UTC datetime from storage: a datetime, or an ISO 8601 string with its offset."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError as exc:
            raise ValueError(f"{name}: {value!r} is not an ISO 8601 datetime") from exc
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime or an ISO string, got {type(value).__name__}")
    return require_utc(value, name)
