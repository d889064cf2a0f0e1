"""rules.attendance: leave records and the §四(三)4(3) / §二 category 2 boundaries."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from helpers_quarter import Q3, leave, person, roster

from kaoping.models import FormIdentity, MonthlySummary, Severity, SourceRef
from kaoping.rules.attendance import (
    attendance_from_summaries,
    collect_attendance,
    format_ratio,
    merge_attendance,
    quarter_attendance,
    resolve_person,
)
from kaoping.rules.settings import Settings

S = Settings()


def summary(staff_id: str | None, month: int, sick=None, annual=None, *, name="张三", unit="办公室",
            file=None, year=2026) -> MonthlySummary:
    return MonthlySummary(
        source=SourceRef(file=file or f"{name}-{year}-{month:02d}.xlsx", sheet="月度小结表",
                         cells={"name": "B3"}),
        identity=FormIdentity(staff_id=staff_id, name=name, unit=unit),
        year=year, month=month, sick_personal_days=sick, annual_leave_days=annual,
        statutory_leave_days=0.0, comp_leave_days=0.0,
    )


# ---------------------------------------------------------------- records


def test_from_summaries_blank_counts_as_zero_and_is_remembered():
    recs = attendance_from_summaries([summary("001", 7, sick=2, annual=None),
                                      summary("001", 8, sick=None, annual=1.5)])
    assert [(r.month, r.sick_personal_days, r.annual_leave_days, r.comp_leave_days) for r in recs] == [
        (7, 2, 0, 0), (8, 0, 1.5, 0)]
    assert recs[0].blank_fields == ["annual_leave_days"]
    assert recs[1].blank_fields == ["sick_personal_days"]
    full = attendance_from_summaries([summary("001", 9, sick=0, annual=0)])
    assert full[0].blank_fields == []


def test_summaries_without_staff_id_resolved_by_name_or_reported():
    r = roster(person("001", "张三"), person("002", "李四", "财务处"), person("003", "李四", "办公室"))
    recs, findings = collect_attendance(
        [summary(None, 7, sick=1, name="张 三"), summary(None, 7, name="李四", unit=None),
         summary(None, 7, name="王五")], roster=r)
    assert [(x.staff_id, x.sick_personal_days) for x in recs] == [("001", 1)]
    assert len(findings) == 2 and all(f.severity == Severity.WARNING for f in findings)
    assert "请在表中填写工号" in findings[0].message and "王五" in findings[1].message
    # Without a roster there is no way to tell: left out with a warning.
    recs, findings = collect_attendance([summary(None, 7, sick=1)])
    assert recs == [] and len(findings) == 1


def test_duplicate_summary_keeps_first_and_names_both_files():
    recs, findings = collect_attendance([summary("001", 7, sick=1, file="a.xlsx"),
                                         summary("001", 7, sick=5, file="b.xlsx")])
    assert [r.sick_personal_days for r in recs] == [1]
    assert "a.xlsx" in findings[0].message and "b.xlsx" in findings[0].message


def test_sheet_records_override_summaries_for_same_person_and_month():
    summ = [leave("001", 7, sick=1), leave("001", 8, sick=2), leave("002", 7, sick=3)]
    sheet = [leave("001", 8, sick=0, comp=2), leave("003", 9, annual=1)]
    merged = merge_attendance(summ, sheet)
    got = {(r.staff_id, r.month): (r.sick_personal_days, r.comp_leave_days, r.annual_leave_days)
           for r in merged}
    assert got == {("001", 7): (1, 0, 0), ("001", 8): (0, 2, 0), ("002", 7): (3, 0, 0),
                   ("003", 9): (0, 0, 1)}
    assert len(merged) == 4


def test_resolve_person_by_id_then_name():
    r = roster(person("001", "张三"), person("002", "张三", "财务处"))
    assert resolve_person(r, "002", "whatever", None)[0].staff_id == "002"
    assert resolve_person(r, "999", "张三", None) == (None, "工号「999」不在花名册中")
    assert resolve_person(r, None, "张三", "财务处")[0].staff_id == "002"
    p, problem = resolve_person(r, None, "张三", None)
    assert p is None and "请在表中填写工号" in problem
    p, problem = resolve_person(roster(person("001", "张三")), None, "张三", "财务科")
    assert p.staff_id == "001" and "不一致" in problem


def test_summaries_that_are_left_out_do_not_stop_the_ones_after_them():
    r = roster(person("001", "张三"), person("002", "李四"))
    recs, findings = collect_attendance(
        [summary(None, 7, sick=9, name="王五"), summary("001", 7, sick=1, file="a.xlsx"),
         summary("001", 7, sick=5, file="b.xlsx"), summary("002", 7, sick=2, name="李四"),
         summary(None, 8, sick=3, name="李四")], roster=r)
    assert [(x.staff_id, x.month, x.sick_personal_days) for x in recs] == [
        ("001", 7, 1), ("002", 7, 2), ("002", 8, 3)]
    assert len(findings) == 2


def test_summary_without_staff_id_is_told_apart_by_unit():
    r = roster(person("002", "李四", "财务处"), person("003", "李四", "办公室"))
    recs, findings = collect_attendance([summary(None, 7, sick=1, name="李四", unit="财务处")], roster=r)
    assert [x.staff_id for x in recs] == ["002"] and findings == []
    assert [x.staff_id for x in attendance_from_summaries(
        [summary(None, 7, name="李四", unit="办公室")], roster=r)] == ["003"]


def test_records_keep_their_source_unless_asked_not_to():
    (rec,), _ = collect_attendance([summary("001", 7, sick=1, file="a.xlsx")])
    assert rec.source.file == "a.xlsx" and rec.comp_leave_days == 0
    (rec,), _ = collect_attendance([summary("001", 7, sick=1, file="a.xlsx")], sources=False)
    assert rec.source is None and rec.sick_personal_days == 1


def test_sheet_record_replaces_repeated_summary_records_once_in_their_place():
    merged = merge_attendance([leave("001", 7, sick=1), leave("002", 7, sick=2), leave("001", 7, sick=3)],
                              [leave("001", 7, sick=5), leave("003", 7, sick=6)])
    assert [(r.staff_id, r.sick_personal_days) for r in merged] == [("001", 5), ("002", 2), ("003", 6)]


def test_namesakes_in_one_unit_are_named_with_their_staff_ids():
    r = roster(person("001", "张三"), person("002", "张三"), person("003", "张三", "财务处"))
    assert resolve_person(r, None, "张三", "办公室") == (
        None, "花名册中「办公室」有 2 位「张三」（工号 001、002），请在表中填写工号")
    assert resolve_person(r, None, "张三", None) == (
        None, "花名册中有 3 位「张三」（办公室 001、办公室 002、财务处 003），请在表中填写工号")
    assert resolve_person(r, None, " ", None) == (None, "表中没有姓名，也没有工号，无法确定是谁的表")


# ---------------------------------------------------------------- the quarter


def test_required_and_attended_days():
    recs = [leave("001", 7, sick=2, annual=3), leave("001", 8, comp=1), leave("001", 9, sick=1.5),
            leave("002", 7, sick=30), leave("001", 6, sick=40)]  # other person, other quarter
    a = quarter_attendance("001", recs, 66, S, quarter=Q3)
    # §四(三)4(3): required = 66 − 3 年休 − 1 调休 = 62; attended = 62 − 3.5 = 58.5.
    assert (a.required_days, a.attended_days, a.sick_personal_days) == (62, 58.5, 3.5)
    assert a.ratio == pytest.approx(58.5 / 62)
    assert not a.low and not a.long_leave and a.missing_months == ()


def test_other_peoples_records_before_this_persons_are_skipped():
    recs = [leave("002", 7, sick=9), leave("001", 7, sick=1), leave("003", 8, sick=9),
            leave("001", 8, annual=2)]
    a = quarter_attendance("001", recs, 66, S, quarter=Q3)
    assert (a.staff_id, a.sick_personal_days, a.annual_leave_days) == ("001", 1, 2)
    from kaoping.periods import Month

    assert a.months == (Month(2026, 7), Month(2026, 8)) and a.missing_months == (Month(2026, 9),)


def test_leave_exactly_filling_the_workdays_is_not_inconsistent():
    all_annual = quarter_attendance("001", [leave("001", 7, annual=66)], 66, S, quarter=Q3)
    all_sick = quarter_attendance("001", [leave("001", 7, sick=60, annual=6)], 66, S, quarter=Q3)
    assert not all_annual.inconsistent and not all_sick.inconsistent
    assert (all_sick.required_days, all_sick.attended_days, all_sick.ratio) == (60, 0, 0)


def test_a_single_required_day_is_measured():
    # Hired on the quarter's last day: 1 workday. Half a day sick: 50% < 80%.
    half = quarter_attendance("001", [leave("001", 9, sick=0.5)], 1, S, quarter=Q3)
    assert (half.required_days, half.ratio, half.low) == (1, 0.5, True)
    assert quarter_attendance("001", [], 1, S, quarter=Q3).low is False
    # Half a required day left (half a day of 年休): measured, not "no required days".
    rest = quarter_attendance("001", [leave("001", 9, annual=0.5)], 1, S, quarter=Q3)
    assert (rest.required_days, rest.ratio, rest.low) == (0.5, 1.0, False)


def test_exactly_80_percent_passes():
    a = quarter_attendance("001", [leave("001", 7, sick=12)], 60, S, quarter=Q3)
    assert (a.attended_days, a.required_days, a.ratio) == (48, 60, 0.8)
    assert not a.low


def test_just_below_80_percent_fails():
    a = quarter_attendance("001", [leave("001", 7, sick=12.5)], 60, S, quarter=Q3)
    assert a.low and a.ratio_text == "79.2%"
    assert a.describe() == "出勤 47.5/60 天（79.2%）"


def test_80_percent_boundary_with_annual_leave_and_decimals():
    # required = 66 − 3.5 = 62.5; 80% = 50 → 12.5 sick days is exactly on the line.
    ok = quarter_attendance("001", [leave("001", 7, sick=12.5, annual=3.5)], 66, S, quarter=Q3)
    assert not ok.low
    bad = quarter_attendance("001", [leave("001", 7, sick=13, annual=3.5)], 66, S, quarter=Q3)
    assert bad.low


def test_exactly_half_sick_leave_is_not_long_leave():
    # §二 category 2: 超过一半 — strictly more than half of the quarter's 66 workdays.
    assert not quarter_attendance("001", [leave("001", 7, sick=20), leave("001", 8, sick=13)],
                                  66, S, quarter=Q3).long_leave
    assert quarter_attendance("001", [leave("001", 7, sick=20), leave("001", 8, sick=13.5)],
                              66, S, quarter=Q3).long_leave


def test_long_leave_measured_on_workdays_not_required_days():
    # 20 days of annual leave do not lower the half-way mark (33 of 66).
    a = quarter_attendance("001", [leave("001", 7, sick=33, annual=20)], 66, S, quarter=Q3)
    assert not a.long_leave and a.low


def test_settings_thresholds_are_used():
    s = Settings.model_validate({"attendance": {"min_ratio": 0.9, "long_leave_ratio": 0.25}})
    a = quarter_attendance("001", [leave("001", 7, sick=6.5)], 60, s, quarter=Q3)
    assert a.low  # 53.5/60 < 90%
    assert quarter_attendance("001", [leave("001", 7, sick=15.5)], 60, s, quarter=Q3).long_leave
    assert not quarter_attendance("001", [leave("001", 7, sick=15)], 60, s, quarter=Q3).long_leave


def test_missing_and_blank_months_and_inconsistency():
    from kaoping.periods import Month

    recs = attendance_from_summaries([summary("001", 7, sick=None, annual=None)])
    a = quarter_attendance("001", recs, 66, S, quarter=Q3)
    assert a.missing_months == (Month(2026, 8), Month(2026, 9))
    assert a.blank_months == (Month(2026, 7),)
    bad = quarter_attendance("001", [leave("001", 7, sick=50, annual=30)], 66, S, quarter=Q3)
    assert bad.inconsistent and bad.attended_days == 0 and bad.required_days == 36


def test_no_required_days_is_not_low():
    a = quarter_attendance("001", [leave("001", 7, annual=66)], 66, S, quarter=Q3)
    assert a.required_days == 0 and a.ratio is None and not a.low


def test_without_quarter_all_records_of_the_person_count():
    a = quarter_attendance("001", [leave("001", 1, sick=1), leave("001", 7, sick=1)], 66, S)
    assert a.sick_personal_days == 2


@pytest.mark.parametrize(("ratio", "text"), [(0.8, "80%"), (0.79999, "79.99%"), (0.7995, "79.95%"),
                                             (0.795, "79.5%"), (0.79949, "79.9%"), (4 / 11, "36.4%"),
                                             (5 / 13, "38.5%"), (1 / 6, "16.7%"), (1, "100%"),
                                             (0, "0%"), (None, "—")])
def test_format_ratio_never_rounds_up_to_the_threshold(ratio, text):
    assert format_ratio(ratio) == text


# ---------------------------------------------------------------- properties

half_days = st.integers(0, 140).map(lambda n: n / 2)


@given(sick=half_days, annual=half_days, comp=half_days, workdays=st.integers(40, 70))
def test_rules_match_integer_arithmetic_in_half_days(sick, annual, comp, workdays):
    a = quarter_attendance("001", [leave("001", 8, sick=sick, annual=annual, comp=comp)],
                           workdays, S, quarter=Q3)
    # Work in half-days (integers) so nothing is rounded: 2·required, 2·attended.
    req2 = max(2 * workdays - int(2 * annual) - int(2 * comp), 0)
    att2 = max(req2 - int(2 * sick), 0)
    assert a.low == (req2 > 0 and 5 * att2 < 4 * req2)  # §四(三)4(3) 80%
    assert a.long_leave == (int(2 * sick) > workdays)  # §二 超过一半: 2·sick > 2·(workdays/2)
    assert a.required_days == req2 / 2 and a.attended_days == att2 / 2
