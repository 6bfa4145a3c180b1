"""HTML sections of the evaluation reports, called from ``notebooks/evaluation.ipynb``.

One :class:`Report` per notebook run holds the assessment and the parameters; each method
returns one self-contained HTML fragment (cover, contents, summary, one section per domain,
gender section, appendix). Stages: ``annual`` (年度监测报告: the data year's values against the
previous year and the target), ``midterm`` (中期评估报告, with the mid-term path position) and
``final`` (终期评估报告; a forecast from data through year N while the target year's data are
missing).

Escaping: every string that comes from a data file (names, notes, accounts, sources) goes
through :func:`esc` (``html.escape``) before it enters a fragment; the small builders below
(:func:`tag`, :func:`cell`, :func:`table`) take content that is already HTML and always escape
attribute values. Wording lives in ``labels.yaml``; numbers are formatted by :func:`fmt_num`
with the decimals the indicator's data carry (:func:`decimals_for`).
"""

from __future__ import annotations

import html
import math
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from planeval.assessment.assess import STATUSES, Assessment, IndicatorAssessment
from planeval.core.labels import geography_name, label, status_badge, text

NUMERIC_SENSES = (">=", "<=", "band")


# --------------------------------------------------------------------------- HTML builders
def esc(value) -> str:
    """Escape any value for HTML text or a quoted attribute (None → empty)."""
    return html.escape("" if value is None else str(value), quote=True)


def tag(name: str, content: str = "", **attrs) -> str:
    """``<name attrs>content</name>``; ``content`` is HTML, attribute values are escaped.

    ``cls`` stands for ``class``; underscores become hyphens (``data_col`` → ``data-col``);
    attributes that are None or empty are left out.
    """
    parts = []
    for key, value in attrs.items():
        if value is None or value == "":
            continue
        key = "class" if key == "cls" else key.replace("_", "-")
        parts.append(f' {key}="{esc(value)}"')
    return f"<{name}{''.join(parts)}>{content}</{name}>"


def cell(content: str, cls: str = "", col: str = "", **attrs) -> str:
    """A ``<td>`` with HTML ``content``, CSS class and ``data-col`` name."""
    return tag("td", content, cls=cls, data_col=col, **attrs)


def table(head: list[tuple[str, str]], rows: list[str], cls: str = "") -> str:
    """A table from ``(css class, header text)`` pairs (text escaped here) and ready rows."""
    ths = "".join(tag("th", esc(h), cls=c) for c, h in head)
    return tag("table", tag("thead", tag("tr", ths)) + tag("tbody", "".join(rows)), cls=cls)


def badge(status: str, lang: str) -> str:
    """Status as icon + text in a tinted box (never colour alone)."""
    return tag("span", esc(status_badge(status, lang)), cls=f"badge st-{status}")


def sub(content: str) -> str:
    """A second, smaller line inside a table cell (content already escaped)."""
    return tag("span", content, cls="sub") if content else ""


# --------------------------------------------------------------------------- formatting
def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def decimals_for(unit: str, values) -> int:
    """Decimals to show for one indicator: as many as its data carry, at most 2; at least 1
    for rates (%, ‰, 1/10万) and ages. ``[95, 95.25]`` → 2; ``[3, 4]`` with unit ‰ → 1."""
    best = 0
    for v in values:
        if _missing(v):
            continue
        s = f"{float(v):.6f}".rstrip("0").rstrip(".")
        if "." in s:
            best = max(best, len(s.split(".")[1]))
    best = min(best, 2)
    if unit in ("%", "‰", "1/10万", "岁") and best == 0:
        best = 1
    return best


def fmt_num(value, decimals: int = 1, signed: bool = False) -> str:
    """A number with ``decimals`` decimals and thousands separators (``—`` when missing);
    ``signed`` adds ``+`` to positive values. The minus sign is ASCII ``-``; no ``-0.0``."""
    if _missing(value):
        return "—"
    value = float(value)
    if round(value, decimals) == 0:
        value = 0.0
    return f"{value:{'+' if signed else ''},.{decimals}f}"


def unit_name(unit: str, lang: str = "zh") -> str:
    """The unit as written in a table's unit column (``小时`` → ``hours`` in English)."""
    return label("unit", unit, lang) if unit else ""


def unit_text(unit: str, lang: str = "zh") -> str:
    """How a unit is written after a number: ``%``, ``‰``, ``/10万`` (`` per 100,000``),
    ``小时`` (`` hours``)."""
    if unit == "1/10万":
        return " per 100,000" if lang == "en" else "/10万"
    if unit in ("%", "‰", ""):
        return unit
    return " " + unit_name(unit, lang) if lang == "en" else unit


def fmt_value(value, unit: str = "", decimals: int = 1, lang: str = "zh") -> str:
    """A number with its unit: ``95.2%``, ``5.1‰``, ``16.1/10万``, ``2.0小时``; ``—`` if none."""
    if _missing(value):
        return "—"
    return fmt_num(value, decimals) + unit_text(unit, lang)


def fmt_p(p) -> str:
    """Probability of attainment with 2 decimals (``0.95``); ``—`` when there is none."""
    return "—" if _missing(p) else f"{float(p):.2f}"


def g(r: IndicatorAssessment, name: str, default=None):
    """A field of ``r`` read defensively (the assessment is being extended in parallel)."""
    return getattr(r, name, default)


def row_decimals(r: IndicatorAssessment) -> int:
    """Decimals used for every number of one indicator's row."""
    return decimals_for(r.unit, list(r.values) + [r.target_value, r.baseline_value])


def observed(r: IndicatorAssessment) -> dict[int, float]:
    """``{year: value}`` of the observations used for ``r``."""
    return {int(y): float(v) for y, v in zip(r.years, r.values, strict=True)}


def value_in(r: IndicatorAssessment, year: int) -> float | None:
    """The observed value of ``r`` in ``year`` (None when not observed)."""
    return observed(r).get(year)


def name_of(r, lang: str) -> str:
    return r.name_en if lang == "en" else r.name_zh


def path_of(r: IndicatorAssessment) -> tuple[str | None, float | None]:
    """Mid-term path position (``ahead``/``behind``) and the path value in the latest year;
    ``(None, None)`` when there is none or the latest value is the baseline itself (a position
    needs at least one observation after the base year)."""
    pos, value = g(r, "path_position"), g(r, "path_value")
    base = r.baseline_year
    if not pos or r.latest_year is None or (base is not None and r.latest_year <= base):
        return None, None
    return pos, value


def target_text(
    r: IndicatorAssessment, lang: str = "zh", with_unit: bool = False, base_year: int | None = None
) -> str:
    """The target in words: ``≥ 90.0``, ``≤ 6.0``, ``每年 ≥ 99.0``, ``约 45.0 ± 2.0``,
    ``较2020年 -20% (≤ 4.1)``, or the wording of a target without a number (``提高``)."""
    d = row_decimals(r)
    u = unit_text(r.unit, lang) if with_unit else ""
    tt = r.target_type
    v = fmt_num(r.target_value, d) + u if not _missing(r.target_value) else ""
    if tt in ("at_least", "count_at_least"):
        return f"≥ {v}"
    if tt == "at_most":
        return f"≤ {v}"
    if tt == "maintain_at_least":
        return f"{text('every_year', lang)} ≥ {v}"
    if tt == "maintain_at_most":
        return f"{text('every_year', lang)} ≤ {v}"
    if tt == "about":
        tol = (r.band_high - r.band_low) / 2 if not _missing(r.band_high) else None
        return f"{text('about', lang)} {v}" + (f" ± {fmt_num(tol, d)}" if tol is not None else "")
    if tt == "relative_change":
        year = base_year or r.baseline_year
        out = f"{text('vs_base', lang, year=year) if year else ''} {r.target_value:+g}%".strip()
        if not _missing(r.target_level):
            sign = "≤" if (r.target_value or 0) < 0 else "≥"
            out += f" ({sign} {fmt_num(r.target_level, d)}{u})"
        return out
    if tt == "direction":
        return label("direction", r.direction, lang)
    return label("target_type", tt, lang)


def gap_to_target(r: IndicatorAssessment) -> float | None:
    """How far the latest value is from meeting a numeric target (0 when met), in the unit.

    ``≥ L``: ``max(L − latest, 0)``; ``≤ L``: ``max(latest − L, 0)``; band: the distance to the
    nearest edge. None without a numeric target or a latest value.
    """
    x = r.latest_value
    if _missing(x) or r.target_sense not in NUMERIC_SENSES:
        return None
    if r.target_sense == ">=":
        return max(r.target_level - x, 0.0)
    if r.target_sense == "<=":
        return max(x - r.target_level, 0.0)
    return max(r.band_low - x, x - r.band_high, 0.0)


def change_word(r: IndicatorAssessment, before, after, decimals: int) -> str | None:
    """``better`` / ``worse`` / ``same`` for a move from ``before`` to ``after`` given the
    indicator's direction (``about`` targets: closer to the target value is better); None when
    the direction is unknown. Equal at the shown decimals counts as ``same``."""
    if _missing(before) or _missing(after):
        return None
    a, b = round(float(before), decimals), round(float(after), decimals)
    if a == b:
        return "same"
    if r.direction == "increase":
        return "better" if b > a else "worse"
    if r.direction == "decrease":
        return "better" if b < a else "worse"
    if r.target_type == "about" and not _missing(r.target_value):
        return "better" if abs(b - r.target_value) < abs(a - r.target_value) else "worse"
    return None


def years_text(years) -> str:
    """``2015–2019, 2021, 2023`` for a list of years (runs joined with an en dash)."""
    runs: list[list[int]] = []
    for y in sorted({int(y) for y in years}):
        if runs and y == runs[-1][1] + 1:
            runs[-1][1] = y
        else:
            runs.append([y, y])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in runs)


# --------------------------------------------------------------------------- reference geography
def default_reference(geography: str, reference_geography: str | None) -> str:
    """The reference geography to draw beside the report's: the given one, else ``china``
    for any geography other than ``china`` (and none for ``china`` itself). The string
    ``"None"`` (papermill's ``-p reference_geography None``) counts as not given."""
    if reference_geography in ("None", "none"):
        reference_geography = None
    if reference_geography is not None:
        return "" if reference_geography == geography else reference_geography
    return "" if geography == "china" else "china"


def load_reference(reference_geography: str, year: int, data_dir) -> pd.DataFrame | None:
    """Observations of the reference geography up to ``year``, or None when it is not given
    or its folder holds no year file (the reference is then silently absent).

    Raises ``InputError`` when the folder exists but its files are invalid.
    """
    from planeval.intake.observations import load_geography, observation_files

    if not reference_geography or not observation_files(data_dir, reference_geography):
        return None
    return load_geography(data_dir, reference_geography, up_to_year=year)


def load_revisions(geography: str, year: int, data_dir) -> pd.DataFrame:
    """Revision history of a geography's values up to ``year`` (see
    :func:`planeval.intake.observations.revision_history`); empty when nothing was revised."""
    from planeval.intake.observations import revision_history
    from planeval.plans.catalogue import known_units

    return revision_history(data_dir, geography, units=known_units(data_dir), up_to_year=year)


def series_of(obs: pd.DataFrame | None, indicator_id: str, sex: str = "total") -> pd.Series:
    """Values of one indicator and sex indexed by year (empty without data)."""
    from planeval.intake.observations import series_for

    if obs is None or not len(obs):
        return pd.Series(dtype=float)
    return series_for(obs, indicator_id, sex)


# --------------------------------------------------------------------------- the report
@dataclass
class Report:
    """One evaluation report: the assessment, the stage and the presentation parameters.

    ``reference``: observations of another geography (:func:`load_reference`) drawn beside the
    report's own values, named ``reference_geography``. ``params``: the notebook's parameters,
    printed in the provenance table. ``revisions``: every vintage of revised values
    (:func:`load_revisions`), listed in the appendix.
    """

    assessment: Assessment
    stage: str = "midterm"
    lang: str = "zh"
    produced: str = ""
    params: dict = field(default_factory=dict)
    reference: pd.DataFrame | None = None
    reference_geography: str = ""
    revisions: pd.DataFrame | None = None

    # ---- basics
    @property
    def plan(self):
        return self.assessment.plan

    @property
    def en(self) -> bool:
        return self.lang == "en"

    @property
    def year(self) -> int:
        return int(self.assessment.data_year)

    @property
    def target_year(self) -> int:
        return int(self.plan.period_end)

    @property
    def annual(self) -> bool:
        return self.stage == "annual"

    @property
    def seed(self) -> int | None:
        return self.assessment.settings.get("forecast", {}).get("seed")

    def t(self, key: str, **values) -> str:
        return text(key, self.lang, **values)

    def geo(self, geography: str) -> str:
        return geography_name(geography, self.lang)

    def geo_with_code(self, geography: str) -> str:
        """``全国 [china]``: the readable name and the data folder (the name alone when equal)."""
        name = self.geo(geography)
        return name if name == geography else f"{name} [{geography}]"

    def badge(self, status: str) -> str:
        return badge(status, self.lang)

    @property
    def statistical(self) -> list[IndicatorAssessment]:
        return [r for r in self.assessment.results if r.target_type != "not_statistical"]

    @property
    def domains(self) -> list[str]:
        """Chinese names of the plan's domains, in plan order (the keys of the sections)."""
        return [d["zh"] for d in self.plan.domains]

    def domain_anchor(self, domain_zh: str) -> str:
        return f"domain-{self.domains.index(domain_zh) + 1}"

    def base_year(self, r: IndicatorAssessment) -> int | None:
        """The plan's base year of a target (for relative targets), else the baseline's."""
        try:
            year = self.plan.target(r.indicator_id).baseline_year
        except KeyError:
            year = None
        return year or r.baseline_year

    def target_text(self, r: IndicatorAssessment, with_unit: bool = False) -> str:
        return target_text(r, self.lang, with_unit, self.base_year(r))

    def label_of(self, r: IndicatorAssessment) -> str:
        """``T3 新生儿死亡率``: the plan item and the indicator's name (plain text)."""
        return f"{r.item} {name_of(r, self.lang)}"

    def link_to(self, r: IndicatorAssessment) -> str:
        return tag("a", esc(self.label_of(r)), href=f"#ind-{r.indicator_id}")

    def value_with_unit(self, r: IndicatorAssessment, value) -> str:
        return fmt_value(value, r.unit, row_decimals(r), self.lang)

    @cached_property
    def reference_series(self) -> dict[str, pd.Series]:
        if self.reference is None:
            return {}
        out = {}
        for r in self.assessment.results:
            s = series_of(self.reference, r.indicator_id)
            if len(s):
                out[r.indicator_id] = s
        return out

    @property
    def reference_name(self) -> str:
        return self.geo(self.reference_geography) if self.reference_series else ""

    @property
    def table_years(self) -> list[int]:
        """Year columns of the domain tables: the year before the plan period to the data year."""
        return list(range(self.plan.period_start - 1, self.year + 1))

    # ---- cover
    def title(self) -> str:
        """Page title: plan, stage, data geography and year (``… · 中期评估报告 · 全国 2023``)."""
        stage = label("stage", self.stage, self.lang)
        geo = self.geo(self.assessment.geography)
        return f"{self.plan.title(self.lang)} · {stage} · {geo} {self.year}"

    def notices(self) -> list[str]:
        """Sentences a reader must see first: forecast (final stage before the target year's
        data), scope of an annual report, data of another geography than the plan's."""
        out = []
        if self.stage == "final":
            # only indicators judged on a forecast are called forecasts; those with status
            # 数据不足 are counted apart (the same count as the summary), so the note never
            # promises a projection that is not there
            latest = [r.latest_year for r in self.statistical if r.latest_year]
            observed = [r for r in self.statistical if (r.latest_year or 0) >= self.target_year]
            forecast = [
                r
                for r in self.statistical
                if (r.latest_year or 0) < self.target_year
                and not _missing(r.forecast)
                and r.status != "insufficient_data"
            ]
            short = sum(r.status == "insufficient_data" for r in self.statistical)
            if forecast and observed:
                out.append(
                    self.t(
                        "forecast_notice_partial",
                        year=self.year,
                        target=self.target_year,
                        n=len(forecast),
                    )
                )
            elif forecast:
                through = min(self.year, max(latest)) if latest else self.year
                out.append(self.t("forecast_notice", year=through, target=self.target_year))
            if short:
                out.append(self.t("insufficient_notice", n=short, target=self.target_year))
        if self.annual:
            out.append(self.t("annual_notice", year=self.year, prev=self.year - 1))
        if self.assessment.geography != self.plan.geography:
            geo = self.geo(self.assessment.geography)
            out.append(self.t("other_geo_notice", geo=geo, region=self.plan.region(self.lang)))
        return out

    def cover(self) -> str:
        """Title block: plan, region, data geography, stage, period, data cut-off, date
        produced, and the notices."""
        plan, geo = self.plan, self.assessment.geography
        rows = [
            (self.t("cover_plan"), plan.title(self.lang)),
            (self.t("cover_region"), plan.region(self.lang)),
            (self.t("cover_geo"), self.geo_with_code(geo)),
            (self.t("cover_stage"), label("stage", self.stage, self.lang)),
            (self.t("cover_period"), f"{plan.period_start}—{plan.period_end}"),
            (self.t("cover_cutoff"), self.t("cover_cutoff_v", year=self.year)),
            (self.t("cover_produced"), self.produced),
        ]
        if self.reference_series:
            ref = self.geo_with_code(self.reference_geography)
            rows.insert(3, (self.t("cover_reference"), ref))
        dl = "".join(tag("dt", esc(k)) + tag("dd", esc(v)) for k, v in rows)
        notes = "".join(tag("p", esc(n), cls="notice") for n in self.notices())
        head = (
            tag("p", esc(plan.region(self.lang)), cls="kicker")
            + tag("h1", esc(plan.title(self.lang)), id="top")
            + tag("p", esc(label("stage", self.stage, self.lang)), cls="stage")
        )
        block = tag("header", head + tag("dl", dl, cls="cover") + notes, cls="cover-block")
        return tag("div", block, cls="pe")

    # ---- contents
    def toc(self) -> str:
        """Table of contents; every link points at an element id of this report."""
        t = self.t

        def li(anchor, title, children=()):
            subs = "".join(tag("li", tag("a", esc(x), href=f"#{a}")) for a, x in children)
            return tag(
                "li", tag("a", esc(title), href=f"#{anchor}") + (tag("ol", subs) if subs else "")
            )

        items = [
            li(
                "summary",
                t("summary"),
                [("counts", t("counts")), ("warnings", t("warnings")), ("achieved", t("achieved"))],
            )
        ]
        for i, d in enumerate(self.domains, start=1):
            name = self.plan.domain_name(d, self.lang)
            items.append(li(self.domain_anchor(d), t("domain", n=i, name=name)))
        items.append(li("gender", t("gender")))
        parts = ("method", "agency", "data", "sources", "revisions", "audit", "provenance")
        items.append(li("appendix", t("appendix"), [(k, t(k)) for k in parts]))
        nav = tag("h2", esc(t("toc")), id="toc") + tag("ol", "".join(items))
        return tag("div", tag("nav", nav, cls="toc"), cls="pe")

    # ---- summary
    def status_counts(self) -> pd.DataFrame:
        """Counts of targets by domain (rows, plan order) and status (columns, :data:`STATUSES`)."""
        counts = Counter((r.domain, r.status) for r in self.assessment.results)
        data = {
            label("status", s, self.lang): [counts.get((d, s), 0) for d in self.domains]
            for s in STATUSES
        }
        index = [self.plan.domain_name(d, self.lang) for d in self.domains]
        return pd.DataFrame(data, index=index)

    def warning_reason(self, r: IndicatorAssessment) -> str:
        """One line: why the indicator is flagged (plain text, escaped by the caller)."""
        parts = [label("warning", w, self.lang) for w in (g(r, "warning_reasons") or [])]
        target = self.target_text(r, with_unit=True)
        if self.annual or r.forecast is None:
            if r.latest_value is not None:
                value = self.value_with_unit(r, r.latest_value)
                parts.append(
                    self.t("reason_latest", value=value, year=r.latest_year, target=target)
                )
        else:
            forecast = self.value_with_unit(r, r.forecast)
            year = r.forecast_year or r.target_year
            p = fmt_p(r.p_attain)
            parts.append(
                self.t("reason_forecast", year=year, forecast=forecast, target=target, p=p)
            )
        return ("; " if self.en else "；").join(parts)

    def summary(self) -> str:
        """Totals by status, the stage's sentence, heatmap by domain and status, early warnings
        with one line of reason each, and the indicators already achieved."""
        from planeval.reporting.charts import figure_html, status_heatmap

        res = self.assessment.results
        total = Counter(r.status for r in res)
        badges = " · ".join(
            self.badge(s) + " " + tag("b", str(total.get(s, 0)), data_status=s) for s in STATUSES
        )
        out = [
            tag("h2", esc(self.t("summary")), id="summary"),
            tag("p", esc(self.t("total_line", n=len(res))) + badges, cls="totals"),
        ]
        if self.stage == "midterm":
            pos = [path_of(r)[0] for r in res if path_of(r)[0]]
            ahead = pos.count("ahead")
            line = self.t("path_line", n=len(pos), ahead=ahead, behind=len(pos) - ahead)
            out.append(tag("p", esc(line)))
        if self.annual:
            out.append(tag("p", esc(self.annual_sentence())))
        counts = self.status_counts()
        alt = "; ".join(
            f"{dom}: " + ", ".join(f"{col} {int(n)}" for col, n in row.items() if n)
            for dom, row in counts.iterrows()
        )
        out.append(tag("h3", esc(self.t("counts")), id="counts"))
        fig = status_heatmap(counts)
        if fig is not None:
            out.append(figure_html(fig, alt, css_class="heatmap", dpi=110))
        none = tag("li", esc(self.t("none_listed")))
        warn = [r for r in res if g(r, "early_warning")]
        items = "".join(
            tag(
                "li",
                self.link_to(r)
                + " "
                + self.badge(r.status)
                + "<br>"
                + tag("span", esc(self.warning_reason(r)), cls="reason"),
            )
            for r in warn
        )
        out.append(tag("h3", esc(f"{self.t('warnings')} ({len(warn)})"), id="warnings"))
        out.append(tag("ul", items or none, cls="warnings"))
        ach = [r for r in res if r.status == "achieved"]
        items = "".join(tag("li", self.link_to(r) + " " + esc(self.achieved_value(r))) for r in ach)
        out.append(tag("h3", esc(f"{self.t('achieved')} ({len(ach)})"), id="achieved"))
        out.append(tag("ul", items or none, cls="achieved"))
        return tag("div", "".join(out), cls="pe")

    def achieved_value(self, r: IndicatorAssessment) -> str:
        if r.latest_value is None:
            return ""
        value = self.value_with_unit(r, r.latest_value)
        return self.t("achieved_item", value=value, year=r.latest_year)

    def annual_moves(self) -> Counter:
        """Counts of ``better``/``worse``/``same`` (and None: no direction) for indicators with
        values in the data year and the year before."""
        moves: Counter = Counter()
        for r in self.statistical:
            now, before = value_in(r, self.year), value_in(r, self.year - 1)
            if now is not None and before is not None:
                moves[change_word(r, before, now, row_decimals(r))] += 1
        return moves

    def annual_sentence(self) -> str:
        n = sum(1 for r in self.statistical if value_in(r, self.year) is not None)
        m = self.annual_moves()
        return self.t(
            "annual_line",
            year=self.year,
            n=n,
            total=len(self.statistical),
            better=m["better"],
            same=m["same"],
            worse=m["worse"],
        )

    # ---- domain sections
    def domain_section(self, domain_zh: str) -> str:
        """Heading, counts, the indicator table, one chart per indicator with data, and the
        qualitative targets with the department's written account."""
        results = [r for r in self.assessment.results if r.domain == domain_zh]
        stat = [r for r in results if r.target_type != "not_statistical"]
        qual = [r for r in results if r.target_type == "not_statistical"]
        n = self.domains.index(domain_zh) + 1
        name = self.plan.domain_name(domain_zh, self.lang)
        anchor = self.domain_anchor(domain_zh)
        intro = self.t("domain_intro", n=len(results), stat=len(stat), qual=len(qual))
        out = [tag("h2", esc(self.t("domain", n=n, name=name)), id=anchor), tag("p", esc(intro))]
        if stat:
            out.append(self.annual_table(stat) if self.annual else self.indicator_table(stat))
            out.append(tag("h3", esc(self.t("charts")), id=f"{anchor}-charts"))
            with_data = [r for r in stat if r.years]
            if with_data:
                out.append(self.charts(with_data))
            else:
                out.append(tag("p", esc(self.t("no_charts")), cls="muted"))
        if qual:
            out.append(tag("h3", esc(self.t("qualitative")), id=f"{anchor}-qual"))
            out.append(tag("ul", "".join(self.account_item(r) for r in qual), cls="accounts"))
        return tag("div", "".join(out), cls="pe")

    def account_item(self, r: IndicatorAssessment) -> str:
        """A qualitative target with the department's written account (escaped, line breaks
        kept by CSS), or a note that none was submitted."""
        acc = g(r, "account") or ""
        body = (
            tag("div", esc(acc), cls="account")
            if acc
            else tag("div", esc(self.t("no_account")), cls="account muted")
        )
        head = tag("b", esc(self.label_of(r))) + " " + self.badge(r.status)
        return tag("li", head + body, id=f"ind-{r.indicator_id}")

    def _status_cell(self, r: IndicatorAssessment) -> str:
        warn = ""
        if g(r, "early_warning"):
            warn = tag("span", esc("⚠ " + self.t("early_warning")), cls="warn")
        return cell(self.badge(r.status) + warn, col="status")

    def _name_cell(self, r: IndicatorAssessment) -> str:
        name = esc(name_of(r, self.lang))
        if r.years:
            name = tag("a", name, href=f"#fig-{r.indicator_id}", title=self.t("chart_link"))
        return cell(name, cls="c-name", id=f"ind-{r.indicator_id}")

    def _lead_cells(self, r: IndicatorAssessment) -> list[str]:
        return [
            cell(esc(r.item), cls="c-item"),
            self._name_cell(r),
            cell(esc(unit_name(r.unit, self.lang)), cls="c-unit"),
            cell(esc(self.target_text(r)), cls="c-target", col="target"),
        ]

    def _reference_cell(self, r: IndicatorAssessment, d: int) -> str:
        if not self.reference_series:
            return ""
        s = self.reference_series.get(r.indicator_id)
        if s is None or not len(s):
            return cell("—", cls="num", col="reference")
        y = int(s.index.max())
        return cell(esc(fmt_num(s.loc[y], d)) + sub(esc(str(y))), cls="num", col="reference")

    def _change_cell(self, r: IndicatorAssessment) -> str:
        return cell(esc(label("change", r.change, self.lang) or "—"), cls="c-change", col="change")

    def indicator_table(self, results: list[IndicatorAssessment]) -> str:
        """Mid-term / final table: item, indicator, unit, target, baseline, each year's value of
        the plan period, latest, forecast with 95 % interval, probability of attainment,
        (mid-term) path position, status with icon and text, change."""
        years = self.table_years
        midterm = self.stage == "midterm"
        t = self.t
        head = [
            ("c-item", t("col_item")),
            ("c-name", t("col_indicator")),
            ("c-unit", t("col_unit")),
            ("c-target", t("col_target")),
            ("c-num", t("col_baseline")),
        ]
        head += [("c-year", str(y)) for y in years]
        head += [("c-num", t("col_latest"))]
        if self.reference_series:
            head.append(("c-num", t("col_reference", geo=self.reference_name)))
        head += [("c-num", t("col_forecast", year=self.target_year)), ("c-num", t("col_p"))]
        if midterm:
            head.append(("c-path", t("col_path")))
        head += [("c-status", t("col_status")), ("c-change", t("col_change"))]
        rows = []
        for r in results:
            d = row_decimals(r)
            obs = observed(r)
            num = lambda v, *extra, d=d: esc(fmt_num(v, d)) + "".join(extra)  # noqa: E731
            base = "—"
            if r.baseline_value is not None:
                base = num(r.baseline_value, sub(esc(str(r.baseline_year or ""))))
            cells = self._lead_cells(r) + [cell(base, cls="num", col="baseline")]
            cells += [cell(num(obs[y]) if y in obs else "", cls="num", col=f"y{y}") for y in years]
            latest = "—"
            if r.latest_value is not None:
                latest = num(r.latest_value, sub(esc(str(r.latest_year))))
            cells.append(cell(latest, cls="num", col="latest"))
            cells.append(self._reference_cell(r, d))
            fc = "—"
            if r.forecast is not None:
                pi = "" if r.pi_low is None else f"{fmt_num(r.pi_low, d)}–{fmt_num(r.pi_high, d)}"
                fc = num(r.forecast, sub(esc(pi)))
            cells.append(cell(fc, cls="num", col="forecast"))
            cells.append(cell(esc(fmt_p(r.p_attain)), cls="num", col="p_attain"))
            if midterm:
                cells.append(self._path_cell(r, d))
            cells += [self._status_cell(r), self._change_cell(r)]
            rows.append(tag("tr", "".join(cells), data_indicator=r.indicator_id))
        first = years[0] if years else self.plan.period_start - 1  # no IndexError on []
        note = tag("p", esc(self.t("table_note", first=first)), cls="note")
        return table(head, rows, cls=f"indicators stage-{self.stage}") + note

    def _path_cell(self, r: IndicatorAssessment, d: int) -> str:
        pos, value = path_of(r)
        if not pos:
            return cell("—", cls="c-path", col="path")
        arrow = "▲" if pos == "ahead" else "▼"
        word = tag("span", esc(f"{arrow} {label('path', pos, self.lang)}"), cls=f"path-{pos}")
        # the second line is labelled: the value of the straight path from baseline to target
        # in the latest data year, which the latest value is ahead of or behind
        path_value = f"{self.t('path_value')} {fmt_num(value, d)}"
        return cell(word + sub(esc(path_value)), cls="c-path", col="path")

    def annual_table(self, results: list[IndicatorAssessment]) -> str:
        """Annual monitoring table: target, previous year's value, this year's value, change
        against last year (better/worse by the indicator's direction), gap to target, status."""
        y, p = self.year, self.year - 1
        t = self.t
        head = [
            ("c-item", t("col_item")),
            ("c-name", t("col_indicator")),
            ("c-unit", t("col_unit")),
            ("c-target", t("col_target")),
            ("c-num", t("col_prev", year=p)),
            ("c-num", t("col_this", year=y)),
            ("c-num", t("col_delta")),
        ]
        if self.reference_series:
            head.append(("c-num", t("col_reference", geo=self.reference_name)))
        head += [
            ("c-num", t("col_gap")),
            ("c-status", t("col_status")),
            ("c-change", t("col_change")),
        ]
        rows = []
        for r in results:
            d = row_decimals(r)
            now, before = value_in(r, y), value_in(r, p)
            now_cell = esc(fmt_num(now, d))
            if now is None and r.latest_value is not None:
                latest = f"{t('col_latest')} {fmt_num(r.latest_value, d)} ({r.latest_year})"
                now_cell = "—" + sub(esc(latest))
            delta = "—"
            if now is not None and before is not None:
                delta = esc(fmt_num(now - before, d, signed=True))
                word = change_word(r, before, now, d)
                if word:
                    delta += sub(tag("span", esc(t("delta_" + word)), cls=f"d-{word}"))
            cells = self._lead_cells(r) + [
                cell(esc(fmt_num(before, d)), cls="num", col=f"y{p}"),
                cell(now_cell, cls="num", col=f"y{y}"),
                cell(delta, cls="num", col="delta"),
                self._reference_cell(r, d),
                cell(self._gap_html(r, d), cls="num", col="gap"),
                self._status_cell(r),
                self._change_cell(r),
            ]
            rows.append(tag("tr", "".join(cells), data_indicator=r.indicator_id))
        note = tag("p", esc(t("annual_table_note", year=y, prev=p)), cls="note")
        return table(head, rows, cls="indicators stage-annual") + note

    def _gap_html(self, r: IndicatorAssessment, d: int) -> str:
        """Gap of the latest value to the target; only for a value of the plan period (a 2016
        value meeting a 2025 target says nothing about the plan)."""
        gap = gap_to_target(r)
        if gap is None or (r.latest_year or 0) < self.plan.period_start:
            return "—"
        if r.meets(r.latest_value):
            out = esc(self.t("gap_met"))
        else:
            out = esc(self.t("gap_short", gap=fmt_num(gap, d)))
        if r.latest_year != self.year:
            out += sub(esc(str(r.latest_year)))
        return out

    def chart_alt(self, r: IndicatorAssessment) -> str:
        """Alt text of an indicator's chart: what it shows, in words and numbers."""
        d = row_decimals(r)
        en = self.en
        fv = lambda v: fmt_value(v, r.unit, d, self.lang)  # noqa: E731
        years = years_text(r.years)
        parts = [self.label_of(r), f"observed {years}" if en else f"观测年份 {years}"]
        if r.latest_value is not None:
            v, y = fv(r.latest_value), r.latest_year
            parts.append(f"latest {v} ({y})" if en else f"最新值 {v}（{y}年）")
        if r.forecast is not None and not self.annual:
            pi = "" if r.pi_low is None else f"{fmt_num(r.pi_low, d)}–{fmt_num(r.pi_high, d)}"
            v, y = fv(r.forecast), r.target_year
            parts.append(
                f"forecast {y}: {v} (95% PI {pi})" if en else f"{y}年预测 {v}（95%区间 {pi}）"
            )
        parts.append(f"{self.t('col_target')}: {self.target_text(r, with_unit=True)}")
        parts.append(f"{self.t('col_status')}: {label('status', r.status, self.lang)}")
        return ("; " if en else "；").join(parts)

    def charts(self, results: list[IndicatorAssessment]) -> str:
        """One small figure per indicator (observations, trend, fan, target, path, reference)
        in a grid, each with an id for links, a caption and alt text; one HTML legend."""
        from planeval.reporting.charts import figure_html, indicator_figure, legend_html

        trend = not self.annual
        ref_label = self.reference_name
        figs = []
        for r in results:
            fig = indicator_figure(
                r,
                lang=self.lang,
                reference=self.reference_series.get(r.indicator_id),
                reference_label=ref_label,
                trend=trend,
                seed=self.seed,
            )
            if fig is None:
                continue
            caption = tag("b", esc(self.label_of(r))) + " " + self.badge(r.status)
            figs.append(
                figure_html(
                    fig,
                    self.chart_alt(r),
                    caption_html=caption,
                    fig_id=f"fig-{r.indicator_id}",
                    css_class="panel",
                )
            )
        legend = legend_html(self.lang, trend=trend, reference_label=ref_label)
        return legend + tag("div", "".join(figs), cls="panels")

    # ---- gender
    def sex_frame(self, indicator_id: str) -> pd.DataFrame:
        """Female and male values of one indicator by year (index year; NaN where missing)."""
        obs = self.assessment.observations
        cols = {s: series_of(obs, indicator_id, s) for s in ("female", "male")}
        frame = pd.DataFrame({s: v for s, v in cols.items() if len(v)})
        return frame.sort_index() if len(frame) else frame

    def gender_section(self) -> str:
        """Female vs male values and the gap over time for every sex-disaggregated indicator
        with female and male data; says plainly when the data hold no values by sex."""
        t = self.t
        out = [tag("h2", esc(t("gender")), id="gender")]
        wanted = [r for r in self.statistical if g(r, "sex_disaggregated")]
        if not wanted:
            out.append(tag("p", esc(t("gender_no_targets"))))
            return tag("div", "".join(out), cls="pe")
        have, missing = [], []
        for r in wanted:
            frame = self.sex_frame(r.indicator_id)
            (have if {"female", "male"} <= set(frame.columns) else missing).append((r, frame))
        if not have:
            geo = self.geo(self.assessment.geography)
            out.append(tag("p", esc(t("gender_none", geo=geo, n=len(missing))), cls="notice"))
            out.append(self._name_list([r for r, _ in missing]))
            return tag("div", "".join(out), cls="pe")
        out.append(tag("p", esc(t("gender_intro", n=len(wanted)))))
        out += [self.sex_block(r, frame) for r, frame in have]
        if missing:
            out.append(tag("p", esc(t("gender_missing", n=len(missing))), cls="muted"))
            out.append(self._name_list([r for r, _ in missing]))
        return tag("div", "".join(out), cls="pe")

    def _name_list(self, results: list[IndicatorAssessment]) -> str:
        items = "".join(tag("li", esc(self.label_of(r))) for r in results)
        return tag("ul", items, cls="name-list")

    def sex_block(self, r: IndicatorAssessment, frame: pd.DataFrame) -> str:
        """Table of female, male and gap (female − male) by year, and the chart."""
        from planeval.reporting.charts import figure_html, sex_figure

        t = self.t
        d = decimals_for(r.unit, list(frame.to_numpy().ravel()))
        rows = []
        for y, row in frame.iterrows():
            f_, m_ = row.get("female"), row.get("male")
            cells = [
                cell(str(int(y))),
                cell(esc(fmt_num(f_, d)), cls="num", col="female"),
                cell(esc(fmt_num(m_, d)), cls="num", col="male"),
                cell(esc(fmt_num(f_ - m_, d, signed=True)), cls="num", col="gap"),
            ]
            rows.append(tag("tr", "".join(cells), data_year=int(y)))
        head = [
            ("", t("col_year")),
            ("", t("col_female")),
            ("", t("col_male")),
            ("", t("col_gap_fm")),
        ]
        alt = self.label_of(r)
        last = frame.dropna().tail(1)
        if len(last):
            y = int(last.index[0])
            f_, m_ = last["female"].iloc[0], last["male"].iloc[0]
            vals = (fmt_num(f_, d), fmt_num(m_, d), fmt_num(f_ - m_, d, True))
            alt += (
                "; {}: female {}, male {}, gap {}".format(y, *vals)
                if self.en
                else "；{}年 女 {}，男 {}，差值 {}".format(y, *vals)
            )
        fig = figure_html(sex_figure(frame, r.unit, self.lang), alt, css_class="sex-fig")
        title = tag(
            "h3",
            esc(self.label_of(r))
            + " "
            + tag("span", esc(f"({unit_name(r.unit, self.lang)})"), cls="muted"),
        )
        body = tag("div", table(head, rows, cls="sex-table") + fig, cls="sex-row")
        return tag("section", title + body, cls="sex", id=f"sex-{r.indicator_id}")

    # ---- appendix
    def appendix(self) -> str:
        """Method (models, thresholds), agency figures per indicator, observed values, data
        sources per indicator, catalogue audit, provenance."""
        parts = [
            tag("h2", esc(self.t("appendix")), id="appendix"),
            self._method(),
            self._agency(),
            self._data(),
            self._sources(),
            self._revisions(),
            self._audit(),
            self._provenance(),
        ]
        return tag("div", "".join(parts), cls="pe")

    def _method(self) -> str:
        st = self.assessment.settings
        thr = st["status"]
        t = self.t
        flagged = st.get("sensitivity", {}).get("flagged_years", [])
        from planeval.forecasting import MODEL_ORDER

        sep = ", " if self.en else "、"
        para = t(
            "method_text",
            models=sep.join(label("model", m, self.lang) for m in MODEL_ORDER),
            margin=f"{st['forecast']['tie_margin']:.0%}",
            alpha=st.get("change", {}).get("alpha", ""),
            flagged=", ".join(str(y) for y in flagged) or "—",
        )
        on, off = thr["on_track_min_p"], thr["off_track_max_p"]
        rules = [
            ("achieved", t("thr_achieved")),
            ("on_track", f"p_attain ≥ {on}"),
            ("at_risk", f"{off} ≤ p_attain < {on}"),
            ("off_track", f"p_attain < {off}"),
            ("insufficient_data", t("thr_insufficient", n=thr["min_observations"])),
            ("not_assessed", t("thr_qualitative")),
        ]
        rows = [tag("tr", cell(self.badge(k)) + cell(esc(v))) for k, v in rules]
        head = [("", t("col_status")), ("", t("col_value"))]
        return (
            tag("h3", esc(t("method")), id="method")
            + tag("p", esc(para))
            + tag("h4", esc(t("thresholds")))
            + table(head, rows, cls="plain narrow")
        )

    def _agency(self) -> str:
        t = self.t
        flagged = self.assessment.settings.get("sensitivity", {}).get("flagged_years", [])
        head = [
            ("", t("col_item")),
            ("c-name", t("col_indicator")),
            ("", t("col_model")),
            ("", t("col_n")),
            ("", t("col_eurostat")),
            ("", t("col_escap")),
            ("", t("col_aarr")),
            ("", t("col_sensitivity", year=flagged[0] if flagged else "")),
        ]
        rows = []
        for r in self.statistical:
            if not r.n_obs:
                continue
            euro = self._agency_pair(g(r, "eurostat_ratio"), "eurostat", g(r, "eurostat_category"))
            escap = self._agency_pair(g(r, "escap_index"), "escap", g(r, "escap_category"))
            ao, ar, uc = g(r, "aarr_observed"), g(r, "aarr_required"), g(r, "unicef_category")
            aarr = "—"
            if not (ao is None and ar is None and uc is None):
                aarr = (
                    f"{fmt_num(ao, 1)} / {fmt_num(ar, 1)} / {label('unicef', uc, self.lang) or '—'}"
                )
            sens = "—"
            if g(r, "sensitivity_year") is not None and g(r, "status_without_flagged"):
                sens = status_badge(g(r, "status_without_flagged"), self.lang)
                sens += " (≠)" if g(r, "sensitivity_changed") else ""
            model = label("model", r.model, self.lang) if r.model else "—"
            values = (r.item, name_of(r, self.lang), model, r.n_obs, euro, escap, aarr, sens)
            cells = "".join(cell(esc(v)) for v in values)
            rows.append(tag("tr", cells, data_indicator=r.indicator_id))
        return (
            tag("h3", esc(t("agency")), id="agency")
            + tag("p", esc(t("agency_text")))
            + table(head, rows, cls="plain agency")
        )

    def _agency_pair(self, number, group: str, category) -> str:
        """``0.77 / 适度进展``: an agency's figure and its class (either may be missing)."""
        parts = [fmt_num(number, 2)] if number is not None else []
        if category:
            parts.append(label(group, category, self.lang))
        return " / ".join(parts) or "—"

    def _data(self) -> str:
        t = self.t
        out = tag("h3", esc(t("data")), id="data")
        with_data = [r for r in self.assessment.results if r.years]
        if not with_data:
            return out + tag("p", esc(t("no_data")))
        years = sorted({int(y) for r in with_data for y in r.years})
        head = [("", t("col_item")), ("c-name", t("col_indicator")), ("", t("col_unit"))]
        head += [("c-year", str(y)) for y in years]
        rows = []
        for r in with_data:
            d, obs = row_decimals(r), observed(r)
            cells = [
                cell(esc(r.item)),
                cell(esc(name_of(r, self.lang)), cls="c-name"),
                cell(esc(unit_name(r.unit, self.lang))),
            ]
            cells += [
                cell(esc(fmt_num(obs[y], d)) if y in obs else "", cls="num", col=f"y{y}")
                for y in years
            ]
            rows.append(tag("tr", "".join(cells), data_indicator=r.indicator_id))
        note = t("data_note", geo=self.geo(self.assessment.geography), year=self.year)
        return out + tag("p", esc(note), cls="note") + table(head, rows, cls="plain data")

    def _sources(self) -> str:
        t = self.t
        out = tag("h3", esc(t("sources")), id="sources")
        obs = self.assessment.observations
        if obs is None or not len(obs):
            return out + tag("p", esc(t("no_data")))
        groups = dict(tuple(obs.groupby("indicator_id", sort=False)))
        rows = []
        for r in self.assessment.results:
            if r.indicator_id not in groups:
                continue
            by_source = groups[r.indicator_id].groupby("source", sort=False)
            n = by_source.ngroups
            for i, (source, sg) in enumerate(by_source):
                pairs = zip(sg["year"], sg["note"].fillna(""), strict=True)
                notes = "; ".join(f"{int(y)}: {nt}" for y, nt in pairs if nt)
                sexes = sorted(set(sg["sex"]) - {"total"})
                sex_note = ", ".join(label("sex", s, self.lang) for s in sexes)
                when = years_text(sg["year"]) + (f" ({sex_note})" if sex_note else "")
                lead = ""
                if i == 0:
                    name = esc(name_of(r, self.lang)) + sub(esc(r.indicator_id))
                    lead = cell(esc(r.item), rowspan=n) + cell(name, cls="c-name", rowspan=n)
                rows.append(tag("tr", lead + cell(esc(when)) + cell(esc(source) + sub(esc(notes)))))
        head = [
            ("", t("col_item")),
            ("c-name", t("col_indicator")),
            ("", t("col_years")),
            ("", t("col_source")),
        ]
        return out + table(head, rows, cls="plain sources")

    def _revisions(self) -> str:
        """Every vintage of each revised value: reports use the latest, the rest stay visible."""
        t = self.t
        out = tag("h3", esc(t("revisions")), id="revisions")
        rev = self.revisions
        if rev is None or not len(rev):
            return out + tag("p", esc(t("no_revisions")))
        names = {r.indicator_id: name_of(r, self.lang) for r in self.assessment.results}
        rows = []
        for rec in rev.itertuples(index=False):
            d = decimals_for(rec.unit, [rec.value, rec.previous_value])
            where = (
                f"{Path(rec.file).name}" + (f" [{rec.sheet}]" if rec.sheet else "") + f", {rec.row}"
            )
            vintage = str(rec.vintage) + (f" ({t('in_use')})" if rec.current else "")
            cells = [
                cell(
                    esc(names.get(rec.indicator_id, rec.indicator_id)) + sub(esc(rec.indicator_id)),
                    cls="c-name",
                ),
                cell(esc(rec.year)),
                cell(esc(label("sex", rec.sex, self.lang))),
                cell(esc(vintage)),
                cell(esc(fmt_num(rec.previous_value, d)), cls="num"),
                cell(esc(fmt_num(rec.value, d)), cls="num"),
                cell(esc(where) + sub(esc(str(rec.sha256)[:12]))),
            ]
            rows.append(tag("tr", "".join(cells)))
        head = [
            ("c-name", t("col_indicator")),
            ("", t("col_year")),
            ("", t("col_sex")),
            ("", t("col_vintage")),
            ("", t("col_previous")),
            ("", t("col_value")),
            ("", t("col_file")),
        ]
        return out + tag("p", esc(t("revisions_note")), cls="note") + table(head, rows, cls="plain")

    def _audit(self) -> str:
        t = self.t
        rows = []
        for tg in self.plan.targets:
            value = "" if tg.target_value is None else f"{tg.target_value:g}"
            enc = [" ".join(x for x in (tg.target_type, value, tg.unit) if x)]
            if tg.direction and tg.direction != "none":
                enc.append(f"direction {tg.direction}")
            if tg.baseline_year is not None:
                bv = "" if tg.baseline_value is None else f" = {tg.baseline_value:g}"
                enc.append(f"baseline {tg.baseline_year}{bv}")
            if tg.target_year != self.target_year:
                enc.append(f"target year {tg.target_year}")
            name = esc(tg.name(self.lang)) + sub(esc(tg.indicator_id))
            cells = (
                cell(esc(tg.item))
                + cell(name, cls="c-name")
                + cell(esc(tg.source_text), cls="plan-text")
                + cell(esc("; ".join(enc)))
            )
            rows.append(tag("tr", cells))
        head = [
            ("", t("col_item")),
            ("c-name", t("col_indicator")),
            ("", t("col_plan_text")),
            ("", t("col_encoding")),
        ]
        return (
            tag("h3", esc(t("audit")), id="audit")
            + tag("p", esc(t("audit_text")))
            + table(head, rows, cls="plain audit")
        )

    def _provenance(self) -> str:
        from planeval.reporting.provenance import provenance_rows

        extra = [self.reference] if self.reference is not None else []
        prov = provenance_rows(self.assessment, self.params, extra_observations=extra)
        rows = [tag("tr", cell(esc(k)) + cell(esc(v), cls="mono")) for k, v in prov]
        head = [("", self.t("col_key")), ("", self.t("col_value"))]
        return tag("h3", esc(self.t("provenance")), id="provenance") + table(
            head, rows, cls="plain provenance"
        )
