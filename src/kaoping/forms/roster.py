"""The blank 花名册 (or one filled with people, for the examples): the columns `excel.roster`
reads, with drop-downs, formats, a 说明 sheet naming each column's clause, and `_kaoping`."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..excel.roster import (
    COLUMN_BY_KEY,
    COLUMNS,
    DATE_KEYS,
    ENTERABLE_CASES,
    FIRST_DATA_ROW,
    HELP_SHEET,
    LISTS_SHEET,
    META_SHEET,
    NO,
    SHEET,
    TEMPLATE_ROWS,
    TEMPLATE_VERSION,
    TITLE,
    YES,
)
from ..models import Person, RankCategory, ReserveLevel, SpecialCase
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
from ..output.workbook import put

NOWRAP = Alignment(horizontal="left", vertical="center", wrap_text=False)
_WRAPPED = ("special_cases", "remark")  # columns whose long texts wrap onto more lines
_FILLED_MIN = 30  # rows formatted (fonts, borders) at least, filled or not
_NOTES = (
    "考评对象（§二）：市管理中心机关和各分支机构的科级以下（含）在编干部。每人一行，工号不得重复。",
    "五类人员只参加日常考核、不定档（§二）：1.新录用公务员；2.病事假累计时间超过当期平时考核周期一半的；"
    "3.涉嫌违纪违法被立案调查尚未结案的；4.受处分的；5.受组织处理或诫勉的。第1类按“试用期至”或"
    "“特殊情形”判断，第2类由 kaoping 按出勤自动判断，第3～5类按“特殊情形”及其起止日期判断。",
    "“好”档次比例（§四(三)3）：原则上不超过实际参加平时考核人数的40%，按单位（或填写的考核组）计算。",
    "表头可以改顺序、加列，标题行可以修改；kaoping 按列名识别。请勿合并数据区单元格。",
)


def roster_template_workbook(units: Iterable[str] | None = None, *,
                             people: Sequence[Person] = ()) -> Workbook:
    """A blank 花名册 (or one filled with `people`, used by the examples generator).

    Sheet 花名册: title row, header row (frozen), drop-downs for 单位 (when `units` is given),
    职级类别, 特殊情形, 是否在编 and 拒不参加或弄虚作假; A4 landscape. Sheet 说明 explains every
    column with its clause of the measures.
    """
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    _title_and_header(ws)
    last_row = FIRST_DATA_ROW + max(TEMPLATE_ROWS, len(people) + 50) - 1
    for r, p in enumerate(people, start=FIRST_DATA_ROW):
        for key, value in _person_values(p).items():
            put(ws.cell(r, _col(key)), value)
    _body_format(ws, len(people))
    _number_formats(ws, last_row)
    _dropdowns(wb, ws, [u for u in (units or []) if u and u.strip()], last_row)
    ws.freeze_panes = "C3"
    ws.print_title_rows = "1:2"
    ws.auto_filter.ref = f"A2:{get_column_letter(len(COLUMNS))}{FIRST_DATA_ROW + max(len(people), 1) - 1}"
    a4(ws, landscape=True)
    _help_sheet(wb.create_sheet(HELP_SHEET))
    meta = wb.create_sheet(META_SHEET)
    meta.sheet_state = "hidden"
    for r, (k, v) in enumerate((("kind", "roster"), ("template_version", TEMPLATE_VERSION)), 1):
        put(meta.cell(r, 1), k)
        put(meta.cell(r, 2), v)
    wb.active = 0
    return wb


def _col(key: str) -> int:
    return next(i for i, c in enumerate(COLUMNS, start=1) if c.key == key)


def _title_and_header(ws: Worksheet) -> None:
    put(ws.cell(1, 1), TITLE)
    ws.merge_cells(f"A1:{get_column_letter(len(COLUMNS))}1")
    ws["A1"].font, ws["A1"].alignment = TITLE_FONT, CENTER
    ws.row_dimensions[1].height = 30
    ws.row_dimensions[2].height = 32
    for i, c in enumerate(COLUMNS, start=1):
        cell = put(ws.cell(2, i), c.label)
        cell.font, cell.fill, cell.border, cell.alignment = HEADER_FONT, HEADER_FILL, BORDER, CENTER
        ws.column_dimensions[get_column_letter(i)].width = c.width


def _body_format(ws: Worksheet, people: int) -> None:
    """Fonts and borders of the data rows; rows with long wrapped texts made taller."""
    wrapped = {_col(key) for key in _WRAPPED}
    for r in range(FIRST_DATA_ROW, FIRST_DATA_ROW + max(people, _FILLED_MIN)):
        lines = 1
        for i in range(1, len(COLUMNS) + 1):
            cell = ws.cell(r, i)
            cell.font, cell.border = BODY_FONT, BORDER
            cell.alignment = WRAP if i in wrapped else NOWRAP
            if i in wrapped and isinstance(cell.value, str):
                lines = max(lines, _lines(cell.value, COLUMNS[i - 1].width))
        if lines > 1:
            ws.row_dimensions[r].height = 15 * lines + 3


def _number_formats(ws: Worksheet, last_row: int) -> None:
    """工号 as text (keeps leading zeros), dates as yyyy-mm-dd."""
    for key, fmt in (("staff_id", "@"), *((key, "yyyy-mm-dd") for key in DATE_KEYS)):
        letter = get_column_letter(_col(key))
        for r in range(FIRST_DATA_ROW, last_row + 1):
            ws[f"{letter}{r}"].number_format = fmt


def _dropdowns(wb: Workbook, ws: Worksheet, units: list[str], last_row: int) -> None:
    """Drop-down lists, kept on a hidden sheet (a list formula is limited to 255 characters)."""
    lists = wb.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    list_values = {
        "A": ("单位", units),
        "B": ("职级类别", [r.value for r in RankCategory]),
        "C": ("特殊情形", [c.value for c in ENTERABLE_CASES]),
        "D": ("是否", [YES, NO]),
        "E": ("后备层级", [v.value for v in ReserveLevel]),
    }
    for letter, (head, values) in list_values.items():
        put(lists[f"{letter}1"], head)
        for n, v in enumerate(values, start=2):
            put(lists[f"{letter}{n}"], v)
    # A unit missing from the list can still be typed after a warning (new 处室, renamed branch).
    for key, list_col, strict, style, prompt in (
        ("unit", "A", True, "warning", "从下拉框选择本人所属处室或分支机构。"),
        ("rank_category", "B", True, "stop", "附件4 备案表的职级类别。"),
        ("special_cases", "C", False, "stop",
         "可从下拉框选择；多种情形用“；”分隔，可带日期，如：受处分 2026-03-01~2027-02-28；"
         "受组织处理或诫勉。病事假超期（第2类）自动判断，不要填写。"),
        ("on_establishment", "D", True, "stop", "是 / 否（不填按“是”）。"),
        ("refused_or_falsified", "D", True, "stop", "是 / 否（§五(一)）。"),
        ("reserve_level", "E", True, "stop", "后备干部人才库层级：股级 / 副科级 / 正科级（§五(三)）；不在库中的不填。"),
    ):
        n = len(list_values[list_col][1])
        if n:
            ws.add_data_validation(_validation(key, f"{LISTS_SHEET}!${list_col}$2:${list_col}${n + 1}",
                                               strict, style, prompt, last_row))


def _validation(key: str, formula: str, strict: bool, style: str, prompt: str,
                last_row: int) -> DataValidation:
    dv = DataValidation(type="list", formula1=formula, allow_blank=True, showDropDown=False)
    dv.showErrorMessage = strict
    dv.errorStyle = style
    dv.errorTitle, dv.error = "输入有误", "请从下拉框中选择。"
    dv.promptTitle, dv.prompt = COLUMN_BY_KEY[key].label, prompt[:255]
    dv.showInputMessage = True
    letter = get_column_letter(_col(key))
    dv.add(f"{letter}{FIRST_DATA_ROW}:{letter}{last_row}")
    return dv


def _help_sheet(ws: Worksheet) -> None:
    """说明: every column, whether it is required, how to fill it and its clause; the notes."""
    put(ws.cell(1, 1), "花名册填写说明")
    ws.merge_cells("A1:D1")
    ws["A1"].font, ws["A1"].alignment = TITLE_FONT, CENTER
    for i, (head, width) in enumerate((("列名", 16), ("必填", 6), ("填写说明", 70), ("依据", 18)), 1):
        cell = put(ws.cell(2, i), head)
        cell.font, cell.fill, cell.border, cell.alignment = HEADER_FONT, HEADER_FILL, BORDER, CENTER
        ws.column_dimensions[get_column_letter(i)].width = width
    for r, c in enumerate(COLUMNS, start=3):
        for i, v in enumerate((c.label, "是" if c.required else "", c.help, c.basis), 1):
            cell = put(ws.cell(r, i), v)
            cell.font, cell.border, cell.alignment = BODY_FONT, BORDER, WRAP if i in (3, 4) else CENTER
        ws.row_dimensions[r].height = 16 * max(_lines(c.help, 70), _lines(c.basis, 18)) + 6
    start = len(COLUMNS) + 4
    for n, text in enumerate(_NOTES):
        cell = put(ws.cell(start + n, 1), text)
        ws.merge_cells(start_row=start + n, start_column=1, end_row=start + n, end_column=4)
        cell.font, cell.alignment = BODY_FONT, WRAP
        ws.row_dimensions[start + n].height = 16 * _lines(text, 110) + 8
    ws.freeze_panes = "A3"
    a4(ws, landscape=True, fit_width=False)  # one page


# ---------------------------------------------------------------- cell values


def _person_values(p: Person) -> dict[str, object]:
    values: dict[str, object] = {
        "staff_id": p.staff_id, "name": p.name, "unit": p.unit, "quota_group": p.quota_group,
        "section": p.section, "post": p.post, "rank": p.rank,
        "rank_category": p.rank_category.value, "direct_leader": p.direct_leader,
        "supervising_leader": p.supervising_leader, "hired_on": p.hired_on,
        "probation_until": p.probation_until,
        "on_establishment": YES if p.on_establishment else NO,
        "refused_or_falsified": YES if p.refused_or_falsified else NO,
        "reserve_level": p.reserve_level.value if p.reserve_level else None,
        "reserve_in": p.reserve_in, "reserve_out": p.reserve_out,
    }
    if len(p.special_cases) == 1 and not p.special_cases[0].note:
        c = p.special_cases[0]
        values.update(special_cases=c.category.value, case_start=c.start, case_end=c.end)
    elif p.special_cases:
        values["special_cases"] = _format_cases(p.special_cases)
    return values


def _format_cases(cases: Sequence[SpecialCase]) -> str:
    parts = []
    for c in cases:
        s = c.category.value
        if c.note:
            s += f"（{c.note}）"
        if c.start or c.end:
            s += f" {c.start.isoformat() if c.start else ''}~{c.end.isoformat() if c.end else ''}"
        parts.append(s)
    return "；".join(parts)


def _lines(text: str, width: float) -> int:
    """Printed lines of `text` in a wrapped column `width` characters wide (CJK counts 2)."""
    total = 0
    for line in str(text).split("\n"):
        units = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
        # Column width is measured in digits of the default font; a CJK glyph of the body
        # font is about 1.7 of them, so 2 units per CJK character overestimates a little.
        total += max(1, math.ceil(units / max(width * 1.15, 1)))
    return total
