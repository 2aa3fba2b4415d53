"""`parley console`: the briefs, the background and the practice quiz in a terminal, offline.

For a student with no Discord at hand: the same scenario packs, the same quiz items with the
same explanations and quoted paragraphs, and the same grader as the bot. Nothing is stored.
This module's job is printing, so it reads and writes text streams directly (standard input
and output unless given others, which is how the tests drive it).
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import textwrap
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TextIO

from bot.content.loader import seeds_dir
from bot.content.models import RECORD_LABEL, Brief, Claim, Scenario
from bot.content.questions import scenario_questions
from bot.content.seed import load_paragraphs, normalise, quoted_fragments
from bot.domain.actor_names import ActorName, ActorResolver
from bot.domain.brief_pages import record_date
from bot.domain.quiz import BadAnswer, Question, Verdict, check, excerpt, letter, trim

__all__ = ["Console", "register", "run_console"]

WIDTH = 78
DEFAULT_COUNT = 10
ARTICLE_FIRST_WORDS = frozenset(
    {"united", "republic", "democratic", "people's", "russian", "islamic", "federated"}
)
ARTICLE_NAMES = frozenset(
    {"netherlands", "philippines", "bahamas", "gambia", "maldives", "vatican"}
)
MORE = "-- more: Enter for the next page, q to stop reading -- "


class Quit(Exception):
    """The student typed q (or the input ended)."""


class Console:
    def __init__(
        self,
        scenarios: Mapping[str, Scenario],
        *,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        rng: random.Random | None = None,
        page_lines: int | None = None,
    ) -> None:
        self.scenarios = scenarios
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.rng = rng or random.Random()
        self.scenario: Scenario | None = None
        self.actor_id: str | None = None
        # A brief is ~170 lines: on a terminal it is shown a page at a time, so its top does not
        # scroll away. None: everything at once (piped output, tests of the whole text).
        self.page_lines = page_lines
        self._pending: list[str] | None = None

    # --- input and output -----------------------------------------------------------------

    def say(self, text: str = "", *, indent: str = "") -> None:
        for paragraph in text.split("\n"):
            lines = textwrap.wrap(
                paragraph, WIDTH, initial_indent=indent, subsequent_indent=indent
            ) or [""]
            for line in lines:
                if self._pending is not None:
                    self._pending.append(line)
                else:
                    print(line, file=self.stdout)

    @contextmanager
    def paged(self) -> Iterator[None]:
        """Collect what is said inside, then show it a page at a time (Enter: next, q: stop)."""
        if self.page_lines is None or self._pending is not None:
            yield
            return
        self._pending = []
        try:
            yield
        finally:
            lines, self._pending = self._pending, None
        size = max(self.page_lines, 5)
        for start in range(0, len(lines), size):
            for line in lines[start : start + size]:
                print(line, file=self.stdout)
            if start + size >= len(lines):
                break
            answer = self.ask(MORE).strip().casefold()
            if answer in ("q", "quit"):
                self.say(f"(stopped after {start + size} of {len(lines)} lines)")
                break

    def ask(self, prompt: str) -> str:
        """One line from the student; `Quit` when the input ends."""
        self.stdout.write(prompt)
        self.stdout.flush()
        line = self.stdin.readline()
        if not line:
            self.say()
            raise Quit
        return line.rstrip("\r\n")

    def choose(self, prompt: str, count: int, default: int | None = None) -> int:
        """A number from 1 to `count` (or `default` on Enter)."""
        while True:
            text = self.ask(prompt).strip()
            if not text and default is not None:
                return default
            if text.casefold() == "q":
                raise Quit
            if text.isdigit() and 1 <= int(text) <= count:
                return int(text)
            self.say(f"Type a number from 1 to {count} (or q to quit).")

    # --- the session ----------------------------------------------------------------------

    def run(
        self,
        scenario_id: str | None = None,
        actor: str | None = None,
        paragraph: int | None = None,
        count: int | None = None,
    ) -> int:
        try:
            self.say("Parley console: read your brief and drill the article, offline.")
            self.say("Type q at any prompt to quit.")
            self.say()
            self.scenario = self.pick_scenario(scenario_id)
            self.actor_id = self.pick_actor(actor)
            while True:
                choice = self.menu()
                if choice == 1:
                    self.show_brief()
                elif choice == 2:
                    self.show_background()
                elif choice == 3:
                    self.quiz(paragraph, count)
                else:
                    self.actor_id = self.pick_actor(None)
        except Quit:
            self.say("Goodbye. Type `parley console` to come back.")
        return 0

    def pick_scenario(self, wanted: str | None) -> Scenario:
        """The scenario from --scenario, else the only one, else asked for by number or name."""
        scenarios = sorted(self.scenarios.values(), key=lambda s: s.title)
        if not scenarios:
            raise SystemExit("No scenario is installed: run `parley content check`.")
        if wanted is not None:
            found = self.find_scenario(wanted, scenarios)
            if found is not None:
                self.say(f"Scenario: {found.title}")
                return found
        if len(scenarios) == 1:
            self.say(f"Scenario: {scenarios[0].title}")
            return scenarios[0]
        self.say("Scenarios:")
        for number, scenario in enumerate(scenarios, start=1):
            self.say(f"  {number}. {scenario.title}")
        while True:
            text = self.ask("Choose a scenario (a number or a name, like hanoi): ").strip()
            if text.casefold() in ("q", "quit"):
                raise Quit
            if text.isdigit() and 1 <= int(text) <= len(scenarios):
                chosen = scenarios[int(text) - 1]
                break
            found = self.find_scenario(text, scenarios) if text else None
            if found is not None:
                chosen = found
                break
            if not text:
                self.say(f"Type a number from 1 to {len(scenarios)} or a scenario's name.")
        self.say(f"Scenario: {chosen.title}")
        return chosen

    def find_scenario(self, text: str, scenarios: Sequence[Scenario]) -> Scenario | None:
        """A scenario from its id, its title or the start of either ("hanoi", "bridge talks"),
        or None after saying why (nothing matches, or which ones were meant)."""
        wanted = " ".join(text.casefold().split())
        exact = [s for s in scenarios if wanted in (s.id, s.title.casefold())]
        if exact:
            return exact[0]
        close = [
            s for s in scenarios if s.id.startswith(wanted) or s.title.casefold().startswith(wanted)
        ]
        if len(close) == 1:
            return close[0]
        if close:
            names = " or ".join(s.title for s in close)
            self.say(f"“{text}” could be {names}: type more of the name or its number.")
        else:
            names = ", ".join(f"{s.title} ({s.id})" for s in scenarios)
            self.say(f"There is no scenario “{text}”. The scenarios are: {names}.")
        return None

    def pick_actor(self, wanted: str | None) -> str | None:
        scenario = self._scenario
        if wanted is not None:
            found = self.find_actor(wanted)
            if found is not None:
                self.say(f"You are {the(scenario.actor(found).name)}.")
                return found
        self.say("Actors (your delegation):")
        for number, actor in enumerate(scenario.actors, start=1):
            self.say(f"  {number}. {actor.flag} {actor.name}")
        none = len(scenario.actors) + 1
        self.say(f"  {none}. None: just the background and the quiz")
        while True:
            text = self.ask("Choose your actor (a number or a name, like japan): ").strip()
            if text.casefold() in ("q", "quit"):
                raise Quit
            if text.isdigit() and 1 <= int(text) <= none:
                if int(text) == none:
                    return None
                actor = scenario.actors[int(text) - 1]
                break
            found = self.find_actor(text) if text else None
            if found is not None:
                actor = scenario.actor(found)
                break
            if not text:
                self.say(f"Type a number from 1 to {none} or an actor's name (or q to quit).")
        self.say(f"You are {the(actor.name)}. Your brief is confidential in class: don't share it.")
        return actor.id

    def find_actor(self, text: str) -> str | None:
        """An actor from a typed name or alias ("Japan", "japan", "pyongyang", "s korea"), or
        None after saying why (nothing close, or which ones were meant)."""
        scenario = self._scenario
        resolver = ActorResolver(ActorName(a.id, a.name, tuple(a.aliases)) for a in scenario.actors)
        resolution = resolver.resolve(text)
        if resolution.actor_id is not None:
            return resolution.actor_id
        if resolution.ambiguous:
            names = " or ".join(the(scenario.actor(c).name) for c in resolution.candidates)
            self.say(f"“{text}” could be {names}: type the full name or its number.")
        else:
            self.say(f"There is no actor “{text}”: type a number or a name from the list.")
        return None

    def menu(self) -> int:
        self.say()
        self.say("What next?")
        self.say("  1. Read your brief" if self.actor_id else "  1. (choose an actor for a brief)")
        self.say("  2. Read the background")
        self.say("  3. Take a practice quiz")
        self.say("  4. Choose another actor")
        return self.choose("> ", 4)

    @property
    def _scenario(self) -> Scenario:
        assert self.scenario is not None
        return self.scenario

    # --- reading --------------------------------------------------------------------------

    def cite(self, claim: Claim) -> str:
        found = (self._paragraph_of(card) for card in claim.cards)
        paragraphs = sorted({n for n in found if n is not None})
        parts = [f"¶{n}" for n in paragraphs]
        if any(self._scenario.is_record(card) for card in claim.cards):
            parts.append("public record")
        where = ", ".join(parts)
        return f"{claim.text} [{where}]" if where else claim.text

    def _paragraph_of(self, card_id: str) -> int | None:
        try:
            return self._scenario.card(card_id).paragraph
        except KeyError:
            return None

    def heading(self, title: str) -> None:
        self.say()
        self.say(title.upper())
        self.say("-" * min(len(title), WIDTH))

    def claims(self, title: str, claims: Sequence[Claim]) -> None:
        if not claims:
            return
        self.heading(title)
        for claim in claims:
            self.say("• " + self.cite(claim), indent="")

    def show_brief(self) -> None:
        with self.paged():
            self._brief()

    def _brief(self) -> None:
        if self.actor_id is None:
            self.say("Choose an actor first (4), then read its brief.")
            return
        scenario = self._scenario
        actor = scenario.actor(self.actor_id)
        brief: Brief = scenario.brief_for(self.actor_id)
        self.heading(f"Confidential brief: {actor.name}")
        self.claims("Situation", brief.situation)
        self.claims("Interests", brief.interests)
        if brief.positions:
            self.heading("Positions")
            for position in brief.positions:
                title = scenario.agenda_item(position.agenda).title
                self.say(f"• {title}: {self.cite(position)}")
        self.claims("Red lines", brief.red_lines)
        self.claims("What you can offer", brief.offers)
        self.claims("Your levers", brief.levers)
        self.claims("Aligned with you on", brief.allies)
        self.claims("At odds with you on", brief.opponents)
        self.claims("Talking points", brief.talking_points)
        self.claims("Questions to ask", brief.questions)
        if brief.article_gaps:
            self.heading("What the article does not say")
            for gap in brief.article_gaps:
                self.say("• " + gap)
        if brief.discussion_prompts:
            self.heading("Beyond the article (questions, not facts)")
            for prompt in brief.discussion_prompts:
                self.say("• " + prompt)
        cards = scenario.cards_for(self.actor_id)
        if cards:
            self.heading("Evidence")
            for card in cards:
                self.say(f"¶{card.paragraph} {card.tag}: “{card.quote}”")
        record = scenario.record_cards_for(self.actor_id)
        if record:
            self.heading(RECORD_LABEL)
            for fact in record:
                self.say(f"{fact.tag}: {fact.fact} (Source: {fact.source}, {record_date(fact)}.)")

    def show_background(self) -> None:
        with self.paged():
            for section in self._scenario.background:
                self.claims(section.title, section.points)

    # --- the quiz -------------------------------------------------------------------------

    def quiz(self, paragraph: int | None, count: int | None) -> None:
        scenario = self._scenario
        paragraphs = _paragraphs(scenario)
        questions = scenario_questions(scenario, paragraphs)
        if paragraph is not None:
            questions = [q for q in questions if q.paragraph == paragraph]
        if self.actor_id is not None:
            name = scenario.actor(self.actor_id).name
            only = self.ask(f"Only items about {name}? [Y/n] ").strip().casefold()
            if only in ("", "y", "yes"):
                questions = [q for q in questions if self.actor_id in q.actors]
        if not questions:
            self.say("No quiz items match. Try without the paragraph or actor filter.")
            return
        if count is None:
            count = self.choose(
                f"How many questions (1-{len(questions)}) [{min(DEFAULT_COUNT, len(questions))}]: ",
                len(questions),
                default=min(DEFAULT_COUNT, len(questions)),
            )
        picked = self.rng.sample(questions, min(count, len(questions)))
        right = 0
        missed: list[Question] = []
        try:
            for number, question in enumerate(picked, start=1):
                verdict = self.ask_question(question, number, len(picked))
                self.show_verdict(question, verdict)
                right += verdict.correct
                if not verdict.correct:
                    missed.append(question)
        except Quit:
            self.summary(right, right + len(missed), missed)
            raise
        self.summary(right, len(picked), missed)

    def ask_question(self, q: Question, number: int, total: int) -> Verdict:
        self.say()
        where = f" (¶{q.paragraph})" if q.paragraph else ""
        self.say(f"Question {number} of {total}{where}")
        self.say(q.prompt)
        if q.kind == "multiple_choice":
            for index, choice in enumerate(q.choices):
                self.say(f"  {letter(index)}. {choice.label}", indent="")
            hint = f"A-{letter(len(q.choices) - 1)}"
        elif q.kind == "true_false":
            hint = "t for true, f for false"
        elif q.kind == "which_actor":
            for index, choice in enumerate(q.choices, start=1):
                self.say(f"  {index}. {choice.label}")
            hint = "a number or a name"
        else:
            hint = "type the answer"
        while True:
            text = self.ask(f"Your answer ({hint}; q to stop): ")
            if text.strip().casefold() == "q":
                raise Quit
            value = self.to_value(q, text)
            if value is None:
                self.say(f"That is not one of the choices: {hint}.")
                continue
            try:
                return check(q, value)
            except BadAnswer as exc:
                self.say(str(exc))

    def to_value(self, q: Question, text: str) -> str | None:
        """What a typed line means for this question (None: not a valid choice)."""
        typed = text.strip().casefold()
        if q.kind == "short_answer":
            return text
        if q.kind == "multiple_choice":
            letters = [letter(i).casefold() for i in range(len(q.choices))]
            if typed.rstrip(".") in letters:
                return q.choices[letters.index(typed.rstrip("."))].value
            return None
        if q.kind == "true_false":
            if typed in ("t", "true", "y", "yes"):
                return "true"
            if typed in ("f", "false", "n", "no"):
                return "false"
            return None
        if typed.isdigit() and 1 <= int(typed) <= len(q.choices):
            return q.choices[int(typed) - 1].value
        return resolve_actor(self._scenario, text)

    def show_verdict(self, q: Question, verdict: Verdict) -> None:
        self.say("✔ Right." if verdict.correct else "✘ Not quite.")
        if not verdict.correct:
            self.say(f"You said: {verdict.given}")
            close = verdict.teaching(reveal=True)  # the answer is shown next anyway
            if close:
                self.say(close)
        self.say(f"Right answer: {q.right_answer}")
        if q.explanation:
            self.say(f"Why: {q.explanation}")
        if q.paragraph is not None and q.paragraph_text:
            focus = quoted_fragments(q.explanation or "")
            self.say(f"¶{q.paragraph}: “{excerpt(normalise(q.paragraph_text), focus, 600)}”")

    def summary(self, right: int, asked: int, missed: Sequence[Question]) -> None:
        self.say()
        self.say(f"You got {right} of {asked} right.")
        if missed:
            self.say("To look at again:")
            for q in missed:
                self.say(f"• {trim(q.prompt, 120)} → {q.right_answer}")


def the(name: str) -> str:
    """A country's name as it reads in a sentence: "the United States", but "Japan"."""
    first = name.split(" ", 1)[0].casefold()
    article = first in ARTICLE_FIRST_WORDS or name.casefold() in ARTICLE_NAMES
    return f"the {name}" if article else name


def resolve_actor(scenario: Scenario, text: str) -> str | None:
    wanted = " ".join(text.casefold().replace(".", "").split())
    for actor in scenario.actors:
        names = {actor.id, actor.name.casefold()}
        names |= {" ".join(a.casefold().replace(".", "").split()) for a in actor.aliases}
        if wanted in names:
            return actor.id
    return None


def _paragraphs(scenario: Scenario) -> list[str]:
    try:
        return load_paragraphs(seeds_dir() / scenario.source.seed)
    except OSError:
        return []


# --- `parley console` ---------------------------------------------------------------------------


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    console = subparsers.add_parser(
        "console",
        help="read briefs and take practice quizzes in the terminal (no Discord needed)",
        description="Read a brief and the background, and take a practice quiz, offline.",
    )
    console.add_argument(
        "--scenario",
        metavar="ID",
        help="scenario id, e.g. hanoi-2019 (default: ask, or the only one)",
    )
    console.add_argument(
        "--actor", metavar="NAME", help="your actor, e.g. japan or 'north korea' (default: ask)"
    )
    console.add_argument(
        "--paragraph", type=_at_least_one, metavar="N", help="quiz only items about this ¶"
    )
    console.add_argument(
        "--count",
        type=_at_least_one,
        metavar="N",
        help="number of quiz questions, 1 or more (default: ask)",
    )
    console.add_argument("--seed", type=int, help=argparse.SUPPRESS)
    console.set_defaults(func=run_console)


def _at_least_one(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _terminal_page_lines() -> int | None:
    """A screenful, when a person reads at a terminal; None when input or output is piped."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        return None
    return max(shutil.get_terminal_size().lines - 2, 10)


def run_console(args: argparse.Namespace) -> int:
    from bot.content.loader import load_scenarios

    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors="replace")  # a terminal without emoji still gets the text
    console = Console(
        load_scenarios(), rng=random.Random(args.seed), page_lines=_terminal_page_lines()
    )
    return console.run(args.scenario, args.actor, args.paragraph, args.count)
