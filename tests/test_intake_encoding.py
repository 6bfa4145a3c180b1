"""Encodings people send (issue 22 item 3): UTF-8 (with or without BOM) first, then GB18030/GBK
whenever the bytes decode cleanly and read as plausible Chinese; Big5 and others refused with
the save-as fix and their right name. Short files (1-3 rows) and long ones."""

from __future__ import annotations

import pytest

from planeval.intake.encoding import detect
from planeval.intake.observations import check_submission

UNITS = {
    "under5_mortality": "‰",
    "infant_mortality": "‰",
    "neonatal_mortality": "‰",
    "hospital_delivery_rate": "%",
}
HEADER = "indicator_id,value,unit,sex,source,note"
#: What Excel on Chinese Windows saves for a 卫健委 submission (GBK, CRLF line ends).
GBK_ROWS = [
    "under5_mortality,5.6,‰,total,卫健委,",
    "infant_mortality,3.8,‰,total,卫健委,",
    "neonatal_mortality,1.9,‰,total,卫健委,",
]
#: The same kind of submission written by Taiwanese or Hong Kong software (Big5 has no ‰).
BIG5_ROWS = [
    "hospital_delivery_rate,99.8,%,total,衛生福利部,初步數據",
    "hospital_delivery_rate,99.7,%,female,衛生福利部,",
    "hospital_delivery_rate,99.9,%,male,衛生福利部,",
]


def _write(tmp_path, rows: list[str], encoding: str, name: str = "2023.csv"):
    path = tmp_path / name
    path.write_bytes(("\r\n".join([HEADER, *rows]) + "\r\n").encode(encoding))
    return path


@pytest.mark.parametrize("n_rows", [1, 2, 3])
def test_a_short_gbk_file_saved_by_excel_is_read(tmp_path, n_rows):
    """Was refused as 'detected: cp949' (1 row: big5): on a few bytes every CJK code page
    decodes without chaos and charset-normalizer's overall ranking is a tie."""
    check = check_submission(_write(tmp_path, GBK_ROWS[:n_rows], "gbk"), "demo", 2023, UNITS)
    assert check.problems == []
    assert check.encoding == "gb18030"
    assert check.frame["source"].tolist() == ["卫健委"] * n_rows
    assert check.frame["value"].tolist() == pytest.approx([5.6, 3.8, 1.9][:n_rows], abs=1e-12)


def test_a_long_gbk_file_is_read(tmp_path):
    """3,000 departments' rows of one indicator set, as long files come: every value read."""
    rows = [f"indicator_{i},{i % 90 + 0.5},人,total,卫健委,第{i}行" for i in range(3000)]
    check = check_submission(_write(tmp_path, rows, "gbk"), "demo", 2023, None)
    assert check.encoding == "gb18030"
    assert check.problems == []
    assert len(check.frame) == 3000
    assert check.frame["note"].iloc[-1] == "第2999行"


@pytest.mark.parametrize(("encoding", "label"), [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-bom")])
@pytest.mark.parametrize("n_rows", [1, 3])
def test_short_utf8_files_with_or_without_bom_are_read(tmp_path, encoding, label, n_rows):
    check = check_submission(_write(tmp_path, GBK_ROWS[:n_rows], encoding), "demo", 2023, UNITS)
    assert check.problems == [] and check.encoding == label
    assert check.frame["unit"].tolist() == ["‰"] * n_rows


@pytest.mark.parametrize("n_rows", [1, 3, 1000])
def test_a_big5_file_is_refused_by_its_name_with_the_save_as_fix(tmp_path, n_rows):
    """Was named 'cp874' (Thai) or 'shift_jis_2004': now 'big5', and never read as GBK."""
    rows = (BIG5_ROWS * 400)[:n_rows] if n_rows > 3 else BIG5_ROWS[:n_rows]
    path = _write(tmp_path, rows, "big5")
    check = check_submission(path, "demo", 2023, UNITS)
    (problem,) = check.problems
    assert problem.code == "encoding" and problem.file == str(path)
    assert "detected: big5" in problem.message_en
    assert "big5" in problem.message_zh
    assert "CSV UTF-8 (comma delimited)" in problem.fix and "CSV UTF-8" in problem.fix_zh
    assert check.frame.empty


def test_a_japanese_file_is_named_as_shift_jis_not_read_as_chinese(tmp_path):
    """Shift-JIS kana read as GBK are ideographs (ひらがな -> 傂傜偑側), all 'Chinese' to a
    decoder: the file is refused and named Japanese."""
    rows = ["hospital_delivery_rate,99.8,%,total,ひらがなとカタカナ,厚生労働省"]
    check = check_submission(_write(tmp_path, rows, "shift_jis"), "demo", 2023, UNITS)
    (problem,) = check.problems
    assert "shift_jis (Japanese)" in problem.message_en


def test_detect_reads_gbk_with_traditional_characters_too():
    """GBK holds traditional characters (衛, 會): a GBK file written in them is still GBK."""
    data = "indicator_id,value,source\r\nx,1,衛生健康委員會\r\n".encode("gbk")
    found = detect(data)
    assert found.label == "gb18030" and found.text.endswith("衛生健康委員會\r\n")
