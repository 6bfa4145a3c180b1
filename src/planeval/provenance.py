"""Provenance of a report: parameters, input checksums, package versions, git commit."""

from __future__ import annotations

import subprocess
from importlib import metadata
from pathlib import Path

from .observations import sha256_of

PACKAGES = ("planeval", "pandas", "numpy", "statsmodels", "scipy", "matplotlib", "seaborn", "papermill", "nbconvert")


def git_commit(path: str | Path = ".") -> str:
    """The git commit of the working tree holding ``path`` (``+dirty`` when modified), or 'unknown'."""
    try:
        root = Path(__file__).resolve().parents[2]
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True,
                                timeout=5).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                               capture_output=True, text=True, timeout=5).stdout.strip()
        return (commit + ("+dirty" if dirty else "")) if commit else "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def package_versions() -> dict[str, str]:
    out = {}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def provenance_rows(assessment, params: dict) -> list[tuple[str, str]]:
    """(key, value) rows: parameters, plan file checksum, every observation file's checksum,
    settings file, package versions and git commit."""
    rows = [(f"parameter {k}", str(v)) for k, v in params.items()]
    if assessment.plan.path:
        rows.append((f"plan {Path(assessment.plan.path).name}", sha256_of(assessment.plan.path)))
    obs = assessment.observations
    if obs is not None and len(obs):
        for f, sha in sorted(set(zip(obs["file"], obs["sha256"]))):
            rows.append((f"data {Path(f).parent.name}/{Path(f).name}", sha))
    rows.append(("settings", assessment.settings.get("_path", "")))
    rows += [(f"package {k}", v) for k, v in package_versions().items()]
    rows.append(("git commit", git_commit()))
    return rows
