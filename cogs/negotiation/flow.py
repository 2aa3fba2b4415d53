"""The Discord side of proposals and the vote: cards, ballots, confirmations, the result.

`NegotiationService` decides (one transaction, no Discord); this module shows it: it posts a
numbered card in the plenary for each proposal and keeps it current, posts one ballot message
per proposal when the vote opens, answers every vote privately, tells the delegation's thread
who cast its vote (so a delegation sees itself change its mind), and announces the result.

The vote opens when the rounds engine starts a "vote" phase (``parley_phase_started``) or when
a facilitator runs `/vote open`, and closes when that phase ends, on `/vote close`, or when the
session ends. Both paths are idempotent, and a per-session lock keeps two of them from posting
the ballots twice.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import discord

from bot.domain.brief_pages import fit
from bot.domain.debrief import vote_result_pages
from bot.domain.echo import echo
from bot.domain.package_builder import LEAVE_OUT, decode_draft, encode_draft, item_pages
from bot.domain.voting import CHOICES, TABLING_PHASES, Choice, VotingError
from bot.errors import UserFacingError
from bot.services.negotiation import (
    NegotiationService,
    NegotiationState,
    VoteClosed,
    proposals_on_ballot,
)
from bot.services.sessions import SessionInfo
from cogs.common.interactions import NO_MENTIONS, reply
from cogs.common.pages import message_groups
from cogs.negotiation.package_views import (
    builder_embed,
    builder_view,
    review_embed,
    review_view,
    worth_embed,
)
from cogs.negotiation.proposal_views import (
    ProposalButton,
    actor_label,
    proposal_embed,
    proposal_subject,
    proposal_view,
    propose_form,
    replace_form,
)
from cogs.negotiation.vote_views import (
    CHOICE_LABELS,
    ballot_embed,
    ballot_view,
    our_votes_text,
    page_embeds,
    vote_open_text,
    vote_status_embed,
)

if TYPE_CHECKING:
    from bot.client import ParleyBot
    from bot.content.models import Scenario

log = logging.getLogger(__name__)

DEFAULT_PHASE = "plenary"
"""The phase assumed when no rounds engine runs (or it has not started): tabling is allowed."""
NO_SESSION = (
    "There is no live session here. Use this in your class channel or your delegation's thread."
)


@contextmanager
def keeping(text: str) -> Iterator[None]:
    """A refused proposal gives the student their text back, so nothing they typed is lost."""
    try:
        yield
    except UserFacingError as error:
        if not text.strip():
            raise
        raise UserFacingError(
            f"{error}\nYour text, to copy and use again:\n>>> {fit(text.strip(), 1700)}"
        ) from error


class NegotiationFlow:
    def __init__(self, bot: ParleyBot) -> None:
        self.bot = bot
        self._vote_locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    @property
    def service(self) -> NegotiationService:
        return self.bot.negotiation

    # --- helpers -------------------------------------------------------------------------------

    async def session_here(self, interaction: discord.Interaction[Any]) -> SessionInfo:
        found = None
        if interaction.channel_id is not None:
            found = await self.bot.sessions.live_session_for_channel(interaction.channel_id)
        if found is None:
            raise UserFacingError(NO_SESSION)
        return found

    async def phase_kind(self, session_id: int) -> str:
        """The current phase's kind from the rounds engine, if one runs (see module docs)."""
        rounds = getattr(self.bot, "rounds", None)
        if rounds is None:
            return DEFAULT_PHASE
        try:
            phase = rounds.current_phase(session_id)
            if inspect.isawaitable(phase):
                phase = await phase
        except Exception:
            log.exception("rounds.current_phase failed for session %s", session_id)
            return DEFAULT_PHASE
        kind = getattr(phase, "kind", None)
        return str(kind) if kind else DEFAULT_PHASE

    async def names(self, session_id: int) -> dict[int, str]:
        return {p.user_id: p.display_name for p in await self.bot.sessions.participants(session_id)}

    def _channel(self, state: NegotiationState, channel_id: int | None = None) -> Any:
        return self.bot.get_partial_messageable(
            channel_id or state.channel_id, guild_id=state.guild_id
        )

    def scenario(self, state: NegotiationState) -> Scenario:
        return self.service.scenario(state.scenario_id)

    def _jump(self, state: NegotiationState, message_id: int) -> str:
        return f"https://discord.com/channels/{state.guild_id}/{state.channel_id}/{message_id}"

    # --- proposals -----------------------------------------------------------------------------

    def resolve_agenda(self, scenario: Scenario, typed: str) -> str:
        """An agenda id from the autocomplete value, or from a typed title."""
        wanted = typed.strip().casefold()
        for item in scenario.agenda:
            if wanted in (item.id, item.title.casefold()):
                return item.id
        matches = [
            item.id for item in scenario.agenda if wanted and wanted in item.title.casefold()
        ]
        if len(matches) == 1:
            return matches[0]
        titles = "; ".join(item.title for item in scenario.agenda)
        raise UserFacingError(
            f"“{echo(typed)}” is not an agenda item. Pick one from the list: {titles}."
        )

    async def propose(
        self, interaction: discord.Interaction[Any], item: str | None, text: str | None
    ) -> None:
        """`/propose`: in a scenario with options, the package builder (on the page of ``item``
        if given); otherwise a clause on ``item``, typed now or in a form."""
        session = await self.session_here(interaction)
        scenario = self.bot.sessions.scenario(session.scenario_id)
        if scenario.has_game:
            if text:
                with keeping(text):
                    raise UserFacingError(
                        "In this scenario a proposal is a package: run `/propose` without text "
                        "and pick an option (or leave it out) for each item."
                    )
            page = 0
            if item:
                agenda_id = self.resolve_agenda(scenario, item)
                page = next(i for i, ids in enumerate(item_pages(scenario)) if agenda_id in ids)
            await self.open_builder(
                interaction, session.id, scenario, draft=encode_draft(scenario, {}), page=page
            )
            return
        if not item:
            titles = "; ".join(i.title for i in scenario.agenda)
            raise UserFacingError(f"Pick the agenda item your proposal is about: {titles}.")
        agenda = self.resolve_agenda(scenario, item)
        if not text:
            # Say what stands in the way before the student types a paragraph, not after.
            await self.service.actor_of(session.id, interaction.user.id)
            if await self.phase_kind(session.id) not in TABLING_PHASES:
                raise VotingError("Proposals are tabled during caucus and plenary phases, not now.")
            if (await self.service.state(session.id)).book.locked_at is not None:
                raise VotingError("Voting has opened: proposals can no longer be tabled.")
            await interaction.response.send_modal(propose_form(session.id, scenario, agenda))
            return
        await self.table(interaction, session.id, agenda, text)

    async def table(
        self, interaction: discord.Interaction[Any], session_id: int, agenda: str, text: str
    ) -> None:
        phase = await self.phase_kind(session_id)
        await interaction.response.defer(ephemeral=True, thinking=True)
        with keeping(text):
            change = await self.service.table(
                session_id, interaction.user.id, agenda, text, phase_kind=phase
            )
        message = await self._post_card(change.state, change.proposal.number)
        where = f" {self._jump(change.state, message.id)}" if message else ""
        await reply(
            interaction,
            f"Proposal **{change.proposal.number}** is tabled in the plenary for "
            f"{actor_label(self.scenario(change.state), change.actor)}.{where}",
        )

    async def _post_card(self, state: NegotiationState, number: int) -> discord.Message | None:
        proposal = state.book.proposal(number)
        names = await self.names(state.session_id)
        try:
            message: discord.Message = await self._channel(state).send(
                embed=proposal_embed(self.scenario(state), proposal, names),
                view=proposal_view(state.session_id, proposal),
                allowed_mentions=NO_MENTIONS,
            )
        except discord.HTTPException:
            log.exception("Could not post the card of proposal %s", number)
            return None
        await self.service.set_card(state.session_id, number, message.channel.id, message.id)
        return message

    async def refresh_card(self, state: NegotiationState, number: int) -> None:
        card = state.cards.get(number)
        if card is None:
            return
        proposal = state.book.proposal(number)
        locked = state.book.locked_at is not None
        names = await self.names(state.session_id)
        message = self._channel(state, card.channel_id).get_partial_message(card.message_id)
        try:
            await message.edit(
                embed=proposal_embed(self.scenario(state), proposal, names, locked=locked),
                view=proposal_view(state.session_id, proposal, locked=locked),
                allowed_mentions=NO_MENTIONS,
            )
        except discord.HTTPException:
            log.warning("Could not update the card of proposal %s", number)

    async def proposal_action(
        self, interaction: discord.Interaction[Any], session_id: int, number: int, action: str
    ) -> None:
        user = interaction.user.id
        if action == "worth":
            await self.worth(interaction, session_id, number)
            return
        if action in ("replace", "amend", "withdraw"):
            # Check before showing a form or a confirmation: the service checks again.
            state = await self.service.state(session_id)
            proposal = state.book.proposal(number)
            actor = await self.service.actor_of(session_id, user)
            done = {"replace": "replaced", "amend": "amended", "withdraw": "withdrawn"}[action]
            if proposal.sponsor != actor:
                raise VotingError(f"Only the sponsor can {action} proposal {number}.")
            if state.book.locked_at is not None:
                raise VotingError("Voting has opened: proposals can no longer be changed.")
            if proposal.status != "tabled":
                raise VotingError(f"Proposal {number} was {proposal.status}: it cannot be {done}.")
        if action == "amend" or (action == "replace" and proposal.package is not None):
            scenario = self.scenario(state)
            draft = encode_draft(scenario, dict(proposal.package or ()))
            await self.open_builder(interaction, session_id, scenario, amend=number, draft=draft)
            return
        if action == "replace":
            await interaction.response.send_modal(replace_form(session_id, proposal))
            return
        if action == "withdraw":
            view = discord.ui.View(timeout=None)
            view.add_item(ProposalButton(session_id, number, "withdraw-yes"))
            await reply(
                interaction,
                f"Withdraw proposal {number} for everyone? It leaves the table and the ballot.",
                view=view,
            )
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        if action == "withdraw-yes":
            change = await self.service.withdraw(session_id, user, number)
            done = f"Proposal {number} is withdrawn."
        else:
            kind = {"cosponsor": "co_sponsor", "support": "support", "drop": "drop"}[action]
            change = await self.service.back(session_id, user, number, kind)  # type: ignore[arg-type]
            label = actor_label(self.scenario(change.state), change.actor)
            done = {
                "cosponsor": f"{label} now co-sponsors proposal {number}.",
                "support": f"{label} now supports proposal {number}.",
                "drop": f"{label} no longer backs proposal {number}.",
            }[action]
        await self.refresh_card(change.state, number)
        await reply(interaction, done)

    async def replace(
        self, interaction: discord.Interaction[Any], session_id: int, number: int, text: str
    ) -> None:
        phase = await self.phase_kind(session_id)
        await interaction.response.defer(ephemeral=True, thinking=True)
        with keeping(text):
            change = await self.service.replace(
                session_id, interaction.user.id, number, text, phase_kind=phase
            )
        await self.refresh_card(change.state, number)
        message = await self._post_card(change.state, change.proposal.number)
        where = f" {self._jump(change.state, message.id)}" if message else ""
        await reply(
            interaction,
            f"Proposal {number} is replaced by proposal **{change.proposal.number}**.{where} "
            "Co-sponsors and supporters signed the old text: they back the new one again if "
            "they still agree.",
        )

    # --- packages (scenarios with options and points schedules) -------------------------------

    async def _package_scenario(self, session_id: int) -> Scenario:
        state = await self.service.state(session_id)
        scenario = self.scenario(state)
        if not scenario.has_game:
            raise UserFacingError(
                "This scenario has no options to combine: propose a clause with `/propose item:`."
            )
        return scenario

    async def _may_table(self, session_id: int, user_id: int) -> None:
        """Say what stands in the way before the student builds a package, not after."""
        await self.service.actor_of(session_id, user_id)
        if await self.phase_kind(session_id) not in TABLING_PHASES:
            raise VotingError("Proposals are tabled during caucus and plenary phases, not now.")
        if (await self.service.state(session_id)).book.locked_at is not None:
            raise VotingError("Voting has opened: proposals can no longer be tabled.")

    async def open_builder(
        self,
        interaction: discord.Interaction[Any],
        session_id: int,
        scenario: Scenario,
        *,
        amend: int = 0,
        draft: str = "",
        page: int = 0,
    ) -> None:
        """The package builder, privately: a select per item, page by page."""
        await self._may_table(session_id, interaction.user.id)
        await reply(
            interaction,
            embed=builder_embed(scenario, draft, page, amend),
            view=builder_view(scenario, session_id, draft, page, amend),
        )

    async def package_pick(
        self,
        interaction: discord.Interaction[Any],
        session_id: int,
        amend: int,
        page: int,
        draft: str,
        item: int,
        picked: str,
    ) -> None:
        scenario = await self._package_scenario(session_id)
        if not 0 <= item < len(scenario.agenda):
            raise UserFacingError("That menu is out of date: run `/propose` again.")
        agenda = scenario.agenda[item]
        choices = decode_draft(scenario, draft)
        if picked == LEAVE_OUT:
            choices[agenda.id] = None
        elif picked in {option.id for option in agenda.choices()}:
            choices[agenda.id] = picked
        else:
            raise UserFacingError("That option is no longer on the menu: run `/propose` again.")
        new = encode_draft(scenario, choices)
        await interaction.response.edit_message(
            embed=builder_embed(scenario, new, page, amend),
            view=builder_view(scenario, session_id, new, page, amend),
        )

    async def package_button(
        self,
        interaction: discord.Interaction[Any],
        session_id: int,
        amend: int,
        page: int,
        draft: str,
        action: str,
    ) -> None:
        scenario = await self._package_scenario(session_id)
        if action in ("prev", "next", "edit"):
            page = 0 if action == "edit" else page + (1 if action == "next" else -1)
            page = max(0, min(page, len(item_pages(scenario)) - 1))
            await interaction.response.edit_message(
                embed=builder_embed(scenario, draft, page, amend),
                view=builder_view(scenario, session_id, draft, page, amend),
            )
            return
        choices = decode_draft(scenario, draft)
        empty = all(option is None for option in choices.values())
        if action == "review":
            worth = None
            if not empty:
                found = await self.service.worth(session_id, interaction.user.id, choices=choices)
                worth = (
                    [(w.agenda, w.option, w.points) for w in found.lines],
                    found.points,
                    found.no_deal,
                )
            embed = review_embed(scenario, draft, amend, worth)
            if empty:
                embed.set_footer(text="Pick an option on at least one item first (Change).")
            await interaction.response.edit_message(
                embed=embed, view=review_view(session_id, draft, amend, empty=empty)
            )
            return
        # action == "table"
        phase = await self.phase_kind(session_id)
        await interaction.response.defer(ephemeral=True, thinking=True)
        if amend:
            change = await self.service.amend_package(
                session_id, interaction.user.id, amend, choices, phase_kind=phase
            )
            await self.refresh_card(change.state, amend)
        else:
            change = await self.service.table_package(
                session_id, interaction.user.id, choices, phase_kind=phase
            )
        message = await self._post_card(change.state, change.proposal.number)
        where = f" {self._jump(change.state, message.id)}" if message else ""
        label = actor_label(self.scenario(change.state), change.actor)
        if amend:
            text = (
                f"Proposal {amend} is amended: the new version is proposal "
                f"**{change.proposal.number}**.{where} Co-sponsors and supporters back the new "
                "version again if they still agree."
            )
        else:
            text = (
                f"Package **{change.proposal.number}** is tabled in the plenary for {label}.{where}"
            )
        await reply(interaction, text)

    async def worth(
        self, interaction: discord.Interaction[Any], session_id: int, number: int
    ) -> None:
        """ "What is it worth to us?": the delegation's points for a tabled package, privately."""
        found = await self.service.worth(session_id, interaction.user.id, number)
        state = await self.service.state(session_id)
        scenario = self.scenario(state)
        await reply(
            interaction,
            embed=worth_embed(
                scenario,
                number,
                actor_label(scenario, found.actor),
                [(w.agenda, w.option, w.points) for w in found.lines],
                found.points,
                found.no_deal,
            ),
        )

    async def list_proposals(self, interaction: discord.Interaction[Any]) -> None:
        session = await self.session_here(interaction)
        state = await self.service.state(session.id)
        scenario = self.scenario(state)
        lines = []
        for p in state.book.tabled():
            card = state.cards.get(p.number)
            link = f" [card]({self._jump(state, card.message_id)})" if card else ""
            backers = len(p.co_sponsors) + len(p.supporters)
            lines.append(
                f"**#{p.number}** {actor_label(scenario, p.sponsor)} · "
                f"{proposal_subject(scenario, p)} · {backers} backing{link}"
            )
        status = " The vote has opened." if state.book.locked_at else ""
        text = "\n".join(lines) if lines else "No proposal is on the table yet: `/propose`."
        await reply(interaction, f"**On the table**{status}\n{text}"[:2000])

    # --- the vote ------------------------------------------------------------------------------

    async def open_vote(
        self, session_id: int, opened_by: int | None, *, allow_empty: bool = True
    ) -> NegotiationState:
        """Open the vote and post the ballots (once, however many times this is called).

        Each ballot's message id is stored as soon as it is posted: after a crash half-way, the
        next call (the phase event again, or `/vote open`) posts only the missing ones.
        """
        async with self._vote_locks[session_id]:
            opened = await self.service.open_vote(session_id, opened_by, allow_empty=allow_empty)
            state = opened.state
            assert state.round is not None
            if not state.round.vote.is_open:
                return state
            posted = state.round.ballot_messages
            missing = [p for p in proposals_on_ballot(state) if p.number not in posted]
            if not opened.created and not missing:
                return state
            if opened.created:
                for proposal in state.book.tabled():
                    await self.refresh_card(state, proposal.number)
            scenario = self.scenario(state)
            channel = self._channel(state)
            try:
                if opened.created or not posted:
                    await channel.send(
                        vote_open_text(scenario, state), allowed_mentions=NO_MENTIONS
                    )
                for proposal in missing:
                    message = await channel.send(
                        embed=ballot_embed(scenario, proposal),
                        view=ballot_view(session_id, proposal.number),
                        allowed_mentions=NO_MENTIONS,
                    )
                    await self.service.set_ballot_messages(
                        session_id, {proposal.number: message.id}
                    )
            except discord.HTTPException:
                log.exception("Could not post every ballot of session %s", session_id)
            return await self.service.state(session_id)

    async def open_by_facilitator(
        self, interaction: discord.Interaction[Any], session_id: int
    ) -> None:
        """`/vote open` and the panel's button: refuse an empty table, then report privately."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        state = await self.open_vote(session_id, interaction.user.id, allow_empty=False)
        assert state.round is not None
        count = len(state.round.vote.proposals)
        if not state.round.vote.is_open:
            raise UserFacingError("The vote is already closed: `/debrief` is next.")
        await reply(
            interaction,
            f"The vote is open on {count} {'proposal' if count == 1 else 'proposals'}: the "
            "ballots are in the plenary. Close it with `/vote close` (`/vote status` shows who "
            "has voted).",
        )

    async def close_by_facilitator(
        self, interaction: discord.Interaction[Any], session_id: int
    ) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        closed = await self.close_vote(session_id, interaction.user.id)
        verb = "is closed" if closed.newly_closed else "was already closed"
        await reply(
            interaction,
            f"The vote {verb}: **{closed.outcome.headline}**. The result is in the plenary; "
            "`/debrief` sets it beside history.",
        )

    async def cast(
        self, interaction: discord.Interaction[Any], session_id: int, number: int, choice: str
    ) -> None:
        if choice not in CHOICES:
            raise UserFacingError("Vote Yes, No or Abstain.")
        picked: Choice = choice
        result = await self.service.cast(session_id, interaction.user.id, number, picked)
        state = result.state
        scenario = self.scenario(state)
        label = actor_label(scenario, result.actor)
        if not result.changed:
            text = f"{label} already votes **{CHOICE_LABELS[choice]}** on proposal {number}."
        elif result.previous is None:
            text = f"Recorded: {label} votes **{CHOICE_LABELS[choice]}** on proposal {number}."
        else:
            names = await self.names(session_id)
            who = (
                "you"
                if result.previous.cast_by == interaction.user.id
                else names.get(result.previous.cast_by or 0, "another member")
            )
            text = (
                f"Changed: {label} now votes **{CHOICE_LABELS[choice]}** on proposal {number} "
                f"(it was {CHOICE_LABELS[result.previous.choice]}, cast by {who})."
            )
        await reply(interaction, text + " Any member may change it until the vote closes.")
        if result.changed:
            await self._tell_delegation(state, result.actor, interaction, number, choice)

    async def _tell_delegation(
        self,
        state: NegotiationState,
        actor: str,
        interaction: discord.Interaction[Any],
        number: int,
        choice: str,
    ) -> None:
        """A line in the delegation's own thread: the record of who cast its vote."""
        roster = await self.bot.sessions.roster(state.session_id)
        space = roster.delegation(actor).space_channel_id
        if space is None:
            return
        name = getattr(interaction.user, "display_name", "A member")
        try:
            await self.bot.get_partial_messageable(space, guild_id=state.guild_id).send(
                f"🗳️ {discord.utils.escape_mentions(name)} cast your delegation's vote on "
                f"proposal {number}: **{CHOICE_LABELS[choice]}**.",
                allowed_mentions=NO_MENTIONS,
            )
        except discord.HTTPException:
            log.info("Could not note a vote in the delegation space %s", space)

    async def our_votes(self, interaction: discord.Interaction[Any], session_id: int) -> None:
        actor = await self.service.actor_of(session_id, interaction.user.id)
        state = await self.service.state(session_id)
        names = await self.names(session_id)
        await reply(interaction, our_votes_text(self.scenario(state), state, actor, names))

    async def status(self, interaction: discord.Interaction[Any], session_id: int) -> None:
        state = await self.service.state(session_id)
        if state.round is None:
            raise UserFacingError("The vote has not opened yet: `/vote open` opens it.")
        names = await self.names(session_id)
        await reply(interaction, embed=vote_status_embed(self.scenario(state), state, names))

    async def close_vote(self, session_id: int, closed_by: int | None) -> VoteClosed:
        """Close the vote, record the outcome, and announce it (once)."""
        async with self._vote_locks[session_id]:
            closed = await self.service.close_vote(session_id, closed_by)
            if not closed.newly_closed:
                return closed
            state = closed.state
            assert state.round is not None
            channel = self._channel(state, state.round.channel_id)
            for number, message_id in state.round.ballot_messages.items():
                tally = closed.tallies.get(number)
                mark = "✅ adopted" if tally and tally.passed else "❌ not adopted"
                try:
                    await channel.get_partial_message(message_id).edit(
                        content=f"Vote closed — proposal {number}: {mark}.",
                        view=None,
                        allowed_mentions=NO_MENTIONS,
                    )
                except discord.HTTPException:
                    log.info("Could not close ballot message %s", message_id)
            scenario = self.scenario(state)
            pages = vote_result_pages(scenario, proposals_on_ballot(state), closed.outcome)
            colour = discord.Colour.green() if closed.outcome.agreement else discord.Colour.red()
            try:
                for group in message_groups(page_embeds(pages, colour)):
                    await channel.send(embeds=group, allowed_mentions=NO_MENTIONS)
            except discord.HTTPException:
                log.exception("Could not announce the vote of session %s", session_id)
            return closed
