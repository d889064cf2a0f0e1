"""The layout of a quarter's follow-up lists (§五(二) 及时谈话提醒、及时批评教育).

`quarter report` writes one workbook per unit and one for the whole centre
(`report.followup`); the units fill in 落实情况 and 落实日期 and send it back, and the
reader of the returned lists locates everything through the names below. Kept stable: a
change here is a new `FOLLOWUP_VERSION`.

Workbook: a sheet per action (`SHEETS`), each with the title in row `TITLE_ROW`, the clause
and the instructions in row `BASIS_ROW`, the headers `COLUMNS` in row `HEADER_ROW` and one
person per row from `FIRST_ROW` (a sheet with nobody has "（无）" in column A of
`FIRST_ROW`); a hidden `_kaoping` sheet with `META_KEYS`.
"""

from __future__ import annotations

from ..models import FormKind, Outcome
from ..periods import Quarter

FOLLOWUP_KIND = FormKind.FOLLOWUP  # `_kaoping` kind
FOLLOWUP_VERSION = "1"
FILE_STEM = "谈话提醒和批评教育名单"

TALK_SHEET = "谈话提醒"  # 一般 → 及时谈话提醒
CRITICISE_SHEET = "批评教育"  # 较差 → 及时批评教育，必要时诫勉或调整岗位、安排培训教育
SHEETS: dict[str, Outcome] = {TALK_SHEET: Outcome.AVERAGE, CRITICISE_SHEET: Outcome.POOR}

TITLE_ROW, BASIS_ROW, HEADER_ROW, FIRST_ROW = 1, 2, 3, 4
COLUMNS: tuple[str, ...] = ("序号", "工号", "姓名", "单位", "科室", "职务职级", "考核等次", "措施",
                            "落实情况", "落实日期")
COL: dict[str, int] = {name: i for i, name in enumerate(COLUMNS, start=1)}  # 1-based
WIDTHS: tuple[float, ...] = (6, 10, 10, 16, 12, 14, 9, 10, 34, 12)
EMPTY = "（无）"

META_KEYS = ("kind", "version", "year", "quarter", "unit")  # unit: the unit, or 全中心


def followup_file(quarter: Quarter) -> str:
    """谈话提醒和批评教育名单-2026Q3.xlsx (in each unit's folder and in 全中心/)."""
    return f"{FILE_STEM}-{quarter}.xlsx"
