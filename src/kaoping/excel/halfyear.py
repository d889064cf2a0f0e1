"""Half-year assessment (§四(四) 半年一考核): 个别谈话 and 集中测评.

- 干部成长考核考察记实表 (§四(四)1): one A4 form per 在编 cadre, identity and the half's two
  quarterly results pre-filled (from 季度结果台账 when given), a blank area for the record of
  the individual talk, and lines for 谈话人/被谈话人 and the date. 列入干部档案.
- 集中测评票 (§四(四)2): one ballot per unit listing its staff with a 推荐“优秀” tick column and
  the maximum number of ticks. The tally counts valid ballots, reports invalid ones (too many
  ticks, names not on the unit's list, unclear marks, unreadable files) and ranks the staff
  by votes; the result feeds the 党组's annual 综评.

Maximum ticks: the measures set no number for the ballot. kaoping's default is the measures'
only ratio, the 40% of §四(三)3 (好 ≤ 40% of participants), applied to the unit's listed staff
and rounded down, with at least 1: the recommended pool matches the pool of 好 from which §五(一)
draws 优秀 candidates. `--max-ticks N` sets it explicitly, `--ratio` changes the ratio.

Every workbook carries a hidden `_kaoping` sheet: kind (ballot / growth_record), template_version,
period/half, unit, max_ticks, and for ballots the listed staff (staff, 工号, 姓名, row).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from ..errors import KaopingError, OutputExistsError
from ..models import FORM_TITLES, FormKind, Finding, Outcome, Person, QuarterLedger, Roster, Severity
from ..paths import safe_filename
from ..rules.settings import LimitSettings
from ..periods import Quarter
from ..report.style import BODY_FONT, BORDER, CENTER, HEADER_FILL, HEADER_FONT, TITLE_FONT, WRAP, a4
from .book import Grid, cell_ref, load_book
from .cells import NOT_TICK, normalize_name, parse_tick
from .write import OutputSet, put, save_workbook

TEMPLATE_VERSION = "1"
META_SHEET = "_kaoping"
DEFAULT_TICK_RATIO = 0.4  # §四(三)3's 40%, see the module docstring
BALLOT_SHEET = "集中测评票"
RECORD_SHEET = "记实表"
BALLOT_TITLE = "干部集中测评票"
RECORD_TITLE = FORM_TITLES[FormKind.GROWTH_RECORD]  # 干部成长考核考察记实表
TICK = "√"
TICK_HEADER = "推荐“优秀”"
QUARTER_CN = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}


# ---------------------------------------------------------------- half-years


@dataclass(frozen=True, order=True)
class Half:
    year: int
    half: int  # 1 = 上半年 (Q1, Q2), 2 = 下半年 (Q3, Q4)

    @property
    def quarters(self) -> tuple[Quarter, Quarter]:
        first = 2 * self.half - 1
        return Quarter(self.year, first), Quarter(self.year, first + 1)

    @property
    def start(self):
        return self.quarters[0].start

    @property
    def end(self):
        return self.quarters[1].end

    @property
    def label(self) -> str:
        return f"{self.year}年{'上' if self.half == 1 else '下'}半年"

    def __str__(self) -> str:
        return f"{self.year}H{self.half}"


_HALF_RE = re.compile(r"^\s*(\d{4})\s*(?:[-_ ]?[Hh]\s*([12])|年?\s*([上下])\s*半年?)\s*$")


def parse_half(text: str) -> Half:
    """'2026H1', '2026-h2', '2026年上半年', '2026下半年' → Half."""
    m = _HALF_RE.match(unicodedata.normalize("NFKC", str(text)))
    if not m:
        raise KaopingError(f"无法识别的半年「{text}」，请写成 2026H1（上半年）或 2026H2（下半年）")
    half = int(m.group(2)) if m.group(2) else (1 if m.group(3) == "上" else 2)
    return Half(int(m.group(1)), half)


def default_max_ticks(staff: int, ratio: float = DEFAULT_TICK_RATIO) -> int:
    """floor(ratio × staff), at least 1 when the unit has anyone (§四(三)3 ratio; see top)."""
    if staff <= 0:
        return 0
    return max(1, math.floor(staff * ratio + 1e-9))


def half_staff(roster: Roster, half: Half) -> list[Person]:
    """Who is assessed in the half (§二, §四(四): 全系统科级以下在编干部 hired by its end)."""
    from ..roster import due_for_assessment

    return due_for_assessment(roster, half.start, half.end)


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


def half_grades(ledgers: Sequence[QuarterLedger], half: Half) -> tuple[dict[str, dict[int, Outcome]], list[Finding]]:
    """staff_id → {quarter: outcome} for the half's two quarters; other ledgers are findings."""
    wanted = {q.quarter for q in half.quarters}
    grades: dict[str, dict[int, Outcome]] = {}
    findings: list[Finding] = []
    used: dict[int, str] = {}
    for lg in ledgers:
        if lg.year != half.year or lg.quarter not in wanted:
            findings.append(Finding(rule="H0", severity=Severity.WARNING, file=lg.source,
                                    message=(f"台账是{lg.year}年第{lg.quarter}季度的，不属于{half.label}，"
                                             "未使用")))
            continue
        if lg.quarter in used:
            findings.append(Finding(rule="H0", severity=Severity.ERROR, file=lg.source,
                                    message=(f"{QUARTER_CN[lg.quarter]}的台账重复（已有「{used[lg.quarter]}」），"
                                             "请只提供一份")))
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


def generate_halfyear_forms(roster: Roster, half: Half, out_dir: Path, *,
                            ledgers: Sequence[QuarterLedger] = (), unit: str | None = None,
                            max_ticks: int | None = None, ratio: float = DEFAULT_TICK_RATIO,
                            force: bool = False,
                            on_progress: Callable[[Path], None] | None = None) -> HalfyearForms:
    """Write every 记实表 and one ballot per unit. All targets are checked before anything is
    written: without `force`, nothing is written when any of them exists."""
    if max_ticks is not None and max_ticks < 1:
        raise KaopingError("--max-ticks 至少为 1")
    if not 0 < ratio <= 1:
        raise KaopingError("--ratio 应在 0 到 1 之间（如 0.4）")
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise KaopingError("输出位置已存在且不是文件夹，请换一个文件夹", file=str(out_dir))
    people = [p for p in half_staff(roster, half) if unit is None or p.unit == unit]
    if not people:
        where = f"单位「{unit}」" if unit else "花名册"
        raise KaopingError(f"{where}中没有{half.label}应参加考核的在编干部")
    grades, findings = half_grades(ledgers, half)
    units: dict[str, list[Person]] = {}
    for p in people:
        units.setdefault(p.unit, []).append(p)
    ticks = {u: (max_ticks if max_ticks is not None else default_max_ticks(len(ps), ratio))
             for u, ps in units.items()}
    for u, n in ticks.items():
        if n > len(units[u]):
            findings.append(Finding(rule="H0", severity=Severity.WARNING, unit=u,
                                    message=f"最多推荐 {n} 人，超过本单位人数 {len(units[u])} 人"))

    record_paths = _record_paths(people, half, out_dir)
    ballot_paths = {u: out_dir / "集中测评票" / f"{safe_filename(u)}-{half}-集中测评票.xlsx" for u in units}
    targets = [*record_paths, *ballot_paths.values()]
    existing = [p for p in targets if p.exists()]
    if existing and not force:
        names = "、".join(p.name for p in existing[:5]) + ("等" if len(existing) > 5 else "")
        raise OutputExistsError(f"输出文件已存在：{names}；未写入任何文件。如确需覆盖，请加 --force",
                                file=str(out_dir))
    if ledgers:
        given = {lg.quarter for lg in ledgers if lg.year == half.year}
        lacking = [q for q in half.quarters if q.quarter not in given]
        if lacking:
            findings.append(Finding(
                rule="H0", severity=Severity.WARNING,
                message=(f"没有{'、'.join(QUARTER_CN[q.quarter] for q in lacking)}的季度结果台账，"
                         "记实表该季度结果留空")))
        for u, ps in units.items():
            absent = [p.name for p in ps if p.staff_id not in grades]
            if absent:
                shown = "、".join(absent[:10]) + (f"等{len(absent)}人" if len(absent) > 10 else "")
                findings.append(Finding(
                    rule="H0", severity=Severity.INFO, unit=u,
                    message=f"台账中没有{shown}在{half.label}的季度结果，记实表该栏留空"))
    with OutputSet(out_dir, targets, force=force) as out:  # one all-or-nothing set
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


# ---------------------------------------------------------------- reading ballots


@dataclass
class Ballot:
    """One returned 集中测评票 as read."""

    path: Path
    unit: str | None = None
    half: str | None = None
    max_ticks: int | None = None
    staff: list[tuple[str, str]] = field(default_factory=list)  # (工号, 姓名) on the unit's list
    votes: list[str] = field(default_factory=list)  # 工号 of every ticked person
    valid: bool = False
    is_ballot: bool = True  # False: unreadable, or not a ballot at all (skipped, not invalid)
    findings: list[Finding] = field(default_factory=list)


def _meta_rows(grid: Grid | None) -> list[list[str]]:
    if grid is None:
        return []
    rows = []
    for r in range(1, grid.max_row + 1):
        rows.append([grid.text(r, c) for c in range(1, 5)])
    return rows


def _find_header(grid: Grid) -> tuple[int, int, int] | None:
    """(row, 姓名 column, 推荐 column) of the ballot table."""
    for r in range(1, min(grid.max_row, 40) + 1):
        name_col = tick_col = 0
        for c in range(1, grid.max_col + 1):
            t = normalize_name(grid.text(r, c))
            if t == "姓名":
                name_col = c
            elif "推荐" in t and len(t) <= 12:
                tick_col = c
        if name_col and tick_col:
            return r, name_col, tick_col
    return None


def _compact(v: object) -> str:
    return normalize_name(v)


def read_ballot(path: Path, *, limits: LimitSettings | None = None) -> Ballot:
    """Read one ballot. Never raises for a bad file: problems become findings and the ballot is
    invalid (not counted)."""
    path = Path(path)
    b = Ballot(path=path)

    def bad(rule: str, severity: Severity, message: str, *, sheet: str | None = None,
            cell: str | None = None) -> Ballot:
        b.findings.append(Finding(rule=rule, severity=severity, message=message, file=str(path),
                                  unit=b.unit, sheet=sheet, cell=cell))
        b.valid = False
        return b

    try:
        book = load_book(path, limits or LimitSettings())
    except KaopingError as exc:
        b.is_ballot = False
        return bad("H0", Severity.ERROR, f"无法读取，未计票：{exc.message}")
    meta_grid = book.sheet(META_SHEET)
    meta = _meta_rows(meta_grid)
    kv = {row[0]: row[1] for row in meta if row and row[0] and row[0] != "staff"}
    if meta_grid is not None and kv.get("kind") != FormKind.BALLOT.value:
        # another kaoping workbook (e.g. a 记实表 in the same folder): skipped, just mentioned
        b.is_ballot = False
        kind = kv.get("kind", "")
        what = FORM_TITLES.get(FormKind(kind)) if kind in {k.value for k in FormKind} else None
        return bad("H0", Severity.INFO,
                   f"不是集中测评票（是{what}），已跳过" if what else
                   f"不是集中测评票（_kaoping 中 kind 为「{kind}」），已跳过", sheet=META_SHEET)
    grid = book.sheet(BALLOT_SHEET) or next(
        (g for g in book.visible_sheets() if any("测评票" in str(v) for _, _, v in g.cells())), None)
    if grid is None:
        b.is_ballot = False
        return bad("H0", Severity.WARNING, "不是集中测评票（找不到测评票工作表），已跳过")
    b.unit = kv.get("unit") or None
    b.half = kv.get("half") or kv.get("period") or None
    if b.unit is None:  # hand-made copy without `_kaoping`: read the printed labels
        for _, _, v in grid.cells():
            t = str(v).strip()
            if t.startswith(("单位：", "单位:")):
                b.unit = t.split("：" if "：" in t else ":", 1)[1].strip() or None
                break
    if b.half is None:
        for _, _, v in grid.cells():
            m = re.search(r"(\d{4})年([上下])半年", str(v))
            if m:
                b.half = f"{m.group(1)}H{1 if m.group(2) == '上' else 2}"
                break
    max_text = kv.get("max_ticks")
    if not max_text:
        for _, _, v in grid.cells():
            m = re.search(r"最多推荐\s*(\d+)\s*人", unicodedata.normalize("NFKC", str(v)))
            if m:
                max_text = m.group(1)
                break
    try:
        b.max_ticks = int(max_text) if max_text else None
    except ValueError:
        b.max_ticks = None
    if b.unit is None:
        return bad("H0", Severity.ERROR, "测评票上找不到单位，未计票", sheet=grid.name)
    if b.max_ticks is None:
        return bad("H0", Severity.ERROR, "测评票上找不到“最多推荐几人”，未计票", sheet=grid.name)

    header = _find_header(grid)
    if header is None:
        return bad("H0", Severity.ERROR, f"找不到表头（应含「姓名」和「{TICK_HEADER}」两列），未计票",
                   sheet=grid.name)
    hrow, name_col, tick_col = header
    listed = [(row[1], normalize_name(row[2]), row[3]) for row in meta if row and row[0] == "staff"]
    printed: list[tuple[int, str]] = []
    for r in range(hrow + 1, grid.max_row + 1):
        name = normalize_name(grid.value(r, name_col))
        if name and not name.startswith("本单位共"):
            printed.append((r, name))
    if listed:
        b.staff = [(sid, name) for sid, name, _ in listed]
        row_of = {sid: int(row) if row.isdigit() else 0 for sid, _, row in listed}
    else:  # no `_kaoping`: the printed list is the unit's list (names stand for ids)
        b.staff = [(name, name) for _, name in printed]
        row_of = {name: r for r, name in printed}
    ids_by_name: dict[str, list[str]] = {}
    for sid, name in b.staff:
        ids_by_name.setdefault(name, []).append(sid)

    problems: list[tuple[str, str, str]] = []  # (rule, message, cell)
    for r in range(hrow + 1, grid.max_row + 1):
        raw = grid.value(r, tick_col)
        ref = cell_ref(r, tick_col)
        name = normalize_name(grid.value(r, name_col))
        if not parse_tick(raw):
            if raw is not None and str(raw).strip() and _compact(raw) not in NOT_TICK:
                problems.append(("H3", f"无法识别的标记「{str(raw).strip()}」（推荐请打“{TICK}”，"
                                       "不推荐请留空）", ref))
            continue
        if not name:
            problems.append(("H2", "打“√”的行没有姓名", ref))
            continue
        ids = ids_by_name.get(name, [])
        if len(ids) > 1:  # same name twice in one unit: the row decides
            ids = [sid for sid in ids if row_of.get(sid) == r]
        if len(ids) != 1:
            problems.append(("H2", f"「{name}」不在本单位的测评名单上", cell_ref(r, name_col)))
            continue
        b.votes.append(ids[0])
    if len(set(b.votes)) != len(b.votes):
        problems.append(("H2", "同一人被推荐了不止一次", ""))
    if len(b.votes) > b.max_ticks:
        problems.append(("H1", f"推荐了 {len(b.votes)} 人，超过最多 {b.max_ticks} 人", ""))
    if problems:
        for rule, message, ref in problems:
            bad(rule, Severity.WARNING, f"无效票，未计票：{message}", sheet=grid.name, cell=ref or None)
        b.votes = []
        return b
    b.valid = True
    return b


# ---------------------------------------------------------------- tally


@dataclass
class RankRow:
    rank: int
    staff_id: str
    name: str
    votes: int
    share: float  # votes / valid ballots


@dataclass
class UnitTally:
    unit: str
    half: str | None
    max_ticks: int | None
    valid: int = 0
    invalid: int = 0
    staff: list[tuple[str, str]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ranking(self) -> list[RankRow]:
        order = {sid: i for i, (sid, _) in enumerate(self.staff)}
        names = dict(self.staff)
        rows = sorted(self.staff, key=lambda s: (-self.counts.get(s[0], 0), order[s[0]]))
        out: list[RankRow] = []
        for i, (sid, _) in enumerate(rows):
            votes = self.counts.get(sid, 0)
            rank = out[-1].rank if out and out[-1].votes == votes else i + 1
            out.append(RankRow(rank, sid, names[sid], votes, votes / self.valid if self.valid else 0.0))
        return out


@dataclass
class Tally:
    units: list[UnitTally]
    ballots: list[Ballot]
    findings: list[Finding]

    @property
    def valid(self) -> int:
        return sum(1 for b in self.ballots if b.valid)

    @property
    def invalid(self) -> int:
        """Ballots that were read but are invalid (not counted)."""
        return sum(1 for b in self.ballots if b.is_ballot and not b.valid)

    @property
    def skipped(self) -> int:
        """Files that could not be read or are not ballots."""
        return sum(1 for b in self.ballots if not b.is_ballot)


def tally_ballots(paths: Sequence[Path], *, on_file: Callable[[Path], None] | None = None,
                  limits: LimitSettings | None = None) -> Tally:
    """Read every ballot and count the valid ones per (half, unit)."""
    ballots: list[Ballot] = []
    seen: set[Path] = set()
    for path in paths:
        key = Path(path).resolve()
        if key in seen:
            continue
        seen.add(key)
        ballots.append(read_ballot(Path(path), limits=limits))
        if on_file:
            on_file(Path(path))
    findings = [f for b in ballots for f in b.findings]
    groups: dict[tuple[str | None, str], UnitTally] = {}
    for b in ballots:
        if b.unit is None:
            continue
        t = groups.get((b.half, b.unit))
        if t is None:
            t = groups[(b.half, b.unit)] = UnitTally(unit=b.unit, half=b.half, max_ticks=b.max_ticks)
        if not b.valid:
            t.invalid += 1
            continue
        if not t.staff:
            t.staff = list(b.staff)
        elif [s for s, _ in b.staff] != [s for s, _ in t.staff] or b.max_ticks != t.max_ticks:
            findings.append(Finding(
                rule="H4", severity=Severity.WARNING, file=str(b.path), unit=b.unit,
                message="这张测评票的名单或最多推荐人数与同单位其他测评票不同（是否混用了不同批次的测评票？）"))
            known = {s for s, _ in t.staff}
            t.staff.extend(s for s in b.staff if s[0] not in known)
        t.valid += 1
        for sid in b.votes:
            t.counts[sid] = t.counts.get(sid, 0) + 1
    halves = {h for h, _ in groups if h}
    if len(halves) > 1:
        findings.append(Finding(rule="H4", severity=Severity.WARNING,
                                message=f"测评票属于不同的半年（{'、'.join(sorted(halves))}），已分别统计"))
    units = sorted(groups.values(), key=lambda t: (t.half or "", t.unit))
    return Tally(units=units, ballots=ballots, findings=findings)


def tally_workbook(tally: Tally) -> Workbook:
    """推荐结果: ranking per unit (votes, share of valid ballots), ballot counts, invalid ballots."""
    wb = Workbook()
    ws = wb.active
    ws.title = "推荐结果"

    def table(ws, title: str, headers: Sequence[str], widths: Sequence[float], rows) -> None:
        put(ws.cell(1, 1), title)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
        ws.cell(1, 1).font, ws.cell(1, 1).alignment = TITLE_FONT, CENTER
        ws.row_dimensions[1].height = 30
        for c, (h, w) in enumerate(zip(headers, widths, strict=True), start=1):
            cell = put(ws.cell(2, c), h)
            cell.font, cell.fill, cell.border, cell.alignment = HEADER_FONT, HEADER_FILL, BORDER, CENTER
            ws.column_dimensions[cell.column_letter].width = w
        r = 2
        for r, row in enumerate(rows, start=3):
            for c, v in enumerate(row, start=1):
                cell = put(ws.cell(r, c), v)
                cell.font, cell.border = BODY_FONT, BORDER
                cell.alignment = WRAP if isinstance(v, str) and len(v) > 10 else CENTER
                if headers[c - 1] == "得票率":
                    cell.number_format = "0.0%"
        ws.freeze_panes = "A3"
        ws.print_title_rows = "2:2"
        if r >= 3:
            ws.auto_filter.ref = f"A2:{ws.cell(2, len(headers)).column_letter}{r}"
        a4(ws)

    halves = sorted({t.half for t in tally.units if t.half})
    label = "、".join(parse_half(h).label if _HALF_RE.match(h) else h for h in halves)
    table(ws, f"集中测评推荐“优秀”结果（{label}）" if label else "集中测评推荐“优秀”结果",
          ("单位", "半年", "名次", "工号", "姓名", "得票", "有效票", "得票率"),
          (16, 9, 6, 10, 10, 6, 7, 9),
          [(t.unit, t.half, row.rank, row.staff_id, row.name, row.votes, t.valid, row.share)
           for t in tally.units for row in t.ranking])
    table(wb.create_sheet("票数统计"), "测评票统计",
          ("单位", "半年", "收回", "有效", "无效", "每票最多推荐"), (16, 9, 8, 8, 8, 12),
          [(t.unit, t.half, t.valid + t.invalid, t.valid, t.invalid, t.max_ticks) for t in tally.units])
    invalid = [(b.path.name, b.unit, "；".join(f"{f.cell + '：' if f.cell else ''}{f.message}"
                                             for f in b.findings))
               for b in tally.ballots if not b.valid and (b.is_ballot or b.findings[0].severity
                                                          == Severity.ERROR)]
    table(wb.create_sheet("无效票"), "无效票及原因（未计票）", ("文件", "单位", "原因"), (36, 16, 70),
          invalid)
    return wb


def write_tally(tally: Tally, path: Path, *, force: bool = False) -> Path:
    return save_workbook(tally_workbook(tally), Path(path), force=force)
