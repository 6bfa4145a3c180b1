"""The input fingerprint of a report, and the metadata that says whether a report is current.

A report's metadata ``<name>.html.json`` holds the fingerprint of its inputs and the SHA-256 of
its HTML: a report is *complete* when the HTML matches, *current* when the fingerprint does too.
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path

from planeval.intake.observations import sha256_of
from planeval.plans.catalogue import known_units, load_all_plans, load_plan, plan_files
from planeval.reporting.spec import ReportSpec

PACKAGE_ROOT = Path(__file__).resolve().parents[1]
PROJECT_ROOT = Path(__file__).resolve().parents[3]
NOTEBOOK = PROJECT_ROOT / "notebooks" / "evaluation.ipynb"

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
    plans = {name: p.path for p in load_all_plans(data_dir) for name in p.names}
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


def plan_file(plan: str, data_dir: Path, plans: dict[str, str]) -> Path:
    if plan in plans:
        return Path(plans[plan])
    candidate = Path(plan)
    if candidate.suffix in (".yaml", ".yml") and candidate.exists():
        return candidate
    return Path(load_plan(plan, data_dir).path)  # raises the loader's InputError


def input_fingerprint(
    spec: ReportSpec, data_dir: str | Path = "data", notebook: str | Path = NOTEBOOK
) -> dict:
    """Everything report ``spec`` depends on, and one SHA-256 over it all.

    Returns ``{"sha256": <hex>, "inputs": {...}}``: ``parameters`` (every field of the spec:
    plan, stage, year, geography, lang, formats, annex, reference geography), the SHA-256 of
    every file of the one list of the report's inputs
    (:func:`planeval.reporting.inputs.report_inputs`: plan and every plan file, indicator
    register, observation files up to the data cut-off ``year`` of the geography and of its
    reference geography, settings, calibration, geographies, departments, units, narrative,
    notebook), the planeval version, the SHA-256 of the package code (:func:`code_sha256`)
    and the versions of the numerical packages. Later years' files are not inputs: adding
    2025 data does not rebuild a 2023 mid-term report.

    Raises :class:`InputError` when the plan is unknown or a plan/settings file is invalid.
    """
    from planeval.reporting.inputs import report_inputs

    data_dir = Path(data_dir)
    plans, _ = catalogue_state(data_dir)  # parsed once per state of the plan files
    plan = load_plan(plan_file(spec.plan, data_dir, plans), data_dir)
    inputs = report_inputs(spec, data_dir, notebook, plan=plan)
    record = {
        "parameters": spec.fields(),
        "reference_geography": inputs.reference_geography,
        "files": inputs.digests(),
        "versions": inputs.versions,
        "code_sha256": code_sha256(),
    }
    canonical = json.dumps(record, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return {"sha256": hashlib.sha256(canonical).hexdigest(), "inputs": record}


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


def outputs_present(out: str | Path, meta: dict) -> bool:
    """True when every file the report wrote (``files`` of its metadata: the HTML, Word and
    PDF) is there and, where its SHA-256 was recorded, unchanged."""
    digests = meta.get("sha256") or {}
    for fmt, name in (meta.get("files") or {}).items():
        path = Path(out) / str(name)
        if not path.is_file() or (fmt in digests and sha256_of(path) != digests[fmt]):
            return False
    return True


def is_current(out: str | Path, name: str, fingerprint: str) -> bool:
    """True when report ``name`` is complete, every output it wrote (Word, PDF) is still
    there, and it was built from inputs with this fingerprint: a deleted Word or PDF file
    makes the report rebuild."""
    meta = read_metadata(out, name)
    return (
        meta is not None
        and meta.get("fingerprint") == fingerprint
        and is_complete(out, meta)
        and outputs_present(out, meta)
    )
