"""Month rules: 附件2 月度小结表 (§四(二) 一月一小结), with the month's 一周小记 attached.

Pure functions over `kaoping.models`; no file or console I/O. Rule ids (see `rules.catalog`;
the week rules W1–W10 are in `rules.week`):

- M1 警告  one of 日常工作/重要任务项目/存在的问题/下步打算 left blank (§四(二)1(1)–(4)).
- M2 错误  all four blocks blank: the summary was not filled in (§四(二)1).
- M3 提示  a block shorter than `settings.text.min_block_chars` characters: the measures ask
           for 重点突出，避免泛泛而谈 (said of the quarterly self-evaluation, §四(三)1(1); applied
           here by analogy).
- M4 警告  no 直管领导审定 signature (§四(二)2), or (with a roster) one that is the person's
           own or neither the roster's 直管领导 nor 分管领导. A warning, not an error: the signed
           paper original is kept by 综合科/人事处 and electronic copies are often collected
           before signing; the clerk must follow it up but the data can still be checked.
- M5 警告  a week of the month (`Month.weeks()`) has no 一周小记 sheet, or a sheet belongs to
           another month (§四(一) 月末附在《月度小结表》之后).
- M6 错误  an 出勤 number is negative or not a multiple of 0.5 day (§四(二)1(5)).
- M7 提示  an 出勤 number left blank (counted as 0 days).
- M8 错误  this month's 病事假 + 年休 exceed the month's workdays (§四(二)1(5)).
- M9 错误  全年累计 disagrees with the previous month's 全年累计 + this month (§四(二)1(5)).
- M10 提示 a month is missing from the person's year, so 全年累计 can only be bounded.
- M11 错误 a summary of another month in this month's batch (the CLI instead skips later
  months and other years found in the folder with one 提示, see `split_history`).
- M12 错误 two summaries of one person for the month.
- M13 警告 a roster person due for assessment sent no summary.
- M14 警告 a summary whose person is not in the roster (or has no name at all).

The rules come in two halves. What looks at one summary alone (M1–M4, M6, M7, M5 from its
attached sheets, W1–W9 on each sheet) is `summarize`, run where the file is read; it gives a
`SummaryRecord`. What compares forms or needs the calendar (M11, M12, M14, M8 against the
month's workdays, M5 with the person's standalone logs, W10, M9/M10 全年累计, M13) is
`check_month_records`, over those records.
`check_month_batch` is the two in a row, over full forms.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from ..errors import KaopingError
from ..models import (
    Finding,
    FormIdentity,
    MonthlySummary,
    Person,
    Roster,
    Severity,
    SourceRef,
    WeeklyLog,
)
from ..periods import Month
from .attendance import RosterIndex, normalize_name, resolve_person
from .catalog import finding
from .due import due_people
from .settings import Settings
from .week import (
    Owner,
    WeekDuplicates,
    WeekRecord,
    Where,
    blank,
    check_log,
    covered_weeks,
    person_key,
)

# The four 个人小结 blocks of 附件2 (§四(二)1(1)–(4)).
BLOCKS: tuple[tuple[str, str], ...] = (
    ("daily_work", "日常工作"),
    ("key_tasks", "重要任务项目"),
    ("problems", "存在的问题"),
    ("next_plans", "下步打算"),
)

# 出勤情况 (§四(二)1(5)): (month field, year-to-date field, label).
LEAVE_KINDS: tuple[tuple[str, str, str], ...] = (
    ("sick_personal_days", "sick_personal_days_ytd", "病事假"),
    ("annual_leave_days", "annual_leave_days_ytd", "年休"),
)
_LEAVE_LABELS = {
    "sick_personal_days": "本月病事假",
    "annual_leave_days": "本月年休",
    "sick_personal_days_ytd": "全年累计病事假",
    "annual_leave_days_ytd": "全年累计年休",
}

_EPS = 1e-9


def _fmt(days: float) -> str:
    """2.0 → '2', 1.5 → '1.5'."""
    return f"{days:g}"


def _chars(text: str | None) -> int:
    """Characters that carry content (whitespace does not count)."""
    return 0 if text is None else len("".join(text.split()))


def _where(s: _Summary) -> Where:
    ident, src = s.identity, s.source
    return {"unit": ident.unit, "person": ident.name, "staff_id": ident.staff_id,
            "file": src.file, "sheet": src.sheet}


# ---------------------------------------------------------------- one summary (M1–M8, M5)


def _m2_m1_m3_blocks(summary: MonthlySummary, settings: Settings) -> list[Finding]:
    """M2 §四(二)1: nothing written in the four blocks; else M1 §四(二)1(1)–(4) for each blank
    block and M3 for a short one (重点突出，避免泛泛而谈, §四(三)1(1) by analogy)."""
    where = _where(summary)
    texts = {field: getattr(summary, field) for field, _ in BLOCKS}
    if all(blank(t) for t in texts.values()):
        return [finding("M2", "个人小结（日常工作、重要任务项目、存在的问题、下步打算）均未填写",
                        cell=summary.source.cell("daily_work"), **where)]
    out: list[Finding] = []
    minimum = settings.text.min_block_chars
    for field, label in BLOCKS:
        text, cell = texts[field], summary.source.cell(field)
        if blank(text):
            out.append(finding("M1", f"个人小结“{label}”未填写", cell=cell, **where))
        elif _chars(text) < minimum:
            out.append(finding("M3", f"个人小结“{label}”只有 {_chars(text)} 个字"
                                     f"（少于 {minimum} 字），请写具体：重点突出，避免泛泛而谈",
                               cell=cell, **where))
    return out


def _m4_signed(summary: MonthlySummary) -> list[Finding]:
    """M4 §四(二)2 《月度小结表》的审定、核实: 直管领导审定 签字."""
    if not blank(summary.verifier_signature):
        return []
    return [finding("M4", "“直管领导审定”未签字：月度小结须由科室长/处室长或分管领导核实签字",
                    cell=summary.source.cell("verifier_signature"), **_where(summary))]


def _m4_signed_by_the_leader(d: SummaryRecord) -> list[Finding]:
    """M4 §四(二)2 由科室长、处室长或分管领导核实签字: the signer is the person's 直管领导 or
    分管领导 on the roster (a 科室长/处室长's 直管领导 is the 分管领导), not the person."""
    p, signed = d.person, normalize_name(d.verifier_signature)
    if p is None or not signed:
        return []
    leaders = [n for n in (p.direct_leader, p.supervising_leader) if normalize_name(n)]
    if any(normalize_name(n) in signed for n in leaders):
        return []
    where = {**_where(d), "cell": d.source.cell("verifier_signature")}
    if normalize_name(p.name) in signed:
        return [finding("M4", f"“直管领导审定”是本人（{p.name}）签字：月度小结须由直管领导核实签字"
                              + (f"（花名册：{'、'.join(leaders)}）" if leaders else ""), **where)]
    if not leaders:
        return []  # the roster names no leader to compare with
    return [finding("M4", f"“直管领导审定”签字「{d.verifier_signature}」不是花名册中的直管领导或"
                          f"分管领导（{'、'.join(leaders)}），请核实由谁审定，或更新花名册",
                    **where)]


def _m6_m7_leave_figures(summary: MonthlySummary) -> list[Finding]:
    """M7: a blank 出勤 figure counts as 0 days; M6 §四(二)1(5): days are whole or half days,
    never negative."""
    where = _where(summary)
    out: list[Finding] = []
    for field, label in _LEAVE_LABELS.items():
        value, cell = getattr(summary, field), summary.source.cell(field)
        if value is None:
            out.append(finding("M7", f"出勤情况“{label}”未填写，按 0 天计；没有请假请填 0",
                               cell=cell, **where))
        elif value < 0:
            out.append(finding("M6", f"出勤情况“{label}”为 {_fmt(value)} 天，不能为负数",
                               cell=cell, **where))
        elif abs(value * 2 - round(value * 2)) > _EPS:
            out.append(finding("M6", f"出勤情况“{label}”为 {_fmt(value)} 天，应为 0.5 天的整数倍",
                               cell=cell, **where))
    return out


def _m8_leave_within_workdays(summary: _Summary, workdays: float | None) -> list[Finding]:
    """M8 §四(二)1(5): this month's leave cannot exceed the month's workdays."""
    if workdays is None:
        return []
    month_total = sum(max(getattr(summary, f) or 0, 0) for f, _, _ in LEAVE_KINDS)
    if month_total <= workdays + _EPS:
        return []
    cells = "、".join(c for c in (summary.source.cell(f) for f, _, _ in LEAVE_KINDS) if c)
    return [finding("M8", f"本月病事假与年休合计 {_fmt(month_total)} 天，超过"
                          f"{summary.year}年{summary.month}月的工作日 {_fmt(workdays)} 天",
                    cell=cells or None, **_where(summary))]


def _m5_weeks_attached(summary: MonthlySummary, weeks: Sequence[tuple[dt.date, dt.date]]
                       ) -> tuple[list[Finding], tuple[tuple[int, Finding], ...]]:
    """M5 §四(一) 《一周小记表》月末附在《月度小结表》之后: (a finding per attached log of
    another month, (week, finding) per week of the month (`weeks`) no log stands for — the
    person's standalone logs may still stand for it, see `check_month_records`)."""
    where = _where(summary)
    covered: set[int] = set()
    wrong: list[Finding] = []
    for log in summary.weeks:
        if (log.year, log.month) != (summary.year, summary.month):
            wrong.append(finding("M5", f"所附一周小记是{log.year}年{log.month}月第{log.week}周的，"
                                       f"不属于{summary.year}年{summary.month}月",
                                 **{**where, "sheet": log.source.sheet}))
        else:
            covered.update(covered_weeks(log, weeks))
    missing = tuple((i, finding("M5", f"缺少{summary.month}月第{i}周（{start.month}月{start.day}日至"
                                      f"{end.month}月{end.day}日）的一周小记", **where))
                    for i, (start, end) in enumerate(weeks, start=1) if i not in covered)
    return wrong, missing


def check_monthly(summary: MonthlySummary, *, workdays: float | None,
                  settings: Settings | None = None) -> list[Finding]:
    """Rules M1–M8 on one 月度小结表 (the weeks attached to it give M5).

    `workdays` are the month's official workdays (`kaoping.calendar.month_workdays`), or None
    when the calendar does not know the month (M8 is then skipped)."""
    wrong, missing = _m5_weeks_attached(summary, Month(summary.year, summary.month).weeks())
    return [*_own_findings(summary, settings or Settings()),
            *_m8_leave_within_workdays(summary, workdays), *wrong, *(f for _, f in missing)]


def _own_findings(summary: MonthlySummary, settings: Settings) -> list[Finding]:
    """M1–M4, M6, M7: what the summary says, without the calendar."""
    return [*_m2_m1_m3_blocks(summary, settings), *_m4_signed(summary),
            *_m6_m7_leave_figures(summary)]


def _sheet_where(summary: MonthlySummary, log: WeeklyLog) -> Where:
    """Where an attached sheet's findings go: under the summary's person (the workbook's
    owner), the sheet's own identity filling what the summary leaves blank."""
    ident, own = summary.identity, log.identity

    def pick(mine: str | None, theirs: str | None) -> str | None:
        return theirs if mine in (None, "") else mine

    return {"unit": pick(ident.unit, own.unit), "person": pick(ident.name, own.name),
            "staff_id": pick(ident.staff_id, own.staff_id), "file": log.source.file,
            "sheet": log.source.sheet}


def _sheet_records(summary: MonthlySummary, key: str,
                   weeks: Sequence[tuple[dt.date, dt.date]]) -> tuple[WeekRecord, ...]:
    """W1–W9 on each attached sheet under the summary's person; the usual sheet (the
    summary's person, month and file, no findings) without the summary's identity."""
    ident, file = summary.identity, summary.source.file
    own = {"unit": ident.unit, "person": ident.name, "staff_id": ident.staff_id, "file": file}
    out: list[WeekRecord] = []
    for log in summary.weeks:
        where = _sheet_where(summary, log)
        findings = check_log(log, where)
        this_month = (log.year, log.month) == (summary.year, summary.month)
        same = all(where[k] == v for k, v in own.items())
        if this_month and same and not findings:
            out.append(WeekRecord.own_sheet(log, weeks))
        else:
            out.append(WeekRecord.of(log, where, weeks if this_month else None,
                                     key if same else None, findings))
    return tuple(out)


@dataclass(slots=True)
class SummaryRecord:
    """A 月度小结 as the cross-form rules see it: who, which month, its leave figures and
    全年累计 (M9/M10, and the quarter's attendance), its own findings, and its attached
    sheets as `WeekRecord`s. Without the 个人小结 texts and task rows.

    It has the `identity`, `source`, `year`, `month` and leave figures of a `MonthlySummary`,
    so `check_ytd` and `rules.attendance.collect_attendance` take either."""

    identity: FormIdentity
    file: str
    sheet: str | None
    cells: dict[str, str]  # field → cell, as in `SourceRef.cells`
    year: int
    month: int
    sick_personal_days: float | None
    annual_leave_days: float | None
    sick_personal_days_ytd: float | None
    annual_leave_days_ytd: float | None
    key: str  # `person_key` of the identity
    findings: tuple[Finding, ...]  # M1–M4, M6, M7 (M8 needs the calendar: the cross-form half)
    wrong_weeks: tuple[Finding, ...]  # M5 for each attached sheet of another month
    missing: tuple[tuple[int, Finding], ...]  # M5 per week no attached sheet stands for
    weeks: tuple[WeekRecord, ...]  # the attached sheets, checked under the summary's person
    person: Person | None = None  # the roster person, when resolved (`check_month_batch`)
    problem: str | None = None  # `resolve_person`'s sentence (M14)
    verifier_signature: str | None = None  # 直管领导审定 签字 (M4 against the roster's leaders)

    @property
    def source(self) -> SourceRef:
        # Made when asked for (for findings): the record keeps plain fields, no SourceRef.
        return SourceRef.model_construct(file=self.file, sheet=self.sheet, cells=self.cells)

    @property
    def owner(self) -> Owner:
        """Whose workbook its attached sheets are in (`WeekRecord.own_sheet`)."""
        ident = self.identity
        return Owner(self.key, ident.unit, ident.name, ident.staff_id, self.file)


_Summary = MonthlySummary | SummaryRecord  # the rules over months read the same fields of either


def summarize(summary: MonthlySummary, settings: Settings | None = None) -> SummaryRecord:
    """The per-summary half of the month rules: M1–M4, M6, M7, M5 from its attached sheets,
    W1–W9 on each attached sheet."""
    try:
        weeks = Month(summary.year, summary.month).weeks()
    except ValueError:  # not a month at all: such a summary is only ever M11
        weeks = None
    wrong, missing = _m5_weeks_attached(summary, weeks) if weeks is not None else ([], ())
    ident = summary.identity
    key = person_key(ident.staff_id, ident.name)
    return SummaryRecord(
        ident, summary.source.file, summary.source.sheet, summary.source.cells, summary.year,
        summary.month, summary.sick_personal_days,
        summary.annual_leave_days, summary.sick_personal_days_ytd, summary.annual_leave_days_ytd,
        key, tuple(_own_findings(summary, settings or Settings())), tuple(wrong), missing,
        _sheet_records(summary, key, weeks or []),
        verifier_signature=summary.verifier_signature)


# ---------------------------------------------------------------- 全年累计 (M9/M10, §四(二)1(5))


def _file(s: _Summary) -> str:
    return s.file if isinstance(s, SummaryRecord) else s.source.file


def _where_cell(summary: MonthlySummary | SummaryRecord, field: str) -> str:
    src = summary.source
    cell = src.cell(field)
    return f"{src.file}" + (f" {cell}" if cell else "")


def check_ytd(summaries: Sequence[MonthlySummary | SummaryRecord]) -> list[Finding]:
    """M9/M10: 全年累计 of each person and year must be the running sum of the months.

    For each leave kind and each present month m whose 全年累计 is written, the anchor is the
    latest earlier month whose 全年累计 is written (or "0 before January"). When every month
    between anchor and m is present, 全年累计(m) must equal 全年累计(anchor) + the months'
    values (so 全年累计(1) = 本月(1), and 全年累计(m) = 全年累计(m−1) + 本月(m)); when a month is
    missing, it can only be at least that sum (M10 notes a hole between collected months;
    months before the first collected one are not noted). A blank 本月 counts as 0.
    Duplicates (one person, one month twice) use the first one; `check_month_batch` reports them.
    """
    return _ytd(summaries, None)



def _ytd(summaries: Sequence[_Summary], files: set[str] | None) -> list[Finding]:
    """`check_ytd`, keeping only the findings of summaries whose file is in `files` (all when
    None): the others still anchor the running sums."""
    people: dict[tuple[str, int], dict[int, _Summary]] = defaultdict(dict)
    for s in summaries:
        ident = s.identity
        if ident.staff_id or not blank(ident.name):
            key = s.key if isinstance(s, SummaryRecord) else person_key(ident.staff_id, ident.name)
            people[(key, s.year)].setdefault(s.month, s)
    checked = None if files is None else {id(s) for s in summaries if _file(s) in files}
    out: list[Finding] = []
    for (_, year), by_month in people.items():
        year_of = _PersonYear(year, by_month)
        for kind in LEAVE_KINDS:
            out += year_of.check(kind, checked)
    return out


class _PersonYear:
    """One person's summaries of one year, by month, checked leave kind by leave kind."""

    def __init__(self, year: int, by_month: dict[int, _Summary]) -> None:
        self.year, self.by_month = year, by_month
        self.months = sorted(by_month)
        self.gaps_noted: set[int] = set()  # M10 once per month, whatever the leave kind

    def check(self, kind: tuple[str, str, str], checked: set[int] | None) -> list[Finding]:
        """Each month whose 全年累计 is written against its anchor, the latest earlier such
        month; months outside `checked` (ids; all when None) only anchor later ones."""
        ytd_field = kind[1]
        out: list[Finding] = []
        anchor: _Summary | None = None
        for m in self.months:
            s = self.by_month[m]
            if getattr(s, ytd_field) is None:
                continue
            if checked is None or id(s) in checked:
                out += self._running_sum(s, anchor, kind)
            anchor = s
        return out

    def _running_sum(self, s: _Summary, anchor: _Summary | None,
                     kind: tuple[str, str, str]) -> list[Finding]:
        month_field, ytd_field, _ = kind
        ytd = getattr(s, ytd_field)
        start = anchor.month + 1 if anchor else 1
        base = getattr(anchor, ytd_field) if anchor else 0.0
        between = range(start, s.month + 1)
        missing = [k for k in between if k not in self.by_month]
        added = sum(getattr(self.by_month[k], month_field) or 0 for k in between
                    if k in self.by_month)
        expected = base + added
        if not missing:
            if abs(ytd - expected) <= _EPS:
                return []
            return [self._m9(s, anchor, kind, base, added, ("与前月不符", "应为"), expected)]
        out: list[Finding] = []
        if ytd + _EPS < expected:
            out.append(self._m9(s, anchor, kind, base, added, ("偏小", "至少应为"), expected))
        out += self._m10_hole(s, missing, ytd_field)
        return out

    def _m9(self, s: _Summary, anchor: _Summary | None, kind: tuple[str, str, str],
            base: float, added: float, verdict: tuple[str, str], expected: float) -> Finding:
        """M9, saying how the expected 全年累计 came about."""
        month_field, ytd_field, label = kind
        m = s.month
        start = anchor.month + 1 if anchor else 1
        if anchor:
            basis = (f"{anchor.month}月小结（{_where_cell(anchor, ytd_field)}）"
                     f"全年累计{label} {_fmt(base)} 天")
        else:
            basis = "年初 0 天"
        basis += (f" + 本月 {_fmt(getattr(s, month_field) or 0)} 天" if start == m else
                  f" + {start}月至{m}月各月{label}合计 {_fmt(added)} 天")
        return finding("M9", f"{self.year}年{m}月全年累计{label} {_fmt(getattr(s, ytd_field))} 天"
                             f"（{_where_cell(s, ytd_field)}）{verdict[0]}：{basis}，"
                             f"{verdict[1]} {_fmt(expected)} 天",
                       cell=s.source.cell(ytd_field), **_where(s))

    def _m10_hole(self, s: _Summary, missing: list[int], ytd_field: str) -> list[Finding]:
        """M10: a month between collected months is missing, so month m is only bounded.
        Months before the first one collected are simply not in the batch."""
        m = s.month
        missing = [k for k in missing if k > self.months[0]]
        if not missing or m in self.gaps_noted:
            return []
        self.gaps_noted.add(m)
        names = "、".join(f"{k}月" for k in missing)
        return [finding("M10", f"缺少{self.year}年{names}的月度小结，{m}月的全年累计只能部分核对",
                        cell=s.source.cell(ytd_field), **_where(s))]


# ---------------------------------------------------------------- across a month's forms


def _m11_other_month(month: Month, d: SummaryRecord) -> list[Finding]:
    """M11: a form of another month in this month's batch."""
    if (d.year, d.month) == (month.year, month.month):
        return []
    return [finding("M11", f"这是{d.year}年{d.month}月的月度小结，不属于本次检查的"
                           f"{month.year}年{month.month}月", cell=d.cells.get("month"),
                    **_where(d))]


def _anonymous(d: SummaryRecord) -> bool:
    return not d.identity.staff_id and blank(d.identity.name)


def _m14_whose(d: SummaryRecord) -> list[Finding]:
    """M14 §二: no name at all, not in the roster or ambiguous (警告), or matched by name with
    another 单位 (提示)."""
    if _anonymous(d):
        return [finding("M14", "月度小结未填写姓名，无法对应到人", cell=d.cells.get("name"),
                        **_where(d))]
    if d.problem:
        return [finding("M14", d.problem + ("" if d.person else "，请核对姓名、工号或花名册"),
                        severity=Severity.INFO if d.person else None, cell=d.cells.get("name"),
                        **_where(d))]
    return []


def _m12_second_summary(month: Month, d: SummaryRecord, first: SummaryRecord) -> list[Finding]:
    """M12: one person, one month, one summary."""
    return [finding("M12", f"{month.month}月的月度小结重复：另见 {first.file}，请只保留一份",
                    **_where(d))]


def _m5_weeks_still_missing(d: SummaryRecord, loose: Sequence[WeekRecord]) -> list[Finding]:
    """M5 for the weeks neither an attached sheet nor one of the person's standalone logs
    of the month stands for."""
    covered = {i for w in loose for i in w.covers}
    return [f for i, f in d.missing if i not in covered]


def _m13_not_received(month: Month, index: RosterIndex | None, matched: set[str]
                      ) -> list[Finding]:
    """M13 §四(二): roster people due this month who sent nothing."""
    if index is None:
        return []
    return [finding("M13", f"未收到{month.year}年{month.month}月的月度小结", unit=p.unit,
                    person=p.name, staff_id=p.staff_id)
            for p in due_people(index.roster, month.start, month.end)
            if p.staff_id not in matched]


@dataclass
class _Kept:
    """The month's summaries that count: one per person (the first one), anonymous ones too."""

    summaries: list[SummaryRecord] = dataclasses.field(default_factory=list)
    by_person: dict[str, SummaryRecord] = dataclasses.field(default_factory=dict)
    matched: set[str] = dataclasses.field(default_factory=set)  # roster 工号 with a summary


def _keep_one_per_person(month: Month, records: Sequence[SummaryRecord],
                         loose: dict[str, list[WeekRecord]], workdays: float | None,
                         kept: _Kept) -> list[Finding]:
    """M11, M14 and M12 for each summary in input order; each kept summary's own findings,
    M8 and M5 follow its M14."""
    out: list[Finding] = []
    for d in records:
        other = _m11_other_month(month, d)
        if other:
            out += other
            continue
        out += _m14_whose(d)
        if not _anonymous(d):
            first = kept.by_person.setdefault(d.key, d)
            if first is not d:
                out += _m12_second_summary(month, d, first)
                continue
        if d.person is not None:
            kept.matched.add(d.person.staff_id)
        kept.summaries.append(d)
        out += d.findings
        out += _m4_signed_by_the_leader(d)
        out += _m8_leave_within_workdays(d, workdays)
        out += d.wrong_weeks
        out += _m5_weeks_still_missing(d, loose.get(d.key, ()))
    return out


def check_month_records(month: Month, records: Sequence[SummaryRecord],
                        logs: Sequence[WeekRecord] = (), roster: Roster | RosterIndex | None = None,
                        *, workdays: float | None, history: Sequence[_Summary] = ()
                        ) -> list[Finding]:
    """The cross-form half of the month rules over `summarize`d summaries (in input order;
    resolved against the roster beforehand when there is one): M11, M14, M12, each kept
    summary's own findings, M8 against the month's `workdays` (None: not known, skipped) and
    M5 with the person's standalone `logs` of the month; W1–W10
    over the kept summaries' sheets, then the standalone logs; M9/M10 against `history`
    (earlier months of the year, already resolved); M13."""
    index = _index(roster)
    this_month = [w for w in logs if (w.year, w.month) == (month.year, month.month)]
    loose: dict[str, list[WeekRecord]] = defaultdict(list)
    for w in this_month:
        loose[w.who].append(w)
    kept = _Kept()
    out = _keep_one_per_person(month, records, loose, workdays, kept)

    duplicates = WeekDuplicates()
    for d in kept.summaries:
        owner = d.owner
        for w in d.weeks:
            out += w.findings
            out += duplicates.check(w, owner)
    for w in this_month:
        out += w.findings
        out += duplicates.check(w)

    # 全年累计 of this month's summaries (earlier months were checked in their own month).
    earlier = [h for h in history if h.year == month.year and h.month < month.month]
    out += _ytd([*earlier, *kept.by_person.values()], {d.file for d in kept.by_person.values()})
    out += _m13_not_received(month, index, kept.matched)
    return out


def check_month_batch(month: Month, summaries: Sequence[MonthlySummary],
                      logs: Sequence[WeeklyLog] = (), roster: Roster | None = None, *,
                      workdays: float | None, settings: Settings | None = None,
                      history: Sequence[MonthlySummary] = ()) -> list[Finding]:
    """All month rules over the summaries collected for `month`.

    `summaries` are the month's forms (one of another month is M11); `logs` are standalone
    一周小记 forms (those of this month count toward M5 for their person and are checked with
    W1–W10, other months' are left to `week check`); `history` are the same year's earlier
    summaries, used only for the 全年累计 check (M9/M10) of this month's summaries. Weekly
    sheets inside a summary are checked with W1–W10 under the summary's person."""
    settings = settings or Settings()
    index = _index(roster)
    records: list[SummaryRecord] = []
    for raw in summaries:
        s, person, problem = _resolve(raw, index)
        records.append(dataclasses.replace(summarize(s, settings), person=person,
                                           problem=problem))
    earlier = [_resolve(h, index)[0] for h in history
               if h.year == month.year and h.month < month.month]
    this_month = [log for log in resolve_logs(logs, index)
                  if (log.year, log.month) == (month.year, month.month)]
    return check_month_records(month, records, [WeekRecord.of(log) for log in this_month],
                               index, workdays=workdays, history=earlier)


# ---------------------------------------------------------------- the roster


_F = TypeVar("_F", WeeklyLog, MonthlySummary)


def _index(roster: Roster | RosterIndex | None) -> RosterIndex | None:
    return roster if roster is None or isinstance(roster, RosterIndex) else RosterIndex(roster)


def _resolve(form: _F, index: RosterIndex | None) -> tuple[_F, Person | None, str | None]:
    """(form with 工号/单位 taken from its roster person, that person, problem sentence)."""
    if index is None:
        return form, None, None
    ident = form.identity
    person, problem = resolve_person(index, ident.staff_id, ident.name, ident.unit)
    if person is None:
        return form, None, problem
    identity = ident.model_copy(update={"staff_id": person.staff_id, "unit": person.unit,
                                        "name": ident.name or person.name})
    return form.model_copy(update={"identity": identity}), person, problem


def resolve_logs(logs: Iterable[WeeklyLog], roster: Roster | RosterIndex | None
                 ) -> list[WeeklyLog]:
    """Weekly logs with 工号/单位 from the roster (a standalone 附件1 only says 单位及职务)."""
    index = _index(roster)
    return [_resolve(log, index)[0] for log in logs]


# ---------------------------------------------------------------- per-unit tally for reports


@dataclass
class UnitTally:
    unit: str
    due: int = 0  # roster people due (0 without a roster)
    received: int = 0  # forms received (summaries, or weekly logs for `week check`)
    missing: int = 0  # due but no summary (M13)
    errors: int = 0
    warnings: int = 0
    infos: int = 0


class _Tallies(dict[str, UnitTally]):
    def of(self, unit: str | None) -> UnitTally:
        name = unit or "未知单位"
        return self.setdefault(name, UnitTally(name))

    def count(self, findings: Iterable[Finding]) -> list[UnitTally]:
        for f in findings:
            t = self.of(f.unit)
            if f.rule == "M13":
                t.missing += 1
            if f.severity == Severity.ERROR:
                t.errors += 1
            elif f.severity == Severity.WARNING:
                t.warnings += 1
            else:
                t.infos += 1
        return list(self.values())


def unit_tallies(month: Month, summaries: Sequence[MonthlySummary], findings: Sequence[Finding],
                 roster: Roster | None = None) -> list[UnitTally]:
    """Per unit: due, received, missing and findings by severity (roster order, then others)."""
    tallies = _Tallies()
    index = _index(roster)
    if index is not None:
        for unit in index.roster.units():
            tallies.of(unit)
        for p in due_people(index.roster, month.start, month.end):
            tallies.of(p.unit).due += 1
    for s in summaries:
        if (s.year, s.month) == (month.year, month.month):
            tallies.of(_resolve(s, index)[0].identity.unit).received += 1
    return tallies.count(findings)


def week_unit_tallies(logs: Sequence[WeeklyLog], findings: Sequence[Finding]) -> list[UnitTally]:
    """Per unit: weekly logs received and findings by severity."""
    tallies = _Tallies()
    for log in logs:
        tallies.of(log.identity.unit).received += 1
    return tallies.count(findings)


# ---------------------------------------------------------------- gathering forms


def weekly_logs_of(forms: Iterable[object]) -> list[WeeklyLog]:
    """Every 一周小记 among read forms: standalone 附件1 logs, and the weekly sheets of each
    月度小结 (under the summary's identity: it is the workbook's owner)."""
    out: list[WeeklyLog] = []
    for form in forms:
        if isinstance(form, WeeklyLog):
            out.append(form)
        elif isinstance(form, MonthlySummary):
            for log in form.weeks:
                merged = log.identity.model_copy(update={
                    k: v for k, v in form.identity.model_dump().items() if v not in (None, "")})
                out.append(log.model_copy(update={"identity": merged}))
    return out


def infer_month(summaries: Sequence[MonthlySummary | SummaryRecord]) -> Month:
    """The month of a batch when every summary agrees on it (else ask for --period)."""
    months = Counter(Month(s.year, s.month) for s in summaries)
    if len(months) == 1:
        return next(iter(months))
    if not months:
        raise KaopingError("没有找到月度小结，无法确定月份，请用 --period 指定（如 2026-08）")
    listed = "、".join(f"{m}（{n} 份）" for m, n in sorted(months.items()))
    raise KaopingError(f"表格的月份不一致：{listed}，请用 --period 指定要检查的月份")


_S = TypeVar("_S", MonthlySummary, SummaryRecord)


def split_history(month: Month, summaries: Sequence[_S]) -> tuple[list[_S], list[_S], list[_S]]:
    """(batch, history, other): this month's forms are the batch; the same year's earlier
    months are history for 全年累计 (M9/M10); later months or other years are `other`.

    A quarter folder holds the quarter's three months (DESIGN §2), so checking its first
    month with --period must not turn the later two months into errors: `other` is only
    counted (see `other_months_note`)."""
    batch: list[_S] = []
    history: list[_S] = []
    other: list[_S] = []
    for s in summaries:
        if (s.year, s.month) == (month.year, month.month):
            batch.append(s)
        elif s.year == month.year and s.month < month.month:
            history.append(s)
        else:
            other.append(s)
    return batch, history, other


def other_months_note(month: Month, other: Sequence[MonthlySummary | SummaryRecord]
                      ) -> list[Finding]:
    """One 提示 saying how many summaries of other months were left out of this check."""
    if not other:
        return []
    counts = Counter(Month(s.year, s.month) for s in other)
    listed = "、".join(f"{m.year}年{m.month}月 {n} 份" for m, n in sorted(counts.items()))
    return [finding("M11", f"文件夹中另有其他月份的月度小结（{listed}），不属于本次检查的"
                           f"{month.year}年{month.month}月，已跳过", severity=Severity.INFO)]
