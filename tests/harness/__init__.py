"""Wire-level test harness for Parley: real discord.py parsing/dispatch, fake network.

Quick start::

    async def test_hello(harness_factory, intents):
        bot = commands.Bot(command_prefix="!", intents=intents)
        h = await harness_factory(bot)              # classroom world, setup_hook, READY
        r = await h.slash(h.world.students[0], "hello")
        assert r.response.ephemeral

See ``tests/harness/README.md``.
"""

from .api import Call, FakeAPI, FakeHTTPError
from .driver import DiscordWouldNotSend, MessageRef, Upload, WireHarness
from .errors import ErrorRecord, ExpectedErrors, UnexpectedBotError
from .results import (
    InteractionResponse,
    InteractionResult,
    MessageOut,
    NoResponseError,
    Pings,
    RecordedFile,
    RecordedRequest,
)
from .store import ChannelRef, GuildRef, MemberRef, RoleRef, UserRef
from .tasks import SettleTimeout
from .world import Classroom, classroom

__all__ = [
    "Call",
    "ChannelRef",
    "Classroom",
    "DiscordWouldNotSend",
    "ErrorRecord",
    "ExpectedErrors",
    "FakeAPI",
    "FakeHTTPError",
    "GuildRef",
    "InteractionResponse",
    "InteractionResult",
    "MemberRef",
    "MessageOut",
    "MessageRef",
    "NoResponseError",
    "Pings",
    "RecordedFile",
    "RecordedRequest",
    "RoleRef",
    "SettleTimeout",
    "UnexpectedBotError",
    "Upload",
    "UserRef",
    "WireHarness",
    "classroom",
]
