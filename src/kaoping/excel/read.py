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
           ticks; 警告 for task dates and 序号)
- F4 错误  a field or column of the form cannot be found, or a required field is blank
- F5       period problems: month/quarter/year missing (错误) or inconsistent (警告)
- F6 警告  the name on the form differs from the person the form was generated for
- F7 错误  a formula saved without its cached result (reads as blank)
- F8 警告  a tick mark written outside the tick cells (not counted)
"""

from __future__ import annotations

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
