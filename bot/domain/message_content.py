"""Notice when Discord withholds message content, which silently empties every transcript.

Without the privileged Message Content intent, guild messages arrive with empty `content` unless
they mention the bot. A few blank human messages in a row, with nothing else in them, and not a
single message with text, is the signature.
"""

from __future__ import annotations

from dataclasses import dataclass

BLANK_MESSAGES_BEFORE_WARNING = 5


@dataclass
class MessageContentProbe:
    threshold: int = BLANK_MESSAGES_BEFORE_WARNING
    blank_seen: int = 0
    content_seen: bool = False
    warned: bool = False

    def observe(self, *, has_text: bool, has_other_payload: bool, mentions_bot: bool) -> bool:
        """Record one human guild message; True exactly once, when the warning is due."""
        if has_text and not mentions_bot:
            self.content_seen = True
        if self.content_seen or self.warned:
            return False
        if not has_text and not has_other_payload and not mentions_bot:
            self.blank_seen += 1
        if self.blank_seen >= self.threshold:
            self.warned = True
            return True
        return False

    @property
    def status(self) -> str:
        """One word for `/parley about`."""
        if self.content_seen:
            return "arriving"
        if self.warned:
            return "MISSING"
        return "not yet seen"
