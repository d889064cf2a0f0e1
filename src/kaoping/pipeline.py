"""Library pipelines behind the commands: load the roster, scan the collected folder, evaluate.

`run_quarter` is what `kaoping quarter check|report` do before printing or writing anything;
the benchmark and annual code call it too. No console output here: progress is reported
through the `on_file` callback.
"""

from __future__ import annotations

import functools
import gc
import itertools
import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import KaopingError
from .models import (
    Finding,
    FormIdentity,
    MonthAttendance,
    MonthlySummary,
    Outcome,
    QuarterFlag,
    QuarterGrade,
    QuarterlyEvaluation,
    Roster,
    Severity,
    SourceRef,
    WeeklyLog,
    construct_trusted,
)
from .paths import count_workbook_names
from .periods import Quarter
from .rules.month import SummaryDigest, check_month_digests, check_weekly, digest_summary
from .rules.settings import Settings

CN_QUARTER = {1: "一", 2: "二", 3: "三", 4: "四"}


@dataclass
class QuarterRun:
    """Everything one quarter's check produced."""

    quarter: Quarter
    roster: Roster
    outcome: Any  # rules.quarter.QuarterOutcome
    findings: list[Finding]  # roster + files + attendance + rules, in that order
    files: int = 0  # workbooks scanned
    evaluations: int = 0  # 季度评价表 read
    summaries: int = 0  # 月度小结表 of the quarter read
    attendance_records: int = 0  # month records used (summaries and sheet merged)
    workdays: float | None = None  # official workdays of the quarter
    settings: Settings = field(default_factory=Settings)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == Severity.WARNING)


def count_workbooks(folder: Path) -> int:
    """How many files `run_quarter` will read (for a progress bar)."""
    folder = Path(folder)
    return count_workbook_names(folder) if folder.is_dir() else 0


def infer_quarter(evaluations: Iterable[QuarterlyEvaluation],
                  summaries: Iterable[MonthlySummary]) -> Quarter:
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
    counts = "、".join(f"{q.year}年第{CN_QUARTER[q.quarter]}季度 {n} 份"
                      for q, n in sorted(seen.items()))
    raise KaopingError(f"表格分属多个季度（{counts}），请用 --period 指定要处理的季度，如 --period 2026Q3")


def run_quarter(roster_path: Path | Roster, folder: Path, *, quarter: Quarter | None = None,
                attendance_path: Path | None = None, settings: Settings | None = None,
                on_file: Callable[[Any], None] | None = None) -> QuarterRun:
    """Read the roster (a path, or a `Roster` already read) and every workbook under `folder`,
    check the quarter's monthly forms, merge attendance, run Q1–Q8.

    Raises `KaopingError` when the command cannot run at all (missing folder, not a roster,
    unreadable attendance sheet, forms of several quarters and no `quarter`)."""
    from .calendar import CalendarUnknownError, hire_workdays, quarter_workdays
    from .excel.read import read_folder
    from .roster import read_roster
    from .rules.attendance import RosterIndex, collect_attendance, merge_attendance
    from .rules.due import due_people
    from .rules.quarter import evaluate_quarter

    settings = settings or Settings()
    folder = Path(folder)
    if not folder.exists():
        raise KaopingError("找不到要检查的文件夹", file=str(folder))
    if not folder.is_dir():
        raise KaopingError("这不是文件夹；请给出收回表格所在的文件夹", file=str(folder))
    # The folder's reading starts first: a large folder is read by a pool of processes forked
    # from this one, and forked now they do not carry the roster (a 5,000-row 花名册 grows
    # this process by ~25 MB, which every worker would hold too). The roster is read while
    # they work; the loop below does not need it.
    reading = read_folder(folder, transform=functools.partial(slim_result, settings=settings),
                          limits=settings.limits)
    results = _started(reading)
    if isinstance(roster_path, Roster):  # already read (benchmarks, tests, other pipelines)
        roster, findings = roster_path, []
    else:
        try:
            roster, roster_findings = read_roster(Path(roster_path), limits=settings.limits)
        except BaseException:
            reading.close()  # stops the pool
            raise
        findings = list(roster_findings)
        _release_free_memory()  # what reading a large 花名册 left behind

    evaluations: list[QuarterlyEvaluation | EvaluationDigest] = []
    # Each 月度小结 as a `SummaryDigest`: its own month findings (made where it was read, see
    # `slim_result`), its leave figures and the keys the cross-form month rules compare.
    summaries: list[SummaryDigest] = []
    logs: list[WeeklyLog] = []
    # Forms of one template carry equal cell maps, and one person's forms equal identities:
    # one object each instead of one per form (the models are not changed after reading).
    cell_maps: dict[tuple, dict[str, str]] = {}
    identities: dict[tuple, Any] = {}
    sheet_lists: dict[tuple, tuple] = {}
    fields_sets: dict[frozenset, frozenset] = {}
    keys: dict[str, str] = {}
    # Texts, tick tuples and leave figures repeat across forms but arrive as separate objects
    # (each chunk of results is unpickled on its own): one object for equal ones.
    values: dict[Any, Any] = {}
    years: dict[int, int] = {}  # apart from `values`, where 2026 would stand for 2026.0
    # What is kept of the forms read so far is frozen for the cyclic garbage collector
    # (`gc.freeze`) as it grows: its collections would otherwise walk all of it again and
    # again while reading and in the rules below; nothing kept is ever a cycle to free.
    # Unfrozen at the end (unless the caller froze objects of its own).
    freezing = gc.get_freeze_count() == 0
    try:
        files = 0
        for result in results:
            files += 1
            if freezing and not files % _FREEZE_EVERY:
                gc.freeze()
            findings.extend(result.findings)
            for form in result.forms:
                if isinstance(form, QuarterlyEvaluation):
                    cells = form.source.cells
                    form.source.cells = cell_maps.setdefault(tuple(cells.items()), cells)
                    ident = form.identity
                    fields = frozenset(ident.model_fields_set)
                    form.identity = identities.setdefault(
                        (tuple(ident.__dict__.values()), fields_sets.setdefault(fields, fields)), ident)
                    evaluations.append(form)
                elif isinstance(form, MonthlySummary):  # not slimmed (a transform-less read)
                    summaries.append(_digest(form, settings))
                elif isinstance(form, WeeklyLog):
                    logs.append(form)
            for d in getattr(result, "digests", ()):
                cells = d.cells
                d.cells = cell_maps.setdefault(tuple(cells.items()), cells)
                d.identity = _one_identity(d.identity, identities, values)
                if d.sheet is not None:
                    d.sheet = values.setdefault(d.sheet, d.sheet)
                d.year = years.setdefault(d.year, d.year)  # an int past 256: one object each
                if isinstance(d, SummaryDigest):
                    d.sick_personal_days = _one_number(d.sick_personal_days, values)
                    d.annual_leave_days = _one_number(d.annual_leave_days, values)
                    d.sick_personal_days_ytd = _one_number(d.sick_personal_days_ytd, values)
                    d.annual_leave_days_ytd = _one_number(d.annual_leave_days_ytd, values)
                    # Most summaries have no findings of their own: one empty list for them all
                    # (they are only read), and one person key text per person.
                    if not d.findings:
                        d.findings = _NO_FINDINGS
                    if not d.missing:
                        d.missing = _NO_MISSING
                    d.key = keys.setdefault(d.key, d.key)
                    # A month's sheets are named alike for everybody: one tuple for equal ones.
                    weeks = d.weeks
                    try:
                        d.weeks = sheet_lists.setdefault(weeks, weeks)
                    except TypeError:  # a WeekDigest (not hashable) among them: kept as it is
                        pass
                    summaries.append(d)
                else:
                    d.self_ticks = values.setdefault(d.self_ticks, d.self_ticks)
                    d.leader_ticks = values.setdefault(d.leader_ticks, d.leader_ticks)
                    evaluations.append(d)
            if on_file is not None:
                on_file(result)

        if freezing:
            gc.freeze()
        if quarter is None:
            quarter = infer_quarter(evaluations, summaries)
        months = {(m.year, m.month) for m in quarter.months}
        findings.extend(check_quarter_months(quarter, summaries, logs, settings))
        summaries = [s for s in summaries if (s.year, s.month) in months]

        index = RosterIndex(roster)  # one for the attendance and the quarter rules
        # The digests have given all else they hold (month findings): each is let go of once
        # its leave record is made (`_drained`), so the digests and the records never all
        # coexist, nor do they with the results the quarter rules build below.
        n_summaries = len(summaries)
        records, att_findings = collect_attendance(_drained(summaries), roster=index,
                                                   sources=False)
        findings.extend(att_findings)
        del summaries
        if attendance_path is not None:
            from .excel.attendance import read_attendance

            sheet, sheet_findings = read_attendance(Path(attendance_path), limits=settings.limits)
            findings.extend(sheet_findings)
            findings.extend(_unknown_staff(sheet, roster))
            sheet = [r for r in sheet if (r.year, r.month) in months]
            records = merge_attendance(records, sheet)

        try:
            workdays: float | None = quarter_workdays(quarter, settings.attendance.workdays)
        except CalendarUnknownError as exc:
            workdays = None
            findings.append(Finding(rule="Q5", severity=Severity.WARNING, message=(
                f"{exc.message}；本次未核出勤率。可在 kaoping.toml 的 [attendance.workdays] 中写明各月工作日天数")))

        # The forms and leave records are handed over, not kept here.
        n_evaluations, n_records = len(evaluations), len(records)
        handed = [evaluations, records]
        del evaluations, records
        hired = hire_workdays(due_people(roster, quarter.start, quarter.end), quarter,
                              settings.attendance.workdays)
        outcome = evaluate_quarter(roster, quarter, handed.pop(0), handed.pop(0),
                                   workdays=workdays, settings=settings, hire_workdays=hired,
                                   roster_index=index)
        findings.extend(outcome.findings)
        return QuarterRun(quarter=quarter, roster=roster, outcome=outcome, findings=findings,
                          files=files, evaluations=n_evaluations, summaries=n_summaries,
                          attendance_records=n_records, workdays=workdays, settings=settings)
    finally:
        if freezing:
            gc.unfreeze()


_FREEZE_EVERY = 1024  # workbooks read between two freezes of what is kept
_NO_FINDINGS: list[Finding] = []  # shared by digests without findings (never appended to)
_NO_MISSING: list[tuple[int, Finding]] = []


def _release_free_memory() -> None:
    """Hand memory freed by Python and the readers back to the system where the C library
    allows it (glibc's `malloc_trim`; a no-op elsewhere): reading a 5,000-row 花名册 leaves
    ~10 MB of freed heap that this long-lived process would otherwise keep."""
    import sys

    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes
        import gc

        gc.collect()
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


def _drained(items: list[Any]) -> Iterator[Any]:
    """The items of `items` in order, each removed from the list as it is given (the list is
    empty at the end): an item the consumer lets go of is freed at once."""
    items.reverse()
    while items:
        yield items.pop()


def _one_identity(ident: Identity, identities: dict[tuple, Identity],
                  values: dict[Any, Any]) -> Identity:
    """One `Identity` object for equal identities, its unit, section and post texts shared
    with other people's (`values`)."""
    key = ident.key()
    found = identities.get(key)
    if found is None:
        sid, name, *rest = key
        key = (sid, name, *(v if v is None else values.setdefault(v, v) for v in rest))
        found = identities[key] = Identity(*key)
    return found


def _one_number(x: Any, values: dict[Any, Any]) -> Any:
    """One object for equal leave figures (not for -0.0, which equals 0.0)."""
    if type(x) is float and (x or math.copysign(1.0, x) > 0):
        return values.setdefault(x, x)
    return x


def _started(items: Iterator[Any]) -> Iterator[Any]:
    """`items` with its first item taken now (a generator's work begins), unchanged."""
    for first in items:
        return itertools.chain((first,), items)
    return iter(())


class Identity:
    """The identity block of a form as the rules read it (`FormIdentity`'s five texts),
    without pydantic's per-object bookkeeping: what a digest carries."""

    __slots__ = ("staff_id", "name", "unit", "section", "post")

    def __init__(self, staff_id: str | None, name: str | None, unit: str | None,
                 section: str | None, post: str | None) -> None:
        self.staff_id, self.name, self.unit, self.section, self.post = (
            staff_id, name, unit, section, post)

    @classmethod
    def of(cls, ident: FormIdentity) -> Identity:
        return cls(ident.staff_id, ident.name, ident.unit, ident.section, ident.post)

    def key(self) -> tuple:
        return (self.staff_id, self.name, self.unit, self.section, self.post)

    def __reduce__(self):
        return (Identity, self.key())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Identity) and self.key() == other.key()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Identity{self.key()!r}"


@dataclass(slots=True)
class EvaluationDigest:
    """A 季度评价表 reduced to what the quarter rules read (`rules.quarter.evaluate_quarter`,
    `infer_quarter`): it quacks like `QuarterlyEvaluation` for those attributes, without the
    texts no rule reads and the pydantic bookkeeping — a few hundred bytes per person."""

    identity: Identity
    file: str
    sheet: str | None
    cells: dict[str, str]
    year: int
    quarter: int
    self_ticks: tuple[QuarterGrade, ...]
    leader_ticks: tuple[QuarterGrade, ...]
    commended: bool
    direct_poor: bool
    leader_opinion: str | None  # Q7 asks whether it is blank

    def __reduce__(self):  # positional: smaller and faster to unpickle than a state dict
        return (EvaluationDigest, tuple(getattr(self, f) for f in EvaluationDigest.__slots__))

    @property
    def source(self) -> SourceRef:
        return construct_trusted(SourceRef, _SOURCE_FIELDS,
                                 {"file": self.file, "sheet": self.sheet, "cells": self.cells})

    @classmethod
    def of(cls, ev: QuarterlyEvaluation) -> EvaluationDigest:
        src = ev.source
        return cls(Identity.of(ev.identity), src.file, src.sheet, src.cells, ev.year, ev.quarter,
                   tuple(ev.self_ticks), tuple(ev.leader_ticks), ev.commended, ev.direct_poor,
                   ev.leader_opinion)


_SOURCE_FIELDS = {"file", "sheet", "cells"}  # one set for every digest's SourceRef
_WORKDAYS: dict[tuple, float | None] = {}  # (overrides, year, month) → workdays, per process


def _month_workdays(year: int, month: int, settings: Settings) -> float | None:
    """`calendar.month_workdays` (None when the calendar does not know the month), cached."""
    overrides = settings.attendance.workdays
    key = (tuple(sorted(overrides.items())) if overrides else (), year, month)
    if key not in _WORKDAYS:
        from .calendar import CalendarUnknownError, month_workdays
        from .periods import Month

        try:
            _WORKDAYS[key] = month_workdays(Month(year, month), overrides)
        except (CalendarUnknownError, ValueError):
            _WORKDAYS[key] = None
    return _WORKDAYS[key]


def _digest(summary: MonthlySummary, settings: Settings) -> SummaryDigest:
    return digest_summary(summary, workdays=_month_workdays(summary.year, summary.month, settings),
                          settings=settings)


def slim_result(result: Any, *, settings: Settings) -> Any:
    """What `run_quarter` keeps of one read workbook, made where the file is read (a pool
    worker for large batches) so that only a little crosses to the main process:

    - a 月度小结 becomes a `rules.month.SummaryDigest` in `result.digests` (and leaves
      `forms`): the per-summary half of the month rules is run now (`digest_summary`: M1–M8
      on the summary with its month's workdays, W1–W9 on each weekly sheet under the
      summary's identity), and what remains are the findings, the leave figures and the
      keys the cross-form rules compare (`check_month_digests`, run by `check_quarter_months`);
    - a standalone 一周小记 keeps its `check_weekly` findings (`WeeklyLog.checked`) instead
      of its task rows, cell map and 单位及职务;
    - a 季度评价表 becomes an `EvaluationDigest` in `result.digests` (what Q1–Q8 read);
    - `result.path` becomes its text (a `Path` is slow to unpickle).

    Same findings as checking the full forms, far less memory and unpickling."""
    forms = []
    digests = []
    for form in result.forms:
        if isinstance(form, MonthlySummary):
            d = _digest(form, settings)
            d.identity = Identity.of(d.identity)  # type: ignore[assignment]
            digests.append(d)
            continue
        if isinstance(form, WeeklyLog):
            form = form.model_copy(update={
                "tasks": [], "checked": check_weekly(form, settings), "unit_and_post": None,
                "source": form.source.model_copy(update={"cells": {}})})
        elif isinstance(form, QuarterlyEvaluation):
            digests.append(EvaluationDigest.of(form))
            continue
        forms.append(form)
    result.forms = forms
    result.digests = digests
    # Unpickling a Path costs as much as the digests (run_quarter does not read it; the
    # findings and digests name the file as text).
    result.path = str(result.path)
    return result


def check_quarter_months(quarter: Quarter, summaries: Sequence[MonthlySummary | SummaryDigest],
                         logs: Sequence[WeeklyLog], settings: Settings) -> list[Finding]:
    """The month rules (M1–M12, W1–W10; `rules.month`) over the 月度小结表 and 一周小记表 of
    the quarter's months found in the folder: their leave days feed Q5, so a bad summary is
    a problem of the quarter too. Coverage (M13, who sent no summary) is left to
    `kaoping month check`. Summaries of other months are named with a 提示 and not used.

    `summaries` are full forms or their digests (`slim_result`); each month's findings are
    `check_month_batch`'s, from the digests' per-summary findings and the cross-form rules
    (`check_month_digests`). Earlier months (`history`, for 全年累计) are only compared."""
    months = {(m.year, m.month) for m in quarter.months}
    out: list[Finding] = []
    for s in summaries:
        if (s.year, s.month) not in months:
            out.append(Finding(
                rule="Q8", severity=Severity.INFO, person=s.identity.name, unit=s.identity.unit,
                staff_id=s.identity.staff_id, file=s.source.file, sheet=s.source.sheet,
                cell=s.source.cell("month"),
                message=(f"这是{s.year}年{s.month}月的月度小结，不在{quarter.year}年第"
                         f"{CN_QUARTER[quarter.quarter]}季度内，未用于本季度出勤计算"
                         + ("（仅用于核对全年累计）" if s.year == quarter.year
                            and s.month < quarter.months[0].month else "")),
            ))
    for month in quarter.months:
        batch = [s if isinstance(s, SummaryDigest) else _digest(s, settings)
                 for s in summaries if (s.year, s.month) == (month.year, month.month)]
        loose = [g for g in logs if (g.year, g.month) == (month.year, month.month)]
        if not batch and not loose:
            continue
        history = [s for s in summaries if s.year == month.year and s.month < month.month]
        # check_month_digests runs W1–W10 on the month's standalone logs too.
        out.extend(check_month_digests(month, batch, loose, None, settings=settings,
                                       history=history))
    return out


def _unknown_staff(records: Iterable[MonthAttendance], roster: Roster) -> list[Finding]:
    known = {p.staff_id for p in roster.people}
    out: list[Finding] = []
    reported: set[str] = set()
    for r in records:
        if r.staff_id not in known and r.staff_id not in reported:
            reported.add(r.staff_id)
            src = r.source
            out.append(Finding(rule="A1", severity=Severity.WARNING, staff_id=r.staff_id,
                               file=src.file if src else None, sheet=src.sheet if src else None,
                               cell=src.cell("staff_id") if src else None,
                               message=f"考勤表中的工号「{r.staff_id}」不在花名册中，其出勤未使用"))
    return out


# ---------------------------------------------------------------- the console summary


@dataclass
class SummaryRow:
    """One line of the `quarter check` summary: a quota group, a unit inside it, or the centre."""

    label: str
    level: int  # 0 quota group / centre, 1 unit inside a multi-unit group
    participants: int
    good: int  # all 好 (commended included)
    commended: int
    cap: int | None
    ratio: float | None  # 好 (without commended) ÷ the quota denominator
    counts: dict[Outcome, int]
    errors: int
    warnings: int
    over: bool = False


def _counts(results: Iterable[Any]) -> dict[Outcome, int]:
    c = Counter(r.outcome for r in results)
    return {o: c.get(o, 0) for o in Outcome}


def summary_rows(run: QuarterRun) -> list[SummaryRow]:
    """Per quota group (its cap and ratio), the units of multi-unit groups, then the centre."""
    results = run.outcome.results
    errs = Counter(f.unit for f in run.findings if f.severity == Severity.ERROR)
    warns = Counter(f.unit for f in run.findings if f.severity == Severity.WARNING)
    rows: list[SummaryRow] = []
    for q in run.outcome.quotas:
        mine = [r for r in results if r.unit in q.units]
        counts = _counts(mine)
        rows.append(SummaryRow(
            label=q.key if len(q.units) == 1 and q.key in q.units else f"{q.key}（考核组）",
            level=0, participants=q.participants, good=counts[Outcome.GOOD],
            commended=q.commended, cap=q.cap, ratio=q.ratio, counts=counts,
            errors=sum(errs[u] for u in q.units), warnings=sum(warns[u] for u in q.units),
            over=q.over))
        if len(q.units) > 1 or q.key not in q.units:
            for unit in q.units:
                u = [r for r in mine if r.unit == unit]
                c = _counts(u)
                rows.append(SummaryRow(
                    label=unit, level=1, participants=len(u) - c[Outcome.ABSENT],
                    good=c[Outcome.GOOD], commended=sum(1 for r in u if r.outcome == Outcome.GOOD
                                                        and QuarterFlag.COMMENDED in r.flags),
                    cap=None, ratio=None, counts=c, errors=errs[unit], warnings=warns[unit]))
    centre = getattr(run.outcome, "centre", None)
    counts = _counts(results)
    rows.append(SummaryRow(
        label="全中心", level=0,
        participants=centre.participants if centre else len(results) - counts[Outcome.ABSENT],
        good=counts[Outcome.GOOD], commended=centre.commended if centre else 0,
        cap=centre.cap if centre else None, ratio=centre.ratio if centre else None,
        counts=counts, errors=run.errors, warnings=run.warnings,
        over=bool(centre and centre.over)))
    return rows
