"""HTML pieces of the workbench's notebook displays: headings, badges, key-value tables, frames,
boxes and charts embedded as base64 PNG. Charts come from :mod:`planeval.reporting.charts`,
imported on first use so that ``import planeval`` stays light."""

from __future__ import annotations

import base64
import html
import importlib
import io

import pandas as pd

from planeval.assessment.assess import IndicatorAssessment
from planeval.core.labels import status_badge
from planeval.explore.text import _lang, _name


def _charts():
    """``planeval.reporting.charts``, imported on first use (it pulls in matplotlib and seaborn)."""
    return importlib.import_module("planeval.reporting.charts")


def _png(fig, alt: str, dpi: int = 90) -> str:
    """The figure as an ``<img>`` with a base64 PNG and escaped alt text; closes the figure."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f'<img alt="{html.escape(alt, quote=True)}" src="data:image/png;base64,{data}"/>'


def _new_axes(ncols: int = 1, size=(4.6, 3.0)):
    charts = _charts()
    charts.setup_style()
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(
        1, ncols, figsize=(size[0] * ncols, size[1]), squeeze=False, sharey=ncols > 1
    )
    return fig, list(axes.flat)


def _esc(x) -> str:
    return html.escape("" if x is None else str(x))


def _heading(r: IndicatorAssessment, lang: str | None = None) -> str:
    other = r.name_zh if _lang(lang) == "en" else r.name_en
    return (
        f"<h4 style='margin:0.2em 0'>{_esc(_name(r, lang))} <small>{_esc(other)} · "
        f"<code>{_esc(r.indicator_id)}</code></small></h4>"
    )


def _badge(status: str, lang: str | None = None) -> str:
    return f"<strong class='planeval-status'>{_esc(status_badge(status, _lang(lang)))}</strong>"


def _kv_table(rows: list[tuple[str, str]]) -> str:
    body = "".join(
        f"<tr><th style='text-align:left'>{_esc(k)}</th><td style='text-align:left'>{v}</td></tr>"
        for k, v in rows
    )
    return f"<table class='planeval-kv'>{body}</table>"


def _frame_html(frame: pd.DataFrame, index: bool = False) -> str:
    return frame.to_html(
        index=index, escape=True, na_rep="—", border=0, float_format=lambda x: f"{x:.4g}"
    )


def _box(*parts: str) -> str:
    inner = "".join(parts)
    return f"<div class='planeval-explore' style='max-width:1100px'>{inner}</div>"


def _side_by_side(left: str, right: str) -> str:
    return (
        "<div style='display:flex;flex-wrap:wrap;gap:1em;align-items:flex-start'>"
        f"<div>{left}</div><div>{right}</div></div>"
    )
