"""A small demo bot used to prove the harness (``tests/wire/test_harness.py``).

It exercises every path the harness must support: a slash command group with a
subcommand group and a member option, autocomplete, a persistent view (button +
string select) with stable custom_ids, a modal, a deferred response with a
follow-up, a prefix command in a thread, an ``on_message`` DM listener, edit /
delete / reaction listeners, and a command that raises - caught by a central
``tree.on_error`` that replies to the user.

``without`` switches handlers *off* (the handler returns without doing anything), so
the tests can show that the same assertions fail when the behaviour is missing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

SCENARIOS = ("hanoi-2019", "paris-climate", "geneva-ceasefire", "helsinki-trade")

JOIN_ID = "demo:panel:join"
STANCE_ID = "demo:panel:stance"
PROPOSAL_MODAL_ID = "demo:proposal"


class Proposal(discord.ui.Modal, title="New proposal"):
    headline: discord.ui.TextInput[Proposal] = discord.ui.TextInput(
        label="Headline", custom_id="headline", max_length=80
    )
    body: discord.ui.TextInput[Proposal] = discord.ui.TextInput(
        label="Proposal", custom_id="body", style=discord.TextStyle.paragraph, required=False
    )

    def __init__(self, *, enabled: bool) -> None:
        super().__init__(custom_id=PROPOSAL_MODAL_ID)
        self.enabled = enabled

    async def on_submit(self, interaction: discord.Interaction) -> None:
        if not self.enabled:
            return  # handler removed
        embed = discord.Embed(
            title=self.headline.value, description=self.body.value or "(no details)"
        )
        await interaction.response.send_message(
            f"Proposal from {interaction.user.mention} tabled.", embed=embed
        )


class LabelledProposal(discord.ui.Modal, title="Quick vote"):
    """The 2.7 style: a ``discord.ui.Label`` wrapping a select inside a modal."""

    choice: discord.ui.Label[LabelledProposal] = discord.ui.Label(
        text="Your vote",
        component=discord.ui.Select(
            custom_id="vote",
            options=[
                discord.SelectOption(label="Yes", value="yes"),
                discord.SelectOption(label="No", value="no"),
            ],
        ),
    )
    reason: discord.ui.Label[LabelledProposal] = discord.ui.Label(
        text="Why?", component=discord.ui.TextInput(custom_id="why", required=False)
    )

    def __init__(self) -> None:
        super().__init__(custom_id="demo:vote")

    async def on_submit(self, interaction: discord.Interaction) -> None:
        select = self.choice.component
        text = self.reason.component
        assert isinstance(select, discord.ui.Select)
        assert isinstance(text, discord.ui.TextInput)
        await interaction.response.send_message(
            f"vote={select.values[0]} why={text.value!r}", ephemeral=True
        )


class Panel(discord.ui.View):
    """Persistent view: timeout=None and stable custom_ids, registered with bot.add_view."""

    def __init__(self, *, without: frozenset[str]) -> None:
        super().__init__(timeout=None)
        self.without = without

    @discord.ui.button(label="Join", style=discord.ButtonStyle.primary, custom_id=JOIN_ID)
    async def join(
        self, interaction: discord.Interaction, button: discord.ui.Button[Panel]
    ) -> None:
        if "button" in self.without:
            return  # handler removed
        await interaction.response.send_message("You joined the negotiation.", ephemeral=True)
        assert isinstance(interaction.channel, discord.abc.Messageable)
        await interaction.channel.send(f"{interaction.user.display_name} joined the negotiation.")

    @discord.ui.select(
        custom_id=STANCE_ID,
        placeholder="Your stance",
        options=[
            discord.SelectOption(label="Support", value="support"),
            discord.SelectOption(label="Oppose", value="oppose"),
            discord.SelectOption(label="Abstain", value="abstain"),
        ],
    )
    async def stance(
        self, interaction: discord.Interaction, select: discord.ui.Select[Panel]
    ) -> None:
        await interaction.response.edit_message(content=f"Last stance: {select.values[0]}")


class Demo(commands.Cog):
    session = app_commands.Group(name="session", description="Negotiation sessions")
    delegate = app_commands.Group(name="delegate", description="Delegates", parent=session)

    def __init__(self, bot: DemoBot) -> None:
        self.bot = bot
        self.without = bot.without

    @session.command(name="create", description="Create a negotiation session")
    @app_commands.describe(scenario="Scenario to play", rounds="Number of rounds")
    async def create(
        self,
        interaction: discord.Interaction,
        scenario: str,
        rounds: app_commands.Range[int, 1, 10] = 3,
    ) -> None:
        if "slash" in self.without:
            return  # handler removed
        await interaction.response.send_message(
            f"Session **{scenario}** created with {rounds} rounds.", ephemeral=True
        )

    @create.autocomplete("scenario")
    async def scenario_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [
            app_commands.Choice(name=s.title(), value=s) for s in SCENARIOS if current.lower() in s
        ][:25]

    @delegate.command(name="assign", description="Give a student a country")
    async def assign(
        self,
        interaction: discord.Interaction,
        student: discord.Member,
        country: str,
        channel: discord.TextChannel | None = None,
    ) -> None:
        where = f" in {channel.mention}" if channel else ""
        await interaction.response.send_message(
            f"{student.mention} now represents {country}{where}.", ephemeral=True
        )

    @app_commands.command(name="panel", description="Post the negotiation panel")
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.guild_only()
    async def panel(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(
            "Negotiation panel", view=Panel(without=self.without)
        )

    @app_commands.command(name="propose", description="Table a proposal")
    async def propose(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(Proposal(enabled="modal" not in self.without))

    @app_commands.command(name="vote", description="Quick vote (label modal)")
    async def vote(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(LabelledProposal())

    @app_commands.command(name="summary", description="Slow summary (deferred)")
    async def summary(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await interaction.followup.send("Summary: 3 proposals, 1 agreement.", ephemeral=True)
        await interaction.edit_original_response(content="Summary: 3 proposals, 2 agreements.")

    @app_commands.command(name="boom", description="Always fails")
    async def boom(self, interaction: discord.Interaction) -> None:
        raise RuntimeError("kaboom")

    @commands.command(name="echo")
    async def echo(self, ctx: commands.Context[DemoBot], *, text: str) -> None:
        if "thread-message" in self.without:
            return  # handler removed
        if isinstance(ctx.channel, discord.Thread):
            await ctx.send(f"[{ctx.channel.name}] {text}")

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or message.guild is not None:
            return
        await message.channel.send("Parley only works inside a classroom server.")

    @commands.Cog.listener()
    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        self.bot.seen.append(("raw_message_edit", payload.message_id, payload.message.content))

    @commands.Cog.listener()
    async def on_message_edit(self, before: discord.Message, after: discord.Message) -> None:
        self.bot.seen.append(("message_edit", before.content, after.content))

    @commands.Cog.listener()
    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        cached = payload.cached_message.content if payload.cached_message else None
        self.bot.seen.append(("raw_message_delete", payload.message_id, cached))

    @commands.Cog.listener()
    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        self.bot.seen.append(
            ("raw_reaction_add", payload.message_id, str(payload.emoji), payload.user_id)
        )


async def central_error_handler(
    interaction: discord.Interaction, error: app_commands.AppCommandError
) -> None:
    """What a real bot does: tell the user something went wrong (and log)."""
    message = "Something went wrong."
    if isinstance(error, app_commands.CheckFailure):
        message = "You are not allowed to do that."
    if interaction.response.is_done():
        await interaction.followup.send(message, ephemeral=True)
    else:
        await interaction.response.send_message(message, ephemeral=True)


class DemoBot(commands.Bot):
    def __init__(
        self, *, intents: discord.Intents, without: Iterable[str] = (), **kwargs: Any
    ) -> None:
        super().__init__(
            command_prefix="!",
            intents=intents,
            allowed_mentions=discord.AllowedMentions.none(),
            **kwargs,
        )
        self.without = frozenset(without)
        self.seen: list[tuple[Any, ...]] = []

    async def setup_hook(self) -> None:
        await self.add_cog(Demo(self))
        self.add_view(Panel(without=self.without))
        self.tree.on_error = central_error_handler  # type: ignore[method-assign]
