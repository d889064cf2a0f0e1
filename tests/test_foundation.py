"""Foundation pieces: periods, safe names, atomic writes, settings, problems workbook."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kaoping.config import load_settings
from kaoping.errors import KaopingError, OutputExistsError
from kaoping.excel.book import load_book
from kaoping.output.workbook import put, save_workbook
from kaoping.models import Finding, Severity
from kaoping.paths import safe_filename
from kaoping.periods import Month, parse_month, parse_quarter
from kaoping.report.problems import build_problems_workbook


def test_weeks_of_month_are_monday_based_and_clipped():
    # July 2026 starts on a Wednesday: week 1 is 1–5 July, week 2 is 6–12 July.
    weeks = Month(2026, 7).weeks()
    assert weeks[0] == (dt.date(2026, 7, 1), dt.date(2026, 7, 5))
    assert weeks[1] == (dt.date(2026, 7, 6), dt.date(2026, 7, 12))
    assert weeks[-1] == (dt.date(2026, 7, 27), dt.date(2026, 7, 31))
    assert len(weeks) == 5
    # February 2027 starts on a Monday and has exactly four full weeks.
    assert len(Month(2027, 2).weeks()) == 4


@pytest.mark.parametrize("text", ["2026Q3", "2026-q3", "2026年第三季度", "2026年第3季度"])
def test_parse_quarter(text):
    q = parse_quarter(text)
    assert (q.year, q.quarter) == (2026, 3)
    assert [m.month for m in q.months] == [7, 8, 9]


@pytest.mark.parametrize("text", ["2026-07", "2026/7", "2026年7月", "2026.07"])
def test_parse_month(text):
    assert parse_month(text) == Month(2026, 7)


@pytest.mark.parametrize("text", ["2026-13", "七月", "2026Q5"])
def test_bad_periods(text):
    with pytest.raises(KaopingError):
        parse_month(text) if "Q" not in text else parse_quarter(text)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("../../etc/passwd", "_.._etc_passwd"), ("CON", "_CON"), ("a/b\\c", "a_b_c"),
     ("张\u200b三 ", "张_三"), ("..", "未命名"), ("ｌｉ　ｓｉ", "li si")],
)
def test_safe_filename(raw, expected):
    assert safe_filename(raw) == expected


def test_save_is_atomic_and_refuses_overwrite(tmp_path: Path):
    from openpyxl import Workbook

    wb = Workbook()
    put(wb.active["A1"], "=HYPERLINK(\"http://x\")")
    out = tmp_path / "out.xlsx"
    save_workbook(wb, out)
    before = out.read_bytes()
    with pytest.raises(OutputExistsError):
        save_workbook(Workbook(), out)
    assert out.read_bytes() == before
    save_workbook(Workbook(), out, force=True)
    assert out.read_bytes() != before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".~kaoping")]


def test_formula_like_text_is_stored_literally(tmp_path: Path):
    from openpyxl import Workbook

    wb = Workbook()
    put(wb.active["A1"], "=1+1")
    put(wb.active["A2"], "+1")
    save_workbook(wb, tmp_path / "t.xlsx")
    grid = load_book(tmp_path / "t.xlsx").sheets[0]
    assert grid.value(1, 1) == "=1+1"
    assert grid.value(2, 1) == "+1"


def test_settings_defaults_and_override(tmp_path: Path):
    cfg = tmp_path / "kaoping.toml"
    cfg.write_text("[quota]\ngood_ratio = 0.3\n", encoding="utf-8")
    settings = load_settings(cfg)
    assert settings.quota.good_ratio == 0.3
    assert settings.attendance.min_ratio == 0.8
    cfg.write_text("[quota]\ngood_ratio = 3\n", encoding="utf-8")
    with pytest.raises(KaopingError) as err:
        load_settings(cfg)
    assert "good_ratio" in err.value.message


def test_problems_workbook_has_a_sheet_per_unit():
    findings = [
        Finding(rule="Q1", severity=Severity.ERROR, message="自评未打钩", unit="办公室", person="张三"),
        Finding(rule="Q2", severity=Severity.WARNING, message="好等次超比例", unit="鹿城分中心"),
    ]
    wb = build_problems_workbook(findings)
    assert wb.sheetnames == ["全部", "办公室", "鹿城分中心", "_kaoping"]
    assert wb["全部"]["I3"].value == "自评未打钩"  # errors first (问题 is column I on 全部)
    assert wb["全部"].max_row == 4


def test_problems_workbook_is_not_read_back_as_a_form(tmp_path: Path):
    from kaoping.excel.read import read_workbook
    from kaoping.models import FormKind
    from kaoping.report.problems import write_problems

    findings = [Finding(rule="W3", severity=Severity.ERROR, unit="办公室",
                        message="一周小记表第3行：已完成的注明完成时间")]
    path = write_problems(findings, tmp_path / "问题清单.xlsx")
    result = read_workbook(path)
    assert result.kind == FormKind.PROBLEMS
    assert result.forms == []
    assert [f.rule for f in result.findings] == ["F2"]


def test_unwritable_output_is_a_clear_error_not_a_traceback(tmp_path: Path):
    from openpyxl import Workbook

    from kaoping.output.workbook import atomic_write_bytes

    blocker = tmp_path / "是文件"
    blocker.write_text("x")
    for write in (lambda p: save_workbook(Workbook(), p), lambda p: atomic_write_bytes(p, b"x")):
        with pytest.raises(KaopingError) as err:
            write(blocker / "out.xlsx")  # the parent "folder" is a file
        assert err.value.file.endswith("out.xlsx") and "无法写入" in err.value.message
    assert blocker.read_text() == "x"


def test_scan_lists_other_spreadsheet_formats_and_skips_lock_and_hidden_files(tmp_path: Path):
    from kaoping.paths import scan_workbooks

    for name in ("a.xlsx", "b.xlsb", "c.xls", "d.ods", "~$a.xlsx", ".hidden.xlsx", "note.txt"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "e.xlsx").write_bytes(b"x")
    assert [p.name for p in scan_workbooks(tmp_path)] == ["a.xlsx", "b.xlsb", "c.xls", "d.ods"]
