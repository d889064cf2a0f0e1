"""Follow-ups tracked (§五(二) 及时谈话提醒、及时批评教育): the returned quarterly lists against
their deadline.

A follow-up is due `settings.followup.days` after the quarter's filing deadline, the 20th of
the month after the quarter (附件4/附件5 注; kaoping's reading of "及时", docs/解读.md). It is
done when the unit wrote both 落实情况 and a 落实日期. Rules:

- X1 警告: not done and past its deadline (逾期未落实); 提示 while still within it;
- X2 警告: done after its deadline (逾期落实);
- X3 错误: what cannot be judged — a 落实日期 that is no date or before the quarter ended,
  落实情况 without a date or a date without 落实情况, someone not on the roster.

The centre's list repeats the units' people: each (quarter, 工号, action) is one follow-up,
the entry that says most (done, else dated, else the unit's own) is kept. Pure: no I/O; `today`
is given by the caller.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..models import Finding, Person, Severity
from ..periods import Quarter
from .catalog import finding
from .settings import Settings



def filing_deadline(q: Quarter) -> dt.date:
    """The 20th of the month after the quarter (附件4/附件5 注: 季度结束后次月20日前备案)."""
    end = q.end
    return dt.date(end.year + (end.month == 12), end.month % 12 + 1, 20)


def due_date(q: Quarter, settings: Settings) -> dt.date:
    return filing_deadline(q) + dt.timedelta(days=settings.followup.days)


@dataclass
class FollowUpItem:
    """One follow-up of one quarter and where it stands."""

    quarter: Quarter
    action: str
    person: Person
    entry: Any  # excel.followup.FollowupEntry
    file: str
    due: dt.date
    status: str  # 已落实 / 逾期落实 / 逾期未落实 / 未到期 / 无法判断

    @property
    def label(self) -> str:
        return self.quarter.label


@dataclass
class FollowupCheck:
    items: list[FollowUpItem] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def of(self, status: str) -> list[FollowUpItem]:
        return [i for i in self.items if i.status == status]


def _where(item: FollowUpItem, key: str | None = None) -> dict[str, Any]:
    e = item.entry
    return dict(file=item.file, sheet=e.sheet, cell=e.cells.get(key) if key else f"第{e.row}行",
                unit=item.person.unit, person=item.person.name, staff_id=item.person.staff_id)


def _says(entry: Any) -> int:
    return 2 * bool(entry.done and entry.done_on) + bool(entry.done_on or entry.done_on_text)


def unclear(item: FollowUpItem) -> Finding | None:
    """X3: a date that is no date, before the quarter ended, or half an answer."""
    e, what = item.entry, f"{item.label}{item.action}（{item.person.name}）"
    if e.done_on_text:
        return finding("X3", f"{what}的落实日期「{e.done_on_text}」无法识别；请写成 2026-10-20",
                       **_where(item, "done_on"))
    if e.done_on and e.done_on <= item.quarter.end:
        return finding("X3", f"{what}的落实日期 {e.done_on} 在该季度结束（{item.quarter.end}）之前，"
                             "请核对日期", **_where(item, "done_on"))
    if bool(e.done) != bool(e.done_on):
        missing = "落实日期" if e.done else "落实情况"
        return finding("X3", f"{what}只填了{'落实情况' if e.done else '落实日期'}，缺{missing}，"
                             "无法判断是否已落实；请补填", **_where(item, "done_on" if e.done else "done"))
    return None


def _status(item: FollowUpItem, today: dt.date) -> tuple[str, Finding | None]:
    found = unclear(item)
    if found is not None:
        return "无法判断", found
    e, what = item.entry, f"{item.label}{item.action}（{item.person.name}）"
    if e.done_on is not None:
        if e.done_on > item.due:
            return "逾期落实", finding("X2", f"{what}于 {e.done_on} 落实，晚于期限 {item.due}",
                                     **_where(item, "done_on"))
        return "已落实", None
    if today > item.due:
        return "逾期未落实", finding("X1", f"{what}至 {today} 仍未落实，期限 {item.due} 已过",
                                  **_where(item, "done"))
    return "未到期", finding("X1", f"{what}尚未落实，期限 {item.due}", severity=Severity.INFO,
                          **_where(item, "done"))


def _person(entry: Any, people: Sequence[Person]) -> Person | None:
    if entry.staff_id:
        return next((p for p in people if p.staff_id == entry.staff_id), None)
    named = [p for p in people if p.name == entry.name and entry.unit in (None, p.unit)]
    return named[0] if len(named) == 1 else None


def check_followups(lists: Sequence[Any], people: Sequence[Person], today: dt.date,
                    settings: Settings) -> FollowupCheck:
    """X1–X3 over the returned lists (excel.followup.FollowupList), one item per follow-up."""
    check = FollowupCheck()
    best: dict[tuple[int, int, str, str], tuple[Any, Any]] = {}
    # A unit's own list first: on a tie its entry (its file, its cells) is the one named.
    for lst in sorted(lists, key=lambda lst: lst.unit == "全中心"):
        for e in lst.entries:
            p = _person(e, people)
            if p is None:
                who = f"工号「{e.staff_id}」" if e.staff_id else f"姓名「{e.name}」"
                check.findings.append(finding("X3", f"名单上的{who}不在花名册中，未计入", file=str(lst.path),
                                              sheet=e.sheet, cell=f"第{e.row}行", unit=e.unit))
                continue
            key = (lst.year, lst.quarter, p.staff_id, e.action)
            if key not in best or _says(e) > _says(best[key][0]):
                best[key] = (e, (lst, p))
    for (year, q, _, action), (e, (lst, p)) in best.items():
        quarter = Quarter(year, q)
        item = FollowUpItem(quarter, action, p, e, str(lst.path), due_date(quarter, settings), "")
        item.status, found = _status(item, today)
        check.items.append(item)
        check.findings += [found] if found else []
    check.items.sort(key=lambda i: (i.quarter.year, i.quarter.quarter, i.person.unit, i.action))
    return check
