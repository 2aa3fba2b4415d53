"""`parley check --online` against a fake Discord (tests/cli/fake_discord.py): nothing leaves the
machine; the failures are discord.py's and aiohttp's own."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import aiohttp
import discord
import pytest

from bot.cli.failures import TOKEN_REJECTED, explain
from bot.cli.online import check_online
from tests.cli.fake_discord import MEMBERS, MESSAGE_CONTENT_LIMITED, TOKEN, FakeDiscord
from tests.cli.fake_discord import fake_discord as fake_discord  # the fixture


async def test_discord_answers_and_accepts_the_token(fake_discord: FakeDiscord) -> None:
    status = await check_online(TOKEN)
    assert status.bot_name == "Parley" and status.application_id == 123 and status.shards == 1
    assert status.problems == []
    assert any(p.endswith("/gateway/bot") for p in fake_discord.paths)


@pytest.mark.parametrize(
    ("flags", "missing"),
    [
        (MEMBERS, "Message Content Intent is off"),
        (MESSAGE_CONTENT_LIMITED, "Server Members Intent is off"),
        (0, "Server Members Intent and Message Content Intent are off"),
    ],
)
async def test_intents_that_are_off_are_named(
    fake_discord: FakeDiscord, flags: int, missing: str
) -> None:
    fake_discord.flags = flags
    (problem,) = (await check_online(TOKEN)).problems
    assert problem.startswith(missing) and "Privileged Gateway Intents" in problem


async def test_an_interactions_endpoint_url_is_reported(fake_discord: FakeDiscord) -> None:
    fake_discord.endpoint = "https://example.org/interactions"
    (problem,) = (await check_online(TOKEN)).problems
    assert "Interactions Endpoint URL" in problem


async def test_a_rejected_token_is_one_line(fake_discord: FakeDiscord) -> None:
    fake_discord.accept_token = False
    with pytest.raises(discord.LoginFailure) as caught:
        await check_online(TOKEN)
    failure = explain(caught.value)
    assert failure is not None and failure.message == TOKEN_REJECTED and failure.exit_code == 2


async def test_no_route_to_discord_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(discord.http.Route, "BASE", "http://127.0.0.1:1/api/v10")
    with pytest.raises(aiohttp.ClientConnectorError) as caught:
        await check_online(TOKEN)
    failure = explain(caught.value)
    assert failure is not None and failure.exit_code == 1
    assert failure.message.startswith("Cannot reach Discord")
    assert "gateway.discord.gg" in failure.message


async def test_dns_failure_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    async def no_dns(*args: Any, **kwargs: Any) -> Any:  # what a resolver says with no network
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(asyncio.BaseEventLoop, "getaddrinfo", no_dns)
    monkeypatch.setattr(discord.http.Route, "BASE", "http://discord.invalid/api/v10")
    with pytest.raises(aiohttp.ClientConnectorDNSError) as caught:
        await check_online(TOKEN)
    failure = explain(caught.value)
    assert failure is not None and failure.exit_code == 1
    assert failure.message.startswith("Cannot find Discord on the network")
