"""Faults at the HTTP boundary *below* discord.py: 429, 5xx, 403, 404 and network errors.

By default the harness answers REST calls in place of ``HTTPClient.request`` and interaction
calls in place of ``AsyncWebhookAdapter.request``, so discord.py's own rate limiter and retry
loops never run. ``FaultInjector(h).install()`` (or the ``faults`` fixture) moves the fake one
level down: discord.py's real ``HTTPClient.request`` and ``AsyncWebhookAdapter.request`` run,
with their buckets, their 429 handling (``retry_after``, the global lock) and their 5xx /
connection-reset retries, and only the aiohttp session underneath is fake. That session asks the
fault plan first, then the usual :class:`~tests.harness.api.FakeAPI`, and answers with a
response carrying what discord.py reads: status, ``Content-Type``, ``Via`` (without it a 429
counts as a Cloudflare ban), ``Retry-After`` and the ``X-RateLimit-*`` headers, and a JSON body
(``retry_after``, ``global``, ``code``, ``message``).

Every attempt is recorded as its own request (with its status), so a retried call shows up as
several requests and a test can count them. discord.py's sleeps (``retry_after``, the
``1 + 2·tries`` 5xx back-off) really happen but are scaled by ``time_scale`` (0.001 by default:
discord.py's 1-second back-off takes a millisecond); ``slept`` lists the seconds discord.py asked
for, unscaled, so a test can prove the library backed off as Discord told it to.

Kept apart from ``driver.py`` and ``http.py`` on purpose: nothing changes for a test that does
not ask for faults.
"""

from __future__ import annotations

import asyncio
import contextvars
import fnmatch
import json
import math
import re
import time
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, cast

import aiohttp
import discord
import discord.http
import discord.webhook.async_
import pytest_asyncio
from discord.http import Route
from discord.webhook.async_ import AsyncWebhookAdapter
from multidict import CIMultiDict, CIMultiDictProxy

from .http import concrete_path
from .results import RecordedRequest

if TYPE_CHECKING:
    from .driver import WireHarness

__all__ = ["Fault", "FaultHit", "FaultInjector", "faults"]

REASONS = {
    200: "OK",
    204: "No Content",
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}
UNKNOWN = {
    "channel": (10003, "Unknown Channel"),
    "message": (10008, "Unknown Message"),
    "webhook": (10015, "Unknown Webhook"),
    "interaction": (10062, "Unknown interaction"),
    "member": (10007, "Unknown Member"),
    "role": (10011, "Unknown Role"),
}


@dataclass
class Fault:
    """One planned failure: the next ``times`` matching calls (``None``: all) fail this way."""

    method: str
    path: str | re.Pattern[str]
    status: int  # 0 = a network error, no response at all
    body: dict[str, Any]
    headers: dict[str, str]
    times: int | None
    via: str | None  # "rest", "webhook" or None for both
    network_error: BaseException | None = None
    when: Callable[[RecordedRequest], bool] | None = None
    hits: int = 0

    def matches(self, method: str, path: str, route: str, via: str) -> bool:
        if self.via is not None and via != self.via:
            return False
        if self.method != "*" and method != self.method:
            return False
        if isinstance(self.path, re.Pattern):
            return self.path.search(path) is not None
        if "{" in self.path:
            return route == self.path
        return fnmatch.fnmatchcase(path, self.path)

    @property
    def spent(self) -> bool:
        return self.times is not None and self.hits >= self.times


@dataclass(frozen=True)
class FaultHit:
    """A call that was answered by a planned fault instead of the fake Discord."""

    method: str
    path: str
    route: str
    via: str
    status: int


@dataclass
class _Pending:
    route: Route
    via: str
    json: Any
    form: Iterable[dict[str, Any]] | None
    files: Sequence[discord.File] | None
    reason: str | None
    params: Mapping[str, Any] | None


_PENDING: contextvars.ContextVar[_Pending | None] = contextvars.ContextVar(
    "harness_fault_pending", default=None
)


class FakeClientResponse:
    """What discord.py reads of an ``aiohttp.ClientResponse``."""

    def __init__(self, status: int, body: Any, headers: Mapping[str, str] | None = None) -> None:
        self.status = status
        self.reason = REASONS.get(status, "Error")
        raw = "" if body is None else json.dumps(body)
        base: CIMultiDict[str] = CIMultiDict()
        if body is not None:
            base["Content-Type"] = "application/json"
        for key, value in (headers or {}).items():
            base[key] = value
        self.headers = CIMultiDictProxy(base)
        self._text = raw

    async def text(self, encoding: str = "utf-8") -> str:
        return self._text

    async def json(self) -> Any:
        return json.loads(self._text) if self._text else None

    async def __aenter__(self) -> FakeClientResponse:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None


class _RequestContext:
    def __init__(self, session: FakeSession, method: str, url: str) -> None:
        self._session = session
        self._method = method
        self._url = url

    async def __aenter__(self) -> FakeClientResponse:
        await asyncio.sleep(0)  # a real request yields to the loop
        return self._session.injector.answer(self._method, self._url)

    async def __aexit__(self, *exc: object) -> None:
        return None


class FakeSession:
    """Stands in for ``aiohttp.ClientSession`` under discord.py's real request code."""

    closed = False

    def __init__(self, injector: FaultInjector) -> None:
        self.injector = injector

    def request(self, method: str, url: str, **kwargs: Any) -> _RequestContext:
        return _RequestContext(self, method, url)

    async def close(self) -> None:
        self.closed = True


def _use_asyncio(stand_in: object) -> None:
    """discord.py's REST and webhook code reach ``asyncio.sleep`` through their module's own
    ``asyncio`` name; swap that name in the modules' namespaces (it is not part of their typed
    interface, so it is set through ``vars``, not as an attribute)."""
    for module in (discord.http, discord.webhook.async_):
        vars(module)["asyncio"] = stand_in


class _ScaledAsyncio:
    """``asyncio`` as seen by discord.http / discord.webhook.async_: sleeps are scaled."""

    def __init__(self, injector: FaultInjector) -> None:
        self._injector = injector

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)

    async def sleep(self, delay: float, result: Any = None) -> Any:
        if delay > 0:  # the bucket's own zero-second refresh is not a back-off
            self._injector.slept.append(float(delay))
        return await asyncio.sleep(float(delay) * self._injector.time_scale, result)


class FaultInjector:
    """Plan faults, then run discord.py's real HTTP code over the harness's fake Discord."""

    def __init__(self, h: WireHarness, *, time_scale: float = 0.001) -> None:
        self.h = h
        self.time_scale = time_scale
        self.faults: list[Fault] = []
        self.hits: list[FaultHit] = []
        self.slept: list[float] = []
        self.session = FakeSession(self)
        self.installed = False
        self._saved_session: Any = None
        self._scaled = _ScaledAsyncio(self)

    # --- planning ---------------------------------------------------------------------------

    def fail(
        self,
        method: str,
        path: str | re.Pattern[str],
        *,
        status: int,
        code: int = 0,
        message: str = "",
        times: int | None = 1,
        via: str | None = None,
        headers: Mapping[str, str] | None = None,
        body: Mapping[str, Any] | None = None,
        when: Callable[[RecordedRequest], bool] | None = None,
    ) -> Fault:
        """The general form; the helpers below fill in what Discord really sends. ``when``
        narrows the fault to some calls (e.g. by what a message says)."""
        payload = dict(body) if body is not None else {"message": message, "code": code}
        fault = Fault(
            method.upper(),
            path,
            status,
            payload,
            {"Via": "1.1 google", **(headers or {})},
            times,
            via,
            when=when,
        )
        self.faults.append(fault)
        return fault

    def rate_limit(
        self,
        method: str,
        path: str | re.Pattern[str],
        *,
        retry_after: float = 1.0,
        times: int | None = 1,
        is_global: bool = False,
        scope: str = "user",
        bucket: str = "harness-bucket",
        via: str | None = None,
        when: Callable[[RecordedRequest], bool] | None = None,
    ) -> Fault:
        """429 Too Many Requests, as Discord sends it (body and headers)."""
        reset = time.time() + retry_after
        headers = {
            "Retry-After": str(math.ceil(retry_after)),
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": f"{reset:.3f}",
            "X-RateLimit-Reset-After": f"{retry_after:.3f}",
            "X-RateLimit-Bucket": bucket,
            "X-RateLimit-Scope": "global" if is_global else scope,
        }
        if is_global:
            headers["X-RateLimit-Global"] = "true"
        body = {
            "message": "You are being rate limited.",
            "retry_after": retry_after,
            "global": is_global,
            "code": 0,
        }
        return self.fail(
            method, path, status=429, times=times, via=via, headers=headers, body=body, when=when
        )

    def server_error(
        self,
        method: str,
        path: str | re.Pattern[str],
        *,
        status: int = 500,
        times: int | None = 1,
        via: str | None = None,
        when: Callable[[RecordedRequest], bool] | None = None,
    ) -> Fault:
        """5xx: discord.py retries 500/502/504 itself (five tries); 503 it raises at once."""
        return self.fail(
            method, path, status=status, code=0, message=REASONS.get(status, "Error"),
            times=times, via=via, when=when,
        )  # fmt: skip

    def forbidden(
        self,
        method: str,
        path: str | re.Pattern[str],
        *,
        code: int = 50013,
        message: str = "Missing Permissions",
        times: int | None = None,
        via: str | None = None,
        when: Callable[[RecordedRequest], bool] | None = None,
    ) -> Fault:
        """403 (50013 Missing Permissions, or 50001 Missing Access)."""
        return self.fail(
            method, path, status=403, code=code, message=message, times=times, via=via, when=when
        )

    def not_found(
        self,
        method: str,
        path: str | re.Pattern[str],
        *,
        what: str = "channel",
        times: int | None = None,
        via: str | None = None,
        when: Callable[[RecordedRequest], bool] | None = None,
    ) -> Fault:
        """404 Unknown Channel (10003), Message (10008), Webhook, interaction, …"""
        code, message = UNKNOWN[what]
        return self.fail(
            method, path, status=404, code=code, message=message, times=times, via=via, when=when
        )

    def network_error(
        self,
        method: str,
        path: str | re.Pattern[str],
        *,
        times: int | None = 1,
        error: BaseException | None = None,
        via: str | None = None,
    ) -> Fault:
        """No response at all: by default a reset connection as aiohttp raises it on Linux
        (errno 104, which discord.py does not retry: it retries only 54/10054)."""
        fault = self.fail(method, path, status=0, times=times, via=via)
        fault.network_error = error or aiohttp.ClientOSError(104, "Connection reset by peer")
        return fault

    def interaction_fails(
        self, *, status: int, times: int | None = 1, what: str = "interaction"
    ) -> Fault:
        """Interaction callbacks (``POST /interactions/{id}/{token}/callback``) fail."""
        path = "/interactions/*/callback"
        if status == 429:
            return self.rate_limit("POST", path, times=times, retry_after=0.5, via="webhook")
        if status == 404:
            return self.not_found("POST", path, what=what, times=times, via="webhook")
        if status == 403:
            return self.forbidden("POST", path, times=times, via="webhook")
        return self.server_error("POST", path, status=status, times=times, via="webhook")

    def clear(self) -> None:
        self.faults.clear()

    def hits_for(self, status: int | None = None) -> list[FaultHit]:
        return [hit for hit in self.hits if status is None or hit.status == status]

    # --- installing ---------------------------------------------------------------------------

    def install(self) -> FaultInjector:
        """Route the bot's REST and interaction calls through discord.py's real request code.

        Call after ``h.start()`` (start installs the recorder this wraps); idempotent.
        """
        if self.installed:
            return self
        if not self.h.started:
            raise RuntimeError("install faults after h.start()")
        http = self.h.bot.http
        original = discord.http.HTTPClient.request.__get__(http)
        self._saved_session = getattr(http, "_HTTPClient__session", None)
        http._HTTPClient__session = self.session  # type: ignore[attr-defined]
        if not isinstance(getattr(http, "_global_over", None), asyncio.Event):
            # what static_login() sets up; the harness never logs in for real
            http._global_over = asyncio.Event()
            http._global_over.set()

        async def rest_request(
            route: Route,
            *,
            files: Sequence[discord.File] | None = None,
            form: Iterable[dict[str, Any]] | None = None,
            **kwargs: Any,
        ) -> Any:
            pending = _Pending(
                route, "rest", kwargs.get("json"), form, files, kwargs.get("reason"),
                kwargs.get("params"),
            )  # fmt: skip
            token = _PENDING.set(pending)
            try:
                return await original(route, files=files, form=form, **kwargs)
            finally:
                _PENDING.reset(token)

        http.request = rest_request  # type: ignore[method-assign]
        adapter = self.h.adapter

        async def webhook_request(route: Route, session: Any, **kwargs: Any) -> Any:
            pending = _Pending(
                route, "webhook", kwargs.get("payload"), kwargs.get("multipart"),
                kwargs.get("files"), kwargs.get("reason"), kwargs.get("params"),
            )  # fmt: skip
            token = _PENDING.set(pending)
            try:
                # The fake answers the calls discord.py makes on a ClientSession (duck-typed).
                session = cast(aiohttp.ClientSession, self.session)
                return await AsyncWebhookAdapter.request(adapter, route, session, **kwargs)
            finally:
                _PENDING.reset(token)

        adapter.request = webhook_request  # type: ignore[method-assign]
        _use_asyncio(self._scaled)
        self.installed = True
        return self

    def uninstall(self) -> None:
        if not self.installed:
            return
        self.installed = False
        _use_asyncio(asyncio)
        self.h.adapter.__dict__.pop("request", None)
        http = self.h.bot.http
        if not self.h.closed:  # closing already restored the recorder's own patch
            http.request = self.h.rest.request  # type: ignore[method-assign]
            http._HTTPClient__session = self._saved_session  # type: ignore[attr-defined]

    # --- answering ----------------------------------------------------------------------------

    def answer(self, method: str, url: str) -> FakeClientResponse:
        pending = _PENDING.get()
        if pending is None:
            raise RuntimeError(f"harness fault session used outside a request: {method} {url}")
        route = pending.route
        path = concrete_path(route)
        api = self.h.api
        recorded = api.record(
            method=route.method,
            path=path,
            route=route.path,
            json_body=pending.json,
            form=pending.form,
            files=pending.files,
            reason=pending.reason,
            query=pending.params,
            via=pending.via,
        )
        for fault in self.faults:
            if fault.spent or not fault.matches(recorded.method, path, route.path, pending.via):
                continue
            if fault.when is not None and not fault.when(recorded):
                continue
            fault.hits += 1
            self.hits.append(FaultHit(recorded.method, path, route.path, pending.via, fault.status))
            recorded.status = fault.status
            recorded.error = dict(fault.body)
            if fault.network_error is not None:
                raise fault.network_error
            return FakeClientResponse(fault.status, fault.body, fault.headers)
        try:
            result = api.handle(recorded)
        except discord.HTTPException:
            return FakeClientResponse(recorded.status, recorded.error, {"Via": "1.1 google"})
        return FakeClientResponse(recorded.status, result)


@pytest_asyncio.fixture
async def faults() -> AsyncIterator[Any]:
    """``inject = faults; fi = inject(h)``: a started harness with faults installed; every
    injector is uninstalled at teardown (discord.py's modules get their asyncio back)."""
    made: list[FaultInjector] = []

    def make(h: WireHarness, *, time_scale: float = 0.001) -> FaultInjector:
        injector = FaultInjector(h, time_scale=time_scale).install()
        made.append(injector)
        return injector

    yield make
    for injector in reversed(made):
        injector.uninstall()
