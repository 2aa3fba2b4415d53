"""The facilitator panel's round row: Start, Pause / Resume, +1 min and Next phase."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import discord

from bot.services.sessions import SessionInfo
from cogs.sessions.panel import ROUND_ROW, PanelControl, PanelHandler

if TYPE_CHECKING:
    from cogs.rounds.flow import Operation, RoundFlow

PANEL_EXTEND_SECONDS = 60


def round_panel_controls(flow: RoundFlow) -> list[PanelControl]:
    """The round row's buttons; each acts through `flow` like a command."""
    service = flow.service

    def when(test: Callable[[str, bool, bool], bool]) -> Callable[[SessionInfo], bool]:
        def shown(session: SessionInfo) -> bool:
            snap = service.snapshot(session.id)
            if snap is None:
                return test("planning", False, False)
            return test(snap.status, snap.paused, snap.waiting)

        return shown

    def run(op: Operation) -> PanelHandler:
        async def handler(interaction: discord.Interaction[Any], s: SessionInfo) -> None:
            await flow.from_panel(interaction, s, op)

        return handler

    running = "running"
    return [
        PanelControl(
            key="round-start",
            label="Start round",
            emoji="▶️",
            row=ROUND_ROW,
            style=discord.ButtonStyle.success,
            handler=run(service.start),
            shown=when(lambda status, *_: status == "planning"),
        ),
        PanelControl(
            key="round-pause",
            label="Pause",
            emoji="⏸️",
            row=ROUND_ROW,
            order=1,
            handler=run(service.pause),
            shown=when(lambda st, paused, waiting: st == running and not (paused or waiting)),
        ),
        PanelControl(
            key="round-resume",
            label="Resume",
            emoji="▶️",
            row=ROUND_ROW,
            order=1,
            style=discord.ButtonStyle.success,
            handler=run(service.resume),
            shown=when(lambda st, paused, _: st == running and paused),
        ),
        PanelControl(
            key="round-extend",
            label="+1 min",
            emoji="➕",
            row=ROUND_ROW,
            order=2,
            handler=run(lambda sid: service.extend(sid, PANEL_EXTEND_SECONDS)),
            shown=when(lambda st, *_: st == running),
        ),
        PanelControl(
            key="round-next",
            label="Next phase",
            emoji="⏭️",
            row=ROUND_ROW,
            order=3,
            style=discord.ButtonStyle.primary,
            handler=run(service.next),
            shown=when(lambda st, *_: st == running),
        ),
    ]
