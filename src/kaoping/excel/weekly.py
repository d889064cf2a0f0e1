"""附件1 一周小记表 (§四(一)): one sheet → `WeeklyLog`, a weekly workbook → its logs.

A weekly sheet is found by its task table's header row (序号 / 日期 / 事项 / 完成时限 / 完成情况
/ 备注); above it the identity line (姓名, 单位及职务) and the week (（ ）月第（ ）周); below it one
task per row down to the 注 line.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from ..models import FormIdentity, Severity, SourceRef, TaskStatus, WeeklyLog, WeeklyTask
from ..names import normalize_name
from ..periods import parse_month
from .book import Grid, Value, cell_ref, column_letter
from .cells import CellError, clean_text, find_date_in_text, parse_date, parse_int
from .context import ReadContext, check_name
from .detect import L_NAME, L_UNIT_AND_POST
from .sheet import Sheet, nfkc

WARNING = Severity.WARNING

WEEK_TEXT = re.compile(
    r"[（(]?\s*(\d{1,2})?\s*[)）]?\s*月\s*第\s*[（(]?\s*(\d{1,2}|[一二三四五六])?\s*[)）]?\s*周")
_CN = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6}
_SHEET_WEEK = re.compile(r"第\s*(\d{1,2})\s*周")  # a sheet named '第2周(7.6-7.12)'
_NOTE_LINE = re.compile(r"^\s*注\s*[:：]")
# the annex typed on one line: "姓名：张三  单位及职务：办公室科员  时间：（7）月第（2）周"
_WEEK_LINE = re.compile(r"姓名[:：]?\s*(?P<name>.*?)\s*单位及职务[:：]?\s*(?P<up>.*?)\s*(?:时间|$)")
_MONTH_DOT_DAY = re.compile(r"\d{1,2}\.\d")
_SPACES = re.compile(r"\s+")

# 完成情况 (§四(一)) is one of exactly three words, optionally followed by the completion date
# or the reason ("已完成 7月3日", "无法完成，系统未上线"); a synonym or another word ("待完成",
# "部分完成", "未完成", "已办结") is no status at all, so rule W1 says it is invalid.
_STATUS_START = re.compile(r"^[\s“”\"'‘’「」【】\[\]（）()]*("
                           + "|".join(s.value for s in TaskStatus) + ")")

# The task table's columns, by what their header says (the first test a header cell passes).
_COLUMNS: dict[str, Callable[[str], bool]] = {
    "seq": lambda k: k.startswith("序号"),
    "received_on": lambda k: "日期" in k and "完成" not in k,
    "item": lambda k: "事项" in k,
    "deadline": lambda k: "时限" in k,
    "status": lambda k: "完成情况" in k,
    "note": lambda k: k.startswith("备注"),
}

Header = tuple[int, dict[str, int]]  # (row, {column key: column})
Week = tuple[dt.date | None, dt.date | None]


def parse_status(text: str | None) -> TaskStatus | None:
    """完成情况 text → status: it starts with 进行中, 已完成 or 无法完成 ('已完成（7月8日）' →
    DONE) and names no other of the three after it; None otherwise ('待完成', '部分完成',
    '未完成', '已完成/进行中')."""
    if not text:
        return None
    key = _SPACES.sub("", text)
    m = _STATUS_START.match(key)
    if m is None:
        return None
    status = TaskStatus(m.group(1))
    rest = key[m.end():]
    if any(other.value in rest for other in TaskStatus if other is not status):
        return None  # two statuses at once: which one is meant cannot be told
    return status


# ---------------------------------------------------------------- the task table's header


def task_header(sh: Sheet) -> Header | None:
    """(row, {column key: column}) of the task table's header row (found once per sheet)."""
    if "header" not in sh.memo:
        sh.memo["header"] = _find_header(sh)
    return sh.memo["header"]  # type: ignore[return-value]


def _find_header(sh: Sheet) -> Header | None:
    for r in range(1, sh.max_row + 1):  # row by row: no label keys below the header
        texts = sh.row_text(r)
        if not any(k.startswith("序号") or "事项" in k for _, k in texts):
            continue  # no label of the row could start the header
        cols: dict[str, int] = {}
        for c, k in texts:
            key = next((key for key, test in _COLUMNS.items() if key not in cols and test(k)),
                       None)
            if key is not None:
                cols[key] = c
        if "item" in cols and ("status" in cols or "deadline" in cols):
            return r, cols
    return None


# ---------------------------------------------------------------- head: who and which week


def _who(sh: Sheet, hrow: int, cells: dict[str, str]) -> tuple[str | None, str | None]:
    """姓名 and 单位及职务 above the header: labelled cells, or the annex's one line."""
    name, nref, _ = sh.label_value(sh.label_hit((L_NAME,), max_row=hrow), (L_NAME,))
    up, uref, _ = sh.label_value(sh.label_hit((L_UNIT_AND_POST,), max_row=hrow),
                                 (L_UNIT_AND_POST,))
    line = sh.find(lambda k: "姓名" in k and "单位及职务" in k, max_row=hrow - 1)
    if line is not None and (m := _WEEK_LINE.search(nfkc(sh.value(line[0], line[1])))):
        name, up = clean_text(m.group("name")), clean_text(m.group("up"))
        nref = uref = cell_ref(line[0], line[1])
    if nref:
        cells["name"] = nref
    if uref:
        cells["unit_and_post"] = uref
    return name, up


def _week_line(sh: Sheet, hrow: int, week_index: int | None
               ) -> tuple[int | None, int | None, str | None]:
    """(month, week, cell) of the （ ）月第（ ）周 line; the week from the sheet name or the
    sheet's place in the workbook when the line names none."""
    m, ref = sh.period(WEEK_TEXT, max_row=hrow)
    month = int(m.group(1)) if m and m.group(1) else None
    week = (_CN.get(m.group(2)) or int(m.group(2))) if m and m.group(2) else None
    if week is None:
        named = _SHEET_WEEK.search(sh.name)
        week = int(named.group(1)) if named else week_index
    return month, week, ref


def _week_dates(ctx: ReadContext, sh: Sheet, year: int, month: int, week: int,
                ref: str | None) -> Week:
    weeks = ctx.weeks(year, month)
    if 1 <= week <= len(weeks):
        return weeks[week - 1]
    ctx.add("F5", f"{month}月只有 {len(weeks)} 周，表中写的是第{week}周", sh.name, ref,
            severity=WARNING)
    return None, None


# ---------------------------------------------------------------- task rows


def _task_rows(ctx: ReadContext, sh: Sheet, header: Header, year: int, week: Week
               ) -> tuple[list[WeeklyTask], int]:
    """The tasks below the header down to the 注 line, and the last row looked at."""
    hrow, cols = header
    tasks: list[WeeklyTask] = []
    r = hrow + 1
    while r <= sh.max_row:
        values = sh.rows[r - 1]
        if values.count("") < len(values):  # else an empty row
            if _is_note_line(values):
                break
            if (task := _read_task(ctx, sh, r, cols, year, week)) is not None:
                tasks.append(task)
        r += 1
    return tasks, r - 1


def _is_note_line(values: list[Value]) -> bool:
    """The 注 line under the table: its first text cell starts with 注：."""
    first = next((v for v in values if v and isinstance(v, str)), None)
    return first is not None and _NOTE_LINE.match(first) is not None


def _read_task(ctx: ReadContext, sh: Sheet, r: int, cols: dict[str, int], year: int,
               week: Week) -> WeeklyTask | None:
    raw = {k: sh.value(r, c) for k, c in cols.items()}
    if all(clean_text(v) is None for k, v in raw.items() if k != "seq"):
        return None  # nothing but perhaps a 序号: not a task
    task: dict[str, object] = {"row": r, "seq": _seq(ctx, sh, r, cols, raw.get("seq"))}
    if "received_on" in cols:
        task["received_on"] = _received_on(ctx, sh, (r, cols["received_on"]),
                                           raw["received_on"], year, week)
    task["item"] = clean_text(raw.get("item"))
    if "deadline" in cols and raw["deadline"] is not None:
        task.update(_deadline(ctx, sh, (r, cols["deadline"]), raw["deadline"], year))
    task.update(_status(raw.get("status"), raw.get("note"), year))
    return WeeklyTask(**task)  # type: ignore[arg-type]


def _seq(ctx: ReadContext, sh: Sheet, r: int, cols: dict[str, int], v: Value) -> int | None:
    try:
        return parse_int(v)
    except CellError as e:
        ctx.add("F3", f"序号{e.message}", sh.name, cell_ref(r, cols["seq"]), severity=WARNING)
        return None


def _received_on(ctx: ReadContext, sh: Sheet, at: tuple[int, int], v: Value, year: int,
                 week: Week) -> dt.date | None:
    """日期 the task was received."""
    try:
        return _month_dot_day(v, year, week) or parse_date(v, year=year)
    except CellError as e:
        ctx.add("F3", f"日期：{e.message}", sh.name, cell_ref(*at), severity=WARNING)
        return None


def _month_dot_day(v: Value, year: int, week: Week) -> dt.date | None:
    """'7.10' typed into a General cell arrives as the number 7.1: when 7月1日 is not in the
    week but 7月10日 is, the writer meant 7月10日."""
    start, end = week
    if not isinstance(v, float) or v.is_integer() or start is None or end is None:
        return None
    if not _MONTH_DOT_DAY.fullmatch(text := repr(v)):
        return None
    m, d = text.split(".")
    for day in (int(d), int(d) * 10):
        try:
            cand = dt.date(year, int(m), day)
        except ValueError:
            continue
        if start <= cand <= end:
            return cand
    return None


def _deadline(ctx: ReadContext, sh: Sheet, at: tuple[int, int], v: Value, year: int
              ) -> dict[str, object]:
    """完成时限: a date, else the text as written ('月底前'); an impossible date is said."""
    try:
        return {"deadline": parse_date(v, year=year)}
    except CellError as e:
        if "不存在" in e.message:
            ctx.add("F3", f"完成时限：{e.message}", sh.name, cell_ref(*at), severity=WARNING)
        return {"deadline_text": clean_text(v)}


def _status(status: Value, note: Value, year: int) -> dict[str, object]:
    """完成情况 and 备注; for a done task the date it was done, written in either."""
    text, note_text = clean_text(status), clean_text(note)
    out: dict[str, object] = {"status_text": text, "status": parse_status(text),
                              "note": note_text}
    if out["status"] == TaskStatus.DONE:
        out["completed_on"] = (find_date_in_text(text, year=year)
                               or find_date_in_text(note_text, year=year))
    return out


# ---------------------------------------------------------------- a weekly sheet


def read_weekly_sheet(ctx: ReadContext, grid: Grid, *, year: int | None, month: int | None,
                      week_index: int | None = None) -> WeeklyLog | None:
    """One 附件1 sheet → WeeklyLog (None when it is not a weekly sheet at all, or its year,
    month or week cannot be told)."""
    sh = ctx.sheet(grid)
    header = task_header(sh)
    if header is None:
        ctx.add("F4", "一周小记表中找不到“序号/事项/完成情况”表头", sh.name)
        return None
    hrow, cols = header
    cells: dict[str, str] = {}
    name, up = _who(sh, hrow, cells)
    w_month, w_week, pref = _week_line(sh, hrow, week_index)
    if pref:
        cells["period"] = cells["week"] = pref
    if month is not None and w_month is not None and w_month != month:
        ctx.add("F5", f"周表写的是（{w_month}）月，与月度小结的（{month}）月不一致", sh.name, pref,
                severity=WARNING)
    the_month = month or w_month
    if the_month is None or year is None:
        ctx.add("F5", "一周小记表无法确定年份或月份，请在“时间”处填写（ ）月第（ ）周", sh.name, pref)
        return None
    if w_week is None:
        ctx.add("F5", "一周小记表未填写第（ ）周", sh.name, pref)
        return None
    start, end = _week_dates(ctx, sh, year, the_month, w_week, pref)
    cells.update({f"col:{key}": column_letter(c) for key, c in cols.items()})
    tasks, last = _task_rows(ctx, sh, header, year, (start, end))
    cells["tasks"] = f"{hrow + 1}:{max(last, hrow + 1)}"  # the task rows, e.g. "4:18"
    ident = FormIdentity(staff_id=ctx.meta.get("staff_id") or None,
                         name=normalize_name(name) or None)
    check_name(ctx, sh, ident.name, cells.get("name"))
    return WeeklyLog(source=SourceRef(file=ctx.file, sheet=sh.name, cells=cells),
                     identity=ident, unit_and_post=up, year=year, month=the_month, week=w_week,
                     week_start=start, week_end=end, tasks=tasks)


# ---------------------------------------------------------------- a weekly workbook


def read_weekly_book(ctx: ReadContext) -> list[WeeklyLog]:
    """Every weekly sheet of a workbook (a 附件1 workbook, or a 附件2 whose summary cannot be
    read)."""
    meta = ctx.meta_period(parse_month)
    sheets = [g for g in ctx.book.visible_sheets() if task_header(ctx.sheet(g)) is not None]
    if not sheets:
        ctx.add("F4", "一周小记表中找不到“序号/事项/完成情况”表头")
    logs: list[WeeklyLog] = []
    for g in sheets:
        year = meta.year if meta is not None else _sheet_year(ctx, g)
        log = read_weekly_sheet(ctx, g, year=year, month=meta.month if meta else None)
        if log is not None:
            logs.append(log)
    return logs


def _sheet_year(ctx: ReadContext, grid: Grid) -> int | None:
    """The year of a weekly sheet without `_kaoping`: named in the file name, its folders or
    the sheet's first cells, else from the file's save time."""
    texts = [str(v) for _, (_, _, v) in zip(range(20), grid.cells())]
    year = ctx.year_hint(*texts)
    if year is None:
        m = ctx.sheet(grid).period(WEEK_TEXT, max_row=8)[0]
        first = int(m.group(1)) if m and m.group(1) else None
        year = ctx.fallback_year(first_month=first, sheet=grid.name, cell=None)
    return year
