"""Returned 集中测评票 (§四(四)2): reading one into a `rules.ballots.Ballot` (the record and
the counting are there; `pipeline.halfyear` reads them all and counts, `report.tally` writes the
推荐结果 workbook).

A ballot is valid when its marks are all readable, every tick names someone on the unit's
list (`_kaoping` staff rows, else the printed list), nobody is ticked twice and there are
no more ticks than its maximum; an invalid ballot is reported and not counted. Files that
cannot be read or are no ballot are skipped, and said (H0).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from ..errors import KaopingError
from ..models import FORM_TITLES, FormKind, Severity
from ..names import normalize_name
from ..paths import entry_problem
from ..rules.ballots import Ballot
from ..rules.settings import LimitSettings
from .book import Book, Grid, cell_ref, load_book
from .cells import NOT_TICK, parse_tick
from .detect import BALLOT_SHEET, META_SHEET, TICK, TICK_HEADER

_HALF_TEXT = re.compile(r"(\d{4})年([上下])半年")
_MAX_TEXT = re.compile(r"最多推荐\s*(\d+)\s*人")
_HEADER_ROWS = 40  # the ballot table's header is looked for in these rows


def _meta_rows(grid: Grid | None) -> list[list[str]]:
    if grid is None:
        return []
    return [[grid.text(r, c) for c in range(1, 5)] for r in range(1, grid.max_row + 1)]


def _other_kind(kind: str) -> str:
    """What a kaoping workbook that is no ballot is (e.g. a 记实表 in the same folder)."""
    what = FORM_TITLES.get(FormKind(kind)) if kind in {k.value for k in FormKind} else None
    return (f"不是集中测评票（是{what}），已跳过" if what else
            f"不是集中测评票（_kaoping 中 kind 为「{kind}」），已跳过")


def _ballot_sheet(book: Book) -> Grid | None:
    return book.sheet(BALLOT_SHEET) or next(
        (g for g in book.visible_sheets() if any("测评票" in str(v) for _, _, v in g.cells())), None)


def _unit(kv: dict[str, str], grid: Grid) -> str | None:
    """单位: from `_kaoping`, else the printed '单位：…' line of a hand-made copy."""
    if kv.get("unit"):
        return kv["unit"]
    for _, _, v in grid.cells():
        t = str(v).strip()
        if t.startswith(("单位：", "单位:")):
            return t.split("：" if "：" in t else ":", 1)[1].strip() or None
    return None


def _half(kv: dict[str, str], grid: Grid) -> str | None:
    """The half ('2026H1'): from `_kaoping`, else the printed '2026年上半年'."""
    if kv.get("half") or kv.get("period"):
        return kv.get("half") or kv.get("period")
    m = next((m for _, _, v in grid.cells() if (m := _HALF_TEXT.search(str(v)))), None)
    return None if m is None else f"{m.group(1)}H{1 if m.group(2) == '上' else 2}"


def _max_ticks(kv: dict[str, str], grid: Grid) -> int | None:
    """最多推荐几人: from `_kaoping`, else the printed '最多推荐 N 人'."""
    text = kv.get("max_ticks")
    if not text:
        m = next((m for _, _, v in grid.cells()
                  if (m := _MAX_TEXT.search(unicodedata.normalize("NFKC", str(v))))), None)
        text = m.group(1) if m else None
    try:
        return int(text) if text else None
    except ValueError:
        return None


def _find_header(grid: Grid) -> tuple[int, int, int] | None:
    """(row, 姓名 column, 推荐 column) of the ballot table."""
    for r in range(1, min(grid.max_row, _HEADER_ROWS) + 1):
        name_col = tick_col = 0
        for c in range(1, grid.max_col + 1):
            t = normalize_name(grid.text(r, c))
            if t == "姓名":
                name_col = c
            elif "推荐" in t and len(t) <= 12:
                tick_col = c
        if name_col and tick_col:
            return r, name_col, tick_col
    return None


def _unit_list(meta: list[list[str]], grid: Grid, header: tuple[int, int, int]
               ) -> tuple[list[tuple[str, str]], dict[str, int]]:
    """The unit's list ((工号, 姓名) each) and the row each is printed on: `_kaoping`'s staff
    rows, else the printed list (names stand for ids)."""
    hrow, name_col, _ = header
    listed = [(row[1], normalize_name(row[2]), row[3]) for row in meta if row and row[0] == "staff"]
    if listed:
        return ([(sid, name) for sid, name, _ in listed],
                {sid: int(row) if row.isdigit() else 0 for sid, _, row in listed})
    printed = [(r, name) for r in range(hrow + 1, grid.max_row + 1)
               if (name := normalize_name(grid.value(r, name_col)))
               and not name.startswith("本单位共")]
    return [(name, name) for _, name in printed], {name: r for r, name in printed}


def _marks(b: Ballot, grid: Grid, header: tuple[int, int, int], row_of: dict[str, int]
           ) -> list[tuple[str, str, str]]:
    """Every tick row's vote into `b.votes`; the problems that make the ballot invalid
    ((rule, message, cell) each)."""
    hrow, name_col, tick_col = header
    ids_by_name: dict[str, list[str]] = {}
    for sid, name in b.staff:
        ids_by_name.setdefault(name, []).append(sid)
    problems: list[tuple[str, str, str]] = []
    for r in range(hrow + 1, grid.max_row + 1):
        raw = grid.value(r, tick_col)
        name = normalize_name(grid.value(r, name_col))
        if (error := grid.error_values.get((r, tick_col))) is not None:  # reads as blank: no vote
            problems.append(("H3", (f"该格是 Excel 错误值 {error}，看不出是否推荐（推荐请打“{TICK}”，"
                                    "不推荐请留空）"), cell_ref(r, tick_col)))
            continue
        if not parse_tick(raw):
            if raw is not None and str(raw).strip() and normalize_name(raw) not in NOT_TICK:
                problems.append(("H3", (f"无法识别的标记「{str(raw).strip()}」（推荐请打“{TICK}”，"
                                        "不推荐请留空）"), cell_ref(r, tick_col)))
            continue
        if not name:
            problems.append(("H2", "打“√”的行没有姓名", cell_ref(r, tick_col)))
            continue
        ids = ids_by_name.get(name, [])
        if len(ids) > 1:  # same name twice in one unit: the row decides
            ids = [sid for sid in ids if row_of.get(sid) == r]
        if len(ids) != 1:
            problems.append(("H2", f"「{name}」不在本单位的测评名单上", cell_ref(r, name_col)))
            continue
        b.votes.append(ids[0])
    if len(set(b.votes)) != len(b.votes):
        problems.append(("H2", "同一人被推荐了不止一次", ""))
    if len(b.votes) > (b.max_ticks or 0):
        problems.append(("H1", f"推荐了 {len(b.votes)} 人，超过最多 {b.max_ticks} 人", ""))
    return problems


def read_ballot(path: Path, *, limits: LimitSettings | None = None) -> Ballot:
    """Read one ballot. Never raises for a bad file: problems become findings and the ballot is
    invalid (not counted)."""
    b = Ballot(path=Path(path))
    problem = entry_problem(b.path)  # a pipe, a device, a folder that cannot be opened
    if problem is not None:
        return b.skipped(problem[1], Severity.ERROR if problem[0] else Severity.INFO)
    try:
        book = load_book(b.path, limits or LimitSettings())
    except KaopingError as exc:
        return b.skipped(f"无法读取，未计票：{exc.message}", Severity.ERROR)
    meta = _meta_rows(book.sheet(META_SHEET))
    kv = {row[0]: row[1] for row in meta if row and row[0] and row[0] != "staff"}
    if book.sheet(META_SHEET) is not None and kv.get("kind") != FormKind.BALLOT.value:
        return b.skipped(_other_kind(kv.get("kind", "")), Severity.INFO, sheet=META_SHEET)
    grid = _ballot_sheet(book)
    if grid is None:
        return b.skipped("不是集中测评票（找不到测评票工作表），已跳过", Severity.WARNING)
    b.unit, b.half, b.max_ticks = _unit(kv, grid), _half(kv, grid), _max_ticks(kv, grid)
    if b.unit is None:
        return b.invalid("H0", "测评票上找不到单位，未计票", severity=Severity.ERROR, sheet=grid.name)
    if b.max_ticks is None:
        return b.invalid("H0", "测评票上找不到“最多推荐几人”，未计票", severity=Severity.ERROR,
                         sheet=grid.name)
    header = _find_header(grid)
    if header is None:
        return b.invalid("H0", f"找不到表头（应含「姓名」和「{TICK_HEADER}」两列），未计票",
                         severity=Severity.ERROR, sheet=grid.name)
    b.staff, row_of = _unit_list(meta, grid, header)
    problems = _marks(b, grid, header, row_of)
    for rule, message, ref in problems:
        b.invalid(rule, f"无效票，未计票：{message}", sheet=grid.name, cell=ref or None)
    if problems:
        b.votes = []
    else:
        b.valid = True
    return b

