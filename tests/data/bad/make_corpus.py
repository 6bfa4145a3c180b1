"""Write the malformed-submission corpus of tests/data/bad/ (run once; the files are committed).

    .venv/bin/python tests/data/bad/make_corpus.py

Each file holds one kind of fault a department's submission really shows (or, for
``2023_many_problems.csv``, several at once); ``expected.yaml`` lists the exact problems each
must produce. The catalogue they are checked against is ``tests/data/good`` (plan ``demo``).
The .xlsx files are written with openpyxl; their bytes hold a timestamp, so re-running this
script changes them without changing their content.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
H = "indicator_id,value,unit,sex,source,note\n"

CSV = {
    "2023_unknown_indicator.csv": H + "neonatal_mortality,2.1,‰,total,卫健委,\n"
    "neonatal_mortallity,2.1,‰,total,卫健委,\n",
    "2023_unit_permille_for_percent.csv": H + "hospital_delivery_rate,99.1,‰,total,卫健委,\n",
    "2023_unit_missing.csv": H + "hospital_delivery_rate,99.1,,total,卫健委,\n",
    "2023_percent_over_100.csv": H + "hospital_delivery_rate,100.4,%,total,卫健委,\n",
    "2023_percent_negative.csv": H + "hospital_delivery_rate,-1,%,total,卫健委,\n",
    "2023_rate_negative.csv": H + "neonatal_mortality,-2.1,‰,total,卫健委,\n",
    "2023_count_negative.csv": H + "employed_women,-5,人,total,人社局,\n",
    "2023_duplicate_total.csv": H + "neonatal_mortality,2.1,‰,total,卫健委,\n"
    "hospital_delivery_rate,99.1,%,total,卫健委,\n"
    "neonatal_mortality,2.3,‰,total,卫健委,revised\n",
    "2023_duplicate_wide_long.csv": "indicator_id,value,female,male,unit,sex,source\n"
    "neonatal_mortality,2.1,1.9,2.3,‰,total,卫健委\n"
    "neonatal_mortality,2.0,,,‰,female,卫健委\n",
    "2023_year_column_mismatch.csv": "indicator_id,year,value,unit\n"
    "neonatal_mortality,2022,2.1,‰\n",
    "2023_rate_total_outside.csv": H + "neonatal_mortality,2.9,‰,total,卫健委,\n"
    "neonatal_mortality,2.0,‰,female,卫健委,\nneonatal_mortality,2.4,‰,male,卫健委,\n",
    "2023_count_sum_mismatch.csv": "indicator_id,value,female,male,unit\n"
    "employed_women,260,120,130,人\n",
    "2023_scaled_count_sum_mismatch.csv": "indicator_id,value,female,male,unit\n"
    "women_in_training,2.7,1.2,1.3,万人\n",
    "2023_not_a_number.csv": H + "neonatal_mortality,six,‰,total,卫健委,\n",
    "2023_approximate_value.csv": H + "hospital_delivery_rate,约99,%,total,卫健委,\n",
    "2023_greater_than.csv": H + "hospital_delivery_rate,>99,%,total,卫健委,\n",
    "2023_decimal_comma.csv": H + 'hospital_delivery_rate,"99,5",%,total,卫健委,\n',
    "2023_two_decimal_points.csv": H + "hospital_delivery_rate,99.5.1,%,total,卫健委,\n",
    "2023_wrong_suffix.csv": H + "neonatal_mortality,2.1%,‰,total,卫健委,\n",
    "2023_nan_text.csv": H + "neonatal_mortality,nan,‰,total,卫健委,\n",
    "2023_infinite.csv": H + "neonatal_mortality,1e999,‰,total,卫健委,\n",
    "2023_bad_sex.csv": H + "neonatal_mortality,2.1,‰,both,卫健委,\n",
    "2023_missing_value_column.csv": "indicator_id,unit,sex,source,note\n"
    "neonatal_mortality,‰,total,卫健委,\n",
    "2023_unknown_column.csv": "indicator_id,vlaue,unit,sex,source,note\n"
    "neonatal_mortality,2.1,‰,total,卫健委,\n",
    "2023_duplicate_column.csv": "indicator_id,value,unit,note,note\n"
    "neonatal_mortality,2.1,‰,a,b\n",
    "2023_semicolon.csv": "indicator_id;value;unit;sex;source;note\n"
    "neonatal_mortality;2.1;‰;total;卫健委;\n",
    "2023_no_header.csv": "neonatal_mortality,2.1,‰,total,卫健委,\n",
    "2023_empty.csv": "",
    "2023_header_only.csv": H,
    "2023_extra_cell.csv": H + "neonatal_mortality,2.1,‰,total,卫健委,,2.2\n",
    "2023_no_indicator.csv": H + ",2.1,‰,total,卫健委,\n",
    "2023_wide_in_female_row.csv": "indicator_id,value,female,unit,sex\n"
    "neonatal_mortality,2.0,1.9,‰,female\n",
    "2023_bad_year_cell.csv": "indicator_id,year,value,unit\nneonatal_mortality,二〇二三,2.1,‰\n",
    "2023_geography_mismatch.csv": "indicator_id,geography,value,unit\n"
    "neonatal_mortality,china,2.1,‰\n",
    "2023_many_problems.csv": H + "neonatal_mortality,2.1,‰,total,卫健委,\n"
    "hospital_delivery_rate,101,%,total,卫健委,\n"
    "neonatal_mortality,two,‰,female,卫健委,\n"
    "maternal_mortality,15.2,‰,total,卫健委,\n"
    "preschool_gross_enrolment,98,%,total,教育局,\n",
    "2023_value_in_source_column.csv": H + "neonatal_mortality,,‰,total,4.5,\n",
    "2023_value_in_unit_column.csv": H + "neonatal_mortality,,6.2,total,x,\n",
    "2023_unit_wrong_value_missing.csv": H + "hospital_delivery_rate,,‰,total,卫健委,\n",
    "2023_permille_over_1000.csv": H + "neonatal_mortality,1200,‰,total,卫健委,\n",
    "2023_per100k_over_100000.csv": H + "maternal_mortality,100001,1/10万,total,卫健委,\n",
    "2023_huge_value.csv": H + "employed_women,1e308,人,total,人社局,\n",
    "2023_qualitative_number.csv": H + "demo_t3_service_system,3,,total,卫健委,\n",
    "2023_rev1.csv": H + "neonatal_mortality,2.1,‰,total,卫健委,revised\n",
    "noyear.csv": H + "neonatal_mortality,2.1,‰,total,卫健委,\n",
}


def write_xlsx(
    name: str,
    rows: list[list],
    sheet: str = "data",
    fmt: dict | None = None,
    meta: list[tuple] | None = None,
) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    for coord, number_format in (fmt or {}).items():
        ws[coord].number_format = number_format
    if meta:
        about = wb.create_sheet("说明 about")
        for row in meta:
            about.append(list(row))
    wb.save(HERE / name)


def main() -> None:
    for name, text in CSV.items():
        (HERE / name).write_bytes(text.encode("utf-8"))
    (HERE / "2023_utf16.csv").write_bytes(
        (H + "neonatal_mortality,2.1,‰,total,卫健委,\n").encode("utf-16")
    )
    (HERE / "2023_not_utf8_or_gbk.csv").write_bytes(
        H.encode() + b"neonatal_mortality,2.1,\xe2\x80\xb0,total,\xff\xfe\xfd,\n"
    )
    (HERE / "2023_old_excel.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    (HERE / "2023_corrupt.xlsx").write_bytes(b"PK\x03\x04 this is not a workbook")
    header = ["indicator_id", "value", "unit", "sex"]
    write_xlsx(
        "2023_date_cell.xlsx",
        [header, ["neonatal_mortality", dt.datetime(2023, 2, 1), "‰", "total"]],
    )
    write_xlsx("2023_formula_no_value.xlsx", [header, ["employed_women", "=100+20", "人", "total"]])
    write_xlsx(
        "2023_percent_format_wrong_unit.xlsx",
        [header, ["neonatal_mortality", 0.021, "‰", "total"]],
        fmt={"B2": "0.0%"},
    )
    write_xlsx(
        "2023_excel_error.xlsx", [header, ["hospital_delivery_rate", "#DIV/0!", "%", "total"]]
    )
    write_xlsx("2023_bool_cell.xlsx", [header, ["hospital_delivery_rate", True, "%", "total"]])
    write_xlsx("2023_no_header.xlsx", [["指标", "数值"], ["neonatal_mortality", 2.1]])
    write_xlsx(
        "2023_template_year_mismatch.xlsx",
        [
            ["指标代码\nindicator_id", "单位\nunit", "合计\nvalue", "女\nfemale", "男\nmale"],
            ["neonatal_mortality", "‰", 2.1, 1.9, 2.3],
        ],
        sheet="填报 data",
        meta=[("plan", "demo"), ("geography", "demo"), ("year", 2022)],
    )
    wb = openpyxl.Workbook()
    wb.active.title = "合计"
    wb.active.append(header)
    wb.active.append(["neonatal_mortality", 2.1, "‰", "total"])
    extra = wb.create_sheet("分性别")
    extra.append(["指标", "女", "男"])
    extra.append(["新生儿死亡率", 1.9, 2.3])
    wb.save(HERE / "2023_second_sheet_not_read.xlsx")
    write_xlsx(
        "2023_template_geography_mismatch.xlsx",
        [["指标代码\nindicator_id", "单位\nunit", "合计\nvalue"], ["neonatal_mortality", "‰", 2.1]],
        sheet="填报 data",
        meta=[("plan", "demo"), ("geography", "china"), ("year", 2023)],
    )

    write_xlsx("2023_xlsx_renamed.csv", [header, ["neonatal_mortality", 2.1, "‰", "total"]])


if __name__ == "__main__":
    main()
