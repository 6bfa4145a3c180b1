# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (planeval)
#     language: python
#     name: planeval
# ---

# %% tags=["parameters"]
# Parameters (papermill overrides these; see README "Run a notebook by hand").
plan = "children"
stage = "midterm"
year = 2023
geography = "china"
data_dir = "../data"
lang = "zh"

# %%
import datetime as dt

from IPython.display import HTML, display

import planeval
from planeval import reporting as rp

assessment = planeval.assess(plan, geography, year, data_dir=data_dir)
produced = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
display(HTML(rp.cover_html(assessment, stage, lang, produced)))

# %%
display(HTML(rp.toc_html(assessment, lang)))

# %%
display(HTML(rp.summary_html(assessment, stage, lang)))

# %%
for domain in assessment.plan.domains:
    display(HTML(rp.domain_section_html(assessment, domain["zh"], lang)))

# %%
display(HTML(rp.appendix_html(assessment, stage, lang, {
    "plan": plan, "stage": stage, "year": year, "geography": geography, "lang": lang,
})))
