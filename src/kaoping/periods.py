"""Months, quarters and the Monday-based weeks of a month. Pure date arithmetic."""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from .errors import KaopingError


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def quarter(self) -> Quarter:
        return Quarter(self.year, (self.month - 1) // 3 + 1)

    def weeks(self) -> list[tuple[dt.date, dt.date]]:
        """The month's Monday-based weeks, clipped to the month: week 1 runs from the 1st to
        the first Sunday (附件1 "（ ）月第（ ）周")."""
        out: list[tuple[dt.date, dt.date]] = []
        day = self.start
        while day <= self.end:
            sunday = day + dt.timedelta(days=6 - day.weekday())
            out.append((day, min(sunday, self.end)))
            day = sunday + dt.timedelta(days=1)
        return out

    def previous(self) -> Month:
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}"


CN_QUARTER = {1: "一", 2: "二", 3: "三", 4: "四"}  # 第三季度: the one table of the numerals


def quarter_label(year: int, quarter: int) -> str:
    """'2026年第三季度'; a number a damaged form gives outside 1–4 as written ('2026年第7季度')."""
    return f"{year}年第{CN_QUARTER.get(quarter, quarter)}季度"


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    quarter: int

    @property
    def label(self) -> str:
        """'2026年第三季度', as the forms and filings name a quarter."""
        return quarter_label(self.year, self.quarter)

    @property
    def months(self) -> list[Month]:
        first = (self.quarter - 1) * 3 + 1
        return [Month(self.year, m) for m in range(first, first + 3)]

    @property
    def start(self) -> dt.date:
        return self.months[0].start

    @property
    def end(self) -> dt.date:
        return self.months[-1].end

    def __str__(self) -> str:
        return f"{self.year}Q{self.quarter}"


_MONTH_RE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*$")
_QUARTER_RE = re.compile(r"^\s*(\d{4})\s*(?:[-_ ]?[Qq]|年第?)\s*([1-4一二三四])\s*(?:季度?)?\s*$")
_CN_DIGITS = {cn: q for q, cn in CN_QUARTER.items()}


# Years a period given on the command line may have: the calendar's (`calendar 1900`…
# `calendar 9998`); 9999-12's weeks would run past the last date Python has.
YEARS = (1900, 9998)


def _year(text: str, year: int, what: str) -> int:
    if not YEARS[0] <= year <= YEARS[1]:
        raise KaopingError(f"{what}「{text}」的年份超出范围：应在 {YEARS[0]} 到 {YEARS[1]} 年之间")
    return year


def parse_month(text: str) -> Month:
    """'2026-07', '2026/7', '2026年7月' → Month(2026, 7)."""
    m = _MONTH_RE.match(text)
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise KaopingError(f"无法识别的月份「{text}」，请写成 2026-07 的形式")
    return Month(_year(text, int(m.group(1)), "月份"), int(m.group(2)))


def parse_quarter(text: str) -> Quarter:
    """'2026Q3', '2026-Q3', '2026年第三季度' → Quarter(2026, 3)."""
    m = _QUARTER_RE.match(text)
    if not m:
        raise KaopingError(f"无法识别的季度「{text}」，请写成 2026Q3 的形式")
    q = m.group(2)
    return Quarter(_year(text, int(m.group(1)), "季度"), _CN_DIGITS.get(q) or int(q))


# ---------------------------------------------------------------- half-years (§四(四))


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
    return Half(_year(text, int(m.group(1)), "半年"), half)


def half_label(text: str) -> str:
    """'2026H1' → '2026年上半年'; a text that names no half is kept as it is."""
    return parse_half(text).label if _HALF_RE.match(text) else text
