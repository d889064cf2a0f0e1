"""The weekly-sheet layout cache of the reader (`read._WeekLayout`): a sheet laid out as the
last weekly sheet read skips the head searches; every result stays the reference reader's."""

from __future__ import annotations

import copy
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import test_read_fast_reference as slow
from test_read_fast import BASES, VALUES, snapshot
from kaoping.excel import read as fast
from kaoping.excel.book import load_book

PATH = Path("/nonexistent/张三-2026-07.xlsx")


def _book(base: str):
    tmp = io.BytesIO(BASES[base])
    import tempfile
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as f:
        f.write(tmp.getvalue())
        f.flush()
        return load_book(Path(f.name))


BOOKS = {name: _book(name) for name in ("monthly", "weekly")}


def _same(book, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fast, "load_book", lambda p, *_a: copy.deepcopy(book))
    monkeypatch.setattr(slow, "load_book", lambda p, *_a: copy.deepcopy(book))
    for default_year in (None, 2025):
        assert snapshot(fast.read_workbook(PATH, default_year=default_year)) == \
            snapshot(slow.read_workbook(PATH, default_year=default_year))


HEAD_VALUES = [*VALUES, "姓名：", "单位及职务：", "单位及职务", "时间：（7）月第（3）周",
               "姓名：王五 单位及职务：科员 时间：（7）月第（1）周", "完成日期", "序号事项",
               "事项完成情况", "王五", "办公室 科员", "（7）月第（二）周"]


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(base=st.sampled_from(sorted(BOOKS)),
       edits=st.lists(st.tuples(st.integers(0, 5), st.integers(1, 4), st.integers(1, 8),
                                st.sampled_from(HEAD_VALUES)), max_size=5),
       warm=st.booleans())
def test_edited_week_heads_read_as_the_reference(base, edits, warm, monkeypatch):
    """Head cells of weekly sheets changed one by one (labels moved, renamed, typed with
    values, header cells replaced): each sheet reads as the reference reads it, whether or
    not the layout of an unedited sheet is cached."""
    if warm:
        _same(BOOKS[base], monkeypatch)  # caches the unedited layout
    book = copy.deepcopy(BOOKS[base])
    for sheet, r, c, v in edits:
        rows = book.sheets[sheet % len(book.sheets)].rows
        if r <= len(rows):
            row = rows[r - 1]
            if c > len(row):
                row.extend([""] * (c - len(row)))
            row[c - 1] = "" if v is None else v
    _same(book, monkeypatch)


def test_sheets_of_one_layout_use_the_cache(monkeypatch):
    book = copy.deepcopy(BOOKS["monthly"])
    weeks = [g for g in book.visible_sheets() if g.name != "月度小结"]
    assert len(weeks) >= 2
    weeks[1].rows[1] = [("李四" if v == "张三" else v) for v in weeks[1].rows[1]]
    _same(book, monkeypatch)
    ctx = fast._Ctx(PATH, book, {})
    first = fast._sheet(ctx, weeks[0])
    fast._week_tpl = fast._WeekLayout(first, fast._find_week_header(first),
                                      fast._week_head_hits(first, fast._find_week_header(first)[0]))
    assert fast._week_tpl.fits(fast._sheet(ctx, weeks[1]))
    # a label moved into a value cell changes what the searches find: no fit
    moved = copy.deepcopy(weeks[1])
    row = moved.rows[1]
    row[row.index("李四") if "李四" in row else 2] = "姓名"
    assert not fast._week_tpl.fits(fast._sheet(ctx, moved))


def test_cached_layout_is_a_copy(monkeypatch):
    """Changing a grid after it was read does not change what its cached layout says."""
    book = copy.deepcopy(BOOKS["weekly"])
    monkeypatch.setattr(fast, "load_book", lambda p, *_a: book)
    fast.read_workbook(PATH)
    for g in book.sheets:
        for row in g.rows[:3]:
            for i, v in enumerate(row):
                if v == "姓名" or (isinstance(v, str) and v.startswith("姓名")):
                    row[i] = "事项"
    _same(book, monkeypatch)


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.tuples(st.integers(1, 13), st.integers(1, 7),
                                st.sampled_from(HEAD_VALUES)), max_size=5),
       warm=st.booleans())
def test_edited_monthly_sheets_read_as_the_reference(edits, warm, monkeypatch):
    """Cells of the 月度小结 sheet changed (labels renamed, moved, typed with values, values
    replaced by labels): read as the reference reads it, with or without the layout of the
    unedited sheet cached (`read._MonthLayout`)."""
    if warm:
        _same(BOOKS["monthly"], monkeypatch)
    book = copy.deepcopy(BOOKS["monthly"])
    rows = book.sheets[0].rows
    for r, c, v in edits:
        if r <= len(rows):
            row = rows[r - 1]
            if c > len(row):
                row.extend([""] * (c - len(row)))
            row[c - 1] = "" if v is None else v
    _same(book, monkeypatch)


def test_monthly_sheets_of_one_layout_use_the_cache(monkeypatch):
    book = copy.deepcopy(BOOKS["monthly"])
    _same(book, monkeypatch)
    ctx = fast._Ctx(PATH, book, {})
    sh = fast._sheet(ctx, book.sheets[0])
    assert fast._month_tpl.fits(sh)
    other = copy.deepcopy(book)
    rows = other.sheets[0].rows
    for row in rows:  # other values, same labels: fits
        for i, v in enumerate(row):
            if isinstance(v, str) and len(v) > 20:
                row[i] = v[::-1]
    assert fast._month_tpl.fits(fast._sheet(fast._Ctx(PATH, other, {}), other.sheets[0]))
    _same(other, monkeypatch)
    cell = next((r, i) for r, row in enumerate(rows) for i, v in enumerate(row)
                if v == "科室")
    rows[cell[0]][cell[1]] = "处室"  # a label renamed: the searches change, no fit
    assert not fast._month_tpl.fits(fast._sheet(fast._Ctx(PATH, other, {}), other.sheets[0]))
    _same(other, monkeypatch)
