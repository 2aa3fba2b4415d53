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


def answered(result: InteractionResult) -> bool:
    """The user saw an answer: a message, or a "thinking…" that a follow-up replaced."""
    initial = result.initial
    return initial is not None and (initial.type != 5 or bool(result.followups))


async def settle_until_answered(h: WireHarness, results: Sequence[InteractionResult]) -> None:
    """Settle, then check every interaction was answered.

    Thirty handlers racing for SQLite's write lock sit in aiosqlite's threads at once; the
    harness tracks those calls, so one settle waits for all of them however slow the machine.
    """
    await h.settle()
    missing = [r for r in results if not answered(r)]
    assert not missing, f"{len(missing)} interactions never answered: {missing[:3]}"


async def click_all(
    h: WireHarness, users: Iterable[Any], message: Any, custom_id: str
) -> list[InteractionResult]:
    """Everyone clicks at once: events injected back to back, then the bot settles."""
    results = [await h.click(u, message, custom_id, settle=False) for u in users]
    await settle_until_answered(h, results)
    return results


async def pick_all(
    h: WireHarness, picks: Sequence[tuple[Any, str]], message: Any, sid: int
) -> list[InteractionResult]:
    results = [
        await h.select(u, message, f"parley:session:{sid}:pick", [actor], settle=False)
        for u, actor in picks
    ]
    await settle_until_answered(h, results)
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
