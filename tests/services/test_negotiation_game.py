"""Package proposals through the services on real SQLite and PostgreSQL: tabling, amending,
private worth, the vote with an option's own rule, and the stored record.

The test pack (tests/content/fixtures/game) and its hand calculation are in
tests/domain/test_deal_space.py: alpha and beta decide; gamma may not vote no on
"fishing: winter".
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.content.loader import load_scenario
from bot.content.models import Scenario
from bot.db.engine import Database
from bot.db.models import ProposalOption, ProposalRow, VoteRoundRow
from bot.domain.debrief import DebriefReport, report_pages
from bot.domain.voting import PACKAGE, VotingError
from bot.errors import UserFacingError
from bot.services.debrief import DebriefService, SessionRecord
from bot.services.negotiation import NegotiationService
from bot.services.sessions import SessionService
from bot.services.transcripts import TranscriptService

FIXTURES = Path(__file__).parents[1] / "content" / "fixtures"
GUILD, PLENARY, TEACHER = 1000, 2000, 3000
ACTORS = ["alpha", "beta", "gamma"]


def student(actor: str) -> int:
    return 10_000 + ACTORS.index(actor)


@pytest.fixture(scope="module")
def packs() -> Mapping[str, Scenario]:
    return {name: load_scenario(FIXTURES / name) for name in ("game", "binary-game", "minimal")}


@pytest.fixture
def sessions(database: Database, packs: Mapping[str, Scenario]) -> SessionService:
    return SessionService(database, packs)


@pytest.fixture
def service(database: Database, packs: Mapping[str, Scenario]) -> NegotiationService:
    return NegotiationService(database, packs)


async def class_of(sessions: SessionService, scenario: str = "game") -> int:
    info = await sessions.create(
        guild_id=GUILD, channel_id=PLENARY, scenario_id=scenario, created_by=TEACHER
    )
    for actor in ACTORS:
        await sessions.assign(info.id, student(actor), actor, actor)
    return info.id


async def test_packages_are_stored_one_option_per_item_and_amended_as_versions(
    service: NegotiationService, sessions: SessionService, database: Database
) -> None:
    sid = await class_of(sessions)
    first = await service.table_package(
        sid, student("alpha"), {"dam": "full", "fishing": None}, phase_kind="plenary"
    )
    assert first.proposal.package == (("dam", "full"),)
    await service.back(sid, student("gamma"), 1, "co_sponsor")
    amended = await service.amend_package(
        sid,
        student("alpha"),
        1,
        {"fishing": "later", "dam": "half"},
        "Halfway, and after winter.",
        phase_kind="plenary",
    )
    assert amended.proposal.number == 2 and amended.proposal.replaces == 1
    assert amended.proposal.package == (("dam", "half"), ("fishing", "later"))
    assert amended.proposal.co_sponsors == ()
    assert amended.old is not None and amended.old.status == "replaced"

    reread = await service.state(sid)
    assert [(p.number, p.status, p.package) for p in reread.book.proposals] == [
        (1, "replaced", (("dam", "full"),)),
        (2, "tabled", (("dam", "half"), ("fishing", "later"))),
    ]
    assert reread.book.proposal(1).co_sponsors == ("gamma",)
    async with database.transaction() as tx:
        rows = (
            await tx.session.execute(
                select(
                    ProposalRow.number,
                    ProposalRow.agenda_id,
                    ProposalOption.agenda_id,
                    ProposalOption.option_id,
                )
                .join(ProposalOption, ProposalOption.proposal_id == ProposalRow.id)
                .where(ProposalRow.session_id == sid)
                .order_by(ProposalRow.number, ProposalOption.agenda_id)
            )
        ).all()
    assert [tuple(r) for r in rows] == [
        (1, PACKAGE, "dam", "full"),
        (2, PACKAGE, "dam", "half"),
        (2, PACKAGE, "fishing", "later"),
    ]

    with pytest.raises(VotingError, match="no option 'open'"):
        await service.table_package(sid, student("beta"), {"dam": "open"}, phase_kind="plenary")
    with pytest.raises(VotingError, match="Only the sponsor"):
        await service.amend_package(sid, student("beta"), 2, {"dam": "shut"}, phase_kind="plenary")


async def test_worth_is_private_to_the_asking_delegation(
    service: NegotiationService, sessions: SessionService
) -> None:
    sid = await class_of(sessions)
    await service.table_package(
        sid, student("beta"), {"dam": "full", "fishing": "winter"}, phase_kind="plenary"
    )
    # by hand: alpha 40 - 10 = 30 vs 10; beta -20 + 35 = 15 vs 10; gamma 0 - 10 = -10 vs 0
    alpha = await service.worth(sid, student("alpha"), 1)
    assert (alpha.actor, alpha.points, alpha.no_deal, alpha.beats_no_deal) == (
        "alpha",
        30,
        10,
        True,
    )
    assert [(line.agenda, line.option, line.points) for line in alpha.lines] == [
        ("dam", "full", 40),
        ("fishing", "winter", -10),
    ]
    beta = await service.worth(sid, student("beta"), 1)
    assert (beta.points, beta.gain) == (15, 5)
    gamma = await service.worth(sid, student("gamma"), 1)
    assert (gamma.points, gamma.no_deal, gamma.beats_no_deal) == (-10, 0, False)
    draft = await service.worth(sid, student("alpha"), choices={"dam": "half"})
    assert (draft.number, draft.points) == (None, 20)
    with pytest.raises(UserFacingError, match="need a delegation"):
        await service.worth(sid, TEACHER, 1)


async def test_option_rule_is_recorded_and_applied_at_the_vote(
    service: NegotiationService, sessions: SessionService, database: Database
) -> None:
    sid = await class_of(sessions)
    await service.table_package(
        sid, student("beta"), {"dam": "full", "fishing": "winter"}, phase_kind="plenary"
    )
    await service.table_package(
        sid, student("alpha"), {"dam": "half", "fishing": "later"}, phase_kind="plenary"
    )
    await service.open_vote(sid, TEACHER)
    for number in (1, 2):
        await service.cast(sid, student("alpha"), number, "yes")
        await service.cast(sid, student("beta"), number, "yes")
    await service.cast(sid, student("gamma"), 1, "no")
    closed = await service.close_vote(sid, TEACHER)
    t1, t2 = closed.outcome.tallies
    assert (t1.passed, t1.vetoed_by) == (False, ("gamma",))
    assert t2.passed
    assert closed.outcome.package == 2
    assert closed.outcome.choices() == {"dam": "half", "fishing": "later"}
    async with database.transaction() as tx:
        row = await tx.session.scalar(select(VoteRoundRow).where(VoteRoundRow.session_id == sid))
        assert row is not None
        assert row.option_rules == {"fishing/winter": {"must_agree": [], "no_veto_from": ["gamma"]}}
        assert row.outcome is not None and row.outcome["package"] == 2
    again = await service.state(sid)
    assert again.outcome is not None and again.outcome.package == 2


async def test_text_only_scenarios_refuse_packages(
    service: NegotiationService, sessions: SessionService
) -> None:
    sid = await class_of(sessions, "minimal")
    with pytest.raises(UserFacingError, match="no options to combine"):
        await service.table_package(sid, student("alpha"), {"dam": "adopt"}, phase_kind="plenary")
    tabled = await service.table(sid, student("alpha"), "dam", "Open it.", phase_kind="plenary")
    assert tabled.proposal.package is None


async def test_binary_game_packages_adopt_items(
    service: NegotiationService, sessions: SessionService
) -> None:
    sid = await class_of(sessions, "binary-game")
    change = await service.table_package(
        sid, student("alpha"), {"dam": "adopt", "fishing": "adopt"}, phase_kind="plenary"
    )
    assert change.proposal.package == (("dam", "adopt"), ("fishing", "adopt"))
    worth = await service.worth(sid, student("beta"), 1)
    assert (worth.points, worth.no_deal) == (20, 5)
    with pytest.raises(VotingError, match="no option 'half'"):
        await service.table_package(sid, student("beta"), {"dam": "half"}, phase_kind="plenary")


# --- the debrief scores the deal -------------------------------------------------------------


@pytest.fixture
def debrief(
    database: Database, packs: Mapping[str, Scenario], service: NegotiationService
) -> DebriefService:
    transcripts = TranscriptService(database, scenarios=packs)
    return DebriefService(database, packs, transcripts=transcripts, negotiation=service)


async def test_debrief_scores_a_package_deal_and_writes_the_gradebook(
    service: NegotiationService,
    sessions: SessionService,
    debrief: DebriefService,
) -> None:
    import csv
    import io

    from bot.domain.deal_space import Package

    sid = await class_of(sessions)
    await service.table_package(
        sid, student("beta"), {"dam": "full", "fishing": "winter"}, phase_kind="plenary"
    )
    await service.table_package(
        sid, student("alpha"), {"dam": "half", "fishing": "later"}, phase_kind="plenary"
    )
    await service.open_vote(sid, TEACHER)
    for actor in ("alpha", "beta", "gamma"):
        await service.cast(sid, student(actor), 2, "yes")
    await service.close_vote(sid, TEACHER)
    record, report = await debrief.report(sid)
    game = report.game
    assert game is not None
    # by hand: #2 = {half, later}: alpha 20 + 5 = 25 > 10; beta -5 + 20 = 15 > 10; gamma 0 + 5 > 0
    assert game.adopted == 2
    assert game.package == Package((("dam", "half"), ("fishing", "later")))
    assert [(r.actor, r.points, r.no_deal, r.beat_no_deal) for r in game.results] == [
        ("alpha", 25, 10, True),
        ("beta", 15, 10, True),
        ("gamma", 5, 0, True),
    ]
    assert (game.total, game.zone, game.frontier, game.frontier_in_zone) == (11, 1, 4, 0)
    assert (game.outcome.in_zone, game.outcome.efficient, game.outcome.rank) == (True, False, 3)
    assert [(p.number, p.placement.in_zone, p.placement.rank) for p in game.proposals] == [
        (1, False, 1),
        (2, True, 3),
    ]
    assert game.history.package is None  # the test pack's history: no agreement
    assert game.chart is not None and game.chart.outcome.x == 25 and game.chart.outcome.y == 15

    out = io.BytesIO()
    assert await debrief.write_gradebook(sid, out) == 3
    rows = list(csv.DictReader(io.StringIO(out.getvalue().decode("utf-8-sig"))))
    assert [(r["actor"], r["points"], r["no_deal"], r["beat_no_deal"]) for r in rows] == [
        ("Alpha", "25", "10", "yes"),
        ("Beta", "15", "10", "yes"),
        ("Gamma", "5", "0", "yes"),
    ]
    png = await debrief.deal_chart(report)
    assert png is not None and png[:8] == b"\x89PNG\r\n\x1a\n"
    pages = debrief_pages(record, report)
    assert "The score of the deal" in pages
    assert "✅ **🅰️ Alpha**: 25 points, no deal 10 (+15) — beat no deal" in pages


def debrief_pages(record: SessionRecord, report: DebriefReport) -> str:
    pages = report_pages(record.scenario, report)
    return "\n".join(
        f"{p.title}\n{p.description}\n" + "\n".join(f"{f.name}\n{f.value}" for f in p.fields)
        for p in pages
    )


async def test_debrief_scores_no_agreement_as_no_deal_values(
    service: NegotiationService,
    sessions: SessionService,
    debrief: DebriefService,
) -> None:
    sid = await class_of(sessions)
    await service.table_package(
        sid, student("beta"), {"dam": "full", "fishing": "winter"}, phase_kind="plenary"
    )
    await service.open_vote(sid, TEACHER)
    await service.cast(sid, student("alpha"), 1, "yes")
    await service.cast(sid, student("beta"), 1, "yes")
    await service.cast(sid, student("gamma"), 1, "no")  # gamma's veto on "fishing: winter"
    await service.close_vote(sid, TEACHER)
    record, report = await debrief.report(sid)
    game = report.game
    assert game is not None and game.package is None and game.adopted is None
    assert [(r.points, r.no_deal, r.beat_no_deal) for r in game.results] == [
        (10, 10, False),
        (10, 10, False),
        (0, 0, False),
    ]
    assert game.outcome.package is None and game.chart is not None
    assert game.chart.outcome.label == "No agreement" and (
        game.chart.outcome.x,
        game.chart.outcome.y,
    ) == (10, 10)
    text = debrief_pages(record, report)
    assert "No package was adopted: **no agreement**" in text
    from bot.domain.debrief import vote_result_pages

    state = await service.state(sid)
    assert state.outcome is not None
    vote = vote_result_pages(record.scenario, state.book.proposals, state.outcome)
    shown = "\n".join(f.value for page in vote for f in page.fields)
    assert "Gamma voted no on an option it may veto, so it cannot pass." in shown
