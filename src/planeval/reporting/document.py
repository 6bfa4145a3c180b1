"""The evaluation report as a plain document: facts, sentences, tables and figures.

No HTML and no styling here: :mod:`planeval.reporting.build` fills these dataclasses from an
assessment, and renderers turn them into a page (:mod:`planeval.reporting.html`, Jinja2
templates in ``reporting/templates/``) or another format. Every string is plain text as a
reader sees it; renderers escape it. ``anchor`` fields name places a reader can link to (the
HTML renderer makes them element ids), ``link`` fields point at an anchor.

The sections in reading order: :class:`Cover`, :class:`Contents`, :class:`Findings` (the
written part), :class:`Summary`, one
:class:`DomainSection` per domain of the plan, :class:`GenderSection`, :class:`Appendix`.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Badge:
    """A status as icon + word (``✔ 提前实现``): ``status`` is its colour family (the tone,
    an assessment status such as ``achieved``), ``text`` icon and word, ``word`` the word
    alone (the verdict's stage word, which renderers without icons print)."""

    status: str
    text: str
    word: str = ""


@dataclass
class Paragraph:
    """A paragraph; ``role``: ``""`` (body text), ``notice`` (a reader must see it first),
    ``note`` (small print under or above a table), ``muted`` (secondary)."""

    text: str
    role: str = ""


@dataclass
class Cell:
    """One table cell.

    ``text``: the main line; ``sub``: a second, smaller line (a year, an interval, a label);
    ``badge``: a status shown after the text; ``warning``: an early-warning note under it;
    ``tone``/``sub_tone``: the meaning of the text / second line (``ahead``, ``behind``,
    ``better``, ``worse``), which renderers may emphasise; ``column``: machine name of the
    column (``y2023``, ``latest``, ``forecast``...); ``role``: what the cell holds (``num``,
    ``name``, ``item``, ``unit``, ``target``, ``path``, ``change``, ``plan_text``, ``code``).
    ``technical``/``sub_technical``: the cell / its second line is left out of the brief annex.
    """

    text: str = ""
    sub: str = ""
    column: str = ""
    role: str = ""
    badge: Badge | None = None
    warning: str = ""
    tone: str = ""
    sub_tone: str = ""
    anchor: str = ""
    link: str = ""
    link_title: str = ""
    rowspan: int = 1
    technical: bool = False  # the cell of a technical column (see :class:`Column`)
    warning_technical: str = ""  # the rest of the warning, technical (an interval's figures)
    sub_technical: bool = False  # the second line is technical (a 95 % interval)


@dataclass
class Row:
    """A table row; ``key``: the indicator it is about, ``year``: the year it is about."""

    cells: list[Cell]
    key: str = ""
    year: int | None = None


@dataclass
class Column:
    """A column heading; ``role`` as in :class:`Cell` (``year`` for a year column);
    ``technical``: the column belongs to the technical annex (item codes, probabilities): in
    the HTML and with ``--annex full``, not in the brief annex of Word and PDF."""

    text: str
    role: str = ""
    technical: bool = False
    technical_text: str = ""  # the heading's technical rest (（95%区间）): not in the brief annex


@dataclass
class Table:
    """A table; ``kind`` names its layout (``indicators``, ``plain``, ``sex``...) and
    ``variant`` refines it (``stage-midterm``, ``agency``...)."""

    columns: list[Column]
    rows: list[Row]
    kind: str = "plain"
    variant: str = ""
    title: str = ""


@dataclass
class Figure:
    """A chart as a PNG image with its alternative text (what it shows in words and numbers).

    ``caption``: plain text above the image, ``badge``: a status after it; ``kind``:
    ``panel`` (one indicator), ``heatmap``, ``sex``.
    """

    png: bytes
    alt: str
    caption: str = ""
    badge: Badge | None = None
    anchor: str = ""
    kind: str = ""
    brief: bool = True  # shown in the brief annex (False: too few points, or a band that
    # spans the whole scale: in the full annex and the HTML only)


@dataclass
class LegendEntry:
    """One series of the charts' common legend (``kind``: observed, trend, fan80, fan95,
    target, path, reference)."""

    kind: str
    text: str


@dataclass
class ListItem:
    """An entry of a list of indicators: the label links to the indicator; ``detail`` is
    the text after it (a value, a reason), ``detail_below`` puts it on its own line."""

    text: str
    link: str = ""
    badge: Badge | None = None
    detail: str = ""
    detail_below: bool = False


@dataclass
class Cover:
    region: str
    title: str
    stage: str
    facts: list[tuple[str, str]]
    notices: list[str]
    #: a line boxed on the cover when the data describe another area than the plan's (a
    #: district's plan judged on national data): the report is not that region's result
    caveat: str = ""


@dataclass
class ContentsEntry:
    """An entry of the contents; ``technical``: a part of the technical annex (left out of a
    brief annex's Word file and PDF)."""

    anchor: str
    title: str
    children: list[ContentsEntry] = field(default_factory=list)
    technical: bool = False


@dataclass
class Contents:
    title: str
    entries: list[ContentsEntry]


@dataclass
class StatusCount:
    badge: Badge
    count: int


@dataclass
class Summary:
    """Totals by status, the stage's sentences, the heatmap, early warnings and achieved."""

    title: str
    total_line: str
    counts: list[StatusCount]
    lines: list[str]
    counts_title: str
    heatmap: Figure | None
    warnings_title: str
    warnings: list[ListItem]
    achieved_title: str
    achieved: list[ListItem]
    none_text: str
    warnings_rule: str = ""  # which targets the early-warning list holds (the verdict's problems)


@dataclass
class Account:
    """A qualitative target with the department's written account (``None``: none sent)."""

    anchor: str
    label: str
    badge: Badge
    account: str | None
    missing_text: str = ""


@dataclass
class DomainSection:
    """One domain: heading, intro, the indicator table and its note, the charts, and the
    qualitative targets with their accounts."""

    number: int
    title: str
    anchor: str
    intro: str
    table: Table | None = None
    table_note: str = ""
    table_note_technical: str = ""  # what the technical columns mean (full annex and HTML)
    charts_title: str = ""
    legend: list[LegendEntry] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    no_charts: str = ""
    accounts_title: str = ""
    accounts: list[Account] = field(default_factory=list)


@dataclass
class SexBlock:
    """Female, male and the gap by year of one indicator, as a table and a chart."""

    anchor: str
    title: str
    unit: str
    table: Table
    figure: Figure


@dataclass
class GenderSection:
    title: str
    intro: Paragraph
    blocks: list[SexBlock] = field(default_factory=list)
    missing_note: Paragraph | None = None
    missing: list[str] = field(default_factory=list)


@dataclass
class MonitoringSection:
    """Monitoring indicators (监测指标): registered indicators without a target in the plan,
    with their latest value, change and trend (``table`` None when there are none)."""

    title: str
    intro: Paragraph
    table: Table | None = None


@dataclass
class AppendixPart:
    """One part of the appendix: heading, a paragraph, a subheading and a table (each
    optional but the heading). ``technical``: a part of the technical annex (models, agency
    figures, thresholds in probabilities, revisions, encoding audit, provenance), left out of
    a brief annex (Word and PDF; the HTML always holds it)."""

    anchor: str
    title: str
    intro: Paragraph | None = None
    subtitle: str = ""
    table: Table | None = None
    technical: bool = False


@dataclass
class Appendix:
    title: str
    parts: list[AppendixPart]


@dataclass
class Sentence:
    """A sentence of the written findings.

    ``origin``: ``tool`` (drafted from the data) or ``office`` (written by people, from a
    file under ``data/narrative/``; ``author`` names them); ``placeholder``: a marked place
    for the office's text; ``indicator``: the indicator it is about; ``kind``: what it
    states (``progress``, ``need``, ``trend``, ``counts``, ``rate``...), so a checker can
    read its numbers back.
    """

    text: str
    origin: str = "tool"
    author: str = ""
    placeholder: bool = False
    indicator: str = ""
    kind: str = ""


@dataclass
class Finding:
    """A numbered finding: a short title and its sentences (one paragraph)."""

    title: str
    sentences: list[Sentence]
    indicator: str = ""


@dataclass
class FindingGroup:
    """The findings of one domain (（一）健康): the domain's achievement rate and findings."""

    title: str
    rate: Sentence | None
    findings: list[Finding]
    note: Sentence | None = None
    headline: Sentence | None = None  # the domain in one sentence (健康领域目标总体进展顺利。)
    domains: list[str] = field(default_factory=list)  # the plan's domains (zh) it is about


@dataclass
class Findings:
    """The written part of the report, as published reports have it: 一、总体情况 (verdict,
    counts, 达标率 with its denominator, by domain in ``rates``), 二、主要进展 per domain,
    三、存在的问题 (with why), 四、对策建议 (a skeleton with marked places)."""

    title: str
    origin_note: str
    overall_title: str
    overall: list[Sentence]
    rates: Table | None
    progress_title: str
    progress: list[FindingGroup]
    problems_title: str
    problems: list[Finding]
    advice_title: str
    advice: list[Finding]
    joiner: str = ""  # between sentences: nothing in Chinese, a space in English
    work_title: str = ""  # （一）工作开展情况 under 一、总体情况
    work: list[Sentence] = field(default_factory=list)
    verdict_title: str = ""  # （二）总体评价, the overall sentences after it


@dataclass
class ReportDocument:
    """A whole evaluation report; ``title`` is the page title, ``lang`` ``zh`` or ``en``;
    ``annex``: ``brief`` (Word and PDF leave out the technical annex) or ``full``;
    ``office``: who files it (the 落款 and the Word file's author)."""

    title: str
    lang: str
    stage: str
    cover: Cover
    contents: Contents
    findings: Findings
    summary: Summary
    domains: list[DomainSection]
    gender: GenderSection
    appendix: Appendix
    monitoring: MonitoringSection | None = None
    annex: str = "brief"
    office: str = ""
    date: str = ""  # the 落款's date as the office wrote it ("" : the day the report is made)

    def sections(self) -> list:
        """Every section in reading order (the monitoring section only when there is one)."""
        monitoring = [self.monitoring] if self.monitoring is not None else []
        return [
            self.cover,
            self.contents,
            self.findings,
            self.summary,
            *self.domains,
            *monitoring,
            self.gender,
            self.appendix,
        ]
