"""Scenario content: models, loading, checking and export. Pure: no discord, no SQLAlchemy."""

from bot.content.check import Problem, check_all, check_scenario
from bot.content.loader import (
    DEFAULT_CONTENT_DIR,
    DEFAULT_SEEDS_DIR,
    ContentError,
    load_scenario,
    load_scenarios,
)
from bot.content.models import Scenario

__all__ = [
    "DEFAULT_CONTENT_DIR",
    "DEFAULT_SEEDS_DIR",
    "ContentError",
    "Problem",
    "Scenario",
    "check_all",
    "check_scenario",
    "load_scenario",
    "load_scenarios",
]
