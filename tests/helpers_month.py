"""Builders of 附件1/附件2 models for the month/week tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kaoping.models import (
    FormIdentity,
    MonthlySummary,
    Person,
    RankCategory,
    Roster,
    SourceRef,
    TaskStatus,
    WeeklyLog,
    WeeklyTask,
)
from kaoping.periods import Month

LONG = "按计划完成公积金归集业务审核和窗口接待工作"  # ≥ 15 characters


def identity(name: str = "张三", staff_id: str | None = "A001", unit: str = "归集处") -> FormIdentity:
    return FormIdentity(staff_id=staff_id, name=name, unit=unit, section="一科", post="科员")


def task(row: int = 5, **kw: Any) -> WeeklyTask:
    base: dict[str, Any] = {"seq": row - 4, "received_on": dt.date(2026, 7, 6), "item": "审核贷款材料",
                            "deadline": dt.date(2026, 7, 10), "status": TaskStatus.DONE,
                            "status_text": "已完成", "completed_on": dt.date(2026, 7, 9)}
    base.update(kw)
    return WeeklyTask(row=row, **base)


def weekly(week: int = 2, tasks: list[WeeklyTask] | None = None, *, year: int = 2026, month: int = 7,
           ident: FormIdentity | None = None, file: str = "张三-2026-07.xlsx",
           **kw: Any) -> WeeklyLog:
    start, end = Month(year, month).weeks()[week - 1] if week <= len(Month(year, month).weeks()) \
        else (None, None)
    return WeeklyLog(source=SourceRef(file=file, sheet=f"第{week}周"), identity=ident or identity(),
                     year=year, month=month, week=week, week_start=start, week_end=end,
                     tasks=[task()] if tasks is None else tasks, **kw)


def monthly(month: int = 7, *, year: int = 2026, ident: FormIdentity | None = None,
            file: str | None = None, weeks: list[WeeklyLog] | None = None, **kw: Any
            ) -> MonthlySummary:
    ident = ident or identity()
    file = file or f"{ident.name}-{year}-{month:02d}.xlsx"
    cells = {"daily_work": "C4", "key_tasks": "C5", "problems": "C6", "next_plans": "C7",
             "sick_personal_days": "D8", "annual_leave_days": "F8",
             "sick_personal_days_ytd": "D9", "annual_leave_days_ytd": "F9",
             "statutory_leave_days": "D10", "comp_leave_days": "F10",
             "statutory_leave_days_ytd": "D11", "comp_leave_days_ytd": "F11",
             "verifier_signature": "D12", "name": "B2", "month": "A1"}
    base: dict[str, Any] = {
        "daily_work": LONG, "key_tasks": LONG, "problems": LONG, "next_plans": LONG,
        "sick_personal_days": 0.0, "annual_leave_days": 0.0,
        "sick_personal_days_ytd": 0.0, "annual_leave_days_ytd": 0.0,
        "statutory_leave_days": 0.0, "comp_leave_days": 0.0,
        "statutory_leave_days_ytd": 0.0, "comp_leave_days_ytd": 0.0,
        "verifier_signature": "李四",
    }
    base.update(kw)
    if weeks is None:
        weeks = [weekly(i, year=year, month=month, ident=ident, file=file, tasks=[])
                 for i in range(1, len(Month(year, month).weeks()) + 1)]
        # an empty week is only a 提示; give each week one good task dated inside it
        for w in weeks:
            d = w.week_start
            w.tasks = [task(received_on=d, deadline=w.week_end, completed_on=w.week_end)]
    return MonthlySummary(source=SourceRef(file=file, sheet="月度小结", cells=cells), identity=ident,
                          year=year, month=month, weeks=weeks, **base)


def person(staff_id: str, name: str, unit: str = "归集处", **kw: Any) -> Person:
    return Person(staff_id=staff_id, name=name, unit=unit, rank_category=RankCategory.CLERK, **kw)


def roster(*people: Person) -> Roster:
    return Roster(people=list(people))


def rules(findings) -> list[str]:
    return sorted(f.rule for f in findings)
