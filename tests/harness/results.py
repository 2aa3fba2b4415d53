"""What the bot sent, in forms that are easy to assert on."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import payloads as p
from .payloads import JSON

# Interaction callback types (docs/interactions/receiving-and-responding.mdx).
CALLBACK_NAMES = {
    1: "pong",
    4: "channel_message",
    5: "deferred_channel_message",
    6: "deferred_message_update",
    7: "message_update",
    8: "autocomplete_result",
    9: "modal",
    10: "premium_required",
    12: "launch_activity",
}


@dataclass
class RecordedFile:
    filename: str
    data: bytes
    field: str

    @property
    def text(self) -> str:
        return self.data.decode("utf-8")


@dataclass
class RecordedRequest:
    """One HTTP call the bot made (REST through ``HTTPClient`` or a webhook/interaction call)."""

    method: str
    path: str
    route: str
    params: dict[str, str]
    json: Any
    query: dict[str, Any] | None
    files: list[RecordedFile]
    reason: str | None
    via: str  # "rest" or "webhook"
    status: int = 0
    response: Any = None
    handled: bool = True
    error: Any = None

    def matches(self, method: str | None = None, path: str | None = None) -> bool:
        """``path`` is either a route template (``/channels/{channel_id}/messages``), a glob
        over the concrete path (``/channels/*/messages``) or a compiled regex."""
        if method is not None and self.method != method.upper():
            return False
        if path is None:
            return True
        if isinstance(path, re.Pattern):
            return path.search(self.path) is not None
        if "{" in path:
            return self.route == path
        return fnmatch.fnmatchcase(self.path, path)

    def __repr__(self) -> str:
        flag = "" if self.handled else " UNHANDLED"
        return f"<{self.via} {self.method} {self.path} -> {self.status}{flag}>"


@dataclass(frozen=True)
class Pings:
    """Who a message would actually notify, given its content and ``allowed_mentions``."""

    users: frozenset[int]
    roles: frozenset[int]
    everyone: bool
    replied_user: bool

    @property
    def none(self) -> bool:
        return not (self.users or self.roles or self.everyone or self.replied_user)


def compute_pings(
    content: str | None, allowed_mentions: Mapping[str, Any] | None, *, is_reply: bool
) -> Pings:
    """Apply Discord's allowed-mentions rules (docs/resources/message.md).

    Without an ``allowed_mentions`` object Discord parses every mention in the content
    (and pings the replied-to user); with one, only what ``parse`` / ``users`` /
    ``roles`` / ``replied_user`` allow pings. Mentions inside embeds never ping.
    """
    text = content or ""
    users = set(p.mentioned_user_ids(text))
    roles = set(p.mentioned_role_ids(text))
    everyone = "@everyone" in text or "@here" in text
    if allowed_mentions is None:
        return Pings(frozenset(users), frozenset(roles), everyone, is_reply)
    parse = set(allowed_mentions.get("parse", []))
    allowed_users = {int(u) for u in allowed_mentions.get("users", [])}
    allowed_roles = {int(r) for r in allowed_mentions.get("roles", [])}
    return Pings(
        frozenset(users if "users" in parse else users & allowed_users),
        frozenset(roles if "roles" in parse else roles & allowed_roles),
        everyone and "everyone" in parse,
        is_reply and bool(allowed_mentions.get("replied_user", False)),
    )


@dataclass
class MessageOut:
    """A message-like payload the bot sent (REST send/edit, interaction response, follow-up).

    ``payload`` is exactly the JSON the bot put on the wire (for multipart requests,
    the ``payload_json`` part); ``files`` are the uploaded files.
    """

    payload: JSON
    via: str
    files: list[RecordedFile] = field(default_factory=list)
    channel_id: int | None = None
    message_id: int | None = None
    request: RecordedRequest | None = None
    is_reply: bool = False

    @property
    def content(self) -> str:
        """The text ("" when the message has none)."""
        return str(self.payload.get("content") or "")

    @property
    def embeds(self) -> list[JSON]:
        return list(self.payload.get("embeds") or [])

    @property
    def embed(self) -> JSON:
        """The first embed; ``{}`` (falsy) when there is none."""
        embeds = self.embeds
        return embeds[0] if embeds else {}

    @property
    def components(self) -> list[JSON]:
        return list(self.payload.get("components") or [])

    def walk_components(self) -> Iterator[Mapping[str, Any]]:
        yield from p.walk_components(self.components)

    @property
    def custom_ids(self) -> list[str]:
        return [c["custom_id"] for c in self.walk_components() if "custom_id" in c]

    def component(self, custom_id: str) -> Mapping[str, Any]:
        for c in self.walk_components():
            if c.get("custom_id") == custom_id:
                return c
        raise AssertionError(f"no component with custom_id {custom_id!r}; have {self.custom_ids}")

    @property
    def buttons(self) -> list[Mapping[str, Any]]:
        return [c for c in self.walk_components() if c.get("type") == 2]

    @property
    def flags(self) -> int:
        return int(self.payload.get("flags") or 0)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & p.FLAG_EPHEMERAL)

    @property
    def allowed_mentions(self) -> JSON | None:
        """The ``allowed_mentions`` object sent, or ``None`` if the bot sent none
        (which means Discord's default: *everything* in the content pings)."""
        return self.payload.get("allowed_mentions")

    @property
    def pings(self) -> Pings:
        return compute_pings(self.content, self.allowed_mentions, is_reply=self.is_reply)

    @property
    def allows_no_mentions(self) -> bool:
        """True when the payload itself forbids every ping, whatever the content."""
        am = self.allowed_mentions
        return (
            am is not None
            and not am.get("parse")
            and not am.get("users")
            and not am.get("roles")
            and not am.get("replied_user", False)
        )

    @property
    def attachments(self) -> list[JSON]:
        return list(self.payload.get("attachments") or [])

    @property
    def filenames(self) -> list[str]:
        return [f.filename for f in self.files]

    def file(self, filename: str) -> RecordedFile:
        for f in self.files:
            if f.filename == filename:
                return f
        raise AssertionError(f"no file {filename!r}; have {self.filenames}")

    def text(self) -> str:
        """Content plus every embed's title/description/fields/footer, one string."""
        parts: list[str] = [self.content or ""]
        for e in self.embeds:
            parts += [e.get("title") or "", e.get("description") or ""]
            for f in e.get("fields") or []:
                parts += [f.get("name") or "", f.get("value") or ""]
            parts.append((e.get("footer") or {}).get("text") or "")
            parts.append((e.get("author") or {}).get("name") or "")
        for c in self.walk_components():
            if c.get("type") == 10:
                parts.append(c.get("content") or "")
        return "\n".join(x for x in parts if x)

    def __repr__(self) -> str:
        bits = [self.via]
        if self.message_id:
            bits.append(f"id={self.message_id}")
        if self.content:
            bits.append(f"content={self.content[:60]!r}")
        if self.embeds:
            bits.append(f"embeds={len(self.embeds)}")
        if self.custom_ids:
            bits.append(f"components={self.custom_ids}")
        if self.ephemeral:
            bits.append("ephemeral")
        return f"<MessageOut {' '.join(bits)}>"


class NoResponseError(AssertionError):
    """Raised when a test reads the response of an interaction the bot never answered."""


@dataclass
class InteractionResponse:
    """The initial callback (``POST /interactions/{id}/{token}/callback``)."""

    type: int
    data: JSON
    files: list[RecordedFile]
    request: RecordedRequest

    @property
    def type_name(self) -> str:
        return CALLBACK_NAMES.get(self.type, str(self.type))

    def as_message(self) -> MessageOut:
        return MessageOut(
            self.data, via="interaction_response", files=self.files, request=self.request
        )

    # message-ish accessors (types 4, 5, 7)
    @property
    def content(self) -> str:
        """The text ("" when the response has none)."""
        return str(self.data.get("content") or "")

    @property
    def embeds(self) -> list[JSON]:
        return self.as_message().embeds

    @property
    def embed(self) -> JSON:
        """The first embed; ``{}`` (falsy) when there is none."""
        return self.as_message().embed

    @property
    def components(self) -> list[JSON]:
        return self.as_message().components

    @property
    def custom_ids(self) -> list[str]:
        return self.as_message().custom_ids

    @property
    def flags(self) -> int:
        return int(self.data.get("flags") or 0)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & p.FLAG_EPHEMERAL)

    @property
    def deferred(self) -> bool:
        return self.type in (5, 6)

    @property
    def allowed_mentions(self) -> JSON | None:
        return self.data.get("allowed_mentions")

    @property
    def pings(self) -> Pings:
        return self.as_message().pings

    @property
    def allows_no_mentions(self) -> bool:
        return self.as_message().allows_no_mentions

    @property
    def attachments(self) -> list[JSON]:
        return self.as_message().attachments

    def text(self) -> str:
        return self.as_message().text()

    # autocomplete (8)
    @property
    def choices(self) -> list[JSON]:
        if self.type != 8:
            raise AssertionError(f"response is {self.type_name}, not an autocomplete result")
        return list(self.data.get("choices") or [])

    # modal (9)
    @property
    def modal(self) -> JSON:
        if self.type != 9:
            raise AssertionError(f"response is {self.type_name}, not a modal")
        return self.data

    def __repr__(self) -> str:
        return f"<InteractionResponse {self.type_name} {self.data!r:.120}>"


@dataclass
class InteractionResult:
    """Everything the bot did in answer to one interaction, keyed by its token."""

    kind: int
    payload: JSON
    label: str
    calls: list[RecordedRequest] = field(default_factory=list)
    initial: InteractionResponse | None = None
    followups: list[MessageOut] = field(default_factory=list)
    edits: list[MessageOut] = field(default_factory=list)
    deletes: list[RecordedRequest] = field(default_factory=list)
    original_message_id: int | None = None
    source_message_id: int | None = None
    errors: list[Any] = field(default_factory=list)

    @property
    def id(self) -> int:
        return int(self.payload["id"])

    @property
    def token(self) -> str:
        return str(self.payload["token"])

    @property
    def responded(self) -> bool:
        return self.initial is not None

    @property
    def response(self) -> InteractionResponse:
        """The initial response; raises :class:`NoResponseError` if there was none."""
        if self.initial is None:
            detail = (
                f" (handler errors: {[repr(e.error) for e in self.errors]})" if self.errors else ""
            )
            raise NoResponseError(
                f"the bot sent no interaction response to {self.label}{detail}; "
                "on Discord the user would see 'The application did not respond'"
            )
        return self.initial

    @property
    def messages(self) -> list[MessageOut]:
        """Every message-like output in order: response (if it carries one), follow-ups, edits."""
        out: list[MessageOut] = []
        for call in self.calls:
            for m in [*self.followups, *self.edits]:
                if m.request is call:
                    out.append(m)
            if (
                self.initial is not None
                and self.initial.request is call
                and self.initial.type in (4, 7)
            ):
                out.append(self.initial.as_message())
        return out

    @property
    def last_message(self) -> MessageOut:
        msgs = self.messages
        if not msgs:
            raise NoResponseError(f"the bot sent no message in answer to {self.label}")
        return msgs[-1]

    @property
    def modal(self) -> JSON:
        return self.response.modal

    @property
    def choices(self) -> list[JSON]:
        return self.response.choices

    @property
    def message_id(self) -> int | None:
        """The id of the message the response created or updated (for later clicks)."""
        return self.original_message_id

    def __repr__(self) -> str:
        return (
            f"<InteractionResult {self.label} response={self.initial!r} "
            f"followups={len(self.followups)} edits={len(self.edits)} errors={len(self.errors)}>"
        )


def flatten_requests(
    requests: Sequence[RecordedRequest], method: str | None, path: str | None
) -> list[RecordedRequest]:
    return [r for r in requests if r.matches(method, path)]
