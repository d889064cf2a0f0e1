"""rules.quarter by rule id: every finding of Q1–Q8 with its rule, level and place (unit,
person, 工号, file, sheet, cell), the form loop going on past a form that does not count,
hire dates at the quarter's edges, and commendations outside the quota."""

from __future__ import annotations

import datetime as dt

import pytest
from helpers_quarter import AV, FG, G, PO, Q3, form, leave, person, roster

from kaoping.calendar import hire_workdays
from kaoping.models import Outcome, QuarterFlag, RankCategory, Severity, SourceRef
from kaoping.rules.attendance import collect_attendance
from kaoping.rules.quarter import evaluate_quarter
from kaoping.rules.settings import Settings

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO
SHEET = "季度评价表"
# Every field in its own cell, so a finding pointing at the wrong field shows.
CELLS = {"self_ticks": "C9:F9", "leader_ticks": "C12:F12", "leader_opinion": "C13",
         "commended": "C14", "direct_poor": "E14", "period": "A2", "quarter": "A3",
         "name": "B4", "unit": "D4", "staff_id": "F4", "commendation_level": "C15",
         "commendation_name": "E15"}


def placed(ev, file=None, **cells):
    """`ev` read from `file` with the cells above (a cell given as None is absent)."""
    where = {k: v for k, v in {**CELLS, **cells}.items() if v is not None}
    return ev.model_copy(update={"source": SourceRef(file=file or ev.source.file, sheet=SHEET,
                                                     cells=where)})


def run(people, forms, att=(), *, workdays=60, settings=None, hired=None):
    return evaluate_quarter(roster(*people), Q3, list(forms), list(att), workdays=workdays,
                            settings=settings or Settings(), hire_workdays=hired)


def place(f):
    return (f.rule, f.severity, f.unit, f.person, f.staff_id, f.file, f.sheet, f.cell)


def only(outcome, rule, severity=None):
    (f,) = [f for f in outcome.findings if f.rule == rule
            and (severity is None or f.severity == severity)]
    return f


def result(outcome, staff_id):
    return next(r for r in outcome.results if r.staff_id == staff_id)


A = person("001", "张三")
B = person("002", "李四")
FILE_A = "collected/张三-2026Q3.xlsx"


def form_of(p=A, *args, **kw):
    return placed(form(p, *args, **kw))


# ---------------------------------------------------------------- Q1 §四(三)1(1)(2)


def test_q1_self_tick_missing():
    f = only(run([A], [form_of(A, FG, self_=[])]), "Q1")
    assert place(f) == ("Q1", ERROR, "办公室", "张三", "001", FILE_A, SHEET, "C9:F9")
    assert f.clause == "§四(三)1(1)(2)" and f.title


def test_q1_leader_ticks_double():
    out = run([A], [form_of(A, [G, FG])])
    assert place(only(out, "Q1")) == ("Q1", ERROR, "办公室", "张三", "001", FILE_A, SHEET, "C12:F12")
    assert result(out, "001").outcome == Outcome.UNDETERMINED


# ---------------------------------------------------------------- Q2 §四(三)3


def test_q2_over_the_cap_is_an_error_of_the_unit():
    people = [person(f"{i:03d}", f"员{i}") for i in range(1, 6)]  # cap 2
    out = run(people, [form_of(p, G if i < 3 else FG) for i, p in enumerate(people)])
    f = only(out, "Q2")
    assert place(f) == ("Q2", ERROR, "办公室", None, None, None, None, None)
    assert f.clause == "§四(三)3"


def test_q2_centre_over_with_every_unit_within_is_a_warning():
    ceil = Settings.model_validate({"quota": {"rounding": "ceil"}})
    people = [person(f"{i:03d}", f"员{i}", f"单位{i}") for i in range(1, 4)]  # each cap 1
    out = run(people, [form_of(p, G) for p in people], settings=ceil)  # centre: 3 > cap 2
    assert place(only(out, "Q2")) == ("Q2", WARNING, "全中心", None, None, None, None, None)
    assert not any(q.over for q in out.quotas) and out.centre.over


def test_two_commended_in_one_group_are_both_outside_the_cap():
    people = [person(f"{i:03d}", f"员{i}", "档案科" if i < 3 else "财务处", group="机关")
              for i in range(1, 6)]  # one group of 5: cap 2
    forms = [form_of(people[0], G, commended=True, opinion="获表彰"),
             form_of(people[1], G, commended=True, opinion="获表彰"),
             form_of(people[2], G), form_of(people[3], G), form_of(people[4], FG)]
    out = run(people, forms)
    (q,) = out.quotas
    assert (q.key, q.good, q.commended, q.cap, q.over) == ("机关", 2, 2, 2, False)
    assert q.good_people == ["员3（财务处）", "员4（财务处）"]
    assert not [f for f in out.findings if f.rule in ("Q2", "Q3")]
    assert all(QuarterFlag.COMMENDED in result(out, p.staff_id).flags for p in people[:2])
    # A third plain 好 is over the cap: the commended two still are not counted.
    forms[4] = form_of(people[4], G)
    assert only(run(people, forms), "Q2").severity == ERROR


# ---------------------------------------------------------------- Q3 / Q4 §四(三)4(1)(2)


def test_q3_commended_but_not_good():
    f = only(run([A], [form_of(A, FG, commended=True, opinion="表彰")]), "Q3")
    assert place(f) == ("Q3", ERROR, "办公室", "张三", "001", FILE_A, SHEET, "C14")


def test_q3_commended_box_missing_points_at_the_leader_ticks():
    ev = placed(form(A, FG, commended=True, opinion="表彰"), commended=None)
    assert only(run([A], [ev]), "Q3").cell == "C12:F12"


def test_q3_both_direct_boxes():
    out = run([A], [form_of(A, PO, commended=True, direct_poor=True, opinion="说明")])
    both = [f for f in out.findings if f.rule == "Q3" and "同时勾选" in f.message]
    assert [place(f) for f in both] == [("Q3", ERROR, "办公室", "张三", "001", FILE_A, SHEET, "C14、E14")]


def test_q3_opinion_suggesting_a_commendation_on_a_form_without_the_box():
    """§四(三)4(1) never from free text: without the box the 好 stays in the quota and Q3
    asks for the box; a grade other than 好 or a form with the box (unticked) says nothing."""
    people = [A, B, person("003", "王五")]
    for opinion in ("该同志负责筹备全市表彰大会，工作出色", "建议年底予以表彰"):
        forms = [form_of(A, G, opinion=opinion, box=False), form_of(B, G), form_of(people[2], FG)]
        out = run(people, forms)
        f = only(out, "Q3")
        assert place(f) == ("Q3", ERROR, "办公室", "张三", "001", FILE_A, SHEET, "C13")
        assert "勾选" in f.message and "表彰级别" in f.message
        assert QuarterFlag.COMMENDED not in result(out, "001").flags
        assert only(out, "Q2").severity == ERROR  # 2 好 of 3 > ⌊1.2⌋: the quota error stands
    quiet = [form_of(A, FG, opinion="建议年底予以表彰", box=False),
             form_of(B, G, opinion="建议年底予以表彰"),  # the box is there, left empty
             form_of(people[2], G, opinion="本季度未受表彰", box=False)]
    assert not [f for f in run(people, quiet).findings if f.rule == "Q3"]


@pytest.mark.parametrize(("level", "title", "cell", "words"), [
    (None, "防汛抢险先进个人", "C15", "表彰级别未填写"),
    ("科室", "防汛抢险先进个人", "C15", "表彰级别现为“科室”"),
    ("市中心", None, "E15", "未填写表彰名称"),
])
def test_q3_commendation_needs_its_level_and_name(level, title, cell, words):
    out = run([A, B], [form_of(A, G, commended=True, opinion="受表彰", level=level, title=title),
                       form_of(B, FG)])
    f = only(out, "Q3")
    assert place(f) == ("Q3", ERROR, "办公室", "张三", "001", FILE_A, SHEET, cell)
    assert words in f.message
    r = result(out, "001")
    assert QuarterFlag.COMMENDED not in r.flags and "待核实" in r.note  # counted in the quota


@pytest.mark.parametrize("level", ["市中心", "当地党委政府以上"])
def test_q3_commendation_with_level_and_name_is_outside_the_quota(level):
    out = run([A, B], [form_of(A, G, commended=True, opinion="受表彰", level=level), form_of(B, FG)])
    assert not [f for f in out.findings if f.rule in ("Q2", "Q3")]
    r = result(out, "001")
    assert QuarterFlag.COMMENDED in r.flags and f"{level}：防汛抢险先进个人" in r.note


def test_q3_commendation_needs_no_negative_circumstance():
    """如无负面情形: attendance under 80% is one; at 80% exactly it is not."""
    low = run([A], [form_of(A, G, commended=True, opinion="受表彰")], [leave("001", 7, sick=12.5)])
    f = only(low, "Q3")
    assert place(f) == ("Q3", ERROR, "办公室", "张三", "001", FILE_A, SHEET, "C14")
    assert "如无负面情形" in f.message and QuarterFlag.COMMENDED not in result(low, "001").flags
    fine = run([A], [form_of(A, G, commended=True, opinion="受表彰")], [leave("001", 7, sick=12)])
    assert not [f for f in fine.findings if f.rule == "Q3"]


def test_q4_direct_poor_but_not_poor():
    out = run([A], [form_of(A, AV, direct_poor=True, opinion="推诿")])
    assert place(only(out, "Q4")) == ("Q4", ERROR, "办公室", "张三", "001", FILE_A, SHEET, "E14")
    assert QuarterFlag.DIRECT_POOR in result(out, "001").flags


def test_q4_direct_poor_box_missing_points_at_the_leader_ticks():
    ev = placed(form(A, AV, direct_poor=True, opinion="推诿"), direct_poor=None)
    assert only(run([A], [ev]), "Q4").cell == "C12:F12"


# ---------------------------------------------------------------- Q5 §四(三)4(3), each level


def test_q5_error_low_attendance_graded_good():
    out = run([A], [form_of(A, G, opinion="说明")], [leave("001", 7, sick=12.5)])
    assert place(only(out, "Q5", ERROR)) == ("Q5", ERROR, "办公室", "张三", "001", FILE_A, SHEET,
                                             "C12:F12")


def test_q5_warning_more_leave_than_workdays():
    out = run([A], [form_of(A, AV, opinion="说明")], [leave("001", 7, sick=40, annual=30)])
    assert place(only(out, "Q5", WARNING)) == ("Q5", WARNING, "办公室", "张三", "001", None, None, None)


def test_q5_info_no_workdays():
    out = run([A], [form_of(A, G)], [leave("001", 7, sick=50)], workdays=None)
    assert place(only(out, "Q5")) == ("Q5", INFO, None, None, None, None, None, None)


def test_q5_info_no_attendance_data():
    out = run([A], [form_of(A, G)])
    assert place(only(out, "Q5")) == ("Q5", INFO, None, None, None, None, None, None)


def test_q5_info_missing_months_only_for_people_with_a_form():
    out = run([A, B], [form_of(A, FG)], [leave("001", 7), leave("002", 7)])
    f = only(out, "Q5")
    assert place(f) == ("Q5", INFO, "办公室", "张三", "001", None, None, None)
    assert "8月、9月" in f.message


def test_q5_info_hire_date_workdays_unknown():
    late = person("001", "张三", hired_on=dt.date(2026, 8, 3))
    out = run([late], [form_of(late, FG)], [leave("001", 8)], workdays=66,
              hired={"001": None})
    f = next(f for f in out.findings if "入职" in f.message)
    assert place(f) == ("Q5", INFO, "办公室", "张三", "001", None, None, None)
    assert result(out, "001").required_days == 66  # the whole quarter


def test_q5_warnings_of_the_leave_records():
    def summary(sid, name, file, unit="办公室"):
        from kaoping.models import FormIdentity, MonthlySummary

        return MonthlySummary(source=SourceRef(file=file, sheet="月度小结表", cells={"name": "B3"}),
                              identity=FormIdentity(staff_id=sid, name=name, unit=unit),
                              year=2026, month=7, sick_personal_days=1, annual_leave_days=0)

    _, found = collect_attendance([summary(None, "王五", "a.xlsx")], roster=roster(A))
    assert [place(f) for f in found] == [("Q5", WARNING, "办公室", "王五", None, "a.xlsx", "月度小结表", "B3")]
    _, found = collect_attendance([summary(None, "张三", "b.xlsx")])
    assert [place(f) for f in found] == [("Q5", WARNING, "办公室", "张三", None, "b.xlsx", "月度小结表", None)]
    _, found = collect_attendance([summary("001", "张三", "c.xlsx"), summary("001", "张三", "d.xlsx")])
    assert [place(f) for f in found] == [("Q5", WARNING, "办公室", "张三", "001", "d.xlsx", "月度小结表", None)]


# ---------------------------------------------------------------- Q6 §二, Q7 附件3 注


def test_q6_ticks_of_a_not_graded_person():
    newbie = person("001", "张三", rank_category=RankCategory.PROBATION)
    out = run([newbie], [form_of(newbie, G, self_=G)])
    assert place(only(out, "Q6")) == ("Q6", WARNING, "办公室", "张三", "001", FILE_A, SHEET,
                                      "C9:F9、C12:F12")


@pytest.mark.parametrize("box", ["commended", "direct_poor"])
def test_q6_a_direct_box_alone_is_a_tick_too(box):
    newbie = person("001", "张三", rank_category=RankCategory.PROBATION)
    out = run([newbie], [form_of(newbie, None, None, **{box: True})])
    assert only(out, "Q6").severity == WARNING


def test_q7_direct_grade_without_opinion():
    out = run([A], [form_of(A, G, commended=True, opinion=" ")])
    assert place(only(out, "Q7")) == ("Q7", ERROR, "办公室", "张三", "001", FILE_A, SHEET, "C13")


# ---------------------------------------------------------------- Q8 §二、§四(三)5, each case


def test_q8_wrong_quarter():
    out = run([A], [form_of(A, FG, quarter=2)])
    f = only(out, "Q8", ERROR)
    assert place(f) == ("Q8", ERROR, "办公室", "张三", "001", "collected/张三-2026Q2.xlsx", SHEET, "A2")
    assert result(out, "001").outcome == Outcome.ABSENT


def test_q8_wrong_quarter_without_a_period_cell_points_at_the_quarter():
    ev = placed(form(A, FG, quarter=2), period=None)
    assert only(run([A], [ev]), "Q8", ERROR).cell == "A3"


def test_q8_not_on_the_roster():
    ev = form_of(None, G, staff_id="999", name="路人", unit="财务处")
    f = only(run([A], [form_of(A), ev]), "Q8", ERROR)
    assert place(f) == ("Q8", ERROR, "财务处", "路人", "999", "collected/路人-2026Q3.xlsx", SHEET, "F4")


def test_q8_not_on_the_roster_without_staff_id_cell_points_at_the_name():
    ev = placed(form(None, G, staff_id=None, name="路人"), staff_id=None)
    assert only(run([A], [form_of(A), ev]), "Q8", ERROR).cell == "B4"


def test_q8_unit_differs_when_matched_by_name():
    ev = form_of(None, FG, staff_id=None, name="张三", unit="财务科")
    out = run([A], [ev])
    assert place(only(out, "Q8")) == ("Q8", WARNING, "办公室", "张三", "001",
                                      "collected/张三-2026Q3.xlsx", SHEET, "D4")
    assert result(out, "001").outcome == Outcome.FAIRLY_GOOD  # counted all the same


def test_q8_name_differs_from_the_roster():
    out = run([A], [form_of(A, FG, name="张叁")])
    assert place(only(out, "Q8")) == ("Q8", WARNING, "办公室", "张三", "001", FILE_A, SHEET, "B4")
    assert result(out, "001").outcome == Outcome.FAIRLY_GOOD


def test_q8_not_due():
    off = person("009", "编外", on_establishment=False)
    out = run([A, off], [form_of(A), form_of(off, G)])
    f = only(out, "Q8")
    assert place(f) == ("Q8", WARNING, "办公室", "编外", "009", "collected/编外-2026Q3.xlsx", SHEET, "B4")
    assert "不在编" in f.message
    late = person("009", "新调入", hired_on=dt.date(2026, 10, 1))
    assert "晚于本季度末" in only(run([A, late], [form_of(A), form_of(late)]), "Q8").message


def test_q8_second_form():
    out = run([A], [form_of(A, FG, file="一/张三.xlsx"), placed(form(A, G), file="二/张三.xlsx")])
    f = only(out, "Q8")
    assert place(f) == ("Q8", ERROR, "办公室", "张三", "001", "二/张三.xlsx", SHEET, "B4")
    assert result(out, "001").outcome == Outcome.FAIRLY_GOOD  # the first one counts


def test_q8_no_form():
    out = run([A, B], [form_of(A)])
    assert place(only(out, "Q8")) == ("Q8", WARNING, "办公室", "李四", "002", None, None, None)
    r = result(out, "002")
    assert (r.outcome, r.flags, r.note) == (Outcome.ABSENT, [QuarterFlag.NO_FORM], "未交评价表")


# ---------------------------------------------------------------- the form loop goes on


OFF = person("009", "编外", on_establishment=False)
BAD_FORMS = {
    "wrong quarter": lambda: form_of(A, G, quarter=2),
    "not on the roster": lambda: form_of(None, G, staff_id="999", name="路人"),
    "not due": lambda: form_of(OFF, G),
    "second form": lambda: form_of(A, FG, file="重复/张三.xlsx"),
}


@pytest.mark.parametrize("case", list(BAD_FORMS))
def test_forms_after_one_that_does_not_count_still_count(case):
    c = person("003", "王五")
    first = [form_of(A, FG, file="先/张三.xlsx")] if case == "second form" else []
    forms = [*first, BAD_FORMS[case](), form_of(B, AV), form_of(c, PO, direct_poor=True, opinion="x")]
    out = run([A, B, c, OFF], forms)
    assert result(out, "002").outcome == Outcome.AVERAGE
    assert result(out, "003").outcome == Outcome.POOR
    assert [f.file for f in out.findings if f.rule == "Q8" and f.file] == [forms[len(first)].source.file]
    assert [f.staff_id for f in out.findings if "未收到" in f.message] == (
        [] if case == "second form" else ["001"])


# ---------------------------------------------------------------- hired at the quarter's edges


def run_hired(hired_on, sick=0.0):
    p = person("001", "张三", hired_on=hired_on)
    people = [p]
    return run(people, [form_of(p, FG)], [leave("001", 9, sick=sick)], workdays=66,
               hired=hire_workdays(people, Q3))


def test_hired_on_the_quarters_last_day_is_due_with_that_days_workdays():
    out = run_hired(dt.date(2026, 9, 30))
    r = result(out, "001")
    assert (r.outcome, r.required_days, r.attended_days) == (Outcome.FAIRLY_GOOD, 1, 1)
    assert not [f for f in out.findings if f.rule == "Q8"]


def test_hired_on_the_quarters_first_day_counts_the_whole_quarter():
    out = run_hired(dt.date(2026, 7, 1))
    assert result(out, "001").required_days == 66
    assert not [f for f in out.findings if "入职" in f.message]


def test_hired_the_day_after_the_quarter_is_not_due():
    out = run_hired(dt.date(2026, 10, 1))
    assert out.results == []
    assert [f.severity for f in out.findings if f.rule == "Q8"] == [WARNING]  # its form: not due


def test_hire_date_workdays_bound_the_attendance():
    # Hired 1 Sep 2026: 22 workdays; 4.5 sick days → 17.5/22 < 80%.
    out = run_hired(dt.date(2026, 9, 1), sick=4.5)
    assert result(out, "001").required_days == 22
    assert QuarterFlag.LOW_ATTENDANCE in result(out, "001").flags
    assert out.attendance["001"].workdays == 22 and out.attendance["001"].sick_personal_days == 4.5


def test_hire_workdays_maps_only_people_hired_during_the_quarter():
    people = [person("1", hired_on=dt.date(2026, 7, 1)), person("2", hired_on=dt.date(2026, 7, 2)),
              person("3", hired_on=dt.date(2026, 9, 30)), person("4", hired_on=dt.date(2026, 10, 1)),
              person("5")]
    assert hire_workdays(people, Q3) == {"2": 65.0, "3": 1.0}
    from kaoping.periods import Quarter

    unknown = [person("6", hired_on=dt.date(2099, 2, 1))]
    assert hire_workdays(unknown, Quarter(2099, 1)) == {"6": None}
    assert hire_workdays(unknown, Quarter(2099, 1), {"2099-02": 20, "2099-03": 22}) == {"6": 42.0}


# ---------------------------------------------------------------- Q12 §四(三)1 blank parts


@pytest.mark.parametrize(("blank", "cell", "words"), [
    ({"highlights": None}, "C5", "主要工作亮点及成效"),
    ({"shortcomings": "  "}, "C6", "存在的不足和改进措施"),
    ({"signature": None}, "F14", "领导签字"),
])
def test_q12_blank_self_evaluation_or_signature_is_a_warning(blank, cell, words):
    ev = placed(form(A, FG, **blank), highlights="C5", shortcomings="C6", leader_signature="F14")
    out = run([A], [ev])
    f = only(out, "Q12")
    assert place(f) == ("Q12", WARNING, "办公室", "张三", "001", FILE_A, SHEET, cell)
    assert words in f.message
    assert result(out, "001").outcome == Outcome.FAIRLY_GOOD  # no grade changes


def test_q12_filled_form_says_nothing():
    assert not [f for f in run([A], [form_of(A, FG)]).findings if f.rule == "Q12"]
