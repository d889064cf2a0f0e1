"""Week rules: 附件1 一周小记表 (§四(一) 一周一小记).

Pure functions over `kaoping.models`; no file or console I/O. Rule ids (see `rules.catalog`):

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

W1–W9 look at one log (`check_weekly`); W10 compares logs (`WeekDuplicates`). A log checked
where it was read travels on as a `WeekRecord`: its findings and what W10 and the month's M5
need.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import NamedTuple

from ..models import Finding, TaskStatus, WeeklyLog, WeeklyTask
from ..names import normalize_name
from ..periods import Month
from .catalog import finding
from .settings import Settings

ALLOWED_STATUSES = "、".join(f"“{s.value}”" for s in TaskStatus)  # “进行中”、“已完成”、“无法完成”

# What is left of 完成情况 after the keyword is a reason only if it has real characters.
_PUNCT = re.compile(r"[\s，。、；;：:,.（）()【】\[\]“”\"'‘’!！?？—\-_/\\]+")

Where = dict[str, str | None]  # unit, person, staff_id, file, sheet of a finding


def blank(text: str | None) -> bool:
    return text is None or not text.strip()


def person_key(staff_id: str | None, name: str | None) -> str:
    """Who a form belongs to: 工号 when known, else the name."""
    return f"id:{staff_id}" if staff_id else f"name:{normalize_name(name)}"


def where_of(log: WeeklyLog) -> Where:
    ident = log.identity
    return {"unit": ident.unit, "person": ident.name, "staff_id": ident.staff_id,
            "file": log.source.file, "sheet": log.source.sheet}


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


def covered_weeks(log: WeeklyLog, weeks: Sequence[tuple[dt.date, dt.date]]) -> tuple[int, ...]:
    """The weeks (1-based) of its month a log of that month stands for: its 第N周, or, for a
    week number the month does not have, the weeks its dates overlap."""
    if 1 <= log.week <= len(weeks):
        return (log.week,)
    rng = week_range(log)
    if rng is None:
        return ()
    return tuple(i for i, (start, end) in enumerate(weeks, start=1)
                 if rng[0] <= end and rng[1] >= start)


# ---------------------------------------------------------------- W1–W9: one log


class _Row:
    """One task row being checked: its label for messages and the cells of its columns."""

    def __init__(self, log: WeeklyLog, task: WeeklyTask, where: Where) -> None:
        self.log, self.task, self.where = log, task, where
        self.label = f"{log.month}月第{log.week}周第{task.row}行"

    def cell(self, field: str) -> str:
        """The reader records each column's letter in `source.cells["col:<field>"]`; without
        it the row number is all we can say."""
        column = self.log.source.cells.get(f"col:{field}")
        return f"{column}{self.task.row}" if column else f"第{self.task.row}行"

    def finding(self, rule: str, field: str, message: str) -> Finding:
        return finding(rule, self.label + message, cell=self.cell(field), **self.where)


def _has_content(t: WeeklyTask) -> bool:
    return bool(
        not blank(t.item) or t.received_on or t.deadline or not blank(t.deadline_text)
        or t.status or not blank(t.status_text) or t.completed_on or not blank(t.note))


def _failure_reason(task: WeeklyTask) -> str:
    """The reason of 无法完成: 备注, or whatever 完成情况 says beyond the keyword."""
    if not blank(task.note):
        return task.note.strip()  # type: ignore[union-attr]
    rest = (task.status_text or "").replace(TaskStatus.FAILED.value, "")
    return "" if not _PUNCT.sub("", rest) else rest.strip()


def _w9_w6_what_and_when(row: _Row) -> list[Finding]:
    """W9: a row must say what the task was; W6: and when it was received (§四(一) 任务事项内容、
    接到任务的日期)."""
    t = row.task
    if blank(t.item):
        return [row.finding("W9", "item", "填写了其他内容但未填写“事项”")]
    if t.received_on is None:
        return [row.finding("W6", "received_on", "未填写接到任务的“日期”")]
    return []


def _w1_w2_status_given(row: _Row) -> list[Finding]:
    """W1/W2 §四(一) 完成情况包括“进行中”、“已完成”、“无法完成”: one of them, written."""
    t = row.task
    if not blank(t.status_text):
        return [row.finding("W1", "status", f"完成情况“{t.status_text.strip()}”无效，"  # type: ignore[union-attr]
                                             f"只能填写{ALLOWED_STATUSES}之一")]
    if not blank(t.item):
        return [row.finding("W2", "status", f"未填写完成情况，应填写{ALLOWED_STATUSES}之一")]
    return []


def _w3_done_has_date(row: _Row) -> list[Finding]:
    """W3 §四(一) 已完成的注明完成时间."""
    if row.task.completed_on is None:
        return [row.finding("W3", "status", "已完成的注明完成时间"
                                            "（在完成情况或备注中写明完成日期，如“已完成 7月3日”）")]
    return []


def _w4_failed_has_reason(row: _Row) -> list[Finding]:
    """W4 §四(一) 无法完成的说明原因."""
    if not _failure_reason(row.task):
        return [row.finding("W4", "note", "无法完成的说明原因（写在备注中）")]
    return []


def _w5_in_progress_past_deadline(row: _Row, week_end: dt.date | None) -> list[Finding]:
    """W5: 进行中 although its 完成时限 fell before the end of the week."""
    t = row.task
    if t.deadline is not None and week_end is not None and t.deadline < week_end:
        return [row.finding("W5", "deadline", f"完成时限 {t.deadline:%Y-%m-%d} 已过"
                                              f"（本周至 {week_end:%Y-%m-%d}），仍为“进行中”，"
                                              "请说明进展或更新完成情况")]
    return []


def _status_rules(row: _Row, week_end: dt.date | None) -> list[Finding]:
    """The one rule its 完成情况 calls for (W1/W2, W3, W4 or W5)."""
    status = row.task.status
    if status is None:
        return _w1_w2_status_given(row)
    if status == TaskStatus.DONE:
        return _w3_done_has_date(row)
    if status == TaskStatus.FAILED:
        return _w4_failed_has_reason(row)
    if status == TaskStatus.IN_PROGRESS:
        return _w5_in_progress_past_deadline(row, week_end)
    return []


def _w7_dates_fit_the_week(row: _Row, week_end: dt.date | None) -> list[Finding]:
    """W7: received or completed after the week's end, completed before received."""
    t = row.task
    out: list[Finding] = []
    if week_end is not None and t.received_on is not None and t.received_on > week_end:
        out.append(row.finding("W7", "received_on", f"日期 {t.received_on:%Y-%m-%d} "
                                                    f"晚于本周结束日 {week_end:%Y-%m-%d}"))
    if t.completed_on is None:
        return out
    if week_end is not None and t.completed_on > week_end:
        out.append(row.finding("W7", "status", f"完成时间 {t.completed_on:%Y-%m-%d} "
                                               f"晚于本周结束日 {week_end:%Y-%m-%d}"))
    if t.received_on is not None and t.completed_on < t.received_on:
        out.append(row.finding("W7", "status", f"完成时间 {t.completed_on:%Y-%m-%d} "
                                               f"早于接到任务的日期 {t.received_on:%Y-%m-%d}"))
    return out


def check_log(log: WeeklyLog, where: Where) -> list[Finding]:
    """W1–W9 on one log, its findings placed at `where` (a weekly sheet of a 月度小结 is
    checked under the summary's identity)."""
    rows = [_Row(log, t, where) for t in log.tasks if _has_content(t)]
    if not rows:
        # W8 §四(一) 一周一小记: a week with nothing recorded.
        return [finding("W8", f"{log.month}月第{log.week}周的一周小记没有填写任何事项", **where)]
    rng = week_range(log)
    week_end = rng[1] if rng else None
    out: list[Finding] = []
    for row in rows:
        out += _w9_w6_what_and_when(row)
        out += _status_rules(row, week_end)
        out += _w7_dates_fit_the_week(row, week_end)
    return out


def check_weekly(log: WeeklyLog, settings: Settings | None = None) -> list[Finding]:
    """Rules W1–W9 on one 一周小记表 (its own identity)."""
    del settings  # no thresholds yet; kept so every check has the same shape
    return check_log(log, where_of(log))


# ---------------------------------------------------------------- W10: across logs


class WeekRecord(NamedTuple):
    """One checked 一周小记 as the cross-form rules see it: whose week (`who`, a
    `person_key`), which week, the weeks of its month it stands for (M5), where its findings
    are placed, and its W1–W9 findings.

    A sheet attached to a 月度小结 that belongs to the summary's own person, month and file
    and has no findings (the usual sheet) leaves `who`, `unit`, `person`, `staff_id` and
    `file` as None: they are its `Owner`'s. Such records are equal for everybody's summaries
    of a month."""

    who: str | None
    year: int
    month: int
    week: int
    covers: tuple[int, ...]
    unit: str | None
    person: str | None
    staff_id: str | None
    file: str | None
    sheet: str | None
    findings: tuple[Finding, ...]

    @classmethod
    def of(cls, log: WeeklyLog, where: Where | None = None,
           weeks: Sequence[tuple[dt.date, dt.date]] | None = None, who: str | None = None,
           findings: Sequence[Finding] | None = None) -> WeekRecord:
        """`log` checked (W1–W9) with its findings at `where` (its own identity if None);
        `weeks` are those of its month, `who` the `person_key` of `where` and `findings`
        its W1–W9 findings, when already known."""
        where = where or where_of(log)
        if findings is None:
            findings = check_log(log, where)
        return cls(who or person_key(where["staff_id"], where["person"]), log.year, log.month,
                   log.week, covered_weeks(log, _weeks_of(log, weeks)), where["unit"],
                   where["person"], where["staff_id"], log.source.file, log.source.sheet,
                   tuple(findings))

    @classmethod
    def own_sheet(cls, log: WeeklyLog, weeks: Sequence[tuple[dt.date, dt.date]]) -> WeekRecord:
        """A usual attached sheet without findings (its owner's identity left out)."""
        return cls(None, log.year, log.month, log.week, covered_weeks(log, weeks), None, None,
                   None, None, log.source.sheet, ())


def _weeks_of(log: WeeklyLog, weeks: Sequence[tuple[dt.date, dt.date]] | None
              ) -> Sequence[tuple[dt.date, dt.date]]:
    if weeks is not None:
        return weeks
    try:
        return Month(log.year, log.month).weeks()
    except ValueError:  # not a month: it stands for no week (the reader said so, F5)
        return []


class Owner(NamedTuple):
    """Whose workbook an attached sheet is in: the 月度小结's person and file."""

    who: str
    unit: str | None
    person: str | None
    staff_id: str | None
    file: str


class WeekDuplicates:
    """W10 over logs in the order given: one person's week logged twice names the first."""

    def __init__(self) -> None:
        self._first: dict[tuple[str, int, int, int], tuple[str, str | None]] = {}

    def check(self, w: WeekRecord, owner: Owner | None = None) -> list[Finding]:
        """W10 for `w`; `owner` fills in a usual attached sheet's identity."""
        place = owner if w.who is None and owner is not None else w
        key = (place.who, w.year, w.month, w.week)
        first = self._first.get(key)
        if first is None:
            self._first[key] = (place.file, w.sheet)
            return []
        if place.who in ("name:", "id:"):  # nobody to tell apart
            return []
        return [finding("W10", f"{w.month}月第{w.week}周的一周小记重复：另见 {first[0]}"
                               + (f" 工作表「{first[1]}」" if first[1] else ""),
                        unit=place.unit, person=place.person, staff_id=place.staff_id,
                        file=place.file, sheet=w.sheet)]


def check_week_batch(logs: Sequence[WeeklyLog], settings: Settings | None = None) -> list[Finding]:
    """Every log through W1–W9, plus W10 (one person's week logged twice). A log given twice
    is one log: its findings come twice, but it is no duplicate of itself."""
    del settings
    records: dict[int, WeekRecord] = {}
    duplicates = WeekDuplicates()
    out: list[Finding] = []
    for log in logs:
        w = records.get(id(log))
        if w is not None:
            out += w.findings
            continue
        w = records[id(log)] = WeekRecord.of(log)
        out += w.findings
        out += duplicates.check(w)
    return out
