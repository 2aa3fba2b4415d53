"""The debrief's deal chart: every package as a point, drawn with matplotlib (Agg, no display).

Input is `bot.domain.deal_space.ChartData` (plain numbers), output PNG bytes. Sized for a
phone (900 × 900 pixels, text at least 11 pt at 150 dpi) and drawn on a light card with a dark
border and dark text, so it reads the same in Discord's dark and light themes (a transparent
background would put black text on a near-black chat). Colours come from the Okabe–Ito
palette, which colour-blind students can tell apart, and every series also differs in shape.
"""

from __future__ import annotations

import io
import logging
import threading

from bot.domain.deal_space import ChartData

__all__ = ["CHART_DPI", "CHART_INCHES", "render_chart"]

log = logging.getLogger(__name__)

CHART_INCHES = 6.0
CHART_DPI = 150
"""6 in × 150 dpi = 900 px square: sharp on a phone, small enough to upload fast."""

CARD = "#F4F5F7"
INK = "#1E1F22"
GRID = "#C9CDD3"
PACKAGE = "#9AA0A6"
ZONE = "#009E73"
FRONTIER = "#0072B2"
NO_DEAL = "#D55E00"
PROPOSAL = "#CC79A7"
OUTCOME = "#E69F00"

_lock = threading.Lock()
"""matplotlib's font cache and text layout are not thread-safe: one chart at a time."""


def render_chart(data: ChartData) -> bytes:
    """Draw ``data`` and return the PNG bytes (CPU-bound: run it in a thread from async code)."""
    with _lock:
        return _render(data)


def _render(data: ChartData) -> bytes:
    # Imported here, not at the top: matplotlib costs about 40 MB of memory, and a bot that never
    # draws a debrief (a quiz-only server) should not carry it.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(CHART_INCHES, CHART_INCHES), dpi=CHART_DPI, facecolor=CARD)
    FigureCanvasAgg(fig)  # the Agg renderer, explicitly: no pyplot, no display, no global state
    fig.patch.set_edgecolor(INK)
    fig.patch.set_linewidth(2)
    ax = fig.add_subplot()
    ax.set_facecolor(CARD)
    ax.grid(True, color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    for spine in ax.spines.values():
        spine.set_color(INK)
    ax.tick_params(colors=INK, labelsize=11)

    if data.packages:
        xs, ys = zip(*data.packages, strict=True)
        ax.scatter(xs, ys, s=18, color=PACKAGE, alpha=0.55, label="a package", zorder=2)
    if data.zone:
        xs, ys = zip(*data.zone, strict=True)
        ax.scatter(
            xs, ys, s=34, color=ZONE, marker="D", label="better than no deal for all", zorder=3
        )
    if data.frontier:
        xs, ys = zip(*data.frontier, strict=True)
        ax.plot(
            xs,
            ys,
            color=FRONTIER,
            linewidth=2,
            marker="o",
            markersize=4,
            zorder=4,
            label="efficient frontier",
        )
    ax.axvline(data.no_deal[0], color=NO_DEAL, linewidth=1, linestyle="--", zorder=1)
    ax.axhline(data.no_deal[1], color=NO_DEAL, linewidth=1, linestyle="--", zorder=1)
    ax.scatter(
        [data.no_deal[0]],
        [data.no_deal[1]],
        s=90,
        color=NO_DEAL,
        marker="X",
        zorder=5,
        label="no deal",
    )
    for i, marker in enumerate(data.proposals):
        ax.scatter(
            [marker.x],
            [marker.y],
            s=70,
            facecolors="none",
            edgecolors=PROPOSAL,
            linewidths=2,
            zorder=6,
            label="tabled proposal" if i == 0 else None,
        )
        ax.annotate(
            marker.label,
            (marker.x, marker.y),
            xytext=(6, 6),
            textcoords="offset points",
            fontsize=11,
            color=INK,
            zorder=7,
        )
    ax.scatter(
        [data.outcome.x],
        [data.outcome.y],
        s=220,
        color=OUTCOME,
        marker="*",
        edgecolors=INK,
        linewidths=0.8,
        zorder=8,
        label=data.outcome.label,
    )

    ax.set_title(data.title, color=INK, fontsize=13, fontweight="bold")
    ax.set_xlabel(data.x_label, color=INK, fontsize=12)
    ax.set_ylabel(data.y_label, color=INK, fontsize=12)
    legend = ax.legend(loc="best", fontsize=10, frameon=True, facecolor="white", edgecolor=GRID)
    for text in legend.get_texts():
        text.set_color(INK)
    fig.tight_layout()

    out = io.BytesIO()
    fig.savefig(out, format="png", facecolor=CARD, edgecolor=INK)
    log.debug("Deal chart drawn: %d packages, %d bytes", len(data.packages), out.tell())
    return out.getvalue()
