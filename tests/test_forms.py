"""Form layouts (附件1–3), committed templates, batch generation and `kaoping forms`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from helpers_forms import person
from kaoping.errors import KaopingError, OutputExistsError
from kaoping.forms.routine import (
    TEMPLATE_DIR,
    TEMPLATE_NAMES,
    blank_workbook,
    form_paths,
    generate_forms,
    monthly_workbook,
    quarterly_workbook,
    write_templates,
)
from kaoping.excel.read import read_workbook
from kaoping.models import FORM_TITLES, FormKind, MonthlySummary, QuarterlyEvaluation, Roster
from kaoping.periods import Month, Quarter

JULY = Month(2026, 7)
Q3 = Quarter(2026, 3)


def _texts(ws) -> set[str]:
    return {str(c.value) for row in ws.iter_rows() for c in row if c.value is not None}


def _meta(wb) -> dict[str, str]:
    ws = wb["_kaoping"]
    return {r[0].value: (r[1].value or "") for r in ws.iter_rows(max_col=2)}


# ---------------------------------------------------------------- layout


def test_monthly_workbook_has_summary_then_one_sheet_per_week():
    wb = monthly_workbook(person(), JULY)
    assert wb.sheetnames == ["月度小结", "第1周(7.1-7.5)", "第2周(7.6-7.12)", "第3周(7.13-7.19)",
                             "第4周(7.20-7.26)", "第5周(7.27-7.31)", "_kaoping"]
    assert wb["_kaoping"].sheet_state == "hidden"
    assert _meta(wb) == {"kind": "monthly", "template_version": "1", "period": "2026-07",
                         "staff_id": "A001", "name": "张三"}
    ws = wb["月度小结"]
    assert ws["A1"].value == FORM_TITLES[FormKind.MONTHLY]
    assert ws["A2"].value == "（7）月份"
    week2 = wb["第2周(7.6-7.12)"]
    assert week2["A1"].value == FORM_TITLES[FormKind.WEEKLY]
    assert week2["C2"].value == "张三" and week2["E2"].value == "办公室 综合科 科员"
    assert week2["G2"].value == "时间：（7）月第（2）周"
    assert [week2.cell(3, c).value for c in (1, 2, 3, 5, 6, 7)] == [
        "序号", "日期", "事项", "完成时限", "完成情况", "备注"]


def test_weekly_sheet_layout_details():
    ws = monthly_workbook(person(), JULY).worksheets[1]
    assert "C4:D4" in {str(r) for r in ws.merged_cells.ranges}
    assert ws.cell(18, 1).border.left.style == "thin"  # 15 task rows: 4..18
    assert str(ws.cell(19, 1).value).startswith("注：") and "无法完成的说明原因" in ws.cell(19, 1).value
    assert "已完成的注明完成时间" in ws.cell(19, 1).value
    dvs = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert len(dvs) == 1 and dvs[0].formula1 == '"进行中,已完成,无法完成"'
    assert str(dvs[0].sqref) == "F4:F18"
    assert ws.protection.sheet and not ws.protection.password
    assert ws.cell(4, 3).protection.locked is False  # input
    assert ws.cell(3, 3).protection.locked is True  # label


def test_monthly_keeps_sick_and_annual_leave_apart():
    ws = monthly_workbook(person(), JULY)["月度小结"]
    texts = _texts(ws)
    assert "本月请病假、事假（" in texts and "全年累计病假、事假（" in texts
    assert sum(1 for t in texts if "年休" in t) == 1  # same label on both rows
    assert [ws[c].value for c in ("D9", "D10")] == ["）天；年休（", "）天；年休（"]
    for ref in ("C9", "E9", "C10", "E10", "C11", "E11", "C12", "E12"):
        assert ws[ref].protection.locked is False
    # §四(三)4(3) 法定假期 and 加班补休: rows of their own, said not to be absence
    assert [ws[c].value for c in ("B11", "D11", "B12", "D12")] == [
        "本月法定假期（", "）天；加班补休（", "全年累计法定假期（", "）天；加班补休（"]
    assert "不算缺勤" in ws["F11"].value and "不计入" in ws["F9"].value
    assert ws["E13"].value == "签字：" and ws["F13"].protection.locked is False
    assert ws["A13"].value == "直管领导审定"
    for label in ("个人小结", "日常工作\n（简要）", "重要任务项目", "存在的问题", "下步打算", "出勤情况"):
        assert label in texts


def test_quarterly_layout():
    wb = quarterly_workbook(person(), Q3)
    ws = wb.active
    assert ws["A1"].value == FORM_TITLES[FormKind.QUARTERLY] and ws["A2"].value == "第（3）季度"
    assert [ws.cell(7, c).value for c in range(3, 7)] == ["好", "较好", "一般", "较差"]
    assert [ws.cell(9, c).value for c in range(3, 7)] == ["好", "较好", "一般", "较差"]
    texts = _texts(ws)
    for label in ("主要工作\n亮点及成效", "存在的不足和改进措施", "自评\n档次", "领导\n评价\n档次",
                  "受表彰直接定“好”（§四(三)4(1)）", "直接定“较差”（§四(三)4(2)）",
                  "领导\n意见栏", "（处室或分支机构负责人）签字：",
                  "注：存在直接确定为“好”、“较差”情形或出勤未达标的应在意见栏进行说明。"):
        assert label in texts
    tick_dv = [dv for dv in ws.data_validations.dataValidation if dv.formula1 == '"√"']
    assert len(tick_dv) == 1
    for ref in ("C8", "F8", "C10", "F10", "F11", "F13"):
        assert ref in tick_dv[0].sqref
        assert ws[ref].protection.locked is False
    # §四(三)4(1): the commendation's level (a dropdown of the two levels) and name
    assert (ws["B12"].value, ws["D12"].value) == ("表彰级别", "表彰名称")
    [levels] = [dv for dv in ws.data_validations.dataValidation if dv.formula1 == '"市中心,当地党委政府以上"']
    assert str(levels.sqref) == "C12"
    assert ws["C12"].protection.locked is False and ws["E12"].protection.locked is False
    assert _meta(wb)["period"] == "2026Q3"


@pytest.mark.parametrize("kind", [FormKind.WEEKLY, FormKind.MONTHLY, FormKind.QUARTERLY])
def test_one_a4_portrait_page_with_fonts(kind):
    wb = blank_workbook(kind)
    for ws in wb.worksheets:
        if ws.title == "_kaoping":
            continue
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert ws.page_setup.orientation == "portrait"
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 1)
        assert ws.print_area
        assert ws["A1"].font.name == "宋体" and ws["A1"].font.b
        assert ws["A3"].font.name == "仿宋"


def test_control_characters_from_the_roster_do_not_break_saving(tmp_path: Path):
    p = person(name="张\x0b三", unit="办公室\x07")
    paths = generate_forms(Roster(people=[p]), Q3, tmp_path)
    form = read_workbook(paths[0]).forms[0]
    assert form.identity.name == "张三" and form.identity.unit == "办公室"


def test_user_text_is_never_a_formula(tmp_path: Path):
    p = person(name="=1+1", unit="+cmd|' /C calc'!A0")
    path = tmp_path / "x.xlsx"
    quarterly_workbook(p, Q3).save(path)
    ws = load_workbook(path).active
    assert ws["B3"].value == "=1+1" and ws["B3"].data_type == "s"
    assert ws["E3"].data_type == "s"


# ---------------------------------------------------------------- templates


def _shape(wb) -> list:
    out = []
    for ws in wb.worksheets:
        out.append((ws.title, ws.sheet_state, sorted(str(r) for r in ws.merged_cells.ranges),
                    [[c.value for c in row] for row in ws.iter_rows()],
                    [(k, d.width) for k, d in sorted(ws.column_dimensions.items())],
                    [(k, d.height) for k, d in sorted(ws.row_dimensions.items())]))
    return out


@pytest.mark.parametrize("kind", list(TEMPLATE_NAMES))
def test_blank_forms_are_their_templates_with_placeholders_left_empty(kind, tmp_path: Path):
    """The template is the layout: the blank form has its merges, widths, heights and every
    literal cell; only placeholder cells differ, and they are empty (or the period's blank)."""
    path = TEMPLATE_DIR / TEMPLATE_NAMES[kind]
    template = load_workbook(path)
    blank_workbook(kind).save(tmp_path / "blank.xlsx")
    blank = load_workbook(tmp_path / "blank.xlsx")
    weekly_model = kind == FormKind.MONTHLY  # 附件2's 一周小记: the model of the weekly sheets
    assert [n for n in template.sheetnames if not (weekly_model and n == "一周小记")] == blank.sheetnames
    for ws in blank.worksheets:
        tws = template[ws.title]
        placeholders = 0
        for row in tws.iter_rows():
            for c in row:
                got = ws[c.coordinate].value
                if isinstance(c.value, str) and "{{" in c.value:
                    placeholders += 1
                    assert got is None or "{{" not in str(got) and str(got).strip("（）月份第季度周时间： ") == ""
                elif ws.title != "_kaoping":
                    assert got == c.value, c.coordinate
        assert sorted(map(str, ws.merged_cells.ranges)) == sorted(map(str, tws.merged_cells.ranges))
        assert {k: d.width for k, d in ws.column_dimensions.items()} == \
            {k: d.width for k, d in tws.column_dimensions.items()}
        assert {k: d.height for k, d in ws.row_dimensions.items()} == \
            {k: d.height for k, d in tws.row_dimensions.items()}
        assert placeholders > 0 or ws.title == "_kaoping"


def test_monthly_weekly_sheet_has_the_layout_of_the_weekly_form():
    """附件2 carries its own 一周小记 sheet (copied once per week): the same as 附件1's."""
    weekly = load_workbook(TEMPLATE_DIR / TEMPLATE_NAMES[FormKind.WEEKLY])["一周小记"]
    monthly = load_workbook(TEMPLATE_DIR / TEMPLATE_NAMES[FormKind.MONTHLY])["一周小记"]
    wb_w, wb_m = weekly.parent, monthly.parent
    del wb_w["_kaoping"], wb_m["_kaoping"], wb_m["月度小结"]
    assert _shape(wb_w) == _shape(wb_m)


def test_templates_read_back_as_blank_forms(tmp_path: Path):
    paths = write_templates(tmp_path)
    assert sorted(p.name for p in paths) == sorted(TEMPLATE_NAMES.values())
    with pytest.raises(OutputExistsError):
        write_templates(tmp_path)
    kinds = {read_workbook(p).kind for p in paths}
    assert kinds == {FormKind.WEEKLY, FormKind.MONTHLY, FormKind.QUARTERLY}
    # a blank template has no period: the reader says so instead of guessing
    res = read_workbook(tmp_path / TEMPLATE_NAMES[FormKind.QUARTERLY])
    assert res.forms == [] and any(f.rule == "F5" for f in res.findings)


# ---------------------------------------------------------------- generate_forms


def _roster() -> Roster:
    return Roster(people=[
        person("A001", "张三", "办公室", "综合科", "科员"),
        person("A002", "李四", "鹿城分中心", "归集科", "科长"),
        person("A003", "张三", "鹿城分中心", None, "科员"),
        person("A004", "王五", "办公室", None, "科员", hired_on=dt.date(2026, 10, 8)),
        person("A005", "赵六", "办公室", None, "科员", on_establishment=False),
        person("A006", "钱/七", "财务处", "..", "科员"),
    ])


def test_generate_monthly_forms(tmp_path: Path):
    calls: list[tuple[int, int]] = []
    paths = generate_forms(_roster(), JULY, tmp_path,
                           on_progress=lambda i, n, p: calls.append((i, n)))
    rel = sorted(str(p.relative_to(tmp_path)) for p in paths)
    assert rel == sorted(["办公室/综合科/张三-2026-07-A001.xlsx", "鹿城分中心/归集科/李四-2026-07.xlsx",
                          "鹿城分中心/张三-2026-07-A003.xlsx", "财务处/未命名/钱_七-2026-07.xlsx"])
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]
    res = read_workbook(tmp_path / "鹿城分中心/归集科/李四-2026-07.xlsx")
    form = res.forms[0]
    assert isinstance(form, MonthlySummary) and form.identity.staff_id == "A002"
    assert (form.identity.unit, form.identity.section, form.identity.post) == ("鹿城分中心", "归集科",
                                                                               "科长")
    assert len(form.weeks) == 5


def test_generate_quarterly_includes_people_hired_during_the_quarter(tmp_path: Path):
    roster = _roster()
    roster.people[3].hired_on = dt.date(2026, 9, 1)
    paths = generate_forms(roster, Q3, tmp_path, unit="办公室")
    assert sorted(p.name for p in paths) == ["张三-2026Q3-A001.xlsx", "王五-2026Q3.xlsx"]
    form = read_workbook(paths[0]).forms[0]
    assert isinstance(form, QuarterlyEvaluation) and (form.year, form.quarter) == (2026, 3)


def test_refusal_to_overwrite_writes_nothing(tmp_path: Path):
    roster = _roster()
    paths = form_paths(roster.people[:3], JULY, tmp_path)
    paths[1].parent.mkdir(parents=True)
    paths[1].write_bytes(b"precious")
    with pytest.raises(OutputExistsError) as e:
        generate_forms(roster, JULY, tmp_path)
    assert "未写入任何文件" in e.value.message and "--force" in e.value.message
    assert [p for p in tmp_path.rglob("*.xlsx")] == [paths[1]]
    assert paths[1].read_bytes() == b"precious"
    written = generate_forms(roster, JULY, tmp_path, force=True)
    assert paths[1] in written and paths[1].read_bytes() != b"precious"


def test_unknown_unit_and_empty_roster_are_errors(tmp_path: Path):
    with pytest.raises(KaopingError, match="没有单位「不存在处」"):
        generate_forms(_roster(), JULY, tmp_path, unit="不存在处")
    with pytest.raises(KaopingError):
        generate_forms(Roster(), JULY, tmp_path)
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- CLI


def _roster_file(path: Path) -> Path:
    from kaoping.forms.roster import roster_template_workbook

    roster_template_workbook(people=_roster().people).save(path)
    return path


@pytest.mark.parametrize(("kind", "period", "suffix"), [("monthly", "2026-07", "2026-07"),
                                                        ("quarterly", "2026Q3", "2026Q3")])
def test_cli_forms(tmp_path: Path, kind: str, period: str, suffix: str):
    from kaoping.cli import app

    roster = _roster_file(tmp_path / "花名册.xlsx")
    out = tmp_path / "out"
    runner = CliRunner()
    res = runner.invoke(app, ["forms", kind, "--roster", str(roster), "--period", period,
                              "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "已生成 4 份" in res.output
    files = sorted(out.rglob("*.xlsx"))
    assert len(files) == 4 and all(f.stem.split("-", 1)[1].startswith(suffix) for f in files)
    expected_kind = FormKind.MONTHLY if kind == "monthly" else FormKind.QUARTERLY
    assert {read_workbook(f).kind for f in files} == {expected_kind}
    # again: refused, nothing changed, exit code 2
    before = {f: f.stat().st_mtime_ns for f in files}
    res = runner.invoke(app, ["forms", kind, "-r", str(roster), "-p", period, "-o", str(out)])
    assert res.exit_code == 2 and "已存在" in res.output.replace("\n", "")
    assert {f: f.stat().st_mtime_ns for f in files} == before
    res = runner.invoke(app, ["forms", kind, "-r", str(roster), "-p", period, "-o", str(out),
                              "--unit", "办公室", "--force"])
    assert res.exit_code == 0 and "已生成 1 份" in res.output


def test_cli_forms_bad_input(tmp_path: Path):
    from kaoping.cli import app

    runner = CliRunner()
    roster = _roster_file(tmp_path / "花名册.xlsx")
    res = runner.invoke(app, ["forms", "monthly", "-r", str(roster), "-p", "2026-13", "-o",
                              str(tmp_path / "o")])
    assert res.exit_code == 2 and "无法识别的月份" in res.output.replace("\n", "")
    res = runner.invoke(app, ["forms", "quarterly", "-r", str(tmp_path / "无.xlsx"), "-p", "2026Q3",
                              "-o", str(tmp_path / "o")])
    assert res.exit_code == 2 and "找不到花名册" in res.output.replace("\n", "")
    res = runner.invoke(app, ["forms", "--help"])
    assert res.exit_code == 0 and "生成空白表格" in res.output


def test_cli_forms_blank(tmp_path: Path):
    from kaoping.cli import app

    runner = CliRunner()
    res = runner.invoke(app, ["forms", "blank", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(TEMPLATE_NAMES.values())
    res = runner.invoke(app, ["forms", "blank", "--out", str(tmp_path)])
    assert res.exit_code == 2 and "未写入任何文件" in res.output.replace("\n", "")
    assert runner.invoke(app, ["forms", "blank", "-o", str(tmp_path), "--force"]).exit_code == 0
