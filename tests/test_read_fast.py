"""The fast reader is the slow reader, faster: pinned to the pre-speed-up reader
(tests/test_read_fast_reference.py) on real files and on randomly edited forms, and its
building blocks (lazy label keys, merged-range lookup, models built without re-validation,
memoised cell parsers, lazily converted merged ranges of `Grid`) to what they replace."""

from __future__ import annotations

import datetime as dt
import io
import pickle
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.cell.cell import MergedCell
from pydantic import BaseModel

import test_read_fast_reference as slow
from helpers_forms import insert_row, monthly_summary, person, quarterly_evaluation
from kaoping.excel import cells as C
from kaoping.excel import read as fast
from kaoping.excel.book import Grid, load_book
from kaoping.excel.forms import monthly_workbook, quarterly_workbook, weekly_workbook
from kaoping.models import (
    FormIdentity,
    SourceRef,
    TaskStatus,
    WeeklyLog,
    WeeklyTask,
)
from kaoping.periods import Month, Quarter
from kaoping.rules.settings import LimitSettings

ROOT = Path(__file__).resolve().parents[1]
JULY = Month(2026, 7)
Q3 = Quarter(2026, 3)
PROPS = settings(max_examples=int(__import__("os").environ.get("KP_EXAMPLES", "25")),
                 deadline=None, suppress_health_check=[HealthCheck.too_slow])


def snapshot(result) -> Any:
    """Everything observable of a ReadResult: every field's value AND type, and which
    fields were set (pydantic's `model_fields_set`, used by the pipeline)."""
    def model(m: BaseModel) -> dict:
        out: dict[str, Any] = {"__class__": type(m).__name__,
                               "__fields_set__": sorted(m.model_fields_set)}
        for name in type(m).model_fields:
            out[name] = conv(getattr(m, name))
        return out

    def conv(v: Any) -> Any:
        if isinstance(v, BaseModel):
            return model(v)
        if isinstance(v, list):
            return [conv(x) for x in v]
        if isinstance(v, dict):
            return {k: conv(x) for k, x in v.items()}
        return (type(v).__name__, v)

    return (result.path, result.kind, [model(f) for f in result.forms],
            [model(f) for f in result.findings])


def assert_same(path: Path) -> None:
    assert snapshot(fast.read_workbook(path)) == snapshot(slow.read_workbook(path))
    assert snapshot(fast.read_workbook(path, default_year=2025)) == \
        snapshot(slow.read_workbook(path, default_year=2025))


# ---------------------------------------------------------------- whole workbooks


def _corpus() -> list[Path]:
    bad = sorted(p for p in (ROOT / "tests/corpus/bad").rglob("*") if p.is_file())
    examples = sorted(p for p in (ROOT / "examples/collected").rglob("*.xlsx") if p.is_file())
    return bad + examples[::7]


@pytest.mark.parametrize("path", _corpus(), ids=lambda p: p.name)
def test_fast_reader_equals_the_reference_on_real_files(path: Path):
    assert_same(path)


def _base_books() -> dict[str, bytes]:
    p = person()
    out = {}
    for name, wb in (("monthly", monthly_workbook(p, JULY, monthly_summary(p, JULY, tasks=4))),
                     ("blank-monthly", monthly_workbook(p, JULY)),
                     ("quarterly", quarterly_workbook(p, Q3, quarterly_evaluation(p, Q3))),
                     ("weekly", weekly_workbook(p, JULY, monthly_summary(p, JULY).weeks))):
        buf = io.BytesIO()
        wb.save(buf)
        out[name] = buf.getvalue()
    return out


BASES = _base_books()

VALUES = [None, "", " ", "\u3000", "\u200b", 0, 0.0, 1.5, 7.1, False, True, "注：说明",
          "注:", "姓名：李四", "姓名", "姓 名", "序号", "事项", "完成情况", "完成时限", "日期",
          "备注", "已完成 7月3日完成", "进行中", "无法完成", "7月3日", "7.10", "2026-07-03",
          "2026年13月1日", "7月32日", dt.datetime(2026, 7, 3), dt.datetime(2026, 7, 3, 9, 30),
          "所属处室/分支机构", "所属处室／分支机构", "科室", "职务", "单位及职务：综合科",
          "（8）月份", "时间：（7）月第（2）周", "（7）月第（9）周", "第（3）季度", "第（一）季度",
          "√", "☑好 □较好 □一般 □较差", "签字：王五", "签字", "本月请病假、事假（1）天；年休（2）天",
          "本月请病假、事假（", "全年累计病假、事假（", "）天；年休（", "出勤情况", "日常工作",
          "重要任务", "存在的问题", "下步打算", "个人小结", "直管领导审定", "好", "较好", "一般",
          "较差", "好√", "领导意见栏", "受表彰直接定“好”", "直接定“较差”", "×", "１．５天", "两天",
          "自评档次", "领导评价档次", "主要工作亮点", "存在的不足", "2025年", "张三", "李四"]

OP = st.one_of(
    st.tuples(st.just("insert"), st.integers(0, 6), st.integers(1, 22), st.integers(1, 2)),
    st.tuples(st.just("delete"), st.integers(0, 6), st.integers(1, 22), st.integers(1, 2)),
    st.tuples(st.just("set"), st.integers(0, 6), st.integers(1, 22), st.integers(1, 9),
              st.sampled_from(VALUES)),
    st.tuples(st.just("unmerge"), st.integers(0, 6), st.integers(0, 40)),
    st.tuples(st.just("merge"), st.integers(0, 6), st.integers(1, 20), st.integers(1, 8),
              st.integers(0, 2), st.integers(0, 3)),
    st.tuples(st.just("drop_meta")),
    st.tuples(st.just("hide"), st.integers(0, 6)),
)


def _edit(data: bytes, ops: list[tuple]) -> bytes:
    wb = load_workbook(io.BytesIO(data))
    for op in ops:
        if op[0] == "drop_meta":
            if "_kaoping" in wb.sheetnames:
                del wb["_kaoping"]
            continue
        ws = wb.worksheets[op[1] % len(wb.worksheets)]
        if op[0] == "insert":
            insert_row(ws, op[2], op[3])
        elif op[0] == "delete":
            for mr in list(ws.merged_cells.ranges):
                ws.unmerge_cells(str(mr))
            ws.delete_rows(op[2], op[3])
        elif op[0] == "set":
            cell = ws.cell(op[2], op[3])
            if not isinstance(cell, MergedCell):
                cell.value = op[4]
        elif op[0] == "unmerge":
            ranges = list(ws.merged_cells.ranges)
            if ranges:
                ws.unmerge_cells(str(ranges[op[2] % len(ranges)]))
        elif op[0] == "merge":
            r, c, h, w = op[2:]
            overlaps = any(not (mr.max_row < r or mr.min_row > r + h or mr.max_col < c
                                or mr.min_col > c + w) for mr in ws.merged_cells.ranges)
            if not overlaps and (h or w):
                ws.merge_cells(start_row=r, start_column=c, end_row=r + h, end_column=c + w)
        elif op[0] == "hide":
            if sum(s.sheet_state == "visible" for s in wb.worksheets) > 1:
                ws.sheet_state = "hidden"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@PROPS
@given(base=st.sampled_from(sorted(BASES)), ops=st.lists(OP, max_size=6))
def test_fast_reader_equals_the_reference_on_edited_forms(base: str, ops: list[tuple]):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"张三-2026-07-{base}.xlsx"
        path.write_bytes(_edit(BASES[base], ops))
        assert_same(path)


@pytest.mark.parametrize("base", sorted(BASES))
def test_fast_reader_equals_the_reference_with_rows_inserted_everywhere(tmp_path: Path,
                                                                        base: str):
    """People insert rows: above the header, between tasks, above the 注 line."""
    for sheet in range(3):
        for row in range(1, 22, 3):
            path = tmp_path / f"{base}-{sheet}-{row}.xlsx"
            path.write_bytes(_edit(BASES[base], [("insert", sheet, row, 1)]))
            assert_same(path)


def test_rows_of_zeros_and_blanks_read_as_before(tmp_path: Path):
    """A row whose cells are 0/False (not blank) is a task row; a row of '' is not."""
    ops = [("set", 1, 8, 3, 0), ("set", 1, 9, 5, False), ("set", 1, 10, 1, 0.0),
           ("set", 1, 11, 3, " "), ("set", 1, 12, 6, "\u200b")]
    path = tmp_path / "m.xlsx"
    path.write_bytes(_edit(BASES["monthly"], ops))
    assert_same(path)
    week = fast.read_workbook(path).forms[0].weeks[0]
    assert [t.row for t in week.tasks if t.item == "0"] == [8]
    assert 9 in [t.row for t in week.tasks]


# ---------------------------------------------------------------- building blocks


def test_normalize_name_memo_keeps_composition():
    for _ in range(2):
        assert C.normalize_name("张　三 ") == "张三"
        assert C.normalize_name("C \u0327") == "Ç"
        assert C.normalize_name(None) == "" and C.normalize_name(12.0) == "12"


GRID_VALUES = st.sampled_from(["", "", "", "姓名", "姓名：张三", "序号", "事项", "完成情况",
                               " 科 室 ", "注：x", 0, 1.0, None, "好", "A(1)", "ｘ"])


@st.composite
def grids(draw) -> Grid:
    n_rows = draw(st.integers(0, 8))
    n_cols = draw(st.integers(1, 6))
    rows = [[draw(GRID_VALUES) for _ in range(n_cols)] for _ in range(n_rows)]
    merged = draw(st.lists(st.tuples(st.integers(1, 9), st.integers(1, 7), st.integers(0, 3),
                                     st.integers(0, 3)), max_size=8))
    ranges = [(r, c, r + h, c + w) for r, c, h, w in merged]
    if draw(st.booleans()):
        ranges.append((1, 1, 5001, 1))  # absurd: ignored for lookups
    if draw(st.booleans()):  # as load_book hands them over: calamine's 0-based pairs
        return Grid._from_calamine("s", rows, False,
                                   [((a - 1, b - 1), (c - 1, d - 1)) for a, b, c, d in ranges],
                                   set())
    return Grid("s", rows, merged=ranges)


def _reference_merge_map(grid: Grid) -> dict:
    out = {}
    for r1, c1, r2, c2 in grid.merged:
        if (r2 - r1 + 1) * (c2 - c1 + 1) > 5000:
            continue
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                out[(r, c)] = (r1, c1, r2, c2)
    return out


@settings(max_examples=200, deadline=None)
@given(grid=grids(), probes=st.lists(st.tuples(st.integers(0, 11), st.integers(0, 9)),
                                    max_size=12))
def test_sheet_lookups_equal_the_eager_ones(grid: Grid, probes):
    sh = fast._Sheet(grid)
    # label keys looked up row by row give what the old eager list gave, in any order
    for r, _ in probes:
        sh.labels_to(r)
        assert sh.row_text(r) == [(c, k) for rr, c, k in slow._Sheet(grid).labels if rr == r]
    ref = slow._Sheet(grid)
    assert sh.labels == ref.labels
    assert sh.find(lambda k: "姓名" in k, max_row=3) == ref.find(lambda k: "姓名" in k,
                                                               max_row=3)
    merge_map = _reference_merge_map(grid)
    for r, c in probes:
        assert sh.merge_at(r, c) == merge_map.get((r, c))
        assert sh.right_of(r, c) == ref.right_of(r, c)
        assert sh.below(r, c) == ref.below(r, c)
        assert sh.value(r, c) == grid.value(r, c)
    for labels, exact, max_row in ((("姓名",), True, None), (("科室",), True, 3),
                                   (("序号", "事项"), False, None), (("好",), True, 2)):
        assert fast._label_value(sh, labels, exact=exact, max_row=max_row) == \
            slow._label_value(ref, labels, exact=exact, max_row=max_row)
    assert fast._week_header(sh) == slow._week_header(ref)


def test_grid_merged_ranges_convert_lazily_and_compare_like_the_dataclass():
    raw = [((0, 0), (0, 5)), ((2, 1), (3, 2))]
    g = Grid._from_calamine("s", [["a"]], False, raw, set())
    assert g.merged_in_row(3) == [(3, 2, 4, 3)]
    assert g.merged_in_row(4) == [(3, 2, 4, 3)]
    assert g.merged_in_row(2) == []
    assert g.merged == [(1, 1, 1, 6), (3, 2, 4, 3)]
    assert g.merged_in_row(1) == [(1, 1, 1, 6)]
    assert g == Grid("s", [["a"]], merged=[(1, 1, 1, 6), (3, 2, 4, 3)])
    assert g != Grid("s", [["a"]])
    assert "merged=[(1, 1, 1, 6), (3, 2, 4, 3)]" in repr(g)
    g.merged = []
    assert g.merged == [] and g.merged_in_row(1) == []
    plain = Grid("s", [])
    assert plain.merged == [] and plain.uncached_formulas == set() and not plain.hidden
    assert Grid._from_calamine("s", [], True, None, set()).merged == []


def test_load_book_keeps_rows_and_cuts_only_wide_ones(tmp_path: Path, monkeypatch):
    from kaoping.excel import safety

    p = person()
    path = tmp_path / "m.xlsx"
    monthly_workbook(p, JULY, monthly_summary(p, JULY)).save(path)
    book = load_book(path)
    assert book.path == path
    assert str(load_book(str(path)).path) == str(path)
    widths = {g.name: max(map(len, g.rows)) for g in book.sheets}
    # the safety checks refuse wide sheets first; with them at their defaults, rows wider
    # than the limit (calamine counting more columns than the checks did) are cut
    check = safety.inspect_workbook
    monkeypatch.setattr(safety, "inspect_workbook",
                        lambda path, limits, data: check(path, LimitSettings(), data=data))
    narrow = load_book(path, LimitSettings(max_columns=4))
    for g in narrow.sheets:
        assert max(map(len, g.rows), default=0) <= 4
        full = book.sheet(g.name)
        assert g.rows == [r[:4] for r in full.rows]
        assert g.merged == full.merged
    assert max(widths.values()) > 4


def test_models_built_without_validation_equal_validated_ones():
    d = dt.date(2026, 7, 3)
    task_values = {"row": 4, "seq": 1, "received_on": d, "item": "x", "status_text": "已完成",
                   "status": TaskStatus.DONE, "note": None, "completed_on": d}
    built = fast._new_task(dict(task_values))
    checked = WeeklyTask(**task_values)
    assert built == checked
    assert built.model_fields_set == checked.model_fields_set
    assert built.model_dump() == checked.model_dump()
    assert pickle.loads(pickle.dumps(built)) == checked
    cells = {"name": "B2"}
    log_values = {"source": SourceRef(file="f", sheet="s", cells=cells),
                  "identity": FormIdentity(staff_id=None, name="张三"), "unit_and_post": None,
                  "year": 2026, "month": 7, "week": 1, "week_start": d, "week_end": d,
                  "tasks": [built]}
    built_log = fast._construct(WeeklyLog, dict(log_values))
    checked_log = WeeklyLog(**log_values)
    assert built_log == checked_log
    assert built_log.model_fields_set == checked_log.model_fields_set
    assert built_log.checked is None and built_log.model_dump() == checked_log.model_dump()
    # a default_factory field left out gets a fresh value, not a shared one
    a = fast._construct(SourceRef, {"file": "f"})
    b = fast._construct(SourceRef, {"file": "f"})
    assert a == SourceRef(file="f") and a.cells is not b.cells
    assert a.model_fields_set == {"file"}


class _Str(str):
    """A str subclass: takes the uncached paths of the memoised parsers."""


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(st.sampled_from(VALUES[11:]).filter(lambda v: isinstance(v, str)),
                      st.text(alphabet="0123456789７月日号年.-/ \u3000\u200b已完成进行中注:：",
                              max_size=14)),
       year=st.sampled_from([None, 2026]))
def test_memoised_cell_parsers_equal_the_uncached_ones(text: str, year):
    def outcome(f, v):
        try:
            return "ok", f(v)
        except C.CellError as e:
            return "error", e.message

    for _ in range(2):  # the second call answers from the cache: same result, error raised again
        assert C.clean_text(text) == C.clean_text(_Str(text))
        assert C.normalize_name(text) == C.normalize_name(_Str(text))
        assert outcome(lambda v: C.parse_date(v, year=year), text) == \
            outcome(lambda v: C.parse_date(v, year=year), _Str(text))
        assert C.find_date_in_text(text, year=year) == C.find_date_in_text(_Str(text), year=year)
        assert fast.parse_status(text) == fast.parse_status(_Str(text))
        assert fast.parse_status(text) == slow.parse_status(text)


def test_parse_date_cache_keeps_the_year_apart():
    assert C.parse_date("7月3日", year=2026) == dt.date(2026, 7, 3)
    assert C.parse_date("7月3日", year=2025) == dt.date(2025, 7, 3)
    for _ in range(2):
        with pytest.raises(C.CellError, match="没有年份"):
            C.parse_date("7月3日")
    long = "2026-07-03" + " " * 300  # beyond the memo length: parsed directly
    assert C.parse_date(long) == dt.date(2026, 7, 3)
    assert C.clean_text(" x " + "y" * 300) == "x " + "y" * 300


@settings(max_examples=200, deadline=None)
@given(v=st.one_of(st.integers(), st.floats(), st.booleans(), st.dates(), st.datetimes()))
def test_never_blank_types_clean_to_text(v):
    """`_read_task` skips `clean_text` for these types: their text is never empty."""
    assert type(v) in fast._NEVER_BLANK
    assert C.clean_text(v) is not None
