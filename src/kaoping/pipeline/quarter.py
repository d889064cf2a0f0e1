"""`kaoping quarter check|report` as a library call: roster, folder, attendance → Q1–Q8
(`run_quarter`), and the quarter's filings of a checked run (`write_quarter_report`).

The folder is read first, each workbook into compact records where it is read
(`records.records_of`, in pool workers for a large folder); then the roster. Reading the
roster after the folder keeps it out of the workers' memory (they are forked when the reading
starts). Then the quarter's month rules, the leave records, and the quarter rules.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ErrorsLeftError, KaopingError, NoFormsError
from ..models import Finding, MonthAttendance, QuarterlyEvaluation, Roster, Severity
from ..paths import require_file
from ..periods import Month, Quarter, quarter_label
from ..rules.catalog import finding
from ..rules.month import SummaryRecord, check_month_records
from ..rules.settings import Settings
from ..rules.week import WeekRecord
from .inputs import OnFile, is_own_output
from .records import EvaluationRecord, records_of


@dataclass
class QuarterRun:
    """Everything one quarter's check produced."""

    quarter: Quarter
    roster: Roster
    outcome: Any  # rules.quarter.QuarterOutcome
    findings: list[Finding]  # roster + files + months + attendance + rules, in that order
    files: int = 0  # workbooks scanned
    evaluations: int = 0  # 季度评价表 read
    summaries: int = 0  # 月度小结表 of the quarter read
    attendance_records: int = 0  # month records used (summaries and sheet merged)
    workdays: float | None = None  # official workdays of the quarter
    settings: Settings = field(default_factory=Settings)
    own: list[Path] = field(default_factory=list)  # 问题清单 kaoping wrote in the folder
    units: list[str] | None = None  # the run is limited to these units (--unit)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == Severity.WARNING)


class _Shared:
    """One object for equal parts of the records kept for one run (a memo of this call):
    forms of one template carry equal cell maps, one person's forms equal identities,
    everybody's summaries of a month the same usual attached sheets, and most evaluations
    one of a few tick tuples. Without it the main process holds several KB more per person
    (measured in benchmarks/RESULTS.md, 2026-12-03)."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, Any], Any] = {}

    def _one(self, kind: str, key: Any, value: Any) -> Any:
        return self._seen.setdefault((kind, key), value)

    def _text(self, text: str | None) -> str | None:
        return text if text is None else self._one("text", text, text)

    def parts_of(self, form: SummaryRecord | EvaluationRecord, path: str) -> None:
        """`path`: the workbook's path as listed, which the folder's listing holds while the
        folder is read: the form's equal `file` becomes that one object."""
        if form.file == path:
            form.file = path
        form.cells = self._one("cells", tuple(form.cells.items()), form.cells)
        i = form.identity
        form.identity = self._one("identity", (i.staff_id, i.name, i.unit, i.section, i.post), i)
        form.sheet = self._text(form.sheet)  # 月度小结, 季度评价: the same few names
        if isinstance(form, EvaluationRecord):
            form.self_ticks = self._one("ticks", form.self_ticks, form.self_ticks)
            form.leader_ticks = self._one("ticks", form.leader_ticks, form.leader_ticks)
            return
        form.key = self._text(form.key)  # one person's three months
        form.verifier_signature = self._text(form.verifier_signature)  # a unit's leader
        if all(w.who is None for w in form.weeks):
            form.weeks = self._one("weeks", form.weeks, form.weeks)


@dataclass
class _Folder:
    """The records of a folder's workbooks, by kind, in reading order."""

    files: int = 0
    findings: list[Finding] = field(default_factory=list)
    evaluations: list[EvaluationRecord] = field(default_factory=list)
    summaries: list[SummaryRecord] = field(default_factory=list)
    logs: list[WeekRecord] = field(default_factory=list)
    own: list[Path] = field(default_factory=list)  # 问题清单 kaoping wrote in the folder


def _read_folder(folder: Path, settings: Settings, on_file: OnFile | None) -> _Folder:
    from .batch import FolderReader

    if not folder.exists():
        raise KaopingError("找不到要检查的文件夹", file=str(folder))
    if not folder.is_dir():
        raise KaopingError("这不是文件夹；请给出收回表格所在的文件夹", file=str(folder))
    out, shared = _Folder(), _Shared()
    with FolderReader(folder, transform=functools.partial(records_of, settings=settings),
                      limits=settings.limits) as reader:
        for path, result in reader:
            _take_in(out, shared, path, result)
            if on_file is not None:
                on_file(result)
    return out


def _take_in(out: _Folder, shared: _Shared, path: str, result: Any) -> None:
    """One workbook's records into `out`, by kind."""
    out.files += 1
    out.findings += result.findings
    if is_own_output(result):
        out.own.append(result.path)
    for form in result.forms:
        if isinstance(form, WeekRecord):
            out.logs.append(form)
            continue
        shared.parts_of(form, path)
        (out.summaries if isinstance(form, SummaryRecord) else out.evaluations).append(form)


def infer_quarter(evaluations: Iterable[QuarterlyEvaluation | EvaluationRecord],
                  summaries: Iterable[SummaryRecord]) -> Quarter:
    """The quarter all forms belong to; `KaopingError` asking for --period otherwise."""
    seen: Counter[Quarter] = Counter(Quarter(e.year, e.quarter) for e in evaluations
                                     if 1 <= e.quarter <= 4)
    if not seen:
        seen = Counter(Quarter(s.year, (s.month - 1) // 3 + 1) for s in summaries
                       if 1 <= s.month <= 12)
    if len(seen) == 1:
        return next(iter(seen))
    if not seen:
        raise KaopingError("文件夹中没有找到季度评价表或月度小结表，无法判断季度；请用 --period 指定，如 --period 2026Q3")
    counts = "、".join(f"{q.label} {n} 份"
                      for q, n in sorted(seen.items()))
    raise KaopingError(f"表格分属多个季度（{counts}），请用 --period 指定要处理的季度，如 --period 2026Q3")


def _q8_outside_the_quarter(quarter: Quarter, s: SummaryRecord) -> Finding:
    """A summary of another month is named and not used for the quarter's attendance."""
    earlier = s.year == quarter.year and s.month < quarter.months[0].month
    return finding("Q8", f"这是{s.year}年{s.month}月的月度小结，不在{quarter.label}内，"
                         "未用于本季度出勤计算"
                         + ("（仅用于核对全年累计）" if earlier else ""),
                   severity=Severity.INFO, person=s.identity.name, unit=s.identity.unit,
                   staff_id=s.identity.staff_id, file=s.source.file, sheet=s.source.sheet,
                   cell=s.source.cell("month"))


def _month_workdays(month: Month, settings: Settings) -> float | None:
    """The month's official workdays (M8), None when the calendar does not know it."""
    from ..calendar import CalendarUnknownError, month_workdays

    try:
        return month_workdays(month, settings.attendance.workdays)
    except (CalendarUnknownError, ValueError):
        return None


def check_quarter_months(quarter: Quarter, summaries: Sequence[SummaryRecord],
                         logs: Sequence[WeekRecord], settings: Settings) -> list[Finding]:
    """The month rules (`rules.month`) over the 月度小结表 and 一周小记表 of the quarter's
    months found in the folder: their leave days feed Q5, so a bad summary is a problem of
    the quarter too. Coverage (M13, who sent no summary) is left to `kaoping month check`.
    Summaries of other months are named with a 提示 and not used; the same year's earlier
    months are only compared (全年累计)."""
    months = {(m.year, m.month) for m in quarter.months}
    out = [_q8_outside_the_quarter(quarter, s) for s in summaries if (s.year, s.month) not in months]
    for month in quarter.months:
        batch = [s for s in summaries if (s.year, s.month) == (month.year, month.month)]
        loose = [w for w in logs if (w.year, w.month) == (month.year, month.month)]
        if not batch and not loose:
            continue
        history = [s for s in summaries if s.year == month.year and s.month < month.month]
        out += check_month_records(month, batch, loose, None, history=history,
                                   workdays=_month_workdays(month, settings))
    return out


def _unknown_staff(records: Iterable[MonthAttendance], roster: Roster) -> list[Finding]:
    """A1: an attendance-sheet 工号 the roster does not have (once per 工号)."""
    known = {p.staff_id for p in roster.people}
    out: list[Finding] = []
    reported: set[str] = set()
    for r in records:
        if r.staff_id not in known and r.staff_id not in reported:
            reported.add(r.staff_id)
            src = r.source
            out.append(finding("A1", f"考勤表中的工号「{r.staff_id}」不在花名册中，其出勤未使用",
                               severity=Severity.WARNING, staff_id=r.staff_id,
                               file=src.file if src else None, sheet=src.sheet if src else None,
                               cell=src.cell("staff_id") if src else None))
    return out


def _attendance_sheet(path: Path, quarter: Quarter, roster: Roster, settings: Settings
                      ) -> tuple[list[MonthAttendance], list[Finding]]:
    """The quarter's records of an attendance sheet (--attendance), with its findings."""
    from ..excel.attendance import read_attendance

    sheet, findings = read_attendance(Path(path), limits=settings.limits)
    findings = [*findings, *_unknown_staff(sheet, roster)]
    months = {(m.year, m.month) for m in quarter.months}
    return [r for r in sheet if (r.year, r.month) in months], findings


def _quarter_workdays(quarter: Quarter, settings: Settings) -> tuple[float | None, dict[str, int]]:
    """The quarter's official workdays, or None and the months the calendar does not know
    ("2027-07" → its Mon–Fri days: the engine's Q5 错误 shows them as `kaoping.toml` lines)."""
    from ..calendar import CalendarUnknownError, month_detail, quarter_workdays

    overrides = settings.attendance.workdays
    try:
        return quarter_workdays(quarter, overrides), {}
    except CalendarUnknownError:
        details = [month_detail(m, overrides) for m in quarter.months]
        return None, {str(d.month): d.weekdays for d in details if d.workdays is None}


def _check_units(roster: Roster, units: Sequence[str]) -> list[str]:
    """The units of `--unit`, each on the roster and with the whole of its 考核组: a 40% cap
    counted over part of a group would be another cap (§四(三)3)."""
    known = roster.units()
    unknown = [u for u in units if u not in known]
    if unknown:
        raise KaopingError(f"花名册中没有单位「{'、'.join(unknown)}」；花名册中的单位：{'、'.join(known)}",
                           file=roster.source)
    chosen = set(units)
    groups: dict[str, set[str]] = {}
    for p in roster.people:
        groups.setdefault(p.quota_key, set()).add(p.unit)
    for key, members in groups.items():
        if members & chosen and not members <= chosen:
            rest = [u for u in known if u in members - chosen]
            raise KaopingError(
                f"考核组「{key}」的“好”等次比例按组内各单位合并核定（§四(三)3），须一起处理；"
                f"请再加上 {' '.join(f'--unit {u}' for u in rest)}", file=roster.source)
    return [u for u in known if u in chosen]


def _no_forms(quarter: Quarter, read: _Folder, folder: Path) -> NoFormsError:
    """Exit 2: not one 季度评价表 of the quarter — a wrong or empty folder is never filed as
    everybody 未参加."""
    other = Counter(Quarter(e.year, e.quarter) for e in read.evaluations)
    found = "、".join(f"{quarter_label(q.year, q.quarter)} {n} 份"
                      for q, n in sorted(other.items(), key=lambda kv: (kv[0].year, kv[0].quarter)))
    seen = f"（读取文件 {read.files} 个" + (f"，其中季度评价表：{found}）" if found else "，没有季度评价表）")
    label = quarter.label
    return NoFormsError(f"文件夹中没有{label}的季度评价表{seen}，未检查、未输出任何文件；"
                        f"请核对文件夹是否选对、表格是否已收齐，或用 --period 指定正确的季度",
                        findings=read.findings, file=str(folder))


def _within(findings: list[Finding], roster: Roster, scope: Sequence[str] | None) -> list[Finding]:
    """With --unit, the findings of other units' people and forms are left out (a finding of
    a file that names nobody stays: it cannot be told whose it is)."""
    if scope is None:
        return findings
    units = set(scope)
    unit_of = {p.staff_id: p.unit for p in roster.people}

    def kept(f: Finding) -> bool:
        unit = unit_of.get(f.staff_id or "", f.unit)
        return unit is None or unit in units

    return [f for f in findings if kept(f)]


def run_quarter(roster_path: Path | Roster, folder: Path, *, quarter: Quarter | None = None,
                attendance_path: Path | None = None, settings: Settings | None = None,
                on_file: OnFile | None = None, units: Sequence[str] | None = None) -> QuarterRun:
    """Read every workbook under `folder` and the roster (a path, or a `Roster` already
    read), check the quarter's monthly forms, merge attendance, run Q1–Q8; with `units`,
    for the people of those units only (whole 考核组).

    Raises `KaopingError` when the command cannot run at all (missing folder, not a roster,
    unreadable attendance sheet, forms of several quarters and no `quarter`, no 季度评价表 of
    the quarter at all, a unit not on the roster or part of a 考核组)."""
    from ..calendar import hire_workdays
    from ..excel.roster import read_roster
    from ..rules.attendance import RosterIndex, collect_attendance, merge_attendance
    from ..rules.due import due_people
    from ..rules.quarter import evaluate_quarter

    settings = settings or Settings()
    if not isinstance(roster_path, Roster):
        require_file(roster_path, "花名册")
    if attendance_path is not None:
        require_file(attendance_path, "考勤表")
    read = _read_folder(Path(folder), settings, on_file)
    if isinstance(roster_path, Roster):  # already read (benchmarks, tests, other pipelines)
        roster, findings = roster_path, []
    else:
        roster, findings = read_roster(Path(roster_path), limits=settings.limits)
    findings = [*findings, *read.findings]
    quarter = quarter or infer_quarter(read.evaluations, read.summaries)
    if not any((e.year, e.quarter) == (quarter.year, quarter.quarter) for e in read.evaluations):
        raise _no_forms(quarter, read, Path(folder))
    scope = _check_units(roster, units) if units else None
    findings += check_quarter_months(quarter, read.summaries, read.logs, settings)

    months = {(m.year, m.month) for m in quarter.months}
    summaries = [s for s in read.summaries if (s.year, s.month) in months]
    index = RosterIndex(roster)  # one for the attendance and the quarter rules
    # sources=False: the leave records name no file (the quarter rules do not read it; a
    # record's `source` would be made anew for each of them).
    records, att_findings = collect_attendance(summaries, roster=index, sources=False)
    findings += att_findings
    if attendance_path is not None:
        sheet, sheet_findings = _attendance_sheet(attendance_path, quarter, roster, settings)
        findings += sheet_findings
        records = merge_attendance(records, sheet)
    workdays, unknown_months = _quarter_workdays(quarter, settings)
    # The calendar's data reaches the engine as figures: workdays from each mid-quarter
    # hire's first day (rules/ reads no calendar).
    hired = hire_workdays(due_people(roster, quarter.start, quarter.end), quarter,
                          settings.attendance.workdays)
    outcome = evaluate_quarter(roster, quarter, read.evaluations, records, workdays=workdays,
                               settings=settings, hire_workdays=hired, roster_index=index,
                               unknown_months=unknown_months, units=scope)
    findings = _within([*findings, *outcome.findings], roster, scope)
    return QuarterRun(quarter=quarter, roster=roster, outcome=outcome, findings=findings,
                      files=read.files, evaluations=len(read.evaluations),
                      summaries=len(summaries), attendance_records=len(records),
                      workdays=workdays, settings=settings, own=read.own, units=scope)


def write_quarter_report(run: QuarterRun, out: Path, *, inputs: Any = (), force: bool = False,
                         allow_errors: bool = False, report_date: dt.date | None = None,
                         centre_name: str | None = None, pdf: bool = False,
                         template_dir: Path | None = None) -> list[Path]:
    """The filings of a checked quarter (附件4 and 附件5 of each unit and of the centre, the
    季度结果台账) under `out`, as one all-or-nothing set; returns the workbooks written.

    While the run has 错误 nothing is written (`ErrorsLeftError`): a wrong input never
    produces a filing. With `allow_errors` they are written all the same and every table
    and the 台账 say how many 错误 were left open (`kaoping quarter report --allow-errors`).
    `inputs`: everything the run read (`output.files.RunInputs`), never written over;
    `centre_name` defaults to kaoping.toml's [centre] name."""
    from ..report.filing import write_filing

    if run.errors and not allow_errors:
        raise ErrorsLeftError(run.errors)
    return write_filing(run.outcome, run.roster, run.quarter, Path(out), force=force,
                        report_date=report_date, centre_name=centre_name or run.settings.centre.name,
                        inputs=inputs, pdf=pdf, units=run.units, template_dir=template_dir,
                        errors_left=run.errors)
