"""One logging configuration for the bot and the CLI."""

from __future__ import annotations

import logging

import discord


def configure_logging(level: int = logging.INFO) -> None:
    discord.utils.setup_logging(level=level, root=True)
    # discord.py's gateway chatter at DEBUG drowns Parley's own messages.
    logging.getLogger("discord.gateway").setLevel(max(level, logging.INFO))
    logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
