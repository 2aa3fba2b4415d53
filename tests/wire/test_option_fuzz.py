"""Every string and integer option of every slash command, with values a careless or hostile
user could send: empty, 6,000 characters, mention text, right-to-left and zero-width characters,
huge and negative numbers. Each gets a clear reply that Discord would accept, and no traceback.

Values the command's own schema forbids (over `max_length`, below `min_value`, not among its
choices) are refused by Discord's client before Parley sees them; the harness refuses them the
same way (`DiscordWouldNotSend`), which counts as handled. Other options get a plausible value.
The commands run in a live session, as the facilitator and as a student.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import discord
import pytest
from discord import app_commands

from tests.harness import DiscordWouldNotSend, InteractionResult, WireHarness
from tests.parley_fixtures import ParleyFactory

MENTIONS = "@everyone @here <@&1> <@1> <#1>"
RTL = "\u202eevil\u202c \u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627"
ZERO_WIDTH = "\u200b\u200c\u200d\ufeff"
STRINGS = ["", " ", "x" * 6000, MENTIONS, RTL, ZERO_WIDTH, "`**_~|>#", "0"]
INTEGERS = [0, -1, -(2**53) + 1, 2**53 - 1, 10**9]
BUG_REPLY = "Something went wrong on Parley's side"
LIMIT_CONTENT = 2000


@dataclass(frozen=True)
class Case:
    command: str
    option: str
    value: Any


def _commands(tree: app_commands.CommandTree[Any]) -> Iterator[app_commands.Command[Any, ..., Any]]:
    for command in tree.walk_commands():
        if isinstance(command, app_commands.Command):
            yield command


def _plausible(h: WireHarness, param: app_commands.Parameter) -> Any:
    w = h.world
    t = param.type
    if param.choices:
        return param.choices[0].value
    if t is discord.AppCommandOptionType.string:
        return "x"
    if t is discord.AppCommandOptionType.integer:
        return max(1, int(param.min_value or 1))
    if t is discord.AppCommandOptionType.number:
        return max(1.0, float(param.min_value or 1))
    if t is discord.AppCommandOptionType.boolean:
        return False
    if t in (discord.AppCommandOptionType.user, discord.AppCommandOptionType.mentionable):
        return w.students[1]
    if t is discord.AppCommandOptionType.role:
        return w.facilitator_role
    if t is discord.AppCommandOptionType.channel:
        return w.plenary
    return None


def cases(tree: app_commands.CommandTree[Any]) -> list[Case]:
    found = []
    for command in _commands(tree):
        for param in command.parameters:
            if param.type is discord.AppCommandOptionType.string:
                found += [Case(command.qualified_name, param.name, v) for v in STRINGS]
            elif param.type is discord.AppCommandOptionType.integer:
                found += [Case(command.qualified_name, param.name, v) for v in INTEGERS]
    return found


def _options(h: WireHarness, case: Case) -> dict[str, Any] | None:
    command = h.bot.tree.get_command(case.command.split()[0])  # type: ignore[attr-defined]
    for part in case.command.split()[1:]:
        command = command.get_command(part)
    options: dict[str, Any] = {case.option: case.value}
    for param in command.parameters:
        if param.name == case.option or not param.required:
            continue
        value = _plausible(h, param)
        if value is None:
            return None  # an attachment option: not fuzzed here
        options[param.name] = value
    return options


def assert_fits(result: InteractionResult) -> None:
    """What the user read is there, short enough for Discord, and not the bug apology."""
    assert result.responded, "no reply at all"
    texts = []
    for message in result.messages:
        content = message.content or ""
        assert len(content) <= LIMIT_CONTENT, f"{len(content)} characters"
        total = 0
        for embed in message.embeds:
            assert len(embed.get("title") or "") <= 256
            assert len(embed.get("description") or "") <= 4096
            for f in embed.get("fields") or []:
                assert len(f["name"]) <= 256 and len(f["value"]) <= 1024
            total += len(embed.get("title") or "") + len(embed.get("description") or "")
            total += sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields") or [])
        assert total <= 6000
        texts.append(message.text())
    if result.response.type != 9 and not any(texts):
        assert result.response.type in (4, 5, 7, 9), "an empty reply"
    assert not any(BUG_REPLY in t for t in texts), texts


async def fuzz(h: WireHarness, user: Any, all_cases: list[Case]) -> tuple[int, int]:
    sent = refused = 0
    failures: list[str] = []
    for case in all_cases:
        options = _options(h, case)
        if options is None:
            continue
        try:
            result = await h.slash(user, case.command, options=options)
        except DiscordWouldNotSend:
            refused += 1
            continue
        sent += 1
        try:
            assert_fits(result)
        except AssertionError as error:
            first = str(error).splitlines()[0][:300]
            failures.append(f"/{case.command} {case.option}={case.value!r:.40}: {first}")
    assert not failures, "\n".join(failures)
    return sent, refused


@pytest.mark.parametrize("who", ["facilitator", "student"])
async def test_every_string_and_integer_option_gets_a_clear_reply(
    make_parley: ParleyFactory, who: str
) -> None:
    h = await make_parley()
    w = h.world
    opened = await h.slash(w.facilitator, "session create", options={"scenario": "hanoi-2019"})
    assert opened.responded
    for student in w.students:
        await h.slash(student, "session join")
    all_cases = [c for c in cases(h.bot.tree) if c.command not in SKIP]
    assert len(all_cases) > 100
    user = w.facilitator if who == "facilitator" else w.students[0]
    sent, _refused = await fuzz(h, user, all_cases)
    assert sent > 50


# Commands that end the state the rest of the run needs; fuzzed on their own below.
SKIP = frozenset({"session end"})


async def test_ending_options_are_fuzzed_too(make_parley: ParleyFactory) -> None:
    h = await make_parley()
    w = h.world
    await h.slash(w.facilitator, "session create", options={"scenario": "hanoi-2019"})
    ending = [c for c in cases(h.bot.tree) if c.command in SKIP]
    await fuzz(h, w.facilitator, ending)
