"""kaoping.calendar: official workdays, overrides, deadlines, iCalendar export, CLI."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from typer.testing import CliRunner

from kaoping.calendar import (
    CalendarUnknownError,
    deadlines,
    is_workday,
    month_detail,
    month_workdays,
    quarter_workdays,
    to_ics,
    workdays,
)
from kaoping.errors import KaopingError
from kaoping.periods import Month, Quarter

# Figures derived by hand from 国务院办公厅关于2026年部分节假日安排的通知:
# 元旦 1/1–1/3 (1/4 Sun 上班); 春节 2/15–2/23 (2/14 Sat, 2/28 Sat 上班); 清明 4/4–4/6;
# 劳动节 5/1–5/5 (5/9 Sat 上班); 端午 6/19–6/21; 中秋 9/25–9/27; 国庆 10/1–10/7
# (9/20 Sun, 10/10 Sat 上班).
# October 2026: 22 Mon–Fri days − 5 (1, 2, 5, 6, 7 Oct) + 1 (10 Oct) = 18.
# July 23 Mon–Fri; August 21; September 22 − 1 (25 Sep) + 1 (20 Sep) = 22 → Q3 = 66.
KNOWN_2026 = {1: 21, 2: 16, 3: 22, 4: 21, 5: 19, 6: 21, 7: 23, 8: 21, 9: 22, 10: 18, 11: 21, 12: 23}


def test_october_2026_has_18_workdays():
    assert month_workdays(Month(2026, 10)) == 18


def test_q3_2026_has_66_workdays():
    assert quarter_workdays(Quarter(2026, 3)) == 66


@pytest.mark.parametrize(("month", "expected"), sorted(KNOWN_2026.items()))
def test_every_month_of_2026(month, expected):
    assert month_workdays(Month(2026, month)) == expected


def test_make_up_saturday_and_holiday_weekday():
    assert is_workday(dt.date(2026, 10, 10))  # Saturday, 调休上班
    assert is_workday(dt.date(2026, 9, 20))  # Sunday, 调休上班
    assert not is_workday(dt.date(2026, 10, 5))  # Monday, 国庆
    assert not is_workday(dt.date(2026, 10, 3))  # plain weekend
    assert is_workday(dt.date(2026, 10, 9))  # plain Friday


def test_workdays_range_is_inclusive_and_crosses_months():
    # 28 Sep (Mon) – 10 Oct (Sat): 28, 29, 30 Sep, 8, 9, 10 Oct.
    assert workdays(dt.date(2026, 9, 28), dt.date(2026, 10, 10)) == 6
    assert workdays(dt.date(2026, 10, 9), dt.date(2026, 10, 9)) == 1
    assert workdays(dt.date(2026, 10, 10), dt.date(2026, 10, 9)) == 0


def test_detail_counts_holidays_and_makeup_days():
    d = month_detail(Month(2026, 10))
    assert (d.workdays, d.weekdays, d.holidays_on_weekdays, d.makeup_days) == (18, 22, 5, 1)
    assert d.source == "国务院安排"


def test_override_wins_over_the_package():
    assert month_workdays(Month(2026, 10), {"2026-10": 20}) == 20
    assert quarter_workdays(Quarter(2026, 4), {"2026-10": 20}) == 20 + 21 + 23
    assert month_detail(Month(2026, 10), {"2026-10": 20}).source == "kaoping.toml"


def test_override_for_an_unknown_year():
    overrides = {f"2027-{m:02d}": 20 for m in range(1, 13)}
    overrides["2027-02"] = 17.5
    assert month_workdays(Month(2027, 2), overrides) == 17.5
    assert quarter_workdays(Quarter(2027, 1), overrides) == 57.5
    # A part of an overridden month gets its Mon–Fri share: 1–15 Jan 2027 has 11 of 21.
    assert workdays(dt.date(2027, 1, 1), dt.date(2027, 1, 15), overrides) == pytest.approx(20 * 11 / 21)


def test_unknown_year_without_override_says_how_to_fix():
    with pytest.raises(CalendarUnknownError) as info:
        quarter_workdays(Quarter(2027, 1), {"2027-01": 20})
    assert isinstance(info.value, KaopingError)
    msg = info.value.message
    assert "2027-02" in msg and "[attendance.workdays]" in msg and '"2027-01" = 20' in msg
    assert "kaoping.toml" in msg
    with pytest.raises(CalendarUnknownError):
        month_workdays(Month(2003, 12))
    assert month_detail(Month(2027, 3)).workdays is None


@pytest.mark.parametrize("key", ["2027-13", "2027/01", "一月", "2027-00"])
def test_bad_override_key(key):
    with pytest.raises(KaopingError, match="无法识别"):
        month_workdays(Month(2027, 1), {key: 20})


@pytest.mark.parametrize("value", [-1, 32])
def test_bad_override_value(value):
    with pytest.raises(KaopingError, match="不合理"):
        month_workdays(Month(2027, 1), {"2027-01": value})


def test_deadlines_of_a_year():
    items = deadlines(2026)
    evaluations = [d for d in items if d.end is not None]
    assert [d.date for d in evaluations] == [dt.date(2026, m, 1) for m in (1, 4, 7, 10)]
    assert [d.end for d in evaluations] == [dt.date(2026, 1, 31), dt.date(2026, 4, 30),
                                            dt.date(2026, 7, 31), dt.date(2026, 10, 31)]
    assert all(d.clause == "§四(三)5" for d in evaluations)
    # January evaluates Q4 of the previous year.
    assert "2025年第四季度" in evaluations[0].title and "2026年第三季度" in evaluations[3].title
    filing = [d for d in items if "附件4" in d.title]
    assert [d.date for d in filing] == [dt.date(2026, m, 20) for m in (1, 4, 7, 10)]
    assert all("附件5" in d.title for d in filing)
    annex6 = [d for d in items if "附件6" in d.title]
    assert [d.date for d in annex6] == [dt.date(2026, 1, 20)] and "2025年度" in annex6[0].title
    assert items == sorted(items, key=lambda d: (d.date, d.end is None, d.title))


def _unfold(data: bytes) -> list[str]:
    return data.decode("utf-8").replace("\r\n ", "").split("\r\n")


def test_ics_structure():
    now = dt.datetime(2026, 11, 25, 8, 30, tzinfo=dt.UTC)
    items = deadlines(2026)
    data = to_ics(items, now=now)
    # CRLF everywhere, no bare LF.
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    raw_lines = data.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in raw_lines)
    assert any(line.startswith(b" ") for line in raw_lines)  # long Chinese titles were folded
    for line in raw_lines:  # folding never splits a UTF-8 character
        line.decode("utf-8")
    lines = _unfold(data)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR" and lines[-1] == ""
    assert "VERSION:2.0" in lines and any(x.startswith("PRODID:") for x in lines)
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == len(items)
    uids = [x for x in lines if x.startswith("UID:")]
    assert len(set(uids)) == len(items)
    assert lines.count("DTSTAMP:20261125T083000Z") == len(items)
    assert "DTSTART;VALUE=DATE:20261020" in lines
    # All-day window: the October evaluation runs 1–31 Oct, DTEND exclusive.
    i = lines.index("DTSTART;VALUE=DATE:20261001")
    assert lines[i + 1] == "DTEND;VALUE=DATE:20261101"
    summaries = [x for x in lines if x.startswith("SUMMARY:")]
    assert any("附件6" in s for s in summaries)
    # Stable UIDs: regenerating gives the same ids.
    assert [x for x in _unfold(to_ics(items, now=now)) if x.startswith("UID:")] == uids


def test_ics_escapes_text():
    from kaoping.calendar import Deadline

    d = Deadline(date=dt.date(2026, 1, 20), title="a,b;c\\d\ne", clause="x")
    lines = _unfold(to_ics([d], now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)))
    assert "SUMMARY:a\\,b\\;c\\\\d\\ne" in lines


def test_ics_folds_at_75_octets_exactly():
    from kaoping.calendar import _fold

    line = "SUMMARY:" + "考" * 60
    folded = _fold(line)
    parts = folded.split(b"\r\n")[:-1]
    assert all(len(p) <= 75 for p in parts)
    assert b"".join(p[1:] if i else p for i, p in enumerate(parts)).decode() == line
    short = "X" * 75
    assert _fold(short) == short.encode() + b"\r\n"
    assert _fold("X" * 76) == b"X" * 75 + b"\r\n X\r\n"


# ---------------------------------------------------------------- CLI


def _app():
    from kaoping.cli import app

    return app


def test_cli_calendar_table_and_ics(tmp_path):
    runner = CliRunner()
    out = tmp_path / "日程.ics"
    result = runner.invoke(_app(), ["calendar", "2026", "--ics", str(out)])
    assert result.exit_code == 0, result.output
    assert "18" in result.output and "66" in result.output and "附件6" in result.output
    assert out.read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")
    # Refuses to overwrite without --force, before printing the tables.
    again = runner.invoke(_app(), ["calendar", "2026", "--ics", str(out)])
    assert again.exit_code == 2 and "--force" in again.output and "法定工作日" not in again.output
    forced = runner.invoke(_app(), ["calendar", "2026", "--ics", str(out), "--force"])
    assert forced.exit_code == 0


def test_cli_calendar_unknown_year_uses_toml(tmp_path):
    toml = tmp_path / "kaoping.toml"
    toml.write_text('[attendance.workdays]\n"2027-01" = 20\n"2027-02" = 18\n"2027-03" = 22\n',
                    encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(_app(), ["calendar", "2027", "-c", str(toml)])
    assert result.exit_code == 0, result.output
    assert re.search(r"第一季度\s*│\s*60", result.output)
    assert "未知" in result.output and "[attendance.workdays]" in result.output


def test_cli_calendar_bad_toml_is_an_error_not_a_traceback(tmp_path):
    toml = tmp_path / "kaoping.toml"
    toml.write_text('[attendance.workdays]\n"2027-13" = 20\n', encoding="utf-8")
    result = CliRunner().invoke(_app(), ["calendar", "2027", "-c", str(toml)])
    assert result.exit_code == 2 and "2027-13" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


# ------------------------------------------------------------------ the library call


def test_run_calendar_gives_the_quarters_totals_and_the_dates(capsys):
    from kaoping.calendar import quarter_workdays
    from kaoping.periods import Quarter
    from kaoping.pipeline.calendar import run_calendar

    run = run_calendar(2026)
    assert capsys.readouterr() == ("", "")
    assert [q.quarter for q in run.quarters] == [Quarter(2026, q) for q in range(1, 5)]
    assert [q.workdays for q in run.quarters] == [quarter_workdays(q.quarter) for q in run.quarters]
    assert run.unknown == [] and run.deadlines == tuple(deadlines(2026))


def test_run_calendar_names_unknown_months_and_takes_the_settings_days():
    from kaoping.periods import Month
    from kaoping.pipeline.calendar import run_calendar
    from kaoping.rules.settings import Settings

    far = 2100  # beyond the calendar data
    bare = run_calendar(far)
    assert bare.unknown == [Month(far, m) for m in range(1, 13)]
    assert all(q.workdays is None for q in bare.quarters)
    days = {f"{far}-{m:02d}": 20 + (m == 2) * 0.5 for m in (1, 2, 3)}
    given = run_calendar(far, settings=Settings.model_validate({"attendance": {"workdays": days}}))
    assert given.quarters[0].workdays == 60.5 and given.quarters[1].workdays is None
    assert given.unknown == [Month(far, m) for m in range(4, 13)]
