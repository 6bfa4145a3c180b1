"""Reading plan files: ``<data_dir>/plans/*.yaml`` into :class:`~planeval.plans.model.Plan`.

Each file is parsed once per process (:mod:`planeval.core.yamlfiles`), checked by
:func:`planeval.plans.checks.validate_catalogue` against the region's departments and units
(:mod:`planeval.plans.registry`), and turned into a :class:`Plan` whose targets know their
department's English name.
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import yaml

from planeval.core.arguments import CLI, Caller
from planeval.core.errors import InputError, Problem
from planeval.core.yamlfiles import parse_yaml_text, read_yaml, read_yaml_document
from planeval.plans.checks import PLAN_KEYS, validate_catalogue
from planeval.plans.model import Plan, Target
from planeval.plans.registry import Vocabulary, load_vocabulary, unknown_geography


def _target_from_raw(
    t: dict, plan: str, domain_en: dict[str, str], departments: dict[str, str]
) -> Target:
    kwargs = {k: t.get(k) for k in {f.name for f in fields(Target)} if k in t}
    kwargs["plan"] = plan
    kwargs["item"] = str(t["item"])
    kwargs["domain_en"] = domain_en.get(t["domain"], "")
    kwargs["department_en"] = departments.get(t.get("department") or "", "")
    for key in ("target_value", "baseline_value", "tolerance"):
        if kwargs.get(key) is not None:
            kwargs[key] = float(kwargs[key])
    for key in ("department", "definition", "note"):
        if kwargs.get(key) is None:
            kwargs[key] = ""
    if kwargs.get("sex_disaggregated") is None:
        kwargs["sex_disaggregated"] = False
    if kwargs.get("sdg") is not None:
        kwargs["sdg"] = str(kwargs["sdg"])
    return Target(**kwargs)


def target_lines(text: str) -> dict[int, int]:
    """Line in the YAML ``text`` where each target starts: ``{1: 20, 2: 39, ...}`` (1-based).

    Empty when the file has no ``targets`` list; used to give each problem its row. (Plan files
    get these lines from their single parse, :func:`planeval.core.yamlfiles.read_yaml_document`.)
    """
    return parse_yaml_text(text).lines_of("targets")


def _not_utf8(path: Path, exc: UnicodeDecodeError) -> Problem:
    return Problem(
        str(path),
        f"not UTF-8 text (byte {exc.start}: {exc.reason}; saved as GBK?)",
        "文件不是 UTF-8 编码（可能保存为 GBK）",
        "save the plan as UTF-8",
        "将规划文件另存为 UTF-8 编码",
    )


def read_plan_file(path: str | Path, vocabulary: Vocabulary | None = None) -> Plan:
    """Read and validate one plan YAML file.

    ``vocabulary``: departments and units allowed (default: those of the data folder holding
    ``plans/``, see :func:`planeval.plans.registry.load_vocabulary`). Raises
    :class:`InputError` listing every problem (YAML syntax, schema, vocabulary).
    """
    path = Path(path)
    try:
        doc = read_yaml_document(path)
    except FileNotFoundError:
        raise InputError(
            Problem(
                str(path), "plan file not found", "找不到规划文件", "check the path", "检查文件路径"
            )
        ) from None
    except UnicodeDecodeError as exc:
        raise InputError(_not_utf8(path, exc)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        raise InputError(
            Problem(
                str(path),
                f"not valid YAML: {getattr(exc, 'problem', exc)}",
                "YAML 格式错误",
                "fix the syntax at the line shown",
                "改正所示行的语法",
                row=row,
            )
        ) from None
    raw = doc.data
    data_dir = _data_dir_of(path)
    vocabulary = vocabulary or load_vocabulary(data_dir)
    problems = validate_catalogue(raw, str(path), doc.lines_of("targets"), vocabulary)
    if data_dir is not None and isinstance(raw, dict) and isinstance(raw.get("geography"), str):
        unknown = unknown_geography(raw["geography"], data_dir, str(path), column="geography")
        problems += [unknown] if unknown else []
    if problems:
        raise InputError(problems)
    domain_en = {d["zh"]: d["en"] for d in raw["domains"]}
    departments = vocabulary.departments
    targets = [_target_from_raw(t, raw["plan"], domain_en, departments) for t in raw["targets"]]
    meta = {k: raw[k] for k in PLAN_KEYS if k != "targets"}
    aliases = [str(a) for a in raw.get("aliases") or []]
    return Plan(**meta, targets=targets, path=str(path), aliases=aliases)


def _data_dir_of(path: Path) -> Path | None:
    """The data folder of a plan file under ``<data_dir>/plans/`` (None elsewhere)."""
    return path.parent.parent if path.parent.name == "plans" else None


def plan_files(data_dir: str | Path) -> list[Path]:
    """Plan files under ``<data_dir>/plans``, sorted by name."""
    return sorted((Path(data_dir) / "plans").glob("*.yaml"))


def load_plan(plan: str | Path, data_dir: str | Path = "data", caller: Caller = CLI) -> Plan:
    """Load a plan by name or alias (``baijiantan_women_2021_2025`` or ``women``) or by path.

    Raises :class:`InputError` when no plan of that name exists under ``<data_dir>/plans``
    (a plan's title or a word of it, ``儿童``, is refused naming the plans it matches; the fix
    names the arguments as ``caller`` typed them: ``--plan`` or ``plan=``), when two plan files
    there use the same name or alias (both files are named), or when the file is invalid
    (YAML syntax, not UTF-8, schema).
    """
    candidate = Path(plan)
    if candidate.suffix in (".yaml", ".yml") and candidate.exists():
        return read_plan_file(candidate)
    names: list[str] = []
    found: list[Path] = []
    for path in plan_files(data_dir):
        own = plan_names(path)
        names += own[:1]
        if str(plan) in own:
            found.append(path)
    if len(found) > 1:
        raise InputError(_same_name(str(plan), found))
    if found:
        return read_plan_file(found[0])
    raise InputError(_no_plan(str(plan), data_dir, names, caller))


def _titled(text: str, data_dir: str | Path) -> list[tuple[str, str]]:
    """``(short name, title)`` of the plans whose title (zh or en) holds ``text``."""
    if len(text.strip()) < 2 or "/" in text or text.endswith((".yaml", ".yml")):
        return []
    out = []
    for path in plan_files(data_dir):
        try:
            head = read_yaml(path)
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        if not isinstance(head, dict) or head.get("plan") is None:
            continue
        titles = [str(head.get(k) or "") for k in ("title_zh", "title_en")]
        if any(text.strip().casefold() in t.casefold() for t in titles):
            short = (head.get("aliases") or [head["plan"]])[0]
            out.append((str(short), titles[0] or titles[1]))
    return out


def _no_plan(plan: str, data_dir: str | Path, names: list[str], caller: Caller) -> Problem:
    """No plan named ``plan``: the names found, the plans whose title holds it, the fix."""
    titled = _titled(plan, data_dir)
    found = ", ".join(names) or "none"
    if titled:
        which = "; ".join(f"{short} ({title})" for short, title in titled)
        return Problem(
            caller.name("plan"),
            f"'{plan}' is not a plan name; it is in the title of: {which}",
            f"'{plan}' 不是规划名称；标题中含有它的规划：{which}",
            f"pass the plan's name: {caller.give('plan', titled[0][0])}",
            f"请传入规划名称：{caller.give('plan', titled[0][0])}",
            code="parameter",
        )
    if Path(plan).suffix in (".yaml", ".yml") or "/" in plan:
        return Problem(
            str(plan),
            f"no plan file {plan} (found plans: {found})",
            f"找不到规划文件 {plan}（现有规划：{found}）",
            f"pass a plan name ({caller.give('plan', names[0] if names else 'women')}) "
            "or the path of an existing plan YAML file",
            "传入规划名称，或已存在的规划 YAML 文件路径",
            code="parameter",
        )
    return Problem(
        str(Path(data_dir) / "plans"),
        f"no plan named '{plan}' (found: {found})",
        f"找不到名为 '{plan}' 的规划（现有：{', '.join(names) or '无'}）",
        f"pass {caller.name('plan')} with one of the names found, or "
        f"{caller.name('data_dir')} pointing at the data folder",
        f"{caller.name('plan')} 取已有的规划名称之一，"
        f"或用 {caller.name('data_dir')} 指向数据文件夹",
    )


def plan_names(path: Path) -> list[str]:
    """``[plan, *aliases]`` of a plan file (empty without ``plan:``); InputError when
    unreadable."""
    try:
        head = read_yaml(path)
    except (UnicodeDecodeError, yaml.YAMLError):
        read_plan_file(path)  # raises the full InputError (not UTF-8, YAML syntax)
        raise
    if not isinstance(head, dict) or head.get("plan") is None:
        return []
    aliases = head.get("aliases") if isinstance(head.get("aliases"), list) else []
    return [str(head["plan"]), *(str(a) for a in aliases)]


def _same_name(name: str, paths: list[Path]) -> Problem:
    """Two or more files share the plan name or alias ``name`` (several: ``'a', 'b'``)."""
    files = " and ".join(str(p) for p in paths)
    quoted = name if name.startswith("'") else f"'{name}'"
    return Problem(
        str(paths[-1]),
        f"plan name {quoted} is used by more than one file: {files}",
        f"规划名称 {quoted} 在多个文件中重复：{files}",
        "give each plan file its own plan: name and aliases, or remove the copy",
        "每个规划文件的 plan: 名称和 aliases 别名须唯一，或删除重复的副本",
        column="plan",
    )


def load_all_plans(data_dir: str | Path = "data") -> list[Plan]:
    """Every plan under ``<data_dir>/plans``, sorted by file name.

    Raises :class:`InputError` when a file is invalid or when two files share a name or an
    alias (an exact copy under another file name too).
    """
    plans = [read_plan_file(p) for p in plan_files(data_dir)]
    by_name: dict[str, list[Path]] = {}
    for p in plans:
        for name in dict.fromkeys(p.names):
            by_name.setdefault(name, []).append(Path(p.path))
    clashes: dict[tuple, list[str]] = {}  # one problem per group of files, naming every name
    for name, paths in by_name.items():
        if len(paths) > 1:
            clashes.setdefault(tuple(paths), []).append(name)
    problems = [
        _same_name(", ".join(f"'{n}'" for n in names), list(paths))
        for paths, names in clashes.items()
    ]
    if problems:
        raise InputError(problems)
    return plans


#: Years of history before the earliest plan period that submissions may hold (the trend of
#: the previous plan periods: a 2021–2025 plan reads data from 2001 on).
HISTORY_YEARS = 20


def year_range(data_dir: str | Path = "data") -> tuple[int, int] | None:
    """``(first, last)`` data year any plan under ``data_dir`` covers: :data:`HISTORY_YEARS`
    before the earliest ``period_start`` up to the latest ``period_end``; None without plans
    (or when a plan file is invalid: its own error is reported by the catalogue checks)."""
    try:
        plans = load_all_plans(data_dir)
    except InputError:
        return None
    if not plans:
        return None
    return (
        min(p.period_start for p in plans) - HISTORY_YEARS,
        max(p.period_end for p in plans),
    )


def plans_by_name(data_dir: str | Path = "data") -> dict[str, Plan]:
    """Every plan under ``<data_dir>/plans`` under its name and under each alias."""
    return {name: p for p in load_all_plans(data_dir) for name in p.names}


def registered_indicators(data_dir: str | Path) -> list[dict]:
    """Entries of ``<data_dir>/indicators.yaml``, the monitoring indicators without a target
    in any plan (empty when the file is absent). Each has ``indicator_id`` and ``unit``, and
    may have ``name_zh``, ``name_en``, ``definition`` and ``department`` (the 成员单位 whose
    template carries it)."""
    path = Path(data_dir) / "indicators.yaml"
    if not path.exists():
        return []
    raw = read_yaml(path) or {}
    return [e for e in raw.get("indicators", []) if isinstance(e, dict) and "indicator_id" in e]


def known_units(data_dir: str | Path = "data") -> dict[str, str]:
    """Unit of every known indicator: targets of all plans plus ``<data_dir>/indicators.yaml``.

    Used to reject unknown indicators and wrong units in submissions. Raises
    :class:`InputError` when two plans give one indicator different units.
    """
    units: dict[str, str] = {}
    origin: dict[str, str] = {}
    problems = []
    for plan in load_all_plans(data_dir):
        for t in plan.targets:
            if t.indicator_id in units and units[t.indicator_id] != t.unit:
                problems.append(
                    Problem(
                        plan.path,
                        f"{t.indicator_id} has unit '{t.unit}' here but "
                        f"'{units[t.indicator_id]}' in {origin[t.indicator_id]}",
                        f"指标 {t.indicator_id} 在两个规划中单位不一致",
                        "use one unit per indicator_id",
                        "每个 indicator_id 只用一种单位",
                        column="unit",
                    )
                )
            units.setdefault(t.indicator_id, t.unit)
            origin.setdefault(t.indicator_id, plan.path)
    register = Path(data_dir) / "indicators.yaml"
    if register.exists():
        raw = read_yaml(register) or {}
        for i, entry in enumerate(raw.get("indicators", []), start=1):
            if not isinstance(entry, dict) or "indicator_id" not in entry or "unit" not in entry:
                problems.append(
                    Problem(
                        str(register),
                        f"entry #{i} needs indicator_id and unit",
                        f"第{i}项缺少 indicator_id 或 unit",
                        "add both keys",
                        "添加这两个字段",
                    )
                )
                continue
            units.setdefault(entry["indicator_id"], entry["unit"])
    if problems:
        raise InputError(problems)
    return units
