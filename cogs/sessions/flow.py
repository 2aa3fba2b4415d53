"""The Discord side of a session: what students and facilitators see when something changes.

`SessionService` decides (one transaction, no Discord); this module makes it visible: it answers
the person who clicked, mirrors moves in the delegations' private spaces and roles, tells the
facilitator about missing permissions, and keeps the session card current. Card edits are
debounced: thirty clicks in a second become one or two edits, and the last edit always renders
the final state.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import discord

from bot.content.loader import teaching_note_path
from bot.content.models import Scenario
from bot.domain.brief_pages import fit
from bot.domain.echo import echo
from bot.errors import UserFacingError
from bot.services.sessions import (
    AssignmentResult,
    Roster,
    SessionInfo,
    SessionService,
    actor_label,
    describe_candidates,
)
from cogs.common.checks import member_is_facilitator
from cogs.common.interactions import NO_MENTIONS, reply
from cogs.common.pages import BRIEF, pager
from cogs.sessions.card_views import PickSelect, card_embed, card_view, pick_options
from cogs.sessions.delegation_spaces import DelegationSpaces, Notices
from cogs.sessions.panel import (
    SESSION_ROW,
    AssignChoiceButton,
    PanelButton,
    PanelControl,
    panel_embed,
    panel_view,
    reshuffle_confirmation,
)

if TYPE_CHECKING:
    from bot.client import ParleyBot

log = logging.getLogger(__name__)

CARD_EDIT_DELAY = 0.75
"""Seconds the card waits for more changes before it is edited (Discord allows ~5 edits per 5 s)."""
STATUS_NAMES_CHARS = 600
"""Names per delegation in `/session status`: seven such fields stay under Discord's 6,000."""
NO_SESSION_HERE = (
    "There is no live session in this channel. Run this in your class channel, or ask your "
    "facilitator to start one with `/session create`."
)


@dataclass
class Outcome:
    """What to tell the facilitator after an action, privately."""

    text: str
    embed: discord.Embed | None = None
    view: discord.ui.View | None = None
    notices: Notices = field(default_factory=Notices)


class CardUpdater:
    """Debounced edits of session cards: at most one pending edit per session."""

    def __init__(self, bot: ParleyBot, delay: float = CARD_EDIT_DELAY) -> None:
        self.bot = bot
        self.delay = delay
        self._dirty: set[int] = set()
        self._tasks: dict[int, asyncio.Task[None]] = {}

    def refresh(self, session_id: int) -> None:
        self._dirty.add(session_id)
        if session_id not in self._tasks:
            self._tasks[session_id] = asyncio.create_task(
                self._run(session_id), name=f"parley-card-edit:{session_id}"
            )

    async def _run(self, session_id: int) -> None:
        try:
            while session_id in self._dirty:
                await asyncio.sleep(self.delay)
                self._dirty.discard(session_id)
                await self.render(session_id)
        finally:
            self._tasks.pop(session_id, None)

    async def render(self, session_id: int) -> None:
        """Edit the card now to show the session as it is in the database."""
        try:
            roster = await self.bot.sessions.roster(session_id)
        except UserFacingError:
            return
        session = roster.session
        if session.card_message_id is None:
            return
        scenario = self.bot.sessions.scenario(session.scenario_id)
        message = self.bot.get_partial_messageable(
            session.channel_id, guild_id=session.guild_id
        ).get_partial_message(session.card_message_id)
        view = card_view(roster, scenario)
        try:
            await message.edit(
                embed=card_embed(roster, scenario),
                view=view,
                allowed_mentions=NO_MENTIONS,
            )
        except discord.NotFound:
            log.warning("Card of session %s was deleted; it is no longer updated", session_id)
            await self.bot.sessions.set_card_message(session_id, None)
        except discord.HTTPException:
            log.exception("Could not update the card of session %s", session_id)

    async def flush(self) -> None:
        """Wait for pending edits (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks.values()), return_exceptions=True)


class SessionFlow:
    def __init__(self, bot: ParleyBot) -> None:
        self.bot = bot
        self.cards = CardUpdater(bot)
        self.spaces = DelegationSpaces(bot)
        self._posted_notices: defaultdict[int, set[str]] = defaultdict(set)

    @property
    def service(self) -> SessionService:
        return self.bot.sessions

    # --- small helpers -----------------------------------------------------------------------

    @staticmethod
    def member_of(interaction: discord.Interaction[Any]) -> discord.Member:
        if interaction.guild is None or not isinstance(interaction.user, discord.Member):
            raise UserFacingError("Sessions run in a server channel, not in direct messages.")
        return interaction.user

    async def session_here(self, interaction: discord.Interaction[Any]) -> SessionInfo:
        found = None
        if interaction.channel_id is not None:
            found = await self.service.live_session_for_channel(interaction.channel_id)
        if found is None:
            raise UserFacingError(NO_SESSION_HERE)
        return found

    async def _is_facilitator(self, member: discord.Member) -> bool:
        return await member_is_facilitator(self.bot, member)

    async def _space_line(self, session_id: int, actor_id: str) -> str:
        roster = await self.service.roster(session_id)
        space = roster.delegation(actor_id).space_channel_id
        return f"Your delegation meets in <#{space}>." if space else ""

    async def _you_are(
        self, interaction: discord.Interaction[Any], session: SessionInfo, actor_id: str, lead: str
    ) -> None:
        scenario = self.service.scenario_for(session)  # without the record if so chosen
        embed, view = pager(scenario, BRIEF, actor_id, 0)
        line = await self._space_line(session.id, actor_id)
        text = f"{lead} You are **{actor_label(scenario, actor_id)}**. {line}".strip()
        await reply(interaction, f"{text}\nYour confidential brief:", embed=embed, view=view)

    async def post_notices(
        self, interaction: discord.Interaction[Any], session: SessionInfo, notices: Notices
    ) -> None:
        """Missing permissions: privately to a facilitator, else once in the plenary."""
        if not notices.items:
            return
        member = interaction.user
        if isinstance(member, discord.Member) and await self._is_facilitator(member):
            await reply(interaction, "\n".join(f"⚠️ {n}" for n in notices.items))
            return
        fresh = [n for n in notices.items if n not in self._posted_notices[session.id]]
        if not fresh:
            return
        self._posted_notices[session.id].update(fresh)
        channel = self.bot.get_partial_messageable(session.channel_id, guild_id=session.guild_id)
        try:
            await channel.send(
                "⚠️ **For the facilitator:** " + " ".join(fresh), allowed_mentions=NO_MENTIONS
            )
        except discord.HTTPException:
            log.warning("Could not post notices for session %s: %s", session.id, fresh)

    async def send_outcome(self, interaction: discord.Interaction[Any], outcome: Outcome) -> None:
        text = outcome.text
        if outcome.notices.items:
            text += "\n" + "\n".join(f"⚠️ {n}" for n in outcome.notices.items)
        await reply(interaction, text[:2000], embed=outcome.embed, view=outcome.view)

    # --- creating ----------------------------------------------------------------------------

    async def create(self, interaction: discord.Interaction[Any], scenario_id: str) -> None:
        member = self.member_of(interaction)
        channel = interaction.channel
        if not isinstance(channel, discord.TextChannel):
            raise UserFacingError(
                "Start a session in a text channel (your class channel), not in a thread, a "
                "voice channel or a forum."
            )
        guild = channel.guild
        perms = channel.permissions_for(guild.me)
        missing = [
            name
            for name in ("view_channel", "send_messages", "embed_links")
            if not getattr(perms, name)
        ]
        if missing:
            names = ", ".join(n.replace("_", " ").title() for n in missing)
            raise UserFacingError(
                f"Parley needs {names} in {channel.mention} to post the session card. Ask a "
                "server admin to grant it, then try again."
            )
        scenario = self.service.scenario(scenario_id)
        settings = await self.bot.guild_config.get(guild.id)
        session = await self.service.create(
            guild_id=guild.id,
            channel_id=channel.id,
            scenario_id=scenario.id,
            created_by=member.id,
            space_kind=settings.private_space,
        )
        await interaction.response.defer(ephemeral=True, thinking=True)
        roster = await self.service.roster(session.id)
        try:
            card = await channel.send(
                embed=card_embed(roster, scenario),
                view=card_view(roster, scenario) or discord.utils.MISSING,
                allowed_mentions=NO_MENTIONS,
            )
        except discord.HTTPException:
            await self.service.end(session.id)
            raise
        await self.service.set_card_message(session.id, card.id)
        roster = await self.service.roster(session.id)
        await reply(
            interaction,
            f"Session #{session.id} ({scenario.title}) is open: the card is in "
            f"{channel.mention}. When students have joined, assign delegations here.",
            embed=panel_embed(roster, scenario),
            view=panel_view(roster.session, self.bot.panel_controls),
        )

    async def panel(self, interaction: discord.Interaction[Any], session: SessionInfo) -> None:
        roster = await self.service.roster(session.id)
        scenario = self.service.scenario(session.scenario_id)
        await reply(
            interaction,
            embed=panel_embed(roster, scenario),
            view=panel_view(session, self.bot.panel_controls),
        )

    # --- students ----------------------------------------------------------------------------

    async def join(self, interaction: discord.Interaction[Any], session_id: int) -> None:
        member = self.member_of(interaction)
        playing_facilitator = await self._is_facilitator(member)
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await self.service.join(
            session_id, member.id, member.display_name, is_facilitator=playing_facilitator
        )
        session = result.session
        notices = Notices()
        if result.move is not None:
            await self.spaces.sync(session, [result.move], notices)
        actor = result.participant.actor_id if result.move is None else result.move.new_actor
        if actor is not None:
            lead = "You're already in." if result.already_joined else "You're in!"
            await self._you_are(interaction, session, actor, lead)
        elif session.stage == "self_pick":
            roster = await self.service.roster(session_id)
            scenario = self.service.scenario(session.scenario_id)
            view = discord.ui.View(timeout=None)
            view.add_item(PickSelect(session_id, pick_options(roster, scenario)))
            await reply(interaction, "You're in! Now pick your delegation:", view=view)
        else:
            already = "You're already in this session." if result.already_joined else "You're in!"
            note = (
                " (You are a facilitator, so you will play an actor too.)"
                if (playing_facilitator and not result.already_joined)
                else ""
            )
            await reply(
                interaction,
                f"{already}{note} Your facilitator hands out delegations soon; then press "
                "**My delegation** on the card, or type `/brief`.",
            )
        await self.post_notices(interaction, session, notices)

    async def leave(self, interaction: discord.Interaction[Any], session_id: int) -> None:
        member = self.member_of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        move = await self.service.leave(session_id, member.id)
        session = await self.service.require_live(session_id)
        notices = Notices()
        if move.changed:
            await self.spaces.sync(session, [move], notices)
        await reply(interaction, "You left the session. Press **Join** to come back.")
        await self.post_notices(interaction, session, notices)

    async def mine(self, interaction: discord.Interaction[Any], session_id: int) -> None:
        member = self.member_of(interaction)
        session = await self.service.require_live(session_id)
        found = await self.service.participant(session_id, member.id)
        if found is None:
            raise UserFacingError("You haven't joined this session yet: press **Join** first.")
        if found.actor_id is None:
            raise UserFacingError(
                "You don't have a delegation yet: pick one in the menu on the card."
                if session.stage == "self_pick"
                else "You don't have a delegation yet: your facilitator hands them out soon."
            )
        await self._you_are(interaction, session, found.actor_id, "")

    async def pick(
        self, interaction: discord.Interaction[Any], session_id: int, actor_id: str
    ) -> None:
        member = self.member_of(interaction)
        session = await self.service.require_live(session_id)
        scenario = self.service.scenario(session.scenario_id)
        try:
            scenario.actor(actor_id)
        except KeyError:
            raise UserFacingError("Pick one of the delegations in the menu.") from None
        await interaction.response.defer(ephemeral=True, thinking=True)
        move = await self.service.pick(session_id, member.id, member.display_name, actor_id)
        notices = Notices()
        if move.changed:
            await self.spaces.sync(session, [move], notices)
        await self._you_are(interaction, session, actor_id, "Done!")
        await self.post_notices(interaction, session, notices)

    # --- facilitators: assignment ------------------------------------------------------------

    def _assignment_summary(
        self, scenario: Scenario, result: AssignmentResult, roster: Roster
    ) -> str:
        sizes = " · ".join(
            f"{actor_label(scenario, d.actor_id)} {len(d.members)}"
            for d in roster.delegations
            if d.status == "active"
        )
        lines = [f"Delegations: {sizes}."]
        if result.absent:
            lines.append(
                "Not played in a class this size: "
                + ", ".join(actor_label(scenario, a) for a in result.absent)
                + "."
            )
        return "\n".join(lines)

    async def _finish_assignment(
        self, interaction: discord.Interaction[Any], result: AssignmentResult, lead: str
    ) -> Outcome:
        notices = Notices()
        await self.spaces.sync(result.session, result.moves, notices)
        guild = self.bot.get_guild(result.session.guild_id)
        if guild is not None and not guild.me.guild_permissions.manage_roles:
            notices.add(
                "Tip: give Parley **Manage Roles** (optional) for a Discord role per delegation."
            )
        roster = await self.service.roster(result.session.id)
        scenario = self.service.scenario(result.session.scenario_id)
        return Outcome(
            f"{lead}\n{self._assignment_summary(scenario, result, roster)}", notices=notices
        )

    async def open_self_pick(
        self, interaction: discord.Interaction[Any], session: SessionInfo
    ) -> Outcome:
        result = await self.service.open_self_pick(session.id)
        scenario = self.service.scenario(session.scenario_id)
        absent = (
            " Not played in a class this size: "
            + ", ".join(actor_label(scenario, a) for a in result.absent)
            + "."
            if result.absent
            else ""
        )
        return Outcome(
            "Picking is open: students choose in the menu on the card, within balanced caps. "
            f"Press **Place the rest** when you want to seat whoever hasn't picked.{absent}"
        )

    async def deal_random(
        self, interaction: discord.Interaction[Any], session: SessionInfo, seed: int | None = None
    ) -> Outcome:
        result = await self.service.deal_random(session.id, seed)
        return await self._finish_assignment(
            interaction,
            result,
            f"Dealt at random with seed **{result.seed}**. To repeat this deal: "
            f"`/session assignment mode:random seed:{result.seed}`.",
        )

    async def place_rest(
        self, interaction: discord.Interaction[Any], session: SessionInfo
    ) -> Outcome:
        result = await self.service.place_unassigned(session.id)
        placed = len(result.moves)
        return await self._finish_assignment(
            interaction,
            result,
            f"Seated {placed} {'student' if placed == 1 else 'students'} in the smallest "
            "delegations. Latecomers are placed the same way.",
        )

    async def assign(
        self,
        interaction: discord.Interaction[Any],
        session: SessionInfo,
        student: discord.Member,
        typed: str,
    ) -> Outcome:
        scenario = self.service.scenario(session.scenario_id)
        resolution = self.service.resolve_actor(scenario.id, typed)
        if resolution.actor_id is not None:
            return await self._assign(session, student.id, resolution.actor_id)
        if resolution.ambiguous:
            view = discord.ui.View(timeout=None)
            for actor_id in resolution.candidates[:5]:
                view.add_item(
                    AssignChoiceButton(
                        session.id, student.id, actor_id, actor_label(scenario, actor_id)
                    )
                )
            return Outcome(
                f"“{echo(typed)}” could be {describe_candidates(scenario, resolution.candidates)}. "
                f"Which one for {student.display_name}?",
                view=view,
            )
        names = ", ".join(actor_label(scenario, a.id) for a in scenario.actors)
        raise UserFacingError(
            f"“{echo(typed)}” is not an actor in {scenario.title}. Choose one of: {names}."
        )

    async def assign_exact(
        self,
        interaction: discord.Interaction[Any],
        session: SessionInfo,
        user_id: int,
        actor_id: str,
    ) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        outcome = await self._assign(session, user_id, actor_id)
        await self.send_outcome(interaction, outcome)

    async def _assign(self, session: SessionInfo, user_id: int, actor_id: str) -> Outcome:
        guild = self.bot.get_guild(session.guild_id)
        member = guild.get_member(user_id) if guild else None
        if member is None:
            raise UserFacingError("That member is not in this server any more.")
        if member.bot:
            raise UserFacingError("Bots can't play an actor.")
        scenario = self.service.scenario(session.scenario_id)
        move = await self.service.assign(
            session.id,
            member.id,
            member.display_name,
            actor_id,
            is_facilitator=await self._is_facilitator(member),
        )
        notices = Notices()
        await self.spaces.sync(session, [move], notices)
        was = (
            f" (was {actor_label(scenario, move.old_actor)})"
            if move.old_actor and move.changed
            else ""
        )
        return Outcome(
            f"{member.display_name} is now **{actor_label(scenario, actor_id)}**{was}.",
            notices=notices,
        )

    async def swap(
        self,
        interaction: discord.Interaction[Any],
        session: SessionInfo,
        first: discord.Member,
        second: discord.Member,
    ) -> Outcome:
        scenario = self.service.scenario(session.scenario_id)
        moves = await self.service.swap(session.id, first.id, second.id)
        notices = Notices()
        await self.spaces.sync(session, list(moves), notices)
        a, b = moves
        return Outcome(
            f"Swapped: {first.display_name} is now **{actor_label(scenario, a.new_actor)}**, "
            f"{second.display_name} is now **{actor_label(scenario, b.new_actor)}**.",
            notices=notices,
        )

    # --- status and the end ------------------------------------------------------------------

    async def status_embed(self, session: SessionInfo) -> discord.Embed:
        roster = await self.service.roster(session.id)
        scenario = self.service.scenario(session.scenario_id)
        stage = {
            "joining": "joining",
            "self_pick": "students are picking",
            "assigned": "delegations set",
        }[session.stage]
        embed = discord.Embed(
            title=f"{scenario.title} — session #{session.id}",
            description=f"Stage: **{stage}** · {len(roster.participants)} joined",
            colour=discord.Colour.blurple(),
        )
        for d in roster.delegations:
            names = ", ".join(m.display_name for m in d.members) or "—"
            if d.status == "absent" and not d.members:
                names = "not played in this class"
            space = f"\n<#{d.space_channel_id}>" if d.space_channel_id else ""
            embed.add_field(
                name=f"{actor_label(scenario, d.actor_id)} ({len(d.members)})",
                value=f"{fit(names, STATUS_NAMES_CHARS)}{space}",
                inline=False,
            )
        waiting = ", ".join(p.display_name for p in roster.unassigned)
        if waiting:
            embed.add_field(
                name="Without a delegation", value=fit(waiting, STATUS_NAMES_CHARS), inline=False
            )
        return embed

    async def end(self, interaction: discord.Interaction[Any], session: SessionInfo) -> Outcome:
        ended = await self.service.end(session.id)
        notices = Notices()
        await self.spaces.close(ended, notices)
        return Outcome(
            f"Session #{ended.id} has ended. The delegations' threads stay for the debrief; the "
            "channel is free for a new session.",
            notices=notices,
        )

    # --- the panel's own controls ------------------------------------------------------------

    def has_record(self, session: SessionInfo) -> bool:
        """Whether the session's scenario has public-record cards to hide."""
        return bool(self.service.scenario(session.scenario_id).record)

    def builtin_controls(self) -> list[PanelControl]:
        def action(
            op: Callable[[discord.Interaction[Any], SessionInfo], Awaitable[Outcome]],
        ) -> Callable[[discord.Interaction[Any], SessionInfo], Awaitable[None]]:
            async def run(interaction: discord.Interaction[Any], session: SessionInfo) -> None:
                await self.from_panel(interaction, session, op)

            return run

        confirm = PanelControl(
            key="end-confirm",
            label="Yes, end the session",
            handler=action(self.end),
            row=SESSION_ROW,
            style=discord.ButtonStyle.danger,
            shown=lambda s: False,  # only on the confirmation message
        )

        async def confirm_end(interaction: discord.Interaction[Any], session: SessionInfo) -> None:
            view = discord.ui.View(timeout=None)
            view.add_item(PanelButton(session.id, confirm))
            await reply(
                interaction,
                f"End session #{session.id} for everyone? Joining and picking stop and the "
                "delegation threads are archived.",
                view=view,
            )

        async def random_deal(interaction: discord.Interaction[Any], session: SessionInfo) -> None:
            if session.stage == "assigned":  # briefs are out: ask first
                text, view = reshuffle_confirmation(session.id, None)
                await reply(interaction, text, view=view)
                return
            await self.from_panel(interaction, session, self.deal_random)

        async def roster(interaction: discord.Interaction[Any], session: SessionInfo) -> None:
            await reply(interaction, embed=await self.status_embed(session))

        def record_setter(
            shown: bool,
        ) -> Callable[[discord.Interaction[Any], SessionInfo], Awaitable[None]]:
            async def run(interaction: discord.Interaction[Any], session: SessionInfo) -> None:
                updated = await self.service.set_record_cards(session.id, shown)
                roster = await self.service.roster(updated.id)
                text = (
                    "Public-record cards are **shown**: briefs opened from now on carry them, "
                    "labelled “Public record — not in the article”."
                    if shown
                    else "This is now an **article-only class**: briefs opened from now on leave "
                    "out the public-record cards and everything resting on them."
                )
                await reply(
                    interaction,
                    text,
                    embed=panel_embed(roster, self.service.scenario(updated.scenario_id)),
                    view=panel_view(updated, self.bot.panel_controls),
                )

            return run

        async def teaching_note(
            interaction: discord.Interaction[Any], session: SessionInfo
        ) -> None:
            path = teaching_note_path(session.scenario_id)
            if path is None:
                raise UserFacingError("This scenario has no teaching note.")
            await interaction.response.send_message(
                "The teaching note for facilitators: learning goals, timings, the argument and "
                "its counter-arguments. Students do not see it.",
                file=discord.File(path, filename=f"{session.scenario_id}-teaching-note.md"),
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )

        return [
            PanelControl(
                key="self-pick",
                label="Let students pick",
                emoji="🗳️",
                handler=action(self.open_self_pick),
                order=0,
                style=discord.ButtonStyle.primary,
                shown=lambda s: s.stage == "joining",
            ),
            PanelControl(
                key="random",
                label="Random deal",
                emoji="🎲",
                handler=random_deal,
                order=1,
                style=discord.ButtonStyle.primary,
            ),
            PanelControl(
                key="place-rest",
                label="Place the rest",
                emoji="🪑",
                handler=action(self.place_rest),
                order=2,
                shown=lambda s: s.stage != "assigned",
            ),
            PanelControl(key="roster", label="Roster", emoji="📋", handler=roster, order=3),
            PanelControl(
                key="teaching-note",
                label="Teaching note",
                emoji="📘",
                handler=teaching_note,
                row=SESSION_ROW,
                order=1,
                shown=lambda s: teaching_note_path(s.scenario_id) is not None,
            ),
            PanelControl(
                key="record-hide",
                label="Article only",
                emoji="📰",
                handler=record_setter(False),
                row=SESSION_ROW,
                order=2,
                shown=lambda s: (
                    s.record_cards and bool(self.service.scenario(s.scenario_id).record)
                ),
            ),
            PanelControl(
                key="record-show",
                label="Show public record",
                emoji="🗂️",
                handler=record_setter(True),
                row=SESSION_ROW,
                order=2,
                shown=lambda s: not s.record_cards,
            ),
            PanelControl(
                key="end",
                label="End session",
                handler=confirm_end,
                row=SESSION_ROW,
                style=discord.ButtonStyle.danger,
            ),
            confirm,
        ]

    async def from_panel(
        self,
        interaction: discord.Interaction[Any],
        session: SessionInfo,
        op: Callable[[discord.Interaction[Any], SessionInfo], Awaitable[Outcome]],
    ) -> None:
        """Run a panel action: acknowledge at once (privately), act, then report."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        outcome = await op(interaction, session)
        await self.send_outcome(interaction, outcome)
