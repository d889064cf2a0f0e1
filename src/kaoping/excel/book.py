"""A read-only, value-only view of a workbook, independent of the library that parsed it.

Readers (`kaoping.excel.read`) work on `Book`/`Grid` only, so the backend is swappable:
python-calamine by default (fast, never writes), openpyxl where calamine cannot help.
Rows and columns are 1-based as in Excel.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..rules.settings import LimitSettings

Value = str | int | float | bool | dt.date | dt.datetime | dt.time | dt.timedelta | None


@functools.lru_cache(maxsize=1024)
def column_letter(col: int) -> str:
    """1 → 'A', 27 → 'AA' (no openpyxl import: settings loading stays light)."""
    letters = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_ref(row: int, col: int) -> str:
    """(7, 3) → 'C7'."""
    return f"{column_letter(col)}{row}"


@dataclass
class Grid:
    """The values of one sheet. Empty cells read as None."""

    name: str
    rows: list[list[Value]]
    hidden: bool = False
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # r1, c1, r2, c2
    # (row, col) of formula cells saved without a cached value: they read as blank here, but
    # the person typed a formula, not a value; readers report them (see excel.safety).
    uncached_formulas: set[tuple[int, int]] = field(default_factory=set)

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


_default_limits: LimitSettings | None = None


def set_default_limits(limits: LimitSettings | None) -> None:
    """The limits `load_book` uses when none are passed; `kaoping.config.load_settings` sets
    them from kaoping.toml [limits], so every command honours them. None = built-in defaults."""
    global _default_limits
    _default_limits = limits


def register_limits() -> LimitSettings:
    """The limits for registers (花名册, 季度结果台账, 考勤表: a row per person or per person and
    month): the current default limits with `max_rows` raised to `max_register_rows`."""
    from ..rules.settings import LimitSettings

    return (_default_limits or LimitSettings()).for_registers()


def load_book(path: Path, limits: LimitSettings | None = None) -> Book:
    """Read every sheet's values with python-calamine (the file is only read, never written).

    `kaoping.excel.safety.inspect_workbook` runs first (magic-byte sniffing, zip-bomb, XML-bomb
    and sheet-size limits, uncached formulas), so calamine only ever sees a bounded .xlsx.
    Raises `UnreadableWorkbookError` with a Chinese message for anything else; never another
    exception for a bad file.
    """
    import python_calamine as pc

    from ..errors import UnreadableWorkbookError
    from ..rules.settings import LimitSettings
    from .safety import inspect_workbook, read_workbook_bytes

    limits = limits or _default_limits or LimitSettings()
    data = read_workbook_bytes(path, limits)  # read once; checks and parser see the same bytes
    inspection = inspect_workbook(path, limits, data=data)
    formulas = {
        name: inspection.sheets[part].uncached_formulas
        for name, part in inspection.sheet_parts.items()
        if part in inspection.sheets
    }
    try:
        # calamine gets the checked bytes, never a path it could write to
        wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets: list[Grid] = []
        for meta in wb.sheets_metadata:
            if str(meta.typ).rsplit(".", 1)[-1] != "WorkSheet":
                continue
            sheet = wb.get_sheet_by_name(meta.name)
            rows = sheet.to_python(skip_empty_area=False, nrows=limits.max_rows)
            rows = [r[: limits.max_columns] for r in rows]
            merged = [
                (a[0] + 1, a[1] + 1, b[0] + 1, b[1] + 1)
                for a, b in (sheet.merged_cell_ranges or [])
            ]
            hidden = str(meta.visible).rsplit(".", 1)[-1] != "Visible"
            sheets.append(Grid(meta.name, rows, hidden=hidden, merged=merged,
                               uncached_formulas=set(formulas.get(meta.name, set()))))
        wb.close()
    except UnreadableWorkbookError:
        raise
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException as exc:  # calamine's error types, and pyo3's PanicException (a BaseException)
        raise UnreadableWorkbookError(
            f"无法读取为 Excel 工作簿（{type(exc).__name__}: {exc}），文件可能已损坏。"
            "请在 Excel/WPS 中打开后重新另存为 .xlsx 再交回。",
            file=str(path)) from None
    return Book(Path(path), sheets)
