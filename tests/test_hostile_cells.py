"""Cells calamine reads wrong without a word (issue 15, item 10): an Excel error value
(#REF!, #N/A…, which calamine reads as blank) and a shared-string index that is no index
("-1", "x": calamine shows the first string) or one past the table (calamine's English
error). The first is a finding naming the cell; the others make the file one Chinese F1."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from helpers_output import ENGLISH
from helpers_quarter_cli import write_forms
from helpers_safety import bad_corpus_builder
from kaoping.excel.read import read_workbook
from kaoping.excel.safety import inspect_workbook
from kaoping.models import Severity

ERRORS = ["#REF!", "#N/A", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!"]


@pytest.fixture(scope="module")
def forms(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("forms")
    paths = write_forms(folder, {"1001": None}, leave={"1001": 0.0})
    quarterly = next(p for p in paths if p.stem.endswith("Q3"))
    monthly = next(p for p in paths if p.stem.endswith("2026-07"))
    return {"quarterly": quarterly, "monthly": monthly}


def _with_error(src: Path, dst: Path, ref: str, value: str, sheet: str | None = None) -> Path:
    """`src` with cell `ref` holding the Excel error value `value` (t="e", as Excel saves
    a #REF! pasted as a value)."""
    wb = load_workbook(src)
    ws = wb[sheet] if sheet else wb.worksheets[0]
    ws[ref] = value
    ws[ref].data_type = "e"
    wb.save(dst)
    return dst


def _field_cell(path: Path, field: str) -> tuple[str, str]:
    """(sheet, first cell) a field of the form in `path` is read from."""
    form = read_workbook(path).forms[0]
    return form.source.sheet, form.source.cells[field].split(":")[0]


def _f3(path: Path) -> list:
    return [f for f in read_workbook(path).findings if f.rule == "F3"]


@pytest.mark.parametrize("value", ERRORS)
def test_an_error_value_in_a_tick_cell_is_an_error_naming_the_cell(forms, tmp_path, value):
    sheet, ref = _field_cell(forms["quarterly"], "self_ticks")
    path = _with_error(forms["quarterly"], tmp_path / "张一-2026Q3.xlsx", ref, value)
    [f] = _f3(path)
    assert f.severity == Severity.ERROR
    assert (f.file, f.sheet, f.cell) == (str(path), sheet, ref)
    assert f"Excel 错误值 {value}" in f.message and "打 √" in f.message


def test_an_error_value_in_a_days_cell_is_an_error_naming_the_cell(forms, tmp_path):
    sheet, ref = _field_cell(forms["monthly"], "sick_personal_days")
    path = _with_error(forms["monthly"], tmp_path / "张一-2026-07.xlsx", ref, "#REF!")
    [f] = _f3(path)
    assert f.severity == Severity.ERROR and (f.sheet, f.cell) == (sheet, ref)
    assert "#REF!" in f.message and "天数" in f.message and "填 0" in f.message
    assert read_workbook(path).forms[0].sick_personal_days is None  # not a silent 0


def test_an_error_value_outside_every_field_is_only_a_warning(forms, tmp_path):
    path = _with_error(forms["quarterly"], tmp_path / "张一-2026Q3.xlsx", "Z60", "#N/A")
    [f] = _f3(path)
    assert f.severity == Severity.WARNING and f.cell == "Z60" and "不影响结果" in f.message


def test_a_clean_form_has_no_error_value_finding(forms):
    assert _f3(forms["quarterly"]) == [] and _f3(forms["monthly"]) == []


def test_an_error_value_saved_as_a_formula_result_is_found_too(forms, tmp_path):
    """=1/0 saved by Excel: <c t="e"><f>1/0</f><v>#DIV/0!</v></c>."""
    sheet, ref = _field_cell(forms["monthly"], "sick_personal_days")
    dst = tmp_path / "张一-2026-07.xlsx"
    _rewrite_sheet(forms["monthly"], dst, lambda xml: _replace_cell(xml, ref, b'<f>1/0</f><v>#DIV/0!</v>', b"e"))
    [f] = _f3(dst)
    assert f.severity == Severity.ERROR and f.cell == ref and "#DIV/0!" in f.message


# ---------------------------------------------------------------- shared-string indexes


SST = (b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
       b'count="2" uniqueCount="2"><si><t>a</t></si><si><t>b</t></si></sst>')


def _shared_index_book(tmp_path: Path, index: bytes, *, dimension: str | None = "A1:B1") -> Path:
    b = bad_corpus_builder()
    xml = b.sheet_xml(b'<row r="1"><c r="A1" t="s"><v>' + index + b'</v></c><c r="B1"><v>2</v></c></row>',
                      dimension)
    path = tmp_path / f"表-{index.decode() or 'empty'}.xlsx"
    path.write_bytes(b.minimal_xlsx(xml, shared=SST))
    return path


@pytest.mark.parametrize("index", [b"-1", b"x", b"1.5", b" 1", b"99999999999", b""])
@pytest.mark.parametrize("dimension", ["A1:B1", None])  # the declared-extent path and the exact scan
def test_a_shared_string_index_that_is_no_index_makes_the_file_damaged(tmp_path, index, dimension):
    path = _shared_index_book(tmp_path, index, dimension=dimension)
    [f] = read_workbook(path).findings
    assert f.rule == "F1" and f.severity == Severity.ERROR and f.file == str(path)
    assert "共享文字编号无效" in f.message and "A1" in f.message and "另存为 .xlsx" in f.message


@pytest.mark.parametrize("index", [b"2", b"70000"])
def test_a_shared_string_index_past_the_table_is_one_chinese_error(tmp_path, index):
    path = _shared_index_book(tmp_path, index)
    [f] = read_workbook(path).findings
    assert f.rule == "F1" and f.file == str(path) and "文件已损坏" in f.message
    assert "另存为 .xlsx" in f.message
    assert not re.search(r"[A-Za-z]{4,}", f.message.replace("Excel", "").replace("xlsx", "")), f.message
    assert not any(e in f.message for e in ENGLISH)


@pytest.mark.parametrize("index", [b"0", b"1", b"01"])
def test_a_valid_shared_string_index_reads(tmp_path, index):
    path = _shared_index_book(tmp_path, index)
    assert inspect_workbook(path).sheets  # no refusal
    assert read_workbook(path).findings[0].rule == "F2"  # read, and just not a form


# ---------------------------------------------------------------- helpers


def _rewrite_sheet(src: Path, dst: Path, edit) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = edit(data)
            zout.writestr(info, data)
    dst.write_bytes(out.getvalue())


def _replace_cell(xml: bytes, ref: str, inner: bytes, kind: bytes) -> bytes:
    """The cell `ref` (self-closing or not) replaced by one of type `kind` holding `inner`."""
    pattern = re.compile(rb'<c r="' + ref.encode() + rb'"([^>]*?)(?:/>|>.*?</c>)', re.S)
    attrs = re.sub(rb'\st="[^"]*"', b"", pattern.search(xml).group(1))
    return pattern.sub(b'<c r="' + ref.encode() + b'"' + attrs + b' t="' + kind + b'">' + inner + b"</c>", xml, count=1)


# ---------------------------------------------------------------- the attendance sheet


@pytest.mark.parametrize("error", [True, False])
def test_an_error_value_in_an_attendance_days_cell_is_an_error_not_zero_days(tmp_path, error):
    from openpyxl import Workbook

    from kaoping.excel.attendance import read_attendance

    wb = Workbook()
    ws = wb.active
    ws.append(["工号", "月份", "病事假", "年休"])
    ws.append(["1001", "2026-07", 2, 0])
    ws.append(["1002", "2026-07", 1, 0])
    if error:
        ws["C3"] = "#REF!"
        ws["C3"].data_type = "e"
    path = tmp_path / "考勤.xlsx"
    wb.save(path)
    records, findings = read_attendance(path)
    if not error:
        assert findings == [] and [r.sick_personal_days for r in records] == [2, 1]
        return
    [f] = findings
    assert (f.rule, f.severity, f.file, f.sheet, f.cell) == ("A1", Severity.ERROR, str(path), ws.title, "C3")
    assert "Excel 错误值 #REF!" in f.message and "填 0" in f.message
    assert [r.staff_id for r in records] == ["1001"]  # the row is not counted as 0 days


# ---------------------------------------------------------------- the roster


def _roster_with_error(tmp_path: Path, label: str | None, value: str = "#REF!") -> tuple[Path, str | None]:
    """The test roster with the second person's `label` cell holding an error value."""
    from helpers_quarter_cli import write_roster

    path = write_roster(tmp_path / "花名册.xlsx")
    if label is None:
        return path, None
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    header = next(r for r in ws.iter_rows() if any(c.value == "工号" for c in r))
    col = next(c.column_letter for c in header if c.value == label)
    ref = f"{col}{header[0].row + 2}"
    ws[ref] = value
    ws[ref].data_type = "e"
    wb.save(path)
    return path, ref


@pytest.mark.parametrize("label", ["特殊情形", "入职日期", "是否在编"])
def test_an_error_value_in_a_roster_cell_is_an_error_naming_the_cell(tmp_path, label):
    from kaoping.excel.roster import read_roster

    path, ref = _roster_with_error(tmp_path, label)
    _, findings = read_roster(path)
    [f] = [f for f in findings if f.rule == "R10"]
    sheet = load_workbook(path).worksheets[0].title
    assert (f.severity, f.file, f.sheet, f.cell, f.person) == (Severity.ERROR, str(path), sheet, ref, "李二")
    assert "Excel 错误值 #REF!" in f.message


@pytest.mark.parametrize("label", [None, "备注"])
def test_no_error_value_or_one_in_the_unread_remark_is_no_r10(tmp_path, label):
    from kaoping.excel.roster import read_roster

    path, _ = _roster_with_error(tmp_path, label)
    assert [f for f in read_roster(path)[1] if f.rule == "R10"] == []


# ---------------------------------------------------------------- returned 谈话提醒 lists


@pytest.mark.parametrize("error", [True, False])
def test_an_error_value_as_the_date_done_is_x3_not_overdue(tmp_path, error):
    """A 落实日期 holding #REF! read as blank made the talk 逾期未落实 (a 警告), not a question."""
    import datetime as dt

    from test_followups import PEOPLE, write_list

    from kaoping.forms.roster import roster_template_workbook
    from kaoping.output.workbook import save_workbook
    from kaoping.pipeline.followups import run_followups

    roster = save_workbook(roster_template_workbook(people=PEOPLE), tmp_path / "花名册.xlsx")
    path = write_list(tmp_path / "名单" / "鹿城.xlsx", {"谈话提醒": [("001", "张三", "已谈话", dt.date(2026, 10, 28))]})
    if error:
        wb = load_workbook(path)
        wb["谈话提醒"]["J4"] = "#REF!"
        wb["谈话提醒"]["J4"].data_type = "e"
        wb.save(path)
    run = run_followups(roster, path.parent, today=dt.date(2026, 12, 31))
    [item] = run.check.items
    if not error:
        assert item.status == "已落实" and run.findings == []
        return
    [f] = run.findings
    assert (f.rule, f.severity, f.file, f.sheet, f.cell) == ("X3", Severity.ERROR, str(path), "谈话提醒", "J4")
    assert "#REF!（Excel 错误值）" in f.message and item.status == "无法判断"


# ---------------------------------------------------------------- 集中测评票


@pytest.mark.parametrize("error", [True, False])
def test_an_error_value_in_a_ballot_tick_cell_makes_the_ballot_invalid(tmp_path, error):
    """Read as blank it was a vote not given, on a ballot counted as valid."""
    from test_halfyear import LUCHENG

    from kaoping.excel.ballots import read_ballot
    from kaoping.forms.halfyear import Half, ballot_workbook
    from kaoping.output.workbook import save_workbook

    path = save_workbook(ballot_workbook("鹿城分中心", LUCHENG, Half(2026, 1), 2), tmp_path / "票.xlsx")
    wb = load_workbook(path)
    ws = wb["集中测评票"]
    ws["E6"] = "√"
    if error:
        ws["E7"] = "#N/A"
        ws["E7"].data_type = "e"
    wb.save(path)
    b = read_ballot(path)
    if not error:
        assert b.valid and b.votes == ["001"] and b.findings == []
        return
    [f] = b.findings
    assert not b.valid and (f.rule, f.file, f.sheet, f.cell) == ("H3", str(path), "集中测评票", "E7")
    assert "Excel 错误值 #N/A" in f.message


@pytest.mark.parametrize(("attr", "dimension"), [
    (b't="e"', "A1:B1"), (b"t='e'", "A1:B1"), (b't="e"', None), (b"t='e'", None),
    (b't = "e"', None), (b't= "e"', None),  # spaced: no writer's; the exact scan reads it
])
def test_an_error_value_is_found_however_its_type_is_quoted(tmp_path, attr, dimension):
    b = bad_corpus_builder()
    xml = b.sheet_xml(b'<row r="1"><c r="A1" ' + attr + b'><v>#REF!</v></c><c r="B1"><v>2</v></c></row>',
                      dimension)
    path = tmp_path / "表.xlsx"
    path.write_bytes(b.minimal_xlsx(xml))
    [part] = inspect_workbook(path).sheets.values()
    assert part.error_values == {(1, 1): "#REF!"}
