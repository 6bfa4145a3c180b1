"""Charts: what each panel draws, that the fan matches the table's interval, that figures are
embedded with escaped alt text, and that the heatmap and the sex panel show the right numbers.

All tests build small IndicatorAssessment objects or assess the shipped national data (no
notebook is run).
"""

import matplotlib
import pandas as pd
import pytest
from bs4 import BeautifulSoup
from matplotlib.collections import PolyCollection

import planeval
from planeval.assessment.assess import IndicatorAssessment
from planeval.core.labels import label
from planeval.reporting import charts
from planeval.reporting import document as doc
from planeval.reporting.html import render_section


@pytest.fixture(scope="module")
def children_2023():
    return planeval.assess("children", "china", 2023, data_dir="data")


def _result(**kw) -> IndicatorAssessment:
    base = dict(
        indicator_id="x",
        name_zh="测试指标",
        name_en="Test indicator",
        domain="健康",
        item="T1",
        unit="%",
        direction="increase",
        target_type="at_least",
        target_value=90.0,
        target_year=2025,
        target_level=90.0,
        target_sense=">=",
        years=[2019, 2020, 2021, 2022],
        values=[80.0, 82.0, 84.0, 86.0],
        baseline_year=2020,
        baseline_value=82.0,
        model="linear",
    )
    base.update(kw)
    return IndicatorAssessment(**base)


def test_okabe_ito_palette_is_the_published_one():
    """Okabe & Ito (2008): black, orange, sky blue, bluish green, yellow, blue, vermilion,
    reddish purple. Every colour we use must come from that set (plus grey for the gap)."""
    okabe_ito = {
        "#000000",
        "#E69F00",
        "#56B4E9",
        "#009E73",
        "#F0E442",
        "#0072B2",
        "#D55E00",
        "#CC79A7",
    }
    used = {c for k, c in charts.OKABE_ITO.items() if k != "gap"}
    assert used <= okabe_ito


@pytest.mark.parametrize(
    "indicator_id", ["neonatal_mortality", "infant_mortality", "neonatal_visit_rate"]
)
def test_fan_at_target_year_is_the_tables_95pc_interval(children_2023, indicator_id):
    """The chart's 95 % fan ends at the assessment's pi_low/pi_high (same model, same seed):
    neonatal mortality is log-linear (OLS, exact), infant mortality damped ETS (simulated,
    equal only with the assessment's seed), neonatal visits logit-linear."""
    r = children_2023[indicator_id]
    seed = children_2023.settings["forecast"]["seed"]
    years, lo, hi = charts.fan_bounds(r, 0.95, seed)
    assert years[0] == r.latest_year and years[-1] == 2025
    assert lo[-1] == pytest.approx(r.pi_low, rel=1e-9)
    assert hi[-1] == pytest.approx(r.pi_high, rel=1e-9)
    assert lo[0] == hi[0]  # the fan starts with width 0 at the last observed year


def test_panel_draws_target_line_path_and_observations():
    """Target ≥ 90 as a horizontal line at 90; the path from the baseline (2020, 82) to
    (2025, 90); the four observations as points; the fan as two filled bands (80 %, 95 %)."""
    r = _result()
    ax = charts.plot_indicator(r, lang="zh", seed=1)
    lines = {ln.get_label(): ln for ln in ax.get_lines()}
    target = lines[label("chart", "target", "zh")]
    assert set(target.get_ydata()) == {90.0}
    path = lines[label("chart", "path", "zh")]
    assert list(path.get_xdata()) == [2020, 2025]
    assert list(path.get_ydata()) == [82.0, 90.0]
    points = [c for c in ax.collections if c.get_label() == label("chart", "observed", "zh")]
    assert points[0].get_offsets().tolist() == [[2019, 80], [2020, 82], [2021, 84], [2022, 86]]
    fans = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(fans) == 2
    matplotlib.pyplot.close("all")


def test_annual_panel_has_no_trend_and_no_fan():
    r = _result()
    ax = charts.plot_indicator(r, lang="zh", trend=False)
    labels = [ln.get_label() for ln in ax.get_lines()]
    assert label("chart", "trend", "zh") not in labels
    assert not [c for c in ax.collections if isinstance(c, PolyCollection)]
    matplotlib.pyplot.close("all")


def test_band_target_and_reference_series():
    """An 'about 45 ± 2' target is drawn as a band from 43 to 47; the reference geography as
    its own dashed line with the given label."""
    r = _result(
        target_type="about",
        target_value=45.0,
        target_level=45.0,
        target_sense="band",
        band_low=43.0,
        band_high=47.0,
        direction="none",
        values=[44.0, 44.5, 45.0, 45.2],
    )
    ref = pd.Series([40.0, 41.0], index=[2020, 2021])
    ax = charts.plot_indicator(r, lang="en", reference=ref, reference_label="China (national)")
    band = [p for p in ax.patches if p.get_label() == label("chart", "target", "en")]
    rect = band[0]  # a Rectangle in data y coordinates
    assert (rect.get_y(), rect.get_y() + rect.get_height()) == (43.0, 47.0)
    ref_line = [ln for ln in ax.get_lines() if ln.get_label() == "China (national)"][0]
    assert list(ref_line.get_ydata()) == [40.0, 41.0]
    matplotlib.pyplot.close("all")


def test_figure_renders_as_png_with_escaped_alt():
    png = charts.figure_png(charts.indicator_figure(_result()))
    assert png.startswith(b"\x89PNG")
    alt = 'name "quoted" <script>alert(1)</script> & more'
    figure = doc.Figure(png, alt, caption="<b>cap</b>", anchor="fig-x", kind="panel")
    out = render_section(
        doc.DomainSection(1, "d", "domain-1", "", charts_title="c", figures=[figure])
    )
    out = out.replace('<div class="panels">', "").split("<figure", 1)[1]
    assert "<script>" not in out and "<b>cap</b>" not in out
    soup = BeautifulSoup("<figure" + out, "html.parser")
    img = soup.find("img")
    assert img["alt"] == alt  # parsed back: exactly the text, not markup
    assert img["src"].startswith("data:image/png;base64,")
    assert soup.find("figure")["id"] == "fig-x"
    assert soup.find("figcaption").get_text() == "<b>cap</b>"


def _legend(trend: bool, reference: str = "") -> BeautifulSoup:
    entries = [doc.LegendEntry(k, charts.legend_text(k, "zh")) for k in charts.legend_kinds(trend)]
    if reference:
        entries.append(doc.LegendEntry("reference", reference))
    figure = doc.Figure(b"", "alt", kind="panel")
    section = doc.DomainSection(
        1, "d", "domain-1", "", charts_title="c", figures=[figure], legend=entries
    )
    return BeautifulSoup(render_section(section), "html.parser").find("ul", class_="legend")


def test_legend_is_text_with_escaped_labels():
    soup = _legend(True, "<i>区</i>")
    items = [li.get_text(strip=True) for li in soup.find_all("li")]
    assert items[0] == "观测值"
    assert "80% 预测区间" in items and "95% 预测区间" in items
    assert items[-1] == "<i>区</i>"
    assert not soup.find("i")
    assert len(soup.find_all("svg")) == len(items)  # a drawn sample beside every word
    assert "预测区间" not in _legend(False).get_text()


def test_heatmap_cells_carry_the_counts():
    counts = pd.DataFrame({"已达标": [2, 0], "数据不足": [16, 3]}, index=["健康", "安全"])
    fig = charts.status_heatmap(counts)
    texts = sorted(t.get_text() for t in fig.axes[0].texts)
    assert texts == sorted(["2", "0", "16", "3"])
    matplotlib.pyplot.close(fig)


def test_sex_figure_gap_is_female_minus_male():
    """Female 3.8, 3.4; male 4.2, 3.5 → gaps -0.4 and -0.1 (bars of the right panel)."""
    frame = pd.DataFrame({"female": [3.8, 3.4], "male": [4.2, 3.5]}, index=[2021, 2022])
    fig = charts.sex_figure(frame, "‰", "zh")
    bars = fig.axes[1].patches
    assert [round(b.get_height(), 10) for b in bars] == [-0.4, -0.1]
    female = [ln for ln in fig.axes[0].get_lines() if ln.get_label() == "女"][0]
    assert list(female.get_ydata()) == [3.8, 3.4]
    matplotlib.pyplot.close(fig)


def test_panel_without_observations_is_none():
    assert charts.indicator_figure(_result(years=[], values=[])) is None
