"""附件2 月度小结表 (§四(二)): the summary sheet → `MonthlySummary`, with the month's weekly
sheets (附件1) of the same workbook attached.

The summary sheet holds the （ ）月份 line, the identity block, the four 个人小结 areas, the
出勤情况 block (本月 and 全年累计 病事假 and 年休 days) and the 直管领导审定 signature.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from ..models import FormKind, MonthlySummary, Severity, SourceRef, WeeklyLog
from ..periods import parse_month
from .book import Grid, cell_ref
from .cells import CellError, parse_days
from .context import (
    ReadContext,
    form_period,
    form_sheet,
    head_rows,
    read_areas,
    read_identity,
)
from .detect import MONTHLY_SHEET, title_kind
from .sheet import Hit, Sheet, nfkc
from .weekly import read_weekly_sheet, task_header

_MONTH_TEXT = re.compile(r"[（(]\s*(\d{1,2})\s*[)）]\s*月(?!第)|(?<!\d)(\d{1,2})\s*月份"
                         r"|20\d{2}\s*年\s*(\d{1,2})\s*月(?!第)")
# 个人小结 (§四(二)1(1)–(4)): field, labels of its area, its title in messages
_AREAS = (
    ("daily_work", ("日常工作",), "日常工作"), ("key_tasks", ("重要任务",), "重要任务"),
    ("problems", ("存在的问题", "存在问题"), "存在的问题"),
    ("next_plans", ("下步打算", "下一步打算", "下一步工作打算"), "下步打算"),
)
# 出勤情况 (§四(二)1(5)): label prefix, 病事假 field, 年休 field, combined field, what the
# messages call it
_LEAVE_LINES = (
    ("本月", "sick_personal_days", "annual_leave_days", "combined_leave_days", "本月"),
    ("全年", "sick_personal_days_ytd", "annual_leave_days_ytd", "combined_leave_days_ytd", "全年累计"),
)
# §四(三)4(3) 法定的假期和加班补休, on kaoping's form since issue 14: label prefix, the two fields
_EXTRA_LINES = (
    ("本月", "statutory_leave_days", "comp_leave_days", "本月"),
    ("全年", "statutory_leave_days_ytd", "comp_leave_days_ytd", "全年累计"),
)
_COMBINED_LEAVE = re.compile(r"病假、?事假、年休")  # the annex's wording: one number for both
_INLINE_DAYS = re.compile(r"[（(]\s*([^()（）]+?)\s*[)）]\s*天")  # '病假、事假（2）天；年休（1）天'


def _year_and_month(ctx: ReadContext, sh: Sheet, cells: dict[str, str]
                    ) -> tuple[int | None, int | None, str | None]:
    """(year, month, cell of the （ ）月份 line)."""
    m, ref = sh.period(_MONTH_TEXT, max_row=head_rows(sh))
    if ref:
        cells["period"] = cells["month"] = ref
    written = int(m.group(1) or m.group(2) or m.group(3)) if m else None
    if written is not None and not 1 <= written <= 12:
        ctx.add("F5", f"月份「{written}」无效", sh.name, ref)
        written = None
    year, month = form_period(ctx, sh, written, ref, parse_month, lambda p: p.month,
                              f"（{written}）月份")
    return year, month, ref


# ---------------------------------------------------------------- 出勤情况


def _leave_labels(sh: Sheet, words: Callable[[str], bool],
                  lines: Sequence[tuple[str, ...]]) -> list[Hit | None]:
    """The 本月 and 全年 labels at or below 出勤情况 whose text passes `words`: the leftmost
    of each."""
    head = sh.find(lambda k: k == "出勤情况")
    first_row = head[0] if head else 1
    out: list[Hit | None] = []
    for prefix, *_ in lines:
        hits = [(c, r) for r, c, k in sh.labels() if r >= first_row and len(k) <= 40
                and k.startswith(prefix) and words(k)]
        out.append(min(hits)[::-1] if hits else None)
    return out


def _attendance(ctx: ReadContext, sh: Sheet, data: dict, cells: dict[str, str]) -> None:
    """出勤情况 (§四(二)1(5)): 病事假 and 年休 days of the month and of the year so far (or the
    official wording's one number for both), and 法定假期 and 加班补休 (§四(三)4(3)); a form
    without the latter's row leaves them unknown."""
    unknown: list[str] = []
    sick_lines = _leave_labels(sh, lambda k: "病" in k and "事假" in k, _LEAVE_LINES)
    for (_, sick_key, annual_key, combined_key, what), hit in zip(_LEAVE_LINES, sick_lines):
        if hit is None:
            ctx.add("F4", f"月度小结表中找不到“出勤情况（{what}病假、事假）”一栏", sh.name)
            continue
        if _COMBINED_LEAVE.search(nfkc(sh.value(*hit))):
            _leave_days(ctx, sh, hit, (combined_key,), what, data, cells, ())
            unknown += [sick_key, annual_key]
        else:
            _leave_days(ctx, sh, hit, (sick_key, annual_key), what, data, cells, ("年休",))
    extra_lines = _leave_labels(sh, lambda k: "法定假" in k, _EXTRA_LINES)
    for (_, statutory_key, comp_key, what), hit in zip(_EXTRA_LINES, extra_lines):
        if hit is None:
            unknown += [statutory_key, comp_key]
        else:
            _leave_days(ctx, sh, hit, (statutory_key, comp_key), what, data, cells, ("补休",))
    data["unknown_fields"] = unknown


_TITLES = {"sick_personal_days": "病假、事假天数", "annual_leave_days": "年休天数",
           "combined_leave_days": "病假、事假、年休合计天数", "statutory_leave_days": "法定假期天数",
           "comp_leave_days": "加班补休天数"}


def _title(key: str) -> str:
    return _TITLES[key.removesuffix("_ytd")]


def _leave_days(ctx: ReadContext, sh: Sheet, hit: Hit, keys: tuple[str, ...], what: str,
                data: dict, cells: dict[str, str], after: tuple[str, ...]) -> None:
    """The line's days: typed inside the label cell ('本月请病假、事假（2）天；年休（1）天'),
    else in the cell right of it and right of each later label (`after`: '年休')."""
    raw = nfkc(sh.value(*hit))
    inline = _INLINE_DAYS.findall(raw)
    if inline and sh.value(*sh.right_of(*hit)) is None:
        try:
            for key, text in zip(keys, inline):
                data[key] = parse_days(text)
        except CellError as e:
            ctx.add("F3", f"{what}出勤天数：{e.message}", sh.name, cell_ref(*hit))
        cells.update({key: cell_ref(*hit) for key in keys})
        return
    r, c = hit
    rr, cc = sh.right_of(r, c)
    data[keys[0]] = _days(ctx, sh, rr, cc, f"{what}{_title(keys[0])}")
    cells[keys[0]] = cell_ref(rr, cc)
    for key, word in zip(keys[1:], after):
        label = next((c2 for c2, k2 in sh.row_text(r) if c2 > cc and word in k2), None)
        if label is None:
            ctx.add("F4", f"月度小结表中找不到“{what}{word}”天数一栏", sh.name, cell_ref(r, c))
            return
        ar, ac = sh.right_of(r, label)
        data[key] = _days(ctx, sh, ar, ac, f"{what}{_title(key)}")
        cells[key] = cell_ref(ar, ac)


def _days(ctx: ReadContext, sh: Sheet, r: int, c: int, what: str) -> float | None:
    try:
        return parse_days(sh.value(r, c))
    except CellError as e:
        ctx.add("F3", f"{what}：{e.message}", sh.name, cell_ref(r, c))
        return None


# ---------------------------------------------------------------- 直管领导审定, weeks


def _verifier(ctx: ReadContext, sh: Sheet, data: dict, cells: dict[str, str]) -> None:
    """直管领导审定 签字 (§四(二)2)."""
    head = sh.find(lambda k: k.startswith("直管领导") or k.startswith("审定"))
    if head is None:
        ctx.add("F4", "月度小结表中找不到“直管领导审定”一栏", sh.name)
        return
    data["verifier_signature"], ref = sh.signature(head[0])
    if ref:
        cells["verifier_signature"] = ref


def _attach_weeks(ctx: ReadContext, summary: MonthlySummary, grids: list[Grid]) -> None:
    """The month's weekly sheets (§四(一)), each numbered by its place when it names no week."""
    for i, g in enumerate(grids, start=1):
        if task_header(ctx.sheet(g)) is None:
            if title_kind(g) == FormKind.WEEKLY:
                ctx.add("F4", "一周小记表中找不到“序号/事项/完成情况”表头", g.name)
            continue
        log = read_weekly_sheet(ctx, g, year=summary.year, month=summary.month, week_index=i)
        if log is not None:
            if log.identity.name is None:
                log.identity.name = summary.identity.name
            summary.weeks.append(log)
    _duplicate_weeks(ctx, summary.weeks)


def _duplicate_weeks(ctx: ReadContext, weeks: list[WeeklyLog]) -> None:
    seen: dict[int, str] = {}
    for log in weeks:
        sheet = log.source.sheet or ""
        if log.week in seen:
            ctx.add("F5", f"第{log.week}周的一周小记表重复（另见工作表“{seen[log.week]}”），请核对周次",
                    sheet, log.source.cell("period"), severity=Severity.WARNING)
        seen.setdefault(log.week, sheet)


# ---------------------------------------------------------------- the workbook


def read_monthly(ctx: ReadContext) -> tuple[MonthlySummary | None, list[Grid]]:
    """The summary with its weeks, and the workbook's other visible sheets (the weekly ones);
    None for the summary when it cannot be read (no sheet, no month, no year)."""
    grid = form_sheet(ctx.book, MONTHLY_SHEET, FormKind.MONTHLY)
    if grid is None:
        ctx.add("F4", "找不到月度小结表（工作表“月度小结”）")
        return None, []
    sh = ctx.sheet(grid)
    cells: dict[str, str] = {}
    year, month, pref = _year_and_month(ctx, sh, cells)
    ident = read_identity(ctx, sh, cells, kind_title="月度小结表")
    data: dict = read_areas(ctx, sh, _AREAS, "月度小结表", cells)
    _attendance(ctx, sh, data, cells)
    _verifier(ctx, sh, data, cells)
    weeks = [g for g in ctx.book.visible_sheets() if g is not grid]
    if year is None and month is not None:
        year = ctx.fallback_year(first_month=month, sheet=sh.name, cell=pref)
    if month is None:
        ctx.add("F5", "月度小结表未填写月份（ ）月份", sh.name, pref)
        return None, weeks
    if year is None:
        ctx.add("F5", "无法确定月度小结表的年份：请在文件名中写明年份（如 张三-2026-07.xlsx）",
                sh.name, pref)
        return None, weeks
    summary = MonthlySummary(source=SourceRef(file=ctx.file, sheet=sh.name, cells=cells),
                             identity=ident, year=year, month=month, **data)
    _attach_weeks(ctx, summary, weeks)
    return summary, weeks
