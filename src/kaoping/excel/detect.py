"""Which kaoping form a workbook is, and the label texts shared by the writer and the reader.

Detection order: the hidden key/value sheet `_kaoping` (written by kaoping), else the title
text near the top of the first visible sheet (a form retyped by hand, or one whose `_kaoping`
sheet was deleted). The form labels live here so `forms.routine` (writer) and the readers
(`weekly.py`, `monthly.py`, `quarterly.py`) can never disagree about them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ..models import FORM_TITLES, FormKind
from .book import Book, Grid

META_SHEET = "_kaoping"
# The half-year 集中测评票 (written by forms.halfyear, read by excel.ballots).
BALLOT_SHEET = "集中测评票"
TICK = "√"
TICK_HEADER = "推荐“优秀”"
TEMPLATE_VERSION = "1"

FORM_KINDS = (FormKind.WEEKLY, FormKind.MONTHLY, FormKind.QUARTERLY)

# Shorter titles people use when they retype a form (without the 干部日常考评 prefix).
SHORT_TITLES: dict[FormKind, tuple[str, ...]] = {
    FormKind.WEEKLY: ("一周小记表", "周小记表", "一周小记"),
    FormKind.MONTHLY: ("月度小结表", "月小结表"),
    FormKind.QUARTERLY: ("季度评价表",),
}

# Labels (附件1–3). Matched after `label_key()` normalisation (no spaces/line breaks/colons).
L_NAME = "姓名"
L_SECTION = "科室"
L_POST = "职务"
L_UNIT_AND_POST = "单位及职务"
L_TIME = "时间"

WEEKLY_COLUMNS = ("序号", "日期", "事项", "完成时限", "完成情况", "备注")
WEEKLY_NOTE = ("注：需要填写接到任务的日期、任务事项内容、完成时限、完成情况，其中完成情况包括"
               "“进行中”、“已完成”、“无法完成”，已完成的注明完成时间（可写在备注栏），"
               "无法完成的说明原因。")
STATUS_CHOICES = ("进行中", "已完成", "无法完成")

L_SUMMARY = "个人小结"
L_DAILY = "日常工作\n（简要）"
L_KEY_TASKS = "重要任务项目"
L_PROBLEMS = "存在的问题"
L_NEXT = "下步打算"
L_ATTENDANCE = "出勤情况"
L_MONTH_SICK = "本月请病假、事假（"
L_YTD_SICK = "全年累计病假、事假（"
L_ANNUAL = "）天；年休（"
L_DAYS_END = "）天"
L_VERIFY = "直管领导审定"
L_SIGN = "签字："
MONTHLY_SHEET = "月度小结"

L_SELF = "个人自评"
L_HIGHLIGHTS = "主要工作\n亮点及成效"
L_SHORTCOMINGS = "存在的不足和改进措施"
L_SELF_GRADE = "自评\n档次"
L_LEADER = "领导评价"
L_LEADER_GRADE = "领导\n评价\n档次"
L_COMMENDED = "受表彰直接定“好”（§四(三)4(1)）"
L_COMMEND_LEVEL = "表彰级别"
L_COMMEND_NAME = "表彰名称"
L_DIRECT_POOR = "直接定“较差”（§四(三)4(2)）"
L_OPINION = "领导\n意见栏"
L_LEADER_SIGN = "（处室或分支机构负责人）签字："
QUARTERLY_NOTE = "注：存在直接确定为“好”、“较差”情形或出勤未达标的应在意见栏进行说明。"
QUARTERLY_SHEET = "季度评价"

_STRIP = re.compile(r"[\s\u00a0\u3000\u200b-\u200f\ufeff:：]+")


def label_key(text: object) -> str:
    """Normalise a label for matching: free of spaces, line breaks and colons. Full-width
    brackets are kept (labels use them) but '(' and '（' compare equal."""
    s = _STRIP.sub("", str(text or ""))
    return s.replace("(", "（").replace(")", "）")


@dataclass
class Detection:
    kind: FormKind | None
    meta: dict[str, str] = field(default_factory=dict)  # `_kaoping` key/values, if any
    by: str = "none"  # "meta", "title" or "none"


def read_meta(book: Book) -> dict[str, str]:
    """Key/value rows of the `_kaoping` sheet ({} when absent)."""
    grid = book.sheet(META_SHEET)
    if grid is None:
        return {}
    out: dict[str, str] = {}
    for r in range(1, min(grid.max_row, 50) + 1):
        key, value = grid.value(r, 1), grid.value(r, 2)
        if key is None:
            continue
        k = str(key).strip()
        if value is None:
            out[k] = ""
        elif isinstance(value, float) and value.is_integer():
            out[k] = str(int(value))
        else:
            out[k] = str(value).strip()
    return out


def title_kind(grid: Grid, *, max_rows: int = 6) -> FormKind | None:
    """The form kind named by a title in the first rows of `grid`, if any."""
    for r in range(1, min(grid.max_row, max_rows) + 1):
        for c in range(1, min(grid.max_col, 12) + 1):
            v = grid.value(r, c)
            if not isinstance(v, str):
                continue
            text = unicodedata.normalize("NFKC", _STRIP.sub("", v))
            for kind in FORM_KINDS:
                if FORM_TITLES[kind] in text or any(t in text for t in SHORT_TITLES[kind]):
                    return kind
    return None


def detect_kind(book: Book) -> Detection:
    """Kind from `_kaoping` when present and valid, else from the first visible sheet's title."""
    meta = read_meta(book)
    kind_text = meta.get("kind", "")
    if kind_text:
        try:
            return Detection(FormKind(kind_text), meta, "meta")
        except ValueError:
            pass
    visible = book.visible_sheets()
    if visible:
        kind = title_kind(visible[0])
        if kind is not None:
            return Detection(kind, meta, "title")
    return Detection(None, meta, "none")
