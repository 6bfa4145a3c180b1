"""Charts of the evaluation reports (matplotlib + seaborn), as PNG images.

One panel per indicator (:func:`indicator_figure`): observed points, the fitted trend of the
selected model, the forecast fan (80 % and 95 % prediction intervals) to the target year, the
target line (or band for 左右 targets), the straight baseline-to-target path and, when given, a
reference geography's series. Annual monitoring panels leave out trend and fan.

Palette: Okabe & Ito (2008), "Color Universal Design", safe for the common colour-vision
deficiencies; every series also differs by marker or line style, and the legend is text beside
a drawn sample (:func:`legend_kinds`, rendered by the report templates), so nothing depends on
colour alone. Figures leave this module as PNG bytes (:func:`figure_png`).
"""

from __future__ import annotations

import io

# No matplotlib.use(...) here: a notebook importing planeval keeps its inline backend, and
# headless processes (papermill kernels without a display, workers) fall back to Agg by themselves.
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from planeval.assessment.assess import IndicatorAssessment  # noqa: E402
from planeval.assessment.path import has_path  # noqa: E402
from planeval.core.labels import label  # noqa: E402
from planeval.forecasting import ModelNotApplicable  # noqa: E402
from planeval.reporting.fonts import use_cjk_font  # noqa: E402

OKABE_ITO = {
    "observed": "#000000",
    "trend": "#0072B2",
    "fan": "#56B4E9",
    "target": "#D55E00",
    "path": "#009E73",
    "reference": "#CC79A7",
    "female": "#E69F00",
    "male": "#0072B2",
    "gap": "#999999",
}
#: Line style of each series (so that series differ by more than colour).
STYLE = {
    "trend": {"ls": "-", "lw": 1.6},
    "target": {"ls": (0, (5, 3)), "lw": 1.3},
    "path": {"ls": ":", "lw": 1.5},
    "reference": {"ls": "--", "lw": 1.0, "marker": "x", "ms": 4},
    "female": {"ls": "-", "lw": 1.5, "marker": "o", "ms": 4},
    "male": {"ls": "--", "lw": 1.5, "marker": "s", "ms": 4},
}
#: Panel size in inches and resolution: 3 panels fit the report's 1180 px column.
PANEL_SIZE = (3.7, 2.55)
DPI = 100


def _t(key: str, lang: str) -> str:
    """The wording of a chart element (``labels.yaml``, group ``chart``)."""
    return label("chart", key, lang)


def setup_style() -> None:
    """Seaborn theme with the CJK font registered (cheap to call again)."""
    family = use_cjk_font()
    sns.set_theme(style="whitegrid", font=family, rc={"axes.unicode_minus": False})


def _fit_for(result: IndicatorAssessment, seed: int | None):
    if not result.model or not result.years:
        return None
    try:
        return result.selected_fit(seed)  # with the assessment's calibration
    except ModelNotApplicable:
        return None


def fan_bounds(result: IndicatorAssessment, level: float, seed: int | None = None):
    """``(years, low, high)`` of the ``level`` forecast fan from the last observed year to the
    target year; the fan starts at the fitted value of the last observed year (width 0).

    Returns None without a model. With the assessment's seed the bounds at the target year are
    the assessment's ``pi_low``/``pi_high`` (level 0.95).
    """
    fit = _fit_for(result, seed)
    if fit is None:
        return None
    last = int(max(result.years))
    T = int(result.target_year)
    if T <= last:
        return None
    ahead = np.arange(last, T + 1)
    lo, hi = [], []
    for y in ahead:
        if y == last:
            v = float(fit.fitted([last])[0])
            lo.append(v)
            hi.append(v)
            continue
        f = fit.predict(int(y), level)
        lo.append(f.low)
        hi.append(f.high)
    return ahead, np.asarray(lo), np.asarray(hi)


def plot_indicator(
    result: IndicatorAssessment,
    ax=None,
    lang: str = "zh",
    reference: pd.Series | None = None,
    reference_label: str = "",
    levels: tuple[float, float] = (0.8, 0.95),
    trend: bool = True,
    seed: int | None = None,
    title: bool = False,
):
    """Draw one indicator's panel on ``ax`` (a new figure when None); returns the Axes.

    ``reference``: another geography's values indexed by year (dashed line with crosses).
    ``trend=False`` (annual monitoring) leaves out the fitted trend and the forecast fan.
    ``seed``: the assessment's simulation seed, so the fan matches the table's interval.
    """
    if ax is None:
        setup_style()
        _, ax = plt.subplots(figsize=PANEL_SIZE)
    years = np.asarray(result.years, int)
    values = np.asarray(result.values, float)
    T = int(result.target_year)
    if reference is not None and len(reference):
        ax.plot(
            reference.index.to_numpy(int),
            reference.to_numpy(float),
            color=OKABE_ITO["reference"],
            label=reference_label or "reference",
            **STYLE["reference"],
        )
    fit = _fit_for(result, seed) if trend else None
    if fit is not None:
        grid = np.arange(int(years.min()), T + 1)
        ax.plot(
            grid,
            fit.fitted(grid),
            color=OKABE_ITO["trend"],
            label=_t("trend", lang),
            **STYLE["trend"],
        )
        for lvl, alpha in ((levels[1], 0.20), (levels[0], 0.38)):
            fan = fan_bounds(result, lvl, seed)
            if fan is not None:
                ax.fill_between(
                    fan[0],
                    fan[1],
                    fan[2],
                    color=OKABE_ITO["fan"],
                    alpha=alpha,
                    lw=0,
                    label=_t("fan95" if lvl == levels[1] else "fan80", lang),
                )
    if result.target_sense in (">=", "<=") and result.target_level is not None:
        ax.axhline(
            result.target_level,
            color=OKABE_ITO["target"],
            label=_t("target", lang),
            **STYLE["target"],
        )
    elif result.target_sense == "band":
        ax.axhspan(
            result.band_low,
            result.band_high,
            facecolor=OKABE_ITO["target"],
            alpha=0.12,
            hatch="///",
            edgecolor=OKABE_ITO["target"],
            lw=0.6,
            label=_t("target", lang),
        )
    # the path exists only where the assessment defines one (assessment/path.py: has_path)
    if result.baseline_year and has_path(result):
        goal = result.target_value if result.target_sense == "band" else result.target_level
        ax.plot(
            [result.baseline_year, T],
            [result.baseline_value, goal],
            color=OKABE_ITO["path"],
            label=_t("path", lang),
            **STYLE["path"],
        )
    if len(years):
        ax.scatter(
            years, values, color=OKABE_ITO["observed"], s=22, zorder=5, label=_t("observed", lang)
        )
    if title:
        ax.set_title(result.name_en if lang == "en" else result.name_zh, fontsize=9)
    ax.set_xlabel("")
    ax.set_ylabel("")
    _unit_label(ax, result.unit, lang)
    first = [int(years.min())] if len(years) else []
    if result.baseline_year:
        first.append(int(result.baseline_year))
    lo_year = min(first + [T - 5])
    ax.set_xlim(lo_year - 0.5, T + 0.5)
    _readable_ylim(ax, result, levels, seed, trend, reference)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=6))
    ax.tick_params(labelsize=7.5, pad=1)
    return ax


#: The 95 % fan may widen the y axis beyond the observations, target and 80 % fan by at most
#: this share of their span on each side (a fan cut at the axis edge rather than observations
#: squeezed into a flat line).
FAN_MARGIN = 0.5


def _readable_ylim(ax, result: IndicatorAssessment, levels, seed, trend: bool, reference) -> None:
    """Y limits that keep the observations readable: the observations, target (or band), path,
    reference and the inner fan always show; the outer (95 %) fan only up to
    :data:`FAN_MARGIN` of that span beyond them. The fans are already inside the plausible
    range of the indicator (:func:`planeval.forecasting.transforms.bounds_of`)."""
    core = [float(v) for v in result.values]
    if reference is not None and len(reference):
        core += [float(v) for v in reference.to_numpy(float) if np.isfinite(v)]
    for v in (result.target_level, result.band_low, result.band_high, result.baseline_value):
        if v is not None and np.isfinite(v):
            core.append(float(v))
    if result.target_sense == "band" and result.target_value is not None:
        core.append(float(result.target_value))
    inner = fan_bounds(result, levels[0], seed) if trend else None
    if inner is not None:
        core += [float(np.min(inner[1])), float(np.max(inner[2]))]
    if not core:
        return
    lo, hi = min(core), max(core)
    span = hi - lo if hi > lo else max(abs(hi), 1.0) * 0.1
    outer = fan_bounds(result, levels[1], seed) if trend else None
    if outer is not None:
        lo = max(min(lo, float(np.min(outer[1]))), lo - FAN_MARGIN * span)
        hi = min(max(hi, float(np.max(outer[2]))), hi + FAN_MARGIN * span)
    bottom, top = ax.get_ylim()
    pad = 0.06 * (hi - lo if hi > lo else span)
    ax.set_ylim(max(bottom, lo - pad), min(top, hi + pad))


def _unit_label(ax, unit: str, lang: str) -> None:
    """The unit written upright above the y axis (a rotated CJK unit such as 个 would read
    like an arrow)."""
    if unit:
        ax.text(
            0.0,
            1.02,
            label("unit", unit, lang),
            transform=ax.transAxes,
            ha="right",
            va="bottom",
            fontsize=7.5,
            color="#333333",
        )


def indicator_figure(
    result: IndicatorAssessment,
    lang: str = "zh",
    reference: pd.Series | None = None,
    reference_label: str = "",
    trend: bool = True,
    seed: int | None = None,
):
    """One indicator's panel as its own Figure (:data:`PANEL_SIZE`); None without observations."""
    if not result.years:
        return None
    setup_style()
    fig, ax = plt.subplots(figsize=PANEL_SIZE)
    plot_indicator(
        result,
        ax=ax,
        lang=lang,
        reference=reference,
        reference_label=reference_label,
        trend=trend,
        seed=seed,
    )
    # fixed margins instead of tight_layout: same look for these small panels, a third faster
    fig.subplots_adjust(left=0.135, right=0.975, bottom=0.105, top=0.92)
    return fig


#: Series of the common legend, in order (``trend=False``: annual panels without trend and fan).
LEGEND_KINDS = ("observed", "trend", "fan80", "fan95", "target", "path")


def legend_kinds(trend: bool = True) -> list[str]:
    """The series the panels draw, in legend order (without the reference geography)."""
    return [k for k in LEGEND_KINDS if trend or k not in ("trend", "fan80", "fan95")]


def legend_text(kind: str, lang: str = "zh") -> str:
    """The legend wording of one series."""
    return _t(kind, lang)


def sex_figure(frame: pd.DataFrame, unit: str, lang: str = "zh"):
    """Female vs male values (left) and the gap female − male (right) over time.

    ``frame``: index year, columns ``female`` and ``male`` (floats, NaN where missing).
    """
    setup_style()
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(7.4, 2.5))
    years = frame.index.to_numpy(int)
    for sex in ("female", "male"):
        if sex in frame:
            ax1.plot(
                years,
                frame[sex].to_numpy(float),
                color=OKABE_ITO[sex],
                label=label("sex", sex, lang),
                **STYLE[sex],
            )
    ax1.set_title(_t("values", lang), fontsize=9)
    _unit_label(ax1, unit, lang)
    ax1.legend(fontsize=7.5, frameon=True, loc="best")
    gap = frame.get("female") - frame.get("male")
    ax2.bar(
        years, gap.to_numpy(float), color=OKABE_ITO["gap"], edgecolor="#333", hatch="//", width=0.6
    )
    ax2.axhline(0, color="#333", lw=0.8)
    ax2.set_title(_t("gap", lang), fontsize=9)
    for ax in (ax1, ax2):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=6))
        ax.tick_params(labelsize=7.5)
    fig.tight_layout(pad=0.4)
    return fig


def figure_png(fig, dpi: int = DPI) -> bytes:
    """The figure as PNG bytes at ``dpi``; closes the figure."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    plt.close(fig)
    return buf.getvalue()


def status_heatmap(counts: pd.DataFrame):
    """Heatmap of target counts (rows: domains, columns: statuses), the count written in each
    cell (so the colour only doubles the number). Returns the Figure, or None when empty."""
    if counts.empty:
        return None
    setup_style()
    n_rows, n_cols = counts.shape
    fig, ax = plt.subplots(figsize=(1.15 * n_cols + 1.6, 0.36 * n_rows + 0.9))
    sns.heatmap(
        counts,
        annot=True,
        fmt="d",
        cmap="Blues",
        cbar=False,
        linewidths=0.6,
        linecolor="#dddddd",
        ax=ax,
        annot_kws={"fontsize": 9},
        vmax=max(int(counts.to_numpy().max()), 1) * 1.6,
    )
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.xaxis.tick_top()
    ax.tick_params(axis="x", labelrotation=0, labelsize=8.5, length=0)
    ax.tick_params(axis="y", labelrotation=0, labelsize=8.5, length=0)
    fig.tight_layout(pad=0.3)
    return fig
