"""The facilitator chooses an article-only class from the panel, and opens the teaching note."""

from __future__ import annotations

from bot.content.models import RECORD_LABEL
from tests.harness import WireHarness
from tests.parley_fixtures import ParleyFactory
from tests.wire.sessions_kit import control_id, final_text, join_id, service, start_session


def page_titles(result: object) -> list[str]:
    response = result.response  # type: ignore[attr-defined]
    select = next(
        c
        for c in response.as_message().walk_components()
        if c.get("custom_id", "").endswith("jump")
    )
    return [option["label"] for option in select["options"]]


async def test_article_only_hides_the_record_from_briefs_and_can_be_undone(
    make_parley: ParleyFactory,
) -> None:
    h: WireHarness = await make_parley(students=6)
    w = h.world
    started = await start_session(h)
    sid = started.session_id
    for student in w.students:
        await h.click(student, started.card, join_id(sid))
    await h.click(w.facilitator, started.panel, control_id(sid, "random"))
    student = w.students[0]

    shown = await h.slash(student, "brief")
    assert any(RECORD_LABEL in title for title in page_titles(shown))

    panel = await h.slash(w.facilitator, "session panel")
    assert control_id(sid, "record-show") not in panel.response.as_message().custom_ids
    hidden = await h.click(w.facilitator, panel, control_id(sid, "record-hide"))
    assert "article-only class" in final_text(hidden)
    info = await service(h).get(sid)
    assert info is not None and not info.record_cards

    plain = await h.slash(student, "brief")
    assert not any(RECORD_LABEL in title for title in page_titles(plain))
    actor = await _actor(h, sid, student.id)
    turned = await h.click(student, plain, f"parley:brief:hanoi-2019:{actor}:0:next")
    assert not any(RECORD_LABEL in title for title in page_titles(turned))  # page turns too

    panel = await h.slash(w.facilitator, "session panel")
    back = await h.click(w.facilitator, panel, control_id(sid, "record-show"))
    assert "are **shown**" in final_text(back)
    again = await h.slash(student, "brief")
    assert any(RECORD_LABEL in title for title in page_titles(again))


async def _actor(h: WireHarness, sid: int, user_id: int) -> str:
    actor = await service(h).actor_of(sid, user_id)
    assert actor is not None
    return actor


async def test_the_panel_hands_the_facilitator_the_teaching_note(parley: WireHarness) -> None:
    w = parley.world
    started = await start_session(parley)
    note = await parley.click(
        w.facilitator, started.panel, control_id(started.session_id, "teaching-note")
    )
    assert note.response.ephemeral
    [attached] = note.response.files
    assert attached.filename == "hanoi-2019-teaching-note.md"
    text = attached.data.decode("utf-8")
    assert "counterfactual" in text and "Six-Party Talks" in text
