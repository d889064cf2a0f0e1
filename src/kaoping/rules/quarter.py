"""The quarterly evaluation (一季一评价, §四(三)): rules Q1–Q8 of DESIGN §4.

`evaluate_quarter` takes the roster, the quarter, the 附件3 forms read from the collected
folder and the month-by-month leave records, and returns one `QuarterResult` per person due
(the 季度结果台账 rows behind 附件4/附件5), the findings, and the 好 quota per quota key. It
composes the rules below in four steps: match forms to people (Q8) → attendance (Q5) → each
person's result (Q8 no form, Q6, Q1, Q3, Q4, Q5, Q7) → the quota (Q2, `rules.quota`).

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
- Q5/Q7 apply to graded people only; for people hired during the quarter (after its first
  day) the workdays run from the hire date (`hire_workdays`, computed by the caller from the
  official calendar: `kaoping.calendar.hire_workdays`).

Pure: no file or console I/O.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..models import (
    CommendationLevel,
    Finding,
    MonthAttendance,
    Outcome,
    Person,
    QuarterFlag,
    QuarterGrade,
    QuarterResult,
    RankCategory,
    Roster,
    Severity,
    SpecialCategory,
)
from ..periods import Quarter, quarter_label
from . import due
from .attendance import (
    AttendanceResult,
    RosterIndex,
    format_days,
    format_ratio,
    normalize_name,
    quarter_attendance,
    resolve_person,
)
from .catalog import finding
from .opinion import commendation_level, suggests_commendation
from .quota import CENTRE_KEY, QuotaSummary, check_quotas, good_cap
from .settings import Settings

__all__ = [
    "CENTRE_KEY",
    "QuarterForm",
    "QuarterOutcome",
    "QuotaSummary",
    "evaluate_quarter",
    "flag_from_label",
    "flag_label",
    "good_cap",
    "is_due",
    "special_categories",
]

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


# ---------------------------------------------------------------- what the rules read of a form


class FormIdentityView(Protocol):
    """The identity block of a form (`models.FormIdentity`)."""

    @property
    def staff_id(self) -> str | None: ...
    @property
    def name(self) -> str | None: ...
    @property
    def unit(self) -> str | None: ...


class FormSourceView(Protocol):
    """Where a form was read (`models.SourceRef`)."""

    @property
    def file(self) -> str: ...
    @property
    def sheet(self) -> str | None: ...
    def cell(self, field: str) -> str | None: ...


class QuarterForm(Protocol):
    """What the quarter rules read of a 附件3 季度评价表: a `models.QuarterlyEvaluation`, or any
    object with these attributes (the pipeline passes compact digests of the forms)."""

    @property
    def identity(self) -> FormIdentityView: ...
    @property
    def source(self) -> FormSourceView: ...
    @property
    def year(self) -> int: ...
    @property
    def quarter(self) -> int: ...
    @property
    def self_ticks(self) -> Sequence[QuarterGrade]: ...
    @property
    def leader_ticks(self) -> Sequence[QuarterGrade]: ...
    @property
    def commended(self) -> bool: ...
    @property
    def commendation_box(self) -> bool: ...
    @property
    def commendation_level(self) -> str | None: ...
    @property
    def commendation_name(self) -> str | None: ...
    @property
    def direct_poor(self) -> bool: ...
    @property
    def leader_opinion(self) -> str | None: ...
    @property
    def blank_parts(self) -> Sequence[str]: ...


@dataclass
class QuarterOutcome:
    results: list[QuarterResult]
    findings: list[Finding]
    quotas: list[QuotaSummary]
    centre: QuotaSummary | None = None  # centre-wide figures (key "全中心")
    attendance: dict[str, AttendanceResult] = field(default_factory=dict)  # by 工号
    settings: Settings = field(default_factory=Settings)  # the thresholds the texts name


# ---------------------------------------------------------------- who, and which category


def is_due(person: Person, quarter: Quarter) -> bool:
    """§二, `rules.due.is_due` over the quarter."""
    return due.is_due(person, quarter.start, quarter.end)


def in_force(start: dt.date | None, end: dt.date | None, quarter: Quarter,
             settings: Settings) -> bool:
    """Whether a case from `start` to `end` (None: open) removes `quarter` from grading
    (`[categories] applies`): in force on the quarter's last day (default), or on any day."""
    if settings.categories.applies == "any_overlap":
        return (start is None or start <= quarter.end) and (end is None or end >= quarter.start)
    return (start is None or start <= quarter.end) and (end is None or end >= quarter.end)


def _cases_in_force(person: Person, quarter: Quarter, settings: Settings
                    ) -> list[tuple[SpecialCategory, str]]:
    """(category, its dates) of each roster case — 特殊情形 and 试用期至 — that applies."""
    out = [(c.category, _dates_text(c.start, c.end)) for c in person.special_cases
           if in_force(c.start, c.end, quarter, settings)]
    if person.probation_until is not None and in_force(None, person.probation_until, quarter, settings):
        out.append((SpecialCategory.NEW_RECRUIT, f"试用期至{person.probation_until}"))
    if person.rank_category == RankCategory.PROBATION:
        out.append((SpecialCategory.NEW_RECRUIT, ""))  # 职级类别 试用期: no dates to name
    return out


def _dates_text(start: dt.date | None, end: dt.date | None) -> str:
    if start and end:
        return f"{start}至{end}"
    if start:
        return f"{start}起"
    return f"至{end}" if end else ""


def special_categories(person: Person, quarter: Quarter,
                       attendance: AttendanceResult | None = None,
                       settings: Settings | None = None) -> list[SpecialCategory]:
    """The §二 categories (不定档) that apply to `person` in `quarter`, in the measures' order:
    1 新录用 (职级类别 试用期, 试用期至, or a 新录用 case), 3–5 from the roster's 特殊情形 — each
    as `[categories] applies` says (in force on the quarter's last day by default) — and
    2 病事假超过当期平时考核周期一半 from the attendance (or an explicit case)."""
    active = {cat for cat, _ in _cases_in_force(person, quarter, settings or Settings())}
    if attendance is not None and attendance.long_leave:
        active.add(SpecialCategory.LONG_LEAVE)
    return [c for c in SpecialCategory if c in active]


def categories_note(person: Person, quarter: Quarter, cats: Sequence[SpecialCategory],
                    settings: Settings) -> str:
    """附件5 备注 of a 不定档 person: each category with the dates it rests on, e.g.
    '不定档：受处分（2026-03-01至2027-02-28）'."""
    dates: dict[SpecialCategory, list[str]] = {}
    for cat, text in _cases_in_force(person, quarter, settings):
        if text and text not in dates.setdefault(cat, []):
            dates[cat].append(text)
    parts = [c.value + (f"（{'，'.join(dates[c])}）" if dates.get(c) else "") for c in cats]
    return "不定档：" + "、".join(parts)


# ---------------------------------------------------------------- texts that name a threshold


_LOW_ATTENDANCE_LABEL = re.compile(r"出勤未达\d+(?:\.\d+)?%")


def low_attendance_label(settings: Settings) -> str:
    """'出勤未达80%': §四(三)4(3) with the configured `attendance.min_ratio`."""
    return f"出勤未达{format_ratio(settings.attendance.min_ratio)}"


def flag_label(flag: QuarterFlag, settings: Settings | None = None) -> str:
    """How a flag reads in the 台账 and 附件5: the attendance flag names the configured ratio."""
    if flag == QuarterFlag.LOW_ATTENDANCE:
        return low_attendance_label(settings or Settings())
    return flag.value


def flag_from_label(text: str) -> QuarterFlag | None:
    """The flag a label written by `flag_label` stands for, whatever ratio it names
    ('出勤未达75%' → LOW_ATTENDANCE); None for any other text."""
    if _LOW_ATTENDANCE_LABEL.fullmatch(text):
        return QuarterFlag.LOW_ATTENDANCE
    return next((f for f in QuarterFlag if f.value == text), None)


def _cats_text(cats: Sequence[SpecialCategory]) -> str:
    return "、".join(f"§二第{c.number}类（{c.value}）" for c in cats)


def _ticks_text(ticks: Sequence[QuarterGrade]) -> str:
    return "、".join(t.value for t in ticks) if ticks else "未勾选"


def _blank(text: str | None) -> bool:
    return not (text or "").strip()


def _person_where(p: Person) -> dict[str, Any]:
    return dict(unit=p.unit, person=p.name, staff_id=p.staff_id)


def _form_where(form: QuarterForm, p: Person) -> dict[str, Any]:
    return dict(file=form.source.file, sheet=form.source.sheet, **_person_where(p))


# ---------------------------------------------------------------- the evaluation


@dataclass(frozen=True)
class _Context:
    """What every rule of one evaluation reads."""

    quarter: Quarter
    settings: Settings
    index: RosterIndex
    due_ids: frozenset[str]
    units: frozenset[str] | None = None  # the run is limited to these units (--unit)

    @property
    def label(self) -> str:
        return self.quarter.label


def evaluate_quarter(roster: Roster, quarter: Quarter, evaluations: Iterable[QuarterForm],
                     attendance: Sequence[MonthAttendance], *, workdays: float | None,
                     settings: Settings | None = None,
                     hire_workdays: Mapping[str, float | None] | None = None,
                     roster_index: RosterIndex | None = None,
                     unknown_months: Mapping[str, int] | None = None,
                     units: Iterable[str] | None = None) -> QuarterOutcome:
    """Apply Q1–Q8 to one quarter.

    `workdays` is the quarter's official workdays (`kaoping.calendar.quarter_workdays`); None
    skips the attendance rules (Q5 and §二 category 2) with a 提示. `attendance` holds the
    merged leave records (`rules.attendance.merge_attendance`). `hire_workdays` maps the 工号
    of each person due who was hired during the quarter to the official workdays from the
    hire date to the quarter's end (`kaoping.calendar.hire_workdays`), None when the calendar
    does not know them; such a person left out or None gets the whole quarter's workdays and
    a 提示. `roster_index`: a `RosterIndex` of `roster` already built by the caller.
    `unknown_months` ("2027-07" → its Mon–Fri days) names the months whose official workdays
    the calendar does not know: with `workdays` None that is an 错误 (the 80% rule and §二
    category 2 could change a grade), not the 提示 of a caller that gave no workdays.
    `units` limits the evaluation to the people of those units (`quarter --unit`): the forms
    of other units' people are left out without a finding."""
    settings = settings or Settings()
    scope = frozenset(units) if units is not None else None
    people = [p for p in roster.people if is_due(p, quarter) and (scope is None or p.unit in scope)]
    ctx = _Context(quarter, settings, roster_index if roster_index is not None else RosterIndex(roster),
                   frozenset(p.staff_id for p in people), scope)
    forms, findings = match_forms(evaluations, ctx)
    findings += units_without_forms(people, forms, ctx)
    att, found = check_attendance(people, attendance, forms, ctx, workdays=workdays,
                                  hire_workdays=hire_workdays or {},
                                  unknown_months=unknown_months or {})
    findings += found
    results: list[QuarterResult] = []
    for p in people:
        result, found = person_result(p, forms.get(p.staff_id), att.get(p.staff_id), ctx)
        results.append(result)
        findings += found + blank_parts(forms.get(p.staff_id), p)
        findings += unknown_leave(p, result, att.get(p.staff_id), ctx)
    quotas, centre, found = check_quotas(results, ctx.label, settings, quarter)
    findings += found
    return QuarterOutcome(results=results, findings=findings, quotas=quotas, centre=centre,
                          attendance=att, settings=settings)


# ---------------------------------------------------------------- Q8: which form is whose


def match_forms(forms: Iterable[QuarterForm], ctx: _Context
                ) -> tuple[dict[str, QuarterForm], list[Finding]]:
    """Q8 (§二, §四(三)5): the form that counts for each person due, by 工号. A form that does
    not count says why; the forms after it are read all the same."""
    counted: dict[str, QuarterForm] = {}
    findings: list[Finding] = []
    for form in forms:
        findings += _match_form(form, counted, ctx)
    return counted, findings


def _match_form(form: QuarterForm, counted: dict[str, QuarterForm], ctx: _Context) -> list[Finding]:
    """One form: counted (added to `counted`) unless it is for another quarter, for nobody on
    the roster, for someone not due, or a second form of its person."""
    wrong = wrong_quarter(form, ctx)
    if wrong is not None:
        return [wrong]
    ident = form.identity
    person, problem = resolve_person(ctx.index, ident.staff_id, ident.name, ident.unit)
    if person is None:
        return [not_on_roster(form, problem)]
    if ctx.units is not None and person.unit not in ctx.units:
        return []  # another unit's form, outside this run (--unit)
    mismatch = unit_mismatch(form, person, problem) or name_mismatch(form, person)
    refused = not_due(form, person, ctx) or second_form(form, counted.get(person.staff_id), person, ctx)
    if refused is None:
        counted[person.staff_id] = form
    return [f for f in (mismatch, refused) if f is not None]


def wrong_quarter(form: QuarterForm, ctx: _Context) -> Finding | None:
    """Q8 错误 (§四(三)5 一季一评价): a form for another quarter is not counted."""
    if (form.year, form.quarter) == (ctx.quarter.year, ctx.quarter.quarter):
        return None
    src, ident = form.source, form.identity
    return finding(
        "Q8", (f"这是{quarter_label(form.year, form.quarter)}的评价表，"
               f"不是{ctx.label}的，未计入；请放到对应季度的文件夹或改正季度"),
        severity=ERROR, unit=ident.unit, person=ident.name, staff_id=ident.staff_id,
        file=src.file, sheet=src.sheet, cell=src.cell("period") or src.cell("quarter"))


def not_on_roster(form: QuarterForm, problem: str | None) -> Finding:
    """Q8 错误 (§二 考评对象): a form for nobody on the roster, or for one of several namesakes."""
    src, ident = form.source, form.identity
    return finding(
        "Q8", f"评价表对应不到花名册中的人员：{problem}；此表未计入",
        severity=ERROR, unit=ident.unit, person=ident.name, staff_id=ident.staff_id,
        file=src.file, sheet=src.sheet, cell=src.cell("staff_id") or src.cell("name"))


def unit_mismatch(form: QuarterForm, person: Person, problem: str | None) -> Finding | None:
    """Q8 警告: matched by name, the form's 单位 differs from the roster's (`resolve_person`)."""
    if not problem:
        return None
    return finding("Q8", problem, cell=form.source.cell("unit"), **_form_where(form, person))


def name_mismatch(form: QuarterForm, person: Person) -> Finding | None:
    """Q8 警告: matched by 工号, the form's 姓名 is not the roster's."""
    name = form.identity.name
    if not name or normalize_name(name) == normalize_name(person.name):
        return None
    return finding(
        "Q8", f"表中姓名「{name}」与花名册中工号 {person.staff_id} 的姓名「{person.name}」不一致，请核对",
        cell=form.source.cell("name"), **_form_where(form, person))


def not_due(form: QuarterForm, person: Person, ctx: _Context) -> Finding | None:
    """Q8 警告 (§二): the form of someone not 在编 or hired after the quarter is not counted."""
    if person.staff_id in ctx.due_ids:
        return None
    why = "不在编" if not person.on_establishment else f"入职日期 {person.hired_on} 晚于本季度末"
    return finding("Q8", f"此人{why}，不属于{ctx.label}的考评对象（§二），此表未计入",
                   cell=form.source.cell("name"), **_form_where(form, person))


def second_form(form: QuarterForm, first: QuarterForm | None, person: Person,
                ctx: _Context) -> Finding | None:
    """Q8 错误: two forms for one person — the first one counts."""
    if first is None:
        return None
    return finding(
        "Q8", (f"同一人有两份{ctx.label}评价表：{first.source.file} 和 {form.source.file}；"
               f"暂按前一份计算，请删除或合并多余的一份"),
        severity=ERROR, cell=form.source.cell("name"), **_form_where(form, person))


def units_without_forms(people: Sequence[Person], forms: Mapping[str, QuarterForm],
                        ctx: _Context) -> list[Finding]:
    """Q8 错误 (§四(三)5): a unit of which not one form came in while other units' did — most
    likely a folder not collected or put elsewhere, and filing it would list everyone there
    as 未参加. (No form at all is the pipeline's refusal to run.)"""
    if not forms:
        return []
    due: dict[str, int] = {}
    for p in people:
        due[p.unit] = due.get(p.unit, 0) + 1
    present = {ctx.index.by_id[sid].unit for sid in forms}
    example = next(u for u in due if u in present)
    return [finding(
        "Q8", (f"「{unit}」应交{ctx.label}评价表 {n} 份，一份也没有收到，而其他单位的表已收到；"
               f"请核对是否漏收了该单位的表格或放错了文件夹。确实只处理已收到的单位时，"
               f"用 --unit 指定单位（如 --unit {example}）"),
        severity=ERROR, unit=unit) for unit, n in due.items() if unit not in present]


def no_form(person: Person, ctx: _Context) -> Finding:
    """Q8 警告 (§四(三)5): due but no form → 未参加."""
    return finding("Q8", f"未收到{ctx.label}评价表（附件3），按未参加考核统计",
                   **_person_where(person))


# ---------------------------------------------------------------- attendance (§四(三)4(3), §二 2)


def check_attendance(people: Sequence[Person], records: Sequence[MonthAttendance],
                     forms: Mapping[str, QuarterForm], ctx: _Context, *, workdays: float | None,
                     hire_workdays: Mapping[str, float | None],
                     unknown_months: Mapping[str, int] | None = None
                     ) -> tuple[dict[str, AttendanceResult], list[Finding]]:
    """Everyone due's attendance over the quarter, by 工号, and the 提示/警告 about its data."""
    if workdays is None:
        return {}, [unknown_workdays(ctx, unknown_months) if unknown_months else no_workdays(ctx)]
    findings = [] if records else [no_attendance_data(ctx)]
    by_person: dict[str, list[MonthAttendance]] = {}
    for rec in records:
        by_person.setdefault(rec.staff_id, []).append(rec)
    att: dict[str, AttendanceResult] = {}
    for p in people:
        base, unknown = _required_workdays(p, workdays, hire_workdays, ctx)
        a = quarter_attendance(p.staff_id, by_person.get(p.staff_id, ()), base, ctx.settings,
                               quarter=ctx.quarter)
        att[p.staff_id] = a
        missing = missing_months(p, a) if records and p.staff_id in forms else None
        findings += [f for f in (unknown, missing, leave_exceeds_workdays(p, a, ctx)) if f]
    return att, findings


def _required_workdays(p: Person, workdays: float, hire_workdays: Mapping[str, float | None],
                       ctx: _Context) -> tuple[float, Finding | None]:
    """The workdays `p`'s attendance counts from: the quarter's, or from the hire date for
    someone hired during the quarter (a 提示 and the quarter's when they are not known)."""
    if not due.hired_during(p, ctx.quarter.start, ctx.quarter.end):
        return workdays, None
    from_hire = hire_workdays.get(p.staff_id)
    if from_hire is not None:
        return from_hire, None
    return workdays, finding(
        "Q5", f"{p.hired_on} 入职，但不知道该年的法定工作日，应出勤天数按整季度 {format_days(workdays)} 天计算",
        severity=INFO, **_person_where(p))


def no_workdays(ctx: _Context) -> Finding:
    """Q5 提示: without the quarter's workdays neither attendance rule can be checked."""
    return finding(
        "Q5", f"未提供{ctx.label}的工作日天数，未核出勤率（§四(三)4(3)）和病事假超过一半（§二第2类）",
        severity=INFO)


def workdays_toml(unknown_months: Mapping[str, int]) -> str:
    """The `kaoping.toml` lines that give the unknown months, each with its Mon–Fri count as
    the figure to correct (statutory holidays off, 调休 make-up days on)."""
    lines = ["[attendance.workdays]"]
    lines += [f'"{key}" = {weekdays}  # 周一至周五共 {weekdays} 天：减去法定节假日、加上调休上班日'
              for key, weekdays in sorted(unknown_months.items())]
    return "\n".join(lines)


def unknown_workdays(ctx: _Context, unknown_months: Mapping[str, int]) -> Finding:
    """Q5 错误 (§四(三)4(3), §二 2): the calendar does not know the quarter's workdays, so
    neither the 80% rule nor 病事假超过一半 can be applied — either could change a grade (79%
    filed as 较好), so nothing is filed until `[attendance.workdays]` gives the months."""
    months = "、".join(sorted(unknown_months))
    return finding(
        "Q5", (f"kaoping 内置的国务院节假日安排不包含{months}，不知道{ctx.label}的法定工作日，"
               f"无法核对出勤是否达到应出勤天数的{format_ratio(ctx.settings.attendance.min_ratio)}"
               f"（§四(三)4(3)）和病事假是否超过考核周期一半（§二第2类），备案表不能输出。"
               f"请在 kaoping.toml 中加入下面几行，把每月的天数改为当月法定工作日天数"
               f"（或升级 chinesecalendar）：\n{workdays_toml(unknown_months)}"),
        severity=ERROR)


def no_attendance_data(ctx: _Context) -> Finding:
    """Q5 提示: no leave record at all — everybody counts as never on leave."""
    return finding("Q5", f"未提供{ctx.label}的出勤数据（月度小结表或考勤表），出勤率按无请假计算",
                   severity=INFO)


def missing_months(p: Person, a: AttendanceResult) -> Finding | None:
    """Q5 提示: months of the quarter without a 月度小结 count as no leave."""
    if not a.missing_months:
        return None
    months = "、".join(f"{m.month}月" for m in a.missing_months)
    return finding("Q5", f"缺少{months}的出勤记录（月度小结表），这几个月按无请假计算",
                   severity=INFO, **_person_where(p))


def leave_exceeds_workdays(p: Person, a: AttendanceResult, ctx: _Context) -> Finding | None:
    """Q5 警告: more leave than workdays (the figures are clamped at 0)."""
    if not a.inconsistent:
        return None
    return finding(
        "Q5", (f"{ctx.label}请假合计（病事假 {format_days(a.sick_personal_days)} 天、"
               f"年休 {format_days(a.annual_leave_days)} 天、法定假期 {format_days(a.statutory_leave_days)} 天、"
               f"加班补休 {format_days(a.comp_leave_days)} 天"
               + (f"、病事假与年休合计 {format_days(a.combined_days)} 天" if a.combined_days else "") + "）"
               f"超过工作日 {format_days(a.workdays)} 天，请核对月度小结表"),
        severity=WARNING, **_person_where(p))


def _unknown_what(a: AttendanceResult) -> str:
    """What the forms leave unknown: '7月病事假与年休合计填写（共 8 天）；8月的月度小结没有法定假期、加班补休栏'."""
    parts = []
    if a.combined_months:
        months = "、".join(f"{m.month}月" for m in a.combined_months)
        parts.append(f"{months}病事假与年休合计填写（共 {format_days(a.combined_days)} 天），未分开")
    if a.extra_unknown_months:
        months = "、".join(f"{m.month}月" for m in a.extra_unknown_months)
        parts.append(f"{months}的月度小结没有“法定假期、加班补休”栏（原表或旧表；如有产假、婚假等"
                     "法定假期或加班补休，应出勤天数更少、出勤率更低）")
    return "；".join(parts)


def _unknown_where(p: Person, a: AttendanceResult) -> dict[str, Any]:
    src = a.unknown_at
    cell = None
    if src is not None:
        cell = src.cells.get("combined_leave_days") or src.cells.get("sick_personal_days")
    return dict(file=src.file if src else None, sheet=src.sheet if src else None, cell=cell,
                **_person_where(p))


_ASK = ("请在月度小结中分别填写病事假、年休天数和法定假期、加班补休天数（使用 kaoping 生成的月度小结表），"
        "或用 --attendance 提供考勤表")


def unknown_leave(p: Person, result: QuarterResult, a: AttendanceResult | None,
                  ctx: _Context) -> list[Finding]:
    """Q5 (§四(三)4(3), §二 第2类) where the forms leave leave days unknown (the official
    wording's one number for 病事假 and 年休; an older form without the 法定假期/加班补休 row):
    an 错误 where another reading could change the result — make the person 不定档 (category
    2), or put a 好/较好 under the ratio — else a 提示 for the undivided figure."""
    if a is None or result.outcome == Outcome.ABSENT or not (a.combined_months or a.extra_unknown_months):
        return []
    what, where = _unknown_what(a), _unknown_where(p, a)
    ratio = format_ratio(ctx.settings.attendance.min_ratio)
    others = [c for c in result.special_categories if c != SpecialCategory.LONG_LEAVE]
    out: list[Finding] = []
    if a.could_be_long_leave and not a.long_leave and not others:
        out.append(finding("Q5", (
            f"{ctx.label}{what}：若合计天数都是病事假，病事假 {format_days(a.sick_personal_days + a.combined_days)} 天"
            f"超过考核周期 {format_days(a.workdays)} 个工作日的一半，属§二第2类、不定档；若是年休则不属于。{_ASK}"),
            severity=ERROR, **where))
    high = result.leader_grade in (QuarterGrade.GOOD, QuarterGrade.FAIRLY_GOOD)
    if a.could_be_low and not a.low and high and QuarterFlag.NOT_GRADED not in result.flags:
        out.append(finding("Q5", (
            f"{ctx.label}{what}：按最有利的理解{a.describe()}，但另一种理解下出勤可能未达应出勤天数的{ratio}，"
            f"而定为“{result.leader_grade.value}”须达到{ratio}（§四(三)4(3)）。{_ASK}"),
            severity=ERROR, **where))
    if not out and a.combined_months:
        out.append(finding("Q5", (
            f"{ctx.label}{what}：无论怎样拆分，都不改变出勤是否达到{ratio}、是否病事假超过一半，"
            f"按{a.describe()}计；如需准确出勤，请分别填写"), severity=INFO, **where))
    return out


# ---------------------------------------------------------------- one person's result


def person_result(p: Person, form: QuarterForm | None, a: AttendanceResult | None,
                  ctx: _Context) -> tuple[QuarterResult, list[Finding]]:
    """`p`'s result: 未参加 without a form (Q8), 不定档 (Q6), or graded (Q1, Q3–Q5, Q7)."""
    cats = special_categories(p, ctx.quarter, a, ctx.settings)
    result = QuarterResult(
        staff_id=p.staff_id, name=p.name, unit=p.unit, quota_group=p.quota_group,
        section=p.section, rank=p.rank, rank_category=p.rank_category,
        outcome=Outcome.UNDETERMINED, special_categories=cats,
        required_days=a.required_days if a else None,
        attended_days=a.attended_days if a else None)
    if form is None:
        result.outcome = Outcome.ABSENT
        result.flags.append(QuarterFlag.NO_FORM)
        if cats:
            result.flags.append(QuarterFlag.NOT_GRADED)
        result.note = "未交评价表"
        return result, [no_form(p, ctx)]
    result.source_file = form.source.file
    if a is not None and a.low:
        result.flags.append(QuarterFlag.LOW_ATTENDANCE)
    if cats:
        # §二: take part, no 定档; outcome 不确定 (provincial default).
        result.flags.append(QuarterFlag.NOT_GRADED)
        result.note = categories_note(p, ctx.quarter, cats, ctx.settings)
        found = ticked_not_graded(form, cats, p)
        return result, [found] if found else []
    return result, graded_result(result, form, a, p, ctx)


_PART_TITLES = {"highlights": "个人自评“主要工作亮点及成效”", "shortcomings": "个人自评“存在的不足和改进措施”",
                "leader_signature": "领导签字"}


def blank_parts(form: QuarterForm | None, p: Person) -> list[Finding]:
    """Q12 警告 (§四(三)1(1) 个人自评, 1(2) 领导评价): a counted form's 个人自评 areas and its
    leader's 签字 are filled in; none of them changes a grade, so a warning each."""
    if form is None:
        return []
    return [finding("Q12", f"{_PART_TITLES[part]}未填写，请补填"
                           + ("（由评价的上级领导签字）" if part == "leader_signature" else ""),
                    cell=form.source.cell(part), **_form_where(form, p))
            for part in form.blank_parts]


def ticked_not_graded(form: QuarterForm, cats: Sequence[SpecialCategory], p: Person) -> Finding | None:
    """Q6 警告 (§二 五类人员只参加日常考核，不进行定档): ticks on their form are not counted."""
    what = [f"{who}「{_ticks_text(ticks)}」"
            for who, ticks in (("自评", form.self_ticks), ("领导评价", form.leader_ticks)) if ticks]
    what += [f"「{label}」" for box, label in ((form.commended, "受表彰直接定好"),
                                              (form.direct_poor, "直接定较差")) if box]
    if not what:
        return None
    cells = "、".join(c for c in (form.source.cell("self_ticks"), form.source.cell("leader_ticks")) if c)
    return finding(
        "Q6", (f"此人属于{_cats_text(cats)}，只参加日常考核、不定档，"
               f"按不确定等次统计；表中勾选的{'、'.join(what)}不计入，请清除勾选"),
        cell=cells or None, **_form_where(form, p))


def graded_result(result: QuarterResult, form: QuarterForm, a: AttendanceResult | None,
                  p: Person, ctx: _Context) -> list[Finding]:
    """A graded person: the leader's tick is the grade (§四(三)1), bounded by §四(三)4."""
    grade = _record_ticks(result, form)
    low = a if a is not None and a.low else None
    where = _form_where(form, p)
    commendation = commendation_problem(form, grade, low, where, ctx.settings)
    _record_direct_grades(result, form, grade, low, ctx.settings,
                          commended=commendation is None)
    found = (self_tick_count(form, where), leader_tick_count(form, where),
             both_direct_boxes(form, where), commended_not_good(form, grade, where),
             commendation, commendation_not_ticked(form, grade, where),
             direct_poor_not_poor(form, grade, where),
             low_attendance_graded_high(form, low, grade, where, ctx) if low else None,
             unexplained_direct_grade(form, low is not None, where))
    return [f for f in found if f is not None]


def _record_ticks(result: QuarterResult, form: QuarterForm) -> QuarterGrade | None:
    """The 自评 and 领导评价 grades when ticked once each; the leader's is the outcome."""
    if len(form.self_ticks) == 1:
        result.self_grade = form.self_ticks[0]
    if len(form.leader_ticks) != 1:
        return None
    result.leader_grade = form.leader_ticks[0]
    result.outcome = Outcome.from_grade(result.leader_grade)
    return result.leader_grade


def _record_direct_grades(result: QuarterResult, form: QuarterForm, grade: QuarterGrade | None,
                          low: AttendanceResult | None, settings: Settings, *,
                          commended: bool) -> None:
    """The flags and 附件5 备注 of §四(三)4: commended 好 (outside the quota, with the
    commendation's level and name; `commended` False while its details are wanting), direct
    较差, attendance below the ratio; and a grade still to be corrected."""
    notes = ["领导评价档次待更正"] if grade is None else []
    if form.commended and grade == QuarterGrade.GOOD:
        if commended:
            result.flags.append(QuarterFlag.COMMENDED)
            notes.append(f"受表彰直接定好（{form.commendation_level}：{form.commendation_name}，"
                         "不占比例）")
        else:
            notes.append("受表彰直接定好待核实（暂计入比例）")
    if form.direct_poor:
        result.flags.append(QuarterFlag.DIRECT_POOR)
        notes.append("直接定较差")
    if low is not None:
        notes.append(f"{low_attendance_label(settings)}（{low.describe()}）")
    result.note = "；".join(notes) or None


def self_tick_count(form: QuarterForm, where: dict[str, Any]) -> Finding | None:
    """Q1 错误 (§四(三)1(1)): exactly one 自评 tick."""
    if len(form.self_ticks) == 1:
        return None
    return finding("Q1", f"自评档次应在“好、较好、一般、较差”中勾选一项，现为：{_ticks_text(form.self_ticks)}",
                   cell=form.source.cell("self_ticks"), **where)


def leader_tick_count(form: QuarterForm, where: dict[str, Any]) -> Finding | None:
    """Q1 错误 (§四(三)1(2)): exactly one 领导评价 tick; until then the outcome is 不确定."""
    if len(form.leader_ticks) == 1:
        return None
    return finding(
        "Q1", (f"领导评价档次应在“好、较好、一般、较差”中勾选一项，"
               f"现为：{_ticks_text(form.leader_ticks)}；改正前按不确定统计"),
        cell=form.source.cell("leader_ticks"), **where)


def both_direct_boxes(form: QuarterForm, where: dict[str, Any]) -> Finding | None:
    """Q3 错误 (§四(三)4(1)(2)): a direct 好 and a direct 较差 at once is a contradiction."""
    if not (form.commended and form.direct_poor):
        return None
    cells = "、".join(c for c in (form.source.cell("commended"), form.source.cell("direct_poor")) if c)
    return finding("Q3", "同时勾选了“受表彰直接定好”和“直接定较差”，请只保留符合实际的一项",
                   cell=cells or None, **where)


def commended_not_good(form: QuarterForm, grade: QuarterGrade | None,
                       where: dict[str, Any]) -> Finding | None:
    """Q3 错误 (§四(三)4(1)): commended → 好 directly (outside the quota), so the tick is 好."""
    if not form.commended or grade == QuarterGrade.GOOD:
        return None
    return finding(
        "Q3", (f"勾选了“受表彰直接定好”（§四(三)4(1)），但领导评价档次为"
               f"「{_ticks_text(form.leader_ticks)}」；直接定好应勾选“好”，"
               f"否则请取消“受表彰直接定好”"),
        cell=form.source.cell("commended") or form.source.cell("leader_ticks"), **where)


def commendation_problem(form: QuarterForm, grade: QuarterGrade | None,
                         low: AttendanceResult | None, where: dict[str, Any],
                         settings: Settings) -> Finding | None:
    """Q3 错误 (§四(三)4(1) 受到市中心、当地党委政府以上表彰的，如无负面情形…直接确定为“好”):
    a ticked 受表彰 box on a 好 needs the commendation's level (one of the two) and name, and
    no negative circumstance among the other flags; until then the 好 counts in the quota."""
    if not form.commended or grade != QuarterGrade.GOOD:
        return None
    src = form.source
    level = commendation_level(form.commendation_level)
    if level is None:
        written = f"现为“{form.commendation_level}”" if form.commendation_level else "未填写"
        return finding(
            "Q3", (f"勾选了“受表彰直接定好”，但表彰级别{written}；§四(三)4(1) 只认市中心、当地党委政府以上的"
                   f"表彰，请在“表彰级别”中选择“{CommendationLevel.CENTRE.value}”或"
                   f"“{CommendationLevel.LOCAL_GOVERNMENT.value}”，否则取消勾选；改正前此“好”计入比例"),
            cell=src.cell("commendation_level") or src.cell("commended"), **where)
    if _blank(form.commendation_name):
        return finding(
            "Q3", ("勾选了“受表彰直接定好”，但未填写表彰名称；请在“表彰名称”中写明受到的表彰"
                   "（如“2026年度防汛抢险先进个人”）；改正前此“好”计入比例"),
            cell=src.cell("commendation_name") or src.cell("commended"), **where)
    if low is not None:
        return finding(
            "Q3", (f"勾选了“受表彰直接定好”，但本季度{low_attendance_label(settings)}"
                   f"（{low.describe()}），不符合“如无负面情形”（§四(三)4(1)）；请取消勾选并改定档次"),
            cell=src.cell("commended"), **where)
    return None


def commendation_not_ticked(form: QuarterForm, grade: QuarterGrade | None,
                            where: dict[str, Any]) -> Finding | None:
    """Q3 错误 (§四(三)4(1)): on a form without the 受表彰 box, an opinion that suggests a
    commendation does not take the 好 out of the quota; the box must say it."""
    if form.commendation_box or grade != QuarterGrade.GOOD:
        return None
    if not suggests_commendation(form.leader_opinion):
        return None
    return finding(
        "Q3", ("领导意见提到表彰或直接定好，但表中没有“受表彰直接定“好””勾选框，kaoping 不据文字认定表彰，"
               "此“好”计入比例；如属受表彰直接定好（§四(三)4(1)），请改用 kaoping 生成的季度评价表，勾选"
               "该框并填写表彰级别、名称；如不属于，请在表中加一行“受表彰直接定“好””并留空"),
        cell=form.source.cell("leader_opinion"), **where)


def direct_poor_not_poor(form: QuarterForm, grade: QuarterGrade | None,
                         where: dict[str, Any]) -> Finding | None:
    """Q4 错误 (§四(三)4(2)): direct 较差 must be graded 较差."""
    if not form.direct_poor or grade == QuarterGrade.POOR:
        return None
    return finding(
        "Q4", (f"勾选了“直接定较差”（§四(三)4(2)），但领导评价档次为"
               f"「{_ticks_text(form.leader_ticks)}」，应为“较差”"),
        cell=form.source.cell("direct_poor") or form.source.cell("leader_ticks"), **where)


def low_attendance_graded_high(form: QuarterForm, a: AttendanceResult, grade: QuarterGrade | None,
                               where: dict[str, Any], ctx: _Context) -> Finding | None:
    """Q5 错误 (§四(三)4(3)): attended < 80% of required → neither 好 nor 较好."""
    if grade not in (QuarterGrade.GOOD, QuarterGrade.FAIRLY_GOOD):
        return None
    return finding(
        "Q5", (f"{ctx.label}{a.describe()}，未达到应出勤天数的"
               f"{format_ratio(ctx.settings.attendance.min_ratio)}"
               f"（病事假 {format_days(a.sick_personal_days)} 天），"
               f"不能定为“好”或“较好”（§四(三)4(3)），现为“{grade.value}”"),
        cell=form.source.cell("leader_ticks"), **where)


def unexplained_direct_grade(form: QuarterForm, low: bool, where: dict[str, Any]) -> Finding | None:
    """Q7 错误 (附件3 注): a direct 好/较差 or an attendance shortfall is explained in the opinion."""
    reasons = [label for cond, label in ((form.commended, "受表彰直接定好"),
                                         (form.direct_poor, "直接定较差"),
                                         (low, "出勤未达标")) if cond]
    if not reasons or not _blank(form.leader_opinion):
        return None
    return finding("Q7", f"存在{'、'.join(reasons)}的情形，领导意见栏应作说明（附件3 注），现为空",
                   cell=form.source.cell("leader_opinion"), **where)
