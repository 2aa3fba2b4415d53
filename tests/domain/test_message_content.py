from __future__ import annotations

from bot.domain.message_content import MessageContentProbe


def blank(probe: MessageContentProbe) -> bool:
    return probe.observe(has_text=False, has_other_payload=False, mentions_bot=False)


def test_warns_once_after_enough_blank_messages() -> None:
    probe = MessageContentProbe(threshold=3)
    assert [blank(probe) for _ in range(6)] == [False, False, True, False, False, False]
    assert probe.status == "MISSING"


def test_one_message_with_text_proves_content_arrives() -> None:
    probe = MessageContentProbe(threshold=3)
    probe.observe(has_text=True, has_other_payload=False, mentions_bot=False)
    assert not any(blank(probe) for _ in range(10))
    assert probe.status == "arriving"


def test_mentions_and_attachments_are_not_evidence_either_way() -> None:
    probe = MessageContentProbe(threshold=2)
    # Discord sends text for messages that mention the bot even without the intent.
    probe.observe(has_text=True, has_other_payload=False, mentions_bot=True)
    probe.observe(has_text=False, has_other_payload=True, mentions_bot=False)
    assert probe.status == "not yet seen"
    assert not blank(probe)
    assert blank(probe)
