"""What run_quarter keeps per form (`slim_result`'s digests) gives the quarter rules and the
attendance merge exactly what the full forms give."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kaoping.models import (
    FormIdentity,
    MonthAttendance,
    MonthlySummary,
    QuarterlyEvaluation,
    SourceRef,
)
from kaoping.periods import Quarter
from kaoping.rules.attendance import collect_attendance
from kaoping.rules.month import SummaryDigest, digest_summary
from kaoping.rules.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("q", ["2026Q1", "2026Q3"])
def test_quarter_rules_on_digests_equal_the_full_forms(q):
    from kaoping.excel.read import read_workbook
    from kaoping.paths import scan_workbooks
    from kaoping.pipeline import EvaluationDigest, slim_result
    from kaoping.excel.roster import read_roster
    from kaoping.rules.quarter import evaluate_quarter

    folder = ROOT / "examples" / "collected" / q
    if not folder.is_dir():
        pytest.skip("examples not generated")
    roster, _ = read_roster(ROOT / "examples" / "花名册.xlsx")
    full, slim = [], []
    for path in scan_workbooks(folder):
        r = read_workbook(path)
        full += r.forms
        back = pickle.loads(pickle.dumps(slim_result(read_workbook(path), settings=Settings())))
        assert not any(isinstance(f, MonthlySummary | QuarterlyEvaluation) for f in back.forms)
        slim += back.digests
    evs = [f for f in full if isinstance(f, QuarterlyEvaluation)]
    ev_digests = [d for d in slim if isinstance(d, EvaluationDigest)]
    assert ev_digests == [EvaluationDigest.of(e) for e in evs] and evs
    summaries = [f for f in full if isinstance(f, MonthlySummary)]
    digests = [d for d in slim if isinstance(d, SummaryDigest)]
    assert len(digests) == len(summaries)
    quarter = Quarter(int(q[:4]), int(q[-1]))
    rec_full, f_full = collect_attendance(summaries, roster=roster)
    rec_slim, f_slim = collect_attendance(digests, roster=roster)
    assert (rec_slim, f_slim) == (rec_full, f_full)
    a = evaluate_quarter(roster, quarter, evs, rec_full, workdays=61.0)
    b = evaluate_quarter(roster, quarter, ev_digests, rec_slim, workdays=61.0)
    assert (a.results, a.findings, a.quotas) == (b.results, b.findings, b.quotas)


days = st.one_of(st.none(), st.integers(0, 40).map(lambda n: n / 2), st.just(0.3))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["A1", "A2", None, " "]), st.sampled_from([7, 8]),
                          days, days), max_size=6))
def test_attendance_records_as_validated(rows):
    """collect_attendance builds records without validating again: they equal validated
    ones, field for field, for summaries and their digests alike."""
    summaries = [MonthlySummary(source=SourceRef(file=f"{i}.xlsx", sheet="月度小结"),
                                identity=FormIdentity(staff_id=sid, name="张三"), year=2026,
                                month=m, sick_personal_days=sick, annual_leave_days=annual)
                 for i, (sid, m, sick, annual) in enumerate(rows)]
    records, findings = collect_attendance(summaries)
    for r in records:
        again = MonthAttendance(**r.model_dump(exclude={"source"}), source=r.source)
        assert r == again and r.model_dump() == again.model_dump()
        assert type(r.sick_personal_days) is float and type(r.comp_leave_days) is float
    digests = [digest_summary(s, workdays=None) for s in summaries]
    assert collect_attendance(digests) == (records, findings)
