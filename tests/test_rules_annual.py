"""The §五 year rules Y1–Y4, ledger coverage (Y0), follow-ups and the 登记表 line."""

from __future__ import annotations

import pytest

from kaoping.models import Severity
from kaoping.rules.annual import FollowUpAction, QuarterStatus, evaluate_year, quarter_list
from kaoping.rules.settings import AnnualSettings, Settings

from helpers_annual import AB, AV, FG, G, PO, UN, ledgers, person, roster


def one(grades, *, settings=None, **kw):
    p = person("001", "张三", **kw)
    out = evaluate_year(roster(p), ledgers([p], {"001": grades}), 2026, settings or Settings())
    assert len(out.people) == 1
    return out, out.people[0]


# ---------------------------------------------------------------- Y1 §五(一)¶1


def test_y1_exactly_two_good_and_no_average_is_candidate():
    out, p = one([G, G, FG, FG])
    assert p.excellent_candidate and p.good == 2
    assert out.candidates == [p]
    assert not p.provisional and not out.provisional


def test_y1_one_good_is_not_candidate():
    _, p = one([G, FG, FG, FG])
    assert not p.excellent_candidate


def test_y1_two_good_and_one_average_is_not_candidate():
    _, p = one([G, G, AV, FG])
    assert not p.excellent_candidate
    assert "另有一般1次" in p.remark()


def test_y1_two_good_and_one_poor_is_not_candidate():
    _, p = one([G, G, PO, FG])
    assert not p.excellent_candidate


def test_y1_undetermined_and_absent_do_not_disqualify():
    _, p = one([G, UN, G, AB])
    assert p.excellent_candidate


def test_y1_threshold_is_a_setting():
    s = Settings(annual=AnnualSettings(excellent_min_good=3))
    _, p = one([G, G, FG, FG], settings=s)
    assert not p.excellent_candidate
    _, p = one([G, G, G, FG], settings=s)
    assert p.excellent_candidate


def test_y1_refused_person_is_not_candidate_but_y4():
    _, p = one([G, G, G, G], refused_or_falsified=True, refused_or_falsified_year=2026)
    assert not p.excellent_candidate
    assert p.incompetent


# ---------------------------------------------------------------- Y2 §五(一)¶2


def test_y2_two_average_is_not_y2():
    _, p = one([AV, AV, FG, FG])
    assert not p.basic_or_incompetent


def test_y2_three_average_is_y2():
    _, p = one([AV, AV, AV, FG])
    assert p.basic_or_incompetent


def test_y2_average_and_poor_are_counted_together():
    _, p = one([AV, AV, PO, FG])
    assert p.basic_or_incompetent
    _, p = one([AV, PO, FG, FG])
    assert not p.basic_or_incompetent


def test_y2_limit_is_a_setting():
    s = Settings(annual=AnnualSettings(average_poor_max=1))
    _, p = one([AV, PO, FG, FG], settings=s)
    assert p.basic_or_incompetent


# ---------------------------------------------------------------- Y3 §五(一)¶3


def test_y3_all_poor():
    _, p = one([PO, PO, PO, PO])
    assert p.may_be_incompetent and p.basic_or_incompetent


def test_y3_one_quarter_not_poor_is_not_y3():
    _, p = one([PO, PO, PO, AV])
    assert not p.may_be_incompetent


@pytest.mark.parametrize("others", [[UN, UN, UN], [AB, AB, AB], [PO, UN, AB]])
def test_y3_undetermined_or_absent_quarters_are_not_poor(others):
    """Issue 14 item 5: 较差 + three 不确定 (or 未参加) is not 均为较差."""
    _, p = one([PO, *others])
    assert not p.may_be_incompetent


def test_y3_quarters_before_the_hire_do_not_count():
    _, p = one([None, None, PO, PO])  # hired in Q3: not listed in Q1, Q2
    assert p.may_be_incompetent
    _, p = one([None, None, PO, AB])
    assert not p.may_be_incompetent


def test_y3_missing_ledgers_leave_it_provisional():
    p = person("001", "张三")
    out = evaluate_year(roster(p), ledgers([p], {"001": [PO, PO, PO, PO]}, quarters=(1, 2)), 2026)
    py = out.people[0]
    assert py.may_be_incompetent and py.provisional and "暂定" in py.remark()


def test_y3_needs_at_least_one_graded_quarter():
    _, p = one([UN, UN, AB, AB])
    assert p.graded == 0 and not p.may_be_incompetent


# ---------------------------------------------------------------- Y4 §五(一)¶4


def test_y4_refused_or_falsified():
    _, p = one([FG, FG, FG, FG], refused_or_falsified=True, refused_or_falsified_year=2026)
    assert p.incompetent
    _, p = one([FG, FG, FG, FG])
    assert not p.incompetent


# ---------------------------------------------------------------- counts, line, follow-ups


def test_counts_and_sequence():
    _, p = one([G, UN, AB, PO])
    assert (p.good, p.fairly_good, p.average, p.poor, p.undetermined, p.absent) == (1, 0, 0, 1, 1, 1)
    assert p.sequence == [G, UN, AB, PO]


def test_registration_line():
    _, p = one([G, FG, AV, UN])
    assert p.registration_line(2026) == (
        "2026年平时考核：第一季度好、第二季度较好、第三季度一般、第四季度不确定等次。")


def test_follow_ups_by_quarter():
    a, b = person("001", "张三"), person("002", "李四")
    out = evaluate_year(roster(a, b), ledgers([a, b], {"001": [AV, G, PO, G], "002": [FG, AV, FG, FG]}),
                        2026)
    got = [(f.quarter, f.person.name, f.action) for f in out.follow_ups]
    assert got == [(1, "张三", FollowUpAction.TALK), (2, "李四", FollowUpAction.TALK),
                   (3, "张三", FollowUpAction.CRITICISE)]


# ---------------------------------------------------------------- Y0 coverage


def test_missing_quarter_makes_results_provisional():
    p = person("001", "张三")
    ls = ledgers([p], {"001": [G, G, FG, FG]}, quarters=(1, 2, 3))
    out = evaluate_year(roster(p), ls, 2026)
    assert out.missing_quarters == [4] and out.provisional
    py = out.people[0]
    assert py.excellent_candidate and py.provisional and py.missing_quarters == [4]
    assert py.status[4] == QuarterStatus.NO_LEDGER
    f = [f for f in out.findings if f.rule == "Y0"]
    assert len(f) == 1 and f[0].severity == Severity.WARNING and "第四季度" in f[0].message
    assert "缺台账" in py.registration_line(2026)
    assert "暂定" in py.remark()


def test_no_missing_finding_when_all_four():
    out, _ = one([G, G, G, G])
    assert out.findings == []


def test_duplicate_quarter_ledger_is_error():
    p = person("001", "张三")
    ls = ledgers([p], {"001": [G, G, FG, FG]})
    dup = ls[1].model_copy(update={"source": "台账-副本.xlsx"})
    out = evaluate_year(roster(p), [*ls, dup], 2026)
    errors = [f for f in out.findings if f.severity == Severity.ERROR]
    assert len(errors) == 1 and "第二季度" in errors[0].message and errors[0].file == "台账-副本.xlsx"
    assert out.people[0].good == 2  # identical duplicates still agree


def test_conflicting_duplicate_makes_person_provisional():
    p = person("001", "张三")
    ls = ledgers([p], {"001": [G, G, FG, FG]})
    other = ledgers([p], {"001": [G, AV, FG, FG]})[1]
    out = evaluate_year(roster(p), [*ls, other], 2026)
    py = out.people[0]
    assert py.status[2] == QuarterStatus.CONFLICT and py.quarters[2] is None
    assert py.provisional and py.missing_quarters == [2]
    assert any(f.severity == Severity.ERROR for f in out.findings)


def test_per_unit_ledgers_of_one_quarter_merge_without_error():
    a, b = person("001", "张三"), person("002", "李四", unit="瓯海分中心")
    la = ledgers([a], {"001": [G, G, G, G]})
    lb = ledgers([b], {"002": [FG, FG, FG, FG]})
    out = evaluate_year(roster(a, b), [*la, *lb], 2026)
    assert out.findings == []
    assert [p.good for p in out.people] == [4, 0]


def test_ledger_of_another_year_is_error_and_ignored():
    p = person("001", "张三")
    ls = ledgers([p], {"001": [G, G, G, G]})
    old = ledgers([p], {"001": [PO, PO, PO, PO]}, year=2025)[0]
    out = evaluate_year(roster(p), [*ls, old], 2026)
    errors = [f for f in out.findings if f.severity == Severity.ERROR]
    assert len(errors) == 1 and "2025" in errors[0].message
    assert out.people[0].good == 4


def test_person_in_ledger_not_in_roster_is_finding():
    a, gone = person("001", "张三"), person("009", "王五")
    out = evaluate_year(roster(a), ledgers([a, gone], {"001": [G] * 4, "009": [G] * 4}), 2026)
    assert [p.name for p in out.people] == ["张三"]
    f = [f for f in out.findings if f.staff_id == "009"]
    assert len(f) == 1 and f[0].severity == Severity.WARNING and "花名册" in f[0].message


def test_person_not_listed_in_existing_ledger_is_not_provisional():
    a, b = person("001", "张三"), person("002", "新人")
    out = evaluate_year(roster(a, b), ledgers([a, b], {"001": [G] * 4, "002": [None, None, G, G]}),
                        2026)
    nb = out.people[1]
    assert nb.status[1] == QuarterStatus.NOT_LISTED and not nb.provisional
    assert nb.excellent_candidate
    assert "第一季度无考核记录" in nb.registration_line(2026)


def test_off_establishment_people_without_results_are_skipped():
    a, b = person("001", "张三"), person("002", "编外", on_establishment=False)
    out = evaluate_year(roster(a, b), ledgers([a], {"001": [G] * 4}), 2026)
    assert [p.name for p in out.people] == ["张三"]


def test_good_repeatedly_lists_two_or_more_good_whatever_else():
    a, b, c = person("001", "甲"), person("002", "乙"), person("003", "丙")
    out = evaluate_year(roster(a, b, c),
                        ledgers([a, b, c], {"001": [G, G, AV, FG], "002": [G, FG, FG, FG],
                                            "003": [G, G, G, FG]}), 2026)
    assert [p.name for p in out.good_repeatedly] == ["甲", "丙"]
    assert [p.name for p in out.candidates] == ["丙"]


# ---------------------------------------------------------------- Y0 by case: level and place


def place(f):
    return (f.rule, f.severity, f.unit, f.person, f.staff_id, f.file, f.sheet, f.cell)


def y0(out):
    assert all(f.rule == "Y0" and f.clause == "§五(一)" for f in out.findings)
    return [place(f) for f in out.findings]


ERR, WARN = Severity.ERROR, Severity.WARNING


def test_y0_other_year_names_the_ledger():
    p = person("001", "张三")
    old = ledgers([p], {"001": [G] * 4}, year=2025)[2]
    out = evaluate_year(roster(p), [*ledgers([p], {"001": [G] * 4}), old], 2026)
    assert y0(out) == [("Y0", ERR, None, None, None, "台账-2025Q3.xlsx", None, None)]


def test_y0_quarter_out_of_range_names_the_ledger():
    p = person("001", "张三")
    bad = ledgers([p], {"001": [G] * 4})[0].model_copy(update={"quarter": 5, "source": "台账-Q5.xlsx"})
    out = evaluate_year(roster(p), [*ledgers([p], {"001": [G] * 4}), bad], 2026)
    assert y0(out) == [("Y0", ERR, None, None, None, "台账-Q5.xlsx", None, None)]


def test_y0_duplicate_ledger_names_the_later_one():
    p = person("001", "张三")
    ls = ledgers([p], {"001": [G] * 4})
    dup = ls[2].model_copy(update={"source": "台账-副本.xlsx"})
    out = evaluate_year(roster(p), [*ls, dup], 2026)
    assert y0(out) == [("Y0", ERR, None, None, None, "台账-副本.xlsx", None, None)]
    assert "台账-2026Q3.xlsx" in out.findings[0].message


def test_y0_twice_in_one_ledger_names_the_person():
    p = person("001", "张三")
    ls = ledgers([p], {"001": [G] * 4})
    ls[1].results.append(ls[1].results[0].model_copy())
    out = evaluate_year(roster(p), ls, 2026)
    assert y0(out) == [("Y0", ERR, "鹿城分中心", "张三", "001", "台账-2026Q2.xlsx", None, None)]
    assert "出现2次" in out.findings[0].message


def test_y0_missing_quarters_is_one_warning():
    p = person("001", "张三")
    out = evaluate_year(roster(p), ledgers([p], {"001": [G] * 4}, quarters=(2, 4)), 2026)
    assert y0(out) == [("Y0", WARN, None, None, None, None, None, None)]
    assert "第一、三季度" in out.findings[0].message


def test_y0_not_on_the_roster_names_the_person_and_grades():
    a, gone = person("001", "张三"), person("009", "王五", unit="瓯海分中心")
    out = evaluate_year(roster(a), ledgers([a, gone], {"001": [G] * 4, "009": [G, None, AV, G]}),
                        2026)
    assert y0(out) == [("Y0", WARN, "瓯海分中心", "王五", "009", None, None, None)]
    assert "第一季度好、第三季度一般、第四季度好" in out.findings[0].message


def test_y0_findings_keep_their_order():
    """Other year, then per quarter the duplicates, then the missing quarters, then the
    people not on the roster."""
    a, gone = person("001", "张三"), person("009", "王五")
    ls = ledgers([a, gone], {"001": [G] * 4, "009": [G] * 4}, quarters=(1, 2, 3))
    dup = ls[0].model_copy(update={"source": "副本.xlsx"})
    old = ls[1].model_copy(update={"year": 2025, "source": "旧.xlsx"})
    out = evaluate_year(roster(a), [old, *ls, dup], 2026)
    assert [(f.severity, f.file or f.staff_id) for f in out.findings] == [
        (ERR, "旧.xlsx"), (ERR, "副本.xlsx"), (WARN, None), (WARN, "009")]


# Y1–Y4 report no finding: they set the PersonYear flags that 附件6 and the year lists read
# (tests above, by rule); §五(二) follow-ups likewise.


def test_y1_to_y4_flags_each_on_its_own():
    cases = {"candidate": [G, G, FG, FG], "y2": [AV, AV, PO, FG], "y3": [None, None, PO, PO]}
    people = [person(f"00{i}", name) for i, name in enumerate([*cases, "y4"], start=1)]
    people[3] = person("004", "y4", refused_or_falsified=True, refused_or_falsified_year=2026)
    grades = {p.staff_id: cases.get(p.name, [FG] * 4) for p in people}
    out = evaluate_year(roster(*people), ledgers(people, grades), 2026)
    assert out.findings == []
    flags = {p.name: (p.excellent_candidate, p.basic_or_incompetent, p.may_be_incompetent,
                      p.incompetent) for p in out.people}
    assert flags == {"candidate": (True, False, False, False), "y2": (False, True, False, False),
                     "y3": (False, False, True, False), "y4": (False, False, False, True)}
    assert [p.name for p in out.candidates] == ["candidate"]
    assert [p.name for p in out.basic_or_incompetent] == ["y2"]
    assert [p.name for p in out.may_be_incompetent] == ["y3"]
    assert [p.name for p in out.incompetent] == ["y4"]


@pytest.mark.parametrize(("qs", "text"), [([1], "第一季度"), ([1, 3, 4], "第一、三、四季度"), ([], "")])
def test_quarter_list(qs, text):
    assert quarter_list(qs) == text


# ---------------------------------------------------------------- properties

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from kaoping.models import Outcome  # noqa: E402

_seq = st.lists(st.sampled_from(list(Outcome)), min_size=4, max_size=4)


@given(_seq)
def test_year_rules_properties(seq):
    _, p = one(seq)
    graded = [o for o in seq if o in (G, FG, AV, PO)]
    assert sum(p.counts.values()) == 4 and p.graded == len(graded)
    assert p.excellent_candidate == (seq.count(G) >= 2 and AV not in seq and PO not in seq)
    assert p.basic_or_incompetent == (seq.count(AV) + seq.count(PO) > 2)
    assert p.may_be_incompetent == all(o == PO for o in seq)
    assert not (p.excellent_candidate and (p.basic_or_incompetent or p.may_be_incompetent))
    line = p.registration_line(2026)
    assert line.startswith("2026年平时考核：第一季度") and line.count("季度") == 4
