"""Attendance for the quarter: §四(三)4(3) (80% rule) and §二 category 2 (long leave).

Leave days come from the three 月度小结表 of the quarter (§四(二)1(5): 病假、事假 and 年休 of the
month, kept apart from 法定假期 and 加班补休 on kaoping's form) and, when the clerk has one, from an attendance sheet, whose records
replace the summaries' for the same person and month (`merge_attendance`).

- 应出勤天数 (required) = the quarter's official workdays − 年休 − 法定假期 − 加班补休
  (§四(三)4(3): 除法定的假期和加班补休、年休以外; public holidays are already outside the
  official workdays, 法定假期 here is 婚假、产假、丧假、探亲假 and the like).
- 出勤天数 (attended) = required − 病事假.
- low: attended < min_ratio × required (default 80%): exactly 80% passes.
- long leave (§二 category 2, 病事假累计时间超过当期平时考核周期一半): 病事假 >
  long_leave_ratio × the quarter's official workdays: exactly half is not 超过一半.

All comparisons use exact fractions of the decimal figures (1.5 days is exactly 3/2).
Pure: no file or console I/O.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from ..models import (
    Finding,
    MonthAttendance,
    MonthlySummary,
    Person,
    Roster,
    Severity,
    SourceRef,
)
from ..names import normalize_name
from ..periods import Month, Quarter
from .catalog import finding
from .settings import Settings

__all__ = [
    "AttendanceResult",
    "attendance_from_summaries",
    "collect_attendance",
    "exact",
    "format_days",
    "format_ratio",
    "merge_attendance",
    "normalize_name",
    "RosterIndex",
    "quarter_attendance",
    "resolve_person",
]


def exact(x: float | int | Fraction) -> Fraction:
    """The decimal value as written (0.4 → 2/5, 1.5 → 3/2), for exact arithmetic."""
    if isinstance(x, Fraction | int):
        return Fraction(x)
    f = float(x)
    # Most day counts are whole: no need to parse their text.
    return Fraction(int(f)) if f.is_integer() else Fraction(repr(f))


def format_days(x: float | Fraction) -> str:
    """12.0 → '12', 12.5 → '12.5'."""
    f = float(x)
    return str(int(f)) if f.is_integer() else f"{f:g}"


def format_ratio(ratio: float | Fraction | None) -> str:
    """A ratio as a percentage with one decimal, rounded half up as Excel shows it
    (0.3636 → '36.4%', trailing .0 dropped). A ratio that would round UP to a whole percent
    it does not reach is cut at two decimals instead (0.79999 → '79.99%'), so a failing
    attendance never reads as the 80% threshold; None → '—'."""
    if ratio is None:
        return "—"
    percent = exact(ratio) * 100
    tenths = math.floor(percent * 10 + Fraction(1, 2))
    if tenths % 10 == 0 and Fraction(tenths, 10) > percent:
        whole, hundredths = divmod(math.floor(percent * 100), 100)
        return f"{whole}.{hundredths:02d}%"
    whole, frac = divmod(tenths, 10)
    return (f"{whole}" if frac == 0 else f"{whole}.{frac}") + "%"


# ---------------------------------------------------------------- identifying a form's person


class RosterIndex:
    """Lookups of roster people by 工号 and by normalized name (built once per batch)."""

    def __init__(self, roster: Roster) -> None:
        self.roster = roster
        self.by_id: dict[str, Person] = {}
        self.by_name: dict[str, list[Person]] = {}
        for p in roster.people:
            self.by_id.setdefault(p.staff_id, p)
            self.by_name.setdefault(normalize_name(p.name), []).append(p)


def resolve_person(roster: Roster | RosterIndex, staff_id: str | None, name: str | None,
                   unit: str | None) -> tuple[Person | None, str | None]:
    """Find the roster person a form belongs to: by 工号 when present, else by normalized name
    (and unit when the form gives one). Returns (person, problem): problem is a Chinese
    sentence when there is no person or more than one candidate (then person is None), or
    when the match is by name only and the unit differs (then person is set)."""
    index = roster if isinstance(roster, RosterIndex) else RosterIndex(roster)
    if staff_id and staff_id.strip():
        sid = staff_id.strip()
        found = index.by_id.get(sid)
        return (found, None) if found is not None else (None, f"工号「{sid}」不在花名册中")
    return _resolve_by_name(index, name, unit)


def _resolve_by_name(index: RosterIndex, name: str | None,
                     unit: str | None) -> tuple[Person | None, str | None]:
    """A form without 工号: its person by normalized name, told apart by unit when needed."""
    key = normalize_name(name)
    if not key:
        return None, "表中没有姓名，也没有工号，无法确定是谁的表"
    same_name = index.by_name.get(key, [])
    if not same_name:
        return None, f"花名册中没有「{name}」"
    ukey = normalize_name(unit)
    same_unit = [p for p in same_name if normalize_name(p.unit) == ukey] if ukey else []
    if len(same_unit) == 1:
        return same_unit[0], None
    if len(same_unit) > 1:
        return None, (f"花名册中「{unit}」有 {len(same_unit)} 位「{name}」"
                      f"（工号 {'、'.join(p.staff_id for p in same_unit)}），请在表中填写工号")
    if len(same_name) == 1:
        p = same_name[0]
        if ukey:
            return p, f"表中单位「{unit}」与花名册（{p.unit}）不一致，已按姓名对应到工号 {p.staff_id}"
        return p, None
    return None, (f"花名册中有 {len(same_name)} 位「{name}」"
                  f"（{'、'.join(f'{p.unit} {p.staff_id}' for p in same_name)}），请在表中填写工号")


# ---------------------------------------------------------------- records


def collect_attendance(summaries: Iterable[MonthlySummary], *, roster: Roster | RosterIndex | None = None,
                       sources: bool = True) -> tuple[list[MonthAttendance], list[Finding]]:
    """One `MonthAttendance` per (工号, month) from 月度小结表 (§四(二)1(5)).

    A blank 病事假 or 年休 cell counts as 0 and is listed in `blank_fields`. Summaries without
    a 工号 are matched to the roster by name (and unit) when a roster is given; those that
    cannot be matched are left out with a 警告. A second summary for the same person and month
    is left out with a 警告 naming both files (the first one, in input order, counts).
    `roster` may be given as its `RosterIndex`. With `sources=False` the records carry no
    `source` (None); the warnings still name the files."""
    records: dict[tuple[str, int, int], MonthAttendance] = {}
    first_file: dict[tuple[str, int, int], str] = {}  # for the duplicate warning
    findings: list[Finding] = []
    index = roster if roster is None or isinstance(roster, RosterIndex) else RosterIndex(roster)
    for s in summaries:
        staff_id, unit, unmatched = _summary_person(s, index)
        if unmatched is not None:
            findings.append(unmatched)
            continue
        key = (staff_id, s.year, s.month)
        if key in records:
            findings.append(_duplicate_summary(s, staff_id, unit, first_file[key]))
            continue
        first_file[key] = s.source.file
        records[key] = _leave_record(s, staff_id, sources=sources)
    return list(records.values()), findings


def _summary_person(s: MonthlySummary, index: RosterIndex | None
                    ) -> tuple[str, str | None, None] | tuple[None, None, Finding]:
    """(工号, 单位, None) of the person a 月度小结 belongs to, or a 警告 when it cannot tell."""
    ident = s.identity
    staff_id = (ident.staff_id or "").strip() or None
    if staff_id is not None:
        return staff_id, ident.unit, None
    where = dict(unit=ident.unit, person=ident.name, file=s.source.file, sheet=s.source.sheet)
    if index is None:
        return None, None, finding(
            "Q5", f"{s.year}年{s.month}月月度小结表没有工号，其出勤天数未计入季度出勤",
            severity=Severity.WARNING, **where)
    person, problem = resolve_person(index, None, ident.name, ident.unit)
    if person is None:
        return None, None, finding(
            "Q5", f"{s.year}年{s.month}月月度小结表：{problem}；其出勤天数未计入季度出勤",
            severity=Severity.WARNING, cell=s.source.cell("name"), **where)
    return person.staff_id, person.unit, None


def _duplicate_summary(s: MonthlySummary, staff_id: str, unit: str | None,
                       first_file: str) -> Finding:
    return finding(
        "Q5", (f"{s.year}年{s.month}月有两份月度小结表：{first_file} 和 {s.source.file}；"
               f"出勤按前一份计算，请删除多余的一份"),
        severity=Severity.WARNING, unit=unit, person=s.identity.name, staff_id=staff_id,
        file=s.source.file, sheet=s.source.sheet)


def _leave_record(s: MonthlySummary, staff_id: str, *, sources: bool) -> MonthAttendance:
    """§四(二)1(5): the month's 病事假 and 年休, §四(三)4(3) 法定假期 and 加班补休; a blank cell
    counts as 0 and is remembered. What the form has no place for stays unknown: the official
    wording's one number for 病事假 and 年休 (`combined_leave_days`), an older form's missing
    法定假期/加班补休 row (`extra_unknown`)."""
    unknown = set(s.unknown_fields)
    fields = [f for f in ("sick_personal_days", "annual_leave_days", "statutory_leave_days",
                          "comp_leave_days") if f not in unknown]
    combined = "sick_personal_days" in unknown
    if combined:
        fields.append("combined_leave_days")
    extra_unknown = "statutory_leave_days" in unknown
    return MonthAttendance(
        staff_id=staff_id, year=s.year, month=s.month,
        **{f: float(getattr(s, f) or 0) for f in fields},
        extra_unknown=extra_unknown,
        # a record with an unknown keeps its source: a finding may have to point at it
        source=s.source if sources or combined or extra_unknown else None,
        blank_fields=[f for f in fields if getattr(s, f) is None])


def attendance_from_summaries(summaries: Iterable[MonthlySummary], *,
                              roster: Roster | None = None) -> list[MonthAttendance]:
    """`collect_attendance` without its findings."""
    return collect_attendance(summaries, roster=roster)[0]


def merge_attendance(summary_records: Iterable[MonthAttendance],
                     sheet_records: Iterable[MonthAttendance]) -> list[MonthAttendance]:
    """Records from an attendance sheet replace the summaries' for the same (工号, month);
    everything else is kept. Order: summaries' order, then sheet-only records."""
    sheet = {(r.staff_id, r.year, r.month): r for r in sheet_records}
    out: list[MonthAttendance] = []
    used: set[tuple[str, int, int]] = set()
    for r in summary_records:
        key = (r.staff_id, r.year, r.month)
        if key in sheet:
            if key not in used:
                out.append(sheet[key])
                used.add(key)
        else:
            out.append(r)
    out.extend(r for key, r in sheet.items() if key not in used)
    return out


# ---------------------------------------------------------------- the quarter


@dataclass(frozen=True)
class AttendanceResult:
    """One person's attendance over a quarter (§四(三)4(3), §二 category 2)."""

    staff_id: str
    workdays: float  # the quarter's official workdays (the 考核周期 of §二)
    sick_personal_days: float  # 病事假
    annual_leave_days: float  # 年休
    comp_leave_days: float  # 加班补休
    required_days: float  # 应出勤 = workdays − 年休 − 加班补休 (never below 0)
    attended_days: float  # 出勤 = required − 病事假 (never below 0)
    ratio: float | None  # attended / required; None when required is 0
    long_leave: bool  # §二 category 2: 病事假 > long_leave_ratio × workdays
    low: bool  # §四(三)4(3): attended < min_ratio × required
    months: tuple[Month, ...] = ()  # months with a record
    missing_months: tuple[Month, ...] = ()  # months of the quarter without a record
    blank_months: tuple[Month, ...] = ()  # months whose leave cells were left blank
    inconsistent: bool = False  # leave days exceed the workdays (clamped at 0)
    statutory_leave_days: float = 0  # 法定假期
    # 病事假 and 年休 written as one number (the official wording), counted as 年休 above
    combined_days: float = 0
    combined_months: tuple[Month, ...] = ()
    extra_unknown_months: tuple[Month, ...] = ()  # forms without the 法定假期/加班补休 row
    could_be_low: bool = False  # low under some reading of the unknowns (`low`: under all)
    could_be_long_leave: bool = False  # likewise for §二 category 2
    unknown_at: SourceRef | None = None  # the first record with an unknown (its form's cells)

    @property
    def ratio_text(self) -> str:
        return format_ratio(self.ratio)

    def describe(self) -> str:
        """'出勤 45/60 天（75%）' for messages."""
        return (f"出勤 {format_days(self.attended_days)}/{format_days(self.required_days)} 天"
                f"（{self.ratio_text}）")


def quarter_attendance(staff_id: str, records: Sequence[MonthAttendance],
                       required_workdays: float, settings: Settings, *,
                       quarter: Quarter | None = None) -> AttendanceResult:
    """Sum one person's leave over the quarter and apply the two attendance rules.

    `required_workdays` is the quarter's official workdays (before leave is taken off: see
    `kaoping.calendar.quarter_workdays`). `records` may hold anybody's records; only this
    person's are used, and only the quarter's months when `quarter` is given. A person with no
    records has no leave (the caller sees it in `missing_months`)."""
    quarter_months = quarter.months if quarter is not None else None
    by_month = _records_by_month(staff_id, records, quarter_months)
    taken = by_month.values()
    workdays = exact(required_workdays)
    sick = _total(r.sick_personal_days for r in taken)
    annual = _total(r.annual_leave_days for r in taken)
    comp = _total(r.comp_leave_days for r in taken)
    statutory = _total(r.statutory_leave_days for r in taken)
    combined = _total(r.combined_leave_days for r in taken)
    # §四(三)4(3): 除法定的假期和加班补休、年休以外 → required days; attended = required − 病事假.
    # An undivided 病事假+年休 figure counts as 年休 here, the reading most favourable to the
    # person; `could_be_low`/`could_be_long_leave` say whether another reading changes a rule.
    required = workdays - annual - comp - statutory - combined
    attended = required - sick
    inconsistent = required < 0 or attended < 0  # more leave than workdays: shown as 0
    required, attended = max(required, Fraction(0)), max(attended, Fraction(0))
    months = tuple(sorted(by_month))
    low = _below_min_ratio(attended, required, settings)
    long_leave = _more_than_half(sick, workdays, settings)
    extra_unknown = tuple(m for m in months if by_month[m].extra_unknown)
    # the least favourable reading: the undivided figure all 病事假, and, where 法定假期 and
    # 加班补休 are unknown, as many of them as leaves no day attended
    worst_required = max(required + combined, Fraction(0))
    could_be_low = low or (sick + combined > 0 and (
        bool(extra_unknown) or _below_min_ratio(worst_required - sick - combined, worst_required,
                                                settings)))
    return AttendanceResult(
        staff_id=staff_id, workdays=float(workdays), sick_personal_days=float(sick),
        annual_leave_days=float(annual), comp_leave_days=float(comp),
        required_days=float(required), attended_days=float(attended),
        ratio=float(attended / required) if required > 0 else None,
        long_leave=long_leave, low=low,
        months=months,
        missing_months=tuple(m for m in quarter_months if m not in by_month) if quarter_months else (),
        blank_months=tuple(m for m in months if by_month[m].blank_fields),
        inconsistent=inconsistent,
        statutory_leave_days=float(statutory), combined_days=float(combined),
        combined_months=tuple(m for m in months if by_month[m].combined_leave_days),
        extra_unknown_months=extra_unknown, could_be_low=could_be_low,
        could_be_long_leave=long_leave or _more_than_half(sick + combined, workdays, settings),
        unknown_at=next((r.source for m, r in sorted(by_month.items())
                         if r.combined_leave_days or r.extra_unknown), None),
    )


def _records_by_month(staff_id: str, records: Iterable[MonthAttendance],
                      quarter_months: Sequence[Month] | None) -> dict[Month, MonthAttendance]:
    """This person's record of each month (of the quarter, when given): the last one wins when
    a caller passed two for a month."""
    by_month: dict[Month, MonthAttendance] = {}
    for r in records:
        if r.staff_id != staff_id:
            continue
        month = Month(r.year, r.month)
        if quarter_months is None or month in quarter_months:
            by_month[month] = r
    return by_month


def _total(days: Iterable[float]) -> Fraction:
    return sum((exact(x) for x in days), Fraction(0))


def _below_min_ratio(attended: Fraction, required: Fraction, settings: Settings) -> bool:
    """§四(三)4(3) 当季累计出勤天数未达到应出勤天数80%: exactly 80% is reached."""
    return required > 0 and attended < exact(settings.attendance.min_ratio) * required


def _more_than_half(sick: Fraction, workdays: Fraction, settings: Settings) -> bool:
    """§二 category 2 病事假累计时间超过当期平时考核周期一半: exactly half is not more than half."""
    return sick > exact(settings.attendance.long_leave_ratio) * workdays
