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

# %% tags=["parameters"]
# Parameters (papermill overrides these; see README "One report by hand").
plan = "children"  # plan name (data/plans) or a plan YAML path
stage = "midterm"  # annual, midterm or final
year = 2023  # data cut-off year: later data is never used
geography = "china"  # folder under data/observations
data_dir = "../data"
lang = "zh"  # zh or en
reference_geography = None  # None: "china" beside any other geography; "" for none

# %%
import datetime as dt

from IPython.display import HTML, display

import planeval
from planeval.reporting import sections as rp

assessment = planeval.assess(plan, geography, year, data_dir=data_dir)
reference_geography = rp.default_reference(geography, reference_geography)
report = rp.Report(
    assessment,
    stage=stage,
    lang=lang,
    produced=dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
    params={
        "plan": plan,
        "stage": stage,
        "year": year,
        "geography": geography,
        "lang": lang,
        "reference_geography": reference_geography,
    },
    reference=rp.load_reference(reference_geography, year, data_dir),
    reference_geography=reference_geography,
    revisions=rp.load_revisions(geography, year, data_dir),
)
display(HTML(report.cover()), metadata={"planeval": {"title": report.title()}})

# %%
display(HTML(report.toc()))

# %%
display(HTML(report.summary()))

# %%
for domain in report.domains:
    display(HTML(report.domain_section(domain)))

# %%
display(HTML(report.gender_section()))

# %%
display(HTML(report.appendix()))
