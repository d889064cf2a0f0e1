"""问题清单.xlsx: every finding, one sheet for all and one per unit, to send back to units.

The layout is the template `templates/xlsx/问题清单.xlsx` (a restyled one with --templates):
its sheet is filled once for 全部 and once per unit."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from ..models import Finding, Severity
from ..output.workbook import Inputs, save_workbook
from ..paths import safe_filename
from .annex_templates import PROBLEM_HEADERS, PROBLEMS_SPEC, load_template
from .template import SheetFill, fill_sheets

HEADERS = PROBLEM_HEADERS
_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def _sheet_title(name: str, used: set[str]) -> str:
    # Sheet names: ≤31 chars, none of []:*?/\ ; unique.
    base = safe_filename(name).replace("[", "(").replace("]", ")")[:28] or "未知单位"
    title, i = base, 2
    while title in used:
        title, i = f"{base[:26]}{i}", i + 1
    used.add(title)
    return title


def _records(findings: Sequence[Finding]) -> list[dict[str, Any]]:
    return [dict(zip(HEADERS, (n, f.severity.value, f.rule, f.unit, f.person, f.staff_id,
                               Path(f.file).name if f.file else None, f.sheet, f.cell, f.message),
                     strict=True))
            for n, f in enumerate(findings, start=1)]


def _sheet(name: str, title: str, scope: str, findings: Sequence[Finding]) -> SheetFill:
    return SheetFill(name, {"标题": title, "范围": scope, "条数": len(findings)}, _records(findings))


def build_problems_workbook(findings: Sequence[Finding], *, title: str = "问题清单",
                            template_dir: Path | None = None) -> Workbook:
    """The 问题清单 filled into its template; `template_dir`: a restyled set."""
    rows = sorted(findings, key=lambda f: (_ORDER[f.severity], f.unit or "", f.file or "",
                                           f.sheet or "", f.rule))
    sheets = [_sheet("全部", title, "全部", rows)]
    used = {"全部"}
    for unit in sorted({f.unit or "未知单位" for f in rows}):
        mine = [f for f in rows if (f.unit or "未知单位") == unit]
        sheets.append(_sheet(_sheet_title(unit, used), title, unit, mine))
    # The template's hidden `_kaoping` sheet (kind=problems) makes a later scan of the same
    # folder skip the file instead of taking its "一周小记" messages for a weekly form's title.
    return fill_sheets(load_template(PROBLEMS_SPEC, template_dir), sheets)


def write_problems(findings: Sequence[Finding], path: Path, *, force: bool = False,
                   title: str = "问题清单", inputs: Inputs = (),
                   template_dir: Path | None = None) -> Path:
    """Save the 问题清单 atomically; never over one of the run's `inputs` (roster, folder of
    forms, …), and over an existing file only with `force`."""
    wb = build_problems_workbook(findings, title=title, template_dir=template_dir)
    return save_workbook(wb, path, force=force, inputs=inputs)
