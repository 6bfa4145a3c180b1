# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: -papermill,-ExecuteTime,-execution,-scrolled,-collapsed,-jupyter
#     formats: ipynb,py:percent
#     notebook_metadata_filter: -jupytext.text_representation.jupytext_version,-jupytext.text_representation.format_version
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (planeval)
#     language: python
#     name: planeval
# ---

# %% [markdown]
# # Evaluation report / 评估报告
#
# This notebook builds one evaluation report of a development plan: it assesses every target
# with the data up to the cut-off `year`, builds the report as a plain document
# (`planeval.reporting.build`) and shows each section rendered to HTML by the templates in
# `src/planeval/reporting/templates/`. `planeval report` runs it with papermill and exports the
# outputs (code hidden) to one HTML file. The cell below holds the parameters papermill sets.

# %% tags=["parameters"]
# Parameters (papermill overrides these; see README "One report by hand").
plan = "children"  # plan name (data/plans) or a plan YAML path
stage = "midterm"  # annual, midterm or final
year = 2023  # data cut-off year: later data is never used
geography = "china"  # folder under data/observations
data_dir = "../data"
lang = "zh"  # zh or en
reference_geography = None  # None: "china" beside any other geography; "" for none
annex = "brief"  # the appendix: brief or full
word_path = ""  # a path: also write the report as an editable Word file there

# %%
# Every parameter checked (types, allowed values, data year, data) before anything is
# computed: the same check as `planeval report` and `batch`; a mistake stops here with its fix.
# `spec` is the report (plan, stage, year, geography, lang, annex, ...) as the runner knows it.
from planeval.publish.parameters import check_parameters

spec, data_dir = check_parameters(
    plan, stage, year, geography, data_dir, lang, reference_geography, annex
)
plan, stage, year, geography, lang = spec.plan, spec.stage, spec.year, spec.geography, spec.lang

# %% [markdown]
# ## Assess and build the document
#
# `planeval.assess` reads the plan's targets (`data/plans/`), the observations of the
# geography up to `year` (`data/observations/<geography>/`) and the thresholds
# (`data/config/assessment.yaml`), fits the trend models and gives each target its status.
# The reference geography's values (drawn beside the report's own), the revisions of past
# values and the provenance rows (parameters, input checksums, versions) go into the same
# document.

# %%
import datetime as dt

from IPython.display import display

import planeval
from planeval.reporting import build
from planeval.reporting.html import Fragment, render_section
from planeval.reporting.overview_verdicts import region_record

assessment = planeval.assess(plan, geography, year, data_dir=data_dir)
context = build.context_for(
    assessment,
    spec,
    data_dir=data_dir,
    produced=dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
    provenance=True,
    notebook="evaluation.ipynb",
)
report = build.build_document(context)
# the verdicts as the overview of the parent geography reads them (stored beside the report)
verdict_record = region_record(assessment, stage, plan)

# %% [markdown]
# ## Cover and contents
#
# The cover names the plan, the region, the geography whose data are used, the stage and the
# data cut-off, with the notices a reader must see first (a final report before the target
# year's data is a forecast; national data set against a district's targets). The page title
# travels with the cover's output for the HTML export, and so do the verdicts the overview of
# the parent geography reads (`<report>.verdict.json`, written by the runner).

# %%
display(
    Fragment(render_section(report.cover)),
    metadata={"planeval": {"title": report.title, "verdict": verdict_record}},
)
display(Fragment(render_section(report.contents)))

# %% [markdown]
# ## Findings
#
# The written part, in the order of published evaluation reports: 一、总体情况 (the verdict
# chosen by the rules of `reporting/findings.py` from the status counts, and the 达标率 over
# the indicators with a numeric target and data), 二、主要进展 per domain, 三、存在的问题 and
# 四、对策建议. Every sentence is drafted from the assessment's numbers (patterns in
# `core/labels.yaml`); the office's own words come from `data/narrative/<geography>/` and
# carry their author; marked places (【…】) wait for the office's text.

# %%
display(Fragment(render_section(report.findings)))

# %% [markdown]
# ## Summary
#
# Counts of targets by status (from each target's probability of attainment and the
# thresholds of the settings file), the mid-term path or the annual change, the heatmap of
# domains × statuses, the early warnings with their reason and the targets already achieved.

# %%
display(Fragment(render_section(report.summary)))

# %% [markdown]
# ## One section per domain
#
# For each domain of the plan: a table with one row per statistical target (baseline, each
# year's observed value, the latest value, the target-year forecast with its 95 % prediction
# interval, the probability of attainment, status and trend), one chart per indicator with
# data (observations, fitted trend, 80/95 % fan, target, baseline-to-target path), and the
# qualitative targets with the department's written account (`account` column of the yearly
# files).

# %%
for section in report.domains:
    display(Fragment(render_section(section)))

# %% [markdown]
# ## Monitoring indicators
#
# Indicators registered in `data/indicators.yaml` that have submitted values but no target in
# this plan: latest value, change since the previous value and the average change per year
# (shown only when the data hold any).

# %%
if report.monitoring is not None:
    display(Fragment(render_section(report.monitoring)))

# %% [markdown]
# ## Gender
#
# Female and male values and the gap for the indicators the plan wants by sex, from the
# `female`/`male` rows of the yearly files.

# %%
display(Fragment(render_section(report.gender)))

# %% [markdown]
# ## Appendix
#
# The method and thresholds, each indicator's model beside the agencies' figures (Eurostat,
# ESCAP, UNICEF AARR), every observed value, the sources, the revisions, the catalogue audit
# and the provenance.

# %%
display(Fragment(render_section(report.appendix)))

# %% [markdown]
# ## Word
#
# With `word_path` set (`planeval report --format docx`), the same document is written as an
# editable Word file: the findings as the body (一、/（一）/1.), the tables and charts as
# numbered annexes (`reporting/word.py`).

# %%
if word_path:
    from planeval.reporting.word import write_docx

    write_docx(report, word_path)
