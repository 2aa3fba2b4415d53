"""The deal chart: the data handed to plotting matches the hand calculation; the PNG opens."""

from __future__ import annotations

import io
import struct
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib.image
import pytest
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure

from bot.content.loader import load_scenario
from bot.content.models import Scenario
from bot.domain.deal_space import DealSpace, Marker, Package, chart_data
from bot.reports.deal_chart import CHART_DPI, CHART_INCHES, render_chart

GAME = Path(__file__).parents[1] / "content" / "fixtures" / "game"
AGENDA = ["dam", "fishing"]


@pytest.fixture(scope="module")
def game() -> Scenario:
    return load_scenario(GAME)


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_chart_data_is_the_hand_calculation(game: Scenario) -> None:
    """alpha (x) / beta (y): see tests/domain/test_deal_space.py for the table."""
    space = DealSpace(game)
    p9 = Package.of({"dam": "half", "fishing": "later"}, AGENDA)
    p10 = Package.of({"dam": "full", "fishing": "winter"}, AGENDA)
    data = chart_data(space, [(1, p10), (2, p9)], p9)
    assert sorted(data.packages) == sorted(
        [
            (-20, 0),
            (20, -5),
            (40, -20),
            (-10, 35),
            (5, 20),
            (-30, 35),
            (-15, 20),
            (10, 30),
            (25, 15),
            (30, 15),
            (45, 0),
        ]
    )
    assert data.zone == ((25, 15),)
    assert data.frontier == ((-10, 35), (10, 30), (30, 15), (45, 0))
    assert data.no_deal == (10, 10)
    assert data.proposals == (Marker("#1", 30, 15), Marker("#2", 25, 15))
    assert data.outcome == Marker("Outcome", 25, 15)
    assert (data.x_label, data.y_label) == ("Alpha points", "Beta points")
    none = chart_data(space, [], None)
    assert none.outcome == Marker("No agreement", 10, 10)


def test_render_hands_the_data_to_matplotlib_and_the_png_opens(
    game: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    space = DealSpace(game)
    data = chart_data(space, [(1, Package.of({"dam": "full"}, AGENDA))], None)
    plotted: list[tuple[list[float], list[float]]] = []
    real_add_subplot = Figure.add_subplot

    def spy_subplot(self: Figure, *args: Any, **kwargs: Any) -> Axes:
        ax: Axes = real_add_subplot(self, *args, **kwargs)
        original = ax.scatter

        def scatter(x: Sequence[float], y: Sequence[float], *a: Any, **k: Any) -> PathCollection:
            plotted.append((list(x), list(y)))
            drawn: PathCollection = original(x, y, *a, **k)
            return drawn

        monkeypatch.setattr(ax, "scatter", scatter)
        return ax

    monkeypatch.setattr(Figure, "add_subplot", spy_subplot)
    png = render_chart(data)
    # every package, then the zone, then no deal, the proposal, the outcome
    xs, ys = plotted[0]
    assert sorted(zip(xs, ys, strict=True)) == sorted(data.packages)
    assert plotted[1] == ([25], [15])
    assert plotted[2] == ([10], [10])
    assert plotted[3] == ([40], [-20])
    assert plotted[4] == ([10], [10])
    side = int(CHART_INCHES * CHART_DPI)
    assert png_size(png) == (side, side) == (900, 900)
    image = matplotlib.image.imread(io.BytesIO(png), format="png")
    assert image.shape[:2] == (900, 900)
    # the corner is the light card, not transparent: readable on dark and light themes
    r, g, b, *alpha = image[5, 5]
    assert min(r, g, b) > 0.9 and (not alpha or alpha[0] == 1.0)
