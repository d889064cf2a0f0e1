"""Annual outputs (§五): 附件6 per unit and for the whole centre, the 年度综评 workbook with the
Y1–Y4 lists, the §五(二) follow-up lists by quarter and the 登记表 lines.

`load_year` reads the roster and the quarter ledgers (turning unreadable ledgers into
findings) and runs the pure engine `kaoping.rules.annual.evaluate_year`.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.workbook import Workbook as WorkbookType

from ..errors import KaopingError
from ..output.style import BODY_FONT, BORDER, CENTER, HEADER_FILL, HEADER_FONT, TITLE_FONT, WRAP, a4
from ..output.workbook import Inputs, OutputSet, put
from ..models import Finding, QuarterLedger, Severity
from ..paths import safe_filename
from ..rules.annual import (
    QUARTER_NAMES,
    QUARTERS,
    AnnualOutcome,
    FollowUpAction,
    PersonYear,
    evaluate_year,
    quarter_list,
)
from ..rules.settings import LimitSettings, Settings
from .annex_templates import (
    ANNEX6_FILE,
    LIST_COLS,
    LIST_FIRST_ROW,
    LIST_PERIOD_CELL,
    LIST_UNIT_CELL,
    META_SHEET,
    NOTE_FONT,
    TEMPLATE_DIR,
    load_template,
)

CENTRE = "全中心"
ANNEX6_STEM = "附件6-公务员平时考核好等次2次以上人员名单表"


# ---------------------------------------------------------------- loading


def read_ledgers(paths: Sequence[Path], *, limits: LimitSettings | None = None
                 ) -> tuple[list[QuarterLedger], list[Finding]]:
    """Read every ledger; a file that cannot be read becomes a 错误 finding (not a stop).
    The same file given twice is read once."""
    from .ledger import read_ledger

    ledgers: list[QuarterLedger] = []
    findings: list[Finding] = []
    seen: set[Path] = set()
    for path in paths:
        key = Path(path).resolve()
        if key in seen:
            continue
        seen.add(key)
        try:
            ledgers.append(read_ledger(Path(path), limits=limits))
        except KaopingError as exc:
            findings.append(Finding(rule="Y0", severity=Severity.ERROR, file=exc.file or str(path),
                                    sheet=exc.sheet, cell=exc.cell,
                                    message=f"季度结果台账无法读取，未计入：{exc.message}"))
    return ledgers, findings


def guess_year(ledgers: Sequence[QuarterLedger]) -> int | None:
    """The year most ledgers belong to (the later one on a tie)."""
    if not ledgers:
        return None
    counts = Counter(lg.year for lg in ledgers)
    return max(counts, key=lambda y: (counts[y], y))


def load_year(roster_path: Path, ledger_paths: Sequence[Path], *, year: int | None = None,
              settings: Settings | None = None) -> AnnualOutcome:
    """Roster + ledgers → `AnnualOutcome` (roster and ledger-reading findings included).

    Raises `KaopingError` when the roster is not a roster, or when no ledger could be read and
    no `year` was given (nothing to evaluate)."""
    from ..excel.roster import read_roster

    settings = settings or Settings()
    roster, roster_findings = read_roster(Path(roster_path), limits=settings.limits)
    ledgers, ledger_findings = read_ledgers(ledger_paths, limits=settings.limits)
    if year is None:
        year = guess_year(ledgers)
    if year is None:  # say why each ledger could not be read: that is what to fix
        why = "；".join(f"{f.file}：{f.message}" for f in ledger_findings)
        raise KaopingError("没有可读取的季度结果台账，无法确定年度" + (f"（{why}）" if why else "")
                           + "；请改正台账文件，或用 --year 指定年度")
    outcome = evaluate_year(roster, ledgers, year, settings)
    outcome.findings = [*roster_findings, *ledger_findings, *outcome.findings]
    return outcome


# ---------------------------------------------------------------- JSON


def outcome_json(outcome: AnnualOutcome, people: Sequence[PersonYear] | None = None) -> dict[str, Any]:
    """Machine-readable form of the outcome (used by `annual eligible --json`)."""

    def person(p: PersonYear) -> dict[str, Any]:
        return {
            "staff_id": p.staff_id, "name": p.name, "unit": p.unit, "section": p.section,
            "rank": p.rank,
            "quarters": {str(q): (p.quarters[q].value if p.quarters[q] else None) for q in QUARTERS},
            "counts": {o.value: n for o, n in p.counts.items()},
            "excellent_candidate": p.excellent_candidate,
            "basic_or_incompetent": p.basic_or_incompetent,
            "may_be_incompetent": p.may_be_incompetent,
            "incompetent": p.incompetent,
            "provisional": p.provisional,
            "missing_quarters": p.missing_quarters,
            "registration_line": p.registration_line(outcome.year),
        }

    chosen = outcome.candidates if people is None else people
    return {
        "year": outcome.year,
        "provisional": outcome.provisional,
        "ledger_quarters": outcome.ledger_quarters,
        "missing_quarters": outcome.missing_quarters,
        "candidates": [person(p) for p in chosen],
        "findings": [f.model_dump(mode="json", exclude_none=True) for f in outcome.findings],
    }


# ---------------------------------------------------------------- 附件6


def _place(p: PersonYear, *, centre: bool) -> str:
    """所在处（科）: the 科室 in a unit's own table; unit + 科室 in the centre-wide one."""
    if not centre:
        return p.place
    if p.section and not p.section.startswith(p.unit):
        return f"{p.unit}{p.section}"
    return p.section or p.unit


def _find_note_row(ws, start: int) -> int | None:
    for r in range(start, ws.max_row + 1):
        v = ws.cell(r, 1).value
        if isinstance(v, str) and v.strip().startswith("注"):
            return r
    return None


def annex6_workbook(outcome: AnnualOutcome, unit: str | None, *,
                    template_dir: Path | None = None, centre_name: str = CENTRE) -> WorkbookType:
    """附件6 公务员平时考核好等次2次以上人员名单表, filled into the committed template.

    `unit=None` is the 全中心 table (呈报单位 `centre_name`, `[centre] name` of kaoping.toml). Rows: everyone with 好 ≥ `excellent_min_good` in the year;
    备注 says when they also had 一般/较差 or when the result is provisional."""
    wb = load_template(ANNEX6_FILE, template_dir)
    ws = wb.worksheets[0]
    people = [p for p in outcome.good_repeatedly if unit is None or p.unit == unit]
    suffix = "（暂定）" if outcome.provisional else ""
    put(ws[LIST_PERIOD_CELL], f"（{outcome.year}年度）{suffix}")
    label = ws[LIST_UNIT_CELL].value or "呈报单位盖章："
    label = str(label).split("：")[0] + "："
    put(ws[LIST_UNIT_CELL], label + (unit or centre_name))

    # The template has a few ruled blank rows then the 注 line; grow the table when needed.
    note_row = _find_note_row(ws, LIST_FIRST_ROW)
    note_text = ws.cell(note_row, 1).value if note_row else None
    blank_rows = (note_row - LIST_FIRST_ROW) if note_row else 0
    if note_row:
        for rng in list(ws.merged_cells.ranges):
            if rng.min_row <= note_row <= rng.max_row:
                ws.unmerge_cells(str(rng))
        for c in range(1, LIST_COLS + 1):
            ws.cell(note_row, c).value = None
    rows = max(blank_rows, len(people), 1)
    for i in range(rows):
        r = LIST_FIRST_ROW + i
        for c in range(1, LIST_COLS + 1):
            cell = ws.cell(r, c)
            cell.font, cell.border = BODY_FONT, BORDER
            cell.alignment = WRAP if c == LIST_COLS else CENTER
        ws.row_dimensions[r].height = 24
    for i, p in enumerate(people):
        r = LIST_FIRST_ROW + i
        values = (i + 1, p.name, _place(p, centre=unit is None), p.rank, p.good, p.remark() or None)
        for c, v in enumerate(values, start=1):
            put(ws.cell(r, c), v)
    if not people:
        put(ws.cell(LIST_FIRST_ROW, 2), "无")
    if note_text:
        nr = LIST_FIRST_ROW + rows
        for c in range(1, LIST_COLS + 1):
            ws.cell(nr, c).border = BORDER.__class__()
        put(ws.cell(nr, 1), note_text)
        ws.cell(nr, 1).font = NOTE_FONT
        ws.cell(nr, 1).alignment = WRAP
        ws.merge_cells(start_row=nr, start_column=1, end_row=nr, end_column=LIST_COLS)
        ws.print_area = f"A1:F{nr}"
    if META_SHEET in wb.sheetnames:
        meta = wb[META_SHEET]
        meta.append(["year", str(outcome.year)])
        meta.append(["unit", unit or CENTRE])
        meta.append(["provisional", "是" if outcome.provisional else "否"])
    return wb


# ---------------------------------------------------------------- 年度综评 workbook


def _table(ws, title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]],
           widths: Sequence[float], *, note: str | None = None) -> None:
    ncol = len(headers)
    put(ws.cell(1, 1), title)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncol)
    ws.cell(1, 1).font, ws.cell(1, 1).alignment = TITLE_FONT, CENTER
    ws.row_dimensions[1].height = 30
    top = 2
    if note:
        put(ws.cell(2, 1), note)
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=ncol)
        ws.cell(2, 1).font = NOTE_FONT
        ws.cell(2, 1).alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
        ws.row_dimensions[2].height = 30
        top = 3
    for c, (h, w) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = put(ws.cell(top, c), h)
        cell.font, cell.fill, cell.border, cell.alignment = HEADER_FONT, HEADER_FILL, BORDER, CENTER
        ws.column_dimensions[cell.column_letter].width = w
    # A wrapped header must get its height: neither Excel nor LibreOffice grows the row on open,
    # so "基本称职或不称职" would print clipped (about two width units per CJK character).
    lines = max(math.ceil(len(h) * 2 / max(w - 1, 1)) for h, w in zip(headers, widths))
    if lines > 1:
        ws.row_dimensions[top].height = 15 * lines + 2
    for i, row in enumerate(rows, start=top + 1):
        for c, v in enumerate(row, start=1):
            cell = put(ws.cell(i, c), v)
            cell.font, cell.border = BODY_FONT, BORDER
            cell.alignment = WRAP if isinstance(v, str) and len(v) > 8 else CENTER
        # Same for long 备注 / 登记表 lines in the body.
        lines = max((math.ceil(len(str(v)) * 2 / max(w - 1, 1))
                     for v, w in zip(row, widths) if v is not None), default=1)
        if lines > 1:
            ws.row_dimensions[i].height = 15 * lines + 2
    if not rows:
        put(ws.cell(top + 1, 1), "（无）")
    ws.freeze_panes = ws.cell(top + 1, 1)
    ws.print_title_rows = f"{top}:{top}"
    a4(ws, landscape=ncol > 8)


def _person_row(p: PersonYear) -> list[Any]:
    return [p.staff_id, p.name, p.unit, p.section, p.rank,
            *[p.quarter_text(q) for q in QUARTERS]]


_PERSON_HEADERS = ("序号", "工号", "姓名", "单位", "科室", "职务职级",
                   "第一季度", "第二季度", "第三季度", "第四季度")
_PERSON_WIDTHS = (6, 10, 10, 16, 12, 14, 9, 9, 9, 9)


def _list_sheet(wb, name: str, title: str, people: Sequence[PersonYear], basis: str) -> None:
    rows = [[i, *_person_row(p), p.good, p.average, p.poor, p.remark() or None]
            for i, p in enumerate(people, start=1)]
    _table(wb.create_sheet(name), title, (*_PERSON_HEADERS, "好", "一般", "较差", "备注"), rows,
           (*_PERSON_WIDTHS, 6, 6, 6, 36), note=basis)


def _yes(flag: bool) -> str | None:
    return "是" if flag else None


_POOL_BASIS = ("§五(三)：建立股级、副科级、正科级后备干部人才库，并实施动态管理（具体办法另行规定）。"
               "按花名册“后备层级”“入库日期”“出库日期”列出本年度在库人员，供党组研究，kaoping 不作决定。")


def _iso(day: Any) -> str | None:
    return day.isoformat() if day else None


def _pool_sheets(wb: Any, outcome: AnnualOutcome, tag: str) -> None:
    """后备干部 (§五(三)): the pool's members with their year; 后备干部记录变差: whose record
    worsened this year, and why (`rules.reserve.worsened`)."""
    y, pool = outcome.year, outcome.pool
    rows = [[i, m.level.value, m.person.staff_id, m.person.name, m.person.unit, m.person.section,
             m.person.rank, _iso(m.person.reserve_in), _iso(m.person.reserve_out),
             *[m.year.quarter_text(q) for q in QUARTERS], m.year.good,
             "、".join(m.marks()) or None, "是" if m.worsened else None]
            for i, m in enumerate(pool, start=1)]
    _table(wb.create_sheet("后备干部"), f"{y}年度后备干部人才库人员平时考核情况{tag}",
           ("序号", "后备层级", "工号", "姓名", "单位", "科室", "职务职级", "入库日期", "出库日期",
            "第一季度", "第二季度", "第三季度", "第四季度", "好", "一般/较差/不定档", "记录变差"),
           rows, (6, 8, 10, 10, 14, 10, 12, 11, 11, 8, 8, 8, 8, 5, 22, 8), note=_POOL_BASIS)
    worse = [m for m in pool if m.worsened]
    wrows = [[i, m.level.value, m.person.staff_id, m.person.name, m.person.unit,
              *[m.year.quarter_text(q) for q in QUARTERS], "；".join(m.worsened)]
             for i, m in enumerate(worse, start=1)]
    _table(wb.create_sheet("后备干部记录变差"), f"{y}年度后备干部中平时考核记录变差的人员{tag}",
           ("序号", "后备层级", "工号", "姓名", "单位", "第一季度", "第二季度", "第三季度", "第四季度",
            "变差情况"),
           wrows, (6, 8, 10, 10, 14, 8, 8, 8, 8, 50),
           note="记录变差：本年某季度等次低于本年上一个定档季度，或有一般、较差等次，或因立案调查、"
                "受处分、受组织处理或诫勉不定档（§二第3–5类）。供动态管理参考。")


def results_workbook(outcome: AnnualOutcome) -> WorkbookType:
    """年度综评-YYYY.xlsx: 汇总, Y1–Y4 lists, follow-ups by quarter, 登记表 lines, 说明."""
    y = outcome.year
    tag = f"（暂定：缺{quarter_list(outcome.missing_quarters)}台账）" if outcome.provisional else ""
    wb = Workbook()
    ws = wb.active
    ws.title = "年度汇总"
    rows = []
    for i, p in enumerate(outcome.people, start=1):
        c = p.counts
        rows.append([i, *_person_row(p), *(c[o] for o in c), _yes(p.excellent_candidate),
                     _yes(p.basic_or_incompetent), _yes(p.may_be_incompetent), _yes(p.incompetent),
                     p.remark() or None])
    _table(ws, f"{y}年度平时考核结果汇总{tag}",
           (*_PERSON_HEADERS, "好", "较好", "一般", "较差", "不确定", "未参加",
            "优秀候选", "基本称职或不称职", "可直接定不称职", "确定不称职", "备注"),
           rows, (*_PERSON_WIDTHS, 5, 5, 5, 5, 6, 6, 8, 10, 10, 8, 36))

    _list_sheet(wb, "优秀候选(Y1)", f"{y}年度优秀等次候选人员{tag}", outcome.candidates,
                "§五(一)：年度考核优秀等次人员原则上应从当年季度考核结果好等次2个以上且无一般、"
                "较差等次的公务员中产生。")
    _list_sheet(wb, "基本称职或不称职(Y2)", f"{y}年度原则上确定为基本称职或不称职的人员{tag}",
                outcome.basic_or_incompetent,
                "§五(一)：当年平时考核结果一般、较差等次累计次数超过2次的，年度考核原则上应当确定为"
                "基本称职或不称职等次。")
    _list_sheet(wb, "可直接定不称职(Y3)", f"{y}年度可直接确定为不称职的人员{tag}",
                outcome.may_be_incompetent,
                "§五(一)：当年平时考核结果均为较差等次的，年度考核可以直接确定为不称职"
                "（不确定、未参加的季度不计）。")
    _list_sheet(wb, "确定不称职(Y4)", f"{y}年度确定为不称职的人员", outcome.incompetent,
                "§五(一)：无正当理由不参加平时考核或在考核过程中弄虚作假，经教育后拒不改正的，"
                "年度考核确定为不称职等次（依据花名册“拒不参加或弄虚作假”栏）。")

    for action, basis in (
        (FollowUpAction.TALK, "§五(二)：对考核结果为一般等次的干部，及时谈话提醒。"),
        (FollowUpAction.CRITICISE, "§五(二)：对考核结果为较差的干部，及时批评教育，必要时进行诫勉"
                                   "或调整岗位、安排培训教育。"),
    ):
        items = [f for f in outcome.follow_ups if f.action == action]
        frows = [[QUARTER_NAMES[f.quarter], i, f.person.staff_id, f.person.name, f.person.unit,
                  f.person.section, f.person.rank, f.outcome.value, action.value, None, None]
                 for i, f in enumerate(items, start=1)]
        _table(wb.create_sheet(action.value), f"{y}年度平时考核{action.value}名单（按季度）",
               ("季度", "序号", "工号", "姓名", "单位", "科室", "职务职级", "考核等次", "措施",
                "落实情况", "落实日期"),
               frows, (10, 6, 10, 10, 16, 12, 14, 9, 10, 30, 12), note=basis)

    _pool_sheets(wb, outcome, tag)

    lrows = [[i, p.staff_id, p.name, p.unit, p.registration_line(y)]
             for i, p in enumerate(outcome.people, start=1)]
    _table(wb.create_sheet("登记表"), f"《公务员年度考核登记表》平时考核结果{tag}",
           ("序号", "工号", "姓名", "单位", "平时考核结果（记入登记表）"), lrows, (6, 10, 10, 16, 80),
           note="§五(一)：平时考核结果记入《公务员年度考核登记表》。")

    info = wb.create_sheet("说明")
    lines = [
        ("年度", str(y)),
        ("已汇总季度", quarter_list(outcome.ledger_quarters) or "无"),
        ("缺少季度", quarter_list(outcome.missing_quarters) or "无"),
        ("结论", "暂定（缺少季度台账，补齐后请重新生成）" if outcome.provisional else "四个季度台账齐全"),
        ("人数", str(len(outcome.people))),
        ("优秀候选", str(len(outcome.candidates))),
        ("好等次2次以上（附件6）", str(len(outcome.good_repeatedly))),
        ("后备干部（§五(三)）", (f"{len(outcome.pool)} 人，其中记录变差 "
                            f"{sum(1 for m in outcome.pool if m.worsened)} 人")),
    ]
    for r, (k, v) in enumerate(lines, start=1):
        put(info.cell(r, 1), k).font = HEADER_FONT
        put(info.cell(r, 2), v).font = BODY_FONT
    info.column_dimensions["A"].width = 24
    info.column_dimensions["B"].width = 60
    return wb


# ---------------------------------------------------------------- writing


def annual_targets(outcome: AnnualOutcome, out_dir: Path, *, centre_name: str = CENTRE
                   ) -> list[tuple[Path, Callable[[], WorkbookType]]]:
    """Every output file and how to build it: 附件6 for the centre and each unit, 年度综评."""
    out_dir = Path(out_dir)
    y = outcome.year
    targets: list[tuple[Path, Callable[[], WorkbookType]]] = [
        (out_dir / f"{ANNEX6_STEM}-{y}年度-{CENTRE}.xlsx",
         lambda: annex6_workbook(outcome, None, centre_name=centre_name)),
    ]
    used = {CENTRE}
    for unit in outcome.units():
        name = safe_filename(unit)
        while name in used:
            name += "_"
        used.add(name)
        targets.append((out_dir / f"{ANNEX6_STEM}-{y}年度-{name}.xlsx",
                        lambda u=unit: annex6_workbook(outcome, u)))
    targets.append((out_dir / f"年度综评-{y}.xlsx", lambda: results_workbook(outcome)))
    return targets


def write_annual_report(outcome: AnnualOutcome, out_dir: Path, *, force: bool = False,
                        on_progress: Callable[[Path], None] | None = None,
                        inputs: Inputs = (), centre_name: str = CENTRE) -> list[Path]:
    """Write every annual output as one all-or-nothing set (`output.files.OutputSet`): all
    targets are checked first; without `force`, nothing is written when any of them exists;
    none may be one of the run's `inputs` (roster, 台账)."""
    targets = annual_targets(outcome, out_dir, centre_name=centre_name)
    with OutputSet(Path(out_dir), [p for p, _ in targets], force=force, inputs=inputs) as out:
        for path, build in targets:
            out.save(build(), path)
            if on_progress:
                on_progress(path)
    return [p for p, _ in targets]


__all__ = [
    "CENTRE", "TEMPLATE_DIR", "annex6_workbook", "annual_targets", "guess_year", "load_year",
    "outcome_json", "read_ledgers", "results_workbook", "write_annual_report",
]
