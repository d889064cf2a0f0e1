"""`kaoping calendar` as a library call: a year's workdays by month and quarter (chinesecalendar,
with kaoping.toml's [attendance.workdays]) and the assessment's dates (§四(三)5, 附件4–6 注)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..periods import Month, Quarter
from ..rules.settings import Settings


@dataclass(frozen=True)
class QuarterWorkdays:
    """A quarter's months as `kaoping calendar` lists them, and their total (None when a
    month's workdays are unknown)."""

    quarter: Quarter
    months: tuple  # calendar.MonthWorkdays of its three months

    @property
    def workdays(self) -> float | None:
        days = [m.workdays for m in self.months]
        return None if None in days else sum(days)


@dataclass(frozen=True)
class CalendarRun:
    year: int
    quarters: tuple[QuarterWorkdays, ...]
    deadlines: tuple  # calendar.Deadline, in date order

    @property
    def unknown(self) -> list[Month]:
        """The months whose workdays neither the calendar data nor kaoping.toml give."""
        return [m.month for q in self.quarters for m in q.months if m.workdays is None]


def run_calendar(year: int, *, settings: Settings | None = None) -> CalendarRun:
    """The year's workdays (`settings.attendance.workdays` add or override months) and dates."""
    from ..calendar import deadlines, month_detail

    overrides = (settings or Settings()).attendance.workdays
    quarters = tuple(
        QuarterWorkdays(Quarter(year, q), tuple(month_detail(m, overrides)
                                                for m in Quarter(year, q).months))
        for q in range(1, 5))
    return CalendarRun(year, quarters, tuple(deadlines(year)))


def write_ics(run: CalendarRun, path: Path, *, force: bool = False,
              inputs: Sequence[Path | None] = ()) -> Path:
    """The year's dates as an iCalendar file (all at once; never over one of `inputs`)."""
    from ..calendar import to_ics
    from ..output.workbook import atomic_write_bytes

    atomic_write_bytes(path, to_ics(run.deadlines, name=f"{run.year}年干部日常考评日程"),
                       force=force, inputs=inputs)
    return path
