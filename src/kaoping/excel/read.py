"""Read filled 附件1/2/3 workbooks into the models of `kaoping.models`.

Fields are found by their LABEL text (then the input cell to the right), never by fixed
positions, so forms retyped by hand, forms with an inserted row and forms whose hidden
`_kaoping` sheet was deleted still read. `_kaoping` (when present) gives 工号 and period.

Nothing here raises for a bad file: every problem becomes a `Finding` with file, sheet,
cell and a Chinese message. File/format rule ids:

- F1 错误  the file cannot be read as a workbook
- F2 提示  not a kaoping form (skipped)
- F3       a cell value cannot be understood (错误 when the value is needed: leave days,
           ticks; 警告 for task dates and 序号)
- F4 错误  a field or column of the form cannot be found, or a required field is blank
- F5       period problems: month/quarter/year missing (错误) or inconsistent (警告)
- F6 警告  the name on the form differs from the person the form was generated for
- F7 错误  a formula saved without its cached result (reads as blank)
- F8 警告  a tick mark written outside the tick cells (not counted)
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from ..errors import KaopingError
from ..models import (
    GRADE_ORDER,
    Finding,
    FormIdentity,
    FormKind,
    MonthlySummary,
    QuarterGrade,
    QuarterlyEvaluation,
    Severity,
    SourceRef,
    TaskStatus,
    WeeklyLog,
    WeeklyTask,
)
from ..periods import Month, parse_month, parse_quarter
from ..rules.settings import LimitSettings
from . import detect as L
from .book import Book, Grid, Value, cell_ref, column_letter, load_book
from .cells import (
    MEMO_SIZE,
    TICK_MARKS,
    CellError,
    clean_text,
    find_date_in_text,
    normalize_name,
    parse_date,
    parse_days,
    parse_int,
    parse_tick,
)

Form = WeeklyLog | MonthlySummary | QuarterlyEvaluation
_M = TypeVar("_M", bound=BaseModel)

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


@dataclass
class ReadResult:
    path: Path
    kind: FormKind | None
    forms: list[Form] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


# ---------------------------------------------------------------- grid helpers


class _Sheet:
    """A grid with label lookup and merged-cell awareness.

    Built once per grid and workbook read (`_sheet`); every lookup below reads the grid's
    rows directly. Label keys are computed row by row as searches reach them: a search
    bounded by a row (`labels_to`) never computes those of the rows below."""

    def __init__(self, grid: Grid) -> None:
        self.grid = grid
        self.name = grid.name
        self.rows = rows = grid.rows
        self.max_row = len(rows)
        self.max_col = max(map(len, rows), default=0)
        self._merges_by_row: dict[int, list[tuple[int, int, int, int]]] = {}
        self._by_row: dict[int, list[tuple[int, str]]] = {}
        # label keys of rows 1.._upto, in reading order (extended as searches go deeper)
        self._labels: list[tuple[int, int, str]] = []
        self._upto = 0
        self._compact: dict[tuple[int, int], str] = {}
        self.week_header: tuple[int, dict[str, int]] | None | bool = False  # False: not yet
        self.week_head: tuple | None = None  # `_week_head_hits` of a weekly sheet

    def value(self, r: int, c: int) -> Value:
        if r < 1 or c < 1 or r > self.max_row:
            return None
        values = self.rows[r - 1]
        if c > len(values):
            return None
        v = values[c - 1]
        return None if v == "" else v

    def merge_at(self, r: int, c: int) -> tuple[int, int, int, int] | None:
        """The merged range (r1, c1, r2, c2) holding (r, c), if any (the last one listed
        when ranges overlap, as in a damaged file)."""
        in_row = self._merges_by_row.get(r)
        if in_row is None:  # the ranges crossing row r, in listed order (absurd merges
            # are not needed for label lookup), looked up once per row
            in_row = self._merges_by_row[r] = [
                m for m in self.grid.merged_in_row(r)
                if (m[2] - m[0] + 1) * (m[3] - m[1] + 1) <= 5000]
        for m in reversed(in_row):
            if m[1] <= c <= m[3]:
                return m
        return None

    def compact(self, r: int, c: int) -> str:
        """The cell's text, NFKC and without any whitespace (computed once per cell: every
        label search of the sheet tests the same label cells)."""
        text = self._compact.get((r, c))
        if text is None:
            v = self.value(r, c)
            text = self._compact[(r, c)] = (
                _compact_text(v) if type(v) is str and len(v) <= 256
                else _WHITESPACE.sub("", _nfkc(v)))
        return text

    def row_text(self, r: int) -> list[tuple[int, str]]:
        """(column, label key) of the text cells of row r."""
        texts = self._by_row.get(r)
        if texts is None:
            texts = []
            if 1 <= r <= self.max_row:
                values = self.rows[r - 1]
                if any(values):  # else no text in the row (a non-empty str is truthy)
                    key_of = L._label_key
                    texts = [(c, key_of(v)) for c, v in enumerate(values, start=1)
                             if v and isinstance(v, str)]
            self._by_row[r] = texts
        return texts

    @property
    def labels(self) -> list[tuple[int, int, str]]:
        """(row, column, label key) of every text cell, in reading order."""
        return self.labels_to(None)

    def labels_to(self, max_row: int | None) -> list[tuple[int, int, str]]:
        """`labels` of the rows up to `max_row` at least (callers stop at `max_row`; the
        list may go further): rows below it are not looked at."""
        last = self.max_row if max_row is None else min(max_row, self.max_row)
        if last > self._upto:
            row_text = self.row_text
            self._labels += [(r, c, k) for r in range(self._upto + 1, last + 1)
                             for c, k in row_text(r)]
            self._upto = last
        return self._labels

    def find(self, pred: Callable[[str], bool], *, min_row: int = 1,
             max_row: int | None = None) -> tuple[int, int, str] | None:
        for r, c, key in self.labels_to(max_row):
            if r >= min_row and (max_row is None or r <= max_row) and pred(key):
                return r, c, key
        return None

    def find_all(self, pred: Callable[[str], bool]) -> list[tuple[int, int, str]]:
        return [(r, c, k) for r, c, k in self.labels if pred(k)]

    def right_of(self, r: int, c: int) -> tuple[int, int]:
        """The cell just right of (r, c)'s merged area."""
        m = self.merge_at(r, c)
        return r, (c if m is None else m[3]) + 1

    def below(self, r: int, c: int) -> tuple[int, int]:
        m = self.merge_at(r, c)
        return (r if m is None else m[2]) + 1, c



def _sheet(ctx: _Ctx, grid: Grid) -> _Sheet:
    """The `_Sheet` of `grid`, built once per workbook read."""
    sh = ctx.sheets.get(id(grid))
    if sh is None or sh.grid is not grid:
        sh = ctx.sheets[id(grid)] = _Sheet(grid)
    return sh


_MONTH_TEXT = re.compile(r"[（(]\s*(\d{1,2})\s*[)）]\s*月(?!第)|(?<!\d)(\d{1,2})\s*月份"
                         r"|20\d{2}\s*年\s*(\d{1,2})\s*月(?!第)")
_QUARTER_TEXT = re.compile(r"第\s*[（(]?\s*([1-4一二三四])\s*[)）]?\s*季度")
_WEEK_TEXT = re.compile(
    r"[（(]?\s*(\d{1,2})?\s*[)）]?\s*月\s*第\s*[（(]?\s*(\d{1,2}|[一二三四五六])?\s*[)）]?\s*周")
_YEAR_TEXT = re.compile(r"(?<!\d)(20\d{2})(?!\d)")
_CN = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6}


_WHITESPACE = re.compile(r"\s")


def _nfkc(v: object) -> str:
    return unicodedata.normalize("NFKC", str(v))


@functools.lru_cache(maxsize=MEMO_SIZE)
def _compact_text(text: str) -> str:
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", text))


# ---------------------------------------------------------------- context


class _Ctx:
    def __init__(self, path: Path, book: Book, meta: dict[str, str],
                 default_year: int | None = None) -> None:
        self.path = path
        self.default_year = default_year
        self.file = str(path)
        self.book = book
        self.meta = meta
        self.findings: list[Finding] = []
        self.names_flagged: set[str] = set()  # F6 once per workbook and name
        self.sheets: dict[int, _Sheet] = {}  # id(grid) → its _Sheet (see `_sheet`)

    def add(self, rule: str, severity: Severity, message: str, sheet: str | None = None,
            cell: str | None = None) -> None:
        self.findings.append(Finding(rule=rule, severity=severity, message=message,
                                     file=self.file, sheet=sheet, cell=cell))

    def year_hint(self, *texts: str) -> int | None:
        """Year from the file name, then its folders, then the given texts."""
        for part in [self.path.name, *reversed(self.path.parent.parts[-4:]), *texts]:
            if m := _YEAR_TEXT.search(_nfkc(part)):
                return int(m.group(1))
        return None

    def fallback_year(self, *, first_month: int | None, sheet: str | None,
                      cell: str | None) -> int | None:
        """Year of a form that names none (hand-made, `_kaoping` deleted, no year in the file
        name): the caller's default year, else the file's modification time — a form for a
        period starting after that month was saved the next year (Q4 is evaluated in January)."""
        if self.default_year is not None:
            return self.default_year
        try:
            saved = dt.datetime.fromtimestamp(self.path.stat().st_mtime)
        except (OSError, ValueError, OverflowError):
            return None
        year = saved.year - (1 if first_month and saved.month < first_month else 0)
        self.add("F5", WARNING, f"表中和文件名中都没有写年份，按文件保存时间推定为 {year} 年；"
                 f"如不对，请在文件名中写明年份（如 姓名-{year}Q3.xlsx 或 姓名-{year}-07.xlsx）",
                 sheet, cell)
        return year


def _text_at(sh: _Sheet, r: int, c: int) -> str | None:
    return clean_text(sh.value(r, c))


def _label_value(sh: _Sheet, labels: tuple[str, ...], *, exact: bool = True,
                 min_row: int = 1, max_row: int | None = None,
                 ) -> tuple[str | None, str | None, bool]:
    """Find a label; return (text value, cell ref, label_found). The value is the cell right
    of the label, or text typed after the label and a colon in the same cell ('姓名：张三').
    `exact=False` matches labels contained in the cell text ('日常工作（简要）')."""
    return _label_result(sh, _label_hit(sh, labels, exact=exact, min_row=min_row,
                                        max_row=max_row), labels, exact=exact)


def _label_hit(sh: _Sheet, labels: tuple[str, ...], *, exact: bool = True,
               min_row: int = 1, max_row: int | None = None) -> tuple[int, int] | None:
    """(row, column) of the label `_label_value` reads from, None when there is none."""
    hit = None
    last_row = sh.max_row if max_row is None else max_row
    if exact:  # the first match in reading order (the rest are not looked at)
        typed = _typed_prefixes(labels)  # '姓名：张三' (NFKC turns '：' into ':')
        for r, c, k in sh.labels_to(max_row):  # in row order
            if r > last_row:
                break
            if r >= min_row and (k in labels or sh.compact(r, c).startswith(typed)):
                return r, c
    else:  # labels sit left of the text they head: prefer the leftmost match
        for r, c, k in sh.labels_to(max_row):
            if r > last_row:
                break
            # a text area's label: short and starting with the label text
            if (r >= min_row and len(k) <= 16 and k.startswith(labels)
                    and (hit is None or (c, r) < (hit[1], hit[0]))):
                hit = r, c
    return hit


def _label_result(sh: _Sheet, hit: tuple[int, int] | None, labels: tuple[str, ...], *,
                  exact: bool = True) -> tuple[str | None, str | None, bool]:
    """`_label_value` of the label found at `hit`."""
    if hit is None:
        return None, None, False
    r, c = hit
    if exact and L._label_key(sh.rows[r - 1][c - 1]) not in labels:  # a label cell: a str
        raw = str(sh.value(r, c))
        return clean_text(re.split(r"[:：]", raw, maxsplit=1)[-1]), cell_ref(r, c), True
    rr, cc = sh.right_of(r, c)
    if not exact:
        return _area_text(sh, rr, cc), cell_ref(rr, cc), True
    return _text_at(sh, rr, cc), cell_ref(rr, cc), True


@functools.lru_cache(maxsize=64)
def _typed_prefixes(labels: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(lab + ":" for lab in labels)


def _area_text(sh: _Sheet, r: int, c: int) -> str | None:
    """A text area starting at (r, c): its own text plus any text in the same row further
    right (when the area's merged cells were split and text was typed into the pieces)."""
    parts: list[str] = []
    col = c
    while col <= sh.max_col:
        r1, c1, _, c2 = sh.merge_at(r, col) or (r, col, r, col)
        if (r1, c1) == (r, col):
            text = clean_text(sh.value(r, col))
            if text:
                parts.append(text)
        col = c2 + 1
    return "\n".join(parts) or None


# ---------------------------------------------------------------- identity and period


_UNIT_LABELS = ("所属处室/分支机构", "所属处室或分支机构", "所属处室", "处室/分支机构", "所在处室",
                "单位", "所属单位")
_SECTION_LABELS = ("科室", "所在科室")
_POST_LABELS = ("职务", "职务职级")


_IDENT_SEARCHES = ((L.L_NAME,), _UNIT_LABELS, _SECTION_LABELS, _POST_LABELS)


def _identity_hits(sh: _Sheet) -> tuple:
    """Where `_identity` reads 姓名, 处室, 科室 and 职务 from (`_label_hit`)."""
    return tuple(_label_hit(sh, labels, max_row=12) for labels in _IDENT_SEARCHES)


def _identity(ctx: _Ctx, sh: _Sheet, cells: dict[str, str], *, kind_title: str,
              hits: tuple | None = None) -> FormIdentity:
    if hits is None:
        hits = _identity_hits(sh)
    name, ref, found = _label_result(sh, hits[0], (L.L_NAME,))
    if found:
        cells["name"] = ref or ""
    unit, uref, _ = _label_result(sh, hits[1], _UNIT_LABELS)
    section, sref, _ = _label_result(sh, hits[2], _SECTION_LABELS)
    post, pref, _ = _label_result(sh, hits[3], _POST_LABELS)
    for key, r in (("unit", uref), ("section", sref), ("post", pref)):
        if r:
            cells[key] = r
    staff_id = ctx.meta.get("staff_id") or None
    ident = FormIdentity(staff_id=staff_id, name=normalize_name(name) or None, unit=unit,
                         section=section, post=post)
    if not found:
        ctx.add("F4", ERROR if not staff_id else WARNING,
                f"{kind_title}中找不到“姓名”一栏", sh.name)
    elif not ident.name and not staff_id:
        ctx.add("F4", ERROR, f"{kind_title}未填写姓名", sh.name, ref)
    _check_name(ctx, sh, ident.name, ref)
    return ident


def _check_name(ctx: _Ctx, sh: _Sheet, name: str | None, ref: str | None) -> None:
    meta_name = normalize_name(ctx.meta.get("name"))
    if name and meta_name and name != meta_name and name not in ctx.names_flagged:
        ctx.names_flagged.add(name)
        ctx.add("F6", WARNING,
                f"表内姓名「{name}」与生成该表时的人员「{meta_name}」（工号 "
                f"{ctx.meta.get('staff_id') or '未知'}）不一致，请核对是否用错了表格", sh.name, ref)


def _head_rows(sh: _Sheet) -> int:
    """Rows above the identity block (title and period line): the period is looked for only
    there, so a date written in the summary text is never taken for the form's month."""
    hit = sh.find(lambda k: k == L.L_NAME or k.startswith(L.L_NAME + "："), max_row=12)
    return hit[0] - 1 if hit else 8


def _period_cell(sh: _Sheet, pattern: re.Pattern[str], max_row: int = 8
                 ) -> tuple[re.Match[str] | None, str | None, str]:
    return _period_result(sh, pattern, _period_hit(sh, pattern, max_row))


def _period_hit(sh: _Sheet, pattern: re.Pattern[str], max_row: int = 8
                ) -> tuple[int, int] | None:
    rows = sh.rows
    for r, c, _ in sh.labels_to(max_row):
        if r > max_row:
            break
        if _search_nfkc(pattern, rows[r - 1][c - 1])[0]:  # a label cell: a non-empty str
            return r, c
    return None


def _period_result(sh: _Sheet, pattern: re.Pattern[str], hit: tuple[int, int] | None
                   ) -> tuple[re.Match[str] | None, str | None, str]:
    if hit is None:
        return None, None, ""
    r, c = hit
    m, raw = _search_nfkc(pattern, sh.rows[r - 1][c - 1])
    return m, cell_ref(r, c), raw


@functools.lru_cache(maxsize=MEMO_SIZE)
def _search_nfkc_memo(pattern: re.Pattern[str], text: str
                      ) -> tuple[re.Match[str] | None, str]:
    raw = unicodedata.normalize("NFKC", text)
    return pattern.search(raw), raw


def _search_nfkc(pattern: re.Pattern[str], v: str) -> tuple[re.Match[str] | None, str]:
    """(pattern.search(NFKC text), NFKC text) of a cell's text; short texts memoised (the
    head lines of forms repeat from sheet to sheet and file to file)."""
    if type(v) is str and len(v) <= 256:
        return _search_nfkc_memo(pattern, v)
    raw = _nfkc(v)
    return pattern.search(raw), raw


# ---------------------------------------------------------------- 附件1


_STATUS_WORDS = (
    (TaskStatus.FAILED, ("无法完成", "未能完成", "不能完成", "未完成")),
    (TaskStatus.IN_PROGRESS, ("进行中", "正在进行", "推进中", "正在推进", "持续推进", "在办")),
    (TaskStatus.DONE, ("已完成", "完成", "已办结", "办结")),
)


def parse_status(text: str | None) -> TaskStatus | None:
    """完成情况 text → status ('已完成（7月8日）' → DONE); None when not recognisable."""
    if not text:
        return None
    if type(text) is str and len(text) <= 256:
        return _parse_status_memo(text)
    return _parse_status(text)


def _parse_status(text: str) -> TaskStatus | None:
    key = re.sub(r"\s+", "", text)
    for status, words in _STATUS_WORDS:
        if any(w in key for w in words):
            return status
    return None


_parse_status_memo = functools.lru_cache(maxsize=MEMO_SIZE)(_parse_status)


_WEEK_HEADER = {
    "seq": lambda k: k.startswith("序号"),
    "received_on": lambda k: "日期" in k and "完成" not in k,
    "item": lambda k: "事项" in k,
    "deadline": lambda k: "时限" in k,
    "status": lambda k: "完成情况" in k,
    "note": lambda k: k.startswith("备注"),
}


def _week_header(sh: _Sheet) -> tuple[int, dict[str, int]] | None:
    """(row, {field: column}) of the task table's header row (found once per sheet)."""
    if sh.week_header is False:
        tpl = _week_tpl
        if tpl is not None and tpl.fits(sh):  # laid out as the last weekly sheet read
            sh.week_header = tpl.header
            sh.week_head = tpl.hits
        else:
            sh.week_header = _find_week_header(sh)
    return sh.week_header  # type: ignore[return-value]


# What the searches of a weekly sheet's head (`_find_week_header`, `_week_head_hits`) test a
# label cell for, one bit each: a cell with the same bits as the cell at its place in another
# sheet changes none of their results (see `_WeekLayout`).
_HEAD_TESTS: tuple[Callable[[str, str], bool], ...] = (
    *(lambda k, t, pred=pred: pred(k) for pred in (
        lambda k: k.startswith("序号"), lambda k: "日期" in k, lambda k: "完成" in k,
        lambda k: "事项" in k, lambda k: "时限" in k, lambda k: "完成情况" in k,
        lambda k: k.startswith("备注"), lambda k: "姓名" in k and "单位及职务" in k,
        lambda k: k == L.L_NAME, lambda k: k == L.L_UNIT_AND_POST)),
    lambda k, t: t.startswith(L.L_NAME + ":"),
    lambda k, t: t.startswith(L.L_UNIT_AND_POST + ":"),
)


@functools.lru_cache(maxsize=MEMO_SIZE)
def _head_bits(v: Value) -> int:
    """The `_HEAD_TESTS` a cell value passes, and whether it holds a week period (bit 0)."""
    if not (v and isinstance(v, str)):
        return 0  # not a label cell
    k = L._label_key(v)
    t = _compact_text(v) if len(v) <= 256 else _WHITESPACE.sub("", _nfkc(v))
    bits = 1 if _search_nfkc(_WEEK_TEXT, v)[0] else 0
    for i, test in enumerate(_HEAD_TESTS, start=1):
        if test(k, t):
            bits |= 1 << i
    return bits


def _cell_bits(v: Value) -> int:
    if type(v) is str and len(v) <= 256:
        return _head_bits(v)
    return _head_bits.__wrapped__(v)


class _WeekLayout:
    """The head of the last weekly sheet read: its rows down to the task table's header, the
    header found and where the head's searches stopped (`hits`). Another sheet fits when its
    header row is the same and every other cell above it either equals this one's or passes
    exactly the same tests: every search then stops at the same cells (their values are
    read from the sheet itself). Weekly sheets of a workbook (and of the workbooks of one
    template) differ only in the name, 单位及职务 and week cells."""

    __slots__ = ("rows", "header", "hits")

    def __init__(self, sh: _Sheet, header: tuple[int, dict[str, int]], hits: tuple) -> None:
        self.rows = [list(values) for values in sh.rows[:header[0]]]  # a copy: grids may change
        self.header = header
        self.hits = hits

    def fits(self, sh: _Sheet) -> bool:
        mine = self.rows
        hrow = len(mine)
        rows = sh.rows
        if len(rows) < hrow or rows[hrow - 1] != mine[hrow - 1]:
            return False
        return _rows_fit(rows[:hrow - 1], mine[:hrow - 1], _cell_bits)


def _rows_fit(rows: list[list[Value]], mine: list[list[Value]], bits: Callable[[Value], int]
              ) -> bool:
    """Row by row, each row of `rows` as long as its twin in `mine` and each cell either
    equal to its twin or giving the same `bits` (the label tests it passes)."""
    for new, old in zip(rows, mine):
        if new == old:
            continue
        if len(new) != len(old):
            return False
        for a, b in zip(new, old):
            if a != b and bits(a) != bits(b):
                return False
    return True


_week_tpl: _WeekLayout | None = None


def _week_head_hits(sh: _Sheet, hrow: int) -> tuple:
    """Where the searches of a weekly sheet's head stop: the 姓名 and 单位及职务 labels, a
    line holding both (typed on one line) and the week period cell."""
    combined = period = None
    for r, c, key in sh.labels_to(hrow):
        if r >= hrow:
            break
        if "姓名" in key and "单位及职务" in key:
            combined = r, c
            break
    rows = sh.rows
    for r, c, _ in sh.labels_to(hrow):
        if r > hrow:
            break
        if _search_nfkc(_WEEK_TEXT, rows[r - 1][c - 1])[0]:  # a label cell: a non-empty str
            period = r, c
            break
    return (_label_hit(sh, (L.L_NAME,), max_row=hrow),
            _label_hit(sh, (L.L_UNIT_AND_POST,), max_row=hrow), combined, period)


def _find_week_header(sh: _Sheet) -> tuple[int, dict[str, int]] | None:
    # row by row: only the rows down to the header get their label keys computed
    for r in range(1, sh.max_row + 1):
        texts = sh.row_text(r)
        if not any(k.startswith("序号") or "事项" in k for _, k in texts):
            continue  # no label of the row could start the header
        cols: dict[str, int] = {}
        for c, k in texts:
            for field_name, pred in _WEEK_HEADER.items():
                if field_name not in cols and pred(k):
                    cols[field_name] = c
                    break
        if "item" in cols and ("status" in cols or "deadline" in cols):
            return r, cols
    return None


_NOTE_LINE = re.compile(r"^\s*注\s*[:：]")
_WEEK_LINE = re.compile(r"姓名[:：]?\s*(?P<name>.*?)\s*单位及职务[:：]?\s*(?P<up>.*?)\s*(?:时间|$)")


def read_weekly_sheet(ctx: _Ctx, grid: Grid, *, year: int | None, month: int | None,
                      week_index: int | None = None) -> WeeklyLog | None:
    """One 附件1 sheet → WeeklyLog (None when it is not a weekly sheet at all)."""
    sh = _sheet(ctx, grid)
    header = _week_header(sh)
    if header is None:
        ctx.add("F4", ERROR, "一周小记表中找不到“序号/事项/完成情况”表头", sh.name)
        return None
    hrow, cols = header
    cells: dict[str, str] = {}
    hits = sh.week_head
    if hits is None:
        global _week_tpl
        hits = sh.week_head = _week_head_hits(sh, hrow)
        _week_tpl = _WeekLayout(sh, header, hits)
    name_hit, up_hit, combined, period = hits
    name, nref, _ = _label_result(sh, name_hit, (L.L_NAME,))
    up, uref, _ = _label_result(sh, up_hit, (L.L_UNIT_AND_POST,))
    # the annex typed on one line: "姓名：张三  单位及职务：办公室科员  时间：（7）月第（2）周"
    if combined is not None:
        r, c = combined
        if m := _WEEK_LINE.search(_nfkc(sh.value(r, c))):
            name, up = clean_text(m.group("name")), clean_text(m.group("up"))
            nref = uref = cell_ref(r, c)
    if nref:
        cells["name"] = nref
    if uref:
        cells["unit_and_post"] = uref
    # period
    m = pref = None
    if period is not None:
        m = _search_nfkc(_WEEK_TEXT, sh.rows[period[0] - 1][period[1] - 1])[0]
        pref = cell_ref(*period)
    w_month = int(m.group(1)) if m and m.group(1) else None
    w_week = None
    if m and m.group(2):
        w_week = _CN.get(m.group(2)) or int(m.group(2))
    if pref:
        cells["period"] = cells["week"] = pref
    if w_week is None:
        if sm := re.search(r"第\s*(\d{1,2})\s*周", sh.name):
            w_week = int(sm.group(1))
        else:
            w_week = week_index
    if month is not None and w_month is not None and w_month != month:
        ctx.add("F5", WARNING, f"周表写的是（{w_month}）月，与月度小结的（{month}）月不一致",
                sh.name, pref)
    the_month = month or w_month
    if the_month is None or year is None:
        ctx.add("F5", ERROR, "一周小记表无法确定年份或月份，请在“时间”处填写（ ）月第（ ）周",
                sh.name, pref)
        return None
    if w_week is None:
        ctx.add("F5", ERROR, "一周小记表未填写第（ ）周", sh.name, pref)
        return None
    weeks = _month_weeks(year, the_month)
    start = end = None
    if 1 <= w_week <= len(weeks):
        start, end = weeks[w_week - 1]
    else:
        ctx.add("F5", WARNING, f"{the_month}月只有 {len(weeks)} 周，表中写的是第{w_week}周",
                sh.name, pref)
    cells.update(_column_cells(tuple(cols.items())))
    tasks: list[WeeklyTask] = []
    r = hrow + 1
    rows = sh.rows
    week = (start, end)
    note_line = _NOTE_LINE.match
    while r <= sh.max_row:
        values = rows[r - 1]
        if not any(values):  # no text in the row (a non-empty str is truthy)
            if values.count("") == len(values):  # nothing at all: not a task
                r += 1
                continue
        else:
            note = False
            for v in values:  # the 注 line under the table (the row's first text cell)
                if v and isinstance(v, str):
                    note = "注" in v and note_line(str(v)) is not None
                    break
            if note:
                break
        task = _read_task(ctx, sh, r, cols, year, week)
        if task is not None:
            tasks.append(task)
        r += 1
    cells["tasks"] = f"{hrow + 1}:{max(r - 1, hrow + 1)}"  # the task rows, e.g. "4:18"
    staff_id = ctx.meta.get("staff_id") or None
    ident_name = normalize_name(name) or None
    if type(year) is int and type(the_month) is int and type(w_week) is int \
            and type(sh.name) is str and type(up) in (str, type(None)):
        # every value is of its field's type: what validation would give, without it
        ident = _construct(FormIdentity, {"staff_id": staff_id, "name": ident_name})
        _check_name(ctx, sh, ident.name, nref)
        return _construct(WeeklyLog, {
            "source": _construct(SourceRef, {"file": ctx.file, "sheet": sh.name,
                                             "cells": cells}),
            "identity": ident, "unit_and_post": up, "year": year, "month": the_month,
            "week": w_week, "week_start": start, "week_end": end, "tasks": tasks})
    ident = FormIdentity(staff_id=staff_id, name=ident_name)
    _check_name(ctx, sh, ident.name, nref)
    return WeeklyLog(source=SourceRef(file=ctx.file, sheet=sh.name, cells=cells),
                     identity=ident, unit_and_post=up, year=year, month=the_month, week=w_week,
                     week_start=start, week_end=end, tasks=tasks)


@functools.lru_cache(maxsize=256)
def _column_cells(cols: tuple[tuple[str, int], ...]) -> dict[str, str]:
    """The `col:<field>` entries of a weekly log's cell map (to be copied, not changed)."""
    return {f"col:{key}": column_letter(c) for key, c in cols}


@functools.lru_cache(maxsize=256)
def _month_weeks(year: int, month: int) -> tuple[tuple[dt.date, dt.date], ...]:
    return tuple(Month(year, month).weeks())


def _month_dot_day(v: Value, year: int, week: tuple[dt.date | None, dt.date | None]
                   ) -> dt.date | None:
    """'7.10' typed into a General cell arrives as the number 7.1: when 7月1日 is not in the
    week but 7月10日 is, the writer meant 7月10日."""
    start, end = week
    if not isinstance(v, float) or v.is_integer() or start is None or end is None:
        return None
    text = repr(v)
    if not re.fullmatch(r"\d{1,2}\.\d", text):
        return None
    m, d = text.split(".")
    for day in (int(d), int(d) * 10):
        try:
            cand = dt.date(year, int(m), day)
        except ValueError:
            continue
        if start <= cand <= end:
            return cand
    return None


_object_setattr = object.__setattr__
_DEFAULTS: dict[type, tuple[dict, dict]] = {}


def _construct(cls: type[_M], values: dict) -> _M:
    """`cls.model_construct(**values)` without its per-field Python loop: a model of
    `kaoping.models` (no aliases, extra="forbid") from values that are of their fields' types
    already, i.e. that validation would keep as they are. The fields set are those given."""
    spec = _DEFAULTS.get(cls)
    if spec is None:  # defaults in field order; fields with a default_factory apart
        spec = _DEFAULTS[cls] = (
            {name: f.default for name, f in cls.model_fields.items()},
            {name: f.default_factory for name, f in cls.model_fields.items()
             if f.default_factory is not None})
    defaults, factories = spec
    d = defaults.copy()
    d.update(values)
    for name, factory in factories.items():
        if name not in values:
            d[name] = factory()
    model = cls.__new__(cls)
    _object_setattr(model, "__dict__", d)
    _object_setattr(model, "__pydantic_fields_set__", set(values))
    _object_setattr(model, "__pydantic_extra__", None)
    _object_setattr(model, "__pydantic_private__", None)
    return model


def _new_task(values: dict) -> WeeklyTask:
    """The task of a row. Its values are of the fields' types already; the fields set are
    those given (as when the task was built by `WeeklyTask(row=r)` and attribute
    assignments, which pydantic does not validate either: `validate_assignment=False`)."""
    return _construct(WeeklyTask, values)


# Cell value types whose text is never empty (numbers, dates): no need to clean them to know
_NEVER_BLANK = frozenset({int, float, bool, dt.date, dt.datetime})


def _read_task(ctx: _Ctx, sh: _Sheet, r: int, cols: dict[str, int], year: int,
               week: tuple[dt.date | None, dt.date | None] = (None, None)) -> WeeklyTask | None:
    values = sh.rows[r - 1]
    n = len(values)
    if values.count("") == n:
        return None  # an empty row (every cell '')
    raw: dict[str, Value] = {}
    blank = True
    for k, c in cols.items():
        v = values[c - 1] if c <= n else None
        if v == "":
            v = None
        raw[k] = v
        if blank and v is not None and k != "seq" and (
                type(v) in _NEVER_BLANK or clean_text(v) is not None):
            blank = False
    if blank:
        return None
    task: dict = {"row": r}
    v = raw.get("seq")
    if type(v) is float and v.is_integer():  # what parse_int gives, without the call
        task["seq"] = int(v)
    else:
        try:
            task["seq"] = parse_int(v)
        except CellError as e:
            ctx.add("F3", WARNING, f"序号{e.message}", sh.name, cell_ref(r, cols["seq"]))
    if "received_on" in cols:
        v = raw["received_on"]
        if type(v) is dt.date:  # a date cell: parse_date gives it back (not a float 7.10)
            task["received_on"] = v
        else:
            try:
                task["received_on"] = (_month_dot_day(v, year, week)
                                       or parse_date(v, year=year))
            except CellError as e:
                ctx.add("F3", WARNING, f"日期：{e.message}", sh.name,
                        cell_ref(r, cols["received_on"]))
    task["item"] = clean_text(raw.get("item"))
    if "deadline" in cols and raw["deadline"] is not None:
        v = raw["deadline"]
        if type(v) is dt.date:
            task["deadline"] = v
        else:
            try:
                task["deadline"] = parse_date(v, year=year)
            except CellError as e:
                task["deadline_text"] = clean_text(v)
                if "不存在" in e.message:
                    ctx.add("F3", WARNING, f"完成时限：{e.message}", sh.name,
                            cell_ref(r, cols["deadline"]))
    task["status_text"] = status_text = clean_text(raw.get("status"))
    task["status"] = status = parse_status(status_text)
    task["note"] = note = clean_text(raw.get("note"))
    if status == TaskStatus.DONE:
        task["completed_on"] = (find_date_in_text(status_text, year=year)
                                or find_date_in_text(note, year=year))
    return _new_task(task)


# ---------------------------------------------------------------- 附件2


def _year_and_month(ctx: _Ctx, sh: _Sheet, period: tuple[int, int] | None
                    ) -> tuple[int | None, int | None, str | None]:
    """`period`: `_period_hit(sh, _MONTH_TEXT, max_row=_head_rows(sh))`."""
    m, ref, raw = _period_result(sh, _MONTH_TEXT, period)
    text_month = None
    if m:
        text_month = int(m.group(1) or m.group(2) or m.group(3))
        if not 1 <= text_month <= 12:
            ctx.add("F5", ERROR, f"月份「{text_month}」无效", sh.name, ref)
            text_month = None
    meta_month = None
    if ctx.meta.get("period"):
        try:
            meta_month = parse_month(ctx.meta["period"])
        except KaopingError:
            meta_month = None
    if meta_month is not None:
        if text_month is not None and text_month != meta_month.month:
            ctx.add("F5", WARNING, f"表头写的是（{text_month}）月份，但该表是为 {meta_month} 生成的，"
                    f"按 {meta_month} 处理", sh.name, ref)
        return meta_month.year, meta_month.month, ref
    title_year = None
    for r, c, _ in sh.labels[:10]:
        if yy := _YEAR_TEXT.search(_nfkc(sh.value(r, c))):
            title_year = yy.group(1)
            break
    return ctx.year_hint(*([title_year] if title_year else [])), text_month, ref


def _days_field(ctx: _Ctx, sh: _Sheet, r: int, c: int, what: str) -> float | None:
    try:
        return parse_days(sh.value(r, c))
    except CellError as e:
        ctx.add("F3", ERROR, f"{what}：{e.message}", sh.name, cell_ref(r, c))
        return None


_COMBINED_LEAVE = re.compile(r"病假、?事假、年休")


def _attendance_hits(sh: _Sheet) -> tuple:
    """The 本月 and 全年 病事假 labels `_attendance` reads from ((row, column) or None)."""
    head = sh.find(lambda k: k == "出勤情况")
    first_row = head[0] if head else 1
    out = []
    for prefix in ("本月", "全年"):
        hits = [(r, c, k) for r, c, k in sh.labels if r >= first_row and len(k) <= 40
                and k.startswith(prefix) and "病" in k and "事假" in k]
        hit = min(hits, key=lambda h: (h[1], h[0])) if hits else None  # leftmost: the label
        out.append(None if hit is None else hit[:2])
    return tuple(out)


def _attendance(ctx: _Ctx, sh: _Sheet, summary: dict, cells: dict[str, str],
                found: tuple) -> None:
    """出勤情况 (§四(二)1(5)): 病事假 and 年休 days of the month and of the year so far.
    `found`: `_attendance_hits(sh)`."""
    for (prefix, sick_key, annual_key, what), hit in zip((
        ("本月", "sick_personal_days", "annual_leave_days", "本月"),
        ("全年", "sick_personal_days_ytd", "annual_leave_days_ytd", "全年累计"),
    ), found):
        if hit is None:
            ctx.add("F4", ERROR, f"月度小结表中找不到“出勤情况（{what}病假、事假）”一栏", sh.name)
            continue
        r, c = hit
        raw = _nfkc(sh.value(r, c))
        if _COMBINED_LEAVE.search(raw):
            # the annex's original wording puts 病事假 and 年休 into one number
            ctx.add("F4", ERROR, f"出勤情况把{what}病事假和年休合在一起填写，无法区分；"
                    "请分别填写病假、事假天数和年休天数", sh.name, cell_ref(r, c))
            continue
        # value typed inside the label cell: "本月请病假、事假（2）天；年休（1）天"
        inline = re.findall(r"[（(]\s*([^()（）]+?)\s*[)）]\s*天", raw)
        rr, cc = sh.right_of(r, c)
        if inline and sh.value(rr, cc) is None:
            try:
                summary[sick_key] = parse_days(inline[0])
                if len(inline) > 1:
                    summary[annual_key] = parse_days(inline[1])
            except CellError as e:
                ctx.add("F3", ERROR, f"{what}出勤天数：{e.message}", sh.name, cell_ref(r, c))
            cells[sick_key] = cells[annual_key] = cell_ref(r, c)
            continue
        summary[sick_key] = _days_field(ctx, sh, rr, cc, f"{what}病假、事假天数")
        cells[sick_key] = cell_ref(rr, cc)
        ann = next(((c2, k2) for c2, k2 in sh.row_text(r) if c2 > cc and "年休" in k2), None)
        if ann is None:
            ctx.add("F4", ERROR, f"月度小结表中找不到“{what}年休”天数一栏", sh.name, cell_ref(r, c))
            continue
        ar, ac = sh.right_of(r, ann[0])
        summary[annual_key] = _days_field(ctx, sh, ar, ac, f"{what}年休天数")
        cells[annual_key] = cell_ref(ar, ac)


_SIGN = re.compile(r"签[字名]\s*[:：]")


def _signature(sh: _Sheet, min_row: int) -> tuple[str | None, str | None]:
    """The 签字 label at or below `min_row` ('签字：' or a cell ending in 签字) and the name
    written after it in the same cell or in the cell to its right."""
    return _signature_result(sh, _signature_hit(sh, min_row))


def _signature_hit(sh: _Sheet, min_row: int) -> tuple[int, int] | None:
    return next(((r, c) for r, c, k in sh.labels if r >= min_row and (
        k.endswith(("签字", "签名")) or _SIGN.search(_nfkc(sh.value(r, c))))), None)


def _signature_result(sh: _Sheet, hit: tuple[int, int] | None
                      ) -> tuple[str | None, str | None]:
    if hit is None:
        return None, None
    r, c = hit
    raw = str(sh.value(r, c))
    after = re.split(r"签[字名]\s*[:：]?", raw, maxsplit=1)[-1]
    if clean_text(after):
        return clean_text(after), cell_ref(r, c)
    rr, cc = sh.right_of(r, c)
    return _text_at(sh, rr, cc), cell_ref(rr, cc)


def _monthly_sheet(book: Book) -> Grid | None:
    grid = book.sheet(L.MONTHLY_SHEET)
    if grid is not None:
        return grid
    for g in book.visible_sheets():
        if L.title_kind(g) == FormKind.MONTHLY:
            return g
    return None


_AREA_SEARCHES = (
    ("daily_work", ("日常工作",)), ("key_tasks", ("重要任务",)),
    ("problems", ("存在的问题", "存在问题")),
    ("next_plans", ("下步打算", "下一步打算", "下一步工作打算")),
)


def _monthly_hits(sh: _Sheet) -> tuple:
    """Where every search of `read_monthly` in the 月度小结 sheet stops: the period cell,
    the identity labels, the four text areas, the 出勤情况 labels, the 直管领导审定 row and
    the 签字 under it."""
    vhit = sh.find(lambda k: k.startswith("直管领导") or k.startswith("审定"))
    return (_period_hit(sh, _MONTH_TEXT, max_row=_head_rows(sh)), _identity_hits(sh),
            tuple(_label_hit(sh, labels, exact=False) for _, labels in _AREA_SEARCHES),
            _attendance_hits(sh), None if vhit is None else vhit[0],
            None if vhit is None else _signature_hit(sh, vhit[0]))


def _month_tests(k: str, t: str, v: str) -> tuple[bool, ...]:
    """Every test a search of `_monthly_hits` makes of a label cell (key, compact text,
    value): cells passing the same tests leave every search where it was."""
    return (
        k == L.L_NAME or k.startswith(L.L_NAME + "："),  # _head_rows
        _search_nfkc(_MONTH_TEXT, v)[0] is not None,
        *(k in labels or t.startswith(_typed_prefixes(labels)) for labels in _IDENT_SEARCHES),
        *(len(k) <= 16 and k.startswith(labels) for _, labels in _AREA_SEARCHES),
        k == "出勤情况",
        *(len(k) <= 40 and k.startswith(prefix) and "病" in k and "事假" in k
          for prefix in ("本月", "全年")),
        k.startswith("直管领导") or k.startswith("审定"),
        k.endswith(("签字", "签名")) or _SIGN.search(_nfkc(v)) is not None,
    )


def _month_bits_of(v: Value) -> int:
    if not (v and isinstance(v, str)):
        return 0  # not a label cell
    t = _compact_text(v) if len(v) <= 256 else _WHITESPACE.sub("", _nfkc(v))
    bits = 0  # a label cell passing no test is as good as no label: no search stops there
    for i, passed in enumerate(_month_tests(L._label_key(v), t, v)):
        if passed:
            bits |= 1 << i
    return bits


_month_bits_memo = functools.lru_cache(maxsize=MEMO_SIZE)(_month_bits_of)


def _month_bits(v: Value) -> int:
    if type(v) is str and len(v) <= 256:
        return _month_bits_memo(v)
    return _month_bits_of(v)


class _MonthLayout:
    """The last 月度小结 sheet read (a copy of its rows) and where its searches stopped
    (`_monthly_hits`). Another sheet fits when it has as many rows, each of the same length,
    and each cell either equals this one's or passes the same tests (`_month_tests`):
    every search then stops at the same cells, whose values are read from the sheet itself."""

    __slots__ = ("rows", "hits")

    def __init__(self, sh: _Sheet, hits: tuple) -> None:
        self.rows = [list(values) for values in sh.rows]  # a copy: grids may change
        self.hits = hits

    def fits(self, sh: _Sheet) -> bool:
        mine = self.rows
        rows = sh.rows
        return len(rows) == len(mine) and _rows_fit(rows, mine, _month_bits)


_month_tpl: _MonthLayout | None = None


def read_monthly(ctx: _Ctx) -> tuple[MonthlySummary | None, list[Grid]]:
    grid = _monthly_sheet(ctx.book)
    if grid is None:
        ctx.add("F4", ERROR, "找不到月度小结表（工作表“月度小结”）")
        return None, []
    sh = _sheet(ctx, grid)
    global _month_tpl
    tpl = _month_tpl
    if tpl is not None and tpl.fits(sh):  # laid out as the last monthly sheet read
        hits = tpl.hits
    else:
        hits = _monthly_hits(sh)
        if sh.max_row <= 200:
            _month_tpl = _MonthLayout(sh, hits)
    period, ident_hits, area_hits, att_hits, vrow, sig_hit = hits
    cells: dict[str, str] = {}
    year, month, pref = _year_and_month(ctx, sh, period)
    if pref:
        cells["period"] = cells["month"] = pref
    ident = _identity(ctx, sh, cells, kind_title="月度小结表", hits=ident_hits)
    data: dict = {}
    for (key, labels), hit in zip(_AREA_SEARCHES, area_hits):
        value, ref, found = _label_result(sh, hit, labels, exact=False)
        if found:
            data[key] = value
            cells[key] = ref or ""
        else:
            ctx.add("F4", ERROR, f"月度小结表中找不到“{labels[0]}”一栏", sh.name)
    _attendance(ctx, sh, data, cells, att_hits)
    if vrow is None:
        ctx.add("F4", ERROR, "月度小结表中找不到“直管领导审定”一栏", sh.name)
    else:
        sig, sref = _signature_result(sh, sig_hit)
        data["verifier_signature"] = sig
        if sref:
            cells["verifier_signature"] = sref
    weeks = [g for g in ctx.book.visible_sheets() if g is not grid]
    if year is None and month is not None:
        year = ctx.fallback_year(first_month=month, sheet=sh.name, cell=pref)
    if month is None:
        ctx.add("F5", ERROR, "月度小结表未填写月份（ ）月份", sh.name, pref)
        return None, weeks
    if year is None:
        ctx.add("F5", ERROR, "无法确定月度小结表的年份：请在文件名中写明年份（如 张三-2026-07.xlsx）",
                sh.name, pref)
        return None, weeks
    summary = MonthlySummary(source=SourceRef(file=ctx.file, sheet=sh.name, cells=cells),
                             identity=ident, year=year, month=month, **data)
    for i, g in enumerate(weeks, start=1):
        if _week_header(_sheet(ctx, g)) is None:
            if L.title_kind(g) == FormKind.WEEKLY:
                ctx.add("F4", ERROR, "一周小记表中找不到“序号/事项/完成情况”表头", g.name)
            continue
        log = read_weekly_sheet(ctx, g, year=year, month=month, week_index=i)
        if log is not None:
            if log.identity.name is None:
                log.identity.name = ident.name
            summary.weeks.append(log)
    seen: dict[int, str] = {}
    for log in summary.weeks:
        sheet = log.source.sheet or ""
        if log.week in seen:
            ctx.add("F5", WARNING, f"第{log.week}周的一周小记表重复（另见工作表“{seen[log.week]}”），"
                    "请核对周次", sheet, log.source.cell("period"))
        seen.setdefault(log.week, sheet)
    return summary, weeks


# ---------------------------------------------------------------- 附件3

_GRADE_KEYS = {g.value: g for g in GRADE_ORDER}
_GRADE_TOKEN = re.compile(r"较好|较差|一般|好")
_BOX_OFF = "□☐○"
_TICK_CHARS = "".join(sorted(TICK_MARKS))


def _inline_ticks(text: str) -> list[QuarterGrade] | None:
    """'☑好 □较好 □一般 □较差' or '好√ 较好 一般 较差' → ticked grades; None if no grades."""
    s = _nfkc(text)
    tokens = list(_GRADE_TOKEN.finditer(s))
    if len(tokens) < 4:
        return None
    out: list[QuarterGrade] = []
    for i, m in enumerate(tokens):
        before = s[tokens[i - 1].end() if i else 0:m.start()].strip()
        after = s[m.end():tokens[i + 1].start() if i + 1 < len(tokens) else len(s)].strip()
        mark_before = before[-1:] if before else ""
        mark_after = after[:1] if after else ""
        if mark_before in TICK_MARKS or (mark_after in TICK_MARKS and mark_before not in _BOX_OFF):
            out.append(_GRADE_KEYS[m.group(0)])
    return out


def _grade_rows(sh: _Sheet) -> list[tuple[int, dict[QuarterGrade, int]]]:
    """Rows holding the four grade labels (好 较好 一般 较差) as separate cells."""
    by_row: dict[int, dict[QuarterGrade, int]] = {}
    for r, c, key in sh.labels:
        g = _GRADE_KEYS.get(key)
        if g is None:
            stripped = key.rstrip(_TICK_CHARS)
            g = _GRADE_KEYS.get(stripped) if stripped != key else None
        if g is not None:
            by_row.setdefault(r, {}).setdefault(g, c)
    return [(r, cols) for r, cols in sorted(by_row.items()) if len(cols) == 4]


def _rc(ref: str) -> tuple[int, int]:
    from openpyxl.utils.cell import coordinate_from_string, column_index_from_string

    letters, row = coordinate_from_string(ref)
    return row, column_index_from_string(letters)


def _stray_ticks(ctx: _Ctx, sh: _Sheet, tick_cells: set[tuple[int, int]]) -> None:
    """A tick mark outside the tick cells is not counted; say where it is (F8)."""
    for r, c, _ in sh.labels:
        if (r, c) in tick_cells:
            continue
        raw = str(sh.value(r, c))
        if TICK_MARKS.isdisjoint(raw):  # no tick mark in the text
            continue
        label = re.sub(r"[\s" + "".join(TICK_MARKS) + r"]+", "", raw)[:20]
        where = f"“{label}”处" if label else "档次格子之外"
        ctx.add("F8", WARNING, f"在{where}发现打勾符号，但它不在“好/较好/一般/较差”下方的勾选格内，"
                "未计入档次；请把勾打在对应档次下面的格子里", sh.name, cell_ref(r, c))


def _ticks_below(sh: _Sheet, r: int, cols: dict[QuarterGrade, int]
                 ) -> tuple[list[QuarterGrade], str]:
    ticked: list[QuarterGrade] = []
    below_row = max(sh.below(r, c)[0] for c in cols.values())
    for g in GRADE_ORDER:
        c = cols[g]
        label = str(sh.value(r, c) or "")
        if parse_tick(sh.value(below_row, c)) or not TICK_MARKS.isdisjoint(label):
            ticked.append(g)
    first, last = min(cols.values()), max(cols.values())
    return ticked, f"{cell_ref(below_row, first)}:{cell_ref(below_row, last)}"


_DIRECT_GOOD = re.compile(r"直接(?:确定|定)为?好")
_DIRECT_POOR = re.compile(r"直接(?:确定|定)为?较差")
_NOT_COMMENDED = re.compile(r"(?:未|没有|无|不)[^，,。；;]{0,6}表彰")


def opinion_flags(opinion: str | None) -> tuple[bool, bool]:
    """(commended, direct_poor) from keywords in a 领导意见 (hand-made forms without the two
    boxes): 表彰 / 直接定为“好” → §四(三)4(1); 直接确定为较差 / 直接定为较差 → §四(三)4(2)."""
    if not opinion:
        return False, False
    s = re.sub(r"[\s“”\"'‘’「」『』]", "", _nfkc(opinion))
    commended = bool(_DIRECT_GOOD.search(s)) or ("表彰" in s and not _NOT_COMMENDED.search(s))
    return commended, bool(_DIRECT_POOR.search(s))


def read_quarterly(ctx: _Ctx) -> QuarterlyEvaluation | None:
    grid = ctx.book.sheet(L.QUARTERLY_SHEET)
    if grid is None:
        grid = next((g for g in ctx.book.visible_sheets()
                     if L.title_kind(g) == FormKind.QUARTERLY), None)
    if grid is None:
        ctx.add("F4", ERROR, "找不到季度评价表")
        return None
    sh = _sheet(ctx, grid)
    cells: dict[str, str] = {}
    # period
    m, pref, _ = _period_cell(sh, _QUARTER_TEXT, max_row=_head_rows(sh))
    text_q = (_CN.get(m.group(1)) or int(m.group(1))) if m else None
    if pref:
        cells["period"] = cells["quarter"] = pref
    year = quarter = None
    if ctx.meta.get("period"):
        try:
            q = parse_quarter(ctx.meta["period"])
            year, quarter = q.year, q.quarter
            if text_q is not None and text_q != q.quarter:
                ctx.add("F5", WARNING, f"表头写的是第（{text_q}）季度，但该表是为 {q} 生成的，按 {q} 处理",
                        sh.name, pref)
        except KaopingError:
            pass
    if quarter is None:
        quarter = text_q
        title_year = None
        for r, c, _ in sh.labels[:10]:
            if yy := _YEAR_TEXT.search(_nfkc(sh.value(r, c))):
                title_year = yy.group(1)
                break
        year = ctx.year_hint(*([title_year] if title_year else []))
    ident = _identity(ctx, sh, cells, kind_title="季度评价表")
    data: dict = {}
    for key, labels, title in (
        ("highlights", ("主要工作亮点", "主要工作", "工作亮点", "亮点"), "主要工作亮点及成效"),
        ("shortcomings", ("存在的不足", "存在不足", "不足"), "存在的不足和改进措施"),
    ):
        value, ref, found = _label_value(sh, labels, exact=False)
        if found:
            data[key] = value
            cells[key] = ref or ""
        else:
            ctx.add("F4", ERROR, f"季度评价表中找不到“{title}”一栏", sh.name)
    # 档次 ticks (§四(三)1): separate-cell layout, else inline "☑好 □较好 …"
    rows = _grade_rows(sh)
    tick_cells: set[tuple[int, int]] = set()
    self_row = leader_row = None
    for r, cols in rows:
        left = "".join(k for c, k in sh.row_text(r) if c < min(cols.values()))
        merged_left = ""
        for c in range(1, min(cols.values())):
            r1, c1, _, _ = sh.merge_at(r, c) or (r, c, r, c)
            merged_left += L.label_key(sh.value(r1, c1) or "")
        text = left + merged_left
        if "自评" in text and self_row is None:
            self_row = (r, cols)
        elif "领导" in text and leader_row is None:
            leader_row = (r, cols)
    rest = [x for x in rows if x not in (self_row, leader_row)]
    if self_row is None and rest:
        self_row = rest.pop(0)
    if leader_row is None and rest:
        leader_row = rest.pop(0)
    for key, found_row, title, inline_label in (
        ("self_ticks", self_row, "自评档次", "自评"),
        ("leader_ticks", leader_row, "领导评价档次", "领导评价档次"),
    ):
        if found_row is not None:
            ticks, ref = _ticks_below(sh, *found_row)
            data[key] = ticks
            cells[key] = ref
            r0, cols0 = found_row
            below = max(sh.below(r0, c)[0] for c in cols0.values())
            tick_cells.update((rr, c) for rr in (r0, below) for c in cols0.values())
            continue
        inline = None
        for r, c, k in sh.labels:
            if inline_label in k or (key == "leader_ticks" and "领导评价" in k):
                rr, cc = sh.right_of(r, c)
                for cand in ((r, c), (rr, cc)):
                    parsed = _inline_ticks(str(sh.value(*cand) or ""))
                    if parsed is not None:
                        inline = (parsed, cell_ref(*cand))
                        break
            if inline:
                break
        if inline:
            data[key], cells[key] = inline
            tick_cells.add(_rc(inline[1]))
        else:
            ctx.add("F4", ERROR, f"季度评价表中找不到“{title}”（好/较好/一般/较差）一栏", sh.name)
    # 领导意见栏 and 签字
    op = sh.find(lambda k: k in ("领导意见栏", "意见栏", "领导意见", "领导评价意见"))
    opinion = None
    sig = sref = None
    if op is None:
        ctx.add("F4", ERROR, "季度评价表中找不到“领导意见栏”", sh.name)
    else:
        rr, cc = sh.right_of(op[0], op[1])
        raw = _area_text(sh, rr, cc)
        cells["leader_opinion"] = cell_ref(rr, cc)
        if raw and _SIGN.search(_nfkc(raw)):
            body, _, after = re.split(r"(签[字名]\s*[:：])", raw, maxsplit=1)[0:3]
            body = re.sub(r"[（(]处室或分支机构负责人[)）]\s*$", "", body.strip())
            opinion = clean_text(body)
            sig = clean_text(after)
            sref = cell_ref(rr, cc) if sig else None
        else:
            opinion = raw
        if not sig:
            sig, sref = _signature(sh, op[0])
    data["leader_opinion"] = opinion
    data["leader_signature"] = sig
    if sref:
        cells["leader_signature"] = sref
    # §四(三)4 special cases: kaoping's tick boxes, else keywords in the opinion
    box_c = sh.find(lambda k: "受表彰" in k and "直接" in k)
    box_p = sh.find(lambda k: "直接定" in k and "较差" in k and "表彰" not in k
                    and not k.startswith("注"))
    if box_c is not None and box_p is not None:
        for key, (r, c, _) in (("commended", box_c), ("direct_poor", box_p)):
            rr, cc = sh.right_of(r, c)
            data[key] = parse_tick(sh.value(rr, cc))
            cells[key] = cell_ref(rr, cc)
            tick_cells.add((rr, cc))
    else:
        data["commended"], data["direct_poor"] = opinion_flags(opinion)
        if opinion and cells.get("leader_opinion"):
            cells["commended"] = cells["direct_poor"] = cells["leader_opinion"]
    _stray_ticks(ctx, sh, tick_cells)
    if quarter is None:
        ctx.add("F5", ERROR, "季度评价表未填写第（ ）季度", sh.name, pref)
        return None
    if year is None:
        year = ctx.fallback_year(first_month=(quarter - 1) * 3 + 1, sheet=sh.name, cell=pref)
    if year is None:
        ctx.add("F5", ERROR, "无法确定季度评价表的年份：请在文件名中写明年份（如 张三-2026Q3.xlsx）",
                sh.name, pref)
        return None
    return QuarterlyEvaluation(source=SourceRef(file=ctx.file, sheet=sh.name, cells=cells),
                               identity=ident, year=year, quarter=quarter, **data)


# ---------------------------------------------------------------- weekly workbook


def read_weekly_book(ctx: _Ctx) -> list[WeeklyLog]:
    year = month = None
    if ctx.meta.get("period"):
        try:
            mm = parse_month(ctx.meta["period"])
            year, month = mm.year, mm.month
        except KaopingError:
            pass
    logs: list[WeeklyLog] = []
    sheets = [g for g in ctx.book.visible_sheets() if _week_header(_sheet(ctx, g)) is not None]
    if not sheets:
        ctx.add("F4", ERROR, "一周小记表中找不到“序号/事项/完成情况”表头")
    for i, g in enumerate(sheets, start=1):
        y = year
        if y is None:
            texts = [str(v) for _, _, v in list(g.cells())[:20]]
            y = ctx.year_hint(*texts)
        if y is None:
            wm = _period_cell(_sheet(ctx, g), _WEEK_TEXT)[0]
            first = int(wm.group(1)) if wm and wm.group(1) else None
            y = ctx.fallback_year(first_month=first, sheet=g.name, cell=None)
        log = read_weekly_sheet(ctx, g, year=y, month=month, week_index=None)
        if log is not None:
            logs.append(log)
    return logs


# ---------------------------------------------------------------- entry points


def read_workbook(path: Path | str, *, default_year: int | None = None,
                  limits: LimitSettings | None = None) -> ReadResult:
    """Read one collected workbook. Never raises for a bad file: problems are findings.

    `default_year` is used for forms that name no year anywhere (neither `_kaoping`, the
    title nor the file or folder names); without it the file's save time decides (with a
    警告). `limits`: the bounds of the read (kaoping.toml [limits]; default the built-in ones)."""
    path = path if isinstance(path, Path) else Path(path)
    result = ReadResult(path=path, kind=None)
    try:
        book = load_book(path, limits or LimitSettings())
    except KaopingError as exc:
        result.findings.append(Finding(rule="F1", severity=ERROR, message=exc.message,
                                       file=str(path)))
        return result
    except Exception as exc:  # noqa: BLE001 - a reader must never crash on a bad file
        result.findings.append(Finding(rule="F1", severity=ERROR,
                                       message=f"无法读取该文件（{type(exc).__name__}）", file=str(path)))
        return result
    det = L.detect_kind(book)
    if det.kind not in L.FORM_KINDS:
        result.kind = det.kind
        result.findings.append(Finding(rule="F2", severity=INFO,
                                       message="不是 kaoping 表格，已跳过", file=str(path)))
        return result
    result.kind = det.kind
    ctx = _Ctx(path, book, det.meta, default_year)
    # Formulas saved without their results read as blank (see excel.safety): say so per cell.
    for g in book.visible_sheets():
        for r, c in sorted(g.uncached_formulas):
            ctx.add("F7", ERROR, "该单元格是公式，但文件中没有保存计算结果，读出来是空白；请在 Excel/WPS "
                    "中打开后保存一次（让公式算出结果），或直接填写数值", g.name, cell_ref(r, c))
    try:
        if det.kind == FormKind.MONTHLY:
            summary, weeks = read_monthly(ctx)
            if summary is not None:
                result.forms.append(summary)
            elif any(_week_header(_sheet(ctx, g)) is not None for g in weeks):
                # the summary could not be read: still give the weekly logs to week checks
                result.forms.extend(read_weekly_book(ctx))
        elif det.kind == FormKind.QUARTERLY:
            ev = read_quarterly(ctx)
            if ev is not None:
                result.forms.append(ev)
        else:
            result.forms.extend(read_weekly_book(ctx))
    except Exception as exc:  # noqa: BLE001 - last line of defence: report, don't crash
        ctx.add("F1", ERROR, f"读取表格时出错（{type(exc).__name__}: {exc}），请检查表格格式")
    _attach_person(ctx.findings, result.forms, det.meta)
    result.findings.extend(ctx.findings)
    return result


def _attach_person(findings: list[Finding], forms: list[Form], meta: dict[str, str]) -> None:
    ident = forms[0].identity if forms else None
    name = (ident.name if ident else None) or normalize_name(meta.get("name")) or None
    staff_id = (ident.staff_id if ident else None) or meta.get("staff_id") or None
    unit = ident.unit if ident else None
    for f in findings:
        if f.person is None:
            f.person = name
        if f.staff_id is None:
            f.staff_id = staff_id
        if f.unit is None:
            f.unit = unit


PARALLEL_MIN_FILES = 200  # below this, starting worker processes costs more than it saves


def read_workers(files: int, workers: int | None = None) -> int:
    """How many processes read a batch of `files`: `workers`, else env KAOPING_WORKERS, else
    one per CPU this process may use for batches of PARALLEL_MIN_FILES or more, else 1."""
    import os

    from .batch import CHUNK

    if workers is None:
        env = os.environ.get("KAOPING_WORKERS", "").strip()
        if env.isdigit():
            workers = int(env)
    if workers is None:
        if files < PARALLEL_MIN_FILES:
            return 1
        try:
            workers = len(os.sched_getaffinity(0))
        except AttributeError:  # not on Linux
            workers = os.cpu_count() or 1
    return max(1, min(workers, files // CHUNK + 1))


def read_folder(folder: Path | str, on_file: Callable[[Path], None] | None = None, *,
                default_year: int | None = None, workers: int | None = None,
                transform: Callable[[ReadResult], ReadResult] | None = None,
                limits: LimitSettings | None = None) -> Iterator[ReadResult]:
    """Read every workbook below `folder` (sorted; lock files and hidden files skipped).

    Large batches are read by a pool of worker processes (`excel.batch.FolderReader`, see
    `read_workers`); results come back in the same sorted order, and are the same, as when
    read in one process. `transform` (a picklable, module-level function) is applied to each
    result where it is read, e.g. to keep only what a batch needs before it crosses to this
    process. `limits` (kaoping.toml [limits]) go to every worker with its work, so they hold
    under any start method. Nothing is read, and no process started, until the first result
    is asked for."""
    from .batch import FolderReader

    with FolderReader(folder, default_year=default_year, workers=workers,
                      transform=transform, limits=limits) as reader:
        for path, result in reader:
            if on_file is not None:
                on_file(Path(path))
            yield result
