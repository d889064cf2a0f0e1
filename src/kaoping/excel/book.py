"""A read-only, value-only view of a workbook, independent of the library that parsed it.

Readers (`kaoping.excel.read`) work on `Book`/`Grid` only, so the backend is swappable:
python-calamine by default (fast, never writes), openpyxl where calamine cannot help.
Rows and columns are 1-based as in Excel.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl.utils import get_column_letter

Value = str | int | float | bool | dt.date | dt.datetime | dt.time | dt.timedelta | None


def cell_ref(row: int, col: int) -> str:
    """(7, 3) → 'C7'."""
    return f"{get_column_letter(col)}{row}"


@dataclass
class Grid:
    """The values of one sheet. Empty cells read as None."""

    name: str
    rows: list[list[Value]]
    hidden: bool = False
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # r1, c1, r2, c2

    @property
    def max_row(self) -> int:
        return len(self.rows)

    @property
    def max_col(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def value(self, row: int, col: int) -> Value:
        if row < 1 or col < 1 or row > len(self.rows):
            return None
        r = self.rows[row - 1]
        if col > len(r):
            return None
        v = r[col - 1]
        return None if v == "" else v

    def text(self, row: int, col: int) -> str:
        """The cell as stripped text ('' when empty)."""
        v = self.value(row, col)
        return "" if v is None else str(v).strip()

    def cells(self) -> Iterator[tuple[int, int, Value]]:
        for r, values in enumerate(self.rows, start=1):
            for c, v in enumerate(values, start=1):
                if v is not None and v != "":
                    yield r, c, v

    def find(self, predicate) -> Iterator[tuple[int, int]]:
        """Cells whose text satisfies `predicate(text)`, row by row."""
        for r, c, v in self.cells():
            if predicate(str(v)):
                yield r, c


@dataclass
class Book:
    path: Path
    sheets: list[Grid]

    @property
    def sheet_names(self) -> list[str]:
        return [s.name for s in self.sheets]

    def sheet(self, name: str) -> Grid | None:
        for s in self.sheets:
            if s.name == name:
                return s
        return None

    def visible_sheets(self) -> list[Grid]:
        return [s for s in self.sheets if not s.hidden]


def load_book(path: Path) -> Book:
    """Read every sheet's values with python-calamine (the file is only read, never written).

    Raises `UnreadableWorkbookError` with a Chinese message for files that are not workbooks.
    Hardening against hostile files (size and ratio limits, encrypted or legacy formats)
    lives in `kaoping.excel.safety.preflight`, which callers run first.
    """
    import python_calamine as pc

    from ..errors import UnreadableWorkbookError

    try:
        wb = pc.CalamineWorkbook.from_path(str(path))
        sheets: list[Grid] = []
        for meta in wb.sheets_metadata:
            if str(meta.typ).rsplit(".", 1)[-1] != "WorkSheet":
                continue
            sheet = wb.get_sheet_by_name(meta.name)
            rows = sheet.to_python(skip_empty_area=False)
            merged = [
                (a[0] + 1, a[1] + 1, b[0] + 1, b[1] + 1) for a, b in (sheet.merged_cell_ranges or [])
            ]
            hidden = str(meta.visible).rsplit(".", 1)[-1] != "Visible"
            sheets.append(Grid(meta.name, rows, hidden=hidden, merged=merged))
        wb.close()
    except Exception as exc:  # calamine raises several private error types
        raise UnreadableWorkbookError(f"无法读取为 Excel 工作簿（{type(exc).__name__}: {exc}）",
                                      file=str(path)) from None
    return Book(Path(path), sheets)
