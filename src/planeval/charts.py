"""Charts: one panel per indicator with observations, fitted trend, forecast fan to the target
year, the target line or band and the straight baseline-to-target path.

Palette: Okabe & Ito (2008), safe for the common colour-vision deficiencies; every series also
differs by marker or line style so nothing depends on colour alone.
"""

from __future__ import annotations

import base64
import html
import io
import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

from .assessment import IndicatorAssessment  # noqa: E402
from .fonts import use_cjk_font  # noqa: E402
from .labels import label  # noqa: E402
from .models import ModelNotApplicable, fit_model  # noqa: E402

OKABE_ITO = {
    "observed": "#000000",
    "trend": "#0072B2",
    "fan": "#56B4E9",
    "target": "#D55E00",
    "path": "#009E73",
    "reference": "#CC79A7",
    "female": "#E69F00",
    "male": "#0072B2",
}
TEXT = {
    "observed": {"zh": "观测值", "en": "observed"},
    "trend": {"zh": "趋势与预测", "en": "trend and forecast"},
    "fan80": {"zh": "80% 预测区间", "en": "80% prediction interval"},
    "fan95": {"zh": "95% 预测区间", "en": "95% prediction interval"},
    "target": {"zh": "目标", "en": "target"},
    "path": {"zh": "基期至目标路径", "en": "baseline-to-target path"},
    "year": {"zh": "年份", "en": "year"},
}


def _t(key: str, lang: str) -> str:
    return TEXT[key]["en" if lang == "en" else "zh"]


def setup_style() -> None:
    """Seaborn theme with the CJK font registered (call once per process)."""
    family = use_cjk_font()
    sns.set_theme(style="whitegrid", font=family, rc={"axes.unicode_minus": False})


def plot_indicator(
    result: IndicatorAssessment,
    ax=None,
    lang: str = "zh",
    reference: pd.Series | None = None,
    reference_label: str = "",
    levels: tuple[float, float] = (0.8, 0.95),
    legend: bool = True,
):
    """Draw one indicator's panel on ``ax`` (a new figure when None); returns the Axes.

    ``reference``: values of another geography indexed by year (e.g. the national series),
    drawn as a dashed line.
    """
    if ax is None:
        setup_style()
        _, ax = plt.subplots(figsize=(5, 3.4))
    years = np.asarray(result.years, int)
    values = np.asarray(result.values, float)
    T = result.target_year
    if reference is not None and len(reference):
        ax.plot(reference.index, reference.to_numpy(float), ls="--", marker="x", ms=4, lw=1,
                color=OKABE_ITO["reference"], label=reference_label or "reference")
    if result.model and len(years):
        try:
            fit = fit_model(years, values, result.model, result.unit)
        except ModelNotApplicable:
            fit = None
        if fit is not None:
            grid = np.arange(years.min(), T + 1)
            ax.plot(grid, fit.fitted(grid) if fit._ets is None else _ets_path(fit, grid),
                    color=OKABE_ITO["trend"], lw=1.6, label=_t("trend", lang))
            ahead = np.arange(years.max(), T + 1)
            for lvl, alpha in ((levels[1], 0.18), (levels[0], 0.32)):
                lo, hi = [], []
                for y in ahead:
                    if y == years.max():
                        lo.append(values[-1])
                        hi.append(values[-1])
                        continue
                    f = fit.predict(int(y), lvl)
                    lo.append(f.low)
                    hi.append(f.high)
                ax.fill_between(ahead, lo, hi, color=OKABE_ITO["fan"], alpha=alpha, lw=0,
                                label=_t("fan95" if lvl == levels[1] else "fan80", lang))
    if len(years):
        sns.scatterplot(x=years, y=values, ax=ax, color=OKABE_ITO["observed"], s=28, zorder=5,
                        label=_t("observed", lang))
    if result.target_sense in (">=", "<="):
        ax.axhline(result.target_level, color=OKABE_ITO["target"], ls=(0, (5, 3)), lw=1.3,
                   label=f"{_t('target', lang)} {result.target_sense} {_fmt(result.target_level)}")
    elif result.target_sense == "band":
        ax.axhspan(result.band_low, result.band_high, color=OKABE_ITO["target"], alpha=0.12, hatch="//",
                   label=f"{_t('target', lang)} {_fmt(result.band_low)}–{_fmt(result.band_high)}")
    if result.baseline_value is not None and result.target_level is not None and result.baseline_year:
        goal = result.target_value if result.target_sense == "band" else result.target_level
        ax.plot([result.baseline_year, T], [result.baseline_value, goal], ls=":", lw=1.4,
                color=OKABE_ITO["path"], label=_t("path", lang))
    ax.set_title(_wrap(result.name_en if lang == "en" else result.name_zh), fontsize=10)
    ax.set_xlabel("")
    ax.set_ylabel(result.unit, fontsize=9)
    lo_year = min([*years.tolist(), T]) if len(years) else T - 5
    ax.set_xlim(lo_year - 0.5, T + 0.5)
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True, nbins=6))
    ax.tick_params(labelsize=8)
    if legend:
        ax.legend(fontsize=7, loc="best", frameon=True)
    elif ax.get_legend():
        ax.get_legend().remove()
    return ax


def _ets_path(fit, grid):
    return fit.fitted(grid)


def _wrap(text: str, width: int = 22) -> str:
    if len(text) <= width:
        return text
    return text[:width] + "\n" + text[width : 2 * width] + ("…" if len(text) > 2 * width else "")


def _fmt(x: float | None) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    return f"{x:.4g}"


def small_multiples(results: list[IndicatorAssessment], lang: str = "zh", ncols: int = 3,
                    references: dict[str, pd.Series] | None = None, reference_label: str = ""):
    """A grid of :func:`plot_indicator` panels, one per result; returns the Figure (or None)."""
    results = [r for r in results if r.years]
    if not results:
        return None
    setup_style()
    n = len(results)
    ncols = min(ncols, n)
    nrows = math.ceil(n / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.1 * ncols, 3.2 * nrows), squeeze=False)
    for ax, r in zip(axes.flat, results):
        ref = (references or {}).get(r.indicator_id)
        plot_indicator(r, ax=ax, lang=lang, reference=ref, reference_label=reference_label, legend=False)
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    handles, labels_ = {}, []
    for ax in axes.flat:
        for h, lab in zip(*ax.get_legend_handles_labels()):
            key = lab.split(" ")[0] if lab.startswith(_t("target", lang)) else lab
            if key not in handles:
                handles[key] = h
                labels_.append(key)
    fig.legend([handles[k] for k in labels_], labels_, loc="lower center", ncol=min(len(labels_), 6),
               fontsize=8, frameon=False)
    fig.tight_layout(rect=(0, 0.06 if nrows == 1 else 0.03, 1, 1))
    return fig


def figure_html(fig, alt: str, caption: str = "", dpi: int = 90) -> str:
    """The figure as an embedded PNG ``<figure>`` with alt text (escaped); closes the figure."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    cap = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
    return (f'<figure><img alt="{html.escape(alt, quote=True)}" '
            f'src="data:image/png;base64,{data}"/>{cap}</figure>')


def status_label(status: str, lang: str) -> str:
    return label("status", status, lang)


STATUS_COLOURS = ["#0072B2", "#009E73", "#E69F00", "#D55E00", "#999999", "#CCCCCC"]


def status_heatmap(counts: pd.DataFrame, lang: str = "zh"):
    """Heatmap of target counts (rows: domains, columns: statuses) with the count in each cell."""
    if counts.empty:
        return None
    setup_style()
    fig, ax = plt.subplots(figsize=(1.3 * counts.shape[1] + 2.2, 0.42 * counts.shape[0] + 1.4))
    sns.heatmap(counts, annot=True, fmt="d", cmap="Blues", cbar=False, linewidths=0.5, linecolor="#ddd", ax=ax)
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.tick_params(axis="x", labelrotation=0, labelsize=9)
    ax.tick_params(axis="y", labelrotation=0, labelsize=9)
    fig.tight_layout()
    return fig
