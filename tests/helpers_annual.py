"""Builders shared by the annual and half-year tests."""

from __future__ import annotations

from kaoping.models import Outcome, Person, QuarterLedger, QuarterResult, RankCategory, Roster

G, FG, AV, PO, UN, AB = (Outcome.GOOD, Outcome.FAIRLY_GOOD, Outcome.AVERAGE, Outcome.POOR,
                         Outcome.UNDETERMINED, Outcome.ABSENT)


def person(sid: str, name: str, unit: str = "鹿城分中心", **kw) -> Person:
    kw.setdefault("section", "综合科")
    kw.setdefault("rank", "一级科员")
    kw.setdefault("rank_category", RankCategory.CLERK)
    return Person(staff_id=sid, name=name, unit=unit, **kw)


def roster(*people: Person) -> Roster:
    return Roster(people=list(people))


def ledgers(people: list[Person], grades: dict[str, list[Outcome | None]], year: int = 2026,
            quarters=(1, 2, 3, 4)) -> list[QuarterLedger]:
    """One ledger per quarter; grades[staff_id][q-1] is the outcome (None = not listed)."""
    out = []
    for q in quarters:
        results = []
        for p in people:
            o = grades.get(p.staff_id, [None] * 4)[q - 1]
            if o is None:
                continue
            results.append(QuarterResult(
                staff_id=p.staff_id, name=p.name, unit=p.unit, section=p.section, rank=p.rank,
                rank_category=p.rank_category, outcome=o))
        out.append(QuarterLedger(year=year, quarter=q, results=results,
                                 source=f"台账-{year}Q{q}.xlsx"))
    return out
