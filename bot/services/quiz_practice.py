"""Solo quizzes: practice, review and the readiness check, stored so they survive a restart.

A run is the list of items a student is working through and where they are in it. Each answer is
one transaction: the attempt (unique per run and question, so a double click counts once), the
item's Leitner card, and the run's score. Buttons carry the run id and the question's position,
so any click, even on a message from before a restart, is matched against the stored state.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.clock import Clock, SystemClock
from bot.db.engine import Database
from bot.db.models.quiz import QuizAttempt, QuizCard, QuizRun
from bot.db.repositories.quiz import DuplicateAttempt
from bot.db.unit_of_work import Transaction
from bot.domain.choice_order import shuffled_for
from bot.domain.echo import echo
from bot.domain.leitner import CardState, review
from bot.domain.quiz import (
    LEARNED_BOX,
    BadAnswer,
    Progress,
    Question,
    Verdict,
    check,
    clean_text,
    miss_of,
    plan_practice,
    progress_by_actor,
    progress_by_paragraph,
)
from bot.errors import UserFacingError
from bot.services.quiz_catalogue import QuizCatalogue

__all__ = [
    "DEFAULT_COUNT",
    "MAX_COUNT",
    "READINESS_COUNT",
    "RUN_IDLE_LIMIT",
    "NothingDue",
    "PracticeFilter",
    "QuizPracticeService",
    "RunScreen",
    "StatsReport",
    "Summary",
]

DEFAULT_COUNT = 10
MAX_COUNT = 25
READINESS_COUNT = 5
MAX_STORED_ANSWER = 1000
RUN_IDLE_LIMIT = timedelta(hours=12)
"""A run nobody touched for this long has expired; its buttons say so and how to go on."""

RUN_EXPIRED = (
    "This quiz expired after 12 hours without an answer. Type /quiz practice to start a new "
    "one, or /quiz review for the items that are due."
)
RUN_REPLACED = (
    "You started another quiz, so this one was closed. Type /quiz resume to see your current "
    "question."
)
RUN_MISSING = "I can't find this quiz any more. Type /quiz practice to start a new one."
RUN_NOT_YOURS = "This quiz belongs to someone else. Type /quiz practice to start your own."
NO_RUN = (
    "You have no quiz in progress. Type /quiz practice to start one, or /quiz review for the "
    "items that are due."
)
ANSWER_FIRST = "Answer this question first, or press Stop to end the quiz and see your summary."


@dataclass(frozen=True, slots=True)
class RunScreen:
    """A question on screen: unanswered (`verdict` None) or answered."""

    run_id: int
    kind: str
    label: str
    position: int
    total: int
    correct: int
    question: Question
    verdict: Verdict | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Summary:
    run_id: int
    kind: str
    label: str
    total: int
    answered: int
    correct: int
    missed: tuple[tuple[Question, str], ...]
    next_due: datetime | None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class NothingDue:
    """`/quiz review` with nothing due: when the next item is, if the student has any."""

    next_due: datetime | None
    has_cards: bool


@dataclass(frozen=True, slots=True)
class PracticeFilter:
    scenario: str | None = None
    topic: str | None = None
    paragraph: int | None = None
    actor: str | None = None
    bank: str | None = None
    count: int = DEFAULT_COUNT


@dataclass(frozen=True, slots=True)
class StatsReport:
    title: str
    total: int
    seen: int
    learned: int
    attempts: int
    correct: int
    due_now: int
    next_due: datetime | None
    by_paragraph: tuple[tuple[int, Progress], ...]
    by_actor: tuple[tuple[str, str, Progress], ...]
    """(actor id, "🇯🇵 Japan", progress)"""
    banks: tuple[tuple[str, int, int], ...]
    """(bank name, items seen, items in the bank) for imported banks the student practised."""


def card_state(card: QuizCard) -> CardState:
    return CardState(card.box, card.due_at, card.last_reviewed_at, card.reviews, card.lapses)


class QuizPracticeService:
    def __init__(
        self,
        database: Database,
        catalogue: QuizCatalogue,
        clock: Clock | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self._db = database
        self.catalogue = catalogue
        self.clock = clock or SystemClock()
        self._rng = rng or random.Random()

    # --- starting -------------------------------------------------------------------------

    async def start_practice(
        self, user_id: int, guild_id: int | None, wanted: PracticeFilter
    ) -> RunScreen:
        count = _clamp_count(wanted.count)
        async with self._db.transaction() as tx:
            if wanted.bank:
                questions = await self.catalogue.bank_questions(tx, wanted.bank)
                if questions is None:
                    raise UserFacingError(
                        f"There is no question bank called “{echo(wanted.bank)}”. Pick one "
                        "from the list, or ask your teacher to import it (README, “Quizzes”)."
                    )
                label = f"Practice · {questions[0].source if questions else wanted.bank}"
            else:
                questions, label = self._scenario_selection(wanted)
            if not questions:
                raise UserFacingError("That bank has no questions yet.")
            return await self._start(tx, user_id, guild_id, "practice", label, questions, count)

    def _scenario_selection(self, wanted: PracticeFilter) -> tuple[list[Question], str]:
        scenario = self.catalogue.scenario(wanted.scenario)
        questions = self.catalogue.scenario_questions(scenario.id)
        parts = [f"Practice · {scenario.title}"]
        if wanted.topic:
            text = wanted.topic.strip().casefold()
            topic = next((t for t in scenario.topics if text in (t.id, t.title.casefold())), None)
            if topic is None:
                names = ", ".join(t.title for t in scenario.topics)
                raise UserFacingError(
                    f"There is no topic “{echo(wanted.topic)}”. Pick one of: {names}."
                )
            questions = [q for q in questions if q.topic == topic.id]
            parts.append(f"topic: {topic.title}")
        if wanted.paragraph is not None:
            covered = sorted({q.paragraph for q in questions if q.paragraph is not None})
            questions = [q for q in questions if q.paragraph == wanted.paragraph]
            if not questions:
                listed = ", ".join(f"¶{n}" for n in covered)
                raise UserFacingError(
                    f"No quiz items are about ¶{wanted.paragraph}"
                    + (f" here. Items cover {listed}." if covered else ".")
                )
            parts.append(f"¶{wanted.paragraph}")
        if wanted.actor:
            actor = self.catalogue.actor(scenario, wanted.actor)
            questions = [q for q in questions if actor.id in q.actors]
            parts.append(f"{actor.flag} {actor.name}")
        if not questions:
            raise UserFacingError(
                "No quiz items match all of those choices. Try fewer: just a topic, a paragraph "
                "or an actor."
            )
        return questions, " · ".join(parts)

    async def start_review(
        self, user_id: int, guild_id: int | None, count: int = DEFAULT_COUNT
    ) -> RunScreen | NothingDue:
        """What is due, most overdue first; or when the next item will be."""
        count = _clamp_count(count)
        now = self.clock.now()
        async with self._db.transaction() as tx:
            due = await tx.quiz.due_cards(user_id, now, limit=count * 3)
            keys = [f"{c.bank}/{c.item_id}" for c in due]
            found = await self.catalogue.questions(tx, keys)
            questions = [found[k] for k in keys if k in found][:count]
            if not questions:
                next_due = await tx.quiz.next_due(user_id, now)
                has_cards = bool(await tx.quiz.cards(user_id)) if next_due is None else True
                return NothingDue(next_due, has_cards)
            label = f"Review · {len(questions)} due"
            run = await tx.quiz.create_run(
                user_id=user_id,
                guild_id=guild_id,
                kind="review",
                label=label,
                items=[q.key for q in questions],
                now=now,
            )
            screen = await self._screen(tx, run)
            assert isinstance(screen, RunScreen)
            return screen

    async def start_readiness(
        self, user_id: int, guild_id: int | None, channel_id: int, count: int = READINESS_COUNT
    ) -> RunScreen:
        """A short quiz on the student's own brief: items tagged with their actor."""
        async with self._db.transaction() as tx:
            seat = await tx.quiz.seat_in_live_session(channel_id, user_id)
            if seat is None:
                raise UserFacingError(
                    "There is no live class session in this channel. Run /quiz readiness in your "
                    "class channel (or your delegation's thread) once your teacher has started a "
                    "session."
                )
            if not seat.joined:
                raise UserFacingError(
                    "You are not in this channel's session yet: press Join on the session card, "
                    "wait for your actor, then run /quiz readiness again."
                )
            if seat.actor_id is None:
                raise UserFacingError(
                    "You have joined, but your teacher has not assigned actors yet. Once you "
                    "have yours, run /quiz readiness again."
                )
            if seat.scenario_id not in self.catalogue.scenarios:
                raise UserFacingError(
                    f"This session's scenario ({seat.scenario_id}) is not loaded on this bot."
                )
            scenario = self.catalogue.scenarios[seat.scenario_id]
            questions = [
                q
                for q in self.catalogue.scenario_questions(scenario.id)
                if seat.actor_id in q.actors
            ]
            actor = scenario.actor(seat.actor_id)
            if not questions:
                raise UserFacingError(f"There are no quiz items about {actor.name} yet.")
            label = f"Readiness · your brief as {actor.flag} {actor.name}"
            return await self._start(
                tx, user_id, guild_id, "readiness", label, questions, min(count, len(questions))
            )

    async def _start(
        self,
        tx: Transaction,
        user_id: int,
        guild_id: int | None,
        kind: str,
        label: str,
        questions: Sequence[Question],
        count: int,
    ) -> RunScreen:
        now = self.clock.now()
        cards = {f"{c.bank}/{c.item_id}": card_state(c) for c in await tx.quiz.cards(user_id)}
        keys = plan_practice([q.key for q in questions], cards, now, count, self._rng)
        run = await tx.quiz.create_run(
            user_id=user_id, guild_id=guild_id, kind=kind, label=label, items=keys, now=now
        )
        screen = await self._screen(tx, run)
        assert isinstance(screen, RunScreen)
        return screen

    # --- playing --------------------------------------------------------------------------

    async def resume(self, user_id: int) -> RunScreen | Summary:
        now = self.clock.now()
        async with self._db.transaction() as tx:
            run = await tx.quiz.active_run(user_id)
            if run is None or _expired(run, now):
                raise UserFacingError(NO_RUN)
            return await self._screen(tx, run)

    async def current(
        self, run_id: int, user_id: int, note: str | None = None
    ) -> RunScreen | Summary:
        async with self._db.transaction() as tx:
            run = await self._run(tx, run_id, user_id)
            return await self._screen(tx, run, note)

    async def answer(
        self, run_id: int, user_id: int, position: int, given: str
    ) -> RunScreen | Summary:
        """Grade and store one answer. Not-an-answer input raises `UserFacingError` and leaves
        the question open; a second answer to the same question changes nothing."""
        try:
            async with self._db.transaction() as tx:
                run = await self._run(tx, run_id, user_id)
                if run.status != "active" or run.position != position:
                    return await self._screen(
                        tx, run, "That question was already answered; here is where you are."
                    )
                screen = await self._screen(tx, run)
                if isinstance(screen, Summary):
                    return screen
                if screen.verdict is not None:
                    return replace(screen, note="You had already answered this question.")
                question = screen.question
                try:
                    verdict = check(question, given)
                except BadAnswer as exc:
                    raise UserFacingError(str(exc)) from exc
                now = self.clock.now()
                await tx.quiz.add_attempt(
                    user_id=user_id,
                    guild_id=run.guild_id,
                    run_id=run.id,
                    position=screen.position,
                    kind=run.kind,
                    bank=question.bank,
                    item_id=question.item_id,
                    answer=given[:MAX_STORED_ANSWER],
                    correct=verdict.correct,
                    score=verdict.score,
                    reason=verdict.reason,
                    answered_at=now,
                )
                await self._schedule(tx, user_id, question, verdict.correct, now)
                await tx.quiz.touch(run.id, now)
                return RunScreen(
                    run.id,
                    run.kind,
                    run.label,
                    screen.position,
                    screen.total,
                    screen.correct + verdict.correct,
                    question,
                    verdict,
                )
        except DuplicateAttempt:
            return await self.current(run_id, user_id, "You had already answered this question.")

    async def next(self, run_id: int, user_id: int, position: int) -> RunScreen | Summary:
        async with self._db.transaction() as tx:
            run = await self._run(tx, run_id, user_id)
            if run.status == "active" and run.position == position:
                if await tx.quiz.attempt_at(run.id, position) is None:
                    raise UserFacingError(ANSWER_FIRST)
                await tx.quiz.advance(run.id, position, len(run.items), self.clock.now())
                run = await self._run(tx, run_id, user_id)
            return await self._screen(tx, run)

    async def stop(self, run_id: int, user_id: int) -> Summary:
        async with self._db.transaction() as tx:
            run = await self._run(tx, run_id, user_id)
            if run.status == "active":
                await tx.quiz.end_run(run.id, "finished")
                run = await self._run(tx, run_id, user_id)
            return await self._summary(tx, run)

    async def _run(self, tx: Transaction, run_id: int, user_id: int) -> QuizRun:
        run = await tx.quiz.run(run_id)
        if run is None:
            raise UserFacingError(RUN_MISSING)
        if run.user_id != user_id:
            raise UserFacingError(RUN_NOT_YOURS)
        if run.status == "replaced":
            raise UserFacingError(RUN_REPLACED)
        if run.status == "expired" or (run.status == "active" and _expired(run, self.clock.now())):
            raise UserFacingError(RUN_EXPIRED)
        return run

    async def _screen(
        self, tx: Transaction, run: QuizRun, note: str | None = None
    ) -> RunScreen | Summary:
        """The run as it stands; items that vanished from their bank are skipped."""
        now = self.clock.now()
        while run.status == "active" and run.position < len(run.items):
            key = run.items[run.position]
            found = await self.catalogue.questions(tx, [key])
            if key in found:
                attempt = await tx.quiz.attempt_at(run.id, run.position)
                question = shuffled_for(found[key], run.user_id)  # the student's own order
                return RunScreen(
                    run.id,
                    run.kind,
                    run.label,
                    run.position,
                    len(run.items),
                    await tx.quiz.correct_in_run(run.id),
                    question,
                    _verdict(question, attempt),
                    note,
                )
            await tx.quiz.advance(run.id, run.position, len(run.items), now)
            refreshed = await tx.quiz.run(run.id)
            assert refreshed is not None
            run = refreshed
        return await self._summary(tx, run, note)

    async def _summary(self, tx: Transaction, run: QuizRun, note: str | None = None) -> Summary:
        attempts = await tx.quiz.run_attempts(run.id)
        keys = [f"{a.bank}/{a.item_id}" for a in attempts]
        found = await self.catalogue.questions(tx, keys)
        shown = {key: shuffled_for(question, run.user_id) for key, question in found.items()}
        missed = tuple(
            (shown[key], shown_answer(shown[key], a.answer))
            for key, a in zip(keys, attempts, strict=True)
            if not a.correct and key in found
        )
        next_due = await tx.quiz.next_due(run.user_id, self.clock.now())
        return Summary(
            run.id,
            run.kind,
            run.label,
            len(run.items),
            len(attempts),
            sum(a.correct for a in attempts),
            missed,
            next_due,
            note,
        )

    async def _schedule(
        self, tx: Transaction, user_id: int, question: Question, correct: bool, now: datetime
    ) -> None:
        card = await tx.quiz.card(user_id, question.bank, question.item_id)
        state = review(card_state(card) if card else None, correct, now)
        await tx.quiz.save_card(
            user_id,
            question.bank,
            question.item_id,
            box=state.box,
            due_at=state.due_at,
            last_reviewed_at=state.last_reviewed_at,
            reviews=state.reviews,
            lapses=state.lapses,
        )

    async def bank_names(self, contains: str = "") -> list[str]:
        """Imported banks whose name contains `contains` (for autocomplete)."""
        async with self._db.transaction() as tx:
            return await tx.quiz.bank_names(contains.strip(), limit=25)

    # --- progress -------------------------------------------------------------------------

    async def stats(self, user_id: int, scenario_id: str | None = None) -> StatsReport:
        scenario = self.catalogue.scenario(scenario_id)
        questions = self.catalogue.scenario_questions(scenario.id)
        now = self.clock.now()
        async with self._db.transaction() as tx:
            all_cards = await tx.quiz.cards(user_id)
            tally = await tx.quiz.tally(user_id)
            next_due = await tx.quiz.next_due(user_id, now)
            bank_rows = await self._bank_progress(tx, all_cards)
        cards: Mapping[str, CardState] = {
            f"{c.bank}/{c.item_id}": card_state(c) for c in all_cards if c.bank == scenario.id
        }
        keys = {q.key for q in questions}
        seen = [k for k in cards if k in keys]
        attempts = sum(n for k, (n, _) in tally.items() if k in keys)
        right = sum(c for k, (_, c) in tally.items() if k in keys)
        actors = {a.id: f"{a.flag} {a.name}" for a in scenario.actors}
        by_actor = progress_by_actor(questions, cards, tally, scenario.play_order)
        return StatsReport(
            title=scenario.title,
            total=len(questions),
            seen=len(seen),
            learned=sum(1 for k in seen if cards[k].box >= LEARNED_BOX),
            attempts=attempts,
            correct=right,
            due_now=sum(1 for c in all_cards if c.due_at <= now),
            next_due=next_due,
            by_paragraph=tuple(progress_by_paragraph(questions, cards, tally)),
            by_actor=tuple((a, actors.get(a, a), row) for a, row in by_actor),
            banks=tuple(bank_rows),
        )

    async def _bank_progress(
        self, tx: Transaction, cards: Sequence[QuizCard]
    ) -> list[tuple[str, int, int]]:
        rows = []
        for bank in sorted({c.bank for c in cards if c.bank.startswith("trivia:")}):
            name = bank.removeprefix("trivia:")
            questions = await self.catalogue.bank_questions(tx, name)
            if questions is None:
                continue
            keys = {q.key for q in questions}
            seen = sum(1 for c in cards if f"{c.bank}/{c.item_id}" in keys)
            rows.append((name, seen, len(keys)))
        return rows


def _clamp_count(count: int) -> int:
    return max(1, min(count, MAX_COUNT))


def _expired(run: QuizRun, now: datetime) -> bool:
    return now - run.last_activity_at > RUN_IDLE_LIMIT


def shown_answer(question: Question, stored: str) -> str:
    """A stored answer as the student should see it again (a choice's label, clean text)."""
    if question.is_choice:
        choice = question.choice(stored)
        if choice is not None:
            return question.choice_label(choice)
    return clean_text(stored)


def _verdict(question: Question, attempt: QuizAttempt | None) -> Verdict | None:
    if attempt is None:
        return None
    return Verdict(
        attempt.correct,
        attempt.score,
        attempt.reason,
        shown_answer(question, attempt.answer),
        None if attempt.correct else miss_of(question, attempt.answer),
    )
