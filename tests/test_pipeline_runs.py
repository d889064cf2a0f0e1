"""kaoping.pipeline as a library: run_week, run_month, run_quarter and run_year called without
the CLI, on the example centre (examples/README.md lists what is planted in 2026Q3)."""

from __future__ import annotations

import multiprocessing
import sys
from pathlib import Path

import pytest

from kaoping.errors import KaopingError, NoFormsError
from kaoping.models import Severity
from kaoping.periods import Month, Quarter
from kaoping.pipeline import run_month, run_quarter, run_week, run_year
from kaoping.rules.settings import LimitSettings, Settings

ROOT = Path(__file__).resolve().parents[1]
ROSTER = ROOT / "examples" / "花名册.xlsx"
Q3 = ROOT / "examples" / "collected" / "2026Q3"


def _rules(findings) -> set[str]:
    return {f.rule for f in findings}


def test_run_week_checks_every_log_and_says_nothing(capsys):
    seen: list[object] = []
    run = run_week(Q3, roster=ROSTER, on_file=seen.append)
    assert capsys.readouterr() == ("", "")  # no console output from the library
    assert run.logs and run.people > 50
    assert len(seen) == len(list(Q3.rglob("*.xlsx")))  # on_file once per workbook
    assert "W3" in _rules(run.findings)  # 已完成未写时间 (planted)
    assert _rules(run.findings) <= {f"W{i}" for i in range(1, 11)} | {"F2", "R7"}
    assert sum(t.received for t in run.tallies()) == len(run.logs)
    units = set(run.roster.units())
    assert {log.identity.unit for log in run.logs} <= units  # resolved against the roster


def test_run_week_without_a_folder_cannot_run(tmp_path):
    with pytest.raises(KaopingError, match="文件夹"):
        run_week(tmp_path / "没有")
    with pytest.raises(KaopingError, match="没有 Excel"):
        run_week(tmp_path)


def test_run_month_checks_the_month_and_keeps_earlier_months_as_history():
    run = run_month(Q3, roster=ROSTER, month=Month(2026, 8))
    assert run.month == Month(2026, 8) and run.batch and run.history
    assert {(s.year, s.month) for s in run.batch} == {(2026, 8)}
    assert {(s.year, s.month) for s in run.history} == {(2026, 7)}
    assert run.workdays is not None and run.calendar_note is None
    # September's summaries are only counted, in one 提示.
    [note] = [f for f in run.findings if f.rule == "M11"]
    assert note.severity == Severity.INFO and "9月" in note.message
    assert "M9" in _rules(run.findings)  # 全年累计不符 (planted in August)
    due = sum(t.due for t in run.tallies())
    assert due == sum(t.received for t in run.tallies()) + sum(t.missing for t in run.tallies())


def test_run_month_asks_for_the_month_when_the_folder_holds_several():
    with pytest.raises(KaopingError, match="--period"):
        run_month(Q3)


def test_run_month_without_calendar_data_skips_m8(tmp_path):
    from helpers_month import identity, monthly

    from kaoping.forms.routine import monthly_workbook
    from kaoping.output.workbook import save_workbook
    from kaoping.models import Person, RankCategory

    p = Person(staff_id="A001", name="张三", unit="归集处", rank_category=RankCategory.CLERK)
    s = monthly(7, year=2099, ident=identity(), sick_personal_days=40.0,
                sick_personal_days_ytd=40.0)
    save_workbook(monthly_workbook(p, Month(2099, 7), s), tmp_path / "张三-2099-07.xlsx")
    run = run_month(tmp_path)
    assert run.workdays is None and "2099" in run.calendar_note
    assert "M8" not in _rules(run.findings)
    told = Settings.model_validate({"attendance": {"workdays": {"2099-07": 22}}})
    assert "M8" in _rules(run_month(tmp_path, settings=told).findings)


def test_run_quarter_gives_the_outcome_and_counts():
    files: list[object] = []
    run = run_quarter(ROSTER, Q3, on_file=files.append)
    assert run.quarter == Quarter(2026, 3) and run.files == len(files) > 0
    assert run.evaluations == 59 and run.summaries > 0 and run.workdays
    assert run.errors == sum(1 for f in run.findings if f.severity == Severity.ERROR) > 0
    assert {"Q1", "Q2", "Q5", "M9", "W3"} <= _rules(run.findings)
    assert len(run.outcome.results) == 59


def test_run_quarter_cannot_run_without_its_inputs(tmp_path):
    with pytest.raises(KaopingError, match="花名册"):
        run_quarter(tmp_path / "无.xlsx", Q3)
    with pytest.raises(KaopingError, match="考勤表"):
        run_quarter(ROSTER, Q3, attendance_path=tmp_path / "无.xlsx")
    with pytest.raises(KaopingError, match="找不到要检查的文件夹"):
        run_quarter(ROSTER, tmp_path / "无")


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    """The benchmark's generated centre for 40 people: 160 workbooks, planted problems."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import generate_data
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    return generate_data.ensure(40, workers=1, log=lambda _msg: None,
                                root=tmp_path_factory.mktemp("bench"))


def test_run_quarter_same_findings_in_one_process_and_in_a_pool(data, monkeypatch):
    """README: a large folder is read by several processes, with the same results in the
    same order as one process gives."""
    runs = []
    for workers in ("1", "2"):
        monkeypatch.setenv("KAOPING_WORKERS", workers)
        runs.append(run_quarter(data / "花名册.xlsx", data / "collected"))
    one, pool = runs
    assert one.files == pool.files == 160 and one.findings
    assert pool.findings == one.findings and pool.outcome.results == one.outcome.results


def test_the_settings_reach_spawned_workers(data, monkeypatch):
    """Workers started by spawn (as on Windows) inherit nothing: the limits must travel with
    the work. A row limit no form fits refuses every workbook there too."""
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    monkeypatch.setenv("KAOPING_WORKERS", "2")
    tight = Settings(limits=LimitSettings(max_rows=3))
    with pytest.raises(NoFormsError, match="读取文件 160 个") as info:
        run_quarter(data / "花名册.xlsx", data / "collected", quarter=Quarter(2026, 3),
                    settings=tight)
    # No form was left to check, so nothing runs (exit 2); the reasons go with the refusal.
    refused = [f for f in info.value.findings if f.rule == "F1"]
    assert len(refused) == 160


def test_run_year_reads_the_ledgers(tmp_path):
    from helpers_annual import FG, G, ledgers, person

    from kaoping.output.workbook import save_workbook
    from kaoping.report.ledger import write_ledger
    from kaoping.forms.roster import roster_template_workbook

    people = [person("001", "张三"), person("002", "李四")]
    grades = {"001": [G, G, FG, FG], "002": [FG, FG, FG, FG]}
    roster = save_workbook(roster_template_workbook(people=people), tmp_path / "花名册.xlsx")
    paths = [write_ledger(lg, tmp_path / f"台账-{lg.year}Q{lg.quarter}.xlsx")
             for lg in ledgers(people, grades)]
    run = run_year(roster, [*paths, tmp_path / "无.xlsx"])
    assert run.outcome.year == 2026 and [p.name for p in run.outcome.candidates] == ["张三"]
    assert run.errors == 1 and "无.xlsx" in run.findings[0].file  # the missing ledger
    with pytest.raises(KaopingError, match="年度"):
        run_year(roster, [tmp_path / "无.xlsx"])
