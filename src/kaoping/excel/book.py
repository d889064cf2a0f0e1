"""A read-only, value-only view of a workbook, independent of the library that parsed it.

Readers (`kaoping.excel.read`) work on `Book`/`Grid` only, so the backend is swappable:
python-calamine by default (fast, never writes), openpyxl where calamine cannot help.
Rows and columns are 1-based as in Excel.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..rules.settings import LimitSettings
    from .safety import Inspection

Value = str | int | float | bool | dt.date | dt.datetime | dt.time | dt.timedelta | None


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


def _one_based(a: tuple[int, int], b: tuple[int, int]) -> tuple[int, int, int, int]:
    """calamine's 0-based ((r1, c1), (r2, c2)) merged range as 1-based (r1, c1, r2, c2)."""
    return a[0] + 1, a[1] + 1, b[0] + 1, b[1] + 1


@dataclass(slots=True)
class Grid:
    """The values of one sheet. Empty cells read as None.

    `merged` holds the merged ranges as 1-based (r1, c1, r2, c2). `uncached_formulas`:
    (row, col) of formula cells saved without a cached value: they read as blank here, but
    the person typed a formula, not a value; readers report them (see excel.safety).
    `error_values`: (row, col) → the Excel error value (#REF!, #N/A…) a cell holds; it too
    reads as blank here and is reported by the readers."""

    name: str
    rows: list[list[Value]]
    hidden: bool = False
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    uncached_formulas: set[tuple[int, int]] = field(default_factory=set)
    error_values: dict[tuple[int, int], str] = field(default_factory=dict)

    @classmethod
    def _from_calamine(cls, name: str, rows: list[list[Value]], hidden: bool,
                       merged0: list | None, uncached_formulas: set[tuple[int, int]],
                       error_values: dict[tuple[int, int], str] | None = None) -> Grid:
        """A grid with calamine's 0-based merged ranges (`merged_cell_ranges`) made 1-based."""
        return cls(name, rows, hidden, [_one_based(a, b) for a, b in merged0 or ()],
                   uncached_formulas, error_values or {})

    def merged_in_row(self, row: int) -> list[tuple[int, int, int, int]]:
        """The merged ranges crossing `row`, in listed order."""
        return [m for m in self.merged if m[0] <= row <= m[2]]

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


def register_limits(limits: LimitSettings | None = None) -> LimitSettings:
    """The limits for registers (花名册, 季度结果台账, 考勤表: a row per person or per person and
    month): `limits` (default: the built-in ones) with `max_rows` raised to `max_register_rows`."""
    from ..rules.settings import LimitSettings

    return (limits or LimitSettings()).for_registers()


def load_book(path: Path | str, limits: LimitSettings | None = None) -> Book:
    """Read every worksheet's values with python-calamine (the file is only read, never written).

    The file is read once; `kaoping.excel.safety.inspect_workbook` checks those bytes (what
    the file is, zip and XML bombs, sheet sizes, uncached formulas) and calamine parses the
    same bytes, so it only ever sees a bounded .xlsx. Raises `UnreadableWorkbookError` with a
    Chinese message for anything else, never another exception for a bad file. `limits` are
    the bounds of this read (kaoping.toml [limits], passed explicitly: worker processes get
    them with their work; default the built-in ones)."""
    from ..errors import UnreadableWorkbookError
    from ..rules.settings import LimitSettings
    from . import safety

    limits = limits or LimitSettings()
    data = safety.read_workbook_bytes(path, limits)
    inspection = safety.inspect_workbook(path, limits, data=data)
    try:
        sheets = _calamine_sheets(data, inspection, limits)
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException:  # calamine's error types, and pyo3's PanicException (a BaseException)
        # calamine's own text is English ("Cell string index not found…"): not shown
        raise UnreadableWorkbookError(
            "文件已损坏，无法读取为 Excel 工作簿（其中的数据与 .xlsx 的格式不符，例如单元格引用了不存在的文字）。"
            "请用 Excel/WPS 打开后另存为 .xlsx，再交回新文件。",
            file=str(path)) from None
    return Book(Path(path), sheets)


def _calamine_sheets(data: bytes, inspection: Inspection, limits: LimitSettings) -> list[Grid]:
    """The worksheets (not chart sheets) calamine reads from `data`, at most `limits`' rows
    and columns (the checks counted the cells that hold something; calamine may count more)."""
    import python_calamine as pc

    wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
    sheets: list[Grid] = []
    for meta in wb.sheets_metadata:
        if meta.typ != pc.SheetTypeEnum.WorkSheet:
            continue
        sheet = wb.get_sheet_by_name(meta.name)
        rows = sheet.to_python(skip_empty_area=False, nrows=limits.max_rows)
        if max(map(len, rows), default=0) > limits.max_columns:
            rows = [r[:limits.max_columns] for r in rows]
        hidden = meta.visible != pc.SheetVisibleEnum.Visible
        sheets.append(Grid._from_calamine(meta.name, rows, hidden, sheet.merged_cell_ranges,
                                          inspection.uncached_formulas(meta.name),
                                          inspection.error_values(meta.name)))
    wb.close()
    return sheets
