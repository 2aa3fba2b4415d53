"""Autocomplete choices for the /quiz options: scenarios, topics, actors and imported banks."""

from __future__ import annotations

from collections.abc import Iterable

from discord import app_commands

from bot.content.models import Scenario

__all__ = ["Choices", "actor_choices", "name_choices", "scenario_choices", "topic_choices"]

Choices = list[app_commands.Choice[str]]
LIMIT = 25  # Discord shows at most 25 choices


def scenario_choices(scenarios: Iterable[Scenario], current: str) -> Choices:
    text = current.casefold()
    return [
        app_commands.Choice(name=s.title, value=s.id)
        for s in scenarios
        if text in s.title.casefold() or text in s.id
    ][:LIMIT]


def topic_choices(scenario: Scenario | None, current: str) -> Choices:
    text = current.casefold()
    return [
        app_commands.Choice(name=t.title, value=t.id)
        for t in (scenario.topics if scenario else [])
        if text in t.title.casefold() or text in t.id
    ][:LIMIT]


def actor_choices(scenario: Scenario | None, current: str) -> Choices:
    text = current.casefold()
    return [
        app_commands.Choice(name=f"{a.flag} {a.name}", value=a.id)
        for a in (scenario.actors if scenario else [])
        if text in a.name.casefold() or text in a.id
    ][:LIMIT]


def name_choices(names: Iterable[str]) -> Choices:
    return [app_commands.Choice(name=name, value=name) for name in names][:LIMIT]
