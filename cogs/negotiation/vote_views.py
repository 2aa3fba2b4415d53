"""The vote on screen: the opening notice, one ballot message per proposal, the result.

Each ballot is one message with the proposal's text above three big buttons (Yes, No, Abstain)
and "Our votes": on a phone a student reads the clause and votes without scrolling a menu. The
buttons are dynamic items (``parley:vote:42:3:yes``) that survive a restart. Every answer is
private: what the student's delegation now votes, and who cast the ballot it replaced.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import discord

from bot.content.models import Scenario
from bot.domain.brief_pages import Page, fit
from bot.domain.deal_space import Package
from bot.domain.package_builder import package_lines, rule_lines
from bot.domain.scope import Scope
from bot.domain.voting import Ballot, Proposal
from bot.services.negotiation import NegotiationState, counting_by_actor, proposals_on_ballot
from cogs.common.interactions import bot_of, guarded
from cogs.common.scope import Scoped, session_scope
from cogs.negotiation.proposal_views import (
    actor_label,
    proposal_subject,
    proposal_summary,
    student_text,
)

__all__ = [
    "DYNAMIC_ITEMS",
    "OurVotesButton",
    "VoteButton",
    "ballot_embed",
    "ballot_view",
    "our_votes_text",
    "page_embeds",
    "vote_open_text",
    "vote_status_embed",
]

CHOICE_LABELS = {"yes": "Yes", "no": "No", "abstain": "Abstain"}
CHOICE_EMOJI = {"yes": "✅", "no": "❌", "abstain": "➖"}
RULE_FOR_STUDENTS = (
    "Each delegation has **one vote per proposal**. Any member may cast it or change it until "
    "the vote closes; the last ballot counts, and every ballot is recorded with who cast it. "
    "Talk it over in your delegation's thread first."
)


def vote_open_text(scenario: Scenario, state: NegotiationState) -> str:
    ballot = proposals_on_ballot(state)
    if not ballot:
        return (
            "🗳️ **The vote is open**, but no proposal was tabled: there is nothing to vote on, "
            "so the outcome will be **no agreement**."
        )
    listed = "\n".join(
        f"**#{p.number}** {fit(proposal_summary(scenario, p), 90)}" for p in ballot[:25]
    )
    return fit(
        f"🗳️ **The vote is open** on {len(ballot)} "
        f"{'proposal' if len(ballot) == 1 else 'proposals'}. {RULE_FOR_STUDENTS}\n"
        f"**Decision rule:** {scenario.decision_rule.explanation}\n{listed}",
        2000,
    )


def ballot_embed(scenario: Scenario, proposal: Proposal) -> discord.Embed:
    title = proposal_subject(scenario, proposal)
    try:
        colour = discord.Colour(scenario.actor(proposal.sponsor).colour)
    except KeyError:
        colour = discord.Colour.blurple()
    if proposal.package is None:
        description = student_text(proposal.text)
    else:
        lines = package_lines(scenario, dict(proposal.package))
        note = " ".join(proposal.text.split())
        if note:
            lines.append(f"\n> {student_text(fit(note, 1000))}")
        description = fit("\n".join(lines), 4000)
    embed = discord.Embed(
        title=fit(f"Ballot · proposal {proposal.number} · {title}", 256),
        description=description,
        colour=colour,
    )
    embed.add_field(name="Sponsor", value=actor_label(scenario, proposal.sponsor))
    if proposal.package is not None:
        rule = "\n".join(rule_lines(scenario, Package(proposal.package)))
        embed.add_field(name="How it is decided", value=fit(rule, 1024), inline=False)
    embed.set_footer(text="Your delegation's vote: the last ballot any member casts counts.")
    return embed


def ballot_view(session_id: int, number: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for choice in ("yes", "no", "abstain"):
        view.add_item(VoteButton(session_id, number, choice))
    view.add_item(OurVotesButton(session_id))
    return view


def _who(names: Mapping[int, str], ballot: Ballot) -> str:
    if ballot.cast_by is None:
        return "someone"
    return fit(student_text(names.get(ballot.cast_by, "a member")), 60)


def our_votes_text(
    scenario: Scenario, state: NegotiationState, actor: str, names: Mapping[int, str]
) -> str:
    """Where the delegation stands on every proposal on the ballot."""
    mine = counting_by_actor(state, actor)
    lines = []
    for proposal in proposals_on_ballot(state):
        ballot = mine.get(proposal.number)
        if ballot is None:
            now = "not voted yet"
        else:
            mark = f"{CHOICE_EMOJI[ballot.choice]} **{CHOICE_LABELS[ballot.choice]}**"
            now = f"{mark} ({_who(names, ballot)})"
        lines.append(f"#{proposal.number} {fit(proposal_summary(scenario, proposal), 60)} — {now}")
    status = "open" if state.vote_open else "closed"
    head = f"**{actor_label(scenario, actor)}: your delegation's votes** (the vote is {status})"
    return fit("\n".join([head, *lines]) if lines else head + "\nNothing is on the ballot.", 2000)


def vote_status_embed(
    scenario: Scenario, state: NegotiationState, names: Mapping[int, str]
) -> discord.Embed:
    """For the facilitator: every delegation's counting vote so far, per proposal."""
    assert state.round is not None
    vote = state.round.vote
    embed = discord.Embed(
        title=f"Vote — session #{state.session_id} ({'open' if vote.is_open else 'closed'})",
        description=(
            f"{len(vote.ballots)} ballots cast by {len({b.cast_by for b in vote.ballots})} "
            f"students. Voting: {', '.join(actor_label(scenario, a) for a in vote.eligible)}."
        ),
        colour=discord.Colour.dark_teal(),
    )
    current = vote.current()
    outcome = state.outcome  # tallies with each package's option rules applied
    tallies = {t.proposal: t for t in outcome.tallies} if outcome is not None else {}
    for number in vote.proposals[:24]:
        parts = []
        for actor in vote.eligible:
            ballot = current.get((number, actor))
            mark = "·" if ballot is None else CHOICE_EMOJI[ballot.choice]
            parts.append(f"{mark} {scenario.actor(actor).flag}")
        tally = tallies.get(number) or vote.tally(number, state.round.rule)
        verdict = "would pass" if tally.passed else "would not pass"
        embed.add_field(
            name=f"#{number} — {verdict}", value=fit(" ".join(parts), 1024), inline=False
        )
    if len(vote.proposals) > 24:
        embed.add_field(name="…", value=f"{len(vote.proposals) - 24} more proposals")
    return embed


def page_embeds(pages: Sequence[Page], colour: discord.Colour) -> list[discord.Embed]:
    """Pages as embeds (mentions escaped: student text appears in them)."""
    embeds = []
    for page in pages:
        embed = discord.Embed(
            title=page.title,
            description=fit(student_text(page.description), 4096) or None,
            colour=colour,
        )
        for f in page.fields:
            embed.add_field(
                name=fit(student_text(f.name), 256),
                value=fit(student_text(f.value), 1024),
                inline=False,
            )
        embeds.append(embed)
    return embeds


class VoteButton(
    Scoped,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"parley:vote:(?P<sid>[0-9]+):(?P<number>[0-9]+):(?P<choice>yes|no|abstain)",
):
    STYLES: ClassVar[dict[str, discord.ButtonStyle]] = {
        "yes": discord.ButtonStyle.success,
        "no": discord.ButtonStyle.danger,
        "abstain": discord.ButtonStyle.secondary,
    }

    def __init__(self, session_id: int, number: int, choice: str) -> None:
        self.session_id, self.number, self.choice = session_id, number, choice
        super().__init__(
            discord.ui.Button(
                label=CHOICE_LABELS[choice],
                emoji=CHOICE_EMOJI[choice],
                style=self.STYLES[choice],
                custom_id=f"parley:vote:{session_id}:{number}:{choice}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> VoteButton:
        return cls(int(match["sid"]), int(match["number"]), match["choice"])

    async def scope(self, interaction: discord.Interaction[Any]) -> Scope | None:
        return await session_scope(interaction, self.session_id)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        flow = bot_of(interaction).negotiation_flow
        await guarded(
            interaction, flow.cast(interaction, self.session_id, self.number, self.choice)
        )


class OurVotesButton(
    Scoped,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"parley:vote:(?P<sid>[0-9]+):ours",
):
    def __init__(self, session_id: int) -> None:
        self.session_id = session_id
        super().__init__(
            discord.ui.Button(
                label="Our votes",
                emoji="📋",
                style=discord.ButtonStyle.secondary,
                custom_id=f"parley:vote:{session_id}:ours",
            )
        )

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> OurVotesButton:
        return cls(int(match["sid"]))

    async def scope(self, interaction: discord.Interaction[Any]) -> Scope | None:
        return await session_scope(interaction, self.session_id)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        flow = bot_of(interaction).negotiation_flow
        await guarded(interaction, flow.our_votes(interaction, self.session_id))


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (VoteButton, OurVotesButton)
