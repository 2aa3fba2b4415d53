"""The negotiation game's arithmetic: packages, points, no deal, the zone and the frontier.

A **package** picks one option per agenda item or leaves the item out (an item without options
has one implicit option, ``adopt``). An actor's **score** for a package is the sum of its
schedule's points for the options the package holds; an item left out scores 0. If no package
is adopted the outcome is **no agreement**, and every actor gets its **no-deal value** instead.
An actor **beats no deal** when it scores strictly more than its no-deal value: a tie is not a
gain, so a teacher checking by hand never has to argue about it.

`DealSpace` enumerates every package (the all-left-out package is not a deal and is not
counted), and answers what a debrief asks: which packages every party that could block them
prefers to no deal (the **zone of possible agreement**), which are **Pareto-efficient** for
the deciders (no other package gives every decider at least as much and one of them more), and
where a given package sits. Who could block a package is data: the scenario's decision rule
(``must_agree``) plus the extra rules of the options it holds (``must_agree``,
``no_veto_from``), counting only actors played in the class; when none of them is played the
vote is by majority, and the zone holds the packages a strict majority prefers to no deal.

Pure: content models in, plain values out; no discord, no SQLAlchemy.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.content.models import ADOPT, AgendaItem, Scenario
from bot.domain.voting import OptionRules

__all__ = [
    "ADOPT",
    "MAX_PACKAGES",
    "ActorResult",
    "ChartData",
    "DealSpace",
    "GameReport",
    "Marker",
    "Package",
    "PackagePoint",
    "PairView",
    "Placement",
    "ProposalPlacement",
    "beats",
    "blockers",
    "chart_data",
    "count_packages",
    "enumerate_packages",
    "game_report",
    "history_package",
    "option_rules",
    "outcome_results",
    "package_options",
    "pareto_efficient",
    "score",
]

MAX_PACKAGES = 100_000
"""Past this many possible packages the enumeration is too slow for a live debrief."""


@dataclass(frozen=True, slots=True, order=True)
class Package:
    """One option per agenda item held, in agenda order; items not listed are left out."""

    choices: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, choices: Mapping[str, str | None], agenda: Sequence[str]) -> Package:
        """A package from ``{agenda id: option id or None}``, ordered as ``agenda``."""
        unknown = set(choices) - set(agenda)
        if unknown:
            raise ValueError(f"unknown agenda items: {sorted(unknown)}")
        return cls(tuple((a, o) for a in agenda if (o := choices.get(a)) is not None))

    def option(self, agenda_id: str) -> str | None:
        """The option held on ``agenda_id``, ``None`` when the item is left out."""
        for item, option in self.choices:
            if item == agenda_id:
                return option
        return None

    def as_dict(self) -> dict[str, str]:
        return dict(self.choices)

    @property
    def empty(self) -> bool:
        return not self.choices

    def label(self, scenario: Scenario) -> str:
        """``"Yongbyon: freeze · Relief: humanitarian"``: the package in students' words."""
        parts = []
        for item_id, option_id in self.choices:
            try:
                item = scenario.agenda_item(item_id)
                option = item.option(option_id)
            except KeyError:
                parts.append(f"{item_id}: {option_id}")
                continue
            parts.append(item.title if item.binary else f"{item.title}: {option.label}")
        return " · ".join(parts) if parts else "nothing"


def score(scenario: Scenario, actor: str, package: Package) -> int:
    """What ``package`` is worth to ``actor`` (``KeyError`` if it has no schedule)."""
    schedule = scenario.schedule(actor)
    return sum(schedule.points(item, option) for item, option in package.choices)


def beats(points: int, no_deal: int) -> bool:
    """Strictly better than no deal (a tie is not a gain)."""
    return points > no_deal


def _played(scenario: Scenario, played: Iterable[str] | None) -> tuple[str, ...]:
    if played is None:
        return tuple(scenario.play_order)
    chosen = set(played)
    return tuple(a for a in scenario.play_order if a in chosen)


def blockers(
    scenario: Scenario, package: Package, played: Iterable[str] | None = None
) -> tuple[str, ...]:
    """Actors whose vote could stop ``package``, in play order (only actors played count).

    If none of the scenario's deciders is played, the vote falls back to a majority and nobody
    can block alone: the result is empty.
    """
    return _blockers(
        _played(scenario, played),
        scenario.decision_rule.must_agree,
        option_rules(scenario),
        package,
    )


def _blockers(
    at_table: Sequence[str],
    must_agree: Iterable[str],
    rules: Mapping[tuple[str, str], OptionRules],
    package: Package,
) -> tuple[str, ...]:
    needed = set(must_agree)
    for choice in package.choices:
        rule = rules.get(choice)
        if rule is not None:
            needed.update(rule.must_agree)
            needed.update(rule.no_veto_from)
    return tuple(a for a in at_table if a in needed)


def option_rules(scenario: Scenario) -> dict[tuple[str, str], OptionRules]:
    """(agenda id, option id) -> the option's extra decision rule, for the vote."""
    rules = {}
    for item in scenario.agenda:
        for option in item.options:
            if option.rule is not None:
                rules[(item.id, option.id)] = OptionRules(
                    tuple(option.rule.must_agree), tuple(option.rule.no_veto_from)
                )
    return rules


def package_options(scenario: Scenario) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Agenda id -> the option ids a package may hold (``adopt`` for a binary item)."""
    return tuple((item.id, tuple(o.id for o in item.choices())) for item in scenario.agenda)


def _choices(item: AgendaItem) -> list[str | None]:
    return [None, *(option.id for option in item.choices())]


def count_packages(scenario: Scenario) -> int:
    """How many packages there are (each item: an option or left out; minus the empty one)."""
    total = 1
    for item in scenario.agenda:
        total *= len(item.choices()) + 1
    return total - 1


def enumerate_packages(scenario: Scenario) -> list[Package]:
    """Every package, in a stable order (left out first, then options as listed)."""
    if count_packages(scenario) > MAX_PACKAGES:
        raise ValueError(f"more than {MAX_PACKAGES} possible packages")
    agenda = [item.id for item in scenario.agenda]
    packages = []
    for combo in itertools.product(*(_choices(item) for item in scenario.agenda)):
        package = Package(tuple((a, o) for a, o in zip(agenda, combo, strict=True) if o))
        if not package.empty:
            packages.append(package)
    return packages


def pareto_efficient(points: Sequence[Sequence[int]]) -> list[int]:
    """Indexes of the points no other point dominates (>= everywhere, > somewhere), ascending.

    Sorting descending puts every dominator before what it dominates, and a dominated
    dominator's own dominator dominates too; so comparing with the frontier found so far is
    enough (the frontier is small next to the packages).
    """
    order = sorted(range(len(points)), key=lambda i: tuple(points[i]), reverse=True)
    frontier: list[int] = []
    for i in order:
        p = points[i]
        dominated = any(
            all(q >= x for q, x in zip(points[j], p, strict=True)) and tuple(points[j]) != tuple(p)
            for j in frontier
        )
        if not dominated:
            frontier.append(i)
    return sorted(frontier)


@dataclass(frozen=True, slots=True)
class ActorResult:
    """One delegation's result: its points, its no-deal value, and whether it beat it."""

    actor: str
    points: int
    no_deal: int

    @property
    def beat_no_deal(self) -> bool:
        return beats(self.points, self.no_deal)

    @property
    def gain(self) -> int:
        """Points above (or below, negative) the no-deal value."""
        return self.points - self.no_deal

    def to_dict(self) -> dict[str, Any]:
        return {
            "actor": self.actor,
            "points": self.points,
            "no_deal": self.no_deal,
            "beat_no_deal": self.beat_no_deal,
        }


def outcome_results(
    scenario: Scenario, package: Package | None, actors: Iterable[str] | None = None
) -> tuple[ActorResult, ...]:
    """Each delegation's result for the outcome: ``package`` adopted, or ``None`` (no
    agreement: everyone gets its no-deal value, which never beats itself)."""
    results = []
    for actor in _played(scenario, actors):
        if actor not in scenario.schedules:
            continue
        no_deal = scenario.schedule(actor).no_deal.points
        points = no_deal if package is None else score(scenario, actor, package)
        results.append(ActorResult(actor, points, no_deal))
    return tuple(results)


@dataclass(frozen=True, slots=True)
class PackagePoint:
    """One package with every played actor's points, and its place in the deal space."""

    package: Package
    points: Mapping[str, int]
    blockers: tuple[str, ...]
    in_zone: bool
    efficient: bool


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a package (a proposal, the outcome) sits among all packages.

    ``rank``: 1 for the package with the highest joint gain of the deciders over no deal
    (ties share a rank), out of ``of`` packages.
    """

    package: Package | None
    points: Mapping[str, int]
    in_zone: bool
    efficient: bool
    rank: int | None
    of: int


@dataclass(frozen=True, slots=True)
class PairView:
    """Two deciders alone: how many packages both prefer to no deal, and the best for both."""

    pair: tuple[str, str]
    zone: int
    best: tuple[tuple[Package, int, int], ...]
    """Up to three packages both prefer, highest joint gain first, with each one's points."""


class DealSpace:
    """Every package of a scenario with the played actors' points (built once per debrief)."""

    def __init__(self, scenario: Scenario, played: Iterable[str] | None = None) -> None:
        self.scenario = scenario
        self.actors = tuple(a for a in _played(scenario, played) if a in scenario.schedules)
        deciders = [a for a in scenario.decision_rule.must_agree if a in self.actors]
        self.deciders: tuple[str, ...] = tuple(deciders)
        self.no_deal: dict[str, int] = {a: scenario.schedule(a).no_deal.points for a in self.actors}
        packages = enumerate_packages(scenario)
        schedules = {a: scenario.schedule(a) for a in self.actors}
        table = [
            {a: sum(schedules[a].points(i, o) for i, o in p.choices) for a in self.actors}
            for p in packages
        ]
        efficient = set(
            pareto_efficient([[row[a] for a in self.deciders] for row in table])
            if self.deciders
            else []
        )
        rules = option_rules(scenario)
        must_agree = scenario.decision_rule.must_agree
        points: list[PackagePoint] = []
        for i, (package, row) in enumerate(zip(packages, table, strict=True)):
            who = _blockers(self.actors, must_agree, rules, package)
            if who:
                zone = all(beats(row[a], self.no_deal[a]) for a in who)
            else:  # majority rule: a strict majority of the delegations must gain
                gaining = sum(beats(row[a], self.no_deal[a]) for a in self.actors)
                zone = 2 * gaining > len(self.actors)
            points.append(PackagePoint(package, row, who, zone, i in efficient))
        self.points: tuple[PackagePoint, ...] = tuple(points)
        self._by_package = {p.package: p for p in self.points}
        self._gains = sorted((self.joint_gain(p.points) for p in self.points), reverse=True)

    def __len__(self) -> int:
        return len(self.points)

    def __contains__(self, package: object) -> bool:
        return package in self._by_package

    @property
    def zone(self) -> tuple[PackagePoint, ...]:
        """Packages every party that could block them prefers to no deal."""
        return tuple(p for p in self.points if p.in_zone)

    @property
    def frontier(self) -> tuple[PackagePoint, ...]:
        """Pareto-efficient packages for the deciders."""
        return tuple(p for p in self.points if p.efficient)

    def point(self, package: Package) -> PackagePoint:
        """The package's entry (``KeyError`` if it is not a package of this scenario)."""
        return self._by_package[package]

    def joint_gain(self, points: Mapping[str, int]) -> int:
        """The deciders' summed points above their no-deal values."""
        return sum(points[a] - self.no_deal[a] for a in self.deciders)

    def place(self, package: Package | None) -> Placement:
        """Where ``package`` sits (``None``: no agreement, at the no-deal point)."""
        gains = self._gains
        if package is None or package.empty:
            points = dict(self.no_deal)
            return Placement(None, points, False, False, None, len(gains))
        found = self._by_package.get(package)
        if found is None:
            raise KeyError(package)
        rank = gains.index(self.joint_gain(found.points)) + 1
        return Placement(package, found.points, found.in_zone, found.efficient, rank, len(gains))

    def pair_view(self, first: str, second: str, best: int = 3) -> PairView:
        """The zone and best joint packages for two deciders on their own."""
        both = [
            p
            for p in self.points
            if beats(p.points[first], self.no_deal[first])
            and beats(p.points[second], self.no_deal[second])
        ]
        both.sort(
            key=lambda p: (
                -(p.points[first] - self.no_deal[first] + p.points[second] - self.no_deal[second]),
                p.package,
            )
        )
        top = tuple((p.package, p.points[first], p.points[second]) for p in both[:best])
        return PairView((first, second), len(both), top)

    def pairs(self) -> list[PairView]:
        """`pair_view` for each pair of deciders (every pair of scored actors if fewer than 2)."""
        who = self.deciders if len(self.deciders) >= 2 else self.actors
        return [self.pair_view(a, b) for a, b in itertools.combinations(who, 2)]


# --- the chart's data (plotted by bot.reports.deal_chart) ----------------------------------------


@dataclass(frozen=True, slots=True)
class Marker:
    """A labelled point on the chart: a tabled proposal, or the outcome."""

    label: str
    x: int
    y: int


@dataclass(frozen=True, slots=True)
class ChartData:
    """Everything the deal chart draws, as plain numbers: two deciders' points per package.

    ``packages``: every package (x, y) in enumeration order; ``zone``: those in the zone of
    possible agreement; ``frontier``: the Pareto-efficient ones sorted by x (a staircase);
    ``outcome``: where the class ended (the no-deal point for no agreement).
    """

    title: str
    x_label: str
    y_label: str
    packages: tuple[tuple[int, int], ...]
    zone: tuple[tuple[int, int], ...]
    frontier: tuple[tuple[int, int], ...]
    no_deal: tuple[int, int]
    proposals: tuple[Marker, ...]
    outcome: Marker


def chart_data(
    space: DealSpace,
    proposals: Sequence[tuple[int, Package]],
    outcome: Package | None,
    *,
    axes: tuple[str, str] | None = None,
    outcome_label: str | None = None,
) -> ChartData:
    """The chart of ``space`` for two actors (default: the first two deciders).

    ``proposals``: (number, package) of each tabled package; ``outcome``: the adopted package,
    ``None`` for no agreement.
    """
    who = axes or _axes(space)
    x_actor, y_actor = who
    scenario = space.scenario

    def name(actor: str) -> str:
        try:
            return scenario.actor(actor).name
        except KeyError:
            return actor

    def xy(points: Mapping[str, int]) -> tuple[int, int]:
        return points[x_actor], points[y_actor]

    packages = tuple(xy(p.points) for p in space.points)
    zone = tuple(xy(p.points) for p in space.zone)
    frontier = tuple(sorted({xy(p.points) for p in space.frontier}))
    no_deal = xy(space.no_deal)
    markers = tuple(
        Marker(f"#{number}", *xy(space.point(package).points)) for number, package in proposals
    )
    if outcome is None or outcome.empty:
        end = Marker(outcome_label or "No agreement", *no_deal)
    else:
        end = Marker(outcome_label or "Outcome", *xy(space.point(outcome).points))
    return ChartData(
        title=f"Every package: {name(x_actor)} vs {name(y_actor)}",
        x_label=f"{name(x_actor)} points",
        y_label=f"{name(y_actor)} points",
        packages=packages,
        zone=zone,
        frontier=frontier,
        no_deal=no_deal,
        proposals=markers,
        outcome=end,
    )


def _axes(space: DealSpace) -> tuple[str, str]:
    who = list(space.deciders)
    for actor in space.actors:
        if len(who) >= 2:
            break
        if actor not in who:
            who.append(actor)
    if len(who) < 2:
        raise ValueError("a chart needs two actors with schedules")
    return who[0], who[1]


# --- the debrief's game report -------------------------------------------------------------------


def history_package(scenario: Scenario) -> Package | None:
    """What history agreed, as a package (``None``: no agreement, as at Hanoi)."""
    choices: dict[str, str | None] = {}
    for agenda_id, outcome in scenario.history.outcome.items():
        if outcome != "adopted":
            continue
        try:
            item = scenario.agenda_item(agenda_id)
        except KeyError:
            continue
        option = scenario.history.options.get(agenda_id)
        choices[agenda_id] = option if option is not None else (ADOPT if item.binary else None)
    package = Package.of(choices, [item.id for item in scenario.agenda])
    return None if package.empty else package


@dataclass(frozen=True, slots=True)
class ProposalPlacement:
    """A tabled package proposal and where it sits."""

    number: int
    sponsor: str
    placement: Placement


@dataclass(frozen=True, slots=True)
class GameReport:
    """The debrief's score of the deal and what was possible (see the module docstring)."""

    results: tuple[ActorResult, ...]
    package: Package | None
    """The adopted package (``None``: no agreement)."""
    adopted: int | None
    """Its proposal number."""
    deciders: tuple[str, ...]
    total: int
    zone: int
    frontier: int
    frontier_in_zone: int
    outcome: Placement
    proposals: tuple[ProposalPlacement, ...]
    history: Placement
    history_package: Package | None
    chart: ChartData | None
    """``None`` when fewer than two actors with schedules are played."""


def game_report(
    scenario: Scenario,
    played: Iterable[str],
    proposals: Iterable[tuple[int, str, Package]],
    adopted: tuple[int, Package] | None,
) -> GameReport:
    """Score the outcome and place it, each tabled package and history in the deal space.

    ``proposals``: (number, sponsor, package) of each package proposal to show;
    ``adopted``: (number, package) of the adopted one, ``None`` for no agreement.
    """
    played = list(played)
    space = DealSpace(scenario, played)
    package = None if adopted is None else adopted[1]
    tabled = [(n, s, p) for n, s, p in proposals if p in space]
    history = history_package(scenario)
    try:
        chart: ChartData | None = chart_data(space, [(n, p) for n, _, p in tabled], package)
    except ValueError:
        chart = None
    return GameReport(
        results=outcome_results(scenario, package, played),
        package=package,
        adopted=None if adopted is None else adopted[0],
        deciders=space.deciders,
        total=len(space),
        zone=len(space.zone),
        frontier=len(space.frontier),
        frontier_in_zone=sum(p.in_zone for p in space.frontier),
        outcome=space.place(package),
        proposals=tuple(ProposalPlacement(n, s, space.place(p)) for n, s, p in tabled),
        history=space.place(history),
        history_package=history,
        chart=chart,
    )
