"""Official workdays and the assessment calendar.

Workdays follow the State Council holiday arrangement (国务院办公厅关于部分节假日安排的通知) as
packaged by `chinesecalendar` (import name `chinese_calendar`): statutory holidays that fall on
weekdays are days off, and 调休 make-up Saturdays/Sundays are workdays. The package only knows the
years it was released with; for later years the clerk adds monthly totals to `kaoping.toml`:

    [attendance.workdays]
    "2027-01" = 20

Those overrides (`Settings.attendance.workdays`) always win over the package.

Deadlines come from §四(三)5 (quarterly evaluation in January, April, July and October) and the
notes under 附件4/5 (报送 by the 20th of those months) and 附件6 (by 20 January).

Pure: no file or console I/O (the CLI writes the .ics bytes produced here).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Protocol

from .errors import KaopingError
from .periods import Month, Quarter

__all__ = [
    "CalendarUnknownError",
    "unknown_calendar_error",
    "Deadline",
    "MonthWorkdays",
    "deadlines",
    "hire_workdays",
    "is_workday",
    "month_detail",
    "month_workdays",
    "quarter_workdays",
    "to_ics",
    "workdays",
]



class CalendarUnknownError(KaopingError):
    """The official calendar of a year is not known and no override was given."""


def unknown_calendar_error(month: Month) -> CalendarUnknownError:
    return CalendarUnknownError(
        f"kaoping 内置的国务院节假日安排不包含 {month.year} 年（{month}）。"
        f"请在 kaoping.toml 中按月填写该年的工作日天数，例如：\n"
        f"[attendance.workdays]\n"
        f"\"{month.year}-01\" = 20\n"
        f"（每月一行，键为“年-月”，值为当月法定工作日天数，可用 -c 指定配置文件），"
        f"或升级 chinesecalendar：pip install -U chinesecalendar"
    )


# ---------------------------------------------------------------- overrides

_KEY_RE = re.compile(r"^\s*(\d{4})\s*-\s*(\d{1,2})\s*$")


def _parse_overrides(overrides: Mapping[str, float] | None) -> dict[Month, Fraction]:
    """Validate `[attendance.workdays]`: keys "YYYY-MM", values 0 ≤ v ≤ days of the month."""
    out: dict[Month, Fraction] = {}
    for key, value in (overrides or {}).items():
        m = _KEY_RE.match(str(key))
        if not m or not 1 <= int(m.group(2)) <= 12:
            raise KaopingError(
                f"配置 [attendance.workdays] 中的月份「{key}」无法识别，请写成 \"2027-01\" 的形式"
            )
        month = Month(int(m.group(1)), int(m.group(2)))
        days = _exact(value)
        if days < 0 or days > month.end.day:
            raise KaopingError(
                f"配置 [attendance.workdays] 中「{key}」= {value} 不合理："
                f"应在 0 到 {month.end.day} 之间"
            )
        out[month] = days
    return out


def _exact(x: float | int) -> Fraction:
    """The decimal value as written (0.1 → 1/10), so sums and comparisons are exact."""
    if isinstance(x, int):
        return Fraction(x)
    return Fraction(repr(float(x)))


def _to_float(x: Fraction) -> float:
    return float(x)


# ---------------------------------------------------------------- the package


def _package_is_workday(day: dt.date) -> bool | None:
    """True/False from chinesecalendar; None when the package has no data for that year."""
    import chinese_calendar

    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None


def is_workday(day: dt.date) -> bool:
    """Official workday by the State Council arrangement (raises when the year is unknown)."""
    known = _package_is_workday(day)
    if known is None:
        raise unknown_calendar_error(Month(day.year, day.month))
    return known


def _weekdays(start: dt.date, end: dt.date) -> int:
    """Mon–Fri days in [start, end]."""
    if end < start:
        return 0
    days = (end - start).days + 1
    full, rest = divmod(days, 7)
    count = full * 5
    wd = start.weekday()
    for i in range(rest):
        if (wd + i) % 7 < 5:
            count += 1
    return count


def _package_count(start: dt.date, end: dt.date) -> int | None:
    """Official workdays in [start, end] inside one month; None when the year is unknown."""
    count = 0
    day = start
    while day <= end:
        known = _package_is_workday(day)
        if known is None:
            return None
        count += known
        day += dt.timedelta(days=1)
    return count


# ---------------------------------------------------------------- workdays


def _month_part(month: Month, start: dt.date, end: dt.date,
                table: dict[Month, Fraction]) -> Fraction:
    """Workdays of `month` within [start, end] (both already clipped to the month)."""
    if month in table:
        total = table[month]
        if start == month.start and end == month.end:
            return total
        # An override is a whole-month total: a part of the month gets its Mon–Fri share.
        full = _weekdays(month.start, month.end)
        return total * _weekdays(start, end) / full if full else Fraction(0)
    count = _package_count(start, end)
    if count is None:
        raise unknown_calendar_error(month)
    return Fraction(count)


def _workdays_exact(start: dt.date, end: dt.date,
                    overrides: Mapping[str, float] | None) -> Fraction:
    table = _parse_overrides(overrides)
    total = Fraction(0)
    if end < start:
        return total
    month = Month(start.year, start.month)
    while month.start <= end:
        total += _month_part(month, max(start, month.start), min(end, month.end), table)
        month = Month(month.year + 1, 1) if month.month == 12 else Month(month.year, month.month + 1)
    return total


def workdays(start: dt.date, end: dt.date, overrides: Mapping[str, float] | None = None) -> float:
    """Official workdays in [start, end] (inclusive); 0 when end < start.

    `overrides` is `Settings.attendance.workdays` ({"2027-01": 20, ...}) and wins over the
    package for its months; when the range covers only part of an overridden month, that month
    contributes its total × (Mon–Fri days in the part / Mon–Fri days in the month).
    Raises `CalendarUnknownError` for a month the package does not know and no override covers.
    """
    return _to_float(_workdays_exact(start, end, overrides))


def month_workdays(month: Month, overrides: Mapping[str, float] | None = None) -> float:
    """Official workdays of one month (override first, then the State Council arrangement)."""
    return workdays(month.start, month.end, overrides)


def quarter_workdays(quarter: Quarter, overrides: Mapping[str, float] | None = None) -> float:
    """Official workdays of a quarter: the 应出勤 base of §四(三)4(3) before leave is taken off."""
    return _to_float(sum((_workdays_exact(m.start, m.end, overrides) for m in quarter.months),
                         Fraction(0)))



class _Hired(Protocol):
    @property
    def staff_id(self) -> str: ...
    @property
    def hired_on(self) -> dt.date | None: ...


def hire_workdays(people: Iterable[_Hired], quarter: Quarter,
                  overrides: Mapping[str, float] | None = None) -> dict[str, float | None]:
    """工号 → official workdays from the hire date to the quarter's last day, for each of
    `people` hired during `quarter` (after its first day, on or before its last): the
    应出勤 base of §四(三)4(3) for someone who joined mid-quarter. None where the calendar
    does not know those days (`rules.quarter.evaluate_quarter` then says so and counts the
    whole quarter)."""
    out: dict[str, float | None] = {}
    for p in people:
        if p.hired_on is not None and quarter.start < p.hired_on <= quarter.end:
            try:
                out[p.staff_id] = workdays(p.hired_on, quarter.end, overrides)
            except CalendarUnknownError:
                out[p.staff_id] = None
    return out


@dataclass(frozen=True)
class MonthWorkdays:
    """One month of the calendar table: how its workdays came about."""

    month: Month
    workdays: float | None  # None: unknown (no package data, no override)
    weekdays: int  # Mon–Fri
    holidays_on_weekdays: int | None  # statutory holidays taking a Mon–Fri
    makeup_days: int | None  # 调休 make-up Saturdays/Sundays
    source: str  # "国务院安排" / "kaoping.toml" / "未知"


def month_detail(month: Month, overrides: Mapping[str, float] | None = None) -> MonthWorkdays:
    """Workdays of a month with the breakdown shown by `kaoping calendar` (never raises for an
    unknown year: `workdays` is None and `source` is "未知")."""
    table = _parse_overrides(overrides)
    weekdays = _weekdays(month.start, month.end)
    off = makeup = 0
    known = True
    day = month.start
    while day <= month.end:
        w = _package_is_workday(day)
        if w is None:
            known = False
            break
        if day.weekday() < 5 and not w:
            off += 1
        elif day.weekday() >= 5 and w:
            makeup += 1
        day += dt.timedelta(days=1)
    if month in table:
        return MonthWorkdays(month, float(table[month]), weekdays, off if known else None,
                             makeup if known else None, "kaoping.toml")
    if not known:
        return MonthWorkdays(month, None, weekdays, None, None, "未知")
    return MonthWorkdays(month, float(weekdays - off + makeup), weekdays, off, makeup, "国务院安排")


# ---------------------------------------------------------------- deadlines


@dataclass(frozen=True)
class Deadline:
    """A date of the assessment calendar. `end` is set for a window (e.g. the evaluation month)."""

    date: dt.date
    title: str
    clause: str
    end: dt.date | None = None

    @property
    def last_day(self) -> dt.date:
        return self.end or self.date


def deadlines(year: int) -> list[Deadline]:
    """Every routine-assessment date of `year`, in date order.

    - §四(三)5: the quarterly evaluation (附件3) is held in January (for Q4 of the previous
      year), April (Q1), July (Q2) and October (Q3): a window over the whole month.
    - 附件4/附件5 注: 备案表 and 名单表 are due at 办公室（人事处） by the 20th of those months.
    - 附件6 注: the list of people graded 好 two or more times in the previous year is due by
      20 January.
    """
    out: list[Deadline] = []
    for month_no in (1, 4, 7, 10):
        month = Month(year, month_no)
        q = Quarter(year - 1, 4) if month_no == 1 else Quarter(year, month_no // 3)
        label = q.label
        out.append(Deadline(
            date=month.start, end=month.end, clause="§四(三)5",
            title=f"开展{label}干部日常考评季度评价（附件3 季度评价表）",
        ))
        out.append(Deadline(
            date=dt.date(year, month_no, 20), clause="附件4、附件5 注；§四(三)5",
            title=f"报送{label}《公务员平时考核结果备案表》（附件4）和"
                  f"《好、一般、较差、不确定等次、未参加考核人员名单表》（附件5）截止",
        ))
        if month_no == 1:
            out.append(Deadline(
                date=dt.date(year, 1, 20), clause="附件6 注；§五(一)",
                title=f"报送{year - 1}年度《公务员平时考核好等次2次以上人员名单表》（附件6）截止",
            ))
    return sorted(out, key=lambda d: (d.date, d.end is None, d.title))


# ---------------------------------------------------------------- iCalendar (RFC 5545)


def _ics_escape(text: str) -> str:
    """TEXT value escaping (RFC 5545 §3.3.11)."""
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def _fold(line: str) -> bytes:
    """Fold a content line at 75 octets (RFC 5545 §3.1) without splitting a UTF-8 character;
    continuation lines start with one space, which counts toward their 75 octets."""
    out: list[bytes] = []
    current = b""
    limit = 75
    for ch in line:
        b = ch.encode("utf-8")
        if len(current) + len(b) > limit:
            out.append(current)
            current = b" "
            limit = 75
        current += b
    out.append(current)
    return b"\r\n".join(out) + b"\r\n"


def _uid(d: Deadline) -> str:
    digest = hashlib.sha1(f"{d.date.isoformat()}|{d.title}".encode()).hexdigest()[:20]
    return f"{d.date:%Y%m%d}-{digest}@kaoping"


def to_ics(items: Iterable[Deadline], *, now: dt.datetime | None = None,
           name: str = "干部日常考评日程") -> bytes:
    """An iCalendar file of all-day events (one VEVENT per deadline, a reminder 3 days before
    each due date). UIDs are stable, so importing a regenerated file updates the events."""
    stamp = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//kaoping//干部日常考评//ZH",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_ics_escape(name)}",
    ]
    for d in items:
        last = d.last_day
        lines += [
            "BEGIN:VEVENT",
            f"UID:{_uid(d)}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{d.date:%Y%m%d}",
            f"DTEND;VALUE=DATE:{last + dt.timedelta(days=1):%Y%m%d}",  # exclusive end
            f"SUMMARY:{_ics_escape(d.title)}",
            f"DESCRIPTION:{_ics_escape('依据：温公积金〔2021〕46号 ' + d.clause)}",
            "TRANSP:TRANSPARENT",
        ]
        if d.end is None:
            lines += [
                "BEGIN:VALARM",
                "ACTION:DISPLAY",
                f"DESCRIPTION:{_ics_escape(d.title)}",
                "TRIGGER:-P3D",
                "END:VALARM",
            ]
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return b"".join(_fold(line) for line in lines)
