"""`kaoping halfyear check`: returned 干部成长考核考察记实表 (§四(四)1) read back (excel.growth) and
checked against who should have one (rules.talks H5–H7)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from helpers_annual import person
from typer.testing import CliRunner

from kaoping.cli import app
from kaoping.excel.growth import read_growth_record
from kaoping.forms.halfyear import ballot_workbook, growth_record_workbook
from kaoping.forms.roster import roster_template_workbook
from kaoping.output.workbook import save_workbook
from kaoping.periods import Half
from kaoping.pipeline.talks import run_talks

H1 = Half(2026, 1)
PEOPLE = [person("001", "张三", "鹿城分中心", hired_on=dt.date(2015, 1, 1)),
          person("002", "李四", "鹿城分中心", hired_on=dt.date(2015, 1, 1)),
          person("003", "王五", "鹿城分中心", hired_on=dt.date(2015, 1, 1)),
          person("004", "赵六", "财务处", section=None, hired_on=dt.date(2015, 1, 1)),
          person("005", "钱七", "财务处", section=None, hired_on=dt.date(2026, 8, 1))]  # not due in H1


def fill(path: Path, p, half: Half = H1, *, talk="谈了思想、工作和成长需求，本人表示将进一步提高。",
         interviewer="周建国", date="2026年6月15日", interviewee=None, recorder="陈丽娜") -> Path:
    wb = growth_record_workbook(p, half)
    ws = wb["记实表"]
    if talk:
        ws["A8"] = talk
    ws["A9"] = f"谈话人（签字）：{interviewer or '＿＿＿＿＿＿＿＿'}　　　　谈话日期：{date or '＿＿＿＿年＿＿月＿＿日'}"
    who = p.name if interviewee is None else interviewee
    ws["A10"] = f"被谈话人（签字）：{who or '＿＿＿＿＿＿＿＿'}　　　记录人（签字）：{recorder}"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


@pytest.fixture
def folder(tmp_path):
    roster = save_workbook(roster_template_workbook(people=PEOPLE), tmp_path / "花名册.xlsx")
    d = tmp_path / "记实表"
    fill(d / "鹿城" / "张三.xlsx", PEOPLE[0])
    fill(d / "鹿城" / "李四.xlsx", PEOPLE[1], interviewee="")  # not signed by the interviewee
    fill(d / "财务处" / "赵六.xlsx", PEOPLE[3], date="2026年7月2日")  # outside the half
    ballot_workbook("鹿城分中心", PEOPLE[:3], H1, 1).save(d / "测评票.xlsx")  # skipped quietly
    return roster, d


def test_reader_takes_the_signatures_the_date_and_the_talk(tmp_path):
    rec = read_growth_record(fill(tmp_path / "a.xlsx", PEOPLE[0]))
    assert (rec.staff_id, rec.name, rec.unit, rec.half) == ("001", "张三", "鹿城分中心", "2026H1")
    assert (rec.interviewer, rec.talk_date, rec.interviewee, rec.recorder) == (
        "周建国", dt.date(2026, 6, 15), "张三", "陈丽娜")
    assert rec.talk.startswith("谈了思想") and rec.missing == [] and rec.problem is None


def test_the_blank_template_has_nothing_filled(tmp_path):
    path = tmp_path / "blank.xlsx"
    growth_record_workbook(PEOPLE[0], H1).save(path)
    rec = read_growth_record(path)
    assert rec.problem is None
    assert rec.missing == ["谈话记录", "谈话人签字", "谈话日期", "被谈话人签字"]


def test_check_counts_signed_and_names_the_rest(folder):
    roster, d = folder
    run = run_talks(roster, d)
    assert str(run.check.half) == "2026H1"
    assert [p.staff_id for p in run.check.expected] == ["001", "002", "003", "004"]
    assert list(run.check.signed) == ["001"]
    assert [p.name for p in run.check.missing()] == ["李四", "王五", "赵六"]
    got = sorted((f.rule, f.severity.value, f.person, f.cell) for f in run.findings)
    assert got == [("H5", "警告", "李四", "A10"), ("H6", "错误", "赵六", "A9"),
                   ("H7", "警告", "王五", None), ("H7", "警告", "赵六", None)]
    h5 = next(f for f in run.findings if f.rule == "H5")
    assert "被谈话人签字" in h5.message and h5.file.endswith("李四.xlsx") and h5.sheet == "记实表"


def test_another_half_and_someone_not_on_the_roster(tmp_path):
    roster = save_workbook(roster_template_workbook(people=PEOPLE), tmp_path / "花名册.xlsx")
    d = tmp_path / "r"
    fill(d / "a.xlsx", PEOPLE[0], Half(2025, 2), date="2025年12月1日")
    fill(d / "b.xlsx", person("999", "路人", "鹿城分中心"))
    fill(d / "c.xlsx", PEOPLE[1], date="2026年13月1日")
    run = run_talks(roster, d, half=H1)
    msgs = sorted(f.message for f in run.findings if f.rule == "H6")
    assert any("2025H2 的记实表" in m for m in msgs)
    assert any("工号「999」对不上花名册" in m for m in msgs)
    assert any("谈话日期「2026年13月1日」无法识别" in m for m in msgs)
    assert run.check.signed == {}


@pytest.mark.parametrize("ref", ["A8", "A10"])  # the talk, the interviewee's signature line
def test_an_error_value_in_a_record_is_an_h6_error_naming_the_cell(tmp_path, ref):
    """#REF! reads as blank: not "缺签字" (a 警告, and the person listed as without a talk)
    but an 错误 saying whether it is signed cannot be told."""
    from openpyxl import load_workbook

    roster = save_workbook(roster_template_workbook(people=PEOPLE), tmp_path / "花名册.xlsx")
    path = fill(tmp_path / "r" / "张三.xlsx", PEOPLE[0])
    wb = load_workbook(path)
    wb["记实表"][ref] = "#REF!"
    wb["记实表"][ref].data_type = "e"
    wb.save(path)
    run = run_talks(roster, tmp_path / "r", half=H1)
    [h6] = [f for f in run.findings if f.rule == "H6"]
    assert (h6.severity.value, h6.file, h6.sheet, h6.cell) == ("错误", str(path), "记实表", ref)
    assert "#REF!" in h6.message and "无法判断" in h6.message
    assert not [f for f in run.findings if f.rule == "H5"] and run.check.signed == {}


def test_cli_table_and_exit_code(folder, tmp_path):
    roster, d = folder
    res = CliRunner().invoke(app, ["halfyear", "check", "-r", str(roster), str(d),
                                   "--problems", str(tmp_path / "问题.xlsx")], env={"COLUMNS": "160"})
    assert res.exit_code == 1, res.output  # the date outside the half is an 错误
    assert "李四（未签字）" in res.output and "王五（未交）" in res.output
    assert "应谈话 4 人，已签字 1 人" in res.output
    assert (tmp_path / "问题.xlsx").is_file()


def test_cli_needs_the_half_when_the_folder_has_none(tmp_path):
    roster = save_workbook(roster_template_workbook(people=PEOPLE), tmp_path / "花名册.xlsx")
    (tmp_path / "空").mkdir()
    res = CliRunner().invoke(app, ["halfyear", "check", "-r", str(roster), str(tmp_path / "空")])
    assert res.exit_code == 2 and "--half" in res.output


def test_cli_json_report(folder):
    import json

    from kaoping.pipeline.report_json import FINDING_KEYS, REPORT_KEYS

    roster, d = folder
    res = CliRunner().invoke(app, ["halfyear", "check", "-r", str(roster), str(d), "--json", "-"])
    assert res.exit_code == 1
    report = json.loads(res.stdout)
    assert tuple(report) == REPORT_KEYS and report["command"] == "halfyear check"
    assert report["inputs"]["half"] == "2026H1" and report["settings"] is None
    assert all(tuple(f) == FINDING_KEYS for f in report["findings"])
    units = {u["unit"]: u for u in report["summary"]["units"]}
    assert (units["鹿城分中心"]["due"], units["鹿城分中心"]["signed"]) == (3, 1)
    assert {m["name"] for m in units["鹿城分中心"]["missing"]} == {"李四", "王五"}
