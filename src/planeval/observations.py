"""Yearly observations: ``data/observations/<geography>/<year>.csv``, one file per year.

Each file holds what a statistics bureau submits for one geography and year, with columns
``indicator_id,value,unit,sex,source,note`` (``sex`` is ``total``, ``female`` or ``male``) and
an optional ``account`` column for a department's written account of a qualitative target.
Files are read, never written: the tidy frame returned records for every value the file and row
it came from and the file's SHA-256, so any number in a report can be traced back.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pandas as pd

from .errors import InputError, Problem

REQUIRED_COLUMNS = ["indicator_id", "value", "unit", "sex", "source", "note"]
OPTIONAL_COLUMNS = ["account"]
SEXES = ("total", "female", "male")
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
]
_YEAR_FILE = re.compile(r"^(\d{4})\.csv$")


def sha256_of(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _parse_number(text: str) -> float | None:
    text = text.strip()
    if text == "":
        return None
    return float(text)


def read_submission(
    path: str | Path,
    geography: str,
    year: int,
    units: dict[str, str] | None = None,
) -> tuple[pd.DataFrame, list[Problem]]:
    """Read one yearly CSV file into tidy rows; return ``(frame, problems)``.

    ``units`` maps known ``indicator_id`` to the catalogue's unit; when given, unknown
    indicators and units that disagree with the catalogue are problems. Rows with problems are
    left out of the frame but every one is listed, so nothing is dropped silently.
    """
    path = Path(path)
    name = str(path)
    problems: list[Problem] = []
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        return pd.DataFrame(columns=FRAME_COLUMNS), [
            Problem(name, f"cannot read as a UTF-8 CSV table ({type(exc).__name__}: {exc})",
                    "无法按 UTF-8 CSV 读取", "save the file as CSV UTF-8 with one header row")
        ]
    raw.columns = [str(c).strip() for c in raw.columns]
    missing = [c for c in REQUIRED_COLUMNS if c not in raw.columns]
    unknown = [c for c in raw.columns if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    for col in missing:
        problems.append(Problem(name, f"missing column '{col}'", f"缺少列 '{col}'",
                                f"the header must be {','.join(REQUIRED_COLUMNS)}", row=1, column=col))
    for col in unknown:
        problems.append(Problem(name, f"unknown column '{col}'", f"未知列 '{col}'",
                                f"rename or remove it; the header must be {','.join(REQUIRED_COLUMNS)}",
                                row=1, column=col))
    if problems:
        return pd.DataFrame(columns=FRAME_COLUMNS), problems
    checksum = sha256_of(path)
    rows = []
    for idx, rec in enumerate(raw.to_dict("records")):
        row = idx + 2  # header is row 1
        rec = {k: (v.strip() if isinstance(v, str) else v) for k, v in rec.items()}
        ok = True
        indicator = rec["indicator_id"]
        if units is not None and indicator not in units:
            problems.append(Problem(name, f"unknown indicator '{indicator}'", f"未知指标 '{indicator}'",
                                    "use an indicator_id of the plan catalogue (planeval catalogue)",
                                    row=row, column="indicator_id"))
            ok = False
        try:
            value = _parse_number(rec["value"])
        except ValueError:
            problems.append(Problem(name, f"value '{rec['value']}' is not a number", f"数值 '{rec['value']}' 不是数字",
                                    "write a plain number such as 95.2, or leave it empty", row=row, column="value"))
            ok = False
            value = None
        if rec["sex"] not in SEXES:
            problems.append(Problem(name, f"sex '{rec['sex']}' is not one of {', '.join(SEXES)}",
                                    f"性别 '{rec['sex']}' 应为 total、female 或 male",
                                    "write total, female or male", row=row, column="sex"))
            ok = False
        if units is not None and indicator in units and rec["unit"] != units[indicator]:
            problems.append(Problem(name, f"unit '{rec['unit']}' does not match the catalogue unit "
                                    f"'{units[indicator]}' of {indicator}",
                                    f"单位 '{rec['unit']}' 与指标目录单位 '{units[indicator]}' 不符",
                                    f"convert the value to {units[indicator]} and write that unit",
                                    row=row, column="unit"))
            ok = False
        if ok:
            rows.append({
                "geography": geography, "year": year, "indicator_id": indicator, "sex": rec["sex"],
                "value": value, "unit": rec["unit"], "source": rec["source"], "note": rec["note"],
                "account": rec.get("account", ""), "file": name, "row": row, "sha256": checksum,
            })
    frame = pd.DataFrame(rows, columns=FRAME_COLUMNS)
    dup = frame.duplicated(["indicator_id", "sex"], keep="first")
    for rec in frame[dup].to_dict("records"):
        problems.append(Problem(name, f"second value for {rec['indicator_id']} ({rec['sex']}) in {year}",
                                f"{rec['indicator_id']}（{rec['sex']}）{year}年重复",
                                "keep one row per indicator and sex", row=rec["row"], column="indicator_id"))
    return frame[~dup].reset_index(drop=True), problems


def observation_files(data_dir: str | Path, geography: str) -> list[tuple[int, Path]]:
    """``(year, path)`` of every ``<year>.csv`` under ``<data_dir>/observations/<geography>``."""
    folder = Path(data_dir) / "observations" / geography
    out = []
    for path in sorted(folder.glob("*")):
        match = _YEAR_FILE.match(path.name)
        if match:
            out.append((int(match.group(1)), path))
    return out


def list_geographies(data_dir: str | Path = "data") -> list[str]:
    """Folder names under ``<data_dir>/observations`` that hold at least one year file."""
    root = Path(data_dir) / "observations"
    return sorted(p.name for p in root.iterdir() if p.is_dir() and observation_files(data_dir, p.name))


def load_observations(
    data_dir: str | Path,
    geography: str,
    units: dict[str, str] | None = None,
    up_to_year: int | None = None,
) -> pd.DataFrame:
    """All observations of one geography as a tidy frame (:data:`FRAME_COLUMNS`).

    ``up_to_year`` leaves out files of later years (a 2023 mid-term report never sees 2024).
    Raises :class:`InputError` listing every problem of every file, or when the geography has
    no data.
    """
    files = observation_files(data_dir, geography)
    if not files:
        raise InputError(Problem(str(Path(data_dir) / "observations" / geography),
                                 f"no yearly files (<year>.csv) for geography '{geography}'",
                                 f"地区 '{geography}' 没有年度数据文件",
                                 "check --geography and --data-dir"))
    frames, problems = [], []
    for year, path in files:
        if up_to_year is not None and year > up_to_year:
            continue
        frame, probs = read_submission(path, geography, year, units)
        frames.append(frame)
        problems.extend(probs)
    if problems:
        raise InputError(problems)
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=FRAME_COLUMNS)
    out = pd.concat(frames, ignore_index=True)
    out["year"] = out["year"].astype(int)
    out["value"] = out["value"].astype(float)
    return out.sort_values(["indicator_id", "sex", "year"]).reset_index(drop=True)


def series_for(observations: pd.DataFrame, indicator_id: str, sex: str = "total") -> pd.Series:
    """Observed values of one indicator as a float Series indexed by year (missing values dropped)."""
    sel = observations[(observations["indicator_id"] == indicator_id) & (observations["sex"] == sex)]
    sel = sel.dropna(subset=["value"])
    return pd.Series(sel["value"].to_numpy(float), index=sel["year"].to_numpy(int), name=indicator_id)
