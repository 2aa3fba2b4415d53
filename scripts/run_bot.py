"""Run Parley: `python3 scripts/run_bot.py` (creates .venv on first use, then `parley run`)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _venv import ensure, exec_in_venv

if __name__ == "__main__":
    # Only the runtime dependencies are needed to run the bot.
    python = ensure("")
    exec_in_venv(python, ["-m", "bot", "run", *sys.argv[1:]])
