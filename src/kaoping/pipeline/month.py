"""`kaoping month check` as a library call: one month's 月度小结 (and their weekly sheets)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..models import Finding, MonthlySummary, Roster, Severity
from ..periods import Month
from ..rules.month import (
    UnitTally,
    check_month_batch,
    infer_month,
    other_months_note,
    split_history,
    unit_tallies,
    weekly_logs_of,
)
from ..rules.settings import Settings
from .inputs import OnFile, load_roster, read_forms


@dataclass
class MonthRun:
    """What one `month check` found."""

    month: Month
    batch: list[MonthlySummary]  # the month's summaries
    history: list[MonthlySummary]  # the same year's earlier months (for 全年累计 only)
    findings: list[Finding]  # roster + files + other months' note + M1–M14/W1–W10
    workdays: float | None  # the month's official workdays; None when the calendar is silent
    calendar_note: str | None = None  # why workdays is None (M8 not checked)
    roster: Roster | None = None
    settings: Settings = field(default_factory=Settings)
    own: list[Path] = field(default_factory=list)  # 问题清单 kaoping wrote in the folder

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == Severity.ERROR)

    def tallies(self) -> list[UnitTally]:
        """Per unit: due, received, missing and findings by severity."""
        return unit_tallies(self.month, self.batch, self.findings, self.roster)


def run_month(folder: Path, *, roster: Path | None = None, month: Month | None = None,
              settings: Settings | None = None, skip: Path | None = None,
              on_file: OnFile | None = None) -> MonthRun:
    """Read the optional roster and every workbook below `folder`, and check `month` (by
    default the one month all summaries agree on; `KaopingError` otherwise). Summaries of
    the same year's earlier months are only used for 全年累计; other months are counted in
    one 提示. `skip`: see `inputs.read_forms`."""
    from ..calendar import CalendarUnknownError, month_workdays

    settings = settings or Settings()
    people, findings = load_roster(roster, settings)
    forms, read_findings, own = read_forms(folder, settings, skip=skip, on_file=on_file)
    findings = [*findings, *read_findings]
    summaries = [f for f in forms if isinstance(f, MonthlySummary)]
    month = month or infer_month(summaries)
    batch, history, other = split_history(month, summaries)
    findings += other_months_note(month, other)
    loose = weekly_logs_of(f for f in forms if not isinstance(f, MonthlySummary))
    workdays, note = None, None
    try:
        workdays = month_workdays(month, settings.attendance.workdays)
    except CalendarUnknownError as exc:
        note = exc.message
    findings += check_month_batch(month, batch, loose, people, workdays=workdays,
                                  settings=settings, history=history)
    return MonthRun(month=month, batch=batch, history=history, findings=findings,
                    workdays=workdays, calendar_note=note, roster=people, settings=settings, own=own)
