"""What makes a plan file valid: one function per family of rules.

:func:`validate_catalogue` runs the file-level checks (top-level keys, domains), then every
rule of :data:`TARGET_RULES` on each target, then the per-domain item sequence, and returns
every problem with its row, so a reviewer fixes them all in one go. A rule is a function
``rule(target, context) -> list[Fault]``; adding a rule is adding a function to the list.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields

from planeval.core.codes import code_problem
from planeval.core.errors import Problem
from planeval.plans.model import (
    DIRECTIONS,
    NEEDS_DECREASE,
    NEEDS_INCREASE,
    NEEDS_SIGN,
    NUMERIC_TYPES,
    QUALITATIVE_TYPES,
    TARGET_TYPES,
    Target,
)
from planeval.plans.registry import Vocabulary, load_vocabulary

PLAN_KEYS = {
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
#: Top-level keys a plan file may add: short names a run list or a command may use.
OPTIONAL_PLAN_KEYS = {"aliases": list}
REQUIRED_TARGET_KEYS = [
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
#: Filled in by the loader, never written in a plan file.
_DERIVED_KEYS = {"plan", "domain_en", "department_en"}
OPTIONAL_TARGET_KEYS = {f.name for f in fields(Target)} - set(REQUIRED_TARGET_KEYS) - _DERIVED_KEYS
_SDG_CODE = re.compile(r"^\d{1,2}\.[0-9a-z]{1,2}\.\d{1,2}$")


@dataclass(frozen=True)
class Fault:
    """One fault of one target: English, Chinese, the fix (English, Chinese), and the key
    (column) to fix."""

    en: str
    zh: str
    fix: tuple[str, str]
    column: str


@dataclass
class Context:
    """What the target rules need beyond the target itself."""

    period: tuple[int, int]
    domains: set[str]
    vocabulary: Vocabulary
    seen: dict[str, int] = field(default_factory=dict)
    main_items: dict[str, set[int]] = field(default_factory=dict)
    position: int = 0


def is_number(value) -> bool:
    """A real number (not a bool, not NaN)."""
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and not (isinstance(value, float) and math.isnan(value))
    )


def is_year(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_keys(t: dict, ctx: Context) -> list[Fault]:
    """Required keys present, no unknown key, ``indicator_id`` not used twice."""
    out = [
        Fault(f"missing key '{k}'", f"缺少字段 '{k}'", (f"add '{k}:'", f"添加 '{k}:'"), k)
        for k in REQUIRED_TARGET_KEYS
        if k not in t
    ]
    for key in sorted(set(t) - set(REQUIRED_TARGET_KEYS) - OPTIONAL_TARGET_KEYS):
        out.append(
            Fault(
                f"unknown key '{key}'",
                f"未知字段 '{key}'",
                ("remove it or fix its spelling", "删除该字段或改正拼写"),
                key,
            )
        )
    tid = t.get("indicator_id")
    if "indicator_id" in t:
        if tid in ctx.seen:
            out.append(
                Fault(
                    f"duplicate indicator_id '{tid}' (also target #{ctx.seen[tid]})",
                    f"指标代码 '{tid}' 重复（亦见第{ctx.seen[tid]}个目标）",
                    ("give each target its own indicator_id", "每个目标使用各自的 indicator_id"),
                    "indicator_id",
                )
            )
        ctx.seen.setdefault(tid, ctx.position)
    return out


def check_text(t: dict, ctx: Context) -> list[Fault]:
    """Names and source text written; note and definition are text."""
    out = [
        Fault(
            f"{k} is empty",
            f"{k} 为空",
            (
                f"write the {k} (see docs/catalogue_schema.md)",
                f"填写 {k}（见 docs/catalogue_schema.md）",
            ),
            k,
        )
        for k in ("name_zh", "name_en", "source_text")
        if k in t and (not isinstance(t[k], str) or not t[k].strip())
    ]
    for key in ("note", "definition"):
        if t.get(key) is not None and not isinstance(t[key], str):
            out.append(
                Fault(
                    f"{key} must be text",
                    f"{key} 应为文本",
                    (f"quote the {key}", f"给 {key} 加引号"),
                    key,
                )
            )
    return out


def _wanted_directions(ttype: str) -> tuple[str, ...]:
    if ttype in NEEDS_INCREASE:
        return ("increase",)
    if ttype in NEEDS_DECREASE:
        return ("decrease",)
    if ttype in NEEDS_SIGN:
        return ("increase", "decrease")
    if ttype == "not_statistical":
        return ("none",)
    return tuple(sorted(DIRECTIONS))


def check_type_and_direction(t: dict, ctx: Context) -> list[Fault]:
    """Known ``target_type`` and ``direction``, and a direction the type allows."""
    out = []
    ttype, direction = t.get("target_type"), t.get("direction")
    if "target_type" in t and ttype not in TARGET_TYPES:
        out.append(
            Fault(
                f"unknown target_type '{ttype}'",
                f"未知目标类型 '{ttype}'",
                (
                    f"use one of {', '.join(sorted(TARGET_TYPES))}",
                    f"取 {', '.join(sorted(TARGET_TYPES))} 之一",
                ),
                "target_type",
            )
        )
    if "direction" in t and direction not in DIRECTIONS:
        out.append(
            Fault(
                f"unknown direction '{direction}'",
                f"未知方向 '{direction}'",
                ("use increase, decrease or none", "取 increase、decrease 或 none"),
                "direction",
            )
        )
    elif "direction" in t and ttype in TARGET_TYPES:
        wanted = _wanted_directions(ttype)
        if direction not in wanted:
            out.append(
                Fault(
                    f"target_type '{ttype}' needs direction "
                    f"{' or '.join(repr(w) for w in wanted)} (got '{direction}')",
                    f"目标类型 '{ttype}' 的方向应为 {' 或 '.join(wanted)}（现为 '{direction}'）",
                    (
                        "correct direction (the good direction of the indicator) or target_type",
                        "改正 direction（指标向好的方向）或 target_type",
                    ),
                    "direction",
                )
            )
    return out


def check_vocabulary(t: dict, ctx: Context) -> list[Fault]:
    """Unit, domain and department from the lists the region keeps (units.yaml, domains,
    departments.yaml)."""
    out = []
    units = ctx.vocabulary.units
    if "unit" in t and t["unit"] not in units:
        out.append(
            Fault(
                f"unknown unit '{t['unit']}'",
                f"未知单位 '{t['unit']}'",
                (
                    f"use one of {', '.join(sorted(u for u in units if u))} or '' "
                    f"(listed in {ctx.vocabulary.units_file})",
                    f"取 {', '.join(sorted(u for u in units if u))} 之一或 ''"
                    f"（见 {ctx.vocabulary.units_file}）",
                ),
                "unit",
            )
        )
    if "domain" in t and t["domain"] not in ctx.domains:
        out.append(
            Fault(
                f"domain '{t['domain']}' is not listed under domains",
                f"领域 '{t['domain']}' 未在 domains 中列出",
                (
                    "use a domain name listed at the top of the file",
                    "使用文件开头 domains 中列出的领域名称",
                ),
                "domain",
            )
        )
    dept = t.get("department")
    if dept not in (None, "") and dept not in ctx.vocabulary.departments:
        out.append(
            Fault(
                f"unknown department '{dept}'",
                f"未知部门 '{dept}'",
                (
                    f"use one of {', '.join(ctx.vocabulary.departments)} "
                    f"(or add it to {ctx.vocabulary.departments_file})",
                    f"取 {', '.join(ctx.vocabulary.departments)} 之一"
                    f"（或将其添加到 {ctx.vocabulary.departments_file}）",
                ),
                "department",
            )
        )
    return out


def check_item(t: dict, ctx: Context) -> list[Fault]:
    """``item`` is T<n> (主要目标) or M<n> (策略措施); T numbers are collected per domain."""
    item = str(t.get("item", ""))
    if "item" in t and not (item[:1] in ("T", "M") and item[1:].isdigit() and int(item[1:]) > 0):
        return [
            Fault(
                f"item '{item}' is not T<n> or M<n>",
                f"条目编号 '{item}' 应为 T<n> 或 M<n>",
                (
                    "write T3 for 主要目标 3, M4 for 策略措施 4",
                    "主要目标 3 写作 T3，策略措施 4 写作 M4",
                ),
                "item",
            )
        ]
    if item.startswith("T") and t.get("domain") in ctx.domains:
        ctx.main_items.setdefault(t["domain"], set()).add(int(item[1:]))
    return []


def check_value(t: dict, ctx: Context) -> list[Fault]:
    """A number where the type needs one and none where it needs none; the sign of a
    relative change agrees with the direction."""
    out = []
    ttype, value, direction = t.get("target_type"), t.get("target_value"), t.get("direction")
    if ttype in NUMERIC_TYPES and not is_number(value):
        out.append(
            Fault(
                f"target_type '{ttype}' needs a numeric target_value",
                f"目标类型 '{ttype}' 需要数值目标值",
                ("write the plan's figure as a number", "把规划中的数字写成数值"),
                "target_value",
            )
        )
    if ttype in QUALITATIVE_TYPES and value is not None:
        out.append(
            Fault(
                f"target_type '{ttype}' takes no target_value (got {value!r})",
                f"目标类型 '{ttype}' 不应有目标值（现为 {value!r}）",
                (
                    "set target_value: null or use a numeric target type",
                    "设为 target_value: null，或使用数值型目标类型",
                ),
                "target_value",
            )
        )
    if ttype == "relative_change" and not isinstance(t.get("baseline_year"), int):
        out.append(
            Fault(
                "relative_change needs baseline_year",
                "相对变化目标需要基期年份 baseline_year",
                (
                    "add the plan's base year, e.g. baseline_year: 2020",
                    "添加规划的基期年份，如 baseline_year: 2020",
                ),
                "baseline_year",
            )
        )
    if ttype == "relative_change" and is_number(value) and direction in DIRECTIONS:
        wanted = "decrease" if value < 0 else "increase"
        if direction != wanted:
            out.append(
                Fault(
                    f"relative_change of {value:g}% needs direction '{wanted}' (got '{direction}')",
                    f"相对变化 {value:g}% 的方向应为 '{wanted}'（现为 '{direction}'）",
                    (
                        "write a fall as a negative target_value (下降20% = -20) "
                        "with direction decrease",
                        "下降写成负的 target_value（下降20% = -20），方向为 decrease",
                    ),
                    "direction",
                )
            )
    return out


def check_tolerance_and_baseline(t: dict, ctx: Context) -> list[Fault]:
    """``tolerance`` only on ``about`` and positive; a baseline value needs its year."""
    out = []
    tol, ttype = t.get("tolerance"), t.get("target_type")
    if tol is not None and ttype != "about":
        out.append(
            Fault(
                f"tolerance is only used by target_type 'about' (got {tol!r} on '{ttype}')",
                f"容差 tolerance 仅用于 about 类型（'{ttype}' 上为 {tol!r}）",
                ("set tolerance: null", "设为 tolerance: null"),
                "tolerance",
            )
        )
    elif tol is not None and not (is_number(tol) and tol > 0):
        out.append(
            Fault(
                "tolerance must be a positive number",
                "容差应为正数",
                ("write e.g. tolerance: 2", "写作如 tolerance: 2"),
                "tolerance",
            )
        )
    if t.get("baseline_value") is not None and t.get("baseline_year") is None:
        out.append(
            Fault(
                "baseline_value given without baseline_year",
                "给出了基期值但没有基期年份",
                ("add baseline_year", "添加 baseline_year"),
                "baseline_year",
            )
        )
    if t.get("baseline_value") is not None and not is_number(t.get("baseline_value")):
        out.append(
            Fault(
                "baseline_value must be a number",
                "基期值应为数值",
                ("write a number", "填写数值"),
                "baseline_value",
            )
        )
    return out


def check_years(t: dict, ctx: Context) -> list[Fault]:
    """``target_year`` inside the plan period; ``baseline_year`` a year before it."""
    out = []
    year, base_year = t.get("target_year"), t.get("baseline_year")
    start, end = ctx.period
    if "target_year" in t and not is_year(year):
        out.append(
            Fault(
                "target_year must be a year",
                "目标年份应为年份",
                ("write e.g. 2025", "写作如 2025"),
                "target_year",
            )
        )
    elif "target_year" in t and not start <= year <= end:
        out.append(
            Fault(
                f"target_year {year} is outside the plan period {start}-{end}",
                f"目标年份 {year} 不在规划期 {start}—{end} 内",
                (
                    "use the plan's target year (usually period_end)",
                    "使用规划的目标年份（通常为 period_end）",
                ),
                "target_year",
            )
        )
    if base_year is not None and not is_year(base_year):
        out.append(
            Fault(
                "baseline_year must be a year",
                "基期年份应为年份",
                ("write e.g. 2020", "写作如 2020"),
                "baseline_year",
            )
        )
    elif base_year is not None and is_year(year) and base_year >= year:
        out.append(
            Fault(
                f"baseline_year {base_year} is not before target_year {year}",
                f"基期年份 {base_year} 应早于目标年份 {year}",
                ("check the two years against the plan text", "对照规划原文核对这两个年份"),
                "baseline_year",
            )
        )
    return out


def check_codes(t: dict, ctx: Context) -> list[Fault]:
    """``sex_disaggregated`` a boolean, ``sdg`` an SDG code, ``source_line`` a line number."""
    out = []
    if "sex_disaggregated" in t and not isinstance(t["sex_disaggregated"], bool):
        got = t["sex_disaggregated"]
        out.append(
            Fault(
                f"sex_disaggregated must be true or false (got {got!r})",
                f"sex_disaggregated 应为 true 或 false（现为 {got!r}）",
                ("write true or false", "填写 true 或 false"),
                "sex_disaggregated",
            )
        )
    sdg = t.get("sdg")
    if sdg is not None and not _SDG_CODE.match(str(sdg)):
        out.append(
            Fault(
                f"sdg '{sdg}' is not an SDG indicator code like 3.2.1",
                f"sdg '{sdg}' 不是 SDG 指标编号（如 3.2.1）",
                (
                    'write the indicator code in quotes, e.g. sdg: "3.2.1", or null',
                    '用引号写指标编号，如 sdg: "3.2.1"，或写 null',
                ),
                "sdg",
            )
        )
    line = t.get("source_line")
    if line is not None and (not is_year(line) or line < 1):
        out.append(
            Fault(
                f"source_line must be a positive line number (got {line!r})",
                f"source_line 应为正整数行号（现为 {line!r}）",
                (
                    "write the plan-text line where source_text starts",
                    "填写 source_text 在规划原文中起始的行号",
                ),
                "source_line",
            )
        )
    return out


#: Rules run on every target, in this order (the order of the problems in a message).
TARGET_RULES: list[Callable[[dict, Context], list[Fault]]] = [
    check_keys,
    check_text,
    check_type_and_direction,
    check_vocabulary,
    check_item,
    check_value,
    check_tolerance_and_baseline,
    check_years,
    check_codes,
]


def check_top_level(raw, file: str) -> list[Problem]:
    """The file is a mapping with every plan key of the right type, and domains have zh/en."""
    if not isinstance(raw, dict):
        return [
            Problem(
                file,
                "a plan file must be a YAML mapping",
                "规划文件应为 YAML 映射",
                "see docs/catalogue_schema.md",
                "见 docs/catalogue_schema.md",
            )
        ]
    problems = []
    for key, typ in {**PLAN_KEYS, **OPTIONAL_PLAN_KEYS}.items():
        if key not in raw:
            if key in PLAN_KEYS:
                problems.append(
                    Problem(
                        file,
                        f"missing top-level key '{key}'",
                        f"缺少顶层字段 '{key}'",
                        f"add '{key}:'",
                        f"添加 '{key}:'",
                        column=key,
                    )
                )
        elif not isinstance(raw[key], typ):
            problems.append(
                Problem(
                    file,
                    f"top-level key '{key}' must be {typ.__name__}",
                    f"顶层字段 '{key}' 类型应为 {typ.__name__}",
                    f"correct '{key}'",
                    f"改正 '{key}'",
                    column=key,
                )
            )
    aliases = raw.get("aliases")
    if isinstance(aliases, list) and not all(isinstance(a, str) and a.strip() for a in aliases):
        problems.append(
            Problem(
                file,
                "aliases must be a list of short names",
                "aliases 应为简短名称的列表",
                "write e.g. aliases: [women]",
                "写作如 aliases: [women]",
                column="aliases",
            )
        )
    problems += _name_problems(raw, file)
    if not problems and any(
        not isinstance(d, dict) or not {"zh", "en"} <= set(d) for d in raw["domains"]
    ):
        problems.append(
            Problem(
                file,
                "each domain needs 'zh' and 'en'",
                "每个领域需有 zh 和 en",
                "write {zh: 健康, en: Health}",
                "写作 {zh: 健康, en: Health}",
                column="domains",
            )
        )
    return problems


def _name_problems(raw: dict, file: str) -> list[Problem]:
    """``plan:`` and each alias become parts of report and narrative file names: each must be
    a safe code (:data:`planeval.core.codes.SAFE_CODE`)."""
    names = [("plan", raw["plan"])] if isinstance(raw.get("plan"), str) else []
    aliases = raw.get("aliases")
    if isinstance(aliases, list):
        names += [("aliases", a) for a in aliases if isinstance(a, str) and a.strip()]
    found = (code_problem(name, "plan", file, column=key) for key, name in names)
    return [p for p in found if p is not None]


def check_item_sequence(main_items: dict[str, set[int]], file: str) -> list[Problem]:
    """Per domain, 主要目标 items run T1, T2, ... without a gap (a gap is a target left out)."""
    problems = []
    for domain, numbers in main_items.items():
        missing = sorted(set(range(1, max(numbers) + 1)) - numbers)
        if missing:
            gaps = ", ".join(f"T{n}" for n in missing)
            problems.append(
                Problem(
                    file,
                    f"domain '{domain}': 主要目标 items run T1-T{max(numbers)} "
                    f"but {gaps} has no target",
                    f"领域 '{domain}'：主要目标 T1—T{max(numbers)} 中缺少 {gaps}",
                    "add the missing item (a not_statistical target if no number measures it)",
                    "补上缺少的条目（无数值可衡量时用 not_statistical 目标）",
                    column="item",
                )
            )
    return problems


def validate_catalogue(
    raw, file: str, lines: dict[int, int] | None = None, vocabulary: Vocabulary | None = None
) -> list[Problem]:
    """Every problem of a parsed plan file (an empty list when it is clean).

    ``raw`` is the parsed file; ``lines`` optionally maps a target's 1-based position to its
    line in the YAML file, so that each problem names the row to fix; ``vocabulary``: the
    departments and units the region allows (default: the package's lists). The rules are
    :func:`check_top_level`, each of :data:`TARGET_RULES` and :func:`check_item_sequence`.
    """
    problems = check_top_level(raw, file)
    if problems:
        return problems
    lines = lines or {}
    ctx = Context(
        (raw["period_start"], raw["period_end"]),
        {d["zh"] for d in raw["domains"]},
        vocabulary or load_vocabulary(None),
    )
    for i, t in enumerate(raw["targets"], start=1):
        ctx.position = i
        if not isinstance(t, dict):
            problems.append(
                Problem(
                    file,
                    f"target #{i} is not a mapping",
                    f"第{i}个目标格式错误",
                    "write it as key: value lines",
                    "写成 key: value 形式的行",
                    row=lines.get(i),
                )
            )
            continue
        where = f"target #{i} ({t.get('indicator_id', f'target #{i}')})"
        for rule in TARGET_RULES:
            problems += [
                Problem(
                    file,
                    f"{where}: {f.en}",
                    f"{where}：{f.zh}",
                    *f.fix,
                    row=lines.get(i),
                    column=f.column,
                )
                for f in rule(t, ctx)
            ]
    return problems + check_item_sequence(ctx.main_items, file)
