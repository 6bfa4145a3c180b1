"""Submission status (报送情况): which departments filed for a geography and year, what is
still missing, and when each file was saved.

The expected indicators of a department are the targets it reports in every plan of the data
folder (``department:`` of each target; an indicator in two plans is expected once). A value
counts as reported when a submission file of that year (any vintage) gives a number for it, or
a written account for a qualitative target; a row marked missing (``—``) does not count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from planeval.core.errors import InputError
from planeval.intake.observations import load_observations, submission_files
from planeval.plans.loading import known_units, load_all_plans
from planeval.plans.model import Target
from planeval.plans.registry import load_vocabulary


@dataclass(frozen=True)
class FiledFile:
    """One submission file of the year: name, vintage and when it was last saved (UTC)."""

    name: str
    vintage: int
    saved: str


@dataclass
class DepartmentStatus:
    """One department's part of a year: what it should report and what is still missing."""

    department: str
    department_en: str
    expected: list[Target] = field(default_factory=list)
    reported: list[str] = field(default_factory=list)
    files: list[FiledFile] = field(default_factory=list)

    @property
    def missing(self) -> list[Target]:
        return [t for t in self.expected if t.indicator_id not in self.reported]

    @property
    def filed(self) -> bool:
        return bool(self.reported)


@dataclass
class SubmissionStatus:
    """The 报送情况 of one geography and year (``problems``: why the files could not be read,
    in which case nothing counts as reported)."""

    geography: str
    year: int
    departments: list[DepartmentStatus]
    files: list[FiledFile]
    problems: list = field(default_factory=list)

    @property
    def n_missing(self) -> int:
        return sum(len(d.missing) for d in self.departments)


def _reported_ids(data_dir: Path, geography: str, year: int) -> tuple[set[str], list]:
    """indicator_ids with a value or an account in the year's files, and the problems that
    stopped them being read."""
    try:
        obs = load_observations(data_dir, geography, known_units(data_dir), up_to_year=year)
    except InputError as exc:
        return set(), exc.problems
    obs = obs[obs["year"] == year]
    has = obs["value"].notna() | (obs["account"].fillna("").astype(str).str.strip() != "")
    return set(obs.loc[has, "indicator_id"]), []


def _part_of(files: list[FiledFile], department: str) -> list[FiledFile]:
    return [f for f in files if department in f.name]


def submission_status(data_dir: str | Path, geography: str, year: int) -> SubmissionStatus:
    """Who filed, what is missing and when, for ``geography`` and ``year``.

    Raises :class:`InputError` when the plans cannot be read, or for a year no data can have
    or a geography that is not a code (the request checks every command makes).
    """
    from planeval.core.arguments import PYTHON
    from planeval.plans.requests import check_submission

    data_dir = Path(data_dir)
    year, geography = check_submission(year, geography, data_dir, PYTHON)  # as every command
    plans = load_all_plans(data_dir)
    vocabulary = load_vocabulary(data_dir)
    files = [
        FiledFile(
            f.path.name,
            f.vintage,
            dt.datetime.fromtimestamp(f.path.stat().st_mtime, dt.UTC).strftime("%Y-%m-%d %H:%M"),
        )
        for f in submission_files(data_dir, geography)
        if f.year == year
    ]
    reported, problems = _reported_ids(data_dir, geography, year) if files else (set(), [])
    by_department: dict[str, dict[str, Target]] = {}
    for plan in plans:
        for t in plan.targets:
            if t.department:
                by_department.setdefault(t.department, {}).setdefault(t.indicator_id, t)
    departments = [
        DepartmentStatus(
            name,
            vocabulary.departments.get(name, name),
            list(targets.values()),
            sorted(set(targets) & reported),
            _part_of(files, name),
        )
        for name, targets in by_department.items()
    ]
    departments.sort(key=lambda d: (d.filed, -len(d.missing)))
    return SubmissionStatus(geography, year, departments, files, problems)


def status_frame(status: SubmissionStatus) -> pd.DataFrame:
    """One row per department: expected, reported, missing (ids), files."""
    return pd.DataFrame(
        [
            {
                "department": d.department,
                "expected": len(d.expected),
                "reported": len(d.reported),
                "missing": ", ".join(t.indicator_id for t in d.missing),
                "files": ", ".join(f.name for f in d.files),
            }
            for d in status.departments
        ]
    )
