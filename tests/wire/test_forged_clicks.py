"""Forged clicks: every button, menu and form Parley registers, sent with another class's ids
from a second server (by its owner, a facilitator there) and from a DM, is refused with one
short private sentence and changes nothing in the database.

Parley's own buttons never carry another server's ids; a modified client could. The test builds
a class in server A with a seated roster, a tabled proposal, an open vote, a quiz race and a
student's practice run, then presses every registered `DynamicItem` (enumerated from the bot's
view store, so a new button without a forged case here fails the test) and submits every
routed form, naming A's objects, from server B and from a DM.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import discord
import pytest
from sqlalchemy import select

from bot.clock import FakeClock
from bot.db.base import Base
from bot.db.models.quiz import QuizRace, QuizRun
from bot.domain.package_builder import LEAVE_OUT
from bot.domain.scope import REFUSAL
from cogs.common.scope import Scoped
from cogs.negotiation import proposal_cog
from cogs.quiz import cog as quiz_cog
from tests.harness import WireHarness
from tests.harness import payloads as p
from tests.harness.results import InteractionResult
from tests.parley_fixtures import ParleyFactory
from tests.wire.negotiation_kit import seated_class

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def snapshot(h: WireHarness) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order."""
    out = {}
    async with h.bot.database.transaction() as tx:  # type: ignore[attr-defined]
        for table in Base.metadata.sorted_tables:
            rows = await tx.session.execute(select(table).order_by(*table.primary_key.columns))
            out[table.name] = [tuple(r) for r in rows]
    return out


def registered_items(h: WireHarness) -> dict[str, type[Any]]:
    store = h.bot._connection._view_store
    return {cls.__name__: cls for cls in store._dynamic_items.values()}


def forged_components(
    sid: int,
    run: int,
    race: int,
    attacker: int,
    panel_keys: list[str],
    guild: int,
    student: int,
) -> dict[str, list[tuple[str, int, list[str] | None]]]:
    """Item class -> (custom_id, component type, select values) naming server A's objects."""
    button, select_ = 2, 3
    return {
        "JoinButton": [(f"parley:session:{sid}:join", button, None)],
        "MineButton": [(f"parley:session:{sid}:mine", button, None)],
        "LeaveButton": [(f"parley:session:{sid}:leave", button, None)],
        "PickSelect": [(f"parley:session:{sid}:pick", select_, ["us"])],
        "PanelButton": [(f"parley:session:{sid}:panel:{k}", button, None) for k in panel_keys],
        "AssignChoiceButton": [(f"parley:session:{sid}:assign:{attacker}:us", button, None)],
        "ReshuffleButton": [
            (f"parley:session:{sid}:reshuffle", button, None),
            (f"parley:session:{sid}:reshuffle:7", button, None),
        ],
        "ProposalButton": [
            (f"parley:proposal:{sid}:1:{a}", button, None)
            for a in ("cosponsor", "support", "drop", "replace", "withdraw", "withdraw-yes")
        ],
        "VoteButton": [(f"parley:vote:{sid}:1:yes", button, None)],
        "OurVotesButton": [(f"parley:vote:{sid}:ours", button, None)],
        "CaucusDecisionButton": [(f"parley:round:{sid}:caucus:1:approve", button, None)],
        "DebriefPageButton": [(f"parley:debrief:{sid}:0:next", button, None)],
        "DebriefJump": [(f"parley:debrief:{sid}:jump", select_, ["1"])],
        "ArchiveButton": [(f"parley:debrief:{sid}:archive", button, None)],
        "PageButton": [("parley:brief:hanoi-2019:us:0:next", button, None)],
        "JumpSelect": [("parley:brief:hanoi-2019:us:jump", select_, ["1"])],
        "PurgeButton": [(f"parley:session:{sid}:purge", button, None)],
        "PackageSelect": [(f"parley:pkg:{sid}:0:0::0", select_, [LEAVE_OUT])],
        "PackageButton": [
            (f"parley:pkg:{sid}:0:0::{a}", button, None) for a in ("review", "table", "next")
        ],
        "PrivacyButton": [
            (f"parley:privacy:{guild}:{student}:{a}", button, None)
            for a in ("download", "erase", "erase-yes")
        ],
        "PracticeButton": [
            (f"quiz:run:{run}:0:stop", button, None),
            (f"quiz:run:{run}:0:ans:a", button, None),
        ],
        "RaceButton": [
            (f"quiz:race:{race}:0:stop", button, None),
            (f"quiz:race:{race}:0:ans:a", button, None),
        ],
    }


def forged_forms(sid: int, run: int, race: int) -> list[str]:
    return [
        f"parley:propose:{sid}:remains",
        f"parley:proposal:{sid}:1:form",
        f"quiz:run:{run}:0:modal",
        f"quiz:race:{race}:0:modal",
    ]


def host_message(h: WireHarness, channel: Any, author: Any, components: list[tuple[str, int, Any]]):  # type: ignore[no-untyped-def]
    """A message in the attacker's own channel carrying the forged components."""
    ref = h.post_while_offline(channel, author, "look")
    rows = []
    for custom_id, ctype, values in components:
        if ctype == 2:
            comp = {"type": 2, "style": 1, "label": "x", "custom_id": custom_id}
        else:
            options = [{"label": v, "value": v} for v in values or []]
            comp = {"type": 3, "custom_id": custom_id, "options": options}
        rows.append({"type": 1, "components": [comp]})
    h.store.message(ref.id)["components"] = rows
    return ref


def assert_refused(result: InteractionResult, what: str) -> None:
    assert result.responded, f"{what}: no reply"
    response = result.response
    assert response.ephemeral, f"{what}: not private"
    text = response.text()
    assert 0 < len(text) <= 300, f"{what}: {text!r}"
    assert response.embeds == [], f"{what}: showed {response.embeds[0].get('title')!r}"
    assert response.allows_no_mentions


async def submit_forged_form(
    h: WireHarness, user: Any, channel: Any, custom_id: str
) -> InteractionResult:
    components = [{"type": 1, "components": [{"type": 4, "custom_id": "text", "value": "forged"}]}]
    result = h._new_interaction(
        p.MODAL_SUBMIT,
        user,
        channel.id,
        p.modal_submit_data(custom_id, components),
        label=f"forged modal {custom_id!r}",
    )
    return await h._fire(result, settle=True)


@pytest.fixture
async def two_servers(make_parley: ParleyFactory):  # type: ignore[no-untyped-def]
    h = await make_parley(clock=FakeClock(T0))
    w = h.world
    seated = await seated_class(h)
    sponsor = seated.one("us")
    tabled = await h.slash(
        sponsor, "propose", options={"item": "remains", "text": "Return the remains."}
    )
    assert tabled.responded
    opened = await h.slash(w.facilitator, "vote open")
    assert opened.responded
    await h.slash(w.facilitator, "quiz class", options={"count": 3})
    await h.slash(w.students[0], "quiz practice")
    async with h.bot.database.transaction() as tx:
        race = (await tx.session.scalars(select(QuizRace.id))).one()
        run = (await tx.session.scalars(select(QuizRun.id))).one()

    attacker = h.add_user("attacker")
    elsewhere = h.add_guild("Elsewhere", owner=attacker)
    lounge = h.add_text_channel(elsewhere, "lounge")
    mallory = h.add_user("mallory")
    h.add_member(elsewhere, mallory)
    await h.settle()
    return h, seated.sid, run, race, attacker, lounge, mallory


async def test_every_forged_click_and_form_from_another_server_or_a_dm_is_refused(
    two_servers: Any,
) -> None:
    h, sid, run, race, attacker, lounge, mallory = two_servers
    dm = h.dm_channel(attacker)
    keys = sorted(h.bot.panel_controls._controls)
    w = h.world
    cases = forged_components(sid, run, race, attacker.id, keys, w.guild.id, w.students[0].id)
    items = registered_items(h)
    assert set(items) == set(cases), "a registered button has no forged case here"
    assert all(issubclass(cls, Scoped) for cls in items.values())
    routes = [r.pattern for r in (*proposal_cog.MODAL_ROUTES, *quiz_cog.MODAL_ROUTES)]
    forms = forged_forms(sid, run, race)
    assert all(any(r.fullmatch(f) for f in forms) for r in routes), "a form has no forged case"

    before = await snapshot(h)
    everything = [c for group in cases.values() for c in group]
    pressed = 0
    h.validate = False  # a modified client: components Parley never put there
    try:
        for channel in (lounge, dm):
            for custom_id, ctype, values in everything:
                # A brief is scenario material, not a class's object: a facilitator of server
                # B may read any brief there (as with `/brief actor:`); a student of B may not.
                user = (
                    mallory
                    if custom_id.startswith("parley:brief") and channel is lounge
                    else attacker
                )
                message = host_message(h, channel, user, [(custom_id, ctype, values)])
                if ctype == 2:
                    result = await h.click(user, message, custom_id)
                else:
                    result = await h.select(user, message, custom_id, values)
                assert_refused(result, f"{custom_id} in {channel.name}")
                if not custom_id.startswith("parley:brief"):
                    assert result.response.text() == REFUSAL
                pressed += 1
            for custom_id in forms:
                result = await submit_forged_form(h, attacker, channel, custom_id)
                assert_refused(result, f"form {custom_id} in {channel.name}")
                assert result.response.text() == REFUSAL
                pressed += 1
    finally:
        h.validate = True
    assert pressed == 2 * (len(everything) + len(forms))
    assert await snapshot(h) == before


async def test_the_real_buttons_still_work_in_their_own_class(two_servers: Any) -> None:
    h, sid, _run, _race, _attacker, _lounge, _mallory = two_servers
    w = h.world
    panel = await h.slash(w.facilitator, "session panel")
    roster = await h.click(w.facilitator, panel, f"parley:session:{sid}:panel:roster")
    assert REFUSAL not in roster.response.text()
    assert re.search(r"United States|DPRK|Japan", str(roster.messages[-1].text())) is not None


class Unscoped(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"test:unscoped"):
    @classmethod
    async def from_custom_id(cls, interaction: Any, item: Any, match: Any, /) -> Unscoped:
        return cls(discord.ui.Button(custom_id="test:unscoped"))


async def test_a_button_without_the_scope_guard_cannot_be_registered(parley: WireHarness) -> None:
    with pytest.raises(TypeError, match=r"must subclass cogs\.common\.scope\.Scoped"):
        parley.bot.add_dynamic_items(Unscoped)
