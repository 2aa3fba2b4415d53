"""The Discord side of Parley: one package per feature (`cogs/<feature>/`) with its
commands, its views and the orchestration that posts and threads, each loaded as one discord.py
extension (`cogs.<feature>.extension`); `cogs/common/` holds the helpers they share.

`EXTENSIONS` is the explicit list the bot loads at start-up, in this order.
"""

EXTENSIONS: tuple[str, ...] = (
    "cogs.meta.extension",
    "cogs.sessions.extension",
    "cogs.quiz.extension",
    "cogs.transcripts.extension",
    "cogs.rounds.extension",
    "cogs.negotiation.extension",
    "cogs.debrief.extension",
    "cogs.privacy.extension",
)
