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
# # 指标探索工作台 · Indicator workbench
#
# 这个笔记本帮助研究人员在正式报告之前或之后自己提问：**这个指标为什么难以达标？剔除 2020 年会怎样？
# 本区与全国相比如何？哪个趋势模型最合适？** 所有数字都来自生成报告的同一套函数（`planeval.assess`），
# 不需要阅读程序源码。
#
# This notebook lets a researcher ask their own questions before and after the formal reports:
# **why is this indicator off track, what if 2020 is left out, how does the district compare
# with the nation, which trend model fits best?** Every number comes from the same functions that
# build the reports (`planeval.assess`); no need to read the package source.
#
# **使用方法 · How to use.** 在项目根目录运行 `make lab`，打开 `notebooks/explore.ipynb`，内核选
# “Python 3 (planeval)”，然后 *Run → Run All Cells*。改下面参数单元格里的值再运行一遍，或者用第 3 节的
# 下拉菜单，图表会在原处更新。
# Run `make lab` in the project folder, open `notebooks/explore.ipynb` with the kernel
# "Python 3 (planeval)" and choose *Run → Run All Cells*. Change the parameters below and run
# again, or use the dropdowns of section 3: the views below them re-render in place.

# %% tags=["parameters"]
# Parameters (papermill overrides these: papermill notebooks/explore.ipynb out.ipynb -k planeval
#   --cwd notebooks -p geography baijiantan ...)
plan = "children"  # women 妇女 | children 儿童 (a file under data/plans)
geography = "china"  # folder under data/observations: china 全国 | baijiantan 白碱滩区
year = 2024  # data cut-off: data after this year is never used 数据截至年份
# indicator: "" = the first off-track target with the most data 空 = 首个难以达标的指标
indicator = "senior_secondary_gross_enrollment"
compare_geography = "baijiantan"  # another geography to overlay 对比地区 ("" = none)
drop_year = 2020  # a year to leave out for the sensitivity check 剔除年份 (None = none)
data_dir = "../data"  # relative to notebooks/
lang = "zh"  # zh 中文 | en English

# %% [markdown]
# ## 1. 总体状况 · Status overview
#
# 每个目标的状态由 `data/config/assessment.yaml` 中的规则决定：最新值已满足目标为**已达标**；否则按所选
# 趋势模型的预测分布计算**达标概率** `p_attain`：≥ 0.75 为**有望达标**，< 0.25 为**难以达标**，之间为
# **存在风险**；观测值少于 3 个为**数据不足**；非统计目标按部门文字说明作**定性评估**。
#
# Each target's status follows the rules in `data/config/assessment.yaml`: **achieved** when the
# latest value meets the target; otherwise the **probability of attainment** `p_attain` under the
# chosen trend model decides: ≥ 0.75 **on track**, < 0.25 **off track**, in between **at risk**;
# fewer than 3 observations is **insufficient data**; non-statistical targets are assessed from
# the departments' written accounts.

# %%
import planeval

planeval.set_lang(lang)
assessment = planeval.assess(plan, geography, year, data_dir=data_dir)
assessment

# %% [markdown]
# ## 2. 预警指标 · Early warnings
#
# 预警（early warning）的原因：`off_track` 难以达标、`at_risk` 存在风险、`worsening` 趋势显著恶化、
# `volatile` 波动较大、`forecast_falls_back` 已达标但预测回落。`assessment.to_frame()` 给出全部字段，
# 可以直接用 pandas 筛选。
#
# Reasons for an early warning: `off_track`, `at_risk`, `worsening` (significant trend the wrong
# way), `volatile`, `forecast_falls_back` (achieved but forecast to fall back). For every field
# of every target use `assessment.to_frame()` with pandas.

# %%
assessment.warnings()

# %% [markdown]
# ## 3. 选择指标 · Pick an indicator
#
# 三个下拉菜单：**指标**（按状态标注，先列有数据的指标）、**对比地区**、**剔除年份**。改变任何一个，第 4–7 节的
# 表格和图表就地重新绘制。笔记本从上到下运行时（例如 papermill），显示的是参数单元格中的默认选择。
#
# Three dropdowns: **indicator** (labelled with its status, those with data first), **another
# geography** and **a year to leave out**. Changing any of them re-renders the views of sections
# 4–7 where they stand. Run top to bottom without a browser (papermill), the notebook shows the
# choice of the parameters cell.

# %%
wb = planeval.Workbench(
    assessment,
    indicator=indicator,
    compare_geography=compare_geography,
    drop_year=drop_year,
    data_dir=data_dir,
)
wb.controls()

# %% [markdown]
# ## 4. 为什么是这个状态 · Why this status
#
# 回答“这个指标为什么难以达标”，按顺序看下面这张卡片：
#
# 1. **目标**：目标类型和数值。“保持”类目标（每年 ≥ …）要求规划期内**每个观测年份**都达标，只要有一年不达标
#    就判为难以达标，与预测无关；“达到”类目标只看目标年。
# 2. **最新值与差距**：最新值离目标还有多远。
# 3. **判定依据**：程序实际使用的规则（英文原文）。
# 4. **趋势模型与预测**：所选模型、选择理由、目标年的预测值及 80%/95% 预测区间；图中蓝色扇形为预测区间，
#    虚线为目标，点线为从基期到目标的匀速进度。
# 5. **达标概率**：预测分布中满足目标的概率，决定有望达标 / 存在风险 / 难以达标。
# 6. **变化趋势与进度**：线性趋势是否显著改善，是否慢于匀速进度。
#
# To answer "why is this indicator off track", read the card below in this order: (1) the
# **target** — a *maintain* target (every year ≥ …) must hold in every observed year of the plan
# period, so one year below it makes it off track whatever the forecast, while an *at least /
# at most* target is judged in the target year; (2) the **latest value** and its gap to the
# target; (3) the **rule applied**, as the program states it; (4) the **trend model**, why it
# was chosen, and its forecast with 80 %/95 % prediction intervals (the blue fan; dashed: the
# target; dotted: the straight path from the baseline to the target); (5) the **probability of
# attainment**, which sets on track / at risk / off track; (6) the **change** (is the linear trend
# significantly improving?) and the **path position** (ahead of or behind the straight path).

# %%
wb.show("indicator")

# %% [markdown]
# ## 5. 换一个模型会怎样 · Would another model change the verdict?
#
# 所有候选模型并排比较：样本外预测误差（只用前 k 年拟合、预测其后各年，预测步长与到目标年的距离一致）、
# 目标年预测值、80%/95% 预测区间、目标年满足目标的概率 `p_target`，以及每个模型被选中或未被选中的原因。
# 规则：以漂移模型（最新值加年均变化）为参照，其他模型只有把误差降低 10% 以上才会替代它；
# 少于 4 个观测值时无法做样本外检验，保留漂移模型。百分比指标在 logit 尺度上建模，预测不会超出 0–100%。
# 如果各模型的 `p_target` 都在同一侧，结论不取决于模型选择。
#
# Every candidate model side by side: out-of-sample error (fit on the first k years, forecast
# the later ones as far ahead as the target year is), the forecast for the target year with
# 80 %/95 % intervals, `p_target` (probability that the target-year value meets the target) and
# why each model is or is not chosen. The drift model (latest value plus the average yearly
# change) is the reference; another model replaces it only when it cuts the error by more than
# 10 %, and with fewer than 4 observations there is nothing to score, so drift stays. Percentages
# are modelled on the logit scale, so no forecast crosses 0–100 %. When every model's
# `p_target` falls on the same side, the verdict does not hang on the choice of model.

# %%
wb.show("models")

# %% [markdown]
# ## 6. 剔除一年 · Leave one year out
#
# 去掉一个年份（默认 2020 年，新冠疫情年份）的观测值，其他年份和所有设定不变，重新评估同一指标，比较前后
# 的模型、预测、达标概率和状态。状态改变说明结论依赖于这一年的数据，解读时要谨慎。
#
# Leave one year's observation out (2020 by default, the COVID-19 year), keep every other year
# and setting, assess the same target again, and compare model, forecast, probability and status
# before and after. A changed status means the verdict hangs on that one year.

# %%
wb.show("sensitivity")

# %% [markdown]
# ## 7. 与其他地区对比 · Another geography
#
# 同一指标在另一个地区的数值画在同一张图上（虚线），并用相同的规划目标、数据截至年份和规则评估。注意：
# 全国数据描述的是全国整体，只能说明全国相对于本区目标的位置；白碱滩区的数据很少（2010、2020 年），
# 常常是“数据不足”。
#
# The same indicator in another geography, drawn on the same chart (dashed) and assessed with the
# same plan targets, cut-off year and rules. National data describe China as a whole: against the
# district's targets they show where the country stands. The district's own data are sparse
# (2010 and 2020), so "insufficient data" is common there.

# %%
wb.show("overlay")

# %% [markdown]
# ## 8. 自己动手 · Your own analysis
#
# 每个结果都有 `.to_frame()`，可以直接用 pandas 继续分析。`result.to_frame()` 按年份列出观测值、所选模型的
# 拟合值、预测区间和目标值；`planeval.forecast(序列, 年份, model=..., unit=...)` 用任意模型预测任意序列，
# 对同样的数据与评估结果完全一致。更多说明见 `docs/explore.md`。
#
# Every result has `.to_frame()` for pandas. `result.to_frame()` lists, by year, the
# observations, the chosen model's fit, the prediction intervals and the target;
# `planeval.forecast(series, year, model=..., unit=...)` forecasts any series with any model and,
# for the same data, gives exactly the assessment's numbers. See `docs/explore.md`.

# %%
result = assessment[wb.indicator]
result.to_frame()

# %%
if result.n_obs >= 3:
    own = planeval.forecast(result.series, result.target_year, model="auto", unit=result.unit)
else:
    own = f"{result.indicator_id}: {result.n_obs} observation(s), a trend needs 3"
own
