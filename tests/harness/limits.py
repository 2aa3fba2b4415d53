"""Discord's limits on what a bot sends: anything over one is refused with 400 Invalid Form Body.

The fake API checks every message a bot sends or edits, whichever way it goes (REST send and
edit, interaction callbacks, follow-ups, ``@original`` and other webhook edits), every modal and
every autocomplete answer, plus the names Discord caps (threads, channels, roles, nicknames).
A violation is answered like Discord does (400, code 50035) *and* recorded as a surfaced
:class:`~tests.harness.errors.DiscordWouldNotSend`, so the test fails at the next settle even
when the bot swallows the HTTP error - with the limit, the field and the bot's call site named.

Numbers from discord-api-docs (``docs/resources/message.md`` "Embed Limits",
``docs/components/reference.mdx``, ``docs/interactions/receiving-and-responding.mdx``,
``docs/interactions/application-commands.mdx``, ``docs/resources/channel.md``); the upload limit
is discord.py 2.7's ``DEFAULT_FILE_SIZE_LIMIT_BYTES`` (10 MiB), what the fake advertises as the
interactions' ``attachment_size_limit``, raised by a server's boost tier as in discord.py.
"""

from __future__ import annotations

import traceback
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import payloads as p
from .errors import DiscordWouldNotSend

if TYPE_CHECKING:
    from .api import FakeAPI
    from .results import RecordedRequest

CONTENT = 2000
EMBEDS = 10
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELDS = 25
EMBED_FIELD_NAME = 256
EMBED_FIELD_VALUE = 1024
EMBED_FOOTER = 2048
EMBED_AUTHOR = 256
EMBED_TOTAL = 6000
ACTION_ROWS = 5
BUTTONS_PER_ROW = 5
CUSTOM_ID = 100
BUTTON_LABEL = 80
SELECT_OPTIONS = 25
SELECT_OPTION_TEXT = 100  # label, value, description
SELECT_PLACEHOLDER = 150
SELECT_VALUES = 25  # min_values / max_values
V2_COMPONENTS = 40  # all components of a message with IS_COMPONENTS_V2
V2_TEXT = 4000  # all text displays of such a message
MODAL_TITLE = 45
MODAL_COMPONENTS = 5
TEXT_INPUT_LABEL = 45
TEXT_INPUT_PLACEHOLDER = 100
TEXT_INPUT_VALUE = 4000
LABEL_DESCRIPTION = 100
CHOICES = 25
CHOICE_TEXT = 100  # name, string value
FILES = 10
CHANNEL_NAME = 100  # channels and threads
CHANNEL_TOPIC = 1024
ROLE_NAME = 100
NICKNAME = 32

FLAG_COMPONENTS_V2 = 1 << 15
BOOSTED_UPLOAD = {2: 50 * 1024 * 1024, 3: 100 * 1024 * 1024}  # discord.py's premium limits

SELECT_TYPES = (3, 5, 6, 7, 8)


@dataclass
class Limits:
    """``h.api.limits``: set ``enabled = False`` for a test that sends over-limit on purpose."""

    enabled: bool = True
    attachment_bytes: int = p.DEFAULT_ATTACHMENT_SIZE_LIMIT
    checked: int = 0
    refused: list[str] = field(default_factory=list)


def _length(value: Any) -> int:
    return len(value) if isinstance(value, str) else 0


class _Check:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def at_most(self, where: str, value: Any, limit: int, what: str = "characters") -> None:
        size = value if isinstance(value, int) else _length(value)
        if size > limit:
            self.problems.append(f"{where} has {size:,} {what} (Discord's limit: {limit:,})")

    def between(self, where: str, value: Any, low: int, high: int) -> None:
        if value is None:
            return
        if not isinstance(value, int) or not low <= value <= high:
            self.problems.append(f"{where} is {value!r} (Discord allows {low}..{high})")

    # -- messages ---------------------------------------------------------------------------

    def message(
        self,
        body: Mapping[str, Any],
        files: int,
        sizes: Sequence[tuple[str, int]],
        upload_limit: int,
    ) -> None:
        if "content" in body:
            self.at_most("content", body.get("content") or "", CONTENT)
        embeds = body.get("embeds") or []
        if embeds:
            self.at_most("embeds", len(embeds), EMBEDS, "embeds")
            self.embeds(embeds)
        flags = int(body.get("flags") or 0)
        components = body.get("components") or []
        if components:
            if flags & FLAG_COMPONENTS_V2:
                self.layout(components)
            else:
                self.action_rows(components)
        self.at_most("files", files, FILES, "files")
        for name, size in sizes:
            self.at_most(f"file {name!r}", size, upload_limit, "bytes")

    def embeds(self, embeds: Sequence[Mapping[str, Any]]) -> None:
        total = 0
        for i, embed in enumerate(embeds):
            where = f"embeds[{i}]"
            title = embed.get("title") or ""
            description = embed.get("description") or ""
            self.at_most(f"{where}.title", title, EMBED_TITLE)
            self.at_most(f"{where}.description", description, EMBED_DESCRIPTION)
            total += _length(title) + _length(description)
            fields = embed.get("fields") or []
            self.at_most(f"{where}.fields", len(fields), EMBED_FIELDS, "fields")
            for j, f in enumerate(fields):
                name, value = f.get("name") or "", f.get("value") or ""
                self.at_most(f"{where}.fields[{j}].name", name, EMBED_FIELD_NAME)
                self.at_most(f"{where}.fields[{j}].value", value, EMBED_FIELD_VALUE)
                total += _length(name) + _length(value)
            footer = (embed.get("footer") or {}).get("text") or ""
            author = (embed.get("author") or {}).get("name") or ""
            self.at_most(f"{where}.footer.text", footer, EMBED_FOOTER)
            self.at_most(f"{where}.author.name", author, EMBED_AUTHOR)
            total += _length(footer) + _length(author)
        self.at_most("all embeds together", total, EMBED_TOTAL)

    def action_rows(self, rows: Sequence[Mapping[str, Any]]) -> None:
        self.at_most("components", len(rows), ACTION_ROWS, "action rows")
        for i, row in enumerate(rows):
            where = f"components[{i}]"
            if row.get("type") != 1:
                self.problems.append(f"{where} is type {row.get('type')}, not an action row")
                continue
            items = row.get("components") or []
            selects = [c for c in items if c.get("type") in SELECT_TYPES]
            if selects and len(items) > 1:
                self.problems.append(
                    f"{where} holds a select and {len(items) - 1} more component(s); "
                    "a select takes a whole row"
                )
            buttons = [c for c in items if c.get("type") == 2]
            self.at_most(where, len(buttons), BUTTONS_PER_ROW, "buttons")
        self.items(rows)

    def layout(self, components: Sequence[Mapping[str, Any]]) -> None:
        count = sum(1 for _ in p.walk_components(list(components)))
        self.at_most("components (IS_COMPONENTS_V2)", count, V2_COMPONENTS, "components")
        text = sum(
            _length(c.get("content"))
            for c in p.walk_components(list(components))
            if c.get("type") == 10
        )
        self.at_most("text displays together", text, V2_TEXT)
        self.items(components)

    def items(self, components: Sequence[Mapping[str, Any]]) -> None:
        seen: set[str] = set()
        for c in p.walk_components(components):
            cid = c.get("custom_id")
            label = f"component {cid!r}" if cid else f"component of type {c.get('type')}"
            if cid is not None:
                self.at_most(f"{label} custom_id", cid, CUSTOM_ID)
                if cid in seen:
                    self.problems.append(f"custom_id {cid!r} is used twice in one message")
                seen.add(cid)
            kind = c.get("type")
            if kind == 2:
                self.at_most(f"{label} label", c.get("label"), BUTTON_LABEL)
            elif kind in SELECT_TYPES:
                self.at_most(f"{label} placeholder", c.get("placeholder"), SELECT_PLACEHOLDER)
                self.between(f"{label} min_values", c.get("min_values"), 0, SELECT_VALUES)
                self.between(f"{label} max_values", c.get("max_values"), 1, SELECT_VALUES)
                if kind == 3:
                    options = c.get("options") or []
                    self.at_most(f"{label} options", len(options), SELECT_OPTIONS, "options")
                    for k, o in enumerate(options):
                        for key in ("label", "value", "description"):
                            self.at_most(
                                f"{label} options[{k}].{key}", o.get(key), SELECT_OPTION_TEXT
                            )

    # -- modals and autocomplete ------------------------------------------------------------

    def modal(self, data: Mapping[str, Any]) -> None:
        self.at_most("modal title", data.get("title"), MODAL_TITLE)
        self.at_most("modal custom_id", data.get("custom_id"), CUSTOM_ID)
        top = data.get("components") or []
        if not 1 <= len(top) <= MODAL_COMPONENTS:
            self.problems.append(
                f"modal has {len(top)} components (Discord allows 1..{MODAL_COMPONENTS})"
            )
        for c in p.walk_components(top):
            cid = c.get("custom_id")
            label = f"modal field {cid!r}" if cid else f"modal component of type {c.get('type')}"
            if cid is not None:
                self.at_most(f"{label} custom_id", cid, CUSTOM_ID)
            if c.get("type") == 18:  # label wrapper (components v2 in modals)
                self.at_most(f"{label} label", c.get("label"), TEXT_INPUT_LABEL)
                self.at_most(f"{label} description", c.get("description"), LABEL_DESCRIPTION)
            elif c.get("type") == 4:
                self.at_most(f"{label} label", c.get("label"), TEXT_INPUT_LABEL)
                self.at_most(f"{label} placeholder", c.get("placeholder"), TEXT_INPUT_PLACEHOLDER)
                self.at_most(f"{label} value", c.get("value"), TEXT_INPUT_VALUE)
                self.between(f"{label} min_length", c.get("min_length"), 0, TEXT_INPUT_VALUE)
                self.between(f"{label} max_length", c.get("max_length"), 1, TEXT_INPUT_VALUE)
            elif c.get("type") == 10:
                self.at_most(f"{label} content", c.get("content"), V2_TEXT)
            elif c.get("type") in SELECT_TYPES:
                self.items([c])

    def choices(self, data: Mapping[str, Any]) -> None:
        choices = data.get("choices") or []
        self.at_most("autocomplete choices", len(choices), CHOICES, "choices")
        for i, choice in enumerate(choices):
            self.at_most(f"choices[{i}].name", choice.get("name"), CHOICE_TEXT)
            self.at_most(f"choices[{i}].value", choice.get("value"), CHOICE_TEXT)
            if not choice.get("name"):
                self.problems.append(f"choices[{i}].name is empty (Discord needs 1..100)")

    # -- names --------------------------------------------------------------------------------

    def names(self, body: Mapping[str, Any], route: str) -> None:
        if "/roles" in route:
            self.at_most("role name", body.get("name"), ROLE_NAME)
        elif "/members/" in route:
            self.at_most("nickname", body.get("nick"), NICKNAME)
        else:
            self.at_most("channel name", body.get("name"), CHANNEL_NAME)
            self.at_most("channel topic", body.get("topic"), CHANNEL_TOPIC)


MESSAGE_ROUTES = {
    ("POST", "/channels/{channel_id}/messages"): "send",
    ("PATCH", "/channels/{channel_id}/messages/{message_id}"): "edit",
    ("POST", "/webhooks/{webhook_id}/{webhook_token}"): "follow-up",
    ("PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/@original"): "edit of @original",
    ("PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}"): "webhook edit",
}
NAME_ROUTES = {
    ("POST", "/channels/{channel_id}/threads"),
    ("POST", "/channels/{channel_id}/messages/{message_id}/threads"),
    ("PATCH", "/channels/{channel_id}"),
    ("POST", "/guilds/{guild_id}/channels"),
    ("POST", "/guilds/{guild_id}/roles"),
    ("PATCH", "/guilds/{guild_id}/roles/{role_id}"),
    ("PATCH", "/guilds/{guild_id}/members/{user_id}"),
}
CALLBACK_ROUTE = ("POST", "/interactions/{webhook_id}/{webhook_token}/callback")


def problems(
    method: str,
    route: str,
    body: Any,
    file_sizes: Sequence[tuple[str, int]],
    upload_limit: int,
) -> tuple[str, list[str]]:
    """What Discord would refuse in this request: (what the request is, problems)."""
    check = _Check()
    key = (method.upper(), route)
    data: Mapping[str, Any] = body if isinstance(body, Mapping) else {}
    what = ""
    if key in MESSAGE_ROUTES:
        what = MESSAGE_ROUTES[key]
        check.message(data, len(file_sizes), file_sizes, upload_limit)
    elif key == CALLBACK_ROUTE:
        kind = int(data.get("type") or 0)
        inner = data.get("data") or {}
        what = f"interaction callback type {kind}"
        if kind in (4, 7):
            check.message(inner, len(file_sizes), file_sizes, upload_limit)
        elif kind == 9:
            what = "modal"
            check.modal(inner)
        elif kind == 8:
            what = "autocomplete answer"
            check.choices(inner)
    elif key in NAME_ROUTES:
        what = f"{method.upper()} {route}"
        check.names(data, route)
    return what, check.problems


def bot_call_site(limit: int = 4) -> str:
    """The innermost frames of the bot (not the library, not the harness) on the stack now."""
    frames = [
        f
        for f in traceback.extract_stack()
        if "site-packages" not in f.filename
        and "/lib/python3" not in f.filename
        and ("/tests/harness/" not in f.filename or f.filename.endswith("demo.py"))
    ]
    shown = frames[-limit:]
    return "\n".join(f"    {f.filename}:{f.lineno} in {f.name}: {f.line}" for f in shown)


def enforce(api: FakeAPI, request: RecordedRequest) -> None:
    """Refuse ``request`` as Discord would if it breaks a limit (see the module docstring)."""
    limits = api.limits
    if not limits.enabled:
        return
    upload_limit = limits.attachment_bytes
    channel_id = request.params.get("channel_id")
    if channel_id is not None and int(channel_id) in api.store.channels:
        guild_id = api.store.guild_id_of(int(channel_id))
        if guild_id is not None:
            tier = int(api.store.guild(guild_id).base.get("premium_tier") or 0)
            upload_limit = max(upload_limit, BOOSTED_UPLOAD.get(tier, 0))
    sizes = [(f.filename, len(f.data)) for f in request.files]
    what, found = problems(request.method, request.route, request.json, sizes, upload_limit)
    limits.checked += 1
    if not found:
        return
    interaction = None
    token = request.params.get("webhook_token")
    if token is not None and token in api.interactions:
        interaction = api.interactions[token].result
    origin = f" answering {interaction.label}" if interaction is not None else ""
    text = (
        f"Discord would refuse this {what}{origin} ({request.method} {request.path}) "
        "with 400 Invalid Form Body:\n  - " + "\n  - ".join(found)
    )
    site = bot_call_site()
    if site:
        text += f"\nsent from:\n{site}"
    limits.refused.append(text)
    error = DiscordWouldNotSend(text)
    record = api.h.errors_collector.record(
        "discord_limit",
        error,
        where=f"{request.method} {request.route}",
        handled_by_bot=False,
        surfaced=True,
    )
    if record is not None and interaction is not None:
        record.interaction_id = interaction.id
    from .api import FakeHTTPError

    raise FakeHTTPError(400, 50035, "Invalid Form Body: " + "; ".join(found))
