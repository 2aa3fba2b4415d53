"""The Discord side of transcripts: capture of every session message and `/transcript export`.

discord.py loads `cogs.transcripts.extension` (see `cogs.EXTENSIONS`).
"""
