"""Verdict bench (issue 20): the new default forecast against drift alone, the old per-series
selection and the agencies' point rules, on the same rolling-origin forecasts.

Cases: every shipped series (``data/observations/*``, sex ``total``) with at least 4 values —
the national series (``china``, ``baijiantan``) and, separately, the provincial panel (the
provinces and cities of ``data/geographies.yaml``, built from ``../shared/data/provinces/`` by
``scripts/build_provincial_observations.py``). Every forecast origin k = 3 … n − 1 (the first k
values) forecasts every later observed year (all horizons). Verdicts: every numeric target level
of the indicator in any plan of ``data/plans`` (distinct levels once), judged in each forecast
year: ``p`` = the probability that the year's value meets the level, against whether it did.

Methods (the same cases for all):

* ``default``       — the assessment's forecast: drift on the natural scale, spread calibrated
  with the table a forecast at origin Y would have had (cut-off ≤ Y, from the panel of default
  forecasts, factors ≥ 1 and never decreasing with the horizon), plausible range of rates;
* ``drift alone``   — the drift model's own predictive distribution (no calibration);
* ``old selection`` — ``forecast.rule: selection`` with its own calibration as it shipped
  before issue 20 (panel of selected forecasts, factors within [0.25, 20], each horizon its own
  factor; the plausible range of rates applies to it too);
* ``cagr_2pt``      — two-endpoint CAGR (Eurostat / Open SDG): first and last training value,
  ``y_last · (1 + CAGR) ** h``; p is 1 when the point meets the level, else 0;
* ``escap``         — ESCAP's time-weighted line (:func:`agency.escap_weighted_forecast`), cut
  at the same natural and plausible range as the models, p 0/1;
* ``always met``    — p = 1 for every verdict (a baseline any method must beat).

Printed: MASE (each error ÷ the training values' mean |Δy/Δt|; series with no change left
out), coverage of the 80 % and 95 % intervals, Brier score, log score (natural log, p clipped
to [0.001, 0.999]), the confident wrong verdicts (p < 0.05 for a level later met, p > 0.95 for
one later missed), a reliability table (bins of p: cases, mean p, share met), and which goals
of issue 20 are met. The method was fixed before this bench first scored it (docs/method.md
§3); nothing here feeds back into a setting.

Run: ``.venv/bin/python benchmarks/bench_verdict.py`` (``make bench``). Prints, asserts nothing.
"""

from __future__ import annotations

import copy
import dataclasses
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from planeval.assessment import agency  # noqa: E402
from planeval.assessment.rules import target_level  # noqa: E402
from planeval.core.settings import load_settings  # noqa: E402
from planeval.forecasting import transforms as tf  # noqa: E402
from planeval.forecasting.calibration import estimate_tables  # noqa: E402
from planeval.forecasting.panel import panel_forecasts, shipped_series  # noqa: E402
from planeval.plans.loading import load_all_plans  # noqa: E402

DATA = ROOT / "data"
NUMERIC = ("at_least", "at_most", "about", "count_at_least", "maintain_at_least")
NUMERIC += ("maintain_at_most", "relative_change")
MODELS = ("default", "drift alone", "old selection")
RULES = ("cagr_2pt", "escap", "always met")
METHODS = MODELS + RULES
#: The calibration settings of the old selection as shipped before issue 20.
OLD_MIN_FACTOR = 0.25
BINS = (0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0000001)


def provincial_geographies() -> set[str]:
    """Codes of the provinces and cities in ``data/geographies.yaml``."""
    raw = yaml.safe_load((DATA / "geographies.yaml").read_text(encoding="utf-8"))
    return {g["code"] for g in raw["geographies"] if g.get("level") in ("province", "city")}


def targets_by_indicator() -> dict[str, list]:
    """indicator_id -> the numeric targets of every plan."""
    out: dict[str, list] = {}
    for plan in load_all_plans(DATA):
        for t in plan.targets:
            if t.target_type in NUMERIC:
                out.setdefault(t.indicator_id, []).append(t)
    return out


def levels_of(targets: list, ty, tv) -> list:
    """Distinct numeric levels (relative change: its base year must be in the training data)."""
    out, seen = [], set()
    for t in targets:
        base = None
        if t.target_type == "relative_change":
            if t.baseline_year not in ty.tolist():
                continue
            base = float(tv[ty.tolist().index(t.baseline_year)])
        lv = target_level(t, base)
        key = (lv.sense, lv.level, tuple(lv.band or ()))
        if lv.level is not None and key not in seen:
            seen.add(key)
            out.append(lv)
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


def tables_by_origin(panel, cfg: dict, monotone: bool = True) -> dict:
    """origin year -> the calibration table a forecast from that year uses (cut-off ≤ origin);
    ``monotone=False``: each horizon its own factor, as before issue 20."""
    tables = {
        t.cutoff: dataclasses.replace(t, monotone=monotone)
        for t in estimate_tables(panel, cfg)
        if t.cells
    }
    out = {}
    for y in {f.origin_year for f in panel}:
        usable = [c for c in tables if c <= y]
        out[y] = tables[max(usable)] if usable else None
    return out


def point_rules(ty, tv, unit: str, year: int) -> dict:
    growth = agency.cagr(tv[0], tv[-1], int(ty[0]), int(ty[-1]))
    lower, upper = tf.bounds_of(unit, tv, "identity")
    return {
        "cagr_2pt": None if growth is None else tv[-1] * (1 + growth) ** (year - int(ty[-1])),
        "escap": agency.escap_weighted_forecast(ty, tv, year, (lower, upper)),
        "always met": None,
    }


def score(panels: dict, tables: dict, series: dict, targets: dict, provincial: set):
    """Rows of point/interval scores and of verdicts, one per method and case."""
    rows, verdicts = [], []
    old = {(f.series_id, f.n_train, f.year): f for f in panels["old selection"]}
    for f in panels["default"]:
        years, values, unit = series[f.series_id]
        ty, tv = years[: f.n_train], values[: f.n_train]
        group = "provincial" if f.series_id.split("/")[0] in provincial else "national"
        naive = float(np.mean(np.abs(np.diff(tv)) / np.diff(ty)))
        g = old[(f.series_id, f.n_train, f.year)]
        fits = {
            "default": (f.fit, tables["default"].get(f.origin_year)),
            "drift alone": (f.fit, None),
            "old selection": (g.fit, tables["old selection"].get(f.origin_year)),
        }
        points = point_rules(ty, tv, unit, f.year)
        lvs = levels_of(targets.get(f.series_id.split("/", 1)[1], []), ty, tv)
        for method in METHODS:
            fit, table = fits.get(method, (None, None))
            if fit is not None:
                fit.calibration = table
                f80, f95 = fit.predict(f.year, 0.80), fit.predict(f.year, 0.95)
                point = f95.value
                in80, in95 = f80.low <= f.actual <= f80.high, f95.low <= f.actual <= f95.high
            else:
                point, in80, in95 = points[method], None, None
            rows.append(
                {
                    "method": method,
                    "group": group,
                    "h": f.horizon,
                    "scaled_error": (
                        abs(point - f.actual) / naive if point is not None and naive > 0 else None
                    ),
                    "in80": in80,
                    "in95": in95,
                }
            )
            for lv in lvs:
                if fit is not None:
                    p = p_meets(fit, f.year, lv)
                elif method == "always met":
                    p = 1.0
                elif point is None:
                    continue
                else:
                    p = float(meets(point, lv))
                verdicts.append(
                    {
                        "method": method,
                        "group": group,
                        "case": f"{f.series_id}@{f.origin_year}->{f.year}:{lv.sense}{lv.level}",
                        "p": p,
                        "met": meets(f.actual, lv),
                    }
                )
            if fit is not None:
                fit.calibration = None
    return pd.DataFrame(rows), pd.DataFrame(verdicts)


def _mean(x) -> float:
    x = pd.Series(x).dropna()
    return float(x.astype(float).mean()) if len(x) else float("nan")


def verdict_scores(v: pd.DataFrame) -> dict:
    if not len(v):
        return {"n": 0, "brier": np.nan, "log": np.nan, "wrong": 0}
    p, met = v["p"].astype(float), v["met"].astype(float)
    pc = np.clip(p, 0.001, 0.999)
    wrong = int(((p < 0.05) & (met == 1)).sum() + ((p > 0.95) & (met == 0)).sum())
    return {
        "n": len(v),
        "brier": float(((p - met) ** 2).mean()),
        "log": float(-(met * np.log(pc) + (1 - met) * np.log(1 - pc)).mean()),
        "wrong": wrong,
    }


def summary(err: pd.DataFrame, ver: pd.DataFrame, title: str) -> Table:
    table = Table(title=title)
    cols = ("method", "forecasts", "MASE", "cover 80 %", "cover 95 %", "verdicts", "Brier")
    for col in cols + ("log score", "confident wrong"):
        table.add_column(col, justify="left" if col == "method" else "right")
    for m in METHODS:
        e = err[err.method == m]
        s = verdict_scores(ver[ver.method == m] if len(ver) else ver)
        pct = lambda x: "n/a" if x.isna().all() else f"{100 * _mean(x):.0f} %"  # noqa: E731
        table.add_row(
            m,
            str(int(e.scaled_error.notna().sum())),
            "n/a" if e.scaled_error.isna().all() else f"{_mean(e.scaled_error):.3f}",
            pct(e.in80),
            pct(e.in95),
            str(s["n"]),
            f"{s['brier']:.4f}",
            f"{s['log']:.4f}",
            str(s["wrong"]),
        )
    return table


def reliability(ver: pd.DataFrame) -> Table:
    table = Table(title="Reliability of p (all cases): cases / mean p / share met, by bin of p")
    table.add_column("bin of p")
    for m in MODELS:
        table.add_column(m, justify="right")
    labels = [f"{a:.2f}–{min(b, 1):.2f}" for a, b in zip(BINS[:-1], BINS[1:], strict=True)]
    for i, label in enumerate(labels):
        cells = []
        for m in MODELS:
            v = ver[ver.method == m]
            b = v[(v.p >= BINS[i]) & (v.p < BINS[i + 1])]
            cells.append(
                f"{len(b)} / {b.p.mean():.2f} / {b.met.astype(float).mean():.2f}" if len(b) else "0"
            )
        table.add_row(label, *cells)
    return table


def goals(err: pd.DataFrame, ver: pd.DataFrame) -> list[str]:
    d, drift = err[err.method == "default"], err[err.method == "drift alone"]
    s = {m: verdict_scores(ver[ver.method == m]) for m in METHODS}
    c80, c95 = 100 * _mean(d.in80), 100 * _mean(d.in95)
    mase, mase_drift = _mean(d.scaled_error), _mean(drift.scaled_error)
    brier, cagr = s["default"]["brier"], s["cagr_2pt"]["brier"]
    said = lambda ok: "MET" if ok else "NOT MET"  # noqa: E731
    return [
        f"80 % coverage {c80:.1f} % within 75–85 %: {said(75 <= c80 <= 85)}",
        f"95 % coverage {c95:.1f} % within 90–97 %: {said(90 <= c95 <= 97)}",
        f"MASE {mase:.3f} ≤ drift alone {mase_drift:.3f}: {said(mase <= mase_drift + 1e-12)}",
        f"Brier {brier:.4f} ≤ 0.9 × two-endpoint rule's {cagr:.4f} = {0.9 * cagr:.4f}: "
        f"{said(brier <= 0.9 * cagr)}",
        f"confident wrong verdicts {s['default']['wrong']} = 0: {said(s['default']['wrong'] == 0)}",
    ]


def main() -> None:
    warnings.simplefilter("ignore")
    console = Console(width=150)
    t0 = time.perf_counter()
    settings = load_settings(DATA)
    series = {k: v for k, v in shipped_series(DATA).items() if len(v[1]) >= 4}
    old_settings = copy.deepcopy(settings)
    old_settings["forecast"]["rule"] = "selection"
    old_cfg = {**settings["calibration"], "min_factor": OLD_MIN_FACTOR}
    panels = {
        "default": panel_forecasts(series, settings["forecast"]),
        "old selection": panel_forecasts(series, old_settings["forecast"]),
    }
    tables = {
        "default": tables_by_origin(panels["default"], settings["calibration"]),
        "old selection": tables_by_origin(panels["old selection"], old_cfg, monotone=False),
    }
    provincial = provincial_geographies()
    err, ver = score(panels, tables, series, targets_by_indicator(), provincial)
    n_prov = len({s for s in series if s.split("/")[0] in provincial})
    console.print(
        f"{len(series)} series with ≥ 4 values ({n_prov} provincial), "
        f"{len(panels['default'])} rolling-origin forecasts, "
        f"{len(ver[ver.method == 'default'])} verdicts"
    )
    console.print(summary(err, ver, "All series: national and provincial"))
    for group in ("national", "provincial"):
        console.print(
            summary(err[err.group == group], ver[ver.group == group], f"{group} series only")
        )
    console.print(reliability(ver))
    wrong = ver[
        (ver.method == "default") & (((ver.p < 0.05) & ver.met) | ((ver.p > 0.95) & ~ver.met))
    ]
    for _, r in wrong.iterrows():
        console.print(f"  confident wrong (default): {r.case} p = {r.p:.3f}, met = {r.met}")
    console.print("Goals of issue 20 for the default (all series):")
    for line in goals(err, ver):
        console.print(f"  {line}")
    console.print(f"({time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main()
