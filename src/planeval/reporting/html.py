"""HTML renderer: report documents and planeval's pages through Jinja2 template files.

One :func:`environment` (templates in ``reporting/templates/``, autoescape on, the data in
the templates always escaped) and one stylesheet (``templates/report.css``) serve the
evaluation reports (a template per section: ``cover``, ``contents``, ``findings``,
``summary``, ``domain``, ``gender``, ``appendix``), the catalogue audit pages, the validation
report and the report index. Images go in as ``data:`` URIs, so every page is one
self-contained file.
"""

from __future__ import annotations

import base64
from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from planeval.reporting import document as doc

TEMPLATES = Path(__file__).with_name("templates")
STYLESHEET = TEMPLATES / "report.css"

#: The template of each section of a report.
SECTION_TEMPLATES = {
    doc.Cover: "cover.html.j2",
    doc.Contents: "contents.html.j2",
    doc.Findings: "findings.html.j2",
    doc.Summary: "summary.html.j2",
    doc.DomainSection: "domain.html.j2",
    doc.GenderSection: "gender.html.j2",
    doc.MonitoringSection: "monitoring.html.j2",
    doc.Appendix: "appendix.html.j2",
}


def data_uri(png: bytes) -> str:
    """A PNG image as a ``data:`` URI."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


@cache
def environment() -> jinja2.Environment:
    """The Jinja2 environment of every planeval page (autoescape on, undefined names fail)."""
    from planeval.reporting.charts import OKABE_ITO

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["data_uri"] = data_uri
    env.globals["colours"] = OKABE_ITO
    env.globals["dashes"] = {"target": "5,3", "path": "1.5,2.5", "reference": "4,2"}
    env.globals["w"] = page_words()
    env.globals["written_by"] = written_by
    return env


def written_by(author: str, lang: str = "zh") -> str:
    """``（卫健委撰写）``: the mark after a person-written paragraph."""
    from planeval.core.labels import label

    return label("finding", "written_by", lang).format(author=author) if author else ""


def page_words() -> dict[str, dict[str, str]]:
    """The words of the bilingual pages (``labels.yaml``, group ``page``) as
    ``{key: {"zh": ..., "en": ...}}``; placeholders are filled by the templates."""
    from planeval.core.labels import _labels

    return {k: {"zh": v["zh"], "en": v["en"]} for k, v in _labels()["page"].items()}


@cache
def stylesheet() -> str:
    """The one stylesheet of every page (``templates/report.css``)."""
    return STYLESHEET.read_text(encoding="utf-8")


def render_section(section) -> str:
    """One section of a report document (``Cover``, ``Summary``, ...) as an HTML fragment."""
    name = SECTION_TEMPLATES[type(section)]
    return environment().get_template(name).render(s=section)


def render_page(template: str, title: str, lang: str = "zh", **context) -> str:
    """A complete page from ``template`` (which extends ``page.html.j2``)."""
    html_lang = "en" if lang == "en" else "zh-CN"
    return (
        environment()
        .get_template(template)
        .render(title=title, html_lang=html_lang, stylesheet=Markup(stylesheet()), **context)
    )


def render_report(document: doc.ReportDocument) -> str:
    """A whole report document as one self-contained HTML page."""
    sections = [Markup(render_section(s)) for s in document.sections()]  # rendered, escaped
    return render_page("report.html.j2", document.title, document.lang, sections=sections)


class Fragment:
    """An HTML fragment a notebook displays (``_repr_html_``); ``metadata`` goes with it."""

    def __init__(self, html: str, metadata: dict | None = None):
        self.html, self.metadata = html, metadata or {}

    def _repr_html_(self):
        return self.html
