"""What the class reads about the round: phase announcements, warnings, the floor, caucuses,
and the facilitator's plan.

Announcements are plain text (they show in phone notifications, embeds do not) and every
countdown is a Discord timestamp (``<t:…:R>``), which each client renders live: no message is
edited to count down. One update of the round becomes one message, except a caucus request,
which carries the facilitator's buttons.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import discord

from bot.content.models import Scenario
from bot.domain.durations import format_duration
from bot.domain.round_plan import PlannedPhase
from bot.domain.round_state import (
    CaucusClosed,
    CaucusDeclined,
    CaucusOpened,
    CaucusRequested,
    ClockChanged,
    FloorChanged,
    Notice,
    PhaseEnded,
    PhaseStarted,
    Round,
    RoundFinished,
    TimeUp,
    TimeWarning,
    describe_marks,
)
from bot.domain.scope import Scope
from bot.domain.speaking import Floor, Turn
from bot.services.rounds import PlanView
from bot.services.sessions import actor_label
from cogs.common.interactions import bot_of, guarded
from cogs.common.scope import Scoped, session_scope

MESSAGE_LIMIT = 2000
STATUS = {"planning": "Not started", "running": "Running", "finished": "Over"}


def ends(moment: datetime) -> str:
    """``<t:…:R> (<t:…:t>)``: a live countdown, and the clock time for those who prefer it."""
    return f"{discord.utils.format_dt(moment, 'R')} ({discord.utils.format_dt(moment, 't')})"


def phase_name(index: int, phase: PlannedPhase) -> str:
    return f"Phase {index + 1} — {phase.title}"


def group_name(scenario: Scenario, members: Sequence[str]) -> str:
    """``"United States–North Korea"``."""
    return "–".join(scenario.actor(a).name for a in members)


@dataclass
class Post:
    """One message for the plenary."""

    lines: list[str] = field(default_factory=list)
    pings: list[int] = field(default_factory=list)

    @property
    def content(self) -> str:
        text = "\n".join(self.lines).strip()
        return text if len(text) <= MESSAGE_LIMIT else text[: MESSAGE_LIMIT - 1] + "…"

    @property
    def allowed_mentions(self) -> discord.AllowedMentions:
        if not self.pings:
            return discord.AllowedMentions.none()
        return discord.AllowedMentions(
            users=[discord.Object(u) for u in self.pings], everyone=False, roles=False
        )


class Announcer:
    """Renders a round update's notices for one scenario."""

    def __init__(self, scenario: Scenario, threads: Mapping[int, int]) -> None:
        self.scenario = scenario
        self.threads = threads

    def actor(self, actor_id: str) -> str:
        return actor_label(self.scenario, actor_id)

    def speaker(self, turn: Turn) -> str:
        name = f"**{self.actor(turn.actor)}**"
        return name if turn.user_id is None else f"<@{turn.user_id}> ({name})"

    def caucus_link(self, number: int, members: Sequence[str]) -> str:
        thread = self.threads.get(number)
        names = group_name(self.scenario, members)
        return f"<#{thread}> ({names})" if thread else f"{names} (no thread: see the notice above)"

    # --- the floor ---------------------------------------------------------------------------

    def floor_lines(self, floor: Floor, *, new_speaker: bool) -> tuple[list[str], list[int]]:
        turn = floor.current
        if turn is None or not new_speaker:
            return [], []
        clock = turn.clock
        time = format_duration(clock.total)
        if clock.deadline is not None:
            line = (
                f"🎤 {self.speaker(turn)} has the floor for {time}, until {ends(clock.deadline)}."
            )
        else:
            line = f"🎤 {self.speaker(turn)} has the floor next ({time}, once the class resumes)."
        if floor.queue:
            line += " Next: " + ", ".join(self.actor(h.actor) for h in floor.queue[:6]) + "."
        pings = [turn.user_id] if turn.user_id is not None and turn.source == "queue" else []
        return [line], pings

    def floor_changed(self, notice: FloorChanged) -> tuple[list[str], list[int]]:
        lines: list[str] = []
        ended = notice.ended
        if ended is not None and not notice.new_speaker:
            if ended.reason == "yielded":
                lines.append(f"🎤 **{self.actor(ended.actor)}** yields the floor.")
            elif ended.reason == "time":
                lines.append(f"⏱️ Time for **{self.actor(ended.actor)}**.")
            elif ended.reason == "next":
                lines.append(f"⏹️ The facilitator ended **{self.actor(ended.actor)}**'s turn.")
            if notice.all_spoken:
                lines.append(
                    "Every delegation has spoken. The facilitator may move on (Next), or the "
                    "phase ends on time."
                )
            elif notice.floor.mode == "queue" and not notice.floor.queue:
                lines.append("The floor is open: raise your hand with `/hand` to speak.")
        more, pings = self.floor_lines(notice.floor, new_speaker=notice.new_speaker)
        return lines + more, pings

    # --- phases ------------------------------------------------------------------------------

    def phase_started(self, notice: PhaseStarted) -> tuple[list[str], list[int]]:
        phase, clock = notice.phase, notice.clock
        assert clock.deadline is not None
        lines = [
            f"▶️ **Phase {notice.index + 1} of {notice.count} — {phase.title}** · "
            f"{format_duration(phase.duration)} · ends {ends(clock.deadline)}",
            f"*{phase.goal}*",
        ]
        pings: list[int] = []
        statements = notice.statements
        if statements is not None:
            if not statements.speakers:
                lines.append("No delegation is at the table to speak.")
            elif statements.shortened:
                lines.append(
                    f"Each delegation speaks for {format_duration(statements.turn_seconds)} "
                    f"(planned {format_duration(statements.speaking_time)}), so that everyone has "
                    "a turn."
                )
            if statements.left_out:
                left = ", ".join(self.actor(a) for a in statements.left_out)
                lines.append(f"No time left for: {left}.")
        elif phase.kind == "plenary":
            floor_time = format_duration(notice.floor.turn_seconds if notice.floor else 60)
            lines.append(f"✋ To speak, raise your hand with `/hand` ({floor_time} per turn).")
        if notice.floor is not None:
            more, pings = self.floor_lines(notice.floor, new_speaker=True)
            lines += more
        if notice.caucuses:
            links = " · ".join(self.caucus_link(c.number, c.members) for c in notice.caucuses)
            lines.append(f"🤝 Caucus threads: {links}")
        elif phase.kind == "caucus":
            lines.append("🤝 Ask for a caucus with `/caucus request`; the facilitator opens them.")
        return lines, pings

    def time_up(self, notice: TimeUp, *, locked: bool) -> list[str]:
        name = phase_name(notice.index, notice.phase)
        if notice.late:
            lines = [
                f"⏰ **Time.** {name} ended at {discord.utils.format_dt(notice.due_at, 't')} "
                "while Parley was offline (this notice is late)."
            ]
        else:
            lines = [f"⏰ **Time.** {name} is over."]
        if notice.waiting:
            if notice.next_phase is not None:
                nxt = phase_name(notice.index + 1, notice.next_phase)
                lines.append(f"Waiting for the facilitator to start {nxt}.")
            else:
                lines.append("That was the last phase: waiting for the facilitator.")
            if locked:
                lines.append("🔒 The plenary is closed until then.")
        return lines

    def clock_changed(self, notice: ClockChanged) -> list[str]:
        name = phase_name(notice.index, notice.phase)
        clock = notice.clock
        left = format_duration(clock.seconds_left(notice.at))
        if notice.change == "paused":
            return [f"⏸️ **Paused.** The countdown has stopped with {left} left in {name}."]
        if notice.change == "resumed":
            assert clock.deadline is not None
            return [f"▶️ **Resumed.** {name} now ends {ends(clock.deadline)}."]
        more = format_duration(notice.seconds)
        if clock.deadline is None:
            return [f"➕ **{more} more** for {name}: {left} left when the class resumes."]
        return [f"➕ **{more} more** for {name}: it now ends {ends(clock.deadline)}."]

    def warning(self, notice: TimeWarning) -> list[str]:
        left = format_duration(notice.seconds_left)
        late = "; this warning is late: Parley was offline" if notice.late else ""
        return [
            f"⏳ **{left} left** in {phase_name(notice.index, notice.phase)} "
            f"(ends {discord.utils.format_dt(notice.deadline, 'R')}{late})."
        ]

    # --- everything --------------------------------------------------------------------------

    def render(self, notices: Sequence[Notice], *, locked: bool = False) -> Post:
        post = Post()
        closed = [n for n in notices if isinstance(n, CaucusClosed)]
        for notice in notices:
            lines: list[str] = []
            pings: list[int] = []
            if isinstance(notice, PhaseStarted):
                lines, pings = self.phase_started(notice)
            elif isinstance(notice, PhaseEnded):
                if notice.reason == "next":
                    lines = [f"⏹️ {phase_name(notice.index, notice.phase)} ended early."]
                elif notice.reason == "skipped":
                    lines = [f"⏭️ {phase_name(notice.index, notice.phase)} was skipped."]
                if closed:
                    lines.append("🤝 The caucus threads are closed; what was said stays on record.")
                    closed = []
            elif isinstance(notice, TimeUp):
                lines = self.time_up(notice, locked=locked)
            elif isinstance(notice, RoundFinished):
                if notice.reason == "session_ended":
                    continue
                lines = [f"🏁 **The round is over** ({notice.phases_played} phases played)."]
            elif isinstance(notice, ClockChanged):
                lines = self.clock_changed(notice)
            elif isinstance(notice, TimeWarning):
                lines = self.warning(notice)
            elif isinstance(notice, FloorChanged):
                lines, pings = self.floor_changed(notice)
            elif isinstance(notice, CaucusOpened):
                c = notice.caucus
                lines = [
                    f"🤝 **Caucus {c.number}** is open: {self.caucus_link(c.number, c.members)}."
                ]
            elif isinstance(notice, CaucusClosed) and closed:
                c = notice.caucus
                lines = [
                    f"🤝 Caucus {c.number} ({group_name(self.scenario, c.members)}) is closed."
                ]
            elif isinstance(notice, CaucusDeclined | CaucusRequested):
                continue  # the request message itself shows these
            if post.lines and lines:
                post.lines.append("")
            post.lines += lines
            post.pings += [p for p in pings if p not in post.pings]
        return post

    def request_text(self, request_number: int, requester: str, members: Sequence[str]) -> str:
        others = [m for m in members if m != requester]
        partners = " and ".join(f"**{self.actor(a)}**" for a in others)
        return (
            f"🤝 **Caucus request {request_number}:** **{self.actor(requester)}** would like to "
            f"meet {partners} in private. Facilitator: approve or decline."
        )


# --- the facilitator's views ----------------------------------------------------------------------


def plan_embed(view: PlanView, scenario: Scenario, session_id: int) -> discord.Embed:
    state = view.round
    plan = state.plan
    status = STATUS[state.status]
    if state.status == "running" and state.index is not None and state.clock is not None:
        clock = state.clock
        status = f"Running: phase {state.index + 1} of {len(plan)}"
        if state.waiting():
            status += " (time is up: waiting for you)"
        elif clock.deadline is not None:
            status += f", ends {ends(clock.deadline)}"
        else:
            status += f" (paused, {format_duration(clock.seconds_left(view.at))} left)"
    lines = []
    for position, phase in enumerate(plan.phases, start=1):
        mark = "▶️" if state.index == position - 1 else "✅" if _played(state, position) else "▫️"
        extra = ""
        if phase.speaking_time is not None:
            per = "per delegation" if phase.kind != "plenary" else "per speaker"
            extra = f" · {format_duration(phase.speaking_time)} {per}"
        lines.append(
            f"{mark} `{position}.` **{phase.title}** · {phase.label} · "
            f"{format_duration(phase.duration)}{extra}"
        )
    embed = discord.Embed(
        title=f"Round plan — {scenario.title} (session #{session_id})",
        description=f"**{status}**\n\n" + "\n".join(lines),
        colour=discord.Colour.dark_teal(),
    )
    total, period = plan.total_duration, state.settings.period_seconds
    if total <= period:
        fits = f"{format_duration(total)} of your {format_duration(period)} period"
    else:
        fits = (
            f"{format_duration(total)}: {format_duration(total - period)} more than your "
            f"{format_duration(period)} period"
        )
    embed.add_field(name="Total", value=fits, inline=False)
    if view.warnings:
        text = "\n".join(f"⚠️ {w.message}" for w in view.warnings)
        embed.add_field(name="Worth knowing", value=text[:1024], inline=False)
    embed.add_field(name="Settings", value=settings_text(state), inline=False)
    embed.set_footer(
        text="Change it: /round plan add · remove · move · duration — durations like 90s, 5m, 1h30m"
    )
    return embed


def _played(state: Round, position: int) -> bool:
    return any(run.index == position - 1 for run in state.history)


def settings_text(state: Round) -> str:
    s = state.settings

    def on(flag: bool) -> str:
        return "on" if flag else "off"

    return (
        f"Auto-advance: **{on(s.auto_advance)}** · Warnings: **{describe_marks(s.warning_marks)}** "
        f"before the end · Lock the plenary between phases: **{on(s.lock_between)}** · Open the "
        f"suggested caucuses: **{on(s.auto_caucus)}** · Next speaker automatically: "
        f"**{on(s.floor_auto_next)}** · Period: **{format_duration(s.period_seconds)}**"
    )


def status_text(state: Round, scenario: Scenario, now: datetime) -> str:
    """`/phase`: where the class is, for anyone."""
    phase, clock, index = state.phase, state.clock, state.index
    if state.status == "planning":
        return "The round has not started yet."
    if state.status == "finished" or phase is None or clock is None or index is None:
        return "The round is over."
    lines = [
        f"**{phase_name(index, phase)}** ({index + 1} of {len(state.plan)})",
        f"*{phase.goal}*",
    ]
    if state.waiting():
        lines.append("Time is up: waiting for the facilitator.")
    elif clock.deadline is None:
        lines.append(f"Paused with {format_duration(clock.seconds_left(now))} left.")
    else:
        lines.append(f"Ends {ends(clock.deadline)}.")
    floor = state.floor
    if floor is not None and not floor.closed:
        announcer = Announcer(scenario, dict(state.threads))
        if floor.current is not None:
            lines.append(f"🎤 Floor: {announcer.speaker(floor.current)}.")
        if floor.queue:
            waiting = ", ".join(
                f"{n}. {announcer.actor(h.actor)}" for n, h in enumerate(floor.queue, start=1)
            )
            lines.append(f"✋ Waiting: {waiting}.")
    open_caucuses = state.caucuses.open_caucuses()
    if open_caucuses:
        announcer = Announcer(scenario, dict(state.threads))
        lines.append(
            "🤝 Caucuses: "
            + " · ".join(announcer.caucus_link(c.number, c.members) for c in open_caucuses)
        )
    return "\n".join(lines)


# --- buttons --------------------------------------------------------------------------------------


class CaucusDecisionButton(
    Scoped,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"parley:round:(?P<id>[0-9]+):caucus:(?P<n>[0-9]+):(?P<decision>approve|decline)",
):
    """Approve / Decline under a caucus request; works after a restart (dynamic item)."""

    def __init__(self, session_id: int, number: int, approve: bool) -> None:
        self.session_id, self.number, self.approve = session_id, number, approve
        decision = "approve" if approve else "decline"
        super().__init__(
            discord.ui.Button(
                label="Approve" if approve else "Decline",
                emoji="✅" if approve else "❌",
                style=discord.ButtonStyle.success if approve else discord.ButtonStyle.secondary,
                custom_id=f"parley:round:{session_id}:caucus:{number}:{decision}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> CaucusDecisionButton:
        return cls(int(match["id"]), int(match["n"]), match["decision"] == "approve")

    async def scope(self, interaction: discord.Interaction[Any]) -> Scope | None:
        return await session_scope(interaction, self.session_id)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        flow = bot_of(interaction).round_flow
        await guarded(
            interaction,
            flow.decide_caucus(interaction, self.session_id, self.number, self.approve),
        )


def caucus_request_view(session_id: int, number: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(CaucusDecisionButton(session_id, number, True))
    view.add_item(CaucusDecisionButton(session_id, number, False))
    return view


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (CaucusDecisionButton,)
