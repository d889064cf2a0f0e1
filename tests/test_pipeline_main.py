"""The main process's share of `run_quarter` made cheaper without changing a result:
trusted model construction, one roster index for the attendance and quarter rules, and the
W10 shortcut for summaries whose weekly sheets nobody else can repeat."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from test_pipeline_month_split import MONTH, a_batch, ref_check_month_batch

from helpers_month import identity, monthly, weekly
from kaoping.errors import KaopingError
from kaoping.models import MonthAttendance, SourceRef, construct_trusted
from kaoping.pipeline import run_quarter
from kaoping.excel.roster import read_roster
from kaoping.rules.attendance import RosterIndex, collect_attendance
from kaoping.rules.month import check_month_digests, digest_summary
from kaoping.rules.settings import Settings


def test_construct_trusted_is_model_construct():
    src = SourceRef.model_construct({"file", "sheet", "cells"}, file="a.xlsx", sheet="S",
                                    cells={"name": "B3"})
    fast = construct_trusted(SourceRef, {"file", "sheet", "cells"},
                             {"file": "a.xlsx", "sheet": "S", "cells": {"name": "B3"}})
    assert fast == src and repr(fast) == repr(src) and fast.model_dump() == src.model_dump()
    assert fast.model_fields_set == src.model_fields_set and fast.cell("name") == "B3"
    fields = set(MonthAttendance.model_fields)
    values = dict(staff_id="A1", year=2026, month=7, sick_personal_days=1.5,
                  annual_leave_days=0.0, comp_leave_days=0.0, source=src, blank_fields=[])
    rec = construct_trusted(MonthAttendance, fields, dict(values))
    assert rec == MonthAttendance(**values) == MonthAttendance.model_construct(fields, **values)
    assert pickle.loads(pickle.dumps(rec)) == rec
    assert rec.model_dump_json() == MonthAttendance(**values).model_dump_json()


def _interned(digests):
    """Equal week lists as one object, as `run_quarter` keeps them."""
    lists: dict = {}
    for d in digests:
        try:
            d.weeks = lists.setdefault(d.weeks, d.weeks)
        except TypeError:
            pass
    return digests


@hsettings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(a_batch())
def test_month_digests_with_shared_week_lists_equal_the_single_pass(batch):
    summaries, logs, history, _, workdays = batch
    s = Settings()
    expected = ref_check_month_batch(MONTH, summaries, logs, None, workdays=workdays, settings=s,
                                     history=history)
    digests = _interned([digest_summary(x, workdays=workdays, settings=s) for x in summaries])
    past = [digest_summary(x, workdays=None, settings=s) for x in history]
    assert check_month_digests(MONTH, digests, logs, None, settings=s, history=past) == expected


def test_w10_inside_one_summary_and_across_a_loose_log():
    s = Settings()
    me = identity()  # 张三 A001
    sheets = [weekly(1, [], file="a.xlsx", ident=me), weekly(1, [], file="a.xlsx", ident=me),
              weekly(2, [], file="a.xlsx", ident=me)]
    a = monthly(7, ident=me, file="a.xlsx", weeks=sheets)
    other = monthly(7, ident=identity("李四", "A002", "信贷科"), file="b.xlsx",
                    weeks=[weekly(2, [], file="b.xlsx", ident=identity("李四", "A002", "信贷科"))])
    loose = [weekly(2, [], file="loose.xlsx", ident=me)]
    for logs in ([], loose):
        expected = ref_check_month_batch(MONTH, [a, other], logs, None, workdays=23.0, settings=s)
        digests = _interned([digest_summary(x, workdays=23.0, settings=s) for x in (a, other)])
        got = check_month_digests(MONTH, digests, logs, None, settings=s)
        assert got == expected
        assert [f.file for f in got if f.rule == "W10"] == (
            ["a.xlsx"] if not logs else ["a.xlsx", "loose.xlsx"])


def test_collect_attendance_takes_a_roster_index():
    from test_pipeline_month_split import ROSTER
    summaries = [monthly(7, ident=identity("张 三", None, "信贷科"), file="x.xlsx",
                         sick_personal_days=1.0),
                 monthly(7, ident=identity("赵六", None, "归集处"), file="y.xlsx"),
                 monthly(7, ident=identity(), file="z.xlsx", annual_leave_days=2.0)]
    assert (collect_attendance(summaries, roster=RosterIndex(ROSTER))
            == collect_attendance(summaries, roster=ROSTER))
    records, findings = collect_attendance(summaries, roster=ROSTER)
    assert [r.staff_id for r in records] == ["A003", "A001"] and len(findings) == 1


# ---------------------------------------------------------------- reading before the roster

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _watched(monkeypatch, events: list[str]):
    import kaoping.excel.read as reader
    import kaoping.excel.roster as roster_module

    real_folder, real_roster = reader.read_folder, roster_module.read_roster

    def read_folder(*args, **kwargs):
        events.append("folder started")
        try:
            yield from real_folder(*args, **kwargs)
        finally:
            events.append("folder closed")

    def read_roster(path, **kwargs):
        events.append("roster")
        return real_roster(path, **kwargs)

    monkeypatch.setattr(reader, "read_folder", read_folder)
    monkeypatch.setattr(roster_module, "read_roster", read_roster)


def test_the_folder_is_being_read_before_the_roster(monkeypatch):
    """Pool workers are forked when reading starts: before the roster is read, they do not
    carry it. Same run as with a roster read beforehand."""
    events: list[str] = []
    _watched(monkeypatch, events)
    folder = EXAMPLES / "collected" / "2026Q3"
    run = run_quarter(EXAMPLES / "花名册.xlsx", folder)
    assert events == ["folder started", "roster", "folder closed"]
    monkeypatch.undo()
    roster, roster_findings = read_roster(EXAMPLES / "花名册.xlsx")
    again = run_quarter(roster, folder)
    assert run.findings == [*roster_findings, *again.findings]
    assert run.outcome.results == again.outcome.results and run.files == again.files > 0


def test_a_roster_that_cannot_be_read_stops_the_reading(monkeypatch, tmp_path):
    events: list[str] = []
    _watched(monkeypatch, events)
    bad = tmp_path / "花名册.xlsx"
    bad.write_text("not a workbook", encoding="utf-8")
    with pytest.raises(KaopingError):
        run_quarter(bad, EXAMPLES / "collected" / "2026Q3")
    assert events == ["folder started", "roster", "folder closed"]
    empty = tmp_path / "empty"
    empty.mkdir()
    events.clear()
    with pytest.raises(KaopingError):
        run_quarter(bad, empty)
    assert events == ["folder started", "folder closed", "roster"]  # nothing to read


def test_run_quarter_unfreezes_what_it_froze(tmp_path):
    import gc

    folder = EXAMPLES / "collected" / "2026Q3"
    assert gc.get_freeze_count() == 0
    run_quarter(EXAMPLES / "花名册.xlsx", folder)
    assert gc.get_freeze_count() == 0
    with pytest.raises(KaopingError):  # forms of several quarters, no quarter given
        run_quarter(EXAMPLES / "花名册.xlsx", EXAMPLES / "collected")
    assert gc.get_freeze_count() == 0
    gc.freeze()  # the caller's own freeze is left alone
    try:
        frozen = gc.get_freeze_count()
        run_quarter(EXAMPLES / "花名册.xlsx", folder)
        assert gc.get_freeze_count() == frozen > 0
    finally:
        gc.unfreeze()
