"""Half-year (§四(四)): 记实表, ballots, tally — library and CLI end to end."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from kaoping.cli import app
from kaoping.errors import KaopingError
from kaoping.excel.ballots import read_ballot
from kaoping.excel.book import load_book
from kaoping.forms.halfyear import Half, ballot_workbook, default_max_ticks, parse_half
from kaoping.forms.roster import roster_template_workbook
from kaoping.output.workbook import save_workbook
from kaoping.pipeline.halfyear import tally_ballots
from kaoping.report.ledger import write_ledger

from helpers_annual import AV, FG, G, ledgers, person

runner = CliRunner()
RATIO = 0.4  # the clerk's ratio in these tests (the measures give none)

LUCHENG = [person(f"00{i}", n, "鹿城分中心") for i, n in enumerate(["张三", "李四", "王五", "赵六", "钱七"], 1)]
FINANCE = [person("101", "孙八", "财务处", section=None), person("102", "周九", "财务处", section=None)]
PEOPLE = [*LUCHENG, *FINANCE]


@pytest.mark.parametrize(("text", "half"), [("2026H1", Half(2026, 1)), ("2026-h2", Half(2026, 2)),
                                            ("2026年上半年", Half(2026, 1)), ("2026下半年", Half(2026, 2))])
def test_parse_half(text, half):
    assert parse_half(text) == half


@pytest.mark.parametrize("text", ["2026H3", "2026", "上半年"])
def test_parse_half_rejects(text):
    with pytest.raises(KaopingError):
        parse_half(text)


def test_half_quarters_and_dates():
    h = Half(2026, 2)
    assert [q.quarter for q in h.quarters] == [3, 4]
    assert str(h.start) == "2026-07-01" and str(h.end) == "2026-12-31"
    assert h.label == "2026年下半年" and str(h) == "2026H2"


@pytest.mark.parametrize(("n", "ticks"), [(0, 0), (1, 1), (2, 1), (4, 1), (5, 2), (7, 2), (10, 4), (12, 4)])
def test_default_max_ticks(n, ticks):
    assert default_max_ticks(n, RATIO) == ticks


def tick(path: Path, names: list[str], mark: str = "√", extra: dict[str, str] | None = None) -> Path:
    """Fill a ballot like a voter: tick the rows of `names`; `extra` writes raw cells."""
    wb = load_workbook(path)
    ws = wb["集中测评票"]
    for r in range(6, ws.max_row + 1):
        if ws.cell(r, 2).value in names:
            ws.cell(r, 5).value = mark
    for ref, v in (extra or {}).items():
        ws[ref] = v
    wb.save(path)
    return path


@pytest.fixture
def ballot(tmp_path):
    def make(name="票.xlsx", people=LUCHENG, max_ticks=2, unit="鹿城分中心"):
        return save_workbook(ballot_workbook(unit, people, Half(2026, 1), max_ticks), tmp_path / name)
    return make


def test_ballot_layout_and_meta(ballot):
    path = ballot()
    book = load_book(path)
    meta = {r[0]: r[1] for r in book.sheet("_kaoping").rows}
    assert book.sheet("_kaoping").hidden
    assert meta["kind"] == "ballot" and meta["unit"] == "鹿城分中心" and meta["half"] == "2026H1"
    assert meta["max_ticks"] == "2"
    ws = load_workbook(path)["集中测评票"]
    assert [ws.cell(5, c).value for c in range(1, 6)] == ["序号", "姓名", "科室", "职务", "推荐“优秀”"]
    assert [ws.cell(r, 2).value for r in range(6, 11)] == ["张三", "李四", "王五", "赵六", "钱七"]
    assert "最多推荐 2 人" in ws["A4"].value
    assert ws.protection.sheet and not ws["E6"].protection.locked and ws["B6"].protection.locked


def test_valid_ballot(ballot):
    b = read_ballot(tick(ballot(), ["张三", "王五"]))
    assert b.valid and b.votes == ["001", "003"] and b.findings == []


def test_empty_ballot_is_valid(ballot):
    b = read_ballot(ballot())
    assert b.valid and b.votes == []


def test_exactly_max_ticks_is_valid_one_more_is_not(ballot):
    assert read_ballot(tick(ballot("a.xlsx"), ["张三", "李四"])).valid
    b = read_ballot(tick(ballot("b.xlsx"), ["张三", "李四", "王五"]))
    assert not b.valid and b.votes == []
    assert b.findings[0].rule == "H1" and "超过最多 2 人" in b.findings[0].message


def test_write_in_name_is_invalid(ballot):
    b = read_ballot(tick(ballot(), ["张三"], extra={"B12": "外人", "E12": "√"}))
    assert not b.valid
    assert any(f.rule == "H2" and "外人" in f.message and f.cell == "B12" for f in b.findings)


def test_changed_name_is_invalid(ballot):
    b = read_ballot(tick(ballot(), [], extra={"B7": "李 四四", "E7": "✓"}))
    assert not b.valid and "李四四" in b.findings[0].message


def test_other_tick_marks_count(ballot):
    b = read_ballot(tick(ballot(), ["张三"], mark="✔"))
    assert b.valid and b.votes == ["001"]


def test_unclear_mark_is_invalid(ballot):
    b = read_ballot(tick(ballot(), ["张三"], mark="？"))
    assert not b.valid and b.findings[0].rule == "H3" and b.findings[0].cell == "E6"
    # an explicit "no" mark is fine
    b = read_ballot(tick(ballot("n.xlsx"), ["张三"], mark="×"))
    assert b.valid and b.votes == []


def test_same_name_twice_uses_the_row(ballot):
    twins = [person("001", "张三"), person("002", "张三", section="归集科")]
    b = read_ballot(tick(ballot(people=twins), [], extra={"E7": "√"}))
    assert b.valid and b.votes == ["002"]


def test_unreadable_and_non_ballot_files(tmp_path, ballot):
    junk = tmp_path / "坏.xlsx"
    junk.write_bytes(b"garbage")
    b = read_ballot(junk)
    assert not b.valid and b.findings[0].severity.value == "错误"
    from openpyxl import Workbook
    other = save_workbook(Workbook(), tmp_path / "其他.xlsx")
    b = read_ballot(other)
    assert not b.valid and "不是集中测评票" in b.findings[0].message


def test_ballot_without_meta_sheet_still_reads(ballot):
    path = tick(ballot(), ["张三"])
    wb = load_workbook(path)
    del wb["_kaoping"]
    wb.save(path)
    b = read_ballot(path)
    assert b.valid and b.unit == "鹿城分中心" and b.max_ticks == 2 and b.half == "2026H1"
    assert b.votes == ["张三"]


def test_tally_ranking(ballot):
    paths = [tick(ballot("1.xlsx"), ["张三", "王五"]), tick(ballot("2.xlsx"), ["张三"]),
             tick(ballot("3.xlsx"), ["王五", "李四"]), tick(ballot("4.xlsx"), ["张三", "李四", "钱七"]),
             ballot("5.xlsx")]
    t = tally_ballots(paths)
    [u] = t.units
    assert (u.valid, u.invalid) == (4, 1)
    ranking = [(r.rank, r.name, r.votes, r.share) for r in u.ranking]
    assert ranking[:3] == [(1, "张三", 2, 0.5), (1, "王五", 2, 0.5), (3, "李四", 1, 0.25)]
    assert ranking[3:] == [(4, "赵六", 0, 0.0), (4, "钱七", 0, 0.0)]
    assert len(t.findings) == 1 and t.findings[0].file.endswith("4.xlsx")


@pytest.fixture
def roster_file(tmp_path):
    return save_workbook(roster_template_workbook(people=PEOPLE), tmp_path / "花名册.xlsx")


def test_cli_forms_tally_end_to_end(tmp_path, roster_file):
    ls = ledgers(PEOPLE, {"001": [G, FG, None, None], "101": [AV, G, None, None]}, quarters=(1, 2))
    lpaths = [write_ledger(lg, tmp_path / f"台账Q{lg.quarter}.xlsx") for lg in ls]
    out = tmp_path / "半年"
    res = runner.invoke(app, ["halfyear", "forms", "-r", str(roster_file), "--half", "2026H1",
                              "--ledger", str(lpaths[0]), "--ledger", str(lpaths[1]), "--ratio", "0.4",
                              "--out", str(out)])
    assert res.exit_code == 0, res.output
    records = sorted((out / "干部成长考核考察记实表").rglob("*.xlsx"))
    assert len(records) == 7
    rec = out / "干部成长考核考察记实表" / "鹿城分中心" / "张三-2026H1.xlsx"
    ws = load_workbook(rec)["记实表"]
    assert ws["A1"].value == "干部成长考核考察记实表" and ws["B3"].value == "张三"
    assert (ws["B6"].value, ws["C6"].value, ws["D6"].value, ws["E6"].value) == ("第一季度", "好", "第二季度", "较好")
    assert "谈话人" in ws["A9"].value
    meta = {r[0]: r[1] for r in load_book(rec).sheet("_kaoping").rows}
    assert meta["kind"] == "growth_record" and meta["unit"] == "鹿城分中心" and meta["half"] == "2026H1"
    ws = load_workbook(out / "干部成长考核考察记实表" / "鹿城分中心" / "李四-2026H1.xlsx")["记实表"]
    assert ws["C6"].value is None  # not in the ledgers

    lc = out / "集中测评票" / "鹿城分中心-2026H1-集中测评票.xlsx"
    fin = out / "集中测评票" / "财务处-2026H1-集中测评票.xlsx"
    assert "最多推荐 2 人" in load_workbook(lc)["集中测评票"]["A4"].value  # floor(5 × 40%)
    assert "最多推荐 1 人" in load_workbook(fin)["集中测评票"]["A4"].value  # at least 1

    # second run without --force refuses and writes nothing
    res = runner.invoke(app, ["halfyear", "forms", "-r", str(roster_file), "--half", "2026H1",
                              "--max-ticks", "2", "--out", str(out)])
    assert res.exit_code == 2 and "--force" in res.output

    votes = tmp_path / "收回"
    votes.mkdir()
    import shutil
    filled = []
    for i, names in enumerate([["张三", "王五"], ["张三"], ["张三", "李四", "王五"]]):
        filled.append(tick(Path(shutil.copy(lc, votes / f"鹿城-{i}.xlsx")), names))
    filled.append(tick(Path(shutil.copy(fin, votes / "财务-0.xlsx")), ["周九"]))
    filled.append(tick(Path(shutil.copy(fin, votes / "财务-1.xlsx")), ["周九"], extra={"B9": "张三", "E9": "√"}))
    (votes / "坏.xlsx").write_bytes(b"not a workbook")
    result = tmp_path / "结果.xlsx"
    res = runner.invoke(app, ["halfyear", "tally", str(votes), "--out", str(result)])
    assert res.exit_code == 1, res.output  # the unreadable file is an 错误
    assert "张三" in res.output and "无效" in res.output
    wb = load_workbook(result)
    rows = [r for r in wb["推荐结果"].iter_rows(min_row=3, values_only=True)]
    lucheng = [(r[2], r[4], r[5], r[6]) for r in rows if r[0] == "鹿城分中心"]
    assert lucheng[:2] == [(1, "张三", 2, 2), (2, "王五", 1, 2)]
    finance = [(r[2], r[4], r[5], r[6], r[7]) for r in rows if r[0] == "财务处"]
    assert finance[0] == (1, "周九", 1, 1, 1.0)
    counts = {r[0]: r[2:5] for r in wb["票数统计"].iter_rows(min_row=3, values_only=True)}
    assert counts == {"鹿城分中心": (3, 2, 1), "财务处": (2, 1, 1)}
    invalid = [r[0] for r in wb["无效票"].iter_rows(min_row=3, values_only=True)]
    assert sorted(invalid) == ["坏.xlsx", "财务-1.xlsx", "鹿城-2.xlsx"]

    res = runner.invoke(app, ["halfyear", "tally", str(votes), "--out", str(result)])
    assert res.exit_code == 2  # output exists


def test_forms_max_ticks_unit_and_ledger_findings(tmp_path):
    from kaoping.forms.halfyear import generate_halfyear_forms
    from helpers_annual import roster

    ros = roster(*PEOPLE)
    ls = ledgers(PEOPLE, {"001": [G, G, G, G]}, quarters=(1, 3))  # Q3 is not in 2026H1, Q2 missing
    res = generate_halfyear_forms(ros, Half(2026, 1), tmp_path, ledgers=ls, unit="鹿城分中心",
                                  max_ticks=3)
    assert res.max_ticks == {"鹿城分中心": 3} and len(res.records) == 5 and len(res.ballots) == 1
    msgs = [f.message for f in res.findings]
    assert any("第3季度" in m and "不属于2026年上半年" in m for m in msgs)
    assert any("没有第二季度" in m for m in msgs)
    assert any("李四" in m and "留空" in m for m in msgs)
    ws = load_workbook(res.ballots[0])["集中测评票"]
    assert "最多推荐 3 人" in ws["A4"].value
    with pytest.raises(KaopingError):
        generate_halfyear_forms(ros, Half(2026, 1), tmp_path / "x", max_ticks=0)
    with pytest.raises(KaopingError):
        generate_halfyear_forms(ros, Half(2026, 1), tmp_path / "y", ratio=RATIO, unit="不存在的单位")


def test_forms_ratio_and_hired_after_half(tmp_path):
    import datetime as dt

    from kaoping.forms.halfyear import generate_halfyear_forms
    from helpers_annual import roster

    late = person("009", "新人", "鹿城分中心", hired_on=dt.date(2026, 7, 1))
    res = generate_halfyear_forms(roster(*LUCHENG, late), Half(2026, 1), tmp_path, ratio=0.2)
    assert res.max_ticks == {"鹿城分中心": 1} and len(res.records) == 5  # 新人 joins in H2


def test_same_name_records_get_staff_id(tmp_path):
    from kaoping.forms.halfyear import generate_halfyear_forms
    from helpers_annual import roster

    twins = [person("001", "张三"), person("002", "张三")]
    res = generate_halfyear_forms(roster(*twins), Half(2026, 1), tmp_path, ratio=RATIO)
    assert sorted(p.name for p in res.records) == ["张三-001-2026H1.xlsx", "张三-002-2026H1.xlsx"]


def test_tally_skips_other_kaoping_forms(tmp_path, ballot):
    from kaoping.forms.halfyear import growth_record_workbook
    from kaoping.models import Severity

    rec = save_workbook(growth_record_workbook(LUCHENG[0], Half(2026, 1)), tmp_path / "记实表.xlsx")
    t = tally_ballots([tick(ballot(), ["张三"]), rec])
    assert (t.valid, t.invalid, t.skipped) == (1, 0, 1)
    assert [f.severity for f in t.findings] == [Severity.INFO]
    assert t.units[0].invalid == 0


def test_cli_tally_empty_folder_is_exit_2(tmp_path):
    (tmp_path / "空").mkdir()
    res = runner.invoke(app, ["halfyear", "tally", str(tmp_path / "空"), "--out", str(tmp_path / "r.xlsx")])
    assert res.exit_code == 2 and "没有找到" in res.output
    assert not (tmp_path / "r.xlsx").exists()


def test_forms_need_the_clerks_maximum(tmp_path, roster_file):
    """§四(四)2 sets no number of ticks: without --max-ticks, --ratio or [halfyear] in
    kaoping.toml nothing is written and the exit code is 2; the setting is used when given."""
    out = tmp_path / "半年"
    res = runner.invoke(app, ["halfyear", "forms", "-r", str(roster_file), "--half", "2026H1",
                              "--out", str(out)], env={"COLUMNS": "200"})
    assert res.exit_code == 2 and "--max-ticks" in res.output and "没有规定" in res.output
    assert not out.exists()
    both = runner.invoke(app, ["halfyear", "forms", "-r", str(roster_file), "--half", "2026H1",
                               "--max-ticks", "2", "--ratio", "0.3", "--out", str(out)])
    assert both.exit_code == 2 and not out.exists()
    toml = tmp_path / "kaoping.toml"
    toml.write_text("[halfyear]\nmax_ticks = 3\n", encoding="utf-8")
    res = runner.invoke(app, ["halfyear", "forms", "-r", str(roster_file), "--half", "2026H1",
                              "-c", str(toml), "--out", str(out)])
    assert res.exit_code == 0, res.output
    ballot = out / "集中测评票" / "鹿城分中心-2026H1-集中测评票.xlsx"
    assert "最多推荐 3 人" in load_workbook(ballot)["集中测评票"]["A4"].value
    from helpers_annual import roster
    from kaoping.forms.halfyear import generate_halfyear_forms
    with pytest.raises(KaopingError, match="没有规定"):
        generate_halfyear_forms(roster(*LUCHENG), Half(2026, 1), tmp_path / "lib")
