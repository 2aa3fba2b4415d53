"""Discord-shaped payload factories.

Every function here returns a plain ``dict`` shaped like what Discord sends over the
gateway (or answers over REST), following the Discord API documentation
(``docs/resources/*.md``, ``docs/events/gateway-events.md`` and
``docs/interactions/receiving-and-responding.mdx`` in discord-api-docs) and the
TypedDicts in ``discord/types/*.py`` of discord.py 2.7:

* ids are snowflake *strings*; timestamps are ISO-8601 with ``+00:00``;
* guild members carry ``user``, ``roles`` (ids), ``joined_at``, ``deaf``, ``mute``,
  ``flags``, ``pending`` ...; interaction members additionally carry the resolved
  ``permissions`` string;
* messages carry ``author``, ``mentions``, ``mention_roles``, ``attachments``,
  ``embeds``, ``components``, ``type``, ``flags``, ``pinned``, ``tts`` ...; a
  MESSAGE_CREATE/MESSAGE_UPDATE in a guild adds ``guild_id`` and a partial ``member``
  (no ``user``);
* reactions use the current shape with ``type`` (0 normal, 1 burst), ``burst``,
  ``burst_colors`` and ``message_author_id``;
* interactions carry ``app_permissions``, ``entitlements``,
  ``authorizing_integration_owners``, ``context``, ``locale``, ``guild_locale``,
  ``version: 1``, ``token``, ``application_id``, ``attachment_size_limit`` and a
  partial ``channel`` object.

The factories are deliberately dumb: they do not validate. Validation against what
Discord would really send lives in :mod:`tests.harness.driver`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

JSON = dict[str, Any]

DISCORD_EPOCH_MS = 1420070400000

# Channel types (docs/resources/channel.md, "Channel Types").
GUILD_TEXT = 0
DM = 1
GUILD_CATEGORY = 4
PUBLIC_THREAD = 11
PRIVATE_THREAD = 12
THREAD_TYPES = (10, PUBLIC_THREAD, PRIVATE_THREAD)

# Interaction types.
APPLICATION_COMMAND = 2
MESSAGE_COMPONENT = 3
AUTOCOMPLETE = 4
MODAL_SUBMIT = 5

# Interaction context types.
CONTEXT_GUILD = 0
CONTEXT_BOT_DM = 1

# Message flags used by the harness.
FLAG_EPHEMERAL = 1 << 6
FLAG_LOADING = 1 << 7

DEFAULT_ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024


# ---------------------------------------------------------------------------
# snowflakes and time
# ---------------------------------------------------------------------------


class Snowflakes:
    """Snowflake generator: a real timestamp part plus a counter.

    The timestamp part is the wall clock (milliseconds since the Discord epoch) but
    never goes backwards, so ids are strictly increasing and
    :func:`discord.utils.snowflake_time` gives a realistic creation time. The
    increment bits come from a counter.
    """

    def __init__(self, *, worker_id: int = 1, process_id: int = 0) -> None:
        self._counter = itertools.count()
        self._last_ms = 0
        self._worker = worker_id & 0x1F
        self._process = process_id & 0x1F

    def next(self) -> int:
        now_ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        self._last_ms = max(now_ms, self._last_ms + 1)
        increment = next(self._counter) & 0xFFF
        return (self._last_ms << 22) | (self._worker << 17) | (self._process << 12) | increment

    def next_str(self) -> str:
        return str(self.next())


def snowflake_time(snowflake: int | str) -> dt.datetime:
    ms = (int(snowflake) >> 22) + DISCORD_EPOCH_MS
    return dt.datetime.fromtimestamp(ms / 1000, tz=dt.UTC)


def iso(moment: dt.datetime) -> str:
    """Discord's timestamp format, e.g. ``2017-03-13T19:19:14.040000+00:00``."""
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def iso_from_snowflake(snowflake: int | str) -> str:
    return iso(snowflake_time(snowflake))


def now_iso() -> str:
    return iso(dt.datetime.now(dt.UTC))


def sid(value: int | str | None) -> str | None:
    """Snowflake to its string form (``None`` stays ``None``)."""
    return None if value is None else str(int(value))


# ---------------------------------------------------------------------------
# users, roles, members
# ---------------------------------------------------------------------------


def user(
    user_id: int,
    username: str,
    *,
    global_name: str | None = None,
    bot: bool = False,
    avatar: str | None = None,
) -> JSON:
    """A user object (docs/resources/user.md)."""
    data: JSON = {
        "id": str(user_id),
        "username": username,
        "discriminator": "0",
        "global_name": global_name if global_name is not None else username,
        "avatar": avatar,
        "banner": None,
        "accent_color": None,
        "avatar_decoration_data": None,
        "public_flags": 0,
        "flags": 0,
    }
    if bot:
        data["bot"] = True
    return data


def role(
    role_id: int,
    name: str,
    *,
    permissions: int = 0,
    position: int = 0,
    color: int = 0,
    hoist: bool = False,
    mentionable: bool = False,
    managed: bool = False,
    bot_id: int | None = None,
) -> JSON:
    """A role object (docs/topics/permissions.md, "Role Object")."""
    data: JSON = {
        "id": str(role_id),
        "name": name,
        "color": color,
        "colors": {"primary_color": color, "secondary_color": None, "tertiary_color": None},
        "hoist": hoist,
        "icon": None,
        "unicode_emoji": None,
        "position": position,
        "permissions": str(permissions),
        "managed": managed,
        "mentionable": mentionable,
        "flags": 0,
    }
    if bot_id is not None:
        data["tags"] = {"bot_id": str(bot_id)}
    return data


def member(
    user_payload: JSON,
    *,
    roles: Iterable[int] = (),
    joined_at: str | None = None,
    nick: str | None = None,
    permissions: int | None = None,
    with_user: bool = True,
) -> JSON:
    """A guild member object (docs/resources/guild.md, "Guild Member Object").

    ``with_user=False`` gives the partial member attached to MESSAGE_CREATE;
    ``permissions`` is only present on interaction members / resolved members.
    """
    data: JSON = {
        "nick": nick,
        "avatar": None,
        "banner": None,
        "roles": [str(r) for r in roles],
        "joined_at": joined_at or now_iso(),
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "flags": 0,
        "pending": False,
        "communication_disabled_until": None,
    }
    if with_user:
        data["user"] = user_payload
    if permissions is not None:
        data["permissions"] = str(permissions)
    return data


# ---------------------------------------------------------------------------
# channels
# ---------------------------------------------------------------------------


def overwrite(target_id: int, *, kind: int, allow: int = 0, deny: int = 0) -> JSON:
    """A permission overwrite; ``kind`` 0 = role, 1 = member."""
    return {"id": str(target_id), "type": kind, "allow": str(allow), "deny": str(deny)}


def text_channel(
    channel_id: int,
    guild_id: int,
    name: str,
    *,
    position: int = 0,
    topic: str | None = None,
    parent_id: int | None = None,
    overwrites: Sequence[JSON] = (),
    nsfw: bool = False,
    kind: int = GUILD_TEXT,
) -> JSON:
    """A guild text channel (or category with ``kind=4``) (docs/resources/channel.md)."""
    data: JSON = {
        "id": str(channel_id),
        "type": kind,
        "guild_id": str(guild_id),
        "name": name,
        "position": position,
        "permission_overwrites": list(overwrites),
        "flags": 0,
    }
    if kind != GUILD_CATEGORY:
        data.update(
            {
                "topic": topic,
                "nsfw": nsfw,
                "last_message_id": None,
                "last_pin_timestamp": None,
                "rate_limit_per_user": 0,
                "parent_id": sid(parent_id),
                "default_auto_archive_duration": 1440,
                "default_thread_rate_limit_per_user": 0,
            }
        )
    else:
        data["parent_id"] = None
    return data


def thread(
    thread_id: int,
    guild_id: int,
    parent_id: int,
    name: str,
    *,
    owner_id: int,
    private: bool = False,
    archived: bool = False,
    locked: bool = False,
    auto_archive_duration: int = 1440,
    invitable: bool = True,
    bot_member_id: int | None = None,
) -> JSON:
    """A thread channel (docs/resources/channel.md, "Thread-specific fields").

    ``bot_member_id`` adds the ``member`` (thread member object) field that Discord
    includes when the current user has joined the thread.
    """
    created = iso_from_snowflake(thread_id)
    metadata: JSON = {
        "archived": archived,
        "auto_archive_duration": auto_archive_duration,
        "archive_timestamp": created,
        "locked": locked,
        "create_timestamp": created,
    }
    if private:
        metadata["invitable"] = invitable
    data: JSON = {
        "id": str(thread_id),
        "type": PRIVATE_THREAD if private else PUBLIC_THREAD,
        "guild_id": str(guild_id),
        "parent_id": str(parent_id),
        "owner_id": str(owner_id),
        "name": name,
        "last_message_id": None,
        "last_pin_timestamp": None,
        "rate_limit_per_user": 0,
        "message_count": 0,
        "member_count": 1,
        "total_message_sent": 0,
        "thread_metadata": metadata,
        "flags": 0,
        "applied_tags": [],
    }
    if bot_member_id is not None:
        data["member"] = thread_member(thread_id, bot_member_id)
    return data


def thread_member(thread_id: int, user_id: int) -> JSON:
    return {
        "id": str(thread_id),
        "user_id": str(user_id),
        "join_timestamp": now_iso(),
        "flags": 0,
    }


def dm_channel(channel_id: int, recipient: JSON) -> JSON:
    """A DM channel (type 1) with one recipient."""
    return {
        "id": str(channel_id),
        "type": DM,
        "last_message_id": None,
        "recipients": [recipient],
        "flags": 0,
    }


def partial_channel(channel: JSON, *, permissions: int | None = None) -> JSON:
    """The partial channel Discord puts in ``interaction.channel`` / resolved channels."""
    keys = (
        "id",
        "type",
        "guild_id",
        "name",
        "topic",
        "nsfw",
        "position",
        "parent_id",
        "last_message_id",
        "last_pin_timestamp",
        "rate_limit_per_user",
        "flags",
        "thread_metadata",
        "recipients",
        "owner_id",
        "member_count",
        "message_count",
        "total_message_sent",
    )
    data = {k: channel[k] for k in keys if k in channel}
    if permissions is not None:
        data["permissions"] = str(permissions)
    return data


# ---------------------------------------------------------------------------
# guilds, ready
# ---------------------------------------------------------------------------


def guild(
    guild_id: int,
    name: str,
    *,
    owner_id: int,
    roles: Sequence[JSON],
    channels: Sequence[JSON] = (),
    threads: Sequence[JSON] = (),
    members: Sequence[JSON] = (),
    joined_at: str | None = None,
    system_channel_id: int | None = None,
    preferred_locale: str = "en-US",
    for_gateway: bool = True,
) -> JSON:
    """A guild object; with ``for_gateway`` the GUILD_CREATE extra fields are added."""
    data: JSON = {
        "id": str(guild_id),
        "name": name,
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "banner": None,
        "description": None,
        "owner_id": str(owner_id),
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 1,
        "default_message_notifications": 1,
        "explicit_content_filter": 2,
        "roles": list(roles),
        "emojis": [],
        "stickers": [],
        "features": [],
        "mfa_level": 0,
        "application_id": None,
        "system_channel_id": sid(system_channel_id),
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "public_updates_channel_id": None,
        "safety_alerts_channel_id": None,
        "max_presences": None,
        "max_members": 500000,
        "vanity_url_code": None,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": preferred_locale,
        "max_video_channel_users": 25,
        "max_stage_video_channel_users": 50,
        "nsfw_level": 0,
        "premium_progress_bar_enabled": False,
    }
    if for_gateway:
        data.update(
            {
                "joined_at": joined_at or now_iso(),
                "large": False,
                "unavailable": False,
                "member_count": len(members),
                "voice_states": [],
                "members": list(members),
                "channels": list(channels),
                "threads": list(threads),
                "presences": [],
                "stage_instances": [],
                "guild_scheduled_events": [],
                "soundboard_sounds": [],
            }
        )
    return data


def application(app_id: int, bot_user: JSON, *, name: str | None = None) -> JSON:
    """The application object answered by ``GET /oauth2/applications/@me``."""
    return {
        "id": str(app_id),
        "name": name or bot_user["username"],
        "icon": None,
        "description": "",
        "rpc_origins": [],
        "bot_public": False,
        "bot_require_code_grant": False,
        "bot": bot_user,
        "terms_of_service_url": None,
        "privacy_policy_url": None,
        "owner": user(int(app_id) + 1, "teacher"),
        "verify_key": "0" * 64,
        "team": None,
        "guild_id": None,
        "primary_sku_id": None,
        "slug": None,
        "cover_image": None,
        "flags": 1 << 23,  # GATEWAY_MESSAGE_CONTENT_LIMITED
        "approximate_guild_count": 1,
        "redirect_uris": [],
        "interactions_endpoint_url": None,
        "role_connections_verification_url": None,
        "tags": [],
        "install_params": None,
        "integration_types_config": {"0": {}},
        "custom_install_url": None,
    }


def ready(bot_user: JSON, app_id: int, guild_ids: Iterable[int], *, session_id: str) -> JSON:
    """The READY dispatch (docs/events/gateway-events.md, "Ready"): guilds unavailable."""
    return {
        "v": 10,
        "user": {**bot_user, "verified": True, "mfa_enabled": False, "email": None},
        "guilds": [{"id": str(g), "unavailable": True} for g in guild_ids],
        "session_id": session_id,
        "resume_gateway_url": "wss://gateway.invalid",
        "shard": [0, 1],
        "application": {"id": str(app_id), "flags": 1 << 23},
        "private_channels": [],
        "relationships": [],
        "presences": [],
        "guild_join_requests": [],
        "geo_ordered_rtc_regions": [],
        "user_settings": {},
    }


# ---------------------------------------------------------------------------
# messages
# ---------------------------------------------------------------------------

_USER_MENTION = re.compile(r"<@!?(\d{15,21})>")
_ROLE_MENTION = re.compile(r"<@&(\d{15,21})>")
_CHANNEL_MENTION = re.compile(r"<#(\d{15,21})>")


def mentioned_user_ids(content: str) -> list[int]:
    return list(dict.fromkeys(int(m) for m in _USER_MENTION.findall(content or "")))


def mentioned_role_ids(content: str) -> list[int]:
    return list(dict.fromkeys(int(m) for m in _ROLE_MENTION.findall(content or "")))


def mentioned_channel_ids(content: str) -> list[int]:
    return list(dict.fromkeys(int(m) for m in _CHANNEL_MENTION.findall(content or "")))


def attachment(
    attachment_id: int,
    filename: str,
    *,
    size: int = 0,
    content_type: str | None = None,
    description: str | None = None,
    channel_id: int | None = None,
) -> JSON:
    """An attachment object (docs/resources/message.md, "Attachment Object")."""
    url = f"https://cdn.discordapp.com/attachments/{channel_id or 0}/{attachment_id}/{filename}"
    data: JSON = {
        "id": str(attachment_id),
        "filename": filename,
        "size": size,
        "url": url,
        "proxy_url": url.replace("cdn.discordapp.com", "media.discordapp.net"),
        "content_type": content_type or _guess_content_type(filename),
        "flags": 0,
    }
    if description is not None:
        data["description"] = description
    return data


def _guess_content_type(filename: str) -> str:
    lowered = filename.lower()
    for ext, kind in (
        (".txt", "text/plain; charset=utf-8"),
        (".md", "text/markdown; charset=utf-8"),
        (".json", "application/json; charset=utf-8"),
        (".csv", "text/csv; charset=utf-8"),
        (".png", "image/png"),
        (".jpg", "image/jpeg"),
        (".pdf", "application/pdf"),
        (".yaml", "application/x-yaml"),
        (".yml", "application/x-yaml"),
    ):
        if lowered.endswith(ext):
            return kind
    return "application/octet-stream"


def message(
    message_id: int,
    channel_id: int,
    author: JSON,
    content: str = "",
    *,
    guild_id: int | None = None,
    author_member: JSON | None = None,
    mentions: Sequence[JSON] = (),
    mention_roles: Iterable[int] = (),
    mention_everyone: bool = False,
    embeds: Sequence[JSON] = (),
    attachments: Sequence[JSON] = (),
    components: Sequence[JSON] = (),
    flags: int = 0,
    message_type: int = 0,
    tts: bool = False,
    pinned: bool = False,
    nonce: str | None = None,
    webhook_id: int | None = None,
    application_id: int | None = None,
    message_reference: JSON | None = None,
    referenced_message: JSON | None = None,
    interaction_metadata: JSON | None = None,
    edited_timestamp: str | None = None,
    thread: JSON | None = None,
) -> JSON:
    """A message object, as in MESSAGE_CREATE (docs/resources/message.md).

    ``mentions`` are user objects with an optional partial ``member`` field (the
    gateway shape); ``author_member`` is the partial member (without ``user``) that
    MESSAGE_CREATE carries for guild messages.
    """
    data: JSON = {
        "id": str(message_id),
        "channel_id": str(channel_id),
        "author": author,
        "content": content,
        "timestamp": iso_from_snowflake(message_id),
        "edited_timestamp": edited_timestamp,
        "tts": tts,
        "mention_everyone": mention_everyone,
        "mentions": list(mentions),
        "mention_roles": [str(r) for r in mention_roles],
        "attachments": list(attachments),
        "embeds": list(embeds),
        "components": list(components),
        "reactions": [],
        "pinned": pinned,
        "type": message_type,
        "flags": flags,
    }
    if guild_id is not None:
        data["guild_id"] = str(guild_id)
    if author_member is not None:
        data["member"] = author_member
    if nonce is not None:
        data["nonce"] = nonce
    if webhook_id is not None:
        data["webhook_id"] = str(webhook_id)
    if application_id is not None:
        data["application_id"] = str(application_id)
    if message_reference is not None:
        data["message_reference"] = message_reference
        data["referenced_message"] = referenced_message
    if interaction_metadata is not None:
        data["interaction_metadata"] = interaction_metadata
    if thread is not None:
        data["thread"] = thread
    return data


def message_delete(message_id: int, channel_id: int, guild_id: int | None = None) -> JSON:
    """MESSAGE_DELETE."""
    data: JSON = {"id": str(message_id), "channel_id": str(channel_id)}
    if guild_id is not None:
        data["guild_id"] = str(guild_id)
    return data


def message_delete_bulk(ids: Iterable[int], channel_id: int, guild_id: int | None = None) -> JSON:
    """MESSAGE_DELETE_BULK."""
    data: JSON = {"ids": [str(i) for i in ids], "channel_id": str(channel_id)}
    if guild_id is not None:
        data["guild_id"] = str(guild_id)
    return data


def partial_emoji(emoji: str | Mapping[str, Any]) -> JSON:
    """``"👍"`` -> unicode emoji; ``{"id":..., "name":..., "animated":...}`` -> custom."""
    if isinstance(emoji, str):
        custom = re.fullmatch(r"<(a?):(\w+):(\d+)>", emoji)
        if custom:
            return {
                "id": custom.group(3),
                "name": custom.group(2),
                "animated": bool(custom.group(1)),
            }
        return {"id": None, "name": emoji}
    return {
        "id": sid(emoji.get("id")),
        "name": emoji.get("name"),
        "animated": emoji.get("animated", False),
    }


def reaction_add(
    *,
    user_id: int,
    channel_id: int,
    message_id: int,
    emoji: str | Mapping[str, Any],
    guild_id: int | None = None,
    member_payload: JSON | None = None,
    message_author_id: int | None = None,
    burst: bool = False,
) -> JSON:
    """MESSAGE_REACTION_ADD (docs/events/gateway-events.md, "Message Reaction Add")."""
    data: JSON = {
        "user_id": str(user_id),
        "channel_id": str(channel_id),
        "message_id": str(message_id),
        "emoji": partial_emoji(emoji),
        "burst": burst,
        "burst_colors": ["#ff0000"] if burst else [],
        "type": 1 if burst else 0,
    }
    if guild_id is not None:
        data["guild_id"] = str(guild_id)
        if member_payload is not None:
            data["member"] = member_payload
    if message_author_id is not None:
        data["message_author_id"] = str(message_author_id)
    return data


def reaction_remove(
    *,
    user_id: int,
    channel_id: int,
    message_id: int,
    emoji: str | Mapping[str, Any],
    guild_id: int | None = None,
    burst: bool = False,
) -> JSON:
    """MESSAGE_REACTION_REMOVE."""
    data: JSON = {
        "user_id": str(user_id),
        "channel_id": str(channel_id),
        "message_id": str(message_id),
        "emoji": partial_emoji(emoji),
        "burst": burst,
        "type": 1 if burst else 0,
    }
    if guild_id is not None:
        data["guild_id"] = str(guild_id)
    return data


def thread_create(thread_payload: JSON, *, newly_created: bool = True) -> JSON:
    """THREAD_CREATE: the thread plus ``newly_created`` (and ``member`` if joined)."""
    data = dict(thread_payload)
    if newly_created:
        data["newly_created"] = True
    return data


# ---------------------------------------------------------------------------
# interactions
# ---------------------------------------------------------------------------


def interaction(
    interaction_id: int,
    *,
    kind: int,
    application_id: int,
    token: str,
    data: JSON | None,
    channel: JSON,
    invoker: JSON,
    invoker_member: JSON | None = None,
    guild_id: int | None = None,
    guild_locale: str = "en-US",
    guild_features: Sequence[str] = (),
    locale: str = "en-US",
    app_permissions: int = 0,
    message_payload: JSON | None = None,
) -> JSON:
    """INTERACTION_CREATE (docs/interactions/receiving-and-responding.mdx).

    In a guild ``member`` (with ``user`` and ``permissions``) is sent; in a DM ``user``.
    """
    payload: JSON = {
        "id": str(interaction_id),
        "application_id": str(application_id),
        "type": kind,
        "token": token,
        "version": 1,
        "channel": channel,
        "channel_id": channel["id"],
        "app_permissions": str(app_permissions),
        "locale": locale,
        "entitlements": [],
        "attachment_size_limit": DEFAULT_ATTACHMENT_SIZE_LIMIT,
    }
    if data is not None:
        payload["data"] = data
    if guild_id is not None:
        payload["guild_id"] = str(guild_id)
        payload["guild"] = {
            "id": str(guild_id),
            "locale": guild_locale,
            "features": list(guild_features),
        }
        payload["guild_locale"] = guild_locale
        payload["member"] = invoker_member
        payload["authorizing_integration_owners"] = {"0": str(guild_id)}
        payload["context"] = CONTEXT_GUILD
    else:
        payload["user"] = invoker
        payload["authorizing_integration_owners"] = {"0": "0"}
        payload["context"] = CONTEXT_BOT_DM
    if message_payload is not None:
        payload["message"] = message_payload
    return payload


def command_data(
    command_id: int,
    name: str,
    *,
    options: Sequence[JSON] = (),
    resolved: JSON | None = None,
    guild_id: int | None = None,
    command_type: int = 1,
    target_id: int | None = None,
) -> JSON:
    """Application command interaction data (type 2 and, with a focused option, 4)."""
    data: JSON = {"id": str(command_id), "name": name, "type": command_type}
    if options:
        data["options"] = list(options)
    if resolved:
        data["resolved"] = resolved
    if guild_id is not None:
        data["guild_id"] = str(guild_id)
    if target_id is not None:
        data["target_id"] = str(target_id)
    return data


def option(name: str, option_type: int, value: Any, *, focused: bool = False) -> JSON:
    data: JSON = {"name": name, "type": option_type, "value": value}
    if focused:
        data["focused"] = True
    return data


def subcommand(name: str, options: Sequence[JSON] = (), *, group: bool = False) -> JSON:
    """A SUB_COMMAND (type 1) or SUB_COMMAND_GROUP (type 2) option."""
    return {"name": name, "type": 2 if group else 1, "options": list(options)}


def component_data(
    custom_id: str,
    component_type: int,
    *,
    values: Sequence[str] | None = None,
    resolved: JSON | None = None,
) -> JSON:
    """Message component interaction data (type 3)."""
    data: JSON = {"custom_id": custom_id, "component_type": component_type}
    if values is not None:
        data["values"] = list(values)
    if resolved:
        data["resolved"] = resolved
    return data


def modal_submit_data(
    custom_id: str, components: Sequence[JSON], *, resolved: JSON | None = None
) -> JSON:
    """Modal submit interaction data (type 5): ``components`` as answered by the client."""
    data: JSON = {"custom_id": custom_id, "components": list(components)}
    if resolved:
        data["resolved"] = resolved
    return data


def modal_answers(modal_components: Sequence[JSON], values: Mapping[str, Any]) -> list[JSON]:
    """Mirror a modal's component tree into the modal-submit ``components`` answer.

    Supports both the legacy shape (action rows of text inputs, ``type`` 1 ->
    ``components``) and the current one (label components, ``type`` 18 ->
    ``component``) that discord.py 2.7 emits for ``discord.ui.Label``; text displays
    (type 10) are echoed with their content. ``values`` maps custom_id -> answer:
    ``str`` for text inputs / radio groups, ``list[str]`` for selects / checkbox
    groups / file uploads, ``bool`` for a checkbox.
    """

    def answer(component: Mapping[str, Any]) -> JSON:
        ctype = component["type"]
        custom_id = component.get("custom_id")
        out: JSON = {"type": ctype, "id": component.get("id", 0)}
        if custom_id is not None:
            out["custom_id"] = custom_id
        given = values.get(custom_id) if custom_id is not None else None
        if ctype == 4:  # text input
            out["value"] = "" if given is None else str(given)
        elif ctype in (3, 5, 6, 7, 8, 19, 22):  # selects, file upload, checkbox group
            out["values"] = [str(v) for v in (given or [])]
        elif ctype == 21:  # radio group
            out["value"] = None if given is None else str(given)
        elif ctype == 23:  # checkbox
            out["value"] = bool(given)
        elif ctype == 10:  # text display
            out["content"] = component.get("content", "")
        return out

    result: list[JSON] = []
    for top in modal_components:
        if top["type"] == 1:
            result.append(
                {
                    "type": 1,
                    "id": top.get("id", 0),
                    "components": [answer(c) for c in top["components"]],
                }
            )
        elif top["type"] == 18:
            result.append(
                {"type": 18, "id": top.get("id", 0), "component": answer(top["component"])}
            )
        else:
            result.append(answer(top))
    return result


def walk_components(components: Iterable[Mapping[str, Any]]) -> Iterable[Mapping[str, Any]]:
    """Depth-first walk over a component tree (action rows, containers, sections, labels)."""
    for component in components:
        yield component
        for key in ("components",):
            children = component.get(key)
            if children:
                yield from walk_components(children)
        for key in ("component", "accessory"):
            child = component.get(key)
            if isinstance(child, Mapping):
                yield from walk_components([child])
