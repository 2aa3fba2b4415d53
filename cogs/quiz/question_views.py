"""What the quiz UIs share: the services bundle, error routing, question embeds and buttons,
and the answer modal.

Buttons are `DynamicItem`s whose custom_id carries everything needed (`quiz:run:<run>:<pos>:…`,
`quiz:race:<race>:<pos>:…`), so buttons on any message, even one sent before a restart, reach
the stored state. Answer modals are never kept in discord.py's modal store: every submission,
before or after a restart, arrives through the cog's `on_interaction` listener and is routed by
its custom_id in the same way (`route_modal_submit`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import discord

from bot.content.seed import normalise, quoted_fragments
from bot.domain.grading import MAX_ANSWER_LENGTH
from bot.domain.quiz import Question, excerpt, letter, trim
from bot.services.quiz import QuizServices
from cogs.common.interactions import NO_MENTIONS, bot_of, guarded
from cogs.common.modals import ParleyModal
from cogs.common.scope import Scoped

__all__ = [
    "ANSWER_FIELD",
    "COG_NAME",
    "NO_MENTIONS",
    "QuestionButton",
    "QuizServices",
    "answer_buttons",
    "answer_modal",
    "answer_view",
    "guarded",
    "modal_answer",
    "paragraph_quote",
    "question_text",
    "services_of",
]

COG_NAME = "Quiz"
ANSWER_FIELD = "answer"


def services_of(interaction: discord.Interaction[Any]) -> QuizServices:
    """The quiz services, built by the composition root (`bot.quiz`)."""
    return bot_of(interaction).quiz


def question_text(question: Question, limit: int = 3500) -> str:
    """The prompt, and for multiple choice the lettered choices, for an embed description."""
    text = f"**{trim(question.prompt, 1000)}**"
    if question.kind == "multiple_choice":
        lines = [f"**{letter(i)}.** {c.label}" for i, c in enumerate(question.choices)]
        text += "\n\n" + "\n".join(lines)
    elif question.kind == "true_false":
        text += "\n\nTrue or false?"
    elif question.kind == "which_actor":
        text += "\n\nWhich actor?"
    else:
        text += "\n\nPress **Answer** and type it (a few words)."
    return trim(text, limit)


def paragraph_quote(question: Question, limit: int = 1000) -> tuple[str, str] | None:
    """(field name, quoted text) for the article paragraph an item is about: trimmed to fit
    around, and with bold, the words the explanation quotes from it."""
    if question.paragraph is None or not question.paragraph_text:
        return None
    paragraph = normalise(question.paragraph_text)
    quoted = [f for f in quoted_fragments(question.explanation or "") if len(f) >= 12]
    body = discord.utils.escape_markdown(excerpt(paragraph, quoted, limit - 2 - 4 * len(quoted)))
    for fragment in quoted:
        at = body.casefold().find(discord.utils.escape_markdown(fragment).casefold())
        if at >= 0:
            end = at + len(discord.utils.escape_markdown(fragment))
            body = f"{body[:at]}**{body[at:end]}**{body[end:]}"
    return f"¶{question.paragraph} of the article", trim(f"> {body}", limit)


def answer_buttons(
    question: Question, custom_id: Callable[[str, str | None], str]
) -> list[discord.ui.Button[Any]]:
    """One button per choice (or one "Answer" button for typed answers), rows of up to five;
    `custom_id(action, value)` names each."""
    if question.kind == "short_answer":
        return [
            discord.ui.Button(
                label="Answer",
                emoji="✏️",
                style=discord.ButtonStyle.primary,
                custom_id=custom_id("open", None),
                row=0,
            )
        ]
    buttons: list[discord.ui.Button[Any]] = []
    per_row = 3 if question.kind == "which_actor" else 5
    for index, choice in enumerate(question.choices):
        if question.kind == "multiple_choice":
            label = trim(f"{letter(index)}. {choice.label}", 80)
        else:
            label = trim(choice.label, 80)
        buttons.append(
            discord.ui.Button(
                label=label,
                emoji=choice.emoji,
                style=discord.ButtonStyle.secondary,
                custom_id=custom_id("ans", choice.value),
                row=index // per_row,
            )
        )
    return buttons


def answer_view(
    question: Question,
    custom_id: Callable[[str, str | None], str],
    wrap: Callable[[discord.ui.Button[Any]], discord.ui.Item[Any]],
    stop: tuple[str, discord.ButtonStyle],
) -> discord.ui.View:
    """A question's answer buttons plus a stop button (label, style) on the last row, each
    wrapped as its quiz's dynamic item (`wrap`): one layout for practice and races."""
    label, style = stop
    stop_button = discord.ui.Button[Any](
        label=label, style=style, custom_id=custom_id("stop", None), row=4
    )
    view = discord.ui.View(timeout=None)
    for button in [*answer_buttons(question, custom_id), stop_button]:
        view.add_item(wrap(button))
    return view


def answer_modal(custom_id: str, title: str, prompt: str) -> discord.ui.Modal:
    """The typed-answer form. It is stopped before it is sent, so discord.py does not keep it:
    the submission is routed by custom_id instead (see the module docstring)."""
    modal = ParleyModal(title=trim(title, 45), custom_id=custom_id, timeout=None)
    modal.add_item(
        discord.ui.TextInput(
            label="Your answer",
            custom_id=ANSWER_FIELD,
            placeholder=trim(prompt, 100),
            style=discord.TextStyle.short,
            required=True,
            max_length=MAX_ANSWER_LENGTH,
        )
    )
    modal.stop()
    return modal


def modal_answer(interaction: discord.Interaction[Any]) -> str:
    """The text typed into the answer field of a submitted modal ("" if absent)."""
    data: Any = interaction.data or {}
    for component in _walk(data.get("components") or []):
        if component.get("custom_id") == ANSWER_FIELD:
            return str(component.get("value") or "")
    return ""


def _walk(components: Sequence[Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for component in components:
        if not isinstance(component, dict):
            continue
        found.append(component)
        found += _walk(component.get("components") or [])
        inner = component.get("component")
        if isinstance(inner, dict):
            found += _walk([inner])
    return found


# quiz:<run|race>:<id>:<question>:<action>[:<value>]; each subclass narrows it with its own.
QUESTION_BUTTON_ID = re.compile(
    r"quiz:(?:run|race):(?P<id>[0-9]+):(?P<pos>[0-9]+):(?P<action>[a-z]+)"
    r"(?::(?P<value>[a-z0-9-]+))?"
)


class QuestionButton(
    Scoped, discord.ui.DynamicItem[discord.ui.Button[Any]], template=QUESTION_BUTTON_ID
):
    """A button on a quiz question, solo or race: its custom_id names the quiz (`quiz_id`), the
    question (`position`), what to do (`action`) and the choice (`value`), so it works after a
    restart. Subclasses give their own template (with the same groups) and `_handle`."""

    def __init__(self, button: discord.ui.Button[Any]) -> None:
        super().__init__(button)
        match = self.template.fullmatch(button.custom_id or "")
        assert match is not None
        self.quiz_id = int(match["id"])
        self.position = int(match["pos"])
        self.action = match["action"]
        self.value = match["value"] or ""

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> QuestionButton:
        assert isinstance(item, discord.ui.Button)
        return cls(item)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await guarded(interaction, self._handle(interaction))

    async def _handle(self, interaction: discord.Interaction[Any]) -> None:
        raise NotImplementedError
