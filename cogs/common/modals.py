"""The base class for Parley's modals: errors go through the central handler."""

from __future__ import annotations

from typing import Any

import discord

from cogs.common.errors import handle_interaction_error


class ParleyModal(discord.ui.Modal):
    async def on_error(  # type: ignore[override]  # discord.py's Modal narrows BaseView's
        self, interaction: discord.Interaction[Any], error: Exception, /
    ) -> None:
        await handle_interaction_error(interaction, error)
