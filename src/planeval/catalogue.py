"""The plan catalogue: every target of a plan, read from ``data/plans/*.yaml``.

A plan file holds the plan's metadata and one entry per target (see
``docs/catalogue_schema.md``). :func:`load_plan` reads and validates one plan;
:func:`validate_catalogue` returns every problem of a file so a reviewer can fix them in one go.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import pandas as pd
import yaml

from .errors import InputError, Problem

#: Target types with a number (``target_value`` required).
NUMERIC_TYPES = frozenset(
    {
        "at_least",
        "at_most",
        "about",
        "maintain_at_least",
        "maintain_at_most",
        "relative_change",
        "count_at_least",
    }
)
#: Target types without a number: the target is a direction, a state or a narrative.
QUALITATIVE_TYPES = frozenset(
    {"direction", "maintain", "trend_slowing", "zero_events", "not_statistical"}
)
TARGET_TYPES = NUMERIC_TYPES | QUALITATIVE_TYPES
DIRECTIONS = frozenset({"increase", "decrease", "none"})
#: Units understood by the reports. "1/10万" is per 100,000 (maternal mortality ratio).
UNITS = frozenset(
    {"%", "‰", "1/10万", "岁", "所", "个", "家", "万个", "万人", "亿人", "人", "次", "小时", "分钟", "年", ""}
)

#: Default tolerance of an ``about`` (左右) target when the plan file gives none:
#: ±2 percentage points for % indicators, otherwise ±5 % of the target value.
ABOUT_TOLERANCE_PP = 2.0
ABOUT_TOLERANCE_REL = 0.05

CATALOGUE_COLUMNS = [
    "plan",
    "domain",
    "item",
    "indicator_id",
    "name_zh",
    "name_en",
    "unit",
    "direction",
    "target_type",
    "target_value",
    "target_year",
    "baseline_year",
    "baseline_value",
    "sex_disaggregated",
    "source_text",
]


@dataclass(frozen=True)
class Target:
    """One target of a plan, as the plan states it.

    ``target_value`` is in ``unit`` (%, ‰, 1/10万 = per 100,000 ...); for ``relative_change``
    it is the change in percent versus ``baseline_year`` (−20 means "下降20%").
    """

    indicator_id: str
    plan: str
    domain: str
    item: str
    name_zh: str
    name_en: str
    unit: str
    direction: str
    target_type: str
    target_value: float | None
    target_year: int
    source_text: str
    baseline_year: int | None = None
    baseline_value: float | None = None
    tolerance: float | None = None
    sex_disaggregated: bool = False
    department: str = ""
    definition: str = ""
    sdg: str | None = None
    source_line: int | None = None
    domain_en: str = ""

    @property
    def is_numeric(self) -> bool:
        return self.target_type in NUMERIC_TYPES

    @property
    def is_statistical(self) -> bool:
        return self.target_type != "not_statistical"

    @property
    def about_tolerance(self) -> float:
        """Half-width of the ``about`` band, in the indicator's unit."""
        if self.tolerance is not None:
            return float(self.tolerance)
        if self.unit == "%":
            return ABOUT_TOLERANCE_PP
        return abs(self.target_value or 0.0) * ABOUT_TOLERANCE_REL

    def name(self, lang: str = "zh") -> str:
        return self.name_en if lang == "en" else self.name_zh


@dataclass(frozen=True)
class Plan:
    """A development plan: metadata and its targets in the plan's order."""

    plan: str
    geography: str
    title_zh: str
    title_en: str
    region_zh: str
    region_en: str
    period_start: int
    period_end: int
    source: str
    domains: list[dict]
    targets: list[Target] = field(default_factory=list)
    path: str = ""

    def target(self, indicator_id: str) -> Target:
        for t in self.targets:
            if t.indicator_id == indicator_id:
                return t
        raise KeyError(f"{indicator_id!r} is not a target of plan {self.plan!r}")

    @property
    def indicator_ids(self) -> list[str]:
        return [t.indicator_id for t in self.targets]

    def title(self, lang: str = "zh") -> str:
        return self.title_en if lang == "en" else self.title_zh

    def region(self, lang: str = "zh") -> str:
        return self.region_en if lang == "en" else self.region_zh

    def domain_name(self, domain_zh: str, lang: str = "zh") -> str:
        if lang != "en":
            return domain_zh
        for d in self.domains:
            if d["zh"] == domain_zh:
                return d["en"]
        return domain_zh

    def to_frame(self) -> pd.DataFrame:
        """All targets as a table, one row per target, every field as a column."""
        rows = [asdict(t) for t in self.targets]
        return pd.DataFrame(rows, columns=[f.name for f in fields(Target)])

    def catalogue_frame(self) -> pd.DataFrame:
        """The catalogue in the published column order (:data:`CATALOGUE_COLUMNS`)."""
        return self.to_frame()[CATALOGUE_COLUMNS]


_PLAN_KEYS = {
    "plan": str,
    "geography": str,
    "title_zh": str,
    "title_en": str,
    "region_zh": str,
    "region_en": str,
    "period_start": int,
    "period_end": int,
    "source": str,
    "domains": list,
    "targets": list,
}
_REQUIRED_TARGET_KEYS = [
    "indicator_id",
    "domain",
    "item",
    "name_zh",
    "name_en",
    "unit",
    "direction",
    "target_type",
    "target_value",
    "target_year",
    "source_text",
]
_OPTIONAL_TARGET_KEYS = {f.name for f in fields(Target)} - set(_REQUIRED_TARGET_KEYS) - {"plan"}


def _is_number(value) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and not (isinstance(value, float) and math.isnan(value))
    )


def validate_catalogue(raw: dict, file: str) -> list[Problem]:
    """Every problem of a parsed plan file (an empty list when it is clean).

    Checks: top-level keys, required target keys, unknown keys, duplicate ``indicator_id``,
    unknown ``target_type``/``direction``/``unit``/``domain``, a number where the type needs
    none and none where it needs one, ``relative_change`` without ``baseline_year``, a
    baseline value without its year, ``item`` not of the form ``T<n>``/``M<n>``.
    """
    problems: list[Problem] = []

    def add(msg_en, msg_zh, fix, column=None, row=None):
        problems.append(Problem(file, msg_en, msg_zh, fix, row=row, column=column))

    if not isinstance(raw, dict):
        add("a plan file must be a YAML mapping", "规划文件应为 YAML 映射", "see docs/catalogue_schema.md")
        return problems
    for key, typ in _PLAN_KEYS.items():
        if key not in raw:
            add(f"missing top-level key '{key}'", f"缺少顶层字段 '{key}'", f"add '{key}:'", key)
        elif not isinstance(raw[key], typ):
            add(
                f"top-level key '{key}' must be {typ.__name__}",
                f"顶层字段 '{key}' 类型应为 {typ.__name__}",
                f"correct '{key}'",
                key,
            )
    if problems:
        return problems
    domains = set()
    for d in raw["domains"]:
        if not isinstance(d, dict) or not {"zh", "en"} <= set(d):
            add("each domain needs 'zh' and 'en'", "每个领域需有 zh 和 en", "write {zh: 健康, en: Health}", "domains")
        else:
            domains.add(d["zh"])
    seen: dict[str, int] = {}
    for i, t in enumerate(raw["targets"], start=1):
        where = f"target #{i}"
        if not isinstance(t, dict):
            add(f"{where} is not a mapping", f"第{i}个目标格式错误", "write it as key: value lines")
            continue
        tid = t.get("indicator_id", where)
        where = f"target #{i} ({tid})"

        def bad(msg_en, msg_zh, fix, column, where=where):
            add(f"{where}: {msg_en}", f"{where}：{msg_zh}", fix, column)

        for key in _REQUIRED_TARGET_KEYS:
            if key not in t:
                bad(f"missing key '{key}'", f"缺少字段 '{key}'", f"add '{key}:'", key)
        for key in set(t) - set(_REQUIRED_TARGET_KEYS) - _OPTIONAL_TARGET_KEYS:
            bad(f"unknown key '{key}'", f"未知字段 '{key}'", "remove it or fix its spelling", key)
        if "indicator_id" in t:
            if tid in seen:
                bad(
                    f"duplicate indicator_id '{tid}' (also target #{seen[tid]})",
                    f"指标代码 '{tid}' 重复（亦见第{seen[tid]}个目标）",
                    "give each target its own indicator_id",
                    "indicator_id",
                )
            seen.setdefault(tid, i)
        ttype = t.get("target_type")
        if "target_type" in t and ttype not in TARGET_TYPES:
            bad(
                f"unknown target_type '{ttype}'",
                f"未知目标类型 '{ttype}'",
                f"use one of {', '.join(sorted(TARGET_TYPES))}",
                "target_type",
            )
        if "direction" in t and t["direction"] not in DIRECTIONS:
            bad(
                f"unknown direction '{t['direction']}'",
                f"未知方向 '{t['direction']}'",
                "use increase, decrease or none",
                "direction",
            )
        if "unit" in t and t["unit"] not in UNITS:
            bad(
                f"unknown unit '{t['unit']}'",
                f"未知单位 '{t['unit']}'",
                f"use one of {', '.join(sorted(u for u in UNITS if u))} or ''",
                "unit",
            )
        if "domain" in t and t["domain"] not in domains:
            bad(
                f"domain '{t['domain']}' is not listed under domains",
                f"领域 '{t['domain']}' 未在 domains 中列出",
                "use a domain name listed at the top of the file",
                "domain",
            )
        item = str(t.get("item", ""))
        if "item" in t and not (item[:1] in ("T", "M") and item[1:].isdigit()):
            bad(
                f"item '{item}' is not T<n> or M<n>",
                f"条目编号 '{item}' 应为 T<n> 或 M<n>",
                "write T3 for 主要目标 3, M4 for 策略措施 4",
                "item",
            )
        value = t.get("target_value")
        if ttype in NUMERIC_TYPES and not _is_number(value):
            bad(
                f"target_type '{ttype}' needs a numeric target_value",
                f"目标类型 '{ttype}' 需要数值目标值",
                "write the plan's figure as a number",
                "target_value",
            )
        if ttype in QUALITATIVE_TYPES and value is not None:
            bad(
                f"target_type '{ttype}' takes no target_value (got {value!r})",
                f"目标类型 '{ttype}' 不应有目标值（现为 {value!r}）",
                "set target_value: null or use a numeric target type",
                "target_value",
            )
        if ttype == "relative_change" and not isinstance(t.get("baseline_year"), int):
            bad(
                "relative_change needs baseline_year",
                "相对变化目标需要基期年份 baseline_year",
                "add the plan's base year, e.g. baseline_year: 2020",
                "baseline_year",
            )
        if t.get("baseline_value") is not None and t.get("baseline_year") is None:
            bad(
                "baseline_value given without baseline_year",
                "给出了基期值但没有基期年份",
                "add baseline_year",
                "baseline_year",
            )
        if t.get("baseline_value") is not None and not _is_number(t.get("baseline_value")):
            bad("baseline_value must be a number", "基期值应为数值", "write a number", "baseline_value")
        if "target_year" in t and not isinstance(t["target_year"], int):
            bad("target_year must be a year", "目标年份应为年份", "write e.g. 2025", "target_year")
    return problems


def _target_from_raw(t: dict, plan: str, domain_en: dict[str, str]) -> Target:
    kwargs = {k: t.get(k) for k in {f.name for f in fields(Target)} if k in t}
    kwargs["plan"] = plan
    kwargs["item"] = str(t["item"])
    kwargs["domain_en"] = domain_en.get(t["domain"], "")
    for key in ("target_value", "baseline_value", "tolerance"):
        if kwargs.get(key) is not None:
            kwargs[key] = float(kwargs[key])
    for key in ("department", "definition"):
        if kwargs.get(key) is None:
            kwargs[key] = ""
    if kwargs.get("sex_disaggregated") is None:
        kwargs["sex_disaggregated"] = False
    if kwargs.get("sdg") is not None:
        kwargs["sdg"] = str(kwargs["sdg"])
    return Target(**kwargs)


def read_plan_file(path: str | Path) -> Plan:
    """Read and validate one plan YAML file.

    Raises :class:`InputError` listing every problem (YAML syntax, schema, vocabulary).
    """
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(Problem(str(path), "plan file not found", "找不到规划文件", "check the path")) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        raise InputError(
            Problem(str(path), f"not valid YAML: {getattr(exc, 'problem', exc)}", "YAML 格式错误",
                    "fix the syntax at the line shown", row=row)
        ) from None
    problems = validate_catalogue(raw, str(path))
    if problems:
        raise InputError(problems)
    domain_en = {d["zh"]: d["en"] for d in raw["domains"]}
    targets = [_target_from_raw(t, raw["plan"], domain_en) for t in raw["targets"]]
    meta = {k: raw[k] for k in _PLAN_KEYS if k != "targets"}
    return Plan(**meta, targets=targets, path=str(path))


def plan_files(data_dir: str | Path) -> list[Path]:
    """Plan files under ``<data_dir>/plans``, sorted by name."""
    return sorted((Path(data_dir) / "plans").glob("*.yaml"))


def load_plan(plan: str | Path, data_dir: str | Path = "data") -> Plan:
    """Load a plan by machine name (``women``, ``children``) or by path to its YAML file.

    Raises :class:`InputError` when no plan of that name exists under ``<data_dir>/plans`` or
    when the file is invalid.
    """
    candidate = Path(plan)
    if candidate.suffix in (".yaml", ".yml") and candidate.exists():
        return read_plan_file(candidate)
    names = []
    for path in plan_files(data_dir):
        with path.open(encoding="utf-8") as fh:
            head = yaml.safe_load(fh)
        name = head.get("plan") if isinstance(head, dict) else None
        names.append(str(name))
        if name == str(plan):
            return read_plan_file(path)
    raise InputError(
        Problem(
            str(Path(data_dir) / "plans"),
            f"no plan named '{plan}' (found: {', '.join(names) or 'none'})",
            f"找不到名为 '{plan}' 的规划",
            "pass --plan with one of the names found, or --data-dir pointing at the data folder",
        )
    )


def load_all_plans(data_dir: str | Path = "data") -> list[Plan]:
    """Every plan under ``<data_dir>/plans``."""
    return [read_plan_file(p) for p in plan_files(data_dir)]


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
                problems.append(Problem(plan.path, f"{t.indicator_id} has unit '{t.unit}' here but "
                                        f"'{units[t.indicator_id]}' in {origin[t.indicator_id]}",
                                        f"指标 {t.indicator_id} 在两个规划中单位不一致",
                                        "use one unit per indicator_id", column="unit"))
            units.setdefault(t.indicator_id, t.unit)
            origin.setdefault(t.indicator_id, plan.path)
    register = Path(data_dir) / "indicators.yaml"
    if register.exists():
        raw = yaml.safe_load(register.read_text(encoding="utf-8")) or {}
        for i, entry in enumerate(raw.get("indicators", []), start=1):
            if not isinstance(entry, dict) or "indicator_id" not in entry or "unit" not in entry:
                problems.append(Problem(str(register), f"entry #{i} needs indicator_id and unit",
                                        f"第{i}项缺少 indicator_id 或 unit", "add both keys"))
                continue
            units.setdefault(entry["indicator_id"], entry["unit"])
    if problems:
        raise InputError(problems)
    return units
