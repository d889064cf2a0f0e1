"""The library behind the commands: each `run_*` reads its inputs, runs the rules and returns
a result object holding the results and the findings. No console I/O: progress is reported
through optional callbacks (`on_file` once per workbook read; `run_forms`: `on_progress`
once per form written), and `settings` (the limits included) are passed in, never looked up,
so worker processes get them under any start method. The CLI parses arguments, calls one of
these, and prints or writes the result.

- `run_week(folder, roster=…)` → `WeekRun`: 一周小记 W1–W10 (`kaoping week check`);
- `run_month(folder, roster=…, month=…)` → `MonthRun`: 月度小结 M1–M14 (`kaoping month check`);
- `run_quarter(roster, folder, quarter=…, attendance_path=…)` → `QuarterRun`: Q1–Q8 with the
  quarter's month rules and attendance (`kaoping quarter check|report`);
  `write_quarter_report(run, out, …)`: its filings (附件4, 附件5, 台账), refused while 错误
  remain (`kaoping quarter report`);
- `run_year(roster, ledgers, year=…)` → `YearRun`: the annual outcome (`kaoping annual …`);
- `run_roster_check(roster)` → `RosterCheck`: the 花名册's R1–R10 and its counts
  (`roster.summarize` → `RosterSummary`; `kaoping roster check`);
- `run_forms(kind, roster, period, out)` → `FormsRun`: one blank form per person due, and for
  quarterly the 好 seats (`kaoping forms monthly|quarterly`); `run_blank_forms(out)`: the
  unfilled 附件1–3 (`kaoping forms blank`);
- `run_halfyear_forms(roster, half, out, …)` → `HalfyearFormsRun`: the half's 记实表 and
  集中测评票 (`kaoping halfyear forms`);
- `run_tally(ballots, outputs=…)` → `TallyRun`: the returned 集中测评票 counted (`kaoping
  halfyear tally`);
- `run_calendar(year)` → `CalendarRun`: workdays by month and quarter and the assessment's
  dates; `write_ics(run, path)` (`kaoping calendar`).
"""

from ..periods import CN_QUARTER
from .calendar import CalendarRun, run_calendar, write_ics
from .forms import FormsRun, run_blank_forms, run_forms
from .halfyear import HalfyearFormsRun, TallyRun, run_halfyear_forms, run_tally
from .inputs import count_workbooks
from .month import MonthRun, run_month
from .quarter import (
    QuarterRun,
    check_quarter_months,
    infer_quarter,
    run_quarter,
    write_quarter_report,
)
from .records import EvaluationRecord, records_of
from .roster import RosterCheck, RosterSummary, run_roster_check
from .summary import SummaryRow, summary_rows
from .week import WeekRun, run_week
from .year import YearRun, run_year

__all__ = [
    "CN_QUARTER", "CalendarRun", "EvaluationRecord", "FormsRun", "HalfyearFormsRun", "MonthRun",
    "QuarterRun", "RosterCheck", "RosterSummary", "SummaryRow", "TallyRun", "WeekRun", "YearRun",
    "check_quarter_months", "count_workbooks", "infer_quarter", "records_of", "run_blank_forms",
    "run_calendar", "run_forms", "run_halfyear_forms", "run_month", "run_quarter",
    "run_roster_check", "run_tally", "run_week", "run_year", "summary_rows", "write_ics",
    "write_quarter_report",
]
