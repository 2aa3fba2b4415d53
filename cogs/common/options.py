"""Option types that cap what Discord's client lets a user type, so an over-long value is
refused before it reaches Parley (and never echoed back in a reply Discord would reject).

The caps are generous for what the option names: scenario, topic and actor names are short,
bank and phase names are stored in 64 characters, sessions are positive numbers.
"""

from __future__ import annotations

from discord import app_commands

__all__ = ["BankName", "Name", "PhaseName", "SessionNumber"]

# A scenario, topic, actor or delegation as typed or picked from autocomplete.
Name = app_commands.Range[str, 1, 100]
# Stored in 64 characters (`quiz_banks.name`, `transcript_messages.phase`).
BankName = app_commands.Range[str, 1, 64]
PhaseName = app_commands.Range[str, 1, 64]
# Discord's integer options go up to 2**53; a session number is positive.
SessionNumber = app_commands.Range[int, 1, 2**53 - 1]
