"""`kaoping explain` as a library call: why one person got their quarterly outcome.

Runs the quarter's check (`run_quarter`) and keeps, while the folder is read, the forms that
name the person (by 工号, or by 姓名 on a form without one); then takes the person's result,
attendance, quota and findings out of the check. The sentences are `report.explain`'s.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import KaopingError
from ..models import Finding, Person, Roster
from ..periods import Quarter, quarter_label
from ..report.explain import Explanation, FormRead, Ticks
from ..rules.due import is_due
from ..rules.settings import Settings
from .inputs import OnFile
from .quarter import run_quarter
from .records import EvaluationRecord


def find_person(roster: Roster, who: str) -> Person:
    """The roster person with 工号 `who`, else the one person named `who`."""
    who = who.strip()
    by_id = roster.by_id()
    if who in by_id:
        return by_id[who]
    named = [p for p in roster.people if p.name == who]
    if len(named) == 1:
        return named[0]
    if named:
        ids = "、".join(f"{p.staff_id}（{p.unit}）" for p in named)
        raise KaopingError(f"花名册中有 {len(named)} 人叫「{who}」：{ids}；请用 --person 给出工号")
    raise KaopingError(f"花名册中没有工号或姓名为「{who}」的人；请核对 --person", file=roster.source)


def _names(form: Any, staff_id: str, name: str) -> bool:
    i = form.identity
    return i.staff_id == staff_id if i.staff_id else i.name == name


def _form_read(form: Any) -> FormRead:
    if isinstance(form, EvaluationRecord):
        return FormRead("季度评价表", form.file, form.sheet,
                        quarter_label(form.year, form.quarter))
    return FormRead("月度小结表", form.file, form.sheet, f"{form.year}年{form.month}月")


class _Collector:
    """The `on_file` of the check: keeps the forms of the person (before the roster is read,
    so by the `--person` text: a 工号, or a name)."""

    def __init__(self, who: str, on_file: OnFile | None) -> None:
        self.who, self.on_file = who.strip(), on_file
        self.forms: list[Any] = []

    def __call__(self, result: Any) -> None:
        for form in result.forms:
            i = getattr(form, "identity", None)
            # A form without a 工号 is kept too: it is matched by name once the roster is read.
            if i is not None and (i.staff_id is None or self.who in (i.staff_id, i.name)):
                self.forms.append(form)
        if self.on_file is not None:
            self.on_file(result)


def _mine(f: Finding, p: Person) -> bool:
    if f.staff_id:
        return f.staff_id == p.staff_id
    return (f.person == p.name and f.unit in (p.unit, None)) or (
        f.person is None and f.rule == "Q2" and f.unit == p.quota_key)


def _forms_of(forms: list[Any], person: Person, q: Quarter
              ) -> tuple[list[EvaluationRecord], list[Any]]:
    """The person's 季度评价表 of the quarter and 月度小结 of its months."""
    mine = [f for f in forms if _names(f, person.staff_id, person.name)]
    months = {(m.year, m.month) for m in q.months}
    evaluations = [f for f in mine if isinstance(f, EvaluationRecord)
                   and (f.year, f.quarter) == (q.year, q.quarter)]
    summaries = [f for f in mine if not isinstance(f, EvaluationRecord)
                 and (getattr(f, "year", None), getattr(f, "month", None)) in months]
    return evaluations, summaries


def _ticks_of(evaluations: list[EvaluationRecord], source_file: str | None) -> Ticks | None:
    """The ticks of the form the check counted (the result's source file)."""
    counted = next((f for f in evaluations if source_file and f.file == source_file), None)
    if counted is None:
        return None
    return Ticks(counted.self_ticks, counted.leader_ticks, counted.commended,
                 counted.direct_poor, counted.leader_opinion)


def _explanation(check: Any, person: Person, forms: list[Any]) -> Explanation:
    q: Quarter = check.quarter
    outcome = check.outcome
    evaluations, summaries = _forms_of(forms, person, q)
    result = next((r for r in outcome.results if r.staff_id == person.staff_id), None)
    quota = next((s for s in outcome.quotas if s.key == person.quota_key), None)
    return Explanation(
        quarter=q, person=person, due=is_due(person, q.start, q.end), settings=check.settings,
        result=result, forms=[_form_read(f) for f in [*evaluations, *summaries]],
        ticks=_ticks_of(evaluations, result.source_file if result else None),
        attendance=outcome.attendance.get(person.staff_id), workdays=check.workdays, quota=quota,
        findings=[f for f in check.findings if _mine(f, person)])


def run_explain(roster_path: Path | Roster, folder: Path, who: str, *,
                quarter: Quarter | None = None, settings: Settings | None = None,
                on_file: Callable[[Any], None] | None = None) -> Explanation:
    """The explanation of `who` (工号, or a name unique in the roster) for the quarter of the
    forms under `folder` (or `quarter`). Raises `KaopingError` when the person is not in the
    roster or the check cannot run."""
    collect = _Collector(who, on_file)
    check = run_quarter(roster_path, Path(folder), quarter=quarter, settings=settings,
                        on_file=collect)
    person = find_person(check.roster, who)
    return _explanation(check, person, collect.forms)
