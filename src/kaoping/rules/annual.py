"""Year: the four quarters' results tied to the annual grade (§五 结果运用).

Pure: works on the roster and the 季度结果台账 models only, returns results and findings.

Rules (each cites its clause of the measures):
- Y1 §五(一)¶1 优秀 candidates: 好 ≥ `excellent_min_good` ("2个以上" includes 2) and no 一般/较差.
- Y2 §五(一)¶2 一般 + 较差 > `average_poor_max` → 原则上 基本称职或不称职.
- Y3 §五(一)¶3 every quarter the person was due graded 较差 → 可直接确定为不称职.
- Y4 §五(一)¶4 refused to take part or falsified (roster flag) → 不称职.
- Y5 §五(一)¶4 a 未参加 quarter whose 台账 备注 records no reason → check 无正当理由不参加.
- Y0 ledger coverage: missing quarters (results provisional), duplicates, other years,
  people missing from the roster.
Follow-ups §五(二): 一般 → 及时谈话提醒, 较差 → 及时批评教育, per quarter.
登记表 line §五(一)¶5: 平时考核结果记入《公务员年度考核登记表》.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ..models import (
    Finding,
    Outcome,
    Person,
    QuarterLedger,
    QuarterResult,
    RankCategory,
    Roster,
    Severity,
)
from ..periods import CN_QUARTER
from .catalog import finding
from .settings import Settings

QUARTERS = (1, 2, 3, 4)
QUARTER_NAMES = {q: f"第{cn}季度" for q, cn in CN_QUARTER.items()}
GRADED = (Outcome.GOOD, Outcome.FAIRLY_GOOD, Outcome.AVERAGE, Outcome.POOR)
# How an outcome reads on the 登记表 line.
_LINE_WORDS = {
    Outcome.GOOD: "好",
    Outcome.FAIRLY_GOOD: "较好",
    Outcome.AVERAGE: "一般",
    Outcome.POOR: "较差",
    Outcome.UNDETERMINED: "不确定等次",
    Outcome.ABSENT: "未参加考核",
}


def quarter_list(quarters: Sequence[int]) -> str:
    """[1, 3] → '第一、三季度'."""
    qs = sorted(quarters)
    if not qs:
        return ""
    return "第" + "、".join(CN_QUARTER[q] for q in qs) + "季度"


class QuarterStatus(StrEnum):
    """Why a quarter of a person has no outcome."""

    OK = "ok"
    NO_LEDGER = "no_ledger"  # the quarter's ledger was not given (provisional)
    CONFLICT = "conflict"  # listed twice in the quarter's ledgers (provisional)
    NOT_LISTED = "not_listed"  # the ledger exists but does not list the person


class FollowUpAction(StrEnum):
    """§五(二) 与干部奖惩相挂钩."""

    TALK = "谈话提醒"  # 一般 → 及时谈话提醒
    CRITICISE = "批评教育"  # 较差 → 及时批评教育，必要时诫勉或调整岗位、安排培训教育


# §五(二): the quarter results that call for a follow-up, and which.
FOLLOW_UPS: dict[Outcome, FollowUpAction] = {
    Outcome.AVERAGE: FollowUpAction.TALK,
    Outcome.POOR: FollowUpAction.CRITICISE,
}


@dataclass
class PersonYear:
    """One person's year: the quarter sequence, the counts and the §五(一) flags."""

    staff_id: str
    name: str
    unit: str
    section: str | None
    rank: str | None
    rank_category: RankCategory | None
    quarters: dict[int, Outcome | None]  # 1..4 → outcome, None when unknown
    status: dict[int, QuarterStatus]
    # 1..4 → where the quarter's result stands (ledger, its row and 备注), when listed once
    entries: dict[int, tuple[QuarterLedger, QuarterResult]] = field(default_factory=dict)
    refused_or_falsified: bool = False
    in_roster: bool = True
    excellent_candidate: bool = False  # Y1
    basic_or_incompetent: bool = False  # Y2
    may_be_incompetent: bool = False  # Y3
    incompetent: bool = False  # Y4

    # ---- counts
    @property
    def counts(self) -> dict[Outcome, int]:
        c = Counter(o for o in self.quarters.values() if o is not None)
        return {o: c.get(o, 0) for o in Outcome}

    @property
    def good(self) -> int:
        return self.counts[Outcome.GOOD]

    @property
    def fairly_good(self) -> int:
        return self.counts[Outcome.FAIRLY_GOOD]

    @property
    def average(self) -> int:
        return self.counts[Outcome.AVERAGE]

    @property
    def poor(self) -> int:
        return self.counts[Outcome.POOR]

    @property
    def undetermined(self) -> int:
        return self.counts[Outcome.UNDETERMINED]

    @property
    def absent(self) -> int:
        return self.counts[Outcome.ABSENT]

    @property
    def graded(self) -> int:
        """Quarters with one of the four 档次 (不确定/未参加 are not graded)."""
        return sum(self.counts[o] for o in GRADED)

    @property
    def sequence(self) -> list[Outcome | None]:
        return [self.quarters[q] for q in QUARTERS]

    @property
    def missing_quarters(self) -> list[int]:
        """Quarters whose result is unknown because a ledger is missing or conflicting."""
        return [q for q in QUARTERS
                if self.status[q] in (QuarterStatus.NO_LEDGER, QuarterStatus.CONFLICT)]

    @property
    def provisional(self) -> bool:
        return bool(self.missing_quarters)

    @property
    def place(self) -> str:
        """所在处（科）: the 科室 when known, else the unit."""
        return self.section or self.unit

    def quarter_text(self, q: int) -> str:
        o = self.quarters[q]
        if o is not None:
            return _LINE_WORDS[o]
        return {
            QuarterStatus.NO_LEDGER: "缺台账",
            QuarterStatus.CONFLICT: "台账重复",
            QuarterStatus.NOT_LISTED: "无考核记录",
        }.get(self.status[q], "")

    def registration_line(self, year: int) -> str:
        """§五(一) 平时考核结果记入《公务员年度考核登记表》:
        '2026年平时考核：第一季度好、第二季度较好、第三季度一般、第四季度好。'"""
        parts = [f"{QUARTER_NAMES[q]}{self.quarter_text(q)}" for q in QUARTERS]
        return f"{year}年平时考核：" + "、".join(parts) + "。"

    def quarters_with(self, outcome: Outcome) -> list[int]:
        return [q for q in QUARTERS if self.quarters[q] == outcome]

    def remark(self) -> str:
        """备注 for 附件6 and the lists: provisional quarters, disqualifying grades, Y4, and
        the quarters without a grade the conclusions do not rest on (§五(一))."""
        notes: list[str] = []
        if self.refused_or_falsified:
            notes.append("无正当理由不参加平时考核或弄虚作假（年度考核确定为不称职）")
        if self.average or self.poor:
            parts = [f"{label}{n}次" for label, n in (("一般", self.average), ("较差", self.poor)) if n]
            notes.append("另有" + "、".join(parts) + "（不具备优秀候选条件）")
        ungraded = [f"{quarter_list(qs)}{label}" for label, qs in (
            ("未参加考核", self.quarters_with(Outcome.ABSENT)),
            ("不确定等次", self.quarters_with(Outcome.UNDETERMINED))) if qs]
        if ungraded:
            basis = f"结论只依据其余 {self.graded} 个定档季度" if self.graded else "全年没有定档的季度"
            notes.append("、".join(ungraded) + f"（{basis}）")
        if self.missing_quarters:
            notes.append(f"暂定：{quarter_list(self.missing_quarters)}结果未汇总")
        return "；".join(notes)


@dataclass
class FollowUp:
    """§五(二): one 一般/较差 quarter result and what to do about it."""

    quarter: int
    action: FollowUpAction
    person: PersonYear
    outcome: Outcome


@dataclass
class AnnualOutcome:
    year: int
    people: list[PersonYear]
    findings: list[Finding] = field(default_factory=list)
    ledger_quarters: list[int] = field(default_factory=list)  # quarters with a usable ledger
    missing_quarters: list[int] = field(default_factory=list)  # quarters with no usable ledger
    min_good: int = 2
    pool: list[Any] = field(default_factory=list)  # rules.reserve.PoolMember (§五(三))
    # rules.followups.FollowUpItem of the returned follow-up lists, when given (§五(二))
    follow_up_items: list[Any] = field(default_factory=list)

    @property
    def provisional(self) -> bool:
        return bool(self.missing_quarters)

    @property
    def candidates(self) -> list[PersonYear]:
        """Y1 优秀 candidates."""
        return [p for p in self.people if p.excellent_candidate]

    @property
    def good_repeatedly(self) -> list[PersonYear]:
        """附件6: 好等次2次以上 (`excellent_min_good` or more), whatever else they had."""
        return [p for p in self.people if p.in_roster and p.good >= self.min_good]

    @property
    def basic_or_incompetent(self) -> list[PersonYear]:
        return [p for p in self.people if p.basic_or_incompetent]

    @property
    def may_be_incompetent(self) -> list[PersonYear]:
        return [p for p in self.people if p.may_be_incompetent]

    @property
    def incompetent(self) -> list[PersonYear]:
        return [p for p in self.people if p.incompetent]

    @property
    def follow_ups(self) -> list[FollowUp]:
        """§五(二) by quarter: 一般 → 谈话提醒, 较差 → 批评教育."""
        return [FollowUp(q, FOLLOW_UPS[o], p, o) for q in QUARTERS for p in self.people
                if (o := p.quarters[q]) in FOLLOW_UPS]

    def units(self) -> list[str]:
        seen: dict[str, None] = {}
        for p in self.people:
            seen.setdefault(p.unit, None)
        return list(seen)


# ---------------------------------------------------------------- Y1–Y4 (§五(一))


def apply_year_rules(p: PersonYear, settings: Settings) -> None:
    """Set the §五(一) flags of one person from the quarter sequence."""
    p.incompetent = refused_or_falsified(p)
    p.excellent_candidate = excellent_candidate(p, settings)
    p.basic_or_incompetent = too_many_average_or_poor(p, settings)
    p.may_be_incompetent = all_graded_poor(p)


def refused_or_falsified(p: PersonYear) -> bool:
    """Y4 §五(一)¶4: 无正当理由不参加平时考核或在考核过程中弄虚作假，经教育后拒不改正 → 不称职
    (the roster's flag, when it is of this year or has no year: `refusal_year_findings`)."""
    return p.refused_or_falsified


def refusal_applies(person: Person, year: int) -> bool:
    """The roster's 拒不参加或弄虚作假 counts for `year`: found that year, or (an old roster's
    bare "是") in any year until the clerk writes which — an 错误 says so."""
    return person.refused_or_falsified and person.refused_or_falsified_year in (None, year)


def refusal_year_findings(person: Person, year: int, source: str | None) -> Finding | None:
    """Y4 错误: a bare "是" cannot say whether it is this year's — it decides 不称职, so it is
    listed until the year is written; Y4 提示: a flag of another year does not count."""
    if not person.refused_or_falsified:
        return None
    where = dict(unit=person.unit, person=person.name, staff_id=person.staff_id, file=source,
                 cell=f"第{person.row}行" if person.row else None)
    found = person.refused_or_falsified_year
    if found is None:
        return finding("Y4", (f"花名册“拒不参加或弄虚作假”填了“是”，没有写认定的年份，无法确定是否属于{year}年度；"
                              f"暂按{year}年度列入“确定不称职(Y4)”。请改为“是 {year}”（或认定日期，如“是 {year}-11-03”）；"
                              f"不是{year}年度认定的，改为“否”或写明当年的年份"),
                       severity=Severity.ERROR, **where)
    if found != year:
        return finding("Y4", (f"花名册“拒不参加或弄虚作假”记载的是{found}年度的认定，不计入{year}年度"),
                       severity=Severity.INFO, **where)
    return None


def excellent_candidate(p: PersonYear, settings: Settings) -> bool:
    """Y1 §五(一)¶1: 好等次2个以上（含2个）且无一般、较差等次. A person 不称职 by Y4 is not put
    forward."""
    return (p.good >= settings.annual.excellent_min_good and p.average == 0 and p.poor == 0
            and not refused_or_falsified(p))


def too_many_average_or_poor(p: PersonYear, settings: Settings) -> bool:
    """Y2 §五(一)¶2: 一般、较差等次累计次数超过2次 → 原则上基本称职或不称职."""
    return p.average + p.poor > settings.annual.average_poor_max


def all_graded_poor(p: PersonYear) -> bool:
    """Y3 §五(一)¶3: 均为较差等次 → 可以直接确定为不称职: every quarter of the year in which the
    person was due (listed in the quarter's 台账) was graded 较差. A 不确定 or 未参加 quarter is
    not 较差, so 较差 + three 不确定 is not "all 较差"; quarters before someone was hired (not
    listed) do not count."""
    due = [o for o in p.quarters.values() if o is not None]
    return bool(due) and all(o == Outcome.POOR for o in due)


# ---------------------------------------------------------------- Y5: 未参加 without a reason

# What kaoping itself writes in the 备注 of a 未参加 result: not a reason.
_NO_REASON = re.compile(r"未交评价表|[；;，,、。\s]")


def absent_reason(result: QuarterResult) -> str | None:
    """The reason recorded in a 未参加 result's 台账 备注 by the clerk, if any (kaoping's own
    "未交评价表" is none)."""
    note = result.note or ""
    return note.strip() if _NO_REASON.sub("", note) else None


def absent_without_reason(p: PersonYear, year: int) -> Finding | None:
    """Y5 警告 §五(一)¶4: 未参加 quarters whose 台账 备注 gives no reason — 无正当理由不参加平时
    考核 makes the year 不称职, so the clerk checks each one (the reason itself changes no
    count; the roster's flag decides Y4)."""
    if p.incompetent:
        return None
    quarters = [q for q in p.quarters_with(Outcome.ABSENT)
                if q in p.entries and absent_reason(p.entries[q][1]) is None]
    if not quarters:
        return None
    ledger, result = p.entries[quarters[0]]
    rows = "；".join(f"{QUARTER_NAMES[q]}台账第{p.entries[q][1].row}行" if p.entries[q][1].row
                    else f"{QUARTER_NAMES[q]}台账" for q in quarters)
    return finding(
        "Y5", (f"{year}年{quarter_list(quarters)}未参加考核，台账“备注”中没有写明原因（{rows}）。"
               f"请核对是否属于“无正当理由不参加平时考核”（§五(一)，经教育后拒不改正的年度考核确定为不称职）："
               f"有正当理由的在该季度台账“备注”栏写明原因（如“病假住院”）；无正当理由且拒不改正的，"
               f"在花名册“拒不参加或弄虚作假”栏填写“是 {year}”"),
        unit=p.unit, person=p.name, staff_id=p.staff_id, file=ledger.source, sheet=ledger.sheet,
        cell=f"第{result.row}行" if result.row else None)


# ---------------------------------------------------------------- Y0: which ledgers count


Entries = dict[str, list[tuple[QuarterLedger, QuarterResult]]]  # 工号 → (ledger, result)


@dataclass
class _YearLedgers:
    """The year's usable ledgers per quarter, and each 工号's results in them."""

    by_quarter: dict[int, list[QuarterLedger]]
    entries: dict[int, Entries]

    @classmethod
    def of(cls, usable: dict[int, list[QuarterLedger]]) -> _YearLedgers:
        entries: dict[int, Entries] = {}
        for q, group in usable.items():
            per = entries[q] = {}
            for ledger in group:
                for r in ledger.results:
                    per.setdefault(r.staff_id, []).append((ledger, r))
        return cls(usable, entries)

    def listed_ids(self) -> set[str]:
        return {sid for per in self.entries.values() for sid in per}

    def outcome(self, q: int, sid: str) -> tuple[Outcome | None, QuarterStatus]:
        """A person's outcome of quarter `q`, or why there is none."""
        if q not in self.by_quarter:
            return None, QuarterStatus.NO_LEDGER
        found = self.entries[q].get(sid)
        if not found:
            return None, QuarterStatus.NOT_LISTED
        if len({r.outcome for _, r in found}) > 1:
            return None, QuarterStatus.CONFLICT
        return found[0][1].outcome, QuarterStatus.OK

    def person_year(self, py: PersonYear) -> PersonYear:
        """`py` with its four quarters filled in."""
        for q in QUARTERS:
            py.quarters[q], py.status[q] = self.outcome(q, py.staff_id)
            found = self.entries.get(q, {}).get(py.staff_id, [])
            if py.status[q] == QuarterStatus.OK:
                py.entries[q] = found[0]
        return py


def _where(ledger: QuarterLedger) -> str:
    return ledger.source or f"{ledger.year}年第{ledger.quarter}季度台账"


def other_year(ledger: QuarterLedger, year: int) -> Finding | None:
    """Y0 错误: a ledger of another year is not counted."""
    if ledger.year == year:
        return None
    return finding("Y0", (f"台账是{ledger.year}年第{ledger.quarter}季度的，不属于{year}年度，"
                          "未计入；请只提供本年度四个季度的台账"), file=ledger.source)


def no_such_quarter(ledger: QuarterLedger) -> Finding | None:
    """Y0 错误: a ledger whose quarter is not 1–4 is not counted."""
    if ledger.quarter in QUARTERS:
        return None
    return finding("Y0", f"台账的季度「{ledger.quarter}」不是1至4，未计入", file=ledger.source)


def usable_ledgers(ledgers: Sequence[QuarterLedger], year: int
                   ) -> tuple[dict[int, list[QuarterLedger]], list[Finding]]:
    """Y0: the ledgers of `year` by quarter (in the order given), and why the others are not."""
    usable: dict[int, list[QuarterLedger]] = {}
    findings: list[Finding] = []
    for ledger in ledgers:
        refused = other_year(ledger, year) or no_such_quarter(ledger)
        if refused is None:
            usable.setdefault(ledger.quarter, []).append(ledger)
        else:
            findings.append(refused)
    return usable, findings


def filed_with_errors(ledger: QuarterLedger) -> Finding | None:
    """Y6 错误: a ledger written by `quarter report --allow-errors` may hold grades the open
    错误 would change, so every conclusion drawn from it is in doubt."""
    if not ledger.errors_left:
        return None
    return finding("Y6", (f"{ledger.year}年{QUARTER_NAMES.get(ledger.quarter, '')}的台账是在仍有 "
                          f"{ledger.errors_left} 条错误时按 --allow-errors 输出的，其中的等次可能有误；"
                          "请按该季度问题清单改正后重新运行 quarter report，用新台账替换"),
                   file=ledger.source)


def duplicate_ledgers(q: int, group: Sequence[QuarterLedger], year: int) -> list[Finding]:
    """Y0 错误: two ledgers of one quarter sharing people (whole ledgers given twice are
    reported once per pair)."""
    findings: list[Finding] = []
    for i, a in enumerate(group):
        ids_a = {r.staff_id for r in a.results}
        for b in group[i + 1:]:
            shared = ids_a & {r.staff_id for r in b.results}
            if shared:
                findings.append(finding("Y0", (
                    f"{year}年{QUARTER_NAMES[q]}的台账重复：与「{_where(a)}」有"
                    f"{len(shared)}人重复；请只保留一份。结果不一致的人员该季度按未汇总处理"),
                    file=b.source))
    return findings


def repeated_in_one_ledger(entries: Entries) -> list[Finding]:
    """Y0 错误: one 工号 listed more than once inside one ledger."""
    findings: list[Finding] = []
    for sid, found in entries.items():
        if len(found) > 1 and len({id(ledger) for ledger, _ in found}) == 1:
            ledger, r = found[0]
            findings.append(finding("Y0", f"同一台账中工号 {sid} 出现{len(found)}次，请核对",
                                    file=ledger.source, person=r.name, staff_id=sid, unit=r.unit))
    return findings


def missing_quarters(missing: Sequence[int], year: int) -> Finding | None:
    """Y0 警告: quarters without a usable ledger make every conclusion provisional."""
    if not missing:
        return None
    return finding("Y0", (f"缺少{year}年{quarter_list(missing)}的季度结果台账，"
                          "优秀候选等结论均为暂定；请补齐后重新运行"), severity=Severity.WARNING)


def not_on_roster(sid: str, year_ledgers: _YearLedgers) -> Finding:
    """Y0 警告: in a ledger but not in the roster (transferred, retired, or a wrong 工号)."""
    first = next(per[sid][0][1] for per in year_ledgers.entries.values() if sid in per)
    py = year_ledgers.person_year(PersonYear(
        staff_id=sid, name=first.name, unit=first.unit, section=first.section,
        rank=first.rank, rank_category=first.rank_category,
        quarters={}, status={}, in_roster=False))
    grades = "、".join(f"{QUARTER_NAMES[q]}{py.quarter_text(q)}" for q in QUARTERS
                      if py.status[q] == QuarterStatus.OK)
    return finding("Y0", (f"台账中有此人（{grades}），但花名册中没有该工号；未列入年度名单。"
                          "如已调入调出请核对花名册"),
                   severity=Severity.WARNING, unit=first.unit, person=first.name, staff_id=sid)


# ---------------------------------------------------------------- the year


def evaluate_year(roster: Roster, ledgers: Sequence[QuarterLedger], year: int,
                  settings: Settings | None = None) -> AnnualOutcome:
    """Combine the year's quarterly ledgers with the roster (Y0) and apply Y1–Y4 (§五(一))."""
    settings = settings or Settings()
    usable, findings = usable_ledgers(ledgers, year)
    year_ledgers = _YearLedgers.of(usable)
    for q, group in usable.items():
        findings += [f for f in map(filed_with_errors, group) if f is not None]
        findings += duplicate_ledgers(q, group, year)
        findings += repeated_in_one_ledger(year_ledgers.entries[q])
    missing = [q for q in QUARTERS if q not in usable]
    findings += [f for f in (missing_quarters(missing, year),) if f is not None]
    listed = year_ledgers.listed_ids()
    # §二: only 在编 cadres are assessed (unless a ledger lists them all the same).
    people = [_person_year(p, year_ledgers, settings, year) for p in roster.people
              if p.on_establishment or p.staff_id in listed]
    findings += [not_on_roster(sid, year_ledgers)
                 for sid in sorted(listed - {p.staff_id for p in roster.people})]
    findings += [f for f in (absent_without_reason(p, year) for p in people) if f is not None]
    findings += [f for f in (refusal_year_findings(p, year, roster.source) for p in roster.people
                             if p.on_establishment or p.staff_id in listed) if f is not None]
    from .reserve import reserve_pool  # it reads PersonYear from here

    return AnnualOutcome(year=year, people=people, findings=findings,
                         ledger_quarters=sorted(usable), missing_quarters=missing,
                         min_good=settings.annual.excellent_min_good,
                         pool=reserve_pool(roster.people, people, year, settings))


def _person_year(person: Person, year_ledgers: _YearLedgers, settings: Settings,
                 year: int) -> PersonYear:
    py = year_ledgers.person_year(PersonYear(
        staff_id=person.staff_id, name=person.name, unit=person.unit, section=person.section,
        rank=person.rank, rank_category=person.rank_category, quarters={}, status={},
        refused_or_falsified=refusal_applies(person, year)))
    apply_year_rules(py, settings)
    return py
