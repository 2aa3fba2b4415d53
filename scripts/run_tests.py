"""Run Parley's tests: `python3 scripts/run_tests.py [--fresh] [pytest args]`.

Creates or refreshes .venv with the dev extras, then runs pytest. PostgreSQL tests run when
PARLEY_TEST_POSTGRES_URL is set (e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/test) and are
skipped otherwise. `--fresh` rebuilds the virtual environment from nothing first.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _venv import ensure, exec_in_venv

if __name__ == "__main__":
    args = sys.argv[1:]
    fresh = "--fresh" in args
    args = [a for a in args if a != "--fresh"]
    python = ensure("dev", fresh=fresh)
    exec_in_venv(python, ["-m", "pytest", *args])
