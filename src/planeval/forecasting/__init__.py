"""Trend forecasting of short yearly series: scales (``transforms``), one class per trend model
behind one ``fit``/``predict``/``draws`` interface (``base``, ``ols``, ``drift``, ``damped``),
the models by name (``registry``) and model choice (``selection``).

Typical use::

    from planeval.forecasting import LinearModel, select_model
    forecast = LinearModel(unit="%").fit(years, values).predict(2025)   # a Forecast
    choice = select_model(years, values, target_year=2025, unit="%")
"""

from planeval.forecasting.base import (
    DEFAULT_SEED,
    N_DRAWS,
    Forecast,
    ModelNotApplicable,
    TrendFit,
    TrendModel,
)
from planeval.forecasting.damped import ETS_PARAMS, DampedModel
from planeval.forecasting.drift import DriftModel
from planeval.forecasting.ols import LinearModel, LogitModel, LogLinearModel, MeanModel
from planeval.forecasting.registry import (
    COMPLEXITY,
    MIN_POINTS,
    MIN_POINTS_POINT,
    MODEL_ORDER,
    MODELS,
    applicable,
    bounded_alternative,
    candidate_models,
    fit_model,
    scale_of,
)
from planeval.forecasting.selection import (
    MIN_TRAIN,
    MIN_TRAIN_DEFAULT,
    REFERENCE_MODEL,
    RULES,
    Selection,
    leave_future_out_error,
    loo_error,
    rolling_origin_error,
    select_model,
)
from planeval.forecasting.transforms import (
    COUNT_UNITS,
    RATE_UNITS,
    TRANSFORMS,
    at_pct_bound,
    decimals_of,
    resolution_of,
)

__all__ = [
    "COMPLEXITY",
    "COUNT_UNITS",
    "DEFAULT_SEED",
    "ETS_PARAMS",
    "MIN_POINTS",
    "MIN_POINTS_POINT",
    "MIN_TRAIN",
    "MIN_TRAIN_DEFAULT",
    "MODELS",
    "MODEL_ORDER",
    "N_DRAWS",
    "RATE_UNITS",
    "REFERENCE_MODEL",
    "RULES",
    "TRANSFORMS",
    "DampedModel",
    "DriftModel",
    "Forecast",
    "LinearModel",
    "LogLinearModel",
    "LogitModel",
    "MeanModel",
    "ModelNotApplicable",
    "Selection",
    "TrendFit",
    "TrendModel",
    "applicable",
    "at_pct_bound",
    "bounded_alternative",
    "candidate_models",
    "decimals_of",
    "fit_model",
    "leave_future_out_error",
    "loo_error",
    "resolution_of",
    "rolling_origin_error",
    "scale_of",
    "select_model",
]
