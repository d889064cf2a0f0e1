"""“好”等次名额通知单: one printable sheet per unit or 考核组 (`kaoping quarter quota --out`).

The figures and their Chinese labels (`seat_lines`) are shared with the console table of
`kaoping quarter quota` and `kaoping forms quarterly`, so the sheet and the screen say the
same thing.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook

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
from ..output.workbook import Inputs, OutputSet, put
from ..paths import safe_filename
from ..periods import Quarter
from ..rules.attendance import format_ratio
from ..rules.seats import Seats
from ..rules.settings import Settings

ROUNDING = {"floor": "向下取整", "round": "四舍五入", "ceil": "向上取整"}
BASE = {"participants": "应参加人数（含不定档）", "graded": "可定档人数（不含不定档）"}
NOTE = ("注：名额＝比例基数×“好”等次比例，按设置取整（§四(三)3）；受表彰直接定好不占名额"
        "（§四(三)4(1)）；不定档人员只参加日常考核、不定档（§二）。病事假超过考核周期一半"
        "（§二第2类）要等当季月度小结收回后才能确定，未计入本通知；收回表格后以 kaoping "
        "quarter check 的核定为准。")


def scope_label(s: Seats) -> str:
    """「机关」考核组（含…） or the unit's name."""
    if s.is_group:
        return f"考核组「{s.key}」（含{'、'.join(s.units)}）"
    return s.key


def quarter_label(q: Quarter) -> str:
    return q.label


def seat_lines(s: Seats, settings: Settings) -> list[tuple[str, int | str]]:
    """The figures of one notice, as (label, value) lines (counts as numbers)."""
    lines = [
        ("应参加考核人数（§二）", s.due),
        ("其中不定档（花名册已知，§二）", len(s.not_graded)),
        ("可定档人数", s.gradable),
        (f"比例基数：{BASE[settings.quota.denominator]}", s.denominator),
        ("“好”等次比例", (f"{format_ratio(settings.quota.good_ratio)}，"
                       f"{ROUNDING[settings.quota.rounding]}")),
        ("可定“好”等次人数（名额）", s.cap),
    ]
    if s.returned is not None:
        r = s.returned
        left = s.left or 0
        lines += [
            ("已收回评价表人数（实际参加）", r.participants),
            ("已定“好”（占名额）", r.good),
            ("受表彰直接定好（不占名额）", r.commended),
            ("剩余名额", left if left >= 0 else f"超出 {-left} 人"),
            ("按已收回表格核定的上限", r.cap),
        ]
    return lines


def _title(ws, row: int, text: str, width: int = 4) -> None:
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    c = put(ws.cell(row, 1), text)
    c.font, c.alignment = TITLE_FONT, CENTER


def _header(ws, row: int, labels: Sequence[str]) -> None:
    for col, label in enumerate(labels, start=1):
        c = put(ws.cell(row, col), label)
        c.font, c.fill, c.border, c.alignment = HEADER_FONT, HEADER_FILL, BORDER, CENTER


def _body(ws, row: int, values: Sequence[object]) -> None:
    for col, value in enumerate(values, start=1):
        c = ws.cell(row, col) if value is None else put(ws.cell(row, col), value)
        c.font, c.border, c.alignment = BODY_FONT, BORDER, WRAP


def _figures(ws, row: int, s: Seats, settings: Settings) -> int:
    for label, value in seat_lines(s, settings):
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
        _body(ws, row, (label, None, None, value))
        ws.cell(row, 4).alignment = CENTER
        row += 1
    return row


def _listing(ws, row: int, heading: str, labels: Sequence[str],
             rows: Sequence[Sequence[object]]) -> int:
    if not rows:
        return row
    row += 1
    put(ws.cell(row, 1), heading).font = HEADER_FONT
    _header(ws, row + 1, labels)
    for i, values in enumerate(rows, start=row + 2):
        _body(ws, i, values)
    return row + 2 + len(rows)


def seats_workbook(s: Seats, quarter: Quarter, settings: Settings) -> Workbook:
    """One notice: the figures, the units of a 考核组, the 不定档 people and the 好 given."""
    wb = Workbook()
    ws = wb.active
    ws.title = "好等次名额"
    _title(ws, 1, f"{quarter_label(quarter)}“好”等次名额通知单")
    ws.merge_cells("A2:D2")
    put(ws["A2"], f"单位/考核组：{scope_label(s)}").font = HEADER_FONT
    row = _figures(ws, 3, s, settings)
    if s.is_group:
        row = _listing(ws, row, "考核组内各单位应参加人数", ("单位", "应参加", "", ""),
                       [(u, n, None, None) for u, n in s.due_by_unit.items()])
    row = _listing(ws, row, "不定档人员（只参加日常考核，不定档，§二）", ("姓名", "单位", "类别", "科室"),
                   [(n.person.name, n.person.unit, n.reason, n.person.section)
                    for n in s.not_graded])
    if s.returned is not None:
        row = _listing(ws, row, "已定“好”等次人员（占名额）", ("序号", "姓名（单位）", "", ""),
                       [(i, who, None, None) for i, who in enumerate(s.returned.good_people, 1)])
    ws.merge_cells(start_row=row + 1, start_column=1, end_row=row + 1, end_column=4)
    note = put(ws.cell(row + 1, 1), NOTE)
    note.font, note.alignment = BODY_FONT, WRAP
    ws.row_dimensions[row + 1].height = 72
    for col, width in zip("ABCD", (22, 22, 30, 16)):
        ws.column_dimensions[col].width = width
    a4(ws, fit_width=False)
    return wb


def seats_path(out_dir: Path, s: Seats, quarter: Quarter) -> Path:
    return Path(out_dir) / safe_filename(f"好等次名额-{s.key}-{quarter}.xlsx")


def write_seats(seats: Sequence[Seats], quarter: Quarter, settings: Settings, out_dir: Path, *,
                force: bool = False, inputs: Inputs = ()) -> list[Path]:
    """Every notice under `out_dir`, all or none (`OutputSet`)."""
    plan = {seats_path(out_dir, s, quarter): seats_workbook(s, quarter, settings) for s in seats}
    with OutputSet(Path(out_dir), list(plan), force=force, inputs=inputs) as out:
        for path, wb in plan.items():
            out.save(wb, path)
    return list(plan)
