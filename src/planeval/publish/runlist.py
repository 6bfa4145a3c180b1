"""Run lists: the YAML that names a batch's reports, validated and expanded to one run per report.

A run list (see ``data/runs/main.yaml`` and ``docs/batch.md``)::

    data_dir: data          # holds plans/ and observations/ (relative to the working directory)
    out: reports
    notebook: notebooks/evaluation.ipynb   # optional; default: the package's notebook
    runs:
      - geographies: ["*"]  # folder names under observations/, globs allowed
        plans: [women, children]
        stages: [midterm, final]
        years: [2023, 2025] # paired with stages in order, or a single year for all
        langs: [zh]         # optional, default [zh]
        formats: [html, docx, pdf]  # optional, default [html]; Word and PDF beside the HTML
        overviews: [china]  # optional: also the overview of these parents' regions per plan,
                            # stage, year, lang (built after the reports, from their stored
                            # verdicts); a block with overviews may leave geographies out
        annex: brief        # optional: brief (default) or full

:func:`load_runlist` reports every problem at once, as one :class:`InputError`, and expands the
list to one :class:`~planeval.reporting.spec.ReportSpec` per report.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from planeval.core.codes import closest, is_safe_code
from planeval.core.errors import InputError, Problem
from planeval.core.yamlfiles import key_lines, read_yaml
from planeval.publish.fingerprint import NOTEBOOK
from planeval.reporting.overview_spec import OverviewSpec
from planeval.reporting.spec import ANNEXES, FORMATS, LANGS, STAGES, ReportSpec

RUNLIST_KEYS = ("data_dir", "out", "notebook", "runs")
BLOCK_KEYS = (
    "geographies",
    "plans",
    "stages",
    "years",
    "langs",
    "formats",
    "annex",
    "overviews",
)
REQUIRED_BLOCK_KEYS = ("geographies", "plans", "stages", "years")


@dataclass
class RunList:
    """A validated run list: absolute ``data_dir``, ``out`` and ``notebook``, one
    :class:`ReportSpec` per report."""

    path: Path
    data_dir: Path
    out: Path
    notebook: Path
    runs: list[ReportSpec]
    duplicates: int = 0
    overviews: list[OverviewSpec] = field(default_factory=list)


def _few(names: list[str], limit: int = 12) -> str:
    """``a, b, c`` or ``a, b, ... (40 in all)``: names for a message, not a page of them."""
    if not names:
        return "none"
    shown = ", ".join(names[:limit])
    return shown if len(names) <= limit else f"{shown}, ... ({len(names)} in all)"


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def _plan_names(data_dir: Path) -> list[str]:
    """Plan names and aliases (``plan:``, ``aliases:``) of the files under ``<data_dir>/plans``
    that are safe codes (:mod:`planeval.core.codes`)."""
    from planeval.plans.loading import plan_files, plan_names

    names = []
    for path in plan_files(data_dir):
        try:
            names += plan_names(path)
        except (OSError, InputError, UnicodeDecodeError, yaml.YAMLError):
            continue  # an unreadable plan file fails its own reports, with the loader's message
    # a name that is not a safe code would become a path (``../x``): never a known plan
    return [n for n in names if is_safe_code(n)]


def _read_runlist(path: Path) -> dict:
    """The run list's YAML as a mapping; raises :class:`InputError` for an unreadable file,
    invalid YAML (with its line) or a document that is not a mapping."""
    name = str(path)
    try:
        raw = read_yaml(path)
    except OSError as exc:
        raise InputError(
            Problem(
                name,
                f"cannot read the run list ({exc.strerror})",
                "无法读取运行清单",
                "check the path",
                "检查路径",
            )
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(
            Problem(
                name,
                f"not valid YAML: {getattr(exc, 'problem', exc)}",
                "不是有效的 YAML 文件",
                "fix the indentation or quoting there",
                "修改该处的缩进或引号",
                row=mark.line + 1 if mark else None,
            )
        ) from None
    if not isinstance(raw, dict):
        raise InputError(
            Problem(
                name,
                "a run list is a mapping with data_dir, out and runs",
                "运行清单应包含 data_dir、out 和 runs",
                "see data/runs/main.yaml for an example",
                "参照 data/runs/main.yaml",
            )
        )
    return raw


def _folders(raw: dict, name: str) -> tuple[Path, Path, Path, list[Problem]]:
    """``(data_dir, out, notebook, problems)``: absolute paths (relative ones are taken from the
    working directory) and the problems of the top-level keys and paths."""
    problems = [
        Problem(
            name,
            f"unknown key '{key}'",
            f"未知字段 '{key}'",
            f"use only {', '.join(RUNLIST_KEYS)}",
            f"只能使用 {', '.join(RUNLIST_KEYS)}",
            column=str(key),
        )
        for key in raw
        if key not in RUNLIST_KEYS
    ]
    data_dir = Path(str(raw.get("data_dir", "data"))).resolve()
    out = Path(str(raw.get("out", "reports"))).resolve()
    notebook = Path(str(raw.get("notebook", NOTEBOOK))).resolve()
    blocker = next((p for p in (out, *out.parents) if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        problems.append(
            Problem(
                name,
                f"out {out} cannot be a folder: {blocker} is an existing file",
                f"out 不能作为文件夹：{blocker} 是已有的文件",
                "give a folder for the reports (it is created when missing)",
                "out 应为存放报告的文件夹（不存在时会自动创建）",
                column="out",
            )
        )
    if not notebook.is_file():
        problems.append(
            Problem(
                name,
                f"notebook {notebook} does not exist",
                "找不到 notebook 文件",
                "give the path of an .ipynb file, or leave notebook out",
                "给出 .ipynb 文件路径，或删去 notebook",
                column="notebook",
            )
        )
    if not (data_dir / "observations").is_dir():
        problems.append(
            Problem(
                name,
                f"data_dir {data_dir} has no observations/ folder",
                "data_dir 下没有 observations 文件夹",
                "data_dir is taken from the working directory; give the folder "
                "holding plans/ and observations/",
                "data_dir 相对于当前工作目录；应指向包含 plans/ 和 observations/ 的文件夹",
                column="data_dir",
            )
        )
    return data_dir, out, notebook, problems


def _key_problems(block: dict, name: str, i: int) -> tuple[list[Problem], bool]:
    """Problems of unknown and missing keys of run block ``i`` (1-based), and whether a
    required key is missing (the block cannot be read further)."""
    where = f"runs[{i}]"
    problems = [
        _unknown(
            name,
            (f"{where}: unknown key '{key}'", f"第{i}个运行块：未知字段 '{key}'"),
            str(key),
            BLOCK_KEYS,
            (f"use only {', '.join(BLOCK_KEYS)}", f"只能使用 {', '.join(BLOCK_KEYS)}"),
            f"{where}.{key}",
        )
        for key in block
        if key not in BLOCK_KEYS
    ]
    required = [k for k in REQUIRED_BLOCK_KEYS if k != "geographies" or not block.get("overviews")]
    missing = [k for k in required if k not in block or block[k] in (None, [])]
    for key in missing:
        problems.append(
            Problem(
                name,
                f"{where}: missing '{key}'",
                f"第{i}个运行块：缺少 '{key}'",
                f"add {key}: [...]",
                f"添加 {key}: [...]",
                column=f"{where}.{key}",
            )
        )
    return problems, bool(missing)


def _unknown(
    name: str, message: tuple[str, str], value: str, known, fix: tuple[str, str], column: str
) -> Problem:
    """A value not among ``known``: "did you mean ..." for a near miss (difflib), else
    ``message`` with the general ``fix`` (en, zh)."""
    match = closest(value, known)
    if match is not None:
        en, zh = message[0].split(" (found:")[0], message[1]
        message = (f"{en}; did you mean {match}?", f"{zh}；是否应为 {match}？")
        fix = (f"write {match}", f"改为 {match}")
    return Problem(name, message[0], message[1], fix[0], fix[1], column=column)


def _unknown_names(
    values: list[str], known, name: str, i: int, what: tuple[str, str], column: str
) -> list[Problem]:
    """One problem per value of a block's ``column`` that is not in ``known``; ``what`` names
    the kind of value (en, zh), e.g. ``("plan", "规划")``."""
    found = f" (found: {', '.join(known) or 'none'})" if column == "plans" else ""
    return [
        _unknown(
            name,
            (f"runs[{i}]: unknown {what[0]} '{v}'{found}", f"第{i}个运行块：未知{what[1]} '{v}'"),
            v,
            known,
            (f"use one of {', '.join(known)}", f"使用 {', '.join(known)} 之一"),
            f"runs[{i}].{column}",
        )
        for v in values
        if v not in known
    ]


def _match_geographies(
    patterns: list[str], geographies: list[str], data_dir: Path, name: str, i: int
) -> tuple[list[str], list[Problem]]:
    """Folders matching the block's geography patterns (in order, once each), and a problem for
    each pattern that matches none."""
    matched: list[str] = []
    problems = []
    for pattern in patterns:
        hits = fnmatch.filter(geographies, pattern)
        if not hits:
            problems.append(
                _unknown(
                    name,
                    (
                        f"runs[{i}]: geography '{pattern}' matches no folder under "
                        f"{data_dir / 'observations'} (found: {_few(geographies)})",
                        f"第{i}个运行块：地区 '{pattern}' 没有对应的数据文件夹",
                    ),
                    pattern,
                    [] if any(c in pattern for c in "*?[") else geographies,
                    (
                        "use a folder name (globs allowed) of observations/",
                        "使用 observations/ 下的文件夹名（可用通配符）",
                    ),
                    f"runs[{i}].geographies",
                )
            )
        matched += [g for g in hits if g not in matched]
    return matched, problems


def _years(years_raw: list, n_stages: int, name: str, i: int) -> tuple[list, list[Problem]]:
    """The block's years paired with its stages (a single year serves every stage), and the
    problems: a value that is not a four-digit year, or counts that do not pair."""
    where = f"runs[{i}]"
    problems = [
        Problem(
            name,
            f"{where}: year '{y}' is not a four-digit year",
            f"第{i}个运行块：年份 '{y}' 无效",
            "write the data cut-off year, e.g. 2023",
            "写数据截止年份，如 2023",
            column=f"{where}.years",
        )
        for y in years_raw
        if isinstance(y, bool) or not isinstance(y, int) or not 1900 <= y <= 2200
    ]
    years = list(years_raw) * n_stages if len(years_raw) == 1 else list(years_raw)
    if len(years) != n_stages:
        problems.append(
            Problem(
                name,
                f"{where}: {n_stages} stages but {len(years)} years",
                f"第{i}个运行块：报告类型与年份数量不符",
                "give one year per stage (paired in order), or a single year for all",
                "每个报告类型给一个年份（按顺序配对），或只给一个年份",
                column=f"{where}.years",
            )
        )
    return years, problems


def _parent_problems(parents: list[str], data_dir: Path, name: str, i: int) -> list[Problem]:
    """A problem for each overview parent not listed in the data folder's geographies."""
    from planeval.plans.registry import load_geographies

    known = load_geographies(data_dir)
    return [
        Problem(
            name,
            f"runs[{i}]: overview parent '{p}' is not in geographies.yaml",
            f"第{i}个运行块：汇总上级地区 '{p}' 不在 geographies.yaml 中",
            f"use one of {', '.join(known)}",
            f"使用 {', '.join(known)} 之一",
            column=f"runs[{i}].overviews",
        )
        for p in parents
        if p not in known
    ]


def _block_runs(
    block, name: str, i: int, geographies: list[str], plans: list[str], data_dir: Path
) -> tuple[list, list[Problem]]:
    """The reports of run block ``i`` (geographies × plans × (stage, year) × langs), or the
    block's problems (then no runs)."""
    if not isinstance(block, dict):
        return [], [
            Problem(
                name,
                f"runs[{i}] is not a mapping",
                f"第{i}个运行块格式错误",
                f"give {', '.join(REQUIRED_BLOCK_KEYS)}",
                f"写明 {', '.join(REQUIRED_BLOCK_KEYS)}",
                column=f"runs[{i}]",
            )
        ]
    problems, missing = _key_problems(block, name, i)
    # a missing key does not hide the others' faults: every value given is checked
    block_plans = [str(p) for p in _as_list(block.get("plans") or [])]
    stages = [str(s) for s in _as_list(block.get("stages") or [])]
    langs = [str(x) for x in _as_list(block.get("langs", ["zh"]))]
    formats = [str(x).lower() for x in _as_list(block.get("formats", ["html"]))]
    annex = str(block.get("annex", "brief"))  # one per block: both would share a file name
    patterns = [str(g) for g in _as_list(block.get("geographies") or [])]
    parents = [str(g) for g in _as_list(block.get("overviews") or [])]
    matched, geo_problems = _match_geographies(patterns, geographies, data_dir, name, i)
    years, year_problems = [], []
    if not missing:  # years pair with stages: only when both are given
        years, year_problems = _years(_as_list(block["years"]), len(stages), name, i)
    problems += geo_problems
    problems += _unknown_names(block_plans, plans, name, i, ("plan", "规划"), "plans")
    problems += _unknown_names(stages, STAGES, name, i, ("stage", "报告类型"), "stages")
    problems += _unknown_names(langs, LANGS, name, i, ("language", "语言"), "langs")
    problems += _unknown_names(formats, FORMATS, name, i, ("format", "格式"), "formats")
    problems += _unknown_names([annex], ANNEXES, name, i, ("annex", "附录类型"), "annex")
    problems += year_problems
    problems += _parent_problems(parents, data_dir, name, i)
    if problems:
        return [], problems
    kept = tuple(f for f in FORMATS if f in formats or f == "html")
    runs = [
        ReportSpec(plan, stage, int(year), geo, lang, kept, annex)
        for geo in matched
        for plan in block_plans
        for stage, year in zip(stages, years, strict=True)
        for lang in langs
    ]
    runs += [
        OverviewSpec(plan, stage, int(year), parent, lang, kept)
        for parent in parents
        for plan in block_plans
        for stage, year in zip(stages, years, strict=True)
        for lang in langs
    ]
    return runs, []


_BLOCK_COLUMN = re.compile(r"runs\[(\d+)\](?:\.(.+))?")


def _with_rows(problems: list[Problem], path: Path) -> list[Problem]:
    """Each problem at the line of its key (``runs[2].plans`` -> the line of the second
    block's ``plans:``; a missing key: its block's first line)."""
    lines = key_lines(path.read_text(encoding="utf-8"))
    out = []
    for p in problems:
        keys: tuple = ()
        block = _BLOCK_COLUMN.fullmatch(p.column or "")
        if block:
            keys = ("runs", int(block[1]) - 1, *([block[2]] if block[2] else []))
        elif p.column:
            keys = (p.column,)
        row = lines.get(keys) or lines.get(keys[:2]) if keys else None
        out.append(replace(p, row=row) if row and p.row is None else p)
    return out


def load_runlist(path: str | Path) -> RunList:
    """Read and validate a run list; expand it to one :class:`ReportSpec` per report and one
    :class:`~planeval.reporting.overview_spec.OverviewSpec` per overview (key ``overviews``).

    Relative ``data_dir``, ``out`` and ``notebook`` are taken from the working directory.
    Geography patterns are matched (:mod:`fnmatch`) against the folders under
    ``<data_dir>/observations`` that hold yearly files. The same report named twice is built
    once (counted in ``duplicates``). Raises :class:`InputError` listing every problem: unknown
    keys, missing keys, unknown plan, stage or language, a year that is not a whole number,
    stages and years of different lengths, a geography pattern that matches no folder.
    """
    from planeval.intake.observations import list_geographies

    path = Path(path)
    name = str(path)
    raw = _read_runlist(path)
    data_dir, out, notebook, problems = _folders(raw, name)
    if not (data_dir / "observations").is_dir():
        raise InputError(_with_rows(problems, path))
    geographies = list_geographies(data_dir)
    plans = _plan_names(data_dir)
    blocks = raw.get("runs")
    if not isinstance(blocks, list) or not blocks:
        problems.append(
            Problem(
                name,
                "no runs: 'runs' must be a list of run blocks",
                "缺少 runs 列表",
                "add runs: with at least one block",
                "添加 runs:，至少一个运行块",
                column="runs",
            )
        )
        blocks = []
    runs: list[ReportSpec] = []
    for i, block in enumerate(blocks, start=1):
        block_runs, block_problems = _block_runs(block, name, i, geographies, plans, data_dir)
        runs += block_runs
        problems += block_problems
    if problems:
        raise InputError(_with_rows(problems, path))
    overviews = list(dict.fromkeys(r for r in runs if isinstance(r, OverviewSpec)))
    runs = [r for r in runs if not isinstance(r, OverviewSpec)]
    unique = list(dict.fromkeys(runs))
    return RunList(
        path, data_dir, out, notebook, unique, len(runs) - len(unique), overviews=overviews
    )
