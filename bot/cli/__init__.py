"""The `parley` command: `main` parses the subcommand and runs it (see `bot.cli.parley`)."""

from bot.cli.parley import main

__all__ = ["main"]
