"""The xlsx templates as the one source of layout: placeholders, the record row, restyled sets
(`--templates`, kaoping.toml [templates] dir) and the refusals that name template and cell."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from helpers_print import requires_soffice
from openpyxl import load_workbook
from typer.testing import CliRunner

from kaoping.cli import app
from kaoping.errors import KaopingError
from kaoping.periods import Quarter
from kaoping.report import annex_templates as T
from kaoping.report.filing import Annex4Counts, RowCounts, annex4_workbook
from kaoping.report.template import (
    SHIPPED_DIR,
    TemplateSpec,
    export_templates,
    fill,
    read_template,
)

REPO = Path(__file__).resolve().parent.parent
ROSTER = REPO / "examples" / "花名册.xlsx"
Q2 = REPO / "examples" / "collected" / "2026Q2"
runner = CliRunner()

LIST_SPEC = TemplateSpec("list.xlsx", {"单位": None}, frozenset({"序号", "姓名"}))


@pytest.fixture
def restyled(tmp_path: Path) -> Path:
    from kaoping.forms.routine import TEMPLATE_NAMES

    folder = tmp_path / "模板"
    export_templates(folder, [*T.SPECS, *TEMPLATE_NAMES.values()])  # the set `templates export` writes
    return folder


def _edit(path: Path, **cells: object) -> None:
    wb = load_workbook(path)
    for ref, value in cells.items():
        wb.worksheets[0][ref] = value
    wb.save(path)


def _list_template(folder: Path, *, blank_rows: int) -> Path:
    """A small list: title, header, record row, `blank_rows` ruled blank rows, a 注 line."""
    from openpyxl import Workbook
    from openpyxl.styles import Border, Side

    wb = Workbook()
    ws = wb.active
    ws["A1"] = "名单（{{ 单位 }}）"
    ws.append(["序号", "姓名"])
    ws.append(["{{ 行.序号 }}", "{{ 行.姓名 }}"])
    thin = Side(style="thin")
    ws["B3"].border = Border(bottom=thin)
    ws.row_dimensions[3].height = 30
    for _ in range(blank_rows):
        ws.append([None, None])
    note = 4 + blank_rows
    ws.cell(note, 1, "注：备案用")
    ws.merge_cells(start_row=note, start_column=1, end_row=note, end_column=2)
    ws.print_area = f"A1:B{note}"
    folder.mkdir(parents=True, exist_ok=True)
    wb.save(folder / LIST_SPEC.file)
    return folder


def _records(n: int) -> list[dict]:
    return [{"序号": i, "姓名": f"人{i}"} for i in range(1, n + 1)]


# ---------------------------------------------------------------- the record row


@pytest.mark.parametrize(("blank_rows", "n", "note_row"), [
    (0, 1, 4), (0, 5, 8), (2, 1, 6), (2, 3, 6), (2, 4, 7), (0, 0, 3),
])
def test_record_row_repeats_and_the_rows_below_move(tmp_path, blank_rows, n, note_row):
    folder = _list_template(tmp_path, blank_rows=blank_rows)
    t = read_template(LIST_SPEC, folder, reference=folder)
    ws = fill(t, {"单位": "财务处"}, _records(n)).worksheets[0]
    assert ws["A1"].value == "名单（财务处）"
    assert [ws.cell(3 + i, 2).value for i in range(n)] == [f"人{i}" for i in range(1, n + 1)]
    assert [ws.cell(3 + i, 1).value for i in range(n)] == list(range(1, n + 1))  # numbers stay numbers
    assert ws.cell(note_row, 1).value == "注：备案用"
    assert f"A{note_row}:B{note_row}" in {str(r) for r in ws.merged_cells.ranges}
    assert ws.print_area.endswith(f"$B${note_row}")
    # Every record's row looks like the record row; kept blank rows are blank.
    for r in range(3, 3 + n):
        assert ws.cell(r, 2).border.bottom.style == "thin" and ws.row_dimensions[r].height == 30
    assert all(ws.cell(r, 2).value is None for r in range(3 + n, note_row))


def test_two_record_rows_are_refused(tmp_path):
    folder = _list_template(tmp_path, blank_rows=0)
    _edit(folder / LIST_SPEC.file, A5="{{ 行.姓名 }}")
    with pytest.raises(KaopingError, match="只能有一行") as err:
        read_template(LIST_SPEC, folder, reference=folder)
    assert err.value.file == str(folder / LIST_SPEC.file)


# ---------------------------------------------------------------- refusals


def test_unknown_placeholder_names_template_sheet_and_cell(restyled):
    path = restyled / T.ANNEX5_FILE
    _edit(path, B5="{{ 行.名字 }}")
    with pytest.raises(KaopingError, match=r"\{\{ 行\.名字 \}\} 不认识") as err:
        read_template(T.ANNEX5_SPEC, restyled)
    assert (err.value.file, err.value.sheet, err.value.cell) == (str(path), "名单表", "B5")
    assert "姓名" in err.value.message  # says what it could be


def test_unknown_name_outside_the_record(restyled):
    _edit(restyled / T.ANNEX4_FILE, A2="（{{ 年份 }}年度第{{ 季度 }}季度）")
    with pytest.raises(KaopingError, match="年份") as err:
        read_template(T.ANNEX4_SPEC, restyled)
    assert err.value.cell == "A2"


def test_missing_placeholder_names_the_cell_it_had(restyled):
    _edit(restyled / T.ANNEX4_FILE, B6="0")  # 科级.总数 typed over
    with pytest.raises(KaopingError, match=r"缺少占位符 \{\{ 科级\.总数 \}\}.*B6") as err:
        read_template(T.ANNEX4_SPEC, restyled)
    assert err.value.file == str(restyled / T.ANNEX4_FILE)


def test_a_moved_placeholder_is_fine(restyled):
    """Layout is the clerk's: a placeholder may move to another cell."""
    _edit(restyled / T.ANNEX4_FILE, B11=None, A1="{{ 呈报单位 }}公务员平时考核结果备案表")
    assert read_template(T.ANNEX4_SPEC, restyled).cells


def test_syntax_error_names_the_cell(restyled):
    _edit(restyled / T.ANNEX4_FILE, B13="{{ 备注 ")
    with pytest.raises(KaopingError, match="写法有误") as err:
        read_template(T.ANNEX4_SPEC, restyled)
    assert err.value.cell == "B13"


def test_a_missing_or_broken_file_is_refused(restyled):
    (restyled / T.ANNEX6_FILE).unlink()
    with pytest.raises(KaopingError, match="没有模板"):
        read_template(T.ANNEX6_SPEC, restyled)
    (restyled / T.ANNEX6_FILE).write_bytes(b"not a workbook")
    with pytest.raises(KaopingError, match="无法打开"):
        read_template(T.ANNEX6_SPEC, restyled)


def test_the_sandbox_refuses_python_internals(restyled):
    _edit(restyled / T.ANNEX4_FILE, A1="{{ 呈报单位.__class__.__mro__ }}")
    t = read_template(T.ANNEX4_SPEC, restyled)
    counts = Annex4Counts({c: RowCounts() for c in T.A4_CATEGORY_ROWS})
    with pytest.raises(KaopingError, match="无法填写") as err:
        annex4_workbook(counts, unit_label="x", quarter=Quarter(2026, 2),
                        report_date=dt.date(2026, 7, 1), template=t)
    assert err.value.cell == "A1"


# ---------------------------------------------------------------- filled values


def test_annex4_counts_are_numbers_in_their_cells():
    rows = {c: RowCounts() for c in T.A4_CATEGORY_ROWS}
    first = next(iter(rows))
    rows[first].total, rows[first].due = 5, 4
    rows[first].grades[next(iter(rows[first].grades))] = 1
    ws = annex4_workbook(Annex4Counts(rows), unit_label="财务处", quarter=Quarter(2026, 2),
                         report_date=dt.date(2026, 7, 1)).worksheets[0]
    assert (ws["A2"].value, ws["B5"].value, ws["C5"].value, ws["D5"].value) == ("（2026年度第二季度）", 5, 4, 1)
    assert ws["B9"].value == 5 and ws["B10"].value == 0.25 and ws["B10"].number_format == "0.0%"
    assert ws["B11"].value == "财务处" and ws["B12"].value == "（盖 章）\n2026年7月1日"


# ---------------------------------------------------------------- the command line


def test_export_writes_the_shipped_set_and_refuses_to_overwrite(tmp_path):
    out = tmp_path / "t"
    result = runner.invoke(app, ["templates", "export", str(out)])
    assert result.exit_code == 0, result.output
    from kaoping.forms.routine import TEMPLATE_NAMES

    shipped = [*T.SPECS, *TEMPLATE_NAMES.values()]  # 附件4–6, 台账, 问题清单 and the forms 附件1–3
    assert sorted(p.name for p in out.iterdir()) == sorted(shipped)
    for name in shipped:
        assert (out / name).read_bytes() == (SHIPPED_DIR / name).read_bytes()
    again = runner.invoke(app, ["templates", "export", str(out)])
    assert again.exit_code == 2 and "--force" in again.output
    assert runner.invoke(app, ["templates", "check", str(out)]).exit_code == 0


def test_quarter_report_uses_a_restyled_set(restyled, tmp_path):
    _edit(restyled / T.ANNEX4_FILE, A1="温州市住房公积金管理中心 公务员平时考核结果备案表")
    out = tmp_path / "out"
    result = runner.invoke(app, ["quarter", "report", "--roster", str(ROSTER), str(Q2), "--out", str(out),
                                 "--templates", str(restyled), "--date", "2026-07-10"])
    assert result.exit_code == 0, result.output
    ws = load_workbook(out / "全中心" / "附件4-备案表-2026Q2.xlsx").worksheets[0]
    assert ws["A1"].value == "温州市住房公积金管理中心 公务员平时考核结果备案表"
    assert ws["A2"].value == "（2026年度第二季度）"


def test_a_wrong_template_stops_the_report_before_anything_is_written(restyled, tmp_path):
    _edit(restyled / T.ANNEX5_FILE, C5="{{ 行.科室 }}")
    out = tmp_path / "out"
    result = runner.invoke(app, ["quarter", "report", "--roster", str(ROSTER), str(Q2), "--out", str(out),
                                 "--templates", str(restyled)])
    assert result.exit_code == 2
    flat = "".join(result.output.split())
    assert "附件5" in flat and "C5" in flat and "{{行.科室}}不认识" in flat
    assert not out.exists()


def test_settings_templates_dir_is_relative_to_the_toml(restyled, tmp_path, monkeypatch):
    _edit(restyled / T.ANNEX6_FILE, A1="年度 好等次名单")
    toml = tmp_path / "kaoping.toml"
    toml.write_text('[templates]\ndir = "模板"\n', encoding="utf-8")
    from kaoping.config import load_settings

    monkeypatch.chdir(REPO)  # not the toml's folder
    assert Path(load_settings(toml).templates.dir) == restyled
    _edit(restyled / T.ANNEX6_FILE, A3="呈报单位：")  # {{ 呈报单位 }} removed
    result = runner.invoke(app, ["annual", "report", "--roster", str(ROSTER), str(tmp_path / "none.xlsx"),
                                 "--out", str(tmp_path / "annual"), "-c", str(toml)])
    assert result.exit_code == 2 and "呈报单位" in result.output and "A3" in result.output


def test_the_templates_page_lists_every_placeholder():
    from kaoping.forms.routine import FORM_SPECS

    page = (REPO / "docs" / "模板.md").read_text("utf-8")
    for spec in [*T.SPECS.values(), *FORM_SPECS.values()]:
        for name, fields in spec.values.items():
            assert name in page, name
            for field in fields or ():
                assert f"`{field}`" in page, f"{name}.{field}"
        for field in spec.record:
            assert f"{{{{ 行.{field} }}}}" in page, field


# ---------------------------------------------------------------- what a clerk adds


def test_conditional_formats_and_drop_downs_follow_the_records(tmp_path):
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    folder = _list_template(tmp_path, blank_rows=0)
    path = folder / LIST_SPEC.file
    wb = load_workbook(path)
    ws = wb.active
    ws.conditional_formatting.add("B3", CellIsRule(operator="equal", formula=['"人2"'],
                                                   fill=PatternFill("solid", fgColor="FF0000")))
    dv = DataValidation(type="list", formula1='"是,否"')
    dv.add("A3")
    ws.add_data_validation(dv)
    ws.conditional_formatting.add("A4", CellIsRule(operator="equal", formula=['"x"']))  # the 注 line
    wb.save(path)
    ws = fill(read_template(LIST_SPEC, folder, reference=folder), {"单位": "x"}, _records(4)).active
    assert {str(cf.sqref) for cf in ws.conditional_formatting} == {"B3:B6", "A7"}
    assert [str(d.sqref) for d in ws.data_validations.dataValidation] == ["A3:A6"]


def test_a_merge_across_the_record_row_is_refused(tmp_path):
    folder = _list_template(tmp_path, blank_rows=0)
    wb = load_workbook(folder / LIST_SPEC.file)
    wb.active.merge_cells("A2:A3")  # header and record row
    wb.save(folder / LIST_SPEC.file)
    with pytest.raises(KaopingError, match="合并单元格 A2:A3") as err:
        read_template(LIST_SPEC, folder, reference=folder)
    assert err.value.cell == "A2:A3"


def test_a_template_without_its_hidden_sheet_is_refused(restyled):
    wb = load_workbook(restyled / T.LEDGER_FILE)
    del wb[T.META_SHEET]
    wb.save(restyled / T.LEDGER_FILE)
    with pytest.raises(KaopingError, match="_kaoping"):
        read_template(T.LEDGER_SPEC, restyled)


def test_a_restyled_ledger_reads_back(restyled, tmp_path):
    """The 台账 is read again by the annual commands: a title row above the header, other
    widths and fonts change nothing there."""
    from openpyxl.styles import Font

    from kaoping.models import Outcome, QuarterLedger, QuarterResult, RankCategory
    from kaoping.report.ledger import ledger_workbook, read_ledger

    path = restyled / T.LEDGER_FILE
    wb = load_workbook(path)
    ws = wb[T.LEDGER_SHEET]
    ws.insert_rows(1)
    ws["A1"] = "2026年季度结果台账（财务处留存）"
    ws["A1"].font = Font(name="黑体", size=16)
    ws.column_dimensions["B"].width = 20
    ws.freeze_panes = "C3"
    wb.save(path)
    results = [QuarterResult(staff_id=f"00{i}", name=f"人{i}", unit="财务处", rank_category=RankCategory.CLERK,
                             outcome=Outcome.GOOD) for i in range(1, 4)]
    ledger = QuarterLedger(year=2026, quarter=2, results=results)
    out = tmp_path / "台账.xlsx"
    ledger_workbook(ledger, template=read_template(T.LEDGER_SPEC, restyled)).save(out)
    back = read_ledger(out)
    assert [r.staff_id for r in back.results] == ["001", "002", "003"]
    assert (back.year, back.quarter) == (2026, 2)
    assert load_workbook(out)[T.LEDGER_SHEET]["A1"].value == "2026年季度结果台账（财务处留存）"


# ---------------------------------------------------------------- 问题清单


def test_problems_sheets_are_copies_of_the_restyled_template(restyled):
    from openpyxl.styles import Font

    from kaoping.models import Finding, Severity
    from kaoping.output.style import row_height
    from kaoping.report.problems import build_problems_workbook

    path = restyled / T.PROBLEMS_FILE
    wb = load_workbook(path)
    ws = wb[T.PROBLEMS_UNIT_SHEET]
    ws["A1"].font = Font(name="黑体", size=20)
    ws["H2"] = "问题说明"  # a header retyped
    ws.column_dimensions["H"].width = 80
    wb.save(path)
    long = "问题说明文字" * 30
    findings = [Finding(rule="Q1", severity=Severity.ERROR, unit=u, person=p, message=m)
                for u, p, m in (("财务处", "张三", long), ("财务处", "李四", "未勾选"), ("办公室", "王五", "未勾选"))]
    wb = build_problems_workbook(findings, title="季度评价问题清单", template_dir=restyled)
    assert wb.sheetnames == ["全部", "办公室", "财务处", "_kaoping"]
    for ws, n in zip(wb.worksheets[1:3], (1, 2), strict=True):
        assert ws["A1"].value == f"季度评价问题清单（{ws.title}，共 {n} 条）"
        assert ws["A1"].font.name == "黑体" and ws["H2"].value == "问题说明"
        assert ws.column_dimensions["H"].width == 80
        assert ws.freeze_panes == "A3" and ws.print_title_rows == "$2:$2"
        assert ws.auto_filter.ref == f"A2:J{2 + n}"
        assert [ws.cell(r, 1).value for r in range(3, 3 + n)] == list(range(1, n + 1))
        assert "处理情况" in ws.oddFooter.center.text
    # Row heights follow the restyled widths: the long message wraps in 80 units, not 40.
    ws = wb["财务处"]
    widths = [ws.column_dimensions[c].width for c in "ABCDEFGHIJ"]
    assert ws.row_dimensions[3].height == row_height([None if c.value is None else str(c.value)
                                                      for c in ws[3]], widths)
    assert ws.row_dimensions[3].height < row_height([long], [40])
    assert wb["全部"]["A1"].font.name != "黑体" and wb["全部"].auto_filter.ref == "A2:K5"
    assert wb["_kaoping"].sheet_state == "hidden"


def test_check_commands_write_the_problems_into_a_restyled_template(restyled, tmp_path):
    _edit(restyled / T.PROBLEMS_FILE, B2="严重程度")  # the 全部 sheet
    out = tmp_path / "问题清单.xlsx"
    result = runner.invoke(app, ["week", "check", str(Q2), "--problems", str(out), "--templates", str(restyled)])
    assert result.exit_code in (0, 1), result.output
    assert load_workbook(out).worksheets[0]["B2"].value == "严重程度"


def test_a_wrong_problems_template_stops_the_check_before_reading(restyled, tmp_path):
    _edit(restyled / T.PROBLEMS_FILE, J3="{{ 行.描述 }}")  # the 全部 sheet's 改法
    out = tmp_path / "问题清单.xlsx"
    result = runner.invoke(app, ["roster", "check", str(ROSTER), "--problems", str(out),
                                 "--templates", str(restyled)])
    assert result.exit_code == 2 and "J3" in result.output and not out.exists()
    assert "花名册" not in result.output  # stopped before the roster was read and summed up


# ---------------------------------------------------------------- re-saved by a spreadsheet program


@requires_soffice
def test_templates_resaved_by_libreoffice_still_fill_the_same(restyled, tmp_path):
    """The clerk restyles in Excel/WPS; LibreOffice is the program we can run: every template
    re-saved by it passes the checks and fills the same values as the shipped one."""
    from kaoping.output import pdf

    resaved = pdf.convert(sorted(restyled.glob("*.xlsx")), "xlsx", tmp_path / "resaved")
    folder = resaved[0].parent
    from kaoping.forms.routine import FORM_SPECS

    specs = [*T.SPECS.values(), *FORM_SPECS.values()]
    assert sorted(p.name for p in resaved) == sorted(spec.file for spec in specs)
    rows = {c: RowCounts() for c in T.A4_CATEGORY_ROWS}
    rows[next(iter(rows))].total = 3
    args = {"unit_label": "财务处", "quarter": Quarter(2026, 2), "report_date": dt.date(2026, 7, 1)}
    shipped = annex4_workbook(Annex4Counts(rows), **args).worksheets[0]
    again = annex4_workbook(Annex4Counts(rows), **args,
                            template=read_template(T.ANNEX4_SPEC, folder)).worksheets[0]
    assert [[c.value for c in r] for r in again.iter_rows()] == [[c.value for c in r] for r in shipped.iter_rows()]
    for spec in specs:
        assert read_template(spec, folder).refs() == read_template(spec).refs(), spec.file


def test_a_hostile_or_missing_template_folder_is_refused(restyled, tmp_path):
    with pytest.raises(KaopingError, match="找不到模板文件夹"):
        read_template(T.ANNEX4_SPEC, tmp_path / "没有")
    import zipfile

    path = restyled / T.ANNEX4_FILE
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:  # a zip bomb in its place
        zf.writestr("xl/worksheets/sheet1.xml", b"<a>" + b" " * 300_000_000 + b"</a>")
    with pytest.raises(KaopingError) as err:
        read_template(T.ANNEX4_SPEC, restyled)
    assert err.value.file == str(path)


def test_templates_check_names_the_wrong_cell(restyled):
    _edit(restyled / T.ANNEX6_FILE, E5="{{ 行.好的次数 }}")
    result = runner.invoke(app, ["templates", "check", str(restyled)])
    flat = "".join(result.output.split())
    assert result.exit_code == 2 and "附件6" in flat and "E5" in flat and "{{行.好的次数}}不认识" in flat


def test_a_template_cannot_change_the_records_it_is_filled_with(tmp_path):
    """A record's methods are not fields (refused when read); and the sandbox is immutable."""
    folder = _list_template(tmp_path, blank_rows=0)
    _edit(folder / LIST_SPEC.file, B3="{{ 行.姓名 }}{{ 行.clear() }}")
    with pytest.raises(KaopingError, match=r"\{\{ 行\.clear \}\} 不认识"):
        read_template(LIST_SPEC, folder, reference=folder)
    from kaoping.report.template import _environment

    records = [{"a": 1}]
    with pytest.raises(Exception, match="unsafe|not safely|modif"):
        _environment().from_string("{{ r.clear() }}").render(r=records[0])
    assert records == [{"a": 1}]


def test_sheets_from_two_template_sheets_keep_their_own_merges_and_footer(tmp_path):
    from kaoping.report.template import SheetFill, fill_sheets

    folder = _list_template(tmp_path, blank_rows=0)  # its 注 line (row 4) is merged A4:B4
    path = folder / LIST_SPEC.file
    wb = load_workbook(path)
    wb.active.title = "全部"
    wb.active.oddFooter.center.text = "第 &P 页"
    other = wb.copy_worksheet(wb.active)
    other.title = "单位"
    other["A2"] = "编号"
    other.oddFooter.center.text = "第 &P 页"
    wb.save(path)
    t = read_template(LIST_SPEC, folder, reference=folder)
    wb = fill_sheets(t, [SheetFill("全部", {"单位": "全中心"}, _records(3), "全部"),
                         SheetFill("财务处", {"单位": "财务处"}, _records(1), "单位"),
                         SheetFill("办公室", {"单位": "办公室"}, _records(5), "单位")])
    assert wb.sheetnames == ["全部", "财务处", "办公室"]
    for title, n, header in (("全部", 3, "序号"), ("财务处", 1, "编号"), ("办公室", 5, "编号")):
        ws = wb[title]
        assert ws["A2"].value == header and ws.cell(3 + n, 1).value == "注：备案用", title
        assert {str(r) for r in ws.merged_cells.ranges} == {f"A{3 + n}:B{3 + n}"}, title
        assert ws.oddFooter.center.text == "第 &P 页"
    with pytest.raises(KaopingError, match="「汇总」"):
        fill_sheets(t, [SheetFill("x", {"单位": "x"}, (), "汇总")])
