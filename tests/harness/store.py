"""The fake Discord's own model of the world (what the *server* knows).

The bot's cache is only ever built from gateway payloads produced from this model;
REST answers are read from it and REST mutations update it (and, like Discord, echo
the matching gateway event back to the bot). Keeping the two apart is what makes
cache-vs-API mistakes in the bot visible in tests.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import discord

from . import payloads as p
from .payloads import JSON

ALL_PERMISSIONS = discord.Permissions.all().value
ADMINISTRATOR = discord.Permissions(administrator=True).value

#: What @everyone gets in a freshly created Discord server (a realistic subset).
DEFAULT_EVERYONE_PERMISSIONS = discord.Permissions(
    view_channel=True,
    create_instant_invite=True,
    change_nickname=True,
    send_messages=True,
    send_messages_in_threads=True,
    create_public_threads=True,
    create_private_threads=True,
    embed_links=True,
    attach_files=True,
    add_reactions=True,
    use_external_emojis=True,
    use_external_stickers=True,
    read_message_history=True,
    use_application_commands=True,
    connect=True,
    speak=True,
    stream=True,
    use_voice_activation=True,
).value

#: The permissions the harness gives the bot's managed role.
DEFAULT_BOT_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    send_messages_in_threads=True,
    create_public_threads=True,
    create_private_threads=True,
    manage_threads=True,
    manage_messages=True,
    manage_roles=True,
    manage_channels=True,
    embed_links=True,
    attach_files=True,
    add_reactions=True,
    read_message_history=True,
    use_application_commands=True,
    mention_everyone=False,
).value


# ---------------------------------------------------------------------------
# handles returned to tests
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class UserRef:
    id: int
    name: str
    bot: bool = False

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"


@dataclass(frozen=True)
class MemberRef:
    """A user *in a guild*. ``id`` is the user id, as for :class:`discord.Member`."""

    id: int
    name: str
    guild_id: int

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"

    @property
    def user(self) -> UserRef:
        return UserRef(self.id, self.name)


@dataclass(frozen=True)
class RoleRef:
    id: int
    name: str
    guild_id: int

    @property
    def mention(self) -> str:
        return f"<@&{self.id}>"


@dataclass(frozen=True)
class ChannelRef:
    id: int
    name: str
    type: int
    guild_id: int | None = None
    parent_id: int | None = None

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"

    @property
    def is_thread(self) -> bool:
        return self.type in p.THREAD_TYPES

    @property
    def is_dm(self) -> bool:
        return self.type == p.DM


@dataclass(frozen=True)
class GuildRef:
    id: int
    name: str


@dataclass
class StoredFile:
    filename: str
    data: bytes
    description: str | None = None
    spoiler: bool = False


@dataclass
class GuildRecord:
    base: JSON
    roles: dict[int, JSON] = field(default_factory=dict)
    members: dict[int, JSON] = field(default_factory=dict)
    channel_ids: list[int] = field(default_factory=list)


class NotFoundInStore(KeyError):
    pass


def ident(obj: Any) -> int:
    """Accept a handle, a discord.py model, a payload dict or a plain id."""
    if isinstance(obj, int):
        return obj
    if isinstance(obj, str):
        return int(obj)
    if isinstance(obj, Mapping):
        return int(obj["id"])
    value = getattr(obj, "id", None)
    if value is None:
        raise TypeError(f"cannot get an id from {obj!r}")
    return int(value)


class FakeDiscord:
    """Server-side state: users, guilds (roles, members, channels), threads, DMs, messages."""

    def __init__(self, snowflakes: p.Snowflakes) -> None:
        self.ids = snowflakes
        self.users: dict[int, JSON] = {}
        self.guilds: dict[int, GuildRecord] = {}
        self.channels: dict[int, JSON] = {}
        self.messages: dict[int, JSON] = {}
        self.channel_messages: dict[int, list[int]] = {}
        self.ephemeral_messages: set[int] = set()
        self.thread_members: dict[int, set[int]] = {}
        self.dm_by_user: dict[int, int] = {}
        self.files: dict[str, bytes] = {}  # attachment url -> bytes
        self.commands: dict[int | None, list[JSON]] = {}
        self.bot_user_id: int = 0

    # -- users / guilds ----------------------------------------------------

    def add_user(self, name: str, *, bot: bool = False, user_id: int | None = None) -> JSON:
        uid = user_id or self.ids.next()
        payload = p.user(uid, name, bot=bot)
        self.users[uid] = payload
        return payload

    def user(self, user_id: int) -> JSON:
        try:
            return self.users[user_id]
        except KeyError:
            raise NotFoundInStore(f"unknown user {user_id}") from None

    def add_guild(self, name: str, *, owner_id: int, everyone_permissions: int) -> GuildRecord:
        gid = self.ids.next()
        base = p.guild(gid, name, owner_id=owner_id, roles=[], for_gateway=False)
        record = GuildRecord(base=base)
        # @everyone has the guild's id
        record.roles[gid] = p.role(gid, "@everyone", permissions=everyone_permissions)
        self.guilds[gid] = record
        return record

    def guild(self, guild_id: int) -> GuildRecord:
        try:
            return self.guilds[guild_id]
        except KeyError:
            raise NotFoundInStore(f"unknown guild {guild_id}") from None

    def guild_payload(
        self, guild_id: int, *, for_gateway: bool, joined_at: str | None = None
    ) -> JSON:
        record = self.guild(guild_id)
        base = dict(record.base)
        base["roles"] = list(record.roles.values())
        if not for_gateway:
            return base
        channels = [
            self.channels[c]
            for c in record.channel_ids
            if self.channels[c]["type"] not in p.THREAD_TYPES
        ]
        threads = [
            self._thread_for_gateway(self.channels[c])
            for c in record.channel_ids
            if self.channels[c]["type"] in p.THREAD_TYPES
            and not self.channels[c]["thread_metadata"]["archived"]
            and (
                self.channels[c]["type"] == p.PUBLIC_THREAD
                or self.bot_user_id in self.thread_members.get(c, set())
            )
        ]
        members = list(record.members.values())
        return p.guild(
            guild_id,
            base["name"],
            owner_id=int(base["owner_id"]),
            roles=base["roles"],
            channels=channels,
            threads=threads,
            members=members,
            joined_at=joined_at,
            system_channel_id=int(base["system_channel_id"]) if base["system_channel_id"] else None,
            preferred_locale=base["preferred_locale"],
        )

    def add_role(self, guild_id: int, name: str, *, permissions: int = 0, **kwargs: Any) -> JSON:
        record = self.guild(guild_id)
        rid = self.ids.next()
        position = kwargs.pop("position", len(record.roles))
        payload = p.role(rid, name, permissions=permissions, position=position, **kwargs)
        record.roles[rid] = payload
        return payload

    def add_member(
        self, guild_id: int, user_id: int, *, roles: Iterable[int] = (), nick: str | None = None
    ) -> JSON:
        record = self.guild(guild_id)
        payload = p.member(self.user(user_id), roles=roles, nick=nick)
        record.members[user_id] = payload
        return payload

    def member(self, guild_id: int, user_id: int) -> JSON:
        try:
            return self.guild(guild_id).members[user_id]
        except KeyError:
            raise NotFoundInStore(f"unknown member {user_id} in guild {guild_id}") from None

    def member_for(
        self, guild_id: int, user_id: int, *, with_user: bool = True, channel_id: int | None = None
    ) -> JSON:
        """A member payload; with ``channel_id`` the interaction ``permissions`` are added."""
        data = dict(self.member(guild_id, user_id))
        if not with_user:
            data.pop("user", None)
        if channel_id is not None:
            data["permissions"] = str(self.permissions_in(channel_id, user_id))
        return data

    # -- channels ----------------------------------------------------------

    def add_channel(self, payload: JSON) -> JSON:
        cid = int(payload["id"])
        self.channels[cid] = payload
        self.channel_messages.setdefault(cid, [])
        gid = payload.get("guild_id")
        if gid is not None:
            self.guild(int(gid)).channel_ids.append(cid)
        return payload

    def channel(self, channel_id: int) -> JSON:
        try:
            return self.channels[channel_id]
        except KeyError:
            raise NotFoundInStore(f"unknown channel {channel_id}") from None

    def remove_channel(self, channel_id: int) -> JSON:
        payload = self.channels.pop(channel_id)
        gid = payload.get("guild_id")
        if gid is not None:
            ids = self.guild(int(gid)).channel_ids
            if channel_id in ids:
                ids.remove(channel_id)
        return payload

    def _thread_for_gateway(self, payload: JSON) -> JSON:
        data = dict(payload)
        tid = int(payload["id"])
        if self.bot_user_id in self.thread_members.get(tid, set()):
            data["member"] = p.thread_member(tid, self.bot_user_id)
        return data

    def thread_payload(self, thread_id: int) -> JSON:
        return self._thread_for_gateway(self.channel(thread_id))

    def dm_for(self, user_id: int) -> JSON:
        existing = self.dm_by_user.get(user_id)
        if existing is not None:
            return self.channels[existing]
        payload = p.dm_channel(self.ids.next(), self.user(user_id))
        self.add_channel(payload)
        self.dm_by_user[user_id] = int(payload["id"])
        return payload

    def guild_id_of(self, channel_id: int) -> int | None:
        gid = self.channel(channel_id).get("guild_id")
        return None if gid is None else int(gid)

    # -- permissions (docs/topics/permissions.md, "Permission Hierarchy") -----

    def base_permissions(self, guild_id: int, user_id: int) -> int:
        record = self.guild(guild_id)
        if int(record.base["owner_id"]) == user_id:
            return ALL_PERMISSIONS
        perms = int(record.roles[guild_id]["permissions"])
        member = record.members.get(user_id)
        if member is not None:
            for rid in member["roles"]:
                role = record.roles.get(int(rid))
                if role is not None:
                    perms |= int(role["permissions"])
        if perms & ADMINISTRATOR:
            return ALL_PERMISSIONS
        return perms

    def permissions_in(self, channel_id: int, user_id: int) -> int:
        channel = self.channel(channel_id)
        if channel.get("guild_id") is None:
            return discord.Permissions(
                view_channel=True,
                send_messages=True,
                read_message_history=True,
                embed_links=True,
                attach_files=True,
                add_reactions=True,
                use_external_emojis=True,
                mention_everyone=True,
                use_application_commands=True,
            ).value
        guild_id = int(channel["guild_id"])
        perms = self.base_permissions(guild_id, user_id)
        if perms == ALL_PERMISSIONS:
            return perms
        source = channel
        if channel["type"] in p.THREAD_TYPES:
            source = self.channel(int(channel["parent_id"]))
        overwrites = {int(o["id"]): o for o in source.get("permission_overwrites", [])}
        everyone = overwrites.get(guild_id)
        if everyone is not None:
            perms &= ~int(everyone["deny"])
            perms |= int(everyone["allow"])
        member = self.guild(guild_id).members.get(user_id)
        role_ids = [int(r) for r in member["roles"]] if member else []
        allow = deny = 0
        for rid in role_ids:
            ow = overwrites.get(rid)
            if ow is not None and ow["type"] == 0:
                allow |= int(ow["allow"])
                deny |= int(ow["deny"])
        perms &= ~deny
        perms |= allow
        own = overwrites.get(user_id)
        if own is not None and own["type"] == 1:
            perms &= ~int(own["deny"])
            perms |= int(own["allow"])
        return perms

    # -- messages ----------------------------------------------------------

    def store_message(self, payload: JSON, *, ephemeral: bool = False) -> JSON:
        mid = int(payload["id"])
        cid = int(payload["channel_id"])
        self.messages[mid] = payload
        ids = self.channel_messages.setdefault(cid, [])
        if mid not in ids:
            bisect.insort(ids, mid)
        if ephemeral:
            self.ephemeral_messages.add(mid)
        channel = self.channels.get(cid)
        if channel is not None and not ephemeral:
            channel["last_message_id"] = str(mid)
            if channel["type"] in p.THREAD_TYPES:
                channel["message_count"] = channel.get("message_count", 0) + 1
                channel["total_message_sent"] = channel.get("total_message_sent", 0) + 1
        return payload

    def message(self, message_id: int) -> JSON:
        try:
            return self.messages[message_id]
        except KeyError:
            raise NotFoundInStore(f"unknown message {message_id}") from None

    def delete_message(self, message_id: int) -> JSON:
        payload = self.messages.pop(message_id)
        ids = self.channel_messages.get(int(payload["channel_id"]), [])
        if message_id in ids:
            ids.remove(message_id)
        self.ephemeral_messages.discard(message_id)
        return payload

    def history(
        self,
        channel_id: int,
        *,
        limit: int = 50,
        before: int | None = None,
        after: int | None = None,
        around: int | None = None,
    ) -> list[JSON]:
        """``GET /channels/{id}/messages`` semantics: newest first; ephemeral excluded."""
        ids = [
            m for m in self.channel_messages.get(channel_id, []) if m not in self.ephemeral_messages
        ]
        if around is not None:
            idx = bisect.bisect_left(ids, around)
            half = limit // 2
            window = ids[max(0, idx - half) : idx + (limit - half)]
            return [self.messages[m] for m in reversed(window)]
        if before is not None:
            ids = [m for m in ids if m < before]
        if after is not None:
            ids = [m for m in ids if m > after]
            return [self.messages[m] for m in reversed(ids[:limit])]
        return [self.messages[m] for m in reversed(ids[-limit:])]
