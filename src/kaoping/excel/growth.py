"""Returned 干部成长考核考察记实表 (§四(四)1 个别谈话): read one back (`forms.halfyear` writes it).

What is read: whose record (工号 and 单位 from `_kaoping`, else the printed 姓名 / 工号 /
单位 cells), which half (`_kaoping`, else the printed '（2026年上半年）'), the talk record
under 个别谈话记录, and the two signature lines: 谈话人（签字）and 谈话日期, 被谈话人（签字）and
记录人（签字）. The underscores of the blank template count as empty. Never raises for a bad
file: a workbook that cannot be read, or is no 记实表, says so in `problem`.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import KaopingError
from ..models import FormKind
from ..rules.settings import LimitSettings
from .book import Grid, cell_ref, load_book
from .cells import parse_date
from .detect import read_meta

RECORD_SHEET = "记实表"
_HALF_TEXT = re.compile(r"(\d{4})年([上下])半年")
_TALK_LINE = re.compile(r"^谈话人\(签字\):(?P<who>.*?)谈话日期:(?P<date>.*)$")
_SIGNED_LINE = re.compile(r"^被谈话人\(签字\):(?P<who>.*?)(?:记录人\(签字\):(?P<rec>.*))?$")
_BLANKS = re.compile(r"[_\s]+")


@dataclass
class GrowthRecord:
    """One returned 记实表 as read; `cells` maps each part to its cell (for messages)."""

    path: Path
    sheet: str | None = None
    staff_id: str | None = None
    name: str | None = None
    unit: str | None = None
    half: str | None = None  # '2026H1'
    talk: str | None = None  # 个别谈话记录
    interviewer: str | None = None  # 谈话人（签字）
    talk_date: dt.date | None = None
    talk_date_text: str | None = None  # as written, when it is no date
    interviewee: str | None = None  # 被谈话人（签字）
    recorder: str | None = None  # 记录人（签字）
    cells: dict[str, str] = field(default_factory=dict)
    # cell → the Excel error value (#REF!…) it holds: it reads as blank, so whether the
    # record is signed cannot be told (rules.talks: H6)
    error_values: dict[str, str] = field(default_factory=dict)
    problem: str | None = None  # why this file is no usable 记实表 (None: it is one)
    other_kind: bool = False  # a kaoping workbook of another kind (skipped quietly)

    @property
    def missing(self) -> list[str]:
        """What a signed record lacks: 谈话记录, 谈话人签字, 谈话日期, 被谈话人签字."""
        parts = (("谈话记录", self.talk), ("谈话人签字", self.interviewer),
                 ("谈话日期", self.talk_date), ("被谈话人签字", self.interviewee))
        return [label for label, value in parts if not value]


def _norm(value: object) -> str:
    return unicodedata.normalize("NFKC", str(value or "")).strip()


def _filled(text: str | None) -> str | None:
    """A signature or date as written, None for the template's underscores."""
    text = _BLANKS.sub("", text or "")
    return text or None


def _labelled(grid: Grid, label: str) -> tuple[str | None, str | None]:
    """The value right of the cell labelled `label` (spaces ignored), and its cell."""
    for r, c, v in grid.cells():
        if _BLANKS.sub("", _norm(v)) == label:
            value = grid.text(r, c + 1).strip()
            return (value or None), cell_ref(r, c + 1)
    return None, None


def _talk(rec: GrowthRecord, grid: Grid) -> None:
    for r, c, v in grid.cells():
        if _norm(v).startswith("个别谈话记录"):
            rec.talk = grid.text(r + 1, c).strip() or None
            rec.cells["talk"] = cell_ref(r + 1, c)
            return


def _date(rec: GrowthRecord, text: str | None, year: int | None) -> None:
    filled = _filled(text)
    if filled is None or _filled(filled.replace("年", "").replace("月", "").replace("日", "")) is None:
        return
    try:
        rec.talk_date = parse_date(filled, year=year)
    except KaopingError:
        rec.talk_date_text = filled


def _signatures(rec: GrowthRecord, grid: Grid, year: int | None) -> None:
    for r, c, v in grid.cells():
        text = _norm(v)
        if (m := _TALK_LINE.match(text)) is not None:
            rec.interviewer = _filled(m["who"])
            _date(rec, m["date"], year)
            rec.cells["talk_line"] = cell_ref(r, c)
        elif (m := _SIGNED_LINE.match(text)) is not None:
            rec.interviewee, rec.recorder = _filled(m["who"]), _filled(m["rec"])
            rec.cells["signed_line"] = cell_ref(r, c)


def _half(meta: dict[str, str], grid: Grid) -> str | None:
    if meta.get("half") or meta.get("period"):
        return meta.get("half") or meta.get("period")
    m = next((m for _, _, v in grid.cells() if (m := _HALF_TEXT.search(_norm(v)))), None)
    return None if m is None else f"{m.group(1)}H{1 if m.group(2) == '上' else 2}"


def read_growth_record(path: Path, *, limits: LimitSettings | None = None) -> GrowthRecord:
    """Read one returned 记实表 (see the module docstring)."""
    rec = GrowthRecord(path=Path(path))
    try:
        book = load_book(rec.path, limits or LimitSettings())
    except KaopingError as exc:
        rec.problem = f"无法读取：{exc.message}"
        return rec
    meta = read_meta(book)
    if meta.get("kind") and meta["kind"] != FormKind.GROWTH_RECORD.value:
        rec.problem, rec.other_kind = "不是干部成长考核考察记实表", True
        return rec
    grid = book.sheet(RECORD_SHEET) or next(
        (g for g in book.visible_sheets() if any("考察记实表" in _norm(v) for _, _, v in g.cells())), None)
    if grid is None:
        rec.problem, rec.other_kind = "不是干部成长考核考察记实表", not meta
        return rec
    rec.sheet = grid.name
    rec.error_values = {cell_ref(r, c): v for (r, c), v in sorted(grid.error_values.items())}
    rec.name, rec.cells["name"] = _labelled(grid, "姓名")
    printed_id, _ = _labelled(grid, "工号")
    printed_unit, _ = _labelled(grid, "单位")
    rec.staff_id = meta.get("staff_id") or printed_id
    rec.unit = meta.get("unit") or printed_unit
    rec.half = _half(meta, grid)
    _talk(rec, grid)
    _signatures(rec, grid, int(rec.half[:4]) if rec.half and rec.half[:4].isdigit() else None)
    if "talk_line" not in rec.cells:
        rec.problem = "找不到“谈话人（签字）……谈话日期”一栏"
    return rec
