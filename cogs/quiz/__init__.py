"""The Discord side of quiz: `/quiz …`, practice and review, class races and the leaderboard.

discord.py loads `cogs.quiz.extension` (see `cogs.EXTENSIONS`).
"""
