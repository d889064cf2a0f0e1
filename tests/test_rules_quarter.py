"""rules.quarter: good_cap and Q1–Q8, each on both sides of its boundary."""

from __future__ import annotations

import datetime as dt

import pytest
from helpers_quarter import AV, FG, G, PO, Q3, case, form, leave, person, roster

from kaoping.calendar import hire_workdays
from kaoping.models import (
    Outcome,
    QuarterFlag,
    RankCategory,
    Severity,
    SpecialCategory,
)
from kaoping.periods import Quarter
from kaoping.rules.quarter import evaluate_quarter, good_cap, special_categories
from kaoping.rules.settings import Settings

S = Settings()
ERROR, WARNING = Severity.ERROR, Severity.WARNING


def run(people, forms, att=(), *, workdays=60, settings=S, quarter=Q3):
    return evaluate_quarter(roster(*people), quarter, list(forms), list(att), workdays=workdays,
                            settings=settings,
                            hire_workdays=hire_workdays(people, quarter, settings.attendance.workdays))


def rules(outcome, rule=None, severity=None):
    return [f for f in outcome.findings
            if (rule is None or f.rule == rule) and (severity is None or f.severity == severity)]


def problems(outcome):
    """Errors and warnings (提示 such as "no attendance data given" left out)."""
    return [f for f in outcome.findings if f.severity != Severity.INFO]


def unit_of(n, unit="办公室", start=1, group=None):
    return [person(f"{unit[:1]}{i:03d}", f"{unit}{i}号", unit, group=group) for i in range(start, start + n)]


def graded_forms(people, goods):
    return [form(p, G if i < goods else FG) for i, p in enumerate(people)]


def result_of(outcome, staff_id):
    return next(r for r in outcome.results if r.staff_id == staff_id)


# ---------------------------------------------------------------- good_cap (§四(三)3)


@pytest.mark.parametrize(("n", "cap"), [(0, 0), (1, 0), (2, 0), (3, 1), (5, 2), (10, 4), (12, 4),
                                        (13, 5), (100, 40)])
def test_good_cap_floor(n, cap):
    assert good_cap(n, S) == cap


def test_good_cap_rounding_settings():
    rnd = Settings.model_validate({"quota": {"rounding": "round"}})
    ceil = Settings.model_validate({"quota": {"rounding": "ceil"}})
    assert good_cap(12, rnd) == 5  # 4.8
    assert good_cap(11, rnd) == 4  # 4.4
    assert good_cap(5, Settings.model_validate({"quota": {"rounding": "round", "good_ratio": 0.5}})) == 3  # 2.5 half up
    assert good_cap(11, ceil) == 5  # 4.4
    assert good_cap(10, ceil) == 4  # exactly 4: no float 4.000…1 creeping up


def test_good_cap_is_exact_arithmetic():
    # In floats 0.7 * 10 = 7.000000000000001 and 0.1 * 30 = 3.0000000000000004 (ceil → 8, 4);
    # 0.3 * 3 = 0.8999999999999999… exact fractions give the figures the measures mean.
    assert good_cap(10, Settings.model_validate({"quota": {"good_ratio": 0.7, "rounding": "ceil"}})) == 7
    assert good_cap(30, Settings.model_validate({"quota": {"good_ratio": 0.1, "rounding": "ceil"}})) == 3
    assert good_cap(10, Settings.model_validate({"quota": {"good_ratio": 0.3}})) == 3
    assert good_cap(10, Settings()) == 4


# ---------------------------------------------------------------- Q2 quota


def test_ten_people_four_good_is_within_quota():
    people = unit_of(10)
    out = run(people, graded_forms(people, 4))
    assert rules(out, "Q2") == []
    (q,) = out.quotas
    assert (q.key, q.participants, q.denominator, q.good, q.cap, q.over) == ("办公室", 10, 10, 4, 4, False)
    assert q.ratio == 0.4 and q.ratio_text == "40%"


def test_ten_people_five_good_is_over_quota():
    people = unit_of(10)
    out = run(people, graded_forms(people, 5))
    (f,) = rules(out, "Q2")
    assert f.severity == ERROR and f.unit == "办公室"
    assert "5 人" in f.message and "上限 4 人" in f.message and "50%" in f.message
    for p in people[:5]:
        assert p.name in f.message
    assert people[5].name not in f.message
    assert out.quotas[0].over


@pytest.mark.parametrize(("goods", "over"), [(4, False), (5, True)])
def test_twelve_people_cap_four(goods, over):
    people = unit_of(12)
    out = run(people, graded_forms(people, goods))
    assert out.quotas[0].cap == 4
    assert bool(rules(out, "Q2", ERROR)) is over


@pytest.mark.parametrize(("goods", "over"), [(0, False), (1, True)])
def test_two_people_cap_zero(goods, over):
    people = unit_of(2)
    out = run(people, graded_forms(people, goods))
    assert out.quotas[0].cap == 0
    assert bool(rules(out, "Q2", ERROR)) is over


def test_commended_good_is_outside_the_count():
    people = unit_of(10)
    forms = graded_forms(people, 4)
    forms[9] = form(people[9], G, commended=True, opinion="获市中心表彰，直接定好")
    out = run(people, forms)
    assert rules(out, "Q2") == [] and rules(out, "Q3") == []
    q = out.quotas[0]
    assert (q.good, q.commended, q.cap) == (4, 1, 4)
    r = result_of(out, people[9].staff_id)
    assert r.outcome == Outcome.GOOD and QuarterFlag.COMMENDED in r.flags
    # Without the commendation the fifth 好 is over the cap.
    forms[9] = form(people[9], G)
    assert rules(run(people, forms), "Q2", ERROR)


def test_quota_group_pools_two_small_units():
    a = unit_of(2, "档案科", group="机关")
    b = unit_of(3, "财务处", group="机关")
    forms = [form(a[0], G), form(a[1], FG), form(b[0], G), form(b[1], FG), form(b[2], FG)]
    out = run(a + b, forms)
    assert rules(out, "Q2") == []
    (q,) = out.quotas
    assert (q.key, q.units, q.participants, q.good, q.cap) == ("机关", ["档案科", "财务处"], 5, 2, 2)
    # Ungrouped, the two-person unit may have no 好 at all.
    a2 = unit_of(2, "档案科")
    b2 = unit_of(3, "财务处")
    forms2 = [form(a2[0], G), form(a2[1], FG), form(b2[0], G), form(b2[1], FG), form(b2[2], FG)]
    out2 = run(a2 + b2, forms2)
    errors = rules(out2, "Q2", ERROR)
    assert [f.unit for f in errors] == ["档案科"]
    # A third 好 in the group is over, and the message names both units and the people.
    forms[4] = form(b[2], G)
    (f,) = rules(run(a + b, forms), "Q2", ERROR)
    assert "档案科" in f.message and "财务处" in f.message and "机关" in f.message
    assert a[0].name in f.message and b[2].name in f.message


def test_centre_wide_ratio():
    a = unit_of(10, "办公室")
    b = unit_of(5, "财务处")
    out = run(a + b, graded_forms(a, 4) + graded_forms(b, 1))
    assert out.centre is not None and out.centre.key == "全中心"
    assert (out.centre.participants, out.centre.good, out.centre.cap) == (15, 5, 6)
    assert out.centre.ratio == pytest.approx(5 / 15)


def test_absent_people_are_not_participants():
    people = unit_of(10)
    out = run(people, graded_forms(people[:5], 2))  # 5 forms, 2 好, cap of 5 = 2
    q = out.quotas[0]
    assert (q.participants, q.cap, q.over) == (5, 2, False)
    out = run(people, graded_forms(people[:5], 3))
    assert out.quotas[0].over


def test_denominator_setting_for_not_graded_people():
    people = unit_of(8) + [person("X1", "试用甲", rank_category=RankCategory.PROBATION),
                           person("X2", "试用乙", rank_category=RankCategory.PROBATION)]
    forms = graded_forms(people[:8], 4) + [form(people[8], None, None), form(people[9], None, None)]
    out = run(people, forms)  # participants: 10 → cap 4
    q = out.quotas[0]
    assert (q.participants, q.graded, q.denominator, q.cap, q.over) == (10, 8, 10, 4, False)
    graded = Settings.model_validate({"quota": {"denominator": "graded"}})
    q = run(people, forms, settings=graded).quotas[0]
    assert (q.denominator, q.cap, q.over) == (8, 3, True)


# ---------------------------------------------------------------- Q1 ticks


def test_one_tick_each_final_grade_is_the_leaders():
    p = person("001", "张三")
    out = run([p], [form(p, AV, self_=G)])
    r = out.results[0]
    assert (r.self_grade, r.leader_grade, r.outcome) == (G, AV, Outcome.AVERAGE)
    assert rules(out, "Q1") == []


@pytest.mark.parametrize("ticks", [[], [G, FG]])
def test_self_tick_missing_or_double(ticks):
    p = person("001", "张三")
    out = run([p], [form(p, FG, self_=ticks)])
    (f,) = rules(out, "Q1")
    assert f.severity == ERROR and f.cell == "C9:F9" and "自评" in f.message
    assert (f.rule, f.unit, f.person, f.staff_id, f.sheet) == ("Q1", "办公室", "张三", "001", "季度评价表")
    assert f.file.endswith(".xlsx")
    assert out.results[0].outcome == Outcome.FAIRLY_GOOD


@pytest.mark.parametrize("ticks", [[], [G, PO]])
def test_leader_tick_missing_or_double(ticks):
    p = person("001", "张三")
    out = run([p], [form(p, ticks)])
    (f,) = rules(out, "Q1")
    assert f.cell == "C12:F12" and "领导评价" in f.message
    r = out.results[0]
    assert r.outcome == Outcome.UNDETERMINED and r.leader_grade is None and "待更正" in r.note


# ---------------------------------------------------------------- Q3 / Q4


def test_commended_but_not_good_is_an_error():
    p = person("001", "张三")
    out = run([p], [form(p, FG, commended=True, opinion="受表彰")])
    (f,) = rules(out, "Q3")
    assert f.severity == ERROR and f.cell == "C14"
    assert QuarterFlag.COMMENDED not in out.results[0].flags


def test_commended_and_good_is_fine():
    p = person("001", "张三")
    out = run([p], [form(p, G, commended=True, opinion="受市委表彰")])
    assert rules(out, "Q3") == [] and rules(out, "Q7") == []


def test_direct_poor_must_be_graded_poor():
    p = person("001", "张三")
    bad = run([p], [form(p, AV, direct_poor=True, opinion="推诿扯皮")])
    (f,) = rules(bad, "Q4")
    assert f.severity == ERROR and "较差" in f.message
    ok = run([p], [form(p, PO, direct_poor=True, opinion="推诿扯皮")])
    assert rules(ok, "Q4") == [] and QuarterFlag.DIRECT_POOR in ok.results[0].flags


def test_commended_and_direct_poor_together():
    p = person("001", "张三")
    out = run([p], [form(p, G, commended=True, direct_poor=True, opinion="x")])
    assert any("同时勾选" in f.message for f in rules(out, "Q3"))


# ---------------------------------------------------------------- Q5 attendance


@pytest.mark.parametrize("grade", [G, FG])
def test_low_attendance_cannot_be_good_or_fairly_good(grade):
    p = person("001", "张三")
    out = run([p], [form(p, grade, opinion="出勤不足")], [leave("001", 7, sick=12.5)])
    (f,) = rules(out, "Q5", ERROR)
    assert "47.5/60" in f.message and "79.2%" in f.message and "80%" in f.message
    assert f.cell == "C12:F12"
    assert QuarterFlag.LOW_ATTENDANCE in out.results[0].flags


def test_exactly_80_percent_may_be_good():
    p = person("001", "张三")
    out = run([p], [form(p, G)], [leave("001", 7, sick=12)])
    assert rules(out, "Q5", ERROR) == []
    r = out.results[0]
    assert (r.required_days, r.attended_days) == (60, 48) and QuarterFlag.LOW_ATTENDANCE not in r.flags


def test_low_attendance_with_average_is_fine_but_flagged():
    p = person("001", "张三")
    out = run([p], [form(p, AV, opinion="病假较多，出勤未达标")], [leave("001", 7, sick=13)])
    assert rules(out, "Q5", ERROR) == [] and rules(out, "Q7") == []
    assert QuarterFlag.LOW_ATTENDANCE in out.results[0].flags and "出勤未达80%" in out.results[0].note


def test_annual_and_comp_leave_reduce_required_days():
    p = person("001", "张三")
    # required = 60 − 5 − 5 = 50; 10 sick → 40/50 = 80% → fine; 10.5 → low.
    ok = run([p], [form(p, G)], [leave("001", 7, sick=10, annual=5, comp=5)])
    assert rules(ok, "Q5", ERROR) == []
    bad = run([p], [form(p, G, opinion="x")], [leave("001", 7, sick=10.5, annual=5, comp=5)])
    assert rules(bad, "Q5", ERROR)


def test_no_workdays_skips_attendance_with_a_note():
    p = person("001", "张三")
    out = run([p], [form(p, G)], [leave("001", 7, sick=50)], workdays=None)
    assert rules(out, "Q5", ERROR) == []
    assert [f.severity for f in rules(out, "Q5")] == [Severity.INFO]
    assert out.results[0].required_days is None


def test_missing_months_are_noted():
    p = person("001", "张三")
    out = run([p], [form(p, FG)], [leave("001", 7)])
    (f,) = rules(out, "Q5")
    assert f.severity == Severity.INFO and "8月、9月" in f.message


def test_person_hired_during_the_quarter_counts_workdays_from_hire_date():
    # Hired 1 Sep 2026 (a transfer, not in probation): September has 22 workdays.
    p = person("001", "张三", hired_on=dt.date(2026, 9, 1))
    ok = run([p], [form(p, G)], [leave("001", 9, sick=4)], workdays=66)  # 18/22 = 81.8%
    assert rules(ok, "Q5", ERROR) == []
    assert ok.results[0].required_days == 22
    bad = run([p], [form(p, G, opinion="x")], [leave("001", 9, sick=5)], workdays=66)  # 17/22
    assert rules(bad, "Q5", ERROR)


# ---------------------------------------------------------------- Q6 not graded (§二)


def test_probation_is_category_one_and_not_graded():
    p = person("001", "新人", rank_category=RankCategory.PROBATION)
    out = run([p], [form(p, None, None)])
    r = out.results[0]
    assert r.outcome == Outcome.UNDETERMINED and r.special_categories == [SpecialCategory.NEW_RECRUIT]
    assert QuarterFlag.NOT_GRADED in r.flags and problems(out) == []


def test_ticks_of_not_graded_people_are_warnings_and_never_good():
    people = unit_of(2)
    newbie = person("N1", "新人", rank_category=RankCategory.PROBATION)
    out = run(people + [newbie], [form(people[0], FG), form(people[1], FG),
                                  form(newbie, G, self_=G)])
    (f,) = rules(out, "Q6")
    assert f.severity == WARNING and f.cell == "C9:F9、C12:F12" and "新录用公务员" in f.message
    assert result_of(out, "N1").outcome == Outcome.UNDETERMINED
    assert out.quotas[0].good == 0 and rules(out, "Q2") == []  # cap of 3 is 1, but 0 好 counted


ANY_OVERLAP = Settings.model_validate({"categories": {"applies": "any_overlap"}})


# §二 1: in probation on the quarter's last day (default), or on any day of it (any_overlap).
@pytest.mark.parametrize(("until", "settings", "category_one"), [
    (dt.date(2026, 9, 30), S, True), (dt.date(2026, 9, 29), S, False),
    (dt.date(2026, 7, 1), S, False),
    (dt.date(2026, 7, 1), ANY_OVERLAP, True), (dt.date(2026, 6, 30), ANY_OVERLAP, False),
])
def test_probation_until_boundary(until, settings, category_one):
    p = person("001", probation_until=until)
    assert (SpecialCategory.NEW_RECRUIT in special_categories(p, Q3, settings=settings)) is category_one


@pytest.mark.parametrize(("start", "end", "last_day", "any_day"), [
    (dt.date(2026, 5, 1), dt.date(2026, 7, 3), False, True),  # investigation closed 3 July
    (dt.date(2026, 5, 1), dt.date(2026, 7, 1), False, True),  # ends on the quarter's first day
    (dt.date(2026, 5, 1), dt.date(2026, 6, 30), False, False),  # ended the day before
    (dt.date(2026, 5, 1), dt.date(2026, 9, 30), True, True),  # ends on the last day
    (dt.date(2026, 5, 1), dt.date(2026, 9, 29), False, True),  # ends the day before it
    (dt.date(2026, 9, 30), None, True, True),  # starts on the last day
    (dt.date(2026, 10, 1), None, False, False),  # starts after the quarter
    (None, None, True, True),
])
def test_special_case_in_force(start, end, last_day, any_day):
    for cat in (SpecialCategory.UNDER_INVESTIGATION, SpecialCategory.DISCIPLINED,
                SpecialCategory.ORG_HANDLING, SpecialCategory.NEW_RECRUIT):
        p = person("001", cases=[case(cat, start, end)])
        assert (cat in special_categories(p, Q3)) is last_day
        assert (cat in special_categories(p, Q3, settings=ANY_OVERLAP)) is any_day


def test_a_case_closed_early_in_the_quarter_leaves_the_grade():
    """Issue 14 item 4: an investigation closed on 2026-07-03 no longer removes the Q3 grade;
    with applies = "any_overlap" it does, and 附件5's 备注 names the category with its dates."""
    p = person("001", cases=[case(SpecialCategory.UNDER_INVESTIGATION, dt.date(2026, 5, 6),
                                  dt.date(2026, 7, 3))])
    out = run([p], [form(p, FG)])
    assert out.results[0].outcome == Outcome.FAIRLY_GOOD and out.results[0].note is None
    out = run([p], [form(p, None, None)], settings=ANY_OVERLAP)
    r = out.results[0]
    assert r.outcome == Outcome.UNDETERMINED
    assert r.note == "不定档：涉嫌违纪违法被立案调查尚未结案（2026-05-06至2026-07-03）"


def test_the_note_names_each_category_with_its_dates():
    p = person("001", probation_until=dt.date(2027, 1, 31),
               cases=[case(SpecialCategory.DISCIPLINED, dt.date(2026, 3, 1))])
    out = run([p], [form(p, None, None)])
    assert out.results[0].note == "不定档：新录用公务员（试用期至2027-01-31）、受处分（2026-03-01起）"


def test_disciplined_person_ticked_good_is_not_counted():
    people = unit_of(3)
    people[0] = person("D1", "受处分者", cases=[case(SpecialCategory.DISCIPLINED, dt.date(2026, 1, 1))])
    out = run(people, [form(people[0], G), form(people[1], G), form(people[2], FG)])
    assert result_of(out, "D1").outcome == Outcome.UNDETERMINED
    assert out.quotas[0].good == 1 and rules(out, "Q2") == []  # cap of 3 = 1
    assert rules(out, "Q6")[0].staff_id == "D1"


def test_more_than_half_sick_leave_is_category_two():
    p = person("001", "张三")
    out = run([p], [form(p, None, None)], [leave("001", 7, sick=20), leave("001", 8, sick=10.5)])
    assert out.results[0].special_categories == [SpecialCategory.LONG_LEAVE]
    assert out.results[0].outcome == Outcome.UNDETERMINED


def test_exactly_half_sick_leave_is_graded():
    p = person("001", "张三")
    out = run([p], [form(p, AV, opinion="病假较多")], [leave("001", 7, sick=30)])
    assert out.results[0].special_categories == []
    assert out.results[0].outcome == Outcome.AVERAGE


# ---------------------------------------------------------------- Q7 leader opinion


@pytest.mark.parametrize("kw", [dict(leader=G, commended=True), dict(leader=PO, direct_poor=True)])
@pytest.mark.parametrize("opinion", [None, "", "  \u3000 "])
def test_direct_grades_need_an_opinion(kw, opinion):
    p = person("001", "张三")
    out = run([p], [form(p, opinion=opinion, **kw)])
    (f,) = rules(out, "Q7")
    assert f.severity == ERROR and f.cell == "C13"


@pytest.mark.parametrize("kw", [dict(leader=G, commended=True), dict(leader=PO, direct_poor=True)])
def test_direct_grades_with_an_opinion(kw):
    p = person("001", "张三")
    assert rules(run([p], [form(p, opinion="说明情况", **kw)]), "Q7") == []


def test_low_attendance_needs_an_opinion():
    p = person("001", "张三")
    out = run([p], [form(p, AV, opinion=" ")], [leave("001", 7, sick=13)])
    (f,) = rules(out, "Q7")
    assert "出勤未达标" in f.message
    assert rules(run([p], [form(p, AV, opinion=" ")], [leave("001", 7, sick=12)]), "Q7") == []


def test_ordinary_form_needs_no_opinion():
    p = person("001", "张三")
    assert problems(run([p], [form(p, FG, opinion=None)])) == []


# ---------------------------------------------------------------- Q8 coverage


def test_due_person_without_form_is_absent():
    a, b = person("001", "张三"), person("002", "李四")
    out = run([a, b], [form(a, FG)])
    r = result_of(out, "002")
    assert r.outcome == Outcome.ABSENT and QuarterFlag.NO_FORM in r.flags
    (f,) = rules(out, "Q8")
    assert f.severity == WARNING and f.staff_id == "002" and "未参加" in f.message


def test_not_due_people_are_left_out():
    a = person("001", "张三")
    off = person("002", "编外", on_establishment=False)
    late = person("003", "新调入", hired_on=dt.date(2026, 10, 8))
    out = run([a, off, late], [form(a, FG)])
    assert [r.staff_id for r in out.results] == ["001"]
    assert problems(out) == []
    # A form from someone not due is not counted.
    out = run([a, off], [form(a, FG), form(off, G)])
    (f,) = rules(out, "Q8")
    assert f.severity == WARNING and "不在编" in f.message and out.quotas[0].good == 0


def test_form_for_unknown_person_is_an_error():
    a = person("001", "张三")
    out = run([a], [form(a, FG), form(None, G, staff_id="999", name="路人")])
    (f,) = rules(out, "Q8", ERROR)
    assert "999" in f.message and f.person == "路人"
    out = run([a], [form(a, FG), form(None, G, staff_id=None, name="路人", unit="办公室")])
    (f,) = rules(out, "Q8", ERROR)
    assert "花名册中没有「路人」" in f.message


def test_form_matched_by_name_and_unit_without_staff_id():
    a, b = person("001", "张三", "办公室"), person("002", "张三", "财务处")
    out = run([a, b], [form(None, FG, staff_id=None, name="张 三", unit="财务处"),
                       form(a, AV)])
    assert result_of(out, "002").outcome == Outcome.FAIRLY_GOOD and problems(out) == []


def test_ambiguous_same_names_ask_for_staff_id():
    a, b = person("001", "张三", "办公室"), person("002", "张三", "办公室")
    out = run([a, b], [form(None, FG, staff_id=None, name="张三", unit="办公室")])
    errors = rules(out, "Q8", ERROR)
    assert len(errors) == 1 and "请在表中填写工号" in errors[0].message


def test_two_forms_for_one_person_name_both_files():
    a = person("001", "张三")
    out = run([a], [form(a, FG, file="一/张三.xlsx"), form(a, G, file="二/张三.xlsx")])
    (f,) = rules(out, "Q8", ERROR)
    assert "一/张三.xlsx" in f.message and "二/张三.xlsx" in f.message
    assert out.results[0].outcome == Outcome.FAIRLY_GOOD


def test_form_for_another_quarter_is_an_error():
    a = person("001", "张三")
    out = run([a], [form(a, FG, quarter=2)])
    err = rules(out, "Q8", ERROR)
    assert len(err) == 1 and "第二季度" in err[0].message and err[0].cell == "A2"
    assert out.results[0].outcome == Outcome.ABSENT


def test_name_mismatch_with_staff_id_is_a_warning():
    a = person("001", "张三")
    out = run([a], [form(a, FG, name="张叁")])
    (f,) = rules(out, "Q8")
    assert f.severity == WARNING and "张叁" in f.message


def test_results_follow_roster_order_and_carry_identity():
    people = [person("003", "丙", "财务处"), person("001", "甲"), person("002", "乙")]
    out = run(people, [form(p, FG) for p in people])
    assert [r.staff_id for r in out.results] == ["003", "001", "002"]
    r = out.results[0]
    assert (r.unit, r.rank_category, r.source_file) == ("财务处", RankCategory.CLERK, "collected/丙-2026Q3.xlsx")


def test_other_quarter_object():
    a = person("001", "张三")
    out = evaluate_quarter(roster(a), Quarter(2026, 4), [form(a, FG, quarter=4)], [],
                           workdays=62, settings=S)
    assert out.results[0].outcome == Outcome.FAIRLY_GOOD


def test_no_attendance_data_is_noted_once():
    people = unit_of(3)
    out = run(people, [form(p, FG) for p in people])
    notes = rules(out, "Q5")
    assert len(notes) == 1 and notes[0].severity == Severity.INFO and "出勤数据" in notes[0].message
