"""附件4 备案表 / 附件5 名单表 / 全中心汇总 from a hand-built outcome (counts derived by hand)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

from helpers_report import sample
from kaoping.errors import OutputExistsError
from kaoping.models import Outcome, RankCategory
from kaoping.periods import Quarter
from kaoping.report.filing import annex4_counts, annex5_rows, list_remark, write_filing
from kaoping.report.ledger import read_ledger

Q3 = Quarter(2026, 3)
DAY = dt.date(2026, 10, 15)


def _row(ws, r: int) -> list:
    return [ws.cell(r, c).value for c in range(2, 10)]


def test_annex4_counts_by_hand():
    roster, outcome = sample()
    people = [p for p in roster.people if p.unit == "综合处"]
    mine = [r for r in outcome.results if r.unit == "综合处"]
    c = annex4_counts(mine, people, Q3)
    # R: 张一 好(commended). S: 李二 好, 王三 较好. C: 赵四 一般, 钱五 未参加, 周七 较差
    # (吴八 not 在编: not counted). P: 孙六 不确定.
    r = c.rows[RankCategory.RESEARCHER]
    assert (r.total, r.due, r.grades[Outcome.GOOD], r.absent, r.commended) == (1, 1, 1, 0, 1)
    s = c.rows[RankCategory.SECTION_CHIEF]
    assert (s.total, s.due, s.grades[Outcome.GOOD], s.grades[Outcome.FAIRLY_GOOD]) == (2, 2, 1, 1)
    k = c.rows[RankCategory.CLERK]
    assert (k.total, k.due, k.grades[Outcome.AVERAGE], k.grades[Outcome.POOR], k.absent) == (3, 3, 1, 1, 1)
    p = c.rows[RankCategory.PROBATION]
    assert (p.total, p.due, p.grades[Outcome.UNDETERMINED]) == (1, 1, 1)
    t = c.total
    assert (t.total, t.due, t.participants, t.good, t.absent, t.commended) == (7, 7, 6, 2, 1, 1)
    assert t.good_ratio() == pytest.approx(2 / 6)
    assert t.good_ratio_without_commended() == pytest.approx(1 / 6)


def test_people_hired_after_the_quarter_are_not_in_total():
    roster, outcome = sample()
    late = roster.people[1].model_copy(update={"staff_id": "009", "hired_on": dt.date(2026, 10, 8)})
    c = annex4_counts([], [late], Q3)
    assert c.total.total == 0
    c = annex4_counts([], [late.model_copy(update={"hired_on": dt.date(2026, 9, 30)})], Q3)
    assert c.total.total == 1


def test_annex5_excludes_fairly_good_and_orders_by_grade():
    _, outcome = sample()
    rows = annex5_rows([r for r in outcome.results if r.unit == "综合处"])
    assert [r[4] for r in rows] == ["好", "好", "一般", "较差", "不确定", "未参加"]
    assert [r[0] for r in rows] == [1, 2, 3, 4, 5, 6]
    assert "王三" not in [r[1] for r in rows]  # 较好
    assert rows[0][2] == "综合科" and rows[1][2] == "综合处"  # 科室, else the unit


def test_list_remarks():
    _, outcome = sample()
    by = {r.staff_id: r for r in outcome.results}
    assert list_remark(by["001"]) == "表彰直接定好"
    assert list_remark(by["006"]) == "不定档（1.新录用公务员）"
    assert list_remark(by["102"]) == "出勤未达80%（实际出勤40.5天/应出勤60天）"
    assert list_remark(by["005"]) == "未交评价表"
    assert list_remark(by["003"]) is None


def test_write_filing_files_and_numbers(tmp_path: Path):
    roster, outcome = sample()
    written = write_filing(outcome, roster, Q3, tmp_path, report_date=DAY)
    rel = sorted(str(p.relative_to(tmp_path)) for p in written)
    assert rel == sorted([
        "综合处/附件4-备案表-2026Q3.xlsx", "综合处/附件5-名单表-2026Q3.xlsx",
        "鹿城分中心/附件4-备案表-2026Q3.xlsx", "鹿城分中心/附件5-名单表-2026Q3.xlsx",
        "全中心/附件4-备案表-2026Q3.xlsx", "全中心/附件5-名单表-2026Q3.xlsx",
        "季度结果台账-2026Q3.xlsx", "综合处/谈话提醒和批评教育名单-2026Q3.xlsx",
        "鹿城分中心/谈话提醒和批评教育名单-2026Q3.xlsx", "全中心/谈话提醒和批评教育名单-2026Q3.xlsx",
    ])
    ws = load_workbook(tmp_path / "综合处/附件4-备案表-2026Q3.xlsx").worksheets[0]
    assert ws["A2"].value == "（2026年度第三季度）"
    #                 总数 应参加 好 较好 一般 较差 不确定 未参加
    assert _row(ws, 5) == [1, 1, 1, 0, 0, 0, 0, 0]
    assert _row(ws, 6) == [2, 2, 1, 1, 0, 0, 0, 0]
    assert _row(ws, 7) == [3, 3, 0, 0, 1, 1, 0, 1]
    assert _row(ws, 8) == [1, 1, 0, 0, 0, 0, 1, 0]
    assert ws["A9"].value == "合计" and _row(ws, 9) == [7, 7, 2, 1, 1, 1, 1, 1]
    assert ws["B10"].value == pytest.approx(2 / 6) and ws["B10"].number_format == "0.0%"
    assert ws["B11"].value == "综合处"
    assert "2026年10月15日" in ws["B12"].value
    remark = ws["B13"].value
    assert "2÷6" in remark and "受表彰直接确定为“好”等次 1 人" in remark and "16.7%" in remark

    centre = load_workbook(tmp_path / "全中心/附件4-备案表-2026Q3.xlsx")
    ws = centre.worksheets[0]
    # 鹿城分中心 adds S: 1 好; C: 2 (1 一般, 1 较好).
    assert _row(ws, 6) == [3, 3, 2, 1, 0, 0, 0, 0]
    assert _row(ws, 7) == [5, 5, 0, 1, 2, 1, 0, 1]
    assert _row(ws, 9) == [10, 10, 3, 2, 2, 1, 1, 1]
    assert ws["B10"].value == pytest.approx(3 / 9)
    assert ws["B11"].value == "全中心"
    stats = centre["各单位统计"]
    assert [stats.cell(r, 1).value for r in (3, 4)] == ["综合处", "鹿城分中心"]
    assert [stats.cell(3, c).value for c in range(2, 10)] == [7, 6, 2, 1, 1, 1, 1, 1]
    assert len(stats._charts) == 1  # noqa: SLF001 - openpyxl keeps charts here
    assert stats["A6"].value.startswith("“好”等次比例核定")
    assert [stats.cell(8, c).value for c in (1, 2, 4, 5, 6, 8, 9)] == ["综合处", 6, 1, 1, 2, "否", "综合处"]
    assert "2 个单位（考核组）的“好”等次均未超出比例上限" in ws["B13"].value

    ws5 = load_workbook(tmp_path / "鹿城分中心/附件5-名单表-2026Q3.xlsx").worksheets[0]
    assert ws5["A2"].value == "（2026年第三季度）"
    assert ws5["A3"].value == "呈报单位(盖章)：鹿城分中心"
    assert [ws5.cell(r, 2).value for r in (5, 6)] == ["郑甲", "冯乙"]
    assert ws5["A7"].value.startswith("注：")
    c5 = load_workbook(tmp_path / "全中心/附件5-名单表-2026Q3.xlsx").worksheets[0]
    names = [c5.cell(r, 2).value for r in range(5, c5.max_row)]
    assert len(names) == 8 and "王三" not in names and "陈丙" not in names
    assert c5["C5"].value == "综合处综合科" and c5.print_title_rows == "$4:$4"

    ledger = read_ledger(tmp_path / "季度结果台账-2026Q3.xlsx")
    assert len(ledger.results) == 10 and (ledger.year, ledger.quarter) == (2026, 3)


def test_formula_like_name_written_literally(tmp_path: Path):
    roster, outcome = sample()
    write_filing(outcome, roster, Q3, tmp_path, report_date=DAY)
    ws = load_workbook(tmp_path / "综合处/附件5-名单表-2026Q3.xlsx").worksheets[0]
    cells = [ws.cell(r, 2) for r in range(5, ws.max_row + 1)]
    evil = [c for c in cells if c.value and str(c.value).startswith("=")]
    assert len(evil) == 1 and evil[0].data_type == "s"
    remark = [ws.cell(r, 6) for r in range(5, ws.max_row + 1) if ws.cell(r, 6).value == "+1 备注"]
    assert remark and remark[0].data_type == "s"


def test_refuses_overwrite_before_writing_anything(tmp_path: Path):
    roster, outcome = sample()
    existing = tmp_path / "全中心" / "附件5-名单表-2026Q3.xlsx"
    existing.parent.mkdir()
    existing.write_bytes(b"keep me")
    with pytest.raises(OutputExistsError):
        write_filing(outcome, roster, Q3, tmp_path, report_date=DAY)
    assert existing.read_bytes() == b"keep me"
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["附件5-名单表-2026Q3.xlsx"]
    written = write_filing(outcome, roster, Q3, tmp_path, report_date=DAY, force=True)
    assert len(written) == 10 and existing.read_bytes() != b"keep me"


def test_empty_list_and_long_list(tmp_path: Path):
    from kaoping.report.filing import annex5_workbook

    _, outcome = sample()
    wb = annex5_workbook([r for r in outcome.results if r.outcome == Outcome.FAIRLY_GOOD],
                         unit_label="x", quarter=Q3, report_date=DAY)
    ws = wb.worksheets[0]
    assert ws["B5"].value == "无" and ws["A6"].value.startswith("注")
    many = [outcome.results[3].model_copy(update={"staff_id": str(i), "name": f"人{i}"})
            for i in range(30)]
    ws = annex5_workbook(many, unit_label="x", quarter=Q3, report_date=DAY).worksheets[0]
    assert ws.cell(34, 2).value == "人29" and ws.cell(35, 1).value.startswith("注")
    assert ws.cell(34, 1).border.left.style == "thin"


def test_unit_folder_names_are_safe_and_distinct(tmp_path: Path):
    roster, outcome = sample()
    evil = "../全中心"
    roster = roster.model_copy(update={"people": [p.model_copy(update={"unit": evil})
                                                   if p.unit == "鹿城分中心" else p
                                                   for p in roster.people]})
    outcome.results = [r.model_copy(update={"unit": evil}) if r.unit == "鹿城分中心" else r
                       for r in outcome.results]
    written = write_filing(outcome, roster, Q3, tmp_path, report_date=DAY)
    assert all(tmp_path in p.parents for p in written)
    assert len({p.parent for p in written}) == 4  # 综合处, the evil unit, 全中心, OUT itself


def test_centre_remark_names_groups_over_the_cap():
    from helpers_report import Quota
    from kaoping.report.filing import RowCounts, annex4_remark

    c = RowCounts(due=10, absent=1)
    c.grades[Outcome.GOOD] = 5
    quotas = [Quota("机关", ["综合处", "财务处"], 6, 6, 3, 0, 2, 0.5, True),
              Quota("鹿城分中心", ["鹿城分中心"], 3, 3, 1, 0, 1, 1 / 3, False)]
    text = annex4_remark(c, quotas, centre=True)
    assert "考核组「机关」（综合处、财务处）" in text and "超出上限 1 人" in text
    assert "鹿城分中心" not in text and "5÷9" in text
    unit_text = annex4_remark(c, quotas[1:])
    assert "「鹿城分中心」按实际参加 3 人核定“好”等次上限 1 人" in unit_text


def test_list_remark_does_not_repeat_the_engine_note():
    _, outcome = sample()
    by = {r.staff_id: r for r in outcome.results}
    r = by["001"].model_copy(update={"note": "受表彰直接定好（不占比例）"})
    assert list_remark(r) == "受表彰直接定好（不占比例）"
    r = by["102"].model_copy(update={"note": "本人申请"})
    assert list_remark(r) == "出勤未达80%（实际出勤40.5天/应出勤60天）；本人申请"


def test_out_dir_that_is_a_file(tmp_path: Path):
    from kaoping.errors import KaopingError

    roster, outcome = sample()
    (tmp_path / "out").write_text("x")
    with pytest.raises(KaopingError, match="文件夹"):
        write_filing(outcome, roster, Q3, tmp_path / "out", report_date=DAY)
