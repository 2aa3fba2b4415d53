"""The harness's fault injection runs discord.py's own HTTP code: its rate limiter, its retries,
its error classes (see tests/harness/faults.py)."""

from __future__ import annotations

from collections.abc import Callable

import aiohttp
import discord
import pytest

from tests.harness import WireHarness
from tests.harness.demo import DemoBot
from tests.harness.faults import FaultInjector
from tests.harness.plugin import HarnessFactory

SEND = "/channels/{channel_id}/messages"
Inject = Callable[..., FaultInjector]


async def started(
    harness_factory: HarnessFactory, intents: discord.Intents, faults: Inject
) -> tuple[WireHarness, FaultInjector, discord.PartialMessageable]:
    h = await harness_factory(DemoBot(intents=intents))
    injector = faults(h)
    channel = h.bot.get_partial_messageable(h.world.plenary.id, guild_id=h.world.guild.id)
    return h, injector, channel


def attempts(h: WireHarness, path: str = SEND) -> list[int]:
    return [r.status for r in h.requests("POST", path)]


async def test_without_faults_everything_still_answers(
    harness_factory: HarnessFactory, intents: discord.Intents, faults: Inject
) -> None:
    h, _, channel = await started(harness_factory, intents, faults)
    sent = await channel.send("hello")
    assert isinstance(sent, discord.Message) and sent.content == "hello"
    r = await h.slash(h.world.students[0], "session create", options={"scenario": "hanoi-2019"})
    assert r.response.content.startswith("Session **hanoi-2019**")
    assert attempts(h) == [200]


async def test_429_goes_through_discord_py_rate_limiter(
    harness_factory: HarnessFactory, intents: discord.Intents, faults: Inject
) -> None:
    h, injector, channel = await started(harness_factory, intents, faults)
    injector.rate_limit("POST", SEND, retry_after=2.5, times=2)
    sent = await channel.send("after the wait")
    assert sent.content == "after the wait"
    assert attempts(h) == [429, 429, 200]
    assert injector.slept == [2.5, 2.5]  # discord.py slept retry_after, as Discord said


async def test_global_429_holds_every_route(
    harness_factory: HarnessFactory, intents: discord.Intents, faults: Inject
) -> None:
    h, injector, channel = await started(harness_factory, intents, faults)
    injector.rate_limit("POST", SEND, retry_after=1.0, is_global=True)
    await channel.send("global")
    assert attempts(h) == [429, 200]
    assert h.bot.http._global_over.is_set()  # the global lock was taken and released


async def test_429_without_via_header_is_a_cloudflare_ban(
    harness_factory: HarnessFactory, intents: discord.Intents, faults: Inject
) -> None:
    h, injector, channel = await started(harness_factory, intents, faults)
    fault = injector.rate_limit("POST", SEND)
    fault.headers.pop("Via")
    with pytest.raises(discord.HTTPException) as caught:
        await channel.send("banned")
    assert caught.value.status == 429
    assert attempts(h) == [429]


async def test_500_is_retried_by_discord_py_with_its_backoff(
    harness_factory: HarnessFactory, intents: discord.Intents, faults: Inject
) -> None:
    h, injector, channel = await started(harness_factory, intents, faults)
    injector.server_error("POST", SEND, status=500, times=2)
    await channel.send("third time lucky")
    assert attempts(h) == [500, 500, 200]
    assert injector.slept == [1, 3]


async def test_500_always_gives_up_after_five_tries(
    harness_factory: HarnessFactory, intents: discord.Intents, faults: Inject
) -> None:
    h, injector, channel = await started(harness_factory, intents, faults)
    injector.server_error("POST", SEND, status=500, times=None)
    with pytest.raises(discord.DiscordServerError):
        await channel.send("never")
    assert attempts(h) == [500] * 5


async def test_503_is_raised_at_once(
    harness_factory: HarnessFactory, intents: discord.Intents, faults: Inject
) -> None:
    h, injector, channel = await started(harness_factory, intents, faults)
    injector.server_error("POST", SEND, status=503)
    with pytest.raises(discord.DiscordServerError) as caught:
        await channel.send("unavailable")
    assert caught.value.status == 503
    assert attempts(h) == [503]
    await channel.send("next one works")
    assert attempts(h) == [503, 200]


@pytest.mark.parametrize(
    ("kind", "error", "status", "code"),
    [
        ("forbidden", discord.Forbidden, 403, 50013),
        ("not_found", discord.NotFound, 404, 10003),
    ],
)
async def test_permanent_errors_carry_discords_codes(
    harness_factory: HarnessFactory,
    intents: discord.Intents,
    faults: Inject,
    kind: str,
    error: type[discord.HTTPException],
    status: int,
    code: int,
) -> None:
    h, injector, channel = await started(harness_factory, intents, faults)
    getattr(injector, kind)("POST", SEND)
    for _ in range(2):  # times=None by default: a missing permission stays missing
        with pytest.raises(error) as caught:
            await channel.send("refused")
        assert (caught.value.status, caught.value.code) == (status, code)
    assert attempts(h) == [status, status]
    assert len(injector.hits_for(status)) == 2


async def test_unknown_message_on_edit(
    harness_factory: HarnessFactory, intents: discord.Intents, faults: Inject
) -> None:
    _h, injector, channel = await started(harness_factory, intents, faults)
    sent = await channel.send("to edit")
    injector.not_found("PATCH", "/channels/{channel_id}/messages/{message_id}", what="message")
    with pytest.raises(discord.NotFound) as caught:
        await sent.edit(content="gone")
    assert caught.value.code == 10008


async def test_network_error(
    harness_factory: HarnessFactory, intents: discord.Intents, faults: Inject
) -> None:
    h, injector, channel = await started(harness_factory, intents, faults)
    injector.network_error("POST", SEND)
    with pytest.raises(aiohttp.ClientOSError):
        await channel.send("lost")
    await channel.send("back")
    assert attempts(h) == [0, 200]


async def test_connection_reset_54_is_retried_by_discord_py(
    harness_factory: HarnessFactory, intents: discord.Intents, faults: Inject
) -> None:
    h, injector, channel = await started(harness_factory, intents, faults)
    injector.network_error("POST", SEND, error=ConnectionResetError(54, "reset"))
    await channel.send("retried")
    assert attempts(h) == [0, 200]
    assert injector.slept == [1]


async def test_interaction_callback_rate_limited_then_answered(
    harness_factory: HarnessFactory, intents: discord.Intents, faults: Inject
) -> None:
    h, injector, _ = await started(harness_factory, intents, faults)
    injector.interaction_fails(status=429)
    r = await h.slash(h.world.students[0], "session create", options={"scenario": "hanoi-2019"})
    assert r.response.content.startswith("Session **hanoi-2019**")
    callbacks = [x.status for x in h.requests("POST", "/interactions/*/callback")]
    assert callbacks == [429, 200]
    assert injector.slept == [0.5]


async def test_interaction_callback_unknown_interaction_reaches_the_handler(
    harness_factory: HarnessFactory, intents: discord.Intents, faults: Inject
) -> None:
    h, injector, _ = await started(harness_factory, intents, faults)
    injector.interaction_fails(status=404)
    async with h.expect_errors(discord.NotFound) as caught:
        await h.slash(
            h.world.students[0],
            "session create",
            options={"scenario": "hanoi-2019"},
            settle=False,
        )
    assert any(isinstance(e, discord.NotFound) and e.code == 10062 for e in caught.errors)


async def test_uninstall_restores_the_recorder(
    harness_factory: HarnessFactory, intents: discord.Intents, faults: Inject
) -> None:
    h, injector, channel = await started(harness_factory, intents, faults)
    injector.uninstall()
    import discord.http as dhttp

    assert vars(dhttp)["asyncio"].sleep is __import__("asyncio").sleep
    injector.server_error("POST", SEND, status=500)  # planned, but nobody consults the plan now
    await channel.send("plain")
    assert attempts(h) == [200]
