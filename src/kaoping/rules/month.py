"""Week and month rules: 附件1 一周小记表 (§四(一)) and 附件2 月度小结表 (§四(二)).

Pure functions over `kaoping.models`; no file or console I/O. Rule ids:

附件1 一周小记表 (§四(一)):
- W1 错误  完成情况 is written but is none of 进行中/已完成/无法完成.
- W2 错误  a row with 事项 has no 完成情况.
- W3 错误  已完成 without its completion date ("已完成的注明完成时间").
- W4 错误  无法完成 without a reason ("无法完成的说明原因").
- W5 警告  进行中 although its 完成时限 fell before the end of the week.
- W6 警告  a row with 事项 but no 日期 (the measures ask for 接到任务的日期; the task itself is
           recorded, so it is a warning rather than an error).
- W7 警告  a date outside a sensible range: 日期 or completion date after the week's end,
           completion before the task was received.
- W8 提示  an empty week (no rows).
- W9 警告  a row with 日期/完成情况/备注 but no 事项.
- W10 警告 the same person's week logged twice.
(A 第N周 that does not exist in its month is reported by the reader, F5.)

附件2 月度小结表 (§四(二)):
- M1 警告  one of 日常工作/重要任务项目/存在的问题/下步打算 left blank (§四(二)1(1)–(4)).
- M2 错误  all four blocks blank: the summary was not filled in (§四(二)1).
- M3 提示  a block shorter than `settings.text.min_block_chars` characters: the measures ask
           for 重点突出，避免泛泛而谈 (said of the quarterly self-evaluation, §四(三)1(1); applied
           here by analogy).
- M4 警告  no 直管领导审定 signature (§四(二)2). A warning, not an error: the signed paper
           original is kept by 综合科/人事处 and electronic copies are often collected before
           signing; the clerk must follow it up but the data can still be checked.
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
"""

from __future__ import annotations

import datetime as dt
import functools
import re
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
    TaskStatus,
    WeeklyLog,
    WeeklyTask,
    construct_trusted,
)
from ..periods import Month
from .due import due_people as due_for_assessment
from .attendance import RosterIndex, normalize_name, resolve_person
from .settings import Settings

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

ALLOWED_STATUSES = "、".join(f"“{s.value}”" for s in TaskStatus)  # “进行中”、“已完成”、“无法完成”

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
# What is left of 完成情况 after the keyword is a reason only if it has real characters.
_PUNCT = re.compile(r"[\s，。、；;：:,.（）()【】\[\]“”\"'‘’!！?？—\-_/\\]+")


# ---------------------------------------------------------------- helpers


def _fmt(days: float) -> str:
    """2.0 → '2', 1.5 → '1.5'."""
    return f"{days:g}"


def _blank(text: str | None) -> bool:
    return text is None or not text.strip()


def _chars(text: str | None) -> int:
    """Characters that carry content (whitespace does not count)."""
    return 0 if text is None else len("".join(text.split()))


def _person_key(identity_staff_id: str | None, name: str | None) -> str:
    """Who a form belongs to: 工号 when known, else the name."""
    return f"id:{identity_staff_id}" if identity_staff_id else f"name:{normalize_name(name)}"


def _where_log(log: WeeklyLog) -> dict[str, str | None]:
    ident = log.identity
    return {"unit": ident.unit, "person": ident.name, "staff_id": ident.staff_id,
            "file": log.source.file, "sheet": log.source.sheet}


def _where_summary(summary: MonthlySummary) -> dict[str, str | None]:
    ident = summary.identity
    return {"unit": ident.unit, "person": ident.name, "staff_id": ident.staff_id,
            "file": summary.source.file, "sheet": summary.source.sheet}


def _where_digest(d: SummaryDigest) -> dict[str, str | None]:
    ident = d.identity
    return {"unit": ident.unit, "person": ident.name, "staff_id": ident.staff_id,
            "file": d.file, "sheet": d.sheet}


def _task_cell(log: WeeklyLog, task: WeeklyTask, field: str) -> str:
    """The cell of one field of a task row: the reader records each column's letter in
    `source.cells["col:<field>"]`; without it the row number is all we can say."""
    column = log.source.cells.get(f"col:{field}")
    return f"{column}{task.row}" if column else f"第{task.row}行"


def week_range(log: WeeklyLog) -> tuple[dt.date, dt.date] | None:
    """The dates of the logged week: as read from the form, else week N of its month."""
    if log.week_start and log.week_end:
        return log.week_start, log.week_end
    try:
        weeks = Month(log.year, log.month).weeks()
    except ValueError:
        return None
    if 1 <= log.week <= len(weeks):
        start, end = weeks[log.week - 1]
        return log.week_start or start, log.week_end or end
    return None


def _week_label(log: WeeklyLog) -> str:
    return f"{log.month}月第{log.week}周"


def _task_has_content(t: WeeklyTask) -> bool:
    return bool(
        not _blank(t.item) or t.received_on or t.deadline or not _blank(t.deadline_text)
        or t.status or not _blank(t.status_text) or t.completed_on or not _blank(t.note))


def _failure_reason(task: WeeklyTask) -> str:
    """The reason of 无法完成: 备注, or whatever 完成情况 says beyond the keyword."""
    if not _blank(task.note):
        return task.note.strip()  # type: ignore[union-attr]
    rest = (task.status_text or "").replace(TaskStatus.FAILED.value, "")
    return "" if not _PUNCT.sub("", rest) else rest.strip()


# ---------------------------------------------------------------- 附件1 一周小记 (§四(一))


def check_weekly(log: WeeklyLog, settings: Settings | None = None) -> list[Finding]:
    """Rules W1–W9 on one 一周小记表."""
    del settings  # no thresholds yet; kept so every check has the same shape
    return _check_weekly(log, _where_log(log))


def _check_weekly(log: WeeklyLog, where: dict[str, str | None]) -> list[Finding]:
    """W1–W9 with the findings placed at `where` (a weekly sheet of a 月度小结 is checked under
    the summary's identity, see `weekly_logs_of`)."""
    out: list[Finding] = []
    label = _week_label(log)
    rng = week_range(log)

    rows = [t for t in log.tasks if _task_has_content(t)]
    # W8 §四(一) 一周一小记: a week with nothing recorded.
    if not rows:
        out.append(Finding(rule="W8", severity=INFO, **where,
                           message=f"{label}的一周小记没有填写任何事项"))
        return out

    week_end = rng[1] if rng else None
    for t in rows:
        row_where = f"第{t.row}行"
        # W9: a row must say what the task was (§四(一) 任务事项内容).
        if _blank(t.item):
            out.append(Finding(rule="W9", severity=WARNING, cell=_task_cell(log, t, "item"),
                               **where, message=f"{label}{row_where}填写了其他内容但未填写“事项”"))
        # W6 §四(一) 接到任务的日期.
        elif t.received_on is None:
            out.append(Finding(rule="W6", severity=WARNING, cell=_task_cell(log, t, "received_on"),
                               **where, message=f"{label}{row_where}未填写接到任务的“日期”"))

        # W1/W2 §四(一) 完成情况包括“进行中”、“已完成”、“无法完成”.
        if t.status is None:
            if not _blank(t.status_text):
                out.append(Finding(
                    rule="W1", severity=ERROR, cell=_task_cell(log, t, "status"), **where,
                    message=f"{label}{row_where}完成情况“{t.status_text.strip()}”无效，"  # type: ignore[union-attr]
                            f"只能填写{ALLOWED_STATUSES}之一"))
            elif not _blank(t.item):
                out.append(Finding(
                    rule="W2", severity=ERROR, cell=_task_cell(log, t, "status"), **where,
                    message=f"{label}{row_where}未填写完成情况，应填写{ALLOWED_STATUSES}之一"))
        # W3 §四(一) 已完成的注明完成时间.
        elif t.status == TaskStatus.DONE and t.completed_on is None:
            out.append(Finding(rule="W3", severity=ERROR, cell=_task_cell(log, t, "status"), **where,
                               message=f"{label}{row_where}已完成的注明完成时间"
                                       "（在完成情况或备注中写明完成日期，如“已完成 7月3日”）"))
        # W4 §四(一) 无法完成的说明原因.
        elif t.status == TaskStatus.FAILED and not _failure_reason(t):
            out.append(Finding(rule="W4", severity=ERROR, cell=_task_cell(log, t, "note"), **where,
                               message=f"{label}{row_where}无法完成的说明原因（写在备注中）"))
        # W5: 进行中 past its 完成时限 (DESIGN §4 Month/week).
        elif (t.status == TaskStatus.IN_PROGRESS and t.deadline is not None
              and week_end is not None and t.deadline < week_end):
            out.append(Finding(rule="W5", severity=WARNING, cell=_task_cell(log, t, "deadline"),
                               **where,
                               message=f"{label}{row_where}完成时限 {t.deadline:%Y-%m-%d} 已过"
                                       f"（本周至 {week_end:%Y-%m-%d}），仍为“进行中”，"
                                       "请说明进展或更新完成情况"))

        # W7: dates that cannot be right for this week.
        if week_end is not None and t.received_on is not None and t.received_on > week_end:
            out.append(Finding(rule="W7", severity=WARNING,
                               cell=_task_cell(log, t, "received_on"), **where,
                               message=f"{label}{row_where}日期 {t.received_on:%Y-%m-%d} "
                                       f"晚于本周结束日 {week_end:%Y-%m-%d}"))
        if t.completed_on is not None:
            if week_end is not None and t.completed_on > week_end:
                out.append(Finding(rule="W7", severity=WARNING, cell=_task_cell(log, t, "status"),
                                   **where,
                                   message=f"{label}{row_where}完成时间 {t.completed_on:%Y-%m-%d} "
                                           f"晚于本周结束日 {week_end:%Y-%m-%d}"))
            if t.received_on is not None and t.completed_on < t.received_on:
                out.append(Finding(rule="W7", severity=WARNING, cell=_task_cell(log, t, "status"),
                                   **where,
                                   message=f"{label}{row_where}完成时间 {t.completed_on:%Y-%m-%d} "
                                           f"早于接到任务的日期 {t.received_on:%Y-%m-%d}"))
    return out


@dataclass(slots=True)
class WeekDigest:
    """What the batch rule W10 needs of one checked 一周小记: who (`who`, the person key, and
    the identity its findings name), where, which week, and its W1–W9 findings (`checked`)."""

    who: str
    unit: str | None
    person: str | None
    staff_id: str | None
    file: str
    sheet: str | None
    year: int
    month: int
    week: int
    checked: list[Finding]

    def __reduce__(self):  # positional: smaller and faster to unpickle than a state dict
        return (WeekDigest, (self.who, self.unit, self.person, self.staff_id, self.file,
                             self.sheet, self.year, self.month, self.week, self.checked))

    @classmethod
    def of(cls, log: WeeklyLog, settings: Settings | None = None) -> WeekDigest:
        """A log as it stands (its `checked` findings, else `check_weekly` now)."""
        ident = log.identity
        return cls(_person_key(ident.staff_id, ident.name), ident.unit, ident.name,
                   ident.staff_id, log.source.file, log.source.sheet, log.year, log.month,
                   log.week, log.checked if log.checked is not None else check_weekly(log, settings))


def _w10(out: list[Finding], seen: dict[tuple[str, int, int, int], tuple[str, str | None]],
         who: str, year: int, month: int, week: int, unit: str | None, person: str | None,
         staff_id: str | None, file: str, sheet: str | None) -> None:
    """W10: one person's week logged twice (the first one seen is named)."""
    key = (who, year, month, week)
    first = seen.get(key)
    if first is None:
        seen[key] = (file, sheet)
    elif who not in ("name:", "id:"):
        out.append(Finding(
            rule="W10", severity=WARNING, unit=unit, person=person, staff_id=staff_id,
            file=file, sheet=sheet,
            message=f"{month}月第{week}周的一周小记重复：另见 {first[0]}"
                    + (f" 工作表「{first[1]}」" if first[1] else "")))


def check_week_batch(logs: Sequence[WeeklyLog], settings: Settings | None = None) -> list[Finding]:
    """Every log through `check_weekly`, plus W10 (one person's week logged twice)."""
    digests: dict[int, WeekDigest] = {}  # a log given twice is one log (no W10 with itself)
    out: list[Finding] = []
    seen: dict[tuple[str, int, int, int], tuple[str, str | None]] = {}
    for log in logs:
        w = digests.get(id(log))
        if w is not None:
            out.extend(w.checked)
            continue
        w = digests[id(log)] = WeekDigest.of(log, settings)
        out.extend(w.checked)
        _w10(out, seen, w.who, w.year, w.month, w.week, w.unit, w.person, w.staff_id, w.file,
             w.sheet)
    return out


# ---------------------------------------------------------------- 附件2 月度小结 (§四(二))


def _check_blocks(summary: MonthlySummary, settings: Settings) -> list[Finding]:
    where = _where_summary(summary)
    texts = {field: getattr(summary, field) for field, _ in BLOCKS}
    # M2 §四(二)1: nothing written in any of the four blocks.
    if all(_blank(t) for t in texts.values()):
        return [Finding(rule="M2", severity=ERROR, cell=summary.source.cell("daily_work"), **where,
                        message="个人小结（日常工作、重要任务项目、存在的问题、下步打算）均未填写")]
    out: list[Finding] = []
    minimum = settings.text.min_block_chars
    for field, label in BLOCKS:
        text = texts[field]
        cell = summary.source.cell(field)
        if _blank(text):
            # M1 §四(二)1(1)–(4).
            out.append(Finding(rule="M1", severity=WARNING, cell=cell, **where,
                               message=f"个人小结“{label}”未填写"))
        elif _chars(text) < minimum:
            # M3: 重点突出，避免泛泛而谈 (§四(三)1(1), applied by analogy).
            out.append(Finding(rule="M3", severity=INFO, cell=cell, **where,
                               message=f"个人小结“{label}”只有 {_chars(text)} 个字"
                                       f"（少于 {minimum} 字），请写具体：重点突出，避免泛泛而谈"))
    return out


def _check_signature(summary: MonthlySummary) -> list[Finding]:
    # M4 §四(二)2 《月度小结表》的审定、核实: 直管领导审定 签字.
    if _blank(summary.verifier_signature):
        return [Finding(rule="M4", severity=WARNING, cell=summary.source.cell("verifier_signature"),
                        **_where_summary(summary),
                        message="“直管领导审定”未签字：月度小结须由科室长/处室长或分管领导核实签字")]
    return []


def _check_attendance(summary: MonthlySummary, workdays: float | None) -> list[Finding]:
    where = _where_summary(summary)
    out: list[Finding] = []
    for field, label in _LEAVE_LABELS.items():
        value = getattr(summary, field)
        cell = summary.source.cell(field)
        if value is None:
            # M7: blank counts as 0 days.
            out.append(Finding(rule="M7", severity=INFO, cell=cell, **where,
                               message=f"出勤情况“{label}”未填写，按 0 天计；没有请假请填 0"))
        elif value < 0:
            # M6 §四(二)1(5) 出勤情况: days cannot be negative.
            out.append(Finding(rule="M6", severity=ERROR, cell=cell, **where,
                               message=f"出勤情况“{label}”为 {_fmt(value)} 天，不能为负数"))
        elif abs(value * 2 - round(value * 2)) > _EPS:
            # M6: leave is taken in whole or half days.
            out.append(Finding(rule="M6", severity=ERROR, cell=cell, **where,
                               message=f"出勤情况“{label}”为 {_fmt(value)} 天，应为 0.5 天的整数倍"))
    # M8 §四(二)1(5): this month's leave cannot exceed the month's workdays.
    if workdays is not None:
        month_total = sum(max(getattr(summary, f) or 0, 0) for f, _, _ in LEAVE_KINDS)
        if month_total > workdays + _EPS:
            cells = "、".join(c for c in (summary.source.cell(f) for f, _, _ in LEAVE_KINDS) if c)
            out.append(Finding(rule="M8", severity=ERROR, cell=cells or None, **where,
                               message=f"本月病事假与年休合计 {_fmt(month_total)} 天，超过"
                                       f"{summary.year}年{summary.month}月的工作日 {_fmt(workdays)} 天"))
    return out


@functools.lru_cache(maxsize=256)
def _weeks_of(year: int, month: int) -> tuple[tuple[dt.date, dt.date], ...]:
    """`Month.weeks()`, computed once per month."""
    return tuple(Month(year, month).weeks())


def _covered(log: WeeklyLog, weeks: Sequence[tuple[dt.date, dt.date]]) -> Iterable[int]:
    """The weeks (1-based) of its month a log of that month stands for: its 第N周, or, for a
    week number the month does not have, the weeks its dates overlap."""
    if 1 <= log.week <= len(weeks):
        return (log.week,)
    rng = week_range(log)
    if rng is None:
        return ()
    return [i for i, (start, end) in enumerate(weeks, start=1)
            if rng[0] <= end and rng[1] >= start]


def _coverage(summary: MonthlySummary, logs: Iterable[WeeklyLog]
              ) -> tuple[list[Finding], list[tuple[int, Finding]]]:
    """M5 §四(一) 《一周小记表》月末附在《月度小结表》之后: (a finding per log of another
    month, (week, finding) per week of the month no log stands for)."""
    where = _where_summary(summary)
    month = Month(summary.year, summary.month)
    weeks = _weeks_of(summary.year, summary.month)
    covered: set[int] = set()
    out: list[Finding] = []
    for log in logs:
        if (log.year, log.month) != (month.year, month.month):
            out.append(Finding(rule="M5", severity=WARNING, **{**where, "sheet": log.source.sheet},
                               message=f"所附一周小记是{log.year}年{log.month}月第{log.week}周的，"
                                       f"不属于{month.year}年{month.month}月"))
            continue
        covered.update(_covered(log, weeks))
    missing = [(i, Finding(rule="M5", severity=WARNING, **where,
                           message=f"缺少{month.month}月第{i}周（{start.month}月{start.day}日至"
                                   f"{end.month}月{end.day}日）"
                                   "的一周小记"))
               for i, (start, end) in enumerate(weeks, start=1) if i not in covered]
    return out, missing


def _check_week_coverage(summary: MonthlySummary, logs: Iterable[WeeklyLog]) -> list[Finding]:
    """M5 §四(一) 《一周小记表》月末附在《月度小结表》之后: one log per week of the month."""
    wrong, missing = _coverage(summary, logs)
    return [*wrong, *(f for _, f in missing)]


def check_monthly(summary: MonthlySummary, *, workdays: float | None,
                  settings: Settings | None = None) -> list[Finding]:
    """Rules M1–M8 on one 月度小结表 (the weeks attached to it give M5).

    `workdays` are the month's official workdays (`kaoping.calendar.month_workdays`), or None
    when the calendar does not know the month (M8 is then skipped).
    """
    settings = settings or Settings()
    return [*_check_blocks(summary, settings), *_check_signature(summary),
            *_check_attendance(summary, workdays), *_check_week_coverage(summary, summary.weeks)]


# ---------------------------------------------------------------- 全年累计 (§四(二)1(5))


def _where_cell(summary: MonthlySummary, field: str) -> str:
    cell = summary.source.cell(field)
    return f"{summary.source.file}" + (f" {cell}" if cell else "")


def check_ytd(summaries: Sequence[MonthlySummary]) -> list[Finding]:
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


def _file_of(s: MonthlySummary | SummaryDigest) -> str:
    return s.file if isinstance(s, SummaryDigest) else s.source.file


def _ytd_basis(s: MonthlySummary | SummaryDigest, anchor: MonthlySummary | SummaryDigest | None,
               base: float, start: int, m: int, added: float, ytd_field: str, month_field: str,
               label: str) -> str:
    """How `_ytd` got the expected 全年累计 (for its messages)."""
    this_month = getattr(s, month_field) or 0
    if anchor:
        text = (f"{anchor.month}月小结（{_where_cell(anchor, ytd_field)}）"
                f"全年累计{label} {_fmt(base)} 天")
    else:
        text = "年初 0 天"
    return text + (f" + 本月 {_fmt(this_month)} 天" if start == m else
                   f" + {start}月至{m}月各月{label}合计 {_fmt(added)} 天")


def _ytd(summaries: Sequence[MonthlySummary | SummaryDigest], files: set[str] | None
         ) -> list[Finding]:
    """`check_ytd`, keeping only the findings of summaries whose file is in `files` (all when
    None): the others still anchor the running sums, but their messages are not built."""
    people: dict[tuple[str, int], dict[int, MonthlySummary | SummaryDigest]] = defaultdict(dict)
    for s in summaries:
        ident = s.identity
        if not ident.staff_id and _blank(ident.name):
            continue
        who = s.key if isinstance(s, SummaryDigest) else _person_key(ident.staff_id, ident.name)
        people[(who, s.year)].setdefault(s.month, s)
    # Summaries whose findings are kept (files=None: all of them), by identity.
    kept = None if files is None else {id(s) for s in summaries if _file_of(s) in files}

    out: list[Finding] = []
    for (_, year), by_month in people.items():
        months = sorted(by_month)
        gaps_noted: set[int] = set()
        for month_field, ytd_field, label in LEAVE_KINDS:
            anchor: MonthlySummary | SummaryDigest | None = None
            for m in months:
                s = by_month[m]
                ytd = getattr(s, ytd_field)
                if ytd is None:
                    continue
                if kept is not None and id(s) not in kept:
                    anchor = s  # an earlier month: only the anchor of the next ones
                    continue
                start = anchor.month + 1 if anchor else 1
                base = getattr(anchor, ytd_field) if anchor else 0.0
                if start == m:  # the usual case: the month right after its anchor
                    missing = []
                    added = 0 + (getattr(s, month_field) or 0)  # = sum() of the one month
                else:
                    between = range(start, m + 1)
                    missing = [k for k in between if k not in by_month]
                    added = sum(getattr(by_month[k], month_field) or 0 for k in between
                                if k in by_month)
                expected = base + added
                args = (s, anchor, base, start, m, added, ytd_field, month_field, label)

                if not missing:
                    if abs(ytd - expected) > _EPS:
                        out.append(Finding(
                            rule="M9", severity=ERROR, cell=s.source.cell(ytd_field),
                            **_where_summary(s),
                            message=f"{year}年{m}月全年累计{label} {_fmt(ytd)} 天"
                                    f"（{_where_cell(s, ytd_field)}）与前月不符：{_ytd_basis(*args)}，"
                                    f"应为 {_fmt(expected)} 天"))
                else:
                    if ytd + _EPS < expected:
                        out.append(Finding(
                            rule="M9", severity=ERROR, cell=s.source.cell(ytd_field),
                            **_where_summary(s),
                            message=f"{year}年{m}月全年累计{label} {_fmt(ytd)} 天"
                                    f"（{_where_cell(s, ytd_field)}）偏小：{_ytd_basis(*args)}，"
                                    f"至少应为 {_fmt(expected)} 天"))
                    # Months before the first one collected are simply not in the batch;
                    # only a hole between collected months is worth a note.
                    missing = [k for k in missing if k > months[0]]
                    if missing and m not in gaps_noted:
                        gaps_noted.add(m)
                        names = "、".join(f"{k}月" for k in missing)
                        out.append(Finding(
                            rule="M10", severity=INFO, cell=s.source.cell(ytd_field),
                            **_where_summary(s),
                            message=f"缺少{year}年{names}的月度小结，{m}月的全年累计只能部分核对"))
                anchor = s
    return out


# ---------------------------------------------------------------- a month's batch


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


@dataclass(slots=True)
class SummaryDigest:
    """A 月度小结 reduced to what the month's batch rules compare across forms, with the
    findings of everything that looks at it alone (`digest_summary`).

    It quacks like a `MonthlySummary` for `check_ytd`, `rules.attendance.collect_attendance`
    and the quarter pipeline (`identity`, `source`, `year`, `month`, the four leave figures),
    without the 个人小结 texts and weekly sheets: a few hundred bytes per form."""

    identity: FormIdentity
    file: str
    sheet: str | None
    cells: dict[str, str]
    year: int
    month: int
    sick_personal_days: float | None
    annual_leave_days: float | None
    sick_personal_days_ytd: float | None
    annual_leave_days_ytd: float | None
    key: str  # `_person_key` of the identity
    findings: list[Finding]  # M1–M4, M6–M8, and M5 for an attached sheet of another month
    missing: list[tuple[int, Finding]]  # M5 per week of the month no attached sheet stands for
    # The attached sheets, checked (W1–W9) under the merged identity: (week, sheet) for a
    # sheet of the summary's person, month and file without findings, else a WeekDigest.
    weeks: tuple[tuple[int, str | None] | WeekDigest, ...]
    person: Person | None = None  # the roster person, when the batch was resolved
    problem: str | None = None  # `resolve_person`'s sentence (M14)

    def __reduce__(self):  # positional: smaller and faster to unpickle than a state dict
        return (SummaryDigest, tuple(getattr(self, f) for f in SummaryDigest.__slots__))

    @property
    def source(self) -> SourceRef:
        return construct_trusted(SourceRef, _SOURCE_FIELDS,
                                 {"file": self.file, "sheet": self.sheet, "cells": self.cells})


_SOURCE_FIELDS = {"file", "sheet", "cells"}  # one set for every digest's SourceRef
_NO_FINDINGS: list[Finding] = []  # shared by digests without findings (never appended to)
_NO_MISSING: list[tuple[int, Finding]] = []


def digest_summary(summary: MonthlySummary, *, workdays: float | None,
                   settings: Settings | None = None) -> SummaryDigest:
    """The per-summary half of `check_month_batch`: M1–M4, M6–M8 and M5 (from the attached
    weekly sheets) on `summary`, and W1–W9 on each attached sheet under the merged identity
    (`weekly_logs_of`; a sheet's `checked` findings are used when present). `workdays` are
    those of the summary's own month (M8). `check_month_digests` does the rest."""
    settings = settings or Settings()
    findings = [*_check_blocks(summary, settings), *_check_signature(summary),
                *_check_attendance(summary, workdays)]
    try:
        wrong, missing = _coverage(summary, summary.weeks)
    except ValueError:  # not a month at all: such a summary is only ever M11
        wrong, missing = [], []
    findings.extend(wrong)
    ident = summary.identity
    src = summary.source
    weeks: list[tuple[int, str | None] | WeekDigest] = []
    if summary.weeks:
        mine = {k: v for k, v in ((("staff_id", ident.staff_id), ("name", ident.name),
                                   ("unit", ident.unit))) if v not in (None, "")}
        for log in summary.weeks:
            li = log.identity
            staff_id = mine.get("staff_id", li.staff_id)
            name = mine.get("name", li.name)
            unit = mine.get("unit", li.unit)
            checked = log.checked
            if checked is None:
                checked = _check_weekly(log, {"unit": unit, "person": name, "staff_id": staff_id,
                                              "file": log.source.file, "sheet": log.source.sheet})
            if (not checked and log.year == summary.year and log.month == summary.month
                    and staff_id == ident.staff_id and name == ident.name and unit == ident.unit
                    and log.source.file == src.file):
                # The usual sheet: the summary's person, month and file, no findings.
                weeks.append((log.week, log.source.sheet))
            else:
                weeks.append(WeekDigest(_person_key(staff_id, name), unit, name, staff_id,
                                        log.source.file, log.source.sheet, log.year, log.month,
                                        log.week, checked or _NO_FINDINGS))
    return SummaryDigest(
        ident, src.file, src.sheet, src.cells, summary.year, summary.month,
        summary.sick_personal_days, summary.annual_leave_days, summary.sick_personal_days_ytd,
        summary.annual_leave_days_ytd, _person_key(ident.staff_id, ident.name),
        findings or _NO_FINDINGS, missing or _NO_MISSING, tuple(weeks))


def check_month_digests(month: Month, digests: Sequence[SummaryDigest],
                        logs: Sequence[WeeklyLog] = (), roster: Roster | RosterIndex | None = None,
                        *, settings: Settings | None = None,
                        history: Sequence[MonthlySummary | SummaryDigest] = ()) -> list[Finding]:
    """The cross-form half of `check_month_batch`, over digests of the month's summaries (in
    input order; resolved against the roster beforehand when there is one, see
    `SummaryDigest.person`): M11, M14, M12, each kept summary's own findings and M5 with the
    person's standalone `logs`, W1–W10 over all weekly logs, M9/M10 against `history`
    (earlier months of the year, already resolved) and M13. Same findings, same order as
    `check_month_batch` on the full forms."""
    settings = settings or Settings()
    out: list[Finding] = []

    index = _index(roster)
    this_month = [log for log in resolve_logs(logs, index)
                  if (log.year, log.month) == (month.year, month.month)]
    loose: dict[str, list[WeeklyLog]] = defaultdict(list)
    for log in this_month:
        loose[_person_key(log.identity.staff_id, log.identity.name)].append(log)
    kept: list[SummaryDigest] = []
    weeks = month.weeks() if loose else []

    by_person: dict[str, SummaryDigest] = {}
    matched: set[str] = set()
    for d in digests:
        ident = d.identity
        if (d.year, d.month) != (month.year, month.month):
            # M11: a form of another month in this month's batch.
            out.append(Finding(rule="M11", severity=ERROR, cell=d.cells.get("month"),
                               **_where_digest(d),
                               message=f"这是{d.year}年{d.month}月的月度小结，不属于本次检查的"
                                       f"{month.year}年{month.month}月"))
            continue
        anonymous = not ident.staff_id and _blank(ident.name)
        if anonymous:
            out.append(Finding(rule="M14", severity=WARNING, cell=d.cells.get("name"),
                               **_where_digest(d), message="月度小结未填写姓名，无法对应到人"))
        elif d.problem:
            # M14: not in the roster or ambiguous (警告), or matched by name with another 单位 (提示).
            out.append(Finding(rule="M14", severity=INFO if d.person else WARNING,
                               cell=d.cells.get("name"), **_where_digest(d),
                               message=d.problem + ("" if d.person else "，请核对姓名、工号或花名册")))
        if not anonymous:
            first = by_person.get(d.key)
            if first is not None:
                # M12: one person, one month, one summary.
                out.append(Finding(rule="M12", severity=ERROR, **_where_digest(d),
                                   message=f"{month.month}月的月度小结重复：另见 "
                                           f"{first.file}，请只保留一份"))
                continue
            by_person[d.key] = d
        if d.person is not None:
            matched.add(d.person.staff_id)
        kept.append(d)
        out.extend(d.findings)
        extra = loose.get(d.key)
        if extra:
            covered = {i for log in extra for i in _covered(log, weeks)}
            out.extend(f for i, f in d.missing if i not in covered)
        else:
            out.extend(f for _, f in d.missing)
    # W1–W10 over the kept summaries' weekly sheets, then the standalone logs.
    seen: dict[tuple[str, int, int, int], tuple[str, str | None]] = {}
    # A (week, sheet) entry is a sheet of its summary's person and month: it can only repeat
    # a week of another sheet of the same person. Persons named by a WeekDigest or a
    # standalone log, or by two kept summaries (anonymous ones), go through `seen`; for
    # everybody else only a week number given twice inside the summary is a W10.
    shared = {_person_key(log.identity.staff_id, log.identity.name) for log in this_month}
    owners: set[str] = set()
    for d in kept:
        if d.key in owners:
            shared.add(d.key)
        owners.add(d.key)
        for w in d.weeks:
            if type(w) is not tuple:
                shared.add(w.who)
    repeats: dict[int, bool] = {}  # id(weeks) → a week number given twice (lists are shared)
    for d in kept:
        weeks = d.weeks
        if d.key in shared:
            own = seen
        else:
            again = repeats.get(id(weeks))
            if again is None:
                numbers = [w[0] for w in weeks if type(w) is tuple]
                again = repeats[id(weeks)] = len(set(numbers)) < len(numbers)
            own = {} if again else None
        for w in weeks:
            if type(w) is tuple:
                if own is not None:
                    ident = d.identity
                    _w10(out, own, d.key, d.year, d.month, w[0], ident.unit, ident.name,
                         ident.staff_id, d.file, w[1])
            else:
                out.extend(w.checked)
                _w10(out, seen, w.who, w.year, w.month, w.week, w.unit, w.person, w.staff_id,
                     w.file, w.sheet)
    for w in (WeekDigest.of(log, settings) for log in this_month):
        out.extend(w.checked)
        _w10(out, seen, w.who, w.year, w.month, w.week, w.unit, w.person, w.staff_id, w.file,
             w.sheet)

    # 全年累计 of this month's summaries (earlier months were checked in their own month).
    earlier = [h for h in history if h.year == month.year and h.month < month.month]
    current = {d.file for d in by_person.values()}
    out.extend(_ytd([*earlier, *by_person.values()], current))

    # M13: roster people due this month who sent nothing.
    if index is not None:
        for p in due_for_assessment(index.roster, month.start, month.end):
            if p.staff_id not in matched:
                out.append(Finding(rule="M13", severity=WARNING, unit=p.unit, person=p.name,
                                   staff_id=p.staff_id,
                                   message=f"未收到{month.year}年{month.month}月的月度小结"))
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
    sheets inside a summary are checked with W1–W10 under the summary's person.

    Built from its two halves: `digest_summary` on each (roster-resolved) summary, then
    `check_month_digests` across them (the quarter pipeline runs the first half where each
    file is read).
    """
    settings = settings or Settings()
    index = _index(roster)
    digests: list[SummaryDigest] = []
    for raw in summaries:
        s, person, problem = _resolve(raw, index)
        d = digest_summary(s, workdays=workdays, settings=settings)
        d.person, d.problem = person, problem
        digests.append(d)
    earlier = [_resolve(h, index)[0] for h in history
               if h.year == month.year and h.month < month.month]
    return check_month_digests(month, digests, logs, index, settings=settings, history=earlier)


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
            if f.severity == ERROR:
                t.errors += 1
            elif f.severity == WARNING:
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
        for p in due_for_assessment(index.roster, month.start, month.end):
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


def infer_month(summaries: Sequence[MonthlySummary]) -> Month:
    """The month of a batch when every summary agrees on it (else ask for --period)."""
    months = Counter(Month(s.year, s.month) for s in summaries)
    if len(months) == 1:
        return next(iter(months))
    if not months:
        raise KaopingError("没有找到月度小结，无法确定月份，请用 --period 指定（如 2026-08）")
    listed = "、".join(f"{m}（{n} 份）" for m, n in sorted(months.items()))
    raise KaopingError(f"表格的月份不一致：{listed}，请用 --period 指定要检查的月份")


def split_history(month: Month, summaries: Sequence[MonthlySummary]
                  ) -> tuple[list[MonthlySummary], list[MonthlySummary], list[MonthlySummary]]:
    """(batch, history, other): this month's forms are the batch; the same year's earlier
    months are history for 全年累计 (M9/M10); later months or other years are `other`.

    A quarter folder holds the quarter's three months (DESIGN §2), so checking its first
    month with --period must not turn the later two months into errors: `other` is only
    counted (see `other_months_note`)."""
    batch: list[MonthlySummary] = []
    history: list[MonthlySummary] = []
    other: list[MonthlySummary] = []
    for s in summaries:
        if (s.year, s.month) == (month.year, month.month):
            batch.append(s)
        elif s.year == month.year and s.month < month.month:
            history.append(s)
        else:
            other.append(s)
    return batch, history, other


def other_months_note(month: Month, other: Sequence[MonthlySummary]) -> list[Finding]:
    """One 提示 saying how many summaries of other months were left out of this check."""
    if not other:
        return []
    counts = Counter(Month(s.year, s.month) for s in other)
    listed = "、".join(f"{m.year}年{m.month}月 {n} 份" for m, n in sorted(counts.items()))
    return [Finding(rule="M11", severity=INFO,
                    message=f"文件夹中另有其他月份的月度小结（{listed}），不属于本次检查的"
                            f"{month.year}年{month.month}月，已跳过")]
