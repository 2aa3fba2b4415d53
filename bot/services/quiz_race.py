"""Class races: questions in the channel against the clock, one answer per student, points.

The race lives in the database (`quiz_races`), and one task per race (`parley-bg:quiz-race:<id>`)
walks it through asking → closed (points awarded) → shown (results posted) → the next question
… → finished. Each step is a compare-and-set, so a restarted bot picks a race up where it was
(an overdue question closes at once, its late answers excluded) and nothing is awarded twice.
Time comes from an injectable clock, so tests move it instead of sleeping.

Why races do not run on the timer service (`bot.services.timers`), which every other deadline
uses — they could, but not without changing three things this loop relies on:
- Failure policy. A timer handler that raises is retried (1 s, 2 s, 4 s …, five attempts) and
  its timer fires at least once more after a restart. A race step posts to Discord *before* its
  compare-and-set records it (the question message, then its id), so a retried step can post a
  question twice; here this loop decides what a failed post means (below) instead.
- Early wake-ups. "First correct" closes a question on the answer that wins it, and "End race"
  stops it at once: this task waits on the clock *or* an in-memory event. On the timer service
  each of those would be a `reschedule(key, now)` (a database write and a dispatcher wake-up)
  from the path that records the answer.
- Tests. The race wire tests step the race by its task (`running_task`); moving it means
  rewriting them, which issue 11 (a move with behaviour unchanged) does not allow.
So a race keeps one task of its own, on the same injected clock; `resume_all` plays the role the
timer service's restart handling plays for rounds.

A race never stops silently. The announcer retries what Discord fails for a passing reason; what
it still cannot post comes back as an exception. A question that cannot be posted is skipped with
a note (no one could answer it) and the race goes on; after `MAX_UNPOSTABLE` questions in a row
could not be posted, or when Discord refuses for good (`PostFailed` with a notice), the race ends,
keeps the points so far and tells the facilitator what happened and what to fix. Results or final
standings that cannot be shown are noted the same way; the points are in the database either way.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol, cast

from bot.clock import Clock, SystemClock
from bot.db.engine import Database
from bot.db.models.quiz import QuizRace, QuizRaceAnswer
from bot.db.repositories.quiz_race import (
    DuplicateRaceAnswer,
    LeaderboardDelta,
    RaceAlreadyRunning,
)
from bot.domain.choice_order import shuffled_for
from bot.domain.echo import echo
from bot.domain.quiz import (
    BadAnswer,
    Question,
    RaceAnswer,
    RaceMode,
    Standing,
    award_points,
    check,
    rank,
)
from bot.errors import UserFacingError
from bot.services.quiz_catalogue import QuizCatalogue

__all__ = [
    "MAX_RACE_COUNT",
    "MAX_RACE_SECONDS",
    "MAX_UNPOSTABLE",
    "MIN_RACE_SECONDS",
    "PAUSE_BETWEEN_QUESTIONS",
    "AnswerReceipt",
    "PostFailed",
    "QuestionResult",
    "QuizRaceService",
    "RaceAnnouncer",
    "RaceInfo",
    "RaceNotifier",
]

log = logging.getLogger(__name__)

MAX_RACE_COUNT = 20
MIN_RACE_SECONDS = 10
MAX_RACE_SECONDS = 300
PAUSE_BETWEEN_QUESTIONS = 6.0
"""Seconds between one question's results and the next question, to read the explanation."""
LATE_AFTER = timedelta(seconds=5)
MAX_UNPOSTABLE = 2
"""Questions in a row that could not be posted before the race ends (the channel is unusable)."""
MAX_STORED_ANSWER = 1000


def race_order_key(race_id: int) -> str:
    """Everyone in a race sees one message: its choices are shuffled once for the race."""
    return f"race:{race_id}"


@dataclass(frozen=True, slots=True)
class RaceInfo:
    race_id: int
    guild_id: int
    channel_id: int
    label: str
    mode: RaceMode
    seconds: int
    position: int
    total: int
    deadline: datetime | None
    question_message_id: int | None
    started_by: int = 0


class PostFailed(Exception):
    """The announcer could not post, after its own retries.

    `notice` (for the facilitator: what failed and what to fix) when Discord refused for good (a
    missing permission, a deleted channel): the race cannot go on there. None for a passing
    failure that outlasted the retries. `cause` keys the notice, so each is said once a race.
    """

    def __init__(self, what: str, notice: str | None = None, cause: str | None = None) -> None:
        super().__init__(what)
        self.notice = notice
        self.cause = cause or notice


@dataclass(frozen=True, slots=True)
class QuestionResult:
    answered: int
    correct_users: tuple[int, ...]
    """Students who answered right, first first."""
    scorers: tuple[int, ...]
    late: bool
    """The bot was offline when time ran out: the question closed late."""


@dataclass(frozen=True, slots=True)
class AnswerReceipt:
    race: RaceInfo
    question: Question
    given: str


class RaceAnnouncer(Protocol):
    """What a race shows in its channel (implemented with discord.py in cogs/quiz/race_views.py)."""

    async def wait_until_ready(self) -> None: ...

    def serves(self, guild_id: int) -> bool: ...

    async def post_question(self, race: RaceInfo, question: Question) -> int | None: ...

    async def post_results(
        self, race: RaceInfo, question: Question, result: QuestionResult
    ) -> None: ...

    async def post_final(
        self, race: RaceInfo, standings: list[Standing], stopped: bool
    ) -> None: ...

    async def post_failure(self, race: RaceInfo) -> None: ...


class RaceNotifier(Protocol):
    """Where a race says what went wrong (implemented with discord.py on the Discord side)."""

    async def post_note(self, race: RaceInfo, text: str) -> None:
        """A short line in the race's channel (a skipped question)."""
        ...

    async def tell_facilitator(self, race: RaceInfo, text: str) -> None:
        """Where the facilitator who started the race sees it even if the channel refuses
        Parley (a direct message)."""
        ...


class LogNotifier:
    """The notifier when none is given: the log only."""

    async def post_note(self, race: RaceInfo, text: str) -> None:
        log.warning("Quiz race %s: %s", race.race_id, text)

    async def tell_facilitator(self, race: RaceInfo, text: str) -> None:
        log.warning("Quiz race %s, for the facilitator: %s", race.race_id, text)


def _already_running(race: QuizRace) -> UserFacingError:
    return UserFacingError(
        f"A quiz race is already running here (question {race.position + 1} of "
        f"{len(race.items)}). Press “End race” on its question to stop it first."
    )


def _info(race: QuizRace) -> RaceInfo:
    return RaceInfo(
        race.id,
        race.guild_id,
        race.channel_id,
        race.label,
        cast(RaceMode, race.mode),
        race.seconds,
        race.position,
        len(race.items),
        race.deadline,
        race.question_message_id,
        race.started_by,
    )


class QuizRaceService:
    def __init__(
        self,
        database: Database,
        catalogue: QuizCatalogue,
        announcer: RaceAnnouncer,
        clock: Clock | None = None,
        rng: random.Random | None = None,
        notifier: RaceNotifier | None = None,
    ) -> None:
        self._db = database
        self.catalogue = catalogue
        self.announcer = announcer
        self.notifier: RaceNotifier = notifier or LogNotifier()
        self.clock = clock or SystemClock()
        self._rng = rng or random.Random()
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._wake: dict[int, asyncio.Event] = {}
        self._unpostable: dict[int, int] = {}  # race id -> questions in a row not posted
        self._told: dict[int, set[str]] = {}  # race id -> causes the facilitator was told

    # --- commands -------------------------------------------------------------------------

    async def start(
        self,
        *,
        guild_id: int,
        channel_id: int,
        started_by: int,
        count: int,
        seconds: int,
        mode: RaceMode,
        scenario_id: str | None = None,
        topic: str | None = None,
    ) -> RaceInfo:
        if not 1 <= count <= MAX_RACE_COUNT:
            raise UserFacingError(f"A race has 1 to {MAX_RACE_COUNT} questions.")
        if not MIN_RACE_SECONDS <= seconds <= MAX_RACE_SECONDS:
            raise UserFacingError(
                f"Give each question {MIN_RACE_SECONDS} to {MAX_RACE_SECONDS} seconds."
            )
        scenario = self.catalogue.scenario(scenario_id)
        questions = self.catalogue.scenario_questions(scenario.id)
        label = f"Class race · {scenario.title}"
        if topic:
            wanted = topic.strip().casefold()
            found = next((t for t in scenario.topics if wanted in (t.id, t.title.casefold())), None)
            if found is None:
                names = ", ".join(t.title for t in scenario.topics)
                raise UserFacingError(f"There is no topic “{echo(topic)}”. Pick one of: {names}.")
            questions = [q for q in questions if q.topic == found.id]
            label += f" · {found.title}"
        if not questions:
            raise UserFacingError("There are no questions to race on.")
        picked = self._rng.sample(questions, min(count, len(questions)))
        try:
            async with self._db.transaction() as tx:
                running = await tx.quiz_race.running_in_channel(channel_id)
                if running is not None:
                    raise _already_running(running)
                race = await tx.quiz_race.create(
                    guild_id=guild_id,
                    channel_id=channel_id,
                    started_by=started_by,
                    label=label,
                    items=[q.key for q in picked],
                    seconds=seconds,
                    mode=mode,
                    position=0,
                    state="asking",
                    accepting=True,
                    deadline=self.clock.now() + timedelta(seconds=seconds),
                )
                info = _info(race)
        except RaceAlreadyRunning:  # started by someone else since we looked
            async with self._db.transaction() as tx:
                running = await tx.quiz_race.running_in_channel(channel_id)
            if running is None:
                raise UserFacingError(
                    "Another race just started and ended here; start yours again."
                ) from None
            raise _already_running(running) from None
        self._spawn(race.id)
        return info

    async def answer(self, race_id: int, position: int, user_id: int, given: str) -> AnswerReceipt:
        """Store a student's one answer to an open question, or say why not."""
        async with self._db.transaction() as tx:
            race = await tx.quiz_race.get(race_id)
            if race is None or race.state == "finished":
                raise UserFacingError("This race is over. Your teacher can start another one.")
            if race.position != position or race.state != "asking" or not race.accepting:
                raise UserFacingError("Too late: that question has closed.")
            found = await self.catalogue.questions(tx, [race.items[position]])
        question = found.get(race.items[position])
        if question is None:
            raise UserFacingError("This question is no longer available; wait for the next one.")
        question = shuffled_for(question, race_order_key(race_id))
        try:
            verdict = check(question, given)
        except BadAnswer as exc:
            raise UserFacingError(str(exc)) from exc
        now = self.clock.now()
        if race.deadline is not None and now > race.deadline:
            raise UserFacingError("Time is up for this question; wait for the next one.")
        try:
            async with self._db.transaction() as tx:
                if not await tx.quiz_race.take_answer_slot(race_id, position):
                    raise UserFacingError("Too late: that question has closed.")
                await tx.quiz_race.add_answer(
                    race_id=race_id,
                    position=position,
                    user_id=user_id,
                    answer=given[:MAX_STORED_ANSWER],
                    correct=verdict.correct,
                    score=verdict.score,
                    answered_at=now,
                )
        except DuplicateRaceAnswer:
            raise UserFacingError(
                "You have already answered this question (one answer each). Results come when "
                "it closes."
            ) from None
        if verdict.correct and race.mode == "first":
            self._event(race_id).set()
        return AnswerReceipt(_info(race), question, verdict.given)

    async def stop(self, race_id: int) -> bool:
        """Ask the race to end after awarding the open question; False if it already ended."""
        async with self._db.transaction() as tx:
            stopped = await tx.quiz_race.request_stop(race_id)
        if stopped:
            self._event(race_id).set()
            self._spawn(race_id)
        return stopped

    async def race(self, race_id: int) -> RaceInfo | None:
        async with self._db.transaction() as tx:
            race = await tx.quiz_race.get(race_id)
            return _info(race) if race else None

    async def leaderboard(self, guild_id: int) -> list[Standing]:
        async with self._db.transaction() as tx:
            rows = await tx.quiz_race.leaderboard(guild_id)
        return rank(Standing(0, r.user_id, r.points, r.correct, r.answered, r.races) for r in rows)

    # --- the runner -----------------------------------------------------------------------

    async def resume_all(self) -> int:
        """Carry on every race left unfinished (e.g. by a restart); returns how many."""
        async with self._db.transaction() as tx:
            races = await tx.quiz_race.unfinished()
        for race in races:
            self._spawn(race.id)
        return len(races)

    def running_task(self, race_id: int) -> asyncio.Task[None] | None:
        return self._tasks.get(race_id)

    async def close(self) -> None:
        """Stop every runner (the bot is shutting down; the races resume on the next start)."""
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()

    def _event(self, race_id: int) -> asyncio.Event:
        return self._wake.setdefault(race_id, asyncio.Event())

    def _spawn(self, race_id: int) -> None:
        task = self._tasks.get(race_id)
        if task is not None and not task.done():
            return
        self._tasks[race_id] = asyncio.create_task(
            self._run(race_id), name=f"parley-bg:quiz-race:{race_id}"
        )

    async def _run(self, race_id: int) -> None:
        race: QuizRace | None = None
        try:
            await self.announcer.wait_until_ready()
            while True:
                self._event(race_id).clear()
                async with self._db.transaction() as tx:
                    race = await tx.quiz_race.get(race_id)
                if race is None or race.state == "finished":
                    return
                if not self.announcer.serves(race.guild_id):
                    return  # another shard's process runs this server's races
                if not await self._step(race):
                    return
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("Quiz race %s failed; ending it", race_id)
            await self._fail(race_id, race)
        finally:
            if self._tasks.get(race_id) is asyncio.current_task():
                del self._tasks[race_id]
            self._wake.pop(race_id, None)
            self._unpostable.pop(race_id, None)
            self._told.pop(race_id, None)

    async def _step(self, race: QuizRace) -> bool:
        """Do the next thing the race needs; False when it is over."""
        if race.state == "asking":
            if race.question_message_id is None and not race.stop_requested:
                await self._post_question(race)
            elif race.stop_requested or await self._time_to_close(race):
                await self._close(race)
            else:
                await self._wait(race, race.deadline)
            return True
        if race.state == "closed":
            await self._show(race)
            return True
        # "shown": the next question, or the end
        if race.stop_requested or race.position + 1 >= len(race.items):
            await self._finish(race)
            return False
        pause_until = self.clock.now() + timedelta(seconds=PAUSE_BETWEEN_QUESTIONS)
        if not await self._wait(race, pause_until):
            return True  # woken (a stop): look again
        async with self._db.transaction() as tx:
            await tx.quiz_race.open_next(
                race.id, race.position, self.clock.now() + timedelta(seconds=race.seconds)
            )
        return True

    async def _question(self, race: QuizRace) -> Question:
        key = race.items[race.position]
        async with self._db.transaction() as tx:
            found = await self.catalogue.questions(tx, [key])
        if key not in found:
            raise LookupError(f"race {race.id}: question {key} is gone from its bank")
        return shuffled_for(found[key], race_order_key(race.id))

    async def _post_question(self, race: QuizRace) -> None:
        question = await self._question(race)
        try:
            message_id = await self.announcer.post_question(_info(race), question)
        except Exception as error:
            await self._unpostable_question(race, error)
            return
        self._unpostable.pop(race.id, None)
        async with self._db.transaction() as tx:
            await tx.quiz_race.set_question_message(race.id, race.position, message_id or 0)

    async def _unpostable_question(self, race: QuizRace, error: Exception) -> None:
        """Skip a question no one could see (a refusal is explained to the facilitator); end
        the race after `MAX_UNPOSTABLE` in a row: the channel is unusable."""
        number = race.position + 1
        log.warning("Quiz race %s: question %s could not be posted: %r", race.id, number, error)
        count = self._unpostable[race.id] = self._unpostable.get(race.id, 0) + 1
        last = race.position + 1 >= len(race.items)
        too_many = count >= MAX_UNPOSTABLE
        async with self._db.transaction() as tx:
            await tx.quiz_race.close(race.id, race.position)
            await tx.quiz_race.mark_shown(race.id, race.position)
            if not (last or too_many):
                await tx.quiz_race.open_next(
                    race.id, race.position, self.clock.now() + timedelta(seconds=race.seconds)
                )
        notice = error.notice if isinstance(error, PostFailed) else None
        cause = error.cause if isinstance(error, PostFailed) else None
        if too_many:
            told = self._told.setdefault(race.id, set())
            why = "Discord kept failing."
            if notice:
                why = "" if (cause or notice) in told else notice  # said once per cause
                told.add(cause or notice)
            note = " ".join(
                part
                for part in (
                    f"The quiz race in <#{race.channel_id}> ended early: Parley could not post "
                    f"question {number} of {len(race.items)}.",
                    why,
                    "Points scored so far are kept; start a new race with /quiz class.",
                )
                if part
            )
            await self._finish(race, note=note, cause="race-ended")
            return
        if notice:
            await self._tell(race, f"{notice} (Race question {number} was skipped.)", cause)
        skipped = f"⚠️ Question {number} could not be posted, so it was skipped."
        await self._note(_info(race), skipped)

    async def _note(self, info: RaceInfo, text: str) -> None:
        try:
            await self.notifier.post_note(info, text)
        except Exception:
            log.warning("Quiz race %s: could not post the note %r", info.race_id, text)

    async def _tell(self, race: QuizRace | RaceInfo, text: str, cause: str | None = None) -> None:
        """Tell the facilitator, once per cause a race."""
        info = race if isinstance(race, RaceInfo) else _info(race)
        told = self._told.setdefault(info.race_id, set())
        key = cause or text
        if key in told:
            return
        told.add(key)
        try:
            await self.notifier.tell_facilitator(info, text)
        except Exception:
            log.exception("Quiz race %s: could not tell the facilitator: %s", info.race_id, text)

    async def _time_to_close(self, race: QuizRace) -> bool:
        if race.deadline is None or self.clock.now() >= race.deadline:
            return True
        if race.mode == "first":
            async with self._db.transaction() as tx:
                return await tx.quiz_race.has_correct(race.id, race.position)
        return False

    async def _wait(self, race: QuizRace, until: datetime | None) -> bool:
        """Sleep until `until` unless woken first; True if the time came."""
        if until is None:
            return True
        seconds = (until - self.clock.now()).total_seconds()
        if seconds <= 0:
            return True
        wake = asyncio.ensure_future(self._event(race.id).wait())
        sleep = asyncio.ensure_future(self.clock.sleep(seconds))
        try:
            done, _ = await asyncio.wait({wake, sleep}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for future in (wake, sleep):
                future.cancel()
        return sleep in done

    async def _close(self, race: QuizRace) -> None:
        now = self.clock.now()
        async with self._db.transaction() as tx:
            if not await tx.quiz_race.close(race.id, race.position):
                return
            answers = await tx.quiz_race.answers(race.id, race.position)
            points = award_points(cast(RaceMode, race.mode), _race_answers(answers))
            await tx.quiz_race.set_points(points)
            await tx.quiz_race.add_to_leaderboard(
                race.guild_id,
                [
                    LeaderboardDelta(a.user_id, points.get(a.id, 0), int(a.correct), 1)
                    for a in answers
                ],
                now,
            )

    async def _show(self, race: QuizRace) -> None:
        async with self._db.transaction() as tx:
            answers = await tx.quiz_race.answers(race.id, race.position)
        late = race.deadline is not None and self.clock.now() - race.deadline > LATE_AFTER
        result = QuestionResult(
            answered=len(answers),
            correct_users=tuple(a.user_id for a in answers if a.correct),
            scorers=tuple(a.user_id for a in answers if a.points > 0),
            late=late,
        )
        try:
            await self.announcer.post_results(_info(race), await self._question(race), result)
        except Exception as error:  # the points are awarded; the race goes on
            log.warning("Quiz race %s: results %s not shown: %r", race.id, race.position, error)
            if isinstance(error, PostFailed) and error.notice:
                await self._tell(race, error.notice, error.cause)
        async with self._db.transaction() as tx:
            await tx.quiz_race.mark_shown(race.id, race.position)

    async def _finish(
        self, race: QuizRace, *, note: str | None = None, cause: str | None = None
    ) -> None:
        """End the race, keeping its points; `note` (it ended early) goes to the facilitator."""
        async with self._db.transaction() as tx:
            if not await tx.quiz_race.finish(race.id, self.clock.now()):
                return
            totals = await tx.quiz_race.totals(race.id)
            await tx.quiz_race.add_to_leaderboard(
                race.guild_id,
                [LeaderboardDelta(t.user_id, races=1) for t in totals],
                self.clock.now(),
            )
        standings = rank(Standing(0, t.user_id, t.points, t.correct, t.answered) for t in totals)
        if note is not None:
            await self._tell(race, note, cause)
        try:
            await self.announcer.post_final(
                _info(race), standings, race.stop_requested or bool(note)
            )
        except Exception as error:
            log.warning("Quiz race %s: final standings not shown: %r", race.id, error)
            if note is None:
                await self._tell(
                    race,
                    f"The quiz race in <#{race.channel_id}> is over, but Parley could not post "
                    "the final standings there"
                    + (
                        f": {error.notice}"
                        if isinstance(error, PostFailed) and error.notice
                        else "."
                    )
                    + " The points are kept: /quiz leaderboard shows them.",
                )

    async def _fail(self, race_id: int, race: QuizRace | None) -> None:
        try:
            async with self._db.transaction() as tx:
                await tx.quiz_race.finish(race_id, self.clock.now())
        except Exception:
            log.exception("Could not end quiz race %s", race_id)
        if race is None:
            return
        try:
            await self.announcer.post_failure(_info(race))
        except Exception:
            log.warning("Could not post the failure of quiz race %s in its channel", race_id)
            await self._tell(
                race,
                f"The quiz race in <#{race.channel_id}> stopped because of a problem on Parley's "
                "side (see the log). Points scored so far are kept.",
            )


def _race_answers(answers: Sequence[QuizRaceAnswer]) -> list[RaceAnswer]:
    return [RaceAnswer(a.id, a.user_id, a.correct, a.answered_at) for a in answers]
