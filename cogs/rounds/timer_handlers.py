"""The round's timers: a phase's end, its warnings and a speaker's turn end come from the one timer
service (`bot.timers`), go through `RoundService`, and are shown like any other change."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from bot.errors import UserFacingError
from bot.services.rounds import RoundUpdate
from bot.services.timers import DueTimer
from cogs.sessions.delegation_spaces import Notices

if TYPE_CHECKING:
    from cogs.rounds.flow import RoundFlow

log = logging.getLogger(__name__)


class RoundTimerHandlers:
    def __init__(self, flow: RoundFlow) -> None:
        self.flow = flow

    def register(self) -> None:
        timers = self.flow.bot.timers
        timers.register("round_phase_end", self.on_phase_end)
        timers.register("round_warning", self.on_warning)
        timers.register("round_turn_end", self.on_turn_end)

    def unregister(self) -> None:
        for kind in ("round_phase_end", "round_warning", "round_turn_end"):
            self.flow.bot.timers.unregister(kind)

    async def _from_timer(
        self, timer: DueTimer, operation: Callable[[int, int, int], Awaitable[RoundUpdate]]
    ) -> None:
        payload = timer.payload
        session_id = int(payload["session_id"])
        try:
            update = await operation(session_id, int(payload["index"]), int(payload["detail"]))
        except UserFacingError as error:  # the session ended meanwhile: nothing to do
            log.info("Round timer %s skipped: %s", timer.key, error)
            return
        if not update.notices:
            return
        notices = Notices()
        await self.flow.show(update, notices)
        await self.flow.announcements.post_notices(update.context, notices)

    async def on_phase_end(self, timer: DueTimer) -> None:
        await self._from_timer(
            timer,
            lambda sid, index, _: self.flow.service.phase_time_up(sid, index, late=timer.late),
        )

    async def on_warning(self, timer: DueTimer) -> None:
        await self._from_timer(
            timer,
            lambda sid, index, mark: self.flow.service.warning_due(
                sid, index, mark, late=timer.late
            ),
        )

    async def on_turn_end(self, timer: DueTimer) -> None:
        await self._from_timer(
            timer, lambda sid, index, _: self.flow.service.turn_time_up(sid, index)
        )
