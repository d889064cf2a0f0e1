"""集中测评 推荐“优秀” (§四(四)2): the ballot record and the counting of the ballots returned.

`Ballot` is one returned 集中测评票 as `excel.ballots` read it: valid (counted), invalid
(read, not counted, with the reasons as findings) or skipped (unreadable, or no ballot: H0).
`count_ballots` counts the valid ones per (half, unit) into a ranking; a ballot whose list or
maximum differs from the other ballots of its unit, and ballots of more than one half, are
H4s. No file is read here: `pipeline.halfyear` reads the ballots, `report.tally` writes the
推荐结果 workbook.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..models import Finding, Severity
from .catalog import finding


@dataclass
class Ballot:
    """One returned 集中测评票 as read."""

    path: Path
    unit: str | None = None
    half: str | None = None
    max_ticks: int | None = None
    staff: list[tuple[str, str]] = field(default_factory=list)  # (工号, 姓名) on the unit's list
    votes: list[str] = field(default_factory=list)  # 工号 of every ticked person
    valid: bool = False
    is_ballot: bool = True  # False: unreadable, or not a ballot at all (skipped, not invalid)
    findings: list[Finding] = field(default_factory=list)

    def invalid(self, rule: str, message: str, *, severity: Severity | None = None,
                sheet: str | None = None, cell: str | None = None) -> Ballot:
        """This ballot, not counted for the reason given."""
        self.findings.append(finding(rule, message, severity=severity, file=str(self.path),
                                     unit=self.unit, sheet=sheet, cell=cell))
        self.valid = False
        return self

    def skipped(self, message: str, severity: Severity, *, sheet: str | None = None) -> Ballot:
        """This file, read but no ballot (or not read at all)."""
        self.is_ballot = False
        return self.invalid("H0", message, severity=severity, sheet=sheet)


@dataclass
class RankRow:
    rank: int
    staff_id: str
    name: str
    votes: int
    share: float  # votes / valid ballots


@dataclass
class UnitTally:
    unit: str
    half: str | None
    max_ticks: int | None
    valid: int = 0
    invalid: int = 0
    staff: list[tuple[str, str]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ranking(self) -> list[RankRow]:
        order = {sid: i for i, (sid, _) in enumerate(self.staff)}
        names = dict(self.staff)
        rows = sorted(self.staff, key=lambda s: (-self.counts.get(s[0], 0), order[s[0]]))
        out: list[RankRow] = []
        for i, (sid, _) in enumerate(rows):
            votes = self.counts.get(sid, 0)
            rank = out[-1].rank if out and out[-1].votes == votes else i + 1
            out.append(RankRow(rank, sid, names[sid], votes, votes / self.valid if self.valid else 0.0))
        return out

    def count(self, b: Ballot, findings: list[Finding]) -> None:
        """Count a ballot of this unit and half (an invalid one only as invalid); a ballot
        whose list or maximum differs from the others' is an H4, its list joins theirs."""
        if not b.valid:
            self.invalid += 1
            return
        if not self.staff:
            self.staff = list(b.staff)
        elif [s for s, _ in b.staff] != [s for s, _ in self.staff] or b.max_ticks != self.max_ticks:
            findings.append(finding(
                "H4", "这张测评票的名单或最多推荐人数与同单位其他测评票不同（是否混用了不同批次的测评票？）",
                file=str(b.path), unit=b.unit))
            known = {s for s, _ in self.staff}
            self.staff.extend(s for s in b.staff if s[0] not in known)
        self.valid += 1
        for sid in b.votes:
            self.counts[sid] = self.counts.get(sid, 0) + 1


@dataclass
class Tally:
    units: list[UnitTally]
    ballots: list[Ballot]
    findings: list[Finding]

    @property
    def valid(self) -> int:
        return sum(1 for b in self.ballots if b.valid)

    @property
    def invalid(self) -> int:
        """Ballots that were read but are invalid (not counted)."""
        return sum(1 for b in self.ballots if b.is_ballot and not b.valid)

    @property
    def skipped(self) -> int:
        """Files that could not be read or are not ballots."""
        return sum(1 for b in self.ballots if not b.is_ballot)


def count_ballots(ballots: Sequence[Ballot]) -> Tally:
    """Count the valid ballots per (half, unit); the findings are every ballot's, in order,
    then the H4s of the counting."""
    ballots = list(ballots)
    findings = [f for b in ballots for f in b.findings]
    groups: dict[tuple[str | None, str], UnitTally] = {}
    for b in ballots:
        if b.unit is not None:
            if (b.half, b.unit) not in groups:
                groups[(b.half, b.unit)] = UnitTally(unit=b.unit, half=b.half, max_ticks=b.max_ticks)
            groups[(b.half, b.unit)].count(b, findings)
    halves = {h for h, _ in groups if h}
    if len(halves) > 1:
        findings.append(finding("H4", f"测评票属于不同的半年（{'、'.join(sorted(halves))}），已分别统计"))
    units = sorted(groups.values(), key=lambda t: (t.half or "", t.unit))
    return Tally(units=units, ballots=ballots, findings=findings)
