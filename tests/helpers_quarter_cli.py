"""A small collected folder for `kaoping quarter` end-to-end tests, built with the real writers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kaoping.output.workbook import save_workbook
from kaoping.models import (
    FormIdentity,
    MonthlySummary,
    Person,
    QuarterGrade,
    QuarterlyEvaluation,
    RankCategory,
    SourceRef,
)
from kaoping.periods import Month, Quarter

Q3 = Quarter(2026, 3)
G, FG, AV = QuarterGrade.GOOD, QuarterGrade.FAIRLY_GOOD, QuarterGrade.AVERAGE

PEOPLE = [
    Person(staff_id="1001", name="张一", unit="综合处", section="综合科", post="科长",
           rank="一级主任科员", rank_category=RankCategory.SECTION_CHIEF, direct_leader="陈处长",
           hired_on=dt.date(2010, 1, 1)),
    Person(staff_id="1002", name="李二", unit="综合处", section="综合科", post="科员",
           rank="一级科员", rank_category=RankCategory.CLERK, direct_leader="张一",
           hired_on=dt.date(2015, 1, 1)),
    Person(staff_id="1003", name="王三", unit="综合处", section="综合科", post="科员",
           rank="二级科员", rank_category=RankCategory.CLERK, direct_leader="张一",
           hired_on=dt.date(2018, 1, 1)),
    Person(staff_id="1004", name="赵四", unit="综合处", section="综合科", post="科员",
           rank="二级科员", rank_category=RankCategory.CLERK, direct_leader="张一",
           hired_on=dt.date(2019, 1, 1)),
    Person(staff_id="1005", name="钱五", unit="综合处", section="综合科", post="科员",
           rank="一级科员", rank_category=RankCategory.CLERK, direct_leader="张一",
           hired_on=dt.date(2016, 1, 1)),
]
GRADES = {"1001": G, "1002": FG, "1003": FG, "1004": AV, "1005": FG}


def write_roster(path: Path, people=PEOPLE) -> Path:
    from kaoping.forms.roster import roster_template_workbook

    return save_workbook(roster_template_workbook(["综合处"], people=list(people)), path)


def evaluation(p: Person, grade: QuarterGrade | None, *, quarter: Quarter = Q3,
               leader_ticks: list[QuarterGrade] | None = None) -> QuarterlyEvaluation:
    ticks = [grade] if grade else []
    return QuarterlyEvaluation(
        source=SourceRef(file="x.xlsx"),
        identity=FormIdentity(staff_id=p.staff_id, name=p.name, unit=p.unit, section=p.section,
                              post=p.post),
        year=quarter.year, quarter=quarter.quarter,
        highlights="按期完成本季度归集扩面和提取审核工作，业务差错为零，群众满意。",
        shortcomings="政策学习还不够深入，下季度加强业务培训，提高服务效率。",
        self_ticks=ticks, leader_ticks=leader_ticks if leader_ticks is not None else ticks,
        leader_opinion="该同志本季度工作认真负责，完成各项任务，同意定档。",
        leader_signature="陈处长",
    )


def write_forms(folder: Path, grades: dict[str, QuarterGrade | None] | None = None, *,
                quarter: Quarter = Q3, leave: dict[str, float] | None = None,
                overrides: dict[str, list[QuarterGrade]] | None = None) -> list[Path]:
    """One 附件3 per person in `grades` (default GRADES) and, when `leave` is given, the
    three 月度小结表 of the quarter with those 病事假 days in the first month."""
    from kaoping.forms.routine import monthly_workbook, quarterly_workbook

    grades = GRADES if grades is None else grades
    out: list[Path] = []
    by = {p.staff_id: p for p in PEOPLE}
    for sid, grade in grades.items():
        p = by[sid]
        ev = evaluation(p, grade, quarter=quarter, leader_ticks=(overrides or {}).get(sid))
        path = folder / p.unit / f"{p.name}-{quarter}.xlsx"
        out.append(save_workbook(quarterly_workbook(p, quarter, ev), path))
        if leave is not None:
            ytd = 0.0
            for i, month in enumerate(quarter.months):
                days = leave.get(sid, 0.0) if i == 0 else 0.0
                ytd += days
                s = MonthlySummary(
                    source=SourceRef(file="m.xlsx"),
                    identity=FormIdentity(staff_id=sid, name=p.name, unit=p.unit,
                                          section=p.section, post=p.post),
                    year=month.year, month=month.month,
                    daily_work="完成归集扩面、提取审核和窗口接待等日常工作。",
                    key_tasks="推进系统升级项目，按节点完成数据迁移测试。",
                    problems="业务学习时间不足，个别材料审核不够细致。",
                    next_plans="加强政策学习，按计划推进下月各项工作。",
                    sick_personal_days=days, annual_leave_days=0,
                    sick_personal_days_ytd=None, annual_leave_days_ytd=None,
                    verifier_signature="张一",
                )
                path = folder / p.unit / f"{p.name}-{Month(month.year, month.month)}.xlsx"
                out.append(save_workbook(monthly_workbook(p, month, s), path))
    return out
