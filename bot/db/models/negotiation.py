"""Proposals, the vote and the debrief: what a class negotiated, and how it decided.

The rules live in `bot.domain.voting`; these tables are their record. What the database itself
guarantees:

- one row in `negotiations` per session: every change to a session's proposals or votes first
  writes that row (`NegotiationRepository.lock`), so changes of one session happen one after
  the other on SQLite and PostgreSQL alike, and proposal numbers never collide;
- a proposal number is used once per session: UNIQUE(session_id, number);
- a delegation backs a proposal once (co-sponsor *or* supporter): UNIQUE(proposal_id, actor_id);
- a package proposal holds at most one option per agenda item: the primary key
  (proposal_id, agenda_id) of `proposal_options` (an item left out has no row);
- one vote round per session: UNIQUE(session_id);
- every ballot is kept (`vote_ballots`, append-only, its id orders them), and each delegation has
  exactly one counting vote per proposal: the primary key of `delegation_votes`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db.base import Base, TimestampMixin, utcnow
from bot.db.types import BigIntPK, Snowflake


class Negotiation(TimestampMixin, Base):
    """A session's negotiation as a whole: the lock row, and the debrief's milestones.

    ``revision`` is bumped by every change (the write that serialises them). ``locked_at`` is
    when the vote opened and the proposals froze; ``debriefed_at`` when `/debrief` ran (briefs
    are then readable by every member of the session); ``archive_opened_at`` when the
    delegation threads were opened to the class.
    """

    __tablename__ = "negotiations"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("class_sessions.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    revision: Mapped[int] = mapped_column(Integer, default=0)
    locked_at: Mapped[datetime | None] = mapped_column()
    debriefed_at: Mapped[datetime | None] = mapped_column()
    debriefed_by: Mapped[int | None] = mapped_column(Snowflake)
    debrief_message_id: Mapped[int | None] = mapped_column(Snowflake)
    archive_opened_at: Mapped[datetime | None] = mapped_column()


class ProposalRow(TimestampMixin, Base):
    """A numbered proposal. ``text`` is student text: render it with no mentions allowed.

    status: "tabled", "withdrawn" or "replaced" (then ``replaced_by`` is the new number).
    ``channel_id``/``message_id`` locate its card in the plenary.
    """

    __tablename__ = "proposals"
    __table_args__ = (UniqueConstraint("session_id", "number"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("class_sessions.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    agenda_id: Mapped[str] = mapped_column(String(64))
    sponsor: Mapped[str] = mapped_column(String(32))
    tabled_by: Mapped[int | None] = mapped_column(Snowflake)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="tabled")
    replaces: Mapped[int | None] = mapped_column(Integer)
    replaced_by: Mapped[int | None] = mapped_column(Integer)
    tabled_at: Mapped[datetime] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column()
    channel_id: Mapped[int | None] = mapped_column(Snowflake)
    message_id: Mapped[int | None] = mapped_column(Snowflake)

    backers: Mapped[list[ProposalBacker]] = relationship(
        back_populates="proposal",
        cascade="all, delete-orphan",
        order_by="ProposalBacker.id",
        lazy="selectin",
    )
    options: Mapped[list[ProposalOption]] = relationship(
        back_populates="proposal",
        cascade="all, delete-orphan",
        lazy="selectin",
    )


class ProposalOption(Base):
    """One item of a package proposal (``agenda_id`` "*"): the option it holds there.

    Written once when the package is tabled; an amendment is a new proposal with its own rows,
    so every version of a package stays on record.
    """

    __tablename__ = "proposal_options"

    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    agenda_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    option_id: Mapped[str] = mapped_column(String(64))

    proposal: Mapped[ProposalRow] = relationship(back_populates="options")


class ProposalBacker(Base):
    """A delegation that co-sponsors (kind "co_sponsor") or supports ("supporter") a proposal,
    and the student who pressed the button."""

    __tablename__ = "proposal_backers"
    __table_args__ = (UniqueConstraint("proposal_id", "actor_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    actor_id: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int | None] = mapped_column(Snowflake)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    proposal: Mapped[ProposalRow] = relationship(back_populates="backers")


class VoteRoundRow(TimestampMixin, Base):
    """The vote of a session: the ballot, who votes, the rule applied, and the recorded outcome.

    ``proposals`` (numbers on the ballot), ``eligible`` (delegations voting) and ``must_agree``
    (the decision rule) are fixed when the vote opens. When it closes, ``outcome`` holds the
    result as `VoteOutcome.to_dict()` (headline, adopted clauses per agenda item, every tally)
    and ``agreement`` says whether anything was adopted. ``ballot_messages`` maps a proposal
    number (as text) to the message with its vote buttons.
    """

    __tablename__ = "vote_rounds"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("class_sessions.id", ondelete="CASCADE"), unique=True
    )
    proposals: Mapped[list[int]] = mapped_column(JSON)
    eligible: Mapped[list[str]] = mapped_column(JSON)
    must_agree: Mapped[list[str]] = mapped_column(JSON)
    option_rules: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    """"agenda/option" -> {must_agree, no_veto_from}: the options' own rules, fixed at opening."""
    opened_at: Mapped[datetime] = mapped_column()
    opened_by: Mapped[int | None] = mapped_column(Snowflake)
    closed_at: Mapped[datetime | None] = mapped_column()
    closed_by: Mapped[int | None] = mapped_column(Snowflake)
    agreement: Mapped[bool | None] = mapped_column(Boolean)
    outcome: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    ballot_messages: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    channel_id: Mapped[int | None] = mapped_column(Snowflake)


class BallotRow(Base):
    """One ballot as cast, by one student for their delegation; never changed or deleted."""

    __tablename__ = "vote_ballots"
    __table_args__ = (
        Index("ix_vote_ballots_round_id_proposal_number", "round_id", "proposal_number"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("vote_rounds.id", ondelete="CASCADE"))
    proposal_number: Mapped[int] = mapped_column(Integer)
    actor_id: Mapped[str] = mapped_column(String(32))
    choice: Mapped[str] = mapped_column(String(8))
    cast_by: Mapped[int | None] = mapped_column(Snowflake)
    cast_at: Mapped[datetime] = mapped_column()


class DelegationVote(Base):
    """The vote that counts: one per delegation and proposal, the delegation's last ballot."""

    __tablename__ = "delegation_votes"

    round_id: Mapped[int] = mapped_column(
        ForeignKey("vote_rounds.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    proposal_number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    actor_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    choice: Mapped[str] = mapped_column(String(8))
    ballot_id: Mapped[int] = mapped_column(ForeignKey("vote_ballots.id", ondelete="CASCADE"))
    cast_by: Mapped[int | None] = mapped_column(Snowflake)
    cast_at: Mapped[datetime] = mapped_column()
