"""The office's own words: text written by people, kept as versioned data files and placed
into the report's findings.

One file per report, ``data/narrative/<geography>/<plan>_<stage>_<year>.yaml``, ``<plan>`` the
plan's short name as in the report's file name (``children``; missing file:
no person-written text; every place for it stays marked in the report)::

    author: 妇儿工委办公室           # who wrote the entries (an entry may name its own)
    office: 白碱滩区妇女儿童工作委员会办公室   # the 落款 and the Word file's author
    date: 2026年3月1日               # the 落款's date (default: the day the report is made)
    work: 2023年，区妇儿工委组织成员单位开展自查自评……   # 工作开展情况: how the evaluation ran
    background: 全区常住人口……       # background (economy, population), after 工作开展情况
    overall: 全区妇女发展规划实施……   # a paragraph after the overall verdict
    domains:
      健康:                          # the domain's Chinese name as in the plan
        progress: ……                 # after the domain's drafted findings
        measures: ……                 # the measures taken in the domain (主要措施)
        causes: ……                   # the domain's causes, under 存在的问题
    indicators:
      cervical_cancer_screening:
        cause: ……                    # why the indicator is off track, under 存在的问题
        recommendation: ……           # the measure, under 对策建议
        author: 卫健委
    departments:
      卫健委:                        # a department the plan makes responsible (its targets)
        recommendation: ……           # its measures and deadlines, under 对策建议
        author: 卫健委

Raises :class:`~planeval.core.errors.InputError` naming the file, the key and the fix for a
file that is not valid YAML or has an unknown key or a non-text entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from planeval.core.codes import check_code, closest
from planeval.core.errors import InputError, Problem
from planeval.core.yamlfiles import key_lines

#: Texts at the top of a file (besides ``author``, ``domains`` and ``indicators``).
TOP_TEXTS = ("overall", "office", "date", "work", "background")
TOP_KEYS = {"author", "domains", "indicators", "departments", *TOP_TEXTS}
DOMAIN_KEYS = {"progress", "causes", "measures", "author"}
INDICATOR_KEYS = {"cause", "recommendation", "author"}
DEPARTMENT_KEYS = {"recommendation", "author"}
SECTIONS = ("domains", "indicators", "departments")


@dataclass
class Written:
    """One person-written text and its author."""

    text: str
    author: str


@dataclass
class Narrative:
    """The person-written texts of one report (all empty when there is no file)."""

    path: str = ""
    overall: Written | None = None
    top: dict[str, Written] = field(default_factory=dict)  # office, date, work, background
    domains: dict[str, dict[str, Written]] = field(default_factory=dict)
    indicators: dict[str, dict[str, Written]] = field(default_factory=dict)
    departments: dict[str, dict[str, Written]] = field(default_factory=dict)

    def department(self, department_zh: str, key: str) -> Written | None:
        return self.departments.get(department_zh, {}).get(key)

    def domain(self, domain_zh: str, key: str) -> Written | None:
        return self.domains.get(domain_zh, {}).get(key)

    def indicator(self, indicator_id: str, key: str) -> Written | None:
        return self.indicators.get(indicator_id, {}).get(key)


def narrative_path(data_dir, geography: str, plan: str, stage: str, year: int) -> Path:
    """``<data_dir>/narrative/<geography>/<plan>_<stage>_<year>.yaml``; raises
    :class:`InputError` when the geography or plan is not a safe code."""
    check_code(geography, "geography", "--geography")
    check_code(plan, "plan", "--plan")
    return Path(data_dir) / "narrative" / geography / f"{plan}_{stage}_{year}.yaml"


def _problem(
    path: Path, where: str, en: str, zh: str, fix: str, fix_zh: str, column: str | None = None
) -> Problem:
    """A problem at key ``column`` (dotted key path; default ``where`` unless it is the file
    name); :func:`load_narrative` adds the key's line as the row."""
    column = column or (where if where != path.name else None)
    return Problem(
        str(path), f"{where}: {en}", f"{where}：{zh}", fix, fix_zh, column=column, code="narrative"
    )


def _unknown(
    path: Path, where: str, en: str, zh: str, key: str, known, listed: str, column=None
) -> Problem:
    """An unknown key: "did you mean ..." for a near miss, else the allowed keys."""
    match = closest(key, known)
    if match is not None:
        return _problem(path, where, f"{en}; did you mean {match}?", f"{zh}；是否应为 {match}？",
                        f"write {match}", f"改为 {match}", column)  # fmt: skip
    return _problem(path, where, en, zh, f"use one of {listed}", f"请使用以下之一：{listed}",
                    column)  # fmt: skip


def _entries(
    path: Path, where: str, raw, keys: set[str], author: str, problems: list[Problem]
) -> dict[str, Written]:
    """``{key: Written}`` of one mapping of texts (``author`` may be overridden in it); its
    faults are added to ``problems`` (every one, not the first)."""
    names = ", ".join(sorted(keys))
    if not isinstance(raw, dict):
        problems.append(
            _problem(path, where, "expected keys with texts", "应为若干键及其文字",
                     f"write {names} under it", f"在其下填写 {names}")
        )  # fmt: skip
        return {}
    problems += [
        _unknown(
            path,
            where,
            f"unknown key {k}",
            f"未知的键 {k}",
            str(k),
            keys,
            names,
            str(k) if where == path.name else f"{where}.{k}",
        )  # fmt: skip
        for k in raw
        if k not in keys
    ]
    author = str(raw.get("author") or author)
    out = {}
    for key, value in raw.items():
        if key == "author" or key not in keys or value in (None, ""):
            continue
        if not isinstance(value, str):
            problems.append(
                _problem(path, f"{where}.{key}", "is not a text", "不是文字",
                         "write the text after the colon (quote it if needed)", "在冒号后填写文字")
            )  # fmt: skip
            continue
        out[key] = Written(value.strip(), author)
    return out


def _read(path: Path) -> dict:
    """The file's YAML as a mapping (an empty file is an empty mapping); raises
    :class:`InputError` for invalid YAML or a top level that is not a mapping."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError(
            _problem(path, path.name, f"not valid YAML ({type(exc).__name__})", "不是有效的 YAML",
                     "save it as UTF-8 and check indentation", "请以 UTF-8 保存并检查缩进")
        ) from None  # fmt: skip
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        keys = ", ".join(sorted(TOP_KEYS))
        raise InputError(
            _problem(path, path.name, f"the top level is a {type(raw).__name__}, not keys with "
                     "texts", "顶层应为若干键及其文字", f"start each line of the top level with "
                     f"one of {keys} and a colon (see data/narrative/example/)",
                     f"顶层每行以 {keys} 之一加冒号开头（参见 data/narrative/example/）")
        )  # fmt: skip
    return raw


def _section(path: Path, raw: dict, name: str, problems: list[Problem]) -> dict:
    """``domains``, ``indicators`` or ``departments`` of the file as a mapping (absent or not a
    mapping: empty, the latter a problem added to ``problems``)."""
    value = raw.get(name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append(
            _problem(path, name, f"is a {type(value).__name__}, not keys with texts",
                     "应为若干键及其文字", f"write one key per line under {name}: "
                     "(see data/narrative/example/)", f"在 {name}: 下每行写一个键")
        )  # fmt: skip
        return {}
    return value


def _unknown_keys(path: Path, name: str, given, known: dict[str, str]) -> list[Problem]:
    """A key of ``domains``/``indicators``/``departments`` that the plan does not have (its
    text would never reach the report): "did you mean ..." for a near miss, else the plan's
    keys (``known`` maps each to a hint); the unknown keys are taken out of ``given``."""
    unknown = [k for k in given if str(k) not in known]
    listed = ", ".join(f"{k}{known[k]}" for k in list(known)[:30])
    listed += f", ... ({len(known)} in all)" if len(known) > 30 else ""
    what = {"domains": ("domain", "领域"), "departments": ("responsible department", "责任部门")}
    what = what.get(name, ("indicator id", "指标代码"))
    problems = [
        _unknown(path, f"{name}.{key}", f"unknown {what[0]} '{key}' of this plan: its text "
                 "would not appear in the report", f"本规划没有{what[1]} '{key}'，其文字不会"
                 "出现在报告中", str(key), known, listed)
        for key in unknown
    ]  # fmt: skip
    for key in unknown:
        del given[key]
    return problems


def _plan_keys(plan) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Allowed ``domains`` keys (the plan's domains in Chinese, English as hint),
    ``indicators`` keys (the ids of the plan's statistical targets) and ``departments`` keys
    (the departments the plan makes responsible for a target)."""
    domains = {str(d["zh"]): f" ({d.get('en', '')})" for d in plan.domains}
    ids = {t.indicator_id: "" for t in plan.targets if t.is_statistical}
    departments = {t.department: "" for t in plan.targets if t.department}
    return domains, ids, departments


def load_narrative(
    data_dir, geography: str, plan: str, stage: str, year: int, catalogue=None
) -> Narrative:
    """The person-written texts of one report, or an empty :class:`Narrative` without a file.

    ``catalogue`` (a :class:`~planeval.plans.model.Plan`): when given, every key under
    ``domains`` must be one of its domains (Chinese name) and every key under ``indicators``
    one of its statistical targets' ids, so no text is lost to a typo. Raises
    :class:`InputError` naming the file, the key and the fix (see the module docstring).
    """
    path = narrative_path(data_dir, geography, plan, stage, year)
    if not path.is_file():
        return Narrative()
    raw = _read(path)
    problems: list[Problem] = []
    given = {k: v for k, v in raw.items() if k in ("author", *TOP_TEXTS)}
    given |= {k: None for k in raw if k not in TOP_KEYS}  # unknown keys: named, not read
    top = _entries(path, path.name, given, TOP_KEYS, "", problems)
    author = str(raw.get("author") or "")
    sections = {n: dict(_section(path, raw, n, problems)) for n in SECTIONS}
    if catalogue is not None:
        for name, known in zip(SECTIONS, _plan_keys(catalogue), strict=True):
            problems += _unknown_keys(path, name, sections[name], known)
    keys = dict(zip(SECTIONS, (DOMAIN_KEYS, INDICATOR_KEYS, DEPARTMENT_KEYS), strict=True))
    texts = {
        name: {
            str(k): _entries(path, f"{name}.{k}", v, keys[name], author, problems)
            for k, v in sections[name].items()
        }
        for name in SECTIONS
    }
    if problems:  # every problem of the file at once, each at its key's line
        lines = key_lines(path.read_text(encoding="utf-8"))
        raise InputError(
            [replace(p, row=lines.get(tuple(p.column.split(".")))) if p.column else p
             for p in problems]
        )  # fmt: skip
    return Narrative(
        path=str(path),
        overall=top.get("overall"),
        top=top,
        domains=texts["domains"],
        indicators=texts["indicators"],
        departments=texts["departments"],
    )


def check_narrative(data_dir, geography: str, plan: str, stage: str, year: int) -> Narrative:
    """The narrative of a report checked before any kernel starts: shape, keys, and its
    domains and indicator ids against the plan ``plan`` (name or alias) under ``data_dir``.
    Raises :class:`InputError` (file, key, fix; zh + en) like :func:`load_narrative`."""
    from planeval.plans.catalogue import load_plan

    catalogue = load_plan(plan, data_dir)
    return load_narrative(data_dir, geography, catalogue.short_name, stage, year, catalogue)


_FILE_NAME = re.compile(r"^(?P<plan>.+)_(?P<stage>[a-z]+)_(?P<year>\d{4})\.yaml$")


def check_narrative_files(
    data_dir, geographies: set[str] | None = None
) -> tuple[list[Path], list[Problem]]:
    """``planeval validate``'s check of the narrative files: every ``*.yaml`` under
    ``<data_dir>/narrative/<geography>/`` (only ``geographies`` when given) through
    :func:`check_narrative`, the function the reports run. Returns ``(files, problems)``: a
    name the reports never read or a plan that does not exist is a problem too."""
    root = Path(data_dir) / "narrative"
    folders = sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
    files, problems = [], []
    for folder in folders:
        if geographies is not None and folder.name not in geographies:
            continue
        for path in sorted(folder.glob("*.y*ml")):
            files.append(path)
            problems += _file_problems(data_dir, folder.name, path)
    return files, problems


def _file_problems(data_dir, geography: str, path: Path) -> list[Problem]:
    from planeval.plans.loading import plan_files, plan_names
    from planeval.reporting.spec import STAGES

    match = _FILE_NAME.match(path.name)
    if match is None or match["stage"] not in STAGES:
        return [_problem(path, path.name, "the reports read <plan>_<stage>_<year>.yaml "
                         f"(stage {'/'.join(STAGES)}): this file is never read",
                         f"报告只读取 <规划>_<阶段>_<年份>.yaml（阶段为 {'/'.join(STAGES)}），"
                         "此文件不会被读取", "rename it, e.g. children_midterm_2023.yaml",
                         "重命名，例如 children_midterm_2023.yaml")]  # fmt: skip
    plan = match["plan"]
    try:
        names = [n for f in plan_files(data_dir) for n in plan_names(f)]
    except InputError:  # a broken plan file: named by the catalogue checks
        return []
    if plan not in names:
        return [_unknown(path, path.name, f"no plan '{plan}' under plans/: the file is never "
                         "read", f"plans/ 中没有规划 '{plan}'，此文件不会被读取", plan, names,
                         ", ".join(names))]  # fmt: skip
    try:
        check_narrative(data_dir, geography, plan, match["stage"], int(match["year"]))
    except InputError as exc:
        return exc.problems
    return []
