"""The facilitator panel's extension point: another feature adds its controls (rounds will)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import discord
import pytest

from bot.services.sessions import SessionInfo
from cogs.common.interactions import reply
from cogs.sessions.panel import ROUND_ROW, PanelControl, PanelControls
from tests.harness import WireHarness
from tests.wire.sessions_kit import control_id, final_text, start_session

pressed: list[tuple[int, int]] = []


async def start_round(interaction: discord.Interaction[Any], session: SessionInfo) -> None:
    pressed.append((session.id, interaction.user.id))
    await reply(interaction, f"Round started in session #{session.id}.")


@pytest.fixture
def round_control(parley: WireHarness) -> Iterator[PanelControl]:
    control = PanelControl(
        key="round-start", label="Start", emoji="▶️", row=ROUND_ROW, handler=start_round
    )
    controls = panel_controls(parley)
    controls.add(control)
    pressed.clear()
    yield control
    controls.remove("round-start")


def panel_controls(h: WireHarness) -> PanelControls:
    controls: PanelControls = h.bot.panel_controls  # type: ignore[attr-defined]
    return controls


async def test_a_registered_control_appears_on_its_row_and_routes_clicks(
    parley: WireHarness, round_control: PanelControl
) -> None:
    w = parley.world
    started = await start_session(parley)
    sid = started.session_id
    panel = await parley.slash(w.facilitator, "session panel")

    button = panel.response.as_message().component(control_id(sid, "round-start"))
    assert button["label"] == "Start"
    rows = panel.response.components
    row_of = {c["custom_id"]: i for i, row in enumerate(rows) for c in row["components"]}
    assert row_of[control_id(sid, "round-start")] > row_of[control_id(sid, "random")]
    assert row_of[control_id(sid, "end")] > row_of[control_id(sid, "round-start")]

    clicked = await parley.click(w.facilitator, panel, control_id(sid, "round-start"))
    assert final_text(clicked) == f"Round started in session #{sid}."
    assert pressed == [(sid, w.facilitator.id)]


async def test_a_control_whose_feature_is_gone_says_so(
    parley: WireHarness, round_control: PanelControl
) -> None:
    w = parley.world
    started = await start_session(parley)
    panel = await parley.slash(w.facilitator, "session panel")
    panel_controls(parley).remove("round-start")
    clicked = await parley.click(
        w.facilitator, panel, control_id(started.session_id, "round-start")
    )
    assert "not available right now" in final_text(clicked)
    assert pressed == []


def test_control_keys_must_fit_a_custom_id() -> None:
    controls = PanelControls()
    with pytest.raises(ValueError):
        controls.add(PanelControl(key="Start Round!", label="x", handler=start_round))
    assert controls.get("Start Round!") is None
