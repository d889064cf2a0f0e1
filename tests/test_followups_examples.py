"""`followup check` on the shipped examples (examples/谈话提醒, built by
scripts/build_examples_record.py): the planted follow-ups are found, each at its file, sheet and cell."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from typer.testing import CliRunner

from kaoping.cli import app

ROOT = Path(__file__).resolve().parents[1]
LISTS = ROOT / "examples" / "谈话提醒"


def test_the_planted_follow_ups_are_reported_where_they_stand():
    from kaoping.pipeline.followups import run_followups  # the library call behind the command

    run = run_followups(ROOT / "examples" / "花名册.xlsx", LISTS, today=dt.date(2026, 12, 31))
    found = sorted((f.rule, f.staff_id, Path(f.file).name, f.sheet, f.cell) for f in run.findings)
    assert found == [
        ("X1", "3007", "谈话提醒和批评教育名单-2026Q2.xlsx", "谈话提醒", "I4"),  # 邹燕: never done
        ("X2", "3003", "谈话提醒和批评教育名单-2026Q1.xlsx", "谈话提醒", "J4"),  # 姜涛: done late
        ("X2", "3003", "谈话提醒和批评教育名单-2026Q2.xlsx", "批评教育", "J4"),
        ("X2", "3003", "谈话提醒和批评教育名单-2026Q3.xlsx", "谈话提醒", "J4"),
    ]


def test_the_command_on_the_examples_warns_and_exits_0():
    res = CliRunner().invoke(app, ["followup", "check", "-r", str(ROOT / "examples" / "花名册.xlsx"), str(LISTS),
                                   "--date", "2026-12-31"])
    assert res.exit_code == 0, res.output
    assert "警告 4 条" in res.output
