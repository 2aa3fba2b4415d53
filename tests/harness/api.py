"""The fake Discord HTTP API: REST routes and interaction/webhook routes.

Both ``HTTPClient.request`` (REST) and the webhook adapter (interaction callbacks,
follow-ups, ``@original`` edits) end up in :meth:`FakeAPI.handle`. Each call is
recorded as a :class:`~tests.harness.results.RecordedRequest`, dispatched to a handler
by ``(METHOD, route template)`` and answered with a Discord-shaped body. Mutating
routes update the :class:`~tests.harness.store.FakeDiscord` model and, like Discord,
echo the matching gateway event back to the bot.

Extending: register a handler with :meth:`FakeAPI.route`::

    @h.api.route("GET", "/guilds/{guild_id}/bans")
    def bans(call: Call) -> Any:
        return []

A handler returns the JSON body (``None`` means 204 No Content) or raises
:class:`FakeHTTPError` to answer with an error status.
"""

from __future__ import annotations

import copy
import json as jsonlib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

import discord

from . import limits as discord_limits
from . import payloads as p
from .payloads import JSON
from .results import (
    InteractionResponse,
    InteractionResult,
    MessageOut,
    RecordedFile,
    RecordedRequest,
    compute_pings,
)
from .store import FakeDiscord, NotFoundInStore

if TYPE_CHECKING:
    from .driver import WireHarness


class FakeHTTPError(Exception):
    """Raise from a handler to answer with an error (``status``, Discord JSON error code)."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message

    @property
    def body(self) -> JSON:
        return {"message": self.message, "code": self.code}


def not_found(code: int, what: str) -> FakeHTTPError:
    return FakeHTTPError(404, code, f"Unknown {what}")


MISSING_PERMISSIONS = FakeHTTPError(403, 50013, "Missing Permissions")


class FakeResponse:
    """Just enough of ``aiohttp.ClientResponse`` for ``discord.HTTPException``."""

    def __init__(self, status: int) -> None:
        self.status = status
        self.reason = {
            400: "Bad Request",
            403: "Forbidden",
            404: "Not Found",
            429: "Too Many Requests",
        }.get(status, "Error")
        self.headers: dict[str, str] = {}


def to_discord_exception(status: int, body: JSON) -> discord.HTTPException:
    response = FakeResponse(status)
    if status == 403:
        return discord.Forbidden(response, body)  # type: ignore[arg-type,unused-ignore]
    if status == 404:
        return discord.NotFound(response, body)  # type: ignore[arg-type,unused-ignore]
    if status >= 500:
        return discord.DiscordServerError(response, body)  # type: ignore[arg-type,unused-ignore]
    return discord.HTTPException(response, body)  # type: ignore[arg-type,unused-ignore]


@dataclass
class Call:
    """What a handler gets: the recorded request plus the path parameters as ints/strs."""

    request: RecordedRequest
    api: FakeAPI

    @property
    def json(self) -> Any:
        return self.request.json

    def param(self, name: str) -> str:
        return self.request.params[name]

    def id(self, name: str) -> int:
        return int(self.request.params[name])

    def query(self, name: str, default: Any = None) -> Any:
        return (self.request.query or {}).get(name, default)


Handler = Callable[[Call], Any]


@dataclass
class _Failure:
    method: str
    path: str
    error: FakeHTTPError
    times: int | None


def template_regex(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[a-z_]+\})", template)
    rx = "".join(
        f"(?P<{part[1:-1]}>[^/]+)" if part.startswith("{") else re.escape(part) for part in parts
    )
    return re.compile(f"^{rx}$")


@dataclass
class InteractionState:
    """Server-side bookkeeping for one interaction token."""

    result: InteractionResult
    channel_id: int
    guild_id: int | None
    user_id: int
    loading: bool = False
    message_ids: list[int] = field(default_factory=list)


class FakeAPI:
    def __init__(self, harness: WireHarness) -> None:
        self.h = harness
        self.store: FakeDiscord = harness.store
        self.requests: list[RecordedRequest] = []
        self._routes: dict[tuple[str, str], Handler] = {}
        self._failures: list[_Failure] = []
        self.interactions: dict[str, InteractionState] = {}
        self.limits = discord_limits.Limits()  # Discord's limits on what the bot sends
        self._register_defaults()

    # ------------------------------------------------------------------
    # registry
    # ------------------------------------------------------------------

    def route(self, method: str, template: str) -> Callable[[Handler], Handler]:
        def deco(fn: Handler) -> Handler:
            self._routes[(method.upper(), template)] = fn
            return fn

        return deco

    def add_route(self, method: str, template: str, handler: Handler) -> None:
        self._routes[(method.upper(), template)] = handler

    def fail(
        self,
        method: str,
        path: str,
        *,
        status: int = 403,
        code: int = 50013,
        message: str = "Missing Permissions",
        times: int | None = 1,
    ) -> None:
        """Make the next ``times`` matching calls fail (``times=None``: all of them).

        ``path`` is a route template or a glob over the concrete path, as in
        :meth:`RecordedRequest.matches`.
        """
        self._failures.append(
            _Failure(method.upper(), path, FakeHTTPError(status, code, message), times)
        )

    # ------------------------------------------------------------------
    # entry points
    # ------------------------------------------------------------------

    def record(
        self,
        *,
        method: str,
        path: str,
        route: str,
        json_body: Any,
        form: Iterable[Mapping[str, Any]] | None,
        files: Sequence[discord.File] | None,
        reason: str | None,
        query: Mapping[str, Any] | None,
        via: str,
    ) -> RecordedRequest:
        body = copy.deepcopy(json_body)
        if form:
            for part in form:
                if part.get("name") == "payload_json":
                    body = jsonlib.loads(part["value"])
        recorded_files: list[RecordedFile] = []
        for index, f in enumerate(files or []):
            fp = f.fp
            pos = fp.tell()
            data = fp.read()
            fp.seek(pos)
            recorded_files.append(RecordedFile(f.filename, data, f"files[{index}]"))
        match = template_regex(route).match(path)
        params = {k: unquote(v) for k, v in match.groupdict().items()} if match else {}
        request = RecordedRequest(
            method=method.upper(),
            path=path,
            route=route,
            params=params,
            json=body,
            query=dict(query) if query else None,
            files=recorded_files,
            reason=reason,
            via=via,
        )
        self.requests.append(request)
        return request

    def handle(self, request: RecordedRequest) -> Any:
        """Answer a recorded request; raises ``discord.HTTPException`` subclasses on errors."""
        try:
            discord_limits.enforce(self, request)
            for failure in list(self._failures):
                if request.matches(failure.method, failure.path):
                    if failure.times is not None:
                        failure.times -= 1
                        if failure.times <= 0:
                            self._failures.remove(failure)
                    raise failure.error
            handler = self._routes.get((request.method, request.route))
            if handler is None:
                request.handled = False
                result: Any = None if request.method == "DELETE" else {}
            else:
                result = handler(Call(request, self))
        except FakeHTTPError as exc:
            request.status = exc.status
            request.error = exc.body
            raise to_discord_exception(exc.status, exc.body) from None
        except NotFoundInStore as exc:
            request.status = 404
            request.error = {"message": str(exc), "code": 10003}
            raise to_discord_exception(404, request.error) from None
        request.status = 204 if result is None else 200
        request.response = result
        return copy.deepcopy(result)

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------

    @property
    def bot_id(self) -> int:
        return self.store.bot_user_id

    def bot_user(self) -> JSON:
        return self.store.user(self.bot_id)

    def require(self, channel_id: int, *perms: str) -> None:
        have = discord.Permissions(self.store.permissions_in(channel_id, self.bot_id))
        if not all(getattr(have, name) for name in perms):
            raise MISSING_PERMISSIONS

    def require_guild(self, guild_id: int, *perms: str) -> None:
        have = discord.Permissions(self.store.base_permissions(guild_id, self.bot_id))
        if not all(getattr(have, name) for name in perms):
            raise MISSING_PERMISSIONS

    def bot_top_role_position(self, guild_id: int) -> int:
        record = self.store.guild(guild_id)
        if int(record.base["owner_id"]) == self.bot_id:
            return 1 << 30
        member = record.members[self.bot_id]
        return max((int(record.roles[int(r)]["position"]) for r in member["roles"]), default=0)

    def mentions_for(
        self, content: str | None, allowed: Mapping[str, Any] | None, guild_id: int | None
    ) -> JSON:
        pings = compute_pings(content, allowed, is_reply=False)
        users = []
        for uid in pings.users:
            if uid not in self.store.users:
                continue
            u = dict(self.store.user(uid))
            if guild_id is not None and uid in self.store.guild(guild_id).members:
                u["member"] = self.store.member_for(guild_id, uid, with_user=False)
            users.append(u)
        roles = [
            r for r in pings.roles if guild_id is not None and r in self.store.guild(guild_id).roles
        ]
        return {
            "mentions": users,
            "mention_roles": [str(r) for r in roles],
            "mention_everyone": pings.everyone,
        }

    def uploaded_attachments(
        self, request: RecordedRequest, declared: Sequence[JSON], channel_id: int
    ) -> list[JSON]:
        """Turn the ``attachments`` of a send/edit (+ uploaded files) into attachment objects."""
        out: list[JSON] = []
        files = request.files
        for att in declared:
            att_id = att.get("id")
            if isinstance(att_id, int) or (isinstance(att_id, str) and len(att_id) < 5):
                index = int(att_id)
                if index >= len(files):
                    raise FakeHTTPError(400, 50035, "Invalid Form Body (attachment without file)")
                f = files[index]
                payload = p.attachment(
                    self.store.ids.next(),
                    att.get("filename", f.filename),
                    size=len(f.data),
                    description=att.get("description"),
                    channel_id=channel_id,
                )
                self.store.files[payload["url"]] = f.data
                out.append(payload)
            else:
                out.append(dict(att))
        if not declared:
            for f in files:
                payload = p.attachment(
                    self.store.ids.next(), f.filename, size=len(f.data), channel_id=channel_id
                )
                self.store.files[payload["url"]] = f.data
                out.append(payload)
        return out

    @staticmethod
    def normalise_components(components: Sequence[JSON]) -> list[JSON]:
        """Discord echoes components with numeric ``id``s assigned in tree order."""
        comps = copy.deepcopy(list(components))
        for counter, c in enumerate(p.walk_components(comps), start=1):
            if isinstance(c, dict) and not c.get("id"):
                c["id"] = counter
        return comps

    @staticmethod
    def normalise_embeds(embeds: Sequence[JSON]) -> list[JSON]:
        out = []
        for e in embeds:
            e = dict(e)
            e.setdefault("type", "rich")
            e.setdefault("content_scan_version", 0)
            out.append(e)
        return out

    def build_bot_message(
        self,
        request: RecordedRequest,
        body: JSON,
        channel_id: int,
        *,
        webhook_id: int | None = None,
        interaction_metadata: JSON | None = None,
        message_type: int | None = None,
        flags: int | None = None,
    ) -> JSON:
        guild_id = self.store.guild_id_of(channel_id)
        content = body.get("content") or ""
        mentions = self.mentions_for(content, body.get("allowed_mentions"), guild_id)
        reference = body.get("message_reference")
        referenced = None
        if reference:
            ref_id = int(reference["message_id"])
            referenced = copy.deepcopy(self.store.messages.get(ref_id))
            reference = {
                "type": 0,
                "channel_id": str(channel_id),
                "message_id": str(ref_id),
                **({"guild_id": str(guild_id)} if guild_id else {}),
            }
        mtype = message_type if message_type is not None else (19 if reference else 0)
        msg = p.message(
            self.store.ids.next(),
            channel_id,
            self.bot_user(),
            content,
            guild_id=guild_id,
            author_member=self.store.member_for(guild_id, self.bot_id, with_user=False)
            if guild_id
            else None,
            embeds=self.normalise_embeds(body.get("embeds") or []),
            components=self.normalise_components(body.get("components") or []),
            attachments=self.uploaded_attachments(
                request, body.get("attachments") or [], channel_id
            ),
            flags=int(body.get("flags") or 0) if flags is None else flags,
            message_type=mtype,
            tts=bool(body.get("tts", False)),
            nonce=body.get("nonce"),
            webhook_id=webhook_id,
            application_id=self.h.application_id if webhook_id else None,
            message_reference=reference,
            referenced_message=referenced,
            interaction_metadata=interaction_metadata,
            **mentions,
        )
        if guild_id is None:
            msg.pop("member", None)
        return msg

    def apply_edit(self, request: RecordedRequest, msg: JSON, body: JSON) -> JSON:
        channel_id = int(msg["channel_id"])
        if "content" in body:
            msg["content"] = body["content"] or ""
            guild_id = self.store.guild_id_of(channel_id)
            allowed = body.get("allowed_mentions")
            msg.update(self.mentions_for(msg["content"], allowed, guild_id))
        if "embeds" in body:
            msg["embeds"] = self.normalise_embeds(body["embeds"] or [])
        if "components" in body:
            msg["components"] = self.normalise_components(body["components"] or [])
        if "attachments" in body or request.files:
            msg["attachments"] = self.uploaded_attachments(
                request, body.get("attachments") or [], channel_id
            )
        if "flags" in body and body["flags"] is not None:
            keep = int(msg.get("flags") or 0) & ~(1 << 2)
            msg["flags"] = keep | (
                int(body["flags"]) & (1 << 2)
            )  # only SUPPRESS_EMBEDS is editable
        msg["flags"] = int(msg.get("flags") or 0) & ~p.FLAG_LOADING
        msg["edited_timestamp"] = p.now_iso()
        return msg

    def message_in(self, channel_id: int, message_id: int) -> JSON:
        msg = self.store.messages.get(message_id)
        if msg is None or int(msg["channel_id"]) != channel_id:
            raise not_found(10008, "Message")
        return msg

    def channel_or_404(self, channel_id: int) -> JSON:
        ch = self.store.channels.get(channel_id)
        if ch is None:
            raise not_found(10003, "Channel")
        return ch

    # ------------------------------------------------------------------
    # default REST routes
    # ------------------------------------------------------------------

    def _register_defaults(self) -> None:
        r = self.route
        store = self.store

        @r("GET", "/users/@me")
        def me(call: Call) -> Any:
            return self.bot_user()

        @r("GET", "/oauth2/applications/@me")
        def app(call: Call) -> Any:
            return p.application(self.h.application_id, self.bot_user())

        @r("GET", "/users/{user_id}")
        def get_user(call: Call) -> Any:
            uid = call.id("user_id")
            if uid not in store.users:
                raise not_found(10013, "User")
            return store.users[uid]

        # -- messages ------------------------------------------------------

        @r("POST", "/channels/{channel_id}/messages")
        def send(call: Call) -> Any:
            cid = call.id("channel_id")
            ch = self.channel_or_404(cid)
            if ch.get("guild_id"):
                in_thread = ch["type"] in p.THREAD_TYPES
                self.require(
                    cid,
                    "view_channel",
                    "send_messages_in_threads" if in_thread else "send_messages",
                )
                if (
                    in_thread
                    and ch["thread_metadata"].get("locked")
                    and ch["thread_metadata"].get("archived")
                ):
                    raise FakeHTTPError(400, 50083, "Thread is archived")
                if in_thread:
                    ch["thread_metadata"]["archived"] = False
            body = call.json or {}
            if not (
                body.get("content")
                or body.get("embeds")
                or body.get("components")
                or call.request.files
                or body.get("sticker_ids")
                or body.get("poll")
            ):
                raise FakeHTTPError(400, 50006, "Cannot send an empty message")
            msg = self.build_bot_message(call.request, body, cid)
            store.store_message(msg)
            self.h.server_event("MESSAGE_CREATE", msg)
            return msg

        @r("GET", "/channels/{channel_id}/messages/{message_id}")
        def get_message(call: Call) -> Any:
            cid = call.id("channel_id")
            self.channel_or_404(cid)
            msg = self.message_in(cid, call.id("message_id"))
            if int(msg["id"]) in store.ephemeral_messages:
                raise not_found(10008, "Message")
            return msg

        @r("GET", "/channels/{channel_id}/messages")
        def history(call: Call) -> Any:
            cid = call.id("channel_id")
            self.channel_or_404(cid)
            if store.guild_id_of(cid) is not None:
                self.require(cid, "view_channel", "read_message_history")

            def opt(name: str) -> int | None:
                v = call.query(name)
                return None if v is None else int(v)

            return store.history(
                cid,
                limit=int(call.query("limit", 50)),
                before=opt("before"),
                after=opt("after"),
                around=opt("around"),
            )

        @r("PATCH", "/channels/{channel_id}/messages/{message_id}")
        def edit_message(call: Call) -> Any:
            cid = call.id("channel_id")
            msg = self.message_in(cid, call.id("message_id"))
            if int(msg["author"]["id"]) != self.bot_id:
                body = call.json or {}
                if set(body) - {"flags"}:
                    raise FakeHTTPError(
                        403, 50005, "Cannot edit a message authored by another user"
                    )
            self.apply_edit(call.request, msg, call.json or {})
            self.h.server_event("MESSAGE_UPDATE", msg)
            return msg

        @r("DELETE", "/channels/{channel_id}/messages/{message_id}")
        def delete_message(call: Call) -> Any:
            cid = call.id("channel_id")
            msg = self.message_in(cid, call.id("message_id"))
            if int(msg["author"]["id"]) != self.bot_id and store.guild_id_of(cid) is not None:
                self.require(cid, "manage_messages")
            store.delete_message(int(msg["id"]))
            self.h.server_event(
                "MESSAGE_DELETE", p.message_delete(int(msg["id"]), cid, store.guild_id_of(cid))
            )
            return None

        @r("POST", "/channels/{channel_id}/messages/bulk-delete")
        def bulk_delete(call: Call) -> Any:
            cid = call.id("channel_id")
            self.require(cid, "manage_messages")
            ids = [int(i) for i in (call.json or {}).get("messages", [])]
            for mid in ids:
                if mid in store.messages:
                    store.delete_message(mid)
            self.h.server_event(
                "MESSAGE_DELETE_BULK", p.message_delete_bulk(ids, cid, store.guild_id_of(cid))
            )
            return None

        @r("PUT", "/channels/{channel_id}/messages/pins/{message_id}")
        def pin(call: Call) -> Any:
            msg = self.message_in(call.id("channel_id"), call.id("message_id"))
            msg["pinned"] = True
            return None

        @r("DELETE", "/channels/{channel_id}/messages/pins/{message_id}")
        def unpin(call: Call) -> Any:
            msg = self.message_in(call.id("channel_id"), call.id("message_id"))
            msg["pinned"] = False
            return None

        @r("POST", "/channels/{channel_id}/typing")
        def typing(call: Call) -> Any:
            return None

        # -- reactions -----------------------------------------------------

        @r("PUT", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me")
        def react(call: Call) -> Any:
            cid = call.id("channel_id")
            msg = self.message_in(cid, call.id("message_id"))
            gid = store.guild_id_of(cid)
            emoji = _emoji_from_route(call.param("emoji"))
            self.h.server_event(
                "MESSAGE_REACTION_ADD",
                p.reaction_add(
                    user_id=self.bot_id,
                    channel_id=cid,
                    message_id=int(msg["id"]),
                    emoji=emoji,
                    guild_id=gid,
                    member_payload=store.member_for(gid, self.bot_id) if gid else None,
                    message_author_id=int(msg["author"]["id"]),
                ),
            )
            return None

        @r("DELETE", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me")
        def unreact(call: Call) -> Any:
            cid = call.id("channel_id")
            msg = self.message_in(cid, call.id("message_id"))
            self.h.server_event(
                "MESSAGE_REACTION_REMOVE",
                p.reaction_remove(
                    user_id=self.bot_id,
                    channel_id=cid,
                    message_id=int(msg["id"]),
                    emoji=_emoji_from_route(call.param("emoji")),
                    guild_id=store.guild_id_of(cid),
                ),
            )
            return None

        # -- channels & threads --------------------------------------------

        @r("GET", "/channels/{channel_id}")
        def get_channel(call: Call) -> Any:
            ch = self.channel_or_404(call.id("channel_id"))
            if ch["type"] in p.THREAD_TYPES:
                return store.thread_payload(int(ch["id"]))
            return ch

        @r("PATCH", "/channels/{channel_id}")
        def edit_channel(call: Call) -> Any:
            cid = call.id("channel_id")
            ch = self.channel_or_404(cid)
            body = call.json or {}
            if ch["type"] in p.THREAD_TYPES:
                if int(ch["owner_id"]) != self.bot_id:
                    self.require(cid, "manage_threads")
                meta = ch["thread_metadata"]
                for key in ("archived", "locked", "invitable", "auto_archive_duration"):
                    if key in body:
                        meta[key] = body[key]
                        if key == "archived":
                            meta["archive_timestamp"] = p.now_iso()
                for key in ("name", "rate_limit_per_user", "flags", "applied_tags"):
                    if key in body:
                        ch[key] = body[key]
                self.h.server_event("THREAD_UPDATE", store.thread_payload(cid))
                return store.thread_payload(cid)
            self.require(cid, "manage_channels")
            for key in (
                "name",
                "topic",
                "position",
                "nsfw",
                "rate_limit_per_user",
                "parent_id",
                "flags",
            ):
                if key in body:
                    ch[key] = body[key]
            if "permission_overwrites" in body:
                self.require(cid, "manage_roles")
                ch["permission_overwrites"] = [
                    {**o, "allow": str(o.get("allow", 0)), "deny": str(o.get("deny", 0))}
                    for o in body["permission_overwrites"]
                ]
            self.h.server_event("CHANNEL_UPDATE", ch)
            return ch

        @r("DELETE", "/channels/{channel_id}")
        def delete_channel(call: Call) -> Any:
            cid = call.id("channel_id")
            ch = self.channel_or_404(cid)
            is_thread = ch["type"] in p.THREAD_TYPES
            self.require(cid, "manage_threads" if is_thread else "manage_channels")
            store.remove_channel(cid)
            if is_thread:
                self.h.server_event(
                    "THREAD_DELETE",
                    {
                        "id": ch["id"],
                        "guild_id": ch["guild_id"],
                        "parent_id": ch["parent_id"],
                        "type": ch["type"],
                    },
                )
            else:
                self.h.server_event("CHANNEL_DELETE", ch)
            return ch

        @r("PUT", "/channels/{channel_id}/permissions/{target}")
        def put_overwrite(call: Call) -> Any:
            cid = call.id("channel_id")
            ch = self.channel_or_404(cid)
            self.require(cid, "manage_roles")
            body = call.json or {}
            target = call.id("target")
            overwrites = [o for o in ch.get("permission_overwrites", []) if int(o["id"]) != target]
            overwrites.append(
                p.overwrite(
                    target,
                    kind=int(body.get("type", 0)),
                    allow=int(body.get("allow", 0)),
                    deny=int(body.get("deny", 0)),
                )
            )
            ch["permission_overwrites"] = overwrites
            self.h.server_event("CHANNEL_UPDATE", ch)
            return None

        @r("DELETE", "/channels/{channel_id}/permissions/{target}")
        def delete_overwrite(call: Call) -> Any:
            cid = call.id("channel_id")
            ch = self.channel_or_404(cid)
            self.require(cid, "manage_roles")
            target = call.id("target")
            ch["permission_overwrites"] = [
                o for o in ch.get("permission_overwrites", []) if int(o["id"]) != target
            ]
            self.h.server_event("CHANNEL_UPDATE", ch)
            return None

        def make_thread(parent_id: int, name: str, *, private: bool, body: JSON) -> JSON:
            parent = self.channel_or_404(parent_id)
            self.require(
                parent_id,
                "view_channel",
                "create_private_threads" if private else "create_public_threads",
            )
            tid = store.ids.next()
            thread = p.thread(
                tid,
                int(parent["guild_id"]),
                parent_id,
                name,
                owner_id=self.bot_id,
                private=private,
                auto_archive_duration=int(body.get("auto_archive_duration") or 1440),
                invitable=bool(body.get("invitable", True)),
            )
            if body.get("rate_limit_per_user"):
                thread["rate_limit_per_user"] = body["rate_limit_per_user"]
            store.add_channel(thread)
            store.thread_members.setdefault(tid, set()).add(self.bot_id)
            return thread

        @r("POST", "/channels/{channel_id}/messages/{message_id}/threads")
        def thread_from_message(call: Call) -> Any:
            cid = call.id("channel_id")
            msg = self.message_in(cid, call.id("message_id"))
            if msg.get("thread"):
                raise FakeHTTPError(
                    400, 160004, "A thread has already been created for this message"
                )
            body = call.json or {}
            # a thread started from a message has the message's id
            parent = self.channel_or_404(cid)
            self.require(cid, "view_channel", "create_public_threads")
            tid = int(msg["id"])
            thread = p.thread(
                tid,
                int(parent["guild_id"]),
                cid,
                body.get("name", "thread"),
                owner_id=self.bot_id,
                auto_archive_duration=int(body.get("auto_archive_duration") or 1440),
            )
            store.add_channel(thread)
            store.thread_members.setdefault(tid, set()).add(self.bot_id)
            msg["thread"] = thread
            msg["flags"] = int(msg.get("flags") or 0) | (1 << 5)  # HAS_THREAD
            self.h.server_event("THREAD_CREATE", p.thread_create(store.thread_payload(tid)))
            self.h.server_event("MESSAGE_UPDATE", msg)
            return store.thread_payload(tid)

        @r("POST", "/channels/{channel_id}/threads")
        def thread_without_message(call: Call) -> Any:
            body = call.json or {}
            if "message" in body:  # forum post
                raise FakeHTTPError(
                    400, 50024, "Cannot execute action on this channel type (forum not modelled)"
                )
            private = int(body.get("type", p.PRIVATE_THREAD)) == p.PRIVATE_THREAD
            thread = make_thread(
                call.id("channel_id"), body.get("name", "thread"), private=private, body=body
            )
            tid = int(thread["id"])
            self.h.server_event("THREAD_CREATE", p.thread_create(store.thread_payload(tid)))
            return store.thread_payload(tid)

        def thread_member_change(call: Call, user_id: int, add: bool) -> Any:
            tid = call.id("channel_id")
            ch = self.channel_or_404(tid)
            if ch["type"] not in p.THREAD_TYPES:
                raise FakeHTTPError(400, 50024, "Cannot execute action on this channel type")
            if user_id != self.bot_id and not add and int(ch["owner_id"]) != self.bot_id:
                self.require(tid, "manage_threads")
            members = store.thread_members.setdefault(tid, set())
            (members.add if add else members.discard)(user_id)
            ch["member_count"] = len(members)
            payload: JSON = {
                "id": str(tid),
                "guild_id": ch["guild_id"],
                "member_count": len(members),
            }
            if add:
                tm = p.thread_member(tid, user_id)
                if user_id in store.guild(int(ch["guild_id"])).members:
                    tm["member"] = store.member_for(int(ch["guild_id"]), user_id)
                payload["added_members"] = [tm]
            else:
                payload["removed_member_ids"] = [str(user_id)]
            self.h.server_event("THREAD_MEMBERS_UPDATE", payload)
            return None

        @r("PUT", "/channels/{channel_id}/thread-members/@me")
        def join_thread(call: Call) -> Any:
            return thread_member_change(call, self.bot_id, True)

        @r("DELETE", "/channels/{channel_id}/thread-members/@me")
        def leave_thread(call: Call) -> Any:
            return thread_member_change(call, self.bot_id, False)

        @r("PUT", "/channels/{channel_id}/thread-members/{user_id}")
        def add_thread_member(call: Call) -> Any:
            return thread_member_change(call, call.id("user_id"), True)

        @r("DELETE", "/channels/{channel_id}/thread-members/{user_id}")
        def remove_thread_member(call: Call) -> Any:
            return thread_member_change(call, call.id("user_id"), False)

        @r("POST", "/users/@me/channels")
        def open_dm(call: Call) -> Any:
            uid = int((call.json or {})["recipient_id"])
            if uid not in store.users:
                raise not_found(10013, "User")
            return store.dm_for(uid)

        # -- guilds, members, roles ----------------------------------------

        @r("GET", "/guilds/{guild_id}")
        def get_guild(call: Call) -> Any:
            gid = call.id("guild_id")
            if gid not in store.guilds:
                raise not_found(10004, "Guild")
            data = store.guild_payload(gid, for_gateway=False)
            data["approximate_member_count"] = len(store.guild(gid).members)
            data["approximate_presence_count"] = 0
            return data

        @r("GET", "/guilds/{guild_id}/channels")
        def guild_channels(call: Call) -> Any:
            gid = call.id("guild_id")
            return [
                store.channels[c]
                for c in store.guild(gid).channel_ids
                if store.channels[c]["type"] not in p.THREAD_TYPES
            ]

        @r("POST", "/guilds/{guild_id}/channels")
        def create_channel(call: Call) -> Any:
            gid = call.id("guild_id")
            self.require_guild(gid, "manage_channels")
            body = call.json or {}
            payload = p.text_channel(
                store.ids.next(),
                gid,
                body.get("name", "channel"),
                topic=body.get("topic"),
                parent_id=int(body["parent_id"]) if body.get("parent_id") else None,
                kind=int(body.get("type", p.GUILD_TEXT)),
                overwrites=[
                    {
                        **o,
                        "id": str(o["id"]),
                        "allow": str(o.get("allow", 0)),
                        "deny": str(o.get("deny", 0)),
                    }
                    for o in body.get("permission_overwrites", [])
                ],
                position=int(body.get("position") or 0),
            )
            store.add_channel(payload)
            self.h.server_event("CHANNEL_CREATE", payload)
            return payload

        @r("GET", "/guilds/{guild_id}/threads/active")
        def active_threads(call: Call) -> Any:
            gid = call.id("guild_id")
            threads = [
                store.thread_payload(c)
                for c in store.guild(gid).channel_ids
                if store.channels[c]["type"] in p.THREAD_TYPES
                and not store.channels[c]["thread_metadata"]["archived"]
            ]
            members = [p.thread_member(int(t["id"]), self.bot_id) for t in threads if "member" in t]
            return {"threads": threads, "members": members}

        @r("GET", "/guilds/{guild_id}/members/{member_id}")
        def get_member(call: Call) -> Any:
            gid = call.id("guild_id")
            uid = call.id("member_id")
            if uid not in store.guild(gid).members:
                raise not_found(10007, "Member")
            return store.member_for(gid, uid)

        @r("GET", "/guilds/{guild_id}/members")
        def list_members(call: Call) -> Any:
            gid = call.id("guild_id")
            after = int(call.query("after", 0))
            limit = int(call.query("limit", 1))
            members = sorted(store.guild(gid).members.items())
            return [store.member_for(gid, uid) for uid, _ in members if uid > after][:limit]

        def change_member_roles(call: Call, add: bool) -> Any:
            gid = call.id("guild_id")
            uid = call.id("user_id")
            rid = call.id("role_id")
            record = store.guild(gid)
            if uid not in record.members:
                raise not_found(10007, "Member")
            if rid not in record.roles:
                raise not_found(10011, "Role")
            self.require_guild(gid, "manage_roles")
            if (
                int(record.roles[rid]["position"]) >= self.bot_top_role_position(gid)
                or record.roles[rid]["managed"]
            ):
                raise MISSING_PERMISSIONS
            member = record.members[uid]
            roles = [r for r in member["roles"] if int(r) != rid]
            if add:
                roles.append(str(rid))
            member["roles"] = roles
            self.h.server_event("GUILD_MEMBER_UPDATE", {**member, "guild_id": str(gid)})
            return None

        @r("PUT", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}")
        def add_role(call: Call) -> Any:
            return change_member_roles(call, True)

        @r("DELETE", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}")
        def remove_role(call: Call) -> Any:
            return change_member_roles(call, False)

        @r("PATCH", "/guilds/{guild_id}/members/{user_id}")
        def edit_member(call: Call) -> Any:
            gid = call.id("guild_id")
            uid = call.id("user_id")
            record = store.guild(gid)
            if uid not in record.members:
                raise not_found(10007, "Member")
            body = call.json or {}
            member = record.members[uid]
            if "roles" in body:
                self.require_guild(gid, "manage_roles")
                top = self.bot_top_role_position(gid)
                before = {int(r) for r in member["roles"]}
                after = {int(r) for r in body["roles"]}
                for changed in before ^ after:
                    if int(record.roles[changed]["position"]) >= top:
                        raise MISSING_PERMISSIONS
                member["roles"] = [str(r) for r in body["roles"]]
            if "nick" in body:
                self.require_guild(gid, "manage_nicknames")
                member["nick"] = body["nick"]
            if "communication_disabled_until" in body:
                self.require_guild(gid, "moderate_members")
                member["communication_disabled_until"] = body["communication_disabled_until"]
            self.h.server_event("GUILD_MEMBER_UPDATE", {**member, "guild_id": str(gid)})
            return member

        @r("GET", "/guilds/{guild_id}/roles")
        def list_roles(call: Call) -> Any:
            return list(store.guild(call.id("guild_id")).roles.values())

        @r("POST", "/guilds/{guild_id}/roles")
        def create_role(call: Call) -> Any:
            gid = call.id("guild_id")
            self.require_guild(gid, "manage_roles")
            body = call.json or {}
            payload = store.add_role(
                gid,
                body.get("name", "new role"),
                permissions=int(body.get("permissions", 0) or 0),
                color=int(body.get("color", 0) or 0),
                hoist=bool(body.get("hoist", False)),
                mentionable=bool(body.get("mentionable", False)),
                position=1,
            )
            self.h.server_event("GUILD_ROLE_CREATE", {"guild_id": str(gid), "role": payload})
            return payload

        @r("PATCH", "/guilds/{guild_id}/roles/{role_id}")
        def edit_role(call: Call) -> Any:
            gid = call.id("guild_id")
            rid = call.id("role_id")
            self.require_guild(gid, "manage_roles")
            role = store.guild(gid).roles.get(rid)
            if role is None:
                raise not_found(10011, "Role")
            for key, value in (call.json or {}).items():
                role[key] = str(value) if key == "permissions" else value
            self.h.server_event("GUILD_ROLE_UPDATE", {"guild_id": str(gid), "role": role})
            return role

        @r("DELETE", "/guilds/{guild_id}/roles/{role_id}")
        def delete_role(call: Call) -> Any:
            gid = call.id("guild_id")
            rid = call.id("role_id")
            self.require_guild(gid, "manage_roles")
            record = store.guild(gid)
            if rid not in record.roles:
                raise not_found(10011, "Role")
            del record.roles[rid]
            for m in record.members.values():
                m["roles"] = [r for r in m["roles"] if int(r) != rid]
            self.h.server_event("GUILD_ROLE_DELETE", {"guild_id": str(gid), "role_id": str(rid)})
            return None

        # -- application commands ------------------------------------------

        def upsert_commands(call: Call, guild_id: int | None) -> Any:
            existing = {c["name"]: c for c in store.commands.get(guild_id, [])}
            out = []
            for cmd in call.json or []:
                prev = existing.get(cmd["name"])
                data = {
                    **cmd,
                    "id": prev["id"] if prev else str(store.ids.next()),
                    "application_id": str(self.h.application_id),
                    "version": str(store.ids.next()),
                    "default_member_permissions": cmd.get("default_member_permissions"),
                    "type": cmd.get("type", 1),
                }
                if guild_id is not None:
                    data["guild_id"] = str(guild_id)
                out.append(data)
            store.commands[guild_id] = out
            return out

        @r("PUT", "/applications/{application_id}/commands")
        def sync_global(call: Call) -> Any:
            return upsert_commands(call, None)

        @r("PUT", "/applications/{application_id}/guilds/{guild_id}/commands")
        def sync_guild(call: Call) -> Any:
            return upsert_commands(call, call.id("guild_id"))

        @r("GET", "/applications/{application_id}/commands")
        def get_global(call: Call) -> Any:
            return store.commands.get(None, [])

        @r("GET", "/applications/{application_id}/guilds/{guild_id}/commands")
        def get_guild_cmds(call: Call) -> Any:
            return store.commands.get(call.id("guild_id"), [])

        # -- interaction & webhook routes ----------------------------------

        r("POST", "/interactions/{webhook_id}/{webhook_token}/callback")(self._callback)
        r("POST", "/webhooks/{webhook_id}/{webhook_token}")(self._followup)
        for template in (
            "/webhooks/{webhook_id}/{webhook_token}/messages/@original",
            "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}",
        ):
            r("GET", template)(self._webhook_get)
            r("PATCH", template)(self._webhook_edit)
            r("DELETE", template)(self._webhook_delete)

    # ------------------------------------------------------------------
    # interactions
    # ------------------------------------------------------------------

    def _state_for(self, call: Call) -> InteractionState:
        token = call.param("webhook_token")
        state = self.interactions.get(token)
        if state is None:
            raise not_found(10015, "Webhook")
        state.result.calls.append(call.request)
        return state

    def _interaction_metadata(self, state: InteractionState) -> JSON:
        payload = state.result.payload
        invoker = payload["member"]["user"] if "member" in payload else payload["user"]
        meta: JSON = {
            "id": payload["id"],
            "type": payload["type"],
            "user": invoker,
            "authorizing_integration_owners": payload.get("authorizing_integration_owners", {}),
        }
        if payload["type"] == p.APPLICATION_COMMAND:
            meta["name"] = state.result.label.lstrip("/")
            meta["command_type"] = payload["data"].get("type", 1)
        if state.result.source_message_id is not None:
            meta["interacted_message_id"] = str(state.result.source_message_id)
        return meta

    def _new_interaction_message(
        self, call: Call, state: InteractionState, body: JSON, *, flags: int
    ) -> JSON:
        is_command = state.result.kind == p.APPLICATION_COMMAND
        msg = self.build_bot_message(
            call.request,
            body,
            state.channel_id,
            webhook_id=self.h.application_id,
            interaction_metadata=self._interaction_metadata(state),
            message_type=20 if is_command else 0,
            flags=flags,
        )
        ephemeral = bool(flags & p.FLAG_EPHEMERAL)
        self.store.store_message(msg, ephemeral=ephemeral)
        state.message_ids.append(int(msg["id"]))
        if not ephemeral:
            self.h.server_event("MESSAGE_CREATE", msg)
        return msg

    def _callback(self, call: Call) -> Any:
        state = self._state_for(call)
        result = state.result
        body = call.json or {}
        ctype = int(body.get("type", 0))
        data = body.get("data") or {}
        if str(result.id) != call.param("webhook_id"):
            raise not_found(10062, "interaction")
        if result.initial is not None:
            raise FakeHTTPError(400, 40060, "Interaction has already been acknowledged.")
        allowed = {
            p.APPLICATION_COMMAND: {4, 5, 9, 12},
            p.MESSAGE_COMPONENT: {4, 5, 6, 7, 9, 12},
            p.AUTOCOMPLETE: {8},
            p.MODAL_SUBMIT: {4, 5, 6, 7} if result.source_message_id else {4, 5},
        }[result.kind]
        if ctype not in allowed:
            raise FakeHTTPError(
                400,
                50035,
                f"Invalid Form Body (callback type {ctype} for interaction {result.kind})",
            )
        result.initial = InteractionResponse(ctype, data, call.request.files, call.request)
        interaction_obj: JSON = {"id": str(result.id), "type": result.kind}
        resource: JSON = {"type": ctype}
        flags = int(data.get("flags") or 0)
        if ctype == 4:
            msg = self._new_interaction_message(call, state, data, flags=flags)
            result.original_message_id = int(msg["id"])
            interaction_obj.update(
                response_message_id=msg["id"],
                response_message_loading=False,
                response_message_ephemeral=bool(flags & p.FLAG_EPHEMERAL),
            )
            resource["message"] = msg
        elif ctype == 5:
            msg = self._new_interaction_message(
                call, state, {"content": ""}, flags=p.FLAG_LOADING | (flags & 64)
            )
            result.original_message_id = int(msg["id"])
            state.loading = True
            interaction_obj.update(
                response_message_id=msg["id"],
                response_message_loading=True,
                response_message_ephemeral=bool(flags & p.FLAG_EPHEMERAL),
            )
        elif ctype in (6, 7):
            source_id = result.source_message_id
            result.original_message_id = source_id
            if ctype == 7 and source_id is not None:
                msg = self.store.message(source_id)
                self.apply_edit(call.request, msg, data)
                interaction_obj["response_message_id"] = msg["id"]
                interaction_obj["response_message_ephemeral"] = (
                    source_id in self.store.ephemeral_messages
                )
                resource["message"] = msg
                if source_id not in self.store.ephemeral_messages:
                    self.h.server_event("MESSAGE_UPDATE", msg)
        return {"interaction": interaction_obj, "resource": resource}

    def _followup(self, call: Call) -> Any:
        state = self._state_for(call)
        result = state.result
        body = call.json or {}
        if call.param("webhook_id") != str(self.h.application_id):
            raise not_found(10015, "Webhook")
        if result.initial is None:
            raise not_found(10015, "Webhook")
        if state.loading and result.original_message_id is not None:
            # The first follow-up after a deferred (type 5) response replaces the
            # "is thinking..." message instead of creating a new one.
            state.loading = False
            msg = self.store.message(result.original_message_id)
            self.apply_edit(call.request, msg, body)
            ephemeral = int(msg["id"]) in self.store.ephemeral_messages
            if not ephemeral:
                self.h.server_event("MESSAGE_UPDATE", msg)
        else:
            msg = self._new_interaction_message(
                call, state, body, flags=int(body.get("flags") or 0)
            )
        result.followups.append(
            MessageOut(
                body,
                via="followup",
                files=call.request.files,
                channel_id=state.channel_id,
                message_id=int(msg["id"]),
                request=call.request,
            )
        )
        return msg if str(call.query("wait", "0")) in ("1", "true", "True") else None

    def _target_message(self, call: Call, state: InteractionState) -> JSON:
        raw = call.request.params.get("message_id")
        if raw is None:  # @original
            if state.result.original_message_id is None:
                raise not_found(10008, "Message")
            mid = state.result.original_message_id
        else:
            mid = int(raw)
            if mid not in state.message_ids:
                raise not_found(10008, "Message")
        msg = self.store.messages.get(mid)
        if msg is None:
            raise not_found(10008, "Message")
        return msg

    def _webhook_get(self, call: Call) -> Any:
        state = self._state_for(call)
        return self._target_message(call, state)

    def _webhook_edit(self, call: Call) -> Any:
        state = self._state_for(call)
        msg = self._target_message(call, state)
        body = call.json or {}
        self.apply_edit(call.request, msg, body)
        if int(msg["id"]) == state.result.original_message_id:
            state.loading = False
        state.result.edits.append(
            MessageOut(
                body,
                via="edit",
                files=call.request.files,
                channel_id=int(msg["channel_id"]),
                message_id=int(msg["id"]),
                request=call.request,
            )
        )
        if int(msg["id"]) not in self.store.ephemeral_messages:
            self.h.server_event("MESSAGE_UPDATE", msg)
        return msg

    def _webhook_delete(self, call: Call) -> Any:
        state = self._state_for(call)
        msg = self._target_message(call, state)
        mid = int(msg["id"])
        ephemeral = mid in self.store.ephemeral_messages
        self.store.delete_message(mid)
        state.result.deletes.append(call.request)
        if not ephemeral:
            cid = int(msg["channel_id"])
            self.h.server_event(
                "MESSAGE_DELETE", p.message_delete(mid, cid, self.store.guild_id_of(cid))
            )
        return None


def _emoji_from_route(raw: str) -> str | JSON:
    text = unquote(raw)
    if ":" in text:
        name, _, eid = text.partition(":")
        return {"id": eid, "name": name}
    return text
