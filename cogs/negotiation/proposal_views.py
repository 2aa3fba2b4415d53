"""Proposal cards in the plenary, their buttons, and the forms for typing a proposal.

A card shows the number, the agenda item, the text, the sponsor and who backs it; a package's
card shows every item (its option, or left out) and how the package is decided, with a
"What is it worth to us?" button that answers each delegation privately. Its buttons
are dynamic items keyed by session and number (``parley:proposal:42:3:support``), so a card
posted before a restart keeps working. The forms (propose, replace) are never kept in
discord.py's modal store: a submission, before or after a restart, is routed by its custom_id
from the proposals cog's ``on_interaction`` listener (`PROPOSE_FORM`, `REPLACE_FORM`).

Proposal text is student text: it is rendered with mentions escaped, and every message that
carries it is sent with no mentions allowed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import discord

from bot.content.models import Scenario
from bot.domain.brief_pages import fit
from bot.domain.deal_space import Package
from bot.domain.package_builder import package_lines, rule_lines
from bot.domain.scope import Scope
from bot.domain.voting import MAX_PROPOSAL_CHARS, Proposal
from cogs.common.interactions import bot_of, guarded
from cogs.common.modals import ParleyModal
from cogs.common.scope import Scoped, session_scope

__all__ = [
    "DYNAMIC_ITEMS",
    "PROPOSE_FORM",
    "REPLACE_FORM",
    "TEXT_FIELD",
    "ProposalButton",
    "actor_label",
    "form_text",
    "proposal_embed",
    "proposal_subject",
    "proposal_summary",
    "proposal_view",
    "propose_form",
    "replace_form",
    "student_text",
]

TEXT_FIELD = "text"
PROPOSE_FORM = re.compile(r"parley:propose:(?P<sid>[0-9]+):(?P<agenda>[a-z0-9-]+)")
REPLACE_FORM = re.compile(r"parley:proposal:(?P<sid>[0-9]+):(?P<number>[0-9]+):form")
STATUS_COLOUR = discord.Colour.dark_grey()


def student_text(text: str) -> str:
    """Student text made harmless for display: @everyone, @here and mentions escaped."""
    return discord.utils.escape_mentions(text)


def actor_label(scenario: Scenario, actor_id: str) -> str:
    try:
        actor = scenario.actor(actor_id)
    except KeyError:
        return actor_id
    return f"{actor.flag} {actor.name}"


def _agenda_title(scenario: Scenario, agenda_id: str) -> str:
    try:
        return scenario.agenda_item(agenda_id).title
    except KeyError:
        return agenda_id


def proposal_subject(scenario: Scenario, proposal: Proposal) -> str:
    """What a proposal is about: its agenda item, or "Package"."""
    return "Package" if proposal.package is not None else _agenda_title(scenario, proposal.agenda)


def proposal_summary(scenario: Scenario, proposal: Proposal) -> str:
    """One line for lists and ballots, mentions escaped: a package's options, or the text."""
    if proposal.package is not None:
        return Package(proposal.package).label(scenario)
    return student_text(" ".join(proposal.text.split()))


def _package_description(scenario: Scenario, proposal: Proposal) -> str:
    lines = package_lines(scenario, dict(proposal.package or ()))
    note = " ".join(proposal.text.split())
    if note:
        lines.append(f"\n> {student_text(fit(note, 1000))}")
    return fit("\n".join(lines), 4000)


def _list(scenario: Scenario, actors: Sequence[str]) -> str:
    return ", ".join(actor_label(scenario, a) for a in actors) or "—"


def proposal_embed(
    scenario: Scenario,
    proposal: Proposal,
    names: Mapping[int, str],
    *,
    locked: bool = False,
) -> discord.Embed:
    """The card: number, agenda item, text, sponsor and backers, and where it stands."""
    live = proposal.status == "tabled"
    try:
        colour = discord.Colour(scenario.actor(proposal.sponsor).colour)
    except KeyError:
        colour = discord.Colour.blurple()
    package = proposal.package
    embed = discord.Embed(
        title=fit(f"Proposal {proposal.number} · {proposal_subject(scenario, proposal)}", 256),
        description=(
            student_text(proposal.text)
            if package is None
            else _package_description(scenario, proposal)
        ),
        colour=colour if live else STATUS_COLOUR,
    )
    sponsor = actor_label(scenario, proposal.sponsor)
    if proposal.tabled_by is not None and proposal.tabled_by in names:
        sponsor += f"\ntabled by {fit(student_text(names[proposal.tabled_by]), 100)}"
    embed.add_field(name="Sponsor", value=sponsor, inline=True)
    embed.add_field(name="Co-sponsors", value=_list(scenario, proposal.co_sponsors), inline=True)
    embed.add_field(name="Supporters", value=_list(scenario, proposal.supporters), inline=True)
    if proposal.replaces is not None:
        verb = "Amends" if package is not None else "Replaces"
        embed.add_field(name=verb, value=f"proposal {proposal.replaces}", inline=True)
    if package is not None:
        rule = "\n".join(rule_lines(scenario, Package(package)))
        embed.add_field(name="How it is decided", value=fit(rule, 1024), inline=False)
    if proposal.status == "withdrawn":
        footer = "Withdrawn by its sponsor: not on the ballot."
    elif proposal.status == "replaced":
        footer = f"Replaced by proposal {proposal.replaced_by}: not on the ballot."
    elif locked:
        footer = "On the ballot: the vote has opened."
    elif package is not None:
        footer = (
            "What is it worth to us? shows your delegation its points, privately. Co-sponsor "
            "(your name on it) or support it (you would vote for it). The sponsor may amend or "
            "withdraw it."
        )
    else:
        footer = (
            "Other delegations: co-sponsor it (your name on it) or support it (you would vote "
            "for it). The sponsor may replace or withdraw it."
        )
    embed.set_footer(text=footer)
    return embed


def proposal_view(session_id: int, proposal: Proposal, *, locked: bool = False) -> discord.ui.View:
    """Buttons while the proposal can change; an empty view (no buttons) afterwards."""
    view = discord.ui.View(timeout=None)
    if proposal.status != "tabled":
        return view
    if proposal.package is not None:  # worth asking until the vote closes, and after
        view.add_item(ProposalButton(session_id, proposal.number, "worth"))
    if locked:
        return view
    for action in ProposalButton.ACTIONS:
        if action == "replace" and proposal.package is not None:
            action = "amend"
        view.add_item(ProposalButton(session_id, proposal.number, action))
    return view


class ProposalButton(
    Scoped,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"parley:proposal:(?P<sid>[0-9]+):(?P<number>[0-9]+)"
    r":(?P<action>cosponsor|support|drop|replace|amend|withdraw|withdraw-yes|worth)",
):
    """Co-sponsor / Support / Take back (other delegations), Replace or Amend / Withdraw
    (sponsor), and on a package "What is it worth to us?" (anyone, answered privately)."""

    ACTIONS: ClassVar[tuple[str, ...]] = ("cosponsor", "support", "drop", "replace", "withdraw")
    STYLE: ClassVar[dict[str, tuple[str, str | None, discord.ButtonStyle, int]]] = {
        "cosponsor": ("Co-sponsor", "🤝", discord.ButtonStyle.primary, 0),
        "support": ("Support", "👍", discord.ButtonStyle.secondary, 0),
        "drop": ("Take back", "↩️", discord.ButtonStyle.secondary, 0),
        "replace": ("Replace (sponsor)", "✏️", discord.ButtonStyle.secondary, 1),
        "amend": ("Amend (sponsor)", "✏️", discord.ButtonStyle.secondary, 1),
        "withdraw": ("Withdraw (sponsor)", "🗑️", discord.ButtonStyle.danger, 1),
        "withdraw-yes": ("Yes, withdraw it", None, discord.ButtonStyle.danger, 0),
        "worth": ("What is it worth to us?", "🔢", discord.ButtonStyle.success, 2),
    }

    def __init__(self, session_id: int, number: int, action: str) -> None:
        self.session_id, self.number, self.action = session_id, number, action
        label, emoji, style, row = self.STYLE[action]
        super().__init__(
            discord.ui.Button(
                label=label,
                emoji=emoji,
                style=style,
                row=row,
                custom_id=f"parley:proposal:{session_id}:{number}:{action}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> ProposalButton:
        return cls(int(match["sid"]), int(match["number"]), match["action"])

    async def scope(self, interaction: discord.Interaction[Any]) -> Scope | None:
        return await session_scope(interaction, self.session_id)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        flow = bot_of(interaction).negotiation_flow
        await guarded(
            interaction,
            flow.proposal_action(interaction, self.session_id, self.number, self.action),
        )


def _form(custom_id: str, title: str, default: str | None, placeholder: str) -> discord.ui.Modal:
    modal = ParleyModal(title=fit(title, 45), custom_id=custom_id, timeout=None)
    modal.add_item(
        discord.ui.TextInput(
            label="Proposal text",
            custom_id=TEXT_FIELD,
            style=discord.TextStyle.paragraph,
            placeholder=fit(placeholder, 100),
            default=default,
            required=True,
            min_length=1,
            max_length=MAX_PROPOSAL_CHARS,
        )
    )
    modal.stop()  # routed by custom_id, not kept in discord.py's store (see the docstring)
    return modal


def propose_form(session_id: int, scenario: Scenario, agenda_id: str) -> discord.ui.Modal:
    return _form(
        f"parley:propose:{session_id}:{agenda_id}",
        f"Propose: {_agenda_title(scenario, agenda_id)}",
        None,
        "One clause the other delegations can vote yes or no on.",
    )


def replace_form(session_id: int, proposal: Proposal) -> discord.ui.Modal:
    return _form(
        f"parley:proposal:{session_id}:{proposal.number}:form",
        f"Replace proposal {proposal.number}",
        proposal.text,
        "The new text (it gets a new number).",
    )


def form_text(interaction: discord.Interaction[Any]) -> str:
    """The text typed into a submitted proposal form ("" if absent)."""
    data: Any = interaction.data or {}
    stack = list(data.get("components") or [])
    while stack:
        component = stack.pop(0)
        if not isinstance(component, dict):
            continue
        if component.get("custom_id") == TEXT_FIELD:
            return str(component.get("value") or "")
        stack += list(component.get("components") or [])
        inner = component.get("component")
        if isinstance(inner, dict):
            stack.append(inner)
    return ""


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (ProposalButton,)
