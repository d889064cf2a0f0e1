"""问题清单.xlsx: every finding, one sheet for all and one per unit, to print and send back.

A unit's sheet is what the clerk sends to the unit: 序号 级别 规则 姓名 文件 工作表 单元格
问题 改法 and a blank 处理情况 column for the unit to fill in. It prints one A4 landscape page
wide, its header row repeated on every page, every row as tall as its wrapped text (neither
Excel nor LibreOffice grows a row on opening, so the text would run over the rows below).
Paths are shown relative to the folder that was checked: the clerk's own folders are none of
the unit's business. The 全部 sheet, the clerk's own, has a 单位 column as well.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook

from ..models import Finding, FormKind, Severity
from ..output.style import (
    BODY_FONT,
    BORDER,
    CENTER,
    HEADER_FILL,
    HEADER_FONT,
    TITLE_FONT,
    WRAP,
    a4,
    row_height,
)
from ..output.workbook import Inputs, put, save_workbook
from ..paths import safe_filename
from ..rules.catalog import BY_ID

# (header, column width): about 137 units, one A4 landscape page at nearly full size.
COLUMNS = (("序号", 5), ("级别", 6), ("规则", 6), ("姓名", 9), ("文件", 22), ("工作表", 12),
           ("单元格", 9), ("问题", 40), ("改法", 18), ("处理情况", 10))
UNIT_COLUMN = ("单位", 12)  # on the 全部 sheet only, after 规则
HEADERS = tuple(h for h, _ in COLUMNS)
FOOTER = "请逐条改正后在“处理情况”栏写明改正情况，连同改好的表格一并交回。第 &P 页，共 &N 页"
_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
_CENTRED = {"序号", "级别", "规则", "单元格"}


def _sheet_title(name: str, used: set[str]) -> str:
    # Sheet names: ≤31 chars, none of []:*?/\ ; unique.
    base = safe_filename(name).replace("[", "(").replace("]", ")")[:28] or "未知单位"
    title, i = base, 2
    while title in used:
        title, i = f"{base[:26]}{i}", i + 1
    used.add(title)
    return title


def _prefixes(base: Path | None) -> list[str]:
    """The ways a path below `base` may start in a finding: as typed, and absolute."""
    if base is None:
        return []
    forms = {str(base), os.path.abspath(base)}
    out = []
    for form in sorted(forms, key=len, reverse=True):  # the longest first
        if form in ("", "."):
            continue
        out += [form.rstrip("/\\") + sep for sep in {os.sep, "/"}]
    return out


def relative(text: str | None, base: Path | None) -> str | None:
    """`text` (a path, or a message quoting paths) with the checked folder's prefix taken off."""
    if not text:
        return text
    for prefix in _prefixes(base):
        text = text.replace(prefix, "")
    return text


def _values(f: Finding, n: int, base: Path | None, with_unit: bool) -> list[object]:
    rule = BY_ID.get(f.rule)
    values: list[object] = [n, f.severity.value, f.rule]
    if with_unit:
        values.append(f.unit)
    values += [f.person, relative(f.file, base), f.sheet, f.cell, relative(f.message, base),
               rule.fix if rule else None, None]
    return values


def _fill(ws, title: str, findings: Sequence[Finding], *, base: Path | None, with_unit: bool) -> None:
    columns = list(COLUMNS)
    if with_unit:
        columns.insert(3, UNIT_COLUMN)
    headers = [h for h, _ in columns]
    widths = [w for _, w in columns]
    ws.append([title])
    ws["A1"].font = TITLE_FONT
    ws.row_dimensions[1].height = 24
    ws.append(headers)
    for i, width in enumerate(widths, start=1):
        c = ws.cell(2, i)
        ws.column_dimensions[c.column_letter].width = width
        c.font, c.fill, c.border, c.alignment = HEADER_FONT, HEADER_FILL, BORDER, CENTER
    for n, f in enumerate(findings, start=1):
        values = _values(f, n, base, with_unit)
        r = n + 2
        for col, (header, v) in enumerate(zip(headers, values, strict=True), start=1):
            c = put(ws.cell(r, col), v)
            c.font, c.border = BODY_FONT, BORDER
            c.alignment = CENTER if header in _CENTRED else WRAP
        ws.row_dimensions[r].height = row_height([None if v is None else str(v) for v in values], widths)
    last = ws.cell(2, len(headers)).column_letter
    ws.freeze_panes = "A3"
    ws.auto_filter.ref = f"A2:{last}{max(2, len(findings) + 2)}"
    ws.print_title_rows = "2:2"
    ws.oddFooter.center.text = FOOTER
    a4(ws, landscape=True)


def build_problems_workbook(findings: Sequence[Finding], *, title: str = "问题清单",
                            base: Path | None = None) -> Workbook:
    """The 全部 sheet, then a sheet per unit; `base` is the folder checked (paths shown
    below it)."""
    rows = sorted(findings, key=lambda f: (_ORDER[f.severity], f.unit or "", f.file or "",
                                           f.sheet or "", f.rule))
    wb = Workbook()
    ws = wb.active
    ws.title = "全部"
    _fill(ws, f"{title}（全部，共 {len(rows)} 条）", rows, base=base, with_unit=True)
    used = {"全部"}
    units = sorted({f.unit or "未知单位" for f in rows})
    for unit in units:
        mine = [f for f in rows if (f.unit or "未知单位") == unit]
        _fill(wb.create_sheet(_sheet_title(unit, used)), f"{title}（{unit}，共 {len(mine)} 条）", mine,
              base=base, with_unit=False)
    # Mark the workbook so a later scan of the same folder skips it instead of taking its
    # "一周小记" messages for a weekly form's title.
    meta = wb.create_sheet("_kaoping")
    meta.append(["kind", FormKind.PROBLEMS.value])
    meta.sheet_state = "hidden"
    return wb


def write_problems(findings: Sequence[Finding], path: Path, *, force: bool = False,
                   title: str = "问题清单", inputs: Inputs = (), base: Path | None = None) -> Path:
    """Save the 问题清单 atomically; never over one of the run's `inputs` (roster, folder of
    forms, …), and over an existing file only with `force`. `base`: the folder checked."""
    return save_workbook(build_problems_workbook(findings, title=title, base=base), path,
                         force=force, inputs=inputs)
