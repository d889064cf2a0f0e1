"""The 推荐结果 workbook of a 集中测评 tally (§四(四)2): ranking per unit, ballot counts, invalid ballots."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from ..excel.ballots import Tally
from ..models import FormKind, Severity
from ..output.style import (
    BODY_FONT,
    BORDER,
    CENTER,
    HEADER_FILL,
    HEADER_FONT,
    TITLE_FONT,
    WRAP,
    a4,
)
from ..output.workbook import Inputs, put, save_workbook
from ..periods import half_label


def _table(ws: Worksheet, title: str, headers: Sequence[str], widths: Sequence[float],
           rows: Sequence[Sequence[object]]) -> None:
    """A titled table with a frozen, filtered header row, on A4."""
    put(ws.cell(1, 1), title)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws.cell(1, 1).font, ws.cell(1, 1).alignment = TITLE_FONT, CENTER
    ws.row_dimensions[1].height = 30
    for c, (h, w) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = put(ws.cell(2, c), h)
        cell.font, cell.fill, cell.border, cell.alignment = HEADER_FONT, HEADER_FILL, BORDER, CENTER
        ws.column_dimensions[cell.column_letter].width = w
    for r, row in enumerate(rows, start=3):
        for c, v in enumerate(row, start=1):
            cell = put(ws.cell(r, c), v)
            cell.font, cell.border = BODY_FONT, BORDER
            cell.alignment = WRAP if isinstance(v, str) and len(v) > 10 else CENTER
            if headers[c - 1] == "得票率":
                cell.number_format = "0.0%"
    ws.freeze_panes = "A3"
    ws.print_title_rows = "2:2"
    if rows:
        ws.auto_filter.ref = f"A2:{ws.cell(2, len(headers)).column_letter}{len(rows) + 2}"
    a4(ws)


def tally_workbook(tally: Tally) -> Workbook:
    """推荐结果: ranking per unit (votes, share of valid ballots), ballot counts, invalid ballots."""
    wb = Workbook()
    ws = wb.active
    ws.title = "推荐结果"
    label = "、".join(half_label(h) for h in sorted({t.half for t in tally.units if t.half}))
    _table(ws, f"集中测评推荐“优秀”结果（{label}）" if label else "集中测评推荐“优秀”结果",
           ("单位", "半年", "名次", "工号", "姓名", "得票", "有效票", "得票率"),
           (16, 9, 6, 10, 10, 6, 7, 9),
           [(t.unit, t.half, row.rank, row.staff_id, row.name, row.votes, t.valid, row.share)
            for t in tally.units for row in t.ranking])
    _table(wb.create_sheet("票数统计"), "测评票统计",
           ("单位", "半年", "收回", "有效", "无效", "每票最多推荐"), (16, 9, 8, 8, 8, 12),
           [(t.unit, t.half, t.valid + t.invalid, t.valid, t.invalid, t.max_ticks) for t in tally.units])
    invalid = [(b.path.name, b.unit, "；".join(f"{f.cell + '：' if f.cell else ''}{f.message}"
                                             for f in b.findings))
               for b in tally.ballots if not b.valid and (b.is_ballot or b.findings[0].severity
                                                          == Severity.ERROR)]
    _table(wb.create_sheet("无效票"), "无效票及原因（未计票）", ("文件", "单位", "原因"), (36, 16, 70),
           invalid)
    # Marked, so a re-run over the same folder skips it instead of taking it for a ballot.
    meta = wb.create_sheet("_kaoping")
    meta.append(["kind", FormKind.TALLY.value])
    meta.sheet_state = "hidden"
    return wb


def write_tally(tally: Tally, path: Path, *, force: bool = False, inputs: Inputs = ()) -> Path:
    """Save the 推荐结果 atomically; never over one of the run's `inputs` (the ballots)."""
    return save_workbook(tally_workbook(tally), Path(path), force=force, inputs=inputs)
