"""Property tests: the cell parsers never fail in any way but CellError, and the 好 quota cap."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from kaoping.excel.cells import CellError, clean_text, normalize_name, parse_date, parse_days, parse_tick
from kaoping.rules.quarter import good_cap
from kaoping.rules.settings import Settings

# What a reader can get from a cell: calamine's value types, plus hostile text.
_text = st.text(
    alphabet=st.one_of(
        st.characters(),  # any code point, including surrogates-free astral ones
        st.sampled_from(list("0123456789０１２３４５６７８９.．-－/年月日号天半√✓□是否 \u3000\u200b\ufeff\u00a0\t\n")),
    ),
    max_size=40,
)
cell_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.timedeltas(),
    _text,
)

FULLWIDTH = str.maketrans("0123456789.-", "０１２３４５６７８９．－")
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _outcome(fn, *args, **kw):
    """The result of fn, or the CellError message; any other exception fails the test."""
    try:
        return ("ok", fn(*args, **kw))
    except CellError as exc:
        assert exc.message and isinstance(exc.message, str)
        return ("error", None)


# ------------------------------------------------------------------ never raise but CellError


@FAST
@given(cell_values)
@example("2026-02-30")
@example("\u200b")
@example(float("nan"))
@example(10**20)
def test_parse_tick_total(v):
    assert isinstance(parse_tick(v), bool)


@FAST
@given(cell_values, st.one_of(st.none(), st.integers(1900, 2100)))
@example("2026-02-30", None)
@example("2-30", 2026)
@example(float("inf"), None)
@example(-5, 2026)
@example("99999999999999999999999", None)
@example(0.875, 1900)  # used to recurse forever (a number < 367 that is not month.day)
@example(7.3, 2026)
def test_parse_date_only_cell_errors(v, year):
    kind, value = _outcome(parse_date, v, year=year)
    if kind == "ok":
        assert value is None or isinstance(value, dt.date)


@FAST
@given(cell_values)
@example("-1")
@example("１．５天")
@example("1e400")
@example(float("-inf"))
def test_parse_days_only_cell_errors(v):
    kind, value = _outcome(parse_days, v)
    if kind == "ok" and value is not None:
        assert isinstance(value, float)
        assert value >= 0  # negative days are always a CellError


@FAST
@given(cell_values)
def test_clean_text_total_and_idempotent(v):
    out = clean_text(v)
    assert out is None or (isinstance(out, str) and out == out.strip() and out)
    if out is not None:
        assert "\u200b" not in out and "\ufeff" not in out
        assert clean_text(out) == out


@FAST
@given(cell_values)
@example("\u3000张\u200b三 ")
@example("C\u00b8")  # NFKC gives 'C' + space + combining cedilla: must still be idempotent
def test_normalize_name_total_and_idempotent(v):
    out = normalize_name(v)
    assert isinstance(out, str)
    assert normalize_name(out) == out
    assert not any(ch.isspace() or ch in "\u3000\u200b\ufeff" for ch in out)


# ------------------------------------------------------------------ full width == half width


@FAST
@given(st.decimals(min_value=0, max_value=365, places=1, allow_nan=False), st.sampled_from(["", "天", " 天"]))
def test_full_width_days_equal_half_width(d, unit):
    half = f"{d}{unit}"
    full = half.translate(FULLWIDTH)
    assert _outcome(parse_days, full) == _outcome(parse_days, half)
    assert parse_days(half) == float(d)


@FAST
@given(st.dates(min_value=dt.date(1901, 1, 1), max_value=dt.date(9999, 12, 31)),
       st.sampled_from(["{y}-{m}-{d}", "{y}.{m}.{d}", "{y}/{m}/{d}", "{y}年{m}月{d}日"]))
def test_full_width_dates_equal_half_width(day, fmt):
    half = fmt.format(y=day.year, m=day.month, d=day.day)
    full = half.translate(FULLWIDTH)
    assert parse_date(half) == day
    assert parse_date(full) == day


@FAST
@given(st.integers(1900, 2100), st.integers(1, 12), st.integers(1, 40))
def test_impossible_dates_are_cell_errors(y, m, d):
    try:
        expected = dt.date(y, m, d)
    except ValueError:
        expected = None
    text = f"{y}-{m}-{d}"
    if expected is None:
        assert _outcome(parse_date, text) == ("error", None)
        assert _outcome(parse_date, text.translate(FULLWIDTH)) == ("error", None)
    else:
        assert parse_date(text) == expected


@FAST
@given(st.text(alphabet=st.characters(categories=["Lo"]), min_size=1, max_size=6),
       st.lists(st.sampled_from([" ", "\u3000", "\u200b", "\u00a0", "\t", "\ufeff"]), max_size=4),
       st.randoms(use_true_random=False))
def test_names_equal_whatever_spaces_are_inserted(name, junk, rnd):
    assume(normalize_name(name) == name)
    polluted = list(name)
    for ch in junk:
        polluted.insert(rnd.randint(0, len(polluted)), ch)
    assert normalize_name("".join(polluted)) == name


@FAST
@given(st.sampled_from(sorted("√✓✔☑■●")), st.sampled_from(["", " ", "\u3000", "\u200b"]))
def test_tick_marks_with_invisible_padding(mark, pad):
    assert parse_tick(pad + mark + pad) is True
    assert parse_tick(pad + "□" + pad) is False


# ------------------------------------------------------------------ quota rule (§四(三)3)

ratios = st.fractions(min_value=Fraction(1, 100), max_value=1, max_denominator=100)


def _settings(ratio: Fraction, rounding: str) -> Settings:
    return Settings.model_validate({"quota": {"good_ratio": float(ratio), "rounding": rounding}})


@FAST
@given(st.integers(0, 2000), ratios)
def test_good_cap_floor_bounds(n, ratio):
    s = _settings(ratio, "floor")
    cap = good_cap(n, s)
    assert 0 <= cap <= Fraction(repr(float(ratio))) * n
    assert good_cap(n) == (2 * n) // 5  # default 40%, floor, exact (0.4 × 10 = 4)


@FAST
@given(st.integers(0, 2000), st.integers(0, 50), ratios, st.sampled_from(["floor", "round", "ceil"]))
def test_good_cap_monotone_in_n(n, extra, ratio, rounding):
    s = _settings(ratio, rounding)
    a, b = good_cap(n, s), good_cap(n + extra, s)
    assert 0 <= a <= b <= n + extra
    assert abs(a - Fraction(repr(float(ratio))) * n) < 1
