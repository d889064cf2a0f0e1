"""kaoping.pipeline as a library: run_roster_check, run_forms and run_blank_forms called
without the CLI, on the example roster and on small hand-made ones."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest
from openpyxl import Workbook

from kaoping.errors import KaopingError, OutputExistsError
from kaoping.forms.roster import roster_template_workbook
from kaoping.forms.routine import TEMPLATE_NAMES
from kaoping.models import (
    Person,
    RankCategory,
    Roster,
    Severity,
    SpecialCase,
    SpecialCategory,
)
from kaoping.periods import Month, Quarter
from kaoping.pipeline import run_blank_forms, run_forms, run_roster_check
from kaoping.pipeline.roster import summarize
from kaoping.rules.due import due_people
from kaoping.rules.settings import LimitSettings, Settings

ROOT = Path(__file__).resolve().parents[1]
ROSTER = ROOT / "examples" / "花名册.xlsx"


def _person(sid: str, unit: str, **kw) -> Person:
    return Person(staff_id=sid, name=f"人员{sid}", unit=unit,
                  rank_category=kw.pop("rank_category", RankCategory.CLERK), **kw)


SMALL = [
    _person("1", "办公室", quota_group="机关"),
    _person("2", "财务处", quota_group="机关", rank_category=RankCategory.SECTION_CHIEF),
    _person("3", "财务处", quota_group="机关", probation_until=dt.date(2026, 12, 31)),
    _person("4", "鹿城分中心", special_cases=[SpecialCase(category=SpecialCategory.DISCIPLINED)]),
    _person("5", "鹿城分中心", on_establishment=False),
    _person("6", "鹿城分中心", rank_category=RankCategory.PROBATION, refused_or_falsified=True,
            refused_or_falsified_year=2026),
]


@pytest.fixture
def small(tmp_path: Path) -> Path:
    path = tmp_path / "花名册.xlsx"
    roster_template_workbook(people=SMALL).save(path)
    return path


# ---------------------------------------------------------------- run_roster_check


def test_roster_check_of_the_example_counts_what_the_roster_holds(capsys):
    run = run_roster_check(ROSTER)
    assert capsys.readouterr() == ("", "")  # no console output from the library
    people = run.roster.people
    on = [p for p in people if p.on_establishment]
    s = run.summary
    assert (s.total, s.on_establishment) == (len(people), len(on)) == (60, 59)
    assert {u: n for u, _, n in s.by_unit} == Counter(p.unit for p in on)
    assert [u for u, _, _ in s.by_unit] == [u for u in run.roster.units() if u in {p.unit for p in on}]
    assert dict(s.by_rank) == {r: sum(p.rank_category == r for p in on) for r in RankCategory}
    assert s.not_on_establishment == [p for p in people if not p.on_establishment]
    assert run.errors == 0 and not any(f.severity == Severity.ERROR for f in run.findings)


def test_roster_check_of_a_small_roster_lists_groups_cases_and_marks(small):
    s = run_roster_check(small).summary
    assert (s.total, s.on_establishment) == (6, 5)
    assert s.by_unit == [("办公室", "机关", 1), ("财务处", "机关", 2), ("鹿城分中心", None, 2)]
    ranks = dict(s.by_rank)
    assert (ranks[RankCategory.CLERK], ranks[RankCategory.SECTION_CHIEF], ranks[RankCategory.PROBATION]) == (3, 1, 1)
    assert [(p.staff_id, c.category) for p, c in s.cases] == [("4", SpecialCategory.DISCIPLINED)]
    assert [p.staff_id for p in s.probation] == ["3", "6"]  # 试用期至 or 职级类别 试用期
    assert [p.staff_id for p in s.not_on_establishment] == ["5"]
    assert [p.staff_id for p in s.refused] == ["6"]


def test_summarize_is_pure_counting_over_a_roster():
    s = summarize(Roster(people=SMALL[:2]))
    assert (s.total, s.on_establishment, s.by_unit) == (2, 2, [("办公室", "机关", 1), ("财务处", "机关", 1)])
    assert s.cases == s.probation == s.not_on_establishment == s.refused == []


def test_roster_check_keeps_the_readers_findings(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "花名册"
    ws.append(["工号", "姓名", "单位", "职级类别"])
    for name in ("张三", "李四"):  # one 工号 twice: R1 on both rows, the second left out
        ws.append(["1001", name, "财务处", RankCategory.CLERK.value])
    path = tmp_path / "r.xlsx"
    wb.save(path)
    run = run_roster_check(path)
    assert [f.rule for f in run.findings] == ["R1", "R1"] and run.errors == 2
    assert run.summary.total == len(run.roster.people) == 1


def test_roster_check_cannot_run_without_a_roster_file(tmp_path):
    with pytest.raises(KaopingError, match="找不到花名册文件"):
        run_roster_check(tmp_path / "没有.xlsx")
    with pytest.raises(KaopingError, match="这是一个文件夹"):
        run_roster_check(tmp_path)


def test_roster_check_reads_within_the_settings_limits(small):
    tight = Settings(limits=LimitSettings(max_file_bytes=100))
    with pytest.raises(KaopingError):
        run_roster_check(small, settings=tight)
    assert run_roster_check(small, settings=Settings()).summary.total == 6


# ---------------------------------------------------------------- run_forms


def test_run_forms_writes_one_form_per_person_due_and_reports_progress(tmp_path, capsys):
    out = tmp_path / "out"
    seen: list[tuple[int, int, Path]] = []
    read: list[int] = []
    run = run_forms("monthly", ROSTER, "2026-07", out, on_progress=lambda *a: seen.append(a),
                    on_roster=lambda roster, findings: read.append(len(roster.people)))
    assert capsys.readouterr() == ("", "")
    due = due_people(run.roster, dt.date(2026, 7, 1), dt.date(2026, 7, 31))
    assert run.period == Month(2026, 7) and read == [60]
    assert len(run.written) == len(due) == len(list(out.rglob("*.xlsx")))
    assert all(p.is_file() and "-2026-07" in p.name for p in run.written)  # 王磊 twice: -工号 too
    assert seen == [(i, len(due), p) for i, p in enumerate(run.written, start=1)]
    assert run.units == len({p.unit for p in due})
    assert run.seats == [] and run.centre is None  # seats only with quarterly forms
    assert run.errors == 0


def test_run_forms_quarterly_for_one_unit_gives_that_units_seats(small, tmp_path):
    run = run_forms("quarterly", small, Quarter(2026, 3), tmp_path / "out", unit="鹿城分中心")
    assert run.period == Quarter(2026, 3) and run.units == 1
    assert sorted(p.name for p in run.written) == ["人员4-2026Q3.xlsx", "人员6-2026Q3.xlsx"]
    assert [s.key for s in run.seats] == ["鹿城分中心"] and run.centre is not None
    everyone = run_forms("quarterly", small, "2026Q3", tmp_path / "all")
    assert len(everyone.written) == 5 and len(everyone.seats) == 2  # 机关 (3 units) and 鹿城分中心


def test_run_forms_refuses_a_second_run_and_writes_over_with_force(small, tmp_path):
    out = tmp_path / "out"
    first = run_forms("monthly", small, "2026-07", out)
    before = {p: p.stat().st_mtime_ns for p in first.written}
    with pytest.raises(OutputExistsError, match="已存在"):
        run_forms("monthly", small, "2026-07", out)
    assert {p: p.stat().st_mtime_ns for p in first.written} == before
    assert run_forms("monthly", small, "2026-07", out, force=True).written == first.written


def test_run_forms_cannot_run(small, tmp_path, monkeypatch):
    with pytest.raises(KaopingError, match="找不到花名册文件"):
        run_forms("monthly", tmp_path / "没有.xlsx", "2026-07", tmp_path / "out")
    with pytest.raises(KaopingError, match="月份"):
        run_forms("monthly", small, "2026-13", tmp_path / "out")
    with pytest.raises(ValueError):
        run_forms("monthly", small, Quarter(2026, 3), tmp_path / "out")
    monkeypatch.setattr("kaoping.output.pdf.soffice_path", lambda: None)
    with pytest.raises(KaopingError, match="LibreOffice"):  # said before the roster is looked at
        run_forms("quarterly", tmp_path / "没有.xlsx", "2026Q3", tmp_path / "out", pdf=True)
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------- run_blank_forms


def test_run_blank_forms_refuses_existing_targets_and_overwrites_with_force(tmp_path, capsys):
    paths = run_blank_forms(tmp_path)
    assert sorted(p.name for p in paths) == sorted(TEMPLATE_NAMES.values())
    assert capsys.readouterr() == ("", "")
    for p in paths[1:]:
        p.unlink()
    kept = paths[0].read_bytes()
    paths[0].write_bytes(b"not a form")
    with pytest.raises(OutputExistsError, match=f"以下文件已存在：{paths[0].name}；未写入任何文件"):
        run_blank_forms(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == [paths[0].name]  # nothing written
    assert paths[0].read_bytes() == b"not a form"
    assert run_blank_forms(tmp_path, force=True) == paths
    assert all(p.is_file() for p in paths) and paths[0].read_bytes()[:2] == kept[:2] == b"PK"
