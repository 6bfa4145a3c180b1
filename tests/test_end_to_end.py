"""End to end: papermill runs the evaluation notebook on the real national data.

Expected statuses were checked by hand against data/observations/china and the children's plan:

* 婴儿死亡率 (infant_mortality), target 降至 5.0‰以下 (at_most 5.0). The 2023 national value is
  4.5‰ (data/observations/china/2023.csv), inside the plan period and ≤ 5.0 → 已达标.
* 九年义务教育巩固率 (compulsory_education_retention), target 保持在 99%以上 every year
  (maintain_at_least 99). The 2021 national value is 95.4% < 99 → the maintain target is already
  missed in the plan period → 难以达标, whatever the forecast.
* 初中生近视率 (myopia_junior), target 降至 60%以下. National values 71.1 (2020), 71.1 (2021),
  71.4 (2022): flat around 71 with a spread of 0.3 points; 60 lies ~11 points below, dozens of
  residual SDs, so P(attain) ≈ 0 → 难以达标.
"""

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from planeval.intake.observations import sha256_of
from planeval.publish.index import write_index
from planeval.publish.runner import run_report

DATA = Path(__file__).resolve().parents[1] / "data"

pytestmark = pytest.mark.slow


def _input_checksums():
    return {
        str(p): sha256_of(p)
        for p in sorted(DATA.rglob("*"))
        if p.is_file() and "processed" not in p.parts
    }


@pytest.fixture(scope="module")
def checksums_before():
    return _input_checksums()


@pytest.fixture(scope="module")
def report(tmp_path_factory, checksums_before):
    out = tmp_path_factory.mktemp("reports")
    path = run_report("children", "midterm", 2023, "china", data_dir="data", lang="zh", out=out)
    write_index(out)
    return out, path


def test_inputs_are_byte_for_byte_unchanged_by_a_report_run(report, checksums_before):
    """Raw data, plans, observations and settings: same files, same SHA-256 after the run."""
    assert _input_checksums() == checksums_before
    assert len(checksums_before) > 20  # the plans, config and every yearly file were covered


def _row_text(soup, indicator_id):
    cell = soup.find(id=f"ind-{indicator_id}")
    assert cell is not None, indicator_id
    return cell.find_parent("tr").get_text(" ", strip=True)


def test_report_written_with_expected_name(report):
    out, path = report
    assert path.name == "china_children_midterm_2023.html"
    meta = json.loads((out / "china_children_midterm_2023.html.json").read_text(encoding="utf-8"))
    assert (meta["plan"], meta["stage"], meta["year"], meta["geography"]) == (
        "children",
        "midterm",
        2023,
        "china",
    )


def test_chinese_indicator_names_and_hand_checked_statuses(report):
    _, path = report
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    text = soup.get_text(" ", strip=True)
    for name in ("婴儿死亡率", "九年义务教育巩固率", "初中生近视率", "中期评估报告"):
        assert name in text
    # the mid-term verdict: 4.5‰ (2023) meets ≤ 5.0 before 2025; 95.7 % misses ≥ 99 % every
    # year (2021-2023 observed); 71.4 % against ≤ 60 % with p_attain 0.03
    assert "提前实现" in _row_text(soup, "infant_mortality")
    assert "未达标" in _row_text(soup, "compulsory_education_retention")
    assert "实现存在困难" in _row_text(soup, "myopia_junior")


def test_data_after_cutoff_year_is_not_used(report):
    """2024 national values exist (infant mortality 4.0‰) but a 2023 report must not show them."""
    _, path = report
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    headers = [th.get_text(strip=True) for th in soup.select("table.indicators th")]
    assert "2023" in headers
    assert "2024" not in headers


def test_index_links_the_report(report):
    out, _ = report
    soup = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert [a["href"] for a in soup.find_all("a")] == ["china_children_midterm_2023.html"]
