"""The Discord side of rounds: what the class sees when the round changes.

`RoundService` decides and stores (one transaction, no Discord). This module makes each
`RoundUpdate` visible, in this order: caucus threads are closed and opened (registered with the
session so the transcript records them), the plenary is locked or unlocked, the transcript is
flushed at a phase end, one announcement is posted in the plenary — and only then are the
`parley_phase_*` events dispatched, so a listener's own message (a ballot) follows the
announcement. Timer handlers come through here too.

When Parley lacks a permission it says which one, to the facilitator (privately when a command
or button caused the change, else once in the plenary), and the round carries on without it.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Literal

import discord

from bot.domain.caucus import Caucus
from bot.domain.round_state import (
    CaucusClosed,
    CaucusOpened,
    CaucusRequested,
    PhaseEnded,
    PhaseStarted,
    Round,
)
from bot.errors import UserFacingError
from bot.services.rounds import RoundContext, RoundService, RoundUpdate
from bot.services.sessions import SessionInfo, actor_label
from bot.services.timers import DueTimer
from cogs.common.checks import require_facilitator
from cogs.common.interactions import NO_MENTIONS, reply
from cogs.rounds.views import (
    Announcer,
    caucus_request_view,
    group_name,
    plan_embed,
    status_text,
)
from cogs.sessions.delegation_spaces import Notices
from cogs.sessions.panel import ROUND_ROW, PanelControl, PanelHandler, panel_view

if TYPE_CHECKING:
    from bot.client import ParleyBot

log = logging.getLogger(__name__)

CAUCUS_ARCHIVE_MINUTES: Literal[1440] = 1440
PANEL_EXTEND_SECONDS = 60
Operation = Callable[[int], Awaitable[RoundUpdate]]


class RoundFlow:
    def __init__(self, bot: ParleyBot) -> None:
        self.bot = bot
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._posted_notices: defaultdict[int, set[str]] = defaultdict(set)
        self._credit_seen: set[tuple[int, int | None, int, int]] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def service(self) -> RoundService:
        return self.bot.rounds

    # --- showing a change --------------------------------------------------------------------

    async def show(self, update: RoundUpdate, notices: Notices) -> dict[int, int]:
        """Make a committed change visible, then dispatch its events (even if Discord failed).
        Returns the caucus threads (number → thread id), those just opened included."""
        try:
            async with self._locks[update.context.session_id]:
                threads = await self._caucus_threads(update, notices)
                locked = await self._plenary_lock(update, notices)
                if any(isinstance(n, PhaseEnded) for n in update.notices):
                    await self.bot.transcripts.flush()
                await self._announce(update, threads, locked)
                return threads
        finally:
            self.service.emit(update)

    async def _announce(self, update: RoundUpdate, threads: dict[int, int], locked: bool) -> None:
        context = update.context
        announcer = Announcer(self.service.scenario(context.scenario_id), threads)
        post = announcer.render(update.notices, locked=locked)
        channel = self.bot.get_partial_messageable(context.channel_id, guild_id=context.guild_id)
        try:
            if post.lines:
                await channel.send(post.content, allowed_mentions=post.allowed_mentions)
            for notice in update.notices:
                if isinstance(notice, CaucusRequested):
                    request = notice.request
                    await channel.send(
                        announcer.request_text(request.number, request.requester, request.members),
                        view=caucus_request_view(context.session_id, request.number),
                        allowed_mentions=NO_MENTIONS,
                    )
        except discord.HTTPException:
            log.exception("Could not announce in the plenary of session %s", context.session_id)

    async def post_notices(self, context: RoundContext, notices: Notices) -> None:
        """Missing permissions after a timer's change: once per session, in the plenary."""
        fresh = [n for n in notices.items if n not in self._posted_notices[context.session_id]]
        if not fresh:
            return
        self._posted_notices[context.session_id].update(fresh)
        channel = self.bot.get_partial_messageable(context.channel_id, guild_id=context.guild_id)
        try:
            await channel.send(
                "⚠️ **For the facilitator:** " + " ".join(fresh), allowed_mentions=NO_MENTIONS
            )
        except discord.HTTPException:
            log.warning("Could not post notices for session %s: %s", context.session_id, fresh)

    # --- caucus threads ----------------------------------------------------------------------

    async def _caucus_threads(self, update: RoundUpdate, notices: Notices) -> dict[int, int]:
        state = update.round
        threads = dict(state.threads)
        for notice in update.notices:
            if isinstance(notice, CaucusClosed):
                thread_id = threads.get(notice.caucus.number)
                if thread_id is not None:
                    await self._close_thread(thread_id)
        opened: list[Caucus] = []
        for notice in update.notices:
            if isinstance(notice, CaucusOpened):
                opened.append(notice.caucus)
            elif isinstance(notice, PhaseStarted):
                opened.extend(notice.caucuses)
        for caucus in opened:
            if caucus.number in threads:
                continue
            thread_id = await self._open_thread(update.context, state, caucus, notices)
            if thread_id is not None:
                threads[caucus.number] = thread_id
                await self.service.attach_caucus_thread(
                    update.context.session_id, caucus.number, thread_id
                )
        return threads

    async def _open_thread(
        self, context: RoundContext, state: Round, caucus: Caucus, notices: Notices
    ) -> int | None:
        guild = self.bot.get_guild(context.guild_id)
        plenary = guild.get_channel(context.channel_id) if guild else None
        if guild is None or not isinstance(plenary, discord.TextChannel):
            return None
        perms = plenary.permissions_for(guild.me)
        missing = [
            name.replace("_", " ").title()
            for name in ("view_channel", "create_private_threads", "send_messages_in_threads")
            if not getattr(perms, name)
        ]
        if missing:
            notices.add(
                f"Parley needs {', '.join(f'**{m}**' for m in missing)} in {plenary.mention} to "
                "open caucus threads: meanwhile delegations can meet by voice or in person."
            )
            return None
        scenario = self.service.scenario(context.scenario_id)
        names = group_name(scenario, caucus.members)
        try:
            thread = await plenary.create_thread(
                name=f"🤝 Caucus {caucus.number}: {names}"[:100],
                type=discord.ChannelType.private_thread,
                invitable=False,
                auto_archive_duration=CAUCUS_ARCHIVE_MINUTES,
                reason=f"Parley session #{context.session_id}: caucus {caucus.number}",
            )
        except discord.HTTPException:
            notices.add(f"Discord refused to open the caucus thread for {names}.")
            log.exception(
                "Could not open caucus %s of session %s", caucus.number, context.session_id
            )
            return None
        # Recorded from its first message on.
        await self.bot.sessions.register_channel(
            context.session_id, thread.id, kind="caucus", label=f"Caucus {caucus.number}: {names}"
        )
        await self.bot.transcripts.refresh_session(context.session_id)
        members = [
            p.user_id
            for p in await self.bot.sessions.participants(context.session_id)
            if p.actor_id in caucus.members
        ]
        for user_id in dict.fromkeys([*members, context.created_by]):
            try:
                await thread.add_user(discord.Object(user_id))
            except discord.HTTPException:
                log.warning("Could not add %s to caucus thread %s", user_id, thread.id)
        delegations = " and ".join(f"**{actor_label(scenario, a)}**" for a in caucus.members)
        phase = state.phase
        until = f"when {phase.title} ends" if phase is not None else "when the phase ends"
        try:
            await thread.send(
                f"🤝 **Caucus {caucus.number}:** a private meeting of {delegations} (your "
                f"facilitator can read along). It closes {until}; what you say here is part of "
                "the session's record. " + " ".join(f"<@{u}>" for u in members),
                allowed_mentions=discord.AllowedMentions(
                    users=[discord.Object(u) for u in members], everyone=False, roles=False
                ),
            )
        except discord.HTTPException:
            log.warning("Could not welcome caucus thread %s", thread.id)
        return thread.id

    async def _close_thread(self, thread_id: int) -> None:
        thread = self.bot.get_channel(thread_id)
        if thread is None:
            try:
                thread = await self.bot.fetch_channel(thread_id)
            except discord.HTTPException:
                return
        if not isinstance(thread, discord.Thread):
            return
        try:
            if not thread.archived:
                await thread.send(
                    "🤝 This caucus is closed: the phase is over. What was said here stays in "
                    "the record.",
                    allowed_mentions=NO_MENTIONS,
                )
            await thread.edit(archived=True, locked=True)
        except discord.HTTPException:
            log.warning("Could not close caucus thread %s", thread_id)

    # --- the plenary lock --------------------------------------------------------------------

    async def _plenary_lock(self, update: RoundUpdate, notices: Notices) -> bool:
        wanted = update.round.plenary_locked()
        if wanted == update.plenary_locked:
            return wanted
        context = update.context
        saved = await self.service.plenary_lock(context.session_id)
        if wanted == (saved is not None):
            return wanted
        guild = self.bot.get_guild(context.guild_id)
        channel = guild.get_channel(context.channel_id) if guild else None
        if guild is None or not isinstance(channel, discord.TextChannel):
            return False
        if wanted:
            saved = await self._lock(guild, channel, context, notices)
            await self.service.set_plenary_lock(context.session_id, saved)
            return saved is not None
        assert saved is not None
        await self._unlock(guild, channel, saved)
        await self.service.set_plenary_lock(context.session_id, None)
        return False

    async def _lock(
        self,
        guild: discord.Guild,
        channel: discord.TextChannel,
        context: RoundContext,
        notices: Notices,
    ) -> dict[str, Any] | None:
        perms = channel.permissions_for(guild.me)
        missing = [
            name
            for name, has in (
                ("Manage Channels", perms.manage_channels),
                ("Manage Permissions", perms.manage_roles),
            )
            if not has
        ]
        if missing:
            notices.add(
                f"Parley can't lock {channel.mention} between phases: it needs "
                f"{' and '.join(f'**{m}**' for m in missing)} there. The plenary stays open."
            )
            return None
        targets: list[tuple[discord.Role | discord.Member, bool]] = [(guild.me, True)]
        creator = guild.get_member(context.created_by)
        if creator is not None:
            targets.append((creator, True))
        config = await self.bot.guild_config.get(guild.id)
        wanted_name = self.bot.settings.facilitator_role.casefold()
        for role in guild.roles:
            if role.id == config.facilitator_role_id or role.name.casefold() == wanted_name:
                targets.append((role, True))
        targets.append((guild.default_role, False))
        saved: list[list[Any]] = []
        try:
            for target, allowed in targets:
                overwrite = channel.overwrites_for(target)
                saved.append(
                    [
                        "role" if isinstance(target, discord.Role) else "member",
                        target.id,
                        overwrite.send_messages,
                    ]
                )
                overwrite.update(send_messages=allowed)
                await channel.set_permissions(
                    target, overwrite=overwrite, reason="Parley: between phases"
                )
        except discord.HTTPException:
            notices.add(f"Discord refused to lock {channel.mention}; the plenary stays open.")
            await self._unlock(guild, channel, {"targets": saved})
            return None
        return {"targets": saved}

    async def _unlock(
        self, guild: discord.Guild, channel: discord.TextChannel, saved: dict[str, Any]
    ) -> None:
        for kind, target_id, before in reversed(saved.get("targets", [])):
            target: discord.Role | discord.Member | None = (
                guild.get_role(int(target_id))
                if kind == "role"
                else guild.get_member(int(target_id))
            )
            if target is None:
                continue  # the role or member is gone, and its overwrite with it
            overwrite = channel.overwrites_for(target)
            overwrite.update(send_messages=before)
            try:
                await channel.set_permissions(
                    target,
                    overwrite=None if overwrite.is_empty() else overwrite,
                    reason="Parley: the next phase starts",
                )
            except discord.HTTPException:
                log.warning("Could not restore %s's overwrite in %s", target_id, channel.id)

    # --- commands and buttons ----------------------------------------------------------------

    async def session_here(self, interaction: discord.Interaction[Any]) -> SessionInfo:
        return await self.bot.session_flow.session_here(interaction)

    async def command(
        self,
        interaction: discord.Interaction[Any],
        operation: Operation,
        *,
        confirm: Callable[[RoundUpdate], str] | None = None,
    ) -> None:
        """A facilitator's command: act, show the class, tell the facilitator privately."""
        session = await self.session_here(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        update = await operation(session.id)
        notices = Notices()
        await self.show(update, notices)
        text = confirm(update) if confirm is not None else self.summary(update)
        await self.tell(interaction, text, notices)

    async def from_panel(
        self, interaction: discord.Interaction[Any], session: SessionInfo, operation: Operation
    ) -> None:
        """A panel button: act, refresh the panel's buttons (Pause ↔ Resume), report privately."""
        await interaction.response.defer()
        update = await operation(session.id)
        notices = Notices()
        await self.show(update, notices)
        try:
            await interaction.edit_original_response(
                view=panel_view(session, self.bot.panel_controls)
            )
        except discord.HTTPException:
            log.debug("Could not refresh the panel of session %s", session.id)
        await self.tell(interaction, self.summary(update), notices)

    async def tell(
        self, interaction: discord.Interaction[Any], text: str, notices: Notices
    ) -> None:
        if notices.items:
            text += "\n" + "\n".join(f"⚠️ {n}" for n in notices.items)
        await reply(interaction, text[:2000])

    def summary(self, update: RoundUpdate) -> str:
        scenario = self.service.scenario(update.context.scenario_id)
        return status_text(update.round, scenario, update.at)

    async def status(self, interaction: discord.Interaction[Any]) -> None:
        session = await self.session_here(interaction)
        state = await self.service.round(session.id)
        scenario = self.service.scenario(session.scenario_id)
        await reply(interaction, status_text(state, scenario, self.service.clock.now()))

    async def plan(
        self, interaction: discord.Interaction[Any], edit: Callable[[Round], Round] | None = None
    ) -> None:
        """`/round plan …`: apply an edit (if any), then show the plan privately."""
        session = await self.session_here(interaction)
        if edit is not None:
            await self.service.edit_plan(session.id, edit)
        view = await self.service.plan_view(session.id)
        embed = plan_embed(view, self.service.scenario(session.scenario_id), session.id)
        await reply(interaction, "Plan changed." if edit is not None else None, embed=embed)

    async def decide_caucus(
        self, interaction: discord.Interaction[Any], session_id: int, number: int, approve: bool
    ) -> None:
        """The facilitator's Approve / Decline under a caucus request."""
        member = await require_facilitator(interaction, "approve or decline caucus requests")
        await interaction.response.defer()
        if approve:
            update = await self.service.approve_caucus(session_id, number, member.id)
        else:
            update = await self.service.decline_caucus(session_id, number, member.id)
        notices = Notices()
        await self.show(update, notices)
        original = interaction.message.content if interaction.message else ""
        verdict = (
            f"✅ Approved by {member.display_name}."
            if approve
            else f"❌ Declined by {member.display_name}."
        )
        try:
            await interaction.edit_original_response(content=f"{original}\n{verdict}", view=None)
        except discord.HTTPException:
            log.warning("Could not update caucus request %s of session %s", number, session_id)
        if notices.items:
            await self.tell(interaction, "Done.", notices)

    # --- the floor and caucuses: what students and facilitators type -----------------------

    def resolve(self, session: SessionInfo, typed: str) -> str:
        """An actor id from what someone typed ("north korea", "tokyo"); never a silent guess."""
        scenario = self.service.scenario(session.scenario_id)
        found = self.bot.sessions.resolve_actor(session.scenario_id, typed)
        if found.actor_id is not None:
            return found.actor_id
        if found.ambiguous:
            options = " or ".join(actor_label(scenario, a) for a in found.candidates)
            raise UserFacingError(f"“{typed}” could be {options}: pick one from the list.")
        names = ", ".join(actor_label(scenario, a.id) for a in scenario.actors)
        raise UserFacingError(f"“{typed}” is not a delegation in {scenario.title}: {names}.")

    def actor_choices(self, session: SessionInfo | None, typed: str) -> list[tuple[str, str]]:
        if session is None:
            return []
        scenario = self.service.scenario(session.scenario_id)
        ranked = self.bot.sessions.resolver(scenario.id).ranked(typed)
        return [(actor_label(scenario, a), a) for a in ranked]

    async def _student(
        self, interaction: discord.Interaction[Any], operation: Operation
    ) -> RoundUpdate:
        session = await self.session_here(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        update = await operation(session.id)
        await self.show(update, Notices())
        return update

    async def hand(self, interaction: discord.Interaction[Any], action: str | None) -> None:
        user = interaction.user.id
        update = await self._student(interaction, lambda sid: self.service.hand(sid, user, action))
        floor = update.round.floor
        actor = await self.bot.sessions.actor_of(update.context.session_id, user)
        if floor is None or actor is None:
            return await reply(interaction, "Done.")
        if floor.holds_floor(actor, user):
            text = "🎤 You have the floor now: speak in the plenary. `/yield` when you are done."
        elif (place := floor.position(actor, user)) is not None:
            text = (
                f"✋ Your delegation's hand is up: number {place} in the queue. "
                "`/hand` again to lower it."
            )
        else:
            text = "Your delegation's hand is down."
        await reply(interaction, text)

    async def yield_floor(self, interaction: discord.Interaction[Any]) -> None:
        user = interaction.user.id
        await self._student(interaction, lambda sid: self.service.yield_floor(sid, user))
        await reply(interaction, "You yielded the floor. Thank you!")

    async def request_caucus(
        self, interaction: discord.Interaction[Any], partners: list[str]
    ) -> None:
        session = await self.session_here(interaction)
        wanted = [self.resolve(session, p) for p in partners]
        user = interaction.user.id
        update = await self._student(
            interaction, lambda sid: self.service.request_caucus(sid, user, wanted)
        )
        numbers = [n.request.number for n in update.notices if isinstance(n, CaucusRequested)]
        await reply(
            interaction,
            f"Request {numbers[0] if numbers else ''} sent: your facilitator approves or declines "
            "it in the plenary. If approved, a private thread opens for your delegations.",
        )

    async def open_caucuses(
        self, interaction: discord.Interaction[Any], operation: Operation
    ) -> None:
        """The facilitator opens caucuses (named, or the suggested ones)."""
        session = await self.session_here(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        update = await operation(session.id)
        notices = Notices()
        threads = await self.show(update, notices)
        announcer = Announcer(self.service.scenario(session.scenario_id), threads)
        opened = [n.caucus for n in update.notices if isinstance(n, CaucusOpened)]
        text = "Opened " + " · ".join(
            f"caucus {c.number}: {announcer.caucus_link(c.number, c.members)}" for c in opened
        )
        await self.tell(interaction, text + ".", notices)

    # --- the panel's round row ---------------------------------------------------------------

    def panel_controls(self) -> list[PanelControl]:
        service, flow = self.service, self

        def when(test: Callable[[str, bool, bool], bool]) -> Callable[[SessionInfo], bool]:
            def shown(session: SessionInfo) -> bool:
                snap = service.snapshot(session.id)
                if snap is None:
                    return test("planning", False, False)
                return test(snap.status, snap.paused, snap.waiting)

            return shown

        def run(op: Operation) -> PanelHandler:
            async def handler(interaction: discord.Interaction[Any], s: SessionInfo) -> None:
                await flow.from_panel(interaction, s, op)

            return handler

        running = "running"
        return [
            PanelControl(
                key="round-start",
                label="Start round",
                emoji="▶️",
                row=ROUND_ROW,
                style=discord.ButtonStyle.success,
                handler=run(service.start),
                shown=when(lambda status, *_: status == "planning"),
            ),
            PanelControl(
                key="round-pause",
                label="Pause",
                emoji="⏸️",
                row=ROUND_ROW,
                order=1,
                handler=run(service.pause),
                shown=when(lambda st, paused, waiting: st == running and not (paused or waiting)),
            ),
            PanelControl(
                key="round-resume",
                label="Resume",
                emoji="▶️",
                row=ROUND_ROW,
                order=1,
                style=discord.ButtonStyle.success,
                handler=run(service.resume),
                shown=when(lambda st, paused, _: st == running and paused),
            ),
            PanelControl(
                key="round-extend",
                label="+1 min",
                emoji="➕",
                row=ROUND_ROW,
                order=2,
                handler=run(lambda sid: service.extend(sid, PANEL_EXTEND_SECONDS)),
                shown=when(lambda st, *_: st == running),
            ),
            PanelControl(
                key="round-next",
                label="Next phase",
                emoji="⏭️",
                row=ROUND_ROW,
                order=3,
                style=discord.ButtonStyle.primary,
                handler=run(service.next),
                shown=when(lambda st, *_: st == running),
            ),
        ]

    # --- timers ------------------------------------------------------------------------------

    def register_timers(self) -> None:
        timers = self.bot.timers
        timers.register("round_phase_end", self.on_phase_end)
        timers.register("round_warning", self.on_warning)
        timers.register("round_turn_end", self.on_turn_end)

    def unregister_timers(self) -> None:
        for kind in ("round_phase_end", "round_warning", "round_turn_end"):
            self.bot.timers.unregister(kind)

    async def _from_timer(
        self, timer: DueTimer, operation: Callable[[int, int, int], Awaitable[RoundUpdate]]
    ) -> None:
        payload = timer.payload
        session_id = int(payload["session_id"])
        try:
            update = await operation(session_id, int(payload["index"]), int(payload["detail"]))
        except UserFacingError as error:  # the session ended meanwhile: nothing to do
            log.info("Round timer %s skipped: %s", timer.key, error)
            return
        if not update.notices:
            return
        notices = Notices()
        await self.show(update, notices)
        await self.post_notices(update.context, notices)

    async def on_phase_end(self, timer: DueTimer) -> None:
        await self._from_timer(
            timer, lambda sid, index, _: self.service.phase_time_up(sid, index, late=timer.late)
        )

    async def on_warning(self, timer: DueTimer) -> None:
        await self._from_timer(
            timer,
            lambda sid, index, mark: self.service.warning_due(sid, index, mark, late=timer.late),
        )

    async def on_turn_end(self, timer: DueTimer) -> None:
        await self._from_timer(timer, lambda sid, index, _: self.service.turn_time_up(sid, index))

    async def session_ended(self, session_id: int) -> None:
        update = await self.service.session_ended(session_id)
        if update is not None and update.notices:
            await self.show(update, Notices())
        self._locks.pop(session_id, None)
        self._posted_notices.pop(session_id, None)
        self._credit_seen = {key for key in self._credit_seen if key[0] != session_id}

    # --- crediting statements ----------------------------------------------------------------

    def observe(self, message: discord.Message) -> None:
        """Called for every message (no I/O unless a delegation's turn waits for its speaker)."""
        snapshot = self.service.snapshot_for_plenary(message.channel.id)
        if snapshot is None or snapshot.awaiting_credit is None or message.author.bot:
            return
        turn, _ = snapshot.awaiting_credit
        key = (snapshot.session_id, snapshot.index, turn, message.author.id)
        if key in self._credit_seen:
            return
        self._credit_seen.add(key)
        task = asyncio.create_task(
            self._credit(snapshot.session_id, message.author.id),
            name=f"parley-round-credit:{snapshot.session_id}",
        )
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _credit(self, session_id: int, user_id: int) -> None:
        try:
            await self.service.credit(session_id, user_id)
        except UserFacingError:
            return
        except Exception:
            log.exception("Could not credit %s with the floor in session %s", user_id, session_id)
