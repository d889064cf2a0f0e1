"""附件1–3 from their templates: a restyled set (`--templates`, kaoping.toml [templates] dir) is
honoured by forms quarterly/monthly/blank, a wrong one is refused naming template and cell."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from kaoping.cli import app
from kaoping.excel.read import read_workbook
from kaoping.forms.routine import (
    FORM_SPECS,
    TEMPLATE_NAMES,
    WEEK_ROWS,
    generate_forms,
    weekly_workbook,
)
from kaoping.models import FormKind
from kaoping.periods import Month, Quarter
from kaoping.report.template import export_templates

REPO = Path(__file__).resolve().parent.parent
ROSTER = REPO / "examples" / "花名册.xlsx"
runner = CliRunner()
A1 = TEMPLATE_NAMES[FormKind.WEEKLY]
A2 = TEMPLATE_NAMES[FormKind.MONTHLY]
A3 = TEMPLATE_NAMES[FormKind.QUARTERLY]
TITLE = "温州市住房公积金管理中心 干部日常考评季度评价表"


@pytest.fixture
def restyled(tmp_path: Path) -> Path:
    folder = tmp_path / "模板"
    export_templates(folder, [spec.file for spec in FORM_SPECS.values()])
    return folder


def _edit(path: Path, sheet: str | None = None, **cells: object) -> None:
    wb = load_workbook(path)
    ws = wb[sheet] if sheet else wb.worksheets[0]
    for ref, value in cells.items():
        ws[ref] = value
    wb.save(path)


def _forms(out: Path) -> list[Path]:
    return sorted(out.rglob("*.xlsx"))


def test_a_restyled_quarterly_title_is_in_every_generated_form(restyled, tmp_path):
    _edit(restyled / A3, A1=TITLE)
    out = tmp_path / "out"
    result = runner.invoke(app, ["forms", "quarterly", "--roster", str(ROSTER), "--period", "2026Q3",
                                 "--unit", "财务处", "--out", str(out), "--templates", str(restyled)])
    assert result.exit_code == 0, result.output
    forms = _forms(out)
    assert forms
    for path in forms:
        ws = load_workbook(path)["季度评价"]
        assert ws["A1"].value == TITLE
        assert ws["A2"].value == "第（3）季度" and ws["B3"].value  # still filled for the person
        assert read_workbook(path).kind == FormKind.QUARTERLY  # and still read back


def test_the_shipped_title_without_templates(tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(app, ["forms", "quarterly", "--roster", str(ROSTER), "--period", "2026Q3",
                                 "--unit", "财务处", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert load_workbook(_forms(out)[0])["季度评价"]["A1"].value == "干部日常考评季度评价表"


def test_the_templates_dir_of_kaoping_toml_is_used_by_the_forms(restyled, tmp_path, monkeypatch):
    _edit(restyled / A3, A1=TITLE)
    (tmp_path / "kaoping.toml").write_text('[templates]\ndir = "模板"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["forms", "quarterly", "--roster", str(ROSTER), "--period", "2026Q3",
                                 "--unit", "财务处", "--out", "out"])
    assert result.exit_code == 0, result.output
    assert load_workbook(_forms(tmp_path / "out")[0])["季度评价"]["A1"].value == TITLE


def test_a_restyled_weekly_sheet_of_the_monthly_form(restyled, tmp_path):
    _edit(restyled / A2, "一周小记", A1="一周小记（改）")
    _edit(restyled / A2, "月度小结", A1="月度小结（改）")
    out = tmp_path / "out"
    result = runner.invoke(app, ["forms", "monthly", "--roster", str(ROSTER), "--period", "2026-07",
                                 "--unit", "财务处", "--out", str(out), "--templates", str(restyled)])
    assert result.exit_code == 0, result.output
    wb = load_workbook(_forms(out)[0])
    assert wb.sheetnames[0] == "月度小结" and wb["月度小结"]["A1"].value == "月度小结（改）"
    weeks = wb.sheetnames[1:-1]
    assert len(weeks) == 5 and all(wb[w]["A1"].value == "一周小记（改）" for w in weeks)
    assert wb[weeks[1]]["G2"].value == "时间：（7）月第（2）周"


def test_forms_blank_follows_the_restyled_set(restyled, tmp_path):
    _edit(restyled / A1, A1="一周小记表（本中心版）")
    out = tmp_path / "blank"
    result = runner.invoke(app, ["forms", "blank", "--out", str(out), "--templates", str(restyled)])
    assert result.exit_code == 0, result.output
    ws = load_workbook(out / A1)["一周小记"]
    assert ws["A1"].value == "一周小记表（本中心版）"
    assert ws["C2"].value is None and ws["G2"].value == "时间：（  ）月第（  ）周"
    assert ws["C4"].value is None  # the task row is a blank ruled row


def test_an_unknown_placeholder_in_the_weekly_form_is_exit_2_naming_template_and_cell(restyled, tmp_path):
    _edit(restyled / A1, C2="{{ 名字 }}")
    out = tmp_path / "blank"
    result = runner.invoke(app, ["forms", "blank", "--out", str(out), "--templates", str(restyled)])
    assert result.exit_code == 2
    flat = "".join(result.output.split())
    assert "附件1" in flat and "C2" in flat and "{{名字}}不认识" in flat
    assert not out.exists()
    check = runner.invoke(app, ["templates", "check", str(restyled)])
    assert check.exit_code == 2 and "C2" in "".join(check.output.split())


def test_a_missing_placeholder_is_exit_2_before_any_form(restyled, tmp_path):
    _edit(restyled / A3, B3="张三")  # {{ 姓名 }} typed over
    out = tmp_path / "out"
    result = runner.invoke(app, ["forms", "quarterly", "--roster", str(ROSTER), "--period", "2026Q3",
                                 "--out", str(out), "--templates", str(restyled)])
    assert result.exit_code == 2
    flat = "".join(result.output.split())
    assert "附件3" in flat and "{{姓名}}" in flat and "B3" in flat
    assert not out.exists()


def test_a_template_that_does_more_with_a_name_is_not_stamped(restyled, tmp_path):
    """The batch stamps one form per shape with placeholder text: a template that cuts or
    filters a name must take the normal path, so each form shows that person's own."""
    from kaoping.excel.roster import read_roster

    _edit(restyled / A3, B3="{{ 姓名[0] }}（{{ 姓名 }}）")
    roster, _ = read_roster(ROSTER)
    paths = generate_forms(roster, Quarter(2026, 3), tmp_path / "out", unit="财务处", template_dir=restyled)
    people = {p.staff_id: p for p in roster.people}
    for path in paths:
        wb = load_workbook(path)
        sid = {r[0].value: r[1].value for r in wb["_kaoping"].iter_rows(max_col=2)}["staff_id"]
        name = people[sid].name
        assert wb["季度评价"]["B3"].value == f"{name[0]}（{name}）"


def test_more_tasks_than_ruled_rows_grow_the_restyled_table(restyled, tmp_path):
    from helpers_forms import SRC, person, tasks_for

    from kaoping.models import FormIdentity, WeeklyLog

    start, end = Month(2026, 7).weeks()[1]
    log = WeeklyLog(source=SRC, identity=FormIdentity(name="张三"), year=2026, month=7, week=2,
                    tasks=tasks_for(start, end, WEEK_ROWS + 4))
    wb = weekly_workbook(person(), Month(2026, 7), 2, log, template_dir=restyled)
    ws = wb["一周小记"]
    last = 3 + WEEK_ROWS + 4
    assert ws.cell(last, 3).value == log.tasks[-1].item
    assert str(ws.cell(last + 1, 1).value).startswith("注：")
    assert ws.print_area.endswith(f"$H${last + 1}")


def test_weekly_sheets_copied_into_the_monthly_form_keep_what_copy_worksheet_drops(tmp_path):
    """openpyxl's copy_worksheet leaves out validations, protection, the sheet view and the
    print area: each week's sheet has them as the template's 一周小记 sheet does."""
    from kaoping.forms.routine import monthly_workbook

    from helpers_forms import person

    monthly_workbook(person(), Month(2026, 7)).save(tmp_path / "m.xlsx")
    wb = load_workbook(tmp_path / "m.xlsx")
    model = load_workbook(REPO / "templates" / "xlsx" / A2)["一周小记"]
    weeks = wb.sheetnames[1:-1]
    assert len(weeks) == 5
    for title in weeks:
        ws = wb[title]
        assert ws.protection.sheet and ws.protection.insertRows is False  # rows may be inserted
        assert ws.sheet_view.showGridLines is False and not ws.sheet_view.tabSelected
        assert ws.print_area == model.print_area.replace("一周小记", title)
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 1
        assert [(str(d.sqref), d.formula1) for d in ws.data_validations.dataValidation] == \
            [(str(d.sqref), d.formula1) for d in model.data_validations.dataValidation]
        assert ws["C4"].protection.locked is False and ws["A1"].protection.locked is True
