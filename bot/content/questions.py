"""Turn a scenario's quiz items into `Question`s, with the article's own paragraph attached.

Discord and the offline console both ask these, so a student drills the same items with the
same explanations wherever they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from bot.content.models import (
    MultipleChoice,
    QuizItem,
    Scenario,
    ShortAnswer,
    TrueFalse,
    WhichActor,
)
from bot.domain.quiz import Choice, Question

__all__ = ["TRUE_FALSE", "question_from_item", "scenario_questions"]

TRUE_FALSE = (Choice("true", "True"), Choice("false", "False"))


def question_from_item(
    scenario: Scenario, item: QuizItem, paragraphs: Sequence[str] = ()
) -> Question:
    """One item of `scenario.quiz` as a `Question`; `paragraphs[0]` is ¶1 of the seed."""
    topics = {topic.id: topic.title for topic in scenario.topics}
    base = Question(
        bank=scenario.id,
        item_id=item.id,
        kind="short_answer",
        prompt=item.prompt,
        explanation=item.explanation,
        paragraph=item.paragraph,
        paragraph_text=(
            paragraphs[item.paragraph - 1] if 0 < item.paragraph <= len(paragraphs) else None
        ),
        topic=item.topic,
        topic_title=topics.get(item.topic) if item.topic else None,
        actors=tuple(item.actors),
        difficulty=item.difficulty,
        source=scenario.title,
    )
    if isinstance(item, MultipleChoice):
        choices = tuple(Choice(str(i), text) for i, text in enumerate(item.choices))
        return replace(base, kind="multiple_choice", choices=choices, answer=str(item.answer_index))
    if isinstance(item, TrueFalse):
        answer = "true" if item.answer else "false"
        return replace(base, kind="true_false", choices=TRUE_FALSE, answer=answer)
    if isinstance(item, WhichActor):
        choices = tuple(Choice(a.id, a.name, a.flag) for a in scenario.actors)
        return replace(base, kind="which_actor", choices=choices, answer=item.answer)
    assert isinstance(item, ShortAnswer)
    return replace(base, accept=tuple(item.accept), reject=tuple(item.reject))


def scenario_questions(scenario: Scenario, paragraphs: Sequence[str] = ()) -> list[Question]:
    """Every quiz item of the scenario, in the pack's order."""
    return [question_from_item(scenario, item, paragraphs) for item in scenario.quiz]
