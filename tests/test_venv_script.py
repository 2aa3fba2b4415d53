"""scripts/_venv.py: one environment serves the run and the test command without reinstalling.

The script is driven through its functions with pip replaced by a recorder: no network, no venv.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from bot.paths import PROJECT_ROOT


@pytest.fixture
def venv_script(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[ModuleType, list[str]]:
    spec = importlib.util.spec_from_file_location(
        "_venv_under_test", PROJECT_ROOT / "scripts" / "_venv.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    shutil.copy(PROJECT_ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    venv_dir = tmp_path / ".venv"
    python = venv_dir / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.touch()  # an environment exists already; only the installs are under test
    monkeypatch.setattr(module, "ROOT", tmp_path)
    monkeypatch.setattr(module, "VENV", venv_dir)
    monkeypatch.setattr(module, "STAMP", venv_dir / ".parley-installed")
    monkeypatch.setattr(module, "venv_python", lambda: python)
    installs: list[str] = []

    def fake_run(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        assert command[1:4] == ["-m", "pip", "--disable-pip-version-check"]
        if command[-1] != "pip":  # the pip self-upgrade comes with every install
            installs.append(command[-1])
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(module.subprocess, "run", fake_run)
    return module, installs


def test_alternating_the_test_and_run_commands_installs_once(
    venv_script: tuple[ModuleType, list[str]],
) -> None:
    module, installs = venv_script
    module.ensure("dev")  # run_tests.py
    assert installs == [".[dev]"]
    module.ensure("")  # run_bot.py: the dev environment already holds everything it needs
    module.ensure("dev")
    module.ensure("")
    assert installs == [".[dev]"]


def test_run_first_then_tests_installs_the_extras_once_and_keeps_them(
    venv_script: tuple[ModuleType, list[str]],
) -> None:
    module, installs = venv_script
    module.ensure("")
    module.ensure("dev")
    module.ensure("")
    module.ensure("dev")
    assert installs == [".", ".[dev]"]


def test_a_changed_pyproject_reinstalls_once_keeping_the_extras(
    venv_script: tuple[ModuleType, list[str]],
) -> None:
    module, installs = venv_script
    module.ensure("dev")
    pyproject = module.ROOT / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "\n# a new requirement\n")
    module.ensure("")  # the run command brings the dev tools up to date as well
    module.ensure("dev")
    assert installs == [".[dev]", ".[dev]"]


def test_a_stamp_from_the_older_script_reinstalls(
    venv_script: tuple[ModuleType, list[str]],
) -> None:
    module, installs = venv_script
    module.STAMP.write_text("0" * 64)  # what the previous version wrote: a bare hash
    module.ensure("")
    assert installs == ["."]
