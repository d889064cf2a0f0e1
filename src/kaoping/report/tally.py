"""The 推荐结果 workbook of a 集中测评 tally (§四(四)2): ranking per unit, ballot counts, invalid ballots."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from ..errors import KaopingError
from ..excel.book import Grid, cell_ref, load_book
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
from ..rules.ballots import Tally
from ..rules.settings import LimitSettings

TALLY_SHEET = "推荐结果"
TALLY_HEADERS = ("单位", "半年", "名次", "工号", "姓名", "得票", "有效票", "得票率")


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
    ws.title = TALLY_SHEET
    label = "、".join(half_label(h) for h in sorted({t.half for t in tally.units if t.half}))
    _table(ws, f"集中测评推荐“优秀”结果（{label}）" if label else "集中测评推荐“优秀”结果",
           TALLY_HEADERS,
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


# ---------------------------------------------------------------- reading it back (annual report)

@dataclass(frozen=True)
class Recommendation:
    """One row of a 推荐结果 sheet: a person's votes in the 集中测评 of a half-year (§四(四)2,
    “结果作为市中心党组年度综评的依据”)."""

    unit: str
    half: str  # '2026H1'
    rank: int
    staff_id: str
    name: str
    votes: int
    valid: int

    @property
    def year(self) -> int | None:
        return int(self.half[:4]) if self.half[:4].isdigit() else None

    @property
    def text(self) -> str:
        """'2026年上半年 5/12 票（第1名）'."""
        return f"{half_label(self.half)} {self.votes}/{self.valid} 票（第{self.rank}名）"


def _tally_int(grid: Grid, path: Path, r: int, c: int) -> int:
    value = grid.value(r, c)
    if isinstance(value, bool) or not isinstance(value, int | float) or not float(value).is_integer():
        raise KaopingError(f"测评结果中“{TALLY_HEADERS[c - 1]}”应为整数，现为「{value}」", file=str(path),
                           sheet=TALLY_SHEET, cell=cell_ref(r, c))
    return int(value)


def read_tally(path: Path, *, limits: LimitSettings | None = None) -> list[Recommendation]:
    """The rows of a `halfyear tally` result (its 推荐结果 sheet, as `tally_workbook` writes
    it). `KaopingError` naming the file, sheet and cell when it is not one or a cell is wrong."""
    path = Path(path)
    if not path.is_file():
        raise KaopingError("找不到测评结果文件", file=str(path))
    grid = load_book(path, limits).sheet(TALLY_SHEET)
    if grid is None or tuple(grid.text(2, c) for c in range(1, len(TALLY_HEADERS) + 1)) != TALLY_HEADERS:
        raise KaopingError("不是 kaoping halfyear tally 输出的测评结果（找不到“推荐结果”工作表及其表头）",
                           file=str(path))
    rows: list[Recommendation] = []
    for r in range(3, grid.max_row + 1):
        unit, half, sid, name = (grid.text(r, c) for c in (1, 2, 4, 5))
        if not (unit or sid):
            continue
        if not sid or not half:
            raise KaopingError("测评结果中有一行缺少工号或半年", file=str(path), sheet=TALLY_SHEET,
                               cell=cell_ref(r, 4 if not sid else 2))
        rank, votes, valid = (_tally_int(grid, path, r, c) for c in (3, 6, 7))
        rows.append(Recommendation(unit, half, rank, sid, name, votes, valid))
    return rows
