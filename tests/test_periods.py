"""Quarters as the forms and filings name them (periods.Quarter.label, the one table of the
Chinese quarter numerals)."""

from __future__ import annotations

from kaoping.periods import Quarter, parse_quarter


def test_a_quarter_is_named_as_the_forms_name_it():
    from kaoping.periods import CN_QUARTER

    assert [Quarter(2026, q).label for q in range(1, 5)] == [
        "2026年第一季度", "2026年第二季度", "2026年第三季度", "2026年第四季度"]
    assert parse_quarter("2026年第三季度") == Quarter(2026, 3)
    assert all(parse_quarter(Quarter(2026, q).label) == Quarter(2026, q) for q in CN_QUARTER)


def test_a_quarter_number_a_damaged_form_gives_is_shown_as_written():
    from kaoping.periods import quarter_label

    assert quarter_label(2026, 3) == Quarter(2026, 3).label == "2026年第三季度"
    assert quarter_label(2026, 7) == "2026年第7季度"
