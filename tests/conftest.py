"""Shared fixtures: databases on both backends (see tests/db_backends.py), and every test run
with a second, fictional pack beside the shipped ones (tests/fixtures/second_pack)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.db.engine import Database
from tests.db_backends import backend_params, migrated_database

pytest_plugins = ["tests.harness.plugin", "tests.harness.faults", "tests.parley_fixtures"]

SECOND_PACK = Path(__file__).parent / "fixtures" / "second_pack"
ONLY_SHIPPED_ENV = "PARLEY_TEST_ONLY_SHIPPED"
"""Set to 1 to run the suite on the shipped packs alone."""


def pytest_configure(config: pytest.Config) -> None:
    """Point Parley at content/ and seeds/ with the second pack added (unless asked not to).

    Nothing in Parley or its tests may assume that Hanoi is the only pack: the fixture pack
    ``bridge-talks`` sorts before ``hanoi-2019``, has three actors and no byline. The combined
    folders are links in a temporary directory, so the repository is never touched.
    """
    from bot.content.loader import (
        CONTENT_DIR_ENV,
        DEFAULT_CONTENT_DIR,
        DEFAULT_SEEDS_DIR,
        SEEDS_DIR_ENV,
    )

    if os.environ.get(ONLY_SHIPPED_ENV) == "1" or os.environ.get(CONTENT_DIR_ENV):
        return
    root = Path(tempfile.mkdtemp(prefix="parley-packs-"))
    config.add_cleanup(lambda: shutil.rmtree(root, ignore_errors=True))
    for name, shipped, extra in (
        ("content", DEFAULT_CONTENT_DIR, SECOND_PACK / "content"),
        ("seeds", DEFAULT_SEEDS_DIR, SECOND_PACK / "seeds"),
    ):
        combined = root / name
        combined.mkdir()
        for source in (shipped, extra):
            for entry in source.iterdir():
                (combined / entry.name).symlink_to(entry.resolve())
    os.environ[CONTENT_DIR_ENV] = str(root / "content")
    os.environ[SEEDS_DIR_ENV] = str(root / "seeds")


@pytest.fixture(params=backend_params())
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def database(backend: str, tmp_path: Path) -> AsyncIterator[Database]:
    """A freshly migrated database on each backend."""
    async with migrated_database(backend, tmp_path) as db:
        yield db
