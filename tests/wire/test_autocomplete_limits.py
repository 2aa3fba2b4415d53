"""Every autocompleted option answers within Discord's limits whatever is typed.

Discord refuses an autocomplete answer with more than 25 choices, or a choice whose name or value
is longer than 100 characters; the user then sees no suggestions at all. The harness refuses
the same answers (`tests/harness/limits.py`), so this walks every option with autocomplete, in a
live session with many past sessions, with what a user may type: nothing, one letter, a long
paste, mention text.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from discord import app_commands

from tests.harness import DiscordWouldNotSend, WireHarness
from tests.parley_fixtures import ParleyFactory

TYPED = ["", "a", "h", "x" * 6000, "@everyone <@1>", "\u202eevil"]


def autocompleted(
    tree: app_commands.CommandTree[Any],
) -> Iterator[tuple[str, str]]:
    for command in tree.walk_commands():
        if isinstance(command, app_commands.Command):
            for param in command.parameters:
                if param.autocomplete:
                    yield command.qualified_name, param.name


async def ask_everything(h: WireHarness, user: Any) -> int:
    asked = 0
    for command, option in autocompleted(h.bot.tree):  # type: ignore[attr-defined]
        for typed in TYPED:
            try:
                choices = await h.choices(user, command, focused=option, value=typed)
            except DiscordWouldNotSend:
                continue  # over the option's own max_length: Discord's client would not send it
            asked += 1
            assert len(choices) <= 25
    return asked


async def test_every_autocomplete_answer_fits(make_parley: ParleyFactory) -> None:
    h = await make_parley(students=6)
    w = h.world
    for _ in range(30):  # many past sessions for the session pickers
        await h.slash(w.facilitator, "session create", options={"scenario": "hanoi-2019"})
        await h.slash(w.facilitator, "session end")
    await h.slash(w.facilitator, "session create", options={"scenario": "hanoi-2019"})
    for student in w.students:
        await h.slash(student, "session join")
    assert await ask_everything(h, w.facilitator) > 50
    assert await ask_everything(h, w.students[0]) > 50
