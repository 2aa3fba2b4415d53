"""The order a student sees a multiple-choice item's choices in: shuffled, and stable.

Authored order is a giveaway (authors tend to put the right answer first), so every student sees
each item's choices in an order of their own. The order is a pure function of the student, the
item and its authored choices: reopening an item, restarting the bot or answering in the
console shows the same order, with no state to store.

How it is built, so that no student can game positions either:
- every choice is first rotated by an offset that depends on the student and the number of
  choices only; the positions of the right answers across a student's whole bank are therefore
  the authored positions rotated, and an author who balanced the keys (the content check holds
  no position to more than 40 %) has balanced them for every student;
- the wrong choices are then shuffled among the remaining places, by a seed from the student
  and the item, so that two students (or two items) rarely look alike.

Choice values are kept, so grading by value is unaffected.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import replace

from bot.domain.quiz import Question

__all__ = ["choice_order", "shuffled_for"]


def _seed(*parts: object) -> int:
    """A stable 64-bit seed (``hash()`` is salted per process, so it would not be stable)."""
    text = "\x1f".join(str(part) for part in parts)
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


def choice_order(user_id: int | str, item_key: str, count: int, right: int) -> tuple[int, ...]:
    """Authored indexes in the order ``user_id`` sees them for item ``item_key``.

    ``right`` is the authored index of the right choice; it is shown at
    ``(right + offset) % count``, where the offset depends on the student and ``count`` only.
    """
    if count < 1 or not 0 <= right < count:
        raise ValueError(f"right choice {right} is not among {count} choices")
    offset = _seed("rotate", user_id, count) % count
    shown_at = (right + offset) % count
    others = [i for i in range(count) if i != right]
    random.Random(_seed("shuffle", user_id, item_key)).shuffle(others)
    return (*others[:shown_at], right, *others[shown_at:])


def shuffled_for(question: Question, user_id: int | str) -> Question:
    """``question`` with its choices in the order ``user_id`` sees them (multiple choice only).

    ``user_id`` is a student's Discord id, or for a question everyone sees at once (a class
    race) a key of that message, such as ``"race:12"``.

    True/false and which-actor items keep their order: True before False and actors in order
    of play are conventions a student relies on, not giveaways.
    """
    if question.kind != "multiple_choice" or len(question.choices) < 2:
        return question
    values = [choice.value for choice in question.choices]
    if question.answer not in values:
        return question
    order = choice_order(user_id, question.key, len(values), values.index(question.answer))
    return replace(question, choices=tuple(question.choices[i] for i in order))
