"""What a report reads: ONE list of its inputs (:func:`report_inputs`), and the reference
geography and revisions it reads besides its assessment.

:func:`report_inputs` is the only list of the files a report depends on. The report's context
(:func:`planeval.reporting.build.context_for`) reads the reference geography and the narrative
named there, the fingerprint (:func:`planeval.publish.fingerprint.input_fingerprint`) hashes
every file of it, and the provenance table (:func:`planeval.reporting.provenance.provenance_rows`)
prints every file with its SHA-256. A file a report reads that is not listed here would not
rebuild the report when it changes: add it here, and the three follow.
"""

from __future__ import annotations

import platform
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pandas as pd

#: Packages whose versions are part of a report's inputs (they compute and render it).
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


def package_versions() -> dict[str, str]:
    """Installed versions of the packages that compute and render a report."""
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


@dataclass(frozen=True)
class ReportInputs:
    """Every input of one report (absolute paths; a file that does not exist is left out).

    ``plan``: the report's plan file; ``plans``: every plan file of the data folder (the
    register a submission's indicators and units are checked against) and ``indicators``
    (``indicators.yaml``, the monitoring indicators); ``observations``: the geography's
    submission files of data years up to the cut-off (later files cannot change the report);
    ``reference``: the same for the reference geography; ``settings`` (``assessment.yaml`` or
    the package's copy), ``calibration`` (the interval calibration file), ``geographies``,
    ``departments``, ``units`` (the data folder's files or the package's copies), ``narrative``
    (the office's text of this report), ``notebook``; and :attr:`versions` (planeval and the
    numerical packages).
    """

    data_dir: Path
    reference_geography: str
    plan_short_name: str
    groups: dict[str, tuple[Path, ...]]

    @property
    def versions(self) -> dict[str, str]:
        """The code's inputs: planeval's version and those of the packages that compute and
        render the report (:func:`package_versions`)."""
        from planeval.core.version import __version__

        return {"planeval_version": __version__, **package_versions()}

    def label(self, path: Path) -> str:
        """A file's name in the fingerprint and provenance: relative to the data folder (so
        moving the folder rebuilds nothing), else ``package:<path in the package>``."""
        try:
            return path.relative_to(self.data_dir).as_posix()
        except ValueError:
            pass
        package = Path(__file__).resolve().parents[1]
        try:
            return "package:" + path.resolve().relative_to(package).as_posix()
        except ValueError:
            return path.name

    def digests(self) -> dict[str, dict[str, str]]:
        """``{group: {label: SHA-256}}`` of every input file."""
        from planeval.intake.observations import sha256_of

        return {
            group: {self.label(p): sha256_of(p) for p in paths}
            for group, paths in self.groups.items()
        }


def _existing(*paths) -> tuple[Path, ...]:
    return tuple(Path(p).absolute() for p in paths if p is not None and Path(p).is_file())


def _files_up_to(data_dir: Path, geography: str, year: int) -> tuple[Path, ...]:
    from planeval.intake.observations import observation_files

    if not geography:
        return ()
    return _existing(*(p for y, p in observation_files(data_dir, geography) if y <= int(year)))


def report_inputs(
    spec, data_dir: str | Path, notebook: str | Path | None = None, plan=None
) -> ReportInputs:
    """The one list of what report ``spec`` (a :class:`~planeval.reporting.spec.ReportSpec`)
    reads from ``data_dir`` (see :class:`ReportInputs`); ``notebook``: the notebook that
    builds it, when there is one; ``plan``: the loaded plan, when the caller has it (else
    ``spec.plan`` is loaded from ``data_dir``).

    Raises :class:`~planeval.core.errors.InputError` when the plan is unknown or a plan or
    settings file is invalid.
    """
    from planeval.core.settings import load_settings
    from planeval.plans.catalogue import load_plan
    from planeval.plans.loading import plan_files
    from planeval.plans.registry import data_file
    from planeval.reporting.narrative import narrative_path

    data_dir = Path(data_dir).absolute()
    plan = plan if plan is not None else load_plan(spec.plan, data_dir)
    settings = load_settings(data_dir)
    reference = default_reference(spec.geography, spec.reference_geography, data_dir)
    groups = {
        "plan": _existing(plan.path),
        "plans": _existing(*plan_files(data_dir)),
        "indicators": _existing(data_dir / "indicators.yaml"),
        "observations": _files_up_to(data_dir, spec.geography, spec.year),
        "reference": _files_up_to(data_dir, reference, spec.year),
        "settings": _existing(settings["_path"]),
        "calibration": _existing(data_dir / settings["calibration"]["file"]),
        "geographies": _existing(data_file(data_dir, "geographies.yaml")),
        "departments": _existing(data_file(data_dir, "departments.yaml")),
        "units": _existing(data_file(data_dir, "units.yaml")),
        "narrative": _existing(
            narrative_path(data_dir, spec.geography, plan.short_name, spec.stage, spec.year)
        ),
        "notebook": _existing(notebook),
    }
    return ReportInputs(data_dir, reference, plan.short_name, groups)


def default_reference(
    geography: str, reference_geography: str | None, data_dir: str | Path | None = None
) -> str:
    """The reference geography to draw beside the report's: the given one, else the top of
    the geography's hierarchy in ``<data_dir>/geographies.yaml`` (the country; none for the
    country itself; ``china`` for a geography not listed). The string ``"None"`` (papermill's
    ``-p reference_geography None``) counts as not given."""
    from planeval.plans.registry import reference_for

    if reference_geography in ("None", "none"):
        reference_geography = None
    if reference_geography is not None:
        return "" if reference_geography == geography else reference_geography
    return reference_for(geography, data_dir)


def load_reference(reference_geography: str, year: int, data_dir) -> pd.DataFrame | None:
    """Observations of the reference geography up to ``year``, or None when it is not given
    or its folder holds no year file (the reference is then silently absent).

    Raises ``InputError`` when the folder exists but its files are invalid.
    """
    from planeval.intake.observations import observation_files
    from planeval.store.database import load_geography

    if not reference_geography or not observation_files(data_dir, reference_geography):
        return None
    return load_geography(data_dir, reference_geography, up_to_year=year)


def load_revisions(geography: str, year: int, data_dir) -> pd.DataFrame:
    """Revision history of a geography's values up to ``year`` from the monitoring database
    (:func:`planeval.store.database.revision_history`); empty when nothing was revised."""
    from planeval.store.database import revision_history

    return revision_history(data_dir, geography, up_to_year=year)


def series_of(obs: pd.DataFrame | None, indicator_id: str, sex: str = "total") -> pd.Series:
    """Values of one indicator and sex indexed by year (empty without data)."""
    from planeval.intake.observations import series_for

    if obs is None or not len(obs):
        return pd.Series(dtype=float)
    return series_for(obs, indicator_id, sex)


def other_plan_targets(plan, data_dir) -> dict[str, list[tuple]]:
    """The targets other plans of the same geography set for this plan's indicators, where
    they differ (type, figure or target year): ``{indicator_id: [(other plan, its target)]}``.

    The two plans' reports then judge one value against different targets, and the findings
    say so. Every plan file is already among a report's inputs (:func:`report_inputs`).
    ``{}`` without a data folder."""
    from planeval.plans.loading import load_all_plans

    if data_dir is None or not (Path(data_dir) / "plans").is_dir():
        return {}
    mine = {t.indicator_id: t for t in plan.targets if t.is_statistical}
    out: dict[str, list[tuple]] = {}
    for other in load_all_plans(data_dir):
        if other.plan == plan.plan or other.geography != plan.geography:
            continue
        for t in other.targets:
            own = mine.get(t.indicator_id)
            if own is None or not t.is_statistical:
                continue
            if (t.target_type, t.target_value, t.target_year) != (
                own.target_type,
                own.target_value,
                own.target_year,
            ):
                out.setdefault(t.indicator_id, []).append((other, t))
    return out
