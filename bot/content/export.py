"""JSON views of the content: a scenario for other programs, and the JSON Schema for editors.

``scenario_to_json`` is a public interface (``parley content show --json``): add keys freely,
but do not rename or remove the ones documented in ``docs/authoring.md``.
"""

from __future__ import annotations

import json
from typing import Any

from bot.content.models import MultipleChoice, Scenario

__all__ = ["SCHEMA_PATH", "scenario_to_json", "schema_json", "schema_text"]

SCHEMA_PATH = "content/schema/scenario.schema.json"
"""Where the exported schema is committed, relative to the repository."""


def scenario_to_json(scenario: Scenario) -> dict[str, Any]:
    """The whole scenario as plain JSON data, resolved for consumers.

    Differences from the YAML: ``briefs`` is a list in order of play, each with ``actor``, the
    ``cards`` it shows (its own plus every card it cites) and the ``record`` cards it cites; a
    multiple-choice ``answer`` is always the 0-based index; ``play_order`` and
    ``decision_rule.advisory`` are spelled out.
    """
    data = scenario.model_dump(mode="json")
    data["play_order"] = scenario.play_order
    data["decision_rule"]["advisory"] = scenario.advisory_actors()
    data["briefs"] = [
        {
            "actor": actor_id,
            **scenario.briefs[actor_id].model_dump(mode="json", exclude={"cards"}),
            "cards": [card.model_dump(mode="json") for card in scenario.cards_for(actor_id)],
            "record": [
                card.model_dump(mode="json") for card in scenario.record_cards_for(actor_id)
            ],
        }
        for actor_id in scenario.play_order
        if actor_id in scenario.briefs
    ]
    for item, exported in zip(scenario.quiz, data["quiz"], strict=True):
        if isinstance(item, MultipleChoice):
            exported["answer"] = item.answer_index
    return data


def schema_json() -> dict[str, Any]:
    """JSON Schema of a pack file, generated from ``Scenario``.

    Nothing is required at the top level, because a pack is split over several files and each
    holds only some keys; ``parley content check`` verifies the assembled pack.
    """
    schema = Scenario.model_json_schema()
    schema.pop("required", None)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **schema,
        "description": "One file of a Parley scenario pack (content/<id>/*.yaml). Each file holds "
        "some of these keys; together they form the scenario. Generated from "
        "bot/content/models.py by `parley content schema`: do not edit by hand.",
    }


def schema_text() -> str:
    """``schema_json`` serialised exactly as committed to ``SCHEMA_PATH``."""
    return json.dumps(schema_json(), indent=2, ensure_ascii=False) + "\n"
