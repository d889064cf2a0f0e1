"""`kaoping roster check` as a library call: the 花名册 read with its findings (R1–R10,
`excel.roster`), and the counts the clerk checks it by (`summarize`: pure, over a `Roster`)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..models import Finding, Person, RankCategory, Roster, Severity, SpecialCase
from ..rules.settings import Settings


@dataclass
class RosterSummary:
    total: int
    on_establishment: int
    by_unit: list[tuple[str, str | None, int]]  # unit, 考核组, people (在编)
    by_rank: list[tuple[RankCategory, int]]
    cases: list[tuple[Person, SpecialCase]]
    probation: list[Person]  # 职级类别 试用期 or a 试用期至 date (§二 category 1)
    not_on_establishment: list[Person]
    refused: list[Person]


def summarize(roster: Roster) -> RosterSummary:
    """Counts for `kaoping roster check`: people per 单位 (with its 考核组) and 职级类别 among
    the 在编, and the people whose special cases the clerk should see."""
    people = roster.people
    on = [p for p in people if p.on_establishment]
    groups: dict[str, Counter] = defaultdict(Counter)
    for p in on:
        groups[p.unit][p.quota_group] += 1
    by_unit = [(u, groups[u].most_common(1)[0][0], sum(groups[u].values()))
               for u in roster.units() if u in groups]
    ranks = Counter(p.rank_category for p in on)
    return RosterSummary(
        total=len(people), on_establishment=len(on), by_unit=by_unit,
        by_rank=[(r, ranks.get(r, 0)) for r in RankCategory],
        cases=[(p, c) for p in people for c in p.special_cases],
        probation=[p for p in people
                   if p.rank_category == RankCategory.PROBATION or p.probation_until is not None],
        not_on_establishment=[p for p in people if not p.on_establishment],
        refused=[p for p in people if p.refused_or_falsified])


@dataclass
class RosterCheck:
    roster: Roster
    summary: RosterSummary
    findings: list[Finding] = field(default_factory=list)  # R1–R10 of the reading

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == Severity.ERROR)


def run_roster_check(path: Path, *, settings: Settings | None = None) -> RosterCheck:
    """Read the 花名册 at `path` (`settings.limits` bound the read) and count it. Raises
    `KaopingError` when there is no such file or it is not a roster at all."""
    from ..excel.roster import read_roster
    from ..paths import require_file

    settings = settings or Settings()
    roster, findings = read_roster(require_file(path, "花名册"), limits=settings.limits)
    return RosterCheck(roster, summarize(roster), findings)
