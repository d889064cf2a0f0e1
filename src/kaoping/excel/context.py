"""One workbook being read: its file, `_kaoping` meta, sheets and the findings made so far,
and the fields every form shares (identity block, year, period of the `_kaoping` meta).

Nothing here raises for a bad file: every problem becomes a `Finding` naming file, sheet and
cell, made through the rule catalogue (F1–F8, see `kaoping.excel.read`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from ..errors import KaopingError
from ..models import Finding, FormIdentity, FormKind, Severity
from ..names import normalize_name
from ..periods import Month
from ..rules.catalog import finding
from .book import Book, Grid
from .detect import L_NAME, title_kind
from .sheet import Sheet, nfkc

_P = TypeVar("_P")

YEAR_TEXT = re.compile(r"(?<!\d)(20\d{2})(?!\d)")

_UNIT_LABELS = ("所属处室/分支机构", "所属处室或分支机构", "所属处室", "处室/分支机构", "所在处室",
                "单位", "所属单位")
_SECTION_LABELS = ("科室", "所在科室")
_POST_LABELS = ("职务", "职务职级")
_IDENTITY_ROWS = 12  # the identity block sits under the title and period lines


class ReadContext:
    """The reading of one workbook: what the form readers share."""

    def __init__(self, path: Path, book: Book, meta: dict[str, str],
                 default_year: int | None = None) -> None:
        self.path = path
        self.file = str(path)
        self.book = book
        self.meta = meta
        self.default_year = default_year
        self.findings: list[Finding] = []
        self.names_flagged: set[str] = set()  # F6 once per workbook and name
        self._sheets: dict[int, Sheet] = {}  # id(grid) → its Sheet
        self._weeks: dict[tuple[int, int], list[tuple[dt.date, dt.date]]] = {}

    def sheet(self, grid: Grid) -> Sheet:
        """The `Sheet` of `grid`, built once per workbook read."""
        sh = self._sheets.get(id(grid))
        if sh is None or sh.grid is not grid:
            sh = self._sheets[id(grid)] = Sheet(grid)
        return sh

    def weeks(self, year: int, month: int) -> list[tuple[dt.date, dt.date]]:
        """`Month.weeks()`, worked out once for all the weekly sheets of a month (it is not cheap)."""
        key = (year, month)
        if key not in self._weeks:
            self._weeks[key] = Month(year, month).weeks()
        return self._weeks[key]

    def add(self, rule: str, message: str, sheet: str | None = None, cell: str | None = None,
            *, severity: Severity | None = None) -> None:
        self.findings.append(finding(rule, message, severity=severity, file=self.file,
                                     sheet=sheet, cell=cell))

    def meta_period(self, parse: Callable[[str], _P]) -> _P | None:
        """The period `_kaoping` names (a Month or Quarter by `parse`), None when it names
        none or one that does not parse."""
        text = self.meta.get("period")
        if not text:
            return None
        try:
            return parse(text)
        except KaopingError:
            return None

    def year_hint(self, *texts: str) -> int | None:
        """Year from the file name, then its folders, then the given texts."""
        for part in [self.path.name, *reversed(self.path.parent.parts[-4:]), *texts]:
            if m := YEAR_TEXT.search(nfkc(part)):
                return int(m.group(1))
        return None

    def fallback_year(self, *, first_month: int | None, sheet: str | None,
                      cell: str | None) -> int | None:
        """Year of a form that names none (hand-made, `_kaoping` deleted, no year in the file
        name): the caller's default year, else the file's modification time — a form for a
        period starting after that month was saved the next year (Q4 is evaluated in January)."""
        if self.default_year is not None:
            return self.default_year
        try:
            saved = dt.datetime.fromtimestamp(self.path.stat().st_mtime)
        except (OSError, ValueError, OverflowError):
            return None
        year = saved.year - (1 if first_month and saved.month < first_month else 0)
        self.add("F5", f"表中和文件名中都没有写年份，按文件保存时间推定为 {year} 年；"
                 f"如不对，请在文件名中写明年份（如 姓名-{year}Q3.xlsx 或 姓名-{year}-07.xlsx）",
                 sheet, cell, severity=Severity.WARNING)
        return year


def form_sheet(book: Book, name: str, kind: FormKind) -> Grid | None:
    """The form's sheet: the one kaoping names `name`, else the first visible sheet whose
    title says `kind`."""
    return book.sheet(name) or next((g for g in book.visible_sheets() if title_kind(g) == kind),
                                    None)


def form_period(ctx: ReadContext, sh: Sheet, written: int | None, ref: str | None,
                parse: Callable[[str], _P], number: Callable[[_P], int], said: str
                ) -> tuple[int | None, int | None]:
    """(year, month or quarter) of a form: `_kaoping`'s period when it names one (the head
    line `said`, `written`, saying otherwise is a 警告), else the head line and year hints."""
    meta = ctx.meta_period(parse)
    if meta is None:
        return ctx.year_hint(*title_year(sh)), written
    if written is not None and written != number(meta):
        ctx.add("F5", f"表头写的是{said}，但该表是为 {meta} 生成的，按 {meta} 处理", sh.name, ref,
                severity=Severity.WARNING)
    return meta.year, number(meta)  # type: ignore[attr-defined]


def title_year(sh: Sheet) -> list[str]:
    """The year written in the first ten label cells (the title or period line), as a list
    of zero or one texts for `ReadContext.year_hint`."""
    for n, (r, c, _) in enumerate(sh.labels()):
        if n == 10:
            break
        if m := YEAR_TEXT.search(nfkc(sh.value(r, c))):
            return [m.group(1)]
    return []


def head_rows(sh: Sheet) -> int:
    """Rows above the identity block (title and period line): the period is looked for only
    there, so a date written in the summary text is never taken for the form's month."""
    hit = sh.find(lambda k: k == L_NAME, max_row=_IDENTITY_ROWS)
    return hit[0] - 1 if hit else 8


def read_identity(ctx: ReadContext, sh: Sheet, cells: dict[str, str], *,
                  kind_title: str) -> FormIdentity:
    """姓名, 所属处室/分支机构, 科室 and 职务 of 附件2/附件3; 工号 from `_kaoping`."""
    name, ref, found = sh.label_value(sh.label_hit((L_NAME,), max_row=_IDENTITY_ROWS),
                                      (L_NAME,))
    if found:
        cells["name"] = ref or ""
    fields: dict[str, str | None] = {}
    for key, labels in (("unit", _UNIT_LABELS), ("section", _SECTION_LABELS),
                        ("post", _POST_LABELS)):
        fields[key], fref, _ = sh.label_value(sh.label_hit(labels, max_row=_IDENTITY_ROWS),
                                              labels)
        if fref:
            cells[key] = fref
    staff_id = ctx.meta.get("staff_id") or None
    ident = FormIdentity(staff_id=staff_id, name=normalize_name(name) or None, **fields)
    if not found:
        ctx.add("F4", f"{kind_title}中找不到“姓名”一栏", sh.name,
                severity=Severity.WARNING if staff_id else None)
    elif not ident.name and not staff_id:
        ctx.add("F4", f"{kind_title}未填写姓名", sh.name, ref)
    check_name(ctx, sh, ident.name, ref)
    return ident


def read_areas(ctx: ReadContext, sh: Sheet, areas: tuple[tuple[str, tuple[str, ...], str], ...],
               form: str, cells: dict[str, str]) -> dict[str, str | None]:
    """The text areas of a form ((field, labels of its heading, title in messages) each), their
    cells into `cells`; a heading not found is an F4."""
    data: dict[str, str | None] = {}
    for key, labels, title in areas:
        value, ref, found = sh.area_value(sh.heading_hit(labels))
        if found:
            data[key] = value
            cells[key] = ref or ""
        else:
            ctx.add("F4", f"{form}中找不到“{title}”一栏", sh.name)
    return data


def check_name(ctx: ReadContext, sh: Sheet, name: str | None, ref: str | None) -> None:
    """F6: the name on the form is not the person the form was generated for."""
    meta_name = normalize_name(ctx.meta.get("name"))
    if name and meta_name and name != meta_name and name not in ctx.names_flagged:
        ctx.names_flagged.add(name)
        ctx.add("F6", f"表内姓名「{name}」与生成该表时的人员「{meta_name}」（工号 "
                f"{ctx.meta.get('staff_id') or '未知'}）不一致，请核对是否用错了表格", sh.name, ref)
