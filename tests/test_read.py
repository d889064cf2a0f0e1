"""Readers: round trips through every FillStyle, robustness to edits, findings for bad input."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from helpers_forms import (
    insert_row,
    monthly_summary,
    person,
    quarterly_evaluation,
    tasks_for,
    without_source,
)
from kaoping.forms.routine import (
    FILL_STYLES,
    FillStyle,
    monthly_workbook,
    quarterly_workbook,
    weekly_workbook,
)
from kaoping.excel.quarterly import opinion_flags
from kaoping.excel.read import read_workbook
from kaoping.pipeline.batch import read_folder
from kaoping.excel.weekly import parse_status
from kaoping.models import (
    FormKind,
    MonthlySummary,
    QuarterGrade,
    QuarterlyEvaluation,
    Severity,
    SourceRef,
    TaskStatus,
    WeeklyLog,
)
from kaoping.periods import Month, Quarter

G, FG, AV, PO = QuarterGrade.GOOD, QuarterGrade.FAIRLY_GOOD, QuarterGrade.AVERAGE, QuarterGrade.POOR
JULY = Month(2026, 7)
Q3 = Quarter(2026, 3)


def _save(wb, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _only(result, cls):
    assert [f for f in result.findings if f.severity == Severity.ERROR] == []
    assert len(result.forms) == 1
    form = result.forms[0]
    assert isinstance(form, cls)
    return form


# ---------------------------------------------------------------- round trips


@pytest.mark.parametrize("style", FILL_STYLES, ids=lambda s: f"{s.tick}-{s.date_style}")
def test_monthly_round_trip(tmp_path: Path, style: FillStyle):
    p = person()
    model = monthly_summary(p, JULY)
    path = _save(monthly_workbook(p, JULY, model, style), tmp_path / "张三-2026-07.xlsx")
    result = read_workbook(path)
    assert result.kind == FormKind.MONTHLY
    got = _only(result, MonthlySummary)
    assert without_source(got) == without_source(model)
    assert got.source.file == str(path)
    assert got.source.sheet == "月度小结"
    assert got.weeks[0].source.sheet == "第1周(7.1-7.5)"


@pytest.mark.parametrize("style", FILL_STYLES, ids=lambda s: f"{s.tick}-{s.date_style}")
def test_quarterly_round_trip(tmp_path: Path, style: FillStyle):
    p = person()
    model = quarterly_evaluation(p, Q3, commended=True)
    path = _save(quarterly_workbook(p, Q3, model, style), tmp_path / "q.xlsx")
    got = _only(read_workbook(path), QuarterlyEvaluation)
    assert without_source(got) == without_source(model)


def test_weekly_workbook_round_trip(tmp_path: Path):
    p = person()
    s, e = JULY.weeks()[1]
    log = WeeklyLog(source=SourceRef(file="m"), identity={"staff_id": "A001", "name": "张三"},
                    unit_and_post="办公室 综合科 科员", year=2026, month=7, week=2, week_start=s,
                    week_end=e, tasks=tasks_for(s, e, 5))
    path = _save(weekly_workbook(p, JULY, 2, log, FillStyle(date_style="text-cn")), tmp_path / "w.xlsx")
    result = read_workbook(path)
    assert result.kind == FormKind.WEEKLY
    got = _only(result, WeeklyLog)
    assert without_source(got) == without_source(log)


def test_more_tasks_than_rows_grow_the_table(tmp_path: Path):
    p = person()
    model = monthly_summary(p, JULY, tasks=20)
    path = _save(monthly_workbook(p, JULY, model), tmp_path / "m.xlsx")
    got = _only(read_workbook(path), MonthlySummary)
    assert [len(w.tasks) for w in got.weeks] == [20, 0, 20, 20, 20]
    assert without_source(got) == without_source(model)


def test_cell_references_name_the_input_cells(tmp_path: Path):
    p = person()
    path = _save(quarterly_workbook(p, Q3, quarterly_evaluation(p, Q3)), tmp_path / "q.xlsx")
    cells = _only(read_workbook(path), QuarterlyEvaluation).source.cells
    assert cells["self_ticks"] == "C8:F8"
    assert cells["leader_ticks"] == "C10:F10"
    assert cells["leader_opinion"] == "C14"
    assert cells["commended"] == "F11" and cells["direct_poor"] == "F13"
    assert cells["commendation_level"] == "C12" and cells["commendation_name"] == "E12"
    assert cells["period"] == cells["quarter"] == "A2"
    path = _save(monthly_workbook(p, JULY, monthly_summary(p, JULY)), tmp_path / "m.xlsx")
    got = _only(read_workbook(path), MonthlySummary)
    assert got.source.cells["sick_personal_days"] == "C9"
    assert got.source.cells["annual_leave_days_ytd"] == "E10"
    assert got.source.cells["month"] == "A2" and got.weeks[0].source.cells["week"] == "G2"
    assert got.weeks[0].source.cells["col:status"] == "F"
    assert got.weeks[0].tasks[0].row == 4


def test_blank_generated_forms_read_with_identity(tmp_path: Path):
    p = person()
    path = _save(quarterly_workbook(p, Q3), tmp_path / "q.xlsx")
    got = _only(read_workbook(path), QuarterlyEvaluation)
    assert got.identity.staff_id == "A001" and got.identity.name == "张三"
    assert (got.year, got.quarter) == (2026, 3)
    assert got.self_ticks == [] and got.leader_ticks == [] and got.leader_opinion is None
    path = _save(monthly_workbook(p, JULY), tmp_path / "m.xlsx")
    got = _only(read_workbook(path), MonthlySummary)
    assert len(got.weeks) == 5 and all(w.tasks == [] for w in got.weeks)
    assert got.sick_personal_days is None


# ---------------------------------------------------------------- edited forms


def test_form_without_meta_sheet(tmp_path: Path):
    p = person()
    model = quarterly_evaluation(p, Q3)
    wb = quarterly_workbook(p, Q3, model)
    del wb["_kaoping"]
    path = _save(wb, tmp_path / "2026年" / "张三季度评价.xlsx")
    result = read_workbook(path)
    assert result.kind == FormKind.QUARTERLY
    got = _only(result, QuarterlyEvaluation)
    assert got.identity.staff_id is None
    expected = model.model_copy(deep=True)
    expected.identity.staff_id = None
    assert without_source(got) == without_source(expected)

    wb = monthly_workbook(p, JULY, monthly_summary(p, JULY))
    del wb["_kaoping"]
    got = _only(read_workbook(_save(wb, tmp_path / "张三-2026-07.xlsx")), MonthlySummary)
    assert (got.year, got.month, got.identity.staff_id) == (2026, 7, None)
    assert len(got.weeks) == 5 and got.weeks[0].tasks[0].completed_on == dt.date(2026, 7, 5)


@pytest.mark.parametrize(("saved", "quarter", "year"), [
    (dt.datetime(2026, 10, 12), 3, 2026), (dt.datetime(2027, 1, 15), 4, 2026),
    (dt.datetime(2026, 12, 30), 4, 2026)])
def test_year_from_save_time_when_nothing_names_it(tmp_path: Path, saved, quarter, year):
    import os

    p = person()
    q = Quarter(2026, quarter)
    wb = quarterly_workbook(p, q, quarterly_evaluation(p, q))
    del wb["_kaoping"]
    path = _save(wb, tmp_path / "张三.xlsx")
    os.utime(path, (saved.timestamp(), saved.timestamp()))
    result = read_workbook(path)
    (form,) = result.forms
    assert (form.year, form.quarter) == (year, quarter)
    assert [(f.rule, f.severity, f.cell) for f in result.findings] == [("F5", Severity.WARNING, "A2")]
    assert f"推定为 {year} 年" in result.findings[0].message
    # the caller may know better
    result = read_workbook(path, default_year=2030)
    assert result.forms[0].year == 2030 and result.findings == []


@pytest.mark.parametrize("at", [2, 3, 6, 9])
def test_row_inserted_in_quarterly(tmp_path: Path, at: int):
    p = person()
    model = quarterly_evaluation(p, Q3, self_ticks=(FG,), leader_ticks=(AV,), direct_poor=True)
    wb = quarterly_workbook(p, Q3, model)
    ws = wb.active
    ws.protection.sheet = False
    insert_row(ws, at)
    ws.cell(at, 2).value = "（插入的说明行）"
    got = _only(read_workbook(_save(wb, tmp_path / "q.xlsx")), QuarterlyEvaluation)
    assert without_source(got) == without_source(model)
    assert got.source.cells["self_ticks"] == ("C9:F9" if at <= 8 else "C8:F8")


@pytest.mark.parametrize("sheet_index", [0, 1])
def test_row_inserted_in_monthly_and_weekly(tmp_path: Path, sheet_index: int):
    p = person()
    model = monthly_summary(p, JULY)
    wb = monthly_workbook(p, JULY, model)
    ws = wb.worksheets[sheet_index]
    insert_row(ws, 3)
    got = _only(read_workbook(_save(wb, tmp_path / "m.xlsx")), MonthlySummary)
    expected = without_source(model)
    if sheet_index == 1:  # the first week's task rows moved one row down
        for t in expected["weeks"][0]["tasks"]:
            t["row"] += 1
    assert without_source(got) == expected


def _without_rows(data):
    """A dumped summary without its task rows' numbers (an inserted row moves them)."""
    for week in data["weeks"]:
        for t in week["tasks"]:
            t.pop("row")
    return data


@pytest.mark.parametrize("sheet_index", [0, 1, 2])
def test_a_row_inserted_anywhere_reads_the_same(tmp_path: Path, sheet_index: int):
    """People insert rows: above the title, in the head, between tasks, above the 注 line."""
    p = person()
    model = monthly_summary(p, JULY, tasks=4)
    expected = _without_rows(without_source(model))
    for at in range(1, 22, 3):
        wb = monthly_workbook(p, JULY, model)
        insert_row(wb.worksheets[sheet_index], at)
        result = read_workbook(_save(wb, tmp_path / f"{sheet_index}-{at}.xlsx"))
        assert result.findings == [], at
        assert _without_rows(without_source(result.forms[0])) == expected, at


def test_rows_of_zeros_are_tasks_rows_of_spaces_are_not(tmp_path: Path):
    """A cell holding 0 or FALSE is written in (a task row); a row of spaces or zero-width
    characters is blank."""
    p = person()
    wb = monthly_workbook(p, JULY, monthly_summary(p, JULY, tasks=4))
    ws = wb.worksheets[1]
    ws.cell(8, 3).value = 0  # 事项 0
    ws.cell(9, 5).value = False  # 完成时限 FALSE
    ws.cell(10, 1).value = 0.0  # a 序号 alone: not a task
    ws.cell(11, 3).value = " "
    ws.cell(12, 6).value = "\u200b"
    week = read_workbook(_save(wb, tmp_path / "m.xlsx")).forms[0].weeks[0]
    assert [t.row for t in week.tasks] == [4, 5, 6, 7, 8, 9]
    assert week.tasks[4].item == "0" and week.tasks[5].deadline_text == "False"


def test_duplicate_week_sheet_is_a_warning(tmp_path: Path):
    p = person()
    wb = monthly_workbook(p, JULY)
    copy = wb.copy_worksheet(wb["第1周(7.1-7.5)"])
    copy.title = "第1周 (2)"
    result = read_workbook(_save(wb, tmp_path / "m.xlsx"))
    assert [w.week for w in result.forms[0].weeks] == [1, 2, 3, 4, 5, 1]
    assert [(f.rule, f.sheet, f.cell) for f in result.findings] == [("F5", "第1周 (2)", "G2")]


def test_meta_name_mismatch_is_a_warning(tmp_path: Path):
    p = person()
    model = quarterly_evaluation(p, Q3)
    model.identity.name = "李四"
    result = read_workbook(_save(quarterly_workbook(p, Q3, model), tmp_path / "q.xlsx"))
    assert [f.rule for f in result.findings] == ["F6"]
    assert result.findings[0].severity == Severity.WARNING
    assert result.findings[0].cell == "B3"
    wb = monthly_workbook(p, JULY)  # the name is on every sheet: reported once
    for ws in wb.worksheets[:-1]:
        ws["B3" if ws.title == "月度小结" else "C2"] = "李四"
    result = read_workbook(_save(wb, tmp_path / "m.xlsx"))
    assert [(f.rule, f.sheet) for f in result.findings] == [("F6", "月度小结")]


# ---------------------------------------------------------------- ticks


@pytest.mark.parametrize("tick", ["√", "✓", "✔", "☑", "■", "●", "是", "V", "v", " √ "])
def test_every_tick_style(tmp_path: Path, tick: str):
    p = person()
    model = quarterly_evaluation(p, Q3, self_ticks=(AV,), leader_ticks=(PO,), direct_poor=True)
    got = _only(read_workbook(_save(quarterly_workbook(p, Q3, model, FillStyle(tick=tick)),
                                    tmp_path / "q.xlsx")), QuarterlyEvaluation)
    assert (got.self_ticks, got.leader_ticks, got.direct_poor, got.commended) == ([AV], [PO], True,
                                                                                 False)


@pytest.mark.parametrize(("self_ticks", "leader_ticks"),
                         [((), ()), ((G, FG), (AV,)), ((G,), (G, FG, AV, PO)), ((), (G, PO))])
def test_two_ticks_and_no_tick_are_read_as_they_are(tmp_path: Path, self_ticks, leader_ticks):
    p = person()
    model = quarterly_evaluation(p, Q3, self_ticks=self_ticks, leader_ticks=leader_ticks)
    got = _only(read_workbook(_save(quarterly_workbook(p, Q3, model), tmp_path / "q.xlsx")),
                QuarterlyEvaluation)
    assert got.self_ticks == list(self_ticks)
    assert got.leader_ticks == list(leader_ticks)


def test_tick_outside_the_tick_cells_is_reported(tmp_path: Path):
    p = person()
    wb = quarterly_workbook(p, Q3, quarterly_evaluation(p, Q3, leader_ticks=()))
    ws = wb.active
    ws["B6"] = "存在的不足和改进措施 √"
    ws["G10"] = "✓"
    result = read_workbook(_save(wb, tmp_path / "q.xlsx"))
    got = result.forms[0]
    assert got.leader_ticks == [] and got.self_ticks == [G]
    assert [(f.rule, f.cell) for f in result.findings] == [("F8", "B6"), ("F8", "G10")]
    assert "存在的不足和改进措施" in result.findings[0].message and "勾" in result.findings[0].message


def test_split_text_area_keeps_all_text(tmp_path: Path):
    p = person()
    wb = quarterly_workbook(p, Q3, quarterly_evaluation(p, Q3))
    ws = wb.active
    ws.unmerge_cells("C5:F5")
    ws["F5"] = "（补充）另完成了档案整理。"
    got = read_workbook(_save(wb, tmp_path / "q.xlsx")).forms[0]
    assert got.highlights == "牵头完成缴存基数调整\n办理业务零差错\n（补充）另完成了档案整理。"


def test_crosses_and_empty_boxes_are_not_ticks(tmp_path: Path):
    p = person()
    wb = quarterly_workbook(p, Q3)
    ws = wb.active
    for ref, v in (("C8", "□"), ("D8", "×"), ("E8", "√"), ("F8", "否"), ("C10", "○")):
        ws[ref] = v
    got = _only(read_workbook(_save(wb, tmp_path / "q.xlsx")), QuarterlyEvaluation)
    assert got.self_ticks == [AV] and got.leader_ticks == []


# ---------------------------------------------------------------- hand-made forms


def _handmade_quarterly(path: Path, *, opinion: str, inline: bool = False) -> Path:
    """附件3 retyped by hand: the annex's labels, no `_kaoping`, no special tick boxes."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    rows = [
        ["干部日常考评季度评价表"],
        ["2026年第（ 3 ）季度"],
        ["姓名", "赵  六", "所属处室/分支机构", "瓯海分中心"],
        ["科室", "归集科", "职务", "副科长"],
        ["个人自评", "主要工作亮点及成效", "完成专项检查"],
        [None, "存在的不足和改进措施", "经验不足"],
    ]
    if inline:
        rows += [[None, "自评档次", "□好 ☑较好 □一般 □较差"],
                 ["领导评价", "领导评价档次", "☑好 □较好 □一般 □较差"]]
    else:
        rows += [[None, "自评档次", "好", "较好", "一般", "较差"],
                 [None, None, None, "✓", None, None],
                 ["领导评价", "领导评价档次", "好", "较好", "一般", "较差"],
                 [None, None, "✓", None, None, None]]
    rows += [[None, "领导意见栏", opinion],
             [None, None, "（处室或分支机构负责人）签字：钱七"],
             ["注：存在直接确定为“好”、“较差”情形或出勤未达标的应在意见栏进行说明。"]]
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_handmade_quarterly_with_keywords(tmp_path: Path):
    path = _handmade_quarterly(tmp_path / "赵六.xlsx",
                               opinion="该同志受市委市政府表彰，直接定为“好”等次。")
    result = read_workbook(path)
    got = _only(result, QuarterlyEvaluation)
    assert (got.year, got.quarter) == (2026, 3)
    assert got.identity.name == "赵六" and got.identity.staff_id is None
    assert got.identity.unit == "瓯海分中心" and got.identity.post == "副科长"
    assert got.self_ticks == [FG] and got.leader_ticks == [G]
    # no 受表彰 box on the form: the opinion's words commend nobody (rule Q3 asks for the box)
    assert got.commended is False and got.commendation_box is False
    assert got.direct_poor is False
    assert got.leader_signature == "钱七"
    assert got.leader_opinion.startswith("该同志受市委市政府表彰")


def test_handmade_quarterly_denied_direct_poor_is_not_one(tmp_path: Path):
    """“经研究，不直接定为较差，定为一般” on a form without the boxes is no direct 较差 (no Q4)."""
    path = _handmade_quarterly(tmp_path / "赵六.xlsx", opinion="经研究，不直接定为较差，定为一般。")
    got = _only(read_workbook(path), QuarterlyEvaluation)
    assert got.direct_poor is False and got.commended is False


def test_kaoping_quarterly_commendation_level_and_name(tmp_path: Path):
    p = person()
    model = quarterly_evaluation(p, Q3, commended=True, commendation_level="当地党委政府以上",
                                 commendation_name="全省抗台先进个人")
    got = _only(read_workbook(_save(quarterly_workbook(p, Q3, model), tmp_path / "q.xlsx")),
                QuarterlyEvaluation)
    assert got.commended is True and got.commendation_box is True
    assert (got.commendation_level, got.commendation_name) == ("当地党委政府以上", "全省抗台先进个人")


def test_handmade_quarterly_inline_ticks(tmp_path: Path):
    path = _handmade_quarterly(tmp_path / "赵六.xlsx", opinion="推诿扯皮，直接确定为较差。",
                               inline=True)
    got = _only(read_workbook(path), QuarterlyEvaluation)
    assert got.self_ticks == [FG] and got.leader_ticks == [G]
    assert got.direct_poor is True and got.commended is False


@pytest.mark.parametrize(("opinion", "expected"), [
    ("受市中心表彰，直接定为“好”", (True, False)),
    ("直接确定为“好”等次", (True, False)),
    ("直接定为较差", (False, True)),
    ("直接确定为“较差”等次", (False, True)),
    ("本季度未受表彰，表现一般", (False, False)),
    ("该同志负责筹备全市表彰大会，工作出色", (True, False)),  # a suggestion: Q3 asks for the box
    ("建议年底予以表彰", (True, False)),
    ("经研究，不直接定为较差，定为一般", (False, False)),
    ("经研究，直接定为较差", (False, True)),
    ("未直接确定为“较差”，但需整改", (False, False)),
    ("工作认真", (False, False)),
    (None, (False, False)),
])
def test_opinion_flags(opinion, expected):
    assert opinion_flags(opinion) == expected


def test_handmade_monthly_in_the_annex_layout(tmp_path: Path):
    wb = Workbook()
    ws = wb.active
    for row in (["干部日常考评月度小结表"], ["（ 8 ）月份"],
                ["姓名", "孙 八", "所属处室/\n分支机构", "财务处"], ["科室", "核算科", "职务", "科员"],
                ["个人小结", "日常工作\n（简要）", "日常记账"], [None, "重要任务项目", "决算"],
                [None, "存在的问题", "无"], [None, "下步打算", "继续"],
                ["出勤情况", "本月请病假、事假（ 1 ）天；年休（ 0 ）天"],
                [None, "全年累计病假、事假（ 2.5 ）天；年休（３）天"],
                ["直管领导审定", None, None, None, "签字：周科长"]):
        ws.append(row)
    path = tmp_path / "孙八-2026-08.xlsx"
    wb.save(path)
    got = _only(read_workbook(path), MonthlySummary)
    assert (got.year, got.month) == (2026, 8)
    assert got.identity.model_dump() == {"staff_id": None, "name": "孙八", "unit": "财务处",
                                         "section": "核算科", "post": "科员"}
    assert (got.daily_work, got.key_tasks, got.problems, got.next_plans) == ("日常记账", "决算", "无",
                                                                             "继续")
    assert (got.sick_personal_days, got.annual_leave_days, got.sick_personal_days_ytd,
            got.annual_leave_days_ytd) == (1, 0, 2.5, 3)
    assert got.verifier_signature == "周科长" and got.weeks == []
    assert got.source.cells["sick_personal_days"] == "B9"


@pytest.mark.parametrize("line", ["（ 8 ）月份", "(8)月份", "8月份", "2026年8月", "（8）月"])
def test_month_line_variants(tmp_path: Path, line: str):
    p = person()
    model = monthly_summary(p, Month(2026, 8))
    model.daily_work = "（7）月遗留的工作，2026年7月开始"
    wb = monthly_workbook(p, Month(2026, 8), model)
    del wb["_kaoping"]
    wb["月度小结"]["A2"] = line
    got = _only(read_workbook(_save(wb, tmp_path / "张三-2026.xlsx")), MonthlySummary)
    assert (got.year, got.month) == (2026, 8)


def test_handmade_weekly_with_one_line_header(tmp_path: Path):
    wb = Workbook()
    ws = wb.active
    ws.append(["干部日常考评一周小记表"])
    ws.append(["姓名：孙八       单位及职务：财务处科员        时间：（7）月第（2）周"])
    ws.append(["序号", "日期", "事项", "完成时限", "完成情况", "备注"])
    ws.append([1, "7.6", "编制预算", "7月10日", "已完成", "7月9日完成"])
    ws.append([2, "2026/7/7", "核对账目", "长期", "进行中", None])
    ws.append([3, 7.1, "7.10 typed as a number reads 7.1", None, "进行中", None])
    ws.append([3, None, None, None, None, None])
    ws.append([None, None, "注册登记系统维护", None, "进行中", None])
    ws.append(["注：已完成的注明完成时间"])
    ws.append([9, None, "注以下不是任务", None, "进行中", None])
    path = tmp_path / "孙八-2026-07.xlsx"
    wb.save(path)
    got = _only(read_workbook(path), WeeklyLog)
    assert got.identity.name == "孙八" and got.unit_and_post == "财务处科员"
    assert (got.year, got.month, got.week) == (2026, 7, 2)
    assert got.week_start == dt.date(2026, 7, 6)
    assert len(got.tasks) == 4 and got.tasks[3].item == "注册登记系统维护"
    assert got.tasks[2].received_on == dt.date(2026, 7, 10)  # the week is 7.6–7.12
    t1, t2, _, _ = got.tasks
    assert t1.received_on == dt.date(2026, 7, 6) and t1.deadline == dt.date(2026, 7, 10)
    assert t1.status == TaskStatus.DONE and t1.completed_on == dt.date(2026, 7, 9)
    assert t2.deadline is None and t2.deadline_text == "长期"
    assert t2.status == TaskStatus.IN_PROGRESS and t2.completed_on is None


@pytest.mark.parametrize(("text", "status"), [
    ("已完成", TaskStatus.DONE), ("已完成（7月8日）", TaskStatus.DONE),
    (" 已完成 7月3日", TaskStatus.DONE), ("“已完成”", TaskStatus.DONE),
    ("进行中", TaskStatus.IN_PROGRESS), ("进行中，预计月底完成", TaskStatus.IN_PROGRESS),
    ("无法完成", TaskStatus.FAILED), ("无法完成，系统未上线", TaskStatus.FAILED),
    # §四(一) names exactly three values: nothing else is read as one of them
    ("完成（7月8日）", None), ("待完成", None), ("部分完成", None), ("未完成", None),
    ("已办结", None), ("正在推进", None), ("已完成/进行中", None), ("待定", None), (None, None)])
def test_parse_status(text, status):
    assert parse_status(text) == status


# ---------------------------------------------------------------- findings


def test_bad_leave_days_are_errors_naming_the_cell(tmp_path: Path):
    p = person()
    wb = monthly_workbook(p, JULY, monthly_summary(p, JULY))
    ws = wb["月度小结"]
    ws["C9"] = "-1"
    ws["E10"] = "很多"
    result = read_workbook(_save(wb, tmp_path / "m.xlsx"))
    errs = [f for f in result.findings if f.severity == Severity.ERROR]
    assert {(f.rule, f.cell, f.sheet) for f in errs} == {("F3", "C9", "月度小结"),
                                                         ("F3", "E10", "月度小结")}
    assert all(f.person == "张三" and f.staff_id == "A001" and f.file == str(tmp_path / "m.xlsx")
               for f in errs)
    got = result.forms[0]
    assert got.sick_personal_days is None and got.annual_leave_days_ytd is None
    assert got.annual_leave_days == 2


def test_impossible_task_date_is_a_warning(tmp_path: Path):
    p = person()
    wb = monthly_workbook(p, JULY)
    ws = wb.worksheets[1]
    ws["B4"], ws["C4"], ws["F4"] = "2026-02-30", "某事项", "进行中"
    result = read_workbook(_save(wb, tmp_path / "m.xlsx"))
    assert [(f.rule, f.severity, f.cell) for f in result.findings] == [
        ("F3", Severity.WARNING, "B4")]
    assert "不存在" in result.findings[0].message
    assert result.forms[0].weeks[0].tasks[0].received_on is None


def test_combined_leave_wording_is_read_as_one_number(tmp_path: Path):
    """The official 附件2 wording “本月请病假、事假、年休（ ）天” is read (issue 14): one number
    for 病事假 and 年休, their split unknown; the rules decide whether it matters."""
    p = person()
    wb = monthly_workbook(p, JULY)
    del wb["_kaoping"]
    ws = wb["月度小结"]
    ws.unmerge_cells("A9:A12")
    for r in (9, 10, 11, 12):
        for c in "BCDEF":
            ws[f"{c}{r}"] = None
    ws["B9"] = "本月请病假、事假、年休（ 2 ）天。"
    ws["B10"] = "全年累计病假、事假、年休（ 5 ）天。"
    result = read_workbook(_save(wb, tmp_path / "张三-2026-07.xlsx"))
    assert [f for f in result.findings if f.severity == Severity.ERROR] == []
    got = _only(result, MonthlySummary)
    assert (got.combined_leave_days, got.combined_leave_days_ytd) == (2, 5)
    assert got.sick_personal_days is None and got.annual_leave_days is None
    assert set(got.unknown_fields) == {
        "sick_personal_days", "annual_leave_days", "sick_personal_days_ytd", "annual_leave_days_ytd",
        "statutory_leave_days", "comp_leave_days", "statutory_leave_days_ytd", "comp_leave_days_ytd"}
    assert got.source.cells["combined_leave_days"] == "B9"


def test_statutory_and_comp_leave_rows(tmp_path: Path):
    p = person()
    model = monthly_summary(p, JULY).model_copy(update={
        "statutory_leave_days": 5.0, "comp_leave_days": 1.5, "statutory_leave_days_ytd": 5.0,
        "comp_leave_days_ytd": 2.0})
    got = _only(read_workbook(_save(monthly_workbook(p, JULY, model), tmp_path / "m.xlsx")),
                MonthlySummary)
    assert (got.statutory_leave_days, got.comp_leave_days) == (5, 1.5)
    assert (got.statutory_leave_days_ytd, got.comp_leave_days_ytd) == (5, 2)
    assert got.unknown_fields == []
    cells = got.source.cells
    assert (cells["statutory_leave_days"], cells["comp_leave_days"]) == ("C11", "E11")
    assert (cells["statutory_leave_days_ytd"], cells["comp_leave_days_ytd"]) == ("C12", "E12")


def test_inline_leave_days_in_one_cell(tmp_path: Path):
    p = person()
    wb = monthly_workbook(p, JULY)
    ws = wb["月度小结"]
    for r in (9, 10):
        for c in "BCDEF":
            ws[f"{c}{r}"] = None
    ws["B9"] = "本月请病假、事假（ 1.5 ）天；年休（ 半天 ）天"
    ws["B10"] = "全年累计病假、事假（３）天；年休（2）天"
    got = _only(read_workbook(_save(wb, tmp_path / "m.xlsx")), MonthlySummary)
    assert (got.sick_personal_days, got.annual_leave_days) == (1.5, 0.5)
    assert (got.sick_personal_days_ytd, got.annual_leave_days_ytd) == (3, 2)


def test_attendance_labels_are_not_confused_with_summary_text(tmp_path: Path):
    p = person()
    model = monthly_summary(p, JULY)
    model.daily_work = "本月审核病假、事假申请 12 件"
    model.key_tasks = "全年累计病假、事假统计"
    path = _save(monthly_workbook(p, JULY, model), tmp_path / "m.xlsx")
    got = _only(read_workbook(path), MonthlySummary)
    assert without_source(got) == without_source(model)


def test_not_a_form_is_skipped_with_info(tmp_path: Path):
    wb = Workbook()
    wb.active.append(["随便什么表", "数据"])
    path = _save(wb, tmp_path / "其他.xlsx")
    result = read_workbook(path)
    assert result.forms == [] and result.kind is None
    assert [(f.rule, f.severity, f.message) for f in result.findings] == [
        ("F2", Severity.INFO, "不是 kaoping 表格，已跳过")]


@pytest.mark.parametrize("content", [b"", b"not a workbook at all", b"PK\x03\x04broken"])
def test_unreadable_file_is_an_error_finding(tmp_path: Path, content: bytes):
    path = tmp_path / "坏文件.xlsx"
    path.write_bytes(content)
    result = read_workbook(path)
    assert result.forms == []
    assert [(f.rule, f.severity) for f in result.findings] == [("F1", Severity.ERROR)]
    assert result.findings[0].file == str(path)


def test_monthly_without_month_still_gives_its_weekly_logs(tmp_path: Path):
    p = person()
    wb = monthly_workbook(p, JULY, monthly_summary(p, JULY))
    del wb["_kaoping"]
    wb["月度小结"]["A2"] = "（    ）月份"
    result = read_workbook(_save(wb, tmp_path / "张三-2026.xlsx"))
    assert [(f.rule, f.severity) for f in result.findings] == [("F5", Severity.ERROR)]
    assert [type(f).__name__ for f in result.forms] == ["WeeklyLog"] * 5
    assert [(w.year, w.month, w.week) for w in result.forms][:2] == [(2026, 7, 1), (2026, 7, 2)]


def test_missing_period_is_an_error(tmp_path: Path):
    p = person()
    wb = quarterly_workbook(p, Q3)
    del wb["_kaoping"]
    wb.active["A2"] = "第（  ）季度"
    result = read_workbook(_save(wb, tmp_path / "张三-2026.xlsx"))
    assert result.forms == []
    assert any(f.rule == "F5" and f.severity == Severity.ERROR and "季度" in f.message
               for f in result.findings)


def test_period_text_disagreeing_with_meta_is_a_warning(tmp_path: Path):
    p = person()
    wb = quarterly_workbook(p, Q3)
    wb.active["A2"] = "第（2）季度"
    result = read_workbook(_save(wb, tmp_path / "q.xlsx"))
    got = result.forms[0]
    assert got.quarter == 3
    assert [(f.rule, f.severity, f.cell) for f in result.findings] == [("F5", Severity.WARNING, "A2")]


def test_read_folder_skips_lock_files_and_reports_each(tmp_path: Path):
    p = person()
    _save(quarterly_workbook(p, Q3), tmp_path / "a" / "张三-2026Q3.xlsx")
    _save(monthly_workbook(p, JULY), tmp_path / "b" / "张三-2026-07.xlsx")
    (tmp_path / "a" / "~$张三-2026Q3.xlsx").write_bytes(b"lock")
    (tmp_path / "c.xlsx").write_bytes(b"junk")
    seen: list[Path] = []
    results = list(read_folder(tmp_path, on_file=seen.append))
    assert [r.path.name for r in results] == ["张三-2026Q3.xlsx", "张三-2026-07.xlsx", "c.xlsx"]
    assert seen == [r.path for r in results]
    assert [r.kind for r in results] == [FormKind.QUARTERLY, FormKind.MONTHLY, None]


def test_reader_never_writes_the_input(tmp_path: Path):
    p = person()
    path = _save(quarterly_workbook(p, Q3, quarterly_evaluation(p, Q3)), tmp_path / "q.xlsx")
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    read_workbook(path)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_openpyxl_can_reopen_filled_forms(tmp_path: Path):
    p = person()
    path = _save(monthly_workbook(p, JULY, monthly_summary(p, JULY)), tmp_path / "m.xlsx")
    wb = load_workbook(path)
    assert wb["_kaoping"].sheet_state == "hidden"
    assert wb.sheetnames[0] == "月度小结"
