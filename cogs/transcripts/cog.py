"""Transcripts: record every message of live sessions, backfill after downtime, and export.

`/transcript export` — facilitators: the whole session or one phase; students: their own
delegation's threads. Sent as a private attachment.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
import zipfile
from typing import IO, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import ParleyBot
from bot.errors import UserFacingError
from bot.services.transcripts import ExportPlan
from cogs.common.checks import guild_only, member_is_facilitator
from cogs.common.options import PhaseName, SessionNumber
from cogs.transcripts.capture import TranscriptCapture

log = logging.getLogger(__name__)

SPOOL_IN_MEMORY = 4 * 1024 * 1024  # bigger exports spill to a temporary file
ExportFormat = Literal["html", "md", "csv", "json"]
FORMAT_HELP = "html: to read · md: Markdown · csv: spreadsheet · json: for programs"


def _zip(source: IO[bytes], name: str) -> IO[bytes]:
    zipped = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115
    source.seek(0)
    with (
        zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open(name, "w", force_zip64=True) as member,
    ):
        while chunk := source.read(1 << 20):
            member.write(chunk)
    return zipped


class Transcripts(
    commands.GroupCog, group_name="transcript", group_description="Session transcripts"
):
    def __init__(self, bot: ParleyBot) -> None:
        self.bot = bot
        self.service = bot.transcripts
        self.capture = TranscriptCapture(bot, bot.transcripts)
        super().__init__()

    # -- recording ----------------------------------------------------------------------------

    async def cog_load(self) -> None:
        # New messages: a synchronous observer, run by ParleyBot.dispatch, not a listener (a
        # listener costs a task per message, for every message the bot sees).
        self.bot.message_observers.append(self.capture.observe)

    async def cog_unload(self) -> None:
        if self.capture.observe in self.bot.message_observers:
            self.bot.message_observers.remove(self.capture.observe)

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        """Load the recorded channels, then fetch what was said while Parley was offline."""
        channels = await self.service.load_channels()
        await self.capture.warm()
        stored = await self.capture.backfill()
        log.info("Recording %d session channels; backfilled %d messages", channels, stored)

    @commands.Cog.listener()
    async def on_parley_session_created(self, session_id: int) -> None:
        await self.service.refresh_session(session_id)

    @commands.Cog.listener()
    async def on_parley_session_channels_changed(self, session_id: int) -> None:
        await self.service.refresh_session(session_id)

    @commands.Cog.listener()
    async def on_parley_session_ended(self, session_id: int) -> None:
        """Keep what was said until the end; stop recording the session's channels."""
        await self.service.flush()
        self.service.unregister_session(session_id)

    @commands.Cog.listener()
    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        self.capture.on_edit(payload)

    @commands.Cog.listener()
    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        self.capture.on_delete(payload.channel_id, [payload.message_id])

    @commands.Cog.listener()
    async def on_raw_bulk_message_delete(self, payload: discord.RawBulkMessageDeleteEvent) -> None:
        self.capture.on_delete(payload.channel_id, payload.message_ids)

    # -- export -------------------------------------------------------------------------------

    @app_commands.command(name="export", description="Download a session's transcript")
    @app_commands.describe(
        format=FORMAT_HELP,
        phase="Only this phase (default: the whole session)",
        session="Which session (default: the one in this channel, or the newest)",
    )
    @guild_only()
    async def export(
        self,
        interaction: discord.Interaction[ParleyBot],
        format: ExportFormat = "html",
        phase: PhaseName | None = None,
        session: SessionNumber | None = None,
    ) -> None:
        assert interaction.guild_id is not None and isinstance(interaction.user, discord.Member)
        facilitator = await member_is_facilitator(self.bot, interaction.user)
        found = await self.service.resolve_session(
            interaction.guild_id, session_id=session, channel_id=interaction.channel_id
        )
        plan = await self.service.plan_export(
            found, phase=phase, facilitator=facilitator, user_id=interaction.user.id
        )
        await interaction.response.defer(ephemeral=True, thinking=True)
        file, note = await self._render(plan, format, interaction.filesize_limit)
        with file.fp:
            await interaction.followup.send(
                f"Transcript of session {found.id} ({plan.scope}): {note}.",
                file=file,
                ephemeral=True,
            )

    async def _render(self, plan: ExportPlan, fmt: str, limit: int) -> tuple[discord.File, str]:
        name = plan.filename(fmt)
        spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115
        result = await self.service.export_plan(plan, fmt, spool)
        note = f"{result.messages} messages"
        size = spool.tell()
        if size > limit:
            zipped = await asyncio.to_thread(_zip, spool, name)  # CPU work off the event loop
            spool.close()
            spool, size, name = zipped, zipped.tell(), name + ".zip"
            note += ", zipped to fit"
            if size > limit:
                spool.close()
                raise UserFacingError(
                    f"This transcript is {size / 1e6:.1f} MB even zipped, more than Discord lets "
                    f"Parley upload here ({limit / 1e6:.0f} MB). Export one phase at a time, or "
                    "run `parley transcript export` on the computer that runs Parley."
                )
        spool.seek(0)
        return discord.File(spool, filename=name), note  # type: ignore[arg-type]

    @export.autocomplete("phase")
    async def phase_choices(
        self, interaction: discord.Interaction[ParleyBot], current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        try:
            session_id = getattr(interaction.namespace, "session", None)
            found = await self.service.resolve_session(
                interaction.guild_id, session_id=session_id, channel_id=interaction.channel_id
            )
        except UserFacingError:
            return []
        phases = await self.service.phases(found.id)
        wanted = current.casefold()
        return [
            app_commands.Choice(name=p[:100], value=p[:100])
            for p in phases
            if wanted in p.casefold()
        ][:25]

    @export.autocomplete("session")
    async def session_choices(
        self, interaction: discord.Interaction[ParleyBot], current: str
    ) -> list[app_commands.Choice[int]]:
        if interaction.guild_id is None:
            return []
        choices = []
        for s in await self.service.sessions(interaction.guild_id):
            title = self.service.scenario_names(s.scenario_id)[0]
            label = f"#{s.id} · {title} · {s.created_at:%Y-%m-%d} · {s.messages} messages"
            if current.strip() in label:
                choices.append(app_commands.Choice(name=label[:100], value=s.id))
        return choices[:25]


async def setup(bot: ParleyBot) -> None:
    await bot.add_cog(Transcripts(bot))
