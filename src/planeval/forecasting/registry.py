"""The trend models by name, and :func:`fit_model`, the one entry point that fits any of them.

==============  ======================  ==========================================================
model           scale                   use
==============  ======================  ==========================================================
``mean``        y (logit for %)         no trend: the level is the mean of the observations
``linear``      y                       OLS on year (constant absolute change per year)
``loglinear``   log y                   constant annual rate of change (the CAGR/AARR model);
                                        positive values only (mortality, counts)
``logit``       log(p / (100 − p))      proportions in % within [0, 100]
``drift``       logit for %, log for    random walk with drift, the *reference* model of the
                ‰ and 1/10万, else y    selection (:mod:`planeval.forecasting.selection`)
``damped``      y (logit for %)         damped-trend exponential smoothing, ≥ 6 consecutive years
==============  ======================  ==========================================================

A new model is one class (see :class:`planeval.forecasting.base.TrendModel`) added to
:data:`MODELS`.
"""

from __future__ import annotations

import numpy as np

from planeval.forecasting import transforms as tf
from planeval.forecasting.base import DEFAULT_SEED, N_DRAWS, TrendFit, TrendModel
from planeval.forecasting.damped import DampedModel
from planeval.forecasting.drift import DriftModel
from planeval.forecasting.ols import LinearModel, LogitModel, LogLinearModel, MeanModel

#: Every model by name, in the order reports list them.
MODELS: dict[str, type[TrendModel]] = {
    cls.name: cls
    for cls in (MeanModel, LinearModel, LogLinearModel, LogitModel, DriftModel, DampedModel)
}
MODEL_ORDER = tuple(MODELS)
#: Model complexity used by the tie-break (lower is simpler).
COMPLEXITY = {name: cls.complexity for name, cls in MODELS.items()}
#: Fewest observations for a model *with* an interval (one residual degree of freedom at least).
MIN_POINTS = {name: cls.min_points for name, cls in MODELS.items()}
#: Fewest observations for a point fit (used inside leave-one-out cross-validation).
MIN_POINTS_POINT = {name: cls.min_points_point for name, cls in MODELS.items()}


def model_class(model: str) -> type[TrendModel]:
    """The class of ``model``; ``ValueError`` naming the choices for an unknown name."""
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}; choose from {MODEL_ORDER}")
    return MODELS[model]


def scale_of(model: str, unit: str = "", values=None) -> str:
    """Scale a model is fitted on. For % indicators strictly inside (0, 100) the no-trend,
    drift and damped models are fitted on the logit scale too, so their intervals respect the
    bounds; with a value at exactly 0 or 100 % (:func:`transforms.at_pct_bound`) on the
    natural scale, clipped to [0, 100]."""
    return model_class(model).scale_for(unit, values)


def applicable(model: str, values, years=None, unit: str = "", point_only: bool = False) -> bool:
    """Whether ``model`` can be fitted to ``values`` (and ``years``).

    ``point_only``: a point fit is enough (no interval), as inside leave-one-out.
    """
    return model_class(model).applicable(values, years, unit, point_only)


def bounded_alternative(model: str, unit: str, values) -> bool:
    """True when ``model`` may cross 0–100 % and the logit model applies instead.

    Such candidates are fitted and recorded, but not selected (they can forecast 100.2 %).
    With a value at exactly 0 or 100 % the logit model does not apply
    (:func:`transforms.at_pct_bound`) and they compete, clipped to [0, 100].
    """
    return (
        model in ("linear", "loglinear")
        and tf.bounded_pct(np.asarray(values, float), unit)
        and len(values) >= MIN_POINTS["logit"]
    )


def candidate_models(years, values, unit: str = "") -> list[str]:
    """The models that apply to this series (3 or more values), simplest first."""
    if len(values) < 3:
        return []
    return [m for m in MODEL_ORDER if applicable(m, values, years, unit)]


def fit_model(
    years,
    values,
    model: str = "linear",
    unit: str = "",
    seed: int = DEFAULT_SEED,
    point_only: bool = False,
    resolution: float | None = None,
    n_draws: int = N_DRAWS,
) -> TrendFit:
    """Fit one trend model to a yearly series.

    ``years``: 1-D ints; ``values``: 1-D floats in the indicator's unit (%, ‰, 1/10万 ...).
    ``resolution``: rounding resolution of the published values (default: from the values,
    see :func:`transforms.resolution_of`). ``point_only`` allows the shortest series that still
    give a point prediction (used by cross-validation; no interval then). Raises
    ``ValueError`` for an unknown model or repeated years, :class:`ModelNotApplicable` when the
    model does not apply (see :func:`applicable`).
    """
    cls = model_class(model)
    return cls(unit, seed, resolution, point_only, n_draws).fit(years, values)
