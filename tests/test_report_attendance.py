"""Optional attendance sheet reader (kaoping.excel.attendance)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook

from kaoping.errors import KaopingError
from kaoping.excel.attendance import parse_attendance_month, read_attendance
from kaoping.output.workbook import save_workbook
from kaoping.models import Severity
from kaoping.periods import Month


def _book(tmp_path: Path, rows: list[list], name: str = "考勤.xlsx", title_rows: int = 1) -> Path:
    wb = Workbook()
    ws = wb.active
    for _ in range(title_rows):
        ws.append(["2026年第三季度考勤汇总"])
    for row in rows:
        ws.append(row)
    return save_workbook(wb, tmp_path / name)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2026-07", Month(2026, 7)), ("2026年7月", Month(2026, 7)), ("2026/8", Month(2026, 8)),
     ("２０２６－０９", Month(2026, 9)), ("202607", Month(2026, 7)), (202608, Month(2026, 8)),
     (dt.datetime(2026, 9, 1), Month(2026, 9)), (dt.date(2026, 7, 15), Month(2026, 7)),
     (46204, Month(2026, 7)), ("2026-07-01", Month(2026, 7)), ("2026年8月1日", Month(2026, 8))],
)
def test_months(value, expected):
    assert parse_attendance_month(value) == expected


@pytest.mark.parametrize("value", ["7月", "2026-13", "下月", True, -5])
def test_bad_months(value):
    with pytest.raises(KaopingError):
        parse_attendance_month(value)


def test_reads_by_header_labels_in_any_order(tmp_path: Path):
    path = _book(tmp_path, [
        ["姓名", "调休（天）", "月 份", "工号", "年休假", "病事假\n(天)"],
        ["张一", None, "2026-07", "001", 2, "1.5天"],
        ["张一", 1, dt.datetime(2026, 8, 1), 1.0, None, "１"],
        [None, None, None, None, None, None],
        ["李二", "半天", "2026年9月", "002", "0", None],
    ])
    records, findings = read_attendance(path)
    assert findings == []
    assert [(r.staff_id, r.month, r.sick_personal_days, r.annual_leave_days, r.comp_leave_days)
            for r in records] == [("001", 7, 1.5, 2, 0), ("1", 8, 1, 0, 1), ("002", 9, 0, 0, 0.5)]
    assert records[1].blank_fields == ["annual_leave_days"]
    assert records[2].blank_fields == ["sick_personal_days"]
    assert records[0].source.sheet == "Sheet" and records[0].source.cell("sick_personal") == "F3"


def test_separate_sick_and_personal_columns_are_summed(tmp_path: Path):
    path = _book(tmp_path, [["工号", "月份", "病假", "事假", "年休"],
                            ["001", "2026-07", 1, 2.5, None]], title_rows=0)
    (r,), findings = read_attendance(path)
    assert r.sick_personal_days == 3.5 and not findings


def test_bad_cells_become_findings_and_skip_the_row(tmp_path: Path):
    path = _book(tmp_path, [
        ["工号", "月份", "病事假", "年休", "调休"],
        ["001", "2026-07", "很多", 0, 0],
        ["002", "明年", 1, 0, 0],
        [None, "2026-07", 1, 0, 0],
        ["003", "2026-07", -1, 0, 0],
        ["004", "2026-07", 1, 0, 0],
        ["004", "2026年7月", 2, 0, 0],
        ["005", None, 2, 0, 0],
    ])
    records, findings = read_attendance(path)
    assert [r.staff_id for r in records] == ["004"] and records[0].sick_personal_days == 1
    assert [(f.cell, f.severity) for f in findings] == [
        ("C3", Severity.ERROR), ("B4", Severity.ERROR), ("A5", Severity.ERROR),
        ("C6", Severity.ERROR), ("A8", Severity.ERROR), ("B9", Severity.ERROR)]
    assert "第7行" in findings[4].message
    assert all(f.file == str(path) and f.sheet == "Sheet" for f in findings)


def test_not_an_attendance_sheet(tmp_path: Path):
    with pytest.raises(KaopingError, match="工号"):
        read_attendance(_book(tmp_path, [["姓名", "分数"], ["张一", 90]]))
    with pytest.raises(KaopingError, match="天数列"):
        read_attendance(_book(tmp_path, [["工号", "月份", "备注"]], name="b.xlsx"))
    with pytest.raises(KaopingError, match="找不到"):
        read_attendance(tmp_path / "nope.xlsx")
    (tmp_path / "x.xlsx").write_text("hello")
    with pytest.raises(KaopingError):
        read_attendance(tmp_path / "x.xlsx")
