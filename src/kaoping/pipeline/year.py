"""`kaoping annual eligible|report` as a library call: roster + 季度结果台账 → the year."""

from __future__ import annotations

import datetime as dt
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
             settings: Settings | None = None, records: Path | None = None,
             today: dt.date | None = None) -> YearRun:
    """Read the roster and the quarters' ledgers and evaluate the year (by default the year
    most ledgers are of). With `records`, the returned 谈话提醒和批评教育名单 below it say
    whether each follow-up was done (X1–X3 judged on `today`). Raises `KaopingError` when
    the roster is not a roster, or when no ledger could be read and no `year` was given."""
    from ..report.annual import load_year

    settings = settings or Settings()
    outcome = load_year(Path(roster), list(ledgers), year=year, settings=settings)
    if records is not None:
        _follow_ups(outcome, Path(records), settings, today or dt.date.today())
    return YearRun(outcome)


def _follow_ups(outcome: AnnualOutcome, folder: Path, settings: Settings, today: dt.date) -> None:
    """The year's items of the returned lists, and their findings, into `outcome`."""
    from ..rules.followups import check_followups
    from .followups import read_lists

    lists, found, _ = read_lists(folder, settings)
    check = check_followups([lst for lst in lists if lst.year == outcome.year], outcome.people,
                            today, settings)
    outcome.follow_up_items = check.items
    outcome.findings = [*outcome.findings, *found, *check.findings]
