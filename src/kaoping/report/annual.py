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
from ..periods import half_label
from ..rules.annual import (
    QUARTER_NAMES,
    QUARTERS,
    AnnualOutcome,
    FollowUpAction,
    PersonYear,
    evaluate_year,
    quarter_list,
)
from ..rules.catalog import finding
from ..rules.settings import LimitSettings, Settings
from .annex_templates import (
    ANNEX6_FIELDS,
    ANNEX6_SPEC,
    META_SHEET,
    NOTE_FONT,
    TEMPLATE_DIR,
    load_template,
)
from .tally import Recommendation
from .template import Template, fill

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


def annex6_workbook(outcome: AnnualOutcome, unit: str | None, *,
                    template: Template | None = None, centre_name: str = CENTRE) -> WorkbookType:
    """附件6 公务员平时考核好等次2次以上人员名单表, filled into its template.

    `unit=None` is the 全中心 table (呈报单位 `centre_name`, `[centre] name` of kaoping.toml).
    Rows: everyone with 好 ≥ `excellent_min_good` in the year; 备注 says when they also had 一般/较差 or when the result is provisional."""
    from .filing import list_records

    people = [p for p in outcome.good_repeatedly if unit is None or p.unit == unit]
    rows = [(i, p.name, _place(p, centre=unit is None), p.rank, p.good, p.remark() or None)
            for i, p in enumerate(people, start=1)]
    values = {"年度": outcome.year, "暂定": outcome.provisional, "呈报单位": unit or centre_name}
    wb = fill(template or load_template(ANNEX6_SPEC), values, list_records(rows, ANNEX6_FIELDS))
    if META_SHEET in wb.sheetnames:
        meta = wb[META_SHEET]
        meta.append(["year", str(outcome.year)])
        meta.append(["unit", unit or CENTRE])
        meta.append(["provisional", "是" if outcome.provisional else "否"])
    return wb


# ---------------------------------------------------------------- 年度综评 workbook


def table_sheet(ws, title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]],
                widths: Sequence[float], *, note: str | None = None) -> None:
    """A printable list: the title in row 1, `note` in row 2 (when given), the headers, then
    one row per item ("（无）" when there is none); A4, landscape past 8 columns."""
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


_table = table_sheet


def _person_row(p: PersonYear) -> list[Any]:
    return [p.staff_id, p.name, p.unit, p.section, p.rank,
            *[p.quarter_text(q) for q in QUARTERS]]


_PERSON_HEADERS = ("序号", "工号", "姓名", "单位", "科室", "职务职级",
                   "第一季度", "第二季度", "第三季度", "第四季度")
_PERSON_WIDTHS = (6, 10, 10, 16, 12, 14, 9, 9, 9, 9)


def _list_sheet(wb, name: str, title: str, people: Sequence[PersonYear], basis: str,
                votes: Votes | None = None) -> None:
    """A list of people; with `votes` (the 优秀 candidates), their 集中测评推荐 beside them."""
    extra = ("集中测评推荐",) if votes is not None else ()
    rows = [[i, *_person_row(p), p.good, p.average, p.poor,
             *((_votes_text(votes, p.staff_id),) if votes is not None else ()), p.remark() or None]
            for i, p in enumerate(people, start=1)]
    _table(wb.create_sheet(name), title, (*_PERSON_HEADERS, "好", "一般", "较差", *extra, "备注"), rows,
           (*_PERSON_WIDTHS, 6, 6, 6, *((28,) if extra else ()), 36), note=basis)


# ---------------------------------------------------------------- 集中测评 (§四(四)2)

Votes = dict[str, list[Recommendation]]  # 工号 → the person's rows of the year's tallies


def _votes_text(votes: Votes, staff_id: str) -> str:
    rows = votes.get(staff_id, [])
    return "；".join(r.text for r in sorted(rows, key=lambda r: r.half)) or "未获推荐"


def year_votes(outcome: AnnualOutcome, recommendations: Sequence[Recommendation]
               ) -> tuple[Votes, list[Finding]]:
    """The 集中测评 results of `outcome`'s year by 工号 (§四(四)2 “结果作为市中心党组年度综评的依据”);
    a 警告 for a half of another year and for a 工号 not among the year's people."""
    people = {p.staff_id for p in outcome.people}
    votes: Votes = {}
    findings: list[Finding] = []
    other = sorted({r.half for r in recommendations if r.year != outcome.year})
    if other:
        findings.append(finding("H0", f"测评结果中的{'、'.join(half_label(h) for h in other)}不属于"
                                      f"{outcome.year}年度，未列入年度综评"))
    for r in recommendations:
        if r.year != outcome.year:
            continue
        if r.staff_id not in people:
            findings.append(finding("H0", f"测评结果中的{r.name}（工号 {r.staff_id}）不在{outcome.year}年度的"
                                          "季度结果中，其推荐未列入年度综评", unit=r.unit,
                                    person=r.name, staff_id=r.staff_id))
            continue
        votes.setdefault(r.staff_id, []).append(r)
    return votes, findings


def _votes_sheet(wb, outcome: AnnualOutcome, votes: Votes) -> None:
    """Every recommendation of the year, with whether the person is a 优秀 candidate."""
    candidates = {p.staff_id for p in outcome.candidates}
    rows = sorted((r for rs in votes.values() for r in rs), key=lambda r: (r.half, r.unit, r.rank))
    table = [[i, half_label(r.half), r.unit, r.rank, r.staff_id, r.name, r.votes, r.valid,
              _yes(r.staff_id in candidates)] for i, r in enumerate(rows, start=1)]
    _table(wb.create_sheet("集中测评推荐"), f"{outcome.year}年度集中测评推荐“优秀”结果", (
        "序号", "半年", "单位", "名次", "工号", "姓名", "得票", "有效票", "优秀候选"), table,
        (6, 14, 16, 6, 10, 10, 6, 7, 8),
        note="§四(四)2：集中测评推荐“优秀”干部，结果作为市中心党组年度综评的依据（取自 halfyear tally 的测评结果）。")


def _yes(flag: bool) -> str | None:
    return "是" if flag else None


def _fill_follow_ups(wb: Any, outcome: AnnualOutcome) -> None:
    """落实情况 / 落实日期 of the 谈话提醒 and 批评教育 sheets from the returned lists
    (`outcome.follow_up_items`), found by the sheets' header labels."""
    done = {(i.quarter.quarter, i.person.staff_id, i.action): i for i in outcome.follow_up_items}
    for name in ("谈话提醒", "批评教育"):
        ws = wb[name] if name in wb.sheetnames else None
        header = next((r for r in range(1, 6) if ws is not None and
                       "落实情况" in [c.value for c in ws[r]]), None)
        if header is None:
            continue
        col = {c.value: c.column for c in ws[header] if c.value}
        quarters = {v: k for k, v in QUARTER_NAMES.items()}
        for r in range(header + 1, ws.max_row + 1):
            key = (quarters.get(ws.cell(r, col["季度"]).value), ws.cell(r, col["工号"]).value, name)
            item = done.get(key)
            if item is None or not item.entry.done:
                continue
            late = "（逾期落实）" if item.status == "逾期落实" else ""
            put(ws.cell(r, col["落实情况"]), item.entry.done + late)
            put(ws.cell(r, col["落实日期"]), _iso(item.entry.done_on))


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


def results_workbook(outcome: AnnualOutcome, votes: Votes | None = None) -> WorkbookType:
    """年度综评-YYYY.xlsx: 汇总, Y1–Y4 lists (the candidates with their 集中测评推荐 when
    `votes` is given, and a sheet of those results), follow-ups by quarter, 登记表 lines, 说明."""
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
                "较差等次的公务员中产生。" + ("“集中测评推荐”一栏：§四(四)2 集中测评结果（得票/有效票）。"
                                            if votes is not None else ""), votes=votes)
    if votes is not None:
        _votes_sheet(wb, outcome, votes)
    _list_sheet(wb, "基本称职或不称职(Y2)", f"{y}年度原则上确定为基本称职或不称职的人员{tag}",
                outcome.basic_or_incompetent,
                "§五(一)：当年平时考核结果一般、较差等次累计次数超过2次的，年度考核原则上应当确定为"
                "基本称职或不称职等次。")
    _list_sheet(wb, "可直接定不称职(Y3)", f"{y}年度可直接确定为不称职的人员{tag}",
                outcome.may_be_incompetent,
                "§五(一)：当年平时考核结果均为较差等次的，年度考核可以直接确定为不称职"
                "（应参加考核的每个季度均为较差；不确定、未参加的季度不是较差）。")
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

    _fill_follow_ups(wb, outcome)
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
        (f"好等次{outcome.min_good}次以上（附件6）", str(len(outcome.good_repeatedly))),
        ("后备干部（§五(三)）", (f"{len(outcome.pool)} 人，其中记录变差 "
                            f"{sum(1 for m in outcome.pool if m.worsened)} 人")),
        ("集中测评结果", "已列入（见“集中测评推荐”）" if votes is not None
         else "未提供（annual report --tally 测评结果.xlsx）"),
    ]
    for r, (k, v) in enumerate(lines, start=1):
        put(info.cell(r, 1), k).font = HEADER_FONT
        put(info.cell(r, 2), v).font = BODY_FONT
    info.column_dimensions["A"].width = 24
    info.column_dimensions["B"].width = 60
    return wb


# ---------------------------------------------------------------- writing


def annual_targets(outcome: AnnualOutcome, out_dir: Path, votes: Votes | None = None, *,
                   template_dir: Path | None = None, centre_name: str = CENTRE
                   ) -> list[tuple[Path, Callable[[], WorkbookType]]]:
    """Every output file and how to build it: 附件6 for the centre and each unit, 年度综评.
    `template_dir`: a restyled template set (read and checked here, before anything is built)."""
    out_dir = Path(out_dir)
    y = outcome.year
    t6 = load_template(ANNEX6_SPEC, template_dir)
    targets: list[tuple[Path, Callable[[], WorkbookType]]] = [
        (out_dir / f"{ANNEX6_STEM}-{y}年度-{CENTRE}.xlsx",
         lambda: annex6_workbook(outcome, None, template=t6, centre_name=centre_name)),
    ]
    used = {CENTRE}
    for unit in outcome.units():
        name = safe_filename(unit)
        while name in used:
            name += "_"
        used.add(name)
        targets.append((out_dir / f"{ANNEX6_STEM}-{y}年度-{name}.xlsx",
                        lambda u=unit: annex6_workbook(outcome, u, template=t6)))
    targets.append((out_dir / f"年度综评-{y}.xlsx", lambda: results_workbook(outcome, votes)))
    return targets


def write_annual_report(outcome: AnnualOutcome, out_dir: Path, *, force: bool = False,
                        on_progress: Callable[[Path], None] | None = None,
                        inputs: Inputs = (), votes: Votes | None = None,
                        template_dir: Path | None = None, centre_name: str = CENTRE) -> list[Path]:
    """Write every annual output as one all-or-nothing set (`output.files.OutputSet`): all
    targets are checked first; without `force`, nothing is written when any of them exists;
    none may be one of the run's `inputs` (roster, 台账, 测评结果)."""
    targets = annual_targets(outcome, out_dir, votes, template_dir=template_dir, centre_name=centre_name)
    with OutputSet(Path(out_dir), [p for p, _ in targets], force=force, inputs=inputs) as out:
        for path, build in targets:
            out.save(build(), path)
            if on_progress:
                on_progress(path)
    return [p for p, _ in targets]


__all__ = [
    "CENTRE", "TEMPLATE_DIR", "annex6_workbook", "annual_targets", "guess_year", "load_year",
    "outcome_json", "read_ledgers", "results_workbook", "write_annual_report", "year_votes",
]
