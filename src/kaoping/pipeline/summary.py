"""The figures of the `quarter check` summary table: per quota group, unit and the centre."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..models import Outcome, QuarterFlag, Severity
from .quarter import QuarterRun


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


def _group_row(q: Any, mine: list[Any], errs: Counter, warns: Counter) -> SummaryRow:
    """A quota group (§四(三)3): its participants, 好, cap and ratio."""
    counts = _counts(mine)
    return SummaryRow(
        label=q.key if len(q.units) == 1 and q.key in q.units else f"{q.key}（考核组）",
        level=0, participants=q.participants, good=counts[Outcome.GOOD],
        commended=q.commended, cap=q.cap, ratio=q.ratio, counts=counts,
        errors=sum(errs[u] for u in q.units), warnings=sum(warns[u] for u in q.units),
        over=q.over)


def _unit_row(unit: str, mine: list[Any], errs: Counter, warns: Counter) -> SummaryRow:
    """A unit inside a multi-unit quota group (no cap of its own)."""
    u = [r for r in mine if r.unit == unit]
    c = _counts(u)
    commended = sum(1 for r in u if r.outcome == Outcome.GOOD and QuarterFlag.COMMENDED in r.flags)
    return SummaryRow(label=unit, level=1, participants=len(u) - c[Outcome.ABSENT],
                      good=c[Outcome.GOOD], commended=commended, cap=None, ratio=None, counts=c,
                      errors=errs[unit], warnings=warns[unit])


def _centre_row(run: QuarterRun) -> SummaryRow:
    """The centre: its cap is the sum of the groups' caps (§四(三)3 is applied per 考核组,
    so 40% of the whole centre, one more when the groups' remainders add up, caps nothing);
    its ratio, like the groups', leaves out the commended (附件4's 好等次比例 counts them)."""
    results = run.outcome.results
    centre = getattr(run.outcome, "centre", None)
    counts = _counts(results)
    if centre is None:
        return SummaryRow(label="全中心", level=0,
                          participants=len(results) - counts[Outcome.ABSENT],
                          good=counts[Outcome.GOOD], commended=0, cap=None, ratio=None,
                          counts=counts, errors=run.errors, warnings=run.warnings)
    quotas = list(run.outcome.quotas)
    cap = sum(q.cap for q in quotas) if quotas else centre.cap
    return SummaryRow(label="全中心", level=0, participants=centre.participants,
                      good=counts[Outcome.GOOD], commended=centre.commended, cap=cap,
                      ratio=centre.ratio, counts=counts, errors=run.errors,
                      warnings=run.warnings, over=centre.good > cap)


def summary_rows(run: QuarterRun) -> list[SummaryRow]:
    """Per quota group (its cap and ratio), the units of multi-unit groups, then the centre."""
    results = run.outcome.results
    errs = Counter(f.unit for f in run.findings if f.severity == Severity.ERROR)
    warns = Counter(f.unit for f in run.findings if f.severity == Severity.WARNING)
    rows: list[SummaryRow] = []
    for q in run.outcome.quotas:
        mine = [r for r in results if r.unit in q.units]
        rows.append(_group_row(q, mine, errs, warns))
        if len(q.units) > 1 or q.key not in q.units:
            rows += [_unit_row(unit, mine, errs, warns) for unit in q.units]
    rows.append(_centre_row(run))
    return rows
