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
from dataclasses import dataclass
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


def _one_based(a: tuple[int, int], b: tuple[int, int]) -> tuple[int, int, int, int]:
    """calamine's 0-based ((r1, c1), (r2, c2)) merged range as 1-based (r1, c1, r2, c2)."""
    return a[0] + 1, a[1] + 1, b[0] + 1, b[1] + 1


class Grid:
    """The values of one sheet. Empty cells read as None.

    `merged` holds the merged ranges as 1-based (r1, c1, r2, c2); `load_book` hands over
    calamine's own 0-based ((r1, c1), (r2, c2)) pairs, converted on first use (most sheets
    are never asked). `uncached_formulas`: (row, col) of formula cells saved without a cached
    value: they read as blank here, but the person typed a formula, not a value; readers
    report them (see excel.safety)."""

    __slots__ = ("name", "rows", "hidden", "_merged", "_merged0", "uncached_formulas")

    def __init__(self, name: str, rows: list[list[Value]], hidden: bool = False,
                 merged: list[tuple[int, int, int, int]] | None = None,
                 uncached_formulas: set[tuple[int, int]] | None = None) -> None:
        self.name = name
        self.rows = rows
        self.hidden = hidden
        self._merged: list[tuple[int, int, int, int]] | None = [] if merged is None else merged
        self._merged0: list | None = None
        self.uncached_formulas = set() if uncached_formulas is None else uncached_formulas

    @classmethod
    def _from_calamine(cls, name: str, rows: list[list[Value]], hidden: bool,
                       merged0: list | None, uncached_formulas: set[tuple[int, int]]) -> Grid:
        grid = cls(name, rows, hidden, None, uncached_formulas)
        if merged0:
            grid._merged = None
            grid._merged0 = merged0
        return grid

    @property
    def merged(self) -> list[tuple[int, int, int, int]]:  # r1, c1, r2, c2
        if self._merged is None:
            self._merged = [_one_based(a, b) for a, b in self._merged0]
            self._merged0 = None
        return self._merged

    @merged.setter
    def merged(self, value: list[tuple[int, int, int, int]]) -> None:
        self._merged, self._merged0 = value, None

    def merged_in_row(self, row: int) -> list[tuple[int, int, int, int]]:
        """The merged ranges crossing `row`, in listed order (no conversion of the others)."""
        if self._merged is not None:
            return [m for m in self._merged if m[0] <= row <= m[2]]
        r0 = row - 1
        return [_one_based(a, b)
                for a, b in self._merged0 if a[0] <= r0 <= b[0]]  # type: ignore[union-attr]

    def _key(self) -> tuple:
        return (self.name, self.rows, self.hidden, self.merged, self.uncached_formulas)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._key() == other._key()  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]  # mutable, like the dataclass it was

    def __repr__(self) -> str:
        return (f"Grid(name={self.name!r}, rows={self.rows!r}, hidden={self.hidden!r}, "
                f"merged={self.merged!r}, uncached_formulas={self.uncached_formulas!r})")

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


def load_book(path: Path, limits: LimitSettings | None = None) -> Book:
    """Read every sheet's values with python-calamine (the file is only read, never written).

    `kaoping.excel.safety.inspect_workbook` runs first (magic-byte sniffing, zip-bomb, XML-bomb
    and sheet-size limits, uncached formulas), so calamine only ever sees a bounded .xlsx.
    Raises `UnreadableWorkbookError` with a Chinese message for anything else; never another
    exception for a bad file. `limits` are the bounds of this read (kaoping.toml [limits],
    passed explicitly: worker processes get them with their work; default the built-in ones).
    """
    pc, safety, UnreadableWorkbookError, LimitSettings = _load_deps()
    limits = limits or LimitSettings()

    data = safety.read_workbook_bytes(path, limits)  # read once; checks and parser see the same bytes
    inspection = safety.inspect_workbook(path, limits, data=data)
    formulas = {
        name: inspection.sheets[part].uncached_formulas
        for name, part in inspection.sheet_parts.items()
        if part in inspection.sheets
    }
    max_rows, max_columns = limits.max_rows, limits.max_columns
    try:
        # calamine gets the checked bytes, never a path it could write to: when inspection
        # kept every member it checked, a STORED zip of exactly those bytes (nothing for
        # calamine to inflate, and nothing it reads that was not checked; ordinary sheets
        # with their content cells only, see safety._content_only); else the file.
        checked = inspection.checked_zip()
        inspection.checked_parts = None  # the parts are in `checked` now: freed before calamine copies
        wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(data if checked is None else checked))
        sheets: list[Grid] = []
        worksheet, visible = pc.SheetTypeEnum.WorkSheet, pc.SheetVisibleEnum.Visible
        for meta in wb.sheets_metadata:
            if meta.typ != worksheet:
                continue
            sheet = wb.get_sheet_by_name(meta.name)
            rows = sheet.to_python(skip_empty_area=False, nrows=max_rows)
            if max(map(len, rows), default=0) > max_columns:
                rows = [r[:max_columns] for r in rows]
            hidden = meta.visible != visible
            f = formulas.get(meta.name)
            sheets.append(Grid._from_calamine(meta.name, rows, hidden, sheet.merged_cell_ranges,
                                              set(f) if f else set()))
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
    return Book(path if isinstance(path, Path) else Path(path), sheets)


_deps: tuple | None = None


def _load_deps() -> tuple:
    """What `load_book` needs, imported on its first call (not at import time: settings
    loading and `kaoping --help` stay light) and kept."""
    global _deps
    if _deps is None:
        import python_calamine as pc

        from ..errors import UnreadableWorkbookError
        from ..rules.settings import LimitSettings
        from . import safety

        _deps = (pc, safety, UnreadableWorkbookError, LimitSettings)
    return _deps
