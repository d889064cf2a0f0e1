"""`kaoping annual eligible|report` end to end: roster + four ledgers written by write_ledger."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from kaoping.cli import app
from kaoping.report.ledger import write_ledger
from kaoping.forms.roster import roster_template_workbook
from kaoping.output.workbook import save_workbook

from helpers_annual import AV, FG, G, PO, UN, ledgers, person

runner = CliRunner()

PEOPLE = [
    person("001", "张三", "鹿城分中心", section="综合科", rank="一级主任科员"),
    person("002", "李四", "鹿城分中心", section="归集科"),
    person("003", "王五", "鹿城分中心", section="归集科"),
    person("004", "赵六", "财务处", section=None, rank="四级调研员"),
    person("005", "钱七", "财务处", section=None),
    person("006", "孙八", "财务处", section=None, refused_or_falsified=True, refused_or_falsified_year=2026),
]
GRADES = {
    "001": [G, G, FG, FG],  # Y1 (exactly two 好)
    "002": [G, G, AV, FG],  # 附件6 but not Y1
    "003": [AV, AV, PO, FG],  # Y2
    "004": [PO, UN, PO, PO],  # Y2; not Y3: the 不确定 quarter is not 较差
    "005": [G, FG, FG, G],  # Y1
    "006": [FG, FG, FG, FG],  # Y4
}


@pytest.fixture
def inputs(tmp_path: Path):
    roster = save_workbook(roster_template_workbook(people=PEOPLE), tmp_path / "花名册.xlsx")
    paths = []
    for lg in ledgers(PEOPLE, GRADES):
        paths.append(write_ledger(lg, tmp_path / f"台账-2026Q{lg.quarter}.xlsx"))
    return tmp_path, roster, paths


def test_eligible_json(inputs):
    tmp, roster, paths = inputs
    res = runner.invoke(app, ["annual", "eligible", "--roster", str(roster), *map(str, paths), "--json", "-"])
    assert res.exit_code == 0, res.output
    report = json.loads(res.stdout)
    assert (report["command"], report["valid"], report["inputs"]["year"]) == ("annual eligible", True, 2026)
    data = report["summary"]
    assert data["year"] == 2026 and data["provisional"] is False
    assert [c["name"] for c in data["candidates"]] == ["张三", "钱七"]
    assert data["candidates"][0]["quarters"] == {"1": "好", "2": "好", "3": "较好", "4": "较好"}
    assert data["candidates"][0]["counts"]["好"] == 2


def test_eligible_table_and_provisional(inputs):
    tmp, roster, paths = inputs
    res = runner.invoke(app, ["annual", "eligible", "-r", str(roster), *map(str, paths[:3])])
    assert res.exit_code == 0, res.output  # a missing quarter is a 警告, not an 错误
    table = res.output.split("问题清单")[0]
    assert "张三" in table and "钱七" not in table  # 钱七's second 好 is in the missing quarter
    assert "暂定" in res.output and "第四季度" in res.output


def test_eligible_duplicate_and_other_year_is_exit_1(inputs, tmp_path):
    tmp, roster, paths = inputs
    old = ledgers(PEOPLE, GRADES, year=2025)[0]
    old_path = write_ledger(old, tmp / "台账-2025Q1.xlsx")
    dup = write_ledger(ledgers(PEOPLE, GRADES)[1], tmp / "台账-2026Q2-副本.xlsx")
    res = runner.invoke(app, ["annual", "eligible", "-r", str(roster), *map(str, paths),
                              str(old_path), str(dup), "--json", "-"])
    assert res.exit_code == 1
    data = json.loads(res.stdout)
    msgs = [f["message"] for f in data["findings"] if f["severity"] == "错误"]
    assert any("2025" in m for m in msgs) and any("重复" in m for m in msgs)


def test_unreadable_ledger_is_finding(inputs):
    tmp, roster, paths = inputs
    bad = tmp / "坏台账.xlsx"
    bad.write_bytes(b"not a workbook")
    res = runner.invoke(app, ["annual", "eligible", "-r", str(roster), *map(str, paths), str(bad),
                              "--json", "-"])
    assert res.exit_code == 1
    data = json.loads(res.stdout)
    assert any("坏台账.xlsx" in (f.get("file") or "") for f in data["findings"])
    assert [c["name"] for c in data["summary"]["candidates"]] == ["张三", "钱七"]


def test_report_names_the_centre_from_kaoping_toml_or_the_command_line(inputs):
    tmp, roster, paths = inputs
    toml = tmp / "kaoping.toml"
    toml.write_text('[centre]\nname = "示例市住房公积金管理中心"\n', encoding="utf-8")
    centre_file = "附件6-公务员平时考核好等次2次以上人员名单表-2026年度-全中心.xlsx"
    for extra, name in (([], "示例市住房公积金管理中心"), (["--centre-name", "另一个名称"], "另一个名称")):
        out = tmp / f"out-{name}"
        res = runner.invoke(app, ["annual", "report", "-r", str(roster), *map(str, paths), "--out", str(out),
                                  "-c", str(toml), *extra])
        assert res.exit_code == 0, res.output
        assert load_workbook(out / centre_file).worksheets[0]["A3"].value.endswith(name)
        unit = load_workbook(out / "附件6-公务员平时考核好等次2次以上人员名单表-2026年度-鹿城分中心.xlsx")
        assert unit.worksheets[0]["A3"].value.endswith("鹿城分中心")


def test_report_writes_everything(inputs):
    tmp, roster, paths = inputs
    out = tmp / "out"
    res = runner.invoke(app, ["annual", "report", "-r", str(roster), *map(str, paths), "--out", str(out)])
    assert res.exit_code == 0, res.output
    names = sorted(p.name for p in out.iterdir())
    assert "年度综评-2026.xlsx" in names
    centre = out / "附件6-公务员平时考核好等次2次以上人员名单表-2026年度-全中心.xlsx"
    unit = out / "附件6-公务员平时考核好等次2次以上人员名单表-2026年度-鹿城分中心.xlsx"
    assert centre.exists() and unit.exists()
    assert (out / "附件6-公务员平时考核好等次2次以上人员名单表-2026年度-财务处.xlsx").exists()

    ws = load_workbook(centre).worksheets[0]
    assert ws["A2"].value == "（2026年度）"
    assert ws["A3"].value.endswith("全中心")
    assert [c.value for c in ws[4]][:6] == ["序号", "姓  名", "所在处（科）", "职务职级", "“好”次数", "备注"]
    rows = [[c.value for c in r][:6] for r in ws.iter_rows(min_row=5, max_row=7)]
    assert rows[0] == [1, "张三", "鹿城分中心综合科", "一级主任科员", 2, None]
    assert rows[1][:5] == [2, "李四", "鹿城分中心归集科", "一级科员", 2] and "一般1次" in rows[1][5]
    assert rows[2][:5] == [3, "钱七", "财务处", "一级科员", 2]

    ws = load_workbook(unit).worksheets[0]
    assert ws["A3"].value.endswith("鹿城分中心")
    assert ws["B5"].value == "张三" and ws["C5"].value == "综合科" and ws["B6"].value == "李四"
    assert ws["B7"].value is None

    wb = load_workbook(out / "年度综评-2026.xlsx")
    def names_in(sheet, col=3, first=4):
        return [r[col - 1] for r in wb[sheet].iter_rows(min_row=first, values_only=True) if r[col - 1]]
    assert names_in("优秀候选(Y1)") == ["张三", "钱七"]
    assert names_in("基本称职或不称职(Y2)") == ["王五", "赵六"]
    assert names_in("可直接定不称职(Y3)") == []  # 赵六's 不确定 quarter is not 较差
    assert names_in("确定不称职(Y4)") == ["孙八"]
    talk = [(r[0], r[3]) for r in wb["谈话提醒"].iter_rows(min_row=4, values_only=True)]
    assert talk == [("第一季度", "王五"), ("第二季度", "王五"), ("第三季度", "李四")]
    crit = [(r[0], r[3]) for r in wb["批评教育"].iter_rows(min_row=4, values_only=True)]
    assert crit == [("第一季度", "赵六"), ("第三季度", "王五"), ("第三季度", "赵六"), ("第四季度", "赵六")]
    lines = {r[2]: r[4] for r in wb["登记表"].iter_rows(min_row=4, values_only=True)}
    assert lines["张三"] == "2026年平时考核：第一季度好、第二季度好、第三季度较好、第四季度较好。"
    assert "第二季度不确定等次" in lines["赵六"]

    # second run refuses without --force and writes nothing; --force replaces
    before = (out / "年度综评-2026.xlsx").stat().st_mtime_ns
    res = runner.invoke(app, ["annual", "report", "-r", str(roster), *map(str, paths), "--out", str(out)])
    assert res.exit_code == 2 and "--force" in res.output
    assert (out / "年度综评-2026.xlsx").stat().st_mtime_ns == before
    res = runner.invoke(app, ["annual", "report", "-r", str(roster), *map(str, paths), "--out", str(out),
                              "--force"])
    assert res.exit_code == 0, res.output


def test_report_refuses_when_only_one_target_exists(inputs):
    tmp, roster, paths = inputs
    out = tmp / "out2"
    out.mkdir()
    (out / "年度综评-2026.xlsx").write_bytes(b"keep")
    res = runner.invoke(app, ["annual", "report", "-r", str(roster), *map(str, paths), "--out", str(out)])
    assert res.exit_code == 2
    assert sorted(p.name for p in out.iterdir()) == ["年度综评-2026.xlsx"]
    assert (out / "年度综评-2026.xlsx").read_bytes() == b"keep"


def test_annex6_grows_beyond_template_rows(tmp_path):
    from kaoping.report.annual import annex6_workbook
    from kaoping.rules.annual import evaluate_year
    from helpers_annual import roster

    many = [person(f"{i:03d}", f"人员{i}") for i in range(12)]
    out = evaluate_year(roster(*many), ledgers(many, {p.staff_id: [G, G, G, FG] for p in many}), 2026)
    ws = annex6_workbook(out, None).worksheets[0]
    assert [ws.cell(r, 2).value for r in range(5, 17)] == [f"人员{i}" for i in range(12)]
    assert str(ws.cell(17, 1).value).startswith("注")


def test_report_formula_text_is_literal(inputs, tmp_path):
    from kaoping.report.annual import annex6_workbook
    from kaoping.rules.annual import evaluate_year
    from helpers_annual import roster

    p = person("001", "=HYPERLINK(\"x\")", section="+1")
    out = evaluate_year(roster(p), ledgers([p], {"001": [G, G, G, G]}), 2026)
    wb = annex6_workbook(out, "鹿城分中心")
    path = save_workbook(wb, tmp_path / "a6.xlsx")
    ws = load_workbook(path).worksheets[0]
    assert ws["B5"].data_type == "s" and ws["B5"].value.startswith("=")


def test_report_out_is_a_file(inputs):
    tmp, roster, paths = inputs
    res = runner.invoke(app, ["annual", "report", "-r", str(roster), *map(str, paths), "--out", str(paths[0])])
    assert res.exit_code == 2 and "不是文件夹" in res.output


def test_missing_roster_is_exit_2(inputs):
    tmp, roster, paths = inputs
    res = runner.invoke(app, ["annual", "eligible", "-r", str(tmp / "无.xlsx"), *map(str, paths)])
    assert res.exit_code == 2, res.output
    assert isinstance(res.exception, SystemExit)  # a clean exit, not a traceback
    assert "无.xlsx" in res.output


# ---------------------------------------------------------------- §四(四)2 集中测评 in the 年度综评


def _tally_file(path: Path, half: str, counts: dict[str, int], valid: int = 4) -> Path:
    from kaoping.report.tally import write_tally
    from kaoping.rules.ballots import Tally, UnitTally

    unit = UnitTally(unit="鹿城分中心", half=half, max_ticks=1, valid=valid,
                     staff=[(p.staff_id, p.name) for p in PEOPLE[:3]], counts=counts)
    return write_tally(Tally(units=[unit], ballots=[], findings=[]), path)


def test_report_puts_the_tally_beside_the_candidates(inputs):
    """§四(四)2 结果作为市中心党组年度综评的依据: `--tally` lists each 优秀 candidate's votes."""
    tmp, roster, paths = inputs
    h1 = _tally_file(tmp / "测评结果-2026H1.xlsx", "2026H1", {"001": 3, "002": 1})
    h2 = _tally_file(tmp / "测评结果-2026H2.xlsx", "2026H2", {"001": 1, "003": 3})
    old = _tally_file(tmp / "测评结果-2025H2.xlsx", "2025H2", {"001": 4})
    out = tmp / "out"
    res = runner.invoke(app, ["annual", "report", "-r", str(roster), *map(str, paths), "--out", str(out),
                              "--tally", str(h1), "--tally", str(h2), "--tally", str(old)],
                        env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output  # the other year's half is a 警告
    assert "2025年下半年不属于2026年度" in res.output
    wb = load_workbook(out / "年度综评-2026.xlsx")
    ws = wb["优秀候选(Y1)"]
    header = [c.value for c in ws[3]]
    col = header.index("集中测评推荐")
    rows = {r[2]: r[col] for r in ws.iter_rows(min_row=4, values_only=True) if r[2]}
    assert rows == {"张三": "2026年上半年 3/4 票（第1名）；2026年下半年 1/4 票（第2名）", "钱七": "未获推荐"}
    votes = [r for r in wb["集中测评推荐"].iter_rows(min_row=4, values_only=True) if r[0]]
    assert [(r[1], r[5], r[6], r[8]) for r in votes] == [
        ("2026年上半年", "张三", 3, "是"), ("2026年上半年", "李四", 1, None), ("2026年上半年", "王五", 0, None),
        ("2026年下半年", "王五", 3, None), ("2026年下半年", "张三", 1, "是"), ("2026年下半年", "李四", 0, None)]


def test_report_without_tally_says_so_and_a_wrong_file_stops(inputs):
    tmp, roster, paths = inputs
    out = tmp / "out"
    res = runner.invoke(app, ["annual", "report", "-r", str(roster), *map(str, paths), "--out", str(out)])
    assert res.exit_code == 0
    wb = load_workbook(out / "年度综评-2026.xlsx")
    assert "集中测评推荐" not in wb.sheetnames
    assert any("--tally" in str(r[1]) for r in wb["说明"].iter_rows(values_only=True))
    res = runner.invoke(app, ["annual", "report", "-r", str(roster), *map(str, paths), "--out",
                              str(tmp / "out2"), "--tally", str(paths[0])], env={"COLUMNS": "200"})
    assert res.exit_code == 2 and "不是 kaoping halfyear tally" in res.output
    assert not (tmp / "out2").exists()


@pytest.mark.parametrize("min_good", [2, 3])
def test_the_notes_sheet_names_the_good_count_the_run_used(min_good):
    """The 说明 sheet's 附件6 line says the 好 count it counted with ([annual]
    excellent_min_good), not always 2."""
    from kaoping.report.annual import results_workbook
    from kaoping.rules.annual import evaluate_year
    from kaoping.rules.settings import Settings
    from helpers_annual import roster

    people = [person("001", "甲"), person("002", "乙"), person("003", "丙")]
    grades = {"001": [G, G, FG, FG], "002": [G, G, G, FG], "003": [FG, FG, FG, FG]}
    settings = Settings.model_validate({"annual": {"excellent_min_good": min_good}})
    out = evaluate_year(roster(*people), ledgers(people, grades), 2026, settings)
    ws = results_workbook(out)["说明"]
    lines = {str(ws.cell(r, 1).value): ws.cell(r, 2).value for r in range(1, ws.max_row + 1)}
    assert lines[f"好等次{min_good}次以上（附件6）"] == str({2: 2, 3: 1}[min_good])
