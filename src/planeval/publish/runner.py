"""Run the evaluation notebook with papermill and export it to one self-contained HTML file.

Output names: ``<geography>_<plan>_<stage>_<year>[_en].html``, each with a metadata file
``<name>.html.json`` (parameters, input fingerprint, SHA-256 of the HTML, timings).

Guarantees, relied on by :mod:`planeval.publish.batch`:

* **Atomic**: the HTML is written to a temporary file in the output folder and renamed; the
  metadata is written (the same way) only after the HTML, so a failed or interrupted run never
  leaves a half-written report and never overwrites the last good one.
* **Incremental**: the metadata holds a fingerprint of every input (see
  :func:`input_fingerprint`); :func:`build_report` with ``force=False`` skips a report whose
  fingerprint is unchanged.
* **Failures leave a record** under ``<out>/failed/``: ``<name>.txt`` with the message, and
  ``<name>.ipynb`` (the executed notebook with the error cell) when a cell failed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from planeval.core.codes import check_code, is_safe_code
from planeval.core.errors import InputError
from planeval.core.files import atomic_write_bytes, atomic_write_text
from planeval.core.settings import load_settings
from planeval.plans.requests import check_plan_name
from planeval.publish.checks import check_inputs, check_out_folder
from planeval.publish.export import html_from_notebook
from planeval.publish.failures import WriteError, failed_record_paths, record_failure
from planeval.publish.fingerprint import NOTEBOOK, input_fingerprint, is_current
from planeval.publish.kernel import KERNEL_QUIET, ensure_kernel
from planeval.publish.parameters import check_notebook
from planeval.reporting.spec import ReportSpec


def report_name(geography: str, plan: str, stage: str, year: int, lang: str = "zh") -> str:
    """``<geography>_<plan>_<stage>_<year>[_<lang>].html``; raises :class:`InputError` when the
    geography or plan is not a safe code (:mod:`planeval.core.codes`), so no report, metadata
    or failure record is ever written outside the output folder."""
    check_code(geography, "geography", "--geography")
    check_code(plan, "plan", "--plan")
    suffix = "" if lang == "zh" else f"_{lang}"
    return f"{geography}_{plan}_{stage}_{year}{suffix}.html"


def as_spec(
    plan: str | ReportSpec,
    stage: str | None = None,
    year: int | None = None,
    geography: str | None = None,
    lang: str = "zh",
    formats: tuple[str, ...] = ("html",),
) -> ReportSpec:
    """``plan`` when it is a :class:`ReportSpec`, else the spec of the fields given."""
    if isinstance(plan, ReportSpec):
        return plan
    return ReportSpec(plan, stage, year, geography, lang, tuple(formats))


@dataclass
class ReportOutcome:
    """What :func:`build_report` did for one report.

    ``status`` is ``"done"`` (built) or ``"skipped"`` (inputs unchanged); ``timings`` holds
    seconds per phase: ``fingerprint`` and ``check`` (in this process, before any kernel),
    ``kernel`` (kernel start and shutdown plus papermill's own work: the execution wall time
    minus the time spent in cells), ``cells`` (the notebook's computation, imports included,
    summed from papermill's per-cell ``duration`` metadata), ``export`` (nbconvert to HTML),
    ``write`` (HTML and metadata) and ``total``.
    """

    path: Path
    status: str
    fingerprint: str
    timings: dict[str, float] = field(default_factory=dict)


def build_report(
    plan: str | ReportSpec,
    stage: str | None = None,
    year: int | None = None,
    geography: str | None = None,
    data_dir: str | Path = "data",
    lang: str = "zh",
    out: str | Path = "reports",
    notebook: str | Path = NOTEBOOK,
    force: bool = True,
    keep_notebook: bool = False,
    record_input_errors: bool = True,
    formats: tuple[str, ...] = ("html",),
    cell_timeout: float | None = None,
) -> ReportOutcome:
    """Build one report unless it is current; returns a :class:`ReportOutcome`.

    The report is a :class:`ReportSpec` (``build_report(spec, data_dir=..., out=...)``) or
    its fields (``build_report("women", "midterm", 2023, "china", ...)``, with ``lang`` and
    ``formats``). ``formats``: ``html`` always, and ``docx`` (the notebook writes the same
    report document as Word) and ``pdf`` (the HTML printed by headless Chromium) beside it,
    named like the HTML (``<stem>.docx``, ``<stem>.pdf``).

    With ``force=False`` a report whose metadata holds the same input fingerprint
    (:func:`input_fingerprint`), whose HTML is complete and whose Word and PDF files are still
    there is skipped. Otherwise the spec is checked (:func:`check_inputs`) and the notebook too
    (:func:`~planeval.publish.parameters.check_notebook`: one tagged parameters cell declaring
    every parameter), executed with papermill on the ``planeval`` kernel (each cell at most
    ``cell_timeout`` seconds, default ``run.cell_timeout_seconds`` of the settings file) and
    exported to HTML without its stderr streams; the outputs and then the metadata (with those
    streams and the kernel's log) are written atomically, and any earlier failure record of
    this report is removed. ``data_dir``, ``out`` and ``notebook`` are made absolute first:
    nothing depends on the process's working folder afterwards (threads are safe).

    Raises :class:`InputError` for bad parameters, data or notebook (before executing
    anything; the message is also written to ``<out>/failed/<name>.txt``) and
    :class:`~planeval.publish.execution.NotebookError` naming the cell when a cell fails,
    times out or the kernel dies (the executed notebook, error cell included, is kept as
    ``<out>/failed/<name>.ipynb``). In both cases no report file is written or replaced.
    With ``record_input_errors=False`` (a single ``planeval report`` command, where the user sees
    the message at once) an :class:`InputError` leaves no record under ``<out>/failed/``.
    A report that cannot be written (full disk) raises
    :class:`~planeval.publish.failures.WriteError`: nothing published, the old file unchanged.
    """
    t_start = time.perf_counter()
    timings: dict[str, float] = {}
    spec = as_spec(plan, stage, year, geography, lang, formats)
    data_dir, out, notebook = (Path(p).absolute() for p in (data_dir, out, notebook))
    check_out_folder(out)
    try:
        t = time.perf_counter()
        # a plan file's path becomes the plan's name first: reports (and failure records)
        # are named by the plan, never by a path
        spec = spec.with_(plan=check_plan_name(spec.plan, data_dir))
        report_name(spec.geography, spec.plan, spec.stage, spec.year)  # safe codes, or refused
        fingerprint = input_fingerprint(spec, data_dir, notebook)
        timings["fingerprint"] = time.perf_counter() - t
        if not force and is_current(out, spec.name, fingerprint["sha256"]):
            timings["total"] = time.perf_counter() - t_start
            return ReportOutcome(out / spec.name, "skipped", fingerprint["sha256"], timings)
        t = time.perf_counter()
        spec = check_inputs(spec, data_dir).spec
        word = {"word_path": ""} if "docx" in spec.formats else {}
        check_notebook(notebook, {**spec.notebook_parameters(str(data_dir)), **word})
        run_settings = load_settings(data_dir)["run"]
        if cell_timeout is None:
            cell_timeout = run_settings["cell_timeout_seconds"]
        start_timeout = run_settings["kernel_start_timeout_seconds"]
        timings["check"] = time.perf_counter() - t
    except InputError as exc:
        # a record only under a safe name: never a path built from a code that is not one
        if record_input_errors and is_safe_code(spec.plan) and is_safe_code(spec.geography):
            message = f"bad input (nothing was executed):\n{exc}"
            record_failure(out, spec.name, spec.fields(), message)
        raise
    params = spec.notebook_parameters(str(data_dir))
    body, extra, run_record = execute_to_html(
        notebook,
        params,
        out,
        spec.name,
        timings,
        keep_notebook,
        spec.formats,
        cell_timeout,
        start_timeout,
    )
    if "pdf" in spec.formats:
        extra["pdf"] = print_pdf(body, out, spec.name, spec.fields(), timings)
    try:
        run_record = {**(run_record or {}), "plan_title": plan_titles(spec.plan, data_dir)}
        write_report(out, spec, body, fingerprint, timings, t_start, extra, run_record)
    except OSError as exc:  # full disk, read-only folder: atomic, so nothing half-written
        raise WriteError(out / spec.name, exc) from exc
    return ReportOutcome(out / spec.name, "done", fingerprint["sha256"], timings)


def print_pdf(body: str, out: Path, name: str, params: dict, timings: dict) -> bytes:
    """The HTML printed to PDF (bytes); a failure is recorded under ``<out>/failed/`` and
    raised again (nothing of the report is written then)."""
    from planeval.reporting.pdf import html_to_pdf

    t = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="planeval-") as tmp:
        try:
            annex = params.get("annex", "brief")
            data = html_to_pdf(body, Path(tmp) / "report.pdf", annex=annex).read_bytes()
        except Exception as exc:
            record_failure(out, name, params, f"printing the PDF failed: {exc}")
            raise
    timings["pdf"] = time.perf_counter() - t
    return data


def _run_record(stderr: list[dict], kernel_log: str) -> dict:
    """What the notebook wrote outside its report: stderr streams per cell, the kernel's log
    (its last 20,000 characters)."""
    record: dict = {}
    if stderr:
        record["stderr"] = stderr
    if kernel_log.strip():
        record["kernel_log"] = kernel_log[-20000:]
    return record


def _record_text(record: dict) -> str:
    parts = [f"stderr of cell {s['cell']}:\n{s['text'].rstrip()}" for s in record.get("stderr", [])]
    if record.get("kernel_log"):
        parts.append("kernel log:\n" + record["kernel_log"].rstrip())
    return ("\n\n" + "\n\n".join(parts)) if parts else ""


def _execute(
    notebook: Path, params: dict, out: Path, name: str, cell_timeout, tmp: Path, start_timeout=60
):
    """Execute the notebook into ``tmp``; return ``(executed notebook, its path, run record)``.

    On a failure the executed notebook is kept as ``<out>/failed/<name>.ipynb``, the record
    ``<out>/failed/<name>.txt`` names the cell (with the stderr streams and the kernel's log),
    and :class:`~planeval.publish.execution.NotebookError` is raised again.
    """
    import nbformat

    from planeval.publish.execution import NotebookError, execute, read_executed, take_stderr

    _, nb_record = failed_record_paths(out, name)
    executed = tmp / name.replace(".html", ".ipynb")
    try:
        # the kernel works in the notebook's folder (where papermill's --cwd put it, so the
        # notebook's own relative defaults still hold); every path it is given is absolute
        nb, kernel_log = execute(
            notebook,
            executed,
            params,
            ensure_kernel(),
            cell_timeout,
            notebook.parent,
            KERNEL_QUIET,
            start_timeout=start_timeout,
        )
    except NotebookError as exc:
        kernel_log = exc.kernel_log
        stderr, message = [], str(exc)
        if executed.exists():
            # the temporary folder may be on another file system: copy, do not rename
            atomic_write_bytes(nb_record, executed.read_bytes())
            # without papermill's error-marker cells, so that the stderr of "cell N" is the
            # cell the error message names
            stderr = take_stderr(read_executed(executed) or nbformat.read(executed, as_version=4))
            message += f"\nexecuted notebook kept at {nb_record}"
        record = _run_record(stderr, kernel_log)
        shown = {k: v for k, v in params.items() if k != "word_path"}
        record_failure(out, name, shown, message + _record_text(record))
        raise
    return nb, executed, _run_record(take_stderr(nb), kernel_log)


def execute_to_html(
    notebook: Path,
    params: dict,
    out: Path,
    name: str,
    timings: dict,
    keep_notebook: bool,
    formats: tuple[str, ...] = ("html",),
    cell_timeout: float = 600,
    start_timeout: float = 60,
) -> tuple[str, dict[str, bytes], dict]:
    """Execute ``notebook`` with papermill on the ``planeval`` kernel and export it to HTML.

    Returns the HTML, ``{"docx": bytes}`` when ``docx`` is in ``formats`` (the notebook
    writes the Word file to the path given as its ``word_path`` parameter) and the run record
    (the stderr streams, removed from the HTML, and the kernel's log). Adds ``cells``,
    ``kernel`` and ``export`` seconds to ``timings``. On failure see :func:`_execute`.
    """
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="planeval-") as tmp:
        word = Path(tmp) / name.replace(".html", ".docx")
        nb_params = {**params, "word_path": str(word)} if "docx" in formats else params
        t = time.perf_counter()
        nb, executed, run_record = _execute(
            notebook, nb_params, out, name, cell_timeout, Path(tmp), start_timeout
        )
        wall = time.perf_counter() - t
        cells = sum(
            float(c.get("metadata", {}).get("papermill", {}).get("duration") or 0.0)
            for c in nb.cells
        )
        timings["cells"] = cells
        timings["kernel"] = max(wall - cells, 0.0)
        verdict = verdict_of(nb)
        t = time.perf_counter()
        body = html_from_notebook(nb, title=name[:-5], lang=params["lang"])
        timings["export"] = time.perf_counter() - t
        if keep_notebook:
            atomic_write_bytes(out / executed.name, executed.read_bytes())
        extra = {"docx": word.read_bytes()} if "docx" in formats else {}
    if verdict is not None:
        extra[VERDICT_FILE] = json.dumps(verdict, ensure_ascii=False).encode("utf-8")
    return body, extra, run_record


#: The stored verdicts of a report (``<stem>.verdict.json``), read back by the overview of the
#: parent geography (:mod:`planeval.publish.overview_run`).
VERDICT_FILE = "verdict.json"


def verdict_of(nb) -> dict | None:
    """The verdict record the notebook attached to an output
    (``metadata={"planeval": {"verdict": ...}}``), or None."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            found = output.get("metadata", {}).get("planeval", {}).get("verdict")
            if found is not None:
                return found
    return None


def plan_titles(plan: str, data_dir: Path) -> dict[str, str]:
    """The plan's display name in each language (``{"zh": ..., "en": ...}``), recorded in a
    report's and an overview's metadata for the index; ``{}`` when the plan cannot be read."""
    from planeval.plans.catalogue import load_plan

    try:
        found = load_plan(plan, data_dir)
    except InputError:
        return {}
    return {lang: found.title(lang) for lang in ("zh", "en")}


def write_outputs(out: Path, spec, html: str, extra: dict | None) -> tuple[dict, dict, str]:
    """Write the other formats (``extra``: format -> bytes), then the HTML, atomically:
    ``(files by format, SHA-256 of each other format, SHA-256 of the HTML)``. Shared by a
    report and an overview, whose metadata record the digests."""
    files, digests = {"html": spec.name}, {}
    for fmt, content in (extra or {}).items():
        files[fmt] = spec.stem + f".{fmt}"
        digests[fmt] = hashlib.sha256(content).hexdigest()
        atomic_write_bytes(out / files[fmt], content)
    data = html.encode("utf-8")
    atomic_write_bytes(out / spec.name, data)
    return files, digests, hashlib.sha256(data).hexdigest()


def write_report(
    out: Path,
    spec: ReportSpec,
    body: str,
    fingerprint: dict,
    timings: dict,
    t_start: float,
    extra: dict[str, bytes] | None = None,
    run_record: dict | None = None,
) -> None:
    """Write the Word and PDF files, the HTML, then its metadata (all atomically), then
    remove old failure records.

    The metadata is written last: a report is complete (listed, skippable) only once its
    rename happened. It holds every field of the spec, the files written with their SHA-256
    (a missing or changed Word or PDF file makes the report rebuild) and ``run_record``
    (stderr streams, kernel log).
    """
    t = time.perf_counter()
    name = spec.name
    files, digests, html_sha256 = write_outputs(out, spec, body, extra)
    timings["write"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - t_start
    meta = {
        "file": name,
        **spec.fields(),
        "produced": dt.datetime.now().isoformat(timespec="seconds"),
        "html_sha256": html_sha256,
        "files": files,
        "sha256": digests,
        **({"verdict_sha256": digests[VERDICT_FILE]} if VERDICT_FILE in digests else {}),
        "fingerprint": fingerprint["sha256"],
        "inputs": fingerprint["inputs"],
        "timings": {k: round(v, 3) for k, v in timings.items()},
        **(run_record or {}),
    }
    atomic_write_text(out / (name + ".json"), json.dumps(meta, ensure_ascii=False, indent=1))
    for record in failed_record_paths(out, name):
        record.unlink(missing_ok=True)


def run_report(
    plan: str | ReportSpec,
    stage: str | None = None,
    year: int | None = None,
    geography: str | None = None,
    data_dir: str | Path = "data",
    lang: str = "zh",
    out: str | Path = "reports",
    notebook: str | Path = NOTEBOOK,
    keep_notebook: bool = False,
    record_input_errors: bool = True,
    formats: tuple[str, ...] = ("html",),
    cell_timeout: float | None = None,
) -> Path:
    """Execute the evaluation notebook for one report and write its HTML; returns the path.

    Always rebuilds (see :func:`build_report` for skipping unchanged reports and for the
    arguments). Raises :class:`InputError` for bad parameters or data (before executing
    anything) and :class:`~planeval.publish.execution.NotebookError` when a cell fails or
    times out; in both cases no report file is written or replaced and a record is left under
    ``<out>/failed/``.
    """
    return build_report(
        plan,
        stage,
        year,
        geography,
        data_dir,
        lang,
        out,
        notebook,
        force=True,
        keep_notebook=keep_notebook,
        record_input_errors=record_input_errors,
        formats=formats,
        cell_timeout=cell_timeout,
    ).path
