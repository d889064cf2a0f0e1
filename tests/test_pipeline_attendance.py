"""The leave records the quarter pipeline builds from its 月度小结 records
(`rules.attendance.collect_attendance`): what they hold, whichever way they are asked for."""

from __future__ import annotations

from dataclasses import asdict, replace

from hypothesis import given, settings
from hypothesis import strategies as st

from helpers_month import identity, monthly, person, roster
from helpers_quarter import Q3, form, leave
from helpers_quarter import person as qperson
from helpers_quarter import roster as qroster
from kaoping.models import FormIdentity, MonthAttendance, MonthlySummary, SourceRef
from kaoping.rules.attendance import RosterIndex, collect_attendance
from kaoping.rules.month import summarize
from kaoping.rules.quarter import evaluate_quarter

days = st.one_of(st.none(), st.integers(0, 40).map(lambda n: n / 2), st.just(0.3))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["A1", "A2", None, " "]), st.sampled_from([7, 8]),
                          days, days), max_size=6))
def test_attendance_records_are_valid_records(rows):
    """Each record equals one made anew from its fields, from the summaries and from their
    records alike, and its leave days are floats."""
    summaries = [MonthlySummary(source=SourceRef(file=f"{i}.xlsx", sheet="月度小结"),
                                identity=FormIdentity(staff_id=sid, name="张三"), year=2026,
                                month=m, sick_personal_days=sick, annual_leave_days=annual)
                 for i, (sid, m, sick, annual) in enumerate(rows)]
    records, findings = collect_attendance(summaries)
    for r in records:
        again = MonthAttendance(**{k: v for k, v in asdict(r).items() if k != "source"},
                                source=r.source)
        assert r == again and asdict(r) == asdict(again)
        assert type(r.sick_personal_days) is float and type(r.comp_leave_days) is float
    assert collect_attendance([summarize(s) for s in summaries]) == (records, findings)


def test_records_without_sources_name_the_files_in_their_findings():
    def s(sid, month, sick, annual, file):
        return MonthlySummary(source=SourceRef(file=file, sheet="月度小结", cells={"name": "B3"}),
                              identity=FormIdentity(staff_id=sid, name="张三"), year=2026,
                              month=month, sick_personal_days=sick, annual_leave_days=annual)
    summaries = [s("1", 7, 1.5, None, "a.xlsx"), s("1", 8, None, 2, "b.xlsx"),
                 s("1", 7, 3, 0, "c.xlsx"), s("2", 7, 1.5, 2, "d.xlsx")]
    with_src, f1 = collect_attendance(summaries)
    without, f2 = collect_attendance(summaries, sources=False)
    assert f1 == f2 and "a.xlsx" in f2[0].message and "c.xlsx" in f2[0].message
    assert [r.source for r in without] == [None] * 3
    assert [replace(r, source=None) for r in with_src] == without


def test_collect_attendance_takes_a_roster_index():
    ros = roster(person("A001", "张三"), person("A003", "张三", unit="信贷科"))
    summaries = [monthly(7, ident=identity("张 三", None, "信贷科"), file="x.xlsx",
                         sick_personal_days=1.0),
                 monthly(7, ident=identity("赵六", None, "归集处"), file="y.xlsx"),
                 monthly(7, ident=identity(), file="z.xlsx", annual_leave_days=2.0)]
    assert (collect_attendance(summaries, roster=RosterIndex(ros))
            == collect_attendance(summaries, roster=ros))
    records, findings = collect_attendance(summaries, roster=ros)
    assert [r.staff_id for r in records] == ["A003", "A001"] and len(findings) == 1


def test_evaluate_quarter_leaves_the_callers_lists_as_they_were():
    people = [qperson("001"), qperson("002")]
    records = [leave("001", 7, sick=2)]
    forms = [form(p) for p in people]
    evaluate_quarter(qroster(*people), Q3, forms, records, workdays=60)
    assert len(forms) == 2 and len(records) == 1
