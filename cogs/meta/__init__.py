"""The Discord side of meta: the central error handler, `/parley about` and server configuration.

discord.py loads `cogs.meta.extension` (see `cogs.EXTENSIONS`).
"""
