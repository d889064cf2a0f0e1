"""`kaoping month check` end to end on workbooks written by kaoping.forms.routine.monthly_workbook."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from helpers_month import identity, monthly, person, task
from kaoping.cli import app
from kaoping.forms.routine import monthly_workbook
from kaoping.output.workbook import save_workbook
from kaoping.models import MonthlySummary, Person
from kaoping.periods import Month
from kaoping.forms.roster import roster_template_workbook

runner = CliRunner()

ZHANG = person("A001", "张三", unit="归集处", section="一科", post="科员")
WANG = person("A002", "王五", unit="归集处", section="一科", post="科员")
ZHAO = person("B001", "赵六", unit="瑞安分中心", section="综合科", post="科员")
PEOPLE = [ZHANG, WANG, ZHAO]


def _invoke(*args: object):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False,
                         env={"COLUMNS": "200"})


def _summary(p: Person, month: int, **kw) -> MonthlySummary:
    return monthly(month, ident=identity(p.name, p.staff_id, p.unit), **kw)


def _write(folder: Path, p: Person, s: MonthlySummary) -> Path:
    path = folder / p.unit / f"{p.name}-{s.year}-{s.month:02d}.xlsx"
    return save_workbook(monthly_workbook(p, Month(s.year, s.month), s), path)


def _problems(path: Path) -> list[dict[str, object]]:
    ws = load_workbook(path)["全部"]
    header = [c.value for c in ws[2]]
    return [dict(zip(header, (c.value for c in row), strict=True)) for row in ws.iter_rows(min_row=3)]


@pytest.fixture()
def roster_file(tmp_path: Path) -> Path:
    return save_workbook(roster_template_workbook(["归集处", "瑞安分中心"], people=PEOPLE),
                         tmp_path / "花名册.xlsx")


def test_clean_month_exits_0(tmp_path: Path, roster_file: Path):
    folder = tmp_path / "collected"
    for p in PEOPLE:
        _write(folder, p, _summary(p, 7))
    r = _invoke("month", "check", "--roster", roster_file, folder, "--period", "2026-07")
    assert r.exit_code == 0, r.output
    assert "未发现问题" in r.output and "收到本月小结 3 份" in r.output
    # the period is inferred when every form agrees
    r = _invoke("month", "check", "-r", roster_file, folder)
    assert r.exit_code == 0 and "2026年7月" in r.output


def test_ytd_disagreement_missing_person_and_problems_file(tmp_path: Path, roster_file: Path):
    folder = tmp_path / "collected"
    _write(folder, ZHANG, _summary(ZHANG, 6, sick_personal_days=1.0, sick_personal_days_ytd=2.0))
    _write(folder, ZHANG, _summary(ZHANG, 7, sick_personal_days=1.5, sick_personal_days_ytd=4.0))
    _write(folder, WANG, _summary(WANG, 7, verifier_signature=None))
    problems = tmp_path / "问题清单.xlsx"
    r = _invoke("month", "check", "-r", roster_file, folder, "--period", "2026-07",
                "--problems", problems)
    assert r.exit_code == 1, r.output
    assert "同年更早月份 1 份" in r.output
    rows = _problems(problems)
    by_rule = {row["规则"]: row for row in rows}
    assert set(by_rule) == {"M9", "M4", "M13"}
    m9 = by_rule["M9"]
    # The file as found below the folder checked (the clerk's own folders are not shown).
    assert (m9["级别"], m9["姓名"], m9["单位"], m9["文件"]) == ("错误", "张三", "归集处",
                                                                str(Path("归集处", "张三-2026-07.xlsx")))
    assert m9["单元格"] == "C10"  # 全年累计病事假 on kaoping's 附件2
    assert "张三-2026-06.xlsx C10" in m9["问题"] and "应为 3.5 天" in m9["问题"]
    assert (by_rule["M13"]["单位"], by_rule["M13"]["姓名"]) == ("瑞安分中心", "赵六")
    assert by_rule["M4"]["姓名"] == "王五" and by_rule["M4"]["单元格"] == "F11"
    # per-unit sheets in the 问题清单
    assert {"归集处", "瑞安分中心"} <= set(load_workbook(problems).sheetnames)
    # an existing 问题清单 is not overwritten without --force
    again = _invoke("month", "check", "-r", roster_file, folder, "--period", "2026-07",
                    "--problems", problems)
    assert again.exit_code == 2
    forced = _invoke("month", "check", "-r", roster_file, folder, "--period", "2026-07",
                     "--problems", problems, "--force")
    assert forced.exit_code == 1


def test_bad_weekly_rows_and_leave_over_workdays(tmp_path: Path, roster_file: Path):
    folder = tmp_path / "collected"
    s = _summary(ZHANG, 7, annual_leave_days=23.5, annual_leave_days_ytd=23.5)  # July: 23 days
    s.weeks[1].tasks.append(task(6, status=None, status_text="差不多", completed_on=None))
    _write(folder, ZHANG, s)
    problems = tmp_path / "p.xlsx"
    r = _invoke("month", "check", folder, "--problems", problems)
    assert r.exit_code == 1, r.output
    rows = _problems(problems)
    assert sorted(row["规则"] for row in rows) == ["M8", "W1"]
    w1 = next(row for row in rows if row["规则"] == "W1")
    assert w1["工作表"].startswith("第2周") and w1["单元格"] == "F5" and "差不多" in w1["问题"]
    assert w1["姓名"] == "张三" and w1["单位"] == "归集处"


def test_mixed_months_need_a_period(tmp_path: Path):
    folder = tmp_path / "collected"
    _write(folder, ZHANG, _summary(ZHANG, 6))
    _write(folder, ZHANG, _summary(ZHANG, 7))
    r = _invoke("month", "check", folder)
    assert r.exit_code == 2 and "--period" in r.output
    # a later month in the folder is skipped with one 提示 (M11), an earlier one is history
    r = _invoke("month", "check", folder, "--period", "2026-06")
    assert r.exit_code == 0 and "M11" in r.output and "已跳过" in r.output


def test_cannot_run(tmp_path: Path, roster_file: Path):
    assert _invoke("month", "check", tmp_path / "nowhere").exit_code == 2
    (tmp_path / "empty").mkdir()
    assert _invoke("month", "check", tmp_path / "empty").exit_code == 2
    folder = tmp_path / "collected"
    _write(folder, ZHANG, _summary(ZHANG, 7))
    assert _invoke("month", "check", "-r", tmp_path / "no.xlsx", folder).exit_code == 2
    assert _invoke("month", "check", folder, "--period", "2026-13").exit_code == 2
    bad_settings = tmp_path / "kaoping.toml"
    bad_settings.write_text("[text]\nmin_block_chars = 'x'\n", encoding="utf-8")
    assert _invoke("month", "check", folder, "-c", bad_settings).exit_code == 2


def test_settings_change_the_block_threshold(tmp_path: Path):
    folder = tmp_path / "collected"
    _write(folder, ZHANG, _summary(ZHANG, 7, problems="暂无明显问题"))  # 6 characters
    assert _invoke("month", "check", folder).exit_code == 0  # M3 is only a 提示
    problems = tmp_path / "p.xlsx"
    _invoke("month", "check", folder, "--problems", problems)
    assert [row["规则"] for row in _problems(problems)] == ["M3"]
    toml = tmp_path / "kaoping.toml"
    toml.write_text("[text]\nmin_block_chars = 6\n", encoding="utf-8")
    r = _invoke("month", "check", folder, "-c", toml)
    assert r.exit_code == 0 and "未发现问题" in r.output
