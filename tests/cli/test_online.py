"""`parley check --online` against a fake Discord: a local HTTP server answering discord.py's real
HTTP client (Route.BASE points at it), so nothing leaves the machine."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import discord
import pytest
import pytest_asyncio
from aiohttp import web

from bot.cli.failures import TOKEN_REJECTED, explain
from bot.cli.online import check_online

TOKEN = "MTIz.abc.def"
MEMBERS = 1 << 14
MESSAGE_CONTENT_LIMITED = 1 << 19

USER = {
    "id": "123",
    "username": "Parley",
    "discriminator": "0",
    "global_name": None,
    "avatar": None,
    "bot": True,
    "public_flags": 0,
    "flags": 0,
}


def application(flags: int, endpoint: str | None = None) -> dict[str, Any]:
    return {
        "id": "123",
        "name": "Parley",
        "description": "",
        "icon": None,
        "bot_public": False,
        "bot_require_code_grant": False,
        "owner": {**USER, "id": "9", "username": "teacher", "bot": False},
        "verify_key": "0" * 64,
        "flags": flags,
        "interactions_endpoint_url": endpoint,
        "summary": "",
    }


def reply(body: dict[str, Any], status: int = 200) -> web.Response:
    # discord.py parses a body as JSON only when the content type is exactly application/json.
    return web.Response(
        body=json.dumps(body).encode(), status=status, headers={"Content-Type": "application/json"}
    )


class FakeDiscord:
    def __init__(self) -> None:
        self.flags = MEMBERS | MESSAGE_CONTENT_LIMITED
        self.endpoint: str | None = None
        self.accept_token = True
        self.paths: list[str] = []

    def app(self) -> web.Application:
        async def handle(request: web.Request) -> web.Response:
            self.paths.append(request.path)
            if request.headers.get("Authorization") != f"Bot {TOKEN}" or not self.accept_token:
                return reply({"message": "401: Unauthorized", "code": 0}, status=401)
            if request.path.endswith("/users/@me"):
                return reply(USER)
            if request.path.endswith("/oauth2/applications/@me"):
                return reply(application(self.flags, self.endpoint))
            if request.path.endswith("/gateway/bot"):
                return reply(
                    {
                        "url": "wss://gateway.discord.gg",
                        "shards": 1,
                        "session_start_limit": {
                            "total": 1000,
                            "remaining": 999,
                            "reset_after": 0,
                            "max_concurrency": 1,
                        },
                    }
                )
            return reply({"message": "404: Not Found", "code": 0}, status=404)

        application_ = web.Application()
        application_.router.add_route("*", "/{tail:.*}", handle)
        return application_


@pytest_asyncio.fixture
async def fake_discord(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    fake = FakeDiscord()
    runner = web.AppRunner(fake.app())
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    monkeypatch.setattr(discord.http.Route, "BASE", f"http://127.0.0.1:{port}/api/v10")
    yield fake
    await runner.cleanup()


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
