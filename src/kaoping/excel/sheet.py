"""A sheet read by its labels: the searches every form reader makes over a `Grid`.

Fields are found by their LABEL text, then the input cell to the right of the label's merged
area, never by fixed positions: forms retyped by hand, with an inserted row or re-saved by
WPS/LibreOffice still read. A label cell is any non-empty text cell; its key is `label_key`
(no spaces, line breaks or colons). Rows and columns are 1-based.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from .book import Grid, Value, cell_ref
from .cells import clean_text
from .detect import label_key

Hit = tuple[int, int]  # (row, column) of a label cell
Found = tuple[str | None, str | None, bool]  # (text, cell ref, label found)

_WHITESPACE = re.compile(r"\s")
_SIGN = re.compile(r"签[字名]\s*[:：]")
_SIGN_SPLIT = re.compile(r"签[字名]\s*[:：]?")
_COLON = re.compile(r"[:：]")
_COLONS = re.compile("[:\u2a74\ufe13\ufe55\uff1a]")  # every character NFKC turns into ':'
_ABSURD_MERGE = 5000  # cells: a merged range this large is damage, not a label's area


def nfkc(v: object) -> str:
    return unicodedata.normalize("NFKC", str(v))


class Sheet:
    """A grid with label lookup and merged-cell awareness, built once per grid and workbook
    read. Label keys and merged ranges are worked out row by row as searches reach them."""

    def __init__(self, grid: Grid) -> None:
        self.grid = grid
        self.name = grid.name
        self.rows = grid.rows
        self.max_row = len(self.rows)
        self.max_col = max(map(len, self.rows), default=0)
        self.memo: dict[str, object] = {}  # what a form reader found once in this sheet
        self._row_text: dict[int, list[tuple[int, str]]] = {}
        self._merges: dict[int, list[tuple[int, int, int, int]]] = {}
        self._labels: list[tuple[int, int, str]] = []  # `labels` of the rows looked at so far
        self._ends: list[int] = []  # where each of those rows' labels end in `_labels`

    # ---------------------------------------------------------------- cells

    def value(self, r: int, c: int) -> Value:
        if r < 1 or c < 1 or r > self.max_row:
            return None
        values = self.rows[r - 1]
        v = values[c - 1] if c <= len(values) else None
        return None if v == "" else v

    def text(self, r: int, c: int) -> str | None:
        return clean_text(self.value(r, c))

    def row_text(self, r: int) -> list[tuple[int, str]]:
        """(column, label key) of the text cells of row r."""
        texts = self._row_text.get(r)
        if texts is None:
            values = self.rows[r - 1] if 1 <= r <= self.max_row else ()
            texts = self._row_text[r] = [(c, label_key(v)) for c, v in enumerate(values, start=1)
                                         if v and isinstance(v, str)]
        return texts

    def labels(self, max_row: int | None = None) -> list[tuple[int, int, str]]:
        """(row, column, label key) of every text cell down to `max_row`, in reading order."""
        last = self.max_row if max_row is None else max(0, min(max_row, self.max_row))
        while len(self._ends) < last:  # the rows below have not been looked at yet
            r = len(self._ends) + 1
            self._labels += [(r, c, k) for c, k in self.row_text(r)]
            self._ends.append(len(self._labels))
        return self._labels[:self._ends[last - 1]] if last else []

    def find(self, pred: Callable[[str], bool], *, min_row: int = 1,
             max_row: int | None = None) -> tuple[int, int, str] | None:
        """The first label (in reading order) whose key passes `pred`."""
        return next(((r, c, k) for r, c, k in self.labels(max_row)
                     if r >= min_row and pred(k)), None)

    def compact(self, r: int, c: int) -> str:
        """The cell's text in NFKC without any whitespace: '姓名：张三' → '姓名:张三'."""
        return _WHITESPACE.sub("", nfkc(self.value(r, c)))

    # ---------------------------------------------------------------- merged areas

    def merge_at(self, r: int, c: int) -> tuple[int, int, int, int] | None:
        """The merged range (r1, c1, r2, c2) holding (r, c), if any (the last one listed
        when ranges overlap, as in a damaged file)."""
        in_row = self._merges.get(r)
        if in_row is None:  # the ranges crossing row r, in listed order (most rows are never asked)
            in_row = self._merges[r] = [
                m for m in self.grid.merged_in_row(r)
                if (m[2] - m[0] + 1) * (m[3] - m[1] + 1) <= _ABSURD_MERGE]
        return next((m for m in reversed(in_row) if m[1] <= c <= m[3]), None)

    def right_of(self, r: int, c: int) -> Hit:
        """The cell just right of (r, c)'s merged area."""
        m = self.merge_at(r, c)
        return r, (c if m is None else m[3]) + 1

    def below(self, r: int, c: int) -> Hit:
        m = self.merge_at(r, c)
        return (r if m is None else m[2]) + 1, c

    def area_text(self, r: int, c: int) -> str | None:
        """A text area starting at (r, c): its own text plus any text in the same row further
        right (when the area's merged cells were split and text was typed into the pieces)."""
        parts: list[str] = []
        col = c
        while col <= self.max_col:
            r1, c1, _, c2 = self.merge_at(r, col) or (r, col, r, col)
            if (r1, c1) == (r, col) and (text := self.text(r, col)):
                parts.append(text)
            col = c2 + 1
        return "\n".join(parts) or None

    # ---------------------------------------------------------------- labelled fields

    def label_hit(self, labels: tuple[str, ...], *, max_row: int | None = None) -> Hit | None:
        """The first cell that is one of `labels`, or starts with one and a colon
        ('姓名：张三': the value typed into the label cell)."""
        typed = tuple(lab + ":" for lab in labels)  # NFKC turns '：' into ':'
        return next(((r, c) for r, c, k in self.labels(max_row) if k in labels or (
            _COLONS.search(self.rows[r - 1][c - 1]) and self.compact(r, c).startswith(typed))),
            None)

    def label_value(self, hit: Hit | None, labels: tuple[str, ...]) -> Found:
        """The text of the field labelled at `hit` (`label_hit`): typed after the label and a
        colon in the same cell, else in the cell right of the label."""
        if hit is None:
            return None, None, False
        r, c = hit
        if label_key(self.rows[r - 1][c - 1]) not in labels:  # '姓名：张三'
            return clean_text(_COLON.split(str(self.value(r, c)), maxsplit=1)[-1]), \
                cell_ref(r, c), True
        rr, cc = self.right_of(r, c)
        return self.text(rr, cc), cell_ref(rr, cc), True

    def heading_hit(self, labels: tuple[str, ...]) -> Hit | None:
        """The label of a text area: a short label starting with one of `labels`; the
        leftmost one, as labels sit left of the text they head ('日常工作（简要）')."""
        hits = [(c, r) for r, c, k in self.labels() if len(k) <= 16 and k.startswith(labels)]
        return None if not hits else min(hits)[::-1]

    def area_value(self, hit: Hit | None) -> Found:
        """The text area right of the heading at `hit` (`heading_hit`)."""
        if hit is None:
            return None, None, False
        rr, cc = self.right_of(*hit)
        return self.area_text(rr, cc), cell_ref(rr, cc), True

    def period(self, pattern: re.Pattern[str], max_row: int) -> tuple[re.Match[str] | None,
                                                                     str | None]:
        """The first label cell down to `max_row` whose NFKC text matches `pattern`."""
        for r, c, _ in self.labels(max_row):
            if m := pattern.search(nfkc(self.rows[r - 1][c - 1])):
                return m, cell_ref(r, c)
        return None, None

    def signature(self, min_row: int) -> tuple[str | None, str | None]:
        """The 签字 label at or below `min_row` ('签字：' or a cell ending in 签字) and the name
        written after it in the same cell or in the cell to its right."""
        hit = next(((r, c) for r, c, k in self.labels() if r >= min_row and (
            k.endswith(("签字", "签名")) or _SIGN.search(nfkc(self.value(r, c))))), None)
        if hit is None:
            return None, None
        after = clean_text(_SIGN_SPLIT.split(str(self.value(*hit)), maxsplit=1)[-1])
        if after:
            return after, cell_ref(*hit)
        rr, cc = self.right_of(*hit)
        return self.text(rr, cc), cell_ref(rr, cc)


def has_signature(text: str) -> bool:
    """'签字：' or '签名:' written in `text`."""
    return _SIGN.search(nfkc(text)) is not None
