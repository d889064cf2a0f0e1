"""附件3 季度评价表 (§四(三)) → `QuarterlyEvaluation`.

The sheet holds the 第（ ）季度 line, the identity block, the two 个人自评 areas, the 自评 and
领导评价 档次 (好 较好 一般 较差, ticked in the cells below them or inline '☑好 □较好 …'), the
领导意见栏 with its 签字, and on kaoping's form two tick boxes for the special cases of
§四(三)4 (a hand-made form says them in the opinion instead).
"""

from __future__ import annotations

import re

from ..models import (
    GRADE_ORDER,
    FormKind,
    QuarterGrade,
    QuarterlyEvaluation,
    SourceRef,
)
from ..periods import parse_quarter
from ..rules.opinion import says_direct_poor, suggests_commendation
from .book import cell_ref
from .cells import TICK_MARKS, clean_text, parse_tick
from .context import (
    ReadContext,
    form_period,
    form_sheet,
    head_rows,
    read_areas,
    read_identity,
)
from .detect import L_COMMEND_LEVEL, L_COMMEND_NAME, QUARTERLY_SHEET, label_key
from .sheet import Hit, Sheet, has_signature, nfkc

_QUARTER_TEXT = re.compile(r"第\s*[（(]?\s*([1-4一二三四])\s*[)）]?\s*季度")
_CN = {"一": 1, "二": 2, "三": 3, "四": 4}
# 个人自评 (§四(三)1(1)): field, labels of its area, its title in messages
_AREAS = (
    ("highlights", ("主要工作亮点", "主要工作", "工作亮点", "亮点"), "主要工作亮点及成效"),
    ("shortcomings", ("存在的不足", "存在不足", "不足"), "存在的不足和改进措施"),
)
_OPINION_LABELS = ("领导意见栏", "意见栏", "领导意见", "领导评价意见")

_GRADE_KEYS = {g.value: g for g in GRADE_ORDER}
_GRADE_TOKEN = re.compile(r"较好|较差|一般|好")
_BOX_OFF = "□☐○"
_TICK_CHARS = "".join(sorted(TICK_MARKS))
_TICKS_AND_SPACES = re.compile(r"[\s" + _TICK_CHARS + r"]+")
_SIGN_PART = re.compile(r"(签[字名]\s*[:：])")
_SIGNER = re.compile(r"[（(]处室或分支机构负责人[)）]\s*$")

GradeRow = tuple[int, dict[QuarterGrade, int]]  # (row, {grade: column}) of the four labels


def _year_and_quarter(ctx: ReadContext, sh: Sheet, cells: dict[str, str]
                      ) -> tuple[int | None, int | None, str | None]:
    """(year, quarter, cell of the 第（ ）季度 line)."""
    m, ref = sh.period(_QUARTER_TEXT, max_row=head_rows(sh))
    if ref:
        cells["period"] = cells["quarter"] = ref
    written = (_CN.get(m.group(1)) or int(m.group(1))) if m else None
    year, quarter = form_period(ctx, sh, written, ref, parse_quarter, lambda p: p.quarter,
                                f"第（{written}）季度")
    return year, quarter, ref


# ---------------------------------------------------------------- 档次 (§四(三)1)


def _grade_rows(sh: Sheet) -> list[GradeRow]:
    """Rows holding the four grade labels (好 较好 一般 较差) as separate cells."""
    by_row: dict[int, dict[QuarterGrade, int]] = {}
    for r, c, key in sh.labels():
        g = _GRADE_KEYS.get(key)
        if g is None and (stripped := key.rstrip(_TICK_CHARS)) != key:
            g = _GRADE_KEYS.get(stripped)  # '好√': the label ticked itself
        if g is not None:
            by_row.setdefault(r, {}).setdefault(g, c)
    return [(r, cols) for r, cols in sorted(by_row.items()) if len(cols) == 4]


def _row_caption(sh: Sheet, r: int, first: int) -> str:
    """The labels left of column `first` in row r, and those of the merged areas reaching
    into that row from above ('自评\\n档次' spans two rows)."""
    left = "".join(k for c, k in sh.row_text(r) if c < first)
    for c in range(1, first):
        r1, c1, _, _ = sh.merge_at(r, c) or (r, c, r, c)
        left += label_key(sh.value(r1, c1) or "")
    return left


def _self_and_leader_rows(sh: Sheet) -> tuple[GradeRow | None, GradeRow | None]:
    """The 自评 and 领导评价 grade rows by their captions, else the grade rows in order."""
    rows = _grade_rows(sh)
    self_row = leader_row = None
    for row in rows:
        caption = _row_caption(sh, row[0], min(row[1].values()))
        if "自评" in caption and self_row is None:
            self_row = row
        elif "领导" in caption and leader_row is None:
            leader_row = row
    rest = [x for x in rows if x not in (self_row, leader_row)]
    if self_row is None and rest:
        self_row = rest.pop(0)
    if leader_row is None and rest:
        leader_row = rest.pop(0)
    return self_row, leader_row


def _ticks_below(sh: Sheet, row: GradeRow, tick_cells: set[Hit]
                 ) -> tuple[list[QuarterGrade], str]:
    """The grades ticked in the cells below the labels (or on the labels themselves), and
    the tick cells' range; the labels and tick cells join `tick_cells`."""
    r, cols = row
    below = max(sh.below(r, c)[0] for c in cols.values())
    ticked = [g for g in GRADE_ORDER if parse_tick(sh.value(below, cols[g]))
              or not TICK_MARKS.isdisjoint(str(sh.value(r, cols[g]) or ""))]
    tick_cells.update((rr, c) for rr in (r, below) for c in cols.values())
    first, last = min(cols.values()), max(cols.values())
    return ticked, f"{cell_ref(below, first)}:{cell_ref(below, last)}"


def _inline_ticks(text: str) -> list[QuarterGrade] | None:
    """'☑好 □较好 □一般 □较差' or '好√ 较好 一般 较差' → ticked grades; None if no grades."""
    s = nfkc(text)
    tokens = list(_GRADE_TOKEN.finditer(s))
    if len(tokens) < 4:
        return None
    out: list[QuarterGrade] = []
    for i, m in enumerate(tokens):
        before = s[tokens[i - 1].end() if i else 0:m.start()].strip()
        after = s[m.end():tokens[i + 1].start() if i + 1 < len(tokens) else len(s)].strip()
        mark_before = before[-1:] if before else ""
        mark_after = after[:1] if after else ""
        if mark_before in TICK_MARKS or (mark_after in TICK_MARKS and mark_before not in _BOX_OFF):
            out.append(_GRADE_KEYS[m.group(0)])
    return out


def _inline_grades(sh: Sheet, labelled: str) -> tuple[list[QuarterGrade], Hit] | None:
    """Grades written in one cell: a label containing `labelled`, or the cell right of it."""
    for r, c, k in sh.labels():
        if labelled not in k:
            continue
        for cand in ((r, c), sh.right_of(r, c)):
            if (parsed := _inline_ticks(str(sh.value(*cand) or ""))) is not None:
                return parsed, cand
    return None


def _grades(ctx: ReadContext, sh: Sheet, data: dict, cells: dict[str, str],
            tick_cells: set[Hit]) -> None:
    """自评档次 and 领导评价档次: separate-cell layout, else inline '☑好 □较好 …'."""
    for (key, title, labelled), row in zip((
        ("self_ticks", "自评档次", "自评"),
        ("leader_ticks", "领导评价档次", "领导评价"),
    ), _self_and_leader_rows(sh)):
        if row is not None:
            data[key], cells[key] = _ticks_below(sh, row, tick_cells)
        elif (inline := _inline_grades(sh, labelled)) is not None:
            data[key], cells[key] = inline[0], cell_ref(*inline[1])
            tick_cells.add(inline[1])
        else:
            ctx.add("F4", f"季度评价表中找不到“{title}”（好/较好/一般/较差）一栏", sh.name)


def _stray_ticks(ctx: ReadContext, sh: Sheet, tick_cells: set[Hit]) -> None:
    """A tick mark outside the tick cells is not counted; say where it is (F8)."""
    for r, c, _ in sh.labels():
        raw = str(sh.value(r, c))
        if (r, c) in tick_cells or TICK_MARKS.isdisjoint(raw):
            continue
        label = _TICKS_AND_SPACES.sub("", raw)[:20]
        where = f"“{label}”处" if label else "档次格子之外"
        ctx.add("F8", f"在{where}发现打勾符号，但它不在“好/较好/一般/较差”下方的勾选格内，"
                "未计入档次；请把勾打在对应档次下面的格子里", sh.name, cell_ref(r, c))


# ---------------------------------------------------------------- 领导意见栏, §四(三)4


def _opinion(ctx: ReadContext, sh: Sheet, data: dict, cells: dict[str, str]) -> None:
    """领导意见栏 and its 签字: in the opinion's own text, else under it."""
    op = sh.find(lambda k: k in _OPINION_LABELS)
    opinion = sig = sref = None
    if op is None:
        ctx.add("F4", "季度评价表中找不到“领导意见栏”", sh.name)
    else:
        rr, cc = sh.right_of(op[0], op[1])
        raw = sh.area_text(rr, cc)
        cells["leader_opinion"] = cell_ref(rr, cc)
        opinion = raw
        if raw and has_signature(raw):
            body, _, after = _SIGN_PART.split(raw, maxsplit=1)[0:3]
            opinion = clean_text(_SIGNER.sub("", body.strip()))
            sig = clean_text(after)
            sref = cell_ref(rr, cc) if sig else None
        if not sig:
            sig, sref = sh.signature(op[0])
    data["leader_opinion"] = opinion
    data["leader_signature"] = sig
    if sref:
        cells["leader_signature"] = sref


def opinion_flags(opinion: str | None) -> tuple[bool, bool]:
    """(suggests a commendation, grades 较差 directly) in a 领导意见 (a hand-made form's words;
    `rules.opinion`): 表彰 / 直接定为“好” → §四(三)4(1), 直接确定为较差 → §四(三)4(2), unless the
    clause denies it ("未受表彰", "不直接定为较差")."""
    return suggests_commendation(opinion), says_direct_poor(opinion)


def _special_cases(sh: Sheet, data: dict, cells: dict[str, str], tick_cells: set[Hit]) -> None:
    """§四(三)4(1)(2): kaoping's tick boxes. Without the 受表彰 box nobody is commended (rule
    Q3 asks for the box when the opinion suggests it); without the 直接定较差 box a direct
    较差 is read from the opinion's words."""
    commended = sh.find(lambda k: "受表彰" in k and "直接" in k)
    poor = sh.find(lambda k: "直接定" in k and "较差" in k and "表彰" not in k
                   and not k.startswith("注"))
    data["commendation_box"] = commended is not None
    if commended is None:
        data["commended"] = False
    else:
        _commendation(sh, commended[:2], data, cells, tick_cells)
    if poor is None:
        data["direct_poor"] = says_direct_poor(data["leader_opinion"])
    else:
        box = sh.right_of(poor[0], poor[1])
        data["direct_poor"] = parse_tick(sh.value(*box))
        cells["direct_poor"] = cell_ref(*box)
        tick_cells.add(box)
    for key in ("commended", "direct_poor"):
        if key not in cells and data["leader_opinion"] and cells.get("leader_opinion"):
            cells[key] = cells["leader_opinion"]


def _commendation(sh: Sheet, at: Hit, data: dict, cells: dict[str, str],
                  tick_cells: set[Hit]) -> None:
    """The 受表彰直接定“好” box and, on kaoping's form, the 表彰级别 and 表彰名称 beside it."""
    box = sh.right_of(*at)
    data["commended"] = parse_tick(sh.value(*box))
    cells["commended"] = cell_ref(*box)
    tick_cells.add(box)
    for key, label in (("commendation_level", L_COMMEND_LEVEL),
                       ("commendation_name", L_COMMEND_NAME)):
        hit = sh.find(lambda k, label=label: k.startswith(label))
        if hit is None:
            continue
        value_at = sh.right_of(hit[0], hit[1])
        data[key] = clean_text(sh.value(*value_at))
        cells[key] = cell_ref(*value_at)


# ---------------------------------------------------------------- the workbook


def read_quarterly(ctx: ReadContext) -> QuarterlyEvaluation | None:
    """The evaluation, None when there is no 季度评价 sheet or its quarter or year cannot be
    told."""
    grid = form_sheet(ctx.book, QUARTERLY_SHEET, FormKind.QUARTERLY)
    if grid is None:
        ctx.add("F4", "找不到季度评价表")
        return None
    sh = ctx.sheet(grid)
    cells: dict[str, str] = {}
    year, quarter, pref = _year_and_quarter(ctx, sh, cells)
    ident = read_identity(ctx, sh, cells, kind_title="季度评价表")
    data: dict = read_areas(ctx, sh, _AREAS, "季度评价表", cells)
    tick_cells: set[Hit] = set()
    _grades(ctx, sh, data, cells, tick_cells)
    _opinion(ctx, sh, data, cells)
    _special_cases(sh, data, cells, tick_cells)
    _stray_ticks(ctx, sh, tick_cells)
    if quarter is None:
        ctx.add("F5", "季度评价表未填写第（ ）季度", sh.name, pref)
        return None
    if year is None:
        year = ctx.fallback_year(first_month=(quarter - 1) * 3 + 1, sheet=sh.name, cell=pref)
    if year is None:
        ctx.add("F5", "无法确定季度评价表的年份：请在文件名中写明年份（如 张三-2026Q3.xlsx）",
                sh.name, pref)
        return None
    return QuarterlyEvaluation(source=SourceRef(file=ctx.file, sheet=sh.name, cells=cells),
                               identity=ident, year=year, quarter=quarter, **data)
