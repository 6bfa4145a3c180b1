"""Small multiples of the overview: per indicator, one panel per region with data.

Each panel shows the region's observed values (black line and dots), the parent geography's
series (dashed, the reference colour) and the target level (orange dashed line), all panels on
one scale (years and values given once, under the indicator's name) so that levels compare at
a glance. Panels follow the overview's rows (rank, then name). Colours are the report's
Okabe–Ito palette; every series also differs by line style and marker
(:mod:`planeval.reporting.charts`).

The panels are drawn as one grid in a single matplotlib axes (line collections, one scatter,
one text per panel) rather than one axes per region: 100 regions cost about as much as 10, so
an overview of a province's counties draws in a second or two per indicator.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
from matplotlib.collections import LineCollection

from planeval.reporting.charts import OKABE_ITO, figure_png, setup_style

#: Panel size in inches, panels per row, resolution.
PANEL = (1.7, 1.05)
MAX_COLUMNS = 7
DPI = 90
#: The plotting box inside a panel (fractions of the panel): x from, x to, y from, y to.
BOX = (0.07, 0.93, 0.08, 0.74)


def _scale(lo: float, hi: float, pad: float = 0.08) -> tuple[float, float]:
    if hi <= lo:
        return lo - 1.0, hi + 1.0
    span = hi - lo
    return lo - pad * span, hi + pad * span


def small_multiples(
    title: str,
    panels: list[tuple[str, list[int], list[float], int | None]],
    parent: tuple[str, list[int], list[float]] | None,
    level: float | None,
) -> bytes | None:
    """PNG of one indicator's small multiples; None without a panel.

    ``title``: the indicator's name, with ``{years}``, ``{low}`` and ``{high}`` filled with
    the common scale (``2015–2024``, the value range of every panel);
    ``panels``: ``(region name, years, values, latest year)`` per region with data, in the
    order to draw; ``parent``: ``(name, years, values)`` of the parent geography (None or
    empty: not drawn); ``level``: the target level (None: no line). Values in the indicator's
    unit.
    """
    if not panels:
        return None
    setup_style()
    n = len(panels)
    cols = min(MAX_COLUMNS, n)
    rows = math.ceil(n / cols)
    p_years, p_values = (parent[1], parent[2]) if parent and parent[1] else ([], [])
    years = [y for _, ys, _, _ in panels for y in ys] + list(p_years)
    values = [v for _, _, vs, _ in panels for v in vs] + list(p_values)
    values += [level] if level is not None else []
    x_lo, x_hi = min(years), max(years)
    x_lo, x_hi = (x_lo - 0.5, x_hi + 0.5) if x_lo == x_hi else (x_lo, x_hi)
    y_lo, y_hi = _scale(min(values), max(values))
    bx0, bx1, by0, by1 = BOX

    def xy(i: int, year: float, value: float) -> tuple[float, float]:
        col, row = i % cols, i // cols
        x = col + bx0 + (bx1 - bx0) * (year - x_lo) / (x_hi - x_lo)
        y = (rows - 1 - row) + by0 + (by1 - by0) * (value - y_lo) / (y_hi - y_lo)
        return x, y

    fig = plt.figure(figsize=(PANEL[0] * cols, PANEL[1] * rows + 0.35))
    ax = fig.add_axes((0.0, 0.0, 1.0, rows * PANEL[1] / (rows * PANEL[1] + 0.35)))
    ax.set_axis_off()
    ax.set_xlim(0, cols)
    ax.set_ylim(0, rows)
    boxes, series, parents, targets, points = [], [], [], [], []
    for i, (name, ys, vs, _latest) in enumerate(panels):
        (x0, y0), (x1, y1) = xy(i, x_lo, y_lo), xy(i, x_hi, y_hi)
        boxes.append([(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)])
        line = [xy(i, y, v) for y, v in zip(ys, vs, strict=True)]
        series.append(line)
        points += line
        if p_years:
            parents.append([xy(i, y, v) for y, v in zip(p_years, p_values, strict=True)])
        if level is not None:
            targets.append([xy(i, x_lo, level), xy(i, x_hi, level)])
        ax.text((x0 + x1) / 2, y1 + 0.04, name, ha="center", va="bottom", fontsize=7.5)
    ax.add_collection(LineCollection(boxes, colors="#cccccc", linewidths=0.6))
    ax.add_collection(
        LineCollection(parents, colors=OKABE_ITO["reference"], linewidths=1.0, linestyles="--")
    )
    ax.add_collection(
        LineCollection(targets, colors=OKABE_ITO["target"], linewidths=1.1, linestyles=(0, (5, 3)))
    )
    ax.add_collection(LineCollection(series, colors=OKABE_ITO["observed"], linewidths=1.2))
    ax.scatter([p[0] for p in points], [p[1] for p in points], s=6, c=OKABE_ITO["observed"])
    scale = {"years": f"{min(years)}–{max(years)}", "low": f"{y_lo:.3g}", "high": f"{y_hi:.3g}"}
    fig.suptitle(title.format(**scale), fontsize=8.5, y=0.995, va="top")
    return figure_png(fig, DPI)
