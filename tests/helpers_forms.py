"""Builders of sample form models and workbook edits for the forms/reader tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

from kaoping.models import (
    FormIdentity,
    MonthlySummary,
    Person,
    QuarterGrade,
    QuarterlyEvaluation,
    RankCategory,
    SourceRef,
    TaskStatus,
    WeeklyLog,
    WeeklyTask,
)
from kaoping.periods import Month, Quarter

SRC = SourceRef(file="model")


def person(staff_id: str = "A001", name: str = "张三", unit: str = "办公室",
           section: str | None = "综合科", post: str | None = "科员", **kw: Any) -> Person:
    return Person(staff_id=staff_id, name=name, unit=unit, section=section, post=post,
                  rank_category=kw.pop("rank_category", RankCategory.CLERK), **kw)


def identity(p: Person, *, full: bool = True) -> FormIdentity:
    if not full:
        return FormIdentity(staff_id=p.staff_id, name=p.name)
    return FormIdentity(staff_id=p.staff_id, name=p.name, unit=p.unit, section=p.section,
                        post=p.post)


def tasks_for(start: dt.date, end: dt.date, n: int = 3) -> list[WeeklyTask]:
    """Three kinds of rows: 已完成 with its date in 备注, 无法完成 with a reason, 进行中 with
    a free-text deadline."""
    out: list[WeeklyTask] = []
    for i in range(n):
        row = 4 + i
        kind = i % 3
        if kind == 0:
            out.append(WeeklyTask(row=row, seq=i + 1, received_on=start, item=f"完成归集月报第{i + 1}项",
                                  deadline=end, status=TaskStatus.DONE, status_text="已完成",
                                  completed_on=end, note=f"{end.month}月{end.day}日报送"))
        elif kind == 1:
            out.append(WeeklyTask(row=row, seq=i + 1, received_on=start, item="协助核查提取材料",
                                  deadline=end, status=TaskStatus.FAILED, status_text="无法完成",
                                  note="系统升级，暂停办理"))
        else:
            out.append(WeeklyTask(row=row, seq=i + 1, received_on=start,
                                  item="=HYPERLINK(\"http://x\")  公式样文字应原样保存",
                                  deadline_text="月底前", status=TaskStatus.IN_PROGRESS,
                                  status_text="进行中"))
    return out


def monthly_summary(p: Person, month: Month, *, tasks: int = 3) -> MonthlySummary:
    weeks = [
        WeeklyLog(source=SRC, identity=identity(p, full=False),
                  unit_and_post=" ".join(x for x in (p.unit, p.section, p.post) if x),
                  year=month.year, month=month.month, week=i, week_start=s, week_end=e,
                  tasks=tasks_for(s, e, tasks if i != 2 else 0))
        for i, (s, e) in enumerate(month.weeks(), start=1)
    ]
    return MonthlySummary(
        source=SRC, identity=identity(p), year=month.year, month=month.month,
        daily_work="1. 办理归集业务 120 笔\n2. 接待来访 35 人次",
        key_tasks="完成年度基数调整", problems="业务系统不熟练", next_plans="加强学习",
        sick_personal_days=1.5, annual_leave_days=2, sick_personal_days_ytd=3.5,
        annual_leave_days_ytd=5, verifier_signature="李科长", weeks=weeks)


def quarterly_evaluation(p: Person, quarter: Quarter, *, self_ticks=(QuarterGrade.GOOD,),
                         leader_ticks=(QuarterGrade.FAIRLY_GOOD,), commended: bool = False,
                         direct_poor: bool = False,
                         opinion: str | None = "工作扎实，完成任务较好。",
                         **kw: Any) -> QuarterlyEvaluation:
    return QuarterlyEvaluation(
        source=SRC, identity=identity(p), year=quarter.year, quarter=quarter.quarter,
        highlights="牵头完成缴存基数调整\n办理业务零差错", shortcomings="创新不足；下季度加强调研",
        self_ticks=list(self_ticks), leader_ticks=list(leader_ticks), commended=commended,
        direct_poor=direct_poor, leader_opinion=opinion, leader_signature="王处长", **kw)


def without_source(model: Any) -> Any:
    """A model dumped to plain data with every `source` removed (for round-trip equality)."""
    def strip(x: Any) -> Any:
        if isinstance(x, dict):
            return {k: strip(v) for k, v in x.items() if k != "source"}
        if isinstance(x, list):
            return [strip(v) for v in x]
        return x
    return strip(model.model_dump())


def insert_row(ws: Worksheet, idx: int, amount: int = 1) -> None:
    """Insert rows like Excel does: cells AND merged ranges at/below `idx` move down
    (openpyxl's insert_rows alone leaves merged ranges behind)."""
    merged = list(ws.merged_cells.ranges)
    for mr in merged:
        ws.unmerge_cells(str(mr))
    ws.insert_rows(idx, amount)
    for mr in merged:
        if mr.min_row >= idx:
            mr.shift(0, amount)
        elif mr.max_row >= idx:  # the new row falls inside the merge: it grows
            mr.expand(down=amount)
        ws.merge_cells(str(mr))
