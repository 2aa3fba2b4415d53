"""Where an object a button acts on lives, and whether an interaction may act on it.

A button's custom_id names an object by id (a session, a proposal, a vote, a quiz run or race,
a debrief); a forged interaction can carry any id. Every component and modal therefore compares
the object's `Scope` with where the interaction happened before doing anything (see the shared
guard in the Discord helpers). Pure: no Discord, no database.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

__all__ = ["REFUSAL", "Scope", "Where"]

REFUSAL = "That button belongs to another class: it does nothing here."


@dataclass(frozen=True)
class Where:
    """Where an interaction happened: server (None in DMs), channel, the channel's parent (a
    thread's channel), and who clicked."""

    guild_id: int | None
    channel_id: int | None
    parent_id: int | None
    user_id: int


@dataclass(frozen=True)
class Scope:
    """Where an object may be acted on.

    ``guild_id``: its server (None: only in direct messages). ``channel_ids``: the channels and
    threads it lives in (empty: any channel of that server); a thread counts by its parent too.
    ``user_id``: only this person may act on it (a student's own quiz run). ``public``: not
    tied to any class (the public background): admitted everywhere.
    """

    guild_id: int | None
    channel_ids: frozenset[int] = field(default_factory=frozenset)
    user_id: int | None = None
    public: bool = False  # public teaching material (the background): usable anywhere

    @classmethod
    def anywhere(cls) -> Scope:
        return cls(None, public=True)

    @classmethod
    def of(
        cls, guild_id: int | None, channels: Collection[int] = (), user_id: int | None = None
    ) -> Scope:
        return cls(guild_id, frozenset(int(c) for c in channels), user_id)

    def admits(self, where: Where) -> bool:
        if self.public:
            return True
        if where.guild_id != self.guild_id:
            return False
        if self.user_id is not None and where.user_id != self.user_id:
            return False
        if not self.channel_ids:
            return True
        return bool({where.channel_id, where.parent_id} & self.channel_ids - {None})
