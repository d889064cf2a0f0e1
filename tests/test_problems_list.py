"""The printable 问题清单 (kaoping.report.problems): the columns a unit fills in, rows as tall
as their wrapped text, paths below the folder checked, one A4 landscape page wide. The
printout itself is checked through LibreOffice in tests/test_libreoffice_print.py."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kaoping.models import Finding, Severity
from kaoping.output.style import LINE_HEIGHT, ROW_PADDING, row_height, text_lines
from kaoping.report.problems import COLUMNS, HEADERS, build_problems_workbook, relative
from kaoping.rules.catalog import BY_ID

BASE = Path("收回") / "2026Q3"
LONG = "「鹿城分中心」2026年第三季度实际参加 13 人，“好”等次 6 人，占 46.2%，超过 40% 上限 5 人（§四(三)3）；" * 3


def _finding(**kw) -> Finding:
    return Finding(**{"rule": "Q1", "severity": Severity.ERROR, "message": "自评未打钩", "unit": "财务处",
                      "person": "王磊", "file": str(BASE / "财务处" / "王磊-2026Q3.xlsx"),
                      "sheet": "季度评价", "cell": "C8:F8", **kw})


def _rows(ws) -> list[dict[str, object]]:
    head = [c.value for c in ws[2]]
    return [dict(zip(head, (c.value for c in row), strict=True)) for row in ws.iter_rows(min_row=3)]


def test_a_units_sheet_has_the_columns_a_unit_fills_in():
    wb = build_problems_workbook([_finding()], base=BASE)
    assert [c.value for c in wb["财务处"][2]] == list(HEADERS) == [
        "序号", "级别", "规则", "姓名", "文件", "工作表", "单元格", "问题", "改法", "处理情况"]
    (row,) = _rows(wb["财务处"])
    assert row["改法"] == BY_ID["Q1"].fix
    assert row["处理情况"] is None  # left for the unit
    assert (row["姓名"], row["工作表"], row["单元格"], row["问题"]) == ("王磊", "季度评价", "C8:F8", "自评未打钩")


def test_the_all_sheet_adds_the_unit():
    wb = build_problems_workbook([_finding()], base=BASE)
    head = [c.value for c in wb["全部"][2]]
    assert head == [*HEADERS[:3], "单位", *HEADERS[3:]]
    assert _rows(wb["全部"])[0]["单位"] == "财务处"


def test_paths_are_shown_below_the_folder_checked():
    abs_file = os.path.abspath(BASE / "财务处" / "王磊-2026-08.xlsx")
    f = _finding(message=f"全年累计与前月不符（{abs_file} C10）")
    (row,) = _rows(build_problems_workbook([f], base=BASE)["财务处"])
    assert row["文件"] == str(Path("财务处", "王磊-2026Q3.xlsx"))
    assert row["问题"] == f"全年累计与前月不符（{Path('财务处', '王磊-2026-08.xlsx')} C10）"
    assert os.path.abspath(".") not in row["问题"]


def test_a_path_outside_the_folder_or_without_a_folder_is_kept():
    assert relative("花名册/花名册.xlsx", BASE) == "花名册/花名册.xlsx"
    assert relative(str(BASE / "a.xlsx"), None) == str(BASE / "a.xlsx")
    # A sibling folder whose name starts like the checked one is not cut.
    assert relative(str(BASE) + "-旧/a.xlsx", BASE) == str(BASE) + "-旧/a.xlsx"


def test_each_row_is_as_tall_as_its_longest_wrapped_text():
    wb = build_problems_workbook([_finding(), _finding(message=LONG, person="李四")], base=BASE)
    ws = wb["财务处"]
    widths = dict(COLUMNS)
    short, long = ws.row_dimensions[3].height, ws.row_dimensions[4].height
    assert long > short
    # At least the lines the message takes at two width units a CJK character.
    cjk = sum(1 for ch in LONG if ord(ch) > 0x2E80)
    assert long >= (cjk * 2 // (widths["问题"] - 1)) * LINE_HEIGHT
    assert long == row_height([str(c.value) if c.value is not None else None for c in ws[4]],
                              [w for _, w in COLUMNS])


@pytest.mark.parametrize(("text", "width", "lines"), [
    ("", 10, 1), ("五个中文字", 11, 1), ("六个中文字符", 11, 2), ("abcdefghi", 11, 1),
    ("第一行\n第二行", 40, 2), ("一" * 40, 21, 4)])
def test_text_lines(text, width, lines):
    assert text_lines(text, width) == lines


def test_row_height_of_an_empty_row_is_one_line():
    assert row_height([None, ""], [10, 10]) == LINE_HEIGHT + ROW_PADDING


def test_every_sheet_prints_a4_landscape_one_page_wide_with_its_header_repeated():
    wb = build_problems_workbook([_finding(), _finding(unit="鹿城分中心")], base=BASE)
    for ws in (wb["全部"], wb["财务处"], wb["鹿城分中心"]):
        assert ws.page_setup.orientation == "landscape"
        assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert ws.page_setup.fitToHeight == 0  # as many pages tall as it needs
        assert ws.print_title_rows.replace("$", "") == "2:2"
        assert "处理情况" in ws.oddFooter.center.text
    # The unit's sheet at full size fits the printable width (A4 landscape less margins).
    assert sum(w for _, w in COLUMNS) <= 140
