"""`kaoping.pipeline.run_tally` and `run_halfyear_forms` used as a library (no CLI, no console
output), and `rules.ballots.count_ballots` on hand-built ballot records (§四(四)2)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers_annual import G, ledgers, person
from openpyxl import load_workbook
from test_halfyear import LUCHENG, PEOPLE, tick
from typer.testing import CliRunner

from kaoping.cli import app
from kaoping.errors import KaopingError
from kaoping.forms.halfyear import NO_MAX_TICKS, Half, ballot_workbook
from kaoping.forms.roster import roster_template_workbook
from kaoping.models import Severity
from kaoping.output.workbook import save_workbook
from kaoping.pipeline import HalfyearFormsRun, TallyRun, run_halfyear_forms, run_tally
from kaoping.report.ledger import write_ledger
from kaoping.report.tally import write_tally
from kaoping.rules.ballots import Ballot, count_ballots
from kaoping.rules.settings import HalfyearSettings, LimitSettings, Settings

H1 = Half(2026, 1)
STAFF = [("001", "张三"), ("002", "李四"), ("003", "王五")]


def _ballot(name: str, votes: list[str], *, staff=STAFF, max_ticks: int = 2, half: str = "2026H1",
            unit: str = "鹿城分中心", valid: bool = True) -> Ballot:
    return Ballot(path=Path(name), unit=unit, half=half, max_ticks=max_ticks, staff=list(staff),
                  votes=votes, valid=valid)


def _h4(tally) -> list:
    return [f for f in tally.findings if f.rule == "H4"]


# ---------------------------------------------------------------- count_ballots


def test_same_list_and_maximum_is_no_h4():
    t = count_ballots([_ballot("1.xlsx", ["001", "003"]), _ballot("2.xlsx", ["001"])])
    assert _h4(t) == [] and t.findings == []
    [u] = t.units
    assert (u.valid, u.invalid, u.counts) == (2, 0, {"001": 2, "003": 1})
    assert [(r.rank, r.staff_id, r.votes, r.share) for r in u.ranking] == [
        (1, "001", 2, 1.0), (2, "003", 1, 0.5), (3, "002", 0, 0.0)]


def test_one_differing_staff_list_is_an_h4_naming_that_file():
    other = [*STAFF, ("004", "赵六")]
    t = count_ballots([_ballot("1.xlsx", ["001"]), _ballot("2.xlsx", ["004"], staff=other)])
    [h4] = _h4(t)
    assert h4.file == "2.xlsx" and h4.unit == "鹿城分中心" and "名单或最多推荐人数" in h4.message
    [u] = t.units
    assert u.valid == 2 and [s for s, _ in u.staff] == ["001", "002", "003", "004"]  # its list joins
    assert u.counts == {"001": 1, "004": 1}


def test_a_differing_maximum_is_an_h4():
    t = count_ballots([_ballot("1.xlsx", ["001"]), _ballot("2.xlsx", ["002"], max_ticks=1)])
    assert [f.file for f in _h4(t)] == ["2.xlsx"]


def test_an_invalid_ballot_is_counted_as_invalid_and_never_compared():
    bad = _ballot("2.xlsx", [], staff=[("009", "外人")], valid=False)
    bad.invalid("H1", "无效票，未计票：推荐了 3 人，超过最多 2 人")
    t = count_ballots([_ballot("1.xlsx", ["001"]), bad])
    assert _h4(t) == [] and [f.rule for f in t.findings] == ["H1"]
    assert (t.units[0].valid, t.units[0].invalid) == (1, 1) and (t.valid, t.invalid, t.skipped) == (1, 1, 0)


def test_one_half_is_no_h4_two_halves_are_one():
    assert _h4(count_ballots([_ballot("1.xlsx", ["001"]), _ballot("2.xlsx", ["002"], unit="财务处",
                                                                   staff=[("002", "李四")])])) == []
    t = count_ballots([_ballot("1.xlsx", ["001"]), _ballot("2.xlsx", ["002"], half="2026H2")])
    [h4] = _h4(t)
    assert h4.file is None and "2026H1、2026H2" in h4.message
    assert [(u.half, u.valid) for u in t.units] == [("2026H1", 1), ("2026H2", 1)]  # counted apart


def test_skipped_files_are_neither_valid_nor_invalid_and_their_findings_come_first():
    junk = Ballot(path=Path("x.xlsx")).skipped("不是集中测评票（找不到测评票工作表），已跳过", Severity.WARNING)
    t = count_ballots([junk, _ballot("1.xlsx", ["001"]), _ballot("2.xlsx", ["001"], half="2026H2")])
    assert (t.valid, t.invalid, t.skipped) == (2, 0, 1)
    assert [f.rule for f in t.findings] == ["H0", "H4"]


# ---------------------------------------------------------------- run_tally


@pytest.fixture
def votes(tmp_path) -> Path:
    """A folder of returned ballots: three valid, one over the maximum, one unreadable."""
    folder = tmp_path / "收回"
    folder.mkdir()
    for i, names in enumerate([["张三", "王五"], ["张三"], ["李四"], ["张三", "李四", "王五"]]):
        tick(save_workbook(ballot_workbook("鹿城分中心", LUCHENG, H1, 2), folder / f"{i}.xlsx"), names)
    (folder / "坏.xlsx").write_bytes(b"not a workbook")
    return folder


def _cells(path: Path) -> dict[str, list[tuple]]:
    wb = load_workbook(path)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}


def test_run_tally_is_the_cli_tally_without_console_output(tmp_path, votes, capsys):
    cli_out = tmp_path / "cli.xlsx"
    res = CliRunner().invoke(app, ["halfyear", "tally", str(votes), "--out", str(cli_out)])
    assert res.exit_code == 1, res.output  # the unreadable file is an 错误
    capsys.readouterr()
    seen: list[Path] = []
    run = run_tally([votes], on_file=seen.append)
    assert capsys.readouterr() == ("", "")
    assert isinstance(run, TallyRun) and run.own == [] and run.findings is run.tally.findings
    assert seen == run.files == sorted(votes.glob("*.xlsx"))  # once per file, in listing order
    t = run.tally
    assert (t.valid, t.invalid, t.skipped) == (3, 1, 1)
    assert f"有效票 {t.valid} 张，无效票 {t.invalid} 张" in res.output
    assert _cells(write_tally(t, tmp_path / "lib.xlsx")) == _cells(cli_out)


def test_each_file_is_read_once(votes):
    seen: list[Path] = []
    one = votes / "0.xlsx"
    run = run_tally([one, votes, Path(str(one))], on_file=seen.append)
    assert len(seen) == len(run.tally.ballots) == 5 and seen[0] == one
    assert run.tally.units[0].valid == 3  # 0.xlsx counted once


def test_before_read_comes_before_any_file_is_read(votes):
    events: list[object] = []
    run = run_tally([votes], before_read=lambda files, own: events.append((list(files), list(own))),
                    on_file=events.append)
    assert events[0] == (run.files, []) and events[1:] == run.files


def test_no_ballot_left_raises_after_before_read(tmp_path):
    (tmp_path / "空").mkdir()
    listed: list[object] = []
    with pytest.raises(KaopingError, match="没有找到要统计的测评票"):
        run_tally([tmp_path / "空"], before_read=lambda files, own: listed.append((files, own)))
    assert listed == [([], [])]


def test_an_earlier_result_among_the_ballots_is_own_and_not_read(votes):
    result = votes / "推荐结果.xlsx"
    write_tally(run_tally([votes]).tally, result)
    again = run_tally([votes])  # not named as an output: read, and no ballot
    assert again.tally.skipped == 2 and result in again.files
    seen: list[Path] = []
    run = run_tally([votes], outputs=(result, None, votes / "问题清单.xlsx"), on_file=seen.append)
    assert run.own == [result] and result not in run.files and result not in seen
    assert (run.tally.valid, run.tally.skipped) == (3, 1)


def test_an_output_that_is_a_ballot_stays_an_input(votes):
    ballot = votes / "0.xlsx"
    run = run_tally([votes], outputs=(ballot,))
    assert run.own == [] and ballot in run.files and run.tally.valid == 3


def test_the_settings_limits_reach_the_reader(votes):
    run = run_tally([votes], settings=Settings(limits=LimitSettings(max_file_bytes=100)))
    assert run.tally.valid == 0 and run.tally.skipped == 5
    assert all(f.severity == Severity.ERROR and "无法读取" in f.message for f in run.findings)


# ---------------------------------------------------------------- run_halfyear_forms


@pytest.fixture
def roster_file(tmp_path):
    return save_workbook(roster_template_workbook(people=PEOPLE), tmp_path / "花名册.xlsx")


def test_run_halfyear_forms_without_console_output(tmp_path, roster_file, capsys):
    started: list[int] = []
    written: list[Path] = []
    run = run_halfyear_forms(roster_file, H1, tmp_path / "半年", max_ticks=3,
                             on_start=started.append, on_progress=written.append)
    assert capsys.readouterr() == ("", "")
    assert isinstance(run, HalfyearFormsRun) and run.half == H1
    assert started == [len(PEOPLE)] and written == [*run.forms.records, *run.forms.ballots]
    assert len(run.forms.records) == 7 and run.forms.max_ticks == {"鹿城分中心": 3, "财务处": 3}
    assert [f.message for f in run.findings] == [f.message for f in run.forms.findings]
    assert any("超过本单位人数" in f.message for f in run.findings)  # 财务处 has 2 people


def test_forms_findings_are_the_rosters_the_ledgers_and_the_generations(tmp_path):
    twice = person("101", "重号", "财务处", section=None)  # a 工号 given twice: a roster finding
    roster = save_workbook(roster_template_workbook(people=[*PEOPLE, twice]), tmp_path / "花名册.xlsx")
    broken = tmp_path / "台账Q1.xlsx"
    broken.write_bytes(b"not a workbook")
    run = run_halfyear_forms(roster, H1, tmp_path / "半年", ledgers=[broken], unit="财务处",
                             max_ticks=3)
    assert [f.rule[0] for f in run.findings] == ["R", "R", "Y", "H"]  # both rows of the 工号
    assert "超过本单位人数" in run.findings[-1].message and run.forms.max_ticks == {"财务处": 3}


def test_no_maximum_stops_before_anything_is_read(tmp_path):
    with pytest.raises(KaopingError) as exc:
        run_halfyear_forms(tmp_path / "没有这个花名册.xlsx", H1, tmp_path / "半年")
    assert exc.value.message == NO_MAX_TICKS and not (tmp_path / "半年").exists()


@pytest.mark.parametrize(("given", "settings", "ticks"), [
    ({}, HalfyearSettings(max_ticks=3), 3),
    ({}, HalfyearSettings(ticks_ratio=0.4), 2),  # floor(5 × 40%)
    ({}, HalfyearSettings(max_ticks=1, ticks_ratio=0.4), 1),  # max_ticks before the ratio
    ({"max_ticks": 4}, HalfyearSettings(max_ticks=3), 4),  # the argument first
    ({"ratio": 0.2}, HalfyearSettings(max_ticks=3), 1),
])
def test_maximum_from_the_arguments_else_the_settings(tmp_path, roster_file, given, settings, ticks):
    run = run_halfyear_forms(roster_file, H1, tmp_path / "半年", unit="鹿城分中心",
                             settings=Settings(halfyear=settings), **given)
    assert run.forms.max_ticks == {"鹿城分中心": ticks}


def test_forms_never_write_over_a_ledger_read(tmp_path, roster_file):
    [lg] = ledgers(PEOPLE, {"101": [G, None, None, None]}, quarters=(1,))
    target = tmp_path / "半年" / "集中测评票" / "财务处-2026H1-集中测评票.xlsx"
    target.parent.mkdir(parents=True)
    write_ledger(lg, target)
    before = target.read_bytes()
    with pytest.raises(KaopingError):
        run_halfyear_forms(roster_file, H1, tmp_path / "半年", ledgers=[target], max_ticks=1, force=True)
    assert target.read_bytes() == before
