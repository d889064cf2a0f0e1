"""The filing options a clerk needs (issue 16 item 7): the date left blank ("年 月 日") unless
--date, the centre's name from kaoping.toml's [centre] name, and the 全中心 row's 上限 and
比例 explained on screen the way 附件4 explains them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from helpers_report import sample
from kaoping.cli import app
from kaoping.config import load_settings
from kaoping.errors import KaopingError
from kaoping.periods import Quarter
from kaoping.report.annex_templates import A4_SEAL_ROW, A4_UNIT_ROW, LIST_DATE_CELL, LIST_UNIT_CELL
from kaoping.report.filing import BLANK_DATE, date_text, plan_filing

ROOT = Path(__file__).resolve().parents[1]
ROSTER = str(ROOT / "examples" / "花名册.xlsx")
Q2 = str(ROOT / "examples" / "collected" / "2026Q2")
Q3 = str(ROOT / "examples" / "collected" / "2026Q3")
CENTRE = "示例市住房公积金管理中心"


def _plan(**kw):
    roster, outcome = sample()
    return plan_filing(outcome, roster, Quarter(2026, 3), Path("out"), **kw).files


def _dates(files) -> list[str]:
    """The date line of every 附件4 (盖章 cell) and 附件5 (填报日期 cell) planned."""
    out = []
    for path, wb in files.items():
        ws = wb.worksheets[0]
        if path.name.startswith("附件4"):
            out.append(str(ws.cell(A4_SEAL_ROW, 2).value))
        elif path.name.startswith("附件5"):
            out.append(str(ws[LIST_DATE_CELL].value))
    return out


def test_without_a_date_every_filing_leaves_the_date_blank():
    dates = _dates(_plan())
    assert dates and all(BLANK_DATE in d for d in dates)
    today = dt.date.today()
    assert not any(f"{today.year}年{today.month}月{today.day}日" in d for d in dates)


def test_with_a_date_every_filing_carries_it():
    dates = _dates(_plan(report_date=dt.date(2026, 10, 15)))
    assert dates and all("2026年10月15日" in d for d in dates)


def test_the_blank_date_is_the_annexs_year_month_day():
    assert date_text(None) == BLANK_DATE
    assert BLANK_DATE.split() == ["年", "月", "日"]
    assert date_text(dt.date(2026, 7, 5)) == "2026年7月5日"


def test_the_centre_tables_carry_the_centre_name_and_units_their_own():
    files = _plan(centre_name=CENTRE)
    for path, wb in files.items():
        ws = wb.worksheets[0]
        label = (ws.cell(A4_UNIT_ROW, 2).value if path.name.startswith("附件4") else
                 ws[LIST_UNIT_CELL].value if path.name.startswith("附件5") else None)
        if label is None:
            continue
        if path.parent.name == "全中心":
            assert CENTRE in str(label)
        else:
            assert CENTRE not in str(label) and path.parent.name in str(label)


def test_the_centre_name_setting(tmp_path):
    toml = tmp_path / "kaoping.toml"
    toml.write_text(f'[centre]\nname = "{CENTRE}"\n', encoding="utf-8")
    assert load_settings(toml).centre.name == CENTRE
    assert load_settings(None).centre.name == "全中心"  # no kaoping.toml where the tests run
    toml.write_text('[centre]\nname = ""\n', encoding="utf-8")
    with pytest.raises(KaopingError) as err:
        load_settings(toml)
    assert "centre.name" in err.value.message


def _centre_label(out: Path, annex: str) -> str:
    (path,) = (out / "全中心").glob(f"{annex}-*.xlsx")
    ws = load_workbook(path).worksheets[0]
    return str(ws.cell(A4_UNIT_ROW, 2).value if annex == "附件4" else ws[LIST_UNIT_CELL].value)


@pytest.fixture(scope="module")
def settings_file(tmp_path_factory):
    toml = tmp_path_factory.mktemp("cfg") / "kaoping.toml"
    toml.write_text(f'[centre]\nname = "{CENTRE}"\n', encoding="utf-8")
    return toml


def test_quarter_report_takes_the_name_from_kaoping_toml_and_leaves_the_date(tmp_path, settings_file):
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["quarter", "report", Q2, "-r", ROSTER, "-o", str(out),
                                   "-c", str(settings_file)])
    assert res.exit_code == 0, res.output
    assert CENTRE in _centre_label(out, "附件4") and CENTRE in _centre_label(out, "附件5")
    assert "填报日期留空" in res.output
    (a4,) = (out / "全中心").glob("附件4-*.xlsx")
    assert BLANK_DATE in str(load_workbook(a4).worksheets[0].cell(A4_SEAL_ROW, 2).value)


def test_centre_name_on_the_command_line_wins(tmp_path, settings_file):
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["quarter", "report", Q2, "-r", ROSTER, "-o", str(out),
                                   "-c", str(settings_file), "--centre-name", "另一个名称",
                                   "--date", "2026-07-15"])
    assert res.exit_code == 0, res.output
    assert "另一个名称" in _centre_label(out, "附件4") and CENTRE not in _centre_label(out, "附件4")
    assert "填报日期留空" not in res.output


@pytest.fixture(scope="module")
def q3_check():
    res = CliRunner().invoke(app, ["quarter", "check", Q3, "-r", ROSTER], env={"COLUMNS": "200"})
    assert res.exit_code == 1
    return res.output


def test_the_centre_cap_is_the_sum_of_the_group_caps(q3_check):
    rows = {line.split()[0]: line.split() for line in q3_check.splitlines()
            if line.split() and line.split()[0] in ("机关（考核组）", "鹿城分中心", "瓯海分中心", "瑞安分中心", "全中心")}
    caps = {name: int(row[3]) for name, row in rows.items()}
    assert caps["全中心"] == sum(v for k, v in caps.items() if k != "全中心") == 22


def test_the_screen_says_which_ratio_counts_the_commended(q3_check):
    note = "".join(q3_check.split())
    assert "全中心：上限22人是各考核组上限之和" in note
    assert "比例36.2%不含受表彰直接定好的1人" in note
    assert "附件4全中心表的“好等次比例”含表彰：22÷58＝37.9%" in note


def test_the_json_summary_has_the_same_centre_cap():
    res = CliRunner().invoke(app, ["quarter", "check", Q3, "-r", ROSTER, "--json", "-"])
    rows = {r["label"]: r for r in json.loads(res.stdout)["summary"]["rows"]}
    assert rows["全中心"]["cap"] == 22 and rows["全中心"]["over"] is False
