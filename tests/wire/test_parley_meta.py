"""`/parley …` and the central error handler, through discord.py's real dispatch."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import discord
import pytest
from discord import app_commands
from discord.ext import commands

from bot.client import ParleyBot
from bot.errors import UserFacingError
from tests.harness import WireHarness
from tests.parley_fixtures import ParleyFactory, parley_settings


async def test_about_shows_version_scenarios_backend_and_health(parley: WireHarness) -> None:
    w = parley.world
    result = await parley.slash(w.students[0], "parley about")

    response = result.response
    assert response.ephemeral
    assert response.allows_no_mentions
    fields = {f["name"]: f["value"] for f in response.embed["fields"]}
    assert fields["Version"] == parley.bot.version
    assert "Hanoi 2019" in fields["Scenarios"]
    assert fields["Database"] == "sqlite"
    assert fields["Uptime"].endswith("s") or fields["Uptime"].endswith("m")
    assert "Gateway latency" in fields
    assert fields["Message content"] == "not yet seen"


async def test_a_student_is_refused_a_facilitator_command(parley: WireHarness) -> None:
    w = parley.world
    role = parley.add_role(w.guild, "Teachers")

    result = await parley.slash(
        w.students[0], "parley config facilitator-role", options={"role": role}
    )

    assert result.response.ephemeral
    assert result.response.content.startswith("Only facilitators can change Parley's settings")
    bot: ParleyBot = parley.bot  # type: ignore[assignment]
    assert (await bot.guild_config.get(w.guild.id)).facilitator_role_id is None


async def test_facilitator_role_is_stored_and_then_grants_access(parley: WireHarness) -> None:
    w = parley.world
    role = parley.add_role(w.guild, "Teachers")

    set_role = await parley.slash(
        w.facilitator, "parley config facilitator-role", options={"role": role}
    )
    assert set_role.response.ephemeral
    assert "are now facilitators" in set_role.response.content
    assert set_role.response.allows_no_mentions  # names the role without pinging it

    parley.give_role(w.students[1], role)
    await parley.settle()
    as_teacher = await parley.slash(
        w.students[1], "parley config private-space", options={"kind": "channel"}
    )
    assert (
        as_teacher.response.content == "New sessions will give each delegation a private channel."
    )
    bot: ParleyBot = parley.bot  # type: ignore[assignment]
    settings = await bot.guild_config.get(w.guild.id)
    assert settings.facilitator_role_id == role.id
    assert settings.private_space == "channel"


async def test_sync_publishes_commands_to_this_server_only(parley: WireHarness) -> None:
    w = parley.world
    result = await parley.slash(w.facilitator, "parley sync")

    assert result.response.deferred and result.response.ephemeral
    assert result.followups[0].content.startswith("Synced ")
    assert "to this server" in result.followups[0].content
    puts = parley.requests("PUT", "/applications/*/commands")
    assert [p.path for p in puts] == [
        f"/applications/{parley.application_id}/guilds/{w.guild.id}/commands"
    ]


async def test_global_sync_needs_an_owner(parley: WireHarness) -> None:
    result = await parley.slash(
        parley.world.facilitator, "parley sync", options={"scope": "global"}
    )
    assert "Only the bot's owners" in result.response.content
    assert parley.requests("PUT", "/applications/*/commands") == []  # nothing synced anywhere


class Exploding(commands.Cog):
    @app_commands.command(name="explode")
    async def explode(self, interaction: discord.Interaction) -> None:
        raise RuntimeError("database on fire")

    @app_commands.command(name="refuse")
    async def refuse(self, interaction: discord.Interaction) -> None:
        raise UserFacingError("That agenda item does not exist. Pick one from the list.")


async def _with_exploding_cog(parley: WireHarness) -> None:
    await parley.bot.add_cog(Exploding())  # type: ignore[attr-defined]


async def test_a_bug_gets_a_short_private_reply_and_a_logged_traceback(
    parley: WireHarness, caplog: pytest.LogCaptureFixture
) -> None:
    await _with_exploding_cog(parley)
    with (
        caplog.at_level(logging.ERROR, logger="cogs.common.errors"),
        parley.expect_errors(RuntimeError),
    ):
        result = await parley.slash(parley.world.students[0], "explode")
        await parley.settle()

    response = result.response
    assert response.ephemeral
    assert "Something went wrong on Parley's side (reference " in response.content
    assert "Traceback" not in response.content and "database on fire" not in response.content
    reference = response.content.split("reference ")[1][:6]
    logged = [r for r in caplog.records if reference in r.getMessage()]
    assert logged and logged[0].exc_info is not None
    assert "database on fire" in str(logged[0].exc_info[1])


async def test_bad_input_is_answered_with_its_own_message(parley: WireHarness) -> None:
    await _with_exploding_cog(parley)
    result = await parley.slash(parley.world.students[0], "refuse")
    assert result.response.ephemeral
    assert result.response.content == "That agenda item does not exist. Pick one from the list."


async def test_message_content_probe_counts_blank_guild_messages(
    make_parley: ParleyFactory, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    h = await make_parley()
    bot: ParleyBot = h.bot  # type: ignore[assignment]
    bot.message_content_probe.threshold = 2
    with caplog.at_level(logging.WARNING, logger="bot.client"):
        await h.send_message(h.world.plenary, h.world.students[0], "")
        await h.send_message(h.world.plenary, h.world.students[1], "")
    assert bot.message_content_probe.status == "MISSING"
    assert any("Message Content Intent" in r.getMessage() for r in caplog.records)

    h2 = await make_parley(settings=parley_settings(tmp_path))
    await h2.send_message(h2.world.plenary, h2.world.students[0], "We propose a liaison office.")
    assert h2.bot.message_content_probe.status == "arriving"  # type: ignore[attr-defined]


async def test_ordinary_messages_cost_no_task_but_listeners_and_mention_commands_still_run(
    parley: WireHarness,
) -> None:
    h, w = parley, parley.world
    bot: ParleyBot = h.bot  # type: ignore[assignment]
    heard: list[str] = []

    async def listener(message: discord.Message) -> None:
        heard.append(message.content)

    @commands.command(name="ping")
    async def ping(ctx: commands.Context[ParleyBot]) -> None:
        await ctx.send("pong")

    bot.add_listener(listener, "on_message")
    bot.add_command(ping)
    created: list[asyncio.Task[Any]] = []
    loop = asyncio.get_running_loop()
    harness_factory = loop.get_task_factory()
    assert harness_factory is not None

    def recording_factory(loop: asyncio.AbstractEventLoop, coro: Any, **kw: Any) -> Any:
        task = harness_factory(loop, coro, **kw)
        created.append(task)
        return task

    loop.set_task_factory(recording_factory)

    await h.send_message(w.plenary, w.students[0], "China supports a peace declaration.")
    await h.send_message(w.plenary, w.students[1], f"<@{bot.user.id}> ping")  # type: ignore[union-attr]
    await h.settle()
    loop.set_task_factory(harness_factory)

    names = [t.get_name() for t in created]
    # One task per message for the listener added above (two students, Parley's "pong"), none
    # for Parley's own handling of them.
    assert names.count("discord.py: on_message") == 3
    assert names.count("parley: text command") == 1  # only for the message that mentions Parley
    assert heard == [
        "China supports a peace declaration.",
        f"<@{bot.user.id}> ping",  # type: ignore[union-attr]
        "pong",
    ]
    assert h.sent_messages(w.plenary)[-1].content == "pong"
