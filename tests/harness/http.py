"""Recording replacement for the bot's REST path (``HTTPClient.request``).

Every REST call discord.py makes goes through ``HTTPClient.request(route, *, files,
form, json, params, reason, ...)``. The harness shadows that method (and
``get_from_cdn``, used by ``Attachment.read()``) on the bot's own ``HTTPClient``
instance, so *every* route is recorded - including ones the fake does not model -
and answered by :class:`tests.harness.api.FakeAPI`. No ``aiohttp`` session exists: the
private session slot holds a guard that fails loudly if anything tries real I/O.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import discord
from discord.http import Route

if TYPE_CHECKING:
    from .api import FakeAPI


class NetworkAccessError(RuntimeError):
    pass


class NoNetworkSession:
    """Stands in for ``aiohttp.ClientSession``; any real request is a harness bug."""

    closed = False

    def __bool__(self) -> bool:
        return True

    def _fail(self, *args: Any, **kwargs: Any) -> Any:
        raise NetworkAccessError(
            f"the bot tried to reach the network outside the harness: {args[:2]!r}. "
            "Use the harness's recording adapter (is discord.webhook.async_.async_context set?)"
        )

    request = get = post = patch = put = delete = ws_connect = _fail

    async def close(self) -> None:
        self.closed = True


def concrete_path(route: Route) -> str:
    return route.url[len(Route.BASE) :] if route.url.startswith(Route.BASE) else route.url


class RestRecorder:
    """Installs itself on ``bot.http`` and forwards every request to the fake API."""

    def __init__(self, http: discord.http.HTTPClient, api: FakeAPI) -> None:
        self.http = http
        self.api = api
        self._saved: dict[str, Any] = {}

    def install(self) -> None:
        http = self.http
        for name in ("request", "get_from_cdn", "static_login"):
            self._saved[name] = http.__dict__.get(name)
        self._saved["session"] = getattr(http, "_HTTPClient__session", None)
        self._saved["token"] = http.token
        http.request = self.request  # type: ignore[method-assign]
        http.get_from_cdn = self.get_from_cdn  # type: ignore[method-assign]
        http.static_login = self.static_login  # type: ignore[method-assign]
        http._HTTPClient__session = NoNetworkSession()  # type: ignore[attr-defined]
        http.token = "harness.fake.token"

    def uninstall(self) -> None:
        http = self.http
        for name in ("request", "get_from_cdn", "static_login"):
            saved = self._saved.get(name)
            if saved is None:
                http.__dict__.pop(name, None)
            else:
                setattr(http, name, saved)

    async def request(
        self,
        route: Route,
        *,
        files: Sequence[discord.File] | None = None,
        form: Iterable[dict[str, Any]] | None = None,
        **kwargs: Any,
    ) -> Any:
        recorded = self.api.record(
            method=route.method,
            path=concrete_path(route),
            route=route.path,
            json_body=kwargs.get("json"),
            form=form,
            files=files,
            reason=kwargs.get("reason"),
            query=kwargs.get("params"),
            via="rest",
        )
        await asyncio.sleep(0)  # a real request yields to the loop
        return self.api.handle(recorded)

    async def get_from_cdn(self, url: str) -> bytes:
        data = self.api.store.files.get(url)
        if data is None:
            raise discord.NotFound(_Resp(404), "asset not found")  # type: ignore[arg-type,unused-ignore]
        return data

    async def static_login(self, token: str) -> Any:
        raise NetworkAccessError(
            "bot.login()/bot.start() must not be called under the harness; use h.start()"
        )


class _Resp:
    def __init__(self, status: int) -> None:
        self.status = status
        self.reason = "Not Found"
