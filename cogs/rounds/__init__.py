"""The Discord side of rounds: `/round …`, `/phase`, `/hand`, `/yield`, `/floor …` and `/caucus …`.

discord.py loads `cogs.rounds.extension` (see `cogs.EXTENSIONS`).
"""
