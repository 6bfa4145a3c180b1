"""Run the evaluation notebook with papermill and export it to one self-contained HTML file.

Output names: ``<geography>_<plan>_<stage>_<year>[_en].html``. The HTML is written to a
temporary file in the output folder and renamed, so a failed or interrupted run never leaves a
half-written report and never overwrites the last good one.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import tempfile
from pathlib import Path

from .catalogue import known_units, load_plan
from .errors import InputError, Problem
from .observations import load_observations

STAGES = ("annual", "midterm", "final")
KERNEL_NAME = "planeval"
KERNEL_DISPLAY = "Python 3 (planeval)"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = PROJECT_ROOT / "notebooks" / "evaluation.ipynb"
TEMPLATES = Path(__file__).with_name("templates")


def ensure_kernel() -> str:
    """Register this environment's Python as the Jupyter kernel ``planeval`` (idempotent)."""
    import sys

    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
        if Path(spec.argv[0]).resolve() == Path(sys.executable).resolve():
            return KERNEL_NAME
    except NoSuchKernel:
        pass
    from ipykernel.kernelspec import install

    install(kernel_name=KERNEL_NAME, display_name=KERNEL_DISPLAY, prefix=sys.prefix)
    return KERNEL_NAME


def report_name(geography: str, plan: str, stage: str, year: int, lang: str = "zh") -> str:
    suffix = "" if lang == "zh" else f"_{lang}"
    return f"{geography}_{plan}_{stage}_{year}{suffix}.html"


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; reports are for reading
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def check_inputs(plan: str, stage: str, year: int, geography: str, data_dir: str | Path, lang: str) -> None:
    """Fail early, before a kernel starts, with a clear message on bad parameters or data."""
    if stage not in STAGES:
        raise InputError(Problem("--stage", f"unknown stage '{stage}'", f"未知报告类型 '{stage}'",
                                 f"use one of {', '.join(STAGES)}"))
    if lang not in ("zh", "en"):
        raise InputError(Problem("--lang", f"unknown language '{lang}'", f"未知语言 '{lang}'", "use zh or en"))
    load_plan(plan, data_dir)
    load_observations(data_dir, geography, units=known_units(data_dir), up_to_year=year)


def html_from_notebook(nb, title: str, lang: str = "zh") -> str:
    """Export an executed notebook to one self-contained HTML page (a string).

    Code cells and prompts are hidden; the ``planeval`` template (``templates/planeval``)
    drops every external script (require.js, MathJax, Mermaid, widgets) and adds
    ``templates/report.css`` after JupyterLab's CSS. The page title is the one the notebook
    attached to an output (``metadata={"planeval": {"title": ...}}``, see
    ``notebooks/evaluation.py``), else ``title``; ``<html lang>`` is ``zh`` or ``en``.
    """
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="planeval", extra_template_basedirs=[str(TEMPLATES)])
    exporter.exclude_input = True
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


def run_report(
    plan: str,
    stage: str,
    year: int,
    geography: str,
    data_dir: str | Path = "data",
    lang: str = "zh",
    out: str | Path = "reports",
    notebook: str | Path = NOTEBOOK,
    keep_notebook: bool = False,
) -> Path:
    """Execute the evaluation notebook for one report and write its HTML; returns the path.

    Raises :class:`InputError` for bad parameters or data (before executing anything) and
    papermill's ``PapermillExecutionError`` when a cell fails; in both cases no report file is
    written or replaced.
    """
    import nbformat
    import papermill as pm

    data_dir = Path(data_dir).resolve()
    out = Path(out)
    check_inputs(plan, stage, year, geography, data_dir, lang)
    kernel = ensure_kernel()
    params = {"plan": plan, "stage": stage, "year": int(year), "geography": geography,
              "data_dir": str(data_dir), "lang": lang}
    out.mkdir(parents=True, exist_ok=True)
    name = report_name(geography, plan, stage, year, lang)
    with tempfile.TemporaryDirectory() as tmp:
        executed = Path(tmp) / name.replace(".html", ".ipynb")
        try:
            pm.execute_notebook(str(notebook), str(executed), parameters=params, kernel_name=kernel,
                                progress_bar=False, cwd=str(Path(notebook).parent))
        except Exception:
            failed = out / "failed"
            failed.mkdir(parents=True, exist_ok=True)
            if executed.exists():
                os.replace(executed, failed / executed.name)
            raise
        nb = nbformat.read(executed, as_version=4)
        body = html_from_notebook(nb, title=name[:-5], lang=lang)
        if keep_notebook:
            os.replace(executed, out / executed.name)
    target = out / name
    atomic_write_text(target, body)
    meta = {"file": name, "plan": plan, "stage": stage, "year": int(year), "geography": geography,
            "lang": lang, "produced": dt.datetime.now().isoformat(timespec="seconds")}
    atomic_write_text(out / (name + ".json"), json.dumps(meta, ensure_ascii=False, indent=1))
    return target


def write_index(out: str | Path = "reports") -> Path:
    """``reports/index.html``: every complete report (HTML with its metadata file) in the folder."""
    out = Path(out)
    from .labels import label

    rows = []
    for meta_path in sorted(out.glob("*.html.json")):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if not (out / meta["file"]).exists():
            continue
        rows.append(meta)
    rows.sort(key=lambda m: (m["geography"], m["plan"], m["year"], m["stage"], m["lang"]))
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in (
            m["geography"], m["plan"], label("stage", m["stage"], "zh") + " / " + label("stage", m["stage"], "en"),
            m["year"], m["lang"], m["produced"])) +
        f'<td><a href="{html.escape(m["file"], quote=True)}">{html.escape(m["file"])}</a></td></tr>'
        for m in rows
    )
    page = f"""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>planeval reports</title>
<style>body{{font-family:sans-serif;max-width:1100px;margin:2em auto}}table{{border-collapse:collapse;width:100%}}
td,th{{border:1px solid #ccc;padding:4px 8px;text-align:left}}th{{background:#eef3f8}}</style></head><body>
<h1>评估报告目录 · Evaluation reports</h1>
<table><thead><tr><th>地区 Geography</th><th>规划 Plan</th><th>类型 Stage</th><th>数据年份 Data year</th>
<th>语言 Lang</th><th>生成时间 Produced</th><th>报告 Report</th></tr></thead><tbody>{body}</tbody></table>
</body></html>"""
    target = out / "index.html"
    atomic_write_text(target, page)
    return target
