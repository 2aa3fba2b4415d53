"""Where the objects named in custom_ids live, for the interaction guard (`bot.domain.scope`).

An object that does not exist has no scope (`None`): the guard refuses the click the same way,
so a forged id learns nothing about which ids exist.
"""

from __future__ import annotations

from bot.db.engine import Database
from bot.domain.scope import Scope

__all__ = ["ScopeService"]


class ScopeService:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def session(self, session_id: int) -> Scope | None:
        """A session's buttons (card, panel, proposals, votes, rounds, debrief) work in its
        server, in its plenary and its delegation and caucus threads."""
        async with self._db.transaction() as tx:
            found = await tx.scope.session(session_id)
        return None if found is None else Scope.of(found[0], found[1])

    async def race(self, race_id: int) -> Scope | None:
        async with self._db.transaction() as tx:
            found = await tx.scope.race(race_id)
        return None if found is None else Scope.of(found[0], [found[1]])

    async def run(self, run_id: int) -> Scope | None:
        """A solo quiz run is its student's, where they started it (a server, or DMs)."""
        async with self._db.transaction() as tx:
            found = await tx.scope.run(run_id)
        return None if found is None else Scope.of(found[1], user_id=found[0])
