"""`kaoping quarter quota`: the 好 seats per unit / 考核组 before and during grading (§四(三)3).

Expected figures are derived by hand from examples/README.md (the roster table: 机关 23 due,
鹿城 13, 瓯海 12, 瑞安 11; 不定档 吴昊天 第1类, 高伟 第3类, 杨帆 第5类 in Q3, 郑凯 第4类) and
the planted 2026Q3 over-quota of 鹿城分中心 (6 好, cap ⌊0.4×13⌋ = 5).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from kaoping.cli import app
from kaoping.models import Person, RankCategory, SpecialCase, SpecialCategory
from kaoping.periods import Quarter
from kaoping.pipeline.quota import run_quota
from kaoping.rules.seats import quarter_seats
from kaoping.rules.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
ROSTER = ROOT / "examples" / "花名册.xlsx"
Q3 = ROOT / "examples" / "collected" / "2026Q3"


def _graded_settings() -> Settings:
    s = Settings()
    s.quota.denominator = "graded"
    return s


def _people(n: int, unit: str = "综合处", group: str | None = None) -> list[Person]:
    return [Person(staff_id=f"{unit}{i}", name=f"人{i}", unit=unit, quota_group=group,
                   rank_category=RankCategory.CLERK, hired_on=dt.date(2015, 1, 1))
            for i in range(n)]


def test_seats_from_the_example_roster():
    run = run_quota(ROSTER, Quarter(2026, 3))
    by_key = {s.key: s for s in run.seats}
    assert [s.key for s in run.seats] == ["机关", "鹿城分中心", "瓯海分中心", "瑞安分中心"]
    assert (by_key["机关"].due, len(by_key["机关"].not_graded), by_key["机关"].cap) == (23, 2, 9)
    assert (by_key["鹿城分中心"].due, by_key["鹿城分中心"].cap) == (13, 5)
    assert [n.person.name for n in by_key["鹿城分中心"].not_graded] == ["杨帆"]
    assert by_key["鹿城分中心"].not_graded[0].categories == [SpecialCategory.ORG_HANDLING]
    assert (run.centre.due, run.centre.cap) == (59, 23)
    assert all(s.used is None and s.left is None for s in run.seats)


def test_group_units_and_their_counts():
    run = run_quota(ROSTER, Quarter(2026, 3))
    group = run.seats[0]
    assert group.is_group and group.units == ["办公室（人事处）", "财务处", "归集管理处", "信贷管理处"]
    assert sum(group.due_by_unit.values()) == 23


def test_the_graded_denominator_leaves_the_not_graded_out_of_the_base():
    # 机关: 23 due, 2 不定档 → base 21, ⌊0.4×21⌋ = 8 (with participants: ⌊9.2⌋ = 9).
    run = run_quota(ROSTER, Quarter(2026, 3), settings=_graded_settings())
    assert (run.seats[0].denominator, run.seats[0].cap) == (21, 8)


def test_a_special_case_counts_when_in_force_on_the_quarters_last_day():
    # Default reading (§二, [categories] applies = "last_day"): a case ending before 09-30 —
    # even inside the quarter — leaves the person graded; one in force on 09-30 does not.
    people = _people(5)
    people[0].special_cases = [SpecialCase(category=SpecialCategory.DISCIPLINED,
                                           start=dt.date(2025, 1, 1), end=dt.date(2026, 9, 29))]
    people[1].special_cases = [SpecialCase(category=SpecialCategory.DISCIPLINED,
                                           start=dt.date(2025, 1, 1), end=dt.date(2026, 9, 30))]
    seats, _ = quarter_seats(people, Quarter(2026, 3), _graded_settings())
    assert [n.person.staff_id for n in seats[0].not_graded] == ["综合处1"]
    assert (seats[0].denominator, seats[0].cap) == (4, 1)


def test_people_hired_after_the_quarter_are_not_due():
    people = _people(3)
    people[2].hired_on = dt.date(2026, 10, 1)
    seats, centre = quarter_seats(people, Quarter(2026, 3), Settings())
    assert seats[0].due == 2 and centre.due == 2 and seats[0].cap == 0


def test_used_and_left_from_the_returned_forms():
    run = run_quota(ROSTER, None, Q3)
    assert str(run.quarter) == "2026Q3"
    by_key = {s.key: s for s in run.seats}
    assert (by_key["鹿城分中心"].used, by_key["鹿城分中心"].left) == (6, -1)
    assert by_key["瓯海分中心"].left == 0
    assert run.errors > 0  # the planted 2026Q3 problems are reported alongside


def test_cli_prints_and_writes_one_notice_per_key(tmp_path):
    out = tmp_path / "名额"
    result = CliRunner().invoke(app, ["quarter", "quota", "--roster", str(ROSTER), str(Q3),
                                      "--out", str(out)], env={"COLUMNS": "200"})
    assert result.exit_code == 1, result.output  # planted errors in the returned forms
    assert "剩余名额" in result.output and "超出 1 人" in result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(f"好等次名额-{k}-2026Q3.xlsx"
                           for k in ("机关", "鹿城分中心", "瓯海分中心", "瑞安分中心"))
    ws = load_workbook(out / "好等次名额-鹿城分中心-2026Q3.xlsx").active
    rows = {ws.cell(r, 1).value: ws.cell(r, 4).value for r in range(3, 15)}
    assert rows["可定“好”等次人数（名额）"] == 5
    assert rows["已定“好”（占名额）"] == 6 and rows["剩余名额"] == "超出 1 人"
    names_col = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
    assert "杨帆" in names_col  # the 不定档 listing names who and why
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)


def test_cli_without_a_folder_needs_the_period(tmp_path):
    result = CliRunner().invoke(app, ["quarter", "quota", "--roster", str(ROSTER)])
    assert result.exit_code == 2 and "--period" in result.output
    result = CliRunner().invoke(app, ["quarter", "quota", "--roster", str(ROSTER), "-p", "2026Q3"],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 0 and "可定“好”等次人数（名额）" in result.output


def test_forms_quarterly_prints_the_seats_of_the_unit(tmp_path):
    result = CliRunner().invoke(app, ["forms", "quarterly", "-r", str(ROSTER), "-p", "2026Q3",
                                      "-o", str(tmp_path / "下发"), "--unit", "鹿城分中心"],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "可定“好”等次人数（名额）" in result.output
    assert "杨帆（第5类（受组织处理或诫勉））" in result.output
    assert "机关" not in result.output.split("名额（§四(三)3）")[1].splitlines()[1]
