"""Provenance of a report: parameters, input checksums, package versions, git commit.

Every number of a report can be traced to the exact input files (SHA-256), the parameters and
the code (git commit, package versions) that produced it. The files are those of the one list
of a report's inputs (:func:`planeval.reporting.inputs.report_inputs`), the same list the
fingerprint hashes: what the appendix shows is what decides whether a report is rebuilt.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from planeval.reporting.inputs import (  # noqa: F401 - package_versions re-exported
    PACKAGES,
    ReportInputs,
    package_versions,
)


def git_commit(path: str | Path | None = None) -> str:
    """The git commit of the repository holding ``path`` (default: this package), with
    ``+dirty`` when tracked files are modified; ``unknown`` outside a git checkout."""
    root = Path(path) if path is not None else Path(__file__).resolve().parents[3]
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=5
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=5,
        ).stdout.strip()
        return (commit + ("+dirty" if dirty else "")) if commit else "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def provenance_rows(spec, inputs: ReportInputs) -> list[tuple[str, str]]:
    """``(key, value)`` rows: every field of the report's spec, the reference geography, each
    input file of :func:`~planeval.reporting.inputs.report_inputs` (by group) with its
    SHA-256, the package versions and the git commit."""
    rows = [(f"parameter {k}", str(v)) for k, v in spec.fields().items()]
    rows.append(("parameter reference_geography (used)", inputs.reference_geography or "none"))
    for group, files in inputs.digests().items():
        rows += [(f"{group} {name}", sha) for name, sha in files.items()]
    rows += [(f"package {k}", v) for k, v in inputs.versions.items()]
    rows.append(("git commit", git_commit()))
    return rows
