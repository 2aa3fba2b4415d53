"""Discord failing during a round and during a race (429, 500, 503, 403, 404 at the HTTP boundary
below discord.py): the round and the race finish, every caucus request arrives, the facilitator
is told once what to fix, passing failures are retried, and the transcript loses nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from bot.clock import FakeClock
from cogs.common.retry import RetryPolicy
from tests.harness import WireHarness
from tests.harness.faults import FaultInjector
from tests.harness.results import RecordedRequest
from tests.parley_fixtures import ParleyFactory
from tests.wire.quiz_helpers import (
    current_question,
    parley_on,
    race_posts,
    right_value,
    runner_waits,
    send_answer,
    services,
    start_race,
)
from tests.wire.rounds_kit import class_in_session, find
from tests.wire.test_round_class import PHASES

FAST = RetryPolicy(attempts=4, initial=0.01, maximum=0.05, jitter=0.01, attempt_timeout=5.0)
KINDS = [429, 500, 503, 403, 404]
Inject = Callable[..., FaultInjector]


def plan(fi: FaultInjector, kind: int, path: str, when: Callable[[RecordedRequest], bool]) -> None:
    """Passing failures hit twice (500: six times, past discord.py's own five tries, so
    Parley's policy retries too); refusals hit every time."""
    if kind == 429:
        fi.rate_limit("POST", path, retry_after=0.5, times=2, when=when)
    elif kind == 500:
        fi.server_error("POST", path, status=500, times=6, when=when)
    elif kind == 503:
        fi.server_error("POST", path, status=503, times=2, when=when)
    elif kind == 403:
        fi.forbidden("POST", path, when=when)
    else:
        fi.not_found("POST", path, what="channel", when=when)


def says(text: str) -> Callable[[RecordedRequest], bool]:
    def match(request: RecordedRequest) -> bool:
        body = request.json or {}
        titles = " ".join(str(e.get("title", "")) for e in body.get("embeds") or [])
        return text in f"{body.get('content') or ''} {titles}"

    return match


def seen_by_facilitator(h: WireHarness, facilitator: Any) -> list[str]:
    """Everything the facilitator could read: the bot's posts anywhere, and the replies to
    the interactions they made."""
    out = [m.text() for m in h.sent_messages(h.world.plenary, include_interactions=False)]
    out += [m.text() for m in h.sent_messages(h.dm_channel(facilitator))]
    for result in h.interactions:
        if int(result.payload.get("member", {}).get("user", {}).get("id", 0)) != facilitator.id:
            continue
        if result.responded:
            out.append(result.response.text())
        out += [f.text() for f in result.followups]
    return out


@pytest.mark.parametrize("kind", KINDS)
async def test_a_round_survives_discord_failing(
    make_parley: ParleyFactory, faults: Inject, kind: int
) -> None:
    c = await class_in_session(make_parley)
    c.bot.retry_policy = FAST
    h, w = c.h, c.h.world
    fi = faults(h)
    plan(fi, kind, f"/channels/{w.plenary.id}/messages", says("Phase"))

    await c.press("round-start")
    said: list[str] = []
    for index, (phase_kind, title, seconds) in enumerate(PHASES):
        student = w.students[index % len(w.students)]
        await h.send_message(w.plenary, student, f"said during {title}")
        said.append(f"said during {title}")
        if phase_kind == "caucus":
            japan = await c.member_of("japan")
            asked = await c.slash(japan, "caucus request", partner="china")
            assert asked.followups or asked.responded
            request = h.sent_messages(w.plenary, include_interactions=False)[-1]
            assert request.content.startswith("🤝 **Caucus request 1:**")  # it arrived
            assert f"parley:round:{c.sid}:caucus:1:approve" in request.custom_ids
        await c.advance(seconds)

    # the round finished, all seven phases
    assert await c.bot.rounds.current_phase(c.sid) is None
    started = [a for n, a in c.phase_events() if n == "parley_phase_started"]
    assert len(started) == len(PHASES)
    # the transcript lost nothing the students said
    stored = {e.content for e in await c.transcript()}
    assert set(said) <= stored

    announcements = [t for t in c.said() if "**Phase" in t and " of 7 — " in t]
    told = [t for t in seen_by_facilitator(h, w.facilitator) if "could not post" in t]
    if kind in (403, 404):
        assert announcements == []  # Discord refused every one of them
        fix = "**View Channel** and **Send Messages**" if kind == 403 else "no longer exists"
        assert len(told) == 1, told  # once, however many announcements failed
        assert fix in told[0] and f"<#{w.plenary.id}>" in told[0]
    else:
        for number, (_, title, _) in enumerate(PHASES, start=1):  # retried until they went
            find(c.said(), f"**Phase {number} of 7 — {title}**")  # through, every one
        assert told == []
        assert fi.hits  # the faults really happened
        attempts = [r for r in h.requests("POST", f"/channels/{w.plenary.id}/messages")]
        assert len([r for r in attempts if r.status >= 400]) == len(fi.hits)


@pytest.mark.parametrize("kind", KINDS)
async def test_a_race_survives_discord_failing(
    make_parley: ParleyFactory, faults: Inject, kind: int
) -> None:
    clock = FakeClock()
    h = await parley_on(make_parley, clock)
    h.bot.retry_policy = FAST  # type: ignore[attr-defined]
    w = h.world
    fi = faults(h)
    plan(fi, kind, f"/channels/{w.plenary.id}/messages", says("Race question 2 of 3"))

    race_id, _ = await start_race(h, clock, count=3, seconds=20, mode="all")
    message, q = current_question(h, 1)
    await send_answer(h, w.students[0], message, q, right_value(q), settle=True)
    for _ in range(3):
        await clock.advance(timedelta(seconds=21))
        await runner_waits(h, clock, race_id)
        await clock.advance(timedelta(seconds=7))
        await runner_waits(h, clock, race_id)
    await runner_waits(h, clock, race_id)

    assert services(h).races.running_task(race_id) is None
    [final] = race_posts(h, "🏁 Race")
    assert f"<@{w.students[0].id}>" in final.embed["description"]  # the points are kept
    posted = {m.embed["title"] for m in race_posts(h, "Race question")}
    told = [t for t in seen_by_facilitator(h, w.facilitator) if "could not post" in t]
    if kind in (403, 404):
        assert posted == {"Race question 1 of 3", "Race question 3 of 3"}  # 2 skipped
        assert len(told) == 1, told
        assert "race question 2" in told[0]
        fix = "**Send Messages**" if kind == 403 else "no longer exists"
        assert fix in told[0]
        notes = [m.content for m in h.sent_messages(w.plenary, include_interactions=False)]
        assert "⚠️ Question 2 could not be posted, so it was skipped." in notes
    else:
        assert posted == {f"Race question {n} of 3" for n in (1, 2, 3)}
        assert told == []
        assert fi.hits


async def test_when_the_plenary_refuses_everything_the_next_command_says_so_once(
    make_parley: ParleyFactory, faults: Inject
) -> None:
    """A phase ends by itself while Parley may no longer post in the plenary: the notice
    cannot go there either, so it waits for the facilitator's next round command."""
    c = await class_in_session(make_parley)
    c.bot.retry_policy = FAST
    h, w = c.h, c.h.world
    started = await c.slash(w.facilitator, "round start")
    assert "could not post" not in started.last_message.text()
    fi = faults(h)
    fi.forbidden("POST", f"/channels/{w.plenary.id}/messages")  # from now on, always
    await c.advance(PHASES[0][2])  # preparation ends, opening statements start: both refused
    assert await c.bot.rounds.current_phase(c.sid) is not None  # the round went on
    assert [t for t in seen_by_facilitator(h, w.facilitator) if "could not post" in t] == []

    paused = await c.slash(w.facilitator, "round pause")
    text = paused.last_message.text()
    assert "could not post the round's announcement" in text
    assert "**View Channel** and **Send Messages**" in text and f"<#{w.plenary.id}>" in text
    resumed = await c.slash(w.facilitator, "round resume")
    assert "could not post" not in resumed.last_message.text()  # said once
    told = [t for t in seen_by_facilitator(h, w.facilitator) if "could not post" in t]
    assert len(told) == 1
