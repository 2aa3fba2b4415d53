"""The Discord side of the debrief: the public pages, page turns, the archive, the gradebook.

`/debrief` closes a vote that is still open (announcing it), computes the debrief
(`DebriefService`), posts its first page in the session's channel with a pager (and, in a
scenario with points schedules, the deal chart as a picture right below it), and records that
the session was debriefed: from then on every member of the session may read every brief
(`SessionService.may_read_brief`). Pages are kept in memory per session and recomputed after a
restart or when `/debrief` runs again.

Opening the delegation threads "as an archive" adds every member of the session to every
delegation's private thread and locks it (read-only); for private channels it gives each
member read-only access. Private threads cannot be made public, and adding people to them
takes **Manage Threads**: without it Parley says so and changes nothing.
"""

from __future__ import annotations

import io
import logging
from typing import TYPE_CHECKING, Any

import discord

from bot.domain.brief_pages import Page
from bot.errors import UserFacingError
from bot.services.transcripts import SessionSummary
from cogs.common.checks import member_is_facilitator, require_facilitator
from cogs.common.interactions import NO_MENTIONS, reply
from cogs.common.retry import each_paced
from cogs.debrief.views import archive_view, debrief_embed, debrief_view

if TYPE_CHECKING:
    from bot.client import ParleyBot
    from bot.services.sessions import DelegationInfo, ParticipantInfo

log = logging.getLogger(__name__)

CHART_FILE = "deal-chart.png"
CHART_NOTE = (
    "📈 **Every package the class could have agreed**, one dot each: one decider's points across, "
    "the other's up. ✖ no deal (where the dashed lines cross), the blue line the efficient "
    "frontier, ◯ the tabled packages, ★ your outcome. The debrief's pages give the figures."
)
ARCHIVE_NOTE = (
    "📂 **This thread is now open to the whole class as an archive** of the {actor} "
    "delegation's conversation. It is read-only."
)


def _missing_manage_threads(channel: str) -> str:
    return (
        f"Parley needs **Manage Threads** in {channel} to open the delegation threads to the "
        "class: private threads only show to the people added to them, and adding people to a "
        "locked thread is a moderator's action. Give Parley's role Manage Threads (Server "
        "Settings → Roles, or the channel's permissions) and press the button again."
    )


class DebriefFlow:
    def __init__(self, bot: ParleyBot) -> None:
        self.bot = bot
        self._pages: dict[int, list[Page]] = {}

    async def session_for(
        self, interaction: discord.Interaction[Any], session_id: int | None
    ) -> SessionSummary:
        if interaction.guild_id is None:
            raise UserFacingError("This works in the class's server.")
        return await self.bot.transcripts.resolve_session(
            interaction.guild_id, session_id=session_id, channel_id=interaction.channel_id
        )

    async def pages(self, session_id: int, *, refresh: bool = False) -> list[Page]:
        if refresh or session_id not in self._pages:
            _, pages = await self.bot.debrief.pages(session_id)
            self._pages[session_id] = pages
        return self._pages[session_id]

    # --- /debrief ------------------------------------------------------------------------------

    async def debrief(self, interaction: discord.Interaction[Any], session_id: int | None) -> None:
        summary = await self.session_for(interaction, session_id)
        await interaction.response.defer(ephemeral=True, thinking=True)
        notes = []
        state = await self.bot.negotiation.state(summary.id)
        if state.vote_open:
            await self.bot.negotiation_flow.close_vote(summary.id, interaction.user.id)
            notes.append("The vote was still open: Parley closed it and announced the result.")
        elif state.round is None:
            notes.append("No vote was held, so the debrief counts nothing as adopted.")
        _, pages, chart = await self.bot.debrief.pages_and_chart(summary.id)
        self._pages[summary.id] = pages
        channel = self.bot.get_partial_messageable(summary.channel_id, guild_id=summary.guild_id)
        message = await channel.send(
            embed=debrief_embed(pages, 0, summary.id),
            view=debrief_view(summary.id, pages, 0),
            allowed_mentions=NO_MENTIONS,
        )
        if chart is not None:
            try:
                await channel.send(
                    CHART_NOTE,
                    file=discord.File(io.BytesIO(chart), filename=CHART_FILE),
                    allowed_mentions=NO_MENTIONS,
                )
            except discord.HTTPException:
                log.exception("Could not post the deal chart of session %s", summary.id)
                notes.append(
                    "⚠️ Discord refused the deal chart picture; the pages have its figures."
                )
        await self.bot.negotiation.mark_debriefed(summary.id, interaction.user.id, message.id)
        link = f"https://discord.com/channels/{summary.guild_id}/{summary.channel_id}/{message.id}"
        notes.append(
            "Every member of the session can now read every delegation's brief (`/brief actor:`)."
        )
        warning = self._archive_permission_problem(summary)
        if warning:
            notes.append(f"⚠️ {warning}")
        await reply(
            interaction,
            f"The debrief is posted ({len(pages)} pages): {link}\nTurn its pages with ◀ ▶ and "
            "the class follows; a student who presses them gets a private copy. "
            + " ".join(notes)
            + "\nWhen you are ready, open the delegation threads to the class:",
            view=archive_view(summary.id),
        )

    async def turn(
        self, interaction: discord.Interaction[Any], session_id: int, index: int
    ) -> None:
        pages = await self.pages(session_id)
        index = max(0, min(index, len(pages) - 1))
        embed = debrief_embed(pages, index, session_id)
        view = debrief_view(session_id, pages, index)
        message = interaction.message
        member = interaction.user
        driving = isinstance(member, discord.Member) and await member_is_facilitator(
            self.bot, member
        )
        if message is not None and (message.flags.ephemeral or driving):
            await interaction.response.edit_message(embed=embed, view=view)
        else:
            await interaction.response.send_message(embed=embed, view=view, ephemeral=True)

    # --- the archive ---------------------------------------------------------------------------

    def _archive_permission_problem(self, summary: SessionSummary) -> str | None:
        guild = self.bot.get_guild(summary.guild_id)
        channel = guild.get_channel(summary.channel_id) if guild else None
        if guild is None or not isinstance(channel, discord.TextChannel):
            return None
        if not channel.permissions_for(guild.me).manage_threads:
            return _missing_manage_threads(channel.mention)
        return None

    async def open_archive(self, interaction: discord.Interaction[Any], session_id: int) -> None:
        await require_facilitator(interaction, "open the delegation threads")
        session = await self.bot.sessions.get(session_id)
        if session is None:
            raise UserFacingError("That session no longer exists.")
        summary = SessionSummary(
            session.id,
            session.guild_id,
            session.channel_id,
            session.scenario_id,
            session.status,
            session.created_at,
            session.ended_at,
            0,
        )
        roster = await self.bot.sessions.roster(session_id)
        spaces = [d for d in roster.delegations if d.space_channel_id is not None]
        if not spaces:
            raise UserFacingError("This session has no delegation threads to open.")
        problem = self._archive_permission_problem(summary)
        if problem and any(
            isinstance(self.bot.get_channel(d.space_channel_id or 0), discord.Thread)
            for d in spaces
        ):
            raise UserFacingError(problem)
        await interaction.response.defer(ephemeral=True, thinking=True)
        scenario = self.bot.sessions.scenario(session.scenario_id)
        opened, failed = [], []
        for delegation in spaces:
            name = scenario.actor(delegation.actor_id).name
            try:
                others = tuple(
                    d.role_id
                    for d in roster.delegations
                    if d.actor_id != delegation.actor_id and d.role_id is not None
                )
                if await self._open_space(
                    delegation, roster.participants, name, live=session.live, roles=others
                ):
                    opened.append(name)
                else:
                    failed.append(name)
            except discord.HTTPException:
                log.exception("Could not open the %s space", delegation.actor_id)
                failed.append(name)
        await self.bot.negotiation.mark_archive_opened(session_id)
        text = f"Opened to the class, read-only: {', '.join(opened) or 'none'}."
        if failed:
            text += (
                f"\n⚠️ Discord refused Parley for: {', '.join(failed)}. Check that Parley has "
                "Manage Threads (threads) or Manage Roles (private channels) there."
            )
        await reply(interaction, text)

    async def _open_space(
        self,
        delegation: DelegationInfo,
        people: tuple[ParticipantInfo, ...],
        actor_name: str,
        *,
        live: bool,
        roles: tuple[int, ...] = (),
    ) -> bool:
        """Open one delegation's space; False if it no longer exists."""
        space = await self.bot.session_flow.spaces.channel(delegation.space_channel_id or 0)
        if space is None:
            return False
        outsiders = [p for p in people if p.actor_id != delegation.actor_id]
        if isinstance(space, discord.Thread):
            # Members can only be added to a thread that is not archived; lock it first so
            # nobody writes into the archive meanwhile. Discord has no per-thread overwrites:
            # one call per student, paced and stopped at the first refusal.
            await space.edit(archived=False, locked=True)
            added = await each_paced(
                outsiders,
                lambda person: space.add_user(discord.Object(person.user_id)),
                clock=self.bot.clock,
                policy=self.bot.retry_policy,
                what=f"add a student to the {actor_name} archive",
            )
            if added.stopped_by is not None:
                raise added.stopped_by
            await space.send(ARCHIVE_NOTE.format(actor=actor_name), allowed_mentions=NO_MENTIONS)
            if not live:
                await space.edit(archived=True, locked=True)
            return True
        # A private channel: one read-only overwrite per delegation role (six, not sixty), and
        # one per student only for those without a role.
        guild = space.guild
        targets: dict[int, discord.Role | discord.Member] = {}
        for other in roles:
            role = guild.get_role(other)
            if role is not None:
                targets[role.id] = role
        role_members = {
            m.id for t in targets.values() if isinstance(t, discord.Role) for m in t.members
        }
        for person in outsiders:
            if person.user_id in role_members:
                continue
            target = guild.get_member(person.user_id)
            if target is not None:
                targets[target.id] = target
        opened = await each_paced(
            targets.values(),
            lambda target: space.set_permissions(
                target, view_channel=True, read_message_history=True, send_messages=False
            ),
            clock=self.bot.clock,
            policy=self.bot.retry_policy,
            what=f"open the {actor_name} archive",
        )
        if opened.stopped_by is not None:
            raise opened.stopped_by
        await space.send(ARCHIVE_NOTE.format(actor=actor_name), allowed_mentions=NO_MENTIONS)
        return True

    # --- the gradebook -------------------------------------------------------------------------

    async def gradebook(
        self, interaction: discord.Interaction[Any], session_id: int | None
    ) -> None:
        summary = await self.session_for(interaction, session_id)
        await interaction.response.defer(ephemeral=True, thinking=True)
        out = io.BytesIO()
        rows = await self.bot.debrief.write_gradebook(summary.id, out)
        out.seek(0)
        await interaction.followup.send(
            f"Gradebook of session {summary.id}: {rows} {'student' if rows == 1 else 'students'}"
            " (opens in Excel, LibreOffice or Google Sheets).",
            file=discord.File(out, filename=f"gradebook-session-{summary.id}.csv"),
            ephemeral=True,
        )
