"""`kaoping annual eligible|report` as a library call: roster + 季度结果台账 → the year."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..models import Finding, Severity
from ..rules.annual import AnnualOutcome
from ..rules.settings import Settings


@dataclass
class YearRun:
    """The annual outcome (§五) with the findings of reading the roster and the ledgers."""

    outcome: AnnualOutcome

    @property
    def findings(self) -> list[Finding]:  # roster + ledgers + Y rules, in that order
        return self.outcome.findings

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == Severity.ERROR)


def run_year(roster: Path, ledgers: Sequence[Path], *, year: int | None = None,
             settings: Settings | None = None) -> YearRun:
    """Read the roster and the quarters' ledgers and evaluate the year (by default the year
    most ledgers are of). Raises `KaopingError` when the roster is not a roster, or when no
    ledger could be read and no `year` was given."""
    from ..report.annual import load_year

    return YearRun(load_year(Path(roster), list(ledgers), year=year,
                             settings=settings or Settings()))
