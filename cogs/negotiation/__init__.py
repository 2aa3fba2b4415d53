"""The Discord side of negotiation: `/propose`, proposals, the ballot and `/vote …`.

discord.py loads `cogs.negotiation.extension` (see `cogs.EXTENSIONS`).
"""
