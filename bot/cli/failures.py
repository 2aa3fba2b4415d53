"""What the `parley` command says when something a user can cause or meet goes wrong.

A teacher who starts Parley on a school network without Discord, with a token pasted twice, or with
a database server that is not running should read one or two lines saying what happened and what to
do, not 70 lines of traceback. `explain` maps those errors to a `Failure` (the lines and the exit
status, see `bot.exit_codes`); `report` prints it and puts the traceback in the log at debug level.
Errors that are not in this list are bugs, and keep their traceback.
"""

from __future__ import annotations

import contextlib
import logging
import os
import ssl
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import aiohttp
import discord
from pydantic import SecretStr

from bot.content.problems import ContentError
from bot.exit_codes import EXIT_FAILURE, EXIT_SETTINGS
from bot.settings import ConfigurationError

__all__ = [
    "INTENTS_MISSING",
    "TOKEN_MALFORMED",
    "TOKEN_MISSING",
    "TOKEN_REJECTED",
    "CommandFailed",
    "Failure",
    "explain",
    "output_file",
    "report",
    "silence_broken_pipe",
    "token_problem",
]

log = logging.getLogger("parley")

TOKEN_MISSING = (
    "DISCORD_TOKEN is not set: copy .env.example to .env and paste your bot's token after "
    "DISCORD_TOKEN= (README, step 'Set up the Discord application')."
)
TOKEN_MALFORMED = (
    "DISCORD_TOKEN does not look like a bot token (it has three parts separated by dots): "
    "copy it again from the Developer Portal → your application → Bot → Reset Token."
)
TOKEN_REJECTED = (
    "Discord rejected DISCORD_TOKEN: reset the token in the Developer Portal (your application → "
    "Bot → Reset Token), put the new one in .env, and run again."
)
INTENTS_MISSING = (
    "Discord refused the privileged intents Parley needs: in the Developer Portal open your "
    "application → Bot → Privileged Gateway Intents, turn on 'Server Members Intent' and "
    "'Message Content Intent', save, and run again."
)
DISCORD_HOSTS = "discord.com and gateway.discord.gg"


def token_problem(token: SecretStr | None) -> str | None:
    """Why this token cannot be a bot token (the rule `run` and `check` share), or None."""
    if token is None:
        return TOKEN_MISSING
    value = token.get_secret_value().strip()
    parts = value.split(".")
    if len(parts) != 3 or not all(parts) or any(c.isspace() for c in value):
        return TOKEN_MALFORMED
    return None


@dataclass(frozen=True)
class Failure:
    """One or two lines saying what happened and what to do, and the exit status."""

    message: str
    exit_code: int


class CommandFailed(Exception):
    """A command ends here with this message (what happened and what to do)."""

    def __init__(self, message: str, exit_code: int = EXIT_FAILURE) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def _network(error: BaseException) -> Failure | None:
    if isinstance(error, aiohttp.ClientConnectorDNSError):
        return Failure(
            "Cannot find Discord on the network (its name did not resolve): check this "
            f"computer's internet connection. A school network must allow {DISCORD_HOSTS}.",
            EXIT_FAILURE,
        )
    if isinstance(
        error,
        aiohttp.ClientConnectorCertificateError | aiohttp.ClientSSLError | ssl.SSLError,
    ):
        return Failure(
            "A secure connection to Discord failed (the certificate was not accepted): the "
            "network may be inspecting HTTPS, or this computer's clock is wrong. Try another "
            "network, or ask for Discord to be exempted.",
            EXIT_FAILURE,
        )
    if isinstance(
        error,
        aiohttp.ClientConnectionError | discord.GatewayNotFound | discord.ConnectionClosed,
    ):
        return Failure(
            f"Cannot reach Discord ({_short(error)}): check this computer's internet connection "
            f"and try again. A school network must allow {DISCORD_HOSTS}.",
            EXIT_FAILURE,
        )
    if isinstance(error, discord.DiscordServerError):
        return Failure(
            f"Discord is not answering properly right now (HTTP {error.status}): try again in a "
            "few minutes (https://discordstatus.com says when it is back).",
            EXIT_FAILURE,
        )
    return None


def _short(error: BaseException) -> str:
    text = " ".join(str(error).split())
    name = type(error).__name__
    return f"{name}: {text}" if text else name


def explain(error: BaseException, *, database_url: str | None = None) -> Failure | None:
    """The failure a user can cause or meet behind `error`, or None (a bug: keep the traceback)."""
    if isinstance(error, CommandFailed):
        return Failure(str(error), error.exit_code)
    if isinstance(error, ConfigurationError):
        return Failure(str(error), EXIT_SETTINGS)
    if isinstance(error, discord.LoginFailure):
        return Failure(TOKEN_REJECTED, EXIT_SETTINGS)
    if isinstance(error, discord.PrivilegedIntentsRequired):
        return Failure(INTENTS_MISSING, EXIT_SETTINGS)
    if isinstance(error, ContentError):
        first = error.problems[0] if error.problems else error
        count = len(error.problems)
        more = f" (and {count - 1} more)" if count > 1 else ""
        return Failure(
            f"The scenario content has a problem{more}: {first}\n"
            "Run `parley content check` to see every problem; fix the files it names.",
            EXIT_SETTINGS,
        )
    from bot.db.diagnose import DatabaseProblem
    from bot.db.diagnose import explain as explain_database

    if isinstance(error, DatabaseProblem):
        return Failure(str(error), error.exit_code)
    # Discord's own errors first: aiohttp's connection errors are OSErrors too, and must not
    # be read as the database's.
    found = _network(error)
    if found is not None:
        return found
    if database_url is not None:
        problem = explain_database(error, database_url)
        if problem is not None:
            return Failure(str(problem), problem.exit_code)
    if isinstance(error, TimeoutError):
        return Failure(
            "Parley timed out waiting for Discord: check this computer's internet connection "
            f"and try again. A school network must allow {DISCORD_HOSTS}.",
            EXIT_FAILURE,
        )
    return None


def report(failure: Failure, error: BaseException | None = None) -> int:
    """Print the failure on stderr and return its exit status; the traceback goes to the log at
    debug level (LOG_LEVEL=DEBUG shows it)."""
    if error is not None:
        log.debug("%s", failure.message, exc_info=error)
    print(failure.message, file=sys.stderr)
    return failure.exit_code


def silence_broken_pipe() -> None:
    """The reader of our output left (`parley … | head`): say nothing more, write nothing more."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


# --- output files -------------------------------------------------------------------------------


def check_output_path(path: Path) -> None:
    """Refuse, clearly, an output path that cannot be written, before any work is done. Parley
    does not create folders for `-o`: a mistyped folder would hide the file somewhere new."""
    if path.is_dir():
        raise CommandFailed(
            f"{path} is a folder: give a file name, for example {path / 'out.csv'}.",
            EXIT_SETTINGS,
        )
    folder = path.parent
    for ancestor in [folder, *folder.parents]:
        if ancestor.exists() and not ancestor.is_dir():
            raise CommandFailed(f"Cannot write {path}: {ancestor} is a file, not a folder.")
    if not folder.is_dir():
        raise CommandFailed(
            f"The folder {folder} does not exist: create it first (mkdir -p {folder}) or write "
            "somewhere else with -o.",
            EXIT_SETTINGS,
        )
    if not os.access(folder, os.W_OK):
        raise CommandFailed(
            f"Cannot write into {folder} (no permission): choose another folder with -o.",
            EXIT_SETTINGS,
        )


@contextlib.contextmanager
def output_file(path: str | Path) -> Iterator[IO[bytes]]:
    """Where a command writes: standard output for `-`, otherwise a file that appears only once
    complete (a failure leaves neither a half-written nor an empty file behind)."""
    if str(path) == "-":
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    target = Path(path)
    check_output_path(target)
    partial = target.with_name(target.name + ".part")
    try:
        try:
            handle = partial.open("wb")
        except OSError as exc:
            raise CommandFailed(f"Cannot write {target}: {exc.strerror or exc}.") from exc
        with handle:
            yield handle
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
