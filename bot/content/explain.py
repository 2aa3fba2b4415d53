"""``parley content check --explain SCENARIO``: is the negotiation game playable?

An author sees, before any class plays it, how many packages there are, how many every party
that could block them prefers to no deal (the zone of possible agreement), how many are
Pareto-efficient for the deciders, and per pair of deciders the size of their zone and the best
packages for both. An empty zone means a rational class can only end with no agreement; a zone
holding most packages means there is nothing to negotiate about.
"""

from __future__ import annotations

from bot.content.models import Scenario
from bot.domain.deal_space import DealSpace, count_packages, history_package

__all__ = ["explain"]


def _name(scenario: Scenario, actor_id: str) -> str:
    try:
        return scenario.actor(actor_id).name
    except KeyError:
        return actor_id


def explain(scenario: Scenario) -> str:
    """The deal space of ``scenario`` in a few lines of plain text."""
    if not scenario.has_game:
        return (
            f"{scenario.title} ({scenario.id}) has no points schedules: items are adopted or "
            "not, scored by objectives. Nothing to explain."
        )
    space = DealSpace(scenario)
    lines = [
        f"{scenario.title} ({scenario.id}): {count_packages(scenario)} possible packages",
        "No deal: " + ", ".join(f"{_name(scenario, a)} {v}" for a, v in space.no_deal.items()),
        f"Zone of possible agreement (every party that could block prefers it to no deal): "
        f"{len(space.zone)} package(s)",
        f"Pareto-efficient for {' + '.join(_name(scenario, a) for a in space.deciders)}: "
        f"{len(space.frontier)} package(s), {sum(p.in_zone for p in space.frontier)} in the zone",
    ]
    history = history_package(scenario)
    if history is None:
        lines.append("History: no agreement (everyone at its no-deal value)")
    else:
        placed = space.place(history)
        lines.append(
            f"History: {history.label(scenario)}; rank {placed.rank} of {placed.of} by joint "
            f"gain; {'in' if placed.in_zone else 'outside'} the zone"
        )
    for view in space.pairs():
        first, second = view.pair
        lines.append("")
        lines.append(
            f"{_name(scenario, first)} + {_name(scenario, second)}: {view.zone} package(s) "
            "both prefer to no deal"
        )
        if not view.best:
            lines.append("  none: this pair can only walk away")
        for package, a, b in view.best:
            line = (
                f"  {_name(scenario, first)} {a} / {_name(scenario, second)} {b}: "
                f"{package.label(scenario)}"
            )
            point = space.point(package)
            losers = [x for x in point.blockers if point.points[x] <= space.no_deal[x]]
            if losers:
                names = ", ".join(_name(scenario, x) for x in losers)
                line += f" (outside the zone: {names} could block it and would not gain)"
            lines.append(line)
    return "\n".join(lines)
