"""Small multiples of the overview: per indicator, one panel per region with data.

Each panel shows the region's observed values (black line and dots), the parent geography's
series (dashed, the reference colour, crosses) and the target level (orange dashed line), on
axes shared by all panels of the indicator so that levels compare at a glance. The panels are
ordered as the overview's rows (rank, then name). Colours are the report's Okabe–Ito palette;
every series also differs by line style and marker (:mod:`planeval.reporting.charts`).
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt

from planeval.reporting.charts import OKABE_ITO, STYLE, figure_png, setup_style

#: Panel size in inches and columns per row; resolution of the small multiples.
PANEL = (1.9, 1.25)
MAX_COLUMNS = 6
DPI = 80


def small_multiples(
    indicator_name: str,
    panels: list[tuple[str, list[int], list[float], int | None]],
    parent: tuple[str, list[int], list[float]] | None,
    level: float | None,
) -> bytes | None:
    """PNG of one indicator's small multiples; None without a panel.

    ``panels``: ``(region name, years, values, latest year)`` per region with data, in the
    order to draw; ``parent``: ``(name, years, values)`` of the parent geography (None or
    empty: not drawn); ``level``: the target level (None: no line). Values in the
    indicator's unit.
    """
    if not panels:
        return None
    setup_style()
    n = len(panels)
    cols = min(MAX_COLUMNS, n)
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(
        rows,
        cols,
        figsize=(PANEL[0] * cols, PANEL[1] * rows + 0.2),
        sharex=True,
        sharey=True,
        squeeze=False,
    )
    years_all = [y for _, ys, _, _ in panels for y in ys]
    if parent and parent[1]:
        years_all += list(parent[1])
    for i, ax in enumerate(axes.flat):
        if i >= n:
            ax.set_visible(False)
            continue
        name, years, values, _latest = panels[i]
        if parent and parent[1]:
            ax.plot(parent[1], parent[2], color=OKABE_ITO["reference"], **STYLE["reference"])
        if level is not None:
            ax.axhline(level, color=OKABE_ITO["target"], **STYLE["target"])
        ax.plot(years, values, color=OKABE_ITO["observed"], lw=1.2, marker="o", ms=3)
        ax.set_title(name, fontsize=8, pad=2)
        ax.tick_params(labelsize=6.5, length=2, pad=1)
    if years_all:
        lo, hi = min(years_all), max(years_all)
        axes[0][0].set_xlim(lo - 0.5, hi + 0.5)
        axes[0][0].set_xticks(sorted({lo, hi}))
    fig.suptitle(indicator_name, fontsize=9, y=0.995)
    fig.tight_layout(pad=0.3, h_pad=0.4, w_pad=0.3)
    return figure_png(fig, DPI)
