"""The reserve pool over a year (§五(三) 建立股级、副科级、正科级后备干部人才库，并实施动态管理).

The pool's rules are 另行规定: kaoping decides nothing about who enters or leaves. It lists
the roster's members (后备层级 with 入库/出库 dates overlapping the year) with their four
quarters, and those whose record worsened during the year, for the 党组's 动态管理:

- a graded quarter lower than the member's previous graded quarter of the year
  (好 → 较好, 较好 → 一般, …);
- a 一般 or 较差 quarter not already named as such a drop;
- a quarter 不定档 for §二 第3–5类 (立案调查, 处分, 组织处理或诫勉) by the roster's 特殊情形.
  第1类 (new recruit) and 第2类 (long sick leave) say nothing about the record.

Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..models import Outcome, Person, ReserveLevel, SpecialCategory
from ..periods import Quarter
from .annual import QUARTER_NAMES, QUARTERS, PersonYear
from .quarter import special_categories

# Higher is better: the order of the grades of §四(三)1.
RANK = {Outcome.GOOD: 4, Outcome.FAIRLY_GOOD: 3, Outcome.AVERAGE: 2, Outcome.POOR: 1}
LEVEL_ORDER = (ReserveLevel.CHIEF, ReserveLevel.DEPUTY_CHIEF, ReserveLevel.SECTION_MEMBER)
RECORD_CATEGORIES = (SpecialCategory.UNDER_INVESTIGATION, SpecialCategory.DISCIPLINED,
                     SpecialCategory.ORG_HANDLING)


@dataclass
class PoolMember:
    """One member of the reserve pool in the year, with their year and why it worsened."""

    person: Person
    level: ReserveLevel
    year: PersonYear
    categories: dict[int, list[SpecialCategory]] = field(default_factory=dict)  # roster's, by quarter
    worsened: list[str] = field(default_factory=list)

    def marks(self) -> list[str]:
        """The quarters that were 一般, 较差 or 不定档 ('第三季度一般')."""
        shown = (Outcome.AVERAGE, Outcome.POOR, Outcome.UNDETERMINED)
        return [f"{QUARTER_NAMES[q]}{o.value}" for q in QUARTERS
                if (o := self.year.quarters.get(q)) in shown]


def drops(py: PersonYear) -> list[tuple[int, str]]:
    """(quarter, reason) for each graded quarter lower than the previous graded one."""
    out: list[tuple[int, str]] = []
    previous: Outcome | None = None
    for q in QUARTERS:
        o = py.quarters.get(q)
        if o not in RANK:
            continue
        if previous is not None and RANK[o] < RANK[previous]:
            out.append((q, f"{QUARTER_NAMES[q]}由{previous.value}降为{o.value}"))
        previous = o
    return out


def worsened(py: PersonYear, categories: dict[int, list[SpecialCategory]]) -> list[str]:
    """Why the member's record worsened this year (empty: it did not)."""
    dropped = drops(py)
    named = {q for q, _ in dropped}
    low = [f"{QUARTER_NAMES[q]}{o.value}" for q in QUARTERS
           if (o := py.quarters.get(q)) in (Outcome.AVERAGE, Outcome.POOR) and q not in named]
    record = [f"{QUARTER_NAMES[q]}不定档（第{c.number}类 {c.value}）" for q in QUARTERS
              for c in categories.get(q, []) if c in RECORD_CATEGORIES]
    return [reason for _, reason in dropped] + low + record


def reserve_pool(people: Sequence[Person], years: Sequence[PersonYear], year: int) -> list[PoolMember]:
    """The members of the pool during `year` (正科级, 副科级, 股级; roster order within)."""
    by_id = {py.staff_id: py for py in years}
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    members = []
    for p in people:
        py = by_id.get(p.staff_id)
        if py is None or p.reserve_level is None or not p.in_reserve_during(start, end):
            continue
        cats = {q: special_categories(p, Quarter(year, q)) for q in QUARTERS}
        members.append(PoolMember(p, p.reserve_level, py, cats, worsened(py, cats)))
    return sorted(members, key=lambda m: LEVEL_ORDER.index(m.level))
