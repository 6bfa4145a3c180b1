"""planeval: yearly indicator data in, trend forecasts against plan targets out, HTML reports.

The notebook API (docs/explore.md)::

    import planeval
    a = planeval.assess("children", "china", 2024, data_dir="data")   # AssessmentResult
    r = a["senior_secondary_gross_enrollment"]                      # IndicatorResult
    print(r.explain())                                               # why this status
    planeval.compare_models(r); planeval.sensitivity(a, r.indicator_id, 2020)
    planeval.overlay(a, r.indicator_id, "baijiantan")
    planeval.forecast(r.series, 2025, model="linear", unit=r.unit)   # ForecastResult
    planeval.plot_indicator(r)
"""

from planeval.api import assess, forecast, load_observations, load_plan, plot_indicator
from planeval.assessment.assess import Assessment, IndicatorAssessment
from planeval.core.errors import InputError, PlanevalError, Problem
from planeval.core.version import __version__
from planeval.explore import (
    AssessmentResult,
    ForecastResult,
    IndicatorResult,
    ModelComparison,
    OverlayResult,
    SensitivityResult,
    Workbench,
    compare_models,
    overlay,
    sensitivity,
    set_lang,
)

__all__ = [
    "Assessment",
    "AssessmentResult",
    "ForecastResult",
    "IndicatorAssessment",
    "IndicatorResult",
    "InputError",
    "ModelComparison",
    "OverlayResult",
    "PlanevalError",
    "Problem",
    "SensitivityResult",
    "Workbench",
    "assess",
    "compare_models",
    "forecast",
    "load_observations",
    "load_plan",
    "overlay",
    "plot_indicator",
    "sensitivity",
    "set_lang",
    "__version__",
]
