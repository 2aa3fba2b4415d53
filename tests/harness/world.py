"""Ready-made worlds for tests."""

from __future__ import annotations

from dataclasses import dataclass, field

import discord

from .driver import WireHarness
from .store import ChannelRef, GuildRef, MemberRef, RoleRef


@dataclass
class Classroom:
    """Guild "Classroom": #plenary, a facilitator (Manage Server via a role), students."""

    guild: GuildRef
    plenary: ChannelRef
    facilitator: MemberRef
    facilitator_role: RoleRef
    students: list[MemberRef] = field(default_factory=list)
    owner: MemberRef | None = None

    @property
    def everyone(self) -> RoleRef:
        return RoleRef(self.guild.id, "@everyone", self.guild.id)


def classroom(h: WireHarness, *, students: int = 3, name: str = "Classroom") -> Classroom:
    """Build the standard classroom on ``h`` (before or after ``start()``).

    The guild owner is a separate user, so the facilitator's powers come only from the
    "Facilitator" role (Manage Server + Manage Threads + Manage Messages) and permission
    bugs are not masked by ownership.
    """
    owner = h.add_user("principal")
    guild = h.add_guild(name, owner=owner)
    role = h.add_role(
        guild,
        "Facilitator",
        permissions=discord.Permissions(
            manage_guild=True, manage_threads=True, manage_messages=True
        ),
        mentionable=False,
    )
    plenary = h.add_text_channel(guild, "plenary", topic="Where the whole class meets")
    facilitator = h.add_member(guild, "facilitator", roles=[role])
    pupils = [h.add_member(guild, f"student{i + 1}") for i in range(students)]
    world = Classroom(
        guild, plenary, facilitator, role, pupils, MemberRef(owner.id, owner.name, guild.id)
    )
    h.world = world
    h.default_channel = plenary
    return world
