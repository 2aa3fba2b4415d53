"""Building a package on a phone: pages of select menus, a draft that survives restarts, and
the words the cards and confirmations show. Pure: the Discord side turns these into components.

**Pages.** A message holds at most five rows of components. A page shows up to
`ITEMS_PER_PAGE` agenda items (one select menu each) and keeps the last row for the buttons
(previous / next page, table it, cancel); a scenario with more items pages through them.

**The draft** is the package being built, encoded in the components' custom ids as one
character per agenda item (``0``: left out; ``1``…``6``: the item's option by position), e.g.
``"2013"``. Nothing is kept in memory between taps, so a half-built package survives a restart
and two students building at once never see each other's drafts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.content.models import MAX_CHOICE_CHARS, Scenario
from bot.domain.brief_pages import fit
from bot.domain.deal_space import Package

__all__ = [
    "ITEMS_PER_PAGE",
    "LEAVE_OUT",
    "SelectChoice",
    "decode_draft",
    "encode_draft",
    "item_pages",
    "package_lines",
    "rule_lines",
    "select_choices",
    "worth_lines",
]

ITEMS_PER_PAGE = 4
"""Four select rows and one row of buttons: Discord's five rows per message."""
LEAVE_OUT = "-"
"""The select value for "leave this item out"."""
_DESCRIPTION_CHARS = 100
"""Discord caps a select option's description at 100 characters."""


def item_pages(scenario: Scenario) -> list[list[str]]:
    """Agenda ids, `ITEMS_PER_PAGE` per page, in agenda order (at least one page)."""
    ids = [item.id for item in scenario.agenda]
    return [ids[i : i + ITEMS_PER_PAGE] for i in range(0, len(ids), ITEMS_PER_PAGE)] or [[]]


def encode_draft(scenario: Scenario, choices: Mapping[str, str | None]) -> str:
    """One character per agenda item: ``0`` left out, else the option's position from 1."""
    code = []
    for item in scenario.agenda:
        option = choices.get(item.id)
        ids = [o.id for o in item.choices()]
        code.append(str(ids.index(option) + 1) if option in ids else "0")
    return "".join(code)


def decode_draft(scenario: Scenario, code: str) -> dict[str, str | None]:
    """The choices a draft code stands for; an unreadable or stale code reads as all left out
    item by item (a scenario edited between taps must not crash the builder)."""
    choices: dict[str, str | None] = {}
    for position, item in enumerate(scenario.agenda):
        options = item.choices()
        digit = code[position] if position < len(code) else "0"
        index = int(digit) - 1 if digit.isdigit() else -1
        choices[item.id] = options[index].id if 0 <= index < len(options) else None
    return choices


@dataclass(frozen=True, slots=True)
class SelectChoice:
    """One entry of an item's select menu."""

    value: str
    label: str
    description: str | None
    default: bool


def select_choices(scenario: Scenario, agenda_id: str, chosen: str | None) -> list[SelectChoice]:
    """The menu for one item: its options (``Adopt`` for an item without), then leave it out."""
    item = scenario.agenda_item(agenda_id)
    choices = []
    for option in item.choices():
        label = "Adopt it" if item.binary else option.label
        note = None if item.binary else fit(" ".join(option.description.split()), 100)
        if option.rule is not None:
            note = fit(f"Needs more: {option.rule.explanation}", _DESCRIPTION_CHARS)
        choices.append(
            SelectChoice(option.id, fit(label, MAX_CHOICE_CHARS), note, default=option.id == chosen)
        )
    choices.append(
        SelectChoice(
            LEAVE_OUT, "Leave it out", "Nothing agreed on this item", default=chosen is None
        )
    )
    return choices


def _option_label(scenario: Scenario, agenda_id: str, option_id: str) -> str:
    try:
        item = scenario.agenda_item(agenda_id)
        return "adopted" if item.binary else item.option(option_id).label
    except KeyError:
        return option_id


def package_lines(scenario: Scenario, choices: Mapping[str, str | None]) -> list[str]:
    """The whole package, one line per agenda item (left-out items included, so nothing is a
    surprise on the confirmation or the card)."""
    lines = []
    for item in scenario.agenda:
        option = choices.get(item.id)
        if option is None:
            lines.append(f"▫️ **{item.title}**: left out")
        else:
            lines.append(f"✅ **{item.title}**: {_option_label(scenario, item.id, option)}")
    return lines


def _names(scenario: Scenario, actor_ids: Sequence[str]) -> str:
    names = []
    for actor_id in actor_ids:
        try:
            names.append(scenario.actor(actor_id).name)
        except KeyError:
            names.append(actor_id)
    return " and ".join(names) if len(names) <= 2 else ", ".join(names[:-1]) + " and " + names[-1]


def rule_lines(scenario: Scenario, package: Package) -> list[str]:
    """How this package is decided: the scenario's rule, then each held option's own rule."""
    rule = scenario.decision_rule
    lines = [f"Needs a yes from {_names(scenario, rule.must_agree)}."]
    for agenda_id, option_id in package.choices:
        try:
            option = scenario.agenda_item(agenda_id).option(option_id)
        except KeyError:
            continue
        if option.rule is None:
            continue
        extra = []
        if option.rule.must_agree:
            extra.append(f"also a yes from {_names(scenario, option.rule.must_agree)}")
        if option.rule.no_veto_from:
            extra.append(f"no vote against from {_names(scenario, option.rule.no_veto_from)}")
        lines.append(f"{option.label}: {'; '.join(extra)}. {option.rule.explanation}")
    return lines


def worth_lines(
    scenario: Scenario,
    lines: Sequence[tuple[str, str, int]],
    points: int,
    no_deal: int,
) -> list[str]:
    """The private answer to "what is it worth to us?": each held option's points, the total,
    and the comparison with no deal."""
    out = [
        f"{'+' if p > 0 else ''}{p} · {scenario.agenda_item(a).title}: "
        f"{_option_label(scenario, a, o)}"
        for a, o, p in lines
    ]
    gain = points - no_deal
    verdict = (
        f"**{points} points**, {gain} more than no deal ({no_deal}): it beats no deal."
        if gain > 0
        else f"**{points} points**, no better than no deal ({no_deal}): it does not beat no deal."
    )
    return [*out, "Items left out: 0.", verdict]
