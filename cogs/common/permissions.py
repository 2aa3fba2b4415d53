"""The Discord permissions Parley asks for, and why; the invite links are built from these."""

from __future__ import annotations

import discord

# Each one earns its place; `parley invite` and the README explain them to the server admin.
REQUIRED = discord.Permissions(
    view_channel=True,  # see the class channel
    send_messages=True,  # session cards, phase announcements
    send_messages_in_threads=True,  # briefs and notices in delegation/caucus threads
    create_private_threads=True,  # one private thread per delegation, and per caucus
    manage_threads=True,  # add students to private threads, archive/open them after class
    embed_links=True,  # briefs and rosters are embeds
    attach_files=True,  # transcript and gradebook exports
    read_message_history=True,  # backfill the transcript after a restart
)

OPTIONAL = discord.Permissions(
    manage_roles=True,  # a role per delegation; with Manage Channels, lock the plenary
    manage_channels=True,  # private channels instead of threads; lock the plenary between phases
)

FULL = discord.Permissions(REQUIRED.value | OPTIONAL.value)


def invite_url(application_id: int, *, with_optional: bool = True) -> str:
    permissions = FULL if with_optional else REQUIRED
    return discord.utils.oauth_url(
        application_id,
        permissions=permissions,
        scopes=("bot", "applications.commands"),
    )
