"""The three staff forms of the measures, filled from their templates in `templates/xlsx/`.

- 附件1 干部日常考评一周小记表 (§四(一)): one sheet per week of the month;
- 附件2 干部日常考评月度小结表 (§四(二)): sheet 月度小结, followed by the month's weekly sheets
  (copies of the template's 一周小记 sheet, the same layout as 附件1);
- 附件3 干部日常考评季度评价表 (§四(三)).

The templates are the one source of the layout: titles, labels, merges, borders, drop-downs,
protection and page setup are whatever the template workbook has; its variable parts are
jinja2 placeholders (`{{ 姓名 }}`, `（{{ 月 }}）月份`, the task row `{{ 行.事项 }}`) filled through
`kaoping.report.template`, the machinery of the filing tables. A clerk may restyle an exported
copy and pass it with --templates. The reader (`kaoping.excel.read`) does NOT rely on cell
positions — it finds fields by their labels, so a restyled form or one with an inserted row
still reads; the hidden `_kaoping` sheet (kind, period, staff id) is filled here.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..errors import KaopingError
from ..excel import detect as L
from ..models import (
    GRADE_ORDER,
    FormKind,
    MonthlySummary,
    Person,
    QuarterlyEvaluation,
    Roster,
    WeeklyLog,
    WeeklyTask,
)
from ..output.files import RunInputs
from ..output.style import text_lines
from ..output.workbook import Inputs, OutputSet, put
from ..paths import MAX_NAME, safe_filename
from ..periods import Month, Quarter
from ..report.template import (
    RECORD,
    SHIPPED_DIR,
    SheetFill,
    Template,
    TemplateSpec,
    fill,
    fill_sheets,
    read_template,
)
from ..rules.due import due_people


# ---------------------------------------------------------------- templates and placeholders

TEMPLATE_DIR = SHIPPED_DIR  # package data: templates/xlsx/
TEMPLATE_NAMES: dict[FormKind, str] = {
    FormKind.WEEKLY: "附件1-干部日常考评一周小记表.xlsx",
    FormKind.MONTHLY: "附件2-干部日常考评月度小结表.xlsx",
    FormKind.QUARTERLY: "附件3-干部日常考评季度评价表.xlsx",
}
WEEK_SHEET = "一周小记"  # 附件1's sheet, and 附件2's model of its weekly sheets

# The task row of 附件1: one record a task, fields named after the column headers.
TASK_FIELDS = dict(zip(("seq", "received_on", "item", "deadline", "status", "note"),
                       L.WEEKLY_COLUMNS, strict=True))
WEEK_VALUES = ("姓名", "单位及职务", "月", "周")
IDENTITY = {"name": "姓名", "unit": "单位", "section": "科室", "post": "职务"}  # 附件2 and 附件3
MONTHLY_TEXTS = {"daily_work": "日常工作", "key_tasks": "重要任务项目", "problems": "存在的问题",
                 "next_plans": "下步打算", "verifier_signature": "审定签字"}
MONTHLY_DAYS = {"sick_personal_days": "本月病事假", "annual_leave_days": "本月年休",
                "sick_personal_days_ytd": "全年病事假", "annual_leave_days_ytd": "全年年休",
                "statutory_leave_days": "本月法定假期", "comp_leave_days": "本月加班补休",
                "statutory_leave_days_ytd": "全年法定假期", "comp_leave_days_ytd": "全年加班补休"}
QUARTERLY_TEXTS = {"highlights": "工作亮点", "shortcomings": "不足和改进", "leader_opinion": "领导意见",
                   "leader_signature": "领导签字", "commendation_level": "表彰级别",
                   "commendation_name": "表彰名称"}
QUARTERLY_BOXES = {"commended": "受表彰", "direct_poor": "直接定较差"}  # tick boxes
TICKS = {"self_ticks": "自评档次", "leader_ticks": "领导评价档次"}  # {{ 自评档次.好 }} …
GRADES = frozenset(g.value for g in GRADE_ORDER)
# Blank forms leave room to write the period in by hand, as the annexes print it: （  ）月第（  ）周.
BLANK_WEEK, BLANK_MONTH, BLANK_QUARTER = "  ", "    ", "  "


def _plain(*names: str) -> dict[str, None]:
    return dict.fromkeys(names)


WEEKLY_SPEC = TemplateSpec(TEMPLATE_NAMES[FormKind.WEEKLY], _plain(*WEEK_VALUES),
                           frozenset(TASK_FIELDS.values()))
MONTHLY_SPEC = TemplateSpec(TEMPLATE_NAMES[FormKind.MONTHLY], _plain(
    *WEEK_VALUES, *IDENTITY.values(), *MONTHLY_TEXTS.values(), *MONTHLY_DAYS.values()),
    frozenset(TASK_FIELDS.values()))
QUARTERLY_SPEC = TemplateSpec(TEMPLATE_NAMES[FormKind.QUARTERLY], {
    **_plain("季度", *IDENTITY.values(), *QUARTERLY_TEXTS.values(), *QUARTERLY_BOXES.values()),
    **{name: GRADES for name in TICKS.values()}})
FORM_SPECS: dict[FormKind, TemplateSpec] = {
    FormKind.WEEKLY: WEEKLY_SPEC, FormKind.MONTHLY: MONTHLY_SPEC, FormKind.QUARTERLY: QUARTERLY_SPEC}


@functools.lru_cache(maxsize=16)
def _cached_template(kind: FormKind, folder: str | None, stamp: tuple[int, int] | None) -> Template:
    return read_template(FORM_SPECS[kind], Path(folder) if folder is not None else None)


def form_template(kind: FormKind, template_dir: Path | None = None) -> Template:
    """The checked template of form `kind` from `template_dir` (a restyled set; a missing or
    unknown placeholder is a `KaopingError` naming template and cell), else the shipped one.
    Parsed and checked once per file version, not once per person."""
    if template_dir is None:
        return _cached_template(kind, None, None)
    path = Path(template_dir) / FORM_SPECS[kind].file
    try:
        st = path.stat()
        stamp = (st.st_mtime_ns, st.st_size)
    except OSError:
        stamp = None  # read_template says what is missing
    return _cached_template(kind, str(Path(template_dir).resolve()), stamp)


def check_form_templates(template_dir: Path | None) -> None:
    """Refuse a restyled set of 附件1–3 before any form is written."""
    for kind in FORM_SPECS:
        form_template(kind, template_dir)


def placeholder_cell(template: Template, name: str, sheet: str | None = None) -> str:
    """Where the template has placeholder `name` (first sheet holding it unless `sheet`;
    examples/generate.py writes the example forms' figures there)."""
    for cell in template.cells:
        if (sheet is None or cell.sheet == sheet) and any(n == name for n, _ in cell.refs):
            return cell.coordinate
    raise KeyError(name)


def _cells_of(template: Template, sheet: str, name: str) -> list[tuple[int, int]]:
    """(row, column) of every template cell using `name` on `sheet`."""
    return [(c.row, c.col) for c in template.cells
            if c.sheet == sheet and any(n == name for n, _ in c.refs)]


# ---------------------------------------------------------------- fill styles


DateStyle = Literal["date", "text-dash", "text-dot", "text-cn", "serial"]


@dataclass(frozen=True)
class FillStyle:
    """How a filled form writes its values, to imitate how different people fill forms.

    tick: the tick character ('√', '✓', '☑', '●', '是', …); date_style: a real date cell
    ('date'), text '2026-7-3' ('text-dash'), '2026.7.3' ('text-dot'), '7月3日' ('text-cn'; the
    year is added when it differs from the form's) or an Excel serial number ('serial');
    name_spacing: names written with a full-width space ('张　三'); days_text: leave days as
    text with a unit ('1.5天') instead of numbers."""

    tick: str = "√"
    date_style: DateStyle = "date"
    name_spacing: bool = False
    days_text: bool = False


FILL_STYLES: tuple[FillStyle, ...] = (
    FillStyle(),
    FillStyle(tick="✓", date_style="text-dash"),
    FillStyle(tick="☑", date_style="text-dot", name_spacing=True),
    FillStyle(tick="●", date_style="text-cn", days_text=True),
    FillStyle(tick="是", date_style="serial"),
    FillStyle(tick="✔", date_style="text-cn", name_spacing=True, days_text=True),
)


def format_date(d: dt.date, style: FillStyle, year: int | None = None) -> object:
    if style.date_style == "date":
        return d
    if style.date_style == "text-dash":
        return f"{d.year}-{d.month}-{d.day}"
    if style.date_style == "text-dot":
        return f"{d.year}.{d.month}.{d.day}"
    if style.date_style == "text-cn":
        return f"{d.month}月{d.day}日" if d.year == year else f"{d.year}年{d.month}月{d.day}日"
    return (d - dt.date(1899, 12, 30)).days


def _fmt_num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def _name(name: str | None, style: FillStyle) -> str | None:
    if name and style.name_spacing and len(name) >= 2:
        return name[0] + "\u3000" + name[1:]
    return name


def _days(v: float | None, style: FillStyle) -> object:
    if v is None:
        return None
    return f"{_fmt_num(v)}天" if style.days_text else v


def _date(d: dt.date | None, style: FillStyle, year: int) -> object:
    return None if d is None else format_date(d, style, year)


# ---------------------------------------------------------------- after filling


def _text_lines(text: str, width: float) -> int:
    """Printed lines of `text` wrapped in a box `width` column units wide (12 pt: a CJK
    character takes about 2.3 units, other characters about 1.2)."""
    return text_lines(text, width, cjk=2.3, other=1.2)


def _fit_row(ws: Worksheet, ref: str, text: object) -> None:
    """Grow the row of input box `ref` so `text` prints whole: rows have a fixed height,
    which neither Excel nor LibreOffice enlarges by itself (the page still fits to one A4)."""
    if not text:
        return
    cell = ws[ref]
    width = 0.0
    for rng in ws.merged_cells.ranges:
        if cell.coordinate in rng and rng.min_row == rng.max_row:
            width = sum(ws.column_dimensions[get_column_letter(c)].width or 8.43
                        for c in range(rng.min_col, rng.max_col + 1))
            break
    else:
        width = ws.column_dimensions[cell.column_letter].width or 8.43
    need = _text_lines(str(text), width) * 17 + 6
    if need > (ws.row_dimensions[cell.row].height or 15):
        ws.row_dimensions[cell.row].height = need


def _fit_texts(ws: Worksheet, template: Template, sheet: str, texts: Mapping[str, object]) -> None:
    """Grow the rows of the filled text boxes (placeholder name → text)."""
    for name, text in texts.items():
        if text:
            for row, col in _cells_of(template, sheet, name):
                _fit_row(ws, f"{get_column_letter(col)}{row}", text)


def _set_meta(wb: Workbook, items: Mapping[str, str | None]) -> None:
    """Fill the hidden `_kaoping` sheet the template carries (kind and template version are
    the template's own); a key it lacks is added below."""
    ws = wb[L.META_SHEET]
    rows = {str(r[0].value): r[0].row for r in ws.iter_rows(max_col=1) if r[0].value}
    for key, value in items.items():
        row = rows.get(key)
        if row is None:
            row = ws.max_row + 1
            ws.cell(row, 1).value = key
            ws.cell(row, 2).number_format = "@"
        put(ws.cell(row, 2), value or "")


# ---------------------------------------------------------------- 附件1 一周小记表

WEEK_ROWS = 15  # 附件1 has 15 ruled task rows; more tasks, more rows


def unit_and_post(person: Person | None) -> str | None:
    if person is None:
        return None
    return " ".join(x for x in (person.unit, person.section, person.post) if x) or None


def _task_note(task: WeeklyTask, year: int) -> str | None:
    """备注, with the completion date in front when the note does not already give one."""
    note = task.note
    if task.completed_on is not None:
        from ..excel.cells import find_date_in_text

        if find_date_in_text(note, year=year) is None:
            done = format_date(task.completed_on, FillStyle(date_style="text-cn"), year)
            note = f"{done}完成" + (f"；{note}" if note else "")
    return note or None


def _task_record(task: WeeklyTask, style: FillStyle, year: int) -> dict[str, object]:
    deadline = _date(task.deadline, style, year) if task.deadline is not None \
        else (task.deadline_text or None)
    return {
        TASK_FIELDS["seq"]: task.seq,
        TASK_FIELDS["received_on"]: _date(task.received_on, style, year),
        TASK_FIELDS["item"]: task.item or None,
        TASK_FIELDS["deadline"]: deadline,
        TASK_FIELDS["status"]: task.status_text or (task.status.value if task.status else None),
        TASK_FIELDS["note"]: _task_note(task, year),
    }


def _week_values(person: Person | None, month: int | None, week: int | None,
                 log: WeeklyLog | None, style: FillStyle) -> dict[str, object]:
    name = person.name if person else None
    up = unit_and_post(person)
    if log is not None:
        name = _name(log.identity.name, style) if log.identity.name else name
        up = log.unit_and_post or up
        month, week = log.month, log.week
    return {"姓名": name, "单位及职务": up, "月": month or BLANK_WEEK, "周": week or BLANK_WEEK}


def _week_records(log: WeeklyLog | None, style: FillStyle) -> list[dict[str, object]]:
    return [_task_record(t, style, log.year) for t in log.tasks] if log is not None else []


def _record_cols(template: Template, sheet: str, field: str) -> list[int]:
    return [c.col for c in template.cells if c.sheet == sheet and (RECORD, field) in c.refs]


def _after_week(ws: Worksheet, template: Template, sheet: str, log: WeeklyLog | None,
                style: FillStyle) -> None:
    """Serial dates show as numbers; the task rows grow for long 事项 and 备注."""
    row = template.record_rows.get(sheet)
    if log is None or row is None:
        return
    cols = {key: _record_cols(template, sheet, field) for key, field in TASK_FIELDS.items()}
    for r, task in enumerate(log.tasks, start=row):
        if style.date_style == "serial":
            for key in ("received_on", "deadline"):
                for c in cols[key] if getattr(task, key) is not None else ():
                    ws.cell(r, c).number_format = "General"
        record = _task_record(task, style, log.year)
        for key in ("item", "note"):
            for c in cols[key]:
                _fit_row(ws, f"{get_column_letter(c)}{r}", record[TASK_FIELDS[key]])


def weekly_workbook(person: Person | None = None, month: Month | None = None,
                    week: int | None = None, log: WeeklyLog | None = None,
                    style: FillStyle | None = None, *, template_dir: Path | None = None) -> Workbook:
    """A stand-alone 附件1 workbook (one sheet); the blank form when everything is None."""
    style = style or FillStyle()
    template = form_template(FormKind.WEEKLY, template_dir)
    values = _week_values(person, month.month if month else None, week, log, style)
    wb = fill(template, values, _week_records(log, style))
    sheet = _only_sheet(template)
    _after_week(wb[sheet], template, sheet, log, style)
    _set_meta(wb, {"period": str(month) if month else "",
                   "staff_id": person.staff_id if person else None,
                   "name": person.name if person else None, "week": str(week or "")})
    return wb


def _only_sheet(template: Template) -> str:
    return next(c.sheet for c in template.cells)


# ---------------------------------------------------------------- 附件2 月度小结表


def week_sheet_name(index: int, start: dt.date, end: dt.date) -> str:
    return f"第{index}周({start.month}.{start.day}-{end.month}.{end.day})"


def _identity_values(person: Person | None, identity: Any, style: FillStyle) -> dict[str, object]:
    """姓名 单位 科室 职务: from the form being filled when there is one, else the roster."""
    if identity is not None:
        return {IDENTITY[k]: (_name(identity.name, style) if k == "name" else getattr(identity, k))
                for k in IDENTITY}
    return {v: (getattr(person, k) if person else None) for k, v in IDENTITY.items()}


def _monthly_values(person: Person | None, month: Month | None, summary: MonthlySummary | None,
                    style: FillStyle) -> dict[str, object]:
    values: dict[str, object] = {
        "月": (summary.month if summary else month.month if month else None) or BLANK_MONTH,
        **_identity_values(person, summary.identity if summary else None, style),
        "单位及职务": unit_and_post(person), "周": None}
    for key, name in MONTHLY_TEXTS.items():
        values[name] = (getattr(summary, key) or None) if summary else None
    for key, name in MONTHLY_DAYS.items():
        values[name] = _days(getattr(summary, key), style) if summary else None
    return values


def monthly_workbook(person: Person | None, month: Month | None,
                     summary: MonthlySummary | None = None,
                     style: FillStyle | None = None, *, template_dir: Path | None = None) -> Workbook:
    """附件2 for `person` and `month` (sheet 月度小结) followed by one 附件1 sheet per week of the
    month, identity pre-filled. With `summary`, every field (and its `weeks`) is filled in.
    `person`/`month` None gives the blank form."""
    style = style or FillStyle()
    template = form_template(FormKind.MONTHLY, template_dir)
    values = _monthly_values(person, month, summary, style)
    logs = {log.week: log for log in (summary.weeks if summary else [])}
    sheets = [SheetFill(L.MONTHLY_SHEET, values, (), source=L.MONTHLY_SHEET)]
    weeks = list(month.weeks()) if month is not None else []
    for i, (start, end) in enumerate(weeks, start=1):
        log = logs.get(i)
        sheets.append(SheetFill(week_sheet_name(i, start, end),
                                {**values, **_week_values(person, month.month, i, log, style)},
                                _week_records(log, style), source=WEEK_SHEET))
    wb = fill_sheets(template, sheets)
    if summary is not None:
        _fit_texts(wb[L.MONTHLY_SHEET], template, L.MONTHLY_SHEET,
                   {MONTHLY_TEXTS[k]: getattr(summary, k) for k in MONTHLY_TEXTS})
    for i, sheet in enumerate(sheets[1:], start=1):
        _after_week(wb[sheet.title], template, WEEK_SHEET, logs.get(i), style)
    _set_meta(wb, {"period": str(month) if month else "",
                   "staff_id": person.staff_id if person else None,
                   "name": person.name if person else None})
    return wb


# ---------------------------------------------------------------- 附件3 季度评价表


def _quarterly_values(person: Person | None, quarter: Quarter | None,
                      ev: QuarterlyEvaluation | None, style: FillStyle) -> dict[str, object]:
    values: dict[str, object] = {
        "季度": (ev.quarter if ev else quarter.quarter if quarter else None) or BLANK_QUARTER,
        **_identity_values(person, ev.identity if ev else None, style)}
    for key, name in QUARTERLY_TEXTS.items():
        values[name] = (getattr(ev, key) or None) if ev else None
    for key, name in QUARTERLY_BOXES.items():
        values[name] = style.tick if ev is not None and getattr(ev, key) else None
    for key, name in TICKS.items():
        ticked = getattr(ev, key) if ev else ()
        values[name] = {g.value: (style.tick if g in ticked else None) for g in GRADE_ORDER}
    return values


def quarterly_workbook(person: Person | None, quarter: Quarter | None,
                       evaluation: QuarterlyEvaluation | None = None,
                       style: FillStyle | None = None, *, template_dir: Path | None = None) -> Workbook:
    """附件3 for `person` and `quarter`, identity pre-filled; filled from `evaluation` when
    given. `person`/`quarter` None gives the blank form."""
    style = style or FillStyle()
    template = form_template(FormKind.QUARTERLY, template_dir)
    wb = fill(template, _quarterly_values(person, quarter, evaluation, style))
    if evaluation is not None:
        sheet = _only_sheet(template)
        _fit_texts(wb[sheet], template, sheet,
                   {QUARTERLY_TEXTS[k]: getattr(evaluation, k)
                    for k in ("highlights", "shortcomings", "leader_opinion", "leader_signature")})
    _set_meta(wb, {"period": str(quarter) if quarter else "",
                   "staff_id": person.staff_id if person else None,
                   "name": person.name if person else None})
    return wb


# ---------------------------------------------------------------- blank forms


def blank_workbook(kind: FormKind, template_dir: Path | None = None) -> Workbook:
    """The blank annex form: the template with its placeholders left empty."""
    if kind == FormKind.WEEKLY:
        return weekly_workbook(template_dir=template_dir)
    if kind == FormKind.MONTHLY:
        return monthly_workbook(None, None, template_dir=template_dir)
    if kind == FormKind.QUARTERLY:
        return quarterly_workbook(None, None, template_dir=template_dir)
    raise ValueError(kind)


def write_templates(out_dir: Path, *, force: bool = False, inputs: Inputs = (),
                    template_dir: Path | None = None) -> list[Path]:
    """Write the blank 附件1–3 into `out_dir` as one all-or-nothing set (`forms blank`)."""
    check_form_templates(template_dir)
    out_dir = Path(out_dir)
    targets = {out_dir / name: kind for kind, name in TEMPLATE_NAMES.items()}
    inputs = RunInputs.of(inputs).plus(*(form_template(kind, template_dir).path for kind in FORM_SPECS))
    with OutputSet(out_dir, targets, force=force, inputs=inputs) as out:
        for path, kind in targets.items():
            out.save(blank_workbook(kind, template_dir), path)
    return list(targets)


# ---------------------------------------------------------------- batch generation


def form_paths(people: Sequence[Person], period: Month | Quarter, out_dir: Path, *,
               everyone: Sequence[Person] | None = None) -> list[Path]:
    """`OUT/<单位>/<科室>/<姓名>-<period>.xlsx`; people sharing a name with anyone in
    `everyone` (default: `people`) get `-<工号>` too, so a name never depends on --unit."""
    counts: dict[str, int] = {}
    for p in everyone if everyone is not None else people:
        counts[p.name] = counts.get(p.name, 0) + 1
    paths: list[Path] = []
    for p in people:
        folder = Path(out_dir) / safe_filename(p.unit, fallback="未填单位")
        if p.section:
            folder = folder / safe_filename(p.section)
        tail = safe_filename(f"-{period}" if counts.get(p.name, 1) == 1 else f"-{period}-{p.staff_id}")
        # A long name is cut, never the period (or 工号) after it.
        name = safe_filename(p.name, limit=max(MAX_NAME - len(tail), 1))
        paths.append(folder / f"{name}{tail}.xlsx")
    seen: dict[Path, int] = {}
    for i, path in enumerate(paths):  # names that only collide after being made safe
        key = Path(str(path).casefold())
        if key in seen:
            paths[i] = path.with_name(f"{path.stem}-{people[i].staff_id}{path.suffix}")
        seen[key] = i
    return paths


def _forms_due(roster: Roster, period: Month | Quarter,
               unit: str | None) -> tuple[list[Person], list[Person]]:
    """(people who get a form, everyone due): the people due in `period`, of `unit` if given."""
    if isinstance(period, Month | Quarter):
        start, end = period.start, period.end
    else:
        raise KaopingError("期间应为月份（如 2026-07）或季度（如 2026Q3）")
    people = everyone = due_people(roster, start, end)
    if unit is not None:
        wanted = unit.strip()
        people = [p for p in people if p.unit == wanted]
        if not people:
            known = "、".join(roster.units()) or "（花名册中没有单位）"
            raise KaopingError(f"花名册中没有单位「{wanted}」的在编人员；现有单位：{known}")
    if not people:
        raise KaopingError(f"花名册中没有 {period} 应参加考评的在编人员")
    return people, everyone


def generate_forms(roster: Roster, period: Month | Quarter, out_dir: Path, *,
                   unit: str | None = None, force: bool = False,
                   on_progress: Callable[[int, int, Path], None] | None = None,
                   inputs: Inputs = (), pdf: bool = False,
                   template_dir: Path | None = None) -> list[Path]:
    """Write one pre-filled blank form per person due for assessment in `period` (monthly:
    附件2 + weekly 附件1 sheets; quarterly: 附件3), as one all-or-nothing set
    (`output.files.OutputSet`), with a PDF beside each when `pdf`. Every target is checked
    before anything is written, so a refusal (existing file without --force, one of the run's
    `inputs`) leaves the folder untouched, and so does any failure. `template_dir`: a restyled
    set of templates (checked before anything is written). Returns the workbooks."""
    from ..output.pdf import pdf_targets, stage_pdfs

    people, everyone = _forms_due(roster, period, unit)
    kind = FormKind.MONTHLY if isinstance(period, Month) else FormKind.QUARTERLY
    template = form_template(kind, template_dir)  # a wrong template stops the batch here
    inputs = RunInputs.of(inputs).plus(template.path)  # never written over
    paths = form_paths(people, period, Path(out_dir), everyone=everyone)
    pdfs = pdf_targets(paths) if pdf else []
    with OutputSet(Path(out_dir), [*paths, *pdfs], force=force, inputs=inputs) as out:
        stamp = _FormStamp(period, template_dir)
        for i, (person, path) in enumerate(zip(people, paths, strict=True), start=1):
            data = stamp.bytes_for(person)
            if data is not None:
                out.write_bytes(path, data)
            else:
                out.save(_form_workbook(person, period, template_dir), path)
            if on_progress is not None:
                on_progress(i, len(paths), path)
        if pdf:
            stage_pdfs(out, paths)
    return paths


def _form_workbook(person: Person, period: Month | Quarter,
                   template_dir: Path | None = None) -> Workbook:
    if isinstance(period, Month):
        return monthly_workbook(person, period, template_dir=template_dir)
    return quarterly_workbook(person, period, template_dir=template_dir)


# ---------------------------------------------------------------- fast batch: stamping

# A batch form differs between people only in identity text (姓名, 单位, 科室, 职务, and 工号
# and 姓名 in `_kaoping`). `_FormStamp` builds the form once per period and per shape (which of
# 科室/职务 are blank) with placeholder text, saves it, and for each person replaces the
# placeholders in the saved worksheet XML (escaped as openpyxl escapes text) and re-zips: the
# same workbook openpyxl would write for that person, ~10x faster. Text that openpyxl would
# treat specially (control characters, leading/trailing spaces, '') takes the normal path, and
# so does every form of a template that does more with these names than print them
# (`{{ 姓名[0] }}`, a filter): the placeholder text would not be what the person's gives.
_STAMP_FIELDS = ("staff_id", "name", "unit", "section", "post")
_STAMP_TOKENS = {k: f"KAOPINGSTAMP{i}X" for i, k in enumerate(_STAMP_FIELDS)}


def _stampable(value: str | None) -> bool:
    return value is None or (
        isinstance(value, str) and value != "" and value == value.strip()
        and all(ch >= " " and not ("\x7f" <= ch <= "\x9f") and not ("\ud800" <= ch <= "\udfff")
                for ch in value)
        and "KAOPINGSTAMP" not in value)


_STAMP_NAMES = frozenset({*IDENTITY.values(), "单位及职务"})
_PLAIN_NAME = re.compile(r"\{\{\s*(\w+)\s*\}\}")


def _prints_names_only(template: Template) -> bool:
    """Whether the template uses the identity names only as plain `{{ 名称 }}` (stampable)."""
    for cell in template.cells:
        if any(n in _STAMP_NAMES for n, _ in cell.refs):
            rest = _PLAIN_NAME.sub(lambda m: "" if m.group(1) in _STAMP_NAMES else m.group(0), cell.text)
            if any(n in rest for n in _STAMP_NAMES):
                return False
    return True


class _FormStamp:
    def __init__(self, period: Month | Quarter, template_dir: Path | None = None) -> None:
        self.period = period
        self.template_dir = template_dir
        kind = FormKind.MONTHLY if isinstance(period, Month) else FormKind.QUARTERLY
        self.usable = _prints_names_only(form_template(kind, template_dir))
        self.protos: dict[tuple[bool, ...], list[tuple[str, bytes, bool]]] = {}

    def _proto(self, shape: tuple[bool, ...]) -> list[tuple[str, bytes, bool]]:
        import io
        import zipfile

        parts = self.protos.get(shape)
        if parts is None:
            values = {k: (_STAMP_TOKENS[k] if present else None)
                      for k, present in zip(_STAMP_FIELDS, shape, strict=True)}
            from ..models import RankCategory

            token_person = Person(staff_id=values["staff_id"], name=values["name"],
                                  unit=values["unit"], section=values["section"],
                                  post=values["post"], rank_category=RankCategory.CLERK)
            wb = _form_workbook(token_person, self.period, self.template_dir)
            buf = io.BytesIO()
            wb.save(buf)
            with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zf:
                parts = []
                for info in zf.infolist():
                    data = zf.read(info)
                    parts.append((info.filename, data, b"KAOPINGSTAMP" in data))
            self.protos[shape] = parts
        return parts

    def bytes_for(self, person: Person) -> bytes | None:
        """The saved form of `person`, or None when the normal path must build it."""
        import io
        import zipfile
        from xml.sax.saxutils import escape

        values = {k: getattr(person, k) for k in _STAMP_FIELDS}
        if not self.usable or not all(_stampable(v) for v in values.values()) or not values["staff_id"] \
                or not values["name"] or not values["unit"]:
            return None
        shape = tuple(v is not None for v in values.values())
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data, stamped in self._proto(shape):
                if stamped:
                    text = data.decode("utf-8")
                    for key, token in _STAMP_TOKENS.items():
                        if values[key] is not None:
                            text = text.replace(token, escape(values[key]))
                    data = text.encode("utf-8")
                zf.writestr(name, data)
        return out.getvalue()
