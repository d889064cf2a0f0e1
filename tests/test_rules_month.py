"""kaoping.rules.month: 附件1 (§四(一)) and 附件2 (§四(二)) rules, both sides of each boundary."""

from __future__ import annotations

import datetime as dt

import pytest

from helpers_month import LONG, identity, monthly, person, roster, rules, task, weekly
from kaoping.models import FormIdentity, MonthlySummary, Severity, SourceRef, TaskStatus
from kaoping.periods import Month
from kaoping.rules.month import check_month_batch, check_monthly, check_ytd, unit_tallies
from kaoping.rules.week import check_week_batch, check_weekly
from kaoping.rules.settings import Settings, TextSettings

JULY = Month(2026, 7)
WD = 23.0  # July 2026 workdays (any value works for the pure engine)

# ---------------------------------------------------------------- 附件1 一周小记


def test_clean_week_has_no_findings():
    assert check_weekly(weekly()) == []


@pytest.mark.parametrize("text", ["完成了", "差不多", "OK", "正在办"])
def test_w1_invalid_status_lists_the_three_values(text):
    [f] = check_weekly(weekly(tasks=[task(status=None, status_text=text, completed_on=None)]))
    assert (f.rule, f.severity) == ("W1", Severity.ERROR)
    assert text in f.message
    for allowed in ("进行中", "已完成", "无法完成"):
        assert allowed in f.message
    assert f.sheet == "第2周" and f.file == "张三-2026-07.xlsx" and "5" in f.cell


def test_w2_blank_status_on_a_row_with_item():
    [f] = check_weekly(weekly(tasks=[task(status=None, status_text=None, completed_on=None)]))
    assert (f.rule, f.severity) == ("W2", Severity.ERROR)
    assert "未填写完成情况" in f.message


def test_w2_not_raised_on_a_row_without_item_but_w9_is():
    found = check_weekly(weekly(tasks=[task(item=None, status=None, status_text=None,
                                            completed_on=None, note="待定")]))
    assert rules(found) == ["W9"]


def test_w3_done_needs_its_completion_date():
    [f] = check_weekly(weekly(tasks=[task(completed_on=None)]))
    assert (f.rule, f.severity) == ("W3", Severity.ERROR)
    assert "已完成的注明完成时间" in f.message
    assert check_weekly(weekly(tasks=[task(completed_on=dt.date(2026, 7, 12))])) == []


@pytest.mark.parametrize(("status_text", "note", "ok"), [
    ("无法完成", None, False),
    ("无法完成。", "  ", False),
    ("无法完成", "对方材料未到", True),
    ("无法完成（系统升级停机）", None, True),
    ("无法完成:缺少批文", None, True),
])
def test_w4_failed_needs_a_reason(status_text, note, ok):
    found = check_weekly(weekly(tasks=[task(status=TaskStatus.FAILED, status_text=status_text,
                                            note=note, completed_on=None)]))
    if ok:
        assert found == []
    else:
        [f] = found
        assert (f.rule, f.severity) == ("W4", Severity.ERROR)
        assert "无法完成的说明原因" in f.message


def test_each_kind_of_bad_status_in_one_log():
    log = weekly(tasks=[
        task(5, status=None, status_text="完成了", completed_on=None),  # W1
        task(6, status=None, status_text=None, completed_on=None),  # W2
        task(7, completed_on=None),  # W3
        task(8, status=TaskStatus.FAILED, status_text="无法完成", completed_on=None),  # W4
        task(9, status=TaskStatus.IN_PROGRESS, status_text="进行中", completed_on=None,
             deadline=dt.date(2026, 7, 8)),  # W5
        task(10),  # fine
    ])
    found = check_weekly(log)
    assert rules(found) == ["W1", "W2", "W3", "W4", "W5"]
    assert {f.cell for f in found if f.rule != "W5"} >= {"第5行", "第6行", "第7行", "第8行"}


def test_w5_in_progress_past_deadline_boundary():
    # Week 2 of July 2026 ends on Sunday 12 July.
    on_time = task(status=TaskStatus.IN_PROGRESS, status_text="进行中", completed_on=None,
                   deadline=dt.date(2026, 7, 12))
    late = on_time.model_copy(update={"deadline": dt.date(2026, 7, 11)})
    assert check_weekly(weekly(tasks=[on_time])) == []
    [f] = check_weekly(weekly(tasks=[late]))
    assert (f.rule, f.severity) == ("W5", Severity.WARNING)
    assert "2026-07-11" in f.message
    # a 完成时限 written as text ("7月底") cannot be compared: no finding
    vague = on_time.model_copy(update={"deadline": None, "deadline_text": "月底前"})
    assert check_weekly(weekly(tasks=[vague])) == []


def test_w6_item_without_date_is_a_warning():
    [f] = check_weekly(weekly(tasks=[task(received_on=None)]))
    assert (f.rule, f.severity) == ("W6", Severity.WARNING)


def test_w7_dates_after_week_end_boundary():
    assert check_weekly(weekly(tasks=[task(received_on=dt.date(2026, 7, 12),
                                           completed_on=dt.date(2026, 7, 12))])) == []
    found = check_weekly(weekly(tasks=[task(received_on=dt.date(2026, 7, 13),
                                            completed_on=dt.date(2026, 7, 13))]))
    assert rules(found) == ["W7", "W7"]
    assert all(f.severity == Severity.WARNING for f in found)
    assert any("2026-07-13" in f.message and "晚于本周结束日" in f.message for f in found)


def test_w7_completed_before_received():
    [f] = check_weekly(weekly(tasks=[task(received_on=dt.date(2026, 7, 8),
                                          completed_on=dt.date(2026, 7, 7))]))
    assert f.rule == "W7" and "早于接到任务的日期" in f.message
    # the same day is fine
    assert check_weekly(weekly(tasks=[task(received_on=dt.date(2026, 7, 8),
                                           completed_on=dt.date(2026, 7, 8))])) == []


def test_w7_uses_computed_week_when_form_gives_no_dates():
    log = weekly(tasks=[task(received_on=dt.date(2026, 7, 13), completed_on=None,
                             deadline=dt.date(2026, 7, 20),
                             status=TaskStatus.IN_PROGRESS, status_text="进行中")])
    log = log.model_copy(update={"week_start": None, "week_end": None})
    assert rules(check_weekly(log)) == ["W7"]


def test_w8_empty_week_is_info_and_blank_rows_do_not_count():
    [f] = check_weekly(weekly(tasks=[]))
    assert (f.rule, f.severity) == ("W8", Severity.INFO)
    blank = task(received_on=None, item=None, deadline=None, status=None, status_text=None,
                 completed_on=None)
    assert rules(check_weekly(weekly(tasks=[blank]))) == ["W8"]


def test_task_cells_use_the_reader_column_letters():
    log = weekly(tasks=[task(7, completed_on=None)])
    log.source.cells.update({"col:status": "F", "col:note": "G"})
    [f] = check_weekly(log)
    assert f.cell == "F7"
    log.tasks[0] = task(7, status=TaskStatus.FAILED, status_text="无法完成", completed_on=None)
    [f] = check_weekly(log)
    assert f.cell == "G7"


def test_w10_duplicate_week_in_batch():
    a, b = weekly(2), weekly(2, file="张三-副本.xlsx")
    found = check_week_batch([a, b])
    [dup] = [f for f in found if f.rule == "W10"]
    assert dup.file == "张三-副本.xlsx" and "张三-2026-07.xlsx" in dup.message
    assert check_week_batch([weekly(2), weekly(3)]) == []
    other = weekly(2, ident=identity("王五", "A002"))
    assert check_week_batch([a, other]) == []


# ---------------------------------------------------------------- 附件2 月度小结


def test_clean_summary_has_no_findings():
    assert check_monthly(monthly(), workdays=WD) == []


def test_m1_blank_block_is_a_warning():
    [f] = check_monthly(monthly(problems="  "), workdays=WD)
    assert (f.rule, f.severity, f.cell) == ("M1", Severity.WARNING, "C6")
    assert "存在的问题" in f.message


def test_m2_all_blocks_blank_is_an_error():
    found = check_monthly(monthly(daily_work=None, key_tasks="", problems=None, next_plans=None),
                          workdays=WD)
    assert rules(found) == ["M2"] and found[0].severity == Severity.ERROR


def test_m3_block_length_boundary():
    settings = Settings()
    n = settings.text.min_block_chars
    exact = "字" * n
    assert check_monthly(monthly(key_tasks=exact), workdays=WD, settings=settings) == []
    [f] = check_monthly(monthly(key_tasks=exact[:-1]), workdays=WD, settings=settings)
    assert (f.rule, f.severity) == ("M3", Severity.INFO)
    assert "重点突出，避免泛泛而谈" in f.message and "重要任务项目" in f.message
    # whitespace does not count toward the length
    [f] = check_monthly(monthly(key_tasks=" ".join(exact[:-1]) + "   "), workdays=WD)
    assert f.rule == "M3"


def test_m3_threshold_comes_from_settings():
    s = Settings(text=TextSettings(min_block_chars=3))
    assert check_monthly(monthly(key_tasks="写三字"), workdays=WD, settings=s) == []
    assert rules(check_monthly(monthly(key_tasks="两字"), workdays=WD, settings=s)) == ["M3"]


def test_m4_signature():
    [f] = check_monthly(monthly(verifier_signature=None), workdays=WD)
    assert (f.rule, f.severity, f.cell) == ("M4", Severity.WARNING, "D10")


def test_m5_missing_week_names_its_dates():
    s = monthly()
    s.weeks = [w for w in s.weeks if w.week != 3]
    [f] = check_monthly(s, workdays=WD)
    assert (f.rule, f.severity) == ("M5", Severity.WARNING)
    assert "第3周" in f.message and "7月13日至7月19日" in f.message


def test_m5_week_of_another_month():
    s = monthly()
    s.weeks.append(weekly(1, month=6))
    found = check_monthly(s, workdays=WD)
    assert rules(found) == ["M5"] and "不属于2026年7月" in found[0].message


@pytest.mark.parametrize(("value", "ok"), [(0.0, True), (0.5, True), (1.5, True), (3.0, True),
                                           (0.3, False), (1.25, False), (-0.5, False)])
def test_m6_half_day_multiples_and_sign(value, ok):
    found = check_monthly(monthly(sick_personal_days=value, sick_personal_days_ytd=10.0),
                          workdays=WD)
    if ok:
        assert found == []
    else:
        [f] = found
        assert (f.rule, f.severity, f.cell) == ("M6", Severity.ERROR, "D8")


def test_m7_blank_attendance_is_info():
    found = check_monthly(monthly(annual_leave_days=None), workdays=WD)
    assert rules(found) == ["M7"] and found[0].severity == Severity.INFO


def test_m8_leave_up_to_workdays_boundary():
    ok = monthly(sick_personal_days=20.0, annual_leave_days=3.0,
                 sick_personal_days_ytd=20.0, annual_leave_days_ytd=3.0)
    assert check_monthly(ok, workdays=23.0) == []
    over = monthly(sick_personal_days=20.0, annual_leave_days=3.5,
                   sick_personal_days_ytd=20.0, annual_leave_days_ytd=3.5)
    [f] = check_monthly(over, workdays=23.0)
    assert (f.rule, f.severity) == ("M8", Severity.ERROR)
    assert "23.5" in f.message and "23" in f.message
    # unknown calendar: the bound is not checked
    assert check_monthly(over, workdays=None) == []


# ---------------------------------------------------------------- 全年累计


def test_ytd_disagreeing_with_previous_month():
    june = monthly(6, sick_personal_days=1.0, sick_personal_days_ytd=2.0)
    july = monthly(7, sick_personal_days=1.0, sick_personal_days_ytd=4.0)
    [f] = check_ytd([july, june])
    assert (f.rule, f.severity) == ("M9", Severity.ERROR)
    assert f.file == "张三-2026-07.xlsx" and f.cell == "D9"
    assert "张三-2026-06.xlsx D9" in f.message  # previous month's file and cell
    assert "6月" in f.message and "7月" in f.message and "应为 3 天" in f.message


def test_ytd_consistent_chain():
    months = [monthly(m, sick_personal_days=1.0, sick_personal_days_ytd=float(m),
                      annual_leave_days=0.5, annual_leave_days_ytd=0.5 * m) for m in range(1, 6)]
    assert check_ytd(months) == []


def test_ytd_january_equals_its_month():
    assert check_ytd([monthly(1, annual_leave_days=2.0, annual_leave_days_ytd=2.0)]) == []
    [f] = check_ytd([monthly(1, annual_leave_days=2.0, annual_leave_days_ytd=2.5)])
    assert f.rule == "M9" and "年初 0 天" in f.message and "应为 2 天" in f.message


def test_ytd_gap_is_noted_and_bounded():
    may = monthly(5, sick_personal_days=1.0, sick_personal_days_ytd=3.0)
    july_ok = monthly(7, sick_personal_days=1.0, sick_personal_days_ytd=5.0)  # June unknown
    found = check_ytd([may, july_ok])
    assert rules(found) == ["M10"] and "6月" in found[0].message
    july_low = monthly(7, sick_personal_days=1.0, sick_personal_days_ytd=3.5)
    found = check_ytd([may, july_low])
    assert rules(found) == ["M10", "M9"]
    [m9] = [f for f in found if f.rule == "M9"]
    assert "至少应为 4 天" in m9.message
    # exactly the lower bound is fine
    assert rules(check_ytd([may, monthly(7, sick_personal_days=1.0,
                                         sick_personal_days_ytd=4.0)])) == ["M10"]


def test_ytd_first_month_present_is_not_january():
    # January and February were not collected: 全年累计 can only be bounded below, and
    # months before the first collected one are not reported as gaps.
    [f] = check_ytd([monthly(3, annual_leave_days=2.0, annual_leave_days_ytd=1.5)])
    assert f.rule == "M9" and "至少应为 2 天" in f.message
    assert check_ytd([monthly(3, annual_leave_days=2.0, annual_leave_days_ytd=2.0)]) == []
    assert check_ytd([monthly(3, annual_leave_days=2.0, annual_leave_days_ytd=9.0)]) == []


def test_ytd_skips_blank_ytd_and_compares_with_last_known():
    jan = monthly(1, sick_personal_days=1.0, sick_personal_days_ytd=1.0)
    feb = monthly(2, sick_personal_days=1.0, sick_personal_days_ytd=None)
    mar_ok = monthly(3, sick_personal_days=1.0, sick_personal_days_ytd=3.0)
    assert check_ytd([jan, feb, mar_ok]) == []
    mar_bad = monthly(3, sick_personal_days=1.0, sick_personal_days_ytd=2.0)
    [f] = check_ytd([jan, feb, mar_bad])
    assert f.rule == "M9" and "2月至3月" in f.message and "应为 3 天" in f.message


def test_ytd_keeps_people_and_years_apart():
    a = monthly(1, sick_personal_days=1.0, sick_personal_days_ytd=1.0)
    b = monthly(2, ident=identity("王五", "A002"), sick_personal_days=1.0,
                sick_personal_days_ytd=0.5)  # 王五's own chain: below his own month
    c = monthly(2, year=2027, sick_personal_days=0.0, sick_personal_days_ytd=0.0)
    [f] = check_ytd([a, b, c])
    assert f.rule == "M9" and f.person == "王五"
    # 张三 2026-01 then 2027-02 are different years: no comparison, no gap note
    assert check_ytd([a, c]) == []


# ---------------------------------------------------------------- batch


def test_batch_clean():
    r = roster(person("A001", "张三"))
    assert check_month_batch(JULY, [monthly()], [], r, workdays=WD) == []


def test_batch_wrong_month_and_duplicate():
    found = check_month_batch(JULY, [monthly(), monthly(file="张三-副本.xlsx"), monthly(8)], [],
                              workdays=WD)
    assert rules(found) == ["M11", "M12"]
    [dup] = [f for f in found if f.rule == "M12"]
    assert dup.severity == Severity.ERROR and "张三-2026-07.xlsx" in dup.message


def test_batch_missing_people_per_unit_and_unknown_person():
    r = roster(person("A001", "张三"), person("B001", "赵六", unit="瑞安分中心"),
               person("C001", "钱七", on_establishment=False),
               person("D001", "孙八", hired_on=dt.date(2026, 8, 1)))
    stranger = monthly(ident=identity("陌生人", None))
    found = check_month_batch(JULY, [monthly(), stranger], [], r, workdays=WD)
    assert rules(found) == ["M13", "M14"]
    [missing] = [f for f in found if f.rule == "M13"]
    assert (missing.unit, missing.person, missing.severity) == ("瑞安分中心", "赵六", Severity.WARNING)


def test_batch_matches_name_only_forms_to_the_roster_and_uses_history_for_ytd():
    r = roster(person("A001", "张三", unit="归集处"))
    june = monthly(6, ident=identity("张 三", None, unit="手写单位"), sick_personal_days=1.0,
                   sick_personal_days_ytd=2.0)
    july = monthly(7, sick_personal_days=1.0, sick_personal_days_ytd=4.0)
    found = check_month_batch(JULY, [july], [], r, workdays=WD, history=[june])
    assert rules(found) == ["M9"]
    # history of a later month or another year is ignored, and never reported as M11
    assert check_month_batch(JULY, [monthly()], [], r, workdays=WD,
                             history=[monthly(9, sick_personal_days_ytd=99.0)]) == []


def test_batch_weekly_sheets_are_checked_under_the_summary_person():
    s = monthly()
    s.weeks[1].tasks.append(task(6, status=None, status_text="差不多", completed_on=None))
    s.weeks[1].identity = identity(name=None, staff_id=None, unit=None)
    found = check_month_batch(JULY, [s], [], roster(person("A001", "张三")), workdays=WD)
    [f] = found
    assert f.rule == "W1" and f.person == "张三" and f.unit == "归集处"


def test_batch_standalone_logs_fill_missing_weeks():
    s = monthly()
    third = next(w for w in s.weeks if w.week == 3)
    s.weeks.remove(third)
    assert rules(check_month_batch(JULY, [s], [], workdays=WD)) == ["M5"]
    loose = third.model_copy(update={"identity": identity(staff_id=None)})
    assert check_month_batch(JULY, [s], [loose], roster(person("A001", "张三")), workdays=WD) == []


def test_unit_tallies():
    r = roster(person("A001", "张三"), person("A002", "王五"),
               person("B001", "赵六", unit="瑞安分中心"))
    summaries = [monthly(verifier_signature=None), monthly(ident=identity("王五", "A002"),
                                                           daily_work=None, key_tasks=None,
                                                           problems=None, next_plans=None)]
    found = check_month_batch(JULY, summaries, [], r, workdays=WD)
    tallies = {t.unit: t for t in unit_tallies(JULY, summaries, found, r)}
    assert (tallies["归集处"].due, tallies["归集处"].received, tallies["归集处"].missing) == (2, 2, 0)
    assert (tallies["归集处"].errors, tallies["归集处"].warnings) == (1, 1)
    assert (tallies["瑞安分中心"].due, tallies["瑞安分中心"].received,
            tallies["瑞安分中心"].missing, tallies["瑞安分中心"].warnings) == (1, 0, 1, 1)


@pytest.mark.parametrize("module", ["kaoping.rules.month", "kaoping.rules.week"])
def test_engine_is_pure(module):
    import importlib

    source = open(importlib.import_module(module).__file__, encoding="utf-8").read()
    for forbidden in ("openpyxl", "rich", "typer", "open(", "print("):
        assert forbidden not in source


def test_long_text_helper_is_long_enough():
    assert len(LONG) >= Settings().text.min_block_chars


def test_batch_reports_ytd_only_for_this_months_summaries():
    may = monthly(5, sick_personal_days=1.0, sick_personal_days_ytd=1.0)
    june_bad = monthly(6, sick_personal_days=1.0, sick_personal_days_ytd=5.0)  # should be 2
    july = monthly(7, sick_personal_days=1.0, sick_personal_days_ytd=6.0)  # 5 + 1: consistent
    assert rules(check_ytd([may, june_bad, july])) == ["M9"]  # June's own error
    assert check_month_batch(JULY, [july], [], workdays=WD, history=[may, june_bad]) == []
    july_bad = july.model_copy(update={"sick_personal_days_ytd": 7.0})
    [f] = check_month_batch(JULY, [july_bad], [], workdays=WD, history=[may, june_bad])
    assert f.rule == "M9" and f.file == july_bad.source.file


def test_batch_checks_standalone_logs_of_this_month_only():
    s = monthly()
    bad = weekly(2, tasks=[task(status=None, status_text="差不多", completed_on=None)],
                 file="张三-第2周.xlsx")
    found = check_month_batch(JULY, [s], [bad], workdays=WD)
    assert rules(found) == ["W1", "W10"]  # bad row, and week 2 logged twice
    assert {f.file for f in found} == {"张三-第2周.xlsx"}
    june = weekly(2, month=6, tasks=[task(status=None, status_text="差不多", completed_on=None)])
    assert check_month_batch(JULY, [s], [june], workdays=WD) == []


def test_batch_m14_unit_mismatch_is_info_and_ambiguous_name_a_warning():
    r = roster(person("A001", "张三", unit="归集处"), person("A002", "李四", unit="归集处"),
               person("B002", "李四", unit="瑞安分中心"))
    moved = monthly(ident=identity("张三", None, unit="财务处"))
    found = check_month_batch(JULY, [moved], [], r, workdays=WD)
    assert rules(found) == ["M13", "M13", "M14"]  # the two 李四 sent nothing
    [f] = [f for f in found if f.rule == "M14"]
    assert (f.severity, f.unit, f.staff_id) == (Severity.INFO, "归集处", "A001")
    twin = monthly(ident=identity("李四", None, unit="办公室"))
    found = check_month_batch(JULY, [twin], [], r, workdays=WD)
    m14 = [f for f in found if f.rule == "M14"]
    assert [f.severity for f in m14] == [Severity.WARNING] and "A002" in m14[0].message
    assert rules(found).count("M13") == 3  # nobody is matched


def test_split_history_skips_later_months_with_one_note():
    from kaoping.rules.month import other_months_note, split_history

    def summary(month: int, year: int = 2026):
        return MonthlySummary(source=SourceRef(file=f"{year}-{month}.xlsx"), identity=FormIdentity(name="张三"),
                              year=year, month=month)

    forms = [summary(7), summary(8), summary(9), summary(9), summary(8, 2025)]
    batch, history, other = split_history(Month(2026, 8), forms)
    assert [s.month for s in batch] == [8]
    assert [s.month for s in history] == [7]
    assert sorted((s.year, s.month) for s in other) == [(2025, 8), (2026, 9), (2026, 9)]
    notes = other_months_note(Month(2026, 8), other)
    assert [(f.rule, f.severity) for f in notes] == [("M11", Severity.INFO)]
    assert "2026年9月 2 份" in notes[0].message and "2025年8月 1 份" in notes[0].message
    assert other_months_note(Month(2026, 8), []) == []


# ---------------------------------------------------------------- M4: who signed (§四(二)2)


@pytest.mark.parametrize(("signed", "expected"), [
    ("李四", None),  # the roster's 直管领导
    ("王处长 王五", None),  # the 分管领导 (a 科室长's 直管领导), written with his title
    ("张三", "是本人（张三）签字"),
    ("赵七", "不是花名册中的直管领导或分管领导（李四、王五）"),
])
def test_m4_signature_against_the_roster_leaders(signed, expected):
    p = person("A001", "张三", direct_leader="李四", supervising_leader="王五")
    s = monthly(ident=identity("张三", "A001"), verifier_signature=signed)
    found = [f for f in check_month_batch(JULY, [s], [], roster(p), workdays=WD) if f.rule == "M4"]
    if expected is None:
        assert found == []
        return
    [f] = found
    assert f.severity == Severity.WARNING and expected in f.message
    assert (f.person, f.staff_id, f.file, f.sheet, f.cell) == ("张三", "A001", "张三-2026-07.xlsx",
                                                               "月度小结", "D10")


def test_m4_signature_without_roster_leaders_is_only_checked_for_self():
    p = person("A001", "张三")
    other = monthly(ident=identity("张三", "A001"), verifier_signature="赵七")
    assert [f for f in check_month_batch(JULY, [other], [], roster(p), workdays=WD)
            if f.rule == "M4"] == []
    own = monthly(ident=identity("张三", "A001"), verifier_signature="张三")
    assert rules(check_month_batch(JULY, [own], [], roster(p), workdays=WD)) == ["M4"]
