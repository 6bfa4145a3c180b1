"""One check of what a user asks for: a year, a geography, a plan, whoever asks.

``planeval report``/``batch``/``status``/``template``, the Python API (``planeval.assess``)
and the notebook's parameter check call these functions, so an impossible request is refused
the same way everywhere, with one message (zh and en) whose fix names the argument as the user
typed it (:class:`~planeval.core.arguments.Caller`: ``--year`` on the command line, ``year=`` in
Python).

* :func:`read_year`: ``2024`` or the text ``"2024"``; anything else (``True``, ``2024.5``,
  ``"二〇二四"``) is refused, never a bare ``TypeError``.
* :func:`data_years`: the ONE range of data years of a data folder: :data:`HISTORY_YEARS`
  before the earliest plan's start up to the latest plan's end, and never after
  :func:`latest_data_year`: yearly statistics of year Y are published in Y+1 (the settings'
  ``intake.publication_lag_years``, 1), so in December 2026 the latest data year is 2025.
* :func:`today`: the date taken as today, ``PLANEVAL_TODAY`` (``YYYY-MM-DD``) when set (tests
  freeze the clock with it; an office re-checks files as of a past date), else the system's.
* :func:`check_data_year`: a submission's year (``template``, ``status``) in that range.
* :func:`check_report_year`: a report's data cut-off against its plan: the base year (the year
  before the period) through the target year for an annual report or an assessment; the plan
  period itself for a mid-term or final evaluation (a 2020 mid-term report of a 2021–2025 plan
  evaluates nothing); never after the latest data year.
* :func:`check_geography_code`: a geography code listed in ``geographies.yaml`` (when the data
  folder has one); a display name (``新疆维吾尔自治区``, ``新疆``, ``Xinjiang``) is refused
  naming the code it matches.
"""

from __future__ import annotations

import datetime as dt
import os
from numbers import Integral
from pathlib import Path

from planeval.core.arguments import CLI, Caller
from planeval.core.codes import check_code
from planeval.core.errors import InputError, Problem
from planeval.plans.loading import HISTORY_YEARS, load_all_plans
from planeval.plans.registry import declares_geographies, load_geographies

#: Stages whose data year must lie in the plan period (not the base year before it).
EVALUATION_STAGES = ("midterm", "final")


#: Environment variable that sets the date planeval takes as today (``YYYY-MM-DD``).
TODAY_VARIABLE = "PLANEVAL_TODAY"


def today() -> dt.date:
    """The date taken as today: ``PLANEVAL_TODAY`` when set, else the system date. Raises
    :class:`InputError` for a ``PLANEVAL_TODAY`` that is not a date."""
    text = os.environ.get(TODAY_VARIABLE, "").strip()
    if not text:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(
            Problem(
                TODAY_VARIABLE,
                f"{TODAY_VARIABLE}={text!r} is not a date",
                f"{TODAY_VARIABLE}={text!r} 不是日期",
                f"write it as YYYY-MM-DD ({TODAY_VARIABLE}=2026-12-06), or unset it",
                f"按 YYYY-MM-DD 填写（如 {TODAY_VARIABLE}=2026-12-06），或删除该变量",
                code="parameter",
            )
        ) from None


def current_year() -> int:
    return today().year


def publication_lag(data_dir: str | Path | None = None) -> int:
    """Years from a data year to the publication of its statistics: the settings'
    ``intake.publication_lag_years`` (``<data_dir>/config/assessment.yaml``, else the
    package's copy), 1 by default."""
    from planeval.core.settings import default_settings, load_settings

    settings = load_settings(data_dir) if data_dir is not None else default_settings()
    return int(settings["intake"].get("publication_lag_years", 1))


def latest_data_year(data_dir: str | Path | None = None) -> int:
    """The latest year whose yearly statistics can exist today: the current year minus
    :func:`publication_lag` (in December 2026: 2025; a 2026 file is data of a year whose
    figures are published in 2027)."""
    return current_year() - publication_lag(data_dir)


def unpublished(year: int, data_dir: str | Path | None = None) -> tuple[str, str] | None:
    """``(en, zh)`` telling why ``year`` cannot have data yet, or None when it can: its
    statistics are published in ``year + lag`` (the settings' key named, with today's date)."""
    lag = publication_lag(data_dir)
    if year <= current_year() - lag:
        return None
    now = today().isoformat()
    if year > current_year():
        en = f"{year} is not over yet (today {now})"
        zh = f"{year} 年尚未结束（今天是 {now}）"
    else:
        en = f"the statistics of {year} are published in {year + lag} (today {now})"
        zh = f"{year} 年的统计数据 {year + lag} 年才发布（今天是 {now}）"
    key = "intake.publication_lag_years"
    en += f"; the latest data year is {current_year() - lag} ({key}: {lag})"
    zh += f"；最新数据年份为 {current_year() - lag} 年（{key}：{lag}）"
    return en, zh


def read_year(value: object, caller: Caller = CLI, param: str = "year") -> int:
    """``value`` as a year (an int, or text of digits such as ``"2024"``); raises
    :class:`InputError` for anything else (a bool, a fraction, words)."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, Integral) and not isinstance(value, bool):
        return int(value)
    raise InputError(
        Problem(
            caller.name(param),
            f"{param} must be a whole number such as 2023, not {value!r}",
            f"{param} 须为整数年份（如 2023），不能是 {value!r}",
            f"pass {caller.give(param, 2023)}",
            f"传入 {caller.give(param, 2023)}",
            code="parameter",
        )
    )


def data_years(data_dir: str | Path) -> tuple[int, int] | None:
    """``(first, last)``: the data years any submission of ``data_dir`` may hold, one range:
    :data:`HISTORY_YEARS` before the earliest plan's ``period_start`` up to the latest plan's
    ``period_end``, capped at :func:`latest_data_year`. None without (valid) plans."""
    try:
        plans = load_all_plans(data_dir)
    except InputError:
        return None
    if not plans:
        return None
    first = min(p.period_start for p in plans) - HISTORY_YEARS
    return first, min(max(p.period_end for p in plans), latest_data_year(data_dir))


def _year_problem(
    where: str, year: int, first: int, last: int, en: str, zh: str, caller, param, data_dir
):
    why = unpublished(year, data_dir)
    if why is not None:
        en, zh = f"{en}; {why[0]}", f"{zh}；{why[1]}"
    return Problem(
        where,
        en,
        zh,
        f"pass {caller.name(param)} between {first} and {last}",
        f"{caller.name(param)} 取 {first} 至 {last} 之间的年份",
        code="year",
    )


def check_data_year(
    year: object, data_dir: str | Path, caller: Caller = CLI, param: str = "year"
) -> int:
    """``year`` read (:func:`read_year`) and checked against :func:`data_years`; raises
    :class:`InputError` with the one range (``data year 1925 is outside 2001–2026``)."""
    year = read_year(year, caller, param)
    span = data_years(data_dir)
    if span is None or span[0] <= year <= span[1]:
        return year
    first, last = span
    raise InputError(
        _year_problem(
            caller.name(param),
            year,
            first,
            last,
            f"data year {year} is outside {first}–{last}, the years data can be given for",
            f"数据年份 {year} 不在可报送的年份范围 {first}—{last} 内",
            caller,
            param,
            data_dir,
        )
    )


def report_years(
    plan, stage: str | None = None, data_dir: str | Path | None = None
) -> tuple[int, int]:
    """``(first, last)`` data cut-off years of a report of ``plan`` at ``stage`` (None: an
    assessment): see the module's rules (``data_dir``: whose settings give the publication
    lag; None: the package's)."""
    first = plan.period_start if stage in EVALUATION_STAGES else plan.period_start - 1
    return first, min(plan.period_end, latest_data_year(data_dir))


def check_report_year(
    plan,
    year: object,
    stage: str | None = None,
    caller: Caller = CLI,
    param: str = "year",
    data_dir: str | Path | None = None,
) -> int:
    """``year`` read and checked as the data cut-off of a report of ``plan`` at ``stage``;
    raises :class:`InputError` naming the plan period and the one range of allowed years."""
    year = read_year(year, caller, param)
    first, last = report_years(plan, stage, data_dir)
    if first <= year <= last:
        return year
    en = f"data year {year} is outside plan '{plan.plan}' (period {plan.period_start}–"
    zh = f"数据年份 {year} 不在规划 '{plan.plan}' 的期限内（规划期 {plan.period_start}–"
    en += f"{plan.period_end}"
    zh += f"{plan.period_end} 年"
    if stage in EVALUATION_STAGES:
        en += f"): a {stage} evaluation needs data of the plan period"
        zh += "）：中期评估和终期评估须使用规划期内的数据"
    else:
        en += f"; base year {plan.period_start - 1})"
        zh += f"，基期 {plan.period_start - 1} 年）"
    raise InputError(
        _year_problem(caller.name(param), year, first, last, en, zh, caller, param, data_dir)
    )


def _matches(text: str, geographies) -> list:
    """Geographies whose display name is ``text`` or starts with it (``新疆``, ``xinjiang``)."""
    folded = text.casefold()
    return [
        g
        for g in geographies.values()
        if folded in (g.zh.casefold(), g.en.casefold())
        or (len(text) >= 2 and (g.zh.startswith(text) or g.en.casefold().startswith(folded)))
    ]


def check_geography_code(
    geography: object, data_dir: str | Path, caller: Caller = CLI, param: str = "geography"
) -> str:
    """``geography`` when it is a code the data folder may use; raises :class:`InputError`.

    A display name of a listed geography (``新疆维吾尔自治区``, a prefix such as ``新疆``, the
    English name) is refused naming its code; any other value must be a safe code
    (:func:`planeval.core.codes.check_code`: no ``/``, ``..``); with a ``geographies.yaml`` in
    ``data_dir`` a code it does not list is refused with the listed codes. Without that file
    any safe code passes here (the data folder is checked by the caller)."""
    where = caller.name(param)
    if not isinstance(geography, str) or not geography.strip():
        raise InputError(
            Problem(
                where,
                f"{param} must be a geography code such as china, not {geography!r}",
                f"{param} 须为地区代码（如 china），不能是 {geography!r}",
                f"pass {caller.give(param, 'china')}",
                f"传入 {caller.give(param, 'china')}",
                code="parameter",
            )
        )
    geographies = load_geographies(data_dir)
    if geography in geographies:
        return geography
    matches = _matches(geography.strip(), geographies)
    if matches:
        codes = ", ".join(f"{g.code} ({g.zh}, {g.en})" for g in matches)
        raise InputError(
            Problem(
                where,
                f"'{geography}' is a geography's name, not its code: it matches {codes}",
                f"'{geography}' 是地区名称而非代码，对应：{codes}",
                f"pass the code: {caller.give(param, matches[0].code)}",
                f"请传入地区代码：{caller.give(param, matches[0].code)}",
                code="parameter",
            )
        )
    check_code(geography, "geography", where)  # names a folder: safe pattern first
    if declares_geographies(data_dir):
        listed = ", ".join(geographies)
        raise InputError(
            Problem(
                where,
                f"geography '{geography}' is not in {Path(data_dir) / 'geographies.yaml'} "
                f"(listed: {listed})",
                f"地区 '{geography}' 未列在 geographies.yaml 中（已列出：{listed}）",
                f"pass one of the codes listed, or add '{geography}' to geographies.yaml "
                "(code, zh, en, level, parent)",
                f"取已列出的代码之一，或在 geographies.yaml 中添加 '{geography}'",
                code="parameter",
            )
        )
    return geography


def check_plan_name(plan: object, data_dir: str | Path, caller: Caller = CLI) -> str:
    """The plan's name as a report names it: a name or alias as given; a plan file's path
    (``data/plans/x.yaml``) becomes the name of the plan in it when that file lies in
    ``<data_dir>/plans`` (report files are named by the plan, never by a path). Raises
    :class:`InputError` for another path, a missing file, or an unknown name (a title word
    such as ``儿童`` names the plans it matches)."""
    from planeval.plans.loading import load_plan, plan_files

    if not isinstance(plan, str) or not plan.strip():
        raise InputError(
            Problem(
                caller.name("plan"),
                f"plan must be a plan name such as women, not {plan!r}",
                f"plan 须为规划名称（如 women），不能是 {plan!r}",
                f"pass {caller.give('plan', 'women')}",
                f"传入 {caller.give('plan', 'women')}",
                code="parameter",
            )
        )
    plan = plan.strip()
    as_path = Path(plan)
    if as_path.suffix not in (".yaml", ".yml"):
        check_code(plan, "plan", caller.name("plan"))  # a name: never a path (../x)
        load_plan(plan, data_dir, caller)  # raises for an unknown name
        return plan
    shipped = {p.resolve(): p for p in plan_files(data_dir)}
    if as_path.is_file() and as_path.resolve() in shipped:
        loaded = load_plan(as_path, data_dir, caller)
        return loaded.short_name
    names = [p.stem for p in shipped.values()]
    raise InputError(
        Problem(
            caller.name("plan"),
            f"plan '{plan}' is a path, not allowed as a plan: a report takes the name of a plan in "
            f"{Path(data_dir) / 'plans'} ({'found' if as_path.is_file() else 'no such file'})",
            f"plan '{plan}' 是文件路径，不允许：报告只接受 {Path(data_dir) / 'plans'} 中规划的名称",
            f"pass the plan's name or alias ({caller.give('plan', 'women')}); put a new plan "
            f"file into {Path(data_dir) / 'plans'} first "
            f"(files there: {', '.join(names) or 'none'})",
            f"传入规划名称或别名；新规划文件须先放入 {Path(data_dir) / 'plans'}",
            code="parameter",
        )
    )


def check_submission(
    year: object, geography: object, data_dir: str | Path, caller: Caller = CLI
) -> tuple[int, str]:
    """``(year, geography)`` of a submission request (``template``, ``status``): the data year
    (:func:`check_data_year`) and the geography code (:func:`check_geography_code`), both
    checked; raises one :class:`InputError` listing every problem."""
    problems: list[Problem] = []
    checked = []
    for check, value in ((check_data_year, year), (check_geography_code, geography)):
        try:
            checked.append(check(value, data_dir, caller))
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    return checked[0], checked[1]
