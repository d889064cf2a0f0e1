"""`kaoping profile` as a library call: roster + 季度结果台账 of one or more years → one
干部画像 per person (`report.profile`).

The ledgers are grouped by year; each year is evaluated as `annual report` does
(`rules.annual.evaluate_year`), so the profile's year results are the annual report's. The
people: everybody the years' evaluations hold who is on the roster, or the one `--person`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import KaopingError
from ..models import Finding, QuarterLedger, QuarterResult, Roster, Severity
from ..report.profile import BallotPlace, PersonProfile, ProfileYear
from ..rules.annual import AnnualOutcome, evaluate_year
from ..rules.settings import Settings


@dataclass
class ProfileRun:
    profiles: list[PersonProfile]
    years: list[int]
    findings: list[Finding] = field(default_factory=list)
    settings: Settings = field(default_factory=Settings)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == Severity.ERROR)


def _rows(ledgers: Sequence[QuarterLedger], year: int) -> dict[tuple[int, str], QuarterResult]:
    """(quarter, 工号) → the row of the year's ledgers (the first one; duplicates are Y0's)."""
    out: dict[tuple[int, str], QuarterResult] = {}
    for lg in ledgers:
        if lg.year != year:
            continue
        for r in lg.results:
            out.setdefault((lg.quarter, r.staff_id), r)
    return out


def _profiles(roster: Roster, ledgers: Sequence[QuarterLedger], years: Sequence[int],
              outcomes: dict[int, AnnualOutcome], staff_ids: Sequence[str]) -> list[PersonProfile]:
    by_id = roster.by_id()
    rows = {y: _rows(ledgers, y) for y in years}
    held = {y: {py.staff_id: py for py in outcomes[y].people} for y in years}
    return [PersonProfile(by_id[sid], [
        ProfileYear(y, {q: rows[y].get((q, sid)) for q in (1, 2, 3, 4)}, held[y].get(sid))
        for y in years]) for sid in staff_ids]


def _attach_talks(profiles: list[PersonProfile], records: Sequence[Any]) -> None:
    """Each 记实表 to its person's year (by 工号, else by name in the unit)."""
    years = {(pp.person.staff_id, y.year): y for pp in profiles for y in pp.years}
    by_name = {(pp.person.name, pp.person.unit): pp.person.staff_id for pp in profiles}
    for rec in records:
        sid = rec.staff_id or by_name.get((rec.name, rec.unit))
        year = int(rec.half[:4]) if rec.half and rec.half[:4].isdigit() else None
        target = years.get((sid, year))
        if target is not None:
            target.talks.append(rec)
    for pp in profiles:
        pp.records_given = True
        for y in pp.years:
            y.talks.sort(key=lambda r: (r.half or "", bool(r.missing)))  # signed first


def _attach_ballots(profiles: list[PersonProfile], tally: Any) -> None:
    """Each person's place in their unit's 集中测评 of each half (§四(四)2)."""
    years = {(pp.person.staff_id, y.year): y for pp in profiles for y in pp.years}
    for unit in tally.units:
        year = int(unit.half[:4]) if unit.half and unit.half[:4].isdigit() else None
        for row in unit.ranking:
            target = years.get((row.staff_id, year))
            if target is not None:
                target.ballots.append(BallotPlace(unit.half, unit.unit, row.rank, row.votes,
                                                  unit.valid, len(unit.staff)))


def _attach_follow_ups(profiles: list[PersonProfile], roster: Roster, lists: Sequence[Any],
                       settings: Settings) -> list[Finding]:
    """Each returned follow-up list's items to their person's year and quarter (§五(二))."""
    import datetime as dt

    from ..rules.followups import check_followups

    check = check_followups(lists, roster.people, dt.date.today(), settings)
    years = {(pp.person.staff_id, y.year): y for pp in profiles for y in pp.years}
    for item in check.items:
        target = years.get((item.person.staff_id, item.quarter.year))
        if target is not None:
            target.follow_ups[item.quarter.quarter] = item
    # Only what cannot be judged: overdue or not is `followup check`'s (it depends on the day).
    return [f for f in check.findings if f.rule == "X3"]


def _read_records(profiles: list[PersonProfile], roster: Roster, folder: Path,
                  settings: Settings) -> list[Finding]:
    """The folder's 记实表, 集中测评票 and follow-up lists into the profiles; their findings."""
    from ..paths import scan_workbooks
    from .followups import read_lists
    from .halfyear import tally_ballots
    from .talks import read_records

    talks, findings, _ = read_records(folder, settings)
    _attach_talks(profiles, talks)
    lists, found, _ = read_lists(folder, settings)
    findings += [*found, *_attach_follow_ups(profiles, roster, lists, settings)]
    tally = tally_ballots(list(scan_workbooks(folder)), settings=settings)
    skipped = {str(b.path) for b in tally.ballots if not b.is_ballot}  # 记实表 and the like
    _attach_ballots(profiles, tally)
    return [*findings, *(f for f in tally.findings if f.file not in skipped)]


def _people(roster: Roster, outcomes: dict[int, AnnualOutcome], who: str | None) -> list[str]:
    """The 工号 to profile, in roster order."""
    if who is not None:
        from .explain import find_person

        return [find_person(roster, who).staff_id]
    held = {py.staff_id for o in outcomes.values() for py in o.people if py.in_roster}
    return [p.staff_id for p in roster.people if p.staff_id in held]


def run_profile(roster_path: Path, ledger_paths: Sequence[Path], *, person: str | None = None,
                records: Path | None = None, settings: Settings | None = None) -> ProfileRun:
    """The profiles of everybody held by the ledgers' years (or of `person`: 工号 or a unique
    name); with `records`, the returned 记实表 below that folder go into their years. Raises
    `KaopingError` when the roster cannot be read or no ledger could be."""
    from ..excel.roster import read_roster
    from ..report.annual import read_ledgers

    settings = settings or Settings()
    if not Path(roster_path).is_file():
        raise KaopingError("找不到花名册文件", file=str(roster_path))
    roster, findings = read_roster(Path(roster_path), limits=settings.limits)
    ledgers, found = read_ledgers(list(ledger_paths), limits=settings.limits)
    findings += found
    years = sorted({lg.year for lg in ledgers})
    if not years:
        raise KaopingError("没有可读取的季度结果台账；请给出 quarter report 输出的 季度结果台账-*.xlsx")
    outcomes = {y: evaluate_year(roster, [lg for lg in ledgers if lg.year == y], y, settings)
                for y in years}
    for y in years:
        findings += outcomes[y].findings
    ids = _people(roster, outcomes, person)
    profiles = _profiles(roster, ledgers, years, outcomes, ids)
    if records is not None:
        findings += _read_records(profiles, roster, Path(records), settings)
    return ProfileRun(profiles, years, findings, settings)
