"""HTML building blocks of the evaluation reports (called from ``notebooks/evaluation.ipynb``).

Every string that comes from a data file (names, notes, accounts, sources) passes through
``html.escape``: report text is never interpreted as HTML.
"""

from __future__ import annotations

import html
import math
from collections import Counter

import pandas as pd

from .assessment import STATUSES, Assessment, IndicatorAssessment
from .labels import label, status_badge

TEXT = {
    "cover_plan": {"zh": "规划", "en": "Plan"},
    "cover_region": {"zh": "地区", "en": "Region"},
    "cover_geo": {"zh": "数据地区", "en": "Data geography"},
    "cover_stage": {"zh": "报告类型", "en": "Stage"},
    "cover_cutoff": {"zh": "数据截至", "en": "Data up to"},
    "cover_produced": {"zh": "生成时间", "en": "Produced"},
    "forecast_notice": {
        "zh": "本报告为基于截至 {year} 年数据的预测评估：{target} 年（目标年）的数据尚未获得，所列终期结果为预测值。",
        "en": "This report is a forecast from data through {year}: values for the target year {target} "
              "are not yet available, so the final results shown are projections.",
    },
    "col_item": {"zh": "条目", "en": "Item"},
    "col_indicator": {"zh": "指标", "en": "Indicator"},
    "col_unit": {"zh": "单位", "en": "Unit"},
    "col_target": {"zh": "目标", "en": "Target"},
    "col_baseline": {"zh": "基期值", "en": "Baseline"},
    "col_latest": {"zh": "最新值", "en": "Latest"},
    "col_forecast": {"zh": "{year}年预测", "en": "Forecast {year}"},
    "col_pi": {"zh": "95%预测区间", "en": "95% PI"},
    "col_p": {"zh": "达标概率", "en": "P(attain)"},
    "col_status": {"zh": "状态", "en": "Status"},
    "col_change": {"zh": "变化趋势", "en": "Change"},
    "col_n": {"zh": "观测数", "en": "Obs."},
    "none": {"zh": "—", "en": "—"},
}


def t(key: str, lang: str, **kw) -> str:
    return TEXT[key]["en" if lang == "en" else "zh"].format(**kw)


def esc(value) -> str:
    """Escape any value for HTML text."""
    return html.escape("" if value is None else str(value))


def decimals_for(unit: str, values) -> int:
    """Decimals to show: as many as the data carry (max 2), at least 1 for rates."""
    best = 0
    for v in values:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            continue
        s = f"{v:.6f}".rstrip("0").rstrip(".")
        if "." in s:
            best = max(best, len(s.split(".")[1]))
    best = min(best, 2)
    if unit in ("%", "‰", "1/10万", "岁") and best == 0:
        best = 1
    return best


def fmt_value(value, unit: str = "", decimals: int = 1, with_unit: bool = True) -> str:
    """A number formatted with ``decimals`` and its unit (``95.2%``, ``5.1‰``, ``16.1/10万``)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = f"{value:,.{decimals}f}"
    if not with_unit or not unit:
        return text
    if unit == "1/10万":
        return f"{text}/10万"
    if unit in ("%", "‰"):
        return f"{text}{unit}"
    return f"{text} {unit}"


def fmt_p(p) -> str:
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "—"
    return f"{p:.2f}"


def target_text(r: IndicatorAssessment, lang: str) -> str:
    """The target in words: ``≥ 90.0%``, ``≤ 6.0‰``, ``45.0% ± 2.0``, ``−20% vs 2020``..."""
    d = decimals_for(r.unit, [r.target_value])
    tt = r.target_type
    if tt in ("at_least", "count_at_least"):
        return "≥ " + fmt_value(r.target_value, r.unit, d)
    if tt == "at_most":
        return "≤ " + fmt_value(r.target_value, r.unit, d)
    if tt == "maintain_at_least":
        return ("每年 ≥ " if lang != "en" else "every year ≥ ") + fmt_value(r.target_value, r.unit, d)
    if tt == "maintain_at_most":
        return ("每年 ≤ " if lang != "en" else "every year ≤ ") + fmt_value(r.target_value, r.unit, d)
    if tt == "about":
        tol = (r.band_high - r.band_low) / 2 if r.band_high is not None else 0
        return ("约 " if lang != "en" else "about ") + fmt_value(r.target_value, r.unit, d) + f" ± {tol:g}"
    if tt == "relative_change":
        base = f"{r.target_value:+g}% vs {r.baseline_year if r.baseline_source != 'observed' else ''}".strip()
        if r.target_level is not None:
            base += f" (→ {fmt_value(r.target_level, r.unit, 2)})"
        return base
    return label("target_type", tt, lang)


def cover_html(assessment: Assessment, stage: str, lang: str, produced: str) -> str:
    plan = assessment.plan
    rows = [
        (t("cover_plan", lang), plan.title(lang)),
        (t("cover_region", lang), plan.region(lang)),
        (t("cover_geo", lang), assessment.geography),
        (t("cover_stage", lang), label("stage", stage, lang)),
        (t("cover_cutoff", lang), str(assessment.data_year)),
        (t("cover_produced", lang), produced),
    ]
    dl = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in rows)
    title = f"{plan.title(lang)} · {label('stage', stage, lang)}"
    notice = ""
    latest = max((r.latest_year or 0 for r in assessment.results), default=0)
    if stage == "final" and latest < plan.period_end:
        notice = f'<p class="notice">{esc(t("forecast_notice", lang, year=assessment.data_year, target=plan.period_end))}</p>'
    return f'<div class="pe"><h1 id="top">{esc(title)}</h1><dl class="cover">{dl}</dl>{notice}</div>'


def status_counts_frame(assessment: Assessment, lang: str) -> pd.DataFrame:
    """Counts of targets by domain (rows, plan order) and status (columns)."""
    domains = [d["zh"] for d in assessment.plan.domains]
    counts = Counter((r.domain, r.status) for r in assessment.results)
    data = {label("status", s, lang): [counts.get((d, s), 0) for d in domains] for s in STATUSES}
    index = [assessment.plan.domain_name(d, lang) for d in domains]
    return pd.DataFrame(data, index=index)


def indicator_table_html(results: list[IndicatorAssessment], lang: str, target_year: int) -> str:
    """The domain table: item, indicator, target, baseline, each year's value, latest, forecast
    with interval, probability of attainment, status with icon and text, change."""
    if not results:
        return ""
    years = sorted({y for r in results for y in r.years})
    head = [t("col_item", lang), t("col_indicator", lang), t("col_target", lang), t("col_baseline", lang)]
    head += [str(y) for y in years]
    head += [t("col_forecast", lang, year=target_year), t("col_pi", lang), t("col_p", lang),
             t("col_status", lang), t("col_change", lang)]
    out = ['<table class="indicators"><thead><tr>']
    out += [f"<th>{esc(h)}</th>" for h in head]
    out.append("</tr></thead><tbody>")
    for r in results:
        d = decimals_for(r.unit, r.values + [r.target_value, r.baseline_value])
        obs = dict(zip(r.years, r.values))
        name = r.name_en if lang == "en" else r.name_zh
        base = fmt_value(r.baseline_value, r.unit, d) + (f" ({r.baseline_year})" if r.baseline_year else "") \
            if r.baseline_value is not None else "—"
        cells = [
            f"<td>{esc(r.item)}</td>",
            f'<td id="ind-{esc(r.indicator_id)}">{esc(name)}</td>',
            f"<td>{esc(target_text(r, lang))}</td>",
            f'<td class="num">{esc(base)}</td>',
        ]
        cells += [f'<td class="num">{esc(fmt_value(obs.get(y), r.unit, d, with_unit=False)) if y in obs else ""}</td>'
                  for y in years]
        pi = "—" if r.pi_low is None else f"{fmt_value(r.pi_low, '', d, False)}–{fmt_value(r.pi_high, '', d, False)}"
        badge = status_badge(r.status, lang)
        warn = ' <span class="warn" title="预警">⚠</span>' if r.early_warning else ""
        cells += [
            f'<td class="num">{esc(fmt_value(r.forecast, r.unit, d))}</td>',
            f'<td class="num">{esc(pi)}</td>',
            f'<td class="num">{esc(fmt_p(r.p_attain))}</td>',
            f'<td><span class="badge st-{esc(r.status)}">{esc(badge)}</span>{warn}</td>',
            f"<td>{esc(label('change', r.change, lang) or '—')}</td>",
        ]
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return '<div class="pe">' + "".join(out) + "</div>"


# --------------------------------------------------------------------------- sections
SECTION = {
    "summary": {"zh": "总体情况", "en": "Summary"},
    "toc": {"zh": "目录", "en": "Contents"},
    "appendix": {"zh": "附录：方法、数据来源与可追溯信息", "en": "Appendix: method, sources and provenance"},
    "warnings": {"zh": "预警指标", "en": "Early warnings (预警)"},
    "achieved": {"zh": "已达标指标", "en": "Indicators already achieved"},
    "counts": {"zh": "各领域目标状态分布", "en": "Targets by domain and status"},
    "qualitative": {"zh": "定性目标与部门说明", "en": "Qualitative targets and department accounts"},
    "no_account": {"zh": "（尚未提交书面说明）", "en": "(no written account submitted)"},
    "method": {"zh": "评估方法", "en": "Method"},
    "audit": {"zh": "目标编码核对表", "en": "Catalogue audit: plan text beside its encoding"},
    "sources": {"zh": "数据来源", "en": "Data sources"},
    "provenance": {"zh": "可追溯信息", "en": "Provenance"},
    "domain": {"zh": "领域：{name}", "en": "Domain: {name}"},
}


def s_(key: str, lang: str, **kw) -> str:
    return SECTION[key]["en" if lang == "en" else "zh"].format(**kw)


def domain_anchor(plan, domain_zh: str) -> str:
    idx = [d["zh"] for d in plan.domains].index(domain_zh) + 1
    return f"domain-{idx}"


def toc_html(assessment: Assessment, lang: str) -> str:
    items = [f'<li><a href="#summary">{esc(s_("summary", lang))}</a></li>']
    for d in assessment.plan.domains:
        name = assessment.plan.domain_name(d["zh"], lang)
        items.append(f'<li><a href="#{domain_anchor(assessment.plan, d["zh"])}">'
                     f'{esc(s_("domain", lang, name=name))}</a></li>')
    items.append(f'<li><a href="#appendix">{esc(s_("appendix", lang))}</a></li>')
    return f'<div class="pe toc"><h2 id="toc">{esc(s_("toc", lang))}</h2><ol>{"".join(items)}</ol></div>'


def warning_reason(r: IndicatorAssessment, lang: str) -> str:
    """One line: why the indicator is flagged (status, trend, volatility, forecast)."""
    parts = [label("warning", w, lang) for w in r.warning_reasons]
    d = decimals_for(r.unit, r.values + [r.target_value])
    if r.forecast is not None and r.target_level is not None:
        if lang == "en":
            parts.append(f"forecast {fmt_value(r.forecast, r.unit, d)} for {r.target_year} vs target "
                         f"{target_text(r, lang)}; P(attain) {fmt_p(r.p_attain)}")
        else:
            parts.append(f"{r.target_year}年预测 {fmt_value(r.forecast, r.unit, d)}，目标 {target_text(r, lang)}，"
                         f"达标概率 {fmt_p(r.p_attain)}")
    return ("; " if lang == "en" else "；").join(parts)


def summary_html(assessment: Assessment, stage: str, lang: str) -> str:
    from .charts import figure_html, status_heatmap

    counts = status_counts_frame(assessment, lang)
    fig = status_heatmap(counts, lang)
    alt = ("Heatmap of target counts by domain and status" if lang == "en" else "各领域目标状态数量热力图")
    total = Counter(r.status for r in assessment.results)
    lines = ", ".join(f"{status_badge(s, lang)} {total.get(s, 0)}" for s in STATUSES)
    warn = [r for r in assessment.results if r.early_warning]
    achieved = [r for r in assessment.results if r.status == "achieved"]
    name = (lambda r: r.name_en) if lang == "en" else (lambda r: r.name_zh)
    warn_items = "".join(f'<li><a href="#ind-{esc(r.indicator_id)}">{esc(name(r))}</a>：{esc(warning_reason(r, lang))}</li>'
                         for r in warn) or "<li>—</li>"
    ach_items = "".join(f'<li><a href="#ind-{esc(r.indicator_id)}">{esc(name(r))}</a>（{esc(fmt_value(r.latest_value, r.unit, decimals_for(r.unit, r.values)))}，{r.latest_year}）</li>'
                        for r in achieved) or "<li>—</li>"
    table = counts.to_html(classes="counts", escape=True, border=0)
    return (f'<div class="pe"><h2 id="summary">{esc(s_("summary", lang))}</h2>'
            f"<p>{esc(lines)}</p><h3>{esc(s_('counts', lang))}</h3>"
            f"{figure_html(fig, alt) if fig is not None else ''}{table}"
            f'<h3 id="warnings">{esc(s_("warnings", lang))} ({len(warn)})</h3><ul>{warn_items}</ul>'
            f'<h3 id="achieved">{esc(s_("achieved", lang))} ({len(achieved)})</h3><ul>{ach_items}</ul></div>')


def domain_section_html(assessment: Assessment, domain_zh: str, lang: str) -> str:
    from .charts import figure_html, small_multiples

    plan = assessment.plan
    results = [r for r in assessment.results if r.domain == domain_zh]
    stat = [r for r in results if r.target_type != "not_statistical"]
    qual = [r for r in results if r.target_type == "not_statistical"]
    name = plan.domain_name(domain_zh, lang)
    out = [f'<div class="pe"><h2 id="{domain_anchor(plan, domain_zh)}">{esc(s_("domain", lang, name=name))}</h2>']
    out.append(indicator_table_html(stat, lang, plan.period_end))
    with_data = [r for r in stat if r.years]
    if with_data:
        fig = small_multiples(with_data, lang=lang)
        alt = "; ".join(f"{r.name_en if lang == 'en' else r.name_zh}: {status_badge(r.status, lang)}" for r in with_data)
        out.append(figure_html(fig, alt))
    if qual:
        out.append(f"<h3>{esc(s_('qualitative', lang))}</h3><ul>")
        for r in qual:
            nm = r.name_en if lang == "en" else r.name_zh
            acc = esc(r.account) if r.account else f'<span class="muted">{esc(s_("no_account", lang))}</span>'
            out.append(f'<li id="ind-{esc(r.indicator_id)}"><b>{esc(r.item)} {esc(nm)}</b>：{acc}</li>')
        out.append("</ul>")
    out.append("</div>")
    return "".join(out)


def appendix_html(assessment: Assessment, stage: str, lang: str, params: dict) -> str:
    from .provenance import provenance_rows

    st = assessment.settings
    en = lang == "en"
    method = (
        "Each indicator's series is fitted with the candidate trend models (no trend, linear, log-linear, "
        "logit-linear for percentages, damped-trend exponential smoothing with 6+ consecutive years); the model "
        "with the lowest leave-one-out error is chosen, a more complex one only when it cuts the error by more than "
        f"{st['forecast']['tie_margin']:.0%}. The probability of attainment is the share of the predictive "
        "distribution for the target year that meets the target."
        if en else
        "对每个指标的时间序列拟合候选趋势模型（无趋势、线性、对数线性、百分比指标的 Logit 线性、6年及以上连续数据时的阻尼趋势指数平滑），"
        f"按留一交叉验证误差选择模型；较复杂的模型仅当误差降低超过 {st['forecast']['tie_margin']:.0%} 时才被采用。"
        "达标概率为目标年预测分布中满足目标的比例。"
    )
    thr = st["status"]
    thresholds = [
        ("on_track", f"p_attain ≥ {thr['on_track_min_p']}"),
        ("at_risk", f"{thr['off_track_max_p']} ≤ p_attain < {thr['on_track_min_p']}"),
        ("off_track", f"p_attain < {thr['off_track_max_p']}"),
        ("insufficient_data", f"< {thr['min_observations']} obs." if en else f"观测少于 {thr['min_observations']} 个或规划期内无数据"),
    ]
    thr_rows = "".join(f"<tr><td>{esc(status_badge(k, lang))}</td><td>{esc(v)}</td></tr>" for k, v in thresholds)
    # data sources per indicator
    obs = assessment.observations
    src_rows = []
    if obs is not None and len(obs):
        for ind, g in obs.groupby("indicator_id", sort=True):
            sources = "; ".join(sorted(set(g["source"].astype(str))))
            src_rows.append(f"<tr><td>{esc(ind)}</td><td>{esc(', '.join(map(str, sorted(g['year'].unique()))))}</td>"
                            f"<td>{esc(sources)}</td></tr>")
    audit_rows = "".join(
        f"<tr><td>{esc(t.item)}</td><td>{esc(t.indicator_id)}</td><td>{esc(t.source_text)}</td>"
        f"<td>{esc(t.target_type)} {esc('' if t.target_value is None else f'{t.target_value:g}')} {esc(t.unit)}"
        f"{esc('' if t.baseline_year is None else f'; baseline {t.baseline_year}')}"
        f"{esc('' if t.baseline_value is None else f'={t.baseline_value:g}')}</td></tr>"
        for t in assessment.plan.targets
    )
    prov = "".join(f"<tr><td>{esc(k)}</td><td>{esc(v)}</td></tr>" for k, v in provenance_rows(assessment, params))
    return (
        f'<div class="pe"><h2 id="appendix">{esc(s_("appendix", lang))}</h2>'
        f'<h3 id="method">{esc(s_("method", lang))}</h3><p>{esc(method)}</p>'
        f"<table><tbody>{thr_rows}</tbody></table>"
        f'<h3 id="sources">{esc(s_("sources", lang))}</h3><table><thead><tr><th>indicator_id</th>'
        f"<th>{'Years' if en else '年份'}</th><th>{'Source' if en else '来源'}</th></tr></thead><tbody>{''.join(src_rows)}</tbody></table>"
        f'<h3 id="audit">{esc(s_("audit", lang))}</h3><table><thead><tr><th>{"Item" if en else "条目"}</th><th>indicator_id</th>'
        f"<th>{'Plan text' if en else '规划原文'}</th><th>{'Encoding' if en else '编码'}</th></tr></thead><tbody>{audit_rows}</tbody></table>"
        f'<h3 id="provenance">{esc(s_("provenance", lang))}</h3><table><tbody>{prov}</tbody></table></div>'
    )
