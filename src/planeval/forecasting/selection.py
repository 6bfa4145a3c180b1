"""Model choice: out-of-sample forecast error against the drift model as reference.

Rule (docs/method.md, "Model selection"): the reference is ``drift``; every other applicable
candidate is scored by its mean absolute leave-future-out error and replaces the reference only
when that error is lower by more than ``tie_margin``; several such candidates are compared with
each other the same way, simplest first.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from planeval.forecasting.base import DEFAULT_SEED, N_DRAWS, Forecast, ModelNotApplicable, TrendFit
from planeval.forecasting.registry import (
    COMPLEXITY,
    MODEL_ORDER,
    MODELS,
    bounded_alternative,
    candidate_models,
    fit_model,
)
from planeval.forecasting.transforms import resolution_of

#: The reference model of the selection, and the default forecast (see :func:`select_model`).
REFERENCE_MODEL = "drift"
#: How the forecast model is chosen: ``default`` — always the drift model on the indicator's
#: natural scale (the benches' winner, docs/method.md §3); ``selection`` — the earlier
#: per-series contest by leave-future-out error, kept for comparison (workbench, benches).
RULES = ("default", "selection")
#: Fewest training points of a leave-future-out fit (``damped`` needs its own minimum).
MIN_TRAIN = {name: cls.min_train for name, cls in MODELS.items() if cls.min_train != 3}
MIN_TRAIN_DEFAULT = 3


@dataclass(frozen=True)
class Selection:
    """Outcome of model selection: chosen model, every candidate's errors and forecast.

    ``cv_error`` is the error each candidate was judged on: mean absolute leave-future-out error
    (:func:`leave_future_out_error`, indicator units); ``reference_error`` the reference (drift)
    model's error on the same forecast origins (they differ for ``damped``, which needs 6
    training points); ``loo_error`` the leave-one-out error, for information only;
    ``excluded`` names the candidates that were fitted but could not be chosen, and why;
    ``verdicts`` gives every candidate's comparison in one sentence, naming both bases where
    the reference was scored on other origins than its own error (show this, not a second
    comparison of one's own).
    """

    model: str
    reason: str
    cv_error: dict[str, float]
    candidates: dict[str, Forecast]
    fits: dict[str, TrendFit]
    loo_error: dict[str, float] = field(default_factory=dict)
    reference_error: dict[str, float] = field(default_factory=dict)
    excluded: dict[str, str] = field(default_factory=dict)
    tie_margin: float = 0.10
    reference: str = REFERENCE_MODEL
    verdicts: dict[str, str] = field(default_factory=dict)


def _sorted_series(years, values) -> tuple[np.ndarray, np.ndarray]:
    years = np.asarray(years, int)
    values = np.asarray(values, float)
    order = np.argsort(years, kind="stable")
    return years[order], values[order]


def loo_error(years, values, model: str, unit: str = "", resolution: float | None = None) -> float:
    """Mean absolute leave-one-out error (indicator scale) of ``model`` on the series.

    Each point is predicted by the model fitted to the other n − 1 points (a point fit: two
    points are enough for a straight line). ``nan`` when the model cannot be fitted on n − 1
    points. Reported for information; the selection uses :func:`leave_future_out_error`.
    """
    years = np.asarray(years, int)
    values = np.asarray(values, float)
    resolution = resolution_of(values) if resolution is None else resolution
    errors = []
    for i in range(len(values)):
        keep = np.arange(len(values)) != i
        try:
            f = fit_model(
                years[keep], values[keep], model, unit, point_only=True, resolution=resolution
            )
        except ModelNotApplicable:
            return float("nan")
        errors.append(abs(float(f.fitted([years[i]])[0]) - values[i]))
    return float(np.mean(errors)) if errors else float("nan")


def leave_future_out_error(
    years,
    values,
    model: str,
    unit: str = "",
    min_train: int | None = None,
    resolution: float | None = None,
    max_horizon: int | None = None,
) -> float:
    """Mean absolute leave-future-out error (indicator scale): for every origin
    k = ``min_train`` … n − 1 the model is fitted to the first k points and forecasts every
    later observed point at most ``max_horizon`` years ahead of the origin's last year (all
    later points when None; the next observation always, even after a gap); the mean is over
    all these forecasts.

    This scores what the assessment does — extrapolate — rather than interpolation. ``nan``
    when no such forecast exists (n ≤ ``min_train``, default 3; 6 for ``damped``).
    """
    years = np.asarray(years, int)
    values = np.asarray(values, float)
    min_train = MIN_TRAIN.get(model, MIN_TRAIN_DEFAULT) if min_train is None else min_train
    resolution = resolution_of(values) if resolution is None else resolution
    errors: list[float] = []
    for k in range(min_train, len(values)):
        try:
            f = fit_model(
                years[:k], values[:k], model, unit, point_only=True, resolution=resolution
            )
        except ModelNotApplicable:
            return float("nan")
        ahead = years[k:] - years[k - 1]
        keep = ahead <= max_horizon if max_horizon is not None else np.ones(len(ahead), bool)
        keep[0] = True  # the next observation always counts, even after a gap
        errors.extend(np.abs(f.fitted(years[k:][keep]) - values[k:][keep]).tolist())
    return float(np.mean(errors)) if errors else float("nan")


def rolling_origin_error(
    years, values, model: str, unit: str = "", min_train: int = 6, resolution: float | None = None
) -> float:
    """Mean absolute one-step-ahead error, refitting on the first k points for each
    k = ``min_train`` … n − 1 (``nan`` with n ≤ ``min_train``)."""
    years = np.asarray(years, int)
    values = np.asarray(values, float)
    resolution = resolution_of(values) if resolution is None else resolution
    errors = []
    for k in range(min_train, len(values)):
        try:
            f = fit_model(
                years[:k], values[:k], model, unit, point_only=True, resolution=resolution
            )
        except ModelNotApplicable:
            continue
        errors.append(abs(float(f.fitted([years[k]])[0]) - values[k]))
    return float(np.mean(errors)) if errors else float("nan")


#: Errors closer than this many machine epsilons (relative to the series' largest value) are
#: floating-point noise: "mean 3.454e-16 beats drift 4.441e-16" on a constant series is a tie.
NOISE_ULPS = 64


def noise_floor(values) -> float:
    """Largest difference between two mean absolute errors that is floating-point noise."""
    scale = max(1.0, float(np.max(np.abs(values)))) if len(values) else 1.0
    return NOISE_ULPS * float(np.finfo(float).eps) * scale


def _beats(err: float, base: float, simpler: bool, margin: float, noise: float) -> bool:
    """Whether an error ``err`` beats ``base``: by more than ``margin`` (relative); a tie within
    ``noise`` goes to the simpler model."""
    if abs(err - base) <= noise:
        return simpler
    return err < base * (1 - margin)


def _origins(model: str) -> str:
    return f"origins {MIN_TRAIN.get(model, MIN_TRAIN_DEFAULT)}…n−1"


def _against_reference(names, lfo, ref_err, excluded, tie_margin, ref, noise):
    """Candidates that beat the reference on the same origins (``{model: error ratio}``), and
    one sentence per candidate that names both bases of comparison where they differ."""
    verdicts, gains = {}, {}
    for m in names:
        if m == ref or m in excluded:
            continue
        err, base = lfo[m], ref_err[m]
        if not (np.isfinite(err) and np.isfinite(base)):
            verdicts[m] = f"{m}: no out-of-sample forecast to score"
            continue
        basis = f"{m} {err:.4g} vs {ref} {base:.4g} on {_origins(m)}"
        if base != lfo[ref] and np.isfinite(lfo[ref]):
            basis += f" ({ref}'s own error on {_origins(ref)}: {lfo[ref]:.4g})"
        simpler = COMPLEXITY[m] < COMPLEXITY[ref]
        if abs(err - base) <= noise:
            outcome = "a tie within floating-point noise, " + (
                f"settled for the simpler {m}" if simpler else f"settled for the simpler {ref}"
            )
        elif err < base * (1 - tie_margin):
            outcome = f"lower by more than {tie_margin:.0%}"
        else:
            outcome = f"not lower by more than {tie_margin:.0%}"
        if _beats(err, base, simpler, tie_margin, noise):
            gains[m] = err / base if base > 0 else 0.0
        verdicts[m] = f"{basis}: {outcome}"
    return gains, verdicts


def _challengers(gains, years, values, unit, resolution, horizon, tie_margin, ref, noise):
    """The best of the candidates that beat the reference, compared pairwise simplest first
    on their common forecast origins; returns (model, sentences)."""
    best, steps = ref, []
    for m in sorted(gains, key=lambda k: (COMPLEXITY[k], MODEL_ORDER.index(k))):
        if best == ref:
            best = m
            continue
        k0 = max(MIN_TRAIN.get(m, MIN_TRAIN_DEFAULT), MIN_TRAIN.get(best, MIN_TRAIN_DEFAULT))
        err_m, err_b = (
            leave_future_out_error(years, values, x, unit, k0, resolution, horizon)
            for x in (m, best)
        )
        same = COMPLEXITY[m] == COMPLEXITY[best]
        simpler = COMPLEXITY[m] < COMPLEXITY[best]
        better = _beats(err_m, err_b, simpler, 0.0 if same else tie_margin, noise)
        verdict = "replaces" if better else "does not replace"
        margin_txt = "" if same else f" by more than {tie_margin:.0%}"
        steps.append(
            f"{m} ({err_m:.4g}) {verdict} {best} ({err_b:.4g}) on origins {k0}…n−1{margin_txt}"
        )
        if better:
            best = m
    return best, steps


def select_model(
    years,
    values,
    target_year: int,
    unit: str = "",
    tie_margin: float = 0.10,
    level: float = 0.95,
    seed: int = DEFAULT_SEED,
    n_draws: int = N_DRAWS,
    calibration=None,
    rule: str = "default",
) -> Selection:
    """Choose a trend model by out-of-sample forecast error, with the drift model as reference.

    1. The reference is ``drift``, a random walk with drift on the indicator's natural scale
       (logit for %, log for rates in ‰ and 1/10万): the latest value plus the average change
       per year, with an interval that widens with the horizon.
    2. Every other applicable candidate (``mean``, ``linear``, ``loglinear``, ``logit``,
       ``damped``) is scored by its mean absolute leave-future-out error
       (:func:`leave_future_out_error`: fit on the first k points, k = 3 … n − 1 (6 … n − 1 for
       ``damped``), forecast the later points up to as many years ahead as the target year is
       from the last observation) and compared with the reference's error on the same
       forecasts.
    3. A candidate replaces the reference only when its error is lower by more than
       ``tie_margin`` (10 %). Otherwise — and always with fewer than 4 values, when no
       out-of-sample forecast exists — the reference stays. Several such candidates are
       compared with each other the same way, simplest first (on their common forecast
       origins): a more complex one must be better by more than ``tie_margin``, an equally
       complex one just better.

    For % indicators within [0, 100] the linear and log-linear candidates are recorded but not
    chosen (they can forecast 100.2 %); the logit model takes their place.
    ``years`` ints, ``values`` floats in ``unit``. Returns a :class:`Selection` with every
    candidate's fit, forecast for ``target_year`` (central ``level`` interval) and errors;
    with a ``calibration`` table (:class:`calibration.CalibrationTable`) every fit's spread is
    calibrated (the choice, made on point forecasts, is not affected).

    ``rule``: ``"default"`` (the assessment's) keeps the reference whatever the scores — the
    scores are still computed and stated, for comparison; ``"selection"`` applies steps 1–3.
    Raises :class:`ModelNotApplicable` when fewer than 3 values are given, ``ValueError`` for
    an unknown ``rule``.
    """
    if rule not in RULES:
        raise ValueError(f"unknown rule {rule!r}; choose from {RULES}")
    years, values = _sorted_series(years, values)
    names = candidate_models(years, values, unit)
    if not names:
        raise ModelNotApplicable("at least 3 observations are needed for a trend")
    resolution = resolution_of(values)
    ref = REFERENCE_MODEL
    horizon = max(1, int(target_year) - int(years[-1]))
    lfo = {
        m: leave_future_out_error(years, values, m, unit, None, resolution, horizon) for m in names
    }
    ref_err = {
        m: leave_future_out_error(
            years, values, ref, unit, MIN_TRAIN.get(m, MIN_TRAIN_DEFAULT), resolution, horizon
        )
        for m in names
    }
    loo = {
        m: (loo_error(years, values, m, unit, resolution) if m != "damped" else float("nan"))
        for m in names
    }
    fits = {
        m: fit_model(years, values, m, unit, seed=seed, resolution=resolution, n_draws=n_draws)
        for m in names
    }
    for fit in fits.values():
        fit.calibration = calibration
    candidates = {m: fits[m].predict(target_year, level) for m in names}
    excluded = {
        m: "may cross 0–100 %; the logit model takes its place"
        for m in names
        if bounded_alternative(m, unit, values)
    }
    noise = noise_floor(values)
    steps = [f"{ref} is the reference (random walk with drift, {fits[ref].scale} scale)"]
    gains, verdicts = _against_reference(names, lfo, ref_err, excluded, tie_margin, ref, noise)
    if rule == "default":
        best, pairwise = ref, []
        steps[0] = (
            f"{ref} is the default forecast (random walk with drift, {fits[ref].scale} scale; "
            "chosen over per-series selection on the benches, docs/method.md §3); the other "
            "models' errors are shown for comparison only"
        )
    else:
        best, pairwise = _challengers(
            gains, years, values, unit, resolution, horizon, tie_margin, ref, noise
        )
    steps += list(verdicts.values()) + pairwise
    if len(values) <= MIN_TRAIN_DEFAULT:
        steps.append(f"{len(values)} values: no out-of-sample forecast, the reference stays")
    reason = f"chose {best} — " + "; ".join(steps)
    verdicts.update({m: f"{m}: not eligible, {why}" for m, why in excluded.items()})
    verdicts[ref] = f"{ref}: the reference, error {lfo[ref]:.4g} on {_origins(ref)}"
    return Selection(
        best, reason, lfo, candidates, fits, loo, ref_err, excluded, tie_margin, ref, verdicts
    )
