"""`parley quiz import red-trivia`: a list goes into the database as a bank; a malformed one is
refused with its lines named and nothing stored. (`parley quiz grade` is in test_grading.py.)"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.cli import main
from bot.db.engine import Database

FIXTURES = Path(__file__).parents[1] / "content" / "fixtures" / "red-trivia"


@pytest.fixture
def database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'parley.sqlite3'}"
    monkeypatch.chdir(tmp_path)  # no developer .env
    monkeypatch.setenv("DATABASE_URL", url)
    return url


def stored_banks(url: str) -> dict[str, list[tuple[str, str, list[str]]]]:
    async def read() -> dict[str, list[tuple[str, str, list[str]]]]:
        database = Database(url)
        try:
            async with database.transaction() as tx:
                banks = {}
                for name in await tx.quiz.bank_names():
                    bank = await tx.quiz.bank(name)
                    assert bank is not None
                    items = await tx.quiz.bank_items(bank.id)
                    banks[name] = [(i.item_id, i.question, i.answers) for i in items]
                return banks
        finally:
            await database.dispose()

    return asyncio.run(read())


def test_import_stores_the_list_as_a_bank(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["quiz", "import", "red-trivia", str(FIXTURES / "korea-basics.yaml")]) == 0
    out = capsys.readouterr().out
    assert "Imported bank 'korea-basics' by Parley test suite: 10 question(s)" in out
    assert "/quiz practice bank:korea-basics" in out

    items = stored_banks(database_url)["korea-basics"]
    assert len(items) == 10
    assert items[0][1:] == ("What is the capital of North Korea?", ["Pyongyang"])


def test_reimport_under_a_name_replaces_and_keeps_item_ids(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = tmp_path / "list.yaml"
    first.write_text("Q one?:\n  - a\nQ two?:\n  - b\n", encoding="utf-8")
    assert main(["quiz", "import", "red-trivia", str(first), "--name", "Week 3 Review"]) == 0
    before = {q: i for i, q, _ in stored_banks(database_url)["week-3-review"]}

    first.write_text("Q two?:\n  - b\n  - bee\nQ three?:\n  - c\n", encoding="utf-8")
    assert main(["quiz", "import", "red-trivia", str(first), "--name", "week-3-review"]) == 0
    assert "Replaced bank 'week-3-review'" in capsys.readouterr().out
    after = {q: (i, a) for i, q, a in stored_banks(database_url)["week-3-review"]}
    assert set(after) == {"Q two?", "Q three?"}
    assert after["Q two?"] == (before["Q two?"], ["b", "bee"])


def test_a_malformed_list_is_refused_with_lines_and_nothing_is_stored(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = FIXTURES / "broken" / "bad-config.yaml"
    assert main(["quiz", "import", "red-trivia", str(path)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"{path}:3: CONFIG delay")
    assert err[1].startswith(f"{path}:4: 'max_points'")
    assert err[2] == "2 problem(s); nothing was imported."
    assert not Path(database_url.split("///")[1]).exists()  # the database was not even touched


def test_a_missing_file_or_bad_name_is_a_usage_error(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["quiz", "import", "red-trivia", str(tmp_path / "nope.yaml")]) == 2
    assert "is not a file" in capsys.readouterr().err
    good = str(FIXTURES / "korea-basics.yaml")
    assert main(["quiz", "import", "red-trivia", good, "--name", "!!!"]) == 2
    assert "cannot be a bank name" in capsys.readouterr().err
