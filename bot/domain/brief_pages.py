"""Briefs cut into pages that fit a phone screen and Discord's embed limits.

A page is plain data (title, description, fields); `cogs.common.pages` turns it into an embed. The
layout is a teaching decision, so it lives here and is tested for every actor of every scenario:
each page stays under `PHONE_PAGE_CHARS` (one screen on a phone, roughly) and inside Discord's
hard limits, and every claim shows the paragraphs (¶) it rests on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from bot.content.models import (
    AgendaItem,
    Brief,
    Card,
    Claim,
    Position,
    Question,
    Relation,
    Scenario,
)

# Discord's limits for one embed and for all embeds of one message (docs/resources/message.md).
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FIELDS_LIMIT = 25
FOOTER_LIMIT = 2048
MESSAGE_EMBEDS_TOTAL = 6000
MESSAGE_EMBEDS_COUNT = 10

PAGE_TEXT_BUDGET = 1500
"""Text per page before a section continues on the next page (matches the content check)."""
PHONE_PAGE_CHARS = 1900
"""A whole page (title, text, headings, footer) stays under this: about one phone screen."""
FIELDS_PER_PAGE = 8
"""More fields than this scroll past a phone screen even when short."""


@dataclass(frozen=True)
class PageField:
    name: str
    value: str


@dataclass(frozen=True)
class Page:
    """One screen: a heading, running text and optional named blocks (agenda items, cards)."""

    section: str
    title: str
    description: str = ""
    fields: tuple[PageField, ...] = field(default=())

    def size(self, footer: str = "") -> int:
        """Characters Discord counts towards the 6,000 per message."""
        return (
            len(self.title)
            + len(self.description)
            + sum(len(f.name) + len(f.value) for f in self.fields)
            + len(footer)
        )


def fit(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters at a word boundary, with an ellipsis if cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip() + "…"


def paragraphs_of(scenario: Scenario, card_ids: Iterable[str]) -> list[int]:
    numbers: set[int] = set()
    for card_id in card_ids:
        try:
            numbers.add(scenario.card(card_id).paragraph)
        except KeyError:
            continue
    return sorted(numbers)


def cite(scenario: Scenario, card_ids: Iterable[str]) -> str:
    """ "(¶6, ¶7)" for the cards a claim rests on."""
    numbers = paragraphs_of(scenario, card_ids)
    return f"(¶{', ¶'.join(map(str, numbers))})" if numbers else ""


def _bullet(scenario: Scenario, claim: Claim, prefix: str = "") -> str:
    citation = cite(scenario, claim.cards)
    return f"• {prefix}{claim.text} {citation}".rstrip()


def _bullets_to_pages(
    section: str, title: str, bullets: Sequence[str], lead: str = ""
) -> list[Page]:
    """Bullets in reading order, as many per page as the budget allows."""
    pages: list[Page] = []
    current: list[str] = [lead] if lead else []
    size = len(lead)
    for bullet in bullets:
        bullet = fit(bullet, PAGE_TEXT_BUDGET)
        if current and size + len(bullet) + 1 > PAGE_TEXT_BUDGET:
            pages.append(Page(section, title, "\n".join(current)))
            current, size = [], 0
        current.append(bullet)
        size += len(bullet) + 1
    if current or not pages:
        pages.append(Page(section, title, "\n".join(current)))
    return _number_continuations(pages)


def _fields_to_pages(
    section: str, title: str, fields: Sequence[PageField], lead: str = ""
) -> list[Page]:
    pages: list[Page] = []
    current: list[PageField] = []
    size = len(lead)
    for f in fields:
        f = PageField(fit(f.name, FIELD_NAME_LIMIT), fit(f.value, FIELD_VALUE_LIMIT))
        grows = len(f.name) + len(f.value)
        if current and (size + grows > PAGE_TEXT_BUDGET or len(current) >= FIELDS_PER_PAGE):
            pages.append(Page(section, title, lead if not pages else "", tuple(current)))
            current, size = [], 0
        current.append(f)
        size += grows
    if current or not pages:
        pages.append(Page(section, title, lead if not pages else "", tuple(current)))
    return _number_continuations(pages)


def _number_continuations(pages: list[Page]) -> list[Page]:
    if len(pages) == 1:
        return pages
    return [
        Page(p.section, f"{p.title} ({i}/{len(pages)})", p.description, p.fields)
        for i, p in enumerate(pages, start=1)
    ]


def _actor_label(scenario: Scenario, actor_id: str) -> str:
    try:
        actor = scenario.actor(actor_id)
    except KeyError:
        return actor_id
    return f"{actor.name} {actor.flag}"


def _position_field(scenario: Scenario, position: Position) -> PageField:
    try:
        item_title = scenario.agenda_item(position.agenda).title
    except KeyError:
        item_title = position.agenda
    marker = " · the article is silent" if position.article_silent else ""
    value = f"{position.text} {cite(scenario, position.cards)}".rstrip()
    return PageField(f"{item_title}{marker}", value)


def _relation_bullet(scenario: Scenario, relation: Relation) -> str:
    names = ", ".join(_actor_label(scenario, a) for a in relation.actors)
    return _bullet(scenario, relation, f"**{names}** — ")


def _question_bullet(scenario: Scenario, question: Question) -> str:
    names = ", ".join(_actor_label(scenario, a) for a in question.to)
    return _bullet(scenario, question, f"**To {names}:** ")


def _card_field(card: Card) -> PageField:
    return PageField(f"¶{card.paragraph} · {card.tag}", f"“{card.quote}”")


def _signed(points: int) -> str:
    return f"+{points}" if points > 0 else str(points).replace("-", "−")


def priorities_pages(scenario: Scenario, actor_id: str) -> list[Page]:
    """ "Your priorities": the delegation's own points schedule and no-deal value (no one
    else's). Empty for a scenario without schedules."""
    schedule = scenario.schedules.get(actor_id)
    if schedule is None:
        return []
    no_deal = schedule.no_deal
    lead = (
        f"Your private points. A package scores the sum of the points of the options it holds "
        f"(an item left out scores 0). **No deal is worth {no_deal.points}** to you: "
        f"{no_deal.reason} {cite(scenario, no_deal.cards)}".rstrip()
        + "\nAccept a package only if it beats that. Other delegations have their own numbers; "
        "nobody sees yours until the debrief."
    )
    fields = []
    for item in scenario.agenda:
        entries = schedule.items.get(item.id, {})
        lines = []
        for option in item.choices():
            entry = entries.get(option.id)
            if entry is None:
                continue
            label = "Adopted" if item.binary else option.label
            lines.append(
                f"**{_signed(entry.points)}** {label} — {entry.reason} "
                f"{cite(scenario, entry.cards)}".rstrip()
            )
        lines.append("**0** Left out of the package")
        fields.append(PageField(item.title, "\n".join(lines)))
    return _fields_to_pages("priorities", "Your priorities", fields, fit(lead, PAGE_TEXT_BUDGET))


def brief_pages(scenario: Scenario, actor_id: str) -> list[Page]:
    """The confidential brief of one actor, page by page, in the order it is best read."""
    brief: Brief = scenario.brief_for(actor_id)
    actor = scenario.actor(actor_id)
    pages: list[Page] = []
    lead = (
        f"You are **{actor.name}** {actor.flag}. This brief is for your delegation only: "
        "don't share or screenshot it."
    )
    overview = [_bullet(scenario, c) for c in brief.situation]
    interests = [_bullet(scenario, c) for c in brief.interests]
    combined = len(lead) + sum(len(b) + 1 for b in [*overview, "**Your interests**", *interests])
    if combined <= PAGE_TEXT_BUDGET:
        pages += _bullets_to_pages(
            "overview", "Overview", [*overview, "\n**Your interests**", *interests], lead
        )
    else:
        pages += _bullets_to_pages("overview", "Overview", overview, lead)
        pages += _bullets_to_pages("interests", "Your interests", interests)
    pages += _fields_to_pages(
        "positions",
        "Positions on the agenda",
        [_position_field(scenario, p) for p in brief.positions],
        "What you want on each deliverable.",
    )
    pages += priorities_pages(scenario, actor_id)
    pages += _bullets_to_pages(
        "red_lines",
        "Red lines",
        [_bullet(scenario, c) for c in brief.red_lines],
        "Walk away rather than accept these.",
    )
    relations: list[str] = []
    if brief.allies:
        relations.append("**Likely allies**")
        relations += [_relation_bullet(scenario, r) for r in brief.allies]
    if brief.opponents:
        relations.append("**Likely opponents**")
        relations += [_relation_bullet(scenario, r) for r in brief.opponents]
    if relations:
        pages += _bullets_to_pages("relations", "Allies and opponents", relations)
    pages += _bullets_to_pages(
        "talking_points", "Talking points", [_bullet(scenario, c) for c in brief.talking_points]
    )
    pages += _bullets_to_pages(
        "questions",
        "Questions to ask",
        [_question_bullet(scenario, q) for q in brief.questions],
    )
    cards = scenario.cards_for(actor_id)
    if cards:
        pages += _fields_to_pages(
            "evidence",
            "Evidence cards",
            [_card_field(c) for c in cards],
            "The article's own words. Quote them, with their ¶, to back your case.",
        )
    gaps: list[str] = []
    if brief.article_gaps:
        gaps.append("**What the article doesn't say**")
        gaps += [f"• {text}" for text in brief.article_gaps]
    if brief.discussion_prompts:
        gaps.append("**Beyond the article** (questions, not facts)")
        gaps += [f"• {text}" for text in brief.discussion_prompts]
    if gaps:
        pages += _bullets_to_pages("gaps", "Gaps and open questions", gaps)
    return pages


def background_pages(scenario: Scenario) -> list[Page]:
    """The public brief everyone reads: who is at the table, the agenda, then the background."""
    actors = "\n".join(f"{a.flag} **{a.name}**" for a in scenario.actors)
    agenda = [
        PageField(item.title, fit(_agenda_text(item), FIELD_VALUE_LIMIT))
        for item in scenario.agenda
    ]
    first = Page(
        "background",
        scenario.title,
        fit(f"{scenario.summary}\n\n**At the table**\n{actors}", PAGE_TEXT_BUDGET),
    )
    pages = [first]
    pages += _fields_to_pages("agenda", "The agenda", agenda)
    for section in scenario.background:
        pages += _bullets_to_pages(
            "background", section.title, [_bullet(scenario, point) for point in section.points]
        )
    return pages


def _agenda_text(item: AgendaItem) -> str:
    """The item's description, and its options when it has them (options are public)."""
    if item.binary:
        return item.description
    options = "\n".join(f"• {option.label}" for option in item.options)
    return f"{item.description}\n**Options** (or leave it out):\n{options}"


def brief_texts(scenario: Scenario, actor_id: str) -> list[str]:
    """Every confidential sentence of a brief (its claims, gaps and prompts), for leak tests."""
    brief = scenario.brief_for(actor_id)
    texts: list[str] = []
    for name in (
        "situation",
        "interests",
        "positions",
        "red_lines",
        "allies",
        "opponents",
        "talking_points",
        "questions",
    ):
        claims: list[Claim] = getattr(brief, name)
        texts += [claim.text for claim in claims]
    texts += list(brief.article_gaps) + list(brief.discussion_prompts)
    return texts
