"""`kaoping rules`: the rule catalogue as a table or JSON, and finding a rule by id or clause."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from kaoping.cli import app
from kaoping.cli.rules import matching
from kaoping.rules.catalog import RULES

runner = CliRunner()


def _invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False, env={"COLUMNS": "250"})


def test_the_table_lists_every_rule_with_its_clause_title_and_fix():
    result = _invoke("rules")
    assert result.exit_code == 0
    for col in ("规则", "级别", "条款", "名称", "怎么改"):
        assert col in result.output
    for r in RULES:
        assert r.id in result.output and r.title in result.output
    assert f"共 {len(RULES)} 条" in result.output


def test_json_lists_every_rule_as_a_dict():
    result = _invoke("rules", "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert [d["id"] for d in data] == [r.id for r in RULES]
    q5 = next(d for d in data if d["id"] == "Q5")
    assert (q5["severity"], q5["clause"], q5["levels"]) == ("错误", "§四(三)4(3)", ["错误", "警告", "提示"])
    assert all({"id", "severity", "clause", "title", "fix"} <= d.keys() for d in data)


@pytest.mark.parametrize(("query", "ids"), [
    ("Q5", ["Q5"]),
    ("q5", ["Q5"]),
    ("§四(三)3", ["Q2"]),  # the 40% quota, and not §四(三)4(3)
    ("四（三）4(3)", ["A1", "Q5"]),  # full-width brackets, no §; the attendance sheet too
    ("§四(二)1(5)", ["M6", "M7", "M8", "M9", "M10"]),
    ("§四(三)5", ["Q8", "Y6"]),  # Q8 (§二、§四(三)5) and Y6 (a 台账 filed with --allow-errors)
    ("附件3", ["Q7"]),
    ("kaoping", ["F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8"]),
])
def test_a_rule_is_found_by_its_id_or_its_clause(query, ids):
    assert [r.id for r in matching(query)] == ids


def test_a_clause_finds_its_sub_clauses():
    found = {r.id for r in matching("§四(三)")}
    assert {"Q1", "Q2", "Q3", "Q4", "Q5", "Q8", "M3"} <= found
    assert not found & {"M1", "W1", "Y1", "R1"}


def test_several_queries_and_json_show_only_those_rules():
    result = _invoke("rules", "--json", "M9", "§四(三)3", "M9")
    assert [d["id"] for d in json.loads(result.output)] == ["M9", "Q2"]
    table = _invoke("rules", "Q5")
    assert "Q5" in table.output and "Q2" not in table.output and "共 1 条" in table.output


def test_an_unknown_rule_is_exit_2_with_a_chinese_message():
    result = _invoke("rules", "Z9")
    assert result.exit_code == 2
    assert "没有与「Z9」对应的规则" in result.output and "Traceback" not in result.output


def test_help_is_chinese():
    result = _invoke("rules", "--help")
    assert result.exit_code == 0 and "规则号" in result.output and "条款" in result.output
