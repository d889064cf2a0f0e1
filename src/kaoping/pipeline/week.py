"""`kaoping week check` as a library call: every 一周小记 of a folder through W1–W10."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..models import Finding, Roster, Severity, WeeklyLog
from ..rules.month import UnitTally, resolve_logs, week_unit_tallies, weekly_logs_of
from ..rules.settings import Settings
from ..rules.week import check_week_batch
from .inputs import OnFile, load_roster, read_forms


@dataclass
class WeekRun:
    """What one `week check` found."""

    logs: list[WeeklyLog]  # standalone 附件1 and the sheets of each 月度小结, roster-resolved
    findings: list[Finding]  # roster + files + W1–W10, in that order
    roster: Roster | None = None
    settings: Settings = field(default_factory=Settings)
    own: list[Path] = field(default_factory=list)  # 问题清单 kaoping wrote in the folder

    @property
    def people(self) -> int:
        """How many persons the logs are of (by 工号, else by name)."""
        return len({(log.identity.staff_id or log.identity.name) for log in self.logs})

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == Severity.ERROR)

    def tallies(self) -> list[UnitTally]:
        """Per unit: logs received and findings by severity."""
        return week_unit_tallies(self.logs, self.findings)


def run_week(folder: Path, *, roster: Path | None = None, settings: Settings | None = None,
             skip: Path | None = None, on_file: OnFile | None = None) -> WeekRun:
    """Read the optional roster and every workbook below `folder`, check each weekly log
    (W1–W9) and the logs against each other (W10). `skip`: see `inputs.read_forms`."""
    settings = settings or Settings()
    people, findings = load_roster(roster, settings)
    forms, read_findings, own = read_forms(folder, settings, skip=skip, on_file=on_file)
    findings = [*findings, *read_findings]
    logs = resolve_logs(weekly_logs_of(forms), people)
    findings += check_week_batch(logs)
    return WeekRun(logs=logs, findings=findings, roster=people, settings=settings, own=own)
