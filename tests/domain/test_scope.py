"""The scope rule every button and modal applies before it acts."""

from __future__ import annotations

import pytest

from bot.domain.scope import Scope, Where

G, OTHER, PLENARY, THREAD, ELSEWHERE = 10, 20, 100, 101, 300
CLASS = Scope.of(G, [PLENARY, THREAD])


@pytest.mark.parametrize(
    ("where", "ok"),
    [
        (Where(G, PLENARY, None, 1), True),
        (Where(G, THREAD, PLENARY, 1), True),
        (Where(G, 555, PLENARY, 1), True),  # a thread under the plenary
        (Where(G, ELSEWHERE, None, 1), False),  # same server, another channel
        (Where(OTHER, PLENARY, None, 1), False),  # same channel id, another server (forged)
        (Where(None, PLENARY, None, 1), False),  # a DM
        (Where(None, None, None, 1), False),
    ],
)
def test_a_class_object_is_used_in_its_server_and_channels(where: Where, ok: bool) -> None:
    assert CLASS.admits(where) is ok


def test_a_private_quiz_run_belongs_to_its_student_and_its_place() -> None:
    dm_run = Scope.of(None, user_id=7)
    assert dm_run.admits(Where(None, 999, None, 7))
    assert not dm_run.admits(Where(None, 999, None, 8))
    assert not dm_run.admits(Where(G, PLENARY, None, 7))
    server_run = Scope.of(G, user_id=7)
    assert server_run.admits(Where(G, ELSEWHERE, None, 7))
    assert not server_run.admits(Where(OTHER, ELSEWHERE, None, 7))
