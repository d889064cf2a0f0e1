"""`kaoping annual eligible|report` as a library call: roster + 季度结果台账 → the year."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..models import Finding, Severity
from ..rules.annual import AnnualOutcome
from ..rules.settings import Settings

if TYPE_CHECKING:
    from ..report.tally import Recommendation


@dataclass
class YearRun:
    """The annual outcome (§五) with the findings of reading the roster and the ledgers, and
    the year's 集中测评 results by 工号 when tallies were given (None otherwise)."""

    outcome: AnnualOutcome
    votes: dict[str, list[Recommendation]] | None = None
    vote_findings: list[Finding] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:  # roster + ledgers + Y rules, then the tallies'
        return [*self.outcome.findings, *self.vote_findings]

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == Severity.ERROR)


def run_year(roster: Path, ledgers: Sequence[Path], *, year: int | None = None,
             settings: Settings | None = None, tallies: Sequence[Path] = (),
             records: Path | None = None, today: dt.date | None = None) -> YearRun:
    """Read the roster and the quarters' ledgers and evaluate the year (by default the year
    most ledgers are of); with `tallies` (`halfyear tally` results, §四(四)2), the year's
    recommendations too; with `records`, the returned 谈话提醒和批评教育名单 below it say
    whether each follow-up was done (X1–X3 judged on `today`). Raises `KaopingError` when the
    roster is not a roster, when no ledger could be read and no `year` was given, or when a
    tally is not one."""
    from ..report.annual import load_year, year_votes
    from ..report.tally import read_tally

    settings = settings or Settings()
    outcome = load_year(Path(roster), list(ledgers), year=year, settings=settings)
    if records is not None:
        _follow_ups(outcome, Path(records), settings, today or dt.date.today())
    if not tallies:
        return YearRun(outcome)
    rows = [r for path in dict.fromkeys(map(Path, tallies))
            for r in read_tally(path, limits=settings.limits.for_registers())]
    votes, findings = year_votes(outcome, rows)
    return YearRun(outcome, votes, findings)


def _follow_ups(outcome: AnnualOutcome, folder: Path, settings: Settings, today: dt.date) -> None:
    """The year's items of the returned lists, and their findings, into `outcome`."""
    from ..rules.followups import check_followups
    from .followups import read_lists

    lists, found, _ = read_lists(folder, settings)
    check = check_followups([lst for lst in lists if lst.year == outcome.year], outcome.people,
                            today, settings)
    outcome.follow_up_items = check.items
    outcome.findings = [*outcome.findings, *found, *check.findings]
