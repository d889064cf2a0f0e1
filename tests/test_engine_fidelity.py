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
