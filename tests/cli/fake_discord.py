"""A fake Discord for the terminal commands: a local HTTP server answering discord.py's real HTTP
client (`discord.http.Route.BASE` points at it), so `parley check --online` and `parley run` meet
Discord's answers without the network. Use the `fake_discord` fixture (import it into the test
module)."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from typing import Any

import discord
import pytest
from aiohttp import web

__all__ = ["MEMBERS", "MESSAGE_CONTENT_LIMITED", "TOKEN", "FakeDiscord", "fake_discord"]

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


@pytest.fixture
def fake_discord(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeDiscord]:
    """The fake Discord on its own thread and event loop, so it answers both async tests and
    commands that run their own `asyncio.run` (`parley.main([...])`)."""
    fake = FakeDiscord()
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(fake.app())
    started = threading.Event()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        site = web.TCPSite(runner, "127.0.0.1", 0)
        loop.run_until_complete(site.start())
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, name="fake-discord", daemon=True)
    thread.start()
    assert started.wait(10), "the fake Discord did not start"
    port = runner.addresses[0][1]
    monkeypatch.setattr(discord.http.Route, "BASE", f"http://127.0.0.1:{port}/api/v10")
    try:
        yield fake
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()
