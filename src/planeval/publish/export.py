"""Export an executed notebook to one self-contained HTML page with nbconvert.

nbconvert's :class:`~nbconvert.HTMLExporter` renders the page with its Jinja2 templates and
then parses the whole page again with BeautifulSoup only to add ``alt`` text to images that
lack one and ``tabindex`` to cells: about a second per report, longer than the rendering.
:class:`ReportExporter` renders with the same templates and filters and does those two edits on
the few tags concerned (our charts all carry ``alt``; ``tabindex="0"`` goes on each output
``<div>``). The exporter is built once per process.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[1] / "reporting" / "templates"


_OUTPUT_DIV = re.compile(r'(<div class="[^"]*\bjp-OutputArea-output\b[^"]*")')
_IMG_WITHOUT_ALT = re.compile(r"<img(?![^>]*\balt=)")


@functools.cache
def _exporter_class():
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class ReportExporter(HTMLExporter):
        """:class:`HTMLExporter` without its BeautifulSoup pass (same templates, filters and
        accessibility edits)."""

        def from_notebook_node(self, nb, resources=None, **kw):
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            highlight_code = self.filters.get(
                "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)
            )
            resources = self._init_resources(resources)
            filter_data_type = WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources
            )
            self.register_filter("highlight_code", highlight_code)
            self.register_filter("filter_data_type", filter_data_type)
            html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            html = _IMG_WITHOUT_ALT.sub(
                '<img alt="No description has been provided for this image"', html
            )
            return _OUTPUT_DIV.sub(r'\1 tabindex="0"', html), resources

    return ReportExporter


@functools.cache
def _exporter(lang: str):
    exporter = _exporter_class()(template_name="planeval", extra_template_basedirs=[str(TEMPLATES)])
    exporter.exclude_input = True
    exporter.exclude_markdown = True  # the notebook's narrative is for its readers, not the report
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.language_code = lang
    return exporter


@functools.cache
def _stylesheet() -> str:
    return (TEMPLATES / "report.css").read_text(encoding="utf-8")


def html_from_notebook(nb, title: str, lang: str = "zh") -> str:
    """Export an executed notebook to one self-contained HTML page (a string).

    Code cells, markdown cells and prompts are hidden; the ``planeval`` template
    (``templates/planeval``) drops every external script (require.js, MathJax, Mermaid,
    widgets) and adds ``templates/report.css`` after JupyterLab's CSS. The page title is the
    one the notebook attached to an output (``metadata={"planeval": {"title": ...}}``, see
    ``notebooks/evaluation.py``), else ``title``; ``<html lang>`` is ``zh`` or ``en``.
    """
    exporter = _exporter("en" if lang == "en" else "zh")
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            title = output.get("metadata", {}).get("planeval", {}).get("title", title)
    nb.metadata["title"] = title
    body, _ = exporter.from_notebook_node(nb, resources={"planeval_css": _stylesheet()})
    return body
