"""Returned 谈话提醒和批评教育名单 (§五(二)): the quarterly follow-up lists `quarter report` writes,
read back once the units have filled in 落实情况 and 落实日期.

Found by labels, as the other readers do (a row inserted above the table, columns moved or a
sheet renamed still read): a sheet whose header row holds 工号 or 姓名, 落实情况 and 落实日期; the
action from the sheet's name or title (谈话提醒 / 批评教育); year, quarter and unit from the
hidden `_kaoping` sheet, else from the title ('2026年第三季度平时考核谈话提醒名单（财务处）').
Never raises for a bad file: `problem` says why it is no usable list.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import KaopingError
from ..rules.settings import LimitSettings
from .book import Grid, cell_ref, load_book
from .cells import parse_date
from .detect import read_meta

KIND = "followup"  # `_kaoping` kind of the lists (models.FormKind.FOLLOWUP)
ACTIONS = ("谈话提醒", "批评教育")  # §五(二): 一般 → 谈话提醒, 较差 → 批评教育
_TITLE = re.compile(r"(\d{4})年第([一二三四1-4])季度.*?（(.+?)）")
_CN = {"一": 1, "二": 2, "三": 3, "四": 4}
_HEADER_ROWS = 30
_LABELS = ("序号", "工号", "姓名", "单位", "科室", "考核等次", "措施", "落实情况", "落实日期")


@dataclass
class FollowupEntry:
    """One person of a returned list and what the unit wrote."""

    action: str  # 谈话提醒 / 批评教育
    staff_id: str | None
    name: str | None
    unit: str | None
    done: str | None  # 落实情况
    done_on: dt.date | None  # 落实日期
    done_on_text: str | None  # 落实日期 as written when it is no date
    sheet: str
    row: int
    cells: dict[str, str] = field(default_factory=dict)  # 落实情况 / 落实日期 → cell


@dataclass
class FollowupList:
    path: Path
    year: int | None = None
    quarter: int | None = None
    unit: str | None = None  # a unit, or 全中心
    entries: list[FollowupEntry] = field(default_factory=list)
    problem: str | None = None
    other_kind: bool = False  # a kaoping workbook of another kind (skipped quietly)


def _norm(value: object) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value or "")))


def _header(grid: Grid) -> tuple[int, dict[str, int]] | None:
    for r in range(1, min(grid.max_row, _HEADER_ROWS) + 1):
        cols = {_norm(grid.value(r, c)): c for c in range(1, grid.max_col + 1)}
        found = {label: cols[label] for label in _LABELS if label in cols}
        if "落实情况" in found and "落实日期" in found and ("工号" in found or "姓名" in found):
            return r, found
    return None


def _action(grid: Grid) -> str | None:
    texts = [grid.name, *(str(grid.value(r, 1) or "") for r in range(1, 4))]
    return next((a for a in ACTIONS for t in texts if a in t), None)


def _text(grid: Grid, r: int, col: int | None) -> str | None:
    return (grid.text(r, col).strip() or None) if col else None


def _entry(grid: Grid, r: int, cols: dict[str, int], action: str, year: int | None) -> FollowupEntry:
    raw_date = grid.value(r, cols["落实日期"])
    done_on, done_on_text = None, None
    if raw_date is not None and str(raw_date).strip():
        try:
            done_on = parse_date(raw_date, year=year)
        except KaopingError:
            done_on_text = str(raw_date).strip()
    if (error := grid.error_values.get((r, cols["落实日期"]))) is not None:
        done_on_text = f"{error}（Excel 错误值）"  # read as blank it would be 未落实
    sid = _text(grid, r, cols.get("工号"))
    return FollowupEntry(
        action=action, staff_id=sid, name=_text(grid, r, cols.get("姓名")),
        unit=_text(grid, r, cols.get("单位")), done=_text(grid, r, cols["落实情况"]),
        done_on=done_on, done_on_text=done_on_text, sheet=grid.name, row=r,
        cells={"done": cell_ref(r, cols["落实情况"]), "done_on": cell_ref(r, cols["落实日期"])})


def _rows(lst: FollowupList, grid: Grid) -> None:
    header = _header(grid)
    action = _action(grid)
    if header is None or action is None:
        return
    top, cols = header
    for r in range(top + 1, grid.max_row + 1):
        who = [_text(grid, r, cols.get(k)) for k in ("工号", "姓名")]
        if not any(who) or (who[0] or "").startswith(("（无）", "注")):
            continue
        lst.entries.append(_entry(grid, r, cols, action, lst.year))


def _from_title(lst: FollowupList, grid: Grid) -> None:
    m = next((m for r in range(1, 4) if (m := _TITLE.search(str(grid.value(r, 1) or "")))), None)
    if m is not None:
        lst.year = lst.year or int(m.group(1))
        lst.quarter = lst.quarter or _CN.get(m.group(2)) or int(m.group(2))
        lst.unit = lst.unit or m.group(3)


def read_followup(path: Path, *, limits: LimitSettings | None = None) -> FollowupList:
    """Read one returned list (see the module docstring)."""
    lst = FollowupList(path=Path(path))
    try:
        book = load_book(lst.path, limits or LimitSettings())
    except KaopingError as exc:
        lst.problem = f"无法读取：{exc.message}"
        return lst
    kv = read_meta(book)
    if kv.get("kind") and kv["kind"] != KIND:
        lst.problem, lst.other_kind = "不是谈话提醒和批评教育名单", True
        return lst
    lst.year = int(kv["year"]) if kv.get("year", "").isdigit() else None
    lst.quarter = int(kv["quarter"]) if kv.get("quarter", "").isdigit() else None
    lst.unit = kv.get("unit") or None
    sheets = [g for g in book.visible_sheets() if _action(g) and _header(g)]
    if not sheets:
        lst.problem, lst.other_kind = "不是谈话提醒和批评教育名单（找不到含“落实情况”“落实日期”的表）", not kv
        return lst
    for grid in sheets:
        _from_title(lst, grid)
        _rows(lst, grid)
    if lst.year is None or lst.quarter is None:
        lst.problem = "看不出是哪个季度的名单（标题应如“2026年第三季度平时考核谈话提醒名单（财务处）”）"
    return lst
