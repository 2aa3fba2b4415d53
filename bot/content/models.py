"""The shape of a scenario pack, as pydantic v2 models.

The models enforce what can be judged one value at a time (types, enums, lengths, an answer
among its own choices). Everything that needs the whole pack or the source article (references,
verbatim quotes, coverage) is ``bot.content.check``'s job, so that it can name file, item and
field for each problem.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from bot.content.seed import normalise

__all__ = [
    "ADOPT",
    "BRIEF_CLAIM_SECTIONS",
    "FLOOR_PASSING_PHASES",
    "MAX_CHOICE_CHARS",
    "MAX_FIELD_CHARS",
    "MAX_OPTIONS",
    "MAX_POINTS",
    "Actor",
    "AgendaItem",
    "Attribution",
    "Brief",
    "Card",
    "Claim",
    "DecisionRule",
    "Exemption",
    "History",
    "MultipleChoice",
    "Objective",
    "Option",
    "OptionRule",
    "Outcome",
    "Phase",
    "PhaseKind",
    "Points",
    "Position",
    "Question",
    "QuizItem",
    "ReflectionPrompt",
    "Relation",
    "Role",
    "Scenario",
    "Schedule",
    "Section",
    "SeedMeta",
    "ShortAnswer",
    "Source",
    "Topic",
    "TrueFalse",
    "Want",
    "WhichActor",
    "answer_key",
]

MAX_FIELD_CHARS = 1000
"""One text shown as one Discord embed field: the hard limit there is 1,024 characters."""
MAX_CHOICE_CHARS = 100
"""A multiple-choice option becomes a select-menu label or button: Discord caps those at 100/80."""

Slug = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=64),
    Field(description="lower-case id: letters, digits and single hyphens"),
]
Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_FIELD_CHARS)
]
Line = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120, pattern=r"^[^\n]*$")
]
ChoiceText = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=MAX_CHOICE_CHARS, pattern=r"^[^\n]*$"
    ),
]
CardIds = Annotated[list[Slug], Field(min_length=1, description="ids of evidence cards")]


def answer_key(text: str) -> str:
    """Fold an answer for comparison: case, typographic marks, spacing, most punctuation.

    ``U.S.`` and ``us`` fold alike; ``medium-range`` and ``medium range`` too. Used to keep
    accepted and rejected answers apart and actor aliases unambiguous.
    """
    folded = normalise(text).casefold()
    folded = re.sub(r"[.'\"]", "", folded)
    folded = re.sub(r"[^\w\s]", " ", folded)
    return " ".join(folded.split())


def _colour(value: object) -> object:
    """Accept ``"#rrggbb"`` as well as an int, because designers copy hex codes."""
    if isinstance(value, str):
        match = re.fullmatch(r"#([0-9a-fA-F]{6})", value.strip())
        if match is None:
            raise ValueError("colour must be an integer or a '#rrggbb' string")
        return int(match.group(1), 16)
    return value


Colour = Annotated[
    int,
    Field(ge=0, le=0xFFFFFF),
    BeforeValidator(_colour),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "minimum": 0, "maximum": 0xFFFFFF},
                {"type": "string", "pattern": "^#[0-9a-fA-F]{6}$"},
            ],
            "description": "embed colour: an integer or '#rrggbb'",
        }
    ),
]

Want = Literal["adopted", "not_adopted", "indifferent"]
"""What an actor wants a vote on an agenda item to produce (``indifferent``: not scored)."""
Outcome = Literal["adopted", "not_adopted"]
"""What a vote (or history) produced for an agenda item."""
PhaseKind = Literal[
    "preparation", "opening_statements", "caucus", "plenary", "final_statements", "vote", "debrief"
]
FLOOR_PASSING_PHASES: frozenset[str] = frozenset({"opening_statements", "final_statements"})
"""Phases in which the floor passes from delegation to delegation: they need ``speaking_time``."""


class Model(BaseModel):
    """Base: unknown keys are errors (a typo must not silently drop content)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# --- the source ---------------------------------------------------------------------------------


class Attribution(Model):
    """Who wrote the source and where; unknowns are ``null``, never guessed."""

    author: Line
    affiliation: Text | None = Field(
        default=None, description="as the article states it, quoted verbatim"
    )
    title: Line | None = Field(default=None, description="null when the seed text lacks it")
    outlet: Line | None = Field(default=None, description="null when the seed text lacks it")
    context: Text


class Exemption(Model):
    """An analysis paragraph that need not be cited or quizzed (e.g. a one-line transition)."""

    paragraph: int = Field(ge=1)
    reason: Text


Role = Literal["analysis", "author_note", "footer", "other"]
_RANGES = re.compile(r"^\d+(?:-\d+)?(?:\s*,\s*\d+(?:-\d+)?)*$")


class SeedMeta(Attribution):
    """``seeds/<name>.yaml``: facts about the article that its text does not carry."""

    file: Annotated[str, StringConstraints(pattern=r"^[\w.-]+\.txt$")]
    affiliation_paragraph: int | None = Field(
        default=None, ge=1, description="the ¶ in which the affiliation is quoted"
    )
    notes: list[Text] = []
    paragraphs: dict[Role, str] = Field(
        description="paragraph numbers per role, e.g. {analysis: '1-14', author_note: '15'}"
    )
    coverage_exempt: list[Exemption] = []

    @field_validator("paragraphs", mode="before")
    @classmethod
    def _ranges_as_text(cls, value: object) -> object:
        if isinstance(value, dict):
            return {k: str(v) if isinstance(v, int) else v for k, v in value.items()}
        return value

    @field_validator("paragraphs")
    @classmethod
    def _ranges_parse(cls, value: dict[Role, str]) -> dict[Role, str]:
        for role, spec in value.items():
            if not _RANGES.match(spec.strip()):
                raise ValueError(f"{role}: {spec!r} is not like '1-14' or '3, 5-7'")
        return value

    def role_numbers(self) -> dict[int, Role]:
        """Map each ¶ number to its role."""
        roles: dict[int, Role] = {}
        for role, spec in self.paragraphs.items():
            for part in spec.split(","):
                first, _, last = part.strip().partition("-")
                for number in range(int(first), int(last or first) + 1):
                    roles[number] = role
        return roles

    def covered(self) -> list[int]:
        """Analysis paragraphs that briefs and quiz must cover (all analysis minus exemptions)."""
        exempt = {e.paragraph for e in self.coverage_exempt}
        return sorted(
            n for n, r in self.role_numbers().items() if r == "analysis" and n not in exempt
        )


class Source(Attribution):
    """The scenario's citation of its seed; the checker holds it equal to the seed's metadata."""

    seed: Annotated[str, StringConstraints(pattern=r"^[\w.-]+\.txt$")] = Field(
        description="file name under seeds/"
    )


# --- people and agenda --------------------------------------------------------------------------


class Actor(Model):
    """A delegation. Actors are listed in order of play (opening statements)."""

    id: Slug
    name: Line
    flag: Annotated[str, StringConstraints(min_length=1, max_length=16)]
    colour: Colour
    aliases: list[Line] = Field(default=[], description="for fuzzy resolution of typed names")


class Card(Model):
    """Evidence: a verbatim quote from one paragraph of the seed."""

    id: Slug
    quote: Text
    paragraph: int = Field(ge=1)
    tag: Line = Field(description="one line saying what the quote shows")
    kind: Literal["analysis", "author_note"] = Field(
        default="analysis", description="author_note to cite the author note (e.g. ¶15)"
    )


class Claim(Model):
    """A statement shown to students, with the cards that back it."""

    text: Text
    cards: CardIds


class OptionRule(Model):
    """An option's own extra decision rule, on top of the scenario's ``decision_rule``.

    ``must_agree``: more actors who must vote yes when a package holds this option;
    ``no_veto_from``: actors who must not vote no (an abstention or no ballot is fine). An actor
    not played in a class cannot block, as with the scenario's rule.
    """

    must_agree: list[Slug] = []
    no_veto_from: list[Slug] = []
    explanation: Text = Field(description="shown on the proposal card")

    @model_validator(mode="after")
    def _says_something(self) -> OptionRule:
        if not self.must_agree and not self.no_veto_from:
            raise ValueError("an option rule needs must_agree or no_veto_from (or both)")
        return self


class Option(Model):
    """One way an agenda item can be agreed (a package picks at most one per item)."""

    id: Slug
    label: ChoiceText = Field(description="one line; a select-menu label (at most 100)")
    description: Text
    cards: CardIds
    rule: OptionRule | None = Field(
        default=None, description="an extra decision rule when a package holds this option"
    )


MAX_OPTIONS = 6
ADOPT = "adopt"
"""The one implicit option of an agenda item without ``options`` (adopt / not adopt)."""


class AgendaItem(Model):
    """A deliverable that proposals and votes are about.

    With ``options`` (2–6), a package picks one of them or leaves the item out. Without, the
    item is adopted or not: it behaves as one implicit option ``adopt``.
    """

    id: Slug
    title: Line
    description: Text
    cards: CardIds
    options: list[Option] = Field(
        default=[],
        max_length=MAX_OPTIONS,
        description="2-6 ways to agree this item; none: adopt / not adopt",
    )

    @field_validator("options")
    @classmethod
    def _two_or_none(cls, value: list[Option]) -> list[Option]:
        if len(value) == 1:
            raise ValueError("give 2-6 options, or none for adopt / not adopt")
        ids = [option.id for option in value]
        if len(set(ids)) != len(ids):
            raise ValueError("option ids must differ from each other")
        return value

    @property
    def binary(self) -> bool:
        """True for an adopt / not adopt item (no options listed)."""
        return not self.options

    def choices(self) -> list[Option]:
        """The options a package may pick; an implicit ``adopt`` for a binary item."""
        if self.options:
            return list(self.options)
        return [Option(id=ADOPT, label="Adopt", description=self.description, cards=self.cards)]

    def option(self, option_id: str) -> Option:
        """The option with this id (``KeyError`` if none)."""
        for option in self.choices():
            if option.id == option_id:
                return option
        raise KeyError(option_id)


class Section(Model):
    """A page of the public background brief."""

    title: Line
    points: list[Claim] = Field(min_length=1)


class Position(Claim):
    """An actor's position on one agenda item."""

    agenda: Slug
    article_silent: bool = Field(
        default=False,
        description="true when the article gives no view of this actor on this item; "
        "the text must say so and cite what the article does say",
    )


class Relation(Claim):
    """A likely ally or opponent and why (the text), with evidence."""

    actors: list[Slug] = Field(min_length=1)


class Question(Claim):
    """A question to probe other delegations with, grounded in a card."""

    to: list[Slug] = Field(min_length=1)


class Brief(Model):
    """One actor's confidential brief. Every list but the last three is made of cited claims."""

    situation: list[Claim] = Field(min_length=1)
    interests: list[Claim] = Field(min_length=1)
    positions: list[Position] = Field(min_length=1)
    red_lines: list[Claim] = Field(min_length=1)
    allies: list[Relation] = []
    opponents: list[Relation] = []
    talking_points: list[Claim] = Field(min_length=1)
    questions: list[Question] = Field(min_length=1)
    article_gaps: list[Text] = Field(
        default=[], description="what the article does not say about this actor"
    )
    discussion_prompts: list[Text] = Field(
        default=[], description="beyond the article: open questions, never facts"
    )
    cards: list[Card] = Field(default=[], description="the cards about this actor")

    def position(self, agenda_id: str) -> Position:
        """This actor's position on ``agenda_id`` (``KeyError`` if absent)."""
        for position in self.positions:
            if position.agenda == agenda_id:
                return position
        raise KeyError(agenda_id)


# --- debrief ------------------------------------------------------------------------------------


class Objective(Model):
    """What an actor wants a vote on an agenda item to produce, and how much it counts."""

    actor: Slug
    agenda: Slug
    wants: Want
    weight: int = Field(ge=0, le=10, description="0 exactly when wants is indifferent")
    rationale: Text
    cards: CardIds

    @field_validator("weight")
    @classmethod
    def _weight_matches_want(cls, value: int, info: ValidationInfo) -> int:
        wants = info.data.get("wants")
        if wants == "indifferent" and value != 0:
            raise ValueError("must be 0 when wants is 'indifferent'")
        if wants in ("adopted", "not_adopted") and value == 0:
            raise ValueError(f"must be at least 1 when wants is {wants!r}")
        return value

    def met_by(self, outcome: Outcome) -> bool | None:
        """Whether ``outcome`` gives the actor what it wants (``None``: not scored)."""
        return None if self.wants == "indifferent" else outcome == self.wants


MAX_POINTS = 100


class Points(Model):
    """A value in a points schedule, with why and the evidence it rests on."""

    points: int = Field(ge=-MAX_POINTS, le=MAX_POINTS, description="negative allowed")
    reason: Text = Field(description="one or two sentences; say 'Inferred' when it is")
    cards: CardIds


class Schedule(Model):
    """One actor's private points schedule: what each option is worth to it, and no deal.

    ``items`` maps agenda id -> option id -> points (``adopt`` for an item without options).
    An item left out of a package scores 0: points are relative to nothing agreed on it.
    """

    no_deal: Points = Field(description="what this actor gets if nothing is agreed (BATNA)")
    items: dict[Slug, dict[Slug, Points]] = Field(
        description="agenda id -> option id -> points; every option of every item"
    )

    def points(self, agenda_id: str, option_id: str | None) -> int:
        """Points for ``option_id`` on ``agenda_id``; 0 when left out (``None``) or unlisted."""
        if option_id is None:
            return 0
        entry = self.items.get(agenda_id, {}).get(option_id)
        return 0 if entry is None else entry.points


class DecisionRule(Model):
    """Which delegations must all vote yes for a proposal to pass; the rest advise."""

    must_agree: list[Slug] = Field(min_length=1)
    explanation: Text

    def passes(self, yes_votes: Collection[str]) -> bool:
        """A proposal passes when every actor in ``must_agree`` voted yes."""
        return all(actor in yes_votes for actor in self.must_agree)


class History(Model):
    """What really happened, for the debrief's comparison."""

    outcome: dict[Slug, Outcome] = Field(description="per agenda item")
    options: dict[Slug, Slug] = Field(
        default={},
        description="agenda id -> option adopted in history, for adopted items with options",
    )
    what_happened: list[Claim] = Field(min_length=1)
    author_argument: list[Claim] = Field(
        min_length=1, description="the article's reading of the outcome (an argument, not a fact)"
    )


class ReflectionPrompt(Model):
    """A debrief question (a prompt, not a claim), grounded in cards."""

    id: Slug
    text: Text
    cards: CardIds


class Phase(Model):
    """One step of the round plan."""

    kind: PhaseKind
    title: Line
    goal: Line = Field(description="one line shown to students")
    duration: int = Field(gt=0, description="seconds")
    speaking_time: int | None = Field(
        default=None,
        gt=0,
        validate_default=True,  # so that a floor-passing phase without one is caught
        description="seconds per delegation; floor-passing phases only",
    )
    pairs: list[tuple[Slug, Slug]] = Field(default=[], description="suggested caucus pairs")

    @field_validator("speaking_time")
    @classmethod
    def _speaking_time_fits_kind(cls, value: int | None, info: ValidationInfo) -> int | None:
        kind = info.data.get("kind")
        if kind in FLOOR_PASSING_PHASES and value is None:
            raise ValueError(f"required for a {kind} phase")
        if (
            kind is not None
            and kind not in FLOOR_PASSING_PHASES | {"plenary"}
            and value is not None
        ):
            raise ValueError(f"a {kind} phase does not pass the floor")
        return value

    @field_validator("pairs")
    @classmethod
    def _pairs_only_in_caucus(
        cls, value: list[tuple[str, str]], info: ValidationInfo
    ) -> list[tuple[str, str]]:
        kind = info.data.get("kind")
        if value and kind is not None and kind != "caucus":
            raise ValueError("only a caucus phase has pairs")
        return value


class Topic(Model):
    """A quiz topic students can drill by."""

    id: Slug
    title: Line


# --- quiz ---------------------------------------------------------------------------------------


class _QuizBase(Model):
    id: Slug
    prompt: Text
    explanation: Text = Field(description="shown after answering; quote the paragraph's words")
    paragraph: int = Field(ge=1, description="the analysis ¶ the item is about")
    difficulty: int = Field(ge=1, le=3)
    topic: Slug | None = None
    actors: list[Slug] = []
    beyond_article: bool = Field(
        default=False, description="true when the prompt asks for more than the article says"
    )


class MultipleChoice(_QuizBase):
    """Pick one of 2–5 choices; ``answer`` is a 0-based index or the text of a choice."""

    type: Literal["multiple_choice"]
    choices: list[ChoiceText] = Field(min_length=2, max_length=5)
    answer: int | str

    @field_validator("choices")
    @classmethod
    def _choices_distinct(cls, value: list[str]) -> list[str]:
        keys = [answer_key(choice) for choice in value]
        if len(set(keys)) != len(keys):
            raise ValueError("choices must differ from each other")
        return value

    @field_validator("answer")
    @classmethod
    def _answer_among_choices(cls, value: int | str, info: ValidationInfo) -> int | str:
        choices: list[str] | None = info.data.get("choices")
        if choices is None:
            return value
        if isinstance(value, int):
            if not 0 <= value < len(choices):
                raise ValueError(f"index {value} is not among the {len(choices)} choices")
        elif value.strip() not in [c.strip() for c in choices]:
            raise ValueError(f"{value!r} is not one of the choices")
        return value

    @property
    def answer_index(self) -> int:
        """The 0-based index of the right choice, however ``answer`` was written."""
        if isinstance(self.answer, int):
            return self.answer
        return [c.strip() for c in self.choices].index(self.answer.strip())


class ShortAnswer(_QuizBase):
    """Type an answer; ``accept`` lists right answers, ``reject`` near-misses that are wrong."""

    type: Literal["short_answer"]
    accept: list[Line] = Field(min_length=1)
    reject: list[Line] = Field(
        default=[], description="wrong answers a fuzzy grader must not accept (e.g. ROK for DPRK)"
    )

    @field_validator("reject")
    @classmethod
    def _reject_disjoint(cls, value: list[str], info: ValidationInfo) -> list[str]:
        accepted = {answer_key(a) for a in info.data.get("accept") or []}
        clash = [r for r in value if answer_key(r) in accepted]
        if clash:
            raise ValueError(f"also accepted: {', '.join(map(repr, clash))}")
        return value


class WhichActor(_QuizBase):
    """Name the actor the article attributes something to; ``answer`` is an actor id."""

    type: Literal["which_actor"]
    answer: Slug


class TrueFalse(_QuizBase):
    """A statement about the article, true or false."""

    type: Literal["true_false"]
    answer: StrictBool


QuizItem = Annotated[
    MultipleChoice | ShortAnswer | WhichActor | TrueFalse, Field(discriminator="type")
]


# --- the scenario -------------------------------------------------------------------------------


class Scenario(Model):
    """A whole scenario pack, assembled from the YAML files of one ``content/<id>/`` folder."""

    id: Slug
    title: Line
    summary: Text
    source: Source
    actors: list[Actor] = Field(min_length=2, description="in order of play")
    small_class_order: dict[int, list[Slug]] = Field(
        default={},
        description="class size (fewer students than actors) -> actors played",
    )
    agenda: list[AgendaItem] = Field(min_length=1)
    background: list[Section] = Field(min_length=1, description="public brief, page by page")
    cards: list[Card] = Field(default=[], description="public cards (not about one actor)")
    briefs: dict[Slug, Brief] = Field(description="actor id -> confidential brief")
    objectives: list[Objective] = Field(
        default=[], description="the adopt / not adopt scorecard; required without schedules"
    )
    schedules: dict[Slug, Schedule] = Field(
        default={}, description="actor id -> private points schedule and no-deal value"
    )
    decision_rule: DecisionRule
    history: History
    reflection_prompts: list[ReflectionPrompt] = Field(min_length=1)
    round_plan: list[Phase] = Field(min_length=1)
    topics: list[Topic] = []
    quiz: list[QuizItem] = []

    # Lookups. Lists are small (tens of items), so a scan is simpler than an index to keep.

    @property
    def play_order(self) -> list[str]:
        """Actor ids in order of play (the order of ``actors``)."""
        return [actor.id for actor in self.actors]

    def actor(self, actor_id: str) -> Actor:
        """The actor with this id (``KeyError`` if none)."""
        for actor in self.actors:
            if actor.id == actor_id:
                return actor
        raise KeyError(actor_id)

    def agenda_item(self, agenda_id: str) -> AgendaItem:
        """The agenda item with this id (``KeyError`` if none)."""
        for item in self.agenda:
            if item.id == agenda_id:
                return item
        raise KeyError(agenda_id)

    def all_cards(self) -> Iterator[tuple[str | None, Card]]:
        """Every card with the actor whose brief holds it (``None`` for public cards)."""
        for card in self.cards:
            yield None, card
        for actor_id, brief in self.briefs.items():
            for card in brief.cards:
                yield actor_id, card

    def card(self, card_id: str) -> Card:
        """The card with this id, public or in any brief (``KeyError`` if none)."""
        for _, card in self.all_cards():
            if card.id == card_id:
                return card
        raise KeyError(card_id)

    def brief_for(self, actor_id: str) -> Brief:
        """The confidential brief of ``actor_id`` (``KeyError`` if none)."""
        return self.briefs[actor_id]

    def cards_for(self, actor_id: str) -> list[Card]:
        """The evidence a brief shows: its own cards plus every card it cites, in ¶ order."""
        brief = self.brief_for(actor_id)
        ids: dict[str, None] = {card.id: None for card in brief.cards}
        for claim in _brief_claims(brief):
            ids.update(dict.fromkeys(claim.cards))
        known = {card.id: card for _, card in self.all_cards()}
        cards = [known[card_id] for card_id in ids if card_id in known]
        return sorted(cards, key=lambda card: card.paragraph)

    def schedule(self, actor_id: str) -> Schedule:
        """The private points schedule of ``actor_id`` (``KeyError`` if none)."""
        return self.schedules[actor_id]

    @property
    def has_game(self) -> bool:
        """Whether the pack carries points schedules (the negotiation game is on)."""
        return bool(self.schedules)

    def objective(self, actor_id: str, agenda_id: str) -> Objective:
        """What ``actor_id`` wants on ``agenda_id`` (``KeyError`` if none)."""
        for objective in self.objectives:
            if objective.actor == actor_id and objective.agenda == agenda_id:
                return objective
        raise KeyError((actor_id, agenda_id))

    def advisory_actors(self) -> list[str]:
        """Actors whose votes advise but do not decide (all but ``decision_rule.must_agree``)."""
        return [a for a in self.play_order if a not in self.decision_rule.must_agree]

    def min_class_size(self) -> int:
        """The fewest students (or groups) this scenario can be played with."""
        return min(self.small_class_order, default=len(self.actors))

    def actors_for_class_size(self, n: int) -> list[str]:
        """Actor ids to hand out when ``n`` students (or groups) play, in order of play.

        With at least as many students as actors every actor is played (delegations get
        several members); below that ``small_class_order`` says which.
        """
        if n >= len(self.actors):
            return self.play_order
        if n not in self.small_class_order:
            raise ValueError(
                f"scenario {self.id!r} needs at least {self.min_class_size()} students, got {n}"
            )
        chosen = set(self.small_class_order[n])
        return [actor_id for actor_id in self.play_order if actor_id in chosen]

    def quiz_item(self, item_id: str) -> QuizItem:
        """The quiz item with this id (``KeyError`` if none)."""
        for item in self.quiz:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def plan_duration(self) -> int:
        """Seconds the round plan takes end to end."""
        return sum(phase.duration for phase in self.round_plan)


BRIEF_CLAIM_SECTIONS: tuple[str, ...] = (
    "situation",
    "interests",
    "positions",
    "red_lines",
    "allies",
    "opponents",
    "talking_points",
    "questions",
)
"""Brief fields made of cited claims, in the order a brief is read."""


def _brief_claims(brief: Brief) -> Iterator[Claim]:
    for section in BRIEF_CLAIM_SECTIONS:
        claims: list[Claim] = getattr(brief, section)
        yield from claims
