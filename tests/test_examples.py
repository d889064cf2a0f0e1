"""The example centre (examples/): committed files, determinism, and the planted 2026Q3 problems.

The expected counts below are derived by hand from the scenario in examples/generate.py (STAFF
plans and PLANTED) and documented in examples/README.md; they are not taken from the engine.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from collections import Counter
from pathlib import Path

import pytest

from kaoping.models import Outcome, RankCategory, Severity
from kaoping.periods import Month, Quarter
from kaoping.excel.roster import read_roster

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
ROSTER = EXAMPLES / "花名册.xlsx"
COLLECTED = EXAMPLES / "collected"


def _generator():
    spec = importlib.util.spec_from_file_location("kaoping_examples_generate", EXAMPLES / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _reader():
    try:
        from kaoping.excel import read
    except ImportError:
        pytest.skip("kaoping.excel.read (forms engineer) is not in the tree yet")
    return read


# Hand-derived 2026Q3 outcome counts per unit:
# (应参加, 实际参加, 好, 较好, 一般, 较差, 不确定, 未参加)
Q3_UNITS = {
    "办公室（人事处）": (6, 6, 3, 2, 0, 0, 1, 0),
    "财务处": (5, 5, 2, 3, 0, 0, 0, 0),
    "归集管理处": (6, 6, 2, 3, 0, 0, 1, 0),
    "信贷管理处": (6, 6, 1, 4, 0, 0, 1, 0),
    "鹿城分中心": (13, 13, 6, 6, 0, 0, 1, 0),
    "瓯海分中心": (12, 11, 4, 5, 1, 0, 1, 1),
    "瑞安分中心": (11, 11, 4, 6, 0, 0, 1, 0),
}
# Quota groups: (实际参加, 好 not counting commendations, commended, cap, over)
Q3_QUOTAS = {
    "机关": (23, 7, 1, 9, False),
    "鹿城分中心": (13, 6, 0, 5, True),
    "瓯海分中心": (11, 4, 0, 4, False),
    "瑞安分中心": (11, 4, 0, 4, False),
}
# The planted quarter problems (错误 and 警告), by rule and person (or unit for Q2).
Q3_PLANTED = Counter({
    ("Q2", Severity.ERROR, "鹿城分中心"): 1,
    ("Q1", Severity.ERROR, "朱俊杰"): 1,
    ("Q1", Severity.ERROR, "梁晨"): 1,
    ("Q5", Severity.ERROR, "林琳"): 1,
    ("Q7", Severity.ERROR, "刘佳怡"): 1,
    ("Q6", Severity.WARNING, "郑凯"): 1,
    ("Q8", Severity.WARNING, "陆宇"): 1,
    ("Q8", Severity.ERROR, "赵子龙"): 1,
})
# The planted month/week problems (2026-08), reported by `month check` and by `quarter check`
# (which runs the month rules over the quarter's summaries, as their leave days feed Q5).
MONTH_PLANTED = Counter({
    ("M9", Severity.ERROR, "马婷婷"): 1,
    ("W3", Severity.ERROR, "胡敏"): 1,
})
OUTCOME_ORDER = (Outcome.GOOD, Outcome.FAIRLY_GOOD, Outcome.AVERAGE, Outcome.POOR,
                 Outcome.UNDETERMINED, Outcome.ABSENT)


def _serious(findings):
    return Counter((f.rule, f.severity, f.person or f.unit) for f in findings
                   if f.severity in (Severity.ERROR, Severity.WARNING))


def _unit_counts(results, due_by_unit):
    out = {}
    for unit, due in due_by_unit.items():
        mine = [r for r in results if r.unit == unit]
        c = Counter(r.outcome for r in mine)
        participants = len(mine) - c[Outcome.ABSENT]
        out[unit] = (due, participants, *(c[o] for o in OUTCOME_ORDER))
    return out


# ---------------------------------------------------------------- committed files


def test_committed_roster_reads_without_errors():
    roster, findings = read_roster(ROSTER)
    assert not [f for f in findings if f.severity == Severity.ERROR]
    assert len(roster.people) == 60
    assert sum(p.on_establishment for p in roster.people) == 59
    assert {p.rank_category for p in roster.people} == set(RankCategory)
    names = Counter(p.name for p in roster.people)
    assert names["王磊"] == 2
    assert sum(p.refused_or_falsified for p in roster.people) == 1
    cats = {c.category.number for p in roster.people for c in p.special_cases}
    assert {3, 4, 5} <= cats and 2 not in cats


def test_committed_examples_layout_and_size():
    for q in (1, 2, 3, 4):
        folder = COLLECTED / f"2026Q{q}"
        files = list(folder.rglob("*.xlsx"))
        monthly = [f for f in files if "-2026-" in f.name]
        quarterly = [f for f in files if f"2026Q{q}" in f.name]
        assert len(monthly) == 59 * 3
        # Q3: 陆宇 sent none, 赵子龙 (not on the roster) sent one.
        assert len(quarterly) == 59
        periods = {re.search(r"-(2026-\d\d)", f.name).group(1) for f in monthly}
        assert periods == {str(m) for m in Quarter(2026, q).months}
    total = sum(f.stat().st_size for f in EXAMPLES.rglob("*") if f.is_file())
    assert total < 17 * 1024 * 1024
    assert (COLLECTED / "2026Q3/财务处/王磊-2026Q3-1013.xlsx").is_file()
    assert (COLLECTED / "2026Q3/瑞安分中心/综合科/王磊-2026Q3-4002.xlsx").is_file()
    assert not list(COLLECTED.rglob("陆宇-2026Q3*.xlsx"))
    assert not list(COLLECTED.rglob("应丽*"))


# ---------------------------------------------------------------- the scenario through the engine


def _scenario_q3(gen):
    """The generator's models (no files) through the pure engine."""
    from kaoping.calendar import quarter_workdays
    from kaoping.models import QuarterGrade, QuarterlyEvaluation, SourceRef
    from kaoping.rules.attendance import collect_attendance
    from kaoping.rules.quarter import evaluate_quarter

    q = Quarter(2026, 3)
    roster = gen.roster()
    by_id = {s.sid: s for s in gen.STAFF}
    evaluations, summaries = [], []
    for p in roster.people:
        if not p.on_establishment:
            continue
        s = by_id[p.staff_id]
        summaries += [gen.monthly_summary(s, p, m) for m in q.months]
        ev = gen.evaluation(s, p, q)
        if ev is not None:
            evaluations.append(gen.planted_q3_ticked(ev) if s.sid == "4005" else ev)
    evaluations.append(QuarterlyEvaluation(
        source=SourceRef(file="x"), identity=gen.identity(gen.OUTSIDER), year=2026, quarter=3,
        self_ticks=[QuarterGrade.FAIRLY_GOOD], leader_ticks=[QuarterGrade.FAIRLY_GOOD]))
    records, findings = collect_attendance(summaries, roster=roster)
    outcome = evaluate_quarter(roster, q, evaluations, records, workdays=quarter_workdays(q))
    return outcome, findings + outcome.findings


def test_scenario_q3_matches_hand_derived_counts():
    gen = _generator()
    outcome, findings = _scenario_q3(gen)
    due = {u: v[0] for u, v in Q3_UNITS.items()}
    assert _unit_counts(outcome.results, due) == Q3_UNITS
    quotas = {q.key: (q.participants, q.good, q.commended, q.cap, q.over) for q in outcome.quotas}
    assert quotas == Q3_QUOTAS
    assert _serious(findings) == Q3_PLANTED


def test_scenario_month_problems_only_in_august():
    from kaoping.calendar import month_workdays
    from kaoping.rules.month import check_month_batch

    gen = _generator()
    roster = gen.roster()
    by_id = {s.sid: s for s in gen.STAFF}
    due = [p for p in roster.people if p.on_establishment]
    history = []
    for m in range(6, 10):
        month = Month(2026, m)
        summaries = [gen.monthly_summary(by_id[p.staff_id], p, month) for p in due]
        found = check_month_batch(month, summaries, roster=roster, history=history,
                                  workdays=month_workdays(month))
        about_this_month = [f for f in found if f"{m}月" in f.message or f.rule == "W3"]
        serious = _serious(about_this_month)
        if m == 8:
            assert serious == Counter({("M9", Severity.ERROR, "马婷婷"): 1,
                                       ("W3", Severity.ERROR, "胡敏"): 1})
        else:
            assert serious == Counter(), m
        history += summaries


# ---------------------------------------------------------------- files (need the reader)


def _read_models(folder: Path, read) -> dict[str, list]:
    out = {}
    for path in sorted(folder.rglob("*.xlsx")):
        result = read.read_workbook(path)
        forms = []
        for form in result.forms:
            data = form.model_dump(mode="json")
            _strip_sources(data)
            forms.append(data)
        out[str(path.relative_to(folder))] = forms
    return out


def _strip_sources(data):
    if isinstance(data, dict):
        data.pop("source", None)
        for v in data.values():
            _strip_sources(v)
    elif isinstance(data, list):
        for v in data:
            _strip_sources(v)


def test_regeneration_is_deterministic(tmp_path):
    read = _reader()
    gen = _generator()
    gen.generate(tmp_path, quarters=[3], log=lambda *_: None)
    roster_new, _ = read_roster(tmp_path / "花名册.xlsx")
    roster_old, _ = read_roster(ROSTER)
    strip = [p.model_copy(update={"row": None}) for p in roster_new.people]
    assert strip == [p.model_copy(update={"row": None}) for p in roster_old.people]
    new = _read_models(tmp_path / "collected" / "2026Q3", read)
    old = _read_models(COLLECTED / "2026Q3", read)
    assert sorted(new) == sorted(old)
    for key in old:
        assert new[key] == old[key], key


def _run(quarter: str):
    _reader()
    from kaoping.pipeline import run_quarter

    return run_quarter(ROSTER, COLLECTED / quarter)


def test_q3_files_give_hand_derived_counts_and_exactly_the_planted_findings():
    run = _run("2026Q3")
    due = {u: v[0] for u, v in Q3_UNITS.items()}
    assert _unit_counts(run.outcome.results, due) == Q3_UNITS
    quotas = {q.key: (q.participants, q.good, q.commended, q.cap, q.over) for q in run.outcome.quotas}
    assert quotas == Q3_QUOTAS
    assert _serious(run.findings) == Q3_PLANTED + MONTH_PLANTED


@pytest.mark.parametrize("quarter", ["2026Q1", "2026Q2", "2026Q4"])
def test_other_quarters_are_clean(quarter):
    run = _run(quarter)
    assert [f for f in run.findings if f.severity in (Severity.ERROR, Severity.WARNING)] == []
    assert all(not q.over for q in run.outcome.quotas)


def test_cli_quarter_check_on_q3_exits_1():
    _reader()
    from typer.testing import CliRunner

    from kaoping.cli import app

    res = CliRunner().invoke(app, ["quarter", "check", "--roster", str(ROSTER),
                                   str(COLLECTED / "2026Q3")])
    assert res.exit_code == 1, res.output
    res = CliRunner().invoke(app, ["quarter", "check", "--roster", str(ROSTER),
                                   str(COLLECTED / "2026Q2")])
    assert res.exit_code == 0, res.output


def test_cli_month_check_august_finds_exactly_the_planted_month_problems(tmp_path):
    _reader()
    import shutil

    from openpyxl import load_workbook
    from typer.testing import CliRunner

    from kaoping.cli import app

    folder = tmp_path / "2026-08"
    shutil.copytree(COLLECTED / "2026Q3", folder)
    for path in folder.rglob("*.xlsx"):
        if "-2026-09" in path.name or "2026Q3" in path.name:
            path.unlink()
    problems = tmp_path / "问题清单.xlsx"
    res = CliRunner().invoke(app, ["month", "check", "--roster", str(ROSTER), "--period", "2026-08",
                                   str(folder), "--problems", str(problems)])
    assert res.exit_code == 1, res.output
    ws = load_workbook(problems)["全部"]
    rows = [(ws.cell(r, 2).value, ws.cell(r, 3).value, ws.cell(r, 5).value)
            for r in range(3, ws.max_row + 1) if ws.cell(r, 3).value]
    assert sorted(rows) == [("错误", "M9", "马婷婷"), ("错误", "W3", "胡敏")]
