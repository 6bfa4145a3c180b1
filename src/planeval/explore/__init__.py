"""Typed results for exploring an assessment in JupyterLab (the researcher's workbench).

Every object here shows itself in a notebook as HTML (``_repr_html_``: the indicator's name, its
status, a small table and a small chart embedded as a base64 PNG ``<img>``) and gives its
numbers to pandas with ``.to_frame()``. The numbers are the assessment's own: nothing is
re-estimated differently from :func:`planeval.assessment.assess`.

============================  ==================================================================
object                        what it answers
============================  ==================================================================
:class:`AssessmentResult`     how does the plan stand? (status overview, early warnings)
:class:`IndicatorResult`      why does this indicator have this status? (``.explain()``)
:class:`ForecastResult`       what does a model forecast for a series? (``planeval.forecast``)
:class:`ModelComparison`      would another trend model change the verdict? (:func:`compare_models`)
:class:`SensitivityResult`    does the verdict hang on one year, e.g. 2020? (:func:`sensitivity`)
:class:`OverlayResult`        how does another geography compare? (:func:`overlay`)
:class:`Workbench`            ipywidgets dropdowns that re-render the views above in place
============================  ==================================================================

``AssessmentResult`` and ``IndicatorResult`` are subclasses of
:class:`~assessment.assess.Assessment` and :class:`~assessment.assess.IndicatorAssessment`
with the same fields, so the report code accepts them unchanged. Language of tables and
sentences: :func:`set_lang` (``zh``, the default, or ``en``).

Charts are drawn with :func:`planeval.reporting.charts.plot_indicator`, imported lazily so that
``import planeval`` stays light; the chart module leaves the notebook's backend alone.

Modules, one job each: :mod:`~planeval.explore.text` (language, wording, number formats),
:mod:`~planeval.explore.display` (HTML pieces and embedded charts),
:mod:`~planeval.explore.results`,
:mod:`~planeval.explore.forecast`, :mod:`~planeval.explore.comparison`,
:mod:`~planeval.explore.sensitivity`, :mod:`~planeval.explore.overlay`,
:mod:`~planeval.explore.widgets`.
"""

from planeval.explore.comparison import COMPARISON_COLUMNS, ModelComparison, compare_models
from planeval.explore.forecast import ForecastResult, forecast_series
from planeval.explore.overlay import OverlayResult, overlay, reference_series
from planeval.explore.results import AssessmentResult, IndicatorResult
from planeval.explore.sensitivity import SensitivityResult, sensitivity
from planeval.explore.text import get_lang, set_lang, target_text
from planeval.explore.widgets import Workbench, geography_options, pick_indicator

__all__ = [
    "COMPARISON_COLUMNS",
    "AssessmentResult",
    "ForecastResult",
    "IndicatorResult",
    "ModelComparison",
    "OverlayResult",
    "SensitivityResult",
    "Workbench",
    "compare_models",
    "forecast_series",
    "geography_options",
    "get_lang",
    "overlay",
    "pick_indicator",
    "reference_series",
    "sensitivity",
    "set_lang",
    "target_text",
]
