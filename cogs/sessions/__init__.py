"""The Discord side of sessions: `/session …`, the session card, the facilitator
panel, delegation spaces and `/brief`.

discord.py loads `cogs.sessions.extension` (see `cogs.EXTENSIONS`).
"""
