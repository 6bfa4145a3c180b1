"""planeval: yearly indicator data in, trend forecasts against plan targets out, HTML reports."""

from .api import assess, load_observations, load_plan
from .assessment import Assessment, IndicatorAssessment, forecast
from .errors import InputError, PlanevalError, Problem

__version__ = "0.1.0"
__all__ = [
    "Assessment",
    "IndicatorAssessment",
    "InputError",
    "PlanevalError",
    "Problem",
    "assess",
    "forecast",
    "load_observations",
    "load_plan",
    "__version__",
]
