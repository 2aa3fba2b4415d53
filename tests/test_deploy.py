"""deploy/parley.service: the systemd unit the README tells a teacher to install."""

from __future__ import annotations

import configparser
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.paths import PROJECT_ROOT

UNIT = PROJECT_ROOT / "deploy" / "parley.service"


def _service_section() -> dict[str, str]:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(UNIT.read_text())
    return dict(parser["Service"])


@pytest.mark.skipif(
    shutil.which("systemd-analyze") is None,
    reason="systemd-analyze is not installed (apt-get install systemd provides it)",
)
def test_systemd_accepts_the_unit(tmp_path: Path) -> None:
    result = subprocess.run(
        ["systemd-analyze", "verify", str(UNIT)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    # verify exits 0 on unknown keys and unparsable values, and only prints them: any output is a
    # fault in the unit.
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "" and result.stdout.strip() == ""


def test_the_unit_runs_the_readme_command_and_restarts_on_failure() -> None:
    service = _service_section()
    python, script = service["ExecStart"].split()
    assert python.endswith("python3")
    assert script == service["WorkingDirectory"].rstrip("/") + "/scripts/run_bot.py"
    assert service["Restart"] == "on-failure"
    assert service["User"] not in ("", "root")
    readme = (PROJECT_ROOT / "README.md").read_text()
    assert "python3 scripts/run_bot.py" in readme
    assert "deploy/parley.service" in readme


def test_settings_only_the_teacher_can_fix_do_not_restart_forever() -> None:
    from bot.exit_codes import EXIT_SETTINGS

    assert _service_section()["RestartPreventExitStatus"] == str(EXIT_SETTINGS)
