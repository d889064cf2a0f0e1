"""kaoping.pipeline: period inference and the per-group summary (no files needed)."""

from __future__ import annotations

import pytest

from helpers_quarter_cli import PEOPLE, Q3, evaluation
from kaoping.errors import KaopingError
from kaoping.models import FormIdentity, MonthlySummary, Outcome, QuarterGrade, Roster, SourceRef
from kaoping.periods import Quarter
from kaoping.pipeline import QuarterRun, infer_quarter, summary_rows
from kaoping.rules.quarter import evaluate_quarter
from kaoping.rules.settings import Settings


def _summary(year: int, month: int) -> MonthlySummary:
    return MonthlySummary(source=SourceRef(file="m.xlsx"), identity=FormIdentity(),
                          year=year, month=month)


def test_infer_quarter():
    evs = [evaluation(PEOPLE[0], QuarterGrade.GOOD), evaluation(PEOPLE[1], QuarterGrade.GOOD)]
    assert infer_quarter(evs, []) == Q3
    # Summaries only: their months decide.
    assert infer_quarter([], [_summary(2026, 7), _summary(2026, 9)]) == Q3
    # Evaluations win over summaries of the previous quarter (history kept in the folder).
    assert infer_quarter(evs, [_summary(2026, 4)]) == Q3
    with pytest.raises(KaopingError, match="--period"):
        infer_quarter([*evs, evaluation(PEOPLE[2], QuarterGrade.GOOD, quarter=Quarter(2026, 2))], [])
    with pytest.raises(KaopingError, match="--period"):
        infer_quarter([], [])


def test_summary_rows_group_units_and_centre():
    people = [p.model_copy(update={"quota_group": "机关"}) for p in PEOPLE[:3]]
    people[2] = people[2].model_copy(update={"unit": "办公室"})
    people += [PEOPLE[3].model_copy(update={"unit": "鹿城分中心"}),
               PEOPLE[4].model_copy(update={"unit": "鹿城分中心"})]
    roster = Roster(people=people)
    grades = [QuarterGrade.GOOD, QuarterGrade.GOOD, QuarterGrade.FAIRLY_GOOD,
              QuarterGrade.AVERAGE, None]
    evs = [evaluation(p, g) for p, g in zip(people, grades, strict=True) if g]
    outcome = evaluate_quarter(roster, Q3, evs, [], workdays=64, settings=Settings())
    run = QuarterRun(quarter=Q3, roster=roster, outcome=outcome, findings=outcome.findings)
    rows = {r.label: r for r in summary_rows(run)}
    group = rows["机关（考核组）"]
    assert (group.participants, group.good, group.cap, group.level) == (3, 2, 1, 0)
    assert group.over
    assert rows["综合处"].level == 1 and rows["综合处"].good == 2 and rows["综合处"].cap is None
    assert rows["办公室"].counts[Outcome.FAIRLY_GOOD] == 1
    branch = rows["鹿城分中心"]
    assert (branch.participants, branch.counts[Outcome.ABSENT], branch.cap) == (1, 1, 0)
    centre = rows["全中心"]
    assert centre.participants == 4 and centre.good == 2 and centre.counts[Outcome.ABSENT] == 1
    assert centre.errors == run.errors


def test_run_quarter_accepts_a_roster_object(tmp_path):
    from helpers_quarter_cli import write_forms

    from kaoping.pipeline import run_quarter

    write_forms(tmp_path / "c", {"1001": QuarterGrade.GOOD, "1002": QuarterGrade.AVERAGE})
    run = run_quarter(Roster(people=PEOPLE), tmp_path / "c")
    assert run.quarter == Q3 and run.files == 2 and run.evaluations == 2
    by = {r.staff_id: r.outcome for r in run.outcome.results}
    assert by["1001"] == Outcome.GOOD and by["1002"] == Outcome.AVERAGE
    assert by["1003"] == Outcome.ABSENT
    with pytest.raises(KaopingError, match="找不到"):
        run_quarter(Roster(people=PEOPLE), tmp_path / "nope")
