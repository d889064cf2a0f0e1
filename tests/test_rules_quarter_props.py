"""Property tests of the 好 quota (§四(三)3)."""

from __future__ import annotations

from fractions import Fraction

from helpers_quarter import AV, FG, G, PO, Q3, form, person, roster
from hypothesis import given, settings
from hypothesis import strategies as st

from kaoping.models import Outcome, QuarterFlag, RankCategory, Severity
from kaoping.rules.quarter import evaluate_quarter, good_cap
from kaoping.rules.settings import Settings

ratios = st.fractions(min_value=Fraction(1, 100), max_value=1, max_denominator=100)


def _settings(ratio: Fraction, rounding: str = "floor", denominator: str = "participants") -> Settings:
    return Settings.model_validate({"quota": {"good_ratio": float(ratio), "rounding": rounding,
                                              "denominator": denominator}})


@given(n=st.integers(0, 500), ratio=ratios)
def test_floor_cap_never_exceeds_ratio_times_n(n, ratio):
    s = _settings(ratio)
    exact = Fraction(repr(float(ratio))) * n
    cap = good_cap(n, s)
    assert 0 <= cap <= exact < cap + 1


@given(n=st.integers(0, 500), ratio=ratios)
def test_round_and_ceil_stay_within_one_half_and_one(n, ratio):
    exact = Fraction(repr(float(ratio))) * n
    assert exact - Fraction(1, 2) < good_cap(n, _settings(ratio, "round")) <= exact + Fraction(1, 2)
    assert exact <= good_cap(n, _settings(ratio, "ceil")) < exact + 1


@given(n=st.integers(0, 300))
def test_default_cap_is_forty_percent_floor(n):
    assert good_cap(n, Settings()) == (4 * n) // 10


# One person: (unit index, group or not, leader grade or None = no form, commended, probation)
member = st.tuples(st.integers(0, 3), st.booleans(), st.sampled_from([G, G, FG, AV, PO, None]),
                   st.booleans(), st.booleans())


@settings(max_examples=150, deadline=None)
@given(members=st.lists(member, min_size=1, max_size=25),
       rounding=st.sampled_from(["floor", "round", "ceil"]),
       denominator=st.sampled_from(["participants", "graded"]))
def test_good_over_cap_always_has_an_error(members, rounding, denominator):
    s = _settings(Fraction(2, 5), rounding, denominator)
    people, forms = [], []
    for i, (unit, grouped, grade, commended, probation) in enumerate(members):
        p = person(f"{i:03d}", f"人{i}", f"单位{unit}", group="机关" if grouped and unit < 2 else None,
                   rank_category=RankCategory.PROBATION if probation else RankCategory.CLERK)
        people.append(p)
        if grade is not None:
            forms.append(form(p, grade, commended=commended and grade == G, opinion="说明"))
    out = evaluate_quarter(roster(*people), Q3, forms, [], workdays=60, settings=s)

    q2_errors = {f.unit for f in out.findings if f.rule == "Q2" and f.severity == Severity.ERROR}
    by_id = {p.staff_id: p for p in people}
    keys = {p.quota_key for p in people}
    assert {q.key for q in out.quotas} == keys
    for key in keys:
        rs = [r for r in out.results if by_id[r.staff_id].quota_key == key]
        participants = [r for r in rs if r.outcome != Outcome.ABSENT]
        graded = [r for r in participants if QuarterFlag.NOT_GRADED not in r.flags]
        base = len(participants) if denominator == "participants" else len(graded)
        counted = [r for r in rs if r.outcome == Outcome.GOOD and QuarterFlag.COMMENDED not in r.flags]
        cap = good_cap(base, s)
        # 不定档 people are never in the numerator.
        assert all(QuarterFlag.NOT_GRADED not in r.flags for r in counted)
        # 好 beyond the cap (commendations aside) never passes without a Q2 错误, and a group
        # within its cap never gets one.
        assert (len(counted) > cap) == (key in q2_errors)
        (q,) = [q for q in out.quotas if q.key == key]
        assert (q.good, q.cap, q.denominator, q.over) == (len(counted), cap, base, len(counted) > cap)
