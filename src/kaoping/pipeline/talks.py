"""`kaoping halfyear check` as a library call: the returned 干部成长考核考察记实表 of a folder
against who should have one (§四(四)1), and the records read for `kaoping profile --records`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import KaopingError
from ..models import Finding, Roster, Severity
from ..periods import Half
from ..rules.catalog import finding
from ..rules.settings import Settings
from ..rules.talks import TalkCheck, check_talks


@dataclass
class TalkRun:
    check: TalkCheck
    roster: Roster
    files: int = 0
    findings: list[Finding] = field(default_factory=list)  # roster + files + H5–H7

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == Severity.ERROR)


def read_records(folder: Path, settings: Settings,
                 on_file: Callable[[Any], None] | None = None) -> tuple[list[Any], list[Finding], int]:
    """Every 记实表 below `folder` (other kaoping workbooks skipped quietly), the findings of
    files that are none, and how many files were looked at."""
    from ..excel.growth import read_growth_record
    from ..paths import scan_workbooks

    if not Path(folder).is_dir():
        raise KaopingError("找不到记实表所在的文件夹", file=str(folder))
    records, findings, files = [], [], 0
    for path in scan_workbooks(Path(folder)):
        files += 1
        rec = read_growth_record(path, limits=settings.limits)
        if on_file is not None:
            on_file(rec)
        if rec.problem is None:
            records.append(rec)
        elif not rec.other_kind:
            findings.append(finding("H6", f"{rec.problem}，未计入", severity=Severity.WARNING,
                                    file=str(path), sheet=rec.sheet))
    return records, findings, files


def _half_of(records: Sequence[Any]) -> Half:
    from ..periods import parse_half

    halves = sorted({r.half for r in records if r.half})
    if len(halves) == 1:
        return parse_half(halves[0])
    if not halves:
        raise KaopingError("文件夹中没有找到记实表，无法判断半年；请用 --half 指定，如 --half 2026H1")
    raise KaopingError(f"记实表分属多个半年（{'、'.join(halves)}），请用 --half 指定，如 --half 2026H1")


def run_talks(roster_path: Path, folder: Path, *, half: Half | None = None,
              settings: Settings | None = None,
              on_file: Callable[[Any], None] | None = None) -> TalkRun:
    """Read the folder's 记实表 and check them against `half_staff` of the roster."""
    from ..excel.roster import read_roster
    from ..forms.halfyear import half_staff

    settings = settings or Settings()
    if not Path(roster_path).is_file():
        raise KaopingError("找不到花名册文件", file=str(roster_path))
    records, file_findings, files = read_records(Path(folder), settings, on_file)
    roster, findings = read_roster(Path(roster_path), limits=settings.limits)
    half = half or _half_of(records)
    check = check_talks(half_staff(roster, half), roster.people, records, half)
    return TalkRun(check, roster, files, [*findings, *file_findings, *check.findings])
