"""A region's vocabularies as data: departments and units (``<data_dir>/*.yaml``).

``<data_dir>/departments.yaml`` lists the source departments (成员单位) a plan file may name,
``<data_dir>/units.yaml`` the units a target or a submitted value may carry (with their kind:
rate, count, scaled_count, other). A data folder without one of these files uses the package's
copy (``plans/defaults/``), the lists shipped with the Baijiantan plans. Each file is checked
when read: a malformed entry is an :class:`InputError` naming the file, the row and the fix.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from planeval.core.codes import code_problem, department_problem
from planeval.core.errors import InputError, Problem
from planeval.core.yamlfiles import read_yaml_document

DEFAULTS = Path(__file__).with_name("defaults")
UNIT_KINDS = ("rate", "count", "scaled_count", "other")


@dataclass(frozen=True)
class Vocabulary:
    """What a plan file may say: ``departments`` (zh -> en) and ``units`` (unit -> kind)."""

    departments: dict[str, str]
    units: dict[str, str]
    departments_file: str = ""
    units_file: str = ""

    def units_of_kind(self, *kinds: str) -> frozenset[str]:
        return frozenset(u for u, k in self.units.items() if k in kinds)


def data_file(data_dir: str | Path | None, name: str) -> Path:
    """``<data_dir>/<name>`` when it exists, else the package's copy ``plans/defaults/<name>``."""
    if data_dir is not None:
        path = Path(data_dir) / name
        if path.exists():
            return path
    return DEFAULTS / name


def read_entries(path: Path, key: str, needed: tuple[str, ...]) -> list[tuple[int, dict]]:
    """``(row, entry)`` of each item of the top-level list ``key`` of a registry file.

    Raises :class:`InputError` for unreadable YAML, a missing list, or an entry without one of
    the ``needed`` fields (each problem names its row).
    """
    try:
        doc = read_yaml_document(path)
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(
            Problem(
                str(path),
                f"not a readable YAML file ({type(exc).__name__})",
                "不是可读取的 YAML 文件（须为 UTF-8）",
                f"compare with the package's copy {DEFAULTS / path.name}",
                "对照程序包自带的同名文件修改",
                row=mark.line + 1 if mark is not None else None,
            )
        ) from None
    items = doc.data.get(key) if isinstance(doc.data, dict) else None
    if not isinstance(items, list):
        raise InputError(
            Problem(
                str(path),
                f"the file needs a list under '{key}:'",
                f"文件须在 '{key}:' 下列出各项",
                f"write '{key}:' followed by one '- {{...}}' line per entry",
                f"写 '{key}:'，其下每项一行 '- {{...}}'",
                column=key,
            )
        )
    rows = doc.lines_of(key)
    problems, out = [], []
    for i, entry in enumerate(items, start=1):
        missing = [f for f in needed if not isinstance(entry, dict) or entry.get(f) is None]
        if missing:
            problems.append(
                Problem(
                    str(path),
                    f"entry #{i} lacks {', '.join(missing)}",
                    f"第{i}项缺少 {', '.join(missing)}",
                    f"give every entry {', '.join(needed)}",
                    f"每项都须有 {', '.join(needed)}",
                    row=rows.get(i),
                    column=missing[0],
                )
            )
        else:
            out.append((rows.get(i), entry))
    if problems:
        raise InputError(problems)
    return out


def _units(path: Path) -> dict[str, str]:
    units, problems = {}, []
    for row, entry in read_entries(path, "units", ("unit", "kind")):
        if entry["kind"] not in UNIT_KINDS:
            problems.append(
                Problem(
                    str(path),
                    f"unit '{entry['unit']}': unknown kind '{entry['kind']}'",
                    f"单位 '{entry['unit']}' 的类别 '{entry['kind']}' 无法识别",
                    f"use one of {', '.join(UNIT_KINDS)}",
                    f"类别取 {', '.join(UNIT_KINDS)} 之一",
                    row=row,
                    column="kind",
                )
            )
        units[str(entry["unit"])] = entry["kind"]
    if problems:
        raise InputError(problems)
    return units


def load_vocabulary(data_dir: str | Path | None = None) -> Vocabulary:
    """Departments and units of ``data_dir`` (each file falling back on the package's copy).

    Raises :class:`InputError` for a malformed entry or a department name that could not be
    part of a file name (:data:`planeval.core.codes.DEPARTMENT_NAME`)."""
    dept_path = data_file(data_dir, "departments.yaml")
    unit_path = data_file(data_dir, "units.yaml")
    entries = read_entries(dept_path, "departments", ("zh", "en"))
    where = str(dept_path)
    found = (department_problem(str(e["zh"]), where, row=row, column="zh") for row, e in entries)
    problems = [p for p in found if p is not None]
    if problems:
        raise InputError(problems)
    departments = {str(e["zh"]): str(e["en"]) for _, e in entries}
    return Vocabulary(departments, _units(unit_path), str(dept_path), str(unit_path))


# --------------------------------------------------------------------------- geographies
#: Levels of the geography hierarchy, from the smallest.
LEVELS = ("district", "city", "province", "country")


@dataclass(frozen=True)
class Geography:
    """A geography a plan or a data folder names: ``code`` (the folder name under
    ``observations/``), display names and its place in the hierarchy (``parent``: the code of
    the geography it lies in, None at the top)."""

    code: str
    zh: str
    en: str
    level: str
    parent: str | None = None

    def name(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh


def load_geographies(data_dir: str | Path | None = None) -> dict[str, Geography]:
    """Geographies of ``<data_dir>/geographies.yaml`` (else the package's copy), by code.

    Raises :class:`InputError` for an entry without code, zh, en and level, a code that is not
    a safe code (:mod:`planeval.core.codes`: it names folders and files), an unknown level, or
    a parent that is not listed (each problem names its row).
    """
    path = data_file(data_dir, "geographies.yaml")
    entries = read_entries(path, "geographies", ("code", "zh", "en", "level"))
    out = {
        str(e["code"]): Geography(
            str(e["code"]), str(e["zh"]), str(e["en"]), str(e["level"]), e.get("parent")
        )
        for _, e in entries
    }
    problems = []
    for row, e in entries:
        unsafe = code_problem(str(e["code"]), "geography", str(path), row=row, column="code")
        problems += [unsafe] if unsafe else []
        if e["level"] not in LEVELS:
            problems.append(
                Problem(
                    str(path),
                    f"geography '{e['code']}': unknown level '{e['level']}'",
                    f"地区 '{e['code']}' 的层级 '{e['level']}' 无法识别",
                    f"use one of {', '.join(LEVELS)}",
                    f"层级取 {', '.join(LEVELS)} 之一",
                    row=row,
                    column="level",
                )
            )
        if e.get("parent") is not None and str(e["parent"]) not in out:
            problems.append(
                Problem(
                    str(path),
                    f"geography '{e['code']}': parent '{e['parent']}' is not listed",
                    f"地区 '{e['code']}' 的上级 '{e['parent']}' 未列出",
                    "list the parent geography too, or write parent: null",
                    "同时列出上级地区，或写 parent: null",
                    row=row,
                    column="parent",
                )
            )
    if problems:
        raise InputError(problems)
    return out


def declares_geographies(data_dir: str | Path | None) -> bool:
    """True when the data folder has its own ``geographies.yaml`` (its geographies are then
    checked: a folder or plan naming another geography is an error)."""
    return data_dir is not None and (Path(data_dir) / "geographies.yaml").exists()


def geography_name(code: str, lang: str = "zh", data_dir: str | Path | None = None) -> str:
    """Display name of a geography (``china`` -> 全国 / China (national)); unknown codes come
    back as given."""
    found = load_geographies(data_dir).get(code)
    return found.name(lang) if found else code


def reference_for(code: str, data_dir: str | Path | None = None) -> str:
    """The geography drawn beside ``code`` for comparison: the top of its hierarchy (the
    country), "" for the top itself. A code not listed gets ``china``, as before the
    hierarchy was data."""
    geographies = load_geographies(data_dir)
    if code not in geographies:
        return "" if code == "china" else "china"
    seen, current = {code}, geographies[code]
    while current.parent and current.parent in geographies and current.parent not in seen:
        seen.add(current.parent)
        current = geographies[current.parent]
    return "" if current.code == code else current.code


def within(code: str, area: str, data_dir: str | Path | None = None) -> bool:
    """True when geography ``code`` is ``area`` or lies inside it (``area`` is on its chain
    of parents in ``geographies.yaml``): a province's data inside the national plan's area, a
    country's data not inside a district's."""
    geographies = load_geographies(data_dir)
    seen, current = set(), code
    while current and current not in seen:
        if current == area:
            return True
        seen.add(current)
        found = geographies.get(current)
        current = found.parent if found else None
    return False


def unknown_geography(geography: str, data_dir: str | Path, file: str, **where) -> Problem | None:
    """The problem of a geography that is not a safe code (:mod:`planeval.core.codes`, with or
    without a geographies file) or is missing from the data folder's ``geographies.yaml`` (None
    when it is listed, or when the folder declares no geographies)."""
    unsafe = code_problem(geography, "geography", file, **where)
    if unsafe is not None:
        return unsafe
    if not declares_geographies(data_dir) or geography in load_geographies(data_dir):
        return None
    known = ", ".join(load_geographies(data_dir))
    return Problem(
        file,
        f"geography '{geography}' is not in {Path(data_dir) / 'geographies.yaml'} "
        f"(listed: {known})",
        f"地区 '{geography}' 未列在 geographies.yaml 中（已列出：{known}）",
        "add it to geographies.yaml (code, zh, en, level, parent) or correct the name",
        "在 geographies.yaml 中添加该地区（code、zh、en、level、parent），或改正名称",
        **where,
    )
