"""Properties of the 全年累计 check (§四(二)1(5)) over generated years of monthly summaries."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from helpers_month import monthly
from kaoping.rules.month import check_monthly, check_ytd

half_days = st.integers(min_value=0, max_value=20).map(lambda n: n / 2)
year_of_leave = st.lists(half_days, min_size=12, max_size=12)
present_months = st.sets(st.integers(min_value=1, max_value=12), min_size=1)


def _year(leave: list[float], present: set[int]):
    running, out = 0.0, []
    for m in range(1, 13):
        running += leave[m - 1]
        if m in present:
            out.append(monthly(m, sick_personal_days=leave[m - 1], sick_personal_days_ytd=running))
    return out


@settings(max_examples=200, deadline=None)
@given(year_of_leave, present_months)
def test_true_running_sums_never_give_an_error(leave, present):
    found = check_ytd(_year(leave, present))
    assert not [f for f in found if f.rule == "M9"]
    # a hole between collected months is noted once per month after it
    first = min(present)
    holes = [m for m in range(first, max(present) + 1) if m not in present]
    assert bool([f for f in found if f.rule == "M10"]) == bool(holes)


@settings(max_examples=200, deadline=None)
@given(year_of_leave, st.integers(min_value=1, max_value=12), st.sampled_from([-1.0, -0.5, 0.5, 2.0]))
def test_any_wrong_ytd_in_a_complete_year_is_an_error_naming_that_month(leave, bad, delta):
    summaries = _year(leave, set(range(1, 13)))
    s = summaries[bad - 1]
    wrong = s.sick_personal_days_ytd + delta
    summaries[bad - 1] = s.model_copy(update={"sick_personal_days_ytd": wrong})
    errors = [f for f in check_ytd(summaries) if f.rule == "M9"]
    # the wrong month disagrees with its predecessor; the next month then disagrees with it
    assert errors and errors[0].file == s.source.file
    assert {f.file for f in errors} <= {s.source.file, f"张三-2026-{bad + 1:02d}.xlsx"}


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=60).map(lambda n: n / 2),
       st.integers(min_value=0, max_value=60).map(lambda n: n / 2),
       st.integers(min_value=0, max_value=46).map(lambda n: n / 2))
def test_leave_bound_is_exactly_the_workdays(sick, annual, workdays):
    s = monthly(sick_personal_days=sick, annual_leave_days=annual,
                sick_personal_days_ytd=sick, annual_leave_days_ytd=annual)
    over = [f for f in check_monthly(s, workdays=workdays) if f.rule == "M8"]
    assert bool(over) == (sick + annual > workdays)
