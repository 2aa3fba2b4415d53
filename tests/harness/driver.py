"""``WireHarness``: drive a real ``discord.Client`` / ``commands.Bot`` with the network faked.

Inbound: gateway-shaped payloads are fed to the client's own parsers
(``bot._connection.parsers["MESSAGE_CREATE"](payload)`` etc.), so discord.py's real
parsing, caching, ``CommandTree`` option conversion and view-store routing run.

Outbound: REST (``HTTPClient.request``) and interaction/webhook calls (the
``async_context`` webhook adapter) are recorded and answered by :class:`FakeAPI`.

See ``tests/harness/README.md`` for the full story.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import discord
from discord import app_commands
from discord.http import Route
from discord.state import AutoShardedConnectionState
from discord.webhook.async_ import async_context

from . import payloads as p
from .api import FakeAPI
from .errors import (
    DiscordWouldNotSend,
    ErrorCollector,
    ErrorRecord,
    ExpectedErrors,
    InstanceHooks,
    UnexpectedBotError,
)
from .http import RestRecorder
from .payloads import JSON
from .results import InteractionResult, MessageOut, RecordedRequest
from .store import (
    DEFAULT_BOT_PERMISSIONS,
    DEFAULT_EVERYONE_PERMISSIONS,
    ChannelRef,
    FakeDiscord,
    GuildRef,
    MemberRef,
    RoleRef,
    UserRef,
    ident,
)
from .tasks import DEFAULT_MAX_WAIT, TaskTracker
from .webhook import RecordingWebhookAdapter, use_adapter

# Application command option types (docs/interactions/application-commands.mdx).
OPT_SUB_COMMAND = 1
OPT_SUB_COMMAND_GROUP = 2
OPT_STRING = 3
OPT_INTEGER = 4
OPT_BOOLEAN = 5
OPT_USER = 6
OPT_CHANNEL = 7
OPT_ROLE = 8
OPT_MENTIONABLE = 9
OPT_NUMBER = 10
OPT_ATTACHMENT = 11


@dataclass(frozen=True)
class MessageRef:
    """A message that exists on the fake server (sent by a test user or by the bot)."""

    id: int
    channel_id: int
    guild_id: int | None
    author_id: int


@dataclass(frozen=True)
class Upload:
    """A file a *user* attaches (to a message or an attachment option)."""

    filename: str
    data: bytes
    content_type: str | None = None
    description: str | None = None


PermissionsLike = int | discord.Permissions


def _perm_value(value: PermissionsLike) -> int:
    return value.value if isinstance(value, discord.Permissions) else int(value)


class WireHarness:
    """Drives one bot. Use as ``async with WireHarness(bot) as h:`` or via the fixture."""

    def __init__(
        self,
        bot: discord.Client,
        *,
        bot_name: str = "Parley",
        echo: bool = True,
        validate: bool = True,
        settle_timeout: float = DEFAULT_MAX_WAIT,
        timer_horizon: float = 1.0,
        restart_of: WireHarness | None = None,
        store: FakeDiscord | None = None,
        store_from: WireHarness | None = None,
    ) -> None:
        self.bot = bot
        self.echo = echo
        self.validate = validate
        self.settle_timeout = settle_timeout
        self.timer_horizon = timer_horizon
        restart_of = restart_of or store_from
        state = bot._connection
        self.store: FakeDiscord
        self.errors_collector: ErrorCollector
        if restart_of is not None:
            store = restart_of.store
        if store is not None:
            # A restart: the new bot is the same application in the same Discord world.
            self.store = store
            self.ids = store.ids
            self.application_id: int = store.bot_user_id
        else:
            self.ids = p.Snowflakes()
            self.store = FakeDiscord(self.ids)
            self.application_id = state.application_id or self.ids.next()
        bot_payload = self.store.add_user(bot_name, bot=True, user_id=self.application_id)
        self.store.bot_user_id = self.application_id
        self.bot_user = UserRef(int(bot_payload["id"]), bot_name, bot=True)
        self.api = FakeAPI(self)
        self.rest = RestRecorder(bot.http, self.api)
        self.adapter = RecordingWebhookAdapter(self.api)
        self.tasks = TaskTracker()
        self.errors_collector = ErrorCollector()
        self.hooks = InstanceHooks(bot, self.errors_collector)
        self.started = False
        self.ready = False
        self.closed = False
        self.interactions: list[InteractionResult] = []
        self.default_channel: ChannelRef | None = None
        self.world: Any = None  # set by tests.harness.world.classroom()
        self._ctx_token: Any = None
        self._bot_roles: dict[int, int] = {}
        self._command_ids: dict[tuple[str, int | None], int] = {}
        if restart_of is not None:
            self.adopt(restart_of)

    # ------------------------------------------------------------------
    # lifecycle
    # ------------------------------------------------------------------

    async def __aenter__(self) -> WireHarness:
        if not self.started:
            await self.start()
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        await self.close(raise_errors=exc_type is None)

    async def start(self, *, setup_hook: bool = True, ready: bool = True) -> WireHarness:
        """Log in without a network, optionally run ``setup_hook``, then READY + GUILD_CREATEs.

        Mirrors ``Client.login``: ``_async_setup_hook()`` (binds the loop), the bot user
        from ``GET /users/@me``, ``application_info()`` from
        ``GET /oauth2/applications/@me``, then ``setup_hook()``. ``ready=True`` then
        feeds READY (guilds unavailable) and one GUILD_CREATE per guild through the real
        parsers and waits for ``on_ready``.
        """
        if self.started:
            raise RuntimeError("harness already started")
        bot = self.bot
        loop = asyncio.get_running_loop()
        self.tasks.install(loop)
        self.rest.install()
        self._ctx_token = async_context.set(self.adapter)
        self.hooks.install()
        self.started = True
        try:
            await bot._async_setup_hook()
            state = bot._connection
            me = await bot.http.request(Route("GET", "/users/@me"))
            state.user = discord.ClientUser(state=state, data=me)
            bot._application = await bot.application_info()
            if state.application_id is None:
                state.application_id = bot._application.id
            if not state.application_flags:
                state.application_flags = bot._application.flags
            if setup_hook:
                await bot.setup_hook()
            await self.settle()
            if ready:
                await self.connect()
        except BaseException:
            await self.close(raise_errors=False)
            raise
        return self

    def adopt(self, previous: WireHarness) -> None:
        """Take over the world of ``previous`` (built with ``store=previous.store``).

        For restart tests: close the old harness (its bot goes offline), make a new bot (on the
        same database), ``WireHarness(new_bot, store=old.store)``, ``adopt(old)``, ``start()``.
        Messages the old bot sent are still on the server, so a test can click their buttons.
        """
        if previous.store is not self.store:
            raise ValueError("adopt() needs a harness built on the same store")
        self.api.interactions = previous.api.interactions  # Discord keeps the tokens
        self.world = previous.world
        self.default_channel = previous.default_channel
        self._bot_roles = dict(previous._bot_roles)
        self._command_ids = dict(previous._command_ids)

    async def connect(self) -> None:
        """READY (every guild unavailable) then GUILD_CREATE per guild, as the gateway does."""
        state = self.bot._connection
        if isinstance(state, AutoShardedConnectionState) and not state.shard_ids:
            # What AutoShardedClient.launch_shards() does before the shards connect: without
            # it the sharded state never dispatches READY and wait_until_ready() never returns.
            self.bot.shard_count = state.shard_count = 1
            state.shard_ids = [0]
        saved_timeout = state.guild_ready_timeout
        state.guild_ready_timeout = 0.01
        self._use_adapter()
        self.hooks.ensure()
        try:
            guild_ids = list(self.store.guilds)
            state.parse_ready(
                copy.deepcopy(  # type: ignore[arg-type]
                    p.ready(
                        self.store.user(self.application_id),
                        self.application_id,
                        guild_ids,
                        session_id=secrets.token_hex(16),
                    )
                )
            )
            ready_task = state._ready_task
            for gid in guild_ids:
                state.parse_guild_create(
                    copy.deepcopy(self.store.guild_payload(gid, for_gateway=True))
                )
            if ready_task is not None:
                await ready_task
        finally:
            state.guild_ready_timeout = saved_timeout
        self.ready = True
        await self.settle()

    async def close(self, *, raise_errors: bool = True) -> None:
        """Settle, cancel leftover tasks, close the bot, restore everything patched."""
        if self.closed:
            return
        self.closed = True
        settle_error: BaseException | None = None
        try:
            if self.started:
                try:
                    await self.settle(raise_errors=False)
                except Exception as exc:  # SettleTimeout etc.
                    settle_error = exc
            self.ready = False  # late echo callbacks must not reach a closing bot
            await self.tasks.cancel_all()
            if self.started:
                try:
                    await self.bot.close()
                except Exception as exc:
                    self.errors_collector.record(
                        "close", exc, where="bot.close()", handled_by_bot=False
                    )
                await self.tasks.cancel_all()
                self._record_task_failures()
        finally:
            self.hooks.uninstall()
            self.rest.uninstall()
            self.tasks.uninstall()
            if self._ctx_token is not None:
                # ValueError: created in another context (fixture set-up vs teardown)
                with contextlib.suppress(ValueError):
                    async_context.reset(self._ctx_token)
        if raise_errors:
            if settle_error is not None:
                raise settle_error
            self.errors_collector.raise_unreported()

    # ------------------------------------------------------------------
    # settling and errors
    # ------------------------------------------------------------------

    def _use_adapter(self) -> None:
        use_adapter(self.adapter)

    async def settle(self, *, raise_errors: bool = True) -> None:
        """Await every task the bot spawned until quiescent; raise recorded handler errors.

        Waits on the bot's work (its tasks, database threads, busy checks), not on the wall
        clock: ``settle_timeout`` (120 s) only reports a genuine hang."""
        await self.tasks.settle(max_wait=self.settle_timeout, timer_horizon=self.timer_horizon)
        self._record_task_failures()
        if raise_errors:
            self.errors_collector.raise_unreported()

    def _record_task_failures(self) -> None:
        for task in self.tasks.collect_failures():
            exc = task.exception()
            self.errors_collector.record(
                "task", exc, where=f"task {task.get_name()}", handled_by_bot=False, surfaced=True
            )

    def expect_errors(self, *types: type[BaseException]) -> ExpectedErrors:
        """Absorb handler errors of ``types`` (any error if none given) instead of failing."""
        return ExpectedErrors(self, types)

    @property
    def errors(self) -> list[ErrorRecord]:
        return list(self.errors_collector.records)

    def background(self, *patterns: str) -> None:
        """Never wait for tasks whose name/coroutine qualname matches one of the globs."""
        self.tasks.background_patterns.extend(patterns)

    # ------------------------------------------------------------------
    # gateway delivery
    # ------------------------------------------------------------------

    def _intent_allows(self, event: str, data: JSON) -> bool:
        intents = self.bot.intents
        guild_scoped = "guild_id" in data
        if event in ("MESSAGE_CREATE", "MESSAGE_UPDATE", "MESSAGE_DELETE", "MESSAGE_DELETE_BULK"):
            return intents.guild_messages if guild_scoped else intents.dm_messages
        if event.startswith("MESSAGE_REACTION"):
            return intents.guild_reactions if guild_scoped else intents.dm_reactions
        if event.startswith("GUILD_MEMBER") or event == "THREAD_MEMBERS_UPDATE":
            return intents.members or (
                event == "GUILD_MEMBER_UPDATE" and int(data["user"]["id"]) == self.application_id
            )
        if event.startswith(("GUILD_", "CHANNEL_", "THREAD_")):
            return intents.guilds
        return True

    def _apply_message_content_intent(self, event: str, data: JSON) -> JSON:
        """Without MESSAGE_CONTENT, guild messages arrive with empty content & co."""
        if event not in ("MESSAGE_CREATE", "MESSAGE_UPDATE") or self.bot.intents.message_content:
            return data
        if "guild_id" not in data or int(data["author"]["id"]) == self.application_id:
            return data
        if any(int(u["id"]) == self.application_id for u in data.get("mentions", [])):
            return data
        return {**data, "content": "", "embeds": [], "attachments": [], "components": []}

    def deliver(self, event: str, payload: JSON) -> None:
        """Feed one gateway dispatch to the bot's parser now, as the websocket would.

        Before READY this is a no-op (the data will be part of READY/GUILD_CREATE).
        Intents are honoured: events the bot did not subscribe to are dropped and,
        without MESSAGE_CONTENT, guild messages lose their content.
        """
        if not self.started or not self.ready:
            return
        if not self._intent_allows(event, payload):
            return
        data = self._apply_message_content_intent(event, copy.deepcopy(payload))
        self._use_adapter()
        self.hooks.ensure()
        parser = self.bot._connection.parsers[event]
        try:
            parser(data)
        except Exception as exc:
            self.errors_collector.record(
                "gateway", exc, where=f"parser for {event}", handled_by_bot=False, surfaced=True
            )

    def server_event(self, event: str, payload: JSON) -> None:
        """A gateway event caused by a REST call of the bot (MESSAGE_CREATE for its own
        message, THREAD_CREATE, GUILD_MEMBER_UPDATE ...). Delivered on the next loop
        iteration, i.e. after the REST response, like the real gateway; suppressed when
        the harness was built with ``echo=False``."""
        if not self.echo or not self.ready:
            return
        snapshot = copy.deepcopy(payload)
        asyncio.get_running_loop().call_soon(self.deliver, event, snapshot)

    async def dispatch(self, event: str, payload: JSON, *, settle: bool = True) -> None:
        """Inject any raw gateway event (``event`` is the dispatch name, e.g. ``TYPING_START``)."""
        if not self.ready:
            raise RuntimeError("start(ready=True) the harness before injecting events")
        self.deliver(event, payload)
        if settle:
            await self.settle()

    # ------------------------------------------------------------------
    # world building (before start: part of GUILD_CREATE; after: gateway events)
    # ------------------------------------------------------------------

    def add_user(self, name: str, *, bot: bool = False) -> UserRef:
        payload = self.store.add_user(name, bot=bot)
        return UserRef(int(payload["id"]), name, bot)

    def add_guild(
        self,
        name: str = "Classroom",
        *,
        owner: UserRef | None = None,
        everyone_permissions: PermissionsLike = DEFAULT_EVERYONE_PERMISSIONS,
        bot_permissions: PermissionsLike = DEFAULT_BOT_PERMISSIONS,
    ) -> GuildRef:
        owner = owner or self.add_user(f"{name.lower()}-owner")
        record = self.store.add_guild(
            name, owner_id=owner.id, everyone_permissions=_perm_value(everyone_permissions)
        )
        gid = int(record.base["id"])
        self.store.add_member(gid, owner.id)
        bot_role = self.store.add_role(
            gid,
            self.bot_user.name,
            permissions=_perm_value(bot_permissions),
            managed=True,
            bot_id=self.application_id,
            position=100,
        )
        self._bot_roles[gid] = int(bot_role["id"])
        self.store.add_member(gid, self.application_id, roles=[int(bot_role["id"])])
        if self.ready:
            self.deliver("GUILD_CREATE", self.store.guild_payload(gid, for_gateway=True))
        return GuildRef(gid, name)

    def bot_role(self, guild: GuildRef | int) -> RoleRef:
        gid = ident(guild)
        rid = self._bot_roles[gid]
        return RoleRef(rid, self.store.guild(gid).roles[rid]["name"], gid)

    def everyone_role(self, guild: GuildRef | int) -> RoleRef:
        gid = ident(guild)
        return RoleRef(gid, "@everyone", gid)

    def add_role(
        self,
        guild: GuildRef | int,
        name: str,
        *,
        permissions: PermissionsLike = 0,
        position: int | None = None,
        mentionable: bool = False,
        color: int = 0,
        hoist: bool = False,
    ) -> RoleRef:
        gid = ident(guild)
        record = self.store.guild(gid)
        pos = (
            position
            if position is not None
            else len([r for r in record.roles.values() if not r["managed"]])
        )
        payload = self.store.add_role(
            gid,
            name,
            permissions=_perm_value(permissions),
            position=pos,
            mentionable=mentionable,
            color=color,
            hoist=hoist,
        )
        self.deliver("GUILD_ROLE_CREATE", {"guild_id": str(gid), "role": payload})
        return RoleRef(int(payload["id"]), name, gid)

    def add_member(
        self,
        guild: GuildRef | int,
        user: UserRef | str,
        *,
        roles: Iterable[RoleRef | int] = (),
        nick: str | None = None,
    ) -> MemberRef:
        gid = ident(guild)
        if isinstance(user, str):
            user = self.add_user(user)
        payload = self.store.add_member(gid, user.id, roles=[ident(r) for r in roles], nick=nick)
        self.deliver("GUILD_MEMBER_ADD", {**payload, "guild_id": str(gid)})
        return MemberRef(user.id, user.name, gid)

    def give_role(self, member: MemberRef, role: RoleRef) -> None:
        payload = self.store.member(member.guild_id, member.id)
        if str(role.id) not in payload["roles"]:
            payload["roles"].append(str(role.id))
        self.deliver("GUILD_MEMBER_UPDATE", {**payload, "guild_id": str(member.guild_id)})

    def add_category(self, guild: GuildRef | int, name: str) -> ChannelRef:
        gid = ident(guild)
        payload = self.store.add_channel(
            p.text_channel(self.ids.next(), gid, name, kind=p.GUILD_CATEGORY)
        )
        self.deliver("CHANNEL_CREATE", payload)
        return ChannelRef(int(payload["id"]), name, p.GUILD_CATEGORY, gid)

    def add_text_channel(
        self,
        guild: GuildRef | int,
        name: str,
        *,
        topic: str | None = None,
        category: ChannelRef | None = None,
        overwrites: Mapping[Any, tuple[PermissionsLike, PermissionsLike]] | None = None,
    ) -> ChannelRef:
        """``overwrites`` maps RoleRef / MemberRef / GuildRef(@everyone) -> (allow, deny)."""
        gid = ident(guild)
        ows = [
            self._overwrite(target, allow, deny)
            for target, (allow, deny) in (overwrites or {}).items()
        ]
        payload = p.text_channel(
            self.ids.next(),
            gid,
            name,
            topic=topic,
            parent_id=category.id if category else None,
            overwrites=ows,
            position=len(self.store.guild(gid).channel_ids),
        )
        self.store.add_channel(payload)
        self.deliver("CHANNEL_CREATE", payload)
        return ChannelRef(
            int(payload["id"]), name, p.GUILD_TEXT, gid, category.id if category else None
        )

    def _overwrite(self, target: Any, allow: PermissionsLike, deny: PermissionsLike) -> JSON:
        kind = 1 if isinstance(target, MemberRef | UserRef) else 0
        return p.overwrite(
            ident(target), kind=kind, allow=_perm_value(allow), deny=_perm_value(deny)
        )

    def set_overwrite(
        self,
        channel: ChannelRef,
        target: Any,
        *,
        allow: PermissionsLike = 0,
        deny: PermissionsLike = 0,
    ) -> None:
        payload = self.store.channel(channel.id)
        ows = [o for o in payload["permission_overwrites"] if int(o["id"]) != ident(target)]
        ows.append(self._overwrite(target, allow, deny))
        payload["permission_overwrites"] = ows
        self.deliver("CHANNEL_UPDATE", payload)

    def add_thread(
        self,
        parent: ChannelRef,
        name: str,
        *,
        owner: UserRef | MemberRef | None = None,
        private: bool = False,
        members: Iterable[UserRef | MemberRef] = (),
        bot_joined: bool = True,
        archived: bool = False,
    ) -> ChannelRef:
        """A thread created by ``owner`` (a user; default: the bot). Emits THREAD_CREATE."""
        gid = parent.guild_id
        assert gid is not None, "threads live in guild channels"
        owner_id = owner.id if owner is not None else self.application_id
        tid = self.ids.next()
        payload = p.thread(
            tid, gid, parent.id, name, owner_id=owner_id, private=private, archived=archived
        )
        self.store.add_channel(payload)
        joined = self.store.thread_members.setdefault(tid, set())
        joined.add(owner_id)
        joined.update(m.id for m in members)
        if bot_joined:
            joined.add(self.application_id)
        payload["member_count"] = len(joined)
        visible = not private or self.application_id in joined
        if visible:
            self.deliver("THREAD_CREATE", p.thread_create(self.store.thread_payload(tid)))
        return ChannelRef(tid, name, payload["type"], gid, parent.id)

    def dm_channel(self, user: UserRef | MemberRef) -> ChannelRef:
        payload = self.store.dm_for(user.id)
        return ChannelRef(int(payload["id"]), f"dm-{user.name}", p.DM)

    # ------------------------------------------------------------------
    # messages from users
    # ------------------------------------------------------------------

    def _author_payloads(
        self, channel_id: int, author: Any
    ) -> tuple[JSON, JSON | None, int | None]:
        uid = ident(author)
        user = self.store.user(uid)
        gid = self.store.guild_id_of(channel_id)
        member = self.store.member_for(gid, uid, with_user=False) if gid is not None else None
        return user, member, gid

    def _check_can_post(self, channel_id: int, uid: int) -> None:
        if not self.validate:
            return
        ch = self.store.channel(channel_id)
        if ch["type"] == p.DM:
            recipients = {int(r["id"]) for r in ch["recipients"]}
            if uid not in recipients and uid != self.application_id:
                raise DiscordWouldNotSend(f"user {uid} is not part of DM channel {channel_id}")
            return
        gid = int(ch["guild_id"])
        if uid not in self.store.guild(gid).members:
            raise DiscordWouldNotSend(f"user {uid} is not a member of guild {gid}")
        perms = discord.Permissions(self.store.permissions_in(channel_id, uid))
        in_thread = ch["type"] in p.THREAD_TYPES
        if not perms.view_channel or not (
            perms.send_messages_in_threads if in_thread else perms.send_messages
        ):
            raise DiscordWouldNotSend(
                f"user {uid} cannot post in channel {channel_id} ({ch.get('name')})"
            )
        if (
            in_thread
            and ch["type"] == p.PRIVATE_THREAD
            and uid not in self.store.thread_members.get(channel_id, set())
            and not perms.manage_threads
        ):
            raise DiscordWouldNotSend(f"user {uid} is not in private thread {channel_id}")
        if in_thread and ch["thread_metadata"].get("locked") and not perms.manage_threads:
            raise DiscordWouldNotSend(f"thread {channel_id} is locked")

    async def send_message(
        self,
        channel: Any,
        author: Any,
        content: str = "",
        *,
        embeds: Sequence[JSON] = (),
        attachments: Sequence[Upload] = (),
        reply_to: Any = None,
        settle: bool = True,
    ) -> MessageRef:
        """A user posts a message: MESSAGE_CREATE through the real parser."""
        msg = self._user_message(channel, author, content, embeds, attachments, reply_to)
        await self._inject("MESSAGE_CREATE", msg, settle=settle)
        return self._ref(msg)

    def post_while_offline(
        self,
        channel: Any,
        author: Any,
        content: str = "",
        *,
        embeds: Sequence[JSON] = (),
        attachments: Sequence[Upload] = (),
        reply_to: Any = None,
    ) -> MessageRef:
        """A user posts while the bot is offline: Discord keeps the message (channel history
        has it) but no gateway event reaches any bot. Works before ``start()`` and after
        ``close()`` - e.g. between a bot's shutdown and its restart (``restart_of``)."""
        msg = self._user_message(channel, author, content, embeds, attachments, reply_to)
        return self._ref(msg)

    def _user_message(
        self,
        channel: Any,
        author: Any,
        content: str,
        embeds: Sequence[JSON],
        attachments: Sequence[Upload],
        reply_to: Any,
    ) -> JSON:
        """Build a user's message and store it on the fake server."""
        cid = ident(channel)
        uid = ident(author)
        self._check_can_post(cid, uid)
        user, member, gid = self._author_payloads(cid, author)
        mid = self.ids.next()
        atts = []
        for up in attachments:
            att = p.attachment(
                self.ids.next(),
                up.filename,
                size=len(up.data),
                content_type=up.content_type,
                description=up.description,
                channel_id=cid,
            )
            self.store.files[att["url"]] = up.data
            atts.append(att)
        ch = self.store.channel(cid)
        if ch["type"] in p.THREAD_TYPES:
            self.store.thread_members.setdefault(cid, set()).add(uid)
            ch["thread_metadata"]["archived"] = False
        reference = referenced = None
        if reply_to is not None:
            ref_id = ident(reply_to)
            referenced = copy.deepcopy(self.store.message(ref_id))
            reference = {"type": 0, "message_id": str(ref_id), "channel_id": str(cid)}
            if gid is not None:
                reference["guild_id"] = str(gid)
        mentions = self.api.mentions_for(content, None, gid)
        if mentions["mention_everyone"] and gid is not None:
            perms = discord.Permissions(self.store.permissions_in(cid, uid))
            mentions["mention_everyone"] = perms.mention_everyone
        msg = p.message(
            mid,
            cid,
            user,
            content,
            guild_id=gid,
            author_member=member,
            embeds=list(embeds),
            attachments=atts,
            nonce=str(self.ids.next()),
            message_type=19 if reference else 0,
            message_reference=reference,
            referenced_message=referenced,
            **mentions,
        )
        self.store.store_message(msg)
        return msg

    async def edit_message(
        self,
        message: Any,
        content: str | None = None,
        *,
        embeds: Sequence[JSON] | None = None,
        settle: bool = True,
    ) -> MessageRef:
        """The author edits a message: MESSAGE_UPDATE (a full message object, as Discord sends)."""
        msg = self.store.message(ident(message))
        if content is not None:
            msg["content"] = content
            gid = self.store.guild_id_of(int(msg["channel_id"]))
            msg.update(self.api.mentions_for(content, None, gid))
        if embeds is not None:
            msg["embeds"] = list(embeds)
        msg["edited_timestamp"] = p.now_iso()
        await self._inject("MESSAGE_UPDATE", msg, settle=settle)
        return self._ref(msg)

    async def delete_message(self, message: Any, *, settle: bool = True) -> None:
        msg = self.store.delete_message(ident(message))
        cid = int(msg["channel_id"])
        await self._inject(
            "MESSAGE_DELETE",
            p.message_delete(int(msg["id"]), cid, self.store.guild_id_of(cid)),
            settle=settle,
        )

    async def react(
        self, message: Any, user: Any, emoji: str = "👍", *, settle: bool = True
    ) -> None:
        msg = self.store.message(ident(message))
        cid = int(msg["channel_id"])
        gid = self.store.guild_id_of(cid)
        uid = ident(user)
        data = p.reaction_add(
            user_id=uid,
            channel_id=cid,
            message_id=int(msg["id"]),
            emoji=emoji,
            guild_id=gid,
            member_payload=self.store.member_for(gid, uid) if gid is not None else None,
            message_author_id=int(msg["author"]["id"]),
        )
        await self._inject("MESSAGE_REACTION_ADD", data, settle=settle)

    async def unreact(
        self, message: Any, user: Any, emoji: str = "👍", *, settle: bool = True
    ) -> None:
        msg = self.store.message(ident(message))
        cid = int(msg["channel_id"])
        data = p.reaction_remove(
            user_id=ident(user),
            channel_id=cid,
            message_id=int(msg["id"]),
            emoji=emoji,
            guild_id=self.store.guild_id_of(cid),
        )
        await self._inject("MESSAGE_REACTION_REMOVE", data, settle=settle)

    async def _inject(self, event: str, payload: JSON, *, settle: bool) -> None:
        await self.dispatch(event, payload, settle=settle)

    @staticmethod
    def _ref(msg: JSON) -> MessageRef:
        gid = msg.get("guild_id")
        return MessageRef(
            int(msg["id"]),
            int(msg["channel_id"]),
            int(gid) if gid else None,
            int(msg["author"]["id"]),
        )

    def message(self, message: Any) -> JSON:
        """The fake server's current payload of a message (by ref, id, MessageOut, result...)."""
        return self.store.message(self._message_id(message))

    def _message_id(self, message: Any) -> int:
        if isinstance(message, InteractionResult):
            if message.original_message_id is None:
                raise AssertionError(f"{message.label} created no message")
            return message.original_message_id
        if isinstance(message, MessageOut):
            if message.message_id is None:
                raise AssertionError("this output has no message id")
            return message.message_id
        return ident(message)

    # ------------------------------------------------------------------
    # interactions
    # ------------------------------------------------------------------

    def _channel_for(self, channel: Any) -> int:
        if channel is None:
            if self.default_channel is None:
                raise ValueError("pass channel=... (no default channel: build a world first)")
            return self.default_channel.id
        return ident(channel)

    def _new_interaction(
        self,
        kind: int,
        user: Any,
        channel_id: int,
        data: JSON | None,
        *,
        label: str,
        locale: str = "en-US",
        message_payload: JSON | None = None,
    ) -> InteractionResult:
        uid = ident(user)
        ch = self.store.channel(channel_id)
        gid = self.store.guild_id_of(channel_id)
        if self.validate:
            if gid is not None and uid not in self.store.guild(gid).members:
                raise DiscordWouldNotSend(
                    f"user {uid} is not a member of the guild of channel {channel_id}"
                )
            if (
                gid is not None
                and not discord.Permissions(self.store.permissions_in(channel_id, uid)).view_channel
            ):
                raise DiscordWouldNotSend(f"user {uid} cannot see channel {channel_id}")
            if ch["type"] == p.DM and uid not in {int(r["id"]) for r in ch["recipients"]}:
                raise DiscordWouldNotSend(f"user {uid} is not in DM channel {channel_id}")
        iid = self.ids.next()
        if gid is not None:
            channel_payload = p.partial_channel(
                ch, permissions=self.store.permissions_in(channel_id, uid)
            )
            member = self.store.member_for(gid, uid, channel_id=channel_id)
            app_perms = self.store.permissions_in(channel_id, self.application_id)
            locale_g = self.store.guild(gid).base["preferred_locale"]
        else:
            channel_payload = p.partial_channel(ch)
            member = None
            app_perms = discord.Permissions(
                attach_files=True, embed_links=True, mention_everyone=True, use_external_emojis=True
            ).value
            locale_g = "en-US"
        payload = p.interaction(
            iid,
            kind=kind,
            application_id=self.application_id,
            token=f"aW50ZXJhY3Rpb246{iid}.{secrets.token_urlsafe(48)}",
            data=data,
            channel=channel_payload,
            invoker=self.store.user(uid),
            invoker_member=member,
            guild_id=gid,
            guild_locale=locale_g,
            locale=locale,
            app_permissions=app_perms,
            message_payload=message_payload,
        )
        result = InteractionResult(kind=kind, payload=payload, label=label)
        if message_payload is not None:
            result.source_message_id = int(message_payload["id"])
        from .api import InteractionState

        self.api.interactions[payload["token"]] = InteractionState(result, channel_id, gid, uid)
        self.interactions.append(result)
        return result

    async def _fire(self, result: InteractionResult, *, settle: bool) -> InteractionResult:
        if not self.ready:
            raise RuntimeError("start(ready=True) the harness before injecting interactions")
        try:
            self.deliver("INTERACTION_CREATE", result.payload)
            if settle:
                await self.settle()
        finally:
            result.errors = [
                r for r in self.errors_collector.records if r.interaction_id == result.id
            ]
        return result

    # -- application commands -------------------------------------------

    def _tree(self) -> app_commands.CommandTree[Any]:
        tree = self.bot._connection._command_tree
        if tree is None:
            raise RuntimeError("the bot has no CommandTree")
        return tree

    def _resolve_command(
        self,
        name: str,
        guild_id: int | None,
        cmd_type: discord.AppCommandType = discord.AppCommandType.chat_input,
    ) -> tuple[Any, JSON, int | None]:
        tree = self._tree()
        chat = cmd_type is discord.AppCommandType.chat_input
        root_name = name.split()[0] if chat else name
        root = None
        scope: int | None = None
        if guild_id is not None:
            root = tree.get_command(root_name, guild=discord.Object(guild_id), type=cmd_type)
            scope = guild_id if root is not None else None
        if root is None:
            root = tree.get_command(root_name, type=cmd_type)
        if root is None:
            where = f"in guild {guild_id} or globally" if guild_id else "globally"
            raise DiscordWouldNotSend(
                f"no {cmd_type.name} command {root_name!r} is registered {where}"
            )
        schema = root.to_dict(tree)
        return root, schema, scope

    def _check_contexts(self, schema: JSON, guild_id: int | None, label: str) -> None:
        if not self.validate:
            return
        contexts = schema.get("contexts")
        ctx = p.CONTEXT_GUILD if guild_id is not None else p.CONTEXT_BOT_DM
        if contexts is not None and ctx not in contexts:
            raise DiscordWouldNotSend(
                f"{label} is not available in this context ({ctx}); allowed: {contexts}"
            )
        if guild_id is None and schema.get("dm_permission") is False:
            raise DiscordWouldNotSend(f"{label} is guild-only")

    def command_id(self, name: str, guild_id: int | None = None) -> int:
        for cmd in self.store.commands.get(guild_id, []):
            if cmd["name"] == name:
                return int(cmd["id"])
        key = (name, guild_id)
        if key not in self._command_ids:
            self._command_ids[key] = self.ids.next()
        return self._command_ids[key]

    def _build_options(
        self,
        schema_options: Sequence[JSON],
        given: Mapping[str, Any],
        *,
        guild_id: int | None,
        resolved: dict[str, dict[str, JSON]],
        focused: str | None,
        label: str,
    ) -> list[JSON]:
        by_name = {o["name"]: o for o in schema_options}
        if self.validate:
            unknown = set(given) - set(by_name)
            if unknown:
                raise DiscordWouldNotSend(
                    f"{label} has no option(s) {sorted(unknown)}; options: {sorted(by_name)}"
                )
            if focused is None:
                missing = [
                    o["name"]
                    for o in schema_options
                    if o.get("required") and o["name"] not in given
                ]
                if missing:
                    raise DiscordWouldNotSend(f"{label}: required option(s) {missing} not given")
        out = []
        for spec in schema_options:  # Discord sends options in declaration order
            if spec["name"] not in given:
                continue
            value = given[spec["name"]]
            is_focused = spec["name"] == focused
            out.append(
                self._option_value(
                    spec,
                    value,
                    guild_id=guild_id,
                    resolved=resolved,
                    focused=is_focused,
                    label=label,
                )
            )
        return out

    def _option_value(
        self,
        spec: JSON,
        value: Any,
        *,
        guild_id: int | None,
        resolved: dict[str, dict[str, JSON]],
        focused: bool,
        label: str,
    ) -> JSON:
        otype = int(spec["type"])
        name = spec["name"]
        if focused:
            return p.option(
                name, otype, value if isinstance(value, str) else str(value), focused=True
            )

        def bad(why: str) -> DiscordWouldNotSend:
            return DiscordWouldNotSend(f"{label} option {name!r}: {why} (got {value!r})")

        if otype in (OPT_STRING, OPT_INTEGER, OPT_NUMBER, OPT_BOOLEAN):
            if self.validate:
                if otype == OPT_STRING and not isinstance(value, str):
                    raise bad("expected a string")
                if otype == OPT_INTEGER and (isinstance(value, bool) or not isinstance(value, int)):
                    raise bad("expected an integer")
                if otype == OPT_NUMBER and (
                    isinstance(value, bool) or not isinstance(value, int | float)
                ):
                    raise bad("expected a number")
                if otype == OPT_BOOLEAN and not isinstance(value, bool):
                    raise bad("expected a boolean")
                choices = spec.get("choices")
                if choices and value not in [c["value"] for c in choices]:
                    raise bad(f"not one of the choices {[c['value'] for c in choices]}")
                if otype == OPT_STRING:
                    if "min_length" in spec and len(value) < spec["min_length"]:
                        raise bad(f"shorter than min_length {spec['min_length']}")
                    if "max_length" in spec and len(value) > spec["max_length"]:
                        raise bad(f"longer than max_length {spec['max_length']}")
                    if len(value) > 6000 or (not value.strip()):
                        raise bad("Discord does not send empty/oversized strings")
                if otype in (OPT_INTEGER, OPT_NUMBER):
                    if "min_value" in spec and value < spec["min_value"]:
                        raise bad(f"below min_value {spec['min_value']}")
                    if "max_value" in spec and value > spec["max_value"]:
                        raise bad(f"above max_value {spec['max_value']}")
                    if otype == OPT_INTEGER and abs(value) > 2**53:
                        raise bad("outside Discord's integer range")
            return p.option(name, otype, value)
        if otype == OPT_ATTACHMENT:
            if not isinstance(value, Upload):
                raise bad("pass an Upload(filename, data)")
            att = p.attachment(
                self.ids.next(),
                value.filename,
                size=len(value.data),
                content_type=value.content_type,
                description=value.description,
            )
            att["ephemeral"] = True
            self.store.files[att["url"]] = value.data
            resolved.setdefault("attachments", {})[att["id"]] = att
            return p.option(name, otype, att["id"])
        target = ident(value)
        if otype in (OPT_USER, OPT_MENTIONABLE) and target in self.store.users:
            self._resolve_user(target, guild_id, resolved)
            return p.option(name, otype, str(target))
        if (
            otype in (OPT_ROLE, OPT_MENTIONABLE)
            and guild_id is not None
            and target in self.store.guild(guild_id).roles
        ):
            resolved.setdefault("roles", {})[str(target)] = copy.deepcopy(
                self.store.guild(guild_id).roles[target]
            )
            return p.option(name, otype, str(target))
        if otype == OPT_CHANNEL and target in self.store.channels:
            ch = self.store.channel(target)
            if self.validate:
                if self.store.guild_id_of(target) != guild_id:
                    raise bad("channel is not in this guild")
                allowed_types = spec.get("channel_types")
                if allowed_types and ch["type"] not in allowed_types:
                    raise bad(f"channel type {ch['type']} not in {allowed_types}")
            resolved.setdefault("channels", {})[str(target)] = p.partial_channel(
                ch, permissions=self.store.permissions_in(target, self.application_id)
            )
            return p.option(name, otype, str(target))
        raise bad("unknown user/role/channel for this option type")

    def _resolve_user(
        self, uid: int, guild_id: int | None, resolved: dict[str, dict[str, JSON]]
    ) -> None:
        resolved.setdefault("users", {})[str(uid)] = copy.deepcopy(self.store.user(uid))
        if guild_id is not None and uid in self.store.guild(guild_id).members:
            m = self.store.member_for(guild_id, uid, with_user=False)
            for k in ("deaf", "mute"):
                m.pop(k, None)
            m["permissions"] = str(self.store.base_permissions(guild_id, uid))
            resolved.setdefault("members", {})[str(uid)] = m

    def _command_payload(
        self, command: str, given: Mapping[str, Any], guild_id: int | None, *, focused: str | None
    ) -> tuple[JSON, str]:
        parts = command.split()
        label = "/" + " ".join(parts)
        _root, schema, scope = self._resolve_command(command, guild_id)
        self._check_contexts(schema, guild_id, label)
        chain: list[tuple[str, int]] = []
        node = schema
        for part in parts[1:]:
            subs = {
                o["name"]: o
                for o in node.get("options", [])
                if o["type"] in (OPT_SUB_COMMAND, OPT_SUB_COMMAND_GROUP)
            }
            if part not in subs:
                raise DiscordWouldNotSend(
                    f"{label}: {part!r} is not a subcommand of {node['name']!r} ({sorted(subs)})"
                )
            node = subs[part]
            chain.append((part, int(node["type"])))
        leaf_options = node.get("options", [])
        if any(o["type"] in (OPT_SUB_COMMAND, OPT_SUB_COMMAND_GROUP) for o in leaf_options):
            raise DiscordWouldNotSend(f"{label} is a group; name a subcommand")
        resolved: dict[str, dict[str, JSON]] = {}
        options = self._build_options(
            leaf_options, given, guild_id=guild_id, resolved=resolved, focused=focused, label=label
        )
        for name, kind in reversed(chain):
            options = [p.subcommand(name, options, group=kind == OPT_SUB_COMMAND_GROUP)]
        data = p.command_data(
            self.command_id(parts[0], scope),
            parts[0],
            options=options,
            resolved=None if focused is not None else resolved,
            guild_id=scope,
        )
        return data, label

    async def slash(
        self,
        user: Any,
        command: str,
        *,
        channel: Any = None,
        options: Mapping[str, Any] | None = None,
        locale: str = "en-US",
        settle: bool = True,
    ) -> InteractionResult:
        """``/command [group] [sub]`` with ``options`` keyed by option name.

        Values: ``str``/``int``/``float``/``bool``; user/member/role/channel handles or
        discord.py objects (resolved data is added like Discord does); ``Upload`` for
        attachment options. Validated against the command's registered schema.
        """
        cid = self._channel_for(channel)
        gid = self.store.guild_id_of(cid)
        data, label = self._command_payload(command, options or {}, gid, focused=None)
        result = self._new_interaction(
            p.APPLICATION_COMMAND, user, cid, data, label=label, locale=locale
        )
        return await self._fire(result, settle=settle)

    async def autocomplete(
        self,
        user: Any,
        command: str,
        *,
        focused: str,
        value: str = "",
        channel: Any = None,
        options: Mapping[str, Any] | None = None,
        settle: bool = True,
    ) -> InteractionResult:
        """An APPLICATION_COMMAND_AUTOCOMPLETE with ``focused`` holding the typed ``value``."""
        cid = self._channel_for(channel)
        gid = self.store.guild_id_of(cid)
        given = dict(options or {})
        given[focused] = value
        data, label = self._command_payload(command, given, gid, focused=focused)
        result = self._new_interaction(
            p.AUTOCOMPLETE, user, cid, data, label=f"{label} (autocomplete {focused})"
        )
        return await self._fire(result, settle=settle)

    async def choices(
        self,
        user: Any,
        command: str,
        *,
        focused: str,
        value: str = "",
        channel: Any = None,
        options: Mapping[str, Any] | None = None,
    ) -> list[JSON]:
        """Shortcut: the autocomplete choices the bot answered with."""
        result = await self.autocomplete(
            user, command, focused=focused, value=value, channel=channel, options=options
        )
        return result.choices

    async def context_menu(
        self, user: Any, name: str, target: Any, *, channel: Any = None, settle: bool = True
    ) -> InteractionResult:
        """A user command (target is a user/member) or message command (target is a message)."""
        cid = self._channel_for(channel)
        gid = self.store.guild_id_of(cid)
        is_message = isinstance(target, MessageRef | MessageOut | InteractionResult)
        ctype = discord.AppCommandType.message if is_message else discord.AppCommandType.user
        _root, schema, scope = self._resolve_command(name, gid, ctype)
        self._check_contexts(schema, gid, name)
        resolved: dict[str, dict[str, JSON]] = {}
        if is_message:
            mid = self._message_id(target)
            resolved["messages"] = {str(mid): copy.deepcopy(self.store.message(mid))}
            target_id = mid
        else:
            target_id = ident(target)
            self._resolve_user(target_id, gid, resolved)
        data = p.command_data(
            self.command_id(name, scope),
            name,
            resolved=resolved,
            guild_id=scope,
            command_type=ctype.value,
            target_id=target_id,
        )
        result = self._new_interaction(p.APPLICATION_COMMAND, user, cid, data, label=f"[{name}]")
        return await self._fire(result, settle=settle)

    # -- components -------------------------------------------------------

    def _component_source(
        self, user: Any, message: Any, custom_id: str
    ) -> tuple[JSON, Mapping[str, Any]]:
        mid = self._message_id(message)
        msg = self.store.message(mid)
        uid = ident(user)
        component = next(
            (
                c
                for c in p.walk_components(msg.get("components") or [])
                if c.get("custom_id") == custom_id
            ),
            None,
        )
        if component is None:
            have = [
                c.get("custom_id")
                for c in p.walk_components(msg.get("components") or [])
                if c.get("custom_id")
            ]
            raise DiscordWouldNotSend(
                f"message {mid} has no component {custom_id!r}; it has {have}"
            )
        if self.validate:
            if component.get("disabled"):
                raise DiscordWouldNotSend(f"component {custom_id!r} is disabled")
            if mid in self.store.ephemeral_messages:
                owner = int(msg.get("interaction_metadata", {}).get("user", {}).get("id", 0))
                if owner and owner != uid:
                    raise DiscordWouldNotSend(
                        f"message {mid} is ephemeral: only user {owner} can see it"
                    )
        return msg, component

    async def click(
        self, user: Any, message: Any, custom_id: str, *, settle: bool = True
    ) -> InteractionResult:
        """Press a button (by ``custom_id``) on a message the fake server knows."""
        msg, component = self._component_source(user, message, custom_id)
        if component.get("type") != 2:
            raise DiscordWouldNotSend(
                f"{custom_id!r} is not a button (type {component.get('type')})"
            )
        data = p.component_data(custom_id, 2)
        result = self._new_interaction(
            p.MESSAGE_COMPONENT,
            user,
            int(msg["channel_id"]),
            data,
            label=f"button {custom_id!r}",
            message_payload=copy.deepcopy(msg),
        )
        return await self._fire(result, settle=settle)

    async def select(
        self, user: Any, message: Any, custom_id: str, values: Sequence[Any], *, settle: bool = True
    ) -> InteractionResult:
        """Choose ``values`` in a select menu.

        Strings for string selects; users/roles/channels (handles or ids) otherwise.
        """
        msg, component = self._component_source(user, message, custom_id)
        ctype = int(component.get("type", 0))
        if ctype not in (3, 5, 6, 7, 8):
            raise DiscordWouldNotSend(f"{custom_id!r} is not a select menu (type {ctype})")
        gid = self.store.guild_id_of(int(msg["channel_id"]))
        resolved: dict[str, dict[str, JSON]] = {}
        str_values: list[str] = []
        if ctype == 3:
            str_values = [str(v) for v in values]
            if self.validate:
                allowed = [o["value"] for o in component.get("options", [])]
                bad = [v for v in str_values if v not in allowed]
                if bad:
                    raise DiscordWouldNotSend(f"{custom_id!r}: {bad} are not options ({allowed})")
        else:
            for v in values:
                target = ident(v)
                str_values.append(str(target))
                if ctype in (5, 7) and target in self.store.users:
                    self._resolve_user(target, gid, resolved)
                elif ctype in (6, 7) and gid is not None and target in self.store.guild(gid).roles:
                    resolved.setdefault("roles", {})[str(target)] = copy.deepcopy(
                        self.store.guild(gid).roles[target]
                    )
                elif ctype == 8 and target in self.store.channels:
                    resolved.setdefault("channels", {})[str(target)] = p.partial_channel(
                        self.store.channel(target)
                    )
                else:
                    raise DiscordWouldNotSend(
                        f"{custom_id!r}: cannot select {v!r} in a type {ctype} select"
                    )
        if self.validate:
            lo = int(component.get("min_values", 1))
            hi = int(component.get("max_values", 1))
            if not lo <= len(str_values) <= hi:
                raise DiscordWouldNotSend(
                    f"{custom_id!r}: {len(str_values)} values, allowed {lo}..{hi}"
                )
        data = p.component_data(custom_id, ctype, values=str_values, resolved=resolved or None)
        result = self._new_interaction(
            p.MESSAGE_COMPONENT,
            user,
            int(msg["channel_id"]),
            data,
            label=f"select {custom_id!r}",
            message_payload=copy.deepcopy(msg),
        )
        return await self._fire(result, settle=settle)

    async def submit_modal(
        self,
        user: Any,
        source: InteractionResult,
        values: Mapping[str, Any],
        *,
        settle: bool = True,
    ) -> InteractionResult:
        """Submit the modal that ``source`` (an interaction answered with type 9) opened."""
        modal = source.modal
        uid = ident(user)
        state = self.api.interactions[source.token]
        if self.validate:
            if uid != state.user_id:
                raise DiscordWouldNotSend("only the user who opened a modal can submit it")
            fields = {
                c["custom_id"]: c
                for c in p.walk_components(modal.get("components", []))
                if "custom_id" in c
            }
            unknown = set(values) - set(fields)
            if unknown:
                raise DiscordWouldNotSend(
                    f"modal {modal['custom_id']!r} has no field(s) {sorted(unknown)}"
                )
            for cid_, spec in fields.items():
                if spec.get("type") != 4:
                    continue
                text = str(values.get(cid_, "") or "")
                if spec.get("required", True) and not text:
                    raise DiscordWouldNotSend(f"modal field {cid_!r} is required")
                if text and "min_length" in spec and len(text) < spec["min_length"]:
                    raise DiscordWouldNotSend(
                        f"modal field {cid_!r} shorter than {spec['min_length']}"
                    )
                if "max_length" in spec and len(text) > spec["max_length"]:
                    raise DiscordWouldNotSend(
                        f"modal field {cid_!r} longer than {spec['max_length']}"
                    )
        data = p.modal_submit_data(
            modal["custom_id"], p.modal_answers(modal.get("components", []), values)
        )
        message_payload = None
        if source.source_message_id is not None and source.source_message_id in self.store.messages:
            message_payload = copy.deepcopy(self.store.message(source.source_message_id))
        result = self._new_interaction(
            p.MODAL_SUBMIT,
            user,
            state.channel_id,
            data,
            label=f"modal {modal['custom_id']!r}",
            message_payload=message_payload,
        )
        return await self._fire(result, settle=settle)

    # ------------------------------------------------------------------
    # observation
    # ------------------------------------------------------------------

    @property
    def sent(self) -> list[RecordedRequest]:
        """Every REST and webhook call the bot made, in order."""
        return list(self.api.requests)

    def requests(
        self, method: str | None = None, path: Any = None, *, via: str | None = None
    ) -> list[RecordedRequest]:
        """Filter :attr:`sent`; ``path`` is a route template, a glob or a compiled regex."""
        return [
            r
            for r in self.api.requests
            if r.matches(method, path) and (via is None or r.via == via)
        ]

    @property
    def unhandled_requests(self) -> list[RecordedRequest]:
        """Calls to routes the fake does not model (answered with ``{}``/204)."""
        return [r for r in self.api.requests if not r.handled]

    def sent_messages(
        self, channel_id: Any = None, *, include_interactions: bool = True
    ) -> list[MessageOut]:
        """Every *new message* the bot created: REST sends, interaction responses, follow-ups."""
        cid = None if channel_id is None else ident(channel_id)
        out: list[MessageOut] = []
        results = {r.token: r for r in self.interactions}
        for req in self.api.requests:
            if req.status >= 400:
                continue
            if (
                req.via == "rest"
                and req.method == "POST"
                and req.route == "/channels/{channel_id}/messages"
            ):
                msg = req.response or {}
                out.append(
                    MessageOut(
                        req.json or {},
                        via="rest",
                        files=req.files,
                        channel_id=int(req.params["channel_id"]),
                        message_id=int(msg["id"]) if msg else None,
                        request=req,
                        is_reply=bool((req.json or {}).get("message_reference")),
                    )
                )
            elif include_interactions and req.via == "webhook":
                result = results.get(req.params.get("webhook_token", ""))
                if result is None:
                    continue
                state = self.api.interactions[result.token]
                if (
                    req.route.endswith("/callback")
                    and result.initial is not None
                    and result.initial.request is req
                ):
                    if result.initial.type == 4:
                        out.append(
                            MessageOut(
                                result.initial.data,
                                via="interaction_response",
                                files=req.files,
                                channel_id=state.channel_id,
                                message_id=result.original_message_id,
                                request=req,
                            )
                        )
                elif req.method == "POST" and req.route == "/webhooks/{webhook_id}/{webhook_token}":
                    out.extend(f for f in result.followups if f.request is req)
        if cid is not None:
            out = [m for m in out if m.channel_id == cid]
        return out

    def edits(self, channel_id: Any = None) -> list[MessageOut]:
        """Message edits the bot made over REST (``PATCH /channels/{id}/messages/{id}``)."""
        out = [
            MessageOut(
                r.json or {},
                via="rest_edit",
                files=r.files,
                channel_id=int(r.params["channel_id"]),
                message_id=int(r.params["message_id"]),
                request=r,
            )
            for r in self.requests("PATCH", "/channels/{channel_id}/messages/{message_id}")
            if r.status < 400
        ]
        if channel_id is not None:
            out = [m for m in out if m.channel_id == ident(channel_id)]
        return out

    def history(self, channel: Any) -> list[JSON]:
        """What the channel looks like on the server (oldest first, ephemeral excluded)."""
        return list(reversed(self.store.history(ident(channel), limit=10_000)))

    @property
    def events(self) -> list[tuple[str, tuple[Any, ...]]]:
        """Every event discord.py dispatched (name without ``on_``, args)."""
        return list(self.hooks.events)

    def event_names(self) -> list[str]:
        return [name for name, _ in self.hooks.events]

    def assert_no_pings(self) -> None:
        """Fail if any message the bot sent (or edited) would notify anyone."""
        offenders = [m for m in [*self.sent_messages(), *self.edits()] if not m.pings.none]
        for r in self.interactions:
            offenders += [e for e in r.edits if not e.pings.none]
        if offenders:
            raise AssertionError(f"messages that would ping someone: {offenders}")

    def raise_errors(self) -> None:
        self.errors_collector.raise_unreported()


__all__ = [
    "DiscordWouldNotSend",
    "MessageRef",
    "UnexpectedBotError",
    "Upload",
    "WireHarness",
]
