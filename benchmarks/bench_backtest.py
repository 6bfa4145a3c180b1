"""Backtest of the trend models on the real national series, and assessment throughput.

For each cut-off year (2019, 2020, 2021) every national series (``data/observations/china``,
sex ``total``) with at least 3 values up to the cut-off and at least one later value is fitted
on the data up to the cut-off and forecast for every later observed year. Methods:

* ``planeval``  — the assessment's forecast (``forecast.rule: default``: the drift model), its
  median forecast and its own (uncalibrated) 80 % / 95 % prediction intervals;
* ``cagr_2pt``  — two-endpoint CAGR extrapolation (Eurostat / Open SDG style): first and last
  value up to the cut-off, ``y_last · (1 + CAGR) ** h``; positive series only;
* ``escap_wls`` — ESCAP-style time-weighted linear regression (weights 1..n),
  :func:`planeval.assessment.agency.escap_weighted_forecast`;
* ``ols``       — plain OLS straight line on all points, with its classical prediction interval.

Two ablations show why the default is what it is (docs/method.md §3): ``old_selection`` (the
per-series contest by leave-future-out error, ``forecast.rule: selection``, used before issue
20) and ``loo_select`` (the first version's rule: leave-one-out error, simplest model first, a
more complex one must cut the error by more than 10 %; candidates mean / linear / log-linear /
logit, without drift and damped).

Printed per method: MAE (indicator units, pooled over all forecasts), MASE (each error divided
by the series' in-sample naive one-step MAE, mean |Δy / Δt| over consecutive training values,
then averaged), empirical coverage of the 80 % and 95 % intervals (n/a for point rules), and
the share of right attainment verdicts: for every plan target with a numeric level (both
plans; maintain targets judged year by year) and every later observed year, "met" predicted
(planeval: P(met) ≥ 0.5; point rules: the point forecast meets the target) against "met"
observed. Also the Brier score of planeval's probabilities on the same verdicts, errors by
horizon, and the time to assess every target of both plans.

Run: ``.venv/bin/python benchmarks/bench_backtest.py`` (``make bench``). Prints, asserts nothing.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from planeval.assessment import agency  # noqa: E402
from planeval.assessment.assess import _target_level, assess  # noqa: E402
from planeval.core.settings import load_settings  # noqa: E402
from planeval.forecasting import (  # noqa: E402
    COMPLEXITY,
    MODEL_ORDER,
    ModelNotApplicable,
    bounded_alternative,
    fit_model,
    loo_error,
    select_model,
)
from planeval.intake.observations import load_observations, series_for  # noqa: E402
from planeval.plans.catalogue import load_plan  # noqa: E402

DATA = ROOT / "data"
CUTOFFS = (2019, 2020, 2021)
METHODS = ("planeval", "cagr_2pt", "escap_wls", "ols")
ABLATIONS = ("old_selection", "loo_select")
PLANS = ("children", "women")


def naive_scale(years: np.ndarray, values: np.ndarray) -> float:
    """In-sample naive one-step MAE per year: mean |Δy / Δt| over consecutive values."""
    steps = np.abs(np.diff(values)) / np.diff(years)
    return float(np.mean(steps)) if len(steps) else float("nan")


def loo_select(sel, years, values, unit: str, margin: float) -> str:
    """The first version's rule (ablation): LOO error, simplest first, +10 % margin."""
    names = [m for m in sel.fits if m not in ("drift", "damped")]
    names = [m for m in names if not bounded_alternative(m, unit, values)]
    errors = {m: loo_error(years, values, m, unit) for m in names}
    best = None
    for m in sorted(names, key=lambda k: (COMPLEXITY[k], MODEL_ORDER.index(k))):
        if not np.isfinite(errors[m]):
            continue
        if best is None:
            best = m
        elif COMPLEXITY[m] == COMPLEXITY[best]:
            best = m if errors[m] < errors[best] else best
        elif errors[m] < errors[best] * (1 - margin):
            best = m
    return best or "mean"


def numeric_targets() -> dict[str, list]:
    """indicator_id -> targets with a numeric level (relative_change needs its base year)."""
    out: dict[str, list] = {}
    for name in PLANS:
        plan = load_plan(name, DATA)
        for t in plan.targets:
            if t.target_type in (
                "at_least",
                "at_most",
                "about",
                "count_at_least",
                "maintain_at_least",
                "maintain_at_most",
                "relative_change",
            ):
                out.setdefault(t.indicator_id, []).append((name, t))
    return out


def meets(value: float, level: float, sense: str, band) -> bool:
    if sense == ">=":
        return value >= level - 1e-9
    if sense == "<=":
        return value <= level + 1e-9
    return band[0] - 1e-9 <= value <= band[1] + 1e-9


def p_meets(fit, year: int, level: float, sense: str, band) -> float:
    if sense == ">=":
        return fit.prob_at_least(year, level)
    if sense == "<=":
        return fit.prob_at_most(year, level)
    return max(0.0, fit.prob_at_least(year, band[0]) - fit.prob_at_least(year, band[1]))


def backtest(obs: pd.DataFrame, settings: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rows of forecast errors (one per method, series, cut-off, later year) and verdicts."""
    fc = settings["forecast"]
    targets = numeric_targets()
    units = obs.groupby("indicator_id")["unit"].first().to_dict()
    rows, verdicts = [], []
    for ind in sorted(obs["indicator_id"].unique()):
        s = series_for(obs, ind)
        unit = units[ind]
        for cut in CUTOFFS:
            train, test = s[s.index <= cut], s[s.index > cut]
            if len(train) < 3 or not len(test):
                continue
            ty, tv = train.index.to_numpy(int), train.to_numpy(float)
            scale = naive_scale(ty, tv)
            try:
                sel = select_model(
                    ty,
                    tv,
                    int(test.index.max()),
                    unit,
                    fc["tie_margin"],
                    fc["main_level"],
                    seed=fc["seed"],
                    n_draws=int(fc["n_draws"]),
                    rule="selection",
                )
            except ModelNotApplicable:
                continue
            model_fits = {
                "planeval": sel.fits["drift"],
                "old_selection": sel.fits[sel.model],
                "loo_select": sel.fits[loo_select(sel, ty, tv, unit, fc["tie_margin"])],
            }
            ols = fit_model(ty, tv, "linear", "")
            growth = agency.cagr(tv[0], tv[-1], int(ty[0]), int(ty[-1]))
            for year, actual in test.items():
                h = int(year) - int(ty[-1])
                preds = {}
                for name, fit in model_fits.items():
                    f95, f80 = fit.predict(int(year), 0.95), fit.predict(int(year), 0.80)
                    preds[name] = (f95.value, (f80.low, f80.high), (f95.low, f95.high))
                preds["cagr_2pt"] = (
                    (tv[-1] * (1 + growth) ** h, None, None) if growth is not None else None
                )
                preds["escap_wls"] = (agency.escap_weighted_forecast(ty, tv, int(year)), None, None)
                o95, o80 = ols.predict(int(year), 0.95), ols.predict(int(year), 0.80)
                preds["ols"] = (o95.value, (o80.low, o80.high), (o95.low, o95.high))
                for method, pred in preds.items():
                    if pred is None or pred[0] is None:
                        continue
                    point, i80, i95 = pred
                    err = abs(point - actual)
                    rows.append(
                        {
                            "method": method,
                            "indicator_id": ind,
                            "cutoff": cut,
                            "year": int(year),
                            "h": h,
                            "n_train": len(tv),
                            "model": model_fits[method].model if method in model_fits else method,
                            "forecast": point,
                            "actual": float(actual),
                            "abs_error": err,
                            "scaled_error": err / scale if scale > 0 else np.nan,
                            "in80": None if i80 is None else bool(i80[0] <= actual <= i80[1]),
                            "in95": None if i95 is None else bool(i95[0] <= actual <= i95[1]),
                        }
                    )
                for plan_name, target in targets.get(ind, []):
                    base = None
                    if target.target_type == "relative_change":
                        if target.baseline_year not in train.index:
                            continue
                        base = float(train[target.baseline_year])
                    level, sense, band, _ = _target_level(target, base)
                    if level is None:
                        continue
                    observed = meets(float(actual), level, sense, band)
                    for method, pred in preds.items():
                        if pred is None or pred[0] is None:
                            continue
                        if method in model_fits:
                            p = p_meets(model_fits[method], int(year), level, sense, band)
                            said = p >= 0.5
                        else:
                            p, said = np.nan, meets(pred[0], level, sense, band)
                        verdicts.append(
                            {
                                "method": method,
                                "plan": plan_name,
                                "indicator_id": ind,
                                "cutoff": cut,
                                "year": int(year),
                                "observed_met": observed,
                                "predicted_met": said,
                                "p": p,
                                "right": said == observed,
                            }
                        )
    return pd.DataFrame(rows), pd.DataFrame(verdicts)


def fmt(x, pct=False) -> str:
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return "n/a"
    return f"{100 * x:.0f} %" if pct else f"{x:.3f}"


def summary_table(err: pd.DataFrame, ver: pd.DataFrame) -> Table:
    table = Table(
        title="Backtest on the national series: fit up to 2019 / 2020 / 2021, "
        "forecast the later observed years"
    )
    for col in (
        "method",
        "forecasts",
        "MAE",
        "MASE",
        "cover 80 %",
        "cover 95 %",
        "verdicts",
        "verdict right",
        "Brier",
    ):
        table.add_column(col, justify="left" if col == "method" else "right")
    for m in METHODS + ABLATIONS:
        e = err[err["method"] == m]
        v = ver[ver["method"] == m] if len(ver) else ver
        cov80 = e["in80"].dropna().astype(float).mean() if e["in80"].notna().any() else None
        cov95 = e["in95"].dropna().astype(float).mean() if e["in95"].notna().any() else None
        brier = (
            ((v["p"] - v["observed_met"].astype(float)) ** 2).mean()
            if v["p"].notna().any()
            else None
        )
        if m == ABLATIONS[0]:
            table.add_section()
        table.add_row(
            m + (" (ablation)" if m in ABLATIONS else ""),
            str(len(e)),
            fmt(e["abs_error"].mean()),
            fmt(e["scaled_error"].mean()),
            fmt(cov80, True),
            fmt(cov95, True),
            str(len(v)),
            fmt(v["right"].astype(float).mean(), True) if len(v) else "n/a",
            fmt(brier),
        )
    return table


def same_cases(err: pd.DataFrame) -> pd.DataFrame:
    """Keep only forecasts that every method made (CAGR needs positive values)."""
    err = err[err["method"].isin(METHODS)]
    key = ["indicator_id", "cutoff", "year"]
    counts = err.groupby(key)["method"].transform("nunique")
    return err[counts == len(METHODS)]


def horizon_table(err: pd.DataFrame) -> Table:
    table = Table(title="MAE (MASE) by forecast horizon, same forecasts for every method")
    table.add_column("horizon (years)")
    for m in METHODS:
        table.add_column(m, justify="right")
    table.add_column("forecasts", justify="right")
    for h, g in err.groupby(err["h"].clip(upper=4)):
        label = f"{h}" if h < 4 else "4+"
        cells = []
        for m in METHODS:
            e = g[g["method"] == m]
            cells.append(f"{e['abs_error'].mean():.3f} ({e['scaled_error'].mean():.2f})")
        table.add_row(label, *cells, str(len(g) // len(METHODS)))
    return table


def cutoff_table(err: pd.DataFrame) -> Table:
    table = Table(title="planeval by cut-off year: models chosen and interval coverage")
    for col in (
        "cut-off",
        "series",
        "forecasts",
        "models chosen",
        "MAE",
        "cover 80 %",
        "cover 95 %",
    ):
        table.add_column(col, justify="right" if col not in ("models chosen",) else "left")
    ours = err[err["method"] == "planeval"]
    for cut, g in ours.groupby("cutoff"):
        chosen = g.drop_duplicates("indicator_id")["model"].value_counts()
        table.add_row(
            str(cut),
            str(g["indicator_id"].nunique()),
            str(len(g)),
            ", ".join(f"{k} {v}" for k, v in chosen.items()),
            fmt(g["abs_error"].mean()),
            fmt(g["in80"].astype(float).mean(), True),
            fmt(g["in95"].astype(float).mean(), True),
        )
    return table


def timing(settings: dict, repeats: int = 3) -> tuple[float, float, float, int]:
    """Median wall time (s) to load and assess both plans with data up to 2024, of the
    assessment step alone, and its CPU time; number of targets."""
    totals, steps, cpu, n = [], [], [], 0
    for _ in range(repeats):
        c0 = time.process_time()
        t0 = time.perf_counter()
        obs = load_observations(DATA, "china", up_to_year=2024)
        n = 0
        t1 = time.perf_counter()
        for name in PLANS:
            plan = load_plan(name, DATA)
            a = assess(plan, obs, 2024, geography="china", settings=settings)
            n += len(a.results)
        t2 = time.perf_counter()
        cpu.append(time.process_time() - c0)
        totals.append(t2 - t0)
        steps.append(t2 - t1)
    return statistics.median(totals), statistics.median(steps), statistics.median(cpu), n


def main() -> None:
    warnings.simplefilter("ignore")
    console = Console(width=140)
    settings = load_settings(DATA)
    obs = load_observations(DATA, "china")
    obs = obs[obs["sex"] == "total"]
    err, ver = backtest(obs, settings)
    console.print(summary_table(err, ver))
    console.print(
        f"{err[err.method == 'planeval'].groupby(['indicator_id', 'cutoff']).ngroups} series × "
        f"cut-off cases, {err.indicator_id.nunique()} indicators; verdicts from "
        f"{ver.indicator_id.nunique() if len(ver) else 0} indicators with a numeric plan target "
        f"({int(ver[ver.method == 'planeval'].observed_met.sum()) if len(ver) else 0} of "
        f"{len(ver[ver.method == 'planeval']) if len(ver) else 0} observed as met)."
    )
    common = same_cases(err)
    missing = len(err[err["method"] == "planeval"]) - len(common) // len(METHODS)
    if missing:
        console.print(
            f"(the CAGR rule could not forecast {missing} cases with non-positive values; the "
            "horizon table uses only forecasts every method made)"
        )
    console.print(horizon_table(common))
    console.print(cutoff_table(err))
    total, step, cpu, n = timing(settings)
    console.print(
        f"Time to assess all {n} targets of both plans (china, data to 2024): {total:.2f} s wall "
        f"including loading the observations, {step:.2f} s for the assessment itself, "
        f"{cpu:.2f} s CPU (median of 3 runs; the first run fits and caches the ETS models; "
        f"machine load average {os.getloadavg()[0]:.1f})."
    )


if __name__ == "__main__":
    main()
