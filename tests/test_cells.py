"""Cell parsers: ticks, dates, leave days, names and text typed by people."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaoping.errors import KaopingError
from kaoping.excel.cells import (
    CellError,
    clean_text,
    find_date_in_text,
    normalize_name,
    parse_date,
    parse_days,
    parse_int,
    parse_tick,
)


@pytest.mark.parametrize("v", ["√", "✓", "✔", "☑", "■", "●", "是", "V", "v", " √ ", "√√",
                               "\u200b√", "　✔　", True, "√（已核）"])
def test_ticks(v):
    assert parse_tick(v) is True


@pytest.mark.parametrize("v", [None, "", " ", "□", "否", "☐", "×", "好", "VV", "very", 0, 1, False,
                               "\u3000"])
def test_not_ticks(v):
    assert parse_tick(v) is False


D = dt.date(2026, 7, 3)


@pytest.mark.parametrize(
    "v",
    [D, dt.datetime(2026, 7, 3, 9, 30), 46206, 46206.0, "46206", "2026-7-3", "2026-07-03",
     "2026.7.3", "2026/7/3", "2026年7月3日", "2026 年 7 月 3 日", "２０２６－７－３", "２０２６．７．３",
     "20260703", "2026-07-03 00:00:00", "2026-07-03T08:00", "\u200b2026/7/3 "],
)
def test_dates(v):
    assert parse_date(v) == D


@pytest.mark.parametrize("v", ["7月3日", "7月3号", "7-3", "7/3", "7.3", "７月３日", 7.3])
def test_dates_without_year_need_one(v):
    assert parse_date(v, year=2026) == D
    if not isinstance(v, float):
        with pytest.raises(CellError):
            parse_date(v)


def test_date_blank():
    assert parse_date(None) is None
    assert parse_date("") is None
    assert parse_date("  ") is None


@pytest.mark.parametrize("v", ["2026-02-30", "2026年2月30日", "2026.13.1", "2月30日"])
def test_impossible_dates(v):
    with pytest.raises(CellError) as e:
        parse_date(v, year=2026)
    assert "不存在" in e.value.message or "无法识别" in e.value.message
    assert "2026-02-30" not in e.value.message or "不存在" in e.value.message


def test_impossible_date_message_is_chinese_and_names_value():
    with pytest.raises(CellError) as e:
        parse_date("2026-02-30")
    assert "「2026-02-30」不存在" in e.value.message
    assert isinstance(e.value, KaopingError)


@pytest.mark.parametrize("v", ["明天", "下周", "abc", True, 5, -3, "2026-7"])
def test_unreadable_dates(v):
    with pytest.raises(CellError):
        parse_date(v)


@given(st.dates(min_value=dt.date(1901, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_date_formats_roundtrip(d):
    serial = (d - dt.date(1899, 12, 30)).days
    for v in (d, serial, f"{d.year}-{d.month}-{d.day}", f"{d.year}.{d.month}.{d.day}",
              f"{d.year}/{d.month}/{d.day}", f"{d.year}年{d.month}月{d.day}日"):
        assert parse_date(v) == d
    assert parse_date(f"{d.month}月{d.day}日", year=d.year) == d


@pytest.mark.parametrize(
    ("v", "expected"),
    [(1.5, 1.5), (2, 2.0), ("1.5", 1.5), ("１．５", 1.5), ("1.5天", 1.5), ("1.5 天", 1.5),
     ("半天", 0.5), ("半", 0.5), ("1天半", 1.5), ("两天", 2.0), ("三", 3.0), ("十二天", 12.0),
     ("0", 0.0), ("无", 0.0), (0, 0.0), ("３天", 3.0), ("2个工作日", 2.0), (".5", 0.5),
     (None, None), ("", None), ("/", None), ("  ", None)],
)
def test_days(v, expected):
    assert parse_days(v) == expected


@pytest.mark.parametrize("v", ["-1", -0.5, "－２", "-1.5天"])
def test_negative_days(v):
    with pytest.raises(CellError) as e:
        parse_days(v)
    assert "负数" in e.value.message


@pytest.mark.parametrize("v", ["很多", "1.5.2", "abc", True])
def test_unreadable_days(v):
    with pytest.raises(CellError):
        parse_days(v)


@pytest.mark.parametrize(
    ("v", "expected"),
    [("张三", "张三"), ("张 三", "张三"), ("张　三", "张三"), (" 张\u200b三\u00a0", "张三"),
     ("ＡＢ", "AB"), (None, ""), ("欧阳\t小明", "欧阳小明")],
)
def test_normalize_name(v, expected):
    assert normalize_name(v) == expected


@pytest.mark.parametrize(
    ("v", "expected"),
    [(None, None), ("", None), ("  ", None), ("\u200b", None), (" 完成\u200b报表 ", "完成报表"),
     ("　全角空格　", "全角空格"), ("第１２３号", "第123号"), ("第一行\r\n 第二行 ", "第一行\n第二行"),
     (3.0, "3"), (2.5, "2.5"), ("张\x0b三\x07", "张三"), (dt.date(2026, 7, 3), "2026-07-03")],
)
def test_clean_text(v, expected):
    assert clean_text(v) == expected


def test_clean_text_keeps_chinese_punctuation():
    assert clean_text("（已完成）：好") == "（已完成）：好"


def test_find_date_in_text():
    assert find_date_in_text("已完成，7月8日报送", year=2026) == dt.date(2026, 7, 8)
    assert find_date_in_text("2026.7.9完成") == dt.date(2026, 7, 9)
    assert find_date_in_text("已完成") is None
    assert find_date_in_text("7月8日", year=None) is None
    assert find_date_in_text("2月30日, 3月1日", year=2026) == dt.date(2026, 3, 1)


@pytest.mark.parametrize(("v", "expected"), [("3", 3), (3.0, 3), ("３", 3), ("3.", 3), ("", None),
                                             (None, None), ("十", 10)])
def test_parse_int(v, expected):
    assert parse_int(v) == expected


def test_parse_int_bad():
    with pytest.raises(CellError):
        parse_int("三点五")
