"""花名册 (roster): its columns, and the reader with its findings (R1–R10).

The roster is the clerk's list of every cadre (§二 考评对象: 市管理中心机关和各分支机构的科级以下
（含）在编干部). It names each person's 单位 (a 处室 of the head office or a 分支机构), the 附件4
row (职级类别) and the 特殊情形 that make someone 不定档 (§二 categories 1, 3, 4, 5; category 2
is derived from attendance by the quarter engine and is never entered here). The blank
template is written by `forms.roster`; who is due in a period is `rules.due`; the counts
`kaoping roster check` prints are `pipeline.roster.summarize`.

Rule ids of roster findings:
  R1 duplicate 工号 (错误)                 R5 unknown 特殊情形 (错误)
  R2 blank 工号/姓名/单位 (错误)           R6 是/否 column with another value (错误)
  R3 blank or unknown 职级类别 (错误)      R7 same 姓名 twice in one 单位 (提示)
  R4 a date that does not parse (错误)     R8 inconsistent 特殊情形 dates (警告/错误)
  R9 后备层级 unknown, or its 入库/出库 dates inconsistent (错误)
  R10 an Excel error value (#REF!, #N/A…) in a read column (错误)
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from ..errors import KaopingError
from ..models import (
    Finding,
    Person,
    RankCategory,
    ReserveLevel,
    Roster,
    Severity,
    SpecialCase,
    SpecialCategory,
)
from ..names import normalize_name
from ..rules.catalog import finding
from ..rules.settings import LimitSettings
from .book import Book, Grid, Value, cell_ref, load_book, register_limits
from .cells import clean_text, parse_date

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
           "否，或“是”加认定的年份或日期，如“是 2026”“是 2026-11-03”。无正当理由不参加平时考核或弄虚作假，"
           "经教育后拒不改正的填写，该年度考核确定为不称职；只对所写年份有效，不会带到下一年。",
           "§五(一)"),
    Column("reserve_level", "后备层级", ("后备干部层级", "后备干部"), 10, False,
           "可选。列入后备干部人才库的层级：股级 / 副科级 / 正科级（从下拉框选择）；不在库中的不填。"
           "人才库的具体办法另行规定，kaoping 只按此列在年度综评中列出库中人员。",
           "§五(三)"),
    Column("reserve_in", "入库日期", ("入库",), 12, False,
           "列入后备干部人才库的日期；不填表示一直在库。", "§五(三)"),
    Column("reserve_out", "出库日期", ("出库",), 12, False,
           "调出后备干部人才库的日期；不填表示仍在库中。", "§五(三)"),
    Column("remark", "备注", ("说明",), 20, False, "其他说明，kaoping 不读取。", "—"),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
REQUIRED_KEYS = ("staff_id", "name", "unit", "rank_category")
DATE_KEYS = ("hired_on", "probation_until", "case_start", "case_end", "reserve_in", "reserve_out")


# ---------------------------------------------------------------- header matching


def _norm_label(text: object) -> str:
    """Header text without spaces of any width, newlines, '*' marks and bracketed hints."""
    s = unicodedata.normalize("NFKC", str(text))
    s = re.sub(r"[\s\u200b-\u200f\ufeff*＊]+", "", s)
    s = re.sub(r"[（(][^）)]*[）)]$", "", s)  # "入职日期(年-月-日)" → "入职日期"
    return s


_LABEL_TO_KEY: dict[str, str] = {}  # normalised header text → column key, the first one wins
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


# ---------------------------------------------------------------- cell values


def _staff_id(value: object) -> str | None:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a 工号 typed as a number reads back as 1001.0
    return clean_text(value)


def _rank_category(text: str) -> RankCategory | None:
    key = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).replace(",", "、")
    try:
        return RankCategory(key)
    except ValueError:
        return _RANK_ALIASES.get(key)


def _reserve_level(text: str) -> ReserveLevel | None:
    """股级 / 副科级 / 正科级, also written with 后备 or 干部 around it ('副科级后备')."""
    core = re.sub(r"\s|后备|干部|人才|层级", "", text)
    return next((v for v in ReserveLevel if core == v.value), None)


def _yes_no(text: str | None) -> bool | None:
    if text is None:
        return None
    t = text.strip()
    if t in (YES, "Y", "y", "√", "✓", "✔", "1", "在编"):
        return True
    if t in (NO, "N", "n", "×", "0", "不在编", "非在编"):
        return False
    raise ValueError(t)


_YEAR = re.compile(r"(\d{4})\s*年?度?")


def refusal(text: str | None) -> tuple[bool, int | None, dt.date | None]:
    """拒不参加或弄虚作假: 否 / blank → not found; "是 2026", "2026年", "是（2026-11-03）" →
    found, in that year (and on that day); a bare "是" (an old roster) → found, year unknown.
    Raises ValueError with the text for anything else."""
    if text is None:
        return False, None, None
    t = text.strip()
    try:
        yes = _yes_no(t)
    except ValueError:
        yes = None
    if yes is not None:
        return yes, None, None
    rest = t[1:] if t.startswith(YES) else t
    rest = rest.strip(" \u3000，,：:（）()")
    m = _YEAR.fullmatch(rest)
    if m:
        return True, int(m.group(1)), None
    try:
        day = parse_date(rest)
    except (KaopingError, ValueError):
        day = None
    if day is None:
        raise ValueError(t)
    return True, day.year, day


# ---------------------------------------------------------------- 特殊情形


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


_NOTE = re.compile(r"[（(]([^）)\d]*)[）)]")  # bracketed words: a note, e.g. （警告）


def _parse_cases(text: str) -> list[_CaseText]:
    """'受处分 2026-03-01~2027-02-28；受组织处理或诫勉' → two cases. Raises _CaseError (Chinese)."""
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
        note = "；".join(n.strip() for n in _NOTE.findall(rest) if n.strip()) or None
        rest = _NOTE.sub("", rest).strip().strip("（()）：:，,").strip()
        rest = re.sub(r"(起|开始|以来)$", "", rest).strip()
        out.append(_CaseText(cat, *_case_dates(part, rest), note, bool(rest)))
    return out


def _case_dates(part: str, rest: str) -> tuple[dt.date | None, dt.date | None]:
    """The start and end written after a case ('2026-03-01~2027-02-28', '2026-03-01起')."""
    if not rest:
        return None, None
    pieces = RANGE_SEPARATORS.split(rest, maxsplit=1)
    if len(pieces) == 1:
        pieces = [pieces[0], ""]
    try:
        return tuple(parse_date(p) if p.strip() else None for p in pieces)  # type: ignore[return-value]
    except KaopingError as exc:
        raise _CaseError(f"特殊情形「{part}」中的日期无法识别（{exc.message}），"
                         "应写成“受处分 2026-03-01~2027-02-28”的形式", "R4") from None


# ---------------------------------------------------------------- reading


def _pick_sheet(book: Book) -> tuple[Grid, int, dict[str, int]]:
    """The roster sheet, its header row and columns: the sheet named 花名册, else the first
    visible then hidden sheet with a header."""
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


@dataclass
class _Row:
    """One roster row as read: its cells' values and texts, and who it names."""

    row: int
    raw: dict[str, Value]
    text: dict[str, str | None]
    sid: str | None
    name: str | None
    unit: str | None


class _RosterReading:
    """The reading of one roster: its findings, the 工号 seen, and the texts and dates that
    repeat down the roster (单位, 科室, 职务, 领导, 入职日期…) kept once, not once per row."""

    def __init__(self, path: Path, grid: Grid, cols: dict[str, int]) -> None:
        self.file, self.grid, self.cols = str(path), grid, cols
        self.findings: list[Finding] = []
        self.rows_of_id: dict[str, list[int]] = defaultdict(list)
        self.first_row_of_id: dict[str, int] = {}
        self._shared: dict[object, object] = {}

    def add(self, rule: str, message: str, row: _Row | int, key: str | None = None, *,
            severity: Severity | None = None, name: str | None = None, sid: str | None = None,
            unit: str | None = None) -> None:
        if isinstance(row, _Row):
            row, name, sid, unit = row.row, row.name, row.sid, row.unit
        cell = cell_ref(row, self.cols[key]) if key and key in self.cols else f"第{row}行"
        self.findings.append(finding(rule, message, severity=severity, unit=unit, person=name,
                                     staff_id=sid, file=self.file, sheet=self.grid.name, cell=cell))

    def same(self, value: _V) -> _V:
        return value if value is None else self._shared.setdefault(value, value)  # type: ignore[return-value]

    def row(self, row: int) -> _Row | None:
        """The row's cells; None for a blank row or a trailing note ('注：…' alone)."""
        raw = {k: self.grid.value(row, c) for k, c in self.cols.items()}
        text = {k: clean_text(v) for k, v in raw.items()}
        if self.grid.error_values:
            self._error_values(row, raw)
        if all(t is None for t in text.values()):
            return None
        r = _Row(row, raw, text, _staff_id(raw.get("staff_id")),
                 normalize_name(raw["name"]) if text.get("name") else None, text.get("unit"))
        if (not r.name and not r.unit and not text.get("rank_category")
                and (r.sid or "").startswith(("注", "说明", "备注"))):
            return None
        return r

    def _error_values(self, row: int, raw: dict[str, object]) -> None:
        """R10: an Excel error value reads as blank (a 不定档 case or a date silently lost)."""
        sid, unit = _staff_id(raw.get("staff_id")), clean_text(raw.get("unit"))
        name = normalize_name(raw.get("name")) or None
        for key, col in self.cols.items():
            if key == "remark":  # 备注: kaoping does not read it
                continue
            if (error := self.grid.error_values.get((row, col))) is not None:
                self.add("R10", f"该单元格是 Excel 错误值 {error}，kaoping 读出来是空白，不能当作未填写；"
                         "请改为应填的内容后保存", row, key, name=name, sid=sid, unit=unit)

    def person(self, r: _Row) -> Person | None:
        """The row's person, None when the row cannot be one (R1, R2, R3); every problem of
        the row is a finding."""
        usable = self._required(r)
        rank_category = self._rank_category(r)
        dates = self._dates(r)
        flags = self._flags(r)
        cases = self._cases(r, dates)
        unique = self._unique_id(r, usable and rank_category is not None)
        if not (usable and unique and rank_category):
            return None
        return Person(
            staff_id=r.sid, name=r.name, unit=self.same(r.unit),
            quota_group=self.same(r.text.get("quota_group")), section=self.same(r.text.get("section")),
            post=self.same(r.text.get("post")), rank=self.same(r.text.get("rank")),
            rank_category=rank_category, direct_leader=self.same(r.text.get("direct_leader")),
            supervising_leader=self.same(r.text.get("supervising_leader")),
            hired_on=self.same(dates["hired_on"]), probation_until=self.same(dates["probation_until"]),
            special_cases=cases, row=r.row, **self._reserve(r, dates), **flags)

    def _required(self, r: _Row) -> bool:
        """R2: 工号, 姓名 and 单位 are written."""
        blank = [key for key, value in (("staff_id", r.sid), ("name", r.name), ("unit", r.unit))
                 if not value]
        for key in blank:
            self.add("R2", f"“{COLUMN_BY_KEY[key].label}”为空，该行未计入花名册", r, key)
        return not blank

    def _rank_category(self, r: _Row) -> RankCategory | None:
        """R3: 职级类别, one of the four rows of 附件4."""
        text = r.text.get("rank_category")
        rank_category = _rank_category(text) if text else None
        if rank_category is None:
            what = f"无法识别的职级类别「{text}」" if text else "“职级类别”为空"
            allowed = " / ".join(c.value for c in RankCategory)
            self.add("R3", f"{what}，应为：{allowed}；该行未计入花名册", r, "rank_category")
        return rank_category

    def _dates(self, r: _Row) -> dict[str, dt.date | None]:
        """R4: 入职日期, 试用期至, 情形起始, 情形截止."""
        dates: dict[str, dt.date | None] = dict.fromkeys(DATE_KEYS)
        for key in DATE_KEYS:
            if key in self.cols and r.raw.get(key) is not None and r.text.get(key) is not None:
                try:
                    dates[key] = parse_date(r.raw[key])
                except KaopingError as exc:
                    self.add("R4", f"“{COLUMN_BY_KEY[key].label}”的日期无法识别：{exc.message}",
                             r, key)
        return dates

    def _flags(self, r: _Row) -> dict[str, object]:
        """R6: 是否在编 (default 是) and 拒不参加或弄虚作假 (default 否, with its year)."""
        key = "on_establishment"
        try:
            value = _yes_no(r.text.get(key))
        except ValueError as exc:
            self.add("R6", f"“{COLUMN_BY_KEY[key].label}”应填“是”或“否”，现为「{exc}」；暂按“是”处理", r, key)
            value = None
        key = "refused_or_falsified"
        try:
            refused, year, on = refusal(r.text.get(key))
        except ValueError as exc:
            self.add("R6", f"“{COLUMN_BY_KEY[key].label}”应填“否”或“是 2026”（认定的年份或日期），"
                           f"现为「{exc}」；暂按“否”处理", r, key)
            refused, year, on = False, None, None
        return {"on_establishment": True if value is None else value, key: refused,
                "refused_or_falsified_year": year, "refused_or_falsified_on": on}

    def _cases(self, r: _Row, dates: dict[str, dt.date | None]) -> list[SpecialCase]:
        """R5, R4, R8: 特殊情形 with their dates (in the cell, or 情形起始/情形截止 for one)."""
        start, end = dates["case_start"], dates["case_end"]
        if not r.text.get("special_cases"):
            if start or end:
                self.add("R8", "填写了情形起止日期，但“特殊情形”为空", r,
                         "case_start" if start else "case_end")
            return []
        try:
            parsed = _parse_cases(r.text["special_cases"])
        except _CaseError as exc:
            self.add(exc.rule, str(exc), r, "special_cases")
            parsed = []
        if len(parsed) == 1 and not parsed[0].has_dates:
            parsed[0].start, parsed[0].end = start, end
        elif len(parsed) > 1 and (start or end):
            self.add("R8", "有多种特殊情形时“情形起始/情形截止”列不适用，请把日期写在“特殊情形”格中各情形之后",
                     r, "case_start" if start else "case_end")
        for c in parsed:
            if c.start and c.end and c.start > c.end:
                self.add("R8", f"特殊情形「{c.category.value}」的起始日期 {c.start} 晚于截止日期 {c.end}",
                         r, "special_cases", severity=Severity.ERROR)
        return [SpecialCase(category=c.category, start=c.start, end=c.end, note=c.note)
                for c in parsed]

    def _reserve(self, r: _Row, dates: dict[str, dt.date | None]) -> dict[str, object]:
        """R9 (§五(三)): 后备层级 one of the three levels, 入库 not after 出库, no dates
        without a level. A wrong entry leaves the person out of the pool (and says so)."""
        text = r.text.get("reserve_level")
        start, end = dates["reserve_in"], dates["reserve_out"]
        level = _reserve_level(text) if text else None
        if text and level is None:
            allowed = " / ".join(v.value for v in ReserveLevel)
            self.add("R9", f"无法识别的后备层级「{text}」，应为：{allowed}；此人暂不列入后备干部名单",
                     r, "reserve_level")
        elif level is None and (start or end):
            self.add("R9", "填写了入库或出库日期，但“后备层级”为空；此人暂不列入后备干部名单",
                     r, "reserve_in" if start else "reserve_out")
        elif start and end and start > end:
            self.add("R9", f"入库日期 {start} 晚于出库日期 {end}；此人暂不列入后备干部名单",
                     r, "reserve_in")
            level = None
        if level is None:
            return {}
        return {"reserve_level": level, "reserve_in": start, "reserve_out": end}

    def _unique_id(self, r: _Row, usable: bool) -> bool:
        """R1: a 工号 already used by an earlier row leaves this row out."""
        if not r.sid:
            return True
        self.rows_of_id[r.sid].append(r.row)
        if r.sid in self.first_row_of_id:
            first = self.first_row_of_id[r.sid]
            self.add("R1", f"工号「{r.sid}」重复：第{first}行与第{r.row}行；第{r.row}行未计入花名册", r,
                     "staff_id")
            return False
        if usable:
            self.first_row_of_id[r.sid] = r.row
        return True

    def duplicates(self, people: list[Person]) -> None:
        """R1: name the first row of each duplicated 工号 too, so both rows are pointed at;
        R7: the same 姓名 twice in one 单位 (allowed with distinct 工号, worth a look)."""
        by_id = {p.staff_id: p for p in people}
        for sid, rows in self.rows_of_id.items():
            if len(rows) > 1:
                person = by_id.get(sid)
                others = "、".join(f"第{r}行" for r in rows[1:])
                self.add("R1", f"工号「{sid}」重复：第{rows[0]}行与{others}", rows[0], "staff_id",
                         name=person.name if person else None, sid=sid,
                         unit=person.unit if person else None)
        by_name_unit: dict[tuple[str, str], list[Person]] = defaultdict(list)
        for p in people:
            by_name_unit[(p.unit, p.name)].append(p)
        for (unit, name), same in by_name_unit.items():
            if len(same) < 2:
                continue
            ids = "、".join(f"{p.staff_id}（第{p.row}行）" for p in same)
            for p in same:
                self.add("R7", f"{unit}有同名人员「{name}」：{ids}；各类表格请以工号区分",
                         p.row or 0, "name", name=name, sid=p.staff_id, unit=unit)


def read_roster(path: Path, *, limits: LimitSettings | None = None) -> tuple[Roster, list[Finding]]:
    """Read a 花名册 workbook into a `Roster` and the problems found in it.

    The header row is found by its labels (extra columns, any order, a title above and spaces
    or line breaks inside labels are fine). Rows that are entirely blank are skipped. Rows
    missing 工号/姓名/单位 or with an unusable 职级类别, and the second and later rows of a
    duplicated 工号, are reported and left out of the roster. Raises `KaopingError` when the
    file is not a roster at all. `limits`: kaoping.toml [limits] (its register rows apply).
    """
    path = Path(path)
    book = load_book(path, register_limits(limits))  # one row per person
    grid, header_row, cols = _pick_sheet(book)
    missing = [COLUMN_BY_KEY[k].label for k in REQUIRED_KEYS if k not in cols]
    if missing:
        raise KaopingError(f"花名册缺少必需的列：{'、'.join(missing)}（表头在第{header_row}行）",
                           file=str(path), sheet=grid.name)
    reading = _RosterReading(path, grid, cols)
    people: list[Person] = []
    for row in range(header_row + 1, grid.max_row + 1):
        r = reading.row(row)
        if r is not None and (p := reading.person(r)) is not None:
            people.append(p)
    reading.duplicates(people)
    reading.findings.sort(key=lambda f: (_row_of(f.cell), f.rule))
    return Roster(people=people, source=str(path)), reading.findings


def _row_of(cell: str | None) -> int:
    m = re.search(r"(\d+)", cell or "")
    return int(m.group(1)) if m else 0

