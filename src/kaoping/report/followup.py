"""A quarter's follow-up lists (§五(二)): who is to be talked to (一般 → 及时谈话提醒) and who
criticised (较差 → 及时批评教育), per unit, with blank 落实情况 / 落实日期 columns for the unit
to fill in and return. Written by `quarter report` beside 附件4/附件5; the layout is
`excel.followup_layout` (the reader of the returned lists uses the same names).
"""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl import Workbook

from ..excel import followup_layout as L
from ..models import QuarterResult
from ..periods import Quarter
from ..rules.annual import FOLLOW_UPS
from .annex_templates import write_meta
from .annual import table_sheet

_BASIS = {
    L.TALK_SHEET: "§五(二)：对考核结果为一般等次的干部，及时谈话提醒。",
    L.CRITICISE_SHEET: "§五(二)：对考核结果为较差的干部，及时批评教育，必要时进行诫勉或调整岗位、安排培训教育。",
}
_RETURN = "谈话、教育后请填写“落实情况”“落实日期”（如 2026-10-20），交回办公室（人事处）。"


def followup_rows(results: Sequence[QuarterResult], sheet: str) -> list[list[object]]:
    """The rows of one sheet: the people whose quarter result calls for its action, in
    roster order; 落实情况 and 落实日期 blank."""
    outcome = L.SHEETS[sheet]
    action = FOLLOW_UPS[outcome]
    people = [r for r in results if r.outcome == outcome]
    return [[i, r.staff_id, r.name, r.unit, r.section, r.rank, r.outcome.value, action.value,
             None, None] for i, r in enumerate(people, start=1)]


def followup_workbook(results: Sequence[QuarterResult], quarter: Quarter, unit_label: str) -> Workbook:
    """谈话提醒和批评教育名单 of `unit_label` (a unit, or 全中心 with every unit's results)."""
    wb = Workbook()
    wb.remove(wb.active)
    label = quarter.label
    for sheet in L.SHEETS:
        ws = wb.create_sheet(sheet)
        rows = followup_rows(results, sheet)
        table_sheet(ws, f"{label}平时考核{sheet}名单（{unit_label}）", L.COLUMNS, rows, L.WIDTHS,
                    note=f"{_BASIS[sheet]}{_RETURN}")
        for r in range(L.FIRST_ROW, L.FIRST_ROW + len(rows)):
            ws.cell(r, L.COL["工号"]).number_format = "@"  # 工号 stays text
            ws.cell(r, L.COL["落实日期"]).number_format = "yyyy-mm-dd"
    write_meta(wb, {"kind": L.FOLLOWUP_KIND.value, "version": L.FOLLOWUP_VERSION,
                    "year": quarter.year, "quarter": quarter.quarter, "unit": unit_label})
    return wb
