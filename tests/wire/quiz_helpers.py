"""Helpers for the quiz wire tests: read the question a message shows, find its buttons, and
start Parley on a clock the test moves."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.content.loader import load_scenarios
from bot.content.questions import scenario_questions
from bot.content.seed import load_paragraphs
from bot.domain.quiz import Question
from bot.paths import SEEDS_DIR
from tests.fake_clock import FakeClock
from tests.harness import WireHarness
from tests.harness import payloads as p
from tests.parley_fixtures import ParleyFactory

_SCENARIO = load_scenarios()["hanoi-2019"]
PARAGRAPHS = load_paragraphs(SEEDS_DIR / _SCENARIO.source.seed)
QUESTIONS = scenario_questions(_SCENARIO, PARAGRAPHS)
BY_PROMPT = {q.prompt: q for q in QUESTIONS}
BY_ID = {q.item_id: q for q in QUESTIONS}


async def parley_on(make_parley: ParleyFactory, clock: FakeClock, **options: Any) -> WireHarness:
    """Parley (every extension) whose quizzes run on `clock`."""
    h: WireHarness = await make_parley(start=False, **options)
    h.bot.clock = clock  # type: ignore[attr-defined]
    await h.start()
    return h


def embed_of(message: Mapping[str, Any]) -> Mapping[str, Any]:
    embeds = message.get("embeds") or []
    assert embeds, f"no embed in {message.get('content')!r}"
    return embeds[0]  # type: ignore[no-any-return]


def fields(message: Mapping[str, Any]) -> dict[str, str]:
    return {f["name"]: f["value"] for f in embed_of(message).get("fields", [])}


def question_of(message: Mapping[str, Any]) -> Question:
    """The item a question message shows (its bold first line is the prompt)."""
    first = embed_of(message)["description"].split("\n")[0]
    return BY_PROMPT[first.strip("*")]


def custom_ids(message: Mapping[str, Any]) -> list[str]:
    return [
        c["custom_id"]
        for c in p.walk_components(message.get("components") or [])
        if "custom_id" in c
    ]


def button(message: Mapping[str, Any], suffix: str) -> str:
    """The custom_id of the button whose id ends with `suffix` (":ans:1", ":open", ":next")."""
    found = [cid for cid in custom_ids(message) if cid.endswith(suffix)]
    assert len(found) == 1, (suffix, custom_ids(message))
    return found[0]


def right_value(q: Question) -> str:
    return q.answer if q.is_choice else q.accept[0]


def wrong_value(q: Question) -> str:
    if q.is_choice:
        return next(c.value for c in q.choices if c.value != q.answer)
    return q.reject[0] if q.reject else "Antarctica"
