"""Liberal parsing of single cell values typed by people into forms.

Everything here is pure and works on the values a reader gets from `kaoping.excel.book`
(str, int, float, bool, date, datetime, None). Problems raise `CellError` with a Chinese
message; callers turn that into a `Finding` naming file, sheet and cell.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from typing import Any

from ..errors import KaopingError
from ..names import ANY_SPACE, INVISIBLE
from ..names import normalize_name  # noqa: F401  (re-exported: one rule for every reader)


class CellError(KaopingError):
    """A cell value that cannot be understood (message is Chinese, says what to write)."""


# Control characters other than tab and line breaks (pasted from other systems; an .xlsx
# cannot even store most of them).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# What `clean_text` changes inside a text (invisible and control characters, line breaks,
# full-width digits, letters and spaces): a text without any of them is only stripped.
_CLEANED = re.compile("[\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff\u00ad\x00-\x08\x0a-\x1f\x7f"
                      "\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\u3000]")
# Full-width ASCII (digits, letters, punctuation) → ASCII, for numbers and codes only.
_FULLWIDTH_DIGITS = {cp: cp - 0xFEE0 for cp in range(0xFF10, 0xFF1A)}
_FULLWIDTH_ALNUM = {
    **_FULLWIDTH_DIGITS,
    **{cp: cp - 0xFEE0 for cp in range(0xFF21, 0xFF3B)},
    **{cp: cp - 0xFEE0 for cp in range(0xFF41, 0xFF5B)},
    0x3000: 0x20,
}

TICK_MARKS = frozenset("√✓✔☑■●✅🗸")
TICK_WORDS = frozenset({"是", "V", "v", "对", "选", "选中", "打钩", "打勾", "√√"})
NOT_TICK = frozenset({"□", "否", "☐", "○", "×", "✗", "✘", "无", "-", "/", "—"})


def _text(v: Any) -> str:
    """A value as text; whole floats lose their '.0'."""
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return f"{v:g}" if isinstance(v, float) else str(v)


def clean_text(v: Any) -> str | None:
    """Strip, drop zero-width characters, turn full-width spaces into spaces and full-width
    digits/letters into ASCII. Keeps inner line breaks (summaries span lines). '' → None."""
    if v is None:
        return None
    if type(v) is str:
        return _clean(v)
    if isinstance(v, dt.datetime):
        text = v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    elif isinstance(v, dt.date):
        text = v.isoformat()
    else:
        text = _text(v)
    return _clean(text)


def _clean(text: str) -> str | None:
    if _CLEANED.search(text) is None:  # nothing to drop, translate or split into lines
        return text.strip() or None
    text = _CONTROL.sub("", INVISIBLE.sub("", text)).translate(_FULLWIDTH_ALNUM)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [ln.strip(" \t\u00a0") for ln in text.split("\n")]
    text = "\n".join(lines).strip()
    return text or None


def _compact(v: Any) -> str:
    """Text for matching marks: NFKC, no invisible characters, no spaces at all."""
    return ANY_SPACE.sub("", unicodedata.normalize("NFKC", INVISIBLE.sub("", _text(v))))


def parse_tick(v: Any) -> bool:
    """True for a ticked box: √ ✓ ✔ ☑ ■ ● (any of them, possibly repeated or spaced), 是, and
    a lone V/v. False for blank, □, 否 and anything else."""
    if v is None or v is False:
        return False
    if v is True:
        return True
    if isinstance(v, (int, float)):
        return False
    raw = INVISIBLE.sub("", str(v))
    raw = ANY_SPACE.sub("", raw)
    if not raw:
        return False
    if all(ch in TICK_MARKS for ch in raw):
        return True
    text = _compact(v)
    if text in TICK_WORDS:
        return True
    # "√（已核）" or "☑好": a tick mark leading the cell counts as a tick.
    return raw[0] in TICK_MARKS


# ---------------------------------------------------------------- dates

_EXCEL_EPOCH = dt.date(1899, 12, 30)
_MAX_SERIAL = 2958465  # 9999-12-31
_MIN_SERIAL = 367  # 1901-01-01: smaller numbers are not plausible dates on a form

_YMD = re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*[日号]?$")
_YMD_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_MD = re.compile(r"^(\d{1,2})\s*[月.\-/]\s*(\d{1,2})\s*[日号]?$")
_TRAILING_TIME = re.compile(r"[T\s]+\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")


def _make_date(y: int, m: int, d: int, shown: str) -> dt.date:
    try:
        return dt.date(y, m, d)
    except ValueError:
        raise CellError(f"日期「{shown}」不存在（{y}年{m}月没有{d}日），请核对") from None


def excel_serial_to_date(serial: float, shown: str | None = None) -> dt.date:
    """An Excel (1900 date system) serial number → date."""
    if not _MIN_SERIAL <= serial <= _MAX_SERIAL:
        raise CellError(f"「{shown or serial}」不是有效的日期，请写成 2026-07-03 的形式")
    return _EXCEL_EPOCH + dt.timedelta(days=int(math.floor(serial)))


def parse_date(v: Any, *, year: int | None = None) -> dt.date | None:
    """A date cell → date. Accepts date/datetime objects, Excel serials, '2026-7-3',
    '2026.7.3', '2026/7/3', '2026年7月3日', '20260703', and '7月3日' / '7-3' / '7.3' when
    `year` is given. Blank → None. Raises `CellError` when unreadable or impossible."""
    if v is None:
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, bool):
        raise CellError(f"「{v}」不是日期，请写成 2026-07-03 的形式")
    if isinstance(v, (int, float)):
        if isinstance(v, float) and not v.is_integer() and v < _MIN_SERIAL and year:
            # 7.3 typed as a number meaning 7月3日 (only that: 0.875 must not loop back here)
            if m := _MD.match(repr(v)):
                return _make_date(year, int(m.group(1)), int(m.group(2)), repr(v))
            raise CellError(f"「{_text(v)}」不是有效的日期，请写成 2026-07-03 的形式")
        if v < _MIN_SERIAL and year and 1 <= v <= 12:
            raise CellError(f"日期「{_text(v)}」不完整，请写成 2026-07-03 的形式")
        return excel_serial_to_date(float(v))
    return _parse_date_text(str(v), year)


def _parse_date_text(v: str, year: int | None) -> dt.date | None:
    shown = v.strip()
    text = unicodedata.normalize("NFKC", INVISIBLE.sub("", shown)).strip()
    text = ANY_SPACE.sub(" ", text)
    if not text:
        return None
    text = _TRAILING_TIME.sub("", text).strip()
    if m := _YMD.match(text) or _YMD_COMPACT.match(text):
        return _make_date(int(m.group(1)), int(m.group(2)), int(m.group(3)), shown)
    if m := _MD.match(text):
        if year is None:
            raise CellError(f"日期「{shown}」没有年份，请写成 2026-07-03 的形式")
        return _make_date(year, int(m.group(1)), int(m.group(2)), shown)
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return parse_date(float(text), year=year)
    raise CellError(f"无法识别的日期「{shown}」，请写成 2026-07-03 的形式")


_DATE_IN_TEXT = re.compile(r"(?:(\d{4})\s*[-./年]\s*)?(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*[日号]?")


def find_date_in_text(text: str | None, *, year: int | None = None) -> dt.date | None:
    """The first plausible date written inside free text ('已完成，7月8日报送' → 7-8)."""
    if not text:
        return None
    norm = unicodedata.normalize("NFKC", INVISIBLE.sub("", text))
    for m in _DATE_IN_TEXT.finditer(norm):
        y = int(m.group(1)) if m.group(1) else year
        if y is None:
            continue
        try:
            return dt.date(y, int(m.group(2)), int(m.group(3)))
        except ValueError:
            continue
    return None


# ---------------------------------------------------------------- numbers

_CN_NUM = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
           "七": 7, "八": 8, "九": 9, "十": 10}
_DAYS = re.compile(r"^(\d+(?:\.\d+)?|\.\d+)(半)?$")
_ZERO_WORDS = {"无", "没有", "零", "〇", "0天"}
_BLANK_WORDS = {"/", "-", "—", "——", "－"}


def _cn_number(text: str) -> float | None:
    """一 … 十九, 半 → number; None when not a simple Chinese numeral."""
    if text == "半":
        return 0.5
    half = text.endswith("半") and len(text) > 1
    core = text[:-1] if half else text
    if core and all(ch in _CN_NUM for ch in core):
        if core == "十":
            n = 10
        elif core.startswith("十"):
            n = 10 + _CN_NUM[core[1]] if len(core) == 2 else None
        elif len(core) == 2 and core[1] == "十":
            n = _CN_NUM[core[0]] * 10
        elif len(core) == 3 and core[1] == "十":
            n = _CN_NUM[core[0]] * 10 + _CN_NUM[core[2]]
        elif len(core) == 1:
            n = _CN_NUM[core]
        else:
            n = None
        if n is not None:
            return n + (0.5 if half else 0)
    return None


MAX_DAYS = 366  # no leave figure (a month's, or the year's so far) can exceed a year


def parse_days(v: Any) -> float | None:
    """A number of leave days: 1.5, '1.5', '１．５', '1.5天', '1.5 天', '半天' (0.5),
    '1天半' (1.5), '两天' (2), '无' (0). Blank or '/' → None. Negative, or more than a
    year (1e308, a 5,000-digit text) → `CellError`: one finding, never an overflow later."""
    if v is None:
        return None
    if isinstance(v, bool):
        raise CellError(f"「{v}」不是天数，请填写数字，如 1.5")
    if isinstance(v, (int, float)):
        if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
            raise CellError("天数不是有效数字，请填写数字，如 1.5")
        if abs(v) > MAX_DAYS:
            raise CellError(f"天数「{_short(_text(v))}」超过一年的 {MAX_DAYS} 天，请核对")
        value = float(v)
    else:
        shown = str(v).strip()
        text = ANY_SPACE.sub("", unicodedata.normalize("NFKC", INVISIBLE.sub("", shown)))
        text = text.replace("。", ".")
        if not text or text in _BLANK_WORDS:
            return None
        if text in _ZERO_WORDS:
            return 0.0
        negative = text.startswith("-")
        body = text[1:] if negative else text
        body = re.sub(r"个?(?:工作)?[天日]", "", body)
        if len(body) > 20:  # no count of days is written with 20 characters
            raise CellError(f"无法识别的天数「{_short(shown)}」，请填写数字，如 1.5")
        if m := _DAYS.match(body):
            value = float(m.group(1)) + (0.5 if m.group(2) else 0.0)
        elif (n := _cn_number(body)) is not None:
            value = float(n)
        else:
            raise CellError(f"无法识别的天数「{shown}」，请填写数字，如 1.5")
        if negative:
            value = -value
        if abs(value) > MAX_DAYS:
            raise CellError(f"天数「{_short(shown)}」超过一年的 {MAX_DAYS} 天，请核对")
    if value < 0:
        raise CellError(f"天数不能为负数（{_text(v)}），请核对")
    return value


def _short(text: str, limit: int = 30) -> str:
    """User text quoted in a message, cut to `limit` characters."""
    return text if len(text) <= limit else f"{text[:limit]}…（共 {len(text)} 个字符）"


def parse_int(v: Any) -> int | None:
    """A whole number such as 序号 ('３', 3.0, '3.'); blank → None; else `CellError`."""
    if v is None or isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        if float(v).is_integer():
            return int(v)
        raise CellError(f"「{v}」不是整数")
    text = ANY_SPACE.sub("", unicodedata.normalize("NFKC", INVISIBLE.sub("", str(v))))
    text = text.rstrip(".、")
    if not text:
        return None
    if text.isdigit():
        if len(text) > 9:  # a 序号, not a 5,000-digit number (int() refuses past 4,300)
            raise CellError(f"「{_short(text)}」不是有效的序号")
        return int(text)
    if (n := _cn_number(text)) is not None and float(n).is_integer():
        return int(n)
    raise CellError(f"「{v}」不是整数")
