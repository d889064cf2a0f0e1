"""问题清单.xlsx: every finding, one sheet for all and one per unit, to print and send back.

A unit's sheet is what the clerk sends to the unit: 序号 级别 规则 姓名 文件 工作表 单元格
问题 改法 and a blank 处理情况 column for the unit to fill in. It prints one A4 landscape page
wide, its header row repeated on every page, every row as tall as its wrapped text (neither
Excel nor LibreOffice grows a row on opening, so the text would run over the rows below).
Paths are shown relative to the folder that was checked: the clerk's own folders are none of
the unit's business. The 全部 sheet, the clerk's own, has a 单位 column as well.

The layout is the template `templates/xlsx/问题清单.xlsx` (a restyled one with --templates):
its 全部 sheet is filled once and its 单位 sheet once per unit.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook

from ..models import Finding, Severity
from ..output.style import row_height
from ..output.workbook import Inputs, save_workbook
from ..paths import safe_filename
from ..rules.catalog import BY_ID
from .annex_templates import (
    PROBLEM_COLUMNS,
    PROBLEM_FOOTER,
    PROBLEM_UNIT_COLUMN,
    PROBLEMS_ALL_SHEET,
    PROBLEMS_SPEC,
    PROBLEMS_UNIT_SHEET,
    load_template,
)
from .template import SheetFill, fill_sheets

COLUMNS = PROBLEM_COLUMNS
UNIT_COLUMN = PROBLEM_UNIT_COLUMN
HEADERS = tuple(h for h, _ in COLUMNS)
FOOTER = PROBLEM_FOOTER
_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


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


def _record(f: Finding, n: int, base: Path | None) -> dict[str, object]:
    """One finding as the template's `行` (处理情况 has no placeholder: the unit fills it in)."""
    rule = BY_ID.get(f.rule)
    return {"序号": n, "级别": f.severity.value, "规则": f.rule, "单位": f.unit, "姓名": f.person,
            "文件": relative(f.file, base), "工作表": f.sheet, "单元格": f.cell,
            "问题": relative(f.message, base), "改法": rule.fix if rule else None}


def _sheet(name: str, source: str, title: str, scope: str, findings: Sequence[Finding],
           base: Path | None) -> SheetFill:
    return SheetFill(name, {"标题": title, "范围": scope, "条数": len(findings)},
                     [_record(f, n, base) for n, f in enumerate(findings, start=1)], source)


def build_problems_workbook(findings: Sequence[Finding], *, title: str = "问题清单",
                            base: Path | None = None, template_dir: Path | None = None) -> Workbook:
    """The 全部 sheet, then a sheet per unit; `base` is the folder checked (paths shown
    below it); `template_dir`: a restyled template set."""
    rows = sorted(findings, key=lambda f: (_ORDER[f.severity], f.unit or "", f.file or "",
                                           f.sheet or "", f.rule))
    sheets = [_sheet("全部", PROBLEMS_ALL_SHEET, title, "全部", rows, base)]
    used = {"全部"}
    for unit in sorted({f.unit or "未知单位" for f in rows}):
        mine = [f for f in rows if (f.unit or "未知单位") == unit]
        sheets.append(_sheet(_sheet_title(unit, used), PROBLEMS_UNIT_SHEET, title, unit, mine, base))
    # Every row as tall as its wrapped text, in the template's own column widths. The template's
    # hidden `_kaoping` sheet (kind=problems) makes a later scan of the same folder skip the
    # file instead of taking its "一周小记" messages for a weekly form's title.
    return fill_sheets(load_template(PROBLEMS_SPEC, template_dir), sheets, fit=row_height)


def write_problems(findings: Sequence[Finding], path: Path, *, force: bool = False,
                   title: str = "问题清单", inputs: Inputs = (), base: Path | None = None,
                   template_dir: Path | None = None) -> Path:
    """Save the 问题清单 atomically; never over one of the run's `inputs` (roster, folder of
    forms, …), and over an existing file only with `force`. `base`: the folder checked."""
    wb = build_problems_workbook(findings, title=title, base=base, template_dir=template_dir)
    return save_workbook(wb, path, force=force, inputs=inputs)
