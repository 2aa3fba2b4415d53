"""Making swallowed handler errors fail the test.

discord.py catches exceptions raised by bot code and hands them to an error handler
that, by default, only logs:

* app commands -> ``CommandTree.on_error`` (after command/group/cog handlers);
  autocomplete errors are logged directly (``_log.exception``);
* views / modals -> ``View.on_error`` / ``Modal.on_error`` (per class);
* event listeners -> ``Client.on_error`` (``sys.exc_info()`` holds the error);
* prefix commands -> the ``command_error`` event -> ``Bot.on_command_error``;
* ``tasks.loop`` / dynamic items -> logged.

The harness observes the *original* exception at each of those points **and then
still calls whatever handler the bot installed** (so a central error handler that
replies to the user keeps working and can be asserted on). Four hooks do it:

1. ``tree.on_error`` / ``bot.on_error`` are wrapped per instance; the wrap is
   re-applied before every injected event, so handlers installed later (in
   ``setup_hook``, ``cog_load`` or via ``@tree.error`` / ``@bot.event``) are wrapped too;
2. every ``on_error`` defined on ``discord.ui.BaseView`` and its subclasses (View,
   LayoutView, Modal, and the bot's own classes) is wrapped at class level while a
   harness is active (restored afterwards);
3. ``bot.dispatch`` is wrapped to see ``command_error`` (adding a listener instead
   would silence ``Bot.on_command_error``'s default logging - it checks
   ``extra_events``);
4. a logging handler on the ``discord`` logger catches what the library only logs
   (autocomplete, dynamic items, task loops), plus failed tasks are checked at settle.

Policy: a genuine exception from bot code (``CommandInvokeError`` and everything
from views, modals, listeners, tasks) is *surfaced*: ``settle()`` raises
:class:`UnexpectedBotError`. Framework "user errors" - ``CheckFailure``,
``TransformerError``, cooldowns, prefix ``BadArgument`` ... - are surfaced only
if no bot handler deals with them (tree/command/cog error handler, custom
``on_command_error``). A prefix ``CommandNotFound`` is never surfaced. Opt out per
test with ``h.expect_errors(...)``.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands
from discord.ui.view import BaseView

if TYPE_CHECKING:
    from .driver import WireHarness


class UnexpectedBotError(AssertionError):
    """A handler in the bot raised and the test did not expect it."""


class DiscordWouldNotSend(ValueError):
    """Discord would refuse this: an interaction or event a real client could not produce,
    or a reply over one of Discord's limits (``tests/harness/limits.py``)."""


@dataclass
class ErrorRecord:
    #: app_command | autocomplete | view | modal | event | prefix_command | task | log |
    #: error_handler | gateway | close
    source: str
    error: BaseException  # the original exception (unwrapped)
    raised: BaseException  # what the library passed to the handler
    where: str
    handled_by_bot: bool
    surfaced: bool
    interaction_id: int | None = None
    expected: bool = False
    reported: bool = False

    def format(self) -> str:
        tb = "".join(
            traceback.format_exception(type(self.error), self.error, self.error.__traceback__)
        )
        handled = " (the bot's own error handler also ran)" if self.handled_by_bot else ""
        return f"[{self.source}] in {self.where}{handled}:\n{tb}"

    def __repr__(self) -> str:
        return f"<ErrorRecord {self.source} {self.where}: {self.error!r}>"


def unwrap(error: BaseException) -> BaseException:
    seen = 0
    while seen < 5:
        seen += 1
        wrappers = (
            app_commands.CommandInvokeError,
            commands.CommandInvokeError,
            commands.HybridCommandError,
            commands.ExtensionFailed,
        )
        if isinstance(error, wrappers):
            error = error.original
        else:
            break
    return error


# Exception types a bot raises on purpose to answer bad input (e.g. Parley's UserFacingError).
# Like CheckFailure, they surface only when no bot handler deals with them. Projects register
# theirs in conftest: ``tests.harness.errors.USER_ERROR_TYPES = (UserFacingError,)``.
USER_ERROR_TYPES: tuple[type[BaseException], ...] = ()


def is_invoke_error(error: BaseException) -> bool:
    """True for exceptions that come from bot code rather than the framework's checks."""
    if USER_ERROR_TYPES and isinstance(unwrap(error), USER_ERROR_TYPES):
        return False
    if isinstance(error, app_commands.CommandInvokeError | commands.CommandInvokeError):
        return True
    if isinstance(error, commands.HybridCommandError):
        return is_invoke_error(error.original)
    return not isinstance(error, app_commands.AppCommandError | commands.CommandError)


class ExpectedErrors:
    """Returned by ``h.expect_errors(*types)``; absorbs matching errors while active.

    * plain call: active until the end of the test (or ``.stop()``);
    * ``with h.expect_errors(KeyError):`` - active inside the block;
    * ``async with h.expect_errors(KeyError) as caught:`` - settles on exit and fails
      if nothing matching was caught.
    """

    def __init__(self, harness: WireHarness, types: tuple[type[BaseException], ...]) -> None:
        self._harness = harness
        self.types = types or (BaseException,)
        self.records: list[ErrorRecord] = []
        self.active = True
        harness.errors_collector.expectations.append(self)

    def matches(self, error: BaseException) -> bool:
        return self.active and isinstance(error, self.types)

    @property
    def errors(self) -> list[BaseException]:
        return [r.error for r in self.records]

    def stop(self) -> None:
        self.active = False
        exps = self._harness.errors_collector.expectations
        if self in exps:
            exps.remove(self)

    def __enter__(self) -> ExpectedErrors:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def __aenter__(self) -> ExpectedErrors:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if exc_type is None:
                await self._harness.settle()
        finally:
            self.stop()
        if exc_type is None and not self.records:
            names = ", ".join(t.__name__ for t in self.types)
            raise AssertionError(
                f"expected the bot to raise {names}, but no handler error was recorded"
            )


class ErrorCollector:
    def __init__(self) -> None:
        self.records: list[ErrorRecord] = []
        self.expectations: list[ExpectedErrors] = []
        self._seen: dict[int, ErrorRecord] = {}

    def record(
        self,
        source: str,
        raised: BaseException | None,
        *,
        where: str,
        handled_by_bot: bool,
        surfaced: bool | None = None,
        interaction: discord.Interaction[Any] | None = None,
    ) -> ErrorRecord | None:
        if raised is None:
            return None
        original = unwrap(raised)
        for key in (id(raised), id(original)):
            existing = self._seen.get(key)
            if existing is not None:
                existing.handled_by_bot = existing.handled_by_bot or handled_by_bot
                return existing
        if surfaced is None:
            surfaced = is_invoke_error(raised) or not handled_by_bot
        rec = ErrorRecord(
            source=source,
            error=original,
            raised=raised,
            where=where,
            handled_by_bot=handled_by_bot,
            surfaced=surfaced,
            interaction_id=None if interaction is None else interaction.id,
        )
        for exp in self.expectations:
            if exp.matches(original) or exp.matches(raised):
                rec.expected = True
                exp.records.append(rec)
                break
        self._seen[id(raised)] = rec
        self._seen[id(original)] = rec
        self.records.append(rec)
        return rec

    def unreported(self) -> list[ErrorRecord]:
        return [r for r in self.records if r.surfaced and not r.expected and not r.reported]

    def raise_unreported(self) -> None:
        pending = self.unreported()
        if not pending:
            return
        for rec in pending:
            rec.reported = True
        body = "\n".join(r.format() for r in pending)
        raise UnexpectedBotError(
            f"{len(pending)} exception(s) raised inside bot handlers "
            "(discord.py would only log them); "
            f"use h.expect_errors(...) if this is intended:\n{body}"
        ) from pending[0].error


class _DiscordLogHandler(logging.Handler):
    def __init__(self, collector: ErrorCollector) -> None:
        super().__init__(level=logging.ERROR)
        self.collector = collector

    def emit(self, record: logging.LogRecord) -> None:
        if not record.exc_info or record.exc_info[1] is None:
            return
        source = "autocomplete" if "autocomplete" in record.getMessage() else "log"
        self.collector.record(
            source,
            record.exc_info[1],
            where=f"{record.name}: {record.getMessage()}",
            handled_by_bot=False,
        )


# ---------------------------------------------------------------------------
# class-level View/Modal on_error wrapping (shared by all active harnesses)
# ---------------------------------------------------------------------------

_COLLECTORS: dict[int, ErrorCollector] = {}
_WRAPPED: dict[type[Any], Any] = {}
_LIBRARY_MODULES = ("discord.ui.",)


def _all_subclasses(cls: type[Any]) -> Iterator[type[Any]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def _defining_class(obj: object, name: str) -> type | None:
    for klass in type(obj).__mro__:
        if name in klass.__dict__:
            return klass
    return None


def _make_view_wrapper(original: Any) -> Any:
    async def on_error(
        self: BaseView, interaction: discord.Interaction[Any], error: Exception, *rest: Any
    ) -> None:
        collector = _COLLECTORS.get(id(interaction.client))
        if collector is not None:
            owner = _defining_class(self, "on_error")
            custom = owner is not None and not owner.__module__.startswith(_LIBRARY_MODULES)
            is_modal = isinstance(self, discord.ui.Modal)
            where = f"{type(self).__name__}.on_error"
            if rest:
                where += f" (item custom_id={getattr(rest[0], 'custom_id', None)!r})"
            collector.record(
                "modal" if is_modal else "view",
                error,
                where=where,
                handled_by_bot=custom,
                surfaced=True,
                interaction=interaction,
            )
        try:
            await original(self, interaction, error, *rest)
        except Exception as exc:
            if collector is None:
                raise
            collector.record(
                "error_handler", exc, where=f"{type(self).__name__}.on_error", handled_by_bot=False
            )

    on_error.__harness_wrapped__ = True  # type: ignore[attr-defined]
    on_error.__wrapped__ = original  # type: ignore[attr-defined]
    return on_error


def wrap_view_classes() -> None:
    classes: list[type[Any]] = [BaseView, *_all_subclasses(BaseView)]
    for cls in classes:
        current = cls.__dict__.get("on_error")
        if current is None or getattr(current, "__harness_wrapped__", False):
            continue
        _WRAPPED[cls] = current
        setattr(cls, "on_error", _make_view_wrapper(current))  # noqa: B010


def unwrap_view_classes() -> None:
    for cls, original in list(_WRAPPED.items()):
        setattr(cls, "on_error", original)  # noqa: B010
    _WRAPPED.clear()


def activate(client: discord.Client, collector: ErrorCollector) -> None:
    _COLLECTORS[id(client)] = collector
    wrap_view_classes()


def deactivate(client: discord.Client) -> None:
    _COLLECTORS.pop(id(client), None)
    if not _COLLECTORS:
        unwrap_view_classes()


# ---------------------------------------------------------------------------
# per-instance hooks
# ---------------------------------------------------------------------------


@dataclass
class InstanceHooks:
    """Wrappers on one bot's tree/on_error/dispatch; ``ensure()`` re-applies them."""

    bot: discord.Client
    collector: ErrorCollector
    events: list[tuple[str, tuple[Any, ...]]] = field(default_factory=list)
    _log_handler: _DiscordLogHandler | None = None
    _orig_dispatch: Any = None
    _orig_state_dispatch: Any = None
    _installed: bool = False

    def install(self) -> None:
        self._installed = True
        self._log_handler = _DiscordLogHandler(self.collector)
        logging.getLogger("discord").addHandler(self._log_handler)
        activate(self.bot, self.collector)
        bot = self.bot
        state = bot._connection
        self._orig_dispatch = bot.__dict__.get("dispatch")
        self._orig_state_dispatch = state.dispatch
        original_dispatch = bot.dispatch
        original_state_dispatch = state.dispatch

        def dispatch(event: str, /, *args: Any, **kwargs: Any) -> None:
            self.events.append((event, args))
            if event == "command_error" and len(args) >= 2:
                self._record_prefix_error(args[0], args[1])
            original_dispatch(event, *args, **kwargs)

        def state_dispatch(event: str, /, *args: Any, **kwargs: Any) -> None:
            self.events.append((event, args))
            original_state_dispatch(event, *args, **kwargs)

        bot.dispatch = dispatch  # type: ignore[method-assign]
        state.dispatch = state_dispatch
        self.ensure()

    def uninstall(self) -> None:
        if not self._installed:
            return
        self._installed = False
        if self._log_handler is not None:
            logging.getLogger("discord").removeHandler(self._log_handler)
        deactivate(self.bot)
        bot = self.bot
        if self._orig_dispatch is None:
            bot.__dict__.pop("dispatch", None)
        else:
            bot.dispatch = self._orig_dispatch  # type: ignore[method-assign]
        bot._connection.dispatch = self._orig_state_dispatch
        tree = bot._connection._command_tree
        if tree is not None:
            current = tree.__dict__.get("on_error")
            if current is not None and getattr(current, "__harness_wrapped__", False):
                original = current.__wrapped__
                if getattr(original, "__self__", None) is tree:
                    tree.__dict__.pop("on_error", None)  # was the class method
                else:
                    tree.on_error = original  # type: ignore[method-assign]
        current = bot.__dict__.get("on_error")
        if current is not None and getattr(current, "__harness_wrapped__", False):
            original = current.__wrapped__
            if getattr(original, "__self__", None) is bot and getattr(
                original, "__func__", None
            ) is getattr(type(bot), "on_error", None):
                bot.__dict__.pop("on_error", None)
            else:
                bot.on_error = original  # type: ignore[method-assign]

    def ensure(self) -> None:
        """(Re-)wrap handlers the bot may have (re)installed since the last call."""
        wrap_view_classes()
        self._wrap_tree()
        self._wrap_client_on_error()

    # -- app commands ----------------------------------------------------

    def _wrap_tree(self) -> None:
        tree = self.bot._connection._command_tree
        if tree is None:
            return
        current = tree.on_error
        if getattr(current, "__harness_wrapped__", False):
            return
        collector = self.collector
        default = app_commands.CommandTree.on_error

        async def on_error(
            interaction: discord.Interaction[Any], error: app_commands.AppCommandError, /
        ) -> None:
            custom = getattr(current, "__func__", current) is not default
            command = interaction.command
            handled = custom or bool(
                isinstance(command, app_commands.Command | app_commands.ContextMenu)
                and command._has_any_error_handlers()
            )
            name = getattr(command, "qualified_name", None) or getattr(command, "name", "?")
            collector.record(
                "app_command",
                error,
                where=f"/{name}",
                handled_by_bot=handled,
                interaction=interaction,
            )
            try:
                await current(interaction, error)
            except Exception as exc:
                collector.record(
                    "error_handler",
                    exc,
                    where="CommandTree.on_error",
                    handled_by_bot=False,
                    interaction=interaction,
                )

        on_error.__harness_wrapped__ = True  # type: ignore[attr-defined]
        on_error.__wrapped__ = current  # type: ignore[attr-defined]
        tree.on_error = on_error  # type: ignore[method-assign]

    # -- events ----------------------------------------------------------

    def _wrap_client_on_error(self) -> None:
        bot = self.bot
        current = bot.on_error
        if getattr(current, "__harness_wrapped__", False):
            return
        collector = self.collector
        default = discord.Client.on_error

        async def on_error(event_method: str, /, *args: Any, **kwargs: Any) -> None:
            exc = sys.exc_info()[1]
            custom = getattr(current, "__func__", current) is not default
            collector.record("event", exc, where=event_method, handled_by_bot=custom, surfaced=True)
            try:
                await current(event_method, *args, **kwargs)
            except Exception as inner:
                collector.record(
                    "error_handler", inner, where="Client.on_error", handled_by_bot=False
                )

        on_error.__harness_wrapped__ = True  # type: ignore[attr-defined]
        on_error.__wrapped__ = current  # type: ignore[attr-defined]
        bot.on_error = on_error  # type: ignore[method-assign]

    # -- prefix commands -------------------------------------------------

    def _record_prefix_error(self, ctx: Any, error: BaseException) -> None:
        if isinstance(error, commands.CommandNotFound):
            return
        bot = self.bot
        handled = False
        if isinstance(bot, commands.Bot):
            handled = type(bot).on_command_error is not commands.Bot.on_command_error or bool(
                bot.extra_events.get("on_command_error")
            )
        command = getattr(ctx, "command", None)
        cog = getattr(ctx, "cog", None)
        handled = (
            handled
            or bool(command and command.has_error_handler())
            or bool(cog and cog.has_error_handler())
        )
        name = getattr(command, "qualified_name", None) or "?"
        self.collector.record(
            "prefix_command", error, where=f"command {name!r}", handled_by_bot=handled
        )
