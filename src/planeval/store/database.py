"""The monitoring database (统计监测数据库): every validated value; assessment and reports read it.

``<data_dir>/processed/`` (git-ignored, rebuilt from the inputs, never edited by hand) holds one
Parquet partition per geography (pyarrow):

* ``observations/<geography>.parquet``: one row per value of every submission file, all
  vintages, with the columns of :data:`planeval.intake.observations.FRAME_COLUMNS` plus
  ``current`` (True for the vintage the reports use). ``file`` (relative to the data folder),
  ``sheet``, ``row``, ``column``, ``sha256``, ``vintage`` and ``source`` say where each value
  came from; messages and reports quote them.
* ``files/<geography>.parquet``: one row per input file: ``file, geography, year, vintage,
  bytes, sha256, values``.

Each Parquet file carries, in its own metadata (key ``planeval``), the geography it holds and
the input fingerprint: SHA-256 over what the partition was built from (every file of the
geography's folder, the catalogue's units and qualitative targets, the reading code). A
partition that is truncated, empty or unreadable, or that is another geography's or another
program's file (copied in from another region), is recognised by that record and rebuilt from
the yearly files with a line saying so (logger ``planeval.store``, on stderr by default); no
traceback, and no need to run ``planeval validate`` first. Geography codes are checked
(:mod:`planeval.core.codes`) before any path is built.

:func:`load_geography` is how assessment, reports and the workbench get a geography's values:
it rebuilds the partition when its fingerprint no longer matches (a submission was added,
revised or corrected, a plan changed) and reads it back. A partition is written only from a
clean read of every file of its geography, through atomic writes, so a failed build leaves the
last good one in place; when some file of the geography has a problem the values up to the
cut-off year are read from the files directly and those problems raised, exactly as the
reader :func:`planeval.intake.observations.load_observations` does.

A researcher queries the database with SQL (DuckDB over the Parquet files)::

    from planeval.store import query
    query("SELECT year, value, file, row FROM observations "
          "WHERE geography = 'china' AND indicator_id = 'under5_mortality' AND current")
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from planeval.core.codes import check_code
from planeval.core.errors import InputError, Problem
from planeval.core.files import atomic_path
from planeval.intake.observations import (
    geography_folder,
    list_geographies,
    load_observations,
    misnamed_geographies,
    qualitative_ids,
    revision_rows,
    sha256_of,
    submission_files,
)
from planeval.plans.catalogue import known_units

TABLES = ("observations", "files")
#: Key of the planeval record (geography, input fingerprint, table) in each Parquet file's
#: metadata.
PARTITION_KEY = b"planeval"
LOG = logging.getLogger("planeval.store")
FILE_COLUMNS = ["file", "geography", "year", "vintage", "bytes", "sha256", "values"]


def store_dir(data_dir: str | Path = "data") -> Path:
    """``<data_dir>/processed``."""
    return Path(data_dir) / "processed"


@functools.cache
def _code_digest() -> str:
    """SHA-256 of the code that reads submissions (intake, plans, this module): a change to how
    a cell is read rebuilds every partition."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for folder in ("intake", "plans", "store"):
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and path.suffix in (".py", ".yaml"):
                digest.update(path.relative_to(root).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def fingerprint(data_dir: str | Path, geography: str, units: dict[str, str]) -> str:
    """SHA-256 over the inputs of a geography's partition: name and content of every file in
    ``observations/<geography>/``, the catalogue's units and qualitative targets, the intake
    rules (settings file's ``intake`` section, plan levels, catalogue names), the code."""
    digest = hashlib.sha256(_code_digest().encode())
    digest.update(json.dumps(units, sort_keys=True, ensure_ascii=False).encode())
    digest.update(" ".join(sorted(qualitative_ids(data_dir))).encode())
    digest.update(_rules_digest(data_dir).encode())
    folder = geography_folder(data_dir, geography)
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        if path.is_file():
            digest.update(f"\n{path.name}\0{sha256_of(path)}".encode())
    return digest.hexdigest()


def _rules_digest(data_dir: str | Path) -> str:
    """The intake rules of ``data_dir`` as text (a bad settings file: its own error, raised
    when the partition is built)."""
    from dataclasses import asdict

    from planeval.intake.rules import load_rules

    try:
        rules = asdict(load_rules(data_dir))
    except InputError:
        return "unreadable settings"
    return json.dumps(rules, sort_keys=True, ensure_ascii=False, default=list)


def _relative(frame: pd.DataFrame, data_dir: Path) -> pd.DataFrame:
    return frame.assign(file=frame["file"].map(lambda f: Path(f).relative_to(data_dir).as_posix()))


def _absolute(frame: pd.DataFrame, data_dir: Path) -> pd.DataFrame:
    return frame.assign(file=frame["file"].map(lambda f: str(data_dir / f)))


def _build_geography(
    data_dir: Path, geography: str, units: dict[str, str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(observations, files)`` of one geography, file paths relative to ``data_dir``.

    Raises :class:`InputError` listing every problem of every file of the geography.
    """
    obs = load_observations(data_dir, geography, units, vintages="all")
    counts = obs.groupby("file").size() if len(obs) else pd.Series(dtype=int)
    files = pd.DataFrame(
        [
            {
                "file": str(f.path),
                "geography": geography,
                "year": f.year,
                "vintage": f.vintage,
                "bytes": f.path.stat().st_size,
                "sha256": sha256_of(f.path),
                "values": int(counts.get(str(f.path), 0)),
            }
            for f in submission_files(data_dir, geography)
        ],
        columns=FILE_COLUMNS,
    )
    return _relative(obs, data_dir), _relative(files, data_dir)


def partition_path(out: Path, table: str, geography: str) -> Path:
    """``<out>/<table>/<geography>.parquet``; raises :class:`InputError` for a geography that
    is not a safe code (nothing outside the store is ever written or read)."""
    return out / table / f"{check_code(geography, 'geography', '--geography')}.parquet"


def _write_geography(out: Path, geography: str, tables: tuple, stamp: str) -> None:
    """Write one partition: both tables, each with its geography and input fingerprint in the
    Parquet file's own metadata (key :data:`PARTITION_KEY`), so that a damaged, foreign or
    outdated file is recognised by reading it (a crash between the two writes leaves a
    partition whose tables disagree, rebuilt on the next read)."""
    for name, frame in zip(TABLES, tables, strict=True):
        record = {"geography": geography, "fingerprint": stamp, "table": name}
        table = pa.Table.from_pandas(frame, preserve_index=False)
        metadata = {**(table.schema.metadata or {}), PARTITION_KEY: json.dumps(record).encode()}
        with atomic_path(partition_path(out, name, geography)) as tmp:
            pq.write_table(table.replace_schema_metadata(metadata), tmp)
    _legacy_stamp(out, geography).unlink(missing_ok=True)


def _legacy_stamp(out: Path, geography: str) -> Path:
    """Where planeval before issue 23 kept a partition's fingerprint (a partition of that
    format has no record inside: it is rebuilt as outdated, without a warning)."""
    return out / "fingerprints" / f"{geography}.txt"


def _record_of(path: Path) -> dict | None:
    """The planeval record in a Parquet file's metadata; None when the file has none.
    Raises ``pyarrow.ArrowException`` or ``OSError`` for a damaged or unreadable file."""
    raw = (pq.read_schema(path).metadata or {}).get(PARTITION_KEY)
    if raw is None:
        return None
    record = json.loads(raw)
    return record if isinstance(record, dict) else None


def partition_state(out: Path, geography: str, stamp: str) -> tuple[str, str]:
    """``(state, reason)`` of a geography's stored partition: ``current``, ``missing``,
    ``stale`` (its inputs changed since it was built: a normal rebuild), ``damaged``
    (truncated, empty or unreadable) or ``foreign`` (no planeval record, another geography's
    values, or tables of two different builds). ``reason`` says why in words (zh + en)."""
    for table in TABLES:
        path = partition_path(out, table, geography)
        if not path.exists():
            return "missing", ""
        try:
            record = _record_of(path)
        except (pa.ArrowException, OSError, ValueError) as exc:
            return "damaged", (
                f"{path} is damaged ({type(exc).__name__}: {str(exc)[:120]}) / {path} 已损坏"
            )
        if record is None and _legacy_stamp(out, geography).exists():
            return "stale", ""
        if record is None:
            return "foreign", (
                f"{path} was not written by planeval for '{geography}' (no geography or input "
                f"fingerprint recorded in it) / {path} 不是 planeval 为 '{geography}' 生成的文件"
            )
        if record.get("geography") != geography:
            return "foreign", (
                f"{path} holds the values of '{record.get('geography')}', not '{geography}' / "
                f"{path} 存放的是 '{record.get('geography')}' 的数据，不是 '{geography}' 的"
            )
        if record.get("fingerprint") != stamp:
            return "stale", ""
    return "current", ""


def _rebuilt_line(geography: str, reason: str) -> None:
    LOG.warning(
        "planeval: store partition of '%s' rebuilt from the yearly files: %s / "
        "已根据年度数据文件重建 '%s' 的数据库分区",
        geography,
        reason,
        geography,
    )


def build_store(data_dir: str | Path = "data", out_dir: str | Path | None = None) -> Path:
    """Rebuild the whole database from every geography's submissions; return its folder.

    Every file under ``<data_dir>/observations`` is read (all vintages) and checked against
    :func:`planeval.plans.catalogue.known_units`. Raises :class:`InputError` listing every
    problem of every file (and every folder whose name is not a safe geography code), in
    which case nothing is written. Partitions of geographies whose folder is gone are removed.
    """
    data_dir = Path(data_dir)
    units = known_units(data_dir)
    built, problems = {}, misnamed_geographies(data_dir)
    for geography in list_geographies(data_dir):
        try:
            built[geography] = _build_geography(data_dir, geography, units)
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    out = Path(out_dir) if out_dir is not None else store_dir(data_dir)
    for geography, tables in built.items():
        stamp = fingerprint(data_dir, geography, units)
        state, reason = partition_state(out, geography, stamp)
        if state in ("damaged", "foreign"):
            _rebuilt_line(geography, reason)
        _write_geography(out, geography, tables, stamp)
    for stale in out.glob("*/*.*"):
        # fingerprints/*.txt: where the record lived before it moved into the Parquet files
        gone = stale.parent.name in TABLES and stale.stem not in built
        if gone or stale.parent.name == "fingerprints":
            stale.unlink()
    return out


def _current_partition(data_dir: Path, geography: str, units: dict[str, str]) -> pd.DataFrame:
    """All-vintage observations of a geography from its partition, rebuilt first when stale.

    Raises :class:`InputError` when some file of the geography has a problem. When the store
    cannot be written (a read-only data folder) the freshly read frame is used as it is.
    """
    out = store_dir(data_dir)
    stamp = fingerprint(data_dir, geography, units)
    state, reason = partition_state(out, geography, stamp)
    if state == "current":
        try:
            path = partition_path(out, "observations", geography)
            return _absolute(pd.read_parquet(path, engine="pyarrow"), data_dir)
        except (pa.ArrowException, OSError, ValueError) as exc:  # damaged past its footer
            state, reason = "damaged", f"{path} is damaged ({type(exc).__name__}) / {path} 已损坏"
    obs, files = _build_geography(data_dir, geography, units)
    if state in ("damaged", "foreign"):
        _rebuilt_line(geography, reason)
    try:
        _write_geography(out, geography, (obs, files), stamp)
    except OSError:
        pass  # nothing lost: the values were read from the files themselves
    return _absolute(obs, data_dir)


def load_geography(
    data_dir: str | Path,
    geography: str,
    up_to_year: int | None = None,
    vintages: str = "latest",
) -> pd.DataFrame:
    """Observations of ``geography`` from the database, every year up to ``up_to_year``.

    The frame of :func:`planeval.intake.observations.load_observations` (same rows, columns and
    order; ``value`` a float in the indicator's unit, NaN where marked missing; ``file`` and
    ``row`` where each value was read), with indicators and units checked against every plan
    under ``data_dir`` and its indicator register. ``vintages="all"`` returns every vintage
    with a ``current`` column. The partition is rebuilt when a submission changed. Raises
    ``InputError`` listing every problem of the files up to ``up_to_year`` (or when the
    geography has no data).
    """
    if vintages not in ("latest", "all"):
        raise ValueError("vintages must be 'latest' or 'all'")
    data_dir = Path(data_dir)
    units = known_units(data_dir)
    try:
        obs = _current_partition(data_dir, geography, units)
    except InputError:
        # a problem somewhere in the geography's files: read those up to the cut-off directly,
        # which raises the problems that matter for this cut-off (or none, for a later file)
        return load_observations(data_dir, geography, units, up_to_year, vintages)
    if up_to_year is not None:
        obs = obs[obs["year"] <= up_to_year]
    if vintages == "latest":
        obs = obs[obs["current"]].drop(columns="current")
    return obs.reset_index(drop=True)


def revision_history(
    data_dir: str | Path, geography: str, up_to_year: int | None = None
) -> pd.DataFrame:
    """Every vintage of each revised value of ``geography`` up to ``up_to_year``, from the
    database (see :func:`planeval.intake.observations.revision_rows` for the columns)."""
    return revision_rows(load_geography(data_dir, geography, up_to_year, vintages="all"))


def read_store(
    data_dir: str | Path = "data", out_dir: str | Path | None = None, table: str = "observations"
) -> pd.DataFrame:
    """The stored ``observations`` (default) or ``files`` table of every geography as one
    DataFrame, ``file`` as a path under ``data_dir``. Without ``out_dir`` the store of
    ``data_dir`` is refreshed first (:func:`refresh_store`: changed, damaged or foreign
    partitions rebuilt).

    Raises :class:`InputError` when the store has not been built (or a file under ``out_dir``
    is damaged), or like :func:`build_store`.
    """
    if table not in TABLES:
        raise ValueError(f"table must be one of {TABLES}")
    folder = Path(out_dir) if out_dir is not None else refresh_store(data_dir)
    parts = sorted((folder / table).glob("*.parquet"))
    if not parts:
        raise InputError(
            Problem(
                str(folder / table),
                "the processed store has not been built",
                "尚未生成处理后的数据库",
                "run: planeval validate --data-dir <data>",
                "运行 planeval validate --data-dir <数据目录>",
                code="file",
            )
        )
    frame = pd.concat([_read_part(p) for p in parts], ignore_index=True)
    return _absolute(frame, Path(data_dir))


def _read_part(path: Path) -> pd.DataFrame:
    """One stored Parquet file; a damaged one is an :class:`InputError` naming it."""
    try:
        return pd.read_parquet(path, engine="pyarrow")
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise InputError(
            Problem(
                str(path),
                f"the stored partition is damaged ({type(exc).__name__})",
                "数据库分区文件已损坏",
                "run: planeval validate --data-dir <data> (rebuilds it from the yearly files)",
                "运行 planeval validate --data-dir <数据目录>（根据年度数据文件重建）",
                code="file",
            )
        ) from None


def refresh_store(data_dir: str | Path = "data") -> Path:
    """Rebuild the partitions whose inputs changed (all of them only when needed); return the
    store folder. Raises :class:`InputError` like :func:`build_store`."""
    data_dir = Path(data_dir)
    units = known_units(data_dir)
    out = store_dir(data_dir)
    geographies = list_geographies(data_dir)
    stale = [
        g
        for g in geographies
        if partition_state(out, g, fingerprint(data_dir, g, units))[0] != "current"
    ]
    gone = [p for t in TABLES for p in (out / t).glob("*.parquet") if p.stem not in geographies]
    if stale or gone:
        build_store(data_dir)
    return out


def query(sql: str, data_dir: str | Path = "data") -> pd.DataFrame:
    """Run ``sql`` (DuckDB) on the monitoring database; return the result as a DataFrame.

    Two tables: ``observations`` (every value of every vintage, column ``current`` for the one
    the reports use, ``file``/``row`` where it was read, ``file`` relative to ``data_dir``) and
    ``files`` (one row per submission file). The database is refreshed first when a submission
    changed. Raises :class:`InputError` when a submission has a problem.

    Example: ``query("SELECT geography, year, value FROM observations WHERE indicator_id =
    'under5_mortality' AND sex = 'total' AND current ORDER BY geography, year")``.
    """
    import duckdb

    out = refresh_store(data_dir)
    con = duckdb.connect()
    try:
        for table in TABLES:
            if not any((out / table).glob("*.parquet")):
                raise InputError(
                    Problem(
                        str(Path(data_dir) / "observations"),
                        "no submission files: the database is empty",
                        "没有报送数据文件：数据库为空",
                        "put <year>.csv or <year>.xlsx files in observations/<geography>/",
                        "将 <年份>.csv 或 <年份>.xlsx 放入 observations/<地区>/",
                    )
                )
            pattern = (out / table / "*.parquet").as_posix().replace("'", "''")
            source = f"read_parquet('{pattern}', union_by_name=true)"
            con.execute(f"CREATE VIEW {table} AS SELECT * FROM {source}")
        return con.execute(sql).fetchdf()
    finally:
        con.close()
