"""The label lookups every form reader makes (`kaoping.excel.sheet`) and the `Grid` they read:
labels found by their text in any row, values right of the label's merged area, typed after a
colon in the label cell, text areas split into pieces."""

from __future__ import annotations

from pathlib import Path

from helpers_forms import monthly_summary, person
from kaoping.excel.book import Grid, load_book
from kaoping.forms.routine import monthly_workbook
from kaoping.excel.sheet import Sheet
from kaoping.periods import Month
from kaoping.rules.settings import LimitSettings


def _sheet(rows, merged=None) -> Sheet:
    width = max(map(len, rows))
    return Sheet(Grid("s", [list(r) + [""] * (width - len(r)) for r in rows], merged=merged or []))


def test_label_keys_ignore_spaces_line_breaks_colons_and_bracket_width():
    sh = _sheet([["姓 名：", "", "", 3], ["所属处室/\n分支机构", "", "出勤(天)"]])
    assert sh.row_text(1) == [(1, "姓名")]
    assert sh.labels() == [(1, 1, "姓名"), (2, 1, "所属处室/分支机构"), (2, 3, "出勤（天）")]
    assert sh.labels(max_row=1) == [(1, 1, "姓名")] and sh.labels(max_row=0) == []


def test_value_right_of_the_labels_merged_area():
    sh = _sheet([["姓名：", "", "张三", "单位及职务：", "办公室 科员"]], merged=[(1, 1, 1, 2)])
    hit = sh.label_hit(("姓名",))
    assert hit == (1, 1)
    assert sh.label_value(hit, ("姓名",)) == ("张三", "C1", True)
    assert sh.label_value(sh.label_hit(("单位及职务",)), ("单位及职务",)) == ("办公室 科员", "E1", True)
    assert sh.label_value(sh.label_hit(("科室",)), ("科室",)) == (None, None, False)


def test_value_typed_after_the_label_in_the_same_cell():
    sh = _sheet([["标题"], ["姓名：　张三 ", "李四"], ["姓名:王五"]])
    hit = sh.label_hit(("姓名",))
    assert hit == (2, 1)
    assert sh.label_value(hit, ("姓名",)) == ("张三", "A2", True)
    assert sh.label_hit(("姓名",), max_row=1) is None


def test_text_area_is_the_leftmost_heading_and_keeps_split_pieces():
    sh = _sheet([["", "日常工作（简要）", "甲", "", "乙"], ["日常工作", "丙"],
                 ["", "日常工作的说明文字很长很长很长很长很长", "丁"]],
                merged=[(1, 3, 1, 4)])
    hit = sh.heading_hit(("日常工作",))
    assert hit == (2, 1)  # column 1 is left of column 2; a long text is no heading
    assert sh.area_value(sh.heading_hit(("日常工作（",))) == ("甲\n乙", "C1", True)
    assert sh.area_value(None) == (None, None, False)


def test_merged_ranges_last_listed_wins_and_absurd_ones_are_ignored():
    merged = [(1, 1, 2, 2), (1, 2, 1, 3), (1, 1, 6000, 1)]
    sh = _sheet([["a", "b", "c", "d"], ["e", "f", "g", "h"]], merged=merged)
    assert sh.merge_at(1, 2) == (1, 2, 1, 3)  # listed after (1, 1, 2, 2): a damaged file
    assert sh.merge_at(2, 1) == (1, 1, 2, 2)  # the 6,000-row range is not a label's area
    assert sh.right_of(1, 2) == (1, 4) and sh.below(2, 2) == (3, 2)
    assert sh.merge_at(2, 4) is None and sh.right_of(2, 4) == (2, 5)


def test_signature_in_the_label_cell_or_right_of_it():
    sh = _sheet([["审定", "签字：", "周科长"], ["意见", "签名：钱七"]])
    assert sh.signature(1) == ("周科长", "C1")
    assert sh.signature(2) == ("钱七", "B2")
    assert sh.signature(3) == (None, None)


def test_grid_merged_ranges_from_calamine_are_one_based():
    raw = [((0, 0), (0, 5)), ((2, 1), (3, 2))]
    g = Grid._from_calamine("s", [["a"]], False, raw, set())
    assert g.merged_in_row(3) == g.merged_in_row(4) == [(3, 2, 4, 3)]
    assert g.merged_in_row(2) == []
    assert g.merged == [(1, 1, 1, 6), (3, 2, 4, 3)]
    assert g == Grid("s", [["a"]], merged=[(1, 1, 1, 6), (3, 2, 4, 3)])
    assert g != Grid("s", [["a"]])
    assert Grid._from_calamine("s", [], True, None, set()).merged == []


def test_load_book_cuts_rows_wider_than_the_column_limit(tmp_path: Path, monkeypatch):
    from kaoping.excel import safety

    p = person()
    path = tmp_path / "m.xlsx"
    monthly_workbook(p, Month(2026, 7), monthly_summary(p, Month(2026, 7))).save(path)
    book = load_book(path)
    assert max(len(r) for g in book.sheets for r in g.rows) > 4
    # the safety checks refuse wide sheets first; with them at their defaults, rows wider
    # than the limit (calamine counting more columns than the checks did) are cut
    check = safety.inspect_workbook
    monkeypatch.setattr(safety, "inspect_workbook",
                        lambda path, limits, data: check(path, LimitSettings(), data=data))
    narrow = load_book(path, LimitSettings(max_columns=4))
    for g in narrow.sheets:
        full = book.sheet(g.name)
        assert g.rows == [r[:4] for r in full.rows] and g.merged == full.merged
