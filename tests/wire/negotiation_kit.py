"""Shared steps for the proposal, vote and debrief wire tests: a seated class, its delegations,
and readers for what Parley posted (cards, ballots, the result, debrief pages)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from bot.client import ParleyBot
from tests.harness import WireHarness
from tests.harness.results import InteractionResult, MessageOut
from tests.harness.store import MemberRef
from tests.wire.sessions_kit import (
    HANOI_ACTORS,
    Started,
    bot,
    click_all,
    join_id,
    start_session,
)

EMBED_TOTAL, DESCRIPTION, FIELD_VALUE, FIELD_NAME, FIELDS, TITLE, FOOTER = (
    6000,
    4096,
    1024,
    256,
    25,
    256,
    2048,
)


@dataclass
class SeatedClass:
    started: Started
    members: dict[str, list[MemberRef]]
    threads: dict[str, int]

    @property
    def sid(self) -> int:
        return self.started.session_id

    def one(self, actor: str, seat: int = 0) -> MemberRef:
        return self.members[actor][seat]


async def seated_class(h: WireHarness, *, seed: int = 7) -> SeatedClass:
    """`/session create`, everyone presses Join, the facilitator deals delegations at random."""
    w = h.world
    started = await start_session(h)
    await click_all(h, w.students, started.card, join_id(started.session_id))
    dealt = await h.slash(
        w.facilitator, "session assignment", options={"mode": "random", "seed": seed}
    )
    assert dealt.responded
    parley = bot(h)
    by_id = {s.id: s for s in w.students}
    members: dict[str, list[MemberRef]] = {a: [] for a in HANOI_ACTORS}
    for person in await parley.sessions.participants(started.session_id):
        assert person.actor_id is not None
        members[person.actor_id].append(by_id[person.user_id])
    threads = {
        d.actor_id: d.space_channel_id
        for d in await parley.sessions.delegations(started.session_id)
        if d.space_channel_id is not None
    }
    return SeatedClass(started, members, threads)


def parley_of(h: WireHarness) -> ParleyBot:
    return bot(h)


def embeds_of(h: WireHarness, message: Any) -> list[dict[str, Any]]:
    """The embeds of a message as it is on the server now (after Parley's edits)."""
    return list(h.message(message).get("embeds") or [])


def title_of(message: MessageOut) -> str:
    embed = message.embed
    return "" if embed is None else str(embed.get("title", ""))


def cards(h: WireHarness, channel: Any) -> dict[int, MessageOut]:
    """Proposal cards posted in a channel, by proposal number."""
    found = {}
    for m in h.sent_messages(channel, include_interactions=False):
        title = title_of(m)
        if title.startswith("Proposal "):
            found[int(title.split()[1])] = m
    return found


def ballots(h: WireHarness, channel: Any) -> dict[int, MessageOut]:
    found = {}
    for m in h.sent_messages(channel, include_interactions=False):
        title = title_of(m)
        if title.startswith("Ballot · proposal "):
            found[int(title.split()[3])] = m
    return found


def fields(embed: dict[str, Any]) -> dict[str, str]:
    return {f["name"]: f["value"] for f in embed.get("fields", [])}


def final_text(result: InteractionResult) -> str:
    messages = result.messages
    return messages[-1].text() if messages else ""


def assert_embed_fits(embed: dict[str, Any]) -> None:
    """Discord's limits for one embed (docs/resources/message.md, "Embed Limits")."""
    title = embed.get("title", "")
    description = embed.get("description", "") or ""
    footer = (embed.get("footer") or {}).get("text", "")
    all_fields = embed.get("fields", [])
    assert len(title) <= TITLE, title
    assert len(description) <= DESCRIPTION
    assert len(all_fields) <= FIELDS
    assert len(footer) <= FOOTER
    for f in all_fields:
        assert 0 < len(f["name"]) <= FIELD_NAME, f["name"]
        assert 0 < len(f["value"]) <= FIELD_VALUE, f["name"]
    total = len(title) + len(description) + len(footer)
    total += sum(len(f["name"]) + len(f["value"]) for f in all_fields)
    assert total <= EMBED_TOTAL


def assert_message_fits(embeds: list[dict[str, Any]]) -> None:
    assert len(embeds) <= 10
    for embed in embeds:
        assert_embed_fits(embed)
    total = 0
    for embed in embeds:
        total += len(embed.get("title", "")) + len(embed.get("description", "") or "")
        total += len((embed.get("footer") or {}).get("text", ""))
        total += sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields", []))
    assert total <= EMBED_TOTAL


def gradebook_rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith("\ufeff".encode()), "the gradebook starts with a UTF-8 BOM for Excel"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
