"""The example centre's record (scripts/build_examples_record.py): the 2025 季度结果台账, the
returned 2026H1 记实表 and the reserve pool of the roster. Expected values are derived by hand
from the scenario (examples/generate.py STAFF plans and RESERVE, the script's TALK_PLANTED)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from kaoping.cli import app
from kaoping.excel.roster import read_roster
from kaoping.models import Outcome, ReserveLevel, SpecialCategory
from kaoping.pipeline.profile import run_profile
from kaoping.pipeline.talks import run_talks
from kaoping.report.ledger import read_ledger

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
ROSTER = EXAMPLES / "花名册.xlsx"
LEDGERS_2025 = sorted((EXAMPLES / "台账").glob("季度结果台账-2025Q*.xlsx"))
TALKS = EXAMPLES / "collected" / "2026H1"


def _script():
    spec = importlib.util.spec_from_file_location("kaoping_build_record",
                                                  ROOT / "scripts" / "build_examples_record.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_roster_holds_the_reserve_pool():
    roster, findings = read_roster(ROSTER)
    assert not findings
    pool = {p.staff_id: (p.reserve_level, p.reserve_out) for p in roster.people if p.reserve_level}
    assert len(pool) == 10
    assert pool["1012"][1].isoformat() == "2026-06-30"
    assert sum(level == ReserveLevel.CHIEF for level, _ in pool.values()) == 4


def test_2025_ledgers_shift_the_2026_plans_by_a_quarter():
    ledgers = {lg.quarter: lg for lg in map(read_ledger, LEDGERS_2025)}
    assert sorted(ledgers) == [1, 2, 3, 4] and all(lg.year == 2025 for lg in ledgers.values())
    rows = {q: {r.staff_id: r for r in lg.results} for q, lg in ledgers.items()}
    # 黄志强 1003 plans JHJH for 2026 → 2025: H J H J
    assert [rows[q]["1003"].outcome for q in (1, 2, 3, 4)] == [Outcome.GOOD, Outcome.FAIRLY_GOOD,
                                                             Outcome.GOOD, Outcome.FAIRLY_GOOD]
    # 杨帆 2006: 处分 2025-01-10～2025-07-09, in force on the last day of Q1 and Q2 only → 不定档
    # (第4类) there; Q3 graded (the 2026Q4 letter N reads 较好), Q4 the 2026Q1 letter H
    assert [rows[q]["2006"].outcome for q in (1, 2, 3, 4)] == [
        Outcome.UNDETERMINED, Outcome.UNDETERMINED, Outcome.FAIRLY_GOOD, Outcome.GOOD]
    assert rows[1]["2006"].special_categories == [SpecialCategory.DISCIPLINED]
    # 吴昊天 1005 hired 2025-12-01: only in 2025Q4, as 试用期 不定档 (第1类)
    assert "1005" not in rows[3] and rows[4]["1005"].outcome == Outcome.UNDETERMINED
    # 陆宇 3009 plan JJ-J: the '-' of 2026Q3 falls on 2025Q2 → 未参加
    assert rows[2]["3009"].outcome == Outcome.ABSENT


def test_talk_records_of_2026h1_with_the_planted_gaps():
    run = run_talks(ROSTER, TALKS)
    assert str(run.check.half) == "2026H1" and run.files == 58 + 59  # 记实表 and 测评票
    assert len(run.check.expected) == 59 and len(run.check.signed) == 56
    assert [p.name for p in run.check.missing()] == ["任思琪", "卢明", "谷雨"]
    assert sorted((f.rule, f.person) for f in run.findings) == [
        ("H5", "卢明"), ("H6", "谷雨"), ("H7", "任思琪"), ("H7", "谷雨")]


def test_regeneration_is_deterministic(tmp_path):
    script = _script()
    gen = script._generator()
    script.write_ledgers_2025(gen, tmp_path / "台账")
    script.write_talk_records(gen, tmp_path / "2026H1")
    script.write_ballots(gen, tmp_path / "2026H1" / "测评票")
    for path in LEDGERS_2025:
        assert read_ledger(tmp_path / "台账" / path.name).results == read_ledger(path).results
    from kaoping.excel.growth import read_growth_record

    old = sorted(p.relative_to(TALKS).as_posix() for p in TALKS.rglob("*.xlsx"))
    new = sorted(p.relative_to(tmp_path / "2026H1").as_posix() for p in (tmp_path / "2026H1").rglob("*.xlsx"))
    assert new == old
    for rel in [r for r in old if "测评票" not in r][:5]:
        a, b = read_growth_record(TALKS / rel), read_growth_record(tmp_path / "2026H1" / rel)
        assert (a.talk, a.interviewer, a.talk_date, a.interviewee) == (b.talk, b.interviewer, b.talk_date,
                                                                       b.interviewee)
    from kaoping.excel.ballots import read_ballot

    for rel in [r for r in old if "测评票" in r][:5]:
        assert read_ballot(TALKS / rel).votes == read_ballot(tmp_path / "2026H1" / rel).votes


def test_profile_of_yang_fan_over_2025_with_the_roster_dates(tmp_path):
    res = CliRunner().invoke(app, ["profile", "-r", str(ROSTER), *map(str, LEDGERS_2025),
                                   "--records", str(TALKS), "--person", "2006",
                                   "--out", str(tmp_path / "画像")])
    assert res.exit_code == 0, res.output
    ws = load_workbook(tmp_path / "画像" / "鹿城分中心" / "干部画像-杨帆-2006.xlsx")["2025年"]
    assert [ws.cell(r, 4).value for r in range(6, 10)] == ["不确定", "不确定", "较好", "好"]
    assert ws.cell(6, 8).value == "第4类 受处分（2025-01-10～2025-07-09）"
    run = run_profile(ROSTER, LEDGERS_2025, person="杨帆", records=TALKS)
    assert run.years == [2025] and run.profiles[0].years[0].talks == []  # the 记实表 is 2026's


def test_ballots_of_2026h1_reach_the_profile():
    from kaoping.paths import scan_workbooks
    from kaoping.pipeline.halfyear import tally_ballots
    from kaoping.report.profile import ballots_line

    tally = tally_ballots(list(scan_workbooks(TALKS / "测评票")))
    assert tally.valid == 59 and tally.invalid == 0 and tally.skipped == 0
    luc = next(u for u in tally.units if u.unit == "鹿城分中心")
    assert luc.valid == 13 and luc.max_ticks == 5  # ⌊0.4 × 13⌋
    row = next(r for r in luc.ranking if r.staff_id == "2003")
    run = run_profile(ROSTER, LEDGERS_2025, person="2003", records=TALKS)
    assert run.profiles[0].years[0].ballots == []  # 2025 has no 测评票
    from kaoping.report.profile import BallotPlace, ProfileYear

    year = ProfileYear(2026, {}, None, ballots=[BallotPlace("2026H1", "鹿城分中心", row.rank, row.votes, 13, 13)])
    assert ballots_line(year, True)[1].startswith(
        f"上半年：得票 {row.votes} 票（有效票 13 张，") and f"13 人中第 {row.rank} 名" in ballots_line(year, True)[1]
