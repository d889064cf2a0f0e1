"""The 好 seats of a quarter before and during grading (§四(三)3): `kaoping quarter quota`.

Before the forms come back, each quota key (考核组, else 单位) may give at most
`good_cap(base)` 好, where the base is who is due (§二), counted as the quarter's check
will count them (`settings.quota.denominator`): all due people ("participants", 不定档
included), or only those not known from the roster to be 不定档 ("graded"). The 不定档
known in advance are the roster's: 试用期 / 试用期至 (§二 第1类) and the 特殊情形 in force
during the quarter (第2–5类); a long leave (第2类 from attendance) is only known once the
monthly summaries are read, so it is not in the notice but shows up in the used/left
figures once the forms are given.

With the quarter's results (`QuotaSummary` from `rules.quota`), the seats used are the 好
counted toward the cap (受表彰直接定好 not counted, §四(三)4(1)) and the seats left are the
notice's cap less those; the cap the check will apply to the forms actually returned
(`QuotaSummary.cap`) is kept too, as it falls when someone sends no form.

The cap arithmetic is `rules.quota.good_cap`, the categories `rules.quarter.special_categories`.
Pure: no file or console I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..models import Person, SpecialCategory
from ..periods import Quarter
from .due import is_due
from .quarter import special_categories
from .quota import CENTRE_KEY, QuotaSummary, good_cap
from .settings import Settings


@dataclass
class NotGraded:
    """A due person the roster already makes 不定档 this quarter, and why (§二)."""

    person: Person
    categories: list[SpecialCategory]

    @property
    def reason(self) -> str:
        return "、".join(f"第{c.number}类（{c.value}）" for c in self.categories)


@dataclass
class Seats:
    """The 好 seats of one quota key (or the centre) for one quarter."""

    key: str
    units: list[str]
    due: int  # 应参加: due this quarter (§二)
    not_graded: list[NotGraded]  # 不定档 known from the roster
    denominator: int  # the base of the cap, per settings.quota.denominator
    cap: int  # 好 seats: good_cap(denominator)
    returned: QuotaSummary | None = None  # the quarter's results so far, when forms were read
    due_by_unit: dict[str, int] = field(default_factory=dict)

    @property
    def gradable(self) -> int:
        """Due people who may be graded (not 不定档 by the roster)."""
        return self.due - len(self.not_graded)

    @property
    def used(self) -> int | None:
        """好 given so far that count toward the cap, None before any form is read."""
        return None if self.returned is None else self.returned.good

    @property
    def left(self) -> int | None:
        """Seats left (negative: over the cap), None before any form is read."""
        return None if self.returned is None else self.cap - self.returned.good

    @property
    def is_group(self) -> bool:
        return len(self.units) > 1 or self.key not in self.units


def _seats(key: str, people: Sequence[Person], quarter: Quarter, settings: Settings) -> Seats:
    due = [p for p in people if is_due(p, quarter.start, quarter.end)]
    not_graded = [NotGraded(p, cats) for p in due if (cats := special_categories(p, quarter))]
    base = len(due) if settings.quota.denominator == "participants" else len(due) - len(not_graded)
    by_unit: dict[str, int] = {}
    for p in due:
        by_unit[p.unit] = by_unit.get(p.unit, 0) + 1
    return Seats(key=key, units=list(dict.fromkeys(p.unit for p in people)), due=len(due),
                 not_graded=not_graded, denominator=base, cap=good_cap(base, settings),
                 due_by_unit=by_unit)


def quarter_seats(people: Sequence[Person], quarter: Quarter, settings: Settings,
                  returned: Sequence[QuotaSummary] = (), centre: QuotaSummary | None = None
                  ) -> tuple[list[Seats], Seats]:
    """The seats of each quota key (in roster order) and of the centre; `returned` and
    `centre`: the quarter's `QuotaSummary`s when forms were read (matched by key)."""
    by_key: dict[str, list[Person]] = {}
    for p in people:
        by_key.setdefault(p.quota_key, []).append(p)
    seats = [_seats(key, members, quarter, settings) for key, members in by_key.items()]
    seats = [s for s in seats if s.due]
    found = {q.key: q for q in returned}
    for s in seats:
        s.returned = found.get(s.key)
    whole = _seats(CENTRE_KEY, people, quarter, settings)
    whole.returned = centre
    return seats, whole
