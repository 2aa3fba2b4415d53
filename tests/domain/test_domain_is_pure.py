"""The domain layer imports neither discord nor a database driver (architecture rule)."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import importlib, pkgutil, sys
import bot.domain
for module in pkgutil.iter_modules(bot.domain.__path__):
    importlib.import_module("bot.domain." + module.name)
forbidden = ("discord", "sqlalchemy", "aiosqlite", "asyncpg")
print(sorted({name.split(".")[0] for name in sys.modules} & set(forbidden)))
"""


def test_no_domain_module_pulls_in_discord_or_the_database() -> None:
    # A fresh interpreter: this test process has discord and SQLAlchemy loaded already.
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
