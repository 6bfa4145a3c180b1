"""Calibration of the predictive spread from the panel of out-of-sample errors (:mod:`panel`).

Short series give intervals that are too sure of themselves: on the shipped data the 80 %
intervals of the selected models covered 67 % of later values and the 95 % intervals 84 %,
worse at longer horizons and with fewer values. Calibration widens (or narrows) a model's
predictive distribution by a factor ``c`` on the model scale — the median stays, the t scale
becomes ``c · scale`` (simulated models: every draw's distance from the median is multiplied
by ``c``) — so intervals, ``p_attain`` and joint draws change together and stay coherent.

``c`` is the maximum-likelihood scale of the pooled scale-free errors ``e`` of forecasts with
a similar horizon and series length under their own t distributions: it maximises
``Σ log[t_df(e / c) / c]``, the log score (a proper scoring rule) of the scaled predictive
distributions; ``c = 1`` when the models' own spread fits. Cells: horizon × number of values
(bucket edges in the settings' ``calibration`` section) with at least ``min_errors`` errors;
a forecast whose cell has fewer uses, in this order, its length bucket pooled over horizons,
its horizon bucket pooled over lengths, all errors, else no calibration (``c = 1``). ``c`` is
kept within ``[min_factor, max_factor]``.

Honesty: one table per cut-off year ``C``, estimated only from the errors of observations made
by ``C`` (each made from a forecast origin before it); an assessment with data up to year
``D`` uses the table of the latest cut-off ``≤ D``, so no error scoring a later value is used.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy import optimize, stats

#: Version of the calibration file format (``version`` in the file).
FORMAT_VERSION = 1


def scale_factor(errors, dfs, bounds=(0.25, 20.0)) -> float | None:
    """Maximum-likelihood scale ``c`` of ``errors`` under ``c · t(df)`` (one df per error),
    within ``bounds``; None without errors.

    ``errors`` exactly t(df)-distributed give ``c`` near 1; errors twice as spread, near 2.
    """
    errors, dfs = np.asarray(errors, float), np.asarray(dfs, float)
    if not len(errors):
        return None

    def negative_log_score(log_c: float) -> float:
        c = math.exp(log_c)
        return -float(np.sum(stats.t.logpdf(errors / c, dfs) - log_c))

    res = optimize.minimize_scalar(
        negative_log_score,
        bounds=(math.log(bounds[0]), math.log(bounds[1])),
        method="bounded",
        options={"xatol": 1e-6},
    )
    c = float(math.exp(res.x))
    # the bounded search stops a hair inside a bound it hits: report the bound itself
    return next((b for b in bounds if abs(c - b) <= 1e-4 * b), c)


def _bucket(value: int, edges) -> int:
    """Index of the bucket of ``value`` given ascending lower ``edges``."""
    return max(0, int(np.searchsorted(np.asarray(edges), value, side="right")) - 1)


def bucket_label(index: int, edges) -> str:
    """``"3–4"``, ``"5+"``, ``"1"``: the values of bucket ``index`` (``"all"`` for −1)."""
    if index < 0:
        return "all"
    lo = edges[index]
    if index + 1 == len(edges):
        return f"{lo}+"
    hi = edges[index + 1] - 1
    return f"{lo}" if hi == lo else f"{lo}–{hi}"


@dataclass(frozen=True)
class Cell:
    """The spread factor of one cell and the number of errors it was estimated from."""

    horizon: str
    length: str
    n_errors: int
    factor: float


@dataclass(frozen=True)
class CalibrationTable:
    """Factors by horizon × series length, estimated from errors observed by ``cutoff``.

    ``cells`` maps ``(horizon bucket, length bucket)`` to a :class:`Cell`; −1 stands for a
    bucket pooled over all values."""

    cutoff: int
    horizon_edges: tuple
    length_edges: tuple
    cells: dict = field(default_factory=dict)
    #: Factors never decrease with the horizon (False: each bucket's own, as before issue 20).
    monotone: bool = True

    def cell(self, horizon: int, n_obs: int) -> Cell | None:
        """The cell used for a forecast ``horizon`` years ahead from ``n_obs`` values (see
        the module docstring for the fall-back order); None when none is filled."""
        h = _bucket(horizon, self.horizon_edges)
        n = _bucket(n_obs, self.length_edges)
        for key in ((h, n), (-1, n), (h, -1), (-1, -1)):
            if key in self.cells:
                return self.cells[key]
        return None

    def factor(self, horizon: int, n_obs: int, key=None) -> float:
        """Spread factor of a forecast ``horizon`` years ahead from ``n_obs`` values (the same
        for every interval level and for probabilities; ``key`` is accepted for the
        :class:`~planeval.forecasting.base.TrendFit` hook); 1 without a cell.

        The largest of the factors of this horizon's bucket and of every shorter one, so that
        an interval never narrows as the years since the last value grow (cells estimated
        from few errors are not monotone: 1.87 for 2 years ahead and 1.41 for 3–4 made a 2024
        interval narrower than the 2023 one)."""
        last = _bucket(horizon, self.horizon_edges)
        first = 0 if self.monotone else last
        factors = []
        for h in range(first, last + 1):
            cell = self.cell(int(self.horizon_edges[h]), n_obs)
            factors.append(1.0 if cell is None else cell.factor)
        return max(factors)


def estimate_table(forecasts, cutoff: int, cfg: dict) -> CalibrationTable:
    """The table for ``cutoff`` from the panel ``forecasts`` (:class:`panel.PanelForecast`)
    whose observed year is ``<= cutoff``. ``cfg``: the settings' ``calibration`` section
    (``horizon_edges``, ``length_edges``, ``min_errors``, ``min_factor``, ``max_factor``)."""
    used = [f for f in forecasts if f.year <= cutoff]
    h_edges, n_edges = tuple(cfg["horizon_edges"]), tuple(cfg["length_edges"])
    e = np.array([f.error for f in used], float)
    df = np.array([f.df for f in used], float)
    hb = np.array([_bucket(f.horizon, h_edges) for f in used], int)
    nb = np.array([_bucket(f.n_train, n_edges) for f in used], int)
    keys = [(-1, -1)] + [(-1, n) for n in range(len(n_edges))]
    keys += [(h, n) for h in range(len(h_edges)) for n in (-1, *range(len(n_edges)))]
    cells = {}
    for h, n in keys:
        sel = ((hb == h) | (h < 0)) & ((nb == n) | (n < 0))
        if sel.sum() < cfg["min_errors"]:
            continue
        c = scale_factor(e[sel], df[sel], (cfg["min_factor"], cfg["max_factor"]))
        cells[(h, n)] = Cell(
            bucket_label(h, h_edges), bucket_label(n, n_edges), int(sel.sum()), float(c)
        )
    return CalibrationTable(int(cutoff), h_edges, n_edges, cells)


def estimate_tables(forecasts, cfg: dict) -> list[CalibrationTable]:
    """One table per year in which a panel forecast was scored (cut-offs in order)."""
    return [estimate_table(forecasts, y, cfg) for y in sorted({f.year for f in forecasts})]


@dataclass(frozen=True)
class HorizonFactors:
    """The factors one forecast used, by horizon (kept on a result so that a chart or a refit
    draws the same calibrated intervals without the file); beyond the last horizon stored, the
    last factor."""

    factors: dict  # horizon (years ahead) -> factor

    def factor(self, horizon: int, n_obs: int = 0, key=None) -> float:
        if not self.factors or horizon <= 0:
            return 1.0
        known = {int(h): float(c) for h, c in self.factors.items()}
        return known.get(int(horizon), known[max(known)])


@dataclass(frozen=True)
class Calibration:
    """The tables of a calibration file by cut-off year, and the file's provenance."""

    tables: dict  # cutoff year -> CalibrationTable
    provenance: dict = field(default_factory=dict)

    def up_to(self, data_year: int) -> Calibration:
        """The same calibration without the tables of cut-offs after ``data_year``."""
        kept = {y: t for y, t in self.tables.items() if y <= int(data_year)}
        return Calibration(kept, self.provenance)

    def for_data_year(self, data_year: int) -> CalibrationTable | None:
        """The table of the latest cut-off ``<= data_year`` with a filled cell (None if none)."""
        usable = [y for y, t in self.tables.items() if y <= int(data_year) and t.cells]
        return self.tables[max(usable)] if usable else None


def table_to_dict(table: CalibrationTable) -> dict:
    """Plain data of a table for the YAML file."""
    cells = [
        {
            "horizon_bucket": h,
            "length_bucket": n,
            "horizon": c.horizon,
            "length": c.length,
            "n_errors": c.n_errors,
            "factor": round(c.factor, 6),
        }
        for (h, n), c in sorted(table.cells.items())
    ]
    return {"cutoff": table.cutoff, "cells": cells}


def table_from_dict(raw: dict, horizon_edges, length_edges) -> CalibrationTable:
    """A table read back from :func:`table_to_dict`'s data."""
    cells = {
        (int(c["horizon_bucket"]), int(c["length_bucket"])): Cell(
            str(c["horizon"]), str(c["length"]), int(c["n_errors"]), float(c["factor"])
        )
        for c in raw.get("cells") or []
    }
    return CalibrationTable(int(raw["cutoff"]), tuple(horizon_edges), tuple(length_edges), cells)
