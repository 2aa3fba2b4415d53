"""Shared steps for the session wire tests: start a class, click, and read what Parley sent."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.client import ParleyBot
from bot.services.sessions import SessionService
from tests.harness import WireHarness
from tests.harness.results import InteractionResult, MessageOut

HANOI_ACTORS = ["us", "dprk", "rok", "japan", "china", "russia"]


@dataclass
class Started:
    session_id: int
    card: MessageOut
    panel: MessageOut
    created: InteractionResult


def bot(h: WireHarness) -> ParleyBot:
    assert isinstance(h.bot, ParleyBot)
    return h.bot


def service(h: WireHarness) -> SessionService:
    return bot(h).sessions


def join_id(sid: int) -> str:
    return f"parley:session:{sid}:join"


def control_id(sid: int, key: str) -> str:
    return f"parley:session:{sid}:panel:{key}"


async def start_session(h: WireHarness, scenario: str = "hanoi-2019") -> Started:
    w = h.world
    created = await h.slash(w.facilitator, "session create", options={"scenario": scenario})
    cards = [m for m in h.sent_messages(w.plenary, include_interactions=False) if m.embeds]
    card = cards[-1]
    panel = created.followups[-1]
    sid = int(card.custom_ids[0].split(":")[2])
    return Started(sid, card, panel, created)


async def click_all(
    h: WireHarness, users: Iterable[Any], message: Any, custom_id: str
) -> list[InteractionResult]:
    """Everyone clicks at once: events injected back to back, then the bot settles."""
    results = [await h.click(u, message, custom_id, settle=False) for u in users]
    await h.settle()
    return results


async def pick_all(
    h: WireHarness, picks: Sequence[tuple[Any, str]], message: Any, sid: int
) -> list[InteractionResult]:
    results = [
        await h.select(u, message, f"parley:session:{sid}:pick", [actor], settle=False)
        for u, actor in picks
    ]
    await h.settle()
    return results


def final_text(result: InteractionResult) -> str:
    """What the user finally read (the follow-up that replaced "thinking…", or the response)."""
    messages = result.messages
    return messages[-1].text() if messages else ""


def card_now(h: WireHarness, started: Started) -> dict[str, Any]:
    """The card as it is on the server now (after Parley's edits)."""
    return h.message(started.card)


def card_fields(h: WireHarness, started: Started) -> dict[str, str]:
    embed = card_now(h, started)["embeds"][0]
    return {f["name"]: f["value"] for f in embed["fields"]}


def card_edits(h: WireHarness, started: Started) -> list[MessageOut]:
    return [e for e in h.edits() if e.message_id == started.card.message_id]


def thread_members(h: WireHarness, thread_id: int) -> set[int]:
    return set(h.store.thread_members.get(thread_id, set()))
