"""Who is due for assessment in a period (§二 考评对象): the one rule every command uses.

Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt

from ..models import Person, Roster


def is_due(person: Person, start: dt.date, end: dt.date) -> bool:
    """§二: 在编 and hired on or before the period's last day `end` (an unknown 入职日期
    counts as hired). 不定档 people are due too: they take part but are not graded
    (§二 五类人员只参加日常考核，不进行定档). `start` bounds the period and must not be after
    `end`."""
    if start > end:
        raise ValueError("start after end")
    return person.on_establishment and (person.hired_on is None or person.hired_on <= end)


def hired_during(person: Person, start: dt.date, end: dt.date) -> bool:
    """Hired after the period's first day `start`, on or before its last day `end`: their
    考核周期 runs from the hire date (§四(三)4(3) 应出勤天数)."""
    return person.hired_on is not None and start < person.hired_on <= end


def due_people(roster: Roster, start: dt.date, end: dt.date) -> list[Person]:
    """The roster's people due in [start, end], in roster order."""
    return [p for p in roster.people if is_due(p, start, end)]
