"""Shared paths and a builder for the broken fixture packs."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
MINIMAL = FIXTURES / "minimal"
BROKEN = FIXTURES / "broken"
MINI_SEEDS = FIXTURES / "seeds"

PackBuilder = Callable[[str | None], Path]


@pytest.fixture
def build_pack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> PackBuilder:
    """Copy the minimal pack to ``tmp/minimal`` with a broken overlay's files on top.

    The working directory moves to ``tmp`` so that messages read ``minimal/quiz.yaml: …``.
    """
    monkeypatch.chdir(tmp_path)

    def build(case: str | None) -> Path:
        pack = tmp_path / "minimal"
        shutil.copytree(MINIMAL, pack)
        if case is not None:
            shutil.copytree(BROKEN / case, pack, dirs_exist_ok=True)
        return pack

    return build
