"""`kaoping followup check` as a library call: the returned 谈话提醒和批评教育名单 of a folder
against their deadlines (§五(二)); also read by `profile --records`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import KaopingError
from ..models import Finding, Roster, Severity
from ..rules.followups import FollowupCheck, check_followups
from ..rules.settings import Settings
from .inputs import read_returned


@dataclass
class FollowupRun:
    check: FollowupCheck
    roster: Roster
    today: dt.date
    files: int = 0
    lists: int = 0
    findings: list[Finding] = field(default_factory=list)
    settings: Settings = field(default_factory=Settings)  # what the run judged with

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == Severity.ERROR)


def read_lists(folder: Path, settings: Settings, on_file: Callable[[Any], None] | None = None
               ) -> tuple[list[Any], list[Finding], int]:
    """Every returned list below `folder` (other kaoping workbooks skipped quietly), an X3
    错误 for each file that is none."""
    from ..excel.followup import read_followup

    return read_returned(folder, read_followup, settings, what="名单", rule="X3",
                         severity=Severity.ERROR, on_file=on_file)


def run_followups(roster_path: Path, folder: Path, *, today: dt.date | None = None,
                  settings: Settings | None = None,
                  on_file: Callable[[Any], None] | None = None) -> FollowupRun:
    from ..excel.roster import read_roster

    settings = settings or Settings()
    today = today or dt.date.today()
    if not Path(roster_path).is_file():
        raise KaopingError("找不到花名册文件", file=str(roster_path))
    lists, file_findings, files = read_lists(Path(folder), settings, on_file)
    roster, findings = read_roster(Path(roster_path), limits=settings.limits)
    if not lists:
        raise KaopingError("文件夹中没有找到谈话提醒和批评教育名单（quarter report 输出的 "
                           "谈话提醒和批评教育名单-2026Q3.xlsx，由各单位填写后交回）", file=str(folder))
    check = check_followups(lists, roster.people, today, settings)
    return FollowupRun(check, roster, today, files, len(lists),
                       [*findings, *file_findings, *check.findings], settings)
