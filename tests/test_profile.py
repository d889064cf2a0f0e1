"""`kaoping profile`: one 干部画像 per person from the 季度结果台账 of one or more years.

One person's profile is checked cell by cell against the ledgers it was made from (read back
with `read_ledger`, not taken from the writer's own data)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from helpers_annual import AB, AV, FG, PO, UN, G, person
from openpyxl import load_workbook
from typer.testing import CliRunner

from kaoping.cli import app
from kaoping.forms.roster import roster_template_workbook
from kaoping.models import (
    QuarterFlag,
    QuarterGrade,
    QuarterLedger,
    QuarterResult,
    SpecialCase,
    SpecialCategory,
)
from kaoping.pipeline.profile import run_profile
from kaoping.report.ledger import read_ledger, write_ledger
from kaoping.report.profile import HEADERS, TABLE_ROW

ROOT = Path(__file__).resolve().parents[1]
GRADE = {G: QuarterGrade.GOOD, FG: QuarterGrade.FAIRLY_GOOD, AV: QuarterGrade.AVERAGE,
         PO: QuarterGrade.POOR}

# 2025: 好 较好 一般 (Q4 no ledger row: 未参加); 2026: 好 好 不确定 (受处分 from 2026-07-01) 较差.
PLAN = {2025: [G, FG, AV, AB], 2026: [G, G, UN, PO]}
DAYS = {(2025, 3): (64, 50), (2026, 1): (59, 59)}  # (应出勤, 实际出勤); others 60/60


def _people():
    zhao = person("5001", "赵敏", "财务处", post="科员", hired_on=dt.date(2015, 7, 1),
                  special_cases=[SpecialCase(category=SpecialCategory.DISCIPLINED,
                                             start=dt.date(2026, 7, 1), end=dt.date(2027, 6, 30))])
    qian = person("5002", "钱多", "财务处", hired_on=dt.date(2016, 7, 1))
    return zhao, qian


def _row(p, year: int, q: int, o) -> QuarterResult:
    required, attended = DAYS.get((year, q), (60, 60))
    flags, cats, note = [], [], None
    if o == UN:
        flags, cats, note = [QuarterFlag.NOT_GRADED], [SpecialCategory.DISCIPLINED], "不定档：受处分"
    if (year, q) == (2026, 1):
        flags = [QuarterFlag.COMMENDED]
    if (year, q) == (2025, 3):
        flags = [QuarterFlag.LOW_ATTENDANCE]
    grade = GRADE.get(o)
    return QuarterResult(staff_id=p.staff_id, name=p.name, unit=p.unit, section=p.section,
                         rank=p.rank, rank_category=p.rank_category, outcome=o,
                         self_grade=grade, leader_grade=grade, flags=flags,
                         special_categories=cats, required_days=required,
                         attended_days=attended, note=note)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("profile")
    people = _people()
    roster_path = folder / "花名册.xlsx"
    roster_template_workbook(people=list(people)).save(roster_path)
    paths = []
    for year, plan in PLAN.items():
        for q in (1, 2, 3, 4):
            rows = [_row(people[0], year, q, plan[q - 1])] if plan[q - 1] != AB else []
            rows.append(_row(people[1], year, q, FG))
            path = folder / f"季度结果台账-{year}Q{q}.xlsx"
            write_ledger(QuarterLedger(year=year, quarter=q, results=rows), path)
            paths.append(path)
    return roster_path, paths


def test_roster_round_trip_keeps_the_special_case(inputs):
    from kaoping.excel.roster import read_roster

    roster, findings = read_roster(inputs[0])
    assert [p.staff_id for p in roster.people] == ["5001", "5002"], findings
    assert roster.people[0].special_cases[0].start == dt.date(2026, 7, 1)


def test_one_persons_profile_cell_by_cell_against_the_ledgers(inputs, tmp_path):
    roster_path, ledger_paths = inputs
    result = CliRunner().invoke(app, ["profile", "-r", str(roster_path), *map(str, ledger_paths),
                                      "--out", str(tmp_path / "画像"), "--person", "5001"])
    assert result.exit_code == 0, result.output
    files = list((tmp_path / "画像").rglob("*.xlsx"))
    assert [f.relative_to(tmp_path / "画像").as_posix() for f in files] == ["财务处/干部画像-赵敏-5001.xlsx"]
    wb = load_workbook(files[0])
    assert wb.sheetnames == ["总览", "2025年", "2026年"]
    ledgers = {(lg.year, lg.quarter): lg for lg in map(read_ledger, ledger_paths)}
    for year in (2025, 2026):
        ws = wb[f"{year}年"]
        assert [ws.cell(TABLE_ROW, c).value for c in range(1, len(HEADERS) + 1)] == list(HEADERS)
        for q in (1, 2, 3, 4):
            row = [ws.cell(TABLE_ROW + q, c).value for c in range(1, len(HEADERS) + 1)]
            got = dict(zip(HEADERS, row))
            r = next((r for r in ledgers[year, q].results if r.staff_id == "5001"), None)
            assert got["季度"] == f"{year}年第{'一二三四'[q - 1]}季度"
            if r is None:  # 2025Q4: the ledger does not list the person
                assert got["考核结果"] == "无考核记录" and got["等次分值"] is None
                continue
            assert got["考核结果"] == r.outcome.value
            assert got["自评"] == (r.self_grade.value if r.self_grade else None)
            assert got["领导评价"] == (r.leader_grade.value if r.leader_grade else None)
            assert got["应出勤（天）"] == r.required_days and got["实际出勤（天）"] == r.attended_days
            assert got["出勤率"] == ("100%" if r.required_days == r.attended_days else "78.1%")
            assert got["备注"] == r.note
            assert got["等次分值"] == {G: 4, FG: 3, AV: 2, PO: 1}.get(r.outcome)
    ws = wb["2026年"]
    assert ws.cell(TABLE_ROW + 3, 8).value == "第4类 受处分（2026-07-01～2027-06-30）"
    assert ws.cell(TABLE_ROW + 1, 9).value == "表彰直接定好"
    assert wb["2025年"].cell(TABLE_ROW + 3, 9).value == "出勤未达80%"
    assert wb["2025年"].cell(TABLE_ROW + 1, 8).value is None
    assert "姓名：赵敏　工号：5001　单位：财务处" in ws["A2"].value


def test_year_results_and_follow_ups(inputs):
    run = run_profile(*inputs, person="赵敏")
    y2025, y2026 = run.profiles[0].years
    from kaoping.report.profile import year_lines

    lines = dict(year_lines(y2025))
    assert lines["全年次数"].startswith("好 1 次，较好 1 次，一般 1 次，较差 0 次")
    assert lines["谈话提醒/批评教育"] == "第三季度一般：应谈话提醒（§五(二)）"
    assert lines["年度结果运用"] == "无"  # one 好 only: not a candidate
    lines = dict(year_lines(y2026))
    assert "可推荐为年度考核“优秀”候选" not in lines["年度结果运用"]  # a 较差 quarter
    assert lines["谈话提醒/批评教育"] == "第四季度较差：应批评教育（§五(二)）"
    assert lines["登记表“平时考核结果”"] == ("2026年平时考核：第一季度好、第二季度好、第三季度不确定等次、"
                                      "第四季度较差。")


def test_everybody_held_and_a_chart_per_sheet(inputs, tmp_path):
    run = run_profile(*inputs)
    assert [p.person.staff_id for p in run.profiles] == ["5001", "5002"] and run.years == [2025, 2026]
    from kaoping.report.profile import write_profiles

    paths = write_profiles(run.profiles, tmp_path / "全部", run.settings)
    wb = load_workbook(paths[1])
    import zipfile

    with zipfile.ZipFile(paths[1]) as z:
        assert len([n for n in z.namelist() if n.startswith("xl/charts/chart")]) == 3
    assert int(wb["2025年"].page_setup.paperSize) == 9 and wb["2025年"].page_setup.fitToHeight == 1


def test_no_readable_ledger_cannot_run(inputs, tmp_path):
    bad = tmp_path / "台账.xlsx"
    bad.write_bytes(b"not a workbook")
    result = CliRunner().invoke(app, ["profile", "-r", str(inputs[0]), str(bad), "--out",
                                      str(tmp_path / "o")])
    assert result.exit_code == 2 and "没有可读取的季度结果台账" in result.output
    assert not (tmp_path / "o").exists()
