"""The quarterly evaluation (一季一评价, §四(三)): rules Q1–Q8 of DESIGN §4.

`evaluate_quarter` takes the roster, the quarter, the 附件3 forms read from the collected
folder and the month-by-month leave records, and returns one `QuarterResult` per person due
(the 季度结果台账 rows behind 附件4/附件5), the findings, and the 好 quota per quota key.

Decisions where the measures and DESIGN leave room (all documented here and in the report):

- Due: 在编 and hired on or before the quarter's last day (an unknown 入职日期 counts as hired),
  as `rules.due.is_due` (§二).
- 不定档 (§二), per person and quarter:
  1 新录用公务员: 职级类别 试用期, or 试用期至 on/after the quarter's first day, or a 新录用
    特殊情形 active during the quarter;
  2 病事假 more than half the quarter's workdays (`rules.attendance`), or an explicit 特殊情形;
  3–5 a 特殊情形 of that category active at any time during the quarter.
  Their outcome is 不确定 (the provincial default), they are never in the 好 numerator, and
  they count in the denominator when `settings.quota.denominator == "participants"`.
- A person due with no form is 未参加 (Q8), 不定档 or not, and is not a participant.
- A graded form whose 领导评价 has no tick or several ticks has no grade: its outcome is 不确定
  with a note, and a Q1 错误 stops the quarter from being filed until the form is fixed.
- The quota counts 好 graded by the leader (not counting §四(三)4(1) commendations) among
  participants, per 考核组 (`Person.quota_key`), with `good_cap` of the denominator. The
  centre-wide figure is reported too.
- Q5/Q7 apply to graded people only; for people hired during the quarter the workdays run from
  the hire date (`kaoping.calendar.workdays`).

Pure: no file or console I/O.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from ..models import (
    Finding,
    MonthAttendance,
    Outcome,
    Person,
    QuarterFlag,
    QuarterGrade,
    QuarterlyEvaluation,
    QuarterResult,
    RankCategory,
    Roster,
    Severity,
    SpecialCategory,
    all_fields_set,
)
from ..periods import Quarter
from .attendance import (
    AttendanceResult,
    RosterIndex,
    exact,
    format_days,
    format_ratio,
    normalize_name,
    quarter_attendance,
    resolve_person,
)
from . import due
from .settings import Settings

__all__ = [
    "CENTRE_KEY",
    "QuarterOutcome",
    "QuotaSummary",
    "evaluate_quarter",
    "good_cap",
    "is_due",
    "special_categories",
]

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO
CENTRE_KEY = "全中心"
_CN_Q = {1: "一", 2: "二", 3: "三", 4: "四"}


# ---------------------------------------------------------------- the quota (§四(三)3)


def good_cap(n: int, settings: Settings | None = None) -> int:
    """Most people who may be graded 好 among `n` (§四(三)3: 原则上掌握在实际参加平时考核
    公务员总人数的40%以内). Exact arithmetic: 0.4 × 10 is exactly 4.
    floor (default): 0.4 × 12 = 4.8 → 4; round: half up (4.5 → 5); ceil: 4.2 → 5."""
    settings = settings or Settings()
    if n <= 0:
        return 0
    x = exact(settings.quota.good_ratio) * n
    rounding = settings.quota.rounding
    if rounding == "ceil":
        return math.ceil(x)
    if rounding == "round":
        return math.floor(x + Fraction(1, 2))
    return math.floor(x)


@dataclass
class QuotaSummary:
    """The 好 quota of one quota key (考核组 or 单位), or of the whole centre."""

    key: str
    units: list[str]
    participants: int  # 实际参加: due people with a form (不定档 included)
    denominator: int  # participants, or only the graded ones (settings.quota.denominator)
    good: int  # 好 counted toward the cap (not counting §四(三)4(1) commendations)
    commended: int  # 好 by commendation, outside the cap
    cap: int
    ratio: float | None  # good / denominator
    over: bool
    graded: int = 0  # participants who were graded (not 不定档)
    good_people: list[str] = field(default_factory=list)  # "姓名（单位）" counted in `good`

    @property
    def ratio_text(self) -> str:
        return format_ratio(self.ratio)


@dataclass
class QuarterOutcome:
    results: list[QuarterResult]
    findings: list[Finding]
    quotas: list[QuotaSummary]
    centre: QuotaSummary | None = None  # centre-wide figures (key "全中心")
    attendance: dict[str, AttendanceResult] = field(default_factory=dict)  # by 工号


# ---------------------------------------------------------------- who, and which category


def is_due(person: Person, quarter: Quarter) -> bool:
    """§二, `rules.due.is_due` over the quarter."""
    return due.is_due(person, quarter.start, quarter.end)


def special_categories(person: Person, quarter: Quarter,
                       attendance: AttendanceResult | None = None) -> list[SpecialCategory]:
    """The §二 categories (不定档) that apply to `person` in `quarter`, in the measures' order."""
    start, end = quarter.start, quarter.end
    active = {c.category for c in person.special_cases if c.active_during(start, end)}
    out: set[SpecialCategory] = set()
    # §二 1 新录用公务员: in probation at any time during the quarter.
    if (person.rank_category == RankCategory.PROBATION
            or (person.probation_until is not None and person.probation_until >= start)
            or SpecialCategory.NEW_RECRUIT in active):
        out.add(SpecialCategory.NEW_RECRUIT)
    # §二 2 病事假累计时间超过当期平时考核周期一半.
    if (attendance is not None and attendance.long_leave) or SpecialCategory.LONG_LEAVE in active:
        out.add(SpecialCategory.LONG_LEAVE)
    # §二 3–5 from the roster's 特殊情形.
    for cat in (SpecialCategory.UNDER_INVESTIGATION, SpecialCategory.DISCIPLINED,
                SpecialCategory.ORG_HANDLING):
        if cat in active:
            out.add(cat)
    return [c for c in _CATEGORY_ORDER if c in out] if out else []


_CATEGORY_ORDER = tuple(SpecialCategory)  # the measures' order (iterating the enum is slow)


def _cats_text(cats: Sequence[SpecialCategory]) -> str:
    return "、".join(f"§二第{c.number}类（{c.value}）" for c in cats)


def _blank(text: str | None) -> bool:
    return not (text or "").strip()


def _ticks_text(ticks: Sequence[QuarterGrade]) -> str:
    return "、".join(t.value for t in ticks) if ticks else "未勾选"


# ---------------------------------------------------------------- the evaluation


class _FixedQuarter:
    """A `Quarter` whose months, start and end are computed once (they are properties
    of `Quarter`, rebuilt on each access): what the per-person rules read."""

    __slots__ = ("year", "quarter", "months", "start", "end")

    def __init__(self, quarter: Quarter) -> None:
        self.year, self.quarter = quarter.year, quarter.quarter
        self.months = quarter.months
        self.start, self.end = self.months[0].start, self.months[-1].end


def evaluate_quarter(roster: Roster, quarter: Quarter, evaluations: Sequence[QuarterlyEvaluation],
                     attendance: Sequence[MonthAttendance], *, workdays: float | None,
                     settings: Settings | None = None,
                     workday_overrides: Mapping[str, float] | None = None,
                     roster_index: RosterIndex | None = None) -> QuarterOutcome:
    """Apply Q1–Q8 to one quarter.

    `workdays` is the quarter's official workdays (`kaoping.calendar.quarter_workdays`); None
    skips the attendance rules (Q5 and §二 category 2) with a 提示. `attendance` holds the
    merged leave records (`rules.attendance.merge_attendance`). People hired during the quarter
    get the workdays from their hire date (calendar + `workday_overrides`, which default to
    `settings.attendance.workdays`). `roster_index`: a `RosterIndex` of `roster` already
    built by the caller (it is built here otherwise)."""
    settings = settings or Settings()
    overrides = settings.attendance.workdays if workday_overrides is None else workday_overrides
    qlabel = f"{quarter.year}年第{_CN_Q[quarter.quarter]}季度"
    findings: list[Finding] = []
    # The quarter's months, first and last day are computed on every access of a `Quarter`;
    # once here for the per-person rules below.
    quarter = _FixedQuarter(quarter)  # type: ignore[assignment]
    due = [p for p in roster.people if is_due(p, quarter)]
    due_ids = {p.staff_id for p in due}
    index = roster_index if roster_index is not None else RosterIndex(roster)

    # ---- Q8 coverage: period, identity, duplicates.
    forms: dict[str, QuarterlyEvaluation] = {}
    for ev in evaluations:
        src, ident = ev.source, ev.identity
        where = dict(file=src.file, sheet=src.sheet)
        if (ev.year, ev.quarter) != (quarter.year, quarter.quarter):
            # Q8: a form for a different quarter.
            findings.append(Finding(
                rule="Q8", severity=ERROR, unit=ident.unit, person=ident.name,
                staff_id=ident.staff_id, cell=src.cell("period") or src.cell("quarter"), **where,
                message=(f"这是{ev.year}年第{_CN_Q.get(ev.quarter, ev.quarter)}季度的评价表，"
                         f"不是{qlabel}的，未计入；请放到对应季度的文件夹或改正季度"),
            ))
            continue
        person, problem = resolve_person(index, ident.staff_id, ident.name, ident.unit)
        if person is None:
            # Q8: a form for someone not on the roster (or who cannot be told apart).
            findings.append(Finding(
                rule="Q8", severity=ERROR, unit=ident.unit, person=ident.name,
                staff_id=ident.staff_id, cell=src.cell("staff_id") or src.cell("name"), **where,
                message=f"评价表对应不到花名册中的人员：{problem}；此表未计入",
            ))
            continue
        pwhere = dict(unit=person.unit, person=person.name, staff_id=person.staff_id, **where)
        if problem:
            findings.append(Finding(rule="Q8", severity=WARNING, cell=src.cell("unit"),
                                    message=problem, **pwhere))
        elif ident.name and normalize_name(ident.name) != normalize_name(person.name):
            findings.append(Finding(
                rule="Q8", severity=WARNING, cell=src.cell("name"), **pwhere,
                message=f"表中姓名「{ident.name}」与花名册中工号 {person.staff_id} 的姓名「{person.name}」不一致，请核对",
            ))
        if person.staff_id not in due_ids:
            why = "不在编" if not person.on_establishment else f"入职日期 {person.hired_on} 晚于本季度末"
            findings.append(Finding(
                rule="Q8", severity=WARNING, cell=src.cell("name"), **pwhere,
                message=f"此人{why}，不属于{qlabel}的考评对象（§二），此表未计入",
            ))
            continue
        if person.staff_id in forms:
            # Q8: two forms for one person.
            first = forms[person.staff_id]
            findings.append(Finding(
                rule="Q8", severity=ERROR, cell=src.cell("name"), **pwhere,
                message=(f"同一人有两份{qlabel}评价表：{first.source.file} 和 {src.file}；"
                         f"暂按前一份计算，请删除或合并多余的一份"),
            ))
            continue
        forms[person.staff_id] = ev
    # From here on the forms are read through `forms` only, each let go of once its person's
    # result is built (`forms.pop` below): a caller that hands its lists over, as
    # `pipeline.run_quarter` does, gets their memory back for the results.
    del evaluations

    # ---- attendance (§四(三)4(3), §二 category 2).
    att: dict[str, AttendanceResult] = {}
    if workdays is None:
        findings.append(Finding(
            rule="Q5", severity=INFO,
            message=f"未提供{qlabel}的工作日天数，未核出勤率（§四(三)4(3)）和病事假超过一半（§二第2类）",
        ))
    else:
        if not attendance:
            findings.append(Finding(
                rule="Q5", severity=INFO,
                message=(f"未提供{qlabel}的出勤数据（月度小结表或考勤表），"
                         f"出勤率按无请假计算"),
            ))
        records_of = _records_by_person(attendance)
        for p in due:
            base: float = workdays
            if p.hired_on is not None and quarter.start < p.hired_on <= quarter.end:
                from ..calendar import CalendarUnknownError
                from ..calendar import workdays as count_workdays

                try:
                    base = count_workdays(p.hired_on, quarter.end, overrides)
                except CalendarUnknownError:
                    findings.append(Finding(
                        rule="Q5", severity=INFO, unit=p.unit, person=p.name, staff_id=p.staff_id,
                        message=(f"{p.hired_on} 入职，但不知道该年的法定工作日，"
                                 f"应出勤天数按整季度 {format_days(workdays)} 天计算"),
                    ))
            a = quarter_attendance(p.staff_id, records_of.get(p.staff_id, ()), base, settings,
                                   quarter=quarter)
            att[p.staff_id] = a
            pw = dict(unit=p.unit, person=p.name, staff_id=p.staff_id)
            if attendance and a.missing_months and p.staff_id in forms:
                months = "、".join(f"{m.month}月" for m in a.missing_months)
                findings.append(Finding(
                    rule="Q5", severity=INFO, **pw,
                    message=f"缺少{months}的出勤记录（月度小结表），这几个月按无请假计算",
                ))
            if a.inconsistent:
                findings.append(Finding(
                    rule="Q5", severity=WARNING, **pw,
                    message=(f"{qlabel}请假合计（病事假 {format_days(a.sick_personal_days)} 天、"
                             f"年休 {format_days(a.annual_leave_days)} 天、调休 {format_days(a.comp_leave_days)} 天）"
                             f"超过工作日 {format_days(a.workdays)} 天，请核对月度小结表"),
                ))

        del records_of
    # The leave records have given all the rules read (`att`): let go of them too, before
    # every person's result is built.
    del attendance

    # ---- per person.
    results: list[QuarterResult] = []
    graded_ids: set[str] = set()
    for p in due:
        a = att.get(p.staff_id)
        cats = special_categories(p, quarter, a)
        ev = forms.pop(p.staff_id, None)
        # One fields set shared by all results (`all_fields_set`): more fields are set below.
        res = all_fields_set(QuarterResult(
            staff_id=p.staff_id, name=p.name, unit=p.unit, quota_group=p.quota_group,
            section=p.section, rank=p.rank, rank_category=p.rank_category,
            outcome=Outcome.UNDETERMINED, special_categories=cats,
            required_days=a.required_days if a else None,
            attended_days=a.attended_days if a else None,
        ))
        notes: list[str] = []
        pw = dict(unit=p.unit, person=p.name, staff_id=p.staff_id)
        if ev is None:
            # Q8: due but no form → 未参加.
            res.outcome = Outcome.ABSENT
            res.flags.append(QuarterFlag.NO_FORM)
            if cats:
                res.flags.append(QuarterFlag.NOT_GRADED)
            notes.append("未交评价表")
            findings.append(Finding(
                rule="Q8", severity=WARNING, file=None, **pw,
                message=f"未收到{qlabel}评价表（附件3），按未参加考核统计",
            ))
            res.note = "；".join(notes)
            results.append(res)
            continue

        src = ev.source
        fw = dict(file=src.file, sheet=src.sheet, **pw)
        res.source_file = src.file
        if a is not None and a.low:
            res.flags.append(QuarterFlag.LOW_ATTENDANCE)

        if cats:
            # Q6 (§二): take part, no 定档; outcome 不确定 (provincial default).
            res.flags.append(QuarterFlag.NOT_GRADED)
            notes.append("不定档：" + "、".join(c.value for c in cats))
            ticked = list(ev.self_ticks) + list(ev.leader_ticks)
            extra = [label for flag, label in ((ev.commended, "受表彰直接定好"),
                                               (ev.direct_poor, "直接定较差")) if flag]
            if ticked or extra:
                what = []
                if ev.self_ticks:
                    what.append(f"自评「{_ticks_text(ev.self_ticks)}」")
                if ev.leader_ticks:
                    what.append(f"领导评价「{_ticks_text(ev.leader_ticks)}」")
                what += [f"「{x}」" for x in extra]
                cells = "、".join(c for c in (src.cell("self_ticks"), src.cell("leader_ticks")) if c)
                findings.append(Finding(
                    rule="Q6", severity=WARNING, cell=cells or None, **fw,
                    message=(f"此人属于{_cats_text(cats)}，只参加日常考核、不定档，"
                             f"按不确定等次统计；表中勾选的{'、'.join(what)}不计入，请清除勾选"),
                ))
            res.note = "；".join(notes)
            results.append(res)
            continue

        graded_ids.add(p.staff_id)
        # Q1 (§四(三)1(1)(2)): exactly one self tick and one leader tick; the leader's counts.
        if len(ev.self_ticks) != 1:
            findings.append(Finding(
                rule="Q1", severity=ERROR, cell=src.cell("self_ticks"), **fw,
                message=(f"自评档次应在“好、较好、一般、较差”中勾选一项，"
                         f"现为：{_ticks_text(ev.self_ticks)}"),
            ))
        else:
            res.self_grade = ev.self_ticks[0]
        grade: QuarterGrade | None = None
        if len(ev.leader_ticks) != 1:
            findings.append(Finding(
                rule="Q1", severity=ERROR, cell=src.cell("leader_ticks"), **fw,
                message=(f"领导评价档次应在“好、较好、一般、较差”中勾选一项，"
                         f"现为：{_ticks_text(ev.leader_ticks)}；改正前按不确定统计"),
            ))
            notes.append("领导评价档次待更正")
        else:
            grade = ev.leader_ticks[0]
            res.leader_grade = grade
            res.outcome = Outcome.from_grade(grade)

        # Q3/Q4 both boxes: a direct 好 and a direct 较差 at once is a contradiction.
        if ev.commended and ev.direct_poor:
            findings.append(Finding(
                rule="Q3", severity=ERROR,
                cell="、".join(c for c in (src.cell("commended"), src.cell("direct_poor")) if c) or None,
                **fw, message="同时勾选了“受表彰直接定好”和“直接定较差”，请只保留符合实际的一项",
            ))
        # Q3 §四(三)4(1): commended → 好 directly, outside the quota.
        if ev.commended:
            if grade == QuarterGrade.GOOD:
                res.flags.append(QuarterFlag.COMMENDED)
                notes.append("受表彰直接定好（不占比例）")
            else:
                findings.append(Finding(
                    rule="Q3", severity=ERROR, cell=src.cell("commended") or src.cell("leader_ticks"),
                    **fw, message=(f"勾选了“受表彰直接定好”（§四(三)4(1)），但领导评价档次为"
                                   f"「{_ticks_text(ev.leader_ticks)}」；直接定好应勾选“好”，"
                                   f"否则请取消“受表彰直接定好”"),
                ))
        # Q4 §四(三)4(2): direct 较差 must be graded 较差.
        if ev.direct_poor:
            res.flags.append(QuarterFlag.DIRECT_POOR)
            notes.append("直接定较差")
            if grade != QuarterGrade.POOR:
                findings.append(Finding(
                    rule="Q4", severity=ERROR, cell=src.cell("direct_poor") or src.cell("leader_ticks"),
                    **fw, message=(f"勾选了“直接定较差”（§四(三)4(2)），但领导评价档次为"
                                   f"「{_ticks_text(ev.leader_ticks)}」，应为“较差”"),
                ))
        # Q5 §四(三)4(3): attended < 80% of required → neither 好 nor 较好.
        if a is not None and a.low:
            notes.append(f"出勤未达{format_ratio(settings.attendance.min_ratio)}（{a.describe()}）")
            if grade in (QuarterGrade.GOOD, QuarterGrade.FAIRLY_GOOD):
                findings.append(Finding(
                    rule="Q5", severity=ERROR, cell=src.cell("leader_ticks"), **fw,
                    message=(f"{qlabel}{a.describe()}，未达到应出勤天数的"
                             f"{format_ratio(settings.attendance.min_ratio)}"
                             f"（病事假 {format_days(a.sick_personal_days)} 天），"
                             f"不能定为“好”或“较好”（§四(三)4(3)），现为“{grade.value}”"),
                ))
        # Q7 附件3 注: direct 好/较差 and attendance shortfall must be explained in the opinion.
        reasons = [label for cond, label in ((ev.commended, "受表彰直接定好"),
                                             (ev.direct_poor, "直接定较差"),
                                             (a is not None and a.low, "出勤未达标")) if cond]
        if reasons and _blank(ev.leader_opinion):
            findings.append(Finding(
                rule="Q7", severity=ERROR, cell=src.cell("leader_opinion"), **fw,
                message=(f"存在{'、'.join(reasons)}的情形，领导意见栏应作说明（附件3 注），"
                         f"现为空"),
            ))
        res.note = "；".join(notes) or None
        results.append(res)

    # ---- Q2 §四(三)3: 好 ≤ 40% of 实际参加 per quota key, commendations outside the count.
    quotas: list[QuotaSummary] = []
    by_key: dict[str, list[tuple[Person, QuarterResult]]] = {}
    for p, r in zip(due, results, strict=True):
        by_key.setdefault(p.quota_key, []).append((p, r))
    for key, members in by_key.items():
        q = _quota(key, members, graded_ids, settings)
        quotas.append(q)
        if q.over:
            units = "、".join(q.units)
            scope = f"考核组「{key}」（含{units}）" if (len(q.units) > 1 or key not in q.units) else f"「{key}」"
            findings.append(Finding(
                rule="Q2", severity=ERROR, unit=key,
                message=(f"{scope}{qlabel}实际参加 {q.participants} 人"
                         f"（比例基数 {q.denominator} 人），“好”等次 {q.good} 人"
                         f"（不含受表彰直接定好 {q.commended} 人），占 {q.ratio_text}，"
                         f"超过 {format_ratio(settings.quota.good_ratio)} 上限 {q.cap} 人"
                         f"（§四(三)3）；定为“好”的：{'、'.join(q.good_people)}"),
            ))
    centre = _quota(CENTRE_KEY, [(p, r) for p, r in zip(due, results, strict=True)], graded_ids,
                    settings)
    if centre.over and not any(q.over for q in quotas):
        findings.append(Finding(
            rule="Q2", severity=WARNING, unit=CENTRE_KEY,
            message=(f"全中心{qlabel}“好”等次 {centre.good} 人，占 {centre.ratio_text}，"
                     f"超过 {format_ratio(settings.quota.good_ratio)}（上限 {centre.cap} 人，§四(三)3）"),
        ))
    return QuarterOutcome(results=results, findings=findings, quotas=quotas, centre=centre,
                          attendance=att)


def _records_by_person(records: Sequence[MonthAttendance]) -> dict[str, list[MonthAttendance]]:
    # A function of its own: a loop in evaluate_quarter would keep the last record alive.
    out: dict[str, list[MonthAttendance]] = {}
    for rec in records:
        out.setdefault(rec.staff_id, []).append(rec)
    return out


def _quota(key: str, members: Sequence[tuple[Person, QuarterResult]], graded_ids: set[str],
           settings: Settings) -> QuotaSummary:
    units: dict[str, None] = {}
    participants = graded = good = commended = 0
    people: list[str] = []
    for p, r in members:
        units.setdefault(p.unit, None)
        if r.outcome == Outcome.ABSENT:
            continue
        participants += 1
        if p.staff_id in graded_ids:
            graded += 1
        if r.outcome == Outcome.GOOD:
            if QuarterFlag.COMMENDED in r.flags:
                commended += 1  # §四(三)4(1): 不受比例限制
            else:
                good += 1
                people.append(f"{p.name}（{p.unit}）")
    denominator = participants if settings.quota.denominator == "participants" else graded
    cap = good_cap(denominator, settings)
    return QuotaSummary(
        key=key, units=list(units), participants=participants, denominator=denominator,
        good=good, commended=commended, cap=cap,
        ratio=(good / denominator) if denominator else None, over=good > cap,
        graded=graded, good_people=people,
    )
