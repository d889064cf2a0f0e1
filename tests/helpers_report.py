"""Hand-built roster and quarter outcome for the report tests (counts derivable by hand)."""

from __future__ import annotations

from kaoping.models import (
    Outcome,
    Person,
    QuarterFlag,
    QuarterGrade,
    QuarterResult,
    RankCategory,
    Roster,
    SpecialCategory,
)
from kaoping.rules.quarter import QuarterOutcome, QuotaSummary

R, S, C, P = (RankCategory.RESEARCHER, RankCategory.SECTION_CHIEF, RankCategory.CLERK,
              RankCategory.PROBATION)


# The filing code is tested against the engine's own result types, so a field the engine
# renames cannot leave these tests passing on a stand-in.
Quota = QuotaSummary


def person(staff_id: str, name: str, unit: str, cat: RankCategory, **kw) -> Person:
    return Person(staff_id=staff_id, name=name, unit=unit, rank_category=cat, **kw)


def result(p: Person, outcome: Outcome, **kw) -> QuarterResult:
    grade = None if outcome in (Outcome.UNDETERMINED, Outcome.ABSENT) else QuarterGrade(outcome.value)
    kw.setdefault("leader_grade", grade)
    kw.setdefault("self_grade", grade)
    return QuarterResult(staff_id=p.staff_id, name=p.name, unit=p.unit, quota_group=p.quota_group,
                         section=p.section, rank=p.rank, rank_category=p.rank_category,
                         outcome=outcome, **kw)


def sample() -> tuple[Roster, QuarterOutcome]:
    """Two units.

    综合处 (head office): 7 在编 + 1 not 在编.
      001 R 好 (commended), 002 S 好, 003 S 较好, 004 C 一般, 005 C 未参加,
      006 P 不确定 (新录用), 007 C 较差, 008 C not 在编 (not counted anywhere).
    鹿城分中心 (branch): 3 在编.
      101 S 好, 102 C 较好 (low attendance → can't be 好/较好? no: kept 较好 for counting),
      103 C 较好.
    """
    a, b = "综合处", "鹿城分中心"
    people = [
        person("001", "张一", a, R, rank="一级调研员", section="综合科"),
        person("002", "李二", a, S, rank="一级主任科员"),
        person("003", "王三", a, S, rank="二级主任科员"),
        person("004", "赵四", a, C, rank="一级科员"),
        person("005", "钱五", a, C, rank="一级科员"),
        person("006", "孙六", a, P, rank="试用期"),
        person("007", "=HYPERLINK(\"http://x\",\"周七\")", a, C, rank="二级科员"),
        person("008", "吴八", a, C, on_establishment=False),
        person("101", "郑甲", b, S, section="综合科", rank="科长"),
        person("102", "冯乙", b, C, section="业务科"),
        person("103", "陈丙", b, C, section="业务科"),
    ]
    roster = Roster(people=people)
    by = {p.staff_id: p for p in people}
    results = [
        result(by["001"], Outcome.GOOD, flags=[QuarterFlag.COMMENDED], source_file="a/张一.xlsx"),
        result(by["002"], Outcome.GOOD, required_days=60, attended_days=58),
        result(by["003"], Outcome.FAIRLY_GOOD),
        result(by["004"], Outcome.AVERAGE),
        result(by["005"], Outcome.ABSENT, flags=[QuarterFlag.NO_FORM]),
        result(by["006"], Outcome.UNDETERMINED, flags=[QuarterFlag.NOT_GRADED],
               special_categories=[SpecialCategory.NEW_RECRUIT]),
        result(by["007"], Outcome.POOR, note="+1 备注"),
        result(by["101"], Outcome.GOOD),
        result(by["102"], Outcome.AVERAGE, flags=[QuarterFlag.LOW_ATTENDANCE],
               required_days=60, attended_days=40.5),
        result(by["103"], Outcome.FAIRLY_GOOD),
    ]
    quotas = [
        Quota(a, [a], 6, 6, 1, 1, 2, 1 / 6, False),
        Quota(b, [b], 3, 3, 1, 0, 1, 1 / 3, False),
    ]
    return roster, QuarterOutcome(results=results, findings=[], quotas=quotas)
