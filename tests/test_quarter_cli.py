"""`kaoping quarter check|report` end to end on forms generated with the real writers."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from helpers_quarter_cli import GRADES, PEOPLE, Q3, write_forms, write_roster
from kaoping.cli import app
from kaoping.output.workbook import save_workbook
from kaoping.models import QuarterGrade

runner = CliRunner()


class _Result:
    """CliRunner result with the console's line wrapping removed from `output`."""

    def __init__(self, result) -> None:
        self.exit_code = result.exit_code
        self.output = "".join(result.output.split())
        self.raw = result.output


def _invoke(*args: str) -> _Result:
    return _Result(runner.invoke(app, [str(a) for a in args], catch_exceptions=False))


@pytest.fixture()
def clean(tmp_path: Path) -> tuple[Path, Path]:
    roster = write_roster(tmp_path / "花名册.xlsx")
    folder = tmp_path / "collected"
    write_forms(folder)
    return roster, folder


def test_check_clean_folder_exits_0_and_infers_period(clean):
    roster, folder = clean
    r = _invoke("quarter", "check", "--roster", roster, folder)
    assert r.exit_code == 0, r.output
    assert "2026年第三季度" in r.output
    assert "综合处" in r.output and "全中心" in r.output


def test_check_with_errors_exits_1_and_writes_problems(tmp_path: Path):
    roster = write_roster(tmp_path / "花名册.xlsx")
    folder = tmp_path / "collected"
    # Leader ticked two grades for 王三 (Q1 错误).
    write_forms(folder, overrides={"1003": [QuarterGrade.GOOD, QuarterGrade.FAIRLY_GOOD]})
    problems = tmp_path / "问题清单.xlsx"
    r = _invoke("quarter", "check", "-r", roster, folder, "--period", "2026Q3",
                "--problems", problems)
    assert r.exit_code == 1, r.output
    ws = load_workbook(problems)["全部"]
    assert any(ws.cell(row, 2).value == "错误" for row in range(3, ws.max_row + 1))
    # Refuses to replace the 问题清单 without --force (exit 2), then replaces it with --force.
    assert _invoke("quarter", "check", "-r", roster, folder, "--problems", problems).exit_code == 2
    r = _invoke("quarter", "check", "-r", roster, folder, "--problems", problems, "--force")
    assert r.exit_code == 1


def test_check_cannot_run_exits_2(tmp_path: Path, clean):
    roster, folder = clean
    r = _invoke("quarter", "check", "-r", roster, tmp_path / "missing")
    assert r.exit_code == 2 and "找不到" in r.output
    bad = tmp_path / "bad.xlsx"
    bad.write_text("not a workbook")
    r = _invoke("quarter", "check", "-r", bad, folder)
    assert r.exit_code == 2 and "Traceback" not in r.output
    wb = Workbook()
    wb.active.append(["随便", "一张", "表"])
    r = _invoke("quarter", "check", "-r", save_workbook(wb, tmp_path / "nr.xlsx"), folder)
    assert r.exit_code == 2
    r = _invoke("quarter", "check", "-r", tmp_path / "no-roster.xlsx", folder)
    assert r.exit_code == 2 and "花名册" in r.output
    r = _invoke("quarter", "check", "-r", roster, folder, "--period", "2026Q9")
    assert r.exit_code == 2


def test_mixed_quarters_need_period(tmp_path: Path):
    from kaoping.periods import Quarter

    roster = write_roster(tmp_path / "花名册.xlsx")
    folder = tmp_path / "collected"
    write_forms(folder, {"1001": QuarterGrade.GOOD})
    write_forms(folder / "old", {"1002": QuarterGrade.GOOD}, quarter=Quarter(2026, 2))
    r = _invoke("quarter", "check", "-r", roster, folder)
    assert r.exit_code == 2 and "--period" in r.output
    r = _invoke("quarter", "check", "-r", roster, folder, "-p", "2026Q3")
    assert r.exit_code == 1  # the Q2 form is a Q8 错误 in Q3, and 1002 has no Q3 form


def test_report_writes_tables_and_ledger(clean, tmp_path: Path):
    from kaoping.report.ledger import read_ledger

    roster, folder = clean
    out = tmp_path / "out"
    r = _invoke("quarter", "report", "-r", roster, folder, "--out", out, "--date", "2026-10-15")
    assert r.exit_code == 0, r.output
    files = sorted(str(p.relative_to(out)) for p in out.rglob("*.xlsx"))
    assert files == sorted([
        "季度结果台账-2026Q3.xlsx", "综合处/附件4-备案表-2026Q3.xlsx",
        "综合处/附件5-名单表-2026Q3.xlsx", "全中心/附件4-备案表-2026Q3.xlsx",
        "全中心/附件5-名单表-2026Q3.xlsx", "综合处/谈话提醒和批评教育名单-2026Q3.xlsx",
        "全中心/谈话提醒和批评教育名单-2026Q3.xlsx"])
    ws = load_workbook(out / "综合处/附件4-备案表-2026Q3.xlsx").worksheets[0]
    # 张一 S 好; 李二 王三 钱五 C 较好; 赵四 C 一般.
    assert [ws.cell(6, c).value for c in range(2, 10)] == [1, 1, 1, 0, 0, 0, 0, 0]
    assert [ws.cell(7, c).value for c in range(2, 10)] == [4, 4, 0, 3, 1, 0, 0, 0]
    assert [ws.cell(9, c).value for c in range(2, 10)] == [5, 5, 1, 3, 1, 0, 0, 0]
    assert ws["B10"].value == pytest.approx(0.2)
    ws5 = load_workbook(out / "综合处/附件5-名单表-2026Q3.xlsx").worksheets[0]
    assert [ws5.cell(r, 2).value for r in (5, 6)] == ["张一", "赵四"]
    assert ws5["A7"].value.startswith("注")
    ledger = read_ledger(out / "季度结果台账-2026Q3.xlsx")
    assert {r.staff_id: r.outcome.value for r in ledger.results} == {
        sid: g.value for sid, g in GRADES.items()}
    assert "".join(str(out / "全中心" / "附件4-备案表-2026Q3.xlsx").split()) in r.output
    # A second run refuses to overwrite (exit 2) and leaves the files as they were.
    before = (out / "季度结果台账-2026Q3.xlsx").read_bytes()
    r = _invoke("quarter", "report", "-r", roster, folder, "--out", out)
    assert r.exit_code == 2 and "--force" in r.output
    assert (out / "季度结果台账-2026Q3.xlsx").read_bytes() == before


def test_report_refuses_while_errors_remain(tmp_path: Path):
    roster = write_roster(tmp_path / "花名册.xlsx")
    folder = tmp_path / "collected"
    write_forms(folder, overrides={"1003": []})  # no leader tick: Q1 错误
    out = tmp_path / "out"
    r = _invoke("quarter", "report", "-r", roster, folder, "-o", out)
    assert r.exit_code == 1 and "未输出" in r.output
    assert not out.exists()
    # --force only overwrites: it never files with errors left.
    r = _invoke("quarter", "report", "-r", roster, folder, "-o", out, "--force")
    assert r.exit_code == 1 and "未输出" in r.output and "--allow-errors" in r.output
    assert not out.exists()
    r = _invoke("quarter", "report", "-r", roster, folder, "-o", out, "--allow-errors")
    assert r.exit_code == 1 and (out / "季度结果台账-2026Q3.xlsx").is_file()


def test_low_attendance_from_monthly_summaries(tmp_path: Path):
    """李二 takes 20 days of 病事假 in July: attendance under 80%, so his 较好 is a Q5 错误
    and the ledger carries the flag (the leader's grade stays until the form is corrected)."""
    roster = write_roster(tmp_path / "花名册.xlsx")
    folder = tmp_path / "collected"
    write_forms(folder, leave={"1002": 20})
    out = tmp_path / "out"
    r = _invoke("quarter", "report", "-r", roster, folder, "-o", out, "--allow-errors")
    assert r.exit_code == 1 and "Q5" in r.output
    from kaoping.models import QuarterFlag
    from kaoping.report.ledger import read_ledger

    res = {x.staff_id: x for x in read_ledger(out / "季度结果台账-2026Q3.xlsx").results}
    assert QuarterFlag.LOW_ATTENDANCE in res["1002"].flags
    assert res["1002"].attended_days is not None and res["1002"].attended_days < 0.8 * res["1002"].required_days
    assert res["1002"].attended_days == res["1002"].required_days - 20
    assert res["1001"].outcome.value == "好" and not res["1001"].flags


def test_attendance_sheet_overrides_summaries(tmp_path: Path):
    roster = write_roster(tmp_path / "花名册.xlsx")
    folder = tmp_path / "collected"
    write_forms(folder)
    wb = Workbook()
    wb.active.append(["工号", "月份", "病事假", "年休", "调休"])
    wb.active.append(["1005", "2026-07", 25, 0, 0])
    wb.active.append(["9999", "2026-07", 1, 0, 0])
    sheet = save_workbook(wb, tmp_path / "考勤.xlsx")
    out = tmp_path / "out"
    r = _invoke("quarter", "report", "-r", roster, folder, "-o", out, "-a", sheet, "--allow-errors")
    assert "9999" in r.output
    from kaoping.report.ledger import read_ledger

    from kaoping.models import QuarterFlag

    res = {x.staff_id: x for x in read_ledger(out / "季度结果台账-2026Q3.xlsx").results}
    assert QuarterFlag.LOW_ATTENDANCE in res["1005"].flags and r.exit_code == 1
    r = _invoke("quarter", "check", "-r", roster, folder, "-a", tmp_path / "none.xlsx")
    assert r.exit_code == 2


def test_help_documents_attendance_columns():
    r = _invoke("quarter", "check", "--help")
    assert r.exit_code == 0 and "工号" in r.output and "病事假" in r.output


def test_people_constant_matches_grades():
    assert {p.staff_id for p in PEOPLE} == set(GRADES) and Q3.quarter == 3


def test_month_forms_of_the_quarter_are_checked_and_others_named(tmp_path: Path):
    """The quarter's 月度小结表 feed Q5, so their own problems are reported too (rules.month);
    a summary of another month is named with a 提示 and not used."""
    from kaoping.forms.routine import monthly_workbook
    from kaoping.models import FormIdentity, MonthlySummary, SourceRef
    from kaoping.periods import Month

    roster = write_roster(tmp_path / "花名册.xlsx")
    folder = tmp_path / "collected"
    write_forms(folder)
    p, q = PEOPLE[0], PEOPLE[1]
    june = MonthlySummary(source=SourceRef(file="m.xlsx"),
                          identity=FormIdentity(staff_id=p.staff_id, name=p.name, unit=p.unit),
                          year=2026, month=6, sick_personal_days=30, annual_leave_days=0)
    save_workbook(monthly_workbook(p, Month(2026, 6), june), folder / "上月-张一-2026-06.xlsx")
    july = MonthlySummary(source=SourceRef(file="m.xlsx"),
                          identity=FormIdentity(staff_id=q.staff_id, name=q.name, unit=q.unit),
                          year=2026, month=7, sick_personal_days=1, annual_leave_days=0)
    save_workbook(monthly_workbook(q, Month(2026, 7), july), folder / "空白-李二-2026-07.xlsx")
    problems = tmp_path / "问题.xlsx"
    r = _invoke("quarter", "check", "-r", roster, folder, "--problems", problems)
    ws = load_workbook(problems)["全部"]
    head = [ws.cell(2, c).value for c in range(1, ws.max_column + 1)]
    rows = [dict(zip(head, (ws.cell(i, c).value for c in range(1, len(head) + 1)), strict=True))
            for i in range(3, ws.max_row + 1)]
    june_rows = [row for row in rows if row["文件"] == "上月-张一-2026-06.xlsx"]
    assert june_rows and june_rows[0]["级别"] == "提示" and "不在2026年第三季度内" in june_rows[0]["问题"]
    # June's 30 days of leave are not counted: 张一 keeps his 好 without a Q5 error.
    assert not any(row["规则"] == "Q5" and row["姓名"] == "张一" and row["级别"] == "错误" for row in rows)
    # July's summary is blank (no 小结, no signature): the month rules name it.
    july_rules = {row["规则"] for row in rows if row["文件"] == "空白-李二-2026-07.xlsx"}
    assert any(rule.startswith("M") for rule in july_rules), july_rules
    assert r.exit_code == (1 if any(row["级别"] == "错误" for row in rows) else 0)
