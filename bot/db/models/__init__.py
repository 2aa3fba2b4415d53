"""Typed models for everything Parley stores, one module per feature.

Importing this package registers every table on `Base.metadata` (Alembic and the drift test rely
on it), so each new model module is imported here.
"""

from bot.db.models import quiz  # noqa: F401  (quiz tables: see bot/db/models/quiz.py)
from bot.db.models.guild import GuildConfig
from bot.db.models.negotiation import (
    BallotRow,
    DelegationVote,
    Negotiation,
    ProposalBacker,
    ProposalOption,
    ProposalRow,
    VoteRoundRow,
)
from bot.db.models.rounds import FloorTurn, SessionRound
from bot.db.models.sessions import ClassSession, Delegation, Participant, SessionChannel
from bot.db.models.timers import Timer
from bot.db.models.transcripts import TranscriptMessage, TranscriptRevision

__all__ = [
    "BallotRow",
    "ClassSession",
    "Delegation",
    "DelegationVote",
    "FloorTurn",
    "GuildConfig",
    "Negotiation",
    "Participant",
    "ProposalBacker",
    "ProposalOption",
    "ProposalRow",
    "SessionChannel",
    "SessionRound",
    "Timer",
    "TranscriptMessage",
    "TranscriptRevision",
    "VoteRoundRow",
]
