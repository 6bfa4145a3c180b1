"""The processed store: every submitted value of every vintage, rebuilt from the inputs.

``<data_dir>/processed/`` (git-ignored) holds two Parquet files (pyarrow):

* ``observations.parquet``: one row per value of every submission file, all vintages, with the
  columns of :data:`intake.observations.FRAME_COLUMNS` plus ``current`` (True for the vintage
  the reports use). ``file``, ``sheet``, ``row``, ``column`` and ``sha256`` say where each value
  came from.
* ``files.parquet``: one row per input file: ``file, geography, year, vintage, sha256, bytes,
  values``.

The store is derived data: it is rebuilt whole from ``data/observations`` (the inputs are never
written) and only when every file is clean, so a failed build leaves the last good store in
place (each file is written to a temporary name and renamed).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from planeval.core.errors import InputError, Problem
from planeval.core.files import atomic_path
from planeval.intake.observations import (
    FRAME_COLUMNS,
    list_geographies,
    load_observations,
    submission_files,
)
from planeval.plans.catalogue import known_units

OBSERVATIONS_FILE = "observations.parquet"
FILES_FILE = "files.parquet"


def store_dir(data_dir: str | Path = "data") -> Path:
    """``<data_dir>/processed``."""
    return Path(data_dir) / "processed"


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    with atomic_path(path) as tmp:
        frame.to_parquet(tmp, engine="pyarrow", index=False)


def build_store(data_dir: str | Path = "data", out_dir: str | Path | None = None) -> Path:
    """Rebuild the processed store from every geography's submissions; return its folder.

    Reads all vintages of every file under ``<data_dir>/observations`` (checked against
    :func:`planeval.plans.catalogue.known_units`). Raises :class:`InputError` listing every problem
    of every file, in which case nothing is written.
    """
    units = known_units(data_dir)
    frames, files, problems = [], [], []
    for geography in list_geographies(data_dir):
        try:
            frames.append(load_observations(data_dir, geography, units, vintages="all"))
        except InputError as exc:
            problems += exc.problems
            continue
        for f in submission_files(data_dir, geography):
            files.append(
                {
                    "file": str(f.path),
                    "geography": geography,
                    "year": f.year,
                    "vintage": f.vintage,
                    "bytes": f.path.stat().st_size,
                }
            )
    if problems:
        raise InputError(problems)
    obs = (
        pd.concat([f for f in frames if not f.empty], ignore_index=True)
        if frames
        else pd.DataFrame(columns=[*FRAME_COLUMNS, "current"])
    )
    manifest = pd.DataFrame(files, columns=["file", "geography", "year", "vintage", "bytes"])
    sha = obs.drop_duplicates("file").set_index("file")["sha256"] if len(obs) else pd.Series()
    manifest["sha256"] = manifest["file"].map(sha)
    counts = obs.groupby("file").size() if len(obs) else pd.Series(dtype=int)
    manifest["values"] = manifest["file"].map(counts).fillna(0).astype(int)
    missing = manifest["sha256"].isna()
    if missing.any():
        from planeval.intake.observations import sha256_of

        manifest.loc[missing, "sha256"] = manifest.loc[missing, "file"].map(sha256_of)
    out = Path(out_dir) if out_dir is not None else store_dir(data_dir)
    out.mkdir(parents=True, exist_ok=True)
    _write_parquet(obs, out / OBSERVATIONS_FILE)
    _write_parquet(manifest, out / FILES_FILE)
    return out


def read_store(
    data_dir: str | Path = "data", out_dir: str | Path | None = None, table: str = "observations"
) -> pd.DataFrame:
    """The stored ``observations`` (default) or ``files`` table as a DataFrame.

    Raises :class:`InputError` when the store has not been built.
    """
    folder = Path(out_dir) if out_dir is not None else store_dir(data_dir)
    name = {"observations": OBSERVATIONS_FILE, "files": FILES_FILE}[table]
    path = folder / name
    if not path.exists():
        raise InputError(
            Problem(
                str(path),
                "the processed store has not been built",
                "尚未生成处理后的数据库",
                "run: planeval validate --data-dir <data>",
                "运行 planeval validate --data-dir <数据目录>",
                code="file",
            )
        )
    return pd.read_parquet(path, engine="pyarrow")
