"""Calibration of intervals and p_attain on rolling origins over every shipped series.

Forecasts: every shipped series (sex ``total``, all geographies) with at least 5 values; every
forecast origin k = 3 … n − 1 (the first k values); every later observed year (all horizons).
The model is the one the assessment uses (``forecast.rule``; by default the drift model).
The head-to-head of the default against the old selection and the agencies' rules, with the
goals of issue 20, is ``bench_verdict.py``; this bench shows what the calibration does.

Printed, before and after calibration (``default`` raw / calibrated) beside the two-endpoint
CAGR rule (Eurostat / Open SDG: ``y_last · (1 + CAGR) ** h`` from the first and last training
value):

* coverage of the 80 % and 95 % intervals and their mean width (scaled by the series' naive
  one-step change, so series in ‰ and % can be pooled);
* MASE of the median forecast (each error ÷ the training data's mean |Δy / Δt|);
* Brier score and log score (natural log, p clipped to [0.001, 0.999]) of ``p_attain`` — the
  probability that the forecast year meets each numeric plan target of the indicator — against
  the realised attainment (point rules: p is 1 when the point forecast meets the target, else
  0);
* a reliability diagram of p_attain, raw and calibrated (``build/bench/reliability.png``).

Honesty: a forecast made at origin year Y is calibrated with the table of cut-off Y, estimated
only from panel errors of observations made by Y (:mod:`planeval.forecasting.calibration`); a
forecast with no such table (origins before the panel has ``min_errors`` errors) stays raw.

Run: ``.venv/bin/python benchmarks/bench_calibration.py`` (``make bench``). Prints, asserts
nothing.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from planeval.assessment import agency  # noqa: E402
from planeval.assessment.rules import target_level  # noqa: E402
from planeval.core.settings import load_settings  # noqa: E402
from planeval.forecasting import ModelNotApplicable  # noqa: E402
from planeval.forecasting.calibration import estimate_tables  # noqa: E402
from planeval.forecasting.panel import panel_forecasts, shipped_series  # noqa: E402
from planeval.plans.catalogue import load_plan  # noqa: E402

DATA = ROOT / "data"
OUT = ROOT / "build" / "bench"
MIN_VALUES = 5
NUMERIC = ("at_least", "at_most", "about", "count_at_least", "maintain_at_least")
NUMERIC += ("maintain_at_most", "relative_change")
METHODS = ("default raw", "default calibrated", "cagr_2pt")


def plan_targets() -> dict[str, list]:
    """indicator_id -> the numeric targets of both plans."""
    out: dict[str, list] = {}
    for name in ("children", "women"):
        for t in load_plan(name, DATA).targets:
            if t.target_type in NUMERIC:
                out.setdefault(t.indicator_id, []).append(t)
    return out


def meets(value: float, lv) -> bool:
    if lv.sense == ">=":
        return value >= lv.level - 1e-9
    if lv.sense == "<=":
        return value <= lv.level + 1e-9
    return lv.band[0] - 1e-9 <= value <= lv.band[1] + 1e-9


def p_meets(fit, year: int, lv) -> float:
    if lv.sense == ">=":
        return fit.prob_at_least(year, lv.level)
    if lv.sense == "<=":
        return fit.prob_at_most(year, lv.level)
    return max(0.0, fit.prob_at_least(year, lv.band[0]) - fit.prob_at_least(year, lv.band[1]))


def levels_of(indicator: str, targets: dict, ty, tv) -> list:
    """The numeric levels of the indicator's targets (relative change: base year in training)."""
    out = []
    for t in targets.get(indicator, []):
        base = None
        if t.target_type == "relative_change":
            if t.baseline_year not in ty.tolist():
                continue
            base = float(tv[ty.tolist().index(t.baseline_year)])
        lv = target_level(t, base)
        if lv.level is not None:
            out.append(lv)
    return out


def score_forecast(f, series, tables, targets, settings) -> tuple[list, list]:
    """Rows of interval/point scores and of p_attain verdicts for one panel forecast."""
    years, values, unit = series[f.series_id]
    ty, tv = years[: f.n_train], values[: f.n_train]
    naive = float(np.mean(np.abs(np.diff(tv)) / np.diff(ty)))
    naive = naive if naive > 0 else float("nan")
    table = tables.get(f.origin_year)
    fits = {"default raw": f.fit, "default calibrated": f.fit}
    rows, verdicts = [], []
    growth = agency.cagr(tv[0], tv[-1], int(ty[0]), int(ty[-1]))
    lvs = levels_of(f.series_id.split("/", 1)[1], targets, ty, tv)
    for method in METHODS:
        fit = fits.get(method)
        if method == "cagr_2pt":
            if growth is None:
                continue
            point, i80, i95 = tv[-1] * (1 + growth) ** f.horizon, None, None
        else:
            fit.calibration = table if method == "default calibrated" else None
            f80, f95 = fit.predict(f.year, 0.80), fit.predict(f.year, 0.95)
            point, i80, i95 = f95.value, (f80.low, f80.high), (f95.low, f95.high)
        rows.append(
            {
                "method": method,
                "calibrated": table is not None,
                "h": f.horizon,
                "scaled_error": abs(point - f.actual) / naive,
                "in80": None if i80 is None else i80[0] <= f.actual <= i80[1],
                "in95": None if i95 is None else i95[0] <= f.actual <= i95[1],
                "width95": None if i95 is None else (i95[1] - i95[0]) / naive,
                "width80": None if i80 is None else (i80[1] - i80[0]) / naive,
            }
        )
        for lv in lvs:
            p = float(meets(point, lv)) if fit is None else p_meets(fit, f.year, lv)
            met = meets(f.actual, lv)
            verdicts.append({"method": method, "p": p, "met": met, "calibrated": bool(table)})
        if fit is not None:
            fit.calibration = None
    return rows, verdicts


def evaluate(panel, series, tables, settings):
    targets = plan_targets()
    rows, verdicts = [], []
    for f in panel:
        if len(series[f.series_id][1]) < MIN_VALUES:
            continue
        try:
            r, v = score_forecast(f, series, tables, targets, settings)
        except ModelNotApplicable:
            continue
        rows += r
        verdicts += v
    return pd.DataFrame(rows), pd.DataFrame(verdicts)


def _mean(x) -> float:
    x = pd.Series(x).dropna()
    return float(x.astype(float).mean()) if len(x) else float("nan")


def summary(err: pd.DataFrame, ver: pd.DataFrame, title: str) -> Table:
    table = Table(title=title)
    cols = ("method", "forecasts", "cover 80 %", "cover 95 %", "width 80", "width 95")
    for col in cols + ("MASE", "verdicts", "Brier", "log score"):
        table.add_column(col, justify="left" if col == "method" else "right")
    for m in METHODS:
        e, v = err[err.method == m], ver[ver.method == m] if len(ver) else ver
        p = np.clip(v["p"].astype(float), 0.001, 0.999) if len(v) else pd.Series(dtype=float)
        met = v["met"].astype(float) if len(v) else pd.Series(dtype=float)
        brier = float(((v["p"] - met) ** 2).mean()) if len(v) else float("nan")
        logs = float(-(met * np.log(p) + (1 - met) * np.log(1 - p)).mean()) if len(v) else np.nan
        table.add_row(
            m,
            str(len(e)),
            f"{100 * _mean(e.in80):.0f} %" if e.in80.notna().any() else "n/a",
            f"{100 * _mean(e.in95):.0f} %" if e.in95.notna().any() else "n/a",
            f"{_mean(e.width80):.2f}" if e.width80.notna().any() else "n/a",
            f"{_mean(e.width95):.2f}" if e.width95.notna().any() else "n/a",
            f"{_mean(e.scaled_error):.3f}",
            str(len(v)),
            f"{brier:.4f}",
            f"{logs:.4f}",
        )
    return table


def reliability_png(ver: pd.DataFrame, path: Path) -> None:
    """Reliability diagram: mean p_attain against the share met, in ten bins of p."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 5))
    ax.plot([0, 1], [0, 1], color="grey", lw=1, ls="--", label="perfect")
    for method, marker in (("default raw", "o"), ("default calibrated", "s")):
        v = ver[ver.method == method]
        bins = np.clip((v["p"].astype(float) * 10).astype(int), 0, 9)
        g = v.assign(bin=bins).groupby("bin")
        ax.plot(g["p"].mean(), g["met"].mean(), marker=marker, label=f"{method} (n={len(v)})")
    ax.set_xlabel("p_attain (mean in bin)")
    ax.set_ylabel("share of targets met")
    ax.set_title("Reliability of p_attain, rolling origins")
    ax.legend(loc="lower right")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)


def main() -> None:
    warnings.simplefilter("ignore")
    console = Console(width=140)
    settings = load_settings(DATA)
    cfg = settings["calibration"]
    series = shipped_series(DATA)
    panel = panel_forecasts(series, settings["forecast"])
    tables = {t.cutoff: t for t in estimate_tables(panel, cfg) if t.cells}
    # a forecast made at origin Y uses the latest table with cut-off <= Y
    by_origin = {}
    for f in panel:
        usable = [y for y in tables if y <= f.origin_year]
        by_origin[f.origin_year] = tables[max(usable)] if usable else None
    err, ver = evaluate(panel, series, by_origin, settings)
    n_series = len({f.series_id for f in panel if len(series[f.series_id][1]) >= MIN_VALUES})
    title = (
        f"Rolling origins, {n_series} series with ≥ {MIN_VALUES} values, all horizons "
        f"(panel: {len(panel)} forecasts from {len({f.series_id for f in panel})} series)"
    )
    console.print(summary(err, ver, title))
    console.print(
        summary(
            err[err.calibrated],
            ver[ver.calibrated],
            "Only the forecasts that had a calibration table (origin after the panel filled one)",
        )
    )
    by_h = Table(title="Coverage of the 95 % interval by horizon: raw → calibrated")
    for col in ("horizon", "forecasts", "raw 80 %", "calibrated 80 %", "raw 95 %", "cal. 95 %"):
        by_h.add_column(col, justify="right")
    for h, g in err.groupby(err.h.clip(upper=5)):
        raw, calib = g[g.method == "default raw"], g[g.method == "default calibrated"]
        by_h.add_row(
            f"{h}" if h < 5 else "5+",
            str(len(raw)),
            f"{100 * _mean(raw.in80):.0f} %",
            f"{100 * _mean(calib.in80):.0f} %",
            f"{100 * _mean(raw.in95):.0f} %",
            f"{100 * _mean(calib.in95):.0f} %",
        )
    console.print(by_h)
    png = OUT / "reliability.png"
    reliability_png(ver, png)
    console.print(f"Reliability diagram written to {png.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
