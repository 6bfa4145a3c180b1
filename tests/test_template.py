"""`planeval template`: written, filled by openpyxl as a statistician would, read back."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from planeval.cli import app
from planeval.core.errors import InputError
from planeval.intake.observations import load_observations
from planeval.intake.reading import META_SHEET
from planeval.intake.workbook import DATA_SHEET, write_template
from planeval.plans.catalogue import known_units, load_plan

HERE = Path(__file__).resolve().parent
GOOD = HERE / "data" / "good"
DATA = HERE.parent / "data"


@pytest.fixture()
def data_dir(tmp_path):
    shutil.copytree(GOOD / "plans", tmp_path / "plans")
    shutil.copy(GOOD / "indicators.yaml", tmp_path / "indicators.yaml")
    (tmp_path / "observations" / "demo").mkdir(parents=True)
    return tmp_path


def _columns(ws):
    return {c.value.split("\n")[-1]: c.column for c in ws[1]}


def test_template_layout_protection_and_validation(data_dir):
    path = write_template("demo", 2024, "demo", data_dir / "t.xlsx", data_dir=data_dir)
    wb = openpyxl.load_workbook(path)
    ws = wb[DATA_SHEET]
    cols = _columns(ws)
    assert list(cols) == [
        "indicator_id",
        "name_zh",
        "unit",
        "definition",
        "department",
        "value",
        "female",
        "male",
        "source",
        "note",
        "account",
    ]
    plan = load_plan("demo", data_dir)
    ids = [ws.cell(row=r, column=1).value for r in range(2, ws.max_row + 1)]
    assert ids == [*plan.indicator_ids, "maternal_mortality"]  # then the registered indicator
    nm = plan.indicator_ids.index("neonatal_mortality") + 2
    assert ws.cell(row=nm, column=cols["unit"]).value == "‰"
    assert ws.cell(row=nm, column=cols["name_zh"]).value == "新生儿死亡率"
    assert ws.protection.sheet is True
    assert ws.cell(row=1, column=1).protection.locked  # header locked
    assert ws.cell(row=nm, column=cols["unit"]).protection.locked
    for name in ("value", "female", "male", "source", "note", "account"):
        assert not ws.cell(row=nm, column=cols[name]).protection.locked, name
    qual = plan.indicator_ids.index("demo_t3_service_system") + 2  # not_statistical
    assert ws.cell(row=qual, column=cols["value"]).protection.locked
    assert not ws.cell(row=qual, column=cols["account"]).protection.locked
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    pct = plan.indicator_ids.index("hospital_delivery_rate") + 2
    dv = next(d for ref, d in rules.items() if f"F{pct}:H{pct}" in ref.split())
    assert (dv.type, dv.operator, dv.formula1, dv.formula2) == ("decimal", "between", "0", "100")
    gross = plan.indicator_ids.index("preschool_gross_enrollment") + 2
    dv = next(d for ref, d in rules.items() if f"F{gross}:H{gross}" in ref.split())
    assert (dv.operator, dv.formula1) == ("greaterThanOrEqual", "0")  # may exceed 100
    assert not any(f"F{qual}" in ref for ref in rules)
    about = {r[0]: r[1] for r in wb[META_SHEET].iter_rows(values_only=True) if r[0]}
    assert (about["plan"], about["geography"], about["year"]) == ("demo", "demo", 2024)


def test_filled_template_reads_back_as_data(data_dir):
    path = data_dir / "observations" / "demo" / "2024.xlsx"
    write_template("demo", 2024, "demo", path, data_dir=data_dir)
    wb = openpyxl.load_workbook(path)
    ws = wb[DATA_SHEET]
    cols = _columns(ws)
    rows = {ws.cell(row=r, column=1).value: r for r in range(2, ws.max_row + 1)}
    r = rows["neonatal_mortality"]
    ws.cell(row=r, column=cols["value"]).value = 2.2
    ws.cell(row=r, column=cols["female"]).value = 2.0
    ws.cell(row=r, column=cols["male"]).value = 2.4
    ws.cell(row=r, column=cols["source"]).value = "卫健委妇幼年报"
    r = rows["hospital_delivery_rate"]
    ws.cell(row=r, column=cols["value"]).value = "—"
    ws.cell(row=r, column=cols["note"]).value = "年报未出"
    ws.cell(row=rows["demo_t3_service_system"], column=cols["account"]).value = "新建保健站2个"
    wb.save(path)

    obs = load_observations(data_dir, "demo", known_units(data_dir))
    got = {(o.indicator_id, o.sex): o.value for o in obs.itertuples()}
    assert got[("neonatal_mortality", "total")] == 2.2
    assert got[("neonatal_mortality", "female")] == 2.0
    assert got[("neonatal_mortality", "male")] == 2.4
    assert len(obs) == 5  # 3 + missing delivery rate + the account; unfilled rows are not data
    hd = obs[obs.indicator_id == "hospital_delivery_rate"].iloc[0]
    assert hd.value != hd.value and "marked missing" in hd.parse_note and hd.note == "年报未出"
    acc = obs[obs.indicator_id == "demo_t3_service_system"].iloc[0]
    assert acc.account == "新建保健站2个"
    assert set(obs["year"]) == {2024} and set(obs["sheet"]) == {DATA_SHEET}


def test_template_for_shipped_plans_lists_every_target(tmp_path):
    from planeval.plans.loading import registered_indicators

    registered = [e["indicator_id"] for e in registered_indicators(DATA)]
    for plan in ("women", "children"):
        path = write_template(plan, 2025, "baijiantan", tmp_path / f"{plan}.xlsx", data_dir=DATA)
        ws = openpyxl.load_workbook(path)[DATA_SHEET]
        targets = load_plan(plan, DATA).indicator_ids
        ids = [ws.cell(row=r, column=1).value for r in range(2, ws.max_row + 1)]
        assert ids == [*targets, *(i for i in registered if i not in targets)]


def test_templates_carry_the_registered_monitoring_indicators(tmp_path):
    """孕产妇死亡率, 孕产妇住院分娩率 ... are shown in the reports' monitoring section but had no
    row in any template: each plan's template has them after its targets (unit, the note that
    there is no target, numeric validation), the 卫健委 workbook those that name 卫健委, and a
    filled row reads back as data."""
    path = write_template("women", 2024, "baijiantan", tmp_path / "2024.xlsx", data_dir=DATA)
    ws = openpyxl.load_workbook(path)[DATA_SHEET]
    cols = _columns(ws)
    rows = {ws.cell(row=r, column=1).value: r for r in range(2, ws.max_row + 1)}
    r = rows["maternal_mortality"]
    assert ws.cell(row=r, column=cols["name_zh"]).value == "孕产妇死亡率"
    assert ws.cell(row=r, column=cols["unit"]).value == "1/10万"
    assert ws.cell(row=r, column=cols["definition"]).value.startswith("监测指标（规划未设目标值）")
    assert not ws.cell(row=r, column=cols["value"]).protection.locked
    ranges = " ".join(str(v.sqref) for v in ws.data_validations.dataValidation)
    assert f"F{r}:H{r}" in ranges  # numeric validation on value, female, male
    ws.cell(row=r, column=cols["value"]).value = 14.2
    wb = ws.parent
    wb.save(tmp_path / "2024.xlsx")
    data = tmp_path / "data"
    shutil.copytree(DATA / "plans", data / "plans")
    for name in ("indicators.yaml", "geographies.yaml", "departments.yaml", "units.yaml"):
        shutil.copy(DATA / name, data / name)
    (data / "observations" / "baijiantan").mkdir(parents=True)
    shutil.copy(tmp_path / "2024.xlsx", data / "observations" / "baijiantan" / "2024.xlsx")
    obs = load_observations(data, "baijiantan", known_units(data))
    assert obs.set_index("indicator_id").loc["maternal_mortality", "value"] == pytest.approx(14.2)
    health = write_template(
        None, 2024, "baijiantan", tmp_path / "h.xlsx", data_dir=DATA, department="卫健委"
    )
    ws = openpyxl.load_workbook(health)[DATA_SHEET]
    ids = [ws.cell(row=r, column=1).value for r in range(2, ws.max_row + 1)]
    assert {"maternal_mortality", "hospital_delivery_rate", "premarital_exam_rate"} <= set(ids)
    assert "higher_education_gross_enrollment" not in ids  # 教育局's


def test_template_text_from_a_plan_is_never_a_live_formula(tmp_path):
    """A plan field beginning with '=' became a formula in the workbook sent to departments
    (=HYPERLINK(...), =cmd|' /C calc'!A0): written as text now (a leading ')."""
    data = tmp_path / "data"
    shutil.copytree(GOOD / "plans", data / "plans")
    plan_file = next((data / "plans").glob("*.yaml"))
    text = plan_file.read_text(encoding="utf-8")
    text = text.replace(
        'name_zh: "新生儿死亡率"', 'name_zh: "=HYPERLINK(\\"http://evil\\",\\"x\\")"'
    )
    plan_file.write_text(text, encoding="utf-8")
    (data / "indicators.yaml").write_text(
        "indicators:\n  - {indicator_id: x_rate, name_zh: \"=cmd|' /C calc'!A0\", unit: '%'}\n",
        encoding="utf-8",
    )
    path = write_template("demo", 2024, "demo", tmp_path / "t.xlsx", data_dir=data)
    ws = openpyxl.load_workbook(path)[DATA_SHEET]
    cells = [c for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]  # no formula anywhere
    names = {c.value for c in cells if isinstance(c.value, str)}
    assert '\'=HYPERLINK("http://evil","x")' in names and "'=cmd|' /C calc'!A0" in names


def test_template_never_overwrites_a_file(data_dir):
    path = data_dir / "2024.xlsx"
    path.write_bytes(b"a filled submission")
    with pytest.raises(InputError) as err:
        write_template("demo", 2024, "demo", path, data_dir=data_dir)
    assert "already exists" in err.value.problems[0].message_en
    assert path.read_bytes() == b"a filled submission"
    with pytest.raises(InputError):
        write_template("demo", 2024, "demo", data_dir / "t.csv", data_dir=data_dir)


def test_template_command(data_dir):
    out = data_dir / "2024.xlsx"
    result = CliRunner().invoke(
        app,
        [
            "template",
            "--plan",
            "demo",
            "--year",
            "2024",
            "--geography",
            "demo",
            "--out",
            str(out),
            "--data-dir",
            str(data_dir),
        ],
    )
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(out)[DATA_SHEET].max_row == 8  # 6 targets, 1 registered
    result = CliRunner().invoke(
        app,
        [
            "template",
            "--plan",
            "nope",
            "--year",
            "2024",
            "--geography",
            "demo",
            "--out",
            str(data_dir / "x.xlsx"),
            "--data-dir",
            str(data_dir),
        ],
    )
    assert result.exit_code == 1 and "no plan named 'nope'" in result.output


@pytest.mark.parametrize(
    ("year", "geography", "words"),
    [
        (1925, "baijiantan", "data year 1925 is outside"),
        ("2031", "baijiantan", "data year 2031 is outside"),
        (2024, "白碱滩区", "it matches baijiantan"),
    ],
)
def test_python_template_and_status_refuse_what_the_commands_refuse(
    tmp_path, year, geography, words
):
    """`template --year 1925/2031` wrote templates that would be refused, and status wrote an
    'all missing' page: the Python functions make the commands' request checks too, with the
    fix in Python words (year=...)."""
    from planeval.intake.status import submission_status

    with pytest.raises(InputError) as err:
        write_template("children", year, geography, tmp_path / "t.xlsx", data_dir=DATA)
    assert words in str(err.value) and not (tmp_path / "t.xlsx").exists()
    with pytest.raises(InputError) as err:
        submission_status(DATA, geography, year)
    assert words in str(err.value)
