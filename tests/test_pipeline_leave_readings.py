"""Issue 14 items 2 and 3 end to end (files → reader → rules → findings): 加班补休 on kaoping's
附件2 lowers 应出勤 (§四(三)4(3)); the official wording "本月请病假、事假、年休（ ）天" is read, and
its unknown split is an 错误 only where it could change the result, naming the month's form."""

from __future__ import annotations

from pathlib import Path

from helpers_forms import monthly_summary, person, quarterly_evaluation
from kaoping.forms.roster import roster_template_workbook
from kaoping.forms.routine import monthly_workbook, quarterly_workbook
from kaoping.models import QuarterGrade, Severity
from kaoping.output.workbook import save_workbook
from kaoping.periods import Quarter
from kaoping.pipeline import run_quarter

Q3 = Quarter(2026, 3)  # 66 workdays: 23 + 21 + 22
P = person()
FG = QuarterGrade.FAIRLY_GOOD


def _folder(tmp_path: Path, july: dict, *, combined: float | None = None,
            grade: QuarterGrade = FG, official: bool = False) -> tuple[Path, Path]:
    """A roster of one and his three 附件2 and 附件3 of 2026Q3; July's figures from `july`,
    or, with `combined`, July's 病事假/年休 typed on the official one-number line (`official`:
    the official layout, without the 法定假期/加班补休 row either)."""
    roster = save_workbook(roster_template_workbook(people=[P]), tmp_path / "花名册.xlsx")
    folder = tmp_path / "collected"
    none = {f: 0.0 for f in ("sick_personal_days", "annual_leave_days", "sick_personal_days_ytd",
                             "annual_leave_days_ytd", "statutory_leave_days", "comp_leave_days",
                             "statutory_leave_days_ytd", "comp_leave_days_ytd")}
    for month in Q3.months:
        model = monthly_summary(P, month).model_copy(
            update={**none, **(july if month.month == 7 else {})})
        wb = monthly_workbook(P, month, model)
        if combined is not None and month.month == 7:
            ws = wb["月度小结"]
            ws.unmerge_cells("A9:A12")
            for r in (9, 10, 11, 12) if official else (9, 10):
                for c in "BCDEF":
                    ws[f"{c}{r}"] = None
            ws["B9"] = f"本月请病假、事假、年休（ {combined:g} ）天"
            ws["B10"] = f"全年累计病假、事假、年休（ {combined:g} ）天"
        save_workbook(wb, folder / f"{P.name}-{month.year}-{month.month:02d}.xlsx")
    ev = quarterly_evaluation(P, Q3, leader_ticks=(grade,), self_ticks=(grade,),
                              opinion="本季度请假较多，出勤情况已说明。")
    save_workbook(quarterly_workbook(P, Q3, ev), folder / f"{P.name}-2026Q3.xlsx")
    return roster, folder


def _q5(run, severity=None):
    return [f for f in run.findings if f.rule == "Q5" and (severity is None or f.severity == severity)]


def test_comp_leave_on_the_form_lowers_the_required_days(tmp_path: Path):
    """12 病事假 + 10 加班补休: 44/56 = 78.6% < 80%, so 较好 is an 错误 (it passed at 54/66)."""
    july = {"sick_personal_days": 12.0, "sick_personal_days_ytd": 12.0, "comp_leave_days": 10.0,
            "comp_leave_days_ytd": 10.0}
    run = run_quarter(*_folder(tmp_path, july), quarter=Q3)
    [f] = _q5(run, Severity.ERROR)
    assert "出勤 44/56 天" in f.message and f.person == P.name
    [r] = run.outcome.results
    assert (r.required_days, r.attended_days) == (56, 44)


def test_official_combined_wording_whose_split_cannot_matter_is_a_hint(tmp_path: Path):
    run = run_quarter(*_folder(tmp_path, {}, combined=13), quarter=Q3)  # all 病事假: 53/66 ≥ 80%
    [f] = _q5(run)
    assert f.severity == Severity.INFO and "合计填写" in f.message
    assert run.errors == 0


def test_official_combined_wording_whose_split_could_matter_is_an_error(tmp_path: Path):
    run = run_quarter(*_folder(tmp_path, {}, combined=14), quarter=Q3)  # all 病事假: 52/66 < 80%
    [f] = _q5(run, Severity.ERROR)
    assert (f.file.endswith("张三-2026-07.xlsx"), f.sheet, f.cell) == (True, "月度小结", "B9")
    assert "考勤表" in f.message
    # the same figure on a 一般 changes nothing: a 提示
    average = run_quarter(*_folder(tmp_path / "av", {}, combined=14, grade=QuarterGrade.AVERAGE),
                          quarter=Q3)
    assert [f.severity for f in _q5(average)] == [Severity.INFO]


def test_official_layout_without_the_statutory_row(tmp_path: Path):
    """The official 附件2 has no 法定假期/加班补休 row either: with any 病事假 a 较好 could fall
    under 80% (产假 for most of the quarter), so it needs the figures; a 一般 does not."""
    run = run_quarter(*_folder(tmp_path, {}, combined=5, official=True), quarter=Q3)
    [f] = _q5(run, Severity.ERROR)
    assert "法定假期、加班补休" in f.message and f.cell == "B9"
    average = run_quarter(*_folder(tmp_path / "av", {}, combined=5, official=True,
                                   grade=QuarterGrade.AVERAGE), quarter=Q3)
    assert [f.severity for f in _q5(average)] == [Severity.INFO]
