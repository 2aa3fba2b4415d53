"""Gateway-shaped payloads and an offline connection, so benchmarks run discord.py's real parsers.

The shapes follow Discord's documentation (docs/resources/message.md, guild.md, channel.md,
user.md), like the test harness's payloads, but only as much as MESSAGE_CREATE and GUILD_CREATE
need. A client is "connected" offline by giving its state the bot user and feeding one
GUILD_CREATE per class server through `parse_guild_create` (with every member, so no chunking).
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import discord

JSON = dict[str, Any]

DISCORD_EPOCH_MS = 1_420_070_400_000
GUILD_TEXT, PRIVATE_THREAD = 0, 12
ACTORS = ("usa", "dprk", "rok", "japan", "china", "russia")
SAMPLE_TEXT = (
    "we propose a liaison office in Pyongyang and Washington before any sanctions relief "
    "Yongbyon dismantlement verification inspectors the summit ended with no agreement Japan "
    "insists on the abductees China wants stability Russia offers a pipeline Seoul hopes for "
    "the Kaesong complex walking away can be a victory for process denuclearisation steps"
)
WORDS = tuple(SAMPLE_TEXT.split())


class Snowflakes:
    """Increasing Discord ids with realistic timestamps."""

    def __init__(self) -> None:
        self._counter = itertools.count()

    def next(self) -> int:
        ms = int(datetime.now(UTC).timestamp() * 1000) - DISCORD_EPOCH_MS
        return (ms << 22) | (next(self._counter) & 0x3FFFFF)


def iso_from_snowflake(snowflake: int) -> str:
    ms = (snowflake >> 22) + DISCORD_EPOCH_MS
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat()


def user(user_id: int, name: str, *, bot: bool = False) -> JSON:
    data: JSON = {
        "id": str(user_id),
        "username": name,
        "discriminator": "0",
        "global_name": name,
        "avatar": None,
        "public_flags": 0,
        "flags": 0,
    }
    if bot:
        data["bot"] = True
    return data


def member(user_payload: JSON | None, roles: list[int], joined_at: str) -> JSON:
    data: JSON = {
        "nick": None,
        "avatar": None,
        "roles": [str(r) for r in roles],
        "joined_at": joined_at,
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "flags": 0,
        "pending": False,
        "communication_disabled_until": None,
    }
    if user_payload is not None:
        data["user"] = user_payload
    return data


def role(role_id: int, name: str, permissions: int, position: int) -> JSON:
    return {
        "id": str(role_id),
        "name": name,
        "color": 0,
        "hoist": False,
        "icon": None,
        "unicode_emoji": None,
        "position": position,
        "permissions": str(permissions),
        "managed": False,
        "mentionable": False,
        "flags": 0,
    }


def text_channel(channel_id: int, guild_id: int, name: str, position: int) -> JSON:
    return {
        "id": str(channel_id),
        "type": GUILD_TEXT,
        "guild_id": str(guild_id),
        "name": name,
        "position": position,
        "permission_overwrites": [],
        "topic": None,
        "nsfw": False,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "parent_id": None,
        "flags": 0,
    }


def private_thread(
    thread_id: int, guild_id: int, parent_id: int, name: str, owner_id: int, bot_id: int
) -> JSON:
    created = iso_from_snowflake(thread_id)
    return {
        "id": str(thread_id),
        "type": PRIVATE_THREAD,
        "guild_id": str(guild_id),
        "parent_id": str(parent_id),
        "owner_id": str(owner_id),
        "name": name,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "message_count": 0,
        "member_count": 5,
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": 1440,
            "archive_timestamp": created,
            "locked": False,
            "invitable": False,
            "create_timestamp": created,
        },
        "member": {
            "id": str(thread_id),
            "user_id": str(bot_id),
            "join_timestamp": created,
            "flags": 0,
        },
        "flags": 0,
    }


def message_create(
    message_id: int, channel_id: int, guild_id: int, author: JSON, roles: list[int], content: str
) -> JSON:
    """MESSAGE_CREATE for a guild message (author plus partial member, as the gateway sends)."""
    return {
        "id": str(message_id),
        "channel_id": str(channel_id),
        "guild_id": str(guild_id),
        "author": author,
        "member": member(None, roles, iso_from_snowflake(message_id)),
        "content": content,
        "timestamp": iso_from_snowflake(message_id),
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "components": [],
        "pinned": False,
        "type": 0,
        "flags": 0,
        "nonce": str(message_id),
    }


@dataclass
class ClassServer:
    """One class: a server with a plenary, a private thread per delegation, and students."""

    guild_id: int
    plenary_id: int
    hallway_id: int
    threads: dict[str, int]  # actor -> thread id
    facilitator: JSON
    facilitator_role: int
    students: list[tuple[JSON, str]] = field(default_factory=list)  # (user, actor)
    payload: JSON = field(default_factory=dict)

    def channels(self) -> list[tuple[int, str, str | None]]:
        """(channel id, kind, actor) of every channel the session records."""
        return [(self.plenary_id, "plenary", None)] + [
            (tid, "delegation", actor) for actor, tid in self.threads.items()
        ]


def class_server(ids: Snowflakes, bot_user: JSON, *, students: int, index: int) -> ClassServer:
    guild_id = ids.next()
    plenary, hallway = ids.next(), ids.next()
    facilitator_role = ids.next()
    joined = iso_from_snowflake(guild_id)
    everyone = role(guild_id, "@everyone", 0x6_7FFF_FE41, 0)  # a typical default set
    teachers = role(facilitator_role, "Facilitator", 0x20 | 0x400_0000_0000, 1)
    facilitator = user(ids.next(), f"teacher{index}")
    pupils = [
        (user(ids.next(), f"student{index}-{i}"), ACTORS[i % len(ACTORS)]) for i in range(students)
    ]
    threads = {actor: ids.next() for actor in ACTORS}
    members = [member(bot_user, [], joined), member(facilitator, [facilitator_role], joined)]
    members += [member(u, [], joined) for u, _ in pupils]
    channels = [
        text_channel(plenary, guild_id, "plenary", 0),
        text_channel(hallway, guild_id, "hallway", 1),
    ]
    bot_id = int(bot_user["id"])
    thread_payloads = [
        private_thread(tid, guild_id, plenary, f"{actor} delegation", bot_id, bot_id)
        for actor, tid in threads.items()
    ]
    payload: JSON = {
        "id": str(guild_id),
        "name": f"Class {index}",
        "icon": None,
        "owner_id": facilitator["id"],
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 1,
        "default_message_notifications": 1,
        "explicit_content_filter": 2,
        "roles": [everyone, teachers],
        "emojis": [],
        "stickers": [],
        "features": [],
        "mfa_level": 0,
        "system_channel_id": None,
        "system_channel_flags": 0,
        "premium_tier": 0,
        "preferred_locale": "en-US",
        "nsfw_level": 0,
        "joined_at": joined,
        "large": False,
        "unavailable": False,
        "member_count": len(members),
        "voice_states": [],
        "members": members,
        "channels": channels,
        "threads": thread_payloads,
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
    }
    return ClassServer(
        guild_id, plenary, hallway, threads, facilitator, facilitator_role, pupils, payload
    )


def sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 40))).capitalize() + "."


def class_messages(
    ids: Snowflakes, servers: list[ClassServer], count: int, *, seed: int = 5
) -> list[JSON]:
    """`count` MESSAGE_CREATE payloads spread over the classes: students speak in the plenary
    and in their own delegation's thread, the facilitator now and then in the plenary."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        server = servers[i % len(servers)]
        if rng.random() < 0.05:
            author, channel = server.facilitator, server.plenary_id
            roles = [server.facilitator_role]
        else:
            author, actor = rng.choice(server.students)
            roles = []
            channel = server.plenary_id if rng.random() < 0.5 else server.threads[actor]
        out.append(
            message_create(ids.next(), channel, server.guild_id, author, roles, sentence(rng))
        )
    return out


async def connect_offline(client: discord.Client, bot_user: JSON, guilds: list[JSON]) -> None:
    """Give the client its user and its guilds through the real GUILD_CREATE parser; no
    websocket, no token, no HTTP. (`client._async_setup_hook()` must have run.)"""
    state: Any = client._connection
    state.user = discord.ClientUser(state=state, data=bot_user)  # type: ignore[arg-type]
    if isinstance(client, discord.AutoShardedClient) and not state.shard_ids:
        client.shard_count = state.shard_count = 1
        state.shard_ids = [0]
    for payload in guilds:
        state.parse_guild_create(payload)
