"""The notebook API (planeval.api, planeval.explore) and the explore notebook.

The objects must give the assessment's own numbers (not a second estimate), render HTML that
names the indicator and its status, and turn bad input into ``InputError``.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import matplotlib
import nbformat
import numpy as np
import pandas as pd
import pytest
from scipy import stats

import planeval
from planeval import explore
from planeval.core.errors import InputError
from planeval.core.labels import label
from planeval.intake.observations import FRAME_COLUMNS
from planeval.plans.catalogue import Plan, Target

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
NOTEBOOK = ROOT / "notebooks" / "explore.ipynb"

#: A small count series (unit ""): OLS by hand in test_forecast_linear_by_hand.
SMALL = pd.Series([10.0, 12.0, 13.0, 16.0, 17.0], index=range(2018, 2023), name="small")
#: A % series of 7 consecutive years with 2020 in it: every model of the package applies.
PCT = pd.Series([80.1, 81.5, 82.0, 83.7, 84.2, 85.9, 86.3], index=range(2016, 2023), name="pct")


def _target(indicator_id, unit, target_type, value, name_zh, name_en) -> Target:
    return Target(
        indicator_id=indicator_id, plan="t", domain="测试", item="1", name_zh=name_zh,
        name_en=name_en, unit=unit, direction="increase", target_type=target_type,
        target_value=value, target_year=2025, source_text="test",
    )  # fmt: skip


def _observations(geography: str, series: dict[str, pd.Series]) -> pd.DataFrame:
    rows = []
    for indicator_id, s in series.items():
        for year, value in s.items():
            rows.append({
                "geography": geography, "year": int(year), "indicator_id": indicator_id,
                "sex": "total", "value": float(value), "unit": "", "source": "test", "note": "",
                "account": "", "file": "test.csv", "row": 2, "sha256": "",
            })  # fmt: skip
    return pd.DataFrame(rows, columns=FRAME_COLUMNS)


@pytest.fixture(scope="module")
def synthetic() -> planeval.AssessmentResult:
    """Two targets: ``small`` ≥ 40 (count; every model forecasts about 20–26 for 2025, so off
    track whichever model is chosen) and ``pct`` ≥ 85 % (achieved: the latest value is 86.3)."""
    plan = Plan(
        plan="t", geography="x", title_zh="测试规划", title_en="Test plan", region_zh="测试区",
        region_en="Test district", period_start=2021, period_end=2025, source="test",
        domains=[{"zh": "测试", "en": "test"}],
        targets=[
            _target("small", "", "at_least", 40.0, "小序列", "small series"),
            _target("pct", "%", "at_least", 85.0, "百分比序列", "percent series"),
        ],
    )  # fmt: skip
    obs = _observations("x", {"small": SMALL, "pct": PCT})
    return planeval.assess(plan, "x", 2022, data_dir=DATA, observations=obs)


@pytest.fixture(scope="module")
def national() -> planeval.AssessmentResult:
    return planeval.assess("children", "china", 2024, data_dir=DATA)


@pytest.fixture
def zh():
    explore.set_lang("zh")
    yield
    explore.set_lang("zh")


# --------------------------------------------------------------------------- forecast
def test_forecast_linear_by_hand():
    """OLS of y = [10, 12, 13, 16, 17] on x = 0..4 (2018..2022):
    x̄ = 2, ȳ = 13.6, Sxx = 10, Sxy = 18 → slope 1.8, intercept 10.0;
    fitted 10, 11.8, 13.6, 15.4, 17.2 → residuals 0, .2, −.6, .6, −.2, SSR 0.8, s² = 0.8/3.
    2025 is x = 7: forecast 10 + 1.8·7 = 22.6; prediction variance s²(1 + 1/5 + (7−2)²/10)
    = 0.8/3 · 3.7 = 0.98667, se 0.99331; t(0.975, 3) = 3.18245 → 95 % PI 22.6 ± 3.16116.
    (The rounding floor for whole numbers, 1/12 = 0.083, is below s² = 0.267.)
    """
    f = planeval.forecast(SMALL, 2025, model="linear", calibrated=False)
    half = 3.182446305284263 * math.sqrt(0.8 / 3 * 3.7)
    assert isinstance(f, planeval.ForecastResult)
    assert f.model == "linear" and f.year == 2025 and f.n_obs == 5
    assert f.value == pytest.approx(22.6, abs=1e-9)
    assert f.low == pytest.approx(22.6 - half, abs=1e-9)
    assert f.high == pytest.approx(22.6 + half, abs=1e-9)
    half80 = stats.t.ppf(0.9, 3) * math.sqrt(0.8 / 3 * 3.7)
    assert (f.pi80_low, f.pi80_high) == pytest.approx((22.6 - half80, 22.6 + half80), abs=1e-9)


@pytest.mark.parametrize("indicator_id, series", [("small", SMALL), ("pct", PCT)])
def test_forecast_equals_assessment_for_each_model(synthetic, indicator_id, series):
    r = synthetic[indicator_id]
    assert r.candidates, "the assessment fitted no candidate"
    for model, cand in r.candidates.items():
        f = planeval.forecast(series, 2025, model=model, unit=r.unit)
        assert (f.value, f.low, f.high) == (cand["value"], cand["low"], cand["high"]), model
    auto = planeval.forecast(series, 2025, unit=r.unit)
    assert auto.model == r.model == auto.selected
    assert (auto.value, auto.low, auto.high) == (r.forecast, r.pi_low, r.pi_high)
    assert (auto.pi80_low, auto.pi80_high) == (r.pi80_low, r.pi80_high)


def test_pct_series_exercises_bounded_and_ets_models(synthetic):
    """The % series must reach the logit and damped-trend models, or the test above is thin."""
    assert {"linear", "logit", "damped"} <= set(synthetic["pct"].candidates)
    assert "logit" not in synthetic["small"].candidates  # unit "" is not a proportion


def test_forecast_equals_assessment_on_national_series(national):
    r = national["senior_secondary_gross_enrollment"]
    assert r.n_obs >= 7
    for model, cand in r.candidates.items():
        f = planeval.forecast(r.series, r.target_year, model=model, unit=r.unit)
        assert (f.value, f.low, f.high) == (cand["value"], cand["low"], cand["high"]), model
    auto = planeval.forecast(r, r.target_year)  # an IndicatorAssessment gives its own series
    assert (auto.model, auto.value) == (r.model, r.forecast)


def test_forecast_accepts_datetime_index_and_lists_missing_years():
    dated = pd.Series(SMALL.to_numpy(), index=pd.to_datetime([f"{y}-12-31" for y in SMALL.index]))
    assert planeval.forecast(dated, 2025, model="linear").value == pytest.approx(22.6, abs=1e-9)
    gappy = pd.concat([SMALL, pd.Series([np.nan], index=[2023])])
    f = planeval.forecast(gappy, 2025, model="linear")
    assert f.dropped_years == (2023,) and f.n_obs == 5
    assert f.value == pytest.approx(22.6, abs=1e-9)


@pytest.mark.parametrize(
    "series, kwargs, words",
    [
        (pd.Series([1.0, 2.0, 3.0], index=["a", "b", "c"]), {}, "whole years"),
        (pd.Series([1.0, 2.0, 3.0], index=[2020, 2020, 2021]), {}, "[2020]"),
        (pd.Series([1.0, 2.0], index=[2020, 2021]), {}, "at least 3"),
        (SMALL, {"model": "quadratic"}, "unknown model"),
        (SMALL, {"model": "damped"}, "does not apply"),
        (SMALL.to_list(), {}, "pandas Series"),
    ],
)
def test_forecast_bad_input_is_an_input_error(series, kwargs, words):
    with pytest.raises(InputError) as err:
        planeval.forecast(series, 2025, **kwargs)
    assert words in str(err.value)


# --------------------------------------------------------------------------- HTML and frames
def test_indicator_html_names_indicator_and_status(synthetic, zh):
    r = synthetic["small"]
    assert r.status == "off_track"  # latest 17, forecast far below 40
    html = r._repr_html_()
    assert "small" in html and "小序列" in html
    assert r.verdict.status == "difficult"  # the mid-term verdict of an off-track forecast
    assert label("verdict_status", "difficult", "zh") in html
    assert 'src="data:image/png;base64,' in html
    explore.set_lang("en")
    html_en = r._repr_html_()
    assert "small series" in html_en and label("verdict_status", "difficult", "en") in html_en


def test_assessment_html_lists_targets_and_counts(synthetic, zh):
    html = synthetic._repr_html_()
    assert "测试规划" in html and "small" in html and "pct" in html
    met_early, difficult = (label("verdict_status", s, "zh") for s in ("met_early", "difficult"))
    assert met_early in html and difficult in html
    assert "<img" in html
    overview = synthetic.overview("en")
    assert overview.loc["Total", label("verdict_status", "difficult", "en")] == 1
    assert overview.loc["Total", label("verdict_status", "met_early", "en")] == 1


def test_results_are_the_assessment_types(synthetic):
    """The report code takes these objects unchanged."""
    assert isinstance(synthetic, planeval.Assessment)
    assert all(isinstance(r, planeval.IndicatorAssessment) for r in synthetic.results)
    frame = synthetic.to_frame()
    assert frame["indicator_id"].tolist() == ["small", "pct"]
    assert frame["status"].tolist() == ["off_track", "achieved"]


def test_indicator_to_frame_holds_series_fit_and_forecast(synthetic):
    r = synthetic["small"]
    frame = r.to_frame()
    assert frame.index.tolist() == list(range(2018, 2026))
    assert frame.loc[2018:2022, "value"].tolist() == SMALL.tolist()
    last = frame.loc[2025]
    assert (last["fitted"], last["pi95_low"], last["pi95_high"]) == pytest.approx(
        (r.forecast, r.pi_low, r.pi_high), abs=1e-9
    )
    assert (last["pi80_low"], last["pi80_high"]) == pytest.approx((r.pi80_low, r.pi80_high))
    assert (frame["target"] == 40.0).all()


def test_explain_accounts_for_the_status(synthetic):
    r = synthetic["small"]
    text = r.explain("en")
    assert "Difficult to meet" in text  # the verdict's word (the assessment's: off track)
    assert f"{r.forecast:.4g}" in text  # the forecast for 2025
    assert f"p_attain = {r.p_attain:.2f}" in text
    assert "0.75" in text and "0.25" in text  # thresholds quoted from the settings


def test_explain_maintain_target_names_failing_years(national):
    r = national["senior_secondary_gross_enrollment"]
    assert r.target_type == "maintain_at_least" and r.status == "off_track"
    start, end = national.plan.period_start, national.plan.period_end
    failing = [
        y
        for y, v in zip(r.years, r.values, strict=True)
        if v < r.target_level and start <= y <= end
    ]
    assert failing and min(r.years) < start  # years before the plan period are not listed
    assert f"observed years below it (plan period {start}–{end}): " + ", ".join(
        map(str, failing)
    ) in r.explain("en")


# --------------------------------------------------------------------------- helpers
def test_compare_models_chosen_row_is_the_assessment(synthetic, zh):
    r = synthetic["small"]
    cmp = planeval.compare_models(r, settings=synthetic.settings)
    frame = cmp.to_frame().set_index("model")
    assert cmp.chosen == r.model and frame["chosen"].sum() == 1 and frame.loc[r.model, "chosen"]
    row = frame.loc[r.model]
    assert (row["forecast"], row["pi95_low"], row["pi95_high"]) == (r.forecast, r.pi_low, r.pi_high)
    assert (row["pi80_low"], row["pi80_high"]) == (r.pi80_low, r.pi80_high)
    assert row["p_target"] == pytest.approx(r.p_attain, abs=1e-12)  # at_least: P(value_T ≥ 40)
    for model, cand in r.candidates.items():
        assert frame.loc[model, "forecast"] == cand["value"]
        assert frame.loc[model, "cv_error"] == pytest.approx(r.cv_error[model])
    assert "not applicable" in frame.loc["logit", "note"]  # not a % indicator
    html = cmp._repr_html_()
    assert "small" in html and r.verdict.status_text("zh") in html and "<img" in html


def test_compare_models_short_series_does_not_raise():
    cmp = planeval.compare_models(pd.Series([5.0, 4.0], index=[2010, 2020]), 2025)
    assert cmp.chosen is None
    assert not cmp.to_frame()["applicable"].any()
    assert "3" in cmp._repr_html_()


def test_sensitivity_leaves_out_one_year(synthetic, zh):
    """Without 2020 the series is PCT minus one point; the result must equal assessing that
    series directly, and the assessment's own flagged-year check (2020) must agree."""
    s = planeval.sensitivity(synthetic, "pct", 2020)
    assert s.dropped and s.after.n_obs == s.before.n_obs - 1 == 6
    assert 2020 not in s.after.years
    direct = planeval.forecast(PCT.drop(2020), 2025, unit="%")
    assert (s.after.model, s.after.forecast) == (direct.model, direct.value)
    assert s.after.status == synthetic["pct"].status_without_flagged
    frame = s.to_frame()
    assert frame.loc["n_obs"].tolist() == [7, 6]
    assert "2020" in s._repr_html_()


def test_sensitivity_year_not_observed(synthetic, zh):
    s = planeval.sensitivity(synthetic, "small", 2010)
    assert not s.dropped and s.after is s.before and not s.changed
    assert "2010" in s._repr_html_()


def test_overlay_reads_the_other_geography(national, zh):
    o = planeval.overlay(national, "senior_secondary_gross_enrollment", "baijiantan")
    frame = o.to_frame()
    raw = pd.read_csv(DATA / "observations" / "baijiantan" / "2020.csv")
    value = raw.loc[raw["indicator_id"] == "senior_secondary_gross_enrollment", "value"].item()
    assert frame.loc[2020, "baijiantan"] == value
    assert frame.loc[2024, "china"] == national["senior_secondary_gross_enrollment"].latest_value
    assert o.others["baijiantan"].status == "insufficient_data"  # 2010 and 2020 only
    html = o._repr_html_()
    assert label("status", "insufficient_data", "zh") in html and "<img" in html
    with pytest.raises(InputError):
        planeval.overlay(national, "senior_secondary_gross_enrollment", "atlantis")


def test_plot_indicator_by_id_and_reference_geography(national):
    ax = planeval.plot_indicator(
        "senior_secondary_gross_enrollment", national, reference="baijiantan"
    )
    r = national["senior_secondary_gross_enrollment"]
    points = np.vstack([c.get_offsets() for c in ax.collections if len(c.get_offsets())])
    assert {(int(x), float(y)) for x, y in points} >= set(zip(r.years, r.values, strict=True))
    ref = [line for line in ax.get_lines() if list(line.get_xdata()) == [2010, 2020]]
    assert ref and list(ref[0].get_ydata()) == [76.7, 99.33]
    with pytest.raises(InputError):
        planeval.plot_indicator("senior_secondary_gross_enrollment")


def test_pick_indicator(national):
    chosen = explore.pick_indicator(national, "")
    offs = [r for r in national.results if r.status == "off_track" and r.n_obs]
    assert national[chosen].status == "off_track"
    assert national[chosen].n_obs == max(r.n_obs for r in offs)
    with pytest.raises(InputError):
        explore.pick_indicator(national, "no_such_indicator")


def test_workbench_dropdowns_follow_the_indicator(national):
    wb = planeval.Workbench(national, "senior_secondary_gross_enrollment", "baijiantan", 2020,
                            data_dir=DATA)  # fmt: skip
    row = wb.controls()
    indicator, geography, year = row.children
    assert indicator.value == "senior_secondary_gross_enrollment" and year.value == 2020
    assert "baijiantan" in [v for _, v in geography.options]
    other = "myopia_junior"
    indicator.value = other
    assert wb.indicator == other
    assert [v for _, v in year.options][1:] == national[other].years
    assert isinstance(wb.view("models"), planeval.ModelComparison)
    assert wb.view("indicator").indicator_id == other


def test_import_keeps_an_inline_notebook_backend():
    """Drawing through planeval must not switch a notebook's inline backend to Agg."""
    code = (
        "import matplotlib, planeval\n"
        "import planeval.reporting.charts, planeval.reporting.build\n"
        "from planeval.explore.display import _charts\n"
        "_charts()\n"
        "print(matplotlib.get_backend())\n"
    )
    env = dict(os.environ, MPLBACKEND="module://matplotlib_inline.backend_inline")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True)  # fmt: skip
    assert out.stdout.strip() == "module://matplotlib_inline.backend_inline"


def test_kernel_planeval_points_at_this_environment():
    """`make install` registers the kernel (planeval kernel); papermill and JupyterLab use it."""
    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec("planeval")
    assert spec.display_name == "Python 3 (planeval)"
    assert Path(spec.argv[0]).absolute() == Path(sys.executable).absolute()


# --------------------------------------------------------------------------- the notebook
def _run(tmp_path: Path, **parameters) -> nbformat.NotebookNode:
    import papermill as pm

    out = tmp_path / "explore_out.ipynb"
    pm.execute_notebook(str(NOTEBOOK), str(out), parameters=parameters, kernel_name="planeval",
                        cwd=str(NOTEBOOK.parent), progress_bar=False)  # fmt: skip
    return nbformat.read(out, as_version=4)


def _html(nb) -> str:
    parts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            assert output.get("output_type") != "error", output
            parts.append(output.get("data", {}).get("text/html", ""))
    return "\n".join(parts)


@pytest.mark.slow
def test_notebook_runs_with_default_parameters(tmp_path):
    nb = _run(tmp_path)
    html = _html(nb)
    assert "senior_secondary_gross_enrollment" in html
    assert label("status", "off_track", "zh") in html
    assert html.count('src="data:image/png;base64,') >= 5  # overview, card, models, 2 more
    widgets = [o for c in nb.cells for o in c.get("outputs", [])
               if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]  # fmt: skip
    assert len(widgets) == 1


@pytest.mark.slow
def test_notebook_runs_on_sparse_geography(tmp_path):
    """The district has two years (2010, 2020): the views must say so, not crash."""
    nb = _run(tmp_path, geography="baijiantan", compare_geography="china", lang="en")
    html = _html(nb)
    assert label("status", "insufficient_data", "en") in html
    assert "a trend needs 3" in html  # the model comparison has nothing to compare
    assert "China" in html or "china" in html


@pytest.mark.slow
def test_dropdown_change_rerenders_shown_views_in_place():
    """In a live kernel a dropdown change sends update_display_data for every shown view;
    nbclient applies those updates to the cells' outputs as JupyterLab does."""
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "planeval", "display_name": "Python 3 (planeval)"}
    nb.cells = [
        nbformat.v4.new_code_cell(
            "import planeval\n"
            f"a = planeval.assess('children', 'china', 2024, data_dir={str(DATA)!r})\n"
            "wb = planeval.Workbench(a, 'senior_secondary_gross_enrollment', 'baijiantan', 2020)\n"
            "wb.controls()"
        ),
        nbformat.v4.new_code_cell("wb.show('indicator')"),
        nbformat.v4.new_code_cell("wb.show('sensitivity')"),
        nbformat.v4.new_code_cell("wb._widgets.children[0].value = 'myopia_junior'"),
    ]
    NotebookClient(nb, kernel_name="planeval").execute()
    for cell in nb.cells[1:3]:
        (output,) = cell.outputs
        html = output["data"]["text/html"]
        assert "myopia_junior" in html and "senior_secondary_gross_enrollment" not in html


# --------------------------------------------------------------------------- the session's language
MACHINE_WORDS = ("off_track", "on_track", "forecast_falls_back", "indicator_id", "p_attain ",
                 "drift", "linear", "True", "False", "e-0")  # fmt: skip


def test_a_zh_session_speaks_chinese(national, zh):
    """explain(), the table, the warnings and the model comparison of a zh session carry no
    machine labels, English rule text, booleans or e-notation; gaps have their unit and the
    right sign (初中生近视率 71.4 % against ≤ 60 %: 尚差 11.4个百分点, not "相差 -11.4")."""
    r = national["myopia_junior"]
    text = r.explain("zh")
    assert "尚差 11.4个百分点" in text and "-11.4" not in text
    assert not [w for w in MACHINE_WORDS if w in text], text
    frames = [national.table(lang="zh"), national.warnings("zh")]
    frames.append(national.compare_models("under5_mortality").readable_frame("zh"))
    for frame in frames:
        shown = frame.to_string() + " ".join(map(str, frame.columns))
        assert not [w for w in MACHINE_WORDS if w in shown], shown[:300]


def test_model_comparison_says_applicable_only_for_eligible_models(national, zh):
    frame = national.compare_models("under5_mortality").readable_frame("zh")
    applicable = dict(zip(frame["模型"], frame["适用"], strict=True))
    assert set(applicable.values()) <= {"是", "否"}
    assert applicable[label("model", "logit", "zh")] == "否"  # ‰ is not a share


def test_choosing_no_geography_keeps_the_dropdown_filled():
    """ipywidgets reads a value of None as "nothing selected" and blanks the box: "—" carries
    the empty string, and the workbench reads it as no choice."""
    from planeval.explore.widgets import NONE, Workbench

    wb = Workbench(planeval.assess("children", "china", 2023, data_dir=DATA), "myopia_junior")
    options = wb._year_options()
    assert options[0] == ("—", NONE) and NONE is not None
    assert all(value is not None for _, value in options)
