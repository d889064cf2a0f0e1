"""Issue 14, engine side: no silent guess that can change a grade, a count or a list.

Unknown workdays (item 9), no forms (item 10), 不定档 by the quarter's last day (item 4),
"均为较差" (item 5), lists resting on fewer quarters (item 6), approved quota exceptions
(item 11) — each on both sides of its boundary, each finding's place named.
"""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from helpers_quarter import form, person, roster
from helpers_quarter_cli import write_forms, write_roster
from kaoping.cli import app
from kaoping.models import Severity
from kaoping.periods import Quarter
from kaoping.rules.quarter import evaluate_quarter
from kaoping.rules.settings import Settings

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO
runner = CliRunner()


def _invoke(*args) -> tuple[int, str]:
    r = runner.invoke(app, [str(a) for a in args], catch_exceptions=False)
    return r.exit_code, r.output


# ---------------------------------------------------------------- item 9: unknown workdays

Q1_2027 = Quarter(2027, 1)
KNOWN_2027 = {"2027-01": 20, "2027-02": 16, "2027-03": 23}


def test_unknown_workdays_is_an_error_naming_the_toml_lines():
    p = person("001", "张三")
    out = evaluate_quarter(roster(p), Q1_2027, [form(p, year=2027, quarter=1)], [],
                           workdays=None, unknown_months={"2027-01": 21, "2027-03": 23})
    (f,) = [f for f in out.findings if f.rule == "Q5"]
    assert f.severity == ERROR
    assert "2027-01、2027-03" in f.message and "备案表不能输出" in f.message
    # Exactly the lines to paste, one per unknown month, the Mon–Fri count as the figure.
    assert "[attendance.workdays]\n\"2027-01\" = 21  # 周一至周五共 21 天" in f.message
    assert "\"2027-03\" = 23" in f.message and "2027-02" not in f.message
    assert (f.clause, f.file, f.cell) == ("§四(三)4(3)", None, None)


def test_no_workdays_from_a_library_caller_stays_a_note():
    p = person("001", "张三")
    out = evaluate_quarter(roster(p), Q1_2027, [form(p, year=2027, quarter=1)], [], workdays=None)
    assert [f.severity for f in out.findings if f.rule == "Q5"] == [INFO]


def _collected_2027(tmp_path: Path) -> tuple[Path, Path]:
    roster_path = write_roster(tmp_path / "花名册.xlsx")
    folder = tmp_path / "collected"
    write_forms(folder, quarter=Q1_2027)
    return roster_path, folder


def test_unknown_workdays_block_the_filing(tmp_path: Path):
    roster_path, folder = _collected_2027(tmp_path)
    out = tmp_path / "out"
    code, output = _invoke("quarter", "report", "-r", roster_path, folder, "-o", out)
    assert code == 1 and "未输出" in output and not out.exists()
    assert "[attendance.workdays]" in output


def test_workdays_in_the_settings_let_the_filing_go_out(tmp_path: Path):
    roster_path, folder = _collected_2027(tmp_path)
    toml = tmp_path / "kaoping.toml"
    toml.write_text("[attendance.workdays]\n" + "".join(f'"{k}" = {v}\n' for k, v in KNOWN_2027.items()),
                    encoding="utf-8")
    out = tmp_path / "out"
    code, output = _invoke("quarter", "report", "-r", roster_path, folder, "-o", out, "-c", toml,
                           "--date", "2027-04-15")
    assert code == 0, output
    assert (out / "季度结果台账-2027Q1.xlsx").is_file()


def test_pipeline_names_only_the_months_still_unknown(tmp_path: Path):
    from kaoping.pipeline import run_quarter

    roster_path, folder = _collected_2027(tmp_path)
    settings = Settings.model_validate({"attendance": {"workdays": {"2027-02": 16}}})
    run = run_quarter(roster_path, folder, settings=settings)
    (f,) = [f for f in run.findings if f.rule == "Q5" and f.severity == ERROR]
    assert '"2027-01" = 21' in f.message and '"2027-03" = 23' in f.message
    assert '"2027-02"' not in f.message


# ---------------------------------------------------------------- item 10: no forms





def _two_unit_roster(tmp_path: Path, group: str | None = None) -> Path:
    from helpers_quarter_cli import PEOPLE

    people = [p if i < 3 else p.model_copy(update={"unit": "财务处"}) for i, p in enumerate(PEOPLE)]
    if group:
        people = [p.model_copy(update={"quota_group": group}) for p in people]
    from kaoping.forms.roster import roster_template_workbook
    from kaoping.output.workbook import save_workbook

    return save_workbook(roster_template_workbook(["综合处", "财务处"], people=people),
                         tmp_path / "花名册.xlsx")


def test_an_empty_folder_exits_2_and_writes_nothing(tmp_path: Path):
    roster_path = write_roster(tmp_path / "花名册.xlsx")
    (tmp_path / "empty").mkdir()
    out, problems = tmp_path / "out", tmp_path / "问题清单.xlsx"
    code, output = _invoke("quarter", "report", "-r", roster_path, tmp_path / "empty", "-p", "2026Q3",
                           "-o", out, "--problems", problems, "--force")
    assert code == 2 and "没有2026年第三季度的季度评价表" in "".join(output.split())
    assert not out.exists() and not problems.exists()


def test_forms_of_another_quarter_only_exit_2(tmp_path: Path):
    roster_path = write_roster(tmp_path / "花名册.xlsx")
    write_forms(tmp_path / "c", quarter=Quarter(2026, 2))
    code, output = _invoke("quarter", "check", "-r", roster_path, tmp_path / "c", "-p", "2026Q3")
    flat = "".join(output.split())
    assert code == 2 and "2026年第二季度5份" in flat


def test_one_form_is_enough_to_run(tmp_path: Path):
    from helpers_quarter_cli import FG

    roster_path = write_roster(tmp_path / "花名册.xlsx")
    write_forms(tmp_path / "c", {"1001": FG})
    code, _ = _invoke("quarter", "check", "-r", roster_path, tmp_path / "c", "-p", "2026Q3")
    assert code == 0  # the others are Q8 警告 未参加, no unit is left without a form


def test_a_unit_without_any_form_is_an_error(tmp_path: Path):
    from helpers_quarter_cli import GRADES
    from kaoping.pipeline import run_quarter

    roster_path = _two_unit_roster(tmp_path)
    write_forms(tmp_path / "c", {k: v for k, v in GRADES.items() if k in ("1001", "1002", "1003")})
    run = run_quarter(roster_path, tmp_path / "c")
    (f,) = [f for f in run.findings if f.rule == "Q8" and f.severity == ERROR]
    assert f.unit == "财务处" and "应交2026年第三季度评价表 2 份" in f.message
    assert "--unit 综合处" in f.message and f.clause == "§二、§四(三)5"
    # One form of 财务处 is enough: no unit-wide error, the other one is a 警告.
    write_forms(tmp_path / "c", {"1004": GRADES["1004"]})
    run = run_quarter(roster_path, tmp_path / "c")
    assert not [f for f in run.findings if f.severity == ERROR]


def test_unit_option_limits_the_run_to_units_present(tmp_path: Path):
    from helpers_quarter_cli import GRADES

    roster_path = _two_unit_roster(tmp_path)
    folder = tmp_path / "c"
    write_forms(folder, dict(GRADES))
    # 财务处's forms are in the folder too but outside the run: no finding, no table.
    out = tmp_path / "out"
    code, output = _invoke("quarter", "report", "-r", roster_path, folder, "-o", out, "-u", "综合处",
                           "--date", "2026-10-15")
    assert code == 0, output
    files = sorted(str(p.relative_to(out)) for p in out.rglob("*.xlsx"))
    assert files == ["季度结果台账-2026Q3-综合处.xlsx", "综合处/附件4-备案表-2026Q3.xlsx",
                     "综合处/附件5-名单表-2026Q3.xlsx"]
    from kaoping.report.ledger import read_ledger

    ledger = read_ledger(out / "季度结果台账-2026Q3-综合处.xlsx")
    assert sorted(r.staff_id for r in ledger.results) == ["1001", "1002", "1003"]


def test_unit_option_refuses_an_unknown_unit_or_part_of_a_group(tmp_path: Path):
    roster_path = _two_unit_roster(tmp_path, group="机关")
    write_forms(tmp_path / "c")
    code, output = _invoke("quarter", "check", "-r", roster_path, tmp_path / "c", "-u", "综合处")
    assert code == 2 and "--unit财务处" in "".join(output.split())
    code, output = _invoke("quarter", "check", "-r", roster_path, tmp_path / "c", "-u", "综合处",
                           "-u", "财务处")
    assert code == 0, output
    code, output = _invoke("quarter", "check", "-r", roster_path, tmp_path / "c", "-u", "人事处")
    assert code == 2 and "人事处" in output


def test_unreadable_files_are_named_when_no_form_is_left(tmp_path: Path):
    roster_path = write_roster(tmp_path / "花名册.xlsx")
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "坏表-张一-2026Q3.xlsx").write_bytes(b"not a workbook")
    code, output = _invoke("quarter", "check", "-r", roster_path, folder, "-p", "2026Q3")
    flat = "".join(output.split())
    assert code == 2 and "坏表-张一-2026Q3.xlsx" in flat and "F1" in flat


# ---------------------------------------------------------------- item 4: 不定档 by the last day


def test_annex4_remark_shows_the_reading_of_the_categories():
    from kaoping.models import Outcome
    from kaoping.report.filing import RowCounts, annex4_remark

    counts = RowCounts(due=3)
    counts.grades[Outcome.UNDETERMINED] = 1
    assert "特殊情形以季度最后一天是否在期内为准" in annex4_remark(counts)
    any_day = Settings.model_validate({"categories": {"applies": "any_overlap"}})
    assert "特殊情形与季度有一天重叠即不定档" in annex4_remark(counts, settings=any_day)
    counts.grades[Outcome.UNDETERMINED] = 0
    assert "特殊情形" not in annex4_remark(counts)


def test_categories_setting_is_checked():
    import pytest
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        Settings.model_validate({"categories": {"applies": "some_days"}})
