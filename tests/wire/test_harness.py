"""Proof that the wire-level harness drives discord.py for real (see tests/harness/README.md)."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Awaitable, Callable

import discord
import pytest
from discord import app_commands
from discord.ext import commands, tasks
from discord.http import Route

from tests.harness import (
    DiscordWouldNotSend,
    NoResponseError,
    UnexpectedBotError,
    Upload,
    WireHarness,
    classroom,
)
from tests.harness.demo import JOIN_ID, PROPOSAL_MODAL_ID, STANCE_ID, DemoBot
from tests.harness.plugin import HarnessFactory

# ---------------------------------------------------------------------------
# stories: each is used twice - with the handler (must pass) and without (must fail)
# ---------------------------------------------------------------------------


async def story_slash(h: WireHarness) -> None:
    student = h.world.students[0]
    r = await h.slash(student, "session create", options={"scenario": "hanoi-2019", "rounds": 5})
    assert r.response.type == 4
    assert r.response.ephemeral
    assert r.response.content == "Session **hanoi-2019** created with 5 rounds."


async def story_button(h: WireHarness) -> None:
    w = h.world
    panel = await h.slash(w.facilitator, "panel")
    assert panel.response.custom_ids == [JOIN_ID, STANCE_ID]
    r = await h.click(w.students[1], panel, JOIN_ID)
    assert r.response.content == "You joined the negotiation."
    assert r.response.ephemeral
    said = [m.content for m in h.sent_messages(w.plenary, include_interactions=False)]
    assert said == ["student2 joined the negotiation."]


async def story_modal(h: WireHarness) -> None:
    student = h.world.students[0]
    opened = await h.slash(student, "propose")
    assert opened.modal["custom_id"] == PROPOSAL_MODAL_ID
    r = await h.submit_modal(
        student, opened, {"headline": "Ceasefire now", "body": "Starting at dawn."}
    )
    assert r.response.content == f"Proposal from <@{student.id}> tabled."
    assert r.response.embed is not None
    assert r.response.embed["title"] == "Ceasefire now"
    assert r.response.embed["description"] == "Starting at dawn."
    assert not r.response.ephemeral


async def story_thread_message(h: WireHarness) -> None:
    w = h.world
    thread = h.add_thread(w.plenary, "bloc-a", owner=w.students[0])
    await h.send_message(thread, w.students[0], "!echo we accept the terms")
    sent = h.sent_messages(thread)
    assert [m.content for m in sent] == ["[bloc-a] we accept the terms"]


STORIES: dict[str, Callable[[WireHarness], Awaitable[None]]] = {
    "slash": story_slash,
    "button": story_button,
    "modal": story_modal,
    "thread-message": story_thread_message,
}


@pytest.mark.parametrize("feature", sorted(STORIES))
async def test_story_passes_with_handler(
    harness_factory: HarnessFactory, intents: discord.Intents, feature: str
) -> None:
    h = await harness_factory(DemoBot(intents=intents))
    await STORIES[feature](h)


@pytest.mark.parametrize("feature", sorted(STORIES))
async def test_same_story_fails_without_handler(
    harness_factory: HarnessFactory, intents: discord.Intents, feature: str
) -> None:
    h = await harness_factory(DemoBot(intents=intents, without={feature}))
    with pytest.raises(AssertionError):
        await STORIES[feature](h)


async def test_missing_response_is_reported_clearly(
    harness_factory: HarnessFactory, intents: discord.Intents
) -> None:
    h = await harness_factory(DemoBot(intents=intents, without={"slash"}))
    r = await h.slash(h.world.students[0], "session create", options={"scenario": "x"})
    assert not r.responded
    with pytest.raises(NoResponseError, match="did not respond"):
        _ = r.response.content


# ---------------------------------------------------------------------------
# state setup
# ---------------------------------------------------------------------------


async def test_ready_state_is_built_by_the_real_parsers(
    harness_factory: HarnessFactory, intents: discord.Intents
) -> None:
    bot = DemoBot(intents=intents)
    h = await harness_factory(bot, students=2)
    w = h.world
    assert bot.is_ready()
    assert bot.user is not None and bot.user.id == h.application_id and bot.user.bot
    assert bot.application_id == h.application_id
    guild = bot.get_guild(w.guild.id)
    assert guild is not None and guild.name == "Classroom" and guild.chunked
    assert guild.me is not None and guild.me.id == bot.user.id
    plenary = guild.get_channel(w.plenary.id)
    assert isinstance(plenary, discord.TextChannel) and plenary.name == "plenary"
    facilitator = guild.get_member(w.facilitator.id)
    student = guild.get_member(w.students[0].id)
    assert facilitator is not None and facilitator.guild_permissions.manage_guild
    assert student is not None and not student.guild_permissions.manage_guild
    assert [n for n in h.event_names() if n in ("connect", "guild_available", "ready")] == [
        "connect",
        "guild_available",
        "ready",
    ]
    # login went through the fake REST API like Client.login does
    assert [r.path for r in h.requests("GET")][:2] == ["/users/@me", "/oauth2/applications/@me"]


async def test_setup_hook_is_optional(
    harness_factory: HarnessFactory, intents: discord.Intents
) -> None:
    bot = DemoBot(intents=intents)
    h = await harness_factory(bot, setup_hook=False)
    assert bot.get_cog("Demo") is None
    with pytest.raises(DiscordWouldNotSend, match="no chat_input command 'session'"):
        await h.slash(h.world.students[0], "session create", options={"scenario": "x"})


# ---------------------------------------------------------------------------
# app commands
# ---------------------------------------------------------------------------


async def test_subcommand_group_with_member_and_channel_options(
    harness_factory: HarnessFactory, intents: discord.Intents
) -> None:
    h = await harness_factory(DemoBot(intents=intents))
    w = h.world
    r = await h.slash(
        w.facilitator,
        "session delegate assign",
        options={"student": w.students[2], "country": "Vietnam", "channel": w.plenary},
    )
    expected = f"<@{w.students[2].id}> now represents Vietnam in <#{w.plenary.id}>."
    assert r.response.content == expected
    assert r.response.ephemeral
    # the bot defaults to AllowedMentions.none(): the mention in the content pings nobody
    assert r.response.allowed_mentions == {"parse": []}
    assert r.response.allows_no_mentions and r.response.pings.none
    h.assert_no_pings()
    # the payload went through discord.py's real option conversion
    option = r.payload["data"]["options"][0]
    assert option["type"] == 2 and option["name"] == "delegate"
    assert option["options"][0]["name"] == "assign"
    assert str(w.students[2].id) in r.payload["data"]["resolved"]["members"]


async def test_pings_are_detected_when_the_bot_forgets_allowed_mentions(
    harness_factory: HarnessFactory, intents: discord.Intents
) -> None:
    bot = commands.Bot(command_prefix="!", intents=intents)

    @bot.tree.command(name="shout")
    async def shout(interaction: discord.Interaction, who: discord.Member) -> None:
        await interaction.response.send_message(f"Hey {who.mention} and @everyone")

    h = await harness_factory(bot)
    target = h.world.students[0]
    r = await h.slash(h.world.facilitator, "shout", options={"who": target})
    assert r.response.allowed_mentions is None
    assert r.response.pings.users == {target.id}
    assert r.response.pings.everyone
    with pytest.raises(AssertionError, match="would ping"):
        h.assert_no_pings()


@pytest.mark.parametrize(
    ("options", "why"),
    [
        ({"scenario": "hanoi-2019", "rounds": 11}, "above max_value"),
        ({"scenario": "hanoi-2019", "rounds": "3"}, "expected an integer"),
        ({"rounds": 3}, "required option"),
        ({"scenario": "hanoi-2019", "speed": 3}, "has no option"),
    ],
)
async def test_options_discord_would_reject_are_refused(
    harness_factory: HarnessFactory, intents: discord.Intents, options: dict[str, object], why: str
) -> None:
    h = await harness_factory(DemoBot(intents=intents))
    with pytest.raises(DiscordWouldNotSend, match=why):
        await h.slash(h.world.students[0], "session create", options=options)
    with pytest.raises(DiscordWouldNotSend, match="is a group"):
        await h.slash(h.world.students[0], "session delegate")


async def test_autocomplete(harness_factory: HarnessFactory, intents: discord.Intents) -> None:
    h = await harness_factory(DemoBot(intents=intents))
    choices = await h.choices(
        h.world.students[0], "session create", focused="scenario", value="han"
    )
    assert choices == [{"name": "Hanoi-2019", "value": "hanoi-2019"}]
    r = h.interactions[-1]
    assert r.response.type == 8
    focused = r.payload["data"]["options"][0]["options"][0]
    assert focused == {"name": "scenario", "type": 3, "value": "han", "focused": True}


async def test_deferred_response_followup_and_edit(
    harness_factory: HarnessFactory, intents: discord.Intents
) -> None:
    h = await harness_factory(DemoBot(intents=intents))
    r = await h.slash(h.world.students[0], "summary")
    assert r.response.type == 5 and r.response.deferred and r.response.ephemeral
    assert [m.content for m in r.followups] == ["Summary: 3 proposals, 1 agreement."]
    assert [m.content for m in r.edits] == ["Summary: 3 proposals, 2 agreements."]
    assert r.last_message.content == "Summary: 3 proposals, 2 agreements."
    # the first follow-up after a defer replaced the "thinking..." message
    assert r.followups[0].message_id == r.original_message_id
    final = h.message(r)
    assert final["content"] == "Summary: 3 proposals, 2 agreements."
    assert not final["flags"] & 128  # no longer loading
    assert h.history(h.world.plenary) == []  # ephemeral messages are not in the channel's history


async def test_select_updates_the_panel(
    harness_factory: HarnessFactory, intents: discord.Intents
) -> None:
    h = await harness_factory(DemoBot(intents=intents))
    w = h.world
    panel = await h.slash(w.facilitator, "panel")
    r = await h.select(w.students[0], panel, STANCE_ID, ["oppose"])
    assert r.response.type == 7  # UPDATE_MESSAGE
    assert r.response.content == "Last stance: oppose"
    assert h.message(panel)["content"] == "Last stance: oppose"
    assert h.message(panel)["edited_timestamp"] is not None
    with pytest.raises(DiscordWouldNotSend, match="are not options"):
        await h.select(w.students[0], panel, STANCE_ID, ["filibuster"])
    with pytest.raises(DiscordWouldNotSend, match="no component"):
        await h.click(w.students[0], panel, "demo:not-there")


async def test_persistent_view_routes_clicks_on_old_messages(
    harness_factory: HarnessFactory, intents: discord.Intents
) -> None:
    """A panel message the bot posted 'before a restart' is still routed by custom_id."""
    bot = DemoBot(intents=intents)
    h = await harness_factory(bot)
    w = h.world
    channel = bot.get_channel(w.plenary.id)
    assert isinstance(channel, discord.TextChannel)
    # post the panel's components with a plain REST send and no view attached to the message
    view = discord.ui.View(timeout=None)
    view.add_item(discord.ui.Button(label="Join", custom_id=JOIN_ID))
    message = await channel.send("Panel (old)", view=view)
    view.stop()
    await h.settle()
    r = await h.click(w.students[0], message, JOIN_ID)
    assert r.response.content == "You joined the negotiation."


async def test_modal_validation_mirrors_discord(
    harness_factory: HarnessFactory, intents: discord.Intents
) -> None:
    h = await harness_factory(DemoBot(intents=intents))
    student = h.world.students[0]
    opened = await h.slash(student, "propose")
    with pytest.raises(DiscordWouldNotSend, match="required"):
        await h.submit_modal(student, opened, {"body": "no headline"})
    with pytest.raises(DiscordWouldNotSend, match="longer than 80"):
        await h.submit_modal(student, opened, {"headline": "x" * 81})
    with pytest.raises(DiscordWouldNotSend, match="only the user who opened"):
        await h.submit_modal(h.world.students[1], opened, {"headline": "hijack"})
    r = await h.submit_modal(student, opened, {"headline": "Short"})  # body is optional
    assert r.response.embed is not None and r.response.embed["description"] == "(no details)"


async def test_label_components_in_modals(
    harness_factory: HarnessFactory, intents: discord.Intents
) -> None:
    h = await harness_factory(DemoBot(intents=intents))
    student = h.world.students[0]
    opened = await h.slash(student, "vote")
    assert [c["type"] for c in opened.modal["components"]] == [18, 18]
    r = await h.submit_modal(student, opened, {"vote": ["yes"], "why": "fair deal"})
    assert r.response.content == "vote=yes why='fair deal'"


# ---------------------------------------------------------------------------
# gateway events
# ---------------------------------------------------------------------------


async def test_dm_message_reaches_on_message(
    harness_factory: HarnessFactory, intents: discord.Intents
) -> None:
    h = await harness_factory(DemoBot(intents=intents))
    student = h.world.students[0]
    dm = h.dm_channel(student)
    await h.send_message(dm, student, "hello?")
    assert [m.content for m in h.sent_messages(dm)] == [
        "Parley only works inside a classroom server."
    ]
    assert h.sent_messages(dm)[0].allows_no_mentions


async def test_edit_and_delete_reach_listeners(
    harness_factory: HarnessFactory, intents: discord.Intents
) -> None:
    bot = DemoBot(intents=intents)
    h = await harness_factory(bot)
    w = h.world
    msg = await h.send_message(w.plenary, w.students[0], "we propose 10%")
    await h.edit_message(msg, "we propose 12%")
    await h.delete_message(msg)
    assert bot.seen == [
        ("raw_message_edit", msg.id, "we propose 12%"),
        ("message_edit", "we propose 10%", "we propose 12%"),
        ("raw_message_delete", msg.id, "we propose 12%"),
    ]


async def test_reaction_reaches_raw_listener(
    harness_factory: HarnessFactory, intents: discord.Intents
) -> None:
    bot = DemoBot(intents=intents)
    h = await harness_factory(bot)
    w = h.world
    msg = await h.send_message(w.plenary, w.students[0], "vote now")
    await h.react(msg, w.students[1], "👍")
    assert bot.seen == [("raw_reaction_add", msg.id, "👍", w.students[1].id)]
    cached = bot._connection._get_message(msg.id)
    assert cached is not None and cached.reactions[0].count == 1


async def test_message_content_intent_is_honoured(harness_factory: HarnessFactory) -> None:
    intents = discord.Intents.default()
    intents.members = True  # but no message_content
    h = await harness_factory(DemoBot(intents=intents))
    thread = h.add_thread(h.world.plenary, "bloc-b")
    await h.send_message(thread, h.world.students[0], "!echo anything")
    assert h.sent_messages(thread) == []  # the prefix command never saw the content


# ---------------------------------------------------------------------------
# failing on swallowed errors
# ---------------------------------------------------------------------------


async def test_exception_in_command_fails_the_test(
    harness_factory: HarnessFactory, intents: discord.Intents
) -> None:
    h = await harness_factory(DemoBot(intents=intents))
    with pytest.raises(UnexpectedBotError, match="kaboom") as info:
        await h.slash(h.world.students[0], "boom")
    assert isinstance(info.value.__cause__, RuntimeError)
    # the bot's central handler still ran and answered the user
    r = h.interactions[-1]
    assert r.response.content == "Something went wrong."
    assert r.errors and r.errors[0].handled_by_bot


async def test_expected_errors_are_absorbed(
    harness_factory: HarnessFactory, intents: discord.Intents
) -> None:
    h = await harness_factory(DemoBot(intents=intents))
    async with h.expect_errors(RuntimeError) as caught:
        r = await h.slash(h.world.students[0], "boom")
    assert [type(e) for e in caught.errors] == [RuntimeError]
    assert r.response.content == "Something went wrong."
    with pytest.raises(AssertionError, match="expected the bot to raise"):
        async with h.expect_errors(KeyError):
            await h.slash(h.world.students[0], "session create", options={"scenario": "x"})


async def test_exceptions_in_listeners_views_and_autocomplete_fail(
    harness_factory: HarnessFactory, intents: discord.Intents
) -> None:
    bot = commands.Bot(command_prefix="!", intents=intents)

    class Broken(discord.ui.View):
        @discord.ui.button(label="x", custom_id="broken:x")
        async def x(
            self, interaction: discord.Interaction, button: discord.ui.Button[Broken]
        ) -> None:
            raise KeyError("view")

        async def on_error(
            self, interaction: discord.Interaction, error: Exception, item: object
        ) -> None:
            await interaction.response.send_message("view failed", ephemeral=True)

    @bot.listen("on_message")
    async def explode(message: discord.Message) -> None:
        if not message.author.bot:
            raise ValueError("listener")

    async def ac(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        raise LookupError("autocomplete")

    @bot.tree.command(name="pick")
    @app_commands.autocomplete(thing=ac)
    async def pick(interaction: discord.Interaction, thing: str) -> None:
        await interaction.response.send_message("ok", view=Broken())

    h = await harness_factory(bot)
    w = h.world
    with pytest.raises(UnexpectedBotError, match="listener"):
        await h.send_message(w.plenary, w.students[0], "hi")
    with pytest.raises(UnexpectedBotError, match="autocomplete"):
        await h.autocomplete(w.students[0], "pick", focused="thing", value="a")
    r = await h.slash(w.students[0], "pick", options={"thing": "a"})
    with pytest.raises(UnexpectedBotError, match="view") as info:
        await h.click(w.students[0], r, "broken:x")
    assert "the bot's own error handler also ran" in str(info.value)
    assert h.interactions[-1].response.content == "view failed"


async def test_check_failure_handled_by_bot_is_not_an_error(
    harness_factory: HarnessFactory, intents: discord.Intents
) -> None:
    bot = DemoBot(intents=intents)

    @bot.tree.command(name="close-session")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def close_session(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("closed")

    h = await harness_factory(bot)
    r = await h.slash(h.world.students[0], "close-session")
    assert r.response.content == "You are not allowed to do that."
    assert r.errors and isinstance(r.errors[0].error, app_commands.MissingPermissions)
    assert not r.errors[0].surfaced
    r = await h.slash(h.world.facilitator, "close-session")
    assert r.response.content == "closed"


# ---------------------------------------------------------------------------
# the fake REST API
# ---------------------------------------------------------------------------


async def test_rest_routes_answer_like_discord(
    harness_factory: HarnessFactory, intents: discord.Intents
) -> None:
    bot = DemoBot(intents=intents)
    h = await harness_factory(bot)
    w = h.world
    guild = bot.get_guild(w.guild.id)
    assert guild is not None
    channel = guild.get_channel(w.plenary.id)
    assert isinstance(channel, discord.TextChannel)

    sent = await channel.send(
        "Round 1 opens", file=discord.File(io.BytesIO(b"agenda"), filename="agenda.txt")
    )
    assert (
        sent.id and sent.content == "Round 1 opens" and sent.attachments[0].filename == "agenda.txt"
    )
    assert await sent.attachments[0].read() == b"agenda"
    out = h.sent_messages(w.plenary)[-1]
    assert out.files[0].data == b"agenda" and out.allowed_mentions == {"parse": []}

    thread = await sent.create_thread(name="Round 1")
    assert bot.get_channel(thread.id) is None  # the cache learns about it from the gateway...
    await h.settle()
    cached_thread = bot.get_channel(thread.id)  # ...i.e. from the echoed THREAD_CREATE
    assert isinstance(cached_thread, discord.Thread) and cached_thread.name == "Round 1"
    assert "thread_create" in h.event_names()

    student = guild.get_member(w.students[1].id)
    assert student is not None
    await student.send("Your private brief")
    dm = h.dm_channel(w.students[1])
    assert [m.content for m in h.sent_messages(dm)] == ["Your private brief"]

    role = await guild.create_role(name="Delegation A")
    member = guild.get_member(w.students[0].id)
    assert member is not None
    await member.add_roles(role)
    await h.settle()
    refreshed = guild.get_member(w.students[0].id)
    assert refreshed is not None and role.id in [r.id for r in refreshed.roles]

    await channel.set_permissions(role, view_channel=False)
    await h.settle()
    assert channel.overwrites_for(role).view_channel is False

    history = [m.content async for m in channel.history(limit=10)]
    assert history == ["Round 1 opens"]
    fetched = await guild.fetch_member(w.students[1].id)
    assert fetched.id == w.students[1].id

    synced = await bot.tree.sync(guild=guild)
    assert {c.name for c in synced} == set()  # demo commands are global
    synced = await bot.tree.sync()
    assert {c.name for c in synced} >= {"session", "panel", "propose"}
    session_id = next(c.id for c in synced if c.name == "session")
    # (student1 now holds "Delegation A", which may not see #plenary; the harness would refuse)
    r = await h.slash(w.facilitator, "session create", options={"scenario": "x"})
    assert r.payload["data"]["id"] == str(session_id)  # interactions carry the synced id

    await bot.http.request(Route("GET", "/guilds/{guild_id}/bans", guild_id=guild.id))
    assert [r.path for r in h.unhandled_requests] == [f"/guilds/{guild.id}/bans"]

    assert (
        h.requests("PUT", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}")[0].status == 204
    )
    assert h.requests("POST", "/channels/*/messages")[0].json["content"] == "Round 1 opens"


async def test_permissions_and_injected_failures(
    harness_factory: HarnessFactory, intents: discord.Intents
) -> None:
    bot = DemoBot(intents=intents)
    h = await harness_factory(bot)
    w = h.world
    view = discord.Permissions(view_channel=True)
    secret = h.add_text_channel(
        w.guild,
        "staff-room",
        overwrites={h.everyone_role(w.guild): (0, view), w.facilitator_role: (view, 0)},
    )
    await h.settle()
    channel = bot.get_channel(secret.id)
    assert isinstance(channel, discord.TextChannel)
    with pytest.raises(discord.Forbidden):
        await channel.send("hello")
    plenary = bot.get_channel(w.plenary.id)
    assert isinstance(plenary, discord.TextChannel)
    h.api.fail("POST", "/channels/{channel_id}/messages", status=500, code=0, message="boom")
    with pytest.raises(discord.DiscordServerError):
        await plenary.send("hello")
    await plenary.send("hello again")  # only the next call failed
    with pytest.raises(DiscordWouldNotSend, match="cannot post"):
        await h.send_message(secret, w.students[0], "sneaking in")
    await h.send_message(secret, w.facilitator, "staff only")  # the facilitator role may


async def test_attachment_option_and_user_upload(
    harness_factory: HarnessFactory, intents: discord.Intents
) -> None:
    bot = commands.Bot(
        command_prefix="!", intents=intents, allowed_mentions=discord.AllowedMentions.none()
    )

    @bot.tree.command(name="upload")
    async def upload(interaction: discord.Interaction, doc: discord.Attachment) -> None:
        text = (await doc.read()).decode()
        await interaction.response.send_message(
            f"{doc.filename}: {len(text)} chars",
            file=discord.File(io.BytesIO(text.upper().encode()), "up.txt"),
        )

    @bot.command()
    async def wc(ctx: commands.Context[commands.Bot]) -> None:
        data = await ctx.message.attachments[0].read()
        await ctx.reply(f"{len(data.split())} words")

    h = await harness_factory(bot)
    w = h.world
    r = await h.slash(w.students[0], "upload", options={"doc": Upload("memo.txt", b"draft treaty")})
    assert r.response.content == "memo.txt: 12 chars"
    assert r.response.as_message().file("up.txt").data == b"DRAFT TREATY"
    await h.send_message(
        w.plenary, w.students[0], "!wc", attachments=[Upload("a.txt", b"one two three")]
    )
    reply = h.sent_messages(w.plenary)[-1]
    assert reply.content == "3 words" and reply.is_reply and reply.pings.none


async def test_harness_as_context_manager_leaves_no_tasks(intents: discord.Intents) -> None:
    bot = DemoBot(intents=intents)
    h = WireHarness(bot)
    classroom(h, students=1)
    async with h:
        await h.slash(h.world.students[0], "session create", options={"scenario": "paris-climate"})
        panel = await h.slash(h.world.facilitator, "panel")
        await h.click(h.world.students[0], panel, JOIN_ID)
    assert bot.is_closed()
    others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    assert others == []


async def test_settle_waits_for_short_sleeps_but_not_for_blocked_waits(
    harness_factory: HarnessFactory, intents: discord.Intents
) -> None:
    bot = commands.Bot(command_prefix="!", intents=intents)
    ticks: list[int] = []

    @tasks.loop(seconds=0.01)
    async def heartbeat() -> None:
        ticks.append(1)

    @bot.tree.command(name="ask")
    async def ask(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("Which country do you represent?")
        await asyncio.sleep(0.05)  # short sleeps are waited for in real time
        await interaction.followup.send("(waiting for your answer)")

        def from_asker(m: discord.Message) -> bool:
            return m.author.id == interaction.user.id

        answer = await bot.wait_for("message", check=from_asker, timeout=60)
        await interaction.followup.send(f"Noted: {answer.content}")

    async def start_heartbeat() -> None:
        heartbeat.start()

    bot.setup_hook = start_heartbeat  # type: ignore[method-assign]
    h = await harness_factory(bot)
    student = h.world.students[0]
    r = await h.slash(student, "ask")  # returns although the handler is blocked in wait_for
    assert [m.content for m in r.followups] == ["(waiting for your answer)"]
    await h.send_message(h.world.plenary, student, "Vietnam")
    assert [m.content for m in r.followups][-1] == "Noted: Vietnam"
    assert heartbeat.is_running() and ticks  # the background loop ran but never blocked settle()


async def test_deferred_component_update_then_edit_original(
    harness_factory: HarnessFactory, intents: discord.Intents
) -> None:
    bot = commands.Bot(
        command_prefix="!", intents=intents, allowed_mentions=discord.AllowedMentions.none()
    )

    class Counter(discord.ui.View):
        def __init__(self) -> None:
            super().__init__(timeout=None)
            self.count = 0

        @discord.ui.button(label="+1", custom_id="counter:inc")
        async def inc(
            self, interaction: discord.Interaction, button: discord.ui.Button[Counter]
        ) -> None:
            await interaction.response.defer()  # DEFERRED_UPDATE_MESSAGE
            self.count += 1
            await interaction.edit_original_response(content=f"count={self.count}", view=self)

    @bot.tree.command(name="counter")
    async def counter(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("count=0", view=Counter())

    h = await harness_factory(bot)
    student = h.world.students[0]
    posted = await h.slash(student, "counter")
    first = await h.click(student, posted, "counter:inc")
    second = await h.click(h.world.students[1], posted, "counter:inc")
    assert first.response.type == 6 and second.response.type == 6
    assert [e.content for e in second.edits] == ["count=2"]
    assert h.message(posted)["content"] == "count=2"
    assert h.message(posted)["components"][0]["components"][0]["custom_id"] == "counter:inc"


async def test_context_menus(harness_factory: HarnessFactory, intents: discord.Intents) -> None:
    bot = commands.Bot(
        command_prefix="!", intents=intents, allowed_mentions=discord.AllowedMentions.none()
    )

    @bot.tree.context_menu(name="Delegate profile")
    async def profile(interaction: discord.Interaction, member: discord.Member) -> None:
        await interaction.response.send_message(f"{member.display_name}: {len(member.roles)} roles")

    @bot.tree.context_menu(name="Quote")
    async def quote(interaction: discord.Interaction, message: discord.Message) -> None:
        await interaction.response.send_message(f"> {message.content}", ephemeral=True)

    h = await harness_factory(bot)
    w = h.world
    r = await h.context_menu(w.students[0], "Delegate profile", w.facilitator)
    assert r.response.content == "facilitator: 2 roles"  # @everyone + Facilitator
    said = await h.send_message(w.plenary, w.students[1], "We reject the draft")
    r = await h.context_menu(w.students[0], "Quote", said)
    assert r.response.content == "> We reject the draft" and r.response.ephemeral
