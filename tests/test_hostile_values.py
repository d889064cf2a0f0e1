"""Values that used to crash a whole run (issue 15, item 7): one bad cell is one finding, a
period the calendar cannot hold is exit 2, never an OverflowError or ValueError traceback."""

from __future__ import annotations

import pytest

from kaoping.errors import KaopingError
from kaoping.excel.cells import MAX_DAYS, CellError, parse_days, parse_int
from kaoping.periods import parse_half, parse_month, parse_quarter


@pytest.mark.parametrize("value", [MAX_DAYS, float(MAX_DAYS), "366", "366天", "0.5", 0])
def test_days_up_to_a_year_are_read(value):
    assert parse_days(value) == float(value if not isinstance(value, str) else value.rstrip("天"))


@pytest.mark.parametrize("value", [MAX_DAYS + 0.5, 1e308, -1e308, 10 ** 400, "367", "1e308",
                                   "9" * 5000, "9" * 21, float("inf"), float("nan")])
def test_days_past_a_year_or_unreadable_are_one_cell_error(value):
    with pytest.raises(CellError) as err:
        parse_days(value)
    assert len(err.value.args[0]) < 120  # a 5,000-digit text is cut in the message


@pytest.mark.parametrize(("text", "ok"), [("1" * 9, True), ("1" * 10, False), ("9" * 5000, False)])
def test_serial_numbers_are_bounded(text, ok):
    if ok:
        assert parse_int(text) == int(text)
    else:
        with pytest.raises(CellError):
            parse_int(text)


@pytest.mark.parametrize(("parse", "good", "bad"), [
    (parse_month, ["1900-01", "9998-12"], ["9999-12", "1899-12", "0000-01"]),
    (parse_quarter, ["1900Q1", "9998Q4"], ["9999Q4", "1899Q4"]),
    (parse_half, ["1900H1", "9998H2"], ["9999H2", "1899H1"]),
])
def test_periods_stay_within_the_calendar(parse, good, bad):
    for text in good:
        parse(text)
    for text in bad:
        with pytest.raises(KaopingError) as err:
            parse(text)
        assert "1900" in err.value.message and "9998" in err.value.message
