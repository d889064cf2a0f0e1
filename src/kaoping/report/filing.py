"""附件4 备案表 and 附件5 名单表 of a quarter (§四(三)5), per unit and for the whole centre,
plus the 季度结果台账 that the annual commands read.

Counting rules (DESIGN §2, 附件4):
- 公务员总数: 在编 roster people of the unit hired on or before the quarter's last day.
- 应参加考核人数: everyone the engine assessed (one `QuarterResult` per due person), i.e.
  好 + 较好 + 一般 + 较差 + 不确定 + 未参加.
- 不确定等次人数: the 不定档 people of §二 (unless the clerk recorded another outcome).
- 未参加考核人数: due but no 季度评价表.
- 好等次比例 = 好 ÷ 实际参加考核人数 (应参加 − 未参加). Commended people (§四(三)4(1)) are
  counted in 好 and in the ratio; the 备注 gives the ratio without them, which is what the
  40% cap of §四(三)3 applies to (per 考核组 when units share one).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font
from openpyxl.workbook import Workbook

from ..excel.followup_layout import followup_file
from ..output.style import BODY_FONT, BORDER, CENTER, HEADER_FONT, TITLE_FONT, WRAP, a4
from ..output.workbook import Inputs, OutputSet, put
from ..models import (
    Outcome,
    Person,
    QuarterFlag,
    QuarterLedger,
    QuarterResult,
    RankCategory,
    Roster,
)
from ..paths import safe_filename
from ..periods import CN_QUARTER, Quarter
from .annex_templates import (
    A4_FIELDS,
    A4_ROW_NAMES,
    A4_TOTAL_NAME,
    ANNEX4_SPEC,
    ANNEX5_FIELDS,
    ANNEX5_SPEC,
    LEDGER_SPEC,
    load_template,
)
from .followup import followup_workbook
from .ledger import ledger_workbook
from .template import Template, fill

if TYPE_CHECKING:
    from ..rules.quarter import QuarterOutcome, QuotaSummary
    from ..rules.settings import Settings

GRADE_COLUMNS: tuple[Outcome, ...] = (
    Outcome.GOOD, Outcome.FAIRLY_GOOD, Outcome.AVERAGE, Outcome.POOR, Outcome.UNDETERMINED,
)
# 附件5 lists 好、一般、较差、不确定、未参加 — never 较好.
LISTED: tuple[Outcome, ...] = (
    Outcome.GOOD, Outcome.AVERAGE, Outcome.POOR, Outcome.UNDETERMINED, Outcome.ABSENT,
)
CENTRE_DIR = "全中心"
FILING_TEMPLATES = (ANNEX4_SPEC, ANNEX5_SPEC, LEDGER_SPEC)  # what `plan_filing` fills


@dataclass(frozen=True)
class FilingTemplates:
    """The checked templates of one filing, in FILING_TEMPLATES order."""

    annex4: Template
    annex5: Template
    ledger: Template


# ---------------------------------------------------------------- counting


@dataclass
class RowCounts:
    """One row of 附件4."""

    total: int = 0  # 公务员总数
    due: int = 0  # 应参加考核人数
    grades: dict[Outcome, int] = field(default_factory=lambda: {o: 0 for o in GRADE_COLUMNS})
    absent: int = 0  # 未参加考核人数
    commended: int = 0  # of which 好 by commendation (§四(三)4(1))

    def add(self, other: RowCounts) -> None:
        self.total += other.total
        self.due += other.due
        self.absent += other.absent
        self.commended += other.commended
        for o in GRADE_COLUMNS:
            self.grades[o] += other.grades[o]

    @property
    def participants(self) -> int:
        """实际参加考核人数."""
        return self.due - self.absent

    @property
    def good(self) -> int:
        return self.grades[Outcome.GOOD]

    def good_ratio(self) -> float | None:
        return self.good / self.participants if self.participants else None

    def good_ratio_without_commended(self) -> float | None:
        return (self.good - self.commended) / self.participants if self.participants else None


@dataclass
class Annex4Counts:
    rows: dict[RankCategory, RowCounts]

    @property
    def total(self) -> RowCounts:
        out = RowCounts()
        for row in self.rows.values():
            out.add(row)
        return out


def counted_people(people: Iterable[Person], quarter: Quarter) -> list[Person]:
    """公务员总数: 在编 people already hired by the end of the quarter (§二)."""
    return [p for p in people if p.on_establishment and (p.hired_on is None or p.hired_on <= quarter.end)]


def annex4_counts(results: Iterable[QuarterResult], people: Iterable[Person],
                  quarter: Quarter) -> Annex4Counts:
    rows = {cat: RowCounts() for cat in RankCategory}
    for p in counted_people(people, quarter):
        rows[p.rank_category].total += 1
    for r in results:
        row = rows[r.rank_category]
        row.due += 1
        if r.outcome == Outcome.ABSENT:
            row.absent += 1
        else:
            row.grades[r.outcome] += 1
            if r.outcome == Outcome.GOOD and QuarterFlag.COMMENDED in r.flags:
                row.commended += 1
    return Annex4Counts(rows)


# ---------------------------------------------------------------- text helpers


def period_text(quarter: Quarter, *, annual_form: bool = True) -> str:
    q = CN_QUARTER[quarter.quarter]
    return f"（{quarter.year}年度第{q}季度）" if annual_form else f"（{quarter.year}年第{q}季度）"


# The annexes leave the filing date for the clerk to write by hand: "年 月 日".
BLANK_DATE = "      年    月    日"


def date_text(day: dt.date | None) -> str:
    """附件4/5's date line: the date given, or the annex's blank "年 月 日"."""
    return BLANK_DATE if day is None else f"{day.year}年{day.month}月{day.day}日"


def _pct(x: float | None) -> str:
    from ..rules.attendance import format_ratio  # same text as in the findings

    return format_ratio(x)


def _quota_sentence(q: QuotaSummary) -> str:
    units = "、".join(q.units)
    group = f"考核组「{q.key}」（{units}）" if len(q.units) > 1 or q.key not in q.units else f"「{q.key}」"
    verdict = (f"超出上限 {q.good - q.cap} 人" if q.over else "未超出上限")
    if q.over and getattr(q, "exception", None):
        verdict += f"（§四(三)3“原则上”，经批准的例外：{q.exception}）"
    return (f"{group}按实际参加 {q.denominator} 人核定“好”等次上限 {q.cap} 人，"
            f"不含表彰的“好”等次 {q.good} 人，{verdict}")


_APPLIES_TEXT = {
    "last_day": "特殊情形以季度最后一天是否在期内为准",
    "any_overlap": "特殊情形与季度有一天重叠即不定档",
}


def annex4_remark(counts: RowCounts, quotas: Sequence[QuotaSummary] = (), *, centre: bool = False,
                  settings: Settings | None = None) -> str:
    parts = [
        f"好等次比例＝好等次人数÷实际参加考核人数（应参加考核人数－未参加考核人数）"
        f"＝{counts.good}÷{counts.participants}。"
    ]
    if counts.commended:
        parts.append(
            f"其中受表彰直接确定为“好”等次 {counts.commended} 人（§四(三)4(1)，不受比例限制），"
            f"不含表彰的好等次比例为 {_pct(counts.good_ratio_without_commended())}。")
    else:
        parts.append("无受表彰直接确定为“好”等次人员。")
    if counts.grades[Outcome.UNDETERMINED]:
        applies = settings.categories.applies if settings is not None else "last_day"
        parts.append(f"不确定等次 {counts.grades[Outcome.UNDETERMINED]} 人为只参加考核、不定档人员"
                     f"（§二；{_APPLIES_TEXT[applies]}）。")
    if centre:
        # The centre sheet must stay one page: only the groups over their cap are named.
        over = [q for q in quotas if q.over]
        if over:
            parts.append("超出“好”等次比例上限的：" + "；".join(_quota_sentence(q) for q in over) + "。")
        elif quotas:
            parts.append(f"{len(quotas)} 个单位（考核组）的“好”等次均未超出比例上限。")
        parts.append("各单位及考核组明细见“各单位统计”工作表。")
    else:
        for q in quotas:
            parts.append(_quota_sentence(q) + "。")
    return "".join(parts)


_FLAG_WORDS = {
    QuarterFlag.COMMENDED: "表彰", QuarterFlag.DIRECT_POOR: "较差",
    QuarterFlag.LOW_ATTENDANCE: "出勤", QuarterFlag.NOT_GRADED: "不定档",
    QuarterFlag.NO_FORM: "未交",
}


def list_remark(r: QuarterResult, settings: Settings | None = None) -> str | None:
    """附件5 备注: why the person is listed the way they are — the result's note (the engine
    writes one per flag) plus any flag the note does not already mention; `settings`: the
    thresholds the texts name (出勤未达80%)."""
    from ..rules.quarter import flag_label

    note = (r.note or "").strip()
    parts: list[str] = []
    for flag in r.flags:
        if note and _FLAG_WORDS[flag] in note:
            continue
        if flag == QuarterFlag.NOT_GRADED and r.special_categories:
            cats = "、".join(f"{c.number}.{c.value}" for c in r.special_categories)
            parts.append(f"不定档（{cats}）")
        elif flag == QuarterFlag.LOW_ATTENDANCE and r.required_days is not None \
                and r.attended_days is not None:
            parts.append(f"{flag_label(flag, settings)}"
                         f"（实际出勤{_num(r.attended_days)}天/应出勤{_num(r.required_days)}天）")
        else:
            parts.append(flag_label(flag, settings))
    if r.special_categories and QuarterFlag.NOT_GRADED not in r.flags and "不定档" not in note:
        parts.append("不定档（" + "、".join(c.value for c in r.special_categories) + "）")
    if note:
        parts.append(note)
    return "；".join(parts) or None


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _place(r: QuarterResult, *, centre: bool) -> str:
    """所在处（科）: the 科室 within a unit's own list; unit (and 科室) in the centre list."""
    if not centre:
        return r.section or r.unit
    return f"{r.unit}{r.section}" if r.section and r.section != r.unit else r.unit


# ---------------------------------------------------------------- workbooks


def _row_values(c: RowCounts) -> dict[str, int]:
    """One count row of 附件4 by its placeholder fields (总数 … 未参加)."""
    numbers = (c.total, c.due, *(c.grades[o] for o in GRADE_COLUMNS), c.absent)
    return dict(zip(A4_FIELDS, numbers, strict=True))


_ALERT_FONT = Font(name="仿宋", size=11, bold=True, color="C00000")


def allow_errors_note(errors_left: int) -> str | None:
    """The line every table written by `quarter report --allow-errors` carries (附件4 备注,
    附件5 below its 注), so a table with open 错误 cannot pass for a checked one."""
    if not errors_left:
        return None
    return (f"【未通过检查】本表生成时仍有 {errors_left} 条错误未改正（按 --allow-errors 输出），"
            "其中数字可能有误；请按问题清单改正后重新生成，再盖章备案。")


def mark_unchecked(files: dict[Path, Workbook], errors_left: int) -> None:
    """Put `allow_errors_note` on every 附件4 (head of its 备注) and 附件5 (a red line below
    its 注) of a filing; nothing when no 错误 is left."""
    note = allow_errors_note(errors_left)
    if note is None:
        return
    for path, wb in files.items():
        ws = wb.worksheets[0]
        if path.name.startswith("附件4") and (cell := _remark_cell(ws)) is not None:
            put(cell, f"{note}\n{cell.value}" if cell.value else note)
        elif path.name.startswith("附件5"):
            r = ws.max_row + 1
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ws.max_column)
            c = put(ws.cell(r, 1), note)
            c.font, c.alignment = _ALERT_FONT, WRAP
            ws.row_dimensions[r].height = 36


def _remark_cell(ws):
    """The 备注 cell of a filled 附件4: right of the “备注” label (wherever a restyled template
    put that row)."""
    for (label,) in ws.iter_rows(max_col=1):
        if isinstance(label.value, str) and label.value.strip() == "备注":
            return ws.cell(label.row, 2)
    return None


def annex4_workbook(counts: Annex4Counts, *, unit_label: str, quarter: Quarter,
                    report_date: dt.date | None, quotas: Sequence[QuotaSummary] = (), centre: bool = False,
                    template: Template | None = None, settings: Settings | None = None) -> Workbook:
    """附件4 filled for one unit (or the centre) into its template."""
    total = counts.total
    ratio = total.good_ratio()
    values: dict[str, Any] = {
        "年度": quarter.year, "季度": CN_QUARTER[quarter.quarter],
        "好等次比例": "—" if ratio is None else ratio, "呈报单位": unit_label,
        "日期": date_text(report_date),
        "备注": annex4_remark(total, quotas, centre=centre, settings=settings),
        **{A4_ROW_NAMES[cat]: _row_values(counts.rows[cat]) for cat in A4_ROW_NAMES},
        A4_TOTAL_NAME: _row_values(total),
    }
    return fill(template or load_template(ANNEX4_SPEC), values)


def annex5_rows(results: Iterable[QuarterResult], *, centre: bool = False,
                settings: Settings | None = None) -> list[tuple]:
    """(序号, 姓名, 所在处（科）, 职务职级, 考核等次, 备注) for 好、一般、较差、不确定、未参加,
    grouped in that order, roster order within a group."""
    listed = [r for r in results if r.outcome in LISTED]
    listed.sort(key=lambda r: LISTED.index(r.outcome))  # stable: keeps roster order
    return [(i, r.name, _place(r, centre=centre), r.rank, r.outcome.value, list_remark(r, settings))
            for i, r in enumerate(listed, start=1)]


def list_records(rows: Sequence[Sequence[Any]], fields: Sequence[str]) -> list[dict[str, Any]]:
    """A list table's rows as records of its template's `行`; an empty list is one 无 row."""
    records = [dict(zip(fields, row, strict=True)) for row in rows]
    return records or [{f: ("无" if f == "姓名" else None) for f in fields}]


def annex5_workbook(results: Iterable[QuarterResult], *, unit_label: str, quarter: Quarter,
                    report_date: dt.date | None, centre: bool = False,
                    template: Template | None = None, settings: Settings | None = None) -> Workbook:
    values = {"年度": quarter.year, "季度": CN_QUARTER[quarter.quarter], "呈报单位": unit_label,
              "日期": date_text(report_date)}
    rows = annex5_rows(results, centre=centre, settings=settings)
    return fill(template or load_template(ANNEX5_SPEC), values, list_records(rows, ANNEX5_FIELDS))


def add_unit_chart(wb: Workbook, per_unit: Sequence[tuple[str, RowCounts]],
                   quotas: Sequence[QuotaSummary] = ()) -> None:
    """A sheet with grade counts per unit, the quota per 考核组, and a bar chart of the
    counts per unit (centre workbook only)."""
    ws = wb.create_sheet("各单位统计", 1)
    headers = ("单位", "应参加", "实际参加", *(o.value for o in GRADE_COLUMNS), "未参加", "好等次比例")
    put(ws.cell(1, 1), "各单位季度考核结果统计")
    ws["A1"].font = TITLE_FONT
    for col, h in enumerate(headers, start=1):
        c = ws.cell(2, col, h)
        c.font, c.border, c.alignment = HEADER_FONT, BORDER, CENTER
        ws.column_dimensions[c.column_letter].width = 18 if col == 1 else 10
    for i, (unit, c) in enumerate(per_unit, start=3):
        values = (unit, c.due, c.participants, *(c.grades[o] for o in GRADE_COLUMNS), c.absent,
                  c.good_ratio() if c.good_ratio() is not None else "—")
        for col, v in enumerate(values, start=1):
            cell = put(ws.cell(i, col), v)
            cell.font, cell.border, cell.alignment = BODY_FONT, BORDER, CENTER
        ws.cell(i, len(headers)).number_format = "0.0%"
    last = 2 + len(per_unit)
    row = last + 2
    if quotas:
        put(ws.cell(row, 1), "“好”等次比例核定（§四(三)3，按考核组）").font = HEADER_FONT
        q_headers = ("单位/考核组", "实际参加", "核定基数", "好(不含表彰)", "受表彰定好", "上限",
                     "比例", "是否超出", "包含单位")
        for col, h in enumerate(q_headers, start=1):
            c = ws.cell(row + 1, col, h)
            c.font, c.border, c.alignment = HEADER_FONT, BORDER, CENTER
        ws.merge_cells(start_row=row + 1, start_column=9, end_row=row + 1, end_column=10)
        for i, q in enumerate(quotas, start=row + 2):
            units = "、".join(q.units)
            values = (q.key, q.participants, q.denominator, q.good, q.commended, q.cap,
                      q.ratio if q.ratio is not None else "—", "超出" if q.over else "否", units)
            for col, v in enumerate(values, start=1):
                cell = put(ws.cell(i, col), v)
                cell.font, cell.border = BODY_FONT, BORDER
                cell.alignment = WRAP if col == 9 else CENTER
            ws.cell(i, 10).border = BORDER
            ws.merge_cells(start_row=i, start_column=9, end_row=i, end_column=10)
            ws.cell(i, 7).number_format = "0.0%"
            ws.row_dimensions[i].height = 15 * max(1, -(-len(units) // 12))
        row += len(quotas) + 3
    if per_unit:
        chart = BarChart()
        chart.type = "col"
        chart.grouping = "clustered"
        chart.title = "各单位考核等次人数"
        chart.y_axis.title = "人数"
        data = Reference(ws, min_col=4, max_col=4 + len(GRADE_COLUMNS), min_row=2, max_row=last)
        cats = Reference(ws, min_col=1, min_row=3, max_row=last)
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(cats)
        chart.width = max(16, 2.5 * len(per_unit))
        chart.height = 9
        ws.add_chart(chart, f"A{row}")
    a4(ws, landscape=True, fit_width=False)  # one page, chart included


# ---------------------------------------------------------------- the whole report


@dataclass
class FilingPlan:
    """Every file `write_filing` will write, decided before anything is written."""

    files: dict[Path, Workbook]


def _unit_dirs(units: Sequence[str]) -> dict[str, str]:
    used = {CENTRE_DIR}
    out: dict[str, str] = {}
    for unit in units:
        base = safe_filename(unit, fallback="未命名单位")
        name, i = base, 2
        while name.casefold() in {u.casefold() for u in used}:
            name, i = f"{base}-{i}", i + 1
        used.add(name)
        out[unit] = name
    return out


def ledger_name(quarter: Quarter, units: Sequence[str] | None = None) -> str:
    """季度结果台账-2026Q3.xlsx; a run limited to some units (--unit) names them, so the
    ledgers of separate runs sit side by side for `annual` to read together."""
    if not units:
        return f"季度结果台账-{quarter}.xlsx"
    return safe_filename(f"季度结果台账-{quarter}-{'、'.join(units)}", fallback="季度结果台账") + ".xlsx"


def plan_filing(outcome: QuarterOutcome, roster: Roster, quarter: Quarter, out_dir: Path, *,
                report_date: dt.date | None = None, centre_name: str = "全中心",
                template_dir: Path | None = None,
                units: Sequence[str] | None = None, errors_left: int = 0) -> FilingPlan:
    """Build (in memory) 附件4 and 附件5 for each unit and for the centre, and the 台账. With
    `units` (a run limited by --unit) only those units' tables and their 台账: no centre
    tables, whose figures would leave the other units out. Without `report_date` the date
    lines stay blank ("年 月 日"), as the annexes print them: a filing made later than its
    quarter must not carry the day it was generated. `errors_left`: the 错误 still open
    (`--allow-errors`), marked on every table and in the 台账 (`mark_unchecked`)."""
    out_dir = Path(out_dir)
    tag = str(quarter)
    results = list(outcome.results)
    quotas = list(getattr(outcome, "quotas", []) or [])
    settings = getattr(outcome, "settings", None)  # the thresholds the texts name
    # Each template is read and checked once, before any workbook is filled.
    templates = FilingTemplates(*(load_template(spec, template_dir) for spec in FILING_TEMPLATES))
    if units:
        files = _unit_tables(list(units), results, roster, quarter, out_dir, quotas, settings,
                             report_date=report_date, templates=templates)[0]
        mark_unchecked(files, errors_left)
        ledger = QuarterLedger(year=quarter.year, quarter=quarter.quarter, results=results,
                               errors_left=errors_left)
        files[out_dir / ledger_name(quarter, units)] = ledger_workbook(
            ledger, settings=settings, template=templates.ledger)
        return FilingPlan(files)
    units = list(roster.units())
    for r in results:
        if r.unit not in units:
            units.append(r.unit)
    files, per_unit = _unit_tables(units, results, roster, quarter, out_dir, quotas, settings,
                                   report_date=report_date, templates=templates)
    centre = annex4_counts(results, roster.people, quarter)
    wb4 = annex4_workbook(centre, unit_label=centre_name, quarter=quarter, report_date=report_date,
                          quotas=quotas, centre=True, template=templates.annex4, settings=settings)
    add_unit_chart(wb4, per_unit, quotas)
    folder = out_dir / CENTRE_DIR
    files[folder / f"附件4-备案表-{tag}.xlsx"] = wb4
    files[folder / f"附件5-名单表-{tag}.xlsx"] = annex5_workbook(
        results, unit_label=centre_name, quarter=quarter, report_date=report_date, centre=True,
        template=templates.annex5, settings=settings)
    files[folder / followup_file(quarter)] = followup_workbook(results, quarter, centre_name)
    mark_unchecked(files, errors_left)
    ledger = QuarterLedger(year=quarter.year, quarter=quarter.quarter, results=results,
                           errors_left=errors_left)
    files[out_dir / ledger_name(quarter)] = ledger_workbook(ledger, settings=settings,
                                                            template=templates.ledger)
    return FilingPlan(files)


def _unit_tables(units: list[str], results: list[QuarterResult], roster: Roster, quarter: Quarter,
                 out_dir: Path, quotas: list[QuotaSummary], settings: Settings | None, *,
                 report_date: dt.date | None, templates: FilingTemplates
                 ) -> tuple[dict[Path, Workbook], list[tuple[str, RowCounts]]]:
    """附件4 and 附件5 of each of `units`, and each unit's totals (for the centre chart)."""
    tag = str(quarter)
    dirs = _unit_dirs(units)
    files: dict[Path, Workbook] = {}
    per_unit: list[tuple[str, RowCounts]] = []
    for unit in units:
        mine = [r for r in results if r.unit == unit]
        people = [p for p in roster.people if p.unit == unit]
        counts = annex4_counts(mine, people, quarter)
        per_unit.append((unit, counts.total))
        unit_quotas = [q for q in quotas if unit in getattr(q, "units", [])]
        folder = out_dir / dirs[unit]
        files[folder / f"附件4-备案表-{tag}.xlsx"] = annex4_workbook(
            counts, unit_label=unit, quarter=quarter, report_date=report_date, quotas=unit_quotas,
            template=templates.annex4, settings=settings)
        files[folder / f"附件5-名单表-{tag}.xlsx"] = annex5_workbook(
            mine, unit_label=unit, quarter=quarter, report_date=report_date,
            template=templates.annex5, settings=settings)
        files[folder / followup_file(quarter)] = followup_workbook(mine, quarter, unit)
    return files, per_unit


def printed(paths: Iterable[Path]) -> list[Path]:
    """The workbooks of a filing that are printed and stamped (附件4, 附件5; not the 台账)."""
    return [p for p in paths if p.name.startswith("附件")]


def write_filing(outcome: QuarterOutcome, roster: Roster, quarter: Quarter, out_dir: Path, *,
                 force: bool = False, report_date: dt.date | None = None,
                 centre_name: str = "全中心", template_dir: Path | None = None,
                 inputs: Inputs = (), pdf: bool = False,
                 units: Sequence[str] | None = None, errors_left: int = 0) -> list[Path]:
    """Write every filing table and the 台账 under `out_dir` as one all-or-nothing set
    (`output.files.OutputSet`); returns the workbooks written. With `pdf`, a PDF of each
    附件 beside it (LibreOffice) is part of the same set. `errors_left` (`--allow-errors`):
    every table and the 台账 say how many 错误 were left open.

    All targets are checked before the first one is written, so a refusal (existing file
    without --force, one of the run's `inputs`) leaves `out_dir` untouched, and so does any
    failure or interrupt while writing.
    """
    from ..output.pdf import pdf_targets, stage_pdfs

    out_dir = Path(out_dir)
    plan = plan_filing(outcome, roster, quarter, out_dir, report_date=report_date,
                       centre_name=centre_name, template_dir=template_dir, units=units,
                       errors_left=errors_left)
    pdfs = pdf_targets(printed(plan.files)) if pdf else []
    with OutputSet(out_dir, [*plan.files, *pdfs], force=force, inputs=inputs) as out:
        for path, wb in plan.files.items():
            out.save(wb, path)
        if pdf:
            stage_pdfs(out, printed(plan.files))
    return list(plan.files)
