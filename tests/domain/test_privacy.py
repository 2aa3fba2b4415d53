"""The pure rules of erasure: scrubbing an id out of text and JSON, ages, JSON export values."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.privacy import (
    ERASED_MENTION,
    PurgeReport,
    jsonable,
    new_pseudonym,
    parse_age,
    scrub_json,
    scrub_text,
)

UID, P = 412345678901234567, -77


def test_mentions_and_whole_ids_are_replaced_but_longer_numbers_are_not() -> None:
    text = f"hi <@{UID}> and <@!{UID}>, id {UID}; other 9{UID}1 and {UID}5"
    assert scrub_text(text, UID, P) == (
        f"hi {ERASED_MENTION} and {ERASED_MENTION}, id -77; other 9{UID}1 and {UID}5"
    )


def test_json_ids_are_replaced_in_values_keys_and_text() -> None:
    value = {"speaker": UID, str(UID): [UID, "x", True, 3], "note": f"<@{UID}>", "n": UID + 1}
    assert scrub_json(value, UID, P) == {
        "speaker": P,
        "-77": [P, "x", True, 3],
        "note": ERASED_MENTION,
        "n": UID + 1,
    }


@given(
    st.recursive(st.integers() | st.text(), lambda c: st.lists(c) | st.dictionaries(st.text(), c))
)
def test_no_id_survives_a_json_scrub(value: object) -> None:
    wrapped = {"a": value, "b": UID, "c": [f"x{UID}x", {str(UID): UID}]}
    assert str(UID) not in json.dumps(scrub_json(wrapped, UID, P))


def test_pseudonyms_are_negative_and_differ() -> None:
    seen = {new_pseudonym() for _ in range(50)}
    assert all(p < 0 for p in seen) and len(seen) == 50


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("365d", timedelta(days=365)),
        ("52w", timedelta(weeks=52)),
        ("1y", timedelta(days=365)),
        ("48h", timedelta(hours=48)),
        (" 30 ", timedelta(days=30)),
    ],
)
def test_ages(text: str, age: timedelta) -> None:
    assert parse_age(text) == age


@pytest.mark.parametrize("text", ["", "0d", "-3d", "1m", "a year", "9999999d"])
def test_bad_ages_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_age(text)


def test_export_values_are_plain_json_with_large_ids_as_text() -> None:
    when = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert jsonable({"id": UID, "n": 5, "at": when, "xs": (1, None)}) == {
        "id": str(UID),
        "n": 5,
        "at": "2026-03-02T09:00:00+00:00",
        "xs": [1, None],
    }


def test_purge_reports_add_up() -> None:
    total = PurgeReport(sessions=1, messages=4, session_ids=(2,)) + PurgeReport(
        quiz_answers=3, session_ids=(1, 2)
    )
    assert (total.sessions, total.messages, total.quiz_answers) == (1, 4, 3)
    assert total.session_ids == (1, 2)
    assert total.summary() == "1 session, 4 transcript messages, 3 quiz answers"
    assert PurgeReport().empty and PurgeReport().summary() == "nothing"
