"""The plan catalogue: every target of a plan, read from ``data/plans/*.yaml``.

A plan file holds the plan's metadata and one entry per target (see
``docs/catalogue_schema.md``). :func:`load_plan` reads and validates one plan;
:func:`validate_catalogue` returns every problem of a file so a reviewer can fix them in one go.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import pandas as pd
import yaml

from planeval.core.errors import InputError, Problem
from planeval.core.yamlfiles import parse_yaml_text, read_yaml, read_yaml_document

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
    {
        "%",
        "‰",
        "1/10万",
        "岁",
        "所",
        "个",
        "家",
        "万个",
        "万人",
        "亿人",
        "人",
        "次",
        "小时",
        "分钟",
        "年",
        "",
    }
)

#: Target types that need ``direction: increase`` / ``direction: decrease``: the target's own
#: wording fixes the good direction (达到…以上 is a rise, 降至…以下 a fall).
NEEDS_INCREASE = frozenset({"at_least", "maintain_at_least", "count_at_least"})
NEEDS_DECREASE = frozenset({"at_most", "maintain_at_most", "zero_events", "trend_slowing"})
#: Qualitative types judged from a trend: they need a good direction (increase or decrease).
NEEDS_SIGN = frozenset({"direction", "maintain"})

#: Usual source departments (district level), Chinese -> English. A plan file may only use these,
#: so that a typo does not create a department nobody answers for.
DEPARTMENTS = {
    "卫健委": "Health Commission",
    "教育局": "Education Bureau",
    "人社局": "Human Resources and Social Security Bureau",
    "民政局": "Civil Affairs Bureau",
    "统计局": "Statistics Bureau",
    "医保局": "Healthcare Security Bureau",
    "体育局": "Sports Bureau",
    "妇联": "Women's Federation",
    "组织部": "Organisation Department of the Party Committee",
    "区人大常委会": "Standing Committee of the District People's Congress",
    "区政协": "District Committee of the CPPCC",
    "国资委": "State-owned Assets Supervision and Administration Commission",
    "总工会": "Federation of Trade Unions",
    "科协": "Association for Science and Technology",
    "生态环境局": "Ecology and Environment Bureau",
    "住建局": "Housing and Urban-Rural Development Bureau",
    "应急管理局": "Emergency Management Bureau",
    "司法局": "Justice Bureau",
    "公安局": "Public Security Bureau",
    "法院": "People's Court",
    "检察院": "People's Procuratorate",
    "文旅局": "Culture and Tourism Bureau",
    "农业农村局": "Agriculture and Rural Affairs Bureau",
    "市场监管局": "Market Regulation Administration",
    "网信办": "Cyberspace Affairs Office",
    "发改委": "Development and Reform Commission",
    "团委": "Communist Youth League Committee",
    "妇儿工委办公室": "Office of the Working Committee on Women and Children",
}
_SDG_CODE = re.compile(r"^\d{1,2}\.[0-9a-z]{1,2}\.\d{1,2}$")

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
    note: str = ""

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

    def department_name(self, lang: str = "zh") -> str:
        """The source department in ``lang`` (English from :data:`DEPARTMENTS`)."""
        if lang == "en":
            return DEPARTMENTS.get(self.department, self.department)
        return self.department


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


def validate_catalogue(raw: dict, file: str, lines: dict[int, int] | None = None) -> list[Problem]:
    """Every problem of a parsed plan file (an empty list when it is clean).

    ``raw`` is the file as parsed by ``yaml.safe_load``; ``lines`` optionally maps a target's
    1-based position to its line in the YAML file, so that each problem names the row to fix.

    Checks, per target: required and unknown keys; duplicate ``indicator_id``; unknown
    ``target_type``, ``direction``, ``unit``, ``domain`` or ``department``; a number where the
    type needs none and none where it needs one; ``relative_change`` without ``baseline_year``;
    a direction that contradicts the type (达到…以上 with ``decrease``) or the sign of a relative
    change; ``tolerance`` on a type other than ``about``; ``target_year`` outside the plan
    period; ``baseline_year`` not before ``target_year``; a baseline value without its year;
    ``item`` not of the form ``T<n>``/``M<n>``; non-boolean ``sex_disaggregated``; malformed
    ``sdg`` code or ``source_line``; empty names or source text. Per domain: 主要目标 items must
    run T1, T2, ... without a gap (a missing number is a target left out).
    """
    problems: list[Problem] = []
    lines = lines or {}

    def add(msg_en, msg_zh, fix, column=None, row=None):
        problems.append(Problem(file, msg_en, msg_zh, fix, row=row, column=column))

    if not isinstance(raw, dict):
        add(
            "a plan file must be a YAML mapping",
            "规划文件应为 YAML 映射",
            "see docs/catalogue_schema.md",
        )
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
    period = (raw["period_start"], raw["period_end"])
    domains = set()
    for d in raw["domains"]:
        if not isinstance(d, dict) or not {"zh", "en"} <= set(d):
            add(
                "each domain needs 'zh' and 'en'",
                "每个领域需有 zh 和 en",
                "write {zh: 健康, en: Health}",
                "domains",
            )
        else:
            domains.add(d["zh"])
    seen: dict[str, int] = {}
    main_items: dict[str, set[int]] = {}
    for i, t in enumerate(raw["targets"], start=1):
        where = f"target #{i}"
        row = lines.get(i)
        if not isinstance(t, dict):
            add(
                f"{where} is not a mapping",
                f"第{i}个目标格式错误",
                "write it as key: value lines",
                row=row,
            )
            continue
        tid = t.get("indicator_id", where)
        where = f"target #{i} ({tid})"

        def bad(msg_en, msg_zh, fix, column, where=where, row=row):
            add(f"{where}: {msg_en}", f"{where}：{msg_zh}", fix, column, row=row)

        for key in _REQUIRED_TARGET_KEYS:
            if key not in t:
                bad(f"missing key '{key}'", f"缺少字段 '{key}'", f"add '{key}:'", key)
        for key in sorted(set(t) - set(_REQUIRED_TARGET_KEYS) - _OPTIONAL_TARGET_KEYS):
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
        for key in ("name_zh", "name_en", "source_text"):
            if key in t and (not isinstance(t[key], str) or not t[key].strip()):
                bad(
                    f"{key} is empty",
                    f"{key} 为空",
                    f"write the {key} (see docs/catalogue_schema.md)",
                    key,
                )
        ttype = t.get("target_type")
        if "target_type" in t and ttype not in TARGET_TYPES:
            bad(
                f"unknown target_type '{ttype}'",
                f"未知目标类型 '{ttype}'",
                f"use one of {', '.join(sorted(TARGET_TYPES))}",
                "target_type",
            )
        direction = t.get("direction")
        if "direction" in t and direction not in DIRECTIONS:
            bad(
                f"unknown direction '{direction}'",
                f"未知方向 '{direction}'",
                "use increase, decrease or none",
                "direction",
            )
        elif "direction" in t and ttype in TARGET_TYPES:
            if ttype in NEEDS_INCREASE:
                wanted = ("increase",)
            elif ttype in NEEDS_DECREASE:
                wanted = ("decrease",)
            elif ttype in NEEDS_SIGN:
                wanted = ("increase", "decrease")
            elif ttype == "not_statistical":
                wanted = ("none",)
            else:
                wanted = tuple(sorted(DIRECTIONS))
            if direction not in wanted:
                bad(
                    f"target_type '{ttype}' needs direction {' or '.join(repr(w) for w in wanted)} "
                    f"(got '{direction}')",
                    f"目标类型 '{ttype}' 的方向应为 {' 或 '.join(wanted)}（现为 '{direction}'）",
                    "correct direction (the good direction of the indicator) or target_type",
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
        dept = t.get("department")
        if dept not in (None, "") and dept not in DEPARTMENTS:
            bad(
                f"unknown department '{dept}'",
                f"未知部门 '{dept}'",
                f"use one of {', '.join(DEPARTMENTS)} (or add it to catalogue.DEPARTMENTS)",
                "department",
            )
        item = str(t.get("item", ""))
        if "item" in t and not (
            item[:1] in ("T", "M") and item[1:].isdigit() and int(item[1:]) > 0
        ):
            bad(
                f"item '{item}' is not T<n> or M<n>",
                f"条目编号 '{item}' 应为 T<n> 或 M<n>",
                "write T3 for 主要目标 3, M4 for 策略措施 4",
                "item",
            )
        elif item.startswith("T") and t.get("domain") in domains:
            main_items.setdefault(t["domain"], set()).add(int(item[1:]))
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
        if ttype == "relative_change" and _is_number(value) and direction in DIRECTIONS:
            wanted = "decrease" if value < 0 else "increase"
            if direction != wanted:
                bad(
                    f"relative_change of {value:g}% needs direction '{wanted}' (got '{direction}')",
                    f"相对变化 {value:g}% 的方向应为 '{wanted}'（现为 '{direction}'）",
                    "write a fall as a negative target_value (下降20% = -20) "
                    "with direction decrease",
                    "direction",
                )
        tol = t.get("tolerance")
        if tol is not None and ttype != "about":
            bad(
                f"tolerance is only used by target_type 'about' (got {tol!r} on '{ttype}')",
                f"容差 tolerance 仅用于 about 类型（'{ttype}' 上为 {tol!r}）",
                "set tolerance: null",
                "tolerance",
            )
        elif tol is not None and not (_is_number(tol) and tol > 0):
            bad(
                "tolerance must be a positive number",
                "容差应为正数",
                "write e.g. tolerance: 2",
                "tolerance",
            )
        if t.get("baseline_value") is not None and t.get("baseline_year") is None:
            bad(
                "baseline_value given without baseline_year",
                "给出了基期值但没有基期年份",
                "add baseline_year",
                "baseline_year",
            )
        if t.get("baseline_value") is not None and not _is_number(t.get("baseline_value")):
            bad(
                "baseline_value must be a number",
                "基期值应为数值",
                "write a number",
                "baseline_value",
            )
        year = t.get("target_year")
        if "target_year" in t and (not isinstance(year, int) or isinstance(year, bool)):
            bad("target_year must be a year", "目标年份应为年份", "write e.g. 2025", "target_year")
        elif "target_year" in t and not period[0] <= year <= period[1]:
            bad(
                f"target_year {year} is outside the plan period {period[0]}-{period[1]}",
                f"目标年份 {year} 不在规划期 {period[0]}—{period[1]} 内",
                "use the plan's target year (usually period_end)",
                "target_year",
            )
        base_year = t.get("baseline_year")
        if base_year is not None and (
            not isinstance(base_year, int) or isinstance(base_year, bool)
        ):
            bad(
                "baseline_year must be a year",
                "基期年份应为年份",
                "write e.g. 2020",
                "baseline_year",
            )
        elif base_year is not None and isinstance(year, int) and base_year >= year:
            bad(
                f"baseline_year {base_year} is not before target_year {year}",
                f"基期年份 {base_year} 应早于目标年份 {year}",
                "check the two years against the plan text",
                "baseline_year",
            )
        if "sex_disaggregated" in t and not isinstance(t["sex_disaggregated"], bool):
            bad(
                f"sex_disaggregated must be true or false (got {t['sex_disaggregated']!r})",
                f"sex_disaggregated 应为 true 或 false（现为 {t['sex_disaggregated']!r}）",
                "write true or false",
                "sex_disaggregated",
            )
        sdg = t.get("sdg")
        if sdg is not None and not _SDG_CODE.match(str(sdg)):
            bad(
                f"sdg '{sdg}' is not an SDG indicator code like 3.2.1",
                f"sdg '{sdg}' 不是 SDG 指标编号（如 3.2.1）",
                'write the indicator code in quotes, e.g. sdg: "3.2.1", or null',
                "sdg",
            )
        line = t.get("source_line")
        if line is not None and (not isinstance(line, int) or isinstance(line, bool) or line < 1):
            bad(
                f"source_line must be a positive line number (got {line!r})",
                f"source_line 应为正整数行号（现为 {line!r}）",
                "write the plan-text line where source_text starts",
                "source_line",
            )
        for key in ("note", "definition"):
            if t.get(key) is not None and not isinstance(t[key], str):
                bad(f"{key} must be text", f"{key} 应为文本", f"quote the {key}", key)
    for domain, numbers in main_items.items():
        missing = sorted(set(range(1, max(numbers) + 1)) - numbers)
        if missing:
            gaps = ", ".join(f"T{n}" for n in missing)
            add(
                f"domain '{domain}': 主要目标 items run T1-T{max(numbers)} "
                f"but {gaps} has no target",
                f"领域 '{domain}'：主要目标 T1—T{max(numbers)} 中缺少 {gaps}",
                "add the missing item (a not_statistical target if no number measures it)",
                "item",
            )
    return problems


def _target_from_raw(t: dict, plan: str, domain_en: dict[str, str]) -> Target:
    kwargs = {k: t.get(k) for k in {f.name for f in fields(Target)} if k in t}
    kwargs["plan"] = plan
    kwargs["item"] = str(t["item"])
    kwargs["domain_en"] = domain_en.get(t["domain"], "")
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


def read_plan_file(path: str | Path) -> Plan:
    """Read and validate one plan YAML file.

    Raises :class:`InputError` listing every problem (YAML syntax, schema, vocabulary).
    """
    path = Path(path)
    try:
        doc = read_yaml_document(path)
    except FileNotFoundError:
        raise InputError(
            Problem(str(path), "plan file not found", "找不到规划文件", "check the path")
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
                row=row,
            )
        ) from None
    raw = doc.data
    problems = validate_catalogue(raw, str(path), doc.lines_of("targets"))
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

    Raises :class:`InputError` when no plan of that name exists under ``<data_dir>/plans``,
    when two plan files there carry the same ``plan:`` name (both files are named), or when the
    file is invalid (YAML syntax, not UTF-8, schema).
    """
    candidate = Path(plan)
    if candidate.suffix in (".yaml", ".yml") and candidate.exists():
        return read_plan_file(candidate)
    names = []
    found: list[Path] = []
    for path in plan_files(data_dir):
        name = _plan_name(path)
        names.append(str(name))
        if name == str(plan):
            found.append(path)
    if len(found) > 1:
        raise InputError(_same_name(str(plan), found))
    if found:
        return read_plan_file(found[0])
    raise InputError(
        Problem(
            str(Path(data_dir) / "plans"),
            f"no plan named '{plan}' (found: {', '.join(names) or 'none'})",
            f"找不到名为 '{plan}' 的规划",
            "pass --plan with one of the names found, or --data-dir pointing at the data folder",
            "--plan 取已有的规划名称之一，或用 --data-dir 指向数据文件夹",
        )
    )


def _plan_name(path: Path) -> str | None:
    """The ``plan:`` value of a plan file (None when absent); InputError when unreadable."""
    try:
        head = read_yaml(path)
    except (UnicodeDecodeError, yaml.YAMLError):
        read_plan_file(path)  # raises the full InputError (not UTF-8, YAML syntax)
        raise
    name = head.get("plan") if isinstance(head, dict) else None
    return None if name is None else str(name)


def _same_name(name: str, paths: list[Path]) -> Problem:
    files = " and ".join(str(p) for p in paths)
    return Problem(
        str(paths[-1]),
        f"plan name '{name}' is used by more than one file: {files}",
        f"规划名称 '{name}' 在多个文件中重复：{files}",
        "give each plan file its own plan: name, or remove the copy",
        "每个规划文件的 plan: 名称须唯一，或删除重复的副本",
        column="plan",
    )


def load_all_plans(data_dir: str | Path = "data") -> list[Plan]:
    """Every plan under ``<data_dir>/plans``, sorted by file name.

    Raises :class:`InputError` when a file is invalid or when two files carry the same
    ``plan:`` name (an exact copy under another file name too).
    """
    plans = [read_plan_file(p) for p in plan_files(data_dir)]
    by_name: dict[str, list[Path]] = {}
    for p in plans:
        by_name.setdefault(p.plan, []).append(Path(p.path))
    problems = [_same_name(n, paths) for n, paths in by_name.items() if len(paths) > 1]
    if problems:
        raise InputError(problems)
    return plans


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
                    )
                )
                continue
            units.setdefault(entry["indicator_id"], entry["unit"])
    if problems:
        raise InputError(problems)
    return units
