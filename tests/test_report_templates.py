"""Structure of the filing-table templates (附件4/5/6, 台账) and of the committed files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kaoping.report import annex_templates as T

REPO = Path(__file__).resolve().parent.parent


def _merged(ws) -> set[str]:
    return {str(r) for r in ws.merged_cells.ranges}


def _squash(v) -> str:
    return "".join(str(v or "").split())


@pytest.fixture(params=["built", "committed"])
def source(request):
    """Every check runs on the builder's output and on the committed file in templates/xlsx."""
    def get(name: str):
        if request.param == "built":
            return T.BUILDERS[name]()
        path = T.TEMPLATE_DIR / name
        assert path.is_file(), f"missing committed template {path}"
        return load_workbook(path)
    return get


def test_annex4_structure(source):
    wb = source(T.ANNEX4_FILE)
    ws = wb.worksheets[0]
    assert ws["A1"].value == "公务员平时考核结果备案表"
    assert _squash(ws["A2"].value) == "（{{年度}}年度第{{季度}}季度）"
    assert {"A1:I1", "A2:I2", "A3:A4", "B3:B4", "C3:C4", "D3:H3", "I3:I4", "B10:I10",
            "A11:A12", "B11:I11", "B12:I12", "B13:I13", "A14:I14"} <= _merged(ws)
    assert [_squash(ws.cell(3, c).value) for c in (1, 2, 3, 4, 9)] == [
        "职务职级", "公务员总数", "应参加考核人数", "考核结果", "未参加考核人数"]
    assert [_squash(ws.cell(4, c).value) for c in range(4, 9)] == [
        "好等次人数", "较好等次人数", "一般等次人数", "较差等次人数", "不确定等次人数"]
    assert [_squash(ws.cell(r, 1).value) for r in range(5, 14)] == [
        "一至四级调研员", "乡科级职务、一至四级主任科员职级", "科员级", "试用期", "合计",
        "好等次比例", "呈报单位", "", "备注"]
    assert _squash(ws["B12"].value) == "（盖章）{{日期}}"
    # Every count cell is its row's placeholder: 调研员.总数 … 合计.未参加.
    assert [ws.cell(5, c).value for c in range(2, 10)] == [
        f"{{{{ 调研员.{f} }}}}" for f in ("总数", "应参加", "好", "较好", "一般", "较差", "不确定", "未参加")]
    assert ws["B9"].value == "{{ 合计.总数 }}" and ws["B10"].value == "{{ 好等次比例 }}"
    assert ws["B10"].number_format == "0.0%"
    assert (ws["B11"].value, ws["B13"].value) == ("{{ 呈报单位 }}", "{{ 备注 }}")
    assert ws["A14"].value == T.QUARTERLY_NOTE
    # Ruled cells, fonts and one A4 page.
    from openpyxl.cell.cell import MergedCell

    for r in range(3, 14):
        for c in range(1, 10):
            cell = ws.cell(r, c)
            if not isinstance(cell, MergedCell):  # a merge's inner cells draw no own border
                assert cell.border.left.style == "thin", cell.coordinate
                assert cell.border.top.style == "thin", cell.coordinate
        assert ws.cell(r, 9).border.right.style == "thin"
    assert ws["A1"].font.name == "宋体" and ws["B5"].font.name == "仿宋"
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 1
    meta = {r[0].value: r[1].value for r in wb["_kaoping"].iter_rows()}
    assert meta["kind"] == "annex4" and wb["_kaoping"].sheet_state == "hidden"


@pytest.mark.parametrize(
    ("name", "period", "unit", "date", "headers", "fields", "blank", "note"),
    [(T.ANNEX5_FILE, "（{{年度}}年第{{季度}}季度）", "呈报单位(盖章)：{{ 呈报单位 }}", "{{日期}}",
      ["序号", "姓名", "所在处（科）", "职务职级", "考核等次", "备注"], T.ANNEX5_FIELDS, 0,
      T.QUARTERLY_NOTE),
     (T.ANNEX6_FILE, "（{{年度}}年度）{%if暂定%}（暂定）{%endif%}", "呈报单位盖章：{{ 呈报单位 }}",
      "年月日", ["序号", "姓名", "所在处（科）", "职务职级", "“好”次数", "备注"], T.ANNEX6_FIELDS, 6,
      T.ANNUAL_NOTE)],
)
def test_list_structure(source, name, period, unit, date, headers, fields, blank, note):
    wb = source(name)
    ws = wb.worksheets[0]
    assert ws["A1"].value in (T.ANNEX5_TITLE, T.ANNEX6_TITLE)
    assert _squash(ws["A2"].value) == period
    assert ws["A3"].value == unit and _squash(ws["E3"].value) == date
    assert [_squash(ws.cell(4, c).value) for c in range(1, 7)] == headers
    # Row 5 is the record row; `blank` ruled blank rows below it, then the 注 line.
    assert [ws.cell(5, c).value for c in range(1, 7)] == [f"{{{{ 行.{f} }}}}" for f in fields]
    assert all(ws.cell(r, c).value is None for r in range(6, 6 + blank) for c in range(1, 7))
    assert ws.cell(6 + blank, 1).value == note
    assert ws.cell(5 + blank, 6).border.bottom.style == "thin"
    assert ws.print_title_rows == "$4:$4"
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4) and ws.page_setup.fitToWidth == 1
    assert ws.page_setup.fitToHeight == 0  # as many pages as the list needs


def test_ledger_template(source):
    wb = source(T.LEDGER_FILE)
    ws = wb[T.LEDGER_SHEET]
    assert [c.value for c in ws[1]] == list(T.LEDGER_HEADERS)
    assert [c.value for c in ws[2]] == [f"{{{{ 行.{h} }}}}" for h in T.LEDGER_HEADERS]
    assert ws["A2"].number_format == "@"
    meta = {r[0].value: r[1].value for r in wb["_kaoping"].iter_rows()}
    assert meta["kind"] == "ledger"


def test_build_script_reproduces_the_committed_templates(tmp_path: Path):
    """The committed files are what the script builds (same sheets, values and merges)."""
    script = REPO / "scripts" / "build_report_templates.py"
    run = subprocess.run([sys.executable, str(script), str(tmp_path)], capture_output=True,
                         text=True, check=False)
    assert run.returncode == 0, run.stderr
    for name in T.BUILDERS:
        fresh, committed = load_workbook(tmp_path / name), load_workbook(T.TEMPLATE_DIR / name)
        assert fresh.sheetnames == committed.sheetnames
        for a, b in zip(fresh.worksheets, committed.worksheets, strict=True):
            assert [[c.value for c in row] for row in a.iter_rows()] == \
                   [[c.value for c in row] for row in b.iter_rows()], name
            assert _merged(a) == _merged(b)
    # Without --force the script refuses to overwrite.
    again = subprocess.run([sys.executable, str(script), str(tmp_path)], capture_output=True,
                           text=True, check=False)
    assert again.returncode != 0


def test_shipped_templates_use_exactly_the_writers_placeholders():
    """Every placeholder the writers provide is in the shipped template, and no other."""
    from kaoping.report.template import RECORD

    for name, spec in T.SPECS.items():
        template = T.load_template(spec)
        expected = {(n, None) for n, f in spec.values.items() if f is None}
        expected |= {(n, f) for n, fields in spec.values.items() if fields for f in fields}
        expected |= {(RECORD, f) for f in spec.record}
        assert template.refs() == expected, name
