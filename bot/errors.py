"""Errors whose message is written for the person who caused them.

Services raise `UserFacingError` for bad input or a state that forbids an action; the central error
handler shows its message (ephemeral) and logs nothing alarming. Anything else is a bug: the user
gets a short apology with a reference and the log gets the traceback.
"""

from __future__ import annotations


class UserFacingError(Exception):
    """Bad input or a forbidden action; `str(error)` is shown to the user as is."""
