"""The first edition's Hanoi scorecard, frozen as test data.

Arithmetic tests of the scorer and the debrief count by hand from these objectives, so that
editing the teaching content (content/hanoi-2019/) never changes what they expect.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import TypeAdapter

from bot.content.models import Objective, Scenario

OBJECTIVES: list[Objective] = TypeAdapter(list[Objective]).validate_python(
    yaml.safe_load(
        (Path(__file__).parent / "domain" / "data" / "objectives_first_edition.yaml").read_text(
            "utf-8"
        )
    )["objectives"]
)


def with_first_edition_objectives(scenario: Scenario) -> Scenario:
    """``scenario`` as the first edition played: scored with the frozen objectives, and without
    the negotiation game (no options, no schedules), so that proposals are texts adopted or not.
    Tests of that path (which packs without schedules still take) count by hand from it."""
    agenda = [item.model_copy(update={"options": []}) for item in scenario.agenda]
    return scenario.model_copy(update={"objectives": OBJECTIVES, "agenda": agenda, "schedules": {}})
