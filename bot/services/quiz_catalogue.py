"""Every question Parley can ask: the scenarios' quiz banks and the banks imported into the
database, looked up by key ("hanoi-2019/q-01", "trivia:capitals/t-…")."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from pathlib import Path

from bot.content.loader import seeds_dir
from bot.content.models import Actor, Scenario
from bot.content.questions import scenario_questions
from bot.content.seed import load_paragraphs
from bot.db.models.quiz import QuizBank, QuizBankItem
from bot.db.unit_of_work import Transaction
from bot.domain.echo import echo
from bot.domain.quiz import Question
from bot.errors import UserFacingError

__all__ = ["TRIVIA_PREFIX", "QuizCatalogue", "bank_key", "trivia_question"]

log = logging.getLogger(__name__)

TRIVIA_PREFIX = "trivia:"


def bank_key(name: str) -> str:
    """The bank part of an imported list's item keys."""
    return f"{TRIVIA_PREFIX}{name}"


def trivia_question(bank: QuizBank, item: QuizBankItem) -> Question:
    source = f"{bank.name} (by {bank.author})" if bank.author else bank.name
    return Question(
        bank=bank_key(bank.name),
        item_id=item.item_id,
        kind="short_answer",
        prompt=item.question,
        accept=tuple(item.answers),
        source=source,
    )


class QuizCatalogue:
    def __init__(self, scenarios: Mapping[str, Scenario], seeds: Path | None = None) -> None:
        self.scenarios = scenarios
        # The same folder the packs were checked against ($PARLEY_SEEDS_DIR, else seeds/): a
        # pack kept outside the clone must find its article here too.
        self._seeds_dir = seeds if seeds is not None else seeds_dir()
        self._questions: dict[str, dict[str, Question]] = {}

    # --- scenarios ------------------------------------------------------------------------

    def scenario(self, scenario_id: str | None) -> Scenario:
        """The scenario with this id (or the only/first one when None), or a clear error."""
        if not self.scenarios:
            raise UserFacingError("No scenario is loaded, so there is nothing to quiz on yet.")
        if scenario_id is None:
            return self.scenarios[sorted(self.scenarios)[0]]
        wanted = scenario_id.strip().casefold()
        for scenario in self.scenarios.values():
            if wanted in (scenario.id, scenario.title.casefold()):
                return scenario
        names = ", ".join(f"{s.title} ({s.id})" for s in self.scenarios.values())
        raise UserFacingError(f"There is no scenario “{echo(scenario_id)}”. Pick one of: {names}.")

    def scenario_questions(self, scenario_id: str) -> list[Question]:
        return list(self._scenario_bank(scenario_id).values())

    def _scenario_bank(self, scenario_id: str) -> dict[str, Question]:
        bank = self._questions.get(scenario_id)
        if bank is None:
            scenario = self.scenarios[scenario_id]
            bank = {q.key: q for q in scenario_questions(scenario, self._paragraphs(scenario))}
            self._questions[scenario_id] = bank
        return bank

    def _paragraphs(self, scenario: Scenario) -> list[str]:
        path = self._seeds_dir / scenario.source.seed
        try:
            return load_paragraphs(path)
        except OSError:
            log.warning("Seed %s of scenario %s not found: no quoted paragraphs", path, scenario.id)
            return []

    @staticmethod
    def actor(scenario: Scenario, text: str) -> Actor:
        """An actor by id, name, alias or flag (as typed or picked), or a clear error."""
        wanted = " ".join(text.casefold().replace(".", "").split())
        for actor in scenario.actors:
            names = {actor.id, actor.name.casefold(), actor.flag}
            names |= {" ".join(a.casefold().replace(".", "").split()) for a in actor.aliases}
            if wanted in names:
                return actor
        listed = ", ".join(a.name for a in scenario.actors)
        raise UserFacingError(
            f"There is no actor “{echo(text)}” in {scenario.title}. Pick one of: {listed}."
        )

    # --- imported banks -------------------------------------------------------------------

    async def bank_questions(self, tx: Transaction, name: str) -> list[Question] | None:
        bank = await tx.quiz.bank(name.strip().casefold())
        if bank is None:
            return None
        return [trivia_question(bank, item) for item in await tx.quiz.bank_items(bank.id)]

    # --- any key --------------------------------------------------------------------------

    async def questions(self, tx: Transaction, keys: Iterable[str]) -> dict[str, Question]:
        """The questions for these keys that still exist (removed items are left out)."""
        found: dict[str, Question] = {}
        banks: dict[str, dict[str, Question]] = {}
        for key in keys:
            bank, _, _ = key.rpartition("/")
            if bank not in banks:
                banks[bank] = await self._bank(tx, bank)
            question = banks[bank].get(key)
            if question is not None:
                found[key] = question
        return found

    async def _bank(self, tx: Transaction, bank: str) -> dict[str, Question]:
        if bank in self.scenarios:
            return self._scenario_bank(bank)
        if bank.startswith(TRIVIA_PREFIX):
            questions = await self.bank_questions(tx, bank.removeprefix(TRIVIA_PREFIX))
            return {q.key: q for q in questions or []}
        return {}
