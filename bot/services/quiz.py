"""The quiz feature's services, built together so they share one catalogue and one clock."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.clock import Clock, SystemClock
from bot.content.models import Scenario
from bot.db.engine import Database
from bot.services.quiz_catalogue import QuizCatalogue
from bot.services.quiz_practice import QuizPracticeService
from bot.services.quiz_race import QuizRaceService, RaceAnnouncer, RaceNotifier

__all__ = ["QuizServices", "build_quiz_services"]


@dataclass(frozen=True, slots=True)
class QuizServices:
    catalogue: QuizCatalogue
    practice: QuizPracticeService
    races: QuizRaceService


def build_quiz_services(
    database: Database,
    scenarios: Mapping[str, Scenario],
    announcer: RaceAnnouncer,
    clock: Clock | None = None,
    notifier: RaceNotifier | None = None,
) -> QuizServices:
    clock = clock or SystemClock()
    catalogue = QuizCatalogue(scenarios)
    return QuizServices(
        catalogue,
        QuizPracticeService(database, catalogue, clock),
        QuizRaceService(database, catalogue, announcer, clock, notifier=notifier),
    )
