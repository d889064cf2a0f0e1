"""`kaoping week check` end to end: weekly sheets inside monthly workbooks and standalone 附件1."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from helpers_month import identity, monthly, person, task, weekly
from kaoping.cli import app
from kaoping.forms.routine import FILL_STYLES, monthly_workbook, weekly_workbook
from kaoping.output.workbook import save_workbook
from kaoping.models import TaskStatus
from kaoping.periods import Month

runner = CliRunner()
JULY = Month(2026, 7)
ZHANG = person("A001", "张三", unit="归集处", section="一科", post="科员")
ZHAO = person("B001", "赵六", unit="瑞安分中心", section="综合科", post="科员")


def _invoke(*args: object):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False,
                         env={"COLUMNS": "200"})


def _rows(path: Path) -> list[dict[str, object]]:
    ws = load_workbook(path)["全部"]
    header = [c.value for c in ws[2]]
    return [dict(zip(header, (c.value for c in row), strict=True)) for row in ws.iter_rows(min_row=3)]


def test_clean_folder(tmp_path: Path):
    s = monthly(7, ident=identity("张三", "A001", "归集处"))
    save_workbook(monthly_workbook(ZHANG, JULY, s), tmp_path / "张三-2026-07.xlsx")
    r = _invoke("week", "check", tmp_path)
    assert r.exit_code == 0, r.output
    assert "共 5 份一周小记，1 人" in r.output and "未发现问题" in r.output


def test_each_kind_of_bad_status_in_monthly_and_standalone_forms(tmp_path: Path):
    s = monthly(7, ident=identity("张三", "A001", "归集处"))
    s.weeks[2].tasks = [  # week 3: 13–19 July
        task(4, received_on=dt.date(2026, 7, 13), status=None, status_text="差不多",
             completed_on=None),  # W1
        task(5, received_on=dt.date(2026, 7, 13), status=None, status_text=None,
             completed_on=None),  # W2
        task(6, received_on=dt.date(2026, 7, 13), completed_on=None),  # W3
        task(7, received_on=dt.date(2026, 7, 13), status=TaskStatus.FAILED, status_text="无法完成",
             completed_on=None),  # W4
        task(8, received_on=dt.date(2026, 7, 13), status=TaskStatus.IN_PROGRESS,
             status_text="进行中", completed_on=None, deadline=dt.date(2026, 7, 15)),  # W5
    ]
    save_workbook(monthly_workbook(ZHANG, JULY, s), tmp_path / "归集处" / "张三-2026-07.xlsx")
    # a standalone 附件1 of another person, with a 无法完成 that gives its reason (fine) and a
    # row without 日期 (W6), written in a different fill style
    log = weekly(2, ident=identity("赵六", "B001", "瑞安分中心"), tasks=[
        task(4, status=TaskStatus.FAILED, status_text="无法完成", note="对方材料未补齐",
             completed_on=None),
        task(5, received_on=None),
    ])
    save_workbook(weekly_workbook(ZHAO, JULY, 2, log, FILL_STYLES[3]),
                  tmp_path / "瑞安分中心" / "赵六-2026-07-第2周.xlsx")
    problems = tmp_path / "out" / "问题清单.xlsx"
    r = _invoke("week", "check", tmp_path, "--problems", problems)
    assert r.exit_code == 1, r.output
    rows = _rows(problems)
    assert sorted(row["规则"] for row in rows) == ["W1", "W2", "W3", "W4", "W5", "W6"]
    cells = {row["规则"]: row["单元格"] for row in rows}
    assert cells == {"W1": "F4", "W2": "F5", "W3": "F6", "W4": "G7", "W5": "E8", "W6": "B5"}
    zhang = [row for row in rows if row["姓名"] == "张三"]
    assert {row["单位"] for row in zhang} == {"归集处"}
    assert all(str(row["工作表"]).startswith("第3周") for row in zhang)
    assert "无法完成的说明原因" in next(row["问题"] for row in rows if row["规则"] == "W4")
    assert "已完成的注明完成时间" in next(row["问题"] for row in rows if row["规则"] == "W3")


def test_only_the_three_statuses_are_read(tmp_path: Path):
    """§四(一) names exactly 进行中/已完成/无法完成 (a date or reason may follow): 待完成,
    部分完成 and 未完成 are W1 errors, not a 已完成 missing its date (W3) or a 无法完成 whose
    reason is the word itself."""
    s = monthly(7, ident=identity("张三", "A001", "归集处"))
    day = dt.date(2026, 7, 13)
    s.weeks[2].tasks = [
        task(4, received_on=day, status=None, status_text="待完成", completed_on=None),
        task(5, received_on=day, status=None, status_text="部分完成", completed_on=None),
        task(6, received_on=day, status=None, status_text="未完成", completed_on=None),
        task(7, received_on=day, status=None, status_text="已完成 7月14日", completed_on=None),
        task(8, received_on=day, status=None, status_text="无法完成，系统未上线",
             completed_on=None),
        task(9, received_on=day, status=None, status_text="进行中，月底前完成", completed_on=None,
             deadline=dt.date(2026, 7, 31)),
    ]
    save_workbook(monthly_workbook(ZHANG, JULY, s), tmp_path / "张三-2026-07.xlsx")
    problems = tmp_path / "out" / "问题清单.xlsx"
    r = _invoke("week", "check", tmp_path, "--problems", problems)
    assert r.exit_code == 1, r.output
    rows = _rows(problems)
    assert [(row["规则"], row["单元格"]) for row in rows] == [("W1", "F4"), ("W1", "F5"),
                                                           ("W1", "F6")]
    assert all(str(row["工作表"]).startswith("第3周") and row["文件"].endswith("张三-2026-07.xlsx")
               for row in rows)
    assert "“待完成”无效" in rows[0]["问题"] and "“已完成”" in rows[0]["问题"]


def test_duplicate_week_and_empty_week(tmp_path: Path):
    s = monthly(7, ident=identity("张三", "A001", "归集处"))
    s.weeks[4].tasks = []  # week 5 left empty → W8 提示
    save_workbook(monthly_workbook(ZHANG, JULY, s), tmp_path / "张三-2026-07.xlsx")
    save_workbook(weekly_workbook(ZHANG, JULY, 2, s.weeks[1]), tmp_path / "张三-第2周.xlsx")
    problems = tmp_path / "p.xlsx"
    r = _invoke("week", "check", tmp_path, "--problems", problems)
    assert r.exit_code == 0, r.output  # warnings and hints only
    assert sorted(row["规则"] for row in _rows(problems)) == ["W10", "W8"]


def test_cannot_run(tmp_path: Path):
    assert _invoke("week", "check", tmp_path / "nowhere").exit_code == 2
    assert _invoke("week", "check", tmp_path).exit_code == 2  # no workbooks at all


def test_roster_gives_standalone_logs_their_unit_and_own_problems_file_is_skipped(tmp_path: Path):
    from kaoping.forms.roster import roster_template_workbook

    roster_file = save_workbook(roster_template_workbook(people=[ZHANG, ZHAO]),
                                tmp_path / "花名册.xlsx")
    folder = tmp_path / "collected"
    log = weekly(2, ident=identity("赵六", "B001", "瑞安分中心"), tasks=[task(5, received_on=None)])
    save_workbook(weekly_workbook(ZHAO, JULY, 2, log), folder / "赵六-第2周.xlsx")
    problems = folder / "问题清单.xlsx"  # written inside the checked folder
    assert _invoke("week", "check", folder, "--problems", problems).exit_code == 0
    [row] = _rows(problems)
    assert (row["规则"], row["单位"]) == ("W6", None)  # a standalone 附件1 names no 单位
    r = _invoke("week", "check", folder, "-r", roster_file, "--problems", problems, "--force")
    assert r.exit_code == 0, r.output
    [row] = _rows(problems)  # the previous 问题清单 in the folder is not read as a form
    assert (row["规则"], row["单位"], row["姓名"]) == ("W6", "瑞安分中心", "赵六")


def test_user_text_is_not_read_as_console_markup(tmp_path: Path):
    s = monthly(7, ident=identity("张三", "A001", "归集处"))
    s.weeks[1].tasks.append(task(6, status=None, status_text="[red]差不多[/red]",
                                 completed_on=None))
    save_workbook(monthly_workbook(ZHANG, JULY, s), tmp_path / "[x]张三.xlsx")
    r = _invoke("week", "check", tmp_path)
    assert r.exit_code == 1
    assert "[red]差不多[/red]" in r.output and "[x]张三.xlsx" in r.output
