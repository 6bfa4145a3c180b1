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
import functools
import hashlib
import html
import json
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from planeval.core.errors import InputError, Problem
from planeval.core.files import atomic_write_bytes, atomic_write_text
from planeval.core.settings import load_settings
from planeval.intake.observations import load_observations, observation_files, sha256_of
from planeval.plans.catalogue import known_units, load_all_plans, load_plan, plan_files

STAGES = ("annual", "midterm", "final")
KERNEL_NAME = "planeval"
KERNEL_DISPLAY = "Python 3 (planeval)"
PACKAGE_ROOT = Path(__file__).resolve().parents[1]
PROJECT_ROOT = Path(__file__).resolve().parents[3]
NOTEBOOK = PROJECT_ROOT / "notebooks" / "evaluation.ipynb"
TEMPLATES = PACKAGE_ROOT / "reporting" / "templates"
#: Kernel options for unattended runs: the kernel's start-up warning (plain-TCP transport on
#: localhost) would otherwise be printed once per report in a batch log.
KERNEL_QUIET = ["--IPKernelApp.log_level=ERROR"]


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


def check_out_folder(out: str | Path, option: str = "--out") -> None:
    """Raise :class:`InputError` unless ``out`` can be an output folder.

    ``out`` must be an existing folder, or not exist while its parent folder does (it is then
    created); a path naming an existing file, or whose parent is missing, is refused.
    """
    out = Path(out)
    if out.is_dir():
        return
    if out.exists():
        raise InputError(
            Problem(
                option,
                f"{out} is an existing file, not a folder",
                f"{out} 是已有的文件，不是文件夹",
                "give a folder for the reports (it is created when missing)",
                "请给出用于存放报告的文件夹（不存在时会自动创建）",
            )
        )
    parent = out.absolute().parent
    if not parent.is_dir():
        raise InputError(
            Problem(
                option,
                f"the folder {parent} holding {out.name} does not exist or is not a folder",
                f"上级文件夹 {parent} 不存在或不是文件夹",
                "create the parent folder first, or fix the path",
                "请先创建上级文件夹，或改正路径",
            )
        )


# --- input fingerprint -------------------------------------------------------------------

#: Files of the installed package whose content is part of every fingerprint (code, labels,
#: default settings, HTML template): a change to any of them rebuilds every report.
_CODE_PATTERNS = ("**/*.py", "**/*.yaml", "**/templates/**/*")


@functools.lru_cache(maxsize=1)
def code_sha256() -> str:
    """SHA-256 over the package's source files (``src/planeval/*.py``, ``*.yaml``, templates).

    Used instead of the git commit so that a deployment without git, or a working tree with
    unrelated changes, fingerprints exactly the code that makes the reports. Cached per process.
    """
    root = PACKAGE_ROOT
    digest = hashlib.sha256()
    files = sorted({f for pattern in _CODE_PATTERNS for f in root.glob(pattern) if f.is_file()})
    for f in files:
        if "__pycache__" in f.parts:
            continue
        digest.update(f.relative_to(root).as_posix().encode() + b"\0")
        digest.update(f.read_bytes() + b"\0")
    return digest.hexdigest()


def _catalogue_key(data_dir: Path) -> tuple:
    files = [*plan_files(data_dir), data_dir / "indicators.yaml"]
    return tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files if f.is_file())


@functools.lru_cache(maxsize=8)
def _catalogue_cached(data_dir: str, key: tuple) -> tuple[dict[str, str], dict[str, str]]:
    plans = {p.plan: p.path for p in load_all_plans(data_dir)}
    return plans, known_units(data_dir)


def catalogue_state(data_dir: str | Path) -> tuple[dict[str, str], dict[str, str]]:
    """``({plan name: plan file}, {indicator_id: unit})`` of a data folder.

    Parsed once per process for each state of the plan files and ``indicators.yaml`` (their
    paths, sizes and modification times), so a worker fingerprinting hundreds of reports
    reads the plans once. Raises :class:`InputError` when a plan file is invalid.
    """
    data_dir = Path(data_dir)
    plans, units = _catalogue_cached(str(data_dir.resolve()), _catalogue_key(data_dir))
    return dict(plans), dict(units)


def _plan_file(plan: str, data_dir: Path, plans: dict[str, str]) -> Path:
    if plan in plans:
        return Path(plans[plan])
    candidate = Path(plan)
    if candidate.suffix in (".yaml", ".yml") and candidate.exists():
        return candidate
    return Path(load_plan(plan, data_dir).path)  # raises the loader's InputError


def _files_up_to(data_dir: Path, geography: str, year: int) -> dict[str, str]:
    """``{file name: SHA-256}`` of the geography's submission files of data years <= ``year``."""
    return {
        path.name: sha256_of(path)
        for file_year, path in observation_files(data_dir, geography)
        if file_year <= int(year)
    }


def input_fingerprint(
    plan: str,
    stage: str,
    year: int,
    geography: str,
    data_dir: str | Path = "data",
    lang: str = "zh",
    notebook: str | Path = NOTEBOOK,
) -> dict:
    """Everything a report depends on, and one SHA-256 over it all.

    Returns ``{"sha256": <hex>, "inputs": {...}}`` where ``inputs`` holds: the parameters; the
    SHA-256 of the plan file; of every observation file (``<year>.csv``, ``.xlsx``, revisions
    ``<year>_rev<N>``) of the geography up to the data cut-off ``year`` (later years cannot
    change the report, so adding 2025 data does not rebuild a 2023 mid-term report), and the
    same for the reference geography drawn beside it
    (:func:`reporting.sections.default_reference`: ``china`` for any other geography); of the
    indicator/unit register the submissions are checked against (units of all plans plus
    ``indicators.yaml``, see :func:`catalogue_state`); of the assessment settings file; of
    the notebook; the planeval version, the SHA-256 of the package code (:func:`code_sha256`)
    and the versions of the numerical packages (:func:`reporting.provenance.package_versions`).

    Raises :class:`InputError` when the plan is unknown or a plan/settings file is invalid.
    """
    from planeval.core.version import __version__
    from planeval.reporting.provenance import package_versions
    from planeval.reporting.sections import default_reference

    data_dir = Path(data_dir)
    reference = default_reference(geography, None)
    plans, units_register = catalogue_state(data_dir)
    plan_path = _plan_file(plan, data_dir, plans)
    settings_path = Path(load_settings(data_dir)["_path"])
    units = json.dumps(units_register, sort_keys=True, ensure_ascii=False)
    inputs = {
        "parameters": {
            "plan": plan,
            "stage": stage,
            "year": int(year),
            "geography": geography,
            "lang": lang,
        },
        "plan_file": {plan_path.name: sha256_of(plan_path)},
        "observations": _files_up_to(data_dir, geography, year),
        "reference": {
            "geography": reference,
            "observations": _files_up_to(data_dir, reference, year) if reference else {},
        },
        "units_register": hashlib.sha256(units.encode("utf-8")).hexdigest(),
        "settings": {settings_path.name: sha256_of(settings_path)},
        "notebook": {Path(notebook).name: sha256_of(notebook)},
        "planeval": __version__,
        "code_sha256": code_sha256(),
        "packages": package_versions(),
    }
    canonical = json.dumps(inputs, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return {"sha256": hashlib.sha256(canonical).hexdigest(), "inputs": inputs}


def read_metadata(out: str | Path, name: str) -> dict | None:
    """Metadata of report ``name`` in ``out`` (``<name>.json``); None when absent or unreadable."""
    path = Path(out) / (name + ".json")
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return meta if isinstance(meta, dict) else None


def is_complete(out: str | Path, meta: dict) -> bool:
    """True when the report file named in ``meta`` exists and its SHA-256 is the one recorded.

    The metadata is written after the HTML, so a report killed between the two writes (new HTML,
    old metadata) is not complete and neither listed nor skipped.
    """
    path = Path(out) / str(meta.get("file", ""))
    return (
        bool(meta.get("html_sha256")) and path.is_file() and sha256_of(path) == meta["html_sha256"]
    )


def is_current(out: str | Path, name: str, fingerprint: str) -> bool:
    """True when report ``name`` is complete and was built from inputs with this fingerprint."""
    meta = read_metadata(out, name)
    return meta is not None and meta.get("fingerprint") == fingerprint and is_complete(out, meta)


def check_year(plan, year: int) -> None:
    """Raise :class:`InputError` unless ``year`` lies in the base year through the target year.

    The accepted data years are ``plan.period_start - 1`` (the base year, e.g. 2020 for a
    2021–2025 plan) through ``plan.period_end`` (the target year), both included.
    """
    first, last = plan.period_start - 1, plan.period_end
    if not first <= int(year) <= last:
        raise InputError(
            Problem(
                "--year",
                f"data year {year} is outside plan '{plan.plan}' (period "
                f"{plan.period_start}–{plan.period_end}; base year {first})",
                f"数据年份 {year} 不在规划 '{plan.plan}' 的期限内（规划期 "
                f"{plan.period_start}–{plan.period_end} 年，基期 {first} 年）",
                f"pass --year between {first} and {last}",
                f"--year 取 {first} 至 {last} 之间的年份",
            )
        )


def check_geography(data_dir: str | Path, geography: str, year: int) -> None:
    """Raise :class:`InputError` unless ``geography`` has a data file of a year <= ``year``."""
    from planeval.intake.observations import list_geographies

    files = observation_files(data_dir, geography)
    if any(file_year <= int(year) for file_year, _ in files):
        return
    folder = Path(data_dir) / "observations" / geography
    if files:
        years = ", ".join(str(y) for y in sorted({y for y, _ in files}))
        raise InputError(
            Problem(
                str(folder),
                f"no observation file of {year} or earlier for '{geography}' (years: {years})",
                f"'{geography}' 没有 {year} 年及以前的观测数据文件（现有年份：{years}）",
                "pass a later --year, or add the submission files of earlier years",
                "改用更晚的 --year，或补充更早年份的数据文件",
            )
        )
    known = ", ".join(list_geographies(data_dir)) or "none"
    raise InputError(
        Problem(
            str(folder),
            f"no observation files for geography '{geography}' (found: {known})",
            f"找不到地区 '{geography}' 的观测数据文件（现有：{known}）",
            "pass --geography with one of the names found, or --data-dir pointing at the data",
            "--geography 取现有地区之一，或用 --data-dir 指向数据文件夹",
        )
    )


def check_inputs(
    plan: str, stage: str, year: int, geography: str, data_dir: str | Path, lang: str
) -> None:
    """Fail early, before a kernel starts, with a clear message on bad parameters or data.

    Checks the stage and language, the data year against the plan period (:func:`check_year`),
    that the geography has data up to ``year`` (:func:`check_geography`), loads the plan and the
    geography's observations up to
    ``year`` and those of the reference geography the report draws beside it (when present).
    Raises :class:`InputError` listing the problems.
    """
    if stage not in STAGES:
        raise InputError(
            Problem(
                "--stage",
                f"unknown stage '{stage}'",
                f"未知报告类型 '{stage}'",
                f"use one of {', '.join(STAGES)}",
            )
        )
    if lang not in ("zh", "en"):
        raise InputError(
            Problem("--lang", f"unknown language '{lang}'", f"未知语言 '{lang}'", "use zh or en")
        )
    from planeval.reporting.sections import default_reference

    plans, units = catalogue_state(data_dir)  # every plan file parsed and validated
    plan_path = _plan_file(plan, Path(data_dir), plans)
    check_year(load_plan(plan_path, data_dir), year)
    check_geography(data_dir, geography, year)
    load_observations(data_dir, geography, units=units, up_to_year=year)
    reference = default_reference(geography, None)
    if reference and observation_files(data_dir, reference):
        load_observations(data_dir, reference, units=units, up_to_year=year)


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


def failed_record_paths(out: str | Path, name: str) -> tuple[Path, Path]:
    """``(<out>/failed/<stem>.txt, <out>/failed/<stem>.ipynb)`` for report file ``name``."""
    stem = name[: -len(".html")] if name.endswith(".html") else name
    failed = Path(out) / "failed"
    return failed / f"{stem}.txt", failed / f"{stem}.ipynb"


def record_failure(out: Path, name: str, params: dict, message: str) -> Path:
    """Write ``<out>/failed/<stem>.txt``: report name, time, parameters and ``message``."""
    txt, _ = failed_record_paths(out, name)
    stamp = dt.datetime.now().isoformat(timespec="seconds")
    lines = [f"report: {name}", f"failed: {stamp}"]
    lines += [f"{k}: {v}" for k, v in params.items()]
    atomic_write_text(txt, "\n".join(lines) + "\n\n" + message.rstrip() + "\n")
    return txt


def _execution_message(exc) -> str:
    """One paragraph naming the failing cell for a papermill ``PapermillExecutionError``."""
    where = f"cell {exc.cell_index}" + (
        f" (execution count {exc.exec_count})" if exc.exec_count else ""
    )
    return f"notebook {where} raised {exc.ename}: {exc.evalue}"


def build_report(
    plan: str,
    stage: str,
    year: int,
    geography: str,
    data_dir: str | Path = "data",
    lang: str = "zh",
    out: str | Path = "reports",
    notebook: str | Path = NOTEBOOK,
    force: bool = True,
    keep_notebook: bool = False,
    record_input_errors: bool = True,
) -> ReportOutcome:
    """Build one report unless it is current; returns a :class:`ReportOutcome`.

    With ``force=False`` a report whose metadata holds the same input fingerprint
    (:func:`input_fingerprint`) and whose HTML is complete is skipped. Otherwise the notebook is
    executed with papermill on the ``planeval`` kernel and exported to HTML; the HTML and then
    its metadata are written atomically, and any earlier failure record of this report is
    removed.

    Raises :class:`InputError` for bad parameters or data (before executing anything; the
    message is also written to ``<out>/failed/<name>.txt``) and papermill's
    ``PapermillExecutionError`` when a cell fails (the executed notebook, error cell included,
    is kept as ``<out>/failed/<name>.ipynb``). In both cases no report file is written or replaced.
    With ``record_input_errors=False`` (a single ``planeval report`` command, where the user sees
    the message at once) an :class:`InputError` leaves no record under ``<out>/failed/``.
    """
    import nbformat
    import papermill as pm

    t_start = time.perf_counter()
    timings: dict[str, float] = {}
    data_dir = Path(data_dir).resolve()
    out = Path(out)
    name = report_name(geography, plan, stage, year, lang)
    params = {
        "plan": plan,
        "stage": stage,
        "year": int(year),
        "geography": geography,
        "data_dir": str(data_dir),
        "lang": lang,
    }
    target = out / name
    check_out_folder(out)
    try:
        t = time.perf_counter()
        fingerprint = input_fingerprint(plan, stage, year, geography, data_dir, lang, notebook)
        timings["fingerprint"] = time.perf_counter() - t
        if not force and is_current(out, name, fingerprint["sha256"]):
            timings["total"] = time.perf_counter() - t_start
            return ReportOutcome(target, "skipped", fingerprint["sha256"], timings)
        t = time.perf_counter()
        check_inputs(plan, stage, year, geography, data_dir, lang)
        timings["check"] = time.perf_counter() - t
    except InputError as exc:
        if record_input_errors:
            record_failure(out, name, params, f"bad input (nothing was executed):\n{exc}")
        raise

    kernel = ensure_kernel()
    out.mkdir(parents=True, exist_ok=True)
    txt_record, nb_record = failed_record_paths(out, name)
    with tempfile.TemporaryDirectory(prefix="planeval-") as tmp:
        executed = Path(tmp) / name.replace(".html", ".ipynb")
        t = time.perf_counter()
        try:
            pm.execute_notebook(
                str(notebook),
                str(executed),
                parameters=params,
                kernel_name=kernel,
                progress_bar=False,
                cwd=str(Path(notebook).parent),
                extra_arguments=KERNEL_QUIET,
            )
        except Exception as exc:
            # keep the executed notebook (with the error cell) for debugging; the temporary
            # folder may be on another file system, so copy it atomically rather than rename
            if executed.exists():
                atomic_write_bytes(nb_record, executed.read_bytes())
            message = (
                _execution_message(exc) if hasattr(exc, "ename") else f"{type(exc).__name__}: {exc}"
            )
            if executed.exists():
                message += f"\nexecuted notebook kept at {nb_record}"
            record_failure(out, name, params, message)
            raise
        wall = time.perf_counter() - t
        nb = nbformat.read(executed, as_version=4)
        cells = sum(
            float(c.get("metadata", {}).get("papermill", {}).get("duration") or 0.0)
            for c in nb.cells
        )
        timings["cells"] = cells
        timings["kernel"] = max(wall - cells, 0.0)
        t = time.perf_counter()
        body = html_from_notebook(nb, title=name[:-5], lang=lang)
        timings["export"] = time.perf_counter() - t
        if keep_notebook:
            atomic_write_bytes(out / executed.name, executed.read_bytes())

    t = time.perf_counter()
    data = body.encode("utf-8")
    atomic_write_bytes(target, data)
    timings["write"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - t_start
    meta = {
        "file": name,
        "plan": plan,
        "stage": stage,
        "year": int(year),
        "geography": geography,
        "lang": lang,
        "produced": dt.datetime.now().isoformat(timespec="seconds"),
        "html_sha256": hashlib.sha256(data).hexdigest(),
        "fingerprint": fingerprint["sha256"],
        "inputs": fingerprint["inputs"],
        "timings": {k: round(v, 3) for k, v in timings.items()},
    }
    # metadata last: a report is complete (listed, skippable) only once this rename happened
    atomic_write_text(out / (name + ".json"), json.dumps(meta, ensure_ascii=False, indent=1))
    txt_record.unlink(missing_ok=True)
    nb_record.unlink(missing_ok=True)
    return ReportOutcome(target, "done", fingerprint["sha256"], timings)


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
    record_input_errors: bool = True,
) -> Path:
    """Execute the evaluation notebook for one report and write its HTML; returns the path.

    Always rebuilds (see :func:`build_report` for skipping unchanged reports). Raises
    :class:`InputError` for bad parameters or data (before executing anything) and papermill's
    ``PapermillExecutionError`` when a cell fails; in both cases no report file is written or
    replaced and a record is left under ``<out>/failed/``.
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
    ).path


def complete_reports(out: str | Path = "reports") -> list[dict]:
    """Metadata of every complete report in ``out`` (see :func:`is_complete`), sorted by
    geography, plan, year, stage and language."""
    out = Path(out)
    rows = []
    for meta_path in sorted(out.glob("*.html.json")):
        meta = read_metadata(out, meta_path.name[: -len(".json")])
        if meta is not None and is_complete(out, meta):
            rows.append(meta)
    # stages in the plan's own order (annual, midterm, final), not alphabetical
    rank = {stage: i for i, stage in enumerate(STAGES)}
    rows.sort(
        key=lambda m: (m["geography"], m["plan"], rank.get(m["stage"], 9), m["year"], m["lang"])
    )
    return rows


def last_failure(out: str | Path, name: str) -> dict | None:
    """The failure record left by the last (failed) build of report ``name``, or None.

    A successful build removes the record, so a record beside a complete report means that
    report is outdated: the last rebuild failed and the file is the previous good one. Returns
    ``{"failed": <time as written in the record>, "record": <path relative to out>}``.
    """
    txt, nb = failed_record_paths(out, name)
    if not txt.is_file():
        return None
    stamp = ""
    for line in txt.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("failed: "):
            stamp = line[len("failed: ") :].strip()
            break
    record = nb if nb.is_file() else txt
    return {"failed": stamp, "record": record.relative_to(Path(out)).as_posix()}


def _outdated_cell(out: Path, name: str) -> str:
    failure = last_failure(out, name)
    if failure is None:
        return "<td>当前 · current</td>"
    link = html.escape(failure["record"], quote=True)
    when = html.escape(failure["failed"])
    return (
        '<td class="outdated"><strong>过期 · outdated</strong>: 最近一次重建失败 / last rebuild '
        f'failed {when}, 见 / see <a href="{link}">{html.escape(failure["record"])}</a></td>'
    )


def write_index(out: str | Path = "reports") -> Path:
    """``reports/index.html``: every complete report in the folder, and the catalogue pages.

    A report is listed only when its metadata exists and the HTML's SHA-256 matches the one
    recorded there, so a report whose writing was interrupted is never linked. A report whose
    last rebuild failed (a record under ``failed/``, see :func:`last_failure`) stays listed
    (the good file is kept) but is marked outdated with the time of the failure and a link to
    the record. Written atomically.
    """
    out = Path(out)
    from planeval.core.labels import geography_name, label

    rows = complete_reports(out)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td>{html.escape(str(c))}</td>"
            for c in (
                f"{geography_name(m['geography'], 'zh')} [{m['geography']}]",
                m["plan"],
                label("stage", m["stage"], "zh") + " / " + label("stage", m["stage"], "en"),
                m["year"],
                m["lang"],
                m["produced"],
            )
        )
        + f'<td><a href="{html.escape(m["file"], quote=True)}">{html.escape(m["file"])}</a></td>'
        f"<td><code>{html.escape(str(m.get('fingerprint', ''))[:12])}</code></td>"
        + _outdated_cell(out, m["file"])
        + "</tr>"
        for m in rows
    )
    pages = sorted(p.name for p in out.glob("catalogue_*.html"))
    catalogue = ""
    if pages:
        links = "".join(
            f'<li><a href="{html.escape(p, quote=True)}">{html.escape(p)}</a></li>' for p in pages
        )
        catalogue = f"<h2>目标目录审核页 · Catalogue audit pages</h2><ul>{links}</ul>"
    style = (
        "body{font-family:sans-serif;max-width:1100px;margin:2em auto}"
        "table{border-collapse:collapse;width:100%}"
        "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}th{background:#eef3f8}"
        "td.outdated{background:#fdecea}"
    )
    head = "".join(
        f"<th>{h}</th>"
        for h in (
            "地区 Geography",
            "规划 Plan",
            "类型 Stage",
            "数据年份 Data year",
            "语言 Lang",
            "生成时间 Produced",
            "报告 Report",
            "输入指纹 Inputs",
            "状态 State",
        )
    )
    page = (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>planeval reports</title><style>{style}</style></head><body>\n"
        "<h1>评估报告目录 · Evaluation reports</h1>\n"
        f"<table><thead><tr>{head}</tr></thead>\n<tbody>{body}</tbody></table>{catalogue}\n"
        "</body></html>"
    )
    target = out / "index.html"
    atomic_write_text(target, page)
    return target
