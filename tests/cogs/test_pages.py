"""Every brief page of every actor of every scenario fits Discord's limits and a phone screen."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import discord
import pytest

from bot.content.loader import load_scenario
from bot.content.models import Scenario
from bot.domain.brief_pages import (
    DESCRIPTION_LIMIT,
    FIELD_NAME_LIMIT,
    FIELD_VALUE_LIMIT,
    FIELDS_LIMIT,
    MESSAGE_EMBEDS_COUNT,
    MESSAGE_EMBEDS_TOTAL,
    PHONE_PAGE_CHARS,
    TITLE_LIMIT,
    background_pages,
    brief_pages,
    cite,
)
from cogs.common.pages import BACKGROUND, BRIEF, full_brief_messages, page_embed, pager
from tests.content.conftest import MINIMAL

FOOTER_LIMIT = 2048


def all_scenarios(shipped: Mapping[str, Scenario]) -> Iterator[Scenario]:
    """Every shipped scenario, and the minimal test pack (a second, differently shaped one)."""
    yield from shipped.values()
    yield load_scenario(MINIMAL)


def assert_within_limits(embed: discord.Embed, where: str) -> None:
    data = embed.to_dict()
    assert len(data.get("title", "")) <= TITLE_LIMIT, where
    assert len(data.get("description", "")) <= DESCRIPTION_LIMIT, where
    fields = data.get("fields", [])
    assert len(fields) <= FIELDS_LIMIT, where
    for f in fields:
        assert 0 < len(f["name"]) <= FIELD_NAME_LIMIT, where
        assert 0 < len(f["value"]) <= FIELD_VALUE_LIMIT, where
    assert len(data.get("footer", {}).get("text", "")) <= FOOTER_LIMIT, where
    assert len(embed) <= MESSAGE_EMBEDS_TOTAL, where
    assert len(embed) <= PHONE_PAGE_CHARS, f"{where}: {len(embed)} characters, not phone-sized"


def test_every_brief_page_fits(scenarios: Mapping[str, Scenario]) -> None:
    checked = 0
    for scenario in all_scenarios(scenarios):
        for actor in scenario.actors:
            pages = brief_pages(scenario, actor.id)
            assert [p.section for p in pages][:1] == ["overview"]
            sections = {p.section for p in pages}
            assert {"positions", "red_lines", "talking_points", "questions", "evidence"} <= sections
            for i in range(len(pages)):
                embed = page_embed(scenario, BRIEF, actor.id, pages, i)
                assert_within_limits(embed, f"{scenario.id}/{actor.id} page {i + 1}")
                assert embed.colour is not None and embed.colour.value == actor.colour
                assert embed.title is not None and embed.title.startswith(actor.flag)
                _, view = pager(scenario, BRIEF, actor.id, i)
                for item in view.children:
                    custom_id = getattr(item, "custom_id", None)
                    assert custom_id is not None and len(custom_id) <= 100
                checked += 1
            for group in full_brief_messages(scenario, actor.id):
                assert len(group) <= MESSAGE_EMBEDS_COUNT
                assert sum(len(e) for e in group) <= MESSAGE_EMBEDS_TOTAL
    assert checked > 50


def test_every_background_page_fits(scenarios: Mapping[str, Scenario]) -> None:
    for scenario in all_scenarios(scenarios):
        pages = background_pages(scenario)
        for i in range(len(pages)):
            assert_within_limits(
                page_embed(scenario, BACKGROUND, "", pages, i), f"{scenario.id} bg {i + 1}"
            )


@pytest.mark.parametrize("actor", ["us", "dprk", "rok", "japan", "china", "russia"])
def test_every_claim_shows_its_paragraphs_and_every_position_is_there(
    scenarios: Mapping[str, Scenario], actor: str
) -> None:
    hanoi = scenarios["hanoi-2019"]
    brief = hanoi.brief_for(actor)
    text = "\n".join(
        "\n".join([p.description, *(f"{f.name} {f.value}" for f in p.fields)])
        for p in brief_pages(hanoi, actor)
    )
    for claim in [*brief.situation, *brief.interests, *brief.red_lines, *brief.talking_points]:
        assert f"{claim.text} {cite(hanoi, claim.cards)}" in text
    for position in brief.positions:
        assert position.text in text
        assert hanoi.agenda_item(position.agenda).title in text
    for card in hanoi.cards_for(actor):
        assert f"¶{card.paragraph} · {card.tag}" in text and card.quote in text


def test_long_text_is_cut_at_a_word_with_an_ellipsis() -> None:
    from bot.domain.brief_pages import fit

    assert fit("short", 10) == "short"
    cut = fit("word " * 400, 1024)
    assert len(cut) <= 1024 and cut.endswith("…") and not cut.endswith(" …")
