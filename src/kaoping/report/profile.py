"""干部画像 (§四(四)1 建立干部画像机制): one workbook per person, from the 季度结果台账.

A sheet per year of record, each one A4 page: who the person is, every quarter's 自评 and
领导评价 grade, outcome, attendance (应出勤 / 实际出勤 / ratio), 不定档 category with the
dates of the roster entry, commendation and direct grades; the year's counts and §五
results; the follow-ups §五(二) asks for; a small chart of the grades. A first sheet 总览
holds every quarter of every year given, with a chart over the whole record.

The facts (`PersonProfile`) are put together by `pipeline.profile.run_profile`. The chart
plots 等次分值 好 4, 较好 3, 一般 2, 较差 1 (不确定 / 未参加 / 缺台账: no point).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference

from ..models import Outcome, Person, QuarterFlag, QuarterResult, SpecialCategory
from ..output.style import (
    BODY_FONT,
    BORDER,
    CENTER,
    HEADER_FILL,
    HEADER_FONT,
    TITLE_FONT,
    WRAP,
    a4,
)
from ..output.workbook import Inputs, OutputSet, put
from ..paths import safe_filename
from ..periods import Quarter
from ..rules.annual import FOLLOW_UPS, QUARTER_NAMES, QUARTERS, PersonYear
from ..rules.attendance import format_ratio
from ..rules.quarter import flag_label
from ..rules.settings import Settings

SCORE = {Outcome.GOOD: 4, Outcome.FAIRLY_GOOD: 3, Outcome.AVERAGE: 2, Outcome.POOR: 1}
HEADERS = ("季度", "自评", "领导评价", "考核结果", "应出勤（天）", "实际出勤（天）", "出勤率",
           "不定档类别及起止", "表彰/直接定档", "备注", "等次分值")
WIDTHS = (16, 7, 9, 9, 9, 9, 8, 30, 14, 24, 8)
TABLE_ROW = 5  # the header row of a year sheet's quarter table
SCORE_NOTE = "等次分值：好 4、较好 3、一般 2、较差 1；不确定、未参加、缺台账不计分（图中断开）"


@dataclass
class ProfileYear:
    """One year of a person's record: the ledgers' rows and the §五 year."""

    year: int
    results: dict[int, QuarterResult | None]  # 1..4 → the ledger row, None when not listed
    person_year: PersonYear | None  # None when the year's evaluation does not hold the person


@dataclass
class PersonProfile:
    person: Person
    years: list[ProfileYear] = field(default_factory=list)


# ---------------------------------------------------------------- the cells of one quarter


def _cases_text(person: Person, cats: Sequence[SpecialCategory], q: Quarter) -> str | None:
    """'第4类 受处分（2026-03-01～2027-02-28）' for each 不定档 category of the quarter."""
    parts = []
    for c in cats:
        spans = [f"{sc.start or '…'}～{sc.end or '至今'}" for sc in person.special_cases
                 if sc.category == c and sc.active_during(q.start, q.end)]
        if c == SpecialCategory.NEW_RECRUIT and person.probation_until and not spans:
            spans = [f"试用期至 {person.probation_until}"]
        parts.append(f"第{c.number}类 {c.value}" + (f"（{'；'.join(spans)}）" if spans else ""))
    return "；".join(parts) or None


def _direct(r: QuarterResult, settings: Settings) -> str | None:
    shown = (QuarterFlag.COMMENDED, QuarterFlag.DIRECT_POOR, QuarterFlag.LOW_ATTENDANCE)
    return "、".join(flag_label(f, settings) for f in r.flags if f in shown) or None


def _ratio(r: QuarterResult) -> str | None:
    if r.required_days is None or r.attended_days is None or not r.required_days:
        return None
    return format_ratio(r.attended_days / r.required_days)


def _days(x: float | None) -> float | int | None:
    return None if x is None else (int(x) if float(x).is_integer() else x)


def quarter_row(person: Person, year: ProfileYear, q: int, settings: Settings) -> list[Any]:
    """The cells of one quarter (HEADERS order)."""
    r = year.results.get(q)
    label = f"{year.year}年{QUARTER_NAMES[q]}"
    if r is None:
        py = year.person_year
        return [label, None, None, py.quarter_text(q) if py else None, *([None] * 7)]
    return [label, r.self_grade.value if r.self_grade else None,
            r.leader_grade.value if r.leader_grade else None, r.outcome.value,
            _days(r.required_days), _days(r.attended_days), _ratio(r),
            _cases_text(person, r.special_categories, Quarter(year.year, q)),
            _direct(r, settings), r.note, SCORE.get(r.outcome)]


# ---------------------------------------------------------------- the year's results


def year_lines(year: ProfileYear) -> list[tuple[str, str]]:
    """The year's counts, §五(一) results, 登记表 line and §五(二) follow-ups."""
    py = year.person_year
    if py is None:
        return [("年度结果", "本年度台账中没有此人")]
    counts = "，".join(f"{o.value} {py.counts[o]} 次" for o in Outcome)
    results = [label for on, label in (
        (py.excellent_candidate, "可推荐为年度考核“优秀”候选（§五(一)）"),
        (py.basic_or_incompetent, "一般、较差次数超过规定：原则上确定为基本称职或不称职（§五(一)）"),
        (py.may_be_incompetent, "全年均为较差：可直接确定为不称职（§五(一)）"),
        (py.incompetent, "无正当理由不参加或弄虚作假：不称职（§五(一)）")) if on]
    follow = [f"{QUARTER_NAMES[q]}{o.value}：应{FOLLOW_UPS[o].value}（§五(二)）"
              for q in QUARTERS if (o := py.quarters.get(q)) in FOLLOW_UPS]
    return [("全年次数", counts), ("年度结果运用", "；".join(results) or "无"),
            ("登记表“平时考核结果”", py.registration_line(year.year)),
            ("谈话提醒/批评教育", "；".join(follow) or "无"),
            ("备注", py.remark() or "无")]


# ---------------------------------------------------------------- the sheets


def _style(cell: Any, *, header: bool = False) -> None:
    cell.font = HEADER_FONT if header else BODY_FONT
    cell.border = BORDER
    cell.alignment = CENTER if header else WRAP
    if header:
        cell.fill = HEADER_FILL


def _identity(ws: Any, p: Person, title: str) -> None:
    last = len(HEADERS)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
    c = put(ws.cell(1, 1), title)
    c.font, c.alignment = TITLE_FONT, CENTER
    lines = (f"姓名：{p.name}　工号：{p.staff_id}　单位：{p.unit}　科室：{p.section or '—'}",
             (f"职务：{p.post or '—'}　职务职级：{p.rank or '—'}　职级类别：{p.rank_category.value}　"
              f"入职日期：{p.hired_on.isoformat() if p.hired_on else '—'}"))
    for row, text in enumerate(lines, start=2):
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last)
        c = put(ws.cell(row, 1), text)
        c.font, c.alignment = HEADER_FONT, WRAP
        ws.row_dimensions[row].height = 20


def _table(ws: Any, row: int, rows: Sequence[Sequence[Any]]) -> int:
    for col, (label, width) in enumerate(zip(HEADERS, WIDTHS, strict=True), start=1):
        _style(put(ws.cell(row, col), label), header=True)
        ws.column_dimensions[ws.cell(row, col).column_letter].width = width
    ws.row_dimensions[row].height = 30
    for i, values in enumerate(rows, start=row + 1):
        for col, v in enumerate(values, start=1):
            _style(put(ws.cell(i, col), v))
        ws.row_dimensions[i].height = 30  # two lines: the 不定档 dates wrap
    return row + len(rows)


def _chart(ws: Any, first: int, last: int, anchor: str, title: str) -> None:
    """A line of 等次分值 (column K) over the quarters (column A) of rows first..last."""
    chart = LineChart()
    chart.title = title
    chart.y_axis.title = "等次分值"
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 4
    chart.y_axis.majorUnit = 1
    chart.legend = None
    chart.height, chart.width = 6, 17
    col = len(HEADERS)
    chart.add_data(Reference(ws, min_col=col, min_row=first - 1, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
    ws.add_chart(chart, anchor)


def _note(ws: Any, row: int, text: str) -> None:
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(HEADERS))
    c = put(ws.cell(row, 1), text)
    c.font, c.alignment = BODY_FONT, WRAP


def year_sheet(wb: Workbook, profile: PersonProfile, year: ProfileYear, settings: Settings) -> None:
    """One A4 page: identity, the four quarters, the year's results, the chart."""
    p = profile.person
    ws = wb.create_sheet(safe_filename(f"{year.year}年"))
    _identity(ws, p, f"干部画像：{p.name}（{year.year}年）")
    rows = [quarter_row(p, year, q, settings) for q in QUARTERS]
    last = _table(ws, TABLE_ROW, rows)
    row = last + 2
    for label, value in year_lines(year):
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=len(HEADERS))
        _style(put(ws.cell(row, 1), label), header=True)
        _style(put(ws.cell(row, 2), value))
        ws.row_dimensions[row].height = 30
        row += 1
    _note(ws, row, SCORE_NOTE)
    _chart(ws, TABLE_ROW + 1, last, f"A{row + 2}", f"{year.year}年各季度等次")
    ws.print_area = f"A1:K{row + 15}"
    a4(ws, landscape=True, fit_width=False)


def overview_sheet(wb: Workbook, profile: PersonProfile, settings: Settings) -> None:
    """Every quarter of every year given, with a chart over the whole record."""
    p = profile.person
    ws = wb.active
    ws.title = "总览"
    years = [y.year for y in profile.years]
    span = f"{years[0]}–{years[-1]}年" if len(years) > 1 else f"{years[0]}年"
    _identity(ws, p, f"干部画像：{p.name}（{span}）")
    rows = [quarter_row(p, y, q, settings) for y in profile.years for q in QUARTERS]
    last = _table(ws, TABLE_ROW, rows)
    _note(ws, last + 1, SCORE_NOTE)
    _chart(ws, TABLE_ROW + 1, last, f"A{last + 3}", f"{span}各季度等次")
    a4(ws, landscape=True)


def profile_workbook(profile: PersonProfile, settings: Settings) -> Workbook:
    wb = Workbook()
    overview_sheet(wb, profile, settings)
    for year in profile.years:
        year_sheet(wb, profile, year, settings)
    return wb


def profile_paths(profiles: Sequence[PersonProfile], out_dir: Path) -> list[Path]:
    """`OUT/<单位>/干部画像-<姓名>-<工号>.xlsx` (the 工号 keeps namesakes apart)."""
    return [Path(out_dir) / safe_filename(pp.person.unit, fallback="未填单位")
            / (safe_filename(f"干部画像-{pp.person.name}-{pp.person.staff_id}") + ".xlsx")
            for pp in profiles]


def write_profiles(profiles: Sequence[PersonProfile], out_dir: Path, settings: Settings, *,
                   force: bool = False, inputs: Inputs = (), pdf: bool = False) -> list[Path]:
    """Every profile under `out_dir` as one all-or-nothing set (with `pdf`, a PDF beside each)."""
    from ..output.pdf import pdf_targets, stage_pdfs

    paths = profile_paths(profiles, out_dir)
    pdfs = pdf_targets(paths) if pdf else []
    with OutputSet(Path(out_dir), [*paths, *pdfs], force=force, inputs=inputs) as out:
        for path, profile in zip(paths, profiles, strict=True):
            out.save(profile_workbook(profile, settings), path)
        if pdf:
            stage_pdfs(out, paths)
    return paths
