"""`parley bench class` really plays every burst it reports (the times themselves vary).

A bench that silently measured nothing (a burst whose interactions never happened) would print
NaN and read as "fast"; this runs a small class end to end and checks every kind was played in
full, so a change elsewhere (content, commands) that breaks a burst fails here.
"""

from __future__ import annotations

import json
import subprocess
import sys

from bot.paths import PROJECT_ROOT


def test_a_small_class_plays_every_burst_it_reports() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "bench",
            "class",
            "--json",
            "--skip-memory",
            "--students",
            "12",
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    kinds = result["kinds"]
    assert kinds["join"]["count"] == 12  # everyone pressed Join
    assert kinds["vote"]["count"] == 12  # six delegations x two packages
    assert kinds["race"]["count"] == 12  # everyone answered the race question
    for kind in ("join", "vote", "race"):
        assert kinds[kind]["floor"]["count"] == kinds[kind]["count"]
    assert result["chatter"]["stored"] == result["chatter"]["sent"] > 0
    assert result["missed_deadline"] == 0
