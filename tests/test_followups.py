"""`kaoping followup check`: returned 谈话提醒和批评教育名单 (§五(二)) read back (excel.followup)
and judged against the deadline (rules.followups X1–X3). The lists are built here in the layout
`quarter report` writes (title, basis, header row 3, people from row 4, hidden _kaoping)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from helpers_annual import person
from openpyxl import Workbook
from typer.testing import CliRunner

from kaoping.cli import app
from kaoping.excel.followup import read_followup
from kaoping.forms.roster import roster_template_workbook
from kaoping.output.workbook import save_workbook
from kaoping.periods import Quarter
from kaoping.pipeline.followups import run_followups
from kaoping.rules.followups import due_date, filing_deadline
from kaoping.rules.settings import Settings

COLUMNS = ("序号", "工号", "姓名", "单位", "科室", "职务职级", "考核等次", "措施", "落实情况", "落实日期")
PEOPLE = [person("001", "张三", "鹿城分中心"), person("002", "李四", "鹿城分中心"),
          person("003", "王五", "鹿城分中心"), person("004", "赵六", "鹿城分中心")]


def write_list(path: Path, rows: dict[str, list[tuple]], *, unit="鹿城分中心", q=3, meta=True,
               shift=0) -> Path:
    """rows: sheet → [(工号, 姓名, 落实情况, 落实日期)]."""
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in ("谈话提醒", "批评教育"):
        ws = wb.create_sheet(sheet)
        for _ in range(shift):
            ws.append(["（插入的一行）"])
        ws.append([f"2026年第{'一二三四'[q - 1]}季度平时考核{sheet}名单（{unit}）"])
        ws.append(["§五(二)：……谈话、教育后请填写“落实情况”“落实日期”"])
        ws.append(list(COLUMNS))
        entries = rows.get(sheet, [])
        if not entries:
            ws.append(["（无）"])
        for i, (sid, name, done, on) in enumerate(entries, start=1):
            grade = "一般" if sheet == "谈话提醒" else "较差"
            ws.append([i, sid, name, unit, "综合科", "一级科员", grade, sheet, done, on])
    if meta:
        m = wb.create_sheet("_kaoping")
        for k, v in (("kind", "followup"), ("version", "1"), ("year", 2026), ("quarter", q), ("unit", unit)):
            m.append([k, v])
        m.sheet_state = "hidden"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


@pytest.fixture
def folder(tmp_path):
    roster = save_workbook(roster_template_workbook(people=PEOPLE), tmp_path / "花名册.xlsx")
    d = tmp_path / "名单"
    write_list(d / "鹿城.xlsx", {
        "谈话提醒": [("001", "张三", "已谈话提醒，本人表示改进", dt.date(2026, 10, 28)),
                 ("002", "李四", None, None),
                 ("003", "王五", "已谈话", dt.date(2026, 12, 1))],
        "批评教育": [("004", "赵六", "已批评教育", "十月底")]})
    # The centre's list repeats 李四 without a date: the unit's entry is no better, one item.
    write_list(d / "全中心.xlsx", {"谈话提醒": [("002", "李四", None, None)]}, unit="全中心")
    return roster, d


def test_deadline_is_the_filing_day_plus_the_setting():
    assert filing_deadline(Quarter(2026, 3)) == dt.date(2026, 10, 20)
    assert filing_deadline(Quarter(2026, 4)) == dt.date(2027, 1, 20)
    assert due_date(Quarter(2026, 3), Settings()) == dt.date(2026, 11, 19)


def test_reader_finds_the_table_by_its_labels(tmp_path):
    lst = read_followup(write_list(tmp_path / "a.xlsx", {"谈话提醒": [("001", "张三", "已谈", "2026-10-25")]},
                                   meta=False, shift=2))
    assert (lst.year, lst.quarter, lst.unit, lst.problem) == (2026, 3, "鹿城分中心", None)
    (e,) = lst.entries
    assert (e.action, e.staff_id, e.done, e.done_on, e.cells["done_on"]) == (
        "谈话提醒", "001", "已谈", dt.date(2026, 10, 25), "J6")


def test_each_follow_up_judged_against_its_deadline(folder):
    roster, d = folder
    run = run_followups(roster, d, today=dt.date(2026, 12, 31))
    status = {(i.person.name, i.action): i.status for i in run.check.items}
    assert status == {("张三", "谈话提醒"): "已落实", ("李四", "谈话提醒"): "逾期未落实",
                      ("王五", "谈话提醒"): "逾期落实", ("赵六", "批评教育"): "无法判断"}
    got = sorted((f.rule, f.severity.value, f.person, f.cell) for f in run.findings)
    assert got == [("X1", "警告", "李四", "I5"), ("X2", "警告", "王五", "J6"), ("X3", "错误", "赵六", "J4")]
    x3 = next(f for f in run.findings if f.rule == "X3")
    assert "「十月底」无法识别" in x3.message and x3.file.endswith("鹿城.xlsx") and x3.sheet == "批评教育"


def test_within_the_deadline_is_only_a_hint(folder):
    roster, d = folder
    run = run_followups(roster, d, today=dt.date(2026, 11, 19))  # the deadline itself
    li = next(i for i in run.check.items if i.person.name == "李四")
    assert li.status == "未到期"
    assert [f.severity.value for f in run.findings if f.person == "李四"] == ["提示"]


def test_half_answers_and_strangers_cannot_be_judged(tmp_path):
    roster = save_workbook(roster_template_workbook(people=PEOPLE), tmp_path / "花名册.xlsx")
    write_list(tmp_path / "d" / "a.xlsx", {"谈话提醒": [
        ("001", "张三", "已谈", None), ("002", "李四", None, dt.date(2026, 10, 30)),
        ("003", "王五", "已谈", dt.date(2026, 9, 1)), ("999", "路人", "已谈", dt.date(2026, 10, 30))]})
    run = run_followups(roster, tmp_path / "d", today=dt.date(2026, 12, 1))
    msgs = sorted(f.message for f in run.findings if f.rule == "X3")
    assert any("只填了落实情况，缺落实日期" in m for m in msgs)
    assert any("只填了落实日期，缺落实情况" in m for m in msgs)
    assert any("在该季度结束（2026-09-30）之前" in m for m in msgs)
    assert any("工号「999」不在花名册中" in m for m in msgs)


def test_cli(folder, tmp_path):
    roster, d = folder
    res = CliRunner().invoke(app, ["followup", "check", "-r", str(roster), str(d), "--date", "2026-12-31",
                                   "--problems", str(tmp_path / "p.xlsx")], env={"COLUMNS": "160"})
    assert res.exit_code == 1, res.output
    assert "逾期未落实 1 人次" in res.output and "已落实 1 人次" in res.output
    (tmp_path / "空").mkdir()
    res = CliRunner().invoke(app, ["followup", "check", "-r", str(roster), str(tmp_path / "空")],
                             env={"COLUMNS": "300"})
    assert res.exit_code == 2 and "没有找到谈话提醒和批评教育名单" in res.output


def test_annual_report_fills_in_what_was_done(tmp_path):
    from helpers_annual import AV, FG, PO, G, ledgers
    from openpyxl import load_workbook

    from kaoping.report.ledger import write_ledger

    roster = save_workbook(roster_template_workbook(people=PEOPLE), tmp_path / "花名册.xlsx")
    grades = {"001": [AV, G, G, G], "002": [FG, PO, FG, FG], "003": [G, G, G, G], "004": [G, G, G, G]}
    paths = [write_ledger(lg, tmp_path / f"台账-2026Q{lg.quarter}.xlsx") for lg in ledgers(PEOPLE, grades)]
    write_list(tmp_path / "名单" / "q1.xlsx", {"谈话提醒": [("001", "张三", "已谈话", dt.date(2026, 4, 28))]}, q=1)
    write_list(tmp_path / "名单" / "q2.xlsx", {"批评教育": [("002", "李四", "已批评教育", dt.date(2026, 9, 1))]}, q=2)
    res = CliRunner().invoke(app, ["annual", "report", "-r", str(roster), *map(str, paths), "--records",
                                   str(tmp_path / "名单"), "--out", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    wb = load_workbook(tmp_path / "out" / "年度综评-2026.xlsx")
    talk, crit = wb["谈话提醒"], wb["批评教育"]
    header = [c.value for c in talk[3]]
    row = dict(zip(header, (c.value for c in talk[4])))
    assert (row["姓名"], row["落实情况"], row["落实日期"]) == ("张三", "已谈话", "2026-04-28")
    row = dict(zip(header, (c.value for c in crit[4])))
    # Q2 due 2026-07-20 + 30 days = 2026-08-19: done on 09-01 is late (X2)
    assert (row["姓名"], row["落实情况"], row["落实日期"]) == ("李四", "已批评教育（逾期落实）", "2026-09-01")
    assert "X2" in res.output
