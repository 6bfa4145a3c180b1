"""HTML displays of the workbench: results render through the Jinja2 template files in
``explore/templates/`` (``view.html.j2`` and its macros; autoescape on), from plain values:
text, :class:`Badge`, :class:`Strong`, :class:`Image` (a chart as an embedded PNG) and pandas
frames. Charts come from :mod:`planeval.reporting.charts`, imported on first use so that
``import planeval`` stays light."""

from __future__ import annotations

import base64
import functools
import importlib
import io
from dataclasses import dataclass

import pandas as pd
from markupsafe import Markup

from planeval.assessment.assess import IndicatorAssessment
from planeval.core.labels import status_badge, verdict_badge
from planeval.explore.text import _lang, _name


@dataclass(frozen=True)
class Badge:
    """A status as icon and word (never colour alone)."""

    text: str
    kind: str = "badge"


@dataclass(frozen=True)
class Strong:
    """Bold text inside a paragraph."""

    text: str
    kind: str = "strong"


@dataclass(frozen=True)
class Image:
    """A chart: alt text and a ``data:image/png;base64`` address."""

    alt: str
    src: str
    kind: str = "image"


@dataclass(frozen=True)
class Heading:
    """A view's heading: ``text``, then small ``other`` (the other language's name) and ``code``."""

    text: str
    other: str = ""
    code: str = ""
    level: int = 4


@functools.cache
def _environment():
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("planeval.explore", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )


def render(template: str = "view.html.j2", **context) -> str:
    """Render one of ``explore/templates/`` (default the generic view) with ``context``.

    The view takes ``heading`` (:class:`Heading`), ``paragraphs`` (each a list of cells),
    ``rows`` (key-value rows, each a tuple of cells) or ``frame`` (:func:`_frame_html`),
    ``chart`` (:class:`Image`), ``details`` (``{"summary": text, "frame": frame}``) and
    ``items`` (sentences)."""
    context = {"paragraphs": (), "items": (), "rows": None, "frame": None, "chart": None} | context
    return _environment().get_template(template).render(**context).strip()


def _charts():
    """``planeval.reporting.charts``, imported on first use (it pulls in matplotlib and seaborn)."""
    return importlib.import_module("planeval.reporting.charts")


def _png(fig, alt: str, dpi: int = 90) -> Image:
    """The figure as an :class:`Image` (base64 PNG); closes the figure."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return Image(alt, f"data:image/png;base64,{data}")


def _new_axes(ncols: int = 1, size=(4.6, 3.0)):
    charts = _charts()
    charts.setup_style()
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(
        1, ncols, figsize=(size[0] * ncols, size[1]), squeeze=False, sharey=ncols > 1
    )
    return fig, list(axes.flat)


def _heading(r: IndicatorAssessment, lang: str | None = None) -> Heading:
    other = r.name_zh if _lang(lang) == "en" else r.name_en
    return Heading(_name(r, lang), other, r.indicator_id)


def _badge(status: str, lang: str | None = None) -> Badge:
    return Badge(status_badge(status, _lang(lang)))


def _verdict_badge(r, lang: str | None = None) -> Badge:
    """A result's stage status (its ``verdict``) as a badge; the assessment status for a
    result outside an assessment."""
    t = getattr(r, "verdict", None)
    if t is None:
        return _badge(r.status, lang)
    return Badge(verdict_badge(t.status, _lang(lang)))


def _frame_html(frame: pd.DataFrame, index: bool = False) -> Markup:
    """A frame as pandas writes it (values escaped by pandas), marked safe for the templates."""
    return Markup(
        frame.to_html(
            index=index, escape=True, na_rep="—", border=0, float_format=lambda x: f"{x:.4g}"
        )
    )
