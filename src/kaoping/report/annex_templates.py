"""Templates of the filing tables 附件4, 附件5, 附件6 and the 季度结果台账.

The layout follows the annexes of the measures (温公积金〔2021〕46号) cell for cell. The
builders here are used by `scripts/build_report_templates.py`, which saves them under
`templates/xlsx/` (committed, so a clerk can restyle them in Excel), and as a fallback by
`load_template` when kaoping runs from an installation without the repository's templates.
Fillers (`kaoping.report.filing`, the annual report) locate cells through the constants below.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from ..errors import KaopingError
from ..output.style import BODY_FONT, BORDER, CENTER, HEADER_FONT, TITLE_FONT, WRAP, a4
from ..models import RankCategory

TEMPLATE_VERSION = "1"
TEMPLATE_DIR = Path(__file__).resolve().parents[3] / "templates" / "xlsx"

ANNEX4_FILE = "附件4-公务员平时考核结果备案表.xlsx"
ANNEX5_FILE = "附件5-公务员平时考核好、一般、较差、不确定等次、未参加考核人员名单表.xlsx"
ANNEX6_FILE = "附件6-公务员平时考核好等次2次以上人员名单表.xlsx"
LEDGER_FILE = "台账-季度结果台账.xlsx"

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
A4_COL_TOTAL = 2  # 公务员总数
A4_COL_DUE = 3  # 应参加考核人数
A4_COL_GRADES = (4, 5, 6, 7, 8)  # 好, 较好, 一般, 较差, 不确定
A4_COL_ABSENT = 9  # 未参加考核人数
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

# ---------------------------------------------------------------- 附件5 / 附件6 layout
# Columns A..F: 序号 | 姓名 | 所在处（科） | 职务职级 | 考核等次 / “好”次数 | 备注
LIST_COLS = 6
LIST_PERIOD_CELL = "A2"
LIST_UNIT_CELL = "A3"  # 呈报单位(盖章)：<unit>
LIST_DATE_CELL = "E3"  # 年 月 日
LIST_HEADER_ROW = 4
LIST_FIRST_ROW = 5
LIST_BLANK_ROWS = 7  # blank ruled rows in the template, as in the annex
LIST_WIDTHS = (7, 12, 22, 22, 12, 34)
ANNEX5_HEADERS = ("序号", "姓  名", "所在处（科）", "职务职级", "考核等次", "备注")
ANNEX6_HEADERS = ("序号", "姓  名", "所在处（科）", "职务职级", "“好”次数", "备注")

# ---------------------------------------------------------------- 季度结果台账 layout
LEDGER_SHEET = "季度结果台账"
LEDGER_HEADERS = (
    "工号", "姓名", "单位", "考核组", "科室", "职务职级", "职级类别", "考核等次", "自评档次",
    "领导评价档次", "标记", "不定档类别", "应出勤天数", "实际出勤天数", "来源文件", "备注",
)
LEDGER_WIDTHS = (10, 10, 16, 12, 12, 16, 26, 9, 9, 11, 24, 24, 10, 11, 36, 30)
META_SHEET = "_kaoping"


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
    """附件4 公务员平时考核结果备案表 (blank)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "备案表"
    for col, width in zip("ABCDEFGHI", (20, 9, 9, 9, 9, 9, 9, 10, 10), strict=True):
        ws.column_dimensions[col].width = width
    _merge(ws, "A1:I1", ANNEX4_TITLE, font=TITLE_FONT, border=False)
    ws.row_dimensions[1].height = 30
    _merge(ws, "A2:I2", "（　　年度第　　季度）", font=LABEL_FONT, border=False)
    ws.row_dimensions[2].height = 22
    _merge(ws, "A3:A4", "职务职级", font=HEADER_FONT)
    _merge(ws, "B3:B4", "公务员\n总数", font=HEADER_FONT)
    _merge(ws, "C3:C4", "应参加\n考核\n人数", font=HEADER_FONT)
    _merge(ws, "D3:H3", "考核结果", font=HEADER_FONT)
    _merge(ws, "I3:I4", "未参加\n考核人数", font=HEADER_FONT)
    for col, label in zip(A4_COL_GRADES, ("好等次\n人数", "较好等次\n人数", "一般等次\n人数",
                                          "较差等次\n人数", "不确定等次\n人数"), strict=True):
        _boxed(ws, 4, col, label, font=HEADER_FONT)
    ws.row_dimensions[3].height = 24
    ws.row_dimensions[4].height = 42
    for cat, row in A4_CATEGORY_ROWS.items():
        _boxed(ws, row, 1, A4_CATEGORY_LABELS[cat], font=LABEL_FONT)
        for col in range(2, A4_COLS + 1):
            _boxed(ws, row, col)
        ws.row_dimensions[row].height = 36
    _boxed(ws, A4_TOTAL_ROW, 1, "合计", font=HEADER_FONT)
    for col in range(2, A4_COLS + 1):
        _boxed(ws, A4_TOTAL_ROW, col)
    ws.row_dimensions[A4_TOTAL_ROW].height = 28
    _boxed(ws, A4_RATIO_ROW, 1, "好等次比例", font=LABEL_FONT)
    _merge(ws, f"B{A4_RATIO_ROW}:I{A4_RATIO_ROW}", None)
    ws.row_dimensions[A4_RATIO_ROW].height = 28
    _merge(ws, f"A{A4_UNIT_ROW}:A{A4_SEAL_ROW}", "呈报\n单位", font=LABEL_FONT)
    _merge(ws, f"B{A4_UNIT_ROW}:I{A4_UNIT_ROW}", None)
    _merge(ws, f"B{A4_SEAL_ROW}:I{A4_SEAL_ROW}", "盖 章\n年　　月　　日")
    ws.row_dimensions[A4_UNIT_ROW].height = 30
    ws.row_dimensions[A4_SEAL_ROW].height = 40
    _boxed(ws, A4_REMARK_ROW, 1, "备注", font=LABEL_FONT)
    _merge(ws, f"B{A4_REMARK_ROW}:I{A4_REMARK_ROW}", None, alignment=WRAP)
    ws.row_dimensions[A4_REMARK_ROW].height = 90
    _merge(ws, f"A{A4_NOTE_ROW}:I{A4_NOTE_ROW}", QUARTERLY_NOTE, font=NOTE_FONT, alignment=WRAP,
           border=False)
    ws.row_dimensions[A4_NOTE_ROW].height = 30
    a4(ws, fit_width=False)  # one page
    ws.print_area = f"A1:I{A4_NOTE_ROW}"
    write_meta(wb, {"kind": "annex4", "template_version": TEMPLATE_VERSION})
    return wb


def _build_list(title: str, period_text: str, unit_label: str, headers: tuple[str, ...],
                note: str, kind: str) -> Workbook:
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
    _merge(ws, "E3:F3", "年　　月　　日", font=LABEL_FONT,
           alignment=Alignment(horizontal="right", vertical="center"), border=False)
    ws.row_dimensions[3].height = 24
    for col, label in enumerate(headers, start=1):
        _boxed(ws, LIST_HEADER_ROW, col, label, font=HEADER_FONT)
    ws.row_dimensions[LIST_HEADER_ROW].height = 26
    for i in range(LIST_BLANK_ROWS):
        row = LIST_FIRST_ROW + i
        for col in range(1, LIST_COLS + 1):
            _boxed(ws, row, col, alignment=WRAP if col == LIST_COLS else CENTER)
        ws.row_dimensions[row].height = 24
    note_row = LIST_FIRST_ROW + LIST_BLANK_ROWS
    _merge(ws, f"A{note_row}:F{note_row}", note, font=NOTE_FONT, alignment=WRAP, border=False)
    a4(ws)  # one page wide, as many pages tall as the list needs
    ws.print_title_rows = f"{LIST_HEADER_ROW}:{LIST_HEADER_ROW}"
    write_meta(wb, {"kind": kind, "template_version": TEMPLATE_VERSION})
    return wb


def build_annex5() -> Workbook:
    """附件5 公务员平时考核好、一般、较差、不确定等次、未参加考核人员名单表 (blank)."""
    return _build_list(ANNEX5_TITLE, "（　　　　季度）", "呈报单位(盖章)：", ANNEX5_HEADERS,
                       QUARTERLY_NOTE, "annex5")


def build_annex6() -> Workbook:
    """附件6 公务员平时考核好等次2次以上人员名单表 (blank; filled by the annual report)."""
    return _build_list(ANNEX6_TITLE, "（　　　　年度）", "呈报单位盖章：", ANNEX6_HEADERS,
                       ANNUAL_NOTE, "annex6")


def build_ledger() -> Workbook:
    """季度结果台账 (blank): one header row; `_kaoping` says kind=ledger, year, quarter."""
    wb = Workbook()
    ws = wb.active
    ws.title = LEDGER_SHEET
    for col, (label, width) in enumerate(zip(LEDGER_HEADERS, LEDGER_WIDTHS, strict=True), start=1):
        c = ws.cell(1, col, label)
        c.font, c.alignment, c.border = HEADER_FONT, CENTER, BORDER
        ws.column_dimensions[c.column_letter].width = width
    ws.freeze_panes = "C2"
    ws.print_title_rows = "1:1"
    a4(ws, landscape=True)
    write_meta(wb, {"kind": "ledger", "template_version": TEMPLATE_VERSION, "year": None,
                    "quarter": None})
    return wb


BUILDERS = {
    ANNEX4_FILE: build_annex4,
    ANNEX5_FILE: build_annex5,
    ANNEX6_FILE: build_annex6,
    LEDGER_FILE: build_ledger,
}


def load_template(name: str, template_dir: Path | None = None) -> Workbook:
    """Open a committed template (so local restyling is kept), else build it in memory."""
    if name not in BUILDERS:
        raise KeyError(name)
    path = (template_dir or TEMPLATE_DIR) / name
    if path.is_file():
        try:
            return load_workbook(path)
        except Exception as exc:  # a damaged template must not stop the report silently
            raise KaopingError(f"模板文件无法打开（{exc}），可运行 scripts/build_report_templates.py 重新生成",
                               file=str(path)) from None
    return BUILDERS[name]()
