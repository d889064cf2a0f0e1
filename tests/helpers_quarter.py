"""Builders for engine tests of the quarter (rules.quarter, rules.attendance)."""

from __future__ import annotations

import datetime as dt

from kaoping.models import (
    FormIdentity,
    MonthAttendance,
    Person,
    QuarterGrade,
    QuarterlyEvaluation,
    RankCategory,
    Roster,
    SourceRef,
    SpecialCase,
    SpecialCategory,
)
from kaoping.periods import Quarter

Q3 = Quarter(2026, 3)
G, FG, AV, PO = (QuarterGrade.GOOD, QuarterGrade.FAIRLY_GOOD, QuarterGrade.AVERAGE,
                 QuarterGrade.POOR)
CELLS = {"self_ticks": "C9:F9", "leader_ticks": "C12:F12", "leader_opinion": "C13",
         "commended": "C14", "direct_poor": "E14", "period": "A2", "name": "B4", "unit": "D4",
         "staff_id": "B4", "commendation_level": "C15", "commendation_name": "E15"}
_GIVEN = object()  # a commended form's level and name unless the test says otherwise


def person(staff_id: str, name: str | None = None, unit: str = "办公室", *, group: str | None = None,
           rank_category: RankCategory = RankCategory.CLERK, cases: list[SpecialCase] | None = None,
           **kw) -> Person:
    return Person(staff_id=staff_id, name=name or f"员工{staff_id}", unit=unit, quota_group=group,
                  rank_category=rank_category, special_cases=cases or [], **kw)


def case(cat: SpecialCategory, start: dt.date | None = None, end: dt.date | None = None) -> SpecialCase:
    return SpecialCase(category=cat, start=start, end=end)


def form(p: Person | None = None, leader: QuarterGrade | list[QuarterGrade] | None = QuarterGrade.FAIRLY_GOOD,
         self_: QuarterGrade | list[QuarterGrade] | None = QuarterGrade.FAIRLY_GOOD, *,
         commended: bool = False, direct_poor: bool = False, opinion: str | None = "同意",
         year: int = 2026, quarter: int = 3, file: str | None = None, staff_id: str | None = "",
         name: str | None = None, unit: str | None = None, box: bool = True,
         level: object = _GIVEN, title: object = _GIVEN, highlights: str | None = "按期完成重点任务",
         shortcomings: str | None = "调研不足，下季度加强", signature: str | None = "王处长"
         ) -> QuarterlyEvaluation:
    def ticks(x):
        if x is None:
            return []
        return list(x) if isinstance(x, list) else [x]

    sid = p.staff_id if (p is not None and staff_id == "") else (staff_id or None)
    return QuarterlyEvaluation(
        source=SourceRef(file=file or f"collected/{(p.name if p else name)}-{year}Q{quarter}.xlsx",
                         sheet="季度评价表", cells=dict(CELLS)),
        identity=FormIdentity(staff_id=sid, name=name or (p.name if p else None),
                              unit=unit or (p.unit if p else None)),
        year=year, quarter=quarter, self_ticks=ticks(self_), leader_ticks=ticks(leader),
        commended=commended, direct_poor=direct_poor, leader_opinion=opinion,
        commendation_box=box, highlights=highlights, shortcomings=shortcomings,
        leader_signature=signature,
        commendation_level=("市中心" if commended else None) if level is _GIVEN else level,
        commendation_name=("防汛抢险先进个人" if commended else None) if title is _GIVEN else title,
    )


def leave(staff_id: str, month: int, sick: float = 0, annual: float = 0, comp: float = 0,
          year: int = 2026) -> MonthAttendance:
    return MonthAttendance(staff_id=staff_id, year=year, month=month, sick_personal_days=sick,
                           annual_leave_days=annual, comp_leave_days=comp)


def roster(*people: Person) -> Roster:
    return Roster(people=list(people))
