"""季度结果台账: every assessed person's final quarterly result, written by `quarter report`
and read back by the annual commands (§五(一) counts 好/一般/较差 over the year's quarters).

One sheet, a header row and one row per person; a hidden `_kaoping` sheet says kind=ledger,
year, quarter and version. The clerk may correct the sheet by hand (e.g. record the
provincial outcome of a 不定档 person), so `read_ledger` validates every cell and says which
one is wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from ..errors import KaopingError
from ..excel.book import Grid, cell_ref, load_book
from ..output.workbook import Inputs, save_workbook
from ..paths import require_file
from ..rules.quarter import flag_from_label, flag_label
from ..rules.settings import LimitSettings, Settings
from ..models import (
    Outcome,
    QuarterFlag,
    QuarterGrade,
    QuarterLedger,
    QuarterResult,
    RankCategory,
    SpecialCategory,
)
from .annex_templates import (
    LEDGER_HEADERS,
    LEDGER_SHEET,
    LEDGER_SPEC,
    META_SHEET,
    load_template,
)
from .template import Template, fill

LEDGER_VERSION = "1"
SEPARATOR = "、"
_REQUIRED = ("工号", "姓名", "单位", "职级类别", "考核等次")


def _join(items: list[Any]) -> str | None:
    return SEPARATOR.join(str(getattr(i, "value", i)) for i in items) or None


def _days(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def _row(r: QuarterResult, settings: Settings | None) -> tuple[Any, ...]:
    return (
        r.staff_id, r.name, r.unit, r.quota_group, r.section, r.rank, r.rank_category.value,
        r.outcome.value, r.self_grade.value if r.self_grade else None,
        r.leader_grade.value if r.leader_grade else None,
        _join([flag_label(f, settings) for f in r.flags]),
        _join(r.special_categories), _days(r.required_days), _days(r.attended_days),
        r.source_file, r.note,
    )


def ledger_workbook(ledger: QuarterLedger, *, settings: Settings | None = None,
                    template: Template | None = None) -> Workbook:
    """The 台账 filled into its template (templates/xlsx/台账-季度结果台账.xlsx, or a restyled
    one); `settings`: the thresholds its texts name (出勤未达80%)."""
    records = [dict(zip(LEDGER_HEADERS, _row(r, settings), strict=True)) for r in ledger.results]
    wb = fill(template or load_template(LEDGER_SPEC), {}, records)
    meta = wb[META_SHEET]
    for row in meta.iter_rows():
        key = row[0].value
        if key == "year":
            row[1].value = str(ledger.year)
        elif key == "quarter":
            row[1].value = str(ledger.quarter)
        elif key == "template_version":
            row[0].value = "version"
            row[1].value = LEDGER_VERSION
    if ledger.errors_left:  # filed with --allow-errors: `annual` says so (Y6)
        meta.append(["errors_left", str(ledger.errors_left)])
    return wb


def write_ledger(ledger: QuarterLedger, path: Path, *, force: bool = False,
                 settings: Settings | None = None, inputs: Inputs = ()) -> Path:
    """Save the 台账 atomically; refuses to replace an existing file unless `force`, and
    one of the run's `inputs` always."""
    return save_workbook(ledger_workbook(ledger, settings=settings), Path(path), force=force,
                         inputs=inputs)


# ---------------------------------------------------------------- reading


def _text(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    s = str(v).strip()
    return s or None


def _parse_enum(enum: type, label: str, values: dict[str, Any] | None = None) -> Callable[[str], Any]:
    values = values or {e.value: e for e in enum}

    def parse(text: str) -> Any:
        if text in values:
            return values[text]
        if text.endswith("等次") and text[:-2] in values:  # "好等次" → 好
            return values[text[:-2]]
        raise ValueError(f"{label}「{text}」不是有效值（应为 {'、'.join(values)} 之一）")

    return parse


_OUTCOME = _parse_enum(Outcome, "考核等次")
_GRADE = _parse_enum(QuarterGrade, "档次")
_CATEGORY = _parse_enum(RankCategory, "职级类别")
_SPECIAL = _parse_enum(SpecialCategory, "不定档类别")
_FLAG_BY_LABEL = _parse_enum(QuarterFlag, "标记", {flag_label(f): f for f in QuarterFlag})


def _flag(text: str) -> QuarterFlag:
    """A 标记 as `flag_label` writes it, whatever attendance ratio it names (出勤未达75%)."""
    return flag_from_label(text) or _FLAG_BY_LABEL(text)


def _split(parse: Callable[[str], Any]) -> Callable[[str], list[Any]]:
    def run(text: str) -> list[Any]:
        parts = [p.strip() for p in text.replace("，", SEPARATOR).replace(",", SEPARATOR)
                 .replace("；", SEPARATOR).split(SEPARATOR)]
        return [parse(p) for p in parts if p]

    return run


def _number(text: str) -> float:
    try:
        value = float(text.replace("天", "").strip())
    except ValueError:
        raise ValueError(f"天数「{text}」不是数字") from None
    if value < 0:
        raise ValueError(f"天数「{text}」不能为负数")
    if not value <= 366:  # also nan and inf (float("9" * 5000))
        raise ValueError(f"天数「{text[:30]}」超过一年的 366 天，请核对")
    return value


def _meta(book_sheet: Grid | None, path: Path) -> dict[str, str]:
    if book_sheet is None:
        raise KaopingError("不是 kaoping 生成的季度结果台账（缺少隐藏工作表 _kaoping）", file=str(path))
    meta: dict[str, str] = {}
    for r in range(1, book_sheet.max_row + 1):
        key = _text(book_sheet.value(r, 1))
        if key:
            meta[key] = _text(book_sheet.value(r, 2)) or ""
    if meta.get("kind") != "ledger":
        raise KaopingError(f"不是季度结果台账（_kaoping 中 kind 为「{meta.get('kind', '')}」）",
                           file=str(path), sheet=META_SHEET)
    return meta


def _int_meta(meta: dict[str, str], key: str, label: str, path: Path, lo: int, hi: int) -> int:
    try:
        value = int(meta.get(key, ""))
    except ValueError:
        value = None
    if value is None or not lo <= value <= hi:
        raise KaopingError(f"台账的{label}「{meta.get(key, '')}」无效", file=str(path), sheet=META_SHEET)
    return value


# The columns read, with the field each fills and how its text is parsed.
_FIELDS: tuple[tuple[str, str, Callable[[str], Any] | None], ...] = (
    ("工号", "staff_id", None), ("姓名", "name", None), ("单位", "unit", None),
    ("考核组", "quota_group", None), ("科室", "section", None), ("职务职级", "rank", None),
    ("职级类别", "rank_category", _CATEGORY), ("考核等次", "outcome", _OUTCOME),
    ("自评档次", "self_grade", _GRADE), ("领导评价档次", "leader_grade", _GRADE),
    ("标记", "flags", _split(_flag)), ("不定档类别", "special_categories", _split(_SPECIAL)),
    ("应出勤天数", "required_days", _number), ("实际出勤天数", "attended_days", _number),
    ("来源文件", "source_file", None), ("备注", "note", None),
)
_READ_LABELS = frozenset(label for label, _, _ in _FIELDS)


def _refuse_error_values(grid: Grid, r: int, columns: dict[str, int], path: Path) -> None:
    """An Excel error value (#REF!…) reads as blank: in a column the ledger is read from it
    would drop a grade, a flag or a whole row without a word, so the ledger is refused
    naming the cell (not as "不能为空": the cell is not empty)."""
    if not grid.error_values:  # the usual ledger: nothing to look up row by row
        return
    for label, col in columns.items():
        if label in _READ_LABELS and (error := grid.error_values.get((r, col))) is not None:
            raise KaopingError(f"「{label}」是 Excel 错误值 {error}（多为手工修改时公式引用的单元格被删除），"
                               "kaoping 读出来是空白，不能当作未填写；请改为应填的内容，或重新生成台账",
                               file=str(path), sheet=grid.name, cell=cell_ref(r, col))


def read_ledger(path: Path, *, limits: LimitSettings | None = None) -> QuarterLedger:
    """Read and validate a 季度结果台账. Raises `KaopingError` naming file, sheet and cell.
    `limits`: kaoping.toml [limits] (its register rows apply)."""
    path = Path(path)
    require_file(path, "季度结果台账")
    from ..excel.book import register_limits

    book = load_book(path, register_limits(limits))  # one row per person
    meta = _meta(book.sheet(META_SHEET), path)
    year = _int_meta(meta, "year", "年度", path, 2000, 2100)
    quarter = _int_meta(meta, "quarter", "季度", path, 1, 4)
    errors_left = _int_meta(meta, "errors_left", "遗留错误数", path, 0, 10**9) if "errors_left" in meta else 0
    version = meta.get("version", LEDGER_VERSION)
    if version != LEDGER_VERSION:
        raise KaopingError(f"台账版本「{version}」不受支持（当前为 {LEDGER_VERSION}）",
                           file=str(path), sheet=META_SHEET)
    grid = book.sheet(LEDGER_SHEET) or next(iter(book.visible_sheets()), None)
    if grid is None:
        raise KaopingError("台账中没有工作表", file=str(path))
    header_row, columns = _header(grid, path)
    results: list[QuarterResult] = []
    seen: dict[str, int] = {}
    for r in range(header_row + 1, grid.max_row + 1):
        data = _row_fields(grid, r, columns, path)
        if data is None:
            continue  # blank row
        if data["staff_id"] in seen:
            raise KaopingError(f"工号「{data['staff_id']}」重复（第{seen[data['staff_id']]}行已有）",
                               file=str(path), sheet=grid.name, cell=cell_ref(r, columns["工号"]))
        seen[data["staff_id"]] = r
        results.append(QuarterResult(**data, row=r))
    return QuarterLedger(year=year, quarter=quarter, results=results, source=str(path),
                         sheet=grid.name, errors_left=errors_left)


def _header(grid: Grid, path: Path) -> tuple[int, dict[str, int]]:
    """The header row (the first of the top rows that holds 工号) and its columns by label."""
    for r in range(1, min(grid.max_row, 10) + 1):
        columns = {grid.text(r, c): c for c in range(1, grid.max_col + 1) if grid.text(r, c)}
        if "工号" in columns:
            missing = [h for h in _REQUIRED if h not in columns]
            if missing:
                raise KaopingError(f"表头缺少列：{'、'.join(missing)}", file=str(path),
                                   sheet=grid.name, cell=f"第{r}行")
            return r, columns
    raise KaopingError("找不到表头行（应含「工号」列）", file=str(path), sheet=grid.name)


def _row_fields(grid: Grid, r: int, columns: dict[str, int], path: Path) -> dict[str, Any] | None:
    """The fields of row r (None for a blank row), each parsed and checked."""
    _refuse_error_values(grid, r, columns, path)
    raw = {label: _text(grid.value(r, col)) for label, col in columns.items()}
    if not any(raw.get(label) for label in _READ_LABELS):
        return None
    data: dict[str, Any] = {}
    for label, attr, parse in _FIELDS:
        text = raw.get(label)
        if text is None:
            if label in _REQUIRED:
                raise KaopingError(f"「{label}」不能为空", file=str(path), sheet=grid.name,
                                   cell=cell_ref(r, columns[label]))
            continue
        try:
            data[attr] = parse(text) if parse else text
        except ValueError as exc:
            raise KaopingError(str(exc), file=str(path), sheet=grid.name,
                               cell=cell_ref(r, columns[label])) from None
    return data
