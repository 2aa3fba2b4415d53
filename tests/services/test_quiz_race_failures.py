"""A race never stops silently: unpostable questions are skipped with a note, a refusing channel
ends the race with a word to the facilitator, and the points so far are kept (both backends)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from bot.clock import FakeClock
from bot.content.models import Scenario
from bot.db.engine import Database
from bot.domain.quiz import Question, Standing
from bot.services.quiz import QuizServices, build_quiz_services
from bot.services.quiz_race import PAUSE_BETWEEN_QUESTIONS, PostFailed, QuestionResult, RaceInfo
from tests.services.test_quiz_services import RecordingNotifier
from tests.waiting import wait_until

GUILD, CHANNEL, TEACHER, ANN = 1, 2, 3, 10
REFUSED = "Parley could not post the race question: give it **Send Messages** in <#2>."


class FlakyAnnouncer:
    """Fails the posts it is told to, by question number (1-based) and kind."""

    def __init__(self, fail: Mapping[tuple[str, int], Exception]) -> None:
        self.fail = dict(fail)
        self.posted: list[tuple[str, int]] = []

    async def wait_until_ready(self) -> None:
        return None

    def serves(self, guild_id: int) -> bool:
        return True

    def _maybe_fail(self, kind: str, race: RaceInfo) -> None:
        error = self.fail.pop((kind, race.position + 1), None)
        if error is not None:
            raise error

    async def post_question(self, race: RaceInfo, question: Question) -> int | None:
        self._maybe_fail("question", race)
        self.posted.append(("question", race.position + 1))
        return 1000 + race.position

    async def post_results(
        self, race: RaceInfo, question: Question, result: QuestionResult
    ) -> None:
        self._maybe_fail("results", race)
        self.posted.append(("results", race.position + 1))

    async def post_final(self, race: RaceInfo, standings: list[Standing], stopped: bool) -> None:
        self.posted.append(("final", len(standings)))

    async def post_failure(self, race: RaceInfo) -> None:
        self.posted.append(("failure", race.position + 1))


def right(services: QuizServices, key: str) -> str:
    """The right answer to a scenario item, whichever pack the race drew it from."""
    scenario_id = key.split("/", 1)[0]
    question = {q.key: q for q in services.catalogue.scenario_questions(scenario_id)}[key]
    return question.answer if question.is_choice else question.accept[0]


async def running(
    database: Database,
    scenarios: Mapping[str, Scenario],
    fail: Mapping[tuple[str, int], Exception],
    count: int = 3,
) -> tuple[QuizServices, FlakyAnnouncer, RecordingNotifier, FakeClock, RaceInfo]:
    clock = FakeClock()
    announcer, notifier = FlakyAnnouncer(fail), RecordingNotifier()
    services = build_quiz_services(database, scenarios, announcer, clock, notifier)
    race = await services.races.start(
        guild_id=GUILD, channel_id=CHANNEL, started_by=TEACHER, count=count, seconds=30, mode="all"
    )
    return services, announcer, notifier, clock, race


async def question_open(services: QuizServices, clock: FakeClock, race_id: int) -> RaceInfo:
    """Until the runner sleeps on an open question; returns it."""
    await wait_until(lambda: clock.sleepers == 1)
    info = await services.races.race(race_id)
    assert info is not None
    return info


async def finished(services: QuizServices, race_id: int) -> None:
    task = services.races.running_task(race_id)
    await wait_until(lambda: task is None or task.done())


async def test_an_unpostable_question_is_skipped_and_the_race_goes_on(
    database: Database, scenarios: Mapping[str, Scenario]
) -> None:
    services, announcer, notifier, clock, race = await running(
        database, scenarios, {("question", 1): PostFailed("500 after retries")}
    )
    info = await question_open(services, clock, race.race_id)
    assert info.position == 1  # question 1 skipped at once: no pause, nothing to read
    assert notifier.notes == [
        (race.race_id, "⚠️ Question 1 could not be posted, so it was skipped.")
    ]
    for _ in range(2):
        await clock.advance(timedelta(seconds=31))
        await wait_until(
            lambda: clock.sleepers == 1 or services.races.running_task(race.race_id) is None
        )
        await clock.advance(timedelta(seconds=PAUSE_BETWEEN_QUESTIONS))
    await finished(services, race.race_id)
    assert announcer.posted == [
        ("question", 2),
        ("results", 2),
        ("question", 3),
        ("results", 3),
        ("final", 0),
    ]
    assert notifier.told == []  # a passing failure: the note in the channel is enough


async def test_a_refusal_is_explained_once_and_the_race_goes_on_with_its_points(
    database: Database, scenarios: Mapping[str, Scenario]
) -> None:
    refused = PostFailed("403", notice=REFUSED, cause="403:50013:2")
    services, announcer, notifier, clock, race = await running(
        database, scenarios, {("results", 1): refused, ("question", 2): refused}
    )
    info = await question_open(services, clock, race.race_id)
    async with database.transaction() as tx:
        stored = await tx.quiz_race.get(race.race_id)
        assert stored is not None
        key = stored.items[0]
    await services.races.answer(race.race_id, info.position, ANN, right(services, key))
    await clock.advance(timedelta(seconds=31))  # question 1 closes; its results are refused
    await wait_until(lambda: clock.sleepers == 1)
    await clock.advance(timedelta(seconds=PAUSE_BETWEEN_QUESTIONS))  # question 2: refused too
    info = await question_open(services, clock, race.race_id)
    assert info.position == 2  # skipped; question 3 is open
    await clock.advance(timedelta(seconds=31))
    await finished(services, race.race_id)
    assert announcer.posted == [("question", 1), ("question", 3), ("results", 3), ("final", 1)]
    assert notifier.told == [(race.race_id, REFUSED)]  # the same cause twice: said once
    assert notifier.notes == [
        (race.race_id, "⚠️ Question 2 could not be posted, so it was skipped.")
    ]
    assert await services.races.leaderboard(GUILD) == [Standing(1, ANN, 1, 1, 1, 1)]


async def test_two_questions_in_a_row_unpostable_end_the_race_keeping_the_points(
    database: Database, scenarios: Mapping[str, Scenario]
) -> None:
    refused = PostFailed("403", notice=REFUSED, cause="403:50013:2")
    services, announcer, notifier, clock, race = await running(
        database, scenarios, {("question", 2): refused, ("question", 3): refused}, count=4
    )
    info = await question_open(services, clock, race.race_id)
    async with database.transaction() as tx:
        stored = await tx.quiz_race.get(race.race_id)
        assert stored is not None
        key = stored.items[0]
    await services.races.answer(race.race_id, info.position, ANN, right(services, key))
    await clock.advance(timedelta(seconds=31))
    await wait_until(lambda: clock.sleepers == 1)
    await clock.advance(timedelta(seconds=PAUSE_BETWEEN_QUESTIONS))
    await finished(services, race.race_id)
    assert announcer.posted == [("question", 1), ("results", 1), ("final", 1)]
    [(_, first), (_, ended)] = notifier.told
    assert first.startswith(REFUSED)
    assert "ended early" in ended and "question 3 of 4" in ended and REFUSED not in ended
    assert "Points scored so far are kept" in ended
    assert await services.races.leaderboard(GUILD) == [Standing(1, ANN, 1, 1, 1, 1)]


async def test_a_refusal_of_the_only_question_still_reaches_the_facilitator(
    database: Database, scenarios: Mapping[str, Scenario]
) -> None:
    services, announcer, notifier, _clock, race = await running(
        database,
        scenarios,
        {("question", 1): PostFailed("404", notice="The channel is gone.", cause="404:10003:2")},
        count=1,
    )
    await finished(services, race.race_id)
    assert notifier.told == [(race.race_id, "The channel is gone. (Race question 1 was skipped.)")]
    assert announcer.posted == [("final", 0)]
