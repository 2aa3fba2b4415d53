"""The harness refuses every reply Discord would refuse (tests/harness/limits.py).

Each limit is shown twice: one over it fails the test with `DiscordWouldNotSend` naming the
limit (and the bot got Discord's 400), and the same payload exactly at the limit goes through.
Every path a reply can take is shown once with an over-long message.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import discord
import pytest
from discord import app_commands
from discord.ext import commands
from discord.http import Route

from tests.harness import DiscordWouldNotSend, UnexpectedBotError, WireHarness
from tests.harness import limits as L
from tests.harness.plugin import HarnessFactory

JSON = dict[str, Any]


class RawView(discord.ui.View):
    """A view whose components are given as JSON, so a test can send what discord.py's
    builders would not let it build."""

    def __init__(self, rows: list[JSON]) -> None:
        super().__init__(timeout=None)
        self.rows = rows

    def to_components(self) -> list[JSON]:
        return self.rows

    def is_dispatchable(self) -> bool:
        return False


class RawModal(discord.ui.Modal, title="raw"):
    def __init__(self, data: JSON) -> None:
        super().__init__()
        self.data = data

    def to_dict(self) -> JSON:
        return self.data


def button(custom_id: str, label: str = "Go") -> JSON:
    return {"type": 2, "style": 1, "custom_id": custom_id, "label": label}


def row(*items: JSON) -> JSON:
    return {"type": 1, "components": list(items)}


def select(custom_id: str = "pick", options: int = 1, text: str = "x", **extra: Any) -> JSON:
    chosen = [{"label": text if i == 0 else f"o{i}", "value": f"v{i}"} for i in range(options)]
    return {"type": 3, "custom_id": custom_id, "options": chosen, **extra}


def embed(**fields: Any) -> discord.Embed:
    return discord.Embed.from_dict(fields)


def text_input(custom_id: str = "answer", **extra: Any) -> JSON:
    return row({"type": 4, "custom_id": custom_id, "style": 1, "label": "Answer", **extra})


def modal(*components: JSON, title: str = "Answer", custom_id: str = "m") -> JSON:
    return {"title": title, "custom_id": custom_id, "components": list(components)}


Kwargs = dict[str, Any]

# name -> (over the limit, exactly at it, what the failure says)
MESSAGE_CASES: dict[str, tuple[Kwargs, Kwargs, str]] = {
    "content": (
        {"content": "x" * 2001},
        {"content": "x" * 2000},
        "content has 2,001 characters (Discord's limit: 2,000)",
    ),
    "embed title": (
        {"embed": embed(title="t" * 257)},
        {"embed": embed(title="t" * 256)},
        "embeds[0].title has 257 characters",
    ),
    "embed description": (
        {"embed": embed(description="d" * 4097)},
        {"embed": embed(description="d" * 4096)},
        "embeds[0].description has 4,097 characters",
    ),
    "embed fields": (
        {"embed": embed(fields=[{"name": "n", "value": "v"}] * 26)},
        {"embed": embed(fields=[{"name": "n", "value": "v"}] * 25)},
        "embeds[0].fields has 26 fields (Discord's limit: 25)",
    ),
    "field name": (
        {"embed": embed(fields=[{"name": "n" * 257, "value": "v"}])},
        {"embed": embed(fields=[{"name": "n" * 256, "value": "v"}])},
        "embeds[0].fields[0].name has 257 characters",
    ),
    "field value": (
        {"embed": embed(fields=[{"name": "n", "value": "v" * 1025}])},
        {"embed": embed(fields=[{"name": "n", "value": "v" * 1024}])},
        "embeds[0].fields[0].value has 1,025 characters",
    ),
    "footer": (
        {"embed": embed(footer={"text": "f" * 2049})},
        {"embed": embed(footer={"text": "f" * 2048})},
        "embeds[0].footer.text has 2,049 characters",
    ),
    "author": (
        {"embed": embed(author={"name": "a" * 257})},
        {"embed": embed(author={"name": "a" * 256})},
        "embeds[0].author.name has 257 characters",
    ),
    "embeds total": (
        {"embeds": [embed(description="d" * 3000), embed(description="d" * 3001)]},
        {"embeds": [embed(description="d" * 3000), embed(description="d" * 3000)]},
        "all embeds together has 6,001 characters (Discord's limit: 6,000)",
    ),
    "embed count": (  # discord.py refuses 11 embeds itself: sent as raw JSON
        {"raw": {"embeds": [{"title": "t"}] * 11}},
        {"raw": {"embeds": [{"title": "t"}] * 10}},
        "embeds has 11 embeds (Discord's limit: 10)",
    ),
    "action rows": (
        {"view": RawView([row(button(f"b{i}")) for i in range(6)])},
        {"view": RawView([row(button(f"b{i}")) for i in range(5)])},
        "components has 6 action rows (Discord's limit: 5)",
    ),
    "buttons per row": (
        {"view": RawView([row(*(button(f"b{i}") for i in range(6)))])},
        {"view": RawView([row(*(button(f"b{i}") for i in range(5)))])},
        "components[0] has 6 buttons (Discord's limit: 5)",
    ),
    "select takes a row": (
        {"view": RawView([row(select(), button("b"))])},
        {"view": RawView([row(select()), row(button("b"))])},
        "a select takes a whole row",
    ),
    "select options": (
        {"view": RawView([row(select(options=26))])},
        {"view": RawView([row(select(options=25))])},
        "component 'pick' options has 26 options (Discord's limit: 25)",
    ),
    "option label": (
        {"view": RawView([row(select(text="o" * 101))])},
        {"view": RawView([row(select(text="o" * 100))])},
        "component 'pick' options[0].label has 101 characters",
    ),
    "option description": (
        {
            "view": RawView(
                [
                    row(
                        {
                            **select(),
                            "options": [{"label": "a", "value": "a", "description": "d" * 101}],
                        }
                    )
                ]
            )
        },
        {
            "view": RawView(
                [
                    row(
                        {
                            **select(),
                            "options": [{"label": "a", "value": "a", "description": "d" * 100}],
                        }
                    )
                ]
            )
        },
        "options[0].description has 101 characters",
    ),
    "custom_id": (
        {"view": RawView([row(button("c" * 101))])},
        {"view": RawView([row(button("c" * 100))])},
        "custom_id has 101 characters (Discord's limit: 100)",
    ),
    "button label": (
        {"view": RawView([row(button("b", label="l" * 81))])},
        {"view": RawView([row(button("b", label="l" * 80))])},
        "component 'b' label has 81 characters (Discord's limit: 80)",
    ),
    "attachment size": (
        {"file": ("big.bin", 10 * 1024 * 1024 + 1)},
        {"file": ("big.bin", 10 * 1024 * 1024)},
        "file 'big.bin' has 10,485,761 bytes (Discord's limit: 10,485,760)",
    ),
}

MODAL_CASES: dict[str, tuple[JSON, JSON, str]] = {
    "modal title": (
        modal(text_input(), title="t" * 46),
        modal(text_input(), title="t" * 45),
        "modal title has 46 characters (Discord's limit: 45)",
    ),
    "text inputs": (
        modal(*(text_input(f"a{i}") for i in range(6))),
        modal(*(text_input(f"a{i}") for i in range(5))),
        "modal has 6 components (Discord allows 1..5)",
    ),
    "text input label": (
        modal(text_input(label="l" * 46)),
        modal(text_input(label="l" * 45)),
        "modal field 'answer' label has 46 characters (Discord's limit: 45)",
    ),
    "placeholder": (
        modal(text_input(placeholder="p" * 101)),
        modal(text_input(placeholder="p" * 100)),
        "modal field 'answer' placeholder has 101 characters",
    ),
    "pre-filled value": (
        modal(text_input(value="v" * 4001)),
        modal(text_input(value="v" * 4000)),
        "modal field 'answer' value has 4,001 characters (Discord's limit: 4,000)",
    ),
    "max_length": (
        modal(text_input(max_length=4001)),
        modal(text_input(max_length=4000)),
        "modal field 'answer' max_length is 4001 (Discord allows 1..4000)",
    ),
}

CHOICE_CASES: dict[str, tuple[list[tuple[str, str]], list[tuple[str, str]], str]] = {
    "choice count": (
        [(f"c{i}", f"c{i}") for i in range(26)],
        [(f"c{i}", f"c{i}") for i in range(25)],
        "autocomplete choices has 26 choices (Discord's limit: 25)",
    ),
    "choice name": (
        [("n" * 101, "v")],
        [("n" * 100, "v")],
        "choices[0].name has 101 characters (Discord's limit: 100)",
    ),
    "choice value": (
        [("n", "v" * 101)],
        [("n", "v" * 100)],
        "choices[0].value has 101 characters (Discord's limit: 100)",
    ),
}


def materialise(kwargs: Kwargs) -> Kwargs:
    """Fresh keyword arguments for one send (a File can be read once)."""
    out = dict(kwargs)
    if "file" in out:
        name, size = out["file"]
        out["file"] = discord.File(io.BytesIO(b"\0" * size), filename=name)
    return out


def as_edit(kwargs: Kwargs) -> Kwargs:
    """Edits take `attachments=[file]` instead of `file=`."""
    out = materialise(kwargs)
    if "file" in out:
        out["attachments"] = [out.pop("file")]
    return out


Sender = Callable[[discord.Interaction, Kwargs], Any]


class LimitBot(commands.Bot):
    """Sends `self.payload` through the path chosen by the command run."""

    def __init__(self, intents: discord.Intents) -> None:
        super().__init__(command_prefix="!", intents=intents)
        self.payload: Kwargs = {}
        self.modal: JSON = {}
        self.choices: list[tuple[str, str]] = []
        self.failures: list[discord.HTTPException] = []
        tree = self.tree

        async def guarded(call: Any) -> None:
            try:
                await call
            except discord.HTTPException as exc:
                self.failures.append(exc)  # what the bot saw: Discord's 400

        @tree.command(name="rest")
        async def rest(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("ok", ephemeral=True)
            assert isinstance(interaction.channel, discord.TextChannel)
            if "raw" in self.payload:
                route = Route(
                    "POST", "/channels/{channel_id}/messages", channel_id=interaction.channel.id
                )
                await guarded(self.http.request(route, json=self.payload["raw"]))
                return
            await guarded(interaction.channel.send(**materialise(self.payload)))

        @tree.command(name="rest-edit")
        async def rest_edit(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("ok", ephemeral=True)
            assert isinstance(interaction.channel, discord.TextChannel)
            message = await interaction.channel.send("draft")
            await guarded(message.edit(**as_edit(self.payload)))

        @tree.command(name="respond")
        async def respond(interaction: discord.Interaction) -> None:
            await guarded(interaction.response.send_message(**materialise(self.payload)))

        @tree.command(name="followup")
        async def followup(interaction: discord.Interaction) -> None:
            await interaction.response.defer()
            await guarded(interaction.followup.send(**materialise(self.payload)))

        @tree.command(name="original")
        async def original(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("draft")
            await guarded(interaction.edit_original_response(**as_edit(self.payload)))

        @tree.command(name="webhook-edit")
        async def webhook_edit(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("ok")
            sent = await interaction.followup.send("draft", wait=True)
            await guarded(sent.edit(**as_edit(self.payload)))

        @tree.command(name="panel")
        async def panel(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("panel", view=UpdateView(self))

        @tree.command(name="form")
        async def form(interaction: discord.Interaction) -> None:
            await guarded(interaction.response.send_modal(RawModal(self.modal)))

        async def suggest(interaction: discord.Interaction, current: str) -> list[Any]:
            return [app_commands.Choice(name=n, value=v) for n, v in self.choices]

        @tree.command(name="find")
        @app_commands.autocomplete(topic=suggest)
        async def find(interaction: discord.Interaction, topic: str) -> None:
            await interaction.response.send_message(topic)


class UpdateView(discord.ui.View):
    def __init__(self, bot: LimitBot) -> None:
        super().__init__(timeout=None)
        self.bot = bot

    @discord.ui.button(label="Update", custom_id="limits:update")
    async def update(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        try:
            await interaction.response.edit_message(**as_edit(self.bot.payload))
        except discord.HTTPException as exc:
            self.bot.failures.append(exc)


async def refused(run: Any, says: str) -> DiscordWouldNotSend:
    """`run` must fail the test with DiscordWouldNotSend saying `says`."""
    with pytest.raises(UnexpectedBotError) as caught:
        await run
    error = caught.value.__cause__
    assert isinstance(error, DiscordWouldNotSend), caught.value
    assert says in str(error), str(error)
    assert "400 Invalid Form Body" in str(error)
    return error


@pytest.fixture
async def limit_bot(harness_factory: HarnessFactory, intents: discord.Intents) -> WireHarness:
    h: WireHarness = await harness_factory(LimitBot(intents))
    return h


def bot_of(h: WireHarness) -> LimitBot:
    assert isinstance(h.bot, LimitBot)
    return h.bot


@pytest.mark.parametrize("case", sorted(MESSAGE_CASES))
async def test_message_limits(limit_bot: WireHarness, case: str) -> None:
    h, bot = limit_bot, bot_of(limit_bot)
    over, at, says = MESSAGE_CASES[case]
    bot.payload = at
    await h.slash(h.world.students[0], "rest")
    assert bot.failures == []
    bot.payload = over
    error = await refused(h.slash(h.world.students[0], "rest"), says)
    assert "test_harness_limits.py" in str(error)  # the bot's call site is named
    assert [f.status for f in bot.failures] == [400]
    assert [f.code for f in bot.failures] == [50035]


PATHS = ["rest", "rest-edit", "respond", "followup", "original", "webhook-edit"]


@pytest.mark.parametrize("path", PATHS)
async def test_every_message_path_is_checked(limit_bot: WireHarness, path: str) -> None:
    h, bot = limit_bot, bot_of(limit_bot)
    bot.payload = {"content": "x" * 2000, "embed": embed(description="d" * 4000)}
    await h.slash(h.world.students[0], path)
    bot.payload = {"content": "x" * 2001}
    await refused(h.slash(h.world.students[0], path), "content has 2,001 characters")
    assert len(bot.failures) == 1


async def test_component_update_is_checked(limit_bot: WireHarness) -> None:
    h, bot = limit_bot, bot_of(limit_bot)
    panel = await h.slash(h.world.facilitator, "panel")
    bot.payload = {"content": "y" * 2000}
    await h.click(h.world.students[0], panel, "limits:update")
    bot.payload = {"content": "y" * 2001}
    await refused(
        h.click(h.world.students[0], panel, "limits:update"),
        "interaction callback type 7 answering button 'limits:update'",
    )


@pytest.mark.parametrize("case", sorted(MODAL_CASES))
async def test_modal_limits(limit_bot: WireHarness, case: str) -> None:
    h, bot = limit_bot, bot_of(limit_bot)
    over, at, says = MODAL_CASES[case]
    bot.modal = at
    opened = await h.slash(h.world.students[0], "form")
    assert opened.modal["custom_id"] == "m"
    bot.modal = over
    await refused(h.slash(h.world.students[0], "form"), says)


@pytest.mark.parametrize("case", sorted(CHOICE_CASES))
async def test_autocomplete_limits(limit_bot: WireHarness, case: str) -> None:
    h, bot = limit_bot, bot_of(limit_bot)
    over, at, says = CHOICE_CASES[case]
    bot.choices = at
    assert len(await h.choices(h.world.students[0], "find", focused="topic")) == len(at)
    bot.choices = over
    await refused(h.autocomplete(h.world.students[0], "find", focused="topic"), says)


async def test_thread_names_are_checked(limit_bot: WireHarness) -> None:
    h = limit_bot
    channel = h.bot.get_channel(h.world.plenary.id)
    assert isinstance(channel, discord.TextChannel)
    await channel.create_thread(name="n" * 100, type=discord.ChannelType.public_thread)
    with pytest.raises(discord.HTTPException):
        await channel.create_thread(name="n" * 101, type=discord.ChannelType.public_thread)
    with pytest.raises(UnexpectedBotError, match="channel name has 101 characters"):
        await h.settle()


async def test_limits_can_be_switched_off_for_one_test(limit_bot: WireHarness) -> None:
    h, bot = limit_bot, bot_of(limit_bot)
    h.api.limits.enabled = False
    bot.payload = {"content": "x" * 2001}
    await h.slash(h.world.students[0], "rest")
    assert bot.failures == []
    assert L.CONTENT == 2000
