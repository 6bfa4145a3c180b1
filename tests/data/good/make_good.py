"""Write the well-formed submissions of tests/data/good/ (run once; the files are committed).

    .venv/bin/python tests/data/good/make_good.py

* ``encodings/2023_utf8.csv``, ``2023_utf8_bom.csv``, ``2023_gbk.csv``: one table, three
  encodings; ``encodings/2023.xlsx``: the same values as numbers in a workbook with Chinese
  headers. All four must read to identical values.
* ``observations/demo/``: the demo geography's submissions: 2021 (plain UTF-8), 2022 (GBK, with
  values written the way people write them), 2022_rev1 (a revision of one 2022 value), 2023
  (the ``planeval template`` workbook, filled in).
"""

from __future__ import annotations

from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent

TABLE = (
    "indicator_id,value,unit,sex,source,note,account\n"
    "neonatal_mortality,2.1,‰,total,卫健委,妇幼年报,\n"
    "neonatal_mortality,1.9,‰,female,卫健委,,\n"
    "neonatal_mortality,2.3,‰,male,卫健委,,\n"
    "hospital_delivery_rate,99.8,%,total,卫健委,,\n"
    "preschool_gross_enrollment,101.2,%,total,教育局,含非本区户籍幼儿,\n"
    "employed_women,23456,人,total,人社局,,\n"
    "maternal_mortality,暂无,1/10万,total,卫健委,当年无活产统计,\n"
    "demo_t3_service_system,,,total,卫健委,,新建妇幼保健站2个；培训基层人员120人次\n"
)

OBS_2021 = (
    "indicator_id,value,unit,sex,source,note\n"
    "neonatal_mortality,2.6,‰,total,卫健委,\n"
    "hospital_delivery_rate,99.6,%,total,卫健委,\n"
    "employed_women,22100,人,total,人社局,\n"
)
# written the way people write numbers: each is read and the change noted in parse_note
OBS_2022 = (
    "指标代码,数值,单位,性别,数据来源,备注\n"
    "neonatal_mortality, 2.4 ,‰,合计,卫健委,\n"
    "neonatal_mortality,２.２,‰,女,卫健委,\n"
    "neonatal_mortality,2.6‰,‰,男,卫健委,\n"
    "hospital_delivery_rate,99.7%,%,合计,卫健委,\n"
    'employed_women,"22,870",人,合计,人社局,\n'
    "maternal_mortality,—,1/10万,合计,卫健委,年报未出\n"
)
OBS_2022_REV1 = (
    "indicator_id,value,unit,sex,source,note\n"
    "neonatal_mortality,2.5,‰,total,卫健委,2024年3月核定数\n"
)


def main() -> None:
    enc = HERE / "encodings"
    enc.mkdir(exist_ok=True)
    (enc / "2023_utf8.csv").write_bytes(TABLE.encode("utf-8"))
    (enc / "2023_utf8_bom.csv").write_bytes(TABLE.encode("utf-8-sig"))
    (enc / "2023_gbk.csv").write_bytes(TABLE.encode("gbk"))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "2023年"
    ws.append(["指标代码", "数值", "单位", "性别", "数据来源", "备注", "文字说明"])
    for line in TABLE.splitlines()[1:]:
        ind, value, unit, sex, source, note, account = line.split(",")
        number = None if value in ("", "暂无") else float(value)
        if number is not None and number.is_integer():
            number = int(number)
        ws.append(
            [
                ind,
                value if value == "暂无" else number,
                unit,
                sex,
                source,
                note or None,
                account or None,
            ]
        )
    wb.save(enc / "2023.xlsx")

    obs = HERE / "observations" / "demo"
    obs.mkdir(parents=True, exist_ok=True)
    (obs / "2021.csv").write_bytes(OBS_2021.encode("utf-8"))
    (obs / "2022.csv").write_bytes(OBS_2022.encode("gbk"))
    (obs / "2022_rev1.csv").write_bytes(OBS_2022_REV1.encode("utf-8"))
    from planeval.intake.workbook import DATA_SHEET, write_template

    path = obs / "2023.xlsx"
    path.unlink(missing_ok=True)
    write_template("demo", 2023, "demo", path, data_dir=HERE)
    wb = openpyxl.load_workbook(path)
    ws = wb[DATA_SHEET]
    head = {c.value.split("\n")[-1]: c.column for c in ws[1]}
    fill = {
        "neonatal_mortality": {"value": 2.2, "female": 2.0, "male": 2.4, "source": "卫健委"},
        "hospital_delivery_rate": {"value": 99.9, "source": "卫健委"},
        "employed_women": {"value": 23456, "female": 11000, "male": 12456, "source": "人社局"},
        "demo_t3_service_system": {"account": "新建妇幼保健站2个"},
    }
    for r in range(2, ws.max_row + 1):
        for key, value in fill.get(ws.cell(row=r, column=1).value, {}).items():
            ws.cell(row=r, column=head[key]).value = value
    wb.save(path)


if __name__ == "__main__":
    main()
