"""花名册 (roster): the blank template, the reader with its findings (R1…R8), and who is due.

The roster is the clerk's list of every cadre (§二 考评对象: 市管理中心机关和各分支机构的科级以下
（含）在编干部). It names each person's 单位 (a 处室 of the head office or a 分支机构), the 附件4
row (职级类别) and the 特殊情形 that make someone 不定档 (§二 categories 1, 3, 4, 5; category 2
is derived from attendance by the quarter engine and is never entered here).

Rule ids of roster findings:
  R1 duplicate 工号 (错误)                 R5 unknown 特殊情形 (错误)
  R2 blank 工号/姓名/单位 (错误)           R6 是/否 column with another value (错误)
  R3 blank or unknown 职级类别 (错误)      R7 same 姓名 twice in one 单位 (提示)
  R4 a date that does not parse (错误)     R8 inconsistent 特殊情形 dates (警告/错误)
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from .errors import KaopingError
from .models import (
    Finding,
    Person,
    RankCategory,
    Roster,
    Severity,
    SpecialCase,
    SpecialCategory,
    all_fields_set,
)

if TYPE_CHECKING:
    from .rules.settings import LimitSettings
    from openpyxl.workbook import Workbook

    from .excel.book import Grid

_V = TypeVar("_V")

SHEET = "花名册"
HELP_SHEET = "说明"
LISTS_SHEET = "_lists"
META_SHEET = "_kaoping"
TEMPLATE_VERSION = "1"
TITLE = "干部花名册"
FIRST_DATA_ROW = 3  # in the template: row 1 title, row 2 header
TEMPLATE_ROWS = 500  # rows carrying drop-downs and formats in the blank template

YES, NO = "是", "否"
CASE_SEPARATORS = re.compile(r"[；;\n\r]+")
RANGE_SEPARATORS = re.compile(r"\s*(?:~|～|〜|至|到|—|–|--)\s*")

# Special cases a clerk may enter (§二 1, 3, 4, 5). Category 2 is derived, never entered.
ENTERABLE_CASES: tuple[SpecialCategory, ...] = (
    SpecialCategory.NEW_RECRUIT,
    SpecialCategory.UNDER_INVESTIGATION,
    SpecialCategory.DISCIPLINED,
    SpecialCategory.ORG_HANDLING,
)
# Short forms clerks write for the same cases (matched after the full labels).
_CASE_ALIASES: tuple[tuple[str, SpecialCategory], ...] = (
    ("新录用", SpecialCategory.NEW_RECRUIT),
    ("立案调查", SpecialCategory.UNDER_INVESTIGATION),
    ("涉嫌违纪违法", SpecialCategory.UNDER_INVESTIGATION),
    ("处分", SpecialCategory.DISCIPLINED),
    ("组织处理", SpecialCategory.ORG_HANDLING),
    ("诫勉", SpecialCategory.ORG_HANDLING),
)
_RANK_ALIASES: dict[str, RankCategory] = {
    "调研员": RankCategory.RESEARCHER,
    "一至四级调研员": RankCategory.RESEARCHER,
    "乡科级职务、一至四级主任科员职级": RankCategory.SECTION_CHIEF,
    "乡科级职务一至四级主任科员职级": RankCategory.SECTION_CHIEF,
    "乡科级": RankCategory.SECTION_CHIEF,
    "主任科员": RankCategory.SECTION_CHIEF,
    "科员级": RankCategory.CLERK,
    "科员": RankCategory.CLERK,
    "试用期": RankCategory.PROBATION,
}


@dataclass(frozen=True)
class Column:
    key: str  # Person field (or a helper key)
    label: str  # header text in the template
    aliases: tuple[str, ...]  # other header texts accepted when reading
    width: float
    required: bool
    help: str  # 说明 sheet: how to fill it
    basis: str  # 说明 sheet: clause of the measures


COLUMNS: tuple[Column, ...] = (
    Column("staff_id", "工号", ("编号", "人员编号", "职工号"), 10, True,
           "每人唯一的编号，kaoping 用它把各类表格对应到人。建议以文本格式填写，保留开头的 0。",
           "—"),
    Column("name", "姓名", (), 10, True,
           "本人姓名；名字中间不要加空格。同一单位有同名同姓的，工号必须不同（会给出提示）。",
           "§二 考评对象"),
    Column("unit", "单位", ("所属处室/分支机构", "所属处室", "处室/分支机构", "处室", "分支机构", "部门"),
           18, True,
           "评价单位：机关的处室（如“财务处”）或分支机构（如“鹿城分中心”）。季度“好”档次比例按单位计算。",
           "§二；§四(三)2、3"),
    Column("quota_group", "考核组", ("比例核定组", "定档组"), 10, False,
           "可选。几个单位共用一个“好”档次比例时填相同的组名（如机关各处室都填“机关”）；不填则单位自成一组。",
           "§四(三)3"),
    Column("section", "科室", ("所在科室",), 12, False, "分支机构内的科室，机关处室可不填。", "附件2、附件3"),
    Column("post", "职务", (), 12, False, "现任职务，如“科长”“科员”，印在各类表格上。", "附件2、附件3"),
    Column("rank", "职务职级", ("职级",), 14, False,
           "如“一级主任科员”“四级调研员”“科员”，用于附件5 名单表。", "附件5"),
    Column("rank_category", "职级类别", ("附件4类别", "备案表类别"), 31, True,
           "附件4 备案表的行：一至四级调研员 / 乡科级职务、一至四级主任科员职级 / 科员级 / 试用期（从下拉框选择）。",
           "附件4"),
    Column("direct_leader", "直管领导", ("处室长/科室长",), 10, False,
           "月度小结表的审定人：一般干部填处室长或科室长，处室长、科室长填分管领导。", "§四(二)2"),
    Column("supervising_leader", "分管领导", (), 10, False, "分管本单位的中心领导。", "§四(二)2；§四(三)"),
    Column("hired_on", "入职日期", ("录用日期", "参加工作日期"), 12, False,
           "日期，如 2026-03-01。晚于考核期末的人员不参加该期考核。", "§二"),
    Column("probation_until", "试用期至", ("试用期截止", "试用期满"), 12, False,
           "新录用公务员试用期的最后一天。试用期内的人员只参加考核、不定档（第1类）。", "§二 第1类"),
    Column("special_cases", "特殊情形", ("不定档情形",), 30, False,
           "不定档的特殊情形，从下拉框选择：新录用公务员 / 涉嫌违纪违法被立案调查尚未结案 / 受处分 / "
           "受组织处理或诫勉。一人有多种情形时写在同一格，用“；”分隔，每种可在后面写起止日期，"
           "如“受处分 2026-03-01~2027-02-28；受组织处理或诫勉”。"
           "“病事假累计超过考核周期一半”（第2类）由 kaoping 根据月度小结表的出勤情况自动判断，不要填写。",
           "§二 第1、3、4、5类"),
    Column("case_start", "情形起始", ("情形开始", "起始日期"), 12, False,
           "特殊情形的开始日期；只有一种情形且格中未写日期时使用。不填表示一直有效。", "§二"),
    Column("case_end", "情形截止", ("情形结束", "截止日期"), 12, False,
           "特殊情形的结束日期（如处分期满、立案调查结案）；不填表示仍在期内。", "§二"),
    Column("on_establishment", "是否在编", ("在编",), 9, False,
           "是 / 否。只有在编干部参加考评；不填按“是”处理。", "§二 在编干部"),
    Column("refused_or_falsified", "拒不参加或弄虚作假", ("拒不参加考核或弄虚作假",), 12, False,
           "是 / 否。无正当理由不参加平时考核或弄虚作假，经教育后拒不改正的填“是”，年度考核确定为不称职。",
           "§五(一)"),
    Column("remark", "备注", ("说明",), 20, False, "其他说明，kaoping 不读取。", "—"),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
REQUIRED_KEYS = ("staff_id", "name", "unit", "rank_category")
_DATE_KEYS = ("hired_on", "probation_until", "case_start", "case_end")


# ---------------------------------------------------------------- header matching


def _norm_label(text: object) -> str:
    """Header text without spaces of any width, newlines, '*' marks and bracketed hints."""
    s = unicodedata.normalize("NFKC", str(text))
    s = re.sub(r"[\s\u200b-\u200f\ufeff*＊]+", "", s)
    s = re.sub(r"[（(][^）)]*[）)]$", "", s)  # "入职日期(年-月-日)" → "入职日期"
    return s


_LABEL_TO_KEY: dict[str, str] = {}
for _c in COLUMNS:
    for _text in (_c.label, *_c.aliases):
        _LABEL_TO_KEY.setdefault(_norm_label(_text), _c.key)


def _header_map(grid: Grid, row: int) -> dict[str, int]:
    found: dict[str, int] = {}
    for col in range(1, grid.max_col + 1):
        v = grid.value(row, col)
        if v is None:
            continue
        key = _LABEL_TO_KEY.get(_norm_label(v))
        if key and key not in found:
            found[key] = col
    return found


def _find_header(grid: Grid, max_scan: int = 30) -> tuple[int, dict[str, int]] | None:
    """The first row (of the top `max_scan`) that names 姓名 and at least two other columns."""
    for row in range(1, min(grid.max_row, max_scan) + 1):
        mapping = _header_map(grid, row)
        if "name" in mapping and len(mapping) >= 3:
            return row, mapping
    return None


# ---------------------------------------------------------------- cell helpers


def _staff_id(value: object) -> str | None:
    from .excel.cells import clean_text

    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a 工号 typed as a number reads back as 1001.0
    return clean_text(value)


def _rank_category(text: str) -> RankCategory | None:
    key = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).replace(",", "、")
    try:
        return RankCategory(key)
    except ValueError:
        return _RANK_ALIASES.get(key)


def _match_case(text: str) -> tuple[SpecialCategory | None, str]:
    """('受处分 2026-03-01~…') → (DISCIPLINED, ' 2026-03-01~…'). LONG_LEAVE is matched so it can
    be refused with a precise message."""
    for cat in SpecialCategory:
        if text.startswith(cat.value):
            return cat, text[len(cat.value):]
    if text.startswith(("病事假", "病假", "事假")):
        return SpecialCategory.LONG_LEAVE, ""
    for alias, cat in _CASE_ALIASES:
        i = text.find(alias)
        if 0 <= i <= 4:  # "受党纪处分", "被立案调查", "受诫勉" …
            rest = text[i + len(alias):]
            m = re.match(r"^[^\d（(~～至]*", rest)  # swallow the rest of the wording
            return cat, rest[m.end() if m else 0:]
    return None, text


@dataclass
class _CaseText:
    category: SpecialCategory
    start: dt.date | None
    end: dt.date | None
    note: str | None
    has_dates: bool


class _CaseError(Exception):
    def __init__(self, message: str, rule: str = "R5") -> None:
        super().__init__(message)
        self.rule = rule


def _parse_cases(text: str) -> list[_CaseText]:
    """'受处分 2026-03-01~2027-02-28；受组织处理或诫勉' → two cases. Raises _CaseError (Chinese)."""
    from .errors import KaopingError as _KE
    from .excel.cells import parse_date

    out: list[_CaseText] = []
    for part in CASE_SEPARATORS.split(text):
        part = part.strip().strip("，,、。").strip()
        if not part:
            continue
        cat, rest = _match_case(part)
        if cat is None:
            allowed = "、".join(c.value for c in ENTERABLE_CASES)
            raise _CaseError(f"无法识别的特殊情形「{part}」，应为：{allowed}")
        if cat == SpecialCategory.LONG_LEAVE:
            raise _CaseError("“病事假累计超过考核周期一半”（§二 第2类）由 kaoping 根据月度小结表的出勤"
                             "情况自动判断，不要在花名册中填写")
        note = None
        notes = re.findall(r"[（(]([^）)\d]*)[）)]", rest)  # bracketed words: a note, e.g. （警告）
        if notes:
            note = "；".join(n.strip() for n in notes if n.strip()) or None
            rest = re.sub(r"[（(][^）)\d]*[）)]", "", rest)
        rest = rest.strip().strip("（()）：:，,").strip()
        rest = re.sub(r"(起|开始|以来)$", "", rest).strip()
        start = end = None
        has_dates = bool(rest)
        if rest:
            pieces = RANGE_SEPARATORS.split(rest, maxsplit=1)
            if len(pieces) == 1:
                pieces = [pieces[0], ""]
            try:
                start = parse_date(pieces[0]) if pieces[0].strip() else None
                end = parse_date(pieces[1]) if pieces[1].strip() else None
            except _KE as exc:
                raise _CaseError(f"特殊情形「{part}」中的日期无法识别（{getattr(exc, 'message', exc)}），"
                                 "应写成“受处分 2026-03-01~2027-02-28”的形式", "R4") from None
        out.append(_CaseText(cat, start, end, note, has_dates))
    return out


# ---------------------------------------------------------------- reading


def _yes_no(text: str | None) -> bool | None:
    if text is None:
        return None
    t = text.strip()
    if t in (YES, "Y", "y", "√", "✓", "✔", "1", "在编"):
        return True
    if t in (NO, "N", "n", "×", "0", "不在编", "非在编"):
        return False
    raise ValueError(t)


def _pick_sheet(book) -> tuple[Grid, int, dict[str, int]]:
    candidates = [s for s in book.sheets if s.name == SHEET] + [
        s for s in book.visible_sheets() if s.name != SHEET] + [
        s for s in book.sheets if s.hidden and s.name not in (SHEET, LISTS_SHEET, META_SHEET)]
    for grid in candidates:
        found = _find_header(grid)
        if found:
            return grid, *found
    raise KaopingError(
        "不是花名册：找不到表头行（应有“工号”“姓名”“单位”“职级类别”等列）。"
        "可用 kaoping roster template 生成空白花名册。", file=str(book.path))


def read_roster(path: Path, *, limits: LimitSettings | None = None) -> tuple[Roster, list[Finding]]:
    """Read a 花名册 workbook into a `Roster` and the problems found in it.

    The header row is found by its labels (extra columns, any order, a title above and spaces
    or line breaks inside labels are fine). Rows that are entirely blank are skipped. Rows
    missing 工号/姓名/单位 or with an unusable 职级类别, and the second and later rows of a
    duplicated 工号, are reported and left out of the roster. Raises `KaopingError` when the
    file is not a roster at all. `limits`: kaoping.toml [limits] (its register rows apply).
    """
    from .excel.book import cell_ref, load_book, register_limits
    from .excel.cells import clean_text, normalize_name, parse_date

    path = Path(path)
    book = load_book(path, register_limits(limits))  # one row per person
    grid, header_row, cols = _pick_sheet(book)
    missing = [COLUMN_BY_KEY[k].label for k in REQUIRED_KEYS if k not in cols]
    if missing:
        raise KaopingError(f"花名册缺少必需的列：{'、'.join(missing)}（表头在第{header_row}行）",
                           file=str(path), sheet=grid.name)

    file, sheet = str(path), grid.name
    findings: list[Finding] = []

    def add(rule: str, sev: Severity, msg: str, row: int, key: str | None = None, *,
            name: str | None = None, sid: str | None = None, unit: str | None = None) -> None:
        cell = cell_ref(row, cols[key]) if key and key in cols else f"第{row}行"
        findings.append(Finding(rule=rule, severity=sev, message=msg, unit=unit, person=name,
                                staff_id=sid, file=file, sheet=sheet, cell=cell))

    people: list[Person] = []
    shared: dict[object, object] = {}

    def same(value: _V) -> _V:
        return value if value is None else shared.setdefault(value, value)  # type: ignore[return-value]

    first_row_of_id: dict[str, int] = {}
    id_rows: dict[str, list[int]] = defaultdict(list)
    allowed_ranks = " / ".join(r.value for r in RankCategory)

    for row in range(header_row + 1, grid.max_row + 1):
        raw = {k: grid.value(row, c) for k, c in cols.items()}
        if all(clean_text(v) is None for v in raw.values()):
            continue
        text = {k: clean_text(v) for k, v in raw.items()}
        sid = _staff_id(raw.get("staff_id"))
        name = normalize_name(raw["name"]) if text.get("name") else None
        unit = text.get("unit")
        # A trailing note row ("注：…" in the first column, nothing else) is not a person.
        if (not name and not unit and not text.get("rank_category")
                and (sid or "").startswith(("注", "说明", "备注"))):
            continue
        usable = True
        for key, value in (("staff_id", sid), ("name", name), ("unit", unit)):
            if not value:
                usable = False
                add("R2", Severity.ERROR,
                    f"“{COLUMN_BY_KEY[key].label}”为空，该行未计入花名册", row, key,
                    name=name, sid=sid, unit=unit)
        rank_text = text.get("rank_category")
        rank_category = _rank_category(rank_text) if rank_text else None
        if rank_category is None:
            usable = False
            what = f"无法识别的职级类别「{rank_text}」" if rank_text else "“职级类别”为空"
            add("R3", Severity.ERROR, f"{what}，应为：{allowed_ranks}；该行未计入花名册", row,
                "rank_category", name=name, sid=sid, unit=unit)

        dates: dict[str, dt.date | None] = {}
        for key in _DATE_KEYS:
            dates[key] = None
            if key in cols and raw.get(key) is not None and text.get(key) is not None:
                try:
                    dates[key] = parse_date(raw[key])
                except KaopingError as exc:
                    add("R4", Severity.ERROR,
                        f"“{COLUMN_BY_KEY[key].label}”的日期无法识别：{getattr(exc, 'message', exc)}",
                        row, key, name=name, sid=sid, unit=unit)

        flags: dict[str, bool] = {}
        for key, default in (("on_establishment", True), ("refused_or_falsified", False)):
            try:
                value = _yes_no(text.get(key))
            except ValueError as exc:
                add("R6", Severity.ERROR,
                    f"“{COLUMN_BY_KEY[key].label}”应填“是”或“否”，现为「{exc}」；暂按“"
                    f"{YES if default else NO}”处理", row, key, name=name, sid=sid, unit=unit)
                value = None
            flags[key] = default if value is None else value

        cases: list[SpecialCase] = []
        if text.get("special_cases"):
            try:
                parsed = _parse_cases(text["special_cases"])
            except _CaseError as exc:
                add(exc.rule, Severity.ERROR, str(exc), row, "special_cases", name=name, sid=sid,
                    unit=unit)
                parsed = []
            col_start, col_end = dates["case_start"], dates["case_end"]
            if len(parsed) == 1 and not parsed[0].has_dates:
                parsed[0].start, parsed[0].end = col_start, col_end
            elif len(parsed) > 1 and (col_start or col_end):
                add("R8", Severity.WARNING,
                    "有多种特殊情形时“情形起始/情形截止”列不适用，请把日期写在“特殊情形”格中各情形之后",
                    row, "case_start" if col_start else "case_end", name=name, sid=sid, unit=unit)
            for c in parsed:
                if c.start and c.end and c.start > c.end:
                    add("R8", Severity.ERROR,
                        f"特殊情形「{c.category.value}」的起始日期 {c.start} 晚于截止日期 {c.end}",
                        row, "special_cases", name=name, sid=sid, unit=unit)
                cases.append(SpecialCase(category=c.category, start=c.start, end=c.end, note=c.note))
        elif dates["case_start"] or dates["case_end"]:
            add("R8", Severity.WARNING, "填写了情形起止日期，但“特殊情形”为空", row,
                "case_start" if dates["case_start"] else "case_end", name=name, sid=sid, unit=unit)

        if sid:
            id_rows[sid].append(row)
            if sid in first_row_of_id:
                first = first_row_of_id[sid]
                add("R1", Severity.ERROR,
                    f"工号「{sid}」重复：第{first}行与第{row}行；第{row}行未计入花名册", row,
                    "staff_id", name=name, sid=sid, unit=unit)
                usable = False
            elif usable:
                first_row_of_id[sid] = row
        if not usable:
            continue
        assert sid and name and unit and rank_category
        # Every field is given, so all Persons can share one fields set; and the texts and
        # dates that repeat down the roster (单位, 科室, 职务, 领导, 入职日期…) are kept once,
        # not once per row.
        people.append(all_fields_set(Person(
            staff_id=sid, name=name, unit=same(unit), quota_group=same(text.get("quota_group")),
            section=same(text.get("section")), post=same(text.get("post")),
            rank=same(text.get("rank")), rank_category=rank_category,
            direct_leader=same(text.get("direct_leader")),
            supervising_leader=same(text.get("supervising_leader")), hired_on=same(dates["hired_on"]),
            probation_until=same(dates["probation_until"]), special_cases=cases,
            on_establishment=flags["on_establishment"],
            refused_or_falsified=flags["refused_or_falsified"], row=row)))

    # R1: name the first row of each duplicated 工号 too, so both rows are pointed at.
    for sid, rows in id_rows.items():
        if len(rows) > 1:
            first = rows[0]
            others = "、".join(f"第{r}行" for r in rows[1:])
            person = next((p for p in people if p.staff_id == sid), None)
            add("R1", Severity.ERROR, f"工号「{sid}」重复：第{first}行与{others}", first, "staff_id",
                name=person.name if person else None, sid=sid, unit=person.unit if person else None)

    # R7: same 姓名 in the same 单位 is allowed (distinct 工号) but worth a look.
    by_name_unit: dict[tuple[str, str], list[Person]] = defaultdict(list)
    for p in people:
        by_name_unit[(p.unit, p.name)].append(p)
    for (unit, name), same in by_name_unit.items():
        if len(same) > 1:
            ids = "、".join(f"{p.staff_id}（第{p.row}行）" for p in same)
            for p in same:
                add("R7", Severity.INFO,
                    f"{unit}有同名人员「{name}」：{ids}；各类表格请以工号区分",
                    p.row or 0, "name", name=name, sid=p.staff_id, unit=unit)

    findings.sort(key=lambda f: (_row_of(f.cell), f.rule))
    return Roster(people=people, source=str(path)), findings


def _row_of(cell: str | None) -> int:
    m = re.search(r"(\d+)", cell or "")
    return int(m.group(1)) if m else 0


# ---------------------------------------------------------------- who is due


def due_for_assessment(roster: Roster, start: dt.date, end: dt.date) -> list[Person]:
    """`rules.due.due_people`: the people due for assessment in [start, end] (§二)."""
    from .rules.due import due_people

    return due_people(roster, start, end)


# ---------------------------------------------------------------- summary (for the CLI)


@dataclass
class RosterSummary:
    total: int
    on_establishment: int
    by_unit: list[tuple[str, str | None, int]]  # unit, 考核组, people (在编)
    by_rank: list[tuple[RankCategory, int]]
    cases: list[tuple[Person, SpecialCase]]
    probation: list[Person]  # 职级类别 试用期 or a 试用期至 date (§二 category 1)
    not_on_establishment: list[Person]
    refused: list[Person]


def summarize(roster: Roster) -> RosterSummary:
    on = [p for p in roster.people if p.on_establishment]
    units: dict[str, Counter] = defaultdict(Counter)
    count: Counter[str] = Counter()
    for p in on:
        count[p.unit] += 1
        units[p.unit][p.quota_group] += 1
    by_unit = [(u, units[u].most_common(1)[0][0] if units[u] else None, count[u])
               for u in roster.units() if u in count]
    rank_count = Counter(p.rank_category for p in on)
    return RosterSummary(
        total=len(roster.people), on_establishment=len(on), by_unit=by_unit,
        by_rank=[(r, rank_count.get(r, 0)) for r in RankCategory],
        cases=[(p, c) for p in roster.people for c in p.special_cases],
        probation=[p for p in roster.people
                   if p.rank_category == RankCategory.PROBATION or p.probation_until is not None],
        not_on_establishment=[p for p in roster.people if not p.on_establishment],
        refused=[p for p in roster.people if p.refused_or_falsified])


# ---------------------------------------------------------------- writing


def _format_cases(cases: Sequence[SpecialCase]) -> str:
    parts = []
    for c in cases:
        s = c.category.value
        if c.note:
            s += f"（{c.note}）"
        if c.start or c.end:
            s += f" {c.start.isoformat() if c.start else ''}~{c.end.isoformat() if c.end else ''}"
        parts.append(s)
    return "；".join(parts)


def _person_values(p: Person) -> dict[str, object]:
    values: dict[str, object] = {
        "staff_id": p.staff_id, "name": p.name, "unit": p.unit, "quota_group": p.quota_group,
        "section": p.section, "post": p.post, "rank": p.rank,
        "rank_category": p.rank_category.value, "direct_leader": p.direct_leader,
        "supervising_leader": p.supervising_leader, "hired_on": p.hired_on,
        "probation_until": p.probation_until,
        "on_establishment": YES if p.on_establishment else NO,
        "refused_or_falsified": YES if p.refused_or_falsified else NO,
    }
    if len(p.special_cases) == 1 and not p.special_cases[0].note:
        c = p.special_cases[0]
        values.update(special_cases=c.category.value, case_start=c.start, case_end=c.end)
    elif p.special_cases:
        values["special_cases"] = _format_cases(p.special_cases)
    return values


def _lines(text: str, width: float) -> int:
    """Printed lines of `text` in a wrapped column `width` characters wide (CJK counts 2)."""
    import math
    import unicodedata as ud

    total = 0
    for line in str(text).split("\n"):
        units = sum(2 if ud.east_asian_width(ch) in "WF" else 1 for ch in line)
        # Column width is measured in digits of the default font; a CJK glyph of the body
        # font is about 1.7 of them, so 2 units per CJK character overestimates a little.
        total += max(1, math.ceil(units / max(width * 1.15, 1)))
    return total


def roster_template_workbook(units: Iterable[str] | None = None, *,
                             people: Sequence[Person] = ()) -> Workbook:
    """A blank 花名册 (or one filled with `people`, used by the examples generator).

    Sheet 花名册: title row, header row (frozen), drop-downs for 单位 (when `units` is given),
    职级类别, 特殊情形, 是否在编 and 拒不参加或弄虚作假; A4 landscape. Sheet 说明 explains every
    column with its clause of the measures.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from .excel.write import put
    from .report.style import BODY_FONT, BORDER, CENTER, HEADER_FILL, HEADER_FONT, TITLE_FONT, WRAP, a4

    NOWRAP = Alignment(horizontal="left", vertical="center", wrap_text=False)
    units = [u for u in (units or []) if u and u.strip()]
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ncol = len(COLUMNS)
    last = get_column_letter(ncol)
    put(ws.cell(1, 1), TITLE)
    ws.merge_cells(f"A1:{last}1")
    ws["A1"].font, ws["A1"].alignment = TITLE_FONT, CENTER
    ws.row_dimensions[1].height = 30
    ws.row_dimensions[2].height = 32
    col_of: dict[str, int] = {}
    for i, c in enumerate(COLUMNS, start=1):
        col_of[c.key] = i
        cell = put(ws.cell(2, i), c.label)
        cell.font, cell.fill, cell.border, cell.alignment = HEADER_FONT, HEADER_FILL, BORDER, CENTER
        ws.column_dimensions[get_column_letter(i)].width = c.width

    rows = max(TEMPLATE_ROWS, len(people) + 50)
    last_row = FIRST_DATA_ROW + rows - 1
    for r, p in enumerate(people, start=FIRST_DATA_ROW):
        for key, value in _person_values(p).items():
            put(ws.cell(r, col_of[key]), value)
    wrapped = {col_of["special_cases"], col_of["remark"]}
    for r in range(FIRST_DATA_ROW, FIRST_DATA_ROW + max(len(people), 30)):
        lines = 1
        for i in range(1, ncol + 1):
            cell = ws.cell(r, i)
            cell.font, cell.border = BODY_FONT, BORDER
            cell.alignment = WRAP if i in wrapped else NOWRAP
            if i in wrapped and isinstance(cell.value, str):
                lines = max(lines, _lines(cell.value, COLUMNS[i - 1].width))
        if lines > 1:
            ws.row_dimensions[r].height = 15 * lines + 3
    for key in ("staff_id",):
        letter = get_column_letter(col_of[key])
        for r in range(FIRST_DATA_ROW, last_row + 1):
            ws[f"{letter}{r}"].number_format = "@"
    for key in _DATE_KEYS:
        letter = get_column_letter(col_of[key])
        for r in range(FIRST_DATA_ROW, last_row + 1):
            ws[f"{letter}{r}"].number_format = "yyyy-mm-dd"

    # Drop-down lists live on a hidden sheet (a list formula is limited to 255 characters).
    lists = wb.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    list_values = {
        "A": ("单位", units),
        "B": ("职级类别", [r.value for r in RankCategory]),
        "C": ("特殊情形", [c.value for c in ENTERABLE_CASES]),
        "D": ("是否", [YES, NO]),
    }
    for letter, (head, values) in list_values.items():
        put(lists[f"{letter}1"], head)
        for n, v in enumerate(values, start=2):
            put(lists[f"{letter}{n}"], v)

    def validation(key: str, list_col: str, *, strict: bool, prompt: str,
                   error_style: str = "stop") -> None:
        n = len(list_values[list_col][1])
        if n == 0:
            return
        dv = DataValidation(type="list", formula1=f"{LISTS_SHEET}!${list_col}$2:${list_col}${n + 1}",
                            allow_blank=True, showDropDown=False)
        dv.showErrorMessage = strict
        dv.errorStyle = error_style
        dv.errorTitle, dv.error = "输入有误", "请从下拉框中选择。"
        dv.promptTitle, dv.prompt = COLUMN_BY_KEY[key].label, prompt[:255]
        dv.showInputMessage = True
        letter = get_column_letter(col_of[key])
        dv.add(f"{letter}{FIRST_DATA_ROW}:{letter}{last_row}")
        ws.add_data_validation(dv)

    # A unit missing from the list can still be typed after a warning (new 处室, renamed branch).
    validation("unit", "A", strict=True, error_style="warning",
               prompt="从下拉框选择本人所属处室或分支机构。")
    validation("rank_category", "B", strict=True, prompt="附件4 备案表的职级类别。")
    validation("special_cases", "C", strict=False,
               prompt="可从下拉框选择；多种情形用“；”分隔，可带日期，如：受处分 2026-03-01~2027-02-28；"
                      "受组织处理或诫勉。病事假超期（第2类）自动判断，不要填写。")
    validation("on_establishment", "D", strict=True, prompt="是 / 否（不填按“是”）。")
    validation("refused_or_falsified", "D", strict=True, prompt="是 / 否（§五(一)）。")

    ws.freeze_panes = "C3"
    ws.print_title_rows = "1:2"
    ws.auto_filter.ref = f"A2:{last}{FIRST_DATA_ROW + max(len(people), 1) - 1}"
    a4(ws, landscape=True)

    # 说明 sheet.
    help_ws = wb.create_sheet(HELP_SHEET)
    put(help_ws.cell(1, 1), "花名册填写说明")
    help_ws.merge_cells("A1:D1")
    help_ws["A1"].font, help_ws["A1"].alignment = TITLE_FONT, CENTER
    for i, (head, width) in enumerate((("列名", 16), ("必填", 6), ("填写说明", 70), ("依据", 18)), 1):
        cell = put(help_ws.cell(2, i), head)
        cell.font, cell.fill, cell.border, cell.alignment = HEADER_FONT, HEADER_FILL, BORDER, CENTER
        help_ws.column_dimensions[get_column_letter(i)].width = width
    for r, c in enumerate(COLUMNS, start=3):
        for i, v in enumerate((c.label, "是" if c.required else "", c.help, c.basis), 1):
            cell = put(help_ws.cell(r, i), v)
            cell.font, cell.border, cell.alignment = BODY_FONT, BORDER, WRAP if i in (3, 4) else CENTER
        help_ws.row_dimensions[r].height = 16 * max(_lines(c.help, 70), _lines(c.basis, 18)) + 6
    notes = (
        "考评对象（§二）：市管理中心机关和各分支机构的科级以下（含）在编干部。每人一行，工号不得重复。",
        "五类人员只参加日常考核、不定档（§二）：1.新录用公务员；2.病事假累计时间超过当期平时考核周期一半的；"
        "3.涉嫌违纪违法被立案调查尚未结案的；4.受处分的；5.受组织处理或诫勉的。第1类按“试用期至”或"
        "“特殊情形”判断，第2类由 kaoping 按出勤自动判断，第3～5类按“特殊情形”及其起止日期判断。",
        "“好”档次比例（§四(三)3）：原则上不超过实际参加平时考核人数的40%，按单位（或填写的考核组）计算。",
        "表头可以改顺序、加列，标题行可以修改；kaoping 按列名识别。请勿合并数据区单元格。",
    )
    start = len(COLUMNS) + 4
    for n, text in enumerate(notes):
        cell = put(help_ws.cell(start + n, 1), text)
        help_ws.merge_cells(start_row=start + n, start_column=1, end_row=start + n, end_column=4)
        cell.font, cell.alignment = BODY_FONT, WRAP
        help_ws.row_dimensions[start + n].height = 16 * _lines(text, 110) + 8
    help_ws.freeze_panes = "A3"
    a4(help_ws, landscape=True, fit_width=False)  # one page

    meta = wb.create_sheet(META_SHEET)
    meta.sheet_state = "hidden"
    for r, (k, v) in enumerate((("kind", "roster"), ("template_version", TEMPLATE_VERSION)), 1):
        put(meta.cell(r, 1), k)
        put(meta.cell(r, 2), v)
    wb.active = 0
    return wb
