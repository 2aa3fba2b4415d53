"""Helpers for the quiz wire tests: read the question a message shows, find its buttons, and
start Parley on a clock the test moves."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.clock import FakeClock
from bot.content.loader import load_scenarios
from bot.content.questions import scenario_questions
from bot.content.seed import load_paragraphs
from bot.domain.quiz import Question
from bot.paths import SEEDS_DIR
from bot.services.quiz import QuizServices
from tests.harness import InteractionResult, MessageOut, WireHarness
from tests.harness import payloads as p
from tests.parley_fixtures import ParleyFactory
from tests.waiting import wait_until

_SCENARIO = load_scenarios()["hanoi-2019"]
PARAGRAPHS = load_paragraphs(SEEDS_DIR / _SCENARIO.source.seed)
QUESTIONS = scenario_questions(_SCENARIO, PARAGRAPHS)
BY_PROMPT = {q.prompt: q for q in QUESTIONS}
BY_ID = {q.item_id: q for q in QUESTIONS}


async def parley_on(make_parley: ParleyFactory, clock: FakeClock, **options: Any) -> WireHarness:
    """Parley (every extension) whose quizzes run on `clock`."""
    h: WireHarness = await make_parley(clock=clock, **options)
    return h


async def answered(h: WireHarness, *results: InteractionResult) -> None:
    """Until every interaction got its answer, then settle (for clicks sent with settle=False:
    `settle()` alone gives a slow database write only a short quiet period)."""
    await wait_until(lambda: all(r.responded for r in results))
    await h.settle()


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


# --- class races --------------------------------------------------------------------------------


def services(h: WireHarness) -> QuizServices:
    found = h.bot.quiz  # type: ignore[attr-defined]
    assert isinstance(found, QuizServices)
    return found


def race_posts(h: WireHarness, title_prefix: str) -> list[MessageOut]:
    return [
        m
        for m in h.sent_messages(h.world.plenary, include_interactions=False)
        if m.embed and m.embed.get("title", "").startswith(title_prefix)
    ]


async def runner_waits(h: WireHarness, clock: FakeClock, race_id: int) -> None:
    """Until the race's task sleeps on the clock again (or has ended)."""
    task = services(h).races.running_task(race_id)

    def idle() -> bool:
        current = services(h).races.running_task(race_id)
        return current is None or current.done() or clock.sleepers > 0

    await wait_until(idle)
    await h.settle()
    assert task is None or not task.done() or task.exception() is None


async def start_race(
    h: WireHarness, clock: FakeClock, **options: Any
) -> tuple[int, InteractionResult]:
    started = await h.slash(h.world.facilitator, "quiz class", options=options)
    assert not started.response.ephemeral
    assert started.response.content.startswith("🏁 **Quiz race!**")
    async with h.bot.database.transaction() as tx:  # type: ignore[attr-defined]
        race = await tx.quiz_race.running_in_channel(h.world.plenary.id)
    assert race is not None
    await runner_waits(h, clock, race.id)
    return race.id, started


def current_question(h: WireHarness, number: int) -> tuple[MessageOut, Question]:
    posts = race_posts(h, f"Race question {number} of")
    assert len(posts) == 1, [m.embed for m in race_posts(h, "Race question")]
    message = posts[0]
    return message, question_of(h.message(message))


async def send_answer(
    h: WireHarness, user: Any, message: MessageOut, q: Question, value: str, *, settle: bool = False
) -> InteractionResult:
    if q.is_choice:
        result = await h.click(
            user, message, button(h.message(message), f":ans:{value}"), settle=settle
        )
    else:
        opened = await h.click(user, message, button(h.message(message), ":open"))
        await answered(h, opened)
        assert opened.response.type_name == "modal"
        result = await h.submit_modal(user, opened, {"answer": value}, settle=settle)
    if settle:
        await answered(h, result)
    return result
