"""Optional attendance sheet (考勤汇总表) → `MonthAttendance` records.

The clerk may give `--attendance 考勤.xlsx` to `kaoping quarter check|report`; its records
replace the 月度小结表 figures for the same person and month (`rules.attendance.merge_attendance`).
Columns are found by their header labels, in any order, on the first sheet that has them:

    工号 | 姓名 (optional) | 月份 | 病事假 (or 病假 + 事假) | 年休 | 调休 (加班调休/补休)

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
from ..models import Finding, MonthAttendance, Severity, SourceRef
from ..periods import Month, parse_month
from ..rules.settings import LimitSettings
from .book import Grid, cell_ref, load_book
from .cells import CellError, excel_serial_to_date, parse_days

COLUMNS_HELP = ("考勤表列（按表头文字识别，顺序不限）：工号、姓名（可选）、月份（2026-07 / 2026年7月 / 日期）、"
                "病事假（或分列 病假、事假）、年休、调休（加班调休）；天数可写 1.5 或 1.5天，空白按 0 计。")

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
}
_UNIT_SUFFIX = re.compile(r"(?:\(天\)|\(日\)|天数|/天)$")
_SPACES = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff\u3000:：]+")
_LEAVE_FIELDS = ("sick_personal", "sick", "personal", "annual", "comp")


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


def read_attendance(path: Path, *, limits: LimitSettings | None = None
                    ) -> tuple[list[MonthAttendance], list[Finding]]:
    """Read an attendance sheet. Raises `KaopingError` when the file cannot be read or has no
    recognisable header; cell problems become 错误 findings (rule A1) and skip their row."""
    path = Path(path)
    if not path.is_file():
        raise KaopingError("找不到考勤表文件", file=str(path))
    from .book import register_limits

    # one row per person and month: a register, not a form
    book = load_book(path, register_limits(limits))
    for grid in book.visible_sheets():
        found = _header(grid)
        if found:
            break
    else:
        raise KaopingError("找不到考勤表表头：需要「工号」「月份」两列。" + COLUMNS_HELP, file=str(path))
    header_row, cols = found
    if not any(f in cols for f in _LEAVE_FIELDS):
        raise KaopingError("考勤表没有天数列（病事假、年休或调休）。" + COLUMNS_HELP, file=str(path),
                           sheet=grid.name, cell=f"第{header_row}行")

    records: list[MonthAttendance] = []
    findings: list[Finding] = []
    seen: dict[tuple[str, Month], int] = {}

    def problem(r: int, field: str, message: str, name: str | None, sid: str | None) -> None:
        findings.append(Finding(rule="A1", severity=Severity.ERROR, person=name, staff_id=sid,
                                file=str(path), sheet=grid.name, cell=cell_ref(r, cols[field]),
                                message=message))

    for r in range(header_row + 1, grid.max_row + 1):
        if all(grid.value(r, c) is None for c in cols.values()):
            continue
        name = (grid.text(r, cols["name"]) or None) if "name" in cols else None
        sid = _staff_id(grid.value(r, cols["staff_id"]))
        if sid is None:
            problem(r, "staff_id", "工号为空，本行出勤未计入", name, None)
            continue
        raw_month = grid.value(r, cols["month"])
        if raw_month is None:
            problem(r, "month", "月份为空，本行出勤未计入", name, sid)
            continue
        try:
            month = parse_attendance_month(raw_month)
        except CellError as exc:
            problem(r, "month", exc.message + "；本行出勤未计入", name, sid)
            continue
        days: dict[str, float | None] = {}
        bad = False
        for field in _LEAVE_FIELDS:
            if field not in cols:
                continue
            try:
                days[field] = parse_days(grid.value(r, cols[field]))
            except CellError as exc:
                problem(r, field, exc.message + "；本行出勤未计入", name, sid)
                bad = True
        if bad:
            continue
        if (sid, month) in seen:
            problem(r, "staff_id", f"工号「{sid}」{month.year}年{month.month}月已在第{seen[sid, month]}行出现，"
                    "本行未计入，请合并为一行", name, sid)
            continue
        seen[sid, month] = r
        if "sick_personal" in cols:
            sick = days.get("sick_personal")
            sick_blank = sick is None
        else:
            parts = [days.get("sick"), days.get("personal")]
            sick = sum(p for p in parts if p is not None)
            sick_blank = all(p is None for p in parts)
        annual = days.get("annual")
        blank = [f for f, is_blank in (("sick_personal_days", sick_blank),
                                       ("annual_leave_days", annual is None)) if is_blank]
        cells = {"row": f"第{r}行", "staff_id": cell_ref(r, cols["staff_id"]),
                 "month": cell_ref(r, cols["month"])}
        cells.update({f: cell_ref(r, c) for f, c in cols.items() if f in _LEAVE_FIELDS})
        records.append(MonthAttendance(
            staff_id=sid, year=month.year, month=month.month,
            sick_personal_days=sick or 0, annual_leave_days=annual or 0,
            comp_leave_days=days.get("comp") or 0,
            source=SourceRef(file=str(path), sheet=grid.name, cells=cells),
            blank_fields=blank,
        ))
    return records, findings
