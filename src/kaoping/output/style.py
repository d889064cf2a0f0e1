"""Shared look of every workbook kaoping writes: fonts, borders, A4 page setup."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

TITLE_FONT = Font(name="宋体", size=16, bold=True)
HEADER_FONT = Font(name="宋体", size=11, bold=True)
BODY_FONT = Font(name="仿宋", size=11)
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(horizontal="left", vertical="center", wrap_text=True)
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")


def a4(ws: Worksheet, *, landscape: bool = False, fit_width: bool = True) -> None:
    """A4 paper, fit to one page wide (and tall for forms), centred, modest margins."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1 if not fit_width else 0
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6


# An 11 pt line of the body font, in points, with the cell's own top and bottom room.
LINE_HEIGHT = 14.5
ROW_PADDING = 4


def text_lines(text: object, width: float, *, cjk: float = 2.0, other: float = 1.1) -> int:
    """How many lines `text` takes wrapped in a column `width` units wide: an 11 pt CJK
    character is about two units of Excel's column width, other characters about one (a
    little over, so a row is rather a line too tall than clipped)."""
    room = max(width - 1, 1)  # the cell's own left and right padding
    lines = 0
    for line in str(text).split("\n"):
        units = sum(cjk if unicodedata.east_asian_width(ch) in "WF" else other for ch in line)
        lines += max(1, math.ceil(units / room))
    return lines


def row_height(values: Sequence[object], widths: Sequence[float]) -> float:
    """The height (points) a row needs so each wrapped value prints whole: neither Excel nor
    LibreOffice grows a row by itself when a workbook is opened, so text would run over the
    rows below (or be clipped) on paper."""
    lines = max((text_lines(v, w) for v, w in zip(values, widths, strict=True) if v not in (None, "")),
                default=1)
    return lines * LINE_HEIGHT + ROW_PADDING

