"""The --json report of every check command (kaoping.pipeline.report_json): one object with
the keys docs/JSON报告.md documents, counts that add up, findings as flat records naming rule,
file, sheet and cell, written to a file (never over an input) or to stdout alone."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kaoping import __version__
from kaoping.cli import app
from kaoping.models import Finding, Severity
from kaoping.pipeline.report_json import (
    FINDING_KEYS,
    REPORT_KEYS,
    SCHEMA,
    check_report,
    finding_record,
    report_text,
)
from kaoping.rules.catalog import BY_ID
from kaoping.rules.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
EX = ROOT / "examples"
ROSTER = str(EX / "花名册.xlsx")
Q3 = str(EX / "collected" / "2026Q3")
DOC = (ROOT / "docs" / "JSON报告.md").read_text("utf-8")

COMMANDS = {
    "roster check": ["roster", "check", ROSTER],
    "week check": ["week", "check", Q3, "-r", ROSTER],
    "month check": ["month", "check", Q3, "-r", ROSTER, "-p", "2026-08"],
    "quarter check": ["quarter", "check", Q3, "-r", ROSTER],
    "followup check": ["followup", "check", str(EX / "谈话提醒"), "-r", ROSTER, "--date", "2026-12-31"],
}


def _invoke(args):
    return CliRunner().invoke(app, args, env={"COLUMNS": "100"})


@pytest.fixture(scope="module")
def reports():
    """command → (exit code, report) of each check command over the examples, --json -."""
    out = {}
    for command, args in COMMANDS.items():
        result = _invoke([*args, "--json", "-"])
        out[command] = (result.exit_code, json.loads(result.stdout))
    return out


def _documented(section: str) -> list[str]:
    """The field names of the table under '## section' in docs/JSON报告.md, in order."""
    part = DOC.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `(\w+)` \|", part, flags=re.M)


def test_the_documented_fields_are_the_reports():
    assert tuple(_documented("报告")) == REPORT_KEYS
    assert tuple(_documented("findings 记录")) == FINDING_KEYS


@pytest.mark.parametrize("command", COMMANDS)
def test_every_check_command_writes_one_report_object(reports, command):
    code, report = reports[command]
    assert tuple(report) == REPORT_KEYS
    assert report["schema"] == SCHEMA and report["command"] == command
    assert report["tool"] == {"name": "kaoping", "version": __version__}
    assert all(tuple(f) == FINDING_KEYS for f in report["findings"])
    stats = report["stats"]
    assert stats["findings"] == len(report["findings"]) == sum(stats["severity"].values())
    assert sum(stats["rules"].values()) == stats["findings"]
    assert list(stats["severity"]) == ["错误", "警告", "提示"]
    assert report["valid"] == (stats["severity"]["错误"] == 0) == (code == 0)
    assert command in DOC


def test_quarter_report_names_inputs_settings_and_the_summary(reports):
    code, report = reports["quarter check"]
    assert code == 1 and report["valid"] is False
    assert report["inputs"] == {"folder": Q3, "roster": ROSTER, "attendance": None, "units": None,
                                "period": "2026Q3"}
    assert report["settings"]["file"] is None  # defaults: no kaoping.toml where the tests run
    assert report["settings"]["values"] == Settings().model_dump(mode="json")
    assert report["stats"]["severity"] == {"错误": 8, "警告": 2, "提示": 0}
    assert report["stats"]["rules"]["Q1"] == 2
    rows = {r["label"]: r for r in report["summary"]["rows"]}
    assert (rows["鹿城分中心"]["good"], rows["鹿城分中心"]["cap"], rows["鹿城分中心"]["over"]) == (6, 5, True)
    assert rows["全中心"]["participants"] == 58


def test_a_finding_record_names_rule_person_file_sheet_cell_and_fix(reports):
    _, report = reports["quarter check"]
    (rec,) = [f for f in report["findings"] if f["person"] == "梁晨"]
    assert (rec["rule"], rec["severity"], rec["level"], rec["unit"], rec["staff_id"]) == (
        "Q1", "错误", "error", "信贷管理处", "1035")
    assert Path(rec["file"]).name == "梁晨-2026Q3.xlsx" and rec["sheet"] == "季度评价" and rec["cell"] == "C8:F8"
    assert rec["fix"] == BY_ID["Q1"].fix and rec["clause"] == BY_ID["Q1"].clause


def test_the_documented_example_record_is_what_kaoping_writes(reports):
    _, report = reports["quarter check"]
    sample = json.loads(DOC.split("```json\n", 1)[1].split("```", 1)[0])
    (rec,) = [f for f in report["findings"] if f["person"] == "梁晨"]
    assert sample == {**rec, "file": sample["file"]}
    assert Path(sample["file"]).name == Path(rec["file"]).name


def test_roster_report_has_no_settings_and_counts_people(reports):
    code, report = reports["roster check"]
    assert code == 0 and report["valid"] and report["settings"] is None
    assert (report["summary"]["people"], report["summary"]["on_establishment"]) == (60, 59)
    assert {u["unit"]: u["people"] for u in report["summary"]["units"]}["鹿城分中心"] == 13


def test_month_report_is_of_the_month_checked(reports):
    _, report = reports["month check"]
    assert report["inputs"]["period"] == "2026-08" and report["summary"]["month"] == "2026-08"
    assert set(report["stats"]["rules"]) >= {"M9", "W3"}


def test_json_to_a_file_keeps_the_screen_and_refuses_to_overwrite(tmp_path):
    target = tmp_path / "检查.json"
    args = [*COMMANDS["roster check"], "--json", str(target)]
    first = _invoke(args)
    assert first.exit_code == 0, first.output
    assert "JSON 报告已写入" in first.output and "各单位在编人数" in first.output
    report = json.loads(target.read_text("utf-8"))
    assert report["command"] == "roster check"
    again = _invoke(args)
    assert again.exit_code == 2 and "已存在" in again.output
    assert _invoke([*args, "--force"]).exit_code == 0


def test_json_never_goes_over_an_input(tmp_path):
    roster = tmp_path / "花名册.xlsx"
    roster.write_bytes(Path(ROSTER).read_bytes())
    result = _invoke(["roster", "check", str(roster), "--json", str(roster), "--force"])
    assert result.exit_code == 2
    assert roster.read_bytes() == Path(ROSTER).read_bytes()


def test_stdout_carries_nothing_but_the_report(reports):
    result = _invoke([*COMMANDS["week check"], "--json", "-"])
    assert result.stdout.startswith("{") and result.stdout.endswith("}\n")
    json.loads(result.stdout)


def _finding(**kw) -> Finding:
    return Finding(**{"rule": "Q2", "severity": Severity.ERROR, "message": "超过上限", **kw})


def test_a_record_has_every_key_null_where_the_finding_has_no_value():
    rec = finding_record(_finding(unit="财务处"))
    assert tuple(rec) == FINDING_KEYS
    assert (rec["unit"], rec["person"], rec["file"], rec["cell"]) == ("财务处", None, None, None)
    assert rec["title"] == BY_ID["Q2"].title  # from the catalogue when the finding has none


def test_an_unknown_rule_has_no_fix_rather_than_failing():
    assert finding_record(_finding(rule="Z9"))["fix"] is None


def test_counts_by_rule_follow_the_catalogue_and_severities_list_zero():
    report = check_report("x", [_finding(rule="Q2"), _finding(rule="Q1"), _finding(rule="Q1",
                                severity=Severity.INFO)], inputs={}, settings=None)
    assert list(report["stats"]["rules"].items()) == [("Q1", 2), ("Q2", 1)]
    assert report["stats"]["severity"] == {"错误": 2, "警告": 0, "提示": 1}
    assert report["valid"] is False


def test_no_error_is_valid_and_the_text_is_plain_utf8():
    report = check_report("x", [_finding(severity=Severity.WARNING, person="王磊")],
                          inputs={"roster": Path("花名册.xlsx")}, settings=Settings())
    assert report["valid"] is True
    text = report_text(report)
    assert "王磊" in text and '"roster": "花名册.xlsx"' in text and text.endswith("}\n")


def test_followup_report_lists_each_follow_up_with_its_status(reports):
    code, report = reports["followup check"]
    assert code == 0 and report["inputs"]["date"] == "2026-12-31"
    summary = report["summary"]
    assert summary["counts"] == {"已落实": 6, "逾期落实": 3, "逾期未落实": 1, "未到期": 0, "无法判断": 0}
    never = [i for i in summary["items"] if i["status"] == "逾期未落实"]
    assert never == [{"quarter": "2026Q2", "action": "谈话提醒", "staff_id": "3007", "name": "邹燕",
                      "unit": "瓯海分中心", "due": "2026-08-19", "done_on": None, "status": "逾期未落实",
                      "file": never[0]["file"]}]
    assert never[0]["file"].endswith("谈话提醒和批评教育名单-2026Q2.xlsx")
    x1 = next(f for f in report["findings"] if f["rule"] == "X1")
    assert (x1["person"], x1["sheet"], x1["cell"]) == ("邹燕", "谈话提醒", "I4")
