"""The reserve pool (§五(三)): roster columns 后备层级 / 入库日期 / 出库日期 (R9), the pool over a
year and the "record worsened" reasons (rules.reserve), and the two sheets of `annual report`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from helpers_annual import AB, AV, FG, PO, UN, G, ledgers, person
from openpyxl import load_workbook
from test_roster import row, write_roster
from typer.testing import CliRunner

from kaoping.cli import app
from kaoping.excel.roster import read_roster
from kaoping.forms.roster import roster_template_workbook
from kaoping.models import ReserveLevel, SpecialCase, SpecialCategory
from kaoping.output.workbook import save_workbook
from kaoping.report.ledger import write_ledger
from kaoping.rules.annual import evaluate_year
from kaoping.rules.reserve import worsened

D = dt.date


def test_roster_reads_the_level_and_dates(tmp_path):
    path = write_roster(tmp_path / "r.xlsx", [
        row(后备层级="副科级", 入库日期="2025-03-01"),
        row(工号="1002", 后备层级="正科级后备", 入库日期="2024-01-01", 出库日期="2026-06-30"),
        row(工号="1003"),
    ])
    roster, findings = read_roster(path)
    assert findings == []
    a, b, c = roster.people
    assert (a.reserve_level, a.reserve_in, a.reserve_out) == (ReserveLevel.DEPUTY_CHIEF, D(2025, 3, 1), None)
    assert (b.reserve_level, b.reserve_out) == (ReserveLevel.CHIEF, D(2026, 6, 30))
    assert c.reserve_level is None


def test_r9_names_the_cell_and_leaves_the_person_out_of_the_pool(tmp_path):
    path = write_roster(tmp_path / "r.xlsx", [
        row(后备层级="处级"),
        row(工号="1002", 入库日期="2025-01-01"),
        row(工号="1003", 后备层级="股级", 入库日期="2026-05-01", 出库日期="2026-01-01"),
    ])
    roster, findings = read_roster(path)
    got = [(f.rule, f.severity.value, f.cell, f.sheet) for f in findings]
    assert got == [("R9", "错误", "R3", "花名册"), ("R9", "错误", "S4", "花名册"),
                   ("R9", "错误", "S5", "花名册")]
    assert "股级 / 副科级 / 正科级" in findings[0].message and findings[0].file == str(path)
    assert [p.reserve_level for p in roster.people] == [None, None, None]


def test_template_round_trips_the_reserve_columns(tmp_path):
    p = person("1", "甲", reserve_level=ReserveLevel.SECTION_MEMBER, reserve_in=D(2026, 2, 1))
    path = save_workbook(roster_template_workbook(people=[p]), tmp_path / "花名册.xlsx")
    roster, findings = read_roster(path)
    assert findings == [] and roster.people[0].reserve_level == ReserveLevel.SECTION_MEMBER
    assert roster.people[0].reserve_in == D(2026, 2, 1)


@pytest.mark.parametrize(("start", "end", "member"), [
    (None, None, True), (D(2026, 12, 31), None, True), (D(2027, 1, 1), None, False),
    (None, D(2026, 1, 1), True), (None, D(2025, 12, 31), False)])
def test_membership_overlaps_the_year(start, end, member):
    p = person("1", "甲", reserve_level=ReserveLevel.CHIEF, reserve_in=start, reserve_out=end)
    from kaoping.models import Roster

    outcome = evaluate_year(Roster(people=[p]), ledgers([p], {"1": [G, G, G, G]}), 2026)
    assert bool(outcome.pool) is member


def _year(grades, cats=None):
    p = person("1", "甲", reserve_level=ReserveLevel.CHIEF, special_cases=cats or [])
    from kaoping.models import Roster

    (m,) = evaluate_year(Roster(people=[p]), ledgers([p], {"1": grades}), 2026).pool
    return m


def test_steady_or_rising_record_did_not_worsen():
    assert _year([G, G, G, G]).worsened == []
    assert _year([FG, G, G, G]).worsened == []
    assert _year([G, UN, G, AB]).worsened == []  # 不确定 / 未参加 are not grades


def test_a_drop_a_low_grade_and_a_disciplinary_quarter_worsen_it():
    assert _year([G, FG, FG, G]).worsened == ["第二季度由好降为较好"]
    assert _year([FG, FG, AV, PO]).worsened == ["第三季度由较好降为一般", "第四季度由一般降为较差"]
    assert _year([AV, AV, FG, FG]).worsened == ["第一季度一般", "第二季度一般"]
    case = SpecialCase(category=SpecialCategory.DISCIPLINED, start=D(2026, 7, 1))
    assert _year([G, G, UN, UN], [case]).worsened == ["第三季度不定档（第4类 受处分）",
                                                      "第四季度不定档（第4类 受处分）"]
    recruit = SpecialCase(category=SpecialCategory.NEW_RECRUIT, start=D(2026, 7, 1))
    assert _year([G, G, UN, UN], [recruit]).worsened == []
    assert worsened(_year([G, G, G, G]).year, {}) == []


def test_annual_report_lists_the_pool_and_who_worsened(tmp_path: Path):
    people = [person("001", "张三", reserve_level=ReserveLevel.SECTION_MEMBER, reserve_in=D(2025, 1, 1)),
              person("002", "李四", reserve_level=ReserveLevel.CHIEF),
              person("003", "王五")]
    roster = save_workbook(roster_template_workbook(people=people), tmp_path / "花名册.xlsx")
    grades = {"001": [G, G, AV, FG], "002": [G, G, G, G], "003": [AV, AV, AV, AV]}
    paths = [write_ledger(lg, tmp_path / f"台账-2026Q{lg.quarter}.xlsx") for lg in ledgers(people, grades)]
    res = CliRunner().invoke(app, ["annual", "report", "-r", str(roster), *map(str, paths),
                                   "--out", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    wb = load_workbook(tmp_path / "out" / "年度综评-2026.xlsx")
    pool = wb["后备干部"]
    header = [c.value for c in pool[3]]
    rows = [dict(zip(header, (c.value for c in r))) for r in pool.iter_rows(min_row=4)]
    assert [(r["后备层级"], r["姓名"]) for r in rows] == [("正科级", "李四"), ("股级", "张三")]
    assert rows[1]["入库日期"] == "2025-01-01" and rows[1]["好"] == 2
    assert rows[1]["一般/较差/不定档"] == "第三季度一般" and rows[1]["记录变差"] == "是"
    assert rows[0]["记录变差"] is None
    worse = wb["后备干部记录变差"]
    assert [c.value for c in worse[4]][3] == "张三"
    assert worse.cell(4, 10).value == "第三季度由好降为一般"
    assert worse.cell(5, 1).value is None
