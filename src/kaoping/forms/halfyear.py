"""Half-year assessment (§四(四) 半年一考核): the forms of 个别谈话 and 集中测评.

- 干部成长考核考察记实表 (§四(四)1): one A4 form per 在编 cadre, identity and the half's two
  quarterly results pre-filled (from 季度结果台账 when given), a blank area for the record of
  the individual talk, and lines for 谈话人/被谈话人 and the date. 列入干部档案.
- 集中测评票 (§四(四)2): one ballot per unit listing its staff with a 推荐“优秀” tick column and
  the maximum number of ticks. Returned ballots are read by `excel.ballots` and counted by
  `rules.ballots`.

Maximum ticks: the measures set no number for the ballot, so kaoping borrows none: the clerk
gives it, as a number for every unit (`--max-ticks N`, `[halfyear] max_ticks`) or as a ratio
of each unit's listed staff, rounded down with at least 1 (`--ratio`, `[halfyear]
ticks_ratio`). Without either nothing is generated.

Every workbook carries a hidden `_kaoping` sheet: kind (ballot / growth_record), template_version,
period/half, unit, max_ticks, and for ballots the listed staff (staff, 工号, 姓名, row).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from ..errors import KaopingError
from ..excel.detect import BALLOT_SHEET, META_SHEET, TICK, TICK_HEADER
from ..models import (
    FORM_TITLES,
    Finding,
    FormKind,
    Outcome,
    Person,
    QuarterLedger,
    Roster,
    Severity,
)
from ..output.style import (
    BODY_FONT,
    BORDER,
    CENTER,
    HEADER_FILL,
    HEADER_FONT,
    TITLE_FONT,
    a4,
)
from ..output.workbook import Inputs, OutputSet, put
from ..paths import safe_filename
from ..periods import Half, Quarter, half_label, parse_half  # noqa: F401 (re-exported)
from ..rules.catalog import finding
from ..rules.due import due_people

TEMPLATE_VERSION = "1"
RECORD_SHEET = "记实表"
BALLOT_TITLE = "干部集中测评票"
RECORD_TITLE = FORM_TITLES[FormKind.GROWTH_RECORD]  # 干部成长考核考察记实表
QUARTER_CN = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}


# ---------------------------------------------------------------- half-years


def default_max_ticks(staff: int, ratio: float) -> int:
    """floor(ratio × staff), at least 1 when the unit has anyone (the clerk's ratio; see top)."""
    if staff <= 0:
        return 0
    return max(1, math.floor(staff * ratio + 1e-9))


def half_staff(roster: Roster, half: Half) -> list[Person]:
    """Who is assessed in the half (§二, §四(四): 全系统科级以下在编干部 hired by its end)."""
    return due_people(roster, half.start, half.end)


# ---------------------------------------------------------------- shared drawing


def _merge(ws, ref: str, value=None, *, font: Font = BODY_FONT, align: Alignment = CENTER,
           border: bool = True) -> None:
    ws.merge_cells(ref)
    first = ws[ref.split(":")[0]]
    if value is not None:
        put(first, value)
    first.font, first.alignment = font, align
    if border:
        for row in ws[ref]:
            for c in row:
                c.border = BORDER


def _meta(wb: Workbook, items: Iterable[Sequence[object]]) -> None:
    ws = wb.create_sheet(META_SHEET)
    for row in items:
        ws.append([None if v is None else str(v) for v in row])
    ws.sheet_state = "hidden"


LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
TOP_LEFT = Alignment(horizontal="left", vertical="top", wrap_text=True)


# ---------------------------------------------------------------- 干部成长考核考察记实表


def growth_record_workbook(person: Person, half: Half,
                           grades: dict[int, Outcome | None] | None = None) -> Workbook:
    """One person's 干部成长考核考察记实表 (§四(四)1), A4 portrait, one page."""
    grades = grades or {}
    wb = Workbook()
    ws = wb.active
    ws.title = RECORD_SHEET
    for col, width in zip("ABCDEF", (12, 16, 12, 16, 12, 18), strict=True):
        ws.column_dimensions[col].width = width
    _merge(ws, "A1:F1", RECORD_TITLE, font=TITLE_FONT, border=False)
    ws.row_dimensions[1].height = 40
    _merge(ws, "A2:F2", f"（{half.label}）", border=False)
    ws.row_dimensions[2].height = 22

    def pair(row: int, items: Sequence[tuple[str, object]]) -> None:
        for i, (label, value) in enumerate(items):
            lab = put(ws.cell(row, 2 * i + 1), label)
            lab.font, lab.alignment, lab.border, lab.fill = HEADER_FONT, CENTER, BORDER, HEADER_FILL
            val = put(ws.cell(row, 2 * i + 2), value)
            val.font, val.alignment, val.border = BODY_FONT, CENTER, BORDER
        ws.row_dimensions[row].height = 30

    pair(3, [("姓　　名", person.name), ("工　　号", person.staff_id), ("单　　位", person.unit)])
    pair(4, [("科　　室", person.section), ("职　　务", person.post), ("职务职级", person.rank)])
    pair(5, [("入职日期", person.hired_on.isoformat() if person.hired_on else None),
             ("直管领导", person.direct_leader), ("分管领导", person.supervising_leader)])
    q1, q2 = half.quarters
    label = put(ws.cell(6, 1), "平时考核\n结果")
    label.font, label.alignment, label.border, label.fill = HEADER_FONT, CENTER, BORDER, HEADER_FILL
    for col, q in ((2, q1), (4, q2)):
        c = put(ws.cell(6, col), QUARTER_CN[q.quarter])
        c.font, c.alignment, c.border = HEADER_FONT, CENTER, BORDER
        g = grades.get(q.quarter)
        v = put(ws.cell(6, col + 1), g.value if g else None)
        v.font, v.alignment, v.border = BODY_FONT, CENTER, BORDER
    c = put(ws.cell(6, 6), "来源：季度结果台账" if grades else "（按季度结果台账填写）")
    c.font, c.alignment, c.border = Font(name="仿宋", size=9), CENTER, BORDER
    ws.row_dimensions[6].height = 30

    _merge(ws, "A7:F7", "个别谈话记录（思想政治、履职尽责、工作实绩、作风纪律、廉洁自律、成长需求等）",
           font=HEADER_FONT, align=LEFT)
    ws["A7"].fill = HEADER_FILL
    ws.row_dimensions[7].height = 26
    _merge(ws, "A8:F8", None, align=TOP_LEFT)
    ws.row_dimensions[8].height = 420
    _merge(ws, "A9:F9", "谈话人（签字）：＿＿＿＿＿＿＿＿　　　　谈话日期：＿＿＿＿年＿＿月＿＿日",
           align=LEFT)
    ws.row_dimensions[9].height = 32
    _merge(ws, "A10:F10", "被谈话人（签字）：＿＿＿＿＿＿＿＿　　　记录人（签字）：＿＿＿＿＿＿＿＿",
           align=LEFT)
    ws.row_dimensions[10].height = 32
    _merge(ws, "A11:F11", "注：由市中心办公室（人事处）人事干部与干部个别谈话后填写，列入干部档案"
                          "（§四(四)1）。", font=Font(name="仿宋", size=10), align=LEFT, border=False)
    a4(ws, fit_width=False)
    ws.print_area = "A1:F11"
    _meta(wb, [("kind", FormKind.GROWTH_RECORD.value), ("template_version", TEMPLATE_VERSION),
               ("period", str(half)), ("half", str(half)), ("unit", person.unit),
               ("staff_id", person.staff_id), ("max_ticks", None)])
    return wb


# ---------------------------------------------------------------- 集中测评票

BALLOT_HEADER_ROW = 5
BALLOT_FIRST_ROW = 6
BALLOT_HEADERS = ("序号", "姓名", "科室", "职务", TICK_HEADER)


def ballot_instruction(max_ticks: int) -> str:
    return (f"说明：请在推荐为“优秀”的干部所在行的“{TICK_HEADER}”栏内打“{TICK}”，"
            f"最多推荐 {max_ticks} 人；超过 {max_ticks} 人、或在名单以外添加人员的测评票无效。"
            "不打“√”即不推荐。本票不记名。")


def ballot_workbook(unit: str, people: Sequence[Person], half: Half, max_ticks: int) -> Workbook:
    """One unit's 集中测评票 (§四(四)2): staff list + 推荐“优秀” tick column, sheet protected so
    only the tick cells can be changed."""
    wb = Workbook()
    ws = wb.active
    ws.title = BALLOT_SHEET
    for col, width in zip("ABCDE", (7, 14, 18, 18, 14), strict=True):
        ws.column_dimensions[col].width = width
    _merge(ws, "A1:E1", f"{BALLOT_TITLE}（推荐“优秀”）", font=TITLE_FONT, border=False)
    ws.row_dimensions[1].height = 40
    _merge(ws, "A2:E2", f"（{half.label}）", border=False)
    _merge(ws, "A3:E3", f"单位：{unit}", align=LEFT, border=False)
    _merge(ws, "A4:E4", ballot_instruction(max_ticks), font=Font(name="仿宋", size=10), align=LEFT,
           border=False)
    ws.row_dimensions[4].height = 44
    for col, label in enumerate(BALLOT_HEADERS, start=1):
        c = put(ws.cell(BALLOT_HEADER_ROW, col), label)
        c.font, c.alignment, c.border, c.fill = HEADER_FONT, CENTER, BORDER, HEADER_FILL
    dv = DataValidation(type="list", formula1=f'"{TICK}"', allow_blank=True, showErrorMessage=True,
                        errorTitle="只能打√", error=f"推荐请填“{TICK}”，不推荐请留空。")
    ws.add_data_validation(dv)
    for i, p in enumerate(people):
        r = BALLOT_FIRST_ROW + i
        for col, v in enumerate((i + 1, p.name, p.section, p.post), start=1):
            c = put(ws.cell(r, col), v)
            c.font, c.alignment, c.border = BODY_FONT, CENTER, BORDER
        tick = ws.cell(r, 5)
        tick.font, tick.alignment, tick.border = Font(name="宋体", size=14), CENTER, BORDER
        tick.protection = Protection(locked=False)
        dv.add(tick)
        ws.row_dimensions[r].height = 24
    last = BALLOT_FIRST_ROW + len(people)
    _merge(ws, f"A{last}:E{last}", f"本单位共 {len(people)} 人，最多推荐 {max_ticks} 人。",
           font=Font(name="仿宋", size=10), align=LEFT, border=False)
    ws.protection.sheet = True  # no password: it only keeps names from being edited by mistake
    ws.print_title_rows = f"{BALLOT_HEADER_ROW}:{BALLOT_HEADER_ROW}"
    a4(ws)
    ws.print_area = f"A1:E{last}"
    _meta(wb, [("kind", FormKind.BALLOT.value), ("template_version", TEMPLATE_VERSION),
               ("period", str(half)), ("half", str(half)), ("unit", unit),
               ("max_ticks", max_ticks), ("staff_count", len(people)),
               *(("staff", p.staff_id, p.name, BALLOT_FIRST_ROW + i) for i, p in enumerate(people))])
    return wb


# ---------------------------------------------------------------- generating


def half_grades(ledgers: Sequence[QuarterLedger], half: Half
                ) -> tuple[dict[str, dict[int, Outcome]], list[Finding]]:
    """staff_id → {quarter: outcome} for the half's two quarters; other ledgers are findings."""
    wanted = {q.quarter for q in half.quarters}
    grades: dict[str, dict[int, Outcome]] = {}
    findings: list[Finding] = []
    used: dict[int, str] = {}
    for lg in ledgers:
        if lg.year != half.year or lg.quarter not in wanted:
            findings.append(finding("H0", f"台账是{lg.year}年第{lg.quarter}季度的，不属于{half.label}，未使用",
                                    file=lg.source))
            continue
        if lg.quarter in used:
            findings.append(finding("H0", f"{QUARTER_CN[lg.quarter]}的台账重复（已有「{used[lg.quarter]}」），"
                                    "请只提供一份", severity=Severity.ERROR, file=lg.source))
        used.setdefault(lg.quarter, lg.source or "")
        for r in lg.results:
            grades.setdefault(r.staff_id, {}).setdefault(lg.quarter, r.outcome)
    return grades, findings


def _record_paths(people: Sequence[Person], half: Half, out_dir: Path) -> list[Path]:
    names: dict[tuple[str, str], int] = {}
    for p in people:
        names[(p.unit, p.name)] = names.get((p.unit, p.name), 0) + 1
    out = []
    for p in people:
        stem = p.name if names[(p.unit, p.name)] == 1 else f"{p.name}-{p.staff_id}"
        out.append(out_dir / "干部成长考核考察记实表" / safe_filename(p.unit)
                   / f"{safe_filename(stem)}-{half}.xlsx")
    return out


@dataclass
class HalfyearForms:
    records: list[Path]
    ballots: list[Path]
    findings: list[Finding]
    max_ticks: dict[str, int]  # unit → max ticks on its ballot


NO_MAX_TICKS = ("办法没有规定集中测评票最多推荐几人（§四(四)2），请给出：--max-ticks N（每张票最多推荐 N 人），"
                "或 --ratio 0.3（按本单位名单人数的比例，向下取整，至少 1 人）；也可在 kaoping.toml 的 [halfyear] 中"
                "写 max_ticks = N 或 ticks_ratio = 0.3")


def _check_options(max_ticks: int | None, ratio: float | None, out_dir: Path) -> None:
    if max_ticks is None and ratio is None:
        raise KaopingError(NO_MAX_TICKS)
    if max_ticks is not None and ratio is not None:
        raise KaopingError("--max-ticks 与 --ratio 只能给出其一")
    if max_ticks is not None and max_ticks < 1:
        raise KaopingError("--max-ticks 至少为 1")
    if ratio is not None and not 0 < ratio <= 1:
        raise KaopingError("--ratio 应在 0 到 1 之间（如 0.3）")
    if out_dir.exists() and not out_dir.is_dir():
        raise KaopingError("输出位置已存在且不是文件夹，请换一个文件夹", file=str(out_dir))


def _assessed(roster: Roster, half: Half, unit: str | None) -> list[Person]:
    """The people assessed in the half (only `unit`'s when given)."""
    people = [p for p in half_staff(roster, half) if unit is None or p.unit == unit]
    if not people:
        where = f"单位「{unit}」" if unit else "花名册"
        raise KaopingError(f"{where}中没有{half.label}应参加考核的在编干部")
    return people


def _ticks(units: dict[str, list[Person]], max_ticks: int | None, ratio: float | None,
           findings: list[Finding]) -> dict[str, int]:
    """Each unit's maximum ticks: `max_ticks`, else the ratio of its staff (see top)."""
    ticks = {u: (max_ticks if max_ticks is not None else default_max_ticks(len(ps), ratio or 0))
             for u, ps in units.items()}
    for u, n in ticks.items():
        if n > len(units[u]):
            findings.append(finding("H0", f"最多推荐 {n} 人，超过本单位人数 {len(units[u])} 人", unit=u))
    return ticks


def _ledger_gaps(ledgers: Sequence[QuarterLedger], half: Half, units: dict[str, list[Person]],
                 grades: dict[str, dict[int, Outcome]]) -> list[Finding]:
    """A quarter of the half without a ledger, and people no ledger names: their 记实表
    quarterly results stay blank."""
    findings: list[Finding] = []
    given = {lg.quarter for lg in ledgers if lg.year == half.year}
    lacking = [q for q in half.quarters if q.quarter not in given]
    if lacking:
        findings.append(finding("H0", f"没有{'、'.join(QUARTER_CN[q.quarter] for q in lacking)}的季度结果台账，"
                                "记实表该季度结果留空"))
    for u, ps in units.items():
        absent = [p.name for p in ps if p.staff_id not in grades]
        if absent:
            shown = "、".join(absent[:10]) + (f"等{len(absent)}人" if len(absent) > 10 else "")
            findings.append(finding("H0", f"台账中没有{shown}在{half.label}的季度结果，记实表该栏留空",
                                    severity=Severity.INFO, unit=u))
    return findings


def generate_halfyear_forms(roster: Roster, half: Half, out_dir: Path, *,
                            ratio: float | None = None,
                            ledgers: Sequence[QuarterLedger] = (), unit: str | None = None,
                            max_ticks: int | None = None, force: bool = False,
                            on_progress: Callable[[Path], None] | None = None,
                            inputs: Inputs = ()) -> HalfyearForms:
    """Write every 记实表 and one ballot per unit. The clerk gives exactly one of `max_ticks`
    (every ballot's maximum) and `ratio` (of a unit's staff, rounded down, at least 1):
    `KaopingError` otherwise (see top). All
    targets are checked before anything is written: without `force`, nothing is written when
    any of them exists; none may be one of the run's `inputs`."""
    out_dir = Path(out_dir)
    _check_options(max_ticks, ratio, out_dir)
    people = _assessed(roster, half, unit)
    units: dict[str, list[Person]] = {}
    for p in people:
        units.setdefault(p.unit, []).append(p)
    grades, findings = half_grades(ledgers, half)
    ticks = _ticks(units, max_ticks, ratio, findings)
    record_paths = _record_paths(people, half, out_dir)
    ballot_paths = {u: out_dir / "集中测评票" / f"{safe_filename(u)}-{half}-集中测评票.xlsx" for u in units}
    targets = [*record_paths, *ballot_paths.values()]
    if ledgers:
        findings += _ledger_gaps(ledgers, half, units, grades)
    with OutputSet(out_dir, targets, force=force, inputs=inputs) as out:  # one all-or-nothing set
        for p, path in zip(people, record_paths, strict=True):
            out.save(growth_record_workbook(p, half, grades.get(p.staff_id) if ledgers else None),
                     path)
            if on_progress:
                on_progress(path)
        for u, path in ballot_paths.items():
            out.save(ballot_workbook(u, units[u], half, ticks[u]), path)
            if on_progress:
                on_progress(path)
    return HalfyearForms(records=record_paths, ballots=list(ballot_paths.values()), findings=findings,
                         max_ticks=ticks)
