"""Export an executed notebook to one self-contained HTML page with nbconvert."""

from __future__ import annotations

from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[1] / "reporting" / "templates"


def html_from_notebook(nb, title: str, lang: str = "zh") -> str:
    """Export an executed notebook to one self-contained HTML page (a string).

    Code cells, markdown cells and prompts are hidden; the ``planeval`` template
    (``templates/planeval``) drops every external script (require.js, MathJax, Mermaid,
    widgets) and adds ``templates/report.css`` after JupyterLab's CSS. The page title is the
    one the notebook attached to an output (``metadata={"planeval": {"title": ...}}``, see
    ``notebooks/evaluation.py``), else ``title``; ``<html lang>`` is ``zh`` or ``en``.
    """
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="planeval", extra_template_basedirs=[str(TEMPLATES)])
    exporter.exclude_input = True
    exporter.exclude_markdown = True  # the notebook's narrative is for its readers, not the report
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.language_code = "en" if lang == "en" else "zh"
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            title = output.get("metadata", {}).get("planeval", {}).get("title", title)
    nb.metadata["title"] = title
    resources = {"planeval_css": (TEMPLATES / "report.css").read_text(encoding="utf-8")}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return body
