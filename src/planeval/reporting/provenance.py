"""Provenance of a report: parameters, input checksums, package versions, git commit.

Every number of a report can be traced to the exact input files (SHA-256), the parameters and
the code (git commit, package versions) that produced it.
"""

from __future__ import annotations

import platform
import subprocess
from importlib import metadata
from pathlib import Path

from planeval.intake.observations import sha256_of

PACKAGES = (
    "planeval",
    "pandas",
    "numpy",
    "statsmodels",
    "scipy",
    "matplotlib",
    "seaborn",
    "papermill",
    "nbconvert",
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


def package_versions() -> dict[str, str]:
    """Installed versions of the packages that compute and render a report."""
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def _file_rows(obs) -> list[tuple[str, str]]:
    if obs is None or not len(obs):
        return []
    return [
        (f"data {Path(f).parent.name}/{Path(f).name}", sha)
        for f, sha in sorted(set(zip(obs["file"], obs["sha256"], strict=True)))
    ]


def provenance_rows(assessment, params: dict, extra_observations=()) -> list[tuple[str, str]]:
    """``(key, value)`` rows: parameters, the plan file's SHA-256, every observation file's
    SHA-256 (the report's geography and any ``extra_observations`` frames, e.g. the reference
    geography), the settings file and its SHA-256, package versions and the git commit."""
    rows = [(f"parameter {k}", str(v)) for k, v in params.items()]
    if assessment.plan.path:
        rows.append((f"plan {Path(assessment.plan.path).name}", sha256_of(assessment.plan.path)))
    rows += _file_rows(assessment.observations)
    for obs in extra_observations:
        rows += _file_rows(obs)
    settings = assessment.settings.get("_path", "")
    if settings and Path(settings).exists():
        rows.append((f"settings {Path(settings).name}", sha256_of(settings)))
    rows += [(f"package {k}", v) for k, v in package_versions().items()]
    rows.append(("git commit", git_commit()))
    return rows
