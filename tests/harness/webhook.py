"""Recording webhook adapter: where interaction responses actually go.

Interaction callbacks, follow-ups and ``@original`` edits do **not** use
``HTTPClient``: ``discord.interactions`` / ``discord.webhook.async_`` fetch an
``AsyncWebhookAdapter`` from the context variable ``async_context`` at call time and
call ``adapter.request(route, session, payload=..., multipart=..., files=..., params=...)``.
Every higher-level adapter method (``create_interaction_response``,
``execute_webhook``, ``edit_original_interaction_response``...) funnels into
``request``, so overriding that one method records everything.

The harness sets the context variable in the test's context at ``start()`` and again
before every injected event; tasks discord.py spawns copy the context at creation, so
every handler sees the recording adapter.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import discord
from discord.http import Route
from discord.webhook.async_ import AsyncWebhookAdapter, async_context

from .http import concrete_path

if TYPE_CHECKING:
    from .api import FakeAPI


class RecordingWebhookAdapter(AsyncWebhookAdapter):
    def __init__(self, api: FakeAPI) -> None:
        super().__init__()  # type: ignore[no-untyped-call,unused-ignore]
        self.api = api

    async def request(
        self,
        route: Route,
        session: Any,
        *,
        payload: dict[str, Any] | None = None,
        multipart: list[dict[str, Any]] | None = None,
        proxy: str | None = None,
        proxy_auth: Any = None,
        files: Sequence[discord.File] | None = None,
        reason: str | None = None,
        auth_token: str | None = None,
        params: dict[str, Any] | None = None,
    ) -> Any:
        recorded = self.api.record(
            method=route.method,
            path=concrete_path(route),
            route=route.path,
            json_body=payload,
            form=multipart,
            files=files,
            reason=reason,
            query=params,
            via="webhook",
        )
        await asyncio.sleep(0)
        return self.api.handle(recorded)


def use_adapter(adapter: RecordingWebhookAdapter) -> None:
    """Make ``adapter`` current in *this* context (idempotent)."""
    if async_context.get() is not adapter:
        async_context.set(adapter)
