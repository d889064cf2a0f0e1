"""What `run_quarter` keeps of each workbook, made where the file is read.

A large folder is read by a pool of worker processes (`excel.read.read_folder`). Each worker
runs the rules that look at one form alone right after reading it, and sends back only a
compact record per form, so neither the pool's traffic nor the main process's memory holds
the forms' texts and task rows:

- a 月度小结 becomes a `rules.month.SummaryRecord` (M1–M7, M5 and W1–W9 of its sheets done);
- a standalone 一周小记 becomes a `rules.week.WeekRecord` (W1–W9 done);
- a 季度评价表 travels as it is.

The cross-form rules (`rules.month.check_month_records`, `rules.quarter.evaluate_quarter`)
run over these records in the main process.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..models import Finding, FormKind, MonthlySummary, QuarterlyEvaluation, WeeklyLog
from ..rules.month import SummaryRecord, summarize
from ..rules.settings import Settings
from ..rules.week import WeekRecord

FormRecord = SummaryRecord | WeekRecord | QuarterlyEvaluation


@dataclass
class FileRecords:
    """One workbook as `run_quarter` keeps it: its readers' findings and its forms' records."""

    path: str
    kind: FormKind | None
    forms: list[FormRecord] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def records_of(result: Any, *, settings: Settings) -> FileRecords:
    """`read_folder`'s transform for `run_quarter`: a `ReadResult` → its `FileRecords`."""
    forms: list[FormRecord] = []
    for form in result.forms:
        if isinstance(form, MonthlySummary):
            forms.append(summarize(form, settings))
        elif isinstance(form, WeeklyLog):
            forms.append(WeekRecord.of(form))
        elif isinstance(form, QuarterlyEvaluation):
            forms.append(form)
    return FileRecords(str(result.path), result.kind, forms, result.findings)
