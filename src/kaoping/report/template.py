"""Filling the xlsx templates: the one source of every filing's layout.

A template is an ordinary workbook a clerk may restyle in Excel or WPS. Its variable parts are
jinja2 placeholders in cells — `{{ 呈报单位 }}`, `（{{ 年度 }}年度第{{ 季度 }}季度）` — and one
row whose placeholders name the record, `{{ 行.姓名 }}`, repeats once per record (the blank
rows right below it are kept as ruled blank rows while the records do not fill them).
A cell holding a single placeholder takes the value itself (a count stays a number, so the
template's number format applies); a cell mixing text and placeholders becomes text.

Rendering runs in jinja2's immutable sandbox with StrictUndefined. A template whose placeholders the
writer does not know, or that lacks one the shipped template has, is refused before anything
is written (`KaopingError`, exit 2), naming the template and the cell.
"""

from __future__ import annotations

import copy
import io
import pickle
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError, meta, nodes
from jinja2.exceptions import TemplateError as JinjaError
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedEnvironment
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet.worksheet import Worksheet

from ..errors import KaopingError
from ..output.workbook import put
from ..paths import shipped_templates

SHIPPED_DIR = shipped_templates()
RECORD = "行"  # the loop variable of the repeating row
META_SHEET = "_kaoping"  # machine data, never rendered
EXPORT_HINT = "可用 kaoping templates export 导出原模板对照"

Ref = tuple[str, str | None]  # (name, field) — field None for a plain value


@dataclass(frozen=True)
class TemplateSpec:
    """What a writer puts into one template: `values` maps each placeholder name to None (a
    plain value) or to the fields it has (`合计.好`); `record` lists the fields of `行`."""

    file: str
    values: Mapping[str, frozenset[str] | None]
    record: frozenset[str] = frozenset()

    def known(self) -> str:
        names = [n if f is None else f"{n}.（{'、'.join(sorted(f))}）" for n, f in self.values.items()]
        if self.record:
            names.append(f"{RECORD}.（{'、'.join(sorted(self.record))}）")
        return "、".join(names)


def _environment() -> SandboxedEnvironment:
    # Immutable: a template cannot change the records it is filled with (行.clear()).
    # None prints as nothing inside text ("备注：" rather than "备注：None").
    return ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True,
                                finalize=lambda v: "" if v is None else v)


def _is_template(value: object) -> bool:
    return isinstance(value, str) and ("{{" in value or "{%" in value)


# ---------------------------------------------------------------- reading a template


@dataclass
class _Cell:
    sheet: str
    row: int
    col: int
    text: str
    refs: set[Ref]

    @property
    def coordinate(self) -> str:
        return f"{get_column_letter(self.col)}{self.row}"


def _refs(node: nodes.Node, names: set[str]) -> Iterator[Ref]:
    """(name, field) for every use of an outside name: `行.姓名`, `行['姓名']`, `呈报单位`."""
    if isinstance(node, nodes.Getattr | nodes.Getitem) and isinstance(node.node, nodes.Name) \
            and node.node.name in names:
        field = node.attr if isinstance(node, nodes.Getattr) else node.arg
        if isinstance(field, nodes.Const):
            field = field.value
        yield node.node.name, field if isinstance(field, str) else None
        if isinstance(node, nodes.Getitem):
            yield from _refs(node.arg, names)
        return
    if isinstance(node, nodes.Name) and node.name in names:
        yield node.name, None
        return
    for child in node.iter_child_nodes():
        yield from _refs(child, names)


def _scan(wb: Workbook, env: SandboxedEnvironment, path: Path) -> list[_Cell]:
    cells: list[_Cell] = []
    for ws in wb.worksheets:
        if ws.title == META_SHEET:
            continue
        for row in ws.iter_rows():
            for c in row:
                if not _is_template(c.value):
                    continue
                try:
                    tree = env.parse(c.value)
                except TemplateSyntaxError as exc:
                    raise KaopingError(f"模板中的占位符写法有误（{exc.message}），应写成 {{{{ 名称 }}}}；"
                                       f"{EXPORT_HINT}", file=str(path), sheet=ws.title,
                                       cell=c.coordinate) from None
                outside = meta.find_undeclared_variables(tree)
                cells.append(_Cell(ws.title, c.row, c.column, c.value, set(_refs(tree, outside))))
    return cells


def _allowed(spec: TemplateSpec, name: str) -> frozenset[str] | None | bool:
    """The fields `name` has (None: a plain value), or False when the writer has no such name."""
    if name == RECORD:
        return spec.record or False
    return spec.values.get(name, False)


def _check_known(spec: TemplateSpec, cells: Sequence[_Cell], path: Path) -> None:
    for cell in cells:
        for name, field in sorted(cell.refs, key=str):
            fields = _allowed(spec, name)
            if fields is None:
                continue  # a plain value: attributes and filters on it are jinja's business
            if fields is False or field not in fields:
                shown = name if field is None else f"{name}.{field}"
                raise KaopingError(f"模板中的占位符 {{{{ {shown} }}}} 不认识；可用的占位符：{spec.known()}",
                                   file=str(path), sheet=cell.sheet, cell=cell.coordinate)


def _normal(spec: TemplateSpec, refs: set[Ref]) -> set[Ref]:
    """The refs that must be kept: structured names with their field, plain names bare."""
    out: set[Ref] = set()
    for name, field in refs:
        if name == RECORD or spec.values.get(name) is not None:
            out.add((name, field))
        else:
            out.add((name, None))
    return out


def _record_rows(cells: Sequence[_Cell], path: Path) -> dict[str, int]:
    """The record row of each sheet that has one (at most one a sheet)."""
    out: dict[str, int] = {}
    for sheet, row in sorted({(c.sheet, c.row) for c in cells if any(n == RECORD for n, _ in c.refs)}):
        if sheet in out:
            raise KaopingError(f"一张工作表中只能有一行用 {{{{ {RECORD}.… }}}} 占位符（每条记录重复这一行），"
                               f"第{out[sheet]}行和第{row}行都用了；{EXPORT_HINT}", file=str(path),
                               sheet=sheet)
        out[sheet] = row
    return out


def _template_bytes(path: Path, *, shipped: bool) -> bytes:
    """A restyled template is a file from outside like any other: the same preflight as the
    forms (size, zip bomb, hostile XML) before openpyxl parses it."""
    if shipped:
        return path.read_bytes()
    from ..errors import UnreadableWorkbookError
    from ..excel.safety import inspect_workbook, read_workbook_bytes

    try:
        data = read_workbook_bytes(path)
        inspect_workbook(path, data=data)
    except UnreadableWorkbookError as exc:
        raise KaopingError(f"模板文件无法打开：{exc.message}（{EXPORT_HINT}）", file=str(path)) from None
    return data


def _check_record_merges(ws: Worksheet, row: int, path: Path) -> None:
    """Rows are added and removed at the record row's table: no merge may cross its edges."""
    end = row + _blank_rows_below(ws, row)
    for rng in ws.merged_cells.ranges:
        if rng.min_row < row <= rng.max_row or rng.min_row <= end < rng.max_row:
            raise KaopingError(f"合并单元格 {rng.coord} 跨越了记录行所在的表格边缘（第{row}行起），"
                               f"无法按人数增删行；请取消这处合并；{EXPORT_HINT}", file=str(path),
                               sheet=ws.title, cell=rng.coord)


@dataclass
class Template:
    """A validated template: its bytes, the parsed workbook each fill starts from a fresh copy
    of, and its placeholder cells."""

    spec: TemplateSpec
    path: Path
    data: bytes
    cells: list[_Cell]
    record_rows: dict[str, int]  # sheet → its record row
    kind: str | None = None  # the hidden _kaoping sheet's kind (how kaoping knows its files)
    # The workbook as parsed, pickled: unpickling a copy is ~30x faster than parsing the xlsx
    # again, which a batch of per-person forms would otherwise do once a person. Only ever
    # kaoping's own pickle of a workbook it parsed in this process.
    parsed: bytes = b""
    # Compiled jinja templates of its cells by text: compiled once, not once a fill.
    compiled: dict[str, Callable[[Mapping[str, Any]], Any]] = dc_field(default_factory=dict, repr=False)

    def workbook(self) -> Workbook:
        """A fresh, unfilled copy of the template workbook."""
        if not self.parsed:
            return load_workbook(io.BytesIO(self.data))
        wb = pickle.loads(self.parsed)  # our own pickle, see `parsed`
        for ws in wb.worksheets:
            # The row/column dimension holders are defaultdicts whose factory pickle drops.
            ws.row_dimensions.default_factory = ws._add_row
            ws.column_dimensions.default_factory = ws._add_column
        return wb

    def refs(self) -> set[Ref]:
        return _normal(self.spec, set().union(*(c.refs for c in self.cells)) if self.cells else set())


def read_template(spec: TemplateSpec, directory: Path | None = None, *,
                  reference: Path = SHIPPED_DIR) -> Template:
    """Open and check `spec.file` in `directory` (default: the templates shipped with kaoping).
    A restyled template must keep every placeholder of the one in `reference`."""
    folder = Path(directory) if directory is not None else reference
    path = folder / spec.file
    if not folder.is_dir():
        raise KaopingError(f"找不到模板文件夹；{EXPORT_HINT}", file=str(folder))
    if not path.is_file():
        raise KaopingError(f"模板文件夹中没有模板「{spec.file}」；{EXPORT_HINT}（导出全套后再修改）",
                           file=str(folder))
    data = _template_bytes(path, shipped=folder.resolve() == SHIPPED_DIR.resolve())
    try:
        wb = load_workbook(io.BytesIO(data))
    except Exception as exc:  # a damaged template must not stop the report silently
        raise KaopingError(f"模板文件无法打开（{type(exc).__name__}）；{EXPORT_HINT}",
                           file=str(path)) from None
    parsed = pickle.dumps(wb, protocol=pickle.HIGHEST_PROTOCOL)  # before anything touches it
    env = _environment()
    cells = _scan(wb, env, path)
    _check_known(spec, cells, path)
    template = Template(spec, path, data, cells, _record_rows(cells, path), _meta_kind(wb), parsed)
    for sheet, row in template.record_rows.items():
        _check_record_merges(wb[sheet], row, path)
    if folder.resolve() != Path(reference).resolve():
        _check_complete(template, reference)
    return template


def _meta_kind(wb: Workbook) -> str | None:
    if META_SHEET not in wb.sheetnames:
        return None
    return next((str(r[1].value) for r in wb[META_SHEET].iter_rows(max_col=2)
                 if r[0].value == "kind"), None)


def _check_complete(template: Template, reference: Path) -> None:
    shipped = read_template(template.spec, reference)
    if shipped.kind != template.kind:
        raise KaopingError(f"模板的隐藏工作表 {META_SHEET} 缺失或被改动（应有 kind = {shipped.kind}），"
                           f"kaoping 靠它识别自己输出的文件；{EXPORT_HINT}", file=str(template.path))
    missing = sorted(shipped.refs() - template.refs(), key=str)
    if not missing:
        return
    name, field = missing[0]
    shown = name if field is None else f"{name}.{field}"
    where = next(c for c in shipped.cells if (name, field) in _normal(template.spec, c.refs))
    raise KaopingError(f"模板缺少占位符 {{{{ {shown} }}}}（原模板在工作表「{where.sheet}」单元格 "
                       f"{where.coordinate}），请补回后重试；{EXPORT_HINT}", file=str(template.path))


# ---------------------------------------------------------------- rows


def _shift_rows(ws: Worksheet, first: int, delta: int) -> None:
    """Move rows `first`… by `delta` (insert when positive, delete when negative) with their
    merges and heights, which openpyxl's insert/delete leave behind."""
    moved = [r for r in ws.merged_cells.ranges if r.min_row >= first]
    for rng in moved:
        ws.merged_cells.remove(rng)
    heights = {r: d.height for r, d in list(ws.row_dimensions.items()) if r >= first}
    for r in heights:
        del ws.row_dimensions[r]
    if delta > 0:
        ws.insert_rows(first, delta)
    else:
        ws.delete_rows(first + delta, -delta)
    for rng in moved:
        rng.shift(row_shift=delta)
        ws.merged_cells.add(rng)
    for r, h in heights.items():
        if h is not None:
            ws.row_dimensions[r + delta].height = h


@dataclass(frozen=True)
class _Table:
    """The record row's table before (`span` rows from `row`) and after filling (`total`
    rows, `count` of them records)."""

    row: int
    span: int
    total: int
    count: int

    def moved(self, ref: str) -> str | None:
        """`ref` (A1:F12) after filling: a range reaching past the table grows or shrinks with
        it, one on the record row covers every record, one below moves; None when it is gone."""
        min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
        end = self.row + self.span - 1
        delta = self.total - self.span
        if min_row > end:
            min_row, max_row = min_row + delta, max_row + delta
        elif max_row >= end:
            max_row += delta
        elif max_row >= self.row:
            max_row = max(max_row, self.row + self.count - 1)
        if max_row < min_row:
            return None
        return f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{max_row}"


def _moved_ranges(table: _Table, sqref: object) -> str:
    refs = (table.moved(str(r)) for r in str(sqref).split())
    return " ".join(r for r in refs if r)


def _adjust_ranges(ws: Worksheet, table: _Table) -> None:
    """Print area, filter, conditional formats and drop-downs follow the filled table."""
    if ws.print_area:
        refs = [table.moved(r.split("!")[-1]) for r in ws.print_area.split(",")]
        if any(refs):
            ws.print_area = [r for r in refs if r]
    if ws.auto_filter.ref:
        ws.auto_filter.ref = table.moved(ws.auto_filter.ref)
    rules = [(cf.sqref, list(cf.rules)) for cf in ws.conditional_formatting]
    if rules:
        from openpyxl.formatting.formatting import ConditionalFormattingList

        ws.conditional_formatting = ConditionalFormattingList()
        for sqref, cf_rules in rules:
            moved = _moved_ranges(table, sqref)
            for rule in cf_rules if moved else ():
                ws.conditional_formatting.add(moved, rule)
    for dv in list(ws.data_validations.dataValidation):
        moved = _moved_ranges(table, dv.sqref)
        if moved:
            dv.sqref = moved
        else:
            ws.data_validations.dataValidation.remove(dv)


def _blank_rows_below(ws: Worksheet, row: int) -> int:
    """The ruled blank rows right below the record row (up to the next row with content)."""
    n = 0
    for r in range(row + 1, ws.max_row + 1):
        if any(c.value not in (None, "") for c in ws[r]):
            break
        n += 1
    else:
        n = 0  # nothing below: the rows are only styling, not part of the table
    return n


def _lay_out_records(ws: Worksheet, row: int, count: int) -> int:
    """Make room for `count` records from `row`, styled like the record row; returns how far
    the rows below the table moved."""
    span = 1 + _blank_rows_below(ws, row)
    total = max(count, span) if count or span > 1 else 0
    if total != span:
        _shift_rows(ws, row + span, total - span)
    _adjust_ranges(ws, _Table(row, span, total, count))
    height = ws.row_dimensions[row].height
    merges = [r for r in ws.merged_cells.ranges if r.min_row == row == r.max_row]
    styles = [copy.copy(ws.cell(row, col)._style) for col in range(1, ws.max_column + 1)]
    for r in range(row + 1, row + count):
        for col, style in enumerate(styles, start=1):
            ws.cell(r, col)._style = copy.copy(style)
        if height is not None:
            ws.row_dimensions[r].height = height
        for rng in merges:
            if not any(m.min_row == r and m.min_col == rng.min_col for m in ws.merged_cells.ranges):
                ws.merge_cells(start_row=r, start_column=rng.min_col, end_row=r, end_column=rng.max_col)
    return total - span


# ---------------------------------------------------------------- rendering


_WHOLE = re.compile(r"^\s*\{\{(.*)\}\}\s*$", re.DOTALL)
_PLAIN = re.compile(r"^\s*\{\{\s*(\w+)(?:\.(\w+))?\s*\}\}\s*$")


def _lookup(name: str, field: str | None) -> Callable[[Mapping[str, Any]], Any]:
    """`{{ 名称 }}` / `{{ 行.字段 }}` without jinja's per-call context (a 台账 has thousands of
    rows); what jinja would give for the writer's plain values and records."""
    if field is None:
        return lambda ctx: ctx[name]
    return lambda ctx: ctx[name][field]


def _compile(env: SandboxedEnvironment, text: str, known: Mapping[str, Any],
             cache: dict[str, Callable[[Mapping[str, Any]], Any]] | None = None
             ) -> Callable[[Mapping[str, Any]], Any]:
    """A cell that is one placeholder gives the value itself; anything else gives text.
    `known`: the values (and the record) the cell is filled with, for the direct lookup;
    `cache`: compiled templates by text (a template's own, reused across fills)."""
    plain = _PLAIN.match(text)
    if plain and plain.group(1) in known:
        value = known[plain.group(1)]
        if plain.group(2) is None or (isinstance(value, Mapping) and plain.group(2) in value):
            return _lookup(plain.group(1), plain.group(2))
    fn = cache.get(text) if cache is not None else None
    if fn is not None:
        return fn
    m = _WHOLE.match(text)
    if m and "{{" not in m.group(1) and "}}" not in m.group(1) and "{%" not in text:
        expr = env.compile_expression(m.group(1), undefined_to_none=False)

        def fn(ctx: Mapping[str, Any]) -> Any:
            return expr(**ctx)
    else:
        fn = env.from_string(text).render
    if cache is not None:
        cache[text] = fn
    return fn


def _value(fn: Callable[[Mapping[str, Any]], Any], ctx: Mapping[str, Any], template: Template,
           cell: _Cell) -> Any:
    try:
        value = fn(ctx)
        if isinstance(value, StrictUndefined):
            str(value)  # raises: names are checked before, so this is a writer's bug
    except JinjaError as exc:
        raise KaopingError(f"模板单元格无法填写（{exc}）；{EXPORT_HINT}", file=str(template.path),
                           sheet=cell.sheet, cell=cell.coordinate) from None
    return None if value == "" else value


def _check_context(spec: TemplateSpec, values: Mapping[str, Any],
                   records: Sequence[Mapping[str, Any]]) -> None:
    if set(values) != set(spec.values):  # the writer's contract with the spec
        raise ValueError(f"{spec.file}: values {sorted(values)} != spec {sorted(spec.values)}")
    for rec in records:
        if set(rec) != spec.record:
            raise ValueError(f"{spec.file}: record {sorted(rec)} != spec {sorted(spec.record)}")


def fill(template: Template, values: Mapping[str, Any],
         records: Sequence[Mapping[str, Any]] = ()) -> Workbook:
    """A fresh copy of the template with every placeholder filled; the record row once per
    record (every value through `put`: text never becomes a formula)."""
    _check_context(template.spec, values, records)
    wb = template.workbook()
    for name in _content_sheets(wb):
        _render_sheet(template, wb[name], name, values, records)
    return wb


@dataclass(frozen=True)
class SheetFill:
    """One output sheet of `fill_sheets`: a copy of template sheet `source` (None: the
    template's only sheet) named `title`, filled with `values` and `records`."""

    title: str
    values: Mapping[str, Any]
    records: Sequence[Mapping[str, Any]] = ()
    source: str | None = None


Fit = Callable[[Sequence[object], Sequence[float]], float]  # (texts, column widths) → row height


def fill_sheets(template: Template, sheets: Sequence[SheetFill], *, fit: Fit | None = None) -> Workbook:
    """One filled copy of a template sheet per `SheetFill`, in order (a 问题清单's 全部 sheet
    and one per unit); the template's own sheets are not in the result. `fit`: each record's
    row gets the height it gives for the row's texts in the sheet's own column widths (neither
    Excel nor LibreOffice grows a row on opening)."""
    for sheet in sheets:
        _check_context(template.spec, sheet.values, sheet.records)
    wb = template.workbook()
    names = _content_sheets(wb)
    sources = [_source(sheet, names, template) for sheet in sheets]
    copies = [_copy_sheet(wb, wb[name]) for name in sources]  # all copied while pristine
    for name in names:
        del wb[name]
    for ws, name, sheet in zip(copies, sources, sheets, strict=True):
        _render_sheet(template, ws, name, sheet.values, sheet.records)
        if fit is not None and name in template.record_rows:
            _fit_rows(ws, template.record_rows[name], len(sheet.records), fit)
        ws.title = sheet.title
    if META_SHEET in wb.sheetnames:  # the hidden sheet stays last
        wb.move_sheet(META_SHEET, len(wb.sheetnames) - 1 - wb.sheetnames.index(META_SHEET))
    wb.active = 0
    return wb


def _fit_rows(ws: Worksheet, first: int, count: int, fit: Fit) -> None:
    letters = [get_column_letter(c) for c in range(1, ws.max_column + 1)]
    widths = [ws.column_dimensions[x].width for x in letters]
    for r in range(first, first + count):
        texts = [None if c.value is None else str(c.value) for c in ws[r][:len(letters)]]
        ws.row_dimensions[r].height = fit(texts, widths)


def _source(sheet: SheetFill, names: Sequence[str], template: Template) -> str:
    if sheet.source is None and len(names) == 1:
        return names[0]
    if sheet.source in names:
        return sheet.source
    wanted = f"「{sheet.source}」" if sheet.source else "一张"
    raise KaopingError(f"模板中应有{wanted}工作表，现有：{'、'.join(names)}；{EXPORT_HINT}",
                       file=str(template.path))


def _content_sheets(wb: Workbook) -> list[str]:
    return [ws.title for ws in wb.worksheets if ws.title != META_SHEET]


def _merged_range(ws: Worksheet, coord: str) -> Any:
    """A merged range of `ws` whose cells are already in place (a copied sheet's): what
    `MergedCellRange(ws, coord)` gives, without its border merging, which compares styles
    cell by cell and was most of the cost of copying a form's sheets."""
    from openpyxl.worksheet.cell_range import CellRange
    from openpyxl.worksheet.merge import MergedCellRange

    rng = MergedCellRange.__new__(MergedCellRange)
    CellRange.__init__(rng, range_string=coord)
    rng.ws = ws
    rng.start_cell = ws.cell(rng.min_row, rng.min_col)
    return rng


def _copy_sheet(wb: Workbook, source: Worksheet) -> Worksheet:
    """`copy_worksheet` plus what it leaves out or shares: panes, print titles and area,
    filter, header and footer, conditional formats, drop-downs, sheet protection (a form's
    labels stay locked), the sheet view (gridlines hidden), and merges of its own (the copy's
    merges would otherwise be the source's range objects, moved with either sheet)."""
    from openpyxl.worksheet.cell_range import MultiCellRange

    merged, source.merged_cells = source.merged_cells, MultiCellRange()
    try:  # copy_worksheet's own copy of the merges is as slow as MergedCellRange()
        ws = wb.copy_worksheet(source)
    finally:
        source.merged_cells = merged
    ws.merged_cells = MultiCellRange()
    for rng in source.merged_cells.ranges:
        ws.merged_cells.add(_merged_range(ws, rng.coord))
    ws.freeze_panes = source.freeze_panes
    ws.print_title_rows = source.print_title_rows
    ws.print_title_cols = source.print_title_cols
    if source.print_area:
        ws.print_area = [r.split("!")[-1] for r in source.print_area.split(",")]
    ws.auto_filter.ref = source.auto_filter.ref
    ws.HeaderFooter = copy.deepcopy(source.HeaderFooter)
    for cf in source.conditional_formatting:
        for rule in cf.rules:
            ws.conditional_formatting.add(str(cf.sqref), copy.copy(rule))
    for dv in source.data_validations.dataValidation:
        ws.add_data_validation(copy.deepcopy(dv))
    ws.protection = copy.deepcopy(source.protection)
    ws.views = copy.deepcopy(source.views)
    ws.sheet_view.tabSelected = None  # one selected tab per workbook (else Excel groups the sheets)
    ws.sheet_properties = copy.deepcopy(source.sheet_properties)
    return ws


def _render_sheet(template: Template, ws: Worksheet, name: str, values: Mapping[str, Any],
                  records: Sequence[Mapping[str, Any]]) -> None:
    """Fill the cells that template sheet `name` has into `ws` (that sheet or a copy of it)."""
    env = _environment()
    record_row = template.record_rows.get(name)
    shift = _lay_out_records(ws, record_row, len(records)) if record_row else 0
    sample = {**values, RECORD: records[0] if records else {}}
    for cell in (c for c in template.cells if c.sheet == name):
        fn = _compile(env, cell.text, sample, template.compiled)
        if cell.row == record_row:
            for i, rec in enumerate(records):
                put(ws.cell(cell.row + i, cell.col), _value(fn, {**values, RECORD: rec}, template, cell))
            if not records and shift == 0:  # kept as a ruled blank row (else it was removed)
                ws.cell(cell.row, cell.col).value = None
            continue
        below = record_row is not None and cell.row > record_row
        put(ws.cell(cell.row + (shift if below else 0), cell.col), _value(fn, values, template, cell))
    if record_row:
        _copy_literals(template, ws, name, record_row, len(records))


def _copy_literals(template: Template, ws: Worksheet, name: str, row: int, count: int) -> None:
    """Plain text in the record row (a constant column) is repeated on every record's row."""
    if count < 2:
        return
    placeholders = {c.col for c in template.cells if (c.sheet, c.row) == (name, row)}
    for col in range(1, ws.max_column + 1):
        value = ws.cell(row, col).value
        if col not in placeholders and value not in (None, ""):
            for r in range(row + 1, row + count):
                put(ws.cell(r, col), value)


# ---------------------------------------------------------------- the set


def export_templates(out_dir: Path, names: Sequence[str], *, force: bool = False,
                     inputs: Sequence[Path | None] = ()) -> list[Path]:
    """Copy the shipped templates `names` into `out_dir` (all or nothing), for the clerk to
    restyle."""
    from ..output.workbook import OutputSet

    out_dir = Path(out_dir)
    sources = {out_dir / name: SHIPPED_DIR / name for name in names}
    with OutputSet(out_dir, sources, force=force, inputs=inputs) as out:
        for target, src in sources.items():
            data = src.read_bytes()
            out.write(target, lambda path, data=data: path.write_bytes(data))
    return list(sources)
