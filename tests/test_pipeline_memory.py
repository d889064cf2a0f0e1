"""What keeps `quarter check`'s memory from growing with the batch (issue 7), each pinned to
the behaviour it must not change:

- roster people and quarter results share one pydantic fields set (`models.all_fields_set`),
  and a roster's repeated texts are one object;
- `collect_attendance(sources=False)` gives the same records without their sources;
- `run_quarter` hands the month digests over (`_drained`);
- equal texts, ticks and leave figures of the digests are one object (`_one_identity`,
  `_one_number`), -0.0 kept apart;
- the pool's workers are forked before the folder's paths are listed (they would each hold
  a copy), and counting the workbooks does not list them.
"""

from __future__ import annotations

import gc
import math
import weakref
from pathlib import Path

import pytest
from helpers_quarter import Q3, form, leave, person, roster

from kaoping.excel import batch
from kaoping.excel.batch import FolderReader
from kaoping.models import (
    FormIdentity,
    MonthlySummary,
    Person,
    QuarterResult,
    RankCategory,
    SourceRef,
    all_fields_set,
)
from kaoping.paths import WorkbookListing, count_workbook_names, scan_workbook_names, scan_workbooks
from kaoping.pipeline import Identity, _drained, _one_identity, _one_number
from kaoping.roster import read_roster
from kaoping.rules.attendance import collect_attendance
from kaoping.rules.quarter import evaluate_quarter

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
CORPUS = ROOT / "tests" / "corpus" / "bad"


# ---------------------------------------------------------------- shared fields sets


def test_all_fields_set_is_shared_and_changes_no_value():
    a = person("001", "张三")
    b = person("002", "李四")
    before = (a.model_dump(), repr(a))
    assert all_fields_set(a) is a and all_fields_set(b) is b
    assert a.model_fields_set is b.model_fields_set == set(Person.model_fields)
    assert (a.model_dump(), repr(a)) == before and a == person("001", "张三")


def test_assigning_a_field_leaves_the_shared_set_alone():
    r = all_fields_set(QuarterResult(staff_id="1", name="张三", unit="办公室",
                                     rank_category=RankCategory.CLERK, outcome="好"))
    other = all_fields_set(QuarterResult(staff_id="2", name="李四", unit="办公室",
                                         rank_category=RankCategory.CLERK, outcome="好"))
    shared = set(r.model_fields_set)
    r.note = "改"
    r.flags.append("直接定较差")
    assert r.model_fields_set == shared == set(QuarterResult.model_fields)
    assert other.note is None and other.flags == []
    copy = r.model_copy(update={"note": "副本"})
    assert copy.model_fields_set is not r.model_fields_set and r.note == "改"


def test_roster_people_share_their_fields_set_and_repeated_texts():
    people = read_roster(EXAMPLES / "花名册.xlsx")[0].people
    assert len({id(p.model_fields_set) for p in people}) == 1
    assert people[0].model_fields_set == set(Person.model_fields)
    by_unit: dict[str, str] = {}
    for p in people:
        assert by_unit.setdefault(p.unit, p.unit) is p.unit  # equal units: one object
    assert len(by_unit) < len(people)


# ---------------------------------------------------------------- leave records


def _summaries():
    def s(sid, month, sick, annual, file):
        return MonthlySummary(source=SourceRef(file=file, sheet="月度小结", cells={"name": "B3"}),
                              identity=FormIdentity(staff_id=sid, name="张三"), year=2026,
                              month=month, sick_personal_days=sick, annual_leave_days=annual)
    return [s("1", 7, 1.5, None, "a.xlsx"), s("1", 8, None, 2, "b.xlsx"),
            s("1", 7, 3, 0, "c.xlsx"), s("2", 7, 1.5, 2, "d.xlsx")]


def test_records_without_sources_are_the_records_with_their_sources_dropped():
    with_src, f1 = collect_attendance(_summaries())
    without, f2 = collect_attendance(_summaries(), sources=False)
    assert f1 == f2 and "a.xlsx" in f2[0].message and "c.xlsx" in f2[0].message
    assert [r.source for r in without] == [None] * 3
    assert [r.model_copy(update={"source": None}) for r in with_src] == without
    # equal leave figures are one float
    assert without[0].sick_personal_days is without[2].sick_personal_days


def test_evaluate_quarter_leaves_the_callers_lists_as_they_were():
    people = [person("001"), person("002")]
    records = [leave("001", 7, sick=2)]
    forms = [form(p) for p in people]
    evaluate_quarter(roster(*people), Q3, forms, records, workdays=60)
    assert len(forms) == 2 and len(records) == 1


def test_drained_gives_each_item_in_order_and_lets_go_of_it():
    class Item:
        pass

    items = [Item() for _ in range(3)]
    watch = [weakref.ref(x) for x in items]
    got = []
    for x in _drained(items):
        got.append(watch.index(weakref.ref(x)))
        del x
        gc.collect()
        assert watch[got[-1]]() is None  # nobody else held it
    assert got == [0, 1, 2] and items == []


# ---------------------------------------------------------------- one object for equal values


def test_one_number_shares_equal_floats_but_keeps_negative_zero_and_other_types():
    values: dict = {}
    a, b = float("1.5"), float("3") / 2
    assert a is not b and _one_number(a, values) is _one_number(b, values)
    z = _one_number(0.0, values)
    nz = _one_number(-0.0, values)
    assert z == 0.0 and math.copysign(1.0, nz) == -1.0
    assert _one_number(None, values) is None and _one_number(2, values) == 2
    assert type(_one_number(2, values)) is int


def test_one_identity_shares_units_across_people_and_persons_across_forms():
    identities: dict = {}
    values: dict = {}
    unit = "".join(["办", "公室"])
    a = _one_identity(Identity("1", "张三", unit, "综合科", None), identities, values)
    b = _one_identity(Identity("1", "张三", "办公室", "综合科", None), identities, values)
    c = _one_identity(Identity("2", "李四", "办公室", "".join(["综合", "科"]), "科员"), identities, values)
    assert a is b and a.key() == ("1", "张三", "办公室", "综合科", None)
    assert c.unit is a.unit and c.section is a.section and c.post == "科员"


# ---------------------------------------------------------------- the folder's paths


def test_listing_gives_the_listed_paths(tmp_path):
    rels = ["b/张三-2026Q3.xlsx", "a/Z.XLSX", "a/a.xlsx", "a10/x.xlsx", "a2/深/层/x.xlsx", "c.xlsx"]
    for rel in rels:
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(b"x")
    names = [str(p) for p in scan_workbooks(tmp_path)]
    listing = WorkbookListing(tmp_path)
    assert len(listing) == len(names) == len(rels) and list(listing) == names
    assert [listing[i] for i in range(-len(names), len(names))] == names + names
    assert listing[1:5] == names[1:5] and listing[::-2] == names[::-2] and listing[9:] == []
    for bad in (len(names), -len(names) - 1):
        with pytest.raises(IndexError):
            listing[bad]
    assert len(WorkbookListing(tmp_path / "a10")) == 1 and list(WorkbookListing(tmp_path / "none")) == []


def test_count_is_the_number_of_paths_listed(tmp_path):
    for rel in ["a/x.xlsx", "a/~$x.xlsx", "b/.h/y.xlsx", "b/z.XLSX", "c.xls", "d.txt"]:
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(b"x")
    assert count_workbook_names(tmp_path) == len(scan_workbook_names(tmp_path)) == 3
    assert count_workbook_names(CORPUS) == len(scan_workbook_names(CORPUS)) > 10


def test_workers_are_forked_before_the_paths_are_listed(monkeypatch):
    folder = EXAMPLES / "collected" / "2026Q3"
    reader = FolderReader(folder, workers=2)
    assert reader._listing is None and len(reader) == count_workbook_names(folder)
    real = batch.FolderReader.listing.fget
    workers_then: list[int] = []

    def listing(self):
        if self._listing is None:
            workers_then.append(len(self._pool._processes) if self._pool else 0)
        return real(self)

    monkeypatch.setattr(batch.FolderReader, "listing", property(listing))
    with reader:
        got = [p for p, _ in reader]
    assert workers_then == [2]
    assert got == scan_workbook_names(folder)

