"""Yearly observations: ``data/observations/<geography>/<year>.csv`` or ``<year>.xlsx``.

Each file holds what a statistics bureau submits for one geography and year: a CSV with columns
``indicator_id,value,unit,sex,source,note`` (``sex`` is ``total``, ``female`` or ``male``; an
optional ``account`` column holds a department's written account of a qualitative target), or
the workbook written by ``planeval template`` (one row per indicator, female/male as columns).
CSV files may be UTF-8, UTF-8 with BOM or GBK/GB18030 (detected); values written the way people
write them are read and the change noted in ``parse_note`` (see :mod:`intake.parsing`), and every
rule of :mod:`planeval.intake.schema` is checked.

Revisions (vintages). A later submission that revises a year is saved beside the original as
``<year>_rev<N>.csv`` / ``<year>_rev<N>.xlsx`` (N = 1, 2, ...); it may hold only the revised
rows. :func:`load_observations` returns, per indicator, year and sex, the value of the highest
vintage (0 = the original file) with a ``vintage`` column; :func:`revision_history` lists every
vintage of each revised value for a report's appendix. A revision row marked missing (``—``)
withdraws the earlier value.

Files are read, never written: the tidy frame records for every value its file, sheet, row,
column and the file's SHA-256, so any number in a report can be traced back.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from planeval.core.codes import check_code, code_problem, is_safe_code
from planeval.core.errors import InputError, Problem
from planeval.intake.history import history_problems
from planeval.intake.reading import read_grid
from planeval.intake.rules import IntakeRules, default_rules, load_rules
from planeval.intake.schema import SEXES, validate_frame
from planeval.intake.tidy import tidy_rows

__all__ = [
    "FRAME_COLUMNS",
    "SEXES",
    "SubmissionCheck",
    "SubmissionFile",
    "check_paths",
    "check_submission",
    "list_geographies",
    "load_observations",
    "observation_files",
    "parse_submission_name",
    "parse_submission_parts",
    "qualitative_ids",
    "read_submission",
    "require_catalogue",
    "revision_history",
    "revision_rows",
    "series_for",
    "sha256_of",
    "submission_files",
]

#: Columns a long-form CSV should have; only ``indicator_id``, ``value`` and ``unit`` are
#: required (``sex`` defaults to total, the others to empty).
REQUIRED_COLUMNS = ["indicator_id", "value", "unit", "sex", "source", "note"]
OPTIONAL_COLUMNS = ["account", "female", "male", "year", "geography"]
#: Columns of the tidy observation frame returned by :func:`load_observations`.
FRAME_COLUMNS = [
    "geography",
    "year",
    "indicator_id",
    "sex",
    "value",
    "unit",
    "source",
    "note",
    "account",
    "file",
    "row",
    "sha256",
    "sheet",
    "column",
    "parse_note",
    "vintage",
    "indicator_written",
]
_YEAR_FILE = re.compile(r"^(\d{4})(?:_([^.\s][^.]*))?\.(csv|xlsx)$", re.IGNORECASE)
_REV_TAG = re.compile(r"(?:(.+)_)?rev(\d+)", re.IGNORECASE)
_YEAR_LIKE = re.compile(r"^(19|20)\d{2}(?!\d)")
_YEAR_ANYWHERE = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_REV_ANYWHERE = re.compile(r"_rev(\d+)", re.IGNORECASE)


def sha256_of(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def parse_submission_parts(name: str) -> tuple[int, str, int] | None:
    """``(year, part, vintage)`` of a file name: ``2023.csv`` -> (2023, "", 0),
    ``2023_卫健委.xlsx`` -> (2023, "卫健委", 0), ``2023_rev2.csv`` -> (2023, "", 2),
    ``2023_women_rev1.xlsx`` -> (2023, "women", 1); ``None`` for any other name. The files of
    one year and vintage (several departments' or plans' workbooks) are merged."""
    match = _YEAR_FILE.match(name)
    if not match:
        return None
    tag = match.group(2) or ""
    rev = _REV_TAG.fullmatch(tag)
    if rev:
        return int(match.group(1)), rev.group(1) or "", int(rev.group(2))
    return int(match.group(1)), tag, 0


def parse_submission_name(name: str) -> tuple[int, int] | None:
    """``(year, vintage)`` of a submission file name (see :func:`parse_submission_parts`)."""
    parsed = parse_submission_parts(name)
    return None if parsed is None else (parsed[0], parsed[2])


@dataclass(frozen=True)
class SubmissionFile:
    """One yearly submission file of a geography: ``vintage`` 0 is the original."""

    year: int
    vintage: int
    path: Path
    part: str = ""


@dataclass
class SubmissionCheck:
    """Everything learnt from reading and validating one file (for ``planeval validate``)."""

    path: Path
    geography: str | None
    year: int | None
    vintage: int
    sha256: str | None = None
    encoding: str | None = None
    sheets: list[str] = field(default_factory=list)
    meta: dict = field(default_factory=dict)
    frame: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=FRAME_COLUMNS))
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def notes(self) -> pd.DataFrame:
        """Rows whose reading changed what was written (``parse_note`` not empty)."""
        return self.frame[self.frame["parse_note"].astype(str) != ""]


def check_submission(
    path: str | Path,
    geography: str | None,
    year: int | None,
    units: dict[str, str] | None = None,
    vintage: int = 0,
    qualitative: frozenset[str] | set[str] = frozenset(),
    rules: IntakeRules | None = None,
) -> SubmissionCheck:
    """Read and validate one .csv/.xlsx submission; never raises for bad data.

    ``units`` (indicator_id -> catalogue unit, see :func:`planeval.plans.catalogue.known_units`)
    enables the catalogue checks. Rows with problems are left out of ``frame``; every problem
    is listed. ``frame`` has :data:`FRAME_COLUMNS` (``value`` float, NaN = missing, in the
    indicator's unit). ``qualitative``: indicator_ids of not_statistical targets (see
    :func:`qualitative_ids`); a number in their value cell is a problem. ``rules``: sheet
    limits and plausibility thresholds (:func:`planeval.intake.rules.load_rules` of the data
    folder; default: the package settings, no plan levels).
    """
    path = Path(path)
    rules = rules or default_rules()
    result = SubmissionCheck(path, geography, year, vintage)
    grid = read_grid(path, rules)
    result.encoding = grid.encoding
    result.sheets = [s.name for s in grid.sheets if s.name]
    result.meta = dict(grid.meta)
    frame, problems = tidy_rows(grid, geography, year, units, qualitative, rules.indicator_names)
    del grid  # the cells are no longer needed: free them before validation
    if path.is_file():
        result.sha256 = sha256_of(path)
    if not frame.empty:
        more, bad = validate_frame(frame, units, rules)
        problems = problems + more
        frame = frame.drop(index=list(bad))
        frame["sha256"] = result.sha256
        frame["vintage"] = vintage
        frame["sheet"] = frame["sheet"].fillna("").astype(str)
        frame = frame[FRAME_COLUMNS].reset_index(drop=True)
        frame["value"] = frame["value"].astype(float)
    else:
        frame = pd.DataFrame(columns=FRAME_COLUMNS)
    result.frame = frame
    result.problems = sorted(problems, key=lambda p: (p.sheet or "", p.row or 0))
    return result


def read_submission(
    path: str | Path,
    geography: str,
    year: int,
    units: dict[str, str] | None = None,
    vintage: int = 0,
) -> tuple[pd.DataFrame, list[Problem]]:
    """Read one yearly file (.csv in UTF-8/UTF-8 BOM/GBK, or .xlsx) into tidy rows;
    return ``(frame, problems)``.

    ``units`` maps known ``indicator_id`` to the catalogue's unit; when given, unknown
    indicators and units that disagree with the catalogue are problems. Rows with problems are
    left out of the frame but every one is listed, so nothing is dropped silently.
    """
    result = check_submission(path, geography, year, units, vintage)
    return result.frame, result.problems


def _stray_problem(path: Path) -> Problem:
    """A file of an observations folder whose name is not a submission name; the fix names
    the file it should be when its name holds a year (``新疆2021年.csv`` -> ``2021.csv``)."""
    year = _YEAR_ANYWHERE.search(path.stem)
    name = f"{year.group(1)}{path.suffix.lower()}" if year else "<year>.csv or <year>.xlsx"
    name_zh = f"{year.group(1)}{path.suffix.lower()}" if year else "<年份>.csv 或 <年份>.xlsx"
    return Problem(
        str(path),
        "file name not understood: the file is not read",
        "无法识别文件名：该文件未被读取",
        f"name it {name} (a revision: <year>_rev<N>.csv; a department's file: "
        "<year>_<department>.xlsx)",
        f"命名为 {name_zh}（修订：<年份>_rev<N>.csv；部门文件：<年份>_<部门>.xlsx）",
        code="file",
    )


def geography_folder(data_dir: str | Path, geography: str) -> Path:
    """``<data_dir>/observations/<geography>``; raises :class:`InputError` (zh + en) when
    ``geography`` is not a safe code (``../../../evil``), before any file is touched."""
    return Path(data_dir) / "observations" / check_code(geography, "geography", "--geography")


def submission_files(data_dir: str | Path, geography: str) -> list[SubmissionFile]:
    """Every submission file of a geography, sorted by year then vintage.

    Files of ``<data_dir>/observations/<geography>`` named ``<year>.csv|xlsx`` (vintage 0) or
    ``<year>_rev<N>.csv|xlsx`` (vintage N). Other files (``resolution_log.csv``, Excel lock
    files ``~$...``) are not submissions. Raises :class:`InputError` for a geography that is
    not a safe code (see :func:`geography_folder`).
    """
    folder = geography_folder(data_dir, geography)
    out = []
    if not folder.is_dir():
        return out
    for path in folder.iterdir():
        parsed = parse_submission_parts(path.name)
        if parsed and path.is_file():
            out.append(SubmissionFile(parsed[0], parsed[2], path, parsed[1]))
    return sorted(out, key=lambda f: (f.year, f.vintage, f.path.name))


#: Files an observations folder may hold beside the submissions without being reported.
NOT_DATA_FILES = ("resolution_log.csv",)


def is_not_data(name: str) -> bool:
    """A file clearly not a submission: hidden (``.gitkeep``, ``.DS_Store``), an Excel lock file
    (``~$2024.xlsx``), a ``README*`` or a name in :data:`NOT_DATA_FILES`. Every other file of an
    observations folder that is not named as a submission is reported, never skipped."""
    return (
        name.startswith((".", "~$"))
        or name.lower().startswith("readme")
        or (name.lower() in NOT_DATA_FILES)
    )


def _stray_files(data_dir: str | Path, geography: str) -> list[Path]:
    """Files not named as a submission (``2024 (1).xlsx``, ``2024.xls``, ``abc.csv``) other than
    :func:`is_not_data` ones: reported rather than silently skipped."""
    folder = geography_folder(data_dir, geography)
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and not is_not_data(p.name) and not parse_submission_name(p.name)
    )


def observation_files(data_dir: str | Path, geography: str) -> list[tuple[int, Path]]:
    """``(year, path)`` of every submission file (originals and revisions) under
    ``<data_dir>/observations/<geography>``, sorted by year then vintage."""
    return [(f.year, f.path) for f in submission_files(data_dir, geography)]


def list_geographies(data_dir: str | Path = "data") -> list[str]:
    """Folder names under ``<data_dir>/observations`` that hold at least one year file and are
    safe codes (a folder named otherwise is reported by :func:`misnamed_geographies`)."""
    root = Path(data_dir) / "observations"
    if not root.is_dir():
        return []
    return sorted(
        p.name
        for p in root.iterdir()
        if p.is_dir() and is_safe_code(p.name) and submission_files(data_dir, p.name)
    )


def misnamed_geographies(data_dir: str | Path = "data") -> list[Problem]:
    """One problem per folder under ``<data_dir>/observations`` whose name is not a safe
    geography code (``Evil Folder``, ``a.b``): its files are not read until it is renamed."""
    root = Path(data_dir) / "observations"
    folders = sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
    found = (
        code_problem(p.name, "geography", str(p), code="geography")
        for p in folders
        if not p.name.startswith(".")
    )
    return [p for p in found if p is not None]


def _same_vintage_problems(checks: list[SubmissionCheck]) -> list[Problem]:
    seen: dict[tuple, Path] = {}
    problems = []
    for c in checks:
        # only files named as the store names them, in one folder, can clash
        parts = parse_submission_parts(c.path.name)
        if c.year is None or parts is None:
            continue
        key = (c.path.parent.resolve(), c.year, c.vintage, parts[1].lower())
        if key in seen:
            problems.append(
                Problem(
                    str(c.path),
                    f"a second file for {c.geography or ''} {c.year} (vintage "
                    f"{c.vintage}) beside {seen[key].name}",
                    f"{c.year} 年（版本 {c.vintage}）有第二个文件，另一个是 {seen[key].name}",
                    "keep one file per year and name (several departments' files as "
                    "<year>_<name>.xlsx); save a revision as <year>_rev<N>.csv or .xlsx",
                    "每个年份和名称只保留一个文件（各部门文件命名为 <年份>_<名称>.xlsx）；"
                    "修订数据另存为 <年份>_rev<N>.csv 或 .xlsx",
                    code="file",
                )
            )
        else:
            seen[key] = c.path
    return problems


def load_observations(
    data_dir: str | Path,
    geography: str,
    units: dict[str, str] | None = None,
    up_to_year: int | None = None,
    vintages: str = "latest",
) -> pd.DataFrame:
    """All observations of one geography as a tidy frame (:data:`FRAME_COLUMNS`).

    One row per indicator, year and sex: the value of the latest vintage (``vintages="all"``
    returns every vintage's rows, with a boolean ``current`` column). ``value`` is a float in
    ``unit`` (%, ‰, 1/10万 = per 100,000 ...), NaN where marked missing. ``up_to_year`` leaves
    out data years after it (a 2023 mid-term report never sees 2024). Raises
    :class:`InputError` listing every problem of every file, or when the geography has no data.
    """
    if vintages not in ("latest", "all"):
        raise ValueError("vintages must be 'latest' or 'all'")
    files = submission_files(data_dir, geography)
    if not files:
        raise InputError(
            Problem(
                str(Path(data_dir) / "observations" / geography),
                f"no yearly files (<year>.csv or <year>.xlsx) for geography '{geography}'",
                f"地区 '{geography}' 没有年度数据文件",
                "check --geography and --data-dir",
                "检查 --geography 和 --data-dir",
            )
        )
    problems = [_stray_problem(p) for p in _stray_files(data_dir, geography)]
    problems += _geography_problems(data_dir, geography)
    problems += _year_problems(data_dir, [(f.year, f.path) for f in files])
    qualitative = qualitative_ids(data_dir) if units else frozenset()
    rules = load_rules(data_dir)
    checks = []
    for f in files:
        if up_to_year is not None and f.year > up_to_year:
            continue
        checks.append(
            check_submission(f.path, geography, f.year, units, f.vintage, qualitative, rules)
        )
    problems += [p for c in checks for p in c.problems] + _same_vintage_problems(checks)
    problems += [p for c in checks for p in department_problems(c, data_dir)]
    problems += _orphan_revision_problems(checks) + _conflicts(checks)
    problems += history_problems([c.frame for c in checks], rules)
    if problems:  # every problem at once, as planeval validate lists them
        raise InputError(problems)
    frames = [c.frame for c in checks if not c.frame.empty]
    columns = FRAME_COLUMNS + (["current"] if vintages == "all" else [])
    if not frames:
        return pd.DataFrame(columns=columns)
    out = pd.concat(frames, ignore_index=True)
    out["year"] = out["year"].astype(int)
    out["value"] = out["value"].astype(float)
    out["vintage"] = out["vintage"].astype(int)
    out = out.sort_values(["indicator_id", "sex", "year", "vintage"], kind="stable")
    out = _merge_parts(out)
    latest = ~out.duplicated(["indicator_id", "sex", "year"], keep="last")
    if vintages == "all":
        out["current"] = latest
    else:
        out = out[latest]
    return out[columns].reset_index(drop=True)


REVISION_COLUMNS = [
    "geography",
    "year",
    "indicator_id",
    "sex",
    "vintage",
    "value",
    "unit",
    "previous_value",
    "current",
    "file",
    "sheet",
    "row",
    "sha256",
    "note",
]


def revision_rows(all_vintages: pd.DataFrame) -> pd.DataFrame:
    """Every vintage of each value that a revision file changed or restated, for the appendix.

    ``all_vintages``: a frame of :func:`load_observations` with ``vintages="all"``. One row per
    indicator, year, sex and vintage, only for keys with more than one vintage; columns
    :data:`REVISION_COLUMNS` (``previous_value``: the value of the vintage before, ``current``:
    the vintage the reports use). Sorted by indicator, sex, year, vintage; empty when nothing
    was revised.
    """
    if all_vintages.empty:
        return pd.DataFrame(columns=REVISION_COLUMNS)
    key = ["indicator_id", "sex", "year"]
    counts = all_vintages.groupby(key)["vintage"].transform("size")
    hist = all_vintages[counts > 1].copy()
    if hist.empty:
        return pd.DataFrame(columns=REVISION_COLUMNS)
    hist["previous_value"] = hist.groupby(key)["value"].shift(1)
    return hist[REVISION_COLUMNS].reset_index(drop=True)


def revision_history(
    data_dir: str | Path,
    geography: str,
    units: dict[str, str] | None = None,
    up_to_year: int | None = None,
) -> pd.DataFrame:
    """:func:`revision_rows` of a geography's files read directly (the database's
    :func:`planeval.store.database.revision_history` reads them from the store). Raises
    :class:`InputError` like :func:`load_observations`."""
    return revision_rows(load_observations(data_dir, geography, units, up_to_year, vintages="all"))


def _infer_year_vintage(path: Path) -> tuple[int | None, int]:
    parsed = parse_submission_name(path.name)
    if parsed:
        return parsed
    match = _YEAR_ANYWHERE.search(path.stem)
    rev = _REV_ANYWHERE.search(path.stem)
    return (int(match.group(1)) if match else None), (int(rev.group(1)) if rev else 0)


def _stray(path: Path) -> bool:
    """A file of an observations folder not named as a submission nor clearly not data."""
    return path.parent.parent.name == "observations" and not is_not_data(path.name)


def _expand(paths: list[Path]) -> tuple[list[Path], list[Problem]]:
    files, problems = [], []
    for path in paths:
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and (parse_submission_name(p.name) or _YEAR_LIKE.match(p.name) or _stray(p))
            )
            if not found:
                problems.append(
                    Problem(
                        str(path),
                        "no <year>.csv or <year>.xlsx file in this folder",
                        "该文件夹中没有 <年份>.csv 或 <年份>.xlsx 文件",
                        "pass the files or the folder that holds them",
                        "指定数据文件或其所在文件夹",
                        code="file",
                    )
                )
            files += found
        else:
            files.append(path)
    return files, problems


def _flag_problems(
    path: Path, named: int | None, year: int | None, folder: str | None, geography: str | None
) -> list[Problem]:
    """``--year`` or ``--geography`` contradicting the file's name or its observations folder
    (``baijiantan/2020.csv`` with ``--year 2031`` or ``--geography china``)."""
    problems = []
    if year is not None and named is not None and year != named:
        problems.append(
            Problem(
                str(path),
                f"--year {year} but the file name says {named}",
                f"--year 为 {year}，但文件名表明是 {named} 年",
                f"leave out --year, or rename the file if it holds {year}'s data",
                f"去掉 --year；若文件确为 {year} 年数据，请改正文件名",
                code="year",
            )
        )
    if geography is not None and folder is not None and geography != folder:
        problems.append(
            Problem(
                str(path),
                f"--geography {geography} but the file is in the folder of {folder}",
                f"--geography 为 {geography}，但文件位于 {folder} 的文件夹中",
                f"leave out --geography, or move the file to observations/{geography}/",
                f"去掉 --geography；或把文件移到 observations/{geography}/",
                code="geography",
            )
        )
    return problems


def check_paths(
    paths: list[str | Path],
    data_dir: str | Path = "data",
    units: dict[str, str] | None = None,
    geography: str | None = None,
    year: int | None = None,
) -> tuple[list[SubmissionCheck], list[Problem]]:
    """Validate files and folders as ``planeval validate`` does; never raises for bad data.

    Folders are searched for submission files. The year comes from ``year`` or the file name
    (``2023.csv``, ``2023_rev1.xlsx``, ``白碱滩2023年.xlsx``); the geography from ``geography`` or
    the folder when it sits in ``observations/<geography>/``. Returns ``(checks, problems)``
    where ``problems`` are those not tied to one file's content (unreadable names, a folder
    with no files, two files for one year).
    """
    files, problems = _expand([Path(p) for p in paths])
    qualitative = qualitative_ids(data_dir) if units else frozenset()
    try:
        rules = load_rules(data_dir)
    except InputError as exc:  # a bad settings file: named, and the package's rules used
        problems += exc.problems
        rules = default_rules()
    checks = []
    for path in files:
        named, vintage = _infer_year_vintage(path)
        y = year if year is not None else named
        folder = path.parent.name if path.parent.parent.name == "observations" else None
        geo = geography if geography is not None else folder
        contradictions = _flag_problems(path, named, year, folder, geography)
        if contradictions:
            c = SubmissionCheck(path, geo, y, vintage)
            c.problems += contradictions
            checks.append(c)
            continue
        if not path.exists():
            c = SubmissionCheck(path, geo, y, vintage)
            c.problems.append(
                Problem(
                    str(path),
                    "file not found",
                    "找不到文件",
                    "check the path",
                    "检查文件路径",
                    code="file",
                )
            )
            checks.append(c)
            continue
        if y is None and path.suffix.lower() in (".csv", ".xlsx"):
            c = SubmissionCheck(path, geo, None, vintage)
            c.problems.append(
                Problem(
                    str(path),
                    "cannot tell the year from the file name",
                    "无法从文件名判断年份",
                    "name the file <year>.csv or <year>.xlsx, or pass --year",
                    "将文件命名为 <年份>.csv 或 <年份>.xlsx，或使用 --year",
                    code="file",
                )
            )
            checks.append(c)
            continue
        if path.is_dir():
            continue
        in_store = parse_submission_name(path.name) is not None
        c = check_submission(path, geo, y, units, vintage, qualitative, rules)
        if not in_store and _stray(path):  # the store would not read it: never "ok"
            c.problems.insert(0, _stray_problem(path))
        checks.append(c)
    problems += _same_vintage_problems(checks) + _orphan_revision_problems(checks)
    for geo in dict.fromkeys(c.geography for c in checks):
        problems += _geography_problems(data_dir, geo)
    problems += _year_problems(data_dir, [(c.year, c.path) for c in checks if c.year])
    problems += _conflicts(checks)
    problems += [p for c in checks for p in department_problems(c, data_dir)]
    problems += _history(checks, units, qualitative, rules)
    return checks, _attach(checks, problems)


def _history(
    checks: list[SubmissionCheck], units, qualitative, rules: IntakeRules
) -> list[Problem]:
    """:func:`~planeval.intake.history.history_problems` for the checked yearly files, each
    compared with every yearly file of its folder (the ones not checked are read for it)."""
    problems = []
    folders: dict[tuple[Path, str], list[SubmissionCheck]] = {}
    for c in checks:
        if c.geography and c.year is not None and parse_submission_parts(c.path.name):
            folders.setdefault((c.path.parent, c.geography), []).append(c)
    for (folder, geography), mine in folders.items():
        seen = {c.path.resolve() for c in mine}
        frames = [c.frame for c in mine]
        for path in sorted(folder.iterdir()):
            parts = parse_submission_parts(path.name)
            if parts and path.is_file() and path.resolve() not in seen:
                other = check_submission(
                    path, geography, parts[0], units, parts[2], qualitative, rules
                )
                frames.append(other.frame)
        problems += history_problems(frames, rules, {str(c.path) for c in mine})
    return problems


def _attach(checks: list[SubmissionCheck], problems: list[Problem]) -> list[Problem]:
    """Give each file its problems found across files (its year, a conflict with another
    file, a second file for its year ...), so that no file in trouble is called "ok"; return
    the problems of no single file checked."""
    by_path = {str(c.path): c for c in checks}
    found: dict[str, list[Problem]] = {}
    rest = []
    for p in problems:
        if p.file in by_path:
            found.setdefault(p.file, []).append(p)
        else:
            rest.append(p)
    for file, more in found.items():
        by_path[file].problems[:0] = more  # first: they concern the whole file
    return rest


def qualitative_ids(data_dir: str | Path) -> frozenset[str]:
    """indicator_ids of the not_statistical (qualitative) targets of every plan under
    ``data_dir``; empty when the plans cannot be read (their own errors are reported by the
    catalogue checks)."""
    from planeval.plans.catalogue import load_all_plans

    try:
        plans = load_all_plans(data_dir)
    except InputError:
        return frozenset()
    return frozenset(t.indicator_id for p in plans for t in p.targets if not t.is_statistical)


def _merge_parts(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per indicator, sex, year and vintage from the files of one year (departments'
    or plans' workbooks): a value given twice with the same number is kept once (the first
    file's row); with different numbers it is an :class:`InputError` naming both files and
    rows."""
    key = ["geography", "indicator_id", "sex", "year", "vintage"]
    dup = frame.duplicated(key, keep=False)
    if not dup.any():
        return frame
    problems = []
    for _, group in frame[dup].groupby(key, sort=False, dropna=False):
        first = group.iloc[0]
        for _, other in group.iloc[1:].iterrows():
            same = (pd.isna(first["value"]) and pd.isna(other["value"])) or first["value"] == other[
                "value"
            ]
            if not same:  # each file is told: either may hold the wrong number
                problems += [_conflict_problem(first, other), _conflict_problem(other, first)]
    if problems:
        raise InputError(problems)
    return frame[~frame.duplicated(key, keep="first")]


def _conflict_problem(first: pd.Series, other: pd.Series) -> Problem:
    what = f"{other['indicator_id']} ({other['sex']}) {int(other['year'])}"
    return Problem(
        str(other["file"]),
        f"{what} is {other['value']:g} here but {first['value']:g} in {first['file']} row "
        f"{first['row']}",
        f"{what} 在此为 {other['value']:g}，但在 {first['file']} 第 {first['row']} 行为 "
        f"{first['value']:g}",
        "keep the value in one file (the department that reports it) and delete the other row",
        "只在一个文件（负责报送的部门）中保留该数值，删除另一行",
        row=int(other["row"]),
        column=str(other["column"] or "value"),
        sheet=str(other["sheet"]) or None,
        code="duplicate",
    )


def department_problems(check: SubmissionCheck, data_dir: str | Path) -> list[Problem]:
    """A department's workbook (``department`` in its 说明 sheet) that names a department not in
    the departments file, whose file name names another department, or that holds rows of
    indicators another department reports (a workbook for the wrong department)."""
    from planeval.intake.reading import META_SHEET
    from planeval.plans.loading import load_all_plans
    from planeval.plans.registry import load_vocabulary

    if "department" not in check.meta:
        return []
    raw, meta_row = check.meta["department"]
    department = str(raw or "").strip()
    vocabulary = load_vocabulary(data_dir)
    where = {"row": meta_row, "column": "B", "sheet": META_SHEET, "code": "department"}
    if department not in vocabulary.departments:
        return [
            Problem(
                str(check.path),
                f"unknown department '{department}'",
                f"未知部门 '{department}'",
                f"use a workbook made by planeval template --department (one of "
                f"{', '.join(vocabulary.departments)})",
                "使用 planeval template --department 生成的工作簿",
                **where,
            )
        ]
    parts = parse_submission_parts(check.path.name)
    part = parts[1] if parts else ""
    if part in vocabulary.departments and part != department:
        return [
            Problem(
                str(check.path),
                f"the file name says {part} but the workbook is {department}'s",
                f"文件名为 {part}，但工作簿属于 {department}",
                f"name it {check.year}_{department}.xlsx, or use {part}'s workbook",
                f"命名为 {check.year}_{department}.xlsx，或使用 {part} 的工作簿",
                **where,
            )
        ]
    owners: dict[str, set[str]] = {}
    for plan in load_all_plans(data_dir):
        for t in plan.targets:
            owners.setdefault(t.indicator_id, set()).add(t.department)
    return [
        Problem(
            str(check.path),
            f"{row.indicator_id} is reported by {', '.join(sorted(owners[row.indicator_id]))}, "
            f"not {department}: a workbook for the wrong department?",
            f"{row.indicator_id} 由 {'、'.join(sorted(owners[row.indicator_id]))} 报送，"
            f"不是 {department}：是否用错了部门的工作簿？",
            f"fill it in the workbook of {', '.join(sorted(owners[row.indicator_id]))} "
            f"(planeval template --department ...) and delete the row here",
            "在负责部门的工作簿中填写，并删除此行",
            row=int(row.row),
            column="indicator_id",
            sheet=row.sheet or None,
            code="department",
        )
        for row in check.frame.drop_duplicates(["indicator_id", "row"]).itertuples()
        if row.indicator_id in owners and department not in owners[row.indicator_id]
    ]


def _year_problems(data_dir: str | Path, files: list[tuple[int, Path]]) -> list[Problem]:
    """Files of a year outside the one range of data years
    (:func:`planeval.plans.requests.data_years`: from 20 years before the earliest plan to the
    latest plan's end, never after the latest data year): ``1925.csv``, ``2031.csv``, a year
    whose statistics are not published yet (``2026.csv`` in 2026)."""
    from planeval.plans.requests import data_years, unpublished

    span = data_years(data_dir) if files else None
    if span is None:
        return []
    first, last = span
    return [
        _year_problem(path, year, first, last, unpublished(year, data_dir))
        for year, path in files
        if not first <= year <= last
    ]


def _year_problem(
    path: Path, year: int, first: int, last: int, why: tuple[str, str] | None
) -> Problem:
    en = f"data year {year} is outside {first}–{last}, the years data can be given for"
    zh = f"数据年份 {year} 不在可报送的年份范围 {first}—{last} 内"
    if why is not None:
        en, zh = f"{en}; {why[0]}", f"{zh}；{why[1]}"
    return Problem(
        str(path),
        en,
        zh,
        f"check the year in the file name: data years run from {first} to {last}",
        f"检查文件名中的年份：数据年份应在 {first} 至 {last} 之间",
        code="year",
    )


def _conflicts(checks: list[SubmissionCheck]) -> list[Problem]:
    """Values given twice with different numbers by the files of one geography and year."""
    frames = [
        c.frame
        for c in checks
        if not c.frame.empty and c.year is not None and parse_submission_parts(c.path.name)
    ]
    if len(frames) < 2:
        return []
    try:
        _merge_parts(pd.concat(frames, ignore_index=True))
    except InputError as exc:
        return exc.problems
    return []


def _geography_problems(data_dir: str | Path, geography: str | None) -> list[Problem]:
    """A data folder whose ``geographies.yaml`` does not list ``geography``."""
    from planeval.plans.registry import unknown_geography

    if geography is None:
        return []
    folder = Path(data_dir) / "observations" / geography
    found = unknown_geography(geography, data_dir, str(folder), code="geography")
    return [found] if found else []


def _orphan_revision_problems(checks: list[SubmissionCheck]) -> list[Problem]:
    """A ``<year>_rev<N>`` file needs its original ``<year>.csv``/``.xlsx`` in its folder."""
    problems = []
    for c in checks:
        parsed = parse_submission_parts(c.path.name)
        if parsed is None or parsed[2] == 0:
            continue
        year = f"{parsed[0]}_{parsed[1]}" if parsed[1] else str(parsed[0])
        if any((c.path.parent / f"{year}{ext}").exists() for ext in (".csv", ".xlsx")):
            continue
        problems.append(
            Problem(
                str(c.path),
                f"revision of {year} without the original {year}.csv or {year}.xlsx in its folder",
                f"{year} 年修订文件所在文件夹中没有原始文件 {year}.csv 或 {year}.xlsx",
                f"put the original submission beside it as {year}.csv/.xlsx (or, if this is the "
                f"first submission, name it {year}.csv/.xlsx)",
                f"把原始数据以 {year}.csv/.xlsx 放在同一文件夹（若这是首次报送，命名为 "
                f"{year}.csv/.xlsx）",
                code="file",
            )
        )
    return problems


def require_catalogue(data_dir: str | Path) -> None:
    """Raise :class:`InputError` unless ``data_dir`` holds ``plans/*.yaml``.

    Without the plan catalogue no indicator, unit or range could be checked, so ``planeval
    validate`` would call any file clean; this is a hard error naming the folder and the fix
    (``--data-dir``).
    """
    data_dir = Path(data_dir)
    plans = data_dir / "plans"
    if not data_dir.is_dir():
        en, zh = (
            f"data folder '{data_dir}' not found: no catalogue to check against",
            f"找不到数据目录 '{data_dir}'：没有可用于校验的指标目录",
        )
    elif not any(plans.glob("*.yaml")):
        en, zh = (
            f"no plan files (plans/*.yaml) in data folder '{data_dir}': no catalogue to check "
            "against",
            f"数据目录 '{data_dir}' 中没有规划文件（plans/*.yaml）：没有可用于校验的指标目录",
        )
    else:
        return
    raise InputError(
        Problem(
            str(plans),
            en,
            zh,
            "pass --data-dir with the folder that holds plans/ and indicators.yaml "
            "(run from the project folder, or e.g. --data-dir /path/to/planeval/data)",
            "用 --data-dir 指定含 plans/ 和 indicators.yaml 的目录（在项目目录中运行，"
            "或如 --data-dir /path/to/planeval/data）",
            code="file",
        )
    )


def series_for(observations: pd.DataFrame, indicator_id: str, sex: str = "total") -> pd.Series:
    """Observed values of one indicator as a float Series indexed by year (missing dropped)."""
    sel = observations[
        (observations["indicator_id"] == indicator_id) & (observations["sex"] == sex)
    ]
    sel = sel.dropna(subset=["value"])
    return pd.Series(
        sel["value"].to_numpy(float), index=sel["year"].to_numpy(int), name=indicator_id
    )
