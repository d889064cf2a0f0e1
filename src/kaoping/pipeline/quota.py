"""`kaoping quarter quota` as a library call: the 好 seats of each unit / 考核组 (§四(三)3).

From the roster alone: how many 好 each quota key may give this quarter. Given a folder of
returned forms: the quarter's check is run (`run_quarter`) and the seats used and left are
added, with the check's findings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import KaopingError
from ..models import Finding, Roster, Severity
from ..periods import Quarter
from ..rules.seats import Seats, quarter_seats
from ..rules.settings import Settings
from .inputs import OnFile
from .quarter import QuarterRun, run_quarter


@dataclass
class QuotaRun:
    """The seats of one quarter, per quota key and for the centre."""

    quarter: Quarter
    roster: Roster
    seats: list[Seats]
    centre: Seats
    findings: list[Finding] = field(default_factory=list)
    check: QuarterRun | None = None  # the quarter's check, when a folder was given
    settings: Settings = field(default_factory=Settings)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == Severity.ERROR)


def seats_of(roster: Roster, quarter: Quarter, settings: Settings) -> tuple[list[Seats], Seats]:
    """The roster's seats before any form is read (also printed by `forms quarterly`)."""
    return quarter_seats(roster.people, quarter, settings)


def run_quota(roster_path: Path | Roster, quarter: Quarter | None = None,
              folder: Path | None = None, *, settings: Settings | None = None,
              on_file: OnFile | None = None) -> QuotaRun:
    """The seats of `quarter` from the roster; with `folder`, the returned forms' check too
    (its quarter when `quarter` is None). Raises `KaopingError` when the command cannot run."""
    from ..excel.roster import read_roster

    settings = settings or Settings()
    if folder is not None:
        check = run_quarter(roster_path, Path(folder), quarter=quarter, settings=settings,
                            on_file=on_file)
        seats, centre = quarter_seats(check.roster.people, check.quarter, settings,
                                      check.outcome.quotas, check.outcome.centre)
        return QuotaRun(check.quarter, check.roster, seats, centre, check.findings, check, settings)
    if quarter is None:
        raise KaopingError("请用 --period 指定季度，如 --period 2026Q3（或给出收回表格的文件夹）")
    if isinstance(roster_path, Roster):
        roster, findings = roster_path, []
    else:
        if not Path(roster_path).is_file():
            raise KaopingError("找不到花名册文件", file=str(roster_path))
        roster, findings = read_roster(Path(roster_path), limits=settings.limits)
    seats, centre = seats_of(roster, quarter, settings)
    return QuotaRun(quarter, roster, seats, centre, findings, None, settings)
