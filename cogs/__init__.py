"""discord.py extensions: thin adapters from Discord to Parley's services.

`EXTENSIONS` is the explicit list the bot loads at start-up, in this order.
"""

EXTENSIONS: tuple[str, ...] = (
    "cogs.error_handler",
    "cogs.meta",
    "cogs.sessions",
    "cogs.briefs",
    "cogs.quiz",
    "cogs.transcripts",
    "cogs.rounds",
    "cogs.floor",
    "cogs.caucus",
    "cogs.proposals",
    "cogs.votes",
    "cogs.debrief",
)
