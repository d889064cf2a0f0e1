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
L_UNIT_AND_POST = "单位及职务"

WEEKLY_COLUMNS = ("序号", "日期", "事项", "完成时限", "完成情况", "备注")

MONTHLY_SHEET = "月度小结"

L_COMMEND_LEVEL = "表彰级别"
L_COMMEND_NAME = "表彰名称"
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
