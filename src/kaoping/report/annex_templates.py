"""Templates of the filing tables 附件4, 附件5, 附件6 and the 季度结果台账.

The layout follows the annexes of the measures (温公积金〔2021〕46号) cell for cell. The
builders here are used only by `scripts/build_report_templates.py`, which saves them under
`templates/xlsx/` (package `kaoping.templates`, data of the wheel; a clerk restyles an exported copy in
Excel and passes it with --templates). Their variable parts are placeholders (`{{ 呈报单位 }}`,
the record row `{{ 行.姓名 }}`); the writers fill the template files through
`kaoping.report.template` and never draw a layout. The `*_SPEC`s say which placeholders each
writer provides.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from ..output.style import BODY_FONT, BORDER, CENTER, HEADER_FILL, HEADER_FONT, TITLE_FONT, WRAP, a4
from ..models import RankCategory
from .template import RECORD, SHIPPED_DIR, Template, TemplateSpec, read_template

TEMPLATE_VERSION = "1"
TEMPLATE_DIR = SHIPPED_DIR

ANNEX4_FILE = "附件4-公务员平时考核结果备案表.xlsx"
ANNEX5_FILE = "附件5-公务员平时考核好、一般、较差、不确定等次、未参加考核人员名单表.xlsx"
ANNEX6_FILE = "附件6-公务员平时考核好等次2次以上人员名单表.xlsx"
LEDGER_FILE = "台账-季度结果台账.xlsx"
PROBLEMS_FILE = "问题清单.xlsx"

ANNEX4_TITLE = "公务员平时考核结果备案表"
ANNEX5_TITLE = "公务员平时考核好、一般、较差、不确定等次、未参加考核人员名单表"
ANNEX6_TITLE = "公务员平时考核好等次2次以上人员名单表"
QUARTERLY_NOTE = "注：此表分别于每年1月、4月、7月和10月的20日前报办公室（人事处）备案。"
ANNUAL_NOTE = "注：此表于每年1月20日前报办公室（人事处）备案。"
NOTE_FONT = Font(name="仿宋", size=10)
LABEL_FONT = Font(name="宋体", size=11)

# ---------------------------------------------------------------- 附件4 layout
# Columns A..I: 职务职级 | 公务员总数 | 应参加考核人数 | 好 较好 一般 较差 不确定 | 未参加考核人数
A4_COLS = 9
A4_PERIOD_CELL = "A2"
A4_HEADER_ROWS = (3, 4)
A4_CATEGORY_ROWS: dict[RankCategory, int] = {
    RankCategory.RESEARCHER: 5,
    RankCategory.SECTION_CHIEF: 6,
    RankCategory.CLERK: 7,
    RankCategory.PROBATION: 8,
}
A4_CATEGORY_LABELS: dict[RankCategory, str] = {
    RankCategory.RESEARCHER: "一至四级\n调研员",
    RankCategory.SECTION_CHIEF: "乡科级职务、一至四级主任科员职级",
    RankCategory.CLERK: "科员级",
    RankCategory.PROBATION: "试用期",
}
A4_TOTAL_ROW = 9  # 合计
A4_RATIO_ROW = 10  # 好等次比例 (value in B)
A4_UNIT_ROW = 11  # 呈报单位 (name in B)
A4_SEAL_ROW = 12  # 盖章 / 日期 (in B)
A4_REMARK_ROW = 13  # 备注 (text in B)
A4_NOTE_ROW = 14

# Placeholder names of 附件4's count rows (one per 职级类别, then 合计) and of their columns B..I.
A4_ROW_NAMES: dict[RankCategory, str] = {
    RankCategory.RESEARCHER: "调研员",
    RankCategory.SECTION_CHIEF: "科级",
    RankCategory.CLERK: "科员级",
    RankCategory.PROBATION: "试用期",
}
A4_TOTAL_NAME = "合计"
A4_FIELDS = ("总数", "应参加", "好", "较好", "一般", "较差", "不确定", "未参加")
ANNEX4_SPEC = TemplateSpec(ANNEX4_FILE, {
    "年度": None, "季度": None, "好等次比例": None, "呈报单位": None, "日期": None, "备注": None,
    **{name: frozenset(A4_FIELDS) for name in (*A4_ROW_NAMES.values(), A4_TOTAL_NAME)},
})

# ---------------------------------------------------------------- 附件5 / 附件6 layout
# Columns A..F: 序号 | 姓名 | 所在处（科） | 职务职级 | 考核等次 / “好”次数 | 备注
LIST_COLS = 6
LIST_PERIOD_CELL = "A2"  # where the shipped template has 期间, 呈报单位 and 日期 (for readers and
LIST_UNIT_CELL = "A3"  # tests: the writers fill placeholders, wherever a restyled one puts them)
LIST_DATE_CELL = "E3"
LIST_HEADER_ROW = 4
LIST_FIRST_ROW = 5  # the record row
LIST_WIDTHS = (7, 12, 22, 22, 12, 34)
ANNEX5_HEADERS = ("序号", "姓  名", "所在处（科）", "职务职级", "考核等次", "备注")
ANNEX6_HEADERS = ("序号", "姓  名", "所在处（科）", "职务职级", "“好”次数", "备注")
ANNEX5_FIELDS = ("序号", "姓名", "所在处", "职务职级", "考核等次", "备注")
ANNEX6_FIELDS = ("序号", "姓名", "所在处", "职务职级", "好次数", "备注")
# 附件6 keeps seven ruled rows however few people it lists (the record row and six blank);
# 附件5 has exactly one row per person.
ANNEX5_BLANK_ROWS = 0
ANNEX6_BLANK_ROWS = 6
ANNEX5_SPEC = TemplateSpec(ANNEX5_FILE, {"年度": None, "季度": None, "呈报单位": None, "日期": None},
                           frozenset(ANNEX5_FIELDS))
ANNEX6_SPEC = TemplateSpec(ANNEX6_FILE, {"年度": None, "暂定": None, "呈报单位": None},
                           frozenset(ANNEX6_FIELDS))

# ---------------------------------------------------------------- 季度结果台账 layout
LEDGER_SHEET = "季度结果台账"
LEDGER_HEADERS = (
    "工号", "姓名", "单位", "考核组", "科室", "职务职级", "职级类别", "考核等次", "自评档次",
    "领导评价档次", "标记", "不定档类别", "应出勤天数", "实际出勤天数", "来源文件", "备注",
)
LEDGER_WIDTHS = (10, 10, 16, 12, 12, 16, 26, 9, 9, 11, 24, 24, 10, 11, 36, 30)
LEDGER_SPEC = TemplateSpec(LEDGER_FILE, {}, frozenset(LEDGER_HEADERS))
META_SHEET = "_kaoping"

# ---------------------------------------------------------------- 问题清单 layout
# A unit's sheet is what the clerk sends to the unit: 序号 级别 规则 姓名 文件 工作表 单元格 问题 改法
# and a blank 处理情况 for the unit; the 全部 sheet, the clerk's own, has 单位 as well. The writer
# copies the 单位 sheet once per unit. (header, column width): about 137 units, one A4 landscape
# page at nearly full size.
PROBLEM_COLUMNS = (("序号", 5), ("级别", 6), ("规则", 6), ("姓名", 9), ("文件", 22), ("工作表", 12),
                   ("单元格", 9), ("问题", 40), ("改法", 18), ("处理情况", 10))
PROBLEM_UNIT_COLUMN = ("单位", 12)  # on the 全部 sheet only, after 规则
PROBLEM_BLANK = "处理情况"  # no placeholder: the unit writes there
PROBLEM_FOOTER = "请逐条改正后在“处理情况”栏写明改正情况，连同改好的表格一并交回。第 &P 页，共 &N 页"
PROBLEM_CENTRED = {"序号", "级别", "规则", "单元格"}
PROBLEMS_ALL_SHEET, PROBLEMS_UNIT_SHEET = "全部", "单位"
PROBLEMS_SPEC = TemplateSpec(PROBLEMS_FILE, {"标题": None, "范围": None, "条数": None},
                             frozenset(h for h, _ in (*PROBLEM_COLUMNS, PROBLEM_UNIT_COLUMN)
                                       if h != PROBLEM_BLANK))


def _field(name: str, field: str) -> str:
    return f"{{{{ {name}.{field} }}}}"


def _merge(ws: Worksheet, ref: str, value: object = None, *, font: Font = BODY_FONT,
           alignment: Alignment = CENTER, border: bool = True) -> None:
    ws.merge_cells(ref)
    first = ws[ref.split(":")[0]]
    first.value = value
    first.font, first.alignment = font, alignment
    if border:
        for row in ws[ref]:
            for c in row:
                c.border = BORDER


def _boxed(ws: Worksheet, row: int, col: int, value: object = None, *, font: Font = BODY_FONT,
           alignment: Alignment = CENTER) -> None:
    c = ws.cell(row, col, value)
    c.font, c.alignment, c.border = font, alignment, BORDER


def write_meta(wb: Workbook, items: dict[str, object]) -> Worksheet:
    """The hidden `_kaoping` sheet: key/value rows that identify a kaoping workbook."""
    ws = wb.create_sheet(META_SHEET)
    for key, value in items.items():
        ws.append([key, None if value is None else str(value)])
    ws.sheet_state = "hidden"
    return ws


# ---------------------------------------------------------------- builders


def build_annex4() -> Workbook:
    """附件4 公务员平时考核结果备案表, its counts and texts as placeholders."""
    wb = Workbook()
    ws = wb.active
    ws.title = "备案表"
    for col, width in zip("ABCDEFGHI", (20, 9, 9, 9, 9, 9, 9, 10, 10), strict=True):
        ws.column_dimensions[col].width = width
    _merge(ws, "A1:I1", ANNEX4_TITLE, font=TITLE_FONT, border=False)
    ws.row_dimensions[1].height = 30
    _merge(ws, "A2:I2", "（{{ 年度 }}年度第{{ 季度 }}季度）", font=LABEL_FONT, border=False)
    ws.row_dimensions[2].height = 22
    _merge(ws, "A3:A4", "职务职级", font=HEADER_FONT)
    _merge(ws, "B3:B4", "公务员\n总数", font=HEADER_FONT)
    _merge(ws, "C3:C4", "应参加\n考核\n人数", font=HEADER_FONT)
    _merge(ws, "D3:H3", "考核结果", font=HEADER_FONT)
    _merge(ws, "I3:I4", "未参加\n考核人数", font=HEADER_FONT)
    for col, label in enumerate(("好等次\n人数", "较好等次\n人数", "一般等次\n人数",
                                 "较差等次\n人数", "不确定等次\n人数"), start=4):
        _boxed(ws, 4, col, label, font=HEADER_FONT)
    ws.row_dimensions[3].height = 24
    ws.row_dimensions[4].height = 42
    for cat, row in A4_CATEGORY_ROWS.items():
        _boxed(ws, row, 1, A4_CATEGORY_LABELS[cat], font=LABEL_FONT)
        for col, field in enumerate(A4_FIELDS, start=2):
            _boxed(ws, row, col, _field(A4_ROW_NAMES[cat], field))
        ws.row_dimensions[row].height = 36
    _boxed(ws, A4_TOTAL_ROW, 1, "合计", font=HEADER_FONT)
    for col, field in enumerate(A4_FIELDS, start=2):
        _boxed(ws, A4_TOTAL_ROW, col, _field(A4_TOTAL_NAME, field))
    ws.row_dimensions[A4_TOTAL_ROW].height = 28
    _boxed(ws, A4_RATIO_ROW, 1, "好等次比例", font=LABEL_FONT)
    _merge(ws, f"B{A4_RATIO_ROW}:I{A4_RATIO_ROW}", "{{ 好等次比例 }}")
    ws.cell(A4_RATIO_ROW, 2).number_format = "0.0%"
    ws.row_dimensions[A4_RATIO_ROW].height = 28
    _merge(ws, f"A{A4_UNIT_ROW}:A{A4_SEAL_ROW}", "呈报\n单位", font=LABEL_FONT)
    _merge(ws, f"B{A4_UNIT_ROW}:I{A4_UNIT_ROW}", "{{ 呈报单位 }}")
    _merge(ws, f"B{A4_SEAL_ROW}:I{A4_SEAL_ROW}", "（盖 章）\n{{ 日期 }}")
    ws.row_dimensions[A4_UNIT_ROW].height = 30
    ws.row_dimensions[A4_SEAL_ROW].height = 40
    _boxed(ws, A4_REMARK_ROW, 1, "备注", font=LABEL_FONT)
    _merge(ws, f"B{A4_REMARK_ROW}:I{A4_REMARK_ROW}", "{{ 备注 }}", alignment=WRAP)
    ws.row_dimensions[A4_REMARK_ROW].height = 90
    _merge(ws, f"A{A4_NOTE_ROW}:I{A4_NOTE_ROW}", QUARTERLY_NOTE, font=NOTE_FONT, alignment=WRAP,
           border=False)
    ws.row_dimensions[A4_NOTE_ROW].height = 30
    a4(ws, fit_width=False)  # one page
    ws.print_area = f"A1:I{A4_NOTE_ROW}"
    write_meta(wb, {"kind": "annex4", "template_version": TEMPLATE_VERSION})
    return wb


def _build_list(title: str, period_text: str, unit_label: str, date_text: str,
                headers: tuple[str, ...], fields: tuple[str, ...], blank_rows: int, note: str,
                kind: str) -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = "名单表"
    for col, width in zip("ABCDEF", LIST_WIDTHS, strict=True):
        ws.column_dimensions[col].width = width
    _merge(ws, "A1:F1", title, font=TITLE_FONT, border=False)
    ws.row_dimensions[1].height = 48
    ws["A1"].alignment = CENTER
    _merge(ws, "A2:F2", period_text, font=LABEL_FONT, border=False)
    _merge(ws, "A3:D3", unit_label, font=LABEL_FONT,
           alignment=Alignment(horizontal="left", vertical="center"), border=False)
    _merge(ws, "E3:F3", date_text, font=LABEL_FONT,
           alignment=Alignment(horizontal="right", vertical="center"), border=False)
    ws.row_dimensions[3].height = 24
    for col, label in enumerate(headers, start=1):
        _boxed(ws, LIST_HEADER_ROW, col, label, font=HEADER_FONT)
    ws.row_dimensions[LIST_HEADER_ROW].height = 26
    for i in range(1 + blank_rows):  # the record row, then ruled blank rows
        row = LIST_FIRST_ROW + i
        for col, field in enumerate(fields, start=1):
            _boxed(ws, row, col, _field(RECORD, field) if i == 0 else None,
                   alignment=WRAP if col == LIST_COLS else CENTER)
        ws.row_dimensions[row].height = 24
    note_row = LIST_FIRST_ROW + 1 + blank_rows
    _merge(ws, f"A{note_row}:F{note_row}", note, font=NOTE_FONT, alignment=WRAP, border=False)
    a4(ws)  # one page wide, as many pages tall as the list needs
    ws.print_title_rows = f"{LIST_HEADER_ROW}:{LIST_HEADER_ROW}"
    ws.print_area = f"A1:F{note_row}"
    write_meta(wb, {"kind": kind, "template_version": TEMPLATE_VERSION})
    return wb


def build_annex5() -> Workbook:
    """附件5 公务员平时考核好、一般、较差、不确定等次、未参加考核人员名单表."""
    return _build_list(ANNEX5_TITLE, "（{{ 年度 }}年第{{ 季度 }}季度）", "呈报单位(盖章)：{{ 呈报单位 }}",
                       "{{ 日期 }}", ANNEX5_HEADERS, ANNEX5_FIELDS, ANNEX5_BLANK_ROWS,
                       QUARTERLY_NOTE, "annex5")


def build_annex6() -> Workbook:
    """附件6 公务员平时考核好等次2次以上人员名单表 (filled by the annual report)."""
    return _build_list(ANNEX6_TITLE, "（{{ 年度 }}年度）{% if 暂定 %}（暂定）{% endif %}",
                       "呈报单位盖章：{{ 呈报单位 }}", "年　　月　　日", ANNEX6_HEADERS,
                       ANNEX6_FIELDS, ANNEX6_BLANK_ROWS, ANNUAL_NOTE, "annex6")


def _register(ws: Worksheet, row: int, headers: tuple[str, ...], widths: tuple[int, ...],
              **header_style: object) -> None:
    """A header row at `row` (labels = the record fields) and the record row below it, with a
    filter, the header repeated on every printed page, A4 landscape one page wide."""
    for col, (label, width) in enumerate(zip(headers, widths, strict=True), start=1):
        c = ws.cell(row, col, label)
        c.font, c.border = HEADER_FONT, BORDER
        for attr, value in header_style.items():
            setattr(c, attr, value)
        ws.column_dimensions[c.column_letter].width = width
        c = ws.cell(row + 1, col, _field(RECORD, label))
        c.font, c.border, c.alignment = BODY_FONT, BORDER, WRAP
    ws.auto_filter.ref = f"A{row}:{ws.cell(row, len(headers)).column_letter}{row + 1}"
    ws.print_title_rows = f"{row}:{row}"
    a4(ws, landscape=True)


def build_ledger() -> Workbook:
    """季度结果台账: a header row and the record row; `_kaoping` says kind=ledger, year, quarter."""
    wb = Workbook()
    ws = wb.active
    ws.title = LEDGER_SHEET
    _register(ws, 1, LEDGER_HEADERS, LEDGER_WIDTHS, alignment=CENTER)
    ws["A2"].number_format = "@"  # 工号 stays text ("007" keeps its zeros)
    ws.freeze_panes = "C2"
    write_meta(wb, {"kind": "ledger", "template_version": TEMPLATE_VERSION, "year": None,
                    "quarter": None})
    return wb


def _problems_sheet(ws: Worksheet, columns: Sequence[tuple[str, int]]) -> None:
    ws["A1"] = "{{ 标题 }}（{{ 范围 }}，共 {{ 条数 }} 条）"
    ws["A1"].font = TITLE_FONT
    ws.row_dimensions[1].height = 24
    for col, (label, width) in enumerate(columns, start=1):
        c = ws.cell(2, col, label)
        c.font, c.fill, c.border, c.alignment = HEADER_FONT, HEADER_FILL, BORDER, CENTER
        ws.column_dimensions[c.column_letter].width = width
        c = ws.cell(3, col, None if label == PROBLEM_BLANK else _field(RECORD, label))
        c.font, c.border = BODY_FONT, BORDER
        c.alignment = CENTER if label in PROBLEM_CENTRED else WRAP
    ws.freeze_panes = "A3"
    ws.auto_filter.ref = f"A2:{ws.cell(2, len(columns)).column_letter}3"
    ws.print_title_rows = "2:2"
    ws.oddFooter.center.text = PROBLEM_FOOTER
    a4(ws, landscape=True)


def build_problems() -> Workbook:
    """问题清单: the 全部 sheet (with 单位) and the 单位 sheet the writer copies per unit, each a
    title, a header row and the record row; A4 landscape, one page wide, header on every page."""
    wb = Workbook()
    ws = wb.active
    ws.title = PROBLEMS_ALL_SHEET
    _problems_sheet(ws, [*PROBLEM_COLUMNS[:3], PROBLEM_UNIT_COLUMN, *PROBLEM_COLUMNS[3:]])
    _problems_sheet(wb.create_sheet(PROBLEMS_UNIT_SHEET), PROBLEM_COLUMNS)
    write_meta(wb, {"kind": "problems"})
    return wb


BUILDERS = {
    ANNEX4_FILE: build_annex4,
    ANNEX5_FILE: build_annex5,
    ANNEX6_FILE: build_annex6,
    LEDGER_FILE: build_ledger,
    PROBLEMS_FILE: build_problems,
}
SPECS: dict[str, TemplateSpec] = {
    ANNEX4_FILE: ANNEX4_SPEC,
    ANNEX5_FILE: ANNEX5_SPEC,
    ANNEX6_FILE: ANNEX6_SPEC,
    LEDGER_FILE: LEDGER_SPEC,
    PROBLEMS_FILE: PROBLEMS_SPEC,
}


def load_template(spec: TemplateSpec, template_dir: Path | None = None) -> Template:
    """The checked template of `spec` from `template_dir` (a restyled set), else the shipped one."""
    return read_template(spec, template_dir)


def check_templates(specs: Iterable[TemplateSpec], template_dir: Path | None) -> None:
    """Refuse a restyled set before any slow work: each template is opened and checked."""
    for spec in specs:
        read_template(spec, template_dir)
