"""Shared fixtures: databases on both backends (see tests/db_backends.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.db.engine import Database
from tests.db_backends import backend_params, migrated_database

pytest_plugins = ["tests.harness.plugin", "tests.harness.faults", "tests.parley_fixtures"]


@pytest.fixture(params=backend_params())
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def database(backend: str, tmp_path: Path) -> AsyncIterator[Database]:
    """A freshly migrated database on each backend."""
    async with migrated_database(backend, tmp_path) as db:
        yield db
