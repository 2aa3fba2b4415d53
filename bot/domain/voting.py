"""Proposals, one vote per delegation, the scenario's decision rule, and the outcome.

**Proposals.** A delegation tables a numbered proposal on one agenda item during a caucus or
plenary phase (where negotiating happens). The text is the students' own: at most
`MAX_PROPOSAL_CHARS` characters, because a clause that needs more is two clauses, and a vote on
an essay is a vote on nobody-read-it. Other delegations co-sponsor (they put their name to it) or
support it (they signal they would vote for it); one or the other, not both. The sponsor may
withdraw it, or replace it with a new text (a new number, which starts without co-sponsors or
supporters: they signed the old words). At most `MAX_TABLED` proposals are on the table at
once (one select menu lists them all) and `MAX_TABLED_PER_SPONSOR` per delegation. When the vote
opens the book is locked: nothing on the ballot can change under the voters.

**One vote per delegation** — the rule: any member may cast or change the delegation's vote on a
proposal until the vote closes; the last ballot counts, and every ballot is kept with the student
who cast it. Alternatives considered: a designated head of delegation (fragile: the head is absent
or on a flaky phone, and it needs a setup step teachers skip); a majority of the members'
individual ballots (needs quorum and tie rules, and members cannot see where the delegation
stands until the end); first ballot locks (punishes a mis-tap on a phone). The chosen rule pushes
the decision into the delegation's thread, where the transcript records the argument, and the
record shows who cast what, so a teacher can see a delegation overruling itself. Re-casting the
same choice is a no-op (double taps do not rewrite the record).

**The decision rule** is scenario data: every actor in ``must_agree`` must vote yes (Hanoi: the
US and the DPRK); the others advise and cannot carry or block a deal. An abstention or no ballot
from a must-agree actor is not a yes: consensus needs an explicit yes. A must-agree actor that is
**not played** in this class (a small class) cannot block: otherwise a class without that actor
could never reach agreement. If no must-agree actor is played at all, a proposal passes with a
strict majority of the delegations present voting yes, so that the class still has a real vote.

**The outcome**: an agenda item is adopted when at least one proposal on it passes; every passing
proposal is an adopted clause of that item. If nothing passes, the outcome is "no agreement" —
as at Hanoi, a real outcome and not a failure of the software.

**Package proposals** (scenarios with points schedules): a proposal holds one option per agenda
item, or leaves the item out, plus an optional note; its ``agenda`` is `PACKAGE`. Amending a
package tables a new version (a new number; the old one is marked replaced and keeps its
record, as a replacement does). A package passes when the decision rule passes **and** every
option it holds passes its own extra rule (`OptionRules`: more actors who must vote yes, or who
must not vote no; actors not at the table cannot block). Packages are alternatives: if several
pass, the one with the most yes votes is adopted (ties: the lowest number, tabled first), and
its items are adopted with the options it holds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal, Protocol

from bot.content.models import Outcome
from bot.domain.utc import parse_utc, require_utc
from bot.errors import UserFacingError

__all__ = [
    "CHOICES",
    "MAX_PROPOSAL_CHARS",
    "MAX_TABLED",
    "MAX_TABLED_PER_SPONSOR",
    "PACKAGE",
    "TABLING_PHASES",
    "AgendaOutcome",
    "Ballot",
    "Choice",
    "OptionRules",
    "Proposal",
    "ProposalBook",
    "Tally",
    "VoteOutcome",
    "VoteRound",
    "VotingError",
    "decide",
    "open_vote",
    "vote_outcome",
]

MAX_PROPOSAL_CHARS = 600
MAX_TABLED = 25
"""A Discord select menu lists at most 25 options: every tabled proposal must fit in one."""
MAX_TABLED_PER_SPONSOR = 5
TABLING_PHASES: frozenset[str] = frozenset({"caucus", "plenary"})

Choice = Literal["yes", "no", "abstain"]
CHOICES: tuple[Choice, ...] = ("yes", "no", "abstain")
ProposalStatus = Literal["tabled", "withdrawn", "replaced"]
PACKAGE = "*"
"""The ``agenda`` of a package proposal (not a slug, so no agenda item can be called that)."""

Choices = tuple[tuple[str, str], ...]
"""A package: (agenda id, option id) pairs in agenda order; items not listed are left out."""


class VotingError(UserFacingError, ValueError):
    """A proposal or vote action the rules forbid; said to the student or facilitator."""


class _DecisionRule(Protocol):
    @property
    def must_agree(self) -> Sequence[str]: ...


def _text(text: str, *, optional: bool = False) -> str:
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    lines = [" ".join(line.split()) for line in text.strip().splitlines()]
    kept: list[str] = []
    for line in lines:  # keep paragraph breaks, drop runs of blank lines
        if line or (kept and kept[-1]):
            kept.append(line)
    cleaned = "\n".join(kept).strip()
    if not cleaned and not optional:
        raise VotingError("A proposal needs some text.")
    if len(cleaned) > MAX_PROPOSAL_CHARS:
        raise VotingError(
            f"A proposal can be at most {MAX_PROPOSAL_CHARS} characters (yours has "
            f"{len(cleaned)}). Shorten it, or split it into two proposals."
        )
    return cleaned


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _utc(value: object, name: str) -> datetime | None:
    return None if value is None else parse_utc(value, name)


# --- proposals -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Proposal:
    """A numbered proposal. ``text`` is student text: render it with no mentions allowed."""

    number: int
    agenda: str
    sponsor: str
    text: str
    tabled_by: int | None
    tabled_at: datetime
    status: ProposalStatus = "tabled"
    co_sponsors: tuple[str, ...] = ()
    supporters: tuple[str, ...] = ()
    replaces: int | None = None
    replaced_by: int | None = None
    closed_at: datetime | None = None
    package: Choices | None = None
    """For a package proposal: the options it holds, in agenda order (else ``None``)."""

    def __post_init__(self) -> None:
        require_utc(self.tabled_at, "tabled_at")
        if self.closed_at is not None:
            require_utc(self.closed_at, "closed_at")
        object.__setattr__(self, "co_sponsors", tuple(self.co_sponsors))
        object.__setattr__(self, "supporters", tuple(self.supporters))
        if self.package is not None:
            object.__setattr__(self, "package", tuple((a, o) for a, o in self.package))

    @property
    def is_package(self) -> bool:
        return self.package is not None

    def option(self, agenda: str) -> str | None:
        """The option a package holds on ``agenda`` (``None``: left out, or not a package)."""
        return dict(self.package or ()).get(agenda)

    @property
    def backers(self) -> tuple[str, ...]:
        """Sponsor, co-sponsors and supporters: who said they are for it."""
        return (self.sponsor, *self.co_sponsors, *self.supporters)

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "agenda": self.agenda,
            "sponsor": self.sponsor,
            "text": self.text,
            "tabled_by": self.tabled_by,
            "tabled_at": self.tabled_at.isoformat(),
            "status": self.status,
            "co_sponsors": list(self.co_sponsors),
            "supporters": list(self.supporters),
            "replaces": self.replaces,
            "replaced_by": self.replaced_by,
            "closed_at": _iso(self.closed_at),
            "package": None if self.package is None else [list(c) for c in self.package],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Proposal:
        return cls(
            number=data["number"],
            agenda=data["agenda"],
            sponsor=data["sponsor"],
            text=data["text"],
            tabled_by=data.get("tabled_by"),
            tabled_at=parse_utc(data["tabled_at"], "tabled_at"),
            status=data.get("status", "tabled"),
            co_sponsors=tuple(data.get("co_sponsors", ())),
            supporters=tuple(data.get("supporters", ())),
            replaces=data.get("replaces"),
            replaced_by=data.get("replaced_by"),
            closed_at=_utc(data.get("closed_at"), "closed_at"),
            package=(
                None if data.get("package") is None else tuple((a, o) for a, o in data["package"])
            ),
        )


@dataclass(frozen=True, slots=True)
class ProposalBook:
    """A session's proposals. ``agenda``: agenda item ids; ``actors``: delegations played."""

    agenda: tuple[str, ...]
    actors: tuple[str, ...]
    proposals: tuple[Proposal, ...] = ()
    locked_at: datetime | None = None
    options: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """Agenda id -> the option ids a package may hold there (empty: packages not checked)."""

    def __post_init__(self) -> None:
        for name in ("agenda", "actors", "proposals", "options"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        if self.locked_at is not None:
            require_utc(self.locked_at, "locked_at")

    # --- reading -------------------------------------------------------------------------------

    def proposal(self, number: int) -> Proposal:
        for proposal in self.proposals:
            if proposal.number == number:
                return proposal
        raise VotingError(f"There is no proposal {number}.")

    def tabled(self) -> tuple[Proposal, ...]:
        """Proposals on the table (not withdrawn or replaced), in number order."""
        return tuple(p for p in self.proposals if p.status == "tabled")

    def on(self, agenda: str) -> tuple[Proposal, ...]:
        """Tabled proposals on one agenda item."""
        return tuple(p for p in self.tabled() if p.agenda == agenda)

    # --- helpers -------------------------------------------------------------------------------

    def _unlocked(self, now: datetime) -> None:
        require_utc(now)
        if self.locked_at is not None:
            raise VotingError("Voting has opened: proposals can no longer be tabled or changed.")

    def _actor(self, actor: str) -> None:
        if actor not in self.actors:
            raise VotingError(f"{actor}: not a delegation at the table in this session.")

    def _live(self, number: int) -> Proposal:
        proposal = self.proposal(number)
        if proposal.status == "withdrawn":
            raise VotingError(f"Proposal {number} was withdrawn.")
        if proposal.status == "replaced":
            raise VotingError(f"Proposal {number} was replaced by proposal {proposal.replaced_by}.")
        return proposal

    def _put(self, proposal: Proposal) -> ProposalBook:
        return replace(
            self,
            proposals=tuple(proposal if p.number == proposal.number else p for p in self.proposals),
        )

    def _new(
        self,
        agenda: str,
        sponsor: str,
        text: str,
        user_id: int | None,
        now: datetime,
        phase_kind: str,
        *,
        replacing: Proposal | None = None,
    ) -> Proposal:
        self._may_table(sponsor, now, phase_kind)
        if agenda not in self.agenda:
            raise VotingError(f"There is no agenda item {agenda!r}.")
        cleaned = _text(text)
        return self._numbered(
            agenda,
            sponsor,
            cleaned,
            user_id,
            now,
            replacing=replacing,
            package=None,
            same=lambda p: p.agenda == agenda and p.text.casefold() == cleaned.casefold(),
        )

    def _package(self, choices: Mapping[str, str | None]) -> Choices:
        """Validate a package: known items, a known option on each, at least one item."""
        for agenda in choices:
            if agenda not in self.agenda:
                raise VotingError(f"There is no agenda item {agenda!r}.")
        allowed = dict(self.options)
        package: list[tuple[str, str]] = []
        for agenda in self.agenda:
            option = choices.get(agenda)
            if option is None:
                continue
            if allowed and option not in allowed.get(agenda, ()):
                raise VotingError(f"{agenda!r} has no option {option!r}.")
            package.append((agenda, option))
        if not package:
            raise VotingError(
                "A package needs at least one item: pick an option on one item or more."
            )
        return tuple(package)

    def _new_package(
        self,
        choices: Mapping[str, str | None],
        sponsor: str,
        note: str,
        user_id: int | None,
        now: datetime,
        phase_kind: str,
        *,
        replacing: Proposal | None = None,
    ) -> Proposal:
        self._may_table(sponsor, now, phase_kind)
        package = self._package(choices)
        cleaned = _text(note, optional=True)
        return self._numbered(
            PACKAGE,
            sponsor,
            cleaned,
            user_id,
            now,
            replacing=replacing,
            package=package,
            same=lambda p: (
                p.package == package
                and (
                    replacing is None
                    or p.number != replacing.number
                    or p.text.casefold() == cleaned.casefold()
                )
            ),
        )

    def _may_table(self, sponsor: str, now: datetime, phase_kind: str) -> None:
        """The checks every tabling (text or package, new or replacing) starts with."""
        self._unlocked(now)
        if phase_kind not in TABLING_PHASES:
            raise VotingError("Proposals are tabled during caucus and plenary phases, not now.")
        self._actor(sponsor)

    def _numbered(
        self,
        agenda: str,
        sponsor: str,
        cleaned: str,
        user_id: int | None,
        now: datetime,
        *,
        replacing: Proposal | None,
        package: Choices | None,
        same: Callable[[Proposal], bool],
    ) -> Proposal:
        """Refuse a repeat of the sponsor's own tabled proposal (``same``), check the limits
        unless replacing, and number the new proposal: shared by text and package tabling."""
        for proposal in self.tabled():
            if proposal.sponsor == sponsor and same(proposal):
                what = "this" if package is None else "this package"
                raise VotingError(
                    f"Your delegation already tabled {what} as proposal {proposal.number}."
                )
        if replacing is None:
            self._room_for(sponsor)
        number = max((p.number for p in self.proposals), default=0) + 1
        return Proposal(
            number=number,
            agenda=agenda,
            sponsor=sponsor,
            text=cleaned,
            tabled_by=user_id,
            tabled_at=now,
            replaces=None if replacing is None else replacing.number,
            package=package,
        )

    def _room_for(self, sponsor: str) -> None:
        tabled = self.tabled()
        if len(tabled) >= MAX_TABLED:
            raise VotingError(
                f"There are already {MAX_TABLED} proposals on the table: "
                "withdraw one before tabling another."
            )
        own = sum(1 for p in tabled if p.sponsor == sponsor)
        if own >= MAX_TABLED_PER_SPONSOR:
            raise VotingError(
                f"Your delegation already has {own} proposals on the table: "
                "withdraw or replace one first."
            )

    def _sponsors_own(self, number: int, actor: str, now: datetime, verb: str) -> Proposal:
        """A live proposal that only its sponsor may change (withdraw, replace, amend), and
        only before voting opens."""
        self._unlocked(now)
        proposal = self._live(number)
        if proposal.sponsor != actor:
            raise VotingError(f"Only the sponsor can {verb} proposal {number}.")
        return proposal

    def _superseded(
        self, old: Proposal, new: Proposal, now: datetime
    ) -> tuple[ProposalBook, Proposal]:
        """Mark ``old`` replaced by ``new`` and table ``new`` (replace text, amend a package)."""
        book = self._put(replace(old, status="replaced", replaced_by=new.number, closed_at=now))
        return replace(book, proposals=(*book.proposals, new)), new

    # --- what delegations do -------------------------------------------------------------------

    def table_package(
        self,
        choices: Mapping[str, str | None],
        sponsor: str,
        note: str,
        user_id: int | None,
        now: datetime,
        *,
        phase_kind: str,
    ) -> tuple[ProposalBook, Proposal]:
        """Table a package: ``choices`` maps agenda id -> option id (``None``: left out)."""
        proposal = self._new_package(choices, sponsor, note, user_id, now, phase_kind)
        return replace(self, proposals=(*self.proposals, proposal)), proposal

    def amend_package(
        self,
        number: int,
        actor: str,
        choices: Mapping[str, str | None],
        note: str,
        user_id: int | None,
        now: datetime,
        *,
        phase_kind: str,
    ) -> tuple[ProposalBook, Proposal]:
        """Amend a package: a new version with a new number; the old one is kept, replaced."""
        old = self._sponsors_own(number, actor, now, "amend")
        if not old.is_package:
            raise VotingError(f"Proposal {number} is not a package: replace its text instead.")
        new = self._new_package(choices, actor, note, user_id, now, phase_kind, replacing=old)
        return self._superseded(old, new, now)

    def table(
        self,
        agenda: str,
        sponsor: str,
        text: str,
        user_id: int | None,
        now: datetime,
        *,
        phase_kind: str,
    ) -> tuple[ProposalBook, Proposal]:
        """Table a new proposal (``/propose``); returns the book and the numbered proposal."""
        proposal = self._new(agenda, sponsor, text, user_id, now, phase_kind)
        return replace(self, proposals=(*self.proposals, proposal)), proposal

    def withdraw(self, number: int, actor: str, now: datetime) -> ProposalBook:
        proposal = self._sponsors_own(number, actor, now, "withdraw")
        return self._put(replace(proposal, status="withdrawn", closed_at=now))

    def replace_proposal(
        self,
        number: int,
        actor: str,
        text: str,
        user_id: int | None,
        now: datetime,
        *,
        phase_kind: str,
    ) -> tuple[ProposalBook, Proposal]:
        """Replace a proposal's text: a new number; the old one is marked replaced."""
        old = self._sponsors_own(number, actor, now, "replace")
        if old.is_package:
            package = dict(old.package or ())
            return self.amend_package(
                number, actor, package, text, user_id, now, phase_kind=phase_kind
            )
        new = self._new(old.agenda, actor, text, user_id, now, phase_kind, replacing=old)
        return self._superseded(old, new, now)

    def co_sponsor(self, number: int, actor: str, now: datetime) -> ProposalBook:
        """Put the delegation's name to a proposal (upgrades a support)."""
        self._unlocked(now)
        self._actor(actor)
        proposal = self._live(number)
        if actor == proposal.sponsor:
            raise VotingError(f"Your delegation sponsors proposal {number}.")
        if actor in proposal.co_sponsors:
            raise VotingError(f"Your delegation already co-sponsors proposal {number}.")
        return self._put(
            replace(
                proposal,
                co_sponsors=(*proposal.co_sponsors, actor),
                supporters=tuple(a for a in proposal.supporters if a != actor),
            )
        )

    def support(self, number: int, actor: str, now: datetime) -> ProposalBook:
        """Signal support without co-sponsoring."""
        self._unlocked(now)
        self._actor(actor)
        proposal = self._live(number)
        if actor == proposal.sponsor:
            raise VotingError(f"Your delegation sponsors proposal {number}.")
        if actor in proposal.co_sponsors:
            raise VotingError(f"Your delegation already co-sponsors proposal {number}.")
        if actor in proposal.supporters:
            raise VotingError(f"Your delegation already supports proposal {number}.")
        return self._put(replace(proposal, supporters=(*proposal.supporters, actor)))

    def drop_support(self, number: int, actor: str, now: datetime) -> ProposalBook:
        """Take back a co-sponsorship or support."""
        self._unlocked(now)
        proposal = self._live(number)
        if actor not in proposal.co_sponsors and actor not in proposal.supporters:
            raise VotingError(f"Your delegation does not back proposal {number}.")
        return self._put(
            replace(
                proposal,
                co_sponsors=tuple(a for a in proposal.co_sponsors if a != actor),
                supporters=tuple(a for a in proposal.supporters if a != actor),
            )
        )

    def lock(self, now: datetime) -> ProposalBook:
        """Freeze the book when the vote opens (idempotent)."""
        require_utc(now)
        return self if self.locked_at is not None else replace(self, locked_at=now)

    # --- storage -------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "agenda": list(self.agenda),
            "actors": list(self.actors),
            "proposals": [p.to_dict() for p in self.proposals],
            "locked_at": _iso(self.locked_at),
            "options": {a: list(o) for a, o in self.options},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ProposalBook:
        return cls(
            agenda=tuple(data["agenda"]),
            actors=tuple(data["actors"]),
            proposals=tuple(Proposal.from_dict(p) for p in data.get("proposals", ())),
            locked_at=_utc(data.get("locked_at"), "locked_at"),
            options=tuple((a, tuple(o)) for a, o in (data.get("options") or {}).items()),
        )


# --- votes ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Ballot:
    """One ballot as cast; ``sequence`` orders ballots (the last one per delegation counts)."""

    sequence: int
    proposal: int
    actor: str
    choice: Choice
    cast_by: int | None
    cast_at: datetime

    def __post_init__(self) -> None:
        require_utc(self.cast_at, "cast_at")
        if self.choice not in CHOICES:
            raise ValueError(f"choice must be one of {CHOICES}, got {self.choice!r}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "sequence": self.sequence,
            "proposal": self.proposal,
            "actor": self.actor,
            "choice": self.choice,
            "cast_by": self.cast_by,
            "cast_at": self.cast_at.isoformat(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Ballot:
        return cls(
            sequence=data["sequence"],
            proposal=data["proposal"],
            actor=data["actor"],
            choice=data["choice"],
            cast_by=data.get("cast_by"),
            cast_at=parse_utc(data["cast_at"], "cast_at"),
        )


@dataclass(frozen=True, slots=True)
class Tally:
    """Where one proposal stands: delegations per choice (in play order) and the verdict."""

    proposal: int
    yes: tuple[str, ...]
    no: tuple[str, ...]
    abstain: tuple[str, ...]
    not_voted: tuple[str, ...]
    decisive: tuple[str, ...]
    """Must-agree actors present in the class (empty: majority rule applied)."""
    blocked_by: tuple[str, ...]
    """Decisive actors that did not vote yes, then any option veto (see ``vetoed_by``)."""
    passed: bool
    vetoed_by: tuple[str, ...] = ()
    """Actors at the table who voted no on an option they may veto (an option's own rule)."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "proposal": self.proposal,
            "yes": list(self.yes),
            "no": list(self.no),
            "abstain": list(self.abstain),
            "not_voted": list(self.not_voted),
            "decisive": list(self.decisive),
            "blocked_by": list(self.blocked_by),
            "passed": self.passed,
            **({"vetoed_by": list(self.vetoed_by)} if self.vetoed_by else {}),
        }


@dataclass(frozen=True, slots=True)
class OptionRules:
    """The extra rules of the options a package holds, merged: who must also vote yes, and
    who must not vote no."""

    must_agree: tuple[str, ...] = ()
    no_veto_from: tuple[str, ...] = ()

    @classmethod
    def merged(cls, rules: Iterable[OptionRules]) -> OptionRules:
        must: dict[str, None] = {}
        veto: dict[str, None] = {}
        for rule in rules:
            must.update(dict.fromkeys(rule.must_agree))
            veto.update(dict.fromkeys(rule.no_veto_from))
        return cls(tuple(must), tuple(veto))

    def to_dict(self) -> dict[str, list[str]]:
        return {"must_agree": list(self.must_agree), "no_veto_from": list(self.no_veto_from)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> OptionRules:
        return cls(tuple(data.get("must_agree", ())), tuple(data.get("no_veto_from", ())))


def decide(
    proposal: int,
    votes: Mapping[str, Choice],
    eligible: Sequence[str],
    must_agree: Sequence[str],
    extra: OptionRules | None = None,
) -> Tally:
    """Apply the decision rule (and a package's option rules) to one proposal's votes."""
    yes = tuple(actor for actor in eligible if votes.get(actor) == "yes")
    extra = extra or OptionRules()
    needed = [*must_agree, *(a for a in extra.must_agree if a not in must_agree)]
    decisive = tuple(actor for actor in needed if actor in eligible)
    vetoed_by = tuple(
        actor for actor in eligible if actor in extra.no_veto_from and votes.get(actor) == "no"
    )
    if decisive:
        blocked_by = tuple(actor for actor in decisive if votes.get(actor) != "yes")
        blocked_by += tuple(a for a in vetoed_by if a not in blocked_by)
        passed = not blocked_by
    else:
        blocked_by = vetoed_by
        passed = 2 * len(yes) > len(eligible) and not vetoed_by
    return Tally(
        proposal=proposal,
        yes=yes,
        no=tuple(actor for actor in eligible if votes.get(actor) == "no"),
        abstain=tuple(actor for actor in eligible if votes.get(actor) == "abstain"),
        not_voted=tuple(actor for actor in eligible if actor not in votes),
        decisive=decisive,
        blocked_by=blocked_by,
        passed=passed,
        vetoed_by=vetoed_by,
    )


@dataclass(frozen=True, slots=True)
class VoteRound:
    """The vote phase: the ballot (proposal numbers), who votes, and every ballot cast."""

    proposals: tuple[int, ...]
    eligible: tuple[str, ...]
    opened_at: datetime
    closed_at: datetime | None = None
    ballots: tuple[Ballot, ...] = ()

    def __post_init__(self) -> None:
        for name in ("proposals", "eligible", "ballots"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        require_utc(self.opened_at, "opened_at")
        if self.closed_at is not None:
            require_utc(self.closed_at, "closed_at")

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def current(self) -> dict[tuple[int, str], Ballot]:
        """The ballot that counts per (proposal, delegation): the last one cast."""
        latest: dict[tuple[int, str], Ballot] = {}
        for ballot in sorted(self.ballots, key=lambda b: b.sequence):
            latest[(ballot.proposal, ballot.actor)] = ballot
        return latest

    def votes_on(self, proposal: int) -> dict[str, Choice]:
        """Each delegation's counting choice on one proposal."""
        return {
            actor: ballot.choice
            for (number, actor), ballot in self.current().items()
            if number == proposal
        }

    def cast(
        self, proposal: int, actor: str, choice: Choice, user_id: int | None, now: datetime
    ) -> VoteRound:
        """Cast or change the delegation's vote; the same choice again changes nothing."""
        require_utc(now)
        if choice not in CHOICES:
            raise ValueError(f"choice must be one of {CHOICES}, got {choice!r}")
        if not self.is_open:
            raise VotingError("The vote is closed.")
        if proposal not in self.proposals:
            raise VotingError(f"Proposal {proposal} is not on the ballot.")
        if actor not in self.eligible:
            raise VotingError("Your delegation does not vote in this session.")
        counting = self.current().get((proposal, actor))
        if counting is not None and counting.choice == choice:
            return self
        sequence = max((b.sequence for b in self.ballots), default=0) + 1
        ballot = Ballot(sequence, proposal, actor, choice, user_id, now)
        return replace(self, ballots=(*self.ballots, ballot))

    def close(self, now: datetime) -> VoteRound:
        """Close the vote (idempotent)."""
        require_utc(now)
        return self if self.closed_at is not None else replace(self, closed_at=now)

    def tally(self, proposal: int, rule: _DecisionRule, extra: OptionRules | None = None) -> Tally:
        if proposal not in self.proposals:
            raise VotingError(f"Proposal {proposal} is not on the ballot.")
        return decide(proposal, self.votes_on(proposal), self.eligible, rule.must_agree, extra)

    def to_dict(self) -> dict[str, Any]:
        return {
            "proposals": list(self.proposals),
            "eligible": list(self.eligible),
            "opened_at": self.opened_at.isoformat(),
            "closed_at": _iso(self.closed_at),
            "ballots": [b.to_dict() for b in self.ballots],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> VoteRound:
        return cls(
            proposals=tuple(data["proposals"]),
            eligible=tuple(data["eligible"]),
            opened_at=parse_utc(data["opened_at"], "opened_at"),
            closed_at=_utc(data.get("closed_at"), "closed_at"),
            ballots=tuple(Ballot.from_dict(b) for b in data.get("ballots", ())),
        )


def open_vote(book: ProposalBook, now: datetime) -> tuple[ProposalBook, VoteRound]:
    """Open the vote: lock the book and put every tabled proposal on the ballot."""
    locked = book.lock(now)
    numbers = tuple(p.number for p in locked.tabled())
    return locked, VoteRound(proposals=numbers, eligible=locked.actors, opened_at=now)


# --- the outcome ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AgendaOutcome:
    """One agenda item: adopted or not, and the proposals adopted as its clauses."""

    agenda: str
    outcome: Outcome
    clauses: tuple[int, ...] = ()
    option: str | None = None
    """The option adopted, when a package was (``None`` otherwise)."""


@dataclass(frozen=True, slots=True)
class VoteOutcome:
    """The session's result: per agenda item, with every tally; ``final`` once the vote closed."""

    items: tuple[AgendaOutcome, ...]
    tallies: tuple[Tally, ...]
    final: bool
    package: int | None = None
    """The adopted package proposal's number (``None``: no package adopted)."""

    def choices(self) -> dict[str, str]:
        """Agenda id -> option adopted by the package (empty when none was)."""
        return {i.agenda: i.option for i in self.items if i.option is not None}

    @property
    def agreement(self) -> bool:
        """Whether anything was adopted. ``False`` is "no agreement" (as at Hanoi)."""
        return any(item.outcome == "adopted" for item in self.items)

    @property
    def headline(self) -> str:
        return "agreement" if self.agreement else "no agreement"

    @property
    def adopted(self) -> tuple[int, ...]:
        """Every adopted proposal number, by agenda item then number."""
        return tuple(number for item in self.items for number in item.clauses)

    def by_agenda(self) -> dict[str, Outcome]:
        """Agenda id -> adopted/not_adopted: what the scorecard compares objectives with."""
        return {item.agenda: item.outcome for item in self.items}

    def to_dict(self) -> dict[str, Any]:
        """The stored record; ``package`` and each item's ``option`` appear only for packages,
        so records of text proposals keep their shape."""
        items: list[dict[str, Any]] = []
        for i in self.items:
            item: dict[str, Any] = {
                "agenda": i.agenda,
                "outcome": i.outcome,
                "clauses": list(i.clauses),
            }
            if i.option is not None:
                item["option"] = i.option
            items.append(item)
        data: dict[str, Any] = {"headline": self.headline, "final": self.final}
        if self.package is not None:
            data["package"] = self.package
        data["items"] = items
        data["tallies"] = [t.to_dict() for t in self.tallies]
        return data


def vote_outcome(
    book: ProposalBook,
    round_: VoteRound,
    rule: _DecisionRule,
    option_rules: Mapping[tuple[str, str], OptionRules] | None = None,
) -> VoteOutcome:
    """Tally every proposal on the ballot and decide each agenda item.

    ``option_rules``: (agenda id, option id) -> that option's extra rule, for packages.
    """
    rules = option_rules or {}
    tallies = []
    for number in round_.proposals:
        proposal = book.proposal(number)
        extra = OptionRules.merged(rules[c] for c in proposal.package or () if c in rules)
        tallies.append(round_.tally(number, rule, extra))
    passed = {t.proposal for t in tallies if t.passed}
    packages = [t for t in tallies if t.passed and book.proposal(t.proposal).is_package]
    adopted = min(packages, key=lambda t: (-len(t.yes), t.proposal), default=None)
    held = {} if adopted is None else dict(book.proposal(adopted.proposal).package or ())
    items: list[AgendaOutcome] = []
    for agenda in book.agenda:
        clauses = tuple(
            number
            for number in round_.proposals
            if number in passed and book.proposal(number).agenda == agenda
        )
        option = held.get(agenda)
        if option is not None and adopted is not None:
            clauses = (*clauses, adopted.proposal)
        items.append(
            AgendaOutcome(agenda, "adopted" if clauses else "not_adopted", clauses, option)
        )
    return VoteOutcome(
        tuple(items),
        tuple(tallies),
        final=not round_.is_open,
        package=None if adopted is None else adopted.proposal,
    )
