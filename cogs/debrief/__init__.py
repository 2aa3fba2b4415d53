"""The Discord side of debrief: `/debrief`, the gradebook and the archive.

discord.py loads `cogs.debrief.extension` (see `cogs.EXTENSIONS`).
"""
