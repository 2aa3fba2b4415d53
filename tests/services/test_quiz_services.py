"""The quiz services without Discord, on both backends: time limits, late closing, failures,
and items that disappear from a re-imported bank."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta
from functools import partial

import pytest

from bot.clock import FakeClock
from bot.content.models import Scenario
from bot.content.red_trivia import parse_red_trivia
from bot.db.engine import Database
from bot.db.repositories.quiz_race import QuizRaceRepository
from bot.domain.quiz import Question, Standing
from bot.errors import UserFacingError
from bot.services.quiz import build_quiz_services
from bot.services.quiz_banks import store_trivia_list
from bot.services.quiz_catalogue import QuizCatalogue
from bot.services.quiz_practice import PracticeFilter, RunScreen, Summary
from bot.services.quiz_race import QuestionResult, RaceInfo
from tests.waiting import wait_until

GUILD, CHANNEL, TEACHER, ANN, BEN = 1, 2, 3, 10, 11


class RecordingNotifier:
    def __init__(self) -> None:
        self.notes: list[tuple[int, str]] = []
        self.told: list[tuple[int, str]] = []

    async def post_note(self, race: RaceInfo, text: str) -> None:
        self.notes.append((race.race_id, text))

    async def tell_facilitator(self, race: RaceInfo, text: str) -> None:
        self.told.append((race.race_id, text))


class RecordingAnnouncer:
    def __init__(self, fail_on_question: bool = False) -> None:
        self.fail_on_question = fail_on_question
        self.posted: list[tuple[str, object]] = []

    async def wait_until_ready(self) -> None:
        return None

    def serves(self, guild_id: int) -> bool:
        return True

    async def post_question(self, race: RaceInfo, question: Question) -> int | None:
        if self.fail_on_question:
            raise RuntimeError("Discord is down")
        self.posted.append(("question", question.key))
        return 1000 + race.position

    async def post_results(
        self, race: RaceInfo, question: Question, result: QuestionResult
    ) -> None:
        self.posted.append(("results", result))

    async def post_final(self, race: RaceInfo, standings: list[Standing], stopped: bool) -> None:
        self.posted.append(("final", standings))

    async def post_failure(self, race: RaceInfo) -> None:
        self.posted.append(("failure", race.race_id))


async def test_race_answers_respect_time_and_closing(
    database: Database, scenarios: Mapping[str, Scenario]
) -> None:
    clock = FakeClock()
    announcer = RecordingAnnouncer()
    services = build_quiz_services(database, scenarios, announcer, clock)
    races = services.races
    race = await races.start(
        guild_id=GUILD,
        channel_id=CHANNEL,
        started_by=TEACHER,
        count=1,
        seconds=30,
        mode="all",
        scenario_id="hanoi-2019",
    )
    await wait_until(lambda: clock.sleepers == 1)
    [(_, key)] = announcer.posted
    question = {q.key: q for q in services.catalogue.scenario_questions("hanoi-2019")}[str(key)]
    right = question.answer if question.is_choice else question.accept[0]

    receipt = await races.answer(race.race_id, 0, ANN, right)
    assert receipt.race.deadline == clock.now() + timedelta(seconds=30)
    with pytest.raises(UserFacingError, match="already answered"):
        await races.answer(race.race_id, 0, ANN, right)
    with pytest.raises(UserFacingError, match="Too late"):
        await races.answer(race.race_id, 1, BEN, right)  # not the open question

    await clock.advance(31)  # past the deadline: whether or not the runner has closed it yet
    with pytest.raises(UserFacingError, match=r"Time is up|Too late"):
        await races.answer(race.race_id, 0, BEN, right)
    task = races.running_task(race.race_id)
    await wait_until(lambda: task is None or task.done())
    with pytest.raises(UserFacingError, match="This race is over"):
        await races.answer(race.race_id, 0, BEN, right)
    kinds = [kind for kind, _ in announcer.posted]
    assert kinds == ["question", "results", "final"]
    result = announcer.posted[1][1]
    assert isinstance(result, QuestionResult)
    assert (result.answered, result.correct_users, result.late) == (1, (ANN,), False)
    assert await races.leaderboard(GUILD) == [Standing(1, ANN, 1, 1, 1, 1)]


async def test_a_race_resumed_late_closes_at_once_and_says_so(
    database: Database, scenarios: Mapping[str, Scenario]
) -> None:
    clock = FakeClock()
    first = build_quiz_services(database, scenarios, RecordingAnnouncer(), clock)
    race = await first.races.start(
        guild_id=GUILD, channel_id=CHANNEL, started_by=TEACHER, count=1, seconds=30, mode="first"
    )
    await wait_until(lambda: clock.sleepers == 1)
    await first.races.close()  # the process stops
    await clock.advance(600)

    announcer = RecordingAnnouncer()
    second = build_quiz_services(database, scenarios, announcer, clock)
    assert await second.races.resume_all() == 1
    task = second.races.running_task(race.race_id)
    await wait_until(lambda: task is None or task.done())
    assert [kind for kind, _ in announcer.posted] == ["results", "final"]  # no second question
    result = announcer.posted[0][1]
    assert isinstance(result, QuestionResult) and result.late and result.answered == 0
    assert await second.races.resume_all() == 0


async def test_a_race_whose_questions_cannot_be_posted_ends_and_says_so(
    database: Database, scenarios: Mapping[str, Scenario], caplog: pytest.LogCaptureFixture
) -> None:
    clock = FakeClock()
    announcer = RecordingAnnouncer(fail_on_question=True)
    notifier = RecordingNotifier()
    races = build_quiz_services(database, scenarios, announcer, clock, notifier).races
    with caplog.at_level(logging.WARNING, logger="bot.services.quiz_race"):
        race = await races.start(
            guild_id=GUILD, channel_id=CHANNEL, started_by=TEACHER, count=3, seconds=30, mode="all"
        )
        task = races.running_task(race.race_id)
        await wait_until(lambda: task is None or task.done())
    # question 1 skipped with a note; question 2 neither: the channel is unusable, the race ends
    assert notifier.notes == [
        (race.race_id, "⚠️ Question 1 could not be posted, so it was skipped.")
    ]
    [(race_id, told)] = notifier.told
    assert race_id == race.race_id and "ended early" in told and "question 2 of 3" in told
    assert "Points scored so far are kept" in told
    assert [kind for kind, _ in announcer.posted] == ["final"]
    assert any("Discord is down" in r.getMessage() for r in caplog.records)
    # the channel is free for a new race
    again = await races.start(
        guild_id=GUILD, channel_id=CHANNEL, started_by=TEACHER, count=1, seconds=30, mode="all"
    )
    assert again.race_id != race.race_id
    await races.close()


async def test_race_options_are_checked(
    database: Database, scenarios: Mapping[str, Scenario]
) -> None:
    races = build_quiz_services(database, scenarios, RecordingAnnouncer(), FakeClock()).races
    start = partial(races.start, guild_id=GUILD, channel_id=CHANNEL, started_by=TEACHER, mode="all")
    with pytest.raises(UserFacingError, match="1 to 20 questions"):
        await start(count=0, seconds=30)
    with pytest.raises(UserFacingError, match="10 to 300 seconds"):
        await start(count=3, seconds=5)
    with pytest.raises(UserFacingError, match="There is no topic “weather”"):
        await start(count=3, seconds=30, topic="weather")


async def test_a_practice_item_removed_from_its_bank_is_skipped(
    database: Database, scenarios: Mapping[str, Scenario]
) -> None:
    clock = FakeClock()
    practice = build_quiz_services(database, scenarios, RecordingAnnouncer(), clock).practice
    three = parse_red_trivia("One?: [a]\nTwo?: [b]\nThree?: [c]\n")
    await store_trivia_list(database, three, "abc", "abc.yaml")
    screen = await practice.start_practice(ANN, GUILD, PracticeFilter(bank="abc", count=3))
    assert isinstance(screen, RunScreen) and screen.total == 3
    first = screen.question.prompt

    rest = [p for p in ("One?", "Two?", "Three?") if p != first]
    kept = parse_red_trivia(f"{first}: [x]\n{rest[0]}: [y]\n")  # rest[1] removed
    await store_trivia_list(database, kept, "abc", "abc.yaml")
    answered = await practice.answer(screen.run_id, ANN, 0, "x")
    assert isinstance(answered, RunScreen) and answered.verdict and answered.verdict.correct
    seen = [first]
    current: RunScreen | Summary = await practice.next(screen.run_id, ANN, 0)
    while isinstance(current, RunScreen):
        seen.append(current.question.prompt)
        await practice.answer(current.run_id, ANN, current.position, "y")
        current = await practice.next(current.run_id, ANN, current.position)
    assert rest[1] not in seen and len(seen) == 2
    assert (current.answered, current.correct) == (2, 2)

    with pytest.raises(UserFacingError, match="belongs to someone else"):
        await practice.current(screen.run_id, BEN)


async def test_one_race_per_channel_even_when_two_starts_cross(
    database: Database, scenarios: Mapping[str, Scenario], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two teachers press start at the same instant: both look, see no race, and insert. The
    database keeps one; the other hears that a race is running."""
    races = build_quiz_services(database, scenarios, RecordingAnnouncer(), FakeClock()).races
    start = partial(races.start, guild_id=GUILD, started_by=TEACHER, count=3, seconds=30)
    try:
        first = await start(channel_id=CHANNEL, mode="all")

        async def looked_too_early(self: object, channel_id: int) -> None:
            monkeypatch.undo()  # the second look, after the insert failed, sees the race
            return None

        monkeypatch.setattr(QuizRaceRepository, "running_in_channel", looked_too_early)
        with pytest.raises(UserFacingError, match=r"already running here \(question 1 of 3\)"):
            await start(channel_id=CHANNEL, mode="first")
        other_channel = await start(channel_id=CHANNEL + 1, mode="all")
        assert other_channel.race_id != first.race_id
        assert await races.stop(first.race_id)
        await wait_until(lambda: (t := races.running_task(first.race_id)) is None or t.done())
        again = await start(channel_id=CHANNEL, mode="all")
        assert again.race_id not in (first.race_id, other_channel.race_id)
    finally:
        await races.close()


async def test_a_narrow_miss_carries_its_reason_and_keeps_it_when_shown_again(
    database: Database, scenarios: Mapping[str, Scenario]
) -> None:
    """Issue 16: the verdict on a wrong typed answer says how it missed; the reason is found
    again (not stored) when the same screen is shown later, and a mode that must not give
    the answer away gets a sentence without it."""
    clock = FakeClock()
    practice = build_quiz_services(database, scenarios, RecordingAnnouncer(), clock).practice
    bank = parse_red_trivia("Which country does Kim Jong-un lead?: [North Korea]\n")
    await store_trivia_list(database, bank, "korea", "korea.yaml")
    screen = await practice.start_practice(ANN, GUILD, PracticeFilter(bank="korea", count=1))
    assert isinstance(screen, RunScreen)
    answered = await practice.answer(screen.run_id, ANN, 0, "South Korea")
    assert isinstance(answered, RunScreen) and answered.verdict is not None
    verdict = answered.verdict
    assert not verdict.correct and verdict.miss is not None
    assert verdict.miss.kind == "different_word"
    shown = verdict.teaching(reveal=True)
    hidden = verdict.teaching(reveal=False)
    assert shown is not None and "north" in shown.lower()
    assert hidden is not None and "north" not in hidden.lower()

    again = await practice.current(screen.run_id, ANN)
    assert isinstance(again, RunScreen) and again.verdict is not None
    assert again.verdict.teaching(reveal=True) == shown


def test_every_pack_quotes_its_own_article_from_the_seeds_folder_it_was_loaded_with(
    scenarios: Mapping[str, Scenario],
) -> None:
    """The catalogue reads seeds where the packs came from ($PARLEY_SEEDS_DIR, which the suite
    points at shipped + fixture seeds), so the fixture pack's items quote its own paragraphs."""
    catalogue = QuizCatalogue(scenarios)
    assert len(scenarios) > 1
    for scenario_id in scenarios:
        questions = catalogue.scenario_questions(scenario_id)
        quoted = [q for q in questions if q.paragraph]
        assert quoted, scenario_id
        assert all(q.paragraph_text for q in quoted), scenario_id
