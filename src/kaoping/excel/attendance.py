"""Optional attendance sheet (考勤汇总表) → `MonthAttendance` records.

The clerk may give `--attendance 考勤.xlsx` to `kaoping quarter check|report`; its records
replace the 月度小结表 figures for the same person and month (`rules.attendance.merge_attendance`).
Columns are found by their header labels, in any order, on the first sheet that has them:

    工号 | 姓名 (optional) | 月份 | 病事假 (or 病假 + 事假) | 年休 | 调休 (加班调休/补休)
    | 法定假期 (婚假、产假、丧假、探亲假…; §四(三)4(3))

月份 may be '2026-07', '2026/7', '2026年7月', or a date cell / serial (any day of the month).
Days accept '1.5', '1.5天', full-width digits, '半天'; a blank leave cell counts as 0.
A bad cell is a 错误 finding naming the cell, and its row is skipped.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path
from typing import Any

from ..errors import KaopingError
from ..paths import require_file
from ..models import Finding, MonthAttendance, SourceRef
from ..periods import Month, parse_month
from ..rules.catalog import finding
from ..rules.settings import LimitSettings
from .book import Book, Grid, cell_ref, load_book, register_limits
from .cells import CellError, excel_serial_to_date, parse_days

COLUMNS_HELP = ("考勤表列（按表头文字识别，顺序不限）：工号、姓名（可选）、月份（2026-07 / 2026年7月 / 日期）、"
                "病事假（或分列 病假、事假）、年休、调休（加班补休）、法定假期（婚假、产假、丧假、探亲假等）；"
                "天数可写 1.5 或 1.5天，空白按 0 计。")

# Normalised header label → field. Labels are compared without spaces, line breaks and
# a trailing unit such as （天） / (天) / 天数.
_LABELS: dict[str, str] = {
    "工号": "staff_id", "员工工号": "staff_id", "人员编号": "staff_id",
    "姓名": "name",
    "月份": "month", "年月": "month", "考勤月份": "month", "月度": "month",
    "病事假": "sick_personal", "病假事假": "sick_personal", "病事假合计": "sick_personal",
    "病假": "sick", "事假": "personal",
    "年休": "annual", "年休假": "annual", "年假": "annual",
    "调休": "comp", "加班调休": "comp", "补休": "comp", "加班补休": "comp",
    "法定假期": "statutory", "法定假": "statutory", "婚丧产假": "statutory",
    "婚假产假丧假探亲假": "statutory",
}
_UNIT_SUFFIX = re.compile(r"(?:\(天\)|\(日\)|天数|/天)$")
_SPACES = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff\u3000:：]+")
_LEAVE_FIELDS = ("sick_personal", "sick", "personal", "annual", "comp", "statutory")


def _label(text: Any) -> str:
    key = _SPACES.sub("", unicodedata.normalize("NFKC", str(text or "")))  # （天） → (天)
    return _UNIT_SUFFIX.sub("", key)


def _header(grid: Grid, max_scan: int = 20) -> tuple[int, dict[str, int]] | None:
    for r in range(1, min(grid.max_row, max_scan) + 1):
        found: dict[str, int] = {}
        for c in range(1, grid.max_col + 1):
            field = _LABELS.get(_label(grid.value(r, c)))
            if field and field not in found:
                found[field] = c
        if "staff_id" in found and "month" in found:
            return r, found
    return None


def parse_attendance_month(value: Any) -> Month:
    """'2026-07', '2026年7月', '202607', a date/datetime or an Excel serial → Month."""
    if isinstance(value, dt.datetime | dt.date):
        return Month(value.year, value.month)
    if isinstance(value, bool):
        raise CellError(f"「{value}」不是月份")
    if isinstance(value, int | float):
        if 190001 <= value <= 210012 and float(value).is_integer() and 1 <= int(value) % 100 <= 12:
            return Month(int(value) // 100, int(value) % 100)  # 202607
        day = excel_serial_to_date(float(value))
        return Month(day.year, day.month)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if m := re.fullmatch(r"(\d{4})(\d{2})", text):
        text = f"{m.group(1)}-{m.group(2)}"
    if m := re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*\d{1,2}\s*日?", text):
        text = f"{m.group(1)}-{m.group(2)}"  # a full date: its month
    try:
        return parse_month(text)
    except KaopingError:
        raise CellError(f"无法识别的月份「{value}」，请写成 2026-07 或 2026年7月") from None


def _staff_id(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = _SPACES.sub("", unicodedata.normalize("NFKC", str(value)))
    return text or None


def _sheet_and_header(book: Book, path: Path) -> tuple[Grid, int, dict[str, int]]:
    """The first visible sheet with a header naming 工号 and 月份, its header row and columns."""
    for grid in book.visible_sheets():
        if found := _header(grid):
            header_row, cols = found
            if not any(f in cols for f in _LEAVE_FIELDS):
                raise KaopingError("考勤表没有天数列（病事假、年休、调休或法定假期）。" + COLUMNS_HELP, file=str(path),
                                   sheet=grid.name, cell=f"第{header_row}行")
            return grid, header_row, cols
    raise KaopingError("找不到考勤表表头：需要「工号」「月份」两列。" + COLUMNS_HELP, file=str(path))


class _AttendanceRows:
    """The reading of one attendance sheet: its records' findings (A1) and the (工号, 月份)
    seen, each in one row only."""

    def __init__(self, path: Path, grid: Grid, cols: dict[str, int]) -> None:
        self.file, self.grid, self.cols = str(path), grid, cols
        self.findings: list[Finding] = []
        self.seen: dict[tuple[str, Month], int] = {}

    def problem(self, r: int, field: str, message: str, name: str | None, sid: str | None) -> None:
        self.findings.append(finding("A1", message, person=name, staff_id=sid, file=self.file,
                                     sheet=self.grid.name, cell=cell_ref(r, self.cols[field])))

    def record(self, r: int) -> MonthAttendance | None:
        """Row r's record; None for a blank row or one with a problem (said, and skipped)."""
        grid, cols = self.grid, self.cols
        if all(grid.value(r, c) is None for c in cols.values()):
            return None
        name = (grid.text(r, cols["name"]) or None) if "name" in cols else None
        sid = _staff_id(grid.value(r, cols["staff_id"]))
        if sid is None:
            self.problem(r, "staff_id", "工号为空，本行出勤未计入", name, None)
            return None
        month = self._month(r, name, sid)
        days = self._days(r, name, sid) if month is not None else None
        if month is None or days is None:
            return None
        if (sid, month) in self.seen:
            self.problem(r, "staff_id", f"工号「{sid}」{month.year}年{month.month}月已在第{self.seen[sid, month]}行"
                         "出现，本行未计入，请合并为一行", name, sid)
            return None
        self.seen[sid, month] = r
        return self._record(r, sid, month, days)

    def _month(self, r: int, name: str | None, sid: str) -> Month | None:
        raw = self.grid.value(r, self.cols["month"])
        if raw is None:
            self.problem(r, "month", "月份为空，本行出勤未计入", name, sid)
            return None
        try:
            return parse_attendance_month(raw)
        except CellError as exc:
            self.problem(r, "month", exc.message + "；本行出勤未计入", name, sid)
            return None

    def _days(self, r: int, name: str | None, sid: str) -> dict[str, float | None] | None:
        """The leave columns' days; None when any of them cannot be read (each one said)."""
        days: dict[str, float | None] = {}
        bad = False
        for field in (f for f in _LEAVE_FIELDS if f in self.cols):
            if (error := self.grid.error_values.get((r, self.cols[field]))) is not None:
                # read as blank, it would count as 0 days
                self.problem(r, field, f"该单元格是 Excel 错误值 {error}，读不出天数；请改为天数（数字，如 1.5，"
                             "没有请假填 0）；本行出勤未计入", name, sid)
                bad = True
                continue
            try:
                days[field] = parse_days(self.grid.value(r, self.cols[field]))
            except CellError as exc:
                self.problem(r, field, exc.message + "；本行出勤未计入", name, sid)
                bad = True
        return None if bad else days

    def _record(self, r: int, sid: str, month: Month, days: dict[str, float | None]
                ) -> MonthAttendance:
        """病事假 (one column, or 病假 + 事假), 年休 and 调休; a blank leave cell counts as 0."""
        if "sick_personal" in self.cols:
            sick = days.get("sick_personal")
            sick_blank = sick is None
        else:
            parts = [d for d in (days.get("sick"), days.get("personal")) if d is not None]
            sick, sick_blank = sum(parts), not parts
        annual = days.get("annual")
        blank = [f for f, is_blank in (("sick_personal_days", sick_blank),
                                       ("annual_leave_days", annual is None)) if is_blank]
        cells = {"row": f"第{r}行", "staff_id": cell_ref(r, self.cols["staff_id"]),
                 "month": cell_ref(r, self.cols["month"])}
        cells.update({f: cell_ref(r, c) for f, c in self.cols.items() if f in _LEAVE_FIELDS})
        return MonthAttendance(
            staff_id=sid, year=month.year, month=month.month,
            sick_personal_days=sick or 0, annual_leave_days=annual or 0,
            comp_leave_days=days.get("comp") or 0,
            statutory_leave_days=days.get("statutory") or 0,
            source=SourceRef(file=self.file, sheet=self.grid.name, cells=cells),
            blank_fields=blank,
        )


def read_attendance(path: Path, *, limits: LimitSettings | None = None
                    ) -> tuple[list[MonthAttendance], list[Finding]]:
    """Read an attendance sheet. Raises `KaopingError` when the file cannot be read or has no
    recognisable header; cell problems become 错误 findings (rule A1) and skip their row."""
    path = Path(path)
    require_file(path, "考勤表")
    book = load_book(path, register_limits(limits))  # one row per person and month: a register
    grid, header_row, cols = _sheet_and_header(book, path)
    rows = _AttendanceRows(path, grid, cols)
    records = [rec for r in range(header_row + 1, grid.max_row + 1)
               if (rec := rows.record(r)) is not None]
    return records, rows.findings
