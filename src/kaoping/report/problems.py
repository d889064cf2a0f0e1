"""问题清单.xlsx: every finding, one sheet for all and one per unit, to send back to units."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook

from ..output.style import BODY_FONT, BORDER, HEADER_FILL, HEADER_FONT, TITLE_FONT, WRAP, a4
from ..output.workbook import Inputs, put, save_workbook
from ..models import Finding, FormKind, Severity
from ..paths import safe_filename

HEADERS = ("序号", "级别", "规则", "单位", "姓名", "工号", "文件", "工作表", "单元格", "说明")
WIDTHS = (6, 6, 6, 14, 10, 10, 30, 14, 10, 60)
_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def _sheet_title(name: str, used: set[str]) -> str:
    # Sheet names: ≤31 chars, none of []:*?/\ ; unique.
    base = safe_filename(name).replace("[", "(").replace("]", ")")[:28] or "未知单位"
    title, i = base, 2
    while title in used:
        title, i = f"{base[:26]}{i}", i + 1
    used.add(title)
    return title


def _fill(ws, title: str, findings: Sequence[Finding]) -> None:
    ws.append([title])
    ws["A1"].font = TITLE_FONT
    ws.append(list(HEADERS))
    for i, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[ws.cell(2, i).column_letter].width = width
        c = ws.cell(2, i)
        c.font, c.fill, c.border = HEADER_FONT, HEADER_FILL, BORDER
    for n, f in enumerate(findings, start=1):
        values = (n, f.severity.value, f.rule, f.unit, f.person, f.staff_id,
                  Path(f.file).name if f.file else None, f.sheet, f.cell, f.message)
        r = n + 2
        for col, v in enumerate(values, start=1):
            c = put(ws.cell(r, col), v)
            c.font, c.border, c.alignment = BODY_FONT, BORDER, WRAP
    ws.freeze_panes = "A3"
    ws.auto_filter.ref = f"A2:J{max(2, len(findings) + 2)}"
    ws.print_title_rows = "2:2"
    a4(ws, landscape=True)


def build_problems_workbook(findings: Sequence[Finding], *, title: str = "问题清单") -> Workbook:
    rows = sorted(findings, key=lambda f: (_ORDER[f.severity], f.unit or "", f.file or "",
                                           f.sheet or "", f.rule))
    wb = Workbook()
    ws = wb.active
    ws.title = "全部"
    _fill(ws, f"{title}（全部，共 {len(rows)} 条）", rows)
    used = {"全部"}
    units = sorted({f.unit or "未知单位" for f in rows})
    for unit in units:
        mine = [f for f in rows if (f.unit or "未知单位") == unit]
        _fill(wb.create_sheet(_sheet_title(unit, used)), f"{title}（{unit}，共 {len(mine)} 条）", mine)
    # Mark the workbook so a later scan of the same folder skips it instead of taking its
    # "一周小记" messages for a weekly form's title.
    meta = wb.create_sheet("_kaoping")
    meta.append(["kind", FormKind.PROBLEMS.value])
    meta.sheet_state = "hidden"
    return wb


def write_problems(findings: Sequence[Finding], path: Path, *, force: bool = False,
                   title: str = "问题清单", inputs: Inputs = ()) -> Path:
    """Save the 问题清单 atomically; never over one of the run's `inputs` (roster, folder of
    forms, …), and over an existing file only with `force`."""
    return save_workbook(build_problems_workbook(findings, title=title), path, force=force,
                         inputs=inputs)
