"""Read filled 附件1/2/3 workbooks into the models of `kaoping.models`: one workbook
(`read_workbook`, dispatched by its kind to `weekly`, `monthly` or `quarterly`); a folder of
them is read by `kaoping.pipeline.batch.read_folder` (in worker processes for large batches).

Fields are found by their LABEL text (then the input cell to the right, see `excel.sheet`),
never by fixed positions, so forms retyped by hand, forms with an inserted row and forms whose
hidden `_kaoping` sheet was deleted still read. `_kaoping` (when present) gives 工号 and period.
Reading a workbook depends on that workbook only.

Nothing here raises for a bad file: every problem becomes a `Finding` with file, sheet,
cell and a Chinese message. File/format rule ids:

- F1 错误  the file cannot be read as a workbook
- F2 提示  not a kaoping form (skipped)
- F3       a cell value cannot be understood (错误 when the value is needed: leave days,
           ticks; 警告 for task dates and 序号); an Excel error value (#REF!…), which reads
           as blank: 错误 in a cell the form's fields are read from, 警告 elsewhere
- F4 错误  a field or column of the form cannot be found, or a required field is blank
- F5       period problems: month/quarter/year missing (错误) or inconsistent (警告)
- F6 警告  the name on the form differs from the person the form was generated for
- F7 错误  a formula saved without its cached result (reads as blank)
- F8 警告  a tick mark written outside the tick cells (not counted)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import KaopingError
from ..models import FORM_TITLES, Finding, FormKind, MonthlySummary, QuarterlyEvaluation, Severity, WeeklyLog
from ..names import normalize_name
from ..paths import entry_problem
from ..rules.catalog import finding
from ..rules.settings import LimitSettings
from .book import Book, cell_ref, load_book
from .context import ReadContext
from .detect import FORM_KINDS, detect_kind
from .monthly import read_monthly
from .quarterly import read_quarterly
from .weekly import read_weekly_book, task_header

Form = WeeklyLog | MonthlySummary | QuarterlyEvaluation


@dataclass
class ReadResult:
    path: Path
    kind: FormKind | None
    forms: list[Form] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def read_workbook(path: Path | str, *, default_year: int | None = None,
                  limits: LimitSettings | None = None) -> ReadResult:
    """Read one collected workbook. Never raises for a bad file: problems are findings.

    `default_year` is used for forms that name no year anywhere (neither `_kaoping`, the
    title nor the file or folder names); without it the file's save time decides (with a
    警告). `limits`: the bounds of the read (kaoping.toml [limits]; default the built-in ones)."""
    path = path if isinstance(path, Path) else Path(path)
    result = ReadResult(path=path, kind=None)
    problem = entry_problem(path)  # a pipe, a device, a folder that cannot be opened
    if problem is not None:
        is_error, message = problem
        result.findings.append(finding("F1", message, file=str(path)) if is_error else
                               finding("F2", message, severity=Severity.INFO, file=str(path)))
        return result
    try:
        book = load_book(path, limits or LimitSettings())
    except KaopingError as exc:
        result.findings.append(finding("F1", exc.message, file=str(path)))
        return result
    except Exception as exc:  # noqa: BLE001 - a reader must never crash on a bad file
        result.findings.append(finding("F1", f"无法读取该文件（{type(exc).__name__}）",
                                       file=str(path)))
        return result
    det = detect_kind(book)
    result.kind = det.kind
    if det.kind not in FORM_KINDS:
        result.findings.append(finding("F2", not_a_form(det.meta.get("kind", "")), file=str(path)))
        return result
    ctx = ReadContext(path, book, det.meta, default_year)
    _uncached_formulas(ctx, book)
    try:
        result.forms.extend(_read_forms(ctx, det.kind))
    except Exception as exc:  # noqa: BLE001 - last line of defence: report, don't crash
        ctx.add("F1", f"读取表格时出错（{type(exc).__name__}: {exc}），请检查表格格式")
    _error_values(ctx, book, result.forms)
    _attach_person(ctx.findings, result.forms, det.meta)
    result.findings.extend(ctx.findings)
    return result


# What kaoping itself writes (never a form sent back), by the kind in its `_kaoping` sheet.
_OUTPUTS = {"annex4": "附件4 备案表", "annex5": "附件5 名单表", "annex6": "附件6 名单表",
            FormKind.LEDGER.value: "季度结果台账", FormKind.PROBLEMS.value: "问题清单",
            FormKind.TALLY.value: "集中测评推荐结果"}


def not_a_form(kind: str) -> str:
    """The F2 text for a workbook that is no 附件1–3: what it is when kaoping can tell."""
    if kind in _OUTPUTS:
        return f"这是 kaoping 输出的{_OUTPUTS[kind]}，不是收回的考评表，已跳过"
    titles = {k.value: t for k, t in FORM_TITLES.items()}
    if kind in titles:
        return f"这是{titles[kind]}，不是一周小记、月度小结或季度评价表，已跳过"
    return "不是 kaoping 表格，已跳过"


def _uncached_formulas(ctx: ReadContext, book: Book) -> None:
    """Formulas saved without their results read as blank (see excel.safety): say so per
    cell."""
    for g in book.visible_sheets():
        for r, c in sorted(g.uncached_formulas):
            ctx.add("F7", "该单元格是公式，但文件中没有保存计算结果，读出来是空白；请在 Excel/WPS "
                    "中打开后保存一次（让公式算出结果），或直接填写数值", g.name, cell_ref(r, c))


# What to write instead of an error value, by the field read from the cell.
_TICK_FIELDS = frozenset({"self_ticks", "leader_ticks", "commended", "direct_poor"})
_FILL_TICK = "请删除错误值：应选的格子打 √，不选的留空"
_FILL_DAYS = "请改为天数（数字，如 1.5；没有请假填 0）"
_FILL_TASK = "请改为应填的内容（日期写成 2026-07-03，完成情况写文字）"
_FILL_OTHER = "请改为应填的内容"


def _error_values(ctx: ReadContext, book: Book, forms: list[Form]) -> None:
    """An Excel error value (#REF!, #N/A, #VALUE!…) reads as blank (calamine drops it): a
    tick read as 未勾选, days as not filled. 错误 in a cell a field is read from (it may change
    a grade or a count), 警告 elsewhere (kaoping does not read it)."""
    sheets = [g for g in book.visible_sheets() if g.error_values]
    if not sheets:
        return
    fields = _field_cells(forms)
    for g in sheets:
        for (r, c), value in sorted(g.error_values.items()):
            fill = _fill_for(fields.get(g.name, []), r, c)
            what = f"该单元格是 Excel 错误值 {value}（多为公式引用的单元格被删除或复制时出错），kaoping 读出来是空白"
            if fill is None:
                ctx.add("F3", f"{what}；这里不是 kaoping 读取的栏目，不影响结果，请改正或删除以免误会",
                        g.name, cell_ref(r, c), severity=Severity.WARNING)
            else:
                ctx.add("F3", f"{what}，不能当作未填写；{fill}", g.name, cell_ref(r, c))


def _field_cells(forms: list[Form]) -> dict[str, list[tuple[str, str]]]:
    """Sheet → (field, cell or range) of every field read, the weekly logs' ones included."""
    out: dict[str, list[tuple[str, str]]] = {}
    sources = [f.source for f in forms]
    sources += [w.source for f in forms if isinstance(f, MonthlySummary) for w in f.weeks]
    for src in sources:
        if src.sheet is not None:
            out.setdefault(src.sheet, []).extend(src.cells.items())
    return out


def _fill_for(fields: list[tuple[str, str]], r: int, c: int) -> str | None:
    """What to write in cell (r, c) when a field is read from it, else None."""
    for key, ref in fields:
        if not _covers(ref, r, c):
            continue
        if key in _TICK_FIELDS:
            return _FILL_TICK
        if "_days" in key:
            return _FILL_DAYS
        return _FILL_TASK if key == "tasks" else _FILL_OTHER
    return None


_REF = re.compile(r"([A-Z]{0,3})(\d+)")


def _covers(ref: str, r: int, c: int) -> bool:
    """Whether "C7", "B8:E8" or the rows "4:18" hold the cell (r, c)."""
    parts = [_REF.fullmatch(p) for p in ref.split(":")]
    if not ref or not all(parts) or len(parts) > 2:
        return False
    (c1, r1), (c2, r2) = (parts[0].groups(), parts[-1].groups())  # type: ignore[union-attr]
    cols = (_column_number(c1), _column_number(c2)) if c1 and c2 else (1, 1 << 14)
    return int(r1) <= r <= int(r2) and cols[0] <= c <= cols[1]


def _column_number(letters: str) -> int:
    """'A' → 1, 'AA' → 27."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _read_forms(ctx: ReadContext, kind: FormKind) -> list[Form]:
    if kind == FormKind.QUARTERLY:
        ev = read_quarterly(ctx)
        return [] if ev is None else [ev]
    if kind == FormKind.WEEKLY:
        return read_weekly_book(ctx)
    summary, weeks = read_monthly(ctx)
    if summary is not None:
        return [summary]
    if any(task_header(ctx.sheet(g)) is not None for g in weeks):
        # the summary could not be read: still give the weekly logs to week checks
        return read_weekly_book(ctx)
    return []


def _attach_person(findings: list[Finding], forms: list[Form], meta: dict[str, str]) -> None:
    """Name every finding's person (工号, 姓名, 单位) from the form, else from `_kaoping`."""
    ident = forms[0].identity if forms else None
    name = (ident.name if ident else None) or normalize_name(meta.get("name")) or None
    staff_id = (ident.staff_id if ident else None) or meta.get("staff_id") or None
    unit = ident.unit if ident else None
    for f in findings:
        if f.person is None:
            f.person = name
        if f.staff_id is None:
            f.staff_id = staff_id
        if f.unit is None:
            f.unit = unit
