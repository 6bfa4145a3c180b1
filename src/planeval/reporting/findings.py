"""The written findings: sentences in the register of published evaluation reports, worded
from the verdict (:mod:`planeval.assessment.verdict`), with the office's own words placed
beside them.

Structure (that of county and city mid-term/final evaluation reports of the women's and
children's plans and of the national monitoring reports): 一、总体情况 (overall verdict, counts
by the stage's status, 达标率 with its definition and both counts, trend and qualitative
targets), 二、主要进展 (per domain a headline, then one paragraph per status), 三、存在的问题
(the verdict's problems by domain, largest relative gap first inside one, each with its value,
gap and the change needed per year; then lagging and missing data), 四、对策建议 (统筹协调
across domains, one item per responsible department of the plan, 统计监测 naming the
departments whose indicators lag or have no data; marked places for the office).

Nothing is decided here: every status, count, rate, gap and problem is the verdict's; every
number is one the assessment computed (value, year, baseline, forecast, interval, probability,
slope) or a difference or rate of such numbers, formatted by
:mod:`planeval.reporting.formatting` (四舍五入) with the decimals of the indicator's row.
Sentence patterns are in ``labels.yaml`` (``finding``, ``points``, ``verdict_status``).
"""

from __future__ import annotations

from collections import Counter

from planeval.assessment.assess import IndicatorAssessment
from planeval.assessment.verdict import (
    ACHIEVED,
    NOT_JUDGED,
    STAGE_STATUSES,
    Problem,
    TargetVerdict,
)
from planeval.core.labels import fill, label
from planeval.reporting import document as doc
from planeval.reporting.build import ReportContext
from planeval.reporting.facts import name_of, row_decimals, value_in
from planeval.reporting.formatting import (
    fmt_interval,
    fmt_num,
    fmt_p,
    fmt_per_year,
    per_year_zero,
    round_half_up,
    unit_text,
)
from planeval.reporting.wording import target_words

CN_NUMERALS = "一二三四五六七八九十"


def section_number(n: int, lang: str) -> str:
    """``一``…``十`` in Chinese (the numbering of official documents), ``n`` in English."""
    if lang != "en" and 1 <= n <= 10:
        return CN_NUMERALS[n - 1]
    if lang != "en" and 11 <= n <= 19:
        return "十" + CN_NUMERALS[n - 11]
    return str(n)


def points(unit: str, lang: str) -> str:
    """How a change is written after its number: 个百分点 (%), 个千分点 (‰), /10万, or the unit."""
    word = label("points", unit, lang)
    return word if word != unit else unit_text(unit, lang)


class Writer:
    """Fills the ``finding`` patterns of one report's language."""

    def __init__(self, ctx: ReportContext):
        self.ctx, self.lang = ctx, ctx.lang

    def __call__(self, key: str, **values) -> str:
        return fill(label("finding", key, self.lang), **values)

    def status(self, t: TargetVerdict) -> str:
        word = label("verdict_status", t.status, self.lang)
        return word[:1].lower() + word[1:] if self.ctx.en else word

    def department_or_none(self, r: IndicatorAssessment, lang: str | None = None) -> str:
        """The plan's responsible department of ``r`` in ``lang`` (default this report's),
        '' when it names none."""
        try:
            target = self.ctx.plan.target(r.indicator_id)
        except KeyError:
            return ""
        return target.department_name(lang or self.lang) or ""

    def department(self, r: IndicatorAssessment) -> str:
        return self.department_or_none(r) or self("department_unknown")

    def departments(self, results, limit: int = 5) -> str:
        """The named departments of ``results``, the one answering for most of them first
        (``卫健委、教育局``, ``the Health Commission and the Education Bureau``; over ``limit``:
        ``卫健委、教育局等13个部门``); '' when the plan names none."""
        counts = Counter(d for d in map(self.department_or_none, results) if d)
        names = [self("department_the", department=d) for d, _ in counts.most_common()]
        if len(names) > limit:
            return self("list_sep").join(names[:limit]) + self("departments_more", n=len(names))
        return self.join(names)

    def variant(self, key: str, suffix: str) -> str:
        """``key_suffix`` where this language words that case apart, else ``key``."""
        special = f"{key}_{suffix}"
        return special if label("finding", special, self.lang) != special else key

    def join(self, parts: list[str]) -> str:
        """``A、B和C`` / ``A, B and C``."""
        if len(parts) < 2:
            return "".join(parts)
        return self("list_sep").join(parts[:-1]) + self("list_and") + parts[-1]

    def count(self, n: int) -> str:
        """``3项指标`` / ``3 indicators`` (``1 indicator``)."""
        return self("count", n=n)

    def noun(self, r: IndicatorAssessment, start: bool = False) -> str:
        """The indicator's name as a sentence uses it: in English lower-cased after its first
        letter unless that begins an abbreviation (HIV), with ``the`` unless the name opens with
        a word that takes none (``finding.no_article``: Life expectancy, Daily ...);
        ``start``: capitalised to open a sentence."""
        name = name_of(r, self.lang)
        if not self.ctx.en or not name:
            return name
        bare = any(name.startswith(w) for w in self("no_article").split("|") if w)
        if len(name) > 1 and name[1].islower():
            name = name[0].lower() + name[1:]
        for sex in ("female", "male"):  # "Life expectancy at birth, female": female life ...
            if name.endswith(f", {sex}"):
                name = f"{sex} {name[: -len(sex) - 2]}"
        phrase = name if bare else "the " + name
        return phrase[0].upper() + phrase[1:] if start else phrase

    def names(self, results, limit: int | None = None) -> str:
        shown = results if limit is None else results[:limit]
        parts = [self.noun(r) if self.ctx.en else name_of(r, self.lang) for r in shown]
        if limit is not None and len(results) > limit:
            return self("list_sep").join(parts) + self("list_more", n=len(results))
        return self.join(parts)


def in_sentence(ctx: ReportContext, name: str) -> str:
    """A domain's name inside an English sentence (``In health, ...``); Chinese unchanged."""
    return name[:1].lower() + name[1:] if ctx.en else name


def target_in_words(ctx: ReportContext, r: IndicatorAssessment) -> str:
    """The target as a sentence says it (``降至6‰以下``: no symbols)."""
    return target_words(r, ctx.lang)


# --------------------------------------------------------------------------- one indicator
def _gap_text(w: Writer, t: TargetVerdict, d: int) -> str:
    """``差6.9个百分点`` or, outside an about-band, ``高于目标区间12.7个百分点``."""
    key = {"above": "gap_above", "below": "gap_below"}.get(t.band_side or "", "gap")
    return w(key, gap=fmt_num(t.gap, d), points=points(t.unit, w.lang))


def _change_part(
    w: Writer, r: IndicatorAssessment, since: int | None, before, d: int, lead: str = ""
) -> str:
    """``，比2020年下降0.6个千分点`` (``lead``: what joins it in English, ", " or " and ")."""
    if since is None or before is None or since >= r.latest_year:
        return ""
    delta = round_half_up(r.latest_value, d) - round_half_up(before, d)
    if delta == 0:
        return w("change_same", year=since, lead=lead)
    key = "change_up" if delta > 0 else "change_down"
    pts = points(r.unit, w.lang)
    return w(key, year=since, delta=fmt_num(abs(delta), d), points=pts, lead=lead)


def _direction_verb(w: Writer, r: IndicatorAssessment, d: int) -> str:
    """How the English sentence opens on the value: ``fell to`` / ``rose to`` (against the
    year before, else the baseline) or ``stood at``."""
    before = value_in(r, r.latest_year - 1)
    if before is None and r.baseline_year is not None and r.baseline_year < r.latest_year:
        before = r.baseline_value
    if before is None:
        return w("verb_same")
    delta = round_half_up(r.latest_value, d) - round_half_up(before, d)
    return w("verb_up" if delta > 0 else "verb_down" if delta < 0 else "verb_same")


def _previous_part(w: Writer, r: IndicatorAssessment, d: int) -> str:
    """``，比上年下降0.3个千分点`` when the year before the latest has a value."""
    before = value_in(r, r.latest_year - 1)
    if before is None:
        return ""
    delta = round_half_up(r.latest_value, d) - round_half_up(before, d)
    if delta == 0:
        return w("change_prev_same")
    key = "change_prev_up" if delta > 0 else "change_prev_down"
    return w(key, delta=fmt_num(abs(delta), d), points=points(r.unit, w.lang))


def _forecast_values(ctx: ReportContext, r: IndicatorAssessment, d: int) -> dict:
    return dict(
        year=r.forecast_year or r.target_year,
        forecast=ctx.value_with_unit(r, r.forecast),
        pi=fmt_interval(r.pi_low, r.pi_high, d),
        p=fmt_p(r.p_attain),
    )


def _status_part(
    w: Writer, ctx: ReportContext, r: IndicatorAssessment, d: int, also: str = ""
) -> str:
    """The verdict of the stage in words, with its numbers (``also``: 亦 inside a paragraph)."""
    t = ctx.verdict_of(r)
    target = target_in_words(ctx, r)
    word = also + w.status(t)
    if t.kind == "trend":
        aim = w(w.variant("aim", r.direction or "none"), target=target)
        return w("status_trend", word=word, target=target, aim=aim)
    if t.status in ACHIEVED:
        key = w.variant("status_met", t.status)
        return w(key, word=word, target=target, target_year=t.target_year)
    if t.basis == "forecast":
        key = "expect" if ctx.stage == "final" else "forecast"
        return w(key, word=word, target=target, **_forecast_values(ctx, r, d))
    if t.gap:
        clause = gap_clause(w, t, d, target)
        return w("status_gap", word=word, target=target, gap=_gap_text(w, t, d), clause=clause)
    return ""


def _delta(r: IndicatorAssessment, before, d: int) -> float | None:
    """The latest value minus ``before``, each at the row's decimals (None without it)."""
    if before is None:
        return None
    return round_half_up(r.latest_value, d) - round_half_up(before, d)


def _both_part(w: Writer, r: IndicatorAssessment, d: int) -> str:
    """``，比上年和2020年分别下降0.3和0.6个千分点`` (``均上升0.3`` when equal) when the change
    on the year before and on the base year go the same way (English keeps the two clauses
    unless they are equal); '' otherwise."""
    if r.baseline_year is None or r.baseline_year >= r.latest_year - 1:
        return ""
    prev, base = _delta(r, value_in(r, r.latest_year - 1), d), _delta(r, r.baseline_value, d)
    if not prev or not base or (prev > 0) != (base > 0):
        return ""
    key = "change_both_up" if prev > 0 else "change_both_down"
    if abs(prev - base) < 10**-d / 2:  # 比上年和2020年均上升0.3个百分点
        return w(f"{key}_same", year=r.baseline_year, prev=fmt_num(abs(prev), d),
                 points=points(r.unit, w.lang))  # fmt: skip
    if w.ctx.en:  # English keeps the two clauses
        return ""
    return w(key, year=r.baseline_year, prev=fmt_num(abs(prev), d), base=fmt_num(abs(base), d),
             points=points(r.unit, w.lang))  # fmt: skip


def progress_sentence(
    ctx: ReportContext, r: IndicatorAssessment, first: bool = True, same_year: bool = False
) -> doc.Sentence | None:
    """``2023年，新生儿死亡率为2.8‰，比上年和2020年分别下降0.3和0.6个千分点，提前实现“降至3‰
    以下”的规划目标。`` None without a value in the plan period. Inside one status paragraph
    (``first`` False) the Chinese says 亦 before the status, and leaves out the year when the
    sentence before had the same one (``same_year``)."""
    if r.latest_value is None or (r.latest_year or 0) < ctx.plan.period_start:
        return None
    w, d = Writer(ctx), row_decimals(r)
    value = ctx.value_with_unit(r, r.latest_value)
    verb = _direction_verb(w, r, d)
    key = "value_same_year" if same_year else "value"
    text = w(key, year=r.latest_year, name=w.noun(r, start=True), value=value, verb=verb)
    both = "" if ctx.annual else _both_part(w, r, d)
    previous = both or _previous_part(w, r, d)
    text += previous
    if not both and not ctx.annual and not (previous and r.baseline_year == r.latest_year - 1):
        lead = w("and") if previous else w("comma")
        text += _change_part(w, r, r.baseline_year, r.baseline_value, d, lead)
    also = "" if first else w("also")
    text += _status_part(w, ctx, r, d, also) + other_target_note(ctx, r) + w("end")
    return doc.Sentence(text, indicator=r.indicator_id, kind="progress")


def other_target_note(ctx: ReportContext, r: IndicatorAssessment) -> str:
    """``（《…》对该指标的目标为每年 ≥ 98.0%，与本规划不同，结论分别按各自目标判断。）`` when
    another plan of the geography sets this indicator a different target; '' otherwise."""
    others = ctx.other_targets.get(r.indicator_id, [])
    if not others:
        return ""
    sep = "; " if ctx.en else "；"
    listed = sep.join(
        Writer(ctx)(
            "other_target_item",
            plan=plan.title(ctx.lang),
            target=target_words(t, ctx.lang),
        )
        for plan, t in others
    )
    return Writer(ctx)("other_target", items=listed)


def required_text(t: TargetVerdict, d: int) -> str:
    """The change per year needed, with the decimals that multiply back to the shown gap."""
    return fmt_per_year(abs(t.required_per_year), d)


def actual_part(ctx: ReportContext, t: TargetVerdict, d: int) -> str:
    """``，2020—2023年年均上升2.0个百分点`` (the mean change over exactly those years)."""
    if t.actual_per_year is None or t.actual_from_year is None:
        return ""
    w = Writer(ctx)
    if per_year_zero(t.actual_per_year, d):
        return w("actual_same", first=t.actual_from_year, last=t.latest_year)
    return w(
        "actual",
        first=t.actual_from_year,
        last=t.latest_year,
        word=w("up" if t.actual_per_year > 0 else "down"),
        noun=w("rise" if t.actual_per_year > 0 else "fall"),
        value=fmt_per_year(abs(t.actual_per_year), d),
        points=points(t.unit, w.lang),
    )


def trend_part(ctx: ReportContext, r: IndicatorAssessment) -> str:
    """The change in words: ``，2015—2023年线性趋势为每年下降0.5个百分点`` (a tested trend, with
    enough values), else ``，2020—2022年下降21.0个千分点`` (first to last); '' without two
    values."""
    t = ctx.verdict_of(r)
    w, d = Writer(ctx), row_decimals(r)
    pts = points(r.unit, w.lang)
    if t.trend_kind == "tested" and t.slope is not None:
        word, noun = (w("up"), w("rise")) if t.slope > 0 else (w("down"), w("fall"))
        return w("trend", first=t.trend_first, last=t.trend_last, word=word, noun=noun,
                 slope=fmt_per_year(abs(t.slope), d), points=pts)  # fmt: skip
    if t.trend_kind == "first_last" and round_half_up(t.trend_delta, d) != 0:
        word, noun = (w("up"), w("rise")) if t.trend_delta > 0 else (w("down"), w("fall"))
        return w("change_between", first=t.trend_first, last=t.trend_last, word=word, noun=noun,
                 delta=fmt_num(abs(t.trend_delta), d), points=pts)  # fmt: skip
    return ""


def office(written, placeholder: str, indicator: str = "") -> doc.Sentence:
    """The office's text (marked with its author) or the marked place for it."""
    if written is None:
        return doc.Sentence(placeholder, placeholder=True, indicator=indicator)
    return doc.Sentence(written.text, origin="office", author=written.author, indicator=indicator)


def lagging_sentence(ctx: ReportContext, r: IndicatorAssessment) -> doc.Sentence:
    """``龋患率最新数据为2016年（30.0%），距“降至25%以下”的目标尚差5.0个百分点。``"""
    t, w, d = ctx.verdict_of(r), Writer(ctx), row_decimals(r)
    values = dict(
        name=w.noun(r, start=True),
        year=t.latest_year,
        value=ctx.value_with_unit(r, t.latest_value),
        target=target_in_words(ctx, r),
    )
    if t.gap:
        text = w("lagging_gap", gap=gap_clause(w, t, d, values["target"]), **values)
    elif t.kind == "numeric":
        text = w("lagging_met", **values)
    else:
        text = w("lagging_plain", **values)
    return doc.Sentence(text, indicator=r.indicator_id, kind="lagging")


def gap_clause(w: Writer, t: TargetVerdict, d: int, target: str) -> str:
    """``距“达到60%以上”的目标尚差4.9个百分点`` or, outside an about-band, ``高于“保持在45%左右”的
    目标区间2.5个百分点``."""
    key = {"above": "gap_clause_above", "below": "gap_clause_below"}.get(t.band_side or "")
    if key is None:  # English says a value to bring down is "above" its target
        over = t.goal is not None and t.latest_value is not None and t.latest_value > t.goal
        key = w.variant("gap_clause", "over") if over else "gap_clause"
    return w(key, gap=fmt_num(t.gap, d), points=points(t.unit, w.lang), target=target)


def problem_sentences(ctx: ReportContext, r: IndicatorAssessment, p: Problem) -> list:
    """One problem in one or two sentences: the value, the gap to the target and, while the
    target year is ahead, the change per year needed beside the change observed; a series
    that worsens or swings says so."""
    t, w, d = ctx.verdict_of(r), Writer(ctx), row_decimals(r)
    if "lagging" in p.kinds:
        out = [lagging_sentence(ctx, r)]
    else:
        values = dict(
            name=w.noun(r, start=True),
            year=r.latest_year,
            value=ctx.value_with_unit(r, r.latest_value),
            target=target_in_words(ctx, r),
            target_year=t.target_year,
        )
        if "falls_back" in p.kinds:
            text = w("problem_falls_back_why", **values)
        elif t.gap:
            outlook = w(f"outlook_{p.kinds[0]}") if p.kinds[0] in ("difficult", "at_risk") else ""
            text = w("problem_value", gap=gap_clause(w, t, d, values["target"]),
                     outlook=outlook, **values)  # fmt: skip
            if t.required_per_year is not None and t.years_left:
                text += w(
                    "problem_need",
                    target_year=t.target_year,
                    word=w("rise" if t.required_per_year > 0 else "fall"),
                    required=required_text(t, d),
                    points=points(r.unit, w.lang),
                ) + actual_part(ctx, t, d)
            text += w("end")
        else:
            text = ""
        out = [doc.Sentence(text, indicator=r.indicator_id, kind="problem")] if text else []
    if "worsening" in p.kinds and not (t.required_per_year and t.years_left):
        trend = trend_part(ctx, r).lstrip("，;, ")
        if trend:
            text = w("problem_worsening_why", name=w.noun(r, start=True), trend=trend)
            out.append(doc.Sentence(text, indicator=r.indicator_id, kind="trend"))
    if "volatile" in p.kinds and r.years:
        text = w("volatile_why", name=w.noun(r, start=True), first=min(r.years), last=max(r.years))
        out.append(doc.Sentence(text, indicator=r.indicator_id, kind="volatile"))
    return out


#: The verdict's problem kinds, most serious first (the order a domain's title counts them in).
PROBLEM_KINDS = (
    "not_met", "difficult", "at_risk", "lagging", "worsening", "volatile", "falls_back"
)  # fmt: skip


def _kinds_text(w: Writer, problems: list[Problem]) -> str:
    """``未达到目标2项，按目前趋势实现存在困难1项`` (first kind of each problem, in order)."""
    counts = Counter(p.kinds[0] for p in problems)
    parts = [w(f"kind_{k}", n=counts[k]) for k in PROBLEM_KINDS if counts.get(k)]
    return w("list_sep_comma").join(parts)


def problem_group(ctx: ReportContext, domain_zh: str, items: list) -> doc.Finding:
    """The problems of one domain (largest relative gap first, the verdict's order): a title
    with their number and kinds, each problem's numbers, the causes the office wrote (per
    indicator, per domain) or one marked place naming the departments concerned."""
    w = Writer(ctx)
    domain = in_sentence(ctx, ctx.plan.domain_name(domain_zh, ctx.lang))
    problems = [p for _, p in items]
    kinds = {p.kinds[0] for p in problems}
    if len(kinds) == 1:  # 教育领域3项指标未达到目标 (no count in brackets repeating the title's)
        phrase = w(f"phrase_{kinds.pop()}", n=len(items))
        title = w("problem_domain_one", domain=domain, count=w.count(len(items)), phrase=phrase,
                  n=len(items))  # fmt: skip
    else:
        title = w("problem_domain", domain=domain, count=w.count(len(items)),
                  kinds=_kinds_text(w, problems), n=len(items))  # fmt: skip
    sentences, unexplained = [], []
    for r, p in items:
        sentences += problem_sentences(ctx, r, p)
        written = ctx.narrative.indicator(r.indicator_id, "cause")
        if written is not None:
            sentences.append(office(written, "", r.indicator_id))
        else:
            unexplained.append(r)
    causes = ctx.narrative.domain(domain_zh, "causes")
    if causes is not None:
        sentences.append(office(causes, ""))
    elif unexplained:
        who = w.departments(unexplained) or w("department_unknown")
        sentences.append(office(None, w("cause_placeholder", domain=domain, department=who)))
    return doc.Finding(title + w("end"), sentences)


def _by_domain(ctx: ReportContext) -> list[tuple[str, list]]:
    """The verdict's problems by domain, domains in the plan's order and, inside one, the
    verdict's order (largest relative gap first)."""
    results = {r.indicator_id: r for r in ctx.assessment.results}
    groups: dict[str, list] = {}
    for p in ctx.verdict.problems:
        r = results[p.indicator_id]
        groups.setdefault(r.domain, []).append((r, p))
    order = list(ctx.domains)
    return sorted(groups.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99)


def _unjudged(ctx: ReportContext) -> tuple[list, list, list]:
    """(lagging, without any value, a trend target with a single value), as results."""
    v = ctx.verdict
    results = {r.indicator_id: r for r in ctx.statistical}
    lagging = [results[i] for i in v.lagging if i in results]
    missing = [results[t.indicator_id] for t in v.statistical if t.status == "no_data"]
    single = [results[t.indicator_id] for t in v.statistical if t.status == "insufficient"]
    return lagging, missing, single


def _per_domain(ctx: ReportContext, results: list) -> str:
    """``健康12项、安全3项`` — how many of ``results`` fall in each domain, plan order."""
    w = Writer(ctx)
    counts = Counter(r.domain for r in results)
    parts = [w("per_domain_item", domain=ctx.plan.domain_name(dz, ctx.lang), n=counts[dz])
             for dz in ctx.domains if counts.get(dz)]  # fmt: skip
    return w.join(parts)


def data_finding(ctx: ReportContext) -> doc.Finding | None:
    """Targets the verdict could not judge: lagging (with year and gap), no value at all
    (counted by domain; the domain tables list them), a single value of a trend target."""
    w = Writer(ctx)
    lagging, missing, single = _unjudged(ctx)
    if not (lagging or missing or single):
        return None
    sentences = [lagging_sentence(ctx, r) for r in lagging if not ctx.verdict_of(r).gap]
    past = [r for r in missing if ctx.verdict_of(r).reason_key == "target_year_missing"]
    none = [r for r in missing if r not in past]
    if none:
        text = w("no_data_why", count=w.count(len(none)), domains=_per_domain(ctx, none))
        sentences.append(doc.Sentence(text, kind="no_data"))
    for r in past:
        text = w("target_year_missing", name=w.noun(r, start=True), year=r.target_year)
        sentences.append(doc.Sentence(text, indicator=r.indicator_id, kind="no_data"))
    if single:
        text = w("single_why", count=w.count(len(single)), names=w.names(single))
        sentences.append(doc.Sentence(text, kind="no_data"))
    n = len(lagging) + len(missing) + len(single)
    title = w("problem_data", count=w.count(n), lagging=len(lagging),
              missing=len(missing) + len(single))  # fmt: skip
    return doc.Finding(title + w("end"), sentences)


def department_advice(ctx: ReportContext, department_zh: str, items: list) -> doc.Finding:
    """The recommendation to one responsible department: the problem indicators it answers
    for and what to do about them, then the measures written in the narrative (per indicator,
    and the department's own under ``departments``) or one marked place for them.
    ``department_zh`` '' when the plan names none: the item then names no department."""
    w = Writer(ctx)
    department = w.department_or_none(items[0][0]) if department_zh else ""
    results = [r for r, _ in items]
    keep = [r for r, p in items if p.kinds[0] == "falls_back"]
    close = [r for r in results if r not in keep]
    texts = []
    if close:
        years_left = any(ctx.verdict_of(r).years_left for r in close)
        key = "advice_close" if years_left else "advice_close_now"
        texts.append(w(key, names=w.names(close), n=len(close), year=ctx.target_year))
    if keep:
        texts.append(w("advice_keep", names=w.names(keep), n=len(keep)))
    sentences = [doc.Sentence(text, kind="advice") for text in texts]
    unwritten = []
    for r in results:
        written = ctx.narrative.indicator(r.indicator_id, "recommendation")
        if written is not None:
            sentences.append(office(written, "", r.indicator_id))
        else:
            unwritten.append(r)
    written = ctx.narrative.department(department_zh, "recommendation") if department_zh else None
    if written is not None:
        sentences.append(office(written, ""))
    elif unwritten:
        who = w("department_the", department=department) if department else ""
        who = who or w("department_unknown")
        sentences.append(office(None, w("advice_placeholder", department=who)))
    title = w("advice_department", department=department) if department else ""
    return doc.Finding(title, sentences)


def advice_by_department(ctx: ReportContext) -> list[doc.Finding]:
    """One recommendation per responsible department, departments in the order of their
    first problem (largest gap first); indicators without a department last, unnamed."""
    w = Writer(ctx)
    results = {r.indicator_id: r for r in ctx.assessment.results}
    groups: dict[str, list] = {}
    for p in ctx.verdict.problems:
        r = results[p.indicator_id]
        groups.setdefault(w.department_or_none(r, "zh"), []).append((r, p))
    order = sorted(groups, key=lambda dept: dept == "")
    return [department_advice(ctx, dept, groups[dept]) for dept in order]


def data_advice(ctx: ReportContext) -> doc.Finding | None:
    """加强统计监测, naming the departments whose indicators lag or have no data (from the
    plan's department of each); without any named department, “有关部门”."""
    w = Writer(ctx)
    lagging, missing, single = _unjudged(ctx)
    missing = missing + single
    if not (lagging or missing):
        return None
    parts, anyone = [], w("departments_concerned")
    if lagging:
        who = w.departments(lagging) or anyone
        parts.append(w("advice_data_lagging", departments=who, count=w.count(len(lagging)),
                       start=ctx.plan.period_start))  # fmt: skip
    if missing:
        who = w.departments(missing) or anyone
        parts.append(w("advice_data_missing", departments=who, count=w.count(len(missing))))
    text = w("advice_data", items=w("list_sep_semicolon").join(parts))
    return doc.Finding("", [doc.Sentence(text, kind="advice_data")])


# --------------------------------------------------------------------------- sections
def rate_sentence(ctx: ReportContext, domain: str | None, key: str) -> doc.Sentence:
    """达标率 with its definition, numerator and denominator (the verdict's)."""
    rate = ctx.verdict.rate if domain is None else ctx.verdict.domain_rate(domain)
    if not rate.counted:
        return doc.Sentence(Writer(ctx)("rate_none"), kind="rate")
    text = Writer(ctx)(key, n=rate.counted, k=rate.achieved, rate=fmt_num(rate.rate, 1))
    return doc.Sentence(text, kind="rate")


def rates_table(ctx: ReportContext) -> doc.Table:
    """达标率 by domain and overall, with the denominator (the verdict's rates)."""
    t, v = ctx.t, ctx.verdict
    rows = []
    groups = [(ctx.plan.domain_name(dz, ctx.lang), v.domain_rate(dz)) for dz in ctx.domains]
    for name, rate in [*groups, (label("page", "total", ctx.lang), v.rate)]:
        cells = [
            doc.Cell(name),
            doc.Cell(str(rate.counted), role="num", column="denominator"),
            doc.Cell(str(rate.achieved), role="num", column="achieved"),
            doc.Cell(fmt_num(rate.rate, 1), role="num", column="rate"),
        ]
        rows.append(doc.Row(cells, key=rate.domain or "total"))
    keys = ("col_domain", "col_monitorable", "col_achieved_n", "col_rate")
    columns = [doc.Column(t(k), "" if k == "col_domain" else "num") for k in keys]
    return doc.Table(columns, rows, "plain", "narrow rates")


def counts_text(ctx: ReportContext) -> str:
    """``已实现5项，提前实现4项，……，无数据20项`` in the stage's order (non-zero counts)."""
    w, counts = Writer(ctx), ctx.verdict.counts
    order = [*STAGE_STATUSES[ctx.stage], "lagging", "no_data", "insufficient"]
    words = {s: label("verdict_status", s, ctx.lang) for s in order}
    if ctx.en:
        words = {s: w(w.variant("count_word", s), word=word.lower()) for s, word in words.items()}
    parts = [w("count_item", word=words[s], n=counts[s]) for s in order if counts.get(s)]
    return w.join(parts) if ctx.en else "，".join(parts)


#: Overall verdicts decided by the share of judged targets off course, and the rule's words.
SHARE_RULED = {"verdict_lagging": "verdict_rule_lagging", "verdict_mostly": "verdict_rule_mostly",
               "verdict_expect_short": ""}  # fmt: skip


def basis_sentence(ctx: ReportContext) -> list[doc.Sentence]:
    """The count behind the overall verdict, the verdict's own numerator and denominator:
    ``可判断进展的15项统计指标（计入达标率的14项和趋势类目标1项）中，6项未达标或按目前趋势难以如期
    实现，占40.0%，达到30%即判为总体进展滞后。`` ([] for a verdict not decided by that share)."""
    v, w = ctx.verdict, Writer(ctx)
    if v.overall not in SHARE_RULED:
        return []
    off, judged = v.overall_basis
    if not judged:
        return []
    trend = sum(t.kind == "trend" for t in v.statistical if t.status not in NOT_JUDGED)
    counted = v.rate.counted
    parts = w("verdict_basis_parts", counted=counted, trend=trend) if (
        trend and counted + trend == judged) else ""  # fmt: skip
    limit = ctx.assessment.settings.get("report", {}).get("verdict_lagging_off_share")
    rule_key = SHARE_RULED[v.overall]
    rule = w(rule_key, limit=fmt_num(100 * limit, 0)) if rule_key and limit is not None else ""
    text = w("verdict_basis", judged=judged, parts=parts, off=off,
             share=fmt_num(100 * off / judged, 1), rule=rule)  # fmt: skip
    return [doc.Sentence(text, kind="verdict_basis")]


def reconcile_sentence(ctx: ReportContext) -> doc.Sentence | None:
    """When the counts say more targets achieved (已实现5项，提前实现4项) than the 达标率 counts
    (7项已达到目标): the sum a reader can check, ``已实现和提前实现的9项指标中，7项计入达标率，
    另2项为趋势类目标（无具体数值，不计入达标率）``. None when the two agree or the rest are not
    all trend targets."""
    v, w = ctx.verdict, Writer(ctx)
    achieved = [t for t in v.statistical if t.achieved]
    k = v.rate.achieved
    trend = sum(t.kind == "trend" and not t.counted for t in achieved)
    if len(achieved) == k or len(achieved) != k + trend:
        return None
    statuses = [s for s in ACHIEVED if any(t.status == s for t in achieved)]
    words = [label("verdict_status", s, ctx.lang) for s in statuses]
    words = w.join([x.lower() for x in words]) if ctx.en else "和".join(words)
    text = w("rate_reconcile", words=words, a=len(achieved), k=k, m=trend)
    return doc.Sentence(text, kind="rate_reconcile")


def overall_sentences(ctx: ReportContext) -> list[doc.Sentence]:
    w, v = Writer(ctx), ctx.verdict
    stat = v.statistical
    trend = [t for t in stat if t.kind == "trend" and t.status not in ("no_data", "lagging")]
    sentences = [
        doc.Sentence(w(v.overall), kind="verdict"),
        *basis_sentence(ctx),
        doc.Sentence(
            w(
                "counts" if v.qualitative["total"] else w.variant("counts", "no_qualitative"),
                total=len(v.targets),
                stat=len(stat),
                qual=len(v.targets) - len(stat),
                items=counts_text(ctx),
            ),
            kind="counts",
        ),
        rate_sentence(ctx, None, "rate"),
    ]
    reconcile = reconcile_sentence(ctx)
    if reconcile is not None:
        sentences.append(reconcile)
    if trend and (reconcile is None or not all(t.achieved for t in trend)):
        met = sum(t.achieved for t in trend)
        key = w.variant("rate_trend", "all") if met == len(trend) else "rate_trend"
        text = w(key, n=len(trend), k=met)
        sentences.append(doc.Sentence(text, kind="rate_trend"))
    q = v.qualitative
    if q["total"]:
        key = "qualitative" if q["with_account"] else w.variant("qualitative", "none")
        text = w(key, n=q["total"], k=q["with_account"], m=q["without_account"])
        sentences.append(doc.Sentence(text, kind="qualitative"))
    if ctx.narrative.overall is not None:
        sentences.append(office(ctx.narrative.overall, ""))
    return sentences


#: Statuses whose indicators are on course (a domain's headline counts them against the rest).
GOOD = {"met", "met_early", "reached", "expected", "basically_met", "expect_met"}
BAD = {"difficult", "not_met", "missed", "expect_miss", "expect_risk", "not_reached"}


def _move(r: IndicatorAssessment) -> tuple[int, int | None]:
    """What the indicator did lately: the sign of its change (+1, -1, 0) on the year before
    the latest, else on the baseline, at the row's decimals, and that year (None: no value
    to compare with)."""
    d = row_decimals(r)
    year = r.latest_year - 1 if value_in(r, r.latest_year - 1) is not None else r.baseline_year
    if r.latest_value is None or year is None or year >= r.latest_year:
        return 0, None
    delta = _delta(r, value_in(r, year) if year != r.baseline_year else r.baseline_value, d)
    if delta is None:
        return 0, None
    return (delta > 0) - (delta < 0), year


def _better(r: IndicatorAssessment) -> int:
    """+1 when a higher value is better for the target, -1 when lower, 0 when neither."""
    if r.target_sense == ">=" or r.direction == "increase":
        return 1
    if r.target_sense == "<=" or r.direction == "decrease":
        return -1
    return 0


def _head_tone(ctx: ReportContext, judged: list[TargetVerdict], good: int, bad: int) -> str:
    """``smooth`` (none off course and most indicators improved on the year before), ``mixed``
    (on course at least as many as off course), ``behind`` (more off course)."""
    if bad == 0:
        results = [ctx.assessment[t.indicator_id] for t in judged]
        improved = sum(_move(r)[0] * _better(r) > 0 for r in results)
        return "smooth" if improved * 2 > len(results) else "mixed"
    return "mixed" if good >= bad else "behind"


def _head_count(w: Writer, judged: list[TargetVerdict], good: int, bad: int) -> str:
    """The count behind a headline: ``3项指标均未达标`` / ``11项指标中4项仍有差距``."""
    n = len(judged)
    same = {t.status for t in judged}
    if (good == n or bad == n) and len(same) == 1:
        t = judged[0]
        key = w.variant("head_count_same", "two") if n == 2 else "head_count_same"
        return w(key, n=n, word=w.status(t), count=w.count(n))
    key = "head_count_good" if bad == 0 else "head_count_bad" if good == 0 else "head_count_mixed"
    key = w.variant(key, "two") if n == 2 and key != "head_count_mixed" else key
    return w(key, n=n, b=bad, count=w.count(n))


def _head_single(ctx: ReportContext, t: TargetVerdict, name: str) -> str:
    """A domain judged on one indicator: what that indicator did, no broad trend."""
    w, r = Writer(ctx), ctx.assessment[t.indicator_id]
    sign, year = _move(r)
    ref = "" if year is None else w("head_ref_prev") if year == r.latest_year - 1 else (
        w("head_ref_year", year=year))  # fmt: skip
    key = {1: "head_rose", -1: "head_fell", 0: "head_same"}[sign]
    move = "" if year is None else w(key, ref=ref)
    domain = name[:1].lower() + name[1:] if ctx.en else name
    return w("head_single", domain=domain, indicator=w.noun(r), word=w.status(t), move=move)


def headline(ctx: ReportContext, domain_zh: str) -> doc.Sentence:
    """The domain in one sentence, from its verdicts: the theme worded by the status mix and
    by what the indicators did (持续提高 only when none is off course and most improved on the
    year before), then the count it rests on (``儿童受教育水平提升仍需加力，3项指标均未达标。``);
    a domain judged on one indicator says what that one did; too few data: says so."""
    judged = [t for t in ctx.verdict.statistical
              if t.domain == domain_zh and (t.status in GOOD or t.status in BAD)]  # fmt: skip
    good = sum(t.status in GOOD for t in judged)
    bad = len(judged) - good
    name = ctx.plan.domain_name(domain_zh, ctx.lang)
    w = Writer(ctx)
    if not judged:
        text = label("finding", "head_no_data", ctx.lang).format(name=name)
    elif len(judged) == 1:
        text = _head_single(ctx, judged[0], name)
    else:
        key = _head_tone(ctx, judged, good, bad)
        who = label("plan_subject", _subject(ctx.plan.title_zh), ctx.lang)
        themed = f"{domain_zh}_{key}"
        text = label("domain_headline", themed, ctx.lang)
        if text == themed:  # a domain this plan names but the wording does not know
            text = label("finding", f"head_{key}", ctx.lang)
        text = text.format(name=name, who=who)
        text = w("head_join", theme=text, count=_head_count(w, judged, good, bad))
    return doc.Sentence(text[:1].upper() + text[1:], kind="headline")


def _subject(title_zh: str) -> str:
    """Whose development the plan is about (``children``/``women``), from its title."""
    return "children" if "儿童" in title_zh else "women" if "妇女" in title_zh else "other"


def status_sentences(ctx: ReportContext, results: list) -> list[doc.Sentence]:
    """One status paragraph's sentences, newest year first (plan order inside a year): the
    year said when it changes, 亦 after the first sentence."""
    results = sorted(results, key=lambda r: -(r.latest_year or 0))
    out, year_before = [], None
    for i, r in enumerate(results):
        same = i > 0 and r.latest_year == year_before
        out.append(progress_sentence(ctx, r, first=i == 0, same_year=same))
        year_before = r.latest_year
    return out


def progress_group(ctx: ReportContext, n: int, domain_zh: str) -> doc.FindingGroup:
    """One domain: its headline, 达标率, then one paragraph per stage status (the indicators
    met, expected, difficult ... each with its value, change and target), the office's
    account of progress and of the measures taken."""
    w = Writer(ctx)
    results = [r for r in ctx.statistical if r.domain == domain_zh]
    order = [*STAGE_STATUSES[ctx.stage], "lagging", "no_data", "insufficient"]
    by_status: dict[str, list[IndicatorAssessment]] = {}
    for r in results:
        if r.latest_value is not None and (r.latest_year or 0) >= ctx.plan.period_start:
            by_status.setdefault(ctx.verdict_of(r).status, []).append(r)
    groups = {status: status_sentences(ctx, rs) for status, rs in by_status.items()}
    findings = []
    for status in sorted(groups, key=lambda st: order.index(st) if st in order else len(order)):
        word = label("verdict_status", status, ctx.lang)
        word = word[:1].lower() + word[1:] if ctx.en else word
        domain = ctx.plan.domain_name(domain_zh, ctx.lang)
        k = len(groups[status])
        word_cap = word[:1].upper() + word[1:]
        title = w("group_lead", domain=in_sentence(ctx, domain), n=k, word=word, word_cap=word_cap,
                  count=w.count(k)) + w("end")  # fmt: skip
        findings.append(doc.Finding(title, groups[status]))
    for key in ("progress", "measures"):
        written = ctx.narrative.domain(domain_zh, key)
        if written is not None:
            findings.append(doc.Finding("", [office(written, "")]))
    name = ctx.plan.domain_name(domain_zh, ctx.lang)
    title = w("domain", n=section_number(n, ctx.lang), name=name)
    has_rate = ctx.verdict.domain_rate(domain_zh).counted > 0
    rate = rate_sentence(ctx, domain_zh, "rate_domain") if has_rate else None
    # a domain without data says so in its headline (one sentence per domain, none repeated)
    head = headline(ctx, domain_zh)
    return doc.FindingGroup(title, rate, findings, None, headline=head, domains=[domain_zh])


def _without_data(ctx: ReportContext, domain_zh: str) -> bool:
    """True for a domain with no judged indicator and nothing written by the office."""
    judged = [t for t in ctx.verdict.statistical
              if t.domain == domain_zh and (t.status in GOOD or t.status in BAD)]  # fmt: skip
    written = [ctx.narrative.domain(domain_zh, k) for k in ("progress", "measures")]
    return not judged and all(x is None for x in written)


def progress_groups(ctx: ReportContext) -> list[doc.FindingGroup]:
    """二、主要进展: one group per domain with data, numbered in the plan's order; the domains
    without any data in the plan period together in one last group, named in one sentence
    (not one repeated sentence per domain)."""
    w = Writer(ctx)
    empty = [dz for dz in ctx.domains if _without_data(ctx, dz)]
    groups = [progress_group(ctx, i, dz) for i, dz in
              enumerate([dz for dz in ctx.domains if dz not in empty], start=1)]  # fmt: skip
    if empty:
        names = [ctx.plan.domain_name(dz, ctx.lang) for dz in empty]
        names = [n[:1].lower() + n[1:] for n in names] if ctx.en else names
        listed = w.join(names) if ctx.en else w("list_sep").join(names)
        title = w("domain", n=section_number(len(groups) + 1, ctx.lang), name=w("domains_other"))
        text = w("head_no_data_domains", names=listed, n=len(empty))
        head = doc.Sentence(text, kind="headline")
        groups.append(doc.FindingGroup(title, None, [], None, headline=head, domains=empty))
    return groups


#: Words of a source field that mark data a department submitted (not published statistics).
SUBMITTED = ("报送", "填报", "submitted", "reported by")


def data_years(ctx: ReportContext) -> tuple[int, int] | None:
    """The first and last year of the values the findings use: each indicator's latest value
    (a lagging one's too, e.g. 2016), the base year beside a plan-period value, the first year
    of a change per year or a trend, the years of a volatile series; None without values."""
    years = []
    problems = {p.indicator_id: p for p in ctx.verdict.problems}
    for r in ctx.statistical:
        if r.latest_value is None or r.latest_year is None:
            continue
        years.append(r.latest_year)
        if r.latest_year >= ctx.plan.period_start and r.baseline_year is not None:
            years.append(r.baseline_year)
        t = ctx.verdict_of(r)
        p = problems.get(r.indicator_id)
        if p is None:
            continue
        need = bool(t.gap and t.required_per_year is not None and t.years_left)
        if need and "falls_back" not in p.kinds and t.actual_from_year is not None:
            years.append(t.actual_from_year)  # 2020—2023年年均上升
        if "worsening" in p.kinds and not need and trend_part(ctx, r) and t.trend_first:
            years.append(t.trend_first)  # 2015—2023年线性趋势
        if "volatile" in p.kinds and r.years:
            years.append(int(min(r.years)))
    years = [int(y) for y in years if int(y) <= ctx.year]
    return (min(years), max(years)) if years else None


def used_sources(ctx: ReportContext, first: int, last: int) -> list[str]:
    """The sources of this plan's indicators' values from ``first`` to ``last``."""
    obs = ctx.assessment.observations
    ids = {r.indicator_id for r in ctx.statistical}
    mine = obs[obs["indicator_id"].isin(ids) & obs["year"].between(first, last)]
    return sorted({str(x) for x in mine["source"].dropna() if str(x).strip()})


def work_sentences(ctx: ReportContext) -> list[doc.Sentence]:
    """工作开展情况 drafted from what planeval knows — where the data come from (published
    statistics or submitted by departments, from the observations' source field), the years
    the findings use, the sources of this plan's indicators, the departments responsible,
    what the report covers, the method in one paragraph — then the office's own account
    (narrative ``work`` and ``background``) or the marked place for it."""
    w, v, sep = Writer(ctx), ctx.verdict, ", " if ctx.en else "、"
    out = []
    with_data = [r for r in ctx.statistical if r.latest_value is not None]
    obs = ctx.assessment.observations
    span = data_years(ctx)
    if with_data and obs is not None and len(obs) and span:
        depts = []
        for r in with_data:
            name = w.department(r)
            if name not in depts and name != w("department_unknown"):
                depts.append(name)
        sources = used_sources(ctx, *span)
        submitted = [x for x in sources if any(m in x.lower() for m in SUBMITTED)]
        key = "work_reported" if submitted and len(submitted) == len(sources) else (
            "work_mixed" if submitted else "work_published")  # fmt: skip
        if depts and sources:
            named = depts[:5]
            listed = w.join([w("department_the", department=x) for x in named]) if ctx.en else (
                sep.join(named))  # fmt: skip
            years = str(span[0]) if span[0] == span[1] else w("year_span", first=span[0],
                                                              last=span[1])  # fmt: skip
            text = w(key, departments=listed, n=len(depts), years=years,
                     k=len(sources), p=len(sources) - len(submitted), q=len(submitted))  # fmt: skip
            out.append(doc.Sentence(text, kind="work"))
    stat = v.statistical
    qual = len(v.targets) - len(stat)
    key = "work_scope" if qual else w.variant("work_scope", "no_qualitative")
    plan_word = w("plan_word_outline" if "纲要" in ctx.plan.title_zh else "plan_word")
    text = w(key, stat=len(stat), qual=qual, plan=plan_word)
    out.append(doc.Sentence(text, kind="work"))
    base = ctx.plan.period_start - 1
    out.append(doc.Sentence(w("work_method", base=base, year=ctx.year,
                              target_year=ctx.target_year), kind="work"))  # fmt: skip
    written = ctx.narrative.top.get("work")
    out.append(office(written, w("work_placeholder")))
    if ctx.narrative.top.get("background") is not None:
        out.append(office(ctx.narrative.top["background"], ""))
    return out


def office_name(ctx: ReportContext) -> str:
    """Who files the report (the 落款): the narrative's ``office``, else its ``author``, else
    the plan region's women and children's working committee office."""
    top = ctx.narrative.top
    if top.get("office") is not None:
        return top["office"].text
    authors = [x.author for x in top.values() if x.author]
    if authors:
        return authors[0]
    return Writer(ctx)("office_default", region=ctx.plan.region(ctx.lang))


def coordinate_finding(ctx: ReportContext) -> doc.Finding | None:
    """Cross-cutting advice when the verdict's problems span several domains: 统筹协调 and
    the problem indicators (their number, the verdict's) under 重点督导."""
    results = {r.indicator_id: r for r in ctx.assessment.results}
    ids = [p.indicator_id for p in ctx.verdict.problems]
    domains = [dz for dz in ctx.domains if any(results[i].domain == dz for i in ids)]
    if len(domains) < 2:
        return None
    w = Writer(ctx)
    listed = [ctx.plan.domain_name(dz, ctx.lang) for dz in domains]
    names = w.join(listed) if ctx.en else w("list_sep").join(listed)  # 健康、教育等2个领域
    text = w("advice_coordinate", k=len(domains), domains=names, n=len(ids))
    return doc.Finding("", [doc.Sentence(text, kind="advice_coordinate")])


def build_findings(ctx: ReportContext) -> doc.Findings:
    """The written part of the report (see the module docstring)."""
    w = Writer(ctx)
    problems = [problem_group(ctx, dz, items) for dz, items in _by_domain(ctx)]
    with_problems = {dz for dz, _ in _by_domain(ctx)}
    for dz in ctx.domains:
        causes = ctx.narrative.domain(dz, "causes")
        if causes is not None and dz not in with_problems:
            title = ctx.plan.domain_name(dz, ctx.lang) + w("end")
            problems.append(doc.Finding(title, [office(causes, "")]))
    data = data_finding(ctx)
    if data is not None:
        problems.append(data)
    advice = advice_by_department(ctx)
    coordinate = coordinate_finding(ctx)
    if coordinate is not None:
        advice.insert(0, coordinate)
    monitoring = data_advice(ctx)
    if monitoring is not None:
        advice.append(monitoring)
    return doc.Findings(
        title=w("title"),
        origin_note=w("origin_note"),
        overall_title=w("overall"),
        overall=overall_sentences(ctx),
        work_title=w("work_title"),
        work=work_sentences(ctx),
        verdict_title=w("verdict_title"),
        rates=rates_table(ctx),
        progress_title=w("progress"),
        progress=progress_groups(ctx),
        problems_title=w("problems"),
        problems=problems,
        advice_title=w("advice"),
        advice=advice,
        joiner=" " if ctx.en else "",
    )
