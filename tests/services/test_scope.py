"""ScopeService on real SQLite and PostgreSQL: where sessions, races and quiz runs live."""

from __future__ import annotations

from collections.abc import Mapping

from bot.content.models import Scenario
from bot.db.engine import Database
from bot.db.models.quiz import QuizRace, QuizRun
from bot.domain.scope import Scope, Where
from bot.services.scope import ScopeService
from bot.services.sessions import SessionService

GUILD, PLENARY, THREAD, TEACHER, STUDENT = 811, 833, 844, 712, 412


async def test_scopes_of_sessions_races_and_runs(
    database: Database, scenarios: Mapping[str, Scenario]
) -> None:
    sessions = SessionService(database, scenarios)
    info = await sessions.create(
        guild_id=GUILD, channel_id=PLENARY, scenario_id="hanoi-2019", created_by=TEACHER
    )
    await sessions.register_channel(info.id, THREAD, kind="caucus", label="Caucus 1")
    async with database.transaction() as tx:
        race = QuizRace(
            guild_id=GUILD,
            channel_id=PLENARY,
            started_by=TEACHER,
            label="r",
            items=[],
            seconds=20,
            mode="all",
        )
        dm = QuizRun(user_id=STUDENT, guild_id=None, kind="practice", label="x", items=[])
        tx.session.add_all([race, dm])
        await tx.session.flush()
        race_id, run_id = race.id, dm.id
    scopes = ScopeService(database)

    assert await scopes.session(info.id) == Scope.of(GUILD, [PLENARY, THREAD])
    assert await scopes.race(race_id) == Scope.of(GUILD, [PLENARY])
    run = await scopes.run(run_id)
    assert run == Scope.of(None, user_id=STUDENT)
    assert run.admits(Where(None, 5, None, STUDENT))
    assert await scopes.session(info.id + 99) is None
    assert await scopes.race(race_id + 99) is None
    assert await scopes.run(run_id + 99) is None
