"""What `run_quarter` keeps of each workbook, made where the file is read.

A large folder is read by a pool of worker processes (`pipeline.batch.read_folder`). Each worker
runs the rules that look at one form alone right after reading it, and sends back only a
compact record per form, so neither the pool's traffic nor the main process's memory holds
the forms' texts and task rows:

- a 月度小结 becomes a `rules.month.SummaryRecord` (M1–M7, M5 and W1–W9 of its sheets done);
- a standalone 一周小记 becomes a `rules.week.WeekRecord` (W1–W9 done);
- a 季度评价表 becomes an `EvaluationRecord`: what `rules.quarter.evaluate_quarter` reads.

The cross-form rules (`rules.month.check_month_records`, `rules.quarter.evaluate_quarter`)
run over these records in the main process.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..models import (
    FormIdentity,
    MonthlySummary,
    QuarterGrade,
    QuarterlyEvaluation,
    SourceRef,
    WeeklyLog,
)
from ..rules.month import SummaryRecord, summarize
from ..rules.settings import Settings
from ..rules.week import WeekRecord


@dataclass(slots=True)
class EvaluationRecord:
    """A 季度评价表 as the quarter rules read it (`rules.quarter.evaluate_quarter`,
    `infer_quarter`): the attributes of `QuarterlyEvaluation` they use, without the texts no
    rule reads and without pydantic's per-object bookkeeping."""

    identity: FormIdentity
    file: str
    sheet: str | None
    cells: dict[str, str]
    year: int
    quarter: int
    self_ticks: tuple[QuarterGrade, ...]
    leader_ticks: tuple[QuarterGrade, ...]
    commended: bool
    commendation_box: bool
    commendation_level: str | None
    commendation_name: str | None
    direct_poor: bool
    leader_opinion: str | None  # Q7 asks whether it is blank, Q3 what it suggests
    blank_parts: tuple[str, ...]  # Q12: 个人自评 or 签字 left blank

    @property
    def source(self) -> SourceRef:
        return SourceRef.model_construct(file=self.file, sheet=self.sheet, cells=self.cells)

    @classmethod
    def of(cls, ev: QuarterlyEvaluation) -> EvaluationRecord:
        src = ev.source
        return cls(ev.identity, src.file, src.sheet, src.cells, ev.year, ev.quarter,
                   tuple(ev.self_ticks), tuple(ev.leader_ticks), ev.commended,
                   ev.commendation_box, ev.commendation_level, ev.commendation_name,
                   ev.direct_poor, ev.leader_opinion, ev.blank_parts)


FormRecord = SummaryRecord | WeekRecord | EvaluationRecord


def records_of(result: Any, *, settings: Settings) -> Any:
    """`read_folder`'s transform for `run_quarter`: the `ReadResult` of one workbook with its
    forms replaced by their records (forms of other kinds are dropped)."""
    forms: list[FormRecord] = []
    for form in result.forms:
        if isinstance(form, MonthlySummary):
            forms.append(summarize(form, settings))
        elif isinstance(form, WeeklyLog):
            forms.append(WeekRecord.of(form))
        elif isinstance(form, QuarterlyEvaluation):
            forms.append(EvaluationRecord.of(form))
    result.forms = forms
    return result
