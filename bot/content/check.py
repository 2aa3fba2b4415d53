"""The content check: everything a pack must satisfy beyond its schema, with located messages.

The rules hold a scenario to its source article: quotes are verbatim, every claim is backed by
a card, every analysis paragraph is used, and the pieces a class runs on (actors, decision rule,
round plan, quiz) fit together. ``docs/authoring.md`` lists the rules for authors.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.content.loader import (
    DEFAULT_CONTENT_DIR,
    DEFAULT_SEEDS_DIR,
    RawPack,
    Seed,
    load_pack,
    load_seed,
    pack_dirs,
)
from bot.content.models import (
    BRIEF_CLAIM_SECTIONS,
    Card,
    Claim,
    MultipleChoice,
    Scenario,
    WhichActor,
    answer_key,
)
from bot.content.problems import ContentError, Problem, display_path
from bot.content.seed import normalise, quote_in, quoted_fragments

__all__ = [
    "CLASS_SECONDS",
    "PAGE_CHARS",
    "REFLECTION_PROMPTS",
    "Problem",
    "check_all",
    "check_scenario",
    "check_seed",
]

CLASS_SECONDS = 50 * 60
"""The default round plan must fit one 50-minute class."""
PAGE_CHARS = 1500
"""One brief section is one embed page on a phone: keep its text under this."""
REFLECTION_PROMPTS = range(3, 6)
"""A debrief has time for three to five reflection prompts."""

Loc = tuple[int | str, ...]


@dataclass(frozen=True)
class _Cited:
    """A text that cites cards (a claim, an agenda description, a rationale)."""

    loc: Loc  # location of the object holding ``text`` and ``cards``
    text_field: str
    text: str
    cards: list[str]
    in_brief: str | None  # the actor whose brief holds it


@dataclass(frozen=True)
class _Prose:
    """A text that cites nothing; what it puts in double quotes must still be in the article."""

    loc: Loc
    text: str
    paragraph: int | None = None  # quotes must come from this ¶ (quiz explanations)


@dataclass
class _Context:
    raw: RawPack
    scenario: Scenario
    seed: Seed | None
    problems: list[Problem] = field(default_factory=list)

    def add(self, loc: Loc, message: str) -> None:
        self.problems.append(self.raw.problem(loc, message))

    @property
    def seed_name(self) -> str:
        return display_path(self.seed.text_path) if self.seed else "the seed"

    def card_locs(self) -> Iterator[tuple[Loc, Card]]:
        """Every card with its location, public cards first."""
        for i, card in enumerate(self.scenario.cards):
            yield ("cards", i), card
        for actor_id, brief in self.scenario.briefs.items():
            for i, card in enumerate(brief.cards):
                yield ("briefs", actor_id, "cards", i), card


def _cited(s: Scenario) -> Iterator[_Cited]:
    """Every text in the pack that cites cards."""
    loc: Loc
    for i, item in enumerate(s.agenda):
        yield _Cited(("agenda", i), "description", item.description, item.cards, None)
        for k, option in enumerate(item.options):
            loc = ("agenda", i, "options", k)
            yield _Cited(loc, "description", option.description, option.cards, None)
    for actor_id, schedule in s.schedules.items():
        yield _Cited(
            ("schedules", actor_id, "no_deal"),
            "reason",
            schedule.no_deal.reason,
            schedule.no_deal.cards,
            None,
        )
        for agenda_id, entries in schedule.items.items():
            for option_id, entry in entries.items():
                loc = ("schedules", actor_id, "items", agenda_id, option_id)
                yield _Cited(loc, "reason", entry.reason, entry.cards, None)
    for i, section in enumerate(s.background):
        for j, point in enumerate(section.points):
            yield _Cited(("background", i, "points", j), "text", point.text, point.cards, None)
    for actor_id, brief in s.briefs.items():
        for name in BRIEF_CLAIM_SECTIONS:
            claims: list[Claim] = getattr(brief, name)
            for j, claim in enumerate(claims):
                loc = ("briefs", actor_id, name, j)
                yield _Cited(loc, "text", claim.text, claim.cards, actor_id)
    for i, objective in enumerate(s.objectives):
        yield _Cited(("objectives", i), "rationale", objective.rationale, objective.cards, None)
    for name in ("what_happened", "author_argument"):
        claims = getattr(s.history, name)
        for j, claim in enumerate(claims):
            yield _Cited(("history", name, j), "text", claim.text, claim.cards, None)
    for i, prompt in enumerate(s.reflection_prompts):
        yield _Cited(("reflection_prompts", i), "text", prompt.text, prompt.cards, None)


def _prose(s: Scenario) -> Iterator[_Prose]:
    """Every text that cites no card but may quote the article."""
    yield _Prose(("summary",), s.summary)
    yield _Prose(("decision_rule", "explanation"), s.decision_rule.explanation)
    for i, phase in enumerate(s.round_plan):
        yield _Prose(("round_plan", i, "goal"), phase.goal)
    for i, agenda_item in enumerate(s.agenda):
        for k, option in enumerate(agenda_item.options):
            yield _Prose(("agenda", i, "options", k, "label"), option.label)
            if option.rule is not None:
                loc = ("agenda", i, "options", k, "rule", "explanation")
                yield _Prose(loc, option.rule.explanation)
    for actor_id, brief in s.briefs.items():
        for name in ("article_gaps", "discussion_prompts"):
            for j, text in enumerate(getattr(brief, name)):
                yield _Prose(("briefs", actor_id, name, j), text)
    for i, item in enumerate(s.quiz):
        yield _Prose(("quiz", i, "prompt"), item.prompt)
        yield _Prose(("quiz", i, "explanation"), item.explanation, item.paragraph)
        if isinstance(item, MultipleChoice):
            for k, choice in enumerate(item.choices):
                yield _Prose(("quiz", i, "choices", k), choice)


def _duplicates(ids: Sequence[str]) -> set[str]:
    return {key for key, count in Counter(ids).items() if count > 1}


def _repeated(ids: Sequence[str]) -> Iterator[tuple[int, str]]:
    """(index, id) of every id already seen earlier in ``ids``."""
    seen: set[str] = set()
    for i, key in enumerate(ids):
        if key in seen:
            yield i, key
        seen.add(key)


# --- rules ---------------------------------------------------------------------------------------


def _rule_identity(ctx: _Context) -> None:
    if ctx.scenario.id != ctx.raw.directory.name:
        ctx.add(("id",), f"must match the folder name {ctx.raw.directory.name!r}")


def _rule_source(ctx: _Context) -> None:
    if ctx.seed is None:
        return
    for name in ("author", "affiliation", "title", "outlet", "context"):
        if getattr(ctx.scenario.source, name) != getattr(ctx.seed.meta, name):
            ctx.add(("source", name), f"differs from {display_path(ctx.seed.meta_path)}")


def _rule_actors(ctx: _Context) -> None:
    s = ctx.scenario
    for i, actor_id in _repeated(s.play_order):
        ctx.add(("actors", i, "id"), f"duplicate actor id {actor_id!r}")
    owner: dict[str, str] = {}
    for actor in s.actors:
        for name in (actor.id, actor.name, *actor.aliases):
            owner.setdefault(answer_key(name), actor.id)
    for i, actor in enumerate(s.actors):
        for k, alias in enumerate(actor.aliases):
            other = owner[answer_key(alias)]
            if other != actor.id:
                ctx.add(("actors", i, "aliases", k), f"{alias!r} already names actor {other!r}")


def _rule_small_class_order(ctx: _Context) -> None:
    s = ctx.scenario
    known = set(s.play_order)
    n_actors = len(s.actors)
    for size, chosen in s.small_class_order.items():
        loc: Loc = ("small_class_order", size)
        if not 2 <= size < n_actors:
            ctx.add(
                loc,
                f"class size {size} must be from 2 to {n_actors - 1} "
                f"(from {n_actors} students on, every actor is played)",
            )
            continue
        if len(chosen) != size:
            ctx.add(loc, f"lists {len(chosen)} actors for {size} students")
        for actor_id in sorted(set(chosen) - known):
            ctx.add(loc, f"unknown actor {actor_id!r}")
        for actor_id in sorted(_duplicates(chosen)):
            ctx.add(loc, f"actor {actor_id!r} listed twice")
        for actor_id in s.decision_rule.must_agree:
            if actor_id in known and actor_id not in chosen:
                ctx.add(loc, f"leaves out {actor_id!r}, whose vote decides (decision_rule)")
    if s.small_class_order:
        for size in range(min(s.small_class_order), n_actors):
            if size not in s.small_class_order:
                ctx.add(("small_class_order",), f"no entry for a class of {size}")


def _rule_agenda(ctx: _Context) -> None:
    for i, agenda_id in _repeated([item.id for item in ctx.scenario.agenda]):
        ctx.add(("agenda", i, "id"), f"duplicate agenda id {agenda_id!r}")


def _rule_cards(ctx: _Context) -> None:
    seen: set[str] = set()
    for loc, card in ctx.card_locs():
        if card.id in seen:
            ctx.add((*loc, "id"), f"duplicate card id {card.id!r}")
        seen.add(card.id)
        seed = ctx.seed
        if seed is None:
            continue
        n = card.paragraph
        if not 1 <= n <= len(seed.paragraphs):
            ctx.add(
                (*loc, "paragraph"),
                f"¶{n} does not exist: {ctx.seed_name} has ¶1–¶{len(seed.paragraphs)}",
            )
            continue
        role = seed.role(n)
        if role not in ("analysis", "author_note"):
            ctx.add(
                (*loc, "paragraph"),
                f"¶{n} of {ctx.seed_name} is {role or 'unassigned'} and can never be cited",
            )
            continue
        if role != card.kind:
            hint = "set kind: author_note" if role == "author_note" else "drop kind: author_note"
            ctx.add(
                (*loc, "paragraph"),
                f"¶{n} of {ctx.seed_name} is {role.replace('_', ' ')}, not "
                f"{card.kind.replace('_', ' ')} ({hint})",
            )
        if normalise(card.quote) not in normalise(seed.paragraph(n)):
            ctx.add((*loc, "quote"), f"not found verbatim in ¶{n} of {ctx.seed_name}")


def _rule_references(ctx: _Context) -> None:
    s = ctx.scenario
    cards = {card.id for _, card in s.all_cards()}
    actors = set(s.play_order)
    agenda = {item.id for item in s.agenda}
    for cited in _cited(s):
        for k, card_id in enumerate(cited.cards):
            if card_id not in cards:
                ctx.add((*cited.loc, "cards", k), f"unknown card {card_id!r}")
    for actor_id, brief in s.briefs.items():
        for name in ("allies", "opponents"):
            for j, relation in enumerate(getattr(brief, name)):
                for k, other in enumerate(relation.actors):
                    _actor_ref(
                        ctx,
                        ("briefs", actor_id, name, j, "actors", k),
                        other,
                        actors,
                        not_self=actor_id,
                    )
        for j, question in enumerate(brief.questions):
            for k, other in enumerate(question.to):
                _actor_ref(
                    ctx,
                    ("briefs", actor_id, "questions", j, "to", k),
                    other,
                    actors,
                    not_self=actor_id,
                )
    for i, objective in enumerate(s.objectives):
        _actor_ref(ctx, ("objectives", i, "actor"), objective.actor, actors)
        if objective.agenda not in agenda:
            ctx.add(("objectives", i, "agenda"), f"unknown agenda item {objective.agenda!r}")
    for k, actor_id in enumerate(s.decision_rule.must_agree):
        _actor_ref(ctx, ("decision_rule", "must_agree", k), actor_id, actors)
    for actor_id in sorted(_duplicates(s.decision_rule.must_agree)):
        ctx.add(("decision_rule", "must_agree"), f"actor {actor_id!r} listed twice")
    for i, item in enumerate(s.quiz):
        for k, actor_id in enumerate(item.actors):
            _actor_ref(ctx, ("quiz", i, "actors", k), actor_id, actors)
        if isinstance(item, WhichActor):
            _actor_ref(ctx, ("quiz", i, "answer"), item.answer, actors)


def _actor_ref(
    ctx: _Context, loc: Loc, actor_id: str, actors: set[str], not_self: str | None = None
) -> None:
    if actor_id not in actors:
        ctx.add(loc, f"unknown actor {actor_id!r}")
    elif actor_id == not_self:
        ctx.add(loc, "must name another actor, not the brief's own")


def _rule_briefs(ctx: _Context) -> None:
    s = ctx.scenario
    for actor_id in s.play_order:
        if actor_id not in s.briefs:
            ctx.add(("briefs",), f"no brief for actor {actor_id!r}")
    for actor_id, brief in s.briefs.items():
        if actor_id not in s.play_order:
            ctx.add(("briefs", actor_id), f"no actor {actor_id!r} to give this brief to")
            continue
        agenda_ids = [item.id for item in s.agenda]
        seen: set[str] = set()
        for j, position in enumerate(brief.positions):
            loc: Loc = ("briefs", actor_id, "positions", j, "agenda")
            if position.agenda not in agenda_ids:
                ctx.add(loc, f"unknown agenda item {position.agenda!r}")
            elif position.agenda in seen:
                ctx.add(loc, f"second position on {position.agenda!r}")
            seen.add(position.agenda)
        for agenda_id in agenda_ids:
            if agenda_id not in seen:
                ctx.add(("briefs", actor_id, "positions"), f"no position on {agenda_id!r}")


def _rule_quoted_fragments(ctx: _Context) -> None:
    seed = ctx.seed
    if seed is None:
        return
    citable = seed.citable()
    known = {card.id: card for _, card in ctx.scenario.all_cards()}
    texts: list[tuple[Loc, str, list[int]]] = []
    for cited in _cited(ctx.scenario):
        numbers = sorted({known[c].paragraph for c in cited.cards if c in known})
        if numbers:  # with no known card, the unknown card is the problem to report
            texts.append(((*cited.loc, cited.text_field), cited.text, numbers))
    for prose in _prose(ctx.scenario):
        numbers = [prose.paragraph] if prose.paragraph is not None else citable
        texts.append((prose.loc, prose.text, numbers))
    for loc, text, numbers in texts:
        if normalise(text).count('"') % 2:
            ctx.add(loc, "unbalanced double quotes")
            continue
        haystack = [seed.paragraph(n) for n in numbers if 1 <= n <= len(seed.paragraphs)]
        for fragment in quoted_fragments(text):
            if not any(quote_in(fragment, paragraph) for paragraph in haystack):
                where = (
                    ctx.seed_name
                    if numbers == citable
                    else ", ".join(f"¶{n}" for n in numbers) + f" of {ctx.seed_name}"
                )
                shown = fragment if len(fragment) <= 60 else fragment[:57] + "..."
                ctx.add(loc, f'quoted "{shown}" is not in {where}')


def _rule_coverage(ctx: _Context) -> None:
    seed = ctx.seed
    if seed is None:
        return
    known = {card.id: card for _, card in ctx.scenario.all_cards()}
    by_briefs = {
        known[card_id].paragraph
        for cited in _cited(ctx.scenario)
        if cited.in_brief is not None
        for card_id in cited.cards
        if card_id in known
    }
    by_quiz = {item.paragraph for item in ctx.scenario.quiz if not item.beyond_article}
    for n in seed.meta.covered():
        if n not in by_briefs:
            ctx.add(("briefs",), f"¶{n} of {ctx.seed_name} is cited by no brief")
        if n not in by_quiz:
            ctx.add(("quiz",), f"¶{n} of {ctx.seed_name} has no quiz item")


def _rule_unused_cards(ctx: _Context) -> None:
    cited = {card_id for text in _cited(ctx.scenario) for card_id in text.cards}
    for loc, card in ctx.card_locs():
        if card.id not in cited:
            ctx.add(loc, "cited by nothing: cite it or drop it")


def _rule_quiz(ctx: _Context) -> None:
    s = ctx.scenario
    topics = [topic.id for topic in s.topics]
    for i, topic_id in _repeated(topics):
        ctx.add(("topics", i, "id"), f"duplicate topic id {topic_id!r}")
    for i, item_id in _repeated([item.id for item in s.quiz]):
        ctx.add(("quiz", i, "id"), f"duplicate quiz id {item_id!r}")
    for i, item in enumerate(s.quiz):
        if item.topic is not None and item.topic not in topics:
            ctx.add(("quiz", i, "topic"), f"unknown topic {item.topic!r} (declare it in topics)")
        if ctx.seed is not None and ctx.seed.role(item.paragraph) != "analysis":
            analysis = [n for n, r in ctx.seed.meta.role_numbers().items() if r == "analysis"]
            ctx.add(
                ("quiz", i, "paragraph"),
                f"¶{item.paragraph} is not an analysis paragraph of {ctx.seed_name} "
                f"(¶{min(analysis, default=1)}–¶{max(analysis, default=1)})",
            )


def _rule_objectives(ctx: _Context) -> None:
    s = ctx.scenario
    if s.schedules and not s.objectives:
        return  # points schedules score the game; the adopt / not adopt scorecard is optional
    seen: set[tuple[str, str]] = set()
    for i, objective in enumerate(s.objectives):
        pair = (objective.actor, objective.agenda)
        if pair in seen:
            ctx.add(("objectives", i), f"second objective for {pair[0]!r} on {pair[1]!r}")
        seen.add(pair)
    for actor_id in s.play_order:
        for item in s.agenda:
            if (actor_id, item.id) not in seen:
                ctx.add(("objectives",), f"no objective for {actor_id!r} on {item.id!r}")


def _rule_history(ctx: _Context) -> None:
    agenda = [item.id for item in ctx.scenario.agenda]
    outcome = ctx.scenario.history.outcome
    for agenda_id in outcome:
        if agenda_id not in agenda:
            ctx.add(("history", "outcome", agenda_id), f"unknown agenda item {agenda_id!r}")
    for agenda_id in agenda:
        if agenda_id not in outcome:
            ctx.add(("history", "outcome"), f"no outcome for {agenda_id!r}")


def _rule_reflection_prompts(ctx: _Context) -> None:
    prompts = ctx.scenario.reflection_prompts
    if len(prompts) not in REFLECTION_PROMPTS:
        ctx.add(
            ("reflection_prompts",),
            f"has {len(prompts)} prompts; a debrief takes "
            f"{REFLECTION_PROMPTS.start}–{REFLECTION_PROMPTS.stop - 1}",
        )
    for i, prompt_id in _repeated([prompt.id for prompt in prompts]):
        ctx.add(("reflection_prompts", i, "id"), f"duplicate prompt id {prompt_id!r}")


def _rule_round_plan(ctx: _Context) -> None:
    s = ctx.scenario
    total = s.plan_duration()
    if total > CLASS_SECONDS:
        ctx.add(
            ("round_plan",),
            f"lasts {total // 60} min {total % 60} s; the default plan must fit "
            f"{CLASS_SECONDS // 60} minutes",
        )
    actors = set(s.play_order)
    for i, phase in enumerate(s.round_plan):
        if phase.speaking_time is not None and phase.kind != "plenary":
            needed = phase.speaking_time * len(s.actors)
            if needed > phase.duration:
                ctx.add(
                    ("round_plan", i, "speaking_time"),
                    f"{len(s.actors)} delegations × {phase.speaking_time} s = {needed} s, "
                    f"more than the phase's {phase.duration} s",
                )
        paired: set[str] = set()
        for k, pair in enumerate(phase.pairs):
            loc: Loc = ("round_plan", i, "pairs", k)
            if pair[0] == pair[1]:
                ctx.add(loc, "a pair needs two different actors")
                continue
            for actor_id in pair:
                if actor_id not in actors:
                    ctx.add(loc, f"unknown actor {actor_id!r}")
                elif actor_id in paired:
                    ctx.add(loc, f"actor {actor_id!r} is already in another pair")
                paired.add(actor_id)


def _rule_pages(ctx: _Context) -> None:
    for actor_id, brief in ctx.scenario.briefs.items():
        for name in (*BRIEF_CLAIM_SECTIONS, "article_gaps", "discussion_prompts"):
            entries = getattr(brief, name)
            size = sum(len(e if isinstance(e, str) else e.text) for e in entries)
            if size > PAGE_CHARS:
                ctx.add(
                    ("briefs", actor_id, name),
                    f"{size} characters: more than one phone page ({PAGE_CHARS})",
                )
    for i, section in enumerate(ctx.scenario.background):
        size = sum(len(point.text) for point in section.points)
        if size > PAGE_CHARS:
            ctx.add(
                ("background", i), f"{size} characters: more than one phone page ({PAGE_CHARS})"
            )


SILENT_SHARE = 4
"""On an item the brief says the article is silent on, points above 1/SILENT_SHARE of the
actor's largest value (in absolute terms) need an inferred, cited reason."""
_SILENT_WORDS = ("article is silent", "article gives no", "article does not say", "no view")


def _rule_options(ctx: _Context) -> None:
    s = ctx.scenario
    actors = set(s.play_order)
    for i, item in enumerate(s.agenda):
        for k, option in enumerate(item.options):
            if option.rule is None:
                continue
            for name in ("must_agree", "no_veto_from"):
                names: list[str] = getattr(option.rule, name)
                for m, actor_id in enumerate(names):
                    _actor_ref(ctx, ("agenda", i, "options", k, "rule", name, m), actor_id, actors)
    for agenda_id, option_id in s.history.options.items():
        loc: Loc = ("history", "options", agenda_id)
        try:
            item = s.agenda_item(agenda_id)
        except KeyError:
            ctx.add(loc, f"unknown agenda item {agenda_id!r}")
            continue
        if option_id not in {o.id for o in item.choices()}:
            ctx.add(loc, f"{agenda_id!r} has no option {option_id!r}")
        if s.history.outcome.get(agenda_id) != "adopted":
            ctx.add(loc, f"history.outcome does not say {agenda_id!r} was adopted")


def _silent(position_text: str, flagged: bool) -> bool:
    folded = position_text.casefold()
    return flagged or any(words in folded for words in _SILENT_WORDS)


def _rule_schedules(ctx: _Context) -> None:
    s = ctx.scenario
    if not s.schedules:
        if any(item.options for item in s.agenda):
            ctx.add(("schedules",), "agenda items have options: give every actor a schedule")
        return
    for actor_id in s.play_order:
        if actor_id not in s.schedules:
            ctx.add(("schedules",), f"no schedule for actor {actor_id!r}")
    for actor_id, schedule in s.schedules.items():
        if actor_id not in s.play_order:
            ctx.add(("schedules", actor_id), f"no actor {actor_id!r} to give this schedule to")
            continue
        for agenda_id in schedule.items:
            try:
                s.agenda_item(agenda_id)
            except KeyError:
                ctx.add(
                    ("schedules", actor_id, "items", agenda_id),
                    f"unknown agenda item {agenda_id!r}",
                )
        values = [schedule.no_deal.points] + [
            entry.points for entries in schedule.items.values() for entry in entries.values()
        ]
        largest = max((abs(v) for v in values), default=0)
        at_stake = False
        for item in s.agenda:
            entries = schedule.items.get(item.id)
            loc: Loc = ("schedules", actor_id, "items")
            if entries is None:
                ctx.add(loc, f"no points for {item.id!r}")
                continue
            known = {option.id: option for option in item.choices()}
            for option_id in entries:
                if option_id not in known:
                    hint = (
                        " (an item without options is scored under 'adopt')" if item.binary else ""
                    )
                    ctx.add(
                        (*loc, item.id, option_id), f"{item.id!r} has no option {option_id!r}{hint}"
                    )
            for option_id in known:
                if option_id not in entries:
                    ctx.add((*loc, item.id), f"no points for option {option_id!r}")
            if any(entry.points != 0 for entry in entries.values()):
                at_stake = True
            try:
                position = s.brief_for(actor_id).position(item.id)
            except KeyError:
                continue
            if not _silent(position.text, position.article_silent):
                continue
            for option_id, entry in entries.items():
                if SILENT_SHARE * abs(entry.points) <= largest:
                    continue
                option = known.get(option_id)
                own = set(item.cards) | set(option.cards if option else [])
                if "inferred" not in entry.reason.casefold() or not set(entry.cards) - own:
                    ctx.add(
                        (*loc, item.id, option_id),
                        f"{entry.points} points, but the brief says the article is silent on "
                        f"{item.id!r}: keep it within ±{largest // SILENT_SHARE}, or say "
                        "'Inferred' in the reason and cite a card beyond the item's own",
                    )
        if not at_stake:
            ctx.add(
                ("schedules", actor_id),
                "nothing at stake: give at least one option of one item non-zero points",
            )


def _rule_deal_space(ctx: _Context) -> None:
    from bot.domain.deal_space import MAX_PACKAGES, count_packages

    total = count_packages(ctx.scenario)
    if total > MAX_PACKAGES:
        ctx.add(
            ("agenda",),
            f"{total} possible packages: at most {MAX_PACKAGES} (fewer options or items)",
        )


RULES: tuple[Callable[[_Context], None], ...] = (
    _rule_identity,
    _rule_source,
    _rule_actors,
    _rule_small_class_order,
    _rule_agenda,
    _rule_cards,
    _rule_references,
    _rule_briefs,
    _rule_quoted_fragments,
    _rule_coverage,
    _rule_unused_cards,
    _rule_quiz,
    _rule_objectives,
    _rule_options,
    _rule_schedules,
    _rule_deal_space,
    _rule_history,
    _rule_reflection_prompts,
    _rule_round_plan,
    _rule_pages,
)


# --- entry points --------------------------------------------------------------------------------


def check_seed(seed: Seed) -> list[Problem]:
    """Check a seed's metadata against its text: roles cover every ¶, the affiliation is quoted."""
    problems: list[Problem] = []
    roles = seed.meta.role_numbers()
    count = len(seed.paragraphs)
    for n in range(1, count + 1):
        if n not in roles:
            problems.append(seed.raw.problem(("paragraphs",), f"¶{n} has no role"))
    for n in sorted(roles):
        if n > count:
            problems.append(
                seed.raw.problem(
                    ("paragraphs", roles[n]), f"¶{n} does not exist: the text has ¶1–¶{count}"
                )
            )
    affiliation, where = seed.meta.affiliation, seed.meta.affiliation_paragraph
    if (
        affiliation is not None
        and where is not None
        and (where > count or normalise(affiliation) not in normalise(seed.paragraph(where)))
    ):
        problems.append(
            seed.raw.problem(
                ("affiliation",),
                f"not found verbatim in ¶{where} of {display_path(seed.text_path)}",
            )
        )
    for i, exemption in enumerate(seed.meta.coverage_exempt):
        if roles.get(exemption.paragraph) != "analysis":
            problems.append(
                seed.raw.problem(
                    ("coverage_exempt", i, "paragraph"),
                    f"¶{exemption.paragraph} is not an analysis paragraph",
                )
            )
    return problems


def check_scenario(
    directory: Path | str, seeds_root: Path | str = DEFAULT_SEEDS_DIR
) -> list[Problem]:
    """Every problem in one pack (and in the seed it cites); an empty list means it is sound."""
    try:
        loaded = load_pack(directory)
    except ContentError as exc:
        return exc.problems
    problems: list[Problem] = []
    seed: Seed | None = None
    try:
        seed = load_seed(seeds_root, loaded.scenario.source.seed)
    except ContentError as exc:
        problems.extend(exc.problems)
    if seed is not None:
        problems.extend(check_seed(seed))
    ctx = _Context(loaded.raw, loaded.scenario, seed)
    for rule in RULES:
        rule(ctx)
    return problems + ctx.problems


def check_all(
    content_root: Path | str = DEFAULT_CONTENT_DIR, seeds_root: Path | str = DEFAULT_SEEDS_DIR
) -> list[Problem]:
    """Check every pack under ``content_root`` against the seeds in ``seeds_root``."""
    directories = pack_dirs(content_root)
    if not directories:
        return [
            Problem(
                display_path(Path(content_root)),
                None,
                None,
                "no scenario packs (folders holding a scenario.yaml)",
            )
        ]
    problems: list[Problem] = []
    for directory in directories:
        problems.extend(check_scenario(directory, seeds_root))
    return list(dict.fromkeys(problems))  # a seed shared by packs reports its faults once
