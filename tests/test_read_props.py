"""Property tests: any model written by `kaoping.forms.routine` reads back equal; forms edited
at random (cells, rows, merges, `_kaoping`) read without the reader failing, and the same
whatever was read before."""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.cell.cell import MergedCell

from helpers_forms import SRC, insert_row, monthly_summary, person, quarterly_evaluation, without_source
from kaoping.excel.cells import clean_text
from kaoping.forms.routine import FILL_STYLES, monthly_workbook, quarterly_workbook, weekly_workbook
from kaoping.excel.read import read_workbook
from kaoping.models import (
    GRADE_ORDER,
    FormIdentity,
    MonthlySummary,
    QuarterlyEvaluation,
    Severity,
    TaskStatus,
    WeeklyLog,
    WeeklyTask,
)
from kaoping.periods import Month, Quarter

ALPHABET = ("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可也你"
            "注册登记abcXYZ0123456789０１２，。；、（）“”《》-+=/%&#@!?  \u3000\n\t")
NAME_CHARS = "张王李赵钱孙周吴郑欧阳明华芳伟强"
PROPS = settings(max_examples=int(__import__("os").environ.get("KP_EXAMPLES", "25")), deadline=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@st.composite
def texts(draw) -> str | None:
    return clean_text(draw(st.text(ALPHABET, max_size=60)))


@st.composite
def names(draw) -> str:
    return draw(st.text(NAME_CHARS, min_size=2, max_size=4))


half_days = st.one_of(st.none(), st.integers(0, 60).map(lambda n: n / 2))


@st.composite
def tasks(draw, start: dt.date, end: dt.date, year: int) -> list[WeeklyTask]:
    out = []
    for i in range(draw(st.integers(0, 17))):
        received = draw(st.dates(start, end))
        deadline = draw(st.one_of(st.none(), st.dates(received, received + dt.timedelta(days=90))))
        status = draw(st.sampled_from([None, *TaskStatus]))
        done_on = draw(st.dates(received, received + dt.timedelta(days=10)))
        note = draw(texts())
        completed = None
        if status == TaskStatus.DONE:
            completed = done_on
            note = f"{done_on.year}年{done_on.month}月{done_on.day}日完成"
        out.append(WeeklyTask(
            row=4 + i, seq=draw(st.one_of(st.none(), st.integers(1, 99))), received_on=received,
            item=draw(texts()) or "事项", deadline=deadline,
            deadline_text=None if deadline else draw(st.sampled_from([None, "长期", "月底前"])),
            status=status, status_text=status.value if status else None,
            completed_on=completed, note=note))
    return out


@given(data=st.data())
@PROPS
def test_monthly_round_trip_property(data):
    month = Month(data.draw(st.integers(2024, 2030)), data.draw(st.integers(1, 12)))
    p = person(name=data.draw(names()))
    style = data.draw(st.sampled_from(FILL_STYLES))
    weeks = []
    for i, (s, e) in enumerate(month.weeks(), start=1):
        weeks.append(WeeklyLog(source=SRC, identity=FormIdentity(staff_id=p.staff_id, name=p.name),
                               unit_and_post="办公室 综合科 科员", year=month.year, month=month.month,
                               week=i, week_start=s, week_end=e,
                               tasks=data.draw(tasks(s, e, month.year))))
    model = MonthlySummary(
        source=SRC, identity=FormIdentity(staff_id=p.staff_id, name=p.name, unit=p.unit,
                                          section=p.section, post=p.post),
        year=month.year, month=month.month, daily_work=data.draw(texts()),
        key_tasks=data.draw(texts()), problems=data.draw(texts()), next_plans=data.draw(texts()),
        sick_personal_days=data.draw(half_days), annual_leave_days=data.draw(half_days),
        sick_personal_days_ytd=data.draw(half_days), annual_leave_days_ytd=data.draw(half_days),
        verifier_signature=data.draw(st.one_of(st.none(), names())), weeks=weeks)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "m.xlsx"
        monthly_workbook(p, month, model, style).save(path)
        result = read_workbook(path)
    assert [f for f in result.findings if f.severity == Severity.ERROR] == []
    (got,) = result.forms
    assert without_source(got) == without_source(model)


@given(data=st.data())
@PROPS
def test_quarterly_round_trip_property(data):
    q = Quarter(data.draw(st.integers(2024, 2030)), data.draw(st.integers(1, 4)))
    p = person(name=data.draw(names()))
    style = data.draw(st.sampled_from(FILL_STYLES))
    grades = st.lists(st.sampled_from(GRADE_ORDER), unique=True, max_size=4).map(
        lambda gs: [g for g in GRADE_ORDER if g in gs])
    model = QuarterlyEvaluation(
        source=SRC, identity=FormIdentity(staff_id=p.staff_id, name=p.name, unit=p.unit,
                                          section=p.section, post=p.post),
        year=q.year, quarter=q.quarter, highlights=data.draw(texts()),
        shortcomings=data.draw(texts()), self_ticks=data.draw(grades),
        leader_ticks=data.draw(grades), commended=data.draw(st.booleans()),
        direct_poor=data.draw(st.booleans()), leader_opinion=data.draw(texts()),
        leader_signature=data.draw(st.one_of(st.none(), names())))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "q.xlsx"
        quarterly_workbook(p, q, model, style).save(path)
        result = read_workbook(path)
    assert result.findings == []
    (got,) = result.forms
    assert without_source(got) == without_source(model)


# ---------------------------------------------------------------- edited forms


def _base_books() -> dict[str, bytes]:
    p, july, q3 = person(), Month(2026, 7), Quarter(2026, 3)
    out = {}
    for name, wb in (("monthly", monthly_workbook(p, july, monthly_summary(p, july, tasks=4))),
                     ("blank-monthly", monthly_workbook(p, july)),
                     ("quarterly", quarterly_workbook(p, q3, quarterly_evaluation(p, q3))),
                     ("weekly", weekly_workbook(p, july, monthly_summary(p, july).weeks))):
        buf = io.BytesIO()
        wb.save(buf)
        out[name] = buf.getvalue()
    return out


BASES = _base_books()
VALUES = [None, "", " ", "\u3000", "\u200b", 0, 1.5, 7.1, False, True, "注：说明", "姓名：李四",
          "姓名", "序号", "事项", "完成情况", "完成时限", "日期", "已完成 7月3日完成", "无法完成",
          "7月32日", "2026年13月1日", dt.datetime(2026, 7, 3, 9, 30), "所属处室/分支机构", "科室",
          "单位及职务：综合科", "（8）月份", "时间：（7）月第（9）周", "第（一）季度", "√",
          "☑好 □较好 □一般 □较差", "签字：王五", "本月请病假、事假（1）天；年休（2）天", "出勤情况",
          "日常工作", "直管领导审定", "好", "较差", "好√", "领导意见栏", "受表彰直接定“好”",
          "直接定“较差”", "１．５天", "自评档次", "领导评价档次", "2025年"]
EDITS = st.one_of(
    st.tuples(st.just("insert"), st.integers(0, 6), st.integers(1, 22)),
    st.tuples(st.just("delete"), st.integers(0, 6), st.integers(1, 22)),
    st.tuples(st.just("set"), st.integers(0, 6), st.integers(1, 22), st.integers(1, 9),
              st.sampled_from(VALUES)),
    st.tuples(st.just("unmerge"), st.integers(0, 6), st.integers(0, 40)),
    st.tuples(st.just("drop_meta")),
)


def _edit(data: bytes, edits: list[tuple]) -> bytes:
    wb = load_workbook(io.BytesIO(data))
    for op, *args in edits:
        if op == "drop_meta":
            if "_kaoping" in wb.sheetnames:
                del wb["_kaoping"]
            continue
        ws = wb.worksheets[args[0] % len(wb.worksheets)]
        ranges = list(ws.merged_cells.ranges)
        if op == "insert":
            insert_row(ws, args[1])
        elif op == "delete":
            for mr in ranges:
                ws.unmerge_cells(str(mr))
            ws.delete_rows(args[1])
        elif op == "set" and not isinstance(ws.cell(args[1], args[2]), MergedCell):
            ws.cell(args[1], args[2]).value = args[3]
        elif op == "unmerge" and ranges:
            ws.unmerge_cells(str(ranges[args[1] % len(ranges)]))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@PROPS
@given(base=st.sampled_from(sorted(BASES)), edits=st.lists(EDITS, max_size=6))
def test_edited_forms_read_without_failing_and_alone(base: str, edits: list[tuple]):
    """Whatever the edits, problems are findings (no F1: the reader never failed inside), and a
    workbook reads the same after other workbooks were read (nothing carries over)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"张三-2026-07-{base}.xlsx"
        path.write_bytes(_edit(BASES[base], edits))
        first = read_workbook(path)
        for name, data in BASES.items():
            (Path(tmp) / f"{name}.xlsx").write_bytes(data)
            read_workbook(Path(tmp) / f"{name}.xlsx")
        again = read_workbook(path)
    assert [f.message for f in first.findings if f.rule == "F1"] == []
    assert (again.kind, again.forms, again.findings) == (first.kind, first.forms, first.findings)
